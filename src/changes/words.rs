//! The changed words of a long text: a character diff (`similar`; Chinese has no spaces to
//! split words at) whose small islands of sameness are folded into the change around them, each
//! change shown with a few characters of context.

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Characters of context on each side of a change.
const CONTEXT: usize = 6;

/// An equal run shorter than this between two changes joins them: `的` or `，` in common does
/// not split one rewritten phrase into two.
const BRIDGE: usize = 3;

/// Texts this short are shown whole.
const WHOLE: usize = 40;

/// Each change between `old` and `new` as (the old words, the new words), with context and `…`
/// where the text goes on; a short text as a whole.
pub fn hunks(old: &str, new: &str) -> Vec<(String, String)> {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    if a.len() <= WHOLE && b.len() <= WHOLE {
        return vec![(old.to_string(), new.to_string())];
    }
    // (old range, new range) of each change, after bridging.
    let mut changes: Vec<((usize, usize), (usize, usize))> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        if let DiffOp::Equal { .. } = op {
            continue;
        }
        let (o, n) = (op.old_range(), op.new_range());
        match changes.last_mut() {
            Some(last) if o.start - last.0.1 < BRIDGE || n.start - last.1.1 < BRIDGE => {
                last.0.1 = o.end;
                last.1.1 = n.end;
            }
            _ => changes.push(((o.start, o.end), (n.start, n.end))),
        }
    }
    changes
        .into_iter()
        .map(|(o, n)| (excerpt(&a, o), excerpt(&b, n)))
        .collect()
}

/// `chars[range]` with [`CONTEXT`] characters on each side.
fn excerpt(chars: &[char], (start, end): (usize, usize)) -> String {
    let from = start.saturating_sub(CONTEXT);
    let to = (end + CONTEXT).min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.extend(&chars[from..to]);
    if to < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_shown_whole() {
        assert_eq!(
            hunks("提高服务效率", "提高服务质量"),
            [("提高服务效率".to_string(), "提高服务质量".to_string())]
        );
    }

    #[test]
    fn a_long_text_shows_the_changed_words_in_context() {
        let old = "组织实施高新区行政服务中心各项党政综合事务和人员管理功能，全面提升政务服务效率，确保群众满意。";
        let new = "组织实施高新区行政服务中心各项党政综合事务和人员管理功能，全面提升政务服务质量，确保群众满意。";
        assert_eq!(
            hunks(old, new),
            [(
                "…提升政务服务效率，确保群众满…".to_string(),
                "…提升政务服务质量，确保群众满…".to_string()
            )]
        );
    }

    #[test]
    fn changes_close_together_are_one() {
        let old = format!("{}甲乙丙丁的戊己庚辛{}", "前".repeat(40), "后".repeat(40));
        let new = format!("{}子丑寅卯的辰巳午未{}", "前".repeat(40), "后".repeat(40));
        let found = hunks(&old, &new);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.contains("甲乙丙丁的戊己庚辛"));
        assert!(found[0].1.contains("子丑寅卯的辰巳午未"));
    }
}
