//! What `jixiao check` reports: findings grouped by department, as text and as JSON (the
//! findings workbook is `crate::xlsx::findings`).
//!
//! Groups come in the order of the files; within a group errors come before warnings, and
//! otherwise the order of the checks (sheet by sheet, row by row) is kept.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use super::rules::{Checked, check_path};
use crate::diagnostic::{Diagnostic, Severity};
use crate::evaluation::identity_name;

/// The findings about one workbook (one department).
#[derive(Debug, Clone)]
pub struct Group {
    pub file: PathBuf,
    /// 部门名称, when the workbook states one.
    pub department: Option<String>,
    /// Errors first, then warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// True when the file is a workbook that was checked (false for a path that was not found).
    pub checked: bool,
}

impl Group {
    fn new(
        file: PathBuf,
        department: Option<String>,
        mut diagnostics: Vec<Diagnostic>,
        checked: bool,
    ) -> Self {
        // Stable: the order of the checks is kept within a severity.
        diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
        Self {
            file,
            department,
            diagnostics,
            checked,
        }
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        severity.count(&self.diagnostics)
    }

    /// The department's name, or the file's stem when the workbook does not say.
    pub fn label(&self) -> String {
        self.department.clone().unwrap_or_else(|| {
            self.file
                .file_stem()
                .unwrap_or(self.file.as_os_str())
                .to_string_lossy()
                .into_owned()
        })
    }
}

/// Everything one `check` run found.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub groups: Vec<Group>,
}

impl Findings {
    /// Workbooks checked.
    pub fn departments(&self) -> usize {
        self.groups.iter().filter(|g| g.checked).count()
    }

    pub fn errors(&self) -> usize {
        self.groups.iter().map(Group::errors).sum()
    }

    pub fn warnings(&self) -> usize {
        self.groups.iter().map(Group::warnings).sum()
    }

    /// Workbooks with at least one error.
    pub fn failed(&self) -> usize {
        self.groups.iter().filter(|g| g.errors() > 0).count()
    }

    /// The closing line: `共检查 3 个部门：通过 2 个，未通过 1 个；错误 2 个，警告 1 个`.
    pub fn summary(&self) -> String {
        let departments = self.departments();
        let failed = self
            .groups
            .iter()
            .filter(|g| g.checked && g.errors() > 0)
            .count();
        format!(
            "共检查 {departments} 个部门：通过 {} 个，未通过 {failed} 个；错误 {} 个，警告 {} 个",
            departments - failed,
            self.errors(),
            self.warnings()
        )
    }

    /// Every finding grouped by department, as printed by `jixiao check`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for g in &self.groups {
            let status = match (g.errors(), g.warnings()) {
                (0, 0) => "通过".to_string(),
                (0, w) => format!("通过（{w} 个警告）"),
                (e, 0) => format!("未通过（{e} 个错误）"),
                (e, w) => format!("未通过（{e} 个错误，{w} 个警告）"),
            };
            let title = match &g.department {
                Some(name) => format!("{name}（{}）", g.file.display()),
                None => g.file.display().to_string(),
            };
            out.push_str(&format!("── {title}：{status}\n"));
            for d in &g.diagnostics {
                out.push_str(&format!("{d}\n"));
            }
        }
        if self.groups.is_empty() {
            out.push_str("没有找到工作簿\n");
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// Every finding as a JSON array of objects with `department`, `file`, `sheet`, `cell`
    /// (A1), `severity` (`error`/`warning`), `rule` and `message`.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Finding<'a> {
            department: Option<&'a str>,
            file: String,
            sheet: Option<&'a str>,
            cell: Option<String>,
            severity: Severity,
            rule: &'a str,
            message: &'a str,
        }
        let findings: Vec<Finding> = self
            .groups
            .iter()
            .flat_map(|g| {
                g.diagnostics.iter().map(|d| Finding {
                    department: g.department.as_deref(),
                    file: d.file.display().to_string(),
                    sheet: d.location.sheet.as_deref(),
                    cell: d.location.cell.map(|c| c.to_string()),
                    severity: d.severity,
                    rule: d.rule.as_str(),
                    message: &d.message,
                })
            })
            .collect();
        serde_json::to_string_pretty(&findings).expect("findings serialise")
    }
}

/// Discovers the workbooks under `paths` and checks each (in parallel; results in file order).
/// Two workbooks of the same department and year are both errors (`duplicate-department`), as
/// in `jixiao build`.
pub fn check_paths(paths: &[PathBuf]) -> Findings {
    let (files, problems) = crate::read::discover(paths);
    let mut groups: Vec<Group> = problems
        .into_iter()
        .map(|d| Group::new(d.file.clone(), None, vec![d], false))
        .collect();
    let checked: Vec<Checked> = files.par_iter().map(|f| check_path(f)).collect();
    let identities = checked.iter().enumerate().filter_map(|(i, c)| {
        let name = identity_name(c.department_name.as_deref()?, c.self_evaluation);
        Some((i, (name, c.department_year?)))
    });
    let mut duplicates = super::duplicates::departments(&files, identities);
    for (i, (file, c)) in files.iter().zip(checked).enumerate() {
        let mut diagnostics = c.diagnostics;
        if let Some(d) = duplicates.remove(&i) {
            diagnostics.insert(0, d);
        }
        groups.push(Group::new(
            file.clone(),
            c.department_name,
            diagnostics,
            true,
        ));
    }
    Findings { groups }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::RuleId;
    use crate::diagnostic::{CellRef, Location};

    #[test]
    fn groups_sort_errors_first_and_count() {
        let file = std::path::Path::new("a.xlsx");
        let at = Location::cell("项目", CellRef::new(1, 3));
        let g = Group::new(
            file.into(),
            Some("部门甲".into()),
            vec![
                Diagnostic::warning(file, at.clone(), RuleId::HiddenSheet, "警告一"),
                Diagnostic::error(file, at.clone(), RuleId::BudgetSum, "错误一"),
                Diagnostic::warning(file, at.clone(), RuleId::NotQuantified, "警告二"),
                Diagnostic::error(file, at, RuleId::NoGoals, "错误二"),
            ],
            true,
        );
        let rules: Vec<&str> = g.diagnostics.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(
            rules,
            ["budget-sum", "no-goals", "hidden-sheet", "not-quantified"]
        );
        let findings = Findings { groups: vec![g] };
        assert_eq!(
            findings.summary(),
            "共检查 1 个部门：通过 0 个，未通过 1 个；错误 2 个，警告 2 个"
        );
        let json: serde_json::Value = serde_json::from_str(&findings.json()).unwrap();
        assert_eq!(json[0]["department"], "部门甲");
        assert_eq!(json[0]["file"], "a.xlsx");
        assert_eq!(json[0]["sheet"], "项目");
        assert_eq!(json[0]["cell"], "D2");
        assert_eq!(json[0]["severity"], "error");
        assert_eq!(json[0]["rule"], "budget-sum");
        assert_eq!(json[0]["message"], "错误一");
        crate::xlsx::findings::workbook(&findings)
            .unwrap()
            .save_to_buffer()
            .unwrap();
    }
}
