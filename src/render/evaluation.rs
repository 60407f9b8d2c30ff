//! The view of a self-evaluation (绩效自评) that its templates see (`evaluation.typ`,
//! `evaluation-table.typ`): every amount, rate, score, total and grade already as printed, so
//! that a template never does arithmetic — the printed scores add up to the printed total
//! because [`crate::evaluation::score`] made them so.

use rust_decimal::Decimal;
use serde::Serialize;

use super::view::{Attachment, DetailCell, detail_rows};
use crate::evaluation::score::{self, Scored, two_decimals as two};
use crate::evaluation::{Amounts, Evaluation, FundRow, FundSource, Outcome};
use crate::model::{Department, Indicator, MoneyUnit};

/// What `evaluation.typ` receives as `doc`.
#[derive(Debug, Serialize)]
pub struct EvaluationView<'a> {
    pub department: &'a Department,
    /// 一、总体绩效目标完成情况: the 总体完成情况 paragraphs, or the 总体绩效目标 when none.
    pub results: &'a [String],
    /// 二、项目自评结果: one row per project.
    pub summary: Vec<SummaryRow<'a>>,
    /// Its 合计 row: the money summed exactly, and the rate of the sums.
    pub summary_total: Option<SummaryTotal>,
    /// 三、部门整体支出绩效自评表, when the workbook has 部门资金执行 or 部门整体指标.
    pub department_table: Option<TableView<'a>>,
    /// 第二部分: one 项目支出绩效自评表 per project.
    pub projects: Vec<TableView<'a>>,
    /// The unit of money printed (万元 or 元).
    pub money_unit: &'static str,
    pub attachment: Option<Attachment>,
}

/// A row of 项目自评结果.
#[derive(Debug, Serialize)]
pub struct SummaryRow<'a> {
    pub number: usize,
    pub name: &'a str,
    pub full_year: String,
    pub executed: String,
    pub rate: String,
    pub total: String,
    pub grade: &'static str,
}

/// The 合计 row of 项目自评结果.
#[derive(Debug, Serialize)]
pub struct SummaryTotal {
    pub full_year: String,
    pub executed: String,
    pub rate: String,
}

/// A 绩效自评表: a project's, or the department's as a whole.
#[derive(Debug, Serialize)]
pub struct TableView<'a> {
    /// 1-based; 0 for the department's.
    pub number: usize,
    /// The 项目名称 or 部门名称.
    pub name: &'a str,
    /// The title printed above it.
    pub title: String,
    /// 主管部门 / 实施单位 … (a project's details, when given).
    pub detail_rows: Vec<Vec<DetailCell<'a>>>,
    /// 年度资金总额, then each source written (当年财政拨款 first, as 其中).
    pub funds: Vec<FundLine>,
    /// 年度总体目标: 预期目标 beside 实际完成情况, each as paragraphs; a project has a row per
    /// 年度 goal, the department one row of its 总体绩效目标 beside its 总体完成情况.
    pub goals: Vec<GoalRow<'a>>,
    /// The 年度 indicators, one row each.
    pub rows: Vec<IndicatorRow<'a>>,
    /// 总分 and 等级, when the table is scored (it has indicators).
    pub total: Option<String>,
    pub grade: Option<&'static str>,
}

/// A row of 年度总体目标.
#[derive(Debug, Serialize)]
pub struct GoalRow<'a> {
    pub expected: Vec<&'a str>,
    pub achieved: Vec<&'a str>,
}

/// One line of 项目资金: a source with its three amounts, its rate, and (年度资金总额 only) the
/// 执行率's 分值 and 得分.
#[derive(Debug, Serialize)]
pub struct FundLine {
    pub label: String,
    pub initial: String,
    pub full_year: String,
    pub executed: String,
    pub rate: String,
    pub points: String,
    pub score: String,
}

/// An indicator's row as printed. `group` and `subgroup` number the runs of equal 一级指标 and
/// of equal 二级指标 within them: the template merges their cells (see `project-table`).
#[derive(Debug, Serialize)]
pub struct IndicatorRow<'a> {
    pub group: usize,
    pub subgroup: usize,
    pub level1: &'a str,
    pub level2: &'a str,
    pub level3: &'a str,
    /// The 年度指标值 scored against (the 调整后指标值 with the original, when adjusted).
    pub target: String,
    pub actual: &'a str,
    pub points: String,
    pub score: String,
    pub deviation: &'a str,
}

/// A rate as printed (`96.00%`); `—` when nothing was budgeted.
fn rate(amounts: &Amounts) -> String {
    score::rate_text(amounts).unwrap_or_else(|| "—".to_string())
}

