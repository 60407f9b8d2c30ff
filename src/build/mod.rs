//! The pipeline for a set of workbooks: discover → read → check → render → compile → write.
//!
//! Each department is independent: its failure (even a panic) is its own, and the others go on.
//! Outputs are written atomically, documents whose inputs are unchanged are skipped (see
//! [`crate::output::manifest`]), and an interrupt leaves no temporary file behind. Several runs may
//! write into one output folder at once (see [`crate::state`]).

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use walkdir::WalkDir;

use crate::changes::{self, Change, Node};
use crate::check::{self, glyphs};
use crate::compile::{DocumentIdentity, Typesetter};
use crate::contract::RuleId;
use crate::diagnostic::has_errors;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::Department;
use crate::output;
use crate::output::lock::StateDir;
use crate::output::manifest::{self, Entry, Environment, Inputs, Manifest};
use crate::output::store::{self, Kept, Store};
use crate::render::data;
use crate::render::view::DocumentView;
use crate::render::{DEFAULT_TEMPLATES, Renderer};

/// The workbook extensions accepted, compared without regard to case.
const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

/// True for a file that is a workbook: a known extension, and not an Excel lock file (`~$…`) or
/// a hidden file.
pub fn is_workbook(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with("~$") || name.starts_with('.') {
        return false;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The workbooks named by `paths`: files as given, folders walked recursively; sorted.
/// A path that does not exist is a finding.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            problems.push(Diagnostic::error(
                path,
                Location::file(),
                RuleId::NotFound,
                "找不到该文件或文件夹",
            ));
            continue;
        }
        for entry in WalkDir::new(path).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() && is_workbook(e.path()) => {
                    files.push(e.into_path())
                }
                Ok(_) => {}
                Err(e) => {
                    let at = e.path().unwrap_or(path).to_path_buf();
                    problems.push(Diagnostic::error(
                        &at,
                        Location::file(),
                        RuleId::Unreadable,
                        format!("无法读取：{e}"),
                    ));
                }
            }
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

/// Runs `f`, turning a panic into an error finding for `path`.
fn guarded<T>(
    path: &Path,
    f: impl FnOnce() -> (Option<T>, Vec<Diagnostic>),
) -> (Option<T>, Vec<Diagnostic>) {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        (
            None,
            vec![Diagnostic::error(
                path,
                Location::file(),
                RuleId::Internal,
                format!("处理该文件时发生内部错误：{what}"),
            )],
        )
    })
}

/// What became of one workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its PDF was written.
    Built,
    /// Its PDF was already there, intact, made from the same inputs (see [`crate::output::manifest`]).
    Unchanged,
    /// It has errors (or the run was interrupted before it); any earlier PDF is left as it was.
    Failed,
}

/// What building one workbook gave.
#[derive(Debug)]
pub struct Report {
    pub file: PathBuf,
    pub status: Status,
    /// The PDF written or kept, unless the build failed.
    pub pdf: Option<PathBuf>,
    /// 部门名称, when it is known.
    pub department: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// What changed since the department's last good build (see [`crate::changes`]): `None`
    /// when nothing was built or there is no earlier build to compare with; empty when the data
    /// printed is the same.
    pub changes: Option<Vec<Change>>,
    /// The checked department, when its PDF was built in this run (the combined volume and the
    /// summary workbook need it; an unchanged one is taken from its PDF's data).
    pub model: Option<Box<Department>>,
    /// For an unchanged workbook: how many warnings its last build found, as the manifest keeps
    /// it (`None` from a manifest of an earlier version, or for a workbook built or failed).
    pub kept_warnings: Option<usize>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.status == Status::Failed
    }

    fn failure(file: &Path, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            file: file.to_path_buf(),
            status: Status::Failed,
            pdf: None,
            department: None,
            diagnostics,
            changes: None,
            model: None,
            kept_warnings: None,
        }
    }
}

