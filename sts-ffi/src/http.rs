//! HTTP messages at the boundary: the signed request the library hands
//! out (prepared, or given to a transport callback), the response a caller
//! hands in for parsing, and the builder a transport callback fills.

use std::ffi::c_char;
use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue};
use zeroize::Zeroize;

use crate::boundary::{Owned, Strings, array, guard, optional_str, required, required_str};
use crate::error::Failure;
use crate::status::*;

/// One HTTP header field.
///
/// Layout: two pointers, `name` then `value`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsHeader {
    /// The field name, as `Authorization`. NUL-terminated.
    pub name: *const c_char,
    /// The field value. NUL-terminated.
    pub value: *const c_char,
}

/// A signed HTTP request, ready to send.
///
/// Send it exactly as given: method, URL, every header (the signature
/// covers `Host`, `Content-Type` and `X-Amz-*`), and the body bytes. The
/// sender adds `Content-Length` itself, as every HTTP stack does (it is
/// left out so that it cannot disagree with what the stack sends). It may
/// add headers of its own (`Accept`, `Connection`) but must not change the
/// ones given.
///
/// Ownership: from `sts_prepare_*` and `sts_exchange_next` the caller owns
/// it and frees it with `sts_http_request_free`; every pointer inside is
/// valid until then. In a
/// transport callback it is borrowed, valid only until the callback returns.
///
/// Layout: `method`, `url`, `headers` (pointers), `headers_len` (`size_t`),
/// `body` (pointer), `body_len` (`size_t`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsHttpRequest {
    /// `"POST"` for an STS call; a credential source's own request through
    /// a transport callback may be `"GET"` or `"PUT"` (see
    /// `StsTransportFn`).
    pub method: *const c_char,
    /// The absolute URL, as `https://sts.eu-west-1.amazonaws.com/`.
    pub url: *const c_char,
    /// The header fields, in order.
    pub headers: *const StsHeader,
    /// Number of entries in `headers`.
    pub headers_len: usize,
    /// The body (for an STS call, the form-encoded parameters). Not
    /// NUL-terminated; may hold secrets (a SAML assertion, a web identity
    /// token, an MFA code, a refresh token). NULL when `body_len` is 0.
    pub body: *const u8,
    /// Length of `body` in bytes.
    pub body_len: usize,
}

/// How many header fields of a response are read: STS sends a handful, and
/// `HeaderMap` panics past about 24,000.
const MAX_RESPONSE_HEADERS: usize = 1000;

/// A response to parse, as the caller's HTTP stack received it.
///
/// Ownership: the caller's; the library only reads it during the call.
///
/// Layout: `status` (`uint16_t`), padding, `headers` (pointer),
/// `headers_len` (`size_t`), `body` (pointer), `body_len` (`size_t`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsHttpResponse {
    /// The HTTP status code, as 200 or 403.
    pub status: u16,
    /// The header fields; may be NULL when `headers_len` is 0. Read are
    /// the request id (`x-amzn-RequestId`, `x-amz-request-id`), `Date`
    /// (which corrects a skewed clock: without it, a clock-skew answer is
    /// an error instead of `STS_DECISION_SEND_NOW`) and
    /// `x-amz-retry-after` (the server's wait before a retry). Pass them
    /// all; the others are ignored, as are fields HTTP does not allow (a
    /// name or value that is not UTF-8 or holds a control character) and
    /// fields past the 1,000th. NULL `name` or `value` pointers are
    /// `STS_ERR_NULL_ARGUMENT`.
    pub headers: *const StsHeader,
    /// Number of entries in `headers`.
    pub headers_len: usize,
    /// The body, not NUL-terminated; may be NULL when `body_len` is 0.
    pub body: *const u8,
    /// Length of `body` in bytes.
    pub body_len: usize,
}

/// The storage behind an [`StsHttpRequest`]; everything is wiped on drop,
/// because the `Authorization` and `X-Amz-Security-Token` headers and the
/// body can hold credentials.
pub(crate) struct RequestStorage {
    /// Method, URL, header names and values; wiped by its own `Drop`.
    /// Never read from Rust, like `headers`: it backs the view's pointers.
    #[expect(dead_code, reason = "kept alive for the C view's pointers")]
    strings: Strings,
    /// The view's `headers` pointer points into this buffer, so it has to
    /// live as long as the view.
    headers: Vec<StsHeader>,
    body: Vec<u8>,
}

