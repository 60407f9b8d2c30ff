//! Check: the rules of the workbook contract, run on the model with the cells it came from.
//!
//! A rule is a function from [`Context`] to findings; adding a rule is adding a function to
//! [`RULES`]. Problems the reader meets while reading (missing sheets, numbers that are not
//! numbers, unknown project names) are reported by the reader itself.

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;

use crate::diagnostic::Diagnostic;
use crate::model::{Department, Project};
use crate::read::{Origins, Workbook};
use crate::text::{closest, fold_name};

/// What a rule looks at.
pub struct Context<'a> {
    pub file: &'a Path,
    pub department: &'a Department,
    pub origins: &'a Origins,
}

impl<'a> Context<'a> {
    /// Each project with its index.
    fn projects(&self) -> impl Iterator<Item = (usize, &'a Project)> {
        self.department.projects.iter().enumerate()
    }

    fn error(
        &self,
        project: usize,
        column: &str,
        rule: &'static str,
        message: String,
    ) -> Diagnostic {
        Diagnostic::error(
            self.file,
            self.origins.projects[project].cell(column),
            rule,
            message,
        )
    }

    fn warning(
        &self,
        project: usize,
        column: &str,
        rule: &'static str,
        message: String,
    ) -> Diagnostic {
        Diagnostic::warning(
            self.file,
            self.origins.projects[project].cell(column),
            rule,
            message,
        )
    }
}

/// A rule: inspects the department and returns its findings.
pub type Rule = fn(&Context) -> Vec<Diagnostic>;

/// Every rule, in the order their findings are listed.
pub const RULES: &[Rule] = &[
    budget_sum,
    spending_plan,
    goals_present,
    indicators_present,
    indicator_framework,
    indicator_coverage,
    indicator_quantified,
    indicator_duplicates,
];

/// Runs every rule on a workbook.
pub fn check(file: &Path, workbook: &Workbook) -> Vec<Diagnostic> {
    let context = Context {
        file,
        department: &workbook.department,
        origins: &workbook.origins,
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
                "财政资金",
                "budget-sum",
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

/// The spending plan stays within 0–100, never decreases, and should end at 100.
fn spending_plan(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let hundred = Decimal::ONE_HUNDRED;
    for (i, p) in cx.projects() {
        let checkpoints = p.spending_plan.checkpoints();
        for (name, value) in checkpoints {
            if value < Decimal::ZERO || value > hundred {
                findings.push(cx.error(
                    i,
                    name,
                    "plan-range",
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
                    "plan-decreasing",
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
                "12月底",
                "plan-incomplete",
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
                "项目名称",
                "no-goals",
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
                "项目名称",
                "no-indicators",
                format!(
                    "项目“{}”在“项目指标”表中没有任何绩效指标；每个项目至少需要一个指标",
                    p.name
                ),
            )
        })
        .collect()
}

/// The indicator framework: 一级指标 → its 二级指标 (both frameworks in use).
pub const FRAMEWORK: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    ("效果指标", BENEFITS),
    ("效益指标", BENEFITS),
    ("满意度指标", &["服务对象满意度指标"]),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
];

const BENEFITS: &[&str] = &[
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "可持续性影响",
    "可持续影响",
    "可持续性影响指标",
];

fn framework_level2(level1: &str) -> Option<&'static [&'static str]> {
    let level1 = fold_name(level1);
    FRAMEWORK
        .iter()
        .find(|(name, _)| *name == level1)
        .map(|(_, level2)| *level2)
}

/// 一级指标 within the framework (error); 二级指标 belonging to its 一级指标 (warning).
fn indicator_framework(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (i, p) in cx.projects() {
        for (k, indicator) in p.indicators.iter().enumerate() {
            let origin = &cx.origins.indicators[i][k];
            match framework_level2(&indicator.level1) {
                None => {
                    let hint = closest(&indicator.level1, FRAMEWORK.iter().map(|(n, _)| *n))
                        .map(|c| format!("，是否应为“{c}”？"))
                        .unwrap_or_else(|| "。".to_string());
                    let allowed: Vec<&str> = FRAMEWORK.iter().map(|(n, _)| *n).collect();
                    findings.push(Diagnostic::error(
                        cx.file,
                        origin.cell("一级指标"),
                        "level1-unknown",
                        format!(
                            "一级指标“{}”不在指标体系中（可用：{}）{hint}",
                            indicator.level1,
                            allowed.join("、")
                        ),
                    ));
                }
                Some(level2) if !level2.contains(&fold_name(&indicator.level2).as_str()) => {
                    findings.push(Diagnostic::warning(
                        cx.file,
                        origin.cell("二级指标"),
                        "level2-mismatch",
                        format!(
                            "二级指标“{}”不属于一级指标“{}”（应为：{}）",
                            indicator.level2,
                            indicator.level1,
                            level2.join("、")
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    findings
}

/// A project should have 产出指标 and 满意度指标.
fn indicator_coverage(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (i, p) in cx.projects().filter(|(_, p)| !p.indicators.is_empty()) {
        for (wanted, rule) in [
            ("产出指标", "no-output-indicator"),
            ("满意度指标", "no-satisfaction-indicator"),
        ] {
            if !p
                .indicators
                .iter()
                .any(|ind| fold_name(&ind.level1) == wanted)
            {
                findings.push(cx.warning(
                    i,
                    "项目名称",
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
    for (i, p) in cx.projects() {
        for (k, indicator) in p.indicators.iter().enumerate() {
            if !indicator.value.is_quantified() && !indicator.value.text.is_empty() {
                findings.push(Diagnostic::warning(
                    cx.file,
                    cx.origins.indicators[i][k].cell("指标值"),
                    "not-quantified",
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

/// The same 三级指标 should not appear twice in one project.
fn indicator_duplicates(cx: &Context) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (i, p) in cx.projects() {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (k, indicator) in p.indicators.iter().enumerate() {
            let key = fold_name(&indicator.level3);
            if key.is_empty() {
                continue;
            }
            if let Some(&first) = seen.get(&key) {
                let first_cell = cx.origins.indicators[i][first].cell("三级指标");
                findings.push(Diagnostic::warning(
                    cx.file,
                    cx.origins.indicators[i][k].cell("三级指标"),
                    "duplicate-indicator",
                    format!(
                        "项目“{}”中三级指标“{}”重复出现（首次在 {}）",
                        p.name,
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
