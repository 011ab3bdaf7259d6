//! One refresh at a time per token cache file, in the whole process.
//!
//! The SSO token ([`SsoTokenProvider`](super::SsoTokenProvider)) and the
//! console login session ([`LoginProvider`](super::LoginProvider)) are
//! refreshed with a refresh token that the service rotates: each one is
//! accepted once, and the answer carries the next, which is written to the
//! cache file. Two callers that read the same file and both refresh spend
//! the same refresh token twice; the second is refused (`invalid_grant`),
//! and its caller is told to log in again although a good token was
//! written a moment later. So the whole of read → refresh → write-back
//! runs under a lock for that file, and the caller reads the file again
//! once it holds the lock: one that waited finds the winner's token.
//!
//! The lock is the process's, not a [`ProviderConfig`](super::ProviderConfig)'s:
//! two clients (two `Client::builder().from_env()`, one per C thread
//! through sts-ffi) each make their own configuration, but share the file.
//! Locks are keyed by the path as the provider names it (a fake file
//! system's made-up paths too); another process, or the same file reached
//! through another path, is not kept out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// The lock of every cache file that a caller holds or waits for. An
/// entry lives as long as one of them: the map holds it weakly, and the
/// entries nobody holds any more are dropped whenever one is added, so
/// the map never holds more than the files in use, plus one.
static LOCKS: Mutex<BTreeMap<PathBuf, Weak<Mutex<()>>>> = Mutex::new(BTreeMap::new());

/// Runs `f` holding the process-wide refresh lock of the cache file at
/// `path`: at most one caller at a time runs it for one file. `f` must
/// read the file itself (again, if it was read before), since another
/// caller may have refreshed it while this one waited.
///
/// A panic in `f` releases the lock as it unwinds; the callers that wait
/// go on (the lock's poisoning is ignored: it guards no data).
pub(crate) fn one_at_a_time<T>(path: &Path, f: impl FnOnce() -> T) -> T {
    let lock = lock_of(path);
    let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
    f()
}

/// The lock of `path`, shared with every caller that holds or waits for it.
fn lock_of(path: &Path) -> Arc<Mutex<()>> {
    let mut locks = LOCKS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(lock) = locks.get(path).and_then(Weak::upgrade) {
        return lock;
    }
    locks.retain(|_, lock| lock.strong_count() > 0);
    let lock = Arc::new(Mutex::new(()));
    locks.insert(path.to_owned(), Arc::downgrade(&lock));
    lock
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    use super::*;

    fn live(path: &Path) -> bool {
        let locks = LOCKS.lock().unwrap_or_else(PoisonError::into_inner);
        locks.get(path).is_some_and(|lock| lock.strong_count() > 0)
    }

    fn held(path: &Path) -> bool {
        LOCKS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(path)
    }

    #[test]
    fn callers_of_one_file_take_turns_and_other_files_do_not_wait() {
        let path = Path::new("/refresh-lock-test/turns.json");
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(4));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (inside, most, start) = (inside.clone(), most.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    one_at_a_time(path, || {
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(10));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    });
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        // Holding one file's lock, another file's is free.
        one_at_a_time(path, || {
            one_at_a_time(Path::new("/refresh-lock-test/other.json"), || ())
        });
    }

    #[test]
    fn a_panic_inside_releases_the_lock() {
        let path = Path::new("/refresh-lock-test/panic.json");
        let panicked = std::thread::spawn(move || one_at_a_time(path, || panic!("refresh")));
        assert!(panicked.join().is_err());
        assert_eq!(one_at_a_time(path, || 7), 7);
    }

    #[test]
    fn unused_locks_are_dropped() {
        let first = Path::new("/refresh-lock-test/first.json");
        one_at_a_time(first, || assert!(live(first)));
        assert!(!live(first));
        let second = Path::new("/refresh-lock-test/second.json");
        one_at_a_time(second, || ());
        assert!(!held(first), "dropped when the next lock was made");
    }
}
