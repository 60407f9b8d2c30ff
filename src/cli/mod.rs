//! The `jixiao` command's own parts, which the library does not need: the flags ([`args`]), the
//! terminal's progress ([`progress`]), Ctrl-C, and one function per subcommand that calls the
//! library, prints what it returns and says the exit status. Nothing here builds anything.

pub mod args;
pub mod progress;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jixiao::build::{self, Batch, Cancel, Engine, Report};
use jixiao::check::report;
use jixiao::compile::{Fonts, roles};
use jixiao::diagnostic::Diagnostic;
use jixiao::publish::extract::{self, GoalsError};
use jixiao::publish::volume::VolumeOptions;
use jixiao::publish::{self, PublishOptions};
use jixiao::render::Renderer;
use jixiao::xlsx::evaluation_form::{self, EvaluationSource};
use jixiao::xlsx::fill_in::{self, Source, Template};
use jixiao::{Error, ErrorKind, platform};

use args::{BuildArgs, CheckArgs, ExtractArgs, FontsArgs, Format, Production, ServeArgs};
use args::{TemplateArgs, WatchArgs};
use progress::Progress;

/// The exit status of a command (README, “Exit status”).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: every department is fine (warnings allowed), or the command did what it was asked.
    Success,
    /// 1: a department has errors, or the command could not do its work.
    Failure,
    /// 2: the command was asked for something it cannot do (a usage error).
    Usage,
    /// 130: interrupted by Ctrl-C.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Interrupted => 130,
        }
    }

    /// Success unless `failed`.
    fn unless(failed: bool) -> Exit {
        if failed { Exit::Failure } else { Exit::Success }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

impl From<ErrorKind> for Exit {
    fn from(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::Usage => Exit::Usage,
            ErrorKind::Failed => Exit::Failure,
        }
    }
}

