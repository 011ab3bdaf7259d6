//! Building a [`Client`]: by hand, from the environment
//! variables every AWS SDK reads, or from a profile of the shared config
//! and credentials files.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sts_proto::Credentials;
use sts_proto::endpoint::{EndpointConfig, EndpointError};
use sts_proto::retry::RetryConfig;
use sts_proto::sigv4::{SigningError, check_credentials};

use crate::client::Client;
use crate::credentials::{ProvideCredentials, ProviderConfig, StaticProvider, client_provider};
use crate::proxy::{ProxyConfig, ProxyError};
use crate::settings::{self, Origin, Overrides, Resolved, RetryMode, StsRegionalEndpoints};
use crate::timing::{Clock, Jitter, Random, Sleep, SystemClock, ThreadSleep};
use crate::tls::{CaBundle, CaBundleError};
use crate::transport::Transport;
use crate::ureq_transport::{UreqSettings, UreqTransport};

/// An invalid client configuration.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A setting holds a value the client cannot use.
    #[error("{setting} {value:?} from {origin} is invalid: expected {expected}")]
    InvalidValue {
        /// The setting, as `region` or `max attempts`.
        setting: &'static str,
        /// The value, at most 64 characters of it.
        value: String,
        /// Where it came from.
        origin: Box<Origin>,
        /// What it may be.
        expected: &'static str,
    },
    /// The CA bundle cannot be used.
    #[error("the CA bundle from {origin} cannot be used: {error}")]
    CaBundle {
        /// Where the setting came from.
        origin: Box<Origin>,
        /// What is wrong with the file.
        error: Arc<CaBundleError>,
    },
    /// A proxy variable cannot be used. Not returned by the client's own
    /// resolution any more (such a variable fails the requests that would
    /// go through it, see [`ProxyConfig::from_env`]); kept for callers that
    /// report [`ProxyConfig::from_env`]'s error as a configuration error.
    #[error(transparent)]
    Proxy(Box<ProxyError>),
    /// A configured endpoint URL is not one the client can call.
    #[error("the endpoint URL from {origin} is invalid: {error}")]
    InvalidEndpointSetting {
        /// Where it came from.
        origin: Box<Origin>,
        /// Why (the URL quoted with any userinfo, query and fragment hidden).
        error: Box<EndpointError>,
    },
    /// A setting is out of range.
    #[error("{setting} is invalid: {reason}")]
    InvalidSetting {
        /// The setting.
        setting: &'static str,
        /// Why.
        reason: String,
    },
    /// The endpoint settings do not resolve.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// A profile that was asked for by name (`AWS_PROFILE`, or
    /// [`ClientBuilder::profile`]) is not defined in the shared config and
    /// credentials files. A typo must not quietly sign as someone else.
    #[error(
        "profile {profile:?} is not defined in the shared config and credentials files \
         (looked in {})",
        show_files(.files)
    )]
    ProfileNotFound {
        /// The profile's name.
        profile: String,
        /// The files looked in (the ones the environment names), whether
        /// or not they exist.
        files: Vec<PathBuf>,
    },
    /// The shared config and credentials files exist but cannot be read
    /// or parsed.
    #[error("cannot read the profile files for profile {profile:?}: {reason}")]
    ProfileFiles {
        /// The profile's name.
        profile: String,
        /// Why, with the file and line; never the file's text.
        reason: String,
    },
    /// The fixed credentials given to [`ClientBuilder::credentials`] can
    /// sign no request: their access key id is empty or holds a comma, a
    /// space or another character an id never has (a whole line of the IAM
    /// console's CSV, `AKIA…,wJalr…`, pasted as the id), or their secret
    /// access key is empty. Refused when the
    /// client is built rather than at its first signed call. The message
    /// is the signer's, which quotes only the id's first four characters,
    /// its length and the character at fault, never the rest of what was
    /// given. Credentials from a provider are checked when fetched.
    #[error(transparent)]
    InvalidCredentials(SigningError),
}

fn show_files(files: &[PathBuf]) -> String {
    if files.is_empty() {
        return "no files: no home directory is known and neither AWS_CONFIG_FILE nor \
                AWS_SHARED_CREDENTIALS_FILE is set"
            .to_owned();
    }
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Settings for a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) endpoint: EndpointConfig,
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) retry: RetryConfig,
    pub(crate) transport_settings: UreqSettings,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) call_timeout: Option<Duration>,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) random: Arc<dyn Random>,
    /// Whether requests are checked against the model before sending.
    pub(crate) validation: bool,
    /// What was set explicitly, which the environment and the profile do
    /// not override, whatever the order of the calls.
    pub(crate) explicit: Overrides,
    /// The settings as last resolved from the environment and a profile.
    pub(crate) resolved: Option<Resolved>,
    /// The configuration they were resolved from, kept so that a profile
    /// named after [`from_config`](Self::from_config) is read from it at
    /// [`build`](Self::build) instead of being ignored (which signed as
    /// the profile read first).
    pub(crate) resolved_from: Option<Arc<ProviderConfig>>,
    pub(crate) app_id: Option<String>,
    /// Whether `credentials` came from `from_config`, and may be replaced
    /// when it runs again (with another profile, say).
    pub(crate) credentials_from_profile: bool,
    /// Whether the proxy was set on this builder (else the environment's).
    pub(crate) explicit_proxy: bool,
    /// Whether [`ClientBuilder::ca_bundle`] set the bundle itself, which
    /// the environment's and the profile's must not replace.
    pub(crate) explicit_ca_bundle: bool,
    /// The region of [`default_region`](Self::default_region), kept apart
    /// so that resolving the environment and a profile again (for this
    /// client, or for the STS calls of a credential provider) falls back
    /// to it rather than to `us-east-1`.
    pub(crate) fallback_region: Option<String>,
    /// The provider [`credentials`](Self::credentials) made for fixed
    /// credentials whose access key id cannot sign, and why:
    /// [`build`](Self::build) refuses the builder while that provider is
    /// still its credentials. Tied to the provider rather than kept as a
    /// flag, so that a provider set later, or the credentials cleared for
    /// a credential source's own STS client, leave nothing stale behind;
    /// weak, so that a replaced provider's secret is not kept alive.
    pub(crate) unusable_credentials: Option<(Weak<dyn ProvideCredentials>, SigningError)>,
    /// The providers of a profile's credentials [`build`](Self::build)
    /// made, shared by the builder's clones: a clone built alike takes
    /// the same one, and its cache (one `AssumeRole`, one MFA prompt, for
    /// all), whenever its settings were made.
    profile_providers: Arc<Mutex<Vec<MadeProvider>>>,
}

/// A profile's credentials provider, with the configuration and settings
/// it was made from. Held as long as the builder (or a clone) is, as the
/// provider `from_config` used to make was: a program that builds a
/// client per task from one builder keeps one cache.
struct MadeProvider {
    config: Arc<ProviderConfig>,
    settings: ProviderInputs,
    provider: Arc<dyn ProvideCredentials>,
}

/// The most providers kept for a builder's clones; the oldest goes first.
const MADE_PROVIDERS: usize = 8;

