//! Cell values and how they are read: text, numbers, money, percentages and years.
//!
//! Numbers never pass through float arithmetic: a numeric cell's `f64` is printed with Rust's
//! shortest round-trip formatting (`7.000000000000001`, `54.5`), parsed as a [`Decimal`], rounded
//! to [`DECIMAL_PLACES`] places and normalised, so `7.0000000000000009` becomes exactly `7` and
//! `54.5` stays `54.5`. Text numbers are parsed after folding full-width characters
//! (`８０`, `１，２３４．５`) and removing thousands separators.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::text::to_half_width;

/// Decimal places kept from a floating-point cell; more is float noise, not data.
pub const DECIMAL_PLACES: u32 = 10;

/// One non-blank cell as read from the workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, as stored (not yet trimmed).
    Text(String),
    /// A numeric cell (or a formula's cached number). `percent` is true when the cell's number
    /// format shows it as a percentage (the stored value is then the fraction: 25% → 0.25).
    Number {
        value: f64,
        percent: bool,
    },
    /// A date or time cell: the Excel serial number.
    Date(f64),
    Bool(bool),
    /// An error value (`#DIV/0!`, `#REF!`, …), usually a formula's cached result.
    Error(String),
}

impl Value {
    /// True when the cell holds nothing worth reading (whitespace-only text).
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a reader of the sheet would quote it: numbers without float
    /// noise (`80`, `54.5`), percent-formatted numbers with `%` (`95%`), dates as `YYYY-MM-DD`.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number { value, percent } => match decimal_from_f64(*value) {
                Some(d) if *percent => match d.checked_mul(Decimal::ONE_HUNDRED) {
                    Some(p) => format!("{}%", p.normalize()),
                    None => value.to_string(),
                },
                Some(d) => d.to_string(),
                None => value.to_string(),
            },
            Value::Date(serial) => excel_date(*serial),
            Value::Bool(true) => "TRUE".to_string(),
            Value::Bool(false) => "FALSE".to_string(),
            Value::Error(e) => e.clone(),
        }
    }
}

/// A float as the exact decimal it was meant to be: shortest round-trip text, rounded to
/// [`DECIMAL_PLACES`] places, normalised. `None` for NaN, infinities and magnitudes beyond
/// [`Decimal`]'s range.
pub fn decimal_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    // `{}` on f64 never uses an exponent and gives the shortest text that reads back as `f`.
    let text = format!("{f}");
    let d = Decimal::from_str(&text)
        .ok()
        .or_else(|| (f.abs() < 1e-20).then_some(Decimal::ZERO))?;
    Some(d.round_dp(DECIMAL_PLACES).normalize())
}

/// Text with full-width ASCII folded, trimmed.
fn folded(s: &str) -> String {
    s.chars()
        .map(to_half_width)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Parses a plain number written as text: optional sign, digits, one decimal point, thousands
/// separators (`,`) and inner spaces ignored. Full-width forms must already be folded.
fn plain_number(s: &str) -> Option<Decimal> {
    let cleaned: String = s
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let body = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    let digits = body.strip_prefix('-').unwrap_or(body);
    if digits.is_empty()
        || digits.starts_with('.')
        || digits.ends_with('.')
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        || digits.chars().filter(|c| *c == '.').count() > 1
    {
        return None;
    }
    Decimal::from_str(body)
        .ok()
        .map(|d| d.round_dp(DECIMAL_PLACES).normalize())
}

/// The unit of a money column, from its header (`预算数（万元）` → 万元).
pub use crate::model::MoneyUnit;

impl MoneyUnit {
    /// The unit named in a header's brackets; `None` when it is not a money unit.
    pub fn from_header(unit: &str) -> Option<Self> {
        match unit {
            "" | "万元" | "万" => Some(MoneyUnit::Wan),
            "元" => Some(MoneyUnit::Yuan),
            _ => None,
        }
    }

    /// `amount` in this unit, expressed in 万元.
    fn to_wan(self, amount: Decimal) -> Decimal {
        match self {
            MoneyUnit::Wan => amount,
            MoneyUnit::Yuan => (amount / Decimal::from(10_000)).normalize(),
        }
    }
}

/// Why a cell could not be read as the number wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number; carries the cell as the user sees it.
    NotANumber(String),
}

