//! Batch production with the real binary: discovery, isolation, determinism, nothing lost,
//! incremental rebuilds, duplicate departments, the output-folder guard, interrupts, and
//! several builds writing into one output folder at once.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::jixiao;
use jixiao::model::Department;
use jixiao::output::lock::StateDir;
use jixiao::output::manifest::{self, Manifest};

/// What a build keeps in the output folder besides the documents: the data last built (for
/// what changed), the manifest and the two lock files, in the order [`listing`] gives.
const STATE_FILES: [&str; 4] = [
    ".jixiao-data",
    ".jixiao-manifest.json",
    ".jixiao-writers.lock",
    ".jixiao.lock",
];

/// The state files followed by `documents`, as [`listing`] lists them.
fn with_state(documents: &[String]) -> Vec<String> {
    let mut all: Vec<String> = STATE_FILES.iter().map(|s| s.to_string()).collect();
    all.extend(documents.iter().cloned());
    all
}

/// The reference department renamed to `name` (title follows the name).
fn department(name: &str) -> Department {
    let mut d = jixiao::reference::department();
    d.name = name.to_string();
    d.title = Department::default_title(name, d.year);
    d
}

fn write(d: &Department, path: &Path) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    jixiao::xlsx::department::write_department(d, path).unwrap();
}

/// The same department with a 预算数 that no longer adds up: it reads, but fails the checks.
fn broken(name: &str) -> Department {
    let mut d = department(name);
    d.projects[0].budget += rust_decimal::Decimal::ONE;
    d
}

fn build(args: &[&Path], extra: &[&str]) -> Output {
    let mut all: Vec<&str> = vec!["build"];
    all.extend(args.iter().map(|p| p.to_str().unwrap()));
    all.extend(extra);
    jixiao(&all)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file name in `dir` (not recursive), sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn pdf_name(name: &str) -> String {
    format!("{name}2021年部门预算绩效文本.pdf")
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn discovery_walks_folders_and_skips_lock_and_hidden_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    write(&department("乙局"), &input.join("sub/deeper/乙局.XLSX"));
    // Not workbooks: they would fail if they were read.
    std::fs::write(input.join("~$甲局.xlsx"), b"lock").unwrap();
    std::fs::write(input.join(".hidden.xlsx"), b"junk").unwrap();
    std::fs::write(input.join("notes.txt"), b"notes").unwrap();
    let out = dir.path().join("out");

    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert!(result.status.success(), "{text}");
    // Output mirrors nothing: both PDFs side by side, named by 文档标题.
    assert_eq!(
        listing(&out),
        with_state(&[pdf_name("乙局"), pdf_name("甲局")])
    );
    assert!(
        text.contains("共 2 个工作簿：生成 2 个，未变 0 个，失败 0 个"),
        "{text}"
    );
}

#[test]
fn a_bad_workbook_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("good.xlsx"));
    std::fs::write(input.join("bad.xlsx"), b"not a workbook").unwrap();
    write(&broken("乙局"), &input.join("wrong.xlsx"));
    std::fs::write(input.join("~$good.xlsx"), b"lock").unwrap();
    let out = dir.path().join("out");

    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(out.join(pdf_name("甲局")).is_file(), "{text}");
    assert!(!out.join(pdf_name("乙局")).exists());
    // The summary names each failed file with its first finding.
    let summary = &text[text
        .find("共 3 个工作簿")
        .unwrap_or_else(|| panic!("{text}"))..];
    assert!(
        summary.contains("生成 1 个，未变 0 个，失败 2 个"),
        "{summary}"
    );
    assert!(summary.contains("bad.xlsx"), "{summary}");
    assert!(summary.contains("wrong.xlsx"), "{summary}");
    assert!(summary.contains("[budget-sum]"), "{summary}");
    assert!(!text.contains("~$"), "{text}");
}

#[test]
fn separate_runs_give_byte_identical_pdfs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let result = build(&[&input], &["-o", out.to_str().unwrap(), "--emit", "typ"]);
        assert!(result.status.success(), "{}", stderr(&result));
    }
    for name in [pdf_name("甲局"), pdf_name("甲局").replace(".pdf", ".typ")] {
        let (x, y) = (
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
        );
        assert!(x == y, "{name} differs between runs");
    }
}

