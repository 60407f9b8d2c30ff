//! The archive guard: what a workbook may cost to unpack, checked before calamine unpacks it.
//!
//! An `.xlsx`, `.xlsm`, `.xlsb` or `.ods` is a ZIP archive, and deflate packs a run of repeated
//! bytes about 1000 : 1, so a 1 MB file can hold a gigabyte of XML. calamine inflates the parts it
//! needs as it reads and keeps what it finds (a gigabyte-long string, a gigabyte of shared
//! strings even when no cell uses them), so a small file could cost gigabytes of memory. Before
//! calamine sees a ZIP archive, [`check_zip`] therefore walks every entry and inflates it into a
//! sink, counting the bytes that really come out, each part against the limit of its kind
//! ([`PartKind`]) and all parts together against [`MAX_TOTAL_BYTES`]. The sizes an archive declares for its entries may
//! lie; they are only used to refuse early, never to let a part through. (zip 9 also fails a part
//! once it inflates past its declared size, so a lie gains nothing today; the count keeps the
//! limits true whatever the zip reader does.) Inflating costs constant
//! memory (a 32 KB window) and, at most, the time to inflate [`MAX_TOTAL_BYTES`].
//!
//! The same walk also refuses archives that no spreadsheet program writes:
//! - more than [`MAX_ENTRIES`] entries, counted from the archive's end records before the zip
//!   reader builds its table of entries (whose cost grows with the count);
//! - two entries of the same name (which one a reader gets is up to the reader);
//! - entries that share bytes with one another (the "overlapping" zip bomb, in which thousands of
//!   entries point at the same compressed data).
//!
//! Entries that are ZIP archives themselves (an embedded object) are counted as bytes and never
//! opened: nothing in the reader looks inside them. Entries that cannot be inflated (an unknown
//! compression method, a password, corrupt data) are counted up to where inflating stopped and
//! otherwise left to calamine, which reports them if it needs them.
//!
//! **Compound files** (`.xls`, the OLE/CFB container) are not compressed, so the 50 MB file limit
//! bounds what their streams hold, provided every chain of sectors ends and no stream claims more
//! than the file. calamine 0.38 trusts both: it reads the directory's chain of sectors until it
//! ends (a chain that loops back grows without end) and every other stream up to the size it
//! declares. [`check_cfb`] walks the directory chain with a step bound and refuses a loop, and
//! refuses a stream or mini-sector table that declares more bytes than the file has, so that what
//! calamine copies out of an `.xls` is bounded by the file size. calamine also reads every sheet
//! of an `.xls` into a grid of its whole used area when it opens the file, so two cells at the
//! corners of a sheet cost 900 MB; [`check_cfb`] therefore sums the used areas from the cell
//! records of the workbook stream and refuses more than [`MAX_XLS_SPAN_CELLS`].
//!
//! **`.ods`** sheets are likewise read whole when the file is opened, with every repeated row
//! and column written out (`table:number-rows-repeated`), so the walk keeps `content.xml` and
//! counts the cells calamine will make of it ([`super::ods_span`]): more than [`MAX_ODS_CELLS`]
//! are refused.
//!
//! **Limits.** They are chosen from what real workbooks need and from what each part costs once
//! calamine has read it, so that no file within the 50 MB file limit makes a check cost more than
//! a few hundred MB or a couple of seconds:
//! - a sheet is streamed cell by cell, so a part of [`MAX_PART_BYTES`] costs only the time to read
//!   it (the cells kept are bounded by `book`'s limits). The reference workbook's largest sheet is
//!   7 KB, a department's a few hundred KB, and a `项目指标` of 100,000 rows (the row limit)
//!   about 16 MB;
//! - the shared strings are kept whole, one `String` per `<si>` (about four times the bytes of the
//!   smallest ones): [`MAX_SHARED_STRINGS_BYTES`], several times the text of 100,000 rows;
//! - the cell formats are kept whole, one style record (about 200 bytes, with a copy of its font's
//!   name and its number format's code) per `<xf>`, so their cost is counted as the part is read:
//!   formats × (256 bytes + twice the longest attribute) may not pass [`MAX_STYLES_COST`]. Excel
//!   itself allows 64,000 formats, which fit; a few thousand `<xf/>` with a megabyte-long font name
//!   (a terabyte once copied into each) do not;
//! - the workbook's list of sheets and names, the relationships and the theme are kept whole and
//!   take a few KB in any real workbook: [`MAX_PACKAGE_PART_BYTES`];
//! - all parts together: [`MAX_TOTAL_BYTES`], which also bounds the time spent inflating and
//!   reading: calamine reads about 25–40 MB of sheet XML a second (measured on styled empty
//!   cells, the costliest kind that no cell budget stops), so 40 MB keep a check near 1.5 s, where
//!   64 MB took 1.9–2.3 s. A department's workbook inflates to well under 10 MB, and a
//!   `项目指标` of 100,000 rows to about 16 MB.

