//! The exchange: one operation's whole call as a value the caller drives
//! with its own HTTP stack. The library decides (retry, back-off,
//! `Retry-After`, the retry quota, adaptive pacing, clock-skew re-signing,
//! the call timeout) through the client's [`sts_blocking::Exchange`], so an
//! exchange and the client's blocking calls share one retry quota, one rate
//! limiter and one clock correction; the caller only sends, sleeps and
//! reads its monotonic clock.
//!
//! The per-operation constructors and output getters live with each
//! operation (`ops/*.rs`); the shared steps are here.

use std::any::Any;
use std::fmt;
use std::time::Duration;

use sts_blocking::Exchange;
use sts_blocking::transport::{TransportError, TransportFailure};
use sts_proto::call::{self, CallError, Decision, Next};
use sts_proto::operation::Operation;

use crate::boundary::{Owned, Strings, out_slot, required, run};
use crate::client::{
    STS_TRANSPORT_BODY_TOO_LARGE, STS_TRANSPORT_CONNECT_FAILED, STS_TRANSPORT_OK,
    STS_TRANSPORT_TIMED_OUT, StsClient, StsTransportResult,
};
use crate::error::{Failure, StsError};
use crate::http::{OwnedRequest, StsHttpRequest, StsHttpResponse, read_response, request_view};
use crate::ops::{FfiOp, store};
use crate::status::*;

/// What `sts_exchange_next` says to do.
pub type StsNextKind = i32;

/// Send `next->request` (then free it), allowing it `next->timeout_ms`.
pub const STS_NEXT_SEND: StsNextKind = 1;
/// Sleep `next->wait_ms` milliseconds (client-side rate limiting in the
/// adaptive retry mode), then call `sts_exchange_next` again. It may answer
/// `STS_NEXT_WAIT` again with what is left, at the limiter's rate of then
/// (which grows as other calls succeed): a caller may sleep less and ask
/// sooner.
pub const STS_NEXT_WAIT: StsNextKind = 2;

/// The next step of an exchange, filled by `sts_exchange_next`.
///
/// Ownership: the caller's struct. Zero-fill it before each call:
/// `request` must be NULL on entry (an output slot). A request handed out
/// in it is the caller's, freed with `sts_http_request_free` once sent.
///
/// Layout: `kind` (`int32_t`), `attempt` (`uint32_t`), `request`
/// (pointer), `timeout_ms` (`uint32_t`), padding, `wait_ms` (`uint64_t`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsExchangeNext {
    /// `STS_NEXT_SEND` or `STS_NEXT_WAIT`.
    pub kind: StsNextKind,
    /// For `STS_NEXT_SEND`: the attempt's number, 1 for the first; a
    /// request re-signed after a clock-skew answer keeps its number. For
    /// `STS_NEXT_WAIT` (the rate limiter's pacing, before the request it
    /// holds back is signed): the number of the last attempt sent, 0
    /// before the first.
    pub attempt: u32,
    /// For `STS_NEXT_SEND`: the signed request. NULL otherwise.
    pub request: *mut StsHttpRequest,
    /// For `STS_NEXT_SEND`: milliseconds the attempt may take (the attempt
    /// timeout, cut to what remains of the call timeout); 0 for no limit.
    pub timeout_ms: u32,
    /// For `STS_NEXT_WAIT`: milliseconds to sleep first.
    pub wait_ms: u64,
}

/// What the exchange decided after an answer.
pub type StsDecisionKind = i32;

/// The call succeeded: read the output with `sts_exchange_*_output`.
pub const STS_DECISION_DONE: StsDecisionKind = 1;
/// The answer showed the local clock is off: call `sts_exchange_next` at
/// once, the request is signed again with the corrected clock.
pub const STS_DECISION_SEND_NOW: StsDecisionKind = 2;
/// The attempt failed and another is worth making: sleep
/// `decision->wait_ms`, then call `sts_exchange_next`.
pub const STS_DECISION_WAIT: StsDecisionKind = 3;
/// The call failed for good; the function returned the error's status and
/// set `*err`.
pub const STS_DECISION_FAILED: StsDecisionKind = 4;

/// The decision after an answer, filled by `sts_exchange_response` and
/// `sts_exchange_transport_failure`.
///
/// Ownership: the caller's struct; it holds no pointers. It is written
/// only when the exchange took the answer: after a misuse
/// (`STS_ERR_WRONG_STATE`, a NULL argument) it is left as it was, so
/// zero-fill it to tell the two apart.
///
/// Layout: `kind` (`int32_t`), `attempt` (`uint32_t`), `wait_ms`
/// (`uint64_t`), `clock_skew_ms` (`int64_t`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsExchangeDecision {
    /// One of `STS_DECISION_*`.
    pub kind: StsDecisionKind,
    /// The number of the attempt the answer was to.
    pub attempt: u32,
    /// For `STS_DECISION_WAIT`: milliseconds to sleep before the next
    /// attempt (jittered back-off, or the server's `x-amz-retry-after`).
    pub wait_ms: u64,
    /// For `STS_DECISION_SEND_NOW`: the skew the answer showed, server
    /// minus local, in milliseconds.
    pub clock_skew_ms: i64,
}

