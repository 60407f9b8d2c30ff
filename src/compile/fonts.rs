//! Fonts (字体), discovered and indexed once per process and shared by every document.

use std::path::PathBuf;

use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

/// Where fonts are looked for.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// Extra directories, searched recursively (`--font-path`).
    pub font_paths: Vec<PathBuf>,
    /// Skip the operating system's fonts (`--ignore-system-fonts`).
    pub ignore_system_fonts: bool,
}

/// Every font this process knows about; fonts load lazily on first use, then stay loaded.
pub struct Fonts {
    store: FontStore,
}

impl Fonts {
    /// Discovers fonts: `--font-path` directories first, then the system's, then typst's
    /// embedded Latin and math faces.
    pub fn discover(options: &FontOptions) -> Self {
        let mut store = FontStore::new();
        for dir in &options.font_paths {
            store.extend(typst_kit::fonts::scan(dir));
        }
        if !options.ignore_system_fonts {
            store.extend(typst_kit::fonts::system());
        }
        store.extend(typst_kit::fonts::embedded());
        Self { store }
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }

    /// The family names known, sorted and deduplicated.
    pub fn families(&self) -> Vec<String> {
        let mut families: Vec<String> = self
            .book()
            .families()
            .map(|(name, _)| name.to_string())
            .collect();
        families.sort();
        families.dedup();
        families
    }

    /// True when some face covers common Chinese characters; without one a document prints
    /// empty boxes.
    pub fn has_chinese(&self) -> bool {
        let book = self.book();
        book.families().any(|(_, mut faces)| {
            faces.any(|i| {
                book.info(i)
                    .is_some_and(|info| info.coverage.contains('中' as u32))
            })
        })
    }
}
