//! Read: one department workbook (calamine) → the domain model, with the cell of every value.
//!
//! The contract is `docs/workbook.md`. Sheets and columns are found by name, numbers
//! and percentages are accepted in every form the contract lists, and every problem found while
//! reading becomes a [`Diagnostic`] with file, sheet and A1 cell.
//!
//! The pieces:
//! - `archive`: the guard against archive ("zip") bombs: every part of a ZIP-based workbook is
//!   inflated once into a counting sink before calamine reads it, and refused beyond its kind's
//!   limit (32 MB for a sheet, 16 MB for the shared strings or the formats, 4 MB for the
//!   workbook part, relationships and theme), 40 MB in all, formats that would cost more than
//!   64 MB once read, or 10,000 entries (`archive-too-large`). See that module.
//! - `book`: opening a file by its content (not its extension), and loading a sheet as a sparse
//!   grid of non-blank cells, guarded against oversized sheets (`sheet-too-large`: a non-blank
//!   cell at or beyond row 100,000 or column 200, or more than 5,000,000 cells; xlsx is streamed
//!   and never allocated densely). See that module for the details.
//! - `sheet`: a table abstraction (header row → columns by folded name with an optional unit in
//!   brackets, data rows, merged cells, absolute A1 addresses).
//! - `value`: text, number, money, percent and year parsing without float artefacts.
//!
//! **Percentages.** xlsx: a numeric cell whose number format shows `%` holds the fraction
//! (0.25 → 25); calamine 0.38 exposes number formats through the xlsx style palette. xls, xlsb
//! and ods: calamine gives no format, so a heuristic decides per spending-plan row: when every
//! numeric (non-text) cell of the four is between 0 and 1 and at least one is above 0, the
//! numeric cells are fractions and are multiplied by 100 (`0.25, 0.5, 0.75, 1` → 25, 50, 75,
//! 100); otherwise they are percent already. Text (`25`, `25%`, `２５％`) is always percent.
//! A numeric 指标值 prints as `95%` when percent-formatted (xlsx only).
//! A percent-formatted spending-plan cell storing a number above 1 and at most 100 (`25`, shown
//! as 2500%) is an error, `pasted-percent`: typing 25 into such a cell stores 0.25, so a stored
//! 25 was pasted or written by a script, and the message gives both readings and what to type.
//! It is not silently taken as 25%: the department's own copy shows 2500%, and the published
//! figure must be the one their workbook shows.
//!
//! **Placeholders.** When a required structure (sheet or column) is missing or a required sheet
//! cannot be read, [`Reading::workbook`] is `None`. Otherwise the model is built and every cell
//! problem is reported here, with a placeholder in the model (`""`, `0`, year `0`) where a value
//! could not be read. Values the reader already reported (blank required cells, bad numbers)
//! should not be re-reported by the checks.

mod archive;
mod book;
mod ods_span;
mod table;
mod value;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::contract::{
    self, BASIS, BUDGET, COMPILED_BY, CONTENT, DECEMBER, DEPARTMENT_CODE, DEPARTMENT_NAME,
    DESCRIPTION, FIELD, FISCAL_FUNDS, GOAL, GOALS, INDICATORS, INFO, JUNE, LEVEL1, LEVEL2, LEVEL3,
    MARCH, MEASURES, OCTOBER, OTHER_FUNDS, OVERALL, PROJECT_CODE, PROJECT_NAME, PROJECTS, PURPOSE,
    REVIEWED_BY, RuleId, SUB_GOAL_INDICATORS, SUB_GOAL_NAME, SUB_GOAL_TARGET, SUB_GOALS, TITLE,
    VALUE, YEAR,
};
use crate::diagnostic::{CellRef, Diagnostic, Location};
use crate::model::{
    Department, Funds, Indicator, IndicatorDetails, IndicatorValue, Period, Project,
    ProjectDetails, SpendingPlan, SubGoal, Task,
};
use crate::text::{closest, fold_name};

use archive::{ArchiveError, PartKind};
use book::{Book, LoadError, OpenError, Sheet};
use table::{Ctx, Table};
use value::Percent;

/// A workbook read into the model, with where each value came from.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub department: Department,
    pub origins: Origins,
}

/// What reading a file gave: the model when one could be built (possibly with placeholders where
/// errors were reported), and the findings.
#[derive(Debug, Default)]
pub struct Reading {
    pub workbook: Option<Workbook>,
    pub diagnostics: Vec<Diagnostic>,
    /// 部门名称 as read, when 基本信息 gave one (also when the workbook as a whole is incomplete).
    pub department_name: Option<String>,
    /// 年度 as read, when 基本信息 gave a valid one.
    pub department_year: Option<i32>,
}

/// The row a record came from, and where each of its columns is.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOrigin {
    /// The sheet name as spelt in the workbook.
    pub sheet: String,
    /// 0-based absolute row.
    pub row: u32,
    /// Canonical column name (`财政资金`, `指标值`, …) → 0-based absolute column.
    pub columns: Arc<BTreeMap<String, u32>>,
}

