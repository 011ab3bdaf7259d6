//! One token refresh with the sign-in service (`CreateOAuth2Token` with the
//! `refresh_token` grant): the request, and what its answer means.

use std::time::Duration;

use serde_json::Value;
use sts_proto::SecretString;
use zeroize::Zeroizing;

use super::cache::Refreshed;
use super::json;
use crate::credentials::CredentialsErrorKind;
use crate::credentials::metadata_http::{is_transient_failure, is_transient_status};
use crate::transport::{Transport, TransportFailure};

/// Largest answer read: a real one is about 2 KiB.
pub(super) const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// The longest validity accepted from the service; anything longer is an
/// answer this crate does not understand (sessions last hours).
const MAX_EXPIRES_IN: u64 = 7 * 24 * 60 * 60;

/// What a refresh needs from the cache.
pub(super) struct RefreshRequest<'a> {
    pub(super) url: &'a str,
    pub(super) client_id: &'a str,
    pub(super) refresh_token: &'a str,
    pub(super) dpop_proof: String,
}

/// Why a refresh failed, without any secret.
#[derive(Debug)]
pub(super) struct RefreshFailure {
    pub(super) kind: CredentialsErrorKind,
    pub(super) reason: String,
    /// Whether only a new login can help (the service refused the session),
    /// rather than trying again later.
    pub(super) needs_login: bool,
    /// Whether the service failed for now (no answer, a 5xx or 429), so
    /// that trying again later may work.
    pub(super) transient: bool,
}

impl RefreshFailure {
    fn failed(reason: String, needs_login: bool) -> Self {
        Self {
            kind: CredentialsErrorKind::Failed,
            reason,
            needs_login,
            transient: false,
        }
    }
}

/// Sends the refresh through `transport`, waiting at most `timeout`.
pub(super) fn refresh(
    transport: &dyn Transport,
    request: RefreshRequest<'_>,
    timeout: Duration,
) -> Result<Refreshed, RefreshFailure> {
    let mut http_request = http::Request::post(request.url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "application/json")
        .header("dpop", request.dpop_proof)
        .body(Vec::new())
        .map_err(|e| {
            RefreshFailure::failed(
                format!("cannot make a request to {}: {e}", request.url),
                false,
            )
        })?;
    // Made once the request is: a failed builder would drop it unwiped.
    *http_request.body_mut() = crate::credentials::secret_json::object(&[
        ("clientId", request.client_id),
        ("grantType", "refresh_token"),
        ("refreshToken", request.refresh_token),
    ]);
    let response = transport.send(http_request, Some(timeout)).map_err(|e| {
        let kind = match e.kind() {
            TransportFailure::Timeout => CredentialsErrorKind::TimedOut,
            _ => CredentialsErrorKind::Failed,
        };
        RefreshFailure {
            kind,
            reason: format!("the sign-in service at {} did not answer: {e}", request.url),
            needs_login: false,
            transient: is_transient_failure(&e),
        }
    })?;
    let status = response.status();
    let body = Zeroizing::new(response.into_body());
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(RefreshFailure::failed(
            format!(
                "the sign-in service's answer (HTTP {}) is larger than {} KiB",
                status.as_u16(),
                MAX_RESPONSE_BYTES / 1024
            ),
            false,
        ));
    }
    if status.is_success() {
        read_tokens(&body).map_err(|why| {
            RefreshFailure::failed(
                format!("the sign-in service's answer is not usable: {why}"),
                false,
            )
        })
    } else {
        Err(read_error(status.as_u16(), &body))
    }
}

/// The new tokens in a successful answer.
fn read_tokens(body: &[u8]) -> Result<Refreshed, String> {
    let doc = json::parse_object(body)?;
    let read = || -> Result<Refreshed, String> {
        let token = json::object(&doc, "accessToken")?;
        let field = |key| json::string(token, "accessToken.", key);
        let expires_in = match doc.get("expiresIn") {
            Some(Value::Number(n)) => n
                .as_u64()
                .filter(|s| (1..=MAX_EXPIRES_IN).contains(s))
                .ok_or_else(|| {
                    format!("expiresIn is not a number of seconds from 1 to {MAX_EXPIRES_IN}")
                })?,
            None | Some(Value::Null) => return Err("expiresIn is missing".to_owned()),
            Some(_) => return Err("expiresIn is not a number".to_owned()),
        };
        Ok(Refreshed {
            access_key_id: field("accessKeyId")?.trim().to_owned(),
            secret_access_key: SecretString::new(field("secretAccessKey")?.trim()),
            session_token: SecretString::new(field("sessionToken")?.trim()),
            refresh_token: SecretString::new(json::string(&doc, "", "refreshToken")?),
            expires_in: Duration::from_secs(expires_in),
        })
    };
    let result = read();
    json::wipe_map(doc);
    result
}

