//! The departments' side: the workbook a department fills in (填报模板).
//!
//! Each year the finance bureau sends every department a workbook to fill in. It is the contract
//! workbook (`docs/workbook.md`) laid out as a form ([`Layout::Form`]): a `填写说明`
//! sheet first, the seven contract sheets with a note on every header cell, formatted columns,
//! and dropdowns, then a hidden sheet `下拉选项` holding the dropdown lists. The reader ignores
//! both extra sheets.
//!
//! The dropdowns:
//! - `项目指标` 一级指标: the 一级 names of [`FRAMEWORK`] (defined name `一级指标列表`).
//! - `项目指标` 二级指标: the 二级 names of the row's 一级指标. Each 一级 name is also a defined
//!   name for its list, and the validation is `INDIRECT` of the 一级 cell; when that cell is blank
//!   (filled down, or inside a merged cell) the last non-blank 一级指标 above is used instead
//!   (`LOOKUP(2,1/(…<>""),…)`). A value outside the list only warns, as the check does.
//! - `项目目标`/`项目指标` 项目名称: the names in `项目` (defined name `项目名称列表`).
//! - Money ≥ 0, spending-plan percentages 0–100%, 年度 a year: rejected otherwise.
//!
//! Three kinds: blank ([`Source::Blank`]), the reference department filled in
//! ([`Source::Example`]), and next year's workbook pre-filled from last year's
//! ([`Source::LastYear`], see [`next_year`]).

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, Formula,
    Note, Workbook, Worksheet, XlsxError,
};

use crate::contract::{
    self, BUDGET, FIELDS, GOALS, INDICATORS, INFO, LEVEL1, LEVEL2, PROJECT_NAME, PROJECTS, SHEETS,
};
use crate::contract::{FRAMEWORK, Since};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::model::Department;
use crate::xlsx::department::{self, Layout};
use crate::xlsx::style::{self, RowHeights};

/// The default file name of the blank template.
pub const BLANK_FILE_NAME: &str = "部门预算绩效填报模板.xlsx";

/// The default file name of the self-evaluation's blank form.
pub const BLANK_EVALUATION_FILE_NAME: &str = "部门预算绩效自评填报模板.xlsx";

/// The sheet with the rules for the people filling in the workbook (ignored by the reader).
pub const INSTRUCTIONS: &str = "填写说明";

/// The hidden sheet holding the dropdown lists (ignored by the reader).
pub const LISTS: &str = "下拉选项";

/// Data rows that carry dropdowns and input checks.
const VALIDATED_ROWS: u32 = 2000;

/// What the template is made from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Nothing: a blank workbook.
    Blank,
    /// The reference department (`crate::reference`).
    Example,
    /// Last year's workbook: next year's is pre-filled from it.
    LastYear(PathBuf),
}

/// Why no template was made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Last year's workbook has errors (the diagnostics say which).
    #[error("上一年度的工作簿有错误，请改正后再生成")]
    Reading(Vec<Diagnostic>),
    #[error("文件 {0} 已存在；如要覆盖，请加 --force")]
    Exists(PathBuf),
    #[error("无法写入 {0}：{1}")]
    Write(PathBuf, std::io::Error),
    #[error("生成工作簿时出错：{0}")]
    Xlsx(#[from] XlsxError),
}

/// A template ready to be saved.
pub struct Template {
    pub workbook: Workbook,
    /// The department written into it (`None` for the blank template).
    pub department: Option<Department>,
    /// Warnings met reading last year's workbook.
    pub warnings: Vec<Diagnostic>,
    /// Whether it is the self-evaluation's form (绩效自评, see `crate::xlsx::evaluation_form`).
    pub self_evaluation: bool,
}

impl Template {
    pub fn make(source: &Source) -> Result<Template, Error> {
        Self::make_with(source, false)
    }

    /// [`Template::make`], with the optional parts of contract v2 when `full` (`--full`; the
    /// example is then the second reference department, which has every one of them).
    pub fn make_with(source: &Source, full: bool) -> Result<Template, Error> {
        let (department, warnings) = match source {
            Source::Blank => (None, Vec::new()),
            Source::Example if full => (Some(crate::reference::full::department()), Vec::new()),
            Source::Example => (Some(crate::reference::department()), Vec::new()),
            Source::LastYear(path) => {
                let (department, warnings) = from_last_year(path)?;
                (Some(department), warnings)
            }
        };
        Ok(Template {
            workbook: form_with(department.as_ref(), full)?,
            department,
            warnings,
            self_evaluation: false,
        })
    }