impl RowOrigin {
    /// The location of `column` in this row; the row's first column when the sheet lacks it.
    pub fn cell(&self, column: &str) -> Location {
        let col = self
            .columns
            .get(column)
            .copied()
            .or_else(|| self.columns.values().min().copied())
            .unwrap_or(0);
        Location::cell(self.sheet.clone(), CellRef::new(self.row, col))
    }
}

/// Where every record of a [`Department`] came from; vectors run parallel to the model's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origins {
    /// 基本信息 字段 → its 内容 cell.
    pub info: BTreeMap<String, Location>,
    pub overall_goals: Vec<RowOrigin>,
    pub sub_goals: Vec<RowOrigin>,
    pub measures: Vec<RowOrigin>,
    /// One per project, in `项目`.
    pub projects: Vec<RowOrigin>,
    /// Per project, one per goal, in `项目目标`.
    pub goals: Vec<Vec<RowOrigin>>,
    /// Per project, one per 实施期目标, in `项目目标`.
    pub term_goals: Vec<Vec<RowOrigin>>,
    /// One per task, in `年度主要任务`.
    pub tasks: Vec<RowOrigin>,
    /// One per indicator, in `部门整体指标`.
    pub department_indicators: Vec<RowOrigin>,
    /// Per project, one per indicator, in `项目指标`.
    pub indicators: Vec<Vec<RowOrigin>>,
}

/// The columns of contract sheet `name`.
fn columns_of(name: &str) -> &'static [contract::Column] {
    contract::sheet_named(name).columns
}

/// The contract's v1 sheets in workbook order, each with its v1 columns (canonical names,
/// without units), as defined in [`crate::contract`].
pub fn contract_sheets() -> Vec<(&'static str, Vec<&'static str>)> {
    contract::SHEETS
        .iter()
        .filter(|s| s.since == contract::Since::V1)
        .map(|s| (s.name, s.columns_for(false).map(|c| c.name).collect()))
        .collect()
}

/// The columns of one contract sheet.
pub fn contract_columns(sheet: &str) -> Vec<&'static str> {
    contract_sheets()
        .into_iter()
        .find(|(name, _)| *name == sheet)
        .map(|(_, columns)| columns)
        .unwrap_or_default()
}

/// Reads one workbook file. Never panics on bad input; problems are returned as diagnostics.
pub fn read(path: &Path) -> Reading {
    guard(path, || read_file(path, book::open(path)))
}

/// Reads a workbook held in memory as if it were the file `path` (which names it in the
/// findings; it is not opened). For fuzzing and tests.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Reading {
    guard(path, || read_file(path, book::open_bytes(bytes.into())))
}

fn guard(path: &Path, f: impl FnOnce() -> Reading) -> Reading {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(reading) => reading,
        Err(_) => Reading {
            workbook: None,
            diagnostics: vec![Diagnostic::error(
                path,
                Location::file(),
                RuleId::Unreadable,
                format!(
                    "读取文件“{}”时发生内部错误，文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再提交",
                    file_name(path)
                ),
            )],
            department_name: None,
            department_year: None,
        },
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

fn open_message(path: &Path, e: OpenError) -> String {
    let name = file_name(path);
    match e {
        OpenError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("找不到文件“{name}”")
        }
        OpenError::Io(e) => format!("无法打开文件“{name}”：{e}"),
        OpenError::TooLarge(size) => format!(
            "文件“{name}”过大（{:.1} MB），超出上限 {} MB。部门绩效工作簿通常不到 1 MB，\
             请删除多余的工作表、图片或表格以外的内容后再提交",
            size as f64 / 1_048_576.0,
            book::MAX_FILE_BYTES / 1_048_576
        ),
        OpenError::Password => {
            format!("文件“{name}”受密码保护（已加密），无法读取。请去除密码后再提交")
        }
        OpenError::NotAWorkbook(kind) => format!(
            "文件“{name}”不是 Excel 工作簿（看起来是{kind}），应为 .xlsx、.xlsm、.xls 或 .ods 文件。\
             如果是从其他系统导出的，请用 Excel 打开后另存为 .xlsx"
        ),
        OpenError::Archive(e) => archive_message(&name, e),
        OpenError::Invalid(msg) => format!(
            "无法读取文件“{name}”：文件已损坏或不是有效的 Excel/ODS 工作簿（{msg}）。\
             请用 Excel 打开后另存为 .xlsx 再提交"
        ),
    }
}

