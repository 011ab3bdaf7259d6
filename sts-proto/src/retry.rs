//! The retry *policy* of the AWS "standard" retry mode, as plain values and
//! functions. A driver asks it what to do after each attempt and does the
//! waiting itself; nothing here sleeps, reads the clock or draws random
//! numbers.
//!
//! - which failures are worth another attempt ([`classify_response`],
//!   [`classify_transport`]);
//! - how long to wait ([`RetryConfig::backoff`]): `rand × min(base × 2^(n-1), 20 s)`
//!   after the n-th failed attempt (base 1 s), a caller's own
//!   [`BackoffFn`], or the server's `x-amz-retry-after`, all within the same
//!   cap;
//! - whether to pace requests on top ([`RetryMode::Adaptive`], with the
//!   shared [`RateLimiter`](crate::call::RateLimiter));
//! - whether the client may retry at all ([`RetryQuota`]): a token bucket of
//!   500 that each retry draws from and each success refills, so a fleet
//!   facing an outage stops multiplying load. A retry after throttling
//!   costs 5, after any transient failure (a timeout, a connection that
//!   failed or broke, a 500/502/503/504, a transient code) 10: the costs of
//!   aws-sdk-rust's standard strategy (`TokenBucket` of aws-smithy-runtime,
//!   Retry Behavior 2.0, which this module follows, 1 s base delay
//!   included). aws-sdk-rust's Retry Behavior 2.1 (behavior version
//!   2026-11-10 on, with a 50 ms base for errors other than throttling)
//!   and recent botocore charge 14 for every retry but throttling's 5;
//! - how far off the local clock is ([`clock_skew`]), and how far a driver
//!   may trust that ([`RetryConfig::max_clock_skew`], [`corrected_offset`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::error::{ErrorCode, ResponseError, ServiceError};

/// Which of the AWS SDKs' retry modes a call follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RetryMode {
    /// Jittered exponential back-off and the retry quota.
    #[default]
    Standard,
    /// Standard, plus client-side rate limiting: throttling answers lower
    /// the rate at which the client's calls may send (a token bucket, its
    /// rate set by CUBIC), and successes raise it again, so a client that
    /// is being throttled stops adding to the load before it runs out of
    /// attempts.
    Adaptive,
}

/// A caller's own back-off: the wait after failed attempt `attempt` (1 for
/// the first), given a uniform random number in `[0, 1)`. The result is
/// still capped by [`RetryConfig::max_backoff`], so no function can make a
/// client wait without bound.
pub type BackoffFn = Arc<dyn Fn(u32, f64) -> Duration + Send + Sync>;

/// How a driver retries.
///
/// Made from [`RetryConfig::default`] and changed with its `with_*`
/// methods or its fields: it is `#[non_exhaustive]`, as the AWS SDKs'
/// retry behaviour keeps gaining settings.
#[derive(Clone)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
    /// The ceiling of the first back-off, doubled after each failure
    /// (default one second, as in the AWS SDKs).
    pub base_delay: Duration,
    /// A back-off of the caller's own, used instead of the exponential one.
    pub custom_backoff: Option<BackoffFn>,
    /// Standard or adaptive.
    pub mode: RetryMode,
    /// Whether the retry quota applies.
    pub use_quota: bool,
    /// The largest clock correction the driver accepts, in total, from
    /// clock-skew answers; [`Duration::ZERO`] turns the correction off.
    ///
    /// Whoever answers a request (a plain-http endpoint, a proxy) can claim
    /// any `Date`. A client that believed a date in 9999 would sign every
    /// later request for 9999, and whoever collected those requests could
    /// replay them when that time comes. The bound caps how far into the
    /// future (or past) a forged answer can push signatures. Default:
    /// [`DEFAULT_MAX_CLOCK_SKEW`].
    pub max_clock_skew: Duration,
}

impl fmt::Debug for RetryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryConfig")
            .field("max_attempts", &self.max_attempts)
            .field("max_backoff", &self.max_backoff)
            .field("base_delay", &self.base_delay)
            .field(
                "custom_backoff",
                &self.custom_backoff.as_ref().map(|_| "Fn(attempt, rand)"),
            )
            .field("mode", &self.mode)
            .field("use_quota", &self.use_quota)
            .field("max_clock_skew", &self.max_clock_skew)
            .finish()
    }
}

