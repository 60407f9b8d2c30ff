//! `jixiao serve`: a local web page for finance staff, served by the same binary over a working
//! folder that holds `input/` and `output/` exactly as `jixiao build` uses them, so the page and
//! the command line see the same state.
//!
//! - [`security`]: who may talk to the server (the `Host` check, the per-run token exchanged for
//!   a cookie, same-origin POSTs) and the headers every response carries.
//! - [`routes`]: the page (embedded HTML, CSS and JavaScript) and its JSON API.
//! - [`api`]: the JSON the routes answer and the events they send, typed.
//! - [`upload`]: uploaded workbooks into `input/`: limits counted while streaming, magic bytes,
//!   names made by the server, replacing a department's workbook only after the page confirms,
//!   with the old file moved to `backup/`.
//! - [`findings`]: a workbook's findings as the server keeps them, bounded per sheet.
//! - [`backup`]: the backup folder: replaced workbooks, withdrawn departments (撤下) and their
//!   undo.
//! - [`volumes`]: the volumes 全部生成 writes, one per year, and whether each is stale.
//! - [`pages`]: where a correction shows: the first page it changed, the page of each change.
//! - [`worker`]: the one build thread: checks, builds (the library's [`crate::build::Engine`],
//!   fonts and typesetter loaded once), page previews, progress events.
//! - [`app`]: what the server knows about each workbook of `input/`, and the queue to the build
//!   thread.
//!
//! Modules depend in that order, upwards: `api` and `app` know no other (`app` uses `api`'s
//! types), `worker`, `upload`, `backup` and `volumes` know `app`, `routes` knows them all. The server binds
//! 127.0.0.1 only. Nothing here is process-wide: a test can run several servers side by side.

mod api;
mod app;
mod backup;
mod config;
mod findings;
mod pages;
mod routes;
mod security;
mod upload;
mod volumes;
mod worker;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use crate::build::{self, Cancel, Engine, Pages};
use crate::compile::FontOptions;
use crate::error::{Error, Result};

pub use app::App;
pub use config::{
    BACKUP_DIR, Config, DEFAULT_PORT, Limits, PORT_TRIES, SUMMARY_FILE, folder_id, new_token,
};
pub use findings::PER_SHEET as FINDINGS_PER_SHEET;

use app::Job;

/// A server's application: the routes and the build thread behind them.
pub struct Server {
    app: Arc<App>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Discovers fonts, sets up the engine, starts the build thread and checks the workbooks
    /// already in `input/`. Creates `input/` and `output/` when missing.
    pub fn new(config: Config) -> Result<Self> {
        let (input, output) = (config.dir.join("input"), config.dir.join("output"));
        for dir in [&input, &output] {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("无法创建文件夹", dir, e))?;
        }
        let cancel = Cancel::new();
        let engine = Engine::new(build::Config {
            output,
            fonts: config.fonts.clone(),
            pages: Pages::Kept,
            cancel: cancel.clone(),
            ..build::Config::default()
        })?;
        upload::remove_stale(&input);
        let (jobs, queue) = std::sync::mpsc::channel();
        let app = Arc::new(App::new(config, engine.environment().clone(), cancel, jobs));
        let worker = worker::spawn(app.clone(), engine, queue);
        let stale = app.rescan();
        app.submit(Job::Check(stale));
        Ok(Self {
            app,
            worker: Some(worker),
        })
    }

    /// The routes, with every security rule applied.
    pub fn router(&self) -> Router {
        routes::router(self.app.clone())
    }

    /// Resolves once the page's 退出 button has been pressed.
    pub async fn quit_requested(&self) {
        self.app.quit_requested().await
    }

    /// Asks the server to quit, as the 退出 button does: event streams end.
    pub fn request_quit(&self) {
        self.app.request_quit();
    }

    /// Stops taking work, lets a build in progress finish (its files are written atomically)
    /// and ends the build thread. Pending uploads never confirmed are removed.
    pub fn close(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        self.app.close();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        self.app.discard_pending();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut();
    }
}

/// What `jixiao serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub dir: PathBuf,
    /// A fixed port; otherwise the first free one from [`DEFAULT_PORT`].
    pub port: Option<u16>,
    /// Open the default browser once bound.
    pub open: bool,
    pub fonts: FontOptions,
}

/// Runs `jixiao serve` until Ctrl-C or the page's 退出 button. Messages for the person at the
/// terminal are returned through `say`.
pub fn run(options: ServeOptions, say: &(dyn Fn(&str) + Sync)) -> Result<()> {
    let dir = std::path::absolute(&options.dir)
        .map_err(|e| Error::io("无法确定文件夹", &options.dir, e))?;
    if !dir.is_dir() {
        return Err(Error::failed(format!("文件夹 {} 不存在", dir.display())));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failed(format!("无法启动：{e}")))?;
    runtime.block_on(serve(dir, options, say))
}