/// One operation's call in progress, driven by the caller's HTTP stack.
/// Opaque.
///
/// Ownership: made by an `sts_exchange_*_new` function, the caller's until
/// `sts_exchange_free`. It holds what it needs of the client (shared
/// quota, rate limiter, clock correction, credential source), so the
/// client may be freed first; but a client's `transport` callback and its
/// `transport_user_data` must stay valid until its exchanges are freed
/// too, as the credential source may call it to fetch credentials. One
/// exchange is one call: use it from one thread at a time.
pub struct StsExchange {
    inner: Box<dyn Drive>,
}

/// The operation's name and the attempt only: the operation may hold
/// secrets (an MFA code, a SAML assertion), the output holds credentials.
impl fmt::Debug for StsExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsExchange")
            .field("operation", &self.inner.action())
            .field("attempt", &self.inner.attempt())
            .finish_non_exhaustive()
    }
}

/// An exchange's answer to a response or a transport failure.
enum Outcome {
    Done,
    SendNow { skew_ms: i64 },
    Wait(Duration),
    Failed(Failure),
}

/// One exchange, whatever its operation.
trait Drive: Send {
    fn action(&self) -> &'static str;
    fn attempt(&self) -> u32;
    fn next(&mut self, now: Duration) -> Result<Next, Failure>;
    fn response(
        &mut self,
        now: Duration,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Outcome, Failure>;
    fn transport_failure(
        &mut self,
        now: Duration,
        kind: TransportFailure,
    ) -> Result<Outcome, Failure>;
    fn as_any(&mut self) -> &mut dyn Any;
}

/// The exchange of the operation `F`.
struct OpExchange<F: FfiOp> {
    /// The call, with the client's policy, shared state and credentials.
    exchange: Exchange<F::Op>,
    /// The caller's first `now_ms` and the client's monotonic time then:
    /// the caller's times are moved onto the client's clock, which the
    /// client's blocking calls and its rate limiter measure with.
    anchor: Option<(Duration, Duration)>,
    /// The C result, made when the answer is taken as `STS_DECISION_DONE`
    /// (so that an answer no C result can carry is a failure then, not
    /// at the getter), until the getter hands it out.
    output: Option<Prepared<F::Output>>,
    /// Whether the getter took the result already.
    taken: bool,
}

/// A C result not handed out yet; freed (its strings wiped) with the
/// exchange if it never is.
struct Prepared<T>(*mut T);

impl<T> Prepared<T> {
    /// The result, now the caller's to free.
    fn hand_out(mut self) -> *mut T {
        std::mem::replace(&mut self.0, std::ptr::null_mut())
    }
}

// SAFETY: a `Prepared` is the only owner of its result and of the
// strings the result points into (nothing else has the pointer until
// `hand_out`), so moving it to another thread moves all of it; the result
// holds plain data and pointers into its own storage.
unsafe impl<T> Send for Prepared<T> {}

impl<T> Drop for Prepared<T> {
    fn drop(&mut self) {
        // SAFETY: `self.0` is NULL or came from `store` (`Owned::into_raw`
        // with `Strings`) and was not handed out, so it is freed once.
        unsafe { Owned::<T, Strings>::free(self.0) }
    }
}

fn wrong_state(action: &str, step: &str, state: &str) -> Failure {
    Failure::new(
        STS_ERR_WRONG_STATE,
        format!("{action} exchange: cannot take {step} while {state}"),
    )
}

/// The C status and error for a call that cannot go on.
fn call_failure(e: CallError) -> Failure {
    match e {
        CallError::Build(e) => e.into(),
        CallError::DeadlineReached { limit } => {
            Failure::from(sts_blocking::Error::Transport(TransportError::new(
                TransportFailure::Timeout,
                format!("call timeout of {limit:?} reached"),
            )))
        }
        e @ CallError::WrongState { .. } => Failure::new(STS_ERR_WRONG_STATE, e.to_string()),
        e => Failure::new(STS_ERR_INTERNAL, e.to_string()),
    }
}

impl<F> Drive for OpExchange<F>
where
    F: FfiOp + 'static,
    F::Op: Send + 'static,
    <F::Op as Operation>::Output: Send,
{
    fn action(&self) -> &'static str {
        <F::Op as Operation>::ACTION
    }

    fn attempt(&self) -> u32 {
        self.exchange.attempt()
    }

    fn next(&mut self, now: Duration) -> Result<Next, Failure> {
        let now = self.on_client_clock(now);
        // Credentials that expired while the call waited: the provider's
        // error, not "no credentials were given".
        let next = self.exchange.next_request(now);
        next.map_err(|e| match self.exchange.refused_credentials() {
            Some(refused) => Failure::from(refused),
            None => call_failure(e),
        })
    }

    fn response(
        &mut self,
        now: Duration,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Outcome, Failure> {
        let now = self.on_client_clock(now);
        let decision = self
            .exchange
            .response(now, status, headers, body)
            .map_err(call_failure)?;
        Ok(self.decided(decision, None, status))
    }

    fn transport_failure(
        &mut self,
        now: Duration,
        kind: TransportFailure,
    ) -> Result<Outcome, Failure> {
        let now = self.on_client_clock(now);
        let decision = self
            .exchange
            .transport_failure(now, kind)
            .map_err(call_failure)?;
        Ok(self.decided(decision, Some(kind), 0))
    }

    fn as_any(&mut self) -> &mut dyn Any {
        self
    }
}

impl<F: FfiOp> OpExchange<F> {
    /// The caller's time `now` on the client's monotonic clock: the time
    /// since the exchange's first step, by the caller's clock, added to the
    /// client's time at that step.
    fn on_client_clock(&mut self, now: Duration) -> Duration {
        let client = self.exchange.client();
        let (first, client_first) = *self.anchor.get_or_insert_with(|| (now, client.elapsed()));
        client_first.saturating_add(now.saturating_sub(first))
    }

