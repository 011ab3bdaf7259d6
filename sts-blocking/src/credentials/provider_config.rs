//! What the providers read the world through: environment, files, clock,
//! randomness, and the STS client settings they call STS with.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use sts_proto::SecretString;
use sts_proto::time::unix_seconds;

use super::{CredentialsError, Fs, ProvideCredentials, RealFs};
use crate::config::ClientBuilder;
use crate::env::{Env, ProcessEnv};
use crate::profile::{self, FileKind, Platform, ProfileSet};
use crate::timing::{Clock, Jitter, Random, Sleep, SystemClock};
use crate::transport::Transport;

/// Largest profile file the providers read: well above the largest real
/// files (tools such as aws-sso-util write a profile for every account
/// and role of an organisation, 4 MB and more), while the parser's heap
/// stays within 8 bytes per byte read (tests/parser_memory.rs).
pub const MAX_PROFILE_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Asked for the current code of an MFA device when a profile's role needs
/// one (`mfa_serial`).
///
/// Any `Fn(&str) -> Result<SecretString, String> + Send + Sync` is one:
///
/// ```
/// use sts_blocking::credentials::ProviderConfig;
/// use sts_proto::SecretString;
///
/// let config = ProviderConfig::new().with_mfa_token_provider(|serial: &str| {
///     // Ask the user, a TOTP library, a hardware token...
///     let _ = serial;
///     Ok::<_, String>(SecretString::new("123456"))
/// });
/// ```
pub trait MfaTokenProvider: Send + Sync {
    /// The current code for the device `serial_number`, or why there is none.
    fn mfa_token(&self, serial_number: &str) -> Result<SecretString, String>;
}

impl<F> MfaTokenProvider for F
where
    F: Fn(&str) -> Result<SecretString, String> + Send + Sync,
{
    fn mfa_token(&self, serial_number: &str) -> Result<SecretString, String> {
        self(serial_number)
    }
}

/// Everything a provider reads the world through, so that tests (and
/// programs with their own configuration) can replace it: the environment,
/// the file system, the clock, the random source of the cache's jitter, the
/// profile to use, and the [`ClientBuilder`] its STS calls are made with.
///
/// Cheap to clone; clones share the STS transport (and its connection pool).
///
/// ```
/// use sts_blocking::credentials::{MapFs, ProviderConfig};
/// use sts_blocking::env::MapEnv;
///
/// let config = ProviderConfig::new()
///     .with_env(MapEnv::new([("HOME", "/home/me"), ("AWS_PROFILE", "dev")]))
///     .with_fs(MapFs::new().with_file(
///         "/home/me/.aws/credentials",
///         "[dev]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
///     ));
/// ```
#[derive(Clone)]
pub struct ProviderConfig {
    pub(crate) env: Arc<dyn Env>,
    pub(crate) fs: Arc<dyn Fs>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn Random>,
    platform: Platform,
    sts: ClientBuilder,
    transport: Arc<OnceLock<Arc<dyn Transport>>>,
    /// [`ProviderConfig::direct_transport`]'s, made when first needed.
    direct_transport: Arc<OnceLock<Arc<dyn Transport>>>,
    profile_name: Option<String>,
    profile_files: Option<(Option<PathBuf>, Option<PathBuf>)>,
    mfa: Option<Arc<dyn MfaTokenProvider>>,
    role_cache: bool,
    named_sources: Vec<(String, Arc<dyn ProvideCredentials>)>,
    /// Shared by clones: when each login session was last refreshed
    /// through this configuration. (One refresh at a time per cache file
    /// is the process's rule, not a configuration's: see
    /// `credentials::refresh_lock`.)
    pub(crate) login_refreshes: Arc<super::login::Refreshes>,
    /// Shared by clones, so that a failed SSO token refresh is not tried
    /// again for a while, whichever provider made from this configuration
    /// asks.
    pub(crate) sso_refreshes: Arc<super::sso::RefreshThrottles>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.named_sources.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ProviderConfig")
            .field("env", &self.env)
            .field("fs", &self.fs)
            .field("clock", &self.clock)
            .field("platform", &self.platform)
            .field("sts", &self.sts)
            .field("profile_name", &self.profile_name)
            .field("profile_files", &self.profile_files)
            .field("mfa_token_provider", &self.mfa.is_some())
            .field("role_cache", &self.role_cache)
            .field("named_sources", &names)
            .finish_non_exhaustive()
    }
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// The profile files as read, and the profile selected in them.
#[derive(Debug)]
pub(crate) struct LoadedProfiles {
    pub(crate) set: ProfileSet,
    pub(crate) profile: String,
    /// Why a profile file the environment names was passed over (it
    /// exists but cannot be read), for errors about a profile that is
    /// then not found.
    pub(crate) unreadable: Vec<String>,
}

