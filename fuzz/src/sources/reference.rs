//! What the documented rules of each credential source make of its
//! inputs, read here with `serde_json` into plain maps: the reference the
//! providers must agree with exactly. A refusal is given as a phrase the
//! provider's reason must contain.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use sts_blocking::credentials::CredentialsErrorKind;
use sts_proto::Credentials;
use sts_proto::time::{format_timestamp, parse_timestamp};

use super::world::{Answer, ENDPOINT};

/// The largest credentials document, cache file and SSO answer read.
pub(super) const MAX_BYTES: usize = 64 * 1024;
/// The most JSON values a metadata credentials document may hold.
const MAX_DOCUMENT_VALUES: usize = 256;
/// The most JSON values an SSO cache file or answer may hold.
pub(super) const MAX_SSO_VALUES: usize = 4096;
/// 9999-12-31T23:59:59Z, the last time the cache's `expiresAt` (with its
/// four-digit year) can hold: a token must not outlive its cache.
const LAST_CACHEABLE_SECOND: u64 = 253_402_300_799;
/// A cached SSO token this close to its expiry is refreshed.
const REFRESH_WINDOW: Duration = Duration::from_secs(300);

/// A refusal: its kind, and a phrase of its reason.
pub(super) type Refusal = (CredentialsErrorKind, String);

fn failed(phrase: impl Into<String>) -> Refusal {
    (CredentialsErrorKind::Failed, phrase.into())
}

/// One more than the commas and opening brackets outside strings: the
/// documented bound on a document's JSON values.
pub(super) fn value_bound(bytes: &[u8]) -> usize {
    let mut values = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b',' | b'[' | b'{') {
            values += 1;
        }
    }
    values
}

/// `bytes` as a JSON object, if they are one.
pub(super) fn object(bytes: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// What an expired credentials document is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expired {
    /// Refused (the container endpoint).
    Refused,
    /// Taken as valid for `IMDS_EXTENSION` from `now` (instance metadata,
    /// as botocore and aws-sdk-rust take it).
    Extended,
}

/// The instance metadata and container credentials document: `Code`, if
/// a string, is `Success`; `AccessKeyId`, `SecretAccessKey`, `Token` and
/// `Expiration` are strings not blank; `Expiration` is an ISO 8601 time,
/// after `now` unless `expired` extends it; `AccountId` is a string or
/// absent; `null` is absent.
pub(super) fn metadata_document(
    body: &[u8],
    now: SystemTime,
    expired: Expired,
) -> Result<Credentials, Refusal> {
    let what = "the credentials document";
    if body.len() > MAX_BYTES {
        return Err(failed(format!("more than the {MAX_BYTES} bytes allowed")));
    }
    if value_bound(body) > MAX_DOCUMENT_VALUES {
        return Err(failed(format!(
            "holds more than {MAX_DOCUMENT_VALUES} JSON values"
        )));
    }
    let Ok(doc) = serde_json::from_slice::<Map<String, Value>>(body) else {
        return Err(failed(format!("{what} is not a JSON object (")));
    };
    let string = |key: &str| -> Result<Option<&str>, Refusal> {
        match doc.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(failed(format!("{key} in {what} is not a string"))),
        }
    };
    let required = |key: &str| -> Result<&str, Refusal> {
        match string(key)? {
            None => Err(failed(format!("{what} has no {key}"))),
            Some(s) if s.trim().is_empty() => Err(failed(format!("{key} in {what} is empty"))),
            Some(s) => Ok(s),
        }
    };
    if string("Code")?.is_some_and(|code| code != "Success") {
        return Err(failed(format!("{what} has Code ")));
    }
    let key = required("AccessKeyId")?;
    let secret = required("SecretAccessKey")?;
    let token = required("Token")?;
    let expiration = required("Expiration")?;
    let Ok(at) = parse_timestamp(expiration) else {
        return Err(failed(format!(
            "Expiration in {what} is not an ISO 8601 time: "
        )));
    };
    let at = match (at <= now, expired) {
        (false, _) => at,
        (true, Expired::Extended) => now + super::world::IMDS_EXTENSION,
        (true, Expired::Refused) => {
            return Err((
                CredentialsErrorKind::Expired,
                format!("expired at {}", format_timestamp(at)),
            ));
        }
    };
    let mut creds = Credentials::new(key, secret, Some(token.into())).with_expiration(at);
    if let Some(account_id) = string("AccountId")? {
        creds = creds.with_account_id(account_id);
    }
    Ok(creds)
}

/// A document of the SSO token cache or services: a JSON object of at
/// most [`MAX_SSO_VALUES`] values.
fn sso_object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    if value_bound(bytes) > MAX_SSO_VALUES {
        return Err(format!("it holds more than {MAX_SSO_VALUES} JSON values"));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("it is JSON but not an object".to_owned()),
        Err(_) => Err("it is not valid JSON".to_owned()),
    }
}