    fn decided(
        &mut self,
        decision: Decision<<F::Op as Operation>::Output>,
        transport: Option<TransportFailure>,
        status: u16,
    ) -> Outcome {
        match decision {
            // The call succeeded, but its result must also be one C can
            // hold (no NUL in a string): if not, the exchange fails here,
            // as `sts_parse_*` and the blocking calls fail.
            Decision::Done(output) => match store::<F>(&output, status) {
                Ok(prepared) => {
                    self.output = Some(Prepared(prepared));
                    Outcome::Done
                }
                Err(failure) => Outcome::Failed(failure),
            },
            Decision::SendNow(resign) => Outcome::SendNow {
                skew_ms: resign.measured,
            },
            Decision::Wait(retry) => Outcome::Wait(retry.delay),
            Decision::Failed(gave_up) => Outcome::Failed(match gave_up.failure {
                call::Failure::Response(e) => e.into(),
                call::Failure::Transport(kind) => {
                    let kind = transport.unwrap_or(kind);
                    Failure::from(sts_blocking::Error::Transport(TransportError::new(
                        kind,
                        format!(
                            "the caller's HTTP stack reported {kind:?} ({})",
                            gave_up.reason
                        ),
                    )))
                }
            }),
        }
    }
}

/// Makes the exchange of `F` for `input`.
///
/// # Safety
/// As the exported functions document.
pub(crate) unsafe fn new<F>(
    client: *const StsClient,
    input: *const F::Input,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus
where
    F: FfiOp + 'static,
    F::Op: Send + 'static,
    <F::Op as Operation>::Output: Send,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let slot = out_slot(out, "out")?;
            let client = required(client, "client")?;
            let op = F::request(required(input, "input")?)?;
            let exchange = OpExchange::<F> {
                exchange: client.client.exchange(op)?,
                anchor: None,
                output: None,
                taken: false,
            };
            *slot = Box::into_raw(Box::new(StsExchange {
                inner: Box::new(exchange),
            }));
            Ok(())
        })
    }
}

/// Hands out the result of a finished exchange of `F`.
///
/// # Safety
/// As the exported functions document.
pub(crate) unsafe fn output<F>(
    exchange: *mut StsExchange,
    out: *mut *mut F::Output,
    err: *mut *mut StsError,
) -> StsStatus
where
    F: FfiOp + 'static,
    F::Op: Send + 'static,
    <F::Op as Operation>::Output: Send,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let slot = out_slot(out, "out")?;
            let exchange = exchange_mut(exchange)?;
            let action = exchange.inner.action();
            let Some(op) = exchange.inner.as_any().downcast_mut::<OpExchange<F>>() else {
                return Err(Failure::invalid(
                    "exchange",
                    format!(
                        "it is a {action} exchange, not {}",
                        <F::Op as Operation>::ACTION
                    ),
                ));
            };
            let Some(output) = op.output.take() else {
                let state = if op.taken {
                    "its output was taken already"
                } else if op.exchange.is_finished() {
                    "it failed, with the error of the step that ended it"
                } else {
                    "it is not done"
                };
                return Err(wrong_state(action, "the output", state));
            };
            op.taken = true;
            *slot = output.hand_out();
            Ok(())
        })
    }
}

/// # Safety
/// `p` is NULL or a live exchange, used by no one else during the call.
unsafe fn exchange_mut<'a>(p: *mut StsExchange) -> Result<&'a mut StsExchange, Failure> {
    // SAFETY: the caller's promise.
    unsafe { p.as_mut() }.ok_or_else(|| Failure::null("exchange"))
}

fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

