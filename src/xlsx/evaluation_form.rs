//! The self-evaluation's form (绩效自评填报模板): the workbook a department fills in after the
//! year, made from the goals it published.
//!
//! It is the goals form with every column of contract v2 (分值 is one) and the parts v3 adds:
//! 基本信息 文档类型 = 绩效自评, 实际完成情况 beside each goal, 实际完成值 / 得分 / 偏差原因 /
//! 调整后指标值 beside each indicator, and the sheets 总体完成情况, 项目资金执行 and 部门资金执行.
//! Pre-filled from the goals ([`EvaluationSource::Goals`]): the goals as they were, the 分值 the
//! Ministry's split suggests, and each project's 年初预算数; what happened is left blank. The
//! dropdowns and input checks of the goals form, plus 资金来源 from a list, money ≥ 0 and 分值 and
//! 得分 as numbers.

use rust_xlsxwriter::{DataValidation, DataValidationRule, Workbook, XlsxError};

use super::fill_in::{
    Error, Line, Template, col, define_names, instructions, lists, notes, rejecting, text,
    validate, validations,
};
use crate::contract::{self, PROJECT_FUNDS};
use crate::evaluation::{Evaluation, FundSource, evaluated};
use crate::model::Department;
use crate::xlsx::department;

/// What a self-evaluation's form is made from.
#[derive(Debug, Clone)]
pub enum EvaluationSource {
    /// Nothing: the blank form.
    Blank,
    /// The reference department's made-up 2021 self-evaluation (`crate::reference::evaluation`).
    Example,
    /// The goals the department published for the year (read from its workbook or its PDF).
    Goals(Box<Department>),
}

/// The self-evaluation's form from `source`.
pub fn make(source: EvaluationSource) -> Result<Template, Error> {
    let filled = match source {
        EvaluationSource::Blank => None,
        EvaluationSource::Example => Some((
            crate::reference::self_evaluation_department(),
            crate::reference::evaluation::evaluation(),
        )),
        EvaluationSource::Goals(goals) => {
            let department = evaluated(&goals);
            let evaluation = Evaluation::blank_for(&department);
            Some((department, evaluation))
        }
    };
    let workbook = match &filled {
        Some((d, e)) => form(d, e)?,
        None => {
            let blank = Department::default();
            form(&blank, &Evaluation::blank_for(&blank))?
        }
    };
    Ok(Template {
        workbook,
        department: filled.map(|(d, _)| d),
        warnings: Vec::new(),
        self_evaluation: true,
    })
}

/// The form workbook of `department`'s self-evaluation `evaluation`.
fn form(department: &Department, evaluation: &Evaluation) -> Result<Workbook, XlsxError> {
    let title = if department.name.is_empty() {
        "部门预算绩效自评填报模板".to_string()
    } else {
        department.title.clone()
    };
    let mut workbook = department::new_workbook(&title, &department.compiled_by)?;
    instructions(workbook.add_worksheet(), instruction_lines())?;
    department::write_evaluation_form(&mut workbook, department, evaluation)?;
    lists(workbook.add_worksheet())?;
    define_names(&mut workbook)?;
    notes(&mut workbook, |_| true)?;
    validations(&mut workbook, true)?;
    evaluation_validations(&mut workbook)?;
    Ok(workbook)
}

