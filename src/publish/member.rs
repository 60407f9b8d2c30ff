//! The departments of a run as the volume and the summary see them: each workbook's report and,
//! unless it failed, its department, taken from the build or from its PDF.

use std::borrow::Cow;

use super::extract;
use crate::build::{Engine, Report, Status, parallel_map};
use crate::diagnostic::{Diagnostic, Severity};
use crate::evaluation::Evaluation;
use crate::model::Department;

/// One workbook of a run, as published: its report and, unless it failed, its department.
#[derive(Debug)]
pub struct Member<'a> {
    pub report: &'a Report,
    /// The checked department: kept from the build, or read again for an unchanged one.
    pub department: Option<Cow<'a, Department>>,
    /// What happened in its year, when it is a self-evaluation (绩效自评报告).
    pub evaluation: Option<Cow<'a, Evaluation>>,
    /// 部门名称: the department's, or for a workbook that failed, what its 基本信息 states.
    pub name: Option<String>,
    pub warnings: usize,
    pub errors: usize,
}

/// The members of a run: a department built in the run comes from its report, an unchanged one
/// from the data attached to its PDF (see [`kept`]) or else read and checked again (in
/// parallel), a failed one has none.
pub fn collect<'a>(engine: &Engine, reports: &'a [Report]) -> Vec<Member<'a>> {
    let reports: Vec<&'a Report> = reports.iter().collect();
    let threads = engine
        .config()
        .jobs
        .unwrap_or_else(rayon::current_num_threads);
    parallel_map(threads, &reports, |&report| {
        type Document<'a> = (Cow<'a, Department>, Option<Cow<'a, Evaluation>>);
        let counted = |document: Option<Document<'a>>, diagnostics: &[Diagnostic]| {
            let warnings = Severity::Warning.count(diagnostics);
            (document, warnings, Severity::Error.count(diagnostics))
        };
        let (document, warnings, errors) = match (report.status, &report.model) {
            (Status::Built, Some(model)) => {
                let evaluation = report.evaluation.as_deref().map(Cow::Borrowed);
                let document = (Cow::Borrowed(model.as_ref()), evaluation);
                counted(Some(document), &report.diagnostics)
            }
            (Status::Unchanged, _) => match kept(report) {
                Some((department, evaluation, warnings)) => {
                    let document = (Cow::Owned(department), evaluation.map(Cow::Owned));
                    (Some(document), warnings, 0)
                }
                None => {
                    let (document, diagnostics) = engine.check_document(&report.file);
                    let document = document.map(|(d, e)| (Cow::Owned(d), e.map(Cow::Owned)));
                    counted(document, &diagnostics)
                }
            },
            _ => counted(None, &report.diagnostics),
        };
        let (department, evaluation) = match document {
            Some((d, e)) => (Some(d), e),
            None => (None, None),
        };
        // A workbook with errors: its name as its 基本信息 states it, when it does.
        let name = department
            .as_ref()
            .map(|d| d.name.clone())
            .or_else(|| report.department.clone());
        Member {
            report,
            department,
            evaluation,
            name,
            warnings,
            errors,
        }
    })
}

/// An unchanged department as its last build left it, without reading its workbook again: the
/// data attached to its PDF (the manifest has just found the PDF to be the one built from this
/// workbook, byte for byte) and the count of warnings the manifest kept. `None` when either is
/// missing — a PDF standard without attachments, templates that attach nothing, a manifest of an
/// earlier version — and the workbook is then read again.
fn kept(report: &Report) -> Option<(Department, Option<Evaluation>, usize)> {
    let warnings = report.kept_warnings?;
    let mut attached = extract::departments(report.pdf.as_deref()?).ok()?;
    let one = (attached.len() == 1).then(|| attached.remove(0))?;
    // A self-evaluation's PDF carries what happened in its year (an earlier build's may not).
    if report.self_evaluation != one.evaluation.is_some() {
        return None;
    }
    let named = report.department.as_ref() == Some(&one.department.name);
    named.then_some((one.department, one.evaluation, warnings))
}