/// Sizes only: the storage holds a signature and maybe secrets.
impl fmt::Debug for RequestStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestStorage")
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Drop for RequestStorage {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

/// Converts a request built by `sts-proto` into its C view and storage.
pub(crate) fn request_view(request: http::Request<Vec<u8>>) -> (StsHttpRequest, RequestStorage) {
    let (parts, body) = request.into_parts();
    let mut strings = Strings::default();
    let method = strings.add(parts.method.as_str());
    let url = strings.add(&parts.uri.to_string());
    let headers: Vec<StsHeader> = parts
        .headers
        .iter()
        .map(|(name, value)| StsHeader {
            name: strings.add(name.as_str()),
            // sts-proto only builds visible-ASCII values; lossy is for safety.
            value: strings.add(&String::from_utf8_lossy(value.as_bytes())),
        })
        .collect();
    let view = StsHttpRequest {
        method,
        url,
        headers: headers.as_ptr(),
        headers_len: headers.len(),
        // An empty Vec's pointer is dangling, not NULL; C gets NULL.
        body: if body.is_empty() {
            std::ptr::null()
        } else {
            body.as_ptr()
        },
        body_len: body.len(),
    };
    // Moving the Vecs moves only their (pointer, length, capacity): the
    // heap buffers the view points into stay where they are.
    (
        view,
        RequestStorage {
            strings,
            headers,
            body,
        },
    )
}

pub(crate) type OwnedRequest = Owned<StsHttpRequest, RequestStorage>;

/// Frees a request from `sts_prepare_*` or from `sts_exchange_next`
/// (`next->request`), wiping its headers and body first (they hold the
/// signature and may hold secrets). NULL is a no-op.
///
/// Ownership: takes `request` back; it is invalid afterwards. Never pass
/// the request a transport callback was given: that one is borrowed.
///
/// # Safety
/// `request` is NULL or a request from `sts_prepare_*` or
/// `sts_exchange_next` not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_http_request_free(request: *mut StsHttpRequest) {
    // SAFETY: forwarded.
    unsafe { OwnedRequest::free(request) }
}

/// The status, headers and body of a caller-supplied response.
///
/// # Safety
/// `response` is NULL or valid, with arrays valid for their lengths.
pub(crate) unsafe fn read_response<'a>(
    response: *const StsHttpResponse,
) -> Result<(u16, HeaderMap, &'a [u8]), Failure> {
    // SAFETY: forwarded.
    let r = unsafe { required(response, "response") }?;
    // SAFETY: forwarded.
    let headers = unsafe { array(r.headers, r.headers_len, "response->headers") }?;
    let mut map = HeaderMap::with_capacity(headers.len().min(32));
    for (i, h) in headers.iter().enumerate() {
        // A header the server sent that HTTP does not allow (not UTF-8, a
        // control character) is none the library reads: skipped, as are
        // headers past MAX_RESPONSE_HEADERS. A NULL is the caller's bug.
        let text = |p, part| {
            // SAFETY: forwarded.
            match unsafe { required_str(p, &format!("response->headers[{i}].{part}")) } {
                Ok(text) => Ok(Some(text)),
                Err(f) if f.status == STS_ERR_NULL_ARGUMENT => Err(f),
                Err(_) => Ok(None),
            }
        };
        let (Some(name), Some(value)) = (text(h.name, "name")?, text(h.value, "value")?) else {
            continue;
        };
        if map.len() < MAX_RESPONSE_HEADERS
            && let Ok((name, value)) = header(name, value, "")
        {
            // Below the cap, far below HeaderMap's own limit.
            let _ = map.try_append(name, value);
        }
    }
    // SAFETY: forwarded.
    let body = unsafe { array(r.body, r.body_len, "response->body") }?;
    Ok((r.status, map, body))
}

fn header(name: &str, value: &str, field: &str) -> Result<(HeaderName, HeaderValue), Failure> {
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| Failure::invalid(field, format!("{name:?} is not a header name")))?;
    // Not quoted: a header value may be a credential.
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| Failure::invalid(field, "the value holds a control character"))?;
    Ok((name, value))
}

/// Where a transport callback puts the response it received. Opaque:
/// fill it with the `sts_response_builder_*` functions.
///
/// Ownership: the library's. It is valid only during the callback it was
/// given to; never free it or keep it.
pub struct StsResponseBuilder {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) max_body: usize,
    pub(crate) too_large: bool,
    pub(crate) error: Option<String>,
}

/// No body: an `AssumeRole` answer holds a secret key.
impl fmt::Debug for StsResponseBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsResponseBuilder")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .field("too_large", &self.too_large)
            .finish_non_exhaustive()
    }
}

impl StsResponseBuilder {
    pub(crate) fn new(max_body: usize) -> Self {
        Self {
            status: 0,
            headers: HeaderMap::new(),
            body: Vec::new(),
            max_body,
            too_large: false,
            error: None,
        }
    }
}

impl Drop for StsResponseBuilder {
    fn drop(&mut self) {
        // The body of an AssumeRole response holds a secret key.
        self.body.zeroize();
    }
}

