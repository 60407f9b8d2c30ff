//! Extract (提取): the department data attached to a PDF by jixiao (see [`crate::render::data`]),
//! read back from the document's embedded files (the catalog's `/Names /EmbeddedFiles` tree) with
//! hayro-syntax, the PDF reader Typst itself uses for PDF images.
//!
//! A department's PDF carries one department; a combined volume carries one per department.

use std::path::{Path, PathBuf};

use std::io::Read;

use hayro_syntax::Pdf;
use hayro_syntax::object::{Array, Dict, Name, Object, Stream, String as PdfString};

use crate::diagnostic::{Diagnostic, has_errors};
use crate::error::Error;
use crate::evaluation::Evaluation;
use crate::model::Department;
use crate::output;
use crate::render::data;

/// PDFs larger than this are not read (a published volume of 1,000 departments is far smaller).
const MAX_PDF: u64 = 1 << 30;
/// An attached file larger than this is not decompressed (a department's JSON is a few KB).
const MAX_ATTACHMENT: usize = 64 << 20;
/// How deep a name tree may nest before it is taken for a loop.
const MAX_DEPTH: usize = 32;

/// One department found in a PDF.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The attached file's name (`{文档标题}.json`).
    pub name: String,
    /// The JSON as attached.
    pub json: Vec<u8>,
    pub department: Department,
    /// What happened in its year, when the PDF is a self-evaluation (绩效自评报告).
    pub evaluation: Option<Evaluation>,
}

/// What `jixiao extract` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The JSON to print, when no output was named.
    pub stdout: Option<String>,
    /// The files written.
    pub written: Vec<PathBuf>,
}

/// `jixiao extract PDF [-o OUT]`: the data of the PDF's one department as JSON (to `OUT.json`, or
/// printed) or as a workbook (`OUT.xlsx`) that builds the same PDF again. A volume carries many
/// departments: `OUT` is then a folder, and each department is written into it as
/// `{文档标题}.xlsx`. Files are written atomically.
pub fn write(pdf: &Path, out: Option<&Path>) -> Result<Outcome, Error> {
    write_as_asked(pdf, out).map_err(Error::failed)
}

fn write_as_asked(pdf: &Path, out: Option<&Path>) -> Result<Outcome, String> {
    let found = find_departments(pdf)?;
    let extension = out
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    let mut outcome = Outcome::default();
    match (out, extension.as_deref(), found.as_slice()) {
        (None, _, [one]) => {
            outcome.stdout = Some(String::from_utf8_lossy(&one.json).into_owned());
        }
        (None, _, _) => {
            return Err(format!(
                "{} 是含 {} 个部门的汇编：请用 -o 指定一个文件夹，每个部门写出一个工作簿",
                pdf.display(),
                found.len()
            ));
        }
        (Some(path), Some("json"), [one]) => {
            output::write_atomic(path, &one.json)
                .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
            outcome.written.push(path.to_path_buf());
        }
        (Some(path), Some("xlsx"), [one]) => {
            write_workbook(one, path)?;
            outcome.written.push(path.to_path_buf());
        }
        (Some(path), Some(other), [_]) => {
            return Err(format!(
                "{}：不支持的输出格式 .{other}；请用 .json 或 .xlsx",
                path.display()
            ));
        }
        (Some(path), Some("json" | "xlsx"), _) => {
            return Err(format!(
                "{} 是含 {} 个部门的汇编：-o 请指定一个文件夹（而不是 {}），每个部门写出一个工作簿",
                pdf.display(),
                found.len(),
                path.display()
            ));
        }
        (Some(dir), _, many) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("无法创建文件夹 {}：{e}", dir.display()))?;
            for one in many {
                let path = dir.join(output::file_name(&one.department.title, "xlsx"));
                write_workbook(one, &path)?;
                outcome.written.push(path);
            }
        }
    }
    Ok(outcome)
}

/// Writes what was extracted as a workbook of the input contract (a self-evaluation's, for a
/// self-evaluation), atomically.
fn write_workbook(one: &Extracted, path: &Path) -> Result<(), String> {
    let book = match &one.evaluation {
        Some(e) => crate::xlsx::department::evaluation_to_workbook(&one.department, e),
        None => crate::xlsx::department::to_workbook(&one.department),
    };
    let bytes = book
        .and_then(|mut book| book.save_to_buffer())
        .map_err(|e| format!("无法生成工作簿 {}：{e}", path.display()))?;
    output::write_atomic(path, &bytes).map_err(|e| format!("无法写入 {}：{e}", path.display()))
}

/// Why no goals could be taken from a file.
#[derive(Debug)]
pub enum GoalsError {
    /// The workbook has errors (the findings say which).
    Findings(Vec<Diagnostic>),
    /// The file cannot be read as either, or holds more than one department.
    Failed(String),
}

/// The goals a department published for a year, from its workbook (read and checked: any error
/// stops it) or from the data attached to its PDF (one department's, not a volume's): what its
/// self-evaluation's form is made from.
pub fn goals(path: &Path) -> Result<Department, GoalsError> {
    let is_pdf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if !is_pdf {
        let checked = crate::check::check_path(path);
        return match checked.department {
            Some(department) if !has_errors(&checked.diagnostics) => Ok(department),
            _ => Err(GoalsError::Findings(checked.diagnostics)),
        };
    }
    let mut found = find_departments(path).map_err(GoalsError::Failed)?;
    match found.len() {
        1 => Ok(found.remove(0).department),
        n => Err(GoalsError::Failed(format!(
            "{} 是含 {n} 个部门的汇编：请用一个部门的 PDF 或工作簿",
            path.display()
        ))),
    }
}

