//! The bad-input corpus: every kind of broken, hostile or odd workbook a finance bureau receives.
//! Each case is generated into a temporary folder at test time (rust_xlsxwriter, raw bytes, zip
//! and CFB containers), run through the real `jixiao check --format json`, and its outcome is
//! asserted: exit code, rule id, and the file, sheet and cell named. None may end the process.

use crate::common;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::jixiao;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// A small workbook model: sheets of cells, written with rust_xlsxwriter.

#[derive(Clone, Debug)]
enum C {
    S(String),
    N(f64),
    /// A number in a percent-formatted cell (`0%`): 0.25 shows as 25%, 25 as 2500%.
    P(f64),
    /// A formula with its cached result (`""` for none).
    F(&'static str, &'static str),
    /// A date cell.
    D(u16, u8, u8),
}

fn s(text: &str) -> C {
    C::S(text.to_string())
}

#[derive(Clone)]
struct Sheet {
    name: String,
    /// (row, col) of the first cell written.
    origin: (u32, u16),
    rows: Vec<Vec<C>>,
    hidden: bool,
    merges: Vec<(u32, u16, u32, u16, &'static str)>,
    /// Extra cells at absolute positions.
    extra: Vec<(u32, u16, C)>,
}

fn sheet(name: &str, rows: Vec<Vec<C>>) -> Sheet {
    Sheet {
        name: name.to_string(),
        origin: (0, 0),
        rows,
        hidden: false,
        merges: Vec::new(),
        extra: Vec::new(),
    }
}

struct Book {
    sheets: Vec<Sheet>,
}

impl Book {
    /// A clean department: one project, two indicators.
    fn valid() -> Self {
        let project_header = jixiao::contract::v1_columns("项目");
        let indicator_header = jixiao::contract::v1_columns("项目指标");
        Book {
            sheets: vec![
                sheet(
                    "基本信息",
                    vec![
                        vec![s("字段"), s("内容")],
                        vec![s("部门名称"), s("测试部门")],
                        vec![s("年度"), C::N(2021.0)],
                        vec![s("编制单位"), s("测试单位")],
                    ],
                ),
                sheet(
                    "总体绩效目标",
                    vec![vec![s("内容")], vec![s("搞好单位整体协调工作。")]],
                ),
                sheet(
                    "分项绩效目标",
                    vec![
                        vec![s("名称"), s("绩效目标"), s("绩效指标")],
                        vec![s("财政事务"), s("编制预决算"), s("及时率")],
                    ],
                ),
                sheet(
                    "项目",
                    vec![
                        project_header.iter().map(|h| s(h)).collect(),
                        vec![
                            s("P001"),
                            s("委托评估费"),
                            C::N(80.0),
                            C::N(80.0),
                            C::N(0.0),
                            s("支付委托评估费"),
                            C::N(25.0),
                            C::N(50.0),
                            C::N(75.0),
                            C::N(100.0),
                        ],
                    ],
                ),
                sheet(
                    "项目目标",
                    vec![
                        vec![s("项目名称"), s("目标")],
                        vec![s("委托评估费"), s("保证项目审批手续顺利进行")],
                    ],
                ),
                sheet(
                    "项目指标",
                    vec![
                        indicator_header.iter().map(|h| s(h)).collect(),
                        vec![
                            s("委托评估费"),
                            s("产出指标"),
                            s("数量指标"),
                            s("评估数量"),
                            s(""),
                            s(">=20次"),
                            s(""),
                        ],
                        vec![
                            s("委托评估费"),
                            s("满意度指标"),
                            s("服务对象满意度指标"),
                            s("企业满意率"),
                            s(""),
                            s(">=95%"),
                            s(""),
                        ],
                    ],
                ),
            ],
        }
    }

    fn sheet(&mut self, name: &str) -> &mut Sheet {
        self.sheets.iter_mut().find(|s| s.name == name).unwrap()
    }

    /// Sets a cell of `name`, relative to the sheet's origin (0-based).
    fn set(&mut self, name: &str, row: usize, col: usize, cell: C) -> &mut Self {
        let sheet = self.sheet(name);
        while sheet.rows.len() <= row {
            sheet.rows.push(Vec::new());
        }
        let r = &mut sheet.rows[row];
        while r.len() <= col {
            r.push(s(""));
        }
        r[col] = cell;
        self
    }

    fn remove(&mut self, name: &str) -> &mut Self {
        self.sheets.retain(|s| s.name != name);
        self
    }