    /// `部门预算绩效填报模板.xlsx`, or `{部门名称}{年度}.xlsx` for a filled-in one; the
    /// self-evaluation's `部门预算绩效自评填报模板.xlsx` and `{部门名称}{年度}绩效自评.xlsx`.
    pub fn file_name(&self) -> String {
        match (&self.department, self.self_evaluation) {
            (None, false) => BLANK_FILE_NAME.to_string(),
            (None, true) => BLANK_EVALUATION_FILE_NAME.to_string(),
            (Some(d), false) => crate::output::file_name(&format!("{}{}", d.name, d.year), "xlsx"),
            (Some(d), true) => {
                crate::output::file_name(&format!("{}{}绩效自评", d.name, d.year), "xlsx")
            }
        }
    }

    /// Writes the workbook to `path` atomically; an existing file is replaced only with `force`.
    pub fn save(&mut self, path: &Path, force: bool) -> Result<(), Error> {
        if !force && path.exists() {
            return Err(Error::Exists(path.to_path_buf()));
        }
        let bytes = self.workbook.save_to_buffer()?;
        crate::output::write_atomic(path, &bytes).map_err(|e| Error::Write(path.to_path_buf(), e))
    }
}

/// Reads last year's workbook and makes next year's department from it; the reading's warnings
/// are returned beside it. Any error stops it.
pub fn from_last_year(path: &Path) -> Result<(Department, Vec<Diagnostic>), Error> {
    let reading = crate::read::read(path);
    match reading.workbook {
        Some(workbook) if !has_errors(&reading.diagnostics) => {
            Ok((next_year(&workbook.department), reading.diagnostics))
        }
        _ => Err(Error::Reading(reading.diagnostics)),
    }
}

/// Next year's department: 年度 + 1, everything else kept for the department to update. A default
/// 文档标题 stays the default (of the new year); a custom one has last year's year replaced.
pub fn next_year(last: &Department) -> Department {
    let year = last.year + 1;
    let title = if last.title == Department::default_title(&last.name, last.year) {
        Department::default_title(&last.name, year)
    } else {
        last.title
            .replace(&last.year.to_string(), &year.to_string())
    };
    Department {
        year,
        title,
        ..last.clone()
    }
}

/// The form workbook: blank when `department` is `None`, else with its data.
pub fn form(department: Option<&Department>) -> Result<Workbook, XlsxError> {
    form_with(department, false)
}

/// The form workbook with the optional parts of contract v2 as well when `full` (or when
/// `department` uses any of them).
pub fn form_with(department: Option<&Department>, full: bool) -> Result<Workbook, XlsxError> {
    let blank = Department::default();
    let (d, title) = match department {
        Some(d) => (d, d.title.clone()),
        None => (&blank, "部门预算绩效填报模板".to_string()),
    };
    let mut workbook = department::new_workbook(&title, &d.compiled_by)?;
    let full = full || d.has_optional_parts();
    instructions(workbook.add_worksheet(), instruction_lines(full))?;
    department::write_sheets(&mut workbook, d, Layout::Form, full)?;
    lists(workbook.add_worksheet())?;
    define_names(&mut workbook)?;
    notes(&mut workbook, |since| since.in_goals_form(full))?;
    validations(&mut workbook, full)?;
    Ok(workbook)
}

/// The position of column `name` of contract sheet `sheet`.
pub(super) fn col(sheet: &str, name: &str) -> u16 {
    contract::sheet_named(sheet).position(name)
}

/// `'sheet'!$C$2:$C$5`, 0-based inclusive rows.
fn range(sheet: &str, col: u16, first_row: u32, last_row: u32) -> String {
    let c = rust_xlsxwriter::column_number_to_name(col);
    format!("'{sheet}'!${c}${}:${c}${}", first_row + 1, last_row + 1)
}

