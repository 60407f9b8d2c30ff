//! The projects' sheets → the model: `项目` (one project a row), `项目目标` and `项目指标` (rows
//! that name their project by 项目名称, found through a [`Resolver`]), and the indicator rows
//! shared with `部门整体指标` (fill-down of 一级指标, 二级指标 and 期间).

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::origins::Origins;
use super::reader::Reader;
use super::sheets::{Loaded, Sheets, report_missing_sheet};
use super::table::{Ctx, Need, Table};
use super::value::{self, Percent};
use crate::contract::{
    self, BASIS, BUDGET, DECEMBER, DESCRIPTION, FISCAL_FUNDS, GOAL, GOALS, INDICATORS, JUNE,
    LEVEL1, LEVEL2, LEVEL3, MARCH, OCTOBER, OTHER_FUNDS, PROJECT_CODE, PROJECT_NAME, PROJECTS,
    PURPOSE, RuleId, VALUE,
};
use crate::diagnostic::{CellRef, Location};
use crate::model::{
    Department, Funds, Indicator, IndicatorDetails, IndicatorValue, Period, Project,
    ProjectDetails, SpendingPlan,
};
use crate::text::{closest, fold_name};

impl Reader {
    /// 项目, then 项目目标 and 项目指标 (each required once 项目 has projects).
    pub(super) fn projects(&mut self, loaded: &Loaded, sheets: &Sheets) {
        // When 项目 could not be read, names in 项目目标/项目指标 cannot be checked against it.
        let mut projects_known = !loaded.broken.contains(PROJECTS);
        let mut index: HashMap<String, usize> = HashMap::new();
        if let Some(t) = self.table(loaded, PROJECTS) {
            // Without a stated 金额单位, the document prints money in the unit of 预算数's header.
            if !self.origins.info.contains_key(contract::MONEY_UNIT)
                && let Some(unit) = t.money_unit(BUDGET)
            {
                self.department.money_unit = unit;
            }
            projects_known &= t.has(PROJECT_NAME);
            index = self.project_rows(&t);
        }
        let count = self.department.projects.len();
        self.origins.goals = vec![Vec::new(); count];
        self.origins.term_goals = vec![Vec::new(); count];
        self.origins.indicators = vec![Vec::new(); count];
        let names: Vec<String> = self
            .department
            .projects
            .iter()
            .map(|p| p.name.clone())
            .collect();
        let resolver = Resolver {
            index: &index,
            names: &names,
            has_sheet: loaded.get(PROJECTS).is_some(),
            report: projects_known,
            suggested: std::cell::Cell::new(0),
        };

        for wanted in [GOALS, INDICATORS] {
            self.require_sheet(loaded, sheets, wanted, count, "");
        }
        if let Some(t) = self.table(loaded, GOALS) {
            self.goals(&t, &resolver);
        }
        if let Some(t) = self.table(loaded, INDICATORS) {
            read_indicators(
                &mut self.ctx,
                &t,
                &resolver,
                &mut self.department,
                &mut self.origins,
            );
        }
    }

    /// 项目: one project a row; a name given twice is an error and its second row is left out.
    /// The projects by folded name.
    fn project_rows(&mut self, t: &Table<'_>) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        let mut first_cell: HashMap<String, CellRef> = HashMap::new();
        for &row in &t.rows {
            let project = read_project(&mut self.ctx, t, row);
            if !project.name.is_empty() {
                let key = fold_name(&project.name);
                let here = t.cell(row, PROJECT_NAME);
                if let Some(first) = first_cell.get(&key) {
                    self.ctx.error(
                        t.location(row, PROJECT_NAME),
                        RuleId::DuplicateProject,
                        format!(
                            "项目名称“{}”重复：与 {}!{first} 相同，项目名称在工作簿内应唯一；本行已忽略",
                            project.name, t.sheet.name
                        ),
                    );
                    continue;
                }
                first_cell.insert(key.clone(), here);
                index.insert(key, self.department.projects.len());
            }
            self.department.projects.push(project);
            self.origins.projects.push(t.origin(row));
        }
        index
    }

