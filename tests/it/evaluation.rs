//! The self-evaluation workbook (绩效自评, contract v3): the reference department's 2021
//! self-evaluation written as a workbook reads back as written and is clean; a defective copy of
//! each kind is named at its cell, with the rule of the contract; and `build` does not make a
//! goals text out of it.

use crate::common;

use std::path::{Path, PathBuf};

use jixiao::contract;
use jixiao::diagnostic::Diagnostic;
use jixiao::evaluation::{Evaluation, FundRow, FundSource};
use jixiao::model::{Department, IndicatorValue};
use jixiao::xlsx::department::{evaluation_to_workbook, write_evaluation};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// A temporary folder with an empty `input/` in it.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    (dir, input)
}

/// `sheet!A1` of `column` (canonical name) in 1-based `row` of a self-evaluation workbook, whose
/// sheets have every column of the contract in its order.
fn cell(sheet: &str, column: &str, row: u32) -> String {
    let col = contract::sheet_named(sheet).position(column);
    let letter = char::from(b'A' + col as u8);
    format!("{sheet}!{letter}{row}")
}

/// The reference department's 2021 self-evaluation: its goals with 分值, and what happened.
fn both() -> (Department, Evaluation) {
    let d = jixiao::reference::self_evaluation_department();
    (d, jixiao::reference::evaluation::evaluation())
}

/// [`both`] as a workbook, to change a cell of before saving.
fn reference_book() -> rust_xlsxwriter::Workbook {
    let (d, e) = both();
    evaluation_to_workbook(&d, &e).unwrap()
}

fn write(dir: &Path, department: &Department, evaluation: &Evaluation) -> PathBuf {
    let path = dir.join("自评.xlsx");
    write_evaluation(department, evaluation, &path).unwrap();
    path
}

/// Every finding of a workbook as `sheet!cell severity rule`, and the findings themselves; not
/// the notes (提示) of the scores computed, which `the_scores_computed_are_noted` tests.
fn findings(path: &Path) -> (Vec<String>, Vec<Diagnostic>) {
    let mut checked = jixiao::check::check_path(path);
    checked
        .diagnostics
        .retain(|d| d.rule != jixiao::contract::RuleId::ScoreComputed);
    let lines = checked
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}!{} {} {}",
                d.location.sheet.as_deref().unwrap_or("-"),
                d.location.cell.map(|c| c.to_string()).unwrap_or_default(),
                d.severity.label(),
                d.rule
            )
        })
        .collect();
    (lines, checked.diagnostics)
}

/// Checks the reference self-evaluation as changed by `edit`: its findings.
fn defective(
    edit: impl FnOnce(&mut Department, &mut Evaluation),
) -> (Vec<String>, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, mut e) = both();
    edit(&mut d, &mut e);
    findings(&write(dir.path(), &d, &e))
}

/// Asserts that the findings are exactly `expected` (`cell severity rule`), and returns the
/// message of the first.
fn assert_findings(found: (Vec<String>, Vec<Diagnostic>), expected: &[String]) -> String {
    let (lines, diagnostics) = found;
    assert_eq!(lines, expected, "{diagnostics:#?}");
    diagnostics[0].message.clone()
}

fn error(at: String, rule: &str) -> String {
    format!("{at} 错误 {rule}")
}

fn warning(at: String, rule: &str) -> String {
    format!("{at} 警告 {rule}")
}

const INDICATORS: &str = "项目指标";
const FUNDS: &str = "项目资金执行";

#[test]
fn the_reference_self_evaluation_reads_back_as_written_and_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (d, e) = both();
    let path = write(dir.path(), &d, &e);
    let reading = jixiao::read::read(&path);
    assert!(reading.diagnostics.is_empty(), "{:#?}", reading.diagnostics);
    let workbook = reading.workbook.unwrap();
    assert_eq!(workbook.department, d);
    assert_eq!(workbook.evaluation, Some(e));
    assert_eq!(d.title, "唐山高新区行政服务中心2021年度预算绩效自评报告");
    let (lines, _) = findings(&path);
    assert!(lines.is_empty(), "{lines:#?}");
}

