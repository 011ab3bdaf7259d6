//! The seam between the client and an HTTP stack.

use std::fmt;
use std::time::Duration;

pub use sts_proto::retry::TransportFailure;

#[cfg(test)]
pub(crate) mod script;

/// Sends one request and returns the whole response.
///
/// The client calls it once per attempt, from whichever thread made the
/// call, so implementations must be `Send + Sync`; connection reuse is the
/// implementation's business. Return `Ok` for every HTTP response, whatever
/// its status: deciding what a status means is the client's job.
///
/// What the default transport does, and a transport of your own must do
/// too, since the client relies on it:
///
/// - **Send the request as given, once.** No retry of its own: the client
///   counts attempts against its retry quota and backs off between them,
///   and a request can carry a one-time MFA code.
/// - **Follow no redirect**: return the 3xx as the response. Following
///   one would send the signed request, its session token and its body (a
///   SAML assertion, a web identity token) to another host.
/// - **Bound the body.** Read at most what your program is ready to hold
///   (the default transport: 1 MiB, `ClientBuilder::max_response_bytes`)
///   and fail with [`TransportFailure::BodyTooLarge`] beyond it: the body
///   comes from the network.
/// - **Honour `timeout`** for the whole exchange, connecting included;
///   `None` means the client sets no limit for this attempt (the call
///   has none either), so your stack's own limits are the only ones.
///
/// Not only STS calls come through it: the credential sources' own
/// requests do too (instance metadata, the container endpoint with its
/// token, the IAM Identity Center portal), unsigned and some with bearer
/// tokens in their headers. Treat every request as secret.
///
/// Plugging in your own stack:
///
/// ```
/// use std::time::Duration;
/// use sts_blocking::transport::{Transport, TransportError, TransportFailure};
///
/// #[derive(Debug)]
/// struct Canned;
///
/// impl Transport for Canned {
///     fn send(
///         &self,
///         request: http::Request<Vec<u8>>,
///         _timeout: Option<Duration>,
///     ) -> Result<http::Response<Vec<u8>>, TransportError> {
///         // Hand `request` to your HTTP library here.
///         let _ = request;
///         Err(TransportError::new(TransportFailure::Connect, "offline"))
///     }
/// }
///
/// let client = sts_blocking::Client::builder()
///     .region("eu-west-1")
///     .transport(Canned)
///     .build()?;
/// # Ok::<(), sts_blocking::Error>(())
/// ```
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request`, giving up after `timeout` if one is given.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError>;
}

/// A shared transport is a transport: the caller can keep a handle on one
/// it gives a client (to read what it recorded, say) without a wrapper.
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        (**self).send(request, timeout)
    }
}

/// A boxed transport is a transport, as a shared one is (implemented here
/// now, since a user's own `impl Transport for Box<…>` would stop this
/// being added later without a breaking change).
impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        (**self).send(request, timeout)
    }
}

/// A request that got no complete HTTP response.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportFailure,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A failure of `kind`, described by `message`.
    pub fn new(kind: TransportFailure, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The same failure, caused by `source`.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure it was.
    pub fn kind(&self) -> TransportFailure {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.describe(), self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