    /// 项目目标: each goal on its project, as a 年度 or 实施期 goal by its 期间.
    fn goals(&mut self, t: &Table<'_>, resolver: &Resolver<'_>) {
        let ctx = &mut self.ctx;
        for &row in &t.rows {
            let name = t.text(ctx, row, PROJECT_NAME, Need::Required);
            let goal = t.text(ctx, row, GOAL, Need::Required);
            let period = read_period(ctx, t, row).unwrap_or_default();
            let Some(name) = name else { continue };
            let cell = t.cell(row, PROJECT_NAME);
            let Some(p) = resolver.resolve(ctx, &t.sheet.name, cell, &name) else {
                continue;
            };
            if let Some(goal) = goal {
                match period {
                    Period::Year => {
                        self.department.projects[p].goals.push(goal);
                        self.origins.goals[p].push(t.origin(row));
                    }
                    Period::Term => {
                        self.department.projects[p].term_goals.push(goal);
                        self.origins.term_goals[p].push(t.origin(row));
                    }
                }
            }
        }
    }
}

impl Reader {
    /// A sheet the workbook's `count` projects need, missing (and not already reported as
    /// broken): an error naming it, and the model is incomplete. `whose` begins the message.
    pub(super) fn require_sheet(
        &mut self,
        loaded: &Loaded,
        sheets: &Sheets,
        wanted: &str,
        count: usize,
        whose: &str,
    ) {
        if count > 0 && loaded.get(wanted).is_none() && !loaded.broken.contains(wanted) {
            let why = format!("{whose}“项目”表有 {count} 个项目，");
            report_missing_sheet(&mut self.ctx, sheets, wanted, why);
            self.complete = false;
        }
    }
}

/// Finds projects by name for 项目目标 and 项目指标, reporting unknown names once per cell.
pub(super) struct Resolver<'a> {
    pub(super) index: &'a HashMap<String, usize>,
    pub(super) names: &'a [String],
    pub(super) has_sheet: bool,
    /// False when 项目 could not be read: unknown names are then not reported.
    pub(super) report: bool,
    pub(super) suggested: std::cell::Cell<usize>,
}

/// Names longer than this (in characters) get no suggestion: edit distance is quadratic.
const MAX_SUGGEST_CHARS: usize = 100;
/// Suggestions computed per workbook at most (each compares with every project name).
const MAX_SUGGESTIONS: usize = 1_000;

impl Resolver<'_> {
    /// The closest project name, within the bounds above.
    fn suggest(&self, name: &str) -> Option<&str> {
        let n = self.suggested.get();
        if n >= MAX_SUGGESTIONS || name.chars().count() > MAX_SUGGEST_CHARS {
            return None;
        }
        self.suggested.set(n + 1);
        closest(
            name,
            self.names
                .iter()
                .map(String::as_str)
                .filter(|c| c.chars().count() <= MAX_SUGGEST_CHARS),
        )
    }

    pub(super) fn resolve(
        &self,
        ctx: &mut Ctx,
        sheet: &str,
        cell: CellRef,
        name: &str,
    ) -> Option<usize> {
        if let Some(&i) = self.index.get(&fold_name(name)) {
            return Some(i);
        }
        if !self.report {
            return None;
        }
        let mut message = format!("项目“{name}”不在“项目”表中");
        if !self.has_sheet {
            message.push_str("（工作簿没有“项目”表）");
        } else if let Some(s) = self.suggest(name) {
            message.push_str(&format!("，是否应为“{s}”？"));
        } else {
            message.push_str("，应为“项目”表中的某个项目名称");
        }
        ctx.error(
            Location::cell(sheet.to_string(), cell),
            RuleId::UnknownProject,
            message,
        );
        None
    }
}