/// Prints `error` and gives the exit status its kind calls for.
fn fail(error: Error) -> Exit {
    eprintln!("{error}");
    Exit::from(error.kind())
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

/// On Ctrl-C: `cancel` is interrupted (the write in progress completes, what was built is
/// recorded, this run's temporary files are removed), `farewell` is printed and the process
/// exits with `exit`.
fn on_ctrl_c(cancel: &Cancel, farewell: &'static str, exit: Exit) {
    let cancel = cancel.clone();
    let installed = ctrlc::set_handler(move || {
        cancel.interrupt();
        eprintln!("{farewell}");
        std::process::exit(exit.code().into());
    });
    if let Err(e) = installed {
        eprintln!("无法设置中断处理：{e}");
    }
}

/// `jixiao check`.
pub fn check(args: CheckArgs) -> Exit {
    let findings = report::check_paths(&args.input.paths);
    match args.format {
        Format::Json => {
            println!("{}", findings.json());
            eprintln!("{}", findings.summary());
        }
        Format::Text => eprint!("{}", findings.text()),
    }
    if let Some(path) = &args.report {
        match jixiao::xlsx::findings::write(&findings, path) {
            Ok(()) => eprintln!("已写出审核意见工作簿 {}", path.display()),
            Err(e) => {
                eprintln!("无法写出审核意见工作簿 {}：{e}", path.display());
                return Exit::Failure;
            }
        }
    }
    Exit::unless(findings.errors() > 0)
}

/// Before anything is built for `build` and `watch`: the thread pool (`--jobs`, process-wide,
/// so set here), the output folder checked (never among the inputs), the engine made (fonts
/// with a Chinese face, templates, PDF standards; the output folder created).
fn engine(production: &Production, force: bool) -> Result<Engine, Error> {
    if let Some(jobs) = production.jobs {
        // Only fails when a pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global();
    }
    jixiao::output::check_output_folder(&production.input.paths, &production.output)?;
    Engine::new(build::Config {
        force,
        ..production.config()
    })
}

/// `jixiao build`.
pub fn build(args: BuildArgs) -> Exit {
    let production = &args.production;
    if let Some(summary) = &args.summary
        && let Err(e) = jixiao::output::check_output_file(&production.input.paths, summary)
    {
        return fail(e);
    }
    let engine = match engine(production, args.force) {
        Ok(engine) => engine,
        Err(e) => return fail(e),
    };
    let (files, problems) = jixiao::read::discover(&production.input.paths);
    print_diagnostics(&problems);
    on_ctrl_c(
        engine.cancel(),
        "已中断：其余文档未生成，已生成的 PDF 完好，没有留下临时文件",
        Exit::Interrupted,
    );
    let to_publish = PublishOptions {
        volumes: args
            .volume
            .map(|path| VolumeOptions {
                path,
                title: args.volume_title,
                publisher: args.publisher,
                year: args.volume_year,
                kind: None,
            })
            .into_iter()
            .collect(),
        summary: args.summary,
    };
    let progress = Progress::new(progress::Mode::detect(args.quiet));
    let batch = engine.build_all(&files, &progress);
    progress.finish();
    print_warnings(&batch);
    if files.is_empty() && problems.is_empty() {
        eprintln!("没有找到工作簿");
    }
    let published = publish::publish(&engine, &batch.reports, &to_publish);
    eprintln!("{}", build::summary(&batch.reports));
    for line in published.lines() {
        eprintln!("{line}");
    }
    Exit::unless(
        batch.reports.iter().any(Report::failed) || !problems.is_empty() || published.failed(),
    )
}

/// `jixiao watch`: the first build, then a rebuild of each workbook saved, with its findings and
/// changes, until Ctrl-C.
pub fn watch(args: WatchArgs) -> Exit {
    let engine = match engine(&args.production, false) {
        Ok(engine) => engine,
        Err(e) => return fail(e),
    };
    on_ctrl_c(
        engine.cancel(),
        "已停止监视：已生成的 PDF 完好，没有留下临时文件",
        Exit::Success,
    );
    // One line per document: a bar would come and go with every save.
    let mode = if args.quiet {
        progress::Mode::Quiet
    } else {
        progress::Mode::Lines
    };
    let progress = Progress::new(mode);
    let mut tell = |event: jixiao::watch::Event| match event {
        jixiao::watch::Event::Problems(problems) => print_diagnostics(&problems),
        jixiao::watch::Event::Built(batch) => {
            print_warnings(&batch);
            eprintln!("{}", build::summary(&batch.reports));
        }
        jixiao::watch::Event::Watching(folders) => {
            let folders: Vec<String> = folders.iter().map(|f| f.display().to_string()).collect();
            eprintln!(
                "正在监视 {}：保存工作簿后自动重新生成（按 Ctrl-C 结束）",
                folders.join("、")
            );
        }
        jixiao::watch::Event::Rebuilt(batch) => print_warnings(&batch),
        jixiao::watch::Event::WatchError(e) => eprintln!("警告：{e}"),
    };
    let paths = &args.production.input.paths;
    match jixiao::watch::run(&engine, paths, &progress, &mut tell) {
        Ok(()) => Exit::Success,
        Err(e) => fail(e),
    }
}

/// A run's warnings (those not of one workbook).
fn print_warnings(batch: &Batch) {
    for warning in &batch.warnings {
        eprintln!("警告：{warning}");
    }
}

/// `jixiao serve`.
pub fn serve(args: ServeArgs) -> Exit {
    let options = jixiao::serve::ServeOptions {
        dir: args.dir,
        port: args.port,
        open: !args.no_open,
        fonts: args.fonts.options(),
    };
    match jixiao::serve::run(options, &|line| eprintln!("{line}")) {
        Ok(()) => Exit::Success,
        Err(e) => fail(e),
    }
}

/// What a double-click in Explorer shows above the page's address: what this window is.
const DOUBLE_CLICK_INTRO: &str = "\
jixiao（绩效）：部门预算绩效文本生成工具

正在打开本程序的页面：在浏览器中放入各部门的工作簿，查看问题、生成并下载 PDF。
工作簿和 PDF 保存在本程序所在文件夹的 input 和 output 文件夹中。
这个窗口是页面的服务程序，用完页面后点页面上的“退出”，或直接关闭这个窗口。
（命令行用法：在本文件夹的地址栏输入 cmd 回车，再输入 jixiao --help）

";

/// Double-clicked (Windows, no arguments, a console of its own): the page over the program's
/// own folder, so a person who never opens a terminal has the whole tool.
pub fn serve_double_clicked() -> Exit {
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    serve_in_window(DOUBLE_CLICK_INTRO, dir)
}

/// The folder the desktop's menu entry works in: `绩效` in the home folder.
const DESKTOP_FOLDER: &str = "绩效";

/// `jixiao desktop`, what the menu entry of the Linux package runs in a terminal window: the
/// page over `~/绩效` (made when missing), as the Windows double-click opens it over the
/// program's folder.
pub fn desktop() -> Exit {
    let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) else {
        eprintln!("无法确定主目录（环境变量 HOME 未设置）");
        return Exit::Failure;
    };
    let dir = PathBuf::from(home).join(DESKTOP_FOLDER);
    let intro = format!(
        "jixiao（绩效）：部门预算绩效文本生成工具\n\n\
         正在打开本程序的页面：在浏览器中放入各部门的工作簿，查看问题、生成并下载 PDF。\n\
         工作簿和 PDF 保存在 {} 中的 input 和 output 文件夹。\n\
         这个窗口是页面的服务程序，用完页面后点页面上的“退出”，或直接关闭这个窗口。\n\
         （命令行用法：jixiao --help）\n\n",
        dir.display()
    );
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("无法创建文件夹 {}：{e}", dir.display());
        eprintln!("{}", platform::PRESS_A_KEY);
        platform::wait_for_key();
        return Exit::Failure;
    }
    serve_in_window(&intro, dir)
}

