//! How many cells calamine makes of an `.ods` sheet, counted from its `content.xml` before
//! calamine reads it (for the archive guard, [`super::archive`]).
//!
//! calamine 0.38 reads every sheet of an `.ods` when it opens the file, and writes out what
//! `table:number-columns-repeated` and `table:number-rows-repeated` pack: a cell repeated 16,384
//! times in a row repeated a million times is an 850-byte file that costs gigabytes. It caps only
//! at 100,000,000 cells. This module follows calamine's reader closely enough to give an upper
//! bound of the cells it keeps (as `Data` and as formula text): per row, the cells up to the last
//! one with a value (empty cells at a row's end are never written out); per sheet, every row from
//! the first to the last with a value, each as wide as the widest of them, times its repeats.
//! A cell counts as having a value when it declares a type or a formula, or has content; so the
//! bound can only be too high for odd files, never too low.

use quick_xml::events::{BytesStart, Event};

/// calamine's caps on an `.ods` sheet: rows in a sheet, columns in a row.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// The cells calamine keeps of all sheets of `content.xml`: those of each row as read, and those
/// of each sheet's area once its repeats are written out (both are held while the area is made).
pub fn cells(xml: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut total = 0u64;
    let mut sheet: Option<SheetArea> = None;
    let mut row: Option<Row> = None;
    loop {
        let (start, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                match e.name().into_inner() {
                    "table:table-row" => {
                        if let (Some(s), Some(r)) = (&mut sheet, row.take()) {
                            s.add(r);
                        }
                    }
                    "table:table" => {
                        if let Some(s) = sheet.take() {
                            total = total.saturating_add(s.cells());
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        match start.name().into_inner() {
            "table:table" if !empty => sheet = Some(SheetArea::default()),
            "table:table-row" if sheet.is_some() => {
                let r = Row::new(number(&start, "table:number-rows-repeated"));
                match (&mut sheet, empty) {
                    // calamine expands `<table:table-row/>`: a row without cells, with its repeats.
                    (Some(s), true) => s.add(r),
                    _ => row = Some(r),
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                if let Some(r) = &mut row {
                    let valued = !empty
                        || attribute(&start, "office:value-type")
                        || attribute(&start, "table:formula");
                    r.cell(number(&start, "table:number-columns-repeated"), valued);
                }
            }
            _ => {}
        }
    }
    if let Some(s) = sheet {
        total = total.saturating_add(s.cells());
    }
    total
}

/// The number in attribute `name`, 1 when there is none (or calamine could not read it, which
/// makes calamine refuse the file anyway).
fn number(e: &BytesStart<'_>, name: &str) -> u64 {
    attribute_value(e, name)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
}

fn attribute(e: &BytesStart<'_>, name: &str) -> bool {
    attribute_value(e, name).is_some()
}

fn attribute_value(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.into_inner() == name)
        .map(|a| a.value.into_owned())
}

/// One `table:table-row` as calamine reads it.
struct Row {
    repeats: u64,
    /// Cells written out so far (those with a value, and empty ones before a later cell).
    written: u64,
    /// Empty cells not written out yet (written only when a cell follows them).
    pending: u64,
    /// The first and last column with a value.
    valued: Option<(u64, u64)>,
}

impl Row {
    fn new(repeats: u64) -> Row {
        Row {
            repeats,
            written: 0,
            pending: 0,
            valued: None,
        }
    }

    fn cell(&mut self, repeats: u64, valued: bool) {
        self.written += self.pending.min(MAX_COLUMNS - self.written);
        self.pending = 0;
        let repeats = repeats.min(MAX_COLUMNS - self.written);
        if valued && repeats > 0 {
            let (first, last) = (self.written, self.written + repeats - 1);
            self.valued = Some(self.valued.map_or((first, last), |(f, _)| (f, last)));
            self.written += repeats;
        } else {
            self.pending = repeats;
        }
    }
}

/// One `table:table` as calamine reads it.
#[derive(Default)]
struct SheetArea {
    /// Rows so far, with repeats (calamine caps them at [`MAX_ROWS`]).
    rows: u64,
    /// Cells of the rows as read.
    read: u64,
    /// The rows from the first with a value: (repeats, has a value), up to the last with a value.
    area: Vec<(u64, bool)>,
    columns: Option<(u64, u64)>,
}

impl SheetArea {
    fn add(&mut self, row: Row) {
        let repeats = row.repeats.min(MAX_ROWS - self.rows);
        self.rows += repeats;
        self.read = self.read.saturating_add(row.written);
        match row.valued {
            Some((first, last)) => {
                self.columns = Some(
                    self.columns
                        .map_or((first, last), |(f, l)| (f.min(first), l.max(last))),
                );
                self.area.push((repeats, true));
            }
            None if !self.area.is_empty() => self.area.push((repeats, false)),
            None => {}
        }
    }

    fn cells(&self) -> u64 {
        let Some((first, last)) = self.columns else {
            return self.read;
        };
        let width = last - first + 1;
        let valued_end = self.area.iter().rposition(|&(_, v)| v).map_or(0, |i| i + 1);
        let rows: u64 = self.area[..valued_end].iter().map(|&(r, _)| r).sum();
        self.read.saturating_add(rows.saturating_mul(width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &str) -> String {
        format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"项目\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        )
    }

    const VALUE: &str = "<table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell>";

    #[test]
    fn plain_cells_count_once() {
        let row = format!("<table:table-row>{VALUE}{VALUE}</table:table-row>");
        // Two rows of two cells: read, then the area of 2 × 2.
        assert_eq!(cells(sheet(&row.repeat(2)).as_bytes()), 4 + 4);
    }

    #[test]
    fn trailing_empty_repeats_cost_nothing() {
        // What spreadsheet programs write after the last cell and the last row.
        let row = format!(
            "<table:table-row>{VALUE}<table:table-cell table:number-columns-repeated=\"16383\"/></table:table-row>\
             <table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
        );
        assert_eq!(cells(sheet(&row).as_bytes()), 1 + 1);
    }

    #[test]
    fn repeated_values_and_rows_are_written_out() {
        let row = "<table:table-row table:number-rows-repeated=\"1000000\">\
                   <table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"1000\"><text:p>x</text:p></table:table-cell>\
                   </table:table-row>";
        assert_eq!(cells(sheet(row).as_bytes()), 1000 + 1_000_000 * 1000);
    }

    #[test]
    fn empty_rows_between_values_are_written_out_as_wide_as_the_area() {
        let rows = format!(
            "<table:table-row>{VALUE}{VALUE}{VALUE}</table:table-row>\
             <table:table-row table:number-rows-repeated=\"500000\"><table:table-cell/></table:table-row>\
             <table:table-row>{VALUE}</table:table-row>"
        );
        // Read: 3 + 0 (the empty cell ends the row unwritten) + 1; area 500,002 rows × 3.
        assert_eq!(cells(sheet(&rows).as_bytes()), 4 + 500_002 * 3);
    }

    #[test]
    fn an_empty_cell_before_a_value_is_written() {
        let row = format!(
            "<table:table-row><table:table-cell table:number-columns-repeated=\"10000\"/>{VALUE}</table:table-row>"
        );
        // Read: 10,000 empty + 1; the area is column 10,000 alone.
        assert_eq!(cells(sheet(&row).as_bytes()), 10_001 + 1);
    }
}
