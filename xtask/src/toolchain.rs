//! Building jixiao for a target, with what the project sets up itself.
//!
//! - Windows: rustup's `x86_64-pc-windows-gnu` and Debian's mingw-w64 as the linker (see
//!   `.cargo/config.toml`).
//! - Linux (musl, static): `cargo zigbuild`, with zig as the C compiler and linker for all three
//!   architectures. One toolchain that carries musl's headers and C runtime for each of them, so
//!   the C in our dependencies (psm's assembly, blake3's NEON code) is compiled against the libc
//!   it is linked with; Debian 12 has no LoongArch cross compiler at all. zig and cargo-zigbuild
//!   come from PyPI (prebuilt, seconds to install) into `target/xtask/venv` unless the system has
//!   them.
//! - LoongArch: where rustup cannot download the target's standard library (seen behind this
//!   project's registry proxy), it is built from source (`rust-src`, `-Zbuild-std`; the stable
//!   compiler allows that with `RUSTC_BOOTSTRAP=1`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{Platform, Release, Target, run_command};

/// The versions installed from PyPI when the system has no zig.
const ZIGLANG: &str = "ziglang==0.17.1";
const CARGO_ZIGBUILD: &str = "cargo-zigbuild==0.24.1";

/// Where the tools this project installs itself live.
pub struct Tools {
    venv: PathBuf,
}

impl Tools {
    pub fn new(target_dir: &Path) -> Self {
        Self {
            venv: target_dir.join("xtask/venv"),
        }
    }

    /// A `PATH` on which `cargo-zigbuild` and zig are found: the system's when it has both,
    /// else with a virtual environment made here from PyPI in front.
    fn zig_path(&self) -> Result<OsString, String> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        if works(Command::new("cargo-zigbuild").arg("--version")) {
            return Ok(path);
        }
        let bin = self.venv.join("bin");
        if !works(Command::new(bin.join("cargo-zigbuild")).arg("--version")) {
            eprintln!(
                "installing zig and cargo-zigbuild from PyPI into {}",
                self.venv.display()
            );
            run_command(Command::new("python3").args(["-m", "venv"]).arg(&self.venv))?;
            run_command(
                Command::new(bin.join("pip"))
                    .args(["install", "--quiet", "--disable-pip-version-check"])
                    .args([ZIGLANG, CARGO_ZIGBUILD]),
            )?;
        }
        let mut paths = vec![bin];
        paths.extend(std::env::split_paths(&path));
        std::env::join_paths(paths).map_err(|e| e.to_string())
    }
}

fn works(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// How the target's standard library is had.
#[derive(PartialEq, Eq)]
enum Std {
    /// rustup's prebuilt one.
    Installed,
    /// Built from `rust-src` with the program.
    FromSource,
}

/// Adds the Rust target with rustup; for LoongArch, when that is not possible, `rust-src` to
/// build its standard library from.
fn rust_target(target: &Target) -> Result<Std, String> {
    let added = works(Command::new("rustup").args(["target", "add", target.triple]));
    if added {
        return Ok(Std::Installed);
    }
    if target.triple.starts_with("loongarch64") {
        eprintln!(
            "rustup cannot install the standard library of {}: building it from source",
            target.triple
        );
        run_command(Command::new("rustup").args(["component", "add", "rust-src"]))?;
        return Ok(Std::FromSource);
    }
    Err(format!(
        "rustup target add {} failed (is rustup installed?)",
        target.triple
    ))
}

/// Builds the `jixiao` binary for `target`; its path.
pub fn build(
    release: &Release,
    tools: &Tools,
    target_dir: &Path,
    target: &Target,
) -> Result<PathBuf, String> {
    let std = rust_target(target)?;
    let mut cargo = Command::new("cargo");
    cargo.current_dir(&release.root);
    match target.platform {
        Platform::Windows => {
            if !works(Command::new("x86_64-w64-mingw32-gcc").arg("--version")) {
                return Err(
                    "no x86_64-w64-mingw32-gcc: install mingw-w64 (Debian: apt-get install gcc-mingw-w64-x86-64)"
                        .to_string(),
                );
            }
            cargo.arg("build");
        }
        Platform::Linux { .. } => {
            cargo.env("PATH", tools.zig_path()?).arg("zigbuild");
        }
    }
    cargo
        .args(["--locked", "--bin", "jixiao", "--target", target.triple])
        .args(["--profile", &release.profile])
        .env("JIXIAO_COMMIT", &release.commit);
    if std == Std::FromSource {
        cargo
            .env("RUSTC_BOOTSTRAP", "1")
            .arg("-Zbuild-std=std,panic_unwind");
    }
    run_command(&mut cargo)?;
    let folder = match release.profile.as_str() {
        "dev" | "test" => "debug",
        "release" | "bench" => "release",
        other => other,
    };
    let name = match target.platform {
        Platform::Windows => "jixiao.exe",
        Platform::Linux { .. } => "jixiao",
    };
    Ok(target_dir.join(target.triple).join(folder).join(name))
}