    fn bytes(&self) -> Vec<u8> {
        let mut book = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let percent = Format::new().set_num_format("0%");
        for spec in &self.sheets {
            let ws = book.add_worksheet();
            ws.set_name(&spec.name).unwrap();
            let cells = spec.rows.iter().enumerate().flat_map(|(r, row)| {
                row.iter().enumerate().map(move |(c, cell)| {
                    (
                        spec.origin.0 + r as u32,
                        spec.origin.1 + c as u16,
                        cell.clone(),
                    )
                })
            });
            for (r, c, cell) in cells.chain(spec.extra.iter().cloned()) {
                match cell {
                    C::S(t) if t.is_empty() => {}
                    C::S(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    C::N(n) => {
                        ws.write_number(r, c, n).unwrap();
                    }
                    C::P(n) => {
                        ws.write_number_with_format(r, c, n, &percent).unwrap();
                    }
                    C::F(f, result) => {
                        ws.write_formula(r, c, Formula::new(f).set_result(result))
                            .unwrap();
                    }
                    C::D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(y, m, d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                }
            }
            for &(r0, c0, r1, c1, text) in &spec.merges {
                ws.merge_range(r0, c0, r1, c1, text, &Format::new())
                    .unwrap();
            }
            if spec.hidden {
                ws.set_hidden(true);
            }
        }
        book.save_to_buffer().unwrap()
    }
}

/// Rewrites the zip entries of an xlsx, applying `f(entry name, text)` to the XML ones.
fn patch_zip(bytes: &[u8], f: impl Fn(&str, String) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let data = if name.ends_with(".xml") {
            f(&name, String::from_utf8(data).unwrap()).into_bytes()
        } else {
            data
        };
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

// ---------------------------------------------------------------------------------------------
// Running `jixiao check` and looking at what it says.

struct Outcome {
    code: i32,
    findings: Vec<Value>,
    stderr: String,
}

impl Outcome {
    /// The findings of `rule`.
    fn rule(&self, rule: &str) -> Vec<&Value> {
        self.findings.iter().filter(|f| f["rule"] == rule).collect()
    }

    /// Asserts that the check failed (exit status 1) with a finding of `rule` naming `file`,
    /// `sheet` and `cell`, and returns its message.
    fn error(&self, rule: &str, file: &str, sheet: Option<&str>, cell: Option<&str>) -> String {
        assert_eq!(self.code, 1, "{:#?}\n{}", self.findings, self.stderr);
        self.has(rule, file, sheet, cell)
    }

    /// Asserts a finding of `rule` naming `file` (its file name), `sheet` and `cell`, and returns
    /// its message.
    fn has(&self, rule: &str, file: &str, sheet: Option<&str>, cell: Option<&str>) -> String {
        let found = self.rule(rule).into_iter().find(|f| {
            Path::new(f["file"].as_str().unwrap()).file_name().unwrap() == file
                && f["sheet"].as_str() == sheet
                && f["cell"].as_str() == cell
        });
        let f = found.unwrap_or_else(|| {
            panic!(
                "no {rule} finding at {file} {sheet:?} {cell:?}; findings: {:#?}",
                self.findings
            )
        });
        let message = f["message"].as_str().unwrap().to_string();
        assert!(
            message
                .chars()
                .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
            "the message is Chinese: {message}"
        );
        message
    }

    fn errors(&self) -> Vec<&Value> {
        self.findings
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect()
    }

    fn assert_clean(&self) {
        assert_eq!(self.code, 0, "{:#?}\n{}", self.findings, self.stderr);
        assert!(self.errors().is_empty(), "{:#?}", self.findings);
    }
}

fn check(paths: &[&Path]) -> Outcome {
    let started = Instant::now();
    let mut args = vec!["check", "--format", "json"];
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    let out = jixiao(&args);
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // Never ends the process: an exit code, not a signal, and valid JSON.
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {stderr}"));
    assert!(
        elapsed < Duration::from_secs(60),
        "took {elapsed:?}: {stderr}"
    );
    let findings: Vec<Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {stderr}"));
    assert!(
        !findings.iter().any(|f| f["rule"] == "internal"),
        "internal error: {findings:#?}"
    );
    Outcome {
        code,
        findings,
        stderr,
    }
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn book(&self, name: &str, book: &Book) -> PathBuf {
        self.write(name, &book.bytes())
    }
}

fn check_book(name: &str, book: &Book) -> Outcome {
    let dir = Dir::new();
    let path = dir.book(name, book);
    check(&[&path])
}

fn check_bytes(name: &str, bytes: &[u8]) -> Outcome {
    let dir = Dir::new();
    let path = dir.write(name, bytes);
    check(&[&path])
}

// ---------------------------------------------------------------------------------------------
// The corpus.

#[test]
fn c00_the_valid_baseline_is_clean() {
    check_book("部门.xlsx", &Book::valid()).assert_clean();
}

#[test]
fn c01_zero_byte_file() {
    let o = check_bytes("空.xlsx", b"");
    let m = o.error("unreadable", "空.xlsx", None, None);
    assert!(
        m.contains("“空.xlsx”不是 Excel 工作簿（看起来是空文件）"),
        "{m}"
    );
}

#[test]
fn c02_truncated_zip() {
    let bytes = Book::valid().bytes();
    let o = check_bytes("截断.xlsx", &bytes[..bytes.len() / 2]);
    let m = o.error("unreadable", "截断.xlsx", None, None);
    assert!(m.contains("无法读取文件“截断.xlsx”"), "{m}");
}

#[test]
fn c03_ole_file_that_is_no_workbook_named_xlsx() {
    // An OLE compound file (the container of .xls) without a workbook stream.
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/Something")
        .unwrap()
        .write_all(b"not a workbook")
        .unwrap();
    let bytes = cfb.into_inner().into_inner();
    let o = check_bytes("旧格式.xlsx", &bytes);
    let m = o.error("unreadable", "旧格式.xlsx", None, None);
    assert!(m.contains("另存为 .xlsx"), "{m}");
}

#[test]
fn c04_csv_named_xls() {
    let o = check_bytes("导出.xls", "项目名称,预算数\n委托评估费,80\n".as_bytes());
    let m = o.error("unreadable", "导出.xls", None, None);
    assert!(m.contains("看起来是文本或其他类型的文件"), "{m}");
}

#[test]
fn c05_html_named_xls() {
    let o = check_bytes(
        "网页.xls",
        b"<html><table><tr><td>1</td></tr></table></html>",
    );
    let m = o.error("unreadable", "网页.xls", None, None);
    assert!(m.contains("网页或 XML 文件"), "{m}");
}

#[test]
fn c06_xlsx_named_xls_is_read_by_content() {
    check_book("部门.xls", &Book::valid()).assert_clean();
}

#[test]
fn c07_uppercase_extension_is_found_in_a_folder() {
    let dir = Dir::new();
    dir.book("部门.XLSX", &Book::valid());
    // An Excel lock file beside it is not a workbook.
    dir.write("~$部门.XLSX", b"lock");
    let o = check(&[dir.0.path()]);
    o.assert_clean();
    assert!(o.stderr.contains("共检查 1 个部门"), "{}", o.stderr);
}

#[test]
fn c08_password_protected_workbook() {
    // How Excel stores an encrypted xlsx: an OLE container with EncryptionInfo and
    // EncryptedPackage streams.
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    cfb.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0u8; 64])
        .unwrap();
    let bytes = cfb.into_inner().into_inner();
    let o = check_bytes("加密.xlsx", &bytes);
    let m = o.error("unreadable", "加密.xlsx", None, None);
    assert!(m.contains("受密码保护"), "{m}");
}

#[test]
fn c09_required_sheet_missing() {
    let mut book = Book::valid();
    book.remove("项目指标");
    let o = check_book("缺表.xlsx", &book);
    let m = o.error("missing-sheet", "缺表.xlsx", None, None);
    assert!(m.contains("缺少必需的工作表“项目指标”"), "{m}");
}

#[test]
fn c10_required_sheet_renamed_gets_a_suggestion() {
    let mut book = Book::valid();
    book.sheet("基本信息").name = "基本信息表".into();
    let o = check_book("改名.xlsx", &book);
    let m = o.error("missing-sheet", "改名.xlsx", None, None);
    assert!(m.contains("“基本信息表”是否应改名为“基本信息”"), "{m}");
}

#[test]
fn c11_sheet_name_with_trailing_space_is_accepted() {
    let mut book = Book::valid();
    book.sheet("项目").name = "项目 ".into();
    check_book("空格.xlsx", &book).assert_clean();
}

#[test]
fn c12_hidden_sheet_is_read_with_a_warning() {
    let mut book = Book::valid();
    book.sheet("项目目标").hidden = true;
    let o = check_book("隐藏.xlsx", &book);
    o.assert_clean();
    o.has("hidden-sheet", "隐藏.xlsx", Some("项目目标"), None);
}

#[test]
fn c13_empty_required_sheet() {
    let mut book = Book::valid();
    book.sheet("总体绩效目标").rows.clear();
    let o = check_book("空表.xlsx", &book);
    let m = o.error(
        "missing-column",
        "空表.xlsx",
        Some("总体绩效目标"),
        Some("A1"),
    );
    assert!(m.contains("是空的"), "{m}");
}

#[test]
fn c14_header_not_on_row_1() {
    let mut book = Book::valid();
    book.sheet("项目").rows.insert(0, vec![s("2021年项目表")]);
    let o = check_book("标题行.xlsx", &book);
    let m = o.error("missing-column", "标题行.xlsx", Some("项目"), Some("A1"));
    assert!(m.contains("第2行才是表头"), "{m}");
}

#[test]
fn c15_duplicate_header_keeps_the_first_column() {
    let mut book = Book::valid();
    book.set("项目", 0, 10, s("预算数"))
        .set("项目", 1, 10, C::N(1.0));
    let o = check_book("重复列.xlsx", &book);
    o.assert_clean();
    o.has("duplicate-column", "重复列.xlsx", Some("项目"), Some("K1"));
}

#[test]
fn c16_leading_blank_rows_and_columns_keep_addresses_right() {
    let mut book = Book::valid();
    book.sheet("项目").origin = (2, 2); // the table starts at C3
    book.set("项目", 1, 3, C::N(70.0)); // 财政资金 ≠ 预算数
    let o = check_book("偏移.xlsx", &book);
    assert_eq!(o.code, 1);
    // 财政资金 is the 4th column from C → F; the data row is the 4th row.
    o.has("budget-sum", "偏移.xlsx", Some("项目"), Some("F4"));
}

#[test]
fn c17_formula_without_cached_value() {
    let mut book = Book::valid();
    book.set("项目", 1, 2, C::F("SUM(D2:E2)", "@@NOVALUE@@"));
    let bytes = patch_zip(&book.bytes(), |_, xml| {
        xml.replace(
            " t=\"str\"><f>SUM(D2:E2)</f><v>@@NOVALUE@@</v>",
            "><f>SUM(D2:E2)</f>",
        )
    });
    let o = check_bytes("未计算.xlsx", &bytes);
    o.error("missing-value", "未计算.xlsx", Some("项目"), Some("C2"));
    // No knock-on budget-sum from the blank 预算数.
    assert!(o.rule("budget-sum").is_empty(), "{:#?}", o.findings);
}

#[test]
fn c18_ref_error_in_a_money_cell() {
    let mut book = Book::valid();
    book.set("项目", 1, 3, C::F("#REF!+1", "#REF!"));
    let o = check_book("引用错误.xlsx", &book);
    let m = o.error("cell-error", "引用错误.xlsx", Some("项目"), Some("D2"));
    assert!(m.contains("#REF!"), "{m}");
    assert!(o.rule("budget-sum").is_empty(), "{:#?}", o.findings);
}

#[test]
fn c19_na_error_in_an_indicator_value() {
    let mut book = Book::valid();
    book.set("项目指标", 1, 5, C::F("NA()", "#N/A"));
    let o = check_book("NA.xlsx", &book);
    let m = o.error("cell-error", "NA.xlsx", Some("项目指标"), Some("F2"));
    assert!(m.contains("#N/A"), "{m}");
    assert_eq!(o.errors().len(), 1, "{:#?}", o.findings);
}

#[test]
fn c20_date_where_a_number_is_expected() {
    let mut book = Book::valid();
    book.set("项目", 1, 2, C::D(2021, 3, 1));
    let o = check_book("日期.xlsx", &book);
    let m = o.error("not-a-number", "日期.xlsx", Some("项目"), Some("C2"));
    assert!(m.contains("2021-03-01"), "{m}");
    assert!(o.rule("budget-sum").is_empty(), "{:#?}", o.findings);
}

#[test]
fn c21_date_where_text_is_expected_reads_as_the_date() {
    let mut book = Book::valid();
    book.set("项目", 1, 5, C::D(2021, 3, 1));
    let dir = Dir::new();
    let path = dir.book("日期文字.xlsx", &book);
    check(&[&path]).assert_clean();
    let checked = ::jixiao::check::check_path(&path);
    assert_eq!(
        checked.department.unwrap().projects[0].purpose,
        "2021-03-01"
    );
}

#[test]
fn c22_leading_zeros_and_float_artefacts() {
    let mut book = Book::valid();
    book.set("项目", 1, 0, s("0100"))
        .set("项目", 1, 2, C::N(7.000_000_000_000_001))
        .set("项目", 1, 3, s("0007"));
    let dir = Dir::new();
    let path = dir.book("数字.xlsx", &book);
    check(&[&path]).assert_clean();
    let p = &::jixiao::check::check_path(&path)
        .department
        .unwrap()
        .projects[0];
    assert_eq!(p.code.as_deref(), Some("0100"));
    assert_eq!(p.budget.to_string(), "7");
    assert_eq!(p.fiscal_funds.to_string(), "7");
}

#[test]
fn c23_merged_cells_fill_down() {
    let mut book = Book::valid();
    book.set("项目指标", 2, 0, s(""));
    book.sheet("项目指标")
        .merges
        .push((1, 0, 2, 0, "委托评估费"));
    let dir = Dir::new();
    let path = dir.book("合并.xlsx", &book);
    check(&[&path]).assert_clean();
    let d = ::jixiao::check::check_path(&path).department.unwrap();
    assert_eq!(d.projects[0].indicators.len(), 2);
}

#[test]
fn c24_a_1_mb_cell() {
    let mut book = Book::valid();
    book.set("项目", 1, 5, s("@@BIG@@"));
    let big = "长".repeat(350_000); // ~1 MB of UTF-8
    let bytes = patch_zip(&book.bytes(), |_, xml| xml.replace("@@BIG@@", &big));
    let o = check_bytes("大单元格.xlsx", &bytes);
    let m = o.error("text-too-long", "大单元格.xlsx", Some("项目"), Some("F2"));
    assert!(m.contains("350000 个字符"), "{m}");
}

#[test]
fn c25_100_000_rows_are_read_in_bounded_time() {
    let _heavy = heavy();
    let mut book = Book::valid();
    let rows = &mut book.sheet("项目指标").rows;
    // 项目名称, 一级指标 and 二级指标 fill down from the row above.
    for i in 0..99_997 {
        rows.push(vec![
            s(""),
            s(""),
            s(""),
            C::S(format!("指标{i}")),
            s(""),
            C::S(format!("≥{i}次")),
        ]);
    }
    assert_eq!(rows.len(), 100_000);
    let dir = Dir::new();
    let path = dir.book("十万行.xlsx", &book);
    let started = Instant::now();
    let o = check(&[&path]);
    o.assert_clean();
    // Seconds in a release build; the bound is for unoptimised test builds.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn c26_a_row_beyond_the_limit() {
    let mut book = Book::valid();
    book.sheet("项目指标").extra.push((100_000, 0, s("x")));
    let o = check_book("超行.xlsx", &book);
    o.error(
        "sheet-too-large",
        "超行.xlsx",
        Some("项目指标"),
        Some("A100001"),
    );
}

#[test]
fn c27_stray_cell_at_xfd1048576() {
    let mut book = Book::valid();
    book.sheet("项目").extra.push((1_048_575, 16_383, s("x")));
    let o = check_book("远处.xlsx", &book);
    let m = o.error(
        "sheet-too-large",
        "远处.xlsx",
        Some("项目"),
        Some("XFD1048576"),
    );
    assert!(m.contains("请删除表格以外多余的内容"), "{m}");
}

#[test]
fn c28_nul_and_control_characters_are_removed_with_a_warning() {
    let mut book = Book::valid();
    book.set("项目", 1, 5, s("支付\u{0}委托\u{7}评估费\u{1B}"));
    let dir = Dir::new();
    let path = dir.book("控制字符.xlsx", &book);
    let o = check(&[&path]);
    o.assert_clean();
    let m = o.has(
        "invisible-character",
        "控制字符.xlsx",
        Some("项目"),
        Some("F2"),
    );
    assert!(m.contains("U+0000（空字符 NUL）"), "{m}");
    let d = ::jixiao::check::check_path(&path).department.unwrap();
    assert_eq!(d.projects[0].purpose, "支付委托评估费");
}

#[test]
fn c29_line_separator_is_a_line_break() {
    let mut book = Book::valid();
    book.set("总体绩效目标", 1, 0, s("第一段。\u{2028}第二段。"));
    let dir = Dir::new();
    let path = dir.book("分隔符.xlsx", &book);
    let o = check(&[&path]);
    o.assert_clean();
    assert!(o.findings.is_empty(), "{:#?}", o.findings);
    let d = ::jixiao::check::check_path(&path).department.unwrap();
    assert_eq!(d.overall_goals, ["第一段。\n第二段。"]);
}

#[test]
fn c30_bidi_override_is_removed_and_names_still_match() {
    let mut book = Book::valid();
    book.set("项目指标", 1, 0, s("委托\u{202E}评估费"));
    let o = check_book("方向.xlsx", &book);
    o.assert_clean();
    let m = o.has(
        "invisible-character",
        "方向.xlsx",
        Some("项目指标"),
        Some("A2"),
    );
    assert!(m.contains("U+202E（文字方向控制字符）"), "{m}");
}

#[test]
fn c31_zero_width_characters_are_removed_and_names_still_match() {
    let mut book = Book::valid();
    book.set("项目目标", 1, 0, s("委托\u{200B}评估费\u{FEFF}"));
    let o = check_book("零宽.xlsx", &book);
    o.assert_clean();
    o.has(
        "invisible-character",
        "零宽.xlsx",
        Some("项目目标"),
        Some("A2"),
    );
    assert!(o.rule("unknown-project").is_empty());
}

#[test]
fn c32_duplicate_departments_in_one_batch() {
    let dir = Dir::new();
    dir.book("甲.xlsx", &Book::valid());
    dir.book("乙.xlsx", &Book::valid());
    let o = check(&[dir.0.path()]);
    let m = o.error("duplicate-department", "甲.xlsx", None, None);
    assert!(m.contains("乙.xlsx"), "{m}");
    o.has("duplicate-department", "乙.xlsx", None, None);
}

#[test]
fn c33_text_in_a_money_cell_without_knock_on() {
    let mut book = Book::valid();
    book.set("项目", 1, 2, s("八十"));
    let o = check_book("文字金额.xlsx", &book);
    let m = o.error("not-a-number", "文字金额.xlsx", Some("项目"), Some("C2"));
    assert!(m.contains("八十"), "{m}");
    assert_eq!(o.errors().len(), 1, "{:#?}", o.findings);
}

#[test]
fn c34_negative_money() {
    let mut book = Book::valid();
    book.set("项目", 1, 4, C::N(-5.0));
    let o = check_book("负数.xlsx", &book);
    o.error("negative", "负数.xlsx", Some("项目"), Some("E2"));
    assert_eq!(o.errors().len(), 1, "{:#?}", o.findings);
}

#[test]
fn c35_year_in_chinese_numerals() {
    let mut book = Book::valid();
    book.set("基本信息", 2, 1, s("二〇二一"));
    let o = check_book("年度.xlsx", &book);
    o.error("bad-year", "年度.xlsx", Some("基本信息"), Some("B3"));
}

#[test]
fn c36_path_that_does_not_exist() {
    let o = check(&[Path::new("/nonexistent/不存在.xlsx")]);
    o.error("not-found", "不存在.xlsx", None, None);
}

#[test]
fn c37_file_larger_than_the_limit() {
    let dir = Dir::new();
    let path = dir.0.path().join("巨大.xlsx");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(51 * 1024 * 1024).unwrap(); // sparse: instant, no disk used
    let o = check(&[&path]);
    let m = o.error("unreadable", "巨大.xlsx", None, None);
    assert!(m.contains("超出上限 50 MB"), "{m}");
}

#[test]
fn c38_zip_that_is_not_a_workbook() {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    out.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    out.write_all(b"hello").unwrap();
    let bytes = out.finish().unwrap().into_inner();
    let o = check_bytes("压缩包.xlsx", &bytes);
    o.error("unreadable", "压缩包.xlsx", None, None);
}

#[test]
fn c39_blank_indicator_value_and_level3() {
    let mut book = Book::valid();
    book.set("项目指标", 1, 3, s(""))
        .set("项目指标", 2, 5, s("  "));
    let o = check_book("空指标.xlsx", &book);
    o.error("missing-value", "空指标.xlsx", Some("项目指标"), Some("D2"));
    o.has("missing-value", "空指标.xlsx", Some("项目指标"), Some("F3"));
    assert_eq!(o.errors().len(), 2, "{:#?}", o.findings);
}

#[test]
fn c40_findings_workbook_has_an_overview_and_one_sheet_per_department() {
    use calamine::Reader;
    let dir = Dir::new();
    let mut bad = Book::valid();
    bad.set("项目", 1, 3, C::N(70.0));
    bad.set(
        "基本信息",
        1,
        1,
        s("部门[甲]:测试/一*二?三\\四的一个非常非常非常非常长的名称"),
    );
    dir.book("甲.xlsx", &bad);
    dir.book("乙.xlsx", &Book::valid());
    let report = dir.0.path().join("审核意见.xlsx");
    let out = jixiao(&[
        "check",
        dir.0.path().to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("共检查 2 个部门：通过 1 个，未通过 1 个；错误 1 个，警告 0 个"),
        "{stderr}"
    );
    let mut book = calamine::open_workbook_auto(&report).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(names[0], "总览");
    // Files in order: 乙 before 甲.
    assert_eq!(names[1], "测试部门");
    assert!(names[2].chars().count() <= 31, "{names:?}");
    assert!(!names[2].contains(['[', ']', ':', '*', '?', '/', '\\']));
    let overview = book.worksheet_range("总览").unwrap();
    let header: Vec<String> = overview
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "部门",
            "文件",
            "工作表",
            "单元格",
            "严重程度",
            "规则",
            "说明"
        ]
    );
    let row: Vec<String> = overview
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&row[2..6], ["项目", "D2", "错误", "budget-sum"]);
    assert!(row[1].ends_with("甲.xlsx"));
}