/// How a build runs.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub output: PathBuf,
    /// Also write the compiled Typst source beside each PDF.
    pub emit_typ: bool,
    /// Rebuild every document, even those the manifest says are unchanged.
    pub force: bool,
    /// Anything else that changes the output (the PDF standards), recorded in the manifest so
    /// that changing it rebuilds.
    pub settings: Vec<String>,
    /// A character no font can draw is an error, not a warning (`--strict`).
    pub strict: bool,
    /// Where page images (`--emit png`) go; beside the PDF when `None`.
    pub pages: Option<PathBuf>,
    /// Set to end the run early: documents not yet started are not built, those being built
    /// finish (the local page's 退出 during 全部生成).
    pub stop: Arc<AtomicBool>,
}

/// Told about the progress of a batch; called from worker threads.
pub trait Observer: Sync {
    /// The number of workbooks in the batch, before any is built.
    fn planned(&self, _total: usize) {}
    /// A department's document is about to be rendered and compiled.
    fn started(&self, _file: &Path, _department: &str) {}
    /// The first page of a department's new document, as PNG, as soon as it is laid out
    /// (before its PDF is made or written); only when pages are rendered (`--emit png`).
    fn first_page(&self, _file: &Path, _png: &[u8]) {}
    /// A workbook is done with (built, unchanged or failed).
    fn finished(&self, _report: &Report) {}
}

/// Observes nothing.
impl Observer for () {}

/// What a batch gave: a report per workbook, in the order given, and problems of the batch
/// itself (the manifest could not be updated).
#[derive(Debug)]
pub struct Batch {
    pub reports: Vec<Report>,
    pub warnings: Vec<String>,
}

/// Builds documents; holds the renderer and typesetter shared by every document of a run.
pub struct Builder {
    pub renderer: Renderer,
    pub typesetter: Typesetter,
    pub options: BuildOptions,
}

/// What the second pass gives for one workbook: its report, and for a PDF written its manifest
/// entry and the data kept of it (each by its key).
type Executed = (Report, Option<(String, Entry)>, Option<(String, Kept)>);

/// What the first pass decided for one workbook.
enum Plan {
    Failed(Vec<Diagnostic>),
    /// Its PDF (file name in the output folder) is up to date.
    Unchanged {
        pdf: String,
        department: String,
        year: i32,
        warnings: Option<usize>,
    },
    Build {
        department: Box<Department>,
        diagnostics: Vec<Diagnostic>,
        inputs: Inputs,
        /// What it prints, to compare with its last build (see [`crate::changes`]).
        data: Box<Node>,
    },
}

impl Plan {
    /// (部门名称, 年度) and the PDF file name, when known.
    fn identity(&self) -> Option<((&str, i32), String)> {
        match self {
            Plan::Failed(_) => None,
            Plan::Unchanged {
                pdf,
                department,
                year,
                ..
            } => Some(((department, *year), pdf.clone())),
            Plan::Build { department, .. } => Some((
                (&department.name, department.year),
                output::file_name(&department.title, "pdf"),
            )),
        }
    }
}

