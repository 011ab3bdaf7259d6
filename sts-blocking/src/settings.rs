//! One resolver for every client setting, as the AWS CLI and SDKs read them.
//!
//! Each setting comes from the first of these that has it:
//!
//! 1. an explicit value: a [`ClientBuilder`](crate::ClientBuilder) setter,
//!    a flag of the `sts` tool, a member of the C options;
//! 2. the environment (`AWS_REGION`, `AWS_MAX_ATTEMPTS`, …);
//! 3. the selected profile of the shared config and credentials files
//!    (for the endpoint, its `services` section first);
//! 4. the default.
//!
//! The selected profile is the explicit one, else `AWS_PROFILE`, else
//! `default`; a profile asked for by name that is not defined is an error
//! naming it and the files looked in. Every value is checked here, and a
//! bad one is an error that names the setting and where it came from, so
//! that nothing is sent with a setting the user did not mean.
//!
//! | setting | environment | profile key | default |
//! |---|---|---|---|
//! | region | `AWS_REGION`, `AWS_DEFAULT_REGION` | `region` | none |
//! | endpoint URL | `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` | `services` → `sts` → `endpoint_url`, `endpoint_url` | from the region |
//! | ignore configured endpoint URLs | `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` | `ignore_configured_endpoint_urls` | false |
//! | FIPS | `AWS_USE_FIPS_ENDPOINT` | `use_fips_endpoint` | false |
//! | dual-stack | `AWS_USE_DUALSTACK_ENDPOINT` | `use_dualstack_endpoint` | false |
//! | STS regional endpoints | `AWS_STS_REGIONAL_ENDPOINTS` | `sts_regional_endpoints` | `regional` |
//! | retry mode | `AWS_RETRY_MODE` | `retry_mode` | `standard` |
//! | max attempts | `AWS_MAX_ATTEMPTS` | `max_attempts` | 3 (5 in `legacy` mode) |
//! | CA bundle | `AWS_CA_BUNDLE` (then, after the profile, `REQUESTS_CA_BUNDLE`, as botocore) | `ca_bundle` | the built-in roots |
//! | account id | `AWS_ACCOUNT_ID` | `aws_account_id` | none |
//! | user-agent app id | `AWS_SDK_UA_APP_ID` | `sdk_ua_app_id` | none |
//!
//! The SSO credentials provider reads the same settings for the SSO portal
//! and OIDC service, with their own endpoint URLs (`AWS_ENDPOINT_URL_SSO`,
//! `AWS_ENDPOINT_URL_SSO_OIDC`, a `services` section's `sso` and `sso_oidc`
//! blocks) before the shared ones.
//!
//! Empty values (`AWS_REGION=`, `region =`) count as unset, as in the AWS
//! SDKs for Rust, Java and Go. The configured endpoint URLs (environment
//! and profile, not an explicit one) are dropped when
//! "ignore configured endpoint URLs" is on.

use std::fmt;
use std::path::PathBuf;

use crate::config::ConfigError;
use crate::credentials::ProviderConfig;
use crate::profile::{ProfileSet, Section};

/// Where a setting's value came from, for error messages and `--debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// Set by the program: a builder method, a flag, a C option.
    Explicit,
    /// The environment variable.
    Env(&'static str),
    /// A key of a profile.
    Profile {
        /// The profile's name.
        profile: String,
        /// The key, as `region` or `services.sts.endpoint_url`.
        key: String,
        /// The files the profile was read from.
        files: Vec<PathBuf>,
    },
    /// Nobody set it.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Explicit => f.write_str("the program's settings"),
            Origin::Env(name) => write!(f, "environment variable {name}"),
            Origin::Profile {
                profile,
                key,
                files,
            } => {
                write!(f, "`{key}` of profile {profile:?}")?;
                if !files.is_empty() {
                    let files: Vec<String> =
                        files.iter().map(|p| p.display().to_string()).collect();
                    write!(f, " in {}", files.join(" or "))?;
                }
                Ok(())
            }
            Origin::Default => f.write_str("the default"),
        }
    }
}

/// A resolved value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Its origin.
    pub origin: Origin,
}

impl<T> Setting<T> {
    fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

/// `AWS_STS_REGIONAL_ENDPOINTS`: which endpoint the regions that had the
/// global `sts.amazonaws.com` endpoint call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StsRegionalEndpoints {
    /// The region's own endpoint (the default of current SDKs).
    #[default]
    Regional,
    /// `sts.amazonaws.com` for the sixteen regions that used it.
    Legacy,
}