impl ProviderConfig {
    /// The process environment, the real file system, the system clock,
    /// and a default [`ClientBuilder`] for STS calls.
    pub fn new() -> Self {
        Self {
            env: Arc::new(ProcessEnv),
            fs: Arc::new(RealFs),
            clock: Arc::new(SystemClock),
            random: Arc::new(Jitter::default()),
            platform: Platform::current(),
            sts: ClientBuilder::default(),
            transport: Arc::new(OnceLock::new()),
            direct_transport: Arc::new(OnceLock::new()),
            profile_name: None,
            profile_files: None,
            mfa: None,
            role_cache: false,
            named_sources: Vec::new(),
            login_refreshes: Arc::default(),
            sso_refreshes: Arc::default(),
        }
    }

    /// A configuration whose STS calls use `builder`'s settings: its
    /// transport, timeouts, retry policy, clock, sleep and jitter, and (when
    /// set) its region, endpoint and FIPS/dual-stack flags, which then win
    /// over the profile's and the environment's. Its credentials are not used.
    pub fn from_client_builder(builder: &ClientBuilder) -> Self {
        Self::new().with_sts_client_builder(builder.clone())
    }

    /// STS calls are made with clients built from `builder` (see
    /// [`ProviderConfig::from_client_builder`]).
    pub fn with_sts_client_builder(mut self, mut builder: ClientBuilder) -> Self {
        builder.credentials = None;
        // Not the list of providers the builder's clients share: a
        // provider made from this configuration, kept in that list, would
        // hold it (a cycle that kept them and their credentials for good,
        // found by LeakSanitizer in the C tests).
        builder.forget_profile_providers();
        self.clock = Arc::clone(&builder.clock);
        self.random = Arc::clone(&builder.random);
        self.sts = builder;
        self.transport = Arc::new(OnceLock::new());
        self.direct_transport = Arc::new(OnceLock::new());
        self
    }

    /// Reads variables from `env` instead of the process environment.
    pub fn with_env(mut self, env: impl Env + 'static) -> Self {
        self.env = Arc::new(env);
        self
    }

    /// Reads files through `fs` instead of the real file system.
    pub fn with_fs(mut self, fs: impl Fs + 'static) -> Self {
        self.fs = Arc::new(fs);
        self
    }

