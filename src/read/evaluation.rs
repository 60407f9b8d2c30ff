//! A self-evaluation's additions (绩效自评, contract v3) → [`Evaluation`]: `总体完成情况`, the
//! columns v3 adds to `项目目标`, `项目指标` and `部门整体指标` (read from the very rows the goals
//! and indicators came from), `项目资金执行` and `部门资金执行`.
//!
//! Read only when 基本信息's 文档类型 says 绩效自评; a goals workbook that happens to have these
//! columns is read as before. Blank required cells are reported here (`missing-value`), and a
//! column v3 requires but the sheet lacks is reported once (`missing-column`).

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::origins::RowOrigin;
use super::projects::Resolver;
use super::reader::Reader;
use super::sheets::{Loaded, Sheets};
use super::table::{Ctx, Need, Table};
use super::value::{self, NumberError, Value};
use crate::contract::{
    self, ACHIEVED, ACTUAL, ADJUSTED_VALUE, DEPARTMENT_FUNDS, DEPARTMENT_INDICATORS, DEVIATION,
    EXECUTED, FULL_YEAR_BUDGET, FUND_SOURCE, GOALS, INDICATORS, INITIAL_BUDGET, PROJECT_FUNDS,
    PROJECT_NAME, PROJECTS, REASON, RESULTS, RuleId, SCORE, WEIGHT,
};
use crate::diagnostic::{CellRef, Location};
use crate::evaluation::{Amounts, Evaluation, FundRow, FundSource, Outcome, ProjectEvaluation};
use crate::model::{Indicator, IndicatorValue, Period};
use crate::text::fold_name;

impl Reader {
    /// The self-evaluation's sheets and columns, after the goals have been read.
    pub(super) fn evaluation(&mut self, loaded: &Loaded, sheets: &Sheets) {
        let Some(mut evaluation) = self.evaluation.take() else {
            return;
        };
        if let Some(t) = self.table(loaded, RESULTS) {
            (evaluation.results, self.origins.results) = self.paragraphs(&t);
        }
        let count = self.department.projects.len();
        evaluation.projects = vec![ProjectEvaluation::default(); count];
        self.origins.project_funds = vec![Vec::new(); count];
        self.achieved(loaded, &mut evaluation);
        self.outcomes(loaded, &mut evaluation);

        self.require_sheet(loaded, sheets, PROJECT_FUNDS, count, "绩效自评工作簿的");
        if let Some(t) = self.table(loaded, PROJECT_FUNDS) {
            self.project_funds(loaded, &t, &mut evaluation);
        }
        if let Some(t) = self.table(loaded, DEPARTMENT_FUNDS) {
            let mut seen = HashMap::new();
            for &row in &t.rows {
                if let Some(fund) = fund_row(&mut self.ctx, &t, row, true, &mut seen, "部门") {
                    evaluation.department_funds.push(fund);
                    self.origins.department_funds.push(t.origin(row));
                }
            }
        }
        self.evaluation = Some(evaluation);
    }

    /// 实际完成情况 of every 年度 goal, from the goal's row of 项目目标.
    fn achieved(&mut self, loaded: &Loaded, evaluation: &mut Evaluation) {
        let Some(t) = again(loaded, GOALS) else {
            return;
        };
        let any = self.origins.goals.iter().any(|g| !g.is_empty());
        if any
            && !require(
                &mut self.ctx,
                &t,
                ACHIEVED,
                "每个年度目标都要写实际完成情况",
            )
        {
            return;
        }
        for (p, goals) in self.origins.goals.iter().enumerate() {
            evaluation.projects[p].achieved = goals
                .iter()
                .map(|o| {
                    t.text(&mut self.ctx, o.row, ACHIEVED, Need::Required)
                        .unwrap_or_default()
                })
                .collect();
        }
    }

