//! Check: characters that no loaded font can draw (缺字). Typst prints such a character as an
//! empty box without a word, so they are found here, before compiling, with their cell.

use std::collections::BTreeSet;
use std::path::Path;

use crate::compile::Fonts;
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
        out.push((at(&origins.overall_goals, i, "内容"), text));
    }
    for (i, goal) in department.sub_goals.iter().enumerate() {
        out.push((at(&origins.sub_goals, i, "名称"), &goal.name));
        out.push((at(&origins.sub_goals, i, "绩效目标"), &goal.target));
        out.push((at(&origins.sub_goals, i, "绩效指标"), &goal.indicators));
    }
    for (i, text) in department.measures.iter().enumerate() {
        out.push((at(&origins.measures, i, "内容"), text));
    }
    for (p, project) in department.projects.iter().enumerate() {
        if let Some(code) = &project.code {
            out.push((at(&origins.projects, p, "项目编码"), code));
        }
        out.push((at(&origins.projects, p, "项目名称"), &project.name));
        out.push((at(&origins.projects, p, "资金用途"), &project.purpose));
        let goals = origins.goals.get(p).map_or(&[][..], Vec::as_slice);
        for (i, goal) in project.goals.iter().enumerate() {
            out.push((at(goals, i, "目标"), goal));
        }
        let rows = origins.indicators.get(p).map_or(&[][..], Vec::as_slice);
        for (i, ind) in project.indicators.iter().enumerate() {
            out.push((at(rows, i, "一级指标"), &ind.level1));
            out.push((at(rows, i, "二级指标"), &ind.level2));
            out.push((at(rows, i, "三级指标"), &ind.level3));
            out.push((at(rows, i, "绩效指标描述"), &ind.description));
            out.push((at(rows, i, "指标值"), &ind.value.text));
            out.push((at(rows, i, "指标值确定依据"), &ind.basis));
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
            Diagnostic::error(file, location, "missing-glyph", message)
        } else {
            Diagnostic::warning(file, location, "missing-glyph", message)
        });
    }
    findings
}