/// The hidden `下拉选项` sheet: the 一级 names in column A, and one column per 一级 (from C)
/// headed by it, listing its 二级 names.
pub(super) fn lists(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name(LISTS)?;
    let bold = Format::new().set_bold();
    let (first, others) = (14.0, 16.0);
    let mut heights = RowHeights::new();
    sheet.write_string_with_format(0, 0, LEVEL1, &bold)?;
    sheet.set_column_width(0, first)?;
    heights.text(0, first, LEVEL1, false);
    for (i, (level1, level2s)) in (0u16..).zip(FRAMEWORK) {
        let row = 1 + u32::from(i);
        sheet.write_string(row, 0, *level1)?;
        heights.text(row, first, level1, false);
        let col = 2 + i;
        sheet.write_string_with_format(0, col, *level1, &bold)?;
        sheet.set_column_width(col, others)?;
        for (row, level2) in (1u32..).zip(level2s.iter()) {
            sheet.write_string(row, col, *level2)?;
            heights.text(row, others, level2, false);
        }
    }
    sheet.set_hidden(true);
    heights.apply(sheet)?;
    // Column B is left empty at Excel's default width.
    let widths: Vec<f64> = [first, 8.43]
        .into_iter()
        .chain(FRAMEWORK.iter().map(|_| others))
        .collect();
    style::page_setup(sheet, &widths, 1)
}

/// `一级指标列表`, one name per 一级 for its 二级 list, and `项目名称列表`.
pub(super) fn define_names(workbook: &mut Workbook) -> Result<(), XlsxError> {
    let count = FRAMEWORK.len() as u32;
    workbook.define_name("一级指标列表", &format!("={}", range(LISTS, 0, 1, count)))?;
    for (i, (level1, level2s)) in (0u16..).zip(FRAMEWORK) {
        let last = level2s.len() as u32;
        workbook.define_name(*level1, &format!("={}", range(LISTS, 2 + i, 1, last)))?;
    }
    let names = range(PROJECTS, col(PROJECTS, PROJECT_NAME), 1, VALIDATED_ROWS);
    workbook.define_name("项目名称列表", &format!("={names}"))?;
    Ok(())
}

fn note(text: &str) -> Note {
    // About 20 CJK characters a line at the default note font.
    let lines = text.chars().count().div_ceil(20) as u32;
    Note::new(text)
        .add_author_prefix(false)
        .set_width(300)
        .set_height(24 + 16 * lines)
}

/// A note on every header cell explaining its column, and on every 基本信息 field: of the
/// sheets, columns and fields of the contracts the form `has`.
pub(super) fn notes(workbook: &mut Workbook, has: impl Fn(Since) -> bool) -> Result<(), XlsxError> {
    for s in SHEETS.iter().filter(|s| has(s.since)) {
        let sheet = workbook.worksheet_from_name(s.name)?;
        let columns = s.columns.iter().filter(|c| has(c.since));
        for (col, c) in (0u16..).zip(columns) {
            sheet.insert_note(0, col, &note(c.note))?;
        }
    }
    let sheet = workbook.worksheet_from_name(INFO)?;
    let fields = FIELDS.iter().filter(|f| has(f.since));
    for (row, field) in (1u32..).zip(fields) {
        sheet.insert_note(row, 0, &note(field.note))?;
    }
    Ok(())
}

/// Adds `validation` to rows 2.. of `col` on `sheet`.
pub(super) fn validate(
    workbook: &mut Workbook,
    sheet: &str,
    col: u16,
    validation: &DataValidation,
) -> Result<(), XlsxError> {
    workbook.worksheet_from_name(sheet)?.add_data_validation(
        1,
        col,
        VALIDATED_ROWS,
        col,
        validation,
    )?;
    Ok(())
}

pub(super) fn rejecting(
    validation: DataValidation,
    title: &str,
    message: &str,
) -> Result<DataValidation, XlsxError> {
    validation
        .set_error_title(title)?
        .set_error_message(message)
}

