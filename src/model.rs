//! The department's budget-performance data (部门预算绩效), as plain domain types.
//!
//! Nothing here knows about Excel or Typst: the reader builds these values from a workbook, the
//! checks inspect them, the renderer prints them. Money is in 万元 and percentages in percent,
//! both as exact decimals.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One department's 部门预算绩效文本 for one budget year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Department {
    /// 部门名称
    pub name: String,
    /// 年度
    pub year: i32,
    /// 编制单位
    pub compiled_by: String,
    /// 审核单位 (optional)
    pub reviewed_by: Option<String>,
    /// 部门编码 (optional)
    pub code: Option<String>,
    /// 文档标题; defaults to `{部门名称}{年度}年部门预算绩效文本`.
    pub title: String,
    /// 总体绩效目标: one paragraph each.
    pub overall_goals: Vec<String>,
    /// 分项绩效目标
    pub sub_goals: Vec<SubGoal>,
    /// 工作保障措施: one measure each.
    pub measures: Vec<String>,
    /// 预算项目, in workbook order.
    pub projects: Vec<Project>,
    /// 金额单位: how the document prints money (the model holds 万元).
    pub money_unit: MoneyUnit,
    /// 年度主要任务 of the 部门整体支出绩效目标表 (contract v2; usually empty).
    pub tasks: Vec<Task>,
    /// The department's own indicators of the 部门整体支出绩效目标表 (contract v2).
    pub department_indicators: Vec<Indicator>,
}

/// 年度主要任务: one of the department's main tasks of the year, with its money when stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// 任务名称
    pub name: String,
    /// 主要内容
    pub content: String,
    /// 预算数 (total), 财政资金, 其他资金; `None` for a task without money.
    pub funds: Option<Funds>,
}

impl Department {
    /// True when the department uses any optional part of contract v2.
    pub fn has_optional_parts(&self) -> bool {
        self.projects.iter().any(|p| {
            !p.details.is_empty()
                || p.term_funds.is_some()
                || !p.term_goals.is_empty()
                || p.indicators.iter().any(Indicator::has_optional_parts)
        }) || self.money_unit != MoneyUnit::Wan
            || self.has_department_table()
    }

    /// True when the document has a 部门整体支出绩效目标表.
    pub fn has_department_table(&self) -> bool {
        !self.tasks.is_empty() || !self.department_indicators.is_empty()
    }

    /// The default 文档标题.
    pub fn default_title(name: &str, year: i32) -> String {
        format!("{name}{year}年部门预算绩效文本")
    }
}

/// A unit of money (金额单位). The model holds every amount in 万元; the unit says how the
/// document prints them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoneyUnit {
    /// 万元
    #[default]
    Wan,
    /// 元
    Yuan,
}

impl MoneyUnit {
    /// The unit's name, as printed after an amount.
    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yuan => "元",
        }
    }

    /// `amount` (万元) written in this unit without spurious digits; 元 with digits grouped in
    /// threes (`800,000`).
    pub fn format(self, amount: Decimal) -> String {
        match self {
            MoneyUnit::Wan => amount.normalize().to_string(),
            MoneyUnit::Yuan => {
                let yuan = (amount * Decimal::from(10_000)).normalize().to_string();
                let (sign, digits) = match yuan.strip_prefix('-') {
                    Some(d) => ("-", d),
                    None => ("", yuan.as_str()),
                };
                let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
                let mut grouped = String::new();
                for (i, c) in int.chars().enumerate() {
                    if i > 0 && (int.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(c);
                }
                let frac = if frac.is_empty() {
                    String::new()
                } else {
                    format!(".{frac}")
                };
                format!("{sign}{grouped}{frac}")
            }
        }
    }
}

/// 分项绩效目标: a named sub-goal of the department with its target and indicators in prose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubGoal {
    /// 名称
    pub name: String,
    /// 绩效目标
    pub target: String,
    /// 绩效指标
    pub indicators: String,
}