/// One row of 项目.
fn read_project(ctx: &mut Ctx, t: &Table<'_>, row: u32) -> Project {
    let code = t.text(ctx, row, PROJECT_CODE, Need::Optional).filter(|c| {
        !c.chars()
            .all(|ch| matches!(ch, '—' | '-' | '－' | '―' | '–' | '_'))
    });
    let name = t
        .text(ctx, row, PROJECT_NAME, Need::Required)
        .unwrap_or_default();
    let budget = t
        .money(ctx, row, BUDGET, Need::Required)
        .unwrap_or_default();
    let fiscal_funds = t
        .money(ctx, row, FISCAL_FUNDS, Need::Required)
        .unwrap_or_default();
    let other_funds = t
        .money(ctx, row, OTHER_FUNDS, Need::Optional)
        .unwrap_or_default();
    let purpose = t
        .text(ctx, row, PURPOSE, Need::Required)
        .unwrap_or_default();
    let plan = [
        t.percent(ctx, row, MARCH),
        t.percent(ctx, row, JUNE),
        t.percent(ctx, row, OCTOBER),
        t.percent(ctx, row, DECEMBER),
    ];
    let [march, june, october, december] = percent_plan(plan);
    Project {
        code,
        name,
        budget,
        fiscal_funds,
        other_funds,
        purpose,
        spending_plan: SpendingPlan {
            march,
            june,
            october,
            december,
        },
        goals: Vec::new(),
        term_goals: Vec::new(),
        indicators: Vec::new(),
        details: ProjectDetails {
            supervisor: t.text(ctx, row, contract::SUPERVISOR, Need::Optional),
            implementer: t.text(ctx, row, contract::IMPLEMENTER, Need::Optional),
            attribute: t.text(ctx, row, contract::ATTRIBUTE, Need::Optional),
            category: t.text(ctx, row, contract::CATEGORY, Need::Optional),
            nature: t.text(ctx, row, contract::NATURE, Need::Optional),
            term: t.text(ctx, row, contract::TERM, Need::Optional),
        },
        term_funds: read_term_funds(ctx, t, row),
    }
}

/// The 期间 written in a row: `None` when blank (or the sheet has no such column), and when it
/// names no period (reported).
fn read_period(ctx: &mut Ctx, t: &Table<'_>, row: u32) -> Option<Period> {
    let text = t.text(ctx, row, contract::PERIOD, Need::Optional)?;
    let period = Period::parse(&fold_name(&text));
    if period.is_none() {
        ctx.error(
            t.location(row, contract::PERIOD),
            RuleId::BadPeriod,
            format!("“期间”应为“年度”或“实施期”（也可写“中期”“长期”），实际为“{text}”"),
        );
    }
    period
}

/// 实施期资金总额 / 实施期财政资金 / 实施期其他资金 of one 项目 row (see [`funds`]).
fn read_term_funds(ctx: &mut Ctx, t: &Table<'_>, row: u32) -> Option<Funds> {
    let columns = [
        contract::TERM_TOTAL,
        contract::TERM_FISCAL,
        contract::TERM_OTHER,
    ];
    funds(ctx, t, row, columns)
}

/// The money of `columns` (total, fiscal, other) in one row: stated when any of the three cells
/// has a value; a blank one counts as 0 (the check then says which sum is off).
pub(super) fn funds(ctx: &mut Ctx, t: &Table<'_>, row: u32, columns: [&str; 3]) -> Option<Funds> {
    if columns.iter().all(|c| t.get(row, c).is_none()) {
        return None;
    }
    let [total, fiscal, other] =
        columns.map(|c| t.money(ctx, row, c, Need::Optional).unwrap_or_default());
    Some(Funds {
        total,
        fiscal,
        other,
    })
}

/// The spending plan in percent. Numeric cells of unknown format (xls, xlsb, ods) are fractions
/// when all of them lie in 0–1 and one is above 0; see the module documentation.
pub(super) fn percent_plan(parts: [Option<Percent>; 4]) -> [Decimal; 4] {
    let bare: Vec<Decimal> = parts
        .iter()
        .flatten()
        .filter(|p| p.bare_numeric)
        .map(|p| p.value)
        .collect();
    let fractions = !bare.is_empty()
        && bare
            .iter()
            .all(|v| *v >= Decimal::ZERO && *v <= Decimal::ONE)
        && bare.iter().any(|v| *v > Decimal::ZERO);
    parts.map(|p| match p {
        Some(p) if p.bare_numeric && fractions => (p.value * Decimal::ONE_HUNDRED).normalize(),
        Some(p) => p.value,
        None => Decimal::ZERO,
    })
}

