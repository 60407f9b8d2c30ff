//! Compile: Typst source → PDF, in-process, with fonts loaded once and shared by every document.

pub mod fonts;
pub mod roles;
pub mod world;

use std::path::PathBuf;
use std::sync::Arc;

use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use fonts::{FontOptions, Fonts};
use world::{DocumentWorld, Shared};

use crate::error::Error;
use crate::render::VirtualFile;

/// How many documents a memoized Typst result survives without being used again.
const CACHE_AGE: usize = 8;

/// How documents are compiled.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Files a template refers to (images, data) may be read from here, and from nowhere else.
    pub root: Option<PathBuf>,
    /// PDF standards to conform to (`--pdf-standard`).
    pub standards: Vec<PdfStandard>,
    /// Also render every page as PNG at this many pixels per point (`--emit png`).
    pub png_scale: Option<f32>,
}

/// What identifies a document in its PDF: a stable identifier and the date it carries.
#[derive(Debug, Clone)]
pub struct DocumentIdentity {
    /// Stable across builds of the same department and year.
    pub ident: String,
    pub year: i32,
}

impl DocumentIdentity {
    /// The identity of `department`'s goals text, or of its self-evaluation: never each
    /// other's.
    pub fn of(department: &crate::model::Department, self_evaluation: bool) -> Self {
        let mut identity = Self::department(&department.name, department.year);
        if self_evaluation {
            identity.ident.push_str("|绩效自评");
        }
        identity
    }

    /// The identity of department `name`'s document of `year`: the same in every build, and
    /// never another department's.
    pub fn department(name: &str, year: i32) -> Self {
        Self {
            ident: format!("{name}|{year}"),
            year,
        }
    }
}

/// A compiled document.
pub struct Compiled {
    pub pdf: Vec<u8>,
    /// The number of pages.
    pub pages: usize,
    /// One PNG per page, when [`CompileOptions::png_scale`] is set.
    pub pngs: Vec<Vec<u8>>,
    /// The text of each page (its text runs in order, without spaces between them), when pages
    /// are rendered: what tells which pages a correction changed.
    pub texts: Vec<String>,
    /// Typst's warnings, except the expected ones about font families missing from a stack.
    pub warnings: Vec<String>,
}

/// Compiles documents; create one per process and share it (it is `Sync`).
pub struct Typesetter {
    shared: Arc<Shared>,
    options: CompileOptions,
    standards: PdfStandards,
}

/// Why a document could not be typeset: Typst's errors, one line each (each becomes a
/// `typeset` finding of the workbook whose document it is).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .0.join("；"))]
pub struct TypesetError(pub Vec<String>);

impl Typesetter {
    /// A typesetter with `fonts`; PDF standards that cannot be combined are a usage error.
    pub fn new(fonts: Fonts, options: CompileOptions) -> Result<Self, Error> {
        let standards = PdfStandards::new(&options.standards)
            .map_err(|e| Error::usage(format!("PDF 标准组合无效：{}", e.message())))?;
        Ok(Self {
            shared: Arc::new(Shared::new(fonts)),
            options,
            standards,
        })
    }

    pub fn fonts(&self) -> &Fonts {
        &self.shared.fonts
    }

    /// The PDF standards asked for that refuse text no font can draw (every PDF/A level and
    /// PDF/UA-1), by name (`ua-1`); empty when none does.
    pub fn refusing_missing_glyphs(&self) -> Vec<String> {
        self.standards_named(|s| {
            !matches!(
                s,
                PdfStandard::V_1_4
                    | PdfStandard::V_1_5
                    | PdfStandard::V_1_6
                    | PdfStandard::V_1_7
                    | PdfStandard::V_2_0
            )
        })
    }

    /// The PDF standards asked for that refuse private-use characters (造字, U+E000–U+F8FF and
    /// the private planes) in the text: PDF/A-2a, PDF/A-3a and PDF/A-4 (as Typst checks them).
    pub fn refusing_private_use(&self) -> Vec<String> {
        self.standards_named(|s| {
            matches!(
                s,
                PdfStandard::A_2a
                    | PdfStandard::A_3a
                    | PdfStandard::A_4
                    | PdfStandard::A_4f
                    | PdfStandard::A_4e
            )
        })
    }

