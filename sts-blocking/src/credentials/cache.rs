//! Caching and refreshing any provider.
//!
//! The read path is what every signed call pays: one load of the current
//! entry from an [`ArcSwapOption`] (no lock, no reference count of its
//! own), a clock read, and a clone of the credentials' `Arc`. Anything
//! else (no credentials yet, in the refresh window) takes the slow path,
//! through the refresh gate: one caller at a time calls the provider,
//! and the others wait for it no longer than the wait timeout.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwapOption;

use super::gate::{Gate, Turn};
use super::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, ProviderConfig, SharedCredentials,
    refuse_expired,
};
use crate::timing::{Clock, Jitter, Random, SystemClock};
use sts_proto::time::format_timestamp;

/// Default time before expiry at which credentials are refreshed.
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Default upper bound of the random extra time added to the window.
pub const DEFAULT_JITTER: Duration = Duration::from_secs(60);
/// Default wait before retrying a refresh that failed while the old
/// credentials were still valid.
pub const DEFAULT_RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);
/// Default longest wait of a caller without valid credentials for a
/// refresh that another caller started (as the AWS SDK for Rust's identity
/// cache).
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often credentials without an expiry (keys from the environment or
/// a credentials file) are fetched again, as the AWS SDK for Rust's
/// identity cache does: a tool such as saml2aws that rewrites
/// `~/.aws/credentials` with a new session token and no expiry is
/// followed by a long-running program. Until a new fetch succeeds the old
/// keys keep being served; they do not expire.
pub const NO_EXPIRY_REFETCH: Duration = Duration::from_secs(15 * 60);
/// What errors from the cache itself name as their source.
const SOURCE: &str = "credentials cache";
/// The shortest refresh window accepted: a refresh takes a network call,
/// which must finish before the old credentials expire.
const MIN_REFRESH_WINDOW: Duration = Duration::from_secs(10);
/// How long before expiry credentials stop being handed out, as in the AWS
/// SDK for Rust's identity cache: a call signed with them, with its
/// retries, would reach STS after they expired and fail with
/// `ExpiredToken` instead of the credentials source's own error.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(10);

/// Any provider, cached: credentials are served from memory until a
/// refresh window before they expire.
///
/// - **Window.** Credentials that expire are refreshed from the refresh
///   window (5 minutes by default, at least 10 s) plus a random part of
///   the jitter (up to 1 minute by default) before expiry, so a fleet
///   started together does not refresh together. Credentials without an
///   expiry are fetched again every [`NO_EXPIRY_REFETCH`] (15 minutes),
///   and kept when that fails.
/// - **One refresh at a time.** The first caller to find the credentials in
///   the window refreshes them; callers meanwhile keep getting the old,
///   still valid, credentials. Callers that find no valid credentials wait
///   for the one refresh in progress instead of starting their own, but
///   no longer than the wait timeout (5 s by default): a provider that
///   hangs holds up only the caller that called it, and the others get a
///   [`TimedOut`](CredentialsErrorKind::TimedOut) error.
/// - **Failures.** If a refresh fails while the old credentials are still
///   valid, they keep being served and the refresh is retried after 10 s
///   (by default). From [`EXPIRY_MARGIN`] (10 s) before they expire,
///   callers get the error instead.
/// - **Nearly expired credentials** are not handed out from the cache:
///   none are served in their last [`EXPIRY_MARGIN`]. Credentials from the
///   provider that expire within it go to the caller that fetched them
///   only; the next caller fetches again.
/// - **Expired credentials** from the provider are refused with an
///   [`Expired`](CredentialsErrorKind::Expired) error instead of being
///   cached (they would be fetched again on every call).
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
    /// `None` until the first credentials are stored. Written only under
    /// the gate's state lock, so that [`CachingProvider::invalidate`] and
    /// a fetch that finishes after it cannot interleave.
    state: ArcSwapOption<Entry>,
    gate: Gate<FetchState>,
    /// Fetches started; lets waiters tell that a fetch failed while they waited.
    attempts: AtomicU64,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    window: Duration,
    jitter: Duration,
    retry_after_failure: Duration,
    wait_timeout: Duration,
}

