//! Caching and refreshing any provider.
//!
//! The read path is what every signed call pays, so it is built to cost
//! about one uncontended `Arc` clone:
//!
//! - each thread keeps its own copy of the current credentials (a separate
//!   `Arc`, so threads never bounce a shared reference count between their
//!   caches), tagged with the cache's generation number and refresh time;
//! - a read loads the cache's generation (an atomic load of a line that
//!   only changes on refresh), reads the clock and compares it with the
//!   copy's refresh time, and clones the thread's `Arc`.
//!
//! Reading the system clock is about half of a read's cost; a coarse clock
//! kept by a background thread would halve it again, but a library should
//! not start a thread that lives forever for that (see the `credentials`
//! benchmark for the figures).
//!
//! Anything else (no credentials yet, in the refresh window, a new
//! generation) takes the slow path, under locks.

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, TryLockError, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{CredentialsError, ProvideCredentials, ProviderConfig, SharedCredentials};
use crate::timing::{Clock, Jitter, Random, SystemClock};

/// Default time before expiry at which credentials are refreshed.
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Default upper bound of the random extra time added to the window.
pub const DEFAULT_JITTER: Duration = Duration::from_secs(60);
/// Default wait before retrying a refresh that failed while the old
/// credentials were still valid.
pub const DEFAULT_RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);
/// The shortest refresh window accepted (the coarse clock may lag a little).
const MIN_REFRESH_WINDOW: Duration = Duration::from_secs(10);

/// Any provider, cached: credentials are served from memory until a
/// refresh window before they expire.
///
/// - **Window.** Credentials that expire are refreshed from the refresh
///   window (5 minutes by default, at least 10 s) plus a random part of
///   the jitter (up to 1 minute by default) before expiry, so a fleet
///   started together does not refresh together. Credentials without an
///   expiry are kept for good.
/// - **One refresh at a time.** The first caller to find the credentials in
///   the window refreshes them; callers meanwhile keep getting the old,
///   still valid, credentials. Callers that find no valid credentials wait
///   for the one refresh in progress instead of starting their own.
/// - **Failures.** If a refresh fails while the old credentials are still
///   valid, they keep being served and the refresh is retried after 10 s
///   (by default). Once they have expired, callers get the error.
/// - **Reads** cost a clock read and an uncontended `Arc` clone, on any
///   number of threads (see the module source for how).
///
/// ```no_run
/// use std::time::Duration;
/// use sts_blocking::credentials::{default_chain, CachingProvider, ProviderConfig};
///
/// let provider = CachingProvider::builder(default_chain(&ProviderConfig::new()))
///     .refresh_window(Duration::from_secs(600))
///     .build();
/// ```
#[derive(Clone)]
pub struct CachingProvider {
    shared: Arc<Shared>,
}

struct Shared {
    id: u64,
    /// 0 until the first credentials are stored; bumped on every store.
    generation: AtomicU64,
    provider: Box<dyn ProvideCredentials>,
    state: RwLock<Option<Entry>>,
    refresh: Mutex<Option<(u64, CredentialsError)>>,
    /// Fetches started; lets waiters tell that a fetch failed while they waited.
    attempts: AtomicU64,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    window: Duration,
    jitter: Duration,
    retry_after_failure: Duration,
}

#[derive(Clone)]
struct Entry {
    creds: SharedCredentials,
    /// Unix milliseconds; `u64::MAX` for credentials that do not expire.
    expires_at_ms: u64,
    refresh_at_ms: u64,
    generation: u64,
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &*self.shared;
        f.debug_struct("CachingProvider")
            .field("provider", &s.provider)
            .field("refresh_window", &s.window)
            .field("jitter", &s.jitter)
            .field("retry_after_failure", &s.retry_after_failure)
            .field("generation", &s.generation.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Settings for a [`CachingProvider`].
pub struct CachingProviderBuilder {
    provider: Box<dyn ProvideCredentials>,
    window: Duration,
    jitter: Duration,
    retry_after_failure: Duration,
    clock: Option<Arc<dyn Clock>>,
    random: Option<Arc<dyn Random>>,
}

impl fmt::Debug for CachingProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProviderBuilder")
            .field("provider", &self.provider)
            .field("refresh_window", &self.window)
            .field("jitter", &self.jitter)
            .field("retry_after_failure", &self.retry_after_failure)
            .finish_non_exhaustive()
    }
}

