//! The incremental-build manifest (`{output}/.jixiao-manifest.json`): for each PDF in the output
//! folder, the hashes of everything it was made from (the workbook's bytes, the templates, the
//! tool version, the font set, the settings) and of the files written. A rebuild skips a document
//! whose inputs hash the same and whose PDF is still there with the recorded hash.
//!
//! Hashes are BLAKE3, written as hex. The manifest is only a cache: a missing, unreadable or
//! foreign one means "build everything", never an error.
//!
//! Several writers may share one output folder, so a run never writes back the manifest it read
//! at its start: [`Manifest::record`] merges its new entries into the manifest on disk under the
//! folder's lock (see [`super::lock`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::lock::{StateDir, StateError};
use serde::{Deserialize, Serialize};

/// The manifest's file name inside the output folder (hidden, so never taken for a workbook).
pub const FILE_NAME: &str = ".jixiao-manifest.json";

/// The manifest format written by this version.
const FORMAT: u32 = 1;

/// What was built into one output folder.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// By PDF file name (relative to the output folder).
    pub documents: BTreeMap<String, Entry>,
}

/// One document as last built successfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The workbook it was built from, as it was named on the command line (informational).
    pub workbook: PathBuf,
    /// 部门名称 and 年度, so that an unchanged workbook need not be read again to find duplicates.
    pub department: String,
    pub year: i32,
    pub inputs: Inputs,
    /// Hash of the PDF written.
    pub pdf: String,
    /// Hash of the Typst source written beside it (`--emit typ`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// Hash of the data that source reads, written beside it as `{文档标题}.json`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// How many warnings its build found, so that the summary of a later run that finds it
    /// unchanged need not read the workbook again (absent in manifests of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<usize>,
    /// Whether it is a self-evaluation (绩效自评报告); absent for a goals text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub self_evaluation: bool,
}

/// The hashes of everything a document is made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    pub workbook: String,
    #[serde(flatten)]
    pub environment: Environment,
}

/// The inputs shared by every document of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// Every template source, embedded and overriding (and every file in the override folder).
    pub templates: String,
    /// `jixiao x.y.z`.
    pub tool: String,
    /// The font set: every face's family, variant, flags and coverage.
    pub fonts: String,
    /// Settings that change the output (PDF standards, `--emit`).
    pub settings: String,
}

impl Environment {
    /// The environment of a run: the fingerprints of its templates and of its font set (each
    /// computed by its owner, the renderer and the typesetter), this tool's version and the
    /// settings that change the output.
    pub fn new(templates: String, fonts: String, settings: &[String]) -> Self {
        Self {
            templates,
            tool: format!("jixiao {}", env!("CARGO_PKG_VERSION")),
            fonts,
            settings: {
                let mut h = Fingerprint::new();
                for s in settings {
                    h.field(s.as_bytes());
                }
                h.finish()
            },
        }
    }
}

impl Manifest {
    /// The manifest in `output`, or an empty one when there is none or it cannot be used.
    pub fn load(output: &Path) -> Self {
        std::fs::read(output.join(FILE_NAME))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|m| m.format == FORMAT)
            .unwrap_or_default()
    }

    /// Writes the manifest into `output` atomically.
    pub fn save(&self, output: &Path) -> std::io::Result<()> {
        let manifest = Manifest {
            format: FORMAT,
            documents: self.documents.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
        json.push(b'\n');
        super::files::write_atomic(&output.join(FILE_NAME), &json)
    }

    /// Records the documents a run built (`built`, by PDF file name) in the manifest of the
    /// state's folder, under its lock: the manifest on disk now is read, entries whose PDF is
    /// gone are dropped, `built` is merged in, and the result is written back atomically.
    ///
    /// An entry of `built` whose files are no longer the ones it describes is left out: another
    /// writer replaced that PDF after this run wrote it, and that writer's entry (recorded
    /// already, or when it finishes) describes the file. So an entry always describes the PDF
    /// that is on disk, whichever writer's rename came last; at worst (that writer was killed
    /// before recording) the document is rebuilt next time.
    pub fn record(state: &StateDir, built: &BTreeMap<String, Entry>) -> Result<(), StateError> {
        state.update(|dir| {
            let mut manifest = Manifest::load(dir);
            manifest
                .documents
                .retain(|name, _| dir.join(name).is_file());
            for (name, entry) in built {
                if intact(dir, name, entry) {
                    manifest.documents.insert(name.clone(), entry.clone());
                }
            }
            manifest.save(dir).map_err(|source| StateError::Write {
                path: dir.join(FILE_NAME),
                source,
            })
        })?
    }

    /// The PDF (file name) built earlier from exactly `inputs` whose files in `output` are still
    /// there and intact, with its entry.
    pub fn unchanged(&self, output: &Path, inputs: &Inputs) -> Option<(&str, &Entry)> {
        self.documents
            .iter()
            .filter(|(_, e)| e.inputs == *inputs)
            .find(|(name, e)| intact(output, name, e))
            .map(|(name, e)| (name.as_str(), e))
    }
}

/// True when the files an entry describes are in `output` with the recorded hashes.
fn intact(output: &Path, pdf_name: &str, entry: &Entry) -> bool {
    let same = |path: &Path, hash: &str| file_hash(path).is_ok_and(|h| h == hash);
    if !same(&output.join(pdf_name), &entry.pdf) {
        return false;
    }
    let beside = |extension: &str, hash: &Option<String>| match hash {
        Some(hash) => same(
            &output.join(Path::new(pdf_name).with_extension(extension)),
            hash,
        ),
        None => true,
    };
    beside("typ", &entry.typ) && beside("json", &entry.data)
}