fn clamp_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The next step of the exchange: a signed request to send, or a wait.
///
/// The request is signed with the credentials of the client's credential
/// source, fetched when the exchange has none or they near expiry: that
/// fetch is the one thing here that may block or do I/O (a role
/// profile's `AssumeRole` through the client's transport, a process, a
/// file). Static credentials are never fetched.
///
/// `now_ms` is the caller's monotonic clock in milliseconds (as
/// `CLOCK_MONOTONIC`), the same clock at every step of one exchange: the
/// call timeout measures with it, and the exchange places each step on
/// the client's own monotonic clock by the time since its first step, so
/// that the adaptive mode's rate limiter, shared by all the client's
/// calls, measures with one clock whatever the origin of yours. The
/// request is signed
/// with the client's wall clock, corrected by what clock-skew answers
/// taught any of the client's calls, blocking calls and exchanges alike.
///
/// Returns `STS_ERR_WRONG_STATE` while a request is out (its answer was
/// not given yet) or after the exchange finished; `STS_ERR_TRANSPORT` when
/// the call timeout leaves no time for another attempt;
/// `STS_ERR_CREDENTIALS` or `STS_ERR_INVALID_ARGUMENT` when the request
/// cannot be signed. The last two finish the exchange.
///
/// Ownership: `exchange` is borrowed for the call; `next` is the caller's,
/// with `next->request` NULL on entry. On `STS_NEXT_SEND`,
/// `next->request` is set to a request the caller owns: free it with
/// `sts_http_request_free`. On failure `*next` is left as it was and
/// `*err` (if `err` is not NULL) gets an error to free with
/// `sts_error_free`; `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `next` and `err` are NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_next(
    exchange: *mut StsExchange,
    now_ms: u64,
    next: *mut StsExchangeNext,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let Some(next) = next.as_mut() else {
                return Err(Failure::null("next"));
            };
            let slot = out_slot(&raw mut next.request, "next->request")?;
            let exchange = exchange_mut(exchange)?;
            match exchange.inner.next(millis(now_ms))? {
                Next::Send(outgoing) => {
                    let timeout_ms = outgoing.timeout.map_or(0, |t| {
                        u32::try_from(t.as_millis()).unwrap_or(u32::MAX).max(1)
                    });
                    let (view, storage) = request_view(outgoing.request);
                    *slot = OwnedRequest::into_raw(view, storage);
                    next.kind = STS_NEXT_SEND;
                    next.attempt = outgoing.attempt;
                    next.timeout_ms = timeout_ms;
                    next.wait_ms = 0;
                }
                Next::Wait(pause) => {
                    next.kind = STS_NEXT_WAIT;
                    next.attempt = exchange.inner.attempt();
                    next.timeout_ms = 0;
                    next.wait_ms = clamp_ms(pause);
                }
            }
            Ok(())
        })
    }
}

/// Fills `decision` from `outcome`; a failure goes back as the error.
fn decide(
    outcome: Outcome,
    attempt: u32,
    decision: &mut StsExchangeDecision,
) -> Result<(), Failure> {
    *decision = StsExchangeDecision {
        kind: STS_DECISION_DONE,
        attempt,
        wait_ms: 0,
        clock_skew_ms: 0,
    };
    match outcome {
        Outcome::Done => {}
        Outcome::SendNow { skew_ms } => {
            decision.kind = STS_DECISION_SEND_NOW;
            decision.clock_skew_ms = skew_ms;
        }
        Outcome::Wait(delay) => {
            decision.kind = STS_DECISION_WAIT;
            decision.wait_ms = clamp_ms(delay);
        }
        Outcome::Failed(failure) => {
            decision.kind = STS_DECISION_FAILED;
            return Err(failure);
        }
    }
    Ok(())
}

/// Gives the exchange the answer to the request it handed out last, and
/// says what to do next in `*decision`: `STS_DECISION_DONE` (read the
/// output with the operation's `sts_exchange_*_output`),
/// `STS_DECISION_SEND_NOW`, `STS_DECISION_WAIT`, or `STS_DECISION_FAILED`,
/// when the function returns the call's error status (`STS_ERR_SERVICE`,
/// `STS_ERR_RESPONSE`) and sets `*err`.
///
/// Give every complete HTTP response, whatever its status: a 503 or a 403
/// is for the exchange to judge. `now_ms` is read as in
/// `sts_exchange_next`.
///
/// Returns `STS_ERR_WRONG_STATE`, leaving the exchange and `*decision` as
/// they were, when no request is out (before the first
/// `sts_exchange_next`, twice for one request, after the exchange
/// finished).
///
/// Ownership: `exchange` and `response` are borrowed for the call;
/// `decision` is the caller's. `*err` must be NULL on entry; an error set
/// in it is the caller's, freed with `sts_error_free`.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `response` is NULL or valid, its arrays valid for their lengths;
/// `decision` and `err` are NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_response(
    exchange: *mut StsExchange,
    now_ms: u64,
    response: *const StsHttpResponse,
    decision: *mut StsExchangeDecision,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let decision = decision.as_mut().ok_or_else(|| Failure::null("decision"))?;
            let exchange = exchange_mut(exchange)?;
            let (status, headers, body) = read_response(response)?;
            let attempt = exchange.inner.attempt();
            let outcome = exchange
                .inner
                .response(millis(now_ms), status, &headers, body)?;
            decide(outcome, attempt, decision)
        })
    }
}

/// Tells the exchange that the request it handed out last got no complete
/// answer: `kind` is one of the `STS_TRANSPORT_*` failures
/// (`STS_TRANSPORT_CONNECT_FAILED`, `_TIMED_OUT`, `_IO_ERROR`,
/// `_BODY_TOO_LARGE`; unknown values count as `_IO_ERROR`). The decision
/// is as for `sts_exchange_response`; `STS_DECISION_FAILED` comes with
/// `STS_ERR_TRANSPORT`.
///
/// Returns `STS_ERR_INVALID_ARGUMENT` for `STS_TRANSPORT_OK` (give the
/// response instead), `STS_ERR_WRONG_STATE` when no request is out; both
/// leave the exchange and `*decision` as they were.
///
/// Ownership: `exchange` is borrowed for the call; `decision` is the
/// caller's. `*err` must be NULL on entry; an error set in it is the
/// caller's, freed with `sts_error_free`.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `decision` and `err` are NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_transport_failure(
    exchange: *mut StsExchange,
    now_ms: u64,
    kind: StsTransportResult,
    decision: *mut StsExchangeDecision,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let decision = decision.as_mut().ok_or_else(|| Failure::null("decision"))?;
            let exchange = exchange_mut(exchange)?;
            let kind = match kind {
                STS_TRANSPORT_OK => {
                    return Err(Failure::invalid(
                        "kind",
                        "STS_TRANSPORT_OK is no failure: give the response to \
                         sts_exchange_response",
                    ));
                }
                STS_TRANSPORT_CONNECT_FAILED => TransportFailure::Connect,
                STS_TRANSPORT_TIMED_OUT => TransportFailure::Timeout,
                STS_TRANSPORT_BODY_TOO_LARGE => TransportFailure::BodyTooLarge,
                _ => TransportFailure::Io,
            };
            let attempt = exchange.inner.attempt();
            let outcome = exchange.inner.transport_failure(millis(now_ms), kind)?;
            decide(outcome, attempt, decision)
        })
    }
}