// ---------------------------------------------------------------------------------------------
// Contract v2: the optional parts, each check provoked with its cell.

/// The valid book with 项目's implementation-period money in columns K–M.
fn with_term_funds(total: f64, fiscal: f64, other: f64) -> Book {
    let mut book = Book::valid();
    book.set("项目", 0, 10, s("实施期资金总额"))
        .set("项目", 0, 11, s("实施期财政资金"))
        .set("项目", 0, 12, s("实施期其他资金"))
        .set("项目", 1, 10, C::N(total))
        .set("项目", 1, 11, C::N(fiscal))
        .set("项目", 1, 12, C::N(other));
    book
}

#[test]
fn v2_01_term_funds_that_do_not_add_up() {
    let o = check_book("实施期.xlsx", &with_term_funds(240.0, 200.0, 30.0));
    let m = o.error("term-sum", "实施期.xlsx", Some("项目"), Some("L2"));
    assert!(m.contains("230") && m.contains("240"), "{m}");
    assert!(o.rule("term-below-budget").is_empty());
}

#[test]
fn v2_02_term_funds_below_the_year() {
    let o = check_book("实施期小.xlsx", &with_term_funds(60.0, 60.0, 0.0));
    o.assert_clean();
    let m = o.has(
        "term-below-budget",
        "实施期小.xlsx",
        Some("项目"),
        Some("K2"),
    );
    assert!(m.contains("60") && m.contains("80"), "{m}");
}

