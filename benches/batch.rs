//! Batch benchmark: builds N synthetic departments in one process (fonts loaded once, documents
//! in parallel) and compares with a naive loop that sets up fonts and a typesetter per document,
//! as a script calling a typesetter once per document pays.
//!
//! ```sh
//! cargo bench --bench batch                 # N = 40, 200, 1000
//! cargo bench --bench batch -- 40 200       # chosen sizes
//! cargo bench --bench batch -- --write DIR 100   # only write 100 synthetic workbooks into DIR
//! JIXIAO_BENCH_STANDARDS=ua-1 cargo bench --bench batch -- 40   # with --pdf-standard ua-1
//! ```
//!
//! Each N runs in a child process, so that its peak RSS (`VmHWM`) is its own. Reported per N:
//! documents per second for the whole batch (read, check, render, compile, write), the median
//! time one document spends in render + compile + write, peak RSS after the batch, the time of
//! a rebuild with nothing changed and after one correction (with the manifest), the time to build
//! one department alone, and the naive loop's ms per document (measured on the first 20) with
//! its ratio to the batch's ms per document. Last, the combined volume of all N (`build --volume`
//! after a run that found them unchanged, so every workbook is read again): its time, pages and
//! the peak RSS with it (only up to the volume's limit of departments).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jixiao::build::{Config, Engine, Observer, Report};
use jixiao::model::Department;
use jixiao::publish::PublishOptions;
use jixiao::publish::volume::VolumeOptions;
use serde::{Deserialize, Serialize};

/// Sizes run when none are given.
const SIZES: &[usize] = &[40, 200, 1000];
/// Projects per synthetic department.
const PROJECTS: usize = 5;
/// Indicators per project.
const INDICATORS: usize = 10;
/// Documents the naive loop builds (its cost per document does not depend on N).
const NAIVE_DOCS: usize = 20;

#[derive(Debug, Serialize, Deserialize)]
struct Measured {
    n: usize,
    threads: usize,
    batch_s: f64,
    docs_per_s: f64,
    median_ms: f64,
    peak_rss_mb: f64,
    unchanged_s: f64,
    one_changed_s: f64,
    one_alone_s: f64,
    naive_ms_per_doc: f64,
    ratio: f64,
    /// `None` above the volume's limit of departments.
    volume_s: Option<f64>,
    volume_pages: Option<usize>,
    /// The process's peak RSS after the volume (the batch's before it).
    volume_peak_rss_mb: Option<f64>,
}

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; under `cargo test --benches` only a smoke run.
    let benchmarking = all.iter().any(|a| a == "--bench");
    let args: Vec<String> = all.into_iter().filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--child") {
        let n: usize = args[1].parse().expect("N");
        let input = PathBuf::from(&args[2]);
        let result = child(n, &input);
        println!("RESULT {}", serde_json::to_string(&result).unwrap());
        return;
    }
    if args.first().map(String::as_str) == Some("--write") {
        // `-- --write DIR N`: only the synthetic workbooks, for timing the CLI on them.
        let dir = PathBuf::from(&args[1]);
        let n: usize = args[2].parse().expect("N");
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..n {
            jixiao::xlsx::department::write_department(
                &synthetic(i),
                &dir.join(format!("{i:05}.xlsx")),
            )
            .unwrap();
        }
        return;
    }
    let sizes: Vec<usize> = if !args.is_empty() {
        args.iter()
            .map(|a| a.parse().expect("sizes are numbers"))
            .collect()
    } else if benchmarking {
        SIZES.to_vec()
    } else {
        vec![3]
    };
    let max = *sizes.iter().max().unwrap();
    let workbooks = tempfile::tempdir().unwrap();
    eprintln!("writing {max} synthetic workbooks…");
    for i in 0..max {
        let d = synthetic(i);
        jixiao::xlsx::department::write_department(
            &d,
            &workbooks.path().join(format!("{i:05}.xlsx")),
        )
        .unwrap();
    }
    let mut rows = Vec::new();
    for &n in &sizes {
        eprintln!("N = {n}…");
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--child", &n.to_string()])
            .arg(workbooks.path())
            .output()
            .expect("run the child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
            panic!(
                "child for N = {n} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let measured = serde_json::from_str::<Measured>(line).unwrap();
        // Each row as soon as it is measured: a long run stopped later keeps it.
        eprintln!("{}", row(&measured));
        rows.push(measured);
    }
    println!("\n{HEADER}");
    println!("{}", "|---".repeat(HEADER.matches('|').count() - 1) + "|");
    for r in &rows {
        println!("{}", row(r));
    }
}

const HEADER: &str = "| N | threads | batch | docs/s | median ms/doc | peak RSS | rebuild, nothing changed | rebuild, one changed | one department alone | naive loop ms/doc | batch speed-up vs naive | volume of N | volume pages | peak RSS with the volume |";

fn row(r: &Measured) -> String {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_string());
    format!(
        "| {} | {} | {:.2} s | {:.1} | {:.1} | {:.0} MB | {:.3} s | {:.3} s | {:.3} s | {:.0} | {:.1}× | {} | {} | {} |",
        r.n,
        r.threads,
        r.batch_s,
        r.docs_per_s,
        r.median_ms,
        r.peak_rss_mb,
        r.unchanged_s,
        r.one_changed_s,
        r.one_alone_s,
        r.naive_ms_per_doc,
        r.ratio,
        or_dash(r.volume_s.map(|s| format!("{s:.2} s"))),
        or_dash(r.volume_pages.map(|p| p.to_string())),
        or_dash(r.volume_peak_rss_mb.map(|m| format!("{m:.0} MB"))),
    )
}

