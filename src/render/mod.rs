//! Render: the model through minijinja templates into a [`Rendered`] document: one Typst source
//! and the files it reads (the department's data, attached to the PDF; see [`data`]).
//!
//! Templates live in `templates/` and are embedded in the binary as the default; a directory
//! given with `--templates` overrides them file by file. Every value a template prints is
//! escaped by the environment's formatter (see [`escape`]), so workbook text can never act as
//! Typst markup or code; only `|safe` output and the template text itself are markup. The data
//! reaches the PDF as bytes the source reads, never spliced into its text.

pub mod data;
pub mod escape;
pub mod evaluation;
pub mod roles;
pub mod view;

pub use data::VirtualFile;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, Value};

use crate::evaluation::Evaluation;
use crate::model::Department;
use crate::output::manifest::Fingerprint;
use evaluation::EvaluationView;
use roles::Roles;
use view::{Attachment, DocumentView, VolumeView};

/// A rendered document: its Typst source and the files the source reads.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub source: String,
    pub files: Vec<VirtualFile>,
}

/// Whether, and how, a document carries its department's data (see [`data`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attach {
    /// No data: a preview, or a PDF standard that forbids attached files.
    Nothing,
    /// The data, served from memory to the compiler in-process.
    Served,
    /// The data read from `{stem}.json` beside the source: an emitted source (`--emit typ`)
    /// that compiles on its own.
    Beside { stem: String },
}

/// What the volume's cover says (汇编).
#[derive(Debug, Clone)]
pub struct Cover {
    pub title: String,
    /// The bureau that publishes it (编印单位).
    pub publisher: String,
    pub year: i32,
}

/// The attachment `attach` asks for of one document's data (a self-evaluation's with
/// `evaluation`), and the file it reads.
fn attached(
    department: &Department,
    evaluation: Option<&Evaluation>,
    attach: Attach,
) -> (Option<Attachment>, Vec<VirtualFile>) {
    let (attachment, file) = match (attach, evaluation) {
        (Attach::Nothing, _) => return (None, Vec::new()),
        (Attach::Served, None) => data::served(department, 0),
        (Attach::Served, Some(e)) => data::served_evaluation(department, e, 0),
        (Attach::Beside { stem }, _) => data::beside(department, evaluation, &stem),
    };
    (Some(attachment), vec![file])
}

/// What a volume (汇编) collects: goals texts, or self-evaluations — one kind per volume.
#[derive(Debug, Clone, Copy)]
pub enum VolumeContents<'a> {
    /// 部门预算绩效文本汇编: the departments' goals.
    Goals(&'a [&'a Department]),
    /// 绩效自评报告汇编: each department with what happened in its year.
    SelfEvaluations(&'a [(&'a Department, &'a Evaluation)]),
}

/// The name of the main template.
pub const MAIN_TEMPLATE: &str = "document.typ";

/// The name of a self-evaluation's (绩效自评) template.
pub const EVALUATION_TEMPLATE: &str = "evaluation.typ";

/// The name of the combined volume's template.
pub const VOLUME_TEMPLATE: &str = "volume.typ";

/// The default templates, embedded at build time: (name, source).
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("document.typ", include_str!("../../templates/document.typ")),
    (
        "department.typ",
        include_str!("../../templates/department.typ"),
    ),
    ("volume.typ", include_str!("../../templates/volume.typ")),
    (
        "evaluation.typ",
        include_str!("../../templates/evaluation.typ"),
    ),
    (
        "evaluation-report.typ",
        include_str!("../../templates/evaluation-report.typ"),
    ),
    (
        "evaluation-table.typ",
        include_str!("../../templates/evaluation-table.typ"),
    ),
    ("style.typ", include_str!("../../templates/style.typ")),
    (
        "project-table.typ",
        include_str!("../../templates/project-table.typ"),
    ),
    (
        "indicator-table.typ",
        include_str!("../../templates/indicator-table.typ"),
    ),
    (
        "department-table.typ",
        include_str!("../../templates/department-table.typ"),
    ),
    ("fonts.toml", include_str!("../../templates/fonts.toml")),
];

