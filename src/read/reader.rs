//! What reading a workbook builds up, sheet by sheet: the findings, the model, where its values
//! came from, and whether it is complete enough to be checked. `info`, `department` and
//! `projects` each read their sheets into it.

use super::origins::Origins;
use super::sheets::Loaded;
use super::table::{Ctx, Table};
use crate::contract;
use crate::evaluation::Evaluation;
use crate::model::Department;

/// What reading a workbook builds up, sheet by sheet: the findings, the model, where its values
/// came from, and whether it is complete enough to be checked.
pub struct Reader {
    pub ctx: Ctx,
    pub department: Department,
    pub origins: Origins,
    /// A self-evaluation's additions, once 基本信息 has said it is one (文档类型 = 绩效自评).
    pub evaluation: Option<Evaluation>,
    pub complete: bool,
}

impl Reader {
    /// Contract sheet `name` as a table, when the workbook has it; a table that cannot be read
    /// (required columns missing) makes the reading incomplete.
    pub fn table<'s>(&mut self, loaded: &'s Loaded, name: &str) -> Option<Table<'s>> {
        let sheet = loaded.get(name)?;
        let t = Table::new(&mut self.ctx, sheet, contract::sheet_named(name));
        self.complete &= t.usable();
        Some(t)
    }
}