/// The default bound on clock correction: one hour, which covers clocks
/// that drifted or were set by hand, while a forged `Date` can make a
/// request valid at most an hour (plus SigV4's own 15 minutes) ahead.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(60 * 60);

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            max_backoff: Duration::from_secs(20),
            base_delay: Duration::from_secs(1),
            custom_backoff: None,
            mode: RetryMode::Standard,
            use_quota: true,
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
        }
    }
}

impl RetryConfig {
    /// With [`max_attempts`](Self::max_attempts) attempts in all.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// With [`max_backoff`](Self::max_backoff) as the longest wait.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// With [`base_delay`](Self::base_delay) as the first back-off's ceiling.
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// With a [back-off of the caller's own](Self::custom_backoff).
    pub fn with_custom_backoff(
        mut self,
        backoff: impl Fn(u32, f64) -> Duration + Send + Sync + 'static,
    ) -> Self {
        self.custom_backoff = Some(Arc::new(backoff));
        self
    }

    /// In [`mode`](Self::mode).
    pub fn with_mode(mut self, mode: RetryMode) -> Self {
        self.mode = mode;
        self
    }

    /// With the retry quota on or off ([`use_quota`](Self::use_quota)).
    pub fn with_use_quota(mut self, use_quota: bool) -> Self {
        self.use_quota = use_quota;
        self
    }

    /// With [`max_clock_skew`](Self::max_clock_skew) as the bound on clock
    /// correction.
    pub fn with_max_clock_skew(mut self, max_clock_skew: Duration) -> Self {
        self.max_clock_skew = max_clock_skew;
        self
    }

    /// The wait after failed attempt `attempt` (1 for the first), given a
    /// uniform random `rand` in `[0, 1)` and the server's requested delay.
    ///
    /// The server's delay wins when there is one: it knows its own load.
    pub fn backoff(&self, attempt: u32, rand: f64, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_backoff);
        }
        if let Some(custom) = &self.custom_backoff {
            return custom(attempt, unit(rand)).min(self.max_backoff);
        }
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        jitter(ceiling, rand)
    }
}

/// `rand` as a fraction in `[0, 1]`: a value a random source should not
/// give (negative, above 1, NaN, infinite) is clamped, NaN and infinities
/// to 0.
fn unit(rand: f64) -> f64 {
    if rand.is_finite() {
        rand.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// `ceiling` scaled by the random fraction `rand` (see [`unit`] for values
/// outside `[0, 1]`): at most `ceiling`, and never a panic, which
/// `Duration::mul_f64` gives on NaN and when the product rounds past
/// `Duration::MAX` (a ceiling near it, `rand` near 1). Every jittered wait
/// of this crate and of its drivers goes through it.
pub fn jitter(ceiling: Duration, rand: f64) -> Duration {
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * unit(rand))
        .map_or(ceiling, |wait| wait.min(ceiling))
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryKind {
    /// A server-side or network failure that another attempt may not meet.
    Transient,
    /// The service asked the client to slow down.
    Throttling,
    /// The attempt timed out; for the quota, a transient failure like
    /// the others.
    Timeout,
    /// The request's signature time was off; re-sign with a corrected clock.
    /// Only that helps: a call retries such an answer only by re-signing
    /// with the offset its `Date` shows, and gives up when it shows none.
    ClockSkew,
    /// Retrying cannot help.
    NotRetryable,
}

impl RetryKind {
    /// Whether another attempt is worth making.
    pub fn is_retryable(self) -> bool {
        !matches!(self, RetryKind::NotRetryable)
    }
}

/// The throttling codes of the AWS SDKs' standard mode.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Codes of transient server-side failures, retried whatever the status,
/// as botocore's standard mode and aws-sdk-rust list them. (A 5xx answer
/// is retried by its status, whatever its code: `InternalError` and
/// `ServiceUnavailable` come with one.)
pub const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// Codes that say the request's time was wrong.
pub const CLOCK_SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
];

/// Codes that mean a clock problem only when the clocks really differ:
/// with a wrong secret they mean just that, and must not be retried.
pub const MAYBE_CLOCK_SKEW_CODES: &[&str] = &[
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "AuthFailure",
];

/// The skew beyond which a signature error is taken for a clock problem;
/// AWS accepts requests signed up to 5 minutes off.
pub const SKEW_THRESHOLD: Duration = Duration::from_secs(4 * 60);

/// Classifies a failed response.
pub fn classify_response(error: &ResponseError) -> RetryKind {
    match error {
        ResponseError::Service(e) => classify_service(e),
        ResponseError::Http { status, .. } => classify_status(*status),
        // A 2xx we could not read: the next one will not read either.
        ResponseError::Malformed { .. } => RetryKind::NotRetryable,
    }
}

fn classify_service(e: &ServiceError) -> RetryKind {
    let code = e.code.as_str();
    if THROTTLING_CODES.contains(&code) {
        RetryKind::Throttling
    } else if CLOCK_SKEW_CODES.contains(&code) {
        RetryKind::ClockSkew
    } else if TRANSIENT_CODES.contains(&code) || e.code == ErrorCode::IdpCommunicationError {
        RetryKind::Transient
    } else if e.status == 429 {
        RetryKind::Throttling
    } else {
        classify_status(e.status)
    }
}

/// Classifies a failed answer by its HTTP status alone: for an answer
/// without an error code, such as one of the credentials services'
/// (instance metadata, a container endpoint, the SSO portal).
pub fn classify_status(status: u16) -> RetryKind {
    match status {
        500 | 502 | 503 | 504 => RetryKind::Transient,
        429 => RetryKind::Throttling,
        _ => RetryKind::NotRetryable,
    }
}

/// What went wrong below HTTP, as a transport reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportFailure {
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// The attempt ran out of time.
    Timeout,
    /// The connection broke while sending or receiving.
    Io,
    /// The response body was over the size limit.
    BodyTooLarge,
    /// The transport cannot send any request as it is set up (a proxy URL
    /// of a scheme it does not speak, a CA bundle it could not read): no
    /// attempt can succeed, so none is repeated.
    Unusable,
}

