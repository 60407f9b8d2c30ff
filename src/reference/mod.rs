//! The reference department: 唐山高新区行政服务中心 2021, transcribed from its published
//! 部门预算绩效文本 (the "seed", kept as a test fixture in `tests/fixtures/reference-2021.txt`).
//!
//! The transcription keeps the seed's wording character for character, typos included. Only the
//! seed's layout is undone: the stray spaces around values are trimmed, the "1、" numbering of
//! sub-goals and measures is dropped (the renderer numbers them), table cells the seed leaves blank
//! under 一级指标/二级指标 (merged cells in the original) are filled in, line-wrapped headers
//! (`一级\n\n指标`) are joined, and the template's "......" goal row and blank rows are left out.
//! 指标值 are given as written in the seed (`>=95%`, `≤5天`) and go through
//! [`IndicatorValue::parse`].

pub mod evaluation;
pub mod full;

use rust_decimal::Decimal;

use crate::model::{
    Department, Indicator, IndicatorDetails, IndicatorValue, MoneyUnit, Period, Project,
    ProjectDetails, SpendingPlan, SubGoal,
};

const NAME: &str = "唐山高新区行政服务中心";
const YEAR: i32 = 2021;
const COMPILED_BY: &str = "唐山高新技术产业开发区行政服务中心";
const REVIEWED_BY: &str = "高新区财政局";

/// 总体绩效目标
const OVERALL_GOALS: [&str; 2] = [
    "搞好单位整体协调工作，对文件的上传下达工作，档案的管理，组织的建设、人事劳资的核算，其他部门办公等工作。保证高新区审批大厅正常工作与运转，通过开展审批服务及其他便民服务，将审批大厅打造为便捷高效公开透明的服务平台。在规定时限内，依法、依规进开展行政审批。做好行政审批配套相关评估工作。保证会议过程中评标专家到场，采购项目采购文件专家论证和开评标顺利完成。",
    "组织实施高新区行政服务中心各项党政综合事务和人员管理功能，纪委监察和财政事务。负责组织实施高新区行政审批以及配套工作，行政服务中心政府采购工作。在规定时限内，依法、依规进开展行政审批。做好行政审批配套相关评估工作。",
];

/// 分项绩效目标: (名称, 绩效目标, 绩效指标)
const SUB_GOALS: [(&str, &str, &str); 5] = [
    (
        "党政综合事务",
        "搞好单位整体协调工作，对文件的上传下达工作，档案的管理，组织的建设、人事劳资的核算，其他部门办公等",
        "机关办公的协调性、上传下达的及时性的百分比、组织党建、人事劳资的核算等工作出错率",
    ),
    (
        "高新区行政审人员管理",
        "提升审批人员工作水平，监督考核审批人员工作纪律、工作能力。",
        "行政审批人员培训、考核通过率",
    ),
    (
        "财政事务",
        "编制财政收支预决算，管理机关经费收支，负责本单位账务管理。",
        "编制财政收支预决算的及时率、管理本单位账务的出错率",
    ),
    (
        "行政审批政务管理与日常工作",
        "在规定时限内，依法、依规进开展行政审批。做好行政审批配套相关评估工作",
        // The seed has a space before the first 、; kept as written.
        "按时办结审批事项数量 、办事项目企业满意率、评估单位满意率。",
    ),
    (
        "政府采购招投标会议专家评审工作",
        "保证会议过程中评标专家到场，采购项目采购文件专家论证和开评标顺利完成。",
        "评标专家满意率",
    ),
];