fn archive_message(name: &str, e: ArchiveError) -> String {
    const MB: u64 = 1024 * 1024;
    const WHY: &str = "部门绩效工作簿解压后通常不到 10 MB，此文件可能已损坏或是特意构造的“压缩炸弹”。\
                       请用 Excel 打开后另存为 .xlsx 再提交";
    let part = |p: String| {
        if p.is_empty() {
            "（无名部件）".to_string()
        } else {
            p
        }
    };
    match e {
        ArchiveError::PartTooLarge { part: p, kind } => format!(
            "文件“{name}”解压后过大：{} 超过 {} MB（压缩包中{}的上限）。{WHY}",
            part(p),
            kind.limit() / MB,
            match kind {
                PartKind::SharedStrings => "共享字符串部件",
                PartKind::Styles => "格式部件",
                PartKind::Package => "工作簿目录、关系或主题部件",
                PartKind::Other => "单个部件",
            }
        ),
        ArchiveError::StylesTooCostly {
            part: p,
            formats,
            longest,
        } => format!(
            "文件“{name}”的单元格格式过多：{} 中有 {formats} 个格式（最长的一项 {longest} 字节），\
             读取需要的内存超过上限（格式数 ×（256 + 2 × 最长一项的字节数）不超过 {} MB；Excel 自身最多 64,000 个格式）。\
             请在 Excel 中删除多余的单元格样式，或把表格内容复制到新工作簿后再提交",
            part(p),
            archive::MAX_STYLES_COST / MB
        ),
        ArchiveError::TotalTooLarge(p) => format!(
            "文件“{name}”解压后过大：解压到 {} 时合计已超过 {} MB（压缩包中全部部件合计的上限）。{WHY}",
            part(p),
            archive::MAX_TOTAL_BYTES / MB
        ),
        ArchiveError::TooManyEntries(n) => format!(
            "文件“{name}”的压缩包中部件过多：{n} 个，超出上限 {} 个（工作簿通常只有几十个部件）。{WHY}",
            archive::MAX_ENTRIES
        ),
        ArchiveError::DuplicateNames => format!(
            "无法读取文件“{name}”：压缩包中有同名的部件，不同程序会读到不同的内容，文件已损坏或被篡改。\
             请用 Excel 打开后另存为 .xlsx 再提交"
        ),
        ArchiveError::DeclaredStrings { part, count } => format!(
            "无法读取文件“{name}”：{} 声明有 {count} 个字符串，远超其内容所能容纳的数量，文件已损坏或被篡改。\
             请用 Excel 打开后另存为 .xlsx 再提交",
            part
        ),
        ArchiveError::XlsSpanTooLarge(cells) => format!(
            "文件“{name}”的工作表已用区域过大：各表从第一个到最后一个有内容的单元格合计占 {cells} 个单元格，\
             超出上限 {} 个（读取 .xls 时整个区域都要占用内存）。请删除表格以外多余的内容，或另存为 .xlsx 后再提交",
            archive::MAX_XLS_SPAN_CELLS
        ),
        ArchiveError::OdsTooManyCells(cells) => format!(
            "文件“{name}”的工作表展开后过大：content.xml 中重复的行和列（number-rows-repeated、\
             number-columns-repeated）展开后合计 {cells} 个单元格，超出上限 {} 个（读取 .ods 时要全部展开）。\
             请删除表格以外多余的内容，或另存为 .xlsx 后再提交",
            archive::MAX_ODS_CELLS
        ),
        ArchiveError::Compound(what) => format!(
            "无法读取文件“{name}”：文件已损坏或被篡改（{what}）。请用 Excel 打开后另存为 .xlsx 再提交"
        ),
        ArchiveError::Overlapping => format!(
            "无法读取文件“{name}”：压缩包中的部件相互重叠（多个部件共用同一段数据，常见于“压缩炸弹”），\
             文件已损坏或被篡改。请用 Excel 打开后另存为 .xlsx 再提交"
        ),
    }
}

/// What became of looking for a sheet.
enum Found {
    Loaded(Sheet),
    Absent,
    /// Present but unreadable (reported).
    Broken,
}

/// The workbook's sheets, found by folded name.
struct Sheets {
    names: Vec<String>,
    wanted: HashSet<String>,
    hidden: Vec<String>,
}