/// How failed calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RetryMode {
    /// The SDKs' standard mode: jittered exponential back-off and a retry
    /// quota; 3 attempts by default.
    #[default]
    Standard,
    /// botocore's legacy mode; 5 attempts by default, retried as in
    /// standard mode.
    Legacy,
    /// The SDKs' adaptive mode: standard, plus client-side rate limiting
    /// that throttling answers turn on and successes relax
    /// ([`sts_proto::retry::RetryMode::Adaptive`]).
    Adaptive,
}

impl From<RetryMode> for sts_proto::retry::RetryMode {
    /// The retry policy a mode selects; legacy retries as standard does.
    fn from(mode: RetryMode) -> Self {
        match mode {
            RetryMode::Standard | RetryMode::Legacy => Self::Standard,
            RetryMode::Adaptive => Self::Adaptive,
        }
    }
}

impl RetryMode {
    /// The mode that selects `policy`.
    pub(crate) fn from_policy(policy: sts_proto::retry::RetryMode) -> Self {
        match policy {
            sts_proto::retry::RetryMode::Adaptive => RetryMode::Adaptive,
            _ => RetryMode::Standard,
        }
    }
}

impl RetryMode {
    /// The name used in the environment and profiles.
    pub fn as_str(self) -> &'static str {
        match self {
            RetryMode::Standard => "standard",
            RetryMode::Legacy => "legacy",
            RetryMode::Adaptive => "adaptive",
        }
    }

    /// Attempts in all when nothing sets `max_attempts`, as botocore has it.
    pub fn default_max_attempts(self) -> u32 {
        match self {
            RetryMode::Legacy => 5,
            RetryMode::Standard | RetryMode::Adaptive => 3,
        }
    }
}

/// Values given explicitly, which win over the environment and the
/// profile; `None` leaves a setting to them.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overrides {
    /// The profile to read.
    pub profile: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// The endpoint URL.
    pub endpoint_url: Option<String>,
    /// Whether configured (environment and profile) endpoint URLs are ignored.
    pub ignore_configured_endpoint_urls: Option<bool>,
    /// FIPS endpoints.
    pub use_fips: Option<bool>,
    /// Dual-stack endpoints.
    pub use_dual_stack: Option<bool>,
    /// Regional or legacy STS endpoints.
    pub sts_regional_endpoints: Option<StsRegionalEndpoints>,
    /// Attempts in all.
    pub max_attempts: Option<u32>,
    /// The retry mode.
    pub retry_mode: Option<RetryMode>,
    /// A PEM file of root certificates to trust instead of the built-in ones.
    pub ca_bundle: Option<PathBuf>,
    /// The account id of the credentials.
    pub account_id: Option<String>,
    /// The application id in the User-Agent.
    pub app_id: Option<String>,
}

/// Every setting, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolved {
    /// The selected profile.
    pub profile: Setting<String>,
    /// Whether the profile was named (explicitly or by `AWS_PROFILE`),
    /// rather than `default` by default.
    pub profile_named: bool,
    /// Whether the selected profile is defined in the files.
    pub profile_defined: bool,
    /// The region, if anything sets one.
    pub region: Option<Setting<String>>,
    /// The endpoint URL, if anything sets one (and it is not ignored).
    pub endpoint_url: Option<Setting<String>>,
    /// Whether configured endpoint URLs are ignored.
    pub ignore_configured_endpoint_urls: Setting<bool>,
    /// FIPS endpoints.
    pub use_fips: Setting<bool>,
    /// Dual-stack endpoints.
    pub use_dual_stack: Setting<bool>,
    /// Regional or legacy STS endpoints.
    pub sts_regional_endpoints: Setting<StsRegionalEndpoints>,
    /// The retry mode.
    pub retry_mode: Setting<RetryMode>,
    /// Attempts in all, the first included.
    pub max_attempts: Setting<u32>,
    /// The CA bundle file, if any.
    pub ca_bundle: Option<Setting<PathBuf>>,
    /// The account id, if any.
    pub account_id: Option<Setting<String>>,
    /// The user-agent application id, if any.
    pub app_id: Option<Setting<String>>,
}

