//! Check: characters that no loaded font can draw (缺字). Typst prints such a character as an
//! empty box without a word, so they are found here, before compiling, with their cell.

use std::collections::BTreeSet;
use std::path::Path;

use crate::contract::{self, RuleId};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::evaluation::Evaluation;
use crate::model::{Department, Indicator};
use crate::read::{Origins, RowOrigin};

/// Every printed text of a department (and of its self-evaluation, when it is one) with the
/// cell it came from.
pub fn texts<'a>(
    department: &'a Department,
    evaluation: Option<&'a Evaluation>,
    origins: &'a Origins,
) -> Vec<(Location, &'a str)> {
    let mut out: Vec<(Location, &'a str)> = Vec::new();
    let at = |rows: &'a [RowOrigin], i: usize, column: &str| {
        rows.get(i).map(|r| r.cell(column)).unwrap_or_default()
    };
    let info = |field: &str| origins.info.get(field).cloned().unwrap_or_default();
    out.push((info(contract::DEPARTMENT_NAME), &department.name));
    out.push((info(contract::COMPILED_BY), &department.compiled_by));
    if let Some(reviewed) = &department.reviewed_by {
        out.push((info(contract::REVIEWED_BY), reviewed));
    }
    out.push((info(contract::TITLE), &department.title));
    for (i, text) in department.overall_goals.iter().enumerate() {
        out.push((at(&origins.overall_goals, i, contract::CONTENT), text));
    }
    for (i, goal) in department.sub_goals.iter().enumerate() {
        out.push((
            at(&origins.sub_goals, i, contract::SUB_GOAL_NAME),
            &goal.name,
        ));
        out.push((
            at(&origins.sub_goals, i, contract::SUB_GOAL_TARGET),
            &goal.target,
        ));
        out.push((
            at(&origins.sub_goals, i, contract::SUB_GOAL_INDICATORS),
            &goal.indicators,
        ));
    }
    for (i, text) in department.measures.iter().enumerate() {
        out.push((at(&origins.measures, i, contract::CONTENT), text));
    }
    for (p, project) in department.projects.iter().enumerate() {
        if let Some(code) = &project.code {
            out.push((at(&origins.projects, p, contract::PROJECT_CODE), code));
        }
        out.push((
            at(&origins.projects, p, contract::PROJECT_NAME),
            &project.name,
        ));
        out.push((
            at(&origins.projects, p, contract::PURPOSE),
            &project.purpose,
        ));
        let goals = origins.goals.get(p).map_or(&[][..], Vec::as_slice);
        for (i, goal) in project.goals.iter().enumerate() {
            out.push((at(goals, i, contract::GOAL), goal));
        }
        let goals = origins.term_goals.get(p).map_or(&[][..], Vec::as_slice);
        for (i, goal) in project.term_goals.iter().enumerate() {
            out.push((at(goals, i, contract::GOAL), goal));
        }
        for (column, text) in contract::project_detail_texts(&project.details) {
            if let Some(text) = text {
                out.push((at(&origins.projects, p, column), text));
            }
        }
        let rows = origins.indicators.get(p).map_or(&[][..], Vec::as_slice);
        indicator_texts(&mut out, &project.indicators, rows);
    }
    for (i, task) in department.tasks.iter().enumerate() {
        out.push((at(&origins.tasks, i, contract::TASK_NAME), &task.name));
        out.push((at(&origins.tasks, i, contract::TASK_CONTENT), &task.content));
    }
    indicator_texts(
        &mut out,
        &department.department_indicators,
        &origins.department_indicators,
    );
    if let Some(e) = evaluation {
        evaluation_texts(&mut out, e, origins);
    }
    out
}

