//! Tables across pages (the project tables and, contract v2, the 部门整体支出绩效目标表),
//! measured on the PDF: a table never starts orphaned, every page on which a table continues
//! begins with its 续表 line, a table breaks only where the next row could not fit, and no
//! heading ends a page.
//!
//! Text and its position come from `pdftotext -bbox-layout` (a row is found by the first line of
//! its 三级指标 cell, a word inside that column); the table rules from the pages rasterised by
//! `pdftoppm` (a horizontal rule is a pixel row dark across the table from 42 mm to its right
//! edge, where every indicator row has its own cells).

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{TextLine, page_lines, page_words};
use jixiao::model::{Department, Indicator, IndicatorValue, Project};
use jixiao::render::view::{DocumentView, IndicatorTable, Level1Group};

const MM: f64 = 72.0 / 25.4;
/// The foot of the type area (top margin 37 mm, type area 225 mm high).
const TYPE_AREA_BOTTOM: f64 = (37.0 + 225.0) * MM;
/// Rasterising resolution: 2 pixels per point.
const DPI: f64 = 144.0;

/// One page: its lines and words of text, top to bottom, and the y of its horizontal table
/// rules.
struct Page {
    lines: Vec<TextLine>,
    words: Vec<TextLine>,
    rules: Vec<f64>,
}

impl Page {
    /// The lines of the type area and above (the 续表 line), without the page number.
    fn body(&self) -> impl Iterator<Item = &TextLine> {
        self.lines.iter().filter(|l| l.y_min < TYPE_AREA_BOTTOM)
    }

    /// The words inside the column from `left` to `right` (points), top to bottom.
    fn column(&self, (left, right): (f64, f64)) -> impl Iterator<Item = &TextLine> {
        self.words
            .iter()
            .filter(move |w| w.x_min >= left - 0.5 && w.x_max <= right + 0.5)
    }

    fn has(&self, text: &str) -> bool {
        self.lines.iter().any(|l| l.text == text)
    }
}

fn pages(dir: &Path, department: &Department) -> Vec<Page> {
    let pdf = common::compile_settled(dir, department);
    let mut lines = page_lines(&pdf);
    let mut words = page_words(&pdf);
    for page in lines.iter_mut().chain(&mut words) {
        page.sort_by(|a, b| {
            a.y_min
                .total_cmp(&b.y_min)
                .then(a.x_min.total_cmp(&b.x_min))
        });
    }
    let rules = table_rules(&pdf, dir);
    assert_eq!(lines.len(), rules.len());
    lines
        .into_iter()
        .zip(words)
        .zip(rules)
        .map(|((lines, words), rules)| Page {
            lines,
            words,
            rules,
        })
        .collect()
}

/// The y (points from the top) of every horizontal table rule on every page.
fn table_rules(pdf: &Path, dir: &Path) -> Vec<Vec<f64>> {
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", &DPI.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm must be installed (poppler-utils)");
    assert!(status.success());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    files.sort();
    let scale = DPI / 72.0;
    // From the 三级指标 column (28 mm margin + 40 mm) to the right edge of the table.
    let (left, right) = (
        ((28.0 + 42.0) * MM * scale) as usize,
        ((28.0 + 154.0) * MM * scale) as usize,
    );
    files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(file).unwrap();
            let (width, pixels) = read_pgm(&bytes);
            std::fs::remove_file(file).unwrap();
            let dark: Vec<bool> = pixels
                .chunks(width)
                .map(|row| row[left..right].iter().all(|&p| p < 200))
                .collect();
            // An anti-aliased rule may darken two pixel rows: one rule at their middle.
            let mut rules = Vec::new();
            let mut y = 0;
            while y < dark.len() {
                if dark[y] {
                    let start = y;
                    while y < dark.len() && dark[y] {
                        y += 1;
                    }
                    rules.push((start + y) as f64 / 2.0 / scale);
                } else {
                    y += 1;
                }
            }
            rules
        })
        .collect()
}

/// A binary greyscale PGM (P5, 8-bit): its width and pixels.
fn read_pgm(bytes: &[u8]) -> (usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    let data = &bytes[i + 1..];
    assert_eq!(data.len(), width * height);
    (width, data)
}

