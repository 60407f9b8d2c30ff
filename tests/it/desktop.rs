//! The page's server as the real binary runs it, over loopback: `jixiao desktop`, what the Linux
//! package's menu entry (部门预算绩效文本) runs (the page over `~/绩效`, made when missing, as the
//! Windows double-click opens it over the program's folder), ended by the page's 退出; and
//! `jixiao serve` ended by SIGTERM, as a logout ends it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// One HTTP/1.1 request to the server at `host`; the response's head and body.
fn request(host: &str, request: &str) -> (String, String) {
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (head.to_string(), body.to_string())
}

/// A running `jixiao` whose messages are read as they come.
struct Running {
    child: Child,
    said: Receiver<String>,
    seen: Vec<String>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start(command: &mut Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines, said) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        Running {
            child,
            said,
            seen: Vec::new(),
            reader: Some(reader),
        }
    }

    /// The tokened address it prints (without `http://`).
    fn address(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let line = self
                .said
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no address within 120 s: {:#?}", self.seen));
            self.seen.push(line.clone());
            if let Some(address) = line.trim().strip_prefix("http://") {
                return address.to_string();
            }
        }
    }

    /// Its exit status (bounded wait) and the lines it said after the address.
    fn ended(mut self, what: &str) -> (std::process::ExitStatus, Vec<String>) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "jixiao did not end after {what}");
            std::thread::sleep(Duration::from_millis(100));
        };
        self.reader.take().unwrap().join().unwrap();
        (status, self.said.try_iter().collect())
    }
}

#[test]
fn the_menu_entry_opens_the_page_over_the_home_folder() {
    let home = tempfile::tempdir().unwrap();
    let mut running = Running::start(
        Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .arg("desktop")
            .env("HOME", home.path())
            // No browser is opened in a test: `xdg-open` hands the page to $BROWSER.
            .env("BROWSER", "true"),
    );
    let address = running.address();
    let folder = home.path().join("绩效");
    let text = running.seen.join("\n");
    assert!(text.contains("正在打开本程序的页面"), "{text}");
    assert!(text.contains(&folder.display().to_string()), "{text}");
    assert!(folder.join("input").is_dir() && folder.join("output").is_dir());

    let (host, token) = address.split_once("/?token=").unwrap();
    let (_, hello) = request(
        host,
        &format!("GET /api/hello HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    let hello: serde_json::Value = serde_json::from_str(hello.trim()).unwrap();
    assert_eq!(hello["folder"], jixiao::serve::folder_id(&folder));

    // 退出, as the page's button does: the token for the cookie, then a same-origin POST.
    let (head, _) = request(
        host,
        &format!("GET /?token={token} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no cookie: {head}"))
        .to_string();
    let (head, _) = request(
        host,
        &format!(
            "POST /api/quit HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nCookie: {cookie}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (status, rest) = running.ended("退出");
    assert!(status.success(), "{status}");
    assert!(rest.iter().any(|l| l.contains("已退出")), "{rest:#?}");
}

/// The opening page (it holds the token) is in a folder only this user can read, and that
/// folder is gone after SIGTERM as after 退出.
#[cfg(unix)]
#[test]
fn sigterm_ends_the_server_and_removes_its_opening_page() {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let mut running = Running::start(
        Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .arg("serve")
            .arg(work.path())
            .arg("--no-open")
            .env("TMPDIR", temp.path()),
    );
    running.address();
    let openers: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("jixiao-serve-")
        })
        .collect();
    assert_eq!(openers.len(), 1, "{openers:?}");
    let mode = std::fs::metadata(&openers[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    assert!(openers[0].join("jixiao.html").is_file());

    let kill = Command::new("kill")
        .args(["-TERM", &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let (status, rest) = running.ended("SIGTERM");
    assert!(status.success(), "{status} {rest:#?}");
    assert!(!openers[0].exists(), "the opening page is removed");
}
