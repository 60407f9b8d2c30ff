//! `jixiao serve` under load, over loopback only, bounded in count and time:
//!
//! 1. **Latency**: a corrected workbook of the reference department uploaded (and the
//!    replacement confirmed, as the page does) until the page it changed is served as PNG;
//!    fonts and typesetter already loaded, as in a running server. Goal: ≤ 0.3 s.
//! 2. **Load**: while 全部生成 builds 40 departments, 20 uploads of other departments at once
//!    and 100 page loads (page, script, style, list) at once. Every upload must end built,
//!    nothing lost, and the server must still answer.
//!
//! 3. **In the browser** (`-- browser`): Debian's headless Chromium shows the reference
//!    department; a corrected workbook is uploaded and 替换 clicked, and the time from the click
//!    until the page the correction changed has loaded in the preview is taken in the page
//!    (`performance.now()`), over 12 rounds (`tests/browser/correction_latency.py`). With
//!    `busy`, two processes keep both cores busy meanwhile.
//!
//! 4. **Findings** (`-- findings`): a workbook with 99,900 junk indicator rows (about 300,000
//!    findings) uploaded; the server's memory (this process's RSS) before, after its check, and
//!    after the department is withdrawn; the size and time of the detail the page loads and of
//!    the findings workbook.
//!
//! ```sh
//! cargo bench --profile dev --bench serve
//! cargo bench --profile dev --bench serve -- latency         # the latency only
//! cargo bench --profile dev --bench serve -- browser [busy]  # in Chromium
//! cargo bench --profile dev --bench serve -- findings        # 300,000 findings
//! ```

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use jixiao::serve::{Config, Limits, Server};
use serde_json::Value;

const TOKEN: &str = "00112233445566778899aabbccddeeff";
const REFERENCE: &str = "唐山高新区行政服务中心";
/// Corrected uploads timed.
const ROUNDS: usize = 10;
const BATCH: usize = 40;
const UPLOADS: usize = 20;
const PAGE_LOADS: usize = 100;
/// The volume 全部生成 writes for the reference year.
const VOLUME: &str = "2021年部门预算绩效文本汇编.pdf";

fn main() {
    // `cargo test --benches` runs benches without `--bench`: nothing to measure there.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(Config {
        dir: dir.path().to_path_buf(),
        port: addr.port(),
        token: TOKEN.into(),
        limits: Limits::default(),
        fonts: Default::default(),
        opener: None,
    })
    .unwrap();
    let router = server.router();
    runtime.spawn(async move { axum::serve(listener, router).await });
    let client = Client { addr };

    let mode = |name: &str| std::env::args().any(|a| a == name);
    if mode("findings") {
        findings(&client);
    } else if mode("browser") {
        browser(&client, dir.path(), mode("busy"));
    } else {
        latency(&client);
        if !mode("latency") {
            load(&client, dir.path());
        }
    }
    drop(server);
}

struct Client {
    addr: SocketAddr,
}

