//! The token cache `aws login` writes: one JSON file per session, named by
//! the SHA-256 of the session's identifier.
//!
//! ```json
//! { "accessToken": { "accessKeyId": "…", "secretAccessKey": "…",
//!     "sessionToken": "…", "accountId": "…", "expiresAt": "2025-11-19T00:15:00Z" },
//!   "clientId": "arn:aws:signin:::devtools/same-device",
//!   "refreshToken": "…", "idToken": "…", "dpopKey": "-----BEGIN EC PRIVATE KEY-----…" }
//! ```

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sts_proto::time::{format_timestamp, parse_timestamp, unix_seconds};
use sts_proto::{Credentials, SecretString};
use zeroize::Zeroizing;

use super::json;
use crate::credentials::ProviderConfig;

/// Largest cache file read: a real one is about 3 KiB.
pub(super) const MAX_CACHE_BYTES: u64 = 64 * 1024;

/// The variable that moves the cache directory, as in the AWS SDKs.
const CACHE_DIRECTORY_VAR: &str = "AWS_LOGIN_CACHE_DIRECTORY";

/// Where the cache of `session` is: `AWS_LOGIN_CACHE_DIRECTORY` (its
/// `$NAME`s and a leading `~` expanded, as botocore expands them), else
/// `~/.aws/login/cache`, and in it the lowercase hex SHA-256 of the session
/// (trimmed) with `.json`.
pub(super) fn cache_path(config: &ProviderConfig, session: &str) -> Result<PathBuf, String> {
    let dir = match config.env().get_nonempty(CACHE_DIRECTORY_VAR) {
        Some(dir) => {
            let expanded = crate::profile::location::expand_vars(dir.trim(), config.env());
            PathBuf::from(crate::profile::location::expand_home(
                &expanded,
                config.home_dir().as_deref(),
                config.platform(),
            ))
        }
        None => match config.home_dir() {
            Some(home) => PathBuf::from(home).join(".aws").join("login").join("cache"),
            None => {
                return Err(format!(
                    "no home directory is known (HOME is not set) and {CACHE_DIRECTORY_VAR} is \
                     not set, so the login session cache cannot be found"
                ));
            }
        },
    };
    let digest = Sha256::digest(session.trim().as_bytes());
    let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(dir.join(format!("{name}.json")))
}

/// A cache file as read: the whole document (written back with every field
/// it had, known or not), and the credentials in it.
pub(super) struct CachedSession {
    doc: Map<String, Value>,
    credentials: Credentials,
    expires_at: SystemTime,
}

impl fmt::Debug for CachedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedSession")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Drop for CachedSession {
    fn drop(&mut self) {
        json::wipe_map(std::mem::take(&mut self.doc));
    }
}

/// What a refresh gave: new credentials valid for `expires_in`, and the
/// refresh token to use next time.
pub(super) struct Refreshed {
    pub(super) access_key_id: String,
    pub(super) secret_access_key: SecretString,
    pub(super) session_token: SecretString,
    pub(super) refresh_token: SecretString,
    pub(super) expires_in: Duration,
}

impl CachedSession {
    /// Reads a cache file. Everything a refresh needs must be there too
    /// (`clientId`, `refreshToken`, `dpopKey`), as the AWS SDKs require: a
    /// file without them is not one `aws login` wrote. The error names the
    /// field, never a value.
    pub(super) fn parse(bytes: &[u8]) -> Result<Self, String> {
        let doc = json::parse_object(bytes)?;
        let read = || -> Result<(Credentials, SystemTime), String> {
            let token = json::object(&doc, "accessToken")?;
            let field = |key| json::string(token, "accessToken.", key);
            let access_key_id = field("accessKeyId")?;
            let secret = field("secretAccessKey")?;
            let session_token = field("sessionToken")?;
            let expires_at = parse_timestamp(field("expiresAt")?).map_err(|e| {
                format!(
                    "accessToken.expiresAt is not an ISO 8601 time ({})",
                    e.reason
                )
            })?;
            let mut credentials = Credentials::new(
                access_key_id.trim(),
                SecretString::new(secret.trim()),
                Some(SecretString::new(session_token.trim())),
            )
            .with_expiration(expires_at);
            match token.get("accountId") {
                None | Some(Value::Null) => {}
                Some(Value::String(id)) => credentials = credentials.with_account_id(id.trim()),
                Some(_) => return Err("accessToken.accountId is not a string".to_owned()),
            }
            for key in ["clientId", "refreshToken", "dpopKey"] {
                json::string(&doc, "", key)?;
            }
            Ok((credentials, expires_at))
        };
        match read() {
            Ok((credentials, expires_at)) => Ok(Self {
                doc,
                credentials,
                expires_at,
            }),
            Err(e) => {
                json::wipe_map(doc);
                Err(e)
            }
        }
    }

