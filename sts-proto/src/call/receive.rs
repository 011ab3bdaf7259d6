//! Sent: what may happen after an attempt — a result, a clock-skew answer
//! to re-sign after, a retry, or the end.

use std::convert::Infallible;
use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::error::ResponseError;
use crate::operation::{self, Operation};
use crate::retry::{self, ClockOffsetMillis, RetryKind, TransportFailure};

use super::{Call, CallError, Core, Decision, Failure, GaveUp, GiveUp, Resign, Retry, State};

/// A decision other than success, which the core makes for every
/// operation alike.
type Setback = Decision<Infallible>;

/// When and with which clock offset the request out was signed.
type Sent = (SystemTime, ClockOffsetMillis);

/// A setback as the decision of a call whose success is `T`.
fn widen<T>(setback: Setback) -> Decision<T> {
    setback.map(|never| match never {})
}

/// `rand` as the core takes it; it is called once at most.
fn once(rand: impl FnOnce() -> f64) -> impl FnMut() -> f64 {
    let mut rand = Some(rand);
    move || rand.take().map_or(0.0, |rand| rand())
}

impl<Op: Operation> Call<'_, Op> {
    /// Takes the answer to the request handed out last.
    ///
    /// `now` is the driver's monotonic time when the answer was read;
    /// `rand` gives a uniform number in `[0, 1)` for the back-off jitter,
    /// and is called only when a retry is decided.
    ///
    /// # Errors
    ///
    /// [`CallError::WrongState`] when no request is out (before the first
    /// request, after the call finished); the call is left as it was.
    pub fn response(
        &mut self,
        now: Duration,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        rand: impl FnOnce() -> f64,
    ) -> Result<Decision<Op::Output>, CallError> {
        let sent = self.core.expect_sent("a response")?;
        Ok(match operation::parse::<Op>(status, headers, body) {
            Ok(output) => {
                self.core.succeeded(now);
                Decision::Done(output)
            }
            Err(error) => {
                widen(
                    self.core
                        .failed(now, sent, status, headers, error, &mut once(rand)),
                )
            }
        })
    }

    /// Takes a failure to get any answer to the request handed out last.
    ///
    /// # Errors
    ///
    /// [`CallError::WrongState`] when no request is out.
    pub fn transport_failure(
        &mut self,
        now: Duration,
        failure: TransportFailure,
        rand: impl FnOnce() -> f64,
    ) -> Result<Decision<Op::Output>, CallError> {
        self.core
            .transport_failure(now, failure, &mut once(rand))
            .map(widen)
    }
}

impl Core<'_> {
    /// The time and offset the request out was signed with; an error
    /// naming `step` when none is out.
    pub(super) fn expect_sent(&self, step: &'static str) -> Result<Sent, CallError> {
        match self.progress.state {
            State::Sent {
                signed_at,
                clock_offset,
            } => Ok((signed_at, clock_offset)),
            _ => Err(self.wrong_state(step)),
        }
    }

    /// The request handed out last succeeded.
    pub(super) fn succeeded(&mut self, now: Duration) {
        self.feed_rate_limiter(now, false);
        self.options.quota.release(self.progress.retry_cost);
        self.progress.state = State::Finished;
    }

    /// The request handed out last, `sent` as [`Core::expect_sent`] told,
    /// was answered with `error`.
    pub(super) fn failed(
        &mut self,
        now: Duration,
        (signed_at, clock_offset): Sent,
        status: u16,
        headers: &HeaderMap,
        error: ResponseError,
        rand: &mut dyn FnMut() -> f64,
    ) -> Setback {
        self.feed_rate_limiter(
            now,
            retry::classify_response(&error) == RetryKind::Throttling,
        );
        if !self.progress.corrected_skew
            && let Some(measured) = retry::clock_skew(&error, headers, signed_at)
        {
            let bound = self.options.retry.max_clock_skew;
            return match retry::corrected_offset(clock_offset, measured, bound) {
                Some(total) if !bound.is_zero() => {
                    self.progress.corrected_skew = true;
                    self.progress.resign_offset = Some(total);
                    self.progress.state = State::Ready { fresh: false };
                    Decision::SendNow(Resign {
                        status,
                        measured,
                        clock_offset: total,
                    })
                }
                _ => self.give_up(
                    GiveUp::SkewRefused { measured, bound },
                    Failure::Response(error),
                ),
            };
        }
        let retry_after = retry::retry_after(headers);
        self.after_failure(now, Failure::Response(error), retry_after, rand)
    }

    /// [`Call::transport_failure`].
    pub(super) fn transport_failure(
        &mut self,
        now: Duration,
        failure: TransportFailure,
        rand: &mut dyn FnMut() -> f64,
    ) -> Result<Setback, CallError> {
        self.expect_sent("a transport failure")?;
        self.feed_rate_limiter(now, false);
        Ok(self.after_failure(now, Failure::Transport(failure), None, rand))
    }

    /// Retry or give up, in the order the SDKs check: retryable at all,
    /// attempts left, quota, then whether the wait fits the deadline.
    fn after_failure(
        &mut self,
        now: Duration,
        failure: Failure,
        retry_after: Option<Duration>,
        rand: &mut dyn FnMut() -> f64,
    ) -> Setback {
        let kind = failure.retry_kind();
        let progress = self.progress;
        // A clock-skew answer gets here only when no correction came of it
        // in this step: it had no usable `Date`, or a correction was made
        // already and did not help. The next attempt would be signed with
        // the same clock and meet the same answer, so it is not made, and
        // costs no quota and no wait. (botocore and aws-sdk-rust retry
        // these codes not at all: the one re-signed attempt after a
        // believed skew is this client's own.)
        if kind == RetryKind::NotRetryable || kind == RetryKind::ClockSkew {
            return self.give_up(GiveUp::NotRetryable, failure);
        }
        let retry = self.options.retry;
        if progress.attempt >= retry.max_attempts {
            return self.give_up(GiveUp::NoAttemptsLeft, failure);
        }
        let mut cost = None;
        if retry.use_quota {
            match self.options.quota.acquire(kind) {
                Some(paid) => cost = Some(paid),
                None => return self.give_up(GiveUp::QuotaExhausted, failure),
            }
        }
        let delay = retry.backoff(progress.attempt, rand(), retry_after);
        if let Some(limit) = self.options.call_timeout
            && self.elapsed(now).saturating_add(delay) >= limit
        {
            // No retry after all: its cost goes back to the shared quota,
            // which would otherwise drain on calls that never retried.
            if let Some(paid) = cost {
                self.options.quota.release(Some(paid));
            }
            return self.give_up(GiveUp::CallTimeout, failure);
        }
        if cost.is_some() {
            self.progress.retry_cost = cost;
        }
        self.progress.state = State::Ready { fresh: true };
        Decision::Wait(Retry { delay, failure })
    }

    fn give_up(&mut self, reason: GiveUp, failure: Failure) -> Setback {
        self.progress.state = State::Finished;
        Decision::Failed(GaveUp { reason, failure })
    }

    fn feed_rate_limiter(&self, now: Duration, throttled: bool) {
        if let Some(limiter) = self.rate_limiter() {
            limiter.update(now, throttled);
        }
    }
}