impl Builder {
    /// Builds every workbook, in parallel; reports come back in the order of `files`.
    ///
    /// First pass: hash each workbook; one that the manifest says is unchanged (with its PDF
    /// intact) is not even read, any other is read and checked. Then two workbooks of the same
    /// 部门名称 and 年度, or with the same output file, fail both. Second pass: render, compile and
    /// write the rest. Finally the documents built are merged into the manifest on disk
    /// ([`Manifest::record`]), so that other runs writing into the same folder keep theirs.
    pub fn build_all(&self, files: &[PathBuf], observer: &dyn Observer) -> Batch {
        let output = &self.options.output;
        observer.planned(files.len());
        let state = StateDir::new(output);
        let mut warnings = Vec::new();
        // Registered for the whole run: a run starting meanwhile leaves our temporaries alone.
        let _writer = match state.join() {
            Ok(writer) => Some(writer),
            Err(e) => {
                warnings.push(format!("{e}（未清理以前残留的临时文件）"));
                None
            }
        };
        let mut settings = self.options.settings.clone();
        if self.options.emit_typ {
            settings.push("emit=typ".to_string());
        }
        if self.options.strict {
            settings.push("strict".to_string());
        }
        let environment = Environment::new(
            DEFAULT_TEMPLATES,
            self.renderer.dir(),
            self.typesetter.fonts(),
            &settings,
        );
        // Read without the lock: it is replaced by a rename, so it is always whole.
        let manifest = Manifest::load(output);
        if HANDLER_INSTALLED.load(Ordering::SeqCst) {
            *lock(&ACTIVE) = Some(Active {
                state: state.clone(),
                built: BTreeMap::new(),
                data: BTreeMap::new(),
            });
        }

        let mut plans: Vec<Plan> =
            parallel_map(files, |file| self.plan(file, &environment, &manifest));
        reject_duplicates(files, &mut plans);
        // What the departments to build printed last time (each read when it is built).
        let previous = Store::load(output);

        let work: Vec<(&PathBuf, Mutex<Option<Plan>>)> = files
            .iter()
            .zip(plans)
            .map(|(file, plan)| (file, Mutex::new(Some(plan))))
            .collect();
        let results: Vec<Executed> = parallel_map(&work, |(file, plan)| {
            let plan = lock(plan).take().expect("each plan is executed once");
            if let Plan::Build { department, .. } = &plan {
                observer.started(file, &department.name);
            }
            let (report, entry, kept) = self.execute(file, plan, observer, Some(&previous));
            observer.finished(&report);
            (report, entry, kept)
        });

        let mut reports = Vec::with_capacity(results.len());
        let mut built = BTreeMap::new();
        let mut data = BTreeMap::new();
        for (report, entry, kept) in results {
            if let Some((name, entry)) = entry {
                built.insert(name, entry);
            }
            data.extend(kept);
            reports.push(report);
        }
        if !self.typesetter.allows_attachments()
            && reports.iter().any(|r| r.status == Status::Built)
        {
            warnings.push(
                "所选 PDF 标准（如 a-2b）不允许附件：PDF 中未附带部门数据，jixiao extract 无法从中读回；需要附带时请用 --pdf-standard a-3b".to_string(),
            );
        }
        let _gate = write_gate();
        lock(&ACTIVE).take();
        if !built.is_empty()
            && let Err(e) = Manifest::record(&state, &built)
        {
            warnings.push(format!(
                "本次生成的文档未能记入 {}：{e}。这些 PDF 完好，下次运行会重新生成它们",
                output.join(manifest::FILE_NAME).display()
            ));
        }
        if !data.is_empty()
            && let Err(e) = Store::record(&state, &data)
        {
            warnings.push(format!(
                "本次生成的部门数据未能记入 {}：{e}。下次生成时这些部门的改动会与更早的一次相比",
                output.join(store::DIR_NAME).display()
            ));
        }
        Batch { reports, warnings }
    }

    /// Builds one workbook into `{output}/{文档标题}.pdf`, unconditionally and without the
    /// manifest.
    pub fn build_file(&self, file: &Path) -> Report {
        let plan = match self.check_with_data(file) {
            (Some((department, data)), diagnostics) => Plan::Build {
                department: Box::new(department),
                diagnostics,
                inputs: Inputs {
                    workbook: String::new(),
                    environment: Environment::default(),
                },
                data: Box::new(data),
            },
            (None, diagnostics) => Plan::Failed(diagnostics),
        };
        self.execute(file, plan, &(), None).0
    }

    /// Reads and checks one workbook, then checks that the fonts can draw every character
    /// (an error with `--strict`, a warning otherwise).
    /// The department comes with the tree of what it prints (see [`crate::changes`]).
    fn check_with_data(&self, file: &Path) -> (Option<(Department, Node)>, Vec<Diagnostic>) {
        self.check_then(file, |department, origins| {
            let data = changes::snapshot(&department, origins);
            (department, data)
        })
    }

