//! The page and its JSON API. Every route sits behind [`super::security`]; state changes are
//! POSTs. Departments are named in addresses by an opaque identifier, never by a path.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the page (`assets/index.html`), `app.js`, `app.css`, `favicon.ico` |
//! | `GET /api/hello` | `{"app": "jixiao", …}` without the cookie: is this our server? |
//! | `GET /api/departments` | the list: status, counts, PDF, progress of a batch |
//! | `GET /api/departments/{id}` | one department: findings grouped by sheet, page count |
//! | `GET /api/departments/{id}/pdf[?download=1]` | the PDF |
//! | `GET /api/departments/{id}/pages/{n}` | page n (from 1) as PNG |
//! | `GET /api/departments/{id}/report` | the findings workbook (审核意见表) |
//! | `GET /api/departments/{id}/self-evaluation` | its 绩效自评 form, pre-filled from its goals |
//! | `GET /api/template`, `GET /api/example` | the fill-in workbook, blank or the example (`示例-…`) |
//! | `GET /api/events` | server-sent events: `changed`, `progress`, `done` |
//! | `POST /api/upload` | multipart `files`: see [`super::upload`] |
//! | `POST /api/uploads/{id}/confirm`, `…/cancel` | replace a department's workbook, or not |
//! | `POST /api/build` | 全部生成: every workbook of `input/`, with the manifest |
//! | `POST /api/quit` | 退出 |

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::api::{self, Detail, Done, Finding, Hello, Queued, SheetFindings, failure};
use super::app::{App, Job, Listed, Phase};
use super::config::SUMMARY_FILE;
use super::findings::Kept;
use super::{backup, security, upload, volumes};
use crate::check;
use crate::check::report::{Findings, Group};
use crate::diagnostic::Severity;
use crate::evaluation::is_self_evaluation;
use crate::publish::extract::{self, GoalsError};
use crate::read;
use crate::xlsx::evaluation_form::{self, EvaluationSource};
use crate::xlsx::fill_in::{Source, Template};

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");
/// The program's icon (the Linux packages install the same picture).
const ICON: &[u8] = include_bytes!("assets/icons/jixiao-48.png");

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(script))
        .route("/app.css", get(style))
        .route("/favicon.ico", get(icon))
        .route(security::HELLO, get(hello))
        .route("/api/departments", get(list))
        .route("/api/departments/{id}", get(detail))
        .route("/api/departments/{id}/pdf", get(pdf))
        .route("/api/departments/{id}/pages/{n}", get(page))
        .route("/api/departments/{id}/report", get(report))
        .route(
            "/api/departments/{id}/self-evaluation",
            get(self_evaluation_form),
        )
        .route("/api/volumes/{year}", get(volume))
        .route("/api/summary", get(summary_workbook))
        .route("/api/template", get(template))
        .route("/api/example", get(example))
        .route("/api/events", get(events))
        .route(
            "/api/upload",
            // The upload counts its own limits while streaming (see `upload`).
            post(upload::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/uploads/{id}/confirm", post(upload::confirm))
        .route("/api/uploads/{id}/cancel", post(upload::cancel))
        .route("/api/departments/{id}/withdraw", post(backup::withdraw))
        .route("/api/withdrawn/{id}/restore", post(backup::restore))
        .route("/api/build", post(build_all))
        .route("/api/quit", post(quit))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            security::guard,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(app)
}

async fn index() -> Html<&'static str> {
    Html(INDEX)
}

