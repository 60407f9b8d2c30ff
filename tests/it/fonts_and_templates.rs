//! Fonts: the roles resolve to Chinese faces or the build refuses; templates: exported,
//! changed and used again with `--templates`; PDF standards.

use crate::common;

use std::process::Command;

use std::path::Path;

use common::{build, compact, jixiao, only_pdf, pdf_text};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn fonts_lists_every_role_with_a_chinese_face() {
    let out = jixiao(&["fonts"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    for role in [
        "标题（title）",
        "正文（body）",
        "一级标题（heading）",
        "二级标题（subheading）",
        "表格（table）",
        "表头（table-header）",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(role))
            .unwrap_or_else(|| panic!("{role} missing: {text}"));
        assert!(!line.contains("无可用"), "{line}");
        assert!(
            line.contains("CJK SC")
                || line.contains("WenKai")
                || line.contains("FangSong")
                || line.contains("SimHei")
                || line.contains("KaiTi")
                || line.contains("宋"),
            "{line}"
        );
    }
}

#[test]
fn without_chinese_fonts_the_build_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out");
    let empty_fonts = dir.path().join("fonts");
    std::fs::create_dir(&empty_fonts).unwrap();
    let out = build(
        Path::new("input"),
        &output,
        &[
            "--ignore-system-fonts",
            "--font-path",
            empty_fonts.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("没有找到任何中文字体"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("fonts-noto-cjk"),
        "names fonts to install"
    );
    assert!(!output.exists(), "nothing is written");

    let fonts = jixiao(&["fonts", "--ignore-system-fonts"]);
    assert_eq!(fonts.status.code(), Some(1));
}

#[test]
fn exported_templates_can_be_changed_and_used() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    let out = jixiao(&["templates", "export", templates.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in [
        "document.typ",
        "department.typ",
        "volume.typ",
        "style.typ",
        "project-table.typ",
        "fonts.toml",
    ] {
        assert!(templates.join(name).is_file(), "{name} exported");
    }
    // Exporting again refuses to overwrite a user's changes.
    assert_eq!(
        jixiao(&["templates", "export", templates.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );

    // Change a heading and the body font stack.
    let document = templates.join("department.typ");
    let source = std::fs::read_to_string(&document)
        .unwrap()
        .replace("一、总体绩效目标", "一、本部门总体绩效目标");
    std::fs::write(&document, source).unwrap();
    let fonts = templates.join("fonts.toml");
    let source = std::fs::read_to_string(&fonts).unwrap();
    let body = source.find("[body]").unwrap();
    let changed = format!(
        "{}{}",
        &source[..body],
        source[body..].replacen("families = [", "families = [\"Noto Sans CJK SC\", ", 1)
    );
    std::fs::write(&fonts, changed).unwrap();

    let output = dir.path().join("out");
    let out = build(
        Path::new("input"),
        &output,
        &["--templates", templates.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = only_pdf(&output);
    assert!(compact(&pdf_text(&pdf)).contains("一、本部门总体绩效目标"));
    let fonts_used = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts_used = String::from_utf8_lossy(&fonts_used.stdout);
    assert!(
        fonts_used.contains("NotoSansCJK"),
        "the body uses the changed stack: {fonts_used}"
    );
}

#[test]
fn pdf_a_2b_is_produced_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(Path::new("input"), dir.path(), &["--pdf-standard", "a-2b"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(only_pdf(dir.path())).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("pdfaid:part") && text.contains("pdfaid:conformance"),
        "PDF/A identification in the XMP metadata"
    );

    let bad = build(Path::new("input"), dir.path(), &["--pdf-standard", "a-9z"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown standard is a usage error"
    );
}

#[test]
fn a_character_no_font_can_draw_is_named_with_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("dept.xlsx");
    let mut department = jixiao::reference::department();
    // A rare character of CJK extension B (as in some place and person names) that the
    // installed faces lack.
    department.overall_goals[1].push('\u{2A6D6}');
    jixiao::xlsx::department::write_department(&department, &workbook).unwrap();

    let output = dir.path().join("out");
    let out = build(&workbook, &output, &[]);
    assert!(
        out.status.success(),
        "a warning by default: {}",
        stderr(&out)
    );
    let text = stderr(&out);
    assert!(
        text.contains("dept.xlsx › 总体绩效目标!A3: 警告:") && text.contains("U+2A6D6"),
        "{text}"
    );
    assert!(text.contains("[missing-glyph]"), "{text}");
    only_pdf(&output);

    let strict_output = dir.path().join("strict");
    let out = build(&workbook, &strict_output, &["--strict"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error with --strict: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("总体绩效目标!A3: 错误:"),
        "{}",
        stderr(&out)
    );
    // The output folder holds at most the lock file of the run, no document.
    let pdfs = std::fs::read_dir(&strict_output)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(pdfs, 0, "no PDF is written in strict mode");
}

#[test]
fn emit_png_writes_a_page_image_per_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(Path::new("input"), dir.path(), &["--emit", "png"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = only_pdf(dir.path());
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let pages: usize = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    let stem = pdf.file_stem().unwrap().to_str().unwrap().to_string();
    for n in 1..=pages {
        let png = dir.path().join(format!("{stem}-{n}.png"));
        let bytes = std::fs::read(&png).unwrap_or_else(|_| panic!("{} missing", png.display()));
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    }
}
