//! Why a request could not be signed.

/// A request, credential or setting the signer cannot use.
///
/// Every variant names the input at fault. None of them carries the secret
/// access key, the session token or a header value: header values may be
/// credentials of their own, so only header *names* are reported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The region is the empty string.
    #[error("the signing region is empty")]
    EmptyRegion,

    /// The service name is the empty string.
    #[error("the signing service name is empty")]
    EmptyService,

    /// A region or service name holds a character that would change the
    /// meaning of the credential scope (`/`) or of the `Authorization`
    /// header (`,`, `=`, spaces), or that no AWS name uses.
    #[error("the signing {field} {value:?} may only hold ASCII letters, digits, '-', '_' and '.'")]
    InvalidScope {
        /// `"region"` or `"service"`.
        field: &'static str,
        /// The value given (at most 64 characters of it).
        value: String,
    },

    /// The secret access key is empty: every signature made with it is
    /// wrong, and STS would answer only `SignatureDoesNotMatch`.
    #[error("the secret access key is empty")]
    EmptySecretAccessKey,

    /// The access key id is empty, or holds a character that would break
    /// the `Credential=` field (`/`, `,`, whitespace, control or non-ASCII).
    ///
    /// Only the id's first four characters are kept: an id is no secret,
    /// but what fails this check is often not an id alone (a line of the
    /// IAM console's CSV, `AKIA…,wJalr…`, or the secret key given as the
    /// id), and the error may be logged whole.
    #[error("{}", access_key_id_message(start, *length, *bad))]
    InvalidAccessKeyId {
        /// The first four characters of what was given.
        start: String,
        /// Its length in characters.
        length: usize,
        /// The first character that cannot be in an id, and where it is
        /// (counted in characters from 1); `None` when it is empty.
        bad: Option<(usize, char)>,
    },

    /// The session token cannot be sent as an HTTP header value (it holds a
    /// control character or a line break).
    #[error("the session token holds characters an HTTP header value cannot carry")]
    InvalidSessionToken,

    /// A header value is not UTF-8 text, so it has no canonical form.
    #[error("the value of header {name:?} is not UTF-8 text and cannot be signed")]
    InvalidHeaderValue {
        /// The header name, lower-cased.
        name: String,
    },

    /// The request names no host: there is no `Host` header, the URI has no
    /// authority, or the `Host` header is empty.
    #[error("the request has no host: give it an absolute URI or a Host header")]
    MissingHost,

    /// The signing time cannot be written as `YYYYMMDDTHHMMSSZ` (its year
    /// is before 0 or after 9999).
    #[error("the signing time is outside the years 0000 to 9999")]
    TimeOutOfRange,

    /// The signing key was derived for another day, region, service or
    /// access key; derive a new one (or use [`SigningKey::get_or_derive`]).
    ///
    /// [`SigningKey::get_or_derive`]: super::SigningKey::get_or_derive
    #[error("the signing key is for {key_scope}, but the request needs {wanted_scope}")]
    KeyMismatch {
        /// `access-key-id/date/region/service` of the key.
        key_scope: String,
        /// `access-key-id/date/region/service` the request needs.
        wanted_scope: String,
    },

    /// A presigned URL's lifetime is outside what SigV4 allows.
    #[error("a presigned URL must expire in 1 to 604800 seconds (7 days), not {seconds}")]
    ExpiresOutOfRange {
        /// The whole seconds asked for.
        seconds: u64,
    },

    /// The URI already carries a SigV4 query parameter, so presigning it
    /// again would send two conflicting signatures.
    #[error("the URI already has the query parameter {parameter}")]
    AlreadyPresigned {
        /// The parameter found.
        parameter: &'static str,
    },

    /// The presigned URI could not be assembled.
    #[error("the presigned URI is not valid: {reason}")]
    InvalidUri {
        /// What `http` said about it.
        reason: String,
    },
}

/// At most 64 characters of `value`, for error messages.
/// The message of [`SigningError::InvalidAccessKeyId`].
fn access_key_id_message(start: &str, length: usize, bad: Option<(usize, char)>) -> String {
    match bad {
        None => "the access key id is empty".to_owned(),
        Some((at, c)) => format!(
            "the access key id ({length} characters, starting {start:?}) holds {c:?} at \
             character {at}; an id has no '/', ',', whitespace, control or non-ASCII characters"
        ),
    }
}

pub(super) fn excerpt(value: &str) -> String {
    value.chars().take(64).collect()
}
