//! The rules of the workbook contract on one workbook, and the entry points that read and check
//! it (see the module documentation of [`crate::check`]).

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use rust_decimal::Decimal;

use super::context::Context;
use super::evaluation;
use crate::contract::{self, RuleId};
use crate::diagnostic::{Diagnostic, Location, has_errors};
use crate::evaluation::Evaluation;
use crate::model::{Department, Period};
use crate::read::{self, Origins, Reading, Workbook};
use crate::text::{closest, fold_name};

/// What reading and checking one workbook gave.
#[derive(Debug)]
pub struct Checked {
    /// 部门名称, when the workbook states one (even if it has errors).
    pub department_name: Option<String>,
    /// 年度, when the workbook states a valid one (even if it has errors).
    pub department_year: Option<i32>,
    /// Whether the workbook says it is a self-evaluation (even if it has errors).
    pub self_evaluation: bool,
    /// The model, when there is no error.
    pub department: Option<Department>,
    /// Where the model's values came from, with the model.
    pub origins: Option<Origins>,
    /// A self-evaluation's additions, with the model when the workbook is one.
    pub evaluation: Option<Evaluation>,
    /// Every finding: the reader's, then the rules'.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and checks one workbook file. Never panics.
pub fn check_path(path: &Path) -> Checked {
    check_reading(path, read::read(path))
}

/// Checks what the reader gave: runs every rule, drops knock-on findings (see the module
/// documentation), and keeps the model only when there is no error. Never panics: a rule that
/// fails becomes an `internal` error finding.
pub fn check_reading(path: &Path, reading: Reading) -> Checked {
    let mut diagnostics = reading.diagnostics;
    let department_name = reading.department_name;
    let department_year = reading.department_year;
    let self_evaluation = reading.self_evaluation;
    let Some(workbook) = reading.workbook else {
        return Checked {
            department_name,
            department_year,
            self_evaluation,
            department: None,
            origins: None,
            evaluation: None,
            diagnostics,
        };
    };
    match catch_unwind(AssertUnwindSafe(|| check(path, &workbook))) {
        Ok(findings) => {
            let findings = without_knock_on(&diagnostics, findings);
            diagnostics.extend(findings);
        }
        Err(_) => diagnostics.push(Diagnostic::error(
            path,
            Location::file(),
            RuleId::Internal,
            "检查该文件时发生内部错误（请把该文件交给开发人员）",
        )),
    }
    let (department, origins, evaluation) = if has_errors(&diagnostics) {
        (None, None, None)
    } else {
        (
            Some(workbook.department),
            Some(workbook.origins),
            workbook.evaluation,
        )
    };
    Checked {
        department_name,
        department_year,
        self_evaluation,
        department,
        origins,
        evaluation,
        diagnostics,
    }
}

/// `findings` without those in a sheet row where `reader` has an error.
pub fn without_knock_on(reader: &[Diagnostic], findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let rows: HashSet<(&str, u32)> = reader
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| Some((d.location.sheet.as_deref()?, d.location.cell?.row)))
        .collect();
    findings
        .into_iter()
        .filter(|f| match (&f.location.sheet, f.location.cell) {
            (Some(sheet), Some(cell)) => !rows.contains(&(sheet.as_str(), cell.row)),
            _ => true,
        })
        .collect()
}

/// A rule: inspects the department and returns its findings.
pub type Rule = fn(&Context) -> Vec<Diagnostic>;

/// Every rule, in the order their findings are listed.
pub const RULES: &[Rule] = &[
    budget_sum,
    term_funds,
    spending_plan,
    goals_present,
    indicators_present,
    indicators_complete,
    indicator_framework,
    indicator_coverage,
    indicator_quantified,
    indicator_duplicates,
    term_blocks,
    task_sums,
    indicator_weights,
    indicator_units,
    evaluation::fund_source_sum,
    evaluation::initial_budget,
    evaluation::execution,
    evaluation::weights,
    evaluation::scores,
];

/// Runs every rule on a workbook.
pub fn check(file: &Path, workbook: &Workbook) -> Vec<Diagnostic> {
    let context = Context {
        file,
        department: &workbook.department,
        origins: &workbook.origins,
        evaluation: workbook.evaluation.as_ref(),
    };
    RULES.iter().flat_map(|rule| rule(&context)).collect()
}