impl TransportFailure {
    /// What happened, in a few words, for an error's text.
    pub fn describe(self) -> &'static str {
        match self {
            TransportFailure::Connect => "connection failed",
            TransportFailure::Timeout => "timed out",
            TransportFailure::Io => "connection broken",
            TransportFailure::BodyTooLarge => "response body too large",
            TransportFailure::Unusable => "the transport is not usable as set up",
        }
    }
}

/// Classifies a transport failure.
pub fn classify_transport(failure: TransportFailure) -> RetryKind {
    match failure {
        TransportFailure::Connect | TransportFailure::Io => RetryKind::Transient,
        TransportFailure::Timeout => RetryKind::Timeout,
        TransportFailure::BodyTooLarge | TransportFailure::Unusable => RetryKind::NotRetryable,
    }
}

/// The `x-amz-retry-after` header (milliseconds), if present and sane.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("x-amz-retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_millis)
}

/// The shared budget of retries, refilled by successes.
#[derive(Debug)]
pub struct RetryQuota {
    available: AtomicU32,
    capacity: u32,
}

/// Quota tokens in a fresh bucket.
pub const QUOTA_CAPACITY: u32 = 500;
/// Tokens a retry after throttling costs.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a transient failure costs: a timeout, a connection
/// that failed or broke, a 500/502/503/504 or a transient error code. The
/// name is aws-sdk-rust's (`RETRY_TIMEOUT_COST`), which charges it for
/// every `ErrorKind::TransientError`, and its classifiers give that kind to
/// all of these, not to timeouts only.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a success without retries returns.
pub const NO_RETRY_INCREMENT: u32 = 1;

impl Default for RetryQuota {
    fn default() -> Self {
        Self::new(QUOTA_CAPACITY)
    }
}

impl RetryQuota {
    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            available: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Relaxed)
    }

    /// Takes the cost of a retry after a failure of `kind`; `None` when
    /// the bucket cannot pay, and the driver must give up.
    ///
    /// Transient failures cost twice what throttling does: a server that
    /// is down or unreachable is where retries multiply load to no use,
    /// while a throttled one said it will answer again soon.
    pub fn acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = match kind {
            RetryKind::Transient | RetryKind::Timeout => TIMEOUT_RETRY_COST,
            RetryKind::Throttling | RetryKind::ClockSkew | RetryKind::NotRetryable => RETRY_COST,
        };
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// Refills after a success: the cost of the retry that led to it, or
    /// one token when the first attempt succeeded.
    pub fn release(&self, retry_cost: Option<u32>) {
        let add = retry_cost.unwrap_or(NO_RETRY_INCREMENT);
        let capacity = self.capacity;
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_add(add).min(capacity))
            });
    }
}

