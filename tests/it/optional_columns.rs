//! Contract v2: whatever optional indicator columns (指标性质, 度量单位, 权重, 备注) a project
//! uses, its table lays out inside the type area and no text is wider than its cell — measured
//! on the PDF: every word (`pdftotext -bbox-layout`; a line of a cell is a word of its own) under
//! a table's indicator header lies inside one indicator column: it starts inside the cell's
//! left inset and ends before the column's rule.
//!
//! One document holds a project for each of the 16 subsets of the optional columns, with long
//! but realistic values; a property test draws subsets and values at random.

use crate::common;

use common::{TextLine, compile_settled, page_lines, page_words};
use jixiao::model::{Department, Indicator, IndicatorDetails, IndicatorValue, Period};
use jixiao::render::view::DocumentView;
use proptest::prelude::*;
use rust_decimal::Decimal;

const MM: f64 = 72.0 / 25.4;
/// A cell's horizontal inset (style.typ: `inset: (x: 3pt, …)`).
const INSET: f64 = 3.0;
/// The labels of 实施期/年度 blocks, which span the whole table.
const BLOCK_LABELS: [&str; 2] = ["实施期绩效指标", "年度绩效指标"];

/// The values an indicator's cells take: long numbers with their sign and unit, units of
/// several characters, weights with decimals, remarks mixing Chinese and Latin.
const VALUES: &[&str] = &[
    ">=30000万元",
    ">=99.5%",
    "<=20个工作日",
    "100%",
    ">=2.5%",
    "≥900家次",
    "<=15000元/人",
    "按期完成",
];
const UNITS: &[&str] = &["%", "万元", "家次", "万人次", "个工作日", "km"];
const WEIGHTS: &[i64] = &[100, 125, 5, 300];
const REMARKS: &[&str] = &[
    "",
    "以企业年报为准",
    "按GB/T 9704执行",
    "统计部门年报口径，节假日顺延",
];
const KINDS: &[(&str, &str)] = &[
    ("产出指标", "数量指标"),
    ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "服务对象满意度指标"),
];

/// The n-th indicator of a project whose optional columns are `mask` (bit 0 指标性质, 1 度量单位,
/// 2 权重, 3 备注); `pick` chooses each value.
fn indicator(n: usize, mask: u8, pick: &[usize; 4], period: Period) -> Indicator {
    let (level1, level2) = KINDS[n % KINDS.len()];
    let on = |bit: u8| mask & (1 << bit) != 0;
    Indicator {
        level1: level1.into(),
        level2: level2.into(),
        level3: format!("第{n}项服务对象满意度"),
        description: "按季度抽样调查并汇总形成的结果".into(),
        value: IndicatorValue::parse(VALUES[pick[0] % VALUES.len()]),
        basis: "计划标准".into(),
        period,
        details: IndicatorDetails {
            nature: if on(0) {
                "定量".into()
            } else {
                String::new()
            },
            unit: if on(1) {
                UNITS[pick[1] % UNITS.len()].into()
            } else {
                String::new()
            },
            weight: on(2).then(|| Decimal::new(WEIGHTS[pick[2] % WEIGHTS.len()], 1)),
            remark: if on(3) {
                // A remark that is never empty, so that the column is there.
                match REMARKS[pick[3] % REMARKS.len()] {
                    "" => "无".into(),
                    r => r.into(),
                }
            } else {
                String::new()
            },
        },
    }
}

/// The second reference department with one project per entry of `projects`: (the mask of its
/// optional columns, whether it has 实施期 indicators, the picks of its rows).
fn department(projects: &[(u8, bool, Vec<[usize; 4]>)]) -> Department {
    let mut department = jixiao::reference::full::department();
    let template = department.projects[0].clone();
    department.projects = projects
        .iter()
        .enumerate()
        .map(|(k, (mask, term, picks))| {
            let mut project = template.clone();
            project.name = format!("第{}号可选列测试项目", k + 1);
            if !term {
                project.term_goals.clear();
            }
            project.indicators = picks
                .iter()
                .enumerate()
                .map(|(n, pick)| {
                    let period = if *term && n < picks.len() / 2 {
                        Period::Term
                    } else {
                        Period::Year
                    };
                    indicator(n + 1, *mask, pick, period)
                })
                .collect();
            project
        })
        .collect();
    department
}

