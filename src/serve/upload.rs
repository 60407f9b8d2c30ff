//! Uploaded workbooks into `input/`.
//!
//! - Limits (bytes per file, bytes per request, files per request) are counted while the request
//!   streams in; past one, the request ends with 413 and nothing is kept.
//! - Each file streams into a hidden temporary file in `input/` (`.jixiao-upload-*.tmp`, which no
//!   build reads), is refused unless it starts like a workbook (ZIP: xlsx, xlsm, ods; OLE: xls),
//!   is read and checked, and is then renamed into place: never a half-written workbook.
//! - The stored name is made by the server from the workbook's own 部门名称 and 年度
//!   (`{部门名称}{年度}.xlsx`), never from the uploaded name, which is only shown.
//! - A workbook of a department and year that `input/` already has replaces the old file only
//!   after the page confirms; the old file moves to `backup/{时间}-{文件名}` (never deleted).

use crate::evaluation::identity_name;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Multipart, Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use tempfile::NamedTempFile;

use super::api::{Done, Event, FileResult, Uploaded, failure};
use super::app::{App, Job, Listed, Pending, Phase};
use super::backup;
use super::config::new_token;
use super::findings::Kept;
use crate::build::lock;
use crate::check;
use crate::output::manifest;
use crate::read::Stamp;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const TEMP_PREFIX: &str = ".jixiao-upload-";
const TEMP_SUFFIX: &str = ".tmp";

/// One uploaded file, received and checked.
struct Received {
    temp: NamedTempFile,
    extension: &'static str,
    original: String,
    identity: Option<(String, i32)>,
    findings: Kept,
    hash: String,
}

