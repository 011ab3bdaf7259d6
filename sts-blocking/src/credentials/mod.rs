//! Where the client's credentials come from.
//!
//! A [`ProvideCredentials`] gives the credentials to sign with. The
//! providers here follow the AWS SDKs:
//!
//! | provider | source |
//! |---|---|
//! | [`StaticProvider`] | fixed credentials |
//! | [`EnvironmentProvider`] | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION` |
//! | [`ProfileProvider`] | `~/.aws/config` and `~/.aws/credentials`: static keys, `role_arn` with `source_profile` or `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`), `web_identity_token_file`, `credential_process`, SSO, `login_session` |
//! | [`SsoProvider`] | IAM Identity Center: a role's credentials from the SSO portal, with the token `aws sso login` cached in `~/.aws/sso/cache/` |
//! | [`SsoTokenProvider`] | that cached SSO bearer token itself, refreshed through the OIDC service when it nears expiry |
//! | [`WebIdentityProvider`] | `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME` (EKS service accounts) |
//! | [`ContainerProvider`] | the ECS or EKS Pod Identity agent: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI`, `AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]` |
//! | [`ImdsProvider`] | the EC2 instance's IAM role, from instance metadata (IMDSv2) |
//! | [`CredentialProcessProvider`] | an external command's JSON output |
//! | [`LoginProvider`] | a console login session of `aws login` (`login_session`): its token cache, refreshed through the sign-in service |
//! | [`AssumeRoleProvider`] | `AssumeRole` with another provider's credentials |
//! | [`ChainProvider`] | the first of several that is configured; [`default_chain`] is environment → profile → web identity → container → instance metadata |
//! | [`CachingProvider`] | any of the above, cached and refreshed before expiry |
//!
//! [`default_provider`] is what a [`Client`](crate::Client) built without
//! credentials uses: the default chain behind a cache. Everything the
//! providers read (environment, files, clock, HTTP) comes through a
//! [`ProviderConfig`], so tests can replace all of it.
//!
//! ```no_run
//! use std::sync::Arc;
//! use sts_blocking::credentials::{self, CachingProvider, ProviderConfig, ProvideCredentials};
//!
//! let chain = credentials::default_chain(&ProviderConfig::new());
//! let provider = CachingProvider::new(chain);
//! let creds = provider.provide_credentials()?;
//! println!("signing as {}", creds.access_key_id());
//! # Ok::<(), credentials::CredentialsError>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use sts_proto::Credentials;
use sts_proto::time::format_timestamp;

pub(crate) mod assume_role;
mod cache;
mod chain;
mod container;
mod environment;
mod fs;
mod gate;
mod imds;
mod json_limits;
mod login;
mod metadata_document;
mod metadata_http;
mod process;
mod profile;
pub mod profile_chain;
mod provider_config;
mod refresh_lock;
mod role_cache;
mod secret_json;
mod sso;
mod web_identity;
mod wiped_json;

pub use assume_role::{
    AssumeRoleProvider, RoleAssumer, WebIdentityRoleAssumer, default_role_assumer,
    default_role_assumer_with_web_identity,
};
pub use cache::{
    CachingProvider, CachingProviderBuilder, DEFAULT_JITTER, DEFAULT_REFRESH_WINDOW,
    DEFAULT_RETRY_AFTER_FAILURE, DEFAULT_WAIT_TIMEOUT, EXPIRY_MARGIN, NO_EXPIRY_REFETCH,
};
pub(crate) use chain::client_provider;
pub use chain::{ChainProvider, default_chain, default_provider, named_profile_chain};
pub use container::{ContainerProvider, ContainerProviderBuilder};
pub use environment::EnvironmentProvider;
pub use fs::{Fs, MapFs, RealFs};
pub use imds::{ImdsEndpointMode, ImdsProvider, ImdsProviderBuilder};
pub use login::LoginProvider;
pub use process::{CredentialProcessProvider, parse_output as parse_process_output};
pub use profile::ProfileProvider;
pub use provider_config::{MAX_PROFILE_FILE_BYTES, MfaTokenProvider, ProviderConfig};
pub use sso::{SsoProvider, SsoSession, SsoToken, SsoTokenProvider};
pub use web_identity::WebIdentityProvider;

/// Refuses credentials that expired before `now`.
///
/// Every provider that takes an expiration from outside (a process's
/// output, a variable) and the cache for all others check this: signing
/// with expired credentials can only fail, and a cache handed them would
/// fetch again on every call.
pub(crate) fn refuse_expired(
    creds: &Credentials,
    now: SystemTime,
    source: &str,
) -> Result<(), CredentialsError> {
    match creds.expiration() {
        Some(at) if at <= now => Err(CredentialsError::expired(source, at, now)),
        _ => Ok(()),
    }
}

