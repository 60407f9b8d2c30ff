//! Write: the domain model → a department workbook that follows the input contract
//! (`docs/workbook.md`), laid out as a finance department would fill it in.
//!
//! Used to produce the reference workbook (`examples/make_reference.rs`) and test fixtures. In
//! `项目指标` the first project uses fill-down (blank cells meaning "same as above") and every
//! later project uses merged cells, so that a reader of the output meets both conventions.
//! Money is written as numbers (万元), spending-plan percentages as fractions with a percent number
//! format (25% is stored as 0.25), 年度 as a number. The file's creation time is fixed, so the same
//! department always gives the same bytes.

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::model::{Department, Indicator, Project};

/// Writes `department` as a workbook at `path` (`.xlsx`).
pub fn write_department(department: &Department, path: &Path) -> Result<(), XlsxError> {
    to_workbook(department)?.save(path)
}

/// `department` as an in-memory workbook, for callers (tests) that change a cell before saving.
pub fn to_workbook(department: &Department) -> Result<Workbook, XlsxError> {
    let mut workbook = new_workbook(&department.title, &department.compiled_by)?;
    write_sheets(&mut workbook, department, Layout::Plain)?;
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
    /// The form a department fills in (`crate::fill_in`): every 基本信息 field listed, even when
    /// blank; at least [`FORM_ROWS`] data rows pre-formatted (borders, wrapping, money and percent
    /// number formats) and the same formats on the whole column; money with a thousands
    /// separator.
    Form,
}

/// Data rows pre-formatted in a [`Layout::Form`] table sheet (more when the data has more).
pub(crate) const FORM_ROWS: u32 = 200;

/// What a column holds, which decides its cell format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Short text.
    Text,
    /// Long text, wrapped.
    Wrapped,
    /// 万元.
    Money,
    /// Percent, stored as a fraction.
    Percent,
}

/// A column of a contract sheet as written: header, width, and the note explaining it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub header: &'static str,
    pub width: f64,
    pub kind: Kind,
    pub note: &'static str,
}

const fn column(header: &'static str, width: f64, kind: Kind, note: &'static str) -> Column {
    Column {
        header,
        width,
        kind,
        note,
    }
}

/// Sheet names of the contract.
pub(crate) const INFO: &str = "基本信息";
pub(crate) const OVERALL: &str = "总体绩效目标";
pub(crate) const SUB_GOALS: &str = "分项绩效目标";
pub(crate) const MEASURES: &str = "工作保障措施";
pub(crate) const PROJECTS: &str = "项目";
pub(crate) const GOALS: &str = "项目目标";
pub(crate) const INDICATORS: &str = "项目指标";

pub(crate) const INFO_COLUMNS: &[Column] = &[
    column(
        "字段",
        14.0,
        Kind::Text,
        "字段名称，已列出，请勿修改。部门名称、年度、编制单位必填；审核单位、部门编码、文档标题可以不填。",
    ),
    column(
        "内容",
        50.0,
        Kind::Text,
        "在此列填写每个字段的内容。鼠标停在左边的字段名上可看到该字段的说明。",
    ),
];

/// 基本信息 fields in order, with the note on each.
pub(crate) const FIELDS: &[(&str, &str)] = &[
    (
        "部门名称",
        "必填。部门名称，印在封面和文档标题中，如“唐山高新区行政服务中心”。",
    ),
    ("年度", "必填。预算年度，四位数的年份，如 2021。"),
    (
        "编制单位",
        "必填。印在封面上，显示为“……编制”，如“唐山高新技术产业开发区行政服务中心”。",
    ),
    (
        "审核单位",
        "可以不填。印在封面上，显示为“……审核”，如“高新区财政局”。",
    ),
    ("部门编码", "可以不填。部门的编码。"),
    (
        "文档标题",
        "可以不填。不填时为“{部门名称}{年度}年部门预算绩效文本”；填写后按所填内容印在封面上，PDF 文件也以它命名。",
    ),
];