#[test]
fn a_failing_rebuild_keeps_the_last_good_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let workbook = input.join("甲局.xlsx");
    write(&department("甲局"), &workbook);
    let out = dir.path().join("out");
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    let pdf = out.join(pdf_name("甲局"));
    let good = std::fs::read(&pdf).unwrap();
    let manifest = std::fs::read(out.join(".jixiao-manifest.json")).unwrap();

    // The same department, overwritten with a version that fails its checks.
    write(&broken("甲局"), &workbook);
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert_eq!(std::fs::read(&pdf).unwrap(), good);
    assert_eq!(listing(&out), with_state(&[pdf_name("甲局")]));
    assert_eq!(
        std::fs::read(out.join(".jixiao-manifest.json")).unwrap(),
        manifest
    );

    // Put right again: the manifest still describes the old PDF, so nothing needs building.
    write(&department("甲局"), &workbook);
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert!(result.status.success(), "{text}");
    assert!(text.contains("生成 0 个，未变 1 个"), "{text}");
}

#[test]
fn unchanged_documents_are_skipped_and_force_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    write(&department("乙局"), &input.join("乙局.xlsx"));
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let result = build(&[&input], &["-o", o]);
    assert!(result.status.success(), "{}", stderr(&result));
    let (a, b) = (out.join(pdf_name("甲局")), out.join(pdf_name("乙局")));
    let (a_time, a_bytes) = (mtime(&a), std::fs::read(&a).unwrap());

    let result = build(&[&input], &["-o", o]);
    let text = stderr(&result);
    assert!(result.status.success(), "{text}");
    assert!(text.contains("生成 0 个，未变 2 个，失败 0 个"), "{text}");
    assert_eq!(mtime(&a), a_time);
    assert_eq!(std::fs::read(&a).unwrap(), a_bytes);

    // One correction: only that department is built.
    let mut changed = department("乙局");
    changed.overall_goals.push("新增一段总体目标。".to_string());
    write(&changed, &input.join("乙局.xlsx"));
    let result = build(&[&input], &["-o", o]);
    let text = stderr(&result);
    assert!(text.contains("生成 1 个，未变 1 个"), "{text}");
    assert!(text.contains(&format!("已生成 {}", b.display())), "{text}");
    assert_eq!(mtime(&a), a_time);

    // A PDF that was removed or altered is built again.
    std::fs::remove_file(&b).unwrap();
    std::fs::write(&a, b"tampered").unwrap();
    let result = build(&[&input], &["-o", o]);
    let text = stderr(&result);
    assert!(text.contains("生成 2 个，未变 0 个"), "{text}");
    assert_eq!(std::fs::read(&a).unwrap(), a_bytes);

    // Other settings (here --emit typ) or --force rebuild everything.
    let result = build(&[&input], &["-o", o, "--emit", "typ"]);
    assert!(stderr(&result).contains("生成 2 个，未变 0 个"));
    let result = build(&[&input], &["-o", o, "--emit", "typ"]);
    assert!(stderr(&result).contains("生成 0 个，未变 2 个"));
    let result = build(&[&input], &["-o", o, "--emit", "typ", "--force", "--quiet"]);
    let text = stderr(&result);
    assert!(result.status.success(), "{text}");
    assert!(text.contains("生成 2 个，未变 0 个"), "{text}");
    assert!(
        !text.contains("已生成"),
        "--quiet prints only the summary: {text}"
    );
}

#[test]
fn two_workbooks_of_one_department_fail_both() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    let mut copy = department("甲局");
    copy.title = "另一个标题".to_string();
    write(&copy, &input.join("甲局（副本）.xlsx"));
    write(&department("乙局"), &input.join("乙局.xlsx"));
    let out = dir.path().join("out");

    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(
        text.matches("[duplicate-department]").count() >= 2,
        "{text}"
    );
    assert!(text.contains("生成 1 个，未变 0 个，失败 2 个"), "{text}");
    assert_eq!(listing(&out), with_state(&[pdf_name("乙局")]));

    // Also when one of them was built before and is unchanged.
    std::fs::remove_file(input.join("甲局（副本）.xlsx")).unwrap();
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    write(&copy, &input.join("甲局（副本）.xlsx"));
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(text.contains("生成 0 个，未变 1 个，失败 2 个"), "{text}");
}

#[test]
fn output_folder_inside_the_input_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    for out in [input.clone(), input.join("pdf")] {
        let result = build(&[&input], &["-o", out.to_str().unwrap()]);
        assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    }
    assert_eq!(listing(&input), ["甲局.xlsx"]);
}

