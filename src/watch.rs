//! Watch mode (`jixiao watch`): build every workbook once, then rebuild each one within about a
//! second of its being saved, until the run is stopped.
//!
//! Saving is messy. Excel and WPS write a temporary file and rename it over the workbook (the
//! workbook may be absent for a moment), keep a `~$…` lock file beside it, and one save gives
//! several events; a copy over a network share writes the file in place, so it can be read half
//! written. So an event only says "look again": the watched paths are scanned for workbooks
//! (skipping lock and hidden files, as `build` does) and every workbook whose size or time of
//! modification differs from when it was last built is rebuilt, through the same
//! [`Engine::build_all`] as `build` (manifest, atomic writes, changes). A workbook that cannot be
//! read as a workbook (`unreadable`, or gone) is tried again [`RETRIES`] times,
//! [`RETRY_DELAY`] apart, before its finding is reported: a half-written file is a file still
//! being saved, not an error. Nothing stops the loop but the engine's cancel handle: a bad save
//! is reported and watching goes on.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_mini::new_debouncer;

use crate::build::{Batch, Engine, Observer, Report, lock};
use crate::contract::RuleId;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::read::{self, Stamp};

/// How long the events of one save are gathered before the workbooks are looked at.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// How often a workbook that could not be read as one is tried again before it is reported.
pub const RETRIES: u32 = 4;

/// The wait before each retry.
pub const RETRY_DELAY: Duration = Duration::from_millis(500);

/// How often the cancel handle is asked while nothing happens.
const POLL: Duration = Duration::from_millis(200);

/// What watch mode tells its caller, besides the per-document reports its observer gets.
#[derive(Debug)]
pub enum Event {
    /// Paths named that do not exist (and other problems of finding workbooks).
    Problems(Vec<Diagnostic>),
    /// The first build of every workbook is done.
    Built(Batch),
    /// Watching has begun: the folders watched.
    Watching(Vec<PathBuf>),
    /// Saved workbooks were rebuilt (reports of workbooks to be tried again are left out).
    Rebuilt(Batch),
    /// The watcher reported a problem; watching goes on.
    WatchError(String),
}

/// The folders to watch for `paths`: a folder itself (recursively), a file's folder (only its
/// own entries).
fn watched(paths: &[PathBuf]) -> Vec<(PathBuf, RecursiveMode)> {
    let mut out: Vec<(PathBuf, RecursiveMode)> = Vec::new();
    for path in paths {
        let (dir, mode) = if path.is_dir() {
            (path.clone(), RecursiveMode::Recursive)
        } else {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (parent.to_path_buf(), RecursiveMode::NonRecursive)
        };
        if !out.iter().any(|(d, _)| *d == dir) {
            out.push((dir, mode));
        }
    }
    out
}

/// True when a build failed only because the file could not be read as a workbook (or was not
/// there): what a file still being saved gives.
fn maybe_half_written(report: &Report) -> bool {
    report.failed()
        && report.diagnostics.iter().any(Diagnostic::is_error)
        && report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .all(|d| matches!(d.rule, RuleId::Unreadable | RuleId::NotFound))
}

/// Passes reports on to the caller's observer, except those of workbooks to be tried again.
struct Retrying<'a> {
    inner: &'a dyn Observer,
    /// Workbook → failed attempts so far.
    attempts: Mutex<HashMap<PathBuf, u32>>,
}

impl Retrying<'_> {
    /// True when `report` is held back for another attempt.
    fn holds(&self, report: &Report) -> bool {
        let mut attempts = lock(&self.attempts);
        if maybe_half_written(report) {
            let n = attempts.entry(report.file.clone()).or_default();
            *n += 1;
            if *n <= RETRIES {
                return true;
            }
        }
        attempts.remove(&report.file);
        false
    }
}

impl Observer for Retrying<'_> {
    fn planned(&self, total: usize) {
        self.inner.planned(total);
    }

    fn started(&self, file: &Path, department: &str) {
        self.inner.started(file, department);
    }

    fn shown_before(&self, file: &Path) -> Option<crate::build::PageImages> {
        self.inner.shown_before(file)
    }

    fn early_page(&self, file: &Path, page: usize, png: &[u8]) {
        self.inner.early_page(file, page, png);
    }

    fn finished(&self, report: &Report) {
        if !self.holds(report) {
            self.inner.finished(report);
        }
    }
}