const OVERALL_COLUMNS: &[Column] = &[column(
    "内容",
    100.0,
    Kind::Wrapped,
    "必填。部门整体的总体绩效目标，每行一段，按顺序印在“一、总体绩效目标”下。单元格内换行（Alt+Enter）也另起一段。",
)];

const SUB_GOAL_COLUMNS: &[Column] = &[
    column(
        "名称",
        30.0,
        Kind::Wrapped,
        "必填。分项绩效目标的名称，如“党政综合事务”。每行一个分项，输出时按顺序编号 1、2、3……",
    ),
    column(
        "绩效目标",
        60.0,
        Kind::Wrapped,
        "必填。该分项的绩效目标（文字）。",
    ),
    column(
        "绩效指标",
        60.0,
        Kind::Wrapped,
        "必填。该分项的绩效指标（文字）。",
    ),
];

const MEASURE_COLUMNS: &[Column] = &[column(
    "内容",
    100.0,
    Kind::Wrapped,
    "工作保障措施，每行一条，输出时按顺序编号 1、2、3……。本表可以不填。",
)];

const PROJECT_COLUMNS: &[Column] = &[
    column("项目编码", 14.0, Kind::Text, "可以不填，不填时印为“————”。"),
    column(
        "项目名称",
        28.0,
        Kind::Wrapped,
        "必填，工作簿内不能重复。“项目目标”“项目指标”两表按这个名称对应到项目，须一字不差。",
    ),
    column(
        "预算数（万元）",
        15.0,
        Kind::Money,
        "必填，单位万元，不能为负数。应等于财政资金加其他资金。按元填写时请把列标题改为“预算数（元）”。",
    ),
    column(
        "财政资金（万元）",
        17.0,
        Kind::Money,
        "必填，单位万元，不能为负数。",
    ),
    column(
        "其他资金（万元）",
        17.0,
        Kind::Money,
        "可以不填，不填即为 0。单位万元，不能为负数。",
    ),
    column(
        "资金用途",
        50.0,
        Kind::Wrapped,
        "必填。资金的用途（文字）。",
    ),
    column(
        "3月底",
        9.0,
        Kind::Percent,
        "必填。截至3月底的累计支出进度，0%–100%。直接输入 25 即为 25%。",
    ),
    column(
        "6月底",
        9.0,
        Kind::Percent,
        "必填。截至6月底的累计支出进度，0%–100%，不能低于3月底。",
    ),
    column(
        "10月底",
        9.0,
        Kind::Percent,
        "必填。截至10月底的累计支出进度，0%–100%，不能低于6月底。",
    ),
    column(
        "12月底",
        9.0,
        Kind::Percent,
        "必填。截至12月底的累计支出进度，不能低于10月底，通常为 100%。",
    ),
];

const GOAL_COLUMNS: &[Column] = &[
    column(
        "项目名称",
        28.0,
        Kind::Wrapped,
        "必填，须与“项目”表中的项目名称一致，可从下拉列表选择。",
    ),
    column(
        "目标",
        80.0,
        Kind::Wrapped,
        "必填。每行一个目标；同一项目的多个目标按顺序印为目标1、目标2……每个项目至少一个目标。",
    ),
];

pub(crate) const INDICATOR_COLUMNS: &[Column] = &[
    column(
        "项目名称",
        24.0,
        Kind::Wrapped,
        "须与“项目”表中的项目名称一致，可从下拉列表选择。留空表示与上一行相同（也可以合并单元格）。",
    ),
    column(
        "一级指标",
        12.0,
        Kind::Wrapped,
        "从下拉列表选择：产出指标、效果指标或效益指标、满意度指标、成本指标。留空表示与上一行相同。",
    ),
    column(
        "二级指标",
        18.0,
        Kind::Wrapped,
        "从下拉列表选择，列表随一级指标变化（如产出指标下为数量、质量、时效、成本指标）。留空表示与上一行相同。",
    ),
    column(
        "三级指标",
        26.0,
        Kind::Wrapped,
        "必填。具体的指标名称，如“项目完成率”。同一项目内不要重复。",
    ),
    column(
        "绩效指标描述",
        40.0,
        Kind::Wrapped,
        "可以不填。对指标的说明。",
    ),
    column(
        "指标值",
        10.0,
        Kind::Text,
        "必填。如 ≥95%、=0次、≤5天、100%。可以输入 >=、<=，输出时印为 ≥、≤。应含有数字（定量）。",
    ),
    column(
        "指标值确定依据",
        16.0,
        Kind::Wrapped,
        "可以不填。如“历史标准”“计划标准”“行业标准”。",
    ),
];

