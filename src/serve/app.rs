//! What the server knows about each workbook of `input/` (one department each), and the handles
//! shared by the routes: the job queue of the build thread, the event channel, pending uploads.

use crate::evaluation::identity_name;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use tempfile::NamedTempFile;
use tokio::sync::{Semaphore, broadcast, watch};

use super::api::{self, Event, PdfInfo, Row};
use super::config::{BACKUP_DIR, Config, Limits, SUMMARY_FILE, folder_id};
use super::findings::Kept;
use super::pages::Located;
use crate::build::{Cancel, PageImages, lock};
use crate::diagnostic::Severity;
use crate::output::manifest::{self, Environment, Inputs, Manifest};
use crate::read::{self, Stamp};

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
        reply: tokio::sync::oneshot::Sender<Option<PageImages>>,
    },
}

/// Where a workbook is in the build thread's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Checking,
    Queued,
    Building,
}

/// One workbook of `input/`, as the page lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Opaque identifier used in addresses (never a path).
    pub id: String,
    pub file: PathBuf,
    /// The path inside `input/`, shown on the page.
    pub shown: String,
    /// The name it was uploaded under, shown only.
    pub original: Option<String>,
    /// Size and modification time when last checked.
    pub stamp: Option<Stamp>,
    /// BLAKE3 of the workbook's bytes when last checked or built.
    pub hash: Option<String>,
    /// (部门名称, 年度).
    pub identity: Option<(String, i32)>,
    /// Findings of the last check or build (bounded); `None` until checked.
    pub findings: Option<Kept>,
    pub phase: Phase,
    pub pages: Option<PageImages>,
    /// The first page of the document being built, as soon as it is laid out: served before
    /// the build ends (the other pages come with `pages` when it does).
    /// (its 1-based number, its PNG): the first page that changed, else the first.
    pub first_page: Option<(usize, std::sync::Arc<Vec<u8>>)>,
    /// Where the last rebuild's changes show (see [`super::pages`]).
    pub located: Located,
    /// The pages of the document before its workbook changed (on disk, or replaced by an
    /// upload), kept while `pages` is empty: what its rebuild is compared with.
    pub before: Option<PageImages>,
    /// What changed since the department's build before, as the terminal lines of
    /// [`crate::changes::lines`], when this server run built it from a workbook it had built
    /// before.
    pub changes: Option<Vec<String>>,
}