impl Sheets {
    fn new(names: Vec<String>, hidden: Vec<String>) -> Self {
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

fn report_missing_sheet(ctx: &mut Ctx, sheets: &Sheets, wanted: &str, why: String) {
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

fn read_file(path: &Path, opened: Result<Book, OpenError>) -> Reading {
    let mut ctx = Ctx::new(path);
    let mut book = match opened {
        Ok(book) => book,
        Err(e) => {
            let rule = match &e {
                OpenError::Archive(
                    ArchiveError::PartTooLarge { .. }
                    | ArchiveError::StylesTooCostly { .. }
                    | ArchiveError::XlsSpanTooLarge(_)
                    | ArchiveError::OdsTooManyCells(_)
                    | ArchiveError::TotalTooLarge(_)
                    | ArchiveError::TooManyEntries(_),
                ) => RuleId::ArchiveTooLarge,
                _ => RuleId::Unreadable,
            };
            ctx.error(Location::file(), rule, open_message(path, e));
            return Reading {
                workbook: None,
                diagnostics: ctx.diagnostics,
                department_name: None,
                department_year: None,
            };
        }
    };
    let sheets = Sheets::new(book.sheet_names(), book.hidden_sheets());
    let mut complete = true;
    // Names of sheets present but unreadable.
    let mut broken: HashSet<&'static str> = HashSet::new();
    let mut load = |ctx: &mut Ctx, name: &'static str, required: bool| -> Option<Sheet> {
        match sheets.load(ctx, &mut book, name, required) {
            Found::Loaded(s) => Some(s),
            Found::Absent => {
                complete &= !required;
                None
            }
            Found::Broken => {
                complete = false;
                broken.insert(name);
                None
            }
        }
    };
    let info_sheet = load(&mut ctx, INFO, true);
    let overall_sheet = load(&mut ctx, OVERALL, true);
    let sub_sheet = load(&mut ctx, SUB_GOALS, true);
    let measures_sheet = load(&mut ctx, MEASURES, false);
    let projects_sheet = load(&mut ctx, PROJECTS, false);
    let goals_sheet = load(&mut ctx, GOALS, false);
    let indicators_sheet = load(&mut ctx, INDICATORS, false);
    let tasks_sheet = load(&mut ctx, contract::TASKS, false);
    let department_indicators_sheet = load(&mut ctx, contract::DEPARTMENT_INDICATORS, false);

    let mut origins = Origins::default();
    let mut dept = Department::default();

    if let Some(sheet) = &info_sheet {
        complete &= read_info(&mut ctx, sheet, &mut dept, &mut origins);
    }
    if let Some(sheet) = &overall_sheet {
        let t = Table::new(&mut ctx, sheet, columns_of(OVERALL), false);
        complete &= t.complete();
        for &row in &t.rows {
            if let Some(text) = t.text(&mut ctx, row, CONTENT, true, true) {
                dept.overall_goals.push(text);
                origins.overall_goals.push(t.origin(row));
            }
        }
    }
    if let Some(sheet) = &sub_sheet {
        let t = Table::new(&mut ctx, sheet, columns_of(SUB_GOALS), false);
        complete &= t.complete();
        for &row in &t.rows {
            let name = t.text(&mut ctx, row, SUB_GOAL_NAME, true, false);
            let target = t.text(&mut ctx, row, SUB_GOAL_TARGET, true, true);
            let indicators = t.text(&mut ctx, row, SUB_GOAL_INDICATORS, true, true);
            dept.sub_goals.push(SubGoal {
                name: name.unwrap_or_default(),
                target: target.unwrap_or_default(),
                indicators: indicators.unwrap_or_default(),
            });
            origins.sub_goals.push(t.origin(row));
        }
    }
    if let Some(sheet) = &measures_sheet {
        let t = Table::new(&mut ctx, sheet, columns_of(MEASURES), true);
        complete &= t.complete() || t.rows.is_empty();
        for &row in &t.rows {
            if let Some(text) = t.text(&mut ctx, row, CONTENT, true, true) {
                dept.measures.push(text);
                origins.measures.push(t.origin(row));
            }
        }
    }

    // 部门整体支出绩效目标表 (contract v2)
    if let Some(sheet) = &tasks_sheet {
        let t = Table::new(&mut ctx, sheet, columns_of(contract::TASKS), true);
        complete &= t.complete() || t.rows.is_empty();
        read_tasks(&mut ctx, &t, &mut dept, &mut origins);
    }
    if let Some(sheet) = &department_indicators_sheet {
        let t = Table::new(
            &mut ctx,
            sheet,
            columns_of(contract::DEPARTMENT_INDICATORS),
            true,
        );
        complete &= t.complete() || t.rows.is_empty();
        read_department_indicators(&mut ctx, &t, &mut dept, &mut origins);
    }

    // 项目
    let mut index: HashMap<String, usize> = HashMap::new();
    // When 项目 could not be read, names in 项目目标/项目指标 cannot be checked against it.
    let mut projects_known = !broken.contains(PROJECTS);
    if let Some(sheet) = &projects_sheet {
        let t = Table::new(&mut ctx, sheet, columns_of(PROJECTS), true);
        // Without a stated 金额单位, the document prints money in the unit of 预算数's header.
        if !origins.info.contains_key(contract::MONEY_UNIT)
            && let Some(unit) = t.money_unit(BUDGET)
        {
            dept.money_unit = unit;
        }
        let ok = t.complete() || t.rows.is_empty();
        complete &= ok;
        projects_known &= t.has(PROJECT_NAME);
        let mut first_cell: HashMap<String, CellRef> = HashMap::new();
        for &row in &t.rows {
            let project = read_project(&mut ctx, &t, row);
            if !project.name.is_empty() {
                let key = fold_name(&project.name);
                let here = t.cell(row, PROJECT_NAME);
                if let Some(first) = first_cell.get(&key) {
                    ctx.error(
                        t.location(row, PROJECT_NAME),
                        RuleId::DuplicateProject,
                        format!(
                            "项目名称“{}”重复：与 {}!{first} 相同，项目名称在工作簿内应唯一；本行已忽略",
                            project.name, sheet.name
                        ),
                    );
                    continue;
                }
                first_cell.insert(key.clone(), here);
                index.insert(key, dept.projects.len());
            }
            dept.projects.push(project);
            origins.projects.push(t.origin(row));
        }
    }
    origins.goals = vec![Vec::new(); dept.projects.len()];
    origins.term_goals = vec![Vec::new(); dept.projects.len()];
    origins.indicators = vec![Vec::new(); dept.projects.len()];
    let names: Vec<String> = dept.projects.iter().map(|p| p.name.clone()).collect();
    let resolver = Resolver {
        index: &index,
        names: &names,
        has_sheet: projects_sheet.is_some(),
        report: projects_known,
        suggested: std::cell::Cell::new(0),
    };

    for (wanted, sheet) in [(GOALS, &goals_sheet), (INDICATORS, &indicators_sheet)] {
        if sheet.is_none() && !dept.projects.is_empty() && !broken.contains(wanted) {
            report_missing_sheet(
                &mut ctx,
                &sheets,
                wanted,
                format!("“项目”表有 {} 个项目，", dept.projects.len()),
            );
            complete = false;
        }
    }

    if let Some(sheet) = &goals_sheet {
        let t = Table::new(&mut ctx, sheet, columns_of(GOALS), true);
        complete &= t.complete() || t.rows.is_empty();
        for &row in &t.rows {
            let name = t.text(&mut ctx, row, PROJECT_NAME, true, false);
            let goal = t.text(&mut ctx, row, GOAL, true, true);
            let period = read_period(&mut ctx, &t, row).unwrap_or_default();
            let Some(name) = name else { continue };
            let cell = t.cell(row, PROJECT_NAME);
            let Some(p) = resolver.resolve(&mut ctx, &sheet.name, cell, &name) else {
                continue;
            };
            if let Some(goal) = goal {
                match period {
                    Period::Year => {
                        dept.projects[p].goals.push(goal);
                        origins.goals[p].push(t.origin(row));
                    }
                    Period::Term => {
                        dept.projects[p].term_goals.push(goal);
                        origins.term_goals[p].push(t.origin(row));
                    }
                }
            }
        }
    }

    if let Some(sheet) = &indicators_sheet {
        let t = Table::new(&mut ctx, sheet, columns_of(INDICATORS), true);
        complete &= t.complete() || t.rows.is_empty();
        read_indicators(&mut ctx, &t, &resolver, &mut dept, &mut origins);
    }

    let department_name = Some(dept.name.clone()).filter(|n| !n.is_empty());
    let department_year = Some(dept.year).filter(|&y| y != 0);
    let workbook = complete.then_some(Workbook {
        department: dept,
        origins,
    });
    Reading {
        workbook,
        diagnostics: ctx.diagnostics,
        department_name,
        department_year,
    }
}

/// Finds projects by name for 项目目标 and 项目指标, reporting unknown names once per cell.
struct Resolver<'a> {
    index: &'a HashMap<String, usize>,
    names: &'a [String],
    has_sheet: bool,
    /// False when 项目 could not be read: unknown names are then not reported.
    report: bool,
    suggested: std::cell::Cell<usize>,
}

/// Names longer than this (in characters) get no suggestion: edit distance is quadratic.
const MAX_SUGGEST_CHARS: usize = 100;
/// Suggestions computed per workbook at most (each compares with every project name).
const MAX_SUGGESTIONS: usize = 1_000;

impl Resolver<'_> {
    /// The closest project name, within the bounds above.
    fn suggest(&self, name: &str) -> Option<&str> {
        let n = self.suggested.get();
        if n >= MAX_SUGGESTIONS || name.chars().count() > MAX_SUGGEST_CHARS {
            return None;
        }
        self.suggested.set(n + 1);
        closest(
            name,
            self.names
                .iter()
                .map(String::as_str)
                .filter(|c| c.chars().count() <= MAX_SUGGEST_CHARS),
        )
    }

