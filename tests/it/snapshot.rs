//! The generated Typst source for the reference department, pinned so that template changes
//! are visible in review (`INSTA_UPDATE=always cargo test --test it snapshot::` to accept).

use jixiao::reference;
use jixiao::render::Renderer;

#[test]
fn reference_typst_source() {
    let source = Renderer::new(None)
        .render(&reference::department())
        .expect("render");
    insta::assert_snapshot!("reference.typ", source);
}
