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
use super::refresh_lock;
use super::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, ProviderConfig, SharedCredentials,
};

/// How long before their expiry cached credentials are refreshed, as in
/// the AWS SDKs.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// After a refresh, credentials that are still near expiry are used as
/// they are for this long, rather than refreshed again at once.
const MIN_TIME_BETWEEN_REFRESHES: Duration = Duration::from_secs(30);

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
/// - **One refresh at a time** per cache file in the whole process,
///   whichever [`ProviderConfig`] or client asks: the service rotates the
///   refresh token (each is accepted once), so a second caller waits, then
///   reads the file again and uses what the first wrote. Credentials that
///   one configuration (and its clones) refreshed less than 30 s ago are
///   not refreshed again through it while they last, however short-lived.
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

/// Per cache file, when it was last refreshed through a [`ProviderConfig`]
/// (and its clones, which the providers made from it share: the profile
/// provider makes a new [`LoginProvider`] on every call). Read and written
/// only under the file's process-wide refresh lock ([`refresh_lock`]).
#[derive(Debug, Default)]
pub(crate) struct Refreshes {
    by_path: Mutex<HashMap<PathBuf, SystemTime>>,
}

impl Refreshes {
    /// When the cache at `path` was last refreshed.
    fn last(&self, path: &Path) -> Option<SystemTime> {
        let map = self.by_path.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(path).copied()
    }

