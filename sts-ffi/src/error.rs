//! The error object a failing call hands back, and how every Rust error
//! becomes one.

use std::any::Any;
use std::ffi::{CString, c_char};
use std::ptr;

use sts_blocking::Error;
use sts_proto::ResponseError;
use sts_proto::error::MalformedReason;
use sts_proto::operation::BuildError;
use sts_proto::sigv4::SigningError;

use crate::boundary::guard;
use crate::status::*;

/// Why a call failed, before it is turned into the C object.
///
/// The status sits inline and everything else in a box: `Failure` is the
/// error type of every internal `Result`, and keeping it two words wide
/// keeps those results small on the success path (the details are only
/// allocated on failure, where the cost does not matter).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: StsStatus,
    detail: Box<Detail>,
}

/// The parts of a [`Failure`] that become the error object's strings.
#[derive(Debug, Default)]
struct Detail {
    message: String,
    field: Option<String>,
    code: Option<String>,
    service_message: Option<String>,
    request_id: Option<String>,
    http_status: u16,
    retryable: bool,
}

impl Failure {
    pub(crate) fn new(status: StsStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            detail: Box::new(Detail {
                message: message.into(),
                ..Detail::default()
            }),
        }
    }

    /// The same failure, of an answer that came with HTTP `status`.
    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        self.detail.http_status = status;
        self
    }

    /// The same failure, of the answer STS gave the id `id`.
    pub(crate) fn with_request_id(mut self, id: Option<&str>) -> Self {
        self.detail.request_id = id.map(str::to_owned);
        self
    }

    /// The same failure, blaming `field`.
    pub(crate) fn field(mut self, field: impl Into<String>) -> Self {
        self.detail.field = Some(field.into());
        self
    }

    /// A NULL where a pointer is required.
    pub(crate) fn null(field: &str) -> Self {
        Self::new(STS_ERR_NULL_ARGUMENT, format!("{field} must not be NULL")).field(field)
    }

    pub(crate) fn invalid(field: &str, reason: impl std::fmt::Display) -> Self {
        Self::new(STS_ERR_INVALID_ARGUMENT, format!("{field}: {reason}")).field(field)
    }

    /// A panic caught at the boundary.
    pub(crate) fn panic(payload: Box<dyn Any + Send>) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        Self::new(
            STS_ERR_INTERNAL,
            format!("internal error (a Rust panic was caught at the C boundary): {what}"),
        )
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let mut f = Failure::new(STS_ERR_INTERNAL, e.to_string());
        let d = &mut f.detail;
        d.code = e.code().map(str::to_owned);
        d.request_id = e.request_id().map(str::to_owned);
        // An unreadable success answer has a status too: 0 means that no
        // answer came at all.
        d.http_status = match &e {
            Error::Response(r) => r.as_response_error().answer_status(),
            _ => e.status().unwrap_or(0),
        };
        d.retryable = e.is_retryable();
        f.status = match &e {
            Error::Service(s) => {
                // NULL for an empty `<Message/>` too, as before the
                // library told it from a missing one.
                d.service_message = s.message.clone().filter(|m| !m.is_empty());
                STS_ERR_SERVICE
            }
            Error::Response(r) => {
                if let ResponseError::Malformed {
                    reason: MalformedReason::Output(o),
                    ..
                } = r.as_response_error()
                {
                    d.field = Some(o.element.clone());
                }
                STS_ERR_RESPONSE
            }
            Error::Transport(_) => STS_ERR_TRANSPORT,
            Error::Validation(v) | Error::Build(BuildError::Validation(v)) => {
                d.field = Some(v.member.clone());
                STS_ERR_INVALID_ARGUMENT
            }
            Error::Credentials(_)
            | Error::Build(
                BuildError::MissingCredentials { .. }
                | BuildError::Signing(
                    SigningError::InvalidAccessKeyId { .. } | SigningError::InvalidSessionToken,
                ),
            ) => STS_ERR_CREDENTIALS,
            Error::Config(_) | Error::Build(_) => STS_ERR_INVALID_ARGUMENT,
            _ => STS_ERR_INTERNAL,
        };
        f
    }
}

impl From<sts_proto::ResponseError> for Failure {
    fn from(e: sts_proto::ResponseError) -> Self {
        Error::from(e).into()
    }
}

impl From<BuildError> for Failure {
    fn from(e: BuildError) -> Self {
        Error::from(e).into()
    }
}

