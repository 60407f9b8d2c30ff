//! Progress of a batch on standard error: a bar on a terminal (done/total, failures so far, the
//! department being built), one plain line per workbook otherwise, nothing with `--quiet`.
//! Findings, and what changed since a department's last build, are printed as each workbook
//! finishes (also with the bar); the closing summary is the caller's.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use jixiao::build::{Observer, Report, Status};
use jixiao::changes;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A progress bar (standard error is a terminal).
    Bar,
    /// One line per workbook.
    Lines,
    /// Nothing but the summary.
    Quiet,
}

impl Mode {
    /// `Quiet` when asked, `Bar` when standard error is a terminal, `Lines` otherwise.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// Shows a batch's progress on standard error.
pub struct Progress {
    mode: Mode,
    bar: ProgressBar,
    failed: AtomicUsize,
}

impl Progress {
    pub fn new(mode: Mode) -> Self {
        let bar = if mode == Mode::Bar {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("[{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
                    .expect("static template")
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self {
            mode,
            bar,
            failed: AtomicUsize::new(0),
        }
    }

    /// Removes the bar (before the summary is printed).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn message(&self, building: &str) {
        let failed = self.failed.load(Ordering::Relaxed);
        let failed = if failed > 0 {
            format!("失败 {failed} · ")
        } else {
            String::new()
        };
        self.bar.set_message(format!("{failed}{building}"));
    }

    fn print(&self, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        self.bar.suspend(|| {
            for line in lines {
                eprintln!("{line}");
            }
        });
    }
}

/// What changed in a department since its last build: a line naming it and the count, then one
/// line per change (at most [`changes::TERMINAL_LINES`]), indented.
pub fn change_lines(report: &Report) -> Vec<String> {
    let Some(list) = report.changes.as_ref().filter(|c| !c.is_empty()) else {
        return Vec::new();
    };
    let who = report
        .department
        .clone()
        .unwrap_or_else(|| report.file.display().to_string());
    let mut lines = vec![format!("{who}：与上次生成相比改动 {} 处", list.len())];
    lines.extend(
        changes::lines(list, changes::TERMINAL_LINES)
            .into_iter()
            .map(|l| format!("  {l}")),
    );
    lines
}

impl Observer for Progress {
    fn planned(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.message("正在读取、检查工作簿");
    }

    fn started(&self, _file: &Path, department: &str) {
        self.message(&format!("正在生成：{department}"));
    }

    fn finished(&self, report: &Report) {
        if report.failed() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        if self.mode != Mode::Quiet {
            let mut lines: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
            if self.mode == Mode::Lines {
                lines.push(match (&report.status, &report.pdf) {
                    (Status::Built, Some(pdf)) => {
                        let same = report.changes.as_ref().is_some_and(Vec::is_empty);
                        let note = if same {
                            "（数据与上次生成时相同）"
                        } else {
                            ""
                        };
                        format!("已生成 {}{note}", pdf.display())
                    }
                    (Status::Unchanged, Some(pdf)) => format!("未变 {}", pdf.display()),
                    _ => format!("未生成：{}", report.file.display()),
                });
            }
            lines.extend(change_lines(report));
            self.print(&lines);
        }
        self.bar.inc(1);
        if report.failed() {
            self.message("");
        }
    }
}
