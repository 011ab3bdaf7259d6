//! The client: one method per STS operation over a retrying, clock-correcting
//! send loop.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use sts_proto::Credentials;
use sts_proto::endpoint::{self, ResolvedEndpoint};
use sts_proto::operation::{self, Operation, OperationOutput, RequestContext};
use sts_proto::ops::*;
use sts_proto::retry::{self, RetryConfig, RetryKind, RetryQuota};
use sts_proto::sigv4::{SigningKey, SigningParams};

use crate::config::{ClientBuilder, ConfigError};
use crate::credentials::{ProvideCredentials, SharedCredentials};
use crate::error::Error;
use crate::timing::{Clock, Random, Sleep, bounded_timeout};
use crate::transport::{Transport, TransportError};

/// A synchronous STS client.
///
/// Cheap to clone (one `Arc`), `Send + Sync`: build one and share it. The
/// clones share the connection pool, the retry quota, the clock-skew
/// correction and the cached signing key.
///
/// ```no_run
/// use sts_blocking::Client;
/// use sts_proto::ops::AssumeRole;
///
/// let client = Client::from_env()?;
/// let me = client.get_caller_identity()?;
/// println!("{:?}", me.arn);
/// let session = client.assume_role(
///     &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "demo").duration_secs(900),
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
    quota: RetryQuota,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    user_agent: String,
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

/// How one attempt ended.
enum Attempt<T> {
    Done(T),
    Failed {
        error: Error,
        retry_after: Option<Duration>,
    },
    /// The answer claimed a clock offset beyond the bound: it is not
    /// believed, and not retried either, since the next answer would say
    /// the same.
    SkewRefused(Error),
    /// The clock was corrected by this many milliseconds; sign again and
    /// resend at once.
    Resign {
        status: u16,
        offset_ms: i64,
    },
}

/// One log line for a failed attempt: where it went, what came back
/// (status, error code, request id, never a message or a header, which
/// could echo a secret) and what happens next.
fn log_failure(action: &str, url: &str, attempt: u32, error: &Error, next: &str) {
    let status = error
        .status()
        .map_or_else(|| "no response".to_owned(), |s| format!("status {s}"));
    let what = match error {
        Error::Transport(e) => format!("transport failure {:?}", e.kind()),
        _ => format!("error {}", error.code().unwrap_or("-")),
    };
    log::info!(
        "{action} attempt {attempt} to {url}: {status}, {what}, request id {}: {next}",
        error.request_id().unwrap_or("-"),
    );
}

