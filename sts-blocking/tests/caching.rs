//! The caching provider with a fake clock and a counting inner provider:
//! when it refreshes, how many refreshes concurrent callers cause, what it
//! serves when a refresh fails, how long callers wait for a hanging
//! provider, and that it refuses credentials that have already expired.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sts_blocking::credentials::{
    CachingProvider, CredentialsError, CredentialsErrorKind, DEFAULT_WAIT_TIMEOUT, EXPIRY_MARGIN,
    NO_EXPIRY_REFETCH, ProvideCredentials, SharedCredentials,
};
use sts_blocking::timing::{Clock, Random};
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

/// Warnings logged by any test of this file.
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct CaptureWarnings;

impl log::Log for CaptureWarnings {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            WARNINGS.lock().unwrap().push(record.args().to_string());
        }
    }

    fn flush(&self) {}
}

fn capture_warnings() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&CaptureWarnings).unwrap();
        log::set_max_level(log::LevelFilter::Warn);
    });
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
    // From the window's first moment, not a moment later.
    clock.set(3300);
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

#[test]
fn credentials_shorter_lived_than_the_window_are_refreshed_half_way() {
    let clock = FakeClock::new();
    let mut inner = Counting::new(&clock);
    // Four minutes, inside the five-minute window from the start.
    inner.lifetime = Duration::from_secs(240);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");
    clock.set(119);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(inner.calls(), 1);
    clock.set(120);
    assert_eq!(key(&cache), "AKID2");
    // The new ones, fetched at 120 s, expire at 360 s: half-way is 240 s.
    clock.set(239);
    assert_eq!(key(&cache), "AKID2");
    clock.set(240);
    assert_eq!(key(&cache), "AKID3");
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
fn serves_valid_credentials_while_refresh_fails_then_errors_near_expiry() {
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");

    capture_warnings();
    inner.fail.store(true, Ordering::SeqCst);
    clock.set(3400);
    assert_eq!(key(&cache), "AKID1", "kept after a failed refresh");
    assert_eq!(inner.calls(), 2);
    // Said while it happens, not only once the credentials expire.
    let expected = format!(
        "credentials cache: refreshing the credentials failed: no credentials from counting \
         (failed): told to fail; serving the current ones until 10 s before they expire at {}, \
         and trying again in 10 s",
        sts_proto::time::format_timestamp(at(3600))
    );
    let warnings = WARNINGS.lock().unwrap().clone();
    assert!(warnings.contains(&expected), "{warnings:#?}");
    // Not retried on every call: after the back-off (10 s by default).
    clock.set(3405);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(inner.calls(), 2);
    clock.set(3411);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(inner.calls(), 3);

    // The last try while they are served is at the margin's start, not
    // 10 s after the one before: 3581 + 10 would be past 3590.
    clock.set(3581);
    assert_eq!(key(&cache), "AKID1");
    let calls = inner.calls();
    clock.set(3589);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(inner.calls(), calls);

    // Within the expiry margin (10 s before 3600 s): a call signed with
    // them could reach STS expired, so the source's error reaches the
    // caller instead, and each caller asks the source again.
    clock.set(3590);
    let err = cache.provide_credentials().unwrap_err();
    assert!(err.to_string().contains("told to fail"), "{err}");
    assert_eq!(inner.calls(), calls + 1);
    clock.set(3600);
    let err = cache.provide_credentials().unwrap_err();
    assert!(err.to_string().contains("told to fail"), "{err}");
    assert_eq!(inner.calls(), calls + 2);

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
fn credentials_within_the_expiry_margin_go_to_their_fetcher_only() {
    let clock = FakeClock::new();
    let mut inner = Counting::new(&clock);
    // Shorter-lived than the margin: valid, but not to be served again.
    inner.lifetime = EXPIRY_MARGIN - Duration::from_secs(1);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(key(&cache), "AKID2");
    assert_eq!(inner.calls(), 2);

    // Living a little longer than the margin: served until it starts
    // (before half-way, at 7 s).
    inner.lifetime = EXPIRY_MARGIN + Duration::from_secs(4);
    let cache = self::cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID3");
    clock.set(3);
    assert_eq!(key(&cache), "AKID3");
    clock.set(4);
    assert_eq!(key(&cache), "AKID4");
}

/// Keys without an expiry (a credentials file that saml2aws rewrites
/// with a new session token and no expiry) are fetched again every
/// [`NO_EXPIRY_REFETCH`], as the AWS SDK for Rust does, so a long-running
/// program follows the file; when a fetch fails the keys kept are served
/// (they do not expire), and the next fetch comes an interval later.
#[test]
fn credentials_without_expiry_are_fetched_again_every_fifteen_minutes() {
    #[derive(Debug)]
    struct File {
        key: Mutex<Option<&'static str>>,
        reads: AtomicUsize,
    }
    impl ProvideCredentials for File {
        fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            match *self.key.lock().unwrap() {
                Some(key) => Ok(Arc::new(Credentials::new(key, "secret", None))),
                None => Err(CredentialsError::not_configured(
                    "profile",
                    "no credentials in the file",
                )),
            }
        }
    }
    capture_warnings();
    let file = Arc::new(File {
        key: Mutex::new(Some("AKID1")),
        reads: AtomicUsize::new(0),
    });
    let reads = || file.reads.load(Ordering::SeqCst);
    let clock = FakeClock::new();
    let cache = CachingProvider::builder(Arc::clone(&file))
        .clock(clock.clone())
        .build();
    let interval = NO_EXPIRY_REFETCH.as_secs();
    assert_eq!(interval, 15 * 60);
    assert_eq!(key(&cache), "AKID1");
    clock.set(interval - 1);
    assert_eq!((key(&cache).as_str(), reads()), ("AKID1", 1));

    *file.key.lock().unwrap() = Some("AKID2");
    clock.set(interval);
    assert_eq!((key(&cache).as_str(), reads()), ("AKID2", 2));

    // The file loses its keys: the ones kept are served, with a warning,
    // and the file is not read again before another interval.
    *file.key.lock().unwrap() = None;
    clock.set(2 * interval);
    assert_eq!((key(&cache).as_str(), reads()), ("AKID2", 3));
    assert!(
        WARNINGS
            .lock()
            .unwrap()
            .iter()
            .any(|w| w.contains("which do not expire") && w.contains("no credentials in the file")),
        "{:?}",
        WARNINGS.lock().unwrap()
    );
    clock.set(3 * interval - 1);
    assert_eq!((key(&cache).as_str(), reads()), ("AKID2", 3));

    *file.key.lock().unwrap() = Some("AKID3");
    clock.set(3 * interval);
    assert_eq!((key(&cache).as_str(), reads()), ("AKID3", 4));
    // A program that ran for months still looks every interval.
    clock.set(10_000_000);
    assert_eq!((key(&cache).as_str(), reads()), ("AKID3", 5));
    assert_eq!((key(&cache).as_str(), reads()), ("AKID3", 5));
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

/// Where a provider's call waits, as a `credential_process` helper or an
/// STS call stuck on a dead peer would, until the test releases it (or
/// 30 s pass), after telling the test it is there.
#[derive(Debug)]
struct Hold {
    entered: Mutex<mpsc::Sender<()>>,
    release: Mutex<mpsc::Receiver<()>>,
}

impl Hold {
    /// The hold, a receiver told when a call is held, and the sender that
    /// releases it.
    fn new() -> (Self, mpsc::Receiver<()>, mpsc::Sender<()>) {
        let (entered_tx, entered_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel();
        let hold = Self {
            entered: Mutex::new(entered_tx),
            release: Mutex::new(release_rx),
        };
        (hold, entered_rx, release_tx)
    }

    fn wait(&self) {
        let _ = self.entered.lock().unwrap().send(());
        let _ = self
            .release
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(30));
    }
}

/// A provider whose first call is held until released.
#[derive(Debug)]
struct Hanging {
    calls: AtomicUsize,
    hold: Hold,
    /// How many calls fail (the hanging first one among them).
    failing: usize,
}

impl Hanging {
    /// The provider, a receiver told when a call has started, and the
    /// sender that releases it.
    fn new() -> (Arc<Self>, mpsc::Receiver<()>, mpsc::Sender<()>) {
        Self::failing(0)
    }

    /// [`new`](Self::new), with its first `failing` calls failing, the
    /// first once released and the others at once.
    fn failing(failing: usize) -> (Arc<Self>, mpsc::Receiver<()>, mpsc::Sender<()>) {
        let (hold, entered, release) = Hold::new();
        let provider = Arc::new(Self {
            calls: AtomicUsize::new(0),
            hold,
            failing,
        });
        (provider, entered, release)
    }
}

impl ProvideCredentials for Hanging {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n == 1 {
            self.hold.wait();
        }
        if n <= self.failing {
            return Err(CredentialsError::failed(
                "hanging",
                format!("call {n} fails"),
            ));
        }
        Ok(Arc::new(Credentials::new(
            format!("AKID{n}"),
            "secret",
            None,
        )))
    }
}

/// Starts a caller that will hang in the provider and returns once it is
/// inside; then times a second caller.
fn second_caller_while_first_hangs(
    cache: &CachingProvider,
    entered: &mpsc::Receiver<()>,
) -> (Result<SharedCredentials, CredentialsError>, Duration) {
    let first = cache.clone();
    thread::spawn(move || first.provide_credentials());
    entered
        .recv_timeout(Duration::from_secs(10))
        .expect("the first caller reaches the provider");
    let started = Instant::now();
    let result = cache.provide_credentials();
    (result, started.elapsed())
}

#[test]
fn a_hanging_provider_holds_up_other_callers_for_the_default_wait_timeout_only() {
    let (inner, entered, release) = Hanging::new();
    let cache = CachingProvider::new(Arc::clone(&inner));
    let (result, waited) = second_caller_while_first_hangs(&cache, &entered);
    let err = result.unwrap_err();
    eprintln!("second caller gave up after {waited:?}: {err}");
    assert_eq!(err.kind(), CredentialsErrorKind::TimedOut, "{err}");
    assert!(err.to_string().contains("wait_timeout"), "{err}");
    assert!(
        waited >= DEFAULT_WAIT_TIMEOUT && waited < DEFAULT_WAIT_TIMEOUT + Duration::from_secs(2),
        "{waited:?}"
    );
    // Only the hanging caller called the provider.
    assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
    release.send(()).unwrap();
}

#[test]
fn the_wait_timeout_is_configurable_and_the_cache_recovers() {
    let (inner, entered, release) = Hanging::new();
    let cache = CachingProvider::builder(Arc::clone(&inner))
        .wait_timeout(Duration::from_millis(300))
        .build();
    let (result, waited) = second_caller_while_first_hangs(&cache, &entered);
    let err = result.unwrap_err();
    eprintln!("second caller gave up after {waited:?}");
    assert_eq!(err.kind(), CredentialsErrorKind::TimedOut, "{err}");
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(2300),
        "{waited:?}"
    );
    // Once the provider answers, the cache serves its credentials.
    release.send(()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match cache.provide_credentials() {
            Ok(creds) => {
                assert_eq!(creds.access_key_id(), "AKID1");
                break;
            }
            Err(e) if e.kind() == CredentialsErrorKind::TimedOut && Instant::now() < deadline => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
}

/// Two callers wait while a first fetch hangs, then fails. One of them
/// takes its turn and fetches again, which fails too; the other, whose
/// wait began before that second fetch, gets its failure instead of
/// calling the source a third time: a failing source is asked once per
/// turn, not once per waiting caller.
#[test]
fn a_waiter_gets_the_failure_of_a_fetch_that_began_after_it_started_waiting() {
    let (inner, entered, release) = Hanging::failing(2);
    let cache = CachingProvider::builder(Arc::clone(&inner))
        .wait_timeout(Duration::from_secs(30))
        .build();
    let caller = |cache: &CachingProvider| {
        let cache = cache.clone();
        thread::spawn(move || cache.provide_credentials())
    };
    let first = caller(&cache);
    entered
        .recv_timeout(Duration::from_secs(10))
        .expect("the first caller reaches the provider");
    let waiting = [caller(&cache), caller(&cache)];
    // Time for both to start waiting on the first caller's fetch.
    thread::sleep(Duration::from_millis(300));
    release.send(()).unwrap();
    let first = first.join().unwrap().unwrap_err();
    assert!(first.to_string().contains("call 1 fails"), "{first}");
    let errors: Vec<String> = waiting
        .map(|w| w.join().unwrap().unwrap_err().to_string())
        .into_iter()
        .collect();
    for e in &errors {
        assert!(e.contains("call 2 fails"), "{errors:?}");
    }
    assert_eq!(inner.calls.load(Ordering::SeqCst), 2);
    // A caller that comes later fetches anew.
    assert_eq!(
        cache.provide_credentials().unwrap().access_key_id(),
        "AKID3"
    );
}

#[test]
fn a_wait_timeout_of_duration_max_waits_for_the_refresh() {
    let (inner, entered, release) = Hanging::new();
    let cache = CachingProvider::builder(Arc::clone(&inner))
        .wait_timeout(Duration::MAX)
        .build();
    let releaser = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        release.send(()).unwrap();
    });
    let (result, waited) = second_caller_while_first_hangs(&cache, &entered);
    assert_eq!(result.unwrap().access_key_id(), "AKID1", "after {waited:?}");
    assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
    releaser.join().unwrap();
}