impl Client {
    /// One HTTP/1.0 request (the response ends with the connection): status and body.
    fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(300)))
            .unwrap();
        let port = self.addr.port();
        let mut head = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nCookie: jixiao-{port}={TOKEN}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = content_type {
            head.push_str(&format!("Content-Type: {t}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let status: u16 = String::from_utf8_lossy(&response[9..12]).parse().unwrap();
        (status, response[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        self.request("GET", path, None, b"")
    }

    fn json(&self, method: &str, path: &str) -> Value {
        let (status, body) = self.request(method, path, None, b"");
        assert!(
            status < 300,
            "{path}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).unwrap()
    }

    fn upload(&self, name: &str, bytes: &[u8]) -> Value {
        let boundary = "----jixiao-bench";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let (status, body) = self.request("POST", "/api/upload", Some(&content_type), &body);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// Waits (bounded) until nothing is being checked or built.
    fn settle(&self) -> Vec<Value> {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(600) {
            let list = self.json("GET", "/api/departments");
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
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("not settled within 10 minutes");
    }
}

fn workbook(department: &jixiao::model::Department) -> Vec<u8> {
    jixiao::xlsx::fill_in::form(Some(department))
        .unwrap()
        .save_to_buffer()
        .unwrap()
}

fn renamed(name: &str) -> Vec<u8> {
    let mut d = jixiao::reference::department();
    d.name = name.to_string();
    d.title = format!("{name}2021年部门预算绩效文本");
    workbook(&d)
}

/// The reference department with one more paragraph of 总体绩效目标, different each round.
fn correction(round: usize) -> jixiao::model::Department {
    let mut d = jixiao::reference::department();
    d.overall_goals
        .push(format!("第 {round} 次更正新增的一段总体绩效目标。"));
    d
}

fn stats(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 9 / 10).min(times.len() - 1)]),
        ms(*times.last().unwrap())
    )
}

fn latency(client: &Client) {
    let reference = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("input/{REFERENCE}2021.xlsx")),
    )
    .unwrap();
    client.upload("reference.xlsx", &reference);
    let id = client.settle()[0]["id"].as_str().unwrap().to_string();
    let mut times = Vec::new();
    // The page a correction of 总体绩效目标 changes, as the server found it (round 0 finds it;
    // it is timed like the others, asking for page 2 until then).
    let mut changed = 2;
    for round in 0..ROUNDS {
        let corrected = workbook(&correction(round));
        let start = Instant::now();
        let answer = client.upload("corrected.xlsx", &corrected);
        let pending = answer["files"][0]["pending"].as_str().unwrap().to_string();
        client.json("POST", &format!("/api/uploads/{pending}/confirm"));
        let (status, png) = client.get(&format!("/api/departments/{id}/pages/{changed}"));
        let elapsed = start.elapsed();
        assert_eq!(status, 200);
        assert!(png.starts_with(b"\x89PNG"));
        times.push(elapsed);
        // The rest of this build (the other pages, the PDF, the records) ends before the next
        // correction: a person reads the new page before correcting again.
        client.settle();
        let detail = client.json("GET", &format!("/api/departments/{id}"));
        changed = detail["first_changed"].as_u64().unwrap_or(2) as usize;
    }
    println!(
        "latency, corrected upload → the page it changed served ({ROUNDS} rounds): {}",
        stats(times)
    );
}

/// This process's resident memory, in MB (Linux).
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A workbook of junk: the reference with 99,900 more indicator rows, each wrong several ways.
fn findings(client: &Client) {
    let mut d = jixiao::reference::department();
    let template = d.projects[0].indicators[0].clone();
    for i in 0..99_900 {
        let mut junk = template.clone();
        junk.level1 = format!("垃圾{i}");
        junk.level2 = String::new();
        junk.level3 = String::new();
        junk.description = String::new();
        junk.basis = String::new();
        junk.value = jixiao::model::IndicatorValue::parse("");
        d.projects[0].indicators.push(junk);
    }
    let bytes = workbook(&d);
    drop(d);
    if let Ok(path) = std::env::var("JIXIAO_JUNK") {
        std::fs::write(path, &bytes).unwrap();
    }
    let baseline = rss_mb();
    let t = Instant::now();
    let answer = client.upload("junk.xlsx", &bytes);
    let id = answer["files"][0]["id"].as_str().unwrap().to_string();
    client.settle();
    let checked = t.elapsed();
    let after_check = rss_mb();
    let t = Instant::now();
    let (status, detail) = client.get(&format!("/api/departments/{id}"));
    let detail_time = t.elapsed();
    assert_eq!(status, 200);
    let parsed: Value = serde_json::from_slice(&detail).unwrap();
    let total = parsed["errors"].as_u64().unwrap() + parsed["warnings"].as_u64().unwrap();
    let listed: usize = parsed["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["findings"].as_array().unwrap().len())
        .sum();
    let t = Instant::now();
    let (status, report) = client.get(&format!("/api/departments/{id}/report"));
    let report_time = t.elapsed();
    assert_eq!(status, 200);
    let after_report = rss_mb();
    client.json("POST", &format!("/api/departments/{id}/withdraw"));
    std::thread::sleep(Duration::from_millis(500));
    let after_removal = rss_mb();
    println!(
        "findings: workbook {} KB, {total} findings, {listed} listed; checked in {:.1} s",
        bytes.len() / 1024,
        checked.as_secs_f64()
    );
    println!(
        "findings: detail {} KB in {} ms; findings workbook {} KB in {:.1} s",
        detail.len() / 1024,
        detail_time.as_millis(),
        report.len() / 1024,
        report_time.as_secs_f64()
    );
    println!(
        "findings: memory (RSS) {baseline:.0} MB before, {after_check:.0} MB after the check, {after_report:.0} MB after the findings workbook, {after_removal:.0} MB after withdrawing it"
    );
}

/// Corrections timed in Chromium, from the click on 替换 to the changed page shown.
fn browser(client: &Client, dir: &Path, busy: bool) {
    let reference = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("input/{REFERENCE}2021.xlsx")),
    )
    .unwrap();
    client.upload("reference.xlsx", &reference);
    let id = client.settle()[0]["id"].as_str().unwrap().to_string();
    let rounds = 12;
    let mut files = Vec::new();
    for round in 0..rounds {
        let path = dir.join(format!("更正{round}.xlsx"));
        std::fs::write(&path, workbook(&correction(round))).unwrap();
        files.push(path);
    }
    // Busy loops, ended with the bench (bounded: at most the script's own time limit).
    let load: Vec<std::process::Child> = (0..if busy { 2 } else { 0 })
        .map(|_| {
            std::process::Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .spawn()
                .unwrap()
        })
        .collect();
    let address = format!("http://{}/?token={TOKEN}", client.addr);
    let out = std::process::Command::new("/usr/bin/python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/correction_latency.py"))
        .arg(&address)
        .arg(&id)
        .args(&files)
        .output()
        .expect("run python3");
    for mut child in load {
        let _ = child.kill();
        let _ = child.wait();
    }
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the browser rounds failed");
}

