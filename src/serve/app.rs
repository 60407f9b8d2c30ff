//! What the server knows about each workbook of `input/` (one department each), and the handles
//! shared by the routes: the job queue of the build thread, the event channel, pending uploads.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use serde_json::{Value, json};
use tokio::sync::{Semaphore, broadcast, watch};

use crate::build::{self, BuildOptions, Builder};
use crate::compile::{CompileOptions, Fonts, Typesetter, roles};
use crate::diagnostic::{Diagnostic, Severity};
use crate::output::manifest::{self, Environment, Inputs, Manifest};
use crate::render::{DEFAULT_TEMPLATES, Renderer};

use super::upload::Pending;
use super::worker::{self, Job};
use super::{Config, Limits};

/// Page images rendered at this many pixels per point (108 dpi: a page readable on screen).
const PNG_SCALE: f32 = 1.5;

/// The rendered pages of a department's current document, one PNG each.
pub type Pages = Arc<Vec<Vec<u8>>>;

/// Where a workbook is in the build thread's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Checking,
    Queued,
    Building,
}

/// One workbook of `input/`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Opaque identifier used in addresses (never a path).
    pub id: String,
    pub file: PathBuf,
    /// The path inside `input/`, shown on the page.
    pub shown: String,
    /// The name it was uploaded under, shown only.
    pub original: Option<String>,
    /// Size and modification time when last checked.
    pub stamp: Option<(u64, Option<SystemTime>)>,
    /// BLAKE3 of the workbook's bytes when last checked.
    pub hash: Option<String>,
    /// (部门名称, 年度).
    pub identity: Option<(String, i32)>,
    /// Findings of the last check or build; `None` until checked.
    pub diagnostics: Option<Vec<Diagnostic>>,
    pub phase: Phase,
    /// Its PDF was written by this server run.
    pub built_now: bool,
    pub pages: Option<Pages>,
    /// The first page of the document being built, as soon as it is laid out: served before
    /// the build ends (the other pages come with `pages` when it does).
    pub first_page: Option<Arc<Vec<u8>>>,
    /// What changed since the department's build before, as the terminal lines of
    /// [`crate::changes::lines`], when this server run built it from a workbook it had built
    /// before.
    pub changes: Option<Vec<String>>,
}