#[test]
fn a_workbook_whose_kind_says_goals_is_read_as_goals() {
    // Only 文档类型 = 绩效自评 makes a self-evaluation: the same workbook saying 绩效目标 is read
    // as the goals, its v3 columns and sheets unread.
    let mut book = reference_book();
    let info = book.worksheet_from_name("基本信息").unwrap();
    info.write_string(8, 1, "绩效目标").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("目标.xlsx");
    book.save(&path).unwrap();
    let checked = jixiao::check::check_path(&path);
    assert!(checked.evaluation.is_none());
    let department = checked.department.expect("no errors");
    assert_eq!(
        department.title,
        "唐山高新区行政服务中心2021年部门预算绩效文本"
    );
}

#[test]
fn missing_values_are_named_at_their_cells() {
    let found = defective(|_, e| {
        e.projects[0].indicators[0].actual = IndicatorValue::parse("");
        e.projects[1].achieved[0] = String::new();
    });
    let message = assert_findings(
        found,
        &[
            error(cell("项目目标", "实际完成情况", 4), "missing-value"),
            error(cell(INDICATORS, "实际完成值", 2), "missing-value"),
        ],
    );
    assert!(message.contains("实际完成情况"), "{message}");

    let mut book = reference_book();
    let col = contract::sheet_named(FUNDS).position("全年执行数");
    book.worksheet_from_name(FUNDS)
        .unwrap()
        .write_blank(1, col, &rust_xlsxwriter::Format::new())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("自评.xlsx");
    book.save(&path).unwrap();
    let (lines, _) = findings(&path);
    assert_eq!(
        lines,
        [error(cell(FUNDS, "全年执行数", 2), "missing-value")]
    );
}

#[test]
fn a_total_that_is_not_the_sum_of_its_sources_is_named() {
    // 池州市贵池区 2022 printed 年度资金总额 0 0 0 above 本年财政拨款 90 / 89.974 / 89.974.
    let message = assert_findings(
        defective(|_, e| e.projects[1].funds[0].amounts.executed = dec!(50)),
        &[error(cell(FUNDS, "全年执行数", 3), "fund-source-sum")],
    );
    assert!(
        message.contains("50") && message.contains("54.5"),
        "{message}"
    );
}

#[test]
fn the_department_funds_add_up_both_ways() {
    let row = |source, full_year: Decimal| FundRow {
        source,
        amounts: jixiao::evaluation::Amounts {
            initial: full_year,
            full_year,
            executed: full_year,
        },
        reason: String::new(),
    };
    let found = defective(|_, e| {
        e.department_funds = vec![
            row(FundSource::Total, dec!(300)),
            row(FundSource::Appropriation, dec!(300)),
            row(FundSource::Basic, dec!(165.5)),
            row(FundSource::Project, dec!(134.4)),
        ];
    });
    let at = |column| cell("部门资金执行", column, 2);
    assert_findings(
        found,
        &[
            error(at("年初预算数"), "fund-source-sum"),
            error(at("全年预算数"), "fund-source-sum"),
            error(at("全年执行数"), "fund-source-sum"),
        ],
    );
}

#[test]
fn an_initial_budget_other_than_the_published_one_is_named() {
    let message = assert_findings(
        defective(|_, e| e.projects[0].funds[0].amounts.initial = dec!(70)),
        &[error(cell(FUNDS, "年初预算数", 2), "initial-budget")],
    );
    assert!(
        message.contains("应等于“项目”表的财政资金 80 万元"),
        "{message}"
    );
}

#[test]
fn execution_over_the_budget_or_low_and_unexplained_is_a_warning() {
    assert_findings(
        defective(|_, e| e.projects[0].funds[0].amounts.executed = dec!(90)),
        &[warning(cell(FUNDS, "全年执行数", 2), "over-execution")],
    );
    let message = assert_findings(
        defective(|_, e| e.projects[0].funds[0].amounts.executed = dec!(60)),
        &[warning(cell(FUNDS, "原因", 2), "low-execution")],
    );
    assert!(message.contains("75.00%"), "{message}");
    // Explained, it is not.
    let (lines, _) = defective(|_, e| {
        let row = &mut e.projects[0].funds[0];
        row.amounts.executed = dec!(60);
        row.reason = "两个评估项目顺延至下一年度".into();
    });
    assert!(lines.is_empty(), "{lines:#?}");
}