/// 财政资金 + 其他资金 = 预算数, compared exactly.
fn budget_sum(cx: &Context) -> Vec<Diagnostic> {
    cx.projects()
        .filter(|(_, p)| p.fiscal_funds + p.other_funds != p.budget)
        .map(|(i, p)| {
            cx.error(
                i,
                contract::FISCAL_FUNDS,
                RuleId::BudgetSum,
                format!(
                    "项目“{}”的财政资金 {} 万元加其他资金 {} 万元等于 {} 万元，与预算数 {} 万元不符；应满足 财政资金 + 其他资金 = 预算数",
                    p.name,
                    p.fiscal_funds.normalize(),
                    p.other_funds.normalize(),
                    (p.fiscal_funds + p.other_funds).normalize(),
                    p.budget.normalize()
                ),
            )
        })
        .collect()
}

/// 实施期财政资金 + 实施期其他资金 = 实施期资金总额, compared exactly; a period's total below one
/// year's budget is suspicious.
fn term_funds(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (i, p) in cx.projects() {
        let Some(funds) = p.term_funds else { continue };
        if funds.fiscal + funds.other != funds.total {
            findings.push(cx.error(
                i,
                contract::TERM_FISCAL,
                RuleId::TermSum,
                format!(
                    "项目“{}”的实施期财政资金 {} 万元加实施期其他资金 {} 万元等于 {} 万元，与实施期资金总额 {} 万元不符；应满足 实施期财政资金 + 实施期其他资金 = 实施期资金总额",
                    p.name,
                    funds.fiscal.normalize(),
                    funds.other.normalize(),
                    (funds.fiscal + funds.other).normalize(),
                    funds.total.normalize()
                ),
            ));
        }
        if funds.total < p.budget {
            findings.push(cx.warning(
                i,
                contract::TERM_TOTAL,
                RuleId::TermBelowBudget,
                format!(
                    "项目“{}”的实施期资金总额 {} 万元小于当年预算数 {} 万元；实施期资金应包括当年的资金，请核对",
                    p.name,
                    funds.total.normalize(),
                    p.budget.normalize()
                ),
            ));
        }
    }
    findings
}

/// The spending plan stays within 0–100, never decreases, and should end at 100.
fn spending_plan(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let hundred = Decimal::ONE_HUNDRED;
    for (i, p) in cx.projects() {
        let checkpoints = contract::checkpoints(&p.spending_plan);
        for (name, value) in checkpoints {
            if value < Decimal::ZERO || value > hundred {
                findings.push(cx.error(
                    i,
                    name,
                    RuleId::PlanRange,
                    format!(
                        "项目“{}”的{}支出进度为 {}%，应在 0–100% 之间",
                        p.name,
                        name,
                        value.normalize()
                    ),
                ));
            }
        }
        for pair in checkpoints.windows(2) {
            let ((before, a), (name, b)) = (pair[0], pair[1]);
            if b < a {
                findings.push(cx.error(
                    i,
                    name,
                    RuleId::PlanDecreasing,
                    format!(
                        "项目“{}”的{}累计支出进度 {}% 低于{}的 {}%；累计进度不应下降",
                        p.name,
                        name,
                        b.normalize(),
                        before,
                        a.normalize()
                    ),
                ));
            }
        }
        if p.spending_plan.december != hundred {
            findings.push(cx.warning(
                i,
                contract::DECEMBER,
                RuleId::PlanIncomplete,
                format!(
                    "项目“{}”的12月底累计支出进度为 {}%，通常应为 100%",
                    p.name,
                    p.spending_plan.december.normalize()
                ),
            ));
        }
    }
    findings
}

/// Every project has at least one goal.
fn goals_present(cx: &Context) -> Vec<Diagnostic> {
    cx.projects()
        .filter(|(_, p)| p.goals.is_empty())
        .map(|(i, p)| {
            cx.error(
                i,
                contract::PROJECT_NAME,
                RuleId::NoGoals,
                format!(
                    "项目“{}”在“项目目标”表中没有任何目标；每个项目至少需要一个目标",
                    p.name
                ),
            )
        })
        .collect()
}

/// Every project has at least one indicator.
fn indicators_present(cx: &Context) -> Vec<Diagnostic> {
    cx.projects()
        .filter(|(_, p)| p.indicators.is_empty())
        .map(|(i, p)| {
            cx.error(
                i,
                contract::PROJECT_NAME,
                RuleId::NoIndicators,
                format!(
                    "项目“{}”在“项目指标”表中没有任何绩效指标；每个项目至少需要一个指标",
                    p.name
                ),
            )
        })
        .collect()
}