/// A clock offset in milliseconds: server time minus local time.
pub type ClockOffsetMillis = i64;

/// The clock offset a failed response shows, when it is a clock problem:
/// the response's `Date` against the time the request was signed with.
pub fn clock_skew(
    error: &ResponseError,
    headers: &HeaderMap,
    signed_at: SystemTime,
) -> Option<ClockOffsetMillis> {
    let ResponseError::Service(e) = error else {
        return None;
    };
    let code = e.code.as_str();
    let definite = CLOCK_SKEW_CODES.contains(&code);
    if !definite && !MAYBE_CLOCK_SKEW_CODES.contains(&code) {
        return None;
    }
    let server = server_time(headers)?;
    let offset = offset_millis(signed_at, server);
    if definite || offset.unsigned_abs() >= SKEW_THRESHOLD.as_millis() as u64 {
        Some(offset)
    } else {
        None
    }
}

/// The clock offset to sign with after a clock-skew answer that measured
/// `measured` (server minus the signing time, which already included
/// `current`): `None` when the new total would be larger than `max`, and
/// the answer must not be believed.
///
/// Only the total is bounded, since only the total decides how far from
/// the local clock requests are signed. `measured` alone can be larger
/// than the bound when the local clock moved after `current` was learned:
/// with +40 minutes learned and the clock then set an hour ahead, the true
/// offset is -30 minutes and the answer measures -70 against the signing
/// time. Refusing that would keep the stale offset, and every later call
/// would fail, for good.
pub fn corrected_offset(
    current: ClockOffsetMillis,
    measured: ClockOffsetMillis,
    max: Duration,
) -> Option<ClockOffsetMillis> {
    let total = current.checked_add(measured)?;
    let limit = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    (total.unsigned_abs() <= limit).then_some(total)
}

/// The response's `Date` header as a time.
pub fn server_time(headers: &HeaderMap) -> Option<SystemTime> {
    let date = headers.get(http::header::DATE)?.to_str().ok()?;
    httpdate::parse_http_date(date.trim()).ok()
}