/// 预算项目: a budget project with its money, spending plan, goals and indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// 项目编码 (optional; printed as `————` when absent)
    pub code: Option<String>,
    /// 项目名称: unique within the department.
    pub name: String,
    /// 预算数, 万元
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub budget: Decimal,
    /// 财政资金, 万元
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub fiscal_funds: Decimal,
    /// 其他资金, 万元
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub other_funds: Decimal,
    /// 资金用途
    pub purpose: String,
    /// 资金支出计划
    pub spending_plan: SpendingPlan,
    /// 绩效目标 (年度目标 when the project also has 实施期目标): 目标1, 目标2, …
    pub goals: Vec<String>,
    /// 实施期目标: goals for the whole implementation period (contract v2; usually empty).
    pub term_goals: Vec<String>,
    /// 绩效指标, in workbook order.
    pub indicators: Vec<Indicator>,
    /// What other regions' texts state beside the above (all optional).
    pub details: ProjectDetails,
    /// 实施期资金: money for the whole implementation period, when stated.
    pub term_funds: Option<Funds>,
}

/// A project's optional descriptive fields, each printed only when given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDetails {
    /// 主管部门 (and its code)
    pub supervisor: Option<String>,
    /// 实施单位
    pub implementer: Option<String>,
    /// 项目属性: usually 新增 or 延续
    pub attribute: Option<String>,
    /// 项目类别: e.g. 其他运转类, 特定目标类
    pub category: Option<String>,
    /// 项目性质: e.g. 经常性, 一次性
    pub nature: Option<String>,
    /// 项目期: the implementation period as written (`2024—2026年`, `3年`)
    pub term: Option<String>,
}

impl ProjectDetails {
    /// True when no field is given.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An amount split by source, in 万元: 资金总额 = 财政资金 + 其他资金.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funds {
    /// 资金总额
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub total: Decimal,
    /// 财政资金
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub fiscal: Decimal,
    /// 其他资金
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub other: Decimal,
}

/// 资金支出计划: cumulative share of the budget spent by the end of each month named, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendingPlan {
    /// 3月底
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub march: Decimal,
    /// 6月底
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub june: Decimal,
    /// 10月底
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub october: Decimal,
    /// 12月底
    #[serde(serialize_with = "plain_decimal", deserialize_with = "decimal_text")]
    pub december: Decimal,
}

impl SpendingPlan {
    /// The four cumulative percentages, March to December.
    pub fn percentages(&self) -> [Decimal; 4] {
        [self.march, self.june, self.october, self.december]
    }
}

/// 绩效指标: one row of a project's indicator table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// 一级指标
    pub level1: String,
    /// 二级指标
    pub level2: String,
    /// 三级指标
    pub level3: String,
    /// 绩效指标描述 (may be empty)
    pub description: String,
    /// 指标值
    pub value: IndicatorValue,
    /// 指标值确定依据 (may be empty)
    pub basis: String,
    /// 期间: the year's indicator (年度, the default) or the implementation period's (实施期).
    pub period: Period,
    /// What other regions' indicator lists state beside the above (all optional).
    pub details: IndicatorDetails,
}

impl Indicator {
    /// True when the indicator uses any optional part of contract v2.
    pub fn has_optional_parts(&self) -> bool {
        self.period != Period::Year || self.details != IndicatorDetails::default()
    }
}

/// 期间: which period a goal or indicator is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    /// 年度: the budget year.
    #[default]
    Year,
    /// 实施期: the project's whole implementation period (also written 中期, 长期, 总体).
    Term,
}

impl Period {
    /// The period a cell names, in any of its spellings; `None` when it names none.
    pub fn parse(text: &str) -> Option<Period> {
        match text.trim() {
            "" | "年度" | "当年" | "本年度" | "年度目标" | "年度指标" => {
                Some(Period::Year)
            }
            "实施期" | "中期" | "长期" | "总体" | "实施期目标" | "实施期指标" => {
                Some(Period::Term)
            }
            _ => None,
        }
    }

