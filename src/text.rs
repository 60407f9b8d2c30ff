//! Small text helpers shared by the stages: full-width folding and name normalisation.

/// Folds a full-width ASCII variant (`８`, `（`, `％`, `，`, `．`, ideographic space) to its
/// half-width form; other characters are returned unchanged.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A name as compared for matching sheets, headers and fields: full-width folded, with all white
/// space removed (`项目指标 ` = `项目指标`, `预算数（万元）` = `预算数(万元)`).
pub fn fold_name(s: &str) -> String {
    s.chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The closest of `candidates` to `wanted`, if it is close enough to be a plausible misspelling.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_len = wanted.chars().count();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(wanted, c), c))
        .filter(|(d, c)| {
            let len = wanted_len.max(c.chars().count());
            *d * 2 <= len.max(2)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_space() {
        assert_eq!(fold_name(" 预算数（万元） "), "预算数(万元)");
        assert_eq!(fold_name("项目\u{3000}指标"), "项目指标");
        assert_eq!(to_half_width('８'), '8');
        assert_eq!(to_half_width('中'), '中');
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["委托评估费", "物业费及中央空调使用费"];
        assert_eq!(closest("委托评估", names), Some("委托评估费"));
        assert_eq!(
            closest("物业费及中央空调费", names),
            Some("物业费及中央空调使用费")
        );
        assert_eq!(closest("完全无关的名字", names), None);
    }
}
