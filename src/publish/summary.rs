//! The summary workbook (汇总表) of a run, `build --summary FILE.xlsx`:
//!
//! - `部门` — one row per workbook: 部门名称, 部门编码, 年度, 项目数, 预算数合计, 财政资金合计,
//!   其他资金合计, 指标数, 警告, 错误, 状态, PDF 文件, 工作簿; then a `合计` row.
//! - `项目` — every project of every department: 部门名称, 部门编码, 项目编码, 项目名称, 预算数,
//!   财政资金, 其他资金, 目标数, 指标数; then a `合计` row.
//!
//! - `自评部门`, `自评项目` — when the run has self-evaluations (绩效自评报告), which the first
//!   two sheets leave out: each department's 全年预算数, 全年执行数, 执行率 (and 部门整体 总分
//!   and 等级 when scored), each project's 执行率, 总分 and 等级, and which of its 得分 were left
//!   blank and computed by the rules.
//!
//! Money is in 万元, summed as exact decimals and written as numbers (rust_xlsxwriter's
//! `rust_decimal` support: Excel keeps every number as a double, which holds any amount to the
//! 元 exactly) with the format `#,##0.00##`. Rows follow the volume's order (部门编码, then
//! 部门名称); departments that failed come last, with what is known of them. The workbook is
//! written to a temporary file and renamed into place; its properties carry no clock time.

use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::member::Member;
use crate::build::Status;
use crate::error::Error;
use crate::evaluation::{Amounts, score};
use crate::model::Department;
use crate::output;

/// Sheet names.
pub const DEPARTMENTS: &str = "部门";
pub const PROJECTS: &str = "项目";
/// The self-evaluations' sheets, when the run has any.
pub const EVALUATION_DEPARTMENTS: &str = "自评部门";
pub const EVALUATION_PROJECTS: &str = "自评项目";

/// Money: 万元 with a thousands separator, two to four decimals (to the 元).
const MONEY_FORMAT: &str = "#,##0.00##";

const DEPARTMENT_COLUMNS: &[(&str, f64)] = &[
    ("部门名称", 28.0),
    ("部门编码", 10.0),
    ("年度", 7.0),
    ("项目数", 7.0),
    ("预算数合计（万元）", 16.0),
    ("财政资金合计（万元）", 18.0),
    ("其他资金合计（万元）", 18.0),
    ("指标数", 7.0),
    ("警告", 6.0),
    ("错误", 6.0),
    ("状态", 8.0),
    ("PDF 文件", 40.0),
    ("工作簿", 40.0),
];

const PROJECT_COLUMNS: &[(&str, f64)] = &[
    ("部门名称", 28.0),
    ("部门编码", 10.0),
    ("项目编码", 14.0),
    ("项目名称", 30.0),
    ("预算数（万元）", 14.0),
    ("财政资金（万元）", 16.0),
    ("其他资金（万元）", 16.0),
    ("目标数", 7.0),
    ("指标数", 7.0),
];

/// The status as printed.
fn status(member: &Member) -> &'static str {
    match (member.report.status, member.department.is_some()) {
        (Status::Built, true) => "已生成",
        (Status::Unchanged, true) => "未变",
        _ => "失败",
    }
}

/// (预算数, 财政资金, 其他资金) summed over the department's projects.
pub fn money(department: &Department) -> [Decimal; 3] {
    department.projects.iter().fold([Decimal::ZERO; 3], |t, p| {
        [t[0] + p.budget, t[1] + p.fiscal_funds, t[2] + p.other_funds]
    })
}

/// Writes the summary workbook of `members` to `path`, atomically.
pub fn write(members: &[Member], path: &Path) -> Result<(), Error> {
    let bytes = workbook(members)
        .and_then(|mut book| book.save_to_buffer())
        .map_err(|e| Error::failed(format!("无法生成汇总表：{e}")))?;
    output::write_atomic(path, &bytes).map_err(|e| Error::io("无法写入", path, e))
}

