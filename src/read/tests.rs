//! Reading small workbooks written with rust_xlsxwriter.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use rust_xlsxwriter::{Format, Formula, Workbook as XlsxBook};

use super::projects::percent_plan;
use super::value::Percent;
use super::*;
use crate::diagnostic::{CellRef, Location, Severity};

/// One cell to write.
#[derive(Clone)]
enum C {
    /// Text (an empty string writes nothing).
    S(&'static str),
    /// A number.
    N(f64),
    /// A number formatted as a percentage (`0%`).
    P(f64),
    /// A formula with its cached result.
    F(&'static str, &'static str),
}
use C::{F, N, P, S};

struct SheetSpec {
    name: String,
    /// 0-based row of the first row written.
    first_row: u32,
    rows: Vec<Vec<C>>,
    /// (first row, first col, last row, last col, text), absolute.
    merges: Vec<(u32, u16, u32, u16, &'static str)>,
}

fn sheet(name: &str, rows: Vec<Vec<C>>) -> SheetSpec {
    SheetSpec {
        name: name.to_string(),
        first_row: 0,
        rows,
        merges: Vec::new(),
    }
}

fn write(dir: &Path, file: &str, sheets: &[SheetSpec]) -> PathBuf {
    let mut book = XlsxBook::new();
    let percent = Format::new().set_num_format("0%");
    for spec in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&spec.name).unwrap();
        for (i, row) in spec.rows.iter().enumerate() {
            let r = spec.first_row + i as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    S("") => {}
                    S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    P(n) => {
                        ws.write_number_with_format(r, c, *n, &percent).unwrap();
                    }
                    F(f, result) => {
                        ws.write_formula(r, c, Formula::new(*f).set_result(*result))
                            .unwrap();
                    }
                }
            }
        }
        for &(r0, c0, r1, c1, text) in &spec.merges {
            ws.merge_range(r0, c0, r1, c1, text, &Format::new())
                .unwrap();
        }
    }
    let path = dir.join(file);
    book.save(&path).unwrap();
    path
}

fn info() -> SheetSpec {
    sheet(
        "基本信息",
        vec![
            vec![S("字段"), S("内容")],
            vec![S("部门名称"), S("唐山高新区行政服务中心")],
            vec![S("年度"), N(2021.0)],
            vec![S("编制单位"), S("唐山高新技术产业开发区行政服务中心")],
            vec![S("审核单位"), S("高新区财政局")],
        ],
    )
}

fn overall() -> SheetSpec {
    sheet(
        "总体绩效目标",
        vec![
            vec![S("内容")],
            vec![S("搞好单位整体协调工作。")],
            vec![S("组织实施各项党政综合事务。")],
        ],
    )
}

fn sub_goals() -> SheetSpec {
    sheet(
        "分项绩效目标",
        vec![
            vec![S("名称"), S("绩效目标"), S("绩效指标")],
            vec![
                S("党政综合事务"),
                S("搞好单位整体协调工作"),
                S("机关办公的协调性"),
            ],
            vec![
                S("财政事务"),
                S("编制财政收支预决算"),
                S("编制财政收支预决算的及时率"),
            ],
        ],
    )
}

fn measures() -> SheetSpec {
    sheet(
        "工作保障措施",
        vec![
            vec![S("内容")],
            vec![S("加强支出管理。")],
            vec![S("加强绩效运行监控。")],
        ],
    )
}

const PROJECT_HEADER: [C; 10] = [
    S("项目编码"),
    S("项目名称"),
    S("预算数"),
    S("财政资金"),
    S("其他资金"),
    S("资金用途"),
    S("3月底"),
    S("6月底"),
    S("10月底"),
    S("12月底"),
];

fn project_row(name: &'static str, budget: C, fiscal: C) -> Vec<C> {
    vec![
        S(""),
        S(name),
        budget,
        fiscal,
        N(0.0),
        S("支付委托评估费"),
        N(25.0),
        N(50.0),
        N(75.0),
        N(100.0),
    ]
}

