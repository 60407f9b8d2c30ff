//! Publication with the real binary: the combined volume (`--volume`), the summary workbook
//! (`--summary`), and the data inside each PDF (`jixiao extract`, round trip to the same bytes).

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;

use calamine::{Data, Reader, open_workbook_auto};
use common::{build, jixiao};
use hayro_syntax::Pdf;
use hayro_syntax::object::{Array, Dict, ObjectIdentifier, String as PdfString};
use jixiao::model::Department;
use rust_decimal::Decimal;

/// The reference department renamed, with a 部门编码 and amounts that float arithmetic would get
/// wrong (0.1 + 0.2 ≠ 0.3 in binary).
fn department(name: &str, code: Option<&str>, cents: i64) -> Department {
    let mut d = jixiao::reference::department();
    d.name = name.to_string();
    d.code = code.map(str::to_string);
    d.title = Department::default_title(name, d.year);
    let extra = Decimal::new(cents, 1);
    d.projects[0].other_funds += extra;
    d.projects[0].budget += extra;
    d
}

fn write(d: &Department, path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    jixiao::xlsx::department::write_department(d, path).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn pages(pdf: &Path) -> usize {
    Pdf::new(std::fs::read(pdf).unwrap()).unwrap().pages().len()
}

/// One entry of a PDF's outline (bookmarks).
#[derive(Debug)]
struct OutlineEntry {
    /// 1 for the top level.
    level: usize,
    title: String,
    /// 1-based.
    page: usize,
}

/// The outline of a PDF, depth first, read with hayro-syntax.
fn outline(pdf: &Path) -> Vec<OutlineEntry> {
    let pdf = Pdf::new(std::fs::read(pdf).unwrap()).unwrap();
    let pages: Vec<_> = pdf.pages().iter().map(|p| p.raw().obj_id()).collect();
    let xref = pdf.xref();
    let catalog: Dict = xref.get(xref.root_id()).unwrap();
    let mut entries = Vec::new();
    fn walk(
        first: Option<Dict>,
        level: usize,
        pages: &[Option<ObjectIdentifier>],
        out: &mut Vec<OutlineEntry>,
    ) {
        let mut item = first;
        while let Some(entry) = item {
            let title = entry
                .get::<PdfString>(b"Title")
                .map(|t| jixiao::publish::extract::text_string(t.as_bytes()))
                .unwrap_or_default();
            let dest = entry
                .get::<Array>(b"Dest")
                .or_else(|| entry.get::<Dict>(b"A").and_then(|a| a.get::<Array>(b"D")));
            let page = dest
                .and_then(|d| d.iter::<Dict>().next())
                .and_then(|page| pages.iter().position(|p| *p == page.obj_id()))
                .map_or(0, |i| i + 1);
            out.push(OutlineEntry { level, title, page });
            walk(entry.get::<Dict>(b"First"), level + 1, pages, out);
            item = entry.get::<Dict>(b"Next");
        }
    }
    walk(
        catalog
            .get::<Dict>(b"Outlines")
            .and_then(|o| o.get::<Dict>(b"First")),
        1,
        &pages,
        &mut entries,
    );
    entries
}

/// The text of page `page` (1-based), by pdftotext.
fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-f", &n, "-l", &n])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Three departments (out of code order, one without a code) and one that fails its checks.
struct Run {
    _dir: tempfile::TempDir,
    input: PathBuf,
    out: PathBuf,
    volume: PathBuf,
    summary: PathBuf,
    departments: Vec<Department>,
}

fn run() -> Run {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let departments = vec![
        department("丙局", Some("003"), 1),
        department("甲局", Some("001"), 2),
        department("乙局", None, 3),
    ];
    for (i, d) in departments.iter().enumerate() {
        write(d, &input.join(format!("{i}.xlsx")));
    }
    let mut broken = department("丁局", Some("002"), 0);
    broken.projects[0].budget += Decimal::ONE;
    write(&broken, &input.join("broken.xlsx"));
    let out = dir.path().join("out");
    let volume = dir.path().join("汇编.pdf");
    let summary = dir.path().join("汇总.xlsx");
    Run {
        input,
        out,
        volume,
        summary,
        departments,
        _dir: dir,
    }
}

fn build_run(run: &Run) -> Output {
    build(
        &run.input,
        &run.out,
        &[
            "--volume",
            run.volume.to_str().unwrap(),
            "--publisher",
            "某某区财政局",
            "--summary",
            run.summary.to_str().unwrap(),
        ],
    )
}

/// In volume order: 部门编码, then 部门名称, those without a code last.
const ORDER: [&str; 3] = ["甲局", "丙局", "乙局"];

#[test]
fn the_volume_holds_every_good_department_with_contents_and_outline() {
    let run = run();
    let result = build_run(&run);
    let text = stderr(&result);
    // One department has errors: the run fails, the others are built and bound.
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(text.contains("已写出汇编"), "{text}");
    assert!(text.contains("3 个部门"), "{text}");
    assert!(
        text.contains("未收入汇编") && text.contains("broken.xlsx"),
        "{text}"
    );

    // Pages: the cover, one page of contents, then every department's pages as in its own PDF.
    let singles: Vec<usize> = ORDER
        .iter()
        .map(|name| pages(&run.out.join(format!("{name}2021年部门预算绩效文本.pdf"))))
        .collect();
    let total = pages(&run.volume);
    assert_eq!(total, singles.iter().sum::<usize>() + 2, "{singles:?}");

    // Outline: one top-level entry per department, in order, with its parts and tables beneath.
    let toc = outline(&run.volume);
    let top: Vec<(&str, usize)> = toc
        .iter()
        .filter(|t| t.level == 1)
        .map(|t| (t.title.as_str(), t.page))
        .collect();
    assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), ORDER);
    let first_department = toc.iter().position(|t| t.level == 1).unwrap();
    let beneath: Vec<(usize, &str)> = toc[first_department + 1..]
        .iter()
        .take_while(|t| t.level > 1)
        .map(|t| (t.level, t.title.as_str()))
        .collect();
    let parts: Vec<&str> = beneath
        .iter()
        .filter(|(l, _)| *l == 2)
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(parts.len(), 2, "{beneath:?}");
    assert!(parts[0].starts_with("第一部分"), "{beneath:?}");
    assert!(parts[1].starts_with("第二部分"), "{beneath:?}");
    assert!(
        beneath
            .iter()
            .any(|(l, t)| *l == 3 && t.contains("总体绩效目标")),
        "{beneath:?}"
    );
    // A PDF outline is a tree: the project tables sit directly under 第二部分.
    let tables: Vec<&str> = beneath
        .iter()
        .skip_while(|(_, t)| !t.starts_with("第二部分"))
        .skip(1)
        .map(|(l, t)| {
            assert_eq!(*l, 3, "{t}");
            *t
        })
        .collect();
    let first = &run.departments[1];
    assert_eq!(tables.len(), first.projects.len(), "{beneath:?}");
    for (title, project) in tables.iter().zip(&first.projects) {
        assert!(
            title.contains(&project.name) && title.ends_with("绩效目标表"),
            "{title}"
        );
    }

    // The cover, then the contents: each department with the page number printed on its first
    // page (page numbers count from the contents page, so physical page = number + 1).
    let cover: String = page_text(&run.volume, 1).split_whitespace().collect();
    assert!(cover.contains("2021年部门预算绩效文本汇编"), "{cover}");
    assert!(cover.contains("某某区财政局"), "{cover}");
    let contents = page_text(&run.volume, 2);
    assert!(
        contents
            .split_whitespace()
            .collect::<String>()
            .contains("目录"),
        "{contents}"
    );
    let mut expected_start = 3;
    for ((name, outline_page), single) in top.iter().zip(&singles) {
        let line = contents
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not in the contents: {contents}"));
        let number: usize = line
            .trim_end()
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("no page number in {line:?}"));
        assert_eq!(number + 1, expected_start, "{name}: {line}");
        assert_eq!(*outline_page, expected_start, "{name}");
        let first: String = page_text(&run.volume, expected_start)
            .split_whitespace()
            .collect();
        assert!(first.contains(name) && first.contains("编制"), "{first}");
        assert!(
            first.contains(&format!("—{number}—")),
            "the cover of {name} carries its volume page number: {first}"
        );
        expected_start += single;
    }
    assert!(!contents.contains("丁局"), "{contents}");

    // A second run finds every department unchanged, takes them from their PDFs, and binds the
    // same bytes.
    let first = std::fs::read(&run.volume).unwrap();
    let again = build_run(&run);
    assert!(stderr(&again).contains("未变 3 个"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read(&run.volume).unwrap(),
        first,
        "the volume is byte-identical"
    );

    // The volume carries each department's data; extract writes one workbook per department.
    let dir = run.out.parent().unwrap().join("extracted");
    let out = jixiao(&[
        "extract",
        run.volume.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = ORDER
        .iter()
        .map(|n| format!("{n}2021年部门预算绩效文本.xlsx"))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}

/// A cell as an exact decimal (numbers as Excel stores them, read back by their shortest
/// representation).
/// A volume is one year's: departments of several years are refused with the years named,
/// unless `--volume-year` picks one (the other years' PDFs are built all the same).
#[test]
fn a_volume_of_mixed_years_is_refused_unless_a_year_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    let output = dir.path().join("output");
    write(&department("甲部门", Some("001"), 0), &input.join("a.xlsx"));
    let mut later = department("乙部门", Some("002"), 0);
    later.year = 2025;
    later.title = Department::default_title("乙部门", 2025);
    write(&later, &input.join("b.xlsx"));
    let volume = dir.path().join("汇编.pdf");

    let out = build(&input, &output, &["--volume", volume.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("本次的部门分属 2021 年度、2025 年度，一本汇编只收一个年度的部门"),
        "{err}"
    );
    assert!(err.contains("--volume-year"), "{err}");
    assert!(!volume.exists());
    assert_eq!(
        std::fs::read_dir(&output)
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pdf"))
            .count(),
        2,
        "both departments' PDFs are built"
    );

    let out = build(
        &input,
        &output,
        &[
            "--volume",
            volume.to_str().unwrap(),
            "--volume-year",
            "2025",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let cover: String = page_text(&volume, 1).split_whitespace().collect();
    assert!(cover.contains("2025年部门预算绩效文本汇编"), "{cover}");
    let contents = page_text(&volume, 2);
    assert!(
        contents.contains("乙部门") && !contents.contains("甲部门"),
        "{contents}"
    );
}

fn decimal(cell: &Data) -> Decimal {
    match cell {
        Data::Float(f) => Decimal::from_str(&f.to_string()).unwrap(),
        Data::Int(i) => Decimal::from(*i),
        other => panic!("not a number: {other:?}"),
    }
}

fn text(cell: &Data) -> String {
    cell.to_string()
}

#[test]
fn the_summary_totals_are_the_exact_sums_over_departments() {
    let run = run();
    let result = build_run(&run);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(stderr(&result).contains("已写出汇总表"));

    let mut book = open_workbook_auto(&run.summary).unwrap();
    let sheet = book.worksheet_range("部门").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        header[..12],
        [
            "部门名称",
            "部门编码",
            "年度",
            "项目数",
            "预算数合计（万元）",
            "财政资金合计（万元）",
            "其他资金合计（万元）",
            "指标数",
            "警告",
            "错误",
            "状态",
            "PDF 文件"
        ]
    );
    // Three good departments in volume order, the failed one, the totals.
    assert_eq!(rows.len(), 1 + 4 + 1);
    let names: Vec<String> = rows[1..5].iter().map(|r| text(&r[0])).collect();
    assert_eq!(names, ["甲局", "丙局", "乙局", "丁局"]);
    assert_eq!(text(&rows[4][10]), "失败");
    assert!(
        decimal(&rows[4][9]) > Decimal::ZERO,
        "the failed one has errors"
    );

    for (row, name) in rows[1..4].iter().zip(ORDER) {
        let d = run.departments.iter().find(|d| d.name == name).unwrap();
        let budget: Decimal = d.projects.iter().map(|p| p.budget).sum();
        let other: Decimal = d.projects.iter().map(|p| p.other_funds).sum();
        assert_eq!(decimal(&row[4]), budget, "{name}");
        assert_eq!(decimal(&row[6]), other, "{name}");
        assert_eq!(decimal(&row[3]), Decimal::from(d.projects.len()));
        assert_eq!(text(&row[10]), "已生成");
        assert_eq!(text(&row[11]), format!("{name}2021年部门预算绩效文本.pdf"));
    }
    let totals = rows[5];
    assert_eq!(text(&totals[0]), "合计");
    for column in [3, 4, 5, 6, 7] {
        let sum: Decimal = rows[1..5]
            .iter()
            .filter(|r| !matches!(r[column], Data::Empty))
            .map(|r| decimal(&r[column]))
            .sum();
        assert_eq!(decimal(&totals[column]), sum, "column {column}");
    }
    // 0.1 + 0.2 + 0.3 万元 of other funds, exactly.
    let other: Decimal = run
        .departments
        .iter()
        .flat_map(|d| &d.projects)
        .map(|p| p.other_funds)
        .sum();
    assert_eq!(decimal(&totals[6]), other);
    assert_eq!(other.normalize().to_string(), "0.6");

    // The project sheet lists every project and adds up to the same totals.
    let projects = book.worksheet_range("项目").unwrap();
    let rows: Vec<&[Data]> = projects.rows().collect();
    let count: usize = run.departments.iter().map(|d| d.projects.len()).sum();
    assert_eq!(rows.len(), 1 + count + 1);
    let last = rows[count + 1];
    assert_eq!(text(&last[0]), "合计");
    assert_eq!(decimal(&last[4]), decimal(&totals[4]));
    assert_eq!(decimal(&last[6]), other);
}

/// The 警告 column of the summary, by department.
fn summary_warnings(summary: &Path) -> Vec<(String, Decimal)> {
    let mut book = open_workbook_auto(summary).unwrap();
    let sheet = book.worksheet_range("部门").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    rows[1..4]
        .iter()
        .map(|r| (text(&r[0]), decimal(&r[8])))
        .collect()
}

#[test]
fn an_unchanged_department_is_taken_from_its_pdf_without_reading_its_workbook_again() {
    let run = run();
    build_run(&run);
    let volume = std::fs::read(&run.volume).unwrap();
    let warnings = summary_warnings(&run.summary);
    let manifest_path = run.out.join(".jixiao-manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let pdf = "甲局2021年部门预算绩效文本.pdf";
    assert!(
        manifest["documents"][pdf]["warnings"].is_u64(),
        "the manifest keeps the count of warnings: {manifest}"
    );

    // The count comes from the manifest: a run that found 甲局 unchanged reports what the
    // manifest says, not what checking its workbook again would say.
    let mut edited = manifest.clone();
    edited["documents"][pdf]["warnings"] = 7.into();
    std::fs::write(&manifest_path, edited.to_string()).unwrap();
    let again = build_run(&run);
    assert!(stderr(&again).contains("未变 3 个"), "{}", stderr(&again));
    let kept = summary_warnings(&run.summary);
    assert_eq!(kept[0], ("甲局".to_string(), Decimal::from(7)), "{kept:?}");
    assert_eq!(kept[1..], warnings[1..]);
    assert_eq!(std::fs::read(&run.volume).unwrap(), volume);

    // A manifest of an earlier version, without the counts: the workbooks are read again, to the
    // same summary and volume.
    let mut earlier = manifest;
    for entry in earlier["documents"].as_object_mut().unwrap().values_mut() {
        entry.as_object_mut().unwrap().remove("warnings");
    }
    std::fs::write(&manifest_path, earlier.to_string()).unwrap();
    let again = build_run(&run);
    assert!(stderr(&again).contains("未变 3 个"), "{}", stderr(&again));
    assert_eq!(summary_warnings(&run.summary), warnings);
    assert_eq!(std::fs::read(&run.volume).unwrap(), volume);
}

/// The field paths of a JSON value (`department.projects[].budget`), objects and arrays included.
fn paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                paths(v, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                paths(v, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The field paths in docs/data.md's table.
fn documented_fields() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data.md"))
        .unwrap();
    doc.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l[3..].split('`').next().unwrap().to_string())
        .collect()
}

/// PDF → workbook → PDF for `department`: the extracted data equals the department, and the PDF
/// built from the extracted workbook has the same bytes. Returns the first PDF.
fn round_trip(department: &Department, dir: &Path) -> PathBuf {
    let workbook = dir.join("in/原.xlsx");
    write(department, &workbook);
    let first = dir.join("first");
    let out = build(&workbook, &first, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = common::only_pdf(&first);
    let found = jixiao::publish::extract::departments(&pdf).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(&found[0].department, department);

    let again = dir.join("again/取回.xlsx");
    std::fs::create_dir_all(again.parent().unwrap()).unwrap();
    let out = jixiao(&[
        "extract",
        pdf.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let second = dir.join("second");
    let out = build(&again, &second, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read(&pdf).unwrap() == std::fs::read(common::only_pdf(&second)).unwrap(),
        "the PDF built from the extracted workbook is byte-identical"
    );
    pdf
}

#[test]
fn its_optional_parts_round_trip_too() {
    let dir = tempfile::tempdir().unwrap();
    let department = jixiao::reference::full::department();
    assert!(department.has_optional_parts());
    round_trip(&department, dir.path());
}

#[test]
fn a_pdf_is_its_own_source() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = jixiao::reference::department();
    d.code = Some("101".into());
    // PDF → workbook → PDF: the same bytes.
    let pdf = round_trip(&d, dir.path());

    // PDF → JSON: the documented schema, field for field.
    let json_path = dir.path().join("数据.json");
    let out = jixiao(&[
        "extract",
        pdf.to_str().unwrap(),
        "-o",
        json_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(json["schema"], "jixiao/department");
    assert_eq!(json["version"], 1);
    assert_eq!(json["department"]["code"], "101");
    assert_eq!(json["department"]["projects"][0]["budget"], "80");
    // Every field written is documented; the v1 reference and the v2 one between them use every
    // documented field (the v2 one in its_optional_parts_round_trip_too).
    let mut found = BTreeSet::new();
    paths(&json, "", &mut found);
    let v2 = jixiao::render::data::to_json(&jixiao::reference::full::department());
    paths(&serde_json::from_slice(&v2).unwrap(), "", &mut found);
    assert_eq!(
        found,
        documented_fields(),
        "docs/data.md lists exactly the fields written"
    );
    // Without -o, the same JSON goes to standard output.
    let out = jixiao(&["extract", pdf.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(&json_path).unwrap());
}

#[test]
fn pdf_a_3b_carries_the_data_and_a_2b_goes_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("in/参考.xlsx");
    write(&jixiao::reference::department(), &workbook);

    let a3 = dir.path().join("a3");
    let out = build(&workbook, &a3, &["--pdf-standard", "a-3b"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = jixiao(&["extract", common::only_pdf(&a3).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["department"]["name"], "唐山高新区行政服务中心");

    let a2 = dir.path().join("a2");
    let out = build(&workbook, &a2, &["--pdf-standard", "a-2b"]);
    let text = stderr(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("不允许附件") && text.contains("a-3b"),
        "{text}"
    );
    let out = jixiao(&["extract", common::only_pdf(&a2).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("没有附带部门数据"),
        "{}",
        stderr(&out)
    );

    // Not a PDF at all: a clear error naming the file.
    let out = jixiao(&["extract", workbook.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("参考.xlsx") && stderr(&out).contains("PDF"));
}
