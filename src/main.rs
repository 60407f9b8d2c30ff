//! The `jixiao` command: parses arguments, calls the library, reports. Nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

mod cli;

use clap::{Args, Parser, Subcommand};

use cli::progress::{self, Progress};
use jixiao::build::{self, BuildOptions, Builder, Report};
use jixiao::compile::{self, CompileOptions, FontOptions, Fonts, Typesetter, roles};
use jixiao::diagnostic::Diagnostic;
use jixiao::platform;
use jixiao::publish::volume::VolumeOptions;
use jixiao::publish::{self, PublishOptions, Published};
use jixiao::render::Renderer;
use jixiao::xlsx::fill_in::{self, Source, Template};

/// 部门预算绩效文本生成工具：把各部门的绩效工作簿生成为可直接公开的 PDF。
#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    after_help = "工作簿怎样填写、每条检查规则的含义：docs/workbook.md；生成的文档及其排版：docs/document.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 读取、检查工作簿并生成 PDF（默认读取 input/，写入 output/）
    Build(BuildArgs),
    /// 只读取并检查工作簿，逐单元格报告问题，不生成 PDF
    Check(CheckArgs),
    /// 生成各部门填报用的工作簿：空白模板、填好的示例，或由上一年度的工作簿生成下一年度的
    Template(TemplateArgs),
    /// 在浏览器中打开本机页面：上传工作簿、查看问题所在单元格、预览并下载 PDF
    Serve(ServeArgs),
    /// 先生成一次，然后监视工作簿：每次保存后随即重新生成该部门，并显示问题和改动（Ctrl-C 结束）
    Watch(WatchArgs),
    /// 从 jixiao 生成的 PDF 中取出所附的部门数据：JSON，或可再次生成同一 PDF 的工作簿
    Extract(ExtractArgs),
    /// 列出各字体角色（标题、正文、标题、表格……）实际使用的字体及缺少的字体
    Fonts(FontsArgs),
    /// 排版模板（Typst）：导出内置默认模板以便修改
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
}

#[derive(Subcommand)]
enum TemplatesCommand {
    /// 把内置默认模板写入文件夹，修改后用 build --templates 文件夹 使用
    Export {
        /// 目标文件夹
        dir: PathBuf,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
}

/// Where fonts come from, for `build` and `fonts`.
#[derive(Args)]
struct FontArgs {
    /// 额外的字体文件夹（可多次指定）
    #[arg(long = "font-path")]
    font_paths: Vec<PathBuf>,
    /// 不使用系统字体（只用 --font-path 与内置字体）
    #[arg(long)]
    ignore_system_fonts: bool,
}

impl FontArgs {
    fn options(&self) -> FontOptions {
        FontOptions {
            font_paths: self.font_paths.clone(),
            ignore_system_fonts: self.ignore_system_fonts,
        }
    }

