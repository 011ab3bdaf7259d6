//! The JSON credentials document that EC2 instance metadata and the
//! container endpoints (ECS, EKS Pod Identity) serve:
//!
//! ```json
//! { "Code": "Success", "AccessKeyId": "ASIA…", "SecretAccessKey": "…",
//!   "Token": "…", "Expiration": "2030-01-01T00:00:00Z", "AccountId": "123456789012" }
//! ```
//!
//! `Code` (instance metadata only) must be `Success` when present;
//! `AccountId` is optional; the other four are required. Nothing of the
//! document is ever quoted in an error but `Code`, which holds no secret.

use std::fmt;
use std::time::SystemTime;

use serde_json::{Map, Value};
use sts_proto::time::{format_timestamp, parse_timestamp};
use sts_proto::{Credentials, SecretString};

use super::json_limits::json_value_bound;

/// The largest document read. Real ones are under 2 KiB; the cap keeps a
/// broken or hostile endpoint from costing memory.
pub(crate) const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// The most JSON values a document may hold (real ones hold under ten).
const MAX_VALUES: usize = 256;

/// The longest `Code` an error quotes.
const CODE_QUOTE_CHARS: usize = 64;

/// Why a response is not usable credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocumentError {
    /// The response's status is not 200.
    Status(u16),
    /// The body is larger than [`MAX_DOCUMENT_BYTES`].
    TooLarge(usize),
    /// The body holds more JSON values than a credentials document has.
    TooManyValues,
    /// The body is not a JSON object.
    NotJson {
        what: &'static str,
        line: usize,
        column: usize,
    },
    /// `Code` is not `Success` (the code, escaped and shortened).
    NotSuccess(String),
    /// A required member is missing (or null).
    Missing(&'static str),
    /// A member is not a string.
    NotAString(&'static str),
    /// A required member is an empty string.
    Empty(&'static str),
    /// `Expiration` is not an ISO 8601 time.
    BadExpiration(&'static str),
    /// The credentials expired at `at`, before `now`.
    Expired { at: SystemTime, now: SystemTime },
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentError::Status(status) => {
                write!(f, "the endpoint answered with status {status}")
            }
            DocumentError::TooLarge(bytes) => write!(
                f,
                "the credentials document is {bytes} bytes, more than the {MAX_DOCUMENT_BYTES} \
                 bytes allowed"
            ),
            DocumentError::TooManyValues => write!(
                f,
                "the credentials document holds more than {MAX_VALUES} JSON values"
            ),
            DocumentError::NotJson { what, line, column } => write!(
                f,
                "the credentials document is not a JSON object ({what} at line {line} column \
                 {column})"
            ),
            DocumentError::NotSuccess(code) => {
                write!(
                    f,
                    "the credentials document has Code {code:?}, not \"Success\""
                )
            }
            DocumentError::Missing(key) => {
                write!(f, "the credentials document has no {key}")
            }
            DocumentError::NotAString(key) => {
                write!(f, "{key} in the credentials document is not a string")
            }
            DocumentError::Empty(key) => {
                write!(f, "{key} in the credentials document is empty")
            }
            DocumentError::BadExpiration(reason) => write!(
                f,
                "Expiration in the credentials document is not an ISO 8601 time: {reason}"
            ),
            DocumentError::Expired { at, now } => write!(
                f,
                "the credentials document's credentials expired at {}, before now ({})",
                format_timestamp(*at),
                format_timestamp(*now)
            ),
        }
    }
}

/// What a document whose credentials expired before `now` is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhenExpired {
    /// Nothing: [`DocumentError::Expired`] (the container endpoints, as
    /// botocore and aws-sdk-rust judge them).
    Refuse,
    /// Its credentials, with their past expiration, for the caller to
    /// extend: instance metadata serves expired credentials during an
    /// outage of its own, and the SDKs keep an instance working on them
    /// ("static stability").
    Keep,
}