/// The endpoint URL without user information or query
/// ([`sts_proto::endpoint::redact_for_errors`]), as errors show it: one
/// given with a password (which resolving refuses) keeps it out of logs.
impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            profile,
            region,
            endpoint_url,
            ignore_configured_endpoint_urls,
            use_fips,
            use_dual_stack,
            sts_regional_endpoints,
            max_attempts,
            retry_mode,
            ca_bundle,
            account_id,
            app_id,
        } = self;
        f.debug_struct("Overrides")
            .field("profile", profile)
            .field("region", region)
            .field(
                "endpoint_url",
                &endpoint_url
                    .as_deref()
                    .map(sts_proto::endpoint::redact_for_errors),
            )
            .field(
                "ignore_configured_endpoint_urls",
                ignore_configured_endpoint_urls,
            )
            .field("use_fips", use_fips)
            .field("use_dual_stack", use_dual_stack)
            .field("sts_regional_endpoints", sts_regional_endpoints)
            .field("max_attempts", max_attempts)
            .field("retry_mode", retry_mode)
            .field("ca_bundle", ca_bundle)
            .field("account_id", account_id)
            .field("app_id", app_id)
            .finish()
    }
}

/// Resolves every setting from `overrides`, then `config`'s environment,
/// then the selected profile of the files `config` reads.
///
/// ```
/// use sts_blocking::credentials::{MapFs, ProviderConfig};
/// use sts_blocking::env::MapEnv;
/// use sts_blocking::settings::{Origin, Overrides, resolve};
///
/// let config = ProviderConfig::new()
///     .with_env(MapEnv::new([("HOME", "/home/me"), ("AWS_PROFILE", "prod")]))
///     .with_fs(MapFs::new().with_file(
///         "/home/me/.aws/config",
///         "[profile prod]\nregion = ap-southeast-2\nmax_attempts = 5\n",
///     ));
/// let resolved = resolve(&Overrides::default(), &config)?;
/// assert_eq!(resolved.region.unwrap().value, "ap-southeast-2");
/// assert_eq!(resolved.max_attempts.value, 5);
/// assert_eq!(resolved.retry_mode.origin, Origin::Default);
/// # Ok::<(), sts_blocking::ConfigError>(())
/// ```
pub fn resolve(overrides: &Overrides, config: &ProviderConfig) -> Result<Resolved, ConfigError> {
    resolve_for(overrides, config, Service::STS)
}

/// A service whose endpoint URL can be configured: its variable
/// `AWS_ENDPOINT_URL_<ID>` and its key in a `services` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Service {
    /// `AWS_ENDPOINT_URL_<ID>`.
    pub(crate) variable: &'static str,
    /// The key of its block in a `services` section.
    pub(crate) key: &'static str,
}

impl Service {
    /// STS.
    pub(crate) const STS: Service = Service {
        variable: "AWS_ENDPOINT_URL_STS",
        key: "sts",
    };
    /// The IAM Identity Center portal (service id `SSO`).
    pub(crate) const SSO: Service = Service {
        variable: "AWS_ENDPOINT_URL_SSO",
        key: "sso",
    };
    /// The IAM Identity Center OIDC service (service id `SSO OIDC`).
    pub(crate) const SSO_OIDC: Service = Service {
        variable: "AWS_ENDPOINT_URL_SSO_OIDC",
        key: "sso_oidc",
    };
}