/// The file of font role stacks (see [`roles`]).
pub const FONTS_FILE: &str = "fonts.toml";

/// The escaping mode for Typst templates.
const TYPST: AutoEscape = AutoEscape::Custom(std::borrow::Cow::Borrowed("typst"));

/// A configured template environment; build once, render many departments.
pub struct Renderer {
    env: Environment<'static>,
    /// Where overrides come from, if anywhere.
    dir: Option<PathBuf>,
    /// `fonts.toml`, read and parsed on first use, then shared by every document.
    roles: OnceLock<Result<Roles, crate::Error>>,
}

impl Renderer {
    /// Templates from `dir` where it has them, the embedded defaults otherwise.
    pub fn new(dir: Option<&Path>) -> Self {
        let mut env = Environment::new();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("static syntax config"),
        );
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| TYPST);
        env.set_formatter(typst_formatter);
        env.add_filter("typst_str", |s: &str| {
            Value::from_safe_string(escape::string_literal(s))
        });
        let override_dir = dir.map(Path::to_path_buf);
        env.set_loader(move |name| load_template(override_dir.as_deref(), name));
        Self {
            env,
            dir: dir.map(Path::to_path_buf),
            roles: OnceLock::new(),
        }
    }

    /// The override directory, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// A fingerprint of every template this renderer may use: every embedded template, then
    /// every file of the override folder (recursively, sorted, with its relative path), so that
    /// an override, an image it shows, or a new file all change it (see
    /// [`crate::output::manifest`]).
    pub fn fingerprint(&self) -> String {
        let mut h = Fingerprint::new();
        for (name, source) in DEFAULT_TEMPLATES {
            h.field(name.as_bytes());
            h.field(source.as_bytes());
        }
        if let Some(dir) = &self.dir {
            h.field(b"--templates");
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let Ok(entry) = entry else {
                    h.field(b"<unreadable>");
                    continue;
                };
                if !entry.file_type().is_file() {
                    continue;
                }
                let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                h.field(relative.to_string_lossy().as_bytes());
                match std::fs::read(entry.path()) {
                    Ok(bytes) => h.field(&bytes),
                    Err(_) => h.field(b"<unreadable>"),
                }
            }
        }
        h.finish()
    }

    /// The font roles: `fonts.toml` from the override directory or the embedded default.
    pub fn font_roles(&self) -> Result<&Roles, crate::Error> {
        self.roles
            .get_or_init(|| {
                let source = load_template(self.dir.as_deref(), FONTS_FILE)
                    .map_err(|e| crate::Error::failed(e.to_string()))?
                    .ok_or_else(|| crate::Error::failed(format!("找不到 {FONTS_FILE}")))?;
                roles::parse(&source)
            })
            .as_ref()
            .map_err(crate::Error::clone)
    }

    fn roles(&self) -> Result<&Roles, Error> {
        self.font_roles()
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
    }

    /// The Typst source of a department's document, without its data.
    pub fn render(&self, department: &Department) -> crate::Result<String> {
        Ok(self.document(department, Attach::Nothing)?.source)
    }

    /// A department's document, carrying its data as `attach` says.
    pub fn document(&self, department: &Department, attach: Attach) -> crate::Result<Rendered> {
        let (attachment, files) = attached(department, None, attach);
        let view = DocumentView::new(department).with_attachment(attachment);
        let source = self.source(MAIN_TEMPLATE, "doc", Value::from(Serde(&view)), false)?;
        Ok(Rendered { source, files })
    }

    /// A department's self-evaluation (绩效自评报告), carrying its data as `attach` says.
    pub fn self_evaluation(
        &self,
        department: &Department,
        evaluation: &Evaluation,
        attach: Attach,
    ) -> crate::Result<Rendered> {
        let (attachment, files) = attached(department, Some(evaluation), attach);
        let view = EvaluationView::new(department, evaluation).with_attachment(attachment);
        let view = Value::from(Serde(&view));
        let source = self.source(EVALUATION_TEMPLATE, "doc", view, false)?;
        Ok(Rendered { source, files })
    }

    /// The combined volume (汇编) of `contents`, in the order given, each department carrying
    /// its data (served) when `attach`.
    pub fn volume(
        &self,
        cover: &Cover,
        contents: VolumeContents<'_>,
        attach: bool,
    ) -> crate::Result<Rendered> {
        let mut files = Vec::new();
        let mut attached = |(attachment, file): (Attachment, VirtualFile)| {
            files.push(file);
            attachment
        };
        fn view<D>(cover: &Cover, self_evaluation: bool, documents: Vec<D>) -> VolumeView<D> {
            VolumeView {
                title: cover.title.clone(),
                publisher: cover.publisher.clone(),
                year: cover.year,
                self_evaluation,
                documents,
            }
        }
        let view = match contents {
            VolumeContents::Goals(departments) => {
                let documents = departments
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let attachment = attach.then(|| attached(data::served(d, i)));
                        DocumentView::new(d).with_attachment(attachment)
                    })
                    .collect();
                Value::from(Serde(&view(cover, false, documents)))
            }
            VolumeContents::SelfEvaluations(evaluations) => {
                let documents = evaluations
                    .iter()
                    .enumerate()
                    .map(|(i, (d, e))| {
                        let attachment = attach.then(|| attached(data::served_evaluation(d, e, i)));
                        EvaluationView::new(d, e).with_attachment(attachment)
                    })
                    .collect();
                Value::from(Serde(&view(cover, true, documents)))
            }
        };
        let source = self.source(VOLUME_TEMPLATE, "volume", view, true)?;
        Ok(Rendered { source, files })
    }

    /// Renders `template` with `view` under the name `name` (`doc` or `volume`), whether it is
    /// the volume, and the font roles.
    fn source(
        &self,
        template: &str,
        name: &str,
        view: Value,
        in_volume: bool,
    ) -> crate::Result<String> {
        self.env
            .get_template(template)
            .and_then(|template| {
                let fonts = Value::from(Serde(self.roles()?));
                template.render(Value::from(std::collections::BTreeMap::from([
                    (name, view),
                    ("in_volume", Value::from(in_volume)),
                    ("fonts", fonts),
                ])))
            })
            .map_err(template_error)
    }
}

