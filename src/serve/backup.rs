//! The backup folder (`backup/`): where a replaced workbook goes, and a withdrawn department
//! (撤下) with its PDF and the files beside it; and from where a withdrawal is undone (撤销).
//!
//! Nothing is deleted: a withdrawal moves files, its undo moves them back. The undo is offered
//! for the withdrawals of this server run; after that the files stay in `backup/` under
//! `{时间}-{原文件名}`, to be put back by hand.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};

use super::api::{self, Event, failure};
use super::app::{App, Job, Phase, Withdrawn};
use super::config::new_token;
use crate::build::lock;
use crate::output::manifest::Manifest;

/// The time stamp of the backup names made now (`20261205-221530`).
pub fn now() -> String {
    jiff::ZonedDateTime::now()
        .strftime("%Y%m%d-%H%M%S")
        .to_string()
}

/// Moves `old` to `backup/{time}-{文件名}` (a new name if taken).
pub fn back_up(app: &App, old: &Path, time: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(&app.backup)
        .map_err(|e| format!("无法创建备份文件夹 {}：{e}", app.backup.display()))?;
    let name = old
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 1..1000 {
        let candidate = if n == 1 {
            format!("{time}-{name}")
        } else {
            format!("{time}-{n}-{name}")
        };
        let target = app.backup.join(candidate);
        if target.exists() {
            continue;
        }
        return move_file(old, &target)
            .map(|()| target)
            .map_err(|e| format!("无法把 {} 移到备份文件夹：{e}", old.display()));
    }
    Err("备份文件夹中没有可用的文件名".into())
}

/// Renames `from` to `to`; across file systems, copies and removes the original only once the
/// copy is whole.
fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(_) => std::fs::copy(from, to).and_then(|_| std::fs::remove_file(from)),
    }
}

/// The files of `output/` that belong to a department's PDF: the PDF itself, its change record
/// and what `--emit` wrote beside it.
fn beside(pdf: &Path) -> Vec<PathBuf> {
    let (Some(folder), Some(stem)) = (pdf.parent(), pdf.file_stem()) else {
        return Vec::new();
    };
    let stem = stem.to_string_lossy();
    ["pdf", "更正记录.md", "json", "typ"]
        .iter()
        .map(|ext| folder.join(format!("{stem}.{ext}")))
        .filter(|p| p.is_file())
        .collect()
}

/// `POST /api/departments/{id}/withdraw`: the workbook, its PDF and the files beside it move to
/// `backup/`; the department leaves the list (and the next volume).
pub async fn withdraw(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let _saving = app.saving.lock().await;
    let Some(entry) = app.find(&id) else {
        return failure(StatusCode::NOT_FOUND, "没有这个部门的工作簿");
    };
    if matches!(entry.phase, Phase::Queued | Phase::Building) {
        return failure(
            StatusCode::CONFLICT,
            "正在生成这个部门，请等生成结束后再撤下",
        );
    }
    let manifest = Manifest::load(&app.output);
    let mut files = vec![entry.file.clone()];
    if let Some((pdf, _)) = app.pdf(&entry, &manifest) {
        files.extend(beside(&pdf));
    }
    let time = now();
    let mut moved = Vec::new();
    for file in files {
        match back_up(&app, &file, &time) {
            Ok(to) => moved.push((file, to)),
            Err(e) => {
                // Put back what moved already: a withdrawal is all or nothing.
                for (from, to) in moved.iter().rev() {
                    let _ = move_file(to, from);
                }
                return failure(StatusCode::INTERNAL_SERVER_ERROR, e);
            }
        }
    }
    app.entries().remove(&entry.file);
    let withdrawn = Withdrawn {
        id: match new_token() {
            Ok(id) => id,
            Err(e) => return failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        },
        label: entry
            .identity
            .as_ref()
            .map(|(name, year)| format!("{name} {year} 年度"))
            .unwrap_or_else(|| entry.shown.clone()),
        moved,
        when: jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string(),
    };
    let answer = withdrawn.api(&app.backup);
    lock(&app.withdrawn).push(withdrawn);
    app.notify(Event::Changed);
    Json(answer).into_response()
}

/// `POST /api/withdrawn/{id}/restore`: the files of a withdrawal move back where they were, and
/// the workbook is checked again. Refused when any of those places is taken meanwhile.
pub async fn restore(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let _saving = app.saving.lock().await;
    let Some(withdrawn) = lock(&app.withdrawn).iter().find(|w| w.id == id).cloned() else {
        return failure(StatusCode::NOT_FOUND, "没有这次撤下（可能已撤销）");
    };
    if let Some((taken, _)) = withdrawn.moved.iter().find(|(from, _)| from.exists()) {
        return failure(
            StatusCode::CONFLICT,
            format!(
                "无法撤销：{} 已有同名文件（撤下后又上传或生成了）。撤下的文件仍在 backup 文件夹",
                taken.display()
            ),
        );
    }
    for (from, to) in &withdrawn.moved {
        if let Err(e) = move_file(to, from) {
            return failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("无法把 {} 放回 {}：{e}", to.display(), from.display()),
            );
        }
    }
    lock(&app.withdrawn).retain(|w| w.id != id);
    let stale = app.rescan();
    app.submit(Job::Check(stale));
    app.notify(Event::Changed);
    Json(api::Done { result: "restored" }).into_response()
}