const USER_AGENT: &str = concat!("sts-rs/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// Settings to build a client from.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment, as the AWS SDKs are.
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
        Ok(Self {
            inner: Arc::new(Inner {
                endpoint,
                credentials,
                retry: b.retry,
                quota: RetryQuota::default(),
                attempt_timeout: bounded_timeout(b.attempt_timeout),
                call_timeout: bounded_timeout(b.call_timeout),
                user_agent,
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

    /// The correction applied to the local clock, learned from the service.
    pub fn clock_offset(&self) -> Duration {
        Duration::from_millis(
            self.inner
                .clock_offset_ms
                .load(Ordering::Relaxed)
                .unsigned_abs(),
        )
    }

    /// The signed clock offset in milliseconds (server minus local).
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

    /// Sends any operation: validates, signs, sends, retries, parses.
    pub fn send<Op: Operation>(&self, op: &Op) -> Result<Op::Output, Error> {
        op.validate()?;
        let credentials = if Op::SIGNED {
            Some(self.credentials()?)
        } else {
            None
        };
        let inner = &*self.inner;
        let started = Instant::now();
        let mut attempt: u32 = 1;
        let mut retry_cost: Option<u32> = None;
        let mut corrected_skew = false;
        loop {
            let (error, retry_after) =
                match self.attempt(op, credentials.as_deref(), started, !corrected_skew)? {
                    Attempt::Done(output) => {
                        inner.quota.release(retry_cost);
                        log::debug!(
                            "{} attempt {attempt} to {}: status 200, request id {}: done",
                            Op::ACTION,
                            inner.endpoint.url,
                            output.request_id().unwrap_or("-"),
                        );
                        return Ok(output);
                    }
                    Attempt::Resign { status, offset_ms } => {
                        log::info!(
                            "{} attempt {attempt} to {}: status {status}: the clock is off by \
                             {offset_ms} ms; signing again now",
                            Op::ACTION,
                            inner.endpoint.url,
                        );
                        corrected_skew = true;
                        continue;
                    }
                    Attempt::SkewRefused(error) => {
                        log_failure(
                            Op::ACTION,
                            &inner.endpoint.url,
                            attempt,
                            &error,
                            "clock correction refused",
                        );
                        return Err(error);
                    }
                    Attempt::Failed { error, retry_after } => (error, retry_after),
                };
            let kind = error.retry_kind();
            let give_up = |why: &str, error: Error| {
                log_failure(Op::ACTION, &inner.endpoint.url, attempt, &error, why);
                Err(error)
            };
            if kind == RetryKind::NotRetryable || kind == RetryKind::ClockSkew && corrected_skew {
                return give_up("not retryable", error);
            }
            if attempt >= inner.retry.max_attempts {
                return give_up("no attempts left", error);
            }
            if inner.retry.use_quota {
                match inner.quota.acquire(kind) {
                    Some(cost) => retry_cost = Some(cost),
                    None => return give_up("the retry quota is used up", error),
                }
            }
            let delay = inner
                .retry
                .backoff(attempt, inner.random.next_f64(), retry_after);
            if let Some(limit) = inner.call_timeout
                && started.elapsed().saturating_add(delay) >= limit
            {
                return give_up("the call timeout would pass", error);
            }
            log_failure(
                Op::ACTION,
                &inner.endpoint.url,
                attempt,
                &error,
                &format!("retrying in {delay:?}"),
            );
            inner.sleep.sleep(delay);
            attempt += 1;
        }
    }

    /// One signed attempt. A clock-skew error, when `may_resign`, updates
    /// the clock offset and asks for an immediate re-signed attempt.
    fn attempt<Op: Operation>(
        &self,
        op: &Op,
        credentials: Option<&Credentials>,
        started: Instant,
        may_resign: bool,
    ) -> Result<Attempt<Op::Output>, Error> {
        let inner = &*self.inner;
        let (request, signed_at) = self.build_request(op, credentials)?;
        let timeout = self.attempt_budget(started)?;
        let response = match inner.transport.send(request, timeout) {
            Ok(response) => response,
            Err(e) => {
                return Ok(Attempt::Failed {
                    error: Error::Transport(e),
                    retry_after: None,
                });
            }
        };
        // The body holds the answer's secrets until it is parsed; the
        // guard wipes it on every way out of this function.
        let (parts, body) = response.into_parts();
        let body = zeroize::Zeroizing::new(body);
        let headers = &parts.headers;
        match operation::parse::<Op>(parts.status.as_u16(), headers, &body) {
            Ok(output) => Ok(Attempt::Done(output)),
            Err(e) => {
                if may_resign && let Some(offset) = retry::clock_skew(&e, headers, signed_at) {
                    let current = inner.clock_offset_ms.load(Ordering::Relaxed);
                    let max = inner.retry.max_clock_skew;
                    match retry::corrected_offset(current, offset, max) {
                        Some(total) if !max.is_zero() => {
                            inner.clock_offset_ms.store(total, Ordering::Relaxed);
                            return Ok(Attempt::Resign {
                                status: parts.status.as_u16(),
                                offset_ms: offset,
                            });
                        }
                        _ => {
                            log::warn!(
                                "{} to {}: the server's Date is {offset} ms from the signing \
                                 time, beyond the clock-correction bound of {max:?}; not \
                                 correcting",
                                Op::ACTION,
                                inner.endpoint.url,
                            );
                            return Ok(Attempt::SkewRefused(Error::from(e)));
                        }
                    }
                }
                Ok(Attempt::Failed {
                    error: Error::from(e),
                    retry_after: retry::retry_after(headers),
                })
            }
        }
    }

    /// The signed request for `op`, as the client would send it now,
    /// without sending it: for callers who send requests with their own
    /// HTTP stack (the C library's sans-IO path), then read the answer
    /// with [`sts_proto::operation::parse`]. It has the client's endpoint,
    /// credentials, clock correction, cached signing key and user agent;
    /// nothing is retried, since nothing is sent.
    pub fn prepare<Op: Operation>(&self, op: &Op) -> Result<http::Request<Vec<u8>>, Error> {
        let credentials = if Op::SIGNED {
            Some(self.credentials()?)
        } else {
            None
        };
        Ok(self.build_request(op, credentials.as_deref())?.0)
    }

    /// Builds and signs one attempt of `op`; also returns the signing time,
    /// against which a clock-skew answer is measured.
    fn build_request<Op: Operation>(
        &self,
        op: &Op,
        credentials: Option<&Credentials>,
    ) -> Result<(http::Request<Vec<u8>>, SystemTime), Error> {
        let inner = &*self.inner;
        let signed_at = self.now();
        let key = credentials
            .map(|c| self.signing_key(c, signed_at))
            .transpose()?;
        let mut ctx = RequestContext::new(&inner.endpoint, signed_at).user_agent(&inner.user_agent);
        ctx.credentials = credentials;
        ctx.signing_key = key.as_deref();
        Ok((operation::build(op, &ctx)?, signed_at))
    }

    /// The time left for one attempt: the attempt timeout, cut to what
    /// remains of the call timeout.
    fn attempt_budget(&self, started: Instant) -> Result<Option<Duration>, Error> {
        let inner = &*self.inner;
        let Some(limit) = inner.call_timeout else {
            return Ok(inner.attempt_timeout);
        };
        let left = limit.checked_sub(started.elapsed()).unwrap_or_default();
        if left.is_zero() {
            return Err(TransportError::new(
                crate::transport::TransportFailure::Timeout,
                format!("call timeout of {limit:?} reached"),
            )
            .into());
        }
        Ok(Some(inner.attempt_timeout.map_or(left, |t| t.min(left))))
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

    /// `AssumeRole`.
    pub fn assume_role(&self, request: &AssumeRole) -> Result<AssumeRoleOutput, Error> {
        self.send(request)
    }

    /// `AssumeRoleWithSAML` (unsigned).
    pub fn assume_role_with_saml(
        &self,
        request: &AssumeRoleWithSaml,
    ) -> Result<AssumeRoleWithSamlOutput, Error> {
        self.send(request)
    }

    /// `AssumeRoleWithWebIdentity` (unsigned).
    pub fn assume_role_with_web_identity(
        &self,
        request: &AssumeRoleWithWebIdentity,
    ) -> Result<AssumeRoleWithWebIdentityOutput, Error> {
        self.send(request)
    }

    /// `AssumeRoot`.
    pub fn assume_root(&self, request: &AssumeRoot) -> Result<AssumeRootOutput, Error> {
        self.send(request)
    }

    /// `DecodeAuthorizationMessage`.
    pub fn decode_authorization_message(
        &self,
        request: &DecodeAuthorizationMessage,
    ) -> Result<DecodeAuthorizationMessageOutput, Error> {
        self.send(request)
    }

    /// `GetAccessKeyInfo`.
    pub fn get_access_key_info(
        &self,
        request: &GetAccessKeyInfo,
    ) -> Result<GetAccessKeyInfoOutput, Error> {
        self.send(request)
    }

    /// `GetCallerIdentity`.
    pub fn get_caller_identity(&self) -> Result<GetCallerIdentityOutput, Error> {
        self.send(&GetCallerIdentity::new())
    }

    /// `GetDelegatedAccessToken`.
    pub fn get_delegated_access_token(
        &self,
        request: &GetDelegatedAccessToken,
    ) -> Result<GetDelegatedAccessTokenOutput, Error> {
        self.send(request)
    }

    /// `GetFederationToken`.
    pub fn get_federation_token(
        &self,
        request: &GetFederationToken,
    ) -> Result<GetFederationTokenOutput, Error> {
        self.send(request)
    }

    /// `GetSessionToken`.
    pub fn get_session_token(
        &self,
        request: &GetSessionToken,
    ) -> Result<GetSessionTokenOutput, Error> {
        self.send(request)
    }

    /// `GetWebIdentityToken`.
    pub fn get_web_identity_token(
        &self,
        request: &GetWebIdentityToken,
    ) -> Result<GetWebIdentityTokenOutput, Error> {
        self.send(request)
    }
}
