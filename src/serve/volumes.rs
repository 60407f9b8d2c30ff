//! The volumes (汇编) 全部生成 writes: one per year of goals texts present,
//! `output/{年度}年部门预算绩效文本汇编.pdf` (self-evaluations are collected by `build --volume`),
//! and whether each still holds what the departments are now. A volume is made from the
//! year's departments without errors; what it was made from (each workbook and its hash) is
//! recorded in `output/.jixiao-volumes.json`, and a volume whose year differs now (a correction,
//! an upload, a withdrawal) is stale until 全部生成 runs again.

use std::collections::{BTreeMap, BTreeSet};

use super::api;
use super::app::{App, Listed};
use crate::diagnostic::Severity;
use crate::evaluation::is_self_evaluation;
use crate::output;
use crate::publish::volume::{Kind, VolumeOptions, default_title};

/// The record of what each volume was made from (hidden: never taken for a document).
const RECORD: &str = ".jixiao-volumes.json";

/// The volume of `year` in `output/`.
pub fn file_name(year: i32) -> String {
    output::file_name(&default_title(year), "pdf")
}

/// The year of an entry that a volume would collect: a goals text (the page's volumes are of
/// the goals; a self-evaluation changes none of them) without errors.
fn collected(entry: &Listed) -> Option<i32> {
    let (name, year) = entry.identity.as_ref()?;
    let clean = entry.findings.is_some() && entry.count(Severity::Error) == 0;
    (clean && !is_self_evaluation(name)).then_some(*year)
}

/// The years of the departments that would go into a volume.
fn years(app: &App) -> BTreeSet<i32> {
    app.entries().values().filter_map(collected).collect()
}

/// What the volume of `year` is made from now: each workbook of the year it collects, and the
/// hash of its bytes.
fn made_from(app: &App, year: i32) -> BTreeMap<String, String> {
    app.entries()
        .values()
        .filter(|e| collected(e) == Some(year))
        .map(|e| (e.shown.clone(), e.hash.clone().unwrap_or_default()))
        .collect()
}

/// The volumes to write: one per year present.
pub fn to_write(app: &App) -> Vec<VolumeOptions> {
    years(app)
        .into_iter()
        .map(|year| VolumeOptions {
            path: app.output.join(file_name(year)),
            year: Some(year),
            // The page lists one volume per year, of the goals texts.
            kind: Some(Kind::Goals),
            ..VolumeOptions::default()
        })
        .collect()
}

fn load(app: &App) -> BTreeMap<i32, BTreeMap<String, String>> {
    std::fs::read(app.output.join(RECORD))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Records what the volumes of `years` were made from, after they were written.
pub fn record(app: &App, years: &[i32]) {
    let mut record = load(app);
    for &year in years {
        record.insert(year, made_from(app, year));
    }
    // Only a hint for the page: a record that cannot be written makes every volume look stale.
    if let Ok(json) = serde_json::to_vec_pretty(&record) {
        let _ = output::write_atomic(&app.output.join(RECORD), &json);
    }
}

/// The volumes in `output/`, by year, each with whether it is stale.
pub fn list(app: &App) -> Vec<api::VolumeLink> {
    let record = load(app);
    let mut years: BTreeSet<i32> = years(app);
    years.extend(record.keys());
    years
        .into_iter()
        .filter(|&year| app.output.join(file_name(year)).is_file())
        .map(|year| api::VolumeLink {
            year,
            file: file_name(year),
            stale: record.get(&year) != Some(&made_from(app, year)),
        })
        .collect()
}
