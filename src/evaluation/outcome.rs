//! What a department reports after the year: its money (资金来源 and the three amounts) and each
//! indicator's outcome, with the grade a total earns.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::IndicatorValue;

/// 资金来源: a row of 项目资金执行 (or 部门资金执行).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FundSource {
    /// 年度资金总额: the sum of the sources below.
    Total,
    /// 当年财政拨款 (财政拨款, 本年财政拨款)
    Appropriation,
    /// 上年结转资金 (上年结转)
    CarriedOver,
    /// 其他资金
    Other,
    /// 基本支出 (部门资金执行 only)
    Basic,
    /// 项目支出 (部门资金执行 only)
    Project,
}

impl FundSource {
    /// The source a 资金来源 cell names, in any of its spellings (folded text); `None` when it
    /// names none. `department` admits 基本支出 and 项目支出 (部门资金执行).
    pub fn parse(text: &str, department: bool) -> Option<FundSource> {
        let source = match text.trim() {
            "年度资金总额" | "资金总额" | "合计" => FundSource::Total,
            "当年财政拨款" | "财政拨款" | "本年财政拨款" | "其中：当年财政拨款" => {
                FundSource::Appropriation
            }
            "上年结转资金" | "上年结转" => FundSource::CarriedOver,
            "其他资金" => FundSource::Other,
            "基本支出" if department => FundSource::Basic,
            "项目支出" if department => FundSource::Project,
            _ => return None,
        };
        Some(source)
    }

    /// The name printed, and written in the workbook.
    pub fn label(self) -> &'static str {
        match self {
            FundSource::Total => "年度资金总额",
            FundSource::Appropriation => "当年财政拨款",
            FundSource::CarriedOver => "上年结转资金",
            FundSource::Other => "其他资金",
            FundSource::Basic => "基本支出",
            FundSource::Project => "项目支出",
        }
    }
}

/// A source's three amounts (万元).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    /// 年初预算数
    pub initial: Decimal,
    /// 全年预算数 (调整后预算数)
    pub full_year: Decimal,
    /// 全年执行数 (预算执行数)
    pub executed: Decimal,
}

impl std::ops::Add for Amounts {
    type Output = Amounts;
    fn add(self, other: Amounts) -> Amounts {
        Amounts {
            initial: self.initial + other.initial,
            full_year: self.full_year + other.full_year,
            executed: self.executed + other.executed,
        }
    }
}

/// One row of 项目资金执行: a source of a project's money and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundRow {
    pub source: FundSource,
    pub amounts: Amounts,
    /// 原因: why execution fell short or the budget was adjusted (may be empty).
    pub reason: String,
}

/// What became of an indicator (绩效指标) by the year's end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// 实际完成值, read as leniently as 指标值.
    pub actual: IndicatorValue,
    /// 得分 as written; `None` when left blank (then computed, see `score::indicator`). Its
    /// 分值 is the indicator's 权重 (`IndicatorDetails::weight`), the same column.
    pub score: Option<Decimal>,
    /// 偏差原因分析及改进措施 (may be empty).
    pub deviation: String,
    /// 调整后指标值: the target scored against instead of 指标值, when given.
    pub adjusted_target: Option<IndicatorValue>,
}

/// 绩效自评: what a department reports after the year against the goals its [`Department`]
/// holds. Its vectors run parallel to the department's.
///
/// [`Department`]: crate::model::Department
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// 总体完成情况: one paragraph each (empty: the document prints the 总体绩效目标).
    pub results: Vec<String>,
    /// One per project.
    pub projects: Vec<ProjectEvaluation>,
    /// 部门资金执行 (empty when the workbook has none).
    pub department_funds: Vec<FundRow>,
    /// One per 部门整体指标.
    pub department_indicators: Vec<Outcome>,
}