/// What of a [`ClientBuilder`] a profile's STS calls (a role's
/// `AssumeRole`) are made with. [`ClientBuilder::build`] takes a provider
/// made with the same settings, or makes one: a setting made after
/// `from_config` (an endpoint URL, a transport) reaches the role call,
/// while clones of one builder built alike share one provider.
#[derive(PartialEq)]
struct ProviderInputs {
    endpoint: EndpointConfig,
    explicit: Overrides,
    fallback_region: Option<String>,
    app_id: Option<String>,
    user_agent_suffix: Option<String>,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    validation: bool,
    retry: (
        u32,
        Duration,
        Duration,
        Option<usize>,
        sts_proto::retry::RetryMode,
        bool,
        Duration,
    ),
    transport: Option<usize>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    max_body_bytes: u64,
    proxy: ProxyConfig,
    /// Where the bundle came from, and which certificates (shared).
    ca_bundle: Option<(String, usize)>,
    danger_accept_invalid_certs: bool,
    /// The clock, sleep and random source, by address.
    shared: [usize; 3],
}

/// An `Arc`'s address, which tells shared values apart without comparing
/// what they hold (transports and clocks cannot be compared).
fn address<T: ?Sized>(value: &Arc<T>) -> usize {
    Arc::as_ptr(value).cast::<()>() as usize
}

impl ProviderInputs {
    fn of(b: &ClientBuilder) -> Self {
        let r = &b.retry;
        let t = &b.transport_settings;
        Self {
            endpoint: b.endpoint.clone(),
            explicit: b.explicit.clone(),
            fallback_region: b.fallback_region.clone(),
            app_id: b.app_id.clone(),
            user_agent_suffix: b.user_agent_suffix.clone(),
            attempt_timeout: b.attempt_timeout,
            call_timeout: b.call_timeout,
            validation: b.validation,
            retry: (
                r.max_attempts,
                r.max_backoff,
                r.base_delay,
                r.custom_backoff.as_ref().map(address),
                r.mode,
                r.use_quota,
                r.max_clock_skew,
            ),
            transport: b.transport.as_ref().map(address),
            connect_timeout: t.connect_timeout,
            read_timeout: t.read_timeout,
            max_body_bytes: t.max_body_bytes,
            proxy: t.proxy.clone(),
            ca_bundle: t.ca_bundle.as_ref().map(CaBundle::identity),
            danger_accept_invalid_certs: t.danger_accept_invalid_certs,
            shared: [address(&b.clock), address(&b.sleep), address(&b.random)],
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("transport", &self.transport)
            .field("explicit", &self.explicit)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            endpoint: EndpointConfig::default(),
            credentials: None,
            retry: RetryConfig::default(),
            transport_settings: UreqSettings::default(),
            attempt_timeout: Some(Duration::from_secs(10)),
            call_timeout: None,
            user_agent_suffix: None,
            transport: None,
            clock: Arc::new(SystemClock),
            sleep: Arc::new(ThreadSleep),
            random: Arc::new(Jitter::default()),
            validation: true,
            explicit: Overrides::default(),
            resolved: None,
            resolved_from: None,
            app_id: None,
            credentials_from_profile: false,
            explicit_proxy: false,
            explicit_ca_bundle: false,
            fallback_region: None,
            unusable_credentials: None,
            profile_providers: Arc::default(),
        }
    }
}