use std::io::{self, Cursor, Read, Write};

use zip::ZipArchive;

const MIB: u64 = 1024 * 1024;
/// The most one part of the archive may inflate to (a sheet, an image, anything not named below).
pub const MAX_PART_BYTES: u64 = 32 * MIB;
/// The most the shared strings (`sharedStrings.xml`) may inflate to.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 16 * MIB;
/// The most the cell formats (`styles.xml`) may inflate to.
pub const MAX_STYLES_BYTES: u64 = 16 * MIB;
/// The most the workbook part, a relationships part or the theme may inflate to.
pub const MAX_PACKAGE_PART_BYTES: u64 = 4 * MIB;
/// The most all parts together may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 40 * MIB;
/// The most entries an archive may have (a workbook has a few dozen).
pub const MAX_ENTRIES: u64 = 10_000;
/// The most memory the cell formats may cost once read, as estimated by [`styles_cost`].
pub const MAX_STYLES_COST: u64 = 64 * MIB;
/// What one cell format costs the reader besides the text it copies: calamine's style record
/// (font, fill, borders, alignment, number format) and its share of the growing list.
const STYLE_RECORD_BYTES: u64 = 256;

/// The most strings the shared-strings part may declare (`<sst uniqueCount="…">`): calamine
/// reserves 24 bytes per declared string before reading any, and a reservation larger than the
/// machine's memory aborts the process. No part within [`MAX_SHARED_STRINGS_BYTES`] can hold more
/// strings than this (each takes at least `<si/>`, 5 bytes).
pub const MAX_DECLARED_STRINGS: u64 = MAX_SHARED_STRINGS_BYTES / 4;

/// The most cells the sheets of an `.xls` may span together. calamine reads every sheet of an
/// `.xls` when it opens the file, each into a grid of its whole used area (about 56 bytes a
/// cell with the grid of formulas), so two cells at `A1` and `IV65536` cost 900 MB. A
/// department's sheets span a few thousand cells; 2,000,000 is 100,000 rows of 20 columns.
pub const MAX_XLS_SPAN_CELLS: u64 = 2_000_000;

/// The most cells calamine may make of the sheets of an `.ods` together, as counted by
/// [`super::ods_span::cells`]. calamine writes out every repeated row and column of an `.ods`
/// when it opens the file, at about 56 bytes a cell (its value and its formula text), so 850
/// bytes of `content.xml` could cost gigabytes. The count takes each cell as read and again as
/// written out (calamine holds both while it makes a sheet's area). A department's sheets have a
/// few thousand cells; a `content.xml` within [`MAX_PART_BYTES`] holds about 350,000 cells
/// without repeats (some 90 bytes each), which count 700,000; 1,000,000 costs about 60 MB.
pub const MAX_ODS_CELLS: u64 = 1_000_000;

/// What the reader does with a part of the archive, which decides how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// The shared strings (`sharedStrings.xml`, `.bin`), kept whole.
    SharedStrings,
    /// The cell formats (`styles.xml`, `.bin`), kept whole.
    Styles,
    /// The workbook part, a relationships part or the theme, kept whole.
    Package,
    /// Anything else: a sheet (streamed) or a part the reader never opens.
    Other,
}