/// Credentials shared between the provider, its cache and the calls in flight.
pub type SharedCredentials = Arc<Credentials>;

/// A source of credentials, asked before every signed call (and again
/// before a retry when the credentials it gave are within
/// [`EXPIRY_MARGIN`] of their expiry).
///
/// Implementations that fetch credentials (from STS, a process, a file)
/// should be wrapped in a [`CachingProvider`] so the call path stays cheap.
/// An implementation that is not set up at all (no variables, no file)
/// should fail with [`CredentialsErrorKind::NotConfigured`], so that a
/// [`ChainProvider`] moves on to the next source.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Current credentials, or why there are none.
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError>;
}

/// Fixed credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider(SharedCredentials);

impl StaticProvider {
    /// Always provides `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self(Arc::new(credentials))
    }

    /// Always provides this shared value.
    pub fn from_shared(credentials: SharedCredentials) -> Self {
        Self(credentials)
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        Ok(Arc::clone(&self.0))
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        (**self).provide_credentials()
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Box<P> {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        (**self).provide_credentials()
    }
}

/// For clients that only send unsigned operations
/// (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        Err(CredentialsError::not_configured(
            "no credentials",
            "this client is meant for unsigned operations only",
        ))
    }
}

/// How a credentials source failed: the distinction a chain acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The source is not set up here (no variables, no file, no such
    /// profile): a chain tries the next source.
    NotConfigured,
    /// The source is set up, but its settings are wrong (a profile loop, a
    /// missing key, a file that does not parse). A chain stops here.
    InvalidConfiguration,
    /// The source is set up for a feature this crate does not have. A
    /// chain stops here.
    Unsupported,
    /// The source is set up and was tried, and failed (STS refused, the
    /// process failed, the token file is unreadable). A chain stops here.
    Failed,
    /// A wait ran out: the `credential_process` command did not finish in
    /// time, or a [`CachingProvider`] caller waited longer than its
    /// [wait timeout](CachingProviderBuilder::wait_timeout) for a refresh
    /// another caller started. Usually a hanging source; trying again
    /// later may work. A chain stops here.
    TimedOut,
    /// The source gave credentials whose expiration has already passed
    /// (by this process's clock). Signing with them can only fail, so they
    /// are refused; either the source hands out stale credentials or the
    /// clock is wrong. A chain stops here.
    Expired,
}

impl fmt::Display for CredentialsErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialsErrorKind::NotConfigured => "not configured",
            CredentialsErrorKind::InvalidConfiguration => "invalid configuration",
            CredentialsErrorKind::Unsupported => "not supported",
            CredentialsErrorKind::Failed => "failed",
            CredentialsErrorKind::TimedOut => "timed out",
            CredentialsErrorKind::Expired => "expired",
        })
    }
}

/// No credentials could be had: which source, what kind of failure, and
/// why, without any secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CredentialsError {
    /// What kind of failure.
    pub kind: CredentialsErrorKind,
    /// The provider that failed, as `environment` or `profile "dev"`
    /// (named so as not to be taken for [`std::error::Error::source`], which
    /// gives [`CredentialsError::cause`]).
    pub provider: String,
    /// Why, without any secret.
    pub reason: String,
    cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// The STS operation whose failure `cause` is, for sources that call
    /// STS (a role, a web identity token).
    call: Option<&'static str>,
    /// The source's service failed for now (a 5xx or 429 answer, no
    /// answer at all): see [`CredentialsError::is_retryable`].
    transient: bool,
}