    /// [`Builder::check_with_data`] without the tree: the department, only when there are no
    /// errors (the combined volume and the summary read unchanged workbooks again with it).
    pub fn check(&self, file: &Path) -> (Option<Department>, Vec<Diagnostic>) {
        self.check_then(file, |department, _| department)
    }

    /// Reads and checks a workbook (and the glyphs its text needs); `keep` makes what is kept of
    /// a department without errors.
    fn check_then<T>(
        &self,
        file: &Path,
        keep: impl FnOnce(Department, &crate::read::Origins) -> T,
    ) -> (Option<T>, Vec<Diagnostic>) {
        guarded(file, || {
            let checked = check::check_path(file);
            let mut diagnostics = checked.diagnostics;
            let (Some(department), Some(origins)) = (checked.department, checked.origins) else {
                return (None, diagnostics);
            };
            let fonts = self.typesetter.fonts();
            let strict = self.options.strict;
            diagnostics.extend(glyphs::check(file, &department, &origins, fonts, strict));
            let kept = (!has_errors(&diagnostics)).then(|| keep(department, &origins));
            (kept, diagnostics)
        })
    }

    /// The first pass for one workbook.
    fn plan(&self, file: &Path, environment: &Environment, manifest: &Manifest) -> Plan {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                return Plan::Failed(vec![Diagnostic::error(
                    file,
                    Location::file(),
                    RuleId::Unreadable,
                    format!("无法读取：{e}"),
                )]);
            }
        };
        let inputs = Inputs {
            workbook: manifest::bytes_hash(&bytes),
            environment: environment.clone(),
        };
        if !self.options.force
            && let Some((pdf, entry)) = manifest.unchanged(&self.options.output, &inputs)
        {
            return Plan::Unchanged {
                pdf: pdf.to_string(),
                department: entry.department.clone(),
                year: entry.year,
                warnings: entry.warnings,
            };
        }
        match self.check_with_data(file) {
            (Some((department, data)), diagnostics) => Plan::Build {
                department: Box::new(department),
                diagnostics,
                inputs,
                data: Box::new(data),
            },
            (None, diagnostics) => Plan::Failed(diagnostics),
        }
    }

    /// The second pass for one workbook: the report, and the manifest entry and the data kept
    /// of a PDF written. With `previous`, the department's changes since its last build are
    /// reported and added to its change record.
    fn execute(
        &self,
        file: &Path,
        plan: Plan,
        observer: &dyn Observer,
        previous: Option<&Store>,
    ) -> Executed {
        match plan {
            Plan::Failed(diagnostics) => (Report::failure(file, diagnostics), None, None),
            Plan::Unchanged {
                pdf,
                department,
                warnings,
                ..
            } => (
                Report {
                    file: file.to_path_buf(),
                    status: Status::Unchanged,
                    pdf: Some(self.options.output.join(pdf)),
                    department: Some(department),
                    diagnostics: Vec::new(),
                    changes: None,
                    model: None,
                    kept_warnings: warnings,
                },
                None,
                None,
            ),
            Plan::Build {
                department,
                mut diagnostics,
                inputs,
                data,
            } => {
                let name = department.name.clone();
                if interrupted() || self.options.stop.load(Ordering::SeqCst) {
                    diagnostics.push(Diagnostic::error(
                        file,
                        Location::file(),
                        RuleId::Interrupted,
                        "运行被中断，未生成",
                    ));
                    let mut report = Report::failure(file, diagnostics);
                    report.department = Some(name);
                    return (report, None, None);
                }
                let (written, more) = guarded(file, || {
                    let mut diagnostics = Vec::new();
                    let written =
                        self.produce(file, &department, inputs, observer, &mut diagnostics);
                    (written, diagnostics)
                });
                diagnostics.extend(more);
                let (status, pdf, entry) = match written {
                    Some((pdf, entry)) => {
                        let key = output::file_name(&department.title, "pdf");
                        (Status::Built, Some(pdf), Some((key, entry)))
                    }
                    None => (Status::Failed, None, None),
                };
                let (changes, kept) = match (&entry, previous) {
                    (Some((pdf, _)), Some(previous)) => {
                        let (changes, unwritten, kept) =
                            self.record_changes(file, &department, pdf, *data, previous);
                        diagnostics.extend(unwritten);
                        (changes, Some(kept))
                    }
                    _ => (None, None),
                };
                // The volume and the summary use the department built, without reading it again.
                let model = (status == Status::Built).then_some(department);
                (
                    Report {
                        file: file.to_path_buf(),
                        status,
                        pdf,
                        department: Some(name),
                        diagnostics,
                        changes,
                        model,
                        kept_warnings: None,
                    },
                    entry,
                    kept,
                )
            }
        }
    }

    /// The changes of a department just built since its build in `previous` (`None` when it has
    /// none), added to its change record; a warning when the record cannot be written (the PDF
    /// is good); and what to keep of this build.
    fn record_changes(
        &self,
        file: &Path,
        department: &Department,
        pdf: &str,
        data: Node,
        previous: &Store,
    ) -> (Option<Vec<Change>>, Option<Diagnostic>, (String, Kept)) {
        let now = jiff::ZonedDateTime::now()
            .strftime("%Y-%m-%d %H:%M")
            .to_string();
        let changes = previous
            .get(&department.name, department.year)
            .map(|last| changes::compare(&last.data, &data));
        let unwritten = match &changes {
            Some(list) if !list.is_empty() => crate::output::record::prepend(
                &self.options.output,
                &department.title,
                &now,
                file,
                list,
            )
            .err()
            .map(|e| {
                Diagnostic::warning(
                    file,
                    Location::file(),
                    RuleId::ChangeRecord,
                    format!(
                        "无法写入更正记录 {}：{e}",
                        self.options
                            .output
                            .join(crate::output::record::file_name(&department.title))
                            .display()
                    ),
                )
            }),
            _ => None,
        };
        let kept = Kept {
            pdf: pdf.to_string(),
            built: now,
            data,
        };
        let key = store::key(&department.name, department.year);
        if let Some(active) = lock(&ACTIVE).as_mut() {
            active.data.insert(key.clone(), kept.clone());
        }
        (changes, unwritten, (key, kept))
    }

    /// Render, compile and write one checked department: the PDF's path and its manifest entry.
    fn produce(
        &self,
        file: &Path,
        department: &Department,
        inputs: Inputs,
        observer: &dyn Observer,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(PathBuf, Entry)> {
        let typeset_error =
            |message: String| Diagnostic::error(file, Location::file(), RuleId::Typeset, message);
        // The department's data rides inside its PDF, unless the PDF standard forbids attachments.
        let (attachment, files) = if self.typesetter.allows_attachments() {
            let (attachment, file) = data::attachment(department, 0);
            (Some(attachment), vec![file])
        } else {
            (None, Vec::new())
        };
        let view = DocumentView::new(department).with_attachment(attachment);
        let source = match self.renderer.render_view(&view) {
            Ok(source) => source,
            Err(e) => {
                diagnostics.push(typeset_error(format!("模板渲染失败：{e:#}")));
                return None;
            }
        };
        let identity = DocumentIdentity {
            ident: format!("{}|{}", department.name, department.year),
            year: department.year,
        };
        let first_page = |png: &[u8]| observer.first_page(file, png);
        let compiled =
            match self
                .typesetter
                .compile_observed(source.clone(), &identity, &files, &first_page)
            {
                Ok(compiled) => compiled,
                Err(errors) => {
                    diagnostics.extend(errors.into_iter().map(typeset_error));
                    return None;
                }
            };
        diagnostics.extend(
            compiled
                .warnings
                .into_iter()
                .map(|w| Diagnostic::warning(file, Location::file(), RuleId::Typeset, w)),
        );
        let pdf_path = self
            .options
            .output
            .join(output::file_name(&department.title, "pdf"));
        // Holding the gate: an interrupt waits for this write, then finds no temporary file.
        let _gate = write_gate();
        if interrupted() {
            diagnostics.push(typeset_error("运行被中断，未写入".to_string()));
            return None;
        }
        let mut typ = None;
        if self.options.emit_typ {
            let typ_path = pdf_path.with_extension("typ");
            match output::write_atomic(&typ_path, source.as_bytes()) {
                Ok(()) => typ = Some(manifest::bytes_hash(source.as_bytes())),
                Err(e) => {
                    diagnostics.push(typeset_error(format!(
                        "无法写入 {}：{e}",
                        typ_path.display()
                    )));
                    return None;
                }
            }
        }
        // Page images for review (`--emit png`): `{标题}-{页}.png`, the page number after the
        // title is made safe (and cut), so that it is never cut off; beside the PDF unless
        // `pages` says where.
        let stem = output::file_stem(&department.title);
        let pages = self.options.pages.as_ref().unwrap_or(&self.options.output);
        for (n, png) in compiled.pngs.iter().enumerate() {
            let png_path = pages.join(format!("{stem}-{}.png", n + 1));
            if let Err(e) = output::write_atomic(&png_path, png) {
                diagnostics.push(typeset_error(format!(
                    "无法写入 {}：{e}",
                    png_path.display()
                )));
                return None;
            }
        }
        match output::write_atomic(&pdf_path, &compiled.pdf) {
            Ok(()) => {
                let entry = Entry {
                    workbook: file.to_path_buf(),
                    department: department.name.clone(),
                    year: department.year,
                    inputs,
                    pdf: manifest::bytes_hash(&compiled.pdf),
                    typ,
                    warnings: Some(Severity::Warning.count(diagnostics)),
                };
                // Still inside the gate: an interrupt records this entry.
                if let Some(active) = lock(&ACTIVE).as_mut() {
                    let key = output::file_name(&department.title, "pdf");
                    active.built.insert(key, entry.clone());
                }
                Some((pdf_path, entry))
            }
            Err(e) => {
                diagnostics.push(typeset_error(format!(
                    "无法写入 {}：{e}",
                    pdf_path.display()
                )));
                None
            }
        }
    }
}

