//! `response`: response bodies of every operation, and error documents,
//! under any status code.

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use sts_proto::error::{MalformedReason, OutputProblem};
use sts_proto::operation::{self, Operation};
use sts_proto::ops::*;
use sts_proto::xml::{self, XmlError, XmlLimits};
use sts_proto::{ResponseError, retry};

/// The operations, in the order the input's first byte picks them
/// (`byte % len`): the registry's (`sts_proto::for_each_operation!`), which
/// only ever grows at its end. So every seed keeps its operation when one
/// is added, since `tools/make_seeds.py` (which reads the same list from
/// the registry's source) writes the index itself; an input with a larger
/// first byte, as fuzzing finds them, may move to another operation.
pub const OPERATIONS: &[&str] = ACTIONS;

/// One operation's checks of a response: status, headers, body, limits.
type Check = fn(u16, &HeaderMap, &[u8], &XmlLimits);

macro_rules! checks {
    ($(($op:ident, $($rest:tt)*)),* $(,)?) => {
        [$(parse::<$op> as Check),*]
    };
}

/// Each operation's checks, at its index in [`OPERATIONS`].
const CHECKS: &[Check] = &sts_proto::for_each_operation!(checks);

/// Flag bits of the input's fourth byte.
const FLAG_REQUEST_ID: u8 = 1;
const FLAG_DATE: u8 = 2;
const FLAG_TIGHT_LIMITS: u8 = 4;
const FLAG_AMZ_REQUEST_ID: u8 = 8;

/// The `Date` header a flagged input carries, and the signing time the
/// clock-skew check compares it with.
const DATE: &str = "Sun, 30 Aug 2015 12:36:00 GMT";
const SIGNED_AT_SECS: u64 = 1_440_938_160 - 600;

/// Small limits, so that inputs of a few hundred bytes reach every cap.
const TIGHT: XmlLimits = XmlLimits::DEFAULT
    .with_max_body_bytes(2048)
    .with_max_depth(4)
    .with_max_elements(24);

/// The longest reason the XML reader gives: its own words, and plain names
/// cut short, never the document's text.
const MAX_XML_REASON_CHARS: usize = 200;

/// The longest `Malformed` reason accepted: reasons quote input only in
/// short cuts, so a hostile body cannot become a huge error message.
const MAX_REASON_CHARS: usize = 1024;

/// Input: `[operation, status high byte, status low byte, flags, body…]`.
///
/// The body is read as a response to the chosen operation with the given
/// status, so that any status reaches the error parser and 2xx ones the
/// operation's output parser; the same body also goes through the XML
/// reader directly, whose result is checked against its limits.
pub fn response(data: &[u8]) {
    let [op, hi, lo, flags, body @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*hi, *lo]);
    let limits = if flags & FLAG_TIGHT_LIMITS != 0 {
        TIGHT
    } else {
        XmlLimits::default()
    };
    let headers = headers(*flags);
    check_document(body, &limits);
    let check = CHECKS[usize::from(*op) % CHECKS.len()];
    check(status, &headers, body, &limits);
}

fn headers(flags: u8) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if flags & FLAG_REQUEST_ID != 0 {
        headers.insert(
            "x-amzn-requestid",
            HeaderValue::from_static("header-request-id"),
        );
    }
    if flags & FLAG_AMZ_REQUEST_ID != 0 {
        headers.insert(
            "x-amz-request-id",
            HeaderValue::from_static("other-header-request-id"),
        );
    }
    if flags & FLAG_DATE != 0 {
        headers.insert(http::header::DATE, HeaderValue::from_static(DATE));
    }
    headers
}

fn parse<Op: Operation>(status: u16, headers: &HeaderMap, body: &[u8], limits: &XmlLimits) {
    let success = (200..300).contains(&status);
    match operation::parse_with_limits::<Op>(status, headers, body, limits) {
        Ok(output) => {
            assert!(success, "an output from HTTP {status}");
            let _ = format!("{output:?}");
        }
        Err(error) => check_error::<Op>(&error, status, headers, success),
    }
}

fn check_error<Op: Operation>(
    error: &ResponseError,
    status: u16,
    headers: &HeaderMap,
    success: bool,
) {
    let header_id = operation::header_request_id(headers);
    match error {
        ResponseError::Service(e) => {
            assert_eq!(e.status, status);
            // The request id comes from the body, or else the headers.
            if let (None, Some(id)) = (&e.request_id, header_id) {
                panic!("header request id {id:?} lost");
            }
        }
        ResponseError::Http {
            status: s,
            request_id,
            body_start,
        } => {
            assert!(!success, "HTTP error for a success status {status}");
            assert_eq!(*s, status);
            check_request_id(request_id.as_deref(), header_id);
            assert!(body_start.chars().count() <= 200, "body_start too long");
            assert!(
                !body_start.chars().any(char::is_control),
                "control character in body_start {body_start:?}"
            );
            assert_eq!(body_start.trim(), body_start);
            // Quoting stops before anything that may introduce a secret.
            let lower = body_start.to_ascii_lowercase();
            for word in ["secret", "token", "password", "assertion"] {
                assert!(
                    !lower.contains(word),
                    "{word:?} in body_start {body_start:?}"
                );
            }
        }
        ResponseError::Malformed {
            operation,
            status: came_with,
            reason,
            request_id,
        } => {
            assert_eq!(*came_with, status);
            if let Some(id) = request_id {
                assert_clean_id(id);
            }
            assert!(success, "Malformed for a failure status {status}");
            assert_eq!(*operation, Op::ACTION);
            let text = reason.to_string();
            assert!(
                text.chars().count() <= MAX_REASON_CHARS,
                "a Malformed reason of {} characters",
                text.chars().count()
            );
            check_reason::<Op>(reason);
        }
        _ => {}
    }
    assert_eq!(
        error.status().is_some(),
        !matches!(error, ResponseError::Malformed { .. })
    );
    let _ = error.to_string();
    let _ = retry::classify_response(error);
    let signed_at = UNIX_EPOCH + Duration::from_secs(SIGNED_AT_SECS);
    if let Some(offset) = retry::clock_skew(error, headers, signed_at) {
        assert!(headers.contains_key(http::header::DATE));
        assert_eq!(offset, 600_000);
        assert_eq!(
            retry::apply_offset(signed_at, offset),
            httpdate::parse_http_date(DATE).unwrap_or(UNIX_EPOCH)
        );
    }
}

