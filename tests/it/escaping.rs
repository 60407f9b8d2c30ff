//! Hostile workbook text prints exactly as written: no text can act as Typst markup or code.

use crate::common;

use common::pdf_text;
use jixiao::compile::{CompileOptions, DocumentIdentity, FontOptions, Fonts, Typesetter};
use jixiao::reference;
use jixiao::render::Renderer;

/// Strings that would be markup, code, comments, shorthands or links if spliced into Typst.
const HOSTILE: &[&str] = &[
    "#import \"/etc/passwd\": *",
    "#read(\"/etc/passwd\")",
    "#{ panic(\"boom\") }",
    "$x^2$ and $ unbalanced",
    "*strong* _emph_ `raw` ```lang block```",
    "[unbalanced ] ] [[",
    "<label> @reference",
    "back\\slash and trailing backslash \\",
    "// not a comment",
    "/* unclosed block comment",
    "~tilde -- en --- em ... dots -? soft",
    "\"straight double\" and 'straight single'",
    "https://example.com/path?q=1&r=2",
    "= not a heading",
    "- not a list",
    "+ not an enum",
    "/ not: a term",
    "1. not numbered",
    "\\u{41} is not A",
    "a:b; c,d! e? f% g& h^ i| j{ k} l( m)",
];

#[test]
fn hostile_text_prints_exactly_as_written() {
    let mut department = reference::department();
    department.overall_goals = HOSTILE.iter().map(|s| s.to_string()).collect();
    department.projects[0].goals = vec!["#set page(width: 1cm)".into(), "])#panic()".into()];
    department.projects[0].indicators[0].description = "#strong[x] <y> @z".into();

    let source = Renderer::new(None).render(&department).expect("render");
    let fonts = Fonts::discover(&FontOptions::default());
    let typesetter = Typesetter::new(fonts, CompileOptions::default()).expect("typesetter");
    let identity = DocumentIdentity {
        ident: "hostile".into(),
        year: department.year,
    };
    let compiled = typesetter
        .compile(source, &identity, &[])
        .expect("hostile text must compile");

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("hostile.pdf");
    std::fs::write(&pdf, &compiled.pdf).unwrap();
    let text = pdf_text(&pdf);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for s in HOSTILE {
        // Each string is one short paragraph: it must come out as one line, exactly.
        assert!(
            lines.contains(s),
            "“{s}” is not printed exactly; text was:\n{text}"
        );
    }
    for s in ["#set page(width: 1cm)", "])#panic()", "#strong[x] <y> @z"] {
        assert!(text.contains(s), "“{s}” is not printed exactly");
    }
}
