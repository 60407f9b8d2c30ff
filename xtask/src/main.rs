//! `cargo xtask dist`: every release artefact of jixiao into `target/dist/`, from one command
//! (the xtask convention: a small workspace member in Rust, no shell script to port).
//!
//! - `jixiao-{version}-windows-x86_64.zip`: `jixiao.exe` (mingw-w64, the C runtime linked in),
//!   `使用说明.txt`, the licences.
//! - `jixiao-{version}-linux-{x86_64,aarch64,loongarch64}.tar.gz`: a static binary (musl: no
//!   glibc needed), `使用说明.txt`, the licences.
//! - `jixiao_{version}_{amd64,arm64,loong64}.deb`: the same binary as `/usr/bin/jixiao`, a menu
//!   entry that opens the page over `~/绩效`, an icon, a manual page, the docs.
//! - `SHA256SUMS` of all of them.
//!
//! `--target TRIPLE` (repeatable) builds a subset; `--profile cross` builds unoptimised (CI).
//! What each target needs is set up here where the project can do it itself (Rust targets with
//! rustup, zig and cargo-zigbuild from PyPI into `target/xtask/`); mingw-w64 and dpkg-deb come
//! from the system's packages (see the README's development section).

mod archive;
mod deb;
mod toolchain;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build the release artefacts into target/dist/ (or --out)
    Dist(Dist),
}

#[derive(Args)]
struct Dist {
    /// Build only for these targets (repeatable; default: all of them)
    #[arg(long = "target", value_name = "TRIPLE", value_parser = target_named)]
    targets: Vec<&'static Target>,
    /// The cargo profile: release, or cross (unoptimised, as CI tests the artefacts)
    #[arg(long, default_value = "release")]
    profile: String,
    /// Where the artefacts go
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// What a platform's artefacts are made of.
#[derive(Debug)]
pub enum Platform {
    Windows,
    /// A static musl binary, in a tarball and a .deb.
    Linux {
        /// The name in the tarball's (`aarch64`).
        arch: &'static str,
        /// Debian's name of the architecture (`arm64`).
        deb_arch: &'static str,
    },
}

/// A target the artefacts are built for.
#[derive(Debug)]
pub struct Target {
    pub triple: &'static str,
    pub platform: Platform,
}

pub const TARGETS: &[Target] = &[
    Target {
        triple: "x86_64-pc-windows-gnu",
        platform: Platform::Windows,
    },
    Target {
        triple: "x86_64-unknown-linux-musl",
        platform: Platform::Linux {
            arch: "x86_64",
            deb_arch: "amd64",
        },
    },
    Target {
        triple: "aarch64-unknown-linux-musl",
        platform: Platform::Linux {
            arch: "aarch64",
            deb_arch: "arm64",
        },
    },
    Target {
        triple: "loongarch64-unknown-linux-musl",
        platform: Platform::Linux {
            arch: "loongarch64",
            deb_arch: "loong64",
        },
    },
];

fn target_named(triple: &str) -> Result<&'static Target, String> {
    TARGETS.iter().find(|t| t.triple == triple).ok_or_else(|| {
        let known: Vec<&str> = TARGETS.iter().map(|t| t.triple).collect();
        format!("unknown target {triple}; one of: {}", known.join(", "))
    })
}

/// What every artefact of one run shares.
pub struct Release {
    /// The repository.
    pub root: PathBuf,
    pub version: String,
    /// The commit built (`unknown` outside a git checkout).
    pub commit: String,
    /// Seconds since 1970 of that commit: every file time in an archive, so that the same
    /// commit gives the same archives.
    pub epoch: u64,
    pub profile: String,
    pub out: PathBuf,
}

fn main() -> ExitCode {
    let Task::Dist(dist) = Cli::parse().command;
    match run(dist) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask dist: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dist: Dist) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf();
    let target_dir = target_dir(&root);
    let out = dist.out.unwrap_or_else(|| target_dir.join("dist"));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let release = Release {
        version: package_version(&root)?,
        commit: commit(&root),
        epoch: commit_time(&root),
        root,
        profile: dist.profile,
        out,
    };
    let targets: Vec<&Target> = if dist.targets.is_empty() {
        TARGETS.iter().collect()
    } else {
        dist.targets
    };
    let tools = toolchain::Tools::new(&target_dir);
    let mut made = Vec::new();
    for target in targets {
        let started = std::time::Instant::now();
        let binary = toolchain::build(&release, &tools, &target_dir, target)?;
        eprintln!(
            "built {} for {} in {:.0} s",
            binary.display(),
            target.triple,
            started.elapsed().as_secs_f64()
        );
        match &target.platform {
            Platform::Windows => made.push(archive::windows_zip(&release, &binary)?),
            Platform::Linux { arch, deb_arch } => {
                made.push(archive::linux_tarball(&release, &binary, arch, deb_arch)?);
                match deb::build(&release, &binary, deb_arch)? {
                    Some(deb) => made.push(deb),
                    None => eprintln!("no dpkg-deb on this machine: no .deb for {deb_arch}"),
                }
            }
        }
    }
    let sums = archive::sha256sums(&release.out)?;
    for path in made.iter().chain(std::iter::once(&sums)) {
        println!("{}", path.display());
    }
    Ok(())
}

/// Where cargo builds (`CARGO_TARGET_DIR`, else `target/` of the repository).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

/// The version of the jixiao package.
fn package_version(root: &Path) -> Result<String, String> {
    let text =
        std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let manifest: toml::Table = text.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    manifest
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .ok_or_else(|| "Cargo.toml has no package version".to_string())
}

/// The commit being built, as `jixiao --version` reports it: `JIXIAO_COMMIT` when set (a build
/// from a copy of the tree), else git's.
fn commit(root: &Path) -> String {
    if let Ok(commit) = std::env::var("JIXIAO_COMMIT") {
        return commit;
    }
    git(root, &["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_string())
}

/// The commit's time (`SOURCE_DATE_EPOCH` first, as reproducible builds set it).
fn commit_time(root: &Path) -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .or_else(|| git(root, &["log", "-1", "--format=%ct"]))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Runs `command`, failing with what it was when it does not succeed.
pub fn run_command(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

/// A text asset with `{version}`, `{arch}`, `{debian_arch}` filled in.
pub fn asset(release: &Release, name: &str, arch: &str, deb_arch: &str) -> Result<String, String> {
    let path = release.root.join("xtask/assets").join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .replace("{version}", &release.version)
        .replace("{arch}", arch)
        .replace("{debian_arch}", deb_arch))
}
