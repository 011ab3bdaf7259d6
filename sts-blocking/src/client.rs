//! The client: one method per STS operation over a retrying, clock-correcting
//! send loop.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use sts_proto::Credentials;
use sts_proto::call::{
    Call, CallError, CallOptions, Decision, Failure, GiveUp, Next, RateLimiter, SharedOptions,
    Signing,
};
use sts_proto::endpoint::{self, ResolvedEndpoint};
use sts_proto::operation::{
    self, BuildError, Operation, OperationOutput, RequestContext, RequestTarget,
};
use sts_proto::retry::{self, RetryConfig, RetryQuota};
use sts_proto::sigv4::{SigningKey, SigningParams};

use crate::config::{ClientBuilder, ConfigError};
use crate::credentials::{EXPIRY_MARGIN, ProvideCredentials, SharedCredentials, refuse_expired};
use crate::error::Error;
use crate::timing::{Clock, Random, Sleep, bounded_timeout};
use crate::transport::{Transport, TransportError};

/// A synchronous STS client.
///
/// Cheap to clone (one `Arc`), `Send + Sync`: build one and share it. The
/// clones share the connection pool, the retry quota, the rate limiter, the
/// clock-skew correction and the cached signing key; so do the calls other
/// drivers make through [`Client::exchange`].
///
/// ```no_run
/// use sts_blocking::Client;
/// use sts_proto::ops::AssumeRole;
///
/// let client = Client::from_env()?;
/// let me = client.get_caller_identity()?;
/// println!("{:?}", me.arn);
/// let session = client.assume_role(
///     &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "demo").duration_seconds(900),
/// )?;
/// println!("{}", session.credentials.access_key_id());
/// # Ok::<(), sts_blocking::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: ResolvedEndpoint,
    credentials: Arc<dyn ProvideCredentials>,
    retry: RetryConfig,
    /// Shared by all calls: retries are budgeted per client, as in the
    /// AWS SDKs, so a fleet facing an outage stops multiplying load.
    quota: Arc<RetryQuota>,
    /// Shared by all calls, used in adaptive mode only.
    rate_limiter: Arc<RateLimiter>,
    validation: bool,
    /// The monotonic origin of the calls' times, for the deadline and the
    /// rate limiter.
    origin: Instant,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    user_agent: String,
    /// The endpoint's URI, `Host` and `User-Agent`, parsed once; `None`
    /// when they cannot be, and each call then reports why.
    target: Option<RequestTarget>,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
    random: Arc<dyn Random>,
    /// Server time minus local time, learned from clock-skew errors.
    clock_offset_ms: AtomicI64,
    signing_key: RwLock<Option<Arc<SigningKey>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("transport", &self.inner.transport)
            .finish_non_exhaustive()
    }
}

/// One log line for a failed attempt: where it went, what came back
/// (status, error code, request id, never a message or a header, which
/// could echo a secret) and what happens next.
fn log_failure(action: &str, url: &str, attempt: u32, error: &Error, next: impl fmt::Display) {
    let status = match error {
        Error::Response(r) => {
            let r = r.as_response_error();
            // An answer came, with a success status, but could not be read.
            let unreadable = if r.status().is_none() {
                ", unreadable"
            } else {
                ""
            };
            format!("status {}{unreadable}", r.answer_status())
        }
        _ => error
            .status()
            .map_or_else(|| "no response".to_owned(), |s| format!("status {s}")),
    };
    let what = match error {
        Error::Transport(e) => format!("transport failure {:?}", e.kind()),
        _ => format!("error {}", error.code().unwrap_or("-")),
    };
    log::info!(
        "{action} attempt {attempt} to {url}: {status}, {what}, request id {}: {next}",
        error.request_id().unwrap_or("-"),
    );
}

/// The client's error for a failed attempt: a transport failure's details
/// are the transport's, which the loop holds.
fn failure_error(failure: Failure, transport_error: &mut Option<TransportError>) -> Error {
    let kind = failure.retry_kind();
    let error = match (failure, transport_error.take()) {
        (Failure::Transport(_), Some(e)) => Error::Transport(e),
        (failure, _) => Error::from(failure),
    };
    // What `Error::is_retryable` tells the caller must be what the call
    // decided on; both classify the same value, so this holds by construction.
    debug_assert_eq!(error.retry_kind(), kind);
    error
}

