//! A call in any state, over fixed time, credentials and answers.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::call::{Call, CallOptions, Decision, Next, Outgoing, RateLimiter, Signing};
use crate::credentials::Credentials;
use crate::endpoint::{self, EndpointConfig, ResolvedEndpoint};
use crate::ops::{GetCallerIdentity, GetCallerIdentityOutput};
use crate::retry::{ClockOffsetMillis, RetryConfig, RetryQuota};

/// 2015-08-30T12:36:00Z, the wall clock of every scenario.
pub(super) fn wall() -> SystemTime {
    crate::time::from_unix(1_440_938_160, 0).unwrap()
}

pub(super) fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub(super) fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Everything a call borrows, owned here.
pub(super) struct Scenario {
    pub(super) endpoint: ResolvedEndpoint,
    pub(super) retry: RetryConfig,
    pub(super) quota: RetryQuota,
    pub(super) limiter: RateLimiter,
    pub(super) credentials: Credentials,
    pub(super) op: GetCallerIdentity,
    pub(super) attempt_timeout: Option<Duration>,
    pub(super) call_timeout: Option<Duration>,
}

impl Scenario {
    pub(super) fn new() -> Self {
        Self {
            endpoint: endpoint::resolve(&EndpointConfig::new().with_region("eu-west-1")).unwrap(),
            retry: RetryConfig::default(),
            quota: RetryQuota::default(),
            limiter: RateLimiter::new(),
            credentials: Credentials::new("AKIDEXAMPLE", "scenario-secret", None),
            op: GetCallerIdentity::new(),
            attempt_timeout: None,
            call_timeout: None,
        }
    }

    pub(super) fn retry(mut self, change: impl FnOnce(&mut RetryConfig)) -> Self {
        change(&mut self.retry);
        self
    }

    pub(super) fn quota(mut self, capacity: u32) -> Self {
        self.quota = RetryQuota::new(capacity);
        self
    }

    pub(super) fn timeouts(mut self, attempt: Option<Duration>, call: Option<Duration>) -> Self {
        self.attempt_timeout = attempt;
        self.call_timeout = call;
        self
    }

    pub(super) fn options(&self) -> CallOptions<'_> {
        let mut options = CallOptions::new(&self.endpoint, &self.retry, &self.quota);
        options.rate_limiter = Some(&self.limiter);
        options.attempt_timeout = self.attempt_timeout;
        options.call_timeout = self.call_timeout;
        options
    }

    /// A call that has handed out nothing yet.
    pub(super) fn to_ready(&self) -> Call<'_, GetCallerIdentity> {
        Call::new(&self.op, self.options()).unwrap()
    }

    pub(super) fn signing(&self, offset: ClockOffsetMillis) -> Signing<'_> {
        Signing::new(wall())
            .clock_offset(offset)
            .credentials(&self.credentials)
    }

    /// A call whose first request is out, handed out at time zero.
    pub(super) fn to_sent(&self) -> Call<'_, GetCallerIdentity> {
        let mut call = self.to_ready();
        send(&mut call, self, Duration::ZERO, 0);
        call
    }
}

/// Asks for the next request and expects one.
pub(super) fn send(
    call: &mut Call<'_, GetCallerIdentity>,
    scenario: &Scenario,
    now: Duration,
    offset: ClockOffsetMillis,
) -> Outgoing {
    match call.next_request(now, &scenario.signing(offset)).unwrap() {
        Next::Send(outgoing) => outgoing,
        Next::Wait(d) => panic!("paced for {d:?}"),
    }
}

/// An answer: status, headers, body.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

impl Answer {
    pub(super) fn ok() -> Self {
        Self {
            status: 200,
            headers: HeaderMap::new(),
            body: b"<GetCallerIdentityResponse><GetCallerIdentityResult>\
                <Arn>arn:aws:iam::123456789012:user/ok</Arn></GetCallerIdentityResult>\
                <ResponseMetadata><RequestId>req-ok</RequestId></ResponseMetadata>\
                </GetCallerIdentityResponse>"
                .to_vec(),
        }
    }

    pub(super) fn error(status: u16, code: &str) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                 <Message>m</Message></Error><RequestId>err</RequestId></ErrorResponse>"
            )
            .into_bytes(),
        }
    }

    pub(super) fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.insert(name, value.parse().unwrap());
        self
    }
}

/// Hands `answer` to the call at `now`, with jitter 0.5.
pub(super) fn answer(
    call: &mut Call<'_, GetCallerIdentity>,
    now: Duration,
    answer: Answer,
) -> Decision<GetCallerIdentityOutput> {
    call.response(now, answer.status, &answer.headers, &answer.body, || 0.5)
        .unwrap()
}
