//! Checks across the workbooks of one run: two workbooks of the same department and year, or
//! whose PDFs would have the same file name, are an error for both.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::contract::RuleId;
use crate::diagnostic::{Diagnostic, Location};

/// `duplicate-department` for every workbook whose (部门名称, 年度) another workbook of the batch
/// has too; `identities` gives (index into `files`, identity) for the workbooks that state one.
pub fn departments(
    files: &[PathBuf],
    identities: impl IntoIterator<Item = (usize, (String, i32))>,
) -> BTreeMap<usize, Diagnostic> {
    clashes(files, identities)
        .into_iter()
        .map(|(i, (name, year), others)| {
            let message = format!(
                "部门“{name}”{year} 年度的工作簿不止一个（另见 {others}）；每个部门每年只能有一个工作簿"
            );
            let finding = Diagnostic::error(&files[i], Location::file(), RuleId::DuplicateDepartment, message);
            (i, finding)
        })
        .collect()
}

/// `duplicate-title` for every workbook whose PDF file name another workbook's has too;
/// `pdf_names` gives (index into `files`, file name).
pub fn titles(
    files: &[PathBuf],
    pdf_names: impl IntoIterator<Item = (usize, String)>,
) -> BTreeMap<usize, Diagnostic> {
    clashes(files, pdf_names)
        .into_iter()
        .map(|(i, pdf, others)| {
            let finding = Diagnostic::error(
                &files[i],
                Location::file(),
                RuleId::DuplicateTitle,
                format!("生成的文件名 {pdf} 与 {others} 的相同，会互相覆盖；请修改文档标题，这几个都不生成"),
            );
            (i, finding)
        })
        .collect()
}

/// Every index whose key another index shares, with the key and the other files of its group
/// (`a.xlsx、b.xlsx`).
fn clashes<K: Ord + Clone>(
    files: &[PathBuf],
    keys: impl IntoIterator<Item = (usize, K)>,
) -> Vec<(usize, K, String)> {
    let mut groups: BTreeMap<K, Vec<usize>> = BTreeMap::new();
    for (i, key) in keys {
        groups.entry(key).or_default().push(i);
    }
    let mut out = Vec::new();
    for (key, group) in groups.into_iter().filter(|(_, g)| g.len() > 1) {
        for &i in &group {
            let others: Vec<String> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| files[j].display().to_string())
                .collect();
            out.push((i, key.clone(), others.join("、")));
        }
    }
    out
}
