//! Write: the domain model → a department workbook that follows the input contract
//! (`docs/workbook.md`), laid out as a finance department would fill it in.
//!
//! Used to produce the reference workbook (`examples/make_reference.rs`) and test fixtures. In
//! `项目指标` the first project uses fill-down (blank cells meaning "same as above") and every
//! later project uses merged cells, so that a reader of the output meets both conventions.
//! Money is written as numbers (万元), spending-plan percentages as fractions with a percent number
//! format (25% is stored as 0.25), 年度 as a number. Every row with text is as high as its text
//! and every sheet is set up for printing (`crate::xlsx::style`), so the workbook reads the same
//! in LibreOffice and WPS as in Excel. The file's creation time is fixed, so the same department
//! always gives the same bytes.

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::contract::{
    self, BASIS, Column, DESCRIPTION, FIELDS, GOALS, INDICATORS, INFO, Kind, LEVEL1, LEVEL2,
    LEVEL3, MEASURES, OVERALL, PROJECTS, SUB_GOALS, Since, VALUE,
};
use crate::evaluation::{Evaluation, FundRow, Outcome};
use crate::model::{Department, Indicator, MoneyUnit, Period, Project};
use crate::xlsx::style::{self, RowHeights};

/// Writes `department` as a workbook at `path` (`.xlsx`).
pub fn write_department(department: &Department, path: &Path) -> Result<(), XlsxError> {
    to_workbook(department)?.save(path)
}

/// `department` as an in-memory workbook, for callers (tests) that change a cell before saving.
pub fn to_workbook(department: &Department) -> Result<Workbook, XlsxError> {
    let mut workbook = new_workbook(&department.title, &department.compiled_by)?;
    write_sheets(&mut workbook, department, Layout::Plain, false)?;
    Ok(workbook)
}

/// Writes a department's self-evaluation (绩效自评, contract v3) as a workbook at `path`: the
/// goals with every column of v1 and v2, the columns v3 adds, and its sheets.
pub fn write_evaluation(
    department: &Department,
    evaluation: &Evaluation,
    path: &Path,
) -> Result<(), XlsxError> {
    evaluation_to_workbook(department, evaluation)?.save(path)
}

/// [`write_evaluation`]'s workbook in memory, for callers (tests) that change a cell first.
pub fn evaluation_to_workbook(
    department: &Department,
    evaluation: &Evaluation,
) -> Result<Workbook, XlsxError> {
    let mut workbook = new_workbook(&department.title, &department.compiled_by)?;
    write_all(
        &mut workbook,
        department,
        Some(evaluation),
        Layout::Plain,
        true,
    )?;
    Ok(workbook)
}

/// An empty workbook whose document properties are fixed (creation time included), so that the
/// same content always gives the same bytes.
pub(crate) fn new_workbook(title: &str, author: &str) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2021, 1, 1)?.and_hms(0, 0, 0)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author(author)
            .set_creation_datetime(&created),
    );
    Ok(workbook)
}

/// How the seven sheets of the contract are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The data only, as a department would have filled it in.
    Plain,
    /// The form a department fills in (`crate::xlsx::fill_in`): every 基本信息 field listed, even when
    /// blank; whole columns formatted (wrapping, money and percent number formats); at least
    /// [`FORM_ROWS`] data rows one comfortable line high; money with a thousands separator.
    Form,
}

/// Data rows given a height in a [`Layout::Form`] table sheet (more when the data has more).
pub(crate) const FORM_ROWS: u32 = 200;

/// Writes the contract's sheets with `department`'s data into `workbook`: the seven of v1 with
/// their v1 columns, and the optional parts of v2 too when `full` or when the department has any.
pub(crate) fn write_sheets(
    workbook: &mut Workbook,
    department: &Department,
    layout: Layout,
    full: bool,
) -> Result<(), XlsxError> {
    write_all(workbook, department, None, layout, full)
}

/// A self-evaluation's sheets laid out as its form (`crate::xlsx::evaluation_form`): every sheet,
/// 部门资金执行 too when empty.
pub(crate) fn write_evaluation_form(
    workbook: &mut Workbook,
    department: &Department,
    evaluation: &Evaluation,
) -> Result<(), XlsxError> {
    write_all(workbook, department, Some(evaluation), Layout::Form, true)
}