/// What a self-evaluation adds to the print: 总体完成情况, each goal's 实际完成情况, each
/// source's 原因, each indicator's 实际完成值, 偏差原因 and 调整后指标值.
fn evaluation_texts<'a>(
    out: &mut Vec<(Location, &'a str)>,
    evaluation: &'a Evaluation,
    origins: &'a Origins,
) {
    let at = |rows: &'a [RowOrigin], i: usize, column: &str| {
        rows.get(i).map(|r| r.cell(column)).unwrap_or_default()
    };
    let rows = |all: &'a [Vec<RowOrigin>], p: usize| all.get(p).map_or(&[][..], Vec::as_slice);
    for (i, text) in evaluation.results.iter().enumerate() {
        out.push((at(&origins.results, i, contract::CONTENT), text));
    }
    for (p, e) in evaluation.projects.iter().enumerate() {
        for (i, text) in e.achieved.iter().enumerate() {
            out.push((at(rows(&origins.goals, p), i, contract::ACHIEVED), text));
        }
        for (i, fund) in e.funds.iter().enumerate() {
            let row = at(rows(&origins.project_funds, p), i, contract::REASON);
            out.push((row, &fund.reason));
        }
    }
    for (i, fund) in evaluation.department_funds.iter().enumerate() {
        out.push((
            at(&origins.department_funds, i, contract::REASON),
            &fund.reason,
        ));
    }
    for (list, rows) in evaluation.outcome_lists().zip(origins.indicator_rows()) {
        for (i, o) in list.iter().enumerate() {
            out.push((at(rows, i, contract::ACTUAL), &o.actual.text));
            out.push((at(rows, i, contract::DEVIATION), &o.deviation));
            if let Some(adjusted) = &o.adjusted_target {
                out.push((at(rows, i, contract::ADJUSTED_VALUE), &adjusted.text));
            }
        }
    }
}

/// The printed texts of `indicators`, at their cells in `rows`.
fn indicator_texts<'a>(
    out: &mut Vec<(Location, &'a str)>,
    indicators: &'a [Indicator],
    rows: &'a [RowOrigin],
) {
    let at = |i: usize, column: &str| rows.get(i).map(|r| r.cell(column)).unwrap_or_default();
    for (i, ind) in indicators.iter().enumerate() {
        out.push((at(i, contract::LEVEL1), &ind.level1));
        out.push((at(i, contract::LEVEL2), &ind.level2));
        out.push((at(i, contract::LEVEL3), &ind.level3));
        out.push((at(i, contract::DESCRIPTION), &ind.description));
        out.push((at(i, contract::VALUE), &ind.value.text));
        out.push((at(i, contract::BASIS), &ind.basis));
        let d = &ind.details;
        out.push((at(i, contract::INDICATOR_NATURE), &d.nature));
        out.push((at(i, contract::MEASURE_UNIT), &d.unit));
        out.push((at(i, contract::REMARK), &d.remark));
    }
}

/// A finding for every cell with private-use characters (造字), which the PDF standards named in
/// `standards` refuse.
pub fn private_use(
    file: &Path,
    department: &Department,
    evaluation: Option<&Evaluation>,
    origins: &Origins,
    standards: &str,
) -> Vec<Diagnostic> {
    let private =
        |c: char| matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    texts(department, evaluation, origins)
        .into_iter()
        .filter_map(|(location, text)| {
            let found: BTreeSet<char> = text.chars().filter(|&c| private(c)).collect();
            if found.is_empty() {
                return None;
            }
            let listed: Vec<String> = found
                .iter()
                .map(|c| format!("“{c}”(U+{:04X})", *c as u32))
                .collect();
            let message = format!(
                "字符 {} 是私用区字符（造字），所选的 PDF 标准（{standards}）不允许，不生成 PDF；请改用标准汉字或改选其他标准",
                listed.join("、")
            );
            Some(Diagnostic::error(file, location, RuleId::PrivateUse, message))
        })
        .collect()
}

/// A finding for every cell with characters that no loaded face `covers`: a warning (the PDF
/// shows a blank box), or an error when `refused` says why the document must not be made so
/// (`--strict`, or a PDF standard that forbids such text).
pub fn check(
    file: &Path,
    department: &Department,
    evaluation: Option<&Evaluation>,
    origins: &Origins,
    covers: &dyn Fn(char) -> bool,
    refused: Option<&str>,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (location, text) in texts(department, evaluation, origins) {
        let missing: BTreeSet<char> = text
            .chars()
            .filter(|c| !c.is_ascii() && !c.is_whitespace() && !c.is_control())
            .filter(|&c| !covers(c))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let listed: Vec<String> = missing
            .iter()
            .map(|c| format!("“{c}”(U+{:04X})", *c as u32))
            .collect();
        let (severity, consequence) = match refused {
            None => (Severity::Warning, "PDF 中将显示为空白方框".to_string()),
            Some(why) => (Severity::Error, format!("{why}，不生成 PDF")),
        };
        let message = format!(
            "已加载的字体都无法显示字符 {}，{consequence}；请改用常用字或安装包含该字的字体（--font-path）",
            listed.join("、")
        );
        let mut finding = Diagnostic::error(file, location, RuleId::MissingGlyph, message);
        finding.severity = severity;
        findings.push(finding);
    }
    findings
}