    /// The credentials, with their expiration and account.
    pub(super) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// When the credentials expire.
    pub(super) fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// `clientId`, the sign-in client the session belongs to.
    pub(super) fn client_id(&self) -> &str {
        self.top("clientId")
    }

    /// `refreshToken`.
    pub(super) fn refresh_token(&self) -> &str {
        self.top("refreshToken")
    }

    /// `dpopKey`, the PEM of the session's private key.
    pub(super) fn dpop_key(&self) -> &str {
        self.top("dpopKey")
    }

    /// A top-level string [`parse`](Self::parse) checked.
    fn top(&self, key: &str) -> &str {
        json::string(&self.doc, "", key).unwrap_or_default()
    }

    /// The session after a refresh at `now`: the new credentials (expiring
    /// `expires_in` after `now`, in whole seconds, with the account id the
    /// cache had) and refresh token; every other field as it was.
    pub(super) fn refreshed(mut self, new: Refreshed, now: SystemTime) -> Self {
        // Whole seconds, as `aws login` writes the time; never later than
        // the service said.
        let base = sts_proto::time::from_unix(unix_seconds(now), 0).unwrap_or(now);
        let expires_at = base.checked_add(new.expires_in).unwrap_or(base);
        let mut doc = std::mem::take(&mut self.doc);
        if let Some(Value::Object(token)) = doc.get_mut("accessToken") {
            let mut set = |key: &str, value: &str| {
                if let Some(old) = token.insert(key.to_owned(), Value::String(value.to_owned())) {
                    json::wipe_value(old);
                }
            };
            set("accessKeyId", &new.access_key_id);
            set("secretAccessKey", new.secret_access_key.expose());
            set("sessionToken", new.session_token.expose());
            set("expiresAt", &format_timestamp(expires_at));
        }
        if let Some(old) = doc.insert(
            "refreshToken".to_owned(),
            Value::String(new.refresh_token.expose().to_owned()),
        ) {
            json::wipe_value(old);
        }
        let mut credentials = Credentials::new(
            new.access_key_id,
            new.secret_access_key,
            Some(new.session_token),
        )
        .with_expiration(expires_at);
        if let Some(id) = self.credentials.account_id() {
            credentials = credentials.with_account_id(id);
        }
        self.credentials = credentials;
        self.expires_at = expires_at;
        self.doc = doc;
        self
    }

    /// The region the session was signed in to (`signInRegion`), which
    /// botocore refreshes it in whatever region is configured.
    pub(super) fn sign_in_region(&self) -> Option<&str> {
        match self.doc.get("signInRegion") {
            Some(Value::String(region)) if !region.trim().is_empty() => Some(region.trim()),
            _ => None,
        }
    }

