//! Route tests of `jixiao serve` (no network: each request goes straight into the router): every
//! page and action, and every security rule of the server.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use jixiao::serve::{Config, Limits, Server};
use serde_json::{Value, json};
use tower::ServiceExt;

const PORT: u16 = 8765;
const HOST: &str = "127.0.0.1:8765";
const ORIGIN: &str = "http://127.0.0.1:8765";
const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const REFERENCE: &str = "唐山高新区行政服务中心";

struct Site {
    server: Server,
    router: Router,
    dir: tempfile::TempDir,
}

impl Site {
    fn new(limits: Limits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::new(Config {
            dir: dir.path().to_path_buf(),
            port: PORT,
            token: TOKEN.into(),
            limits,
            fonts: Default::default(),
            opener: None,
        })
        .unwrap();
        let router = server.router();
        Site {
            server,
            router,
            dir,
        }
    }

    fn input(&self) -> PathBuf {
        self.dir.path().join("input")
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, body.to_vec())
    }

    async fn get(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.send(get(path)).await
    }

    async fn json(&self, path: &str) -> Value {
        let (status, _, body) = self.get(path).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{path}: {}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).unwrap()
    }

    async fn upload(&self, files: &[(&str, &[u8])]) -> (StatusCode, Value) {
        let (status, _, body) = self.send(upload(files)).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// The department rows once no workbook is being checked or built (bounded wait).
    async fn settled(&self) -> Vec<Value> {
        for _ in 0..1200 {
            let list = self.json("/api/departments").await;
            let rows = list["departments"].as_array().unwrap().clone();
            let busy = rows.iter().any(|r| {
                matches!(
                    r["status"].as_str().unwrap(),
                    "checking" | "queued" | "building"
                )
            });
            if !busy && list["progress"].is_null() {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("builds did not finish within two minutes");
    }

    /// Files in `input/`, sorted (hidden ones too).
    fn input_files(&self) -> Vec<String> {
        names(&self.input())
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn cookie() -> String {
    format!("jixiao-{PORT}={TOKEN}")
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .header(header::ORIGIN, ORIGIN)
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap()
}

fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----jixiao-test-boundary";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn upload(files: &[(&str, &[u8])]) -> Request<Body> {
    let (content_type, body) = multipart(files);
    Request::post("/api/upload")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

fn reference_bytes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("input/{REFERENCE}2021.xlsx")))
        .unwrap()
}

/// A workbook of `name` (the reference department renamed); with `defect`, the first project's
/// 预算数 no longer equals 财政资金 + 其他资金 (`budget-sum`, reported at the 财政资金 cell of the first project, 项目!D2).
fn workbook(name: &str, defect: bool) -> Vec<u8> {
    let mut department = jixiao::reference::department();
    department.name = name.to_string();
    department.title = format!("{name}2021年部门预算绩效文本");
    if defect {
        department.projects[0].budget += rust_decimal::Decimal::TEN;
    }
    jixiao::xlsx::fill_in::form(Some(&department))
        .unwrap()
        .save_to_buffer()
        .unwrap()
}

fn row<'a>(rows: &'a [Value], department: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["department"] == department)
        .unwrap_or_else(|| panic!("no row for {department}: {rows:?}"))
}

