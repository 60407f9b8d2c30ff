//! Where a correction shows in the document: the first page it changed, and the page of each
//! change line, so that the preview opens there and each line links to its page. Pages are
//! compared by their text (see [`crate::build::PageSet`]); a change is found on a changed page
//! by what it printed (the new value, the added name, the new passage).

use crate::build::{PageSet, first_changed};
use crate::changes::{Change, What};

/// Where the changes of a rebuild are, 1-based page numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Located {
    /// The first page that differs from the document shown before.
    pub first: Option<usize>,
    /// For each change (in order), the page that shows it, if found.
    pub changes: Vec<Option<usize>>,
}

/// Locates `changes` between `old` and `new` pages.
pub fn locate(old: &PageSet, new: &PageSet, changes: &[Change]) -> Located {
    let first = first_changed(&old.texts, &new.texts);
    let compact = |s: &str| s.split_whitespace().collect::<String>();
    let pages: Vec<String> = new.texts.iter().map(|t| compact(t)).collect();
    let changed = |i: usize| old.texts.get(i) != new.texts.get(i);
    let changes = changes
        .iter()
        .map(|change| {
            let printed = printed(change)
                .map(|s| compact(&s))
                .filter(|s| !s.is_empty());
            let found = printed.and_then(|text| {
                // A long text may be broken across pages: its start is enough.
                let start: String = text.chars().take(16).collect();
                let on = |i: &usize| pages[*i].contains(&start);
                let mut candidates = 0..pages.len();
                candidates
                    .clone()
                    .find(|i| changed(*i) && on(i))
                    .or_else(|| candidates.find(on))
            });
            found.or(first).map(|i| i + 1)
        })
        .collect();
    Located {
        first: first.map(|i| i + 1),
        changes,
    }
}

/// What the change put on the page, as far as one string tells.
fn printed(change: &Change) -> Option<String> {
    match &change.what {
        What::Value { new, .. } => Some(new.clone()),
        What::Text { passages } => passages.first().map(|(_, new)| new.clone()),
        What::Added { name, .. } => Some(name.clone()),
        What::Reordered { new, .. } => new.first().cloned(),
        What::Removed { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(texts: &[&str]) -> PageSet {
        PageSet {
            pngs: Vec::new(),
            texts: texts.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn a_change_is_found_on_the_page_it_changed() {
        let old = pages(&["封面", "目标 ≥95%", "指标 ≥95%"]);
        let new = pages(&["封面", "目标 ≥95%", "指标 ≥97%"]);
        let value = Change {
            cell: Some("F3".into()),
            label: String::new(),
            what: What::Value {
                old: "≥95%".into(),
                new: "≥97%".into(),
            },
        };
        let removed = Change {
            cell: None,
            label: String::new(),
            what: What::Removed {
                noun: "指标".into(),
                name: "x".into(),
            },
        };
        let located = locate(&old, &new, &[value, removed]);
        assert_eq!(located.first, Some(3));
        assert_eq!(located.changes, [Some(3), Some(3)]);
        assert_eq!(locate(&old, &old, &[]).first, None);
    }
}
