//! The data each department's last good build printed (上次生成的数据), kept in the output
//! folder's state beside the manifest: one file per department in `{output}/.jixiao-data/`, so
//! that a rebuild after one correction reads and writes one department's data, not the data of
//! every department the folder holds (with one file for all, a correction among 1000 departments
//! cost seconds).
//!
//! Versioned by [`FORMAT`]: a file that is missing, unreadable or of another format is no entry
//! (the department's next build has nothing to compare with and reports no changes) and is
//! replaced when the build records. The single file of format 1 (`.jixiao-data.json`, before
//! this layout) is still read, and is split into the new layout, then removed, the first time a
//! build records. Unlike the manifest the store is not a cache of files: `--force` rebuilds but
//! still compares with it, and an entry stays when its PDF is deleted. Runs record under the
//! folder's lock, as the manifest does (see [`crate::state`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use serde::de::DeserializeOwned;

use super::lock::{StateDir, StateError};

/// The store's folder inside the output folder (hidden, so never searched for workbooks).
pub const DIR_NAME: &str = ".jixiao-data";

/// The single file of format 1, read for what it holds until a build replaces it.
pub const LEGACY_FILE: &str = ".jixiao-data.json";

/// The format written by this version (of each department's file).
pub const FORMAT: u32 = 2;

/// One department as its last good build printed it: `data` is what it printed (the tree of
/// `crate::changes`; the store only keeps it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept<D> {
    /// The PDF's file name.
    pub pdf: String,
    /// When it was built (local time, `2026-11-30 10:15`).
    pub built: String,
    pub data: D,
}

/// A department's file: its format, its key and what was kept.
#[derive(Serialize, Deserialize)]
struct StoredFile<D> {
    format: u32,
    key: String,
    kept: Kept<D>,
}

/// The single file of format 1.
#[derive(Deserialize)]
#[serde(bound = "D: DeserializeOwned")]
struct Legacy<D> {
    format: u32,
    departments: BTreeMap<String, Kept<D>>,
}

impl<D> Default for Legacy<D> {
    fn default() -> Self {
        Legacy {
            format: 0,
            departments: BTreeMap::new(),
        }
    }
}

/// The key of a department: `{部门名称}|{年度}`. A changed title keeps the department's history.
pub fn key(name: &str, year: i32) -> String {
    format!("{name}|{year}")
}

/// The file that keeps department `name` of `year` in output folder `output`.
pub fn path(output: &Path, name: &str, year: i32) -> PathBuf {
    file_of(output, &key(name, year))
}

/// The file of the department with `key` (a hash of it: names may hold any character).
fn file_of(dir: &Path, key: &str) -> PathBuf {
    let hash = blake3::hash(key.as_bytes()).to_hex();
    dir.join(DIR_NAME).join(format!("{}.json", &hash[..32]))
}

fn read_entry<D: DeserializeOwned>(path: &Path, key: &str) -> Option<Kept<D>> {
    let bytes = std::fs::read(path).ok()?;
    let entry: StoredFile<D> = serde_json::from_slice(&bytes).ok()?;
    (entry.format == FORMAT && entry.key == key).then_some(entry.kept)
}

