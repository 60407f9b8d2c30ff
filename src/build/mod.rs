//! Build: the pipeline over a set of workbooks, read → check → render → compile → write, by one
//! [`Engine`] made once from one [`Config`] (the command line's `build` and `watch`, the page and
//! the benchmarks all make it the same way).
//!
//! A batch runs in two passes ([`Engine::build_all`]): first each workbook is read once (its
//! bytes hashed, checked and kept for what follows) and planned: unchanged (its PDF is intact and
//! was made from the same inputs, see [`crate::output::manifest`]), failed, or to build. Then
//! the documents to build are rendered, compiled and written, in parallel. Each department is
//! independent: its failure (even a panic) is its own, and the others go on. Outputs are
//! written atomically; several runs may write into one output folder at once (see
//! [`crate::output::lock`]). Whoever runs a batch can stop or interrupt it with its [`Cancel`].
//!
//! - `plan`: the first pass; `produce`: the second (one document: render, compile, write, and
//!   what changed since its last build).
//! - `cancel`: the [`Cancel`] handle; `parallel`: the build threads.
//! - `report`: what a batch tells ([`Report`], [`Observer`], the closing [`summary`]).

mod cancel;
mod engine;
mod parallel;
mod plan;
mod produce;
mod report;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::compile::DocumentIdentity;
use crate::diagnostic::Diagnostic;
use crate::evaluation::Evaluation;
use crate::model::Department;
use crate::output::lock::StateDir;
use crate::output::manifest::{self, Environment, Inputs, Manifest};
use crate::output::store::{self, Store};
use crate::read;
use crate::render::Attach;

pub use cancel::Cancel;
pub use engine::{Config, Engine, PAGE_SCALE, Pages};
pub use parallel::{STACK_SIZE, guarded, lock, parallel_map};
pub use report::{Batch, Observer, PageImages, PageSet, Report, Status, first_changed, summary};

use plan::Plan;

/// A checked department's document: its goals, and for a self-evaluation what happened in its
/// year.
pub type Document = (Department, Option<Evaluation>);

impl Engine {
    /// Builds every workbook, in parallel; reports come back in the order of `files`.
    ///
    /// First pass: read and hash each workbook once; one that the manifest says is unchanged
    /// (with its PDF intact) is not parsed, any other is read and checked. Then two workbooks of
    /// the same 部门名称 and 年度, or with the same output file, fail both. Second pass: render,
    /// compile and write the rest. Finally the documents built are merged into the manifest on
    /// disk ([`Manifest::record`]), so that other runs writing into the same folder keep theirs.
    pub fn build_all(&self, files: &[PathBuf], observer: &dyn Observer) -> Batch {
        let output = self.output();
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
        // Read without the lock: it is replaced by a rename, so it is always whole.
        let manifest = Manifest::load(output);
        let batch = self.config.cancel.begin(state.clone());

        let mut plans: Vec<Plan> =
            parallel_map(self.threads(), files, |file| self.plan(file, &manifest));
        plan::reject_duplicates(files, &mut plans);
        // What the departments to build printed last time (each read when it is built).
        let previous = Store::load(output);

        let work: Vec<(&PathBuf, Mutex<Option<Plan>>)> = files
            .iter()
            .zip(plans)
            .map(|(file, plan)| (file, Mutex::new(Some(plan))))
            .collect();
        let reports: Vec<Report> = parallel_map(self.threads(), &work, |(file, plan)| {
            let plan = lock(plan).take().expect("each plan is executed once");
            if let Plan::Build { department, .. } = &plan {
                observer.started(file, &department.name);
            }
            let report = self.execute(file, plan, observer, Some((&previous, &batch)));
            observer.finished(&report);
            report
        });

        if !self.typesetter.allows_attachments()
            && reports.iter().any(|r| r.status == Status::Built)
        {
            warnings.push(
                "所选 PDF 标准（如 a-2b）不允许附件：PDF 中未附带部门数据，jixiao extract 无法从中读回；需要附带时请用 --pdf-standard a-3b".to_string(),
            );
        }
        let _gate = self.config.cancel.write_gate();
        let (built, data) = batch.end();
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
        let plan = match read::load(file) {
            Ok(bytes) => {
                let inputs = Inputs {
                    workbook: String::new(),
                    environment: Environment::default(),
                };
                self.plan_build(file, &bytes, inputs)
            }
            Err(diagnostics) => Plan::failed(diagnostics),
        };
        self.execute(file, plan, &(), None)
    }

    /// Reads and checks one workbook: its department and, for a self-evaluation, what happened
    /// in its year, only when it has no errors; and every finding (the combined volume and the
    /// summary read unchanged workbooks again with it).
    pub fn check_document(&self, file: &Path) -> (Option<Document>, Vec<Diagnostic>) {
        match read::load(file) {
            Ok(bytes) => {
                let checked = self.check_bytes(file, &bytes, |department, evaluation, _| {
                    (department, evaluation)
                });
                (checked.kept, checked.diagnostics)
            }
            Err(diagnostics) => (None, diagnostics),
        }
    }

    /// Every page of a workbook's document as PNG, nothing written (the page's preview of a
    /// department it has not built in this run); `None` when it has errors or cannot be laid
    /// out, or when this engine renders no pages.
    pub fn preview(&self, file: &Path) -> Option<PageImages> {
        let (department, evaluation) = self.check_document(file).0?;
        let rendered = self
            .render(&department, evaluation.as_ref(), Attach::Nothing)
            .ok()?;
        let identity = DocumentIdentity::of(&department, evaluation.is_some());
        let compiled = self
            .typesetter
            .compile(rendered.source, &identity, &rendered.files)
            .ok()?;
        (!compiled.pngs.is_empty()).then(|| {
            std::sync::Arc::new(PageSet {
                pngs: compiled.pngs,
                texts: compiled.texts,
            })
        })
    }
}