/// [`resolve`], with the endpoint URL configured for `service` rather than
/// for STS (the providers also call the SSO portal and OIDC service).
pub(crate) fn resolve_for(
    overrides: &Overrides,
    config: &ProviderConfig,
    service: Service,
) -> Result<Resolved, ConfigError> {
    let env = config.env();
    let explicit_profile = overrides
        .profile
        .as_deref()
        .or_else(|| config.profile_name());
    let (profile, profile_named) = match explicit_profile {
        Some(name) => (Setting::new(name.to_owned(), Origin::Explicit), true),
        None => match env.get_nonempty("AWS_PROFILE") {
            Some(name) => (
                Setting::new(name.trim().to_owned(), Origin::Env("AWS_PROFILE")),
                true,
            ),
            None => (Setting::new("default".to_owned(), Origin::Default), false),
        },
    };
    let files = ProfileFiles::load(config, &profile.value)?;
    if profile_named && files.section().is_none() {
        // The profile may well be in a file that could not be read: say
        // so rather than that it is not defined.
        if !files.unreadable.is_empty() {
            return Err(ConfigError::ProfileFiles {
                profile: profile.value.clone(),
                reason: format!(
                    "{}, and the profile is not defined in the files that could be read",
                    files.unreadable.join("; ")
                ),
            });
        }
        return Err(ConfigError::ProfileNotFound {
            profile: profile.value.clone(),
            files: files.paths.clone(),
        });
    }
    let look = Lookup {
        env: config.env(),
        files: &files,
        profile: &profile.value,
    };

    let ignore = look
        .find(
            overrides
                .ignore_configured_endpoint_urls
                .map(|b| b.to_string()),
            &["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"],
            Key::Plain("ignore_configured_endpoint_urls"),
        )
        .map(|found| parse_bool("ignore configured endpoint URLs", found))
        .transpose()?
        .unwrap_or_else(|| Setting::new(false, Origin::Default));
    let endpoint_url = look
        .find(
            overrides.endpoint_url.clone(),
            &[service.variable, "AWS_ENDPOINT_URL"],
            Key::Endpoint(service.key),
        )
        .filter(|found| !ignore.value || found.origin == Origin::Explicit)
        .map(check_endpoint_url)
        .transpose()?;
    let region = look
        .find(
            overrides.region.clone(),
            &["AWS_REGION", "AWS_DEFAULT_REGION"],
            Key::Plain("region"),
        )
        .map(check_region)
        .transpose()?;
    let flag = |explicit: Option<bool>, var: &'static str, key: &'static str, what| {
        look.find(explicit.map(|b| b.to_string()), &[var], Key::Plain(key))
            .map(|found| parse_bool(what, found))
            .transpose()
            .map(|v| v.unwrap_or_else(|| Setting::new(false, Origin::Default)))
    };
    let use_fips = flag(
        overrides.use_fips,
        "AWS_USE_FIPS_ENDPOINT",
        "use_fips_endpoint",
        "use FIPS endpoint",
    )?;
    let use_dual_stack = flag(
        overrides.use_dual_stack,
        "AWS_USE_DUALSTACK_ENDPOINT",
        "use_dualstack_endpoint",
        "use dual-stack endpoint",
    )?;
    let sts_regional_endpoints = match overrides.sts_regional_endpoints {
        Some(v) => Setting::new(v, Origin::Explicit),
        None => look
            .find(
                None,
                &["AWS_STS_REGIONAL_ENDPOINTS"],
                Key::Plain("sts_regional_endpoints"),
            )
            .map(|found| {
                parse_choice(
                    "STS regional endpoints",
                    found,
                    &[
                        ("regional", StsRegionalEndpoints::Regional),
                        ("legacy", StsRegionalEndpoints::Legacy),
                    ],
                    "regional or legacy",
                )
            })
            .transpose()?
            .unwrap_or_else(|| Setting::new(StsRegionalEndpoints::default(), Origin::Default)),
    };
    let retry_mode = match overrides.retry_mode {
        Some(v) => Setting::new(v, Origin::Explicit),
        None => look
            .find(None, &["AWS_RETRY_MODE"], Key::Plain("retry_mode"))
            .map(|found| {
                parse_choice(
                    "retry mode",
                    found,
                    &[
                        ("standard", RetryMode::Standard),
                        ("legacy", RetryMode::Legacy),
                        ("adaptive", RetryMode::Adaptive),
                    ],
                    "standard, legacy or adaptive",
                )
            })
            .transpose()?
            .unwrap_or_else(|| Setting::new(RetryMode::default(), Origin::Default)),
    };
    let max_attempts = look
        .find(
            overrides.max_attempts.map(|n| n.to_string()),
            &["AWS_MAX_ATTEMPTS"],
            Key::Plain("max_attempts"),
        )
        .map(parse_attempts)
        .transpose()?
        .unwrap_or_else(|| Setting::new(retry_mode.value.default_max_attempts(), Origin::Default));
    let ca_bundle = look
        .find(
            overrides
                .ca_bundle
                .as_ref()
                .map(|p| p.display().to_string()),
            &["AWS_CA_BUNDLE"],
            Key::Plain("ca_bundle"),
        )
        // botocore's last resort (`EndpointCreator._get_verify_value`),
        // often the only CA variable of a network that inspects TLS.
        .or_else(|| {
            look.env
                .get_nonempty(REQUESTS_CA_BUNDLE)
                .map(|v| Setting::new(v.trim().to_owned(), Origin::Env(REQUESTS_CA_BUNDLE)))
        })
        .map(|found| Setting::new(PathBuf::from(found.value), found.origin));
    let account_id = look
        .find(
            overrides.account_id.clone(),
            &["AWS_ACCOUNT_ID"],
            Key::Plain("aws_account_id"),
        )
        .map(check_account_id)
        .transpose()?;
    let app_id = look
        .find(
            overrides.app_id.clone(),
            &["AWS_SDK_UA_APP_ID"],
            Key::Plain("sdk_ua_app_id"),
        )
        .map(clean_app_id);
    Ok(Resolved {
        profile_defined: files.section().is_some(),
        profile,
        profile_named,
        region,
        endpoint_url,
        ignore_configured_endpoint_urls: ignore,
        use_fips,
        use_dual_stack,
        sts_regional_endpoints,
        retry_mode,
        max_attempts,
        ca_bundle,
        account_id,
        app_id,
    })
}