    /// Each indicator's outcome, from its row of 项目指标 or 部门整体指标.
    fn outcomes(&mut self, loaded: &Loaded, evaluation: &mut Evaluation) {
        if let Some(t) = again(loaded, INDICATORS) {
            let yearly = self
                .department
                .projects
                .iter()
                .flat_map(|p| &p.indicators)
                .any(|i| i.period == Period::Year);
            if yearly {
                required_columns(&mut self.ctx, &t);
            }
            for (p, project) in self.department.projects.iter().enumerate() {
                evaluation.projects[p].indicators = indicator_outcomes(
                    &mut self.ctx,
                    &t,
                    &project.indicators,
                    &self.origins.indicators[p],
                );
            }
        }
        if let Some(t) = again(loaded, DEPARTMENT_INDICATORS) {
            let indicators = &self.department.department_indicators;
            if !indicators.is_empty() {
                required_columns(&mut self.ctx, &t);
            }
            evaluation.department_indicators = indicator_outcomes(
                &mut self.ctx,
                &t,
                indicators,
                &self.origins.department_indicators,
            );
        }
    }

    /// 项目资金执行: each row on its project (项目名称 filled down), one row per source.
    fn project_funds(&mut self, loaded: &Loaded, t: &Table<'_>, evaluation: &mut Evaluation) {
        let names: Vec<String> = self
            .department
            .projects
            .iter()
            .map(|p| p.name.clone())
            .collect();
        let mut index = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            index.entry(fold_name(name)).or_insert(i);
        }
        let resolver = Resolver {
            index: &index,
            names: &names,
            has_sheet: loaded.get(PROJECTS).is_some(),
            report: !loaded.broken.contains(PROJECTS),
            suggested: std::cell::Cell::new(0),
        };
        let mut last: Option<(String, CellRef)> = None;
        let mut reported: HashSet<CellRef> = HashSet::new();
        let mut seen: HashMap<usize, HashMap<FundSource, CellRef>> = HashMap::new();
        for &row in &t.rows {
            if let Some(name) = t.text(&mut self.ctx, row, PROJECT_NAME, Need::Optional) {
                last = Some((name, t.source(row, PROJECT_NAME)));
            }
            let Some((name, cell)) = &last else {
                t.report_missing(&mut self.ctx, row, PROJECT_NAME);
                continue;
            };
            if reported.contains(cell) {
                continue;
            }
            let Some(p) = resolver.resolve(&mut self.ctx, &t.sheet.name, *cell, name) else {
                reported.insert(*cell);
                continue;
            };
            let owner = format!("项目“{}”", names[p]);
            let mine = seen.entry(p).or_default();
            if let Some(fund) = fund_row(&mut self.ctx, t, row, false, mine, &owner) {
                evaluation.projects[p].funds.push(fund);
                self.origins.project_funds[p].push(t.origin(row));
            }
        }
        for (p, project) in evaluation.projects.iter().enumerate() {
            if project.funds.is_empty() && t.usable() {
                self.ctx.error(
                    self.origins.projects[p].cell(PROJECT_NAME),
                    RuleId::MissingValue,
                    format!(
                        "项目“{}”在“{}”表中没有资金行：绩效自评要写每个项目的全年预算数和全年执行数",
                        names[p], t.sheet.name
                    ),
                );
            }
        }
    }
}

/// A contract sheet read once more, for the columns v3 adds to it; its header's findings were
/// reported when it was read for the goals.
fn again<'s>(loaded: &'s Loaded, name: &str) -> Option<Table<'s>> {
    let sheet = loaded.get(name)?;
    let mut reported = Ctx::new(std::path::Path::new(""));
    Some(Table::new(
        &mut reported,
        sheet,
        contract::sheet_named(name),
    ))
}

/// Reports `column` missing from a sheet of a self-evaluation (once); false when it is.
fn require(ctx: &mut Ctx, t: &Table<'_>, column: &str, why: &str) -> bool {
    if t.has(column) {
        return true;
    }
    ctx.error(
        Location::sheet(t.sheet.name.clone()),
        RuleId::MissingColumn,
        format!(
            "绩效自评工作簿的“{}”表缺少“{column}”列：{why}",
            t.sheet.name
        ),
    );
    false
}

/// 实际完成值 and 分值, which a self-evaluation's 年度 indicators must have.
fn required_columns(ctx: &mut Ctx, t: &Table<'_>) {
    require(ctx, t, ACTUAL, "每个年度指标都要写实际完成值");
    require(ctx, t, WEIGHT, "每个年度指标都要有分值（也可以叫“权重”）");
}

