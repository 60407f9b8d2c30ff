//! The year-end self-evaluation (绩效自评, contract v3): what a department reports, after the
//! year, against the goals it published for it, and the scores the Ministry's rules give.
//!
//! Like [`crate::model`], plain domain types that know nothing of Excel or Typst; the rules of
//! scoring are in [`score`]. Money is in 万元, as exact decimals.

mod outcome;
pub mod score;

/// The name by which a run tells a department's documents apart: its goals text by 部门名称,
/// its self-evaluation by 部门名称 and `（绩效自评）`, so that both of one year may share an
/// input folder, an output folder and a change store.
pub fn identity_name(name: &str, self_evaluation: bool) -> String {
    if self_evaluation {
        format!("{name}（绩效自评）")
    } else {
        name.to_string()
    }
}

pub use outcome::{Amounts, Evaluation, FundRow, FundSource, Grade, Outcome, ProjectEvaluation};
