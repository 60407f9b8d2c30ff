//! Opening a workbook file and loading one sheet as a sparse grid of non-blank cells.
//!
//! **Format detection.** calamine's `open_workbook_auto` matches lowercase extensions only, and
//! workbooks from finance systems are often misnamed (an `.xls` that is really an `.xlsx`). The
//! format is therefore taken from the file's first bytes, not its name: a ZIP archive is tried
//! as xlsx/xlsm, then xlsb, then ods; an OLE compound file as xls, then as an encrypted xlsx
//! (which is how a password-protected xlsx is stored). Anything else is not a workbook (often an
//! HTML or CSV export renamed to `.xls`).
//!
//! **Archive guard.** Before calamine reads a ZIP archive (xlsx, xlsm, xlsb, ods), `archive`
//! inflates every entry once into a counting sink and refuses archives whose parts inflate beyond
//! its limits, however small the file (`archive-too-large`). This is the one place where files
//! are opened, so every reader of workbooks (check, build, `template --from`) is guarded.
//!
//! **Size guard.** A stray cell at `XFD1048576` must not make us allocate billions of cells.
//! - xlsx/xlsm and xlsb are streamed cell by cell with calamine's `worksheet_cells_reader`
//!   (never `worksheet_range`, which allocates the bounding box densely). Only non-blank cells are
//!   kept, in a sparse map, so memory is proportional to the cells actually present.
//! - xls and ods have no streaming reader in calamine 0.38: their sheets are parsed when the file
//!   is opened (xls is bounded by the format itself, 65,536 × 256 cells; ods by calamine's own
//!   100,000,000-cell cap). Their range is checked before it is walked.
//! - In every format a sheet is refused (`sheet-too-large`) when a non-blank cell lies at or
//!   beyond row [`MAX_ROWS`] or column [`MAX_COLS`], or when more than [`MAX_CELLS`] cell records
//!   (xlsx/xlsb: `<c>` elements, including styled empty ones; xls/ods: cells of the range) are
//!   met. The guard fires as soon as the offending cell is read.
//! - The text read from a workbook's sheets is charged to one budget of [`MAX_TEXT_BYTES`] before
//!   it is copied out of calamine (`sheet-too-large` at the cell where it runs out): a cell that
//!   refers to a shared string gets its own copy, so 20 bytes of sheet could otherwise cost
//!   100 KB each.
//! - Likewise the non-blank cells kept from a workbook's sheets are charged to one budget of
//!   [`MAX_WORKBOOK_CELLS`] (`sheet-too-large` at the cell where it runs out).
//!
//! **Percent formats.** calamine 0.38 exposes the style palette of an xlsx
//! (`XlsxCellReader::next_cell_with_style_id` + `styles()` with each style's number format code),
//! so for xlsx a numeric cell is marked `percent` when its format code shows a `%`. xls, xlsb and
//! ods carry no format information through calamine; see `read::percent_plan` for the heuristic
//! used there.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek};
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, DataRef, Ods, Reader, Xls, XlsError, Xlsb, XlsbError, Xlsx, XlsxError};

use super::archive::{ArchiveError, check_cfb, check_zip};
use super::value::{Value, is_percent_format};
use crate::diagnostic::CellRef;

/// Rows at or beyond this 0-based index make a sheet too large.
pub const MAX_ROWS: u32 = 100_000;
/// Columns at or beyond this 0-based index make a sheet too large.
pub const MAX_COLS: u32 = 200;
/// More cell records than this make a sheet too large.
pub const MAX_CELLS: usize = 5_000_000;
/// Files larger than this are refused before they are read (department workbooks are well
/// under 1 MB).
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// Text longer than this (in characters) in one cell is an error; it is Excel's own limit.
pub const MAX_TEXT_CHARS: usize = 32_767;
/// The most text (UTF-8 bytes, over all sheets read) kept from one workbook. A department's
/// workbook holds well under 1 MB of text; without a bound, cells that each refer to one shared
/// string of [`MAX_TEXT_CHARS`] characters would each keep their own copy of it (about 100 KB per
/// 20 bytes of sheet).
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// The most non-blank cells kept from one workbook (over all sheets read). A department's
/// workbook has a few thousand; a `项目指标` of 100,000 rows (the row limit) a few hundred
/// thousand. Each kept cell costs about 50 bytes and its share of the checks' time, so this
/// bounds a workbook of tiny cells (a 32 MB sheet holds two million `<c><v>1</v></c>`).
pub const MAX_WORKBOOK_CELLS: usize = 1_000_000;

/// The whole file in memory (bounded by [`MAX_FILE_BYTES`]), shared by the format attempts.
type File_ = Cursor<Arc<[u8]>>;

