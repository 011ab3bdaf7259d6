//! The AWS CLI's cache of the credentials of roles that profiles assume,
//! of web identity roles and of IAM Identity Center (SSO) roles,
//! `~/.aws/cli/cache/<sha1>.json`, read and
//! written as the AWS CLI (v1 and v2) reads and writes it, so that the two
//! share it: a role assumed by either is not assumed again by the other,
//! and a role with `mfa_serial` asks for a code once per session rather
//! than once per command.
//!
//! A file's name is the hex SHA-1 of the call's arguments as botocore's
//! `BaseAssumeRoleCredentialFetcher._create_cache_key` writes them:
//! `RoleArn`, and `RoleSessionName`, `ExternalId`, `SerialNumber` and
//! `DurationSeconds` where the configuration sets them, in Python's
//! `json.dumps(…, sort_keys=True)`. A generated session name is left out,
//! as botocore leaves its own out. A web identity role's arguments include
//! its token, as the AWS CLI's own botocore has them (its
//! `_cache_key_args`; botocore 1.44.8 leaves the token out): a rotated
//! token starts a new session. The file holds the answer's
//! `Credentials` and `AssumedRoleUser`; credentials within 15 minutes of
//! their expiry are not used (botocore's window). An SSO role's file is
//! named after its account, role and sign-in ([`sso_file_of`]) and holds
//! `ProviderType` `sso` and `Credentials` with the account: while they
//! are good, neither tool calls `GetRoleCredentials` or needs the token.
//!
//! The cache is a convenience, never a reason to fail: a file that cannot
//! be read, parsed or written is passed over, and the role is assumed.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use ring::digest::{SHA1_FOR_LEGACY_USE_ONLY, digest};
use serde_json::Value;
use sts_proto::Credentials;
use sts_proto::time::{format_timestamp, parse_timestamp};
use sts_proto::types::AssumedRoleUser;

use super::ProviderConfig;
use super::assume_role::{account_of_arn, with_account_of_arn};
use super::profile_chain::RoleLink;
use super::sso::SsoSession;
use super::sso::json::parse_object;

/// Cached credentials closer than this to their expiry are assumed again,
/// as botocore's `CachedCredentialFetcher` has it.
const EXPIRY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Largest cache file read: the AWS CLI's are about 2 KiB.
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// The arguments of a role's call that name its cache file. `Debug` leaves
/// the web identity token out.
#[derive(Clone, Copy, Default)]
pub(super) struct CacheKey<'a> {
    pub role_arn: &'a str,
    /// As configured; `None` when the session name is generated.
    pub role_session_name: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub mfa_serial: Option<&'a str>,
    pub duration_seconds: Option<i32>,
    /// The token file's text as read, untrimmed, as the AWS CLI hashes it.
    pub web_identity_token: Option<&'a str>,
}

impl std::fmt::Debug for CacheKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheKey")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("external_id", &self.external_id)
            .field("mfa_serial", &self.mfa_serial)
            .field("duration_seconds", &self.duration_seconds)
            .field(
                "web_identity_token",
                &self.web_identity_token.map(|_| "** redacted **"),
            )
            .finish()
    }
}

impl<'a> CacheKey<'a> {
    /// The arguments of the `AssumeRole` call of a profile's role.
    pub(super) fn of_link(link: &'a RoleLink) -> Self {
        Self {
            role_arn: &link.role_arn,
            role_session_name: link.role_session_name.as_deref(),
            external_id: link.external_id.as_deref(),
            mfa_serial: link.mfa_serial.as_deref(),
            duration_seconds: link.duration_seconds,
            web_identity_token: None,
        }
    }
}

/// The cache file of the role called with `key`'s arguments, under the
/// AWS CLI's cache directory (none without a home directory), when
/// `config` keeps the cache.
pub(super) fn file_of(config: &ProviderConfig, key: CacheKey<'_>) -> Option<PathBuf> {
    in_cache_dir(config, || file_name(key))
}

/// The cache file of an IAM Identity Center role, named as botocore's
/// `SSOCredentialFetcher._create_cache_key` names it: the hex SHA-1 of
/// `accountId`, `roleName` and the `[sso-session]` name (`sessionName`),
/// or the start URL (`startUrl`) for a legacy profile, in Python's
/// `json.dumps(…, sort_keys=True, separators=(',', ':'))`.
pub(super) fn sso_file_of(
    config: &ProviderConfig,
    session: &SsoSession,
    account_id: &str,
    role_name: &str,
) -> Option<PathBuf> {
    in_cache_dir(config, || {
        // In the order of their names, which sort_keys gives.
        let (last_name, last) = match session.name() {
            Some(name) => ("sessionName", name),
            None => ("startUrl", session.start_url()),
        };
        let mut key = String::from("{");
        for (i, (name, value)) in [
            ("accountId", account_id),
            ("roleName", role_name),
            (last_name, last),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                key.push(',');
            }
            key.push('"');
            key.push_str(name);
            key.push_str("\":");
            crate::python_json::push_string(&mut key, value);
        }
        key.push('}');
        aws_cli_cache_file_name(&key)
    })
}