/// The seven sheets of the contract, in the order they are written, with their columns.
pub(crate) const SHEETS: &[(&str, &[Column])] = &[
    (INFO, INFO_COLUMNS),
    (OVERALL, OVERALL_COLUMNS),
    (SUB_GOALS, SUB_GOAL_COLUMNS),
    (MEASURES, MEASURE_COLUMNS),
    (PROJECTS, PROJECT_COLUMNS),
    (GOALS, GOAL_COLUMNS),
    (INDICATORS, INDICATOR_COLUMNS),
];

/// The index of the column headed `header` in `columns`.
pub(crate) fn column_index(columns: &[Column], header: &str) -> u16 {
    columns
        .iter()
        .position(|c| c.header == header)
        .expect("a column of the contract") as u16
}

/// Writes the seven sheets of the contract with `department`'s data into `workbook`.
pub(crate) fn write_sheets(
    workbook: &mut Workbook,
    department: &Department,
    layout: Layout,
) -> Result<(), XlsxError> {
    let w = Writer {
        styles: Styles::new(layout),
        layout,
    };
    w.basic_info(workbook.add_worksheet(), department)?;
    w.content_sheet(
        workbook.add_worksheet(),
        OVERALL,
        OVERALL_COLUMNS,
        &department.overall_goals,
    )?;
    w.sub_goals(workbook.add_worksheet(), department)?;
    w.content_sheet(
        workbook.add_worksheet(),
        MEASURES,
        MEASURE_COLUMNS,
        &department.measures,
    )?;
    w.projects(workbook.add_worksheet(), &department.projects)?;
    w.project_goals(workbook.add_worksheet(), &department.projects)?;
    w.project_indicators(workbook.add_worksheet(), &department.projects)?;
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

    /// The format of an empty data cell of a column of `kind` in a form.
    fn blank(&self, kind: Kind) -> Format {
        match kind {
            Kind::Text => self.text.clone(),
            Kind::Wrapped => self.wrapped.clone(),
            Kind::Money => self.money.clone(),
            Kind::Percent => self.percent(Decimal::ZERO),
        }
    }
}