/// An open workbook of any supported format, with what is left of its text budget.
pub struct Book {
    format: Format,
    /// Bytes of text that loading further sheets may still keep ([`MAX_TEXT_BYTES`] in all).
    text_left: usize,
    /// Non-blank cells that loading further sheets may still keep ([`MAX_WORKBOOK_CELLS`]).
    cells_left: usize,
}

enum Format {
    Xlsx(Box<Xlsx<File_>>),
    Xlsb(Box<Xlsb<File_>>),
    Xls(Box<Xls<File_>>),
    Ods(Box<Ods<File_>>),
}

/// Why a file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    Io(std::io::Error),
    /// Larger than [`MAX_FILE_BYTES`]; carries the size.
    TooLarge(u64),
    Password,
    /// Not a spreadsheet at all; carries a short description of what it looks like.
    NotAWorkbook(&'static str),
    /// Looked like a workbook but calamine could not read it.
    Invalid(String),
    /// A ZIP archive refused by the archive guard before calamine read it.
    Archive(ArchiveError),
}

/// One sheet: its non-blank cells by absolute 0-based position, and its merged regions.
#[derive(Debug, Clone, Default)]
pub struct LoadedSheet {
    /// The name as spelt in the workbook.
    pub name: String,
    /// row → column → value; whitespace-only text and empty cells are left out.
    pub cells: BTreeMap<u32, BTreeMap<u32, Value>>,
    /// Merged regions, as (first row, first column, last row, last column), absolute.
    pub merges: Vec<(u32, u32, u32, u32)>,
    /// True when percent-formatted numeric cells are marked as such (xlsx).
    pub formats_known: bool,
    /// Cells whose text exceeded [`MAX_TEXT_CHARS`] (kept truncated), with their length.
    pub too_long: Vec<(CellRef, usize)>,
}

impl LoadedSheet {
    pub fn get(&self, row: u32, col: u32) -> Option<&Value> {
        self.cells.get(&row).and_then(|r| r.get(&col))
    }
}

/// Why a sheet could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// A non-blank cell beyond the limits (its address), or too many cells (`None`).
    TooLarge(Option<CellRef>),
    /// The text kept from the workbook's sheets passed [`MAX_TEXT_BYTES`] at this cell.
    TooMuchText(CellRef),
    /// The non-blank cells kept from the workbook's sheets passed [`MAX_WORKBOOK_CELLS`] at this
    /// cell.
    TooManyCells(CellRef),
    Failed(String),
}

const ZIP_MAGIC: &[u8] = b"PK";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn reader(bytes: &Arc<[u8]>) -> File_ {
    Cursor::new(bytes.clone())
}

