//! Write: the domain model → a department workbook that follows the input contract
//! (`../shared/spec/workbook.md`), laid out as a finance department would fill it in.
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
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2021, 1, 1)?.and_hms(0, 0, 0)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&department.title)
            .set_author(&department.compiled_by)
            .set_creation_datetime(&created),
    );
    let styles = Styles::new();

    basic_info(workbook.add_worksheet(), department, &styles)?;
    content_sheet(
        workbook.add_worksheet(),
        "总体绩效目标",
        &department.overall_goals,
        &styles,
    )?;
    sub_goals(workbook.add_worksheet(), department, &styles)?;
    content_sheet(
        workbook.add_worksheet(),
        "工作保障措施",
        &department.measures,
        &styles,
    )?;
    projects(workbook.add_worksheet(), &department.projects, &styles)?;
    project_goals(workbook.add_worksheet(), &department.projects, &styles)?;
    project_indicators(workbook.add_worksheet(), &department.projects, &styles)?;
    Ok(workbook)
}

/// The cell formats used throughout.
struct Styles {
    header: Format,
    text: Format,
    wrapped: Format,
    number: Format,
    merged: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9E1F2"),
            text: cell.clone(),
            wrapped: cell.clone().set_text_wrap(),
            number: cell.clone(),
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

/// Names the sheet, writes the bold header row, freezes it and sets the column widths.
fn table(
    sheet: &mut Worksheet,
    name: &str,
    columns: &[(&str, f64)],
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (col, (header, width)) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, col, *header, &styles.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn money(d: Decimal) -> f64 {
    d.normalize().to_f64().unwrap_or(f64::NAN)
}

fn basic_info(sheet: &mut Worksheet, d: &Department, styles: &Styles) -> Result<(), XlsxError> {
    table(sheet, "基本信息", &[("字段", 14.0), ("内容", 50.0)], styles)?;
    let mut row = 1;
    let mut field = |sheet: &mut Worksheet, name: &str| -> Result<u32, XlsxError> {
        sheet.write_string_with_format(row, 0, name, &styles.text)?;
        row += 1;
        Ok(row - 1)
    };
    let r = field(sheet, "部门名称")?;
    sheet.write_string_with_format(r, 1, &d.name, &styles.text)?;
    let r = field(sheet, "年度")?;
    sheet.write_number_with_format(r, 1, d.year, &styles.number)?;
    let r = field(sheet, "编制单位")?;
    sheet.write_string_with_format(r, 1, &d.compiled_by, &styles.text)?;
    let r = field(sheet, "审核单位")?;
    optional_text(sheet, r, 1, d.reviewed_by.as_deref(), &styles.text)?;
    let r = field(sheet, "部门编码")?;
    optional_text(sheet, r, 1, d.code.as_deref(), &styles.text)?;
    if d.title != Department::default_title(&d.name, d.year) {
        let r = field(sheet, "文档标题")?;
        sheet.write_string_with_format(r, 1, &d.title, &styles.text)?;
    }
    Ok(())
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

/// A one-column `内容` sheet: one paragraph or measure per row.
fn content_sheet(
    sheet: &mut Worksheet,
    name: &str,
    paragraphs: &[String],
    styles: &Styles,
) -> Result<(), XlsxError> {
    table(sheet, name, &[("内容", 100.0)], styles)?;
    for (row, p) in (1u32..).zip(paragraphs) {
        sheet.write_string_with_format(row, 0, p, &styles.wrapped)?;
    }
    Ok(())
}

fn sub_goals(sheet: &mut Worksheet, d: &Department, styles: &Styles) -> Result<(), XlsxError> {
    table(
        sheet,
        "分项绩效目标",
        &[("名称", 30.0), ("绩效目标", 60.0), ("绩效指标", 60.0)],
        styles,
    )?;
    for (row, g) in (1u32..).zip(&d.sub_goals) {
        sheet.write_string_with_format(row, 0, &g.name, &styles.wrapped)?;
        sheet.write_string_with_format(row, 1, &g.target, &styles.wrapped)?;
        sheet.write_string_with_format(row, 2, &g.indicators, &styles.wrapped)?;
    }
    Ok(())
}

fn projects(sheet: &mut Worksheet, projects: &[Project], styles: &Styles) -> Result<(), XlsxError> {
    table(
        sheet,
        "项目",
        &[
            ("项目编码", 14.0),
            ("项目名称", 28.0),
            ("预算数（万元）", 15.0),
            ("财政资金（万元）", 17.0),
            ("其他资金（万元）", 17.0),
            ("资金用途", 50.0),
            ("3月底", 9.0),
            ("6月底", 9.0),
            ("10月底", 9.0),
            ("12月底", 9.0),
        ],
        styles,
    )?;
    for (row, p) in (1u32..).zip(projects) {
        optional_text(sheet, row, 0, p.code.as_deref(), &styles.text)?;
        sheet.write_string_with_format(row, 1, &p.name, &styles.wrapped)?;
        sheet.write_number_with_format(row, 2, money(p.budget), &styles.number)?;
        sheet.write_number_with_format(row, 3, money(p.fiscal_funds), &styles.number)?;
        sheet.write_number_with_format(row, 4, money(p.other_funds), &styles.number)?;
        sheet.write_string_with_format(row, 5, &p.purpose, &styles.wrapped)?;
        for (col, (_, percent)) in (6u16..).zip(p.spending_plan.checkpoints()) {
            let fraction = money(percent / Decimal::ONE_HUNDRED);
            sheet.write_number_with_format(row, col, fraction, &styles.percent(percent))?;
        }
    }
    Ok(())
}

fn project_goals(
    sheet: &mut Worksheet,
    projects: &[Project],
    styles: &Styles,
) -> Result<(), XlsxError> {
    table(
        sheet,
        "项目目标",
        &[("项目名称", 28.0), ("目标", 80.0)],
        styles,
    )?;
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
    sheet: &mut Worksheet,
    projects: &[Project],
    styles: &Styles,
) -> Result<(), XlsxError> {
    table(
        sheet,
        "项目指标",
        &[
            ("项目名称", 24.0),
            ("一级指标", 12.0),
            ("二级指标", 18.0),
            ("三级指标", 26.0),
            ("绩效指标描述", 40.0),
            ("指标值", 10.0),
            ("指标值确定依据", 16.0),
        ],
        styles,
    )?;
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