impl<'a> EvaluationView<'a> {
    pub fn new(department: &'a Department, evaluation: &'a Evaluation) -> Self {
        let unit = department.money_unit;
        let projects: Vec<TableView<'a>> = department
            .projects
            .iter()
            .zip(&evaluation.projects)
            .enumerate()
            .map(|(i, (p, e))| {
                let goals = p
                    .goals
                    .iter()
                    .zip(&e.achieved)
                    .map(|(g, a)| GoalRow {
                        expected: vec![g.as_str()],
                        achieved: vec![a.as_str()],
                    })
                    .collect();
                let mut table = table(
                    unit,
                    &p.indicators,
                    &e.indicators,
                    &e.funds,
                    e.total(),
                    goals,
                );
                table.number = i + 1;
                table.name = &p.name;
                table.title = format!("{}. {}绩效自评表", i + 1, p.name);
                table.detail_rows = detail_rows(&p.details)
                    .into_iter()
                    .filter(|row| {
                        row.iter()
                            .all(|c| matches!(c.label, "主管部门" | "实施单位"))
                    })
                    .collect();
                table
            })
            .collect();
        let summary: Vec<SummaryRow<'a>> = projects
            .iter()
            .zip(&evaluation.projects)
            .map(|(t, e)| {
                let total = e.total();
                SummaryRow {
                    number: t.number,
                    name: t.name,
                    full_year: unit.format(total.full_year),
                    executed: unit.format(total.executed),
                    rate: rate(&total),
                    total: t.total.clone().unwrap_or_else(|| "—".to_string()),
                    grade: t.grade.unwrap_or("—"),
                }
            })
            .collect();
        let sum = evaluation
            .projects
            .iter()
            .fold(Amounts::default(), |s, e| s + e.total());
        let summary_total = (!summary.is_empty()).then(|| SummaryTotal {
            full_year: unit.format(sum.full_year),
            executed: unit.format(sum.executed),
            rate: rate(&sum),
        });
        let department_table = (!evaluation.department_funds.is_empty()
            || !department.department_indicators.is_empty())
        .then(|| {
            let funds = &evaluation.department_funds;
            let total = evaluation.department_total();
            let paragraphs = |p: &'a [String]| p.iter().map(String::as_str).collect();
            let goals = vec![GoalRow {
                expected: paragraphs(&department.overall_goals),
                achieved: paragraphs(&evaluation.results),
            }];
            let mut table = table(
                unit,
                &department.department_indicators,
                &evaluation.department_indicators,
                funds,
                total,
                goals,
            );
            table.name = &department.name;
            table.title = "三、部门整体支出绩效自评表".to_string();
            table
        });
        EvaluationView {
            department,
            results: if evaluation.results.is_empty() {
                &department.overall_goals
            } else {
                &evaluation.results
            },
            summary,
            summary_total,
            department_table,
            projects,
            money_unit: unit.label(),
            attachment: None,
        }
    }

    /// The same view, with the department's data attached.
    pub fn with_attachment(mut self, attachment: Option<Attachment>) -> Self {
        self.attachment = attachment;
        self
    }
}

/// A 绩效自评表 of `indicators` (their 年度 ones) and `funds`, whose 年度资金总额 is `total`.
fn table<'a>(
    unit: MoneyUnit,
    indicators: &'a [Indicator],
    outcomes: &'a [Outcome],
    funds: &[FundRow],
    total: Amounts,
    goals: Vec<GoalRow<'a>>,
) -> TableView<'a> {
    let yearly: Vec<(&'a Indicator, &'a Outcome)> = score::yearly(indicators, outcomes).collect();
    let scored: Scored = score::table(indicators, outcomes, &total);
    let money = |a: Decimal| unit.format(a);
    let mut lines = vec![FundLine {
        label: FundSource::Total.label().to_string(),
        initial: money(total.initial),
        full_year: money(total.full_year),
        executed: money(total.executed),
        rate: rate(&total),
        points: score::EXECUTION_POINTS.to_string(),
        score: two(scored.execution),
    }];
    // The sources, then (部门资金执行) the spending by kind: each breakdown opens with 其中.
    let spending = |f: &&FundRow| matches!(f.source, FundSource::Basic | FundSource::Project);
    let sources = funds
        .iter()
        .filter(|f| f.source != FundSource::Total && !spending(f));
    for breakdown in [
        sources.collect::<Vec<_>>(),
        funds.iter().filter(spending).collect(),
    ] {
        for (k, f) in breakdown.into_iter().enumerate() {
            let prefix = if k == 0 { "其中：" } else { "" };
            lines.push(FundLine {
                label: format!("{prefix}{}", f.source.label()),
                initial: money(f.amounts.initial),
                full_year: money(f.amounts.full_year),
                executed: money(f.amounts.executed),
                rate: rate(&f.amounts),
                points: "—".to_string(),
                score: "—".to_string(),
            });
        }
    }
    let (mut group, mut subgroup) = (0, 0);
    let mut rows: Vec<IndicatorRow<'a>> = Vec::new();
    for ((i, o), s) in yearly.iter().zip(&scored.indicators) {
        if let Some(above) = rows.last() {
            if above.level1 != i.level1 {
                (group, subgroup) = (group + 1, 0);
            } else if above.level2 != i.level2 {
                subgroup += 1;
            }
        }
        rows.push(IndicatorRow {
            group,
            subgroup,
            level1: &i.level1,
            level2: &i.level2,
            level3: &i.level3,
            target: match &o.adjusted_target {
                Some(adjusted) => format!("{}（调整后，原为{}）", adjusted.text, i.value.text),
                None => i.value.text.clone(),
            },
            actual: &o.actual.text,
            points: i.details.weight.unwrap_or_default().normalize().to_string(),
            score: two(*s),
            deviation: &o.deviation,
        });
    }
    let has_indicators = !rows.is_empty();
    TableView {
        number: 0,
        name: "",
        title: String::new(),
        detail_rows: Vec::new(),
        funds: lines,
        goals,
        rows,
        total: has_indicators.then(|| two(scored.total)),
        grade: has_indicators.then(|| scored.grade.label()),
    }
}
