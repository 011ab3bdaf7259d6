//! Where instance metadata is and how it is asked: explicit values, then
//! the environment, then the selected profile, then the defaults.
//!
//! | setting | environment | profile key | default |
//! |---|---|---|---|
//! | off | `AWS_EC2_METADATA_DISABLED` | | false |
//! | endpoint | `AWS_EC2_METADATA_SERVICE_ENDPOINT` | `ec2_metadata_service_endpoint` | from the mode |
//! | endpoint mode | `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` | `ec2_metadata_service_endpoint_mode` | `IPv4` |
//! | IMDSv1 fallback off | `AWS_EC2_METADATA_V1_DISABLED` | `ec2_metadata_v1_disabled` | false |
//! | timeout per attempt | `AWS_METADATA_SERVICE_TIMEOUT` | `metadata_service_timeout` | 1 s |
//! | attempts | `AWS_METADATA_SERVICE_NUM_ATTEMPTS` | `metadata_service_num_attempts` | 1 |
//!
//! An endpoint, wherever it is set, wins over any mode.

use std::fmt;
use std::time::Duration;

use crate::credentials::metadata_http::Attempts;
use crate::credentials::provider_config::LoadedProfiles;
use crate::credentials::{CredentialsError, CredentialsErrorKind, ProviderConfig};

/// What errors about instance metadata name as their source.
pub(crate) const SOURCE: &str = "instance metadata";

/// The endpoint in [`ImdsEndpointMode::Ipv4`] mode.
const IPV4_ENDPOINT: &str = "http://169.254.169.254";
/// The endpoint in [`ImdsEndpointMode::Ipv6`] mode.
const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

/// The longest time per attempt a setting may ask for. botocore sets no
/// limit; this one is far above any value in use (a lower one, 60 s,
/// refused settings the AWS CLI takes, and stopped the chain), and keeps a
/// typing slip from making a wait of years.
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// The most attempts a setting may ask for (botocore: no limit; this
/// crate's was 10).
const MAX_ATTEMPTS: u32 = 100;
/// The longest session token lifetime the service grants (6 hours).
pub(crate) const MAX_TOKEN_TTL: Duration = Duration::from_secs(21_600);

/// Which address of the instance metadata service is used when no
/// endpoint is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImdsEndpointMode {
    /// `http://169.254.169.254`.
    #[default]
    Ipv4,
    /// `http://[fd00:ec2::254]` (Nitro instances with IPv6 metadata on).
    Ipv6,
}

impl ImdsEndpointMode {
    /// The base URL of the mode.
    fn endpoint(self) -> &'static str {
        match self {
            ImdsEndpointMode::Ipv4 => IPV4_ENDPOINT,
            ImdsEndpointMode::Ipv6 => IPV6_ENDPOINT,
        }
    }
}

impl fmt::Display for ImdsEndpointMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImdsEndpointMode::Ipv4 => "IPv4",
            ImdsEndpointMode::Ipv6 => "IPv6",
        })
    }
}

/// Values set by the program, which win over the environment and profile.
#[derive(Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) endpoint: Option<String>,
    pub(crate) mode: Option<ImdsEndpointMode>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) attempts: Option<u32>,
    pub(crate) v1_disabled: Option<bool>,
    pub(crate) token_ttl: Option<Duration>,
}

/// The endpoint as errors show it: a password in its URL stays out of logs.
impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            endpoint,
            mode,
            timeout,
            attempts,
            v1_disabled,
            token_ttl,
        } = self;
        let endpoint = endpoint
            .as_deref()
            .map(sts_proto::endpoint::redact_for_errors);
        f.debug_struct("Overrides")
            .field("endpoint", &endpoint)
            .field("mode", mode)
            .field("timeout", timeout)
            .field("attempts", attempts)
            .field("v1_disabled", v1_disabled)
            .field("token_ttl", token_ttl)
            .finish()
    }
}

/// The settings of one fetch.
#[derive(Clone)]
pub(crate) struct ImdsSettings {
    /// The base URL; paths are appended to its own.
    pub(crate) endpoint: http::Uri,
    pub(crate) attempts: Attempts,
    pub(crate) v1_fallback: bool,
    pub(crate) token_ttl: Duration,
}

impl fmt::Debug for ImdsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            endpoint,
            attempts,
            v1_fallback,
            token_ttl,
        } = self;
        f.debug_struct("ImdsSettings")
            .field(
                "endpoint",
                &sts_proto::endpoint::redact_for_errors(&endpoint.to_string()),
            )
            .field("attempts", attempts)
            .field("v1_fallback", v1_fallback)
            .field("token_ttl", token_ttl)
            .finish()
    }
}

