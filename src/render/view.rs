//! The view of a department that templates see: the model plus what layout needs computed
//! (numbering, the 一级/二级指标 groups and their row spans).

use serde::Serialize;

use crate::contract;
use rust_decimal::Decimal;

use crate::model::{Department, Indicator, MoneyUnit, Period, Project, ProjectDetails};

/// What the main template receives as `doc`.
#[derive(Debug, Serialize)]
pub struct DocumentView<'a> {
    pub department: &'a Department,
    pub projects: Vec<ProjectView<'a>>,
    /// The 部门整体支出绩效目标表 (contract v2), when the workbook has its sheets.
    pub department_table: Option<DepartmentTableView<'a>>,
    /// The department's data to attach to the PDF, if any (see [`crate::render::data`]).
    pub attachment: Option<Attachment>,
}

/// A file the template attaches to the PDF (`pdf.attach`), read from a virtual path that the
/// typesetter serves (see [`crate::render::VirtualFile`]).
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    /// The file's name inside the PDF.
    pub name: String,
    /// Where the template reads it.
    pub path: String,
    /// Shown by PDF readers beside the name.
    pub description: String,
}

/// What the volume template (`volume.typ`) receives as `volume`: the combined volume (汇编).
#[derive(Debug, Serialize)]
pub struct VolumeView<D> {
    /// 汇编标题, printed on the cover.
    pub title: String,
    /// The bureau that publishes it (编印单位), printed on the cover.
    pub publisher: String,
    /// 年度
    pub year: i32,
    /// A volume of self-evaluations (绩效自评报告汇编): `documents` are evaluation views.
    pub self_evaluation: bool,
    /// The departments, in the order printed: document views, or evaluation views.
    pub documents: Vec<D>,
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
    /// The rows of optional details under 项目编码/项目名称 (contract v2); empty for v1.
    pub detail_rows: Vec<Vec<DetailCell<'a>>>,
    /// The year's money as printed, in the department's 金额单位.
    pub money: MoneyView,
    /// The implementation period's money as printed, when stated.
    pub term_money: Option<MoneyView>,
    /// The indicators laid out as contract v2 prints them, when the project has 实施期
    /// indicators or any optional indicator column; `None` prints them as v1 does (`groups`).
    pub indicator_table: Option<IndicatorTable<'a>>,
}

/// A project's indicators with their optional columns and 实施期/年度 blocks: a table of its own
/// right under the project table, its column widths recomputed to fill the type area.
#[derive(Debug, Serialize)]
pub struct IndicatorTable<'a> {
    /// Column widths in mm (one decimal), adding up to the type area's width.
    pub widths: Vec<String>,
    /// The optional columns printed, in order, after 指标值确定依据.
    pub extras: Vec<&'static str>,
    /// 实施期 then 年度 (the label empty when the project has 年度 indicators only).
    pub blocks: Vec<IndicatorBlock<'a>>,
}

/// The indicators of one period.
#[derive(Debug, Serialize)]
pub struct IndicatorBlock<'a> {
    /// `实施期绩效指标` / `年度绩效指标`, or empty for a project with one period.
    pub label: &'static str,
    pub groups: Vec<Level1Group<'a>>,
}

/// The type area's width in mm: every table fills it exactly.
const TYPE_AREA_MM: i64 = 156;

/// The v1 indicator columns' widths in tenths of a mm: 一级, 二级, 三级, 绩效指标描述 (two of
/// the project table's columns), 指标值, 指标值确定依据.
const BASE_WIDTHS: [i64; 6] = [200, 200, 260, 480, 190, 230];

/// The optional indicator columns with the width each takes, in tenths of a mm.
const EXTRA_WIDTHS: [(&str, i64); 4] = [
    (contract::INDICATOR_NATURE, 140),
    (contract::MEASURE_UNIT, 120),
    (contract::WEIGHT, 100),
    (contract::REMARK, 200),
];

/// The narrowest 绩效指标描述 (tenths of a mm) before the other columns give way too.
const MIN_DESCRIPTION: i64 = 240;

