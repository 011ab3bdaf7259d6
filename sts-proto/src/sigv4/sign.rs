//! Header signing: the `Authorization` header.

use http::Request;
use http::header::{AUTHORIZATION, HOST, HeaderName, HeaderValue};

use std::cell::Cell;

use super::canonical::{
    self, PayloadText, RequestParts, append_string_to_sign, string_to_sign_len,
};
use super::date::AmzDate;
use super::headers::{Entry, SignedHeaders};
use super::host::host_to_add;
use super::key::Signature;
use super::{ALGORITHM, SessionTokenMode, SigningError, SigningKey, SigningOutput, SigningParams};
use crate::secret::wipe_in_place;

const X_AMZ_DATE: &str = "x-amz-date";
const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
// The same names as `HeaderName`s, made at compile time.
const X_AMZ_DATE_NAME: HeaderName = HeaderName::from_static(X_AMZ_DATE);
const X_AMZ_SECURITY_TOKEN_NAME: HeaderName = HeaderName::from_static(X_AMZ_SECURITY_TOKEN);
const X_AMZ_CONTENT_SHA256_NAME: HeaderName = HeaderName::from_static(X_AMZ_CONTENT_SHA256);

/// Signs `request` in place with `key`, setting `Authorization` and
/// `X-Amz-Date` (and `X-Amz-Security-Token` when the credentials carry a
/// token, `X-Amz-Content-Sha256` when the settings ask for it, and `Host`
/// when the request has none). Any earlier values of those headers are
/// replaced, so a request can be signed again, e.g. on a retry.
///
/// `key` must be the key for `params` ([`SigningKey::matches`]); a key from
/// another day, region, service or access key is refused with
/// [`SigningError::KeyMismatch`] rather than re-derived, so that the cost of
/// signing stays predictable. [`SigningKey::get_or_derive`] keeps one fresh.
///
/// On error the request is left as it was.
///
/// Every header present is signed except [`UNSIGNED_HEADERS`](super::UNSIGNED_HEADERS).
pub fn sign(
    request: &mut Request<Vec<u8>>,
    params: &SigningParams<'_>,
    key: &SigningKey,
) -> Result<SigningOutput, SigningError> {
    let mut texts = Texts(String::new());
    let (sts_start, signature) = sign_with(request, params, key, &mut texts)?;
    let string_to_sign = texts.0.get(sts_start..).unwrap_or_default().to_owned();
    let mut canonical_request = std::mem::take(&mut texts.0);
    canonical_request.truncate(sts_start);
    Ok(SigningOutput {
        canonical_request,
        string_to_sign,
        signature,
    })
}

/// The largest text buffer a thread keeps between signatures.
const KEPT_BYTES: usize = 64 * 1024;

thread_local! {
    /// The texts' buffer, wiped and kept for the thread's next signature.
    static SCRATCH: Cell<String> = const { Cell::new(String::new()) };
}

/// [`sign`] without handing out the texts, which are written into a buffer
/// the thread keeps (wiped after each use), so that signing allocates only
/// the headers it adds.
pub(crate) fn sign_in_place(
    request: &mut Request<Vec<u8>>,
    params: &SigningParams<'_>,
    key: &SigningKey,
) -> Result<(), SigningError> {
    let mut texts = Texts(SCRATCH.try_with(Cell::take).unwrap_or_default());
    let result = sign_with(request, params, key, &mut texts).map(drop);
    wipe_in_place(&mut texts.0);
    if texts.0.capacity() <= KEPT_BYTES {
        let kept = std::mem::take(&mut texts.0);
        // During the thread's exit there is no slot: the buffer is dropped.
        let _ = SCRATCH.try_with(|s| s.set(kept));
    }
    result
}

/// The canonical request and, after it, the string to sign, in one buffer
/// that is wiped when dropped: the canonical request holds the session
/// token when the token is signed.
struct Texts(String);

impl Drop for Texts {
    fn drop(&mut self) {
        wipe_in_place(&mut self.0);
    }
}

