//! Credentials of a console login session: `login_session` in a profile,
//! which `aws login` sets up.
//!
//! `aws login` signs in through the browser and leaves, in
//! `~/.aws/login/cache/<sha256 of the session>.json`, temporary credentials
//! together with a refresh token and the P-256 key the session is bound
//! to. The credentials are used as they are until five minutes before
//! they expire; then the refresh token buys new ones from the sign-in
//! service (`POST /v1/token` with a DPoP proof signed by that key), and
//! the cache file is replaced with the new ones, every other field kept.

mod cache;
mod dpop;
mod endpoint;
mod json;
mod refresh;
mod sec1;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use sts_proto::time::{format_timestamp, unix_seconds};

use self::cache::{CachedSession, MAX_CACHE_BYTES};
use self::dpop::DpopKey;
use self::refresh::{RefreshFailure, RefreshRequest};
use super::provider_config::StsSettings;
use super::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, ProviderConfig, SharedCredentials,
};

/// How long before their expiry cached credentials are refreshed, as in
/// the AWS SDKs.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// After a refresh, credentials that are still near expiry are used as
/// they are for this long, rather than refreshed again at once.
const MIN_TIME_BETWEEN_REFRESHES: Duration = Duration::from_secs(30);

/// How long a refresh may take, the connection included.
const REFRESH_TIMEOUT: Duration = Duration::from_secs(10);

/// Credentials of a console login session (`aws login`), from its token
/// cache, refreshed through the AWS sign-in service when they near expiry.
///
/// A profile with `login_session = <session>` is read through this by the
/// [`ProfileProvider`](super::ProfileProvider), as a profile of its own or
/// as the `source_profile` of a role.
///
/// - **Cache.** `AWS_LOGIN_CACHE_DIRECTORY`, else `~/.aws/login/cache`; the
///   file is named by the lowercase hex SHA-256 of the session, with
///   `.json`. It is read again on every call (at most 64 KiB), so a login
///   or a refresh by another program applies at once.
/// - **Refresh.** From five minutes before expiry, the refresh token is
///   traded for new credentials at the sign-in service of the profile's
///   region (`https://{region}.signin.aws.amazon.com/v1/token`;
///   `AWS_ENDPOINT_URL_SIGNIN`, `AWS_ENDPOINT_URL` or the profile's
///   `services` / `endpoint_url` override it), with a DPoP proof: an ES256
///   JWT signed with the session's key (RFC 9449). The request waits at
///   most 10 s; it is not retried here (a [`CachingProvider`](super::CachingProvider)
///   retries while the old credentials last).
/// - **One refresh at a time** per cache file among the providers made
///   from one [`ProviderConfig`] (and its clones): the service rotates the
///   refresh token, so a second caller waits and reads what the first
///   wrote. Credentials refreshed less than 30 s ago are not refreshed
///   again while they last, however short-lived.
/// - **Write-back.** The refreshed credentials and refresh token replace
///   the cache file atomically, owner-only (see
///   [`Fs::write_atomic`](super::Fs::write_atomic)), every other field kept.
///   A failed write is logged, and the credentials are used anyway.
///
/// Errors name the profile and the cache file, never a token or the key,
/// and say to run `aws login` when only a new login can help (no cache, a
/// damaged one, a session the service refused). All of them stop a chain:
/// the profile asked for this source.
///
/// ```no_run
/// use sts_blocking::credentials::{LoginProvider, ProvideCredentials, ProviderConfig};
///
/// let provider = LoginProvider::new(
///     &ProviderConfig::new(),
///     "arn:aws:sts::012345678910:assumed-role/Admin/admin",
/// );
/// let creds = provider.provide_credentials()?;
/// # Ok::<(), sts_blocking::credentials::CredentialsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LoginProvider {
    config: ProviderConfig,
    session: String,
    /// The profile with `login_session`, when it came from one.
    profile: Option<String>,
    /// Whose settings (region, endpoint) the sign-in service is called with.
    settings: Option<StsSettings>,
}

/// Per cache file, when it was last refreshed, behind a lock held for the
/// whole of a call: two callers must not both spend the same refresh token
/// (the service rotates it), so the second waits and reads what the first
/// wrote. One per [`ProviderConfig`] and its clones, which the providers
/// made from it share (the profile provider makes a new [`LoginProvider`]
/// on every call).
#[derive(Debug, Default)]
pub(crate) struct Refreshes {
    by_path: Mutex<HashMap<PathBuf, Arc<Mutex<Option<SystemTime>>>>>,
}

impl Refreshes {
    /// The lock and last refresh time of the cache at `path`.
    fn of(&self, path: &Path) -> Arc<Mutex<Option<SystemTime>>> {
        let mut map = self.by_path.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(path.to_owned()).or_default())
    }
}

impl LoginProvider {
    /// The session `login_session` (the value of a profile's
    /// `login_session`), with the sign-in service in the region of the
    /// profile `config` selects.
    pub fn new(config: &ProviderConfig, login_session: impl Into<String>) -> Self {
        Self {
            config: config.clone(),
            session: login_session.into().trim().to_owned(),
            profile: None,
            settings: None,
        }
    }

    /// The session of `profile`, calling the sign-in service with the
    /// settings of `settings` (the selected profile's).
    pub(crate) fn from_profile(
        config: &ProviderConfig,
        profile: &str,
        login_session: &str,
        settings: StsSettings,
    ) -> Self {
        Self {
            profile: Some(profile.to_owned()),
            settings: Some(settings),
            ..Self::new(config, login_session)
        }
    }

    /// The cache file of the session.
    pub fn cache_path(&self) -> Result<PathBuf, CredentialsError> {
        cache::cache_path(&self.config, &self.session)
            .map_err(|why| CredentialsError::invalid_configuration(self.source(), why))
    }

