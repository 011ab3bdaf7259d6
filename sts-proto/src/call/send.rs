//! Ready and Paced: what may happen before an attempt — the deadline, the
//! rate limiter's pacing, then signing.

use std::time::Duration;

use crate::operation::{self, Operation, RequestContext};

use super::{Call, CallError, Core, Next, Outgoing, Signing, State};

impl<Op: Operation> Call<'_, Op> {
    /// The next attempt's signed request, or how long the rate limiter
    /// holds it back.
    ///
    /// `now` is the driver's monotonic time; the first request starts the
    /// call timeout. After [`Next::Wait`] the driver sleeps and asks again:
    /// the token is reserved, and the answer is a request once the bucket
    /// has refilled up to it, else a [`Next::Wait`] for the rest, at the
    /// rate of then. The rate grows as other calls succeed, so a driver
    /// may sleep less than it was told and ask again sooner.
    ///
    /// # Errors
    ///
    /// [`CallError::DeadlineReached`] when no time is left for an attempt,
    /// [`CallError::Build`] when the request cannot be signed (both finish
    /// the call), [`CallError::WrongState`] while a request is out or after
    /// the call finished.
    pub fn next_request(
        &mut self,
        now: Duration,
        signing: &Signing<'_>,
    ) -> Result<Next, CallError> {
        let op = self.op;
        self.core
            .next_request(now, signing, &|| operation::form_bytes(op))
    }
}

/// The rate limiter's token a call holds when it ends unsent.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token {
    /// None (no limiter, or it was not asked yet).
    None,
    /// Taken from the bucket: it goes back as a token.
    Taken,
    /// Reserved ahead, with this ticket: cancelled (see
    /// `RateLimiter::cancel`).
    Reserved(f64),
}

impl Core<'_> {
    /// [`Call::next_request`], with the operation's form written by `body`
    /// when a request is signed.
    pub(super) fn next_request(
        &mut self,
        now: Duration,
        signing: &Signing<'_>,
        body: &dyn Fn() -> Vec<u8>,
    ) -> Result<Next, CallError> {
        let (fresh, ticket) = match self.progress.state {
            State::Ready { fresh } => (fresh, None),
            State::Paced {
                fresh,
                ticket,
                until,
            } => (fresh, Some((ticket, until))),
            State::Sent { .. } | State::Finished => return Err(self.wrong_state("a request")),
        };
        let started = *self.progress.started.get_or_insert(now);
        let elapsed = now.saturating_sub(started);
        let timeout = match self.attempt_budget(elapsed) {
            Ok(timeout) => timeout,
            Err(e) => {
                // A paced call holds the token it waited for.
                self.end_unsent(
                    fresh,
                    ticket.map_or(Token::None, |(t, _)| Token::Reserved(t)),
                );
                return Err(e);
            }
        };
        if let Some(limiter) = self.rate_limiter() {
            let (wait, ticket) = match ticket {
                None => {
                    let (wait, ticket) = limiter.reserve(now);
                    (wait, ticket.map(|t| (t, now.saturating_add(wait))))
                }
                // Never longer than first told: a caller whose clock runs
                // ahead of the others' stops the refill for them until
                // theirs catches up (found by a review).
                Some((ticket, until)) => (
                    limiter.wait_for(now, ticket).min(until.saturating_sub(now)),
                    Some((ticket, until)),
                ),
            };
            if let Some((ticket, until)) = ticket
                && !wait.is_zero()
            {
                if let Some(limit) = self.options.call_timeout
                    && elapsed.saturating_add(wait) >= limit
                {
                    self.end_unsent(fresh, Token::Reserved(ticket));
                    return Err(CallError::DeadlineReached { limit });
                }
                self.progress.state = State::Paced {
                    fresh,
                    ticket,
                    until,
                };
                return Ok(Next::Wait(wait));
            }
        }
        let clock_offset = self
            .progress
            .resign_offset
            .take()
            .unwrap_or(signing.clock_offset);
        let signed_at = crate::retry::apply_offset(signing.wall, clock_offset);
        let mut ctx = RequestContext::new(self.options.endpoint, signed_at);
        ctx.user_agent = self.options.user_agent;
        ctx.target = self.options.target;
        ctx.credentials = signing.credentials;
        ctx.signing_key = signing.signing_key;
        let request = match operation::build_body(self.action, self.signed, body(), &ctx) {
            Ok(request) => request,
            Err(e) => {
                // The token taken (now or before the pause) goes back.
                self.end_unsent(fresh, Token::Taken);
                return Err(e.into());
            }
        };
        if fresh {
            self.progress.attempt = self.progress.attempt.saturating_add(1);
        }
        self.progress.state = State::Sent {
            signed_at,
            clock_offset,
        };
        Ok(Next::Send(Outgoing {
            request,
            timeout,
            attempt: self.progress.attempt,
        }))
    }

    /// Ends the call before its next request is sent (a deadline, a
    /// request that cannot be built, a call dropped unfinished), giving
    /// back what was paid for that request: the rate limiter's token when
    /// `token_held`, and the cost of a retry paid for when the failure
    /// before it was answered with a wait (`fresh`, after an attempt). As
    /// a retry the call decides against, it costs the shared state nothing.
    pub(super) fn end_unsent(&mut self, fresh: bool, token: Token) {
        if let Some(limiter) = self.rate_limiter() {
            match token {
                Token::None => {}
                Token::Taken => limiter.refund(),
                Token::Reserved(ticket) => limiter.cancel(ticket),
            }
        }
        if fresh
            && self.progress.attempt > 0
            && let Some(paid) = self.progress.retry_cost.take()
        {
            self.options.quota.release(Some(paid));
        }
        self.progress.state = State::Finished;
    }

    /// The time left for one attempt: the attempt timeout, cut to what
    /// remains of the call timeout; none left finishes the call.
    fn attempt_budget(&mut self, elapsed: Duration) -> Result<Option<Duration>, CallError> {
        let Some(limit) = self.options.call_timeout else {
            return Ok(self.options.attempt_timeout);
        };
        let left = limit.checked_sub(elapsed).unwrap_or_default();
        if left.is_zero() {
            self.progress.state = State::Finished;
            return Err(CallError::DeadlineReached { limit });
        }
        Ok(Some(
            self.options.attempt_timeout.map_or(left, |t| t.min(left)),
        ))
    }
}
