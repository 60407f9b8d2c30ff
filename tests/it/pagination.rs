//! Project tables across pages, measured on the PDF: a table never starts orphaned, every page
//! on which a table continues begins with its 续表 line, a table breaks only where the next row
//! could not fit, and no heading ends a page.
//!
//! Text and its position come from `pdftotext -bbox-layout`; the table rules from the pages
//! rasterised by `pdftoppm` (a horizontal rule is a pixel row dark across the columns from
//! 三级指标 to the right edge, which every indicator row has its own cells in).

use crate::common;

use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use common::{TextLine, page_lines};
use jixiao::compile::{CompileOptions, DocumentIdentity, FontOptions, Fonts, Typesetter};
use jixiao::model::{Department, Indicator, IndicatorValue, Project};

const MM: f64 = 72.0 / 25.4;
/// The foot of the type area (top margin 37 mm, type area 225 mm high).
const TYPE_AREA_BOTTOM: f64 = (37.0 + 225.0) * MM;
/// Rasterising resolution: 2 pixels per point.
const DPI: f64 = 144.0;

/// One page: its lines of text, top to bottom, and the y of its horizontal table rules.
struct Page {
    lines: Vec<TextLine>,
    rules: Vec<f64>,
}

impl Page {
    /// The lines of the type area and above (the 续表 line), without the page number.
    fn body(&self) -> impl Iterator<Item = &TextLine> {
        self.lines.iter().filter(|l| l.y_min < TYPE_AREA_BOTTOM)
    }

    /// The text of the 20 mm table column `offset` mm from the left margin, top to bottom.
    fn column(&self, offset: f64) -> String {
        let left = (28.0 + offset) * MM - 1.0;
        self.lines
            .iter()
            .filter(|l| l.x_min >= left && l.x_min < left + 20.0 * MM)
            .map(|l| l.text.as_str())
            .collect()
    }

    fn has(&self, text: &str) -> bool {
        self.lines.iter().any(|l| l.text == text)
    }
}

fn pages(dir: &Path, department: &Department) -> Vec<Page> {
    let pdf = compile(dir, department);
    let mut lines = page_lines(&pdf);
    for page in &mut lines {
        page.sort_by(|a, b| a.y_min.total_cmp(&b.y_min));
    }
    let rules = table_rules(&pdf, dir);
    assert_eq!(lines.len(), rules.len());
    lines
        .into_iter()
        .zip(rules)
        .map(|(lines, rules)| Page { lines, rules })
        .collect()
}

/// One typesetter (and font discovery) for every document of these tests.
static TYPESETTER: LazyLock<Typesetter> = LazyLock::new(|| {
    Typesetter::new(
        Fonts::discover(&FontOptions::default()),
        CompileOptions::default(),
    )
    .expect("typesetter")
});

/// Compiles `department` into `dir`; the layout must settle without a warning (Typst warns
/// when its layouts do not converge).
fn compile(dir: &Path, department: &Department) -> std::path::PathBuf {
    let source = jixiao::render::Renderer::new(None)
        .render(department)
        .expect("render");
    let identity = DocumentIdentity {
        ident: department.name.clone(),
        year: department.year,
    };
    let compiled = TYPESETTER
        .compile(source, &identity)
        .unwrap_or_else(|e| panic!("compile failed: {e:?}"));
    assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings);
    let pdf = dir.join("document.pdf");
    std::fs::write(&pdf, &compiled.pdf).unwrap();
    pdf
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
        .extend(std::iter::repeat_n(paragraph, variant));
    department
}

/// Every heading a page must not end with.
fn headings(department: &Department) -> Vec<String> {
    let mut headings: Vec<String> = ["一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施"]
        .map(String::from)
        .to_vec();
    headings.extend(
        department
            .sub_goals
            .iter()
            .enumerate()
            .map(|(i, g)| format!("{}、{}", i + 1, g.name)),
    );
    headings.extend(table_titles(department));
    headings
}

fn table_titles(department: &Department) -> Vec<String> {
    department
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}.{}绩效目标表", i + 1, p.name))
        .collect()
}

/// Asserts (1)–(4) on every page of `department`'s PDF; returns how many pages continue a table.
fn assert_set_like_a_typesetter(department: &Department, what: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let pages = pages(dir.path(), department);
    let page_of = |text: &str| -> usize {
        pages
            .iter()
            .position(|p| p.has(text))
            .unwrap_or_else(|| panic!("{what}: {text} is on no page"))
    };
    let titles = table_titles(department);
    let mut continuations = 0;
    for (k, (project, title)) in department.projects.iter().zip(&titles).enumerate() {
        // (1) The heading, the top block and the first indicator row share a page.
        let start = page_of(title);
        let first = &project.indicators[0].level3;
        assert_eq!(
            page_of(first),
            start,
            "{what}: table {} starts orphaned on page {}",
            k + 1,
            start + 1
        );
        let last = page_of(&project.indicators.last().unwrap().level3);
        for next in start + 1..=last {
            continuations += 1;
            let page = &pages[next];
            // (2) A continuation page begins with the 续表 line naming its table.
            let top = page.body().next().unwrap();
            assert_eq!(
                top.text,
                format!("续表：{title}"),
                "{what}: page {} continues table {}",
                next + 1,
                k + 1
            );
            // Its first row carries its 一级 and 二级 labels (the merged cells were cut).
            let first_row = project
                .indicators
                .iter()
                .filter_map(|i| Some((page.lines.iter().find(|l| l.text == i.level3)?, i)))
                .min_by(|a, b| a.0.y_min.total_cmp(&b.0.y_min))
                .map(|(_, i)| i)
                .unwrap_or_else(|| panic!("{what}: page {} has no row", next + 1));
            for (label, column) in [(&first_row.level1, 0.0), (&first_row.level2, 20.0)] {
                let text = page.column(column);
                assert!(
                    text.contains(label.as_str()),
                    "{what}: page {} lacks the label {label}: {text}",
                    next + 1
                );
            }
            // (3) The page before had no room for this page's first row.
            let left = TYPE_AREA_BOTTOM - pages[next - 1].rules.last().unwrap();
            let rules = &page.rules;
            assert!(
                rules.len() >= 3,
                "{what}: page {} rules {rules:?}",
                next + 1
            );
            let first_row = rules[2] - rules[1];
            assert!(
                left < first_row,
                "{what}: page {} left {left:.1} pt at its foot, and the first row of page {} is {first_row:.1} pt high",
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
