//! The archives a clerk downloads: the Windows zip, the Linux tarballs, and `SHA256SUMS`. Each
//! holds one folder named after itself, so that unpacking it makes that folder; file times are
//! the commit's, owners root, so that one commit gives the same archives.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Release, asset};

/// The licence files every archive carries.
const LICENCES: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE"];

/// A file of an archive: its name in the folder, its bytes, whether it is a program.
struct Member {
    name: String,
    bytes: Vec<u8>,
    executable: bool,
}

fn members(
    release: &Release,
    program: (&str, &Path),
    usage: String,
) -> Result<Vec<Member>, String> {
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let mut members = vec![
        Member {
            name: program.0.to_string(),
            bytes: read(program.1)?,
            executable: true,
        },
        Member {
            name: "使用说明.txt".to_string(),
            bytes: usage.into_bytes(),
            executable: false,
        },
    ];
    for licence in LICENCES {
        members.push(Member {
            name: licence.to_string(),
            bytes: read(&release.root.join(licence))?,
            executable: false,
        });
    }
    Ok(members)
}

/// `jixiao-{version}-windows-x86_64.zip`: `jixiao.exe`, `使用说明.txt` (UTF-8 with a byte-order
/// mark and CRLF, as Notepad reads best), the licences.
pub fn windows_zip(release: &Release, exe: &Path) -> Result<PathBuf, String> {
    let stem = format!("jixiao-{}-windows-x86_64", release.version);
    let usage = asset(release, "使用说明-Windows.txt", "x86_64", "")?;
    let usage = format!("\u{feff}{}", usage.replace('\n', "\r\n"));
    let path = release.out.join(format!("{stem}.zip"));
    let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let time = zip_time(release.epoch);
    let failed = |e: zip::result::ZipError| format!("{}: {e}", path.display());
    for member in members(release, ("jixiao.exe", exe), usage)? {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(time)
            .unix_permissions(if member.executable { 0o755 } else { 0o644 });
        zip.start_file(format!("{stem}/{}", member.name), options)
            .map_err(failed)?;
        zip.write_all(&member.bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    zip.finish().map_err(failed)?;
    Ok(path)
}

/// The commit's time as a zip time stamp (zip counts from 1980).
fn zip_time(epoch: u64) -> zip::DateTime {
    let days = (epoch / 86_400) as i64;
    let seconds = epoch % 86_400;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    zip::DateTime::from_date_and_time(
        year.max(1980),
        month,
        day,
        (seconds / 3600) as u8,
        (seconds / 60 % 60) as u8,
        (seconds % 60) as u8,
    )
    .unwrap_or_default()
}

/// `jixiao-{version}-linux-{arch}.tar.gz`: the static binary, `使用说明.txt`, the licences.
pub fn linux_tarball(
    release: &Release,
    binary: &Path,
    arch: &str,
    deb_arch: &str,
) -> Result<PathBuf, String> {
    let stem = format!("jixiao-{}-linux-{arch}", release.version);
    let usage = asset(release, "使用说明-Linux.txt", arch, deb_arch)?;
    let path = release.out.join(format!("{stem}.tar.gz"));
    let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let gzip = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    let mut tar = tar::Builder::new(gzip);
    let failed = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut folder = tar::Header::new_gnu();
    folder.set_entry_type(tar::EntryType::Directory);
    folder.set_mode(0o755);
    folder.set_mtime(release.epoch);
    folder.set_size(0);
    tar.append_data(&mut folder, format!("{stem}/"), std::io::empty())
        .map_err(failed)?;
    for member in members(release, ("jixiao", binary), usage)? {
        let mut header = tar::Header::new_gnu();
        header.set_mode(if member.executable { 0o755 } else { 0o644 });
        header.set_mtime(release.epoch);
        header.set_size(member.bytes.len() as u64);
        tar.append_data(
            &mut header,
            format!("{stem}/{}", member.name),
            member.bytes.as_slice(),
        )
        .map_err(failed)?;
    }
    tar.into_inner()
        .and_then(|gzip| gzip.finish())
        .map_err(failed)?;
    Ok(path)
}

/// `SHA256SUMS` of every artefact in `out` (as `sha256sum -c` reads it), sorted by name.
pub fn sha256sums(out: &Path) -> Result<PathBuf, String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip") || n.ends_with(".tar.gz") || n.ends_with(".deb"))
        .collect();
    names.sort();
    let mut sums = String::new();
    for name in names {
        let bytes = std::fs::read(out.join(&name)).map_err(|e| format!("{name}: {e}"))?;
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        sums.push_str(&format!("{hex}  {name}\n"));
    }
    let path = out.join("SHA256SUMS");
    std::fs::write(&path, sums).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}
