//! The user documentation names every part of the contract as `src/contract` defines it: every
//! rule id with its severity, every sheet, every column with whether it is required, every
//! 基本信息 field. A rule or column added to the code without its documentation fails here.

use std::path::Path;

use jixiao::contract::{self, Presence, RuleId};

fn workbook_md() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/workbook.md"))
        .expect("docs/workbook.md")
}

/// The cells of a Markdown table row, trimmed: `| a | b |` → `["a", "b"]`.
fn cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(str::trim).collect())
}

/// The rows of every table whose first cell is `first`.
fn rows_starting<'a>(text: &'a str, first: &str) -> Vec<Vec<&'a str>> {
    text.lines()
        .filter_map(cells)
        .filter(|c| c.first() == Some(&first))
        .collect()
}

#[test]
fn every_rule_id_is_documented_with_its_severity() {
    let doc = workbook_md();
    for rule in RuleId::ALL {
        let id = format!("`{}`", rule.as_str());
        let rows = rows_starting(&doc, &id);
        assert_eq!(
            rows.len(),
            1,
            "docs/workbook.md should have one table row for {id} ({})",
            rule.description()
        );
        assert_eq!(
            rows[0].get(1).copied(),
            Some(rule.level().label()),
            "severity of {id} in docs/workbook.md"
        );
    }
}

#[test]
fn every_documented_rule_id_exists() {
    let doc = workbook_md();
    let known: Vec<String> = RuleId::ALL
        .iter()
        .map(|r| format!("`{}`", r.as_str()))
        .collect();
    // Rows of the rule tables: a rule id in backquotes, then a severity.
    for row in doc.lines().filter_map(cells) {
        let severity = row.get(1).copied().unwrap_or_default();
        if row[0].starts_with('`')
            && RuleId::ALL.iter().any(|r| r.level().label() == severity)
            && row[0][1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
        {
            assert!(
                known.contains(&row[0].to_string()),
                "unknown rule {}",
                row[0]
            );
        }
    }
}

/// The text of the section `### 3.x `name`…` up to the next heading of that level or above.
fn sheet_section<'a>(doc: &'a str, name: &str) -> &'a str {
    let marker = format!("`{name}`");
    let start = doc
        .match_indices("\n### ")
        .map(|(i, _)| i + 1)
        .find(|&i| doc[i..].lines().next().is_some_and(|l| l.contains(&marker)))
        .unwrap_or_else(|| panic!("docs/workbook.md has no section for sheet {marker}"));
    let rest = &doc[start + 4..];
    let end = rest
        .find("\n### ")
        .or_else(|| rest.find("\n## "))
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn every_sheet_and_column_is_documented() {
    let doc = workbook_md();
    for sheet in contract::SHEETS {
        let section = sheet_section(&doc, sheet.name);
        let heading = section.lines().next().unwrap_or_default();
        let presence = match sheet.presence {
            Presence::Required => "必需",
            Presence::Optional | Presence::WithProjects => "",
        };
        assert!(heading.contains(presence), "{}: {heading}", sheet.name);
        if sheet.name == contract::INFO {
            // Two columns named in the text; the fields are a table of their own.
            for column in sheet.columns {
                assert!(section.contains(&format!("`{}`", column.name)));
            }
            continue;
        }
        for column in sheet.columns {
            let id = format!("`{}`", column.name);
            let rows = rows_starting(section, &id);
            assert_eq!(
                rows.len(),
                1,
                "the section of {} should have one row for column {id}",
                sheet.name
            );
            let required = if column.required { "是" } else { "否" };
            assert_eq!(
                rows[0].get(1).copied(),
                Some(required),
                "{}/{id}: required?",
                sheet.name
            );
        }
    }
}

#[test]
fn every_field_is_documented() {
    let doc = workbook_md();
    let section = sheet_section(&doc, contract::INFO);
    for field in contract::FIELDS {
        let rows = rows_starting(section, field.name);
        assert_eq!(rows.len(), 1, "基本信息 field {}", field.name);
        let required = if field.required { "是" } else { "否" };
        assert_eq!(rows[0].get(1).copied(), Some(required), "{}", field.name);
    }
}
