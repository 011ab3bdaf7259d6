//! Credentials of the IAM role of an EC2 instance, from its instance
//! metadata service (IMDSv2).

mod session;
mod settings;

use std::cell::Cell;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sts_proto::Credentials;
use sts_proto::time::format_timestamp;

use self::session::{Failure, Session, TOKEN_PATH, Token};
use self::settings::{ImdsSettings, Overrides, SOURCE};
use super::metadata_document::{WhenExpired, parse_response};
use super::metadata_http::Sender;
use super::provider_config::wipe;
use super::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, ProviderConfig, SharedCredentials,
};

pub use self::settings::ImdsEndpointMode;

/// Where the instance's role name is listed, and (with the name appended)
/// its credentials are.
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// The longest IAM role name.
const MAX_ROLE_NAME_CHARS: usize = 64;

/// How long the last credentials are served past a failure, before the
/// random part of [`EXTENSION_JITTER`].
const EXTENSION: Duration = Duration::from_secs(15 * 60);

/// The upper bound of the random time added to [`EXTENSION`], so that a
/// fleet whose metadata service failed together does not ask together.
const EXTENSION_JITTER: Duration = Duration::from_secs(5 * 60);

/// Credentials of the instance's IAM role (its instance profile), from the
/// EC2 instance metadata service, as the AWS SDKs fetch them.
///
/// Each fetch gets an IMDSv2 session token (`PUT /latest/api/token`; the
/// token is kept until shortly before its lifetime, 6 hours by default,
/// runs out), reads the role name from
/// `/latest/meta-data/iam/security-credentials/`, then the role's
/// credentials document. A service without the token API (404 or 405),
/// whose token request gets no answer in time (a container on an instance
/// whose metadata hop limit is 1), or which answers it with another error
/// than 400 or 403 (a 5xx after its attempts, a 401), is asked without a
/// token (IMDSv1), as botocore asks it, unless
/// `AWS_EC2_METADATA_V1_DISABLED` or the profile's
/// `ec2_metadata_v1_disabled` is `true`.
///
/// Settings (explicit ones from [`ImdsProvider::builder`] first, then the
/// environment, then the selected profile):
///
/// | setting | environment | profile key | default |
/// |---|---|---|---|
/// | off | `AWS_EC2_METADATA_DISABLED` | | false |
/// | endpoint | `AWS_EC2_METADATA_SERVICE_ENDPOINT` | `ec2_metadata_service_endpoint` | from the mode |
/// | endpoint mode | `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` | `ec2_metadata_service_endpoint_mode` | `IPv4`: `http://169.254.169.254`; `IPv6`: `http://[fd00:ec2::254]` |
/// | IMDSv1 fallback off | `AWS_EC2_METADATA_V1_DISABLED` | `ec2_metadata_v1_disabled` | false |
/// | time limit per attempt (above 0, at most 3600 s) | `AWS_METADATA_SERVICE_TIMEOUT` | `metadata_service_timeout` | 1 s |
/// | attempts (1 to 100) | `AWS_METADATA_SERVICE_NUM_ATTEMPTS` | `metadata_service_num_attempts` | 1 |
///
/// The two on/off settings take `true` or `false` (any case); anything
/// else is an error naming the setting, which stops the default chain.
/// That is on purpose, as for the client's own settings: botocore and
/// aws-sdk-rust read anything but `true` as `false`, so that
/// `AWS_EC2_METADATA_DISABLED=1`, meant to turn instance metadata off,
/// quietly leaves it on there.
///
/// A request that gets no answer is tried the configured number of
/// attempts; one answered with a server error (5xx), at least 4 times.
/// Requests go through [`ProviderConfig`]'s transport (the default one
/// honours `HTTP_PROXY` and `NO_PROXY`).
///
/// **Not configured** when instance metadata is turned off, when no
/// service answers (off EC2: the default chain moves on after one attempt's
/// time limit), or when the instance has no IAM role.
///
/// **Static stability**: credentials the service hands out already expired
/// (what it does during an outage of its own) are used, taken as valid for
/// 15 minutes plus up to 5 random minutes, as botocore and aws-sdk-rust
/// use them; and once credentials were fetched, a later fetch that fails
/// (no answer, an error, a bad document) serves the last credentials
/// again for as long (or until their own expiration, if later). Both log
/// a warning. Services outside EC2 may still refuse such credentials; an
/// outage of the metadata service no longer stops the program at once.
///
/// ```no_run
/// use std::time::Duration;
/// use sts_blocking::credentials::{CachingProvider, ImdsProvider, ProviderConfig};
///
/// let imds = ImdsProvider::builder(&ProviderConfig::new())
///     .timeout(Duration::from_secs(2))
///     .attempts(3)
///     .build();
/// let provider = CachingProvider::new(imds);
/// ```
#[derive(Clone)]
pub struct ImdsProvider {
    config: ProviderConfig,
    overrides: Overrides,
    state: Arc<State>,
}