/// An indicator whose texts name it; `long` descriptions take three lines of the cell.
fn indicator(project: usize, n: usize, level1: &str, level2: &str, long: bool) -> Indicator {
    let description = if long {
        format!("项{project}指标{n}的说明：全年按计划完成各项工作，按季度接受主管部门检查并整改")
    } else {
        format!("项{project}指标{n}的说明")
    };
    Indicator {
        level1: level1.into(),
        level2: level2.into(),
        level3: format!("项{project}指标{n}"),
        description,
        value: IndicatorValue::parse(">=95%"),
        basis: "往年工作经验".into(),
        period: Default::default(),
        details: Default::default(),
    }
}

/// `counts` indicators per (一级, 二级) group, descriptions of varying length.
fn indicators(project: usize, counts: [usize; 4]) -> Vec<Indicator> {
    let kinds = [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标"),
    ];
    let mut out = Vec::new();
    for ((level1, level2), count) in kinds.iter().zip(counts) {
        for _ in 0..count {
            let n = out.len() + 1;
            out.push(indicator(project, n, level1, level2, n % 3 == 0));
        }
    }
    out
}

fn project(template: &Project, number: usize, counts: [usize; 4], goals: usize) -> Project {
    let mut project = template.clone();
    project.name = format!("第{number}号测试项目");
    project.goals = (1..=goals)
        .map(|i| format!("第{number}号测试项目的第{i}项目标，保证工作顺利进行"))
        .collect();
    project.indicators = indicators(number, counts);
    project
}

/// The reference department with one project of 37 indicators.
fn thirty_seven_indicators() -> Department {
    let mut department = jixiao::reference::department();
    let template = department.projects[0].clone();
    department.projects = vec![project(&template, 1, [15, 7, 10, 5], 2)];
    department
}

/// The reference department with four projects, the first of which grows with `variant`: the
/// other tables start at a different height of their page in each variant. The 总体绩效目标
/// grows too, so that the headings of part one fall at different heights.
fn four_projects(variant: usize) -> Department {
    let mut department = jixiao::reference::department();
    let template = department.projects[0].clone();
    department.projects = vec![
        project(&template, 1, [1 + variant, 2, 1, 1], 1 + variant % 3),
        project(&template, 2, [6, 3, 4, 2], 2),
        project(&template, 3, [2, 1, 2, 1], 3),
        project(&template, 4, [9, 4, 6, 3], 2),
    ];
    let paragraph = department.overall_goals[0].clone();
    department
        .overall_goals
        .extend(std::iter::repeat_n(paragraph, variant % 5));
    department
}

/// Every heading a page must not end with.
fn headings(department: &Department) -> Vec<String> {
    let sections: &[&str] = if department.has_department_table() {
        &[
            "一、总体绩效目标",
            "二、分项绩效目标",
            DEPARTMENT_TABLE,
            "四、工作保障措施",
        ]
    } else {
        &["一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施"]
    };
    let mut headings: Vec<String> = sections.iter().map(|s| s.to_string()).collect();
    headings.extend(
        department
            .sub_goals
            .iter()
            .enumerate()
            .map(|(i, g)| format!("{}、{}", i + 1, g.name)),
    );
    headings.extend(tables(department).into_iter().map(|t| t.title));
    headings
}

/// The heading of the 部门整体支出绩效目标表, which its 续表 line names too.
const DEPARTMENT_TABLE: &str = "三、部门整体支出绩效目标表";

/// A table with indicators as it should print: its heading, the edges (points from the page's
/// left) of its indicator columns, and its indicator rows in order.
struct Table<'a> {
    title: String,
    edges: Vec<f64>,
    rows: Vec<Row<'a>>,
    /// Its indicators come in 实施期/年度 blocks, each opened by a label row that is repeated
    /// on the pages the block continues on.
    blocks: bool,
}

struct Row<'a> {
    indicator: &'a Indicator,
    /// The first row of a block: its label row comes right above it.
    opens_block: bool,
}

impl Table<'_> {
    fn column(&self, i: usize) -> (f64, f64) {
        (self.edges[i], self.edges[i + 1])
    }
}

/// The tables of `department` that have indicators, in the order they print.
fn tables(department: &Department) -> Vec<Table<'_>> {
    let view = DocumentView::new(department);
    let mut out = Vec::new();
    if let Some(it) = view.department_table.and_then(|t| t.indicators) {
        out.push(table(DEPARTMENT_TABLE.into(), Some(it), Vec::new()));
    }
    for p in view.projects {
        let title = format!("{}.{}绩效目标表", p.number, p.project.name);
        out.push(table(title, p.indicator_table, p.groups));
    }
    out
}

