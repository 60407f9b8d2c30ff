//! What a build tells: a [`Report`] per workbook, the [`Batch`] of them, the [`Observer`] told
//! as documents go, and the closing summary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::changes::Change;
use crate::diagnostic::Diagnostic;
use crate::evaluation::Evaluation;
use crate::model::Department;

/// What became of one workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its PDF was written.
    Built,
    /// Its PDF was already there, intact, made from the same inputs (see
    /// [`crate::output::manifest`]).
    Unchanged,
    /// It has errors (or the run was interrupted before it); any earlier PDF is left as it was.
    Failed,
}

/// Every page of a document as PNG, with its text (shared: the page keeps them while a report
/// goes by).
pub type PageImages = Arc<PageSet>;

/// A document's pages as the local page shows them.
#[derive(Debug, Default)]
pub struct PageSet {
    pub pngs: Vec<Vec<u8>>,
    /// Each page's text runs, concatenated: compared to tell which pages a rebuild changed.
    pub texts: Vec<String>,
}

/// The first page (0-based) whose text differs between two versions of a document, or the
/// first page that one of them lacks; `None` when they read the same.
pub fn first_changed(old: &[String], new: &[String]) -> Option<usize> {
    match old.iter().zip(new).position(|(a, b)| a != b) {
        Some(page) => Some(page),
        None if old.len() != new.len() => Some(old.len().min(new.len())),
        None => None,
    }
}

/// What building one workbook gave.
#[derive(Debug)]
pub struct Report {
    pub file: PathBuf,
    pub status: Status,
    /// The PDF written or kept, unless the build failed.
    pub pdf: Option<PathBuf>,
    /// 部门名称, when it is known (for a workbook with errors, as its 基本信息 states it).
    pub department: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// What changed since the department's last good build (see [`crate::changes`]): `None`
    /// when nothing was built or there is no earlier build to compare with; empty when the data
    /// printed is the same.
    pub changes: Option<Vec<Change>>,
    /// The checked department, when its PDF was built in this run (the combined volume and the
    /// summary workbook need it; an unchanged one is taken from its PDF's data).
    pub model: Option<Box<Department>>,
    /// Whether the document is a self-evaluation (绩效自评报告), when it was built or kept.
    pub self_evaluation: bool,
    /// What happened in its year, with `model`, for a self-evaluation built in this run.
    pub evaluation: Option<Box<Evaluation>>,
    /// For an unchanged workbook: how many warnings its last build found, as the manifest keeps
    /// it (`None` from a manifest of an earlier version, or for a workbook built or failed).
    pub kept_warnings: Option<usize>,
    /// The hash of the workbook's bytes that were read, checked and built (`None` when it could
    /// not be read): what the manifest records.
    pub workbook_hash: Option<String>,
    /// Every page of the document built, when the engine keeps them (see
    /// [`super::Pages::Kept`]).
    pub pages: Option<PageImages>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.status == Status::Failed
    }

    pub(super) fn failure(
        file: &Path,
        department: Option<String>,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        Self {
            file: file.to_path_buf(),
            status: Status::Failed,
            pdf: None,
            department,
            diagnostics,
            changes: None,
            model: None,
            self_evaluation: false,
            evaluation: None,
            kept_warnings: None,
            workbook_hash: None,
            pages: None,
        }
    }
}

/// Told about the progress of a batch; called from worker threads.
pub trait Observer: Sync {
    /// The number of workbooks in the batch, before any is built.
    fn planned(&self, _total: usize) {}
    /// A department's document is about to be rendered and compiled.
    fn started(&self, _file: &Path, _department: &str) {}
    /// The pages of the department's document as the observer last showed them, if it has
    /// them: a rebuild then renders first the first page that changed (see [`first_changed`]).
    fn shown_before(&self, _file: &Path) -> Option<PageImages> {
        None
    }
    /// A page (0-based) of a department's new document, as PNG, as soon as it is laid out
    /// (before its PDF is made or written): the first that changed since
    /// [`Observer::shown_before`], else the first; only when pages are rendered.
    fn early_page(&self, _file: &Path, _page: usize, _png: &[u8]) {}
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