/// What one provider (and its clones) keeps between fetches.
#[derive(Default)]
struct State {
    token: Mutex<Option<Token>>,
    last: Mutex<Option<SharedCredentials>>,
}

impl fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn held<T>(m: &Mutex<Option<T>>) -> bool {
            m.lock().unwrap_or_else(PoisonError::into_inner).is_some()
        }
        f.debug_struct("ImdsProvider")
            .field("overrides", &self.overrides)
            .field("has_token", &held(&self.state.token))
            .field("has_credentials", &held(&self.state.last))
            .finish_non_exhaustive()
    }
}

/// Settings of an [`ImdsProvider`] that win over the environment and the
/// profile.
#[derive(Debug, Clone)]
pub struct ImdsProviderBuilder {
    config: ProviderConfig,
    overrides: Overrides,
}

impl ImdsProviderBuilder {
    /// Asks the service at `url` (such as `http://127.0.0.1:8080`), in place
    /// of the endpoint any mode gives.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.overrides.endpoint = Some(url.into());
        self
    }

    /// Uses the endpoint of `mode` when no endpoint is set.
    pub fn endpoint_mode(mut self, mode: ImdsEndpointMode) -> Self {
        self.overrides.mode = Some(mode);
        self
    }

    /// Gives each attempt of a request `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.overrides.timeout = Some(timeout);
        self
    }

    /// Tries a request that gets no answer `attempts` times in all (at
    /// least once).
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.overrides.attempts = Some(attempts);
        self
    }

    /// Whether requests may go without a session token (IMDSv1) when the
    /// service has no token API.
    pub fn v1_fallback(mut self, allowed: bool) -> Self {
        self.overrides.v1_disabled = Some(!allowed);
        self
    }

    /// Asks for session tokens that live `ttl` (1 second to 6 hours;
    /// 6 hours by default).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.overrides.token_ttl = Some(ttl);
        self
    }

    /// The provider.
    pub fn build(self) -> ImdsProvider {
        ImdsProvider {
            config: self.config,
            overrides: self.overrides,
            state: Arc::default(),
        }
    }
}

impl ImdsProvider {
    /// The instance metadata service as `config`'s environment and profile
    /// set it up.
    pub fn new(config: &ProviderConfig) -> Self {
        Self::builder(config).build()
    }

    /// A provider with settings of the program's own.
    pub fn builder(config: &ProviderConfig) -> ImdsProviderBuilder {
        ImdsProviderBuilder {
            config: config.clone(),
            overrides: Overrides::default(),
        }
    }

    fn fetch(&self, settings: &ImdsSettings) -> Result<Credentials, Failure> {
        let transport = self.config.http_transport();
        let sleep = self.config.sleep();
        let session = Session {
            settings,
            sender: Sender {
                transport: &*transport,
                sleep: &*sleep,
                random: &*self.config.random,
            },
            clock: self.config.clock(),
            token: &self.state.token,
            v1: Cell::new(false),
            token_unanswered: Cell::new(false),
            token_refused: Cell::new(None),
        };
        let failed = |reason: String| Failure::Answered(CredentialsErrorKind::Failed, reason);

        let listing = session.get(ROLE_PATH)?;
        // With why the token request failed, which a 401 here is about.
        match (listing.status().as_u16(), session.token_refused.get()) {
            (200, _) => {}
            (404, _) => {
                return Err(Failure::Answered(
                    CredentialsErrorKind::NotConfigured,
                    format!(
                        "the instance has no IAM role (GET {} answered 404)",
                        session.shown_url(ROLE_PATH)
                    ),
                ));
            }
            (401, _) if session.token_unanswered.get() => {
                return Err(failed(format!(
                    "GET {} without a session token answered 401: the instance requires IMDSv2, \
                     and the token request (PUT {TOKEN_PATH}) got no answer within {:?}. In a \
                     container, the instance's metadata hop limit is probably 1; raise it to 2 \
                     (aws ec2 modify-instance-metadata-options --instance-id <id> \
                     --http-put-response-hop-limit 2)",
                    session.shown_url(ROLE_PATH),
                    settings.attempts.timeout,
                )));
            }
            // Classified by the token request's status: a 5xx there is
            // worth trying again later, as it was before the fallback.
            (401, Some(refused)) => {
                return Err(Failure::status(
                    refused,
                    format!(
                        "GET {} without a session token answered 401: the instance requires \
                         IMDSv2, and the token request (PUT {TOKEN_PATH}) was answered with \
                         status {refused}",
                        session.shown_url(ROLE_PATH),
                    ),
                ));
            }
            (status, _) => {
                return Err(Failure::status(
                    status,
                    format!(
                        "GET {} answered with status {status}",
                        session.shown_url(ROLE_PATH)
                    ),
                ));
            }
        }
        let role = role_name(listing.body()).map_err(failed)?;

        let path = format!("{ROLE_PATH}{role}");
        let response = session.get(&path)?;
        let status = response.status().as_u16();
        if status == 404 {
            return Err(Failure::Answered(
                CredentialsErrorKind::NotConfigured,
                format!("the instance's role {role} has no credentials (GET {path} answered 404)"),
            ));
        }
        let body = response.into_body();
        let now = self.config.clock().now();
        let parsed = parse_response(status, &body, now, WhenExpired::Keep);
        wipe(body);
        let creds = parsed.map_err(|e| {
            Failure::status(status, format!("GET {}: {e}", session.shown_url(&path)))
        })?;
        Ok(match creds.expiration() {
            // The service's own outage: it hands out what it last had.
            Some(at) if at <= now => {
                let reason = format!(
                    "GET {} gave credentials that expired at {}",
                    session.shown_url(&path),
                    format_timestamp(at)
                );
                self.extend(creds, &reason, "using them")
            }
            _ => creds,
        })
    }

