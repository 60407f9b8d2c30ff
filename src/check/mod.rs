//! Check: the rules of the workbook contract, run on the model with the cells it came from.
//!
//! A rule is a function from [`Context`] to findings; adding a rule is adding a function to
//! [`RULES`]. Problems the reader meets while reading (missing sheets, numbers that are not
//! numbers, unknown project names) are reported by the reader itself.
//!
//! **No knock-on findings.** Where the reader reported an error in a cell it puts a placeholder
//! in the model (`0`, `""`); a rule looking at that placeholder would report a second, misleading
//! finding (a budget that does not add up because one amount was unreadable). [`check_reading`]
//! therefore drops every finding of the rules that points into a sheet row where the reader
//! already reported an error.
//!
//! - `context`: what a rule looks at.
//! - `evaluation`: the rules of a self-evaluation (绩效自评, contract v3), run with [`RULES`].
//! - `rules`: the rules on one workbook ([`RULES`]), and [`check_path`] / [`check_reading`].
//! - [`glyphs`]: characters no loaded font can draw (run by the build, which has the fonts).
//! - [`duplicates`]: the checks across the workbooks of one run.
//! - [`report`]: the findings of many workbooks, as `jixiao check` prints them.

mod context;
pub mod duplicates;
mod evaluation;

pub use evaluation::goal_changes;
pub mod glyphs;
pub mod report;
mod rules;

pub use context::Context;
pub use rules::{Checked, RULES, Rule, check, check_path, check_reading, without_knock_on};