impl ClientBuilder {
    /// The region whose STS endpoint to call.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        let region = region.into();
        self.explicit.region = Some(region.clone());
        self.endpoint.region = Some(region);
        self
    }

    /// An explicit endpoint URL, such as a VPC endpoint or a local server.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.explicit.endpoint_url = Some(url.clone());
        self.endpoint.endpoint = Some(url);
        self
    }

    /// Use the FIPS endpoint.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.explicit.use_fips = Some(on);
        self.endpoint.use_fips = on;
        self
    }

    /// Use the dual-stack (IPv6) endpoint.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.explicit.use_dual_stack = Some(on);
        self.endpoint.use_dual_stack = on;
        self
    }

    /// Use the legacy global endpoint `sts.amazonaws.com` for the regions
    /// that used it before regional endpoints became the default.
    pub fn use_global_endpoint(mut self, on: bool) -> Self {
        self.explicit.sts_regional_endpoints = Some(if on {
            StsRegionalEndpoints::Legacy
        } else {
            StsRegionalEndpoints::Regional
        });
        self.endpoint.use_global_endpoint = on;
        self
    }

    /// The credentials provider. Without one, the client uses
    /// [`default_provider`](crate::credentials::default_provider): the
    /// default chain (environment, profile files, web identity, the
    /// container endpoint, instance metadata) behind a cache, with its STS
    /// calls made with this builder's settings.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self.credentials_from_profile = false;
        self
    }

    /// A shared credentials provider.
    pub fn shared_credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self.credentials_from_profile = false;
        self
    }

    /// Fixed credentials. An access key id that no request can be signed
    /// with (empty, or with a comma, a space, a `/`), or an empty secret
    /// access key, makes [`build`](Self::build) fail with
    /// [`ConfigError::InvalidCredentials`].
    pub fn credentials(self, credentials: Credentials) -> Self {
        let refused = check_credentials(&credentials).err();
        let provider: Arc<dyn ProvideCredentials> = Arc::new(StaticProvider::new(credentials));
        let mut b = self.shared_credentials_provider(Arc::clone(&provider));
        b.unusable_credentials = refused.map(|e| (Arc::downgrade(&provider), e));
        b
    }

    /// Attempts in all, the first included (default 3; 1 turns retries off).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.explicit.max_attempts = Some(attempts);
        self.retry.max_attempts = attempts;
        self
    }

    /// The largest correction of the signing clock that clock-skew answers
    /// may make, in total (default one hour,
    /// [`DEFAULT_MAX_CLOCK_SKEW`](sts_proto::retry::DEFAULT_MAX_CLOCK_SKEW));
    /// [`Duration::ZERO`] turns clock-skew correction off. See
    /// [`RetryConfig::max_clock_skew`] for why it is bounded.
    pub fn max_clock_skew(mut self, max: Duration) -> Self {
        self.retry.max_clock_skew = max;
        self
    }

    /// The retry mode (default standard); adaptive adds client-side rate
    /// limiting after throttling answers. Wins over `AWS_RETRY_MODE` and
    /// the profile's `retry_mode`. Where nothing sets the number of
    /// attempts, the mode's own default applies (5 for legacy, else 3).
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.explicit.retry_mode = Some(mode);
        self.retry.mode = mode.into();
        let attempts_set = self.explicit.max_attempts.is_some()
            || self
                .resolved
                .as_ref()
                .is_some_and(|r| r.max_attempts.origin != Origin::Default);
        if !attempts_set {
            self.retry.max_attempts = mode.default_max_attempts();
        }
        self
    }

    /// The ceiling of the first back-off, doubled after each failure
    /// (default one second).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.retry.base_delay = delay;
        self
    }

    /// A back-off of your own: the wait after failed attempt `attempt` (1
    /// for the first) given a uniform random number in `[0, 1)`; still
    /// capped by [`max_backoff`](Self::max_backoff), and the server's
    /// `x-amz-retry-after` still wins.
    pub fn custom_backoff(
        mut self,
        backoff: impl Fn(u32, f64) -> Duration + Send + Sync + 'static,
    ) -> Self {
        self.retry.custom_backoff = Some(Arc::new(backoff));
        self
    }

    /// The longest wait between attempts (default 20 s).
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.retry.max_backoff = max;
        self
    }

    /// Whether requests are checked against the STS model's constraints
    /// before anything is sent (default on); off, the service judges them.
    pub fn validation(mut self, on: bool) -> Self {
        self.validation = on;
        self
    }

    /// The whole retry policy.
    ///
    /// It replaces every retry setting made before it (attempts, mode,
    /// delays, the clock-correction bound), and its attempts and mode win
    /// over `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE` and the profile's: set the
    /// single settings after it to change one of them.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.explicit.max_attempts = Some(retry.max_attempts);
        self.explicit.retry_mode = Some(RetryMode::from_policy(retry.mode));
        self.retry = retry;
        self
    }

    /// Time the default transport allows to open a connection (default
    /// 3 s). For this and the other limits `None` is no limit; zero is
    /// refused by [`build`](Self::build).
    ///
    /// This and the other settings of the default transport (read
    /// timeout, response size, TLS roots and checks, proxies) do nothing
    /// for a transport of the program's own ([`transport`](Self::transport)),
    /// which sets its own; [`attempt_timeout`](Self::attempt_timeout) and
    /// [`call_timeout`](Self::call_timeout) bound every transport.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.transport_settings.connect_timeout = timeout;
        self
    }

    /// Time the default transport's connection may stay silent: each read
    /// and write must finish within it (default: none, only the attempt's
    /// limit). See [`UreqSettings::read_timeout`].
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.transport_settings.read_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, connection included (default 10 s).
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Time allowed for a whole call, retries and waits included (default
    /// none). Getting the credentials to sign with comes first and is not
    /// counted: a provider that calls a service is bounded by its own
    /// limits (a role provider's STS client, instance metadata's attempt
    /// limit, the credentials cache's wait for another caller's refresh).
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Largest response body the default transport reads (default 1 MiB).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.transport_settings.max_body_bytes = bytes;
        self
    }

    /// Turns off TLS certificate verification in the default transport.
    /// Only for tests against servers with self-signed certificates.
    pub fn danger_accept_invalid_certs(mut self, on: bool) -> Self {
        self.transport_settings.danger_accept_invalid_certs = on;
        self
    }

    /// Trust exactly the root certificates in this PEM file, instead of the
    /// built-in ones (as `AWS_CA_BUNDLE` and a profile's `ca_bundle` do,
    /// which this wins over). The file is read when the client is built
    /// with the default transport; a missing or non-PEM file is an error
    /// naming it. A transport of the program's own does not use it.
    pub fn ca_bundle_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.explicit.ca_bundle = Some(path.into());
        self.transport_settings.ca_bundle = None;
        self.explicit_ca_bundle = false;
        self
    }

    /// Trust exactly the root certificates of `bundle` (see
    /// [`ca_bundle_file`](Self::ca_bundle_file)).
    pub fn ca_bundle(mut self, bundle: CaBundle) -> Self {
        self.explicit.ca_bundle = None;
        self.transport_settings.ca_bundle = Some(bundle);
        self.explicit_ca_bundle = true;
        self
    }

    /// The proxies of the default transport, instead of the environment's
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`; see [`ProxyConfig`]).
    /// [`ProxyConfig::new`] sends every request directly.
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.transport_settings.proxy = proxy;
        self.explicit_proxy = true;
        self
    }

    /// Text appended to the `User-Agent` header.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Your own HTTP stack instead of the default `ureq` one.
    ///
    /// Set before [`from_config`](Self::from_config) (or `from_env`), it
    /// also keeps those from reading the environment's proxy and CA bundle
    /// settings, which only the default transport uses: a setting it could
    /// not use (a `socks5h://` proxy that a libcurl-based transport
    /// handles) is then no error.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The clock used for signing (tests use a fixed one).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How the client waits between attempts (tests record instead).
    pub fn sleep(mut self, sleep: impl Sleep + 'static) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// The random source of the backoff jitter.
    pub fn random(mut self, random: impl Random + 'static) -> Self {
        self.random = Arc::new(random);
        self
    }

    /// Settings from the process environment and the shared config and
    /// credentials files, as the AWS CLI and SDKs read them; see
    /// [`from_config`](Self::from_config).
    pub fn from_env(self) -> Result<Self, ConfigError> {
        self.from_config(&ProviderConfig::new())
    }

    /// Settings from `config`'s environment and profile files, through the
    /// [one resolver](crate::settings) every part of the crate uses: what
    /// was set on this builder wins (whether set before or after this
    /// call), then the environment, then the selected profile (see
    /// [`profile_with`](Self::profile_with)), then the defaults.
    ///
    /// When no credentials are set, the client uses the [`default_chain`](crate::credentials::default_chain)
    /// read through `config` (environment keys first, then the profile,
    /// then web identity, the container endpoint and instance metadata:
    /// aws-sdk-rust's order, which botocore's differs from as the README
    /// says); when
    /// the profile was named on this builder, the
    /// [`named_profile_chain`](crate::credentials::named_profile_chain):
    /// that profile, then the container endpoint and instance metadata,
    /// never the environment's keys.
    ///
    /// The roles a profile assumes are assumed with this builder's
    /// settings (transport, endpoint, timeouts, retries) as they are when
    /// it is [built](Self::build), whether set before this call or after.
    /// Of `config`, the environment, file system, profile name and named
    /// sources are used, and its transport where this builder has none;
    /// its clock, random source and STS settings give way to this
    /// builder's (see [`ProviderConfig::with_sts_client_builder`]).
    ///
    /// # Errors
    ///
    /// A setting that is present but invalid (a malformed region or
    /// endpoint URL, `AWS_MAX_ATTEMPTS=0`, an unknown retry mode, a CA
    /// bundle or proxy that cannot be used), each naming where it came
    /// from; a profile named on this builder or by `AWS_PROFILE` that the
    /// files do not define. No region is no error here: [`build`](Self::build)
    /// refuses it ([`EndpointError::MissingRegion`])
    /// unless an endpoint URL is set, as the library has no default region.
    pub fn from_config(self, config: &ProviderConfig) -> Result<Self, ConfigError> {
        self.resolve_with_config(Arc::new(config.clone()))
    }

    /// [`from_config`](Self::from_config) with `given` kept as it is, so
    /// that a profile named late, read again at [`build`](Self::build),
    /// finds the providers made from the same configuration.
    fn resolve_with_config(mut self, given: Arc<ProviderConfig>) -> Result<Self, ConfigError> {
        let config = self.with_named_profile(&given);
        let resolved = settings::resolve(&self.explicit, &config)?;
        self.apply(&resolved);
        // Only the default transport uses them: a proxy or CA bundle it
        // cannot use (`HTTPS_PROXY=socks5h://…` beside a libcurl callback)
        // must not fail a client with a transport of the program's own.
        if self.transport.is_none() {
            self.load_transport_settings(&config, &resolved)?;
        }
        // The provider is made at `build`, with the settings of then.
        if self.credentials.is_none() || self.credentials_from_profile {
            self.credentials = None;
            self.credentials_from_profile = true;
        }
        self.resolved = Some(resolved);
        self.resolved_from = Some(given);
        Ok(self)
    }

    /// The provider of `config`'s credentials for this builder's
    /// settings: one its clones made with the same configuration and
    /// settings, else a new one, kept for them.
    fn shared_profile_provider(
        &self,
        config: &Arc<ProviderConfig>,
        resolved: &Resolved,
    ) -> Arc<dyn ProvideCredentials> {
        let settings = ProviderInputs::of(self);
        let mut made = self
            .profile_providers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(m) = made
            .iter()
            .find(|m| Arc::ptr_eq(&m.config, config) && m.settings == settings)
        {
            return Arc::clone(&m.provider);
        }
        let provider = self.profile_provider(self.with_named_profile(config), resolved);
        if made.len() >= MADE_PROVIDERS {
            made.remove(0);
        }
        made.push(MadeProvider {
            config: Arc::clone(config),
            settings,
            provider: Arc::clone(&provider),
        });
        provider
    }

    /// Starts a list of profile providers of its own, shared with no
    /// other builder: for a copy kept inside a [`ProviderConfig`], which
    /// a provider in the shared list would hold.
    pub(crate) fn forget_profile_providers(&mut self) {
        self.profile_providers = Arc::default();
    }

    /// `config`, reading the profile named on this builder if one is.
    fn with_named_profile(&self, config: &ProviderConfig) -> ProviderConfig {
        match &self.explicit.profile {
            Some(name) => config.clone().with_profile_name(name.clone()),
            None => config.clone(),
        }
    }

    /// The credentials `config` gives (its profile and the other sources),
    /// with the STS calls a profile's role makes sent with this builder's
    /// settings as they are now, through `config`'s transport where this
    /// builder has none ([`ProviderConfig::with_transport`] is for the
    /// providers' requests, and a test's fake must not be passed over for
    /// the network).
    fn profile_provider(
        &self,
        config: ProviderConfig,
        resolved: &Resolved,
    ) -> Arc<dyn ProvideCredentials> {
        // `with_sts_client_builder` gives the copy a list of its own: the
        // provider holds it, and the shared list holds the provider.
        let mut for_sts = self.clone();
        for_sts.resolved_from = None;
        if for_sts.transport.is_none() {
            for_sts.transport = config.sts_transport();
        }
        let sts_config = config.with_sts_client_builder(for_sts);
        let named = self
            .explicit
            .profile
            .as_ref()
            .map(|_| resolved.profile.value.as_str());
        client_provider(&sts_config, named)
    }

    /// The resolved values, each with where it came from, after
    /// [`from_config`](Self::from_config) (or one of the methods that call
    /// it); `None` before.
    pub fn settings(&self) -> Option<&Resolved> {
        self.resolved.as_ref()
    }

    /// The CA bundle and proxies of the default transport, as resolved.
    fn load_transport_settings(
        &mut self,
        config: &ProviderConfig,
        resolved: &Resolved,
    ) -> Result<(), ConfigError> {
        // With certificate checks off no bundle is used, so a stale one
        // (a moved `AWS_CA_BUNDLE`) is not read either, as in botocore,
        // where `verify=False` wins over every bundle.
        if !self.explicit_ca_bundle
            && !self.transport_settings.danger_accept_invalid_certs
            && let Some(bundle) = &resolved.ca_bundle
        {
            self.transport_settings.ca_bundle =
                Some(load_ca_bundle(config.fs(), &bundle.value, &bundle.origin)?);
        }
        if !self.explicit_proxy {
            // A variable that cannot be used fails the requests that would
            // go through it, not the client: `ALL_PROXY=socks5://…` must
            // not stop calls to an https endpoint (see `from_env_or_refuse`).
            self.transport_settings.proxy = ProxyConfig::from_env_or_refuse(config.env());
        }
        Ok(())
    }

    /// A bundle set on the builder and not read yet: read it now.
    fn load_explicit_ca_bundle(&mut self) -> Result<(), ConfigError> {
        if let Some(bundle) = self.unread_ca_bundle() {
            self.transport_settings.ca_bundle = Some(bundle?);
        }
        Ok(())
    }

    /// The bundle named with [`ca_bundle_file`](Self::ca_bundle_file), read
    /// now, when it has not been read yet.
    fn unread_ca_bundle(&self) -> Option<Result<CaBundle, ConfigError>> {
        if self.transport_settings.danger_accept_invalid_certs {
            return None;
        }
        match (&self.explicit.ca_bundle, &self.transport_settings.ca_bundle) {
            (Some(path), None) => Some(load_ca_bundle(
                &crate::credentials::RealFs,
                path,
                &Origin::Explicit,
            )),
            _ => None,
        }
    }

    /// The default transport these settings make, with `config`'s
    /// environment and profile resolved (CA bundle, proxies): for a
    /// program that wraps it (to log, say) and hands it back with
    /// [`transport`](Self::transport) before [`from_config`](Self::from_config),
    /// so that the STS calls a profile's roles make go through it too.
    pub fn default_transport(&self, config: &ProviderConfig) -> Result<UreqTransport, ConfigError> {
        let mut b = self.clone();
        let config = match &b.explicit.profile {
            Some(name) => config.clone().with_profile_name(name.clone()),
            None => config.clone(),
        };
        let resolved = settings::resolve(&b.explicit, &config)?;
        b.load_transport_settings(&config, &resolved)?;
        b.load_explicit_ca_bundle()?;
        Ok(UreqTransport::new(b.transport_settings))
    }

    /// Selects the profile `name` for [`from_config`](Self::from_config),
    /// as [`profile_with`](Self::profile_with) does, without reading
    /// anything yet. A client built without `from_config` (or
    /// [`from_env`](Self::from_env)) and without credentials still signs
    /// as this profile says (the
    /// [`named_profile_chain`](crate::credentials::named_profile_chain));
    /// its other settings (region, endpoint) are read by `from_config`.
    /// Named after `from_config`, the profile is read at
    /// [`build`](Self::build) from the same configuration, and a profile
    /// that is not there fails the build.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.explicit.profile = Some(name.into());
        self
    }

    /// Applies resolved settings to the fields the client is built from.
    pub(crate) fn apply(&mut self, r: &Resolved) {
        self.endpoint.region = r
            .region
            .as_ref()
            .map(|s| s.value.clone())
            .or_else(|| self.fallback_region.clone());
        self.endpoint.endpoint = r.endpoint_url.as_ref().map(|s| s.value.clone());
        self.endpoint.use_fips = r.use_fips.value;
        self.endpoint.use_dual_stack = r.use_dual_stack.value;
        self.endpoint.use_global_endpoint =
            r.sts_regional_endpoints.value == StsRegionalEndpoints::Legacy;
        self.retry.max_attempts = r.max_attempts.value;
        self.retry.mode = r.retry_mode.value.into();
        self.app_id = r.app_id.as_ref().map(|s| s.value.clone());
    }

    /// `region` where neither [`region`](Self::region), the environment
    /// nor a profile names one, whether they are set before or after this
    /// call. The credential providers' own STS calls (a profile's role, a
    /// web identity) fall back to it too, instead of to `us-east-1`,
    /// whether it is set before [`from_env`](Self::from_env) /
    /// [`from_config`](Self::from_config) or after (then
    /// [`build`](Self::build) makes those providers again).
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        let region = region.into();
        if self.endpoint.region.is_none() {
            self.endpoint.region = Some(region.clone());
        }
        self.fallback_region = Some(region);
        self
    }

    /// The profile `name` of the shared config and credentials files, as
    /// the AWS CLI's `--profile` selects one; see
    /// [`profile_with`](Self::profile_with). Reads the process environment
    /// and the real files.
    pub fn profile(self, name: impl Into<String>) -> Result<Self, ConfigError> {
        self.profile_with(name, &ProviderConfig::new())
    }

    /// The profile `name`, with the environment and the files read through
    /// `config` (see [`from_config`](Self::from_config)):
    ///
    /// - the profile must be defined, else [`ConfigError::ProfileNotFound`]
    ///   (so nothing is sent, and a typo never signs as another identity);
    /// - its settings apply where neither this builder nor the environment
    ///   set them;
    /// - its credentials become the client's, cached: whatever
    ///   [`ProfileProvider`](crate::credentials::ProfileProvider) supports (static keys, `role_arn` chains,
    ///   `web_identity_token_file`, `credential_process`). Credentials in
    ///   the environment (`AWS_ACCESS_KEY_ID`, …) are not used: a profile
    ///   named explicitly wins over them, as in botocore.
    ///
    /// ```
    /// use sts_blocking::Client;
    /// use sts_blocking::credentials::{MapFs, ProviderConfig};
    /// use sts_blocking::env::MapEnv;
    ///
    /// let config = ProviderConfig::new()
    ///     .with_env(MapEnv::new([("HOME", "/home/me")]))
    ///     .with_fs(MapFs::new().with_file(
    ///         "/home/me/.aws/config",
    ///         "[profile prod]\nregion = eu-west-1\n\
    ///          aws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
    ///     ));
    /// let client = Client::builder().profile_with("prod", &config)?.build()?;
    /// assert_eq!(client.endpoint().url, "https://sts.eu-west-1.amazonaws.com");
    /// assert!(Client::builder().profile_with("prdo", &config).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn profile_with(
        self,
        name: impl Into<String>,
        config: &ProviderConfig,
    ) -> Result<Self, ConfigError> {
        self.profile_name(name).from_config(config)
    }

    /// The profile the environment selects (`AWS_PROFILE`, else
    /// `default`), as an AWS SDK picks it up by itself: the same as
    /// [`from_env`](Self::from_env).
    pub fn from_profile(self) -> Result<Self, ConfigError> {
        self.from_env()
    }

    /// The same as [`from_config`](Self::from_config).
    pub fn from_profile_with(self, config: &ProviderConfig) -> Result<Self, ConfigError> {
        self.from_config(config)
    }

    /// Checks the settings, resolves the endpoint and builds the client.
    pub fn build(mut self) -> Result<Client, ConfigError> {
        if let (Some(resolved), Some(name), Some(config)) =
            (&self.resolved, &self.explicit.profile, &self.resolved_from)
            && (resolved.profile.value != *name || resolved.profile.origin != Origin::Explicit)
        {
            // `profile_name` after `from_config`: read that profile now.
            let config = Arc::clone(config);
            self = self.resolve_with_config(config)?;
        }
        if let (true, Some(resolved), Some(config)) = (
            self.credentials_from_profile,
            &self.resolved,
            &self.resolved_from,
        ) {
            // Made now, with every setting of the builder however late it
            // was made: a role assumed with the base keys must not go to
            // real AWS while the client's own calls go where the program
            // said.
            self.credentials = Some(self.shared_profile_provider(config, resolved));
        }
        if let (Some((refused, e)), Some(provider)) =
            (&self.unusable_credentials, &self.credentials)
            && std::ptr::addr_eq(refused.as_ptr(), Arc::as_ptr(provider))
        {
            return Err(ConfigError::InvalidCredentials(e.clone()));
        }
        // Only the default transport trusts a bundle: with a transport of
        // the program's own, the file is not needed, so not read.
        if self.transport.is_none() {
            self.load_explicit_ca_bundle()?;
        }
        // Zero would fail every attempt (or, for the connect limit, mean
        // none): the C library and the `sts` tool take 0 for "no limit",
        // so a program ported from them must not get either silently.
        for (setting, timeout) in [
            ("connect_timeout", self.transport_settings.connect_timeout),
            ("read_timeout", self.transport_settings.read_timeout),
            ("attempt_timeout", self.attempt_timeout),
            ("call_timeout", self.call_timeout),
        ] {
            if timeout == Some(Duration::ZERO) {
                return Err(ConfigError::InvalidSetting {
                    setting,
                    reason: "zero; `None` is no limit".into(),
                });
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(ConfigError::InvalidSetting {
                setting: "max_attempts",
                reason: "must be at least 1".into(),
            });
        }
        Client::from_builder(self)
    }

    ///
    /// The CA bundle named with [`ca_bundle_file`](Self::ca_bundle_file)
    /// is read here if [`build`](Self::build) has not read it yet (a
    /// [`RoleAssumer`](crate::credentials::RoleAssumer) makes its
    /// transport from a builder that is never built); if it cannot be,
    /// every request fails with why, rather than going out trusting the
    /// built-in roots instead.
    pub(crate) fn make_transport(&self) -> Arc<dyn Transport> {
        if let Some(t) = &self.transport {
            return Arc::clone(t);
        }
        let mut settings = self.transport_settings.clone();
        match self.unread_ca_bundle() {
            Some(Ok(bundle)) => settings.ca_bundle = Some(bundle),
            Some(Err(e)) => return Arc::new(Unusable(e.to_string())),
            None => {}
        }
        Arc::new(UreqTransport::new(settings))
    }
}

