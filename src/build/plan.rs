//! The first pass of a batch: each workbook read once, hashed, and planned (unchanged, failed or
//! to build); then the workbooks that clash with each other fail.

use std::path::{Path, PathBuf};

use super::engine::Engine;
use super::parallel::guarded;
use crate::changes::{self, Node};
use crate::check::{self, duplicates, glyphs};
use crate::contract;
use crate::diagnostic::{Diagnostic, has_errors};
use crate::evaluation::{Evaluation, identity_name};
use crate::model::Department;
use crate::output;
use crate::output::manifest::{self, Inputs, Manifest};
use crate::read::{self, Origins};

/// What the first pass decided for one workbook.
pub(super) enum Plan {
    Failed {
        diagnostics: Vec<Diagnostic>,
        /// 部门名称 as the workbook states it, when it does.
        name: Option<String>,
    },
    /// Its PDF (file name in the output folder) is up to date.
    Unchanged {
        pdf: String,
        department: String,
        year: i32,
        warnings: Option<usize>,
        /// The hash of the workbook's bytes.
        workbook: String,
        self_evaluation: bool,
    },
    Build {
        department: Box<Department>,
        /// What happened in its year, when the workbook is a self-evaluation.
        evaluation: Option<Box<Evaluation>>,
        /// The 指标值 cells of its indicators with an 调整后指标值 (see `check::goal_changes`).
        adjusted: Vec<String>,
        diagnostics: Vec<Diagnostic>,
        inputs: Inputs,
        /// What it prints, to compare with its last build (see [`crate::changes`]).
        data: Box<Node>,
    },
}

impl Plan {
    pub fn failed(diagnostics: Vec<Diagnostic>) -> Plan {
        Plan::Failed {
            diagnostics,
            name: None,
        }
    }

    /// (部门名称 and kind, 年度) and the PDF file name, when known: a goals text and a
    /// self-evaluation of one department and year do not clash.
    fn identity(&self) -> Option<((String, i32), String)> {
        match self {
            Plan::Failed { .. } => None,
            Plan::Unchanged {
                pdf,
                department,
                year,
                self_evaluation,
                ..
            } => Some((
                (identity_name(department, *self_evaluation), *year),
                pdf.clone(),
            )),
            Plan::Build {
                department,
                evaluation,
                ..
            } => Some((
                (
                    identity_name(&department.name, evaluation.is_some()),
                    department.year,
                ),
                output::file_name(&department.title, "pdf"),
            )),
        }
    }
}

impl Engine {
    /// The first pass for one workbook: its bytes read once; unchanged when the manifest has an
    /// intact PDF made from these bytes and this engine's environment (then they are not even
    /// parsed), otherwise read and checked from the same bytes.
    pub(super) fn plan(&self, file: &Path, manifest: &Manifest) -> Plan {
        let bytes = match read::load(file) {
            Ok(bytes) => bytes,
            Err(diagnostics) => return Plan::failed(diagnostics),
        };
        let hash = manifest::bytes_hash(&bytes);
        let inputs = Inputs {
            workbook: hash.clone(),
            environment: self.environment.clone(),
        };
        if !self.config.force
            && let Some((pdf, entry)) = manifest.unchanged(self.output(), &inputs)
        {
            return Plan::Unchanged {
                pdf: pdf.to_string(),
                department: entry.department.clone(),
                year: entry.year,
                warnings: entry.warnings,
                workbook: hash,
                self_evaluation: entry.self_evaluation,
            };
        }
        self.plan_build(file, &bytes, inputs)
    }

    /// A workbook to build from `bytes` (read and checked), or failed.
    pub(super) fn plan_build(&self, file: &Path, bytes: &[u8], inputs: Inputs) -> Plan {
        let checked = self.check_bytes(file, bytes, |department, evaluation, origins| {
            let data = match &evaluation {
                Some(e) => changes::evaluation_snapshot(&department, e, origins),
                None => changes::snapshot(&department, origins),
            };
            let adjusted = adjusted_cells(evaluation.as_ref(), origins);
            (department, evaluation, data, adjusted)
        });
        match checked.kept {
            Some((department, evaluation, data, adjusted)) => Plan::Build {
                department: Box::new(department),
                evaluation: evaluation.map(Box::new),
                adjusted,
                diagnostics: checked.diagnostics,
                inputs,
                data: Box::new(data),
            },
            None => Plan::Failed {
                diagnostics: checked.diagnostics,
                name: checked.name,
            },
        }
    }