#[test]
fn scores_out_of_range_and_weights_not_adding_up_are_errors() {
    let message = assert_findings(
        defective(|_, e| e.projects[0].indicators[0].score = Some(dec!(12))),
        &[error(cell(INDICATORS, "得分", 2), "score-range")],
    );
    assert!(message.contains("应在 0 到分值 10 之间"), "{message}");
    assert_findings(
        defective(|_, e| e.projects[0].indicators[0].score = Some(dec!(-1))),
        &[error(cell(INDICATORS, "得分", 2), "score-range")],
    );
    let message = assert_findings(
        defective(|d, _| d.projects[0].indicators[0].details.weight = Some(dec!(20))),
        &[error(cell(INDICATORS, "权重", 2), "score-weights")],
    );
    assert!(message.contains("合计为 100"), "{message}");
}

#[test]
fn a_split_other_than_50_30_10_is_a_warning() {
    let message = assert_findings(
        defective(|d, _| {
            let indicators = &mut d.projects[0].indicators;
            indicators[0].details.weight = Some(dec!(5));
            indicators[9].details.weight = Some(dec!(15));
        }),
        &[warning(cell(INDICATORS, "权重", 2), "weight-split")],
    );
    assert!(
        message.contains("产出 45") && message.contains("满意度 15"),
        "{message}"
    );
}

#[test]
fn a_blank_score_that_cannot_be_computed_is_an_error() {
    let message = assert_findings(
        defective(|_, e| {
            let outcome = &mut e.projects[0].indicators[0];
            outcome.actual = IndicatorValue::parse("已完成");
            outcome.deviation = "—".into();
        }),
        &[error(cell(INDICATORS, "得分", 2), "score-missing")],
    );
    assert!(message.contains("请填写 0 到 10 之间的得分"), "{message}");
}

#[test]
fn a_written_score_far_from_the_computed_one_is_a_warning() {
    let message = assert_findings(
        defective(|_, e| e.projects[0].indicators[3].score = Some(dec!(8))),
        &[warning(cell(INDICATORS, "得分", 5), "score-formula")],
    );
    assert!(message.contains("按规则计算的 9.79"), "{message}");
    // Within half a point it is the department's to judge.
    let (lines, _) = defective(|_, e| e.projects[0].indicators[3].score = Some(dec!(9.5)));
    assert!(lines.is_empty(), "{lines:#?}");
}

#[test]
fn a_shortfall_without_its_reason_is_an_error() {
    let message = assert_findings(
        defective(|_, e| e.projects[0].indicators[3].deviation = String::new()),
        &[error(
            cell(INDICATORS, "偏差原因分析及改进措施", 5),
            "deviation-reason",
        )],
    );
    assert!(message.contains("得分 9.79 低于分值 10"), "{message}");
}

#[test]
fn an_actual_value_in_another_unit_is_named() {
    let found = defective(|_, e| {
        let outcome = &mut e.projects[0].indicators[0];
        outcome.actual = IndicatorValue::parse("23个");
        outcome.score = Some(dec!(10));
    });
    let message = assert_findings(
        found,
        &[warning(cell(INDICATORS, "实际完成值", 2), "actual-unit")],
    );
    assert!(
        message.contains("“23个”") && message.contains("“≥20次”"),
        "{message}"
    );
}

#[test]
fn an_adjusted_target_is_the_one_scored_against() {
    // 93% against an adjusted ≥90% meets the target: full points, no reason needed.
    let (lines, _) = defective(|_, e| {
        let outcome = &mut e.projects[0].indicators[3];
        outcome.adjusted_target = Some(IndicatorValue::parse("≥90%"));
        outcome.deviation = String::new();
    });
    assert!(lines.is_empty(), "{lines:#?}");
}

