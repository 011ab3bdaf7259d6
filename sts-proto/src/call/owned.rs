//! A call that owns its operation and holds the client's shared pieces by
//! `Arc`: for a driver that keeps a call between steps it does not control,
//! such as the C library, whose caller holds the call across any number of
//! function calls and cannot keep Rust borrows alive in between.
//!
//! Each step lends the owned parts to a [`Call`] for the length of the step
//! and keeps its progress afterwards, so both kinds of call run the same
//! code and decide the same way.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

use crate::endpoint::ResolvedEndpoint;
use crate::operation::Operation;
use crate::retry::{RetryConfig, RetryQuota, TransportFailure};

use super::{
    Call, CallError, CallOptions, Core, Decision, Next, Progress, RateLimiter, Signing, State,
};

/// [`CallOptions`] that own what they refer to; cheap to clone, so a
/// client keeps one and gives each call a copy.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SharedOptions {
    /// The resolved endpoint.
    pub endpoint: Arc<ResolvedEndpoint>,
    /// The `User-Agent` header to send, if any.
    pub user_agent: Option<Arc<str>>,
    /// The retry policy.
    pub retry: Arc<RetryConfig>,
    /// The retry quota, shared with the client's other calls.
    pub quota: Arc<RetryQuota>,
    /// The rate limiter, shared with the client's other calls; see
    /// [`CallOptions::rate_limiter`].
    pub rate_limiter: Option<Arc<RateLimiter>>,
    /// See [`CallOptions::attempt_timeout`].
    pub attempt_timeout: Option<Duration>,
    /// See [`CallOptions::call_timeout`].
    pub call_timeout: Option<Duration>,
    /// See [`CallOptions::validation`].
    pub validation: bool,
}

impl SharedOptions {
    /// Options for `endpoint`, as [`CallOptions::new`] makes them.
    pub fn new(
        endpoint: Arc<ResolvedEndpoint>,
        retry: Arc<RetryConfig>,
        quota: Arc<RetryQuota>,
    ) -> Self {
        Self {
            endpoint,
            user_agent: None,
            retry,
            quota,
            rate_limiter: None,
            attempt_timeout: None,
            call_timeout: None,
            validation: true,
        }
    }

    /// The same options, borrowed.
    pub fn options(&self) -> CallOptions<'_> {
        CallOptions {
            endpoint: &self.endpoint,
            user_agent: self.user_agent.as_deref(),
            target: None,
            retry: &self.retry,
            quota: &self.quota,
            rate_limiter: self.rate_limiter.as_deref(),
            attempt_timeout: self.attempt_timeout,
            call_timeout: self.call_timeout,
            validation: self.validation,
        }
    }
}

/// A [`Call`] that owns its operation and options: the same states, steps
/// and errors (see the [module](super)), with no lifetime.
#[derive(Debug)]
pub struct OwnedCall<Op: Operation> {
    op: Op,
    options: SharedOptions,
    progress: Progress,
}

/// As a [`Call`] does: an unfinished call gives back a paced token and an
/// unsent retry's cost when it is dropped (a C caller freeing an exchange
/// that was told to wait, a driver that gave up).
impl<Op: Operation> Drop for OwnedCall<Op> {
    fn drop(&mut self) {
        // The same call at this progress, ended at once.
        drop(Call {
            op: &self.op,
            core: Core::resume::<Op>(self.options.options(), self.progress),
        });
    }
}

impl<Op: Operation> OwnedCall<Op> {
    /// A call of `op`, validated as [`Call::new`] validates.
    pub fn new(op: Op, options: SharedOptions) -> Result<Self, CallError> {
        let progress = Call::new(&op, options.options())?.core.progress;
        Ok(Self {
            op,
            options,
            progress,
        })
    }

    /// The operation.
    pub fn operation(&self) -> &Op {
        &self.op
    }

    /// See [`Call::attempt`].
    pub fn attempt(&self) -> u32 {
        self.progress.attempt
    }

    /// See [`Call::is_finished`].
    pub fn is_finished(&self) -> bool {
        matches!(self.progress.state, State::Finished)
    }

