//! The bearer token of an SSO session, from the AWS CLI's cache,
//! refreshed through the OIDC service when it nears its expiry.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use sts_proto::SecretString;
use sts_proto::time::{format_timestamp, from_unix, unix_seconds};

use super::SsoSession;
use super::cache::{self, CachedToken, MAX_CACHE_BYTES, RefreshGrant};
use super::endpoint::{self, Api};
use super::http::{longest_send, send};
use super::json::parse_object;
use crate::credentials::profile_chain::{self, BaseCredentials};
use crate::credentials::provider_config::{StsSettings, wipe};
use crate::credentials::refresh_lock;
use crate::credentials::{CredentialsError, CredentialsErrorKind, ProviderConfig};

/// A token closer than this to its expiry is refreshed, as the AWS SDKs do.
const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// 9999-12-31T23:59:59Z: the cache file writes `expiresAt` with a
/// four-digit year, so a later expiry would make the file unreadable.
const LAST_CACHEABLE_SECOND: i64 = 253_402_300_799;

/// After a failed refresh, how long a provider waits before it tries
/// another, as the AWS SDKs wait.
const REFRESH_RETRY_AFTER: Duration = Duration::from_secs(30);

/// A session's last failed refresh, so that a token in its last minutes
/// does not cost a failing call to the OIDC service on every use.
#[derive(Debug, Clone, Default)]
struct RefreshThrottle(Arc<Mutex<Option<(SystemTime, String)>>>);

/// The [`RefreshThrottle`] of each session, by its cache file's name, kept
/// by a [`ProviderConfig`] and shared by its clones: a profile provider
/// makes a new SSO provider for every fetch, and a throttle of the
/// provider's own would be forgotten each time.
#[derive(Debug, Default)]
pub(crate) struct RefreshThrottles(Mutex<HashMap<String, RefreshThrottle>>);

impl RefreshThrottles {
    fn of(&self, session: &SsoSession) -> RefreshThrottle {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(session.cache_file_name()).or_default().clone()
    }
}

impl RefreshThrottle {
    /// Why the last refresh failed, if that was less than
    /// [`REFRESH_RETRY_AFTER`] before `now`.
    fn recent_failure(&self, now: SystemTime) -> Option<String> {
        let last = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match &*last {
            Some((at, why))
                if now
                    .duration_since(*at)
                    .is_ok_and(|since| since < REFRESH_RETRY_AFTER) =>
            {
                Some(why.clone())
            }
            _ => None,
        }
    }

    fn record(&self, outcome: Option<(SystemTime, String)>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = outcome;
    }
}

/// An SSO access token and when it expires. `Debug` hides the token.
#[derive(Debug, Clone)]
pub struct SsoToken {
    token: SecretString,
    expiration: SystemTime,
}

impl SsoToken {
    /// The bearer token.
    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// When it expires.
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }
}

/// The bearer token of an SSO session, as the AWS SDKs' SSO token
/// provider gives it: read from `~/.aws/sso/cache/` (where `aws sso login`
/// put it) on every call.
///
/// A token of an `[sso-session]` within five minutes of its expiry is
/// refreshed with the cached refresh token and OIDC client registration
/// (`CreateToken` with the `refresh_token` grant), and the cache file is
/// replaced atomically with the new token, its other members kept. If the
/// refresh fails while the old token is still valid, the old token is
/// used; the provider (and its clones) then waits 30 seconds before it
/// tries another refresh. A legacy profile's token (no `sso_session`) is
/// never refreshed.
///
/// One refresh at a time per cache file in the whole process, whichever
/// [`ProviderConfig`] or client asks: the OIDC service accepts each
/// refresh token once and answers with the next, so a caller that finds
/// another's refresh under way waits for it and uses the token it wrote,
/// rather than spend the old refresh token again and be refused.
/// Without a valid token the error says to run `aws sso login`.
///
/// ```no_run
/// use sts_blocking::credentials::{ProviderConfig, SsoTokenProvider};
///
/// let token = SsoTokenProvider::new(&ProviderConfig::new()).token()?;
/// println!("valid until {:?}", token.expiration());
/// # Ok::<(), sts_blocking::credentials::CredentialsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SsoTokenProvider {
    config: ProviderConfig,
    session: Option<SsoSession>,
    settings: StsSettings,
}