/// The outcomes of `indicators`, one each, from their rows; blank 实际完成值 and 分值 of a 年度
/// indicator are reported.
fn indicator_outcomes(
    ctx: &mut Ctx,
    t: &Table<'_>,
    indicators: &[Indicator],
    origins: &[RowOrigin],
) -> Vec<Outcome> {
    indicators
        .iter()
        .zip(origins)
        .map(|(indicator, origin)| {
            let row = origin.row;
            let yearly = indicator.period == Period::Year;
            let actual = t
                .raw_text(ctx, row, ACTUAL)
                .map(|v| value::short_text(&v))
                .unwrap_or_default();
            if yearly && actual.is_empty() {
                t.report_missing(ctx, row, ACTUAL);
            }
            if yearly && indicator.details.weight.is_none() && t.get(row, WEIGHT).is_none() {
                t.report_missing(ctx, row, WEIGHT);
            }
            let adjusted = t
                .raw_text(ctx, row, ADJUSTED_VALUE)
                .map(|v| value::short_text(&v))
                .filter(|v| !v.is_empty());
            Outcome {
                actual: IndicatorValue::parse(&actual),
                score: score(ctx, t, row),
                deviation: t
                    .text(ctx, row, DEVIATION, Need::Optional)
                    .unwrap_or_default(),
                adjusted_target: adjusted.map(|v| IndicatorValue::parse(&v)),
            }
        })
        .collect()
}

/// 得分 as written: a number, negative ones included (the check says what range it must be
/// in); `None` when blank or not a number (reported).
fn score(ctx: &mut Ctx, t: &Table<'_>, row: u32) -> Option<Decimal> {
    let cell = t.get(row, SCORE)?;
    let parsed = match cell {
        Value::Error(_) => Err(NumberError::NotANumber(cell.display())),
        v => value::percent(v, true).map(|p| p.value),
    };
    match parsed {
        Ok(score) => Some(score),
        Err(NumberError::NotANumber(found)) => {
            ctx.error(
                t.location(row, SCORE),
                RuleId::NotANumber,
                format!("“得分”应为数字，实际为“{}”", found.trim()),
            );
            None
        }
    }
}

/// One row of 项目资金执行 or 部门资金执行 (`department`): its source, once per owner (`seen`),
/// and its amounts. `None` when the source cannot be told (reported).
fn fund_row(
    ctx: &mut Ctx,
    t: &Table<'_>,
    row: u32,
    department: bool,
    seen: &mut HashMap<FundSource, CellRef>,
    owner: &str,
) -> Option<FundRow> {
    let written = t.text(ctx, row, FUND_SOURCE, Need::Required)?;
    let Some(source) = FundSource::parse(&fold_name(&written), department) else {
        let known = if department {
            "年度资金总额、财政拨款、其他资金、基本支出或项目支出"
        } else {
            "年度资金总额、当年财政拨款、上年结转资金或其他资金"
        };
        ctx.error(
            t.location(row, FUND_SOURCE),
            RuleId::BadFundSource,
            format!("“资金来源”应为{known}，实际为“{written}”"),
        );
        return None;
    };
    let here = t.cell(row, FUND_SOURCE);
    if let Some(first) = seen.get(&source) {
        ctx.error(
            t.location(row, FUND_SOURCE),
            RuleId::BadFundSource,
            format!(
                "{owner}的资金来源“{}”已在 {}!{first} 写过，每种来源只写一行；本行已忽略",
                source.label(),
                t.sheet.name
            ),
        );
        return None;
    }
    seen.insert(source, here);
    let amounts = Amounts {
        initial: t
            .money(ctx, row, INITIAL_BUDGET, Need::Optional)
            .unwrap_or_default(),
        full_year: t
            .money(ctx, row, FULL_YEAR_BUDGET, Need::Required)
            .unwrap_or_default(),
        executed: t
            .money(ctx, row, EXECUTED, Need::Required)
            .unwrap_or_default(),
    };
    Some(FundRow {
        source,
        amounts,
        reason: t.text(ctx, row, REASON, Need::Optional).unwrap_or_default(),
    })
}