    fn record(&self, path: &Path, at: SystemTime) {
        let mut map = self.by_path.lock().unwrap_or_else(PoisonError::into_inner);
        map.insert(path.to_owned(), at);
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
        let url =
            endpoint::token_url(&self.config, &settings, cached.sign_in_region()).map_err(|e| {
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
        let refreshed = match refresh::refresh(&*transport, request, self.config.http_timeout()) {
            Ok(r) => r,
            Err(RefreshFailure {
                kind,
                reason,
                needs_login,
                transient,
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
                return Err(self.error(kind, why).with_transient(transient));
            }
        };
        let cached = cached.refreshed(refreshed, now);
        let json = cached.to_json();
        let written = if json.is_empty() {
            Err(std::io::Error::other(format!(
                "it would be larger than the {} bytes read back",
                MAX_CACHE_BYTES
            )))
        } else {
            self.config.fs().write_atomic(path, &json)
        };
        if let Err(e) = written {
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
        // The refresh is one request, within the providers' request time.
        let wait = refresh_lock::wait_for_refresh(self.config.http_timeout());
        refresh_lock::one_at_a_time(&path, wait, || self.provide_locked(&path))
            .unwrap_or_else(|busy| self.after_waiting(&path, busy))
    }
}

impl LoginProvider {
    /// When another caller's refresh of the session has not finished in
    /// the time it may take: the cached credentials while they are valid
    /// (the holder writes the file whole, so it is read whole without the
    /// lock), else a retryable time-out.
    fn after_waiting(
        &self,
        path: &Path,
        busy: refresh_lock::Busy,
    ) -> Result<SharedCredentials, CredentialsError> {
        let cached = self.read_cache(path)?;
        if cached.expires_at() > self.config.clock().now() {
            log::warn!(
                "{}: waited {:?} for another caller's refresh, which has not finished; using \
                 the cached credentials until they expire",
                self.source(),
                busy.waited
            );
            return Ok(Arc::new(cached.credentials().clone()));
        }
        Err(self.error(
            CredentialsErrorKind::TimedOut,
            format!(
                "the credentials have expired, and another caller's refresh of `{}` has not \
                 finished after {:?}",
                path.display(),
                busy.waited
            ),
        ))
    }
}

impl LoginProvider {
    /// The credentials of the cache at `path`, refreshed when due: the
    /// whole of [`ProvideCredentials::provide_credentials`], run under the
    /// file's process-wide refresh lock, so the file is read once that is
    /// held, and a caller that waited finds what the refresh before it wrote.
    fn provide_locked(&self, path: &Path) -> Result<SharedCredentials, CredentialsError> {
        let refreshes = &self.config.login_refreshes;
        let cached = self.read_cache(path)?;
        let now = self.config.clock().now();
        let fresh = cached
            .expires_at()
            .duration_since(now)
            .is_ok_and(|left| left > REFRESH_BEFORE_EXPIRY);
        let refreshed_lately = refreshes
            .last(path)
            .and_then(|at| now.duration_since(at).ok())
            .is_some_and(|since| since < MIN_TIME_BETWEEN_REFRESHES);
        let still_valid = cached.expires_at() > now;
        if fresh || (refreshed_lately && still_valid) {
            return Ok(Arc::new(cached.credentials().clone()));
        }
        let kept = still_valid.then(|| cached.credentials().clone());
        match self.refresh(path, cached, now) {
            Ok(cached) => {
                refreshes.record(path, now);
                Ok(Arc::new(cached.credentials().clone()))
            }
            // Credentials that are still valid serve until the next try,
            // 30 s on, as the SSO token's do: every caller queued on this
            // lock would otherwise repeat the failing refresh in turn.
            Err(e) => match kept {
                Some(credentials) => {
                    log::warn!("{e}; using the cached credentials until they expire");
                    refreshes.record(path, now);
                    Ok(Arc::new(credentials))
                }
                None => Err(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use sts_proto::time::from_unix;

    use super::*;
    use crate::credentials::MapFs;
    use crate::env::MapEnv;
    use crate::timing::Clock;
    use crate::transport::{Transport, TransportError};

    const SESSION: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
    const NOW: i64 = 1_800_000_000;
    /// The key of smithy-rs's login cases.
    const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";

    #[derive(Debug)]
    struct At;

    impl Clock for At {
        fn now(&self) -> SystemTime {
            from_unix(NOW, 0).unwrap()
        }
    }

    /// A sign-in service that, as the real one, accepts each refresh token
    /// once and answers with a new one (`R1`, `R2`, …, with the access key
    /// ids `AK1`, `AK2`, …); counts the calls.
    #[derive(Debug, Clone)]
    struct Rotating(Arc<Mutex<(String, usize)>>);

    impl Transport for Rotating {
        fn send(
            &self,
            request: http::Request<Vec<u8>>,
            _timeout: Option<Duration>,
        ) -> Result<http::Response<Vec<u8>>, TransportError> {
            let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
            let (status, answer) = {
                let mut state = self.0.lock().unwrap();
                state.1 += 1;
                if body["refreshToken"] == state.0.as_str() {
                    let n = state.1;
                    state.0 = format!("R{n}");
                    let answer = format!(
                        r#"{{"accessToken":{{"accessKeyId":"AK{n}","secretAccessKey":"S",
                            "sessionToken":"T"}},"tokenType":"aws_sigv4",
                            "refreshToken":"R{n}","expiresIn":900}}"#
                    );
                    (200, answer)
                } else {
                    (400, r#"{"error":"INVALID_REQUEST"}"#.to_owned())
                }
            };
            // A round trip, during which the other callers read the cache.
            std::thread::sleep(Duration::from_millis(50));
            Ok(http::Response::builder()
                .status(status)
                .body(answer.into_bytes())
                .unwrap())
        }
    }

    /// Eight threads ask at once for the credentials of a session whose
    /// cached ones expire in `expires_in` seconds (due for refresh), each
    /// through a configuration of its own or all through one; the access
    /// key id (or error) each got, and how many refreshes were asked for.
    /// The cache must hold the first refresh's tokens.
    fn eight_at_once(expires_in: i64, shared: bool) -> (Vec<Result<String, String>>, usize) {
        let fs = MapFs::new();
        let oidc = Rotating(Arc::new(Mutex::new(("R".to_owned(), 0))));
        let config = || {
            ProviderConfig::new()
                .with_env(MapEnv::new([("HOME", "/h"), ("AWS_REGION", "us-east-2")]))
                .with_fs(fs.clone())
                .with_clock(At)
                .with_transport(oidc.clone())
        };
        let one = config();
        let path = LoginProvider::new(&one, SESSION).cache_path().unwrap();
        let expires = format_timestamp(from_unix(NOW + expires_in, 0).unwrap());
        let cache = serde_json::json!({
            "accessToken": {"accessKeyId": "AK", "secretAccessKey": "S", "sessionToken": "T",
                "accountId": "012345678910", "expiresAt": expires},
            "clientId": "arn:aws:signin:::devtools/same-device",
            "refreshToken": "R", "idToken": "ID", "dpopKey": KEY,
        });
        fs.clone().insert(path.clone(), cache.to_string());
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let config = if shared { one.clone() } else { config() };
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    let provider = LoginProvider::new(&config, SESSION);
                    start.wait();
                    provider
                        .provide_credentials()
                        .map(|c| c.access_key_id().to_owned())
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        let got = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let written: serde_json::Value = serde_json::from_slice(&fs.get(&path).unwrap()).unwrap();
        assert_eq!(written["accessToken"]["accessKeyId"], "AK1");
        assert_eq!(written["refreshToken"], "R1");
        let calls = oidc.0.lock().unwrap().1;
        (got, calls)
    }

    #[test]
    fn callers_with_configurations_of_their_own_or_one_spend_the_refresh_token_once() {
        // Two clients in one process each make a configuration: a second
        // refresh with the spent refresh token was refused, and an expired
        // session's callers were told to run `aws login`.
        for shared in [false, true] {
            for expires_in in [-1, 60] {
                let (got, calls) = eight_at_once(expires_in, shared);
                assert_eq!(calls, 1, "{expires_in} {shared}: {got:?}");
                assert_eq!(got, vec![Ok("AK1".to_owned()); 8], "{expires_in} {shared}");
            }
        }
    }

    /// Another caller's refresh of the same session that hangs: the wait
    /// for it ends after the refresh's one request (150 ms here) and 1 s
    /// for the file; then cached credentials serve while they are valid,
    /// and expired ones are a retryable time-out that says so. No refresh
    /// is asked for without the lock.
    #[test]
    fn a_wait_for_another_callers_refresh_is_bounded_by_the_refresh_budget() {
        for (expires_in, valid) in [(60, true), (-60, false)] {
            let fs = MapFs::new();
            let oidc = Rotating(Arc::new(Mutex::new(("R".to_owned(), 0))));
            let config = ProviderConfig::new()
                .with_sts_client_builder(
                    crate::ClientBuilder::default()
                        .attempt_timeout(Some(Duration::from_millis(150))),
                )
                .with_env(MapEnv::new([("HOME", "/h"), ("AWS_REGION", "us-east-2")]))
                .with_fs(fs.clone())
                .with_clock(At)
                .with_transport(oidc.clone());
            let provider = LoginProvider::new(&config, SESSION);
            let path = provider.cache_path().unwrap();
            let expires = format_timestamp(from_unix(NOW + expires_in, 0).unwrap());
            let cache = serde_json::json!({
                "accessToken": {"accessKeyId": "AK", "secretAccessKey": "S",
                    "sessionToken": "T", "accountId": "012345678910", "expiresAt": expires},
                "clientId": "arn:aws:signin:::devtools/same-device",
                "refreshToken": "R", "idToken": "ID", "dpopKey": KEY,
            });
            fs.clone().insert(path.clone(), cache.to_string());
            let wait = Duration::from_millis(1150);
            assert_eq!(refresh_lock::wait_for_refresh(config.http_timeout()), wait);
            let release = std::sync::atomic::AtomicBool::new(false);
            std::thread::scope(|s| {
                refresh_lock::testing::hold(s, &path, &release);
                let start = std::time::Instant::now();
                let got = provider.provide_credentials();
                let took = start.elapsed();
                release.store(true, std::sync::atomic::Ordering::SeqCst);
                match got {
                    Ok(credentials) => {
                        assert!(valid, "expired credentials served");
                        assert_eq!(credentials.access_key_id(), "AK");
                    }
                    Err(e) => {
                        assert!(!valid, "valid credentials not served: {e}");
                        assert_eq!(e.kind(), CredentialsErrorKind::TimedOut, "{e}");
                        assert!(e.is_retryable(), "{e}");
                        assert!(
                            e.to_string().contains("has not finished after 1.15s"),
                            "{e}"
                        );
                    }
                }
                assert!(took >= wait, "{took:?}");
                assert!(took < wait + Duration::from_secs(2), "{took:?}");
            });
            assert_eq!(oidc.0.lock().unwrap().1, 0, "no refresh without the lock");
        }
    }
}