    fn resolve(&self, ctx: &mut Ctx, sheet: &str, cell: CellRef, name: &str) -> Option<usize> {
        if let Some(&i) = self.index.get(&fold_name(name)) {
            return Some(i);
        }
        if !self.report {
            return None;
        }
        let mut message = format!("项目“{name}”不在“项目”表中");
        if !self.has_sheet {
            message.push_str("（工作簿没有“项目”表）");
        } else if let Some(s) = self.suggest(name) {
            message.push_str(&format!("，是否应为“{s}”？"));
        } else {
            message.push_str("，应为“项目”表中的某个项目名称");
        }
        ctx.error(
            Location::cell(sheet.to_string(), cell),
            RuleId::UnknownProject,
            message,
        );
        None
    }
}

/// 基本信息 → the department's fields. Returns false when a required field is missing.
fn read_info(ctx: &mut Ctx, sheet: &Sheet, dept: &mut Department, origins: &mut Origins) -> bool {
    let t = Table::new(ctx, sheet, columns_of(INFO), false);
    if !t.complete() {
        return false;
    }
    let mut found: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut unknown: Vec<(u32, String)> = Vec::new();
    for &row in &t.rows {
        let Some(field) = t.text(ctx, row, FIELD, false, false) else {
            if t.get(row, CONTENT).is_some() {
                ctx.warning(
                    t.location(row, FIELD),
                    RuleId::UnknownField,
                    format!(
                        "“{}”表第{}行有内容但“字段”为空，本行已忽略",
                        sheet.name,
                        row as u64 + 1
                    ),
                );
            }
            continue;
        };
        let key = fold_name(&field);
        match contract::FIELDS.iter().find(|f| fold_name(f.name) == key) {
            Some(&contract::Field {
                name: canonical, ..
            }) => {
                if let Some(&first) = found.get(canonical) {
                    ctx.warning(
                        t.location(row, FIELD),
                        RuleId::DuplicateField,
                        format!(
                            "字段“{canonical}”重复出现，只读取第一次（第{}行），本行已忽略",
                            first as u64 + 1
                        ),
                    );
                } else {
                    found.insert(canonical, row);
                }
            }
            None => unknown.push((row, field)),
        }
    }

    let mut complete = true;
    // Unknown fields already offered as a suggestion.
    let mut cited: HashSet<u32> = HashSet::new();
    for &contract::Field {
        name: field,
        required,
        ..
    } in contract::FIELDS
    {
        if found.contains_key(field) {
            continue;
        }
        let candidates: Vec<&str> = unknown.iter().map(|(_, u)| u.as_str()).collect();
        let near = closest(field, candidates.iter().copied())
            .and_then(|hit| unknown.iter().find(|(_, u)| u == hit))
            .filter(|(row, _)| !cited.contains(row));
        if let Some((row, _)) = near {
            cited.insert(*row);
        }
        match (required, near) {
            (true, Some((row, u))) => {
                complete = false;
                ctx.error(
                    t.location(*row, FIELD),
                    RuleId::MissingField,
                    format!(
                        "“{}”表缺少必需的字段“{field}”（字段“{u}”是否应为“{field}”？）",
                        sheet.name
                    ),
                );
            }
            (true, None) => {
                complete = false;
                ctx.error(
                    Location::sheet(sheet.name.clone()),
                    RuleId::MissingField,
                    format!(
                        "“{}”表缺少必需的字段“{field}”：应有一行“字段”为“{field}”，“内容”为其值",
                        sheet.name
                    ),
                );
            }
            (false, Some((row, u))) => ctx.warning(
                t.location(*row, FIELD),
                RuleId::UnknownField,
                format!("未知的字段“{u}”，已忽略（是否应为“{field}”？）"),
            ),
            (false, None) => {}
        }
    }

    let mut content = |ctx: &mut Ctx, field: &'static str| -> Option<String> {
        let &row = found.get(field)?;
        origins
            .info
            .insert(field.to_string(), t.location(row, CONTENT));
        let required = contract::FIELDS
            .iter()
            .any(|f| f.name == field && f.required);
        let value = t.text(ctx, row, CONTENT, false, false);
        if value.is_none() && required && t.get(row, CONTENT).is_none() {
            ctx.error(
                t.location(row, CONTENT),
                RuleId::MissingValue,
                format!("字段“{field}”的内容为空，应填写{field}"),
            );
        }
        value
    };

    dept.name = content(ctx, DEPARTMENT_NAME).unwrap_or_default();
    dept.compiled_by = content(ctx, COMPILED_BY).unwrap_or_default();
    dept.reviewed_by = content(ctx, REVIEWED_BY);
    dept.code = content(ctx, DEPARTMENT_CODE);
    let title = content(ctx, TITLE);
    if let Some(unit) = content(ctx, contract::MONEY_UNIT) {
        match value::MoneyUnit::from_header(&fold_name(&unit)) {
            Some(u) => dept.money_unit = u,
            None => ctx.error(
                t.location(found[contract::MONEY_UNIT], CONTENT),
                RuleId::BadUnit,
                format!("“金额单位”应为“万元”或“元”，实际为“{unit}”"),
            ),
        }
    }
    if let Some(&row) = found.get(YEAR) {
        origins
            .info
            .insert(YEAR.to_string(), t.location(row, CONTENT));
        match t.get(row, CONTENT) {
            None => ctx.error(
                t.location(row, CONTENT),
                RuleId::MissingValue,
                "字段“年度”的内容为空，应填写四位数的年份（如 2021）",
            ),
            Some(v) => match value::year(v) {
                Some(y) => dept.year = y,
                None => ctx.error(
                    t.location(row, CONTENT),
                    RuleId::BadYear,
                    format!(
                        "“年度”应为四位数的年份（如 2021），实际为“{}”",
                        v.display().trim()
                    ),
                ),
            },
        }
    }
    dept.title = title.unwrap_or_else(|| Department::default_title(&dept.name, dept.year));
    complete
}