impl PartKind {
    /// The kind of the part called `name` (as calamine finds parts: by name, in any case).
    pub fn of(name: &str) -> PartKind {
        let name = name.to_ascii_lowercase();
        let file = name.rsplit('/').next().unwrap_or(&name);
        let stem = file.split('.').next().unwrap_or(file);
        match stem {
            "sharedstrings" => PartKind::SharedStrings,
            "styles" => PartKind::Styles,
            "workbook" => PartKind::Package,
            _ if file.ends_with(".rels") || name.contains("theme/") => PartKind::Package,
            _ => PartKind::Other,
        }
    }

    /// The most a part of this kind may inflate to.
    pub fn limit(self) -> u64 {
        match self {
            PartKind::SharedStrings => MAX_SHARED_STRINGS_BYTES,
            PartKind::Styles => MAX_STYLES_BYTES,
            PartKind::Package => MAX_PACKAGE_PART_BYTES,
            PartKind::Other => MAX_PART_BYTES,
        }
    }
}

/// Why an archive is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveError {
    /// This part inflates (or declares that it inflates) beyond its kind's limit.
    PartTooLarge { part: String, kind: PartKind },
    /// The parts up to and including this one inflate beyond [`MAX_TOTAL_BYTES`].
    TotalTooLarge(String),
    /// More entries than [`MAX_ENTRIES`]; carries the count.
    TooManyEntries(u64),
    /// Two entries have the same name.
    DuplicateNames,
    /// Entries share bytes of the archive.
    Overlapping,
    /// The shared-strings part declares more strings than [`MAX_DECLARED_STRINGS`] (a reader
    /// reserves room for that many before reading one).
    DeclaredStrings { part: String, count: u64 },
    /// The cell formats would cost more than [`MAX_STYLES_COST`] once read: `formats` `<xf>`
    /// records, each copying text of up to `longest` bytes.
    StylesTooCostly {
        part: String,
        formats: u64,
        longest: u64,
    },
    /// The sheets of an `.xls` span more than [`MAX_XLS_SPAN_CELLS`] cells together; carries
    /// the sum of their used areas.
    XlsSpanTooLarge(u64),
    /// The sheets of an `.ods` make more than [`MAX_ODS_CELLS`] cells once their repeated rows
    /// and columns are written out; carries the count.
    OdsTooManyCells(u64),
    /// A compound file (`.xls`) whose structure would make a reader loop or read more than the
    /// file holds; carries what is wrong (in Chinese, for the message).
    Compound(String),
}

/// Checks a ZIP archive held in memory against the limits, inflating every entry once.
///
/// Bytes that are no ZIP archive at all pass: telling what they are is calamine's job.
pub fn check_zip(bytes: &[u8]) -> Result<(), ArchiveError> {
    if let Some(count) = declared_entries(bytes)
        && count > MAX_ENTRIES
    {
        return Err(ArchiveError::TooManyEntries(count));
    }
    let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    // The end records may understate the count; what the reader found is the truth.
    if archive.len() as u64 > MAX_ENTRIES {
        return Err(ArchiveError::TooManyEntries(archive.len() as u64));
    }
    if archive.has_duplicate_names() {
        return Err(ArchiveError::DuplicateNames);
    }
    if archive.has_overlapping_entries().unwrap_or(false) {
        return Err(ArchiveError::Overlapping);
    }

    // Declared sizes first: refuses the plain cases without inflating anything.
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let name = entry_name(&entry);
        declared = declared.saturating_add(entry.size());
        let kind = PartKind::of(&name);
        if entry.size() > kind.limit() {
            return Err(ArchiveError::PartTooLarge { part: name, kind });
        }
        if declared > MAX_TOTAL_BYTES {
            return Err(ArchiveError::TotalTooLarge(name));
        }
    }

    // Then the real sizes.
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            continue;
        };
        let name = entry_name(&entry);
        let kind = PartKind::of(&name);
        let limit = kind.limit();
        let budget = limit.min(MAX_TOTAL_BYTES - total);
        let mut counter = Counter {
            bytes: 0,
            declared: (kind == PartKind::SharedStrings).then(DeclaredCount::default),
            // The cell formats are kept (at most their limit) to count what they will cost, and
            // an `.ods`'s sheets to count the cells they make.
            kept: (kind == PartKind::Styles || name == "content.xml").then(Vec::new),
        };
        // One byte beyond the budget tells "over" from "exactly at". An error (corrupt data)
        // ends the count where inflating stopped.
        let _ = io::copy(&mut (&mut entry).take(budget + 1), &mut counter);
        let inflated = counter.bytes;
        if let Some(count) = counter.declared.map(|d| d.most)
            && count > MAX_DECLARED_STRINGS
        {
            return Err(ArchiveError::DeclaredStrings { part: name, count });
        }
        if inflated > limit {
            return Err(ArchiveError::PartTooLarge { part: name, kind });
        }
        if let Some(xml) = &counter.kept
            && inflated <= budget
            && name == "content.xml"
        {
            let cells = super::ods_span::cells(xml);
            if cells > MAX_ODS_CELLS {
                return Err(ArchiveError::OdsTooManyCells(cells));
            }
        }
        if let Some(xml) = counter.kept
            && inflated <= budget
            && kind == PartKind::Styles
        {
            let (formats, longest) = styles_cost(&xml);
            if formats.saturating_mul(STYLE_RECORD_BYTES + 2 * longest) > MAX_STYLES_COST {
                return Err(ArchiveError::StylesTooCostly {
                    part: name,
                    formats,
                    longest,
                });
            }
        }
        total += inflated;
        if total > MAX_TOTAL_BYTES {
            return Err(ArchiveError::TotalTooLarge(name));
        }
    }
    Ok(())
}