#[test]
fn invalidate_does_not_wait_for_a_hanging_refresh_nor_keep_its_result() {
    let (inner, entered, release) = Hanging::new();
    let cache = CachingProvider::builder(Arc::clone(&inner))
        .wait_timeout(Duration::from_secs(10))
        .build();
    let first = cache.clone();
    let first = thread::spawn(move || first.provide_credentials());
    entered.recv_timeout(Duration::from_secs(10)).unwrap();
    let started = Instant::now();
    cache.invalidate();
    assert!(started.elapsed() < Duration::from_secs(1));
    release.send(()).unwrap();
    // The hanging caller still gets what it asked for...
    assert_eq!(first.join().unwrap().unwrap().access_key_id(), "AKID1");
    // ...but it was fetched before the invalidation, so it is not kept.
    assert_eq!(key(&cache), "AKID2");
    assert_eq!(key(&cache), "AKID2");
}

#[test]
fn expired_credentials_from_the_provider_are_refused() {
    #[derive(Debug)]
    struct Stale {
        clock: FakeClock,
        calls: AtomicUsize,
        /// Seconds the credentials stay valid from the clock's time.
        lifetime: Mutex<i64>,
    }
    impl ProvideCredentials for Stale {
        fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let now = self.clock.now();
            let lifetime = *self.lifetime.lock().unwrap();
            let expiration = if lifetime < 0 {
                now - Duration::from_secs(lifetime.unsigned_abs())
            } else {
                now + Duration::from_secs(lifetime.unsigned_abs())
            };
            Ok(Arc::new(
                Credentials::new("AKIDSTALE", "stale-secret", Some("stale-token".into()))
                    .with_expiration(expiration),
            ))
        }
    }
    let clock = FakeClock::new();
    let inner = Arc::new(Stale {
        clock: clock.clone(),
        calls: AtomicUsize::new(0),
        lifetime: Mutex::new(-3600),
    });
    let cache = CachingProvider::builder(Arc::clone(&inner))
        .clock(clock.clone())
        .build();
    for lifetime in [-3600, 0] {
        *inner.lifetime.lock().unwrap() = lifetime;
        let err = cache.provide_credentials().unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Expired, "{err}");
        let text = format!("{err} {err:?}");
        assert!(text.contains("expired at"), "{text}");
        for secret in ["stale-secret", "stale-token"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    // Nothing was cached: valid credentials are taken as soon as they come.
    *inner.lifetime.lock().unwrap() = 3600;
    assert_eq!(key(&cache), "AKIDSTALE");
    assert_eq!(key(&cache), "AKIDSTALE");
    assert_eq!(inner.calls.load(Ordering::SeqCst), 3);
}