/// `~/.aws/cli/cache/<name()>`, when `config` keeps the cache and there
/// is a home directory.
fn in_cache_dir(config: &ProviderConfig, name: impl FnOnce() -> String) -> Option<PathBuf> {
    if !config.role_cache() {
        return None;
    }
    let home = crate::profile::location::home_dir(config.env(), config.platform())?;
    let sep = config.platform().separator();
    Some(PathBuf::from(format!(
        "{}{sep}.aws{sep}cli{sep}cache{sep}{}",
        home.trim_end_matches(sep),
        name()
    )))
}

/// `<sha1>.json` for `key`'s arguments.
fn file_name(key: CacheKey<'_>) -> String {
    // The key holds the token, when there is one.
    aws_cli_cache_file_name(&zeroize::Zeroizing::new(cache_key(key)))
}

/// `<sha1>.json`, the lower-case hex SHA-1 of `key`: how the AWS CLI names
/// the files of its caches (`~/.aws/cli/cache`, `~/.aws/sso/cache`).
pub(super) fn aws_cli_cache_file_name(key: &str) -> String {
    // A name, not a security measure: the legacy digest is what the AWS
    // CLI's file names are made of.
    let sha1 = digest(&SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let mut name = String::with_capacity(45);
    for b in sha1.as_ref() {
        name.push_str(&format!("{b:02x}"));
    }
    name.push_str(".json");
    name
}

/// The arguments botocore hashes, as `json.dumps(args, sort_keys=True)`
/// writes them: `", "` and `": "` between, non-ASCII escaped.
fn cache_key(args: CacheKey<'_>) -> String {
    let duration = args.duration_seconds.map(|d| d.to_string());
    // In the order of their names, which sort_keys gives.
    let members = [
        ("DurationSeconds", duration.as_deref(), false),
        ("ExternalId", args.external_id, true),
        ("RoleArn", Some(args.role_arn), true),
        ("RoleSessionName", args.role_session_name, true),
        ("SerialNumber", args.mfa_serial, true),
        ("WebIdentityToken", args.web_identity_token, true),
    ];
    // Sized for the worst escaping (`\uXXXX`, six bytes a character) so
    // that it never grows: a growing string would leave copies of the
    // token in freed memory.
    let room: usize = members
        .iter()
        .map(|(name, value, _)| name.len() + 8 + value.map_or(0, |v| 6 * v.len()))
        .sum();
    let mut key = String::with_capacity(room + 2);
    key.push('{');
    for (name, value, quoted) in members {
        let Some(value) = value else { continue };
        if key.len() > 1 {
            key.push_str(", ");
        }
        key.push('"');
        key.push_str(name);
        key.push_str("\": ");
        if quoted {
            crate::python_json::push_string(&mut key, value);
        } else {
            key.push_str(value);
        }
    }
    key.push('}');
    key
}

/// The credentials the file at `path` holds, if it holds usable ones valid
/// for more than [`EXPIRY_WINDOW`] after `now`.
pub(super) fn read(config: &ProviderConfig, path: &Path, now: SystemTime) -> Option<Credentials> {
    let bytes = zeroize::Zeroizing::new(config.read_file(path, MAX_FILE_BYTES).ok()?);
    let document = parse_object(&bytes).ok()?;
    let Some(Value::Object(creds)) = document.0.get("Credentials") else {
        return None;
    };
    let text = |key: &str| match creds.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    };
    // The AWS CLI writes Python's `%Y-%m-%dT%H:%M:%S%Z`, which ends in `UTC`.
    let expiration = text("Expiration")?;
    let expiration = match expiration.strip_suffix("UTC") {
        Some(utc) => parse_timestamp(&format!("{utc}Z")),
        None => parse_timestamp(expiration),
    }
    .ok()?;
    if expiration < now.checked_add(EXPIRY_WINDOW)? {
        return None;
    }
    let credentials = Credentials::new(
        text("AccessKeyId")?,
        text("SecretAccessKey")?,
        Some(text("SessionToken")?.into()),
    )
    .with_expiration(expiration);
    // The account: botocore keeps it in `Credentials` (`AccountId`);
    // else from the role's ARN, as a fresh `AssumeRole` gives it.
    if let Some(account) = text("AccountId") {
        return Some(credentials.with_account_id(account));
    }
    let role_arn = match document.0.get("AssumedRoleUser") {
        Some(Value::Object(user)) => user.get("Arn").and_then(Value::as_str),
        _ => None,
    };
    Some(with_account_of_arn(credentials, role_arn))
}

