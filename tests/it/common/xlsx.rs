//! Reading back what jixiao wrote into an xlsx, straight from its XML (zip + roxmltree): row
//! heights, column widths, wrapping, merged cells, page setup and print titles, which calamine
//! does not expose.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use roxmltree::{Document, Node};

/// One worksheet as written.
#[derive(Debug)]
pub struct SheetXml {
    pub name: String,
    pub hidden: bool,
    /// 1-based row → (height in points, customHeight).
    pub rows: BTreeMap<u32, (Option<f64>, bool)>,
    /// 1-based column → width in Excel's character units (columns without `<col>`: absent).
    pub widths: BTreeMap<u32, f64>,
    /// Text cells: (1-based row, 1-based column, text, wraps, font size in points).
    pub texts: Vec<(u32, u32, String, bool, f64)>,
    /// Merged ranges: (first row, first col, last row, last col), 1-based.
    pub merges: Vec<(u32, u32, u32, u32)>,
    /// Attributes of `<pageSetup>`.
    pub page_setup: HashMap<String, String>,
    /// `<sheetPr><pageSetUpPr fitToPage="1"/>`.
    pub fit_to_page: bool,
    /// `<printOptions gridLines="1"/>`.
    pub print_gridlines: bool,
    /// The text of `<oddFooter>`.
    pub footer: Option<String>,
    /// The `_xlnm.Print_Titles` defined for this sheet.
    pub print_titles: Option<String>,
}

impl SheetXml {
    /// The width of column `col` (1-based) as stored (`<col width>`: the character units set
    /// plus 5 pixels of padding, so `7 × width` pixels), Excel's default 9.140625 (64 pixels)
    /// when not set.
    pub fn width(&self, col: u32) -> f64 {
        self.widths.get(&col).copied().unwrap_or(9.140625)
    }

    /// The height of row `row` (1-based) in points: Excel's default 15 when not set.
    pub fn height(&self, row: u32) -> f64 {
        self.rows.get(&row).and_then(|r| r.0).unwrap_or(15.0)
    }

    pub fn custom_height(&self, row: u32) -> bool {
        self.rows.get(&row).is_some_and(|r| r.1)
    }

    /// The merged range containing the cell, if any.
    pub fn merge_of(&self, row: u32, col: u32) -> Option<(u32, u32, u32, u32)> {
        self.merges
            .iter()
            .copied()
            .find(|&(r0, c0, r1, c1)| (r0..=r1).contains(&row) && (c0..=c1).contains(&col))
    }
}

