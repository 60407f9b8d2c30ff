//! The layout `ARCHITECTURE.md` describes, held to by reading `src/`: the library's modules
//! import each other without a circle, inside a folder `mod.rs` is the top (a child never
//! imports its parent), the leaves import nothing above them, the library keeps no mutable
//! process-wide state, and the map names every folder there is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's source tree (the binary's `main.rs` and `cli/` are not the library).
fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every module of the library: its path (`build::plan`) and its source without its tests.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if prefix.is_empty() && name == "cli" {
                    continue;
                }
                let mut inner = prefix.to_vec();
                inner.push(name);
                walk(&path, &inner, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                if prefix.is_empty() && (name == "lib" || name == "main") || name == "tests" {
                    continue;
                }
                let mut parts = prefix.to_vec();
                if name != "mod" {
                    parts.push(name);
                }
                let source = std::fs::read_to_string(&path).unwrap();
                let code = match source.find("#[cfg(test)]\nmod tests") {
                    Some(i) => source[..i].to_string(),
                    None => source,
                };
                out.insert(parts.join("::"), code);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&src(), &[], &mut out);
    out
}

/// The leading identifiers of a path written after `crate::` or `super::` at `rest`: one path,
/// or each path of a `{a, b::c}` group (nested groups are not used in this crate).
fn paths_after(rest: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> Vec<String> {
        let mut parts = Vec::new();
        let mut s = s.trim_start();
        loop {
            let end = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(s.len());
            if end == 0 {
                break;
            }
            parts.push(s[..end].to_string());
            match s[end..].strip_prefix("::") {
                Some(more) if !more.starts_with('{') => s = more,
                _ => break,
            }
        }
        parts
    };
    if let Some(group) = rest.strip_prefix('{') {
        let inner = &group[..group.find('}').unwrap_or(group.len())];
        inner
            .split(',')
            .map(ident)
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        vec![ident(rest)]
    }
}

/// The modules `name` refers to: each `crate::…` and `super::…` path, resolved to the longest
/// module it names.
fn imports(name: &str, code: &str, all: &BTreeMap<String, String>) -> BTreeSet<String> {
    let me: Vec<&str> = name.split("::").collect();
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("crate::").or_else(|| rest.find("super::")) {
            let (base, after): (Vec<&str>, &str) = if rest[i..].starts_with("crate::") {
                (Vec::new(), &rest[i + "crate::".len()..])
            } else {
                // `super` is the module one up (for a folder's `mod.rs`, the folder's parent).
                let mut after = &rest[i + "super::".len()..];
                let mut up = 1;
                while let Some(more) = after.strip_prefix("super::") {
                    up += 1;
                    after = more;
                }
                (me[..me.len().saturating_sub(up)].to_vec(), after)
            };
            for path in paths_after(after) {
                let mut full: Vec<String> = base.iter().map(|s| s.to_string()).collect();
                full.extend(path);
                while !full.is_empty() && !all.contains_key(&full.join("::")) {
                    full.pop();
                }
                if !full.is_empty() && full.join("::") != name {
                    found.insert(full.join("::"));
                }
            }
            rest = &rest[i + 7..];
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let all = modules();
    all.iter()
        .map(|(name, code)| (name.clone(), imports(name, code, &all)))
        .collect()
}

/// The top-level module of `name`.
fn top(name: &str) -> &str {
    name.split("::").next().unwrap()
}

/// A circle in `edges`, if there is one.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            return Some(path[i..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_folders_import_each_other_without_a_circle() {
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, imports) in graph() {
        let from = top(&name).to_string();
        let to = folders.entry(from.clone()).or_default();
        to.extend(
            imports
                .iter()
                .map(|i| top(i).to_string())
                .filter(|t| *t != from),
        );
    }
    assert_eq!(circle(&folders), None, "{folders:#?}");
    // The reader of the tree can rely on it: the pipeline's stages never import a later one.
    let stages = ["read", "check", "render", "compile", "build"];
    for (i, stage) in stages.iter().enumerate() {
        for later in &stages[i + 1..] {
            assert!(
                !folders[*stage].contains(*later),
                "{stage} imports {later}, a later stage"
            );
        }
    }
}

#[test]
fn no_module_imports_its_parent_nor_closes_a_circle() {
    let graph = graph();
    for (name, imports) in &graph {
        if let Some((parent, _)) = name.rsplit_once("::") {
            assert!(
                !imports.contains(parent),
                "{name} imports its parent {parent}: in a folder, mod.rs uses its children"
            );
        }
    }
    // Parents use their children; with that, the whole graph of modules has no circle.
    assert_eq!(circle(&graph), None);
}

#[test]
fn the_leaves_import_nothing_above_them() {
    let graph = graph();
    let allowed: &[(&str, &[&str])] = &[
        ("text", &[]),
        ("model", &["text"]),
        ("contract", &["model", "text"]),
        ("diagnostic", &["contract"]),
        ("error", &[]),
        ("platform", &[]),
    ];
    for (leaf, may) in allowed {
        let used: BTreeSet<&str> = graph
            .iter()
            .filter(|(name, _)| top(name) == *leaf)
            .flat_map(|(_, imports)| imports.iter().map(|i| top(i)))
            .filter(|t| t != leaf)
            .collect();
        let beyond: Vec<&&str> = used.iter().filter(|u| !may.contains(u)).collect();
        assert!(beyond.is_empty(), "{leaf} imports {beyond:?}");
    }
}

#[test]
fn the_library_keeps_no_mutable_process_wide_state() {
    for (name, code) in modules() {
        for line in code.lines().map(str::trim_start) {
            // After any attributes on the same line.
            let line = line.rsplit_once("] ").map_or(line, |(_, l)| l);
            let line = line.strip_prefix("pub(crate) ").unwrap_or(line);
            let line = line.strip_prefix("pub ").unwrap_or(line);
            if let Some(rest) = line.strip_prefix("static ") {
                // The type, between the name and the value (`std::sync::Mutex<…>`).
                let kind = rest.split_once(':').map_or("", |(_, t)| t);
                let kind = kind.split('=').next().unwrap_or("");
                let mutable = ["Atomic", "Mutex", "RwLock", "Cell", "OnceLock"]
                    .iter()
                    .any(|k| kind.contains(k))
                    || rest.starts_with("mut ");
                assert!(!mutable, "{name}: {line}");
            }
        }
    }
}

#[test]
fn the_top_level_is_small_and_the_map_names_every_part() {
    let mut files = Vec::new();
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            parts.push(name);
        } else {
            files.push(name.clone());
            if name != "lib.rs" && name != "main.rs" {
                parts.push(name);
            }
        }
    }
    assert!(files.len() <= 8, "{files:?}");
    let map =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    for part in parts {
        let shown = if part.ends_with(".rs") {
            format!("`src/{part}`")
        } else {
            format!("`src/{part}/`")
        };
        assert!(map.contains(&shown), "ARCHITECTURE.md does not map {shown}");
    }
    // The binary's parts are the binary's: the library does not declare them.
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    assert!(!lib.contains("mod cli"));
}