/// 工作保障措施, without their numbering.
const MEASURES: [&str; 10] = [
    "全面实行“不见面”办理业务，并建立涉及疫情防控工作、重点项目建设审批绿色通道，优先受理、优先审批的工作机制，助力企业共同打赢疫情防控阻击战。疫情防控期间，行政审批局办结“不见面审批”225件，群众涉及疫情防控事项办结51件。对于重点项目，行政审批局开辟绿色通道，提供预约服务、延时服务，如唐山亚特专用汽车有限公司“应急车辆生产线技改”项目、汇中股份有限公司公用阀门及系统研制项目等。",
    "推进区域评估，推进“打包审批”改革工作。2020年，行政审批局继续开展“区域评估”及“区域打包审批”工作。一是确定高新区京唐智慧港起步区作为评估区域，区域面积约7500亩地，涵盖了工业、现代服务业、新民居、机场、高铁站等区域。根据高新区地质结构特点及项目建设需要，确定评估事项为“地质灾害危险性评估”",
    "全力建立健全联审联办机制，完善政务服务大厅“综合分类受理、一门一站审批、统一窗口出件”审批运行模式，落实政务服务双休日“不打烊”，共办理“不打烊”业务67件，接待办事群众200余人次；",
    "推进企业档案电子化管理，结合软件公司开发系统平台，实现企业档案“容e查”，目前已录入电子档案22000余份，完成率为85%；截至目前，市场主体净增长628户，完成市达净增任务的87.10%。",
    "进一步优化营商环境，推进“放管服”改革及“三创四建”工作取得实效，助力全面夺取疫情防控和经济社会发展双胜利，行政审批局推陈出新，开发建设“高新区政务服务大厅微信预约平台”。微信预约叫号平台的使用，极大程度上减少办事群众的等候时间，使办事群众可以更加合理地安排出行时间，同时有效地解决疫情期间人员聚集问题，为办事群众提供更为便捷、高效、规范、有序的政务服务，深受办事群众的一致好评。",
    "持续推进社会信用体系建设工作以“信用中国”等平台为依托，查询相关办事个人、企业的信用信息，限制列入黑名单的办理相关业务；三是开展信用承诺工作，围绕企业登记等涉企业务，引导企业对自身经营、生产行为开展承诺，截至目前共收集并公开信用承诺书1100余份。",
    "推进乡镇和街道机构改革工作。行政综合服务中心场所建设、审批服务事项、制度建设、培训指导等工作均已按照标准完成建设。",
    "加强支出管理。通过优化支出结构、编细编实预算、加快履行政府采购手续、尽快启动项目、及时支付资金、6月底前细化代编预算、按规定及时下达资金等多种措施，确保支出进度达标。",
    "加强绩效运行监控。按要求开展绩效运行监控，发现问题及时采取措施，确保绩效目标如期保质实现。",
    "做好绩效自评。按要求开展上年度部门预算绩效自评和重点评价工作，对评价中发现的问题及时整改，调整优化支出结构，提高财政资金使用效益。",
];

/// One indicator row: (一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值 as written, 指标值确定依据).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The seed's tables with their "same as above" cells filled in.
const ENTRUSTED_ASSESSMENT_INDICATORS: [Row; 10] = [
    (
        "产出指标",
        "数量指标",
        "全年项目评估数量",
        "全年项目评估数量",
        ">=20次",
        "往年工作经验",
    ),
    (
        "产出指标",
        "质量指标",
        "项目评估完成率",
        "全年项目评估完成数量比所有项目数量",
        ">=95%",
        "往年工作经验",
    ),
    (
        "产出指标",
        "时效指标",
        "按时办结审批事项数量",
        "高新区行政审批工作，按时办结事项数占全部受理事项的比例",
        ">=95%",
        "往年工作经验",
    ),
    (
        "产出指标",
        "时效指标",
        "项目评估按时办结率",
        "按时办结评估数量比所有项目数量",
        ">=95%",
        "往年工作经验",
    ),
    (
        "产出指标",
        "成本指标",
        "按时发放到位",
        "按时间发放到位",
        "100%",
        "往年工作经验",
    ),
    (
        "效果指标",
        "经济效益指标",
        "评估项目经济投诉数量",
        "全年项目经济投诉数量",
        "=0次",
        "往年工作经验",
    ),
    (
        "效果指标",
        "社会效益指标",
        "资金完成率",
        "支出资金占全年全部资金比",
        ">=80%",
        "往年工作经验",
    ),
    (
        "效果指标",
        "社会效益指标",
        "社会稳定风险",
        "项目影响社会稳定数量",
        "=0次",
        "往年工作经验",
    ),
    (
        "效果指标",
        "可持续性影响",
        "推动项目快速进展率",
        "推动项目快速进展数量比全部项目数量",
        ">=90%",
        "往年工作经验",
    ),
    (
        "满意度指标",
        "服务对象满意度指标",
        "办事项目企业满意率",
        "办事项目企业满意数量比所有办事项目数量",
        ">=95%",
        "往年工作经验",
    ),
];