/// The stack of a build thread. Typst recurses deeply (more so in an unoptimised build); the
/// memory is only reserved, not used.
const STACK_SIZE: usize = 64 << 20;

/// `f` over `items`, in parallel on `rayon::current_num_threads()` threads (`--jobs`) that take
/// the next item as they become free; results in the order of `items`.
///
/// The threads are plain threads, not rayon workers: typst parallelises inside one document on
/// rayon's pool, and a rayon worker waiting for that work would pick up another document on the
/// same stack, nesting compilations until the stack overflows.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = rayon::current_num_threads().clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            std::thread::Builder::new()
                .name("jixiao-build".to_string())
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let result = f(item);
                        *lock(&results[i]) = Some(result);
                    }
                })
                .expect("start a build thread");
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every item is done")
        })
        .collect()
}

/// Two workbooks of the same 部门名称 and 年度, or whose PDFs would have the same name, are an
/// error for both: neither is built (an earlier PDF stays as it was).
fn reject_duplicates(files: &[PathBuf], plans: &mut [Plan]) {
    let identities: Vec<_> = plans.iter().map(Plan::identity).collect();
    let mut findings = duplicate_departments(
        files,
        identities.iter().enumerate().filter_map(|(i, id)| {
            id.as_ref()
                .map(|((name, year), _)| (i, (name.to_string(), *year)))
        }),
    );
    let by_pdf = identities
        .iter()
        .enumerate()
        .filter_map(|(i, id)| id.as_ref().map(|(_, pdf)| (i, pdf.clone())));
    for (i, pdf, others) in clashes(files, by_pdf) {
        findings.entry(i).or_insert_with(|| {
            Diagnostic::error(
                &files[i],
                Location::file(),
                RuleId::DuplicateTitle,
                format!("生成的文件名 {pdf} 与 {others} 的相同，会互相覆盖；请修改文档标题，这几个都不生成"),
            )
        });
    }
    for (i, found) in findings {
        let plan = std::mem::replace(&mut plans[i], Plan::Failed(Vec::new()));
        let mut diagnostics = match plan {
            Plan::Build { diagnostics, .. } => diagnostics,
            _ => Vec::new(),
        };
        diagnostics.push(found);
        plans[i] = Plan::Failed(diagnostics);
    }
}