    /// The name printed for it.
    pub fn label(self) -> &'static str {
        match self {
            Period::Year => "年度",
            Period::Term => "实施期",
        }
    }
}

/// An indicator's optional columns (contract v2), each printed only when the project has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorDetails {
    /// 指标性质 (指标方向): e.g. 定量/定性, 正向/反向
    pub nature: String,
    /// 度量单位 (计量单位): e.g. `%`, `次`
    pub unit: String,
    /// 权重 (分值): 0–100
    #[serde(
        serialize_with = "optional_decimal",
        deserialize_with = "optional_decimal_text"
    )]
    pub weight: Option<Decimal>,
    /// 备注
    pub remark: String,
}

/// 指标值: the text as printed, and what it says when read as a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorValue {
    /// As written, with ASCII comparators normalised (`>=95%` → `≥95%`).
    pub text: String,
    pub comparator: Option<Comparator>,
    pub number: Option<Decimal>,
    /// What follows the number (`%`, `次`, `天`, `万元`, …); empty when none.
    pub unit: String,
}

impl Serialize for IndicatorValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Read back from its text, as the workbook's cell would be.
impl<'de> Deserialize<'de> for IndicatorValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|text| IndicatorValue::parse(&text))
    }
}

impl fmt::Display for IndicatorValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// How an indicator's value compares (`≥ ≤ > < =`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    AtLeast,
    AtMost,
    Greater,
    Less,
    Equal,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::AtMost => "≤",
            Comparator::Greater => ">",
            Comparator::Less => "<",
            Comparator::Equal => "=",
        }
    }
}

impl IndicatorValue {
    /// Reads a 指标值 as written in a workbook.
    ///
    /// The one normalisation rule: a leading comparator in any spelling (`>=`, `＞＝`, `≧`,
    /// `=>`, …) is printed as its mathematical sign (`≥ ≤ > < =`); everything after it is kept
    /// as written.
    ///
    /// For checking only (the text is printed as written), comparators written in words are
    /// understood too: leading `不低于`/`不少于`/`大于等于`/`不高于`/`不超过`/`小于`/… and trailing
    /// `以上`/`以下`/`以内` (`95%以上` is ≥ 95 %). The unit is what follows the number, full-width
    /// forms folded (`％` → `%`).
    ///
    /// ```
    /// use jixiao::model::{Comparator, IndicatorValue};
    /// use rust_decimal::Decimal;
    ///
    /// let value = IndicatorValue::parse(">=95%");
    /// assert_eq!(value.text, "≥95%");
    /// assert_eq!(value.comparator, Some(Comparator::AtLeast));
    /// assert_eq!(value.number, Some(Decimal::from(95)));
    /// assert_eq!(value.unit, "%");
    /// ```
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        let (comparator, rest) = split_comparator(raw);
        let rest_trimmed = rest.trim_start();
        let text = match comparator {
            Some(c) => format!("{}{}", c.symbol(), rest_trimmed),
            None => raw.to_string(),
        };
        let (comparator, rest_trimmed) = match comparator {
            Some(c) => (Some(c), rest_trimmed),
            None => match split_word_comparator(rest_trimmed) {
                (Some(c), rest) => (Some(c), rest.trim_start()),
                (None, _) => (None, rest_trimmed),
            },
        };
        let (number, unit) = split_number(rest_trimmed);
        let unit: String = unit
            .trim()
            .chars()
            .map(crate::text::to_half_width)
            .collect();
        let (comparator, unit) = match (comparator, number) {
            (_, None) => (comparator, String::new()),
            (None, Some(_)) => split_word_suffix(&unit),
            (Some(_), Some(_)) => (comparator, unit),
        };
        Self {
            text,
            comparator,
            number,
            unit,
        }
    }

    /// True when the value states a number (定量指标).
    pub fn is_quantified(&self) -> bool {
        self.number.is_some()
    }
}