/// Column widths for the v1 columns plus `extras` (their widths from [`EXTRA_WIDTHS`]), in
/// tenths of a mm, adding up to the type area exactly: 绩效指标描述 gives way first (down to
/// [`MIN_DESCRIPTION`]), then the other v1 columns in proportion; the last v1 column takes
/// the rounding.
fn indicator_widths(extras: &[i64]) -> Vec<i64> {
    let total = TYPE_AREA_MM * 10;
    let needed: i64 = extras.iter().sum();
    let mut base = BASE_WIDTHS;
    let from_description = needed.min(base[3] - MIN_DESCRIPTION);
    base[3] -= from_description;
    let rest = needed - from_description;
    if rest > 0 {
        let others: i64 = base
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 3)
            .map(|(_, w)| w)
            .sum();
        for (i, w) in base.iter_mut().enumerate() {
            if i != 3 {
                *w -= rest * *w / others;
            }
        }
    }
    let mut widths: Vec<i64> = base.to_vec();
    widths.extend_from_slice(extras);
    let sum: i64 = widths.iter().sum();
    widths[5] += total - sum;
    widths
}

/// 五号 (10.5 pt) in tenths of a mm.
const EM: f64 = 10.5 * 254.0 / 72.0;
/// A cell's two horizontal insets (3 pt each, style.typ) and a little room, in tenths of a mm.
const CELL_ROOM: f64 = 6.0 * 254.0 / 72.0 + 10.0;

/// The narrowest a column may be (tenths of a mm) for none of `texts` to run over its cell: a
/// line breaks before any Chinese character or at a space, so what cannot break is a run of
/// other characters (a number with its sign and `%`, a Latin word, a Chinese character with
/// the punctuation after it). Widths are estimated generously in em of 五号 (digits 0.6, `.`
/// and `,` 0.35, `%` 0.95, other Latin 0.7, the rest 1), so that it holds for the fonts of
/// every platform.
fn min_width<'t>(texts: impl IntoIterator<Item = &'t str>) -> i64 {
    let mut widest: f64 = 0.0;
    for text in texts {
        let mut run: f64 = 0.0;
        for c in text.chars() {
            if c.is_whitespace() {
                widest = widest.max(run);
                run = 0.0;
            } else if is_ideograph(c) {
                widest = widest.max(run);
                run = 1.0;
            } else {
                run += match c {
                    '0'..='9' => 0.6,
                    '.' | ',' => 0.35,
                    '%' => 0.95,
                    c if c.is_ascii() => 0.7,
                    _ => 1.0,
                };
            }
        }
        widest = widest.max(run);
    }
    (widest * EM + CELL_ROOM).ceil() as i64
}

/// A CJK ideograph: a line may break before it.
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// `widths` (tenths of a mm, adding up to the type area) changed as little as needed for every
/// column to be at least its `min`: what a column lacks comes from 绩效指标描述 first (down to
/// [`MIN_DESCRIPTION`] and its own minimum), then from the other columns in proportion to what
/// they have beyond their minimum. When the type area cannot hold every minimum, the widths
/// are left as they are (a value too long for any layout wraps where it can).
fn fit(mut widths: Vec<i64>, mins: &[i64]) -> Vec<i64> {
    let total: i64 = widths.iter().sum();
    let lacking: i64 = widths.iter().zip(mins).map(|(w, m)| (m - w).max(0)).sum();
    if lacking == 0 || mins.iter().sum::<i64>() > total {
        return widths;
    }
    for (w, m) in widths.iter_mut().zip(mins) {
        *w = (*w).max(*m);
    }
    let mut floors = mins.to_vec();
    floors[3] = floors[3].max(MIN_DESCRIPTION.min(widths[3]));
    let mut over: i64 = widths.iter().sum::<i64>() - total;
    let from_description = over.min(widths[3] - floors[3]).max(0);
    widths[3] -= from_description;
    over -= from_description;
    if over > 0 {
        let spare: Vec<i64> = widths.iter().zip(&floors).map(|(w, f)| w - f).collect();
        let all: i64 = spare.iter().sum();
        if all < over {
            // Only the description's own floor (MIN_DESCRIPTION) is left to give.
            floors[3] = mins[3];
            widths[3] -= (over - all).min(widths[3] - floors[3]);
            over = widths.iter().sum::<i64>() - total;
        }
        let spare: Vec<i64> = widths
            .iter()
            .zip(&floors)
            .map(|(w, f)| (w - f).max(0))
            .collect();
        let all: i64 = spare.iter().sum::<i64>().max(1);
        let mut taken = 0;
        for (w, s) in widths.iter_mut().zip(&spare) {
            let take = over * s / all;
            *w -= take;
            taken += take;
        }
        // What rounding left over, from the column with the most to spare.
        let most = (0..widths.len())
            .max_by_key(|&i| widths[i] - floors[i])
            .expect("columns");
        widths[most] -= over - taken;
    }
    widths
}

