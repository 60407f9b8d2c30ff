//! Render: the model through minijinja templates into one self-contained Typst source.
//!
//! Templates live in `templates/` and are embedded in the binary as the default; a directory
//! given with `--templates` overrides them file by file. Every value a template prints is
//! escaped by the environment's formatter (see [`escape`]), so workbook text can never act as
//! Typst markup or code; only `|safe` output and the template text itself are markup.

pub mod data;
pub mod escape;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, Value};

use crate::compile::roles::{self, Roles};
use crate::model::Department;
use view::{DocumentView, VolumeView};

/// The name of the main template.
pub const MAIN_TEMPLATE: &str = "document.typ";

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

/// The file of font role stacks (see [`crate::compile::roles`]).
pub const FONTS_FILE: &str = "fonts.toml";

/// The escaping mode for Typst templates.
const TYPST: AutoEscape = AutoEscape::Custom(std::borrow::Cow::Borrowed("typst"));

/// A configured template environment; build once, render many departments.
pub struct Renderer {
    env: Environment<'static>,
    /// Where overrides come from, if anywhere.
    dir: Option<PathBuf>,
    /// `fonts.toml`, read and parsed on first use, then shared by every document.
    roles: OnceLock<Result<Roles, String>>,
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

    /// The font roles: `fonts.toml` from the override directory or the embedded default.
    pub fn font_roles(&self) -> Result<&Roles, String> {
        self.roles
            .get_or_init(|| {
                let source = load_template(self.dir.as_deref(), FONTS_FILE)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("找不到 {FONTS_FILE}"))?;
                roles::parse(&source)
            })
            .as_ref()
            .map_err(String::clone)
    }

    fn roles(&self) -> Result<&Roles, Error> {
        self.font_roles()
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
    }

    /// Renders a department into Typst source with this renderer's font roles, without an
    /// attachment.
    pub fn render(&self, department: &Department) -> Result<String, Error> {
        self.render_view(&DocumentView::new(department))
    }

    /// Renders one department's document as viewed (with its attachment, if any).
    pub fn render_view(&self, view: &DocumentView) -> Result<String, Error> {
        let template = self.env.get_template(MAIN_TEMPLATE)?;
        template.render(minijinja::context! {
            doc => Value::from(Serde(view)),
            in_volume => false,
            fonts => Value::from(Serde(self.roles()?)),
        })
    }

    /// Renders the combined volume (汇编) into one Typst source.
    pub fn render_volume(&self, volume: &VolumeView) -> Result<String, Error> {
        let template = self.env.get_template(VOLUME_TEMPLATE)?;
        template.render(minijinja::context! {
            volume => Value::from(Serde(volume)),
            in_volume => true,
            fonts => Value::from(Serde(self.roles()?)),
        })
    }
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
pub fn export_defaults(dir: &Path, overwrite: bool) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, source) in DEFAULT_TEMPLATES {
        let path = dir.join(name);
        if path.exists() && !overwrite {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} 已存在（使用 --force 覆盖）", path.display()),
            ));
        }
        crate::output::write_atomic(&path, source.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
