//! The build thread: one per server, so that builds never share an output folder's manifest
//! and never run on the async runtime. It owns the [`Engine`] (fonts and typesetter loaded
//! once) and takes jobs from a queue; jobs that arrive while it works are merged into its next
//! batch (twenty uploads during a build become one batch of twenty, built in parallel by
//! [`Engine::build_all`]). A panic is caught and reported, the thread goes on.

use crate::evaluation::identity_name;
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;

use super::api::{self, Event};
use super::app::{App, Job, Phase};
use super::config::SUMMARY_FILE;
use super::findings::Kept;
use super::pages::{self, Located};
use super::volumes;
use crate::build::{Engine, Observer, PageImages, Report, STACK_SIZE, Status, lock, summary};
use crate::changes;
use crate::check;
use crate::output::manifest;
use crate::publish::{self, PublishOptions};
use crate::read::{self, Stamp};

pub fn spawn(app: Arc<App>, engine: Engine, jobs: Receiver<Job>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("jixiao-serve-builds".into())
        // Typst recurses deeply; as the build threads of the library.
        .stack_size(STACK_SIZE)
        .spawn(move || {
            let mut engine = engine;
            while let Ok(job) = jobs.recv() {
                let mut batch = vec![job];
                batch.extend(jobs.try_iter());
                work(&app, &mut engine, batch);
            }
        })
        .expect("start the build thread")
}

fn work(app: &App, engine: &mut Engine, batch: Vec<Job>) {
    let mut checks = BTreeSet::new();
    let mut builds = BTreeSet::new();
    let mut force = false;
    let mut publish = false;
    let mut previews = Vec::new();
    for job in batch {
        match job {
            Job::Check(files) => checks.extend(files),
            Job::Build {
                files,
                force: f,
                publish: p,
            } => {
                builds.extend(files);
                force |= f;
                publish |= p;
            }
            Job::Preview { file, reply } => previews.push((file, reply)),
        }
    }
    for file in checks {
        check_one(app, &file);
    }
    for (file, reply) in previews {
        let pages = catch_unwind(AssertUnwindSafe(|| engine.preview(&file)))
            .ok()
            .flatten();
        if let Some(pages) = &pages {
            app.update(&file, |e| e.pages = Some(pages.clone()));
        }
        let _ = reply.send(pages);
    }
    if !builds.is_empty() {
        let files: Vec<PathBuf> = builds.into_iter().collect();
        engine.set_force(force);
        run_build(app, engine, &files, publish);
    }
    // A workbook of junk checked or a large batch built: its memory goes back, not only to
    // this process's allocator.
    crate::platform::release_memory();
}

/// Reads and checks one workbook; records its identity, hash and findings.
fn check_one(app: &App, file: &Path) {
    let before = Stamp::of(file);
    // The bytes read once: the hash and the findings are of the same version of the file.
    let (hash, reading) = match read::load(file) {
        Ok(bytes) => (
            Some(manifest::bytes_hash(&bytes)),
            read::read_bytes(file, &bytes),
        ),
        Err(diagnostics) => (None, read::Reading::failed(diagnostics)),
    };
    let checked = catch_unwind(AssertUnwindSafe(|| check::check_reading(file, reading)));
    app.update(file, |entry| {
        entry.phase = Phase::Idle;
        entry.stamp = before;
        entry.hash = hash;
        match checked {
            Ok(c) => {
                let name = c
                    .department_name
                    .map(|n| identity_name(&n, c.self_evaluation));
                entry.identity = name.zip(c.department_year);
                entry.findings = Some(Kept::new(c.diagnostics));
            }
            Err(_) => {
                entry.identity = None;
                entry.findings = Some(Kept::internal(file));
            }
        }
    });
    app.notify(Event::Changed);
}

/// Told about a batch by the library, from its worker threads.
struct Watch<'a> {
    app: &'a App,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Watch<'_> {
    fn progress(&self, current: &str) {
        let progress = api::Progress {
            done: self.done.load(Ordering::SeqCst),
            total: self.total.load(Ordering::SeqCst),
            current: current.to_string(),
        };
        *lock(&self.app.progress) = Some(progress.clone());
        self.app.notify(Event::Progress {
            done: progress.done,
            total: progress.total,
            current: progress.current,
        });
    }
}