/// The error for a call that ended done without keeping its output, which
/// [`Typed`] never does; a bug of ours, reported rather than panicked on.
fn lost_output(action: &'static str) -> Error {
    Error::Build(BuildError::InvalidRequest {
        operation: action,
        reason: "the call finished without an output".to_owned(),
    })
}

/// A call as [`Client::drive`] steps it, whatever its operation: the
/// steps of [`Call`], with a success kept aside instead of returned.
trait Step {
    /// The operation's name.
    fn action(&self) -> &'static str;
    /// See [`Call::next_request`].
    fn next_request(&mut self, now: Duration, signing: &Signing<'_>) -> Result<Next, CallError>;
    /// See [`Call::response`]; the output of a success is kept.
    fn response(
        &mut self,
        now: Duration,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
        rand: &mut dyn FnMut() -> f64,
    ) -> Result<Decision<()>, CallError>;
    /// See [`Call::transport_failure`].
    fn transport_failure(
        &mut self,
        now: Duration,
        failure: retry::TransportFailure,
        rand: &mut dyn FnMut() -> f64,
    ) -> Result<Decision<()>, CallError>;
    /// The request id of the output kept, if any.
    fn request_id(&self) -> Option<&str>;
}

/// A [`Call`] of `Op` and the place its output is kept.
struct Typed<'a, Op: Operation> {
    call: Call<'a, Op>,
    output: Option<Op::Output>,
}

impl<Op: Operation> Typed<'_, Op> {
    /// The decision, with a success's output moved into `self.output`.
    fn keep(&mut self, decision: Decision<Op::Output>) -> Decision<()> {
        decision.map(|output| self.output = Some(output))
    }
}

impl<Op: Operation> Step for Typed<'_, Op> {
    fn action(&self) -> &'static str {
        Op::ACTION
    }

    fn next_request(&mut self, now: Duration, signing: &Signing<'_>) -> Result<Next, CallError> {
        self.call.next_request(now, signing)
    }

    fn response(
        &mut self,
        now: Duration,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
        rand: &mut dyn FnMut() -> f64,
    ) -> Result<Decision<()>, CallError> {
        let decision = self.call.response(now, status, headers, body, rand)?;
        Ok(self.keep(decision))
    }

    fn transport_failure(
        &mut self,
        now: Duration,
        failure: retry::TransportFailure,
        rand: &mut dyn FnMut() -> f64,
    ) -> Result<Decision<()>, CallError> {
        let decision = self.call.transport_failure(now, failure, rand)?;
        Ok(self.keep(decision))
    }

    fn request_id(&self) -> Option<&str> {
        self.output.as_ref().and_then(|o| o.request_id())
    }
}

const USER_AGENT: &str = concat!("sts-rs/", env!("CARGO_PKG_VERSION"));

/// The longest sleep of a call the adaptive rate limiter holds back before
/// it asks again how long is left: a rate that grew meanwhile lets it go
/// sooner.
const PACING_SLICE: Duration = Duration::from_millis(500);

impl Client {
    /// Settings to build a client from.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment, as the AWS SDKs are
    /// ([`ClientBuilder::from_env`]).
    ///
    /// # Errors
    ///
    /// What [`ClientBuilder::from_config`] refuses (an invalid setting, a
    /// named profile that is not defined), and no region: unlike the `sts`
    /// tool, which falls back to `us-east-1`, the library has no default
    /// region, so set `AWS_REGION` (or a profile's `region`, or an
    /// endpoint URL).
    pub fn from_env() -> Result<Self, Error> {
        Ok(ClientBuilder::default().from_env()?.build()?)
    }

