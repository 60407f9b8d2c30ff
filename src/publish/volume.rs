//! The combined volume (部门预算绩效文本汇编): every department of a run in one PDF, made as one
//! Typst document (`templates/volume.typ`) that renders each department through the same
//! templates as its own PDF (`department.typ`), so the pages are the same pages.
//!
//! A cover (`{年度}年部门预算绩效文本汇编` and the publishing bureau), the contents (each
//! department and the page it starts on), then each department in order of 部门编码, then
//! 部门名称 (departments without a 部门编码 last); page numbers run through the whole volume;
//! the PDF outline has an entry per department with its parts and project tables beneath. Each
//! department's data is attached as in its own PDF. The date and identifier come from the year
//! and the title only, so the same departments give the same bytes.
//!
//! A volume holds one kind of document ([`Kind`]): the goals texts, or the self-evaluations
//! (绩效自评报告汇编, each department through `evaluation-report.typ`, as in its own PDF).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::member::Member;
use crate::build::Engine;
use crate::compile::DocumentIdentity;
use crate::error::Error;
use crate::evaluation::Evaluation;
use crate::model::Department;
use crate::output;
use crate::render::{Cover, VolumeContents};

/// The publisher printed on the cover when neither `--publisher` nor any workbook's 审核单位
/// names one.
pub const DEFAULT_PUBLISHER: &str = "财政局";

/// What `build --volume` asked for.
#[derive(Debug, Clone, Default)]
pub struct VolumeOptions {
    /// Where the volume is written.
    pub path: PathBuf,
    /// `--volume-title`; default `{年度}年部门预算绩效文本汇编`.
    pub title: Option<String>,
    /// `--publisher`; default the 审核单位 most departments name, else [`DEFAULT_PUBLISHER`].
    pub publisher: Option<String>,
    /// `--volume-year`: only this year's departments. Without it the departments must all be of
    /// one year: a volume is one year's publication, and its cover names the year.
    pub year: Option<i32>,
    /// Which documents it collects; `None`: as the run has them (see [`by_kind`]).
    pub kind: Option<Kind>,
}

/// The kind of document a volume collects: one kind per volume, as a bureau publishes them
/// (the goals with the budget, the self-evaluations with the final accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 部门预算绩效文本汇编
    Goals,
    /// 绩效自评报告汇编
    SelfEvaluations,
}

/// The volumes `options` asks of a run of `members`: of the kind it names, or, without one, the
/// volume of the kind the run has (of the year asked for) at `path` — and when it has both, the goals there and
/// the self-evaluations in a second volume beside it, `{name}（绩效自评）.pdf`, under its default
/// title (`--volume-title` names the first).
pub fn by_kind(options: &VolumeOptions, members: &[Member]) -> Vec<VolumeOptions> {
    if options.kind.is_some() {
        return vec![options.clone()];
    }
    let has = |self_evaluation: bool| {
        members.iter().any(|m| {
            m.report.self_evaluation == self_evaluation
                && m.department
                    .as_ref()
                    .is_some_and(|d| options.year.is_none_or(|y| d.year == y))
        })
    };
    let of = |kind| VolumeOptions {
        kind: Some(kind),
        ..options.clone()
    };
    match (has(false), has(true)) {
        (true, true) => {
            let stem = options
                .path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy();
            let mut name = format!("{stem}（绩效自评）");
            if let Some(extension) = options.path.extension() {
                name = format!("{name}.{}", extension.to_string_lossy());
            }
            vec![
                of(Kind::Goals),
                VolumeOptions {
                    path: options.path.with_file_name(name),
                    title: None,
                    ..of(Kind::SelfEvaluations)
                },
            ]
        }
        (false, true) => vec![of(Kind::SelfEvaluations)],
        _ => vec![of(Kind::Goals)],
    }
}

/// The most departments one volume takes. Typst lays the whole volume out at once and holds
/// every page of it: about 15 MB of memory per department (1.7 GB for 100, measured), so a
/// thousand departments would exhaust a 24 GB machine. Larger sets are published as several
/// volumes (by region or by system), each from its own folder.
pub const MAX_DEPARTMENTS: usize = 200;

