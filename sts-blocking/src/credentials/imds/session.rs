//! The IMDSv2 exchange: a session token from `PUT /latest/api/token`, kept
//! until shortly before it expires, then GETs that carry it.
//!
//! Without a token API (the service answers the `PUT` with 404 or 405, as
//! IMDSv1-only services and some proxies do), GETs go without a token
//! (IMDSv1) unless that fallback is turned off. So they do when the token
//! request gets no answer in time, as botocore (and so the AWS CLI) does:
//! a container on an instance whose metadata hop limit is 1 never gets
//! the answer to its `PUT`, and relies on IMDSv1
//! where the instance still allows it. Where it does not, the GET's 401
//! is reported with that likely cause. The price is paid off EC2 where
//! the address swallows packets: two timeouts instead of one.
//!
//! A token request refused with 403 (IMDS turned off, or a request that
//! came through a proxy, which IMDS refuses tokens to) is an error, as in
//! aws-sdk-rust (its recorded `imds_token_fail` case): botocore falls back
//! to IMDSv1 there, which through a proxy is the path IMDSv2 exists to
//! close.

use std::cell::Cell;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use http::HeaderValue;
use sts_proto::SecretString;

use super::settings::{ImdsSettings, MAX_TOKEN_TTL};
use crate::credentials::CredentialsErrorKind;
use crate::credentials::metadata_http::{Sender, is_transient_status, origin_of};
use crate::credentials::provider_config::wipe;
use crate::timing::Clock;
use crate::transport::{TransportError, TransportFailure};

/// Where the session token comes from.
pub(crate) const TOKEN_PATH: &str = "/latest/api/token";
/// The header that asks for (and reports) the token's lifetime in seconds.
const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The header that carries the token.
pub(crate) const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// A token is replaced this long before it expires (at most half its
/// lifetime), so that it does not expire on the way.
const TOKEN_MARGIN: Duration = Duration::from_secs(120);
/// The longest token accepted (real ones are about 56 bytes).
const MAX_TOKEN_BYTES: usize = 4096;

/// A session token and when to stop using it.
pub(crate) struct Token {
    value: SecretString,
    /// Its endpoint: a token is good for the service that gave it only.
    endpoint: String,
    replace_at: SystemTime,
}

/// Why a request got no usable answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing answered (no connection, a timeout, a broken connection).
    Unreachable(String),
    /// The service answered, but not with what was asked for.
    Answered(CredentialsErrorKind, String),
    /// The service answered with a server error or throttling (5xx, 429):
    /// it is there, and failed for now.
    Unavailable(String),
}

impl Failure {
    /// An answer of `status` that is not the one asked for, with `reason`.
    pub(crate) fn status(status: u16, reason: String) -> Self {
        if is_transient_status(status) {
            Failure::Unavailable(reason)
        } else {
            Failure::Answered(CredentialsErrorKind::Failed, reason)
        }
    }
}

/// One fetch's view of the service.
pub(crate) struct Session<'a> {
    pub(crate) settings: &'a ImdsSettings,
    pub(crate) sender: Sender<'a>,
    pub(crate) clock: &'a dyn Clock,
    pub(crate) token: &'a Mutex<Option<Token>>,
    /// Set once the service turned out to have no token API: the fetch's
    /// other requests go without a token, without asking again.
    pub(crate) v1: Cell<bool>,
    /// Set when that was decided because the token request got no answer
    /// in time, which the error for a later 401 explains.
    pub(crate) token_unanswered: Cell<bool>,
    /// The status of a token request answered with an error that IMDSv1
    /// was tried after, which the error for a later 401 gives.
    pub(crate) token_refused: Cell<Option<u16>>,
}