impl SsoTokenProvider {
    /// The session of the profile `config` selects (its `sso_session`, or
    /// a legacy profile's `sso_start_url` and `sso_region`), read from the
    /// profile files on every call.
    pub fn new(config: &ProviderConfig) -> Self {
        Self {
            config: config.clone(),
            session: None,
            settings: StsSettings::default(),
        }
    }

    /// The token of `session`.
    pub fn for_session(config: &ProviderConfig, session: SsoSession) -> Self {
        let settings = match session.profile() {
            Some(p) => StsSettings::of_profile(p),
            None => StsSettings::default(),
        };
        Self {
            config: config.clone(),
            session: Some(session),
            settings,
        }
    }

    /// A valid token, refreshed first if it is about to expire.
    ///
    /// Not configured: no profile files, or the selected profile is not
    /// defined or has no SSO settings. Any other failure (no cache file, a
    /// malformed one, one for another start URL, an expired token) is
    /// [`Failed`](crate::credentials::CredentialsErrorKind::Failed), or
    /// [`InvalidConfiguration`](crate::credentials::CredentialsErrorKind::InvalidConfiguration)
    /// for a broken SSO profile.
    pub fn token(&self) -> Result<SsoToken, CredentialsError> {
        match &self.session {
            Some(session) => load(&self.config, session, &self.settings),
            None => {
                let (session, settings) = self.selected_session()?;
                load(&self.config, &session, &settings)
            }
        }
    }

    fn selected_session(&self) -> Result<(SsoSession, StsSettings), CredentialsError> {
        let loaded = self.config.load_profiles()?;
        let source = format!("profile {:?}", loaded.profile);
        let Some(profile) = loaded.set.profile(&loaded.profile) else {
            return Err(CredentialsError::not_configured(
                source,
                "the profile is not defined",
            ));
        };
        match profile_chain::sso_base(&loaded.set, profile) {
            None => Err(CredentialsError::not_configured(
                source,
                "the profile has no SSO settings (sso_session, or sso_start_url and sso_region)",
            )),
            Some(Err(e)) => Err(CredentialsError::with_kind(e.kind(), source, e.to_string())),
            Some(Ok(BaseCredentials::Sso {
                profile,
                sso_session,
                sso_start_url,
                sso_region,
                ..
            })) => Ok((
                SsoSession::of_profile(profile, sso_session, sso_start_url, sso_region),
                StsSettings::of_profile(&loaded.profile),
            )),
            Some(Ok(_)) => Err(CredentialsError::invalid_configuration(
                source,
                "the profile's SSO settings give no session",
            )),
        }
    }
}