fn load(client: &Client, dir: &Path) {
    for i in 0..BATCH {
        std::fs::write(
            dir.join(format!("input/batch-{i}.xlsx")),
            renamed(&format!("批量部门{i}")),
        )
        .unwrap();
    }
    client.settle();
    let start = Instant::now();
    client.json("POST", "/api/build");
    let uploads: Vec<Vec<u8>> = (0..UPLOADS)
        .map(|i| renamed(&format!("上传部门{i}")))
        .collect();
    let (upload_times, page_times) = std::thread::scope(|scope| {
        let uploads: Vec<_> = uploads
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                scope.spawn(move || {
                    let t = Instant::now();
                    let answer = client.upload(&format!("upload-{i}.xlsx"), bytes);
                    assert_eq!(answer["files"][0]["result"], "saved", "{answer}");
                    t.elapsed()
                })
            })
            .collect();
        let pages: Vec<_> = (0..PAGE_LOADS)
            .map(|_| {
                scope.spawn(move || {
                    let t = Instant::now();
                    for path in ["/", "/app.js", "/app.css", "/api/departments"] {
                        let (status, _) = client.get(path);
                        assert_eq!(status, 200, "{path}");
                    }
                    t.elapsed()
                })
            })
            .collect();
        (
            uploads
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect::<Vec<_>>(),
            pages
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect::<Vec<_>>(),
        )
    });
    let rows = client.settle();
    let total = start.elapsed();
    let built = |prefix: &str| {
        rows.iter()
            .filter(|r| r["department"].as_str().unwrap_or("").starts_with(prefix))
            .filter(|r| {
                matches!(r["status"].as_str().unwrap(), "passed" | "warning")
                    && r["pdf"]["current"] == true
            })
            .count()
    };
    assert_eq!(built("上传部门"), UPLOADS, "every upload built");
    assert_eq!(
        built("批量部门"),
        BATCH,
        "every department of the batch built"
    );
    let pdfs = std::fs::read_dir(dir.join("output"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .filter(|p| !p.ends_with(VOLUME))
        .count();
    assert_eq!(pdfs, 1 + BATCH + UPLOADS);
    // 全部生成 also wrote the volume (the departments are all of 2021).
    assert!(dir.join("output").join(VOLUME).is_file());
    let hello = client.json("GET", "/api/hello");
    assert_eq!(hello["app"], "jixiao");
    println!(
        "load, {UPLOADS} uploads at once during 全部生成 of {BATCH}: uploads answered in {}",
        stats(upload_times)
    );
    println!(
        "load, {PAGE_LOADS} page loads at once (page, script, style, list): {}",
        stats(page_times)
    );
    println!(
        "load: all {} departments built in {:.1} s; {} PDFs in output/, nothing lost, server answering",
        BATCH + UPLOADS,
        total.as_secs_f64(),
        pdfs
    );
}
