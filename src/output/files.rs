//! The files jixiao writes: names made from document titles, atomic writes, this process's
//! temporary files, and where an output may go.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file name made from a document title: [`file_stem`] and the extension.
pub fn file_name(title: &str, extension: &str) -> String {
    format!("{}.{extension}", file_stem(title))
}

/// The longest file stem, in bytes of UTF-8 (66 Chinese characters): Linux allows 255 bytes per
/// name and Windows 255 UTF-16 units, and a page image adds `-{页}.png`.
pub const MAX_STEM_BYTES: usize = 200;

/// A file name without extension made from a document title, safe on Windows, macOS and Linux:
/// - characters illegal in file names (`\ / : * ? " < > |`, control characters) become `_`, so a
///   drive letter (`C:`) or a path (`a\b`, `a/b`) in a title never leaves the output folder;
/// - no leading or trailing dots or spaces (Windows drops trailing ones; a leading dot hides the
///   file), and a title of nothing else is `未命名`;
/// - at most [`MAX_STEM_BYTES`], cut between characters;
/// - a Windows device name (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, in any
///   letter case, alone or before a dot) gets a `_` after it: `CON.pdf` would open the console.
pub fn file_stem(title: &str) -> String {
    let cleaned: String = title
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || r#"\/:*?"<>|"#.contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut stem = trim_dots_and_spaces(&cleaned);
    if stem.len() > MAX_STEM_BYTES {
        let cut = (0..=MAX_STEM_BYTES)
            .rev()
            .find(|&i| stem.is_char_boundary(i))
            .unwrap_or(0);
        stem = trim_dots_and_spaces(&stem[..cut]);
    }
    if stem.is_empty() {
        return "未命名".to_string();
    }
    // Windows compares the part before the first dot, without trailing spaces.
    let device = stem.split('.').next().unwrap_or("").trim_end_matches(' ');
    if is_windows_device(device) {
        stem.insert(device.len(), '_');
    }
    stem
}

fn trim_dots_and_spaces(s: &str) -> String {
    s.trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string()
}

/// A name Windows reserves for a device, in any directory and with any extension.
fn is_windows_device(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    // COM1–COM9, LPT1–LPT9, and the superscript digits ¹ ² ³ Windows also treats as digits.
    let (Some(head), Some(digit)) = (upper.get(..3), upper.get(3..)) else {
        return false;
    };
    matches!(head, "COM" | "LPT")
        && matches!(
            digit,
            "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
        )
}

const TEMP_PREFIX: &str = ".jixiao-";
const TEMP_SUFFIX: &str = ".tmp";

/// For a file name that is one of our temporary files: the id of the process that made it
/// (`None` inside when the name carries none, as older versions wrote).
fn temporary_owner(name: &str) -> Option<Option<u32>> {
    let middle = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    Some(middle.split_once('-').and_then(|(pid, _)| pid.parse().ok()))
}

/// Removes the temporary files in `dir`: all of them, or only those made by process `owner`.
/// Another live writer's temporaries must not be removed (see [`crate::output::lock::StateDir::join`]).
pub fn remove_temporaries(dir: &Path, owner: Option<u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(made_by) = temporary_owner(&name.to_string_lossy()) else {
            continue;
        };
        if owner.is_none() || made_by == owner {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A new temporary file in `dir`, named after this process.
fn temporary_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
}

/// Writes `bytes` to `path` through a temporary file in the same directory, renamed into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = temporary_in(dir)?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); a published document is readable by everyone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    // On failure the temporary file is dropped, which removes it; the old file stays as it was.
    tmp.persist(path).map_err(|e| replace_error(e.error))?;
    Ok(())
}

/// A replacement that failed because another program holds the file open (on Windows, a PDF
/// open in a viewer) says so in plain words.
fn replace_error(error: std::io::Error) -> std::io::Error {
    if crate::platform::file_in_use(&error) {
        std::io::Error::new(error.kind(), crate::platform::FILE_IN_USE)
    } else {
        error
    }
}

