//! What changed since a department's last build: the change lines `jixiao build` prints after
//! known edits of a workbook (a 指标值, a paragraph, a project added, an amount), none after an
//! edit that changes nothing printed, the change record beside the PDF, and the state kept in
//! the output folder (versioned; `--force` keeps it).

use crate::common;

use std::path::Path;

use jixiao::model::{Department, IndicatorValue};
use jixiao::output::store::{self, Store};
use rust_decimal::Decimal;

const RECORD: &str = "唐山高新区行政服务中心2021年部门预算绩效文本.更正记录.md";

fn build(workbook: &Path, output: &Path, extra: &[&str]) -> String {
    let out = common::build(workbook, output, extra);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

/// The change lines of a build's output (those indented under `…：与上次生成相比改动 N 处`).
fn change_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .collect()
}

/// The four edits: a 指标值, a paragraph, a project added, an amount (预算数 and 财政资金).
fn corrected(d: &Department) -> Department {
    let mut e = d.clone();
    let assessment = &mut e.projects[0];
    assert_eq!(assessment.indicators[1].level3, "项目评估完成率");
    assessment.indicators[1].value = IndicatorValue::parse(">=97%");
    assert!(e.overall_goals[1].contains("纪委监察和财政事务"));
    e.overall_goals[1] =
        e.overall_goals[1].replace("纪委监察和财政事务", "纪委监察、内部审计和财政事务");
    let mut added = e.projects[1].clone();
    added.name = "数据共享平台运维费".into();
    added.budget = Decimal::from(30);
    added.fiscal_funds = Decimal::from(30);
    e.projects.push(added);
    let property = &mut e.projects[1];
    property.budget = Decimal::new(605, 1);
    property.fiscal_funds = Decimal::new(605, 1);
    e
}

#[test]
fn known_edits_give_their_change_lines_and_a_reformatting_edit_none() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("中心.xlsx");
    let output = dir.path().join("out");
    let reference = jixiao::reference::department();
    jixiao::xlsx::department::write_department(&reference, &workbook).unwrap();
    let first = build(&workbook, &output, &[]);
    assert!(change_lines(&first).is_empty(), "{first}");
    assert!(!first.contains("与上次生成相比"), "{first}");
    assert!(store::path(&output, &reference.name, reference.year).is_file());
    assert!(!output.join(RECORD).exists());

    let edited = corrected(&reference);
    jixiao::xlsx::department::write_department(&edited, &workbook).unwrap();
    let second = build(&workbook, &output, &[]);
    assert!(
        second.contains("唐山高新区行政服务中心：与上次生成相比改动 5 处"),
        "{second}"
    );
    let lines = change_lines(&second);
    assert_eq!(lines.len(), 5, "{second}");
    assert_eq!(
        lines[0],
        "总体绩效目标!A3（第2段）：“…能，纪委监察和财政事务。…”改为“…能，纪委监察、内部审计和财政事务。…”"
    );
    assert_eq!(
        lines[1],
        "项目指标!F3（委托评估费 › 项目评估完成率 › 指标值）：≥95% → ≥97%"
    );
    assert_eq!(
        lines[2],
        "项目!C3（物业费及中央空调使用费 › 预算数）：54.5万元 → 60.5万元"
    );
    assert_eq!(
        lines[3],
        "项目!D3（物业费及中央空调使用费 › 财政资金）：54.5万元 → 60.5万元"
    );
    assert_eq!(
        lines[4],
        "项目!B4：新增项目“数据共享平台运维费”（预算数 30万元）"
    );
    // The record beside the PDF: every line, under a dated heading naming the workbook.
    let record = std::fs::read_to_string(output.join(RECORD)).unwrap();
    assert!(record.starts_with("# 唐山高新区行政服务中心2021年部门预算绩效文本 更正记录\n"));
    let heading = record.lines().find(|l| l.starts_with("## ")).unwrap();
    assert!(
        heading.ends_with(&format!("（{}，5 处改动）", workbook.display())),
        "{heading}"
    );
    let date = &heading[3..13];
    assert!(date.chars().all(|c| c.is_ascii_digit() || c == '-') && date.len() == 10);
    for line in &lines {
        assert!(
            record.contains(&format!("- {line}\n")),
            "{line} not in {record}"
        );
    }

    // Reformatted: the form layout (notes, dropdowns, number formats), every fill-down cell of
    // the first project written out, a comparator typed in ASCII. Nothing printed changes.
    let mut form = jixiao::xlsx::fill_in::form(Some(&edited)).unwrap();
    let sheet = form.worksheet_from_name("项目指标").unwrap();
    let first_project = &edited.projects[0];
    for (row, ind) in (1u32..).zip(&first_project.indicators) {
        sheet.write_string(row, 0, &first_project.name).unwrap();
        sheet.write_string(row, 1, &ind.level1).unwrap();
        sheet.write_string(row, 2, &ind.level2).unwrap();
    }
    sheet.write_string(2, 5, ">=97%").unwrap();
    form.save(&workbook).unwrap();
    let third = build(&workbook, &output, &[]);
    assert!(change_lines(&third).is_empty(), "{third}");
    assert!(!third.contains("与上次生成相比"), "{third}");
    assert!(third.contains("（数据与上次生成时相同）"), "{third}");
    assert_eq!(
        std::fs::read_to_string(output.join(RECORD)).unwrap(),
        record
    );

    // `--force` rebuilds but still compares with the last build; the newest section comes first.
    let mut again = edited.clone();
    again.projects[0].indicators[1].value = IndicatorValue::parse("≥98%");
    jixiao::xlsx::department::write_department(&again, &workbook).unwrap();
    let fourth = build(&workbook, &output, &["--force"]);
    assert_eq!(
        change_lines(&fourth),
        ["项目指标!F3（委托评估费 › 项目评估完成率 › 指标值）：≥97% → ≥98%"],
        "{fourth}"
    );
    let newer = std::fs::read_to_string(output.join(RECORD)).unwrap();
    let sections: Vec<&str> = newer.split("\n## ").skip(1).collect();
    assert_eq!(sections.len(), 2, "{newer}");
    assert!(sections[0].contains("≥97% → ≥98%"));
    assert!(sections[1].contains("≥95% → ≥97%"));
}