impl CachingProviderBuilder {
    /// Refresh this long before expiry (default 5 minutes; at least 10 s).
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Refresh up to this much earlier still, at random (default 1 minute;
    /// zero turns jitter off).
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// After a failed refresh, wait this long before the next try while
    /// the old credentials are valid (default 10 s).
    pub fn retry_after_failure(mut self, wait: Duration) -> Self {
        self.retry_after_failure = wait;
        self
    }

    /// Reads the time from `clock` (on every call) instead of the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Draws the jitter from `random`.
    pub fn random(mut self, random: impl Random + 'static) -> Self {
        self.random = Some(Arc::new(random));
        self
    }

    /// Takes the clock and random source of `config`.
    pub fn config(mut self, config: &ProviderConfig) -> Self {
        self.clock = Some(Arc::clone(&config.clock));
        self.random = Some(Arc::clone(&config.random));
        self
    }

    /// The cache.
    pub fn build(self) -> CachingProvider {
        static IDS: AtomicU64 = AtomicU64::new(1);
        let shared = Arc::new(Shared {
            id: IDS.fetch_add(1, Ordering::Relaxed),
            generation: AtomicU64::new(0),
            provider: self.provider,
            state: RwLock::new(None),
            refresh: Mutex::new(None),
            attempts: AtomicU64::new(0),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            random: self.random.unwrap_or_else(|| Arc::new(Jitter::default())),
            window: self.window.max(MIN_REFRESH_WINDOW),
            jitter: self.jitter,
            retry_after_failure: self.retry_after_failure,
        });
        registry::register(&shared);
        CachingProvider { shared }
    }
}

impl CachingProvider {
    /// `provider`, cached with the default settings and the system clock.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::builder(provider).build()
    }

    /// Settings for caching `provider`.
    pub fn builder(provider: impl ProvideCredentials + 'static) -> CachingProviderBuilder {
        CachingProviderBuilder {
            provider: Box::new(provider),
            window: DEFAULT_REFRESH_WINDOW,
            jitter: DEFAULT_JITTER,
            retry_after_failure: DEFAULT_RETRY_AFTER_FAILURE,
            clock: None,
            random: None,
        }
    }

    /// Forgets the cached credentials: the next call fetches new ones.
    pub fn invalidate(&self) {
        let s = &*self.shared;
        let _guard = s.refresh.lock().unwrap_or_else(PoisonError::into_inner);
        *s.state.write().unwrap_or_else(PoisonError::into_inner) = None;
        s.generation.fetch_add(1, Ordering::Release);
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let s = &*self.shared;
        let generation = s.generation.load(Ordering::Acquire);
        if generation != 0
            && let Some(creds) = local::lookup(s, generation)
        {
            return Ok(creds);
        }
        self.slow()
    }
}