/// [`write_sheets`], and a self-evaluation's columns and sheets when there is one (its
/// workbook has every v2 column: 分值 is one, and the v3 columns come after them).
fn write_all(
    workbook: &mut Workbook,
    department: &Department,
    evaluation: Option<&Evaluation>,
    layout: Layout,
    full: bool,
) -> Result<(), XlsxError> {
    let w = Writer {
        styles: Styles::new(layout),
        layout,
        full: full || evaluation.is_some() || department.has_optional_parts(),
        evaluation,
    };
    w.basic_info(workbook.add_worksheet(), department)?;
    w.content_sheet(
        workbook.add_worksheet(),
        OVERALL,
        w.columns(OVERALL),
        &department.overall_goals,
    )?;
    w.sub_goals(workbook.add_worksheet(), department)?;
    w.content_sheet(
        workbook.add_worksheet(),
        MEASURES,
        w.columns(MEASURES),
        &department.measures,
    )?;
    w.projects(workbook.add_worksheet(), &department.projects)?;
    w.project_goals(workbook.add_worksheet(), &department.projects)?;
    w.project_indicators(workbook.add_worksheet(), &department.projects)?;
    if w.full {
        w.tasks(workbook.add_worksheet(), department)?;
        w.department_indicators(workbook.add_worksheet(), department)?;
    }
    if let Some(e) = evaluation {
        let results = contract::RESULTS;
        w.content_sheet(
            workbook.add_worksheet(),
            results,
            w.columns(results),
            &e.results,
        )?;
        let funds = department
            .projects
            .iter()
            .zip(&e.projects)
            .flat_map(|(p, pe)| pe.funds.iter().map(move |f| (Some(p.name.as_str()), f)));
        w.funds(workbook.add_worksheet(), contract::PROJECT_FUNDS, funds)?;
        if !e.department_funds.is_empty() || layout == Layout::Form {
            let funds = e.department_funds.iter().map(|f| (None, f));
            w.funds(workbook.add_worksheet(), contract::DEPARTMENT_FUNDS, funds)?;
        }
    }
    Ok(())
}

/// The cell formats used throughout.
struct Styles {
    header: Format,
    text: Format,
    wrapped: Format,
    number: Format,
    money: Format,
    merged: Format,
}

/// Money as 万元 with a thousands separator and two to four decimals (to the 元).
const MONEY_FORMAT: &str = "#,##0.00##";

impl Styles {
    fn new(layout: Layout) -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let money = match layout {
            Layout::Plain => cell.clone(),
            Layout::Form => cell.clone().set_num_format(MONEY_FORMAT),
        };
        Styles {
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9E1F2"),
            text: cell.clone(),
            wrapped: cell.clone().set_text_wrap(),
            number: cell.clone(),
            money,
            merged: cell.set_text_wrap(),
        }
    }

    /// A percent format showing as many decimals as `percent` has (`25` → `0%`, `12.5` → `0.0%`).
    fn percent(&self, percent: Decimal) -> Format {
        let decimals = percent.normalize().scale() as usize;
        let pattern = if decimals == 0 {
            "0%".to_string()
        } else {
            format!("0.{}%", "0".repeat(decimals))
        };
        self.number.clone().set_num_format(pattern)
    }
}

/// The format of a whole `column` in a form: no borders, so that rows nobody filled in are not
/// printed (Excel prints bordered empty cells; LibreOffice does not).
fn column_format(column: &Column) -> Option<Format> {
    let cell = Format::new().set_align(FormatAlign::VerticalCenter);
    match column.kind {
        Kind::Money => Some(cell.set_num_format(MONEY_FORMAT)),
        Kind::Percent => Some(cell.set_num_format("0%")),
        _ if column.wrap => Some(cell.set_text_wrap()),
        _ => None,
    }
}

/// A value of 基本信息.
enum Value<'a> {
    Text(&'a str),
    Year(i32),
    Blank,
}

fn money(d: Decimal) -> f64 {
    d.normalize().to_f64().unwrap_or(f64::NAN)
}

struct Writer<'e> {
    styles: Styles,
    layout: Layout,
    /// Whether the optional columns of contract v2 are written.
    full: bool,
    /// A self-evaluation's additions, written too when given.
    evaluation: Option<&'e Evaluation>,
}

