//! The department's own sheets → the model: `总体绩效目标` (paragraphs), `分项绩效目标`,
//! `工作保障措施`, and the 部门整体支出绩效目标表 of contract v2 (`年度主要任务`, `部门整体指标`).

use super::projects::{FillDown, indicator_row};
use super::reader::Reader;
use super::sheets::Loaded;
use super::table::{Need, Table};
use crate::contract::{
    self, BUDGET, CONTENT, DEPARTMENT_INDICATORS, FISCAL_FUNDS, MEASURES, OTHER_FUNDS, OVERALL,
    SUB_GOAL_INDICATORS, SUB_GOAL_NAME, SUB_GOAL_TARGET, SUB_GOALS, TASKS,
};
use crate::model::{Funds, SubGoal, Task};

impl Reader {
    /// Every sheet about the department as a whole, in the order of their findings.
    pub(super) fn department_sheets(&mut self, loaded: &Loaded) {
        if let Some(t) = self.table(loaded, OVERALL) {
            for &row in &t.rows {
                if let Some(text) = t.text(&mut self.ctx, row, CONTENT, Need::Required) {
                    self.department.overall_goals.push(text);
                    self.origins.overall_goals.push(t.origin(row));
                }
            }
        }
        if let Some(t) = self.table(loaded, SUB_GOALS) {
            self.sub_goals(&t);
        }
        if let Some(t) = self.table(loaded, MEASURES) {
            for &row in &t.rows {
                if let Some(text) = t.text(&mut self.ctx, row, CONTENT, Need::Required) {
                    self.department.measures.push(text);
                    self.origins.measures.push(t.origin(row));
                }
            }
        }
        if let Some(t) = self.table(loaded, TASKS) {
            self.tasks(&t);
        }
        if let Some(t) = self.table(loaded, DEPARTMENT_INDICATORS) {
            let mut fill = FillDown::default();
            for &row in &t.rows {
                let indicator = indicator_row(&mut self.ctx, &t, row, &mut fill, &[]);
                self.department.department_indicators.push(indicator);
                self.origins.department_indicators.push(t.origin(row));
            }
        }
    }

    /// 分项绩效目标: one sub-goal a row.
    fn sub_goals(&mut self, t: &Table<'_>) {
        let ctx = &mut self.ctx;
        for &row in &t.rows {
            let name = t.text(ctx, row, SUB_GOAL_NAME, Need::Required);
            let target = t.text(ctx, row, SUB_GOAL_TARGET, Need::Required);
            let indicators = t.text(ctx, row, SUB_GOAL_INDICATORS, Need::Required);
            self.department.sub_goals.push(SubGoal {
                name: name.unwrap_or_default(),
                target: target.unwrap_or_default(),
                indicators: indicators.unwrap_or_default(),
            });
            self.origins.sub_goals.push(t.origin(row));
        }
    }

    /// 年度主要任务 → the department's main tasks of the year (contract v2).
    fn tasks(&mut self, t: &Table<'_>) {
        let ctx = &mut self.ctx;
        for &row in &t.rows {
            let name = t.text(ctx, row, contract::TASK_NAME, Need::Required);
            let content = t.text(ctx, row, contract::TASK_CONTENT, Need::Required);
            let money = [BUDGET, FISCAL_FUNDS, OTHER_FUNDS];
            let funds = if money.iter().all(|c| t.get(row, c).is_none()) {
                None
            } else {
                let [total, fiscal, other] =
                    money.map(|c| t.money(ctx, row, c, Need::Optional).unwrap_or_default());
                Some(Funds {
                    total,
                    fiscal,
                    other,
                })
            };
            self.department.tasks.push(Task {
                name: name.unwrap_or_default(),
                content: content.unwrap_or_default(),
                funds,
            });
            self.origins.tasks.push(t.origin(row));
        }
    }
}
