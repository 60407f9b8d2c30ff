//! A second reference department with every optional part of contract v2: 唐山市科学技术局 2024,
//! a made-up but realistic department in the style of the Ministry of Finance's
//! 项目支出绩效目标申报表 (主管部门, 实施单位, 项目属性, 项目期, money for the whole
//! implementation period). The tests build it and compare its PDF with every value here.

use rust_decimal::Decimal;

use crate::model::{
    Department, Funds, Indicator, IndicatorDetails, IndicatorValue, MoneyUnit, Period, Project,
    ProjectDetails, SpendingPlan, SubGoal, Task,
};

/// The department.
pub fn department() -> Department {
    Department {
        name: "唐山市科学技术局".into(),
        year: 2024,
        compiled_by: "唐山市科学技术局".into(),
        reviewed_by: Some("唐山市财政局".into()),
        code: Some("218".into()),
        title: Department::default_title("唐山市科学技术局", 2024),
        overall_goals: vec![
            "围绕创新驱动发展战略，完善科技创新券、科技馆运行等重点工作，推动企业研发投入持续增长，全年高新技术企业净增不少于50家。".into(),
            "加强科技资金绩效管理，确保财政资金使用规范、安全、有效。".into(),
        ],
        sub_goals: vec![
            SubGoal {
                name: "科技创新服务".into(),
                target: "通过科技创新券支持中小企业购买研发服务，降低企业创新成本。".into(),
                indicators: "创新券兑付企业数量、企业研发投入增长率、企业满意度。".into(),
            },
            SubGoal {
                name: "科学普及".into(),
                target: "保障科技馆正常开放，面向公众开展科普活动。".into(),
                indicators: "科技馆开放天数、年接待人次、观众满意度。".into(),
            },
        ],
        measures: vec![
            "建立项目资金台账，按季度跟踪预算执行和绩效目标完成情况。".into(),
            "对创新券兑付实行事前审核、事后抽查，防止虚假交易。".into(),
        ],
        projects: vec![innovation_vouchers(), science_museum()],
        // Printed in 元, as many provinces' texts do (基本信息 金额单位).
        money_unit: MoneyUnit::Yuan,
        tasks: tasks(),
        department_indicators: indicators(
            Period::Year,
            &[
                ("产出指标", "数量指标", "高新技术企业净增数量", "当年新认定减去到期未通过的企业数", ">=50家", "计划标准", "定量", "家", 20, ""),
                ("产出指标", "数量指标", "科普活动场次", "全年组织的科普活动", ">=120场", "历史标准", "定量", "场", 15, ""),
                ("产出指标", "质量指标", "科技项目验收通过率", "到期项目中通过验收的比例", ">=90%", "行业标准", "定量", "%", 15, ""),
                ("产出指标", "时效指标", "资金拨付及时率", "按合同约定时间拨付的资金比例", "100%", "计划标准", "定量", "%", 10, ""),
                ("效益指标", "经济效益指标", "全社会研发投入强度", "研发经费占地区生产总值的比例", ">=2.5%", "计划标准", "定量", "%", 15, "统计部门年报口径"),
                ("效益指标", "社会效益指标", "公民具备科学素质比例", "抽样调查结果", ">=14%", "计划标准", "定量", "%", 10, ""),
                ("满意度指标", "服务对象满意度指标", "服务对象满意度", "企业和公众问卷调查", ">=90%", "行业标准", "定量", "%", 15, ""),
            ],
        ),
    }
}

