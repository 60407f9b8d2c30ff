//! The indicator framework (指标体系): the 一级指标 a project's indicators may use, each with its
//! 二级指标. Both frameworks in use are accepted (效果指标 and 效益指标 with the same 二级).
//! The checks hold indicators to it and the fill-in form offers it as dropdowns.

use crate::text::fold_name;

/// The indicator framework: 一级指标 → its 二级指标 (both frameworks in use).
pub const FRAMEWORK: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    ("效果指标", BENEFITS),
    ("效益指标", BENEFITS),
    ("满意度指标", &["服务对象满意度指标"]),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
];

const BENEFITS: &[&str] = &[
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "可持续性影响",
    "可持续影响",
    "可持续性影响指标",
];

/// The 二级指标 of `level1` (compared folded), when it is one of the framework's 一级指标.
pub fn level2_of(level1: &str) -> Option<&'static [&'static str]> {
    let level1 = fold_name(level1);
    FRAMEWORK
        .iter()
        .find(|(name, _)| *name == level1)
        .map(|(_, level2)| *level2)
}