/// Details of a failed call. Opaque: read it with the `sts_error_*`
/// functions.
///
/// Ownership: a failing call stores one in `*err`; the caller owns it and
/// frees it with `sts_error_free`. Every string an accessor returns is
/// borrowed from the error and stays valid until the error is freed. The
/// library puts no secret in an error (no secret key, session token,
/// assertion or token it holds). Text it quotes from outside is as the
/// outside wrote it: the service's own message (`sts_error_service_message`,
/// also in `sts_error_message`) and the start of a `credential_process`
/// command's stderr, which a server or command that echoes its input may
/// fill with what it was sent. It is immutable and may be read from several
/// threads at once.
#[derive(Debug)]
pub struct StsError {
    status: StsStatus,
    message: CString,
    field: Option<CString>,
    code: Option<CString>,
    service_message: Option<CString>,
    request_id: Option<CString>,
    http_status: u16,
    retryable: bool,
}

/// `s` as a C string; a NUL inside (which no STS text should hold) becomes
/// U+FFFD rather than silently cutting the string short.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| {
        let cleaned = s.replace('\0', "\u{FFFD}");
        CString::new(cleaned).unwrap_or_default()
    })
}

impl From<Failure> for StsError {
    fn from(f: Failure) -> Self {
        let opt = |s: Option<String>| s.as_deref().map(c_string);
        let d = *f.detail;
        Self {
            status: f.status,
            message: c_string(&d.message),
            field: opt(d.field),
            code: opt(d.code),
            service_message: opt(d.service_message),
            request_id: opt(d.request_id),
            http_status: d.http_status,
            retryable: d.retryable,
        }
    }
}

/// Reads `err` if it is not NULL.
///
/// # Safety
/// `err` is NULL or points to a live error.
unsafe fn with<T>(err: *const StsError, default: T, f: impl FnOnce(&StsError) -> T) -> T {
    // SAFETY: the caller's promise.
    match unsafe { err.as_ref() } {
        Some(e) => f(e),
        None => default,
    }
}

fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// The status the failing call returned (one of `STS_ERR_*`).
///
/// Returns `STS_ERR_NULL_ARGUMENT` if `err` is NULL.
///
/// Ownership: `err` is borrowed for the call; nothing to free.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_status(err: *const StsError) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, STS_ERR_NULL_ARGUMENT, |e| e.status) }
}

/// The error's category (`STS_CATEGORY_*`), derived from its status.
///
/// Returns `STS_CATEGORY_NONE` if `err` is NULL.
///
/// Ownership: `err` is borrowed for the call; nothing to free.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_category(err: *const StsError) -> StsErrorCategory {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, STS_CATEGORY_NONE, |e| category_of(e.status)) }
}

/// A one-line, human-readable description of the failure, never NULL for a
/// non-NULL `err`. It names the field at fault for input errors and
/// includes the service's code, message and request id for service errors.
///
/// Ownership: borrowed from `err`, valid until `sts_error_free(err)`.
/// Returns NULL if `err` is NULL.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_message(err: *const StsError) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, ptr::null(), |e| e.message.as_ptr()) }
}

/// The STS error code (`AccessDenied`, `SignatureDoesNotMatch`,
/// `ExpiredTokenException`, …) for `STS_ERR_SERVICE`, and for
/// `STS_ERR_CREDENTIALS` when a credential source's own STS call (a
/// role's `AssumeRole`) was refused; NULL otherwise.
///
/// Ownership: borrowed from `err`, valid until `sts_error_free(err)`.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_code(err: *const StsError) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, ptr::null(), |e| opt_ptr(&e.code)) }
}

/// The message of STS's error document, for `STS_ERR_SERVICE`, made one
/// printable line: surrounding spaces trimmed, each control character (a
/// line break, a tab, the escape that starts a terminal sequence) replaced
/// with a space, and a message over 1024 characters cut, ending in `…`.
/// NULL when there was none or for other statuses.
///
/// Ownership: borrowed from `err`, valid until `sts_error_free(err)`.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_service_message(err: *const StsError) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, ptr::null(), |e| opt_ptr(&e.service_message)) }
}

/// The request id STS gave the failed call (quote it to AWS support), from
/// the error document or the `x-amzn-RequestId` header; NULL if none.
///
/// Ownership: borrowed from `err`, valid until `sts_error_free(err)`.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_request_id(err: *const StsError) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, ptr::null(), |e| opt_ptr(&e.request_id)) }
}

/// The input at fault, for validation errors: the C field for NULL and
/// UTF-8 problems (`input->role_arn`, `input->tags[1].key`), the STS model
/// member for constraint violations (`RoleSessionName`, `Tags[1].Key`).
/// For `STS_ERR_RESPONSE` from a result that lacks an element or holds an
/// unreadable one, that element's path below the result
/// (`Credentials/Expiration`). NULL for other errors, and for a result
/// string holding a NUL character, which no C string can carry (the
/// message says so).
///
/// Ownership: borrowed from `err`, valid until `sts_error_free(err)`.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_field(err: *const StsError) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, ptr::null(), |e| opt_ptr(&e.field)) }
}

