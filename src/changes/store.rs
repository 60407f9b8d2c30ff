//! The data each department's last good build printed (上次生成的数据), kept in the output
//! folder's state beside the manifest: `{output}/.jixiao-data.json`.
//!
//! Versioned by [`FORMAT`]: a file that is missing, unreadable or of another format is an empty
//! store (the next build of each department then has nothing to compare with and reports no
//! changes) and is replaced by the current format when the build records. Unlike the manifest
//! it is not a cache of files: `--force` rebuilds but still compares with it, and an entry stays
//! when its PDF is deleted. Runs record under the folder's lock, merging into what is on disk,
//! as the manifest does (see [`crate::state`]).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Node;
use crate::state::{StateDir, StateError};

/// The store's file name inside the output folder (hidden, so never taken for a workbook).
pub const FILE_NAME: &str = ".jixiao-data.json";

/// The format written by this version.
pub const FORMAT: u32 = 1;

/// The last built data of every department built into one output folder.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    pub format: u32,
    /// By [`key`]: 部门名称 and 年度.
    pub departments: BTreeMap<String, Kept>,
}

/// One department as its last good build printed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    /// The PDF's file name.
    pub pdf: String,
    /// When it was built (local time, `2026-11-30 10:15`).
    pub built: String,
    pub data: Node,
}

/// The key of a department: `{部门名称}|{年度}`. A changed title keeps the department's history.
pub fn key(name: &str, year: i32) -> String {
    format!("{name}|{year}")
}

impl Store {
    /// The store in `output`, or an empty one when there is none or it cannot be used.
    pub fn load(output: &Path) -> Self {
        std::fs::read(output.join(FILE_NAME))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Store>(&bytes).ok())
            .filter(|s| s.format == FORMAT)
            .unwrap_or_default()
    }

    /// The last build of department `name` of `year`.
    pub fn get(&self, name: &str, year: i32) -> Option<&Kept> {
        self.departments.get(&key(name, year))
    }

    /// Merges `built` (by [`key`]) into the store on disk in the state's folder, under its lock,
    /// and writes it back atomically.
    pub fn record(state: &StateDir, built: &BTreeMap<String, Kept>) -> Result<(), StateError> {
        state.update(|dir| {
            let mut store = Store::load(dir);
            store.format = FORMAT;
            for (key, kept) in built {
                store.departments.insert(key.clone(), kept.clone());
            }
            let path = dir.join(FILE_NAME);
            let write = || -> std::io::Result<()> {
                let json = serde_json::to_vec(&store).map_err(std::io::Error::other)?;
                crate::output::write_atomic(&path, &json)
            };
            write().map_err(|source| StateError::Write { path, source })
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(pdf: &str) -> Kept {
        Kept {
            pdf: pdf.into(),
            built: "2026-11-30 10:15".into(),
            data: Node::default(),
        }
    }

    #[test]
    fn records_merge_and_foreign_files_are_empty_stores() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        assert!(Store::load(dir.path()).departments.is_empty());
        std::fs::write(dir.path().join(FILE_NAME), br#"{"format":99,"x":1}"#).unwrap();
        assert!(Store::load(dir.path()).departments.is_empty());
        std::fs::write(dir.path().join(FILE_NAME), b"{ half").unwrap();
        assert!(Store::load(dir.path()).departments.is_empty());

        Store::record(&state, &BTreeMap::from([(key("甲", 2021), kept("a.pdf"))])).unwrap();
        Store::record(&state, &BTreeMap::from([(key("乙", 2021), kept("b.pdf"))])).unwrap();
        let store = Store::load(dir.path());
        assert_eq!(store.format, FORMAT);
        assert_eq!(store.get("甲", 2021).unwrap().pdf, "a.pdf");
        assert_eq!(store.get("乙", 2021).unwrap().pdf, "b.pdf");
        assert!(store.get("甲", 2022).is_none());
    }
}