/// Appends `bytes` to `body`, which stays within `limit` bytes of capacity
/// (`bytes` fits: the caller checked). When `body` must grow, its bytes
/// move to a buffer of twice the size and the old buffer is wiped before
/// it is freed. `Vec`'s own growth would free each outgrown buffer as it
/// is, and a callback that delivers an answer in pieces would leave copies
/// of its first part (an `AssumeRole` answer's secret key) in freed memory.
fn append_wiping(body: &mut Vec<u8>, bytes: &[u8], limit: usize) {
    let needed = body.len().saturating_add(bytes.len());
    if needed > body.capacity() {
        let size = body.capacity().saturating_mul(2).min(limit).max(needed);
        let mut bigger = Vec::with_capacity(size);
        bigger.extend_from_slice(body);
        let mut old = std::mem::replace(body, bigger);
        old.zeroize();
    }
    body.extend_from_slice(bytes);
}

/// Runs a builder function.
///
/// # Safety
/// `builder` is NULL or the builder of a running callback.
unsafe fn with_builder(
    builder: *mut StsResponseBuilder,
    f: impl FnOnce(&mut StsResponseBuilder) -> StsStatus,
) -> StsStatus {
    // SAFETY: the caller's promise.
    match unsafe { builder.as_mut() } {
        Some(b) => guard(STS_ERR_INTERNAL, || f(b)),
        None => STS_ERR_NULL_ARGUMENT,
    }
}

/// Sets the HTTP status of the response (100 to 999).
///
/// Returns `STS_ERR_NULL_ARGUMENT` for a NULL `builder`,
/// `STS_ERR_INVALID_ARGUMENT` for a status outside 100..999.
///
/// Ownership: `builder` is the library's, lent to the running callback.
///
/// # Safety
/// `builder` is NULL or the builder the running callback was given.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_response_builder_set_status(
    builder: *mut StsResponseBuilder,
    status: u16,
) -> StsStatus {
    // SAFETY: forwarded.
    unsafe {
        with_builder(builder, |b| {
            if !(100..=999).contains(&status) {
                return STS_ERR_INVALID_ARGUMENT;
            }
            b.status = status;
            STS_OK
        })
    }
}

/// Adds a header field of the response. `name` and `value` are
/// NUL-terminated UTF-8, copied; surrounding whitespace is trimmed, so a
/// raw `"Name: value\r\n"` split at the colon can be passed as is.
///
/// Returns `STS_ERR_NULL_ARGUMENT`, `STS_ERR_INVALID_UTF8`, or
/// `STS_ERR_INVALID_ARGUMENT` for a name or value HTTP does not allow and
/// for fields past the 1,000th; the field is not added then, and the
/// callback may go on (the library reads only a few headers).
///
/// Ownership: `builder` is the library's, lent to the running callback;
/// `name` and `value` are borrowed for the call and copied.
///
/// # Safety
/// `builder` is NULL or the running callback's builder; `name` and `value`
/// are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_response_builder_add_header(
    builder: *mut StsResponseBuilder,
    name: *const c_char,
    value: *const c_char,
) -> StsStatus {
    // SAFETY: forwarded.
    unsafe {
        with_builder(builder, |b| {
            let parsed = required_str(name, "name")
                .and_then(|n| Ok((n, required_str(value, "value")?)))
                .and_then(|(n, v)| header(n, v, "header"));
            match parsed {
                Ok(_) if b.headers.len() >= MAX_RESPONSE_HEADERS => STS_ERR_INVALID_ARGUMENT,
                Ok((n, v)) => match b.headers.try_append(n, v) {
                    Ok(_) => STS_OK,
                    Err(_) => STS_ERR_INVALID_ARGUMENT,
                },
                Err(f) => f.status,
            }
        })
    }
}

/// Appends `len` bytes to the response body (call it once per chunk, as
/// from a libcurl write callback). The bytes are copied.
///
/// Returns `STS_ERR_NULL_ARGUMENT` for a NULL `builder`, or for a NULL
/// `data` with a non-zero `len`; `STS_ERR_TRANSPORT` once the body passes
/// the size limit (1 MiB; STS answers are a few KiB): stop reading then,
/// and the call fails with a transport error.
///
/// Ownership: `builder` is the library's, lent to the running callback;
/// `data` is borrowed for the call and copied.
///
/// # Safety
/// `builder` is NULL or the running callback's builder; `data` is NULL or
/// valid for reads of `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_response_builder_append_body(
    builder: *mut StsResponseBuilder,
    data: *const u8,
    len: usize,
) -> StsStatus {
    // SAFETY: forwarded.
    unsafe {
        with_builder(builder, |b| {
            if data.is_null() && len != 0 {
                return STS_ERR_NULL_ARGUMENT;
            }
            // The length is checked before the bytes are looked at: one
            // no slice can have (beyond `isize::MAX`) is past the limit
            // too, and must stop the body, not leave a chunk out of it.
            if b.too_large || b.body.len().saturating_add(len) > b.max_body {
                b.too_large = true;
                return STS_ERR_TRANSPORT;
            }
            let bytes = match array(data, len, "data") {
                Ok(bytes) => bytes,
                Err(f) => return f.status,
            };
            append_wiping(&mut b.body, bytes, b.max_body);
            STS_OK
        })
    }
}