#[test]
fn huge_durations_do_not_panic() {
    #[derive(Debug)]
    struct One;
    impl Random for One {
        fn next_f64(&self) -> f64 {
            1.0
        }
    }
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = CachingProvider::builder(inner.clone())
        .clock(clock.clone())
        .random(One)
        .refresh_window(Duration::MAX)
        .jitter(Duration::MAX)
        .retry_after_failure(Duration::MAX)
        .wait_timeout(Duration::MAX)
        .build();
    assert_eq!(key(&cache), "AKID1");
    // A window longer than the lifetime: refreshed half-way.
    clock.set(1801);
    assert_eq!(key(&cache), "AKID2");
}

/// Call 1 gives credentials valid for an hour; call 2 says it has started,
/// waits to be released and fails; later calls give fresh credentials.
#[derive(Debug)]
struct SecondCallHeldThenFailing {
    clock: FakeClock,
    calls: AtomicUsize,
    hold: Hold,
}

impl ProvideCredentials for SecondCallHeldThenFailing {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n == 2 {
            self.hold.wait();
            return Err(CredentialsError::failed("held", "call 2 fails"));
        }
        Ok(Arc::new(
            Credentials::new(format!("AKID{n}"), "secret", None)
                .with_expiration(self.clock.now() + Duration::from_secs(3600)),
        ))
    }
}