#[test]
fn stale_temporaries_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".jixiao-dead.tmp"), b"half a pdf").unwrap();
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_eq!(listing(&out), with_state(&[pdf_name("甲局")]));
}

/// Ctrl-C in the middle of a batch: exit 130, the PDFs written so far intact, no temporary file.
#[test]
fn an_interrupt_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let names: Vec<String> = (1..=10).map(|i| format!("第{i}局")).collect();
    for name in &names {
        write(&department(name), &input.join(format!("{name}.xlsx")));
    }
    let out = dir.path().join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["build", "-j", "1", "-o"])
        .arg(&out)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once some PDF is there (or give up waiting: the checks below still hold).
    let some_pdf = || {
        std::fs::read_dir(&out)
            .map(|d| {
                d.flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "pdf"))
            })
            .unwrap_or(false)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !some_pdf() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let result = child.wait_with_output().unwrap();
    let text = stderr(&result);
    eprintln!(
        "interrupted run: {:?}, left {:?}",
        result.status,
        listing(&out)
    );
    match result.status.code() {
        Some(130) => assert!(text.contains("已中断"), "{text}"),
        // The batch may have finished before the signal arrived.
        Some(0) => {}
        other => panic!("exit {other:?}: {text}"),
    }
    let left = listing(&out);
    assert!(
        left.iter().all(|n| !n.ends_with(".tmp")),
        "temporary files left: {left:?}"
    );
    let pdfs: Vec<&String> = left.iter().filter(|n| n.ends_with(".pdf")).collect();
    for name in &pdfs {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert!(bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"));
    }
    // What was built before the interrupt is in the manifest: the next run only finishes.
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert!(result.status.success(), "{text}");
    let expected = format!(
        "生成 {} 个，未变 {} 个",
        names.len() - pdfs.len(),
        pdfs.len()
    );
    assert!(text.contains(&expected), "{expected}: {text}");
}

/// `n` departments (第1局 …), one workbook each in `input`; their paths.
fn departments(input: &Path, n: usize) -> Vec<PathBuf> {
    (1..=n)
        .map(|i| {
            let path = input.join(format!("第{i}局.xlsx"));
            write(&department(&format!("第{i}局")), &path);
            path
        })
        .collect()
}

