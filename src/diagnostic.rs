//! Findings about a workbook (诊断): what every stage returns instead of printing.
//!
//! A [`Diagnostic`] names the file, the sheet and the cell (A1 notation) it is about, so that
//! finance staff can go straight to the cell; its message is Chinese and says what was found and
//! what was expected.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::contract::RuleId;

/// How bad a finding is (严重程度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 提示: what jixiao did for the department that it should know of (a score it computed);
    /// nothing to correct, the document is built as it says.
    Note,
    /// 警告: printed, the document is still built.
    Warning,
    /// 错误: that department's document is not built.
    Error,
}

impl Severity {
    /// The Chinese word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Note => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }

    /// How many of `diagnostics` are of this severity.
    pub fn count(self, diagnostics: &[Diagnostic]) -> usize {
        diagnostics.iter().filter(|d| d.severity == self).count()
    }
}

/// A cell address: 0-based row and column, printed in A1 notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub row: u32,
    pub col: u32,
}

impl CellRef {
    pub fn new(row: u32, col: u32) -> Self {
        Self { row, col }
    }

    /// The column letters of a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
    pub fn column_name(col: u32) -> String {
        let mut n = col as u64 + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = ((n - 1) % 26) as u8;
            letters.push(b'A' + rem);
            n = (n - 1) / 26;
        }
        letters.reverse();
        String::from_utf8(letters).expect("ASCII letters")
    }
}

impl std::str::FromStr for CellRef {
    type Err = ();

    /// An A1 address: `F3` → row 2, column 5.
    fn from_str(a1: &str) -> Result<Self, ()> {
        let split = a1.find(|c: char| c.is_ascii_digit()).ok_or(())?;
        let (letters, digits) = a1.split_at(split);
        if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(());
        }
        let col = letters
            .bytes()
            .try_fold(0u32, |n, b| {
                n.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)
            })
            .ok_or(())?;
        let row: u32 = digits.parse().map_err(|_| ())?;
        (row >= 1).then(|| CellRef::new(row - 1, col - 1)).ok_or(())
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::column_name(self.col), self.row as u64 + 1)
    }
}

impl Serialize for CellRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where in a workbook a finding points: a sheet, and a cell in it when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// The sheet name as the workbook spells it; `None` for findings about the whole file.
    pub sheet: Option<String>,
    pub cell: Option<CellRef>,
}

impl Location {
    pub fn file() -> Self {
        Self::default()
    }

    pub fn sheet(sheet: impl Into<String>) -> Self {
        Self {
            sheet: Some(sheet.into()),
            cell: None,
        }
    }

    pub fn cell(sheet: impl Into<String>, cell: CellRef) -> Self {
        Self {
            sheet: Some(sheet.into()),
            cell: Some(cell),
        }
    }

    /// The location an address names: `项目指标!F3`, a sheet alone, or nothing (the file).
    pub fn parse(address: &str) -> Self {
        match address.rsplit_once('!') {
            Some((sheet, a1)) => match a1.parse() {
                Ok(cell) => Self::cell(sheet, cell),
                Err(()) => Self::sheet(address),
            },
            None if address.is_empty() => Self::file(),
            None => Self::sheet(address),
        }
    }
}

/// One finding (诊断): file, sheet, cell, severity, a stable rule id and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    #[serde(flatten)]
    pub location: Location,
    pub severity: Severity,
    /// A stable identifier of the rule, for filtering and for machines (`budget-sum`, …).
    pub rule: RuleId,
    pub message: String,
}

impl Diagnostic {
    pub fn error(
        file: &Path,
        location: Location,
        rule: RuleId,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_path_buf(),
            location,
            severity: Severity::Error,
            rule,
            message: message.into(),
        }
    }

    pub fn warning(
        file: &Path,
        location: Location,
        rule: RuleId,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, location, rule, message)
        }
    }

    /// A note (提示): nothing to correct.
    pub fn note(file: &Path, location: Location, rule: RuleId, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Note,
            ..Self::error(file, location, rule, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `input/x.xlsx › 项目指标!F7: 错误: …`
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        match (&self.location.sheet, &self.location.cell) {
            (Some(sheet), Some(cell)) => write!(f, " › {sheet}!{cell}")?,
            (Some(sheet), None) => write!(f, " › {sheet}")?,
            _ => {}
        }
        write!(
            f,
            ": {}: {} [{}]",
            self.severity.label(),
            self.message,
            self.rule
        )
    }
}

/// True when any finding is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_back() {
        for (row, col) in [(0, 0), (2, 5), (99, 26), (5, 701), (7, 702)] {
            let cell = CellRef::new(row, col);
            let location = Location::cell("项目指标", cell);
            assert_eq!(Location::parse(&format!("项目指标!{cell}")), location);
        }
        assert_eq!(Location::parse("项目"), Location::sheet("项目"));
        assert_eq!(Location::parse(""), Location::file());
        assert!("A0".parse::<CellRef>().is_err() && "3F".parse::<CellRef>().is_err());
    }

    #[test]
    fn a1_addresses() {
        assert_eq!(CellRef::new(0, 0).to_string(), "A1");
        assert_eq!(CellRef::new(6, 5).to_string(), "F7");
        assert_eq!(CellRef::new(0, 25).to_string(), "Z1");
        assert_eq!(CellRef::new(0, 26).to_string(), "AA1");
        assert_eq!(CellRef::new(0, 701).to_string(), "ZZ1");
        assert_eq!(CellRef::new(0, 702).to_string(), "AAA1");
        assert_eq!(CellRef::new(1_048_575, 16_383).to_string(), "XFD1048576");
    }

    #[test]
    fn display_names_file_sheet_and_cell() {
        let d = Diagnostic::error(
            Path::new("input/x.xlsx"),
            Location::cell("项目指标", CellRef::new(6, 5)),
            RuleId::Internal,
            "消息",
        );
        assert_eq!(
            d.to_string(),
            "input/x.xlsx › 项目指标!F7: 错误: 消息 [internal]"
        );
    }
}