/// Signs `request`, writing the texts into `texts`; returns where the
/// string to sign starts in it, and the signature.
fn sign_with(
    request: &mut Request<Vec<u8>>,
    params: &SigningParams<'_>,
    key: &SigningKey,
    texts: &mut Texts,
) -> Result<(usize, Signature), SigningError> {
    let date = AmzDate::new(params.time)?;
    key.check(params, &date)?;
    // Read once: each read checks the bytes are text again.
    let stamp = date.stamp();
    let settings = &params.settings;
    let token = params.credentials.session_token().map(|t| t.expose());
    let host = host_to_add(request.uri(), request.headers())?;
    let payload = PayloadText::new(request.body(), settings.payload);

    // The signer's own headers replace any the request already has.
    let mut replaced: [&str; 3] = [X_AMZ_DATE, "", ""];
    let mut added: [Entry<'_>; 4] = [("", ""); 4];
    let (mut n_replaced, mut n_added) = (1, 0);
    if let Some(host) = &host {
        added[n_added] = ("host", host);
        n_added += 1;
    }
    added[n_added] = (X_AMZ_DATE, stamp);
    n_added += 1;
    if let Some(token) = token {
        replaced[n_replaced] = X_AMZ_SECURITY_TOKEN;
        n_replaced += 1;
        if settings.session_token == SessionTokenMode::Signed {
            added[n_added] = (X_AMZ_SECURITY_TOKEN, token);
            n_added += 1;
        }
    }
    if settings.content_sha256_header {
        replaced[n_replaced] = X_AMZ_CONTENT_SHA256;
        n_replaced += 1;
        added[n_added] = (X_AMZ_CONTENT_SHA256, payload.as_str());
        n_added += 1;
    }

    let headers = SignedHeaders::collect(
        request.headers(),
        &replaced[..n_replaced],
        &added[..n_added],
    )?;
    let uri = request.uri();
    let text = &mut texts.0;
    let signed_headers = canonical::write(
        &RequestParts {
            method: request.method().as_str(),
            path: uri.path(),
            query: uri.query(),
            added_query: &[],
            headers: &headers,
            payload_hash: payload.as_str(),
        },
        settings,
        text,
        string_to_sign_len(stamp, key.scope()),
    );
    let sts_start = append_string_to_sign(text, stamp, key.scope());
    let signature = key.sign(text.get(sts_start..).unwrap_or_default());
    let signed_headers = text.get(signed_headers).unwrap_or_default();
    let authorization = authorization(key, signed_headers, signature.as_str());

    // Every value is built before the first header is touched, so that a
    // failure leaves the request unchanged.
    let host = host.map(|h| header_value(HOST, h)).transpose()?;
    let token = token
        .map(|t| {
            crate::secret::secret_header_value(t).map_err(|_| SigningError::InvalidSessionToken)
        })
        .transpose()?;
    let stamp = HeaderValue::from_bytes(stamp.as_bytes()).map_err(|_| {
        SigningError::InvalidHeaderValue {
            name: X_AMZ_DATE.to_owned(),
        }
    })?;
    let content_sha256 = if settings.content_sha256_header {
        Some(header_value(
            X_AMZ_CONTENT_SHA256_NAME,
            payload.as_str().to_owned(),
        )?)
    } else {
        None
    };
    let mut authorization = header_value(AUTHORIZATION, authorization)?;
    authorization.set_sensitive(true);

    // This order (token before date) reproduces the suite's signed requests.
    let headers = request.headers_mut();
    // One growth of the map instead of one per header.
    headers.reserve(2 + usize::from(token.is_some()) + usize::from(content_sha256.is_some()));
    if let Some(host) = host {
        headers.insert(HOST, host);
    }
    if let Some(token) = token {
        headers.insert(X_AMZ_SECURITY_TOKEN_NAME, token);
    }
    headers.insert(X_AMZ_DATE_NAME, stamp);
    if let Some(content_sha256) = content_sha256 {
        headers.insert(X_AMZ_CONTENT_SHA256_NAME, content_sha256);
    }
    headers.insert(AUTHORIZATION, authorization);

    Ok((sts_start, signature))
}

/// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
///
/// Sized exactly, so that turning it into a `HeaderValue` reuses the
/// buffer instead of allocating a shared header for the spare capacity.
fn authorization(key: &SigningKey, signed_headers: &str, signature: &str) -> String {
    const CREDENTIAL: &str = " Credential=";
    const SIGNED_HEADERS: &str = ", SignedHeaders=";
    const SIGNATURE: &str = ", Signature=";
    let mut value = String::with_capacity(
        ALGORITHM.len()
            + CREDENTIAL.len()
            + key.access_key_id().len()
            + 1
            + key.scope().len()
            + SIGNED_HEADERS.len()
            + signed_headers.len()
            + SIGNATURE.len()
            + signature.len(),
    );
    value.push_str(ALGORITHM);
    value.push_str(CREDENTIAL);
    value.push_str(key.access_key_id());
    value.push('/');
    value.push_str(key.scope());
    value.push_str(SIGNED_HEADERS);
    value.push_str(signed_headers);
    value.push_str(SIGNATURE);
    value.push_str(signature);
    value
}

/// A header value the signer wrote itself. Region, service, access key id
/// and host were checked to be visible ASCII before, so this only fails if
/// that checking has a hole; the error then names the header.
pub(super) fn header_value(name: HeaderName, value: String) -> Result<HeaderValue, SigningError> {
    HeaderValue::try_from(value).map_err(|_| SigningError::InvalidHeaderValue {
        name: name.as_str().to_owned(),
    })
}
