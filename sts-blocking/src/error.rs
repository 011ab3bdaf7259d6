//! The one error type the client returns.

use std::fmt;

use sts_proto::ValidationError;
use sts_proto::call::{CallError, Failure, GaveUp};
use sts_proto::error::{ResponseError, ServiceError};
use sts_proto::operation::BuildError;
use sts_proto::retry::{RetryKind, classify_response, classify_transport};
use sts_proto::sigv4::SigningError;

use crate::config::ConfigError;
use crate::credentials::CredentialsError;
use crate::transport::{TransportError, TransportFailure};

/// Why a call failed.
///
/// Match on the variant for the category, or ask [`Error::code`],
/// [`Error::request_id`] and [`Error::is_retryable`] across all of them.
/// No variant's `Display` or `Debug` carries a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// STS answered with an error document.
    Service(ServiceError),
    /// STS (or something in front of it) answered with something other
    /// than a result or an error document. Never an STS error document:
    /// those are [`Error::Service`], and only that.
    Response(UnexpectedResponse),
    /// No complete HTTP response came back.
    Transport(TransportError),
    /// The request breaks a constraint of the STS model; nothing was sent.
    Validation(ValidationError),
    /// The credentials could not be had.
    Credentials(CredentialsError),
    /// The client's configuration is invalid.
    Config(ConfigError),
    /// The request could not be signed or built.
    Build(BuildError),
}

/// A response that is neither the operation's result nor an STS error
/// document: a failure status with some other body (a load balancer's
/// page, an empty 503), or a success status whose body is not the
/// operation's response.
///
/// It wraps [`ResponseError`] but can never hold its `Service` variant, so
/// that a program matching on [`Error`] finds service errors in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedResponse(ResponseError);

impl UnexpectedResponse {
    /// The HTTP status, when the response had a failure status.
    pub fn status(&self) -> Option<u16> {
        self.0.status()
    }

    /// The request id, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id()
    }

    /// The protocol crate's view of the same failure (never
    /// [`ResponseError::Service`]).
    pub fn as_response_error(&self) -> &ResponseError {
        &self.0
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for UnexpectedResponse {}

impl Error {
    /// For a credentials failure whose source's STS call failed (a role's
    /// `AssumeRole` refused), that call's operation and error: the
    /// innermost, for a role whose source is another role's (see
    /// [`CredentialsError::failed_call`](crate::credentials::CredentialsError::failed_call)).
    /// [`code`](Self::code), [`request_id`](Self::request_id) and
    /// [`status`](Self::status) give that call's, since the call to ask
    /// AWS support about is that one.
    pub fn failed_call(&self) -> Option<(&'static str, &Error)> {
        let Error::Credentials(c) = self else {
            return None;
        };
        let (action, inner) = c.failed_call()?;
        inner.failed_call().or(Some((action, inner)))
    }

    /// The service error code, as `AccessDenied` or `ExpiredTokenException`
    /// (of the STS call behind a credentials failure: see
    /// [`failed_call`](Self::failed_call)).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(e.code.as_str()),
            Error::Credentials(_) => self.failed_call()?.1.code(),
            _ => None,
        }
    }

    /// The request id STS gave the failed call.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::Response(e) => e.request_id(),
            Error::Credentials(_) => self.failed_call()?.1.request_id(),
            _ => None,
        }
    }

    /// The HTTP status of the failed response, when it was a failure
    /// status. An answer with a success status that could not be read
    /// gives `None` here; its status is the `status` of
    /// [`ResponseError::Malformed`], through
    /// [`UnexpectedResponse::as_response_error`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Response(e) => e.status(),
            Error::Credentials(_) => self.failed_call()?.1.status(),
            _ => None,
        }
    }

    /// Whether the same call may succeed if made again later: throttling,
    /// 5xx answers, timeouts and connection failures, and failures of the
    /// credentials source that are of the same sort
    /// ([`CredentialsError::is_retryable`](crate::credentials::CredentialsError::is_retryable)).
    ///
    /// A clock-skew code (`RequestTimeTooSkewed`, `RequestExpired`,
    /// `RequestInTheFuture`) is not, though the client retries it itself:
    /// the call re-signs once with the offset the answer's `Date` shows,
    /// so an error with such a code means the answer showed none, the
    /// correction was refused (beyond
    /// [`RetryConfig::max_clock_skew`](sts_proto::retry::RetryConfig::max_clock_skew))
    /// or it did not help. The same call made again signs with the same
    /// clock and meets the same answer; the clock needs fixing first.
    pub fn is_retryable(&self) -> bool {
        if let Error::Credentials(e) = self {
            return e.is_retryable();
        }
        match self.retry_kind() {
            RetryKind::ClockSkew => false,
            kind => kind.is_retryable(),
        }
    }

    /// Whether STS throttled the call (of the STS call behind a
    /// credentials failure: see [`failed_call`](Self::failed_call)): a
    /// code of [`THROTTLING_CODES`](sts_proto::retry::THROTTLING_CODES)
    /// (`Throttling`, `RequestLimitExceeded`, …) or a 429. The client has
    /// retried it already, backing off as its retry mode says; a caller
    /// that sees it may want to slow down rather than try again at once.
    pub fn is_throttling(&self) -> bool {
        match self {
            Error::Credentials(_) => self.failed_call().is_some_and(|(_, e)| e.is_throttling()),
            _ => self.retry_kind() == RetryKind::Throttling,
        }
    }

    /// Whether the credentials the call was to be signed with had
    /// expired: the client refused to sign with them
    /// ([`CredentialsErrorKind::Expired`](crate::credentials::CredentialsErrorKind::Expired)),
    /// or STS answered `ExpiredToken` (a session token past its expiry),
    /// for this call or for the STS call behind a credentials failure (a
    /// role's source credentials). Not `ExpiredTokenException`
    /// ([`ErrorCode::ExpiredToken`](sts_proto::error::ErrorCode::ExpiredToken)),
    /// which is about a web identity token or SAML assertion in the
    /// request, not the caller's credentials.
    pub fn is_expired_credentials(&self) -> bool {
        match self {
            Error::Service(e) => e.code.as_str() == "ExpiredToken",
            Error::Credentials(c) => {
                c.kind() == crate::credentials::CredentialsErrorKind::Expired
                    || self
                        .failed_call()
                        .is_some_and(|(_, e)| e.is_expired_credentials())
            }
            _ => false,
        }
    }

    pub(crate) fn retry_kind(&self) -> RetryKind {
        match self {
            Error::Service(e) => classify_response(&ResponseError::Service(e.clone())),
            Error::Response(e) => classify_response(e.as_response_error()),
            Error::Transport(e) => classify_transport(e.kind()),
            _ => RetryKind::NotRetryable,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => write!(f, "service error: {e}"),
            Error::Response(e) => e.fmt(f),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Validation(e) => write!(f, "invalid request: {e}"),
            Error::Credentials(e) => e.fmt(f),
            Error::Config(e) => write!(f, "invalid configuration: {e}"),
            Error::Build(e) => write!(f, "cannot build the request: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Service(e) => Some(e),
            Error::Response(e) => Some(e),
            Error::Transport(e) => Some(e),
            Error::Validation(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::Config(e) => Some(e),
            Error::Build(e) => Some(e),
        }
    }
}

impl From<ResponseError> for Error {
    fn from(e: ResponseError) -> Self {
        match e {
            ResponseError::Service(s) => Error::Service(s),
            other => Error::Response(UnexpectedResponse(other)),
        }
    }
}

impl From<BuildError> for Error {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Validation(v) => Error::Validation(v),
            other => Error::Build(other),
        }
    }
}