/// `server - local` in milliseconds.
pub fn offset_millis(local: SystemTime, server: SystemTime) -> ClockOffsetMillis {
    match server.duration_since(local) {
        Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// `local` moved by `offset`, saturating at the ends of `SystemTime`.
pub fn apply_offset(local: SystemTime, offset: ClockOffsetMillis) -> SystemTime {
    let delta = Duration::from_millis(offset.unsigned_abs());
    if offset >= 0 {
        local.checked_add(delta).unwrap_or(local)
    } else {
        local.checked_sub(delta).unwrap_or(local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Fault;

    fn service(code: &str, status: u16) -> ResponseError {
        ResponseError::Service(ServiceError {
            code: ErrorCode::from_wire(code),
            message: None,
            fault: Fault::Sender,
            request_id: None,
            status,
        })
    }

    #[test]
    fn backoff_grows_to_the_cap() {
        let c = RetryConfig::default();
        assert_eq!(c.backoff(1, 1.0, None), Duration::from_secs(1));
        assert_eq!(c.backoff(2, 1.0, None), Duration::from_secs(2));
        assert_eq!(c.backoff(3, 0.5, None), Duration::from_secs(2));
        assert_eq!(c.backoff(6, 1.0, None), Duration::from_secs(20));
        assert_eq!(c.backoff(99, 1.0, None), Duration::from_secs(20));
        assert_eq!(c.backoff(1, 0.0, None), Duration::ZERO);
        assert_eq!(c.backoff(1, f64::NAN, None), Duration::ZERO);
        assert_eq!(
            c.backoff(1, 0.3, Some(Duration::from_millis(1500))),
            Duration::from_millis(1500)
        );
        assert_eq!(
            c.backoff(1, 0.3, Some(Duration::from_secs(60))),
            Duration::from_secs(20)
        );
    }

    #[test]
    fn a_ceiling_near_the_largest_duration_does_not_overflow() {
        let c = RetryConfig {
            base_delay: Duration::MAX,
            max_backoff: Duration::MAX,
            ..RetryConfig::default()
        };
        for rand in [1.0, 1.0 - f64::EPSILON, 0.999_999, 0.5] {
            let wait = c.backoff(1, rand, None);
            assert!(wait > Duration::from_secs(u64::MAX / 4), "{rand}: {wait:?}");
        }
        assert_eq!(c.backoff(9, 0.0, None), Duration::ZERO);
    }

    #[test]
    fn base_delay_and_custom_backoff_stay_under_the_cap() {
        let c = RetryConfig {
            base_delay: Duration::from_millis(100),
            ..RetryConfig::default()
        };
        assert_eq!(c.backoff(1, 1.0, None), Duration::from_millis(100));
        assert_eq!(c.backoff(4, 0.5, None), Duration::from_millis(400));
        assert_eq!(c.backoff(99, 1.0, None), Duration::from_secs(20));
        let c = RetryConfig {
            custom_backoff: Some(Arc::new(|attempt, rand| {
                Duration::from_secs(u64::from(attempt) * 100).mul_f64(rand)
            })),
            ..RetryConfig::default()
        };
        assert_eq!(c.backoff(1, 0.1, None), Duration::from_secs(10));
        assert_eq!(c.backoff(2, 1.0, None), Duration::from_secs(20));
        // Out-of-range randomness never reaches the function.
        assert_eq!(c.backoff(1, f64::INFINITY, None), Duration::ZERO);
        assert_eq!(
            c.backoff(1, 0.1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert!(format!("{c:?}").contains("custom_backoff: Some"));
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify_response(&service("Throttling", 400)),
            RetryKind::Throttling
        );
        assert_eq!(
            classify_response(&service("PriorRequestNotComplete", 400)),
            RetryKind::Throttling
        );
        assert_eq!(
            classify_response(&service("IDPCommunicationError", 400)),
            RetryKind::Transient
        );
        assert_eq!(
            classify_response(&service("RequestTimeout", 400)),
            RetryKind::Transient
        );
        assert_eq!(
            classify_response(&service("InternalError", 500)),
            RetryKind::Transient
        );
        assert_eq!(
            classify_response(&service("AccessDenied", 403)),
            RetryKind::NotRetryable
        );
        assert_eq!(
            classify_response(&service("SignatureDoesNotMatch", 403)),
            RetryKind::NotRetryable
        );
        assert_eq!(
            classify_response(&service("RequestTimeTooSkewed", 403)),
            RetryKind::ClockSkew
        );
        for status in [500, 502, 503, 504] {
            let e = ResponseError::Http {
                status,
                request_id: None,
                body_start: String::new(),
            };
            assert_eq!(classify_response(&e), RetryKind::Transient);
        }
        let e = ResponseError::Http {
            status: 404,
            request_id: None,
            body_start: String::new(),
        };
        assert_eq!(classify_response(&e), RetryKind::NotRetryable);
        assert_eq!(
            classify_transport(TransportFailure::Timeout),
            RetryKind::Timeout
        );
        assert_eq!(
            classify_transport(TransportFailure::BodyTooLarge),
            RetryKind::NotRetryable
        );
    }

    #[test]
    fn quota_drains_and_refills() {
        let q = RetryQuota::new(12);
        assert_eq!(q.acquire(RetryKind::Throttling), Some(5));
        assert_eq!(q.acquire(RetryKind::Throttling), Some(5));
        assert_eq!(q.acquire(RetryKind::Throttling), None);
        assert_eq!(q.available(), 2);
        q.release(Some(5));
        assert_eq!(q.available(), 7);
        assert_eq!(q.acquire(RetryKind::Timeout), None);
        q.release(None);
        q.release(Some(10));
        assert_eq!(q.available(), 12);
    }

    /// As aws-sdk-rust's token bucket: every transient failure (timeouts,
    /// connection failures, 5xx) costs the timeout cost, throttling less.
    #[test]
    fn transient_failures_cost_what_a_timeout_does() {
        let q = RetryQuota::new(100);
        assert_eq!(q.acquire(RetryKind::Transient), Some(10));
        assert_eq!(q.acquire(RetryKind::Timeout), Some(10));
        assert_eq!(q.acquire(RetryKind::Throttling), Some(5));
        assert_eq!(q.available(), 75);
        for failure in [TransportFailure::Connect, TransportFailure::Io] {
            let kind = classify_transport(failure);
            assert_eq!(q.acquire(kind), Some(10), "{failure:?}");
        }
        for status in [500, 502, 503, 504] {
            let e = ResponseError::Http {
                status,
                request_id: None,
                body_start: String::new(),
            };
            assert_eq!(q.acquire(classify_response(&e)), Some(10), "{status}");
        }
    }

    #[test]
    fn clock_correction_is_bounded() {
        let hour = Duration::from_secs(3600);
        let ms = |s: i64| s * 1000;
        assert_eq!(corrected_offset(0, ms(1200), hour), Some(ms(1200)));
        assert_eq!(corrected_offset(ms(1200), ms(-200), hour), Some(ms(1000)));
        assert_eq!(corrected_offset(0, ms(-3600), hour), Some(ms(-3600)));
        assert_eq!(corrected_offset(0, ms(3601), hour), None);
        // Two answers together may not go past the bound either.
        assert_eq!(corrected_offset(ms(3000), ms(1000), hour), None);
        assert_eq!(corrected_offset(ms(-2400), ms(-1201), hour), None);
        // A measurement beyond the bound is believed when the total is
        // within it: 40 minutes learned, then the local clock moved an
        // hour and ten minutes ahead.
        assert_eq!(corrected_offset(ms(2400), ms(-4200), hour), Some(ms(-1800)));
        // A date in 9999.
        assert_eq!(corrected_offset(0, 253_402_300_799_000, hour), None);
        assert_eq!(corrected_offset(i64::MAX, i64::MAX, hour), None);
        assert_eq!(corrected_offset(0, 1, Duration::ZERO), None);
        assert_eq!(corrected_offset(0, 0, Duration::ZERO), Some(0));
        assert_eq!(
            corrected_offset(0, i64::MIN + 1, Duration::MAX),
            Some(i64::MIN + 1)
        );
    }

    #[test]
    fn skew_needs_a_clock_code_and_a_date() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::DATE,
            "Sun, 30 Aug 2015 12:56:00 GMT".parse().unwrap(),
        );
        let signed = crate::time::from_unix(1_440_938_160, 0).unwrap(); // 12:36:00
        let skewed = service("RequestTimeTooSkewed", 403);
        assert_eq!(clock_skew(&skewed, &h, signed), Some(20 * 60 * 1000));
        // A signature error is a clock problem only when the clocks differ.
        let sig = service("SignatureDoesNotMatch", 403);
        assert_eq!(clock_skew(&sig, &h, signed), Some(20 * 60 * 1000));
        let close = apply_offset(signed, 19 * 60 * 1000);
        assert_eq!(clock_skew(&sig, &h, close), None);
        assert_eq!(clock_skew(&service("AccessDenied", 403), &h, signed), None);
        assert_eq!(clock_skew(&skewed, &HeaderMap::new(), signed), None);
        assert_eq!(
            apply_offset(signed, -1000),
            crate::time::from_unix(1_440_938_159, 0).unwrap()
        );
    }

    /// A server behind the local clock (a client whose clock runs fast)
    /// shows a negative offset, which moves the signing time back.
    #[test]
    fn a_server_behind_the_local_clock_is_a_negative_offset() {
        let signed = crate::time::from_unix(1_440_938_160, 0).unwrap(); // 12:36:00
        let server = crate::time::from_unix(1_440_936_960, 0).unwrap(); // 12:16:00
        assert_eq!(offset_millis(signed, server), -1_200_000);
        let mut h = HeaderMap::new();
        h.insert(
            http::header::DATE,
            "Sun, 30 Aug 2015 12:16:00 GMT".parse().unwrap(),
        );
        let skewed = service("RequestTimeTooSkewed", 403);
        assert_eq!(clock_skew(&skewed, &h, signed), Some(-1_200_000));
        assert_eq!(apply_offset(signed, -1_200_000), server);
    }

    /// A signature error is taken for a clock problem from four minutes
    /// off (AWS accepts five), not below.
    #[test]
    fn a_signature_error_is_a_clock_problem_from_four_minutes_off() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::DATE,
            "Sun, 30 Aug 2015 12:56:00 GMT".parse().unwrap(),
        );
        // 12:00:00 of the Date's day, plus hours and minutes.
        let at = |hh: i64, mm: i64| {
            crate::time::from_unix(1_440_936_000 + (hh - 12) * 3600 + mm * 60, 0).unwrap()
        };
        let sig = service("SignatureDoesNotMatch", 403);
        assert_eq!(clock_skew(&sig, &h, at(12, 53)), None);
        assert_eq!(clock_skew(&sig, &h, at(12, 52)), Some(240_000));
        assert_eq!(clock_skew(&sig, &h, at(13, 0)), Some(-240_000));
        assert_eq!(clock_skew(&sig, &h, at(12, 57)), None);
    }

    /// A 429 is throttling whatever its body: a gateway's HTML page too.
    #[test]
    fn a_bare_429_is_throttling() {
        let bare = ResponseError::Http {
            status: 429,
            request_id: None,
            body_start: "<html>Too Many Requests</html>".into(),
        };
        assert_eq!(classify_response(&bare), RetryKind::Throttling);
        for (status, kind) in [
            (500, RetryKind::Transient),
            (502, RetryKind::Transient),
            (503, RetryKind::Transient),
            (504, RetryKind::Transient),
            (501, RetryKind::NotRetryable),
            (400, RetryKind::NotRetryable),
            (403, RetryKind::NotRetryable),
        ] {
            let e = ResponseError::Http {
                status,
                request_id: None,
                body_start: String::new(),
            };
            assert_eq!(classify_response(&e), kind, "{status}");
        }
    }

    /// Every code the SDKs name, at a status that says nothing by itself,
    /// classified by its code alone (the lists as aws-sdk-rust and
    /// botocore's standard mode have them; a review against botocore 1.44
    /// and smithy-rs found three more here, now retried by status only).
    #[test]
    fn every_named_code_is_classified_by_itself() {
        let throttling = [
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottledException",
            "TooManyRequestsException",
            "ProvisionedThroughputExceededException",
            "TransactionInProgressException",
            "RequestLimitExceeded",
            "BandwidthLimitExceeded",
            "LimitExceededException",
            "RequestThrottled",
            "SlowDown",
            "PriorRequestNotComplete",
            "EC2ThrottledException",
        ];
        let transient = [
            "RequestTimeout",
            "RequestTimeoutException",
            "IDPCommunicationError",
        ];
        let skew = [
            "RequestTimeTooSkewed",
            "RequestExpired",
            "RequestInTheFuture",
        ];
        let cases = throttling
            .iter()
            .map(|c| (*c, RetryKind::Throttling))
            .chain(transient.iter().map(|c| (*c, RetryKind::Transient)))
            .chain(skew.iter().map(|c| (*c, RetryKind::ClockSkew)))
            .chain(
                [
                    "SignatureDoesNotMatch",
                    "InvalidSignatureException",
                    "AuthFailure",
                ]
                .iter()
                .chain(&["AccessDenied", "ExpiredToken", "ValidationError"])
                // Named by neither list: retried at a 5xx status only
                // (they used to be retried at any status).
                .chain(&["InternalError", "InternalFailure", "ServiceUnavailable"])
                .map(|c| (*c, RetryKind::NotRetryable)),
            );
        for (code, kind) in cases {
            assert_eq!(classify_response(&service(code, 400)), kind, "{code}");
        }
        for code in ["InternalError", "InternalFailure", "ServiceUnavailable"] {
            for status in [500, 503] {
                assert_eq!(
                    classify_response(&service(code, status)),
                    RetryKind::Transient,
                    "{code} {status}"
                );
            }
        }
        // A signature error with a skewed `Date` is a clock problem, for
        // each of the three codes that may mean one.
        let mut h = HeaderMap::new();
        h.insert(
            http::header::DATE,
            "Sun, 30 Aug 2015 12:56:00 GMT".parse().unwrap(),
        );
        let signed = crate::time::from_unix(1_440_938_160, 0).unwrap();
        for code in [
            "SignatureDoesNotMatch",
            "InvalidSignatureException",
            "AuthFailure",
        ] {
            assert_eq!(
                clock_skew(&service(code, 403), &h, signed),
                Some(1_200_000),
                "{code}"
            );
        }
        for code in skew {
            assert_eq!(
                clock_skew(&service(code, 403), &h, signed),
                Some(1_200_000),
                "{code}"
            );
        }
    }

    #[test]
    fn only_not_retryable_is_not_retryable() {
        for kind in [
            RetryKind::Transient,
            RetryKind::Throttling,
            RetryKind::Timeout,
            RetryKind::ClockSkew,
        ] {
            assert!(kind.is_retryable(), "{kind:?}");
        }
        assert!(!RetryKind::NotRetryable.is_retryable());
    }
}