/// The bytes of `path`, read whole; refuses files larger than [`MAX_FILE_BYTES`] before reading
/// them (and never reads more than one byte past the limit).
pub fn load(path: &Path) -> Result<Arc<[u8]>, OpenError> {
    let size = std::fs::metadata(path).map_err(OpenError::Io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(OpenError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    std::fs::File::open(path)
        .map_err(OpenError::Io)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(OpenError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(OpenError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes.into())
}

/// Opens a workbook held in memory, by its content.
pub fn open_bytes(bytes: Arc<[u8]>) -> Result<Book, OpenError> {
    let head = &bytes[..bytes.len().min(8)];
    if head.starts_with(ZIP_MAGIC) {
        check_zip(&bytes).map_err(OpenError::Archive)?;
        let xlsx_err = match Xlsx::new(reader(&bytes)) {
            Ok(x) => return Ok(Book::new(Format::Xlsx(Box::new(x)))),
            Err(XlsxError::Password) => return Err(OpenError::Password),
            Err(e) => e,
        };
        if let Ok(x) = Xlsb::new(reader(&bytes)) {
            return Ok(Book::new(Format::Xlsb(Box::new(x))));
        }
        if let Ok(x) = Ods::new(reader(&bytes)) {
            return Ok(Book::new(Format::Ods(Box::new(x))));
        }
        Err(OpenError::Invalid(xlsx_err.to_string()))
    } else if head.starts_with(CFB_MAGIC) {
        check_cfb(&bytes).map_err(OpenError::Archive)?;
        let xls_err = match Xls::new(reader(&bytes)) {
            Ok(x) => return Ok(Book::new(Format::Xls(Box::new(x)))),
            Err(XlsError::Password) => return Err(OpenError::Password),
            Err(e) => e,
        };
        // A zip reader finds an archive by its end record, wherever it starts, so a compound
        // file may hold one: it is guarded like any other before it is read as one.
        check_zip(&bytes).map_err(OpenError::Archive)?;
        match Xlsx::new(reader(&bytes)) {
            Err(XlsxError::Password) => Err(OpenError::Password),
            Ok(x) => Ok(Book::new(Format::Xlsx(Box::new(x)))),
            Err(_) => match Xlsb::new(reader(&bytes)) {
                Err(XlsbError::Password) => Err(OpenError::Password),
                _ => Err(OpenError::Invalid(xls_err.to_string())),
            },
        }
    } else {
        let text = String::from_utf8_lossy(head)
            .trim_start()
            .to_ascii_lowercase();
        if head.is_empty() {
            Err(OpenError::NotAWorkbook("空文件"))
        } else if text.starts_with('<') {
            Err(OpenError::NotAWorkbook("网页或 XML 文件"))
        } else {
            Err(OpenError::NotAWorkbook("文本或其他类型的文件"))
        }
    }
}

impl Book {
    fn new(format: Format) -> Self {
        Book {
            format,
            text_left: MAX_TEXT_BYTES,
            cells_left: MAX_WORKBOOK_CELLS,
        }
    }

    /// Sheet names in workbook order, as spelt.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.format {
            Format::Xlsx(x) => x.sheet_names(),
            Format::Xlsb(x) => x.sheet_names(),
            Format::Xls(x) => x.sheet_names(),
            Format::Ods(x) => x.sheet_names(),
        }
    }

    /// Names of the sheets that are hidden (or very hidden).
    pub fn hidden_sheets(&self) -> Vec<String> {
        let metadata = match &self.format {
            Format::Xlsx(x) => x.sheets_metadata(),
            Format::Xlsb(x) => x.sheets_metadata(),
            Format::Xls(x) => x.sheets_metadata(),
            Format::Ods(x) => x.sheets_metadata(),
        };
        metadata
            .iter()
            .filter(|s| s.visible != calamine::SheetVisible::Visible)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Loads one sheet (by its exact name), guarded against oversized sheets.
    pub fn load(&mut self, name: &str) -> Result<LoadedSheet, LoadError> {
        let mut sheet = LoadedSheet {
            name: name.to_string(),
            ..LoadedSheet::default()
        };
        let mut grid = Grid::new(self.text_left, self.cells_left);
        match &mut self.format {
            Format::Xlsx(x) => {
                load_xlsx(x, name, &mut grid)?;
                if let Ok(merges) = x.merge_cells_by_sheet_name(name) {
                    sheet.merges = merges
                        .iter()
                        .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
                        .collect();
                }
                sheet.formats_known = true;
            }
            Format::Xlsb(x) => {
                let mut reader = x.worksheet_cells_reader(name).map_err(fail)?;
                while let Some(cell) = reader.next_cell().map_err(fail)? {
                    let (r, c) = cell.get_position();
                    grid.charge(r, c, ref_text_len(cell.get_value()))?;
                    grid.add(r, c, from_ref(cell.get_value(), false))?;
                }
            }
            Format::Xls(x) => {
                let range = x.worksheet_range(name).map_err(fail)?;
                from_range(&range, &mut grid)?;
                if let Ok(merges) = x.merge_cells_by_sheet_name(name) {
                    sheet.merges = merges
                        .iter()
                        .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
                        .collect();
                }
            }
            Format::Ods(x) => {
                let range = x.worksheet_range(name).map_err(fail)?;
                from_range(&range, &mut grid)?;
            }
        }
        self.text_left = grid.text_left;
        self.cells_left = grid.cells_left;
        sheet.cells = grid.cells;
        sheet.too_long = grid.too_long;
        Ok(sheet)
    }
}

fn fail(e: impl std::fmt::Display) -> LoadError {
    LoadError::Failed(e.to_string())
}

fn load_xlsx<RS: Read + Seek>(
    x: &mut Xlsx<RS>,
    name: &str,
    grid: &mut Grid,
) -> Result<(), LoadError> {
    let mut reader = x.worksheet_cells_reader(name).map_err(fail)?;
    let percent_styles: Vec<bool> = reader
        .styles()
        .iter()
        .map(|s| {
            s.number_format
                .as_ref()
                .is_some_and(|f| is_percent_format(&f.format_code))
        })
        .collect();
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(fail)? {
        let percent = percent_styles.get(style).copied().unwrap_or(false);
        let (r, c) = cell.get_position();
        grid.charge(r, c, ref_text_len(cell.get_value()))?;
        grid.add(r, c, from_ref(cell.get_value(), percent))?;
    }
    Ok(())
}

/// Collects non-blank cells, enforcing the limits.
struct Grid {
    cells: BTreeMap<u32, BTreeMap<u32, Value>>,
    seen: usize,
    too_long: Vec<(CellRef, usize)>,
    /// Bytes of text this grid may still keep (what is left of the workbook's budget).
    text_left: usize,
    /// Non-blank cells this grid may still keep (what is left of the workbook's budget).
    cells_left: usize,
}

impl Grid {
    fn new(text_left: usize, cells_left: usize) -> Self {
        Grid {
            cells: BTreeMap::new(),
            seen: 0,
            too_long: Vec::new(),
            text_left,
            cells_left,
        }
    }

    /// Charges `bytes` of text read at a cell to the budget, before the text is copied out of
    /// the reader: text read counts, not only text kept, so that cells that all refer to one
    /// huge shared string (or to one of blanks) stop after the first few, not after a copy each.
    fn charge(&mut self, row: u32, col: u32, bytes: usize) -> Result<(), LoadError> {
        self.text_left = self
            .text_left
            .checked_sub(bytes)
            .ok_or(LoadError::TooMuchText(CellRef::new(row, col)))?;
        Ok(())
    }

    fn add(&mut self, row: u32, col: u32, value: Option<Value>) -> Result<(), LoadError> {
        self.seen += 1;
        if self.seen > MAX_CELLS {
            return Err(LoadError::TooLarge(None));
        }
        let Some(value) = value.filter(|v| !v.is_blank()) else {
            return Ok(());
        };
        if row >= MAX_ROWS || col >= MAX_COLS {
            return Err(LoadError::TooLarge(Some(CellRef::new(row, col))));
        }
        self.cells_left = self
            .cells_left
            .checked_sub(1)
            .ok_or(LoadError::TooManyCells(CellRef::new(row, col)))?;
        let value = match value {
            Value::Text(s) if s.len() > MAX_TEXT_CHARS && s.chars().count() > MAX_TEXT_CHARS => {
                self.too_long
                    .push((CellRef::new(row, col), s.chars().count()));
                Value::Text(s.chars().take(MAX_TEXT_CHARS).collect())
            }
            v => v,
        };
        self.cells.entry(row).or_default().insert(col, value);
        Ok(())
    }
}

fn from_range(range: &calamine::Range<Data>, grid: &mut Grid) -> Result<(), LoadError> {
    let Some((r0, c0)) = range.start() else {
        return Ok(());
    };
    let (h, w) = range.get_size();
    // Within the limits a range has at most MAX_ROWS × MAX_COLS cells; a bigger one must reach
    // past them, so refuse it without walking it.
    if (h as u64).saturating_mul(w as u64) > u64::from(MAX_ROWS) * u64::from(MAX_COLS) {
        return Err(LoadError::TooLarge(
            range.end().map(|(r, c)| CellRef::new(r, c)),
        ));
    }
    for (r, c, v) in range.used_cells() {
        let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
            return Err(LoadError::TooLarge(None));
        };
        let (r, c) = (r0.saturating_add(r), c0.saturating_add(c));
        if let Data::String(s) = v {
            grid.charge(r, c, s.len())?;
        }
        grid.add(r, c, from_data(v))?;
    }
    Ok(())
}

/// The bytes of text a cell holds (0 for numbers and the like).
fn ref_text_len(v: &DataRef<'_>) -> usize {
    match v {
        DataRef::String(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        _ => 0,
    }
}

fn from_ref(v: &DataRef<'_>, percent: bool) -> Option<Value> {
    Some(match v {
        DataRef::Int(i) => Value::Number {
            value: *i as f64,
            percent,
        },
        DataRef::Float(f) => Value::Number { value: *f, percent },
        DataRef::String(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) => Value::Date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s.clone()),
        DataRef::Error(e) => Value::Error(e.to_string()),
        DataRef::Empty => return None,
    })
}

fn from_data(v: &Data) -> Option<Value> {
    Some(match v {
        Data::Int(i) => Value::Number {
            value: *i as f64,
            percent: false,
        },
        Data::Float(f) => Value::Number {
            value: *f,
            percent: false,
        },
        Data::String(s) => Value::Text(s.clone()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => Value::Date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
        Data::Empty => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cells_kept_are_charged_to_the_workbook() {
        let number = || {
            Some(Value::Number {
                value: 1.0,
                percent: false,
            })
        };
        let mut grid = Grid::new(MAX_TEXT_BYTES, 2);
        grid.add(0, 0, number()).unwrap();
        // Blank cells cost nothing.
        grid.add(0, 1, None).unwrap();
        grid.add(0, 2, Some(Value::Text("  ".into()))).unwrap();
        grid.add(1, 0, number()).unwrap();
        assert!(matches!(
            grid.add(1, 1, number()),
            Err(LoadError::TooManyCells(c)) if c == CellRef::new(1, 1)
        ));
    }
}