/// Reads a money cell into 万元. A text amount may carry its own unit (`80万元`, `800000元`),
/// which wins over the header's; otherwise the header's unit applies.
pub fn money(value: &Value, header_unit: MoneyUnit) -> Result<Decimal, NumberError> {
    match value {
        Value::Number { value: f, .. } => decimal_from_f64(*f)
            .map(|d| header_unit.to_wan(d))
            .ok_or_else(|| NumberError::NotANumber(value.display())),
        Value::Text(s) => {
            let t = folded(s);
            let (body, unit) = if let Some(b) = t.strip_suffix("万元") {
                (b, MoneyUnit::Wan)
            } else if let Some(b) = t.strip_suffix('元') {
                (b, MoneyUnit::Yuan)
            } else {
                (t.as_str(), header_unit)
            };
            plain_number(body)
                .map(|d| unit.to_wan(d))
                .ok_or_else(|| NumberError::NotANumber(s.trim().to_string()))
        }
        other => Err(NumberError::NotANumber(other.display())),
    }
}

/// A percentage cell as read, before the plan-level fraction heuristic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    /// The number in percent (`25` for 25%), or the raw number when `bare_fraction_candidate`.
    pub value: Decimal,
    /// True for a numeric cell whose format is unknown (xls, ods, xlsb) and whose value could be
    /// a fraction (0 ≤ v ≤ 1); the caller decides with the whole plan row in view.
    pub bare_numeric: bool,
}

/// Reads a percentage cell: `25`, `"25%"`, `"２５％"`, or a percent-formatted numeric `0.25`.
/// `formats_known` says whether the file format tells percent-formatted cells apart (xlsx).
pub fn percent(value: &Value, formats_known: bool) -> Result<Percent, NumberError> {
    match value {
        Value::Number { value: f, percent } => {
            let d = decimal_from_f64(*f).ok_or_else(|| NumberError::NotANumber(value.display()))?;
            if *percent {
                let p = d
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .ok_or_else(|| NumberError::NotANumber(value.display()))?;
                Ok(Percent {
                    value: p.round_dp(DECIMAL_PLACES).normalize(),
                    bare_numeric: false,
                })
            } else {
                Ok(Percent {
                    value: d,
                    bare_numeric: !formats_known,
                })
            }
        }
        Value::Text(s) => {
            let t = folded(s);
            let body = t.strip_suffix('%').unwrap_or(&t);
            plain_number(body)
                .map(|d| Percent {
                    value: d,
                    bare_numeric: false,
                })
                .ok_or_else(|| NumberError::NotANumber(s.trim().to_string()))
        }
        other => Err(NumberError::NotANumber(other.display())),
    }
}

/// The number stored in a percent-formatted cell when it lies above 1 and at most 100: such a
/// cell shows 100 times that (`25` shows as 2500%), which is what pasting or a script leaves
/// where a person meant 25%. Typing `25` into the cell stores 0.25. An exact 1 is 100% and is
/// not caught.
pub fn pasted_percent(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number {
            value: f,
            percent: true,
        } => decimal_from_f64(*f).filter(|d| *d > Decimal::ONE && *d <= Decimal::ONE_HUNDRED),
        _ => None,
    }
}

/// Reads a 年度: a four-digit year as a numeric cell (`2021`, `2021.0`) or text (`"2021"`,
/// `"２０２１"`, `"2021年"`, `"2021年度"`).
pub fn year(value: &Value) -> Option<i32> {
    let d = match value {
        Value::Number {
            value: f,
            percent: false,
        } => decimal_from_f64(*f)?,
        Value::Date(serial) => decimal_from_f64(*serial)?,
        Value::Text(s) => {
            let t = folded(s);
            let t = t
                .strip_suffix("年度")
                .or_else(|| t.strip_suffix('年'))
                .unwrap_or(&t);
            let t = t.trim();
            if t.len() != 4 && !t.contains('.') {
                return None;
            }
            plain_number(t)?
        }
        _ => return None,
    };
    if !d.fract().is_zero() {
        return None;
    }
    let y = d.to_i32()?;
    (1000..=9999).contains(&y).then_some(y)
}

