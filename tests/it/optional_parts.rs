//! Contract v2: the second reference department (`jixiao::reference::full`), with every optional
//! part, goes through the whole pipeline: written as a workbook, read back unchanged, checked
//! clean, and printed with every value it holds.

use crate::common;

use common::{build, only_pdf, pdf_text};
use jixiao::reference;

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_full_department_reads_back_unchanged_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.xlsx");
    let department = reference::full::department();
    jixiao::xlsx::department::write_department(&department, &path).unwrap();
    let checked = jixiao::check::check_path(&path);
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    assert_eq!(checked.department.unwrap(), department);
}

#[test]
fn the_full_department_prints_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let output = dir.path().join("out");
    std::fs::create_dir_all(&input).unwrap();
    let department = reference::full::department();
    jixiao::xlsx::department::write_department(&department, &input.join("full.xlsx")).unwrap();
    let out = build(&input, &output, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = squeeze(&pdf_text(&only_pdf(&output)));
    let mut expected: Vec<String> = vec![department.name.clone()];
    expected.extend(department.overall_goals.iter().cloned());
    for p in &department.projects {
        expected.push(format!("{}绩效目标表", p.name));
        expected.extend(p.code.clone());
        expected.push(p.purpose.clone());
        expected.extend(p.goals.iter().cloned());
        expected.extend(p.term_goals.iter().cloned());
        if !p.term_goals.is_empty() {
            expected.push("实施期目标".into());
            expected.push("年度目标".into());
            expected.push("实施期绩效指标".into());
            expected.push("年度绩效指标".into());
        }
        let d = &p.details;
        for (label, value) in [
            ("主管部门", &d.supervisor),
            ("实施单位", &d.implementer),
            ("项目属性", &d.attribute),
            ("项目类别", &d.category),
            ("项目性质", &d.nature),
            ("项目期", &d.term),
        ] {
            if let Some(value) = value {
                expected.push(format!("{label}{value}"));
            }
        }
        // Money in the department's 金额单位 (元 here: `1,200,000元`).
        let unit = department.money_unit;
        let money = |d| format!("{}{}", unit.format(d), unit.label());
        let year = format!(
            "{}其中：财政资金{}其他资金{}",
            money(p.budget),
            money(p.fiscal_funds),
            unit.format(p.other_funds)
        );
        if let Some(f) = p.term_funds {
            expected.push(format!(
                "实施期资金总额{}其中：财政资金{}其他资金{}",
                money(f.total),
                money(f.fiscal),
                unit.format(f.other)
            ));
            expected.push(format!("年度资金总额{year}"));
        } else {
            expected.push(format!("预算数{year}"));
        }
        // Each indicator row, its cells in order: the optional columns follow 指标值确定依据.
        for i in &p.indicators {
            let d = &i.details;
            expected.push(format!(
                "{}{}{}{}{}{}{}{}",
                i.level3,
                i.description,
                i.value.text,
                i.basis,
                d.nature,
                d.unit,
                d.weight.map(|w| w.to_string()).unwrap_or_default(),
                d.remark
            ));
        }
    }
    // The 部门整体支出绩效目标表, between 分项绩效目标 and the measures (renumbered).
    expected.push("三、部门整体支出绩效目标表".into());
    expected.push("四、工作保障措施".into());
    let unit = department.money_unit;
    for t in &department.tasks {
        let mut row = format!("{}{}", t.name, t.content);
        if let Some(f) = t.funds {
            row.push_str(&format!(
                "{}{}{}{}{}",
                unit.format(f.total),
                unit.label(),
                unit.format(f.fiscal),
                unit.label(),
                unit.format(f.other)
            ));
        }
        expected.push(row);
    }
    let funded = department.tasks.iter().filter_map(|t| t.funds);
    let total: rust_decimal::Decimal = funded.clone().map(|f| f.total).sum();
    expected.push(format!("金额合计{}{}", unit.format(total), unit.label()));
    for i in &department.department_indicators {
        expected.push(format!(
            "{}{}{}{}",
            i.level3, i.description, i.value.text, i.basis
        ));
    }
    for e in expected {
        assert!(text.contains(&squeeze(&e)), "the PDF lacks {e:?}");
    }
}
