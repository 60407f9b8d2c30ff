//! What `jixiao check` reports: findings grouped by department, as text, as JSON, and as a
//! findings workbook (审核意见表) a finance bureau can send back to each department.
//!
//! - Groups come in the order of the files; within a group errors come before warnings, and
//!   otherwise the order of the checks (sheet by sheet, row by row) is kept.
//! - The workbook has an overview sheet (`总览`: 部门, 文件, 工作表, 单元格, 严重程度, 规则, 说明)
//!   and one sheet per department named after it (at most 31 characters, without `[]:*?/\`,
//!   unique), with the same columns but the first two.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde::Serialize;

use crate::build;
use crate::check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::xlsx::style::{self, RowHeights};

/// The findings about one workbook (one department).
#[derive(Debug, Clone)]
pub struct Group {
    pub file: PathBuf,
    /// 部门名称, when the workbook states one.
    pub department: Option<String>,
    /// Errors first, then warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// True when the file is a workbook that was checked (false for a path that was not found).
    pub checked: bool,
}

impl Group {
    fn new(
        file: PathBuf,
        department: Option<String>,
        mut diagnostics: Vec<Diagnostic>,
        checked: bool,
    ) -> Self {
        // Stable: the order of the checks is kept within a severity.
        diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
        Self {
            file,
            department,
            diagnostics,
            checked,
        }
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        severity.count(&self.diagnostics)
    }

    /// The department's name, or the file's stem when the workbook does not say.
    pub fn label(&self) -> String {
        self.department.clone().unwrap_or_else(|| {
            self.file
                .file_stem()
                .unwrap_or(self.file.as_os_str())
                .to_string_lossy()
                .into_owned()
        })
    }
}

/// Everything one `check` run found.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub groups: Vec<Group>,
}

impl Findings {
    /// Workbooks checked.
    pub fn departments(&self) -> usize {
        self.groups.iter().filter(|g| g.checked).count()
    }

    pub fn errors(&self) -> usize {
        self.groups.iter().map(Group::errors).sum()
    }

    pub fn warnings(&self) -> usize {
        self.groups.iter().map(Group::warnings).sum()
    }

    /// Workbooks with at least one error.
    pub fn failed(&self) -> usize {
        self.groups.iter().filter(|g| g.errors() > 0).count()
    }

    /// The closing line: `共检查 3 个部门：通过 2 个，未通过 1 个；错误 2 个，警告 1 个`.
    pub fn summary(&self) -> String {
        let departments = self.departments();
        let failed = self
            .groups
            .iter()
            .filter(|g| g.checked && g.errors() > 0)
            .count();
        format!(
            "共检查 {departments} 个部门：通过 {} 个，未通过 {failed} 个；错误 {} 个，警告 {} 个",
            departments - failed,
            self.errors(),
            self.warnings()
        )
    }

    /// Every finding grouped by department, as printed by `jixiao check`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for g in &self.groups {
            let status = match (g.errors(), g.warnings()) {
                (0, 0) => "通过".to_string(),
                (0, w) => format!("通过（{w} 个警告）"),
                (e, 0) => format!("未通过（{e} 个错误）"),
                (e, w) => format!("未通过（{e} 个错误，{w} 个警告）"),
            };
            let title = match &g.department {
                Some(name) => format!("{name}（{}）", g.file.display()),
                None => g.file.display().to_string(),
            };
            out.push_str(&format!("── {title}：{status}\n"));
            for d in &g.diagnostics {
                out.push_str(&format!("{d}\n"));
            }
        }
        if self.groups.is_empty() {
            out.push_str("没有找到工作簿\n");
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// Every finding as a JSON array of objects with `department`, `file`, `sheet`, `cell`
    /// (A1), `severity` (`error`/`warning`), `rule` and `message`.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Finding<'a> {
            department: Option<&'a str>,
            file: String,
            sheet: Option<&'a str>,
            cell: Option<String>,
            severity: Severity,
            rule: &'a str,
            message: &'a str,
        }
        let findings: Vec<Finding> = self
            .groups
            .iter()
            .flat_map(|g| {
                g.diagnostics.iter().map(|d| Finding {
                    department: g.department.as_deref(),
                    file: d.file.display().to_string(),
                    sheet: d.location.sheet.as_deref(),
                    cell: d.location.cell.map(|c| c.to_string()),
                    severity: d.severity,
                    rule: d.rule.as_str(),
                    message: &d.message,
                })
            })
            .collect();
        serde_json::to_string_pretty(&findings).expect("findings serialise")
    }

    /// Writes the findings workbook to `path`.
    pub fn write_workbook(&self, path: &Path) -> Result<(), XlsxError> {
        let mut book = self.workbook()?;
        book.save(path)
    }

    /// The findings workbook. Every row gets a height that fits its text and every sheet a
    /// page setup for printing (`crate::xlsx::style`).
    pub fn workbook(&self) -> Result<Workbook, XlsxError> {
        let mut book = Workbook::new();
        let header = Format::new()
            .set_bold()
            .set_background_color("#D9E1F2")
            .set_border_bottom(FormatBorder::Thin);
        let formats = Formats {
            error: Format::new()
                .set_font_color("#C00000")
                .set_bold()
                .set_align(FormatAlign::Top),
            plain: Format::new().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        };

        let overview = book.add_worksheet();
        overview.set_name(OVERVIEW)?;
        let mut heights = write_header(overview, &COLUMNS, &header)?;
        let mut row = 1;
        for g in &self.groups {
            for d in &g.diagnostics {
                let mut cells = Cells {
                    sheet: overview,
                    columns: &COLUMNS,
                    heights: &mut heights,
                    formats: &formats,
                };
                cells.text(row, 0, &g.label())?;
                cells.text(row, 1, &d.file.display().to_string())?;
                write_finding(&mut cells, row, 2, d)?;
                row += 1;
            }
        }
        overview.autofilter(0, 0, row.max(1) - 1, COLUMNS.len() as u16 - 1)?;
        finish(overview, &COLUMNS, &heights)?;

        let mut used: HashSet<String> = HashSet::from([OVERVIEW.to_lowercase()]);
        for g in &self.groups {
            let name = sheet_name(&g.label(), &mut used);
            let sheet = book.add_worksheet();
            sheet.set_name(&name)?;
            let columns = &COLUMNS[2..];
            let mut heights = write_header(sheet, columns, &header)?;
            let mut cells = Cells {
                sheet,
                columns,
                heights: &mut heights,
                formats: &formats,
            };
            if g.diagnostics.is_empty() {
                cells.text(1, 4, "未发现问题")?;
            }
            for (i, d) in g.diagnostics.iter().enumerate() {
                write_finding(&mut cells, i as u32 + 1, 0, d)?;
            }
            finish(sheet, columns, &heights)?;
        }
        Ok(book)
    }
}

