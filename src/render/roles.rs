//! Font roles (字体角色): which face the title, body, headings and tables use.
//!
//! Each role is a stack of family names in `fonts.toml` (a template file, so it can be
//! overridden like the others). The stacks are passed to the Typst templates, which take the
//! first installed family; `crate::compile::roles` resolves them against the fonts found, for
//! reporting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// One role: its stack and weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub families: Vec<String>,
    #[serde(default = "regular")]
    pub weight: String,
}

fn regular() -> String {
    "regular".to_string()
}

/// Every role by name (`title`, `body`, `heading`, `subheading`, `table`, `table-header`).
pub type Roles = BTreeMap<String, Role>;

/// The roles every template may use; a `fonts.toml` must define each.
pub const ROLE_NAMES: &[(&str, &str)] = &[
    ("title", "标题"),
    ("body", "正文"),
    ("heading", "一级标题"),
    ("subheading", "二级标题"),
    ("table", "表格"),
    ("table-header", "表头"),
];

/// Parses `fonts.toml`.
pub fn parse(source: &str) -> Result<Roles, Error> {
    let roles: Roles =
        toml::from_str(source).map_err(|e| Error::failed(format!("fonts.toml 格式错误：{e}")))?;
    for (name, label) in ROLE_NAMES {
        match roles.get(*name) {
            None => {
                return Err(Error::failed(format!(
                    "fonts.toml 缺少字体角色 [{name}]（{label}）"
                )));
            }
            Some(role) if role.families.is_empty() => {
                return Err(Error::failed(format!(
                    "fonts.toml 的字体角色 [{name}]（{label}）没有列出任何字体"
                )));
            }
            Some(_) => {}
        }
    }
    Ok(roles)
}

/// The Chinese role label of a role name.
pub fn label(role: &str) -> &str {
    ROLE_NAMES
        .iter()
        .find(|(n, _)| *n == role)
        .map_or(role, |(_, l)| l)
}