fn projects(rows: Vec<Vec<C>>) -> SheetSpec {
    let mut all = vec![PROJECT_HEADER.to_vec()];
    all.extend(rows);
    sheet("项目", all)
}

fn goals() -> SheetSpec {
    sheet(
        "项目目标",
        vec![
            vec![S("项目名称"), S("目标")],
            vec![S("委托评估费"), S("保证项目审批手续顺利进行")],
            vec![S("委托评估费"), S("支付项目评估费用")],
            vec![S("物业费及中央空调使用费"), S("保证工作场地正常运转")],
        ],
    )
}

const INDICATOR_HEADER: [C; 7] = [
    S("项目名称"),
    S("一级指标"),
    S("二级指标"),
    S("三级指标"),
    S("绩效指标描述"),
    S("指标值"),
    S("指标值确定依据"),
];

fn indicators() -> SheetSpec {
    sheet(
        "项目指标",
        vec![
            INDICATOR_HEADER.to_vec(),
            vec![
                S("委托评估费"),
                S("产出指标"),
                S("数量指标"),
                S("全年项目评估数量"),
                S("全年项目评估数量"),
                S(">=20次"),
                S("往年工作经验"),
            ],
            vec![
                S(""),
                S(""),
                S("质量指标"),
                S("项目评估完成率"),
                S(""),
                S(">=95%"),
                S(""),
            ],
            vec![
                S(""),
                S("满意度指标"),
                S("服务对象满意度指标"),
                S("办事项目企业满意率"),
                S(""),
                P(0.95),
                S(""),
            ],
            vec![
                S("物业费及中央空调使用费"),
                S("产出指标"),
                S("数量指标"),
                S("中央空调故障指标"),
                S(""),
                N(20.0),
                S(""),
            ],
        ],
    )
}

fn valid() -> Vec<SheetSpec> {
    vec![
        info(),
        overall(),
        sub_goals(),
        measures(),
        projects(vec![
            project_row("委托评估费", N(80.0), N(80.0)),
            project_row("物业费及中央空调使用费", N(54.5), N(54.5)),
        ]),
        goals(),
        indicators(),
    ]
}

/// Replaces the sheet called `name` (or adds it).
fn with(mut sheets: Vec<SheetSpec>, spec: SheetSpec) -> Vec<SheetSpec> {
    match sheets.iter().position(|s| s.name == spec.name) {
        Some(i) => sheets[i] = spec,
        None => sheets.push(spec),
    }
    sheets
}

fn without(sheets: Vec<SheetSpec>, name: &str) -> Vec<SheetSpec> {
    sheets.into_iter().filter(|s| s.name != name).collect()
}

fn read_specs(sheets: &[SheetSpec]) -> Reading {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "部门.xlsx", sheets);
    read(&path)
}

/// `sheet!cell rule: message` for every finding, in order.
fn findings(r: &Reading) -> Vec<String> {
    r.diagnostics
        .iter()
        .map(|d| {
            let at = match (&d.location.sheet, &d.location.cell) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.clone(),
                _ => "-".to_string(),
            };
            format!("{at} {}: {}", d.rule, d.message)
        })
        .collect()
}

fn department(r: &Reading) -> &Department {
    &r.workbook
        .as_ref()
        .unwrap_or_else(|| panic!("no workbook: {:#?}", findings(r)))
        .department
}

fn budgets(r: &Reading) -> Vec<Decimal> {
    department(r).projects.iter().map(|p| p.budget).collect()
}