/// A volume written.
#[derive(Debug, Clone)]
pub struct Volume {
    pub path: PathBuf,
    pub kind: Kind,
    /// The departments in it, in the order printed.
    pub departments: Vec<String>,
    pub pages: usize,
    /// Typst's warnings.
    pub warnings: Vec<String>,
}

/// The default volume title for `year`.
pub fn default_title(year: i32) -> String {
    format!("{year}年部门预算绩效文本汇编")
}

/// The default title of `year`'s volume of self-evaluations.
pub fn default_self_evaluation_title(year: i32) -> String {
    format!("{year}年度部门预算绩效自评报告汇编")
}

/// The order of departments in the volume: by 部门编码, then 部门名称; those without a code last.
fn compare(a: &Department, b: &Department) -> std::cmp::Ordering {
    (a.code.is_none(), &a.code, &a.name, a.year).cmp(&(b.code.is_none(), &b.code, &b.name, b.year))
}

/// Refuses a volume of more than [`MAX_DEPARTMENTS`] departments, before any is laid out.
fn too_many(departments: usize) -> Result<(), Error> {
    if departments > MAX_DEPARTMENTS {
        return Err(Error::failed(format!(
            "本次有 {departments} 个部门，一本汇编最多收入 {MAX_DEPARTMENTS} 个（排版时每个部门约占 15 MB 内存）。\
             请把工作簿按地区或系统分到几个文件夹，对每个文件夹分别生成一本汇编"
        )));
    }
    Ok(())
}

/// The one year of a volume's departments; refuses several, naming them and the way out.
fn one_year(departments: &[&Department]) -> Result<i32, Error> {
    let years: std::collections::BTreeSet<i32> = departments.iter().map(|d| d.year).collect();
    match years.iter().collect::<Vec<_>>()[..] {
        [year] => Ok(*year),
        _ => {
            let listed: Vec<String> = years.iter().map(|y| format!("{y} 年度")).collect();
            Err(Error::failed(format!(
                "本次的部门分属 {}，一本汇编只收一个年度的部门。请用 --volume-year 指定年度                 （其他年度的部门照常生成各自的 PDF），或把各年度的工作簿放在不同的文件夹",
                listed.join("、")
            )))
        }
    }
}

/// The value most of `values` have (the first in sort order among equals), if any.
fn most_common<T: Ord + Clone>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(v, _)| v)
}

