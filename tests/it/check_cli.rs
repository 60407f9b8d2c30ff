//! `jixiao check` on the reference workbook with one planted defect exits 1 and names the sheet
//! and the cell; on the clean reference it exits 0.

use crate::common;

use std::path::Path;

use common::jixiao;
use jixiao::reference;
use jixiao::xlsx::department as workbook;
use rust_decimal::Decimal;

fn check(path: &Path) -> (i32, String) {
    let out = jixiao(&["check", path.to_str().unwrap()]);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn clean_reference_passes() {
    let (code, stderr) = check(Path::new("input"));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn wrong_fiscal_funds_is_reported_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dept.xlsx");
    let mut department = reference::department();
    department.projects[0].fiscal_funds = Decimal::from(70);
    workbook::write_department(&department, &path).unwrap();

    let (code, stderr) = check(&path);
    assert_eq!(code, 1, "{stderr}");
    // 项目 columns: 项目编码 A, 项目名称 B, 预算数 C, 财政资金 D; the first project is row 2.
    assert!(stderr.contains("dept.xlsx › 项目!D2: 错误:"), "{stderr}");
    assert!(stderr.contains("[budget-sum]"), "{stderr}");
}

#[test]
fn misspelt_project_name_in_indicators_is_reported_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dept.xlsx");
    let mut book = workbook::to_workbook(&reference::department()).unwrap();
    book.worksheet_from_name("项目指标")
        .unwrap()
        .write_string(1, 0, "委托评估")
        .unwrap();
    book.save(&path).unwrap();

    let (code, stderr) = check(&path);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("dept.xlsx › 项目指标!A2: 错误:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("委托评估费"),
        "the closest name is suggested: {stderr}"
    );
}

#[test]
fn missing_basic_info_sheet_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dept.xlsx");
    let mut book = workbook::to_workbook(&reference::department()).unwrap();
    book.worksheet_from_name("基本信息")
        .unwrap()
        .set_name("其他")
        .unwrap();
    book.save(&path).unwrap();

    let (code, stderr) = check(&path);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("dept.xlsx: 错误:") && stderr.contains("基本信息"),
        "{stderr}"
    );
    assert!(stderr.contains("[missing-sheet]"), "{stderr}");
}

#[test]
fn the_findings_workbook_prints_with_rows_as_tall_as_their_messages() {
    let dir = tempfile::tempdir().unwrap();
    let mut department = reference::department();
    // Two budget-sum errors whose messages quote long project names.
    for (i, p) in department.projects.iter_mut().take(2).enumerate() {
        p.name = format!("{}{i}", "很长的项目名称".repeat(6));
        p.fiscal_funds += Decimal::ONE;
    }
    workbook::write_department(&department, &dir.path().join("dept.xlsx")).unwrap();
    let report = dir.path().join("审核意见.xlsx");
    let out = jixiao(&[
        "check",
        dir.path().to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));

    let sheets = common::xlsx::sheets(&report);
    assert_eq!(sheets.len(), 2);
    for sheet in &sheets {
        common::xlsx::assert_page_setup(sheet);
        assert_eq!(
            sheet.print_titles.as_deref().map(|t| t.replace('\'', "")),
            Some(format!("{}!$1:$1", sheet.name))
        );
        // The messages quoting the long project name take several lines.
        let multi_line = common::xlsx::assert_rows_fit(sheet);
        assert!(multi_line >= 2, "{}: {multi_line}", sheet.name);
        assert_eq!(
            sheet.page_setup["orientation"], "landscape",
            "{}",
            sheet.name
        );
    }
}

/// `jixiao --version` says what a clerk's download is: the version, the target it was built for
/// and the commit (the release artefacts are told apart by it).
#[test]
fn the_version_names_the_target_and_the_commit() {
    let out = jixiao(&["--version"]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    let expected = format!("jixiao {}（", env!("CARGO_PKG_VERSION"));
    assert!(said.starts_with(&expected), "{said}");
    // The target triple, e.g. x86_64-unknown-linux-gnu.
    let target = said
        .split('（')
        .nth(1)
        .and_then(|s| s.split('，').next())
        .unwrap_or("");
    assert!(
        target.starts_with(std::env::consts::ARCH) && target.contains(std::env::consts::OS),
        "{said}"
    );
    let commit = said
        .split("提交 ")
        .nth(1)
        .unwrap_or("")
        .trim_end_matches(['）', '\n']);
    // Built from a git checkout, or with JIXIAO_COMMIT set as CI sets it for its copy.
    assert!(
        commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit()),
        "{said}"
    );
}