/// One sheet being written: its columns, and the heights of the rows gathered from the text
/// written into them (`crate::xlsx::style`).
struct SheetWriter<'a> {
    ws: &'a mut Worksheet,
    columns: Vec<Column>,
    styles: &'a Styles,
    heights: RowHeights,
}

impl<'a> SheetWriter<'a> {
    /// The width of column `col` (0 when the sheet has no such column written).
    fn width(&self, col: u16) -> f64 {
        self.columns.get(usize::from(col)).map_or(0.0, |c| c.width)
    }

    /// Whether the form wraps the text of column `col`.
    fn wraps(&self, col: u16) -> bool {
        self.columns.get(usize::from(col)).is_some_and(|c| c.wrap)
    }

    /// Writes `text` in the column's format (wrapped for long text); its row grows to hold it.
    fn text(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        let wrap = self.wraps(col);
        self.text_wrapped(row, col, text, wrap)
    }

    /// Writes `text`, wrapped or not; its row grows to hold it.
    fn text_wrapped(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        wrap: bool,
    ) -> Result<(), XlsxError> {
        let styles: &'a Styles = self.styles;
        let format = if wrap { &styles.wrapped } else { &styles.text };
        self.ws.write_string_with_format(row, col, text, format)?;
        let width = self.width(col);
        self.heights.text(row, width, text, wrap);
        Ok(())
    }

    /// A blank cell, wrapped or not, one line high at least.
    fn blank_wrapped(&mut self, row: u32, col: u16, wrap: bool) -> Result<(), XlsxError> {
        let styles: &'a Styles = self.styles;
        let format = if wrap { &styles.wrapped } else { &styles.text };
        self.ws.write_blank(row, col, format)?;
        self.heights.at_least(row, style::ONE_LINE);
        Ok(())
    }

    /// A blank cell in the column's text format.
    fn blank(&mut self, row: u32, col: u16) -> Result<(), XlsxError> {
        let wrap = self.wraps(col);
        self.blank_wrapped(row, col, wrap)
    }

    /// `text`, or a blank cell when there is none, wrapped or not.
    fn optional_text(
        &mut self,
        row: u32,
        col: u16,
        text: Option<&str>,
        wrap: bool,
    ) -> Result<(), XlsxError> {
        match text {
            Some(t) => self.text_wrapped(row, col, t, wrap),
            None => self.blank_wrapped(row, col, wrap),
        }
    }

    fn number(&mut self, row: u32, col: u16, n: f64, format: &Format) -> Result<(), XlsxError> {
        self.ws.write_number_with_format(row, col, n, format)?;
        self.heights.at_least(row, style::ONE_LINE);
        Ok(())
    }

    /// A blank cell in `format`, one line high at least.
    fn blank_as(&mut self, row: u32, col: u16, format: &Format) -> Result<(), XlsxError> {
        self.ws.write_blank(row, col, format)?;
        self.heights.at_least(row, style::ONE_LINE);
        Ok(())
    }

    /// Writes `text` over rows `first..=last` of `col`: merged when that is more than one cell.
    fn span(&mut self, first: u32, last: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        let format: &'a Format = &self.styles.merged;
        if last > first {
            self.ws.merge_range(first, col, last, col, text, format)?;
        } else {
            self.ws.write_string_with_format(first, col, text, format)?;
        }
        let width = self.width(col);
        self.heights.span(first, last, width, text);
        Ok(())
    }

    /// Sets the row heights gathered and the page setup.
    fn finish(self) -> Result<(), XlsxError> {
        self.heights.apply(self.ws)?;
        let widths: Vec<f64> = self.columns.iter().map(|c| c.width).collect();
        style::page_setup(self.ws, &widths, 1)
    }
}

