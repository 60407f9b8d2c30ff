//! The rules of a self-evaluation (绩效自评, contract v3): its money adds up and matches the
//! goals' budget, execution is explained, and every score is in range, computable or written,
//! and explained where it falls short. Each rule gives nothing for a goals workbook.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use super::context::Context;
use crate::changes::{self, Node, What};
use crate::contract::{
    self, DEVIATION, EXECUTED, FULL_YEAR_BUDGET, INITIAL_BUDGET, REASON, RuleId, SCORE, WEIGHT,
};
use crate::diagnostic::{Diagnostic, Location};
use crate::evaluation::score::{self, Scoring};
use crate::evaluation::{Amounts, Evaluation, FundRow, FundSource, Outcome, ProjectEvaluation};
use crate::model::{Indicator, Period, Project};
use crate::read::RowOrigin;
use crate::text::fold_name;

/// How to take one column's amount.
type Take = fn(&Amounts) -> Decimal;

/// The money columns, each with how to take its amount.
const COLUMNS: [(&str, Take); 3] = [
    (INITIAL_BUDGET, |a| a.initial),
    (FULL_YEAR_BUDGET, |a| a.full_year),
    (EXECUTED, |a| a.executed),
];

/// A list of scored indicators: a project's or the department's, with their outcomes and rows.
struct Scored<'a> {
    owner: String,
    indicators: &'a [Indicator],
    outcomes: &'a [Outcome],
    origins: &'a [RowOrigin],
}

impl<'a> Scored<'a> {
    /// Each 年度 indicator (the 实施期's are not scored) with its outcome and row.
    fn yearly(&self) -> impl Iterator<Item = (&'a Indicator, &'a Outcome, &'a RowOrigin)> + '_ {
        self.indicators
            .iter()
            .zip(self.outcomes)
            .zip(self.origins)
            .filter(|((i, _), _)| i.period == Period::Year)
            .map(|((i, o), r)| (i, o, r))
    }
}

/// Every scored list: each project's, then the department's own when it has indicators.
fn scored<'a>(cx: &Context<'a>, evaluation: &'a Evaluation) -> Vec<Scored<'a>> {
    let mut lists: Vec<Scored<'a>> = cx
        .department
        .projects
        .iter()
        .zip(&evaluation.projects)
        .zip(&cx.origins.indicators)
        .map(|((p, e), origins)| Scored {
            owner: format!("项目“{}”", p.name),
            indicators: &p.indicators,
            outcomes: &e.indicators,
            origins,
        })
        .collect();
    if !cx.department.department_indicators.is_empty() {
        lists.push(Scored {
            owner: "部门整体".to_string(),
            indicators: &cx.department.department_indicators,
            outcomes: &evaluation.department_indicators,
            origins: &cx.origins.department_indicators,
        });
    }
    lists
}

/// Each project with its evaluation and the rows of its 项目资金执行.
fn project_funds<'a>(
    cx: &Context<'a>,
    evaluation: &'a Evaluation,
) -> impl Iterator<Item = (&'a Project, &'a ProjectEvaluation, &'a [RowOrigin])> {
    cx.department
        .projects
        .iter()
        .zip(&evaluation.projects)
        .zip(&cx.origins.project_funds)
        .map(|((p, e), o)| (p, e, &o[..]))
}

fn amount(a: Decimal) -> String {
    a.normalize().to_string()
}