/// The format of a whole column of `kind` in a form (beyond the pre-formatted rows): no borders.
fn column_format(kind: Kind) -> Option<Format> {
    let cell = Format::new().set_align(FormatAlign::VerticalCenter);
    match kind {
        Kind::Text => None,
        Kind::Wrapped => Some(cell.set_text_wrap()),
        Kind::Money => Some(cell.set_num_format(MONEY_FORMAT)),
        Kind::Percent => Some(cell.set_num_format("0%")),
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

struct Writer {
    styles: Styles,
    layout: Layout,
}

impl Writer {
    fn form(&self) -> bool {
        self.layout == Layout::Form
    }

    /// Names the sheet, writes the bold header row, freezes it and sets the column widths; in a
    /// form, also formats whole columns and pre-formats the data rows (at least [`FORM_ROWS`],
    /// and `used` rows at least) before any data is written.
    fn table(
        &self,
        sheet: &mut Worksheet,
        name: &str,
        columns: &[Column],
        used: Option<usize>,
    ) -> Result<(), XlsxError> {
        sheet.set_name(name)?;
        for (col, c) in (0u16..).zip(columns) {
            sheet.write_string_with_format(0, col, c.header, &self.styles.header)?;
            sheet.set_column_width(col, c.width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        if let (true, Some(used)) = (self.form(), used) {
            let last = FORM_ROWS.max(used as u32);
            for (col, c) in (0u16..).zip(columns) {
                if let Some(format) = column_format(c.kind) {
                    sheet.set_column_format(col, &format)?;
                }
                let blank = self.styles.blank(c.kind);
                for row in 1..=last {
                    sheet.write_blank(row, col, &blank)?;
                }
            }
        }
        Ok(())
    }

    fn basic_info(&self, sheet: &mut Worksheet, d: &Department) -> Result<(), XlsxError> {
        let styles = &self.styles;
        self.table(sheet, INFO, INFO_COLUMNS, None)?;
        fn optional(v: Option<&str>) -> Value<'_> {
            v.map_or(Value::Blank, Value::Text)
        }
        let title = if d.title != Department::default_title(&d.name, d.year) {
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
        ];
        for (row, (&(field, _), value)) in (1u32..).zip(FIELDS.iter().zip(values)) {
            // Without a form, a default title is simply left out.
            if field == "文档标题" && !self.form() && matches!(value, Value::Blank) {
                continue;
            }
            sheet.write_string_with_format(row, 0, field, &styles.text)?;
            match value {
                Value::Text(t) if !(self.form() && t.is_empty()) => {
                    sheet.write_string_with_format(row, 1, t, &styles.text)?;
                }
                Value::Year(y) if !(self.form() && y == 0) => {
                    sheet.write_number_with_format(row, 1, y, &styles.number)?;
                }
                _ => {
                    sheet.write_blank(row, 1, &styles.text)?;
                }
            }
        }
        Ok(())
    }

    /// A one-column `内容` sheet: one paragraph or measure per row.
    fn content_sheet(
        &self,
        sheet: &mut Worksheet,
        name: &str,
        columns: &[Column],
        paragraphs: &[String],
    ) -> Result<(), XlsxError> {
        self.table(sheet, name, columns, Some(paragraphs.len()))?;
        for (row, p) in (1u32..).zip(paragraphs) {
            sheet.write_string_with_format(row, 0, p, &self.styles.wrapped)?;
        }
        Ok(())
    }

    fn sub_goals(&self, sheet: &mut Worksheet, d: &Department) -> Result<(), XlsxError> {
        let styles = &self.styles;
        self.table(sheet, SUB_GOALS, SUB_GOAL_COLUMNS, Some(d.sub_goals.len()))?;
        for (row, g) in (1u32..).zip(&d.sub_goals) {
            sheet.write_string_with_format(row, 0, &g.name, &styles.wrapped)?;
            sheet.write_string_with_format(row, 1, &g.target, &styles.wrapped)?;
            sheet.write_string_with_format(row, 2, &g.indicators, &styles.wrapped)?;
        }
        Ok(())
    }

    fn projects(&self, sheet: &mut Worksheet, projects: &[Project]) -> Result<(), XlsxError> {
        let styles = &self.styles;
        self.table(sheet, PROJECTS, PROJECT_COLUMNS, Some(projects.len()))?;
        for (row, p) in (1u32..).zip(projects) {
            optional_text(sheet, row, 0, p.code.as_deref(), &styles.text)?;
            sheet.write_string_with_format(row, 1, &p.name, &styles.wrapped)?;
            sheet.write_number_with_format(row, 2, money(p.budget), &styles.money)?;
            sheet.write_number_with_format(row, 3, money(p.fiscal_funds), &styles.money)?;
            sheet.write_number_with_format(row, 4, money(p.other_funds), &styles.money)?;
            sheet.write_string_with_format(row, 5, &p.purpose, &styles.wrapped)?;
            for (col, (_, percent)) in (6u16..).zip(p.spending_plan.checkpoints()) {
                let fraction = money(percent / Decimal::ONE_HUNDRED);
                sheet.write_number_with_format(row, col, fraction, &styles.percent(percent))?;
            }
        }
        Ok(())
    }

    fn project_goals(&self, sheet: &mut Worksheet, projects: &[Project]) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let count = projects.iter().map(|p| p.goals.len()).sum();
        self.table(sheet, GOALS, GOAL_COLUMNS, Some(count))?;
        let goals = projects
            .iter()
            .flat_map(|p| p.goals.iter().map(move |g| (&p.name, g)));
        for (row, (name, goal)) in (1u32..).zip(goals) {
            sheet.write_string_with_format(row, 0, name, &styles.wrapped)?;
            sheet.write_string_with_format(row, 1, goal, &styles.wrapped)?;
        }
        Ok(())
    }

    fn project_indicators(
        &self,
        sheet: &mut Worksheet,
        projects: &[Project],
    ) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let count = projects.iter().map(|p| p.indicators.len()).sum();
        self.table(sheet, INDICATORS, INDICATOR_COLUMNS, Some(count))?;
        let mut row = 1u32;
        for (i, p) in projects.iter().enumerate() {
            if p.indicators.is_empty() {
                continue;
            }
            if i == 0 {
                fill_down(sheet, row, p, styles)?;
            } else {
                merged(sheet, row, p, styles)?;
            }
            for (r, ind) in (row..).zip(&p.indicators) {
                sheet.write_string_with_format(r, 3, &ind.level3, &styles.wrapped)?;
                sheet.write_string_with_format(r, 4, &ind.description, &styles.wrapped)?;
                sheet.write_string_with_format(r, 5, &ind.value.text, &styles.text)?;
                sheet.write_string_with_format(r, 6, &ind.basis, &styles.wrapped)?;
            }
            row += p.indicators.len() as u32;
        }
        Ok(())
    }
}

fn optional_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: Option<&str>,
    format: &Format,
) -> Result<(), XlsxError> {
    match text {
        Some(t) => sheet.write_string_with_format(row, col, t, format)?,
        None => sheet.write_blank(row, col, format)?,
    };
    Ok(())
}

