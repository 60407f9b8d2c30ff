//! A table sheet: header row → columns by name, data rows, and typed cell access with the A1
//! address of every value.
//!
//! - The header row is the first row of the sheet that has any content (row 1 normally; when
//!   leading rows are blank it is the first non-blank one). All addresses are absolute.
//! - A header names a column by its folded text ([`crate::text::fold_name`]: full-width folded,
//!   white space and in-cell line breaks removed), optionally followed by a unit in brackets
//!   (`预算数（万元）`, `预算数(元)`, `3月底(%)`). Unknown columns are ignored; when two headers
//!   name the same column the first wins (with a warning).
//! - A data row is skipped when every recognised column is blank in it (so notes in extra
//!   columns do not make rows).
//! - Merged cells: every cell of a merged region reads as its top-left cell, for data rows.
//!   Blankness of a row is decided on the cells as stored, before merges are applied, so the rows
//!   a tall merged cell spans are not data rows by themselves.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;

use super::book::LoadedSheet;
use super::origins::RowOrigin;
use super::value::{self, MoneyUnit, NumberError, Percent, Value};
use crate::contract::{self, Kind, Presence, RuleId};
use crate::diagnostic::{CellRef, Diagnostic, Location};
use crate::text::{closest, fold_name};

/// What a reading collects: the file and the findings so far.
pub struct Ctx {
    pub file: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

impl Ctx {
    pub fn new(file: &Path) -> Self {
        Self {
            file: file.to_path_buf(),
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, location: Location, rule: RuleId, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(&self.file, location, rule, message));
    }

    pub fn warning(&mut self, location: Location, rule: RuleId, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(&self.file, location, rule, message));
    }
}

/// A column found in the header row.
#[derive(Debug, Clone)]
pub struct HeaderColumn {
    pub index: u32,
    pub money_unit: MoneyUnit,
    /// What the contract says the column holds (long text keeps its paragraphs).
    pub kind: Kind,
}

/// Whether a blank cell is a finding (`missing-value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// One table sheet with its columns found.
pub struct Table<'s> {
    pub sheet: &'s LoadedSheet,
    pub header_row: u32,
    columns: BTreeMap<&'static str, HeaderColumn>,
    origin_columns: Arc<BTreeMap<String, u32>>,
    /// Blank cells inside merged regions → the region's top-left cell.
    merged: HashMap<(u32, u32), (u32, u32)>,
    /// Absolute indices of the data rows, in order.
    pub rows: Vec<u32>,
    /// Required columns that are missing (already reported unless the table has no rows and
    /// the sheet may be left empty).
    pub missing: Vec<&'static str>,
    /// The sheet may be left empty (it is not required by the contract).
    may_be_empty: bool,
}

/// Splits a folded header into name and bracketed unit: `预算数(万元)` → (`预算数`, `万元`).
fn split_unit(folded: &str) -> (&str, &str) {
    if let Some(body) = folded.strip_suffix(')')
        && let Some(open) = body.rfind('(')
    {
        return (&body[..open], &body[open + 1..]);
    }
    (folded, "")
}

/// What the header row names: the contract's columns found, the other headers (column, text),
/// and the unrecognised units (where, message).
struct Header {
    columns: BTreeMap<&'static str, HeaderColumn>,
    unknown: Vec<(u32, String)>,
    bad_units: Vec<(Location, String)>,
}

impl Header {
    /// Reads the header row of `sheet`, warning (`duplicate-column`) about a second header of
    /// the same column.
    fn read(
        ctx: &mut Ctx,
        sheet: &LoadedSheet,
        header_row: u32,
        specs: &'static [contract::Column],
    ) -> Header {
        let mut header = Header {
            columns: BTreeMap::new(),
            unknown: Vec::new(),
            bad_units: Vec::new(),
        };
        let Some(cells) = sheet.cells.get(&header_row) else {
            return header;
        };
        for (&c, v) in cells {
            let text = v.display();
            let folded = fold_name(&text);
            let (name, unit) = split_unit(&folded);
            let named = |wanted: &str| {
                specs
                    .iter()
                    .find(|s| s.names().any(|n| fold_name(n) == wanted))
            };
            let Some(spec) = named(name).or_else(|| named(&folded)) else {
                header.unknown.push((c, value::short_text(&text)));
                continue;
            };
            let here = Location::cell(sheet.name.clone(), CellRef::new(header_row, c));
            if let Some(first) = header.columns.get(spec.name) {
                ctx.warning(
                    here,
                    RuleId::DuplicateColumn,
                    format!(
                        "“{}”表有两列“{}”，只读取第一列（{}列），本列已忽略",
                        sheet.name,
                        spec.name,
                        CellRef::column_name(first.index)
                    ),
                );
                continue;
            }
            let unit = if spec.names().any(|n| fold_name(n) == folded) {
                ""
            } else {
                unit
            };
            let money_unit = header.unit(spec, &text, unit, here);
            header.columns.insert(
                spec.name,
                HeaderColumn {
                    index: c,
                    money_unit,
                    kind: spec.kind,
                },
            );
        }
        header
    }