impl From<SigningError> for Error {
    fn from(e: SigningError) -> Self {
        Error::Build(BuildError::Signing(e))
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        Error::Credentials(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

/// A step of a call, or of an [`Exchange`](crate::exchange::Exchange),
/// that could not be taken: an invalid request is a
/// [`Validation`](Error::Validation) or [`Build`](Error::Build) error, the
/// call timeout a [`Transport`](Error::Transport) timeout, a step out of
/// order a [`Build`](Error::Build) error naming it.
impl From<CallError> for Error {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Build(e) => Error::from(e),
            CallError::DeadlineReached { limit } => TransportError::new(
                TransportFailure::Timeout,
                format!("call timeout of {limit:?} reached"),
            )
            .into(),
            CallError::WrongState { operation, .. } => Error::Build(BuildError::InvalidRequest {
                operation,
                reason: e.to_string(),
            }),
            other => Error::Build(BuildError::InvalidRequest {
                operation: "STS",
                reason: other.to_string(),
            }),
        }
    }
}

/// How a call's last attempt failed, as the client reports it: the
/// service's error, an unexpected answer, or a transport failure. The
/// client's own calls carry the transport's message; a driver of an
/// [`Exchange`](crate::exchange::Exchange), which holds that message
/// itself, gets the failure's kind with "no response".
impl From<Failure> for Error {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Response(e) => Error::from(e),
            Failure::Transport(kind) => Error::Transport(TransportError::new(kind, "no response")),
        }
    }
}