/// A given 年度资金总额 equals the sum of its sources in each money column; in 部门资金执行,
/// 财政拨款 + 其他资金 and 基本支出 + 项目支出 each equal it.
pub(super) fn fund_source_sum(cx: &Context) -> Vec<Diagnostic> {
    let Some(evaluation) = cx.evaluation else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let mut compare =
        |rows: &[FundRow], origins: &[RowOrigin], owner: &str, parts: &[FundSource], what: &str| {
            let Some(k) = rows.iter().position(|r| r.source == FundSource::Total) else {
                return;
            };
            let sum = rows
                .iter()
                .filter(|r| parts.contains(&r.source))
                .fold(Amounts::default(), |s, r| s + r.amounts);
            for (column, take) in COLUMNS {
                let (total, sum) = (take(&rows[k].amounts), take(&sum));
                if total != sum {
                    findings.push(Diagnostic::error(
                        cx.file,
                        origins[k].cell(column),
                        RuleId::FundSourceSum,
                        format!(
                            "{owner}年度资金总额的{column}为 {} 万元，{what}为 {} 万元，两者应相等",
                            amount(total),
                            amount(sum)
                        ),
                    ));
                }
            }
        };
    let sources = [
        FundSource::Appropriation,
        FundSource::CarriedOver,
        FundSource::Other,
    ];
    for (p, e, origins) in project_funds(cx, evaluation) {
        let owner = format!("项目“{}”", p.name);
        compare(&e.funds, origins, &owner, &sources, "各资金来源之和");
    }
    let rows = &evaluation.department_funds;
    let origins = &cx.origins.department_funds;
    let (fiscal, spending) = (
        [FundSource::Appropriation, FundSource::Other],
        [FundSource::Basic, FundSource::Project],
    );
    if rows.iter().any(|r| fiscal.contains(&r.source)) {
        compare(rows, origins, "部门", &fiscal, "财政拨款与其他资金之和");
    }
    if rows.iter().any(|r| spending.contains(&r.source)) {
        compare(rows, origins, "部门", &spending, "基本支出与项目支出之和");
    }
    findings
}

/// 年初预算数 of 当年财政拨款 and 其他资金 is the money the goals published: the project's
/// 财政资金 and 其他资金.
pub(super) fn initial_budget(cx: &Context) -> Vec<Diagnostic> {
    let Some(evaluation) = cx.evaluation else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (p, e, origins) in project_funds(cx, evaluation) {
        for (row, origin) in e.funds.iter().zip(origins) {
            let (published, column) = match row.source {
                FundSource::Appropriation => (p.fiscal_funds, contract::FISCAL_FUNDS),
                FundSource::Other => (p.other_funds, contract::OTHER_FUNDS),
                _ => continue,
            };
            if row.amounts.initial != published {
                findings.push(Diagnostic::error(
                    cx.file,
                    origin.cell(INITIAL_BUDGET),
                    RuleId::InitialBudget,
                    format!(
                        "项目“{}”{}的年初预算数为 {} 万元，应等于“项目”表的{column} {} 万元（绩效目标公布的预算）",
                        p.name,
                        row.source.label(),
                        amount(row.amounts.initial),
                        amount(published)
                    ),
                ));
            }
        }
    }
    findings
}

/// Execution: more than the budget is suspicious; below 90 % wants a reason.
pub(super) fn execution(cx: &Context) -> Vec<Diagnostic> {
    let Some(evaluation) = cx.evaluation else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let mut lists: Vec<(String, &[FundRow], &[RowOrigin])> = project_funds(cx, evaluation)
        .map(|(p, e, o)| (format!("项目“{}”", p.name), &e.funds[..], o))
        .collect();
    lists.push((
        "部门".to_string(),
        &evaluation.department_funds,
        &cx.origins.department_funds,
    ));
    for (owner, rows, origins) in lists {
        for (row, origin) in rows.iter().zip(origins) {
            if row.amounts.executed > row.amounts.full_year {
                findings.push(Diagnostic::warning(
                    cx.file,
                    origin.cell(EXECUTED),
                    RuleId::OverExecution,
                    format!(
                        "{owner}{}的全年执行数 {} 万元大于全年预算数 {} 万元，请核对",
                        row.source.label(),
                        amount(row.amounts.executed),
                        amount(row.amounts.full_year)
                    ),
                ));
            }
        }
        let Some(first) = origins.first() else {
            continue;
        };
        let (total, at) = match rows.iter().position(|r| r.source == FundSource::Total) {
            Some(k) => (rows[k].amounts, &origins[k]),
            None => {
                let parts = rows
                    .iter()
                    .filter(|r| !matches!(r.source, FundSource::Basic | FundSource::Project));
                (parts.fold(Amounts::default(), |s, r| s + r.amounts), first)
            }
        };
        let explained = rows.iter().any(|r| !r.reason.is_empty());
        if let Some(rate) = score::execution_rate(&total)
            && rate < Decimal::new(9, 1)
            && !explained
        {
            findings.push(Diagnostic::warning(
                cx.file,
                at.cell(REASON),
                RuleId::LowExecution,
                format!(
                    "{owner}的预算执行率为 {}%，低于 90%，请在“原因”栏说明原因",
                    score::printed(rate * Decimal::ONE_HUNDRED)
                ),
            ));
        }
    }
    findings
}