/// The dropdowns and input checks of the parts v3 adds.
fn evaluation_validations(workbook: &mut Workbook) -> Result<(), XlsxError> {
    let sources = [
        FundSource::Total,
        FundSource::Appropriation,
        FundSource::CarriedOver,
        FundSource::Other,
    ]
    .map(FundSource::label);
    let list = |title: &str, items: &[&str]| {
        rejecting(
            DataValidation::new().allow_list_strings(items)?,
            title,
            &format!("请从下拉列表选择：{}。", items.join("、")),
        )
    };
    validate(
        workbook,
        PROJECT_FUNDS,
        col(PROJECT_FUNDS, contract::FUND_SOURCE),
        &list(contract::FUND_SOURCE, &sources)?,
    )?;
    let department_sources = [
        FundSource::Total,
        FundSource::Appropriation,
        FundSource::Other,
        FundSource::Basic,
        FundSource::Project,
    ]
    .map(|s| match s {
        FundSource::Appropriation => "财政拨款",
        other => other.label(),
    });
    let funds = contract::DEPARTMENT_FUNDS;
    validate(
        workbook,
        funds,
        col(funds, contract::FUND_SOURCE),
        &list(contract::FUND_SOURCE, &department_sources)?,
    )?;
    let money = rejecting(
        DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
        "金额",
        "金额应为不小于 0 的数字，单位见列标题（万元）。",
    )?;
    for sheet in [PROJECT_FUNDS, funds] {
        for column in [
            contract::INITIAL_BUDGET,
            contract::FULL_YEAR_BUDGET,
            contract::EXECUTED,
        ] {
            validate(workbook, sheet, col(sheet, column), &money)?;
        }
    }
    let project = rejecting(
        DataValidation::new().allow_list_formula(rust_xlsxwriter::Formula::new("=项目名称列表")),
        contract::PROJECT_NAME,
        "项目名称应与“项目”表中的某个项目名称一致，请从下拉列表选择。",
    )?;
    validate(
        workbook,
        PROJECT_FUNDS,
        col(PROJECT_FUNDS, contract::PROJECT_NAME),
        &project,
    )?;
    let score = rejecting(
        DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
        contract::SCORE,
        "得分应为 0 到分值之间的数字；留空时按指标值和实际完成值计算。",
    )?;
    for sheet in [contract::INDICATORS, contract::DEPARTMENT_INDICATORS] {
        validate(workbook, sheet, col(sheet, contract::SCORE), &score)?;
    }
    Ok(())
}

/// The 填写说明 of the self-evaluation's form.
fn instruction_lines() -> Vec<Line> {
    vec![
        Line::Title("部门预算绩效自评填报说明"),
        Line::Blank,
        Line::Heading("一、总体要求"),
        text(
            "1. 年度结束后，每个部门对照当年公开的绩效目标填写本工作簿。财政局据此生成本部门的《预算绩效自评报告》（PDF）。",
        ),
        text(
            "2. 基本信息、项目、项目目标、项目指标等表已按当年的绩效目标填好，请不要改动这些内容（指标值年中按程序调整过的，在“调整后指标值”列填写）。",
        ),
        text(
            "3. 鼠标停在列标题上可以看到该列的填写说明。请不要修改工作表名称和各表第一行的列标题。",
        ),
        Line::Blank,
        Line::Heading("二、要填写的内容"),
        text("总体完成情况：每行一段，写年度总体绩效目标的完成情况。"),
        text("项目目标：每个年度目标的“实际完成情况”。"),
        text(
            "项目指标：每个年度指标的“实际完成值”（写法同指标值，如 96.5%、22次）；得分低于分值时写“偏差原因分析及改进措施”。",
        ),
        text(
            "项目资金执行：每个项目每种资金来源一行，填写全年预算数（年中调整后的）和全年执行数；年初预算数已按绩效目标填好。执行率低于 90% 时在“原因”栏说明原因。",
        ),
        text(
            "部门资金执行（可以不填）：部门整体的年度资金总额、财政拨款、其他资金、基本支出、项目支出。",
        ),
        Line::Blank,
        Line::Heading("三、计分"),
        text(
            "1. 预算执行率（全年执行数 ÷ 全年预算数）占 10 分，得分 = 10 × 执行率（最多 10 分）。",
        ),
        text(
            "2. 各指标的分值合计为 90 分，已按产出 50、效益 30、满意度 10 平均分配，可以调整，合计须为 90。",
        ),
        text(
            "3. 定量指标的得分可以留空，按指标值和实际完成值自动计算（完成目标得满分，未完成按比例）；定性指标须填写 0 到分值之间的得分。",
        ),
        text(
            "4. 总分 = 预算执行率得分 + 各指标得分；90 分及以上为优，80 分及以上为良，60 分及以上为中，其余为差。",
        ),
        Line::Blank,
        Line::Heading("四、检查"),
        text(
            "财政局收到工作簿后会逐项检查：金额对不上、执行率低而未说明原因、得分超出分值、得分低而未写原因等问题，会指出是哪张表的哪个单元格，并说明应该怎样改。",
        ),
    ]
}
