//! Fonts (字体), discovered and indexed once per process and shared by every document.

use std::any::Any;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{PoisonError, RwLock};

use typst::text::{Font, FontBook, FontInfo, FontWeight};
use typst::utils::LazyHash;
use typst_kit::fonts::{FontPath, FontStore};

use crate::output::manifest::Fingerprint;

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
    /// Characters asked about by [`Fonts::covers`], with the answer.
    coverage: RwLock<HashMap<char, bool>>,
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
        Self {
            store,
            coverage: RwLock::default(),
        }
    }

    /// Exactly the faces given, as if a machine had only these (for tests).
    #[cfg(test)]
    pub(crate) fn from_faces(faces: impl IntoIterator<Item = (FontPath, FontInfo)>) -> Self {
        let mut store = FontStore::new();
        store.extend(faces);
        Self {
            store,
            coverage: RwLock::default(),
        }
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    /// A fingerprint of the font set: every face's description (family, variant, flags,
    /// coverage), in an order that does not depend on how the system listed its fonts (see
    /// [`crate::output::manifest`]).
    pub fn fingerprint(&self) -> String {
        let book = self.book();
        let mut faces: Vec<[u8; 32]> = (0..)
            .map_while(|i| book.info(i))
            .map(|info| {
                let mut h = StdHasher(blake3::Hasher::new());
                info.hash(&mut h);
                *h.0.finalize().as_bytes()
            })
            .collect();
        faces.sort_unstable();
        let mut h = Fingerprint::new();
        for face in &faces {
            h.raw(face);
        }
        h.finish()
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

    /// The face of `family` that covers Chinese, nearest to `weight` (400 regular, 700 bold), with
    /// its file (`None` for an embedded face).
    pub fn chinese_face(&self, family: &str, weight: u16) -> Option<(FontInfo, Option<PathBuf>)> {
        let book = self.book();
        let mut faces: Vec<(usize, &FontInfo)> = book
            .families()
            .filter(|(name, _)| name.eq_ignore_ascii_case(family))
            .flat_map(|(_, faces)| faces)
            .filter_map(|i| book.info(i).map(|info| (i, info)))
            .filter(|(_, info)| info.coverage.contains('中' as u32))
            .collect();
        faces.sort_by_key(|(_, info)| {
            info.variant
                .weight
                .distance(FontWeight::from_number(weight))
        });
        let (index, info) = faces.first()?;
        let path = self
            .store
            .source(*index)
            .and_then(|s| (s as &dyn Any).downcast_ref::<FontPath>())
            .map(|p| p.path.clone());
        Some(((*info).clone(), path))
    }

    /// True when `c` can be drawn by some loaded face. Answers are remembered: a batch asks
    /// about the same few thousand characters again and again.
    pub fn covers(&self, c: char) -> bool {
        let known = self
            .coverage
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&c)
            .copied();
        if let Some(known) = known {
            return known;
        }
        let book = self.book();
        let covered = (0..)
            .map_while(|i| book.info(i))
            .any(|info| info.coverage.contains(c as u32));
        self.coverage
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(c, covered);
        covered
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
/// Lets `std::hash::Hash` feed a BLAKE3 hasher.
struct StdHasher(blake3::Hasher);

impl Hasher for StdHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}