/// Writes the volume of every member of its kind that has data (the others are left out; the
/// run's summary lists them), atomically. `options.kind` must be set (see [`by_kind`]); `None`
/// is taken as the goals.
pub fn write(
    engine: &Engine,
    members: &[Member],
    options: &VolumeOptions,
) -> Result<Volume, Error> {
    let kind = options.kind.unwrap_or(Kind::Goals);
    let others = members
        .iter()
        .filter(|m| m.department.is_some())
        .filter(|m| m.report.self_evaluation != (kind == Kind::SelfEvaluations))
        .count();
    let mut documents: Vec<(&Department, Option<&Evaluation>)> = members
        .iter()
        .filter(|m| m.report.self_evaluation == (kind == Kind::SelfEvaluations))
        .filter_map(|m| Some((m.department.as_deref()?, m.evaluation.as_deref())))
        .filter(|(d, _)| options.year.is_none_or(|y| d.year == y))
        .collect();
    if documents.is_empty() && others > 0 {
        return Err(Error::failed(match kind {
            Kind::Goals => format!(
                "没有可以收入汇编的部门预算绩效文本：本次的 {others} 个绩效自评报告不收入这本汇编（它只收绩效目标）"
            ),
            Kind::SelfEvaluations => format!(
                "没有可以收入汇编的绩效自评报告：本次的 {others} 个部门预算绩效文本不收入这本汇编（它只收绩效自评）"
            ),
        }));
    }
    if documents.is_empty() {
        return Err(Error::failed(match options.year {
            Some(year) => {
                format!("没有可以收入汇编的 {year} 年度部门（没有这个年度的部门，或都有错误）")
            }
            None => "没有可以收入汇编的部门（全部有错误）".to_string(),
        }));
    }
    let departments: Vec<&Department> = documents.iter().map(|(d, _)| *d).collect();
    let year = one_year(&departments)?;
    too_many(documents.len())?;
    documents.sort_by(|a, b| compare(a.0, b.0));
    let title = options.title.clone().unwrap_or_else(|| match kind {
        Kind::Goals => default_title(year),
        Kind::SelfEvaluations => default_self_evaluation_title(year),
    });
    let publisher = options
        .publisher
        .clone()
        .or_else(|| most_common(departments.iter().filter_map(|d| d.reviewed_by.clone())))
        .unwrap_or_else(|| DEFAULT_PUBLISHER.to_string());
    let cover = Cover {
        title: title.clone(),
        publisher,
        year,
    };
    let attach = engine.typesetter().allows_attachments();
    let goals: Vec<&Department>;
    let evaluations: Vec<(&Department, &Evaluation)>;
    let contents = match kind {
        Kind::Goals => {
            goals = documents.iter().map(|(d, _)| *d).collect();
            VolumeContents::Goals(&goals)
        }
        Kind::SelfEvaluations => {
            evaluations = documents
                .iter()
                .filter_map(|(d, e)| Some((*d, (*e)?)))
                .collect();
            VolumeContents::SelfEvaluations(&evaluations)
        }
    };
    let rendered = engine
        .renderer()
        .volume(&cover, contents, attach)
        .map_err(|e| e.context("汇编模板渲染失败"))?;
    let identity = DocumentIdentity {
        ident: format!("volume|{title}|{year}"),
        year,
    };
    let compiled = engine
        .typesetter()
        .compile(rendered.source, &identity, &rendered.files)
        .map_err(|errors| Error::failed(format!("汇编排版失败：{errors}")))?;
    if let Some(folder) = options.path.parent() {
        engine.cancel().writes_into(folder);
    }
    output::write_atomic(&options.path, &compiled.pdf)
        .map_err(|e| Error::io("无法写入", &options.path, e))?;
    Ok(Volume {
        path: options.path.clone(),
        kind,
        departments: documents.iter().map(|(d, _)| d.name.clone()).collect(),
        pages: compiled.pages,
        warnings: compiled.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_are_ordered_by_code_then_name_without_code_last() {
        let make = |name: &str, code: Option<&str>| Department {
            name: name.into(),
            code: code.map(Into::into),
            ..Department::default()
        };
        let all = [
            make("乙", None),
            make("丙", Some("002")),
            make("甲", Some("001")),
            make("丁", Some("001")),
            make("甲", None),
        ];
        let mut refs: Vec<&Department> = all.iter().collect();
        refs.sort_by(|a, b| compare(a, b));
        let names: Vec<(&str, Option<&str>)> = refs
            .iter()
            .map(|d| (d.name.as_str(), d.code.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("丁", Some("001")),
                ("甲", Some("001")),
                ("丙", Some("002")),
                ("乙", None),
                ("甲", None)
            ]
        );
    }

    #[test]
    fn a_volume_of_more_than_the_limit_is_refused_with_the_way_out() {
        assert_eq!(too_many(MAX_DEPARTMENTS), Ok(()));
        let e = too_many(MAX_DEPARTMENTS + 1).unwrap_err().to_string();
        assert!(
            e.contains("本次有 201 个部门，一本汇编最多收入 200 个"),
            "{e}"
        );
        assert!(e.contains("分别生成一本汇编"), "{e}");
    }

    #[test]
    fn most_common_prefers_the_majority_then_the_first() {
        assert_eq!(most_common([2021, 2022, 2022]), Some(2022));
        assert_eq!(most_common([2022, 2021]), Some(2021));
        assert_eq!(most_common(Vec::<i32>::new()), None);
    }
}