#[test]
fn v2_03_a_period_that_names_none() {
    let mut book = Book::valid();
    book.set("项目指标", 0, 7, s("期间"))
        .set("项目指标", 1, 7, s("下年"));
    let o = check_book("期间.xlsx", &book);
    let m = o.error("bad-period", "期间.xlsx", Some("项目指标"), Some("H2"));
    assert!(m.contains("下年"), "{m}");
}

#[test]
fn v2_04_term_goal_without_term_indicator() {
    let mut book = Book::valid();
    book.set("项目目标", 0, 2, s("期间"))
        .set("项目目标", 2, 0, s("委托评估费"))
        .set("项目目标", 2, 1, s("三年内完成全部评估"))
        .set("项目目标", 2, 2, s("中期"));
    let o = check_book("实施期目标.xlsx", &book);
    let m = o.error(
        "term-incomplete",
        "实施期目标.xlsx",
        Some("项目"),
        Some("B2"),
    );
    assert!(m.contains("实施期指标"), "{m}");
}

#[test]
fn v2_05_weights_out_of_range_and_not_adding_up() {
    let mut book = Book::valid();
    book.set("项目指标", 0, 7, s("分值"))
        .set("项目指标", 1, 7, C::N(130.0))
        .set("项目指标", 2, 7, s("20"));
    let o = check_book("权重.xlsx", &book);
    o.error("weight-range", "权重.xlsx", Some("项目指标"), Some("H2"));
    let m = o.has("weight-sum", "权重.xlsx", Some("项目指标"), Some("H2"));
    assert!(m.contains("150"), "{m}");

    let mut book = Book::valid();
    book.set("项目指标", 0, 7, s("权重"))
        .set("项目指标", 1, 7, s("七十"));
    let o = check_book("权重文字.xlsx", &book);
    o.has(
        "not-a-number",
        "权重文字.xlsx",
        Some("项目指标"),
        Some("H2"),
    );
}

// Archive bombs: the reference workbook with one part replaced (or added) by a highly
// compressible one. The big part is streamed into the zip writer in chunks, so no test holds
// more than a chunk of it; each file is 1–2 MB on disk.

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// Held by the tests that compress gigabytes and by the one that times a large read, so that on
/// two cores the compressing does not eat the timed test's time.
static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

/// The reference department's workbook, as `jixiao template --example` writes it.
fn reference_bytes() -> Vec<u8> {
    jixiao::xlsx::department::to_workbook(&jixiao::reference::department())
        .unwrap()
        .save_to_buffer()
        .unwrap()
}

/// The text of one part of an archive.
fn zip_text(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The part that holds sheet `name`, found through `xl/workbook.xml` and its relationships.
fn sheet_part(bytes: &[u8], name: &str) -> String {
    let workbook = zip_text(bytes, "xl/workbook.xml");
    let sheet = &workbook[workbook.find(&format!("name=\"{name}\"")).unwrap()..];
    let id = sheet
        .split("r:id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let rels = zip_text(bytes, "xl/_rels/workbook.xml.rels");
    let rel = &rels[rels.find(&format!("Id=\"{id}\"")).unwrap()..];
    let rel = &rel[..rel.find("/>").unwrap()];
    let target = rel
        .split("Target=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    format!("xl/{target}")
}

/// A part's new content: `head`, then `fill` repeated until it makes `fill_bytes` bytes, then
/// `tail`.
struct Part<'a> {
    head: &'a str,
    fill: &'a str,
    fill_bytes: u64,
    tail: &'a str,
}

/// `bytes` (an archive) with `part` replaced by `content`, or added when it is not there.
fn with_part(bytes: &[u8], part: &str, content: &Part) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).unwrap();
        if entry.name().unwrap() != part {
            out.raw_copy_file(entry).unwrap();
        }
    }
    out.start_file(
        part,
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    out.write_all(content.head.as_bytes()).unwrap();
    let chunk = content.fill.repeat((MIB as usize) / content.fill.len());
    let mut left = content.fill_bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        out.write_all(&chunk.as_bytes()[..n]).unwrap();
        left -= n as u64;
    }
    out.write_all(content.tail.as_bytes()).unwrap();
    out.finish().unwrap().into_inner()
}

