//! How the workbooks jixiao writes look on screen and on paper: row heights measured from their
//! text, and the page setup for printing. Shared by every writer of a workbook (the departments'
//! form and example in [`crate::xlsx::department`]/[`crate::xlsx::fill_in`], the findings workbook in
//! [`crate::check::report`]).
//!
//! **Row heights.** LibreOffice and WPS do not measure rows when they open a file that declares
//! no heights (Excel does), so a wrapped long text would keep a one-line row and its lines would
//! overlap. Every row with text therefore gets an explicit height:
//! - A line holds `width × 0.9` width units of the column (`width` in Excel's character units,
//!   the width of a `0` in the default font), a wide character (CJK, full-width, and the
//!   ambiguous ones such as `“`, `—`, which Chinese fonts draw full-width) counting 2 and any
//!   other 1. A CJK character at 11 pt is about 2.1 digit widths; the 10 % kept back covers
//!   that, the cell's padding and lines broken early at a word.
//! - Explicit line breaks in the cell start new lines; a cell that does not wrap is one line.
//! - A line is `1.45 ×` the font size high (16 pt at the default 11 pt; the line spacing of Noto
//!   Sans CJK, the tallest of the Chinese fallback fonts in common use), plus 4 pt for the cell;
//!   so a one-line row is 20 pt, which is also the height of a blank form row.
//! - A merged cell spanning several rows shares its height among them; rows are capped at
//!   Excel's 409 pt.
//!
//! **Page setup** ([`page_setup`]): A4; landscape when the columns are wider than the printable
//! width of a portrait page (174 mm with the default 0.7″ margins); fitted to one page wide and
//! as many pages long as needed; the header rows repeated on every page; gridlines printed (rows
//! added by hand then print ruled as well); the footer gives the sheet name (left) and
//! `第 N 页，共 M 页` (right).

use std::collections::BTreeMap;

use rust_xlsxwriter::{Worksheet, XlsxError};
use unicode_width::UnicodeWidthChar;

/// The font size of ordinary cells (Excel's default), in points.
pub const FONT_SIZE: f64 = 11.0;

/// Line height as a multiple of the font size.
const LINE_SPACING: f64 = 1.45;

/// Room above and below the text of a cell, in points.
const CELL_PADDING: f64 = 4.0;

/// Excel's largest row height, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// The share of a column's width that text is assumed to fill.
const USABLE_WIDTH: f64 = 0.9;

/// The height of a row holding one line of text at [`FONT_SIZE`], and of a blank form row.
pub const ONE_LINE: f64 = FONT_SIZE * LINE_SPACING + CELL_PADDING;

/// Width units of `c`: 2 for a wide character (CJK, full-width, East Asian ambiguous), 1 for
/// any other.
pub fn char_units(c: char) -> usize {
    match c.width_cjk() {
        Some(2) => 2,
        _ => 1,
    }
}

/// What the reader takes for a line break (see `read::value::normalise_newlines`).
const LINE_BREAKS: [char; 7] = ['\n', '\r', '\x0B', '\x0C', '\u{85}', '\u{2028}', '\u{2029}'];

/// The lines `text` takes in a cell `width` characters wide (Excel's column units): each
/// explicit line break starts a line, and each line is wrapped at the usable width. At least 1.
pub fn lines(text: &str, width: f64) -> u32 {
    let capacity = ((width * USABLE_WIDTH).floor() as usize).max(2);
    text.replace("\r\n", "\n")
        .split(LINE_BREAKS)
        .map(|line| {
            let units: usize = line.chars().map(char_units).sum();
            units.div_ceil(capacity).max(1) as u32
        })
        .sum::<u32>()
        .max(1)
}

/// The height in points of a row holding `lines` lines of text at `font_size` points.
pub fn height(lines: u32, font_size: f64) -> f64 {
    (f64::from(lines) * font_size * LINE_SPACING + CELL_PADDING).min(MAX_ROW_HEIGHT)
}

/// The heights of a sheet's rows, gathered while its cells are written and set at the end
/// ([`RowHeights::apply`]): each row gets the height of its tallest cell.
#[derive(Debug, Default)]
pub struct RowHeights {
    rows: BTreeMap<u32, f64>,
    /// Merged cells over several rows: (first row, last row, height needed).
    spans: Vec<(u32, u32, f64)>,
}

impl RowHeights {
    pub fn new() -> Self {
        Self::default()
    }

    /// Row `row` is at least `points` high.
    pub fn at_least(&mut self, row: u32, points: f64) {
        let h = self.rows.entry(row).or_insert(0.0);
        *h = h.max(points);
    }

    /// Row `row` holds `text` in a column `width` characters wide, at [`FONT_SIZE`]; `wrapped`
    /// when the cell wraps (otherwise it is one line).
    pub fn text(&mut self, row: u32, width: f64, text: &str, wrapped: bool) {
        self.text_sized(row, width, text, wrapped, FONT_SIZE);
    }

    /// [`RowHeights::text`] at another font size.
    pub fn text_sized(&mut self, row: u32, width: f64, text: &str, wrapped: bool, size: f64) {
        let n = if wrapped { lines(text, width) } else { 1 };
        self.at_least(row, height(n, size));
    }

    /// A wrapped cell merged over rows `first..=last` holds `text`.
    pub fn span(&mut self, first: u32, last: u32, width: f64, text: &str) {
        let needed = height(lines(text, width), FONT_SIZE);
        if first == last {
            self.at_least(first, needed);
        } else {
            self.spans.push((first, last, needed));
        }
    }

