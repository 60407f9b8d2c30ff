//! The output folder's shared state (输出文件夹的状态) — the manifest today, anything else kept
//! beside it tomorrow — and the locks that let several writers (`jixiao build` runs, the page,
//! watch mode) share one output folder without losing each other's records.
//!
//! Two advisory locks, each on an empty file in the output folder that stays there (removing a
//! lock file would let two writers lock two different files). The operating system releases a
//! lock when its process ends, however it ends, so a killed writer never blocks the next one.
//!
//! - [`LOCK_FILE`] is held exclusively only while the state is read, merged and written back
//!   ([`StateDir::update`]), never while documents are built. A writer that cannot get it within
//!   [`LOCK_TIMEOUT`] gives up and leaves the state as it was.
//! - [`WRITERS_FILE`] is held shared by every writer for as long as it may have temporary files
//!   in the folder ([`StateDir::join`]). A writer that gets it exclusively is alone, so the
//!   temporary files it finds were left by killed writers and can be removed.
//!
//! The locks are `std::fs::File::lock` and its kin: `flock` on Linux and macOS, `LockFileEx` on
//! Windows. Two handles conflict even within one process.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::files::remove_temporaries;

/// The file locked while the state is changed.
pub const LOCK_FILE: &str = ".jixiao.lock";

/// The file every writer holds a shared lock on while it runs.
pub const WRITERS_FILE: &str = ".jixiao-writers.lock";

/// How long a writer waits for the lock before giving up.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a waiting writer tries the lock again.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// An output folder whose state is changed only under its lock.
#[derive(Debug, Clone)]
pub struct StateDir {
    dir: PathBuf,
    timeout: Duration,
}

/// Why the state could not be changed. The state on disk is then as it was.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Another writer held the lock for longer than the timeout.
    #[error("另一个 jixiao 正在写入输出文件夹 {}，等待 {} 秒仍未取得锁 {}", .dir.display(), .waited.as_secs(), .lock.display())]
    Busy {
        dir: PathBuf,
        lock: PathBuf,
        waited: Duration,
    },
    /// The lock file could not be opened or locked.
    #[error("无法使用锁文件 {}：{source}", .lock.display())]
    Lock {
        lock: PathBuf,
        source: std::io::Error,
    },
    /// A state file could not be written.
    #[error("无法写入 {}：{source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<StateError> for crate::Error {
    fn from(e: StateError) -> Self {
        crate::Error::failed(e.to_string())
    }
}

/// The state lock, held until dropped (or until the process ends).
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

/// This process's registration as a writer of the folder (写入者), until dropped (or until the
/// process ends).
#[derive(Debug)]
pub struct Writer {
    _file: File,
}

impl StateDir {
    /// The state of output folder `dir`, waiting [`LOCK_TIMEOUT`] for its lock.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            timeout: LOCK_TIMEOUT,
        }
    }

    /// The same folder, waiting `timeout` for its lock.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self { timeout, ..self }
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Takes the state lock, waiting up to the timeout.
    pub fn lock(&self) -> Result<StateLock, StateError> {
        let path = self.dir.join(LOCK_FILE);
        let file = open(&path)?;
        self.wait(&path, || file.try_lock())?;
        Ok(StateLock { _file: file })
    }

    /// Runs `change` (given the output folder) under the state lock: read what is on disk now,
    /// merge, write back (atomically), all before the lock is released.
    pub fn update<T>(&self, change: impl FnOnce(&Path) -> T) -> Result<T, StateError> {
        let _lock = self.lock()?;
        Ok(change(&self.dir))
    }

    /// Registers this process as a writer of the folder, for as long as the result lives. When
    /// no other writer is registered, first removes the temporary files that killed writers
    /// left. Call it before writing any temporary file into the folder.
    pub fn join(&self) -> Result<Writer, StateError> {
        let path = self.dir.join(WRITERS_FILE);
        // The exclusive probe is released by closing its handle, not by `unlock`: under Wine,
        // `File::unlock` fails with "Lock violation" (it unlocks twice, and Wine reports the
        // second, empty unlock as a conflict where Windows says "not locked").
        {
            let probe = open(&path)?;
            match probe.try_lock() {
                Ok(()) => remove_temporaries(&self.dir, None),
                // Another writer is running: its temporary files may be in use.
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(source)) => {
                    return Err(StateError::Lock { lock: path, source });
                }
            }
        }
        // Only a writer that is removing temporaries holds it exclusively, and only briefly.
        let file = open(&path)?;
        self.wait(&path, || file.try_lock_shared())?;
        Ok(Writer { _file: file })
    }

    /// Tries `attempt` until it succeeds, fails, or the timeout has passed.
    fn wait(
        &self,
        lock: &Path,
        attempt: impl Fn() -> Result<(), TryLockError>,
    ) -> Result<(), StateError> {
        let start = Instant::now();
        loop {
            match attempt() {
                Ok(()) => return Ok(()),
                Err(TryLockError::WouldBlock) if start.elapsed() < self.timeout => {
                    std::thread::sleep(POLL_INTERVAL)
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StateError::Busy {
                        dir: self.dir.clone(),
                        lock: lock.to_path_buf(),
                        waited: self.timeout,
                    });
                }
                Err(TryLockError::Error(source)) => {
                    return Err(StateError::Lock {
                        lock: lock.to_path_buf(),
                        source,
                    });
                }
            }
        }
    }
}

/// Opens (creating, never truncating) a lock file.
fn open(path: &Path) -> Result<File, StateError> {
    File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|source| StateError::Lock {
            lock: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_excludes_a_second_holder_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path()).with_timeout(Duration::from_millis(100));
        let held = state.lock().unwrap();
        match state.update(|_| ()) {
            Err(StateError::Busy { waited, .. }) => assert_eq!(waited, Duration::from_millis(100)),
            other => panic!("expected Busy, got {other:?}"),
        }
        drop(held);
        assert_eq!(state.update(|d| d.to_path_buf()).unwrap(), dir.path());
        assert!(dir.path().join(LOCK_FILE).is_file());
    }

    #[test]
    fn a_waiting_writer_gets_the_lock_once_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        let held = state.lock().unwrap();
        let waiter = {
            let state = state.clone();
            std::thread::spawn(move || state.update(|_| Instant::now()).unwrap())
        };
        std::thread::sleep(Duration::from_millis(200));
        let released = Instant::now();
        drop(held);
        assert!(waiter.join().unwrap() >= released);
    }

    #[test]
    fn temporaries_are_removed_only_when_no_other_writer_is_registered() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path()).with_timeout(Duration::from_millis(100));
        let temp = dir.path().join(".jixiao-1-abc.tmp");
        std::fs::write(&temp, b"half a pdf").unwrap();

        let first = state.join().unwrap();
        assert!(!temp.exists(), "alone: a killed writer's temporary goes");

        std::fs::write(&temp, b"the first writer's pdf, being written").unwrap();
        let second = state.join().unwrap();
        assert!(
            temp.exists(),
            "another writer is registered: its file stays"
        );

        drop((first, second));
        let _third = state.join().unwrap();
        assert!(!temp.exists());
    }
}