/// Frees an exchange, finished or not, with the output it may still hold
/// (wiped: it holds credentials). NULL is a no-op.
///
/// Ownership: takes `exchange` back; it is invalid afterwards. Requests
/// and outputs it handed out stay valid: they are the caller's.
///
/// # Safety
/// `exchange` is NULL or an exchange from `sts_exchange_*_new`, not freed
/// yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_free(exchange: *mut StsExchange) {
    if exchange.is_null() {
        return;
    }
    // SAFETY: the caller gives back the pointer an `_new` made with
    // Box::into_raw, once.
    crate::boundary::guard((), || drop(unsafe { Box::from_raw(exchange) }));
}

#[cfg(test)]
mod tests {
    use std::ptr;

    use super::*;
    use crate::client::{
        STS_CREDENTIALS_STATIC, StsClientOptions, sts_client_free, sts_client_new,
    };
    use crate::error::sts_error_free;
    use crate::ops::get_caller_identity::{
        StsGetCallerIdentityOutput, sts_exchange_get_caller_identity_new,
        sts_exchange_get_caller_identity_output, sts_get_caller_identity_output_free,
    };
    use crate::ops::get_session_token::{
        StsGetSessionTokenOutput, sts_exchange_get_session_token_output,
    };

    const OK: &[u8] = b"<GetCallerIdentityResponse><GetCallerIdentityResult>\
        <Arn>arn:aws:iam::123456789012:user/me</Arn></GetCallerIdentityResult>\
        </GetCallerIdentityResponse>";

    fn response(status: u16, body: &'static [u8]) -> StsHttpResponse {
        StsHttpResponse {
            status,
            headers: ptr::null(),
            headers_len: 0,
            body: body.as_ptr(),
            body_len: body.len(),
        }
    }

    /// A C string of the library's, as text.
    fn text(p: *const std::ffi::c_char) -> String {
        assert!(!p.is_null());
        // SAFETY: a NUL-terminated string the library made, still alive.
        unsafe { std::ffi::CStr::from_ptr(p) }
            .to_string_lossy()
            .into_owned()
    }

    fn zero_next() -> StsExchangeNext {
        StsExchangeNext {
            kind: 0,
            attempt: 0,
            request: ptr::null_mut(),
            timeout_ms: 0,
            wait_ms: 0,
        }
    }

    fn zero_decision() -> StsExchangeDecision {
        StsExchangeDecision {
            kind: 0,
            attempt: 0,
            wait_ms: 0,
            clock_skew_ms: 0,
        }
    }

    /// A client with static keys and at most `max_attempts` attempts.
    ///
    /// # Safety
    /// Free the client.
    unsafe fn client(max_attempts: Option<u32>) -> *mut crate::client::StsClient {
        // SAFETY: a zero-filled options struct is the documented default.
        let mut o: StsClientOptions = unsafe { std::mem::zeroed() };
        o.endpoint_url = c"http://127.0.0.1:9".as_ptr();
        o.region = c"us-east-1".as_ptr();
        o.credentials_source = STS_CREDENTIALS_STATIC;
        o.access_key_id = c"AKIDEXCHANGE".as_ptr();
        o.secret_access_key = c"exchange-secret".as_ptr();
        if let Some(n) = max_attempts {
            o.max_attempts = crate::types::StsOptionalU32::from_option(Some(n));
        }
        let mut client = ptr::null_mut();
        // SAFETY: valid options and slots.
        let status = unsafe { sts_client_new(&o, &mut client, ptr::null_mut()) };
        assert_eq!(status, STS_OK);
        client
    }

    /// A GetCallerIdentity exchange of `client`.
    ///
    /// # Safety
    /// `client` is live; free the exchange.
    unsafe fn caller_identity_exchange(
        client: *const crate::client::StsClient,
    ) -> *mut StsExchange {
        let mut ex = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: a live client and valid slots.
        let status = unsafe { sts_exchange_get_caller_identity_new(client, &mut ex, &mut err) };
        assert_eq!(status, STS_OK);
        ex
    }