    pub(crate) fn from_builder(b: ClientBuilder) -> Result<Self, ConfigError> {
        let endpoint = endpoint::resolve(&b.endpoint)?;
        let mut user_agent = USER_AGENT.to_owned();
        if let Some(app_id) = &b.app_id {
            user_agent.push_str(" app/");
            user_agent.push_str(app_id);
        }
        if let Some(suffix) = &b.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let transport = b.make_transport();
        // Without credentials a client uses the default chain, as the AWS
        // SDKs do; it is only asked when a signed operation is sent.
        let credentials = match &b.credentials {
            Some(p) => Arc::clone(p),
            None => crate::credentials::default_provider(&b),
        };
        // A suffix or app id HTTP cannot send fails here, not every call.
        if http::HeaderValue::from_str(&user_agent).is_err() {
            return Err(ConfigError::InvalidSetting {
                setting: "user agent (app id or suffix)",
                reason: "holds a character an HTTP header cannot carry".into(),
            });
        }
        let target = RequestTarget::new(&endpoint, Some(&user_agent)).ok();
        Ok(Self {
            inner: Arc::new(Inner {
                endpoint,
                credentials,
                retry: b.retry,
                quota: Arc::new(RetryQuota::default()),
                rate_limiter: Arc::new(RateLimiter::new()),
                validation: b.validation,
                origin: Instant::now(),
                attempt_timeout: bounded_timeout(b.attempt_timeout),
                call_timeout: bounded_timeout(b.call_timeout),
                user_agent,
                target,
                transport,
                clock: b.clock,
                sleep: b.sleep,
                random: b.random,
                clock_offset_ms: AtomicI64::new(0),
                signing_key: RwLock::new(None),
            }),
        })
    }

    /// The endpoint this client calls.
    pub fn endpoint(&self) -> &ResolvedEndpoint {
        &self.inner.endpoint
    }

    /// The correction applied to the local clock, learned from the service:
    /// server time minus local time, in milliseconds (negative when the
    /// local clock is ahead).
    pub fn clock_offset_millis(&self) -> i64 {
        self.inner.clock_offset_ms.load(Ordering::Relaxed)
    }

    /// Retry tokens left in the shared quota.
    pub fn retry_quota_available(&self) -> u32 {
        self.inner.quota.available()
    }

    /// The time the client signs with: the clock, corrected for skew.
    pub fn now(&self) -> SystemTime {
        retry::apply_offset(
            self.inner.clock.now(),
            self.inner.clock_offset_ms.load(Ordering::Relaxed),
        )
    }

    /// The current credentials of the client's provider.
    pub fn credentials(&self) -> Result<SharedCredentials, Error> {
        Ok(self.inner.credentials.provide_credentials()?)
    }

    /// The credentials to sign a call's next request with at `now` (the
    /// client's clock): those it `held` (none for its first), unless they
    /// are within [`EXPIRY_MARGIN`] of their expiry, when the provider is
    /// asked again. A call with retries can outlast credentials near their
    /// expiry at its start (a throttle's `x-amz-retry-after`, attempts of
    /// 10 s; found by a review), and a provider that is not cached is asked
    /// no more than that. If it fails then, held credentials that have not
    /// expired yet are still used.
    ///
    /// Credentials that have expired are never signed with, whichever
    /// provider gave them (a [`CachingProvider`](crate::credentials::CachingProvider)
    /// refuses them already; fixed ones from an earlier `AssumeRole` do
    /// not): the call fails here, with the time they expired, instead of
    /// with the service's `ExpiredToken` after a round trip.
    pub(crate) fn credentials_for_request(
        &self,
        held: Option<SharedCredentials>,
        now: SystemTime,
    ) -> Result<SharedCredentials, Error> {
        let current = || -> Result<SharedCredentials, Error> {
            let credentials = self.credentials()?;
            refuse_expired(&credentials, now, "the client's credentials")?;
            Ok(credentials)
        };
        let Some(held) = held else {
            return current();
        };
        let Some(expires) = held.expiration() else {
            return Ok(held);
        };
        if now + EXPIRY_MARGIN < expires {
            return Ok(held);
        }
        match current() {
            Ok(fresh) => Ok(fresh),
            Err(_) if now < expires => Ok(held),
            Err(e) => Err(e),
        }
    }

