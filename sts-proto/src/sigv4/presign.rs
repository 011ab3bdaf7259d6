//! Query-string signing: presigned URLs.

use std::time::Duration;

use http::Request;
use http::header::HOST;
use http::uri::{PathAndQuery, Uri};

use super::canonical::{CanonicalRequest, PayloadText, RequestParts};
use super::date::AmzDate;
use super::encode::encode;
use super::headers::{Entry, SignedHeaders};
use super::host::host_to_add;
use super::sign::header_value;
use super::{ALGORITHM, SessionTokenMode, SigningError, SigningKey, SigningOutput, SigningParams};

/// The shortest lifetime a presigned URL may have.
pub const MIN_EXPIRES_IN: Duration = Duration::from_secs(1);

/// The longest lifetime a presigned URL may have: seven days. Services
/// reject longer ones, so asking for more is an error here rather than a
/// URL that never works.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(604_800);

/// The parameters presigning adds; finding one already in the URI means it
/// was presigned before.
const RESERVED: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// Presigns `request` in place: its URI gains the `X-Amz-Algorithm`,
/// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Expires`,
/// `X-Amz-Security-Token` (when the credentials carry a token) and
/// `X-Amz-Signature` query parameters, after any it already had. The
/// presigned URL is then `request.uri()`.
///
/// The request itself is returned rather than a bare URI because the
/// signature also covers the method, the headers present (every one but
/// [`UNSIGNED_HEADERS`](super::UNSIGNED_HEADERS); `Host` is added if
/// missing) and, by default, the body: whoever uses the URL must send those
/// too. For a `GET` with no headers but `Host`, the URI alone is enough.
///
/// The token is signed (it is part of the canonical query) unless
/// [`SessionTokenMode::AddedAfterSigning`] is set, in which case it is only
/// appended to the URL. `expires_in` is counted in whole seconds and must
/// lie within [`MIN_EXPIRES_IN`]`..=`[`MAX_EXPIRES_IN`].
///
/// On error the request is left as it was.
///
/// ```
/// # use std::time::{Duration, UNIX_EPOCH};
/// # use sts_proto::{Credentials, sigv4::{self, SigningKey, SigningParams}};
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// let params = SigningParams::new(&credentials, "us-east-1", "sts", UNIX_EPOCH + Duration::from_secs(1_440_938_160));
/// let mut request = http::Request::get(
///     "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
/// ).body(Vec::new())?;
/// sigv4::presign(&mut request, &params, Duration::from_secs(60), &SigningKey::derive(&params)?)?;
/// let url = request.uri().to_string();
/// assert!(url.starts_with("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\
///     &X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request"));
/// assert!(url.contains("&X-Amz-Expires=60&X-Amz-Signature="));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn presign(
    request: &mut Request<Vec<u8>>,
    params: &SigningParams<'_>,
    expires_in: Duration,
    key: &SigningKey,
) -> Result<SigningOutput, SigningError> {
    let seconds = expires_in.as_secs();
    if !(MIN_EXPIRES_IN.as_secs()..=MAX_EXPIRES_IN.as_secs()).contains(&seconds) {
        return Err(SigningError::ExpiresOutOfRange { seconds });
    }
    let date = AmzDate::new(params.time)?;
    key.check(params, &date)?;
    let uri = request.uri();
    refuse_presigned(uri.query())?;
    let settings = &params.settings;
    let host = host_to_add(uri, request.headers())?;

    let added: &[Entry<'_>] = match &host {
        Some(host) => &[("host", host)],
        None => &[],
    };
    let headers = SignedHeaders::collect(request.headers(), &[], added)?;
    let mut signed_headers = String::new();
    headers.write_names(&mut signed_headers);
    let token = params.credentials.session_token().map(|t| t.expose());
    let expires = seconds.to_string();

    // In the order of the suite's presigned URLs; the canonical query sorts
    // its own copy.
    let mut auth = AuthParams::with_capacity(
        key.access_key_id().len()
            + key.scope().len()
            + signed_headers.len()
            + 3 * token.map_or(0, str::len)
            + 256,
    );
    auth.push("X-Amz-Algorithm", &[ALGORITHM]);
    auth.push("X-Amz-Credential", &[key.access_key_id(), "/", key.scope()]);
    auth.push("X-Amz-Date", &[date.stamp()]);
    auth.push("X-Amz-SignedHeaders", &[&signed_headers]);
    auth.push("X-Amz-Expires", &[&expires]);
    let mut signed_count = auth.len();
    if let Some(token) = token {
        auth.push("X-Amz-Security-Token", &[token]);
        if settings.session_token == SessionTokenMode::Signed {
            signed_count += 1;
        }
    }
    let signed_query = auth.pairs();

    let payload = PayloadText::new(request.body(), settings.payload);
    let canonical = CanonicalRequest::new(
        &RequestParts {
            method: request.method().as_str(),
            path: uri.path(),
            query: uri.query(),
            added_query: signed_query.get(..signed_count).unwrap_or_default(),
            headers: &headers,
            payload_hash: payload.as_str(),
        },
        settings,
    );
    let string_to_sign = canonical.string_to_sign(date.stamp(), key.scope());
    let signature = key.sign(&string_to_sign);
    auth.push("X-Amz-Signature", &[signature.as_str()]);

    let presigned = presigned_uri(uri, &auth.text);
    // The text holds the session token, and is done with. (Wiped here
    // rather than by a `Drop` of `AuthParams`, which made presigning an
    // eighth slower.)
    crate::secret::wipe_in_place(&mut auth.text);
    let presigned = presigned?;
    let host = host.map(|h| header_value(HOST, h)).transpose()?;
    if let Some(host) = host {
        request.headers_mut().insert(HOST, host);
    }
    *request.uri_mut() = presigned;

    Ok(SigningOutput {
        canonical_request: canonical.text,
        string_to_sign,
        signature,
    })
}