/// The failure a call gave up on (see [`From<Failure>`](#impl-From<Failure>-for-Error)).
impl From<GaveUp> for Error {
    fn from(gave_up: GaveUp) -> Self {
        Error::from(gave_up.failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sts_proto::operation::parse;
    use sts_proto::ops::GetCallerIdentity;

    fn error_for(status: u16, body: &str) -> Error {
        let headers = http::HeaderMap::new();
        Error::from(parse::<GetCallerIdentity>(status, &headers, body.as_bytes()).unwrap_err())
    }

    #[test]
    fn a_service_error_document_is_only_ever_error_service() {
        let e = error_for(
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>",
        );
        assert!(
            matches!(&e, Error::Service(s) if s.code.as_str() == "AccessDenied"),
            "{e:?}"
        );
        assert_eq!(e.code(), Some("AccessDenied"));
        assert_eq!(e.request_id(), Some("r-1"));
        // The cause is the service error itself, for error-chain readers.
        let source = std::error::Error::source(&e).expect("a source");
        assert_eq!(
            source
                .downcast_ref::<ServiceError>()
                .map(|s| s.code.as_str()),
            Some("AccessDenied")
        );
    }

    /// The two questions a caller asks most, answered without comparing
    /// codes: throttled? credentials expired? (the model's
    /// `ExpiredTokenException` is about a token in the request, and is
    /// neither), through a role's failed `AssumeRole` too.
    #[test]
    fn throttling_and_expired_credentials_are_told_apart() {
        let service = |status: u16, code: &str| {
            error_for(
                status,
                &format!("<ErrorResponse><Error><Code>{code}</Code></Error></ErrorResponse>"),
            )
        };
        let behind_a_role = |e| {
            Error::Credentials(crate::credentials::assume_role::sts_error(
                "role a",
                "AssumeRole",
                e,
            ))
        };
        for (e, throttled, expired) in [
            (service(400, "Throttling"), true, false),
            (service(400, "RequestLimitExceeded"), true, false),
            (service(403, "ExpiredToken"), false, true),
            (service(400, "ExpiredTokenException"), false, false),
            (service(403, "AccessDenied"), false, false),
            (behind_a_role(service(400, "Throttling")), true, false),
            (behind_a_role(service(403, "ExpiredToken")), false, true),
            (
                Error::Credentials(crate::credentials::CredentialsError::expired(
                    "static",
                    std::time::UNIX_EPOCH,
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1),
                )),
                false,
                true,
            ),
        ] {
            assert_eq!(e.is_throttling(), throttled, "{e}");
            assert_eq!(e.is_expired_credentials(), expired, "{e}");
        }
    }

    /// A role's `AssumeRole` that STS refused, behind a credentials
    /// failure (twice: a role whose source is another role): its code,
    /// request id and status are the error's, as support needs them.
    #[test]
    fn a_credentials_failure_gives_the_code_of_the_sts_call_behind_it() {
        let refused = error_for(
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>no</Message></Error><RequestId>r-7</RequestId></ErrorResponse>",
        );
        let inner = crate::credentials::assume_role::sts_error("role a", "AssumeRole", refused);
        let outer = crate::credentials::assume_role::sts_error(
            "role b",
            "AssumeRole",
            Error::Credentials(inner),
        );
        let kind = outer.kind;
        let within = outer.clone().within("profile \"p\"", kind);
        for e in [Error::Credentials(outer), Error::Credentials(within)] {
            assert!(
                matches!(e.failed_call(), Some(("AssumeRole", Error::Service(_)))),
                "{e}"
            );
            assert_eq!(e.code(), Some("AccessDenied"), "{e}");
            assert_eq!(e.request_id(), Some("r-7"), "{e}");
            assert_eq!(e.status(), Some(403), "{e}");
        }
        // A credentials failure without an STS call has none of them.
        let e = Error::Credentials(crate::credentials::CredentialsError::failed(
            "process", "exit 1",
        ));
        assert_eq!((e.code(), e.request_id(), e.status()), (None, None, None));
    }

    #[test]
    fn other_failures_are_unexpected_responses_without_a_code() {
        let e = error_for(503, "<html>busy</html>");
        let Error::Response(r) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(r.status(), Some(503));
        assert!(!matches!(r.as_response_error(), ResponseError::Service(_)));
        assert_eq!(e.code(), None);
        assert!(e.is_retryable());
        let source = std::error::Error::source(&e).expect("a source");
        assert_eq!(
            source
                .downcast_ref::<UnexpectedResponse>()
                .and_then(UnexpectedResponse::status),
            Some(503)
        );
    }

    /// The client has corrected its clock by such an answer already, or
    /// could not: a caller's own retry would meet the same answer.
    #[test]
    fn a_clock_skew_code_is_not_retryable_for_the_caller() {
        for code in [
            "RequestTimeTooSkewed",
            "RequestExpired",
            "RequestInTheFuture",
        ] {
            let e = error_for(
                403,
                &format!(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                     </Error></ErrorResponse>"
                ),
            );
            assert_eq!(e.code(), Some(code));
            assert!(!e.is_retryable(), "{code}");
        }
        let e = error_for(
            400,
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
             </Error></ErrorResponse>",
        );
        assert!(e.is_retryable());
    }
}
