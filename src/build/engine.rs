//! The engine (构建引擎) and how it is made: one [`Config`], one constructor, used by `build`,
//! `watch`, the page and the benchmarks alike. Fonts are found and the typesetter and templates
//! set up once; every batch the engine runs shares them.

use std::path::{Path, PathBuf};

use typst_pdf::PdfStandard;

use super::cancel::Cancel;
use crate::compile::{CompileOptions, FontOptions, Fonts, Typesetter, roles};
use crate::error::{Error, Result};
use crate::output::manifest::Environment;
use crate::render::Renderer;

/// Page images rendered at this many pixels per point (108 dpi: a page readable on screen).
pub const PAGE_SCALE: f32 = 1.5;

/// What becomes of each page of a document built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pages {
    /// Nothing: only the PDF.
    #[default]
    None,
    /// Each page written beside the PDF as `{文档标题}-{页}.png` (`--emit png`).
    Beside,
    /// Each page kept in the document's [`Report`] (the page shows them; nothing is written).
    Kept,
}

/// How an engine builds: everything `build`, `watch`, the page and the benchmarks choose.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The output folder (created when missing).
    pub output: PathBuf,
    /// Templates that replace the embedded defaults file by file (`--templates`).
    pub templates: Option<PathBuf>,
    /// Where fonts are looked for.
    pub fonts: FontOptions,
    /// PDF standards to conform to (`--pdf-standard`).
    pub standards: Vec<PdfStandard>,
    /// Also write the Typst source beside each PDF, with the data it reads (`--emit typ`).
    pub emit_typ: bool,
    pub pages: Pages,
    /// A character no font can draw is an error, not a warning (`--strict`).
    pub strict: bool,
    /// Rebuild every document, even those the manifest says are unchanged (`--force`).
    pub force: bool,
    /// Documents built at once; the number of rayon's threads when `None` (`--jobs`).
    pub jobs: Option<usize>,
    /// How whoever runs the builds stops them.
    pub cancel: Cancel,
}

/// Builds documents: the renderer, the typesetter (fonts loaded once) and what every document of
/// every batch shares.
pub struct Engine {
    pub(super) renderer: Renderer,
    pub(super) typesetter: Typesetter,
    pub(super) config: Config,
    /// The inputs every document shares (templates, tool, fonts, settings), recorded in the
    /// manifest with each document.
    pub(super) environment: Environment,
}

impl Engine {
    /// Finds the fonts (refusing a set without a Chinese face), sets up the templates and the
    /// typesetter, and creates the output folder. A PDF standard Typst refuses is a usage error.
    pub fn new(config: Config) -> Result<Engine> {
        let fonts = Fonts::discover(&config.fonts);
        roles::require_chinese(&fonts)?;
        let renderer = Renderer::new(config.templates.as_deref());
        let typesetter = Typesetter::new(
            fonts,
            CompileOptions {
                root: config.templates.clone(),
                standards: config.standards.clone(),
                png_scale: (config.pages != Pages::None).then_some(PAGE_SCALE),
            },
        )?;
        std::fs::create_dir_all(&config.output)
            .map_err(|e| Error::io("无法创建输出文件夹", &config.output, e))?;
        config.cancel.writes_into(&config.output);
        let environment = Environment::new(
            renderer.fingerprint(),
            typesetter.fonts().fingerprint(),
            &settings(&config),
        );
        Ok(Engine {
            renderer,
            typesetter,
            config,
            environment,
        })
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    pub fn typesetter(&self) -> &Typesetter {
        &self.typesetter
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The output folder.
    pub fn output(&self) -> &Path {
        &self.config.output
    }

    pub fn cancel(&self) -> &Cancel {
        &self.config.cancel
    }

    /// What every document of this engine is made from besides its workbook.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// From now on, rebuild every document (`true`) or only those that changed.
    pub fn set_force(&mut self, force: bool) {
        self.config.force = force;
    }

    /// Documents built at once.
    pub(super) fn threads(&self) -> usize {
        self.config.jobs.unwrap_or_else(rayon::current_num_threads)
    }
}

/// The settings that change the output, as the manifest records them (changing one rebuilds):
/// the PDF standards, page images written beside the PDF, an emitted source, `--strict`.
fn settings(config: &Config) -> Vec<String> {
    let mut settings: Vec<String> = config.standards.iter().map(|s| format!("{s:?}")).collect();
    if config.pages == Pages::Beside {
        settings.push("emit=png".to_string());
    }
    if config.emit_typ {
        settings.push("emit=typ".to_string());
    }
    if config.strict {
        settings.push("strict".to_string());
    }
    settings
}
