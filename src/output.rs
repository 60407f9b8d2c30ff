//! Write: output file names and atomic writes, so that a failed build never destroys the last
//! good file and a reader never sees half a PDF.
//!
//! A temporary file is named `.jixiao-{process id}-{random}.tmp`, so that a process can tell
//! its own temporaries from those of another writer into the same folder.

use std::io::Write;
use std::path::Path;

/// A file name made from a document title: characters that are illegal in file names on
/// Windows, macOS or Linux (`\ / : * ? " < > |`, control characters) become `_`.
pub fn file_name(title: &str, extension: &str) -> String {
    let mut name: String = title
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
    // Windows refuses names ending in a dot or space; hidden files start with a dot.
    let trimmed = name.trim_matches(|c| c == '.' || c == ' ').to_string();
    name = if trimmed.is_empty() {
        "未命名".to_string()
    } else {
        trimmed
    };
    format!("{name}.{extension}")
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
/// Another live writer's temporaries must not be removed (see [`crate::state::StateDir::join`]).
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
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
}
