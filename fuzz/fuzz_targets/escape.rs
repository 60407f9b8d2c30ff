//! Any string → escape::markup_string → typst_syntax::parse: only text may come out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use typst_syntax::{SyntaxKind, SyntaxNode};

fn leaves(node: &SyntaxNode, out: &mut Vec<SyntaxKind>) {
    if node.children().len() == 0 {
        out.push(node.kind());
    }
    for child in node.children() {
        leaves(child, out);
    }
}

fuzz_target!(|text: &str| {
    let escaped = jixiao::render::escape::markup_string(text);
    let root = typst_syntax::parse(&escaped);
    assert!(
        root.errors_and_warnings().0.is_empty(),
        "parse error for {text:?} → {escaped:?}"
    );
    let mut kinds = Vec::new();
    leaves(&root, &mut kinds);
    for kind in kinds {
        assert!(
            matches!(
                kind,
                SyntaxKind::Text
                    | SyntaxKind::Escape
                    | SyntaxKind::Space
                    | SyntaxKind::Parbreak
                    | SyntaxKind::Markup
            ),
            "{kind:?} for {text:?} → {escaped:?}"
        );
    }
});
