//! The findings workbook (审核意见表) of a `check` run, which a finance bureau can send back to
//! each department: an overview sheet (`总览`: 部门, 文件, 工作表, 单元格, 严重程度, 规则, 说明)
//! and one sheet per department named after it (at most 31 characters, without `[]:*?/\`,
//! unique), with the same columns but the first two.

use std::collections::HashSet;
use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::style::{self, RowHeights};
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

    let overview = book.add_worksheet();
    overview.set_name(OVERVIEW)?;
    let mut heights = write_header(overview, &COLUMNS, &header)?;
    let mut row = 1;
    for g in &findings.groups {
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
    for g in &findings.groups {
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

/// The cells of one sheet being written, measuring the rows as they go.
struct Cells<'a> {
    sheet: &'a mut Worksheet,
    columns: &'a [SheetColumn],
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
    columns: &[SheetColumn],
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
    columns: &[SheetColumn],
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
