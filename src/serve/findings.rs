//! The findings of a workbook as the server keeps them: bounded. A workbook of 100,000 junk rows
//! has 300,000 findings; the page shows, the API returns and memory holds the first
//! [`PER_SHEET`] of each sheet (errors first) and counts the rest (另有 N 处). The full list is
//! the findings workbook's (审核意见表), made again from the workbook when it is downloaded.

use std::path::Path;

use crate::contract::RuleId;
use crate::diagnostic::{Diagnostic, Location, Severity};

/// Findings kept per sheet. A clerk fixes the first ones and checks again; a sheet with more
/// has a systematic fault (a pasted column, rows of junk) that the first ones show.
pub const PER_SHEET: usize = 100;

/// A workbook's findings, bounded per sheet.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    /// Of all findings, not only those kept.
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Sheets with errors first, the whole-file findings first of all.
    pub sheets: Vec<SheetKept>,
}

/// The findings of one sheet (`sheet` is `None` for the whole file).
#[derive(Debug, Clone)]
pub struct SheetKept {
    pub sheet: Option<String>,
    /// Errors before warnings, the order of the checks otherwise; at most [`PER_SHEET`].
    pub findings: Vec<Diagnostic>,
    /// Findings of this sheet not kept.
    pub more: usize,
}

impl Kept {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        let errors = Severity::Error.count(&diagnostics);
        let warnings = Severity::Warning.count(&diagnostics);
        let notes = Severity::Note.count(&diagnostics);
        let mut sheets: Vec<SheetKept> = Vec::new();
        for d in diagnostics {
            let i = match sheets.iter().position(|s| s.sheet == d.location.sheet) {
                Some(i) => i,
                None => {
                    sheets.push(SheetKept {
                        sheet: d.location.sheet.clone(),
                        findings: Vec::new(),
                        more: 0,
                    });
                    sheets.len() - 1
                }
            };
            let sheet = &mut sheets[i];
            if sheet.findings.len() < PER_SHEET {
                sheet.findings.push(d);
            } else if let Some(warning) = (d.severity == Severity::Error)
                .then(|| sheet.findings.iter().rposition(|k| k.severity < d.severity))
                .flatten()
            {
                // An error displaces the last warning kept: errors are what a clerk must fix.
                sheet.findings.remove(warning);
                sheet.findings.push(d);
                sheet.more += 1;
            } else {
                sheet.more += 1;
            }
        }
        for sheet in &mut sheets {
            sheet
                .findings
                .sort_by_key(|d| std::cmp::Reverse(d.severity));
        }
        let worst = |s: &SheetKept| s.findings.iter().map(|d| d.severity).max();
        sheets.sort_by_key(|s| (std::cmp::Reverse(worst(s)), s.sheet.is_some()));
        Self {
            errors,
            warnings,
            notes,
            sheets,
        }
    }

    /// An internal error while handling `file` (a panic caught).
    pub fn internal(file: &Path) -> Self {
        Self::new(vec![Diagnostic::error(
            file,
            Location::file(),
            RuleId::Internal,
            "处理该文件时发生内部错误（请把该文件交给开发人员）",
        )])
    }

    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
            Severity::Note => self.notes,
        }
    }

    /// Every finding is kept (none counted only).
    pub fn complete(&self) -> bool {
        self.sheets.iter().all(|s| s.more == 0)
    }

    /// The findings kept, sheet by sheet.
    pub fn kept(&self) -> impl Iterator<Item = &Diagnostic> {
        self.sheets.iter().flat_map(|s| &s.findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::CellRef;

    fn at(sheet: &str, row: u32, severity: Severity) -> Diagnostic {
        let location = Location::cell(sheet, CellRef { row, col: 0 });
        let mut d = Diagnostic::error(Path::new("a.xlsx"), location, RuleId::Internal, "x");
        d.severity = severity;
        d
    }

    #[test]
    fn each_sheet_keeps_its_first_findings_errors_first_and_counts_the_rest() {
        let mut all = Vec::new();
        for row in 0..250 {
            all.push(at("项目指标", row, Severity::Warning));
        }
        all.push(at("项目指标", 999, Severity::Error));
        all.push(at("项目", 1, Severity::Warning));
        let kept = Kept::new(all);
        assert_eq!((kept.errors, kept.warnings), (1, 251));
        assert_eq!(kept.sheets.len(), 2);
        let first = &kept.sheets[0];
        assert_eq!(first.sheet.as_deref(), Some("项目指标"), "errors first");
        assert_eq!(first.findings.len(), PER_SHEET);
        assert_eq!(first.more, 251 - PER_SHEET);
        assert_eq!(
            first.findings[0].severity,
            Severity::Error,
            "the error is kept"
        );
        assert_eq!(first.findings[0].location.cell.unwrap().row, 999);
        assert_eq!(first.findings[1].location.cell.unwrap().row, 0);
        assert_eq!(kept.sheets[1].more, 0);
        assert!(!kept.complete());
        assert_eq!(kept.kept().count(), PER_SHEET + 1);
    }
}