    fn discover(&self) -> Fonts {
        Fonts::discover(&self.options())
    }
}

#[derive(Args)]
struct FontsArgs {
    /// 模板文件夹（其中的 fonts.toml 替换内置的字体角色设置）
    #[arg(long)]
    templates: Option<PathBuf>,
    #[command(flatten)]
    fonts: FontArgs,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// 输出格式：text（按部门分组的中文说明，写到标准错误）或 json（写到标准输出）
    #[arg(long, value_parser = ["text", "json"], default_value = "text")]
    format: String,
    /// 另外写出审核意见工作簿（总览一张表，每个部门一张表）
    #[arg(long, value_name = "FILE.xlsx")]
    report: Option<PathBuf>,
}

#[derive(Args)]
struct ExtractArgs {
    /// jixiao 生成的 PDF（单个部门的文本，或汇编）
    pdf: PathBuf,
    /// 输出：FILE.json（部门数据）或 FILE.xlsx（部门工作簿）；汇编含多个部门时为文件夹，每个部门一个工作簿。
    /// 不指定时把 JSON 写到标准输出
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct TemplateArgs {
    /// 输出文件（默认：部门预算绩效填报模板.xlsx；--example、--from 时为 {部门名称}{年度}.xlsx）
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// 写出填好的示例（参考部门）而不是空白模板
    #[arg(long, conflicts_with = "from")]
    example: bool,
    /// 上一年度的工作簿：生成下一年度的工作簿，年度加一，其余内容保留供修改
    #[arg(long, value_name = "LAST_YEAR.xlsx")]
    from: Option<PathBuf>,
    /// 覆盖已存在的输出文件
    #[arg(long)]
    force: bool,
    /// 加上其他地区文本用到的可选列和表（项目属性、实施期、期间、权重、部门整体支出绩效目标表……）
    #[arg(long)]
    full: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// 工作文件夹（其中的 input/ 放工作簿，output/ 放 PDF；默认为当前文件夹）
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// 端口（默认从 8765 起找第一个可用的）
    #[arg(long)]
    port: Option<u16>,
    /// 不自动打开浏览器
    #[arg(long)]
    no_open: bool,
    #[command(flatten)]
    fonts: FontArgs,
}

#[derive(Args)]
struct InputArgs {
    /// 工作簿文件或文件夹（文件夹递归查找 .xlsx/.xlsm/.xls/.ods）
    #[arg(default_value = "input")]
    paths: Vec<PathBuf>,
}

/// What `build` and `watch` share: where the workbooks are and the PDFs go, and how they are made.
#[derive(Args)]
struct Production {
    #[command(flatten)]
    input: InputArgs,
    /// 输出文件夹
    #[arg(short, long, default_value = "output")]
    output: PathBuf,
    /// 模板文件夹：其中的文件逐个替换内置的默认模板
    #[arg(long)]
    templates: Option<PathBuf>,
    #[command(flatten)]
    fonts: FontArgs,
    /// PDF 标准，如 a-2b、a-3b、ua-1（可多次指定）
    #[arg(long = "pdf-standard", value_parser = compile::parse_standard)]
    standards: Vec<typst_pdf::PdfStandard>,
    /// 另外输出的格式：typ（编译所用的 Typst 源文件）、png（每页一张图片，便于审阅）；可多次指定
    #[arg(long, value_parser = ["typ", "png"])]
    emit: Vec<String>,
    /// 严格模式：字体无法显示的字符视为错误（默认为警告）
    #[arg(long)]
    strict: bool,
    /// 并行生成的文档数（默认为 CPU 核数）
    #[arg(short, long)]
    jobs: Option<usize>,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    production: Production,
    /// 全部重新生成，即使工作簿、模板、字体都没有变
    #[arg(long)]
    force: bool,
    /// 不显示进度和逐个文档的信息，只显示最后的汇总
    #[arg(short, long)]
    quiet: bool,
    /// 另外生成汇编：所有生成或未变的部门合为一个 PDF（封面、目录、连续页码）
    #[arg(long, value_name = "FILE.pdf")]
    volume: Option<PathBuf>,
    /// 汇编的标题（默认：{年度}年部门预算绩效文本汇编）
    #[arg(long, value_name = "标题", requires = "volume")]
    volume_title: Option<String>,
    /// 汇编封面上的编印单位（默认：各部门工作簿中最常见的审核单位，都没有时为“财政局”）
    #[arg(long, value_name = "单位", requires = "volume")]
    publisher: Option<String>,
    /// 另外写出汇总表：每个部门一行（项目数、金额合计、指标数、警告、错误、状态），所有项目一张表，合计行
    #[arg(long, value_name = "FILE.xlsx")]
    summary: Option<PathBuf>,
}

#[derive(Args)]
struct WatchArgs {
    #[command(flatten)]
    production: Production,
    /// 不显示逐个文档的信息，只显示汇总和改动以外的警告
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    if platform::started_by_double_click() {
        return serve_double_clicked();
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Build(args) => run_build(args),
        Command::Template(args) => template(args),
        Command::Serve(args) => serve(args),
        Command::Watch(args) => watch(args),
        Command::Extract(args) => extract(args),
        Command::Fonts(args) => fonts(args),
        Command::Templates {
            command: TemplatesCommand::Export { dir, force },
        } => export_templates(&dir, force),
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
/// own folder, so a person who never opens a terminal has the whole tool. When the page cannot
/// start, the reason stays on screen until a key is pressed instead of the window closing.
fn serve_double_clicked() -> ExitCode {
    eprint!("{DOUBLE_CLICK_INTRO}");
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let options = jixiao::serve::ServeOptions {
        dir,
        port: None,
        open: true,
        fonts: Default::default(),
    };
    match jixiao::serve::run(options, &|line| eprintln!("{line}")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("按任意键退出……");
            platform::wait_for_key();
            ExitCode::from(1)
        }
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let findings = jixiao::check::report::check_paths(&args.input.paths);
    if args.format == "json" {
        println!("{}", findings.json());
        eprintln!("{}", findings.summary());
    } else {
        eprint!("{}", findings.text());
    }
    if let Some(path) = &args.report {
        match findings.write_workbook(path) {
            Ok(()) => eprintln!("已写出审核意见工作簿 {}", path.display()),
            Err(e) => {
                eprintln!("无法写出审核意见工作簿 {}：{e}", path.display());
                return ExitCode::from(1);
            }
        }
    }
    if findings.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    let production = &args.production;
    if let Some(summary) = &args.summary
        && let Err(e) = build::check_output_file(&production.input.paths, summary)
    {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let fonts = match production.prepare() {
        Ok(fonts) => fonts,
        Err(status) => return status,
    };
    let (files, problems) = build::discover(&production.input.paths);
    print_diagnostics(&problems);
    if let Err(e) = build::install_interrupt_handler(production.output.clone()) {
        eprintln!("{e}");
    }
    let builder = match args.production.builder(fonts, args.force) {
        Ok(builder) => builder,
        Err(status) => return status,
    };
    let to_publish = PublishOptions {
        volume: args.volume.map(|path| VolumeOptions {
            path,
            title: args.volume_title,
            publisher: args.publisher,
        }),
        summary: args.summary,
    };
    let progress = Progress::new(progress::Mode::detect(args.quiet));
    let batch = builder.build_all(&files, &progress);
    progress.finish();
    print_warnings(&batch);
    if files.is_empty() && problems.is_empty() {
        eprintln!("没有找到工作簿");
    }
    let published = publish::publish(&builder, &batch.reports, &to_publish);
    eprintln!("{}", build::summary(&batch.reports));
    report_published(&published);
    if batch.reports.iter().any(Report::failed) || !problems.is_empty() || published.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

impl Production {
    /// Before anything is built: the thread pool (`--jobs`), the output folder checked (status
    /// 2) and created, the fonts found, with a Chinese face (else status 1 and nothing written).
    fn prepare(&self) -> Result<Fonts, ExitCode> {
        if let Some(jobs) = self.jobs {
            // Only fails when a pool already exists, which cannot happen this early.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(jobs.max(1))
                .build_global();
        }
        if let Err(e) = build::check_output_folder(&self.input.paths, &self.output) {
            eprintln!("{e}");
            return Err(ExitCode::from(2));
        }
        let fonts = self.fonts.discover();
        if let Err(e) = roles::require_chinese(&fonts) {
            eprintln!("{e}");
            return Err(ExitCode::from(1));
        }
        if let Err(e) = std::fs::create_dir_all(&self.output) {
            eprintln!("无法创建输出文件夹 {}：{e}", self.output.display());
            return Err(ExitCode::from(1));
        }
        Ok(fonts)
    }

    /// The builder: the typesetter set up with `fonts`, the templates, `--pdf-standard` and
    /// `--emit`. Fails (status 2, reason printed) when the templates cannot be used.
    fn builder(self, fonts: Fonts, force: bool) -> Result<Builder, ExitCode> {
        let emit_png = self.emit.iter().any(|e| e == "png");
        let mut settings: Vec<String> = self.standards.iter().map(|s| format!("{s:?}")).collect();
        if emit_png {
            settings.push("emit=png".to_string());
        }
        let compile = CompileOptions {
            root: self.templates.clone(),
            standards: self.standards,
            // 1.5 px per pt: 108 dpi, enough to read a page on screen.
            png_scale: emit_png.then_some(1.5),
        };
        let typesetter = Typesetter::new(fonts, compile).map_err(|e| {
            eprintln!("{e}");
            ExitCode::from(2)
        })?;
        Ok(Builder {
            renderer: Renderer::new(self.templates.as_deref()),
            typesetter,
            options: BuildOptions {
                output: self.output,
                emit_typ: self.emit.iter().any(|e| e == "typ"),
                force,
                settings,
                strict: self.strict,
                ..BuildOptions::default()
            },
        })
    }
}

/// `jixiao watch`: the first build, then a rebuild of each workbook saved, with its findings and
/// changes, until Ctrl-C.
fn watch(args: WatchArgs) -> ExitCode {
    let fonts = match args.production.prepare() {
        Ok(fonts) => fonts,
        Err(status) => return status,
    };
    if let Err(e) = build::on_interrupt(
        args.production.output.clone(),
        "已停止监视：已生成的 PDF 完好，没有留下临时文件",
        0,
    ) {
        eprintln!("{e}");
    }
    let paths = args.production.input.paths.clone();
    let builder = match args.production.builder(fonts, false) {
        Ok(builder) => builder,
        Err(status) => return status,
    };
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
    match jixiao::watch::run(&builder, &paths, &progress, &mut tell, &build::interrupted) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let options = jixiao::serve::ServeOptions {
        dir: args.dir,
        port: args.port,
        open: !args.no_open,
        fonts: args.fonts.options(),
    };
    match jixiao::serve::run(options, &|line| eprintln!("{line}")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// A run's warnings (those not of one workbook).
fn print_warnings(batch: &build::Batch) {
    for warning in &batch.warnings {
        eprintln!("警告：{warning}");
    }
}

fn report_published(published: &Published) {
    for line in published.lines() {
        eprintln!("{line}");
    }
}

fn extract(args: ExtractArgs) -> ExitCode {
    match jixiao::publish::extract::write(&args.pdf, args.output.as_deref()) {
        Ok(outcome) => {
            if let Some(json) = outcome.stdout {
                print!("{json}");
            }
            for path in outcome.written {
                eprintln!("已写出 {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn fonts(args: FontsArgs) -> ExitCode {
    let renderer = Renderer::new(args.templates.as_deref());
    let roles = match renderer.font_roles() {
        Ok(roles) => roles,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let fonts = args.fonts.discover();
    let (report, complete) = roles::report(&roles::resolve(roles, &fonts));
    print!("{report}");
    if complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn export_templates(dir: &std::path::Path, force: bool) -> ExitCode {
    match jixiao::render::export_defaults(dir, force) {
        Ok(written) => {
            for path in written {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("无法导出模板：{e}");
            ExitCode::from(1)
        }
    }
}

fn template(args: TemplateArgs) -> ExitCode {
    let source = match (args.from, args.example) {
        (Some(path), _) => Source::LastYear(path),
        (None, true) => Source::Example,
        (None, false) => Source::Blank,
    };
    let mut template = match Template::make_with(&source, args.full) {
        Ok(t) => t,
        Err(fill_in::Error::Reading(diagnostics)) => {
            print_diagnostics(&diagnostics);
            if let Source::LastYear(path) = &source {
                eprintln!("{}：有错误，未生成下一年度的工作簿", path.display());
            }
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    print_diagnostics(&template.warnings);
    let path = args
        .output
        .unwrap_or_else(|| PathBuf::from(template.file_name()));
    match template.save(&path, args.force) {
        Ok(()) => {
            eprintln!("已生成 {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
