//! The page's JSON API, typed: what each route answers and what each server-sent event says.
//! `assets/app.js` reads exactly these fields; a field that may be absent is `null`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::contract::RuleId;
use crate::diagnostic::Severity;

/// Any route's failure: `{"error": "…"}` with its status.
#[derive(Debug, Serialize)]
pub struct Failure {
    pub error: String,
}

/// The response of a failure with `status`.
pub fn failure(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(Failure {
            error: message.into(),
        }),
    )
        .into_response()
}

/// `GET /api/hello`: whether this is jixiao, and for which folder.
#[derive(Debug, Serialize)]
pub struct Hello {
    pub app: &'static str,
    pub version: &'static str,
    /// A hash of the working folder (see `super::folder_id`).
    pub folder: String,
    /// The local page that opens this server, when it has one.
    pub open: Option<String>,
}

/// `GET /api/departments`: every workbook of `input/`, and the batch in progress.
#[derive(Debug, Serialize)]
pub struct List {
    pub departments: Vec<Row>,
    pub progress: Option<Progress>,
    /// The last batch's summary.
    pub summary: Option<String>,
    pub input: String,
    pub output: String,
    pub backup: String,
    /// The volumes 全部生成 wrote into `output/`, one per year.
    pub volumes: Vec<VolumeLink>,
    /// The summary workbook 全部生成 writes is in `output/`.
    pub summary_workbook: bool,
    /// Replacements waiting for an answer (they survive a reload of the page, until they
    /// expire).
    pub pending: Vec<Question>,
    /// Departments withdrawn in this run, oldest first: each can be undone.
    pub withdrawn: Vec<Withdrawn>,
}

/// A volume (汇编) of one year, at `/api/volumes/{year}`; `stale` when that year's departments
/// changed since it was written.
#[derive(Debug, Clone, Serialize)]
pub struct VolumeLink {
    pub year: i32,
    pub file: String,
    pub stale: bool,
}

/// A department withdrawn (撤下): `files` are in the backup folder now; undone at
/// `/api/withdrawn/{id}/restore`.
#[derive(Debug, Clone, Serialize)]
pub struct Withdrawn {
    pub id: String,
    pub label: String,
    pub files: Vec<String>,
    pub when: String,
}

/// An upload of a department and year `input/` has already: whether to replace `existing`
/// (answered at `/api/uploads/{pending}/confirm` or `…/cancel`), and what the new workbook
/// would do (with errors it is kept but builds no PDF).
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub original: String,
    pub pending: String,
    pub department: String,
    pub year: i32,
    pub existing: Vec<String>,
    /// The new workbook's findings.
    pub errors: usize,
    pub warnings: usize,
    /// Seconds until the question expires and the upload is dropped.
    pub expires_in: u64,
}

/// A batch in progress: documents done of all, and the department being built.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub current: String,
}

/// One workbook of the list.
#[derive(Debug, Serialize)]
pub struct Row {
    pub id: String,
    pub file: String,
    pub original: Option<String>,
    pub department: Option<String>,
    pub year: Option<i32>,
    /// `checking`, `queued`, `building`, `error`, `missing`, `current`, `warning`, `passed`.
    pub status: &'static str,
    /// The status in Chinese.
    pub label: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub pdf: Option<PdfInfo>,
}

/// A department's PDF in `output/`.
#[derive(Debug, Serialize)]
pub struct PdfInfo {
    pub name: Option<String>,
    /// Milliseconds since 1970.
    pub modified: Option<u64>,
    /// Made from the workbook as it is now.
    pub current: bool,
}

/// `GET /api/departments/{id}`: one department's findings and pages.
#[derive(Debug, Serialize)]
pub struct Detail {
    pub id: String,
    pub file: String,
    pub original: Option<String>,
    pub department: Option<String>,
    pub year: Option<i32>,
    pub checked: bool,
    pub errors: usize,
    pub warnings: usize,
    pub groups: Vec<SheetFindings>,
    pub pages: Option<usize>,
    /// What changed since the department's build before, one line each.
    pub changes: Option<Vec<String>>,
    /// The page each line of `changes` shows on (1-based), when found.
    pub change_pages: Vec<Option<usize>>,
    /// The first page the last rebuild changed: the preview opens there.
    pub first_changed: Option<usize>,
    /// Whether the page offers the self-evaluation's form made from this department's goals
    /// (a goals workbook without errors).
    pub self_evaluation_form: bool,
}

/// The findings in one sheet (`sheet` is `null` for the whole file).
#[derive(Debug, Serialize)]
pub struct SheetFindings {
    pub sheet: Option<String>,
    /// The first findings (errors first), at most [`super::findings::PER_SHEET`].
    pub findings: Vec<Finding>,
    /// Findings of this sheet not listed (另有 N 处); the findings workbook has them all.
    pub more: usize,
}

/// One finding as the page lists it.
#[derive(Debug, Serialize)]
pub struct Finding {
    /// A1 notation.
    pub cell: Option<String>,
    pub severity: Severity,
    /// 错误 or 警告.
    pub label: &'static str,
    pub rule: RuleId,
    pub message: String,
}

/// `POST /api/build`: how many workbooks were queued.
#[derive(Debug, Serialize)]
pub struct Queued {
    pub queued: usize,
}

/// `POST /api/quit` (`quitting`), `POST /api/uploads/{id}/cancel` (`cancelled`).
#[derive(Debug, Serialize)]
pub struct Done {
    pub result: &'static str,
}

/// `POST /api/upload`: what became of each file.
#[derive(Debug, Serialize)]
pub struct Uploaded {
    pub files: Vec<FileResult>,
}

/// What became of one uploaded file (`result`: `refused`, `same`, `confirm` or `saved`).
#[derive(Debug, Serialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum FileResult {
    /// Not kept.
    Refused { original: String, message: String },
    /// Byte for byte the workbook `file` of `input/` already is: nothing to replace, no backup.
    Same { original: String, file: String },
    /// A department and year `input/` has already: the page asks whether to replace it.
    Confirm(Question),
    /// Kept in `input/` as `file` (and built, unless it has errors); with the replaced
    /// workbooks' backups when it was confirmed.
    Saved {
        original: String,
        id: String,
        file: String,
        department: Option<String>,
        year: Option<i32>,
        errors: usize,
        warnings: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        backups: Option<Vec<String>>,
    },
}

/// A server-sent event of `/api/events`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    /// Something in the list changed: load it again.
    Changed,
    /// A batch's progress.
    Progress {
        done: usize,
        total: usize,
        current: String,
    },
    /// A page of the document being built is ready: the first that changed (else the first),
    /// at `/api/departments/{id}/pages/{page}`, before the rest is.
    FirstPage { id: String, page: usize },
    /// A batch ended, with its summary.
    Done { summary: String },
}

impl Event {
    /// The event as the stream sends it.
    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("events serialise")
    }
}
