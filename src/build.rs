//! The pipeline for a set of workbooks: discover → read → check → render → compile → write.
//!
//! Each department is independent: its failure (even a panic) is its own, and the others go on.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::compile::{DocumentIdentity, Typesetter};
use crate::diagnostic::{Diagnostic, Location, has_errors};
use crate::model::Department;
use crate::render::Renderer;
use crate::{check, output, read};

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
                "not-found",
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
                        "unreadable",
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

/// Reads and checks one workbook: the model if it has no errors, and every finding.
pub fn check_file(path: &Path) -> (Option<Department>, Vec<Diagnostic>) {
    guarded(path, || {
        let reading = read::read(path);
        let mut diagnostics = reading.diagnostics;
        let Some(workbook) = reading.workbook else {
            return (None, diagnostics);
        };
        diagnostics.extend(check::check(path, &workbook));
        let department = (!has_errors(&diagnostics)).then_some(workbook.department);
        (department, diagnostics)
    })
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
                "internal",
                format!("处理该文件时发生内部错误：{what}"),
            )],
        )
    })
}

/// What building one workbook gave.
#[derive(Debug)]
pub struct Report {
    pub file: PathBuf,
    /// The PDF written, when the build succeeded.
    pub pdf: Option<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.pdf.is_none()
    }
}

/// How a build runs.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub output: PathBuf,
    /// Also write the compiled Typst source beside each PDF.
    pub emit_typ: bool,
}

/// Builds documents; holds the renderer and typesetter shared by every document of a run.
pub struct Builder {
    pub renderer: Renderer,
    pub typesetter: Typesetter,
    pub options: BuildOptions,
}

impl Builder {
    /// Builds every workbook, in parallel; reports come back in the order of `files`.
    pub fn build_all(&self, files: &[PathBuf], on_done: impl Fn(&Report) + Sync) -> Vec<Report> {
        files
            .par_iter()
            .map(|file| {
                let report = self.build_file(file);
                on_done(&report);
                report
            })
            .collect()
    }

    /// Builds one workbook into `{output}/{文档标题}.pdf`.
    pub fn build_file(&self, file: &Path) -> Report {
        let (pdf, diagnostics) = guarded(file, || {
            let (department, mut diagnostics) = check_file(file);
            let Some(department) = department else {
                return (None, diagnostics);
            };
            let pdf = self.produce(file, &department, &mut diagnostics);
            (pdf, diagnostics)
        });
        Report {
            file: file.to_path_buf(),
            pdf,
            diagnostics,
        }
    }

    /// Render, compile and write one checked department.
    fn produce(
        &self,
        file: &Path,
        department: &Department,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<PathBuf> {
        let typeset_error =
            |message: String| Diagnostic::error(file, Location::file(), "typeset", message);
        let source = match self.renderer.render(department) {
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
        let compiled = match self.typesetter.compile(source.clone(), &identity) {
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
                .map(|w| Diagnostic::warning(file, Location::file(), "typeset", w)),
        );
        let pdf_path = self
            .options
            .output
            .join(output::file_name(&department.title, "pdf"));
        if self.options.emit_typ {
            let typ_path = self
                .options
                .output
                .join(output::file_name(&department.title, "typ"));
            if let Err(e) = output::write_atomic(&typ_path, source.as_bytes()) {
                diagnostics.push(typeset_error(format!(
                    "无法写入 {}：{e}",
                    typ_path.display()
                )));
            }
        }
        match output::write_atomic(&pdf_path, &compiled.pdf) {
            Ok(()) => Some(pdf_path),
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
