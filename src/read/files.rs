//! Which files are workbooks: the paths named on the command line (or the page's `input/`),
//! folders walked recursively, Excel's lock files and hidden files skipped.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

use crate::contract::RuleId;
use crate::diagnostic::{Diagnostic, Location};

/// The workbook extensions accepted, compared without regard to case.
const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

/// True for a file that is a workbook: a known extension, and not an Excel lock file (`~$…`) or
/// a hidden file.
pub fn is_workbook(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with("~$") || name.starts_with('.') {
        return false;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The workbooks named by `paths`: files as given, folders walked recursively; sorted.
/// A path that does not exist is a finding.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            problems.push(Diagnostic::error(
                path,
                Location::file(),
                RuleId::NotFound,
                "找不到该文件或文件夹",
            ));
            continue;
        }
        for entry in WalkDir::new(path).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() && is_workbook(e.path()) => {
                    files.push(e.into_path())
                }
                Ok(_) => {}
                Err(e) => {
                    let at = e.path().unwrap_or(path).to_path_buf();
                    problems.push(Diagnostic::error(
                        &at,
                        Location::file(),
                        RuleId::Unreadable,
                        format!("无法读取：{e}"),
                    ));
                }
            }
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

/// What identifies a saved version of a file without reading it: its size and time of
/// modification (watch mode and the page look again at a workbook whose stamp changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl Stamp {
    /// The stamp of the file at `path`, when it is there.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}
