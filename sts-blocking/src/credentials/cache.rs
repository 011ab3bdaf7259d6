//! Caching and refreshing any provider.
//!
//! The read path is what every signed call pays: one load of the current
//! entry from an [`ArcSwapOption`] (no lock, no reference count of its
//! own), a clock read, and a clone of the credentials' `Arc`. Anything
//! else (no credentials yet, in the refresh window) takes the slow path,
//! under the refresh lock.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwapOption;

use super::{CredentialsError, ProvideCredentials, ProviderConfig, SharedCredentials};
use crate::timing::{Clock, Jitter, Random, SystemClock};

/// Default time before expiry at which credentials are refreshed.
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Default upper bound of the random extra time added to the window.
pub const DEFAULT_JITTER: Duration = Duration::from_secs(60);
/// Default wait before retrying a refresh that failed while the old
/// credentials were still valid.
pub const DEFAULT_RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);
/// The shortest refresh window accepted: a refresh takes a network call,
/// which must finish before the old credentials expire.
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
/// - **Reads** cost a lock-free load, a clock read and an `Arc` clone.
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
    provider: Box<dyn ProvideCredentials>,
    /// `None` until the first credentials are stored.
    state: ArcSwapOption<Entry>,
    refresh: Mutex<Option<(u64, CredentialsError)>>,
    /// Fetches started; lets waiters tell that a fetch failed while they waited.
    attempts: AtomicU64,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    window: Duration,
    jitter: Duration,
    retry_after_failure: Duration,
}

struct Entry {
    creds: SharedCredentials,
    /// Unix milliseconds; `u64::MAX` for credentials that do not expire.
    expires_at_ms: u64,
    refresh_at_ms: u64,
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &*self.shared;
        f.debug_struct("CachingProvider")
            .field("provider", &s.provider)
            .field("refresh_window", &s.window)
            .field("jitter", &s.jitter)
            .field("retry_after_failure", &s.retry_after_failure)
            .field("cached", &s.state.load().is_some())
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
        let shared = Arc::new(Shared {
            provider: self.provider,
            state: ArcSwapOption::empty(),
            refresh: Mutex::new(None),
            attempts: AtomicU64::new(0),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            random: self.random.unwrap_or_else(|| Arc::new(Jitter::default())),
            window: self.window.max(MIN_REFRESH_WINDOW),
            jitter: self.jitter,
            retry_after_failure: self.retry_after_failure,
        });
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
        let _guard = s.lock_refresh();
        s.state.store(None);
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let s = &*self.shared;
        if let Some(entry) = &*s.state.load()
            && unix_ms(s.clock.now()) < entry.refresh_at_ms
        {
            return Ok(Arc::clone(&entry.creds));
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
    fn current(&self) -> Option<Arc<Entry>> {
        self.state.load_full()
    }

    /// Stores fresh credentials (the caller holds the refresh lock).
    fn store(&self, creds: SharedCredentials, now_ms: u64) {
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
        self.state.store(Some(Arc::new(Entry {
            creds,
            expires_at_ms,
            refresh_at_ms,
        })));
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
                self.store(Arc::clone(&creds), unix_ms(self.clock.now()));
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
                return Ok(Arc::clone(&entry.creds));
            }
            if now_ms < entry.expires_at_ms {
                // In the window and still valid: one caller refreshes, the
                // others keep the old credentials.
                let mut guard = match s.refresh.try_lock() {
                    Ok(g) => g,
                    Err(TryLockError::Poisoned(p)) => p.into_inner(),
                    Err(TryLockError::WouldBlock) => return Ok(Arc::clone(&entry.creds)),
                };
                if let Some(newer) = s.current().filter(|e| !Arc::ptr_eq(e, &entry)) {
                    return Ok(Arc::clone(&newer.creds));
                }
                return match s.fetch(&mut guard) {
                    Ok(creds) => Ok(creds),
                    Err(_) => {
                        // Keep serving; try again later, but before expiry.
                        let retry = now_ms
                            .saturating_add(ms(s.retry_after_failure))
                            .min(entry.expires_at_ms);
                        s.state.store(Some(Arc::new(Entry {
                            creds: Arc::clone(&entry.creds),
                            expires_at_ms: entry.expires_at_ms,
                            refresh_at_ms: retry.max(now_ms.saturating_add(1)),
                        })));
                        Ok(Arc::clone(&entry.creds))
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
            return Ok(Arc::clone(&entry.creds));
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
