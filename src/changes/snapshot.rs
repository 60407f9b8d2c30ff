//! A department's printed data as a tree of named values, each with the cell it came from: what
//! a build keeps of a department (see [`crate::output::store`]) to compare the next build with.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::contract;
use crate::diagnostic::Location;
use crate::evaluation::{Evaluation, FundRow, Outcome};
use crate::model::{Department, Funds, Indicator, MoneyUnit, Period, Project};
use crate::read::{Origins, RowOrigin};

/// One node of the tree: a section, a record (a project, an indicator), a list of paragraphs,
/// or a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Identity among its siblings: a column or field name, a project's name, an indicator's
    /// 一级/二级/三级指标.
    pub key: String,
    /// How a change line names it (`委托评估费`, `指标值`, `第2段`); empty for a node the sheet
    /// in the cell address already names.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Where it was read: `项目指标!F3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    #[serde(default)]
    pub kind: Kind,
    /// A value as compared: money in 万元 without spurious digits, text as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A value as shown when it differs from [`Node::value`] (money with its unit); for a record,
    /// what a line about it being added shows (a project's 预算数, an indicator's 指标值).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
    /// What one child of a list is called (`项目`, `指标`, `段`, `目标`), for added and removed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub noun: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

/// How a node is compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A short value: `old → new`.
    #[default]
    Value,
    /// A long text (资金用途, a goal): the changed words with a little context.
    Text,
    /// Fixed parts, matched by key.
    Section,
    /// Records matched by key (projects by 项目名称): added, removed, changed, reordered.
    Records,
    /// Paragraphs in order, compared as a sequence (总体绩效目标, a project's goals).
    Paragraphs,
}

impl Node {
    fn section(key: &str, label: &str, children: Vec<Node>) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            kind: Kind::Section,
            children,
            ..Self::default()
        }
    }

    fn value(key: &str, cell: Option<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            label: key.into(),
            cell,
            value: Some(value.into()),
            ..Self::default()
        }
    }

    fn text(key: &str, cell: Option<String>, value: &str) -> Self {
        Self {
            kind: Kind::Text,
            ..Self::value(key, cell, value)
        }
    }

    /// A value shown otherwise than compared.
    fn shown(key: &str, cell: Option<String>, value: String, shown: String) -> Self {
        Self {
            shown: (shown != value).then_some(shown),
            ..Self::value(key, cell, value)
        }
    }

    /// The value as a change line shows it.
    pub fn display(&self) -> &str {
        self.shown
            .as_deref()
            .or(self.value.as_deref())
            .unwrap_or("")
    }
}

/// `项目指标!F3`.
pub fn address(location: &Location) -> Option<String> {
    match (&location.sheet, location.cell) {
        (Some(sheet), Some(cell)) => Some(format!("{sheet}!{cell}")),
        (Some(sheet), None) => Some(sheet.clone()),
        _ => None,
    }
}

fn at(rows: &[RowOrigin], i: usize, column: &str) -> Option<String> {
    rows.get(i).and_then(|r| address(&r.cell(column)))
}

/// The tree of `department`'s printed data, with the cells of `origins`.
pub fn snapshot(department: &Department, origins: &Origins) -> Node {
    let mut root = vec![
        Node::section(contract::INFO, "", info(department, origins)),
        paragraphs(
            contract::OVERALL,
            "",
            "段",
            &department.overall_goals,
            &origins.overall_goals,
            contract::CONTENT,
        ),
        records(
            contract::SUB_GOALS,
            "",
            "分项绩效目标",
            sub_goals(department, origins),
        ),
        paragraphs(
            contract::MEASURES,
            "",
            "段",
            &department.measures,
            &origins.measures,
            contract::CONTENT,
        ),
        records(
            contract::PROJECTS,
            "",
            "项目",
            projects(department, origins),
        ),
    ];
    if department.has_department_table() {
        root.push(records(
            contract::TASKS,
            "",
            "任务",
            tasks(department, origins),
        ));
        let mut own = indicators(
            &department.department_indicators,
            &origins.department_indicators,
        );
        own.key = contract::DEPARTMENT_INDICATORS.into();
        root.push(own);
    }
    Node::section("", "", root)
}

