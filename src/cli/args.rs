//! The command line, one definition per flag (clap derive): what each subcommand and option is
//! called and what `--help` says of it. `jixiao --help` and the README's usage table come from
//! here; nothing here does any work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use jixiao::build::Pages;
use jixiao::compile::{self, FontOptions};

/// What `jixiao --version` says: the version, the target it was built for, the commit.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "（",
    env!("JIXIAO_TARGET"),
    "，提交 ",
    env!("JIXIAO_COMMIT"),
    "）"
);

/// 部门预算绩效文本生成工具：把各部门的绩效工作簿生成为可直接公开的 PDF。
#[derive(Parser)]
#[command(
    name = "jixiao",
    version = VERSION,
    after_help = "工作簿怎样填写、每条检查规则的含义：docs/workbook.md；生成的文档及其排版：docs/document.md"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// 桌面菜单项“部门预算绩效文本”所用：打开本机页面，工作文件夹为主目录下的“绩效”（没有时自动建立）
    Desktop,
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
pub enum TemplatesCommand {
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
pub struct FontArgs {
    /// 额外的字体文件夹（可多次指定）
    #[arg(long = "font-path")]
    pub font_paths: Vec<PathBuf>,
    /// 不使用系统字体（只用 --font-path 与内置字体）
    #[arg(long)]
    pub ignore_system_fonts: bool,
}

impl FontArgs {
    pub fn options(&self) -> FontOptions {
        FontOptions {
            font_paths: self.font_paths.clone(),
            ignore_system_fonts: self.ignore_system_fonts,
        }
    }
}

#[derive(Args)]
pub struct FontsArgs {
    /// 模板文件夹（其中的 fonts.toml 替换内置的字体角色设置）
    #[arg(long)]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub fonts: FontArgs,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 输出格式：text（按部门分组的中文说明，写到标准错误）或 json（写到标准输出）
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 另外写出审核意见工作簿（总览一张表，每个部门一张表）
    #[arg(long, value_name = "FILE.xlsx")]
    pub report: Option<PathBuf>,
}

#[derive(Args)]
pub struct ExtractArgs {
    /// jixiao 生成的 PDF（单个部门的文本，或汇编）
    pub pdf: PathBuf,
    /// 输出：FILE.json（部门数据）或 FILE.xlsx（部门工作簿）；汇编含多个部门时为文件夹，每个部门一个工作簿。
    /// 不指定时把 JSON 写到标准输出
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Args)]
pub struct TemplateArgs {
    /// 输出文件（默认：部门预算绩效填报模板.xlsx；--example、--from 时为 {部门名称}{年度}.xlsx）
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// 写出填好的示例（参考部门）而不是空白模板
    #[arg(long, conflicts_with = "from")]
    pub example: bool,
    /// 上一年度的工作簿：生成下一年度的工作簿，年度加一，其余内容保留供修改；
    /// 与 --self-eval 同用时为当年的绩效目标工作簿或其 PDF，生成预填好的绩效自评工作簿
    #[arg(long, value_name = "LAST_YEAR.xlsx")]
    pub from: Option<PathBuf>,
    /// 绩效自评工作簿（年度结束后的自评）：空白表，或 --from 当年的绩效目标、--example 示例
    #[arg(long, conflicts_with = "full")]
    pub self_eval: bool,
    /// 覆盖已存在的输出文件
    #[arg(long)]
    pub force: bool,
    /// 加上其他地区文本用到的可选列和表（项目属性、实施期、期间、权重、部门整体支出绩效目标表……）
    #[arg(long)]
    pub full: bool,
}

#[derive(Args)]
pub struct ServeArgs {
    /// 工作文件夹（其中的 input/ 放工作簿，output/ 放 PDF；默认为当前文件夹）
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// 端口（默认从 8765 起找第一个可用的）
    #[arg(long)]
    pub port: Option<u16>,
    /// 不自动打开浏览器
    #[arg(long)]
    pub no_open: bool,
    #[command(flatten)]
    pub fonts: FontArgs,
}