/// The profile files as read: the parsed set (none when no file exists)
/// and the paths looked in.
pub(crate) struct ProfileFiles {
    set: Option<ProfileSet>,
    profile: String,
    paths: Vec<PathBuf>,
    /// Why files that exist were passed over (they could not be read).
    unreadable: Vec<String>,
}

impl ProfileFiles {
    fn load(config: &ProviderConfig, profile: &str) -> Result<Self, ConfigError> {
        let config = config.clone().with_profile_name(profile);
        let paths = config.profile_paths();
        match config.load_profiles() {
            Ok(loaded) => Ok(Self {
                set: Some(loaded.set),
                profile: loaded.profile,
                paths,
                unreadable: loaded.unreadable,
            }),
            Err(e) if e.is_not_configured() => Ok(Self {
                set: None,
                profile: profile.to_owned(),
                paths,
                unreadable: Vec::new(),
            }),
            Err(e) => Err(ConfigError::ProfileFiles {
                profile: profile.to_owned(),
                reason: e.reason,
            }),
        }
    }

    fn section(&self) -> Option<Section<'_>> {
        self.set.as_ref()?.profile(&self.profile)
    }
}

/// Which key of the profile holds a setting.
#[derive(Clone, Copy)]
enum Key {
    Plain(&'static str),
    /// `services` → the service's key (`sts`) → `endpoint_url`, else
    /// `endpoint_url`.
    Endpoint(&'static str),
}

struct Lookup<'a> {
    env: &'a dyn crate::env::Env,
    files: &'a ProfileFiles,
    profile: &'a str,
}

impl Lookup<'_> {
    /// The first non-empty value of `explicit`, the variables `vars`, and
    /// the profile's `key`.
    fn find(
        &self,
        explicit: Option<String>,
        vars: &[&'static str],
        key: Key,
    ) -> Option<Setting<String>> {
        if let Some(v) = explicit {
            return Some(Setting::new(v, Origin::Explicit));
        }
        for var in vars {
            if let Some(v) = self.env.get_nonempty(var) {
                return Some(Setting::new(v.trim().to_owned(), Origin::Env(var)));
            }
        }
        let section = self.files.section()?;
        let origin = |key: &str| Origin::Profile {
            profile: self.profile.to_owned(),
            key: key.to_owned(),
            files: self.files.paths.clone(),
        };
        match key {
            Key::Plain(key) => section
                .get_nonempty(key)
                .map(|v| Setting::new(v.trim().to_owned(), origin(key))),
            Key::Endpoint(service) => {
                let configured = section
                    .get_nonempty("services")
                    .and_then(|name| self.files.set.as_ref()?.services(name.trim()))
                    .and_then(|s| s.sub_property(service, "endpoint_url"))
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty());
                match configured {
                    Some(v) => Some(Setting::new(
                        v,
                        origin(&format!("services.{service}.endpoint_url")),
                    )),
                    None => section
                        .get_nonempty("endpoint_url")
                        .map(|v| Setting::new(v.trim().to_owned(), origin("endpoint_url"))),
                }
            }
        }
    }
}

fn invalid<T>(
    setting: &'static str,
    found: Setting<String>,
    expected: &'static str,
) -> Result<T, ConfigError> {
    Err(ConfigError::InvalidValue {
        setting,
        value: shorten(&found.value),
        origin: Box::new(found.origin),
        expected,
    })
}