/// The page over `dir` for a person who started it from a window of its own (a double-click,
/// a menu entry), not from a terminal: `intro` says what the window is, and when the page cannot
/// start, the reason stays on screen until a key is pressed instead of the window closing.
fn serve_in_window(intro: &str, dir: PathBuf) -> Exit {
    eprint!("{intro}");
    let options = jixiao::serve::ServeOptions {
        dir,
        port: None,
        open: true,
        fonts: Default::default(),
    };
    match jixiao::serve::run(options, &|line| eprintln!("{line}")) {
        Ok(()) => Exit::Success,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("{}", platform::PRESS_A_KEY);
            platform::wait_for_key();
            Exit::Failure
        }
    }
}

/// `jixiao extract`.
pub fn extract(args: ExtractArgs) -> Exit {
    match jixiao::publish::extract::write(&args.pdf, args.output.as_deref()) {
        Ok(outcome) => {
            if let Some(json) = outcome.stdout {
                print!("{json}");
            }
            for path in outcome.written {
                eprintln!("已写出 {}", path.display());
            }
            Exit::Success
        }
        Err(e) => fail(e),
    }
}

/// `jixiao fonts`.
pub fn fonts(args: FontsArgs) -> Exit {
    let renderer = Renderer::new(args.templates.as_deref());
    let roles = match renderer.font_roles() {
        Ok(roles) => roles,
        Err(e) => return fail(e),
    };
    let fonts = Fonts::discover(&args.fonts.options());
    let (report, complete) = roles::report(&roles::resolve(roles, &fonts));
    print!("{report}");
    Exit::unless(!complete)
}

/// `jixiao templates export`.
pub fn export_templates(dir: &Path, force: bool) -> Exit {
    match jixiao::render::export_defaults(dir, force) {
        Ok(written) => {
            for path in written {
                println!("{}", path.display());
            }
            Exit::Success
        }
        Err(e) => {
            eprintln!("无法导出模板：{e}");
            Exit::Failure
        }
    }
}

/// `jixiao template`.
pub fn template(args: TemplateArgs) -> Exit {
    if args.self_eval {
        return self_evaluation_template(args);
    }
    let source = match (args.from, args.example) {
        (Some(path), _) => Source::LastYear(path),
        (None, true) => Source::Example,
        (None, false) => Source::Blank,
    };
    let template = match Template::make_with(&source, args.full) {
        Ok(t) => t,
        Err(fill_in::Error::Reading(diagnostics)) => {
            print_diagnostics(&diagnostics);
            if let Source::LastYear(path) = &source {
                eprintln!("{}：有错误，未生成下一年度的工作簿", path.display());
            }
            return Exit::Failure;
        }
        Err(e) => {
            eprintln!("{e}");
            return Exit::Failure;
        }
    };
    print_diagnostics(&template.warnings);
    save_template(template, args.output, args.force)
}

/// `template --self-eval`: the self-evaluation's form, blank, the example, or pre-filled from the
/// goals of a workbook or of the data attached to its PDF.
fn self_evaluation_template(args: TemplateArgs) -> Exit {
    let source = match (&args.from, args.example) {
        (Some(path), _) => match extract::goals(path) {
            Ok(goals) => EvaluationSource::Goals(Box::new(goals)),
            Err(GoalsError::Findings(diagnostics)) => {
                print_diagnostics(&diagnostics);
                eprintln!("{}：有错误，未生成绩效自评工作簿", path.display());
                return Exit::Failure;
            }
            Err(GoalsError::Failed(message)) => {
                eprintln!("{message}");
                return Exit::Failure;
            }
        },
        (None, true) => EvaluationSource::Example,
        (None, false) => EvaluationSource::Blank,
    };
    match evaluation_form::make(source) {
        Ok(template) => save_template(template, args.output, args.force),
        Err(e) => {
            eprintln!("{e}");
            Exit::Failure
        }
    }
}

/// Saves a template at `output`, or under its own name in the current folder.
fn save_template(mut template: Template, output: Option<PathBuf>, force: bool) -> Exit {
    let path = output.unwrap_or_else(|| PathBuf::from(template.file_name()));
    match template.save(&path, force) {
        Ok(()) => {
            eprintln!("已生成 {}", path.display());
            Exit::Success
        }
        Err(e) => {
            eprintln!("{e}");
            Exit::Failure
        }
    }
}
