//! The change record (更正记录) kept beside a department's PDF: `{文档标题}.更正记录.md`, one
//! section per build that changed something, newest first, each with its date and time, the
//! workbook it was built from and every change (uncapped, unlike the terminal).
//!
//! Markdown, because it is plain text that any editor opens and that reads well printed or
//! rendered. Written atomically; an older record is kept below the new section.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use super::files::{file_stem, write_atomic};

/// The record's file name for a document title: `{文档标题}.更正记录.md`.
pub fn file_name(title: &str) -> String {
    format!("{}.更正记录.md", file_stem(title))
}

/// Adds a section for one build to the record of `title` in `dir`, one line per change (as it
/// displays), above the older ones, and returns its path.
pub fn prepend(
    dir: &Path,
    title: &str,
    when: &str,
    workbook: &Path,
    changes: &[impl Display],
) -> std::io::Result<PathBuf> {
    let path = dir.join(file_name(title));
    let older = match std::fs::read_to_string(&path) {
        Ok(text) => text.find("\n## ").map(|i| text[i + 1..].to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut text = format!(
        "# {title} 更正记录\n\n每次重新生成时与上次生成的数据相比的改动，最近一次在最前。单元格是改动后工作簿中的位置（删除的内容为原来的位置）。\n\n## {when}（{}，{} 处改动）\n\n",
        workbook.display(),
        changes.len()
    );
    for change in changes {
        text.push_str(&format!("- {change}\n"));
    }
    if let Some(older) = older {
        text.push('\n');
        text.push_str(&older);
    }
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}