/// Removes temporaries of uploads that a killed server left in `input/`.
pub fn remove_stale(input: &Path) {
    let Ok(entries) = std::fs::read_dir(input) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn too_large(message: String) -> Response {
    failure(StatusCode::PAYLOAD_TOO_LARGE, message)
}

/// `POST /api/upload` (multipart, field `files`, one or more).
pub async fn upload(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let limits = app.limits().clone();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // The multipart framing adds a little; the files' own bytes are counted below.
    if declared.is_some_and(|n| n > limits.total_bytes + (64 << 10)) {
        return too_large(format!(
            "一次上传的总大小超过 {} MB",
            limits.total_bytes >> 20
        ));
    }
    let received = match receive(&app, multipart).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    let (files, mut results) = received;
    let mut checked = Vec::new();
    for (original, temp, extension) in files {
        let Ok(_permit) = app.checks.acquire().await else {
            return failure(StatusCode::SERVICE_UNAVAILABLE, "服务正在结束");
        };
        let path = temp.path().to_path_buf();
        let shown = original.clone();
        let result = tokio::task::spawn_blocking(move || {
            let bytes = std::fs::read(&path)?;
            let display = Path::new(&shown);
            let c = check::check_reading(display, crate::read::read_bytes(display, &bytes));
            // A department's goals text and its self-evaluation are two documents.
            let name = c
                .department_name
                .map(|n| identity_name(&n, c.self_evaluation));
            let identity = name.zip(c.department_year);
            // Bounded here, on the blocking thread: the full list is dropped at once.
            let findings = Kept::new(c.diagnostics);
            Ok::<_, std::io::Error>((identity, findings, manifest::bytes_hash(&bytes)))
        })
        .await;
        match result {
            Ok(Ok((identity, findings, hash))) => checked.push(Received {
                temp,
                extension,
                original,
                identity,
                findings,
                hash,
            }),
            _ => results.push(FileResult::Refused {
                original,
                message: "无法读取上传的文件".into(),
            }),
        }
    }
    // The full lists of findings were dropped with the checks.
    crate::platform::release_memory();
    let _saving = app.saving.lock().await;
    let stale = app.rescan();
    if !stale.is_empty() {
        app.submit(Job::Check(stale));
    }
    let mut to_build = Vec::new();
    for r in checked {
        let replaces: Vec<PathBuf> = match &r.identity {
            Some(identity) => app
                .entries()
                .values()
                .filter(|e| e.identity.as_ref() == Some(identity))
                .map(|e| e.file.clone())
                .collect(),
            None => Vec::new(),
        };
        // The very workbook `input/` has: nothing to replace, nothing to back up.
        let same = app
            .entries()
            .values()
            .find(|e| replaces.contains(&e.file) && e.hash.as_deref() == Some(r.hash.as_str()))
            .map(|e| e.shown.clone());
        if let Some(file) = same {
            results.push(FileResult::Same {
                original: r.original,
                file,
            });
            continue;
        }
        if let (Some(identity), false) = (r.identity.clone(), replaces.is_empty()) {
            let id = match new_token() {
                Ok(id) => id,
                Err(e) => return failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            };
            let pending = Pending {
                temp: r.temp,
                extension: r.extension,
                original: r.original,
                identity,
                findings: r.findings,
                hash: r.hash,
                replaces,
                asked: Instant::now(),
            };
            results.push(FileResult::Confirm(pending.question(
                &id,
                &app.input,
                limits.question_for,
            )));
            lock(&app.pending).insert(id, pending);
            continue;
        }
        match store(&app, r, &mut to_build) {
            Ok(result) => results.push(result),
            Err(e) => return failure(StatusCode::INTERNAL_SERVER_ERROR, e),
        }
    }
    build_saved(&app, to_build);
    Json(Uploaded { files: results }).into_response()
}

/// Builds the workbooks just saved into `input/` (those without errors) and tells the page.
fn build_saved(app: &App, to_build: Vec<PathBuf>) {
    if !to_build.is_empty() {
        app.submit(Job::Build {
            files: to_build,
            force: false,
            publish: false,
        });
    }
    app.notify(Event::Changed);
}

type Files = Vec<(String, NamedTempFile, &'static str)>;

/// Streams every file of the request into a temporary file, counting the limits; files that do
/// not start like a workbook are refused (in the results) and not kept.
async fn receive(
    app: &App,
    mut multipart: Multipart,
) -> Result<(Files, Vec<FileResult>), Response> {
    let limits = app.limits();
    let mut files = Vec::new();
    let mut results = Vec::new();
    let mut count = 0usize;
    let mut total = 0u64;
    let broken = |e: axum::extract::multipart::MultipartError| {
        failure(StatusCode::BAD_REQUEST, format!("上传未完成：{e}"))
    };
    while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
        let Some(original) = field.file_name().map(display_name) else {
            continue;
        };
        count += 1;
        if count > limits.files {
            return Err(too_large(format!("一次最多上传 {} 个工作簿", limits.files)));
        }
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&app.input)
            .map_err(|e| failure(StatusCode::INTERNAL_SERVER_ERROR, format!("无法保存：{e}")))?;
        let mut head: Vec<u8> = Vec::with_capacity(8);
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            size += chunk.len() as u64;
            total += chunk.len() as u64;
            if size > limits.file_bytes {
                return Err(too_large(format!(
                    "{original}：超过单个文件 {} MB 的上限",
                    limits.file_bytes >> 20
                )));
            }
            if total > limits.total_bytes {
                return Err(too_large(format!(
                    "一次上传的总大小超过 {} MB",
                    limits.total_bytes >> 20
                )));
            }
            if head.len() < 8 {
                let take = (8 - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            temp.write_all(&chunk).map_err(|e| {
                failure(StatusCode::INTERNAL_SERVER_ERROR, format!("无法保存：{e}"))
            })?;
        }
        match extension(&head, &original) {
            Some(extension) => files.push((original, temp, extension)),
            None => results.push(FileResult::Refused {
                original,
                message: "不是 Excel 工作簿（.xlsx、.xlsm、.xls）或 .ods 文件，未保存".into(),
            }),
        }
    }
    Ok((files, results))
}

/// The extension to store a workbook under, from its first bytes (the uploaded name's extension
/// is kept when it agrees with them); `None` for anything that is not a workbook.
fn extension(head: &[u8], original: &str) -> Option<&'static str> {
    let given = Path::new(original)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if head.starts_with(ZIP_MAGIC) {
        Some(match given.as_deref() {
            Some("xlsm") => "xlsm",
            Some("ods") => "ods",
            _ => "xlsx",
        })
    } else if head.starts_with(CFB_MAGIC) {
        Some("xls")
    } else {
        None
    }
}

/// The uploaded name as shown: its last component, without control characters, at most 100
/// characters.
fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.trim().is_empty() {
        "未命名".to_string()
    } else {
        clean
    }
}

/// The stored file name: `{部门名称}{年度}.{ext}` (characters illegal in file names replaced),
/// or `未识别的工作簿.{ext}` when the workbook does not say; `(2)`, `(3)`… when taken.
fn stored_name(identity: Option<&(String, i32)>, n: usize, extension: &str) -> String {
    let stem = match identity {
        Some((name, year)) => {
            let name: String = name.chars().take(60).collect();
            format!("{name}{year}")
        }
        None => "未识别的工作簿".to_string(),
    };
    let stem = if n > 1 { format!("{stem}({n})") } else { stem };
    crate::output::file_name(&stem, extension)
}

/// Renames the temporary file into `input/` under a name of its own, never over another file.
fn persist(
    app: &App,
    temp: NamedTempFile,
    identity: Option<&(String, i32)>,
    extension: &str,
) -> Result<PathBuf, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| format!("无法保存：{e}"))?;
    let mut temp = temp;
    for n in 1..1000 {
        let target = app.input.join(stored_name(identity, n, extension));
        match temp.persist_noclobber(&target) {
            Ok(_) => return Ok(target),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(format!("无法保存 {}：{}", target.display(), e.error)),
        }
    }
    Err("无法为上传的工作簿找到可用的文件名".into())
}