    /// The names (`a-3a`) of the standards asked for that `which` picks.
    fn standards_named(&self, which: impl Fn(&PdfStandard) -> bool) -> Vec<String> {
        self.options
            .standards
            .iter()
            .filter(|s| which(s))
            .filter_map(|s| serde_json::to_value(s).ok())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// True when the PDF standards asked for allow attached files: PDF/A-1, PDF/A-2 and plain
    /// PDF/A-4 refuse them; PDF/A-3, PDF/A-4f/4e and plain PDF allow them.
    pub fn allows_attachments(&self) -> bool {
        self.options.standards.iter().all(|s| {
            !matches!(
                s,
                PdfStandard::A_1b
                    | PdfStandard::A_1a
                    | PdfStandard::A_2b
                    | PdfStandard::A_2u
                    | PdfStandard::A_2a
                    | PdfStandard::A_4
            )
        })
    }

    /// Compiles `source` to PDF bytes, with `files` readable by it; on failure returns Typst's
    /// errors as text.
    pub fn compile(
        &self,
        source: String,
        identity: &DocumentIdentity,
        files: &[VirtualFile],
    ) -> Result<Compiled, TypesetError> {
        self.compile_observed(source, identity, files, &())
    }

    /// As [`Typesetter::compile`]; when pages are rendered, `early` picks one page from the
    /// pages' texts as soon as the document is laid out, and is given its PNG before the PDF is
    /// made and the other pages are rendered (the local page shows the page a correction
    /// changed while the rest is still being done).
    pub fn compile_observed(
        &self,
        source: String,
        identity: &DocumentIdentity,
        files: &[VirtualFile],
        early: &dyn EarlyPage,
    ) -> Result<Compiled, TypesetError> {
        let date = Datetime::from_ymd(identity.year, 1, 1).ok_or_else(|| {
            TypesetError(vec![format!("年度 {} 无法作为文档日期", identity.year)])
        })?;
        let world = DocumentWorld::new(
            self.shared.clone(),
            source,
            self.options.root.as_deref(),
            date,
            files,
        )
        .map_err(|e| TypesetError(vec![e]))?;
        let warned = typst::compile::<PagedDocument>(&world);
        let result = warned
            .output
            .map_err(|errors| describe(&world, &errors))
            .and_then(|document| {
                let options = PdfOptions {
                    ident: Smart::Custom(identity.ident.clone()),
                    creator: Smart::Custom(Some(format!("jixiao {}", env!("CARGO_PKG_VERSION")))),
                    timestamp: Some(Timestamp::new_utc(date)),
                    standards: self.standards.clone(),
                    ..PdfOptions::default()
                };
                let render = self.options.png_scale.map(png_options);
                let pages = document.pages();
                let texts: Vec<String> = match render {
                    Some(_) => pages.iter().map(|p| page_text(&p.frame)).collect(),
                    None => Vec::new(),
                };
                let mut pngs: Vec<Option<Vec<u8>>> = vec![None; pages.len()];
                if let Some(render) = &render
                    && !pages.is_empty()
                {
                    let first = early.choose(&texts).min(pages.len() - 1);
                    let png = render_png(&pages[first], render)?;
                    early.ready(first, &png);
                    pngs[first] = Some(png);
                }
                let pdf = typst_pdf::pdf(&document, &options)
                    .map_err(|errors| describe(&world, &errors))?;
                let mut rendered = Vec::new();
                if let Some(render) = &render {
                    for (page, png) in pages.iter().zip(pngs) {
                        rendered.push(match png {
                            Some(png) => png,
                            None => render_png(page, render)?,
                        });
                    }
                }
                Ok((pdf, rendered, texts, pages.len()))
            });
        let warnings = warned
            .warnings
            .iter()
            .filter(|w| !w.message.starts_with("unknown font family"))
            .collect::<Vec<_>>();
        let warnings = describe_refs(&world, &warnings);
        // Memoized results are never freed otherwise; a batch would grow without bound. Results
        // used by one of the last few documents stay: the next department reuses most of them
        // (styles, shaped headings, table headers), which saves about a quarter of its time.
        typst::comemo::evict(CACHE_AGE);
        result
            .map_err(TypesetError)
            .map(|(pdf, pngs, texts, pages)| Compiled {
                pdf,
                pages,
                pngs,
                texts,
                warnings,
            })
    }
}

/// Told about a document's pages as soon as it is laid out (when pages are rendered).
pub trait EarlyPage {
    /// Which page (0-based) to render first, from every page's text.
    fn choose(&self, _texts: &[String]) -> usize {
        0
    }
    /// That page's PNG, before the PDF is made and the other pages are rendered.
    fn ready(&self, _page: usize, _png: &[u8]) {}
}

/// The first page first, and nobody told.
impl EarlyPage for () {}

/// A page's text: its text runs in reading order, concatenated.
fn page_text(frame: &typst::layout::Frame) -> String {
    fn walk(frame: &typst::layout::Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                typst::layout::FrameItem::Group(group) => walk(&group.frame, out),
                typst::layout::FrameItem::Text(text) => out.push_str(&text.text),
                _ => {}
            }
        }
    }
    let mut out = String::new();
    walk(frame, &mut out);
    out
}

