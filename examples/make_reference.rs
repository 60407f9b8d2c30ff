//! Writes the reference workbook, `input/唐山高新区行政服务中心2021.xlsx`, from
//! [`jixiao::reference::department`]; with `--full [DIR]`, writes the second reference
//! department instead ([`jixiao::reference::full::department`], every optional part of
//! contract v2) into DIR (default: the current folder). The second one stays out of `input/`, so
//! that the quick start builds the reference text alone; the tests generate it themselves.
//!
//! ```text
//! cargo run --example make_reference
//! cargo run --example make_reference -- --full /tmp
//! ```

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (department, dir) = match args.first().map(String::as_str) {
        Some("--full") => (
            jixiao::reference::full::department(),
            PathBuf::from(args.get(1).map_or(".", String::as_str)),
        ),
        _ => (
            jixiao::reference::department(),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("input"),
        ),
    };
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}{}.xlsx", department.name, department.year));
    jixiao::xlsx::department::write_department(&department, &path)?;
    println!("{}", path.display());
    Ok(())
}
