//! The caching provider with a fake clock and a counting inner provider:
//! when it refreshes, how many refreshes concurrent callers cause, and
//! what it serves when a refresh fails.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sts_blocking::credentials::{
    CachingProvider, CredentialsError, ProvideCredentials, SharedCredentials,
};
use sts_blocking::timing::Clock;
use sts_proto::Credentials;

const T0: u64 = 1_800_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0 + secs)
}

#[derive(Debug, Clone)]
struct FakeClock(Arc<Mutex<SystemTime>>);

impl FakeClock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(at(0))))
    }
    fn set(&self, secs: u64) {
        *self.0.lock().unwrap() = at(secs);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Hands out `AKID1`, `AKID2`, … each valid for `lifetime` from the fake
/// clock's time, counting calls; can be told to fail or to be slow.
#[derive(Debug, Clone)]
struct Counting {
    calls: Arc<AtomicUsize>,
    clock: FakeClock,
    lifetime: Duration,
    fail: Arc<AtomicBool>,
    delay: Duration,
}

impl Counting {
    fn new(clock: &FakeClock) -> Self {
        Self {
            calls: Arc::default(),
            clock: clock.clone(),
            lifetime: Duration::from_secs(3600),
            fail: Arc::default(),
            delay: Duration::ZERO,
        }
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        thread::sleep(self.delay);
        if self.fail.load(Ordering::SeqCst) {
            return Err(CredentialsError::failed("counting", "told to fail"));
        }
        Ok(Arc::new(
            Credentials::new(format!("AKID{n}"), "secret", None)
                .with_expiration(self.clock.now() + self.lifetime),
        ))
    }
}

fn cache(inner: &Counting, clock: &FakeClock) -> CachingProvider {
    CachingProvider::builder(inner.clone())
        .clock(clock.clone())
        .jitter(Duration::ZERO)
        .build()
}

fn key(p: &CachingProvider) -> String {
    p.provide_credentials().unwrap().access_key_id().to_owned()
}

#[test]
fn refreshes_inside_the_window_and_not_before() {
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");
    // Expires at 3600 s; the default window is 5 minutes.
    for t in [1, 600, 3000, 3299] {
        clock.set(t);
        assert_eq!(key(&cache), "AKID1", "at {t} s");
    }
    assert_eq!(inner.calls(), 1);
    clock.set(3301);
    assert_eq!(key(&cache), "AKID2");
    assert_eq!(inner.calls(), 2);
    clock.set(3400);
    assert_eq!(key(&cache), "AKID2");
    assert_eq!(inner.calls(), 2);
}

#[test]
fn the_window_is_configurable_and_jitter_only_moves_it_earlier() {
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = CachingProvider::builder(inner.clone())
        .clock(clock.clone())
        .refresh_window(Duration::from_secs(900))
        .jitter(Duration::from_secs(120))
        .build();
    assert_eq!(key(&cache), "AKID1");
    clock.set(3600 - 900 - 121);
    assert_eq!(key(&cache), "AKID1");
    clock.set(3600 - 899);
    assert_eq!(key(&cache), "AKID2");
}

/// The keys `n` threads get, all asking at once.
fn race(cache: &CachingProvider, n: usize) -> Vec<String> {
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (cache, barrier) = (cache.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                key(&cache)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn one_refresh_for_eight_concurrent_callers() {
    let clock = FakeClock::new();
    let mut inner = Counting::new(&clock);
    inner.delay = Duration::from_millis(200);
    let cache = cache(&inner, &clock);

    // Nothing cached yet: everyone waits for the one fetch.
    let keys = race(&cache, 8);
    assert_eq!(inner.calls(), 1);
    assert!(keys.iter().all(|k| k == "AKID1"), "{keys:?}");

    // In the window: one caller refreshes, the others keep the still
    // valid credentials instead of waiting.
    clock.set(3400);
    let keys = race(&cache, 8);
    assert_eq!(inner.calls(), 2, "{keys:?}");
    assert!(keys.iter().any(|k| k == "AKID2"), "{keys:?}");
    assert!(
        keys.iter().all(|k| k == "AKID1" || k == "AKID2"),
        "{keys:?}"
    );
    assert_eq!(key(&cache), "AKID2");
}

#[test]
fn serves_valid_credentials_while_refresh_fails_then_errors_once_expired() {
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");

    inner.fail.store(true, Ordering::SeqCst);
    clock.set(3400);
    assert_eq!(key(&cache), "AKID1", "kept after a failed refresh");
    assert_eq!(inner.calls(), 2);
    // Not retried on every call: after the back-off (10 s by default).
    clock.set(3405);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(inner.calls(), 2);
    clock.set(3411);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(inner.calls(), 3);

    // Expired: the error reaches the caller.
    clock.set(3600);
    let err = cache.provide_credentials().unwrap_err();
    assert!(err.to_string().contains("told to fail"), "{err}");

    // And the cache recovers when the source does.
    inner.fail.store(false, Ordering::SeqCst);
    clock.set(3700);
    assert!(key(&cache).starts_with("AKID"));
    assert_eq!(
        cache.provide_credentials().unwrap().expiration(),
        Some(at(3700 + 3600))
    );
}

#[test]
fn credentials_without_expiry_are_fetched_once() {
    #[derive(Debug)]
    struct Forever(AtomicUsize);
    impl ProvideCredentials for Forever {
        fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Arc::new(Credentials::new("AKID", "secret", None)))
        }
    }
    let inner = Arc::new(Forever(AtomicUsize::new(0)));
    let clock = FakeClock::new();
    let cache = CachingProvider::builder(Arc::clone(&inner))
        .clock(clock.clone())
        .build();
    for t in [0, 10_000, 10_000_000] {
        clock.set(t);
        assert_eq!(key(&cache), "AKID");
    }
    assert_eq!(inner.0.load(Ordering::SeqCst), 1);
}

#[test]
fn reads_on_many_threads_see_a_refresh() {
    // The read path keeps per-thread copies; a refresh on one thread must
    // reach readers on the others.
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let cache = cache.clone();
            thread::spawn(move || key(&cache))
        })
        .collect();
    for r in readers {
        assert_eq!(r.join().unwrap(), "AKID1");
    }
    clock.set(3400);
    assert_eq!(key(&cache), "AKID2");
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let cache = cache.clone();
            thread::spawn(move || key(&cache))
        })
        .collect();
    for r in readers {
        assert_eq!(r.join().unwrap(), "AKID2");
    }
    cache.invalidate();
    assert_eq!(key(&cache), "AKID3");
}