#[test]
fn unknown_or_repeated_fund_sources_and_document_kinds_are_named() {
    let found = defective(|_, e| {
        let mut repeated = e.projects[1].funds[1].clone();
        repeated.reason = "又写了一行".into();
        e.projects[1].funds.push(repeated);
    });
    let message = assert_findings(
        found,
        &[error(cell(FUNDS, "资金来源", 5), "bad-fund-source")],
    );
    assert!(
        message.contains(&format!("已在 {}", cell(FUNDS, "资金来源", 4))),
        "{message}"
    );

    let mut book = reference_book();
    let col = contract::sheet_named(FUNDS).position("资金来源");
    book.worksheet_from_name(FUNDS)
        .unwrap()
        .write_string(1, col, "自筹")
        .unwrap();
    let info = book.worksheet_from_name("基本信息").unwrap();
    // Rows: 部门名称, 年度, 编制单位, 审核单位, 部门编码, (文档标题, 金额单位: left out when
    // default, their rows empty), 文档类型.
    info.write_string(8, 1, "年终总结").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("自评.xlsx");
    book.save(&path).unwrap();
    let (lines, diagnostics) = findings(&path);
    assert!(
        lines.contains(&error("基本信息!B9".into(), "bad-document-kind")),
        "{diagnostics:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("bad-fund-source")),
        "read as a goals workbook, its 项目资金执行 is not read: {lines:#?}"
    );
}

#[test]
fn a_self_evaluation_without_its_funds_sheet_names_what_is_missing() {
    let mut book = reference_book();
    book.worksheet_from_name(FUNDS)
        .unwrap()
        .set_name("项目资金执行情况")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("自评.xlsx");
    book.save(&path).unwrap();
    let (lines, diagnostics) = findings(&path);
    assert_eq!(lines, ["-! 错误 missing-sheet"], "{diagnostics:#?}");
    assert!(diagnostics[0].message.contains("“项目资金执行”"));
    assert!(
        diagnostics[0]
            .message
            .contains("“项目资金执行情况”是否应改名")
    );
}

