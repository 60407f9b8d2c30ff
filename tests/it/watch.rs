//! Watch mode with the real binary: a workbook saved the way Excel saves (a lock file, a
//! temporary file renamed over the workbook) is rebuilt and its change line printed; a file
//! read half written is tried again rather than reported; a bad save is reported and watching
//! goes on; Ctrl-C ends it cleanly. Every wait is bounded.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jixiao::model::{Department, IndicatorValue};
use rust_decimal::Decimal;

/// The standard error of a running `jixiao watch`, collected as it comes.
struct Watching {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Watching {
    fn start(input: &Path, output: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args([
                "watch",
                input.to_str().unwrap(),
                "-o",
                output.to_str().unwrap(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        Watching { child, stderr }
    }

    fn text(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) until standard error contains `needle` `times` times.
    fn wait_for(&self, needle: &str, times: usize, limit: Duration) {
        let start = Instant::now();
        while self.text().matches(needle).count() < times {
            assert!(
                start.elapsed() < limit,
                "no “{needle}” (×{times}) within {limit:?}:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Saves `department` over `path` as Excel does: a `~$` lock file, the new workbook written to
/// a temporary file, the old one renamed away, the temporary renamed into place, the old one
/// and the lock deleted.
fn save_like_excel(department: &Department, path: &Path) {
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let lock = dir.join(format!("~${name}"));
    std::fs::write(&lock, b"owner").unwrap();
    let temp = dir.join("8A3F2C10");
    jixiao::xlsx::department::write_department(department, &temp).unwrap();
    let old = dir.join("8A3F2C10.tmp");
    std::fs::rename(path, &old).unwrap();
    std::fs::rename(&temp, path).unwrap();
    std::fs::remove_file(&old).unwrap();
    std::fs::remove_file(&lock).unwrap();
}

fn bytes_of(department: &Department) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.xlsx");
    jixiao::xlsx::department::write_department(department, &path).unwrap();
    std::fs::read(path).unwrap()
}

const PDF: &str = "唐山高新区行政服务中心2021年部门预算绩效文本.pdf";

#[test]
fn saves_are_rebuilt_with_their_changes_until_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    let output = dir.path().join("output");
    std::fs::create_dir(&input).unwrap();
    let workbook = input.join("中心.xlsx");
    let mut department = jixiao::reference::department();
    jixiao::xlsx::department::write_department(&department, &workbook).unwrap();

    let watching = Watching::start(&input, &output);
    // The first build (fonts, Typst) on a busy machine.
    watching.wait_for("正在监视", 1, Duration::from_secs(180));
    let pdf = output.join(PDF);
    let first = std::fs::read(&pdf).unwrap();

    // Saved as Excel saves: rebuilt, with its change line.
    department.projects[0].indicators[1].value = IndicatorValue::parse(">=97%");
    save_like_excel(&department, &workbook);
    let line = "项目指标!F3（委托评估费 › 项目评估完成率 › 指标值）：≥95% → ≥97%";
    watching.wait_for(line, 1, Duration::from_secs(60));
    let second = std::fs::read(&pdf).unwrap();
    assert_ne!(first, second, "the PDF was rebuilt");
    assert_eq!(
        watching.text().matches("已生成").count(),
        2,
        "{}",
        watching.text()
    );

    // Written in place, slowly: a third of the file first, the rest a second later. Whenever
    // the half is read, it is tried again, never reported.
    department.projects[1].budget = Decimal::new(605, 1);
    department.projects[1].fiscal_funds = Decimal::new(605, 1);
    let bytes = bytes_of(&department);
    std::fs::write(&workbook, &bytes[..bytes.len() / 3]).unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    std::fs::write(&workbook, &bytes).unwrap();
    watching.wait_for("54.5万元 → 60.5万元", 1, Duration::from_secs(60));
    assert!(
        !watching.text().contains("[unreadable]"),
        "{}",
        watching.text()
    );

    // A bad save: its finding, the last good PDF kept, and watching goes on.
    let good = std::fs::read(&pdf).unwrap();
    let mut broken = department.clone();
    broken.projects[0].budget += Decimal::ONE;
    save_like_excel(&broken, &workbook);
    watching.wait_for("[budget-sum]", 1, Duration::from_secs(60));
    assert_eq!(std::fs::read(&pdf).unwrap(), good);
    department.overall_goals.push("新增一段。".into());
    save_like_excel(&department, &workbook);
    watching.wait_for("新增第3段“新增一段。”", 1, Duration::from_secs(60));

    // Ctrl-C: a clean end, no temporary file left.
    let mut watching = watching;
    let status = Command::new("kill")
        .args(["-INT", &watching.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = watching.child.try_wait().unwrap() {
            break exit;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "still running");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    watching.wait_for("已停止监视", 1, Duration::from_secs(5));
    let leftovers: Vec<_> = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A self-evaluation saved while watched is rebuilt with the change of what happened: its
/// 实际完成值, at its cell.
#[test]
fn a_self_evaluation_is_rebuilt_with_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    let output = dir.path().join("output");
    std::fs::create_dir(&input).unwrap();
    let workbook = input.join("自评.xlsx");
    let department = jixiao::reference::self_evaluation_department();
    let mut evaluation = jixiao::reference::evaluation::evaluation();
    let write = |e: &jixiao::evaluation::Evaluation| {
        let temp = input.join("8A3F2C10");
        jixiao::xlsx::department::write_evaluation(&department, e, &temp).unwrap();
        std::fs::rename(&temp, &workbook).unwrap();
    };
    write(&evaluation);
    let watching = Watching::start(&input, &output);
    watching.wait_for("正在监视", 1, Duration::from_secs(180));
    assert!(
        output
            .join("唐山高新区行政服务中心2021年度预算绩效自评报告.pdf")
            .is_file()
    );

    evaluation.projects[0].indicators[0].actual = IndicatorValue::parse("25次");
    write(&evaluation);
    watching.wait_for(
        "项目指标!M2（委托评估费 › 全年项目评估数量 › 实际完成值）：23次 → 25次",
        1,
        Duration::from_secs(60),
    );
}
