//! Sent: what may happen after an attempt — a result, a clock-skew answer
//! to re-sign after, a retry, or the end.

use std::time::Duration;

use http::HeaderMap;

use crate::operation::{self, Operation};
use crate::retry::{self, RetryKind, TransportFailure};

use super::{Call, CallError, Decision, Failure, GaveUp, GiveUp, Resign, Retry, State};

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
        let State::Sent {
            signed_at,
            clock_offset,
        } = self.state
        else {
            return Err(self.wrong_state("a response"));
        };
        let error = match operation::parse::<Op>(status, headers, body) {
            Ok(output) => {
                self.feed_rate_limiter(now, false);
                self.options.quota.release(self.retry_cost);
                self.state = State::Finished;
                return Ok(Decision::Done(output));
            }
            Err(error) => error,
        };
        self.feed_rate_limiter(
            now,
            retry::classify_response(&error) == RetryKind::Throttling,
        );
        if !self.corrected_skew
            && let Some(measured) = retry::clock_skew(&error, headers, signed_at)
        {
            let bound = self.options.retry.max_clock_skew;
            return Ok(
                match retry::corrected_offset(clock_offset, measured, bound) {
                    Some(total) if !bound.is_zero() => {
                        self.corrected_skew = true;
                        self.state = State::Ready { fresh: false };
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
                },
            );
        }
        let retry_after = retry::retry_after(headers);
        Ok(self.after_failure(now, Failure::Response(error), retry_after, rand))
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
        if !matches!(self.state, State::Sent { .. }) {
            return Err(self.wrong_state("a transport failure"));
        }
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
        rand: impl FnOnce() -> f64,
    ) -> Decision<Op::Output> {
        let kind = failure.retry_kind();
        // A second clock-skew answer after a correction means the
        // correction did not help; more attempts would not either.
        if kind == RetryKind::NotRetryable || kind == RetryKind::ClockSkew && self.corrected_skew {
            return self.give_up(GiveUp::NotRetryable, failure);
        }
        let retry = self.options.retry;
        if self.attempt >= retry.max_attempts {
            return self.give_up(GiveUp::NoAttemptsLeft, failure);
        }
        if retry.use_quota {
            match self.options.quota.acquire(kind) {
                Some(cost) => self.retry_cost = Some(cost),
                None => return self.give_up(GiveUp::QuotaExhausted, failure),
            }
        }
        let delay = retry.backoff(self.attempt, rand(), retry_after);
        if let Some(limit) = self.options.call_timeout
            && self.elapsed(now).saturating_add(delay) >= limit
        {
            return self.give_up(GiveUp::CallTimeout, failure);
        }
        self.state = State::Ready { fresh: true };
        Decision::Wait(Retry { delay, failure })
    }

    fn give_up(&mut self, reason: GiveUp, failure: Failure) -> Decision<Op::Output> {
        self.state = State::Finished;
        Decision::Failed(GaveUp { reason, failure })
    }

    fn feed_rate_limiter(&self, now: Duration, throttled: bool) {
        if let Some(limiter) = self.rate_limiter() {
            limiter.update(now, throttled);
        }
    }
}