/// Department `i`: the reference department renamed, with `PROJECTS` projects of `INDICATORS`
/// indicators each (the reference's projects and indicators, repeated under new names).
/// Department `i`: the reference department's text, with the department's number in every
/// paragraph, project and indicator, so that no two departments share a line of text (real
/// departments do not; identical ones would let Typst reuse one document's layout in the next).
fn synthetic(i: usize) -> Department {
    let mut d = jixiao::reference::department();
    d.name = format!("测试部门{i:05}");
    d.title = Department::default_title(&d.name, d.year);
    let tag = |text: &str| format!("{text}（{i}）");
    d.overall_goals = d.overall_goals.iter().map(|g| tag(g)).collect();
    for goal in &mut d.sub_goals {
        goal.target = tag(&goal.target);
    }
    d.measures = d.measures.iter().map(|m| tag(m)).collect();
    let base = d.projects.clone();
    d.projects = (0..PROJECTS)
        .map(|k| {
            let mut p = base[k % base.len()].clone();
            p.name = format!("{}（{i}-{}）", p.name, k + 1);
            p.purpose = tag(&p.purpose);
            p.goals = p.goals.iter().map(|g| tag(g)).collect();
            let all = p.indicators.clone();
            p.indicators = (0..INDICATORS)
                .map(|j| {
                    let mut ind = all[j % all.len()].clone();
                    if j >= all.len() {
                        ind.level3 = format!("{}（{}）", ind.level3, j + 1);
                    }
                    ind.description = tag(&ind.description);
                    ind
                })
                .collect();
            p
        })
        .collect();
    d
}

/// Records how long each document spends from `started` to `finished`.
#[derive(Default)]
struct Timer {
    started: Mutex<HashMap<PathBuf, Instant>>,
    times: Mutex<Vec<Duration>>,
}

impl Observer for Timer {
    fn started(&self, file: &Path, _department: &str) {
        self.started
            .lock()
            .unwrap()
            .insert(file.to_path_buf(), Instant::now());
    }
    fn finished(&self, report: &Report) {
        assert!(!report.failed(), "{:?}", report.diagnostics);
        if let Some(t) = self.started.lock().unwrap().remove(&report.file) {
            self.times.lock().unwrap().push(t.elapsed());
        }
    }
}

/// What `jixiao build` sets up: fonts discovered, default templates, output folder; with
/// `JIXIAO_BENCH_STANDARDS=ua-1,a-2a`, those PDF standards (`--pdf-standard`).
fn engine(output: &Path) -> Engine {
    let standards = std::env::var("JIXIAO_BENCH_STANDARDS")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| jixiao::compile::parse_standard(s).unwrap())
        .collect();
    Engine::new(Config {
        output: output.to_path_buf(),
        standards,
        ..Config::default()
    })
    .unwrap()
}

