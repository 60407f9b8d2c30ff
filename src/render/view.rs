//! The view of a department that templates see: the model plus what layout needs computed
//! (numbering, the 一级/二级指标 groups and their row spans).

use serde::Serialize;

use crate::model::{Department, Indicator, Project};

/// What the main template receives as `doc`.
#[derive(Debug, Serialize)]
pub struct DocumentView<'a> {
    pub department: &'a Department,
    pub projects: Vec<ProjectView<'a>>,
}

/// One project table.
#[derive(Debug, Serialize)]
pub struct ProjectView<'a> {
    /// 1-based number in the document.
    pub number: usize,
    #[serde(flatten)]
    pub project: &'a Project,
    /// Indicators grouped by 一级指标, then by 二级指标, for merged cells.
    pub groups: Vec<Level1Group<'a>>,
}

/// A run of consecutive indicators with the same 一级指标.
#[derive(Debug, Serialize)]
pub struct Level1Group<'a> {
    pub name: &'a str,
    /// Rows this group spans.
    pub rows: usize,
    pub subgroups: Vec<Level2Group<'a>>,
}

/// A run of consecutive indicators with the same 二级指标 within a 一级 group.
#[derive(Debug, Serialize)]
pub struct Level2Group<'a> {
    pub name: &'a str,
    pub rows: usize,
    pub indicators: Vec<&'a Indicator>,
}

impl<'a> DocumentView<'a> {
    pub fn new(department: &'a Department) -> Self {
        let projects = department
            .projects
            .iter()
            .enumerate()
            .map(|(i, project)| ProjectView {
                number: i + 1,
                project,
                groups: group_indicators(&project.indicators),
            })
            .collect();
        Self {
            department,
            projects,
        }
    }
}

/// The most rows a merged 一级指标 cell spans. Merged cells are kept on one page, so a longer
/// group is cut into runs of this size, each with its own label: a page never starts with an
/// unlabelled fragment of a group, and a group never needs more than a page.
pub const MAX_GROUP_ROWS: usize = 8;

/// Groups consecutive indicators by 一级指标, and within those by 二级指标.
fn group_indicators(indicators: &[Indicator]) -> Vec<Level1Group<'_>> {
    let mut groups: Vec<Level1Group> = Vec::new();
    for indicator in indicators {
        match groups.last_mut() {
            Some(group) if group.name == indicator.level1 && group.rows < MAX_GROUP_ROWS => {
                group.push(indicator)
            }
            _ => {
                let mut group = Level1Group {
                    name: &indicator.level1,
                    rows: 0,
                    subgroups: Vec::new(),
                };
                group.push(indicator);
                groups.push(group);
            }
        }
    }
    groups
}

impl<'a> Level1Group<'a> {
    fn push(&mut self, indicator: &'a Indicator) {
        self.rows += 1;
        match self.subgroups.last_mut() {
            Some(sub) if sub.name == indicator.level2 => {
                sub.rows += 1;
                sub.indicators.push(indicator);
            }
            _ => self.subgroups.push(Level2Group {
                name: &indicator.level2,
                rows: 1,
                indicators: vec![indicator],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorValue;

    fn indicator(level1: &str, level2: &str, level3: &str) -> Indicator {
        Indicator {
            level1: level1.into(),
            level2: level2.into(),
            level3: level3.into(),
            description: String::new(),
            value: IndicatorValue::parse("100%"),
            basis: String::new(),
        }
    }

    #[test]
    fn groups_consecutive_runs() {
        let indicators = vec![
            indicator("产出指标", "数量指标", "a"),
            indicator("产出指标", "数量指标", "b"),
            indicator("产出指标", "质量指标", "c"),
            indicator("效益指标", "社会效益指标", "d"),
            indicator("产出指标", "数量指标", "e"),
        ];
        let groups = group_indicators(&indicators);
        let shape: Vec<(&str, usize, Vec<usize>)> = groups
            .iter()
            .map(|g| (g.name, g.rows, g.subgroups.iter().map(|s| s.rows).collect()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("产出指标", 3, vec![2, 1]),
                ("效益指标", 1, vec![1]),
                ("产出指标", 1, vec![1])
            ]
        );
    }

    #[test]
    fn long_groups_are_cut_into_labelled_runs() {
        let indicators: Vec<Indicator> = (0..20)
            .map(|i| indicator("产出指标", "数量指标", &i.to_string()))
            .collect();
        let rows: Vec<usize> = group_indicators(&indicators)
            .iter()
            .map(|g| g.rows)
            .collect();
        assert_eq!(
            rows,
            vec![MAX_GROUP_ROWS, MAX_GROUP_ROWS, 20 - 2 * MAX_GROUP_ROWS]
        );
    }
}