impl Evaluation {
    /// What became of each project's indicators, then of the department's own: in the order of
    /// [`crate::read::Origins::indicator_rows`].
    pub fn outcome_lists(&self) -> impl Iterator<Item = &[Outcome]> {
        let projects = self.projects.iter().map(|p| &p.indicators[..]);
        projects.chain(std::iter::once(&self.department_indicators[..]))
    }

    /// The blank self-evaluation of `department`'s goals, as its form starts: for each project
    /// its 当年财政拨款 (and 其他资金, when it has any) with the 年初预算数 the goals published,
    /// the rest for the department to fill in.
    pub fn blank_for(department: &crate::model::Department) -> Evaluation {
        let row = |source, initial| FundRow {
            source,
            amounts: Amounts {
                initial,
                ..Amounts::default()
            },
            reason: String::new(),
        };
        let blank = |indicators: &[crate::model::Indicator]| {
            indicators
                .iter()
                .map(|_| Outcome {
                    actual: IndicatorValue::parse(""),
                    score: None,
                    deviation: String::new(),
                    adjusted_target: None,
                })
                .collect()
        };
        Evaluation {
            results: Vec::new(),
            projects: department
                .projects
                .iter()
                .map(|p| {
                    let mut funds = vec![row(FundSource::Appropriation, p.fiscal_funds)];
                    if !p.other_funds.is_zero() {
                        funds.push(row(FundSource::Other, p.other_funds));
                    }
                    ProjectEvaluation {
                        funds,
                        achieved: vec![String::new(); p.goals.len()],
                        indicators: blank(&p.indicators),
                    }
                })
                .collect(),
            department_funds: Vec::new(),
            department_indicators: blank(&department.department_indicators),
        }
    }

    /// The department's 年度资金总额 (部门资金执行): as written, or 财政拨款 + 其他资金.
    pub fn department_total(&self) -> Amounts {
        let funds = &self.department_funds;
        match funds.iter().find(|f| f.source == FundSource::Total) {
            Some(row) => row.amounts,
            None => funds
                .iter()
                .filter(|f| matches!(f.source, FundSource::Appropriation | FundSource::Other))
                .fold(Amounts::default(), |s, f| s + f.amounts),
        }
    }

    /// The default 文档标题 of a self-evaluation.
    pub fn default_title(name: &str, year: i32) -> String {
        format!("{name}{year}年度预算绩效自评报告")
    }
}

/// A project's year: its money by source and what became of its goals and indicators.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectEvaluation {
    /// 项目资金执行, in workbook order (年度资金总额 only when written).
    pub funds: Vec<FundRow>,
    /// 实际完成情况, one per 年度 goal.
    pub achieved: Vec<String>,
    /// One per indicator (those of the 实施期 are not scored).
    pub indicators: Vec<Outcome>,
}

impl ProjectEvaluation {
    /// The row of `source`, when written.
    pub fn fund(&self, source: FundSource) -> Option<&FundRow> {
        self.funds.iter().find(|f| f.source == source)
    }

    /// 年度资金总额: as written, or the exact sum of the sources.
    pub fn total(&self) -> Amounts {
        match self.fund(FundSource::Total) {
            Some(row) => row.amounts,
            None => self.sources_sum(),
        }
    }

    /// The sum of the sources (every row but 年度资金总额).
    pub fn sources_sum(&self) -> Amounts {
        self.funds
            .iter()
            .filter(|f| f.source != FundSource::Total)
            .fold(Amounts::default(), |sum, f| sum + f.amounts)
    }
}

/// 自评等级
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    /// 差: below 60
    Poor,
    /// 中: 60 or more
    Fair,
    /// 良: 80 or more
    Good,
    /// 优: 90 or more
    Excellent,
}

impl Grade {
    /// The grade of a total score (of 100).
    pub fn of(total: Decimal) -> Grade {
        if total >= Decimal::from(90) {
            Grade::Excellent
        } else if total >= Decimal::from(80) {
            Grade::Good
        } else if total >= Decimal::from(60) {
            Grade::Fair
        } else {
            Grade::Poor
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }
}