/// The summary workbook.
pub fn workbook(members: &[Member]) -> Result<Workbook, XlsxError> {
    // The goals texts (and the workbooks that failed) here; the self-evaluations on sheets of
    // their own, so that no budget is counted twice.
    let (evaluations, members): (Vec<&Member>, Vec<&Member>) =
        members.iter().partition(|m| m.evaluation.is_some());
    let mut ordered: Vec<&Member> = members;
    ordered.sort_by(|a, b| {
        let key = |m: &Member| {
            m.department
                .as_deref()
                .map(|d| (d.code.is_none(), d.code.clone(), d.name.clone()))
        };
        // Departments with data first (in volume order), failed ones after, in run order.
        (key(a).is_none(), key(a)).cmp(&(key(b).is_none(), key(b)))
    });
    let mut book = crate::xlsx::department::new_workbook("部门预算绩效汇总表", "jixiao")?;
    let header = Format::new()
        .set_bold()
        .set_background_color("#D9E1F2")
        .set_border_bottom(FormatBorder::Thin);
    let money_format = Format::new().set_num_format(MONEY_FORMAT);
    let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    let total_money = total.clone().set_num_format(MONEY_FORMAT);

    let sheet = book.add_worksheet();
    sheet.set_name(DEPARTMENTS)?;
    write_header(sheet, DEPARTMENT_COLUMNS, &header)?;
    let mut row = 1;
    let mut totals = [Decimal::ZERO; 3];
    let (mut projects, mut indicators, mut warnings, mut errors) = (0, 0, 0, 0);
    for m in &ordered {
        sheet.write_string(row, 0, m.name.as_deref().unwrap_or_default())?;
        if let Some(d) = m.department.as_deref() {
            if let Some(code) = &d.code {
                sheet.write_string(row, 1, code)?;
            }
            sheet.write_number(row, 2, d.year)?;
            sheet.write_number(row, 3, d.projects.len() as u32)?;
            let sums = money(d);
            for (k, amount) in sums.iter().enumerate() {
                sheet.write_with_format(row, 4 + k as u16, *amount, &money_format)?;
                totals[k] += amount;
            }
            let n: usize = d.projects.iter().map(|p| p.indicators.len()).sum();
            sheet.write_number(row, 7, n as u32)?;
            projects += d.projects.len();
            indicators += n;
        }
        sheet.write_number(row, 8, m.warnings as u32)?;
        sheet.write_number(row, 9, m.errors as u32)?;
        sheet.write_string(row, 10, status(m))?;
        if let (Some(pdf), Some(_)) = (&m.report.pdf, &m.department) {
            let file = pdf.file_name().unwrap_or(pdf.as_os_str());
            sheet.write_string(row, 11, file.to_string_lossy())?;
        }
        sheet.write_string(row, 12, m.report.file.display().to_string())?;
        warnings += m.warnings;
        errors += m.errors;
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "合计", &total)?;
    sheet.write_number_with_format(row, 3, projects as u32, &total)?;
    for (k, amount) in totals.iter().enumerate() {
        sheet.write_with_format(row, 4 + k as u16, *amount, &total_money)?;
    }
    sheet.write_number_with_format(row, 7, indicators as u32, &total)?;
    sheet.write_number_with_format(row, 8, warnings as u32, &total)?;
    sheet.write_number_with_format(row, 9, errors as u32, &total)?;
    let failed = ordered.iter().filter(|m| m.department.is_none()).count();
    sheet.write_string_with_format(
        row,
        10,
        format!("{} 个部门，失败 {failed} 个", ordered.len()),
        &total,
    )?;
    sheet.set_freeze_panes(1, 0)?;

    let sheet = book.add_worksheet();
    sheet.set_name(PROJECTS)?;
    write_header(sheet, PROJECT_COLUMNS, &header)?;
    let mut row = 1;
    let mut totals = [Decimal::ZERO; 3];
    let (mut goals, mut indicators) = (0, 0);
    for d in ordered.iter().filter_map(|m| m.department.as_deref()) {
        for p in &d.projects {
            sheet.write_string(row, 0, &d.name)?;
            if let Some(code) = &d.code {
                sheet.write_string(row, 1, code)?;
            }
            if let Some(code) = &p.code {
                sheet.write_string(row, 2, code)?;
            }
            sheet.write_string(row, 3, &p.name)?;
            for (k, amount) in [p.budget, p.fiscal_funds, p.other_funds].iter().enumerate() {
                sheet.write_with_format(row, 4 + k as u16, *amount, &money_format)?;
                totals[k] += amount;
            }
            sheet.write_number(row, 7, p.goals.len() as u32)?;
            sheet.write_number(row, 8, p.indicators.len() as u32)?;
            goals += p.goals.len();
            indicators += p.indicators.len();
            row += 1;
        }
    }
    sheet.write_string_with_format(row, 0, "合计", &total)?;
    for (k, amount) in totals.iter().enumerate() {
        sheet.write_with_format(row, 4 + k as u16, *amount, &total_money)?;
    }
    sheet.write_number_with_format(row, 7, goals as u32, &total)?;
    sheet.write_number_with_format(row, 8, indicators as u32, &total)?;
    sheet.set_freeze_panes(1, 0)?;
    if !evaluations.is_empty() {
        self_evaluations(&mut book, &evaluations, &header)?;
    }
    Ok(book)
}

