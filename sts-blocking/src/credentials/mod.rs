//! Where the client's credentials come from.

use std::fmt;
use std::sync::Arc;

use sts_proto::Credentials;

/// Credentials shared between the provider, its cache and the calls in flight.
pub type SharedCredentials = Arc<Credentials>;

/// A source of credentials, asked before every signed call.
///
/// Implementations that fetch credentials (from STS, a process, a file)
/// should be wrapped in a cache so the call path stays cheap.
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

/// No credentials could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    /// The source that failed, as `environment` or `profile "dev"`.
    pub source: String,
    /// Why, without any secret.
    pub reason: String,
}

impl CredentialsError {
    /// `source` failed because of `reason`.
    pub fn new(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no credentials from {}: {}", self.source, self.reason)
    }
}

impl std::error::Error for CredentialsError {}