/// Writes a role's answer (its credentials and user) to the file at
/// `path`, owner-only and whole or not at all; a failure is passed over
/// (the credentials are good all the same).
pub(super) fn write(
    config: &ProviderConfig,
    path: &Path,
    creds: &Credentials,
    user: Option<&AssumedRoleUser>,
) {
    // `AccountId` as botocore adds it (`_add_account_id_to_response`): the
    // AWS CLI reads the account from there, for account-based endpoints.
    let account = user.and_then(|u| account_of_arn(&u.arn));
    write_document(config, path, b"{\"Credentials\":", creds, account, user);
}

/// Writes an IAM Identity Center role's credentials to the file at
/// `path` as botocore's `SSOCredentialFetcher` writes them: with
/// `"ProviderType": "sso"` and the account in `Credentials`.
pub(super) fn write_sso(config: &ProviderConfig, path: &Path, creds: &Credentials) {
    let opening = b"{\"ProviderType\":\"sso\",\"Credentials\":";
    write_document(config, path, opening, creds, creds.account_id(), None);
}

/// Writes `opening` (`{` and the members before `"Credentials":`), the
/// credentials with `account`, and `user`, owner-only and whole or not at
/// all; a failure is passed over.
fn write_document(
    config: &ProviderConfig,
    path: &Path,
    opening: &[u8],
    creds: &Credentials,
    account: Option<&str>,
    user: Option<&AssumedRoleUser>,
) {
    let Some(expiration) = creds.expiration() else {
        return;
    };
    let Some(token) = creds.session_token() else {
        return;
    };
    let expiration = format_timestamp(expiration);
    let mut members = vec![
        ("AccessKeyId", creds.access_key_id()),
        ("SecretAccessKey", creds.secret_access_key().expose()),
        ("SessionToken", token.expose()),
        ("Expiration", expiration.as_str()),
    ];
    if let Some(id) = account {
        members.push(("AccountId", id));
    }
    let inner = super::secret_json::object(&members);
    let user = user.map(|u| {
        super::secret_json::object(&[
            ("AssumedRoleId", u.assumed_role_id.as_str()),
            ("Arn", u.arn.as_str()),
        ])
    });
    let mut document = zeroize::Zeroizing::new(Vec::with_capacity(
        inner.len() + 128 + user.as_ref().map_or(0, Vec::len),
    ));
    document.extend_from_slice(opening);
    document.extend_from_slice(&inner);
    if let Some(user) = &user {
        document.extend_from_slice(b",\"AssumedRoleUser\":");
        document.extend_from_slice(user);
    }
    document.push(b'}');
    crate::credentials::provider_config::wipe(inner);
    let _ = config.fs().write_atomic(path, &document);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(role_arn: &str) -> RoleLink {
        RoleLink {
            profile: "p".to_owned(),
            role_arn: role_arn.to_owned(),
            external_id: None,
            role_session_name: None,
            duration_seconds: None,
            mfa_serial: None,
        }
    }

    /// The names botocore 1.44.8's `AssumeRoleCredentialFetcher` gives the
    /// same arguments (`_cache_key`, computed with botocore itself), so
    /// that the AWS CLI and this crate find each other's files.
    #[test]
    fn file_names_are_botocores() {
        assert_eq!(
            file_name(CacheKey::of_link(&link(
                "arn:aws:iam::123456789012:role/plain"
            ))),
            "75223f58fd24f68279da2bfd1bd9e84c0b0bf9b2.json"
        );
        let all = RoleLink {
            role_session_name: Some("my-session".to_owned()),
            external_id: Some("ext \"quoted\" \\ é 😀\n".to_owned()),
            mfa_serial: Some("arn:aws:iam::123456789012:mfa/me".to_owned()),
            duration_seconds: Some(7200),
            ..link("arn:aws:iam::123456789012:role/all")
        };
        assert_eq!(
            file_name(CacheKey::of_link(&all)),
            "5aef99c099c52bdfd304191ed6b284881dc09797.json"
        );
        let mfa = RoleLink {
            mfa_serial: Some("arn:aws:iam::123456789012:mfa/me".to_owned()),
            ..link("arn:aws:iam::123456789012:role/mfa")
        };
        assert_eq!(
            file_name(CacheKey::of_link(&mfa)),
            "b0bc0a36d7ff8e5a433682da7ee61dbc62f8ca23.json"
        );
    }

    /// The names botocore 1.44.18's `SSOCredentialFetcher._create_cache_key`
    /// gives an SSO role (compact JSON of `accountId`, `roleName` and
    /// `sessionName` or `startUrl`; computed with Python's `json` and
    /// `hashlib` as botocore calls them), under the home's `.aws/cli/cache`;
    /// none when the cache is off.
    #[test]
    fn sso_file_names_are_botocores() {
        let env = crate::env::MapEnv::new([("HOME", "/home/u")]);
        let on = ProviderConfig::new()
            .with_env(env)
            .with_platform(crate::profile::location::Platform::Unix)
            .with_role_cache(true);
        let name = |session: &SsoSession, account: &str, role: &str| {
            sso_file_of(&on, session, account, role)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        let named = SsoSession::named("dev", "https://d-abc123.awsapps.com/start", "us-east-1");
        assert_eq!(
            name(&named, "012345678901", "SampleRole"),
            "/home/u/.aws/cli/cache/4f0072b03f86a95e613340c2868ab49e9cc60d6e.json"
        );
        let legacy = SsoSession::legacy("https://d-abc123.awsapps.com/start", "us-east-1");
        assert_eq!(
            name(&legacy, "012345678901", "SampleRole"),
            "/home/u/.aws/cli/cache/6bb8ec4da2026aa60b9286aa331acd17d55a6f86.json"
        );
        // Non-ASCII escaped and quotes escaped, as `ensure_ascii` has it.
        let accented = SsoSession::named("dév", "https://x", "us-east-1");
        assert_eq!(
            name(&accented, "1", "Rôle\"x"),
            "/home/u/.aws/cli/cache/c07f7d085408915230390408398219679ad0da5c.json"
        );
        let off = on.clone().with_role_cache(false);
        assert_eq!(
            sso_file_of(&off, &named, "012345678901", "SampleRole"),
            None
        );
    }

    /// What `write_sso` writes reads back whole, with the account, and has
    /// the `ProviderType` botocore's SSO fetcher writes.
    #[test]
    fn sso_credentials_read_back_as_written() {
        let fs = crate::credentials::MapFs::new();
        let config = ProviderConfig::new().with_fs(fs.clone());
        let expiry = parse_timestamp("2099-01-01T00:00:00Z").unwrap();
        let creds = Credentials::new("ASIAX", "secret", Some("token".into()))
            .with_expiration(expiry)
            .with_account_id("012345678901");
        write_sso(&config, Path::new("/c.json"), &creds);
        let document: Value = serde_json::from_slice(&fs.get("/c.json").unwrap()).unwrap();
        assert_eq!(document["ProviderType"], "sso");
        assert_eq!(document["Credentials"]["AccountId"], "012345678901");
        assert_eq!(
            document["Credentials"]["Expiration"],
            "2099-01-01T00:00:00Z"
        );
        let read = read(&config, Path::new("/c.json"), SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(read.access_key_id(), "ASIAX");
        assert_eq!(read.secret_access_key().expose(), "secret");
        assert_eq!(read.session_token().unwrap().expose(), "token");
        assert_eq!(read.expiration(), Some(expiry));
        assert_eq!(read.account_id(), Some("012345678901"));
    }

    /// botocore keeps the account in `Credentials`; a file without
    /// `AssumedRoleUser` still gives it.
    #[test]
    fn the_account_is_read_where_botocore_writes_it() {
        let fs = crate::credentials::MapFs::new().with_file(
            "/c.json",
            r#"{"Credentials":{"AccessKeyId":"ASIAX","SecretAccessKey":"s",
               "SessionToken":"t","Expiration":"2099-01-01T00:00:00UTC",
               "AccountId":"210987654321"}}"#,
        );
        let config = ProviderConfig::new().with_fs(fs);
        let creds = read(&config, Path::new("/c.json"), SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(creds.access_key_id(), "ASIAX");
        assert_eq!(creds.account_id(), Some("210987654321"));
        // 15 minutes before its expiry it is no longer used.
        let late = parse_timestamp("2098-12-31T23:45:01Z").unwrap();
        assert!(read(&config, Path::new("/c.json"), late).is_none());
        let early = parse_timestamp("2098-12-31T23:44:59Z").unwrap();
        assert!(read(&config, Path::new("/c.json"), early).is_some());
    }
}
