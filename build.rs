//! Tells `jixiao --version` what it was built for: the target triple and the commit
//! (`JIXIAO_COMMIT` when set, as `cargo xtask dist` and CI set it for a copy of the tree without
//! git; else git's; else `unknown`).

use std::path::Path;
use std::process::Command;

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=JIXIAO_TARGET={target}");
    println!("cargo:rerun-if-env-changed=JIXIAO_COMMIT");
    let commit = std::env::var("JIXIAO_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=JIXIAO_COMMIT={commit}");
}

/// The checked-out commit, watching the files that change when it does.
fn git_commit() -> Option<String> {
    let git = Path::new(".git");
    if git.is_dir() {
        println!("cargo:rerun-if-changed=.git/HEAD");
        println!("cargo:rerun-if-changed=.git/packed-refs");
        let head = std::fs::read_to_string(git.join("HEAD")).unwrap_or_default();
        if let Some(reference) = head.trim().strip_prefix("ref: ") {
            println!("cargo:rerun-if-changed=.git/{reference}");
        }
    }
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}