const EVALUATION_COLUMNS: &[(&str, f64)] = &[
    ("部门名称", 28.0),
    ("部门编码", 10.0),
    ("年度", 7.0),
    ("项目数", 7.0),
    ("全年预算数合计（万元）", 20.0),
    ("全年执行数合计（万元）", 20.0),
    ("执行率", 9.0),
    ("部门整体总分", 12.0),
    ("等级", 6.0),
    ("警告", 6.0),
    ("状态", 8.0),
    ("PDF 文件", 40.0),
    ("工作簿", 40.0),
];

const EVALUATION_PROJECT_COLUMNS: &[(&str, f64)] = &[
    ("部门名称", 28.0),
    ("项目名称", 30.0),
    ("全年预算数（万元）", 18.0),
    ("全年执行数（万元）", 18.0),
    ("执行率", 9.0),
    ("总分", 8.0),
    ("等级", 6.0),
    ("按规则计算的得分", 30.0),
];

/// The sheets of the self-evaluations (绩效自评): `自评部门`, one row per department with its
/// projects' money, their 执行率 and (when its 部门整体 table is scored) its 总分 and 等级; and
/// `自评项目`, each project's 执行率, 总分 and 等级 as its 绩效自评表 prints them.
fn self_evaluations(
    book: &mut Workbook,
    members: &[&Member],
    header: &Format,
) -> Result<(), XlsxError> {
    let money_format = Format::new().set_num_format(MONEY_FORMAT);
    let rate = score::rate_text;
    let sheet = book.add_worksheet();
    sheet.set_name(EVALUATION_DEPARTMENTS)?;
    write_header(sheet, EVALUATION_COLUMNS, header)?;
    let documents = members.iter().filter_map(|m| {
        let (d, e) = (m.department.as_deref()?, m.evaluation.as_deref()?);
        Some((m, d, e))
    });
    let documents: Vec<_> = documents.collect();
    for (row, (m, d, e)) in (1u32..).zip(&documents) {
        sheet.write_string(row, 0, &d.name)?;
        if let Some(code) = &d.code {
            sheet.write_string(row, 1, code)?;
        }
        sheet.write_number(row, 2, d.year)?;
        sheet.write_number(row, 3, d.projects.len() as u32)?;
        let sum = e
            .projects
            .iter()
            .fold(Amounts::default(), |s, p| s + p.total());
        sheet.write_with_format(row, 4, sum.full_year, &money_format)?;
        sheet.write_with_format(row, 5, sum.executed, &money_format)?;
        if let Some(r) = rate(&sum) {
            sheet.write_string(row, 6, r)?;
        }
        if !d.department_indicators.is_empty() {
            let own = &e.department_indicators;
            let scored = score::table(&d.department_indicators, own, &e.department_total());
            sheet.write_with_format(row, 7, scored.total, &money_format)?;
            sheet.write_string(row, 8, scored.grade.label())?;
        }
        sheet.write_number(row, 9, m.warnings as u32)?;
        sheet.write_string(row, 10, status(m))?;
        if let Some(pdf) = &m.report.pdf {
            let file = pdf.file_name().unwrap_or(pdf.as_os_str());
            sheet.write_string(row, 11, file.to_string_lossy())?;
        }
        sheet.write_string(row, 12, m.report.file.display().to_string())?;
    }
    sheet.set_freeze_panes(1, 0)?;

    let sheet = book.add_worksheet();
    sheet.set_name(EVALUATION_PROJECTS)?;
    write_header(sheet, EVALUATION_PROJECT_COLUMNS, header)?;
    let mut row = 1;
    for (_, d, e) in &documents {
        for (p, pe) in d.projects.iter().zip(&e.projects) {
            let total = pe.total();
            let scored = score::table(&p.indicators, &pe.indicators, &total);
            sheet.write_string(row, 0, &d.name)?;
            sheet.write_string(row, 1, &p.name)?;
            sheet.write_with_format(row, 2, total.full_year, &money_format)?;
            sheet.write_with_format(row, 3, total.executed, &money_format)?;
            if let Some(r) = rate(&total) {
                sheet.write_string(row, 4, r)?;
            }
            sheet.write_with_format(row, 5, scored.total, &money_format)?;
            sheet.write_string(row, 6, scored.grade.label())?;
            // Which 得分 the department left blank and the rules computed.
            let computed: Vec<&str> = score::yearly(&p.indicators, &pe.indicators)
                .filter(|(i, o)| matches!(score::scoring(i, o), score::Scoring::Computed(_)))
                .map(|(i, _)| i.level3.as_str())
                .collect();
            sheet.write_string(row, 7, computed.join("、"))?;
            row += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_header(
    sheet: &mut Worksheet,
    columns: &[(&str, f64)],
    format: &Format,
) -> Result<(), XlsxError> {
    for (i, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *name, format)?;
        sheet.set_column_width(i as u16, *width)?;
    }
    Ok(())
}