/// `duplicate-department` for every workbook whose (部门名称, 年度) another workbook of the batch
/// has too; `identities` gives (index into `files`, identity) for the workbooks that state one.
pub fn duplicate_departments(
    files: &[PathBuf],
    identities: impl IntoIterator<Item = (usize, (String, i32))>,
) -> BTreeMap<usize, Diagnostic> {
    clashes(files, identities)
        .into_iter()
        .map(|(i, (name, year), others)| {
            let message = format!(
                "部门“{name}”{year} 年度的工作簿不止一个（另见 {others}）；每个部门每年只能有一个工作簿"
            );
            let finding = Diagnostic::error(&files[i], Location::file(), RuleId::DuplicateDepartment, message);
            (i, finding)
        })
        .collect()
}

/// Every index whose key another index shares, with the key and the other files of its group
/// (`a.xlsx、b.xlsx`).
fn clashes<K: Ord + Clone>(
    files: &[PathBuf],
    keys: impl IntoIterator<Item = (usize, K)>,
) -> Vec<(usize, K, String)> {
    let mut groups: BTreeMap<K, Vec<usize>> = BTreeMap::new();
    for (i, key) in keys {
        groups.entry(key).or_default().push(i);
    }
    let mut out = Vec::new();
    for (key, group) in groups.into_iter().filter(|(_, g)| g.len() > 1) {
        for &i in &group {
            let others: Vec<String> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| files[j].display().to_string())
                .collect();
            out.push((i, key.clone(), others.join("、")));
        }
    }
    out
}