#[test]
fn invalidate_during_a_failing_refresh_does_not_bring_the_old_credentials_back() {
    // A refresh that fails keeps serving the credentials it was meant to
    // replace, by putting them back with a later retry time. If the
    // cache was invalidated meanwhile (say, because STS called those very
    // credentials invalid), putting them back would undo the invalidation
    // until the retry time.
    let clock = FakeClock::new();
    let (hold, entered, release) = Hold::new();
    let inner = Arc::new(SecondCallHeldThenFailing {
        clock: clock.clone(),
        calls: AtomicUsize::new(0),
        hold,
    });
    let cache = CachingProvider::builder(Arc::clone(&inner))
        .clock(clock.clone())
        .jitter(Duration::ZERO)
        .build();
    assert_eq!(key(&cache), "AKID1");
    clock.set(3400);
    let refresher = {
        let cache = cache.clone();
        thread::spawn(move || key(&cache))
    };
    entered.recv_timeout(Duration::from_secs(10)).unwrap();
    cache.invalidate();
    release.send(()).unwrap();
    // The refresh's own caller is still served, as when nothing was
    // invalidated...
    assert_eq!(refresher.join().unwrap(), "AKID1");
    // ...but the next caller gets new credentials, not the invalidated ones.
    assert_eq!(key(&cache), "AKID3");
    assert_eq!(inner.calls.load(Ordering::SeqCst), 3);
}

