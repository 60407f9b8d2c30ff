//! Check: characters that no loaded font can draw (缺字). Typst prints such a character as an
//! empty box without a word, so they are found here, before compiling, with their cell.

use std::collections::BTreeSet;
use std::path::Path;

use crate::compile::Fonts;
use crate::contract::{self, RuleId};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::Department;
use crate::read::{Origins, RowOrigin};

/// Every printed text of a department with the cell it came from.
pub fn texts<'a>(department: &'a Department, origins: &'a Origins) -> Vec<(Location, &'a str)> {
    let mut out: Vec<(Location, &'a str)> = Vec::new();
    let at = |rows: &'a [RowOrigin], i: usize, column: &str| {
        rows.get(i).map(|r| r.cell(column)).unwrap_or_default()
    };
    let info = |field: &str| origins.info.get(field).cloned().unwrap_or_default();
    out.push((info("部门名称"), &department.name));
    out.push((info("编制单位"), &department.compiled_by));
    if let Some(reviewed) = &department.reviewed_by {
        out.push((info("审核单位"), reviewed));
    }
    out.push((info("文档标题"), &department.title));
    for (i, text) in department.overall_goals.iter().enumerate() {
        out.push((at(&origins.overall_goals, i, contract::CONTENT), text));
    }
    for (i, goal) in department.sub_goals.iter().enumerate() {
        out.push((at(&origins.sub_goals, i, contract::SUB_GOAL_NAME), &goal.name));
        out.push((at(&origins.sub_goals, i, contract::SUB_GOAL_TARGET), &goal.target));
        out.push((at(&origins.sub_goals, i, contract::SUB_GOAL_INDICATORS), &goal.indicators));
    }
    for (i, text) in department.measures.iter().enumerate() {
        out.push((at(&origins.measures, i, contract::CONTENT), text));
    }
    for (p, project) in department.projects.iter().enumerate() {
        if let Some(code) = &project.code {
            out.push((at(&origins.projects, p, contract::PROJECT_CODE), code));
        }
        out.push((at(&origins.projects, p, contract::PROJECT_NAME), &project.name));
        out.push((at(&origins.projects, p, contract::PURPOSE), &project.purpose));
        let goals = origins.goals.get(p).map_or(&[][..], Vec::as_slice);
        for (i, goal) in project.goals.iter().enumerate() {
            out.push((at(goals, i, contract::GOAL), goal));
        }
        let rows = origins.indicators.get(p).map_or(&[][..], Vec::as_slice);
        for (i, ind) in project.indicators.iter().enumerate() {
            out.push((at(rows, i, contract::LEVEL1), &ind.level1));
            out.push((at(rows, i, contract::LEVEL2), &ind.level2));
            out.push((at(rows, i, contract::LEVEL3), &ind.level3));
            out.push((at(rows, i, contract::DESCRIPTION), &ind.description));
            out.push((at(rows, i, contract::VALUE), &ind.value.text));
            out.push((at(rows, i, contract::BASIS), &ind.basis));
        }
    }
    out
}

/// A finding for every cell with characters no loaded face covers: a warning, or an error when
/// `strict`.
pub fn check(
    file: &Path,
    department: &Department,
    origins: &Origins,
    fonts: &Fonts,
    strict: bool,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (location, text) in texts(department, origins) {
        let missing: BTreeSet<char> = text
            .chars()
            .filter(|c| !c.is_ascii() && !c.is_whitespace() && !c.is_control())
            .filter(|c| !fonts.covers(*c))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let listed: Vec<String> = missing
            .iter()
            .map(|c| format!("“{c}”(U+{:04X})", *c as u32))
            .collect();
        let message = format!(
            "已加载的字体都无法显示字符 {}，PDF 中将显示为空白方框；请改用常用字或安装包含该字的字体（--font-path）",
            listed.join("、")
        );
        findings.push(if strict {
            Diagnostic::error(file, location, RuleId::MissingGlyph, message)
        } else {
            Diagnostic::warning(file, location, RuleId::MissingGlyph, message)
        });
    }
    findings
}
