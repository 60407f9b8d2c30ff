//! The Ministry's scoring rules (财预〔2020〕10号), exactly: 预算执行率 worth 10 points, the
//! indicators worth 90, every computed score rounded half-up to two decimals, and the total the
//! sum of the scores as printed, so that the printed column adds up to the printed total.

use rust_decimal::{Decimal, RoundingStrategy};

use super::outcome::{Amounts, Grade, Outcome};
use crate::model::{Comparator, Indicator, IndicatorValue, Period};

/// 预算执行率's 分值.
pub const EXECUTION_POINTS: Decimal = Decimal::TEN;

/// The indicators' 分值 together.
pub const INDICATOR_POINTS: Decimal = Decimal::from_parts(90, 0, 0, false, 0);

/// A score or rate as printed: half-up to two decimals.
pub fn printed(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A score or rate as printed, with exactly two decimals (`9.60`, `10.00`).
pub fn two_decimals(value: Decimal) -> String {
    let mut v = printed(value);
    v.rescale(2);
    v.to_string()
}

/// 预算执行率 as printed: a percentage with two decimals (`96.00%`); `None` when nothing was
/// budgeted.
pub fn rate_text(amounts: &Amounts) -> Option<String> {
    execution_rate(amounts).map(|r| format!("{}%", two_decimals(r * Decimal::ONE_HUNDRED)))
}

/// 预算执行率 = 全年执行数 ÷ 全年预算数 of 年度资金总额, as a fraction (1 = 100 %), unrounded;
/// `None` when nothing was budgeted for the year.
pub fn execution_rate(total: &Amounts) -> Option<Decimal> {
    (!total.full_year.is_zero()).then(|| total.executed / total.full_year)
}

/// 预算执行率's 得分: 10 × min(执行率, 100 %), printed. Nothing budgeted scores nothing.
pub fn execution_score(total: &Amounts) -> Decimal {
    match execution_rate(total) {
        Some(rate) => printed(EXECUTION_POINTS * rate.min(Decimal::ONE)),
        None => Decimal::ZERO,
    }
}

/// The 得分 of an indicator whose 得分 was left blank, when the rules can compute it: both the
/// target and the 实际完成值 numbers in the same unit (a 实际完成值 without one takes the
/// target's). `None` otherwise (定性 values, words): then the 得分 must be written.
///
/// - `≥`, `>`, `=` (or no comparator, as in `100%`) of a positive quantity: 分值 × min(实际 ÷
///   目标, 1);
/// - `≤`, `<`: 分值 × min(目标 ÷ 实际, 1), full when 实际 is 0;
/// - a target of exactly 0 (`=0次`, `≤0`): full when 实际 meets it, 0 otherwise.
pub fn indicator(
    target: &IndicatorValue,
    actual: &IndicatorValue,
    points: Decimal,
) -> Option<Decimal> {
    let (goal, got) = (target.number?, actual.number?);
    if !(actual.unit.is_empty() || actual.unit == target.unit) {
        return None;
    }
    let comparator = target.comparator.unwrap_or(Comparator::Equal);
    let share = if goal.is_zero() {
        let meets = match comparator {
            Comparator::AtLeast => got >= goal,
            Comparator::Greater => got > goal,
            Comparator::Equal => got == goal,
            Comparator::AtMost | Comparator::Less => got <= goal,
        };
        if meets { Decimal::ONE } else { Decimal::ZERO }
    } else {
        match comparator {
            Comparator::AtLeast | Comparator::Greater | Comparator::Equal => {
                (got / goal).min(Decimal::ONE).max(Decimal::ZERO)
            }
            Comparator::AtMost | Comparator::Less if got.is_zero() => Decimal::ONE,
            Comparator::AtMost | Comparator::Less => {
                (goal / got).min(Decimal::ONE).max(Decimal::ZERO)
            }
        }
    };
    Some(printed(points * share))
}

/// An indicator's 得分 as the document prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// Written in the workbook, kept as written.
    Given(Decimal),
    /// Left blank and computed by the rules.
    Computed(Decimal),
    /// Left blank where the rules cannot compute it (定性, words, other units).
    Missing,
}

impl Scoring {
    /// The score printed; `None` when missing.
    pub fn value(self) -> Option<Decimal> {
        match self {
            Scoring::Given(s) | Scoring::Computed(s) => Some(s),
            Scoring::Missing => None,
        }
    }
}

/// The target an indicator is scored against: its 调整后指标值 when given, else its 指标值.
pub fn target<'a>(indicator: &'a Indicator, outcome: &'a Outcome) -> &'a IndicatorValue {
    outcome.adjusted_target.as_ref().unwrap_or(&indicator.value)
}