/// 10 + Σ 分值 = 100 for every scored table, and the 一级 split the Ministry suggests.
pub(super) fn weights(cx: &Context) -> Vec<Diagnostic> {
    let Some(evaluation) = cx.evaluation else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for list in scored(cx, evaluation) {
        let mut rows = list.yearly().peekable();
        let Some(&(_, _, first)) = rows.peek() else {
            continue;
        };
        let mut total = Decimal::ZERO;
        let mut split: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (indicator, _, _) in rows {
            let points = indicator.details.weight.unwrap_or_default();
            total += points;
            *split.entry(level1_group(&indicator.level1)).or_default() += points;
        }
        if score::EXECUTION_POINTS + total != Decimal::ONE_HUNDRED {
            findings.push(Diagnostic::error(
                cx.file,
                first.cell(WEIGHT),
                RuleId::ScoreWeights,
                format!(
                    "{}各年度指标的分值合计为 {}，加上预算执行率 10 分为 {}；应为 90，总分 100",
                    list.owner,
                    total.normalize(),
                    (total + score::EXECUTION_POINTS).normalize()
                ),
            ));
            continue;
        }
        let expected = [("产出", 50), ("效益", 30), ("满意度", 10)];
        let matches = split.len() == expected.len()
            && expected
                .iter()
                .all(|(k, v)| split.get(k) == Some(&Decimal::from(*v)));
        if !matches {
            let found: Vec<String> = split
                .iter()
                .map(|(k, v)| format!("{k} {}", v.normalize()))
                .collect();
            findings.push(Diagnostic::warning(
                cx.file,
                first.cell(WEIGHT),
                RuleId::WeightSplit,
                format!(
                    "{}的分值为{}；财政部的自评表通常为产出 50、效益 30、满意度 10",
                    list.owner,
                    found.join("、")
                ),
            ));
        }
    }
    findings
}

/// The group of the Ministry's split an 一级指标 belongs to (效果 counts as 效益).
fn level1_group(level1: &str) -> &str {
    let name = level1.trim_end_matches("指标");
    match name {
        "效果" => "效益",
        other => other,
    }
}