/// Where a value was found, for error messages.
enum Origin {
    Explicit,
    Env(&'static str),
    Profile(&'static str, String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Explicit => f.write_str("the program's setting"),
            Origin::Env(var) => f.write_str(var),
            Origin::Profile(key, profile) => write!(f, "`{key}` of profile {profile:?}"),
        }
    }
}

struct Lookup<'a> {
    config: &'a ProviderConfig,
    profiles: Option<LoadedProfiles>,
}

impl Lookup<'_> {
    /// The variable `var`'s value, else the selected profile's `key`.
    fn find(&self, var: &'static str, key: &'static str) -> Option<(String, Origin)> {
        if let Some(v) = self.config.env().get_nonempty(var) {
            return Some((v.trim().to_owned(), Origin::Env(var)));
        }
        let loaded = self.profiles.as_ref()?;
        let value = loaded.set.profile(&loaded.profile)?.get_nonempty(key)?;
        Some((
            value.trim().to_owned(),
            Origin::Profile(key, loaded.profile.clone()),
        ))
    }
}

fn invalid(reason: String) -> CredentialsError {
    CredentialsError::invalid_configuration(SOURCE, reason)
}

fn parse_bool(value: &str, origin: &Origin) -> Result<bool, CredentialsError> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(invalid(format!("{origin} must be true or false")))
    }
}

fn parse_mode(value: &str, origin: &Origin) -> Result<ImdsEndpointMode, CredentialsError> {
    if value.eq_ignore_ascii_case("ipv4") {
        Ok(ImdsEndpointMode::Ipv4)
    } else if value.eq_ignore_ascii_case("ipv6") {
        Ok(ImdsEndpointMode::Ipv6)
    } else {
        let shown: String = value.chars().take(64).collect();
        Err(invalid(format!(
            "`{}` is not a valid endpoint mode (in {origin}); expected IPv4 or IPv6",
            shown.escape_default()
        )))
    }
}

/// `value` as an endpoint: an absolute `http` or `https` URL, without
/// any user information. The value is not quoted in errors: it may carry
/// user information.
fn parse_endpoint(value: &str, origin: &Origin) -> Result<http::Uri, CredentialsError> {
    let uri: http::Uri = value
        .parse()
        .map_err(|e| invalid(format!("{origin} is not a valid URI: {e}")))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
        return Err(invalid(format!(
            "{origin} must be an absolute http:// or https:// URL"
        )));
    }
    // Not sent, as botocore sends none (found by a review: it went out as
    // a `Basic` header).
    crate::credentials::metadata_http::without_userinfo(uri)
        .map_err(|e| invalid(format!("{origin} is not a valid URI: {e}")))
}

fn parse_timeout(value: &str, origin: &Origin) -> Result<Duration, CredentialsError> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .filter(|d| *d <= MAX_TIMEOUT)
        .ok_or_else(|| {
            invalid(format!(
                "{origin} must be a number of seconds above 0 and at most {}",
                MAX_TIMEOUT.as_secs()
            ))
        })
}

fn parse_attempts(value: &str, origin: &Origin) -> Result<u32, CredentialsError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_ATTEMPTS).contains(n))
        .ok_or_else(|| {
            invalid(format!(
                "{origin} must be a whole number from 1 to {MAX_ATTEMPTS}"
            ))
        })
}