/// What an unsuccessful answer means. The service answers
/// `{"error": "TOKEN_EXPIRED", "message": "…"}`; the code is shown, and
/// the message (cut, without control characters), but never the body
/// itself.
fn read_error(status: u16, body: &[u8]) -> RefreshFailure {
    let (code, message) = match json::parse_object(body) {
        Ok(doc) => {
            let code = doc
                .get("error")
                .and_then(Value::as_str)
                .filter(|c| {
                    !c.is_empty()
                        && c.len() <= 64
                        && c.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b))
                })
                .map(str::to_owned);
            let message = doc
                .get("message")
                .and_then(Value::as_str)
                .map(|m| {
                    m.chars()
                        .filter(|c| !c.is_control())
                        .take(200)
                        .collect::<String>()
                })
                .filter(|m| !m.trim().is_empty());
            json::wipe_map(doc);
            (code, message)
        }
        Err(_) => (None, None),
    };
    let meaning = match code.as_deref() {
        Some("TOKEN_EXPIRED") => Some("the login session has expired"),
        Some("USER_CREDENTIALS_CHANGED") => Some("the user's password changed since the login"),
        Some("INSUFFICIENT_PERMISSIONS") => {
            Some("the session lacks permission for the signin:CreateOAuth2Token action")
        }
        _ => None,
    };
    let mut reason = format!("the sign-in service refused the refresh with HTTP {status}");
    match (&code, &message) {
        (Some(code), Some(message)) => reason.push_str(&format!(" ({code}: {message})")),
        (Some(code), None) => reason.push_str(&format!(" ({code})")),
        (None, Some(message)) => reason.push_str(&format!(" ({message})")),
        (None, None) if json::parse_object(body).is_err() && !body.is_empty() => {
            reason.push_str(" and an answer that is not JSON");
        }
        (None, None) => {}
    }
    if let Some(meaning) = meaning {
        reason.push_str(": ");
        reason.push_str(meaning);
    }
    // 4xx but throttling: the session or the request is refused, and
    // trying again cannot help. 429 and 5xx may pass.
    let needs_login = (400..500).contains(&status) && status != 429;
    if !needs_login {
        reason.push_str("; try again later");
    }
    RefreshFailure {
        transient: is_transient_status(status),
        ..RefreshFailure::failed(reason, needs_login)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_gives_the_new_tokens() {
        let body =
            br#"{"accessToken":{"accessKeyId":"AK","secretAccessKey":"S","sessionToken":"T"},
                        "tokenType":"aws_sigv4","refreshToken":"R","expiresIn":900}"#;
        let r = read_tokens(body).unwrap();
        assert_eq!(r.access_key_id, "AK");
        assert_eq!(r.refresh_token.expose(), "R");
        assert_eq!(r.expires_in, Duration::from_secs(900));
        for (bad, expected) in [
            (
                r#"{"accessToken":{"accessKeyId":"AK","secretAccessKey":"S","sessionToken":"T"},"refreshToken":"R"}"#,
                "expiresIn is missing",
            ),
            (
                r#"{"accessToken":{"accessKeyId":"AK","secretAccessKey":"S","sessionToken":"T"},"refreshToken":"R","expiresIn":0}"#,
                "expiresIn is not a number of seconds",
            ),
            (
                r#"{"accessToken":{"accessKeyId":"AK","secretAccessKey":"S","sessionToken":"T"},"refreshToken":"R","expiresIn":-5}"#,
                "expiresIn is not a number of seconds",
            ),
            (
                r#"{"accessToken":{"accessKeyId":"AK","secretAccessKey":"S"},"refreshToken":"R","expiresIn":9}"#,
                "accessToken.sessionToken is missing",
            ),
            (
                r#"{"accessToken":{"accessKeyId":"AK","secretAccessKey":"S","sessionToken":"T"},"expiresIn":9}"#,
                "refreshToken is missing",
            ),
            ("<html>", "not valid JSON"),
        ] {
            let err = read_tokens(bad.as_bytes()).err().unwrap();
            assert!(err.contains(expected), "{bad}: {err}");
            assert!(!err.contains("\"S\"") && !err.contains("\"R\""), "{err}");
        }
    }

    #[test]
    fn errors_tell_login_from_later() {
        let e = read_error(
            400,
            br#"{"error":"TOKEN_EXPIRED","message":"Session expired"}"#,
        );
        assert!(e.needs_login && !e.transient);
        assert!(
            e.reason.contains("TOKEN_EXPIRED") && e.reason.contains("expired"),
            "{}",
            e.reason
        );
        let e = read_error(500, b"<html>oops</html>");
        assert!(!e.needs_login && e.transient);
        assert!(
            e.reason.contains("HTTP 500") && e.reason.contains("not JSON"),
            "{}",
            e.reason
        );
        assert!(!e.reason.contains("oops"), "{}", e.reason);
        let e = read_error(429, br#"{"error":"throttled"}"#);
        assert!(!e.needs_login && e.reason.contains("later"), "{}", e.reason);
        assert!(e.transient);
        let e = read_error(403, br#"{"error":"bad code with spaces","message":"a\nb"}"#);
        assert!(!e.transient);
        assert!(
            !e.reason.contains("spaces") && e.reason.contains("(ab)"),
            "{}",
            e.reason
        );
    }
}
