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

#[test]
fn reference_self_evaluation_typst_source() {
    let department = reference::self_evaluation_department();
    let evaluation = reference::evaluation::evaluation();
    let rendered = Renderer::new(None)
        .self_evaluation(&department, &evaluation, jixiao::render::Attach::Nothing)
        .expect("render");
    insta::assert_snapshot!("self_evaluation.typ", rendered.source);
}
