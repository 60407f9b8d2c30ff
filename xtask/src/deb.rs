//! `jixiao_{version}_{arch}.deb` for Kylin, UOS and other Debian-family systems, whose package
//! installer opens a `.deb` on a double-click.
//!
//! Built with `dpkg-deb`, Debian's own package builder (on every machine of that family), from a
//! tree assembled here: `/usr/bin/jixiao` (the static binary of the tarball), a menu entry
//! (部门预算绩效文本) that runs `jixiao desktop` (the page over `~/绩效`, in a terminal window as
//! the Windows double-click has its console), icons, a manual page, the docs, lintian overrides
//! that say why. No `Depends`: the binary needs nothing from the system. cargo-deb was tried
//! and left: it writes an empty `Depends:` field for a static binary (a lintian warning), and
//! compiling it took 1 min 46 s in every cold CI run.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use md5::{Digest, Md5};

use crate::{Release, asset, run_command};

/// The package's files besides the program: (path in the package, asset, mode).
const FILES: &[(&str, &str, u32)] = &[
    (
        "usr/share/applications/jixiao.desktop",
        "deb/jixiao.desktop",
        0o644,
    ),
    ("usr/share/doc/jixiao/copyright", "deb/copyright", 0o644),
];

/// The icons, by size.
const ICONS: &[u32] = &[48, 128, 256];

/// Builds the package for `deb_arch` from `binary`; `None` where there is no `dpkg-deb`.
pub fn build(release: &Release, binary: &Path, deb_arch: &str) -> Result<Option<PathBuf>, String> {
    if Command::new("dpkg-deb").arg("--version").output().is_err() {
        return Ok(None);
    }
    let root = release.out.join(format!(".deb-{deb_arch}"));
    if root.exists() {
        std::fs::remove_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    }
    let tree = Tree { root: root.clone() };
    tree.file(
        "usr/bin/jixiao",
        &std::fs::read(binary).map_err(|e| format!("{}: {e}", binary.display()))?,
        0o755,
    )?;
    for (path, name, mode) in FILES {
        tree.file(path, asset(release, name, "", deb_arch)?.as_bytes(), *mode)?;
    }
    // What lintian is told to accept, and why (the file says); loong64 has more to say.
    let mut overrides = asset(release, "deb/lintian-overrides", "", deb_arch)?;
    if deb_arch == "loong64" {
        overrides.push('\n');
        overrides.push_str(&asset(
            release,
            "deb/lintian-overrides-loong64",
            "",
            deb_arch,
        )?);
    }
    tree.file(
        "usr/share/lintian/overrides/jixiao",
        overrides.as_bytes(),
        0o644,
    )?;
    for size in ICONS {
        let icon = release
            .root
            .join(format!("src/serve/assets/icons/jixiao-{size}.png"));
        let bytes = std::fs::read(&icon).map_err(|e| format!("{}: {e}", icon.display()))?;
        tree.file(
            &format!("usr/share/icons/hicolor/{size}x{size}/apps/jixiao.png"),
            &bytes,
            0o644,
        )?;
    }
    let usage = asset(release, "使用说明-Linux.txt", "", deb_arch)?;
    tree.file("usr/share/doc/jixiao/使用说明.txt", usage.as_bytes(), 0o644)?;
    let manual = asset(release, "deb/jixiao.1", "", deb_arch)?;
    tree.file(
        "usr/share/man/man1/jixiao.1.gz",
        &gzip(manual.as_bytes())?,
        0o644,
    )?;
    let changelog =
        asset(release, "deb/changelog", "", deb_arch)?.replace("{date}", &rfc2822(release.epoch));
    tree.file(
        "usr/share/doc/jixiao/changelog.gz",
        &gzip(changelog.as_bytes())?,
        0o644,
    )?;
    tree.control(release, deb_arch)?;
    let deb = release
        .out
        .join(format!("jixiao_{}_{deb_arch}.deb", release.version));
    run_command(
        Command::new("dpkg-deb")
            .env("SOURCE_DATE_EPOCH", release.epoch.to_string())
            .args(["--root-owner-group", "-Zxz", "--build"])
            .arg(&root)
            .arg(&deb),
    )?;
    std::fs::remove_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    Ok(Some(deb))
}

/// The package's tree being assembled.
struct Tree {
    root: PathBuf,
}

impl Tree {
    /// Writes `bytes` at `path` with `mode`, its folders 0755.
    fn file(&self, path: &str, bytes: &[u8], mode: u32) -> Result<(), String> {
        let target = self.root.join(path);
        let failed = |e: std::io::Error| format!("{}: {e}", target.display());
        std::fs::create_dir_all(target.parent().expect("a file in a folder")).map_err(failed)?;
        // Folders 0755 whatever the umask: dpkg installs them as they are in the package.
        for folder in target
            .ancestors()
            .skip(1)
            .take_while(|f| f.starts_with(&self.root))
        {
            std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755))
                .map_err(failed)?;
        }
        std::fs::write(&target, bytes).map_err(failed)?;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode)).map_err(failed)
    }

    /// `DEBIAN/control` and `DEBIAN/md5sums` of the files written so far.
    fn control(&self, release: &Release, deb_arch: &str) -> Result<(), String> {
        let mut files = Vec::new();
        collect(&self.root, &self.root, &mut files)?;
        files.sort();
        let mut md5sums = String::new();
        let mut size = 0u64;
        for file in &files {
            let bytes = std::fs::read(self.root.join(file)).map_err(|e| format!("{file}: {e}"))?;
            size += bytes.len() as u64;
            md5sums.push_str(&format!("{:x}  {file}\n", Md5::digest(&bytes)));
        }
        let control = format!(
            "Package: jixiao\n\
             Version: {version}\n\
             Architecture: {deb_arch}\n\
             Maintainer: jixiao maintainers <jixiao-dev@example.org>\n\
             Installed-Size: {kib}\n\
             Recommends: fonts-noto-cjk\n\
             Section: utils\n\
             Priority: optional\n\
             Description: department budget performance texts as PDF (部门预算绩效文本)\n \
             jixiao turns each government department's budget-performance workbook (Excel)\n \
             into its publication-ready budget performance text as PDF, and points out the\n \
             errors of a workbook cell by cell, in Chinese. Its local web page (the menu\n \
             entry) takes the departments' workbooks, shows the findings, and builds and\n \
             downloads the PDFs; the command line builds whole folders.\n",
            version = release.version,
            kib = size.div_ceil(1024),
        );
        self.file("DEBIAN/control", control.as_bytes(), 0o644)?;
        self.file("DEBIAN/md5sums", md5sums.as_bytes(), 0o644)
    }
}

/// Every file under `dir`, relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            out.push(relative.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// `bytes` gzipped as Debian wants documentation: best compression, no name and no time (`gzip
/// -9n`), so that the package is the same whenever it is built.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

/// A date as Debian's changelog writes it (`Sat, 05 Dec 2026 10:00:00 +0000`).
fn rfc2822(epoch: u64) -> String {
    jiff::Timestamp::from_second(epoch as i64)
        .unwrap_or_default()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}