/// Every department attached to the PDF at `path`, in the order of their names; an error (in
/// Chinese, naming the file) when the PDF cannot be read or carries no jixiao data.
pub fn departments(path: &Path) -> Result<Vec<Extracted>, Error> {
    find_departments(path).map_err(Error::failed)
}

fn find_departments(path: &Path) -> Result<Vec<Extracted>, String> {
    let at = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{at}：无法读取：{e}"))?
        .len();
    if size > MAX_PDF {
        return Err(format!("{at}：文件过大（{size} 字节）"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{at}：无法读取：{e}"))?;
    let files = embedded_files(&bytes).map_err(|e| format!("{at}：{e}"))?;
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (name, json) in files {
        if !name.to_lowercase().ends_with(".json") {
            continue;
        }
        match data::from_json_with(&json) {
            Ok((department, evaluation)) => found.push(Extracted {
                name,
                json,
                department,
                evaluation,
            }),
            Err(e) => problems.push(format!("附件 {name}：{e}")),
        }
    }
    if found.is_empty() {
        let why = if problems.is_empty() {
            "没有附带部门数据（不是 jixiao 生成的 PDF，或生成时使用了不允许附件的 PDF 标准）"
                .to_string()
        } else {
            problems.join("；")
        };
        return Err(format!("{at}：{why}"));
    }
    Ok(found)
}

/// Every embedded file of a PDF: (name, bytes), sorted by name.
pub fn attachments(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    embedded_files(pdf).map_err(Error::failed)
}

fn embedded_files(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let document = Pdf::new(pdf.to_vec())
        .map_err(|_| "不是可读取的 PDF（文件损坏，或不是 PDF）".to_string())?;
    let xref = document.xref();
    let catalog: Dict = xref
        .get(xref.root_id())
        .ok_or_else(|| "不是可读取的 PDF：缺少文档目录（Catalog）".to_string())?;
    let Some(tree) = catalog
        .get::<Dict>(b"Names")
        .and_then(|names| names.get::<Dict>(b"EmbeddedFiles"))
    else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    walk(&tree, 0, &mut files)?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Collects the files of a name-tree node and its kids.
fn walk(node: &Dict, depth: usize, files: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("附件目录嵌套过深".to_string());
    }
    if let Some(kids) = node.get::<Array>(b"Kids") {
        for kid in kids.iter::<Dict>() {
            walk(&kid, depth + 1, files)?;
        }
    }
    let Some(names) = node.get::<Array>(b"Names") else {
        return Ok(());
    };
    let entries: Vec<Object> = names.iter::<Object>().collect();
    for pair in entries.chunks(2) {
        let [key, Object::Dict(spec)] = pair else {
            continue;
        };
        let name = ["UF", "F"]
            .iter()
            .find_map(|k| spec.get::<PdfString>(k.as_bytes()))
            .map(|s| text_string(s.as_bytes()))
            .or_else(|| match key {
                Object::String(s) => Some(text_string(s.as_bytes())),
                _ => None,
            })
            .unwrap_or_default();
        let Some(stream) = spec
            .get::<Dict>(b"EF")
            .and_then(|ef| ef.get::<Stream>(b"F"))
        else {
            continue;
        };
        files.push((name.clone(), contents(&stream, &name)?));
    }
    Ok(())
}

/// A stream's contents, inflated when compressed, refusing more than [`MAX_ATTACHMENT`] bytes
/// (a small compressed stream can inflate to gigabytes).
fn contents(stream: &Stream, name: &str) -> Result<Vec<u8>, String> {
    let raw = stream.raw_data();
    let filter = stream.dict().get::<Name>(b"Filter");
    let mut bytes = Vec::new();
    match filter.as_ref().map(|f| f.as_str()) {
        None => bytes.extend_from_slice(&raw),
        Some("FlateDecode") => {
            flate2::read::ZlibDecoder::new(&raw[..])
                .take(MAX_ATTACHMENT as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("附件 {name} 无法解压：{e}"))?;
        }
        Some(other) => return Err(format!("附件 {name} 的压缩方式 {other} 不受支持")),
    }
    if bytes.len() > MAX_ATTACHMENT {
        return Err(format!("附件 {name} 过大（超过 {MAX_ATTACHMENT} 字节）"));
    }
    Ok(bytes)
}

/// A PDF text string: UTF-16BE after a byte-order mark, UTF-8 after its mark, else
/// PDFDocEncoding (read as Latin-1, which it equals for every character a file name needs).
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(utf8) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(utf8).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_decode_in_each_encoding() {
        assert_eq!(text_string(&[0xFE, 0xFF, 0x90, 0xE8, 0x00, 0x41]), "部A");
        assert_eq!(text_string("\u{FEFF}部".as_bytes()), "部");
        assert_eq!(text_string(b"a.json"), "a.json");
    }

    #[test]
    fn what_is_not_a_pdf_is_refused() {
        assert!(attachments(b"PK\x03\x04 not a pdf").is_err());
    }
}
