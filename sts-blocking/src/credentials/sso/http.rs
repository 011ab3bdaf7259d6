//! One bounded request to the portal or the OIDC service.

use super::json::MAX_VALUES;
use crate::credentials::ProviderConfig;
use crate::credentials::json_limits::json_value_bound;
use crate::credentials::metadata_http::is_transient_failure;

/// Largest response body accepted: the services' answers are well under
/// 4 KiB, and a custom transport may not cap what it reads.
pub(super) const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Sends `request` through the providers' transport within its time
/// budget; the status and body, or why there is none.
pub(super) fn send(
    config: &ProviderConfig,
    request: http::Request<Vec<u8>>,
) -> Result<(http::StatusCode, Vec<u8>), SendError> {
    let transport = config.http_transport();
    let response = transport
        .send(request, Some(config.http_timeout()))
        .map_err(|e| SendError {
            reason: e.to_string(),
            transient: is_transient_failure(&e),
        })?;
    let status = response.status();
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
    Ok((status, body))
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
    (!code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'))
    .then(|| code.to_owned())
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