/// At most 64 characters of an invalid value: it is quoted to help, and
/// can be of any length.
fn shorten(value: &str) -> String {
    const SHOWN: usize = 64;
    match value.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

fn parse_bool(setting: &'static str, found: Setting<String>) -> Result<Setting<bool>, ConfigError> {
    match found.value.to_ascii_lowercase().as_str() {
        "true" => Ok(Setting::new(true, found.origin)),
        "false" => Ok(Setting::new(false, found.origin)),
        _ => invalid(setting, found, "true or false"),
    }
}

fn parse_choice<T: Copy>(
    setting: &'static str,
    found: Setting<String>,
    choices: &[(&str, T)],
    expected: &'static str,
) -> Result<Setting<T>, ConfigError> {
    let lower = found.value.to_ascii_lowercase();
    match choices.iter().find(|(name, _)| *name == lower) {
        Some((_, v)) => Ok(Setting::new(*v, found.origin)),
        None => invalid(setting, found, expected),
    }
}

fn parse_attempts(found: Setting<String>) -> Result<Setting<u32>, ConfigError> {
    match found.value.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Setting::new(n, found.origin)),
        _ => invalid("max attempts", found, "a whole number of at least 1"),
    }
}

/// A region is one DNS label's worth of letters, digits and dashes: it
/// becomes part of the endpoint's host name and of the signing scope.
fn check_region(found: Setting<String>) -> Result<Setting<String>, ConfigError> {
    let ok = !found.value.is_empty()
        && found.value.len() <= 63
        && found
            .value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !found.value.starts_with('-')
        && !found.value.ends_with('-');
    if ok {
        Ok(found)
    } else {
        invalid(
            "region",
            found,
            "a region name such as us-east-1 (letters, digits and dashes)",
        )
    }
}

/// An endpoint must be an absolute http(s) URL: checked by the endpoint
/// resolver itself, whose error (with any userinfo hidden) says why.
fn check_endpoint_url(found: Setting<String>) -> Result<Setting<String>, ConfigError> {
    let config = sts_proto::endpoint::EndpointConfig::new()
        .with_endpoint(found.value.as_str())
        .with_region("us-east-1");
    match sts_proto::endpoint::resolve(&config) {
        Ok(_) => Ok(found),
        Err(e) => Err(ConfigError::InvalidEndpointSetting {
            origin: Box::new(found.origin),
            error: Box::new(e),
        }),
    }
}

fn check_account_id(found: Setting<String>) -> Result<Setting<String>, ConfigError> {
    if found.value.len() == 12 && found.value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(found)
    } else {
        invalid("account id", found, "12 digits")
    }
}

/// The SDKs' limit on an app id's length.
const APP_ID_MAX_LEN: usize = 50;

/// The app id as it goes into the User-Agent header, cleaned as botocore
/// cleans it: a character other than ASCII letters, digits and
/// ``!$%&'*+-.^_`|~,#`` becomes `-` (`My App` is sent as `My-App`), and
/// one longer than 50 characters is kept with a warning. The id only
/// labels the requests, so an odd one is no reason to refuse every call
/// (botocore and aws-sdk-rust make them; this crate refused the client).
fn clean_app_id(mut found: Setting<String>) -> Setting<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "!$%&'*+-.^_`|~,#".contains(c);
    if !found.value.chars().all(allowed) {
        found.value = found
            .value
            .chars()
            .map(|c| if allowed(c) { c } else { '-' })
            .collect();
    }
    let length = found.value.chars().count();
    if length > APP_ID_MAX_LEN {
        log::warn!(
            "the user-agent app id from {} is {length} characters long, more than the \
             {APP_ID_MAX_LEN} the AWS SDKs allow; it is sent as it is",
            found.origin
        );
    }
    found
}