fn entry_name<R: Read>(entry: &zip::read::ZipFile<'_, R>) -> String {
    match entry.name() {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
    }
}

/// A sink that counts what is written to it, and optionally looks for a declared count or keeps
/// the bytes.
struct Counter {
    bytes: u64,
    declared: Option<DeclaredCount>,
    kept: Option<Vec<u8>>,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len() as u64;
        if let Some(declared) = &mut self.declared {
            declared.scan(buf);
        }
        if let Some(kept) = &mut self.kept {
            kept.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The largest `uniqueCount="N"` in a stream of XML (it may appear anywhere: the attribute is
/// looked for as calamine's reader finds it, by its raw name), scanned chunk by chunk.
#[derive(Default)]
struct DeclaredCount {
    /// The end of the previous chunk, so that an attribute split between chunks is seen whole.
    tail: Vec<u8>,
    most: u64,
}

impl DeclaredCount {
    const NAME: &'static [u8] = b"uniqueCount";
    /// Longer than the name, `=`, quotes, some blanks and any sensible number.
    const TAIL: usize = 256;

    fn scan(&mut self, buf: &[u8]) {
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(buf);
        for at in memchr::memmem::find_iter(&window, Self::NAME) {
            if let Some(n) = attribute_number(&window[at + Self::NAME.len()..]) {
                self.most = self.most.max(n);
            }
        }
        self.tail = window[window.len().saturating_sub(Self::TAIL)..].to_vec();
    }
}

/// The number in `="123"` (blanks allowed around `=`, either quote), saturating; `None` when
/// there is none.
fn attribute_number(rest: &[u8]) -> Option<u64> {
    let mut i = 0;
    let skip_blanks = |i: &mut usize| {
        while rest.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    skip_blanks(&mut i);
    (rest.get(i)? == &b'=').then_some(())?;
    i += 1;
    skip_blanks(&mut i);
    matches!(rest.get(i)?, b'"' | b'\'').then_some(())?;
    i += 1;
    let digits = rest[i..].iter().take_while(|b| b.is_ascii_digit());
    let mut n: u64 = 0;
    let mut any = false;
    for d in digits {
        any = true;
        n = n.saturating_mul(10).saturating_add(u64::from(d - b'0'));
    }
    any.then_some(n)
}

/// The cell formats of a `styles.xml` as calamine will read them: how many `<xf>` records it holds
/// (in any list, with any prefix) and the longest attribute value (raw bytes; the longest tag
/// when an attribute cannot be parsed), which bounds the font name and number format code each
/// record copies. Read with the XML reader and settings calamine uses, up to where it would stop.
fn styles_cost(xml: &[u8]) -> (u64, u64) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    let (mut formats, mut longest) = (0u64, 0usize);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if e.local_name().as_ref() == "xf" {
                    formats += 1;
                }
                for attribute in e.attributes().with_checks(false) {
                    let len = match attribute {
                        Ok(a) => a.value.len(),
                        Err(_) => e.len(),
                    };
                    longest = longest.max(len);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    (formats, longest as u64)
}

const EOCD_SIGNATURE: &[u8] = b"PK\x05\x06";
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_SIGNATURE: &[u8] = b"PK\x06\x07";
const ZIP64_LOCATOR_LEN: usize = 20;
const ZIP64_EOCD_SIGNATURE: &[u8] = b"PK\x06\x06";

/// The largest entry count declared by any end-of-central-directory record (classic or ZIP64)
/// in the archive's last 64 KB, where a zip reader looks for them; `None` when there is none.
///
/// A zip reader trusts such a count (bounded only by the size of the directory) to build its
/// table of entries, so it is checked before any reader is built. Every candidate record is
/// looked at, since a reader that finds the last one broken tries the one before.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let window_start = bytes.len().saturating_sub(EOCD_LEN + u16::MAX as usize);
    let mut most: Option<u64> = None;
    let mut at = bytes.len().checked_sub(EOCD_LEN)?;
    loop {
        if bytes[at..].starts_with(EOCD_SIGNATURE) {
            let eocd = &bytes[at..at + EOCD_LEN];
            let mut count = u64::from(u16_at(eocd, 10)).max(u64::from(u16_at(eocd, 8)));
            if let Some(zip64) = zip64_entries(bytes, at) {
                count = count.max(zip64);
            }
            most = Some(most.map_or(count, |m| m.max(count)));
        }
        if at == window_start {
            break;
        }
        at -= 1;
    }
    most
}

/// The entry count of the ZIP64 end record that the locator before the classic record at
/// `eocd_at` points to, if any.
fn zip64_entries(bytes: &[u8], eocd_at: usize) -> Option<u64> {
    let locator_at = eocd_at.checked_sub(ZIP64_LOCATOR_LEN)?;
    let locator = &bytes[locator_at..eocd_at];
    if !locator.starts_with(ZIP64_LOCATOR_SIGNATURE) {
        return None;
    }
    let record_at = usize::try_from(u64_at(locator, 8)).ok()?;
    let record = bytes.get(record_at..record_at.checked_add(56)?)?;
    if !record.starts_with(ZIP64_EOCD_SIGNATURE) {
        // A reader may also look for the record elsewhere (archives with prepended bytes);
        // the count it would find there is bounded by the reader's own check afterwards.
        return None;
    }
    Some(u64_at(record, 24).max(u64_at(record, 32)))
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut le = [0u8; 8];
    le.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(le)
}

const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Sector ids from here on are markers (free, end of chain, FAT, DIFAT), not sectors.
const CFB_RESERVED: u32 = 0xFFFF_FFFA;
const CFB_DIFAT_SECTOR: u32 = 0xFFFF_FFFC;

/// Checks a compound file held in memory the way calamine will read it: the directory's chain of
/// sectors must end within as many steps as the file has sectors, and no stream (nor the table
/// of mini sectors) may declare more bytes than the file holds.
///
/// Structures calamine refuses on its own (a bad header, a sector beyond the end) pass, so that
/// it reports them as it always has.
pub fn check_cfb(bytes: &[u8]) -> Result<(), ArchiveError> {
    let corrupt = |what: &str| Err(ArchiveError::Compound(what.to_string()));
    let Some(header) = bytes.get(..512) else {
        return Ok(());
    };
    let sector_size: usize = match u16_at(header, 30) {
        9 => 512,
        12 => 4096,
        _ => return Ok(()),
    };
    let len = bytes.len();
    // calamine's bound on sector ids; sector `id` starts at byte `(id + 1) * sector_size`.
    let max_id = len / sector_size;
    let sector = |id: u32| -> Option<&[u8]> {
        if id as usize > max_id {
            return None;
        }
        let start = (id as usize + 1) * sector_size;
        bytes.get(start.min(len)..(start + sector_size).min(len))
    };

    // The sectors of the FAT: the header's 109, then the DIFAT chain (which calamine bounds).
    let mut difat: Vec<u32> = header[76..512].chunks(4).map(u32_of).collect();
    let mut id = u32_at(header, 68);
    let mut steps = 0usize;
    while id < CFB_RESERVED {
        steps += 1;
        if steps > max_id + 1 {
            return Ok(());
        }
        let Some(s) = sector(id) else {
            return Ok(());
        };
        difat.extend(s.chunks_exact(4).map(u32_of));
        let Some(next) = difat.pop() else {
            return Ok(());
        };
        id = next;
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in difat.into_iter().filter(|&id| id < CFB_DIFAT_SECTOR) {
        let Some(s) = sector(id) else {
            return Ok(());
        };
        fat.extend(s.chunks_exact(4).map(u32_of));
    }

    // The directory: calamine reads its chain with no length bound.
    let mut directory: Vec<u8> = Vec::new();
    let mut id = u32_at(header, 48);
    let mut steps = 0usize;
    while id != CFB_END_OF_CHAIN {
        steps += 1;
        if steps > max_id + 1 {
            return corrupt("目录的扇区链首尾相接，读取时不会结束");
        }
        let Some(s) = sector(id) else {
            return Ok(());
        };
        directory.extend_from_slice(s);
        let Some(&next) = fat.get(id as usize) else {
            return Ok(());
        };
        id = next;
    }

    for (i, entry) in directory.chunks_exact(128).enumerate() {
        let name_units: Vec<u16> = entry[..64]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        // The root (the mini stream) and every named entry can be read by calamine.
        if i != 0 && name_units.is_empty() {
            continue;
        }
        let declared = if sector_size == 512 {
            u64::from(u32_at(entry, 120))
        } else {
            u64_at(entry, 120)
        };
        if declared > len as u64 {
            let name = String::from_utf16_lossy(&name_units);
            return corrupt(&format!(
                "流“{}”声明的大小（{declared} 字节）超过了文件本身（{len} 字节）",
                name.trim_start_matches(|c: char| c.is_control())
            ));
        }
    }
    let mini_fat = (u32_at(header, 64) as u64).saturating_mul(sector_size as u64);
    if mini_fat > len as u64 {
        return corrupt("小扇区表声明的大小超过了文件本身");
    }
    match xls_span(bytes) {
        Some(cells) if cells > MAX_XLS_SPAN_CELLS => Err(ArchiveError::XlsSpanTooLarge(cells)),
        _ => Ok(()),
    }
}

/// The cells the sheets of an `.xls` span together: per sheet (a BIFF substream, from one `BOF`
/// record to the next) the area from its first to its last row and column that hold a cell
/// record calamine keeps. `None` when the file has no readable workbook stream or is encrypted
/// (its cell records are then unreadable here; calamine reports the password).
fn xls_span(bytes: &[u8]) -> Option<u64> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let mut stream = ["/Workbook", "/Book"]
        .iter()
        .find_map(|name| file.open_stream(name).ok())?;
    let mut data = Vec::new();
    // The stream lies within the file, which is at most 50 MB.
    (&mut stream)
        .take(bytes.len() as u64)
        .read_to_end(&mut data)
        .ok()?;
    let area = |b: Option<(u16, u16, u16, u16)>| {
        b.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
        })
    };
    let mut total = 0u64;
    let mut bounds: Option<(u16, u16, u16, u16)> = None;
    let mut at = 0usize;
    while at + 4 <= data.len() {
        let kind = u16_at(&data, at);
        let len = usize::from(u16_at(&data, at + 2));
        let record = &data[at + 4..(at + 4 + len).min(data.len())];
        at += 4 + len;
        let cells = match kind {
            // BOF: a new substream (the globals, a sheet, a chart).
            0x0809 => {
                total += area(bounds.take());
                continue;
            }
            // FILEPASS: the rest is encrypted.
            0x002F => return None,
            // Number, label, rich label, boolean or error, RK, shared-string label, formula.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if record.len() >= 4 => {
                let col = u16_at(record, 2);
                (u16_at(record, 0), col, col)
            }
            // MULRK: one row, a run of columns (the last one in the record's last two bytes).
            0x00BD if record.len() >= 6 => (
                u16_at(record, 0),
                u16_at(record, 2),
                u16_at(record, record.len() - 2),
            ),
            _ => continue,
        };
        let (row, first, last) = cells;
        let (first, last) = (first.min(last), first.max(last));
        bounds = Some(match bounds {
            None => (row, row, first, last),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(first), c1.max(last)),
        });
    }
    Some(total + area(bounds))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32_of(&b[at..at + 4])
}

