//! The token cache file the AWS CLI writes at `aws sso login`: read it,
//! and write it back with a refreshed token.

use std::time::SystemTime;

use serde_json::Value;
use sts_proto::SecretString;
use sts_proto::time::{format_timestamp, parse_timestamp};

use super::json::{SecretObject, parse_object};

/// Largest cache file read: the AWS CLI's are well under 4 KiB.
pub(super) const MAX_CACHE_BYTES: u64 = 64 * 1024;

/// A cached token, and what its refresh needs.
pub(super) struct CachedToken {
    pub(super) access_token: SecretString,
    pub(super) expires_at: SystemTime,
    /// `startUrl`, when the file has one.
    pub(super) start_url: Option<String>,
    /// The OIDC client registration and refresh token, when the file holds
    /// all of them.
    pub(super) refresh: Option<RefreshGrant>,
    /// The whole document, written back with the new token so that the
    /// members this crate does not know survive.
    document: SecretObject,
}

/// What the OIDC `CreateToken` refresh grant needs.
pub(super) struct RefreshGrant {
    pub(super) refresh_token: SecretString,
    pub(super) client_id: String,
    pub(super) client_secret: SecretString,
    /// When the client registration ends (`registrationExpiresAt`); after
    /// that no refresh can work.
    pub(super) registration_expires_at: SystemTime,
}

/// `read`'s member, or none (logged) when it is malformed.
fn lenient<T>(read: Result<Option<T>, String>) -> Option<T> {
    read.unwrap_or_else(|why| {
        log::warn!("SSO token cache: {why}; the token cannot be refreshed");
        None
    })
}

/// Reads a cache file's bytes, or says what is wrong with them (never
/// quoting a token).
pub(super) fn parse(bytes: &[u8]) -> Result<CachedToken, String> {
    let document = parse_object(bytes)?;
    let access_token = SecretString::new(document.required("accessToken")?);
    let expires_at =
        time(&document, "expiresAt")?.ok_or_else(|| "`expiresAt` is missing".to_owned())?;
    // The rest only serves a refresh (and a legacy profile's start URL
    // check): a malformed member costs the refresh, not the token, as in
    // botocore, which reads them only when it refreshes.
    let start_url = lenient(document.string("startUrl")).map(str::to_owned);
    let registration_expires_at = lenient(time(&document, "registrationExpiresAt"));
    let refresh = match (
        lenient(document.string("refreshToken")),
        lenient(document.string("clientId")),
        lenient(document.string("clientSecret")),
        registration_expires_at,
    ) {
        (Some(token), Some(id), Some(secret), Some(registration_expires_at))
            if !token.is_empty() && !id.is_empty() && !secret.is_empty() =>
        {
            Some(RefreshGrant {
                refresh_token: SecretString::new(token),
                client_id: id.to_owned(),
                client_secret: SecretString::new(secret),
                registration_expires_at,
            })
        }
        _ => None,
    };
    Ok(CachedToken {
        access_token,
        expires_at,
        start_url,
        refresh,
        document,
    })
}

/// The time at `key`. Older releases of AWS CLI v2 wrote it with `UTC`
/// in place of `Z` (`2031-01-01T00:00:00UTC`); botocore reads that (its
/// dateutil does) and so did aws-sdk-rust after its issue 438, so it is
/// read as `Z`.
fn time(document: &SecretObject, key: &str) -> Result<Option<SystemTime>, String> {
    match document.string(key)? {
        None => Ok(None),
        Some(text) => {
            let parsed = match text.strip_suffix("UTC") {
                Some(utc) => parse_timestamp(&format!("{utc}Z")),
                None => parse_timestamp(text),
            };
            parsed
                .map(Some)
                .map_err(|e| format!("`{key}` is not an RFC 3339 time: {}", e.reason))
        }
    }
}

impl CachedToken {
    /// The file's text with the refreshed token in place of the old one,
    /// every other member kept.
    pub(super) fn refreshed_document(
        &self,
        access_token: &SecretString,
        expires_at: SystemTime,
        refresh_token: Option<&SecretString>,
    ) -> zeroize::Zeroizing<Vec<u8>> {
        let mut document = SecretObject(self.document.0.clone());
        let mut set = |key: &str, value: String| {
            if let Some(Value::String(old)) =
                document.0.insert(key.to_owned(), Value::String(value))
            {
                crate::credentials::provider_config::wipe(old.into_bytes());
            }
        };
        set("accessToken", access_token.expose().to_owned());
        set("expiresAt", format_timestamp(expires_at));
        if let Some(token) = refresh_token {
            set("refreshToken", token.expose().to_owned());
        }
        // Sized first, so that the buffer never grows and leaves a copy of
        // the tokens behind. Writing a map of strings cannot fail.
        let mut size = Count(0);
        let _ = serde_json::to_writer_pretty(&mut size, &document.0);
        let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(size.0));
        let _ = serde_json::to_writer_pretty(&mut *bytes, &document.0);
        bytes
    }
}