pub(super) fn validations(workbook: &mut Workbook, full: bool) -> Result<(), XlsxError> {
    // 年度
    let year_row = FIELDS
        .iter()
        .position(|f| f.name == contract::YEAR)
        .expect("年度 is a field") as u32
        + 1;
    let year = rejecting(
        DataValidation::new().allow_whole_number(DataValidationRule::Between(1900, 2999)),
        "年度",
        "年度应为四位数的年份，如 2021。",
    )?;
    workbook
        .worksheet_from_name(INFO)?
        .add_data_validation(year_row, 1, year_row, 1, &year)?;

    // 项目: money and spending plan.
    let money = rejecting(
        DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
        "金额",
        "金额应为不小于 0 的数字，单位见列标题（万元）。",
    )?;
    let projects = contract::sheet_named(PROJECTS);
    let written = |s: &'static contract::Sheet| s.columns_for(full);
    for c in written(projects).filter(|c| c.kind == contract::Kind::Money) {
        validate(workbook, PROJECTS, projects.position(c.name), &money)?;
    }
    let percent = rejecting(
        DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 1.0)),
        "支出进度",
        "累计支出进度应在 0% 到 100% 之间。直接输入 25 即为 25%。",
    )?;
    for c in written(projects).filter(|c| c.kind == contract::Kind::Percent) {
        validate(workbook, PROJECTS, projects.position(c.name), &percent)?;
    }

    // 项目名称 in 项目目标 and 项目指标.
    let project = rejecting(
        DataValidation::new().allow_list_formula(Formula::new("=项目名称列表")),
        PROJECT_NAME,
        "项目名称应与“项目”表中的某个项目名称一致。请先在“项目”表填写项目，再从下拉列表选择。",
    )?;
    validate(workbook, GOALS, col(GOALS, PROJECT_NAME), &project)?;
    validate(
        workbook,
        INDICATORS,
        col(INDICATORS, PROJECT_NAME),
        &project,
    )?;

    // 一级指标 and 二级指标.
    let level1_names: Vec<&str> = FRAMEWORK.iter().map(|(l1, _)| *l1).collect();
    let level1 = rejecting(
        DataValidation::new().allow_list_formula(Formula::new("=一级指标列表")),
        LEVEL1,
        &format!(
            "一级指标应为{}之一，请从下拉列表选择。",
            level1_names.join("、")
        ),
    )?;
    let level1_col = col(INDICATORS, LEVEL1);
    validate(workbook, INDICATORS, level1_col, &level1)?;
    let b = rust_xlsxwriter::column_number_to_name(level1_col);
    let above = format!("${b}$2:${b}2");
    let level2 = rejecting(
        DataValidation::new().allow_list_formula(Formula::new(format!(
            "=INDIRECT(IF(${b}2<>\"\",${b}2,LOOKUP(2,1/({above}<>\"\"),{above})))"
        ))),
        LEVEL2,
        "这个二级指标不属于本行的一级指标（见“填写说明”），检查时会给出警告。仍要使用吗？",
    )?
    .set_error_style(DataValidationErrorStyle::Warning);
    validate(workbook, INDICATORS, col(INDICATORS, LEVEL2), &level2)?;
    if full {
        optional_validations(workbook, &money)?;
    }
    Ok(())
}

/// Dropdowns and input checks of the optional parts of contract v2 (`template --full`).
fn optional_validations(workbook: &mut Workbook, money: &DataValidation) -> Result<(), XlsxError> {
    let list = |title: &str, items: &[&str]| {
        rejecting(
            DataValidation::new().allow_list_strings(items)?,
            title,
            &format!("请从下拉列表选择：{}。", items.join("、")),
        )
    };
    let period = list(contract::PERIOD, &["年度", "实施期"])?;
    validate(workbook, GOALS, col(GOALS, contract::PERIOD), &period)?;
    validate(
        workbook,
        INDICATORS,
        col(INDICATORS, contract::PERIOD),
        &period,
    )?;
    // 项目属性 and 项目性质 are lists in the budget systems, but other words occur: warn only.
    let attribute = list(contract::ATTRIBUTE, &["新增", "延续"])?
        .set_error_style(DataValidationErrorStyle::Warning);
    validate(
        workbook,
        PROJECTS,
        col(PROJECTS, contract::ATTRIBUTE),
        &attribute,
    )?;
    let nature = list(contract::NATURE, &["经常性", "一次性", "阶段性", "持续性"])?
        .set_error_style(DataValidationErrorStyle::Warning);
    validate(workbook, PROJECTS, col(PROJECTS, contract::NATURE), &nature)?;
    let weight = rejecting(
        DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
        contract::WEIGHT,
        "权重应为 0 到 100 之间的数字。",
    )?;
    validate(
        workbook,
        INDICATORS,
        col(INDICATORS, contract::WEIGHT),
        &weight,
    )?;
    let tasks = contract::TASKS;
    let dept = contract::DEPARTMENT_INDICATORS;
    validate(workbook, dept, col(dept, contract::WEIGHT), &weight)?;
    for column in [BUDGET, contract::FISCAL_FUNDS, contract::OTHER_FUNDS] {
        validate(workbook, tasks, col(tasks, column), money)?;
    }
    Ok(())
}

