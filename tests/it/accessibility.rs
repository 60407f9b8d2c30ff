//! Accessible PDFs (`--pdf-standard ua-1`, and PDF/A's accessible level `a-2a`): both reference
//! departments, the self-evaluation and their combined volume build, and their structure trees, read back with a PDF
//! reader (hayro-syntax), say what a screen reader needs — the language, the title shown as the
//! window's title, headings in order without a level skipped, every table with its header cells.

use std::path::Path;

use hayro_syntax::Pdf;
use hayro_syntax::object::{Dict, Name, Object, String as PdfString};

use crate::common::{both_references, build};

/// The structure elements of a tagged PDF, in reading order: (depth, type).
fn structure(pdf: &Path) -> (Dict<'static>, Vec<(usize, String)>) {
    fn walk(element: &Dict, depth: usize, out: &mut Vec<(usize, String)>) {
        if let Some(kind) = element.get::<Name>(b"S") {
            out.push((depth, String::from_utf8_lossy(kind.as_ref()).into_owned()));
        }
        match element.get::<Object>(b"K") {
            Some(Object::Dict(kid)) => walk(&kid, depth + 1, out),
            Some(Object::Array(kids)) => {
                for kid in kids.iter::<Object>() {
                    if let Object::Dict(kid) = kid {
                        walk(&kid, depth + 1, out);
                    }
                }
            }
            _ => {}
        }
    }
    // The document is kept for the life of the test run (a few PDFs).
    let document: &'static Pdf =
        Box::leak(Box::new(Pdf::new(std::fs::read(pdf).unwrap()).unwrap()));
    let xref = document.xref();
    let catalog: Dict = xref.get(xref.root_id()).expect("a catalog");
    let root: Dict = catalog
        .get(b"StructTreeRoot")
        .unwrap_or_else(|| panic!("{}: no structure tree", pdf.display()));
    let mut elements = Vec::new();
    walk(&root, 0, &mut elements);
    (catalog, elements)
}

/// Checks what a screen reader needs of `pdf`, which has `tables` tables; with PDF/UA, that its
/// title is the window's title.
fn readable(pdf: &Path, tables: usize, ua: bool) {
    let at = pdf.display();
    let (catalog, elements) = structure(pdf);
    let lang = catalog
        .get::<PdfString>(b"Lang")
        .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
    assert_eq!(
        lang.as_deref(),
        Some("zh-CN"),
        "{at}: the document's language"
    );
    let marked = catalog
        .get::<Dict>(b"MarkInfo")
        .and_then(|m| m.get::<bool>(b"Marked"));
    assert_eq!(marked, Some(true), "{at}: not marked as tagged");
    let title_shown = catalog
        .get::<Dict>(b"ViewerPreferences")
        .and_then(|v| v.get::<bool>(b"DisplayDocTitle"));
    if ua {
        assert_eq!(
            title_shown,
            Some(true),
            "{at}: the title is not the window's title"
        );
    }

    // Headings in order: the first is H1, none skips a level.
    let levels: Vec<u32> = elements
        .iter()
        .filter_map(|(_, kind)| kind.strip_prefix('H')?.parse().ok())
        .collect();
    assert!(levels.len() >= 4, "{at}: headings {levels:?}");
    assert_eq!(levels[0], 1, "{at}: headings {levels:?}");
    for pair in levels.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "{at}: a level skipped in {levels:?}"
        );
    }
    // Every table has a header with header cells.
    let count = |kind: &str| elements.iter().filter(|(_, k)| k == kind).count();
    assert_eq!(count("Table"), tables, "{at}: tables");
    assert!(count("THead") >= tables, "{at}: table headers");
    for (i, (depth, kind)) in elements.iter().enumerate() {
        if kind != "Table" {
            continue;
        }
        let inside: Vec<&str> = elements[i + 1..]
            .iter()
            .take_while(|(d, _)| d > depth)
            .map(|(_, k)| k.as_str())
            .collect();
        assert!(
            inside.contains(&"THead") && inside.contains(&"TH") && inside.contains(&"TD"),
            "{at}: a table without header cells: {inside:?}"
        );
    }
}