/// Sleeps by moving the fake clock, and lets the provider work again.
#[derive(Debug)]
struct ClockSleep {
    clock: FakeClock,
    provider: Counting,
}

impl sts_blocking::timing::Sleep for ClockSleep {
    fn sleep(&self, duration: Duration) {
        let mut now = self.clock.0.lock().unwrap();
        *now += duration;
        self.provider.fail.store(false, Ordering::SeqCst);
    }
}

/// Throttles the first request for 15 s (`x-amz-retry-after`), answers the
/// rest; keeps each request's access key id.
#[derive(Debug, Default)]
struct ThrottleOnce(Mutex<Vec<String>>);

impl sts_blocking::transport::Transport for ThrottleOnce {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, sts_blocking::transport::TransportError> {
        let auth = request.headers()["authorization"].to_str().unwrap();
        let key = auth.split("Credential=").nth(1).unwrap();
        let mut keys = self.0.lock().unwrap();
        keys.push(key.split('/').next().unwrap().to_owned());
        if keys.len() == 1 {
            let body = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
                        <Message>slow down</Message></Error><RequestId>r</RequestId>\
                        </ErrorResponse>";
            return Ok(http::Response::builder()
                .status(400)
                .header("x-amz-retry-after", "15000")
                .body(body.as_bytes().to_vec())
                .unwrap());
        }
        let body = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
                    <Arn>arn:aws:iam::123456789012:user/u</Arn><UserId>AIDA</UserId>\
                    <Account>123456789012</Account></GetCallerIdentityResult>\
                    </GetCallerIdentityResponse>";
        Ok(http::Response::new(body.as_bytes().to_vec()))
    }
}