/// Starts one `jixiao build` per set of workbooks, all at once and all into `out`, and waits
/// for every one; each must succeed.
fn concurrently(sets: &[Vec<PathBuf>], out: &Path) {
    let children: Vec<_> = sets
        .iter()
        .map(|files| {
            Command::new(env!("CARGO_BIN_EXE_jixiao"))
                .args(["build", "-j", "1", "-q", "-o"])
                .arg(out)
                .args(files)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let result = child.wait_with_output().unwrap();
        let text = stderr(&result);
        assert!(result.status.success(), "{text}");
        assert!(!text.contains("警告"), "{text}");
    }
}

/// The manifest in `out` is valid JSON with an entry for each of `files`' PDFs, each recording
/// the hash of the PDF that is on disk; no temporary file is left; and a build of `files` finds
/// every department unchanged.
fn assert_all_recorded(files: &[PathBuf], out: &Path) {
    let json = std::fs::read(out.join(manifest::FILE_NAME)).unwrap();
    let recorded: Manifest = serde_json::from_slice(&json).expect("the manifest is valid JSON");
    let pdfs: Vec<String> = listing(out)
        .into_iter()
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    assert_eq!(pdfs.len(), files.len(), "{pdfs:?}");
    assert_eq!(
        recorded.documents.keys().cloned().collect::<Vec<_>>(),
        pdfs,
        "an entry for every PDF"
    );
    for (name, entry) in &recorded.documents {
        let on_disk = manifest::file_hash(&out.join(name)).unwrap();
        assert_eq!(
            entry.pdf, on_disk,
            "{name}: the entry describes the PDF on disk"
        );
    }
    assert!(listing(out).iter().all(|n| !n.ends_with(".tmp")));

    let mut args: Vec<&str> = vec!["build", "-o", out.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let result = jixiao(&args);
    let text = stderr(&result);
    assert!(result.status.success(), "{text}");
    let n = files.len();
    assert!(
        text.contains(&format!(
            "共 {n} 个工作簿：生成 0 个，未变 {n} 个，失败 0 个"
        )),
        "{text}"
    );
}

#[test]
fn two_concurrent_builds_of_disjoint_sets_lose_no_entries() {
    let dir = tempfile::tempdir().unwrap();
    let files = departments(&dir.path().join("in"), 8);
    let out = dir.path().join("out");
    concurrently(&[files[..4].to_vec(), files[4..].to_vec()], &out);
    assert_all_recorded(&files, &out);
}

#[test]
fn four_concurrent_builds_of_overlapping_sets_lose_no_entries() {
    let dir = tempfile::tempdir().unwrap();
    let files = departments(&dir.path().join("in"), 8);
    let out = dir.path().join("out");
    // Every department is built by two of the four, each with one of its neighbours.
    let sets: Vec<Vec<PathBuf>> = (0..4)
        .map(|k| (0..4).map(|i| files[(2 * k + i) % 8].clone()).collect())
        .collect();
    concurrently(&sets, &out);
    assert_all_recorded(&files, &out);
}

/// Two versions of one department built at once: one PDF is left whole (the last rename wins),
/// and the manifest describes that one, so a build of its workbook finds it unchanged.
#[test]
fn the_pdf_written_last_is_the_one_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let mut files_a = departments(&a, 2);
    let mut corrected = department("甲局");
    write(&department("甲局"), &a.join("甲局.xlsx"));
    corrected
        .overall_goals
        .push("更正后新增的一段。".to_string());
    write(&corrected, &b.join("甲局.xlsx"));
    files_a.push(a.join("甲局.xlsx"));
    let out = dir.path().join("out");
    concurrently(&[files_a.clone(), vec![b.join("甲局.xlsx")]], &out);

    let recorded = Manifest::load(&out);
    let pdf = out.join(pdf_name("甲局"));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"));
    let entry = &recorded.documents[&pdf_name("甲局")];
    assert_eq!(entry.pdf, manifest::bytes_hash(&bytes));
    let winner = entry.workbook.parent().unwrap();
    eprintln!("the PDF on disk is built from {}", winner.display());
    let text = common::pdf_text(&pdf);
    assert_eq!(
        common::compact(&text).contains("更正后新增的一段。"),
        winner == b,
        "the manifest names the workbook the PDF on disk was built from"
    );
    // Whichever won, the workbooks it was built from are unchanged.
    let files = if winner == a {
        files_a
    } else {
        let mut files = files_a[..2].to_vec();
        files.push(b.join("甲局.xlsx"));
        files
    };
    assert_all_recorded(&files, &out);
}

/// The variable that makes [`hold_the_state_lock`] hold a folder's lock, and the file it
/// creates once it does.
const HOLD_LOCK: &str = "JIXIAO_TEST_HOLD_LOCK";
const HOLDING: &str = "JIXIAO_TEST_HOLDING";

/// Not a test by itself: the process that [`a_writer_killed_holding_the_lock_blocks_nobody`]
/// starts (this test binary again) and kills while it holds the lock.
#[test]
#[ignore = "a helper process of a_writer_killed_holding_the_lock_blocks_nobody"]
fn hold_the_state_lock() {
    let (Some(dir), Some(holding)) = (std::env::var_os(HOLD_LOCK), std::env::var_os(HOLDING))
    else {
        return;
    };
    let _lock = StateDir::new(PathBuf::from(dir)).lock().unwrap();
    std::fs::write(holding, b"").unwrap();
    std::thread::sleep(Duration::from_secs(600));
}

#[test]
fn a_writer_killed_holding_the_lock_blocks_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let files = departments(&dir.path().join("in"), 4);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let holding = dir.path().join("holding");
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "batch::hold_the_state_lock",
            "--ignored",
            "--test-threads=1",
        ])
        .env(HOLD_LOCK, &out)
        .env(HOLDING, &holding)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !holding.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let busy = StateDir::new(&out).with_timeout(Duration::from_millis(50));
    assert!(busy.lock().is_err(), "the helper holds the lock");

    holder.kill().unwrap();
    assert!(!holder.wait().unwrap().success());
    concurrently(&[files[..2].to_vec(), files[2..].to_vec()], &out);
    assert_all_recorded(&files, &out);
}