/// The HTTP status of the response the failure came with (a failure
/// status, or the success status of an answer that could not be read or
/// handed to C), or 0 when no response came back (or `err` is NULL). 0 is
/// never a real HTTP status, so it cannot be mistaken for one.
///
/// Ownership: `err` is borrowed for the call; nothing to free.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_http_status(err: *const StsError) -> u16 {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, 0, |e| e.http_status) }
}

/// 1 if the same call may succeed when made again later (throttling, 5xx,
/// timeouts, connection failures), else 0 (and 0 for NULL). The client
/// has already retried such errors up to its `max_attempts`; this is for
/// callers that retry at a higher level, or use the sans-IO path.
///
/// A credentials failure (`STS_ERR_CREDENTIALS`) gives 1 when its source
/// failed in the same passing way: instance metadata, a container
/// endpoint, the SSO portal or the sign-in service answering 5xx or 429 or
/// not at all, a role profile's STS call failing retryably, or a source
/// that timed out; 0 when it refused or is set up wrongly.
///
/// A clock-skew code (`RequestTimeTooSkewed`, `RequestExpired`,
/// `RequestInTheFuture`) gives 0: the client corrects its clock by such an
/// answer's `Date` itself, once per call, so the error means it could not
/// (no `Date`, or beyond `max_clock_skew_ms`) or the correction did not
/// help; the same request, signed with the same clock, would meet the same
/// answer.
///
/// Ownership: `err` is borrowed for the call; nothing to free.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_is_retryable(err: *const StsError) -> u8 {
    // SAFETY: forwarded from the caller.
    unsafe { with(err, 0, |e| u8::from(e.retryable)) }
}

/// Frees an error. NULL is a no-op.
///
/// Ownership: takes `err` back; it and every string read from it are
/// invalid afterwards.
///
/// # Safety
/// `err` is NULL or an error from this library that was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_error_free(err: *mut StsError) {
    if err.is_null() {
        return;
    }
    // SAFETY: the caller gives back a pointer made by Box::into_raw in
    // `boundary::run`, exactly once.
    guard((), || drop(unsafe { Box::from_raw(err) }));
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;
    use sts_proto::ops::AssumeRole;

    use super::*;

    fn failure(body: &str) -> Failure {
        sts_proto::parse::<AssumeRole>(200, &HeaderMap::new(), body.as_bytes())
            .expect_err(body)
            .into()
    }

    #[test]
    fn an_unreadable_result_element_is_the_field_at_fault() {
        let f = failure(
            "<AssumeRoleResponse><AssumeRoleResult><Credentials>\
             <AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>SECRET-KEY</SecretAccessKey>\
             <SessionToken>SESSION-TOKEN</SessionToken><Expiration>soon</Expiration>\
             </Credentials></AssumeRoleResult></AssumeRoleResponse>",
        );
        assert_eq!(f.status, STS_ERR_RESPONSE);
        assert_eq!(f.detail.field.as_deref(), Some("Credentials/Expiration"));
        assert!(
            f.detail.message.starts_with(
                "unreadable AssumeRole response: Credentials/Expiration: invalid timestamp \"soon\""
            ),
            "{}",
            f.detail.message
        );
        assert!(!f.detail.message.contains("SECRET") && !f.detail.message.contains("TOKEN"));
    }

    /// `sts_error_service_message` stays NULL for an empty `<Message/>`,
    /// as for a missing one, now that the library keeps it as an empty
    /// message (for the `sts` tool, which prints the two as the AWS CLI
    /// does).
    #[test]
    fn an_empty_service_message_is_none() {
        for (message, expected) in [
            ("<Message/>", None),
            ("", None),
            ("<Message>nope</Message>", Some("nope")),
        ] {
            let body = format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>{message}\
                 </Error><RequestId>r</RequestId></ErrorResponse>"
            );
            let f: Failure =
                sts_proto::parse::<AssumeRole>(403, &HeaderMap::new(), body.as_bytes())
                    .expect_err(&body)
                    .into();
            assert_eq!(f.status, STS_ERR_SERVICE, "{body}");
            assert_eq!(f.detail.service_message.as_deref(), expected, "{body}");
        }
    }

    #[test]
    fn an_unreadable_document_blames_no_field() {
        for body in ["<AssumeRoleResponse>", "<GetSessionTokenResponse/>"] {
            let f = failure(body);
            assert_eq!(f.status, STS_ERR_RESPONSE);
            assert_eq!(f.detail.field, None, "{}", f.detail.message);
        }
    }
}