/// The tree of a self-evaluation: its department's ([`snapshot`]), with 总体完成情况, each
/// project's money by source and the 实际完成情况 of its goals, and beside each indicator what
/// became of it; so that a correction of what happened is a change like any other.
pub fn evaluation_snapshot(
    department: &Department,
    evaluation: &Evaluation,
    origins: &Origins,
) -> Node {
    let mut root = snapshot(department, origins);
    let unit = department.money_unit;
    root.children.push(paragraphs(
        contract::RESULTS,
        "",
        "段",
        &evaluation.results,
        &origins.results,
        contract::CONTENT,
    ));
    if let Some(projects) = root
        .children
        .iter_mut()
        .find(|n| n.key == contract::PROJECTS)
    {
        for (p, node) in projects.children.iter_mut().enumerate() {
            let (Some(e), Some(project)) = (evaluation.projects.get(p), department.projects.get(p))
            else {
                continue;
            };
            let rows = origins.project_funds.get(p).map_or(&[][..], Vec::as_slice);
            node.children.push(funds(unit, &e.funds, rows));
            let goals = origins.goals.get(p).map_or(&[][..], Vec::as_slice);
            node.children.push(paragraphs(
                contract::ACHIEVED,
                contract::ACHIEVED,
                "目标",
                &e.achieved,
                goals,
                contract::ACHIEVED,
            ));
            let rows = origins.indicators.get(p).map_or(&[][..], Vec::as_slice);
            add_outcomes(node, &project.indicators, &e.indicators, rows);
        }
    }
    if let Some(own) = root
        .children
        .iter_mut()
        .find(|n| n.key == contract::DEPARTMENT_INDICATORS)
    {
        let rows = &origins.department_indicators;
        let list = &department.department_indicators;
        add_outcomes_to(own, list, &evaluation.department_indicators, rows);
    }
    if !evaluation.department_funds.is_empty() {
        let mut own = funds(
            unit,
            &evaluation.department_funds,
            &origins.department_funds,
        );
        own.key = contract::DEPARTMENT_FUNDS.into();
        root.children.push(own);
    }
    root
}

/// 项目资金执行 (or 部门资金执行): one record per source.
fn funds(unit: MoneyUnit, rows: &[FundRow], origins: &[RowOrigin]) -> Node {
    let children = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cell = |column: &str| at(origins, i, column);
            let money = |column: &str, amount: Decimal| money(unit, column, cell(column), amount);
            Node {
                key: row.source.label().into(),
                label: row.source.label().into(),
                cell: cell(contract::FUND_SOURCE),
                kind: Kind::Section,
                shown: Some(amount_shown(unit, row.amounts.executed)),
                children: vec![
                    money(contract::INITIAL_BUDGET, row.amounts.initial),
                    money(contract::FULL_YEAR_BUDGET, row.amounts.full_year),
                    money(contract::EXECUTED, row.amounts.executed),
                    Node::text(contract::REASON, cell(contract::REASON), &row.reason),
                ],
                ..Node::default()
            }
        })
        .collect();
    records(contract::PROJECT_FUNDS, "资金", "资金来源", children)
}

/// What became of a project's indicators, beside each in its `指标` records.
fn add_outcomes(project: &mut Node, list: &[Indicator], outcomes: &[Outcome], rows: &[RowOrigin]) {
    if let Some(indicators) = project.children.iter_mut().find(|c| c.key == "指标") {
        add_outcomes_to(indicators, list, outcomes, rows);
    }
}

/// 实际完成值, 得分, 偏差原因 and 调整后指标值 beside each indicator of `indicators` (the
/// records of `list`, in its order).
fn add_outcomes_to(
    indicators: &mut Node,
    list: &[Indicator],
    outcomes: &[Outcome],
    rows: &[RowOrigin],
) {
    for (i, ((node, _), outcome)) in indicators
        .children
        .iter_mut()
        .zip(list)
        .zip(outcomes)
        .enumerate()
    {
        let cell = |column: &str| at(rows, i, column);
        node.children.extend([
            Node::value(
                contract::ACTUAL,
                cell(contract::ACTUAL),
                &outcome.actual.text,
            ),
            Node::value(
                contract::SCORE,
                cell(contract::SCORE),
                outcome.score.map(plain).unwrap_or_default(),
            ),
            Node::text(
                contract::DEVIATION,
                cell(contract::DEVIATION),
                &outcome.deviation,
            ),
            Node::value(
                contract::ADJUSTED_VALUE,
                cell(contract::ADJUSTED_VALUE),
                outcome
                    .adjusted_target
                    .as_ref()
                    .map(|v| v.text.clone())
                    .unwrap_or_default(),
            ),
        ]);
    }
}

