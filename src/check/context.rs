//! What a rule looks at: the model, the cells its values came from, and a self-evaluation's
//! additions; with the lists of indicators the rules walk.

use std::path::Path;

use crate::contract::{self, RuleId};
use crate::diagnostic::Diagnostic;
use crate::evaluation::Evaluation;
use crate::model::{Department, Indicator, Project};
use crate::read::{Origins, RowOrigin};

/// What a rule looks at.
pub struct Context<'a> {
    pub file: &'a Path,
    pub department: &'a Department,
    pub origins: &'a Origins,
    /// A self-evaluation's additions, when the workbook is one.
    pub evaluation: Option<&'a Evaluation>,
}

/// A list of indicators and the rows they came from: a project's, or the department's own.
pub(super) struct IndicatorList<'a> {
    /// `项目“…”` or `部门整体指标`, as messages name it.
    pub(super) owner: String,
    pub(super) indicators: &'a [Indicator],
    pub(super) origins: &'a [RowOrigin],
}

impl<'a> Context<'a> {
    /// Each project with its index.
    pub(super) fn projects(&self) -> impl Iterator<Item = (usize, &'a Project)> {
        self.department.projects.iter().enumerate()
    }

    /// Every list of indicators the rules on indicators apply to: each project's, then the
    /// department's own (`部门整体指标`, contract v2).
    pub(super) fn indicator_lists(&self) -> Vec<IndicatorList<'a>> {
        let mut lists: Vec<IndicatorList<'a>> = self
            .projects()
            .map(|(i, p)| IndicatorList {
                owner: format!("项目“{}”", p.name),
                indicators: &p.indicators,
                origins: &self.origins.indicators[i],
            })
            .collect();
        lists.push(IndicatorList {
            owner: contract::DEPARTMENT_INDICATORS.to_string(),
            indicators: &self.department.department_indicators,
            origins: &self.origins.department_indicators,
        });
        lists
    }

    pub(super) fn error(
        &self,
        project: usize,
        column: &str,
        rule: RuleId,
        message: String,
    ) -> Diagnostic {
        Diagnostic::error(
            self.file,
            self.origins.projects[project].cell(column),
            rule,
            message,
        )
    }

    pub(super) fn warning(
        &self,
        project: usize,
        column: &str,
        rule: RuleId,
        message: String,
    ) -> Diagnostic {
        Diagnostic::warning(
            self.file,
            self.origins.projects[project].cell(column),
            rule,
            message,
        )
    }
}