fn table<'a>(
    title: String,
    indicators: Option<IndicatorTable<'a>>,
    groups: Vec<Level1Group<'a>>,
) -> Table<'a> {
    let rows_of = |groups: &[Level1Group<'a>], labelled: bool| -> Vec<Row<'a>> {
        let all = groups
            .iter()
            .flat_map(|g| &g.subgroups)
            .flat_map(|s| s.indicators.iter().copied());
        all.enumerate()
            .map(|(k, indicator)| Row {
                indicator,
                opens_block: labelled && k == 0,
            })
            .collect()
    };
    let (widths, rows, blocks) = match indicators {
        Some(it) => {
            let widths = it
                .widths
                .iter()
                .map(|w| w.trim_end_matches("mm").parse::<f64>().unwrap())
                .collect();
            let blocks = it.blocks.iter().any(|b| !b.label.is_empty());
            let rows = it
                .blocks
                .iter()
                .flat_map(|b| rows_of(&b.groups, !b.label.is_empty()))
                .collect();
            (widths, rows, blocks)
        }
        None => (
            vec![20.0, 20.0, 26.0, 48.0, 19.0, 23.0],
            rows_of(&groups, false),
            false,
        ),
    };
    let mut edges = vec![28.0 * MM];
    for w in widths {
        edges.push(edges.last().unwrap() + w * MM);
    }
    Table {
        title,
        edges,
        rows,
        blocks,
    }
}

/// Where each row of `table` is: the page and the y of the first line of its 三级指标 cell,
/// found in order after the table's heading and indicator header.
fn locate(pages: &[Page], table: &Table, what: &str) -> Vec<(usize, f64)> {
    let column = table.column(2);
    let words = || {
        pages
            .iter()
            .enumerate()
            .flat_map(move |(n, p)| p.column(column).map(move |w| (n, w)))
    };
    let title = pages
        .iter()
        .enumerate()
        .find_map(|(n, p)| Some((n, p.lines.iter().find(|l| l.text == table.title)?.y_min)))
        .unwrap_or_else(|| panic!("{what}: {} is on no page", table.title));
    // After (page, y) in reading order.
    let after = |(page, y): (usize, f64), n: usize, w: &TextLine| (n, w.y_min) > (page, y);
    let header = words()
        .find(|&(n, w)| after(title, n, w) && w.text.starts_with("三级"))
        .map(|(n, w)| (n, w.y_min))
        .unwrap_or_else(|| panic!("{what}: no indicator header under {}", table.title));
    let mut cursor = header;
    table
        .rows
        .iter()
        .map(|row| {
            let level3 = &row.indicator.level3;
            let (n, w) = words()
                .find(|&(n, w)| {
                    after(cursor, n, w) && !w.text.is_empty() && level3.starts_with(&w.text)
                })
                .unwrap_or_else(|| panic!("{what}: the row {level3} is on no page"));
            cursor = (n, w.y_min);
            cursor
        })
        .collect()
}