#[test]
fn accessible_pdfs_of_both_references_and_their_volume() {
    let dir = tempfile::tempdir().unwrap();
    let input = both_references(dir.path());
    // And the reference department's self-evaluation (a kind of its own, in a volume of its own).
    let evaluation = input.join("自评.xlsx");
    let made = crate::common::jixiao(&[
        "template",
        "--self-eval",
        "--example",
        "-o",
        evaluation.to_str().unwrap(),
    ]);
    assert!(made.status.success());
    // The reference has 2 project tables, the v2 department 2 and its 部门整体支出绩效目标表,
    // the self-evaluation its 项目自评结果 and 2 项目支出绩效自评表.
    let documents = [
        ("唐山高新区行政服务中心2021年部门预算绩效文本.pdf", 2),
        ("唐山市科学技术局2024年部门预算绩效文本.pdf", 3),
        ("唐山高新区行政服务中心2021年度预算绩效自评报告.pdf", 3),
    ];
    // The default (no standard) first: its PDFs carry the same structure, without the claim.
    for standards in [vec![], vec!["ua-1"], vec!["a-2a"], vec!["ua-1", "a-3a"]] {
        let out = dir.path().join(match standards.join("+") {
            s if s.is_empty() => "default".to_string(),
            s => s,
        });
        let ua = standards.contains(&"ua-1");
        // A volume per year (one year's departments each); the second run finds the PDFs
        // unchanged and takes its department from the data inside.
        for (year, tables) in [("2021", 2), ("2024", 3)] {
            let volume = out.join(format!("汇编{year}.pdf"));
            let mut args = vec!["--volume", volume.to_str().unwrap(), "--volume-year", year];
            for standard in &standards {
                args.extend(["--pdf-standard", standard]);
            }
            let built = build(&input, &out, &args);
            let stderr = String::from_utf8_lossy(&built.stderr);
            assert!(built.status.success(), "{standards:?}: {stderr}");
            readable(&volume, tables, ua);
        }
        readable(&out.join("汇编2021（绩效自评）.pdf"), 3, ua);
        for (pdf, tables) in documents {
            readable(&out.join(pdf), tables, ua);
        }
    }
}

/// What a PDF standard refuses in a workbook's text is a finding at its cell, in the clerk's
/// terms, found before typesetting: a character no font has (every PDF/A and PDF/UA) and a
/// private-use character (PDF/A-2a, -3a, -4). Without a standard the same workbook builds.
#[test]
fn content_a_standard_refuses_is_a_finding_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    let mut department = jixiao::reference::department();
    department.overall_goals.push("含有生僻字𪛖的一段。".into());
    department
        .overall_goals
        .push("含有造字\u{E001}的一段。".into());
    jixiao::xlsx::department::write_department(&department, &input.join("a.xlsx")).unwrap();

    let plain = build(&input, &dir.path().join("plain"), &[]);
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );

    for (standard, refused) in [("ua-1", false), ("a-3a", true)] {
        let out = build(
            &input,
            &dir.path().join(standard),
            &["--pdf-standard", standard],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{standard}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "总体绩效目标!A4: 错误: 已加载的字体都无法显示字符 “𪛖”(U+2A6D6)，所选的 PDF 标准（{standard}）不允许无法显示的字符"
            )),
            "{standard}: {stderr}"
        );
        assert_eq!(
            stderr.contains("总体绩效目标!A5: 错误: 字符 “\u{E001}”(U+E001) 是私用区字符（造字）"),
            refused,
            "{standard}: {stderr}"
        );
        assert!(!stderr.contains("Typst 源"), "{standard}: {stderr}");
    }
}