/// Text of a short field: trimmed, a line break inside the cell joined away (`产出\n指标` →
/// `产出指标`; a space is kept between two Latin words).
pub fn short_text(s: &str) -> String {
    let mut out = String::new();
    for line in normalise_newlines(s)
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let needs_space = matches!((out.chars().last(), line.chars().next()),
            (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric());
        if needs_space {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Text of a long field: trimmed, each line trimmed, line breaks kept as `\n` (one paragraph per
/// line), blank lines dropped.
pub fn long_text(s: &str) -> String {
    normalise_newlines(s)
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every line break as `\n`: CR LF, CR, and the other characters Typst and Unicode treat as line
/// breaks (vertical tab, form feed, NEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR).
pub fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace(
        ['\r', '\x0B', '\x0C', '\u{85}', '\u{2028}', '\u{2029}'],
        "\n",
    )
}

/// True for characters that are removed from text: control characters other than tab and line
/// breaks, bidirectional controls (which can make printed text read differently from what was
/// typed), and zero-width characters (which make equal-looking names differ).
pub fn is_invisible(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' | '\x0B' | '\x0C' | '\u{85}' => false,
        c if c.is_control() => true,
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => true,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => true,
        _ => false,
    }
}

/// `s` without [invisible](is_invisible) characters, and the distinct ones removed (in order of
/// first appearance).
pub fn strip_invisible(s: &str) -> (String, Vec<char>) {
    if !s.chars().any(is_invisible) {
        return (s.to_string(), Vec::new());
    }
    let mut removed = Vec::new();
    let kept = s
        .chars()
        .filter(|&c| {
            let drop = is_invisible(c);
            if drop && !removed.contains(&c) {
                removed.push(c);
            }
            !drop
        })
        .collect();
    (kept, removed)
}

/// How a removed character is named to the user: `U+200B（零宽字符）`.
pub fn describe_invisible(c: char) -> String {
    let kind = match c {
        '\0' => "空字符 NUL",
        c if c.is_control() => "控制字符",
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => "零宽字符",
        _ => "文字方向控制字符",
    };
    format!("U+{:04X}（{kind}）", c as u32)
}

/// An Excel serial date (1900 system) as `YYYY-MM-DD`, with ` HH:MM[:SS]` when it has a time.
pub fn excel_date(serial: f64) -> String {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return serial.to_string();
    }
    let mut days = serial.floor() as i64;
    let secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
    // Excel's fictitious 1900-02-29 (serial 60): dates after it are one day ahead.
    if days > 60 {
        days -= 1;
    }
    // Serial 1 = 1900-01-01; days since 1970-01-01 of 1899-12-31 is -25568.
    let (y, m, d) = civil_from_days(days - 25_568);
    let date = format!("{y:04}-{m:02}-{d:02}");
    if secs == 0 {
        date
    } else {
        let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if s == 0 {
            format!("{date} {h:02}:{mi:02}")
        } else {
            format!("{date} {h:02}:{mi:02}:{s:02}")
        }
    }
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// True when an Excel number format code shows values as percentages (a `%` outside quotes and
/// escapes, in any section).
pub fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    let mut bracket = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            '[' => bracket = true,
            ']' => bracket = false,
            '%' if !bracket => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn num(f: f64) -> Value {
        Value::Number {
            value: f,
            percent: false,
        }
    }

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn floats_become_exact_decimals() {
        assert_eq!(decimal_from_f64(7.000_000_000_000_001), Some(dec!(7)));
        assert_eq!(decimal_from_f64(54.5), Some(dec!(54.5)));
        assert_eq!(decimal_from_f64(0.1 + 0.2), Some(dec!(0.3)));
        assert_eq!(
            decimal_from_f64(80.0).map(|d| d.to_string()),
            Some("80".to_string())
        );
        assert_eq!(decimal_from_f64(1e-30), Some(dec!(0)));
        assert_eq!(decimal_from_f64(f64::NAN), None);
        assert_eq!(decimal_from_f64(1e300), None);
    }

    #[test]
    fn money_in_every_form() {
        let wan = MoneyUnit::Wan;
        assert_eq!(money(&num(80.0), wan), Ok(dec!(80)));
        assert_eq!(money(&text("80"), wan), Ok(dec!(80)));
        assert_eq!(money(&text(" 80.00 "), wan), Ok(dec!(80)));
        assert_eq!(money(&text("1,234.5"), wan), Ok(dec!(1234.5)));
        assert_eq!(money(&text("８０"), wan), Ok(dec!(80)));
        assert_eq!(money(&text("１，２３４．５"), wan), Ok(dec!(1234.5)));
        assert_eq!(money(&text("80万元"), wan), Ok(dec!(80)));
        assert_eq!(money(&text("800000元"), wan), Ok(dec!(80)));
        assert_eq!(money(&num(545_000.0), MoneyUnit::Yuan), Ok(dec!(54.5)));
        assert_eq!(money(&text("-5"), wan), Ok(dec!(-5)));
        assert_eq!(
            money(&text("八十"), wan),
            Err(NumberError::NotANumber("八十".into()))
        );
        assert!(money(&text("1.2.3"), wan).is_err());
        assert!(money(&text("."), wan).is_err());
        assert!(money(&Value::Bool(true), wan).is_err());
    }

    #[test]
    fn percent_in_every_form() {
        let p = |v: &Value| percent(v, true).map(|p| p.value);
        assert_eq!(p(&num(25.0)), Ok(dec!(25)));
        assert_eq!(p(&text("25%")), Ok(dec!(25)));
        assert_eq!(p(&text("２５％")), Ok(dec!(25)));
        assert_eq!(
            p(&Value::Number {
                value: 0.25,
                percent: true
            }),
            Ok(dec!(25))
        );
        assert_eq!(
            p(&Value::Number {
                value: 0.075,
                percent: true
            }),
            Ok(dec!(7.5))
        );
        assert_eq!(percent(&num(0.25), false).map(|p| p.bare_numeric), Ok(true));
        assert_eq!(percent(&num(0.25), true).map(|p| p.bare_numeric), Ok(false));
        assert!(p(&text("一半")).is_err());
        assert!(
            p(&Value::Number {
                value: 1e27,
                percent: true
            })
            .is_err()
        );
        assert_eq!(
            Value::Number {
                value: 1e27,
                percent: true
            }
            .display(),
            "1000000000000000000000000000"
        );
    }

    #[test]
    fn pasted_percentages() {
        let formatted = |f: f64| Value::Number {
            value: f,
            percent: true,
        };
        assert_eq!(pasted_percent(&formatted(25.0)), Some(dec!(25)));
        assert_eq!(pasted_percent(&formatted(100.0)), Some(dec!(100)));
        assert_eq!(pasted_percent(&formatted(1.5)), Some(dec!(1.5)));
        assert_eq!(pasted_percent(&formatted(1.0)), None);
        assert_eq!(pasted_percent(&formatted(0.25)), None);
        assert_eq!(pasted_percent(&formatted(250.0)), None);
        assert_eq!(pasted_percent(&num(25.0)), None);
        assert_eq!(pasted_percent(&text("25")), None);
    }

    #[test]
    fn years() {
        assert_eq!(year(&num(2021.0)), Some(2021));
        assert_eq!(year(&text("2021")), Some(2021));
        assert_eq!(year(&text("２０２１")), Some(2021));
        assert_eq!(year(&text("2021年")), Some(2021));
        assert_eq!(year(&text("2021年度")), Some(2021));
        assert_eq!(year(&text("2021.0")), Some(2021));
        assert_eq!(year(&num(2021.5)), None);
        assert_eq!(year(&num(21.0)), None);
        assert_eq!(year(&text("21")), None);
        assert_eq!(year(&text("二〇二一")), None);
    }

    #[test]
    fn invisible_characters() {
        let (kept, removed) = strip_invisible("委托\u{200B}评估\0费\u{202E}x\u{2066}");
        assert_eq!(kept, "委托评估费x");
        assert_eq!(removed, ['\u{200B}', '\0', '\u{202E}', '\u{2066}']);
        assert_eq!(strip_invisible("a\tb\nc"), ("a\tb\nc".to_string(), vec![]));
        assert_eq!(describe_invisible('\u{202E}'), "U+202E（文字方向控制字符）");
        assert_eq!(
            long_text("第一段\u{2028}第二段\u{2029}第三段"),
            "第一段\n第二段\n第三段"
        );
        assert_eq!(short_text("产出\u{2028}指标"), "产出指标");
    }

    #[test]
    fn texts() {
        assert_eq!(short_text(" 产出\n\n指标 "), "产出指标");
        assert_eq!(short_text("ISO\n9001"), "ISO 9001");
        assert_eq!(
            long_text(" 第一段\r\n\r\n\r\n  第二段 \n"),
            "第一段\n第二段"
        );
    }

    #[test]
    fn displays() {
        assert_eq!(
            Value::Number {
                value: 0.95,
                percent: true
            }
            .display(),
            "95%"
        );
        assert_eq!(num(7.000_000_000_000_001).display(), "7");
        assert_eq!(Value::Date(44197.0).display(), "2021-01-01");
        assert_eq!(Value::Date(1.5).display(), "1900-01-01 12:00");
    }

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(is_percent_format("0%;[Red]-0%"));
        assert!(!is_percent_format("0.00"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("0\"%\""));
        assert!(!is_percent_format("0\\%"));
    }
}
