//! Errors an STS response can carry, and reading them off the wire.

use std::fmt;

use crate::xml::{self, Document, PathRest, Scope, XmlError, XmlLimits};

mod output;

pub use output::{OutputError, OutputProblem};

/// The error codes the STS model declares, and every other code verbatim.
///
/// The wire code (what `<Code>` says) is not always the model's shape name:
/// `InvalidIdentityToken` on the wire is `InvalidIdentityTokenException` in
/// the model. Both spellings map to the same variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The policy document is not valid JSON or breaks the policy grammar.
    MalformedPolicyDocument,
    /// The session policies and tags packed into the token are too large.
    PackedPolicyTooLarge,
    /// STS is not activated in the requested region for the account.
    RegionDisabled,
    /// The web identity token or SAML assertion has expired
    /// (`ExpiredTokenException`). An expired session token in the caller's
    /// own credentials comes back as `ExpiredToken`, a code the model does
    /// not name: [`ErrorCode::Other`].
    ExpiredToken,
    /// The identity provider rejected the claim.
    IdpRejectedClaim,
    /// STS could not reach the identity provider; worth retrying.
    IdpCommunicationError,
    /// The web identity token or SAML assertion is not valid.
    InvalidIdentityToken,
    /// The message given to DecodeAuthorizationMessage is not valid.
    InvalidAuthorizationMessage,
    /// The trade-in token given to GetDelegatedAccessToken has expired.
    ExpiredTradeInToken,
    /// The requested web identity token would be too large.
    JwtPayloadSizeExceeded,
    /// Outbound web identity federation is disabled for the account.
    OutboundWebIdentityFederationDisabled,
    /// The requested duration is longer than the caller's session allows.
    SessionDurationEscalation,
    /// A context assertion given to AssumeRole (`ProvidedContexts`) is not
    /// valid (`InvalidContextAssertion`).
    InvalidContextAssertion,
    /// GetScopedCredentials: the calling session has too little time left
    /// for the duration asked (`InsufficientSessionLifetime`).
    InsufficientSessionLifetime,
    /// GetScopedCredentials: the calling session is not a valid session,
    /// its credentials could not be validated or resolved
    /// (`InvalidSubjectCredentials`).
    InvalidSubjectCredentials,
    /// A code the model does not declare (AccessDenied, Throttling,
    /// SignatureDoesNotMatch, InvalidClientTokenId, ValidationError, …),
    /// exactly as the server sent it. Compare codes by
    /// [`as_str`](ErrorCode::as_str): a code the model declares later
    /// becomes a variant of its own, and a match on `Other` would stop
    /// seeing it without a word from the compiler.
    Other(UnknownCode),
}

/// A code [`ErrorCode`] has no variant for, as the server sent it. Opaque
/// (made only by [`ErrorCode::from_wire`]), so that no `Other` holds a
/// code that has a variant of its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownCode(String);

impl UnknownCode {
    /// The code as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ErrorCode {
    /// Maps a wire code (or a model shape name) to its variant.
    pub fn from_wire(code: &str) -> Self {
        match code {
            "MalformedPolicyDocument" | "MalformedPolicyDocumentException" => {
                Self::MalformedPolicyDocument
            }
            "PackedPolicyTooLarge" | "PackedPolicyTooLargeException" => Self::PackedPolicyTooLarge,
            "RegionDisabledException" => Self::RegionDisabled,
            "ExpiredTokenException" => Self::ExpiredToken,
            "IDPRejectedClaim" | "IDPRejectedClaimException" => Self::IdpRejectedClaim,
            "IDPCommunicationError" | "IDPCommunicationErrorException" => {
                Self::IdpCommunicationError
            }
            "InvalidIdentityToken" | "InvalidIdentityTokenException" => Self::InvalidIdentityToken,
            "InvalidAuthorizationMessageException" => Self::InvalidAuthorizationMessage,
            "ExpiredTradeInTokenException" => Self::ExpiredTradeInToken,
            "JWTPayloadSizeExceededException" => Self::JwtPayloadSizeExceeded,
            "OutboundWebIdentityFederationDisabledException" => {
                Self::OutboundWebIdentityFederationDisabled
            }
            "SessionDurationEscalationException" => Self::SessionDurationEscalation,
            "InvalidContextAssertion" | "InvalidContextAssertionException" => {
                Self::InvalidContextAssertion
            }
            "InsufficientSessionLifetime" | "InsufficientSessionLifetimeException" => {
                Self::InsufficientSessionLifetime
            }
            "InvalidSubjectCredentials" | "InvalidSubjectCredentialsException" => {
                Self::InvalidSubjectCredentials
            }
            other => Self::Other(UnknownCode(other.to_owned())),
        }
    }