#[derive(Args)]
pub struct InputArgs {
    /// 工作簿文件或文件夹（文件夹递归查找 .xlsx/.xlsm/.xls/.ods）
    #[arg(default_value = "input")]
    pub paths: Vec<PathBuf>,
}

/// What `build` and `watch` share: where the workbooks are and the PDFs go, and how they are made.
#[derive(Args)]
pub struct Production {
    #[command(flatten)]
    pub input: InputArgs,
    /// 输出文件夹
    #[arg(short, long, default_value = "output")]
    pub output: PathBuf,
    /// 模板文件夹：其中的文件逐个替换内置的默认模板
    #[arg(long)]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// PDF 标准，如 a-2b、a-3b、ua-1（可多次指定）
    #[arg(long = "pdf-standard", value_parser = compile::parse_standard)]
    pub standards: Vec<typst_pdf::PdfStandard>,
    /// 另外输出的格式：typ（编译所用的 Typst 源文件）、png（每页一张图片，便于审阅）；可多次指定
    #[arg(long, value_enum)]
    pub emit: Vec<Emit>,
    /// 严格模式：字体无法显示的字符视为错误（默认为警告）
    #[arg(long)]
    pub strict: bool,
    /// 并行生成的文档数（默认为 CPU 核数）
    #[arg(short, long)]
    pub jobs: Option<usize>,
}

#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub production: Production,
    /// 全部重新生成，即使工作簿、模板、字体都没有变
    #[arg(long)]
    pub force: bool,
    /// 不显示进度和逐个文档的信息，只显示最后的汇总
    #[arg(short, long)]
    pub quiet: bool,
    /// 另外生成汇编：所有生成或未变的部门合为一个 PDF（封面、目录、连续页码）
    #[arg(long, value_name = "FILE.pdf")]
    pub volume: Option<PathBuf>,
    /// 汇编的标题（默认：{年度}年部门预算绩效文本汇编）
    #[arg(long, value_name = "标题", requires = "volume")]
    pub volume_title: Option<String>,
    /// 汇编只收这个年度的部门（本次的部门分属几个年度时必须指定；其他年度的部门照常生成各自的 PDF）
    #[arg(long, value_name = "年度", requires = "volume")]
    pub volume_year: Option<i32>,
    /// 汇编封面上的编印单位（默认：各部门工作簿中最常见的审核单位，都没有时为“财政局”）
    #[arg(long, value_name = "单位", requires = "volume")]
    pub publisher: Option<String>,
    /// 另外写出汇总表：每个部门一行（项目数、金额合计、指标数、警告、错误、状态），所有项目一张表，合计行
    #[arg(long, value_name = "FILE.xlsx")]
    pub summary: Option<PathBuf>,
}

#[derive(Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub production: Production,
    /// 不显示逐个文档的信息，只显示汇总和改动以外的警告
    #[arg(short, long)]
    pub quiet: bool,
}

/// What `--emit` adds beside each PDF.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    // The Typst source compiled, with the department's data it reads.
    Typ,
    // Every page as an image.
    Png,
}

/// How `check` prints its findings.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    // Chinese, grouped by department, to standard error.
    Text,
    // JSON, to standard output.
    Json,
}

impl Production {
    /// The engine's configuration these arguments ask for (besides `--force` and cancellation).
    pub fn config(&self) -> jixiao::build::Config {
        jixiao::build::Config {
            output: self.output.clone(),
            templates: self.templates.clone(),
            fonts: self.fonts.options(),
            standards: self.standards.clone(),
            emit_typ: self.emit.contains(&Emit::Typ),
            pages: if self.emit.contains(&Emit::Png) {
                Pages::Beside
            } else {
                Pages::None
            },
            strict: self.strict,
            jobs: self.jobs,
            ..jixiao::build::Config::default()
        }
    }
}