/// What a run of `jixiao build` does in process: discover fonts, set up, build the batch.
fn run(files: &[PathBuf], output: &Path, observer: &dyn Observer) -> Duration {
    // Every run starts as a new process would: without Typst results memoized by an earlier run
    // (the one-department run would otherwise find the corrected document already laid out).
    typst::comemo::evict(0);
    let start = Instant::now();
    let batch = engine(output).build_all(files, observer);
    assert!(batch.reports.iter().all(|r| !r.failed()));
    start.elapsed()
}

fn child(n: usize, workbooks: &Path) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let files: Vec<PathBuf> = (0..n)
        .map(|i| {
            let name = format!("{i:05}.xlsx");
            std::fs::copy(workbooks.join(&name), input.join(&name)).unwrap();
            input.join(name)
        })
        .collect();
    let output = dir.path().join("out");
    std::fs::create_dir(&output).unwrap();

    let timer = Timer::default();
    let batch = run(&files, &output, &timer);
    let peak_rss_mb = peak_rss_kb() as f64 / 1024.0;
    let mut times = timer.times.into_inner().unwrap();
    times.sort();
    let median_ms = times[times.len() / 2].as_secs_f64() * 1000.0;

    let unchanged = run(&files, &output, &());
    let mut corrected = synthetic(n / 2);
    corrected
        .overall_goals
        .push("更正后新增的一段。".to_string());
    jixiao::xlsx::department::write_department(&corrected, &files[n / 2]).unwrap();
    let one_changed = run(&files, &output, &());
    let alone_out = dir.path().join("alone");
    std::fs::create_dir(&alone_out).unwrap();
    let one_alone = run(&files[n / 2..n / 2 + 1], &alone_out, &());

    // The naive loop: fresh fonts and typesetter for every document, one after another.
    let naive_out = dir.path().join("naive");
    std::fs::create_dir(&naive_out).unwrap();
    let docs = n.min(NAIVE_DOCS);
    let start = Instant::now();
    for file in &files[..docs] {
        assert!(!engine(&naive_out).build_file(file).failed());
    }
    let naive_ms_per_doc = start.elapsed().as_secs_f64() * 1000.0 / docs as f64;
    let batch_ms_per_doc = batch.as_secs_f64() * 1000.0 / n as f64;

    // The volume: what `build --volume` adds to a run that found everything unchanged (up to
    // the volume's limit of departments).
    let mut volume = None;
    if n <= jixiao::publish::volume::MAX_DEPARTMENTS {
        typst::comemo::evict(0);
        let engine = engine(&output);
        let reports = engine.build_all(&files, &()).reports;
        let options = PublishOptions {
            volumes: vec![VolumeOptions {
                path: dir.path().join("volume.pdf"),
                ..VolumeOptions::default()
            }],
            summary: None,
        };
        let start = Instant::now();
        let published = jixiao::publish::publish(&engine, &reports, &options);
        let seconds = start.elapsed().as_secs_f64();
        let written = published
            .volumes
            .into_iter()
            .next()
            .expect("asked for")
            .expect("volume written");
        assert_eq!(written.departments.len(), n);
        volume = Some((seconds, written.pages, peak_rss_kb() as f64 / 1024.0));
    }

    Measured {
        n,
        threads: rayon::current_num_threads(),
        batch_s: batch.as_secs_f64(),
        docs_per_s: n as f64 / batch.as_secs_f64(),
        median_ms,
        peak_rss_mb,
        unchanged_s: unchanged.as_secs_f64(),
        one_changed_s: one_changed.as_secs_f64(),
        one_alone_s: one_alone.as_secs_f64(),
        naive_ms_per_doc,
        ratio: naive_ms_per_doc / batch_ms_per_doc,
        volume_s: volume.map(|v| v.0),
        volume_pages: volume.map(|v| v.1),
        volume_peak_rss_mb: volume.map(|v| v.2),
    }
}

/// The process's peak resident set size (`VmHWM`), in KiB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