fn entry(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Option<String> {
    let mut e = archive.by_name(name).ok()?;
    let mut s = String::new();
    e.read_to_string(&mut s).unwrap();
    Some(s)
}

fn attr(node: Node, name: &str) -> Option<String> {
    node.attribute(name).map(str::to_string)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

fn descendants<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.descendants().filter(move |n| n.has_tag_name(name))
}

/// `B12` → (12, 2).
fn cell_ref(r: &str) -> (u32, u32) {
    let letters: String = r.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let col = letters
        .chars()
        .fold(0, |acc, c| acc * 26 + (c as u32 - 'A' as u32 + 1));
    (r[letters.len()..].parse().unwrap(), col)
}

/// Every worksheet of the workbook at `path`, in order.
pub fn sheets(path: &Path) -> Vec<SheetXml> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let workbook = entry(&mut archive, "xl/workbook.xml").unwrap();
    let workbook = Document::parse(&workbook).unwrap();
    let rels = entry(&mut archive, "xl/_rels/workbook.xml.rels").unwrap();
    let rels = Document::parse(&rels).unwrap();
    let targets: HashMap<String, String> = descendants(rels.root(), "Relationship")
        .map(|r| (attr(r, "Id").unwrap(), attr(r, "Target").unwrap()))
        .collect();
    let shared: Vec<String> = entry(&mut archive, "xl/sharedStrings.xml")
        .map(|s| {
            let doc = Document::parse(&s).unwrap();
            descendants(doc.root(), "si")
                .map(|si| descendants(si, "t").filter_map(|t| t.text()).collect())
                .collect()
        })
        .unwrap_or_default();

    // Cell format index → (wraps, font size).
    let styles = entry(&mut archive, "xl/styles.xml").unwrap();
    let styles = Document::parse(&styles).unwrap();
    let font_sizes: Vec<f64> = child(styles.root_element(), "fonts")
        .map(|fonts| {
            descendants(fonts, "font")
                .map(|f| {
                    child(f, "sz")
                        .and_then(|sz| sz.attribute("val"))
                        .map_or(11.0, |v| v.parse().unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    let formats: Vec<(bool, f64)> = child(styles.root_element(), "cellXfs")
        .map(|xfs| {
            xfs.children()
                .filter(|n| n.has_tag_name("xf"))
                .map(|xf| {
                    let wraps = child(xf, "alignment")
                        .and_then(|a| a.attribute("wrapText"))
                        .is_some_and(|v| v == "1");
                    let font: usize = xf.attribute("fontId").map_or(0, |v| v.parse().unwrap());
                    (wraps, font_sizes.get(font).copied().unwrap_or(11.0))
                })
                .collect()
        })
        .unwrap_or_default();

    let sheet_nodes: Vec<Node> = descendants(workbook.root(), "sheet").collect();
    let titles: HashMap<usize, String> = descendants(workbook.root(), "definedName")
        .filter(|n| n.attribute("name") == Some("_xlnm.Print_Titles"))
        .map(|n| {
            (
                n.attribute("localSheetId").unwrap().parse().unwrap(),
                n.text().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for (i, node) in sheet_nodes.iter().enumerate() {
        let name = attr(*node, "name").unwrap();
        let hidden = node.attribute("state") == Some("hidden");
        let rid = node
            .attributes()
            .find(|a| a.name() == "id")
            .unwrap()
            .value()
            .to_string();
        let target = &targets[&rid];
        let part = format!("xl/{}", target.trim_start_matches("/xl/"));
        let xml = entry(&mut archive, &part).unwrap();
        let doc = Document::parse(&xml).unwrap();
        let root = doc.root_element();

        let mut rows = BTreeMap::new();
        let mut texts = Vec::new();
        for row in descendants(root, "row") {
            let r: u32 = row.attribute("r").unwrap().parse().unwrap();
            let ht = row.attribute("ht").map(|h| h.parse().unwrap());
            let custom = row.attribute("customHeight") == Some("1");
            rows.insert(r, (ht, custom));
            for c in row.children().filter(|n| n.has_tag_name("c")) {
                let (cr, cc) = cell_ref(c.attribute("r").unwrap());
                let text = match c.attribute("t") {
                    Some("s") => child(c, "v")
                        .and_then(|v| v.text())
                        .map(|i| shared[i.parse::<usize>().unwrap()].clone()),
                    Some("inlineStr") => {
                        Some(descendants(c, "t").filter_map(|t| t.text()).collect())
                    }
                    _ => None,
                };
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    let style: usize = c.attribute("s").map_or(0, |v| v.parse().unwrap());
                    let (wraps, size) = formats.get(style).copied().unwrap_or((false, 11.0));
                    texts.push((cr, cc, text, wraps, size));
                }
            }
        }
        let mut widths = BTreeMap::new();
        for col in descendants(root, "col") {
            let min: u32 = col.attribute("min").unwrap().parse().unwrap();
            let max: u32 = col.attribute("max").unwrap().parse().unwrap();
            if let Some(w) = col.attribute("width") {
                let w: f64 = w.parse().unwrap();
                for c in min..=max.min(min + 300) {
                    widths.insert(c, w);
                }
            }
        }
        let merges = descendants(root, "mergeCell")
            .map(|m| {
                let (a, b) = m.attribute("ref").unwrap().split_once(':').unwrap();
                let ((r0, c0), (r1, c1)) = (cell_ref(a), cell_ref(b));
                (r0, c0, r1, c1)
            })
            .collect();
        let page_setup = child(root, "pageSetup")
            .map(|p| {
                p.attributes()
                    .map(|a| (a.name().to_string(), a.value().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let fit_to_page =
            descendants(root, "pageSetUpPr").any(|p| p.attribute("fitToPage") == Some("1"));
        let print_gridlines =
            child(root, "printOptions").is_some_and(|p| p.attribute("gridLines") == Some("1"));
        let footer = descendants(root, "oddFooter")
            .next()
            .and_then(|f| f.text())
            .map(str::to_string);
        out.push(SheetXml {
            name,
            hidden,
            rows,
            widths,
            texts,
            merges,
            page_setup,
            fit_to_page,
            print_gridlines,
            footer,
            print_titles: titles.get(&i).cloned(),
        });
    }
    out
}

/// The lines `text` needs in a column of stored width `width` at `size` points, estimated
/// independently of jixiao's own rule from what is drawn: a column is `7 × width` pixels, less 6
/// pixels of padding; a CJK or full-width character is `size` points wide (`size × 4/3`
/// pixels), any other half that.
pub fn lines_needed(text: &str, width: f64, size: f64) -> u32 {
    let room = (7.0 * width - 6.0).max(1.0);
    let em = size * 4.0 / 3.0;
    text.replace("\r\n", "\n")
        .split('\n')
        .map(|line| {
            let px: f64 = line
                .chars()
                .map(|c| {
                    if c as u32 >= 0x2E80 || "“”‘’—…、".contains(c) {
                        em
                    } else {
                        em / 2.0
                    }
                })
                .sum();
            ((px / room).ceil() as u32).max(1)
        })
        .sum()
}

/// Checks that every row with text is given an explicit height (`customHeight`) tall enough for
/// its text at 1.3 × the font size a line (merged cells: their rows together), and returns how
/// many rows needed more than one line (so that a caller can tell long text was checked).
pub fn assert_rows_fit(sheet: &SheetXml) -> usize {
    let mut multi_line = std::collections::BTreeSet::new();
    for (row, col, text, wraps, size) in &sheet.texts {
        let (row, col) = (*row, *col);
        let (rows, width) = match sheet.merge_of(row, col) {
            Some((r0, c0, r1, c1)) => (r0..=r1, (c0..=c1).map(|c| sheet.width(c)).sum()),
            None => (row..=row, sheet.width(col)),
        };
        let lines = if *wraps {
            lines_needed(text, width, *size)
        } else {
            1
        };
        let needed = f64::from(lines) * size * 1.3;
        for r in rows.clone() {
            assert!(
                sheet.custom_height(r),
                "{}: row {r} has text ({text:?}) but no explicit height",
                sheet.name
            );
        }
        let have: f64 = rows.clone().map(|r| sheet.height(r)).sum();
        assert!(
            have >= needed,
            "{}: {col}:{row} needs {lines} lines ({needed:.1} pt) for {text:?}, rows have {have} pt",
            sheet.name
        );
        if lines > 1 {
            multi_line.insert(row);
        }
    }
    multi_line.len()
}

/// Checks the page setup every sheet jixiao writes gets: A4, one page wide, gridlines, the sheet
/// name and page numbers in the footer; landscape exactly when the columns are wider than a
/// portrait page's printable 174 mm.
pub fn assert_page_setup(sheet: &SheetXml) {
    let name = &sheet.name;
    let p = &sheet.page_setup;
    assert_eq!(
        p.get("paperSize").map(String::as_str),
        Some("9"),
        "{name}: A4"
    );
    assert!(sheet.fit_to_page, "{name}: fit to page");
    // fitToWidth defaults to 1; fitToHeight 0 is "as many pages as needed".
    assert_eq!(
        p.get("fitToWidth").map_or("1", String::as_str),
        "1",
        "{name}"
    );
    assert_eq!(
        p.get("fitToHeight").map(String::as_str),
        Some("0"),
        "{name}"
    );
    assert!(sheet.print_gridlines, "{name}: gridlines printed");
    let footer = sheet.footer.as_deref().unwrap_or_default();
    assert!(
        footer.contains("&A") && footer.contains("&P") && footer.contains("&N"),
        "{name}: footer {footer:?}"
    );
    let last_col = sheet.widths.keys().max().copied().unwrap_or(1);
    let mm: f64 = (1..=last_col)
        .map(|c| 7.0 * sheet.width(c) * 25.4 / 96.0)
        .sum();
    let orientation = if mm > 174.0 { "landscape" } else { "portrait" };
    assert_eq!(
        p.get("orientation").map(String::as_str),
        Some(orientation),
        "{name}: {mm:.0} mm of columns"
    );
}