/// Each 年度 indicator's 得分: in range, written where it cannot be computed, near the computed
/// one where it can, explained where it falls short; and 实际完成值 in the target's unit.
pub(super) fn scores(cx: &Context) -> Vec<Diagnostic> {
    let Some(evaluation) = cx.evaluation else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for list in scored(cx, evaluation) {
        let mut computed: Vec<(String, &RowOrigin)> = Vec::new();
        for (indicator, outcome, origin) in list.yearly() {
            let name = &indicator.level3;
            let points = indicator.details.weight.unwrap_or_default();
            let target = score::target(indicator, outcome);
            let unit = |v: &crate::model::IndicatorValue| {
                let unit = if v.unit.is_empty() {
                    &indicator.details.unit
                } else {
                    &v.unit
                };
                fold_name(unit)
            };
            if outcome.actual.number.is_some()
                && !outcome.actual.unit.is_empty()
                && !unit(target).is_empty()
                && unit(&outcome.actual) != unit(target)
            {
                findings.push(Diagnostic::warning(
                    cx.file,
                    origin.cell(contract::ACTUAL),
                    RuleId::ActualUnit,
                    format!(
                        "三级指标“{name}”的实际完成值“{}”的单位与指标值“{}”的不一致，无法按规则计分；请用同一单位",
                        outcome.actual.text, target.text
                    ),
                ));
            }
            let scoring = score::scoring(indicator, outcome);
            let value = match scoring {
                Scoring::Missing => {
                    if !outcome.actual.text.is_empty() {
                        findings.push(Diagnostic::error(
                            cx.file,
                            origin.cell(SCORE),
                            RuleId::ScoreMissing,
                            format!(
                                "三级指标“{name}”的得分为空，而指标值“{}”与实际完成值“{}”无法按规则计算得分（定性指标或单位不同）；请填写 0 到 {} 之间的得分",
                                target.text,
                                outcome.actual.text,
                                points.normalize()
                            ),
                        ));
                    }
                    continue;
                }
                Scoring::Given(given) => {
                    if given.is_sign_negative() && !given.is_zero() || given > points {
                        findings.push(Diagnostic::error(
                            cx.file,
                            origin.cell(SCORE),
                            RuleId::ScoreRange,
                            format!(
                                "三级指标“{name}”的得分为 {}，应在 0 到分值 {} 之间",
                                given.normalize(),
                                points.normalize()
                            ),
                        ));
                        continue;
                    }
                    let blank = Outcome {
                        score: None,
                        ..outcome.clone()
                    };
                    if let Scoring::Computed(computed) = score::scoring(indicator, &blank)
                        && (given - computed).abs() > Decimal::new(5, 1)
                    {
                        findings.push(Diagnostic::warning(
                            cx.file,
                            origin.cell(SCORE),
                            RuleId::ScoreFormula,
                            format!(
                                "三级指标“{name}”填写的得分 {} 与按规则计算的 {} 相差超过 0.5 分（指标值“{}”，实际完成值“{}”，分值 {}）；请核对",
                                given.normalize(),
                                computed,
                                target.text,
                                outcome.actual.text,
                                points.normalize()
                            ),
                        ));
                    }
                    given
                }
                Scoring::Computed(value) => {
                    let shown = score::two_decimals(value);
                    computed.push((format!("“{name}” {shown}"), origin));
                    value
                }
            };
            if value < points && outcome.deviation.is_empty() {
                findings.push(Diagnostic::error(
                    cx.file,
                    origin.cell(DEVIATION),
                    RuleId::DeviationReason,
                    format!(
                        "三级指标“{name}”得分 {} 低于分值 {}，应在“偏差原因分析及改进措施”栏写明原因和改进措施",
                        value.normalize(),
                        points.normalize()
                    ),
                ));
            }
        }
        // Which 得分 the rules computed: the printed form marks none, so the findings say so.
        if let Some((_, first)) = computed.first() {
            let listed: Vec<&str> = computed.iter().map(|(n, _)| n.as_str()).collect();
            findings.push(Diagnostic::note(
                cx.file,
                first.cell(SCORE),
                RuleId::ScoreComputed,
                format!(
                    "{}有 {} 项指标的得分未填写，已按评分规则计算并印出：{}",
                    list.owner,
                    computed.len(),
                    listed.join("、")
                ),
            ));
        }
    }
    findings
}

/// `goal-changed`: where a self-evaluation's goals differ from those the goals text of the same
/// department and year last printed into the output folder (`published`, the tree kept in its
/// store; `now`, the self-evaluation's): an 指标值, an amount, a project or indicator added or
/// removed. An indicator with an 调整后指标值 (its 指标值 cell in `adjusted`) says its target
/// was changed on purpose. The 分值, the 文档标题 and the rest a self-evaluation adds or may
/// word differently are not compared.
pub fn goal_changes(
    file: &Path,
    published: &Node,
    now: &Node,
    adjusted: &[String],
) -> Vec<Diagnostic> {
    let money = [
        contract::BUDGET,
        contract::FISCAL_FUNDS,
        contract::OTHER_FUNDS,
    ];
    changes::compare(published, now)
        .into_iter()
        .filter(|c| match &c.what {
            What::Value { .. } => {
                let last = c.label.rsplit(" › ").next().unwrap_or_default();
                let value = last == contract::VALUE
                    && !c.cell.as_ref().is_some_and(|cell| adjusted.contains(cell));
                value || money.contains(&last)
            }
            What::Added { noun, .. } | What::Removed { noun, .. } => {
                noun == "指标" || noun == "项目"
            }
            _ => false,
        })
        .map(|c| {
            let location = c.cell.as_deref().map_or_else(Location::file, Location::parse);
            Diagnostic::warning(
                file,
                location,
                RuleId::GoalChanged,
                format!(
                    "与本输出文件夹中已生成的绩效目标文本不一致：{c}；绩效自评应对照公开的绩效目标（年中按程序调整的指标值请写在“调整后指标值”列）"
                ),
            )
        })
        .collect()
}