impl Listed {
    pub fn new(input: &Path, file: PathBuf) -> Self {
        let shown = shown(input, &file);
        Self {
            id: manifest::bytes_hash(shown.as_bytes())[..16].to_string(),
            file,
            shown,
            original: None,
            stamp: None,
            hash: None,
            identity: None,
            findings: None,
            phase: Phase::Idle,
            pages: None,
            first_page: None,
            located: Located::default(),
            before: None,
            changes: None,
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings.as_ref().map_or(0, |f| f.count(severity))
    }
}

/// A checked upload waiting for the page to confirm that it replaces a department's workbook.
pub struct Pending {
    pub temp: NamedTempFile,
    pub extension: &'static str,
    pub original: String,
    pub identity: (String, i32),
    pub findings: Kept,
    pub hash: String,
    pub replaces: Vec<PathBuf>,
    pub asked: Instant,
}

impl Pending {
    /// The question as the page asks it.
    pub fn question(&self, id: &str, input: &Path, valid_for: Duration) -> api::Question {
        api::Question {
            original: self.original.clone(),
            pending: id.to_string(),
            department: self.identity.0.clone(),
            year: self.identity.1,
            existing: self.replaces.iter().map(|p| shown(input, p)).collect(),
            errors: self.findings.errors,
            warnings: self.findings.warnings,
            expires_in: valid_for.saturating_sub(self.asked.elapsed()).as_secs(),
        }
    }
}

/// A path inside `input/` as the page shows it.
pub fn shown(input: &Path, path: &Path) -> String {
    path.strip_prefix(input)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A department withdrawn in this server run: which files went where.
#[derive(Debug, Clone)]
pub struct Withdrawn {
    pub id: String,
    /// The department (or the file, when the workbook does not say).
    pub label: String,
    /// (where it was, where it is now).
    pub moved: Vec<(PathBuf, PathBuf)>,
    /// When, as the page shows it (时:分:秒).
    pub when: String,
}

impl Withdrawn {
    pub fn api(&self, backup: &Path) -> api::Withdrawn {
        api::Withdrawn {
            id: self.id.clone(),
            label: self.label.clone(),
            files: self.moved.iter().map(|(_, to)| shown(backup, to)).collect(),
            when: self.when.clone(),
        }
    }
}

/// A server's shared state.
pub struct App {
    pub config: Config,
    pub input: PathBuf,
    pub output: PathBuf,
    pub backup: PathBuf,
    /// The inputs every document shares (templates, tool, fonts, settings), as the engine
    /// computes them: a PDF built by `jixiao build` or the page is "up to date" for both.
    pub environment: Environment,
    pub folder: String,
    entries: Mutex<BTreeMap<PathBuf, Listed>>,
    jobs: Mutex<Option<Sender<Job>>>,
    /// Each event as the stream sends it.
    pub events: broadcast::Sender<String>,
    /// Bounds the checks of uploads that run beside the build thread.
    pub checks: Semaphore,
    /// Serialises the decision "new file or replacement" and the rename into `input/`.
    pub saving: tokio::sync::Mutex<()>,
    pub pending: Mutex<HashMap<String, Pending>>,
    /// Departments withdrawn in this run, oldest first (undoable).
    pub withdrawn: Mutex<Vec<Withdrawn>>,
    /// The progress of the batch in progress.
    pub progress: Mutex<Option<api::Progress>>,
    /// The last batch's summary.
    pub summary: Mutex<Option<String>>,
    quit: watch::Sender<bool>,
    /// The build thread's engine stops with it: a 全部生成 in progress ends after the documents
    /// being built instead of building all the rest first.
    cancel: Cancel,
}

impl App {
    /// The state of a server over `config.dir`, whose engine builds with `environment` and stops
    /// with `cancel`; jobs go to `jobs`.
    pub fn new(config: Config, environment: Environment, cancel: Cancel, jobs: Sender<Job>) -> App {
        let input = config.dir.join("input");
        let output = config.dir.join("output");
        App {
            input,
            output,
            backup: config.dir.join(BACKUP_DIR),
            environment,
            folder: folder_id(&config.dir),
            config,
            entries: Mutex::default(),
            jobs: Mutex::new(Some(jobs)),
            events: broadcast::channel(256).0,
            checks: Semaphore::new(rayon::current_num_threads().max(1)),
            saving: tokio::sync::Mutex::new(()),
            pending: Mutex::default(),
            withdrawn: Mutex::default(),
            progress: Mutex::default(),
            summary: Mutex::default(),
            quit: watch::channel(false).0,
            cancel,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.config.limits
    }

    pub fn entries(&self) -> MutexGuard<'_, BTreeMap<PathBuf, Listed>> {
        lock(&self.entries)
    }

    /// Queues work for the build thread; false once the server is closing.
    pub fn submit(&self, job: Job) -> bool {
        match lock(&self.jobs).as_ref() {
            Some(jobs) => jobs.send(job).is_ok(),
            None => false,
        }
    }

    /// Tells the page something changed (an event of the `/api/events` stream).
    pub fn notify(&self, event: Event) {
        let _ = self.events.send(event.json());
    }

    pub fn request_quit(&self) {
        self.cancel.stop();
        self.quit.send_replace(true);
    }

    /// True once 退出 has been asked for.
    pub fn quitting(&self) -> bool {
        self.cancel.is_stopped()
    }

    pub fn quit_watch(&self) -> watch::Receiver<bool> {
        self.quit.subscribe()
    }

    pub async fn quit_requested(&self) {
        let mut rx = self.quit.subscribe();
        let _ = rx.wait_for(|q| *q).await;
    }

    /// No more jobs: the build thread ends after the one in progress.
    pub fn close(&self) {
        lock(&self.jobs).take();
    }

    pub fn discard_pending(&self) {
        lock(&self.pending).clear();
    }

    /// The questions waiting for an answer, after dropping those that expired (with their
    /// temporary files).
    pub fn questions(&self) -> Vec<api::Question> {
        let valid_for = self.limits().question_for;
        let mut pending = lock(&self.pending);
        pending.retain(|_, p| p.asked.elapsed() < valid_for);
        let mut questions: Vec<api::Question> = pending
            .iter()
            .map(|(id, p)| p.question(id, &self.input, valid_for))
            .collect();
        questions.sort_by_key(|q| std::cmp::Reverse(q.expires_in));
        questions
    }

    /// Brings the list in line with `input/`: new workbooks added, vanished ones dropped; returns
    /// the workbooks that are new or changed on disk since their last check (marked Checking).
    pub fn rescan(&self) -> Vec<PathBuf> {
        let (files, _) = read::discover(std::slice::from_ref(&self.input));
        let present: std::collections::HashSet<&PathBuf> = files.iter().collect();
        let mut entries = self.entries();
        entries.retain(|file, _| present.contains(file));
        let mut stale = Vec::new();
        for file in files.iter().cloned() {
            let now = Stamp::of(&file);
            let entry = entries
                .entry(file.clone())
                .or_insert_with(|| Listed::new(&self.input, file.clone()));
            if entry.phase == Phase::Idle && entry.stamp != now {
                entry.phase = Phase::Checking;
                entry.before = entry.pages.take().or(entry.before.take());
                stale.push(file);
            }
        }
        stale
    }

    /// The department list as the page shows it.
    pub fn list(&self) -> api::List {
        let manifest = Manifest::load(&self.output);
        let entries: Vec<Listed> = self.entries().values().cloned().collect();
        api::List {
            departments: entries.iter().map(|e| self.row(e, &manifest)).collect(),
            progress: lock(&self.progress).clone(),
            summary: lock(&self.summary).clone(),
            input: self.input.display().to_string(),
            output: self.output.display().to_string(),
            backup: self.backup.display().to_string(),
            // Filled in by the route: `volumes` looks at the entries through `App`.
            volumes: Vec::new(),
            summary_workbook: self.output.join(SUMMARY_FILE).is_file(),
            pending: self.questions(),
            withdrawn: lock(&self.withdrawn)
                .iter()
                .map(|w| w.api(&self.backup))
                .collect(),
        }
    }

    /// The PDF of `entry` as recorded in the manifest, and whether it is up to date.
    pub fn pdf(&self, entry: &Listed, manifest: &Manifest) -> Option<(PathBuf, bool)> {
        if let Some(hash) = &entry.hash {
            let inputs = Inputs {
                workbook: hash.clone(),
                environment: self.environment.clone(),
            };
            if let Some((name, _)) = manifest.unchanged(&self.output, &inputs) {
                return Some((self.output.join(name), true));
            }
        }
        let (name, year) = entry.identity.as_ref()?;
        manifest
            .documents
            .iter()
            .find(|(_, d)| {
                identity_name(&d.department, d.self_evaluation) == *name && d.year == *year
            })
            .map(|(pdf, _)| self.output.join(pdf))
            .filter(|p| p.is_file())
            .map(|p| (p, false))
    }

    fn row(&self, entry: &Listed, manifest: &Manifest) -> Row {
        let errors = entry.count(Severity::Error);
        let warnings = entry.count(Severity::Warning);
        let pdf = self.pdf(entry, manifest);
        let current = pdf.as_ref().is_some_and(|(_, current)| *current);
        let (status, label) = match entry.phase {
            Phase::Checking => ("checking", "检查中"),
            Phase::Queued => ("queued", "等待生成"),
            Phase::Building => ("building", "生成中"),
            Phase::Idle if entry.findings.is_none() => ("checking", "检查中"),
            Phase::Idle if errors > 0 => ("error", "有错误"),
            Phase::Idle if !current => ("missing", "未生成"),
            Phase::Idle if warnings > 0 => ("warning", "有警告"),
            Phase::Idle => ("passed", "通过"),
        };
        let pdf = pdf.map(|(path, current)| PdfInfo {
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            modified: std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as u64),
            current,
        });
        Row {
            id: entry.id.clone(),
            file: entry.shown.clone(),
            original: entry.original.clone(),
            department: entry.identity.as_ref().map(|(n, _)| n.clone()),
            year: entry.identity.as_ref().map(|(_, y)| *y),
            status,
            label,
            errors,
            warnings,
            pdf,
        }
    }

    /// The entry with this identifier.
    pub fn find(&self, id: &str) -> Option<Listed> {
        self.entries().values().find(|e| e.id == id).cloned()
    }

    /// Applies `f` to the entry of `file`, if it is known.
    pub fn update(&self, file: &Path, f: impl FnOnce(&mut Listed)) {
        if let Some(entry) = self.entries().get_mut(file) {
            f(entry);
        }
    }
}