fn indicator_table(indicators: &[Indicator]) -> Option<IndicatorTable<'_>> {
    if !indicators.iter().any(Indicator::has_optional_parts) {
        return None;
    }
    Some(lay_out_indicators(indicators))
}

/// `indicators` as a table of their own (see [`IndicatorTable`]).
fn lay_out_indicators(indicators: &[Indicator]) -> IndicatorTable<'_> {
    let has = |f: fn(&Indicator) -> bool| indicators.iter().any(f);
    let present = [
        has(|i| !i.details.nature.is_empty()),
        has(|i| !i.details.unit.is_empty()),
        has(|i| i.details.weight.is_some()),
        has(|i| !i.details.remark.is_empty()),
    ];
    let chosen: Vec<(&'static str, i64)> = EXTRA_WIDTHS
        .iter()
        .zip(present)
        .filter(|(_, p)| *p)
        .map(|(e, _)| *e)
        .collect();
    // What each column holds, for the narrowest it may be: 一级, 二级, 三级, 绩效指标描述,
    // 指标值, 指标值确定依据, then the optional columns chosen.
    let weights: Vec<String> = indicators
        .iter()
        .filter_map(|i| i.details.weight.map(|w| w.normalize().to_string()))
        .collect();
    let mut mins = vec![
        min_width(indicators.iter().map(|i| i.level1.as_str())),
        min_width(indicators.iter().map(|i| i.level2.as_str())),
        min_width(indicators.iter().map(|i| i.level3.as_str())),
        min_width(indicators.iter().map(|i| i.description.as_str())),
        min_width(indicators.iter().map(|i| i.value.text.as_str())),
        min_width(indicators.iter().map(|i| i.basis.as_str())),
    ];
    for (name, _) in &chosen {
        mins.push(match *name {
            contract::INDICATOR_NATURE => {
                min_width(indicators.iter().map(|i| i.details.nature.as_str()))
            }
            contract::MEASURE_UNIT => min_width(indicators.iter().map(|i| i.details.unit.as_str())),
            contract::WEIGHT => min_width(weights.iter().map(String::as_str)),
            _ => min_width(indicators.iter().map(|i| i.details.remark.as_str())),
        });
    }
    let widths = indicator_widths(&chosen.iter().map(|(_, w)| *w).collect::<Vec<_>>());
    let widths = fit(widths, &mins)
        .iter()
        .map(|w| format!("{}.{}mm", w / 10, w % 10))
        .collect();
    let of = |period: Period| -> Vec<&Indicator> {
        indicators.iter().filter(|i| i.period == period).collect()
    };
    let (term, year) = (of(Period::Term), of(Period::Year));
    let blocks = if term.is_empty() {
        vec![IndicatorBlock {
            label: "",
            groups: group_refs(&year),
        }]
    } else {
        vec![
            IndicatorBlock {
                label: "实施期绩效指标",
                groups: group_refs(&term),
            },
            IndicatorBlock {
                label: "年度绩效指标",
                groups: group_refs(&year),
            },
        ]
    };
    IndicatorTable {
        widths,
        extras: chosen.iter().map(|(n, _)| *n).collect(),
        blocks,
    }
}

/// The 部门整体支出绩效目标表 (contract v2): the tasks with their money and its total, and the
/// department's own indicators.
#[derive(Debug, Serialize)]
pub struct DepartmentTableView<'a> {
    pub tasks: Vec<TaskView<'a>>,
    /// 金额合计 of the tasks with money, as printed; `None` when no task has money.
    pub total: Option<MoneyView>,
    pub indicators: Option<IndicatorTable<'a>>,
}

/// One 年度主要任务 as printed.
#[derive(Debug, Serialize)]
pub struct TaskView<'a> {
    pub name: &'a str,
    pub content: &'a str,
    pub money: Option<MoneyView>,
}