/// Every indicator has a 三级指标 and a 指标值. (The reader reports blank cells itself; this rule
/// covers models built any other way, and its findings give way to the reader's.)
fn indicators_complete(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for list in cx.indicator_lists() {
        for (k, indicator) in list.indicators.iter().enumerate() {
            let origin = &list.origins[k];
            if indicator.level3.trim().is_empty() {
                findings.push(Diagnostic::error(
                    cx.file,
                    origin.cell(contract::LEVEL3),
                    RuleId::MissingValue,
                    format!(
                        "{}的第{}个绩效指标没有三级指标，应填写指标名称",
                        list.owner,
                        k + 1
                    ),
                ));
            }
            if indicator.value.text.trim().is_empty() {
                findings.push(Diagnostic::error(
                    cx.file,
                    origin.cell(contract::VALUE),
                    RuleId::MissingValue,
                    format!(
                        "{}的三级指标“{}”没有指标值，应填写如“≥95%”“=0次”",
                        list.owner, indicator.level3
                    ),
                ));
            }
        }
    }
    findings
}

/// 一级指标 within the framework (error); 二级指标 belonging to its 一级指标 (warning).
///
/// A run of consecutive indicators of a project with the same value (one written value filled
/// down, or merged cells) is reported once, at the first row of the run.
fn indicator_framework(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for list in cx.indicator_lists() {
        let mut previous: Option<(&str, &str)> = None;
        for (k, indicator) in list.indicators.iter().enumerate() {
            let origin = &list.origins[k];
            let (level1, level2) = (indicator.level1.as_str(), indicator.level2.as_str());
            let same_level1 = previous.is_some_and(|(l1, _)| l1 == level1);
            let same_both = previous == Some((level1, level2));
            previous = Some((level1, level2));
            match contract::level2_of(level1) {
                None if same_level1 => {}
                None => {
                    let hint = suggest(level1, contract::FRAMEWORK.iter().map(|(n, _)| *n))
                        .map(|c| format!("，是否应为“{c}”？"))
                        .unwrap_or_else(|| "。".to_string());
                    let allowed: Vec<&str> = contract::FRAMEWORK.iter().map(|(n, _)| *n).collect();
                    findings.push(Diagnostic::error(
                        cx.file,
                        origin.cell(contract::LEVEL1),
                        RuleId::Level1Unknown,
                        format!(
                            "一级指标“{level1}”不在指标体系中（可用：{}）{hint}",
                            allowed.join("、")
                        ),
                    ));
                }
                Some(allowed) if !same_both && !allowed.contains(&fold_name(level2).as_str()) => {
                    let hint = suggest(&fold_name(level2), allowed.iter().copied())
                        .map(|c| format!("，是否应为“{c}”？"))
                        .unwrap_or_default();
                    findings.push(Diagnostic::warning(
                        cx.file,
                        origin.cell(contract::LEVEL2),
                        RuleId::Level2Mismatch,
                        format!(
                            "二级指标“{level2}”不属于一级指标“{level1}”（应为：{}）{hint}",
                            allowed.join("、")
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    findings
}

/// The closest of `candidates`, for names of reasonable length (edit distance is quadratic).
fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    (wanted.chars().count() <= 50)
        .then(|| closest(wanted, candidates))
        .flatten()
}

/// A project should have 产出指标 and 满意度指标.
fn indicator_coverage(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (i, p) in cx.projects().filter(|(_, p)| !p.indicators.is_empty()) {
        for (wanted, rule) in [
            ("产出指标", RuleId::NoOutputIndicator),
            ("满意度指标", RuleId::NoSatisfactionIndicator),
        ] {
            if !p
                .indicators
                .iter()
                .any(|ind| fold_name(&ind.level1) == wanted)
            {
                findings.push(cx.warning(
                    i,
                    contract::PROJECT_NAME,
                    rule,
                    format!("项目“{}”没有{wanted}", p.name),
                ));
            }
        }
    }
    findings
}

/// A 指标值 should state a number.
fn indicator_quantified(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for list in cx.indicator_lists() {
        for (k, indicator) in list.indicators.iter().enumerate() {
            if !indicator.value.is_quantified() && !indicator.value.text.is_empty() {
                findings.push(Diagnostic::warning(
                    cx.file,
                    list.origins[k].cell(contract::VALUE),
                    RuleId::NotQuantified,
                    format!(
                        "三级指标“{}”的指标值“{}”中没有数字，未量化；宜写成如“≥95%”“=0次”",
                        indicator.level3, indicator.value.text
                    ),
                ));
            }
        }
    }
    findings
}

/// The same 三级指标 should not appear twice in one project (in one period).
fn indicator_duplicates(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for list in cx.indicator_lists() {
        // The same 三级指标 may appear once for the 实施期 and once for the year.
        let mut seen: HashMap<(Period, String), usize> = HashMap::new();
        for (k, indicator) in list.indicators.iter().enumerate() {
            let name = fold_name(&indicator.level3);
            if name.is_empty() {
                continue;
            }
            let key = (indicator.period, name);
            if let Some(&first) = seen.get(&key) {
                let first_cell = list.origins[first].cell(contract::LEVEL3);
                findings.push(Diagnostic::warning(
                    cx.file,
                    list.origins[k].cell(contract::LEVEL3),
                    RuleId::DuplicateIndicator,
                    format!(
                        "{}中三级指标“{}”重复出现（首次在 {}）",
                        list.owner,
                        indicator.level3,
                        first_cell.cell.map(|c| c.to_string()).unwrap_or_default()
                    ),
                ));
            } else {
                seen.insert(key, k);
            }
        }
    }
    findings
}

/// A project with 实施期 goals has 实施期 indicators, and the other way round.
fn term_blocks(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (i, p) in cx.projects() {
        let term_indicators = p.indicators.iter().any(|ind| ind.period == Period::Term);
        let message = match (p.term_goals.is_empty(), term_indicators) {
            (false, false) => "有实施期目标，但“项目指标”表中没有实施期指标",
            (true, true) => "有实施期指标，但“项目目标”表中没有实施期目标",
            _ => continue,
        };
        findings.push(cx.error(
            i,
            contract::PROJECT_NAME,
            RuleId::TermIncomplete,
            format!(
                "项目“{}”{message}；实施期部分应至少有一个目标和一个指标（“期间”填“实施期”）",
                p.name
            ),
        ));
    }
    findings
}

/// Per 年度主要任务 with money: 财政资金 + 其他资金 = 预算数, compared exactly.
fn task_sums(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (task, origin) in cx.department.tasks.iter().zip(&cx.origins.tasks) {
        let Some(f) = task.funds else { continue };
        if f.fiscal + f.other != f.total {
            findings.push(Diagnostic::error(
                cx.file,
                origin.cell(contract::FISCAL_FUNDS),
                RuleId::TaskSum,
                format!(
                    "年度主要任务“{}”的财政资金 {} 万元加其他资金 {} 万元等于 {} 万元，与预算数 {} 万元不符；应满足 财政资金 + 其他资金 = 预算数",
                    task.name,
                    f.fiscal.normalize(),
                    f.other.normalize(),
                    (f.fiscal + f.other).normalize(),
                    f.total.normalize()
                ),
            ));
        }
    }
    findings
}

/// 权重 lies within 0–100 (error); a project's 权重, when any is given, add up to 100 in each
/// period (warning; not in a self-evaluation, whose 分值 add up to 90): the 实施期 and the 年度
/// indicators are scored separately.
fn indicator_weights(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for list in cx.indicator_lists() {
        let two_periods = list.indicators.iter().any(|i| i.period == Period::Term);
        for period in [Period::Term, Period::Year] {
            let mut total = Decimal::ZERO;
            let mut first = None;
            for (k, indicator) in list.indicators.iter().enumerate() {
                if indicator.period != period {
                    continue;
                }
                let Some(weight) = indicator.details.weight else {
                    continue;
                };
                first.get_or_insert(k);
                total += weight;
                if weight > Decimal::ONE_HUNDRED {
                    findings.push(Diagnostic::error(
                        cx.file,
                        list.origins[k].cell(contract::WEIGHT),
                        RuleId::WeightRange,
                        format!(
                            "三级指标“{}”的权重为 {}，应在 0–100 之间",
                            indicator.level3,
                            weight.normalize()
                        ),
                    ));
                }
            }
            // A self-evaluation's 分值 add up to 90 (its own rule, score-weights).
            if let Some(k) = first
                && total != Decimal::ONE_HUNDRED
                && cx.evaluation.is_none()
            {
                findings.push(Diagnostic::warning(
                    cx.file,
                    list.origins[k].cell(contract::WEIGHT),
                    RuleId::WeightSum,
                    format!(
                        "{}{}指标的权重合计为 {}，通常应为 100",
                        list.owner,
                        if two_periods { period.label() } else { "" },
                        total.normalize()
                    ),
                ));
            }
        }
    }
    findings
}

/// A 度量单位 agrees with the unit written in the 指标值, when both are given.
fn indicator_units(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for list in cx.indicator_lists() {
        for (k, indicator) in list.indicators.iter().enumerate() {
            let stated = fold_name(&indicator.details.unit);
            let written = fold_name(&indicator.value.unit);
            if stated.is_empty() || written.is_empty() || stated == written {
                continue;
            }
            findings.push(Diagnostic::warning(
                cx.file,
                list.origins[k].cell(contract::MEASURE_UNIT),
                RuleId::UnitMismatch,
                format!(
                    "三级指标“{}”的度量单位“{}”与指标值“{}”中的单位“{}”不一致",
                    indicator.level3,
                    indicator.details.unit,
                    indicator.value.text,
                    indicator.value.unit
                ),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use rust_decimal_macros::dec;

    use super::*;
    use crate::diagnostic::{CellRef, Severity};
    use crate::model::{Comparator, Indicator, IndicatorValue};
    use crate::read::RowOrigin;
    use crate::reference;

    fn columns(names: &[&str]) -> Arc<BTreeMap<String, u32>> {
        Arc::new(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), i as u32))
                .collect(),
        )
    }

    /// `department` as if read from a workbook laid out like the contract's: 项目 row 2 onwards,
    /// 项目指标 rows in project order from row 2.
    fn workbook(department: Department) -> Workbook {
        let project_columns = columns(&contract::v1_columns(contract::PROJECTS));
        let indicator_columns = columns(&contract::v1_columns(contract::INDICATORS));
        let mut origins = Origins::default();
        let mut row = 1;
        for (i, p) in department.projects.iter().enumerate() {
            origins.projects.push(RowOrigin {
                sheet: "项目".into(),
                row: i as u32 + 1,
                columns: project_columns.clone(),
            });
            origins.goals.push(Vec::new());
            origins.indicators.push(
                p.indicators
                    .iter()
                    .map(|_| {
                        row += 1;
                        RowOrigin {
                            sheet: "项目指标".into(),
                            row: row - 1,
                            columns: indicator_columns.clone(),
                        }
                    })
                    .collect(),
            );
        }
        Workbook {
            department,
            origins,
            evaluation: None,
        }
    }

    /// `sheet!cell severity rule` of every finding.
    fn run(department: Department) -> Vec<String> {
        check(Path::new("x.xlsx"), &workbook(department))
            .iter()
            .map(|d| {
                format!(
                    "{}!{} {} {}",
                    d.location.sheet.as_deref().unwrap_or("-"),
                    d.location.cell.map(|c| c.to_string()).unwrap_or_default(),
                    d.severity.label(),
                    d.rule
                )
            })
            .collect()
    }

    fn reference() -> Department {
        reference::department()
    }

    fn indicator(level1: &str, level2: &str, level3: &str, value: &str) -> Indicator {
        Indicator {
            level1: level1.into(),
            level2: level2.into(),
            level3: level3.into(),
            description: String::new(),
            value: IndicatorValue::parse(value),
            basis: String::new(),
            period: Default::default(),
            details: Default::default(),
        }
    }

    /// Replaces the indicators of the first project.
    fn with_indicators(indicators: Vec<Indicator>) -> Department {
        let mut d = reference();
        d.projects[0].indicators = indicators;
        d
    }

    #[test]
    fn reference_is_clean() {
        assert_eq!(run(reference()), Vec::<String>::new());
    }

    #[test]
    fn budget_sum() {
        let mut d = reference();
        d.projects[1].fiscal_funds = dec!(54.4);
        assert_eq!(run(d.clone()), ["项目!D3 错误 budget-sum"]);
        // Exact decimals: 54.4 + 0.1 = 54.5.
        d.projects[1].other_funds = dec!(0.1);
        assert_eq!(run(d), Vec::<String>::new());
    }

    #[test]
    fn plan_range_decreasing_and_incomplete() {
        let mut d = reference();
        d.projects[0].spending_plan.june = dec!(120);
        assert_eq!(
            run(d),
            ["项目!H2 错误 plan-range", "项目!I2 错误 plan-decreasing",]
        );
        let mut d = reference();
        d.projects[0].spending_plan.october = dec!(10);
        d.projects[0].spending_plan.december = dec!(90);
        assert_eq!(
            run(d),
            [
                "项目!I2 错误 plan-decreasing",
                "项目!J2 警告 plan-incomplete",
            ]
        );
    }

    #[test]
    fn goals_and_indicators_present() {
        let mut d = reference();
        d.projects[1].goals.clear();
        d.projects[1].indicators.clear();
        assert_eq!(
            run(d),
            ["项目!B3 错误 no-goals", "项目!B3 错误 no-indicators"]
        );
    }

    #[test]
    fn indicator_without_level3_or_value() {
        let d = with_indicators(vec![
            indicator("产出指标", "数量指标", "", "≥1次"),
            indicator("满意度指标", "服务对象满意度指标", "满意率", ""),
        ]);
        assert_eq!(
            run(d),
            [
                "项目指标!D2 错误 missing-value",
                "项目指标!F3 错误 missing-value"
            ]
        );
    }

    #[test]
    fn level1_unknown_once_per_run_with_suggestion() {
        let d = with_indicators(vec![
            indicator("产出指标", "数量指标", "a", "1次"),
            indicator("产出指表", "质量指标", "b", "95%"),
            indicator("产出指表", "时效指标", "c", "5天"),
            indicator("满意度指标", "服务对象满意度指标", "d", "≥90%"),
        ]);
        let findings = check(Path::new("x.xlsx"), &workbook(d.clone()));
        assert_eq!(run(d), ["项目指标!B3 错误 level1-unknown"]);
        assert!(findings[0].message.contains("是否应为“产出指标”"));
    }

    #[test]
    fn level2_mismatch_in_both_frameworks() {
        let d = with_indicators(vec![
            indicator("产出指标", "数量指标", "a", "1次"),
            indicator("产出指标", "社会效益指标", "b", "95%"),
            indicator("效益指标", "社会效益指标", "c", "95%"),
            indicator("效果指标", "可持续影响", "d", "95%"),
            indicator("成本指标", "经济成本指标", "e", "≤10万元"),
            indicator("满意度指标", "满意度", "f", "≥90%"),
        ]);
        assert_eq!(
            run(d),
            [
                "项目指标!C3 警告 level2-mismatch",
                "项目指标!C7 警告 level2-mismatch",
            ]
        );
    }

    #[test]
    fn coverage_of_output_and_satisfaction() {
        let d = with_indicators(vec![indicator("效益指标", "社会效益指标", "a", "≥1项")]);
        assert_eq!(
            run(d),
            [
                "项目!B2 警告 no-output-indicator",
                "项目!B2 警告 no-satisfaction-indicator",
            ]
        );
    }

    #[test]
    fn not_quantified() {
        let d = with_indicators(vec![
            indicator("产出指标", "数量指标", "a", "明显提升"),
            indicator("产出指标", "质量指标", "b", "不低于95%"),
            indicator("满意度指标", "服务对象满意度指标", "c", "95%以上"),
        ]);
        assert_eq!(run(d), ["项目指标!F2 警告 not-quantified"]);
    }

    #[test]
    fn duplicate_indicator() {
        let d = with_indicators(vec![
            indicator("产出指标", "数量指标", "评估数量", "1次"),
            indicator("产出指标", "数量指标", "评估 数量", "2次"),
            indicator("满意度指标", "服务对象满意度指标", "满意率", "≥90%"),
        ]);
        assert_eq!(run(d), ["项目指标!D3 警告 duplicate-indicator"]);
    }

    #[test]
    fn every_rule_is_run_and_error_severities_are_right() {
        let mut d = reference();
        d.projects[0].fiscal_funds = dec!(1);
        d.projects[0].indicators[0].level1 = "x".into();
        let findings = check(Path::new("x.xlsx"), &workbook(d));
        let severity = |rule: RuleId| findings.iter().find(|f| f.rule == rule).unwrap().severity;
        assert_eq!(severity(RuleId::BudgetSum), Severity::Error);
        assert_eq!(severity(RuleId::Level1Unknown), Severity::Error);
        assert!(findings.iter().all(|f| f.file == Path::new("x.xlsx")));
    }

    #[test]
    fn knock_on_findings_are_dropped() {
        let at = |sheet: &str, row, col| Location::cell(sheet, CellRef::new(row, col));
        let file = Path::new("x.xlsx");
        let reader = vec![
            Diagnostic::error(file, at("项目", 1, 2), RuleId::NotANumber, "m"),
            Diagnostic::warning(file, at("项目", 2, 2), RuleId::UnknownField, "m"),
        ];
        let findings = vec![
            Diagnostic::error(file, at("项目", 1, 3), RuleId::BudgetSum, "m"),
            Diagnostic::error(file, at("项目", 2, 3), RuleId::BudgetSum, "m"),
            Diagnostic::error(file, at("项目指标", 1, 3), RuleId::Level1Unknown, "m"),
            Diagnostic::error(file, Location::file(), RuleId::Internal, "m"),
        ];
        let kept: Vec<_> = without_knock_on(&reader, findings)
            .iter()
            .map(|d| d.location.clone())
            .collect();
        assert_eq!(
            kept,
            [at("项目", 2, 3), at("项目指标", 1, 3), Location::file()]
        );
    }

    #[test]
    fn indicator_values_in_every_spelling() {
        use Comparator::*;
        let cases: &[(&str, Option<Comparator>, Option<Decimal>, &str)] = &[
            (">=95%", Some(AtLeast), Some(dec!(95)), "%"),
            ("＞＝９５％", Some(AtLeast), Some(dec!(95)), "%"),
            ("≥95%", Some(AtLeast), Some(dec!(95)), "%"),
            ("≧95%", Some(AtLeast), Some(dec!(95)), "%"),
            ("=>1次", Some(AtLeast), Some(dec!(1)), "次"),
            ("<=5天", Some(AtMost), Some(dec!(5)), "天"),
            ("＜＝5天", Some(AtMost), Some(dec!(5)), "天"),
            ("≤ 5 天", Some(AtMost), Some(dec!(5)), "天"),
            ("≦30分钟", Some(AtMost), Some(dec!(30)), "分钟"),
            (">0个", Some(Greater), Some(dec!(0)), "个"),
            ("＞3项", Some(Greater), Some(dec!(3)), "项"),
            ("<2小时", Some(Less), Some(dec!(2)), "小时"),
            ("＜1%", Some(Less), Some(dec!(1)), "%"),
            ("=0次", Some(Equal), Some(dec!(0)), "次"),
            ("＝100%", Some(Equal), Some(dec!(100)), "%"),
            ("==1", Some(Equal), Some(dec!(1)), ""),
            ("100%", None, Some(dec!(100)), "%"),
            ("54.5万元", None, Some(dec!(54.5)), "万元"),
            ("1,200万元", None, Some(dec!(1200)), "万元"),
            ("不低于95%", Some(AtLeast), Some(dec!(95)), "%"),
            ("不少于10个", Some(AtLeast), Some(dec!(10)), "个"),
            ("大于等于90%", Some(AtLeast), Some(dec!(90)), "%"),
            ("不高于5万元", Some(AtMost), Some(dec!(5)), "万元"),
            ("不超过3天", Some(AtMost), Some(dec!(3)), "天"),
            ("小于2次", Some(Less), Some(dec!(2)), "次"),
            ("95%以上", Some(AtLeast), Some(dec!(95)), "%"),
            ("5天以内", Some(AtMost), Some(dec!(5)), "天"),
            ("明显提升", None, None, ""),
            ("", None, None, ""),
        ];
        for &(raw, comparator, number, unit) in cases {
            let v = IndicatorValue::parse(raw);
            assert_eq!(
                (v.comparator, v.number, v.unit.as_str()),
                (comparator, number, unit),
                "{raw}"
            );
        }
        // Symbols print as their mathematical sign; words are printed as written.
        assert_eq!(IndicatorValue::parse("＞＝９５％").text, "≥９５％");
        assert_eq!(IndicatorValue::parse("不低于95%").text, "不低于95%");
        assert_eq!(IndicatorValue::parse("95%以上").text, "95%以上");
    }
}