/// Splits a leading comparator off `s`, in any of its ASCII, full-width or mathematical forms.
fn split_comparator(s: &str) -> (Option<Comparator>, &str) {
    const FORMS: &[(&str, Comparator)] = &[
        (">=", Comparator::AtLeast),
        ("=>", Comparator::AtLeast),
        ("＞＝", Comparator::AtLeast),
        ("＞=", Comparator::AtLeast),
        (">＝", Comparator::AtLeast),
        ("≥", Comparator::AtLeast),
        ("≧", Comparator::AtLeast),
        ("<=", Comparator::AtMost),
        ("=<", Comparator::AtMost),
        ("＜＝", Comparator::AtMost),
        ("＜=", Comparator::AtMost),
        ("<＝", Comparator::AtMost),
        ("≤", Comparator::AtMost),
        ("≦", Comparator::AtMost),
        (">", Comparator::Greater),
        ("＞", Comparator::Greater),
        ("<", Comparator::Less),
        ("＜", Comparator::Less),
        ("==", Comparator::Equal),
        ("=", Comparator::Equal),
        ("＝", Comparator::Equal),
    ];
    for (form, comparator) in FORMS {
        if let Some(rest) = s.strip_prefix(form) {
            return (Some(*comparator), rest);
        }
    }
    (None, s)
}

/// Splits a leading comparator written in words (`不低于95%`) off `s`.
fn split_word_comparator(s: &str) -> (Option<Comparator>, &str) {
    const WORDS: &[(&str, Comparator)] = &[
        ("大于或等于", Comparator::AtLeast),
        ("大于等于", Comparator::AtLeast),
        ("不低于", Comparator::AtLeast),
        ("不少于", Comparator::AtLeast),
        ("不小于", Comparator::AtLeast),
        ("至少", Comparator::AtLeast),
        ("小于或等于", Comparator::AtMost),
        ("小于等于", Comparator::AtMost),
        ("不高于", Comparator::AtMost),
        ("不超过", Comparator::AtMost),
        ("不多于", Comparator::AtMost),
        ("不大于", Comparator::AtMost),
        ("最多", Comparator::AtMost),
        ("大于", Comparator::Greater),
        ("高于", Comparator::Greater),
        ("超过", Comparator::Greater),
        ("多于", Comparator::Greater),
        ("小于", Comparator::Less),
        ("低于", Comparator::Less),
        ("少于", Comparator::Less),
        ("等于", Comparator::Equal),
        ("达到", Comparator::AtLeast),
    ];
    for (word, comparator) in WORDS {
        if let Some(rest) = s.strip_prefix(word) {
            return (Some(*comparator), rest);
        }
    }
    (None, s)
}

/// Splits a trailing comparator word off a unit: `%以上` → (≥, `%`).
fn split_word_suffix(unit: &str) -> (Option<Comparator>, String) {
    const WORDS: &[(&str, Comparator)] = &[
        ("及以上", Comparator::AtLeast),
        ("以上", Comparator::AtLeast),
        ("及以下", Comparator::AtMost),
        ("以下", Comparator::AtMost),
        ("以内", Comparator::AtMost),
    ];
    for (word, comparator) in WORDS {
        if let Some(rest) = unit.strip_suffix(word) {
            return (Some(*comparator), rest.trim().to_string());
        }
    }
    (None, unit.to_string())
}

