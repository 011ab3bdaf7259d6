//! One operation's whole exchange as a state machine: which signed request
//! to send next, and what to do with each answer (done, re-sign, wait and
//! retry, give up).
//!
//! ```text
//!                 Call::new (validates the operation once)
//!                     │
//!                     ▼
//!    ┌────────────► Ready
//!    │                │ next_request(now, signing)
//!    │                ├─ no time left ──────────────► Err(DeadlineReached) ──┐
//!    │                ├─ adaptive, bucket empty ────► Next::Wait(d), Paced   │
//!    │                │   (Paced: Wait again for what     │                  │
//!    │                │   is left, at the rate of then)   │                  │
//!    │                │   next_request after the sleep    │                  │
//!    │                ▼ ◄─────────────────────────────────┘                  │
//!    │              Sent ── Next::Send(Outgoing): signed, attempt budget     │
//!    │                │ response(now, status, headers, body, rand)           │
//!    │                │ transport_failure(now, failure, rand)                │
//!    │                ├─ a result ──────────────────► Done(output) ──────────┤
//!    ├─ same attempt ─┼─ clock skew, first time,                             │
//!    │                │  within the bound ──────────► SendNow(Resign)        │
//!    └─ next attempt ─┼─ retryable, attempts and quota                       │
//!                     │  left, the wait fits the                             │
//!                     │  deadline ──────────────────► Wait(Retry)            │
//!                     └─ otherwise ─────────────────► Failed(GaveUp) ────────┤
//!                                                                            ▼
//!                                                                        Finished
//! ```
//!
//! Asking in the wrong state (a response before any request was handed out,
//! anything after the call finished) is a [`CallError::WrongState`], never a
//! panic.
//!
//! The call reads no clock and draws no random numbers: each step is given
//! the monotonic time (`now`, a [`Duration`] since an origin the driver fixes
//! once, the same for every call that shares a [`RateLimiter`]), the wall
//! clock for signing, and a source of jitter. The retry quota and the rate
//! limiter are borrowed, because they belong to the client and are shared by
//! all its calls; so is the clock offset, which the call only reports
//! ([`Resign::clock_offset`]) for the driver to store.
//!
//! A driver's loop, with the I/O left out:
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use sts_proto::call::{Call, CallOptions, Decision, Next, Signing};
//! use sts_proto::retry::{RetryConfig, RetryQuota};
//! use sts_proto::{Credentials, endpoint, ops::GetCallerIdentity};
//!
//! let endpoint = endpoint::resolve(&endpoint::EndpointConfig::new().with_region("eu-west-1"))?;
//! let (retry, quota) = (RetryConfig::default(), RetryQuota::default());
//! let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
//! let op = GetCallerIdentity::new();
//! let mut call = Call::new(&op, CallOptions::new(&endpoint, &retry, &quota))?;
//! let mut now = Duration::ZERO; // the driver's monotonic clock
//! let mut clock_offset = 0; // the driver's, shared by its calls
//! let output = loop {
//!     let signing = Signing::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
//!         .credentials(&credentials)
//!         .clock_offset(clock_offset);
//!     let outgoing = match call.next_request(now, &signing)? {
//!         Next::Send(outgoing) => outgoing,
//!         Next::Wait(d) => { now += d; continue; } // sleep(d)
//!     };
//!     // A real driver sends `outgoing.request` within `outgoing.timeout` here.
//!     let body = b"<GetCallerIdentityResponse><GetCallerIdentityResult>\
//!         <Arn>arn:aws:iam::123456789012:user/me</Arn></GetCallerIdentityResult>\
//!         </GetCallerIdentityResponse>";
//!     match call.response(now, 200, &http::HeaderMap::new(), body, || 0.5)? {
//!         Decision::Done(output) => break output,
//!         Decision::SendNow(resign) => clock_offset = resign.clock_offset,
//!         Decision::Wait(retry) => now += retry.delay, // sleep(retry.delay)
//!         Decision::Failed(gave_up) => panic!("{}", gave_up.reason),
//!     }
//! };
//! assert_eq!(output.arn.as_deref(), Some("arn:aws:iam::123456789012:user/me"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::credentials::Credentials;
use crate::endpoint::ResolvedEndpoint;
use crate::error::ResponseError;
use crate::operation::{BuildError, Operation, RequestTarget};
use crate::retry::{
    ClockOffsetMillis, RetryConfig, RetryKind, RetryQuota, TransportFailure, classify_response,
    classify_transport,
};
use crate::sigv4::SigningKey;

mod owned;
mod rate_limit;
mod receive;
mod send;
#[cfg(test)]
mod test;

pub use owned::{OwnedCall, SharedOptions};
pub use rate_limit::RateLimiter;

