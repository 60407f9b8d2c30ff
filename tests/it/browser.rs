//! The page in a real browser: `tests/browser/test_serve.py` drives Debian's chromium through
//! chromedriver (python3-selenium) against `jixiao serve --no-open` on a temporary folder.
//! `.ci/run` installs those packages; without them the test fails and says which are missing.
//!
//! Selenium from Debian rather than a Rust WebDriver client: nothing more to compile (the Rust
//! clients bring a second HTTP stack), and the packages come with the browser.
//!
//! The screenshot of the page with a defective department's findings is written to
//! `$JIXIAO_SCREENSHOT` when set (the README's `docs/serve.png` is made that way), otherwise to
//! a temporary folder.

use std::path::Path;
use std::process::Command;

const PYTHON: &str = "/usr/bin/python3";

fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    for path in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        if !Path::new(path).exists() {
            missing.push(path.to_string());
        }
    }
    let selenium = Command::new(PYTHON)
        .args(["-c", "import selenium"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !selenium {
        missing.push("python3-selenium".into());
    }
    missing
}

#[test]
fn the_page_in_a_real_browser() {
    let missing = missing();
    assert!(
        missing.is_empty(),
        "the browser test needs chromium, chromium-driver and python3-selenium (`.ci/run` installs them): missing {missing:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let reference =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("input/唐山高新区行政服务中心2021.xlsx");
    let mut department = jixiao::reference::department();
    department.name = "测试缺陷部门".into();
    department.title = "测试缺陷部门2021年部门预算绩效文本".into();
    department.projects[0].budget += rust_decimal::Decimal::TEN;
    let defective = dir.path().join("缺陷部门.xlsx");
    std::fs::write(
        &defective,
        jixiao::xlsx::fill_in::form(Some(&department))
            .unwrap()
            .save_to_buffer()
            .unwrap(),
    )
    .unwrap();
    // The reference department with the same defect: a replacement that would build no PDF.
    let mut department = jixiao::reference::department();
    department.projects[0].budget += rust_decimal::Decimal::TEN;
    let defective_reference = dir.path().join("唐山高新区行政服务中心-有错.xlsx");
    std::fs::write(
        &defective_reference,
        jixiao::xlsx::fill_in::form(Some(&department))
            .unwrap()
            .save_to_buffer()
            .unwrap(),
    )
    .unwrap();
    let screenshot = std::env::var_os("JIXIAO_SCREENSHOT")
        .map(Into::into)
        .unwrap_or_else(|| dir.path().join("serve.png"));
    let out = Command::new(PYTHON)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/test_serve.py"))
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .arg(&reference)
        .arg(&defective)
        .arg(&defective_reference)
        .arg(&work)
        .arg(&screenshot)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}\n{stderr}");
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // The PDF the page built is in the folder's output/, as `jixiao build` would write it.
    assert!(
        work.join("output/唐山高新区行政服务中心2021年部门预算绩效文本.pdf")
            .is_file()
    );
    assert!(work.join("input/唐山高新区行政服务中心2021.xlsx").is_file());
}
