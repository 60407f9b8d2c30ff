//! How a server is set up, and the names and limits every part of it shares.

use std::path::{Path, PathBuf};

use crate::compile::FontOptions;
use crate::error::{Error, Result};

/// The first port tried when none is given; the next [`PORT_TRIES`]` - 1` ports follow.
pub const DEFAULT_PORT: u16 = 8765;
/// How many ports from [`DEFAULT_PORT`] are tried.
pub const PORT_TRIES: u16 = 10;

/// The folder, under the working folder, where a replaced workbook is kept
/// (`backup/{时间}-{文件名}`). Outside `input/`, so no build ever reads it.
pub const BACKUP_DIR: &str = "backup";

/// What 全部生成 writes into `output/` besides the PDFs and the volumes (see `volumes`): the
/// summary workbook (as `jixiao build --summary` does).
pub const SUMMARY_FILE: &str = "部门预算绩效汇总表.xlsx";

/// Upload limits, checked while the request streams in.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of one workbook (the reader refuses larger files anyway).
    pub file_bytes: u64,
    /// Bytes of one upload request, all files together.
    pub total_bytes: u64,
    /// Workbooks in one upload request.
    pub files: usize,
    /// How long a replacement question waits for its answer; then the upload (its temporary
    /// file) is dropped.
    pub question_for: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_bytes: 50 << 20,
            total_bytes: 200 << 20,
            files: 100,
            question_for: std::time::Duration::from_secs(30 * 60),
        }
    }
}

/// How a server is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The working folder: `input/`, `output/` and `backup/` are in it.
    pub dir: PathBuf,
    /// The port bound; requests must name it in `Host`.
    pub port: u16,
    /// The per-run secret in the address the tool opens.
    pub token: String,
    pub limits: Limits,
    pub fonts: FontOptions,
    /// Also told where the opening page is (`/api/hello`), so that a second `jixiao serve` on
    /// the same folder opens this server instead of starting another.
    pub opener: Option<PathBuf>,
}

/// A random per-run token: 128 bits as hex.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::failed(format!("无法生成随机令牌：{e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A hash of the working folder's canonical path: tells whether a server on a port serves this
/// folder, without telling the folder.
pub fn folder_id(dir: &Path) -> String {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    crate::output::manifest::bytes_hash(canonical.to_string_lossy().as_bytes())
}