    /// Uses `clock` for expiry decisions, session names and signing.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(clock);
        self.sts.clock = Arc::clone(&clock);
        self.clock = clock;
        self
    }

    /// Uses `random` for jitter (the cache's refresh time, retries, the
    /// instance metadata provider's extension of its last credentials).
    pub fn with_random(mut self, random: impl Random + 'static) -> Self {
        let random: Arc<dyn Random> = Arc::new(random);
        self.sts.random = Arc::clone(&random);
        self.random = random;
        self
    }

    /// Waits between retries (of STS and of the metadata endpoints) with
    /// `sleep`.
    pub fn with_sleep(mut self, sleep: impl Sleep + 'static) -> Self {
        self.sts.sleep = Arc::new(sleep);
        self
    }

    /// The transport set with [`with_transport`](Self::with_transport) or
    /// by the builder given to [`with_sts_client_builder`](Self::with_sts_client_builder),
    /// if any.
    pub(crate) fn sts_transport(&self) -> Option<Arc<dyn Transport>> {
        self.sts.transport.clone()
    }

    /// Sends the providers' requests (STS, instance metadata, the container
    /// endpoint, the SSO portal and OIDC service) through `transport`.
    pub fn with_transport(mut self, transport: impl Transport + 'static) -> Self {
        self.sts.transport = Some(Arc::new(transport));
        self.transport = Arc::new(OnceLock::new());
        self.direct_transport = Arc::new(OnceLock::new());
        self
    }

    /// Applies `platform`'s rules for the home directory and paths.
    pub fn with_platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    /// Calls STS in `region`, whatever the profile or environment say.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.sts = self.sts.region(region);
        self
    }

    /// Calls STS at `url`, whatever the profile or environment say.
    pub fn with_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.sts = self.sts.endpoint_url(url);
        self
    }

    /// Uses the profile `name` instead of `AWS_PROFILE` or `default`.
    pub fn with_profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// Reads these files instead of the ones the environment names
    /// (`None`: no such file).
    pub fn with_profile_files(
        mut self,
        config: Option<PathBuf>,
        credentials: Option<PathBuf>,
    ) -> Self {
        self.profile_files = Some((config, credentials));
        self
    }

    /// Asks `provider` for MFA codes when a profile has `mfa_serial`.
    pub fn with_mfa_token_provider(mut self, provider: impl MfaTokenProvider + 'static) -> Self {
        self.mfa = Some(Arc::new(provider));
        self
    }

    /// Keeps the credentials of the roles profiles assume, of web
    /// identity roles ([`WebIdentityProvider`](super::WebIdentityProvider),
    /// from the environment or a profile) and of IAM Identity Center roles
    /// ([`SsoProvider`](super::SsoProvider)) in the AWS CLI's cache,
    /// `~/.aws/cli/cache`, and takes them from there while they are valid
    /// for 15 minutes more, as the AWS CLI does: the two share the cache,
    /// and a role with `mfa_serial` asks for a code once per session, not
    /// once per program run. Off by default: a library does
    /// not write to its user's home directory unasked. The `sts` tool
    /// turns it on. The files are written owner-only; one that cannot be
    /// read or written is passed over.
    pub fn with_role_cache(mut self, enabled: bool) -> Self {
        self.role_cache = enabled;
        self
    }

    /// Makes `provider` available as `credential_source = name` in
    /// profiles. `Environment`, `Ec2InstanceMetadata` ([`ImdsProvider`](super::ImdsProvider))
    /// and `EcsContainer` ([`ContainerProvider`](super::ContainerProvider))
    /// are built in; a provider registered under one of these names
    /// replaces the built-in one.
    pub fn with_named_source(
        mut self,
        name: impl Into<String>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.named_sources.push((name.into(), Arc::new(provider)));
        self
    }

    /// The environment.
    pub fn env(&self) -> &dyn Env {
        &*self.env
    }

    /// The file system.
    pub fn fs(&self) -> &dyn Fs {
        &*self.fs
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// What waits between attempts: the STS client builder's sleep.
    pub(crate) fn sleep(&self) -> Arc<dyn Sleep> {
        Arc::clone(&self.sts.sleep)
    }

    /// The STS client's retry policy, which the providers' other services
    /// (SSO) are tried by too.
    pub(crate) fn retry(&self) -> &sts_proto::retry::RetryConfig {
        &self.sts.retry
    }

    pub(crate) fn role_cache(&self) -> bool {
        self.role_cache
    }

    pub(crate) fn platform(&self) -> Platform {
        self.platform
    }

    pub(crate) fn mfa(&self) -> Option<&dyn MfaTokenProvider> {
        self.mfa.as_deref()
    }

    pub(crate) fn named_source(&self, name: &str) -> Option<Arc<dyn ProvideCredentials>> {
        self.named_sources
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, p)| Arc::clone(p))
    }

    /// A session name for roles assumed without `role_session_name`.
    pub(crate) fn default_session_name(&self) -> String {
        let now = self.clock.now();
        let millis = unix_seconds(now)
            .saturating_mul(1000)
            .saturating_add(i64::from(
                now.duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_millis())
                    .unwrap_or(0),
            ));
        format!("sts-rs-{millis}")
    }

    /// Reads a whole (small) file through the file system.
    pub(crate) fn read_file(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        self.fs.read(path, limit)
    }

    /// The profile files this configuration reads, whether or not they
    /// exist (none when no home directory is known and no variable names
    /// them).
    pub(crate) fn profile_paths(&self) -> Vec<PathBuf> {
        let (config, credentials) = match &self.profile_files {
            Some((c, k)) => (c.clone(), k.clone()),
            None => {
                let located = profile::locate(&*self.env, self.platform);
                (located.config, located.credentials)
            }
        };
        [config, credentials].into_iter().flatten().collect()
    }

    /// The profile named with [`with_profile_name`](Self::with_profile_name).
    pub(crate) fn profile_name(&self) -> Option<&str> {
        self.profile_name.as_deref()
    }

    /// Whether the profile was asked for by name: set here, or by
    /// `AWS_PROFILE`. Such a profile must exist, as in botocore; only the
    /// implicit `default` may be missing.
    pub(crate) fn profile_is_named(&self) -> bool {
        self.profile_name.is_some() || profile::locate(&*self.env, self.platform).profile_explicit
    }

    /// Reads the profile files and picks the profile.
    ///
    /// Not configured: no file exists (or no home directory is known).
    ///
    /// A file found where the environment says (the default paths,
    /// `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`) that the process
    /// may not read, or that is a directory, is passed over with a
    /// warning, as the AWS SDKs and the AWS CLI do: a service running as
    /// another user with the caller's `HOME` still gets its credentials
    /// from the environment or the instance. Files named in code
    /// ([`with_profile_files`](Self::with_profile_files)) must be readable.
    pub(crate) fn load_profiles(&self) -> Result<LoadedProfiles, CredentialsError> {
        let located = profile::locate(&*self.env, self.platform);
        let profile = match &self.profile_name {
            Some(name) => name.clone(),
            None => located.profile.clone(),
        };
        let source = format!("profile {profile:?}");
        let (config, credentials, named_in_code) = match &self.profile_files {
            Some((c, k)) => (c.clone(), k.clone(), true),
            None => (located.config, located.credentials, false),
        };
        if config.is_none() && credentials.is_none() {
            return Err(CredentialsError::not_configured(
                source,
                "no profile files: no home directory is known (HOME is not set) and neither \
                 AWS_CONFIG_FILE nor AWS_SHARED_CREDENTIALS_FILE is set",
            ));
        }
        let mut texts: Vec<(FileKind, PathBuf, SecretString)> = Vec::new();
        let mut unreadable = Vec::new();
        for (kind, path) in [
            (FileKind::Config, config.as_ref()),
            (FileKind::Credentials, credentials.as_ref()),
        ] {
            let Some(path) = path else { continue };
            match self.fs.read(path, MAX_PROFILE_FILE_BYTES) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => texts.push((kind, path.clone(), SecretString::new(text))),
                    Err(e) => {
                        wipe(e.into_bytes());
                        return Err(CredentialsError::invalid_configuration(
                            source,
                            format!(
                                "could not parse profile file {}: it is not valid UTF-8",
                                path.display()
                            ),
                        ));
                    }
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e)
                    if !named_in_code
                        && matches!(
                            e.kind(),
                            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::IsADirectory
                        ) =>
                {
                    let note = format!("cannot read profile file {}: {e}", path.display());
                    log::warn!("{source}: {note}; going on without it");
                    unreadable.push(note);
                }
                Err(e) => {
                    return Err(CredentialsError::failed(
                        source,
                        format!("cannot read profile file {}: {e}", path.display()),
                    ));
                }
            }
        }
        if texts.is_empty() && unreadable.is_empty() {
            let names: Vec<String> = [config, credentials]
                .iter()
                .flatten()
                .map(|p| p.display().to_string())
                .collect();
            return Err(CredentialsError::not_configured(
                source,
                format!("no profile files: {} do not exist", names.join(" and ")),
            ));
        }
        // Files that exist but could not be read give an empty set, not
        // "no files": whoever then misses a profile says why.
        let sources: Vec<(FileKind, &str)> =
            texts.iter().map(|(k, _, t)| (*k, t.expose())).collect();
        let set = profile::parse_sources(&sources).map_err(|e| {
            let path = texts
                .iter()
                .find(|(k, _, _)| *k == e.file)
                .map(|(_, p, _)| p.display().to_string())
                .unwrap_or_default();
            CredentialsError::invalid_configuration(
                source.clone(),
                format!(
                    "could not parse profile file {path} ({}), line {}: {}",
                    e.file, e.line, e.kind
                ),
            )
            .with_cause(e)
        })?;
        Ok(LoadedProfiles {
            set,
            profile,
            unreadable,
        })
    }

    /// A client builder for STS calls made on behalf of `settings` (the
    /// selected profile's), without credentials, through the
    /// [one resolver](crate::settings): this configuration's explicit
    /// settings (those of the builder given to
    /// [`with_sts_client_builder`](Self::with_sts_client_builder)), then
    /// the environment (`AWS_REGION`, `AWS_ENDPOINT_URL_STS`, …), then the
    /// profile (`region`, the `services` section's `sts` `endpoint_url`,
    /// `endpoint_url`, …), then `us-east-1`.
    pub(crate) fn sts_builder(
        &self,
        settings: &StsSettings,
    ) -> Result<ClientBuilder, CredentialsError> {
        let mut b = self.sts.clone();
        b.credentials = None;
        let resolved = self.resolve_settings(settings)?;
        b.apply(&resolved);
        if b.endpoint.region.is_none() && b.endpoint.endpoint.is_none() {
            b.endpoint.region = Some("us-east-1".to_owned());
        }
        b.transport = Some(self.http_transport());
        Ok(b)
    }

    /// Every setting for calls made on behalf of `settings` (the selected
    /// profile's): this configuration's explicit settings, then the
    /// environment, then the profile (see [`crate::settings`]).
    pub(crate) fn resolve_settings(
        &self,
        settings: &StsSettings,
    ) -> Result<crate::settings::Resolved, CredentialsError> {
        let mut overrides = self.sts.explicit.clone();
        overrides.profile = settings.profile.clone();
        crate::settings::resolve(&overrides, self).map_err(|e| {
            CredentialsError::invalid_configuration("STS client settings", e.to_string())
                .with_cause(e)
        })
    }

    /// The home directory, by this configuration's environment and
    /// platform rules (where the token caches are).
    pub(crate) fn home_dir(&self) -> Option<String> {
        profile::location::home_dir(&*self.env, self.platform)
    }

    /// The HTTP stack for the providers' requests: STS calls and the others
    /// (instance metadata, the SSO portal, the sign-in service) share one
    /// transport and its connection pool; the container endpoint has
    /// [`direct_transport`](Self::direct_transport).
    pub(crate) fn http_transport(&self) -> Arc<dyn Transport> {
        Arc::clone(self.transport.get_or_init(|| self.sts.make_transport()))
    }

    /// The HTTP stack for the container endpoint: the default one without
    /// proxies (whatever `HTTP_PROXY` or the builder say), as botocore's
    /// and the Rust SDK's container providers send directly. Through a
    /// proxy, a request for `169.254.170.2` with its authorization token
    /// would reach the proxy's host, or whatever answers there. A transport
    /// of the caller's own ([`with_transport`](Self::with_transport), or
    /// the builder's) is used as it is.
    pub(crate) fn direct_transport(&self) -> Arc<dyn Transport> {
        if self.sts.transport.is_some() {
            return self.http_transport();
        }
        Arc::clone(self.direct_transport.get_or_init(|| {
            self.sts
                .clone()
                .proxy(crate::proxy::ProxyConfig::new())
                .make_transport()
        }))
    }

    /// The AWS CLI's SSO token cache, `~/.aws/sso/cache` (none when no
    /// home directory is known).
    pub(crate) fn sso_cache_dir(&self) -> Option<PathBuf> {
        let home = profile::location::home_dir(&*self.env, self.platform)?;
        let sep = self.platform.separator();
        Some(PathBuf::from(format!(
            "{}{sep}.aws{sep}sso{sep}cache",
            home.trim_end_matches(sep)
        )))
    }

    /// How long one of the providers' own requests (SSO portal, OIDC) may
    /// take: the STS client's attempt timeout, else ten seconds.
    pub(crate) fn http_timeout(&self) -> std::time::Duration {
        self.sts
            .attempt_timeout
            .unwrap_or(std::time::Duration::from_secs(10))
    }

    /// The STS settings of the selected profile: its name, when the
    /// profile files can be read and define it; the environment's and
    /// defaults otherwise (web identity from the environment works without
    /// profile files).
    pub(crate) fn ambient_sts_settings(&self) -> StsSettings {
        match self.load_profiles() {
            Ok(loaded) if loaded.set.profile(&loaded.profile).is_some() => StsSettings {
                profile: Some(loaded.profile),
            },
            _ => StsSettings::default(),
        }
    }
}

