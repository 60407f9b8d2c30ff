//! The department's own sheets → the model: `总体绩效目标` (paragraphs), `分项绩效目标`,
//! `工作保障措施`, and the 部门整体支出绩效目标表 of contract v2 (`年度主要任务`, `部门整体指标`).

use super::origins::RowOrigin;
use super::projects::{FillDown, funds, indicator_row};
use super::reader::Reader;
use super::sheets::Loaded;
use super::table::{Need, Table};
use crate::contract::{
    self, BUDGET, CONTENT, DEPARTMENT_INDICATORS, FISCAL_FUNDS, MEASURES, OTHER_FUNDS, OVERALL,
    SUB_GOAL_INDICATORS, SUB_GOAL_NAME, SUB_GOAL_TARGET, SUB_GOALS, TASKS,
};
use crate::model::{SubGoal, Task};

impl Reader {
    /// Every sheet about the department as a whole, in the order of their findings.
    pub(super) fn department_sheets(&mut self, loaded: &Loaded) {
        if let Some(t) = self.table(loaded, OVERALL) {
            (self.department.overall_goals, self.origins.overall_goals) = self.paragraphs(&t);
        }
        if let Some(t) = self.table(loaded, SUB_GOALS) {
            self.sub_goals(&t);
        }
        if let Some(t) = self.table(loaded, MEASURES) {
            (self.department.measures, self.origins.measures) = self.paragraphs(&t);
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

    /// A sheet of paragraphs (总体绩效目标, 工作保障措施): one a row, with where each came from.
    pub(super) fn paragraphs(&mut self, t: &Table<'_>) -> (Vec<String>, Vec<RowOrigin>) {
        let mut paragraphs = (Vec::new(), Vec::new());
        for &row in &t.rows {
            if let Some(text) = t.text(&mut self.ctx, row, CONTENT, Need::Required) {
                paragraphs.0.push(text);
                paragraphs.1.push(t.origin(row));
            }
        }
        paragraphs
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
            let funds = funds(ctx, t, row, [BUDGET, FISCAL_FUNDS, OTHER_FUNDS]);
            self.department.tasks.push(Task {
                name: name.unwrap_or_default(),
                content: content.unwrap_or_default(),
                funds,
            });
            self.origins.tasks.push(t.origin(row));
        }
    }
}