/// A call that starts with credentials in their last seconds and is told
/// to wait 15 s signed its retry with the same credentials, expired by
/// then (found by a review): the credentials were asked for once per call.
/// They are asked for again for each request.
#[test]
fn a_retry_after_the_credentials_expire_is_signed_with_fresh_ones() {
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");
    // Refreshes fail from here, so the cache serves AKID1 (expiring at
    // 3600) until 10 s before its expiry; the call starts 11 s before.
    inner.fail.store(true, Ordering::SeqCst);
    clock.set(3589);
    let transport = Arc::new(ThrottleOnce::default());
    let client = sts_blocking::Client::builder()
        .region("us-east-1")
        .credentials_provider(cache)
        .clock(clock.clone())
        .sleep(ClockSleep {
            clock: clock.clone(),
            provider: inner.clone(),
        })
        .transport(Arc::clone(&transport))
        .build()
        .unwrap();
    client.get_caller_identity().unwrap();
    assert_eq!(*transport.0.lock().unwrap(), ["AKID1", "AKID3"]);

    // The same through an exchange the caller drives.
    inner.fail.store(true, Ordering::SeqCst);
    clock.set(7189);
    transport.0.lock().unwrap().clear();
    let mut exchange = client
        .exchange(sts_proto::ops::GetCallerIdentity::new())
        .unwrap();
    use sts_blocking::transport::Transport;
    use sts_proto::call::{Decision, Next};
    loop {
        let Next::Send(outgoing) = exchange.next_request(client.elapsed()).unwrap() else {
            panic!("paced");
        };
        let answer = transport.send(outgoing.request, None).unwrap();
        let (parts, body) = answer.into_parts();
        match exchange
            .response(
                client.elapsed(),
                parts.status.as_u16(),
                &parts.headers,
                &body,
            )
            .unwrap()
        {
            Decision::Done(_) => break,
            Decision::Wait(retry) => {
                clock.set(7189 + retry.delay.as_secs());
                inner.fail.store(false, Ordering::SeqCst);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(*transport.0.lock().unwrap(), ["AKID3", "AKID5"]);
}

/// An exchange at 3589 s with credentials expiring at 3600 s from a cache
/// whose refreshes fail, after its first request was throttled (sent
/// with `AKID1`) and it was told to wait: the provider, the transport,
/// the clock and the exchange, at `now` (the exchange's monotonic time).
fn an_exchange_throttled_near_expiry(
    mode: sts_blocking::settings::RetryMode,
    now: Duration,
) -> (
    Counting,
    Arc<ThrottleOnce>,
    FakeClock,
    sts_blocking::Exchange<sts_proto::ops::GetCallerIdentity>,
) {
    use sts_blocking::transport::Transport;
    use sts_proto::call::{Decision, Next};
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let cache = cache(&inner, &clock);
    assert_eq!(key(&cache), "AKID1");
    inner.fail.store(true, Ordering::SeqCst);
    clock.set(3589);
    let transport = Arc::new(ThrottleOnce::default());
    let client = sts_blocking::Client::builder()
        .region("us-east-1")
        .credentials_provider(cache)
        .clock(clock.clone())
        .retry_mode(mode)
        .transport(Arc::clone(&transport))
        .build()
        .unwrap();
    let mut exchange = client
        .exchange(sts_proto::ops::GetCallerIdentity::new())
        .unwrap();
    let Next::Send(outgoing) = exchange.next_request(now).unwrap() else {
        panic!("paced at first");
    };
    let (parts, body) = transport.send(outgoing.request, None).unwrap().into_parts();
    let decision = exchange
        .response(now, parts.status.as_u16(), &parts.headers, &body)
        .unwrap();
    assert!(matches!(decision, Decision::Wait(_)), "{decision:?}");
    (inner, transport, clock, exchange)
}

/// An exchange whose credentials expire while it waits to retry, and
/// whose provider gives no new ones, does not sign with them (it did,
/// unlike the client's own calls): the call ends before sending.
#[test]
fn an_exchange_does_not_sign_with_credentials_that_have_expired() {
    use sts_proto::call::CallError;
    use sts_proto::operation::BuildError;
    let t = Duration::from_secs(100);
    let (_inner, transport, clock, mut exchange) =
        an_exchange_throttled_near_expiry(sts_blocking::settings::RetryMode::Standard, t);
    // The wait takes the clock past 3600; the provider still fails.
    clock.set(3615);
    let e = exchange
        .next_request(t + Duration::from_secs(15))
        .unwrap_err();
    assert!(
        matches!(e, CallError::Build(BuildError::MissingCredentials { .. })),
        "{e:?}"
    );
    assert_eq!(*transport.0.lock().unwrap(), ["AKID1"], "nothing more sent");
    // The provider's reason, for the driver to return instead.
    let refused = exchange
        .refused_credentials()
        .expect("the provider's error");
    assert!(
        matches!(refused, sts_blocking::Error::Credentials(_)),
        "{refused:?}"
    );
    assert!(exchange.refused_credentials().is_none());
}

/// The same expiry in adaptive mode, where the rate limiter then pauses
/// the call before anything is built: the credentials are kept, and the
/// provider, recovered by the end of the pause, is asked again (a first
/// version dropped them, and the call ended without asking; found by a
/// review).
#[test]
fn a_paced_exchange_asks_the_provider_again_after_the_pause() {
    use sts_proto::call::Next;
    let t = Duration::from_secs(100);
    let (inner, _transport, clock, mut exchange) =
        an_exchange_throttled_near_expiry(sts_blocking::settings::RetryMode::Adaptive, t);
    clock.set(3615);
    let paced = exchange.next_request(t + Duration::from_millis(1));
    assert!(matches!(paced, Ok(Next::Wait(_))), "{paced:?}");
    // Nothing refused: the call did not end (nor would a deadline say so).
    assert!(exchange.refused_credentials().is_none());
    inner.fail.store(false, Ordering::SeqCst);
    let next = exchange.next_request(t + Duration::from_secs(60));
    assert!(matches!(next, Ok(Next::Send(_))), "{next:?}");
}

/// A provider the client does not cache is asked once per call, retries
/// included, while its credentials are far from their expiry (a review
/// found it asked before every request: one MFA prompt or STS call per
/// retry).
#[test]
fn an_uncached_provider_is_asked_once_per_call_with_retries() {
    let clock = FakeClock::new();
    let inner = Counting::new(&clock);
    let client = sts_blocking::Client::builder()
        .region("us-east-1")
        .credentials_provider(inner.clone())
        .clock(clock.clone())
        .sleep(ClockSleep {
            clock: clock.clone(),
            provider: inner.clone(),
        })
        .transport(Arc::new(ThrottleOnce::default()))
        .build()
        .unwrap();
    client.get_caller_identity().unwrap();
    assert_eq!(inner.calls(), 1);
}