/// The hash of `bytes`, as hex.
pub fn bytes_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The hash of a file's bytes, as hex.
pub fn file_hash(path: &Path) -> std::io::Result<String> {
    let mut h = blake3::Hasher::new();
    h.update_reader(std::fs::File::open(path)?)?;
    Ok(hex(h))
}

fn hex(h: blake3::Hasher) -> String {
    h.finalize().to_hex().to_string()
}

/// A BLAKE3 hash of length-prefixed fields (so that concatenations cannot collide), as hex:
/// how every part of a manifest's [`Environment`] is fingerprinted.
pub struct Fingerprint(blake3::Hasher);

impl Fingerprint {
    pub fn new() -> Self {
        Self(blake3::Hasher::new())
    }

    /// Feeds one field.
    pub fn field(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// Feeds raw bytes, without a length.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        hex(self.0)
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment() -> Environment {
        Environment {
            templates: "t".into(),
            tool: "jixiao 0".into(),
            fonts: "f".into(),
            settings: "s".into(),
        }
    }

    #[test]
    fn unchanged_needs_equal_inputs_and_an_intact_pdf() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"pdf").unwrap();
        let inputs = Inputs {
            workbook: "w".into(),
            environment: environment(),
        };
        let mut manifest = Manifest::default();
        manifest.documents.insert(
            "a.pdf".into(),
            Entry {
                workbook: "x.xlsx".into(),
                department: "d".into(),
                year: 2021,
                inputs: inputs.clone(),
                pdf: bytes_hash(b"pdf"),
                typ: None,
                data: None,
                warnings: None,
                self_evaluation: false,
            },
        );
        manifest.save(dir.path()).unwrap();
        let manifest = Manifest::load(dir.path());
        assert!(manifest.unchanged(dir.path(), &inputs).is_some());

        let other = Inputs {
            workbook: "w2".into(),
            ..inputs.clone()
        };
        assert!(manifest.unchanged(dir.path(), &other).is_none());
        let mut env = inputs.clone();
        env.environment.fonts = "g".into();
        assert!(manifest.unchanged(dir.path(), &env).is_none());

        std::fs::write(dir.path().join("a.pdf"), b"tampered").unwrap();
        assert!(manifest.unchanged(dir.path(), &inputs).is_none());
        std::fs::remove_file(dir.path().join("a.pdf")).unwrap();
        assert!(manifest.unchanged(dir.path(), &inputs).is_none());
    }

    fn entry(pdf: &[u8], workbook: &str) -> Entry {
        Entry {
            workbook: workbook.into(),
            department: "d".into(),
            year: 2021,
            inputs: Inputs {
                workbook: bytes_hash(workbook.as_bytes()),
                environment: environment(),
            },
            pdf: bytes_hash(pdf),
            typ: None,
            data: None,
            warnings: None,
            self_evaluation: false,
        }
    }

    #[test]
    fn recording_merges_into_what_is_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        for name in ["a.pdf", "b.pdf", "c.pdf"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        // Two writers, each with its own documents: neither loses the other's.
        let first = BTreeMap::from([("a.pdf".to_string(), entry(b"a.pdf", "a.xlsx"))]);
        let second = BTreeMap::from([("b.pdf".to_string(), entry(b"b.pdf", "b.xlsx"))]);
        Manifest::record(&state, &first).unwrap();
        Manifest::record(&state, &second).unwrap();
        let names: Vec<String> = Manifest::load(dir.path()).documents.into_keys().collect();
        assert_eq!(names, ["a.pdf", "b.pdf"]);

        // A third writer rewrote a.pdf after the first one wrote it; the first records late.
        std::fs::write(dir.path().join("a.pdf"), b"newer a").unwrap();
        let third = BTreeMap::from([("a.pdf".to_string(), entry(b"newer a", "a2.xlsx"))]);
        Manifest::record(&state, &third).unwrap();
        Manifest::record(&state, &first).unwrap();
        let manifest = Manifest::load(dir.path());
        assert_eq!(manifest.documents["a.pdf"], third["a.pdf"]);

        // A PDF that is gone takes its entry with it.
        std::fs::remove_file(dir.path().join("b.pdf")).unwrap();
        let c = BTreeMap::from([("c.pdf".to_string(), entry(b"c.pdf", "c.xlsx"))]);
        Manifest::record(&state, &c).unwrap();
        let names: Vec<String> = Manifest::load(dir.path()).documents.into_keys().collect();
        assert_eq!(names, ["a.pdf", "c.pdf"]);
    }

    #[test]
    fn a_busy_folder_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"a").unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{ as it was").unwrap();
        let state = StateDir::new(dir.path()).with_timeout(std::time::Duration::from_millis(50));
        let _held = state.lock().unwrap();
        let built = BTreeMap::from([("a.pdf".to_string(), entry(b"a", "a.xlsx"))]);
        assert!(matches!(
            Manifest::record(&state, &built),
            Err(StateError::Busy { .. })
        ));
        assert_eq!(
            std::fs::read(dir.path().join(FILE_NAME)).unwrap(),
            b"{ as it was"
        );
    }

    #[test]
    fn a_broken_manifest_is_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{ not json").unwrap();
        assert!(Manifest::load(dir.path()).documents.is_empty());
    }
}
