//! What changed (更正内容): a department's data compared with what its last good build printed,
//! field by field, in the workbook's own terms:
//! `项目指标!F3（委托评估费 › 项目评估完成率 › 指标值）：≥95% → ≥97%`.
//!
//! The comparison is on the normalised model ([`snapshot::snapshot`] of the
//! [`Department`](crate::model::Department)), never on the workbook's bytes, so an edit that
//! changes nothing printed (a format, a fill-down written out, `>=` retyped as `≥`) is no
//! change. Each build keeps the tree of the department it printed in the output folder's state
//! ([`store`]); the next build of that department compares with it, and the changes go to the
//! terminal (the caller prints [`Change`]s) and to the department's change record
//! ([`record`], `{文档标题}.更正记录.md` beside the PDF).

pub mod snapshot;
mod words;

use std::fmt;

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use snapshot::{Kind, excerpt};
pub use snapshot::{Node, evaluation_snapshot, snapshot};

/// One change between two builds of a department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Where: the cell in the new workbook, or where a removed thing was in the old one.
    pub cell: Option<String>,
    /// What, in the workbook's terms: `委托评估费 › 项目评估完成率 › 指标值`; may be empty.
    pub label: String,
    pub what: What,
}

/// The kind of change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum What {
    /// A value changed: `≥95% → ≥97%`, `80万元 → 90万元`.
    Value { old: String, new: String },
    /// A long text changed: each changed passage, old and new, with a little context.
    Text { passages: Vec<(String, String)> },
    /// A project, indicator, paragraph … was added (`noun`: 项目, 指标, 段, …).
    Added {
        noun: String,
        name: String,
        detail: Option<String>,
    },
    /// … or removed.
    Removed { noun: String, name: String },
    /// The same things in another order.
    Reordered {
        noun: String,
        old: Vec<String>,
        new: Vec<String>,
    },
}

/// At most this many passages of one text are shown.
const PASSAGES: usize = 3;

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.cell, self.label.is_empty()) {
            (Some(cell), false) => write!(f, "{cell}（{}）：", self.label)?,
            (Some(cell), true) => write!(f, "{cell}：")?,
            (None, false) => write!(f, "{}：", self.label)?,
            (None, true) => {}
        }
        let shown = |s: &str| {
            if s.is_empty() {
                "（空）".to_string()
            } else {
                s.to_string()
            }
        };
        match &self.what {
            What::Value { old, new } => write!(f, "{} → {}", shown(old), shown(new)),
            What::Text { passages } => {
                let parts: Vec<String> = passages
                    .iter()
                    .take(PASSAGES)
                    .map(|(old, new)| format!("“{old}”改为“{new}”"))
                    .collect();
                f.write_str(&parts.join("；"))?;
                if passages.len() > PASSAGES {
                    write!(f, "；另有 {} 处改动", passages.len() - PASSAGES)?;
                }
                Ok(())
            }
            What::Added { noun, name, detail } => {
                write!(f, "新增{}", named(noun, name))?;
                match detail {
                    Some(d) if !d.is_empty() => write!(f, "（{d}）"),
                    _ => Ok(()),
                }
            }
            What::Removed { noun, name } => write!(f, "删除{}", named(noun, name)),
            What::Reordered { noun, old, new } => write!(
                f,
                "{noun}顺序改变：{} → {}",
                excerpt(&old.join("、")),
                excerpt(&new.join("、"))
            ),
        }
    }
}

/// `项目“委托评估费”`; a paragraph by its number and its start: `第2段“……”`.
fn named(noun: &str, name: &str) -> String {
    format!("{noun}“{name}”")
}

/// Every change from `old` to `new` (trees of [`snapshot`]), in the order of the document.
pub fn compare(old: &Node, new: &Node) -> Vec<Change> {
    let mut out = Vec::new();
    diff(old, new, &[], &mut out);
    out
}

fn label(path: &[&str], last: &str) -> String {
    let mut parts: Vec<&str> = path.iter().copied().filter(|s| !s.is_empty()).collect();
    if !last.is_empty() {
        parts.push(last);
    }
    parts.join(" › ")
}