/// The default transport when the CA bundle it was told to trust cannot
/// be read: every request fails, saying why.
#[derive(Debug)]
struct Unusable(String);

impl Transport for Unusable {
    fn send(
        &self,
        _request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, crate::transport::TransportError> {
        Err(crate::transport::TransportError::new(
            crate::transport::TransportFailure::Unusable,
            self.0.clone(),
        ))
    }
}

/// The bundle at `path`, or an error naming the file and the setting's
/// origin.
fn load_ca_bundle(
    fs: &dyn crate::credentials::Fs,
    path: &std::path::Path,
    origin: &Origin,
) -> Result<CaBundle, ConfigError> {
    CaBundle::from_pem_file_in(fs, path).map_err(|error| ConfigError::CaBundle {
        origin: Box::new(origin.clone()),
        error: Arc::new(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    fn from(vars: &[(&str, &str)]) -> Result<ClientBuilder, ConfigError> {
        ClientBuilder::default().from_config(
            &ProviderConfig::new()
                .with_env(MapEnv::new(vars.iter().copied()))
                .with_fs(crate::credentials::MapFs::new()),
        )
    }

    /// A transport of the program's own (the C library's libcurl
    /// callback) is not failed by proxy or CA bundle settings that only
    /// the default transport reads.
    #[test]
    fn a_programs_own_transport_leaves_the_default_transports_settings_unread() {
        #[derive(Debug)]
        struct Own;
        impl Transport for Own {
            fn send(
                &self,
                _request: http::Request<Vec<u8>>,
                _timeout: Option<Duration>,
            ) -> Result<http::Response<Vec<u8>>, crate::transport::TransportError> {
                Ok(http::Response::new(Vec::new()))
            }
        }
        for vars in [
            [
                ("AWS_REGION", "us-east-1"),
                ("HTTPS_PROXY", "socks5h://127.0.0.1:1080"),
            ],
            [
                ("AWS_REGION", "us-east-1"),
                ("AWS_CA_BUNDLE", "/nonexistent/ca.pem"),
            ],
        ] {
            let config = ProviderConfig::new()
                .with_env(MapEnv::new(vars.iter().copied()))
                .with_fs(crate::credentials::MapFs::new());
            // With the default transport: the bundle fails the client, the
            // proxy the requests it would carry (nothing is sent).
            match ClientBuilder::default()
                .credentials(sts_proto::Credentials::new("AKIDEXAMPLE", "secret", None))
                .from_config(&config)
            {
                Err(e) => assert!(e.to_string().contains("ca.pem"), "{e}"),
                Ok(builder) => {
                    let e = builder.build().unwrap().get_caller_identity().unwrap_err();
                    assert!(e.to_string().contains("HTTPS_PROXY"), "{e}");
                    assert!(!e.is_retryable(), "{e}");
                }
            }
            let own = ClientBuilder::default()
                .transport(Own)
                .from_config(&config)
                .unwrap_or_else(|e| panic!("{vars:?}: {e}"));
            own.build().unwrap_or_else(|e| panic!("{vars:?}: {e}"));
        }
        // Nor a bundle file named on the builder, which only the default
        // transport would read: it is not needed, so not read, and not
        // an error when missing.
        let missing = || {
            ClientBuilder::default()
                .region("us-east-1")
                .ca_bundle_file("/nonexistent/ca.pem")
        };
        missing()
            .transport(Own)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            missing().build(),
            Err(ConfigError::CaBundle { .. })
        ));
    }

    #[test]
    fn reads_the_sdk_variables() {
        let b = from(&[
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:6000"),
            ("AWS_USE_FIPS_ENDPOINT", "TRUE"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
            ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
            ("AWS_MAX_ATTEMPTS", "5"),
            ("AWS_RETRY_MODE", "standard"),
        ])
        .unwrap();
        assert_eq!(b.endpoint.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            b.endpoint.endpoint.as_deref(),
            Some("http://127.0.0.1:6000")
        );
        assert!(b.endpoint.use_fips);
        assert!(!b.endpoint.use_dual_stack);
        assert!(b.endpoint.use_global_endpoint);
        assert_eq!(b.retry.max_attempts, 5);
        let b = from(&[
            ("AWS_REGION", "us-west-2"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ])
        .unwrap();
        assert_eq!(b.endpoint.region.as_deref(), Some("us-west-2"));
    }

    #[test]
    fn invalid_values_name_the_variable() {
        for (name, value) in [
            ("AWS_USE_FIPS_ENDPOINT", "yes"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "1"),
            ("AWS_STS_REGIONAL_ENDPOINTS", "global"),
            ("AWS_MAX_ATTEMPTS", "0"),
            ("AWS_MAX_ATTEMPTS", "three"),
            ("AWS_RETRY_MODE", "fast"),
        ] {
            let err = from(&[(name, value)]).unwrap_err();
            let text = err.to_string();
            assert!(text.contains(name) && text.contains(value), "{text}");
        }
        let long = "é".repeat(100_000);
        let text = from(&[("AWS_RETRY_MODE", long.as_str())])
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("AWS_RETRY_MODE") && text.len() < 300,
            "{text}"
        );
    }

    const FILES: &str = "[default]\nregion = eu-west-1\naws_access_key_id = DEFAULTKEY\n\
                         aws_secret_access_key = default-secret\n\
                         [profile prod]\nregion = ap-south-1\naws_access_key_id = PRODKEY\n\
                         aws_secret_access_key = prod-secret\n\
                         [profile bare]\naws_access_key_id = BAREKEY\n\
                         aws_secret_access_key = bare-secret\n";

    fn files(vars: &[(&str, &str)]) -> crate::credentials::ProviderConfig {
        let mut env = vec![("HOME", "/h")];
        env.extend_from_slice(vars);
        crate::credentials::ProviderConfig::new()
            .with_env(MapEnv::new(env))
            .with_fs(crate::credentials::MapFs::new().with_file("/h/.aws/config", FILES))
    }

    const ENV_KEYS: [(&str, &str); 2] = [
        ("AWS_ACCESS_KEY_ID", "ENVKEY"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
    ];

    fn signing_key(b: ClientBuilder) -> String {
        let client = b.build().unwrap();
        client.credentials().unwrap().access_key_id().to_owned()
    }

    fn region(b: &ClientBuilder) -> Option<&str> {
        b.endpoint.region.as_deref()
    }

    /// A profile that assumes a role with base keys, as a role profile
    /// for an emulator's tests would.
    fn role_profile() -> ProviderConfig {
        with_role_profile(ProviderConfig::new())
    }

    /// `config` reading [`role_profile`]'s environment and files.
    fn with_role_profile(config: ProviderConfig) -> ProviderConfig {
        config
            .with_env(MapEnv::new([("HOME", "/h"), ("AWS_PROFILE", "role")]))
            .with_fs(crate::credentials::MapFs::new().with_file(
                "/h/.aws/config",
                "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n\
                 [profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\n\
                 source_profile = base\nregion = eu-west-1\n",
            ))
    }

    /// The profile's `AssumeRole` (signed with its base keys) goes where
    /// the client's own calls go, whatever the order the program set the
    /// transport and endpoint in: it once went to real AWS, with the
    /// settings of the moment `from_config` ran.
    #[test]
    fn settings_made_after_from_config_reach_the_profiles_role_calls() {
        use crate::transport::script::RoleServer;
        let emulator = "http://localhost:4566/";
        let both_there = |server: &RoleServer| {
            assert_eq!(
                *server.seen.lock().unwrap(),
                [
                    ("AssumeRole".to_owned(), emulator.to_owned()),
                    ("GetCallerIdentity".to_owned(), emulator.to_owned()),
                ]
            );
        };
        let server = Arc::new(RoleServer::default());
        let client = ClientBuilder::default()
            .from_config(&role_profile())
            .unwrap()
            .transport(Arc::clone(&server))
            .endpoint_url(emulator)
            .build()
            .unwrap();
        client.get_caller_identity().unwrap();
        both_there(&server);
        assert_eq!(client.credentials().unwrap().access_key_id(), "ASIAROLE");

        let server = Arc::new(RoleServer::default());
        ClientBuilder::default()
            .transport(Arc::clone(&server))
            .from_config(&role_profile())
            .unwrap()
            .endpoint_url(emulator)
            .build()
            .unwrap()
            .get_caller_identity()
            .unwrap();
        both_there(&server);

        // Clones of one builder built alike share the profile's provider,
        // and its cache: one `AssumeRole` (one MFA prompt) for all. A
        // clone told to call elsewhere gets its own, made there.
        let server = Arc::new(RoleServer::default());
        let base = ClientBuilder::default()
            .transport(Arc::clone(&server))
            .endpoint_url(emulator)
            .from_config(&role_profile())
            .unwrap();
        for _ in 0..2 {
            base.clone().build().unwrap().get_caller_identity().unwrap();
        }
        let elsewhere = "http://127.0.0.1:4567/";
        base.clone()
            .endpoint_url(elsewhere)
            .build()
            .unwrap()
            .get_caller_identity()
            .unwrap();
        let role_calls = |server: &RoleServer| -> Vec<String> {
            let seen = server.seen.lock().unwrap();
            seen.iter()
                .filter(|(action, _)| action == "AssumeRole")
                .map(|(_, url)| url.clone())
                .collect()
        };
        assert_eq!(role_calls(&server), [emulator, elsewhere]);
        // So also when the settings, or the profile, come after
        // `from_config`: it is what the clone is built with that counts.
        let server = Arc::new(RoleServer::default());
        let later = ClientBuilder::default()
            .from_config(&role_profile())
            .unwrap()
            .transport(Arc::clone(&server))
            .endpoint_url(emulator)
            .region("eu-central-1")
            .profile_name("role");
        for _ in 0..3 {
            later
                .clone()
                .build()
                .unwrap()
                .get_caller_identity()
                .unwrap();
        }
        assert_eq!(role_calls(&server), [emulator]);

        // Once the clients and the builder are gone, nothing holds the
        // provider, its credentials or the transport (a cycle through the
        // provider's own copy of the builder once did).
        let all_freed = |server: Arc<RoleServer>, builder: ClientBuilder| {
            let list = Arc::downgrade(&builder.profile_providers);
            let client = builder.clone().build().unwrap();
            client.get_caller_identity().unwrap();
            drop((client, builder));
            assert_eq!(Arc::strong_count(&server), 1);
            assert!(list.upgrade().is_none());
        };
        let server = Arc::new(RoleServer::default());
        let builder = ClientBuilder::default()
            .transport(Arc::clone(&server))
            .endpoint_url(emulator)
            .from_config(&role_profile())
            .unwrap();
        all_freed(server, builder);
        // Also with the configuration made from the builder itself, as
        // the C library's `use_environment` makes it (LeakSanitizer found
        // a cycle through the configuration's copy of the builder).
        let server = Arc::new(RoleServer::default());
        let builder = ClientBuilder::default()
            .transport(Arc::clone(&server))
            .endpoint_url(emulator);
        let config = with_role_profile(ProviderConfig::from_client_builder(&builder));
        let builder = builder.from_config(&config).unwrap();
        drop(config);
        all_freed(server, builder);

        // A transport given to the configuration, for the providers'
        // requests, carries the role call when the builder has none.
        let server = Arc::new(RoleServer::default());
        let client = ClientBuilder::default()
            .from_config(&role_profile().with_transport(Arc::clone(&server)))
            .unwrap()
            .endpoint_url(emulator)
            .build()
            .unwrap();
        assert_eq!(client.credentials().unwrap().access_key_id(), "ASIAROLE");
        assert_eq!(
            *server.seen.lock().unwrap(),
            [("AssumeRole".to_owned(), emulator.to_owned())]
        );
    }

    #[test]
    fn a_named_profile_wins_over_environment_credentials() {
        let config = files(&ENV_KEYS);
        let b = ClientBuilder::default()
            .profile_with("prod", &config)
            .unwrap();
        assert_eq!(region(&b), Some("ap-south-1"));
        assert_eq!(signing_key(b), "PRODKEY");
        // A region set before stays; a profile without one leaves it unset.
        let b = ClientBuilder::default()
            .region("us-west-2")
            .profile_with("prod", &config)
            .unwrap();
        assert_eq!(region(&b), Some("us-west-2"));
        let b = ClientBuilder::default()
            .profile_with("bare", &config)
            .unwrap();
        assert_eq!(region(&b), None);
        assert_eq!(signing_key(b.default_region("us-east-1")), "BAREKEY");
    }

    #[test]
    fn a_zero_timeout_is_refused_not_taken_as_fail_at_once_or_none() {
        let zero = Some(Duration::ZERO);
        for (setting, b) in [
            (
                "connect_timeout",
                ClientBuilder::default().connect_timeout(zero),
            ),
            ("read_timeout", ClientBuilder::default().read_timeout(zero)),
            (
                "attempt_timeout",
                ClientBuilder::default().attempt_timeout(zero),
            ),
            ("call_timeout", ClientBuilder::default().call_timeout(zero)),
        ] {
            let b = b.region("us-east-1");
            assert!(
                matches!(b.build(), Err(ConfigError::InvalidSetting { setting: s, .. }) if s == setting),
                "{setting}"
            );
        }
        assert!(
            ClientBuilder::default()
                .region("us-east-1")
                .attempt_timeout(None)
                .call_timeout(Some(Duration::from_millis(1)))
                .build()
                .is_ok()
        );
    }

    #[test]
    fn the_legacy_mode_brings_its_five_attempts_unless_attempts_are_set() {
        let attempts = |b: ClientBuilder| b.retry.max_attempts;
        assert_eq!(attempts(ClientBuilder::default()), 3);
        assert_eq!(
            attempts(ClientBuilder::default().retry_mode(RetryMode::Legacy)),
            5
        );
        assert_eq!(
            attempts(from(&[]).unwrap().retry_mode(RetryMode::Legacy)),
            5
        );
        assert_eq!(
            attempts(
                ClientBuilder::default()
                    .max_attempts(2)
                    .retry_mode(RetryMode::Legacy)
            ),
            2
        );
        assert_eq!(
            attempts(
                from(&[("AWS_MAX_ATTEMPTS", "4")])
                    .unwrap()
                    .retry_mode(RetryMode::Legacy)
            ),
            4
        );
        // Set before the environment is read, the same as after.
        let b = ClientBuilder::default()
            .retry_mode(RetryMode::Legacy)
            .from_config(
                &ProviderConfig::new()
                    .with_env(MapEnv::new([("HOME", "/h")]))
                    .with_fs(crate::credentials::MapFs::new()),
            )
            .unwrap();
        assert_eq!(attempts(b), 5);
        assert_eq!(
            attempts(
                ClientBuilder::default()
                    .retry_mode(RetryMode::Legacy)
                    .retry_mode(RetryMode::Standard)
            ),
            3
        );
    }

    #[test]
    fn a_profile_named_after_from_config_is_the_one_signed_with() {
        let endpoint = |b: ClientBuilder| b.build().unwrap().endpoint().url.clone();
        let later = || {
            ClientBuilder::default()
                .from_config(&files(&[]))
                .unwrap()
                .profile_name("prod")
        };
        assert_eq!(signing_key(later()), "PRODKEY");
        assert_eq!(endpoint(later()), "https://sts.ap-south-1.amazonaws.com");
        // Named explicitly, `default` no longer takes the environment's keys.
        let default_named = ClientBuilder::default()
            .from_config(&files(&ENV_KEYS))
            .unwrap()
            .profile_name("default");
        assert_eq!(signing_key(default_named), "DEFAULTKEY");
        // A misspelt name fails the build instead of signing as `default`.
        let typo = ClientBuilder::default()
            .from_config(&files(&[]))
            .unwrap()
            .profile_name("prdo")
            .build();
        assert!(
            matches!(&typo, Err(ConfigError::ProfileNotFound { profile, .. }) if profile == "prdo"),
            "{typo:?}"
        );
        // What was set on the builder still wins over the profile read late.
        let b = later().region("us-west-2");
        assert_eq!(endpoint(b), "https://sts.us-west-2.amazonaws.com");
    }

    #[test]
    fn an_unknown_profile_is_an_error_naming_it_and_the_files() {
        let err = ClientBuilder::default()
            .profile_with("prdo", &files(&ENV_KEYS))
            .unwrap_err();
        assert!(
            matches!(&err, ConfigError::ProfileNotFound { profile, files }
                if profile == "prdo"
                    && *files == [PathBuf::from("/h/.aws/config"), "/h/.aws/credentials".into()]),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("\"prdo\"") && text.contains("/h/.aws/config and /h/.aws/credentials"),
            "{text}"
        );
        // No files at all: the same error.
        let none = crate::credentials::ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(crate::credentials::MapFs::new());
        assert!(matches!(
            ClientBuilder::default().profile_with("prod", &none),
            Err(ConfigError::ProfileNotFound { .. })
        ));
        let nowhere = crate::credentials::ProviderConfig::new().with_env(MapEnv::default());
        let text = ClientBuilder::default()
            .profile_with("prod", &nowhere)
            .unwrap_err()
            .to_string();
        assert!(text.contains("no home directory"), "{text}");
    }

    #[test]
    fn a_broken_file_is_reported_without_its_text() {
        let config = crate::credentials::ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h")]))
            .with_fs(
                crate::credentials::MapFs::new()
                    .with_file("/h/.aws/credentials", "[prod]\nnot a pair leaked-secret\n"),
            );
        let err = ClientBuilder::default()
            .profile_with("prod", &config)
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ConfigError::ProfileFiles { .. }), "{text}");
        assert!(text.contains("/h/.aws/credentials"), "{text}");
        assert!(!text.contains("leaked-secret"), "{text}");
    }

    #[test]
    fn a_profile_region_alone_is_enough_and_explicit_values_win_in_any_order() {
        let client = ClientBuilder::default()
            .from_config(&files(&[("AWS_PROFILE", "prod")]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            client.endpoint().url,
            "https://sts.ap-south-1.amazonaws.com"
        );
        let before = ClientBuilder::default()
            .region("us-west-2")
            .max_attempts(2)
            .from_config(&files(&[
                ("AWS_PROFILE", "prod"),
                ("AWS_MAX_ATTEMPTS", "9"),
            ]))
            .unwrap();
        assert_eq!(region(&before), Some("us-west-2"));
        assert_eq!(before.retry.max_attempts, 2);
        let after = ClientBuilder::default()
            .from_config(&files(&[
                ("AWS_PROFILE", "prod"),
                ("AWS_MAX_ATTEMPTS", "9"),
            ]))
            .unwrap()
            .region("us-west-2");
        assert_eq!(region(&after), Some("us-west-2"));
        assert_eq!(after.retry.max_attempts, 9);
        let settings = after.settings().unwrap();
        assert_eq!(
            settings.max_attempts.origin,
            Origin::Env("AWS_MAX_ATTEMPTS")
        );
    }

    #[test]
    fn aws_profile_selects_but_environment_credentials_win() {
        let mut vars = ENV_KEYS.to_vec();
        vars.push(("AWS_PROFILE", "prod"));
        let b = ClientBuilder::default()
            .from_profile_with(&files(&vars))
            .unwrap();
        assert_eq!(region(&b), Some("ap-south-1"));
        assert_eq!(signing_key(b), "ENVKEY");
        // Without environment credentials, the profile's.
        let b = ClientBuilder::default()
            .from_profile_with(&files(&[("AWS_PROFILE", "prod")]))
            .unwrap();
        assert_eq!(signing_key(b), "PRODKEY");
        // No AWS_PROFILE: the default profile.
        let b = ClientBuilder::default()
            .from_profile_with(&files(&[]))
            .unwrap();
        assert_eq!(region(&b), Some("eu-west-1"));
        assert_eq!(signing_key(b), "DEFAULTKEY");
        // An unknown AWS_PROFILE is an error, even with keys in the environment.
        let mut vars = ENV_KEYS.to_vec();
        vars.push(("AWS_PROFILE", "nope"));
        assert!(matches!(
            ClientBuilder::default().from_profile_with(&files(&vars)),
            Err(ConfigError::ProfileNotFound { profile, .. }) if profile == "nope"
        ));
        // A missing default profile (or no files) is fine.
        let b = ClientBuilder::default()
            .from_profile_with(
                &crate::credentials::ProviderConfig::new()
                    .with_env(MapEnv::new(ENV_KEYS))
                    .with_fs(crate::credentials::MapFs::new()),
            )
            .unwrap();
        assert_eq!(region(&b), None);
        assert_eq!(signing_key(b.default_region("us-east-1")), "ENVKEY");
    }

    /// A whole line of the IAM console's CSV given as the id: fixed
    /// credentials no request can be signed with fail `build`, with the
    /// signer's message, which keeps the secret half out.
    #[test]
    fn fixed_credentials_whose_id_cannot_sign_fail_build() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let line = format!("AKIAIOSFODNN7EXAMPLE,{secret}");
        let with = |id: &str| {
            ClientBuilder::default()
                .region("us-east-1")
                .credentials(Credentials::new(id, secret, None))
        };
        let e = with(&line).build().unwrap_err();
        assert!(
            matches!(
                &e,
                ConfigError::InvalidCredentials(SigningError::InvalidAccessKeyId { .. })
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "the access key id (61 characters, starting \"AKIA\") holds ',' at character 21; \
             an id has no '/', ',', whitespace, control or non-ASCII characters"
        );
        let shown = format!("{e} {e:?} {}", crate::Error::from(e.clone()));
        let leaked = secret
            .as_bytes()
            .windows(4)
            .find(|w| shown.as_bytes().windows(4).any(|s| s == *w));
        assert_eq!(leaked, None, "a piece of the secret in {shown}");
        assert!(matches!(
            with("").build(),
            Err(ConfigError::InvalidCredentials(_))
        ));
        assert!(with("AKIAIOSFODNN7EXAMPLE").build().is_ok());
        // An empty secret key signs nothing STS accepts.
        let empty_secret = ClientBuilder::default()
            .region("us-east-1")
            .credentials(Credentials::new("AKIAIOSFODNN7EXAMPLE", "", None))
            .build();
        assert!(matches!(
            empty_secret,
            Err(ConfigError::InvalidCredentials(
                SigningError::EmptySecretAccessKey
            ))
        ));

        // Nothing stale once the credentials are another provider's, or
        // none (a credential source's own STS client is built that way).
        assert!(
            with(&line)
                .credentials_provider(crate::credentials::NoCredentials)
                .build()
                .is_ok()
        );
        let mut inner = with(&line);
        inner.credentials = None;
        assert!(inner.build().is_ok());
        // A provider's credentials are checked when fetched, as before.
        let provided = StaticProvider::new(Credentials::new(line.as_str(), secret, None));
        assert!(
            ClientBuilder::default()
                .region("us-east-1")
                .credentials_provider(provided)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn blank_variables_count_as_unset() {
        let b = from(&[("AWS_REGION", " "), ("AWS_MAX_ATTEMPTS", "")]).unwrap();
        assert_eq!(b.endpoint.region, None);
        assert_eq!(b.retry.max_attempts, 3);
    }
}