/// Refuses an output folder that is an input folder or inside one: outputs must never land
/// among the inputs (nor be walked as inputs next time).
pub fn check_output_folder(inputs: &[PathBuf], output: &Path) -> crate::Result<()> {
    let out = resolve(output);
    for input in inputs.iter().filter(|p| p.is_dir()) {
        let input_dir = resolve(input);
        if out.starts_with(&input_dir) {
            return Err(crate::Error::usage(format!(
                "输出文件夹 {} 不能是输入文件夹 {} 或位于其中；请用 -o 指定别处",
                output.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Refuses a summary workbook (or other output file) written into an input folder: the next run
/// would read it as a department's workbook.
pub fn check_output_file(inputs: &[PathBuf], file: &Path) -> crate::Result<()> {
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    check_output_folder(inputs, folder).map_err(|_| {
        crate::Error::usage(format!(
            "{} 在输入文件夹中，下次运行会被当作部门工作簿读取；请写到别处",
            file.display()
        ))
    })
}

/// `path` made absolute with symbolic links resolved, as far as it exists.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_safe_file_names() {
        assert_eq!(
            file_name("唐山高新区行政服务中心2021年部门预算绩效文本", "pdf"),
            "唐山高新区行政服务中心2021年部门预算绩效文本.pdf"
        );
        assert_eq!(
            file_name("a/b:c*d?\"e\"<f>|g\\h", "pdf"),
            "a_b_c_d__e__f__g_h.pdf"
        );
        assert_eq!(file_name(" ..", "pdf"), "未命名.pdf");
    }

    #[test]
    fn temporaries_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            ".jixiao-abc.tmp",
            ".jixiao-7-abc.tmp",
            ".jixiao-8-abc.tmp",
            "a.pdf",
            ".jixiao-manifest.json",
            ".jixiao.lock",
            "x.tmp",
        ];
        for name in names {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        remove_temporaries(dir.path(), Some(7));
        assert_eq!(
            listing(dir.path()),
            [
                ".jixiao-8-abc.tmp",
                ".jixiao-abc.tmp",
                ".jixiao-manifest.json",
                ".jixiao.lock",
                "a.pdf",
                "x.tmp"
            ]
        );
        remove_temporaries(dir.path(), None);
        assert_eq!(
            listing(dir.path()),
            [".jixiao-manifest.json", ".jixiao.lock", "a.pdf", "x.tmp"]
        );
    }

    #[test]
    fn a_temporary_file_names_its_process() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = temporary_in(dir.path()).unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(temporary_owner(&name), Some(Some(std::process::id())));
        assert_eq!(temporary_owner(".jixiao-abc.tmp"), Some(None));
        assert_eq!(temporary_owner("x.pdf"), None);
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn paths_and_drive_letters_in_titles_stay_in_the_folder() {
        assert_eq!(
            file_name(r"C:\Windows\System32\报告", "pdf"),
            "C__Windows_System32_报告.pdf"
        );
        assert_eq!(file_name("../../etc/passwd", "pdf"), "_.._etc_passwd.pdf");
        assert_eq!(
            file_name(r"\\server\share\x", "pdf"),
            "__server_share_x.pdf"
        );
        assert_eq!(file_name("2021年 部门 预算", "pdf"), "2021年 部门 预算.pdf");
        assert_eq!(file_name("标题。. . ", "pdf"), "标题。.pdf");
        assert_eq!(file_name("\t标题\n", "pdf"), "标题.pdf");
        assert_eq!(file_name("第一行\n第二行", "pdf"), "第一行_第二行.pdf");
    }

    #[test]
    fn windows_device_names_get_an_underscore() {
        for (title, name) in [
            ("CON", "CON_.pdf"),
            ("nul", "nul_.pdf"),
            ("Aux", "Aux_.pdf"),
            ("PRN. ", "PRN_.pdf"),
            ("COM1", "COM1_.pdf"),
            ("lpt9", "lpt9_.pdf"),
            ("COM¹", "COM¹_.pdf"),
            ("CONOUT$", "CONOUT$_.pdf"),
            ("NUL.2021", "NUL_.2021.pdf"),
            ("CON .报告", "CON_ .报告.pdf"),
            ("...CON...", "CON_.pdf"),
        ] {
            assert_eq!(file_name(title, "pdf"), name, "{title}");
        }
        // Not devices: longer names, COM0, COM10, a device name inside a longer one.
        for title in [
            "CONSOLE",
            "COM0",
            "COM10",
            "LPT",
            "NULL",
            "行政CON",
            "CON中心",
            "A中",
        ] {
            assert_eq!(file_name(title, "pdf"), format!("{title}.pdf"), "{title}");
        }
    }

    #[test]
    fn long_titles_are_cut_between_characters() {
        let title = "唐山高新区".repeat(30); // 150 characters, 450 bytes
        let stem = file_stem(&title);
        assert!(stem.len() <= MAX_STEM_BYTES, "{}", stem.len());
        assert_eq!(stem.chars().count(), MAX_STEM_BYTES / 3);
        assert!(title.starts_with(&stem));
        // Cut after a space or dot: none left at the end.
        let title = format!("{}   .x", "a".repeat(MAX_STEM_BYTES - 2));
        assert_eq!(file_stem(&title), "a".repeat(MAX_STEM_BYTES - 2));
        // Long names can be written, with the page suffix and extension.
        let dir = tempfile::tempdir().unwrap();
        let path = dir
            .path()
            .join(format!("{}-100.png", file_stem(&"中".repeat(300))));
        write_atomic(&path, b"png").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"png");
    }

    #[test]
    fn a_file_held_open_is_reported_in_plain_words() {
        use crate::platform::{FILE_IN_USE, is_windows_sharing_error};
        // ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
        assert!(is_windows_sharing_error(5));
        assert!(is_windows_sharing_error(32));
        assert!(is_windows_sharing_error(33));
        assert!(!is_windows_sharing_error(2)); // ERROR_FILE_NOT_FOUND
        assert!(!is_windows_sharing_error(112)); // ERROR_DISK_FULL
        let error = replace_error(std::io::Error::from_raw_os_error(32));
        if cfg!(windows) {
            assert_eq!(error.to_string(), FILE_IN_USE);
        } else {
            // EPIPE on Linux: not about a file held open, so it stays the system's message.
            assert_ne!(error.to_string(), FILE_IN_USE);
        }
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.pdf");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn output_inside_an_input_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        let inputs = [input.clone()];
        assert!(check_output_folder(&inputs, &input).is_err());
        assert!(check_output_folder(&inputs, &input.join("out/pdf")).is_err());
        assert!(check_output_folder(&inputs, &input.join("../in/x")).is_err());
        assert!(check_output_folder(&inputs, &dir.path().join("out")).is_ok());
        assert!(check_output_folder(&inputs, &dir.path().join("input")).is_ok());
        // A workbook given as a file does not make its folder an input folder.
        assert!(check_output_folder(&[input.join("a.xlsx")], &input).is_ok());
        // Nor may a summary workbook land among the inputs.
        assert!(check_output_file(&inputs, &input.join("sub/汇总.xlsx")).is_err());
        assert!(check_output_file(&inputs, &dir.path().join("汇总.xlsx")).is_ok());
    }
}
