//! The secrets of one input, and the check that no error and no `Debug`
//! shows them.
//!
//! A secret is checked only when it is long enough not to turn up by
//! chance (8 bytes) and is not also a text an error may quote: a member
//! name, a value of a member that holds no secret (a `Code`, a start URL,
//! an error code), a time as errors write it, or a name of the world (the
//! endpoint, the paths, the session).

use serde_json::Value;
use sts_blocking::credentials::CredentialsError;
use sts_proto::Credentials;
use sts_proto::time::{format_timestamp, parse_timestamp};

use super::reference::{MAX_SSO_VALUES, object, value_bound};
use super::world::{CONTAINER_PATH, ENDPOINT, HOME, ROLE, ROLE_PATH, TOKEN_PATH, now};
use super::{ACCOUNT, REGION, ROLE_NAME, SESSION, START_URL};

/// Shorter secrets are not checked: they may be part of any text.
const MIN_CHECKED_BYTES: usize = 8;

/// Every member the sources read, which errors name.
const MEMBERS: [&str; 20] = [
    "Code",
    "Success",
    "AccessKeyId",
    "SecretAccessKey",
    "Token",
    "Expiration",
    "AccountId",
    "roleCredentials",
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "expiration",
    "accessToken",
    "expiresAt",
    "startUrl",
    "refreshToken",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "expiresIn",
];

/// The members that hold secrets, at any depth.
const SECRET_MEMBERS: [&str; 7] = [
    "SecretAccessKey",
    "Token",
    "secretAccessKey",
    "sessionToken",
    "accessToken",
    "refreshToken",
    "clientSecret",
];

/// The secrets of an input, and the texts errors may quote.
pub(super) struct Secrets {
    secrets: Vec<String>,
    quotable: Vec<String>,
}

impl Secrets {
    pub(super) fn new() -> Self {
        let mut quotable: Vec<String> = [
            ENDPOINT,
            HOME,
            CONTAINER_PATH,
            ROLE_PATH,
            TOKEN_PATH,
            ROLE,
            SESSION,
            START_URL,
            REGION,
            ACCOUNT,
            ROLE_NAME,
        ]
        .iter()
        .chain(MEMBERS.iter())
        .map(|s| (*s).to_owned())
        .collect();
        quotable.push(format_timestamp(now()));
        Self {
            secrets: Vec::new(),
            quotable,
        }
    }

    /// A secret of the world.
    pub(super) fn planted(&mut self, secret: &str) {
        self.secrets.push(secret.to_owned());
    }

    /// The secrets of a JSON document (the string values of `members`, at
    /// any depth), and its other texts as quotable. Nothing, if it is no
    /// JSON object, or one of more values than any source reads (which
    /// would cost more heap here than the sources may).
    pub(super) fn document(&mut self, bytes: &[u8], members: &[&str]) {
        if value_bound(bytes) > MAX_SSO_VALUES {
            return;
        }
        if let Some(doc) = object(bytes) {
            for (key, value) in &doc {
                self.walk(key, value, members);
            }
        }
    }

    fn walk(&mut self, key: &str, value: &Value, members: &[&str]) {
        self.quotable(key);
        match value {
            Value::String(s) if members.contains(&key) => self.secrets.push(s.clone()),
            Value::String(s) if !SECRET_MEMBERS.contains(&key) => self.quotable(s),
            Value::Array(items) => items.iter().for_each(|v| self.walk("", v, members)),
            Value::Object(map) => map.iter().for_each(|(k, v)| self.walk(k, v, members)),
            _ => {}
        }
    }

    /// `text` as errors may show it: as is, escaped, and as a time.
    fn quotable(&mut self, text: &str) {
        self.quotable.push(text.to_owned());
        self.quotable.push(format!("{text:?}"));
        self.quotable.push(text.escape_default().to_string());
        if let Ok(at) = parse_timestamp(text) {
            self.quotable.push(format_timestamp(at));
        }
    }

    /// The secrets worth looking for in a text that may also show `plain`.
    fn checked<'a>(&'a self, plain: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.secrets.iter().map(String::as_str).filter(move |s| {
            s.len() >= MIN_CHECKED_BYTES
                && !plain.contains(s)
                && !self.quotable.iter().any(|q| q.contains(s))
        })
    }

    /// `shown` (a `Debug` that may show `plain`) holds no secret.
    pub(super) fn check_debug(&self, shown: &str, plain: &str) {
        for secret in self.checked(plain) {
            assert!(!shown.contains(secret), "a secret in {shown:?}");
        }
    }

    /// Neither the text nor the `Debug` of `error` holds a secret.
    pub(super) fn check_error(&self, error: &CredentialsError) {
        self.check_debug(&error.to_string(), "");
        self.check_debug(&format!("{error:?}"), "");
    }

    /// Accepted credentials show no secret in `Debug`; nor does a refusal.
    pub(super) fn check_credentials(&self, got: Result<&Credentials, &CredentialsError>) {
        match got {
            Ok(creds) => {
                let mut others = Credentials::new(creds.access_key_id(), "", None);
                if let Some(at) = creds.expiration() {
                    others = others.with_expiration(at);
                }
                if let Some(account_id) = creds.account_id() {
                    others = others.with_account_id(account_id);
                }
                self.check_debug(&format!("{creds:?}"), &format!("{others:?}"));
            }
            Err(e) => self.check_error(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "a secret in")]
    fn a_secret_in_an_error_is_found() {
        let mut secrets = Secrets::new();
        secrets.document(br#"{"Token":"SessionTokenValue"}"#, &["Token"]);
        secrets.check_debug("refused: SessionTokenValue", "");
    }

    #[test]
    fn texts_errors_may_quote_are_no_leak() {
        let mut secrets = Secrets::new();
        // A secret that is also a member name, a start URL or a time.
        secrets.document(
            br#"{"SecretAccessKey":"AccessKeyId","Token":"https://u.example",
                 "startUrl":"https://u.example/start","accessToken":"2021-09-20T12:00:00Z"}"#,
            &["SecretAccessKey", "Token", "accessToken"],
        );
        secrets.check_debug(
            "the credentials document has no AccessKeyId; start URL https://u.example/start; \
             now 2021-09-20T12:00:00Z",
            "",
        );
    }
}