/// What a call is made with besides the operation: where it goes, how it
/// retries, and the pieces shared with the client's other calls.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallOptions<'a> {
    /// The resolved endpoint.
    pub endpoint: &'a ResolvedEndpoint,
    /// The `User-Agent` header to send, if any.
    pub user_agent: Option<&'a str>,
    /// The endpoint's URI and headers parsed once for the client's calls;
    /// see [`RequestContext::target`](crate::operation::RequestContext::target).
    pub target: Option<&'a RequestTarget>,
    /// The retry policy.
    pub retry: &'a RetryConfig,
    /// The client's retry quota.
    pub quota: &'a RetryQuota,
    /// The client's rate limiter; consulted in [adaptive
    /// mode](crate::retry::RetryMode::Adaptive) only, and adaptive mode
    /// without one paces nothing.
    pub rate_limiter: Option<&'a RateLimiter>,
    /// The time allowed to each attempt.
    pub attempt_timeout: Option<Duration>,
    /// The time allowed to the whole call, from the first request handed
    /// out: no wait is started that would pass it, and each attempt's
    /// budget is cut to what remains.
    pub call_timeout: Option<Duration>,
    /// Whether the operation is checked against the model's constraints
    /// before anything is sent (default on). Off, a request the service
    /// would refuse is sent anyway, which helps when the service accepts
    /// more than the model says.
    pub validation: bool,
}

impl<'a> CallOptions<'a> {
    /// Options for `endpoint`: no user agent, no rate limiter, no timeouts,
    /// validation on.
    pub fn new(
        endpoint: &'a ResolvedEndpoint,
        retry: &'a RetryConfig,
        quota: &'a RetryQuota,
    ) -> Self {
        Self {
            endpoint,
            user_agent: None,
            target: None,
            retry,
            quota,
            rate_limiter: None,
            attempt_timeout: None,
            call_timeout: None,
            validation: true,
        }
    }
}

/// What one request is signed with: the wall clock, the clock offset the
/// driver keeps, and (for signed operations) the credentials.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Signing<'k> {
    /// The local wall clock, before correction.
    pub wall: SystemTime,
    /// The correction the driver applies to it (server minus local).
    pub clock_offset: ClockOffsetMillis,
    /// The credentials; required for signed operations.
    pub credentials: Option<&'k Credentials>,
    /// A key derived earlier for the same secret, day, region and service,
    /// to skip the derivation; ignored when it does not match.
    pub signing_key: Option<&'k SigningKey>,
}

impl<'k> Signing<'k> {
    /// Signing at `wall` with no offset and no credentials.
    pub fn new(wall: SystemTime) -> Self {
        Self {
            wall,
            clock_offset: 0,
            credentials: None,
            signing_key: None,
        }
    }

    /// The same, with credentials.
    pub fn credentials(mut self, credentials: &'k Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The same, with the driver's clock offset.
    pub fn clock_offset(mut self, offset: ClockOffsetMillis) -> Self {
        self.clock_offset = offset;
        self
    }

    /// The same, with a cached signing key.
    pub fn signing_key(mut self, key: &'k SigningKey) -> Self {
        self.signing_key = Some(key);
        self
    }

    /// The time the request is signed with: the wall clock moved by the
    /// offset. A driver that caches signing keys derives them for this time.
    /// The exception is the request re-signed after a clock-skew answer,
    /// which takes the call's own offset ([`Resign::clock_offset`]) if the
    /// driver passes another; a key for the wrong day is then not used
    /// (see [`Signing::signing_key`]), so nothing is signed wrongly.
    pub fn time(&self) -> SystemTime {
        crate::retry::apply_offset(self.wall, self.clock_offset)
    }
}

/// What the driver does next, asked before each attempt.
#[derive(Debug)]
#[must_use = "the driver must send or wait as told"]
#[expect(
    clippy::large_enum_variant,
    reason = "returned once per attempt and taken apart at once; a box would cost an allocation per attempt"
)]
pub enum Next {
    /// Send this request.
    Send(Outgoing),
    /// The rate limiter holds this attempt back: sleep, then ask again.
    Wait(Duration),
}