    /// The money unit a header states (万元 when none); an unrecognised unit of a money or
    /// percent column is kept to be reported.
    fn unit(
        &mut self,
        spec: &contract::Column,
        text: &str,
        unit: &str,
        here: Location,
    ) -> MoneyUnit {
        match spec.kind {
            Kind::Money => MoneyUnit::from_header(unit).unwrap_or_else(|| {
                self.bad_units.push((
                    here,
                    format!(
                        "列“{}”的单位“{}”无法识别，应为“万元”或“元”（不写单位即为万元）",
                        value::short_text(text),
                        unit
                    ),
                ));
                MoneyUnit::Wan
            }),
            Kind::Percent if !unit.is_empty() && unit != "%" => {
                self.bad_units.push((
                    here,
                    format!(
                        "列“{}”的单位“{}”无法识别，应为百分比（%）",
                        value::short_text(text),
                        unit
                    ),
                ));
                MoneyUnit::Wan
            }
            _ => MoneyUnit::Wan,
        }
    }
}

impl<'s> Table<'s> {
    /// Finds the header row and the columns of contract sheet `spec` in `sheet`. Missing required
    /// columns are reported (rule `missing-column`) unless the contract lets the sheet be empty
    /// and it has no data rows; a money column with a unit other than 万元/元 is reported (rule
    /// `bad-unit`).
    pub fn new(ctx: &mut Ctx, sheet: &'s LoadedSheet, spec: &'static contract::Sheet) -> Table<'s> {
        let specs = spec.columns;
        let may_be_empty = spec.presence != Presence::Required;
        let header_row = sheet.cells.keys().next().copied().unwrap_or(0);
        let header = Header::read(ctx, sheet, header_row, specs);
        let columns = header.columns;

        let known: Vec<u32> = columns.values().map(|c| c.index).collect();
        let rows: Vec<u32> = sheet
            .cells
            .range(header_row.saturating_add(1)..)
            .filter(|(_, cells)| known.iter().any(|c| cells.contains_key(c)))
            .map(|(&r, _)| r)
            .collect();

        for (location, message) in header.bad_units {
            ctx.error(location, RuleId::BadUnit, message);
        }

        let missing: Vec<&'static str> = specs
            .iter()
            .filter(|s| s.required && !columns.contains_key(s.name))
            .map(|s| s.name)
            .collect();
        // Lenient only when nothing at all is below the header row: content that no column
        // claims means the header is wrong, not that the table is empty.
        let nothing_below = sheet
            .cells
            .range(header_row.saturating_add(1)..)
            .next()
            .is_none();
        if !(may_be_empty && rows.is_empty() && nothing_below) {
            report_missing_columns(ctx, sheet, header_row, specs, &missing, &header.unknown);
        }

