//! The build thread: one per server, so that builds never share an output folder's manifest
//! and never run on the async runtime. It owns the [`Builder`] (fonts and typesetter loaded
//! once) and takes jobs from a queue; jobs that arrive while it works are merged into its next
//! batch (twenty uploads during a build become one batch of twenty, built in parallel on
//! `--jobs` threads by [`Builder::build_all`]). A panic is caught and reported, the thread goes
//! on.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;

use serde_json::json;
use tokio::sync::oneshot;

use crate::build::{self, Builder, Observer, Report, Status};
use crate::changes;
use crate::check;
use crate::compile::DocumentIdentity;
use crate::diagnostic::{Diagnostic, Location};
use crate::output::manifest;
use crate::publish::{self, PublishOptions, volume::VolumeOptions};

use super::app::{App, Pages, Phase, lock, stamp};

/// Work for the build thread.
pub enum Job {
    /// Read and check these workbooks (new or changed on disk).
    Check(Vec<PathBuf>),
    /// Build these workbooks (with the manifest, as `jixiao build` does, unless `force`); with
    /// `publish` (全部生成), then write the volume and the summary workbook into `output/`.
    Build {
        files: Vec<PathBuf>,
        force: bool,
        publish: bool,
    },
    /// The pages of this workbook's document, rendered without writing anything.
    Preview {
        file: PathBuf,
        reply: oneshot::Sender<Option<Pages>>,
    },
}

pub fn spawn(
    app: Arc<App>,
    builder: Builder,
    jobs: Receiver<Job>,
    staging: tempfile::TempDir,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("jixiao-serve-builds".into())
        // Typst recurses deeply; as the build threads of the library.
        .stack_size(64 << 20)
        .spawn(move || {
            let mut builder = builder;
            while let Ok(job) = jobs.recv() {
                let mut batch = vec![job];
                batch.extend(jobs.try_iter());
                work(&app, &mut builder, staging.path(), batch);
            }
        })
        .expect("start the build thread")
}

fn work(app: &App, builder: &mut Builder, staging: &Path, batch: Vec<Job>) {
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
        let pages = catch_unwind(AssertUnwindSafe(|| preview(builder, &file)))
            .ok()
            .flatten();
        if let Some(pages) = &pages {
            app.update(&file, |e| e.pages = Some(pages.clone()));
        }
        let _ = reply.send(pages);
    }
    if !builds.is_empty() {
        let files: Vec<PathBuf> = builds.into_iter().collect();
        builder.options.force = force;
        run_build(app, builder, staging, &files, publish);
    }
}

/// Reads and checks one workbook; records its identity, hash and findings.
fn check_one(app: &App, file: &Path) {
    let before = stamp(file);
    let bytes = std::fs::read(file).unwrap_or_default();
    let hash = manifest::bytes_hash(&bytes);
    let checked = catch_unwind(AssertUnwindSafe(|| {
        check::check_reading(file, crate::read::read_bytes(file, &bytes))
    }));
    app.update(file, |entry| {
        entry.phase = Phase::Idle;
        entry.stamp = before;
        entry.hash = Some(hash);
        entry.built_now = false;
        match checked {
            Ok(c) => {
                entry.identity = c.department_name.zip(c.department_year);
                entry.diagnostics = Some(c.diagnostics);
            }
            Err(_) => {
                entry.identity = None;
                entry.diagnostics = Some(vec![internal(file)]);
            }
        }
    });
    app.notify(json!({"type": "changed"}));
}

fn internal(file: &Path) -> Diagnostic {
    Diagnostic::error(
        file,
        Location::file(),
        crate::contract::RuleId::Internal,
        "处理该文件时发生内部错误（请把该文件交给开发人员）",
    )
}

/// Renders every page of a workbook's document (nothing written): the stages of the library's
/// pipeline, with the server's renderer and typesetter.
fn preview(builder: &Builder, file: &Path) -> Option<Pages> {
    let department = check::check_path(file).department?;
    let source = builder.renderer.render(&department).ok()?;
    let identity = DocumentIdentity {
        ident: format!("{}|{}", department.name, department.year),
        year: department.year,
    };
    // A preview shows pages only: no data attachment.
    let compiled = builder.typesetter.compile(source, &identity, &[]).ok()?;
    Some(Arc::new(compiled.pngs))
}

