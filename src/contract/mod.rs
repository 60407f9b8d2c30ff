//! The input contract, defined once: every sheet, column and 基本信息 field of the department
//! workbook, and every rule id of the findings.
//!
//! The reader (`crate::read`) finds sheets and columns by these names and reads each column by its
//! [`Kind`]; the workbook writer (`crate::xlsx::department`) and the fill-in form (`crate::xlsx::fill_in`) write
//! headers, widths, formats and notes from them; the checks point at cells by these names; and a
//! test keeps `docs/workbook.md` naming every one of them. Adding a column is one entry here plus
//! how it is read into the model and printed.

mod framework;
mod rules;

use rust_decimal::Decimal;

pub use framework::{FRAMEWORK, level2_of};

pub use rules::{Level, RuleId};

/// When an element entered the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Since {
    /// The reference text's contract.
    V1,
    /// The optional parts found in other regions' texts.
    V2,
    /// The year-end self-evaluation (绩效自评): read only from a workbook whose 文档类型 says so.
    V3,
}

impl Since {
    /// Whether the goals form writes an element of this contract: v1 always, v2 when `full`,
    /// v3 never (it belongs to the self-evaluation's form).
    pub fn in_goals_form(self, full: bool) -> bool {
        self == Since::V1 || full && self == Since::V2
    }
}

/// What a column holds: how it is read, and how the form formats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Short text; line breaks inside a cell are joined.
    Text,
    /// Long text (长文字); a line break inside a cell starts a new paragraph.
    LongText,
    /// Money (金额): 万元 unless the header says `（元）`.
    Money,
    /// A percentage (百分数) 0–100.
    Percent,
    /// A plain number (数字), e.g. 权重.
    Number,
}

/// A column of a contract sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Canonical name (`财政资金`), the header text without a unit.
    pub name: &'static str,
    /// Other headers that mean the same column.
    pub aliases: &'static [&'static str],
    /// Whether the header must be present (and each data row's cell filled).
    pub required: bool,
    pub kind: Kind,
    /// Column width in the fill-in form (Excel character units).
    pub width: f64,
    /// Whether the form wraps the column's text (always for long text).
    pub wrap: bool,
    /// The note on the header cell of the form, explaining the column.
    pub note: &'static str,
    pub since: Since,
}

const fn column(
    name: &'static str,
    required: bool,
    kind: Kind,
    width: f64,
    note: &'static str,
) -> Column {
    Column {
        name,
        aliases: &[],
        required,
        kind,
        width,
        wrap: matches!(kind, Kind::LongText),
        note,
        since: Since::V1,
    }
}

impl Column {
    /// The same column, wrapped in the form.
    const fn wrapped(self) -> Column {
        Column { wrap: true, ..self }
    }

    /// The same column, an optional part of contract v2 known also by `aliases`.
    const fn v2(self, aliases: &'static [&'static str]) -> Column {
        Column {
            aliases,
            since: Since::V2,
            ..self
        }
    }

    /// The same column, a part of the self-evaluation (contract v3) known also by `aliases`.
    const fn v3(self, aliases: &'static [&'static str]) -> Column {
        Column {
            aliases,
            since: Since::V3,
            ..self
        }
    }

    /// The header the form writes: the name, with the unit for money (`预算数（万元）`).
    pub fn header(&self) -> String {
        match self.kind {
            Kind::Money => format!("{}（万元）", self.name),
            _ => self.name.to_string(),
        }
    }

    /// Every header text that names this column: the name, then its aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }
}

/// Whether a workbook must have a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    /// Required once `项目` has projects.
    WithProjects,
    Optional,
}

/// A sheet of the contract.
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub name: &'static str,
    pub presence: Presence,
    pub columns: &'static [Column],
    pub since: Since,
}