impl Writer<'_> {
    /// The columns of contract sheet `name` that are written, in order.
    fn columns(&self, name: &str) -> Vec<Column> {
        let evaluation = self.evaluation.is_some();
        contract::sheet_named(name)
            .columns
            .iter()
            .filter(|c| c.since.in_goals_form(self.full) || evaluation && c.since == Since::V3)
            .copied()
            .collect()
    }

    /// 项目资金执行 or 部门资金执行: one row per source, 项目名称 (when the sheet has it) left
    /// blank when it repeats the row above.
    fn funds<'f>(
        &self,
        ws: &mut Worksheet,
        name: &str,
        rows: impl Iterator<Item = (Option<&'f str>, &'f FundRow)>,
    ) -> Result<(), XlsxError> {
        let rows: Vec<_> = rows.collect();
        let mut sheet = self.table(ws, name, self.columns(name), Some(rows.len()))?;
        let at = |column| contract::sheet_named(name).position(column);
        let mut above = None;
        for (row, (project, fund)) in (1u32..).zip(rows) {
            if let Some(project) = project {
                if above == Some(project) {
                    sheet.blank(row, at(contract::PROJECT_NAME))?;
                } else {
                    sheet.text(row, at(contract::PROJECT_NAME), project)?;
                }
                above = Some(project);
            }
            sheet.text(row, at(contract::FUND_SOURCE), fund.source.label())?;
            let a = fund.amounts;
            for (column, amount) in [
                (contract::INITIAL_BUDGET, a.initial),
                (contract::FULL_YEAR_BUDGET, a.full_year),
                (contract::EXECUTED, a.executed),
            ] {
                // A form pre-filled from the goals leaves what happened blank, for the
                // department to fill in.
                if self.form() && amount.is_zero() && column != contract::INITIAL_BUDGET {
                    sheet.blank_as(row, at(column), &self.styles.money)?;
                } else {
                    sheet.number(row, at(column), money(amount), &self.styles.money)?;
                }
            }
            if !fund.reason.is_empty() {
                sheet.text(row, at(contract::REASON), &fund.reason)?;
            }
        }
        sheet.finish()
    }

    /// The columns v3 adds to an indicator row (项目指标, 部门整体指标).
    fn outcome(
        &self,
        sheet: &mut SheetWriter<'_>,
        name: &str,
        row: u32,
        outcome: &Outcome,
    ) -> Result<(), XlsxError> {
        let at = |column| contract::sheet_named(name).position(column);
        let adjusted = outcome.adjusted_target.as_ref().map(|v| v.text.as_str());
        for (column, text) in [
            (contract::ACTUAL, Some(outcome.actual.text.as_str())),
            (contract::DEVIATION, Some(outcome.deviation.as_str())),
            (contract::ADJUSTED_VALUE, adjusted),
        ] {
            let text = text.filter(|t| !t.is_empty());
            sheet.optional_text(row, at(column), text, true)?;
        }
        match outcome.score {
            Some(s) => sheet.number(row, at(contract::SCORE), money(s), &self.styles.number),
            None => sheet.blank_as(row, at(contract::SCORE), &self.styles.number),
        }
    }

    fn form(&self) -> bool {
        self.layout == Layout::Form
    }

    /// Names the sheet, writes the bold header row, freezes it and sets the column widths; in a
    /// form, also formats whole columns and makes the data rows (at least [`FORM_ROWS`], and
    /// `used` rows at least) one line high before any data is written.
    fn table<'a>(
        &'a self,
        ws: &'a mut Worksheet,
        name: &str,
        columns: Vec<Column>,
        used: Option<usize>,
    ) -> Result<SheetWriter<'a>, XlsxError> {
        ws.set_name(name)?;
        let mut heights = RowHeights::new();
        for (col, c) in (0u16..).zip(&columns) {
            let header = c.header();
            ws.write_string_with_format(0, col, &header, &self.styles.header)?;
            ws.set_column_width(col, c.width)?;
            heights.text(0, c.width, &header, false);
        }
        ws.set_freeze_panes(1, 0)?;
        if let (true, Some(used)) = (self.form(), used) {
            let last = FORM_ROWS.max(used as u32);
            for (col, c) in (0u16..).zip(&columns) {
                if let Some(format) = column_format(c) {
                    ws.set_column_format(col, &format)?;
                }
            }
            for row in 1..=last {
                heights.at_least(row, style::ONE_LINE);
            }
        }
        Ok(SheetWriter {
            ws,
            columns,
            styles: &self.styles,
            heights,
        })
    }

    fn basic_info(&self, ws: &mut Worksheet, d: &Department) -> Result<(), XlsxError> {
        let mut sheet = self.table(ws, INFO, self.columns(INFO), None)?;
        fn optional(v: Option<&str>) -> Value<'_> {
            v.map_or(Value::Blank, Value::Text)
        }
        let default_title = match self.evaluation {
            Some(_) => Evaluation::default_title(&d.name, d.year),
            None => Department::default_title(&d.name, d.year),
        };
        let title = if d.title != default_title {
            Value::Text(&d.title)
        } else {
            Value::Blank
        };
        let values = [
            Value::Text(&d.name),
            Value::Year(d.year),
            Value::Text(&d.compiled_by),
            optional(d.reviewed_by.as_deref()),
            optional(d.code.as_deref()),
            title,
            match d.money_unit {
                MoneyUnit::Wan => Value::Blank,
                MoneyUnit::Yuan => Value::Text(MoneyUnit::Yuan.label()),
            },
            Value::Text(contract::EVALUATION_KIND),
        ];
        let fields = FIELDS
            .iter()
            .filter(|f| f.since.in_goals_form(self.full) || self.evaluation.is_some());
        for (row, (&contract::Field { name: field, .. }, value)) in (1u32..).zip(fields.zip(values))
        {
            // Without a form, a default title or unit is simply left out.
            let defaulted = field == contract::TITLE || field == contract::MONEY_UNIT;
            if defaulted && !self.form() && matches!(value, Value::Blank) {
                continue;
            }
            sheet.text(row, 0, field)?;
            match value {
                Value::Text(t) if !(self.form() && t.is_empty()) => sheet.text(row, 1, t)?,
                Value::Year(y) if !(self.form() && y == 0) => {
                    sheet.number(row, 1, y.into(), &self.styles.number)?
                }
                _ => sheet.blank(row, 1)?,
            }
        }
        sheet.finish()
    }

    /// A one-column `内容` sheet: one paragraph or measure per row.
    fn content_sheet(
        &self,
        ws: &mut Worksheet,
        name: &str,
        columns: Vec<Column>,
        paragraphs: &[String],
    ) -> Result<(), XlsxError> {
        let mut sheet = self.table(ws, name, columns, Some(paragraphs.len()))?;
        for (row, p) in (1u32..).zip(paragraphs) {
            sheet.text_wrapped(row, 0, p, true)?;
        }
        sheet.finish()
    }

    fn sub_goals(&self, ws: &mut Worksheet, d: &Department) -> Result<(), XlsxError> {
        let columns = self.columns(SUB_GOALS);
        let mut sheet = self.table(ws, SUB_GOALS, columns, Some(d.sub_goals.len()))?;
        for (row, g) in (1u32..).zip(&d.sub_goals) {
            sheet.text_wrapped(row, 0, &g.name, true)?;
            sheet.text_wrapped(row, 1, &g.target, true)?;
            sheet.text_wrapped(row, 2, &g.indicators, true)?;
        }
        sheet.finish()
    }

    fn projects(&self, ws: &mut Worksheet, projects: &[Project]) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let columns = self.columns(PROJECTS);
        let mut sheet = self.table(ws, PROJECTS, columns, Some(projects.len()))?;
        for (row, p) in (1u32..).zip(projects) {
            sheet.optional_text(row, 0, p.code.as_deref(), false)?;
            sheet.text_wrapped(row, 1, &p.name, true)?;
            sheet.number(row, 2, money(p.budget), &styles.money)?;
            sheet.number(row, 3, money(p.fiscal_funds), &styles.money)?;
            sheet.number(row, 4, money(p.other_funds), &styles.money)?;
            sheet.text_wrapped(row, 5, &p.purpose, true)?;
            for (col, percent) in (6u16..).zip(p.spending_plan.percentages()) {
                let fraction = money(percent / Decimal::ONE_HUNDRED);
                sheet.number(row, col, fraction, &styles.percent(percent))?;
            }
            if self.full {
                self.project_details(&mut sheet, row, p)?;
            }
        }
        sheet.finish()
    }

    /// The optional columns of contract v2 of one 项目 row.
    fn project_details(
        &self,
        sheet: &mut SheetWriter<'_>,
        row: u32,
        p: &Project,
    ) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let projects = contract::sheet_named(PROJECTS);
        for (name, value) in contract::project_detail_texts(&p.details) {
            let wrap = projects.column(name).wrap;
            sheet.optional_text(row, projects.position(name), value.as_deref(), wrap)?;
        }
        if let Some(f) = p.term_funds {
            for (name, amount) in [
                (contract::TERM_TOTAL, f.total),
                (contract::TERM_FISCAL, f.fiscal),
                (contract::TERM_OTHER, f.other),
            ] {
                let col = projects.position(name);
                sheet.number(row, col, money(amount), &styles.money)?;
            }
        }
        Ok(())
    }

    /// `年度主要任务` (contract v2).
    fn tasks(&self, ws: &mut Worksheet, d: &Department) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let columns = self.columns(contract::TASKS);
        let mut sheet = self.table(ws, contract::TASKS, columns, Some(d.tasks.len()))?;
        for (row, task) in (1u32..).zip(&d.tasks) {
            sheet.text_wrapped(row, 0, &task.name, true)?;
            sheet.text_wrapped(row, 1, &task.content, true)?;
            if let Some(f) = task.funds {
                for (col, amount) in (2u16..).zip([f.total, f.fiscal, f.other]) {
                    sheet.number(row, col, money(amount), &styles.money)?;
                }
            }
        }
        sheet.finish()
    }

    /// `部门整体指标` (contract v2), one indicator a row, every cell written.
    fn department_indicators(&self, ws: &mut Worksheet, d: &Department) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let name = contract::DEPARTMENT_INDICATORS;
        let count = d.department_indicators.len();
        let mut sheet = self.table(ws, name, self.columns(name), Some(count))?;
        let at = |column| contract::sheet_named(name).position(column);
        for (row, ind) in (1u32..).zip(&d.department_indicators) {
            let de = &ind.details;
            for (column, text) in [
                (LEVEL1, &ind.level1),
                (LEVEL2, &ind.level2),
                (LEVEL3, &ind.level3),
                (DESCRIPTION, &ind.description),
                (VALUE, &ind.value.text),
                (BASIS, &ind.basis),
                (contract::INDICATOR_NATURE, &de.nature),
                (contract::MEASURE_UNIT, &de.unit),
                (contract::REMARK, &de.remark),
            ] {
                let text = Some(text.as_str()).filter(|t| !t.is_empty());
                sheet.optional_text(row, at(column), text, true)?;
            }
            if let Some(w) = de.weight {
                sheet.number(row, at(contract::WEIGHT), money(w), &styles.number)?;
            }
        }
        if let Some(e) = self.evaluation {
            for (row, outcome) in (1u32..).zip(&e.department_indicators) {
                self.outcome(&mut sheet, name, row, outcome)?;
            }
        }
        sheet.finish()
    }

    /// The optional columns of contract v2 of one 项目指标 row.
    fn indicator_details(
        &self,
        sheet: &mut SheetWriter<'_>,
        row: u32,
        ind: &Indicator,
    ) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let at = |name| contract::sheet_named(INDICATORS).position(name);
        let d = &ind.details;
        sheet.text_wrapped(row, at(contract::PERIOD), ind.period.label(), false)?;
        for (name, text) in [
            (contract::INDICATOR_NATURE, &d.nature),
            (contract::MEASURE_UNIT, &d.unit),
            (contract::REMARK, &d.remark),
        ] {
            let text = Some(text.as_str()).filter(|t| !t.is_empty());
            sheet.optional_text(row, at(name), text, true)?;
        }
        match d.weight {
            Some(w) => sheet.number(row, at(contract::WEIGHT), money(w), &styles.number)?,
            None => sheet.blank_as(row, at(contract::WEIGHT), &styles.number)?,
        };
        Ok(())
    }

    fn project_goals(&self, ws: &mut Worksheet, projects: &[Project]) -> Result<(), XlsxError> {
        let count = projects
            .iter()
            .map(|p| p.goals.len() + p.term_goals.len())
            .sum();
        let mut sheet = self.table(ws, GOALS, self.columns(GOALS), Some(count))?;
        // Each project's 实施期 goals first, then its 年度 goals (with what became of them).
        let achieved = |i: usize, k: usize| {
            let e = self.evaluation?;
            Some(e.projects[i].achieved[k].as_str())
        };
        let goals = projects.iter().enumerate().flat_map(|(i, p)| {
            let term = p
                .term_goals
                .iter()
                .map(move |g| (&p.name, g, Period::Term, None));
            let year = p.goals.iter().enumerate();
            term.chain(year.map(move |(k, g)| (&p.name, g, Period::Year, achieved(i, k))))
        });
        let at = |column| contract::sheet_named(GOALS).position(column);
        for (row, (name, goal, period, achieved)) in (1u32..).zip(goals) {
            sheet.text_wrapped(row, 0, name, true)?;
            sheet.text_wrapped(row, 1, goal, true)?;
            if self.full {
                sheet.text_wrapped(row, at(contract::PERIOD), period.label(), false)?;
            }
            if let Some(text) = achieved {
                sheet.text_wrapped(row, at(contract::ACHIEVED), text, true)?;
            }
        }
        sheet.finish()
    }

    fn project_indicators(
        &self,
        ws: &mut Worksheet,
        projects: &[Project],
    ) -> Result<(), XlsxError> {
        let count = projects.iter().map(|p| p.indicators.len()).sum();
        let mut sheet = self.table(ws, INDICATORS, self.columns(INDICATORS), Some(count))?;
        let mut row = 1u32;
        for (i, p) in projects.iter().enumerate() {
            if p.indicators.is_empty() {
                continue;
            }
            if i == 0 {
                fill_down(&mut sheet, row, p)?;
            } else {
                merged(&mut sheet, row, p)?;
            }
            for (r, ind) in (row..).zip(&p.indicators) {
                sheet.text_wrapped(r, 3, &ind.level3, true)?;
                sheet.text_wrapped(r, 4, &ind.description, true)?;
                sheet.text_wrapped(r, 5, &ind.value.text, false)?;
                sheet.text_wrapped(r, 6, &ind.basis, true)?;
                if self.full {
                    self.indicator_details(&mut sheet, r, ind)?;
                }
            }
            if let Some(e) = self.evaluation {
                for (r, outcome) in (row..).zip(&e.projects[i].indicators) {
                    self.outcome(&mut sheet, INDICATORS, r, outcome)?;
                }
            }
            row += p.indicators.len() as u32;
        }
        sheet.finish()
    }
}