/// The credentials of a response with `status` and `body`; `now` and
/// `when_expired` judge credentials that have expired.
pub(crate) fn parse_response(
    status: u16,
    body: &[u8],
    now: SystemTime,
    when_expired: WhenExpired,
) -> Result<Credentials, DocumentError> {
    if status != 200 {
        return Err(DocumentError::Status(status));
    }
    parse_document(body, now, when_expired)
}

/// The credentials of a document; `now` and `when_expired` judge
/// credentials that have expired.
pub(crate) fn parse_document(
    body: &[u8],
    now: SystemTime,
    when_expired: WhenExpired,
) -> Result<Credentials, DocumentError> {
    if body.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge(body.len()));
    }
    if json_value_bound(body) > MAX_VALUES {
        return Err(DocumentError::TooManyValues);
    }
    let doc: Map<String, Value> = parse_wholly(body).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "not an object",
            serde_json::error::Category::Eof => "unexpected end",
        };
        DocumentError::NotJson {
            what,
            line: e.line(),
            column: e.column(),
        }
    })?;
    let mut doc = Wiped(doc);
    doc.read(now, when_expired)
}

/// `bytes` as a JSON object, its strings wiped if the reading fails (see
/// [`wiped_json`](super::wiped_json)): a document can be malformed after
/// its secret.
pub(crate) fn parse_wholly(bytes: &[u8]) -> Result<Map<String, Value>, serde_json::Error> {
    super::wiped_json::parse_object(bytes)
}

/// A parsed document, whose strings are overwritten when it is dropped,
/// on an error's path too: the secret key and token are among them. Also
/// `credential_process` output's.
pub(crate) struct Wiped(pub(crate) Map<String, Value>);

impl Drop for Wiped {
    fn drop(&mut self) {
        super::wiped_json::wipe_value(Value::Object(std::mem::take(&mut self.0)));
    }
}

impl Wiped {
    /// The string member `key`; `None` when it is absent or null.
    fn take(&mut self, key: &'static str) -> Result<Option<String>, DocumentError> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(DocumentError::NotAString(key)),
        }
    }

    /// The non-empty string member `key`.
    fn required(&mut self, key: &'static str) -> Result<String, DocumentError> {
        match self.take(key)? {
            None => Err(DocumentError::Missing(key)),
            Some(s) if s.trim().is_empty() => Err(DocumentError::Empty(key)),
            Some(s) => Ok(s),
        }
    }

    fn read(
        &mut self,
        now: SystemTime,
        when_expired: WhenExpired,
    ) -> Result<Credentials, DocumentError> {
        if let Some(code) = self.take("Code")?
            && code != "Success"
        {
            return Err(DocumentError::NotSuccess(quote_code(&code)));
        }
        let access_key_id = self.required("AccessKeyId")?;
        let secret = SecretString::new(self.required("SecretAccessKey")?);
        let token = SecretString::new(self.required("Token")?);
        let expiration = self.required("Expiration")?;
        let at =
            parse_timestamp(&expiration).map_err(|e| DocumentError::BadExpiration(e.reason))?;
        if at <= now && when_expired == WhenExpired::Refuse {
            return Err(DocumentError::Expired { at, now });
        }
        let mut creds = Credentials::new(access_key_id, secret, Some(token)).with_expiration(at);
        if let Some(account_id) = self.take("AccountId")? {
            creds = creds.with_account_id(account_id);
        }
        Ok(creds)
    }
}