    /// A GetCallerIdentity exchange of `client` whose first request was
    /// handed out (and freed): it waits for the answer.
    ///
    /// # Safety
    /// `client` is live; free the exchange.
    unsafe fn sent_exchange(client: *const crate::client::StsClient) -> *mut StsExchange {
        // SAFETY: the caller's promise; valid slots.
        unsafe {
            let ex = caller_identity_exchange(client);
            let mut err = ptr::null_mut();
            let mut next = zero_next();
            assert_eq!(sts_exchange_next(ex, 0, &mut next, &mut err), STS_OK);
            assert_eq!(next.kind, STS_NEXT_SEND);
            crate::http::sts_http_request_free(next.request);
            ex
        }
    }

    /// A C handle on an adaptive-mode Rust client with static keys, built
    /// further by `more`.
    fn adaptive_client(
        more: impl FnOnce(sts_blocking::ClientBuilder) -> sts_blocking::ClientBuilder,
    ) -> (sts_blocking::Client, *mut crate::client::StsClient) {
        let builder = sts_blocking::Client::builder()
            .endpoint_url("http://127.0.0.1:9")
            .region("us-east-1")
            .credentials(sts_proto::Credentials::new(
                "AKIDEXCHANGE",
                "exchange-secret",
                None,
            ))
            .retry_mode(sts_blocking::settings::RetryMode::Adaptive);
        let rust = more(builder).build().unwrap();
        let handle = Box::into_raw(Box::new(crate::client::StsClient {
            client: rust.clone(),
        }));
        (rust, handle)
    }

    type NewFn<I> = unsafe extern "C" fn(
        *const crate::client::StsClient,
        *const I,
        *mut *mut StsExchange,
        *mut *mut StsError,
    ) -> StsStatus;
    type OutputFn<O> =
        unsafe extern "C" fn(*mut StsExchange, *mut *mut O, *mut *mut StsError) -> StsStatus;

    #[test]
    fn every_operation_has_its_constructor_and_output_getter() {
        // SAFETY: every pointer below is valid or NULL as the functions ask.
        unsafe {
            let client = client(None);
            fn null_input<I>(client: *const crate::client::StsClient, new: NewFn<I>) {
                let mut ex = ptr::null_mut();
                let mut err = ptr::null_mut();
                // SAFETY: a live client and valid slots; NULL input.
                let status = unsafe { new(client, ptr::null(), &mut ex, &mut err) };
                assert_eq!(status, STS_ERR_NULL_ARGUMENT);
                assert!(ex.is_null());
                // SAFETY: the error was just made.
                unsafe { sts_error_free(err) };
            }
            fn other_output<O>(ex: *mut StsExchange, output: OutputFn<O>) {
                let mut out = ptr::null_mut();
                let mut err = ptr::null_mut();
                // SAFETY: a live exchange and valid slots.
                let status = unsafe { output(ex, &mut out, &mut err) };
                assert_eq!(status, STS_ERR_INVALID_ARGUMENT);
                assert!(out.is_null());
                // SAFETY: the error was just made.
                unsafe { sts_error_free(err) };
            }
            null_input(client, crate::sts_exchange_assume_role_new);
            null_input(client, crate::sts_exchange_assume_role_with_saml_new);
            null_input(
                client,
                crate::sts_exchange_assume_role_with_web_identity_new,
            );
            null_input(client, crate::sts_exchange_assume_root_new);
            null_input(client, crate::sts_exchange_decode_authorization_message_new);
            null_input(client, crate::sts_exchange_get_access_key_info_new);
            null_input(client, crate::sts_exchange_get_delegated_access_token_new);
            null_input(client, crate::sts_exchange_get_federation_token_new);
            null_input(client, crate::sts_exchange_get_session_token_new);
            null_input(client, crate::sts_exchange_get_web_identity_token_new);
            let ex = caller_identity_exchange(client);
            other_output(ex, crate::sts_exchange_assume_role_output);
            other_output(ex, crate::sts_exchange_assume_role_with_saml_output);
            other_output(ex, crate::sts_exchange_assume_role_with_web_identity_output);
            other_output(ex, crate::sts_exchange_assume_root_output);
            other_output(ex, crate::sts_exchange_decode_authorization_message_output);
            other_output(ex, crate::sts_exchange_get_access_key_info_output);
            other_output(ex, crate::sts_exchange_get_delegated_access_token_output);
            other_output(ex, crate::sts_exchange_get_federation_token_output);
            other_output(ex, crate::sts_exchange_get_session_token_output);
            other_output(ex, crate::sts_exchange_get_web_identity_token_output);
            sts_exchange_free(ex);
            sts_client_free(client);
        }
    }

    #[test]
    fn adaptive_mode_paces_an_attempt_after_a_throttle_as_a_wait() {
        // SAFETY: every pointer below is valid or NULL as the functions ask.
        unsafe {
            let (rust, client) = adaptive_client(|b| b);
            // A throttle the client's blocking calls saw: the limiter is
            // the one every call of the client uses.
            let limiter = rust.shared_options().rate_limiter.unwrap();
            limiter.update(rust.elapsed(), true);
            let ex = caller_identity_exchange(client);
            let mut err = ptr::null_mut();
            let mut next = zero_next();
            assert_eq!(sts_exchange_next(ex, 0, &mut next, &mut err), STS_OK);
            assert_eq!(next.kind, STS_NEXT_WAIT);
            assert!(next.request.is_null() && next.wait_ms > 0, "{next:?}");
            // After the wait the bucket has refilled up to the reserved
            // token: the request comes (a millisecond more, for the wait
            // cut to whole milliseconds).
            let later = next.wait_ms + 1;
            let mut next = zero_next();
            assert_eq!(sts_exchange_next(ex, later, &mut next, &mut err), STS_OK);
            assert_eq!((next.kind, next.attempt), (STS_NEXT_SEND, 1));
            crate::http::sts_http_request_free(next.request);
            sts_exchange_free(ex);
            sts_client_free(client);
        }
    }