fn refuse_presigned(query: Option<&str>) -> Result<(), SigningError> {
    for pair in query.unwrap_or("").split('&') {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        if let Some(parameter) = RESERVED.iter().find(|r| r.eq_ignore_ascii_case(name)) {
            return Err(SigningError::AlreadyPresigned { parameter });
        }
    }
    Ok(())
}

/// The `X-Amz-*` parameters of a presigned URL, encoded once: the URL and
/// the canonical query need the same text, and a session token is a
/// kilobyte of it.
struct AuthParams {
    /// `name=value&name=value…`, as it goes into the URL.
    text: String,
    /// Where each parameter's name starts, its `=` is, and its value ends.
    bounds: [(usize, usize, usize); 7],
    len: usize,
}

impl AuthParams {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            text: String::with_capacity(capacity),
            bounds: [(0, 0, 0); 7],
            len: 0,
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// Appends `name=` and the encoded concatenation of `value`.
    fn push(&mut self, name: &str, value: &[&str]) {
        if !self.text.is_empty() {
            self.text.push('&');
        }
        let start = self.text.len();
        self.text.push_str(name);
        let equals = self.text.len();
        self.text.push('=');
        for part in value {
            encode(&mut self.text, part, false);
        }
        if let Some(slot) = self.bounds.get_mut(self.len) {
            *slot = (start, equals, self.text.len());
            self.len += 1;
        }
    }

    /// The `(name, value)` pairs so far, as the canonical query takes them.
    fn pairs(&self) -> [(&str, &str); 7] {
        let mut pairs = [("", ""); 7];
        for (pair, &(start, equals, end)) in pairs.iter_mut().zip(self.bounds.iter().take(self.len))
        {
            *pair = (
                self.text.get(start..equals).unwrap_or_default(),
                self.text.get(equals + 1..end).unwrap_or_default(),
            );
        }
        pairs
    }
}

/// `uri` with `tail` (encoded `name=value` pairs) appended to its query.
fn presigned_uri(uri: &Uri, tail: &str) -> Result<Uri, SigningError> {
    let path = match uri.path() {
        "" => "/",
        path => path,
    };
    let existing = uri.query().unwrap_or("");
    let mut text = String::with_capacity(path.len() + existing.len() + tail.len() + 2);
    text.push_str(path);
    text.push('?');
    text.push_str(existing);
    if !(existing.is_empty() || existing.ends_with('&')) {
        text.push('&');
    }
    text.push_str(tail);
    let invalid = |e: &dyn std::fmt::Display| SigningError::InvalidUri {
        reason: e.to_string(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(text).map_err(|e| invalid(&e))?);
    Uri::from_parts(parts).map_err(|e| invalid(&e))
}