/// A build that cannot get the lock in time says so, exits as its documents deserve, and
/// leaves the manifest as it was; its PDFs are whole, and the next run builds them again.
#[test]
fn a_writer_that_cannot_get_the_lock_leaves_the_state_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    let out = dir.path().join("out");
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    let before = std::fs::read(out.join(manifest::FILE_NAME)).unwrap();

    write(&department("乙局"), &input.join("乙局.xlsx"));
    let held = StateDir::new(&out).lock().unwrap();
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert!(result.status.success(), "{text}");
    assert!(text.contains("生成 1 个，未变 1 个"), "{text}");
    assert!(
        text.contains("另一个 jixiao 正在写入输出文件夹") && text.contains("等待 10 秒"),
        "{text}"
    );
    assert!(text.contains("下次运行会重新生成"), "{text}");
    assert_eq!(
        std::fs::read(out.join(manifest::FILE_NAME)).unwrap(),
        before
    );
    let bytes = std::fs::read(out.join(pdf_name("乙局"))).unwrap();
    assert!(bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"));

    drop(held);
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    let text = stderr(&result);
    assert!(text.contains("生成 1 个，未变 1 个"), "{text}");
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert!(stderr(&result).contains("生成 0 个，未变 2 个"));
}

/// The temporary files of a writer that is still running are not taken for a killed run's.
#[test]
fn a_live_writers_temporaries_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&department("甲局"), &input.join("甲局.xlsx"));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let writer = StateDir::new(&out).join().unwrap();
    let temporary = out.join(format!(".jixiao-{}-live.tmp", std::process::id()));
    std::fs::write(&temporary, b"a PDF being written").unwrap();

    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(temporary.exists());

    drop(writer);
    let result = build(&[&input], &["-o", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(!temporary.exists());
}

/// A run told to stop (the page's 退出 during 全部生成) starts no more documents: each says it
/// was not built because the run was interrupted, and no PDF is written.
#[test]
fn a_stopped_run_starts_nothing_more() {
    use jixiao::build::{Config, Engine, Status};
    use jixiao::contract::RuleId;

    let dir = tempfile::tempdir().unwrap();
    let files = departments(&dir.path().join("in"), 3);
    let out = dir.path().join("out");
    let engine = Engine::new(Config {
        output: out.clone(),
        ..Config::default()
    })
    .unwrap();
    engine.cancel().stop();
    let batch = engine.build_all(&files, &());
    assert_eq!(batch.reports.len(), 3);
    for report in &batch.reports {
        assert_eq!(report.status, Status::Failed, "{report:?}");
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.rule == RuleId::Interrupted),
            "{report:?}"
        );
    }
    let pdfs = std::fs::read_dir(&out)
        .map(|entries| {
            entries
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pdf"))
                })
                .count()
        })
        .unwrap_or(0);
    assert_eq!(pdfs, 0);
}

/// Cancellation belongs to whoever runs the builds: two engines in one process (the page runs
/// the library for hours beside other work) have handles of their own, so stopping one leaves
/// the other building, and an interrupt of one records and cleans only its own folder.
#[test]
fn two_engines_in_one_process_are_independent() {
    use jixiao::build::{Cancel, Config, Engine, Status};

    let dir = tempfile::tempdir().unwrap();
    let files = departments(&dir.path().join("in"), 2);
    let engine = |out: &str, cancel: &Cancel| {
        Engine::new(Config {
            output: dir.path().join(out),
            cancel: cancel.clone(),
            ..Config::default()
        })
        .unwrap()
    };
    let (stopped, running) = (Cancel::new(), Cancel::new());
    let first = engine("first", &stopped);
    let second = engine("second", &running);
    stopped.stop();
    assert!(stopped.is_stopped() && !running.is_stopped());

    let batch = first.build_all(&files, &());
    assert!(batch.reports.iter().all(|r| r.status == Status::Failed));
    let batch = second.build_all(&files, &());
    assert!(
        batch.reports.iter().all(|r| r.status == Status::Built),
        "{:?}",
        batch.reports
    );

    // An interrupt of the first removes this process's temporaries from its own folder only, and
    // records nothing into the second's.
    let temporary = format!(".jixiao-{}-x.tmp", std::process::id());
    let (mine, theirs) = (
        dir.path().join("first").join(&temporary),
        dir.path().join("second").join(&temporary),
    );
    for file in [&mine, &theirs] {
        std::fs::write(file, b"half a pdf").unwrap();
    }
    let manifest = std::fs::read(dir.path().join("second/.jixiao-manifest.json")).unwrap();
    stopped.interrupt();
    assert!(stopped.is_interrupted() && !running.is_interrupted());
    assert!(!mine.exists());
    assert!(theirs.exists());
    std::fs::remove_file(&theirs).unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("second/.jixiao-manifest.json")).unwrap(),
        manifest
    );
    let batch = second.build_all(&files, &());
    assert!(batch.reports.iter().all(|r| r.status == Status::Unchanged));
}