    /// The code as STS sends it on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::MalformedPolicyDocument => "MalformedPolicyDocument",
            Self::PackedPolicyTooLarge => "PackedPolicyTooLarge",
            Self::RegionDisabled => "RegionDisabledException",
            Self::ExpiredToken => "ExpiredTokenException",
            Self::IdpRejectedClaim => "IDPRejectedClaim",
            Self::IdpCommunicationError => "IDPCommunicationError",
            Self::InvalidIdentityToken => "InvalidIdentityToken",
            Self::InvalidAuthorizationMessage => "InvalidAuthorizationMessageException",
            Self::ExpiredTradeInToken => "ExpiredTradeInTokenException",
            Self::JwtPayloadSizeExceeded => "JWTPayloadSizeExceededException",
            Self::OutboundWebIdentityFederationDisabled => {
                "OutboundWebIdentityFederationDisabledException"
            }
            Self::SessionDurationEscalation => "SessionDurationEscalationException",
            Self::InvalidContextAssertion => "InvalidContextAssertion",
            Self::InsufficientSessionLifetime => "InsufficientSessionLifetime",
            Self::InvalidSubjectCredentials => "InvalidSubjectCredentials",
            Self::Other(code) => code.as_str(),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who the service blames: `Sender` (the request) or `Receiver` (itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// `<Type>Sender</Type>`: the request was wrong.
    Sender,
    /// `<Type>Receiver</Type>`: the service failed.
    Receiver,
    /// No `<Type>`, or one we do not know.
    Unknown,
}

/// An error document returned by STS.
///
/// Not exhaustive, so that what later error documents carry can be added;
/// [`ServiceError::new`] makes one, for a driver's or a test's own use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The error code: a modelled error's code as STS sends it (also when
    /// the server sent the model's shape name, `…Exception`), any other as
    /// one printable line of at most 128 characters.
    pub code: ErrorCode,
    /// The human-readable message, when the document has a `<Message>`
    /// element; empty when that element is (`<Message/>`).
    ///
    /// As one printable line, since it reaches terminals and logs: trimmed,
    /// control characters and line separators as spaces, and at most
    /// 1,024 characters, ending in `…` when cut (a hostile server's
    /// message could otherwise rewrite a terminal or flood a log). STS's
    /// own messages are one line of a few hundred characters.
    pub message: Option<String>,
    /// Sender or Receiver.
    pub fault: Fault,
    /// The request id, for AWS support.
    pub request_id: Option<String>,
    /// The HTTP status of the response.
    pub status: u16,
}

impl ServiceError {
    /// An error with `code` and `status`, no message, no request id, and
    /// an unknown fault; set the public fields for the rest.
    ///
    /// ```
    /// # use sts_proto::error::{ErrorCode, Fault, ServiceError};
    /// let mut error = ServiceError::new(ErrorCode::from_wire("Throttling"), 400);
    /// error.fault = Fault::Sender;
    /// assert_eq!(error.to_string(), "Throttling (HTTP 400)");
    /// ```
    pub fn new(code: ErrorCode, status: u16) -> Self {
        Self {
            code,
            message: None,
            fault: Fault::Unknown,
            request_id: None,
            status,
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if let Some(message) = self.message.as_deref().filter(|m| !m.is_empty()) {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// A response that did not give the operation's result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// STS answered with an error document.
    Service(ServiceError),
    /// A failure status whose body is not an STS error document, such as a
    /// load balancer's HTML page or an empty 503.
    Http {
        /// The HTTP status.
        status: u16,
        /// The request id from the headers, if any.
        request_id: Option<String>,
        /// The start of the body, printable characters only, for diagnosis.
        body_start: String,
    },
    /// A success status whose body is not the operation's response document.
    Malformed {
        /// The operation whose response this was.
        operation: &'static str,
        /// The success status (2xx) the answer came with: an answer did
        /// come, which a program telling network failures from bad answers
        /// needs to know.
        status: u16,
        /// The request id from the body or the headers, if any.
        request_id: Option<String>,
        /// What was wrong.
        reason: MalformedReason,
    },
}

/// Why a success response could not be read as the operation's response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedReason {
    /// The body is not a readable XML document (or is over a limit).
    Xml(XmlError),
    /// The document is another one than `{Operation}Response`, such as
    /// the response to another operation or an HTML page.
    UnexpectedDocument {
        /// The operation whose `{expected}Response` was awaited.
        expected: &'static str,
        /// The root element found, cut to 32 characters.
        root: String,
    },
    /// The document is the operation's, but an element of its result is
    /// missing or unreadable.
    Output(OutputError),
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedReason::Xml(e) => e.fmt(f),
            MalformedReason::UnexpectedDocument { expected, root } => {
                write!(f, "expected a {expected}Response document, got {root}")
            }
            MalformedReason::Output(e) => e.fmt(f),
        }
    }
}