#[test]
fn more_than_twenty_changes_are_capped_and_an_old_state_never_breaks_a_build() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("中心.xlsx");
    let output = dir.path().join("out");
    let reference = jixiao::reference::department();
    jixiao::xlsx::department::write_department(&reference, &workbook).unwrap();
    build(&workbook, &output, &[]);

    let mut edited = reference.clone();
    let mut n = 0;
    for ind in edited.projects.iter_mut().flat_map(|p| &mut p.indicators) {
        ind.basis = format!("{}（第{n}次修订）", ind.basis);
        ind.description = format!("{}（已修订）", ind.description);
        n += 2;
    }
    assert!(n > 21);
    jixiao::xlsx::department::write_department(&edited, &workbook).unwrap();
    let stderr = build(&workbook, &output, &[]);
    let lines = change_lines(&stderr);
    assert_eq!(lines.len(), 21, "{stderr}");
    assert_eq!(lines[20], format!("…另有 {} 处", n - 20));
    let record = std::fs::read_to_string(output.join(RECORD)).unwrap();
    assert_eq!(record.lines().filter(|l| l.starts_with("- ")).count(), n);

    // A department's file of another format, or broken: the build goes on, compares with
    // nothing, and writes the current format.
    let kept = store::path(&output, &reference.name, reference.year);
    for old in [&br#"{"format":0,"key":"x"}"#[..], b"{ broken"] {
        std::fs::write(&kept, old).unwrap();
        let stderr = build(&workbook, &output, &["--force"]);
        assert!(change_lines(&stderr).is_empty(), "{stderr}");
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&kept).unwrap()).unwrap();
        assert_eq!(written["format"], store::FORMAT);
        assert!(
            Store::<jixiao::changes::Node>::load(&output)
                .get(&reference.name, reference.year)
                .is_some()
        );
    }
}
