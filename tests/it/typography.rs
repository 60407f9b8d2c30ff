//! The default template's typography, measured on the PDF: GB/T 9704's type area, 22 lines of
//! 28 characters, page numbers, metadata and outline.

use crate::common;

use std::process::Command;

use common::{compile_to, long_department, page_lines};
use jixiao::reference;

const MM: f64 = 72.0 / 25.4;

#[test]
fn body_pages_have_22_lines_of_28_characters_in_the_type_area() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = compile_to(dir.path(), &reference::department());
    let pages = page_lines(&pdf);
    // The cover is unnumbered; page 3 of the file (numbered 2) is a full page of body text.
    let page = &pages[2];
    let (body, footer): (Vec<_>, Vec<_>) =
        page.iter().partition(|l| l.y_min < 297.0 * MM - 35.0 * MM);
    assert_eq!(body.len(), 22, "lines on a full body page: {body:#?}");
    // The first line starts at the top margin, the lines at the left margin.
    assert!(
        (body[0].y_min - 37.0 * MM).abs() < 3.0,
        "top: {}",
        body[0].y_min
    );
    let left = body.iter().map(|l| l.x_min).fold(f64::MAX, f64::min);
    assert!((left - 28.0 * MM).abs() < 0.5, "left margin: {left}");
    // A full line (no paragraph indent, not a paragraph's last line) holds 28 characters and
    // fills the 156 mm measure.
    let full: Vec<_> = body
        .iter()
        .filter(|l| {
            (l.x_max - (28.0 + 156.0) * MM).abs() < 1.0 && (l.x_min - 28.0 * MM).abs() < 0.5
        })
        .collect();
    assert!(!full.is_empty());
    for line in &full {
        let chars = line.text.chars().count();
        assert!(
            (27..=30).contains(&chars),
            "{chars} characters in {:?}",
            line.text
        );
    }
    assert!(full.iter().any(|l| l.text.chars().count() == 28));
    // Page number: `— 2 —` on an even page sits on the left, one character in.
    assert_eq!(footer.len(), 1);
    assert_eq!(footer[0].text, "—2—");
    assert!(
        (footer[0].x_min - (28.0 * MM + 14.0)).abs() < 3.0,
        "{}",
        footer[0].x_min
    );
}

#[test]
fn cover_has_no_page_number_and_odd_pages_number_on_the_right() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = compile_to(dir.path(), &reference::department());
    let pages = page_lines(&pdf);
    assert!(
        pages[0].iter().all(|l| !l.text.contains('—')),
        "cover: {:?}",
        pages[0]
    );
    let footer = pages[1].last().unwrap();
    assert_eq!(footer.text, "—1—");
    assert!(
        footer.x_max > (28.0 + 156.0) * MM - 20.0,
        "odd page number on the right: {footer:?}"
    );
}

#[test]
fn long_tables_repeat_their_header_and_label_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = compile_to(dir.path(), &long_department());
    let pages = page_lines(&pdf);
    let continued: Vec<_> = pages
        .iter()
        .filter(|p| {
            p.iter()
                .any(|l| l.text.contains("第") && l.text.contains("项"))
        })
        .filter(|p| !p.iter().any(|l| l.text.contains("项目编码")))
        .collect();
    assert!(continued.len() >= 2, "the 40-indicator table spans pages");
    for page in continued {
        let text: String = page.iter().map(|l| l.text.as_str()).collect();
        assert!(
            text.contains("一级指标") && text.contains("指标值确定依据"),
            "header repeated: {text}"
        );
        // Merged cells never break, so every group on the page carries its own label.
        let labelled = page.iter().any(|l| {
            l.text.contains("产出指标")
                || l.text.contains("效益指标")
                || l.text.contains("满意度指标")
        });
        assert!(
            labelled,
            "the rows of a page have their 一级指标 label: {text}"
        );
    }
}

#[test]
fn pdf_metadata_language_and_outline() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = compile_to(dir.path(), &reference::department());
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("Title:           唐山高新区行政服务中心2021年部门预算绩效文本"),
        "{info}"
    );
    assert!(
        info.contains("Author:          唐山高新技术产业开发区行政服务中心"),
        "{info}"
    );
    assert!(
        info.contains("Subject:") && info.contains("Keywords:"),
        "{info}"
    );
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("2021"), "the date comes from 年度: {info}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.windows(12).any(|w| w == b"/Lang(zh-CN)"));

    let xml = Command::new("pdftohtml")
        .args(["-xml", "-stdout", "-i", "-q"])
        .arg(&pdf)
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&xml.stdout);
    let outline = &xml[xml.find("<outline>").expect("an outline")..];
    for entry in [
        "第一部分",
        "一、总体绩效目标",
        "二、分项绩效目标",
        "三、工作保障措施",
        "第二部分",
        "委托评估费绩效目标表",
        "物业费及中央空调使用费绩效目标表",
    ] {
        assert!(outline.contains(entry), "outline lacks {entry}: {outline}");
    }
}

/// A title without a place to break (a long Latin name, say) wraps within the type area of the
/// cover, in a department's text as in a volume: it never leaves the page.
#[test]
fn a_title_without_break_points_stays_on_the_cover() {
    let dir = tempfile::tempdir().unwrap();
    let mut department = jixiao::reference::department();
    department.name = "Tangshan".repeat(12);
    department.title = jixiao::model::Department::default_title(&department.name, department.year);
    let pdf = common::compile_to(dir.path(), &department);
    let cover = &common::page_lines(&pdf)[0];
    // A4: 595 pt wide; the type area begins 28 mm (79.4 pt) in on either side.
    let (left, right) = (79.0, 595.3 - 79.0);
    let title: Vec<&common::TextLine> = cover
        .iter()
        .filter(|l| l.text.chars().any(|c| c.is_ascii_alphabetic()))
        .collect();
    assert!(title.len() >= 3, "the title wraps: {cover:#?}");
    for line in &title {
        assert!(
            line.x_min >= left && line.x_max <= right,
            "a line of the title leaves the type area: {line:?}"
        );
    }
}