/// 年度主要任务: five tasks, one without money.
fn tasks() -> Vec<Task> {
    let task = |name: &str, content: &str, money: Option<(i64, i64, i64)>| Task {
        name: name.into(),
        content: content.into(),
        funds: money.map(|(total, fiscal, other)| Funds {
            total: Decimal::new(total, 1),
            fiscal: Decimal::new(fiscal, 1),
            other: Decimal::new(other, 1),
        }),
    };
    vec![
        task(
            "科技创新服务",
            "兑付科技创新券，支持中小企业购买研发服务。",
            Some((1200, 1000, 200)),
        ),
        task(
            "科学普及",
            "保障科技馆运行，组织全国科普日等科普活动。",
            Some((865, 865, 0)),
        ),
        task(
            "科技计划项目管理",
            "组织市级科技计划项目的立项、中期检查和验收。",
            Some((423, 423, 0)),
        ),
        task(
            "高新技术企业培育",
            "开展高新技术企业政策宣讲和申报辅导。",
            Some((155, 155, 0)),
        ),
        task(
            "科技统计与监测",
            "完成年度科技统计调查，监测全社会研发投入。",
            None,
        ),
    ]
}

fn text(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// (一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据, 指标性质, 度量单位, 权重, 备注)
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    i64,
    &'a str,
);

fn indicators(period: Period, rows: &[Row]) -> Vec<Indicator> {
    rows.iter()
        .map(
            |&(level1, level2, level3, description, value, basis, nature, unit, weight, remark)| {
                Indicator {
                    level1: level1.into(),
                    level2: level2.into(),
                    level3: level3.into(),
                    description: description.into(),
                    value: IndicatorValue::parse(value),
                    basis: basis.into(),
                    period,
                    details: IndicatorDetails {
                        nature: nature.into(),
                        unit: unit.into(),
                        weight: Some(Decimal::new(weight, 0)),
                        remark: remark.into(),
                    },
                }
            },
        )
        .collect()
}

/// A three-year project with every optional 项目 column.
fn innovation_vouchers() -> Project {
    Project {
        code: Some("130200240001".into()),
        name: "科技创新券补助".into(),
        budget: Decimal::new(120, 0),
        fiscal_funds: Decimal::new(100, 0),
        other_funds: Decimal::new(20, 0),
        purpose: "向购买研发、检验检测、技术转移等服务的科技型中小企业兑付科技创新券。".into(),
        spending_plan: plan(10, 40, 70, 100),
        goals: vec![
            "2024年兑付创新券不少于300家次，带动企业研发投入增长10%以上。".into(),
            "创新券兑付规范及时，企业满意度不低于90%。".into(),
        ],
        term_goals: vec![
            "2024—2026年累计支持科技型中小企业不少于900家次，形成覆盖全市的科技服务市场。".into(),
            "三年内带动企业新增研发投入不少于3亿元。".into(),
        ],
        indicators: [
            indicators(
                Period::Term,
                &[
                    (
                        "产出指标",
                        "数量指标",
                        "累计兑付企业数量",
                        "实施期内兑付创新券的企业家次",
                        ">=900家次",
                        "计划标准",
                        "定量",
                        "家次",
                        30,
                        "",
                    ),
                    (
                        "产出指标",
                        "质量指标",
                        "服务机构入库合格率",
                        "入库服务机构中考核合格的比例",
                        ">=95%",
                        "行业标准",
                        "定量",
                        "%",
                        20,
                        "",
                    ),
                    (
                        "效益指标",
                        "经济效益指标",
                        "带动企业新增研发投入",
                        "实施期内兑付企业新增研发投入",
                        ">=30000万元",
                        "计划标准",
                        "定量",
                        "万元",
                        30,
                        "以企业年报为准",
                    ),
                    (
                        "满意度指标",
                        "服务对象满意度指标",
                        "企业满意度",
                        "实施期末抽样调查的满意比例",
                        ">=90%",
                        "行业标准",
                        "定量",
                        "%",
                        20,
                        "",
                    ),
                ],
            ),
            indicators(
                Period::Year,
                &[
                    (
                        "产出指标",
                        "数量指标",
                        "创新券兑付企业数量",
                        "当年兑付创新券的企业家次",
                        ">=300家次",
                        "计划标准",
                        "定量",
                        "家次",
                        20,
                        "",
                    ),
                    (
                        "产出指标",
                        "质量指标",
                        "兑付资料审核合格率",
                        "审核合格的兑付申请占全部申请的比例",
                        "100%",
                        "行业标准",
                        "定量",
                        "%",
                        20,
                        "",
                    ),
                    (
                        "产出指标",
                        "时效指标",
                        "兑付办结时限",
                        "受理至兑付完成的工作日",
                        "<=20天",
                        "计划标准",
                        "定量",
                        "天",
                        20,
                        "节假日顺延",
                    ),
                    (
                        "效益指标",
                        "经济效益指标",
                        "企业研发投入增长率",
                        "兑付企业研发投入较上年增长",
                        ">=10%",
                        "历史标准",
                        "定量",
                        "%",
                        20,
                        "",
                    ),
                    (
                        "满意度指标",
                        "服务对象满意度指标",
                        "企业满意度",
                        "抽样调查的兑付企业满意比例",
                        ">=90%",
                        "行业标准",
                        "定量",
                        "%",
                        20,
                        "",
                    ),
                ],
            ),
        ]
        .concat(),
        details: ProjectDetails {
            supervisor: text("唐山市科学技术局（218）"),
            implementer: text("唐山市科技创新服务中心"),
            attribute: text("延续"),
            category: text("特定目标类"),
            nature: text("阶段性"),
            term: text("2024—2026年"),
        },
        term_funds: Some(Funds {
            total: Decimal::new(360, 0),
            fiscal: Decimal::new(300, 0),
            other: Decimal::new(60, 0),
        }),
    }
}