/// What blank cells of an indicator sheet stand for: the last value above (fill-down).
#[derive(Default)]
pub(super) struct FillDown {
    level1: Option<String>,
    level2: Option<String>,
    period: Period,
}

/// One row of an indicator sheet (`项目指标`, `部门整体指标`) with fill-down of 一级指标, 二级指标
/// and 期间. Blank required cells are reported, after those of `before` (column, has a value).
pub(super) fn indicator_row(
    ctx: &mut Ctx,
    t: &Table<'_>,
    row: u32,
    fill: &mut FillDown,
    before: &[(&str, bool)],
) -> Indicator {
    if let Some(l1) = t.text(ctx, row, LEVEL1, Need::Optional) {
        fill.level1 = Some(l1);
    }
    if let Some(l2) = t.text(ctx, row, LEVEL2, Need::Optional) {
        fill.level2 = Some(l2);
    }
    if let Some(period) = read_period(ctx, t, row) {
        fill.period = period;
    }
    let details = IndicatorDetails {
        nature: t
            .text(ctx, row, contract::INDICATOR_NATURE, Need::Optional)
            .unwrap_or_default(),
        unit: t
            .text(ctx, row, contract::MEASURE_UNIT, Need::Optional)
            .unwrap_or_default(),
        weight: t.number(ctx, row, contract::WEIGHT),
        remark: t
            .text(ctx, row, contract::REMARK, Need::Optional)
            .unwrap_or_default(),
    };
    let filled = [
        (LEVEL1, fill.level1.is_some()),
        (LEVEL2, fill.level2.is_some()),
    ];
    for &(column, have) in before.iter().chain(&filled) {
        if !have {
            t.report_missing(ctx, row, column);
        }
    }
    let level3 = t.text(ctx, row, LEVEL3, Need::Required).unwrap_or_default();
    let description = t
        .text(ctx, row, DESCRIPTION, Need::Optional)
        .unwrap_or_default();
    let basis = t.text(ctx, row, BASIS, Need::Optional).unwrap_or_default();
    let value = match t.raw_text(ctx, row, VALUE).map(|v| value::short_text(&v)) {
        Some(v) if !v.is_empty() => v,
        _ => {
            if t.get(row, VALUE).is_none() {
                t.report_missing(ctx, row, VALUE);
            }
            String::new()
        }
    };
    Indicator {
        level1: fill.level1.clone().unwrap_or_default(),
        level2: fill.level2.clone().unwrap_or_default(),
        level3,
        description,
        value: IndicatorValue::parse(&value),
        basis,
        period: fill.period,
        details,
    }
}

/// 项目指标 → indicators on their projects, with fill-down of 项目名称, 一级指标, 二级指标.
fn read_indicators(
    ctx: &mut Ctx,
    t: &Table<'_>,
    resolver: &Resolver<'_>,
    dept: &mut Department,
    origins: &mut Origins,
) {
    // Last value seen in each fill-down column, with the cell it was written in.
    let mut last_name: Option<(String, CellRef)> = None;
    let mut fill = FillDown::default();
    let mut reported: HashSet<CellRef> = HashSet::new();
    for &row in &t.rows {
        if let Some(name) = t.text(ctx, row, PROJECT_NAME, Need::Optional) {
            last_name = Some((name, t.source(row, PROJECT_NAME)));
        }
        let indicator = indicator_row(
            ctx,
            t,
            row,
            &mut fill,
            &[(PROJECT_NAME, last_name.is_some())],
        );
        let Some((name, cell)) = &last_name else {
            continue;
        };
        let project = if reported.contains(cell) {
            None
        } else {
            let p = resolver.resolve(ctx, &t.sheet.name, *cell, name);
            if p.is_none() {
                reported.insert(*cell);
            }
            p
        };
        let Some(p) = project else { continue };
        dept.projects[p].indicators.push(indicator);
        origins.indicators[p].push(t.origin(row));
    }
}
