//! What a signature was computed from, for tests and debugging.

use std::fmt;

use zeroize::Zeroize;

use super::key::Signature;

/// The intermediate texts of one signature.
///
/// A `SignatureDoesNotMatch` error from AWS includes the canonical request
/// and string to sign the service computed; comparing them with these is
/// the quickest way to find which header or encoding differs.
///
/// The canonical request contains the session token when the token is
/// signed. `Debug` and [`SigningOutput::redacted_canonical_request`] hide
/// it; [`SigningOutput::canonical_request`] does not.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    pub(super) canonical_request: String,
    pub(super) string_to_sign: String,
    pub(super) signature: Signature,
}

impl SigningOutput {
    /// The canonical request, exactly as hashed. May contain the session
    /// token: do not log it; see [`Self::redacted_canonical_request`].
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The canonical request with any session token replaced by
    /// `** redacted **`, safe to print.
    pub fn redacted_canonical_request(&self) -> String {
        redact(&self.canonical_request)
    }

    /// The string to sign: algorithm, time, scope and the canonical
    /// request's hash.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature, 64 lower-case hex digits.
    pub fn signature(&self) -> &str {
        self.signature.as_str()
    }
}

/// The canonical request may hold the session token: it is wiped, not just
/// freed.
impl Drop for SigningOutput {
    fn drop(&mut self) {
        self.canonical_request.zeroize();
    }
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("canonical_request", &self.redacted_canonical_request())
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature())
            .finish()
    }
}

const REDACTED: &str = "** redacted **";

/// Hides the token wherever a canonical request can hold it: the value of
/// the `x-amz-security-token` header line, and of the
/// `X-Amz-Security-Token` query parameter of a presigned request.
fn redact(canonical_request: &str) -> String {
    let mut out = String::with_capacity(canonical_request.len());
    for (i, line) in canonical_request.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with("x-amz-security-token:") {
            out.push_str("x-amz-security-token:");
            out.push_str(REDACTED);
        } else if i == 2 {
            redact_query(&mut out, line);
        } else {
            out.push_str(line);
        }
    }
    out
}

fn redact_query(out: &mut String, query: &str) {
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some(("X-Amz-Security-Token", _)) => {
                out.push_str("X-Amz-Security-Token=");
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token_in_headers_and_query() {
        let output = SigningOutput {
            canonical_request: "GET\n/\nA=1&X-Amz-Security-Token=SECRETTOKEN&Z=2\n\
                host:h\nx-amz-security-token:SECRETTOKEN\n\nhost;x-amz-security-token\nabc"
                .to_owned(),
            string_to_sign: "sts".to_owned(),
            signature: Signature::from_hex([b'0'; 64]),
        };
        let shown = format!("{output:?}");
        assert!(!shown.contains("SECRETTOKEN"), "{shown}");
        assert_eq!(
            output.redacted_canonical_request(),
            "GET\n/\nA=1&X-Amz-Security-Token=** redacted **&Z=2\n\
             host:h\nx-amz-security-token:** redacted **\n\nhost;x-amz-security-token\nabc"
        );
        assert!(output.canonical_request().contains("SECRETTOKEN"));
    }
}
