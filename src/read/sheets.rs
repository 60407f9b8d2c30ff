//! Finding the contract's sheets in a workbook: by folded name (spaces and full-width forms do
//! not matter), warning about duplicates and hidden sheets, suggesting a near name for a missing
//! one, and loading each under the size guards of `book`.

use std::collections::{HashMap, HashSet};

use super::book::{self, Book, LoadError, LoadedSheet};
use super::table::Ctx;
use crate::contract::{self, Presence, RuleId};
use crate::diagnostic::Location;
use crate::text::{closest, fold_name};

/// The contract's sheets as loaded from one workbook.
pub struct Loaded {
    sheets: HashMap<&'static str, LoadedSheet>,
    /// Sheets present but unreadable (reported).
    pub broken: HashSet<&'static str>,
    /// False when a required sheet is missing or unreadable.
    pub complete: bool,
}

impl Loaded {
    /// The contract sheet `name`, when the workbook has it and it could be read.
    pub fn get(&self, name: &str) -> Option<&LoadedSheet> {
        self.sheets.get(name)
    }
}

/// What became of looking for a sheet.
enum Found {
    Loaded(LoadedSheet),
    Absent,
    /// Present but unreadable (reported).
    Broken,
}

/// The workbook's sheets, found by folded name.
pub struct Sheets {
    names: Vec<String>,
    wanted: HashSet<String>,
    hidden: Vec<String>,
}

impl Sheets {
    pub fn new(book: &Book) -> Self {
        let (names, hidden) = (book.sheet_names(), book.hidden_sheets());
        let wanted = contract::SHEETS.iter().map(|s| fold_name(s.name)).collect();
        Self {
            names,
            wanted,
            hidden,
        }
    }

    /// The sheet called `wanted` (folded), warning about a second sheet of the same folded name.
    fn find(&self, ctx: &mut Ctx, wanted: &str) -> Option<String> {
        let key = fold_name(wanted);
        let mut matches = self.names.iter().filter(|n| fold_name(n) == key);
        let first = matches.next()?.clone();
        for other in matches {
            ctx.warning(
                Location::sheet(other.clone()),
                RuleId::DuplicateSheet,
                format!(
                    "工作表“{other}”与“{first}”同名（不计空格和全角/半角差异），只读取“{first}”，本表已忽略"
                ),
            );
        }
        Some(first)
    }

    /// A sheet name that may be a misspelling of `wanted`.
    fn suggest(&self, wanted: &str) -> Option<String> {
        let unmatched: Vec<&String> = self
            .names
            .iter()
            .filter(|n| !self.wanted.contains(&fold_name(n)))
            .collect();
        let folded: Vec<String> = unmatched.iter().map(|n| fold_name(n)).collect();
        let hit = closest(&fold_name(wanted), folded.iter().map(String::as_str))?;
        let i = folded.iter().position(|f| f == hit)?;
        Some(unmatched[i].clone())
    }

    /// Every sheet of the contract, in its order (which is also the order of their findings).
    pub fn load_all(&self, ctx: &mut Ctx, book: &mut Book) -> Loaded {
        let mut loaded = Loaded {
            sheets: HashMap::new(),
            broken: HashSet::new(),
            complete: true,
        };
        for spec in contract::SHEETS {
            let required = spec.presence == Presence::Required;
            match self.load(ctx, book, spec.name, required) {
                Found::Loaded(sheet) => {
                    loaded.sheets.insert(spec.name, sheet);
                }
                Found::Absent => loaded.complete &= !required,
                Found::Broken => {
                    loaded.complete = false;
                    loaded.broken.insert(spec.name);
                }
            }
        }
        loaded
    }

    fn load(&self, ctx: &mut Ctx, book: &mut Book, wanted: &str, required: bool) -> Found {
        let Some(name) = self.find(ctx, wanted) else {
            if required {
                report_missing_sheet(ctx, self, wanted, String::new());
            }
            return Found::Absent;
        };
        match book.load(&name) {
            Ok(sheet) => {
                if self.hidden.contains(&name) {
                    ctx.warning(
                        Location::sheet(name.clone()),
                        RuleId::HiddenSheet,
                        format!(
                            "工作表“{name}”是隐藏的，仍按其内容读取；请确认其内容是要提交的（可在 Excel 中右键工作表标签“取消隐藏”查看）"
                        ),
                    );
                }
                for &(cell, chars) in &sheet.too_long {
                    ctx.error(
                        Location::cell(name.clone(), cell),
                        RuleId::TextTooLong,
                        format!(
                            "单元格内容过长：{chars} 个字符，超出上限 {} 个字符（Excel 单元格的上限）。请检查是否误粘贴了大段内容",
                            book::MAX_TEXT_CHARS
                        ),
                    );
                }
                Found::Loaded(sheet)
            }
            Err(LoadError::TooLarge(cell)) => {
                let message = match cell {
                    Some(cell) => format!(
                        "工作表“{name}”的已用区域过大：单元格 {cell} 有内容，超出上限（{} 行、{} 列）。\
                         请删除表格以外多余的内容后再提交",
                        book::MAX_ROWS,
                        book::MAX_COLS
                    ),
                    None => format!(
                        "工作表“{name}”的单元格过多（超过 {} 个），无法读取。请删除表格以外多余的内容后再提交",
                        book::MAX_CELLS
                    ),
                };
                let location = match cell {
                    Some(cell) => Location::cell(name.clone(), cell),
                    None => Location::sheet(name.clone()),
                };
                ctx.error(location, RuleId::SheetTooLarge, message);
                Found::Broken
            }
            Err(LoadError::TooMuchText(cell)) => {
                ctx.error(
                    Location::cell(name.clone(), cell),
                    RuleId::SheetTooLarge,
                    format!(
                        "工作表“{name}”读到单元格 {cell} 时，工作簿中的文字合计已超过 {} MB（上限；部门绩效工作簿的文字通常不到 1 MB）。\
                         请检查是否有大量单元格重复了同一段长文字，删除表格以外多余的内容后再提交",
                        book::MAX_TEXT_BYTES / (1024 * 1024)
                    ),
                );
                Found::Broken
            }
            Err(LoadError::TooManyCells(cell)) => {
                ctx.error(
                    Location::cell(name.clone(), cell),
                    RuleId::SheetTooLarge,
                    format!(
                        "工作表“{name}”读到单元格 {cell} 时，工作簿中有内容的单元格合计已超过 {} 个（上限；部门绩效工作簿通常只有几千个）。\
                         请删除表格以外多余的内容后再提交",
                        book::MAX_WORKBOOK_CELLS
                    ),
                );
                Found::Broken
            }
            Err(LoadError::Failed(e)) => {
                ctx.error(
                    Location::sheet(name.clone()),
                    RuleId::Unreadable,
                    format!("无法读取工作表“{name}”：{e}"),
                );
                Found::Broken
            }
        }
    }
}

pub fn report_missing_sheet(ctx: &mut Ctx, sheets: &Sheets, wanted: &str, why: String) {
    let hint = match sheets.suggest(wanted) {
        Some(s) => format!("（现有工作表“{s}”是否应改名为“{wanted}”？）"),
        None => String::new(),
    };
    ctx.error(
        Location::file(),
        RuleId::MissingSheet,
        format!("{why}缺少必需的工作表“{wanted}”{hint}"),
    );
}