    /// Answers every request with a throttling error.
    #[derive(Debug)]
    struct Throttling;

    impl sts_blocking::transport::Transport for Throttling {
        fn send(
            &self,
            _request: http::Request<Vec<u8>>,
            _timeout: Option<Duration>,
        ) -> Result<http::Response<Vec<u8>>, TransportError> {
            let body = b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>";
            let mut response = http::Response::new(body.to_vec());
            *response.status_mut() = http::StatusCode::BAD_REQUEST;
            Ok(response)
        }
    }

    #[test]
    fn a_throttle_of_a_blocking_call_paces_an_exchange_whatever_the_caller_s_clock_reads() {
        // SAFETY: every pointer below is valid or NULL as the functions ask.
        unsafe {
            let (rust, client) = adaptive_client(|b| b.max_attempts(1).transport(Throttling));
            let limiter = rust.shared_options().rate_limiter.unwrap();
            assert_eq!(rust.get_caller_identity().unwrap_err().status(), Some(400));
            assert!(limiter.is_enabled(), "the blocking call was throttled");
            let ex = caller_identity_exchange(client);
            let mut err = ptr::null_mut();
            // A caller's clock with an origin of its own, hours past the
            // client's: the exchange measures from its first step, so the
            // limiter sees no time passing and the bucket is still empty.
            let mut next = zero_next();
            assert_eq!(
                sts_exchange_next(ex, 10_000_000, &mut next, &mut err),
                STS_OK
            );
            assert_eq!(next.kind, STS_NEXT_WAIT, "{next:?}");
            assert!(next.wait_ms > 1000, "{next:?}");
            sts_exchange_free(ex);
            sts_client_free(client);
        }
    }

    #[test]
    fn the_last_attempt_failing_fails_the_call_with_its_error() {
        // SAFETY: every pointer below is valid or NULL as the functions ask.
        unsafe {
            let client = client(Some(1));
            for transport in [false, true] {
                let ex = sent_exchange(client);
                let mut err = ptr::null_mut();
                let mut decision = zero_decision();
                let status = if transport {
                    sts_exchange_transport_failure(
                        ex,
                        1,
                        STS_TRANSPORT_CONNECT_FAILED,
                        &mut decision,
                        &mut err,
                    )
                } else {
                    sts_exchange_response(ex, 1, &response(503, b""), &mut decision, &mut err)
                };
                let want = if transport {
                    STS_ERR_TRANSPORT
                } else {
                    STS_ERR_RESPONSE
                };
                assert_eq!((status, decision.kind), (want, STS_DECISION_FAILED));
                assert_eq!(crate::error::sts_error_is_retryable(err), 1);
                if !transport {
                    assert_eq!(crate::error::sts_error_http_status(err), 503);
                }
                sts_error_free(err);
                sts_exchange_free(ex);
            }
            sts_client_free(client);
        }
    }

    /// A clock-skew answer the client could not correct by (here: no
    /// `Date`) ends the exchange at once, and its error tells the caller
    /// not to retry: the same request would meet the same answer.
    #[test]
    fn a_clock_skew_answer_without_a_date_fails_as_not_retryable() {
        const SKEWED: &[u8] = b"<ErrorResponse><Error><Type>Sender</Type>\
            <Code>RequestTimeTooSkewed</Code></Error></ErrorResponse>";
        // SAFETY: every pointer below is valid or NULL as the functions ask.
        unsafe {
            let client = client(Some(3));
            let ex = sent_exchange(client);
            let mut err = ptr::null_mut();
            let mut decision = zero_decision();
            let status =
                sts_exchange_response(ex, 1, &response(403, SKEWED), &mut decision, &mut err);
            assert_eq!(
                (status, decision.kind),
                (STS_ERR_SERVICE, STS_DECISION_FAILED)
            );
            assert_eq!(crate::error::sts_error_is_retryable(err), 0);
            sts_error_free(err);
            sts_exchange_free(ex);
            sts_client_free(client);
        }
    }