/// Overwrites a buffer that may hold secrets before letting it go.
pub(crate) fn wipe(mut bytes: Vec<u8>) {
    bytes.iter_mut().for_each(|b| *b = 0);
    std::hint::black_box(&bytes);
}

/// Which profile's settings say how to reach STS; they are read by the
/// [resolver](crate::settings) when a client is made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StsSettings {
    pub(crate) profile: Option<String>,
}

impl StsSettings {
    /// The settings of the profile `name`.
    pub(crate) fn of_profile(name: &str) -> Self {
        Self {
            profile: Some(name.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::CredentialsErrorKind;
    use crate::credentials::MapFs;
    use crate::env::MapEnv;

    fn config(env: &[(&str, &str)], files: &[(&str, &str)]) -> ProviderConfig {
        let mut fs = MapFs::new();
        for (p, t) in files {
            fs.insert(*p, *t);
        }
        ProviderConfig::new()
            .with_env(MapEnv::new(env.iter().copied()))
            .with_fs(fs)
    }

    const PROFILE: &str = "[default]\nregion = eu-west-1\nendpoint_url = http://global\n\
                           services = s\n[services s]\nsts =\n  endpoint_url = http://service\n";

    /// `env` with the home directory whose config file is [`PROFILE`].
    fn with_profile(env: &[(&str, &str)]) -> ProviderConfig {
        let mut vars = vec![("HOME", "/h")];
        vars.extend_from_slice(env);
        config(&vars, &[("/h/.aws/config", PROFILE)])
    }

    #[test]
    fn endpoint_precedence() {
        let s = StsSettings {
            profile: Some("default".to_owned()),
        };
        let c = with_profile(&[]);
        let b = c.sts_builder(&s).unwrap();
        assert_eq!(b.endpoint.endpoint.as_deref(), Some("http://service"));
        assert_eq!(b.endpoint.region.as_deref(), Some("eu-west-1"));

        let c = with_profile(&[
            ("AWS_ENDPOINT_URL", "http://env"),
            ("AWS_REGION", "us-west-2"),
        ]);
        let b = c.sts_builder(&s).unwrap();
        assert_eq!(b.endpoint.endpoint.as_deref(), Some("http://env"));
        assert_eq!(b.endpoint.region.as_deref(), Some("us-west-2"));

        let c = with_profile(&[
            ("AWS_ENDPOINT_URL", "http://env"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        let b = c.sts_builder(&s).unwrap();
        assert_eq!(b.endpoint.endpoint, None);

        let c = with_profile(&[("AWS_ENDPOINT_URL", "http://env")])
            .with_endpoint_url("http://explicit")
            .with_region("ap-south-1");
        let b = c.sts_builder(&s).unwrap();
        assert_eq!(b.endpoint.endpoint.as_deref(), Some("http://explicit"));
        assert_eq!(b.endpoint.region.as_deref(), Some("ap-south-1"));

        let b = config(&[], &[])
            .sts_builder(&StsSettings::default())
            .unwrap();
        assert_eq!(b.endpoint.region.as_deref(), Some("us-east-1"));

        // The client's default region, where nothing names one; a region
        // from the environment still wins over it.
        let client = ClientBuilder::default().default_region("cn-north-1");
        let c = config(&[], &[]).with_sts_client_builder(client.clone());
        let b = c.sts_builder(&StsSettings::default()).unwrap();
        assert_eq!(b.endpoint.region.as_deref(), Some("cn-north-1"));
        let c = config(&[("AWS_REGION", "us-west-2")], &[]).with_sts_client_builder(client);
        let b = c.sts_builder(&StsSettings::default()).unwrap();
        assert_eq!(b.endpoint.region.as_deref(), Some("us-west-2"));
    }

    #[test]
    fn bad_flags_are_reported() {
        let c = config(
            &[("HOME", "/h")],
            &[("/h/.aws/config", "[default]\nuse_fips_endpoint = yes\n")],
        );
        let s = StsSettings {
            profile: Some("default".to_owned()),
        };
        let err = c.sts_builder(&s).unwrap_err().to_string();
        assert!(
            err.contains("use_fips_endpoint") && err.contains("/h/.aws/config"),
            "{err}"
        );
    }

    /// A file system on which some paths exist but cannot be read.
    #[derive(Debug)]
    struct Refusing {
        files: MapFs,
        refused: Vec<(&'static str, std::io::ErrorKind)>,
    }

    impl Fs for Refusing {
        fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
            match self.refused.iter().find(|(p, _)| Path::new(p) == path) {
                Some((_, kind)) => Err(std::io::Error::new(*kind, "refused here")),
                None => self.files.read(path, limit),
            }
        }
    }

    fn refusing(
        env: &[(&str, &str)],
        files: &[(&str, &str)],
        refused: &[(&'static str, std::io::ErrorKind)],
    ) -> ProviderConfig {
        let mut map = MapFs::new();
        for (p, t) in files {
            map.insert(*p, *t);
        }
        ProviderConfig::new()
            .with_env(MapEnv::new(env.iter().copied()))
            .with_fs(Refusing {
                files: map,
                refused: refused.to_vec(),
            })
    }

    /// A profile file the process may not read, or that is a directory,
    /// is passed over as the SDKs pass it over; the other file is still
    /// read, and the note says why the first was not.
    #[test]
    fn an_unreadable_profile_file_is_passed_over() {
        use std::io::ErrorKind::{InvalidData, IsADirectory, PermissionDenied};
        let keys = "[default]\naws_access_key_id = AKID\n";
        for kind in [PermissionDenied, IsADirectory] {
            let c = refusing(
                &[("HOME", "/h")],
                &[("/h/.aws/credentials", keys)],
                &[("/h/.aws/config", kind)],
            );
            let loaded = c.load_profiles().unwrap();
            assert_eq!(
                loaded
                    .set
                    .profile("default")
                    .unwrap()
                    .get("aws_access_key_id"),
                Some("AKID")
            );
            assert_eq!(loaded.unreadable.len(), 1);
            assert!(
                loaded.unreadable[0].contains("/h/.aws/config")
                    && loaded.unreadable[0].contains("refused here"),
                "{:?}",
                loaded.unreadable
            );
        }
        // Neither readable: no profiles, and the notes say why.
        let both = refusing(
            &[("HOME", "/h"), ("AWS_CONFIG_FILE", "/etc/c")],
            &[],
            &[
                ("/etc/c", PermissionDenied),
                ("/h/.aws/credentials", IsADirectory),
            ],
        )
        .load_profiles()
        .unwrap();
        assert!(both.set.is_empty());
        let notes = both.unreadable.join("; ");
        assert!(
            notes.contains("/etc/c") && notes.contains("/h/.aws/credentials"),
            "{notes}"
        );
        // A file this crate refuses (too large, say) is still an error, and
        // so is an unreadable file named in code.
        let large = refusing(&[("HOME", "/h")], &[], &[("/h/.aws/config", InvalidData)])
            .load_profiles()
            .unwrap_err();
        assert_eq!(large.kind(), CredentialsErrorKind::Failed, "{large}");
        let in_code = refusing(&[], &[], &[("/c", PermissionDenied)])
            .with_profile_files(Some("/c".into()), None)
            .load_profiles()
            .unwrap_err();
        assert_eq!(in_code.kind(), CredentialsErrorKind::Failed, "{in_code}");
    }

    /// A profile asked for by name that is not found says which file could
    /// not be read: the profile may well be in it.
    #[test]
    fn a_named_profile_not_found_names_the_unreadable_file() {
        use crate::credentials::ProfileProvider;
        let c = refusing(
            &[("HOME", "/h"), ("AWS_PROFILE", "work")],
            &[(
                "/h/.aws/credentials",
                "[default]\naws_access_key_id = AKID\n",
            )],
            &[("/h/.aws/config", std::io::ErrorKind::PermissionDenied)],
        );
        let err = ProfileProvider::new(&c).provide_credentials().unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        let shown = err.to_string();
        assert!(
            shown.contains("`work` is not defined") && shown.contains("/h/.aws/config"),
            "{shown}"
        );
        // Making a client resolves the profile's settings first, and says
        // the same, not that the profile is not defined.
        let err = ClientBuilder::default().from_config(&c).unwrap_err();
        let shown = err.to_string();
        assert!(
            matches!(err, crate::config::ConfigError::ProfileFiles { .. })
                && shown.contains("cannot read profile file /h/.aws/config: refused here")
                && shown.contains("not defined in the files that could be read"),
            "{shown}"
        );
        // With no file readable at all, the same.
        let none = refusing(
            &[("HOME", "/h"), ("AWS_PROFILE", "work")],
            &[],
            &[
                ("/h/.aws/config", std::io::ErrorKind::PermissionDenied),
                ("/h/.aws/credentials", std::io::ErrorKind::PermissionDenied),
            ],
        );
        let shown = ClientBuilder::default()
            .from_config(&none)
            .unwrap_err()
            .to_string();
        assert!(
            shown.contains("/h/.aws/credentials: refused here"),
            "{shown}"
        );
        let err = ProfileProvider::new(&none)
            .provide_credentials()
            .unwrap_err();
        assert!(err.to_string().contains("/h/.aws/credentials"), "{err}");
        // Not asked for by name, nothing is wrong: the chain goes on.
        let unnamed = refusing(
            &[("HOME", "/h")],
            &[],
            &[("/h/.aws/config", std::io::ErrorKind::PermissionDenied)],
        );
        assert!(ClientBuilder::default().from_config(&unnamed).is_ok());
        let err = ProfileProvider::new(&unnamed)
            .provide_credentials()
            .unwrap_err();
        assert!(err.is_not_configured(), "{err}");
    }

    #[test]
    fn load_profiles_kinds() {
        let none = config(&[], &[]).load_profiles().unwrap_err();
        assert!(none.is_not_configured(), "{none}");
        let missing = config(&[("HOME", "/h")], &[]).load_profiles().unwrap_err();
        assert!(missing.is_not_configured(), "{missing}");
        let bad = config(&[("HOME", "/h")], &[("/h/.aws/config", "[default]\n= x\n")])
            .load_profiles()
            .unwrap_err();
        assert_eq!(
            bad.kind(),
            crate::credentials::CredentialsErrorKind::InvalidConfiguration
        );
        assert!(bad.reason.contains("/h/.aws/config"), "{bad}");
        let ok = config(
            &[("HOME", "/h"), ("AWS_PROFILE", "p")],
            &[("/h/.aws/credentials", "[p]\na = 1\n")],
        )
        .load_profiles()
        .unwrap();
        assert_eq!(ok.profile, "p");
        assert_eq!(ok.set.profile("p").unwrap().get("a"), Some("1"));
    }
}