    /// How errors name the source.
    fn source(&self) -> String {
        match &self.profile {
            Some(p) => format!("profile {p:?} (login_session)"),
            None => "login session".to_owned(),
        }
    }

    /// What the user can do when only a new login helps.
    fn remedy(&self) -> String {
        match &self.profile {
            Some(p) if p != "default" => format!("run `aws login --profile {p}`"),
            _ => "run `aws login`".to_owned(),
        }
    }

    fn error(&self, kind: CredentialsErrorKind, reason: String) -> CredentialsError {
        CredentialsError::with_kind(kind, self.source(), reason)
    }

    /// Reads and checks the cache file at `path`.
    fn read_cache(&self, path: &Path) -> Result<CachedSession, CredentialsError> {
        let shown = path.display();
        let bytes = match self.config.fs().read(path, MAX_CACHE_BYTES) {
            Ok(bytes) => zeroize::Zeroizing::new(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(self.error(
                    CredentialsErrorKind::Failed,
                    format!(
                        "no login session is cached for {:?} ({shown} does not exist); {}",
                        self.session,
                        self.remedy()
                    ),
                ));
            }
            Err(e) => {
                return Err(self.error(
                    CredentialsErrorKind::Failed,
                    format!("cannot read the login session cache {shown}: {e}"),
                ));
            }
        };
        CachedSession::parse(&bytes).map_err(|why| {
            self.error(
                CredentialsErrorKind::InvalidConfiguration,
                format!(
                    "the login session cache {shown} is not usable: {why}; {}",
                    self.remedy()
                ),
            )
        })
    }

    /// Trades the cached refresh token for new credentials, and writes
    /// them back to `path`.
    fn refresh(
        &self,
        path: &Path,
        cached: CachedSession,
        now: SystemTime,
    ) -> Result<CachedSession, CredentialsError> {
        let shown = path.display();
        let key = DpopKey::from_pem(cached.dpop_key()).map_err(|why| {
            self.error(
                CredentialsErrorKind::InvalidConfiguration,
                format!(
                    "the dpopKey of the login session cache {shown} is not usable: {why}; {}",
                    self.remedy()
                ),
            )
        })?;
        let settings = match &self.settings {
            Some(s) => s.clone(),
            None => self.config.ambient_sts_settings(),
        };
        let url = endpoint::token_url(&self.config, &settings).map_err(|e| {
            let kind = e.kind;
            e.within(self.source(), kind)
        })?;
        let proof = key
            .proof(&url, unix_seconds(now), &dpop::jti(&*self.config.random))
            .map_err(|why| {
                self.error(
                    CredentialsErrorKind::Failed,
                    format!("cannot sign the DPoP proof of the login session cache {shown}: {why}"),
                )
            })?;
        log::debug!(
            "refreshing the login session {:?} at {url} (cache {shown})",
            self.session
        );
        let request = RefreshRequest {
            url: &url,
            client_id: cached.client_id(),
            refresh_token: cached.refresh_token(),
            dpop_proof: proof,
        };
        let transport = self.config.http_transport();
        let refreshed = match refresh::refresh(&*transport, request, REFRESH_TIMEOUT) {
            Ok(r) => r,
            Err(RefreshFailure {
                kind,
                reason,
                needs_login,
            }) => {
                let expiry = if cached.expires_at() <= now {
                    format!(
                        "the cached credentials in {shown} expired at {}",
                        format_timestamp(cached.expires_at())
                    )
                } else {
                    format!(
                        "the cached credentials in {shown} expire at {}",
                        format_timestamp(cached.expires_at())
                    )
                };
                let mut why = format!("{expiry}, and refreshing them failed: {reason}");
                if needs_login {
                    why.push_str(&format!("; {}", self.remedy()));
                }
                return Err(self.error(kind, why));
            }
        };
        let cached = cached.refreshed(refreshed, now);
        if let Err(e) = self.config.fs().write_atomic(path, &cached.to_json()) {
            log::warn!(
                "the refreshed login session could not be written back to {shown} ({e}); \
                 using it without caching it"
            );
        }
        Ok(cached)
    }
}

impl ProvideCredentials for LoginProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        if self.session.is_empty() {
            return Err(self.error(
                CredentialsErrorKind::InvalidConfiguration,
                "login_session is empty".to_owned(),
            ));
        }
        let path = self.cache_path()?;
        let state = self.config.login_refreshes.of(&path);
        let mut last_refresh = state.lock().unwrap_or_else(PoisonError::into_inner);
        let cached = self.read_cache(&path)?;
        let now = self.config.clock().now();
        let fresh = cached
            .expires_at()
            .duration_since(now)
            .is_ok_and(|left| left > REFRESH_BEFORE_EXPIRY);
        let refreshed_lately = last_refresh
            .and_then(|at| now.duration_since(at).ok())
            .is_some_and(|since| since < MIN_TIME_BETWEEN_REFRESHES);
        let still_valid = cached.expires_at() > now;
        if fresh || (refreshed_lately && still_valid) {
            return Ok(Arc::new(cached.credentials().clone()));
        }
        let kept = still_valid.then(|| cached.credentials().clone());
        match self.refresh(&path, cached, now) {
            Ok(cached) => {
                *last_refresh = Some(now);
                Ok(Arc::new(cached.credentials().clone()))
            }
            // Credentials that are still valid serve until the next try,
            // 30 s on, as the SSO token's do: every caller queued on this
            // lock would otherwise repeat the failing refresh in turn.
            Err(e) => match kept {
                Some(credentials) => {
                    log::warn!("{e}; using the cached credentials until they expire");
                    *last_refresh = Some(now);
                    Ok(Arc::new(credentials))
                }
                None => Err(e),
            },
        }
    }
}