/// The string member `key`: absent or `null` is `None`.
fn string<'a>(doc: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` is not a string")),
    }
}

/// The string member `key`, present and not blank.
fn required<'a>(doc: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    match string(doc, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(format!("`{key}` is empty")),
        None => Err(format!("`{key}` is missing")),
    }
}

/// The whole-number member `key`: an integer, or a float with no fraction
/// below 9e15 in magnitude.
fn whole(doc: &Map<String, Value>, key: &str) -> Result<Option<i64>, String> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                return Ok(Some(i));
            }
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
                _ => Err(format!("`{key}` is not a whole number")),
            }
        }
        Some(_) => Err(format!("`{key}` is not a number")),
    }
}

/// The time member `key`, an RFC 3339 string.
fn time(doc: &Map<String, Value>, key: &str) -> Result<Option<SystemTime>, String> {
    match string(doc, key)? {
        None => Ok(None),
        Some(text) => parse_timestamp(text)
            .map(Some)
            .map_err(|_| format!("`{key}` is not an RFC 3339 time")),
    }
}

/// The SSO session a token is read for.
pub(super) struct Session<'a> {
    /// Whether it is an `[sso-session]` (whose tokens are refreshed).
    pub(super) named: bool,
    pub(super) start_url: &'a str,
}

/// A usable SSO token, as the reference reads it.
#[derive(Debug)]
pub(super) struct Token {
    pub(super) token: String,
    pub(super) expiration: SystemTime,
    /// The cache file after a refresh: the old one with the new token.
    pub(super) written: Option<Map<String, Value>>,
}

/// What reading an SSO token does.
#[derive(Debug)]
pub(super) struct SsoReading {
    /// The `CreateToken` request body, when a refresh is tried.
    pub(super) refresh_request: Option<Map<String, Value>>,
    pub(super) token: Result<Token, String>,
}

/// The token of `session` from the cache file `cache`, refreshed with the
/// `CreateToken` answer `oidc` when it expires within five minutes, the
/// session is named and the cache holds a refresh token and a client
/// registration that has not expired. A failed refresh leaves the old
/// token, if it has not expired.
pub(super) fn sso_token(
    cache: &[u8],
    session: &Session<'_>,
    oidc: &Answer,
    now: SystemTime,
) -> SsoReading {
    let mut reading = SsoReading {
        refresh_request: None,
        token: Err(String::new()),
    };
    if cache.len() > MAX_BYTES {
        reading.token = Err(format!("the file is larger than {MAX_BYTES} bytes"));
        return reading;
    }
    let unusable = |why: String| format!("is unusable: {why}");
    let doc = match sso_object(cache) {
        Ok(doc) => doc,
        Err(why) => {
            reading.token = Err(unusable(why));
            return reading;
        }
    };
    let read = || -> Result<_, String> {
        let token = required(&doc, "accessToken")?;
        let expires_at = time(&doc, "expiresAt")?.ok_or("`expiresAt` is missing")?;
        // Members only a refresh (or a legacy start URL check) needs: a
        // malformed one costs the refresh, not the token, as in botocore.
        let start_url = string(&doc, "startUrl").ok().flatten();
        let refresh_token = string(&doc, "refreshToken").ok().flatten();
        let client_id = string(&doc, "clientId").ok().flatten();
        let client_secret = string(&doc, "clientSecret").ok().flatten();
        let registration = time(&doc, "registrationExpiresAt").ok().flatten();
        let grant = match (refresh_token, client_id, client_secret, registration) {
            (Some(r), Some(i), Some(s), Some(at))
                if !r.is_empty() && !i.is_empty() && !s.is_empty() =>
            {
                Some((r, i, s, at))
            }
            _ => None,
        };
        Ok((token, expires_at, start_url, grant))
    };
    let (token, expires_at, start_url, grant) = match read() {
        Ok(fields) => fields,
        Err(why) => {
            reading.token = Err(unusable(why));
            return reading;
        }
    };
    // A named session's file is found by its name; only a legacy one's
    // start URL is compared.
    if !session.named && start_url.is_some_and(|url| url.trim() != session.start_url) {
        reading.token = Err("the cached token is for start URL".to_owned());
        return reading;
    }
    let cached = Token {
        token: token.to_owned(),
        expiration: expires_at,
        written: None,
    };
    if expires_at
        .duration_since(now)
        .is_ok_and(|left| left > REFRESH_WINDOW)
    {
        reading.token = Ok(cached);
        return reading;
    }
    let mut why = None;
    if let (true, Some((refresh_token, client_id, client_secret, registration))) =
        (session.named, grant)
    {
        if registration > now {
            let mut request = Map::new();
            for (key, value) in [
                ("clientId", client_id),
                ("clientSecret", client_secret),
                ("grantType", "refresh_token"),
                ("refreshToken", refresh_token),
            ] {
                request.insert(key.to_owned(), Value::String(value.to_owned()));
            }
            reading.refresh_request = Some(request);
            match refreshed(&doc, oidc, now) {
                Ok(token) => {
                    reading.token = Ok(token);
                    return reading;
                }
                Err(e) => why = Some(e),
            }
        } else {
            why = Some("the OIDC client registration expired".to_owned());
        }
    }
    reading.token = if expires_at > now {
        Ok(cached)
    } else {
        Err(match why {
            Some(why) => format!("could not be refreshed: {why}"),
            None => "the SSO session has expired".to_owned(),
        })
    };
    reading
}