/// The variable botocore reads for a CA bundle when neither
/// `AWS_CA_BUNDLE` nor the profile names one.
const REQUESTS_CA_BUNDLE: &str = "REQUESTS_CA_BUNDLE";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MapFs;
    use crate::env::MapEnv;

    const CONFIG: &str = "[default]\nregion = eu-west-1\n\
                          [profile prod]\nregion = ap-southeast-2\nendpoint_url = http://profile\n\
                          use_fips_endpoint = true\nmax_attempts = 7\nretry_mode = adaptive\n\
                          sts_regional_endpoints = legacy\nca_bundle = /etc/prod.pem\n\
                          aws_account_id = 111122223333\nsdk_ua_app_id = prod-app\n\
                          [profile svc]\nregion = us-east-1\nendpoint_url = http://plain\n\
                          services = s\n\
                          [services s]\nsts =\n  endpoint_url = http://service\n\
                          [profile bad]\nregion = us/east-1\nmax_attempts = 0\n";

    fn config(env: &[(&str, &str)]) -> ProviderConfig {
        let mut vars = vec![("HOME", "/h")];
        vars.extend_from_slice(env);
        ProviderConfig::new()
            .with_env(MapEnv::new(vars))
            .with_fs(MapFs::new().with_file("/h/.aws/config", CONFIG))
    }

    fn named(profile: &str) -> Overrides {
        Overrides {
            profile: Some(profile.to_owned()),
            ..Overrides::default()
        }
    }

    #[test]
    fn the_profile_supplies_every_setting() {
        let r = resolve(&named("prod"), &config(&[])).unwrap();
        assert_eq!(r.region.as_ref().unwrap().value, "ap-southeast-2");
        assert_eq!(r.endpoint_url.as_ref().unwrap().value, "http://profile");
        assert!(r.use_fips.value);
        assert_eq!(r.max_attempts.value, 7);
        assert_eq!(r.retry_mode.value, RetryMode::Adaptive);
        assert_eq!(r.sts_regional_endpoints.value, StsRegionalEndpoints::Legacy);
        assert_eq!(
            r.ca_bundle.as_ref().unwrap().value,
            PathBuf::from("/etc/prod.pem")
        );
        assert_eq!(r.account_id.as_ref().unwrap().value, "111122223333");
        assert_eq!(r.app_id.as_ref().unwrap().value, "prod-app");
        let origin = r.region.unwrap().origin.to_string();
        assert!(
            origin.contains("`region` of profile \"prod\"") && origin.contains("/h/.aws/config"),
            "{origin}"
        );
    }

    /// `REQUESTS_CA_BUNDLE` comes after `AWS_CA_BUNDLE` and the profile's
    /// `ca_bundle`, as in botocore.
    #[test]
    fn requests_ca_bundle_is_the_last_resort_for_the_ca_bundle() {
        let bundle = |overrides: &Overrides, env: &[(&str, &str)]| {
            resolve(overrides, &config(env))
                .unwrap()
                .ca_bundle
                .map(|s| (s.value, s.origin))
        };
        let requests = [("REQUESTS_CA_BUNDLE", "/etc/corp.pem")];
        assert_eq!(
            bundle(&Overrides::default(), &requests),
            Some((
                PathBuf::from("/etc/corp.pem"),
                Origin::Env("REQUESTS_CA_BUNDLE")
            ))
        );
        assert_eq!(
            bundle(&named("prod"), &requests).map(|b| b.0),
            Some(PathBuf::from("/etc/prod.pem"))
        );
        let both = [
            ("REQUESTS_CA_BUNDLE", "/etc/corp.pem"),
            ("AWS_CA_BUNDLE", "/etc/aws.pem"),
        ];
        assert_eq!(
            bundle(&Overrides::default(), &both).map(|b| b.0),
            Some(PathBuf::from("/etc/aws.pem"))
        );
        assert_eq!(
            bundle(&Overrides::default(), &[("REQUESTS_CA_BUNDLE", "")]),
            None
        );
    }

    /// As botocore: an app id's odd characters become `-`, and a long
    /// one is kept; neither stops the client.
    #[test]
    fn an_app_id_is_cleaned_as_botocore_cleans_it_not_refused() {
        let app_id = |value: &str| {
            resolve(
                &Overrides::default(),
                &config(&[("AWS_SDK_UA_APP_ID", value)]),
            )
            .unwrap()
            .app_id
            .unwrap()
            .value
        };
        assert_eq!(app_id("My App/1.0 (é)"), "My-App-1.0----");
        assert_eq!(app_id("a#b!$%&'*+-.^_`|~,9"), "a#b!$%&'*+-.^_`|~,9");
        let long = "x".repeat(60);
        assert_eq!(app_id(&long), long);
    }

    #[test]
    fn explicit_then_environment_then_profile_then_default() {
        let env = [
            ("AWS_PROFILE", "prod"),
            ("AWS_DEFAULT_REGION", "eu-central-1"),
            ("AWS_MAX_ATTEMPTS", "4"),
        ];
        let r = resolve(&Overrides::default(), &config(&env)).unwrap();
        assert_eq!(r.profile.origin, Origin::Env("AWS_PROFILE"));
        assert_eq!(r.region.as_ref().unwrap().value, "eu-central-1");
        assert_eq!(r.max_attempts.origin, Origin::Env("AWS_MAX_ATTEMPTS"));
        let env = [("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "x")];
        let r = resolve(&Overrides::default(), &config(&env)).unwrap();
        assert_eq!(r.region.as_ref().unwrap().origin, Origin::Env("AWS_REGION"));
        let explicit = Overrides {
            region: Some("sa-east-1".into()),
            max_attempts: Some(2),
            ..named("prod")
        };
        let r = resolve(&explicit, &config(&[("AWS_MAX_ATTEMPTS", "4")])).unwrap();
        assert_eq!(r.region.as_ref().unwrap().value, "sa-east-1");
        assert_eq!(r.max_attempts.value, 2);
        assert_eq!(r.max_attempts.origin, Origin::Explicit);
        let r = resolve(&Overrides::default(), &config(&[])).unwrap();
        assert_eq!(r.profile.value, "default");
        assert_eq!(r.max_attempts, Setting::new(3, Origin::Default));
        assert_eq!(r.endpoint_url, None);
    }

    #[test]
    fn the_services_section_comes_first_and_configured_urls_can_be_ignored() {
        let r = resolve(&named("svc"), &config(&[])).unwrap();
        assert_eq!(r.endpoint_url.unwrap().value, "http://service");
        let r = resolve(
            &named("svc"),
            &config(&[("AWS_ENDPOINT_URL", "http://env")]),
        )
        .unwrap();
        assert_eq!(r.endpoint_url.unwrap().value, "http://env");
        let r = resolve(
            &named("svc"),
            &config(&[
                ("AWS_ENDPOINT_URL_STS", "http://sts-env"),
                ("AWS_ENDPOINT_URL", "http://env"),
            ]),
        )
        .unwrap();
        assert_eq!(r.endpoint_url.unwrap().value, "http://sts-env");
        let ignore = [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")];
        let r = resolve(&named("svc"), &config(&ignore)).unwrap();
        assert_eq!(r.endpoint_url, None);
        let explicit = Overrides {
            endpoint_url: Some("http://explicit".into()),
            ..named("svc")
        };
        let r = resolve(&explicit, &config(&ignore)).unwrap();
        assert_eq!(r.endpoint_url.unwrap().value, "http://explicit");
    }

    #[test]
    fn bad_values_name_the_setting_and_where_it_came_from() {
        let e = resolve(&named("bad"), &config(&[]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("region") && e.contains("us/east-1") && e.contains("profile \"bad\""),
            "{e}"
        );
        let e = resolve(
            &named("bad"),
            &config(&[("AWS_REGION", "eu-west-1"), ("AWS_MAX_ATTEMPTS", "")]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("max attempts") && e.contains("`max_attempts` of profile \"bad\""),
            "{e}"
        );
        for (var, value, what) in [
            ("AWS_RETRY_MODE", "fast", "retry mode"),
            ("AWS_ENDPOINT_URL", "sts.example.com", "endpoint URL"),
            ("AWS_ENDPOINT_URL", "ftp://sts.example.com", "endpoint URL"),
            ("AWS_REGION", "a b", "region"),
            ("AWS_USE_FIPS_ENDPOINT", "yes", "FIPS"),
            ("AWS_ACCOUNT_ID", "12345", "account id"),
        ] {
            let e = resolve(&Overrides::default(), &config(&[(var, value)]))
                .unwrap_err()
                .to_string();
            assert!(e.contains(var) && e.contains(what), "{var}: {e}");
        }
        let e = resolve(&named("nope"), &config(&[])).unwrap_err();
        assert!(
            matches!(&e, ConfigError::ProfileNotFound { profile, files }
                if profile == "nope" && files.len() == 2),
            "{e}"
        );
        let broken = ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(MapFs::new().with_file("/h/.aws/config", "[default\nregion = x\n"));
        let e = resolve(&Overrides::default(), &broken)
            .unwrap_err()
            .to_string();
        assert!(e.contains("/h/.aws/config"), "{e}");
    }
}