fn u32_of(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    /// An archive of `(name, bytes of one repeated byte)` parts, deflated.
    fn archive(parts: &[(&str, u64)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let chunk = vec![b'a'; 1 << 20];
        for &(name, size) in parts {
            out.start_file(name, SimpleFileOptions::default()).unwrap();
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                out.write_all(&chunk[..n]).unwrap();
                left -= n as u64;
            }
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn parts_at_the_limits_pass_and_one_byte_more_does_not() {
        assert_eq!(check_zip(&archive(&[("a.xml", MAX_PART_BYTES)])), Ok(()));
        assert_eq!(
            check_zip(&archive(&[("a.xml", MAX_PART_BYTES + 1)])),
            Err(ArchiveError::PartTooLarge {
                part: "a.xml".into(),
                kind: PartKind::Other
            })
        );
        let half = MAX_TOTAL_BYTES / 2;
        assert_eq!(check_zip(&archive(&[("a", half), ("b", half)])), Ok(()));
        assert_eq!(
            check_zip(&archive(&[("a", half), ("b", half), ("c", 1)])),
            Err(ArchiveError::TotalTooLarge("c".into()))
        );
    }

    /// Rewrites every size field (local and central headers) of the archive's only entry.
    fn declare_size(bytes: &mut [u8], size: u32) {
        let le = size.to_le_bytes();
        let local = memchr::memmem::find(bytes, b"PK\x03\x04").unwrap();
        bytes[local + 22..local + 26].copy_from_slice(&le);
        let central = memchr::memmem::find(bytes, b"PK\x01\x02").unwrap();
        bytes[central + 24..central + 28].copy_from_slice(&le);
    }

    #[test]
    fn a_part_that_declares_a_small_size_yields_no_more_than_that() {
        // The zip reader (calamine's too) fails a part once it inflates past its declared size,
        // so the lie gains nothing; the guard counts what the reader really yields.
        let mut bytes = archive(&[("xl/sharedStrings.xml", MAX_PART_BYTES + 1)]);
        declare_size(&mut bytes, 100);
        let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        assert_eq!(
            archive.decompressed_size(),
            Some(100),
            "the lie is in place"
        );
        let mut counter = Counter {
            bytes: 0,
            declared: None,
            kept: None,
        };
        let read = io::copy(&mut archive.by_index(0).unwrap(), &mut counter);
        assert!(read.is_err());
        assert!(counter.bytes <= 100 + 64 * 1024, "{}", counter.bytes);
        assert_eq!(check_zip(&bytes), Ok(()));
    }

    #[test]
    fn a_part_that_declares_a_huge_size_is_refused_without_inflating() {
        let mut bytes = archive(&[("xl/styles.xml", 10)]);
        declare_size(&mut bytes, u32::MAX - 1);
        assert_eq!(
            check_zip(&bytes),
            Err(ArchiveError::PartTooLarge {
                part: "xl/styles.xml".into(),
                kind: PartKind::Styles
            })
        );
    }

    #[test]
    fn bytes_that_are_no_archive_pass_to_calamine() {
        assert_eq!(check_zip(b""), Ok(()));
        assert_eq!(check_zip(b"PK\x03\x04 and then nothing"), Ok(()));
        assert_eq!(check_cfb(b"\xD0\xCF\x11\xE0 too short"), Ok(()));
    }

    #[test]
    fn the_declared_entry_count_is_read_from_the_end_record() {
        let mut bytes = archive(&[("a", 1), ("b", 1)]);
        assert_eq!(declared_entries(&bytes), Some(2));
        let eocd = memchr::memmem::rfind(&bytes, EOCD_SIGNATURE).unwrap();
        bytes[eocd + 8..eocd + 12].copy_from_slice(&[0x11, 0x27, 0x11, 0x27]); // 10,001
        assert_eq!(check_zip(&bytes), Err(ArchiveError::TooManyEntries(10_001)));
    }

    #[test]
    fn the_declared_string_count_is_found_across_chunks() {
        let xml = br#"<?xml version="1.0"?><sst xmlns="x" count="3" uniqueCount = '123456789012'>"#;
        for split in 0..xml.len() {
            let mut d = DeclaredCount::default();
            d.scan(&xml[..split]);
            d.scan(&xml[split..]);
            assert_eq!(d.most, 123_456_789_012, "split at {split}");
        }
        assert_eq!(
            attribute_number(b"=\"99999999999999999999999\""),
            Some(u64::MAX)
        );
        assert_eq!(attribute_number(b"=7"), None);
    }

    #[test]
    fn each_part_is_limited_by_what_the_reader_does_with_it() {
        assert_eq!(
            PartKind::of("xl/sharedStrings.xml"),
            PartKind::SharedStrings
        );
        assert_eq!(
            PartKind::of("XL/SHAREDSTRINGS.BIN"),
            PartKind::SharedStrings
        );
        assert_eq!(PartKind::of("xl/styles.xml"), PartKind::Styles);
        assert_eq!(PartKind::of("xl/workbook.xml"), PartKind::Package);
        assert_eq!(
            PartKind::of("xl/_rels/workbook.xml.rels"),
            PartKind::Package
        );
        assert_eq!(PartKind::of("xl/theme/theme1.xml"), PartKind::Package);
        assert_eq!(PartKind::of("xl/worksheets/sheet7.xml"), PartKind::Other);
        assert_eq!(PartKind::of("xl/media/image1.png"), PartKind::Other);
        let styles = MAX_STYLES_BYTES;
        assert_eq!(check_zip(&archive(&[("xl/styles.xml", styles)])), Ok(()));
        assert_eq!(
            check_zip(&archive(&[("xl/styles.xml", styles + 1)])),
            Err(ArchiveError::PartTooLarge {
                part: "xl/styles.xml".into(),
                kind: PartKind::Styles
            })
        );
    }

    /// An archive holding one part of the given text, deflated.
    fn with_text(name: &str, text: &str) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        out.start_file(name, SimpleFileOptions::default()).unwrap();
        out.write_all(text.as_bytes()).unwrap();
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn the_formats_are_counted_with_the_longest_text_they_copy() {
        let styles = |fonts: &str, xfs: &str| {
            format!(
                "<?xml version=\"1.0\"?><styleSheet xmlns=\"x\"><fonts>{fonts}</fonts>\
                 <cellStyleXfs><xf/></cellStyleXfs><cellXfs>{xfs}</cellXfs></styleSheet>"
            )
        };
        let xml = styles(
            "<font><name val=\"宋体\"/></font>",
            "<x:xf fontId='0'></x:xf><xf/>",
        );
        assert_eq!(styles_cost(xml.as_bytes()), (3, 6));
        // Excel's own limit, 64,000 formats, with names as long as Excel allows, passes.
        let xml = styles(
            &format!("<font><name val=\"{}\"/></font>", "字".repeat(31)),
            &"<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>".repeat(64_000),
        );
        assert_eq!(check_zip(&with_text("xl/styles.xml", &xml)), Ok(()));
        // A font name of 100 KB copied into 1,000 formats does not.
        let xml = styles(
            &format!("<font><name val=\"{}\"/></font>", "F".repeat(100_000)),
            &"<xf/>".repeat(1_000),
        );
        assert_eq!(
            check_zip(&with_text("xl/styles.xml", &xml)),
            Err(ArchiveError::StylesTooCostly {
                part: "xl/styles.xml".into(),
                formats: 1_001,
                longest: 100_000
            })
        );
    }
}
