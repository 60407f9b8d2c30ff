//! Publication (发布): what the bureau does with a year's documents once they are built.
//!
//! - [`data`]: every PDF carries its department's data as an attached JSON file, in a documented,
//!   versioned schema (`docs/data.md`), so that a published PDF is also its own source.
//! - [`extract`]: reads that data back out of a PDF (`jixiao extract`).
//! - [`volume`]: the combined volume (汇编) of every department, as one Typst document.
//! - [`summary`]: the summary workbook (汇总表) of a run: one row per department, every project,
//!   totals.
//! - `member`: the departments of a run as both see them ([`Member`]).

pub mod extract;
mod member;
pub mod summary;
pub mod volume;

use std::path::PathBuf;

use crate::build::{Engine, Report};
use crate::error::Error;

pub use member::{Member, collect};

/// What `build` was asked to publish besides the PDFs.
#[derive(Debug, Clone, Default)]
pub struct PublishOptions {
    /// `--volume FILE.pdf` and its title, publisher and year (the page: one per year).
    pub volumes: Vec<volume::VolumeOptions>,
    /// `--summary FILE.xlsx`.
    pub summary: Option<PathBuf>,
}

/// What was published.
#[derive(Debug, Default)]
pub struct Published {
    /// One for each of [`PublishOptions::volumes`], in order.
    pub volumes: Vec<Result<volume::Volume, Error>>,
    pub summary: Option<Result<PathBuf, Error>>,
    /// Workbooks left out of the volume and the summary's totals, because they have errors.
    pub left_out: Vec<PathBuf>,
    /// Self-evaluations (绩效自评报告) of the run: a volume of goals does not collect them.
    pub self_evaluations: usize,
}

impl Published {
    /// What was published, one line each, for the terminal and the local page.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for volume in &self.volumes {
            match volume {
                Ok(volume) => {
                    lines.extend(volume.warnings.iter().map(|w| format!("汇编：{w}")));
                    let what = match volume.kind {
                        volume::Kind::Goals => "汇编",
                        volume::Kind::SelfEvaluations => "绩效自评报告汇编",
                    };
                    lines.push(format!(
                        "已写出{what}：{} 个部门，共 {} 页（{}）",
                        volume.departments.len(),
                        volume.pages,
                        volume.path.display()
                    ));
                }
                Err(e) => lines.push(format!("未生成汇编：{e}")),
            }
        }
        match &self.summary {
            Some(Ok(path)) => lines.push(format!("已写出汇总表（{}）", path.display())),
            Some(Err(e)) => lines.push(format!("未生成汇总表：{e}")),
            None => {}
        }
        let collected = |kind| {
            self.volumes
                .iter()
                .any(|v| v.as_ref().is_ok_and(|v| v.kind == kind))
        };
        if self.self_evaluations > 0
            && collected(volume::Kind::Goals)
            && !collected(volume::Kind::SelfEvaluations)
        {
            lines.push(format!(
                "绩效自评报告 {} 个未收入汇编（这本汇编只收部门预算绩效文本；自评报告各自的 PDF 照常生成）",
                self.self_evaluations
            ));
        }
        if !self.left_out.is_empty() && !self.volumes.is_empty() {
            let names: Vec<String> = self
                .left_out
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            lines.push(format!(
                "有错误、未收入汇编的工作簿 {} 个：{}",
                names.len(),
                names.join("、")
            ));
        }
        lines
    }

    /// True when something asked for could not be written.
    pub fn failed(&self) -> bool {
        self.volumes.iter().any(Result::is_err) || matches!(self.summary, Some(Err(_)))
    }
}

/// Writes the volume and the summary workbook asked for by `options`, from a run's reports.
pub fn publish(engine: &Engine, reports: &[Report], options: &PublishOptions) -> Published {
    if options.volumes.is_empty() && options.summary.is_none() {
        return Published::default();
    }
    let members = collect(engine, reports);
    let left_out = members
        .iter()
        .filter(|m| m.department.is_none())
        .map(|m| m.report.file.clone())
        .collect();
    let volumes = options
        .volumes
        .iter()
        .filter(|_| !engine.cancel().is_stopped())
        .flat_map(|o| volume::by_kind(o, &members))
        .map(|o| volume::write(engine, &members, &o))
        .collect();
    let summary = options
        .summary
        .as_ref()
        .filter(|_| !engine.cancel().is_stopped())
        .map(|path| {
            if let Some(folder) = path.parent() {
                engine.cancel().writes_into(folder);
            }
            summary::write(&members, path).map(|()| path.clone())
        });
    let self_evaluations = members.iter().filter(|m| m.report.self_evaluation).count();
    Published {
        volumes,
        summary,
        left_out,
        self_evaluations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(kind: volume::Kind) -> Result<volume::Volume, Error> {
        Ok(volume::Volume {
            path: PathBuf::from("汇编.pdf"),
            kind,
            departments: vec!["甲".into()],
            pages: 3,
            warnings: Vec::new(),
        })
    }

    #[test]
    fn self_evaluations_left_out_of_a_goals_volume_are_counted_unless_they_have_their_own() {
        let left_out = |p: &Published| p.lines().iter().any(|l| l.contains("未收入汇编"));
        let mut published = Published {
            volumes: vec![written(volume::Kind::Goals)],
            self_evaluations: 2,
            ..Published::default()
        };
        assert!(left_out(&published), "{:?}", published.lines());
        assert!(
            published
                .lines()
                .iter()
                .any(|l| l.contains("绩效自评报告 2 个"))
        );
        published
            .volumes
            .push(written(volume::Kind::SelfEvaluations));
        assert!(!left_out(&published), "{:?}", published.lines());
        assert!(
            published
                .lines()
                .iter()
                .any(|l| l.starts_with("已写出绩效自评报告汇编：1 个部门，共 3 页"))
        );
    }
}
