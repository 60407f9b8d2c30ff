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

/// Runs `tests/browser/{name}` with the binary and `args`; it must pass.
fn script(name: &str, args: &[&std::ffi::OsStr]) {
    let missing = missing();
    assert!(
        missing.is_empty(),
        "the browser tests need chromium, chromium-driver and python3-selenium (`.ci/run` installs them): missing {missing:?}"
    );
    let out = Command::new(PYTHON)
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser")
                .join(name),
        )
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name} failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}\n{stderr}");
}

#[test]
fn the_page_in_a_real_browser() {
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
    jixiao::xlsx::department::write_department(&department, &defective).unwrap();
    // The reference department with the same defect: a replacement that would build no PDF.
    let mut department = jixiao::reference::department();
    department.projects[0].budget += rust_decimal::Decimal::TEN;
    let defective_reference = dir.path().join("唐山高新区行政服务中心-有错.xlsx");
    jixiao::xlsx::department::write_department(&department, &defective_reference).unwrap();
    // A correction of the reference: one more paragraph of 总体绩效目标.
    let mut department = jixiao::reference::department();
    department.overall_goals.push("新增的一段总体目标。".into());
    let corrected = dir.path().join("唐山高新区行政服务中心-更正.xlsx");
    jixiao::xlsx::department::write_department(&department, &corrected).unwrap();
    let screenshot = std::env::var_os("JIXIAO_SCREENSHOT")
        .map(Into::into)
        .unwrap_or_else(|| dir.path().join("serve.png"));
    script(
        "test_serve.py",
        &[
            reference.as_os_str(),
            defective.as_os_str(),
            defective_reference.as_os_str(),
            corrected.as_os_str(),
            work.as_os_str(),
            screenshot.as_os_str(),
        ],
    );
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // The PDF the page built is in the folder's output/, as `jixiao build` would write it.
    assert!(
        work.join("output/唐山高新区行政服务中心2021年部门预算绩效文本.pdf")
            .is_file()
    );
    assert!(work.join("input/唐山高新区行政服务中心2021.xlsx").is_file());
}

/// The layout at 1366 and 800 px with 1 and with 200 departments (`tests/browser/test_layout.py`):
/// nothing wider than the window, hidden elements take no space, every 查看 clickable, the
/// details in view; a workbook of 20,000 junk rows lists its first findings and 另有 N 处.
/// Screenshots go to `$JIXIAO_SCREENSHOTS` when set.
#[test]
fn the_layout_holds_at_both_widths_with_1_and_201_departments() {
    let dir = tempfile::tempdir().unwrap();
    let folder = |name: &str, names: &[String]| {
        let work = dir.path().join(name);
        std::fs::create_dir_all(work.join("input")).unwrap();
        for (i, department) in names.iter().enumerate() {
            let mut d = jixiao::reference::department();
            d.name = department.clone();
            d.title = format!("{department}2021年部门预算绩效文本");
            jixiao::xlsx::department::write_department(
                &d,
                &work.join(format!("input/{i:03}.xlsx")),
            )
            .unwrap();
        }
        work
    };
    // Long names with and without break points, Chinese and Latin, among plain ones.
    let mut names: Vec<String> = (0..197).map(|i| format!("测试部门{i}")).collect();
    names.push("TangshanHighTechZoneAdministrativeServiceCenterOfficeOfTheDirector".into());
    names.push("唐山高新技术产业开发区管理委员会行政审批局政务服务中心综合窗口科".repeat(2));
    names.push("某部门".into());
    let one = folder("one", &names[197..198]);
    let many = folder("many", &names);
    // And a workbook of junk rows: its findings list shows the first ones and 另有 N 处.
    let mut junk = jixiao::reference::department();
    junk.name = "垃圾行部门".into();
    junk.title = "垃圾行部门2021年部门预算绩效文本".into();
    let template = junk.projects[0].indicators[0].clone();
    for i in 0..20_000 {
        let mut row = template.clone();
        row.level1 = format!("垃圾{i}");
        row.level2 = String::new();
        row.level3 = String::new();
        row.value = jixiao::model::IndicatorValue::parse("");
        junk.projects[0].indicators.push(row);
    }
    jixiao::xlsx::department::write_department(&junk, &many.join("input/junk.xlsx")).unwrap();
    let shots = std::env::var_os("JIXIAO_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("shots"));
    std::fs::create_dir_all(&shots).unwrap();
    script(
        "test_layout.py",
        &[shots.as_os_str(), one.as_os_str(), many.as_os_str()],
    );
    for shot in ["1-1366.png", "1-800.png", "201-1366.png", "201-800.png"] {
        let png = std::fs::read(shots.join(shot)).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{shot}");
    }
}