/// One signed attempt.
///
/// `Debug` shows where the request goes and how big its body is, never the
/// body or the headers: the body of the unsigned federation calls carries
/// the SAML assertion or web identity token.
#[non_exhaustive]
pub struct Outgoing {
    /// The signed request.
    pub request: http::Request<Vec<u8>>,
    /// The time allowed to this attempt: the attempt timeout, cut to what
    /// remains of the call timeout.
    pub timeout: Option<Duration>,
    /// The attempt's number, 1 for the first; a re-signed attempt after a
    /// clock-skew answer keeps its number.
    pub attempt: u32,
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("method", self.request.method())
            .field("uri", self.request.uri())
            .field("body_len", &self.request.body().len())
            .field("timeout", &self.timeout)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// What the driver does after an answer.
#[derive(Debug)]
#[must_use = "the driver must finish, re-sign, wait or fail as told"]
pub enum Decision<T> {
    /// The call succeeded.
    Done(T),
    /// The answer showed a clock skew within the bound: store the new
    /// offset and ask for the next request at once; it is signed again.
    SendNow(Resign),
    /// The attempt failed and another is worth making: sleep, then ask for
    /// the next request.
    Wait(Retry),
    /// The call failed for good.
    Failed(GaveUp),
}

impl<T> Decision<T> {
    /// The same decision with a success's value turned by `f`: what a
    /// driver that keeps the output elsewhere, or a step that cannot
    /// succeed, needs.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Decision<U> {
        match self {
            Decision::Done(value) => Decision::Done(f(value)),
            Decision::SendNow(resign) => Decision::SendNow(resign),
            Decision::Wait(retry) => Decision::Wait(retry),
            Decision::Failed(gave_up) => Decision::Failed(gave_up),
        }
    }
}

/// A clock-skew answer the call believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resign {
    /// The status of the answer.
    pub status: u16,
    /// The skew the answer showed, against the time the request was signed
    /// with.
    pub measured: ClockOffsetMillis,
    /// The offset the driver signs with from now on, for this call and the
    /// others. The call's re-signed request is signed with it whatever the
    /// next [`Signing`] says; later attempts, and other calls, take the
    /// driver's.
    pub clock_offset: ClockOffsetMillis,
}

/// A retry after a failed attempt.
#[derive(Debug)]
#[non_exhaustive]
pub struct Retry {
    /// How long to wait before the next attempt.
    pub delay: Duration,
    /// Why the attempt failed, for the driver's log.
    pub failure: Failure,
}

/// The end of a failed call.
#[derive(Debug)]
#[non_exhaustive]
pub struct GaveUp {
    /// Why no further attempt is made.
    pub reason: GiveUp,
    /// How the last attempt failed.
    pub failure: Failure,
}

/// How one attempt failed.
#[derive(Debug)]
pub enum Failure {
    /// An answer that is not a result.
    Response(ResponseError),
    /// No complete answer; the driver holds the details.
    Transport(TransportFailure),
}

impl Failure {
    /// How the failure counts for retrying.
    pub fn retry_kind(&self) -> RetryKind {
        match self {
            Failure::Response(e) => classify_response(e),
            Failure::Transport(f) => classify_transport(*f),
        }
    }
}

/// Why a call stops retrying. `Display` gives the words a driver logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUp {
    /// Another attempt would meet the same answer.
    NotRetryable,
    /// `max_attempts` were made.
    NoAttemptsLeft,
    /// The shared retry quota cannot pay for a retry.
    QuotaExhausted,
    /// The wait before the next attempt would pass the call timeout.
    CallTimeout,
    /// A clock-skew answer would have moved the total clock offset beyond
    /// [`RetryConfig::max_clock_skew`] (or correction is off); it is not
    /// believed, and not retried, since the next answer would say the same.
    SkewRefused {
        /// The offset the answer claimed, against the signing time (which
        /// already included the offset in use).
        measured: ClockOffsetMillis,
        /// The bound it broke.
        bound: Duration,
    },
}

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GiveUp::NotRetryable => "not retryable",
            GiveUp::NoAttemptsLeft => "no attempts left",
            GiveUp::QuotaExhausted => "the retry quota is used up",
            GiveUp::CallTimeout => "the call timeout would pass",
            GiveUp::SkewRefused { .. } => "clock correction refused",
        })
    }
}

/// A call asked to do something it cannot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The step does not fit the call's state: a response before any
    /// request was handed out, a request while one is in flight, anything
    /// after the call finished.
    #[error("{operation} call: cannot take {step} while {state}")]
    WrongState {
        /// The operation.
        operation: &'static str,
        /// The step asked for.
        step: &'static str,
        /// The state the call is in.
        state: &'static str,
    },
    /// The request could not be validated, built or signed; the call is
    /// finished.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The call timeout was reached before the next attempt could start;
    /// the call is finished.
    #[error("call timeout of {limit:?} reached")]
    DeadlineReached {
        /// The call timeout.
        limit: Duration,
    },
}

/// Where a call is.
#[derive(Debug, Clone, Copy)]
enum State {
    /// A request may be handed out; `fresh` when it starts a new attempt
    /// (not a re-signed one).
    Ready { fresh: bool },
    /// The rate limiter reserved a token for the next request, which the
    /// driver asks for after waiting; `ticket` is the reservation's (see
    /// `RateLimiter::wait_for`).
    Paced {
        fresh: bool,
        ticket: f64,
        /// When the first wait it was told ends: a later answer is never
        /// longer.
        until: Duration,
    },
    /// A request is out, signed at `signed_at` with `clock_offset`.
    Sent {
        signed_at: SystemTime,
        clock_offset: ClockOffsetMillis,
    },
    /// Done or failed; nothing more happens.
    Finished,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Ready { .. } => "ready to send",
            State::Paced { .. } => "paced by the rate limiter",
            State::Sent { .. } => "waiting for an answer",
            State::Finished => "finished",
        }
    }
}