#[test]
fn check_names_the_cell_of_a_defect_in_a_folder() {
    let (_dir, input) = folder();
    let (d, mut e) = both();
    write(&input, &d, &e);
    let out = common::jixiao(&["check", input.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");

    e.projects[0].indicators[3].deviation = String::new();
    write(&input, &d, &e);
    let out = common::jixiao(&["check", input.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let at = cell(INDICATORS, "偏差原因分析及改进措施", 5);
    assert!(
        stderr.contains(&format!("自评.xlsx › {at}: 错误:")),
        "{stderr}"
    );
    assert!(stderr.contains("[deviation-reason]"), "{stderr}");
}

/// The goals text and the self-evaluation of one department and year, side by side in one
/// input folder: both checked without a clash, both built, both unchanged on the next run.
#[test]
fn goals_and_self_evaluation_build_side_by_side() {
    let (dir, input) = folder();
    let (d, e) = both();
    write(&input, &d, &e);
    let goals = jixiao::reference::department();
    jixiao::xlsx::department::write_department(&goals, &input.join("目标.xlsx")).unwrap();
    let out = common::jixiao(&["check", input.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");

    let output = dir.path().join("output");
    let out = common::build(&input, &output, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let evaluation_pdf = output.join("唐山高新区行政服务中心2021年度预算绩效自评报告.pdf");
    assert!(
        output
            .join("唐山高新区行政服务中心2021年部门预算绩效文本.pdf")
            .is_file()
    );
    let text = common::compact(&common::pdf_text(&evaluation_pdf));
    for expected in [
        "唐山高新区行政服务中心2021年度预算绩效自评报告",
        "一、总体绩效目标完成情况",
        "二、项目自评结果",
        // 项目自评结果: each project's money, rate, total and grade; the 合计 row.
        "1委托评估费8076.896.00%99.22优",
        "2物业费及中央空调使用费54.554.5100.00%99.00优",
        "合计134.5131.397.62%",
        "1.委托评估费绩效自评表",
        // 项目资金: 年度资金总额 with the 执行率's 10 points, then the source.
        "年度资金总额808076.81096.00%9.60",
        "其中：当年财政拨款808076.8—96.00%—",
        // A computed score and a shortfall explained; the 总分 row.
        "项目评估按时办结率≥95%93%109.79",
        "总分10099.22自评等级：优",
        "续表：1.委托评估费绩效自评表",
        // A score written by hand is kept.
        "较满意109.00",
    ] {
        assert!(text.contains(expected), "missing {expected}: {text}");
    }

    let out = common::build(&input, &output, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("生成 0 个，未变 2 个"), "{stderr}");

    // A volume holds one kind: the goals texts at the path asked for, the self-evaluations in
    // a second volume beside it, each department printed as in its own PDF.
    let volume = dir.path().join("汇编.pdf");
    let evaluations_volume = dir.path().join("汇编（绩效自评）.pdf");
    let out = common::build(&input, &output, &["--volume", volume.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let text = common::compact(&common::pdf_text(&volume));
    assert!(text.contains("1.委托评估费绩效目标表"), "{text}");
    assert!(!text.contains("绩效自评表"), "{text}");
    assert!(stderr.contains("已写出汇编：1 个部门"), "{stderr}");
    assert!(
        stderr.contains("已写出绩效自评报告汇编：1 个部门，共 7 页"),
        "{stderr}"
    );
    let own = common::compact(&common::pdf_text(&evaluation_pdf));
    let text = common::compact(&common::pdf_text(&evaluations_volume));
    assert!(
        text.starts_with("2021年度部门预算绩效自评报告汇编"),
        "{text}"
    );
    assert!(!text.contains("绩效目标表"), "{text}");
    // The department's pages are its own PDF's, renumbered: the same text from 第一部分 on, but
    // for the page numbers.
    let body = |text: &str| -> String {
        let start = text.find("第一部分").unwrap();
        text[start..]
            .chars()
            .filter(|c| !matches!(c, '—' | '0'..='9'))
            .collect()
    };
    assert_eq!(body(&text), body(&own));
    let info = std::process::Command::new("pdfinfo")
        .arg(&evaluations_volume)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("部门决算, 绩效自评, 汇编"), "{info}");
    // Each department's data is attached, the self-evaluation with it, as in its own PDF.
    let attached = jixiao::publish::extract::departments(&evaluations_volume).unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(
        attached[0].json,
        jixiao::render::data::to_json_with(&d, Some(&e))
    );

    // Self-evaluations alone: their volume is the one asked for.
    std::fs::remove_file(input.join("目标.xlsx")).unwrap();
    std::fs::remove_file(&evaluations_volume).unwrap();
    let out = common::build(&input, &output, &["--volume", volume.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("已写出绩效自评报告汇编：1 个部门，共 7 页"),
        "{stderr}"
    );
    assert!(!evaluations_volume.exists());
    let text = common::compact(&common::pdf_text(&volume));
    assert!(body(&text) == body(&own), "{text}");
}

/// The data attached to a self-evaluation's PDF carries what happened in its year.
#[test]
fn the_self_evaluation_pdf_carries_its_data() {
    let (dir, input) = folder();
    let (d, e) = both();
    write(&input, &d, &e);
    let output = dir.path().join("output");
    assert!(common::build(&input, &output, &[]).status.success());
    let pdf = common::only_pdf(&output);
    let attached = jixiao::publish::extract::departments(&pdf).unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].department, d);
    assert_eq!(
        attached[0].json,
        jixiao::render::data::to_json_with(&d, Some(&e))
    );
    let json: serde_json::Value = serde_json::from_slice(&attached[0].json).unwrap();
    assert_eq!(
        json["evaluation"]["projects"][0]["funds"][0]["amounts"]["executed"],
        "76.8"
    );
}

/// With 部门资金执行 and 部门整体指标, the document has its 部门整体支出绩效自评表: the money by
/// source and by kind of spending, the 总体绩效目标 beside the 总体完成情况, the indicators scored.
#[test]
fn the_department_table_prints_its_funds_goals_and_scores() {
    let (dir, input) = folder();
    let (mut d, mut e) = both();
    let row = |source, budget: i64, executed: i64| FundRow {
        source,
        amounts: jixiao::evaluation::Amounts {
            initial: budget.into(),
            full_year: budget.into(),
            executed: executed.into(),
        },
        reason: String::new(),
    };
    e.department_funds = vec![
        row(FundSource::Total, 300, 297),
        row(FundSource::Appropriation, 300, 297),
        row(FundSource::Basic, 165, 165),
        row(FundSource::Project, 135, 132),
    ];
    d.department_indicators = d.projects[1].indicators.clone();
    e.department_indicators = e.projects[1].indicators.clone();
    write(&input, &d, &e);
    let output = dir.path().join("output");
    let out = common::build(&input, &output, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = common::compact(&common::pdf_text(&common::only_pdf(&output)));
    for expected in [
        "三、部门整体支出绩效自评表",
        "年度资金总额3003002971099.00%9.90",
        "其中：当年财政拨款300300297—99.00%—",
        "其中：基本支出165165165—100.00%—",
        "项目支出135135132—97.78%—",
        // Its indicators are 物业费's: 80 + 9 given, and 9.90 for execution.
        "总分10098.90自评等级：优",
    ] {
        assert!(text.contains(expected), "missing {expected}: {text}");
    }
}

/// `extract` of a self-evaluation's PDF gives back its workbook: the self-evaluation, whole.
#[test]
fn extract_gives_back_the_self_evaluation_workbook() {
    let (dir, input) = folder();
    let (d, e) = both();
    write(&input, &d, &e);
    let output = dir.path().join("output");
    assert!(common::build(&input, &output, &[]).status.success());
    let back = dir.path().join("back.xlsx");
    let pdf = common::only_pdf(&output);
    let out = common::jixiao(&[
        "extract",
        pdf.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let workbook = jixiao::read::read(&back).workbook.unwrap();
    assert_eq!((workbook.department, workbook.evaluation), (d, Some(e)));
}

/// `goal-changed`: a self-evaluation built into the output folder of its year's goals text is
/// compared with what that text printed; a target changed on purpose (调整后指标值) is not named.
#[test]
fn a_goal_changed_since_the_goals_text_is_named_at_its_cell() {
    let (dir, input) = folder();
    let goals = jixiao::reference::department();
    jixiao::xlsx::department::write_department(&goals, &input.join("目标.xlsx")).unwrap();
    let output = dir.path().join("output");
    assert!(common::build(&input, &output, &[]).status.success());

    let (mut d, mut e) = both();
    d.projects[0].indicators[0].value = IndicatorValue::parse("≥22次");
    d.projects[0].indicators[3].value = IndicatorValue::parse("≥90%");
    e.projects[0].indicators[3].adjusted_target = Some(IndicatorValue::parse("≥90%"));
    write(&input, &d, &e);
    let out = common::build(&input, &output, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let named: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("[goal-changed]"))
        .collect();
    assert_eq!(named.len(), 1, "{stderr}");
    let at = cell(INDICATORS, "指标值", 2);
    assert!(
        named[0].contains(&at) && named[0].contains("≥20次 → ≥22次"),
        "{stderr}"
    );
}

/// A correction of what happened is a change like any other: named at its cell on the terminal
/// and in the self-evaluation's change record.
#[test]
fn a_correction_of_what_happened_is_recorded() {
    let (dir, input) = folder();
    let (d, mut e) = both();
    write(&input, &d, &e);
    let output = dir.path().join("output");
    assert!(common::build(&input, &output, &[]).status.success());
    e.projects[0].indicators[1].actual = IndicatorValue::parse("99%");
    e.projects[0].funds[0].amounts.executed = dec!(77.5);
    write(&input, &d, &e);
    let out = common::build(&input, &output, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let actual = cell(INDICATORS, "实际完成值", 3);
    let executed = cell(FUNDS, "全年执行数", 2);
    assert!(
        stderr.contains(&format!("{actual}（")) && stderr.contains("100% → 99%"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&executed) && stderr.contains("76.8万元 → 77.5万元"),
        "{stderr}"
    );
    let record = std::fs::read_to_string(
        output.join("唐山高新区行政服务中心2021年度预算绩效自评报告.更正记录.md"),
    )
    .unwrap();
    assert!(
        record.contains("100% → 99%") && record.contains(&executed),
        "{record}"
    );
}

/// A character no font has, in what a self-evaluation adds (here a 实际完成情况), is named at its
/// cell like any other: a warning, an error under a PDF standard that refuses it.
#[test]
fn a_character_no_font_has_is_named_in_what_happened_too() {
    let (dir, input) = folder();
    let (d, mut e) = both();
    e.projects[0].achieved[0] = "全年完成委托评估23次\u{E4C6}".into();
    write(&input, &d, &e);
    let at = cell("项目目标", "实际完成情况", 2);
    let out = common::build(&input, &dir.path().join("a"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{at}: 警告:")) && stderr.contains("[missing-glyph]"),
        "{stderr}"
    );
    let out = common::build(&input, &dir.path().join("b"), &["--pdf-standard", "a-3a"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{at}: 错误:")) && stderr.contains("[private-use]"),
        "{stderr}"
    );
}

/// `--summary` of a run with a goals text and its self-evaluation: the goals on 部门 and 项目
/// (the budget counted once), the self-evaluation's 执行率, 总分 and 等级 on sheets of their own.
#[test]
fn the_summary_has_the_self_evaluations_on_sheets_of_their_own() {
    use calamine::{Data, Reader, open_workbook_auto};

    let (dir, input) = folder();
    let (d, e) = both();
    write(&input, &d, &e);
    let goals = jixiao::reference::department();
    jixiao::xlsx::department::write_department(&goals, &input.join("目标.xlsx")).unwrap();
    let output = dir.path().join("output");
    let summary = dir.path().join("汇总.xlsx");
    for _ in 0..2 {
        // Built, then unchanged (taken from the PDFs' data): the same summary.
        let out = common::build(&input, &output, &["--summary", summary.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut book = open_workbook_auto(&summary).unwrap();
        let rows = |book: &mut calamine::Sheets<_>, name: &str| -> Vec<Vec<String>> {
            let range = book.worksheet_range(name).unwrap();
            range
                .rows()
                .map(|r| r.iter().map(Data::to_string).collect())
                .collect()
        };
        let departments = rows(&mut book, "部门");
        assert_eq!(
            departments.len(),
            3,
            "one goals text and 合计: {departments:?}"
        );
        assert_eq!(departments[1][4], "134.5");
        let projects = rows(&mut book, "自评项目");
        assert_eq!(
            projects[1][..7],
            [
                "唐山高新区行政服务中心",
                "委托评估费",
                "80",
                "76.8",
                "96.00%",
                "99.22",
                "优"
            ]
        );
        assert_eq!(projects[2][4..7], ["100.00%", "99", "优"]);
        // Every 得分 of 物业费 but the last (written by hand) was computed.
        let computed = &projects[2][7];
        assert!(
            computed.starts_with("中央空调故障指标、")
                && !computed.contains("工作人员对工作环境满意率"),
            "{computed}"
        );
        let evaluations = rows(&mut book, "自评部门");
        assert_eq!(evaluations[1][4..7], ["134.5", "131.3", "97.62%"]);
    }
}

/// The 得分 the rules computed are named in a note (提示) per table, at the first one's cell:
/// the printed form marks none of them. A note fails nothing.
#[test]
fn the_scores_computed_are_noted() {
    let (dir, _) = folder();
    let (d, e) = both();
    let path = write(dir.path(), &d, &e);
    let checked = jixiao::check::check_path(&path);
    let notes: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == jixiao::contract::RuleId::ScoreComputed)
        .collect();
    assert_eq!(notes.len(), 2, "one per project: {notes:#?}");
    assert!(
        notes
            .iter()
            .all(|n| n.severity == jixiao::diagnostic::Severity::Note)
    );
    assert_eq!(
        notes[0].location.cell.map(|c| c.to_string()).as_deref(),
        Some("N2")
    );
    assert!(
        notes[0]
            .message
            .contains("项目“委托评估费”有 10 项指标的得分未填写"),
        "{}",
        notes[0].message
    );
    assert!(
        notes[0].message.contains("“项目评估按时办结率” 9.79"),
        "{}",
        notes[0].message
    );
    // 物业费's last 得分 was written by hand: 8 of its 9 computed.
    assert!(
        notes[1].message.contains("有 8 项指标"),
        "{}",
        notes[1].message
    );
    assert!(!notes[1].message.contains("工作人员对工作环境满意率"));
    assert!(checked.department.is_some(), "a note fails nothing");
    let out = common::jixiao(&["check", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("项目指标!N2: 提示:") && stderr.contains("[score-computed]"),
        "{stderr}"
    );
}