impl Entry {
    pub fn new(input: &Path, file: PathBuf) -> Self {
        let shown = file
            .strip_prefix(input)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        Self {
            id: manifest::bytes_hash(shown.as_bytes())[..16].to_string(),
            file,
            shown,
            original: None,
            stamp: None,
            hash: None,
            identity: None,
            diagnostics: None,
            phase: Phase::Idle,
            built_now: false,
            pages: None,
            first_page: None,
            changes: None,
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .flatten()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Size and modification time of a file.
pub fn stamp(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// A server's shared state.
pub struct App {
    pub config: Config,
    pub input: PathBuf,
    pub output: PathBuf,
    pub backup: PathBuf,
    /// The inputs every document shares (templates, tool, fonts, settings), as `jixiao build`
    /// computes them: a PDF built by either is "up to date" for both.
    pub environment: Environment,
    pub folder: String,
    entries: Mutex<BTreeMap<PathBuf, Entry>>,
    jobs: Mutex<Option<Sender<Job>>>,
    pub events: broadcast::Sender<String>,
    /// Bounds the checks of uploads that run beside the build thread.
    pub checks: Semaphore,
    /// Serialises the decision "new file or replacement" and the rename into `input/`.
    pub saving: tokio::sync::Mutex<()>,
    pub pending: Mutex<HashMap<String, Pending>>,
    /// The progress of the batch in progress: (done, total, department being built).
    pub progress: Mutex<Option<(usize, usize, String)>>,
    /// The last batch's summary.
    pub summary: Mutex<Option<String>>,
    quit: watch::Sender<bool>,
    /// The build thread's stop flag: set on quitting, so a 全部生成 in progress ends after the
    /// documents being built instead of building all the rest first.
    stop: Arc<AtomicBool>,
}

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl App {
    pub(super) fn start(config: Config) -> Result<(Arc<App>, std::thread::JoinHandle<()>), String> {
        let input = config.dir.join("input");
        let output = config.dir.join("output");
        for dir in [&input, &output] {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("无法创建文件夹 {}：{e}", dir.display()))?;
        }
        let fonts = Fonts::discover(&config.fonts);
        roles::require_chinese(&fonts)?;
        let environment = Environment::new(DEFAULT_TEMPLATES, None, &fonts, &[]);
        let staging = tempfile::Builder::new()
            .prefix("jixiao-pages-")
            .tempdir()
            .map_err(|e| format!("无法创建临时文件夹：{e}"))?;
        let builder = Builder {
            renderer: Renderer::new(None),
            typesetter: Typesetter::new(
                fonts,
                CompileOptions {
                    png_scale: Some(PNG_SCALE),
                    ..CompileOptions::default()
                },
            )?,
            options: BuildOptions {
                output: output.clone(),
                pages: Some(staging.path().to_path_buf()),
                ..BuildOptions::default()
            },
        };
        let stop = builder.options.stop.clone();
        upload::remove_stale(&input);
        let (sender, receiver) = std::sync::mpsc::channel();
        let (quit, _) = watch::channel(false);
        let app = Arc::new(App {
            input: input.clone(),
            output,
            backup: config.dir.join(super::BACKUP_DIR),
            environment,
            folder: super::folder_id(&config.dir),
            config,
            entries: Mutex::default(),
            jobs: Mutex::new(Some(sender)),
            events: broadcast::channel(256).0,
            checks: Semaphore::new(rayon::current_num_threads().max(1)),
            saving: tokio::sync::Mutex::new(()),
            pending: Mutex::default(),
            progress: Mutex::default(),
            summary: Mutex::default(),
            quit,
            stop,
        });
        let worker = worker::spawn(app.clone(), builder, receiver, staging);
        let stale = app.rescan();
        app.submit(Job::Check(stale));
        Ok((app, worker))
    }

    pub fn limits(&self) -> &Limits {
        &self.config.limits
    }

    pub fn entries(&self) -> MutexGuard<'_, BTreeMap<PathBuf, Entry>> {
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
    pub fn notify(&self, event: Value) {
        let _ = self.events.send(event.to_string());
    }

    pub fn request_quit(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.quit.send_replace(true);
    }

    /// True once 退出 has been asked for.
    pub fn quitting(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
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

    /// Brings the list in line with `input/`: new workbooks added, vanished ones dropped; returns
    /// the workbooks that are new or changed on disk since their last check (marked Checking).
    pub fn rescan(&self) -> Vec<PathBuf> {
        let (files, _) = build::discover(std::slice::from_ref(&self.input));
        let present: std::collections::HashSet<&PathBuf> = files.iter().collect();
        let mut entries = self.entries();
        entries.retain(|file, _| present.contains(file));
        let mut stale = Vec::new();
        for file in files.iter().cloned() {
            let now = stamp(&file);
            let entry = entries
                .entry(file.clone())
                .or_insert_with(|| Entry::new(&self.input, file.clone()));
            if entry.phase == Phase::Idle && entry.stamp != now {
                entry.phase = Phase::Checking;
                entry.pages = None;
                stale.push(file);
            }
        }
        stale
    }

    /// The department list as the page shows it.
    pub fn list(&self) -> Value {
        let manifest = Manifest::load(&self.output);
        let entries: Vec<Entry> = self.entries().values().cloned().collect();
        let rows: Vec<Value> = entries.iter().map(|e| self.row(e, &manifest)).collect();
        let progress = lock(&self.progress).clone().map(
            |(done, total, current)| json!({"done": done, "total": total, "current": current}),
        );
        json!({
            "departments": rows,
            "progress": progress,
            "summary": lock(&self.summary).clone(),
            "input": self.input.display().to_string(),
            "output": self.output.display().to_string(),
            "backup": self.backup.display().to_string(),
            "volume": self.output.join(super::VOLUME_FILE).is_file(),
            "summary_workbook": self.output.join(super::SUMMARY_FILE).is_file(),
        })
    }

    /// The PDF of `entry` as recorded in the manifest, and whether it is up to date.
    pub fn pdf(&self, entry: &Entry, manifest: &Manifest) -> Option<(PathBuf, bool)> {
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
            .find(|(_, d)| d.department == *name && d.year == *year)
            .map(|(pdf, _)| self.output.join(pdf))
            .filter(|p| p.is_file())
            .map(|p| (p, false))
    }

    fn row(&self, entry: &Entry, manifest: &Manifest) -> Value {
        let errors = entry.count(Severity::Error);
        let warnings = entry.count(Severity::Warning);
        let pdf = self.pdf(entry, manifest);
        let current = pdf.as_ref().is_some_and(|(_, current)| *current);
        let (status, label) = match entry.phase {
            Phase::Checking => ("checking", "检查中"),
            Phase::Queued => ("queued", "等待生成"),
            Phase::Building => ("building", "生成中"),
            Phase::Idle if entry.diagnostics.is_none() => ("checking", "检查中"),
            Phase::Idle if errors > 0 => ("error", "有错误"),
            Phase::Idle if !current => ("missing", "未生成"),
            Phase::Idle if !entry.built_now => ("current", "已是最新"),
            Phase::Idle if warnings > 0 => ("warning", "有警告"),
            Phase::Idle => ("passed", "通过"),
        };
        let pdf = pdf.map(|(path, current)| {
            let modified = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as u64);
            json!({
                "name": path.file_name().map(|n| n.to_string_lossy().into_owned()),
                "modified": modified,
                "current": current,
            })
        });
        json!({
            "id": entry.id,
            "file": entry.shown,
            "original": entry.original,
            "department": entry.identity.as_ref().map(|(n, _)| n),
            "year": entry.identity.as_ref().map(|(_, y)| y),
            "status": status,
            "label": label,
            "errors": errors,
            "warnings": warnings,
            "pdf": pdf,
        })
    }

    /// The entry with this identifier.
    pub fn find(&self, id: &str) -> Option<Entry> {
        self.entries().values().find(|e| e.id == id).cloned()
    }

    /// Applies `f` to the entry of `file`, if it is known.
    pub fn update(&self, file: &Path, f: impl FnOnce(&mut Entry)) {
        if let Some(entry) = self.entries().get_mut(file) {
            f(entry);
        }
    }
}

use super::upload;