/// A writer that only counts.
struct Count(usize);

impl std::io::Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"{
        "accessToken": "secret-access-token",
        "expiresAt": "2199-11-14T04:05:45Z",
        "refreshToken": "secret-refresh-token",
        "clientId": "ABCDEFG",
        "clientSecret": "ABCDE123",
        "registrationExpiresAt": "2199-03-06T19:53:17Z",
        "region": "us-east-1",
        "startUrl": "https://d-abc123.awsapps.com/start",
        "somethingNew": {"kept": true}
    }"#;

    #[test]
    fn a_full_file_can_be_refreshed_and_keeps_unknown_members() {
        let t = parse(FULL.as_bytes()).unwrap();
        assert_eq!(t.access_token.expose(), "secret-access-token");
        assert_eq!(
            t.start_url.as_deref(),
            Some("https://d-abc123.awsapps.com/start")
        );
        let grant = t.refresh.as_ref().unwrap();
        assert_eq!(grant.client_id, "ABCDEFG");
        let at = parse_timestamp("2200-01-01T00:00:00Z").unwrap();
        let text = t.refreshed_document(&SecretString::new("new-token"), at, None);
        assert_eq!(text.len(), text.capacity(), "sized before writing");
        let doc: serde_json::Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(doc["accessToken"], "new-token");
        assert_eq!(doc["expiresAt"], "2200-01-01T00:00:00Z");
        assert_eq!(doc["refreshToken"], "secret-refresh-token");
        assert_eq!(doc["somethingNew"]["kept"], true);
        assert_eq!(doc["region"], "us-east-1");
    }

    /// Found by comparing with botocore 1.44.8: a cache file that an older
    /// AWS CLI v2 wrote was refused ("not an RFC 3339 time").
    #[test]
    fn a_time_ending_in_utc_is_read_as_z() {
        let t = parse(
            br#"{"accessToken":"a","expiresAt":"2080-10-16T03:56:45UTC",
                "refreshToken":"r","clientId":"c","clientSecret":"s",
                "registrationExpiresAt":"2081-01-01T00:00:00UTC"}"#,
        )
        .unwrap();
        assert_eq!(
            t.expires_at,
            parse_timestamp("2080-10-16T03:56:45Z").unwrap()
        );
        let e = parse(br#"{"accessToken":"a","expiresAt":"2080-10-16T03:56:45ZUTC"}"#)
            .err()
            .unwrap();
        assert!(e.contains("`expiresAt` is not"), "{e}");
    }

    /// Found by comparing with botocore 1.44.8: a malformed member that
    /// only a refresh needs made a valid token unusable.
    #[test]
    fn a_malformed_refresh_member_costs_the_refresh_not_the_token() {
        for bad in [
            r#""registrationExpiresAt":"never""#,
            r#""clientId":5"#,
            r#""startUrl":[1]"#,
        ] {
            let text = format!(
                r#"{{"accessToken":"a","expiresAt":"2080-10-16T03:56:45Z","refreshToken":"r",
                    "clientId":"c","clientSecret":"s",
                    "registrationExpiresAt":"2081-01-01T00:00:00Z",{bad}}}"#
            );
            let t = parse(text.as_bytes()).unwrap_or_else(|e| panic!("{bad}: {e}"));
            assert_eq!(t.access_token.expose(), "a");
            if !bad.contains("startUrl") {
                assert!(t.refresh.is_none(), "{bad}");
            }
        }
    }

    #[test]
    fn a_file_without_a_registration_is_not_refreshable() {
        let t = parse(br#"{"accessToken":"a","expiresAt":"2080-10-16T03:56:45Z"}"#).unwrap();
        assert!(t.refresh.is_none() && t.start_url.is_none());
    }

    #[test]
    fn bad_files_say_what_is_wrong_without_the_token() {
        for (text, want) in [
            (
                r#"{"expiresAt":"2080-10-16T03:56:45Z"}"#,
                "`accessToken` is missing",
            ),
            (r#"{"accessToken":"TOKENX"}"#, "`expiresAt` is missing"),
            (
                r#"{"accessToken":"TOKENX","expiresAt":"soon"}"#,
                "`expiresAt` is not",
            ),
            (
                r#"{"accessToken":7,"expiresAt":"2080-10-16T03:56:45Z"}"#,
                "not a string",
            ),
            (r#"{"accessToken":"TOKENX""#, "not valid JSON"),
            ("", "not valid JSON"),
        ] {
            let e = parse(text.as_bytes()).err().unwrap();
            assert!(e.contains(want) && !e.contains("TOKENX"), "{text}: {e}");
        }
    }
}
