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
    let pdf = compile_to(dir.path(), department);
    let mut out = String::new();
    for (i, page) in page_lines(&pdf).iter().enumerate() {
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
