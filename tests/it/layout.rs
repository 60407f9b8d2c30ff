//! Pins the layout of the reference department and of a department with long text and long
//! tables: every line of every page with its position (points, rounded). A typography change
//! shows up here as a reviewable diff. To accept a change:
//! `INSTA_UPDATE=always cargo test --test it layout::`, then review `tests/it/snapshots/it__layout__*.snap`.

use crate::common;

use common::{compile_to, long_department, page_lines};
use jixiao::model::Department;
use jixiao::reference;

fn layout(department: &Department) -> String {
    let dir = tempfile::tempdir().unwrap();
    lines_of(&compile_to(dir.path(), department))
}

/// Every line of every page of `pdf` with its position.
fn lines_of(pdf: &std::path::Path) -> String {
    let mut out = String::new();
    for (i, page) in page_lines(pdf).iter().enumerate() {
        out.push_str(&format!("== page {}\n", i + 1));
        for line in page {
            out.push_str(&format!(
                "{:>4.0} {:>4.0}-{:<4.0} {}\n",
                line.y_min, line.x_min, line.x_max, line.text
            ));
        }
    }
    out
}

#[test]
fn reference_layout() {
    insta::assert_snapshot!("reference", layout(&reference::department()));
}

#[test]
fn long_department_layout() {
    insta::assert_snapshot!("long", layout(&long_department()));
}

/// The second reference department, with every optional part of contract v2.
#[test]
fn full_department_layout() {
    insta::assert_snapshot!("full", layout(&reference::full::department()));
}

/// The reference department's made-up 2021 self-evaluation (绩效自评报告), built by the real
/// binary from its workbook.
#[test]
fn self_evaluation_layout() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let department = reference::self_evaluation_department();
    let evaluation = reference::evaluation::evaluation();
    jixiao::xlsx::department::write_evaluation(&department, &evaluation, &input.join("自评.xlsx"))
        .unwrap();
    let output = dir.path().join("output");
    let out = common::build(&input, &output, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("self_evaluation", lines_of(&common::only_pdf(&output)));
}