/// What the refresh gate guards besides the turn to call the provider
/// (see [`Gate`]): at most one caller at a time holds the turn; unlike a
/// mutex held across the provider call, waiting for it has a time limit.
#[derive(Default)]
struct FetchState {
    /// The last fetch, if it failed: its number and error.
    last_error: Option<(u64, CredentialsError)>,
    /// Bumped by [`CachingProvider::invalidate`]; a fetch stores its
    /// result only if the generation it started in is still current.
    generation: u64,
}

struct Entry {
    creds: SharedCredentials,
    /// Unix milliseconds; `u64::MAX` for credentials that do not expire.
    expires_at_ms: u64,
    refresh_at_ms: u64,
}

impl Entry {
    /// Unix milliseconds from which the credentials are no longer handed
    /// out: [`EXPIRY_MARGIN`] before they expire.
    fn usable_until_ms(&self) -> u64 {
        usable_until(self.expires_at_ms)
    }
}

fn usable_until(expires_at_ms: u64) -> u64 {
    expires_at_ms.saturating_sub(ms(EXPIRY_MARGIN))
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &*self.shared;
        f.debug_struct("CachingProvider")
            .field("provider", &s.provider)
            .field("refresh_window", &s.window)
            .field("jitter", &s.jitter)
            .field("retry_after_failure", &s.retry_after_failure)
            .field("wait_timeout", &s.wait_timeout)
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
    wait_timeout: Duration,
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
            .field("wait_timeout", &self.wait_timeout)
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

    /// A caller without valid credentials waits at most this long for a
    /// refresh that another caller started, then fails with
    /// [`CredentialsErrorKind::TimedOut`] (default 5 s, as the AWS SDK for
    /// Rust's identity cache; `Duration::MAX` waits as long as it takes).
    ///
    /// It bounds how long one hanging provider call holds up everyone
    /// else. The caller that runs the provider is not interrupted (a
    /// blocking call cannot be), so the provider's own limits bound it:
    /// the `credential_process` timeout, the STS client's timeouts.
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.wait_timeout = timeout;
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
            gate: Gate::default(),
            attempts: AtomicU64::new(0),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            random: self.random.unwrap_or_else(|| Arc::new(Jitter::default())),
            window: self.window.max(MIN_REFRESH_WINDOW),
            jitter: self.jitter,
            retry_after_failure: self.retry_after_failure,
            wait_timeout: self.wait_timeout,
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
            wait_timeout: DEFAULT_WAIT_TIMEOUT,
            clock: None,
            random: None,
        }
    }

    /// Forgets the cached credentials: the next call fetches new ones.
    ///
    /// Does not wait for a refresh in progress; that refresh's result is
    /// handed to the caller that asked for it but not cached, since it may
    /// be what the invalidation is about.
    pub fn invalidate(&self) {
        let s = &*self.shared;
        let mut gate = s.gate.lock();
        gate.generation = gate.generation.wrapping_add(1);
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

    /// The refresh time for credentials expiring at `expires` (Unix ms).
    fn refresh_at(&self, expires: u64, now_ms: u64) -> u64 {
        let jitter = crate::timing::jittered(self.jitter, &*self.random);
        let lead = ms(self.window).saturating_add(ms(jitter));
        let refresh = expires.saturating_sub(lead);
        if refresh <= now_ms {
            // Shorter-lived than the window: refresh half-way.
            now_ms.saturating_add(expires.saturating_sub(now_ms) / 2)
        } else {
            refresh
        }
    }

    /// Stores `entry` unless the cache was invalidated since `generation`.
    fn publish(&self, generation: u64, entry: Entry) {
        let gate = self.gate.lock();
        if gate.generation == generation {
            self.state.store(Some(Arc::new(entry)));
        }
    }

    /// Calls the provider (the caller holds the turn) and stores what it
    /// gives, unless it has already expired.
    fn fetch(&self, _turn: &Turn<'_, FetchState>) -> Result<SharedCredentials, CredentialsError> {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        let generation = self.gate.lock().generation;
        let result = self.provider.provide_credentials().and_then(|creds| {
            refuse_expired(&creds, self.clock.now(), SOURCE)?;
            Ok(creds)
        });
        let mut gate = self.gate.lock();
        match result {
            Ok(creds) => {
                gate.last_error = None;
                drop(gate);
                let now_ms = unix_ms(self.clock.now());
                let (expires_at_ms, refresh_at_ms) = match creds.expiration() {
                    None => (u64::MAX, now_ms.saturating_add(ms(NO_EXPIRY_REFETCH))),
                    Some(at) => {
                        let expires = unix_ms(at);
                        let refresh = self.refresh_at(expires, now_ms);
                        (expires, refresh.min(usable_until(expires)))
                    }
                };
                self.publish(
                    generation,
                    Entry {
                        creds: Arc::clone(&creds),
                        expires_at_ms,
                        refresh_at_ms,
                    },
                );
                Ok(creds)
            }
            Err(e) => {
                gate.last_error = Some((attempt, e.clone()));
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
            if now_ms < entry.usable_until_ms() {
                // In the window and still valid: one caller refreshes, the
                // others keep the old credentials.
                let Some(turn) = s.gate.try_enter() else {
                    return Ok(Arc::clone(&entry.creds));
                };
                // The entry and its generation read together, under the
                // lock `invalidate` takes: credentials invalidated since
                // `entry` was read must not come back through the
                // republishing below when the refresh fails.
                let (generation, now_current) = {
                    let gate = s.gate.lock();
                    (gate.generation, s.current())
                };
                match now_current {
                    Some(newer) if !Arc::ptr_eq(&newer, &entry) => {
                        return Ok(Arc::clone(&newer.creds));
                    }
                    Some(_) => {}
                    None => {
                        // Invalidated meanwhile: fetch as if nothing was cached.
                        drop(turn);
                        return self.fetch_without_valid_entry();
                    }
                }
                return match s.fetch(&turn) {
                    Ok(creds) => Ok(creds),
                    Err(e) => {
                        // Keep serving; try again later. Keys that do not
                        // expire stay good, and are looked for again at
                        // the usual interval; others are tried again soon,
                        // but while they are still handed out. Said now,
                        // not only once they expire: the cause is easier
                        // to find while it is happening.
                        let retry = if entry.expires_at_ms == u64::MAX {
                            log::warn!(
                                "{SOURCE}: fetching the credentials again failed: {e}; serving \
                                 the current ones, which do not expire, and trying again in {} s",
                                NO_EXPIRY_REFETCH.as_secs(),
                            );
                            now_ms.saturating_add(ms(NO_EXPIRY_REFETCH))
                        } else {
                            let retry = now_ms
                                .saturating_add(ms(s.retry_after_failure))
                                .min(entry.usable_until_ms());
                            log::warn!(
                                "{SOURCE}: refreshing the credentials failed: {e}; serving the \
                                 current ones until {} s before they expire at {}, and trying \
                                 again in {} s",
                                EXPIRY_MARGIN.as_secs(),
                                format_timestamp(
                                    UNIX_EPOCH + Duration::from_millis(entry.expires_at_ms)
                                ),
                                retry.saturating_sub(now_ms).div_ceil(1000),
                            );
                            retry
                        };
                        s.publish(
                            generation,
                            Entry {
                                creds: Arc::clone(&entry.creds),
                                expires_at_ms: entry.expires_at_ms,
                                refresh_at_ms: retry.max(now_ms.saturating_add(1)),
                            },
                        );
                        Ok(Arc::clone(&entry.creds))
                    }
                };
            }
        }
        self.fetch_without_valid_entry()
    }

    /// Nothing valid: wait for the refresh in progress, if any, but not
    /// for ever.
    fn fetch_without_valid_entry(&self) -> Result<SharedCredentials, CredentialsError> {
        let s = &*self.shared;
        let seen = s.attempts.load(Ordering::SeqCst);
        let Some(turn) = s.gate.enter(s.wait_timeout) else {
            return Err(CredentialsError::with_kind(
                CredentialsErrorKind::TimedOut,
                SOURCE,
                format!(
                    "waited {:?} for a refresh started by another caller, which has not \
                     finished (the credentials source may be hanging); see \
                     CachingProviderBuilder::wait_timeout",
                    s.wait_timeout
                ),
            ));
        };
        let now_ms = unix_ms(s.clock.now());
        if let Some(entry) = s.current()
            && now_ms < entry.usable_until_ms()
        {
            return Ok(Arc::clone(&entry.creds));
        }
        // A fetch that started after this caller began waiting has failed:
        // report its error instead of fetching again at once.
        if s.attempts.load(Ordering::SeqCst) != seen
            && let Some((attempt, e)) = s.gate.lock().last_error.as_ref()
            && *attempt > seen
        {
            return Err(e.clone());
        }
        s.fetch(&turn)
    }
}