/// 基本信息: every field printed, in the order of the form.
fn info(department: &Department, origins: &Origins) -> Vec<Node> {
    let info_cell = |field: &str| origins.info.get(field).and_then(address);
    let mut info = vec![
        Node::value(
            contract::DEPARTMENT_NAME,
            info_cell(contract::DEPARTMENT_NAME),
            &department.name,
        ),
        Node::value(
            contract::YEAR,
            info_cell(contract::YEAR),
            department.year.to_string(),
        ),
        Node::value(
            contract::COMPILED_BY,
            info_cell(contract::COMPILED_BY),
            &department.compiled_by,
        ),
    ];
    let optional = [
        (contract::REVIEWED_BY, &department.reviewed_by),
        (contract::DEPARTMENT_CODE, &department.code),
    ];
    for (field, value) in optional {
        if let Some(value) = value {
            info.push(Node::value(field, info_cell(field), value));
        }
    }
    info.push(Node::value(
        contract::TITLE,
        info_cell(contract::TITLE),
        &department.title,
    ));
    info.push(Node::value(
        contract::MONEY_UNIT,
        info_cell(contract::MONEY_UNIT),
        department.money_unit.label(),
    ));
    info
}

/// 分项绩效目标: one record per sub-goal, by name.
fn sub_goals(department: &Department, origins: &Origins) -> Vec<Node> {
    department
        .sub_goals
        .iter()
        .enumerate()
        .map(|(i, g)| Node {
            key: g.name.clone(),
            label: g.name.clone(),
            cell: at(&origins.sub_goals, i, contract::SUB_GOAL_NAME),
            kind: Kind::Section,
            shown: Some(excerpt(&g.target)),
            children: vec![
                Node::text(
                    contract::SUB_GOAL_TARGET,
                    at(&origins.sub_goals, i, contract::SUB_GOAL_TARGET),
                    &g.target,
                ),
                Node::text(
                    contract::SUB_GOAL_INDICATORS,
                    at(&origins.sub_goals, i, contract::SUB_GOAL_INDICATORS),
                    &g.indicators,
                ),
            ],
            ..Node::default()
        })
        .collect()
}

/// 项目: one record per project, by name, with its money, plan, details, goals and indicators.
fn projects(department: &Department, origins: &Origins) -> Vec<Node> {
    let unit = department.money_unit;
    department
        .projects
        .iter()
        .enumerate()
        .map(|(p, project)| {
            let rows = &origins.projects;
            let cell = |column: &str| at(rows, p, column);
            let money = |column: &str, amount: Decimal| money(unit, column, cell(column), amount);
            let mut children = vec![
                Node::value(
                    contract::PROJECT_CODE,
                    cell(contract::PROJECT_CODE),
                    project.code.clone().unwrap_or_default(),
                ),
                money(contract::BUDGET, project.budget),
                money(contract::FISCAL_FUNDS, project.fiscal_funds),
                money(contract::OTHER_FUNDS, project.other_funds),
                Node::text(contract::PURPOSE, cell(contract::PURPOSE), &project.purpose),
            ];
            for (column, percent) in contract::checkpoints(&project.spending_plan) {
                children.push(Node::shown(
                    column,
                    cell(column),
                    plain(percent),
                    format!("{}%", plain(percent)),
                ));
            }
            for (column, text) in contract::project_detail_texts(&project.details) {
                if let Some(text) = text {
                    children.push(Node::value(column, cell(column), text));
                }
            }
            if let Some(Funds {
                total,
                fiscal,
                other,
            }) = project.term_funds
            {
                children.push(money(contract::TERM_TOTAL, total));
                children.push(money(contract::TERM_FISCAL, fiscal));
                children.push(money(contract::TERM_OTHER, other));
            }
            children.extend(project_goals(project, p, origins));
            let rows = origins.indicators.get(p).map_or(&[][..], Vec::as_slice);
            children.push(indicators(&project.indicators, rows));
            Node {
                key: project.name.clone(),
                label: project.name.clone(),
                cell: cell(contract::PROJECT_NAME),
                kind: Kind::Section,
                shown: Some(format!(
                    "{} {}",
                    contract::BUDGET,
                    amount_shown(unit, project.budget)
                )),
                children,
                ..Node::default()
            }
        })
        .collect()
}

/// A project's goals, and its 实施期目标 when it has some.
fn project_goals(project: &Project, p: usize, origins: &Origins) -> Vec<Node> {
    let goals = origins.goals.get(p).map_or(&[][..], Vec::as_slice);
    let mut nodes = vec![paragraphs(
        contract::GOAL,
        "目标",
        "目标",
        &project.goals,
        goals,
        contract::GOAL,
    )];
    if !project.term_goals.is_empty() {
        let rows = origins.term_goals.get(p).map_or(&[][..], Vec::as_slice);
        nodes.push(paragraphs(
            "实施期目标",
            "实施期目标",
            "实施期目标",
            &project.term_goals,
            rows,
            contract::GOAL,
        ));
    }
    nodes
}