/// Describes why the exchange failed, for a callback that returns a
/// failure (`STS_TRANSPORT_*` other than `STS_TRANSPORT_OK`). The text ends
/// up in the error's message, so keep secrets out of it. Copied, as one
/// line: each control character (line breaks, tabs, the escape that starts
/// a terminal sequence) and each Unicode line or paragraph separator
/// becomes a space, leading and trailing spaces are dropped, and text past
/// 1024 characters is cut and ends in `…`. A second call replaces the
/// first one's text.
///
/// Returns `STS_ERR_NULL_ARGUMENT` or `STS_ERR_INVALID_UTF8`.
///
/// Ownership: `builder` is the library's, lent to the running callback;
/// `message` is borrowed for the call and copied.
///
/// # Safety
/// `builder` is NULL or the running callback's builder; `message` is NULL
/// or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_response_builder_set_error(
    builder: *mut StsResponseBuilder,
    message: *const c_char,
) -> StsStatus {
    // SAFETY: forwarded.
    unsafe {
        with_builder(builder, |b| match optional_str(message, "message") {
            Ok(Some(m)) => {
                b.error = Some(sts_proto::error::printable(m, MAX_ERROR_CHARS));
                STS_OK
            }
            Ok(None) => STS_ERR_NULL_ARGUMENT,
            Err(f) => f.status,
        })
    }
}

/// How much of a callback's error text is kept: as much as of a service
/// error's message.
const MAX_ERROR_CHARS: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// A request without a body (a credential source's `GET` through a
    /// transport callback) hands C a NULL body, not a dangling pointer.
    #[test]
    fn an_empty_body_is_null() {
        let mut get = http::Request::new(Vec::new());
        *get.method_mut() = http::Method::GET;
        let (view, _storage) = request_view(get);
        assert!(view.body.is_null());
        assert_eq!(view.body_len, 0);
        let (view, storage) = request_view(http::Request::new(b"Action=X".to_vec()));
        assert_eq!(view.body, storage.body.as_ptr());
        assert_eq!(view.body_len, 8);
    }

    /// A length past the limit stops the body, whatever the length: one
    /// beyond `isize::MAX` was refused as an invalid argument, the chunk
    /// left out, and the answer parsed without it (found by a review).
    #[test]
    fn a_chunk_past_the_limit_stops_the_body() {
        let byte = [b'x'];
        for len in [usize::MAX, (isize::MAX as usize) + 1, (1 << 20) + 1] {
            let mut b = StsResponseBuilder::new(1 << 20);
            // SAFETY: a live builder; the length is refused before the
            // bytes are read.
            let st = unsafe { sts_response_builder_append_body(&mut b, byte.as_ptr(), len) };
            assert_eq!(st, STS_ERR_TRANSPORT, "{len}");
            assert!(b.too_large, "{len}");
            // SAFETY: one readable byte.
            let st = unsafe { sts_response_builder_append_body(&mut b, byte.as_ptr(), 1) };
            assert_eq!(st, STS_ERR_TRANSPORT, "nothing more once stopped");
        }
        let mut b = StsResponseBuilder::new(1 << 20);
        // SAFETY: NULL with a length is refused before any read.
        let st = unsafe { sts_response_builder_append_body(&mut b, std::ptr::null(), 5) };
        assert_eq!(st, STS_ERR_NULL_ARGUMENT);
        assert!(!b.too_large);
    }

    #[test]
    fn the_builder_takes_a_thousand_header_fields_and_refuses_the_rest() {
        let mut b = StsResponseBuilder::new(1 << 20);
        let (name, value) = (c"x-a".as_ptr(), c"b".as_ptr());
        for i in 0..MAX_RESPONSE_HEADERS {
            // SAFETY: a live builder and NUL-terminated strings.
            let st = unsafe { sts_response_builder_add_header(&mut b, name, value) };
            assert_eq!(st, STS_OK, "field {i}");
        }
        // Without the cap, HeaderMap panics (STS_ERR_INTERNAL, and a panic
        // message on the C program's stderr) near 24,000 fields.
        for _ in 0..30_000 {
            // SAFETY: as above.
            let st = unsafe { sts_response_builder_add_header(&mut b, name, value) };
            assert_eq!(st, STS_ERR_INVALID_ARGUMENT);
        }
        assert_eq!(b.headers.len(), MAX_RESPONSE_HEADERS);
    }
}