const OVERVIEW: &str = "总览";

/// A column of the findings workbook: header, width, and whether its text wraps.
struct Column {
    header: &'static str,
    width: f64,
    wraps: bool,
}

const fn column(header: &'static str, width: f64, wraps: bool) -> Column {
    Column {
        header,
        width,
        wraps,
    }
}

/// The columns of `总览`; a department's sheet has all but the first two.
const COLUMNS: [Column; 7] = [
    column("部门", 24.0, true),
    column("文件", 30.0, true),
    column("工作表", 14.0, false),
    column("单元格", 8.0, false),
    column("严重程度", 9.0, false),
    column("规则", 22.0, false),
    column("说明", 80.0, true),
];

/// Excel's limit for text in one cell; longer messages (quoting a huge cell) are cut.
const MAX_CELL_CHARS: usize = 32_000;

fn cell_text(s: &str) -> String {
    if s.len() <= MAX_CELL_CHARS {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX_CELL_CHARS).collect();
        t.push('…');
        t
    }
}

/// The cell formats of findings: aligned to the top, so that a short cell beside a long
/// message reads on the message's first line.
struct Formats {
    error: Format,
    plain: Format,
    wrap: Format,
}

/// The cells of one sheet being written, measuring the rows as they go.
struct Cells<'a> {
    sheet: &'a mut Worksheet,
    columns: &'a [Column],
    heights: &'a mut RowHeights,
    formats: &'a Formats,
}

impl Cells<'_> {
    /// Writes `text` (cut to Excel's limit) in column `col`'s format.
    fn text(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        let formats = self.formats;
        let format = if self.columns[usize::from(col)].wraps {
            &formats.wrap
        } else {
            &formats.plain
        };
        self.write(row, col, text, format)
    }

    fn write(&mut self, row: u32, col: u16, text: &str, format: &Format) -> Result<(), XlsxError> {
        let columns = self.columns;
        let c = &columns[usize::from(col)];
        let text = cell_text(text);
        self.sheet
            .write_string_with_format(row, col, &text, format)?;
        self.heights.text(row, c.width, &text, c.wraps);
        Ok(())
    }
}

/// The bold header row, frozen, with the column widths; returns the heights with its row.
fn write_header(
    sheet: &mut Worksheet,
    columns: &[Column],
    format: &Format,
) -> Result<RowHeights, XlsxError> {
    let mut heights = RowHeights::new();
    for (c, column) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, c, column.header, format)?;
        sheet.set_column_width(c, column.width)?;
        heights.text(0, column.width, column.header, false);
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(heights)
}

/// Sets the row heights and the page setup of a finished sheet.
fn finish(
    sheet: &mut Worksheet,
    columns: &[Column],
    heights: &RowHeights,
) -> Result<(), XlsxError> {
    heights.apply(sheet)?;
    let widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    style::page_setup(sheet, &widths, 1)
}