const PROPERTY_FEE_INDICATORS: [Row; 9] = [
    (
        "产出指标",
        "数量指标",
        "中央空调故障指标",
        "全年空调故障未及时维修次数",
        "=0次",
        "往年工作经验",
    ),
    (
        "产出指标",
        "数量指标",
        "物业服务指标",
        "全年未正常提供物业服务天数",
        "=0次",
        "往年工作经验",
    ),
    (
        "产出指标",
        "质量指标",
        "冬季室内温度指标",
        "全年冬季室内温度未能达到供暖温度天数",
        "≤5天",
        "往年工作经验",
    ),
    (
        "产出指标",
        "时效指标",
        "未按时提供空调服务次数",
        "未按时提供空调次数",
        "=0次",
        "往年工作经验",
    ),
    (
        "产出指标",
        "成本指标",
        "按时发放到位",
        "按时间发放到位",
        "100%",
        "往年工作经验",
    ),
    (
        "效果指标",
        "经济效益指标",
        "按时支付费用",
        "按照合同拖欠费用天数",
        "≤10天",
        "往年工作经验",
    ),
    (
        "效果指标",
        "社会效益指标",
        "资金拨付不及时次数",
        "全年未及时拨付费用次数",
        "=0次",
        "往年工作经验",
    ),
    (
        "效果指标",
        "社会效益指标",
        "全年社会稳定风险次数",
        "全年发生影响社会稳定次数",
        "=0次",
        "往年工作经验",
    ),
    (
        "满意度指标",
        "服务对象满意度指标",
        "工作人员对工作环境满意率",
        "调查工作人员满意数量比全体工作人员数量",
        "≥90%",
        "往年工作经验",
    ),
];

/// The reference department, 唐山高新区行政服务中心 2021, exactly as the seed document states it.
pub fn department() -> Department {
    Department {
        name: NAME.to_string(),
        year: YEAR,
        compiled_by: COMPILED_BY.to_string(),
        reviewed_by: Some(REVIEWED_BY.to_string()),
        code: None,
        title: Department::default_title(NAME, YEAR),
        overall_goals: strings(&OVERALL_GOALS),
        sub_goals: SUB_GOALS
            .iter()
            .map(|&(name, target, indicators)| SubGoal {
                name: name.to_string(),
                target: target.to_string(),
                indicators: indicators.to_string(),
            })
            .collect(),
        measures: strings(&MEASURES),
        projects: vec![
            Project {
                code: None,
                name: "委托评估费".to_string(),
                budget: Decimal::new(80, 0),
                fiscal_funds: Decimal::new(80, 0),
                other_funds: Decimal::ZERO,
                purpose: "支付项目可研、社稳、项目评估初步设计等审批手续中的委托评估费".to_string(),
                spending_plan: plan(25, 50, 75, 100),
                goals: strings(&[
                    "保证2021年项目可研、社稳、项目评估初步设计等审批手续顺利进行",
                    "支付项目可研、社稳、项目评估初步设计等审批手续顺利进行",
                ]),
                term_goals: Vec::new(),
                indicators: indicators(&ENTRUSTED_ASSESSMENT_INDICATORS),
                details: ProjectDetails::default(),
                term_funds: None,
            },
            Project {
                code: None,
                name: "物业费及中央空调使用费".to_string(),
                budget: Decimal::new(545, 1),
                fiscal_funds: Decimal::new(545, 1),
                other_funds: Decimal::ZERO,
                purpose: "用于支付2021年行政服务中心物业费及中央空调使用费".to_string(),
                spending_plan: plan(0, 100, 100, 100),
                goals: strings(&[
                    "保证2021年行政服务中心工作顺利进行，工作场地正常运转",
                    "按时支付中心2021年行政服务中心物业费及中央空调使用费用",
                ]),
                term_goals: Vec::new(),
                indicators: indicators(&PROPERTY_FEE_INDICATORS),
                details: ProjectDetails::default(),
                term_funds: None,
            },
        ],
        money_unit: MoneyUnit::Wan,
        tasks: Vec::new(),
        department_indicators: Vec::new(),
    }
}