/// The reference workbook with one cell of 项目指标 holding an inline string of `bytes` bytes.
fn inline_string_bomb(bytes: u64) -> Vec<u8> {
    let reference = reference_bytes();
    let part = sheet_part(&reference, "项目指标");
    let xml = zip_text(&reference, &part);
    let (head, tail) = xml.split_at(xml.find("</sheetData>").unwrap());
    let head = format!("{head}<row r=\"1000\"><c r=\"F1000\" t=\"inlineStr\"><is><t>");
    let tail = format!("</t></is></c></row>{tail}");
    let content = Part {
        head: &head,
        fill: "长",
        fill_bytes: bytes,
        tail: &tail,
    };
    with_part(&reference, &part, &content)
}

/// `jixiao check` of `paths` with the child's peak memory (`/usr/bin/time -f %M`, package
/// `time`, installed by `.ci/run`) and wall time.
fn check_measured(paths: &[&Path]) -> (Outcome, u64, Duration) {
    let dir = Dir::new();
    let report = dir.0.path().join("time.txt");
    let started = Instant::now();
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "json"])
        .args(paths)
        .output()
        .expect("/usr/bin/time must be installed (package time)");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {stderr}"));
    let report = std::fs::read_to_string(&report).unwrap();
    // The last line is the number (a line before it says so when the child failed).
    let peak_kib: u64 = report
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in {report:?}"));
    let findings: Vec<Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {stderr}"));
    (
        Outcome {
            code,
            findings,
            stderr,
        },
        peak_kib * 1024,
        elapsed,
    )
}

/// Checks a crafted archive: refused naming `part`, exit 1, and a bounded peak memory.
fn assert_bomb_refused(name: &str, bytes: &[u8], part: &str, limit: &str) {
    let dir = Dir::new();
    let path = dir.write(name, bytes);
    let (o, peak, elapsed) = check_measured(&[&path]);
    // For the record (`cargo test --test it bad_inputs:: -- --nocapture`).
    eprintln!(
        "{name}: {:.1} MB file, peak {:.0} MB, {elapsed:.2?}",
        bytes.len() as f64 / MIB as f64,
        peak as f64 / MIB as f64
    );
    assert_eq!(o.code, 1, "{:#?}\n{}", o.findings, o.stderr);
    let m = o.has("archive-too-large", name, None, None);
    assert!(
        m.contains(&format!("解压后过大：{part} 超过 {limit}")),
        "{m}"
    );
    assert_eq!(o.errors().len(), 1, "{:#?}", o.findings);
    assert!(peak < 300 * MIB, "peak memory {peak} bytes for {name}");
}

#[test]
fn c41_a_1_gib_inline_string_is_refused_before_it_is_read() {
    let _heavy = heavy();
    let bytes = inline_string_bomb(GIB);
    // Far under the 50 MB file limit.
    assert!(bytes.len() < 10 * MIB as usize, "{}", bytes.len());
    let reference = reference_bytes();
    let part = sheet_part(&reference, "项目指标");
    assert_bomb_refused("一吉字符.xlsx", &bytes, &part, "32 MB");
}

#[test]
fn c42_a_2_gib_inline_string_is_refused_before_it_is_read() {
    let _heavy = heavy();
    let bytes = inline_string_bomb(2 * GIB);
    let part = sheet_part(&reference_bytes(), "项目指标");
    assert_bomb_refused("二吉字符.xlsx", &bytes, &part, "32 MB");
}

#[test]
fn c43_an_unreferenced_1_gib_shared_string_is_refused() {
    let _heavy = heavy();
    // No cell refers to it, so reading the sheets alone would never notice it.
    let reference = reference_bytes();
    let xml = zip_text(&reference, "xl/sharedStrings.xml");
    let (head, tail) = xml.split_at(xml.find("</sst>").unwrap());
    let head = format!("{head}<si><t>");
    let tail = format!("</t></si>{tail}");
    let content = Part {
        head: &head,
        fill: "a",
        fill_bytes: GIB,
        tail: &tail,
    };
    let bytes = with_part(&reference, "xl/sharedStrings.xml", &content);
    assert_bomb_refused("共享字符串.xlsx", &bytes, "xl/sharedStrings.xml", "16 MB");
}

#[test]
fn c44_1_gib_of_tiny_rows_is_refused() {
    let _heavy = heavy();
    let reference = reference_bytes();
    let part = sheet_part(&reference, "项目指标");
    let xml = zip_text(&reference, &part);
    let (head, tail) = xml.split_at(xml.find("</sheetData>").unwrap());
    let content = Part {
        head,
        fill: "<row><c><v>1</v></c></row>",
        fill_bytes: GIB,
        tail,
    };
    let bytes = with_part(&reference, &part, &content);
    assert_bomb_refused("小行.xlsx", &bytes, &part, "32 MB");
}

#[test]
fn c45_parts_that_together_inflate_too_much() {
    let _heavy = heavy();
    // Two parts of 30 MB each: each within the part limit, together over 40 MB.
    let mut bytes = reference_bytes();
    for i in 1..=2 {
        let content = Part {
            head: "",
            fill: " ",
            fill_bytes: 30 * MIB,
            tail: "",
        };
        bytes = with_part(&bytes, &format!("xl/media/padding{i}.bin"), &content);
    }
    let dir = Dir::new();
    let path = dir.write("合计.xlsx", &bytes);
    let (o, peak, _) = check_measured(&[&path]);
    let m = o.error("archive-too-large", "合计.xlsx", None, None);
    assert!(
        m.contains("解压到 xl/media/padding2.bin 时合计已超过 40 MB"),
        "{m}"
    );
    assert!(peak < 300 * MIB, "peak memory {peak} bytes");
}