/// 工作表, 单元格, 严重程度, 规则, 说明 from column `c0`.
fn write_finding(
    cells: &mut Cells<'_>,
    row: u32,
    c0: u16,
    d: &Diagnostic,
) -> Result<(), XlsxError> {
    if let Some(s) = &d.location.sheet {
        cells.text(row, c0, s)?;
    }
    if let Some(cell) = d.location.cell {
        cells.text(row, c0 + 1, &cell.to_string())?;
    }
    match d.severity {
        Severity::Error => {
            let formats = cells.formats;
            cells.write(row, c0 + 2, d.severity.label(), &formats.error)?
        }
        Severity::Warning => cells.text(row, c0 + 2, d.severity.label())?,
    };
    cells.text(row, c0 + 3, d.rule.as_str())?;
    cells.text(row, c0 + 4, &cell_text(&d.message))?;
    Ok(())
}

/// A valid, unused worksheet name for `label`: the characters Excel forbids (`[]:*?/\`) replaced
/// by `_`, no leading or trailing apostrophe, at most 31 characters, unique (case-insensitively)
/// by a `(2)`, `(3)`… suffix.
pub fn sheet_name(label: &str, used: &mut HashSet<String>) -> String {
    let cleaned: String = label
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim().to_string();
    let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "部门".to_string()
    } else {
        cleaned
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("({n})")
        };
        let room = 31 - suffix.chars().count();
        let head: String = base.chars().take(room).collect();
        let name = format!("{}{suffix}", head.trim_end_matches('\''));
        if used.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// Discovers the workbooks under `paths` and checks each (in parallel; results in file order).
/// Two workbooks of the same department and year are both errors (`duplicate-department`), as
/// in `jixiao build`.
pub fn check_paths(paths: &[PathBuf]) -> Findings {
    let (files, problems) = build::discover(paths);
    let mut groups: Vec<Group> = problems
        .into_iter()
        .map(|d| Group::new(d.file.clone(), None, vec![d], false))
        .collect();
    let checked: Vec<check::Checked> = files.par_iter().map(|f| check::check_path(f)).collect();
    let identities = checked
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, (c.department_name.clone()?, c.department_year?))));
    let mut duplicates = build::duplicate_departments(&files, identities);
    for (i, (file, c)) in files.iter().zip(checked).enumerate() {
        let mut diagnostics = c.diagnostics;
        if let Some(d) = duplicates.remove(&i) {
            diagnostics.insert(0, d);
        }
        groups.push(Group::new(
            file.clone(),
            c.department_name,
            diagnostics,
            true,
        ));
    }
    Findings { groups }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::RuleId;
    use crate::diagnostic::{CellRef, Location};

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = HashSet::from([OVERVIEW.to_lowercase()]);
        assert_eq!(
            sheet_name("唐山高新区行政服务中心", &mut used),
            "唐山高新区行政服务中心"
        );
        assert_eq!(
            sheet_name("唐山高新区行政服务中心", &mut used),
            "唐山高新区行政服务中心(2)"
        );
        assert_eq!(sheet_name("a[b]c:d*e?f/g\\h", &mut used), "a_b_c_d_e_f_g_h");
        assert_eq!(sheet_name("总览", &mut used), "总览(2)");
        assert_eq!(sheet_name("'引号'", &mut used), "引号");
        assert_eq!(sheet_name("", &mut used), "部门");
        let long = "很".repeat(40);
        let a = sheet_name(&long, &mut used);
        let b = sheet_name(&long, &mut used);
        assert_eq!(a.chars().count(), 31);
        assert_eq!(b.chars().count(), 31);
        assert!(b.ends_with("(2)"));
    }

    #[test]
    fn groups_sort_errors_first_and_count() {
        let file = Path::new("a.xlsx");
        let at = Location::cell("项目", CellRef::new(1, 3));
        let g = Group::new(
            file.into(),
            Some("部门甲".into()),
            vec![
                Diagnostic::warning(file, at.clone(), RuleId::HiddenSheet, "警告一"),
                Diagnostic::error(file, at.clone(), RuleId::BudgetSum, "错误一"),
                Diagnostic::warning(file, at.clone(), RuleId::NotQuantified, "警告二"),
                Diagnostic::error(file, at, RuleId::NoGoals, "错误二"),
            ],
            true,
        );
        let rules: Vec<&str> = g.diagnostics.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(
            rules,
            ["budget-sum", "no-goals", "hidden-sheet", "not-quantified"]
        );
        let findings = Findings { groups: vec![g] };
        assert_eq!(
            findings.summary(),
            "共检查 1 个部门：通过 0 个，未通过 1 个；错误 2 个，警告 2 个"
        );
        let json: serde_json::Value = serde_json::from_str(&findings.json()).unwrap();
        assert_eq!(json[0]["department"], "部门甲");
        assert_eq!(json[0]["file"], "a.xlsx");
        assert_eq!(json[0]["sheet"], "项目");
        assert_eq!(json[0]["cell"], "D2");
        assert_eq!(json[0]["severity"], "error");
        assert_eq!(json[0]["rule"], "budget-sum");
        assert_eq!(json[0]["message"], "错误一");
        findings.workbook().unwrap().save_to_buffer().unwrap();
    }
}