impl CredentialsError {
    /// `source` failed because of `reason` ([`CredentialsErrorKind::Failed`]).
    pub fn new(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::Failed, source, reason)
    }

    /// An error of `kind`.
    pub fn with_kind(
        kind: CredentialsErrorKind,
        source: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            provider: source.into(),
            reason: reason.into(),
            cause: None,
            call: None,
            transient: false,
        }
    }

    /// `source` is not set up.
    pub fn not_configured(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::NotConfigured, source, reason)
    }

    /// `source` is set up wrongly.
    pub fn invalid_configuration(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::InvalidConfiguration, source, reason)
    }

    /// `source` needs a feature this crate lacks.
    pub fn unsupported(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::Unsupported, source, reason)
    }

    /// `source` was tried and failed.
    pub fn failed(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::Failed, source, reason)
    }

    /// `source` gave credentials that expired at `expiration`, before `now`
    /// ([`CredentialsErrorKind::Expired`]).
    pub(crate) fn expired(
        source: impl Into<String>,
        expiration: SystemTime,
        now: SystemTime,
    ) -> Self {
        Self::with_kind(
            CredentialsErrorKind::Expired,
            source,
            format!(
                "the credentials expired at {}, before now ({}); refusing them (if the \
                 source is right, this machine's clock is wrong)",
                format_timestamp(expiration),
                format_timestamp(now)
            ),
        )
    }

    /// The same error, caused by `cause` (reported by
    /// [`std::error::Error::source`]). The cause must not carry secrets.
    pub fn with_cause(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Arc::new(cause));
        self
    }

    /// The same error, marked (when `transient`) as a failure of the
    /// source's service that may pass: a server error or throttling answer
    /// (5xx, 429), or no answer at all. For a provider of one's own; the
    /// built-in HTTP sources (instance metadata, container, SSO, login)
    /// mark theirs.
    pub fn with_transient(mut self, transient: bool) -> Self {
        self.transient = transient;
        self
    }

    /// Whether the same call may succeed if made again later: the source
    /// timed out, its service failed for now ([`with_transient`](Self::with_transient)),
    /// or the STS call it made (a role or web identity source) failed in a
    /// way [`crate::Error::is_retryable`] calls retryable. A source that is
    /// not set up, set up wrongly, or that refused (a 403, expired
    /// credentials) fails again the same way.
    pub fn is_retryable(&self) -> bool {
        self.kind == CredentialsErrorKind::TimedOut
            || self.transient
            || self
                .cause
                .as_deref()
                .and_then(|c| c.downcast_ref::<crate::Error>())
                .is_some_and(crate::Error::is_retryable)
    }

    /// What kind of failure.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// Whether the source was simply not set up (a chain moves on).
    pub fn is_not_configured(&self) -> bool {
        self.kind == CredentialsErrorKind::NotConfigured
    }

    /// The underlying error, such as the [`crate::Error`] of a failed STS call.
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.cause.as_deref()
    }

    /// For a source that failed because its STS call did (a role's
    /// `AssumeRole`, a web identity token's `AssumeRoleWithWebIdentity`):
    /// that operation's name and error, so that a caller can report it as
    /// the failure of that call (as the AWS CLI does: `An error occurred
    /// (AccessDenied) when calling the AssumeRole operation: …`).
    pub fn failed_call(&self) -> Option<(&'static str, &crate::Error)> {
        let error = self.cause.as_deref()?.downcast_ref::<crate::Error>()?;
        Some((self.call?, error))
    }

    /// The same error, of the failed STS call `action` (its error is the cause).
    pub(crate) fn of_call(mut self, action: &'static str) -> Self {
        self.call = Some(action);
        self
    }

    /// The same failure, reported as coming from `source` with `context`
    /// put before the reason; kind and cause are kept.
    pub(crate) fn within(mut self, source: impl Into<String>, kind: CredentialsErrorKind) -> Self {
        let inner_source = std::mem::replace(&mut self.provider, source.into());
        self.reason = format!("{inner_source}: {}", self.reason);
        self.kind = kind;
        self
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no credentials from {} ({}): {}",
            self.provider, self.kind, self.reason
        )
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_when_timed_out_marked_transient_or_caused_by_a_retryable_call() {
        use crate::transport::{TransportError, TransportFailure};
        let failed = || CredentialsError::failed("container", "status 503");
        assert!(!failed().is_retryable());
        assert!(failed().with_transient(true).is_retryable());
        assert!(
            !failed()
                .with_transient(true)
                .with_transient(false)
                .is_retryable()
        );
        assert!(
            CredentialsError::with_kind(CredentialsErrorKind::TimedOut, "process", "slow")
                .is_retryable()
        );
        let unreachable = TransportError::new(TransportFailure::Connect, "refused");
        assert!(
            failed()
                .with_cause(crate::Error::Transport(unreachable))
                .is_retryable()
        );
        let too_large = TransportError::new(TransportFailure::BodyTooLarge, "2 MiB");
        assert!(
            !failed()
                .with_cause(crate::Error::Transport(too_large))
                .is_retryable()
        );
        // Kept through a chain's rewording.
        let within = failed()
            .with_transient(true)
            .within("profile \"dev\"", CredentialsErrorKind::Failed);
        assert!(within.is_retryable());
    }

    #[test]
    fn display_names_source_kind_and_reason() {
        let e = CredentialsError::not_configured("environment", "AWS_ACCESS_KEY_ID is not set");
        assert_eq!(
            e.to_string(),
            "no credentials from environment (not configured): AWS_ACCESS_KEY_ID is not set"
        );
        assert!(e.is_not_configured());
        let wrapped = e.within("profile \"a\"", CredentialsErrorKind::Failed);
        assert_eq!(wrapped.provider, "profile \"a\"");
        assert_eq!(wrapped.reason, "environment: AWS_ACCESS_KEY_ID is not set");
        assert_eq!(wrapped.kind(), CredentialsErrorKind::Failed);
    }
}
