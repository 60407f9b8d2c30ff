use super::*;
use crate::model::{Department, IndicatorValue};
use crate::read::Origins;

fn tree(d: &Department) -> Node {
    snapshot(d, &Origins::default())
}

fn changes(old: &Department, new: &Department) -> Vec<String> {
    compare(&tree(old), &tree(new))
        .iter()
        .map(Change::to_string)
        .collect()
}

#[test]
fn the_same_data_is_no_change() {
    let d = crate::reference::department();
    assert!(changes(&d, &d).is_empty());
    // A comparator spelt otherwise prints the same.
    let mut e = d.clone();
    let v = &mut e.projects[0].indicators[0].value;
    *v = IndicatorValue::parse(&v.text.replace('≥', ">="));
    assert!(changes(&d, &e).is_empty());
}

#[test]
fn values_amounts_and_projects_are_named_in_the_workbooks_terms() {
    let d = crate::reference::department();
    let mut e = d.clone();
    let project = e.projects[0].name.clone();
    let indicator = e.projects[0].indicators[0].level3.clone();
    e.projects[0].indicators[0].value = IndicatorValue::parse(">=97%");
    e.projects[0].budget += rust_decimal::Decimal::TEN;
    let mut added = e.projects[0].clone();
    added.name = "数据平台".into();
    e.projects.push(added);
    let removed = e.projects.remove(1).name;
    let lines = changes(&d, &e);
    let old_value = &d.projects[0].indicators[0].value.text;
    assert!(
        lines.contains(&format!(
            "{project} › {indicator} › 指标值：{old_value} → ≥97%"
        )),
        "{lines:#?}"
    );
    let budget = d.projects[0].budget.normalize();
    assert!(
        lines.contains(&format!(
            "{project} › 预算数：{budget}万元 → {}万元",
            budget + rust_decimal::Decimal::TEN
        )),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("新增项目“数据平台”（预算数 ")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!("删除项目“{removed}”")),
        "{lines:#?}"
    );
}

#[test]
fn a_paragraph_shows_its_changed_words() {
    let d = crate::reference::department();
    let mut e = d.clone();
    e.overall_goals[0] = format!("{}并接受社会监督。", e.overall_goals[0]);
    e.overall_goals.push("新增的一段。".into());
    let lines = changes(&d, &e);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with("第1段：“…"), "{lines:#?}");
    assert!(lines[0].contains("并接受社会监督。”"), "{lines:#?}");
    let n = e.overall_goals.len();
    assert_eq!(lines[1], format!("新增第{n}段“新增的一段。”"));
}

#[test]
fn the_terminal_gets_twenty_lines_and_a_count() {
    let d = crate::reference::department();
    let mut e = d.clone();
    for (i, ind) in e
        .projects
        .iter_mut()
        .flat_map(|p| &mut p.indicators)
        .enumerate()
    {
        ind.basis = format!("依据{i}");
        ind.description = format!("描述{i}");
    }
    let all = compare(&tree(&d), &tree(&e));
    assert!(all.len() > 21, "{}", all.len());
    let shown = lines(&all, TERMINAL_LINES);
    assert_eq!(shown.len(), 21);
    assert_eq!(shown[20], format!("…另有 {} 处", all.len() - 20));
}

#[test]
fn a_part_left_out_reads_as_empty() {
    let d = crate::reference::department();
    let old = d.reviewed_by.clone().unwrap();
    let mut e = d.clone();
    e.reviewed_by = None;
    assert_eq!(changes(&d, &e), [format!("审核单位：{old} → （空）")]);
    assert_eq!(changes(&e, &d), [format!("审核单位：（空） → {old}")]);
}