    /// An answer whose result no C string can carry (a NUL in the ARN)
    /// fails the exchange when it is given, as `sts_parse_*` fails: not a
    /// `DONE` whose output the getter then refuses and loses.
    #[test]
    fn a_result_c_cannot_hold_fails_the_exchange_at_the_answer() {
        const RAW_NUL: &[u8] = b"<GetCallerIdentityResponse><GetCallerIdentityResult>\
            <Arn>arn:aws:iam::123456789012:user/m\0e</Arn></GetCallerIdentityResult>\
            <ResponseMetadata><RequestId>rid-nul</RequestId></ResponseMetadata>\
            </GetCallerIdentityResponse>";
        // SAFETY: every pointer below is valid or NULL as the functions ask.
        unsafe {
            let client = client(None);
            let ex = sent_exchange(client);
            let mut err = ptr::null_mut();
            let mut decision = zero_decision();
            let status =
                sts_exchange_response(ex, 1, &response(200, RAW_NUL), &mut decision, &mut err);
            assert_eq!(
                (status, decision.kind),
                (STS_ERR_RESPONSE, STS_DECISION_FAILED)
            );
            // An answer came: its status, not the 0 of no answer. The XML
            // reader refuses the NUL (a character XML does not allow), so
            // no request id could be read from the body.
            assert_eq!(crate::error::sts_error_http_status(err), 200);
            assert!(crate::error::sts_error_request_id(err).is_null());
            sts_error_free(err);
            err = ptr::null_mut();
            let mut me: *mut StsGetCallerIdentityOutput = ptr::null_mut();
            let status = sts_exchange_get_caller_identity_output(ex, &mut me, &mut err);
            assert_eq!(status, STS_ERR_WRONG_STATE);
            assert!(me.is_null());
            // Not "not done": it is over.
            let message = text(crate::error::sts_error_message(err));
            assert!(message.contains("it failed"), "{message}");
            sts_error_free(err);
            sts_exchange_free(ex);

            // A good answer whose output is never taken is freed with the
            // exchange (valgrind and the C tests look for leaks).
            let ex = sent_exchange(client);
            let mut err = ptr::null_mut();
            let status = sts_exchange_response(ex, 1, &response(200, OK), &mut decision, &mut err);
            assert_eq!((status, decision.kind), (STS_OK, STS_DECISION_DONE));
            sts_exchange_free(ex);
            sts_client_free(client);
        }
    }

    /// An unreadable success answer, parsed by the caller, has its status
    /// in the error: it came, which 0 would deny.
    #[test]
    fn an_unreadable_answer_keeps_its_status() {
        // SAFETY: valid slots and a response that lives for the call.
        unsafe {
            for body in [&b"<GetCallerIdentityResponse>"[..], b"", b"<html/>"] {
                let mut out: *mut StsGetCallerIdentityOutput = ptr::null_mut();
                let mut err = ptr::null_mut();
                let status = crate::ops::get_caller_identity::sts_parse_get_caller_identity(
                    &response(200, body),
                    &mut out,
                    &mut err,
                );
                assert_eq!(status, STS_ERR_RESPONSE);
                assert_eq!(crate::error::sts_error_http_status(err), 200);
                sts_error_free(err);
            }
        }
    }

    #[test]
    fn a_retried_call_in_steps_and_every_wrong_step_an_error() {
        // SAFETY: every pointer below is valid or NULL as the functions ask.
        unsafe {
            let client = client(None);
            let mut err = ptr::null_mut();
            let ex = caller_identity_exchange(client);
            // The exchange keeps what it needs of the client.
            sts_client_free(client);

            let mut decision = zero_decision();
            let ok = response(200, OK);
            let status = sts_exchange_response(ex, 0, &ok, &mut decision, &mut err);
            assert_eq!(status, STS_ERR_WRONG_STATE);
            assert_eq!(decision.kind, 0, "left as it was");
            sts_error_free(err);
            err = ptr::null_mut();

            let mut next = zero_next();
            assert_eq!(sts_exchange_next(ex, 0, &mut next, &mut err), STS_OK);
            assert_eq!((next.kind, next.attempt), (STS_NEXT_SEND, 1));
            assert!(!next.request.is_null());
            crate::http::sts_http_request_free(next.request);

            let unavailable = response(503, b"");
            let status = sts_exchange_response(ex, 5, &unavailable, &mut decision, &mut err);
            assert_eq!((status, decision.kind), (STS_OK, STS_DECISION_WAIT));
            assert!(decision.wait_ms <= 1000, "{}", decision.wait_ms);

            let mut next = zero_next();
            assert_eq!(sts_exchange_next(ex, 1000, &mut next, &mut err), STS_OK);
            assert_eq!(next.attempt, 2);
            crate::http::sts_http_request_free(next.request);
            let status = sts_exchange_response(ex, 1005, &ok, &mut decision, &mut err);
            assert_eq!((status, decision.kind), (STS_OK, STS_DECISION_DONE));

            let mut other: *mut StsGetSessionTokenOutput = ptr::null_mut();
            let status = sts_exchange_get_session_token_output(ex, &mut other, &mut err);
            assert_eq!(status, STS_ERR_INVALID_ARGUMENT);
            sts_error_free(err);
            err = ptr::null_mut();

            let mut me: *mut StsGetCallerIdentityOutput = ptr::null_mut();
            assert_eq!(
                sts_exchange_get_caller_identity_output(ex, &mut me, &mut err),
                STS_OK
            );
            sts_get_caller_identity_output_free(me);
            let mut again: *mut StsGetCallerIdentityOutput = ptr::null_mut();
            let status = sts_exchange_get_caller_identity_output(ex, &mut again, &mut err);
            assert_eq!(status, STS_ERR_WRONG_STATE);
            sts_error_free(err);
            err = ptr::null_mut();

            let mut next = zero_next();
            assert_eq!(
                sts_exchange_next(ex, 2000, &mut next, &mut err),
                STS_ERR_WRONG_STATE
            );
            assert!(next.request.is_null());
            sts_error_free(err);
            sts_exchange_free(ex);
            sts_exchange_free(ptr::null_mut());
        }
    }
}