/// The 得分 of a 年度 indicator: as written, else computed (see [`indicator`]) from its 分值
/// (`权重`; 0 when blank, which the reader has reported).
pub fn scoring(indicator: &Indicator, outcome: &Outcome) -> Scoring {
    if let Some(given) = outcome.score {
        return Scoring::Given(given);
    }
    let points = indicator.details.weight.unwrap_or_default();
    // A target written without its unit has the 度量单位's.
    let mut goal = target(indicator, outcome).clone();
    if goal.unit.is_empty() {
        goal.unit = indicator.details.unit.clone();
    }
    match self::indicator(&goal, &outcome.actual, points) {
        Some(computed) => Scoring::Computed(computed),
        None => Scoring::Missing,
    }
}

/// The 年度 indicators of a table with their outcomes (those of the 实施期 are not scored).
pub fn yearly<'a>(
    indicators: &'a [Indicator],
    outcomes: &'a [Outcome],
) -> impl Iterator<Item = (&'a Indicator, &'a Outcome)> {
    indicators
        .iter()
        .zip(outcomes)
        .filter(|(i, _)| i.period == Period::Year)
}

/// A table scored: the 执行率 of `funds` (its 年度资金总额) and its 年度 indicators, a blank
/// score that cannot be computed counting 0 (a workbook with one has an error and is not
/// printed).
pub fn table(indicators: &[Indicator], outcomes: &[Outcome], funds: &Amounts) -> Scored {
    let scores = yearly(indicators, outcomes)
        .map(|(i, o)| scoring(i, o).value().unwrap_or_default())
        .collect();
    total(execution_score(funds), scores)
}

/// A scored table: the 执行率 score and each indicator's score as printed, their total and grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub execution: Decimal,
    pub indicators: Vec<Decimal>,
    /// 总分 = 执行率得分 + Σ 得分 as printed.
    pub total: Decimal,
    pub grade: Grade,
}

/// Totals the printed scores: what the table prints adds up to what it prints as 总分.
pub fn total(execution: Decimal, indicators: Vec<Decimal>) -> Scored {
    let execution = printed(execution);
    let indicators: Vec<Decimal> = indicators.into_iter().map(printed).collect();
    let total = execution + indicators.iter().copied().sum::<Decimal>();
    Scored {
        execution,
        indicators,
        total,
        grade: Grade::of(total),
    }
}