fn department_table(d: &Department) -> Option<DepartmentTableView<'_>> {
    if !d.has_department_table() {
        return None;
    }
    let unit = d.money_unit;
    let tasks = d
        .tasks
        .iter()
        .map(|t| TaskView {
            name: &t.name,
            content: &t.content,
            money: t
                .funds
                .map(|f| MoneyView::new(unit, f.total, f.fiscal, f.other)),
        })
        .collect();
    let funded: Vec<_> = d.tasks.iter().filter_map(|t| t.funds).collect();
    let total = (!funded.is_empty()).then(|| {
        let sum =
            |f: fn(&crate::model::Funds) -> Decimal| -> Decimal { funded.iter().map(f).sum() };
        MoneyView::new(unit, sum(|f| f.total), sum(|f| f.fiscal), sum(|f| f.other))
    });
    let indicators =
        (!d.department_indicators.is_empty()).then(|| lay_out_indicators(&d.department_indicators));
    Some(DepartmentTableView {
        tasks,
        total,
        indicators,
    })
}

/// Amounts as printed: 总额 and 财政资金 with their unit (`80万元`, `800,000元`), 其他资金 as a bare
/// number, as in the reference text.
#[derive(Debug, Serialize)]
pub struct MoneyView {
    pub total: String,
    pub fiscal: String,
    pub other: String,
}

impl MoneyView {
    fn new(unit: MoneyUnit, total: Decimal, fiscal: Decimal, other: Decimal) -> Self {
        Self {
            total: format!("{}{}", unit.format(total), unit.label()),
            fiscal: format!("{}{}", unit.format(fiscal), unit.label()),
            other: unit.format(other),
        }
    }
}

/// One label and value of a details row; the value spans `span` of the table's 7 columns.
#[derive(Debug, Serialize)]
pub struct DetailCell<'a> {
    pub label: &'static str,
    pub value: &'a str,
    pub span: usize,
}

/// The details rows of a project: 主管部门 / 实施单位 on one row, then 项目属性 / 项目类别 /
/// 项目性质 / 项目期 (those given) on one row, or two when all four are given. A row of one
/// cell spans the table; of two, it lays out as 项目编码/项目名称; of three, the last value takes
/// two columns.
pub(super) fn detail_rows(details: &ProjectDetails) -> Vec<Vec<DetailCell<'_>>> {
    fn given<'d>(items: &[(&'static str, &'d Option<String>)]) -> Vec<(&'static str, &'d str)> {
        items
            .iter()
            .filter_map(|(label, v)| v.as_deref().map(|v| (*label, v)))
            .collect()
    }
    let texts = contract::project_detail_texts(details);
    let (who, what) = texts.split_at(2);
    let (who, what) = (given(who), given(what));
    let mut rows = Vec::new();
    for items in [who, what] {
        let chunks: Vec<&[(&str, &str)]> = if items.len() == 4 {
            items.chunks(2).collect()
        } else if items.is_empty() {
            Vec::new()
        } else {
            vec![&items[..]]
        };
        for chunk in chunks {
            let spans: &[usize] = match chunk.len() {
                1 => &[6],
                2 => &[2, 3],
                _ => &[1, 1, 2],
            };
            rows.push(
                chunk
                    .iter()
                    .zip(spans)
                    .map(|(&(label, value), &span)| DetailCell { label, value, span })
                    .collect(),
            );
        }
    }
    rows
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
                detail_rows: detail_rows(&project.details),
                money: MoneyView::new(
                    department.money_unit,
                    project.budget,
                    project.fiscal_funds,
                    project.other_funds,
                ),
                term_money: project
                    .term_funds
                    .map(|f| MoneyView::new(department.money_unit, f.total, f.fiscal, f.other)),
                indicator_table: indicator_table(&project.indicators),
            })
            .collect();
        Self {
            department,
            projects,
            department_table: department_table(department),
            attachment: None,
        }
    }

    /// The same view, with the department's data attached.
    pub fn with_attachment(mut self, attachment: Option<Attachment>) -> Self {
        self.attachment = attachment;
        self
    }
}