/// The settings of a fetch; `None` when instance metadata is turned off.
pub(crate) fn resolve(
    config: &ProviderConfig,
    overrides: &Overrides,
) -> Result<Option<ImdsSettings>, CredentialsError> {
    const DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
    if let Some(v) = config.env().get_nonempty(DISABLED)
        && parse_bool(v.trim(), &Origin::Env(DISABLED))?
    {
        return Ok(None);
    }
    let profiles = match config.load_profiles() {
        Ok(loaded) => Some(loaded),
        Err(e) if e.is_not_configured() => None,
        Err(e) => return Err(e.within(SOURCE, CredentialsErrorKind::InvalidConfiguration)),
    };
    let look = Lookup { config, profiles };

    let mode = match overrides.mode {
        Some(mode) => mode,
        None => match look.find(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "ec2_metadata_service_endpoint_mode",
        ) {
            Some((v, origin)) => parse_mode(&v, &origin)?,
            None => ImdsEndpointMode::default(),
        },
    };
    let endpoint = match &overrides.endpoint {
        Some(v) => parse_endpoint(v, &Origin::Explicit)?,
        None => match look.find(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "ec2_metadata_service_endpoint",
        ) {
            Some((v, origin)) => parse_endpoint(&v, &origin)?,
            None => parse_endpoint(mode.endpoint(), &Origin::Explicit)?,
        },
    };
    let v1_disabled = match overrides.v1_disabled {
        Some(b) => b,
        None => match look.find("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled") {
            Some((v, origin)) => parse_bool(&v, &origin)?,
            None => false,
        },
    };
    let timeout = match overrides.timeout {
        Some(t) => t,
        None => match look.find("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout") {
            Some((v, origin)) => parse_timeout(&v, &origin)?,
            None => Duration::from_secs(1),
        },
    };
    let attempts = match overrides.attempts {
        Some(n) => n.max(1),
        None => match look.find(
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "metadata_service_num_attempts",
        ) {
            Some((v, origin)) => parse_attempts(&v, &origin)?,
            None => 1,
        },
    };
    let token_ttl = overrides
        .token_ttl
        .unwrap_or(MAX_TOKEN_TTL)
        .clamp(Duration::from_secs(1), MAX_TOKEN_TTL);
    Ok(Some(ImdsSettings {
        endpoint,
        attempts: Attempts { timeout, attempts },
        v1_fallback: !v1_disabled,
        token_ttl,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MapFs;
    use crate::env::MapEnv;

    fn settings(
        env: &[(&str, &str)],
        config: &str,
    ) -> Result<Option<ImdsSettings>, CredentialsError> {
        let mut vars = vec![("HOME", "/h")];
        vars.extend_from_slice(env);
        let config = ProviderConfig::new()
            .with_env(MapEnv::new(vars))
            .with_fs(MapFs::new().with_file("/h/.aws/config", config));
        resolve(&config, &Overrides::default())
    }

    #[test]
    fn defaults() {
        let s = settings(&[], "").unwrap().unwrap();
        assert_eq!(s.endpoint.to_string(), "http://169.254.169.254/");
        assert_eq!(s.attempts.timeout, Duration::from_secs(1));
        assert_eq!(s.attempts.attempts, 1);
        assert!(s.v1_fallback);
        assert_eq!(s.token_ttl, MAX_TOKEN_TTL);
    }

    #[test]
    fn environment_then_profile() {
        let profile = "[default]\nmetadata_service_timeout = 3\nmetadata_service_num_attempts = 2\n\
                       ec2_metadata_v1_disabled = true\n";
        let s = settings(&[], profile).unwrap().unwrap();
        assert_eq!(s.attempts.timeout, Duration::from_secs(3));
        assert_eq!(s.attempts.attempts, 2);
        assert!(!s.v1_fallback);
        let s = settings(
            &[
                ("AWS_METADATA_SERVICE_TIMEOUT", "0.5"),
                ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "4"),
                ("AWS_EC2_METADATA_V1_DISABLED", "FALSE"),
            ],
            profile,
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.attempts.timeout, Duration::from_millis(500));
        assert_eq!(s.attempts.attempts, 4);
        assert!(s.v1_fallback);
        // Values the AWS CLI takes (a review found 120 s and 20 attempts
        // refused, which stopped the chain).
        let s = settings(
            &[
                ("AWS_METADATA_SERVICE_TIMEOUT", "120"),
                ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "20"),
            ],
            "",
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.attempts.timeout, Duration::from_secs(120));
        assert_eq!(s.attempts.attempts, 20);
    }

    #[test]
    fn disabled_and_bad_values() {
        assert!(
            settings(&[("AWS_EC2_METADATA_DISABLED", "True")], "")
                .unwrap()
                .is_none()
        );
        assert!(
            settings(&[("AWS_EC2_METADATA_DISABLED", "false")], "")
                .unwrap()
                .is_some()
        );
        for (env, config, want) in [
            (
                [("AWS_EC2_METADATA_DISABLED", "yes")],
                "",
                "AWS_EC2_METADATA_DISABLED must be true or false",
            ),
            (
                [("AWS_METADATA_SERVICE_TIMEOUT", "0")],
                "",
                "AWS_METADATA_SERVICE_TIMEOUT must be a number of seconds",
            ),
            (
                [("AWS_METADATA_SERVICE_TIMEOUT", "inf")],
                "",
                "AWS_METADATA_SERVICE_TIMEOUT must be",
            ),
            (
                [("AWS_METADATA_SERVICE_TIMEOUT", "3600.5")],
                "",
                "at most 3600",
            ),
            (
                [("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "101")],
                "",
                "from 1 to 100",
            ),
            (
                [("X", "")],
                "[default]\nmetadata_service_num_attempts = 0\n",
                "`metadata_service_num_attempts` of profile \"default\" must be a whole number",
            ),
            (
                [("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ftp://x")],
                "",
                "must be an absolute http:// or https:// URL",
            ),
            (
                [("AWS_EC2_METADATA_SERVICE_ENDPOINT", "/relative")],
                "",
                "must be an absolute",
            ),
        ] {
            let err = settings(&env, config).unwrap_err();
            assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
            assert!(err.reason.contains(want), "{err}");
        }
    }
}