#[tokio::test]
async fn a_foreign_host_is_forbidden() {
    let site = Site::new(Limits::default());
    for host in [
        "evil.example:8765",
        "127.0.0.1:9999",
        "127.0.0.1",
        "[::1]:8765",
    ] {
        let request = Request::get("/api/departments")
            .header(header::HOST, host)
            .header(header::COOKIE, cookie())
            .body(Body::empty())
            .unwrap();
        let (status, _, _) = site.send(request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{host}");
    }
    let no_host = Request::get("/api/hello").body(Body::empty()).unwrap();
    assert_eq!(site.send(no_host).await.0, StatusCode::FORBIDDEN);
    // Both spellings of this server are accepted.
    for host in [HOST, "localhost:8765", "LOCALHOST:8765"] {
        let request = Request::get("/api/hello")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(site.send(request).await.0, StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn without_the_token_everything_but_hello_is_401() {
    let site = Site::new(Limits::default());
    for path in [
        "/",
        "/app.js",
        "/api/departments",
        "/api/template",
        "/api/events",
        "/nothing",
    ] {
        let request = Request::get(path)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            site.send(request).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        let wrong = Request::get(path)
            .header(header::HOST, HOST)
            .header(
                header::COOKIE,
                format!("jixiao-{PORT}=0123456789abcdef0123456789abcdee"),
            )
            .body(Body::empty())
            .unwrap();
        assert_eq!(site.send(wrong).await.0, StatusCode::UNAUTHORIZED, "{path}");
    }
    // The cookie of another port's server is not ours.
    let other_port = Request::get("/api/departments")
        .header(header::HOST, HOST)
        .header(header::COOKIE, format!("jixiao-8766={TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.send(other_port).await.0, StatusCode::UNAUTHORIZED);
    let request = Request::post("/api/quit")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.send(request).await.0, StatusCode::UNAUTHORIZED);

    let hello = Request::get("/api/hello")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = site.send(hello).await;
    assert_eq!(status, StatusCode::OK);
    let hello: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(hello["app"], "jixiao");
    assert_eq!(hello["folder"], jixiao::serve::folder_id(site.dir.path()));
    assert!(!String::from_utf8_lossy(&body).contains(TOKEN));
}

#[tokio::test]
async fn the_token_is_exchanged_for_a_strict_http_only_cookie() {
    let site = Site::new(Limits::default());
    let wrong = Request::get("/?token=ffffffffffffffffffffffffffffffff")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = site.send(wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get(header::SET_COOKIE).is_none());

    let request = Request::get(format!("/?token={TOKEN}"))
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = site.send(request).await;
    assert_eq!(status, StatusCode::OK);
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with(&cookie()), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    // The page moves on to the address without the token.
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("url=/\""), "{body}");
    assert!(!body.contains(TOKEN));

    let (status, headers, body) = site.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("部门预算绩效文本") && page.contains("上传工作簿"));
    let (status, headers, script) = site.get("/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(String::from_utf8(script).unwrap().contains("EventSource"));
    let (status, headers, _) = site.get("/app.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let site = Site::new(Limits::default());
    let foreign = Request::get("/")
        .header(header::HOST, "evil.example")
        .body(Body::empty())
        .unwrap();
    let anonymous = Request::get("/")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    for request in [
        foreign,
        anonymous,
        get("/"),
        get("/app.js"),
        get("/api/departments"),
        get("/missing"),
    ] {
        let path = request.uri().to_string();
        let (_, headers, _) = site.send(request).await;
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    // No inline script: every <script> element loads a file of this server.
    let (_, _, page) = site.get("/").await;
    let page = String::from_utf8(page).unwrap();
    for tag in page.split("<script").skip(1) {
        assert!(
            tag.trim_start().starts_with("src=\"/"),
            "inline script: {tag}"
        );
    }
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "external resource"
    );
}

#[tokio::test]
async fn state_changes_are_same_origin_posts_only() {
    let site = Site::new(Limits::default());
    let cross_site = Request::post("/api/build")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.send(cross_site).await.0, StatusCode::FORBIDDEN);
    let same_site = Request::post("/api/build")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .header("sec-fetch-site", "same-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.send(same_site).await.0, StatusCode::FORBIDDEN);
    let foreign_origin = Request::post("/api/quit")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.send(foreign_origin).await.0, StatusCode::FORBIDDEN);
    let null_origin = Request::post("/api/quit")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .header(header::ORIGIN, "null")
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.send(null_origin).await.0, StatusCode::FORBIDDEN);
    // Actions are not reachable by GET, nor by other methods.
    assert_eq!(
        site.get("/api/quit").await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        site.get("/api/build").await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let put = Request::put("/api/build")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.send(put).await.0, StatusCode::METHOD_NOT_ALLOWED);
    // A same-origin POST goes through.
    let (status, _, body) = site.send(post("/api/build")).await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&body)
    );
}

#[tokio::test]
async fn an_upload_is_stored_under_a_name_of_the_server_checked_and_built() {
    let site = Site::new(Limits::default());
    let reference = reference_bytes();
    let defective = workbook("测试缺陷部门", true);
    let (status, result) = site
        .upload(&[("../../x.xlsx", &reference), ("CON.xlsx", &defective)])
        .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    let files = result["files"].as_array().unwrap();
    assert_eq!(files[0]["result"], "saved");
    assert_eq!(files[0]["original"], "x.xlsx");
    assert_eq!(files[0]["file"], format!("{REFERENCE}2021.xlsx"));
    assert_eq!(files[1]["result"], "saved");
    assert_eq!(files[1]["file"], "测试缺陷部门2021.xlsx");
    assert_eq!(files[1]["errors"], 1);
    // Only the two workbooks, under the server's names; nothing outside input/.
    assert_eq!(
        site.input_files(),
        [
            format!("{REFERENCE}2021.xlsx"),
            "测试缺陷部门2021.xlsx".to_string()
        ]
    );
    assert_eq!(
        names(site.dir.path()),
        ["input", "output"],
        "nothing written outside input/ and output/"
    );
    assert_eq!(
        std::fs::read(site.input().join(format!("{REFERENCE}2021.xlsx"))).unwrap(),
        reference
    );

    let rows = site.settled().await;
    let good = row(&rows, REFERENCE);
    assert!(
        matches!(good["status"].as_str().unwrap(), "passed" | "warning"),
        "{good}"
    );
    assert_eq!(good["errors"], 0);
    assert!(good["pdf"]["current"].as_bool().unwrap());
    let bad = row(&rows, "测试缺陷部门");
    assert_eq!(bad["status"], "error");
    assert_eq!(bad["label"], "有错误");
    assert!(bad["pdf"].is_null());

    // The PDF, inline and as a download.
    let id = good["id"].as_str().unwrap();
    let (status, headers, pdf) = site
        .get(&format!("/api/departments/{id}/pdf?download=1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("UTF-8''"),
        "{disposition}"
    );
    assert_eq!(
        pdf,
        std::fs::read(
            site.dir
                .path()
                .join(format!("output/{REFERENCE}2021年部门预算绩效文本.pdf"))
        )
        .unwrap()
    );
    // Page previews: PNG, first and last; none past the end.
    let (status, headers, png) = site.get(&format!("/api/departments/{id}/pages/1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let detail = site.json(&format!("/api/departments/{id}")).await;
    let pages = detail["pages"].as_u64().unwrap();
    assert!(pages >= 2, "{detail}");
    assert_eq!(
        site.get(&format!("/api/departments/{id}/pages/{pages}"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        site.get(&format!("/api/departments/{id}/pages/{}", pages + 1))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get(&format!("/api/departments/{id}/pages/0")).await.0,
        StatusCode::NOT_FOUND
    );

    // The defective department's findings: by sheet, with the cell.
    let id = bad["id"].as_str().unwrap();
    let detail = site.json(&format!("/api/departments/{id}")).await;
    let group = &detail["groups"][0];
    assert_eq!(group["sheet"], "项目");
    let finding = &group["findings"][0];
    assert_eq!(finding["cell"], "D2");
    assert_eq!(finding["rule"], "budget-sum");
    assert_eq!(finding["label"], "错误");
    assert!(finding["message"].as_str().unwrap().contains("预算数"));
    assert_eq!(
        site.get(&format!("/api/departments/{id}/pdf")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get(&format!("/api/departments/{id}/pages/1")).await.0,
        StatusCode::NOT_FOUND
    );
    // Its findings workbook, to send back.
    let (status, headers, xlsx) = site.get(&format!("/api/departments/{id}/report")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let report = tempfile::NamedTempFile::with_suffix(".xlsx").unwrap();
    std::fs::write(report.path(), &xlsx).unwrap();
    let findings = jixiao::read::read(report.path());
    assert!(
        findings.workbook.is_none(),
        "the report is not a department workbook"
    );
    assert_eq!(
        site.get("/api/departments/ffffffffffffffff").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_non_workbook_is_refused_and_not_kept() {
    let site = Site::new(Limits::default());
    let (status, result) = site
        .upload(&[
            ("a.xlsx", b"<html><body>not a workbook</body></html>"),
            ("b.xlsx", b"PK"),
            ("c.pdf", b"%PDF-1.7 something"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK);
    let files = result["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for f in files {
        assert_eq!(f["result"], "refused", "{f}");
        assert!(f["message"].as_str().unwrap().contains("不是 Excel 工作簿"));
    }
    assert!(site.input_files().is_empty(), "{:?}", site.input_files());
}

#[tokio::test]
async fn uploads_beyond_the_limits_are_413_and_leave_nothing() {
    let site = Site::new(Limits {
        file_bytes: 100_000,
        total_bytes: 150_000,
        files: 2,
        ..Limits::default()
    });
    let big = vec![b'x'; 120_000];
    let (status, result) = site.upload(&[("big.xlsx", &big)]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{result}");
    let medium = vec![b'x'; 80_000];
    let (status, _) = site
        .upload(&[("a.xlsx", &medium), ("b.xlsx", &medium)])
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let small: &[u8] = b"PK\x03\x04";
    let (status, result) = site
        .upload(&[("a.xlsx", small), ("b.xlsx", small), ("c.xlsx", small)])
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(result["error"].as_str().unwrap().contains("最多上传 2 个"));
    // Declared too large: refused before reading.
    let mut request = upload(&[("a.xlsx", small)]);
    request
        .headers_mut()
        .insert(header::CONTENT_LENGTH, "900000000".parse().unwrap());
    assert_eq!(site.send(request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(site.input_files().is_empty(), "{:?}", site.input_files());
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_nothing() {
    let site = Site::new(Limits::default());
    let (content_type, body) = multipart(&[("a.xlsx", &reference_bytes())]);
    let half = body[..body.len() / 2].to_vec();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "gone",
        )),
    ];
    let request = Request::post("/api/upload")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie())
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from_stream(tokio_stream::iter(chunks)))
        .unwrap();
    let (status, _, _) = site.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(site.input_files().is_empty(), "{:?}", site.input_files());
    // The server still answers.
    assert_eq!(site.get("/api/departments").await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_same_department_replaces_only_when_confirmed_and_the_old_file_is_kept() {
    let site = Site::new(Limits::default());
    let reference = reference_bytes();
    site.upload(&[("first.xlsx", &reference)]).await;
    site.settled().await;
    let stored = site.input().join(format!("{REFERENCE}2021.xlsx"));

    // A corrected workbook of the same department: the page is asked first.
    let mut corrected = jixiao::reference::department();
    corrected.overall_goals.push("新增的一段总体目标。".into());
    let corrected = jixiao::xlsx::fill_in::form(Some(&corrected))
        .unwrap()
        .save_to_buffer()
        .unwrap();
    let (_, result) = site.upload(&[("second.xlsx", &corrected)]).await;
    let answer = &result["files"][0];
    assert_eq!(answer["result"], "confirm", "{result}");
    assert_eq!(answer["department"], REFERENCE);
    assert_eq!(answer["existing"][0], format!("{REFERENCE}2021.xlsx"));
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        reference,
        "not replaced before confirming"
    );
    assert_eq!(
        site.input_files()
            .iter()
            .filter(|n| !n.starts_with('.'))
            .count(),
        1
    );

    // Cancelled: nothing changes, the pending upload is gone.
    let pending = answer["pending"].as_str().unwrap();
    let (status, _, _) = site
        .send(post(&format!("/api/uploads/{pending}/cancel")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(site.input_files(), [format!("{REFERENCE}2021.xlsx")]);
    assert_eq!(
        site.send(post(&format!("/api/uploads/{pending}/confirm")))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Confirmed: the old file is in backup/, the new one in input/, and it is built.
    let (_, result) = site.upload(&[("second.xlsx", &corrected)]).await;
    let pending = result["files"][0]["pending"].as_str().unwrap().to_string();
    let (status, _, body) = site
        .send(post(&format!("/api/uploads/{pending}/confirm")))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let confirmed: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(confirmed["result"], "saved");
    assert_eq!(site.input_files(), [format!("{REFERENCE}2021.xlsx")]);
    assert_eq!(std::fs::read(&stored).unwrap(), corrected);
    let backups = names(&site.dir.path().join("backup"));
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(
        backups[0].ends_with(&format!("-{REFERENCE}2021.xlsx")),
        "{backups:?}"
    );
    assert_eq!(
        std::fs::read(site.dir.path().join("backup").join(&backups[0])).unwrap(),
        reference
    );
    let rows = site.settled().await;
    assert_eq!(rows.len(), 1);
    assert!(
        matches!(rows[0]["status"].as_str().unwrap(), "passed" | "warning"),
        "{}",
        rows[0]
    );
    // The page shows what the correction changed.
    let id = rows[0]["id"].as_str().unwrap();
    let detail = site.json(&format!("/api/departments/{id}")).await;
    assert_eq!(
        detail["changes"],
        serde_json::json!(["总体绩效目标!A4：新增第3段“新增的一段总体目标。”"]),
        "{detail}"
    );
    // Where the change shows: the first page that differs from the document before, and the
    // page of the change line; the new paragraph is printed on it.
    let first = detail["first_changed"].as_u64().expect("a changed page") as usize;
    assert!(first > 1, "the cover does not change: {detail}");
    assert_eq!(detail["change_pages"], json!([first]));
    let (status, _, png) = site
        .get(&format!("/api/departments/{id}/pages/{first}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(png.starts_with(b"\x89PNG"));
}

#[tokio::test]
async fn an_identical_upload_is_recognised_and_makes_no_backup() {
    let site = Site::new(Limits::default());
    let reference = reference_bytes();
    site.upload(&[("first.xlsx", &reference)]).await;
    site.settled().await;
    let (status, result) = site.upload(&[("again.xlsx", &reference)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        result["files"][0],
        json!({"result": "same", "original": "again.xlsx", "file": format!("{REFERENCE}2021.xlsx")})
    );
    assert_eq!(site.input_files(), [format!("{REFERENCE}2021.xlsx")]);
    assert!(names(&site.dir.path().join("backup")).is_empty());
    assert_eq!(site.json("/api/departments").await["pending"], json!([]));
}

/// The question outlives the page that asked it (the list carries it), says what the new
/// workbook will do, and expires with its temporary file.
#[tokio::test]
async fn a_pending_replacement_is_listed_says_its_errors_and_expires() {
    let site = Site::new(Limits {
        question_for: Duration::from_secs(2),
        ..Limits::default()
    });
    site.upload(&[("first.xlsx", &reference_bytes())]).await;
    site.settled().await;
    let defective = workbook(REFERENCE, true);
    let (_, result) = site.upload(&[("corrected.xlsx", &defective)]).await;
    let answer = &result["files"][0];
    assert_eq!(answer["result"], "confirm", "{result}");
    assert_eq!(answer["errors"], 1, "{answer}");
    let listed = site.json("/api/departments").await["pending"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let question = &listed[0];
    for key in [
        "pending",
        "original",
        "department",
        "year",
        "existing",
        "errors",
    ] {
        assert_eq!(question[key], answer[key], "{key}: {question}");
    }
    assert!(question["expires_in"].as_u64().unwrap() <= 2, "{question}");
    let hidden = |site: &Site| {
        site.input_files()
            .into_iter()
            .filter(|n| n.starts_with('.'))
            .count()
    };
    assert_eq!(hidden(&site), 1, "the upload waits in a temporary file");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(site.json("/api/departments").await["pending"], json!([]));
    assert_eq!(
        hidden(&site),
        0,
        "the expired upload's temporary file is gone"
    );
    let pending = answer["pending"].as_str().unwrap();
    assert_eq!(
        site.send(post(&format!("/api/uploads/{pending}/confirm")))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        std::fs::read(site.input().join(format!("{REFERENCE}2021.xlsx"))).unwrap(),
        reference_bytes(),
        "an expired question replaces nothing"
    );
}

/// A workbook of junk rows: the page gets the first findings of each sheet and the count of
/// the rest; the findings workbook has them all.
#[tokio::test]
async fn findings_are_bounded_per_sheet_and_the_report_has_them_all() {
    let site = Site::new(Limits::default());
    let mut department = jixiao::reference::department();
    let template = department.projects[0].indicators[0].clone();
    for i in 0..300 {
        let mut junk = template.clone();
        junk.level1 = format!("无此指标{i}");
        department.projects[0].indicators.push(junk);
    }
    let bytes = jixiao::xlsx::fill_in::form(Some(&department))
        .unwrap()
        .save_to_buffer()
        .unwrap();
    site.upload(&[("junk.xlsx", &bytes)]).await;
    let rows = site.settled().await;
    let id = rows[0]["id"].as_str().unwrap();
    let detail = site.json(&format!("/api/departments/{id}")).await;
    let total =
        (detail["errors"].as_u64().unwrap() + detail["warnings"].as_u64().unwrap()) as usize;
    assert!(total >= 300, "{}", detail["errors"]);
    let sheets = detail["groups"].as_array().unwrap();
    let indicators = sheets
        .iter()
        .find(|g| g["sheet"] == "项目指标")
        .unwrap_or_else(|| panic!("{detail}"));
    let listed = indicators["findings"].as_array().unwrap().len();
    assert_eq!(listed, jixiao::serve::FINDINGS_PER_SHEET);
    let more = indicators["more"].as_u64().unwrap() as usize;
    assert!(more > 0);
    let shown: usize = sheets
        .iter()
        .map(|g| g["findings"].as_array().unwrap().len() + g["more"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(shown, total, "every finding is listed or counted");

    let (status, _, xlsx) = site.get(&format!("/api/departments/{id}/report")).await;
    assert_eq!(status, StatusCode::OK);
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let overview = calamine::Reader::worksheet_range(&mut book, "总览").unwrap();
    assert_eq!(overview.height(), total + 1, "a header and every finding");
}

/// 撤下 moves the workbook and its PDF to backup/ and takes the department off the list;
/// 撤销 puts them back, unless their places are taken meanwhile.
#[tokio::test]
async fn a_department_is_withdrawn_to_backup_and_restored() {
    let site = Site::new(Limits::default());
    site.upload(&[("first.xlsx", &reference_bytes())]).await;
    let rows = site.settled().await;
    let id = rows[0]["id"].as_str().unwrap().to_string();
    let output = site.dir.path().join("output");
    let pdf = format!("{REFERENCE}2021年部门预算绩效文本.pdf");
    assert!(output.join(&pdf).is_file());
    let pdf_bytes = std::fs::read(output.join(&pdf)).unwrap();

    let (status, _, body) = site
        .send(post(&format!("/api/departments/{id}/withdraw")))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let withdrawn: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(withdrawn["label"], format!("{REFERENCE} 2021 年度"));
    assert!(site.input_files().is_empty());
    assert!(!output.join(&pdf).exists());
    let backups = names(&site.dir.path().join("backup"));
    assert_eq!(backups.len(), 2, "{backups:?}");
    assert!(backups.iter().any(|b| b.ends_with(&pdf)), "{backups:?}");
    let list = site.json("/api/departments").await;
    assert_eq!(list["departments"], json!([]));
    assert_eq!(list["withdrawn"][0]["id"], withdrawn["id"]);

    // 撤销: back where they were, checked again, the PDF still up to date.
    let undo = withdrawn["id"].as_str().unwrap();
    let (status, _, _) = site
        .send(post(&format!("/api/withdrawn/{undo}/restore")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(site.input_files(), [format!("{REFERENCE}2021.xlsx")]);
    assert_eq!(std::fs::read(output.join(&pdf)).unwrap(), pdf_bytes);
    assert!(names(&site.dir.path().join("backup")).is_empty());
    let rows = site.settled().await;
    assert_eq!(rows[0]["status"], "passed", "{}", rows[0]);
    assert_eq!(site.json("/api/departments").await["withdrawn"], json!([]));

    // Withdrawn, then uploaded again: the undo would overwrite it, so it is refused.
    let id = rows[0]["id"].as_str().unwrap().to_string();
    let (_, _, body) = site
        .send(post(&format!("/api/departments/{id}/withdraw")))
        .await;
    let withdrawn: Value = serde_json::from_slice(&body).unwrap();
    site.upload(&[("again.xlsx", &reference_bytes())]).await;
    site.settled().await;
    let undo = withdrawn["id"].as_str().unwrap();
    let (status, _, body) = site
        .send(post(&format!("/api/withdrawn/{undo}/restore")))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&body).contains("已有同名文件"));
    assert_eq!(names(&site.dir.path().join("backup")).len(), 2);

    // An unreadable file is withdrawn the same way.
    let (_, result) = site
        .upload(&[("坏.xlsx", b"PK\x03\x04 not really a zip")])
        .await;
    let bad = result["files"][0]["id"].as_str().unwrap().to_string();
    site.settled().await;
    let (status, _, _) = site
        .send(post(&format!("/api/departments/{bad}/withdraw")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(site.input_files(), [format!("{REFERENCE}2021.xlsx")]);
}

#[tokio::test]
async fn workbooks_already_in_input_are_listed_and_build_all_builds_them() {
    let site = Site::new(Limits::default());
    std::fs::write(site.input().join("a.xlsx"), workbook("甲部门", false)).unwrap();
    std::fs::write(site.input().join("b.xlsx"), workbook("乙部门", true)).unwrap();
    // A department of another year: its own volume.
    let mut later = jixiao::reference::department();
    later.name = "丙部门".into();
    later.year = 2025;
    later.title = "丙部门2025年部门预算绩效文本".into();
    let later = jixiao::xlsx::fill_in::form(Some(&later))
        .unwrap()
        .save_to_buffer()
        .unwrap();
    std::fs::write(site.input().join("c.xlsx"), later).unwrap();
    // A self-evaluation of 2021: the page's volumes are of the goals, so it is in none, and
    // changes none.
    jixiao::xlsx::department::write_evaluation(
        &jixiao::reference::self_evaluation_department(),
        &jixiao::reference::evaluation::evaluation(),
        &site.input().join("d.xlsx"),
    )
    .unwrap();
    let rows = site.settled().await;
    assert_eq!(row(&rows, "甲部门")["status"], "missing");
    assert_eq!(row(&rows, "甲部门")["label"], "未生成");
    assert_eq!(row(&rows, "乙部门")["status"], "error");
    // No volume or summary workbook before 全部生成.
    let list = site.json("/api/departments").await;
    assert_eq!(
        (&list["volumes"], &list["summary_workbook"]),
        (&json!([]), &json!(false))
    );
    assert_eq!(site.get("/api/volumes/2021").await.0, StatusCode::NOT_FOUND);
    let (status, _, body) = site.send(post("/api/build")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["queued"], 4);
    let rows = site.settled().await;
    assert!(
        matches!(
            row(&rows, "甲部门")["status"].as_str().unwrap(),
            "passed" | "warning"
        ),
        "{}",
        row(&rows, "甲部门")
    );
    assert_eq!(row(&rows, "乙部门")["status"], "error");
    let list = site.json("/api/departments").await;
    assert!(
        list["summary"].as_str().unwrap().contains("生成 3 个"),
        "{list}"
    );
    // 全部生成 also wrote a volume per year (the departments without errors) and the summary
    // workbook.
    let summary = list["summary"].as_str().unwrap();
    assert_eq!(
        summary.matches("已写出汇编：1 个部门").count(),
        2,
        "{summary}"
    );
    assert!(
        summary.contains("2021年部门预算绩效文本汇编.pdf"),
        "{summary}"
    );
    assert!(
        summary.contains("2025年部门预算绩效文本汇编.pdf"),
        "{summary}"
    );
    assert!(summary.contains("已写出汇总表"), "{summary}");
    assert!(summary.contains("未收入汇编的工作簿 1 个"), "{summary}");
    assert!(summary.contains("绩效自评报告 1 个未收入汇编"), "{summary}");
    assert!(!summary.contains("未生成汇编"), "{summary}");
    assert_eq!(
        (&list["volumes"], &list["summary_workbook"]),
        (
            &json!([
                {"year": 2021, "file": "2021年部门预算绩效文本汇编.pdf", "stale": false},
                {"year": 2025, "file": "2025年部门预算绩效文本汇编.pdf", "stale": false}
            ]),
            &json!(true)
        )
    );
    let (status, headers, pdf) = site.get("/api/volumes/2021").await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    let (status, _, xlsx) = site.get("/api/summary").await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));
    // What `jixiao build` wrote is what the page sees: a second server on the folder calls it
    // up to date.
    drop(site.server);
    let again = Server::new(Config {
        dir: site.dir.path().to_path_buf(),
        port: PORT,
        token: TOKEN.into(),
        limits: Limits::default(),
        fonts: Default::default(),
        opener: None,
    })
    .unwrap();
    let site = Site {
        router: again.router(),
        server: again,
        dir: site.dir,
    };
    let rows = site.settled().await;
    // One state for one state of things: a PDF up to date without warnings is 通过, whoever
    // built it.
    assert_eq!(row(&rows, "甲部门")["status"], "passed");
    assert_eq!(row(&rows, "甲部门")["label"], "通过");
    assert_eq!(row(&rows, "甲部门")["pdf"]["current"], true);
    // The volumes are still what the departments are, after the restart too; withdrawing the
    // 2025 department makes that year's volume stale, and only that one.
    let volumes = |list: &Value| -> Vec<(i64, bool)> {
        list["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["year"].as_i64().unwrap(), v["stale"].as_bool().unwrap()))
            .collect()
    };
    assert_eq!(
        volumes(&site.json("/api/departments").await),
        [(2021, false), (2025, false)]
    );
    let later = row(&rows, "丙部门")["id"].as_str().unwrap().to_string();
    let (status, _, _) = site
        .send(post(&format!("/api/departments/{later}/withdraw")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        volumes(&site.json("/api/departments").await),
        [(2021, false), (2025, true)]
    );
    // Withdrawing the self-evaluation of 2021 leaves that year's volume as it is.
    let evaluation = rows
        .iter()
        .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with("d.xlsx")))
        .unwrap_or_else(|| panic!("{rows:?}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _, _) = site
        .send(post(&format!("/api/departments/{evaluation}/withdraw")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        volumes(&site.json("/api/departments").await),
        [(2021, false), (2025, true)]
    );
    // Its preview is rendered on demand.
    let id = row(&rows, "甲部门")["id"].as_str().unwrap().to_string();
    let (status, _, png) = site.get(&format!("/api/departments/{id}/pages/1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(png.starts_with(b"\x89PNG"));
}

#[tokio::test]
async fn fill_in_workbooks_download() {
    let site = Site::new(Limits::default());
    for (path, name) in [
        ("/api/template", "%E9%83%A8%E9%97%A8"),
        ("/api/example", "%E5%94%90%E5%B1%B1"),
    ] {
        let (status, headers, body) = site.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.starts_with(b"PK\x03\x04"), "{path}");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.contains(name), "{disposition}");
        // The example never downloads under the name of a department's own stored workbook.
        if path == "/api/example" {
            assert!(
                disposition.contains("filename*=UTF-8''%E7%A4%BA%E4%BE%8B-"),
                "{disposition}"
            );
        }
    }
    let (status, headers, body) = site.get("/favicon.ico").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert!(body.starts_with(b"\x89PNG"));
    // The example is the reference department, which the reader accepts.
    let (_, _, body) = site.get("/api/example").await;
    let file = tempfile::NamedTempFile::with_suffix(".xlsx").unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let checked = jixiao::check::check_path(file.path());
    assert_eq!(checked.department_name.as_deref(), Some(REFERENCE));
}

#[tokio::test]
async fn events_stream_and_quit() {
    let site = Site::new(Limits::default());
    let (status, headers, _) = {
        let response = site
            .router
            .clone()
            .oneshot(get("/api/events"))
            .await
            .unwrap();
        (response.status(), response.headers().clone(), ())
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/event-stream");
    let (status, _, _) = site.send(post("/api/quit")).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::timeout(Duration::from_secs(5), site.server.quit_requested())
        .await
        .expect("quit is signalled");
}

/// A department's goals and its self-evaluation upload side by side (no question of replacing
/// one with the other), each listed under its own name; the goals' detail offers the
/// self-evaluation's form pre-filled from them, and the form reads back as those goals.
#[tokio::test]
async fn goals_and_self_evaluation_are_two_documents_and_the_form_comes_from_the_goals() {
    let site = Site::new(Limits::default());
    let department = jixiao::reference::self_evaluation_department();
    let evaluation = jixiao::reference::evaluation::evaluation();
    let book = jixiao::xlsx::department::evaluation_to_workbook(&department, &evaluation)
        .unwrap()
        .save_to_buffer()
        .unwrap();
    let goals = reference_bytes();
    let (status, body) = site
        .upload(&[("目标.xlsx", &goals), ("自评.xlsx", &book)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = site.settled().await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        site.json("/api/departments").await["pending"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let goals_row = row(&rows, REFERENCE);
    let evaluation_row = row(&rows, &format!("{REFERENCE}（绩效自评）"));
    for r in [goals_row, evaluation_row] {
        assert_eq!(r["status"], "passed", "{r}");
    }

    let detail = site
        .json(&format!(
            "/api/departments/{}",
            goals_row["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(detail["self_evaluation_form"], true);
    let id = evaluation_row["id"].as_str().unwrap();
    let detail = site.json(&format!("/api/departments/{id}")).await;
    assert_eq!(detail["self_evaluation_form"], false);

    let path = format!(
        "/api/departments/{}/self-evaluation",
        goals_row["id"].as_str().unwrap()
    );
    let (status, headers, body) = site.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    // {部门名称}{年度}绩效自评.xlsx
    assert!(
        disposition.contains("2021%E7%BB%A9%E6%95%88%E8%87%AA%E8%AF%84.xlsx"),
        "{disposition}"
    );
    let file = tempfile::NamedTempFile::with_suffix(".xlsx").unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let read = jixiao::read::read(file.path()).workbook.unwrap();
    let expected = jixiao::evaluation::evaluated(&jixiao::reference::department());
    assert_eq!(read.department, expected);
    assert_eq!(
        read.evaluation,
        Some(jixiao::evaluation::Evaluation::blank_for(&expected))
    );
}