    /// Sends any operation: validates, signs, sends, retries, parses.
    ///
    /// Every decision is the [`Call`]'s; this loop only reads the clocks,
    /// sends, sleeps, and keeps what the client's calls share (the clock
    /// offset, the signing key) up to date.
    pub fn send<Op: Operation>(&self, op: &Op) -> Result<Op::Output, Error> {
        let call = Call::new(op, self.call_options())?;
        let mut typed = Typed { call, output: None };
        self.drive(&mut typed, Op::SIGNED)?;
        typed.output.ok_or_else(|| lost_output(Op::ACTION))
    }

    /// The loop of [`Client::send`], the same code for every operation:
    /// `call` is made and validated, and keeps the output when it is done.
    fn drive(&self, call: &mut dyn Step, signed: bool) -> Result<(), Error> {
        let inner = &*self.inner;
        let action = call.action();
        let url = &inner.endpoint.url;
        let mut jitter = || inner.random.next_f64();
        let mut credentials: Option<SharedCredentials> = None;
        // While the rate limiter holds the call back: the time it is taken
        // to be at least, since each slept slice is taken to have lasted
        // what was asked (a `Sleep` that records instead of sleeping moves
        // the call on as a real one would, instead of asking again at once).
        let mut paced_until: Option<Duration> = None;
        loop {
            let wall = inner.clock.now();
            if signed {
                credentials = Some(self.credentials_for_request(credentials.take(), wall)?);
            }
            let mut signing =
                Signing::new(wall).clock_offset(inner.clock_offset_ms.load(Ordering::Relaxed));
            let key = match credentials.as_deref() {
                Some(c) => Some(self.signing_key(c, signing.time())?),
                None => None,
            };
            signing.credentials = credentials.as_deref();
            signing.signing_key = key.as_deref();
            let now = inner.origin.elapsed().max(paced_until.unwrap_or_default());
            let outgoing = match call.next_request(now, &signing) {
                Ok(Next::Send(outgoing)) => outgoing,
                Ok(Next::Wait(pause)) => {
                    log::debug!(
                        "{action} to {url}: the client-side rate limit holds the attempt for {pause:?}",
                    );
                    // In slices: the rate grows as other calls succeed, and
                    // the call is asked again how much is left.
                    let slice = pause.min(PACING_SLICE);
                    inner.sleep.sleep(slice);
                    paced_until = Some(now.saturating_add(slice));
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            paced_until = None;
            let attempt = outgoing.attempt;
            let mut transport_error = None;
            let decision = match inner.transport.send(outgoing.request, outgoing.timeout) {
                Ok(response) => {
                    // The body holds the answer's secrets until it is
                    // parsed; the guard wipes it whatever happens next.
                    let (parts, body) = response.into_parts();
                    let body = crate::wipe::Wiped(body);
                    call.response(
                        inner.origin.elapsed(),
                        parts.status.as_u16(),
                        &parts.headers,
                        &body,
                        &mut jitter,
                    )
                }
                Err(e) => {
                    let kind = e.kind();
                    transport_error = Some(e);
                    call.transport_failure(inner.origin.elapsed(), kind, &mut jitter)
                }
            }?;
            match decision {
                Decision::Done(()) => {
                    log::debug!(
                        "{action} attempt {attempt} to {url}: status 200, request id {}: done",
                        call.request_id().unwrap_or("-"),
                    );
                    return Ok(());
                }
                Decision::SendNow(resign) => {
                    log::info!(
                        "{action} attempt {attempt} to {url}: status {}: the clock is off by \
                         {} ms; signing again now",
                        resign.status,
                        resign.measured,
                    );
                    inner
                        .clock_offset_ms
                        .store(resign.clock_offset, Ordering::Relaxed);
                }
                Decision::Wait(retry) => {
                    let error = failure_error(retry.failure, &mut transport_error);
                    let delay = retry.delay;
                    log_failure(
                        action,
                        url,
                        attempt,
                        &error,
                        format_args!("retrying in {delay:?}"),
                    );
                    drop(error);
                    inner.sleep.sleep(delay);
                }
                Decision::Failed(gave_up) => {
                    if let GiveUp::SkewRefused { measured, bound } = gave_up.reason {
                        log::warn!(
                            "{action} to {url}: the server's Date is {measured} ms from the signing \
                             time, which would put the clock correction beyond its bound of \
                             {bound:?}; not correcting",
                        );
                    }
                    let error = failure_error(gave_up.failure, &mut transport_error);
                    log_failure(action, url, attempt, &error, gave_up.reason);
                    return Err(error);
                }
            }
        }
    }

    /// What every call of this client is made with.
    fn call_options(&self) -> CallOptions<'_> {
        let inner = &*self.inner;
        let mut options = CallOptions::new(&inner.endpoint, &inner.retry, &inner.quota);
        options.user_agent = Some(&inner.user_agent);
        options.target = inner.target.as_ref();
        options.rate_limiter = Some(&*inner.rate_limiter);
        options.attempt_timeout = inner.attempt_timeout;
        options.call_timeout = inner.call_timeout;
        options.validation = inner.validation;
        options
    }

    /// The options every call of this client is made with, owning their
    /// parts: an [`OwnedCall`](sts_proto::call::OwnedCall) made with them
    /// pays its retries from this client's retry quota and, in adaptive
    /// mode, is paced by this client's rate limiter, together with the
    /// client's own calls. The clock correction and the credentials are not
    /// in them: [`Client::exchange`] adds those.
    pub fn shared_options(&self) -> SharedOptions {
        let inner = &*self.inner;
        let mut options = SharedOptions::new(
            Arc::new(inner.endpoint.clone()),
            Arc::new(inner.retry.clone()),
            Arc::clone(&inner.quota),
        );
        options.user_agent = Some(Arc::from(inner.user_agent.as_str()));
        options.rate_limiter = Some(Arc::clone(&inner.rate_limiter));
        options.attempt_timeout = inner.attempt_timeout;
        options.call_timeout = inner.call_timeout;
        options.validation = inner.validation;
        options
    }

    /// The time on the client's monotonic clock (since the client was
    /// built): the `now` its calls give their [`Call`] steps, against which
    /// the rate limiter shared by all of them measures.
    pub fn elapsed(&self) -> Duration {
        self.inner.origin.elapsed()
    }

    /// The client's wall clock (not corrected by the clock offset): what
    /// credentials' expiry is judged by.
    pub(crate) fn wall_clock(&self) -> SystemTime {
        self.inner.clock.now()
    }

    /// What one attempt is signed with at `wall` (the client's clock, read
    /// once for the credentials' expiry and the signature): the client's
    /// clock offset, and the cached signing key for `credentials` (none
    /// when it cannot be derived; building the request then says why).
    pub(crate) fn signing_parts(
        &self,
        credentials: Option<&Credentials>,
        wall: SystemTime,
    ) -> (i64, Option<Arc<SigningKey>>) {
        let offset = self.inner.clock_offset_ms.load(Ordering::Relaxed);
        let key =
            credentials.and_then(|c| self.signing_key(c, retry::apply_offset(wall, offset)).ok());
        (offset, key)
    }

    /// Stores the clock offset a clock-skew answer taught one of the calls.
    pub(crate) fn learn_clock_offset(&self, offset_ms: i64) {
        self.inner
            .clock_offset_ms
            .store(offset_ms, Ordering::Relaxed);
    }

    /// A number for the back-off jitter, from the client's random source.
    pub(crate) fn jitter(&self) -> f64 {
        self.inner.random.next_f64()
    }

    /// The signed request for `op`, as the client would send it now,
    /// without sending it: for callers who send requests with their own
    /// HTTP stack (the C library's sans-IO path), then read the answer
    /// with [`sts_proto::operation::parse`]. It has the client's endpoint,
    /// credentials, clock correction, cached signing key and user agent,
    /// and is checked against the model unless the client's
    /// [validation](crate::ClientBuilder::validation) is off; nothing is
    /// retried, since nothing is sent.
    pub fn prepare<Op: Operation>(&self, op: &Op) -> Result<http::Request<Vec<u8>>, Error> {
        // Before the credentials, as a call checks it: a request that will
        // be refused must not first make the credentials' source send
        // anything (a role's AssumeRole, instance metadata) or wait on it.
        if self.inner.validation {
            op.validate()?;
        }
        let credentials = if Op::SIGNED {
            Some(self.credentials()?)
        } else {
            None
        };
        let inner = &*self.inner;
        let signed_at = self.now();
        let key = credentials
            .as_deref()
            .map(|c| self.signing_key(c, signed_at))
            .transpose()?;
        let mut ctx = RequestContext::new(&inner.endpoint, signed_at).user_agent(&inner.user_agent);
        ctx.credentials = credentials.as_deref();
        ctx.signing_key = key.as_deref();
        ctx.target = inner.target.as_ref();
        // Checked above already, when the client checks at all.
        Ok(operation::build_unvalidated(op, &ctx)?)
    }

    /// The cached signing key if it still fits, else a fresh one.
    fn signing_key(
        &self,
        credentials: &Credentials,
        time: SystemTime,
    ) -> Result<Arc<SigningKey>, Error> {
        let inner = &*self.inner;
        let params = SigningParams::new(
            credentials,
            &inner.endpoint.signing_region,
            &inner.endpoint.signing_name,
            time,
        );
        if let Ok(guard) = inner.signing_key.read()
            && let Some(key) = guard.as_ref()
            && key.matches(&params)
        {
            return Ok(Arc::clone(key));
        }
        let key = Arc::new(SigningKey::derive(&params)?);
        if let Ok(mut guard) = inner.signing_key.write() {
            *guard = Some(Arc::clone(&key));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {

    use sts_proto::ops::AssumeRole;

    use super::*;
    use crate::credentials::{CredentialsErrorKind, MapFs, ProviderConfig};
    use crate::env::MapEnv;
    use crate::settings::RetryMode;
    use crate::timing::{Random, RecordedSleeps};
    use crate::transport::script::Script;

    #[derive(Debug)]
    struct Half;

    impl Random for Half {
        fn next_f64(&self) -> f64 {
            0.5
        }
    }

    fn client(
        answers: &[(u16, &'static str)],
        change: impl FnOnce(ClientBuilder) -> ClientBuilder,
    ) -> (Client, Arc<Script>, RecordedSleeps) {
        let script = Arc::new(Script::new(answers));
        let slept = RecordedSleeps::default();
        let builder = Client::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("AKIDEXAMPLE", "client-test-secret", None))
            .sleep(slept.clone())
            .random(Half);
        let mut builder = change(builder);
        builder.transport = Some(Arc::clone(&script) as Arc<dyn Transport>);
        (builder.build().unwrap(), script, slept)
    }

    fn sleeps(slept: &RecordedSleeps) -> Vec<Duration> {
        slept.taken()
    }

    #[test]
    fn a_user_agent_http_cannot_send_fails_the_build() {
        let b = || Client::builder().region("us-east-1");
        let e = b().user_agent_suffix("myapp\n").build().unwrap_err();
        assert!(matches!(e, ConfigError::InvalidSetting { .. }), "{e:?}");
        assert!(e.to_string().contains("user agent"), "{e}");
        assert!(b().user_agent_suffix("myapp/1.2 (linux)").build().is_ok());
    }

    #[test]
    fn adaptive_mode_paces_the_attempt_after_a_throttle() {
        let answers = [(400, "Throttling"), (200, "")];
        let (c, _, slept) = client(&answers, |b| b);
        c.get_caller_identity().unwrap();
        assert_eq!(sleeps(&slept), [Duration::from_millis(500)]);

        let (c, _, slept) = client(&answers, |b| b.retry_mode(RetryMode::Adaptive));
        c.get_caller_identity().unwrap();
        let waits = sleeps(&slept);
        assert_eq!(waits[0], Duration::from_millis(500));
        // The limiter's floor rate: one request in two seconds, slept in
        // slices of at most half a second, asking again after each.
        let paced = &waits[1..];
        assert!(paced.len() >= 3, "{waits:?}");
        assert!(paced.iter().all(|w| *w <= PACING_SLICE), "{waits:?}");
        let total: Duration = paced.iter().sum();
        assert!(total > Duration::from_secs(1), "{waits:?}");
        assert!(total < Duration::from_secs(3), "{waits:?}");
    }

    #[test]
    fn the_retry_mode_comes_from_the_environment_unless_set() {
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([("AWS_RETRY_MODE", "adaptive")]))
            .with_fs(MapFs::new());
        let b = Client::builder().from_config(&config).unwrap();
        assert_eq!(b.retry.mode, retry::RetryMode::Adaptive);
        let b = Client::builder()
            .retry_mode(RetryMode::Standard)
            .from_config(&config)
            .unwrap();
        assert_eq!(b.retry.mode, retry::RetryMode::Standard);
        let b = Client::builder()
            .retry_config(RetryConfig::default())
            .from_config(&config)
            .unwrap();
        assert_eq!(b.retry.mode, retry::RetryMode::Standard);
    }

    #[test]
    fn base_delay_custom_backoff_and_max_backoff_set_the_waits() {
        let answers = [(503, "ServiceUnavailable"), (0, ""), (200, "")];
        let (c, _, slept) = client(&answers, |b| {
            b.max_attempts(3).base_delay(Duration::from_millis(100))
        });
        c.get_caller_identity().unwrap();
        assert_eq!(
            sleeps(&slept),
            [Duration::from_millis(50), Duration::from_millis(100)]
        );
        let (c, _, slept) = client(&answers, |b| {
            b.custom_backoff(|attempt, rand| {
                Duration::from_secs(u64::from(attempt) * 4).mul_f64(rand)
            })
            .max_backoff(Duration::from_secs(3))
        });
        c.get_caller_identity().unwrap();
        assert_eq!(
            sleeps(&slept),
            [Duration::from_secs(2), Duration::from_secs(3)]
        );
    }

    /// A clock-skew code with no `Date` to correct by is sent once: each
    /// retry would be signed with the same clock and answered the same.
    #[test]
    fn a_skew_code_without_a_date_is_not_retried() {
        let answers = [(403, "RequestExpired"), (400, "RequestTimeTooSkewed")];
        let (c, script, slept) = client(&answers, |b| b.max_attempts(3));
        let e = c.get_caller_identity().unwrap_err();
        assert_eq!(e.code(), Some("RequestExpired"));
        assert_eq!(script.sent.lock().unwrap().len(), 1);
        assert!(sleeps(&slept).is_empty());
        assert_eq!(c.retry_quota_available(), retry::QUOTA_CAPACITY);
    }

    /// 2015-08-30T12:36:00Z.
    #[derive(Debug)]
    struct Fixed;

    impl crate::timing::Clock for Fixed {
        fn now(&self) -> SystemTime {
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
        }
    }

    /// A call that gave up on a clock-skew answer, the correction refused
    /// or made and not enough, leaves an error a caller's own retry loop
    /// does not repeat: it would meet the same answer.
    #[test]
    fn an_error_after_the_clock_correction_is_not_retryable() {
        for (date, sent, offset) in [
            // Refused: far beyond the bound.
            ("Thu, 01 Jan 1970 00:00:00 GMT", 1, 0),
            // Believed (20 minutes ahead), re-signed, and skewed again.
            ("Sun, 30 Aug 2015 12:56:00 GMT", 2, 20 * 60 * 1000),
        ] {
            let script = Arc::new(Script {
                date: Some(date),
                ..Script::new(&[(403, "RequestTimeTooSkewed")])
            });
            let slept = RecordedSleeps::default();
            let mut builder = Client::builder()
                .region("eu-west-1")
                .credentials(Credentials::new("AKIDEXAMPLE", "client-test-secret", None))
                .sleep(slept.clone())
                .clock(Fixed)
                .random(Half);
            builder.transport = Some(Arc::clone(&script) as Arc<dyn Transport>);
            let c = builder.build().unwrap();
            let e = c.get_caller_identity().unwrap_err();
            assert_eq!(e.code(), Some("RequestTimeTooSkewed"), "{date}");
            assert!(!e.is_retryable(), "{date}");
            assert_eq!(script.sent.lock().unwrap().len(), sent, "{date}");
            assert_eq!(c.clock_offset_millis(), offset, "{date}");
            assert!(sleeps(&slept).is_empty());
        }
    }

    /// Fixed credentials from an earlier `AssumeRole`, kept past their
    /// expiry by a long-running program, are refused before anything is
    /// sent, with when they expired; an exchange refuses them too. A
    /// second to go, they are still used.
    #[test]
    fn expired_fixed_credentials_are_not_sent() {
        let fixed_now = Fixed.now();
        let with_expiry = |at: SystemTime| {
            move |b: ClientBuilder| {
                b.clock(Fixed).credentials(
                    Credentials::new("ASIAEXAMPLE", "client-test-secret", Some("t".into()))
                        .with_expiration(at),
                )
            }
        };
        let (c, script, _) = client(&[(200, "")], with_expiry(fixed_now));
        let e = c.get_caller_identity().unwrap_err();
        assert!(
            matches!(&e, Error::Credentials(c) if c.kind() == CredentialsErrorKind::Expired),
            "{e:?}"
        );
        assert!(e.to_string().contains("2015-08-30T12:36:00Z"), "{e}");
        assert!(script.sent.lock().unwrap().is_empty());
        let e = c
            .exchange(sts_proto::ops::GetCallerIdentity::new())
            .unwrap_err();
        assert!(matches!(e, Error::Credentials(_)), "{e:?}");

        let (c, script, _) = client(
            &[(200, "")],
            with_expiry(fixed_now + Duration::from_secs(1)),
        );
        c.get_caller_identity().unwrap();
        assert_eq!(script.sent.lock().unwrap().len(), 1);
    }

    #[test]
    fn validation_off_sends_what_the_model_would_refuse() {
        let bad = AssumeRole::new("x", "demo");
        let (c, script, _) = client(&[(403, "ValidationError")], |b| b);
        assert!(matches!(c.assume_role(&bad), Err(Error::Validation(_))));
        assert!(script.sent.lock().unwrap().is_empty());
        let (c, script, _) = client(&[(403, "ValidationError")], |b| b.validation(false));
        let e = c.assume_role(&bad).unwrap_err();
        assert_eq!(e.code(), Some("ValidationError"));
        let sent = script.sent.lock().unwrap();
        assert!(sent[0].contains("RoleArn=x&"), "{sent:?}");
        // `prepare` builds what `send` would send, unchecked too.
        let prepared = c.prepare(&bad).unwrap();
        assert!(
            prepared
                .body()
                .starts_with(b"Action=AssumeRole&Version=2011-06-15&RoleArn=x&")
        );
        let (c, _, _) = client(&[], |b| b);
        assert!(matches!(c.prepare(&bad), Err(Error::Validation(_))));
    }

    /// `prepare` checks the request before it asks for credentials, as a
    /// call does: a request that will be refused must not first make the
    /// source send anything (a role's AssumeRole) or wait on it, nor be
    /// reported as a credentials failure.
    #[test]
    fn prepare_checks_the_request_before_asking_for_credentials() {
        #[derive(Debug)]
        struct Counting(std::sync::atomic::AtomicUsize);
        impl crate::credentials::ProvideCredentials for Counting {
            fn provide_credentials(
                &self,
            ) -> Result<crate::credentials::SharedCredentials, crate::credentials::CredentialsError>
            {
                self.0.fetch_add(1, Ordering::SeqCst);
                Err(crate::credentials::CredentialsError::failed(
                    "role",
                    "AssumeRole failed",
                ))
            }
        }
        let asked = Arc::new(Counting(std::sync::atomic::AtomicUsize::new(0)));
        let provider = Arc::clone(&asked);
        let (c, _, _) = client(&[], move |b| b.credentials_provider(provider));
        let bad = AssumeRole::new("arn:aws:iam::123456789012:role/r", "x");
        assert!(matches!(c.prepare(&bad), Err(Error::Validation(_))));
        assert_eq!(asked.0.load(Ordering::SeqCst), 0);
        // A good request does ask, and reports the source's failure.
        let good = AssumeRole::new("arn:aws:iam::123456789012:role/r", "session");
        assert!(matches!(c.prepare(&good), Err(Error::Credentials(_))));
        assert_eq!(asked.0.load(Ordering::SeqCst), 1);
    }
}