    /// The height of every row, merged cells included: a merged cell taller than its rows
    /// together raises each of them by an equal share.
    pub fn resolve(&self) -> BTreeMap<u32, f64> {
        let mut rows = self.rows.clone();
        for &(first, last, needed) in &self.spans {
            let have: f64 = (first..=last)
                .map(|r| rows.get(&r).copied().unwrap_or(ONE_LINE))
                .sum();
            let extra = (needed - have).max(0.0) / f64::from(last - first + 1);
            for r in first..=last {
                let h = rows.entry(r).or_insert(ONE_LINE);
                *h = (*h + extra).min(MAX_ROW_HEIGHT);
            }
        }
        rows
    }

    /// Sets the gathered heights on `sheet`.
    pub fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (row, h) in self.resolve() {
            sheet.set_row_height(row, h)?;
        }
        Ok(())
    }
}

/// The printable width of an A4 portrait page with Excel's default margins (0.7″ each side),
/// in millimetres.
const PORTRAIT_PRINTABLE_MM: f64 = 210.0 - 2.0 * 0.7 * 25.4;

/// A4 in Excel's paper-size codes.
const A4: u8 = 9;

/// The printed width of columns `widths` (Excel's character units), in millimetres: Excel draws a
/// column `w` wide as `7w + 5` pixels at 96 pixels per inch.
pub fn printed_width_mm(widths: &[f64]) -> f64 {
    widths.iter().map(|w| (w * 7.0 + 5.0) * 25.4 / 96.0).sum()
}

/// Sets up `sheet` for printing: A4, landscape when `widths` (every column's width) are wider
/// than a portrait page, one page wide, rows `0..header_rows` repeated on every page (none when
/// 0), gridlines printed, and a footer with the sheet name and `第 N 页，共 M 页`.
pub fn page_setup(
    sheet: &mut Worksheet,
    widths: &[f64],
    header_rows: u32,
) -> Result<(), XlsxError> {
    sheet.set_paper_size(A4);
    if printed_width_mm(widths) > PORTRAIT_PRINTABLE_MM {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    if header_rows > 0 {
        sheet.set_repeat_rows(0, header_rows - 1)?;
    }
    sheet.set_print_gridlines(true);
    sheet.set_footer("&L&A&R第 &P 页，共 &N 页");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(char_units('项'), 2);
        assert_eq!(char_units('，'), 2);
        assert_eq!(char_units('“'), 2);
        assert_eq!(char_units('a'), 1);
        assert_eq!(char_units('8'), 1);
    }

    #[test]
    fn lines_follow_the_width_and_the_line_breaks() {
        // Width 20 → 18 units a line: 9 CJK characters or 18 Latin ones.
        assert_eq!(lines("", 20.0), 1);
        assert_eq!(lines(&"项".repeat(9), 20.0), 1);
        assert_eq!(lines(&"项".repeat(10), 20.0), 2);
        assert_eq!(lines(&"a".repeat(18), 20.0), 1);
        assert_eq!(lines(&"a".repeat(19), 20.0), 2);
        assert_eq!(lines("一\n二\r\n三", 20.0), 3);
        assert_eq!(lines(&format!("{}\n二", "项".repeat(10)), 20.0), 3);
        // A column too narrow for one character still holds one a line.
        assert_eq!(lines("项目", 0.5), 2);
    }

    #[test]
    fn heights_grow_with_lines_and_stop_at_excels_limit() {
        assert_eq!(height(1, FONT_SIZE), ONE_LINE);
        assert!((height(3, FONT_SIZE) - (3.0 * 15.95 + 4.0)).abs() < 1e-9);
        assert_eq!(height(1000, FONT_SIZE), MAX_ROW_HEIGHT);
    }

    #[test]
    fn a_row_takes_its_tallest_cell_and_merged_cells_share_their_height() {
        let mut h = RowHeights::new();
        h.text(1, 20.0, "短", true);
        h.text(1, 20.0, &"项".repeat(30), true); // 4 lines
        h.text(2, 20.0, &"项".repeat(30), false); // does not wrap: 1 line
        assert_eq!(h.resolve()[&1], height(4, FONT_SIZE));
        assert_eq!(h.resolve()[&2], ONE_LINE);

        // 6 lines over rows 3–4 (one line each): each grows by half the difference.
        h.span(3, 4, 20.0, &"项".repeat(54));
        let rows = h.resolve();
        let needed = height(6, FONT_SIZE);
        assert!((rows[&3] + rows[&4] - needed).abs() < 1e-9);
        assert_eq!(rows[&3], rows[&4]);

        // Rows already tall enough are left alone.
        let mut h = RowHeights::new();
        h.text(5, 20.0, &"项".repeat(90), true);
        h.span(5, 6, 20.0, "短");
        assert_eq!(h.resolve()[&5], height(10, FONT_SIZE));
        assert_eq!(h.resolve()[&6], ONE_LINE);
    }

    #[test]
    fn wide_sheets_are_wider_than_a_portrait_page() {
        assert!(printed_width_mm(&[14.0, 50.0]) < PORTRAIT_PRINTABLE_MM);
        assert!(printed_width_mm(&[100.0]) > PORTRAIT_PRINTABLE_MM);
    }
}