/// One row of 项目.
fn read_project(ctx: &mut Ctx, t: &Table<'_>, row: u32) -> Project {
    let code = t.text(ctx, row, PROJECT_CODE, false, false).filter(|c| {
        !c.chars()
            .all(|ch| matches!(ch, '—' | '-' | '－' | '―' | '–' | '_'))
    });
    let name = t
        .text(ctx, row, PROJECT_NAME, true, false)
        .unwrap_or_default();
    let budget = t.money(ctx, row, BUDGET, true).unwrap_or_default();
    let fiscal_funds = t.money(ctx, row, FISCAL_FUNDS, true).unwrap_or_default();
    let other_funds = t.money(ctx, row, OTHER_FUNDS, false).unwrap_or_default();
    let purpose = t.text(ctx, row, PURPOSE, true, true).unwrap_or_default();
    let plan = [
        t.percent(ctx, row, MARCH),
        t.percent(ctx, row, JUNE),
        t.percent(ctx, row, OCTOBER),
        t.percent(ctx, row, DECEMBER),
    ];
    let [march, june, october, december] = percent_plan(plan);
    Project {
        code,
        name,
        budget,
        fiscal_funds,
        other_funds,
        purpose,
        spending_plan: SpendingPlan {
            march,
            june,
            october,
            december,
        },
        goals: Vec::new(),
        term_goals: Vec::new(),
        indicators: Vec::new(),
        details: ProjectDetails {
            supervisor: t.text(ctx, row, contract::SUPERVISOR, false, false),
            implementer: t.text(ctx, row, contract::IMPLEMENTER, false, false),
            attribute: t.text(ctx, row, contract::ATTRIBUTE, false, false),
            category: t.text(ctx, row, contract::CATEGORY, false, false),
            nature: t.text(ctx, row, contract::NATURE, false, false),
            term: t.text(ctx, row, contract::TERM, false, false),
        },
        term_funds: read_term_funds(ctx, t, row),
    }
}

