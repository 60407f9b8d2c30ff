//! The Typst [`World`] of one document: the generated source served from memory, fonts shared
//! with the whole process, data files served from memory (see [`crate::render::VirtualFile`]), and file access
//! limited to the template directory.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::Fonts;
use crate::render::VirtualFile;

/// Every document is served under this one path: file ids are interned for the life of the
/// process and capped at 65,535, so a long batch must not mint one per document.
static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new("/main.typ").expect("static path"),
    )
    .intern()
});

/// What every document of a process shares: the standard library and the fonts.
pub struct Shared {
    pub library: LazyHash<Library>,
    pub fonts: Fonts,
}

impl Shared {
    pub fn new(fonts: Fonts) -> Self {
        Self {
            library: LazyHash::new(Library::default()),
            fonts,
        }
    }
}

/// One document's world.
pub struct DocumentWorld {
    shared: Arc<Shared>,
    main: Source,
    /// Files referenced by the template (images, data) may come from here and nowhere else.
    root: Option<PathBuf>,
    /// The document's date: what `datetime.today()` gives, so output never depends on the clock.
    today: Datetime,
    /// Served before anything under the root.
    files: Vec<(FileId, Bytes)>,
}

impl DocumentWorld {
    pub fn new(
        shared: Arc<Shared>,
        source: String,
        root: Option<&Path>,
        today: Datetime,
        files: &[VirtualFile],
    ) -> Result<Self, String> {
        let files = files
            .iter()
            .map(|f| {
                let path = VirtualPath::new(&f.path)
                    .map_err(|e| format!("无效的虚拟文件路径 {}：{e:?}", f.path))?;
                let id = RootedPath::new(VirtualRoot::Project, path).intern();
                Ok((id, Bytes::new(f.bytes.clone())))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self {
            shared,
            main: Source::new(*MAIN_ID, source),
            root: root.map(Path::to_path_buf),
            today,
            files,
        })
    }

    /// The virtual file with this id, if it is one.
    fn virtual_file(&self, id: FileId) -> Option<&Bytes> {
        self.files.iter().find(|(i, _)| *i == id).map(|(_, b)| b)
    }

    /// Reads a file under the root, refusing anything that resolves outside it (`..` or a link).
    fn read_under_root(&self, id: FileId) -> FileResult<Vec<u8>> {
        if matches!(id.get().root(), VirtualRoot::Package(_)) {
            return Err(FileError::Package(PackageError::Other(Some(
                "jixiao 不允许在模板中导入包".into(),
            ))));
        }
        let root = self.root.as_deref().ok_or(FileError::AccessDenied)?;
        let root = root
            .canonicalize()
            .map_err(|e| FileError::from_io(e, root))?;
        let path = id
            .get()
            .vpath()
            .realize(&root)
            .map_err(FileError::Realize)?;
        let real = path
            .canonicalize()
            .map_err(|e| FileError::from_io(e, &path))?;
        if !real.starts_with(&root) {
            return Err(FileError::AccessDenied);
        }
        std::fs::read(&real).map_err(|e| FileError::from_io(e, &real))
    }
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = match self.virtual_file(id) {
            Some(bytes) => bytes.to_vec(),
            None => self.read_under_root(id)?,
        };
        let text = String::from_utf8(bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        if let Some(bytes) = self.virtual_file(id) {
            return Ok(bytes.clone());
        }
        self.read_under_root(id).map(Bytes::new)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

impl DocumentWorld {
    /// The generated main source.
    pub fn main_source(&self) -> &Source {
        &self.main
    }
}
