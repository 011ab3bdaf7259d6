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
use std::time::Duration;

use super::gate::Gate;

/// The lock of every cache file that a caller holds or waits for. An
/// entry lives as long as one of them: the map holds it weakly, and the
/// entries nobody holds any more are dropped whenever one is added, so
/// the map never holds more than the files in use, plus one.
static LOCKS: Mutex<BTreeMap<PathBuf, Weak<Gate>>> = Mutex::new(BTreeMap::new());

/// The lock of a file was held by another caller for the whole of the
/// wait given to [`one_at_a_time`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Busy {
    /// How long the caller waited.
    pub(crate) waited: Duration,
}

/// How long a caller waits for another caller's refresh of the same file,
/// given the longest the refresh's requests may take (`requests`): that,
/// and 1 s for reading and writing the file. A holder takes no longer
/// unless something hangs; the waiter is then told so instead of hanging
/// too, and serves what the file holds if it is still valid.
pub(crate) fn wait_for_refresh(requests: Duration) -> Duration {
    requests.saturating_add(FILE_WORK)
}

/// What [`wait_for_refresh`] allows for reading and writing a cache file.
const FILE_WORK: Duration = Duration::from_secs(1);

/// Runs `f` holding the process-wide refresh lock of the cache file at
/// `path`: at most one caller at a time runs it for one file. `f` must
/// read the file itself (again, if it was read before), since another
/// caller may have refreshed it while this one waited. If another caller
/// holds the lock for all of `wait`, `f` is not run.
///
/// A panic in `f` releases the lock as it unwinds; the callers that wait
/// go on (the lock's poisoning is ignored: it guards no data).
pub(crate) fn one_at_a_time<T>(
    path: &Path,
    wait: Duration,
    f: impl FnOnce() -> T,
) -> Result<T, Busy> {
    let lock = lock_of(path);
    let _turn = lock.enter(wait).ok_or(Busy { waited: wait })?;
    Ok(f())
}

/// The lock of `path`, shared with every caller that holds or waits for it.
///
/// A [`Gate`], not a bare `Mutex<()>`: a waiter must be able to give up,
/// and a mutex has no timed lock.
fn lock_of(path: &Path) -> Arc<Gate> {
    let mut locks = LOCKS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(lock) = locks.get(path).and_then(Weak::upgrade) {
        return lock;
    }
    locks.retain(|_, lock| lock.strong_count() > 0);
    let lock = Arc::new(Gate::default());
    locks.insert(path.to_owned(), Arc::downgrade(&lock));
    lock
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Instant;

    use super::*;

    /// Long enough never to run out in these tests.
    const LONG: Duration = Duration::from_secs(60);

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
                    one_at_a_time(path, LONG, || {
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(10));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    })
                    .unwrap();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        // Holding one file's lock, another file's is free.
        let other = Path::new("/refresh-lock-test/other.json");
        let nested = one_at_a_time(path, LONG, || one_at_a_time(other, Duration::ZERO, || 7));
        assert_eq!(nested, Ok(Ok(7)));
    }

    #[test]
    fn a_panic_inside_releases_the_lock() {
        let path = Path::new("/refresh-lock-test/panic.json");
        let panicked = std::thread::spawn(move || one_at_a_time(path, LONG, || panic!("refresh")));
        assert!(panicked.join().is_err());
        assert_eq!(one_at_a_time(path, Duration::ZERO, || 7), Ok(7));
    }

    #[test]
    fn unused_locks_are_dropped() {
        let first = Path::new("/refresh-lock-test/first.json");
        one_at_a_time(first, LONG, || assert!(live(first))).unwrap();
        assert!(!live(first));
        let second = Path::new("/refresh-lock-test/second.json");
        one_at_a_time(second, LONG, || ()).unwrap();
        assert!(!held(first), "dropped when the next lock was made");
    }

    #[test]
    fn a_waiter_gives_up_after_its_wait_while_the_lock_is_held() {
        let path = Path::new("/refresh-lock-test/hung.json");
        let release = AtomicBool::new(false);
        std::thread::scope(|s| {
            testing::hold(s, path, &release);
            let start = Instant::now();
            let mut ran = false;
            let waited = one_at_a_time(path, Duration::from_millis(300), || ran = true);
            let took = start.elapsed();
            release.store(true, Ordering::SeqCst);
            assert_eq!(
                waited,
                Err(Busy {
                    waited: Duration::from_millis(300)
                })
            );
            assert!(!ran, "not run without the lock");
            assert!(took >= Duration::from_millis(300), "{took:?}");
            assert!(took < Duration::from_secs(3), "{took:?}");
        });
        // Let go, it is free again at once.
        assert_eq!(one_at_a_time(path, Duration::ZERO, || 7), Ok(7));
    }
}

/// For the tests of the lock's users: a refresh that hangs.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Barrier};
    use std::thread::Scope;
    use std::time::{Duration, Instant};

    /// Holds the lock of `path` on a thread of `scope` until `release` is
    /// set, or for 6 s at most, so that a waiter without a bound fails
    /// instead of hanging the test; returns once the lock is held.
    pub(crate) fn hold<'scope>(
        scope: &'scope Scope<'scope, '_>,
        path: &'scope Path,
        release: &'scope AtomicBool,
    ) {
        let held = Arc::new(Barrier::new(2));
        let inside = Arc::clone(&held);
        scope.spawn(move || {
            super::one_at_a_time(path, Duration::from_secs(60), || {
                inside.wait();
                let start = Instant::now();
                while !release.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(6) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
            .expect("a free lock");
        });
        held.wait();
    }
}