/// The 分值 the self-evaluation's form suggests for indicators of these 一级指标: 产出 50, 效益
/// (效果) 30, 满意度 10 (others 0), each divided evenly within its 一级, to two decimals, the
/// remainder on the last.
pub fn suggested_points<'a>(level1: impl Iterator<Item = &'a str>) -> Vec<Decimal> {
    let group = |l: &str| match l.trim_end_matches("指标") {
        "产出" => Some(("产出", 50)),
        "效益" | "效果" => Some(("效益", 30)),
        "满意度" => Some(("满意度", 10)),
        _ => None,
    };
    let groups: Vec<Option<(&str, i64)>> = level1.map(group).collect();
    let mut points = vec![Decimal::ZERO; groups.len()];
    for (name, total) in [("产出", 50), ("效益", 30), ("满意度", 10)] {
        let members: Vec<usize> = (0..groups.len())
            .filter(|&i| groups[i].is_some_and(|g| g.0 == name))
            .collect();
        let Some(&last) = members.last() else {
            continue;
        };
        let total = Decimal::from(total);
        let each = (total / Decimal::from(members.len())).round_dp(2);
        for &i in &members {
            points[i] = each;
        }
        points[last] = total - each * Decimal::from(members.len() - 1);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn value(text: &str) -> IndicatorValue {
        IndicatorValue::parse(text)
    }

    #[test]
    fn execution_is_ten_points_times_the_rate_capped_at_full() {
        let total = Amounts {
            initial: dec!(90),
            full_year: dec!(90),
            executed: dec!(89.974),
        };
        assert_eq!(execution_rate(&total), Some(dec!(89.974) / dec!(90)));
        assert_eq!(execution_score(&total), dec!(10.00));
        let half = Amounts {
            full_year: dec!(80),
            executed: dec!(76),
            ..Amounts::default()
        };
        assert_eq!(execution_score(&half), dec!(9.50));
        let over = Amounts {
            full_year: dec!(10),
            executed: dec!(12),
            ..Amounts::default()
        };
        assert_eq!(execution_score(&over), dec!(10));
        assert_eq!(execution_score(&Amounts::default()), dec!(0));
    }

    #[test]
    fn indicators_score_by_their_comparator() {
        let points = dec!(20);
        assert_eq!(
            indicator(&value("≥95%"), &value("96.5%"), points),
            Some(dec!(20))
        );
        assert_eq!(
            indicator(&value("≥95%"), &value("90%"), points),
            Some(dec!(18.95))
        );
        assert_eq!(
            indicator(&value("100%"), &value("98%"), points),
            Some(dec!(19.60))
        );
        assert_eq!(
            indicator(&value("=22次"), &value("22"), points),
            Some(dec!(20))
        );
        assert_eq!(
            indicator(&value("≤5天"), &value("8天"), points),
            Some(dec!(12.50))
        );
        assert_eq!(
            indicator(&value("≤5天"), &value("0天"), points),
            Some(dec!(20))
        );
        assert_eq!(
            indicator(&value("=0次"), &value("0次"), points),
            Some(dec!(20))
        );
        assert_eq!(
            indicator(&value("=0次"), &value("1次"), points),
            Some(dec!(0))
        );
        assert_eq!(indicator(&value("≤0"), &value("0"), points), Some(dec!(20)));
        // Other units, words: not computable.
        assert_eq!(indicator(&value("≥95%"), &value("96次"), points), None);
        assert_eq!(
            indicator(&value("达成预期指标"), &value("达成"), points),
            None
        );
        assert_eq!(indicator(&value("≥95%"), &value("好"), points), None);
    }

    /// Points split by weights rounded down never go negative: a case proptest once shrank to.
    #[test]
    fn seven_uneven_shares_of_nothing_achieved_score_nothing() {
        let weights = [3625u32, 4461, 5972, 5847, 3124, 1878, 1];
        let all: u32 = weights.iter().sum();
        let mut points: Vec<Decimal> = weights
            .iter()
            .map(|w| {
                (INDICATOR_POINTS * Decimal::from(*w) / Decimal::from(all))
                    .round_dp_with_strategy(2, RoundingStrategy::ToZero)
            })
            .collect();
        let rest = INDICATOR_POINTS - points.iter().copied().sum::<Decimal>();
        *points.last_mut().unwrap() += rest;
        assert!(points.iter().all(|p| *p >= Decimal::ZERO));
        let scores: Vec<Decimal> = points
            .iter()
            .map(|p| indicator(&value("≥100%"), &value("0%"), *p).unwrap())
            .collect();
        assert_eq!(total(Decimal::ZERO, scores).total, Decimal::ZERO);
    }

    #[test]
    fn grades_are_at_90_80_and_60() {
        assert_eq!(Grade::of(dec!(90)), Grade::Excellent);
        assert_eq!(Grade::of(dec!(89.99)), Grade::Good);
        assert_eq!(Grade::of(dec!(80)), Grade::Good);
        assert_eq!(Grade::of(dec!(60)), Grade::Fair);
        assert_eq!(Grade::of(dec!(59.99)), Grade::Poor);
    }

    proptest! {
        // No regressions file in the tree: a shrunk failure is kept as a case of its own (below).
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever the scores, the printed column adds up to the printed total, which is at
        /// most 100 when each score is at most its points.
        #[test]
        fn the_printed_scores_add_up_to_the_printed_total(
            executed in 0u32..2_000_000,
            budget in 1u32..2_000_000,
            shares in proptest::collection::vec((1u32..10_000, 0u32..=1000), 1..30),
        ) {
            let amounts = Amounts {
                initial: Decimal::new(budget.into(), 3),
                full_year: Decimal::new(budget.into(), 3),
                executed: Decimal::new(executed.into(), 3),
            };
            // Split 90 points by the weights, each rounded down, the remainder on the last.
            let weight: u32 = shares.iter().map(|s| s.0).sum();
            let mut points: Vec<Decimal> = shares
                .iter()
                .map(|s| {
                    (INDICATOR_POINTS * Decimal::from(s.0) / Decimal::from(weight))
                        .round_dp_with_strategy(2, RoundingStrategy::ToZero)
                })
                .collect();
            let rest = INDICATOR_POINTS - points.iter().copied().sum::<Decimal>();
            *points.last_mut().unwrap() += rest;
            let targets: Vec<Decimal> = shares
                .iter()
                .zip(&points)
                .map(|(s, p)| {
                    let actual = IndicatorValue::parse(&format!("{}%", Decimal::from(s.1) / Decimal::TEN));
                    indicator(&value("≥100%"), &actual, *p).unwrap()
                })
                .collect();
            let scored = total(execution_score(&amounts), targets);
            let column: Decimal = scored.execution + scored.indicators.iter().copied().sum::<Decimal>();
            prop_assert_eq!(column, scored.total);
            prop_assert!(scored.total <= Decimal::ONE_HUNDRED);
            prop_assert!(scored.indicators.iter().zip(&points).all(|(s, p)| s <= p));
            prop_assert_eq!(scored.total.scale() <= 2, true);
        }
    }
}