/// Asserts that every word under the indicator header of every project table lies inside one
/// indicator column, within its insets; returns how many words were measured.
fn assert_inside_columns(department: &Department, what: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let pdf = compile_settled(dir.path(), department);
    let mut pages = page_words(&pdf);
    for page in &mut pages {
        page.sort_by(|a, b| {
            a.y_min
                .total_cmp(&b.y_min)
                .then(a.x_min.total_cmp(&b.x_min))
        });
    }
    // Every word in reading order, with its page.
    let words: Vec<(usize, &TextLine)> = pages
        .iter()
        .enumerate()
        .flat_map(|(n, p)| p.iter().map(move |w| (n, w)))
        .collect();
    let view = DocumentView::new(department);
    // Where each project table's heading is: the index of its first word in `words`.
    let lines = page_lines(&pdf);
    let starts: Vec<usize> = view
        .projects
        .iter()
        .map(|p| {
            let title = format!("{}.{}绩效目标表", p.number, p.project.name);
            let (page, y) = lines
                .iter()
                .enumerate()
                .find_map(|(n, page)| Some((n, page.iter().find(|l| l.text == title)?.y_min)))
                .unwrap_or_else(|| panic!("{what}: no heading {title}"));
            words
                .iter()
                .position(|&(n, w)| (n, w.y_min) >= (page, y - 0.5))
                .unwrap()
        })
        .collect();
    let type_area = (37.0 * MM, (37.0 + 225.0) * MM);
    let mut measured = 0;
    for (k, p) in view.projects.iter().enumerate() {
        let it = p
            .indicator_table
            .as_ref()
            .expect("every test project has optional columns");
        let mut edges = vec![28.0 * MM];
        for w in &it.widths {
            let mm: f64 = w.trim_end_matches("mm").parse().unwrap();
            edges.push(edges.last().unwrap() + mm * MM);
        }
        assert!(
            (edges.last().unwrap() - (28.0 + 156.0) * MM).abs() < 0.1,
            "{what}: {} is not as wide as the type area: {:?}",
            p.project.name,
            it.widths
        );
        let end = starts.get(k + 1).copied().unwrap_or(words.len());
        let region = &words[starts[k]..end];
        // The indicator header: its 三级指标 cell.
        let header = region
            .iter()
            .position(|(_, w)| w.text.starts_with("三级"))
            .unwrap_or_else(|| panic!("{what}: no indicator header in {}", p.project.name));
        let header_y = region[header].1.y_min;
        let header_page = region[header].0;
        for &(page, w) in region {
            let in_rows = (page > header_page
                || (page == header_page && w.y_min >= header_y - 12.0))
                && w.y_min >= type_area.0
                && w.y_min < type_area.1;
            if !in_rows || BLOCK_LABELS.contains(&w.text.as_str()) {
                continue;
            }
            let column = edges
                .windows(2)
                .position(|e| w.x_min >= e[0] && w.x_min < e[1])
                .unwrap_or_else(|| {
                    panic!(
                        "{what}: {} on page {} starts outside the table at {:.1}",
                        w.text,
                        page + 1,
                        w.x_min
                    )
                });
            // Punctuation may hang into the right inset at a line's end (Typst's overhang), never
            // over the rule; a full-width comma or full stop is inked in the left half of its
            // em, so only that half counts.
            let (left, right) = (edges[column] + INSET - 0.5, edges[column + 1]);
            let hangs = w.text.ends_with(['，', '。', '、', '；', '：', '）']);
            let ink = if hangs { w.x_max - 10.5 / 2.0 } else { w.x_max };
            assert!(
                w.x_min >= left && ink <= right,
                "{what}: in {} (columns {:?}, extras {:?}), {:?} on page {} runs from {:.1} to {:.1} pt, its cell's text from {left:.1} to {right:.1}",
                p.project.name,
                it.widths,
                it.extras,
                w.text,
                page + 1,
                w.x_min,
                w.x_max
            );
            measured += 1;
        }
    }
    measured
}

#[test]
fn every_subset_of_optional_columns_fits_its_columns() {
    // The widest value in every column: each project has a row with every pick at its largest.
    let widest = [0, 5, 1, 2];
    let projects: Vec<(u8, bool, Vec<[usize; 4]>)> = (1..16u8)
        .map(|mask| {
            let rows = vec![widest, [mask as usize, 1, 2, 3], [7, 3, 0, 2], [6, 4, 3, 1]];
            (mask, mask % 2 == 0, rows)
        })
        .collect();
    let measured = assert_inside_columns(&department(&projects), "15 个子集");
    // Each project's rows hold at least their 一级, 二级, 三级, description, value and basis.
    assert!(measured >= 15 * 4 * 6, "measured {measured} words");
}

proptest! {
    // Each case compiles one document of three projects: a few seconds in all.
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_optional_columns_fit_their_columns(
        projects in prop::collection::vec(
            (1..16u8, any::<bool>(), prop::collection::vec(prop::array::uniform4(0..8usize), 1..6)),
            3,
        )
    ) {
        assert_inside_columns(&department(&projects), &format!("{projects:?}"));
    }
}