fn png_options(scale: f32) -> typst_render::RenderOptions {
    typst_render::RenderOptions {
        pixel_per_pt: f64::from(scale).into(),
        ..Default::default()
    }
}

/// One page as a PNG.
fn render_png(
    page: &typst_layout::Page,
    options: &typst_render::RenderOptions,
) -> Result<Vec<u8>, Vec<String>> {
    typst_render::render(page, options)
        .encode_png()
        .map_err(|e| vec![format!("无法生成页面图片：{e}")])
}

fn describe(world: &DocumentWorld, diagnostics: &[SourceDiagnostic]) -> Vec<String> {
    describe_refs(world, &diagnostics.iter().collect::<Vec<_>>())
}

/// Typst diagnostics as one line each, with the line of the generated source they point at.
fn describe_refs(world: &DocumentWorld, diagnostics: &[&SourceDiagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let kind = match d.severity {
                Severity::Error => "排版错误",
                Severity::Warning => "排版警告",
            };
            if let Some(text) = private_codepoint(&d.message) {
                let codes: Vec<String> = text
                    .chars()
                    .map(|c| format!("“{c}”(U+{:04X})", c as u32))
                    .collect();
                return format!(
                    "{kind}：字符 {} 是私用区字符（造字），所选的 PDF 标准不允许，不生成 PDF；请在工作簿中改用标准汉字，或改选其他标准",
                    codes.join("、")
                );
            }
            if let Some(text) = undrawable(&d.message) {
                // What the workbook's check says for a character no font has (it is caught there
                // first; this is for one a face claims but cannot draw): in the clerk's terms.
                let codes: Vec<String> = text
                    .chars()
                    .map(|c| format!("“{c}”(U+{:04X})", c as u32))
                    .collect();
                return format!(
                    "{kind}：字符 {} 无法用已加载的字体显示，所选的 PDF 标准不允许，不生成 PDF；请在工作簿中改用常用字，或安装包含该字的字体（--font-path）",
                    codes.join("、")
                );
            }
            let line = world
                .range(d.span)
                .and_then(|r| world.main_source().lines().byte_to_line(r.start))
                .map(|l| format!("（生成的 Typst 源第 {} 行）", l + 1))
                .unwrap_or_default();
            let hints: String = d.hints.iter().map(|h| format!("；提示：{}", h.v)).collect();
            format!("{kind}：{}{line}{hints}", d.message)
        })
        .collect()
}

/// The character of Typst's "the PDF contains the codepoint "…"" (a PDF/A level refuses a
/// private-use character).
fn private_codepoint(message: &str) -> Option<String> {
    let rest = message.split_once("contains the codepoint `")?.1;
    rust_string(rest.split_once('`')?.0)
}

/// A string as Rust's `Debug` writes it (`"a\u{e001}"`), read back.
fn rust_string(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'n' => out.push('\n'),
            't' => out.push('\t'),
            other => out.push(other),
        }
    }
    Some(out)
}

/// The text of Typst's "the text "…" could not be displayed with font …" (a PDF standard refuses
/// a glyph the font lacks).
fn undrawable(message: &str) -> Option<String> {
    let rest = message.split_once("the text `")?.1;
    let (quoted, after) = rest.split_once('`')?;
    after.contains("could not be displayed").then_some(())?;
    rust_string(quoted)
}

/// Parses a `--pdf-standard` value (`a-2b`, `ua-1`, `1.7`, …).
pub fn parse_standard(name: &str) -> Result<PdfStandard, Error> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).map_err(|_| {
        Error::usage(format!(
            "未知的 PDF 标准：{name}（可用：1.4–2.0、a-1b、a-2b、a-2u、a-3b、a-3u、a-4、ua-1 等）"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_refusals_of_a_character_are_read_back() {
        assert_eq!(
            undrawable(
                "PDF/UA-1 error: the text `\"𪛖\"` could not be displayed with font `\"Noto Serif CJK SC\"`"
            )
            .as_deref(),
            Some("𪛖")
        );
        assert_eq!(
            private_codepoint("PDF/A-3a error: the PDF contains the codepoint `\"\\u{e001}\"`")
                .as_deref(),
            Some("\u{e001}")
        );
        assert_eq!(undrawable("heading levels must be consecutive"), None);
    }
}
