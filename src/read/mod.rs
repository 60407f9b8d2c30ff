//! Read: one department workbook (calamine) → the domain model, with the cell of every value.
//!
//! The contract is `docs/workbook.md`. Sheets and columns are found by name, numbers
//! and percentages are accepted in every form the contract lists, and every problem found while
//! reading becomes a [`Diagnostic`] with file, sheet and A1 cell.
//!
//! The pieces, in the order a workbook meets them:
//! - `book`'s `load`: the file's bytes, read once and bounded; a build hashes, checks and records
//!   these same bytes.
//! - `archive`: the guard against archive ("zip") bombs: every part of a ZIP-based workbook is
//!   inflated once into a counting sink before calamine reads it, and refused beyond its kind's
//!   limit (32 MB for a sheet, 16 MB for the shared strings or the formats, 4 MB for the
//!   workbook part, relationships and theme), 40 MB in all, formats that would cost more than
//!   64 MB once read, or 10,000 entries (`archive-too-large`). See that module.
//! - `book`: opening a file by its content (not its extension), and loading a sheet as a sparse
//!   grid of non-blank cells, guarded against oversized sheets (`sheet-too-large`: a non-blank
//!   cell at or beyond row 100,000 or column 200, or more than 5,000,000 cells; xlsx is streamed
//!   and never allocated densely). See that module for the details.
//! - `sheets`: the contract's sheets found by folded name and loaded; `open`: the message for a
//!   file that cannot be opened.
//! - `table`: a table abstraction (header row → columns by folded name with an optional unit in
//!   brackets, data rows, merged cells, absolute A1 addresses).
//! - `info`, `department`, `projects`: each sheet's rows into the model, with [`Origins`] (the
//!   cell of every value); `evaluation`: a self-evaluation's additions (contract v3), read only
//!   when 基本信息's 文档类型 says 绩效自评.
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
mod department;
mod evaluation;
mod files;
mod info;
mod ods_span;
mod open;
mod origins;
mod projects;
mod reader;
mod sheets;
mod table;
mod value;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use crate::contract::RuleId;
use crate::diagnostic::{Diagnostic, Location};
use crate::evaluation::Evaluation;
use crate::model::Department;

pub use files::{Stamp, discover, is_workbook};
pub use origins::{Origins, RowOrigin};

use book::{Book, OpenError};
use reader::Reader;
use sheets::Sheets;
use table::Ctx;

/// A workbook read into the model, with where each value came from.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub department: Department,
    pub origins: Origins,
    /// What happened in the year, when the workbook is a self-evaluation (绩效自评).
    pub evaluation: Option<Evaluation>,
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
    /// Whether 基本信息 says the workbook is a self-evaluation (also when it has errors).
    pub self_evaluation: bool,
}

impl Reading {
    /// A file that gave nothing but `diagnostics`.
    pub fn failed(diagnostics: Vec<Diagnostic>) -> Self {
        Reading {
            diagnostics,
            ..Reading::default()
        }
    }
}

/// The bytes of a workbook file, read once and bounded (a file larger than 50 MB is refused
/// before it is read): what a build hashes, checks and records. A file that cannot be read gives
/// the finding that says why.
pub fn load(path: &Path) -> Result<Arc<[u8]>, Vec<Diagnostic>> {
    book::load(path).map_err(|e| opening_failed(path, e).diagnostics)
}

/// Reads one workbook file. Never panics on bad input; problems are returned as diagnostics.
pub fn read(path: &Path) -> Reading {
    match load(path) {
        Ok(bytes) => read_bytes(path, &bytes),
        Err(diagnostics) => Reading::failed(diagnostics),
    }
}

/// Reads a workbook held in memory (as [`load`] gives it) as if it were the file `path`, which
/// names it in the findings and is not opened.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Reading {
    guard(path, || read_file(path, book::open_bytes(bytes.into())))
}

fn guard(path: &Path, f: impl FnOnce() -> Reading) -> Reading {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(reading) => reading,
        Err(_) => Reading::failed(vec![Diagnostic::error(
            path,
            Location::file(),
            RuleId::Unreadable,
            format!(
                "读取文件“{}”时发生内部错误，文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再提交",
                open::file_name(path)
            ),
        )]),
    }
}

fn opening_failed(path: &Path, e: OpenError) -> Reading {
    let (rule, message) = open::finding(path, e);
    Reading::failed(vec![Diagnostic::error(
        path,
        Location::file(),
        rule,
        message,
    )])
}

fn read_file(path: &Path, opened: Result<Book, OpenError>) -> Reading {
    let mut book = match opened {
        Ok(book) => book,
        Err(e) => return opening_failed(path, e),
    };
    let mut ctx = Ctx::new(path);
    let sheets = Sheets::new(&book);
    let loaded = sheets.load_all(&mut ctx, &mut book);
    let mut reader = Reader {
        ctx,
        department: Department::default(),
        origins: Origins::default(),
        evaluation: None,
        complete: loaded.complete,
    };
    // In this order, which is the order of the findings.
    reader.info(&loaded);
    reader.department_sheets(&loaded);
    reader.projects(&loaded, &sheets);
    reader.evaluation(&loaded, &sheets);

    let Reader {
        ctx,
        department,
        origins,
        evaluation,
        complete,
    } = reader;
    let department_name = Some(department.name.clone()).filter(|n| !n.is_empty());
    let department_year = Some(department.year).filter(|&y| y != 0);
    let self_evaluation = evaluation.is_some();
    Reading {
        workbook: complete.then_some(Workbook {
            department,
            origins,
            evaluation,
        }),
        diagnostics: ctx.diagnostics,
        department_name,
        department_year,
        self_evaluation,
    }
}

#[cfg(test)]
mod tests;