/// A template that cannot be rendered, with minijinja's account of where (the template's line).
fn template_error(e: Error) -> crate::Error {
    crate::Error::failed(format!("{e:#}"))
}

/// Loads `name` from the override directory, falling back to the embedded default.
fn load_template(dir: Option<&Path>, name: &str) -> Result<Option<String>, Error> {
    if let Some(dir) = dir {
        // Template names are flat file names; anything else could leave the directory.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Ok(None);
        }
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(source) => return Ok(Some(source)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("无法读取模板 {}", path.display()),
                )
                .with_source(e));
            }
        }
    }
    Ok(DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.to_string()))
}

/// Writes values escaped as Typst markup; `|safe` values as they are.
fn typst_formatter(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), Error> {
    if *state.auto_escape() != TYPST || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    let text = match value.as_str() {
        Some(s) => escape::markup_string(s),
        None => escape::markup_string(&value.to_string()),
    };
    out.write_str(&text).map_err(Error::from)
}

/// Writes the embedded default templates into `dir`, for a user to change and pass back with
/// `--templates`. Existing files are kept unless `overwrite`.
pub fn export_defaults(dir: &Path, overwrite: bool) -> crate::Result<Vec<PathBuf>> {
    let failed = |e: std::io::Error| crate::Error::failed(e.to_string());
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut written = Vec::new();
    for (name, source) in DEFAULT_TEMPLATES {
        let path = dir.join(name);
        if path.exists() && !overwrite {
            return Err(crate::Error::failed(format!(
                "{} 已存在（使用 --force 覆盖）",
                path.display()
            )));
        }
        crate::output::write_atomic(&path, source.as_bytes()).map_err(failed)?;
        written.push(path);
    }
    Ok(written)
}
