//! Running documents side by side: the build threads, a panic turned into a finding, and the
//! one way this crate takes a lock.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::contract::RuleId;
use crate::diagnostic::{Diagnostic, Location};

/// The stack of a build thread. Typst recurses deeply (more so in an unoptimised build); the
/// memory is only reserved, not used.
pub const STACK_SIZE: usize = 64 << 20;

/// `f` over `items`, in parallel on `threads` threads that take the next item as they become
/// free; results in the order of `items`.
///
/// The threads are plain threads, not rayon workers: typst parallelises inside one document on
/// rayon's pool, and a rayon worker waiting for that work would pick up another document on the
/// same stack, nesting compilations until the stack overflows.
pub fn parallel_map<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            std::thread::Builder::new()
                .name("jixiao-build".to_string())
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let result = f(item);
                        *lock(&results[i]) = Some(result);
                    }
                })
                .expect("start a build thread");
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every item is done")
        })
        .collect()
}

/// Runs `f`, turning a panic into an error finding for `path`.
pub fn guarded<T>(
    path: &Path,
    f: impl FnOnce() -> (Option<T>, Vec<Diagnostic>),
) -> (Option<T>, Vec<Diagnostic>) {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        (
            None,
            vec![Diagnostic::error(
                path,
                Location::file(),
                RuleId::Internal,
                format!("处理该文件时发生内部错误：{what}"),
            )],
        )
    })
}

/// Locks `mutex`, whether or not a thread panicked while holding it: every value this crate
/// keeps under a lock stays whole through a panic (each is replaced, never half updated).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