        let origin_columns = Arc::new(
            columns
                .iter()
                .map(|(k, c)| ((*k).to_string(), c.index))
                .collect(),
        );
        let merged = merged_cells(sheet, header_row, rows.last().copied(), &known);
        Table {
            sheet,
            header_row,
            columns,
            origin_columns,
            merged,
            rows,
            missing,
            may_be_empty,
        }
    }

    /// True when the table can be read: every required column was found, or the sheet may be
    /// empty and is.
    pub fn usable(&self) -> bool {
        self.complete() || (self.may_be_empty && self.rows.is_empty())
    }

    /// The unit a money column's header states; `None` when the sheet lacks the column.
    pub fn money_unit(&self, column: &str) -> Option<MoneyUnit> {
        self.columns.get(column).map(|c| c.money_unit)
    }

    /// True when every required column was found.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }

    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The address of `column` in `row` (the header's first column when the column is absent).
    pub fn cell(&self, row: u32, column: &str) -> CellRef {
        let c = self
            .columns
            .get(column)
            .map(|c| c.index)
            .unwrap_or_else(|| {
                self.sheet
                    .cells
                    .get(&self.header_row)
                    .and_then(|h| h.keys().next().copied())
                    .unwrap_or(0)
            });
        CellRef::new(row, c)
    }

    pub fn location(&self, row: u32, column: &str) -> Location {
        Location::cell(self.sheet.name.clone(), self.cell(row, column))
    }

    pub fn origin(&self, row: u32) -> RowOrigin {
        RowOrigin {
            sheet: self.sheet.name.clone(),
            row,
            columns: self.origin_columns.clone(),
        }
    }

    /// The value of `column` in `row`, reading merged cells as their top-left cell; `None` when
    /// blank or when the sheet has no such column.
    pub fn get(&self, row: u32, column: &str) -> Option<&'s Value> {
        let c = self.columns.get(column)?.index;
        let sheet: &'s LoadedSheet = self.sheet;
        sheet.get(row, c).or_else(|| {
            let (r0, c0) = *self.merged.get(&(row, c))?;
            sheet.get(r0, c0)
        })
    }

    /// Where a (possibly merged) value actually sits.
    pub fn source(&self, row: u32, column: &str) -> CellRef {
        let cell = self.cell(row, column);
        match self.merged.get(&(cell.row, cell.col)) {
            Some(&(r, c)) if self.sheet.get(cell.row, cell.col).is_none() => CellRef::new(r, c),
            _ => cell,
        }
    }

    /// Reports a required value that is blank.
    /// Nothing is said when the column itself is missing: that was reported once already.
    pub fn report_missing(&self, ctx: &mut Ctx, row: u32, column: &str) {
        if !self.has(column) {
            return;
        }
        ctx.error(
            self.location(row, column),
            RuleId::MissingValue,
            format!(
                "“{}”表第{}行的“{column}”为空，应填写",
                self.sheet.name,
                row as u64 + 1
            ),
        );
    }

    /// Text of `column` in `row` (trimmed; a long-text column keeps line breaks as paragraphs).
    /// A required blank cell is reported (`missing-value`); an error value (`#REF!` …) is
    /// reported (`cell-error`) and read as blank.
    pub fn text(&self, ctx: &mut Ctx, row: u32, column: &str, need: Need) -> Option<String> {
        let required = need == Need::Required;
        let Some(v) = self.get(row, column) else {
            if required {
                self.report_missing(ctx, row, column);
            }
            return None;
        };
        let raw = match v {
            Value::Error(e) => {
                self.report_error_value(ctx, row, column, e, "文字");
                return None;
            }
            v => self.visible(ctx, row, column, v.display()),
        };
        let long = self
            .columns
            .get(column)
            .is_some_and(|c| c.kind == Kind::LongText);
        let t = if long {
            value::long_text(&raw)
        } else {
            value::short_text(&raw)
        };
        if t.is_empty() {
            if required {
                self.report_missing(ctx, row, column);
            }
            return None;
        }
        Some(t)
    }

    /// The cell as text, untrimmed; reports error values. Blank (or missing column) gives `None`
    /// without a report, so callers can fill down before deciding.
    pub fn raw_text(&self, ctx: &mut Ctx, row: u32, column: &str) -> Option<String> {
        match self.get(row, column)? {
            Value::Error(e) => {
                self.report_error_value(ctx, row, column, e, "文字");
                None
            }
            v => Some(self.visible(ctx, row, column, v.display())),
        }
    }

    /// `text` without invisible characters (control, bidirectional, zero-width), with a warning
    /// naming what was removed. Line breaks of every kind become `\n`.
    fn visible(&self, ctx: &mut Ctx, row: u32, column: &str, text: String) -> String {
        let text = value::normalise_newlines(&text);
        let (kept, removed) = value::strip_invisible(&text);
        if !removed.is_empty() {
            let names: Vec<String> = removed
                .iter()
                .map(|&c| value::describe_invisible(c))
                .collect();
            ctx.warning(
                self.location(row, column),
                RuleId::InvisibleCharacter,
                format!(
                    "“{column}”含有不可见字符 {}，已删除；请检查该单元格是否从网页或其他系统粘贴而来",
                    names.join("、")
                ),
            );
        }
        kept
    }

    fn report_error_value(&self, ctx: &mut Ctx, row: u32, column: &str, e: &str, expected: &str) {
        ctx.error(
            self.location(row, column),
            RuleId::CellError,
            format!("“{column}”的值是错误值“{e}”（公式出错），应为{expected}"),
        );
    }

    /// A money amount in 万元 (the header's unit applied). Blank: `None`, reported when required.
    /// Not a number or negative: reported, `None`.
    pub fn money(&self, ctx: &mut Ctx, row: u32, column: &str, need: Need) -> Option<Decimal> {
        let Some(v) = self.get(row, column) else {
            if need == Need::Required {
                self.report_missing(ctx, row, column);
            }
            return None;
        };
        let unit = self
            .columns
            .get(column)
            .map_or(MoneyUnit::Wan, |c| c.money_unit);
        let expected = format!("数字（{}）", unit.label());
        if let Value::Error(e) = v {
            self.report_error_value(ctx, row, column, e, &expected);
            return None;
        }
        let amount = value::money(v, unit);
        self.non_negative(ctx, row, column, v, amount, |d| *d, &expected)
    }

    /// An optional plain number (`20`, `２０`, `20%`), not negative; `None` when blank or not a
    /// number (reported).
    pub fn number(&self, ctx: &mut Ctx, row: u32, column: &str) -> Option<Decimal> {
        let v = self.get(row, column)?;
        let expected = "数字";
        if let Value::Error(e) = v {
            self.report_error_value(ctx, row, column, e, expected);
            return None;
        }
        let number = value::percent(v, true);
        self.non_negative(ctx, row, column, v, number, |p| p.value, expected)
            .map(|p| p.value)
    }

    /// A percentage as read (see [`value::percent`]). Blank: `None`, reported (always required).
    /// A percent-formatted cell storing a number above 1 (`25`, shown as 2500%): `None`, reported
    /// as `pasted-percent` with both readings (see [`value::pasted_percent`]).
    pub fn percent(&self, ctx: &mut Ctx, row: u32, column: &str) -> Option<Percent> {
        let Some(v) = self.get(row, column) else {
            self.report_missing(ctx, row, column);
            return None;
        };
        let expected = "百分数（如 25 或 25%）";
        if let Value::Error(e) = v {
            self.report_error_value(ctx, row, column, e, expected);
            return None;
        }
        if let Some(stored) = value::pasted_percent(v) {
            ctx.error(
                self.location(row, column),
                RuleId::PastedPercent,
                format!(
                    "“{column}”单元格显示为 {}（存的是 {stored}，多为粘贴进来的数字）；若要填 {stored}%，请输入 {stored}% 或 {}",
                    v.display(),
                    (stored / Decimal::ONE_HUNDRED).normalize()
                ),
            );
            return None;
        }
        let percent = value::percent(v, self.sheet.formats_known);
        self.non_negative(ctx, row, column, v, percent, |p| p.value, expected)
    }

    /// A parsed number, or `None` with `not-a-number` or `negative` reported at its cell.
    #[allow(clippy::too_many_arguments)]
    fn non_negative<T>(
        &self,
        ctx: &mut Ctx,
        row: u32,
        column: &str,
        cell: &Value,
        parsed: Result<T, NumberError>,
        amount: impl Fn(&T) -> Decimal,
        expected: &str,
    ) -> Option<T> {
        match parsed {
            Ok(n) if amount(&n).is_sign_negative() && !amount(&n).is_zero() => {
                ctx.error(
                    self.location(row, column),
                    RuleId::Negative,
                    format!("“{column}”不能为负数，实际为“{}”", cell.display().trim()),
                );
                None
            }
            Ok(n) => Some(n),
            Err(NumberError::NotANumber(found)) => {
                ctx.error(
                    self.location(row, column),
                    RuleId::NotANumber,
                    format!("“{column}”应为{expected}，实际为“{found}”"),
                );
                None
            }
        }
    }
}