async fn script() -> Response {
    typed("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    typed("text/css; charset=utf-8", STYLE)
}

async fn icon() -> Response {
    typed("image/png", ICON)
}

fn typed(content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

async fn not_found() -> Response {
    missing("没有这个页面")
}

fn missing(message: &str) -> Response {
    failure(StatusCode::NOT_FOUND, message)
}

async fn hello(State(app): State<Arc<App>>) -> Json<Hello> {
    Json(Hello {
        app: "jixiao",
        version: env!("CARGO_PKG_VERSION"),
        folder: app.folder.clone(),
        open: app.config.opener.as_ref().map(|p| p.display().to_string()),
    })
}

async fn list(State(app): State<Arc<App>>) -> Response {
    let result = tokio::task::spawn_blocking(move || {
        let stale = app.rescan();
        if !stale.is_empty() {
            app.submit(Job::Check(stale));
        }
        let mut list = app.list();
        list.volumes = volumes::list(&app);
        list
    })
    .await;
    match result {
        Ok(list) => Json::<api::List>(list).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

// The error is the response to send as is; a handler returns it at once, so its size is moot.
#[allow(clippy::result_large_err)]
fn entry(app: &App, id: &str) -> Result<Listed, Response> {
    app.find(id).ok_or_else(|| missing("没有这个部门的工作簿"))
}

/// The findings kept, by sheet, as the page lists them.
fn grouped(kept: &Kept) -> Vec<SheetFindings> {
    kept.sheets
        .iter()
        .map(|s| SheetFindings {
            sheet: s.sheet.clone(),
            findings: s
                .findings
                .iter()
                .map(|d| Finding {
                    cell: d.location.cell.map(|c| c.to_string()),
                    severity: d.severity,
                    label: d.severity.label(),
                    rule: d.rule,
                    message: d.message.clone(),
                })
                .collect(),
            more: s.more,
        })
        .collect()
}

async fn detail(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let e = match entry(&app, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let goals = e
        .identity
        .as_ref()
        .is_some_and(|(name, _)| !is_self_evaluation(name));
    Json(Detail {
        self_evaluation_form: goals && e.findings.is_some() && e.count(Severity::Error) == 0,
        errors: e.count(Severity::Error),
        warnings: e.count(Severity::Warning),
        groups: e.findings.as_ref().map(grouped).unwrap_or_default(),
        pages: e.pages.as_ref().map(|p| p.pngs.len()),
        checked: e.findings.is_some(),
        department: e.identity.as_ref().map(|i| i.0.clone()),
        year: e.identity.as_ref().map(|i| i.1),
        id: e.id,
        file: e.shown,
        original: e.original,
        changes: e.changes,
        change_pages: e.located.changes,
        first_changed: e.located.first,
    })
    .into_response()
}

/// `attachment` (or `inline`) with the name in UTF-8 (RFC 6266/5987) and an ASCII fallback.
fn disposition(kind: &str, name: &str) -> HeaderValue {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let extension = name.rsplit('.').next().unwrap_or("bin");
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"jixiao.{extension}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn file_response(content_type: &'static str, kind: &str, name: &str, bytes: Vec<u8>) -> Response {
    let mut response = typed(content_type, bytes);
    response
        .headers_mut()
        .insert(header::CONTENT_DISPOSITION, disposition(kind, name));
    response
}

#[derive(serde::Deserialize)]
struct PdfQuery {
    download: Option<String>,
}

async fn pdf(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
    Query(query): Query<PdfQuery>,
) -> Response {
    let e = match entry(&app, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let found = tokio::task::spawn_blocking(move || {
        let manifest = crate::output::manifest::Manifest::load(&app.output);
        let (path, _) = app.pdf(&e, &manifest)?;
        let bytes = std::fs::read(&path).ok()?;
        Some((path, bytes))
    })
    .await
    .ok()
    .flatten();
    let Some((path, bytes)) = found else {
        return missing("这个部门还没有生成 PDF");
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = if query.download.is_some() {
        "attachment"
    } else {
        "inline"
    };
    file_response("application/pdf", kind, &name, bytes)
}

async fn page(State(app): State<Arc<App>>, UrlPath((id, n)): UrlPath<(String, usize)>) -> Response {
    // A department being checked or built: its new pages come with the build (bounded wait),
    // its new first page as soon as the document is laid out.
    let mut events = app.events.subscribe();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(300);
    let e = loop {
        let e = match entry(&app, &id) {
            Ok(e) => e,
            Err(r) => return r,
        };
        if e.phase == Phase::Building
            && let Some((early, png)) = &e.first_page
            && *early == n
        {
            return typed("image/png", png.as_ref().clone());
        }
        if e.phase == Phase::Idle
            || tokio::time::timeout_at(deadline, events.recv())
                .await
                .is_err()
        {
            break e;
        }
    };
    let pages = match e.pages {
        Some(pages) => pages,
        None => {
            let (reply, answer) = tokio::sync::oneshot::channel();
            if !app.submit(Job::Preview {
                file: e.file.clone(),
                reply,
            }) {
                return missing("服务正在结束");
            }
            match answer.await.ok().flatten() {
                Some(pages) => pages,
                None => return missing("无法预览：工作簿有错误，或还没有生成"),
            }
        }
    };
    match n.checked_sub(1).and_then(|i| pages.pngs.get(i)) {
        Some(png) => typed("image/png", png.clone()),
        None => missing("没有这一页"),
    }
}

/// `GET /api/departments/{id}/report`: the department's findings workbook (审核意见表) with
/// every finding. When the server keeps only the first ones (see [`super::findings`]), the
/// workbook is checked again for the full list, on a blocking thread.
async fn report(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let e = match entry(&app, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let department = e.identity.as_ref().map(|i| i.0.clone());
    let label = department.clone().unwrap_or_else(|| e.shown.clone());
    let made = tokio::task::spawn_blocking(move || {
        let mut diagnostics = match &e.findings {
            Some(kept) if kept.complete() => kept.kept().cloned().collect(),
            _ => {
                let reading = match read::load(&e.file) {
                    Ok(bytes) => read::read_bytes(&e.file, &bytes),
                    Err(diagnostics) => read::Reading::failed(diagnostics),
                };
                check::check_reading(&e.file, reading).diagnostics
            }
        };
        diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
        let findings = Findings {
            groups: vec![Group {
                file: e.file.clone(),
                department,
                diagnostics,
                checked: true,
            }],
        };
        let made = crate::xlsx::findings::workbook(&findings).and_then(|mut b| b.save_to_buffer());
        drop(findings);
        crate::platform::release_memory();
        made
    })
    .await;
    match made {
        Ok(Ok(bytes)) => {
            let name = crate::output::file_name(&format!("审核意见-{label}"), "xlsx");
            file_response(XLSX, "attachment", &name, bytes)
        }
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "生成审核意见表时发生内部错误",
        )
            .into_response(),
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /api/departments/{id}/self-evaluation`: the department's self-evaluation form (绩效自评),
/// pre-filled from the goals of its workbook, which must have no errors.
async fn self_evaluation_form(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let e = match entry(&app, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let made = tokio::task::spawn_blocking(move || {
        let goals = match extract::goals(&e.file) {
            Ok(goals) => goals,
            Err(GoalsError::Findings(_)) => {
                return Err("这个部门的工作簿有错误，改正后才能生成绩效自评表".to_string());
            }
            Err(GoalsError::Failed(message)) => return Err(message),
        };
        let mut template = evaluation_form::make(EvaluationSource::Goals(Box::new(goals)))
            .map_err(|e| e.to_string())?;
        let bytes = template
            .workbook
            .save_to_buffer()
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((template.file_name(), bytes))
    })
    .await;
    match made {
        Ok(Ok((name, bytes))) => file_response(XLSX, "attachment", &name, bytes),
        Ok(Err(message)) => (StatusCode::CONFLICT, message).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn template() -> Response {
    fill_in(Source::Blank).await
}

async fn example() -> Response {
    fill_in(Source::Example).await
}

async fn fill_in(source: Source) -> Response {
    let made = tokio::task::spawn_blocking(move || {
        let mut template = Template::make(&source).map_err(|e| e.to_string())?;
        let bytes = template
            .workbook
            .save_to_buffer()
            .map_err(|e| e.to_string())?;
        // The example is named as such, never as a department's own stored workbook.
        let name = match source {
            Source::Example => format!("示例-{}", template.file_name()),
            _ => template.file_name(),
        };
        Ok::<_, String>((name, bytes))
    })
    .await;
    match made {
        Ok(Ok((name, bytes))) => file_response(XLSX, "attachment", &name, bytes),
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn events(
    State(app): State<Arc<App>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    // A client too slow to keep up misses events; it reloads the list on the next one.
    let messages = BroadcastStream::new(app.events.subscribe())
        .map(|m| Some(m.unwrap_or_else(|_| api::Event::Changed.json())));
    // The stream ends when the server is asked to quit, so that shutting down does not wait for
    // open pages.
    let quit = WatchStream::new(app.quit_watch())
        .filter(|quit| *quit)
        .map(|_| None);
    let stream = messages
        .merge(quit)
        .take_while(Option::is_some)
        .map(|data| Ok(Event::default().data(data.unwrap_or_default())));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn build_all(State(app): State<Arc<App>>) -> Response {
    let input = app.input.clone();
    let files =
        tokio::task::spawn_blocking(move || crate::read::discover(std::slice::from_ref(&input)).0)
            .await
            .unwrap_or_default();
    let count = files.len();
    // Queued from now on, so that the list never shows the batch as done before it starts.
    for file in &files {
        app.update(file, |e| {
            if e.phase == Phase::Idle {
                e.phase = Phase::Queued;
            }
        });
    }
    if !app.submit(Job::Build {
        files,
        force: false,
        publish: true,
    }) {
        return missing("服务正在结束");
    }
    (StatusCode::ACCEPTED, Json(Queued { queued: count })).into_response()
}

async fn quit(State(app): State<Arc<App>>) -> Json<Done> {
    app.request_quit();
    Json(Done { result: "quitting" })
}

/// `GET /api/volumes/{year}`: the volume of that year 全部生成 wrote into `output/`.
async fn volume(State(app): State<Arc<App>>, UrlPath(year): UrlPath<i32>) -> Response {
    published(&app, volumes::file_name(year), "application/pdf").await
}

/// `GET /api/summary`: the summary workbook 全部生成 wrote into `output/`.
async fn summary_workbook(State(app): State<Arc<App>>) -> Response {
    published(&app, SUMMARY_FILE.to_string(), XLSX).await
}

async fn published(app: &App, name: String, content_type: &'static str) -> Response {
    let path = app.output.join(&name);
    match tokio::task::spawn_blocking(move || std::fs::read(path)).await {
        Ok(Ok(bytes)) => file_response(content_type, "attachment", &name, bytes),
        _ => missing("还没有生成：请先点“全部生成”"),
    }
}
