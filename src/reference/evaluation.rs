//! The reference department's self-evaluation (绩效自评) of 2021: made up, but as such a
//! department would report its year against the goals the reference text published — most
//! targets met, two missed and explained, one qualitative indicator scored by hand.
//!
//! Money: 委托评估费 80 万元 budgeted, 76.8 executed (96 %); 物业费及中央空调使用费 54.5 万元
//! executed in full, its 年度资金总额 written out. 分值 follow the Ministry's split (产出 50,
//! 效益 30, 满意度 10, even within each). Blank 得分 are computed: 委托评估费 totals 99.22, 物业费
//! 99.00.

use rust_decimal::Decimal;

use crate::evaluation::{Amounts, Evaluation, FundRow, FundSource, Outcome, ProjectEvaluation};
use crate::model::{Department, IndicatorValue};

/// 总体完成情况
const RESULTS: [&str; 2] = [
    "2021年，中心围绕年初确定的绩效目标，保障了高新区审批大厅正常运转，全年按时办结审批事项，完成项目委托评估23次，未发生评估项目经济投诉和影响社会稳定的事件。",
    "全年两个项目预算134.5万元，执行131.3万元，预算执行率97.62%。个别评估项目因申报单位补充材料延期办结，下一年度将提前告知材料要求、压缩补正时间。",
];

/// (实际完成值, 得分 when written, 偏差原因分析及改进措施) of each indicator, in order.
type Row = (&'static str, Option<i64>, &'static str);

const ASSESSMENT: [Row; 10] = [
    ("23次", None, ""),
    ("100%", None, ""),
    ("97.6%", None, ""),
    (
        "93%",
        None,
        "2个评估项目因申报单位补充材料延期办结；下一年度将提前告知材料要求，压缩补正时间。",
    ),
    ("100%", None, ""),
    ("0次", None, ""),
    ("96%", None, ""),
    ("0次", None, ""),
    (
        "88%",
        None,
        "部分项目受土地手续影响进展放缓；将与自然资源部门建立并联办理机制。",
    ),
    ("96.2%", None, ""),
];

const PROPERTY: [Row; 9] = [
    ("0次", None, ""),
    ("0次", None, ""),
    ("3天", None, ""),
    ("0次", None, ""),
    ("100%", None, ""),
    ("0天", None, ""),
    ("0次", None, ""),
    ("0次", None, ""),
    (
        "较满意",
        Some(9),
        "问卷中部分工作人员反映夏季空调温度偏高；已与物业约定分区调温，下一年度再做满意度调查。",
    ),
];

/// 实际完成情况 of each project's 年度 goals.
const ACHIEVED: [[&str; 2]; 2] = [
    [
        "全年完成项目可研、社稳、初步设计等委托评估23次，审批手续均按时完成。",
        "委托评估费按合同支付76.8万元，未发生拖欠。",
    ],
    [
        "全年中心工作场地正常运转，空调和物业服务未发生中断。",
        "物业费及中央空调使用费54.5万元已按合同全额支付。",
    ],
];

/// A department's goals as its self-evaluation workbook has them (see
/// [`crate::evaluation::evaluated`]).
pub fn with_points(d: Department) -> Department {
    crate::evaluation::evaluated(&d)
}

/// The reference department's self-evaluation of 2021.
pub fn evaluation() -> Evaluation {
    let money = |v: i64, scale: u32| Decimal::new(v, scale);
    let appropriation = |initial, full_year, executed| FundRow {
        source: FundSource::Appropriation,
        amounts: Amounts {
            initial,
            full_year,
            executed,
        },
        reason: String::new(),
    };
    let outcomes = |rows: &[Row]| -> Vec<Outcome> {
        rows.iter()
            .map(|&(actual, score, deviation)| Outcome {
                actual: IndicatorValue::parse(actual),
                score: score.map(Decimal::from),
                deviation: deviation.to_string(),
                adjusted_target: None,
            })
            .collect()
    };
    let achieved = |k: usize| ACHIEVED[k].iter().map(|s| s.to_string()).collect();
    let property = money(545, 1);
    Evaluation {
        results: RESULTS.iter().map(|s| s.to_string()).collect(),
        projects: vec![
            ProjectEvaluation {
                funds: vec![appropriation(money(80, 0), money(80, 0), money(768, 1))],
                achieved: achieved(0),
                indicators: outcomes(&ASSESSMENT),
            },
            ProjectEvaluation {
                funds: vec![
                    FundRow {
                        source: FundSource::Total,
                        ..appropriation(property, property, property)
                    },
                    appropriation(property, property, property),
                ],
                achieved: achieved(1),
                indicators: outcomes(&PROPERTY),
            },
        ],
        department_funds: Vec::new(),
        department_indicators: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::evaluation::Grade;
    use crate::evaluation::score::{self, Scoring};

    #[test]
    fn the_scores_are_those_the_module_states() {
        let (d, e) = (with_points(crate::reference::department()), evaluation());
        let totals: Vec<(Decimal, Grade)> = d
            .projects
            .iter()
            .zip(&e.projects)
            .map(|(p, pe)| {
                let scores = p
                    .indicators
                    .iter()
                    .zip(&pe.indicators)
                    .map(|(i, o)| score::scoring(i, o).value().unwrap())
                    .collect();
                let scored = score::total(score::execution_score(&pe.total()), scores);
                (scored.total, scored.grade)
            })
            .collect();
        assert_eq!(
            totals,
            [
                (dec!(99.22), Grade::Excellent),
                (dec!(99.00), Grade::Excellent)
            ]
        );
        let property = &d.projects[1];
        let last = property.indicators.len() - 1;
        assert_eq!(
            score::scoring(&property.indicators[last], &e.projects[1].indicators[last]),
            Scoring::Given(dec!(9))
        );
    }

    #[test]
    fn suggested_points_split_50_30_10_evenly_with_the_remainder_last() {
        use crate::evaluation::score::suggested_points;
        let levels = [
            "产出指标",
            "产出指标",
            "产出指标",
            "效果指标",
            "效益指标",
            "满意度指标",
        ];
        let points = suggested_points(levels.iter().copied());
        assert_eq!(
            points,
            [
                dec!(16.67),
                dec!(16.67),
                dec!(16.66),
                dec!(15),
                dec!(15),
                dec!(10)
            ]
        );
        assert_eq!(points.iter().sum::<Decimal>(), dec!(90));
        assert_eq!(suggested_points(["成本指标"].into_iter()), [dec!(0)]);
    }
}