#[test]
fn reads_a_valid_workbook() {
    let r = read_specs(&valid());
    assert_eq!(findings(&r), Vec::<String>::new());
    let d = department(&r);
    assert_eq!(d.name, "唐山高新区行政服务中心");
    assert_eq!(d.year, 2021);
    assert_eq!(d.compiled_by, "唐山高新技术产业开发区行政服务中心");
    assert_eq!(d.reviewed_by.as_deref(), Some("高新区财政局"));
    assert_eq!(d.code, None);
    assert_eq!(d.title, "唐山高新区行政服务中心2021年部门预算绩效文本");
    assert_eq!(d.overall_goals.len(), 2);
    assert_eq!(d.sub_goals[1].name, "财政事务");
    assert_eq!(d.measures, ["加强支出管理。", "加强绩效运行监控。"]);
    assert_eq!(d.projects.len(), 2);
    let p = &d.projects[0];
    assert_eq!((p.code.as_deref(), p.name.as_str()), (None, "委托评估费"));
    assert_eq!(
        (p.budget, p.fiscal_funds, p.other_funds),
        (dec!(80), dec!(80), dec!(0))
    );
    assert_eq!(
        p.spending_plan.percentages(),
        [dec!(25), dec!(50), dec!(75), dec!(100)]
    );
    assert_eq!(p.goals, ["保证项目审批手续顺利进行", "支付项目评估费用"]);
    assert_eq!(d.projects[1].budget.to_string(), "54.5");
    assert_eq!(d.projects[1].goals.len(), 1);

    let o = &r.workbook.as_ref().unwrap().origins;
    assert_eq!(
        o.info["部门名称"],
        Location::cell("基本信息", CellRef::new(1, 1))
    );
    assert_eq!(o.info["年度"].cell.unwrap().to_string(), "B3");
    assert_eq!(o.overall_goals.len(), 2);
    assert_eq!(o.sub_goals.len(), 2);
    assert_eq!(o.measures[1].row, 2);
    assert_eq!(o.projects.len(), 2);
    assert_eq!(
        o.projects[1].cell("财政资金"),
        Location::cell("项目", CellRef::new(2, 3))
    );
    assert_eq!(o.goals.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(
        o.indicators.iter().map(Vec::len).collect::<Vec<_>>(),
        [3, 1]
    );
    assert_eq!(
        o.indicators[0][2].cell("指标值").cell.unwrap().to_string(),
        "F4"
    );
    assert_eq!(o.indicators[0][2].sheet, "项目指标");
}

#[test]
fn indicators_fill_down_and_print_numbers_plainly() {
    let r = read_specs(&valid());
    let d = department(&r);
    let ind = &d.projects[0].indicators;
    assert_eq!(ind.len(), 3);
    assert_eq!(
        (ind[1].level1.as_str(), ind[1].level2.as_str()),
        ("产出指标", "质量指标")
    );
    assert_eq!(ind[0].value.text, "≥20次");
    assert_eq!(ind[1].value.text, "≥95%");
    // A percent-formatted numeric 指标值.
    assert_eq!(ind[2].value.text, "95%");
    assert_eq!(ind[2].value.number, Some(dec!(95)));
    assert_eq!(ind[2].level1, "满意度指标");
    assert_eq!(ind[1].description, "");
    let other = &d.projects[1].indicators;
    assert_eq!(other[0].value.text, "20");
}

#[test]
fn numbers_in_every_form() {
    let r = read_specs(&with(
        valid(),
        projects(vec![
            project_row("数值", N(80.0), N(80.0)),
            project_row("文字", S("80"), S("80")),
            project_row("小数", S("80.00"), S("80.00")),
            project_row("千分位", S("1,234.5"), S("1,234.5")),
            project_row("全角", S("８０"), S("１，２３４．５")),
            project_row("带单位", S("80万元"), S("800000元")),
            project_row("公式", F("=40+40", "80"), F("=A1", "54.5")),
            project_row("浮点误差", N(7.000_000_000_000_001), N(54.5)),
        ]),
    ));
    let fiscal: Vec<Decimal> = department(&r)
        .projects
        .iter()
        .map(|p| p.fiscal_funds)
        .collect();
    assert_eq!(
        budgets(&r),
        [
            dec!(80),
            dec!(80),
            dec!(80),
            dec!(1234.5),
            dec!(80),
            dec!(80),
            dec!(80),
            dec!(7)
        ]
    );
    assert_eq!(
        fiscal,
        [
            dec!(80),
            dec!(80),
            dec!(80),
            dec!(1234.5),
            dec!(1234.5),
            dec!(80),
            dec!(54.5),
            dec!(54.5)
        ]
    );
    assert_eq!(budgets(&r)[7].to_string(), "7");
    // Unknown projects in 项目目标/项目指标 are reported, nothing else.
    assert!(
        findings(&r).iter().all(|f| f.contains("unknown-project")),
        "{:#?}",
        findings(&r)
    );
}

#[test]
fn units_in_headers() {
    let mut header = PROJECT_HEADER.to_vec();
    header[2] = S("预算数（元）");
    header[3] = S("财政资金(元)");
    header[4] = S("其他资金（万元）");
    header[6] = S("3月底(%)");
    let r = read_specs(&with(
        valid(),
        sheet(
            "项目",
            vec![
                header,
                project_row("委托评估费", N(800_000.0), S("800000元")),
                project_row("物业费及中央空调使用费", S("545,000"), S("54.5万元")),
            ],
        ),
    ));
    assert_eq!(findings(&r), Vec::<String>::new());
    let d = department(&r);
    assert_eq!(budgets(&r), [dec!(80), dec!(54.5)]);
    assert_eq!(d.projects[0].fiscal_funds, dec!(80));
    assert_eq!(d.projects[1].fiscal_funds, dec!(54.5));

    let mut header = PROJECT_HEADER.to_vec();
    header[2] = S("预算数（千元）");
    let r = read_specs(&with(
        valid(),
        sheet(
            "项目",
            vec![header, project_row("委托评估费", N(1.0), N(1.0))],
        ),
    ));
    assert!(findings(&r).contains(&"项目!C1 bad-unit: 列“预算数（千元）”的单位“千元”无法识别，应为“万元”或“元”（不写单位即为万元）".to_string()));
}

#[test]
fn project_codes() {
    let mut a = project_row("委托评估费", N(80.0), N(80.0));
    a[0] = S("————");
    let mut b = project_row("物业费及中央空调使用费", N(54.5), N(54.5));
    b[0] = N(2021001.0);
    let mut c = project_row("其他", N(1.0), N(1.0));
    c[0] = S(" XM-01 ");
    let r = read_specs(&with(valid(), projects(vec![a, b, c])));
    let codes: Vec<Option<&str>> = department(&r)
        .projects
        .iter()
        .map(|p| p.code.as_deref())
        .collect();
    assert_eq!(codes, [None, Some("2021001"), Some("XM-01")]);
}

#[test]
fn percentages_in_every_form() {
    let mut row = project_row("委托评估费", N(80.0), N(80.0));
    row[6] = S("25%");
    row[7] = S("５０％");
    row[8] = P(0.75);
    row[9] = N(100.0);
    let mut row2 = project_row("物业费及中央空调使用费", N(54.5), N(54.5));
    row2[6] = N(0.0);
    row2[7] = P(1.0);
    row2[8] = S("100");
    row2[9] = F("=1", "1");
    let r = read_specs(&with(valid(), projects(vec![row, row2])));
    let plans: Vec<[Decimal; 4]> = department(&r)
        .projects
        .iter()
        .map(|p| p.spending_plan.percentages())
        .collect();
    assert_eq!(plans[0], [dec!(25), dec!(50), dec!(75), dec!(100)]);
    // xlsx knows its formats: an unformatted 1 is 1%, not 100%.
    assert_eq!(plans[1], [dec!(0), dec!(100), dec!(100), dec!(1)]);
}

#[test]
fn fraction_heuristic_for_formats_unknown() {
    let bare = |v: Decimal| {
        Some(Percent {
            value: v,
            bare_numeric: true,
        })
    };
    let text = |v: Decimal| {
        Some(Percent {
            value: v,
            bare_numeric: false,
        })
    };
    assert_eq!(
        percent_plan([
            bare(dec!(0.25)),
            bare(dec!(0.5)),
            bare(dec!(0.75)),
            bare(dec!(1))
        ]),
        [dec!(25), dec!(50), dec!(75), dec!(100)]
    );
    assert_eq!(
        percent_plan([text(dec!(25)), bare(dec!(0.5)), None, bare(dec!(1))]),
        [dec!(25), dec!(50), dec!(0), dec!(100)]
    );
    assert_eq!(
        percent_plan([
            bare(dec!(0)),
            bare(dec!(50)),
            bare(dec!(75)),
            bare(dec!(100))
        ]),
        [dec!(0), dec!(50), dec!(75), dec!(100)]
    );
    assert_eq!(percent_plan([bare(dec!(0)); 4]), [dec!(0); 4]);
}

#[test]
fn merged_cells_read_as_their_top_left_value() {
    let mut spec = sheet(
        "项目指标",
        vec![
            INDICATOR_HEADER.to_vec(),
            vec![
                S(""),
                S(""),
                S("数量指标"),
                S("全年项目评估数量"),
                S(""),
                S(">=20次"),
                S(""),
            ],
            vec![
                S(""),
                S(""),
                S("质量指标"),
                S("项目评估完成率"),
                S(""),
                S(">=95%"),
                S(""),
            ],
            vec![
                S(""),
                S(""),
                S(""),
                S("按时办结率"),
                S(""),
                S(">=95%"),
                S(""),
            ],
            vec![
                S("物业费及中央空调使用费"),
                S("满意度指标"),
                S("服务对象满意度指标"),
                S("满意率"),
                S(""),
                S("≥90%"),
                S(""),
            ],
        ],
    );
    spec.merges = vec![
        (1, 0, 3, 0, "委托评估费"),
        (1, 1, 3, 1, "产出\n指标"),
        (2, 2, 3, 2, "时效指标"),
    ];
    let r = read_specs(&with(valid(), spec));
    assert_eq!(findings(&r), Vec::<String>::new());
    let d = department(&r);
    let ind = &d.projects[0].indicators;
    let levels: Vec<(&str, &str)> = ind
        .iter()
        .map(|i| (i.level1.as_str(), i.level2.as_str()))
        .collect();
    assert_eq!(
        levels,
        [
            ("产出指标", "数量指标"),
            ("产出指标", "时效指标"),
            ("产出指标", "时效指标")
        ]
    );
    assert_eq!(d.projects[1].indicators.len(), 1);
}

#[test]
fn leading_blank_rows_keep_addresses_absolute() {
    let mut spec = projects(vec![
        project_row("委托评估费", S("八十"), N(80.0)),
        project_row("物业费及中央空调使用费", N(54.5), N(-54.5)),
    ]);
    spec.first_row = 2;
    let r = read_specs(&with(valid(), spec));
    assert_eq!(
        findings(&r),
        [
            "项目!C4 not-a-number: “预算数”应为数字（万元），实际为“八十”",
            "项目!D5 negative: “财政资金”不能为负数，实际为“-54.5”",
        ]
    );
    let o = &r.workbook.as_ref().unwrap().origins;
    assert_eq!(o.projects[0].row, 3);
    assert_eq!(
        o.projects[0].cell("项目名称").cell.unwrap().to_string(),
        "B4"
    );
    // Placeholder where the error was reported.
    assert_eq!(budgets(&r)[0], dec!(0));
}

#[test]
fn columns_in_any_order_with_extra_columns() {
    let r = read_specs(&with(
        valid(),
        sheet(
            "项目",
            vec![
                vec![
                    S("12月底"),
                    S("备注"),
                    S("资金用途"),
                    S("项目名称"),
                    S("10月底"),
                    S("6月底"),
                    S("3月底"),
                    S("财政资金"),
                    S("预算数"),
                ],
                vec![
                    N(100.0),
                    S("无"),
                    S("用途"),
                    S("委托评估费"),
                    N(75.0),
                    N(50.0),
                    N(25.0),
                    N(80.0),
                    N(80.0),
                ],
                vec![S(""), S("只有备注的行被跳过")],
                vec![
                    N(100.0),
                    S(""),
                    S("用途"),
                    S("物业费及中央空调使用费"),
                    N(100.0),
                    S(""),
                    N(0.0),
                    N(54.5),
                    N(54.5),
                ],
            ],
        ),
    ));
    assert_eq!(
        findings(&r),
        ["项目!F4 missing-value: “项目”表第4行的“6月底”为空，应填写"]
    );
    let d = department(&r);
    assert_eq!(budgets(&r), [dec!(80), dec!(54.5)]);
    assert_eq!(d.projects[0].spending_plan.june, dec!(50));
    assert_eq!(d.projects[0].purpose, "用途");
    assert_eq!(r.workbook.as_ref().unwrap().origins.projects[1].row, 3);
}

#[test]
fn missing_sheets() {
    let r = read_specs(&without(valid(), "基本信息"));
    assert!(r.workbook.is_none());
    assert_eq!(
        findings(&r),
        ["- missing-sheet: 缺少必需的工作表“基本信息”"]
    );

    let mut renamed = info();
    renamed.name = "基本信息表".to_string();
    let r = read_specs(&with(without(valid(), "基本信息"), renamed));
    assert_eq!(
        findings(&r),
        [
            "- missing-sheet: 缺少必需的工作表“基本信息”（现有工作表“基本信息表”是否应改名为“基本信息”？）"
        ]
    );

    // 项目目标 is required once 项目 has rows.
    let r = read_specs(&without(valid(), "项目目标"));
    assert!(r.workbook.is_none());
    assert_eq!(
        findings(&r),
        ["- missing-sheet: “项目”表有 2 个项目，缺少必需的工作表“项目目标”"]
    );

    // …and not when there are no projects.
    let r = read_specs(&without(
        without(without(valid(), "项目目标"), "项目指标"),
        "项目",
    ));
    assert_eq!(findings(&r), Vec::<String>::new());
    assert!(department(&r).projects.is_empty());
    let r = read_specs(&without(with(valid(), projects(vec![])), "项目指标"));
    assert!(findings(&r).iter().all(|f| f.contains("unknown-project")));
    assert!(r.workbook.is_some());
}

#[test]
fn missing_columns() {
    let mut header = PROJECT_HEADER.to_vec();
    header[3] = S("");
    let r = read_specs(&with(
        valid(),
        sheet(
            "项目",
            vec![
                header,
                project_row("委托评估费", N(80.0), N(80.0)),
                project_row("物业费及中央空调使用费", N(54.5), N(54.5)),
            ],
        ),
    ));
    assert!(r.workbook.is_none());
    assert_eq!(
        findings(&r),
        ["项目!A1 missing-column: “项目”表缺少必需的列“财政资金”（表头在第1行）"]
    );

    let r = read_specs(&with(
        valid(),
        sheet("总体绩效目标", vec![vec![S("内容说明")], vec![S("目标")]]),
    ));
    assert_eq!(
        findings(&r),
        [
            "总体绩效目标!A1 missing-column: “总体绩效目标”表缺少必需的列“内容”（表头“内容说明”是否应为“内容”？）"
        ]
    );

    let r = read_specs(&with(valid(), sheet("分项绩效目标", vec![])));
    assert!(r.workbook.is_none());
    assert_eq!(
        findings(&r),
        [
            "分项绩效目标!A1 missing-column: “分项绩效目标”表是空的，第一行应为表头，含列“名称”“绩效目标”“绩效指标”"
        ]
    );
}

#[test]
fn missing_fields_and_values() {
    let r = read_specs(&with(
        valid(),
        sheet(
            "基本信息",
            vec![
                vec![S("字段"), S("内容")],
                vec![S("部门名"), S("唐山高新区行政服务中心")],
                vec![S("年度"), S("2021年")],
                vec![S("审核单位"), S("")],
            ],
        ),
    ));
    assert_eq!(
        findings(&r),
        [
            "基本信息!A2 missing-field: “基本信息”表缺少必需的字段“部门名称”（字段“部门名”是否应为“部门名称”？）",
            "基本信息 missing-field: “基本信息”表缺少必需的字段“编制单位”：应有一行“字段”为“编制单位”，“内容”为其值",
        ]
    );
    assert!(r.workbook.is_none());

    let r = read_specs(&with(
        valid(),
        sheet(
            "基本信息",
            vec![
                vec![S("字段"), S("内容")],
                vec![S("部门名称"), S("")],
                vec![S("年度"), S("２０２１")],
                vec![S("编制单位"), S("中心")],
                vec![S("文档标题"), S("自定义标题")],
                vec![S("部门编码"), N(101001.0)],
            ],
        ),
    ));
    assert_eq!(
        findings(&r),
        ["基本信息!B2 missing-value: 字段“部门名称”的内容为空，应填写部门名称"]
    );
    let d = department(&r);
    assert_eq!(
        (d.year, d.title.as_str(), d.code.as_deref()),
        (2021, "自定义标题", Some("101001"))
    );
}

#[test]
fn bad_years() {
    for (year, found) in [
        (S("21"), "21"),
        (N(2021.5), "2021.5"),
        (S("二〇二一"), "二〇二一"),
    ] {
        let mut spec = info();
        spec.rows[2][1] = year;
        let r = read_specs(&with(valid(), spec));
        assert_eq!(
            findings(&r),
            [format!(
                "基本信息!B3 bad-year: “年度”应为四位数的年份（如 2021），实际为“{found}”"
            )]
        );
    }
    for year in [S("2021"), S("2021年"), F("=2020+1", "2021"), N(2021.0)] {
        let mut spec = info();
        spec.rows[2][1] = year;
        assert_eq!(department(&read_specs(&with(valid(), spec))).year, 2021);
    }
}

#[test]
fn required_cells_and_error_values() {
    let mut spec = sub_goals();
    spec.rows[1][2] = S("");
    spec.rows[2][1] = F("=1/0", "#DIV/0!");
    let r = read_specs(&with(valid(), spec));
    assert_eq!(
        findings(&r),
        [
            "分项绩效目标!C2 missing-value: “分项绩效目标”表第2行的“绩效指标”为空，应填写",
            "分项绩效目标!B3 cell-error: “绩效目标”的值是错误值“#DIV/0!”（公式出错），应为文字",
        ]
    );
    assert_eq!(department(&r).sub_goals[0].indicators, "");
}

#[test]
fn unknown_projects_get_a_suggestion() {
    let mut g = goals();
    g.rows[2][0] = S("委托评估");
    let mut i = indicators();
    i.rows[4][0] = S("完全无关的名字");
    i.rows.push(vec![
        S(""),
        S(""),
        S(""),
        S("同一项目的第二行"),
        S(""),
        S("1次"),
        S(""),
    ]);
    let r = read_specs(&with(with(valid(), g), i));
    assert_eq!(
        findings(&r),
        [
            "项目目标!A3 unknown-project: 项目“委托评估”不在“项目”表中，是否应为“委托评估费”？",
            "项目指标!A5 unknown-project: 项目“完全无关的名字”不在“项目”表中，应为“项目”表中的某个项目名称",
        ]
    );
    assert_eq!(department(&r).projects[0].goals.len(), 1);
}

#[test]
fn duplicate_projects_keep_the_first() {
    let r = read_specs(&with(
        valid(),
        projects(vec![
            project_row("委托评估费", N(80.0), N(80.0)),
            project_row("物业费及中央空调使用费", N(54.5), N(54.5)),
            project_row("委托评估费 ", N(1.0), N(1.0)),
        ]),
    ));
    assert_eq!(
        findings(&r),
        [
            "项目!B4 duplicate-project: 项目名称“委托评估费”重复：与 项目!B2 相同，项目名称在工作簿内应唯一；本行已忽略"
        ]
    );
    assert_eq!(budgets(&r), [dec!(80), dec!(54.5)]);
    assert_eq!(r.workbook.as_ref().unwrap().origins.projects.len(), 2);
}

#[test]
fn sheet_names_tolerate_spaces_and_width() {
    let mut sheets = valid();
    sheets[6].name = "项目指标 ".to_string();
    sheets[5].name = " 项目目标\u{3000}".to_string();
    sheets[0].name = "基本 信息".to_string();
    let r = read_specs(&sheets);
    assert_eq!(findings(&r), Vec::<String>::new());
    let o = &r.workbook.as_ref().unwrap().origins;
    assert_eq!(o.indicators[0][0].sheet, "项目指标 ");
    assert_eq!(o.info["部门名称"].sheet.as_deref(), Some("基本 信息"));

    // Two sheets of the same folded name: the first is read.
    let mut dup = measures();
    dup.name = "工作保障措施 ".to_string();
    dup.rows.truncate(1);
    let r = read_specs(&with(valid(), dup));
    assert_eq!(department(&r).measures.len(), 2);
    assert_eq!(r.diagnostics[0].rule, "duplicate-sheet");
    assert_eq!(r.diagnostics[0].severity, Severity::Warning);
}

#[test]
fn long_text_keeps_paragraphs() {
    let mut spec = overall();
    spec.rows[1][0] = S("  第一段。\r\n\r\n\r\n　　第二段。  \n");
    let mut p = project_row("委托评估费", N(80.0), N(80.0));
    p[5] = S("用途一\n用途二");
    let r = read_specs(&with(
        with(valid(), spec),
        projects(vec![
            p,
            project_row("物业费及中央空调使用费", N(1.0), N(1.0)),
        ]),
    ));
    let d = department(&r);
    assert_eq!(d.overall_goals[0], "第一段。\n第二段。");
    assert_eq!(d.projects[0].purpose, "用途一\n用途二");
}

#[test]
fn stray_far_cell_is_refused_without_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = XlsxBook::new();
    for spec in valid() {
        let ws = book.add_worksheet();
        ws.set_name(&spec.name).unwrap();
        for (r, row) in spec.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let S(s) = cell
                    && !s.is_empty()
                {
                    ws.write_string(r as u32, c as u16, *s).unwrap();
                } else if let N(n) | P(n) = cell {
                    ws.write_number(r as u32, c as u16, *n).unwrap();
                }
            }
        }
        if spec.name == "项目" {
            ws.write_string(1_048_575, 16_383, "x").unwrap();
        }
    }
    let path = dir.path().join("大.xlsx");
    book.save(&path).unwrap();
    let r = read(&path);
    assert!(r.workbook.is_none());
    assert_eq!(
        findings(&r),
        [
            "项目!XFD1048576 sheet-too-large: 工作表“项目”的已用区域过大：单元格 XFD1048576 有内容，超出上限（100000 行、200 列）。请删除表格以外多余的内容后再提交"
        ]
    );
}

