//! The data attached to each PDF (数据附件): the department's normalized model as JSON, wrapped in
//! an envelope that names the schema and its version (`docs/data.md` documents every field):
//!
//! ```json
//! {"schema": "jixiao/department", "version": 1, "department": {"name": "…", "year": 2021, …}}
//! ```
//!
//! Money and percentages are strings of exact decimals (`"54.5"`), never binary floats.
//! A reader accepts this schema at any version up to [`VERSION`]; a later version is refused
//! with a message saying so, never misread.

use serde::{Deserialize, Serialize};

use super::view::Attachment;
use crate::error::Error;
use crate::evaluation::Evaluation;
use crate::model::Department;
use crate::output;

/// The schema's name, the `schema` field of every file.
pub const SCHEMA: &str = "jixiao/department";
/// The schema version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    schema: &'static str,
    version: u32,
    department: &'a Department,
    /// A self-evaluation's (绩效自评) additions; absent from a goals text's data.
    #[serde(skip_serializing_if = "Option::is_none")]
    evaluation: Option<&'a Evaluation>,
}

#[derive(Deserialize)]
struct Header {
    schema: Option<String>,
    version: Option<u32>,
}

#[derive(Deserialize)]
struct Body {
    department: Department,
    #[serde(default)]
    evaluation: Option<Evaluation>,
}

/// A file a rendered source reads, as bytes under a path, so that data (a department's JSON)
/// reaches a template without being spliced into its text. The typesetter serves it from memory
/// (see `crate::compile`), or it is written beside an emitted source (`--emit typ`).
#[derive(Debug, Clone)]
pub struct VirtualFile {
    /// Absolute in the document's project (`/.jixiao/0.json`, served), or relative to the source
    /// (`{文档标题}.json`, written beside it). Typst interns every path it is asked for, for the
    /// life of the process: documents compiled in-process use a small fixed set of them.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// `department` as the attached JSON: pretty-printed, fields in a fixed order, ending in a
/// newline. The same department always gives the same bytes.
pub fn to_json(department: &Department) -> Vec<u8> {
    to_json_with(department, None)
}

/// [`to_json`], with a self-evaluation's additions when given (field `evaluation`).
pub fn to_json_with(department: &Department, evaluation: Option<&Evaluation>) -> Vec<u8> {
    let envelope = Envelope {
        schema: SCHEMA,
        version: VERSION,
        department,
        evaluation,
    };
    let mut json = serde_json::to_vec_pretty(&envelope).expect("a department serialises");
    json.push(b'\n');
    json
}

/// Reads a department from JSON written by [`to_json`] (this version or an earlier one).
pub fn from_json(bytes: &[u8]) -> Result<Department, Error> {
    from_json_with(bytes).map(|(department, _)| department)
}

/// Reads a department and, for a self-evaluation, what happened in its year ([`to_json_with`]).
pub fn from_json_with(bytes: &[u8]) -> Result<(Department, Option<Evaluation>), Error> {
    let header: Header =
        serde_json::from_slice(bytes).map_err(|e| Error::failed(format!("不是 JSON 对象：{e}")))?;
    match header.schema.as_deref() {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(Error::failed(format!("数据格式为“{other}”，不是 {SCHEMA}")));
        }
        None => {
            return Err(Error::failed(format!(
                "缺少 schema 字段，不是 {SCHEMA} 数据"
            )));
        }
    }
    match header.version {
        Some(v) if (1..=VERSION).contains(&v) => {}
        Some(v) => {
            return Err(Error::failed(format!(
                "数据格式为 {SCHEMA} 第 {v} 版，本程序只能读取到第 {VERSION} 版；请升级 jixiao"
            )));
        }
        None => return Err(Error::failed("缺少 version 字段")),
    }
    let body: Body = serde_json::from_slice(bytes)
        .map_err(|e| Error::failed(format!("{SCHEMA} 数据不完整或有误：{e}")))?;
    Ok((body.department, body.evaluation))
}

/// The attachment of `department`'s data as the `index`-th department of a document: what the
/// template attaches (named `{文档标题}.json`) and the file the typesetter serves for it.
///
/// The served path depends only on `index`, so a batch interns a handful of paths, not one per
/// department.
pub fn served(department: &Department, index: usize) -> (Attachment, VirtualFile) {
    attachment(department, None, format!("/.jixiao/{index}.json"))
}

/// [`served`] for a self-evaluation: the department and what happened in its year.
pub fn served_evaluation(
    department: &Department,
    evaluation: &Evaluation,
    index: usize,
) -> (Attachment, VirtualFile) {
    attachment(
        department,
        Some(evaluation),
        format!("/.jixiao/{index}.json"),
    )
}

/// The attachment of `department`'s data read from `{stem}.json` beside the source (an emitted
/// source that compiles on its own), with that file.
pub fn beside(
    department: &Department,
    evaluation: Option<&Evaluation>,
    stem: &str,
) -> (Attachment, VirtualFile) {
    attachment(department, evaluation, format!("{stem}.json"))
}

fn attachment(
    department: &Department,
    evaluation: Option<&Evaluation>,
    path: String,
) -> (Attachment, VirtualFile) {
    let what = match evaluation {
        Some(_) => "年度预算绩效自评数据",
        None => "年部门预算绩效数据",
    };
    let attachment = Attachment {
        name: output::file_name(&department.title, "json"),
        path: path.clone(),
        description: format!(
            "{}{}{what}（{SCHEMA} 第 {VERSION} 版）",
            department.name, department.year
        ),
    };
    let file = VirtualFile {
        path,
        bytes: to_json_with(department, evaluation),
    };
    (attachment, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_department_round_trips_exactly() {
        let department = crate::reference::department();
        let json = to_json(&department);
        assert_eq!(from_json(&json).unwrap(), department);
        assert_eq!(to_json(&from_json(&json).unwrap()), json);
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["schema"], SCHEMA);
        assert_eq!(value["version"], VERSION);
        // Money is an exact decimal string.
        assert!(value["department"]["projects"][0]["budget"].is_string());
    }

    #[test]
    fn foreign_or_newer_data_is_refused() {
        let newer = br#"{"schema": "jixiao/department", "version": 99, "department": {}}"#;
        assert!(
            from_json(newer)
                .unwrap_err()
                .to_string()
                .contains("第 99 版")
        );
        let foreign = br#"{"schema": "zugferd", "version": 1}"#;
        assert!(
            from_json(foreign)
                .unwrap_err()
                .to_string()
                .contains("zugferd")
        );
        assert!(from_json(b"[1, 2]").is_err());
        let broken = br#"{"schema": "jixiao/department", "version": 1, "department": {"name": 3}}"#;
        assert!(from_json(broken).is_err());
    }
}