impl Session<'_> {
    /// The URL of `path` on the endpoint.
    pub(crate) fn url(&self, path: &str) -> String {
        let e = &self.settings.endpoint;
        format!(
            "{}://{}{}{path}",
            e.scheme_str().unwrap_or("http"),
            e.authority().map(|a| a.as_str()).unwrap_or_default(),
            e.path().trim_end_matches('/'),
        )
    }

    /// [`url`](Self::url) as errors show it: without the endpoint's user
    /// information, which a configured endpoint may carry.
    pub(crate) fn shown_url(&self, path: &str) -> String {
        sts_proto::endpoint::redact_for_errors(&self.url(path))
    }

    /// [`url`](Self::url) as a URI. The endpoint was checked and the paths
    /// are fixed or checked, so this fails only on a bug.
    fn uri(&self, path: &str) -> Result<http::Uri, Failure> {
        self.url(path).parse().map_err(|e| {
            Failure::Answered(
                CredentialsErrorKind::InvalidConfiguration,
                format!("cannot form the URL of {path} on {}: {e}", self.origin()),
            )
        })
    }

    fn origin(&self) -> String {
        origin_of(&self.settings.endpoint)
    }

    fn unreachable(&self, what: &str, e: &TransportError) -> Failure {
        // An answer too large, or a transport that cannot send at all (an
        // unusable proxy or CA bundle), is no sign of being off EC2.
        if matches!(
            e.kind(),
            TransportFailure::BodyTooLarge | TransportFailure::Unusable
        ) {
            return Failure::Answered(
                CredentialsErrorKind::Failed,
                format!("{what} from {}: {e}", self.origin()),
            );
        }
        Failure::Unreachable(format!(
            "no instance metadata service answered at {} ({what}: {e})",
            self.origin()
        ))
    }

    /// GET `path`, with the session token when there is one. A 401 (the
    /// token expired or was revoked) gets one more try with a new token.
    pub(crate) fn get(&self, path: &str) -> Result<http::Response<Vec<u8>>, Failure> {
        let token = self.token()?;
        let response = self.send_get(path, token.as_ref())?;
        if response.status() != 401 || token.is_none() {
            return Ok(response);
        }
        *self.lock() = None;
        let token = self.token()?;
        self.send_get(path, token.as_ref())
    }

    fn send_get(
        &self,
        path: &str,
        token: Option<&HeaderValue>,
    ) -> Result<http::Response<Vec<u8>>, Failure> {
        let uri = self.uri(path)?;
        let make = || {
            let mut request = http::Request::new(Vec::new());
            *request.method_mut() = http::Method::GET;
            *request.uri_mut() = uri.clone();
            if let Some(token) = token {
                request.headers_mut().insert(TOKEN_HEADER, token.clone());
            }
            request
        };
        self.sender
            .send(self.settings.attempts, &make)
            .map_err(|e| self.unreachable(&format!("GET {path}"), &e))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        self.token.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The token to send (a kept one if still good), or `None` for IMDSv1.
    fn token(&self) -> Result<Option<HeaderValue>, Failure> {
        if self.v1.get() {
            return Ok(None);
        }
        let now = self.clock.now();
        let endpoint = self.url("");
        if let Some(kept) = self.lock().as_ref()
            && kept.endpoint == endpoint
            && now < kept.replace_at
        {
            return header_value(&kept.value).map(Some);
        }
        let Some(token) = self.fetch_token(now, endpoint)? else {
            self.v1.set(true);
            return Ok(None);
        };
        let value = header_value(&token.value)?;
        *self.lock() = Some(token);
        Ok(Some(value))
    }

    fn fetch_token(&self, now: SystemTime, endpoint: String) -> Result<Option<Token>, Failure> {
        let ttl = self.settings.token_ttl.as_secs().max(1);
        let uri = self.uri(TOKEN_PATH)?;
        let make = || {
            let mut request = http::Request::new(Vec::new());
            *request.method_mut() = http::Method::PUT;
            *request.uri_mut() = uri.clone();
            request
                .headers_mut()
                .insert(TTL_HEADER, HeaderValue::from(ttl));
            request
        };
        let response = match self.sender.send(self.settings.attempts, &make) {
            Ok(response) => response,
            Err(e) if e.kind() == TransportFailure::Timeout && self.settings.v1_fallback => {
                log::debug!(
                    "instance metadata at {}: PUT {TOKEN_PATH} got no answer ({e}); trying \
                     IMDSv1, as the AWS CLI does (a container on an instance whose metadata hop \
                     limit is 1 gets no answer to it)",
                    self.origin()
                );
                self.token_unanswered.set(true);
                return Ok(None);
            }
            Err(e) => return Err(self.unreachable("PUT /latest/api/token", &e)),
        };
        let status = response.status().as_u16();
        let failed = |reason: String| Failure::Answered(CredentialsErrorKind::Failed, reason);
        match status {
            200 => {}
            404 | 405 if self.settings.v1_fallback => {
                log::debug!(
                    "instance metadata at {} has no session token API (status {status}); \
                     using IMDSv1",
                    self.origin()
                );
                return Ok(None);
            }
            404 | 405 => {
                return Err(failed(format!(
                    "the service at {} has no session token API (status {status} to PUT {TOKEN_PATH}) \
                     and the IMDSv1 fallback is turned off (AWS_EC2_METADATA_V1_DISABLED or \
                     ec2_metadata_v1_disabled)",
                    self.origin()
                )));
            }
            403 => {
                return Err(failed(format!(
                    "request forbidden: IMDS is disabled or refuses session tokens here (status 403 \
                     to PUT {TOKEN_PATH} at {}; IMDS refuses a token request that came through a \
                     proxy: if HTTP_PROXY is set, add the address to NO_PROXY)",
                    self.origin()
                )));
            }
            // What botocore does after its attempts at any other status
            // (a 5xx, a 401): IMDSv1, where it is allowed. A 400 is a bad
            // request, which IMDSv1 would not mend.
            _ if status != 400 && self.settings.v1_fallback => {
                log::debug!(
                    "instance metadata at {} answered PUT {TOKEN_PATH} with status {status}; \
                     trying IMDSv1, as the AWS CLI does",
                    self.origin()
                );
                self.token_refused.set(Some(status));
                return Ok(None);
            }
            _ => {
                return Err(Failure::status(
                    status,
                    format!(
                        "the service at {} answered PUT {TOKEN_PATH} with status {status}",
                        self.origin()
                    ),
                ));
            }
        }
        let granted = response
            .headers()
            .get(TTL_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(ttl)
            .min(MAX_TOKEN_TTL.as_secs());
        let body = response.into_body();
        if body.len() > MAX_TOKEN_BYTES {
            wipe(body);
            return Err(failed(format!(
                "the session token is longer than {MAX_TOKEN_BYTES} bytes"
            )));
        }
        let value = match String::from_utf8(body) {
            Ok(text) => SecretString::new(text),
            Err(e) => {
                wipe(e.into_bytes());
                return Err(failed("the session token is not valid UTF-8".to_owned()));
            }
        };
        if value.expose().trim().is_empty() {
            return Err(failed("the session token is empty".to_owned()));
        }
        let lifetime = Duration::from_secs(granted);
        let replace_at = now
            .checked_add(lifetime - TOKEN_MARGIN.min(lifetime / 2))
            .unwrap_or(now);
        Ok(Some(Token {
            value,
            endpoint,
            replace_at,
        }))
    }
}

/// The token as a header value, marked sensitive so that the HTTP stack
/// does not show it.
fn header_value(token: &SecretString) -> Result<HeaderValue, Failure> {
    sts_proto::secret::secret_header_value(token.expose()).map_err(|_| {
        Failure::Answered(
            CredentialsErrorKind::Failed,
            "the session token holds characters a header cannot carry".to_owned(),
        )
    })
}