/// A line of the 填写说明 sheet.
pub(super) enum Line {
    Title(&'static str),
    Heading(&'static str),
    Text(String),
    Blank,
}

pub(super) fn text(s: &str) -> Line {
    Line::Text(s.to_string())
}

fn instruction_lines(full: bool) -> Vec<Line> {
    let mut lines = vec![
        Line::Title("部门预算绩效填报说明"),
        Line::Blank,
        Line::Heading("一、总体要求"),
        text(
            "1. 每个部门每个年度填写一份本工作簿。财政局据此生成本部门的《部门预算绩效文本》（PDF）。",
        ),
        text(
            "2. 请不要修改工作表名称和各表第一行的列标题。列的顺序可以调整；多出来的列和工作表（如本表）不会被读取。",
        ),
        text(
            "3. 鼠标停在列标题（或“基本信息”表的字段名）上，可以看到该列的填写说明。有下拉箭头的单元格请从列表中选择。",
        ),
        text(
            "4. 文字首尾的空格会自动去掉；空行会被跳过。长文字的单元格内换行（Alt+Enter）表示另起一段。",
        ),
        Line::Blank,
        Line::Heading("二、各工作表"),
        text(
            "基本信息（必填）：部门名称、年度、编制单位必须填写；审核单位、部门编码、文档标题可以不填。文档标题不填时为“{部门名称}{年度}年部门预算绩效文本”。",
        ),
        text("总体绩效目标（必填）：每行一段。"),
        text(
            "分项绩效目标（必填）：每行一个分项，名称、绩效目标、绩效指标都要填写，输出时自动编号 1、2、3……",
        ),
        text("工作保障措施：每行一条措施，输出时自动编号。"),
        text(
            "项目：每个预算项目一行，项目名称不能重复。没有预算项目时，项目、项目目标、项目指标三张表都留空。",
        ),
        text(
            "项目目标：每行一个目标，写明所属项目名称；同一项目的目标按顺序成为目标1、目标2……每个项目至少一个目标。",
        ),
        text(
            "项目指标：每行一个绩效指标，写明项目名称、一级指标、二级指标、三级指标和指标值；绩效指标描述和指标值确定依据可以不填。每个项目至少一个指标，应包括产出指标和满意度指标。",
        ),
        Line::Blank,
        Line::Heading("三、金额"),
        text(
            "1. 金额单位为万元（见列标题“预算数（万元）”）。如果按元填写，请把列标题改为“预算数（元）”“财政资金（元）”“其他资金（元）”。",
        ),
        text("2. 财政资金 + 其他资金必须等于预算数。其他资金没有时可以不填（即为 0）。"),
        text("3. 请填写数字，如 80、54.5、1234.5678；不要写成文字。"),
        Line::Blank,
        Line::Heading("四、支出进度（百分比）"),
        text(
            "1. “3月底”“6月底”“10月底”“12月底”填写截至该月底的累计支出进度，在 0% 到 100% 之间，后一个不能低于前一个，12月底通常为 100%。",
        ),
        text(
            "2. 这些单元格已设为百分比格式：直接输入 25 即显示为 25%；也可以输入 25%。例：25%、50%、75%、100%。",
        ),
        text(
            "3. 从别处复制粘贴数字 25 到这些单元格，会显示为 2500%，检查时会报错；请粘贴 25% 或 0.25，或者直接输入。",
        ),
        Line::Blank,
        Line::Heading("五、“同上”：留空或合并单元格"),
        text(
            "在“项目指标”表中，项目名称、一级指标、二级指标留空表示与上一行相同；也可以把相同的单元格合并。例如：",
        ),
        text("　　项目名称　　｜一级指标｜二级指标｜三级指标　　　｜指标值"),
        text("　　委托评估费　｜产出指标｜数量指标｜评估项目数量　｜≥1个"),
        text("　　（留空）　　｜（留空）｜质量指标｜评估报告合格率｜100%"),
        text("　　（留空）　　｜满意度指标｜服务对象满意度指标｜服务对象满意率｜≥90%"),
        text("第二、三行的项目名称都是“委托评估费”，第二行的一级指标是“产出指标”。"),
        Line::Blank,
        Line::Heading("六、绩效指标体系（一级指标 → 二级指标）"),
    ];
    for (level1, level2s) in FRAMEWORK {
        lines.push(Line::Text(format!("{level1}：{}", level2s.join("、"))));
    }
    lines.extend([
        text("效果指标和效益指标两种写法都可以，文档中按所填的印出。二级指标的下拉列表随本行（或上方）的一级指标变化；不属于该一级指标的二级指标会在检查时给出警告。"),
        Line::Blank,
        Line::Heading("七、指标值"),
        text("1. 指标值写比较符号、数字和单位，如 ≥95%、=0次、≤5天、100%、≥1个。可以输入 >=、<=、>、<、=，文档中印为 ≥、≤、>、<、=。"),
        text("2. 指标值应含有数字（定量指标）；“明显提升”这样没有数字的指标值会在检查时给出警告。"),
        Line::Blank,
        Line::Heading("八、检查"),
        text("财政局收到工作簿后会逐项检查：缺表缺列、必填项为空、金额对不上、支出进度有误、项目名称对不上等问题，会指出是哪张表的哪个单元格，并说明应该怎样改。改好后重新提交即可。"),
    ]);
    if full {
        lines.extend(optional_part_lines());
    }
    lines
}

/// 九、可选部分: the optional parts of the full form, each with its note, from the contract (so
/// the sheet names every optional field, column and sheet the form has).
fn optional_part_lines() -> Vec<Line> {
    let mut lines = vec![
        Line::Blank,
        Line::Heading("九、可选部分"),
        text(
            "本工作簿是完整模板，含有下列可选的字段、列和工作表。不需要的可以留空，或删去整列、整张表；留空的部分不出现在文档中。",
        ),
    ];
    for f in FIELDS.iter().filter(|f| f.since == contract::Since::V2) {
        lines.push(Line::Text(format!("基本信息“{}”：{}", f.name, f.note)));
    }
    for s in SHEETS {
        if s.since == contract::Since::V2 {
            let columns: Vec<String> = s.columns.iter().map(|c| c.header()).collect();
            lines.push(Line::Text(format!(
                "“{}”表（可选）：列为{}。",
                s.name,
                columns.join("、")
            )));
            continue;
        }
        for c in s.columns.iter().filter(|c| c.since == contract::Since::V2) {
            lines.push(Line::Text(format!(
                "“{}”表的“{}”列：{}",
                s.name,
                c.header(),
                c.note
            )));
        }
    }
    lines
}

/// The width of the 填写说明 column.
const INSTRUCTIONS_WIDTH: f64 = 110.0;

/// The 填写说明 sheet: one column of wrapped text, each row as high as its text.
pub(super) fn instructions(sheet: &mut Worksheet, lines: Vec<Line>) -> Result<(), XlsxError> {
    sheet.set_name(INSTRUCTIONS)?;
    sheet.set_column_width(0, INSTRUCTIONS_WIDTH)?;
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let heading = Format::new().set_bold().set_font_size(12);
    let mut heights = RowHeights::new();
    for (row, line) in (0u32..).zip(lines) {
        let (text, format, size) = match &line {
            Line::Title(t) => (*t, &title, 16.0),
            Line::Heading(t) => (*t, &heading, 12.0),
            Line::Text(t) => (t.as_str(), &wrap, style::FONT_SIZE),
            Line::Blank => continue,
        };
        sheet.write_string_with_format(row, 0, text, format)?;
        let wraps = matches!(line, Line::Text(_));
        heights.text_sized(row, INSTRUCTIONS_WIDTH, text, wraps, size);
    }
    heights.apply(sheet)?;
    style::page_setup(sheet, &[INSTRUCTIONS_WIDTH], 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_year_keeps_everything_but_the_year() {
        let last = crate::reference::department();
        let next = next_year(&last);
        assert_eq!(next.year, 2022);
        assert_eq!(next.title, "唐山高新区行政服务中心2022年部门预算绩效文本");
        assert_eq!(
            Department {
                year: last.year,
                title: last.title.clone(),
                ..next
            },
            last
        );
    }

    #[test]
    fn a_custom_title_has_its_year_replaced() {
        let mut last = crate::reference::department();
        last.title = "高新区行政服务中心2021年度预算绩效".to_string();
        assert_eq!(next_year(&last).title, "高新区行政服务中心2022年度预算绩效");
        last.title = "行政服务中心绩效文本".to_string();
        assert_eq!(next_year(&last).title, "行政服务中心绩效文本");
    }

    #[test]
    fn forms_are_deterministic() {
        let d = crate::reference::department();
        for department in [None, Some(&d)] {
            let a = form(department).unwrap().save_to_buffer().unwrap();
            let b = form(department).unwrap().save_to_buffer().unwrap();
            assert_eq!(a, b);
        }
    }
}