#[test]
fn unreadable_files_and_any_extension_case() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("假的.xlsx");
    std::fs::write(&text, "<html><table></table></html>").unwrap();
    let r = read(&text);
    assert!(r.workbook.is_none());
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].rule, "unreadable");
    assert!(
        r.diagnostics[0]
            .message
            .contains("“假的.xlsx”不是 Excel 工作簿（看起来是网页或 XML 文件）")
    );

    let zip = dir.path().join("坏.xlsx");
    std::fs::write(&zip, b"PK\x03\x04 not really a zip").unwrap();
    let r = read(&zip);
    assert_eq!(r.diagnostics[0].rule, "unreadable");
    assert!(
        r.diagnostics[0]
            .message
            .starts_with("无法读取文件“坏.xlsx”")
    );

    let r = read(&dir.path().join("不存在.xlsx"));
    assert_eq!(findings(&r), ["- unreadable: 找不到文件“不存在.xlsx”"]);

    // Upper-case or wrong extensions do not matter: the content decides.
    let upper = write(dir.path(), "部门.XLSX", &valid());
    assert_eq!(department(&read(&upper)).projects.len(), 2);
    let renamed = dir.path().join("部门.xls");
    std::fs::rename(&upper, &renamed).unwrap();
    assert_eq!(department(&read(&renamed)).projects.len(), 2);
}