    /// Reads and checks a workbook's bytes, then checks that the fonts can draw every character
    /// (an error with `--strict` or a PDF standard that refuses such text, a warning otherwise); `keep` makes what is kept of a department
    /// without errors. Never panics: a panic is an `internal` finding.
    pub(super) fn check_bytes<T>(
        &self,
        file: &Path,
        bytes: &[u8],
        keep: impl FnOnce(Department, Option<Evaluation>, &Origins) -> T,
    ) -> Checked<T> {
        let fonts = self.typesetter.fonts();
        let standards = self.typesetter.refusing_missing_glyphs();
        let private_use = self.typesetter.refusing_private_use();
        let refused = if self.config.strict {
            Some("按 --strict 视为错误".to_string())
        } else if !standards.is_empty() {
            Some(format!(
                "所选的 PDF 标准（{}）不允许无法显示的字符",
                standards.join("、")
            ))
        } else {
            None
        };
        let (checked, diagnostics) = guarded(file, || {
            let checked = check::check_reading(file, read::read_bytes(file, bytes));
            let mut diagnostics = checked.diagnostics;
            let name = checked.department_name;
            let (Some(department), Some(origins)) = (checked.department, checked.origins) else {
                return (Some((None, name)), diagnostics);
            };
            let evaluation = checked.evaluation;
            let covers = |c: char| fonts.covers(c);
            diagnostics.extend(glyphs::check(
                file,
                &department,
                evaluation.as_ref(),
                &origins,
                &covers,
                refused.as_deref(),
            ));
            if !private_use.is_empty() {
                diagnostics.extend(glyphs::private_use(
                    file,
                    &department,
                    evaluation.as_ref(),
                    &origins,
                    &private_use.join("、"),
                ));
            }
            let kept = (!has_errors(&diagnostics)).then(|| keep(department, evaluation, &origins));
            (Some((kept, name)), diagnostics)
        });
        let (kept, name) = checked.unwrap_or((None, None));
        Checked {
            kept,
            name,
            diagnostics,
        }
    }
}

/// The 指标值 cells of a self-evaluation's indicators that have an 调整后指标值.
fn adjusted_cells(evaluation: Option<&Evaluation>, origins: &Origins) -> Vec<String> {
    let Some(e) = evaluation else {
        return Vec::new();
    };
    e.outcome_lists()
        .zip(origins.indicator_rows())
        .flat_map(|(outcomes, rows)| outcomes.iter().zip(rows))
        .filter(|(o, _)| o.adjusted_target.is_some())
        .filter_map(|(_, row)| changes::snapshot::address(&row.cell(contract::VALUE)))
        .collect()
}

/// A workbook read and checked.
pub(super) struct Checked<T> {
    /// What is kept of the department, when it has no errors.
    pub kept: Option<T>,
    /// 部门名称 as the workbook states it, errors or not.
    pub name: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Two workbooks of the same 部门名称 and 年度, or whose PDFs would have the same name, are an
/// error for both: neither is built (an earlier PDF stays as it was).
pub(super) fn reject_duplicates(files: &[PathBuf], plans: &mut [Plan]) {
    let identities: Vec<_> = plans.iter().map(Plan::identity).collect();
    let mut findings = duplicates::departments(
        files,
        identities.iter().enumerate().filter_map(|(i, id)| {
            id.as_ref()
                .map(|((name, year), _)| (i, (name.clone(), *year)))
        }),
    );
    let by_pdf = identities
        .iter()
        .enumerate()
        .filter_map(|(i, id)| id.as_ref().map(|(_, pdf)| (i, pdf.clone())));
    for (i, found) in duplicates::titles(files, by_pdf) {
        findings.entry(i).or_insert(found);
    }
    for (i, found) in findings {
        let plan = std::mem::replace(&mut plans[i], Plan::failed(Vec::new()));
        let (mut diagnostics, name) = match plan {
            Plan::Build {
                diagnostics,
                department,
                ..
            } => (diagnostics, Some(department.name)),
            Plan::Unchanged { department, .. } => (Vec::new(), Some(department)),
            Plan::Failed { diagnostics, name } => (diagnostics, name),
        };
        diagnostics.push(found);
        plans[i] = Plan::Failed { diagnostics, name };
    }
}
