//! Where each value of the model came from (来源): the sheet, row and column of every record, so
//! that a check, a change line or a glyph finding can name the cell.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::{CellRef, Location};

/// The row a record came from, and where each of its columns is.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOrigin {
    /// The sheet name as spelt in the workbook.
    pub sheet: String,
    /// 0-based absolute row.
    pub row: u32,
    /// Canonical column name (`财政资金`, `指标值`, …) → 0-based absolute column.
    pub columns: Arc<BTreeMap<String, u32>>,
}

impl RowOrigin {
    /// The location of `column` in this row; the row's first column when the sheet lacks it.
    pub fn cell(&self, column: &str) -> Location {
        let col = self
            .columns
            .get(column)
            .copied()
            .or_else(|| self.columns.values().min().copied())
            .unwrap_or(0);
        Location::cell(self.sheet.clone(), CellRef::new(self.row, col))
    }
}

/// Where every record of a [`Department`] came from; vectors run parallel to the model's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origins {
    /// 基本信息 字段 → its 内容 cell.
    pub info: BTreeMap<String, Location>,
    pub overall_goals: Vec<RowOrigin>,
    pub sub_goals: Vec<RowOrigin>,
    pub measures: Vec<RowOrigin>,
    /// One per project, in `项目`.
    pub projects: Vec<RowOrigin>,
    /// Per project, one per goal, in `项目目标`.
    pub goals: Vec<Vec<RowOrigin>>,
    /// Per project, one per 实施期目标, in `项目目标`.
    pub term_goals: Vec<Vec<RowOrigin>>,
    /// One per task, in `年度主要任务`.
    pub tasks: Vec<RowOrigin>,
    /// One per indicator, in `部门整体指标`.
    pub department_indicators: Vec<RowOrigin>,
    /// Per project, one per indicator, in `项目指标`.
    pub indicators: Vec<Vec<RowOrigin>>,
    /// A self-evaluation's (contract v3): one per paragraph, in `总体完成情况`.
    pub results: Vec<RowOrigin>,
    /// Per project, one per row of `项目资金执行`.
    pub project_funds: Vec<Vec<RowOrigin>>,
    /// One per row of `部门资金执行`.
    pub department_funds: Vec<RowOrigin>,
}

impl Origins {
    /// The rows of each project's indicators, then of the department's own (one list per
    /// project, as the reader makes them).
    pub fn indicator_rows(&self) -> impl Iterator<Item = &[RowOrigin]> {
        let projects = self.indicators.iter().map(Vec::as_slice);
        projects.chain(std::iter::once(&self.department_indicators[..]))
    }
}