async fn serve(dir: PathBuf, options: ServeOptions, say: &(dyn Fn(&str) + Sync)) -> Result<()> {
    let folder = folder_id(&dir);
    let listener = match bind(options.port, &folder).await? {
        Bound::Free(listener) => listener,
        Bound::Ours(opener) => {
            say("这个文件夹的 jixiao 页面已经在运行，正在打开它");
            if options.open {
                open_page(&opener, say);
            }
            return Ok(());
        }
    };
    let port = listener
        .local_addr()
        .map_err(|e| Error::failed(format!("无法确定端口：{e}")))?
        .port();
    let token = new_token()?;
    // The opening page: a local file that forwards the browser to the tokened address, so that
    // the token is never on a command line. Private to this user (the folder is 0700).
    let mut opener_dir = tempfile::Builder::new();
    opener_dir.prefix("jixiao-serve-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        opener_dir.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let opener_dir = opener_dir
        .tempdir()
        .map_err(|e| Error::failed(format!("无法创建临时文件夹：{e}")))?;
    let opener = opener_dir.path().join("jixiao.html");
    let address = format!("http://127.0.0.1:{port}/?token={token}");
    write_opener(&opener, &address).map_err(|e| Error::io("无法写入", &opener, e))?;

    let server = Server::new(Config {
        dir: dir.clone(),
        port,
        token,
        limits: Limits::default(),
        fonts: options.fonts.clone(),
        opener: Some(opener.clone()),
    })?;
    // Listening for the end before saying where the page is: a SIGTERM right after the address
    // (a session ending as it starts) then ends the server as 退出 does, never by default.
    let ended = ended();
    say(&format!("jixiao 页面已启动，文件夹 {}", dir.display()));
    // The address on a line of its own: a console 80 columns wide would wrap it mid-token.
    say("在浏览器中打开下面的地址（含访问令牌，请勿转发）：");
    say(&format!("  {address}"));
    say("按 Ctrl-C 或页面上的“退出”按钮结束");
    if options.open {
        open_page(&opener, say);
    }
    let router = server.router();
    // The shutdown signal owns its own handle on the state; the server is closed below.
    let app = server.app.clone();
    let result = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = ended => {}
                _ = app.quit_requested() => {}
            }
            app.request_quit();
        })
        .await;
    say("正在结束：等待进行中的生成完成……");
    tokio::task::spawn_blocking(move || server.close())
        .await
        .map_err(|e| Error::failed(format!("结束时出错：{e}")))?;
    drop(opener_dir);
    say("已退出");
    result.map_err(|e| Error::failed(format!("服务出错：{e}")))
}

/// Resolves when the process is asked to end: Ctrl-C, or SIGTERM (as a session's logout or
/// `kill` sends); the server then ends as on 退出, and its opening page is removed. On Unix the
/// signals are listened for from this call on, not from the first poll.
fn ended() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        Box::pin(async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(term) => {}
                _ = wait(interrupt) => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

enum Bound {
    Free(tokio::net::TcpListener),
    /// Our own server for this folder is on that port; its opening page.
    Ours(PathBuf),
}

/// Binds the port given, or the first free one from [`DEFAULT_PORT`]; a port held by our own
/// server for the same folder is taken as "already running".
async fn bind(port: Option<u16>, folder: &str) -> Result<Bound> {
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (DEFAULT_PORT..DEFAULT_PORT + PORT_TRIES).collect(),
    };
    for &p in &ports {
        match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, p))).await {
            Ok(listener) => return Ok(Bound::Free(listener)),
            Err(_) => {
                if let Some(opener) = ours(p, folder) {
                    return Ok(Bound::Ours(opener));
                }
            }
        }
    }
    Err(Error::failed(match port {
        Some(p) => format!("端口 {p} 已被其他程序占用；请用 --port 指定别的端口"),
        None => format!(
            "端口 {}–{} 都已被占用；请用 --port 指定别的端口",
            DEFAULT_PORT,
            DEFAULT_PORT + PORT_TRIES - 1
        ),
    }))
}

/// The opening page of our own server for `folder` on `port`, if that is what listens there.
fn ours(port: u16, folder: &str) -> Option<PathBuf> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let request =
        format!("GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.take(64 << 10).read_to_end(&mut response).ok()?;
    let response = String::from_utf8_lossy(&response);
    let body = response.split_once("\r\n\r\n")?.1;
    let hello: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    (hello["app"] == "jixiao" && hello["folder"] == folder)
        .then(|| hello["open"].as_str().map(PathBuf::from))
        .flatten()
        .filter(|p| p.is_file())
}

/// Writes the local page that forwards the browser to `address`.
fn write_opener(path: &Path, address: &str) -> std::io::Result<()> {
    let html = format!(
        "<!doctype html>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" content=\"0;url={address}\">\n<title>jixiao</title>\n<p><a href=\"{address}\">打开 jixiao 页面</a></p>\n"
    );
    let mut file = std::fs::File::create(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(html.as_bytes())
}

fn open_page(opener: &Path, say: &(dyn Fn(&str) + Sync)) {
    if let Err(e) = open::that_detached(opener) {
        say(&format!("无法打开浏览器（{e}），请手动打开上面的地址"));
    }
}