/// A one-year project with some of the optional columns (a 实施单位 without 主管部门, three of
/// the four classifications, no implementation-period money).
fn science_museum() -> Project {
    Project {
        code: Some("130200240002".into()),
        name: "科技馆运行维护".into(),
        budget: Decimal::new(865, 1),
        fiscal_funds: Decimal::new(865, 1),
        other_funds: Decimal::ZERO,
        purpose: "支付科技馆展品维护、物业、水电等运行费用。".into(),
        spending_plan: plan(25, 50, 75, 100),
        goals: vec!["保障科技馆全年正常开放，年接待观众不少于20万人次。".into()],
        term_goals: Vec::new(),
        indicators: indicators(
            Period::Year,
            &[
                (
                    "产出指标",
                    "数量指标",
                    "开放天数",
                    "全年对公众开放的天数",
                    ">=300天",
                    "计划标准",
                    "定量",
                    "天",
                    25,
                    "",
                ),
                (
                    "产出指标",
                    "质量指标",
                    "展品完好率",
                    "正常运行的展品占全部展品的比例",
                    ">=95%",
                    "行业标准",
                    "定量",
                    "%",
                    25,
                    "",
                ),
                (
                    "效益指标",
                    "社会效益指标",
                    "年接待观众人次",
                    "全年接待观众的人次",
                    ">=20万人次",
                    "历史标准",
                    "定量",
                    "万人次",
                    30,
                    "含线上展厅",
                ),
                (
                    "满意度指标",
                    "服务对象满意度指标",
                    "观众满意度",
                    "问卷调查的观众满意比例",
                    ">=90%",
                    "行业标准",
                    "定性",
                    "%",
                    20,
                    "",
                ),
            ],
        ),
        details: ProjectDetails {
            supervisor: None,
            implementer: text("唐山市科学技术馆"),
            attribute: text("延续"),
            category: text("其他运转类"),
            nature: None,
            term: text("1年"),
        },
        term_funds: None,
    }
}

fn plan(march: i64, june: i64, october: i64, december: i64) -> SpendingPlan {
    SpendingPlan {
        march: Decimal::new(march, 0),
        june: Decimal::new(june, 0),
        october: Decimal::new(october, 0),
        december: Decimal::new(december, 0),
    }
}
