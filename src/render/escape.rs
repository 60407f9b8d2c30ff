//! Escaping workbook text into Typst source, so that no text can act as markup or code.
//!
//! Markup: every ASCII punctuation character is written as a backslash escape (`\#`, `\*`,
//! `\/`, …), which Typst's lexer reads as that literal character whatever follows it. This one
//! rule disarms markup (`*strong*`, `= heading`, `- list`, `1.` at a line start), code (`#`),
//! math (`$`), comments (`//`, `/*`), shorthands (`--`, `...`, `~`), smart quotes, labels,
//! references and URLs (`:` is escaped, so `https://` is never recognised). A line break inside
//! a value starts a new paragraph; other control characters are dropped.
//!
//! Code: [`string_literal`] writes a Typst string literal for places that take a string
//! (document metadata), escaping `\`, `"` and line breaks.

/// True for the characters Typst treats as line breaks in source (`is_newline` in typst-syntax).
fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\x0B' | '\x0C' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Appends `text` to `out` as Typst markup that prints exactly `text`.
///
/// Lines become paragraphs (blank lines collapse); spaces and tabs stay spaces.
pub fn markup(text: &str, out: &mut String) {
    let mut first = true;
    for line in text.split(is_newline).filter(|l| !l.trim().is_empty()) {
        if !first {
            out.push_str("\n\n");
        }
        first = false;
        for c in line.chars() {
            match c {
                '\t' => out.push(' '),
                c if c.is_ascii_punctuation() => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
    }
}

/// `text` as Typst markup (see [`markup`]).
pub fn markup_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    markup(text, &mut out);
    out
}

/// `text` as a Typst string literal, quotes included; line breaks become spaces.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if is_newline(c) || c == '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use typst_syntax::{SyntaxKind, SyntaxNode};

    /// The kinds of the leaves of `source` parsed as markup.
    fn leaf_kinds(node: &SyntaxNode, kinds: &mut Vec<SyntaxKind>) {
        if node.children().len() == 0 {
            kinds.push(node.kind());
        }
        for child in node.children() {
            leaf_kinds(child, kinds);
        }
    }

    fn only_text(escaped: &str) -> Result<(), String> {
        let root = typst_syntax::parse(escaped);
        if !root.errors_and_warnings().0.is_empty() {
            return Err(format!("parse error in {escaped:?}"));
        }
        let mut kinds = Vec::new();
        leaf_kinds(&root, &mut kinds);
        for kind in kinds {
            match kind {
                SyntaxKind::Text
                | SyntaxKind::Escape
                | SyntaxKind::Space
                | SyntaxKind::Parbreak
                | SyntaxKind::Markup => {}
                other => return Err(format!("{other:?} in {escaped:?}")),
            }
        }
        Ok(())
    }

    #[test]
    fn hostile_text_stays_text() {
        for s in [
            "#import \"/etc/passwd\"",
            "#read(\"/etc/passwd\")",
            "= heading\n- list\n+ enum\n/ term: x\n1. first",
            "*bold* _emph_ `raw` $x^2$ <label> @ref",
            "a // comment\nb /* unclosed",
            "https://example.com/a?b=c",
            "~ -- --- ... -? 'single' \"double\"",
            "[unbalanced ] ] [[",
            "trailing backslash \\",
            "\\u{41} \\#",
        ] {
            only_text(&markup_string(s)).unwrap();
        }
    }

    #[test]
    fn line_breaks_become_paragraphs() {
        assert_eq!(markup_string("a\r\nb\n\n\nc"), "a\n\nb\n\nc");
        assert_eq!(markup_string("50%"), "50\\%");
        assert_eq!(markup_string("≥95%"), "≥95\\%");
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_literal("a\"b\\c\nd"), "\"a\\\"b\\\\c d\"");
    }

    proptest! {
        #[test]
        fn any_string_escapes_to_text_only(s in "\\PC*") {
            prop_assert!(only_text(&markup_string(&s)).is_ok(), "{:?}", only_text(&markup_string(&s)));
        }

        #[test]
        fn any_ascii_escapes_to_text_only(s in "[ -~\n\t\r]*") {
            prop_assert!(only_text(&markup_string(&s)).is_ok(), "{:?}", only_text(&markup_string(&s)));
        }
    }
}
