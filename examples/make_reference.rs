//! Writes the reference workbook, `input/唐山高新区行政服务中心2021.xlsx`, from
//! [`jixiao::reference::department`].
//!
//! ```text
//! cargo run --example make_reference
//! ```

use std::path::Path;

fn main() -> anyhow::Result<()> {
    let department = jixiao::reference::department();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}{}.xlsx", department.name, department.year));
    jixiao::workbook::write_department(&department, &path)?;
    println!("{}", path.display());
    Ok(())
}
