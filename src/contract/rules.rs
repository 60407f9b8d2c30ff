//! Every rule id (规则编号) of the findings, defined once.
//!
//! The ids are stable: JSON users filter on them, and `docs/workbook.md` lists each with its
//! severity (a test keeps the two in step). A finding carries a [`RuleId`]; its severity is still
//! chosen where it is raised, because a few rules are warnings or errors depending on the run.

use std::fmt;

use serde::Serialize;

/// How severe a rule's findings are, as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// 错误.
    Error,
    /// 警告.
    Warning,
    /// 警告, an error with `--strict` or a PDF standard that refuses what it finds.
    WarningUnlessStrict,
    /// 错误或警告 (the typesetter says which).
    Either,
    /// 提示: nothing to correct.
    Note,
}

impl Level {
    /// The words `docs/workbook.md` uses in its 严重程度 column.
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "错误",
            Level::Warning => "警告",
            Level::WarningUnlessStrict => "警告；`--strict` 或 PDF/A、PDF/UA 标准时为错误",
            Level::Either => "错误或警告",
            Level::Note => "提示",
        }
    }
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $level:ident, $what:literal;)*) => {
        /// A rule id (规则编号): one variant per kind of finding.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $(#[doc = $what] $variant,)*
        }

        impl RuleId {
            /// Every rule, in the order of `docs/workbook.md`.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The stable id (`budget-sum`).
            pub const fn as_str(self) -> &'static str {
                match self { $(RuleId::$variant => $id,)* }
            }

            /// The documented severity.
            pub const fn level(self) -> Level {
                match self { $(RuleId::$variant => Level::$level,)* }
            }

            /// What the rule is about, in a few Chinese words.
            pub const fn description(self) -> &'static str {
                match self { $(RuleId::$variant => $what,)* }
            }
        }
    };
}