fn diff(old: &Node, new: &Node, path: &[&str], out: &mut Vec<Change>) {
    match new.kind {
        Kind::Value | Kind::Text if old.value == new.value => {}
        Kind::Value => out.push(Change {
            cell: new.cell.clone(),
            label: label(path, &new.label),
            what: What::Value {
                old: old.display().to_string(),
                new: new.display().to_string(),
            },
        }),
        Kind::Text => out.push(Change {
            cell: new.cell.clone(),
            label: label(path, &new.label),
            what: match (old.value.as_deref(), new.value.as_deref()) {
                (Some(o), Some(n)) if !o.is_empty() && !n.is_empty() => What::Text {
                    passages: words::hunks(o, n),
                },
                (o, n) => What::Value {
                    old: o.unwrap_or("").to_string(),
                    new: n.unwrap_or("").to_string(),
                },
            },
        }),
        Kind::Section => {
            let mut inner = path.to_vec();
            inner.push(&new.label);
            for child in &new.children {
                let empty = Node {
                    kind: child.kind,
                    ..Node::default()
                };
                let before = old
                    .children
                    .iter()
                    .find(|c| c.key == child.key)
                    .unwrap_or(&empty);
                diff(before, child, &inner, out);
            }
            // A part the new data no longer has (审核单位 left blank): its old value → empty.
            for gone in old
                .children
                .iter()
                .filter(|c| !new.children.iter().any(|n| n.key == c.key))
            {
                let empty = Node {
                    value: None,
                    shown: None,
                    children: Vec::new(),
                    ..gone.clone()
                };
                diff(gone, &empty, &inner, out);
            }
        }
        Kind::Records => records(old, new, path, out),
        Kind::Paragraphs => paragraphs(old, new, path, out),
    }
}

fn records(old: &Node, new: &Node, path: &[&str], out: &mut Vec<Change>) {
    let mut inner = path.to_vec();
    inner.push(&new.label);
    let here = label(path, &new.label);
    for child in &new.children {
        match old.children.iter().find(|c| c.key == child.key) {
            Some(before) => diff(before, child, &inner, out),
            None => out.push(Change {
                cell: child.cell.clone(),
                label: here.clone(),
                what: What::Added {
                    noun: new.noun.clone(),
                    name: child.label.clone(),
                    detail: child.shown.clone(),
                },
            }),
        }
    }
    for gone in old
        .children
        .iter()
        .filter(|c| !new.children.iter().any(|n| n.key == c.key))
    {
        out.push(Change {
            cell: gone.cell.clone(),
            label: here.clone(),
            what: What::Removed {
                noun: new.noun.clone(),
                name: gone.label.clone(),
            },
        });
    }
    // The records both have, in their old and their new order.
    let kept = |list: &[Node], other: &[Node]| -> Vec<(String, String)> {
        list.iter()
            .filter(|c| other.iter().any(|o| o.key == c.key))
            .map(|c| (c.key.clone(), c.label.clone()))
            .collect()
    };
    let before = kept(&old.children, &new.children);
    let after = kept(&new.children, &old.children);
    if before != after {
        out.push(Change {
            cell: None,
            label: here,
            what: What::Reordered {
                noun: new.noun.clone(),
                old: before.into_iter().map(|(_, l)| l).collect(),
                new: after.into_iter().map(|(_, l)| l).collect(),
            },
        });
    }
}

fn paragraphs(old: &Node, new: &Node, path: &[&str], out: &mut Vec<Change>) {
    let mut inner = path.to_vec();
    inner.push(&new.label);
    let here = label(path, &new.label);
    let values = |n: &Node| -> Vec<String> {
        n.children
            .iter()
            .map(|c| c.value.clone().unwrap_or_default())
            .collect()
    };
    let (a, b) = (values(old), values(new));
    let added = |i: usize, out: &mut Vec<Change>| {
        let child = &new.children[i];
        out.push(Change {
            cell: child.cell.clone(),
            label: here.clone(),
            what: What::Added {
                noun: child.label.clone(),
                name: excerpt(child.display()),
                detail: None,
            },
        });
    };
    let removed = |i: usize, out: &mut Vec<Change>| {
        let child = &old.children[i];
        out.push(Change {
            cell: child.cell.clone(),
            label: here.clone(),
            what: What::Removed {
                noun: child.label.clone(),
                name: excerpt(child.display()),
            },
        });
    };
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => (old_index..old_index + old_len).for_each(|i| removed(i, out)),
            DiffOp::Insert {
                new_index, new_len, ..
            } => (new_index..new_index + new_len).for_each(|i| added(i, out)),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let paired = old_len.min(new_len);
                for k in 0..paired {
                    diff(
                        &old.children[old_index + k],
                        &new.children[new_index + k],
                        &inner,
                        out,
                    );
                }
                (old_index + paired..old_index + old_len).for_each(|i| removed(i, out));
                (new_index + paired..new_index + new_len).for_each(|i| added(i, out));
            }
        }
    }
}

/// At most this many change lines go to the terminal per department.
pub const TERMINAL_LINES: usize = 20;

/// The lines for a terminal: one per change, at most `limit`, then `…另有 N 处`.
pub fn lines(changes: &[Change], limit: usize) -> Vec<String> {
    let mut lines: Vec<String> = changes.iter().take(limit).map(Change::to_string).collect();
    if changes.len() > limit {
        lines.push(format!("…另有 {} 处", changes.len() - limit));
    }
    lines
}

#[cfg(test)]
mod tests;