/// 项目名称, 一级指标 and 二级指标 left blank when they repeat the row above.
fn fill_down(sheet: &mut SheetWriter<'_>, first_row: u32, p: &Project) -> Result<(), XlsxError> {
    let mut above: Option<&Indicator> = None;
    for (row, ind) in (first_row..).zip(&p.indicators) {
        if above.is_none() {
            sheet.text_wrapped(row, 0, &p.name, true)?;
        } else {
            sheet.blank_wrapped(row, 0, true)?;
        }
        if above.is_some_and(|a| a.level1 == ind.level1) {
            sheet.blank_wrapped(row, 1, true)?;
        } else {
            sheet.text_wrapped(row, 1, &ind.level1, true)?;
        }
        if above.is_some_and(|a| a.level2 == ind.level2) {
            sheet.blank_wrapped(row, 2, true)?;
        } else {
            sheet.text_wrapped(row, 2, &ind.level2, true)?;
        }
        above = Some(ind);
    }
    Ok(())
}

/// 项目名称, runs of equal 一级指标, and runs of equal 二级指标 within a 一级指标, as merged cells.
fn merged(sheet: &mut SheetWriter<'_>, first_row: u32, p: &Project) -> Result<(), XlsxError> {
    let rows = p.indicators.len() as u32;
    sheet.span(first_row, first_row + rows - 1, 0, &p.name)?;
    for (start, len) in runs(&p.indicators, |a, b| a.level1 == b.level1) {
        let first = first_row + start as u32;
        let text = &p.indicators[start].level1;
        sheet.span(first, first + len as u32 - 1, 1, text)?;
    }
    let same_level2 = |a: &Indicator, b: &Indicator| a.level1 == b.level1 && a.level2 == b.level2;
    for (start, len) in runs(&p.indicators, same_level2) {
        let first = first_row + start as u32;
        let text = &p.indicators[start].level2;
        sheet.span(first, first + len as u32 - 1, 2, text)?;
    }
    Ok(())
}

/// Maximal runs of consecutive items that are `same` as their predecessor: (start, length).
fn runs<T>(items: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match out.last_mut() {
            Some((start, len)) if same(&items[*start], item) => *len += 1,
            _ => out.push((i, 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_group_consecutive_equal_items() {
        let items = ["a", "a", "b", "a", "a", "a"];
        assert_eq!(runs(&items, |x, y| x == y), vec![(0, 2), (2, 1), (3, 3)]);
        assert!(runs::<&str>(&[], |x, y| x == y).is_empty());
    }

    #[test]
    fn writes_the_reference_department_deterministically() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
        let d = crate::reference::department();
        write_department(&d, &a).unwrap();
        write_department(&d, &b).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    }
}
