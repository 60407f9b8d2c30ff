//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod xlsx;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The reference department's published text, the fixture every document test compares against.
pub fn seed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference-2021.txt")
}

/// Runs the real `jixiao` binary.
pub fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run jixiao")
}

/// The text of a PDF in content-stream order (`pdftotext -raw`, so that lines wrapped inside a
/// table cell stay together), as poppler extracts it (installed by `.ci/run`).
pub fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// `s` without any white space, and without the page numbers (`— 3 —`) that a page break puts
/// in the middle of running text.
pub fn compact(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find('—') {
        out.push_str(&rest[..i]);
        let after = &rest[i + '—'.len_utf8()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with('—') {
            rest = &after[digits + '—'.len_utf8()..];
        } else {
            out.push('—');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The one PDF in `dir`.
pub fn only_pdf(dir: &Path) -> PathBuf {
    let pdfs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(
        pdfs.len(),
        1,
        "expected one PDF in {}: {pdfs:?}",
        dir.display()
    );
    pdfs.into_iter().next().unwrap()
}

/// A department with long text and a long table: the reference department plus a project with
/// 40 indicators (in runs longer than a page) and a 500-character 资金用途.
pub fn long_department() -> jixiao::model::Department {
    use jixiao::model::{Indicator, IndicatorValue};
    let mut department = jixiao::reference::department();
    let mut project = department.projects[0].clone();
    project.name = "长表格测试项目".into();
    project.purpose =
        "用于支付项目可研、社稳、项目评估初步设计等审批手续中的委托评估费。".repeat(16);
    project.purpose.truncate(
        project
            .purpose
            .char_indices()
            .nth(500)
            .map_or(project.purpose.len(), |(i, _)| i),
    );
    let kinds = [
        ("产出指标", "数量指标", 14),
        ("产出指标", "质量指标", 8),
        ("效益指标", "社会效益指标", 12),
        ("满意度指标", "服务对象满意度指标", 6),
    ];
    project.indicators = kinds
        .iter()
        .flat_map(|(level1, level2, n)| {
            (1..=*n).map(move |i| Indicator {
                level1: level1.to_string(),
                level2: level2.to_string(),
                level3: format!("{level2}第{i}项"),
                description: format!("{level2}第{i}项的说明，全年按计划完成并接受检查"),
                value: IndicatorValue::parse(">=95%"),
                basis: "往年工作经验".into(),
                period: Default::default(),
                details: Default::default(),
            })
        })
        .collect();
    department.projects.push(project);
    department
        .overall_goals
        .push("组织实施高新区行政服务中心各项党政综合事务和人员管理功能。".repeat(12));
    department
}

/// Renders and compiles `department` with the default templates and the system's fonts; writes
/// the PDF into `dir` and returns its path.
pub fn compile_to(dir: &Path, department: &jixiao::model::Department) -> PathBuf {
    use jixiao::compile::{CompileOptions, DocumentIdentity, FontOptions, Fonts, Typesetter};
    let source = jixiao::render::Renderer::new(None)
        .render(department)
        .expect("render");
    let fonts = Fonts::discover(&FontOptions::default());
    let typesetter = Typesetter::new(fonts, CompileOptions::default()).expect("typesetter");
    let identity = DocumentIdentity {
        ident: format!("{}|{}", department.name, department.year),
        year: department.year,
    };
    let compiled = typesetter
        .compile(source, &identity, &[])
        .unwrap_or_else(|e| panic!("compile failed: {e:?}"));
    let pdf = dir.join(format!("{}.pdf", department.name));
    std::fs::write(&pdf, &compiled.pdf).unwrap();
    pdf
}

/// One typesetter (and font discovery) for every document of these tests.
static TYPESETTER: std::sync::LazyLock<jixiao::compile::Typesetter> =
    std::sync::LazyLock::new(|| {
        use jixiao::compile::{CompileOptions, FontOptions, Fonts, Typesetter};
        Typesetter::new(
            Fonts::discover(&FontOptions::default()),
            CompileOptions::default(),
        )
        .expect("typesetter")
    });

/// Compiles `department` into `dir`; the layout must settle without a warning (Typst warns
/// when its layouts do not converge).
pub fn compile_settled(dir: &Path, department: &jixiao::model::Department) -> PathBuf {
    let source = jixiao::render::Renderer::new(None)
        .render(department)
        .expect("render");
    let identity = jixiao::compile::DocumentIdentity {
        ident: department.name.clone(),
        year: department.year,
    };
    let compiled = TYPESETTER
        .compile(source, &identity, &[])
        .unwrap_or_else(|e| panic!("compile failed: {e:?}"));
    assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings);
    let pdf = dir.join("document.pdf");
    std::fs::write(&pdf, &compiled.pdf).unwrap();
    pdf
}

/// One line of text on a page, with its position in points from the page's top-left corner.
#[derive(Debug, Clone)]
pub struct TextLine {
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub text: String,
}

/// The lines of every page, as `pdftotext -bbox-layout` finds them.
pub fn page_lines(pdf: &Path) -> Vec<Vec<TextLine>> {
    bbox_layout(pdf, false)
}

/// The words of every page (a line of a table cell is a word of its own: cells are further
/// apart than poppler's word gap), as `pdftotext -bbox-layout` finds them.
pub fn page_words(pdf: &Path) -> Vec<Vec<TextLine>> {
    bbox_layout(pdf, true)
}

fn bbox_layout(pdf: &Path, words: bool) -> Vec<Vec<TextLine>> {
    let out = Command::new("pdftotext")
        .args(["-bbox-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (poppler-utils)");
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    let unescape = |text: &str| {
        text.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
    };
    let word_text = |w: &str| -> Option<String> {
        let start = w.find('>')? + 1;
        let end = w.find("</word>")?;
        Some(w[start..end].to_string())
    };
    let unit = if words { "<word " } else { "<line " };
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split(unit)
                .skip(1)
                .map(|item| {
                    let tag = &item[..item.find('>').unwrap()];
                    let text: String = if words {
                        word_text(item).unwrap_or_default()
                    } else {
                        item.split("<word ").skip(1).filter_map(word_text).collect()
                    };
                    TextLine {
                        x_min: attr(tag, "xMin"),
                        y_min: attr(tag, "yMin"),
                        x_max: attr(tag, "xMax"),
                        text: unescape(&text),
                    }
                })
                .collect()
        })
        .collect()
}

/// Runs `jixiao build INPUT -o OUTPUT EXTRA…`.
pub fn build(input: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    jixiao(&args)
}

/// A folder `dir/in` holding both reference departments: the shipped workbook (contract v1) and
/// `jixiao template --example --full` (every optional part of contract v2).
pub fn both_references(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("input/唐山高新区行政服务中心2021.xlsx"),
        input.join("reference.xlsx"),
    )
    .unwrap();
    let full = input.join("full.xlsx");
    let made = jixiao(&[
        "template",
        "--example",
        "--full",
        "-o",
        full.to_str().unwrap(),
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    input
}