/// Asserts (1)–(4) on every page of `department`'s PDF; returns how many pages continue a table.
fn assert_set_like_a_typesetter(department: &Department, what: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let pages = pages(dir.path(), department);
    let tables = tables(department);
    let mut continuations = 0;
    for table in &tables {
        let title = &table.title;
        let rows = locate(&pages, table, what);
        // (1) The heading, the top block and the first indicator row share a page.
        let start = pages
            .iter()
            .position(|p| p.has(title))
            .unwrap_or_else(|| panic!("{what}: {title} is on no page"));
        assert_eq!(
            rows[0].0,
            start,
            "{what}: {title} starts orphaned on page {}",
            start + 1
        );
        let last = rows.last().unwrap().0;
        for next in start + 1..=last {
            continuations += 1;
            let page = &pages[next];
            // (2) A continuation page begins with the 续表 line naming its table.
            let top = page.body().next().unwrap();
            assert_eq!(
                top.text,
                format!("续表：{title}"),
                "{what}: page {} continues {title}",
                next + 1
            );
            // Its first row carries its 一级 and 二级 labels (the merged cells were cut).
            let k = rows
                .iter()
                .position(|r| r.0 == next)
                .unwrap_or_else(|| panic!("{what}: page {} has no row of {title}", next + 1));
            let first_row = &table.rows[k];
            let indicator = first_row.indicator;
            for (label, column) in [(&indicator.level1, 0), (&indicator.level2, 1)] {
                let text: String = page
                    .column(table.column(column))
                    .map(|w| w.text.as_str())
                    .collect();
                assert!(
                    text.contains(label.as_str()),
                    "{what}: page {} lacks the label {label}: {text}",
                    next + 1
                );
            }
            // (3) The page before had no room for this page's first row (with the label row
            // of its block when it opens one: the two never part).
            let left = TYPE_AREA_BOTTOM - pages[next - 1].rules.last().unwrap();
            let rules = &page.rules;
            let (above, below) = match (table.blocks, first_row.opens_block) {
                (false, _) => (1, 2),
                (true, true) => (1, 3),
                (true, false) => (2, 3),
            };
            assert!(
                rules.len() > below,
                "{what}: page {} rules {rules:?}",
                next + 1
            );
            let needed = rules[below] - rules[above];
            assert!(
                left < needed,
                "{what}: page {} left {left:.1} pt at its foot, and the first row of page {} needs {needed:.1} pt",
                next,
                next + 1
            );
        }
    }
    // No page that continues no table has a 续表 line.
    let with_line = pages
        .iter()
        .filter(|p| p.lines.iter().any(|l| l.text.starts_with("续表")))
        .count();
    assert_eq!(with_line, continuations, "{what}: 续表 lines");
    // (4) No heading ends a page.
    let headings = headings(department);
    for (n, page) in pages.iter().enumerate() {
        if let Some(last) = page.body().last() {
            assert!(
                !headings.contains(&last.text),
                "{what}: page {} ends with the heading {}",
                n + 1,
                last.text
            );
        }
    }
    continuations
}

/// The second reference department (every optional part of contract v2), growing with
/// `variant`: the 总体绩效目标 (printed again in the 部门整体支出绩效目标表) by `variant % 5`
/// paragraphs, the department's indicators by `variant % 3` rows and the first project's 年度
/// indicators by `variant` rows, so that every table starts at a different height of its page.
/// (More paragraphs would make the table's top block, with the heading, the indicator header
/// and a row, taller than a page: it cannot be kept together then, see docs/document.md.)
fn full_department(variant: usize) -> Department {
    let mut department = jixiao::reference::full::department();
    let paragraph = department.overall_goals[1].clone();
    department
        .overall_goals
        .extend(std::iter::repeat_n(paragraph, variant % 5));
    let more = |indicators: &mut Vec<Indicator>, n: usize, name: &str| {
        let last = indicators.last().unwrap().clone();
        indicators.extend((1..=n).map(|k| Indicator {
            level3: format!("{name}{k}"),
            ..last.clone()
        }));
    };
    more(
        &mut department.department_indicators,
        variant % 3,
        "部门补充指标",
    );
    more(
        &mut department.projects[0].indicators,
        variant,
        "项目补充指标",
    );
    department
}

#[test]
fn thirty_seven_indicators_break_where_the_page_ends() {
    let continued = assert_set_like_a_typesetter(&thirty_seven_indicators(), "37 个指标");
    assert!(continued >= 2, "the table spans three pages or more");
}

#[test]
fn four_tables_starting_anywhere_on_a_page() {
    let mut continued = 0;
    for variant in [0, 2, 4, 6, 8, 11, 14, 17] {
        continued +=
            assert_set_like_a_typesetter(&four_projects(variant), &format!("变体 {variant}"));
    }
    assert!(continued >= 8, "tables continue across pages: {continued}");
}

#[test]
fn the_full_department_is_set_like_a_typesetter() {
    let continued = assert_set_like_a_typesetter(&full_department(0), "第二参考部门");
    assert!(
        continued >= 2,
        "its tables continue across pages: {continued}"
    );
}

#[test]
fn v2_tables_starting_anywhere_on_a_page() {
    let mut continued = 0;
    for variant in [1, 2, 3, 4, 6, 8, 11] {
        continued += assert_set_like_a_typesetter(
            &full_department(variant),
            &format!("第二参考部门变体 {variant}"),
        );
    }
    assert!(continued >= 6, "tables continue across pages: {continued}");
}