/// The 期间 written in a row: `None` when blank (or the sheet has no such column), and when it
/// names no period (reported).
fn read_period(ctx: &mut Ctx, t: &Table<'_>, row: u32) -> Option<Period> {
    let text = t.text(ctx, row, contract::PERIOD, false, false)?;
    let period = Period::parse(&fold_name(&text));
    if period.is_none() {
        ctx.error(
            t.location(row, contract::PERIOD),
            RuleId::BadPeriod,
            format!("“期间”应为“年度”或“实施期”（也可写“中期”“长期”），实际为“{text}”"),
        );
    }
    period
}

/// 实施期资金总额 / 实施期财政资金 / 实施期其他资金 of one 项目 row: stated when any of the three
/// cells has a value; a blank one counts as 0 (the check then says which sum is off).
fn read_term_funds(ctx: &mut Ctx, t: &Table<'_>, row: u32) -> Option<Funds> {
    let columns = [
        contract::TERM_TOTAL,
        contract::TERM_FISCAL,
        contract::TERM_OTHER,
    ];
    if columns.iter().all(|c| t.get(row, c).is_none()) {
        return None;
    }
    let [total, fiscal, other] = columns.map(|c| t.money(ctx, row, c, false).unwrap_or_default());
    Some(Funds {
        total,
        fiscal,
        other,
    })
}

/// The spending plan in percent. Numeric cells of unknown format (xls, xlsb, ods) are fractions
/// when all of them lie in 0–1 and one is above 0; see the module documentation.
fn percent_plan(parts: [Option<Percent>; 4]) -> [Decimal; 4] {
    let bare: Vec<Decimal> = parts
        .iter()
        .flatten()
        .filter(|p| p.bare_numeric)
        .map(|p| p.value)
        .collect();
    let fractions = !bare.is_empty()
        && bare
            .iter()
            .all(|v| *v >= Decimal::ZERO && *v <= Decimal::ONE)
        && bare.iter().any(|v| *v > Decimal::ZERO);
    parts.map(|p| match p {
        Some(p) if p.bare_numeric && fractions => (p.value * Decimal::ONE_HUNDRED).normalize(),
        Some(p) => p.value,
        None => Decimal::ZERO,
    })
}

/// What blank cells of an indicator sheet stand for: the last value above (fill-down).
#[derive(Default)]
struct FillDown {
    level1: Option<String>,
    level2: Option<String>,
    period: Period,
}

