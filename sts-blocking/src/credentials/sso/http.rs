//! One bounded request to the portal or the OIDC service, tried again
//! after a failure that may pass.

use std::time::Duration;

use super::json::MAX_VALUES;
use crate::credentials::ProviderConfig;
use crate::credentials::json_limits::json_value_bound;
use crate::credentials::metadata_http::{is_transient_failure, is_transient_status};
use crate::credentials::provider_config::wipe;

/// An answer: its status, the error type its `x-amzn-ErrorType` header
/// names (the services' JSON protocol puts it there), and its body.
pub(super) struct Answer {
    pub(super) status: http::StatusCode,
    error_type: Option<String>,
    pub(super) body: Vec<u8>,
}

impl Answer {
    /// The error code of an error answer: the body's, else its
    /// `x-amzn-ErrorType` header's.
    pub(super) fn error_code(&self) -> Option<String> {
        error_code(&self.body).or_else(|| self.error_type.clone())
    }
}

/// Largest response body accepted: the services' answers are well under
/// 4 KiB, and a custom transport may not cap what it reads.
pub(super) const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Sends `request` through the providers' transport, each try within the
/// time budget, again while the failure may pass (no connection, a
/// time-out, a throttling or server error status) and the STS client's
/// retry policy allows (its attempts and back-off; standard mode's three
/// tries by default, as botocore tries these services: a throttled or
/// failing portal, or a token service with a passing fault, was one
/// answer away from a browser login); the last answer, or why there is
/// none. Its body is wiped when done with.
pub(super) fn send(
    config: &ProviderConfig,
    mut request: http::Request<Vec<u8>>,
) -> Result<Answer, SendError> {
    let retry = config.retry();
    let attempts = attempts(config);
    let mut attempt = 1;
    let outcome = loop {
        let mut copy = http::Request::new(request.body().clone());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.headers_mut() = request.headers().clone();
        let outcome = send_once(config, copy);
        let passing = match &outcome {
            Ok(answer) => is_transient_status(answer.status.as_u16()),
            Err(e) => e.transient,
        };
        if !passing || attempt >= attempts {
            break outcome;
        }
        if let Ok(answer) = outcome {
            wipe(answer.body);
        }
        let backoff = retry.backoff(attempt, config.random.next_f64(), None);
        config.sleep().sleep(backoff);
        attempt += 1;
    };
    wipe(std::mem::take(request.body_mut()));
    outcome
}

/// The most tries [`send`] makes, whatever the retry policy allows: a
/// sign-in service that failed ten times running will not answer the
/// eleventh, and a caller waiting for another's refresh (see
/// [`longest_send`]) must not wait on a thousand.
const MAX_ATTEMPTS: u32 = 10;

/// How many tries [`send`] makes at most.
fn attempts(config: &ProviderConfig) -> u32 {
    config.retry().max_attempts.clamp(1, MAX_ATTEMPTS)
}

/// The longest [`send`] can take: each try's time budget, and the longest
/// back-off between tries. A caller that waits for another caller's token
/// refresh waits this long, so that it does not give up on a refresh that
/// is still allowed to succeed.
pub(super) fn longest_send(config: &ProviderConfig) -> Duration {
    let tries = attempts(config);
    config
        .http_timeout()
        .saturating_mul(tries)
        .saturating_add(config.retry().max_backoff.saturating_mul(tries - 1))
}

/// One try of [`send`].
fn send_once(
    config: &ProviderConfig,
    request: http::Request<Vec<u8>>,
) -> Result<Answer, SendError> {
    let transport = config.http_transport();
    let response = transport
        .send(request, Some(config.http_timeout()))
        .map_err(|e| SendError {
            reason: e.to_string(),
            transient: is_transient_failure(&e),
        })?;
    let status = response.status();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(':').next())
        .filter(|code| is_code(code))
        .map(str::to_owned);
    let body = response.into_body();
    if body.len() > MAX_RESPONSE_BYTES {
        crate::credentials::provider_config::wipe(body);
        return Err(SendError {
            reason: format!(
                "the response (status {}) is larger than {MAX_RESPONSE_BYTES} bytes",
                status.as_u16()
            ),
            transient: false,
        });
    }
    Ok(Answer {
        status,
        error_type,
        body,
    })
}

/// Why [`send`] got no answer to read.
#[derive(Debug)]
pub(super) struct SendError {
    reason: String,
    /// Whether a later try may get one (no connection, a time-out).
    pub(super) transient: bool,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// The `error` or `__type`/`code` member of an error response, if it has
/// one of reasonable form: a name, never a message that could echo input.
pub(super) fn error_code(body: &[u8]) -> Option<String> {
    if json_value_bound(body) > MAX_VALUES {
        return None;
    }
    let doc: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = ["error", "__type", "code"]
        .iter()
        .find_map(|k| doc.get(*k)?.as_str())?;
    // `__type` may be `namespace#Name`.
    let code = code.rsplit('#').next().unwrap_or(code);
    is_code(code).then(|| code.to_owned())
}

/// Whether `code` has the form of an error code: a name, never a message
/// that could echo input.
fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// `value` percent-encoded for a query string (RFC 3986 unreserved
/// characters kept).
pub(super) fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_escapes() {
        assert_eq!(
            error_code(br#"{"error":"invalid_grant","error_description":"x"}"#).as_deref(),
            Some("invalid_grant")
        );
        assert_eq!(
            error_code(br#"{"__type":"com.amazonaws.sso#UnauthorizedException","message":"m"}"#)
                .as_deref(),
            Some("UnauthorizedException")
        );
        assert_eq!(error_code(br#"{"error":"has spaces in it"}"#), None);
        assert_eq!(error_code(b"<html>"), None);
        let many = format!(
            r#"{{"error":"invalid_grant","x":[{}0]}}"#,
            "0,".repeat(MAX_VALUES)
        );
        assert_eq!(error_code(many.as_bytes()), None);
        assert_eq!(query_escape("a b/c&d=é"), "a%20b%2Fc%26d%3D%C3%A9");
    }
}
