//! `jixiao template`: the blank workbook departments fill in, the filled-in example, and next
//! year's workbook made from last year's — each read back by the real reader.

use crate::common;

use std::path::{Path, PathBuf};

use calamine::{Reader, open_workbook_auto};
use common::{compact, jixiao, only_pdf, pdf_text, seed_path, xlsx};
use jixiao::model::Department;
use jixiao::xlsx::department as workbook;
use jixiao::{read, reference};

/// Runs `jixiao template ARGS`, asserting it succeeds.
fn template(args: &[&str]) {
    let mut all = vec!["template"];
    all.extend_from_slice(args);
    let out = jixiao(&all);
    assert!(
        out.status.success(),
        "jixiao {all:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Reads `path`, asserting the reading has no errors.
fn read_clean(path: &Path) -> Department {
    let reading = read::read(path);
    let errors: Vec<String> = reading
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "errors reading {path:?}:\n{errors:#?}");
    reading.workbook.expect("a workbook").department
}

/// Header texts of row 1 of every sheet, units in brackets removed.
fn headers(path: &Path) -> Vec<(String, Vec<String>)> {
    let mut book = open_workbook_auto(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let row: Vec<String> = range
                .rows()
                .next()
                .map(|r| {
                    r.iter()
                        .map(|c| c.to_string().split('（').next().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            (name, row)
        })
        .collect()
}

#[test]
fn blank_template_has_every_sheet_and_column_and_lacks_only_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.xlsx");
    template(&["-o", s(&path)]);

    // Only the values are missing: every sheet, column and field is there.
    let reading = read::read(&path);
    assert!(!reading.diagnostics.is_empty());
    for d in &reading.diagnostics {
        assert_eq!(d.rule, "missing-value", "unexpected finding: {d}");
    }
    let missing: Vec<&str> = reading
        .diagnostics
        .iter()
        .map(|d| d.location.cell.as_ref().unwrap().to_string())
        .map(|c| match c.as_str() {
            "B2" => "部门名称",
            "B3" => "年度",
            "B4" => "编制单位",
            _ => panic!("unexpected cell {c}"),
        })
        .collect();
    assert_eq!(missing.len(), 3, "{missing:?}");

    // The optional sheets are read leniently when empty, so their headers are checked here.
    // Every sheet and column the reader expects, between the instructions and the helper sheet.
    let mut expected: Vec<(&str, Vec<&str>)> = vec![("填写说明", vec![])];
    expected.extend(jixiao::contract::v1_sheets());
    expected.push(("下拉选项", vec![]));
    let found = headers(&path);
    assert_eq!(
        found.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        expected.iter().map(|(n, _)| *n).collect::<Vec<_>>()
    );
    for ((name, row), (_, columns)) in found.iter().zip(expected) {
        if !columns.is_empty() {
            assert_eq!(*row, columns, "headers of {name}");
        }
    }

    // 基本信息 lists every field, 内容 empty.
    let mut book = open_workbook_auto(&path).unwrap();
    let info = book.worksheet_range("基本信息").unwrap();
    let fields: Vec<String> = info.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(
        fields,
        [
            "部门名称",
            "年度",
            "编制单位",
            "审核单位",
            "部门编码",
            "文档标题"
        ]
    );
    assert!(
        info.rows()
            .skip(1)
            .all(|r| r.get(1).is_none_or(|c| c.to_string().is_empty()))
    );
}

#[test]
fn example_reads_back_as_the_reference_department_and_builds_every_seed_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example.xlsx");
    template(&["--example", "-o", s(&path)]);
    assert_eq!(read_clean(&path), reference::department());

    let out = dir.path().join("out");
    let result = jixiao(&["build", s(&path), "-o", s(&out)]);
    assert!(
        result.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = compact(&pdf_text(&only_pdf(&out)));
    let seed = std::fs::read_to_string(seed_path()).unwrap();
    let missing: Vec<String> = seed
        .lines()
        .map(|line| compact(line).replace(">=", "≥").replace("<=", "≤"))
        .filter(|line| !line.is_empty() && line != "......" && !text.contains(line.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "lines of the seed missing from the PDF:\n{}",
        missing.join("\n")
    );
}

/// A department using every optional field, so that every column carries a value.
fn everything_filled() -> Department {
    let mut d = reference::department();
    d.code = Some("101-07".to_string());
    d.title = "高新区行政服务中心2021年度预算绩效文本（公开版）".to_string();
    d.projects[0].code = Some("13020021-0001".to_string());
    let p = &mut d.projects[1];
    p.other_funds = rust_decimal::Decimal::new(12345, 4);
    p.budget += p.other_funds;
    d
}

#[test]
fn every_column_round_trips_through_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.xlsx");
    let department = everything_filled();
    let mut form = jixiao::xlsx::fill_in::form(Some(&department)).unwrap();
    form.save(&path).unwrap();
    assert_eq!(read_clean(&path), department);
}

#[test]
fn next_year_keeps_everything_but_the_year() {
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("last.xlsx");
    template(&["--example", "-o", s(&last)]);
    let next = dir.path().join("next.xlsx");
    template(&["--from", s(&last), "-o", s(&next)]);

    let mut expected = reference::department();
    expected.year = 2022;
    expected.title = Department::default_title(&expected.name, 2022);
    assert_eq!(read_clean(&next), expected);
}

#[test]
fn next_year_from_a_plain_workbook_with_a_custom_title_and_default_name() {
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("last.xlsx");
    workbook::write_department(&everything_filled(), &last).unwrap();

    // Without -o, the file is named after the department and the new year, in the current folder.
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["template", "--from", "last.xlsx"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let next: PathBuf = dir.path().join("唐山高新区行政服务中心2022.xlsx");

    let mut expected = everything_filled();
    expected.year = 2022;
    expected.title = "高新区行政服务中心2022年度预算绩效文本（公开版）".to_string();
    assert_eq!(read_clean(&next), expected);
}

#[test]
fn a_last_year_workbook_with_errors_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.xlsx");
    template(&["-o", s(&blank)]);
    let next = dir.path().join("next.xlsx");
    let out = jixiao(&["template", "--from", s(&blank), "-o", s(&next)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("基本信息!B2: 错误:"), "{stderr}");
    assert!(stderr.contains("[missing-value]"), "{stderr}");
    assert!(!next.exists());
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    std::fs::write(&path, "keep me").unwrap();
    let out = jixiao(&["template", "-o", s(&path)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(&path).unwrap(), b"keep me");

    template(&["-o", s(&path), "--force"]);
    assert_ne!(std::fs::read(&path).unwrap(), b"keep me");
}

#[test]
fn templates_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    template(&["--example", "-o", s(&a)]);
    template(&["--example", "-o", s(&b)]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

/// Every sheet of the workbook at `path`, checked for the page setup, with every text row tall
/// enough for its text; returns the sheets.
fn assert_printable(path: &Path) -> Vec<xlsx::SheetXml> {
    let sheets = xlsx::sheets(path);
    assert!(!sheets.is_empty());
    for sheet in &sheets {
        xlsx::assert_page_setup(sheet);
        xlsx::assert_rows_fit(sheet);
        // The header row repeats on every printed page; 填写说明 has none.
        let expected = (sheet.name != "填写说明").then(|| format!("{}!$1:$1", sheet.name));
        let found = sheet.print_titles.as_deref().map(|t| t.replace('\'', ""));
        assert_eq!(found, expected, "{}", sheet.name);
    }
    sheets
}

fn sheet<'a>(sheets: &'a [xlsx::SheetXml], name: &str) -> &'a xlsx::SheetXml {
    sheets.iter().find(|s| s.name == name).unwrap()
}

#[test]
fn the_blank_form_prints_and_its_rows_are_a_comfortable_height() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.xlsx");
    template(&["-o", s(&path)]);
    let sheets = assert_printable(&path);
    assert_eq!(sheets.len(), 9);
    // Narrow sheets print portrait, wide ones landscape (the rule itself is checked above).
    assert_eq!(
        sheet(&sheets, "基本信息").page_setup["orientation"],
        "portrait"
    );
    assert_eq!(
        sheet(&sheets, "项目").page_setup["orientation"],
        "landscape"
    );
    assert_eq!(
        sheet(&sheets, "项目指标").page_setup["orientation"],
        "landscape"
    );
    // Blank rows of the tables: one comfortable line (20 pt), set explicitly.
    for name in ["总体绩效目标", "项目", "项目指标"] {
        let sheet = sheet(&sheets, name);
        for row in 2..=201 {
            assert!(sheet.custom_height(row), "{name} row {row}");
            // 20 pt, rounded to whole pixels (0.75 pt).
            let h = sheet.height(row);
            assert!((20.0..20.75).contains(&h), "{name} row {row}: {h}");
        }
    }
}

#[test]
fn the_example_and_next_years_workbook_print_with_rows_as_tall_as_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("example.xlsx");
    template(&["--example", "-o", s(&example)]);
    let next = dir.path().join("next.xlsx");
    template(&["--from", s(&example), "-o", s(&next)]);
    for path in [&example, &next] {
        let sheets = assert_printable(path);
        // Long text took several lines, so the heights were really measured.
        for (name, at_least) in [
            ("填写说明", 5),
            ("总体绩效目标", 2),
            ("分项绩效目标", 3),
            ("工作保障措施", 3),
            ("项目", 2),
        ] {
            let multi_line = xlsx::assert_rows_fit(sheet(&sheets, name));
            assert!(
                multi_line >= at_least,
                "{name}: {multi_line} rows of several lines"
            );
        }
        // A paragraph of 总体绩效目标 several lines long is several lines high.
        let overall = sheet(&sheets, "总体绩效目标");
        let (row, _, text, _, _) = overall
            .texts
            .iter()
            .filter(|t| t.0 > 1)
            .max_by_key(|t| t.2.chars().count())
            .unwrap();
        assert!(text.chars().count() > 100, "{text}");
        assert!(
            overall.height(*row) >= 3.0 * 11.0 * 1.3,
            "{}",
            overall.height(*row)
        );
        // Merged 项目名称 cells in 项目指标 are covered by their rows together.
        assert!(!sheet(&sheets, "项目指标").merges.is_empty());
    }
}

/// The text of the 填写说明 sheet of the workbook at `path`, one line per row.
fn instructions_text(path: &Path) -> String {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range("填写说明").unwrap();
    range
        .rows()
        .map(|r| r.first().map(|c| c.to_string()).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_full_template_has_every_optional_part_and_explains_each() {
    use jixiao::contract::{FIELDS, SHEETS, Since};

    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.xlsx");
    template(&["--full", "-o", s(&full)]);
    let plain = dir.path().join("plain.xlsx");
    template(&["-o", s(&plain)]);

    // Blank, it lacks only the three required values, as the plain one does.
    let reading = read::read(&full);
    let rules: Vec<String> = reading
        .diagnostics
        .iter()
        .map(|d| d.rule.to_string())
        .collect();
    assert_eq!(rules, ["missing-value"; 3], "{:#?}", reading.diagnostics);

    // Every sheet of the goals contract, with every column, v1 and v2 (v3 is the
    // self-evaluation's).
    let found = headers(&full);
    for sheet in SHEETS.iter().filter(|s| s.since.in_goals_form(true)) {
        let row = found
            .iter()
            .find(|(name, _)| name == sheet.name)
            .map(|(_, row)| row)
            .unwrap_or_else(|| panic!("the full template has no sheet {}", sheet.name));
        let columns: Vec<&str> = sheet.columns_for(true).map(|c| c.name).collect();
        assert_eq!(*row, columns, "headers of {}", sheet.name);
    }
    let mut book = open_workbook_auto(&full).unwrap();
    let info = book.worksheet_range("基本信息").unwrap();
    let fields: Vec<String> = info.rows().skip(1).map(|r| r[0].to_string()).collect();
    let goal_fields = FIELDS.iter().filter(|f| f.since.in_goals_form(true));
    assert_eq!(fields, goal_fields.map(|f| f.name).collect::<Vec<_>>());

    // 填写说明 explains each optional field, column and sheet; the plain one has no such part.
    let text = instructions_text(&full);
    assert!(text.contains("九、可选部分"), "{text}");
    for f in FIELDS.iter().filter(|f| f.since == Since::V2) {
        assert!(
            text.contains(&format!("基本信息“{}”", f.name)),
            "{}",
            f.name
        );
    }
    for sheet in SHEETS {
        if sheet.since == Since::V2 {
            assert!(text.contains(&format!("“{}”表（可选）", sheet.name)));
        } else {
            for c in sheet.columns.iter().filter(|c| c.since == Since::V2) {
                let line = format!("“{}”表的“{}”列：{}", sheet.name, c.header(), c.note);
                assert!(text.contains(&line), "missing: {line}");
            }
        }
    }
    let plain_text = instructions_text(&plain);
    assert!(!plain_text.contains("可选部分"));
    assert!(
        text.starts_with(&plain_text),
        "the full 填写说明 extends the plain one"
    );
}

#[test]
fn next_year_from_a_workbook_with_every_optional_part_keeps_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let last_department = reference::full::department();
    assert!(last_department.has_optional_parts());
    let last = dir.path().join("last.xlsx");
    workbook::write_department(&last_department, &last).unwrap();
    let next = dir.path().join("next.xlsx");
    template(&["--from", s(&last), "-o", s(&next)]);

    let read_back = read_clean(&next);
    assert_eq!(read_back.year, last_department.year + 1);
    assert_eq!(
        Department {
            year: last_department.year,
            title: last_department.title.clone(),
            ..read_back.clone()
        },
        last_department
    );
    // It is the full form: every optional column and sheet is there for next year's values.
    let found = headers(&next);
    let goal_sheets = jixiao::contract::SHEETS.iter();
    for sheet in goal_sheets.filter(|s| s.since.in_goals_form(true)) {
        assert!(
            found.iter().any(|(name, _)| name == sheet.name),
            "next year's workbook lacks {}",
            sheet.name
        );
    }
    assert!(instructions_text(&next).contains("九、可选部分"));

    // And it builds, printing next year's title.
    let out = dir.path().join("out");
    let result = jixiao(&["build", s(&next), "-o", s(&out)]);
    assert!(
        result.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = compact(&pdf_text(&only_pdf(&out)));
    assert!(text.contains(&compact(&read_back.title)), "{text}");
}

/// `template --self-eval`: the blank form, the example, and the form pre-filled from the goals
/// — of a workbook or of the data attached to its PDF, the same form either way — each a
/// printable workbook that reads back as what it was made from.
#[test]
fn self_evaluation_forms_are_made_from_the_goals_workbook_or_its_pdf() {
    use jixiao::evaluation::{Evaluation, evaluated};

    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.xlsx");
    template(&["--self-eval", "-o", s(&blank)]);
    let rules: Vec<String> = read::read(&blank)
        .diagnostics
        .iter()
        .map(|d| d.rule.to_string())
        .collect();
    assert_eq!(
        rules, ["missing-value"; 3],
        "blank, it lacks only 部门名称, 年度, 编制单位"
    );

    let example = dir.path().join("example.xlsx");
    template(&["--self-eval", "--example", "-o", s(&example)]);
    let reading = read::read(&example);
    assert!(reading.diagnostics.is_empty(), "{:#?}", reading.diagnostics);
    let workbook = reading.workbook.unwrap();
    assert_eq!(workbook.department, reference::self_evaluation_department());
    assert_eq!(
        workbook.evaluation,
        Some(reference::evaluation::evaluation())
    );

    // From the goals: the goals as published, the suggested 分值, the 年初预算数.
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let goals = input.join("goals.xlsx");
    workbook::write_department(&reference::department(), &goals).unwrap();
    let output = dir.path().join("output");
    assert!(common::build(&input, &output, &[]).status.success());
    let built = only_pdf(&output);
    let (from_xlsx, from_pdf) = (dir.path().join("x.xlsx"), dir.path().join("p.xlsx"));
    template(&["--self-eval", "--from", s(&goals), "-o", s(&from_xlsx)]);
    template(&["--self-eval", "--from", s(&built), "-o", s(&from_pdf)]);
    let expected = evaluated(&reference::department());
    for form in [&from_xlsx, &from_pdf] {
        let reading = read::read(form);
        let workbook = reading.workbook.unwrap();
        assert_eq!(workbook.department, expected);
        assert_eq!(workbook.evaluation, Some(Evaluation::blank_for(&expected)));
        // What is left to fill in: each 实际完成值 and 实际完成情况, and each project's
        // 全年预算数 and 全年执行数 — nothing else.
        let mut left: Vec<&str> = reading
            .diagnostics
            .iter()
            .map(|d| d.rule.as_str())
            .collect();
        left.dedup();
        assert_eq!(left, ["missing-value"], "{:#?}", reading.diagnostics);
        assert_eq!(reading.diagnostics.len(), 19 + 4 + 2 * 2);
        assert_printable(form);
    }
    assert_printable(&example);
    assert_printable(&blank);
    // The 分值 suggested add up to 90 with the Ministry's split.
    let points: rust_decimal::Decimal = expected.projects[0]
        .indicators
        .iter()
        .filter_map(|i| i.details.weight)
        .sum();
    assert_eq!(points, rust_decimal::Decimal::from(90));
}
