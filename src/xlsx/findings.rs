//! The findings workbook (审核意见表) of a `check` run, which a finance bureau can send back to
//! each department: an overview sheet (`总览`: 部门, 文件, 工作表, 单元格, 严重程度, 规则, 说明)
//! and one sheet per department named after it (at most 31 characters, without `[]:*?/\`,
//! unique), with the same columns but the first two.
//!
//! Every sheet is written in constant memory (row by row to a temporary file): a workbook of
//! 100,000 junk rows has 300,000 findings, and this list is the only place they all are.

use std::collections::HashSet;
use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::style;
use crate::check::report::Findings;
use crate::diagnostic::{Diagnostic, Severity};

/// Writes the findings workbook of `findings` to `path`.
pub fn write(findings: &Findings, path: &Path) -> Result<(), XlsxError> {
    let mut book = workbook(findings)?;
    book.save(path)
}

/// The findings workbook. Every row gets a height that fits its text and every sheet a page
/// setup for printing ([`super::style`]).
pub fn workbook(findings: &Findings) -> Result<Workbook, XlsxError> {
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

    let overview = book.add_worksheet_with_constant_memory()?;
    overview.set_name(OVERVIEW)?;
    write_header(overview, &COLUMNS, &header)?;
    let mut row = 1;
    for g in &findings.groups {
        let label = g.label();
        for d in &g.diagnostics {
            let file = d.file.display().to_string();
            let mut cells = Row::new(&COLUMNS, &formats);
            cells.text(0, &label);
            cells.text(1, &file);
            finding(&mut cells, 2, d);
            cells.write(overview, row)?;
            row += 1;
        }
    }
    overview.autofilter(0, 0, row.max(1) - 1, COLUMNS.len() as u16 - 1)?;
    finish(overview, &COLUMNS)?;

    let mut used: HashSet<String> = HashSet::from([OVERVIEW.to_lowercase()]);
    for g in &findings.groups {
        let name = sheet_name(&g.label(), &mut used);
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(&name)?;
        let columns = &COLUMNS[2..];
        write_header(sheet, columns, &header)?;
        if g.diagnostics.is_empty() {
            let mut cells = Row::new(columns, &formats);
            cells.text(4, "未发现问题");
            cells.write(sheet, 1)?;
        }
        for (i, d) in g.diagnostics.iter().enumerate() {
            let mut cells = Row::new(columns, &formats);
            finding(&mut cells, 0, d);
            cells.write(sheet, i as u32 + 1)?;
        }
        finish(sheet, columns)?;
    }
    Ok(book)
}

const OVERVIEW: &str = "总览";

/// A column of the findings workbook: header, width, and whether its text wraps.
struct SheetColumn {
    header: &'static str,
    width: f64,
    wraps: bool,
}

const fn column(header: &'static str, width: f64, wraps: bool) -> SheetColumn {
    SheetColumn {
        header,
        width,
        wraps,
    }
}

/// The columns of `总览`; a department's sheet has all but the first two.
const COLUMNS: [SheetColumn; 7] = [
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

/// The cells of one row, gathered so that the row's height (its tallest cell's) is set before
/// they are written: a constant-memory sheet writes each row once, in order.
struct Row<'a> {
    columns: &'a [SheetColumn],
    formats: &'a Formats,
    cells: Vec<(u16, String, &'a Format)>,
}

impl<'a> Row<'a> {
    fn new(columns: &'a [SheetColumn], formats: &'a Formats) -> Self {
        Self {
            columns,
            formats,
            cells: Vec::new(),
        }
    }

    /// `text` (cut to Excel's limit) in column `col`'s format.
    fn text(&mut self, col: u16, text: &str) {
        let format = if self.columns[usize::from(col)].wraps {
            &self.formats.wrap
        } else {
            &self.formats.plain
        };
        self.cells.push((col, cell_text(text), format));
    }

    fn with_format(&mut self, col: u16, text: &str, format: &'a Format) {
        self.cells.push((col, cell_text(text), format));
    }

    fn write(self, sheet: &mut Worksheet, row: u32) -> Result<(), XlsxError> {
        let lines = self.cells.iter().map(|(col, text, _)| {
            let column = &self.columns[usize::from(*col)];
            if column.wraps {
                style::lines(text, column.width)
            } else {
                1
            }
        });
        if let Some(lines) = lines.max() {
            sheet.set_row_height(row, style::height(lines, style::FONT_SIZE))?;
        }
        for (col, text, format) in &self.cells {
            sheet.write_string_with_format(row, *col, text, format)?;
        }
        Ok(())
    }
}

/// The bold header row, frozen, with the column widths.
fn write_header(
    sheet: &mut Worksheet,
    columns: &[SheetColumn],
    format: &Format,
) -> Result<(), XlsxError> {
    sheet.set_row_height(0, style::height(1, style::FONT_SIZE))?;
    for (c, column) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, c, column.header, format)?;
        sheet.set_column_width(c, column.width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The page setup of a finished sheet.
fn finish(sheet: &mut Worksheet, columns: &[SheetColumn]) -> Result<(), XlsxError> {
    let widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    style::page_setup(sheet, &widths, 1)
}

/// 工作表, 单元格, 严重程度, 规则, 说明 from column `c0`.
fn finding<'a>(cells: &mut Row<'a>, c0: u16, d: &Diagnostic) {
    if let Some(s) = &d.location.sheet {
        cells.text(c0, s);
    }
    if let Some(cell) = d.location.cell {
        cells.text(c0 + 1, &cell.to_string());
    }
    match d.severity {
        Severity::Error => cells.with_format(c0 + 2, d.severity.label(), &cells.formats.error),
        Severity::Warning | Severity::Note => cells.text(c0 + 2, d.severity.label()),
    };
    cells.text(c0 + 3, d.rule.as_str());
    cells.text(c0 + 4, &d.message);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