/// `code` for an error message: shortened, control characters escaped.
fn quote_code(code: &str) -> String {
    let mut out = String::new();
    for c in code.chars().take(CODE_QUOTE_CHARS) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if code.chars().count() > CODE_QUOTE_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_600_000_000)
    }

    const GOOD: &str = r#"{"Code":"Success","LastUpdated":"2021-09-20T21:42:26Z","Type":"AWS-HMAC",
        "AccessKeyId":"ASIARTEST","SecretAccessKey":"SECRETSTUFF","Token":"TOKENSTUFF",
        "Expiration":"2021-09-21T04:16:53Z","AccountId":"123456789012"}"#;

    #[test]
    fn reads_every_member() {
        let c = parse_response(200, GOOD.as_bytes(), now(), WhenExpired::Refuse).unwrap();
        assert_eq!(c.access_key_id(), "ASIARTEST");
        assert_eq!(c.secret_access_key().expose(), "SECRETSTUFF");
        assert_eq!(c.session_token().unwrap().expose(), "TOKENSTUFF");
        assert_eq!(c.account_id(), Some("123456789012"));
        assert_eq!(
            c.expiration().map(sts_proto::time::unix_seconds),
            Some(1_632_197_813)
        );
    }

    #[test]
    fn every_bad_document_has_its_error_and_quotes_no_secret() {
        let big = format!("{{\"Pad\":\"{}\"}}", "x".repeat(MAX_DOCUMENT_BYTES));
        let many = format!("[{}1]", "1,".repeat(MAX_VALUES));
        let cases: Vec<(u16, String, DocumentError)> = vec![
            (500, GOOD.to_owned(), DocumentError::Status(500)),
            (200, big.clone(), DocumentError::TooLarge(big.len())),
            (200, many, DocumentError::TooManyValues),
            (
                200,
                "SECRETSTUFF".to_owned(),
                DocumentError::NotJson {
                    what: "syntax error",
                    line: 1,
                    column: 1,
                },
            ),
            (
                200,
                r#"["SECRETSTUFF"]"#.to_owned(),
                DocumentError::NotJson {
                    what: "not an object",
                    line: 1,
                    column: 1,
                },
            ),
            (
                200,
                GOOD.replace("\"Success\"", "\"Fail\\n\""),
                DocumentError::NotSuccess("Fail\\n".to_owned()),
            ),
            (
                200,
                GOOD.replace("\"AccessKeyId\"", "\"Other\""),
                DocumentError::Missing("AccessKeyId"),
            ),
            (
                200,
                GOOD.replace("\"TOKENSTUFF\"", "null"),
                DocumentError::Missing("Token"),
            ),
            (
                200,
                GOOD.replace("\"SECRETSTUFF\"", "\"  \""),
                DocumentError::Empty("SecretAccessKey"),
            ),
            (
                200,
                GOOD.replace("\"123456789012\"", "12"),
                DocumentError::NotAString("AccountId"),
            ),
            (
                200,
                GOOD.replace("2021-09-21T04:16:53Z", "SECRETSTUFF-soon-ish"),
                DocumentError::BadExpiration("too short for YYYY-MM-DDThh:mm:ssZ"),
            ),
            (
                200,
                GOOD.replace("2021-09-21T04:16:53Z", "2020-01-01T00:00:00Z"),
                DocumentError::Expired {
                    at: UNIX_EPOCH + Duration::from_secs(1_577_836_800),
                    now: now(),
                },
            ),
        ];
        for (status, body, want) in cases {
            let got =
                parse_response(status, body.as_bytes(), now(), WhenExpired::Refuse).unwrap_err();
            if let (
                DocumentError::NotJson { what: a, .. },
                DocumentError::NotJson { what: b, .. },
            ) = (&got, &want)
            {
                assert_eq!(a, b, "{body}");
            } else if let DocumentError::BadExpiration(_) = want {
                assert!(matches!(got, DocumentError::BadExpiration(_)), "{got}");
            } else {
                assert_eq!(got, want, "{body}");
            }
            let text = got.to_string();
            assert!(
                !text.contains("SECRETSTUFF") && !text.contains("TOKENSTUFF"),
                "{text}"
            );
        }
    }

    #[test]
    fn long_codes_are_shortened() {
        let code = "C".repeat(100);
        let err = parse_document(
            GOOD.replace("Success", &code).as_bytes(),
            now(),
            WhenExpired::Refuse,
        )
        .unwrap_err();
        assert_eq!(
            err,
            DocumentError::NotSuccess(format!("{}…", "C".repeat(CODE_QUOTE_CHARS)))
        );
    }
}