rules! {
    // 文件与结构
    NotFound => "not-found", Error, "文件或文件夹不存在";
    Unreadable => "unreadable", Error, "不是工作簿、已加密、已损坏或过大，或工作表读不出";
    ArchiveTooLarge => "archive-too-large", Error, "压缩包解压后过大，或其中的部件过多";
    MissingSheet => "missing-sheet", Error, "缺少必需的工作表";
    DuplicateSheet => "duplicate-sheet", Warning, "两张工作表同名，只读第一张";
    HiddenSheet => "hidden-sheet", Warning, "需要读取的工作表是隐藏的";
    MissingColumn => "missing-column", Error, "缺少必需的列，或表头不在第一行";
    DuplicateColumn => "duplicate-column", Warning, "同一列有两个表头，只读左边的";
    BadUnit => "bad-unit", Error, "表头的单位无法识别";
    SheetTooLarge => "sheet-too-large", Error, "工作表超出上限";
    TextTooLong => "text-too-long", Error, "单元格文字过长";
    // 基本信息
    MissingField => "missing-field", Error, "缺少必需的字段";
    DuplicateField => "duplicate-field", Warning, "同一字段出现两次";
    UnknownField => "unknown-field", Warning, "未知的字段";
    BadYear => "bad-year", Error, "年度不是四位数的年份";
    // 单元格
    MissingValue => "missing-value", Error, "必填的单元格为空";
    CellError => "cell-error", Error, "单元格是错误值";
    NotANumber => "not-a-number", Error, "金额或百分数不是数字";
    Negative => "negative", Error, "金额或百分数为负数";
    PastedPercent => "pasted-percent", Error, "百分比单元格中粘贴了数字（如 25 显示为 2500%）";
    InvisibleCharacter => "invisible-character", Warning, "文字中有不可见字符（已删除）";
    // 项目
    DuplicateProject => "duplicate-project", Error, "项目名称重复";
    UnknownProject => "unknown-project", Error, "项目名称不在“项目”表中";
    BudgetSum => "budget-sum", Error, "财政资金加其他资金不等于预算数";
    PlanRange => "plan-range", Error, "支出进度超出 0–100%";
    PlanDecreasing => "plan-decreasing", Error, "累计支出进度下降";
    PlanIncomplete => "plan-incomplete", Warning, "12月底支出进度不是 100%";
    NoGoals => "no-goals", Error, "项目没有目标";
    NoIndicators => "no-indicators", Error, "项目没有绩效指标";
    TermSum => "term-sum", Error, "实施期财政资金加实施期其他资金不等于实施期资金总额";
    TermBelowBudget => "term-below-budget", Warning, "实施期资金总额小于当年预算数";
    TaskSum => "task-sum", Error, "年度主要任务的财政资金加其他资金不等于预算数";
    // 绩效指标
    Level1Unknown => "level1-unknown", Error, "一级指标不在指标体系中";
    Level2Mismatch => "level2-mismatch", Warning, "二级指标不属于其一级指标";
    NoOutputIndicator => "no-output-indicator", Warning, "项目没有产出指标";
    NoSatisfactionIndicator => "no-satisfaction-indicator", Warning, "项目没有满意度指标";
    NotQuantified => "not-quantified", Warning, "指标值中没有数字";
    DuplicateIndicator => "duplicate-indicator", Warning, "同一项目中三级指标重复";
    BadPeriod => "bad-period", Error, "期间不是年度或实施期";
    TermIncomplete => "term-incomplete", Error, "有实施期目标而无实施期指标，或反之";
    WeightRange => "weight-range", Error, "权重超出 0–100";
    WeightSum => "weight-sum", Warning, "项目的权重合计不是 100";
    UnitMismatch => "unit-mismatch", Warning, "度量单位与指标值中的单位不一致";
    // 绩效自评
    BadDocumentKind => "bad-document-kind", Error, "文档类型不是绩效目标或绩效自评";
    BadFundSource => "bad-fund-source", Error, "资金来源无法识别，或同一项目同一来源有两行";
    FundSourceSum => "fund-source-sum", Error, "年度资金总额不等于各来源之和";
    InitialBudget => "initial-budget", Error, "年初预算数与“项目”表的财政资金或其他资金不一致";
    OverExecution => "over-execution", Warning, "全年执行数大于全年预算数";
    LowExecution => "low-execution", Warning, "预算执行率低于 90% 且未说明原因";
    ScoreRange => "score-range", Error, "得分小于 0 或大于分值";
    ScoreWeights => "score-weights", Error, "执行率 10 分加各指标分值不等于 100";
    WeightSplit => "weight-split", Warning, "一级指标分值不是产出 50、效益 30、满意度 10";
    ScoreMissing => "score-missing", Error, "得分为空且无法计算";
    ScoreFormula => "score-formula", Warning, "填写的得分与按规则计算的相差 0.5 分以上";
    DeviationReason => "deviation-reason", Error, "得分低于分值而未写偏差原因分析及改进措施";
    ActualUnit => "actual-unit", Warning, "实际完成值的单位与指标值的不一致";
    ScoreComputed => "score-computed", Note, "未填写的得分已按评分规则计算";
    GoalChanged => "goal-changed", Warning, "指标值、金额或指标与已生成的绩效目标文本不一致";
    // 运行中的发现
    DuplicateDepartment => "duplicate-department", Error, "同一部门同一年度的工作簿不止一个";
    DuplicateTitle => "duplicate-title", Error, "两个工作簿会生成同名的 PDF";
    MissingGlyph => "missing-glyph", WarningUnlessStrict, "字体无法显示某个字符";
    PrivateUse => "private-use", Error, "所选的 PDF 标准不允许私用区字符（造字）";
    Typeset => "typeset", Either, "模板渲染或排版出错";
    Interrupted => "interrupted", Error, "运行被中断，文档未生成";
    ChangeRecord => "change-record", Warning, "更正记录无法写入（PDF 已生成）";
    Internal => "internal", Error, "程序内部错误";
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for rule in RuleId::ALL {
            let id = rule.as_str();
            assert!(seen.insert(id), "{id} twice");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
            assert!(!rule.description().is_empty());
        }
    }
}