/// The token of `session`, from its cache file, refreshed when due (and
/// no refresh failed in the last [`REFRESH_RETRY_AFTER`]).
///
/// A token that is not due is read without a lock. One that is due is
/// read again, refreshed and written back under the process-wide lock of
/// its cache file ([`refresh_lock`]): the OIDC service accepts each
/// refresh token once, so a caller that waited for another's refresh
/// must use the token written, not spend the old refresh token again.
pub(super) fn load(
    config: &ProviderConfig,
    session: &SsoSession,
    settings: &StsSettings,
) -> Result<SsoToken, CredentialsError> {
    let hint = session.login_hint();
    let Some(dir) = config.sso_cache_dir() else {
        return Err(CredentialsError::failed(
            format!("SSO token of {}", session.describe()),
            format!(
                "no home directory is known (HOME is not set), so the SSO token cache \
                 cannot be found; {hint}"
            ),
        ));
    };
    let path = dir.join(session.cache_file_name());
    let source = format!("SSO token of {} ({})", session.describe(), path.display());
    let fail = |reason: String| CredentialsError::failed(source.clone(), reason);
    let read = || {
        let bytes = config
            .fs()
            .read(&path, MAX_CACHE_BYTES)
            .map_err(|e| fail(format!("failed to read `{}`: {e}; {hint}", path.display())))?;
        let parsed = cache::parse(&bytes);
        wipe(bytes);
        let cached = parsed.map_err(|why| {
            fail(format!(
                "the token cache file `{}` is unusable: {why}; {hint}",
                path.display()
            ))
        })?;
        // A named session's file is found by its name: a start URL that
        // differs only in form (a trailing `/`, the directory's `d-…` URL
        // for its alias) is the same sign-in, and botocore never compares
        // it. A legacy profile's file is found by its start URL, so a
        // different one there means another sign-in's file.
        if let Some(url) = cached
            .start_url
            .as_deref()
            .filter(|url| session.name().is_none() && url.trim() != session.start_url())
        {
            return Err(fail(format!(
                "the cached token is for start URL {url}, not {}; {hint}",
                session.start_url()
            )));
        }
        Ok(cached)
    };
    let not_due = |cached: &CachedToken, now: SystemTime| {
        cached
            .expires_at
            .duration_since(now)
            .is_ok_and(|left| left > REFRESH_WINDOW)
    };
    let cached = read()?;
    if not_due(&cached, config.clock().now()) {
        return Ok(cached_token(&cached));
    }
    drop(cached);
    let wait = refresh_lock::wait_for_refresh(longest_send(config));
    let refreshed = refresh_lock::one_at_a_time(&path, wait, || {
        // Read again: another caller may have refreshed it while this
        // one waited, and spent the refresh token read before.
        let cached = read()?;
        let now = config.clock().now();
        if not_due(&cached, now) {
            return Ok(cached_token(&cached));
        }
        let valid = cached.expires_at > now;
        let throttle = config.sso_refreshes.of(session);
        let refresh_failure = match (session.name(), &cached.refresh) {
            (Some(_), Some(grant)) if grant.registration_expires_at > now => {
                match throttle.recent_failure(now) {
                    Some(why) => Some(format!(
                        "{why} (less than {} s ago; not tried again yet)",
                        REFRESH_RETRY_AFTER.as_secs()
                    )),
                    None => match refresh(config, settings, session, &cached, grant, now, &path) {
                        Ok(token) => {
                            throttle.record(None);
                            return Ok(token);
                        }
                        Err(why) => {
                            throttle.record(Some((now, why.clone())));
                            Some(why)
                        }
                    },
                }
            }
            (Some(_), Some(grant)) => Some(format!(
                "the OIDC client registration expired at {}",
                format_timestamp(grant.registration_expires_at)
            )),
            _ => None,
        };
        if valid {
            if let Some(why) = refresh_failure {
                log::warn!(
                    "{source}: the token expires at {} and could not be refreshed ({why}); \
                     using it until then",
                    format_timestamp(cached.expires_at)
                );
            }
            return Ok(cached_token(&cached));
        }
        let why = match (refresh_failure, session.name()) {
            (Some(why), _) => format!("could not be refreshed: {why}"),
            (None, Some(_)) => "cannot be refreshed: the cache holds no refresh token and \
                                client registration"
                .to_owned(),
            (None, None) => "is not refreshed for a profile without sso_session".to_owned(),
        };
        Err(fail(format!(
            "the SSO session has expired: its token expired at {} and {why}; {hint}",
            format_timestamp(cached.expires_at)
        )))
    });
    refreshed.unwrap_or_else(|busy| {
        // The refresh is taking longer than it may: the token in the file
        // serves while it is valid (the holder writes the file whole, so
        // it is read whole without the lock).
        let cached = read()?;
        if cached.expires_at > config.clock().now() {
            log::warn!(
                "{source}: waited {:?} for another caller's refresh, which has not finished; \
                 using the cached token until it expires",
                busy.waited
            );
            return Ok(cached_token(&cached));
        }
        Err(CredentialsError::with_kind(
            CredentialsErrorKind::TimedOut,
            source.clone(),
            format!(
                "the token has expired, and another caller's refresh of `{}` has not \
                 finished after {:?}",
                path.display(),
                busy.waited
            ),
        ))
    })
}

fn cached_token(cached: &CachedToken) -> SsoToken {
    SsoToken {
        token: cached.access_token.clone(),
        expiration: cached.expires_at,
    }
}

