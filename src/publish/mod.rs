//! Publication (发布): what the bureau does with a year's documents once they are built.
//!
//! - [`data`]: every PDF carries its department's data as an attached JSON file, in a documented,
//!   versioned schema (`docs/data.md`), so that a published PDF is also its own source.
//! - [`extract`]: reads that data back out of a PDF (`jixiao extract`).
//! - [`volume`]: the combined volume (汇编) of every department, as one Typst document.
//! - [`summary`]: the summary workbook (汇总表) of a run: one row per department, every project,
//!   totals.

pub mod extract;
pub mod summary;
pub mod volume;

use std::borrow::Cow;
use std::path::PathBuf;

use crate::build::{self, Builder, Report, Status};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Department;

/// One workbook of a run, as published: its report and, unless it failed, its department.
#[derive(Debug)]
pub struct Member<'a> {
    pub report: &'a Report,
    /// The checked department: kept from the build, or read again for an unchanged one.
    pub department: Option<Cow<'a, Department>>,
    /// 部门名称: the department's, or for a workbook that failed, what its 基本信息 states.
    pub name: Option<String>,
    pub warnings: usize,
    pub errors: usize,
}

/// What `build` was asked to publish besides the PDFs.
#[derive(Debug, Clone, Default)]
pub struct PublishOptions {
    /// `--volume FILE.pdf` and its title and publisher.
    pub volume: Option<volume::VolumeOptions>,
    /// `--summary FILE.xlsx`.
    pub summary: Option<PathBuf>,
}

/// What was published.
#[derive(Debug, Default)]
pub struct Published {
    pub volume: Option<Result<volume::Volume, String>>,
    pub summary: Option<Result<PathBuf, String>>,
    /// Workbooks left out of the volume and the summary's totals, because they have errors.
    pub left_out: Vec<PathBuf>,
}

impl Published {
    /// What was published, one line each, for the terminal and the local page.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match &self.volume {
            Some(Ok(volume)) => {
                lines.extend(volume.warnings.iter().map(|w| format!("汇编：{w}")));
                lines.push(format!(
                    "已写出汇编：{} 个部门，共 {} 页（{}）",
                    volume.departments.len(),
                    volume.pages,
                    volume.path.display()
                ));
            }
            Some(Err(e)) => lines.push(format!("未生成汇编：{e}")),
            None => {}
        }
        match &self.summary {
            Some(Ok(path)) => lines.push(format!("已写出汇总表（{}）", path.display())),
            Some(Err(e)) => lines.push(format!("未生成汇总表：{e}")),
            None => {}
        }
        if !self.left_out.is_empty() && self.volume.is_some() {
            let names: Vec<String> = self
                .left_out
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            lines.push(format!(
                "有错误、未收入汇编的工作簿 {} 个：{}",
                names.len(),
                names.join("、")
            ));
        }
        lines
    }

    /// True when something asked for could not be written.
    pub fn failed(&self) -> bool {
        matches!(self.volume, Some(Err(_))) || matches!(self.summary, Some(Err(_)))
    }
}

/// The members of a run: a department built in the run comes from its report, an unchanged one
/// from the data attached to its PDF (see [`kept`]) or else read and checked again (in
/// parallel), a failed one has none.
pub fn collect<'a>(builder: &Builder, reports: &'a [Report]) -> Vec<Member<'a>> {
    let reports: Vec<&'a Report> = reports.iter().collect();
    build::parallel_map(&reports, |&report| {
        let counted = |department: Option<Cow<'a, Department>>, diagnostics: &[Diagnostic]| {
            let warnings = Severity::Warning.count(diagnostics);
            (department, warnings, Severity::Error.count(diagnostics))
        };
        let (department, warnings, errors) = match (report.status, &report.model) {
            (Status::Built, Some(model)) => {
                counted(Some(Cow::Borrowed(model.as_ref())), &report.diagnostics)
            }
            (Status::Unchanged, _) => match kept(report) {
                Some((department, warnings)) => (Some(Cow::Owned(department)), warnings, 0),
                None => {
                    let (department, diagnostics) = builder.check(&report.file);
                    counted(department.map(Cow::Owned), &diagnostics)
                }
            },
            _ => counted(None, &report.diagnostics),
        };
        let name = match (&department, &report.department) {
            (Some(d), _) => Some(d.name.clone()),
            (None, Some(name)) => Some(name.clone()),
            // A workbook with errors: its name as stated, read again (only for those).
            (None, None) => crate::check::check_path(&report.file).department_name,
        };
        Member {
            report,
            department,
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
fn kept(report: &Report) -> Option<(Department, usize)> {
    let warnings = report.kept_warnings?;
    let mut attached = extract::departments(report.pdf.as_deref()?).ok()?;
    let department = (attached.len() == 1).then(|| attached.remove(0).department)?;
    (report.department.as_ref() == Some(&department.name)).then_some((department, warnings))
}

/// Writes the volume and the summary workbook asked for by `options`, from a run's reports.
pub fn publish(builder: &Builder, reports: &[Report], options: &PublishOptions) -> Published {
    if options.volume.is_none() && options.summary.is_none() {
        return Published::default();
    }
    let members = collect(builder, reports);
    let left_out = members
        .iter()
        .filter(|m| m.department.is_none())
        .map(|m| m.report.file.clone())
        .collect();
    let volume = options
        .volume
        .as_ref()
        .filter(|_| !build::interrupted())
        .map(|o| volume::write(builder, &members, o));
    let summary = options
        .summary
        .as_ref()
        .filter(|_| !build::interrupted())
        .map(|path| summary::write(&members, path).map(|()| path.clone()));
    Published {
        volume,
        summary,
        left_out,
    }
}