#[test]
fn c46_a_batch_with_a_bomb_builds_the_good_department() {
    let _heavy = heavy();
    let dir = Dir::new();
    dir.write("炸弹.xlsx", &inline_string_bomb(GIB));
    dir.write("好.xlsx", &reference_bytes());
    let out_dir = tempfile::tempdir().unwrap();
    let out = jixiao(&[
        "build",
        dir.0.path().to_str().unwrap(),
        "-o",
        out_dir.path().to_str().unwrap(),
        "--quiet",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("炸弹.xlsx"), "{stderr}");
    assert!(stderr.contains("解压后过大"), "{stderr}");
    let pdf = common::only_pdf(out_dir.path());
    assert!(
        pdf.ends_with("唐山高新区行政服务中心2021年部门预算绩效文本.pdf"),
        "{pdf:?}"
    );
}

#[test]
fn v2_06_unit_that_contradicts_the_value() {
    let mut book = Book::valid();
    book.set("项目指标", 0, 7, s("计量单位"))
        .set("项目指标", 1, 7, s("项"))
        .set("项目指标", 2, 7, s("%"));
    let o = check_book("单位.xlsx", &book);
    o.assert_clean();
    let m = o.has("unit-mismatch", "单位.xlsx", Some("项目指标"), Some("H2"));
    assert!(m.contains("项") && m.contains("次"), "{m}");
    assert_eq!(o.rule("unit-mismatch").len(), 1, "{:#?}", o.findings);
}

#[test]
fn v2_07_task_money_that_does_not_add_up_and_a_bad_money_unit() {
    let mut book = Book::valid();
    book.sheets.push(sheet(
        "年度主要任务",
        vec![
            vec![
                s("任务名称"),
                s("主要内容"),
                s("预算数"),
                s("财政资金"),
                s("其他资金"),
            ],
            vec![s("行政审批"), s("办理审批事项"), C::N(50.0), C::N(40.0)],
            vec![s("政务公开"), s("公开政务信息")],
        ],
    ));
    book.set("基本信息", 7, 0, s("金额单位"))
        .set("基本信息", 7, 1, s("千元"));
    let o = check_book("任务.xlsx", &book);
    let m = o.error("task-sum", "任务.xlsx", Some("年度主要任务"), Some("D2"));
    assert!(m.contains("行政审批"), "{m}");
    let m = o.has("bad-unit", "任务.xlsx", Some("基本信息"), Some("B8"));
    assert!(m.contains("千元"), "{m}");
}

#[test]
fn v2_08_department_indicators_follow_the_indicator_rules() {
    let mut book = Book::valid();
    book.sheets.push(sheet(
        "部门整体指标",
        vec![
            vec![s("一级指标"), s("二级指标"), s("三级指标"), s("指标值")],
            vec![s("产出指表"), s("数量指标"), s("办件量"), s(">=1000件")],
            vec![
                s("满意度指标"),
                s("服务对象满意度指标"),
                s("满意率"),
                s("明显提升"),
            ],
        ],
    ));
    let o = check_book("部门指标.xlsx", &book);
    o.error(
        "level1-unknown",
        "部门指标.xlsx",
        Some("部门整体指标"),
        Some("A2"),
    );
    o.has(
        "not-quantified",
        "部门指标.xlsx",
        Some("部门整体指标"),
        Some("D3"),
    );
}

#[test]
fn c47_too_many_entries() {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut archive = zip::ZipArchive::new(Cursor::new(reference_bytes())).unwrap();
    for i in 0..archive.len() {
        out.raw_copy_file(archive.by_index_raw(i).unwrap()).unwrap();
    }
    let parts = archive.len() + 10_000;
    for i in 0..10_000 {
        out.start_file(
            format!("xl/媒体/{i}.txt"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    let o = check_bytes("部件多.xlsx", &bytes);
    let m = o.error("archive-too-large", "部件多.xlsx", None, None);
    assert!(
        m.contains(&format!("部件过多：{parts} 个，超出上限 10000 个")),
        "{m}"
    );
}

#[test]
fn c48_two_parts_of_the_same_name() {
    // Written under two names, then the second renamed to the first in every header.
    let reference = reference_bytes();
    let twin = Part {
        head: "<x/>",
        fill: " ",
        fill_bytes: 0,
        tail: "",
    };
    let bytes = with_part(&reference, "xl/worksheets/sheetX.xml", &twin);
    let bytes = replace_bytes(
        &bytes,
        b"xl/worksheets/sheetX.xml",
        b"xl/worksheets/sheet1.xml",
    );
    let o = check_bytes("重名.xlsx", &bytes);
    let m = o.error("unreadable", "重名.xlsx", None, None);
    assert!(m.contains("同名的部件"), "{m}");
}

#[test]
fn c49_parts_that_share_their_data() {
    let mut archive = zip::ZipArchive::new(Cursor::new(reference_bytes())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        out.raw_copy_file(archive.by_index_raw(i).unwrap()).unwrap();
    }
    out.shallow_copy_file("xl/sharedStrings.xml", "xl/copy.xml")
        .unwrap();
    let bytes = out.finish().unwrap().into_inner();
    let o = check_bytes("重叠.xlsx", &bytes);
    let m = o.error("unreadable", "重叠.xlsx", None, None);
    assert!(m.contains("相互重叠"), "{m}");
}

#[test]
fn c50_a_stored_archive_of_the_reference_is_clean() {
    // The same parts without compression, as the fuzzing seed is.
    let mut archive = zip::ZipArchive::new(Cursor::new(reference_bytes())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        std::io::copy(&mut entry, &mut out).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    check_bytes("未压缩.xlsx", &bytes).assert_clean();
}

fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = haystack.to_vec();
    let mut i = 0;
    let mut replaced = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            replaced += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(replaced >= 2, "local and central headers");
    out
}

// ---------------------------------------------------------------------------------------------
// Compound files (.xls) whose sector chains loop: calamine would read them without end.

/// A version-3 compound file (512-byte sectors) with a `Workbook` stream of 8 KB.
fn compound_file() -> Vec<u8> {
    let mut cfb =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/Workbook")
        .unwrap()
        .write_all(&[0u8; 8192])
        .unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// Where the FAT entry of sector `id` is (the FAT's first sector is all these files need).
fn fat_entry(bytes: &[u8], id: u32) -> usize {
    let fat_sector = u32_at(bytes, 76) as usize;
    512 * (fat_sector + 1) + 4 * id as usize
}

#[test]
fn c51_xls_whose_directory_chain_loops() {
    let mut bytes = compound_file();
    let dir = u32_at(&bytes, 48);
    let at = fat_entry(&bytes, dir);
    bytes[at..at + 4].copy_from_slice(&dir.to_le_bytes());
    let o = check_bytes("循环.xls", &bytes);
    let m = o.error("unreadable", "循环.xls", None, None);
    assert!(m.contains("目录的扇区链首尾相接"), "{m}");
}

#[test]
fn c52_xls_whose_stream_claims_more_than_the_file() {
    let mut bytes = compound_file();
    let dir = 512 * (u32_at(&bytes, 48) as usize + 1);
    let name: Vec<u8> = "Workbook"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let entry = (0..4)
        .map(|k| dir + 128 * k)
        .find(|&e| bytes[e..].starts_with(&name))
        .expect("the Workbook entry");
    // Its chain loops back to its start, and it claims 4 GB: read as declared, that is 4 GB.
    let start = u32_at(&bytes, entry + 116);
    let mut last = start;
    while u32_at(&bytes, fat_entry(&bytes, last)) != 0xFFFF_FFFE {
        last = u32_at(&bytes, fat_entry(&bytes, last));
    }
    let at = fat_entry(&bytes, last);
    bytes[at..at + 4].copy_from_slice(&start.to_le_bytes());
    bytes[entry + 120..entry + 124].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
    let o = check_bytes("流过大.xls", &bytes);
    let m = o.error("unreadable", "流过大.xls", None, None);
    assert!(
        m.contains("流“Workbook”声明的大小（4294967040 字节）超过了文件本身"),
        "{m}"
    );
}

#[test]
fn c53_shared_strings_that_declare_ten_billion_strings() {
    // calamine reserves room for the declared count before reading a string: 240 GB here.
    let reference = reference_bytes();
    let xml = zip_text(&reference, "xl/sharedStrings.xml");
    let start = xml.find("<sst").unwrap();
    let end = start + xml[start..].find('>').unwrap();
    let sst = &xml[start..end];
    let patched = format!(
        "{}{} uniqueCount=\"10000000000\"{}",
        &xml[..start],
        sst.split(" uniqueCount").next().unwrap(),
        &xml[end..]
    );
    let content = Part {
        head: &patched,
        fill: " ",
        fill_bytes: 0,
        tail: "",
    };
    let bytes = with_part(&reference, "xl/sharedStrings.xml", &content);
    let o = check_bytes("声明.xlsx", &bytes);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let m = o.has("unreadable", "声明.xlsx", None, None);
    assert!(
        m.contains("xl/sharedStrings.xml 声明有 10000000000 个字符串"),
        "{m}"
    );
}

#[test]
fn c54_cells_that_all_refer_to_one_long_shared_string() {
    // 32,767 characters (the most a cell may hold) in one shared string, used by 400 cells:
    // 8 KB of sheet, but 39 MB if every cell kept its own copy (a 64 MB sheet of such cells
    // would be 300 GB).
    let long = "长".repeat(32_767);
    let mut book = Book::valid();
    for i in 0..400 {
        book.sheet("项目指标")
            .extra
            .push((10 + i / 20, (i % 20) as u16 + 10, C::S(long.clone())));
    }
    let dir = Dir::new();
    let path = dir.book("重复长文字.xlsx", &book);
    let (o, peak, _) = check_measured(&[&path]);
    assert_eq!(o.code, 1);
    let found = o.rule("sheet-too-large");
    assert_eq!(found.len(), 1, "{:#?}", o.findings);
    let m = found[0]["message"].as_str().unwrap();
    assert!(m.contains("文字合计已超过 32 MB"), "{m}");
    assert_eq!(found[0]["sheet"], "项目指标");
    assert!(peak < 300 * MIB, "peak memory {peak} bytes");
}

#[test]
fn c55_number_pasted_into_a_percent_cell() {
    // 项目 row 2: 3月底 G2 holds a pasted 25 (shown as 2500%), 6月底 H2 a typed 50% (0.5),
    // 10月底 I2 a pasted 12.5 (1250%), 12月底 J2 a typed 100% (stored as exactly 1).
    let mut book = Book::valid();
    book.set("项目", 1, 6, C::P(25.0))
        .set("项目", 1, 7, C::P(0.5))
        .set("项目", 1, 8, C::P(12.5))
        .set("项目", 1, 9, C::P(1.0));
    let o = check_book("粘贴百分比.xlsx", &book);
    assert_eq!(o.code, 1);
    let message = o.has(
        "pasted-percent",
        "粘贴百分比.xlsx",
        Some("项目"),
        Some("G2"),
    );
    assert!(
        message.contains("“3月底”单元格显示为 2500%（存的是 25")
            && message.contains("若要填 25%，请输入 25% 或 0.25"),
        "{message}"
    );
    let message = o.has(
        "pasted-percent",
        "粘贴百分比.xlsx",
        Some("项目"),
        Some("I2"),
    );
    assert!(
        message.contains("显示为 1250%") && message.contains("请输入 12.5% 或 0.125"),
        "{message}"
    );
    // The two pasted cells and nothing else: no 2500% out of range, no knock-on decrease, and
    // 0.5 and an exact 1 (100%) are read as typed.
    assert_eq!(o.errors().len(), 2, "{:#?}", o.findings);
    assert!(o.rule("plan-range").is_empty(), "{:#?}", o.findings);

    // Typed as 25% (or 0.25) the row is clean.
    let mut book = Book::valid();
    book.set("项目", 1, 6, C::P(0.25))
        .set("项目", 1, 7, C::P(0.5))
        .set("项目", 1, 8, C::P(0.75))
        .set("项目", 1, 9, C::P(1.0));
    check_book("键入百分比.xlsx", &book).assert_clean();
}

// ---------------------------------------------------------------------------------------------
// Parts within the size limits whose content costs the reader far more than their bytes: each
// is refused (or stopped) early, with a peak memory far below the 300 MB the tool allows itself.

/// The reference workbook with `fill` repeated to `fill_bytes` just before `marker` in `part`.
fn filled(part: &str, marker: &str, fill: &str, fill_bytes: u64) -> Vec<u8> {
    let reference = reference_bytes();
    let xml = zip_text(&reference, part);
    let (head, tail) = xml.split_at(xml.find(marker).unwrap());
    let content = Part {
        head,
        fill,
        fill_bytes,
        tail,
    };
    with_part(&reference, part, &content)
}

/// Checks a crafted archive refused for what its formats would cost, with a bounded peak.
fn assert_styles_refused(name: &str, bytes: &[u8], formats: &str) {
    let dir = Dir::new();
    let path = dir.write(name, bytes);
    let (o, peak, elapsed) = check_measured(&[&path]);
    eprintln!(
        "{name}: peak {:.0} MB, {elapsed:.2?}",
        peak as f64 / MIB as f64
    );
    assert_eq!(o.code, 1, "{:#?}\n{}", o.findings, o.stderr);
    let m = o.has("archive-too-large", name, None, None);
    assert!(
        m.contains(&format!(
            "单元格格式过多：xl/styles.xml 中有 {formats} 个格式"
        )),
        "{m}"
    );
    assert_eq!(o.errors().len(), 1, "{:#?}", o.findings);
    assert!(peak < 300 * MIB, "peak memory {peak} bytes for {name}");
}

#[test]
fn c56_a_million_cell_formats_are_refused_before_they_are_read() {
    let _heavy = heavy();
    // 5 MB of `<xf/>`: within the 16 MB part limit, but a million style records (about 200 MB
    // once read; four million took 765 MB and 37 s).
    let bytes = filled("xl/styles.xml", "</cellXfs>", "<xf/>", 5_000_000);
    assert_styles_refused("格式多.xlsx", &bytes, "1000006");
}

#[test]
fn c57_a_long_font_name_copied_into_every_format_is_refused() {
    let _heavy = heavy();
    // One font named by 1 MB and 20,000 formats that use it: 1.2 MB of XML, 20 GB once every
    // format has its own copy of the font.
    let reference = reference_bytes();
    let xml = zip_text(&reference, "xl/styles.xml");
    let font = format!(
        "<font><name val=\"{}\"/></font></fonts>",
        "F".repeat(1 << 20)
    );
    let xml = xml.replacen("</fonts>", &font, 1);
    let xfs = "<xf fontId=\"2\"/>".repeat(20_000);
    let xml = xml.replacen("</cellXfs>", &format!("{xfs}</cellXfs>"), 1);
    let content = Part {
        head: &xml,
        fill: " ",
        fill_bytes: 0,
        tail: "",
    };
    let bytes = with_part(&reference, "xl/styles.xml", &content);
    assert_styles_refused("字体名.xlsx", &bytes, "20006");
}

#[test]
fn c58_the_parts_the_reader_keeps_whole_have_their_own_limits() {
    let _heavy = heavy();
    // Four million one-letter shared strings (63 MB; they cost 226 MB and 42 s when the limit
    // was 64 MB a part).
    let bytes = filled(
        "xl/sharedStrings.xml",
        "</sst>",
        "<si><t>a</t></si>",
        63 * MIB,
    );
    assert_bomb_refused("字符串多.xlsx", &bytes, "xl/sharedStrings.xml", "16 MB");
    // Four million tiny cells in one sheet (63 MB; 321 MB and 86 s before).
    let part = sheet_part(&reference_bytes(), "项目指标");
    let row = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(200));
    let bytes = filled(&part, "</sheetData>", &row, 63 * MIB);
    assert_bomb_refused("单元格多.xlsx", &bytes, &part, "32 MB");
    // 5 MB of defined names in the workbook part.
    let names = "<definedName name=\"a\">b</definedName>";
    let bytes = filled("xl/workbook.xml", "</definedNames>", names, 5 * MIB);
    assert_bomb_refused("名称多.xlsx", &bytes, "xl/workbook.xml", "4 MB");
}

#[test]
fn c59_stacked_merged_regions_cost_one_pass_per_column() {
    // 3,000 indicator rows and 3,000 merged regions each spanning all of them: read region by
    // region that was 3,000 × 3,000 × 6 lookups; each stored cell is now visited once per column.
    let mut book = Book::valid();
    let rows = &mut book.sheet("项目指标").rows;
    let template = rows[1].clone();
    for _ in 0..3_000 {
        rows.push(template.clone());
    }
    let last = book.sheet("项目指标").rows.len();
    let bytes = book.bytes();
    let part = sheet_part(&bytes, "项目指标");
    let merges = format!("<mergeCell ref=\"A3:F{last}\"/>").repeat(3_000);
    let xml = zip_text(&bytes, &part);
    let xml = match xml.find("<mergeCells") {
        Some(_) => xml.replacen("</mergeCells>", &format!("{merges}</mergeCells>"), 1),
        None => xml.replacen(
            "</sheetData>",
            &format!("</sheetData><mergeCells>{merges}</mergeCells>"),
            1,
        ),
    };
    let content = Part {
        head: &xml,
        fill: " ",
        fill_bytes: 0,
        tail: "",
    };
    let bytes = with_part(&bytes, &part, &content);
    let dir = Dir::new();
    let path = dir.write("合并多.xlsx", &bytes);
    let (o, peak, elapsed) = check_measured(&[&path]);
    eprintln!(
        "合并多.xlsx: peak {:.0} MB, {elapsed:.2?}",
        peak as f64 / MIB as f64
    );
    assert!(o.code <= 1, "{}", o.stderr);
    assert!(peak < 300 * MIB, "peak memory {peak} bytes");
}

#[test]
fn c60_xls_whose_two_cells_span_a_whole_sheet() {
    // calamine reads an .xls sheet into a grid of its whole used area: a number at A1 and one
    // at IV65536 (a 5 KB file) cost 900 MB a sheet, 2.1 GB and 25 s with three sheets.
    let record = |kind: u16, data: &[u8]| {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    };
    let number = |row: u16, col: u16| {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(1f64.to_le_bytes());
        record(0x0203, &d)
    };
    let bof = record(
        0x0809,
        &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let mut stream = Vec::new();
    for _ in 0..3 {
        stream.extend(&bof);
        stream.extend(number(0, 0));
        stream.extend(number(65_535, 255));
        stream.extend(record(0x000A, &[]));
    }
    let mut cfb =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cfb.flush().unwrap();
    let bytes = cfb.into_inner().into_inner();
    let dir = Dir::new();
    let path = dir.write("两角.xls", &bytes);
    let (o, peak, _) = check_measured(&[&path]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let m = o.has("archive-too-large", "两角.xls", None, None);
    assert!(
        m.contains("合计占 50331648 个单元格，超出上限 2000000 个"),
        "{m}"
    );
    assert!(peak < 300 * MIB, "peak memory {peak} bytes");
}

/// An `.ods` (the OpenDocument spreadsheet ZIP) whose one sheet, 基本信息, has rows `rows`.
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"基本信息\">{rows}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).unwrap();
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    for (name, text) in [
        ("content.xml", content.as_str()),
        ("META-INF/manifest.xml", manifest),
    ] {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn c61_ods_whose_repeated_rows_and_columns_would_make_ten_million_cells() {
    // One row repeated 100,000 times, its one cell 100 times: 819 bytes, which calamine writes
    // out when it opens the file (1.8 GB and 12 s before the guard; above 100,000,000 cells
    // calamine gives up by itself).
    let row = "<table:table-row table:number-rows-repeated=\"100000\">\
               <table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"100\">\
               <text:p>x</text:p></table:table-cell></table:table-row>";
    let bytes = ods(row);
    assert!(bytes.len() < 2000, "{} bytes", bytes.len());
    let dir = Dir::new();
    let path = dir.write("重复.ods", &bytes);
    let (o, peak, _) = check_measured(&[&path]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let m = o.has("archive-too-large", "重复.ods", None, None);
    assert!(
        m.contains("content.xml") && m.contains("合计 10000100 个单元格，超出上限 1000000 个"),
        "{m}"
    );
    assert!(peak < 300 * MIB, "peak memory {peak} bytes");
}

#[test]
fn c62_ods_with_the_empty_rows_and_columns_spreadsheet_programs_write_is_read() {
    // LibreOffice ends each row and the sheet with empty cells and rows repeated to the edge of
    // the sheet: they are never written out, so the file is read (and found wanting only for
    // its missing sheets).
    let row = "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>部门名称</text:p></table:table-cell>\
               <table:table-cell table:number-columns-repeated=\"16383\"/></table:table-row>\
               <table:table-row table:number-rows-repeated=\"1048575\">\
               <table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>";
    let o = check_bytes("空行.ods", &ods(row));
    assert!(o.rule("archive-too-large").is_empty(), "{:#?}", o.findings);
    o.has("missing-sheet", "空行.ods", None, None);
}

// ---------------------------------------------------------------------------------------------
// Self-evaluation workbooks (绩效自评, contract v3).

/// The reference department's 2021 self-evaluation as a workbook, to change before saving.
fn self_evaluation_book() -> rust_xlsxwriter::Workbook {
    let department = jixiao::reference::self_evaluation_department();
    let evaluation = jixiao::reference::evaluation::evaluation();
    jixiao::xlsx::department::evaluation_to_workbook(&department, &evaluation).unwrap()
}

/// The 0-based column of `column` in a sheet of the self-evaluation workbook.
fn at(sheet: &str, column: &str) -> u16 {
    jixiao::contract::sheet_named(sheet).position(column)
}

/// The uncompressed copy of an xlsx (what the fuzzing seeds are: their XML is mutated directly).
fn stored(bytes: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, options).unwrap();
        std::io::copy(&mut entry, &mut out).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn c63_the_self_evaluation_seed_is_clean_and_current() {
    // The fuzzing seed of the self-evaluation workbook is the reference one, stored: clean, and
    // exactly what the writer makes today (so that the seed follows the contract).
    let bytes = stored(&self_evaluation_book().save_to_buffer().unwrap());
    check_bytes("自评.xlsx", &bytes).assert_clean();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds/workbook/self-evaluation-stored.xlsx");
    let committed = std::fs::read(&seed).unwrap_or_default();
    if std::env::var_os("JIXIAO_WRITE_SEEDS").is_some() {
        std::fs::write(&seed, &bytes).unwrap();
    } else {
        assert!(
            committed == bytes,
            "{} is not the current reference self-evaluation (JIXIAO_WRITE_SEEDS=1 rewrites it)",
            seed.display()
        );
    }
}

#[test]
fn c64_self_evaluation_cells_of_every_bad_kind_are_named() {
    let mut book = self_evaluation_book();
    let funds = book.worksheet_from_name("项目资金执行").unwrap();
    funds
        .write_formula(
            1,
            at("项目资金执行", "全年预算数"),
            Formula::new("=1/0").set_result("#DIV/0!"),
        )
        .unwrap();
    funds
        .write_string(1, at("项目资金执行", "全年执行数"), "七十六点八")
        .unwrap();
    funds
        .write_string(2, at("项目资金执行", "资金来源"), "专项资金")
        .unwrap();
    let indicators = book.worksheet_from_name("项目指标").unwrap();
    indicators
        .write_string(1, at("项目指标", "得分"), "满分")
        .unwrap();
    indicators
        .write_formula(
            2,
            at("项目指标", "实际完成值"),
            Formula::new("=#REF!").set_result("#REF!"),
        )
        .unwrap();
    let o = check_bytes("自评.xlsx", &book.save_to_buffer().unwrap());
    let funds = Some("项目资金执行");
    o.error("cell-error", "自评.xlsx", funds, Some("D2"));
    let m = o.error("not-a-number", "自评.xlsx", funds, Some("E2"));
    assert!(m.contains("七十六点八"), "{m}");
    let m = o.error("bad-fund-source", "自评.xlsx", funds, Some("B3"));
    assert!(m.contains("专项资金"), "{m}");
    let m = o.error("not-a-number", "自评.xlsx", Some("项目指标"), Some("N2"));
    assert!(m.contains("满分"), "{m}");
    o.error("cell-error", "自评.xlsx", Some("项目指标"), Some("M3"));
}

#[test]
fn c65_self_evaluation_headers_by_their_other_names_read_the_same() {
    // 调整后预算数, 预算执行数, 完成值, 未完成原因分析: the names other regions' forms use.
    let mut book = self_evaluation_book();
    let funds = book.worksheet_from_name("项目资金执行").unwrap();
    funds
        .write_string(0, at("项目资金执行", "全年预算数"), "调整后预算数（万元）")
        .unwrap();
    funds
        .write_string(0, at("项目资金执行", "全年执行数"), "预算执行数")
        .unwrap();
    let indicators = book.worksheet_from_name("项目指标").unwrap();
    indicators
        .write_string(0, at("项目指标", "实际完成值"), "完成值")
        .unwrap();
    indicators
        .write_string(
            0,
            at("项目指标", "偏差原因分析及改进措施"),
            "未完成原因分析",
        )
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    check_bytes("自评.xlsx", &bytes).assert_clean();
    let dir = Dir::new();
    let path = dir.write("自评.xlsx", &bytes);
    let read = jixiao::read::read(&path).workbook.unwrap();
    assert_eq!(
        read.evaluation,
        Some(jixiao::reference::evaluation::evaluation())
    );
}

#[test]
fn c66_a_self_evaluation_without_its_actual_values_column_says_so_once() {
    let mut book = self_evaluation_book();
    book.worksheet_from_name("项目指标")
        .unwrap()
        .write_string(0, at("项目指标", "实际完成值"), "备用")
        .unwrap();
    let o = check_bytes("自评.xlsx", &book.save_to_buffer().unwrap());
    let m = o.error("missing-column", "自评.xlsx", Some("项目指标"), None);
    assert!(m.contains("实际完成值"), "{m}");
    assert_eq!(o.rule("missing-column").len(), 1, "{:#?}", o.findings);
}
