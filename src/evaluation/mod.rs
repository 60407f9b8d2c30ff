//! The year-end self-evaluation (绩效自评, contract v3): what a department reports, after the
//! year, against the goals it published for it, and the scores the Ministry's rules give.
//!
//! Like [`crate::model`], plain domain types that know nothing of Excel or Typst; the rules of
//! scoring are in [`score`]. Money is in 万元, as exact decimals.

mod outcome;
pub mod score;

use crate::model::{Department, Period};

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

/// A department's goals as its self-evaluation workbook starts: every 年度 indicator given the
/// 分值 the form suggests ([`score::suggested_points`]; a goals text's 权重 add up to 100, a
/// self-evaluation's to 90), and a default 文档标题
/// the self-evaluation's.
pub fn evaluated(goals: &Department) -> Department {
    let mut d = goals.clone();
    if d.title == Department::default_title(&d.name, d.year) {
        d.title = Evaluation::default_title(&d.name, d.year);
    }
    let lists = d
        .projects
        .iter_mut()
        .map(|p| &mut p.indicators)
        .chain(std::iter::once(&mut d.department_indicators));
    for indicators in lists {
        let yearly = indicators.iter().filter(|i| i.period == Period::Year);
        let points = score::suggested_points(yearly.map(|i| i.level1.as_str()));
        let yearly = indicators.iter_mut().filter(|i| i.period == Period::Year);
        for (indicator, points) in yearly.zip(points) {
            indicator.details.weight = Some(points);
        }
    }
    d
}

/// Whether a name of [`identity_name`] is a self-evaluation's.
pub fn is_self_evaluation(identity: &str) -> bool {
    identity.ends_with("（绩效自评）")
}

pub use outcome::{Amounts, Evaluation, FundRow, FundSource, Grade, Outcome, ProjectEvaluation};