/// One row of an indicator sheet (`项目指标`, `部门整体指标`) with fill-down of 一级指标, 二级指标
/// and 期间. Blank required cells are reported, after those of `before` (column, has a value).
fn read_indicator_row(
    ctx: &mut Ctx,
    t: &Table<'_>,
    row: u32,
    fill: &mut FillDown,
    before: &[(&str, bool)],
) -> Indicator {
    if let Some(l1) = t.text(ctx, row, LEVEL1, false, false) {
        fill.level1 = Some(l1);
    }
    if let Some(l2) = t.text(ctx, row, LEVEL2, false, false) {
        fill.level2 = Some(l2);
    }
    if let Some(period) = read_period(ctx, t, row) {
        fill.period = period;
    }
    let details = IndicatorDetails {
        nature: t
            .text(ctx, row, contract::INDICATOR_NATURE, false, false)
            .unwrap_or_default(),
        unit: t
            .text(ctx, row, contract::MEASURE_UNIT, false, false)
            .unwrap_or_default(),
        weight: t.number(ctx, row, contract::WEIGHT),
        remark: t
            .text(ctx, row, contract::REMARK, false, false)
            .unwrap_or_default(),
    };
    let filled = [
        (LEVEL1, fill.level1.is_some()),
        (LEVEL2, fill.level2.is_some()),
    ];
    for &(column, have) in before.iter().chain(&filled) {
        if !have {
            t.report_missing(ctx, row, column);
        }
    }
    let level3 = t.text(ctx, row, LEVEL3, true, false).unwrap_or_default();
    let description = t
        .text(ctx, row, DESCRIPTION, false, false)
        .unwrap_or_default();
    let basis = t.text(ctx, row, BASIS, false, false).unwrap_or_default();
    let value = match t.raw_text(ctx, row, VALUE).map(|v| value::short_text(&v)) {
        Some(v) if !v.is_empty() => v,
        _ => {
            if t.get(row, VALUE).is_none() {
                t.report_missing(ctx, row, VALUE);
            }
            String::new()
        }
    };
    Indicator {
        level1: fill.level1.clone().unwrap_or_default(),
        level2: fill.level2.clone().unwrap_or_default(),
        level3,
        description,
        value: IndicatorValue::parse(&value),
        basis,
        period: fill.period,
        details,
    }
}

/// 项目指标 → indicators on their projects, with fill-down of 项目名称, 一级指标, 二级指标.
fn read_indicators(
    ctx: &mut Ctx,
    t: &Table<'_>,
    resolver: &Resolver<'_>,
    dept: &mut Department,
    origins: &mut Origins,
) {
    // Last value seen in each fill-down column, with the cell it was written in.
    let mut last_name: Option<(String, CellRef)> = None;
    let mut fill = FillDown::default();
    let mut reported: HashSet<CellRef> = HashSet::new();
    for &row in &t.rows {
        if let Some(name) = t.text(ctx, row, PROJECT_NAME, false, false) {
            last_name = Some((name, t.source(row, PROJECT_NAME)));
        }
        let indicator = read_indicator_row(
            ctx,
            t,
            row,
            &mut fill,
            &[(PROJECT_NAME, last_name.is_some())],
        );
        let Some((name, cell)) = &last_name else {
            continue;
        };
        let project = if reported.contains(cell) {
            None
        } else {
            let p = resolver.resolve(ctx, &t.sheet.name, *cell, name);
            if p.is_none() {
                reported.insert(*cell);
            }
            p
        };
        let Some(p) = project else { continue };
        dept.projects[p].indicators.push(indicator);
        origins.indicators[p].push(t.origin(row));
    }
}

/// 年度主要任务 → the department's main tasks of the year (contract v2).
fn read_tasks(ctx: &mut Ctx, t: &Table<'_>, dept: &mut Department, origins: &mut Origins) {
    for &row in &t.rows {
        let name = t.text(ctx, row, contract::TASK_NAME, true, false);
        let content = t.text(ctx, row, contract::TASK_CONTENT, true, true);
        let money = [BUDGET, FISCAL_FUNDS, OTHER_FUNDS];
        let funds = if money.iter().all(|c| t.get(row, c).is_none()) {
            None
        } else {
            let [total, fiscal, other] =
                money.map(|c| t.money(ctx, row, c, false).unwrap_or_default());
            Some(Funds {
                total,
                fiscal,
                other,
            })
        };
        dept.tasks.push(Task {
            name: name.unwrap_or_default(),
            content: content.unwrap_or_default(),
            funds,
        });
        origins.tasks.push(t.origin(row));
    }
}

/// 部门整体指标 → the department's own indicators (contract v2), read as 项目指标 is.
fn read_department_indicators(
    ctx: &mut Ctx,
    t: &Table<'_>,
    dept: &mut Department,
    origins: &mut Origins,
) {
    let mut fill = FillDown::default();
    for &row in &t.rows {
        let indicator = read_indicator_row(ctx, t, row, &mut fill, &[]);
        dept.department_indicators.push(indicator);
        origins.department_indicators.push(t.origin(row));
    }
}

#[cfg(test)]
mod tests;
