//! The reference department's workbook (`input/`) becomes a PDF that contains every line of the
//! reference document.

use crate::common;

use common::{compact, jixiao, only_pdf, pdf_text, seed_path};

#[test]
fn reference_workbook_builds_a_pdf_with_every_seed_line() {
    let out = tempfile::tempdir().unwrap();
    let result = jixiao(&["build", "input", "-o", out.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "build failed:\n{stderr}");

    let pdf = only_pdf(out.path());
    assert_eq!(
        pdf.file_name().unwrap().to_str().unwrap(),
        "唐山高新区行政服务中心2021年部门预算绩效文本.pdf"
    );
    let text = compact(&pdf_text(&pdf));

    let seed = std::fs::read_to_string(seed_path()).unwrap();
    let mut missing = Vec::new();
    for line in seed.lines() {
        // The one documented normalisation: ASCII comparators print as ≥ and ≤.
        let line = compact(line).replace(">=", "≥").replace("<=", "≤");
        // `......` is the blank template's placeholder row, not data.
        if line.is_empty() || line == "......" {
            continue;
        }
        if !text.contains(&line) {
            missing.push(line);
        }
    }
    assert!(
        missing.is_empty(),
        "lines of the seed missing from the PDF:\n{}",
        missing.join("\n")
    );
}

#[test]
fn reference_pdf_has_the_document_structure_in_order() {
    let out = tempfile::tempdir().unwrap();
    let result = jixiao(&["build", "input", "-o", out.path().to_str().unwrap()]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = compact(&pdf_text(&only_pdf(out.path())));
    let order = [
        "唐山高新区行政服务中心2021年部门预算绩效文本",
        "唐山高新技术产业开发区行政服务中心编制",
        "高新区财政局审核",
        "第一部分",
        "2021年部门整体绩效目标",
        "一、总体绩效目标",
        "二、分项绩效目标",
        "1、党政综合事务",
        "三、工作保障措施",
        "10、做好绩效自评",
        "第二部分",
        "预算项目绩效目标",
        "1.委托评估费绩效目标表",
        "项目编码————项目名称委托评估费",
        "预算数80万元其中：财政资金80万元其他资金0",
        "目标1保证2021年项目可研",
        "2.物业费及中央空调使用费绩效目标表",
        "预算数54.5万元其中：财政资金54.5万元",
        "≤5天",
    ];
    let mut at = 0;
    for item in order {
        let found = text[at..]
            .find(item)
            .unwrap_or_else(|| panic!("“{item}” not found after byte {at}"));
        at += found + item.len();
    }
}
