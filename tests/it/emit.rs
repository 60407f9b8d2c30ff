//! `--emit typ`: the Typst source written beside each PDF compiles on its own, from a plain folder
//! holding only what `build` wrote beside it, into the very same PDF.

use std::path::Path;

use jixiao::compile::{CompileOptions, DocumentIdentity, FontOptions, Fonts, Typesetter};

use crate::common::{both_references, build};

#[test]
fn an_emitted_source_compiles_on_its_own_into_the_same_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let input = both_references(dir.path());
    let out = dir.path().join("out");
    let built = build(&input, &out, &["--emit", "typ"]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    let typesetter = |root: &Path| {
        Typesetter::new(
            Fonts::discover(&FontOptions::default()),
            CompileOptions {
                root: Some(root.to_path_buf()),
                ..CompileOptions::default()
            },
        )
        .unwrap()
    };
    let documents = [("唐山高新区行政服务中心", 2021), ("唐山市科学技术局", 2024)];
    for (name, year) in documents {
        let stem = format!("{name}{year}年部门预算绩效文本");
        // A plain folder with the source and the data it reads, nothing else.
        let plain = dir.path().join(format!("plain-{year}"));
        std::fs::create_dir(&plain).unwrap();
        for extension in ["typ", "json"] {
            let file = format!("{stem}.{extension}");
            std::fs::copy(out.join(&file), plain.join(&file))
                .unwrap_or_else(|e| panic!("{file} was not written beside the PDF: {e}"));
        }
        let source = std::fs::read_to_string(plain.join(format!("{stem}.typ"))).unwrap();
        let compiled = typesetter(&plain)
            .compile(source, &DocumentIdentity::department(name, year), &[])
            .unwrap_or_else(|e| panic!("{stem}.typ does not compile on its own: {e}"));
        let pdf = std::fs::read(out.join(format!("{stem}.pdf"))).unwrap();
        assert!(compiled.pdf == pdf, "{stem}: not the PDF build wrote");
    }
}