/// Refuses an output folder that is an input folder or inside one: outputs must never land
/// among the inputs (nor be walked as inputs next time).
pub fn check_output_folder(inputs: &[PathBuf], output: &Path) -> Result<(), String> {
    let out = resolve(output);
    for input in inputs.iter().filter(|p| p.is_dir()) {
        let input_dir = resolve(input);
        if out.starts_with(&input_dir) {
            return Err(format!(
                "输出文件夹 {} 不能是输入文件夹 {} 或位于其中；请用 -o 指定别处",
                output.display(),
                input.display()
            ));
        }
    }
    Ok(())
}

/// Refuses a summary workbook (or other output file) written into an input folder: the next run
/// would read it as a department's workbook.
pub fn check_output_file(inputs: &[PathBuf], file: &Path) -> Result<(), String> {
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    check_output_folder(inputs, folder).map_err(|_| {
        format!(
            "{} 在输入文件夹中，下次运行会被当作部门工作簿读取；请写到别处",
            file.display()
        )
    })
}

/// `path` made absolute with symbolic links resolved, as far as it exists.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Set once an interrupt (Ctrl-C) arrives: no document starts or writes after it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Writers hold it shared; the interrupt handler takes it exclusively before cleaning up.
static GATE: RwLock<()> = RwLock::new(());

/// The batch in progress when the interrupt handler is installed: the documents it has built so
/// far, so that an interrupt records them.
static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);
static HANDLER_INSTALLED: AtomicBool = AtomicBool::new(false);

