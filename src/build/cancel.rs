//! Cancellation (取消) as a value: whoever runs builds owns a [`Cancel`] and gives it to the
//! engine. The command line trips it on Ctrl-C, the page when 退出 is pressed; two engines with
//! their own handles never see each other's.
//!
//! Two strengths:
//! - [`Cancel::stop`]: no document starts any more; those being built finish and are written
//!   (the page's 退出 during 全部生成).
//! - [`Cancel::interrupt`], for a process about to exit: no document is written any more; the
//!   write in progress completes (writers hold the gate shared, the interrupt takes it
//!   exclusively), the documents the batches in progress have built are recorded (manifest and
//!   data store, under the output folder's lock, as a finishing batch does), and this process's
//!   temporary files are removed from every folder it writes into. Earlier PDFs stay as they
//!   were.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard};

use super::parallel::lock;
use crate::changes::Node;
use crate::output::lock::StateDir;
use crate::output::manifest::{Entry, Manifest};
use crate::output::store::{Kept, Store};

/// A handle that stops or interrupts the builds given it; clones share one state.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    stopped: AtomicBool,
    interrupted: AtomicBool,
    /// Writers hold it shared while they write into an output folder.
    gate: RwLock<()>,
    /// The batches in progress, by number.
    batches: Mutex<BTreeMap<u64, Progress>>,
    next: AtomicU64,
    /// The folders this handle's builds write temporary files into.
    folders: Mutex<BTreeSet<PathBuf>>,
}

/// What a batch in progress has built so far.
#[derive(Debug)]
struct Progress {
    state: StateDir,
    /// Manifest entries by PDF file name.
    built: BTreeMap<String, Entry>,
    /// The data kept of each department built, by [`crate::output::store::key`].
    data: BTreeMap<String, Kept<Node>>,
}

/// What a batch built, taken when it ends.
pub(super) type Built = (BTreeMap<String, Entry>, BTreeMap<String, Kept<Node>>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// No document starts any more; those being built finish.
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
    }

    /// True once [`Cancel::stop`] or [`Cancel::interrupt`] has been called.
    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    /// True once [`Cancel::interrupt`] has been called: nothing more is written.
    pub fn is_interrupted(&self) -> bool {
        self.0.interrupted.load(Ordering::SeqCst)
    }

    /// Stops and ends the builds for a process about to exit: waits for the write in progress,
    /// records what the batches in progress have built, removes this process's temporary files.
    /// Returns when that is done; the caller then exits.
    pub fn interrupt(&self) {
        self.0.interrupted.store(true, Ordering::SeqCst);
        self.stop();
        let _gate = self.0.gate.write().unwrap_or_else(PoisonError::into_inner);
        let batches = std::mem::take(&mut *lock(&self.0.batches));
        for progress in batches.into_values() {
            if !progress.built.is_empty() {
                let _ = Manifest::record(&progress.state, &progress.built);
            }
            if !progress.data.is_empty() {
                let _ = Store::record(&progress.state, &progress.data);
            }
        }
        for folder in lock(&self.0.folders).iter() {
            crate::output::remove_temporaries(folder, Some(std::process::id()));
        }
    }

    /// Held (shared) while a file is written into an output folder: an interrupt waits for it.
    pub(crate) fn write_gate(&self) -> RwLockReadGuard<'_, ()> {
        self.0.gate.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// `folder` receives temporary files of this handle's builds: an interrupt cleans it.
    pub(crate) fn writes_into(&self, folder: &Path) {
        lock(&self.0.folders).insert(folder.to_path_buf());
    }

    /// Registers a batch writing into `state`'s folder, until it [`Registration::end`]s.
    pub(super) fn begin(&self, state: StateDir) -> Registration<'_> {
        let id = self.0.next.fetch_add(1, Ordering::SeqCst);
        lock(&self.0.batches).insert(
            id,
            Progress {
                state,
                built: BTreeMap::new(),
                data: BTreeMap::new(),
            },
        );
        Registration { cancel: self, id }
    }
}

/// A batch in progress, as its [`Cancel`] knows it.
pub(super) struct Registration<'a> {
    cancel: &'a Cancel,
    id: u64,
}

impl Registration<'_> {
    /// A document written (call it holding the write gate, so that an interrupt records it).
    pub fn built(&self, pdf: String, entry: Entry) {
        if let Some(p) = lock(&self.cancel.0.batches).get_mut(&self.id) {
            p.built.insert(pdf, entry);
        }
    }

    /// The data kept of a department written.
    pub fn kept(&self, key: String, kept: Kept<Node>) {
        if let Some(p) = lock(&self.cancel.0.batches).get_mut(&self.id) {
            p.data.insert(key, kept);
        }
    }

    /// Ends the batch and takes what it built, for the batch to record itself (call it holding
    /// the write gate: an interrupt then finds nothing left to record).
    pub fn end(self) -> Built {
        match lock(&self.cancel.0.batches).remove(&self.id) {
            Some(p) => (p.built, p.data),
            None => Default::default(),
        }
    }
}

/// A batch that ends without [`Registration::end`] (a panic) leaves nothing behind.
impl Drop for Registration<'_> {
    fn drop(&mut self) {
        lock(&self.cancel.0.batches).remove(&self.id);
    }
}
