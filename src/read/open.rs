//! Why a file could not be opened as a workbook, in words a finance clerk can act on: one
//! Chinese message (and rule) per way of failing, naming the file.

use std::path::Path;

use super::archive::{self, ArchiveError, PartKind};
use super::book::{self, OpenError};
use crate::contract::RuleId;

/// The rule and message of a file that could not be opened.
pub fn finding(path: &Path, e: OpenError) -> (RuleId, String) {
    let rule = match &e {
        OpenError::Archive(
            ArchiveError::PartTooLarge { .. }
            | ArchiveError::StylesTooCostly { .. }
            | ArchiveError::XlsSpanTooLarge(_)
            | ArchiveError::OdsTooManyCells(_)
            | ArchiveError::TotalTooLarge(_)
            | ArchiveError::TooManyEntries(_),
        ) => RuleId::ArchiveTooLarge,
        _ => RuleId::Unreadable,
    };
    (rule, open_message(path, e))
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

fn open_message(path: &Path, e: OpenError) -> String {
    let name = file_name(path);
    match e {
        OpenError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("找不到文件“{name}”")
        }
        OpenError::Io(e) => format!("无法打开文件“{name}”：{e}"),
        OpenError::TooLarge(size) => format!(
            "文件“{name}”过大（{:.1} MB），超出上限 {} MB。部门绩效工作簿通常不到 1 MB，\
             请删除多余的工作表、图片或表格以外的内容后再提交",
            size as f64 / 1_048_576.0,
            book::MAX_FILE_BYTES / 1_048_576
        ),
        OpenError::Password => {
            format!("文件“{name}”受密码保护（已加密），无法读取。请去除密码后再提交")
        }
        OpenError::NotAWorkbook(kind) => format!(
            "文件“{name}”不是 Excel 工作簿（看起来是{kind}），应为 .xlsx、.xlsm、.xls 或 .ods 文件。\
             如果是从其他系统导出的，请用 Excel 打开后另存为 .xlsx"
        ),
        OpenError::Archive(e) => archive_message(&name, e),
        OpenError::Invalid(msg) => format!(
            "无法读取文件“{name}”：文件已损坏或不是有效的 Excel/ODS 工作簿（{msg}）。\
             请用 Excel 打开后另存为 .xlsx 再提交"
        ),
    }
}

fn archive_message(name: &str, e: ArchiveError) -> String {
    const MB: u64 = 1024 * 1024;
    const WHY: &str = "部门绩效工作簿解压后通常不到 10 MB，此文件可能已损坏或是特意构造的“压缩炸弹”。\
                       请用 Excel 打开后另存为 .xlsx 再提交";
    let part = |p: String| {
        if p.is_empty() {
            "（无名部件）".to_string()
        } else {
            p
        }
    };
    match e {
        ArchiveError::PartTooLarge { part: p, kind } => format!(
            "文件“{name}”解压后过大：{} 超过 {} MB（压缩包中{}的上限）。{WHY}",
            part(p),
            kind.limit() / MB,
            match kind {
                PartKind::SharedStrings => "共享字符串部件",
                PartKind::Styles => "格式部件",
                PartKind::Package => "工作簿目录、关系或主题部件",
                PartKind::Other => "单个部件",
            }
        ),
        ArchiveError::StylesTooCostly {
            part: p,
            formats,
            longest,
        } => format!(
            "文件“{name}”的单元格格式过多：{} 中有 {formats} 个格式（最长的一项 {longest} 字节），\
             读取需要的内存超过上限（格式数 ×（256 + 2 × 最长一项的字节数）不超过 {} MB；Excel 自身最多 64,000 个格式）。\
             请在 Excel 中删除多余的单元格样式，或把表格内容复制到新工作簿后再提交",
            part(p),
            archive::MAX_STYLES_COST / MB
        ),
        ArchiveError::TotalTooLarge(p) => format!(
            "文件“{name}”解压后过大：解压到 {} 时合计已超过 {} MB（压缩包中全部部件合计的上限）。{WHY}",
            part(p),
            archive::MAX_TOTAL_BYTES / MB
        ),
        ArchiveError::TooManyEntries(n) => format!(
            "文件“{name}”的压缩包中部件过多：{n} 个，超出上限 {} 个（工作簿通常只有几十个部件）。{WHY}",
            archive::MAX_ENTRIES
        ),
        ArchiveError::DuplicateNames => format!(
            "无法读取文件“{name}”：压缩包中有同名的部件，不同程序会读到不同的内容，文件已损坏或被篡改。\
             请用 Excel 打开后另存为 .xlsx 再提交"
        ),
        ArchiveError::DeclaredStrings { part, count } => format!(
            "无法读取文件“{name}”：{} 声明有 {count} 个字符串，远超其内容所能容纳的数量，文件已损坏或被篡改。\
             请用 Excel 打开后另存为 .xlsx 再提交",
            part
        ),
        ArchiveError::XlsSpanTooLarge(cells) => format!(
            "文件“{name}”的工作表已用区域过大：各表从第一个到最后一个有内容的单元格合计占 {cells} 个单元格，\
             超出上限 {} 个（读取 .xls 时整个区域都要占用内存）。请删除表格以外多余的内容，或另存为 .xlsx 后再提交",
            archive::MAX_XLS_SPAN_CELLS
        ),
        ArchiveError::OdsTooManyCells(cells) => format!(
            "文件“{name}”的工作表展开后过大：content.xml 中重复的行和列（number-rows-repeated、\
             number-columns-repeated）展开后合计 {cells} 个单元格，超出上限 {} 个（读取 .ods 时要全部展开）。\
             请删除表格以外多余的内容，或另存为 .xlsx 后再提交",
            archive::MAX_ODS_CELLS
        ),
        ArchiveError::Compound(what) => format!(
            "无法读取文件“{name}”：文件已损坏或被篡改（{what}）。请用 Excel 打开后另存为 .xlsx 再提交"
        ),
        ArchiveError::Overlapping => format!(
            "无法读取文件“{name}”：压缩包中的部件相互重叠（多个部件共用同一段数据，常见于“压缩炸弹”），\
             文件已损坏或被篡改。请用 Excel 打开后另存为 .xlsx 再提交"
        ),
    }
}