impl Observer for Watch<'_> {
    fn planned(&self, total: usize) {
        self.total.store(total, Ordering::SeqCst);
        self.progress("");
    }

    fn started(&self, file: &Path, department: &str) {
        self.app.update(file, |e| {
            e.phase = Phase::Building;
            e.first_page = None;
        });
        self.progress(department);
    }

    fn shown_before(&self, file: &Path) -> Option<PageImages> {
        let entries = self.app.entries();
        let entry = entries.get(file)?;
        entry.pages.clone().or_else(|| entry.before.clone())
    }

    fn early_page(&self, file: &Path, page: usize, png: &[u8]) {
        let mut id = None;
        self.app.update(file, |e| {
            e.first_page = Some((page + 1, Arc::new(png.to_vec())));
            id = Some(e.id.clone());
        });
        if let Some(id) = id {
            self.app.notify(Event::FirstPage { id, page: page + 1 });
        }
    }

    fn finished(&self, report: &Report) {
        self.app.update(&report.file, |e| {
            e.phase = Phase::Idle;
            e.first_page = None;
            match report.status {
                Status::Built => {
                    let before = e.pages.take().or(e.before.take());
                    e.located = match (&before, &report.pages) {
                        (Some(old), Some(new)) => {
                            let all = report.changes.as_deref().unwrap_or_default();
                            let listed = &all[..all.len().min(changes::TERMINAL_LINES)];
                            pages::locate(old, new, listed)
                        }
                        _ => Located::default(),
                    };
                    e.pages = report.pages.clone();
                    e.hash = report.workbook_hash.clone();
                    e.findings = Some(Kept::new(report.diagnostics.clone()));
                    e.changes = report
                        .changes
                        .as_ref()
                        .map(|c| changes::lines(c, changes::TERMINAL_LINES));
                }
                Status::Failed => {
                    e.pages = None;
                    e.located = Located::default();
                    e.findings = Some(Kept::new(report.diagnostics.clone()));
                }
                Status::Unchanged => {}
            }
        });
        self.done.fetch_add(1, Ordering::SeqCst);
        self.progress(report.department.as_deref().unwrap_or(""));
        self.app.notify(Event::Changed);
    }
}

/// 全部生成's volumes (one per year) and summary workbook, in `output/` under fixed names; what
/// was written, as lines to add to the run's summary.
fn publish_all(app: &App, engine: &Engine, reports: &[Report]) -> String {
    let options = PublishOptions {
        volumes: volumes::to_write(app),
        summary: Some(app.output.join(SUMMARY_FILE)),
    };
    let published = publish::publish(engine, reports, &options);
    let written: Vec<i32> = options
        .volumes
        .iter()
        .zip(&published.volumes)
        .filter(|(_, v)| v.is_ok())
        .filter_map(|(o, _)| o.year)
        .collect();
    volumes::record(app, &written);
    published.lines().iter().map(|l| format!("\n{l}")).collect()
}

fn run_build(app: &App, engine: &Engine, files: &[PathBuf], publish: bool) {
    for file in files {
        app.update(file, |e| e.phase = Phase::Queued);
    }
    app.notify(Event::Changed);
    let watch = Watch {
        app,
        done: AtomicUsize::new(0),
        total: AtomicUsize::new(files.len()),
    };
    let summary = match catch_unwind(AssertUnwindSafe(|| engine.build_all(files, &watch))) {
        Ok(batch) => {
            let mut text = summary(&batch.reports);
            for warning in batch.warnings {
                text.push_str(&format!("\n警告：{warning}"));
            }
            if publish && !app.quitting() {
                text.push_str(&publish_all(app, engine, &batch.reports));
            }
            text
        }
        Err(_) => {
            for file in files {
                app.update(file, |e| {
                    e.phase = Phase::Idle;
                    e.findings = Some(Kept::internal(file));
                });
            }
            "生成时发生内部错误，本批未完成".to_string()
        }
    };
    // Anything the batch did not reach (it cannot, but a panic could) is idle again.
    for file in files {
        app.update(file, |e| {
            if e.phase != Phase::Idle {
                e.phase = Phase::Idle;
            }
        });
    }
    *lock(&app.progress) = None;
    *lock(&app.summary) = Some(summary.clone());
    app.notify(Event::Done { summary });
    app.notify(Event::Changed);
}