impl Sheet {
    /// The column called `name`. Panics when the sheet has none: names come from this module.
    pub fn column(&self, name: &str) -> &'static Column {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("“{}”表没有列“{name}”", self.name))
    }

    /// The columns the goals form writes: those of contract v1 (`full` = false), or of v1 and
    /// v2.
    pub fn columns_for(&self, full: bool) -> impl Iterator<Item = &'static Column> + '_ {
        self.columns
            .iter()
            .filter(move |c| c.since.in_goals_form(full))
    }

    /// The 0-based position of column `name` in the order the form writes them.
    pub fn position(&self, name: &str) -> u16 {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("“{}”表没有列“{name}”", self.name)) as u16
    }
}

/// A field (字段) of `基本信息`.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub required: bool,
    /// The note on the field's name in the form.
    pub note: &'static str,
    pub since: Since,
}

const fn field(name: &'static str, required: bool, note: &'static str) -> Field {
    Field {
        name,
        required,
        note,
        since: Since::V1,
    }
}

// Sheet names.
pub const INFO: &str = "基本信息";
pub const OVERALL: &str = "总体绩效目标";
pub const SUB_GOALS: &str = "分项绩效目标";
pub const MEASURES: &str = "工作保障措施";
pub const PROJECTS: &str = "项目";
pub const GOALS: &str = "项目目标";
pub const INDICATORS: &str = "项目指标";
/// Optional (v2): the 部门整体支出绩效目标表's tasks and indicators.
pub const TASKS: &str = "年度主要任务";
pub const DEPARTMENT_INDICATORS: &str = "部门整体指标";
/// The self-evaluation (v3): how the overall goals were met, each project's money by source, and
/// the department's.
pub const RESULTS: &str = "总体完成情况";
pub const PROJECT_FUNDS: &str = "项目资金执行";
pub const DEPARTMENT_FUNDS: &str = "部门资金执行";

// Column names.
/// `基本信息`: the field's name.
pub const FIELD: &str = "字段";
/// `基本信息`: the field's value; `总体绩效目标`, `工作保障措施`: one paragraph or measure.
pub const CONTENT: &str = "内容";
/// `分项绩效目标`.
pub const SUB_GOAL_NAME: &str = "名称";
pub const SUB_GOAL_TARGET: &str = "绩效目标";
pub const SUB_GOAL_INDICATORS: &str = "绩效指标";
/// `项目`.
pub const PROJECT_CODE: &str = "项目编码";
/// `项目`, `项目目标`, `项目指标`: the project's name, unique in a workbook.
pub const PROJECT_NAME: &str = "项目名称";
pub const BUDGET: &str = "预算数";
pub const FISCAL_FUNDS: &str = "财政资金";
pub const OTHER_FUNDS: &str = "其他资金";
pub const PURPOSE: &str = "资金用途";
pub const MARCH: &str = "3月底";
pub const JUNE: &str = "6月底";
pub const OCTOBER: &str = "10月底";
pub const DECEMBER: &str = "12月底";
/// The spending plan's columns, March to December (see [`checkpoints`]).
pub const SPENDING_MONTHS: [&str; 4] = [MARCH, JUNE, OCTOBER, DECEMBER];