/// `CreateToken` with the refresh grant, then the cache file replaced.
/// The reason it failed never quotes a token.
fn refresh(
    config: &ProviderConfig,
    settings: &StsSettings,
    session: &SsoSession,
    cached: &CachedToken,
    grant: &RefreshGrant,
    now: SystemTime,
    path: &Path,
) -> Result<SsoToken, String> {
    let base = endpoint::base_url(config, settings, Api::Oidc, session.region())?;
    let mut request = http::Request::post(format!("{base}/token"))
        .header("content-type", "application/json")
        .body(Vec::new())
        .map_err(|e| format!("cannot make the request to {base}: {e}"))?;
    // Made once the request is: a failed builder would drop it unwiped.
    *request.body_mut() = crate::credentials::secret_json::object(&[
        ("clientId", grant.client_id.as_str()),
        ("clientSecret", grant.client_secret.expose()),
        ("grantType", "refresh_token"),
        ("refreshToken", grant.refresh_token.expose()),
    ]);
    let answer = send(config, request).map_err(|e| format!("CreateToken: {e}"))?;
    let (status, code) = (answer.status, answer.error_code());
    let bytes = answer.body;
    if !status.is_success() {
        wipe(bytes);
        return Err(format!(
            "CreateToken at {base} answered HTTP {}{}",
            status.as_u16(),
            code.map(|c| format!(" ({c})")).unwrap_or_default()
        ));
    }
    let parsed = parse_object(&bytes);
    wipe(bytes);
    let answer = |why: String| format!("CreateToken at {base} gave an unusable answer: {why}");
    let doc = parsed.map_err(answer)?;
    let access_token = SecretString::new(doc.required("accessToken").map_err(answer)?);
    let expires_in = doc
        .integer("expiresIn")
        .map_err(answer)?
        .ok_or_else(|| answer("`expiresIn` is missing".to_owned()))?;
    if expires_in <= 0 {
        return Err(answer("`expiresIn` is not positive".to_owned()));
    }
    let refresh_token = doc
        .string("refreshToken")
        .map_err(answer)?
        .filter(|t| !t.is_empty())
        .map(SecretString::new);
    let expiration = unix_seconds(now)
        .checked_add(expires_in)
        .filter(|secs| *secs <= LAST_CACHEABLE_SECOND)
        .and_then(|secs| from_unix(secs, 0))
        .ok_or_else(|| answer("`expiresIn` is out of range".to_owned()))?;
    let text = cached.refreshed_document(&access_token, expiration, refresh_token.as_ref());
    if let Err(e) = config.fs().write_atomic(path, &text) {
        log::warn!(
            "SSO token of {}: refreshed, but could not write the cache file `{}` back: {e}",
            session.describe(),
            path.display()
        );
    }
    Ok(SsoToken {
        token: access_token,
        expiration,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::credentials::{Fs, MapFs};
    use crate::env::MapEnv;
    use crate::timing::Clock;
    use crate::transport::{Transport, TransportError};

    const PATH: &str = "/h/.aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";
    const NOW: u64 = 2_000_000_000;

    #[derive(Debug)]
    struct At;

    impl Clock for At {
        fn now(&self) -> SystemTime {
            SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
        }
    }

    /// Reads from a map, refuses every write (the trait's default).
    #[derive(Debug)]
    struct ReadOnly(MapFs);

    impl Fs for ReadOnly {
        fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
            self.0.read(path, limit)
        }
    }

    /// Answers every request with `answer`, and counts them.
    #[derive(Debug, Clone)]
    struct Oidc {
        answer: (u16, &'static str),
        sent: Arc<Mutex<Vec<String>>>,
    }

    impl Transport for Oidc {
        fn send(
            &self,
            request: http::Request<Vec<u8>>,
            _timeout: Option<Duration>,
        ) -> Result<http::Response<Vec<u8>>, TransportError> {
            self.sent.lock().unwrap().push(request.uri().to_string());
            Ok(http::Response::builder()
                .status(self.answer.0)
                .body(self.answer.1.as_bytes().to_vec())
                .unwrap())
        }
    }

    fn cache(expires_in: i64) -> String {
        let at = |secs: i64| format_timestamp(from_unix(NOW as i64 + secs, 0).unwrap());
        format!(
            r#"{{"accessToken":"old","expiresAt":"{}","refreshToken":"r","clientId":"c",
               "clientSecret":"s","registrationExpiresAt":"{}","startUrl":"https://u"}}"#,
            at(expires_in),
            at(86_400)
        )
    }

    fn token(fs: impl Fs + 'static, oidc: &Oidc) -> Result<SsoToken, CredentialsError> {
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(fs)
            .with_clock(At)
            .with_transport(oidc.clone());
        SsoTokenProvider::for_session(&config, SsoSession::named("dev", "https://u", "us-east-1"))
            .token()
    }

    /// Found by comparing with botocore 1.44.8: a named session's token
    /// was refused when its file's `startUrl` differed in form from the
    /// configuration's (a trailing `/`). A legacy profile's still must
    /// match: its file is found by the start URL.
    #[test]
    fn a_named_sessions_token_is_not_checked_against_its_start_url() {
        let fs = MapFs::new().with_file(PATH, cache(3600).replace("https://u", "https://u/"));
        assert_eq!(
            token(fs, &oidc((500, "{}"))).unwrap().token().expose(),
            "old"
        );
        let legacy = SsoSession::legacy("https://v", "us-east-1");
        let path = format!("/h/.aws/sso/cache/{}", legacy.cache_file_name());
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(MapFs::new().with_file(path, cache(3600)))
            .with_clock(At);
        let e = SsoTokenProvider::for_session(&config, legacy)
            .token()
            .unwrap_err();
        assert!(e.to_string().contains("is for start URL https://u"), "{e}");
    }

    /// An OIDC service that, as the real one, accepts each refresh token
    /// once and answers with a new one (`r1`, `r2`, …, with the access
    /// tokens `new1`, `new2`, …); counts the `CreateToken` calls.
    #[derive(Debug, Clone)]
    struct Rotating(Arc<Mutex<(String, usize)>>);

    impl Rotating {
        fn new() -> Self {
            Self(Arc::new(Mutex::new(("r".to_owned(), 0))))
        }

        fn calls(&self) -> usize {
            self.0.lock().unwrap().1
        }
    }

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
                    state.0 = format!("r{n}");
                    let answer = format!(
                        r#"{{"accessToken":"new{n}","expiresIn":3600,"refreshToken":"r{n}"}}"#
                    );
                    (200, answer)
                } else {
                    (400, r#"{"error":"invalid_grant"}"#.to_owned())
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

    /// Eight threads ask at once for the token of a cache whose token
    /// expires in `expires_in` seconds (due for refresh), each through a
    /// configuration of its own or all through one; what each got, and
    /// how many `CreateToken` calls were made. The cache must hold the
    /// first refresh's tokens.
    fn eight_at_once(expires_in: i64, shared: bool) -> (Vec<Result<String, String>>, usize) {
        let fs = MapFs::new().with_file(PATH, cache(expires_in));
        let oidc = Rotating::new();
        let config = || {
            ProviderConfig::new()
                .with_env(MapEnv::new([("HOME", "/h")]))
                .with_fs(fs.clone())
                .with_clock(At)
                .with_transport(oidc.clone())
        };
        let one = config();
        let start = Arc::new(std::sync::Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let config = if shared { one.clone() } else { config() };
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    let session = SsoSession::named("dev", "https://u", "us-east-1");
                    let provider = SsoTokenProvider::for_session(&config, session);
                    start.wait();
                    provider
                        .token()
                        .map(|t| t.token().expose().to_owned())
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        let got = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let written: serde_json::Value = serde_json::from_slice(&fs.get(PATH).unwrap()).unwrap();
        assert_eq!(written["accessToken"], "new1");
        assert_eq!(written["refreshToken"], "r1");
        (got, oidc.calls())
    }

    #[test]
    fn callers_with_configurations_of_their_own_spend_the_refresh_token_once() {
        // Two clients in one process, or one per C thread through sts-ffi:
        // a second CreateToken with the spent refresh token was refused,
        // and an expired token's callers were told to log in again.
        for expires_in in [-1, 60] {
            let (got, calls) = eight_at_once(expires_in, false);
            assert_eq!(calls, 1, "{expires_in}: {got:?}");
            assert_eq!(got, vec![Ok("new1".to_owned()); 8], "{expires_in}");
        }
    }

    #[test]
    fn callers_sharing_a_configuration_spend_the_refresh_token_once() {
        for expires_in in [-1, 60] {
            let (got, calls) = eight_at_once(expires_in, true);
            assert_eq!(calls, 1, "{expires_in}: {got:?}");
            assert_eq!(got, vec![Ok("new1".to_owned()); 8], "{expires_in}");
        }
    }

    fn oidc(answer: (u16, &'static str)) -> Oidc {
        Oidc {
            answer,
            sent: Arc::default(),
        }
    }

    #[test]
    fn a_refreshed_token_is_used_even_if_the_cache_cannot_be_written() {
        let fs = ReadOnly(MapFs::new().with_file(PATH, cache(60)));
        let oidc = oidc((200, r#"{"accessToken":"new","expiresIn":3600}"#));
        let t = token(fs, &oidc).unwrap();
        assert_eq!(t.token().expose(), "new");
        assert_eq!(
            t.expiration(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(NOW + 3600)
        );
        assert_eq!(
            *oidc.sent.lock().unwrap(),
            ["https://oidc.us-east-1.amazonaws.com/token"]
        );
    }

    #[test]
    fn refresh_is_due_within_five_minutes_only() {
        let fs = MapFs::new().with_file(PATH, cache(301));
        let oidc = oidc((400, r#"{"error":"invalid_grant"}"#));
        assert_eq!(token(fs.clone(), &oidc).unwrap().token().expose(), "old");
        assert!(oidc.sent.lock().unwrap().is_empty());
        fs.clone().insert(PATH, cache(299));
        assert_eq!(token(fs, &oidc).unwrap().token().expose(), "old");
        assert_eq!(oidc.sent.lock().unwrap().len(), 1, "tried, failed, kept");
    }

    #[test]
    fn a_failed_refresh_is_not_tried_again_for_thirty_seconds() {
        let fs = MapFs::new().with_file(PATH, cache(120));
        let oidc = oidc((400, r#"{"error":"invalid_grant"}"#));
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(fs)
            .with_clock(At)
            .with_transport(oidc.clone());
        let provider = SsoTokenProvider::for_session(
            &config,
            SsoSession::named("dev", "https://u", "us-east-1"),
        );
        for _ in 0..3 {
            assert_eq!(provider.token().unwrap().token().expose(), "old");
        }
        assert_eq!(oidc.sent.lock().unwrap().len(), 1);
        // A clone shares the throttle, and so does a new provider made
        // from the same configuration (a profile provider makes one for
        // every fetch); one from another configuration does not.
        assert_eq!(provider.clone().token().unwrap().token().expose(), "old");
        assert_eq!(oidc.sent.lock().unwrap().len(), 1);
        let again = SsoTokenProvider::for_session(
            &config,
            SsoSession::named("dev", "https://u", "us-east-1"),
        );
        again.token().unwrap();
        assert_eq!(oidc.sent.lock().unwrap().len(), 1);
        let elsewhere = ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(MapFs::new().with_file(PATH, cache(120)))
            .with_clock(At)
            .with_transport(oidc.clone());
        SsoTokenProvider::for_session(
            &elsewhere,
            SsoSession::named("dev", "https://u", "us-east-1"),
        )
        .token()
        .unwrap();
        assert_eq!(oidc.sent.lock().unwrap().len(), 2);
    }

    #[test]
    fn a_refresh_expiring_after_year_9999_is_refused_and_not_cached() {
        // The cache could not record such an expiry: the file written
        // back would be unreadable, and the next read would need a login.
        let fs = MapFs::new().with_file(PATH, cache(-1));
        let answer = r#"{"accessToken":"new","expiresIn":1000000000000}"#;
        let e = token(fs.clone(), &oidc((200, answer))).unwrap_err();
        assert!(e.to_string().contains("`expiresIn` is out of range"), "{e}");
        assert_eq!(fs.get(PATH).unwrap(), cache(-1).into_bytes(), "unchanged");
        let last = LAST_CACHEABLE_SECOND - NOW as i64;
        let answer = format!(r#"{{"accessToken":"new","expiresIn":{last}}}"#).leak();
        let t = token(fs.clone(), &oidc((200, answer))).unwrap();
        assert_eq!(format_timestamp(t.expiration()), "9999-12-31T23:59:59Z");
        assert_eq!(
            token(fs, &oidc((400, r#"{"error":"invalid_grant"}"#)))
                .unwrap()
                .token()
                .expose(),
            "new"
        );
    }

    #[test]
    fn bad_refresh_answers_leave_an_expired_token_unusable() {
        for (answer, want) in [
            ((200, "not json"), "not valid JSON"),
            ((200, r#"{"accessToken":"new"}"#), "`expiresIn` is missing"),
            (
                (200, r#"{"accessToken":"new","expiresIn":-5}"#),
                "not positive",
            ),
            (
                (400, r#"{"error":"invalid_grant"}"#),
                "HTTP 400 (invalid_grant)",
            ),
        ] {
            let fs = MapFs::new().with_file(PATH, cache(-1));
            let e = token(fs.clone(), &oidc(answer)).unwrap_err();
            let text = e.to_string();
            assert!(
                text.contains(want) && text.contains("aws sso login"),
                "{text}"
            );
            assert_eq!(fs.get(PATH).unwrap(), cache(-1).into_bytes(), "unchanged");
        }
    }

    /// Another caller's refresh of the same file that hangs: the wait for
    /// it ends after the longest the refresh may take (one try of 150 ms
    /// here) and 1 s for the file; then the cached token serves while it
    /// is valid, and an expired one is a retryable time-out that says so.
    #[test]
    fn a_wait_for_another_callers_refresh_is_bounded_by_the_refresh_budget() {
        for (expires_in, valid) in [(60, true), (-60, false)] {
            let oidc = oidc((200, r#"{"accessToken":"new","expiresIn":3600}"#));
            let config = ProviderConfig::new()
                .with_sts_client_builder(
                    crate::ClientBuilder::default()
                        .attempt_timeout(Some(Duration::from_millis(150)))
                        .max_attempts(1),
                )
                .with_env(MapEnv::new([("HOME", "/h")]))
                .with_fs(MapFs::new().with_file(PATH, cache(expires_in)))
                .with_clock(At)
                .with_transport(oidc.clone());
            let wait = Duration::from_millis(1150);
            assert_eq!(refresh_lock::wait_for_refresh(longest_send(&config)), wait);
            let release = std::sync::atomic::AtomicBool::new(false);
            std::thread::scope(|s| {
                refresh_lock::testing::hold(s, Path::new(PATH), &release);
                let start = std::time::Instant::now();
                let got = SsoTokenProvider::for_session(
                    &config,
                    SsoSession::named("dev", "https://u", "us-east-1"),
                )
                .token();
                let took = start.elapsed();
                release.store(true, std::sync::atomic::Ordering::SeqCst);
                match got {
                    Ok(token) => {
                        assert!(valid, "an expired token served");
                        assert_eq!(token.token().expose(), "old");
                    }
                    Err(e) => {
                        assert!(!valid, "a valid token not served: {e}");
                        assert_eq!(e.kind(), CredentialsErrorKind::TimedOut, "{e}");
                        assert!(
                            e.to_string().contains("has not finished after 1.15s"),
                            "{e}"
                        );
                    }
                }
                assert!(took >= wait, "{took:?}");
                assert!(took < wait + Duration::from_secs(2), "{took:?}");
            });
            assert!(
                oidc.sent.lock().unwrap().is_empty(),
                "no refresh without the lock"
            );
        }
    }

    /// The longest a refresh's requests may take: every try's budget and
    /// the longest back-off between tries, with at most 10 tries whatever
    /// the retry policy allows (a policy of 100,000 tries sent them all).
    #[test]
    fn a_refresh_tries_at_most_ten_times() {
        let oidc = oidc((500, "{}"));
        let sleeps = crate::timing::RecordedSleeps::default();
        let config = ProviderConfig::new()
            .with_sts_client_builder(
                crate::ClientBuilder::default()
                    .attempt_timeout(Some(Duration::from_secs(2)))
                    .max_backoff(Duration::from_secs(3))
                    .max_attempts(100_000),
            )
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(MapFs::new().with_file(PATH, cache(60)))
            .with_clock(At)
            .with_sleep(sleeps.clone())
            .with_transport(oidc.clone());
        assert_eq!(longest_send(&config), Duration::from_secs(10 * 2 + 9 * 3));
        let _ = SsoTokenProvider::for_session(
            &config,
            SsoSession::named("dev", "https://u", "us-east-1"),
        )
        .token();
        assert_eq!(oidc.sent.lock().unwrap().len(), 10);
        assert_eq!(sleeps.taken().len(), 9);
    }
}