/// 项目名称, 一级指标 and 二级指标 left blank when they repeat the row above.
fn fill_down(
    sheet: &mut Worksheet,
    first_row: u32,
    p: &Project,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let mut above: Option<&Indicator> = None;
    for (row, ind) in (first_row..).zip(&p.indicators) {
        if above.is_none() {
            sheet.write_string_with_format(row, 0, &p.name, &styles.wrapped)?;
        } else {
            sheet.write_blank(row, 0, &styles.wrapped)?;
        }
        if above.is_some_and(|a| a.level1 == ind.level1) {
            sheet.write_blank(row, 1, &styles.wrapped)?;
        } else {
            sheet.write_string_with_format(row, 1, &ind.level1, &styles.wrapped)?;
        }
        if above.is_some_and(|a| a.level2 == ind.level2) {
            sheet.write_blank(row, 2, &styles.wrapped)?;
        } else {
            sheet.write_string_with_format(row, 2, &ind.level2, &styles.wrapped)?;
        }
        above = Some(ind);
    }
    Ok(())
}

/// 项目名称, runs of equal 一级指标, and runs of equal 二级指标 within a 一级指标, as merged cells.
fn merged(
    sheet: &mut Worksheet,
    first_row: u32,
    p: &Project,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let rows = p.indicators.len() as u32;
    span(
        sheet,
        first_row,
        first_row + rows - 1,
        0,
        &p.name,
        &styles.merged,
    )?;
    for (start, len) in runs(&p.indicators, |a, b| a.level1 == b.level1) {
        let first = first_row + start as u32;
        span(
            sheet,
            first,
            first + len as u32 - 1,
            1,
            &p.indicators[start].level1,
            &styles.merged,
        )?;
    }
    let same_level2 = |a: &Indicator, b: &Indicator| a.level1 == b.level1 && a.level2 == b.level2;
    for (start, len) in runs(&p.indicators, same_level2) {
        let first = first_row + start as u32;
        span(
            sheet,
            first,
            first + len as u32 - 1,
            2,
            &p.indicators[start].level2,
            &styles.merged,
        )?;
    }
    Ok(())
}

/// Writes `text` over rows `first..=last` of `col`: merged when that is more than one cell.
fn span(
    sheet: &mut Worksheet,
    first: u32,
    last: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if last > first {
        sheet.merge_range(first, col, last, col, text, format)?;
    } else {
        sheet.write_string_with_format(first, col, text, format)?;
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