/// Saves a received workbook as a new file of `input/` and records it; queues its build unless
/// it has errors.
fn store(app: &App, r: Received, to_build: &mut Vec<PathBuf>) -> Result<FileResult, String> {
    let file = persist(app, r.temp, r.identity.as_ref(), r.extension)?;
    Ok(record(
        app, file, r.original, r.identity, r.findings, r.hash, to_build,
    ))
}

fn record(
    app: &App,
    file: PathBuf,
    original: String,
    identity: Option<(String, i32)>,
    findings: Kept,
    hash: String,
    to_build: &mut Vec<PathBuf>,
) -> FileResult {
    let mut entry = Listed::new(&app.input, file.clone());
    let (errors, warnings) = (findings.errors, findings.warnings);
    entry.original = Some(original.clone());
    entry.stamp = Stamp::of(&file);
    entry.hash = Some(hash);
    entry.identity = identity.clone();
    entry.findings = Some(findings);
    if errors == 0 {
        entry.phase = Phase::Queued;
        to_build.push(file.clone());
    }
    let result = FileResult::Saved {
        original,
        id: entry.id.clone(),
        file: entry.shown.clone(),
        department: identity.as_ref().map(|i| i.0.clone()),
        year: identity.as_ref().map(|i| i.1),
        errors,
        warnings,
        backups: None,
    };
    app.entries().insert(file, entry);
    result
}

/// `POST /api/uploads/{id}/confirm`: the old workbook(s) of the department move to `backup/`,
/// the upload takes their place and is built.
pub async fn confirm(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let _saving = app.saving.lock().await;
    app.questions();
    let Some(pending) = lock(&app.pending).remove(&id) else {
        return failure(StatusCode::NOT_FOUND, "没有这个待确认的上传（可能已处理）");
    };
    let mut backups = Vec::new();
    // The replaced document's pages: its rebuild shows first the page that changed.
    let mut before = None;
    for old in &pending.replaces {
        if !old.exists() {
            continue;
        }
        match backup::back_up(&app, old, &backup::now()) {
            Ok(path) => {
                backups.push(path.display().to_string());
                if let Some(e) = app.entries().remove(old) {
                    before = before.or(e.pages).or(e.before);
                }
            }
            Err(e) => return failure(StatusCode::INTERNAL_SERVER_ERROR, e),
        }
    }
    let mut to_build = Vec::new();
    let identity = Some(pending.identity.clone());
    let file = match persist(&app, pending.temp, identity.as_ref(), pending.extension) {
        Ok(file) => file,
        Err(e) => return failure(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let mut result = record(
        &app,
        file.clone(),
        pending.original,
        identity,
        pending.findings,
        pending.hash,
        &mut to_build,
    );
    if let FileResult::Saved { backups: b, .. } = &mut result {
        *b = Some(backups);
    }
    app.update(&file, |e| e.before = before);
    build_saved(&app, to_build);
    Json(result).into_response()
}

/// `POST /api/uploads/{id}/cancel`: the upload is dropped, `input/` stays as it was.
pub async fn cancel(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    match lock(&app.pending).remove(&id) {
        Some(_) => Json(Done {
            result: "cancelled",
        })
        .into_response(),
        None => failure(StatusCode::NOT_FOUND, "没有这个待确认的上传（可能已处理）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_workbook_never_from_the_upload() {
        let identity = ("唐山/高新区:中心".to_string(), 2021);
        assert_eq!(
            stored_name(Some(&identity), 1, "xlsx"),
            "唐山_高新区_中心2021.xlsx"
        );
        assert_eq!(
            stored_name(Some(&identity), 2, "xlsx"),
            "唐山_高新区_中心2021(2).xlsx"
        );
        assert_eq!(stored_name(None, 1, "xls"), "未识别的工作簿.xls");
        let dots = ("..".to_string(), 2021);
        assert_eq!(stored_name(Some(&dots), 1, "xlsx"), "2021.xlsx");
        assert_eq!(display_name("../../x.xlsx"), "x.xlsx");
        assert_eq!(display_name("C:\\a\\b.xlsx"), "b.xlsx");
        assert_eq!(extension(b"PK\x03\x04rest", "a.XLSM"), Some("xlsm"));
        assert_eq!(extension(b"PK\x03\x04rest", "a.pdf"), Some("xlsx"));
        assert_eq!(extension(CFB_MAGIC, "a.xlsx"), Some("xls"));
        assert_eq!(extension(b"<html>ab", "a.xlsx"), None);
    }
}