/// The reference department as its 2021 self-evaluation workbook has it (see [`evaluation`]).
pub fn self_evaluation_department() -> Department {
    evaluation::with_points(department())
}

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|s| s.to_string()).collect()
}

fn plan(march: i64, june: i64, october: i64, december: i64) -> SpendingPlan {
    SpendingPlan {
        march: Decimal::new(march, 0),
        june: Decimal::new(june, 0),
        october: Decimal::new(october, 0),
        december: Decimal::new(december, 0),
    }
}

fn indicators(rows: &[Row]) -> Vec<Indicator> {
    rows.iter()
        .map(
            |&(level1, level2, level3, description, value, basis)| Indicator {
                level1: level1.to_string(),
                level2: level2.to_string(),
                level3: level3.to_string(),
                description: description.to_string(),
                value: IndicatorValue::parse(value),
                basis: basis.to_string(),
                period: Period::Year,
                details: IndicatorDetails::default(),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const SEED: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference-2021.txt"
    );

    fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// The seed without white space, with ASCII comparators written as the model prints them.
    fn seed() -> String {
        let text =
            std::fs::read_to_string(SEED).unwrap_or_else(|e| panic!("cannot read {SEED}: {e}"));
        squeeze(&text).replace(">=", "≥").replace("<=", "≤")
    }

    fn assert_in_seed(seed: &str, what: &str, field: &str) {
        assert!(!field.trim().is_empty(), "{what} is empty");
        assert_eq!(
            field,
            field.trim(),
            "{what} has surrounding white space: {field:?}"
        );
        assert!(
            seed.contains(&squeeze(field)),
            "{what} is not in the seed: {field:?}"
        );
    }

    #[test]
    fn counts_match_the_seed() {
        let d = department();
        assert_eq!(d.overall_goals.len(), 2);
        assert_eq!(d.sub_goals.len(), 5);
        assert_eq!(d.measures.len(), 10);
        assert_eq!(d.projects.len(), 2);
        assert_eq!(d.projects[0].indicators.len(), 10);
        assert_eq!(d.projects[1].indicators.len(), 9);
        for p in &d.projects {
            assert_eq!(p.goals.len(), 2, "{}", p.name);
        }
    }

    #[test]
    fn every_text_is_in_the_seed() {
        let seed = seed();
        let d = department();
        assert_in_seed(&seed, "部门名称", &d.name);
        assert_in_seed(&seed, "编制单位", &format!("{}编制", d.compiled_by));
        assert_in_seed(
            &seed,
            "审核单位",
            &format!("{}审核", d.reviewed_by.as_deref().unwrap()),
        );
        assert!(
            seed.starts_with(&d.title),
            "文档标题 {:?} does not open the seed",
            d.title
        );
        for (i, p) in d.overall_goals.iter().enumerate() {
            assert_in_seed(&seed, &format!("总体绩效目标 {}", i + 1), p);
        }
        for (i, g) in d.sub_goals.iter().enumerate() {
            let n = i + 1;
            assert_in_seed(
                &seed,
                &format!("分项绩效目标 {n} 名称"),
                &format!("{n}、{}", g.name),
            );
            assert_in_seed(
                &seed,
                &format!("分项绩效目标 {n} 绩效目标"),
                &format!("绩效目标：{}", g.target),
            );
            assert_in_seed(
                &seed,
                &format!("分项绩效目标 {n} 绩效指标"),
                &format!("绩效指标：{}", g.indicators),
            );
        }
        for (i, m) in d.measures.iter().enumerate() {
            let n = i + 1;
            assert_in_seed(&seed, &format!("工作保障措施 {n}"), &format!("{n}、{m}"));
        }
        for p in &d.projects {
            let name = &p.name;
            assert_in_seed(
                &seed,
                &format!("{name} 项目名称"),
                &format!("项目名称{name}"),
            );
            assert_in_seed(&seed, &format!("{name} 表题"), &format!("{name}绩效目标表"));
            assert_in_seed(&seed, &format!("{name} 资金用途"), &p.purpose);
            let money = format!(
                "预算数{}万元其中：财政资金{}万元其他资金{}{}",
                p.budget.normalize(),
                p.fiscal_funds.normalize(),
                p.other_funds.normalize(),
                p.purpose
            );
            assert_in_seed(&seed, &format!("{name} 预算规模及资金用途"), &money);
            let plan: String = p
                .spending_plan
                .percentages()
                .iter()
                .map(|v| {
                    if v.is_zero() {
                        "0".to_string()
                    } else {
                        format!("{}%", v.normalize())
                    }
                })
                .collect();
            assert_in_seed(
                &seed,
                &format!("{name} 资金支出计划"),
                &format!("3月底6月底10月底12月底{plan}"),
            );
            for (i, goal) in p.goals.iter().enumerate() {
                assert_in_seed(
                    &seed,
                    &format!("{name} 目标{}", i + 1),
                    &format!("目标{}{goal}", i + 1),
                );
            }
            for (i, ind) in p.indicators.iter().enumerate() {
                let what = format!("{name} 指标 {}", i + 1);
                for (field, value) in [
                    ("一级指标", &ind.level1),
                    ("二级指标", &ind.level2),
                    ("三级指标", &ind.level3),
                    ("绩效指标描述", &ind.description),
                    ("指标值", &ind.value.text),
                    ("指标值确定依据", &ind.basis),
                ] {
                    assert_in_seed(&seed, &format!("{what} {field}"), value);
                }
                // The row's own cells, in order, as one run of the seed's table.
                let row = format!(
                    "{}{}{}{}",
                    ind.level3, ind.description, ind.value.text, ind.basis
                );
                assert_in_seed(&seed, &format!("{what} 行"), &row);
            }
        }
    }

    #[test]
    fn money_plan_and_values_are_exact() {
        let d = department();
        let [a, b] = &d.projects[..] else {
            panic!("two projects")
        };
        assert_eq!(
            (a.budget, a.fiscal_funds, a.other_funds),
            (dec!(80), dec!(80), dec!(0))
        );
        assert_eq!(
            (b.budget, b.fiscal_funds, b.other_funds),
            (dec!(54.5), dec!(54.5), dec!(0))
        );
        assert_eq!(a.budget.to_string(), "80");
        assert_eq!(b.budget.to_string(), "54.5");
        let plan = |p: &Project| p.spending_plan.percentages();
        assert_eq!(plan(a), [dec!(25), dec!(50), dec!(75), dec!(100)]);
        assert_eq!(plan(b), [dec!(0), dec!(100), dec!(100), dec!(100)]);
        assert!(a.code.is_none() && b.code.is_none());
        for p in &d.projects {
            for ind in &p.indicators {
                assert!(ind.value.is_quantified(), "{} {}", p.name, ind.value);
            }
        }
        assert_eq!(a.indicators[0].value.text, "≥20次");
        assert_eq!(b.indicators[2].value.text, "≤5天");
        assert_eq!(d.title, "唐山高新区行政服务中心2021年部门预算绩效文本");
    }
}