fn read_legacy<D: DeserializeOwned>(dir: &Path) -> Legacy<D> {
    std::fs::read(dir.join(LEGACY_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Legacy<D>>(&bytes).ok())
        .filter(|l| l.format == 1)
        .unwrap_or_default()
}

/// The last built data of the departments built into one output folder, read as asked for.
#[derive(Debug)]
pub struct Store<D> {
    /// The output folder.
    output: PathBuf,
    /// The format-1 file's departments, read when first needed.
    legacy: OnceLock<BTreeMap<String, Kept<D>>>,
}

impl<D: Clone + Serialize + DeserializeOwned> Store<D> {
    /// The store in `output` (nothing is read until a department is asked for).
    pub fn load(output: &Path) -> Self {
        Store {
            output: output.to_path_buf(),
            legacy: OnceLock::new(),
        }
    }

    /// The last build of department `name` of `year`.
    pub fn get(&self, name: &str, year: i32) -> Option<Kept<D>> {
        let output = self.output.as_path();
        let key = key(name, year);
        read_entry(&file_of(output, &key), &key).or_else(|| {
            self.legacy
                .get_or_init(|| read_legacy(output).departments)
                .get(&key)
                .cloned()
        })
    }

    /// Writes `built` (by [`key`]) into the store in the state's folder, under its lock, each
    /// department's file atomically. A format-1 file is first split into the new layout (its
    /// departments not in `built`) and then removed.
    pub fn record(state: &StateDir, built: &BTreeMap<String, Kept<D>>) -> Result<(), StateError> {
        state.update(|dir| {
            let folder = dir.join(DIR_NAME);
            let failed = |source| StateError::Write {
                path: folder.clone(),
                source,
            };
            std::fs::create_dir_all(&folder).map_err(failed)?;
            let write = |key: &str, kept: &Kept<D>| -> Result<(), StateError> {
                let path = file_of(dir, key);
                let entry = StoredFile {
                    format: FORMAT,
                    key: key.to_string(),
                    kept: kept.clone(),
                };
                serde_json::to_vec(&entry)
                    .map_err(std::io::Error::other)
                    .and_then(|json| super::files::write_atomic(&path, &json))
                    .map_err(|source| StateError::Write { path, source })
            };
            let legacy_path = dir.join(LEGACY_FILE);
            if legacy_path.exists() {
                for (key, kept) in read_legacy::<D>(dir).departments {
                    if !built.contains_key(&key) && !file_of(dir, &key).exists() {
                        write(&key, &kept)?;
                    }
                }
                std::fs::remove_file(&legacy_path).map_err(|source| StateError::Write {
                    path: legacy_path.clone(),
                    source,
                })?;
            }
            for (key, kept) in built {
                write(key, kept)?;
            }
            Ok(())
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a test keeps of a department.
    type Data = Vec<String>;

    fn kept(pdf: &str) -> Kept<Data> {
        Kept {
            pdf: pdf.into(),
            built: "2026-11-30 10:15".into(),
            data: vec!["印出的数据".to_string()],
        }
    }

    #[test]
    fn records_add_up_and_foreign_files_are_no_entries() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        let store = Store::<Data>::load(dir.path());
        assert!(store.get("甲", 2021).is_none());

        Store::record(&state, &BTreeMap::from([(key("甲", 2021), kept("a.pdf"))])).unwrap();
        Store::record(&state, &BTreeMap::from([(key("乙", 2021), kept("b.pdf"))])).unwrap();
        let store = Store::<Data>::load(dir.path());
        assert_eq!(store.get("甲", 2021).unwrap().pdf, "a.pdf");
        assert_eq!(store.get("乙", 2021).unwrap().pdf, "b.pdf");
        assert!(store.get("甲", 2022).is_none());
        // One file per department.
        assert_eq!(
            std::fs::read_dir(dir.path().join(DIR_NAME))
                .unwrap()
                .count(),
            2
        );

        // A file of another format, or a broken one, is no entry.
        let path = file_of(dir.path(), &key("甲", 2021));
        std::fs::write(&path, br#"{"format":99,"x":1}"#).unwrap();
        assert!(Store::<Data>::load(dir.path()).get("甲", 2021).is_none());
        std::fs::write(&path, b"{ half").unwrap();
        assert!(Store::<Data>::load(dir.path()).get("甲", 2021).is_none());
        assert_eq!(
            Store::<Data>::load(dir.path()).get("乙", 2021).unwrap().pdf,
            "b.pdf"
        );
    }

    #[test]
    fn the_single_file_of_format_1_is_read_then_split_when_a_build_records() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        let legacy = serde_json::json!({
            "format": 1,
            "departments": {
                key("甲", 2021): kept("a.pdf"),
                key("乙", 2021): kept("old-b.pdf"),
            }
        });
        std::fs::write(dir.path().join(LEGACY_FILE), legacy.to_string()).unwrap();
        assert_eq!(
            Store::<Data>::load(dir.path()).get("甲", 2021).unwrap().pdf,
            "a.pdf"
        );

        Store::record(&state, &BTreeMap::from([(key("乙", 2021), kept("b.pdf"))])).unwrap();
        assert!(!dir.path().join(LEGACY_FILE).exists());
        let store = Store::<Data>::load(dir.path());
        assert_eq!(store.get("甲", 2021).unwrap().pdf, "a.pdf");
        assert_eq!(store.get("乙", 2021).unwrap().pdf, "b.pdf");

        // Another format 1 file of a foreign format is ignored.
        std::fs::write(dir.path().join(LEGACY_FILE), br#"{"format":7}"#).unwrap();
        assert!(Store::<Data>::load(dir.path()).get("丙", 2021).is_none());
    }
}