/// Told about a batch by the library, from its worker threads.
struct Watch<'a> {
    app: &'a App,
    staging: &'a Path,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Watch<'_> {
    fn progress(&self, current: &str) {
        let done = self.done.load(Ordering::SeqCst);
        let total = self.total.load(Ordering::SeqCst);
        *lock(&self.app.progress) = Some((done, total, current.to_string()));
        self.app.notify(json!({
            "type": "progress", "done": done, "total": total, "current": current,
        }));
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

    fn first_page(&self, file: &Path, png: &[u8]) {
        self.app
            .update(file, |e| e.first_page = Some(Arc::new(png.to_vec())));
        self.app.notify(json!({"type": "first-page"}));
    }

    fn finished(&self, report: &Report) {
        let pages = match (&report.status, &report.pdf) {
            (Status::Built, Some(pdf)) => take_pages(self.staging, pdf),
            _ => None,
        };
        let hash = std::fs::read(&report.file)
            .ok()
            .map(|b| manifest::bytes_hash(&b));
        self.app.update(&report.file, |e| {
            e.phase = Phase::Idle;
            e.first_page = None;
            match report.status {
                Status::Built => {
                    e.built_now = true;
                    e.pages = pages;
                    e.hash = hash;
                    e.diagnostics = Some(report.diagnostics.clone());
                    e.changes = report
                        .changes
                        .as_ref()
                        .map(|c| changes::lines(c, changes::TERMINAL_LINES));
                }
                Status::Failed => {
                    e.built_now = false;
                    e.pages = None;
                    e.diagnostics = Some(report.diagnostics.clone());
                }
                Status::Unchanged => {}
            }
        });
        self.done.fetch_add(1, Ordering::SeqCst);
        self.progress(report.department.as_deref().unwrap_or(""));
        self.app.notify(json!({"type": "changed"}));
    }
}

/// 全部生成's volume and summary workbook, in `output/` under fixed names; what was written, as
/// lines to add to the run's summary.
fn publish_all(app: &App, builder: &Builder, reports: &[Report]) -> String {
    let options = PublishOptions {
        volume: Some(VolumeOptions {
            path: app.output.join(super::VOLUME_FILE),
            ..VolumeOptions::default()
        }),
        summary: Some(app.output.join(super::SUMMARY_FILE)),
    };
    let published = publish::publish(builder, reports, &options);
    published.lines().iter().map(|l| format!("\n{l}")).collect()
}

/// The page images the library wrote for `pdf` into the staging folder, read and removed.
fn take_pages(staging: &Path, pdf: &Path) -> Option<Pages> {
    let title = pdf.file_stem()?.to_string_lossy().into_owned();
    let mut pages = Vec::new();
    for n in 1.. {
        let path = staging.join(format!("{title}-{n}.png"));
        match std::fs::read(&path) {
            Ok(png) => {
                let _ = std::fs::remove_file(&path);
                pages.push(png);
            }
            Err(_) => break,
        }
    }
    (!pages.is_empty()).then(|| Arc::new(pages))
}

fn run_build(app: &App, builder: &Builder, staging: &Path, files: &[PathBuf], publish: bool) {
    for file in files {
        app.update(file, |e| e.phase = Phase::Queued);
    }
    app.notify(json!({"type": "changed"}));
    let watch = Watch {
        app,
        staging,
        done: AtomicUsize::new(0),
        total: AtomicUsize::new(files.len()),
    };
    let summary = match catch_unwind(AssertUnwindSafe(|| builder.build_all(files, &watch))) {
        Ok(batch) => {
            let mut text = build::summary(&batch.reports);
            for warning in batch.warnings {
                text.push_str(&format!("\n警告：{warning}"));
            }
            if publish && !app.quitting() {
                text.push_str(&publish_all(app, builder, &batch.reports));
            }
            text
        }
        Err(_) => {
            for file in files {
                app.update(file, |e| {
                    e.phase = Phase::Idle;
                    e.diagnostics = Some(vec![internal(file)]);
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
    app.notify(json!({"type": "done", "summary": summary}));
    app.notify(json!({"type": "changed"}));
}