    /// The document as compact JSON, for writing back, as botocore writes
    /// it; wiped when dropped. Empty if it would be larger than this
    /// reader reads: written, the next run would refuse it.
    pub(super) fn to_json(&self) -> Zeroizing<Vec<u8>> {
        // One buffer big enough from the start, so that growing it leaves
        // no partial copies of the tokens behind.
        let limit = usize::try_from(MAX_CACHE_BYTES).unwrap_or(usize::MAX);
        let mut out = Zeroizing::new(Vec::with_capacity(limit));
        let written = serde_json::to_writer(&mut *out, &self.doc);
        if written.is_err() || out.len() > limit {
            out.clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MapFs;
    use crate::env::MapEnv;

    const FILE: &str = r#"{
      "accessToken": {"accessKeyId": "AKID", "secretAccessKey": "SECRET",
        "sessionToken": "TOKEN", "accountId": "012345678901",
        "expiresAt": "2020-01-01T00:00:00Z", "extra": 1},
      "clientId": "arn:aws:signin:::devtools/same-device",
      "refreshToken": "REFRESH", "idToken": "ID", "dpopKey": "KEY", "future": [1, 2]
    }"#;

    #[test]
    fn the_path_is_the_hash_of_the_session() {
        let config = ProviderConfig::new().with_env(MapEnv::new([("HOME", "/home/user")]));
        let path = cache_path(
            &config,
            " arn:aws:sts::012345678910:assumed-role/Admin/admin\n",
        )
        .unwrap();
        assert_eq!(
            path,
            PathBuf::from(
                "/home/user/.aws/login/cache/\
                 4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json"
            )
        );
        let moved = ProviderConfig::new().with_env(MapEnv::new([
            ("HOME", "/home/user"),
            ("AWS_LOGIN_CACHE_DIRECTORY", "/tmp/c"),
        ]));
        assert!(cache_path(&moved, "s").unwrap().starts_with("/tmp/c"));
        // `$NAME` and `~` expanded, as botocore expands them (found by
        // comparing with botocore 1.44.8: taken as written, relative).
        for dir in ["~/mycache", "$HOME/mycache", "${HOME}/mycache"] {
            let moved = ProviderConfig::new().with_env(MapEnv::new([
                ("HOME", "/home/user"),
                ("AWS_LOGIN_CACHE_DIRECTORY", dir),
            ]));
            assert!(
                cache_path(&moved, "s")
                    .unwrap()
                    .starts_with("/home/user/mycache"),
                "{dir}"
            );
        }
        let homeless = ProviderConfig::new()
            .with_env(MapEnv::new(Vec::<(String, String)>::new()))
            .with_fs(MapFs::new());
        assert!(cache_path(&homeless, "s").unwrap_err().contains("HOME"));
    }

    #[test]
    fn a_refresh_keeps_every_other_field() {
        let cached = CachedSession::parse(FILE.as_bytes()).unwrap();
        assert_eq!(cached.credentials().account_id(), Some("012345678901"));
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_763_510_400_500);
        let next = cached.refreshed(
            Refreshed {
                access_key_id: "NEW".to_owned(),
                secret_access_key: SecretString::new("NEWSECRET"),
                session_token: SecretString::new("NEWTOKEN"),
                refresh_token: SecretString::new("NEWREFRESH"),
                expires_in: Duration::from_secs(900),
            },
            now,
        );
        assert_eq!(format_timestamp(next.expires_at()), "2025-11-19T00:15:00Z");
        let doc: Value = serde_json::from_slice(&next.to_json()).unwrap();
        let expected: Value = serde_json::json!({
          "accessToken": {"accessKeyId": "NEW", "secretAccessKey": "NEWSECRET",
            "sessionToken": "NEWTOKEN", "accountId": "012345678901",
            "expiresAt": "2025-11-19T00:15:00Z", "extra": 1},
          "clientId": "arn:aws:signin:::devtools/same-device",
          "refreshToken": "NEWREFRESH", "idToken": "ID", "dpopKey": "KEY", "future": [1, 2]
        });
        assert_eq!(doc, expected);
        assert_eq!(next.credentials().account_id(), Some("012345678901"));
        // Compact, as botocore writes it; and never larger than is read
        // back (a pretty-printed write-back of a file near the limit was
        // refused by the next run).
        assert!(!next.to_json().contains(&b'\n'));
        let mut big = next;
        big.doc.insert(
            "padding".to_owned(),
            Value::String("x".repeat(usize::try_from(MAX_CACHE_BYTES).unwrap())),
        );
        assert!(big.to_json().is_empty());
    }

    #[test]
    fn missing_and_wrong_fields_are_named() {
        let cases = [
            ("\"accessToken\"", "accessToken is missing"),
            ("\"accessKeyId\"", "accessToken.accessKeyId is missing"),
            (
                "\"expiresAt\": \"2020-01-01T00:00:00Z\"",
                "accessToken.expiresAt is missing",
            ),
            ("\"refreshToken\"", "refreshToken is missing"),
            ("\"clientId\"", "clientId is missing"),
            ("\"dpopKey\"", "dpopKey is missing"),
        ];
        for (cut, expected) in cases {
            let replacement = if cut.contains(':') {
                "\"other\": 0"
            } else {
                "\"renamed\""
            };
            let text = FILE.replacen(cut, replacement, 1);
            let err = CachedSession::parse(text.as_bytes()).unwrap_err();
            assert!(err.contains(expected), "{cut}: {err}");
        }
        let bad_time = FILE.replace("2020-01-01T00:00:00Z", "yesterday");
        let err = CachedSession::parse(bad_time.as_bytes()).unwrap_err();
        assert!(err.contains("expiresAt is not an ISO 8601 time"), "{err}");
        assert!(!err.contains("yesterday"), "{err}");
        for secret in ["SECRET", "TOKEN", "REFRESH", "KEY"] {
            for (cut, _) in cases {
                let err = CachedSession::parse(FILE.replacen(cut, "\"x\"", 1).as_bytes())
                    .err()
                    .unwrap_or_default();
                assert!(!err.contains(secret), "{err}");
            }
        }
    }
}