    /// Runs one step on the borrowed call and keeps where it got to.
    fn step<R>(&mut self, f: impl FnOnce(&mut Call<'_, Op>) -> R) -> R {
        let mut call = Call {
            op: &self.op,
            core: Core::resume::<Op>(self.options.options(), self.progress),
        };
        let result = f(&mut call);
        self.progress = call.core.progress;
        // The borrowed call ends here, the call goes on: nothing to give
        // back (see the `Drop` of `OwnedCall`).
        call.core.progress.state = State::Finished;
        result
    }

    /// See [`Call::next_request`].
    ///
    /// # Errors
    ///
    /// As [`Call::next_request`].
    pub fn next_request(
        &mut self,
        now: Duration,
        signing: &Signing<'_>,
    ) -> Result<Next, CallError> {
        self.step(|call| call.next_request(now, signing))
    }

    /// See [`Call::response`].
    ///
    /// # Errors
    ///
    /// As [`Call::response`].
    pub fn response(
        &mut self,
        now: Duration,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        rand: impl FnOnce() -> f64,
    ) -> Result<Decision<Op::Output>, CallError> {
        self.step(|call| call.response(now, status, headers, body, rand))
    }

    /// See [`Call::transport_failure`].
    ///
    /// # Errors
    ///
    /// As [`Call::transport_failure`].
    pub fn transport_failure(
        &mut self,
        now: Duration,
        failure: TransportFailure,
        rand: impl FnOnce() -> f64,
    ) -> Result<Decision<Op::Output>, CallError> {
        self.step(|call| call.transport_failure(now, failure, rand))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::endpoint::{self, EndpointConfig};
    use crate::ops::GetCallerIdentity;

    const OK: &[u8] = b"<GetCallerIdentityResponse><GetCallerIdentityResult>\
        <Arn>arn:aws:iam::123456789012:user/me</Arn></GetCallerIdentityResult>\
        </GetCallerIdentityResponse>";

    fn options() -> SharedOptions {
        let endpoint = endpoint::resolve(&EndpointConfig::new().with_region("eu-west-1")).unwrap();
        SharedOptions::new(
            Arc::new(endpoint),
            Arc::new(RetryConfig::default()),
            Arc::new(RetryQuota::default()),
        )
    }

    fn send(call: &mut OwnedCall<GetCallerIdentity>, credentials: &Credentials) {
        let signing = Signing::new(crate::time::from_unix(1_440_938_160, 0).unwrap())
            .credentials(credentials);
        assert!(matches!(
            call.next_request(Duration::ZERO, &signing),
            Ok(Next::Send(_))
        ));
    }

    #[test]
    fn retries_through_the_shared_quota_then_finishes() {
        let options = options();
        let quota = Arc::clone(&options.quota);
        let credentials = Credentials::new("AKIDEXAMPLE", "owned-secret", None);
        let mut call = OwnedCall::new(GetCallerIdentity::new(), options).unwrap();
        send(&mut call, &credentials);
        let before = quota.available();
        let decision = call.response(Duration::ZERO, 503, &HeaderMap::new(), b"", || 0.5);
        assert!(matches!(decision, Ok(Decision::Wait(_))), "{decision:?}");
        assert!(
            quota.available() < before,
            "the retry is paid from the shared quota"
        );
        send(&mut call, &credentials);
        assert_eq!(call.attempt(), 2);
        let decision = call.response(Duration::ZERO, 200, &HeaderMap::new(), OK, || 0.5);
        assert!(matches!(decision, Ok(Decision::Done(_))), "{decision:?}");
        assert!(call.is_finished());
        assert_eq!(quota.available(), before, "success pays the retry back");
    }

    /// A call dropped after a paid retry it never sent (a driver that
    /// gave up waiting, a C caller freeing the exchange) costs the shared
    /// quota nothing; a finished one is left as it settled.
    #[test]
    fn a_call_dropped_before_its_retry_gives_the_retry_back() {
        let options = options();
        let quota = Arc::clone(&options.quota);
        let credentials = Credentials::new("AKIDEXAMPLE", "owned-secret", None);
        let before = quota.available();
        for _ in 0..200 {
            let mut call = OwnedCall::new(GetCallerIdentity::new(), options.clone()).unwrap();
            send(&mut call, &credentials);
            let decision = call.response(Duration::ZERO, 503, &HeaderMap::new(), b"", || 0.5);
            assert!(matches!(decision, Ok(Decision::Wait(_))), "{decision:?}");
            assert!(quota.available() < before);
            drop(call);
            assert_eq!(quota.available(), before);
        }
        // Sent and unanswered: the attempt happened, nothing to give back.
        let mut call = OwnedCall::new(GetCallerIdentity::new(), options.clone()).unwrap();
        send(&mut call, &credentials);
        drop(call);
        assert_eq!(quota.available(), before);
    }

    /// The same for the rate limiter's token: an exchange told to wait and
    /// then freed does not make the next caller wait behind it.
    #[test]
    fn a_paced_call_dropped_gives_its_token_back() {
        let limiter = Arc::new(RateLimiter::new());
        let mut options = options();
        options.retry = Arc::new(RetryConfig {
            mode: crate::retry::RetryMode::Adaptive,
            ..RetryConfig::default()
        });
        options.rate_limiter = Some(Arc::clone(&limiter));
        // Throttled hard: a token every two seconds, none in the bucket.
        for i in 0..50 {
            limiter.update(Duration::from_millis(i), true);
        }
        let first = limiter.acquire(Duration::from_millis(50));
        let credentials = Credentials::new("AKIDEXAMPLE", "owned-secret", None);
        let signing = Signing::new(crate::time::from_unix(1_440_938_160, 0).unwrap())
            .credentials(&credentials);
        for _ in 0..20 {
            let mut call = OwnedCall::new(GetCallerIdentity::new(), options.clone()).unwrap();
            let next = call.next_request(Duration::from_millis(60), &signing);
            assert!(matches!(next, Ok(Next::Wait(_))), "{next:?}");
            drop(call);
        }
        // Had each kept its token, this caller would wait 40 s more.
        let wait = limiter.acquire(Duration::from_millis(70));
        assert!(wait <= first + Duration::from_secs(2), "{wait:?}");
    }

    #[test]
    fn a_response_in_the_wrong_state_is_an_error() {
        let mut call = OwnedCall::new(GetCallerIdentity::new(), options()).unwrap();
        let before = call.response(Duration::ZERO, 200, &HeaderMap::new(), OK, || 0.5);
        assert!(matches!(before, Err(CallError::WrongState { .. })));
        assert!(!call.is_finished(), "the call is left as it was");
    }
}