/// Splits a leading number (ASCII or full-width digits, optional sign, decimal point and
/// thousands separators) off `s`; returns it with the rest.
fn split_number(s: &str) -> (Option<Decimal>, &str) {
    let mut digits = String::new();
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let c = crate::text::to_half_width(c);
        match c {
            '0'..='9' | '.' => digits.push(c),
            '-' | '+' if i == 0 => digits.push(c),
            ',' if !digits.is_empty() => {}
            _ => break,
        }
        end = i + s[i..].chars().next().map_or(0, char::len_utf8);
    }
    match digits.parse::<Decimal>() {
        Ok(n) => (Some(n.normalize()), &s[end..]),
        Err(_) => (None, s),
    }
}

/// Serialises an optional decimal as [`plain_decimal`] does, or as an empty string.
pub fn optional_decimal<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(&d.normalize()),
        None => s.serialize_str(""),
    }
}

/// Serialises a decimal without spurious digits: `54.50` → `54.5`, `80.00` → `80`.
pub fn plain_decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.normalize())
}

/// Reads a decimal written by [`plain_decimal`] (`"54.5"`), exactly.
pub fn decimal_text<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let text = String::deserialize(d)?;
    text.parse::<Decimal>()
        .map(|d| d.normalize())
        .map_err(|_| serde::de::Error::custom(format!("不是数：{text}")))
}

/// Reads a decimal written by [`optional_decimal`]: an empty string is none.
pub fn optional_decimal_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let text = String::deserialize(d)?;
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<Decimal>()
        .map(|d| Some(d.normalize()))
        .map_err(|_| serde::de::Error::custom(format!("不是数：{text}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn indicator_values_are_parsed() {
        let v = IndicatorValue::parse(">=95%");
        assert_eq!(v.text, "≥95%");
        assert_eq!(v.comparator, Some(Comparator::AtLeast));
        assert_eq!(v.number, Some(dec!(95)));
        assert_eq!(v.unit, "%");

        let v = IndicatorValue::parse("=0次");
        assert_eq!(v.text, "=0次");
        assert_eq!(
            (v.comparator, v.number, v.unit.as_str()),
            (Some(Comparator::Equal), Some(dec!(0)), "次")
        );

        let v = IndicatorValue::parse("≤5天");
        assert_eq!(
            (v.comparator, v.number, v.unit.as_str()),
            (Some(Comparator::AtMost), Some(dec!(5)), "天")
        );

        let v = IndicatorValue::parse("100%");
        assert_eq!(
            (v.comparator, v.number, v.unit.as_str()),
            (None, Some(dec!(100)), "%")
        );

        let v = IndicatorValue::parse("＞＝１，２００．５万元");
        assert_eq!(v.text, "≥１，２００．５万元");
        assert_eq!((v.number, v.unit.as_str()), (Some(dec!(1200.5)), "万元"));

        let v = IndicatorValue::parse("明显提升");
        assert_eq!(
            (v.comparator, v.number, v.text.as_str()),
            (None, None, "明显提升")
        );
        assert!(!v.is_quantified());
    }

    #[test]
    fn money_prints_in_either_unit() {
        assert_eq!(MoneyUnit::Wan.format(dec!(80.00)), "80");
        assert_eq!(MoneyUnit::Wan.format(dec!(54.5)), "54.5");
        assert_eq!(MoneyUnit::Yuan.format(dec!(80)), "800,000");
        assert_eq!(MoneyUnit::Yuan.format(dec!(54.5)), "545,000");
        assert_eq!(MoneyUnit::Yuan.format(dec!(0.00015)), "1.5");
        assert_eq!(MoneyUnit::Yuan.format(dec!(123.45678)), "1,234,567.8");
        assert_eq!(MoneyUnit::Yuan.format(dec!(0)), "0");
        assert_eq!(MoneyUnit::Yuan.format(dec!(0.01)), "100");
    }

    #[test]
    fn decimals_print_without_spurious_digits() {
        let plan = SpendingPlan {
            march: dec!(25.00),
            june: dec!(50),
            october: dec!(75.5),
            december: dec!(100.0),
        };
        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(
            json,
            r#"{"march":"25","june":"50","october":"75.5","december":"100"}"#
        );
    }
}