/// The request id of an error from the headers' `header_id`: the same
/// when it is short and plain, else cleaned as [`assert_clean_id`] checks.
fn check_request_id(request_id: Option<&str>, header_id: Option<&str>) {
    assert_eq!(request_id.is_some(), header_id.is_some());
    if let (Some(shown), Some(sent)) = (request_id, header_id) {
        if sent.len() <= 128 && !sent.is_empty() && sent.trim() == sent {
            assert_eq!(shown, sent);
        }
        assert_clean_id(shown);
    }
}

/// A request id as logs and errors show it: no control character, at most
/// 128 characters and a `…`.
fn assert_clean_id(id: &str) {
    assert!(!id.chars().any(char::is_control), "request id {id:?}");
    assert!(
        id.chars().count() <= 129,
        "request id of {} characters",
        id.chars().count()
    );
}

/// The typed reason of a `Malformed` error: it names the element at fault
/// and keeps only a short, printable start of non-secret text.
fn check_reason<Op: Operation>(reason: &MalformedReason) {
    match reason {
        MalformedReason::UnexpectedDocument { expected, root } => {
            assert_eq!(*expected, Op::ACTION);
            assert!(root.chars().count() <= 32, "root {root:?} kept whole");
        }
        MalformedReason::Output(e) => {
            assert!(!e.element.is_empty(), "{e:?} names no element");
            let found = match &e.problem {
                OutputProblem::NotATimestamp { found, .. }
                | OutputProblem::NotANumber { found }
                | OutputProblem::OutOfRange { found } => found.as_deref(),
                _ => None,
            };
            if let Some(found) = found {
                assert!(found.chars().count() <= 64, "{e:?} keeps too much");
                assert!(!found.chars().any(char::is_control), "{e:?}");
                assert!(
                    !["SecretAccessKey", "SessionToken", "WebIdentityToken"]
                        .iter()
                        .any(|secret| e.element.ends_with(secret)),
                    "{e:?} quotes a secret member"
                );
            }
        }
        _ => {}
    }
}

/// Reads `body` with the XML reader alone and checks the result against
/// `limits`.
fn check_document(body: &[u8], limits: &XmlLimits) {
    crate::xml_reference::check_against_reference(body, limits);
    match xml::parse(body, limits) {
        Ok(doc) => {
            assert!(body.len() <= limits.max_body_bytes);
            assert!(std::str::from_utf8(body).is_ok());
            // The root is an element too.
            assert!(doc.leaves.len() < limits.max_elements.max(1));
            for (path, _) in &doc.leaves {
                // The root is at depth 1, so a leaf path has at most
                // `max_depth - 1` names.
                let path = path.to_string();
                assert!(
                    path.split('/').count() < limits.max_depth,
                    "leaf {path:?} is deeper than {}",
                    limits.max_depth
                );
                // A lookup walks the tree; it must find what comparing
                // every leaf's path finds.
                let first = doc.leaves.iter().find(|(p, _)| *p == path.as_str());
                assert_eq!(doc.get(&path), first.map(|(_, t)| t.as_str()), "{path:?}");
            }
        }
        Err(XmlError::TooLarge { size, limit }) => {
            assert_eq!(size, body.len());
            assert_eq!(limit, limits.max_body_bytes);
            assert!(size > limit);
        }
        Err(XmlError::NotUtf8 { offset }) => {
            let valid = std::str::from_utf8(body).map_err(|e| e.valid_up_to());
            assert_eq!(valid, Err(offset));
        }
        Err(XmlError::TooDeep { limit }) => assert_eq!(limit, limits.max_depth),
        Err(XmlError::TooManyElements { limit }) => assert_eq!(limit, limits.max_elements),
        Err(XmlError::UnknownEntity { offset }) => {
            // At the reference's `&`, counted from the body's start.
            assert_eq!(body.get(offset), Some(&b'&'), "offset {offset}");
        }
        Err(XmlError::Malformed(why)) => {
            assert!(
                why.chars().count() <= MAX_XML_REASON_CHARS,
                "a Malformed reason of {} characters",
                why.chars().count()
            );
            assert!(!why.chars().any(char::is_control), "{why:?}");
        }
        Err(XmlError::Doctype | XmlError::Empty) => {}
        // The enum is non-exhaustive for the crate's users; here a new
        // kind must get its own check.
        Err(other) => panic!("an XmlError this target does not check yet: {other:?}"),
    }
}