    /// `creds`, valid a while longer, after `reason` kept fresh ones from
    /// being fetched: the last credentials after a failed fetch, or the
    /// expired ones the service handed out.
    /// `serving` says which credentials, in the warning.
    fn extend(&self, creds: Credentials, reason: &str, serving: &str) -> Credentials {
        let now = self.config.clock().now();
        let jitter = crate::timing::jittered(EXTENSION_JITTER, &*self.config.random);
        let extended = now.checked_add(EXTENSION + jitter).unwrap_or(now);
        let until = match creds.expiration() {
            Some(at) if at > extended => at,
            _ => extended,
        };
        log::warn!(
            "{SOURCE}: {reason}; {serving}, now taken as valid until {}",
            format_timestamp(until)
        );
        creds.with_expiration(until)
    }

    fn last(&self) -> Option<SharedCredentials> {
        self.state
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let Some(settings) = settings::resolve(&self.config, &self.overrides)? else {
            return Err(CredentialsError::not_configured(
                SOURCE,
                "turned off by AWS_EC2_METADATA_DISABLED",
            ));
        };
        match self.fetch(&settings) {
            Ok(creds) => {
                let creds = Arc::new(creds);
                *self
                    .state
                    .last
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&creds));
                Ok(creds)
            }
            Err(failure) => {
                let (kind, reason, transient) = match failure {
                    Failure::Unreachable(reason) => {
                        (CredentialsErrorKind::NotConfigured, reason, false)
                    }
                    Failure::Answered(kind, reason) => (kind, reason, false),
                    Failure::Unavailable(reason) => (CredentialsErrorKind::Failed, reason, true),
                };
                match self.last() {
                    Some(last) => Ok(Arc::new(self.extend(
                        (*last).clone(),
                        &reason,
                        "serving the credentials fetched before",
                    ))),
                    None => {
                        Err(CredentialsError::with_kind(kind, SOURCE, reason)
                            .with_transient(transient))
                    }
                }
            }
        }
    }
}

/// The role name the listing gives: its first line, which must be a
/// valid IAM role name (it becomes part of a URL path).
fn role_name(body: &[u8]) -> Result<String, String> {
    let text =
        std::str::from_utf8(body).map_err(|_| "the role listing is not valid UTF-8".to_owned())?;
    let name = text.lines().next().unwrap_or_default().trim();
    if name.is_empty() {
        return Err("the role listing is empty: the instance has no IAM role".to_owned());
    }
    let valid = name.chars().count() <= MAX_ROLE_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !valid {
        return Err(
            "the role listing does not start with a valid IAM role name (at most 64 of \
             A-Z a-z 0-9 + = , . @ _ -)"
                .to_owned(),
        );
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names() {
        assert_eq!(role_name(b"my-role\n").unwrap(), "my-role");
        assert_eq!(role_name(b"a+=,.@_-b\nsecond").unwrap(), "a+=,.@_-b");
        for bad in [&b""[..], b"\n", b"../x", b"a b", b"\xff", &[b'a'; 65][..]] {
            assert!(role_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn extension_is_jittered_within_bounds() {
        use std::time::SystemTime;

        use crate::timing::{Clock, Random};

        #[derive(Debug)]
        struct At(SystemTime);
        impl Clock for At {
            fn now(&self) -> SystemTime {
                self.0
            }
        }
        #[derive(Debug)]
        struct Half;
        impl Random for Half {
            fn next_f64(&self) -> f64 {
                0.5
            }
        }
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        let provider =
            ImdsProvider::new(&ProviderConfig::new().with_clock(At(now)).with_random(Half));
        let old = Credentials::new("AKID", "S", None).with_expiration(now - Duration::from_secs(1));
        let got = provider.extend(old, "test", "test").expiration().unwrap();
        let (low, high) = (now + EXTENSION, now + EXTENSION + EXTENSION_JITTER);
        assert_eq!(got, now + EXTENSION + EXTENSION_JITTER / 2);
        assert!(low <= got && got <= high);
        let later = now + Duration::from_secs(3600);
        let fresh = Credentials::new("AKID", "S", None).with_expiration(later);
        assert_eq!(
            provider.extend(fresh, "test", "test").expiration(),
            Some(later)
        );
    }
}