/// Reports the required columns `missing` from the header row (`missing-column`): that the
/// header is not in the first row, that the sheet is empty, or each column with a near header
/// as a suggestion.
fn report_missing_columns(
    ctx: &mut Ctx,
    sheet: &LoadedSheet,
    header_row: u32,
    specs: &'static [contract::Column],
    missing: &[&'static str],
    unknown: &[(u32, String)],
) {
    // A later row that names most required columns: the header is not in the first row.
    let later_header = (!missing.is_empty())
        .then(|| {
            sheet
                .cells
                .range(header_row.saturating_add(1)..)
                .take(10)
                .find(|(_, cells)| {
                    let names: Vec<String> =
                        cells.values().map(|v| fold_name(&v.display())).collect();
                    let hits = missing
                        .iter()
                        .filter(|m| names.iter().any(|n| split_unit(n).0 == fold_name(m)))
                        .count();
                    hits * 2 > missing.len()
                })
                .map(|(&r, _)| r)
        })
        .flatten();
    if let Some(r) = later_header {
        let first = sheet
            .cells
            .get(&header_row)
            .and_then(|h| h.keys().next().copied())
            .unwrap_or(0);
        ctx.error(
            Location::cell(sheet.name.clone(), CellRef::new(header_row, first)),
            RuleId::MissingColumn,
            format!(
                "“{}”表的表头应在第一行（现在是第{}行），第{}行才是表头；请删除表头上方的标题或说明行",
                sheet.name,
                header_row as u64 + 1,
                r as u64 + 1
            ),
        );
    } else if sheet.cells.is_empty() {
        let wanted: Vec<&str> = specs
            .iter()
            .filter(|s| s.required)
            .map(|s| s.name)
            .collect();
        if !wanted.is_empty() {
            ctx.error(
                Location::cell(sheet.name.clone(), CellRef::new(0, 0)),
                RuleId::MissingColumn,
                format!(
                    "“{}”表是空的，第一行应为表头，含列“{}”",
                    sheet.name,
                    wanted.join("”“")
                ),
            );
        }
    } else {
        for name in missing {
            let suggestion = closest(name, unknown.iter().map(|(_, t)| t.as_str())).and_then(|t| {
                unknown
                    .iter()
                    .find(|(_, u)| u == t)
                    .map(|(c, u)| (*c, u.clone()))
            });
            match suggestion {
                Some((c, found)) => ctx.error(
                    Location::cell(sheet.name.clone(), CellRef::new(header_row, c)),
                    RuleId::MissingColumn,
                    format!(
                        "“{}”表缺少必需的列“{name}”（表头“{found}”是否应为“{name}”？）",
                        sheet.name
                    ),
                ),
                None => ctx.error(
                    Location::cell(sheet.name.clone(), CellRef::new(header_row, 0)),
                    RuleId::MissingColumn,
                    format!(
                        "“{}”表缺少必需的列“{name}”（表头在第{}行）",
                        sheet.name,
                        header_row as u64 + 1
                    ),
                ),
            }
        }
    }
}

/// Maps each blank cell of a merged region (within the data rows and the known columns) to the
/// region's top-left cell. Bounded by rows × known columns.
fn merged_cells(
    sheet: &LoadedSheet,
    header_row: u32,
    last_row: Option<u32>,
    known: &[u32],
) -> HashMap<(u32, u32), (u32, u32)> {
    let mut map = HashMap::new();
    let Some(last_row) = last_row else {
        return map;
    };
    // Column by column, the regions crossing it in order of their first row; rows an earlier
    // region already covers are skipped (Excel never writes overlapping regions), so each stored
    // row is visited once per column however many regions a crafted sheet stacks on it.
    for &c in known {
        let mut regions: Vec<(u32, u32, u32)> = sheet
            .merges
            .iter()
            .filter(|&&(r0, c0, r1, c1)| {
                r0 > header_row && r0 <= last_row && r1 >= r0 && (c0..=c1).contains(&c)
            })
            .map(|&(r0, c0, r1, _)| (r0, r1.min(last_row), c0))
            .collect();
        regions.sort_unstable();
        let mut covered: Option<u32> = None;
        for (r0, r1, c0) in regions {
            let from = covered.map_or(r0, |done| r0.max(done.saturating_add(1)));
            if from > r1 {
                continue;
            }
            // Rows of the region with no stored cell at all are not data rows: no entry needed.
            for r in sheet.cells.range(from..=r1).map(|(r, _)| *r) {
                if (r, c) != (r0, c0) && sheet.get(r, c).is_none() {
                    map.insert((r, c), (r0, c0));
                }
            }
            covered = Some(r1);
        }
    }
    map
}