/// 年度主要任务: one record per task, by name.
fn tasks(department: &Department, origins: &Origins) -> Vec<Node> {
    let unit = department.money_unit;
    department
        .tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let cell = |column: &str| at(&origins.tasks, i, column);
            let mut children = vec![Node::text(
                contract::TASK_CONTENT,
                cell(contract::TASK_CONTENT),
                &task.content,
            )];
            if let Some(funds) = task.funds {
                for (column, amount) in [
                    (contract::BUDGET, funds.total),
                    (contract::FISCAL_FUNDS, funds.fiscal),
                    (contract::OTHER_FUNDS, funds.other),
                ] {
                    children.push(Node::shown(
                        column,
                        cell(column),
                        plain(amount),
                        amount_shown(unit, amount),
                    ));
                }
            }
            Node {
                key: task.name.clone(),
                label: task.name.clone(),
                cell: cell(contract::TASK_NAME),
                kind: Kind::Section,
                shown: Some(excerpt(&task.content)),
                children,
                ..Node::default()
            }
        })
        .collect()
}

fn records(key: &str, label: &str, noun: &str, mut children: Vec<Node>) -> Node {
    unique_keys(&mut children);
    Node {
        key: key.into(),
        label: label.into(),
        kind: Kind::Records,
        noun: noun.into(),
        children,
        ..Node::default()
    }
}

/// Keys made unique among siblings (a name given twice, which the checks only warn about):
/// the second gets `（2）`, and so on.
fn unique_keys(children: &mut [Node]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for child in children {
        let n = seen.entry(child.key.clone()).or_default();
        *n += 1;
        if *n > 1 {
            child.key = format!("{}（{n}）", child.key);
        }
    }
}

/// A list of paragraphs; each is labelled by `noun` and its number (`第2段`, `目标2`).
fn paragraphs(
    key: &str,
    label: &str,
    noun: &str,
    texts: &[String],
    rows: &[RowOrigin],
    column: &str,
) -> Node {
    let children = texts
        .iter()
        .enumerate()
        .map(|(i, text)| Node {
            key: (i + 1).to_string(),
            label: numbered(noun, i + 1),
            ..Node::text("", at(rows, i, column), text)
        })
        .collect();
    Node {
        key: key.into(),
        label: label.into(),
        kind: Kind::Paragraphs,
        noun: noun.into(),
        children,
        ..Node::default()
    }
}

/// `第2段` for paragraphs, `目标2` for goals.
pub fn numbered(noun: &str, n: usize) -> String {
    if noun == "段" {
        format!("第{n}段")
    } else {
        format!("{noun}{n}")
    }
}

/// A project's (or the department's own) indicators, by 一级/二级/三级指标 and 期间.
fn indicators(list: &[Indicator], rows: &[RowOrigin]) -> Node {
    let children = list
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let cell = |column: &str| at(rows, i, column);
            let d = &ind.details;
            let mut children = vec![
                Node::text(
                    contract::DESCRIPTION,
                    cell(contract::DESCRIPTION),
                    &ind.description,
                ),
                Node::value(contract::VALUE, cell(contract::VALUE), &ind.value.text),
                Node::text(contract::BASIS, cell(contract::BASIS), &ind.basis),
            ];
            let optional = [
                (contract::INDICATOR_NATURE, &d.nature),
                (contract::MEASURE_UNIT, &d.unit),
                (contract::REMARK, &d.remark),
            ];
            for (column, text) in optional {
                if !text.is_empty() {
                    children.push(Node::value(column, cell(column), text));
                }
            }
            if let Some(weight) = d.weight {
                children.push(Node::value(
                    contract::WEIGHT,
                    cell(contract::WEIGHT),
                    plain(weight),
                ));
            }
            let period = match ind.period {
                Period::Year => String::new(),
                Period::Term => format!("（{}）", Period::Term.label()),
            };
            Node {
                key: format!("{}/{}/{}{period}", ind.level1, ind.level2, ind.level3),
                label: format!("{}{period}", ind.level3),
                cell: cell(contract::LEVEL3),
                kind: Kind::Section,
                shown: Some(ind.value.text.clone()),
                children,
                ..Node::default()
            }
        })
        .collect();
    records("指标", "", "指标", children)
}

/// An amount (万元) as a value node: compared without spurious digits, shown in `unit`.
fn money(unit: MoneyUnit, column: &str, cell: Option<String>, amount: Decimal) -> Node {
    Node::shown(column, cell, plain(amount), amount_shown(unit, amount))
}

/// A decimal without spurious digits.
fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// An amount (万元) in the department's unit: `80万元`, `800,000元`.
fn amount_shown(unit: MoneyUnit, amount: Decimal) -> String {
    format!("{}{}", unit.format(amount), unit.label())
}

/// The start of a long text, for a line about it (at most 30 characters).
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 30;
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}