/// A project's spending plan as the workbook has it: each month's column with its percentage.
pub fn checkpoints(plan: &crate::model::SpendingPlan) -> [(&'static str, Decimal); 4] {
    let percentages = plan.percentages();
    std::array::from_fn(|i| (SPENDING_MONTHS[i], percentages[i]))
}

/// `项目`, optional (v2).
pub const SUPERVISOR: &str = "主管部门";
pub const IMPLEMENTER: &str = "实施单位";
pub const ATTRIBUTE: &str = "项目属性";
pub const CATEGORY: &str = "项目类别";
pub const NATURE: &str = "项目性质";
pub const TERM: &str = "项目期";
pub const TERM_TOTAL: &str = "实施期资金总额";
pub const TERM_FISCAL: &str = "实施期财政资金";
pub const TERM_OTHER: &str = "实施期其他资金";

/// The optional text columns of `项目`, each with the field of [`ProjectDetails`] it fills, in
/// the order of the form: who (主管部门, 实施单位), then what (属性, 类别, 性质, 项目期).
pub fn project_detail_texts(
    d: &crate::model::ProjectDetails,
) -> [(&'static str, &Option<String>); 6] {
    [
        (SUPERVISOR, &d.supervisor),
        (IMPLEMENTER, &d.implementer),
        (ATTRIBUTE, &d.attribute),
        (CATEGORY, &d.category),
        (NATURE, &d.nature),
        (TERM, &d.term),
    ]
}

/// `项目目标`.
pub const GOAL: &str = "目标";
/// `项目目标`, `项目指标`, optional (v2): 年度 (default) or 实施期.
pub const PERIOD: &str = "期间";
/// `项目指标`.
pub const LEVEL1: &str = "一级指标";
pub const LEVEL2: &str = "二级指标";
pub const LEVEL3: &str = "三级指标";
pub const DESCRIPTION: &str = "绩效指标描述";
pub const VALUE: &str = "指标值";
pub const BASIS: &str = "指标值确定依据";
/// `项目指标`, optional (v2).
pub const INDICATOR_NATURE: &str = "指标性质";
pub const MEASURE_UNIT: &str = "度量单位";
pub const WEIGHT: &str = "权重";
pub const REMARK: &str = "备注";
/// `项目资金执行`, `部门资金执行` (v3).
pub const FUND_SOURCE: &str = "资金来源";
pub const INITIAL_BUDGET: &str = "年初预算数";
pub const FULL_YEAR_BUDGET: &str = "全年预算数";
pub const EXECUTED: &str = "全年执行数";
pub const REASON: &str = "原因";
/// `项目目标` (v3).
pub const ACHIEVED: &str = "实际完成情况";
/// `项目指标`, `部门整体指标` (v3); 分值 is v2's [`WEIGHT`] under its other name.
pub const ACTUAL: &str = "实际完成值";
pub const SCORE: &str = "得分";
pub const DEVIATION: &str = "偏差原因分析及改进措施";
pub const ADJUSTED_VALUE: &str = "调整后指标值";
/// `年度主要任务` (v2).
pub const TASK_NAME: &str = "任务名称";
pub const TASK_CONTENT: &str = "主要内容";

// 基本信息 field names.
pub const DEPARTMENT_NAME: &str = "部门名称";
pub const YEAR: &str = "年度";
pub const COMPILED_BY: &str = "编制单位";
pub const REVIEWED_BY: &str = "审核单位";
pub const DEPARTMENT_CODE: &str = "部门编码";
pub const TITLE: &str = "文档标题";
/// Optional (v2): `万元` or `元`, the unit the document prints money in.
pub const MONEY_UNIT: &str = "金额单位";
/// Optional (v3): [`GOALS_KIND`] (the default) or [`EVALUATION_KIND`].
pub const DOCUMENT_KIND: &str = "文档类型";
pub const GOALS_KIND: &str = "绩效目标";
pub const EVALUATION_KIND: &str = "绩效自评";

/// 基本信息 fields, in the order the form lists them.
pub const FIELDS: &[Field] = &[
    field(
        DEPARTMENT_NAME,
        true,
        "必填。部门名称，印在封面和文档标题中，如“唐山高新区行政服务中心”。",
    ),
    field(YEAR, true, "必填。预算年度，四位数的年份，如 2021。"),
    field(
        COMPILED_BY,
        true,
        "必填。印在封面上，显示为“……编制”，如“唐山高新技术产业开发区行政服务中心”。",
    ),
    field(
        REVIEWED_BY,
        false,
        "可以不填。印在封面上，显示为“……审核”，如“高新区财政局”。",
    ),
    field(DEPARTMENT_CODE, false, "可以不填。部门的编码。"),
    field(
        TITLE,
        false,
        "可以不填。不填时为“{部门名称}{年度}年部门预算绩效文本”；填写后按所填内容印在封面上，PDF 文件也以它命名。",
    ),
    Field {
        since: Since::V2,
        ..field(
            MONEY_UNIT,
            false,
            "可以不填。文档中金额的单位：万元或元。不填时按“项目”表预算数列标题的单位（不写即为万元）。",
        )
    },
    Field {
        since: Since::V3,
        ..field(
            DOCUMENT_KIND,
            false,
            "可以不填。绩效目标（不填即为绩效目标，生成部门预算绩效文本）或绩效自评（年度结束后的自评，生成预算绩效自评报告）。",
        )
    },
];

const INFO_COLUMNS: &[Column] = &[
    column(
        FIELD,
        true,
        Kind::Text,
        14.0,
        "字段名称，已列出，请勿修改。部门名称、年度、编制单位必填；审核单位、部门编码、文档标题可以不填。",
    ),
    column(
        CONTENT,
        true,
        Kind::Text,
        50.0,
        "在此列填写每个字段的内容。鼠标停在左边的字段名上可看到该字段的说明。",
    )
    .wrapped(),
];

const OVERALL_COLUMNS: &[Column] = &[column(
    CONTENT,
    true,
    Kind::LongText,
    100.0,
    "必填。部门整体的总体绩效目标，每行一段，按顺序印在“一、总体绩效目标”下。单元格内换行（Alt+Enter）也另起一段。",
)];

const SUB_GOAL_COLUMNS: &[Column] = &[
    column(
        SUB_GOAL_NAME,
        true,
        Kind::Text,
        30.0,
        "必填。分项绩效目标的名称，如“党政综合事务”。每行一个分项，输出时按顺序编号 1、2、3……",
    )
    .wrapped(),
    column(
        SUB_GOAL_TARGET,
        true,
        Kind::LongText,
        60.0,
        "必填。该分项的绩效目标（文字）。",
    ),
    column(
        SUB_GOAL_INDICATORS,
        true,
        Kind::LongText,
        60.0,
        "必填。该分项的绩效指标（文字）。",
    ),
];

const MEASURE_COLUMNS: &[Column] = &[column(
    CONTENT,
    true,
    Kind::LongText,
    100.0,
    "工作保障措施，每行一条，输出时按顺序编号 1、2、3……。本表可以不填。",
)];

const PROJECT_COLUMNS: &[Column] = &[
    column(
        PROJECT_CODE,
        false,
        Kind::Text,
        14.0,
        "可以不填，不填时印为“————”。",
    ),
    column(
        PROJECT_NAME,
        true,
        Kind::Text,
        28.0,
        "必填，工作簿内不能重复。“项目目标”“项目指标”两表按这个名称对应到项目，须一字不差。",
    )
    .wrapped(),
    column(
        BUDGET,
        true,
        Kind::Money,
        15.0,
        "必填，单位万元，不能为负数。应等于财政资金加其他资金。按元填写时请把列标题改为“预算数（元）”。",
    ),
    column(
        FISCAL_FUNDS,
        true,
        Kind::Money,
        17.0,
        "必填，单位万元，不能为负数。",
    ),
    column(
        OTHER_FUNDS,
        false,
        Kind::Money,
        17.0,
        "可以不填，不填即为 0。单位万元，不能为负数。",
    ),
    column(
        PURPOSE,
        true,
        Kind::LongText,
        50.0,
        "必填。资金的用途（文字）。",
    ),
    column(
        MARCH,
        true,
        Kind::Percent,
        9.0,
        "必填。截至3月底的累计支出进度，0%–100%。直接输入 25 即为 25%。",
    ),
    column(
        JUNE,
        true,
        Kind::Percent,
        9.0,
        "必填。截至6月底的累计支出进度，0%–100%，不能低于3月底。",
    ),
    column(
        OCTOBER,
        true,
        Kind::Percent,
        9.0,
        "必填。截至10月底的累计支出进度，0%–100%，不能低于6月底。",
    ),
    column(
        DECEMBER,
        true,
        Kind::Percent,
        9.0,
        "必填。截至12月底的累计支出进度，不能低于10月底，通常为 100%。",
    ),
    column(
        SUPERVISOR,
        false,
        Kind::Text,
        24.0,
        "可以不填。主管部门（及代码），印在项目表“主管部门”一栏。",
    )
    .wrapped()
    .v2(&["主管部门及代码"]),
    column(
        IMPLEMENTER,
        false,
        Kind::Text,
        24.0,
        "可以不填。实施单位，印在项目表“实施单位”一栏。",
    )
    .wrapped()
    .v2(&[]),
    column(
        ATTRIBUTE,
        false,
        Kind::Text,
        10.0,
        "可以不填。新增或延续，可从下拉列表选择。",
    )
    .v2(&[]),
    column(
        CATEGORY,
        false,
        Kind::Text,
        14.0,
        "可以不填。如“其他运转类”“特定目标类”。",
    )
    .v2(&[]),
    column(
        NATURE,
        false,
        Kind::Text,
        10.0,
        "可以不填。经常性、一次性、阶段性或持续性，可从下拉列表选择。",
    )
    .v2(&[]),
    column(
        TERM,
        false,
        Kind::Text,
        14.0,
        "可以不填。项目的实施期限，按所写印出，如“2024—2026年”“3年”。",
    )
    .v2(&["起止时间", "实施期限"]),
    column(
        TERM_TOTAL,
        false,
        Kind::Money,
        17.0,
        "可以不填。整个实施期的资金总额，单位万元，不能为负数；应等于实施期财政资金加实施期其他资金。",
    )
    .v2(&["中期资金总额"]),
    column(
        TERM_FISCAL,
        false,
        Kind::Money,
        17.0,
        "可以不填（填了实施期资金总额时应填）。实施期的财政资金，单位万元。",
    )
    .v2(&["中期财政资金"]),
    column(
        TERM_OTHER,
        false,
        Kind::Money,
        17.0,
        "可以不填，不填即为 0。实施期的其他资金，单位万元。",
    )
    .v2(&["中期其他资金"]),
];

const GOAL_COLUMNS: &[Column] = &[
    column(
        PROJECT_NAME,
        true,
        Kind::Text,
        28.0,
        "必填，须与“项目”表中的项目名称一致，可从下拉列表选择。",
    )
    .wrapped(),
    column(
        GOAL,
        true,
        Kind::LongText,
        80.0,
        "必填。每行一个目标；同一项目的多个目标按顺序印为目标1、目标2……每个项目至少一个目标。",
    ),
    period_column(),
    column(
        ACHIEVED,
        false,
        Kind::LongText,
        60.0,
        "绩效自评必填（年度目标）。该目标的实际完成情况（文字），印在自评表“实际完成情况”一栏。",
    )
    .v3(&[]),
];

/// 期间 of 项目目标 and 项目指标.
const fn period_column() -> Column {
    column(
        PERIOD,
        false,
        Kind::Text,
        10.0,
        "可以不填。年度（不填即为年度）或实施期（也可写中期、长期）。项目有实施期目标或指标时，文档分别印出实施期和年度两部分。",
    )
    .v2(&[])
}

const INDICATOR_COLUMNS: &[Column] = &[
    column(
        PROJECT_NAME,
        true,
        Kind::Text,
        24.0,
        "须与“项目”表中的项目名称一致，可从下拉列表选择。留空表示与上一行相同（也可以合并单元格）。",
    )
    .wrapped(),
    column(
        LEVEL1,
        true,
        Kind::Text,
        12.0,
        "从下拉列表选择：产出指标、效果指标或效益指标、满意度指标、成本指标。留空表示与上一行相同。",
    )
    .wrapped(),
    column(
        LEVEL2,
        true,
        Kind::Text,
        18.0,
        "从下拉列表选择，列表随一级指标变化（如产出指标下为数量、质量、时效、成本指标）。留空表示与上一行相同。",
    )
    .wrapped(),
    column(
        LEVEL3,
        true,
        Kind::Text,
        26.0,
        "必填。具体的指标名称，如“项目完成率”。同一项目内不要重复。",
    )
    .wrapped(),
    column(
        DESCRIPTION,
        false,
        Kind::Text,
        40.0,
        "可以不填。对指标的说明。",
    )
    .wrapped(),
    column(
        VALUE,
        true,
        Kind::Text,
        10.0,
        "必填。如 ≥95%、=0次、≤5天、100%。可以输入 >=、<=，输出时印为 ≥、≤。应含有数字（定量）。",
    ),
    column(
        BASIS,
        false,
        Kind::Text,
        16.0,
        "可以不填。如“历史标准”“计划标准”“行业标准”。",
    )
    .wrapped(),
    period_column(),
    indicator_nature(),
    measure_unit(),
    weight(),
    remark(),
    actual(),
    score(),
    deviation(),
    adjusted_value(),
];

/// The optional indicator columns of contract v2, shared by 项目指标 and 部门整体指标.
const fn indicator_nature() -> Column {
    column(
        INDICATOR_NATURE,
        false,
        Kind::Text,
        10.0,
        "可以不填。如“定量”“定性”“正向”“反向”。",
    )
    .v2(&["指标方向"])
}

const fn measure_unit() -> Column {
    column(
        MEASURE_UNIT,
        false,
        Kind::Text,
        10.0,
        "可以不填。如 %、次、天。填写后指标值可以只写数字；与指标值中写的单位不一致时检查给出警告。",
    )
    .v2(&["计量单位"])
}

const fn weight() -> Column {
    column(
        WEIGHT,
        false,
        Kind::Number,
        8.0,
        "可以不填。0–100 的数字；填了权重时，各指标的权重合计应为 100。",
    )
    .v2(&["分值"])
}

const fn remark() -> Column {
    column(REMARK, false, Kind::Text, 20.0, "可以不填。备注。")
        .wrapped()
        .v2(&[])
}

/// The self-evaluation's indicator columns (v3), shared by 项目指标 and 部门整体指标.
const fn actual() -> Column {
    column(
        ACTUAL,
        false,
        Kind::Text,
        12.0,
        "绩效自评必填。年度结束时的实际完成值，写法同指标值，如 96.5%、22次、达成预期指标。",
    )
    .v3(&["完成值", "全年实际值"])
}

const fn score() -> Column {
    column(
        SCORE,
        false,
        Kind::Number,
        8.0,
        "绩效自评填写。该指标的得分，0 到分值之间；留空时按指标值和实际完成值计算（定量指标），定性指标须填写。",
    )
    .v3(&[])
}

const fn deviation() -> Column {
    column(
        DEVIATION,
        false,
        Kind::LongText,
        30.0,
        "绩效自评：得分低于分值时必填，说明未完成的原因和改进措施。",
    )
    .v3(&["未完成原因分析", "偏差原因"])
}

const fn adjusted_value() -> Column {
    column(
        ADJUSTED_VALUE,
        false,
        Kind::Text,
        10.0,
        "可以不填。年中按程序调整了指标值时填写调整后的值，自评按它计分。",
    )
    .v3(&["全年调整指标值"])
}

const RESULT_COLUMNS: &[Column] = &[column(
    CONTENT,
    true,
    Kind::LongText,
    100.0,
    "可以不填。绩效自评：年度总体绩效目标的完成情况，每行一段；不填时印总体绩效目标。",
)
.v3(&[])];

/// The columns of 项目资金执行 (with 项目名称) and 部门资金执行 (without).
macro_rules! fund_columns {
    ($($first:expr)?) => {
        &[
            $($first,)?
            column(
                FUND_SOURCE,
                true,
                Kind::Text,
                16.0,
                "必填。年度资金总额、当年财政拨款、上年结转资金或其他资金（部门资金执行还有基本支出、项目支出）。年度资金总额可以不填，即各来源之和。",
            )
            .v3(&[]),
            column(
                INITIAL_BUDGET,
                false,
                Kind::Money,
                14.0,
                "单位万元。当年财政拨款、其他资金的年初预算数应等于“项目”表的财政资金、其他资金。",
            )
            .v3(&[]),
            column(
                FULL_YEAR_BUDGET,
                true,
                Kind::Money,
                14.0,
                "必填。单位万元，年中调整后的全年预算数。",
            )
            .v3(&["调整后预算数"]),
            column(
                EXECUTED,
                true,
                Kind::Money,
                14.0,
                "必填。单位万元，全年实际执行（支出）数。",
            )
            .v3(&["预算执行数"]),
            column(
                REASON,
                false,
                Kind::LongText,
                30.0,
                "可以不填。执行率低于 90% 或预算有调整时说明原因。",
            )
            .v3(&[]),
        ]
    };
}

const PROJECT_FUND_COLUMNS: &[Column] = fund_columns!(
    column(
        PROJECT_NAME,
        true,
        Kind::Text,
        24.0,
        "须与“项目”表中的项目名称一致。每个项目每种资金来源一行；留空表示与上一行相同。",
    )
    .wrapped()
    .v3(&[])
);

const DEPARTMENT_FUND_COLUMNS: &[Column] = fund_columns!();

const TASK_COLUMNS: &[Column] = &[
    column(
        TASK_NAME,
        true,
        Kind::Text,
        24.0,
        "必填。部门年度主要任务的名称，如“科技创新服务”。",
    )
    .wrapped()
    .v2(&[]),
    column(
        TASK_CONTENT,
        true,
        Kind::LongText,
        50.0,
        "必填。任务的主要内容。",
    )
    .v2(&[]),
    column(
        BUDGET,
        false,
        Kind::Money,
        15.0,
        "可以不填（没有资金的任务只写主要内容）。单位万元，应等于财政资金加其他资金。",
    )
    .v2(&[]),
    column(
        FISCAL_FUNDS,
        false,
        Kind::Money,
        17.0,
        "可以不填。单位万元，不能为负数。",
    )
    .v2(&[]),
    column(
        OTHER_FUNDS,
        false,
        Kind::Money,
        17.0,
        "可以不填，不填即为 0。单位万元，不能为负数。",
    )
    .v2(&[]),
];

const DEPARTMENT_INDICATOR_COLUMNS: &[Column] = &[
    column(
        LEVEL1,
        true,
        Kind::Text,
        12.0,
        "从下拉列表选择：产出指标、效果指标或效益指标、满意度指标、成本指标。留空表示与上一行相同。",
    )
    .wrapped()
    .v2(&[]),
    column(
        LEVEL2,
        true,
        Kind::Text,
        18.0,
        "从下拉列表选择，列表随一级指标变化。留空表示与上一行相同。",
    )
    .wrapped()
    .v2(&[]),
    column(
        LEVEL3,
        true,
        Kind::Text,
        26.0,
        "必填。具体的指标名称。不要重复。",
    )
    .wrapped()
    .v2(&[]),
    column(
        DESCRIPTION,
        false,
        Kind::Text,
        40.0,
        "可以不填。对指标的说明。",
    )
    .wrapped()
    .v2(&[]),
    column(
        VALUE,
        true,
        Kind::Text,
        10.0,
        "必填。如 ≥95%、=0次、≤5天。可以输入 >=、<=，输出时印为 ≥、≤。",
    )
    .v2(&[]),
    column(
        BASIS,
        false,
        Kind::Text,
        16.0,
        "可以不填。如“历史标准”“计划标准”“行业标准”。",
    )
    .wrapped()
    .v2(&[]),
    indicator_nature(),
    measure_unit(),
    weight(),
    remark(),
    actual(),
    score(),
    deviation(),
    adjusted_value(),
];

const fn sheet(name: &'static str, presence: Presence, columns: &'static [Column]) -> Sheet {
    Sheet {
        name,
        presence,
        columns,
        since: Since::V1,
    }
}

/// The contract's sheets, in the order the form writes them.
pub const SHEETS: &[Sheet] = &[
    sheet(INFO, Presence::Required, INFO_COLUMNS),
    sheet(OVERALL, Presence::Required, OVERALL_COLUMNS),
    sheet(SUB_GOALS, Presence::Required, SUB_GOAL_COLUMNS),
    sheet(MEASURES, Presence::Optional, MEASURE_COLUMNS),
    sheet(PROJECTS, Presence::Optional, PROJECT_COLUMNS),
    sheet(GOALS, Presence::WithProjects, GOAL_COLUMNS),
    sheet(INDICATORS, Presence::WithProjects, INDICATOR_COLUMNS),
    Sheet {
        since: Since::V2,
        ..sheet(TASKS, Presence::Optional, TASK_COLUMNS)
    },
    Sheet {
        since: Since::V2,
        ..sheet(
            DEPARTMENT_INDICATORS,
            Presence::Optional,
            DEPARTMENT_INDICATOR_COLUMNS,
        )
    },
    Sheet {
        since: Since::V3,
        ..sheet(RESULTS, Presence::Optional, RESULT_COLUMNS)
    },
    Sheet {
        since: Since::V3,
        ..sheet(PROJECT_FUNDS, Presence::Optional, PROJECT_FUND_COLUMNS)
    },
    Sheet {
        since: Since::V3,
        ..sheet(
            DEPARTMENT_FUNDS,
            Presence::Optional,
            DEPARTMENT_FUND_COLUMNS,
        )
    },
];

/// The contract's v1 sheets in workbook order, each with its v1 columns (canonical names,
/// without units): what the reference text's workbook has.
pub fn v1_sheets() -> Vec<(&'static str, Vec<&'static str>)> {
    SHEETS
        .iter()
        .filter(|s| s.since == Since::V1)
        .map(|s| (s.name, s.columns_for(false).map(|c| c.name).collect()))
        .collect()
}

/// The v1 columns of one sheet (none for a sheet not in v1).
pub fn v1_columns(sheet: &str) -> Vec<&'static str> {
    v1_sheets()
        .into_iter()
        .find(|(name, _)| *name == sheet)
        .map(|(_, columns)| columns)
        .unwrap_or_default()
}

/// The sheet called `name`. Panics when the contract has none: names come from this module.
pub fn sheet_named(name: &str) -> &'static Sheet {
    SHEETS
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("合同中没有工作表“{name}”"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_are_unique_within_a_sheet() {
        let mut sheets = HashSet::new();
        for s in SHEETS {
            assert!(sheets.insert(s.name), "{} twice", s.name);
            let mut names = HashSet::new();
            for c in s.columns {
                for n in c.names() {
                    assert!(names.insert(n), "{}: {n} twice", s.name);
                }
                assert!(c.width > 0.0 && !c.note.is_empty());
                assert!(c.kind != Kind::LongText || c.wrap);
            }
        }
    }

    #[test]
    fn money_headers_carry_the_unit() {
        let projects = sheet_named(PROJECTS);
        assert_eq!(projects.column(BUDGET).header(), "预算数（万元）");
        assert_eq!(projects.column(PROJECT_NAME).header(), "项目名称");
        assert_eq!(projects.position(MARCH), 6);
    }
}
