//! Write: output file names and atomic writes, so that a failed build never destroys the last
//! good file and a reader never sees half a PDF.

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

/// Writes `bytes` to `path` through a temporary file in the same directory, renamed into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".jixiao-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
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