/// The token `CreateToken` answered with `oidc`, and the cache `doc`
/// written back with it; or why not.
fn refreshed(doc: &Map<String, Value>, oidc: &Answer, now: SystemTime) -> Result<Token, String> {
    let (status, body) = oidc;
    if body.len() > MAX_BYTES {
        return Err(format!(
            "CreateToken: the response (status {status}) is larger than {MAX_BYTES} bytes"
        ));
    }
    if !(200..300).contains(status) {
        return Err(format!("CreateToken at {ENDPOINT} answered HTTP {status}"));
    }
    let unusable =
        |why: String| format!("CreateToken at {ENDPOINT} gave an unusable answer: {why}");
    let answer = sso_object(body).map_err(unusable)?;
    let token = required(&answer, "accessToken").map_err(unusable)?;
    let expires_in = whole(&answer, "expiresIn")
        .map_err(unusable)?
        .ok_or_else(|| unusable("`expiresIn` is missing".to_owned()))?;
    if expires_in <= 0 {
        return Err(unusable("`expiresIn` is not positive".to_owned()));
    }
    let refresh_token = string(&answer, "refreshToken")
        .map_err(unusable)?
        .filter(|t| !t.is_empty());
    let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let expiration = now_secs
        .checked_add(expires_in.unsigned_abs())
        .filter(|secs| *secs <= LAST_CACHEABLE_SECOND)
        .map(|secs| UNIX_EPOCH + Duration::from_secs(secs))
        .ok_or_else(|| unusable("`expiresIn` is out of range".to_owned()))?;
    let mut written = doc.clone();
    written.insert("accessToken".to_owned(), Value::String(token.to_owned()));
    written.insert(
        "expiresAt".to_owned(),
        Value::String(format_timestamp(expiration)),
    );
    if let Some(refresh_token) = refresh_token {
        written.insert(
            "refreshToken".to_owned(),
            Value::String(refresh_token.to_owned()),
        );
    }
    Ok(Token {
        token: token.to_owned(),
        expiration,
        written: Some(written),
    })
}

/// The credentials of a `GetRoleCredentials` answer: the object
/// `roleCredentials` with `accessKeyId`, `secretAccessKey` and
/// `sessionToken` not blank and `expiration` in milliseconds since 1970.
pub(super) fn role_credentials(body: &[u8]) -> Result<Credentials, String> {
    let unusable = |why: String| format!("gave an unusable answer: {why}");
    let doc = sso_object(body).map_err(unusable)?;
    let role = match doc.get("roleCredentials") {
        Some(Value::Object(role)) => role,
        None | Some(Value::Null) => return Err(unusable("`roleCredentials` is missing".into())),
        Some(_) => return Err(unusable("`roleCredentials` is not an object".into())),
    };
    let key = required(role, "accessKeyId").map_err(unusable)?;
    let secret = required(role, "secretAccessKey").map_err(unusable)?;
    let token = required(role, "sessionToken").map_err(unusable)?;
    let millis = whole(role, "expiration")
        .map_err(unusable)?
        .ok_or_else(|| unusable("`expiration` is missing".to_owned()))?;
    let since = Duration::from_millis(millis.unsigned_abs());
    let expiration = if millis >= 0 {
        UNIX_EPOCH.checked_add(since)
    } else {
        UNIX_EPOCH.checked_sub(since)
    }
    .ok_or_else(|| unusable("`expiration` is out of range".to_owned()))?;
    Ok(Credentials::new(key, secret, Some(token.into())).with_expiration(expiration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_bound_counts_outside_strings() {
        assert_eq!(value_bound(br#"{"a":"b,c[{","d":[1,2]}"#), 5);
        assert_eq!(value_bound(br#""\",,,""#), 1);
    }

    #[test]
    fn negative_milliseconds_are_before_1970() {
        let body = br#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S",
                        "sessionToken":"T","expiration":-1}}"#;
        let creds = role_credentials(body).unwrap();
        assert_eq!(
            creds.expiration(),
            UNIX_EPOCH.checked_sub(Duration::from_millis(1))
        );
    }
}