/// Its text already holds the inner error's, so it names no source.
impl std::error::Error for MalformedReason {}

impl From<XmlError> for MalformedReason {
    fn from(e: XmlError) -> Self {
        MalformedReason::Xml(e)
    }
}

impl From<OutputError> for MalformedReason {
    fn from(e: OutputError) -> Self {
        MalformedReason::Output(e)
    }
}

impl ResponseError {
    /// The request id, wherever it was found.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ResponseError::Service(e) => e.request_id.as_deref(),
            ResponseError::Http { request_id, .. }
            | ResponseError::Malformed { request_id, .. } => request_id.as_deref(),
        }
    }

    /// The HTTP status, when the error came with a failure status.
    pub fn status(&self) -> Option<u16> {
        match self {
            ResponseError::Service(e) => Some(e.status),
            ResponseError::Http { status, .. } => Some(*status),
            ResponseError::Malformed { .. } => None,
        }
    }

    /// The HTTP status the answer came with, whatever it was: a success
    /// status too, for an answer that could not be read (which
    /// [`status`](Self::status) leaves out). Every such error had an
    /// answer; a program telling them from network failures logs this.
    pub fn answer_status(&self) -> u16 {
        match self {
            ResponseError::Service(e) => e.status,
            ResponseError::Http { status, .. } | ResponseError::Malformed { status, .. } => *status,
        }
    }

    /// The service's error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            ResponseError::Service(e) => Some(e.code.as_str()),
            _ => None,
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Service(e) => e.fmt(f),
            ResponseError::Http {
                status,
                request_id,
                body_start,
            } => {
                write!(f, "HTTP {status} without an STS error document")?;
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                if body_start.is_empty() {
                    f.write_str(" (empty body)")
                } else {
                    write!(f, "; body starts {body_start:?}")
                }
            }
            ResponseError::Malformed {
                operation,
                request_id,
                reason,
                ..
            } => {
                write!(f, "unreadable {operation} response: {reason}")?;
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ResponseError {}

/// Whether `c` would act on a terminal or a log line rather than show:
/// a control character, a line or paragraph separator, or one of the
/// Unicode `Bidi_Control` characters (ALM, LRM, RLM, the embeddings and
/// overrides U+202A to U+202E, the isolates U+2066 to U+2069). What
/// [`printable`] replaces, for callers that show a server's text in some
/// other way (escaped, say).
pub fn is_unshowable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// How much of an unreadable body an error keeps.
const BODY_START_CHARS: usize = 200;

/// Words after which a body's text may be a credential: an STS answer
/// (`SecretAccessKey`, `SessionToken`) behind a failure status, a JSON
/// credentials document from a misrouted request, a login form.
const SECRET_WORDS: [&[u8]; 4] = [b"secret", b"token", b"password", b"assertion"];

/// The printable start of a body, for error messages: cut before the first
/// word that may introduce a secret, as the same document behind a 200 is
/// never quoted.
pub(crate) fn body_start(body: &[u8]) -> String {
    let window = &body[..body.len().min(BODY_START_CHARS * 4)];
    let end = SECRET_WORDS
        .iter()
        .filter_map(|word| {
            window
                .windows(word.len())
                .position(|w| w.eq_ignore_ascii_case(word))
        })
        .min();
    printable_start(
        &String::from_utf8_lossy(&window[..end.unwrap_or(window.len())]),
        BODY_START_CHARS,
    )
}

/// The start of `text` for an error message: trimmed, control characters,
/// the Unicode line and paragraph separators and the bidirectional
/// controls (a terminal's escapes, line breaks that would fake a log line,
/// an override that shows the rest of the line reversed) as spaces, at
/// most `max_chars` characters.
pub(crate) fn printable_start(text: &str, max_chars: usize) -> String {
    text.trim()
        .chars()
        .take(max_chars)
        .map(|c| if is_unshowable(c) { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// `text` as one printable line for an error message, as service
/// messages and request ids are shown: trimmed, control characters and
/// the Unicode line and paragraph separators as spaces, at most
/// `max_chars` characters, with `…` when cut. For text from elsewhere
/// that ends up in the same messages (the C library's transport
/// callbacks).
pub fn printable(text: &str, max_chars: usize) -> String {
    let mut shown = printable_start(text, max_chars);
    if text.trim().chars().nth(max_chars).is_some() {
        shown.push('…');
    }
    shown
}

/// A request id as errors, logs and outputs show it: [`printable`], at
/// most [`CODE_CHARS`] characters, as a service error's id is; borrowed
/// when it is that already (STS's own ids are 36 characters of UUID).
pub(crate) fn clean_request_id(id: &str) -> std::borrow::Cow<'_, str> {
    // Visible ASCII and inner spaces, the usual case, are decided a byte at
    // a time, without decoding characters: this runs on every success.
    let plain = id.len() <= CODE_CHARS
        && id.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !id.starts_with(' ')
        && !id.ends_with(' ');
    if plain {
        return std::borrow::Cow::Borrowed(id);
    }
    let cleaned = printable(id, CODE_CHARS);
    if cleaned == id {
        std::borrow::Cow::Borrowed(id)
    } else {
        std::borrow::Cow::Owned(cleaned)
    }
}

/// How much of a service error's message an error keeps; STS's own are
/// a few hundred characters at most.
const MESSAGE_CHARS: usize = 1024;

/// How much of a service error's code and request id an error keeps.
const CODE_CHARS: usize = 128;

/// Reads an error response: `<ErrorResponse><Error>…</Error><RequestId>…`
/// or the `<Errors><Error>…` shape some servers send. `None` if the body is
/// not such a document.
pub(crate) fn parse_error_document(
    status: u16,
    header_request_id: Option<&str>,
    body: &[u8],
    limits: &XmlLimits,
) -> Option<ServiceError> {
    let doc = xml::parse(body, limits).ok()?;
    service_error_from(&doc, status, || header_request_id)
}

/// A service error from an already-read document, if it is an error document.
///
/// Code, message and type are read inside one `Error` element, the first:
/// a document listing several errors must not pair one's code with
/// another's message. An `Error` without a code is still the server's
/// error, with the code `Unknown` the AWS CLI shows for it, so that its
/// message and request id are kept.
pub(crate) fn service_error_from<'h>(
    doc: &'h Document,
    status: u16,
    header_request_id: impl FnOnce() -> Option<&'h str>,
) -> Option<ServiceError> {
    if doc.root != "ErrorResponse" && doc.root != "Response" && doc.root != "Error" {
        return None;
    }
    let error = if doc.root == "Error" {
        None
    } else {
        match doc.leaves.first_branch_named(b"Error") {
            Scope::Nothing => return None,
            scope => Some(scope),
        }
    };
    let element = |name: &str| {
        let pieces = [name];
        match error {
            Some(scope) => doc.leaves.find_in(scope, PathRest::new(&pieces)),
            // `<Error><Code>` as the root itself.
            None => doc.get(name),
        }
        .map(str::trim)
    };
    let field = |name: &str| element(name).filter(|text| !text.is_empty());
    let code = field("Code").unwrap_or(UNKNOWN_CODE);
    let fault = match field("Type") {
        Some("Sender") => Fault::Sender,
        Some("Receiver") => Fault::Receiver,
        _ => Fault::Unknown,
    };
    // The document's own request id (beside `Error`) first, then one
    // anywhere in it, then the headers'. The server's texts reach logs and
    // terminals through `Display`.
    // One of the body's that is empty once cleaned is none (`<RequestId/>`,
    // or only characters the cleaning drops), as on a success's path.
    let cleaned = |id: &str| Some(printable(id, CODE_CHARS)).filter(|id| !id.is_empty());
    let request_id = doc
        .get("RequestId")
        .and_then(cleaned)
        .or_else(|| doc.get("RequestID").and_then(cleaned))
        .or_else(|| doc.find_suffix("RequestId").and_then(cleaned))
        .or_else(|| doc.find_suffix("RequestID").and_then(cleaned))
        .or_else(|| header_request_id().map(|id| printable(id, CODE_CHARS)));
    Some(ServiceError {
        code: ErrorCode::from_wire(&printable(code, CODE_CHARS)),
        // An empty `<Message/>` stays an empty message, not none: the AWS
        // CLI tells the two apart (`None` and `Unknown`).
        message: element("Message").map(|m| printable(m, MESSAGE_CHARS)),
        fault,
        request_id,
        status,
    })
}

/// The code of an error document that names none, as the AWS CLI shows it.
const UNKNOWN_CODE: &str = "Unknown";

/// The error for a failure status: the error document if there is one,
/// else the status and the start of the body.
pub(crate) fn failure(
    status: u16,
    header_request_id: Option<&str>,
    body: &[u8],
    limits: &XmlLimits,
) -> ResponseError {
    match parse_error_document(status, header_request_id, body, limits) {
        Some(e) => ResponseError::Service(e),
        None => ResponseError::Http {
            status,
            request_id: header_request_id.map(str::to_owned),
            body_start: body_start(body),
        },
    }
}

/// A `Malformed` response error.
pub(crate) fn malformed(
    operation: &'static str,
    status: u16,
    request_id: Option<&str>,
    reason: impl Into<MalformedReason>,
) -> ResponseError {
    ResponseError::Malformed {
        operation,
        status,
        request_id: request_id.map(str::to_owned),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_text_is_one_printable_line() {
        assert_eq!(
            printable("too big\n[FAKE] line \x1b[31m", 100),
            "too big [FAKE] line  [31m"
        );
        assert_eq!(
            printable("\r\n\tplain\u{2028}text\u{7f}\n", 100),
            "plain text"
        );
        assert_eq!(printable("abc def", 4), "abc…");
        assert_eq!(printable("abcd", 4), "abcd");
        assert_eq!(printable("\u{85}é\u{2029}", 4), "é");
        // A right-to-left override would show the rest of the line
        // reversed; the isolates and marks act alike.
        assert_eq!(
            printable(
                "a\u{202e}b\u{2066}c\u{2069}d\u{200f}e\u{61c}f\u{202a}g",
                100
            ),
            "a b c d e f g"
        );
    }

    #[test]
    fn request_ids_are_kept_when_clean_and_cleaned_otherwise() {
        let kept =
            |id: &str| matches!(clean_request_id(id), std::borrow::Cow::Borrowed(k) if k == id);
        for id in [
            "c6104cbe-af31-11e0-8154-cbc7ccf896c7",
            "an id",
            "ïd-ünïcode",
            "",
        ] {
            assert!(kept(id), "{id:?}");
        }
        for (id, shown) in [
            (" padded ", "padded"),
            ("line\nbreak", "line break"),
            ("c1\u{85}control", "c1 control"),
            ("esc\u{1b}[2J", "esc [2J"),
        ] {
            assert_eq!(clean_request_id(id), shown, "{id:?}");
        }
        let long = "x".repeat(CODE_CHARS + 1);
        assert_eq!(clean_request_id(&long).chars().count(), CODE_CHARS + 1);
        assert!(clean_request_id(&long).ends_with('…'));
        assert!(kept(&long[..CODE_CHARS]));
    }

    fn read(status: u16, body: &str) -> ResponseError {
        failure(
            status,
            Some("header-id"),
            body.as_bytes(),
            &XmlLimits::default(),
        )
    }

    #[test]
    fn code_message_and_type_come_from_one_error_element() {
        let ResponseError::Service(e) = read(
            400,
            "<Response><Errors><Error><Code>First</Code></Error>\
             <Error><Code>Second</Code><Message>of Second</Message><Type>Receiver</Type></Error>\
             </Errors><RequestID>outer</RequestID></Response>",
        ) else {
            panic!("not a service error");
        };
        assert_eq!(e.code, ErrorCode::from_wire("First"));
        assert_eq!((e.message, e.fault), (None, Fault::Unknown));
        assert_eq!(e.request_id.as_deref(), Some("outer"));
    }

    /// `<Message/>` is an empty message, and no `<Message>` none: the AWS
    /// CLI prints `None` for the one and `Unknown` for the other.
    #[test]
    fn an_empty_message_is_not_a_missing_one() {
        for (message, expected) in [
            ("<Message/>", Some("")),
            ("<Message></Message>", Some("")),
            ("<Message> </Message>", Some("")),
            ("<Message> nope </Message>", Some("nope")),
            ("", None),
        ] {
            let body = format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>X</Code>{message}</Error>\
                 <RequestId>r</RequestId></ErrorResponse>"
            );
            let ResponseError::Service(e) = read(400, &body) else {
                panic!("{body}: not a service error");
            };
            assert_eq!(e.message.as_deref(), expected, "{body}");
            // Shown without a message either way.
            if expected != Some("nope") {
                assert_eq!(e.to_string(), "X (HTTP 400) [request id r]", "{body}");
            }
        }
    }

    /// Three roots are error documents: `ErrorResponse` (STS's),
    /// `Response` (the older query shape) and a bare `Error`; any other
    /// root is not, whatever it holds.
    #[test]
    fn error_documents_are_known_by_their_root() {
        let ResponseError::Service(e) = read(
            400,
            "<Error><Code>Throttling</Code><Message>slow down</Message></Error>",
        ) else {
            panic!("a bare <Error> is the server's error");
        };
        assert_eq!(e.code, ErrorCode::from_wire("Throttling"));
        assert_eq!(e.message.as_deref(), Some("slow down"));
        assert!(
            !matches!(
                read(400, "<Other><Error><Code>X</Code></Error></Other>"),
                ResponseError::Service(_)
            ),
            "another root's <Error> is not a service error"
        );
    }

    /// The window read spans four bytes a character: text of two-byte
    /// characters is quoted as far as it goes, up to a secret word, which
    /// is found there too and cut off.
    #[test]
    fn wide_characters_are_quoted_up_to_a_secret_word() {
        let body = format!("{}token=abc", "é".repeat(150));
        assert_eq!(body_start(body.as_bytes()), "é".repeat(150));
    }

    #[test]
    fn the_documents_own_request_id_wins_over_one_inside_the_error() {
        let ResponseError::Service(e) = read(
            400,
            "<ErrorResponse><Error><Code>X</Code><RequestId>inner</RequestId></Error>\
             <RequestId>outer</RequestId></ErrorResponse>",
        ) else {
            panic!("not a service error");
        };
        assert_eq!(e.request_id.as_deref(), Some("outer"));
        // Only inside the error: still the body's, before the header's.
        let ResponseError::Service(e) = read(
            400,
            "<ErrorResponse><Error><Code>X</Code><RequestId>inner</RequestId></Error></ErrorResponse>",
        ) else {
            panic!("not a service error");
        };
        assert_eq!(e.request_id.as_deref(), Some("inner"));
    }

    #[test]
    fn an_error_without_a_code_keeps_its_message_and_request_id() {
        for code in ["", "<Code></Code>", "<Code> </Code>"] {
            let body = format!(
                "<ErrorResponse><Error><Type>Sender</Type>{code}<Message>nope</Message></Error>\
                 <RequestId>err-rid</RequestId></ErrorResponse>"
            );
            let ResponseError::Service(e) = read(500, &body) else {
                panic!("{body}: not a service error");
            };
            assert_eq!(e.code, ErrorCode::from_wire("Unknown"), "{body}");
            assert_eq!(e.message.as_deref(), Some("nope"));
            assert_eq!(e.fault, Fault::Sender);
            assert_eq!(e.request_id.as_deref(), Some("err-rid"));
            assert_eq!(e.status, 500);
        }
        // No `Error` element at all, or one with only text: not an error
        // document.
        for body in [
            "<ErrorResponse><RequestId>r</RequestId></ErrorResponse>",
            "<ErrorResponse><Error>text</Error></ErrorResponse>",
        ] {
            assert!(
                matches!(read(500, body), ResponseError::Http { .. }),
                "{body}"
            );
        }
    }
}