/// One operation's exchange: see the [module](self) for the states.
///
/// Not `Clone`: one call, one sequence of attempts.
#[derive(Debug)]
pub struct Call<'a, Op: Operation> {
    op: &'a Op,
    core: Core<'a>,
}

/// A call without its operation's types: the states and every decision,
/// compiled once for all operations. [`Call`] adds only what differs
/// between them, writing the form and reading the output.
#[derive(Debug)]
struct Core<'a> {
    /// The operation's name, for errors.
    action: &'static str,
    /// Whether its requests are signed.
    signed: bool,
    options: CallOptions<'a>,
    progress: Progress,
}

/// Where a call is, without what it borrows; an [`OwnedCall`] keeps it
/// between steps.
#[derive(Debug, Clone, Copy)]
struct Progress {
    state: State,
    /// Monotonic time of the first request handed out.
    started: Option<Duration>,
    /// The number of the last attempt handed out.
    attempt: u32,
    /// What the last retry cost the quota, given back on success.
    retry_cost: Option<u32>,
    /// Whether a clock-skew answer was believed already; a call re-signs
    /// once at most, so two lying answers cannot keep it busy.
    corrected_skew: bool,
    /// The offset the call decided on at a clock-skew answer, which its
    /// re-signed request is signed with whatever the driver passes: a
    /// driver that did not store [`Resign::clock_offset`] would otherwise
    /// spend the call's one re-sign on the same wrong time.
    resign_offset: Option<ClockOffsetMillis>,
}

impl Progress {
    /// A call that has handed out nothing yet.
    const START: Self = Self {
        state: State::Ready { fresh: true },
        started: None,
        attempt: 0,
        retry_cost: None,
        corrected_skew: false,
        resign_offset: None,
    };
}

impl<'a, Op: Operation> Call<'a, Op> {
    /// A call of `op`, checked against the model's constraints unless
    /// [`CallOptions::validation`] is off; nothing is signed yet.
    pub fn new(op: &'a Op, options: CallOptions<'a>) -> Result<Self, CallError> {
        if options.validation {
            op.validate().map_err(BuildError::from)?;
        }
        Ok(Self {
            op,
            core: Core::resume::<Op>(options, Progress::START),
        })
    }

    /// The number of the last attempt handed out (0 before the first).
    pub fn attempt(&self) -> u32 {
        self.core.progress.attempt
    }

    /// Whether the call is done or failed.
    pub fn is_finished(&self) -> bool {
        matches!(self.core.progress.state, State::Finished)
    }
}

/// A call dropped before it finished gives back what it holds for a
/// request it will never send: the rate limiter's token it waited for,
/// and the quota a retry was paid with. A driver that gives up waiting (a
/// timeout around an async call, a C caller freeing an exchange told to
/// wait) would otherwise leave a shared client's limiter behind by one
/// token, and its quota by one retry, each time.
impl<Op: Operation> Drop for Call<'_, Op> {
    fn drop(&mut self) {
        self.core.abandon();
    }
}

impl<'a> Core<'a> {
    /// A call of `Op` at `progress`.
    fn resume<Op: Operation>(options: CallOptions<'a>, progress: Progress) -> Self {
        Self {
            action: Op::ACTION,
            signed: Op::SIGNED,
            options,
            progress,
        }
    }

    fn wrong_state(&self, step: &'static str) -> CallError {
        CallError::WrongState {
            operation: self.action,
            step,
            state: self.progress.state.name(),
        }
    }

    /// Time since the first request was handed out.
    fn elapsed(&self, now: Duration) -> Duration {
        self.progress
            .started
            .map_or(Duration::ZERO, |s| now.saturating_sub(s))
    }

    /// Ends an unfinished call, giving back a paced token and an unsent
    /// retry's cost (see the `Drop` of [`Call`]).
    fn abandon(&mut self) {
        match self.progress.state {
            State::Ready { fresh } => self.end_unsent(fresh, send::Token::None),
            State::Paced { fresh, ticket, .. } => {
                self.end_unsent(fresh, send::Token::Reserved(ticket))
            }
            State::Sent { .. } | State::Finished => {}
        }
    }

    fn rate_limiter(&self) -> Option<&'a RateLimiter> {
        match self.options.retry.mode {
            crate::retry::RetryMode::Adaptive => self.options.rate_limiter,
            _ => None,
        }
    }
}