struct Active {
    state: StateDir,
    /// Manifest entries by PDF file name.
    built: BTreeMap<String, Entry>,
    /// The data kept of each department built, by [`store::key`].
    data: BTreeMap<String, Kept>,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn write_gate() -> std::sync::RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(PoisonError::into_inner)
}

/// True once the run has been interrupted.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// On Ctrl-C: start nothing more, wait for a write in progress, record the documents built so
/// far in the manifest (waiting for its lock as a finishing run does), remove this process's
/// temporary files in `output` (never another writer's), and exit with status 130. Earlier PDFs
/// stay as they were.
pub fn install_interrupt_handler(output: PathBuf) -> Result<(), String> {
    on_interrupt(
        output,
        "已中断：其余文档未生成，已生成的 PDF 完好，没有留下临时文件",
        130,
    )
}

/// As [`install_interrupt_handler`], ending with `farewell` and exit status `status` (watch mode
/// ends this way, as a normal end).
pub fn on_interrupt(output: PathBuf, farewell: &'static str, status: i32) -> Result<(), String> {
    HANDLER_INSTALLED.store(true, Ordering::SeqCst);
    ctrlc::set_handler(move || {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let _gate = GATE.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(active) = lock(&ACTIVE).take() {
            if !active.built.is_empty() {
                let _ = Manifest::record(&active.state, &active.built);
            }
            if !active.data.is_empty() {
                let _ = Store::record(&active.state, &active.data);
            }
        }
        output::remove_temporaries(&output, Some(std::process::id()));
        eprintln!("{farewell}");
        std::process::exit(status);
    })
    .map_err(|e| format!("无法设置中断处理：{e}"))
}

/// How many findings of a failed workbook the summary repeats.
const SUMMARY_FINDINGS: usize = 3;

/// The closing summary: counts, then each failed workbook with its first findings (errors
/// first).
pub fn summary(reports: &[Report]) -> String {
    let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
    let failed: Vec<&Report> = reports.iter().filter(|r| r.failed()).collect();
    let mut text = format!(
        "共 {} 个工作簿：生成 {} 个，未变 {} 个，失败 {} 个",
        reports.len(),
        count(Status::Built),
        count(Status::Unchanged),
        failed.len()
    );
    if !failed.is_empty() {
        text.push_str("\n失败的工作簿：");
    }
    for report in failed {
        text.push_str(&format!("\n  {}", report.file.display()));
        let mut findings: Vec<&Diagnostic> = report.diagnostics.iter().collect();
        findings.sort_by_key(|d| !d.is_error());
        for d in findings.iter().take(SUMMARY_FINDINGS) {
            let mut line = d.to_string();
            // The file is named on the line above.
            if let Some(rest) = line.strip_prefix(&report.file.display().to_string()) {
                line = rest.trim_start_matches([' ', '›', ':']).to_string();
            }
            text.push_str(&format!("\n    {line}"));
        }
        if findings.len() > SUMMARY_FINDINGS {
            text.push_str(&format!(
                "\n    ……另有 {} 条",
                findings.len() - SUMMARY_FINDINGS
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_inside_an_input_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        let inputs = [input.clone()];
        assert!(check_output_folder(&inputs, &input).is_err());
        assert!(check_output_folder(&inputs, &input.join("out/pdf")).is_err());
        assert!(check_output_folder(&inputs, &input.join("../in/x")).is_err());
        assert!(check_output_folder(&inputs, &dir.path().join("out")).is_ok());
        assert!(check_output_folder(&inputs, &dir.path().join("input")).is_ok());
        // A workbook given as a file does not make its folder an input folder.
        assert!(check_output_folder(&[input.join("a.xlsx")], &input).is_ok());
        // Nor may a summary workbook land among the inputs.
        assert!(check_output_file(&inputs, &input.join("sub/汇总.xlsx")).is_err());
        assert!(check_output_file(&inputs, &dir.path().join("汇总.xlsx")).is_ok());
    }
}