fn unix_ms(t: SystemTime) -> u64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
        Err(_) => 0,
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Shared {
    fn current(&self) -> Option<Entry> {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stores fresh credentials (the caller holds the refresh lock).
    fn store(&self, creds: SharedCredentials, now_ms: u64) -> Entry {
        let (expires_at_ms, refresh_at_ms) = match creds.expiration() {
            None => (u64::MAX, u64::MAX),
            Some(at) => {
                let expires = unix_ms(at);
                let jitter = ms(self.jitter.mul_f64(self.random.next_f64().clamp(0.0, 1.0)));
                let lead = ms(self.window).saturating_add(jitter);
                let mut refresh = expires.saturating_sub(lead);
                if refresh <= now_ms {
                    // Shorter-lived than the window: refresh half-way.
                    refresh = now_ms + expires.saturating_sub(now_ms) / 2;
                }
                (expires, refresh)
            }
        };
        self.put(Entry {
            creds,
            expires_at_ms,
            refresh_at_ms,
            generation: 0,
        })
    }

    fn put(&self, mut entry: Entry) -> Entry {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        entry.generation = self
            .generation
            .load(Ordering::Relaxed)
            .wrapping_add(1)
            .max(1);
        *state = Some(entry.clone());
        self.generation.store(entry.generation, Ordering::Release);
        entry
    }

    fn lock_refresh(&self) -> MutexGuard<'_, Option<(u64, CredentialsError)>> {
        self.refresh.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Calls the provider (the caller holds the refresh lock).
    fn fetch(
        &self,
        last_error: &mut Option<(u64, CredentialsError)>,
    ) -> Result<SharedCredentials, CredentialsError> {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        match self.provider.provide_credentials() {
            Ok(creds) => {
                *last_error = None;
                let now_ms = unix_ms(self.clock.now());
                let entry = self.store(Arc::clone(&creds), now_ms);
                if now_ms < entry.refresh_at_ms {
                    local::install(self, &entry);
                }
                Ok(creds)
            }
            Err(e) => {
                *last_error = Some((attempt, e.clone()));
                Err(e)
            }
        }
    }
}

impl CachingProvider {
    fn slow(&self) -> Result<SharedCredentials, CredentialsError> {
        let s = &*self.shared;
        let now_ms = unix_ms(s.clock.now());
        if let Some(entry) = s.current() {
            if now_ms < entry.refresh_at_ms {
                local::install(s, &entry);
                return Ok(entry.creds);
            }
            if now_ms < entry.expires_at_ms {
                // In the window and still valid: one caller refreshes, the
                // others keep the old credentials.
                let mut guard = match s.refresh.try_lock() {
                    Ok(g) => g,
                    Err(TryLockError::Poisoned(p)) => p.into_inner(),
                    Err(TryLockError::WouldBlock) => return Ok(entry.creds),
                };
                if let Some(newer) = s.current().filter(|e| e.generation != entry.generation) {
                    return Ok(newer.creds);
                }
                return match s.fetch(&mut guard) {
                    Ok(creds) => Ok(creds),
                    Err(_) => {
                        // Keep serving; try again later, but before expiry.
                        let retry = now_ms
                            .saturating_add(ms(s.retry_after_failure))
                            .min(entry.expires_at_ms);
                        let kept = s.put(Entry {
                            refresh_at_ms: retry.max(now_ms.saturating_add(1)),
                            ..entry
                        });
                        Ok(kept.creds)
                    }
                };
            }
        }
        // Nothing valid: wait for the refresh in progress, if any.
        let seen = s.attempts.load(Ordering::SeqCst);
        let mut guard = s.lock_refresh();
        let now_ms = unix_ms(s.clock.now());
        if let Some(entry) = s.current()
            && now_ms < entry.expires_at_ms
        {
            if now_ms < entry.refresh_at_ms {
                local::install(s, &entry);
            }
            return Ok(entry.creds);
        }
        // A fetch that started after this caller began waiting has failed:
        // report its error instead of fetching again at once.
        if s.attempts.load(Ordering::SeqCst) != seen
            && let Some((attempt, e)) = guard.as_ref()
            && *attempt > seen
        {
            return Err(e.clone());
        }
        s.fetch(&mut guard)
    }
}

/// The per-thread copies of the credentials.
mod local {
    use super::*;

    struct Replica {
        id: u64,
        generation: u64,
        refresh_at_ms: u64,
        creds: SharedCredentials,
        owner: Weak<Shared>,
    }

    #[derive(Default)]
    struct Local {
        replicas: Vec<Replica>,
    }

    /// Copies kept per thread at most (the oldest goes first).
    const MAX_REPLICAS: usize = 32;

    thread_local! {
        static LOCAL: RefCell<Local> = RefCell::new(Local::default());
    }

    /// This thread's copy, if it is of `generation` and not due for refresh.
    #[inline]
    pub(super) fn lookup(s: &Shared, generation: u64) -> Option<SharedCredentials> {
        LOCAL
            .try_with(|cell| {
                let local = cell.try_borrow().ok()?;
                let replica = local.replicas.iter().find(|r| r.id == s.id)?;
                if replica.generation != generation {
                    return None;
                }
                let now = unix_ms(s.clock.now());
                (now < replica.refresh_at_ms).then(|| Arc::clone(&replica.creds))
            })
            .ok()
            .flatten()
    }

    /// Gives this thread its own copy of `entry`.
    pub(super) fn install(s: &Shared, entry: &Entry) {
        let owner = LOCAL.try_with(|cell| {
            let Ok(mut local) = cell.try_borrow_mut() else {
                return;
            };
            local
                .replicas
                .retain(|r| r.id != s.id && r.owner.strong_count() > 0);
            if local.replicas.len() >= MAX_REPLICAS {
                local.replicas.remove(0);
            }
            local.replicas.push(Replica {
                id: s.id,
                generation: entry.generation,
                refresh_at_ms: entry.refresh_at_ms,
                creds: Arc::new((*entry.creds).clone()),
                owner: owner_of(s),
            });
        });
        let _ = owner;
    }

    /// A weak reference to the `Arc` holding `s`, found through the
    /// registry of live caches.
    fn owner_of(s: &Shared) -> Weak<Shared> {
        super::registry::get(s.id)
    }
}

/// Weak references to live caches by id, so per-thread copies can tell
/// when their cache is gone.
mod registry {
    use super::*;

    static LIVE: Mutex<Vec<(u64, Weak<Shared>)>> = Mutex::new(Vec::new());

    pub(super) fn register(shared: &Arc<Shared>) {
        let mut live = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
        live.retain(|(_, w)| w.strong_count() > 0);
        live.push((shared.id, Arc::downgrade(shared)));
    }

    pub(super) fn get(id: u64) -> Weak<Shared> {
        let live = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
        live.iter()
            .find(|(i, _)| *i == id)
            .map(|(_, w)| Weak::clone(w))
            .unwrap_or_default()
    }
}
