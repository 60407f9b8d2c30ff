//! The year-end self-evaluation (绩效自评, contract v3): what a department reports, after the
//! year, against the goals it published for it, and the scores the Ministry's rules give.
//!
//! Like [`crate::model`], plain domain types that know nothing of Excel or Typst; the rules of
//! scoring are in [`score`]. Money is in 万元, as exact decimals.

mod outcome;
pub mod score;

pub use outcome::{Amounts, Evaluation, FundRow, FundSource, Grade, Outcome, ProjectEvaluation};