/// Builds every workbook under `paths`, then watches them and rebuilds each saved one, telling
/// `observer` about every document and `tell` about each stage, until the engine's
/// [`crate::build::Cancel`] is stopped. Fails only when watching cannot begin.
pub fn run(
    engine: &Engine,
    paths: &[PathBuf],
    observer: &dyn Observer,
    tell: &mut dyn FnMut(Event),
) -> Result<()> {
    let stop = || engine.cancel().is_stopped();
    let (tx, rx) = channel();
    let mut debouncer =
        new_debouncer(DEBOUNCE, tx).map_err(|e| Error::failed(format!("无法监视文件变化：{e}")))?;
    let folders = watched(paths);
    for (dir, mode) in &folders {
        if dir.is_dir() {
            debouncer
                .watcher()
                .watch(dir, *mode)
                .map_err(|e| Error::io("无法监视", dir, e))?;
        }
    }

    // Watching began first, so a save during the first build is not missed.
    let (files, problems) = read::discover(paths);
    if !problems.is_empty() {
        tell(Event::Problems(problems));
    }
    let mut seen: BTreeMap<PathBuf, Stamp> = files
        .iter()
        .filter_map(|f| Some((f.clone(), Stamp::of(f)?)))
        .collect();
    let retrying = Retrying {
        inner: observer,
        attempts: Mutex::new(HashMap::new()),
    };
    let mut retry_at: BTreeMap<PathBuf, Instant> = BTreeMap::new();
    let first = engine.build_all(&files, &retrying);
    let first = held_back(first, &retrying, &mut retry_at);
    tell(Event::Built(first));
    tell(Event::Watching(
        folders.into_iter().map(|(d, _)| d).collect(),
    ));

    while !stop() {
        let now = Instant::now();
        let wait = retry_at
            .values()
            .map(|t| t.saturating_duration_since(now))
            .min()
            .unwrap_or(POLL)
            .min(POLL);
        let mut look = false;
        match rx.recv_timeout(wait) {
            Ok(Ok(_)) => look = true,
            Ok(Err(e)) => tell(Event::WatchError(format!("监视文件变化时出错：{e}"))),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::failed("监视文件变化的线程已停止"));
            }
        }
        // Every event of a save that came meanwhile is one look.
        while let Ok(more) = rx.try_recv() {
            look |= more.is_ok();
        }
        if stop() {
            break;
        }
        let mut due: BTreeSet<PathBuf> = BTreeSet::new();
        let now = Instant::now();
        retry_at.retain(|file, at| {
            let is_due = *at <= now;
            if is_due {
                due.insert(file.clone());
            }
            !is_due
        });
        if look {
            let (files, _) = read::discover(paths);
            let present: BTreeSet<&PathBuf> = files.iter().collect();
            // A workbook gone (mid-rename, or deleted) is forgotten; when it is back it is built.
            seen.retain(|file, _| present.contains(file));
            for file in &files {
                let Some(now) = Stamp::of(file) else {
                    continue;
                };
                if seen.get(file) != Some(&now) {
                    seen.insert(file.clone(), now);
                    retry_at.remove(file);
                    due.insert(file.clone());
                }
            }
        }
        if due.is_empty() {
            continue;
        }
        let files: Vec<PathBuf> = due.into_iter().collect();
        let batch = engine.build_all(&files, &retrying);
        let batch = held_back(batch, &retrying, &mut retry_at);
        if !batch.reports.is_empty() || !batch.warnings.is_empty() {
            tell(Event::Rebuilt(batch));
        }
    }
    Ok(())
}

/// `batch` without the reports held back for another attempt, each of those scheduled.
fn held_back(
    mut batch: Batch,
    retrying: &Retrying<'_>,
    retry_at: &mut BTreeMap<PathBuf, Instant>,
) -> Batch {
    let attempts = lock(&retrying.attempts);
    batch.reports.retain(|report| {
        if attempts.contains_key(&report.file) && maybe_half_written(report) {
            retry_at.insert(report.file.clone(), Instant::now() + RETRY_DELAY);
            false
        } else {
            true
        }
    });
    batch
}