/// Groups consecutive indicators by 一级指标, and within those by 二级指标. A group is not cut
/// here, however long: the template cuts its merged cells where a page ends (see `style.typ`).
fn group_indicators(indicators: &[Indicator]) -> Vec<Level1Group<'_>> {
    group_refs(&indicators.iter().collect::<Vec<_>>())
}

/// [`group_indicators`] of a selection of indicators.
fn group_refs<'a>(indicators: &[&'a Indicator]) -> Vec<Level1Group<'a>> {
    let mut groups: Vec<Level1Group> = Vec::new();
    for &indicator in indicators {
        match groups.last_mut() {
            Some(group) if group.name == indicator.level1 => group.push(indicator),
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
            period: Default::default(),
            details: Default::default(),
        }
    }

    #[test]
    fn every_subset_of_optional_columns_fills_the_type_area() {
        for mask in 0..16u32 {
            let extras: Vec<i64> = EXTRA_WIDTHS
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, (_, w))| *w)
                .collect();
            let widths = indicator_widths(&extras);
            assert_eq!(widths.len(), 6 + extras.len());
            assert_eq!(widths.iter().sum::<i64>(), TYPE_AREA_MM * 10, "{mask:04b}");
            // Every column keeps room for two 五号 characters (3.7 mm each) and the insets; the
            // v1 columns for three.
            assert!(widths.iter().all(|&w| w >= 100), "{mask:04b}: {widths:?}");
            assert!(
                widths[..6].iter().all(|&w| w >= 130),
                "{mask:04b}: {widths:?}"
            );
            assert!(widths[3] >= MIN_DESCRIPTION, "{mask:04b}: {widths:?}");
        }
        // Without optional columns the widths are the project table's.
        assert_eq!(indicator_widths(&[]), BASE_WIDTHS);
    }

    #[test]
    fn narrow_columns_widen_for_what_cannot_break() {
        // 一个不能断开的 `≥30000` needs about 4 em of 五号 and the insets.
        assert!(min_width(["≥30000万元"]) > min_width(["≥9万元"]));
        assert_eq!(min_width(["服务对象满意度"]), min_width(["度"]));
        assert!(min_width(["年报口径，"]) > min_width(["度"]));
        let all = indicator_widths(&[140, 120, 100, 200]);
        let mut mins = vec![100; all.len()];
        mins[4] = min_width(["≥30000万元"]);
        assert!(all[4] < mins[4]);
        let fitted = fit(all.clone(), &mins);
        assert_eq!(fitted.iter().sum::<i64>(), TYPE_AREA_MM * 10);
        assert!(fitted.iter().zip(&mins).all(|(w, m)| w >= m), "{fitted:?}");
        // Nothing lacking: unchanged.
        assert_eq!(fit(all.clone(), &vec![100; all.len()]), all);
        // More than the type area can hold: unchanged.
        assert_eq!(fit(all.clone(), &vec![200; all.len()]), all);
    }

    #[test]
    fn detail_rows_pair_what_is_given() {
        let d = ProjectDetails {
            supervisor: Some("甲".into()),
            implementer: None,
            attribute: Some("延续".into()),
            category: Some("特定目标类".into()),
            nature: Some("阶段性".into()),
            term: Some("3年".into()),
        };
        let spans: Vec<Vec<(&str, usize)>> = detail_rows(&d)
            .iter()
            .map(|r| r.iter().map(|c| (c.label, c.span)).collect())
            .collect();
        assert_eq!(
            spans,
            vec![
                vec![("主管部门", 6)],
                vec![("项目属性", 2), ("项目类别", 3)],
                vec![("项目性质", 2), ("项目期", 3)],
            ]
        );
        let three = ProjectDetails { term: None, ..d };
        let widths: Vec<usize> = detail_rows(&three)[1].iter().map(|c| c.span).collect();
        assert_eq!(widths, [1, 1, 2]);
        assert!(detail_rows(&ProjectDetails::default()).is_empty());
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
    fn long_groups_stay_one_group() {
        let indicators: Vec<Indicator> = (0..20)
            .map(|i| indicator("产出指标", "数量指标", &i.to_string()))
            .collect();
        let rows: Vec<usize> = group_indicators(&indicators)
            .iter()
            .map(|g| g.rows)
            .collect();
        assert_eq!(rows, vec![20]);
    }
}
