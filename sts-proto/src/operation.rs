//! The driver-facing entry points: [`build`] a signed request from an
//! operation, [`parse`] a response into its output.
//!
//! A driver (the blocking client, the C library, your own code) does only
//! the I/O in between:
//!
//! ```no_run
//! # fn send(_: http::Request<Vec<u8>>) -> (u16, http::HeaderMap, Vec<u8>) { unimplemented!() }
//! use std::time::SystemTime;
//! use sts_proto::{Credentials, endpoint, operation::{self, RequestContext}, ops::GetCallerIdentity};
//!
//! let endpoint = endpoint::resolve(&endpoint::EndpointConfig::new().with_region("eu-west-1"))?;
//! let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
//! // The driver reads the clock and passes the time in; sts-proto never does.
//! let ctx = RequestContext::new(&endpoint, SystemTime::now()).credentials(&credentials);
//! let request = operation::build(&GetCallerIdentity::new(), &ctx)?;
//! let (status, headers, body) = send(request);
//! let me = operation::parse::<GetCallerIdentity>(status, &headers, &body)?;
//! println!("{:?}", me.arn);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::SystemTime;

use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue, Method};

use crate::credentials::Credentials;
use crate::endpoint::ResolvedEndpoint;
use crate::error::{self, MalformedReason, OutputError, ResponseError};
use crate::form::FormWriter;
use crate::sigv4::{self, SigningError, SigningKey, SigningParams};
use crate::time::parse_timestamp;
use crate::validate::ValidationError;
use crate::xml::{self, Document, PathRest, Scope, XmlLimits};

/// The form content type every STS request carries.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// The supertrait that keeps [`Operation`] and [`OperationOutput`] to this
/// crate's types: they can gain members without breaking anyone's code.
pub(crate) mod sealed {
    /// Implemented by the operation registry's types only.
    #[allow(unreachable_pub, reason = "sealed: nameable only in this crate")]
    pub trait Sealed {}
}

/// One STS operation: its request type implements this.
///
/// The twelve request types of [`ops`](crate::ops) are all there are: the
/// trait is sealed (only this crate can implement it), so that it can
/// gain members, with the STS model, without a breaking change.
pub trait Operation: fmt::Debug + sealed::Sealed {
    /// The operation's name, as the `Action` parameter carries it.
    const ACTION: &'static str;
    /// Whether requests are signed. `AssumeRoleWithSAML` and
    /// `AssumeRoleWithWebIdentity` are not: the assertion or token is the proof.
    const SIGNED: bool = true;
    /// What a successful call returns.
    type Output: OperationOutput;

    /// Checks every member against the model's constraints.
    fn validate(&self) -> Result<(), ValidationError>;

    /// Writes the operation's parameters after `Action` and `Version`.
    fn write_form(&self, form: &mut FormWriter);

    /// Builds the output from the response's `<{ACTION}Result>` element.
    ///
    /// # Errors
    ///
    /// An [`OutputError`] naming the element that is missing or unreadable.
    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, OutputError>;

    /// The form body, for callers who build requests themselves.
    fn form_body(&self) -> String {
        FormWriter::write_exact(Self::ACTION, |form| self.write_form(form))
    }
}

/// [`Operation::form_body`] as the bytes a request carries.
pub(crate) fn form_bytes<Op: Operation>(op: &Op) -> Vec<u8> {
    FormWriter::write_exact_bytes(Op::ACTION, |form| op.write_form(form))
}

/// What every operation's output carries besides its own members, for
/// drivers that handle all operations alike (to log the request id of a
/// success, say). Sealed, as [`Operation`] is.
pub trait OperationOutput: fmt::Debug + sealed::Sealed {
    /// The id STS gave the request: from `ResponseMetadata/RequestId`, else
    /// from the `x-amzn-requestid` header.
    fn request_id(&self) -> Option<&str>;
}

/// What a request is built against: where it goes, who signs it, and when.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestContext<'a> {
    /// The resolved endpoint: URL, signing region and name.
    pub endpoint: &'a ResolvedEndpoint,
    /// The caller's credentials; required for signed operations.
    pub credentials: Option<&'a Credentials>,
    /// A signing key derived earlier for the same secret, day, region and
    /// service, to skip the derivation; ignored when it does not match.
    pub signing_key: Option<&'a SigningKey>,
    /// The time to sign with (the clock plus any skew correction).
    pub time: SystemTime,
    /// The `User-Agent` header to send, if any.
    pub user_agent: Option<&'a str>,
    /// The endpoint's URI and headers parsed once, used when made for the
    /// same endpoint URL and user agent (else they are parsed again).
    pub target: Option<&'a RequestTarget>,
}

impl<'a> RequestContext<'a> {
    /// A context for `endpoint` at `time`, without credentials.
    pub fn new(endpoint: &'a ResolvedEndpoint, time: SystemTime) -> Self {
        Self {
            endpoint,
            credentials: None,
            signing_key: None,
            time,
            user_agent: None,
            target: None,
        }
    }

    /// The same context with the endpoint's parts parsed beforehand.
    pub fn target(mut self, target: &'a RequestTarget) -> Self {
        self.target = Some(target);
        self
    }

    /// The same context with credentials.
    pub fn credentials(mut self, credentials: &'a Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The same context with a cached signing key.
    pub fn signing_key(mut self, key: &'a SigningKey) -> Self {
        self.signing_key = Some(key);
        self
    }

    /// The same context with a `User-Agent`.
    pub fn user_agent(mut self, user_agent: &'a str) -> Self {
        self.user_agent = Some(user_agent);
        self
    }
}

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A member breaks a model constraint; nothing was built.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A signed operation without credentials.
    #[error("{operation} must be signed, but no credentials were given")]
    MissingCredentials {
        /// The operation.
        operation: &'static str,
    },
    /// The endpoint URL or a header cannot form an HTTP request.
    #[error("cannot build the {operation} request: {reason}")]
    InvalidRequest {
        /// The operation.
        operation: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// Signing failed.
    #[error(transparent)]
    Signing(#[from] SigningError),
}

/// Validates `op` and builds its signed (or, for the two federation calls,
/// unsigned) `POST` request.
pub fn build<Op: Operation>(
    op: &Op,
    ctx: &RequestContext<'_>,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    op.validate()?;
    build_body(Op::ACTION, Op::SIGNED, form_bytes(op), ctx)
}

/// [`build`] without checking `op` against the model first: for a client
/// whose validation is turned off, so that the service judges the request
/// (a model older than the service refuses what the service now takes).
pub fn build_unvalidated<Op: Operation>(
    op: &Op,
    ctx: &RequestContext<'_>,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    build_body(Op::ACTION, Op::SIGNED, form_bytes(op), ctx)
}

/// The request of `action` with the form `body`, signed when `signed`:
/// [`build`] after validation, the same code for every operation.
pub(crate) fn build_body(
    action: &'static str,
    signed: bool,
    body: Vec<u8>,
    ctx: &RequestContext<'_>,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    let mut request = unsigned_request(action, body, ctx)?;
    if signed {
        let credentials = ctx
            .credentials
            .ok_or(BuildError::MissingCredentials { operation: action })?;
        sign(&mut request, credentials, ctx)?;
    }
    Ok(request)
}

/// Room in a request's header map for the headers it gets: `host`,
/// `content-type`, `user-agent`, and the signer's `x-amz-date`,
/// `authorization` and `x-amz-security-token`. (The map rounds 6 up to 8
/// slots; 7 would make it 16.)
const HEADERS: usize = 6;

fn unsigned_request(
    operation: &'static str,
    body: Vec<u8>,
    ctx: &RequestContext<'_>,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    let (uri, host, user_agent) = match ctx.target {
        Some(t) if t.url == ctx.endpoint.url && t.user_agent_text.as_deref() == ctx.user_agent => {
            (t.uri.clone(), t.host.clone(), t.user_agent.clone())
        }
        _ => {
            let t = RequestTarget::make(operation, ctx.endpoint, ctx.user_agent)?;
            (t.uri, t.host, t.user_agent)
        }
    };
    let mut request = http::Request::new(body);
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    *headers = HeaderMap::with_capacity(HEADERS);
    headers.insert(HOST, host);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
    if let Some(agent) = user_agent {
        headers.insert(http::header::USER_AGENT, agent);
    }
    Ok(request)
}

/// What every request to one endpoint starts from, parsed and checked
/// once: the URI, the `Host` header and the `User-Agent` header. A driver
/// that sends many requests keeps one and puts it in each
/// [`RequestContext`]; cloning its parts costs no allocation.
#[derive(Debug, Clone)]
pub struct RequestTarget {
    /// The endpoint URL and user agent it was made for.
    url: String,
    user_agent_text: Option<String>,
    uri: http::Uri,
    host: HeaderValue,
    user_agent: Option<HeaderValue>,
}

impl RequestTarget {
    /// The parts for `endpoint` and `user_agent`.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidRequest`] when the URL or the user agent cannot
    /// form a request; every request to the endpoint would fail the same way.
    pub fn new(endpoint: &ResolvedEndpoint, user_agent: Option<&str>) -> Result<Self, BuildError> {
        Self::make("any operation", endpoint, user_agent)
    }

    fn make(
        operation: &'static str,
        endpoint: &ResolvedEndpoint,
        user_agent: Option<&str>,
    ) -> Result<Self, BuildError> {
        let invalid = |reason: String| BuildError::InvalidRequest { operation, reason };
        let uri = endpoint_uri(operation, endpoint)?;
        let no_host = || invalid("the endpoint URL has no host".to_owned());
        // The resolver refuses user information; an endpoint made by hand
        // with some would send its password to the server in `Host`.
        if uri.authority().ok_or_else(no_host)?.as_str().contains('@') {
            return Err(invalid(
                "credentials in the endpoint URL are not supported".to_owned(),
            ));
        }
        // Nor `.` or `..` segments, as the resolver refuses them.
        if crate::endpoint::has_dot_segment(uri.path()) {
            return Err(invalid(
                "the endpoint URL's path may not have `.` or `..` segments".to_owned(),
            ));
        }
        // The host a signature covers when the request has none: lower
        // case and without a default port, as botocore signs and sends it,
        // and as a presigned URL of the same endpoint is signed for.
        let host = crate::sigv4::host_to_add(&uri, &http::HeaderMap::new())
            .ok()
            .flatten()
            .ok_or_else(no_host)?;
        let host = HeaderValue::try_from(host).map_err(|e| invalid(e.to_string()))?;
        let agent = user_agent
            .map(|agent| HeaderValue::from_str(agent).map_err(|e| invalid(e.to_string())))
            .transpose()?;
        Ok(Self {
            url: endpoint.url.clone(),
            user_agent_text: user_agent.map(str::to_owned),
            uri,
            host,
            user_agent: agent,
        })
    }
}

/// The URI requests to `endpoint` go to: its URL, with the path `/` when
/// it has none. `build` posts there and `presign` puts its query there.
fn endpoint_uri(
    operation: &'static str,
    endpoint: &ResolvedEndpoint,
) -> Result<http::Uri, BuildError> {
    let invalid = |reason: String| BuildError::InvalidRequest { operation, reason };
    let uri: http::Uri = endpoint
        .url
        .parse()
        .map_err(|e| invalid(format!("endpoint URL {:?}: {e}", endpoint.url)))?;
    if !uri.path().is_empty() && uri.path_and_query().is_some() {
        return Ok(uri);
    }
    let mut parts = uri.into_parts();
    parts.path_and_query = Some(http::uri::PathAndQuery::from_static("/"));
    http::Uri::from_parts(parts).map_err(|e| invalid(e.to_string()))
}

fn sign(
    request: &mut http::Request<Vec<u8>>,
    credentials: &Credentials,
    ctx: &RequestContext<'_>,
) -> Result<(), SigningError> {
    let params = signing_params(credentials, ctx);
    let mut derived = None;
    sigv4::sign_in_place(request, &params, signing_key(ctx, &params, &mut derived)?)
}

fn signing_params<'a>(
    credentials: &'a Credentials,
    ctx: &'a RequestContext<'_>,
) -> SigningParams<'a> {
    SigningParams::new(
        credentials,
        &ctx.endpoint.signing_region,
        &ctx.endpoint.signing_name,
        ctx.time,
    )
}

/// The context's cached key when it fits `params`, else one derived into `slot`.
fn signing_key<'k>(
    ctx: &RequestContext<'k>,
    params: &SigningParams<'_>,
    slot: &'k mut Option<SigningKey>,
) -> Result<&'k SigningKey, SigningError> {
    match ctx.signing_key {
        Some(key) if key.matches(params) => Ok(key),
        _ => SigningKey::get_or_derive(slot, params),
    }
}

/// A presigned `GET` URL for `op`: its parameters go in the query string
/// and the signature with them, valid for `expires_in` (1 s to 7 days).
///
/// Whoever holds the URL can make the call as the signer until it
/// expires, without the credentials: that is how a presigned
/// `GetCallerIdentity` proves an identity to EKS or Vault. `extra_headers`
/// are signed too, and must be sent with the URL (EKS signs
/// `x-k8s-aws-id`).
pub fn presign<Op: Operation>(
    op: &Op,
    ctx: &RequestContext<'_>,
    expires_in: std::time::Duration,
    extra_headers: &[(&str, &str)],
) -> Result<http::Request<Vec<u8>>, BuildError> {
    op.validate()?;
    let credentials = ctx.credentials.ok_or(BuildError::MissingCredentials {
        operation: Op::ACTION,
    })?;
    let invalid = |reason: String| BuildError::InvalidRequest {
        operation: Op::ACTION,
        reason,
    };
    // Where `build` posts (and botocore presigns): the endpoint's own
    // path, `/` when it has none, and its own query, which the
    // operation's parameters follow.
    let uri = endpoint_uri(Op::ACTION, ctx.endpoint)?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(invalid(format!(
            "endpoint URL {:?} is not absolute",
            ctx.endpoint.url
        )));
    };
    // The form writes a space as `+`, but in a URL's query SigV4 reads `+`
    // as a plus (and signs it as `%2B`), while the service decodes it as a
    // space: the signature would not match. A `+` of the form is always a
    // space (a plus is `%2B`), so `%20` says the same to both.
    let own_query = match uri.query() {
        Some(query) if !query.is_empty() => format!("{query}&"),
        _ => String::new(),
    };
    let url = format!(
        "{scheme}://{authority}{}?{own_query}{}",
        uri.path(),
        op.form_body().replace('+', "%20")
    );
    let mut builder = http::Request::builder().method(Method::GET).uri(url);
    for (name, value) in extra_headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder
        .body(Vec::new())
        .map_err(|e| invalid(e.to_string()))?;
    let params = signing_params(credentials, ctx);
    let mut derived = None;
    let key = signing_key(ctx, &params, &mut derived)?;
    sigv4::presign(&mut request, &params, expires_in, key)?;
    Ok(request)
}

/// The `<{Op}Result>` element of a response, by path below it.
#[derive(Debug)]
pub struct ResultReader<'a> {
    doc: &'a Document,
    /// The operation: the result element is `{action}Result`.
    action: &'static str,
    /// The result element, found once for every lookup below it.
    result: Scope,
    request_id: Option<&'a str>,
}

impl<'a> ResultReader<'a> {
    /// The text at `path` below the result element (`Credentials/AccessKeyId`).
    pub fn text(&self, path: &str) -> Option<&'a str> {
        self.text_at(&[path])
    }

    /// The text at the path `pieces` joined by `/`, without joining them.
    pub(crate) fn text_at(&self, pieces: &[&str]) -> Option<&'a str> {
        match self.result {
            Scope::Several => self
                .doc
                .leaves
                .find_path(|name| is_result(self.action, name), PathRest::new(pieces)),
            scope => self.doc.leaves.find_in(scope, PathRest::new(pieces)),
        }
    }

    /// The text of the child `name` of the element at `scope`, which is
    /// the element at `path` below the result.
    fn child_text(&self, scope: Scope, path: &str, name: &str) -> Option<&'a str> {
        match scope {
            Scope::Several => self.text_at(&[path, name]),
            scope => self.doc.leaves.find_in(scope, PathRest::new(&[name])),
        }
    }

    /// The text at `path`, owned, trimmed of surrounding whitespace.
    pub fn string(&self, path: &str) -> Option<String> {
        self.text(path).map(|t| trim(t).to_owned())
    }

    /// The text at `path`, trimmed, which must be there and not be empty.
    pub fn required(&self, path: &str) -> Result<&'a str, OutputError> {
        nonempty(path, self.text(path))
    }

    /// A timestamp at `path`, if present.
    pub fn timestamp(&self, path: &str) -> Result<Option<SystemTime>, OutputError> {
        self.text(path).map(|t| timestamp_at(path, t)).transpose()
    }

    /// A non-negative integer at `path`, if present.
    pub fn u32(&self, path: &str) -> Result<Option<u32>, OutputError> {
        self.text(path)
            .map(|t| {
                let t = trim(t);
                if t.is_empty() {
                    return Err(OutputError::empty(path));
                }
                t.parse().map_err(|_| {
                    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
                    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                        OutputError::out_of_range(path, t)
                    } else {
                        OutputError::not_a_number(path, t)
                    }
                })
            })
            .transpose()
    }

    /// The `Credentials` structure at `path`, with all four members
    /// required and not empty.
    pub fn credentials(&self, path: &str) -> Result<Credentials, OutputError> {
        let element = |name: &str| format!("{path}/{name}");
        // The structure is found once for its four members.
        let scope = match path.contains('/') {
            true => Scope::Several,
            false => self
                .doc
                .leaves
                .scope(self.result, |name| name == path.as_bytes()),
        };
        // No such structure at all is what the error names, not the first
        // member looked for in it.
        if scope == Scope::Nothing {
            return Err(OutputError::missing(path.to_owned()));
        }
        let member =
            |name: &str| nonempty_with(|| element(name), self.child_text(scope, path, name));
        let expiration = member("Expiration")?;
        let expiration = timestamp_with(|| element("Expiration"), expiration)?;
        Ok(Credentials::new(
            member("AccessKeyId")?,
            member("SecretAccessKey")?,
            Some(member("SessionToken")?.into()),
        )
        .with_expiration(expiration))
    }

    /// The entries of the map at the path `pieces` below the result
    /// (awsQuery writes a map as `<entry><key>k</key><value>v</value></entry>`
    /// children), in document order, keys and values trimmed as
    /// [`string`](Self::string) trims; `None` if the map is absent. An
    /// entry without a `<key>` is an error (botocore fails on a first
    /// such entry, and gives a later one the previous entry's key); an
    /// empty key is a key (the model sets no minimum), and an entry without
    /// a `<value>` maps to "".
    pub(crate) fn map(
        &self,
        pieces: &[&str],
    ) -> Result<Option<Vec<(String, String)>>, OutputError> {
        let leaves = &self.doc.leaves;
        let map = self.element_at(pieces);
        if map == Scope::Nothing {
            return Ok(None);
        }
        leaves
            .children(map, |n| n == b"entry")
            .map(|entry| {
                let key = leaves
                    .find_in(entry, PathRest::new(&["key"]))
                    .ok_or_else(|| {
                        OutputError::missing(format!("{}/entry/key", pieces.join("/")))
                    })?;
                let value = leaves
                    .find_in(entry, PathRest::new(&["value"]))
                    .unwrap_or("");
                Ok((trim(key).to_owned(), trim(value).to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The first element at the path `pieces` below the result, leaf or
    /// not.
    fn element_at(&self, pieces: &[&str]) -> Scope {
        let leaves = &self.doc.leaves;
        match self.result {
            Scope::Several => leaves
                .children(Scope::Root, |name| is_result(self.action, name))
                .map(|result| leaves.first_at(result, pieces))
                .find(|found| *found != Scope::Nothing)
                .unwrap_or(Scope::Nothing),
            result => leaves.first_at(result, pieces),
        }
    }

    /// Whether the answer has an element at the path `pieces` below the
    /// result, even an empty one: botocore reads `<Structure/>` as an
    /// empty structure, present.
    pub(crate) fn has(&self, pieces: &[&str]) -> bool {
        self.element_at(pieces) != Scope::Nothing
    }

    /// The request id from the body's `ResponseMetadata` or the headers.
    pub fn request_id(&self) -> Option<String> {
        self.request_id.map(str::to_owned)
    }
}

/// Whether `name` is the result element of `action`, `{action}Result`.
fn is_result(action: &str, name: &[u8]) -> bool {
    name.strip_prefix(action.as_bytes()) == Some(b"Result")
}

/// `text` trimmed, or why it cannot stand for the required `path`.
fn nonempty<'t>(path: &str, text: Option<&'t str>) -> Result<&'t str, OutputError> {
    nonempty_with(|| path.to_owned(), text)
}

/// `text` without the XML whitespace around it (space, tab, line feed,
/// carriage return): what an indented document puts around a value.
/// Not `str::trim`, which also cuts Unicode spaces (U+00A0, U+3000,
/// U+2028) that are part of a value as sent; botocore keeps them too.
///
/// A leaf's text almost always starts and ends with a printable ASCII
/// character, which no whitespace is: two byte tests then stand for the
/// search from each end.
pub(crate) fn trim(text: &str) -> &str {
    match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        [only] if only.is_ascii_graphic() => text,
        _ => text.trim_matches(crate::xml::XML_SPACE),
    }
}

/// [`nonempty`] with the path made only for an error.
fn nonempty_with(path: impl FnOnce() -> String, text: Option<&str>) -> Result<&str, OutputError> {
    match text.map(trim) {
        None => Err(OutputError::missing(path())),
        Some("") => Err(OutputError::empty(path())),
        Some(text) => Ok(text),
    }
}

/// The timestamp `text` found at `path`.
fn timestamp_at(path: &str, text: &str) -> Result<SystemTime, OutputError> {
    timestamp_with(|| path.to_owned(), text)
}

/// [`timestamp_at`] with the path made only for an error: a call that reads
/// its credentials does not pay for formatting `Credentials/Expiration`.
fn timestamp_with(path: impl FnOnce() -> String, text: &str) -> Result<SystemTime, OutputError> {
    if trim(text).is_empty() {
        return Err(OutputError::empty(path()));
    }
    parse_timestamp(text).map_err(|e| OutputError::not_a_timestamp(path(), e.reason, text))
}

fn cut(text: &str) -> String {
    text.chars().take(32).collect()
}

/// Reads a response to `Op`: its output on a success status, else the
/// service's error, with no panic on any input.
pub fn parse<Op: Operation>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Op::Output, ResponseError> {
    parse_with_limits::<Op>(status, headers, body, &XmlLimits::default())
}

/// [`parse`] with explicit limits on the document.
pub fn parse_with_limits<Op: Operation>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    limits: &XmlLimits,
) -> Result<Op::Output, ResponseError> {
    let mut output = None;
    read_response(Op::ACTION, status, headers, body, limits, &mut |result| {
        output = Some(Op::read_output(result)?);
        Ok(())
    })?;
    output.ok_or_else(|| no_output(Op::ACTION, status))
}

/// [`parse_with_limits`] for any operation, the same code for all: `read`
/// takes the result element of a success and keeps the output.
fn read_response(
    action: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    limits: &XmlLimits,
    read: &mut dyn FnMut(&ResultReader<'_>) -> Result<(), OutputError>,
) -> Result<(), ResponseError> {
    let header_id = || header_request_id(headers).map(error::clean_request_id);
    if !(200..300).contains(&status) {
        return Err(error::failure(status, header_id().as_deref(), body, limits));
    }
    xml::with_document(body, limits, |doc| {
        read_document(action, doc, status, headers, read)
    })
    .map_err(|e| error::malformed(action, status, header_id().as_deref(), e))?
}

/// The document of a success status, handed to `read` when it is the
/// response of `action`.
fn read_document(
    action: &'static str,
    doc: &Document,
    status: u16,
    headers: &HeaderMap,
    read: &mut dyn FnMut(&ResultReader<'_>) -> Result<(), OutputError>,
) -> Result<(), ResponseError> {
    // The headers' request id is looked up only where it is needed: a
    // success's body names its own, and a map lookup costs as much as
    // reading that.
    let header_id = || header_request_id(headers);
    if let Some(service_error) = error::service_error_from(doc, status, header_id) {
        // Some servers put an error document behind a 200.
        return Err(ResponseError::Service(service_error));
    }
    // The id reaches logs, errors and the output: a hostile one must not
    // bring line breaks or terminal escapes along.
    // Cleaned before the test for empty: an id of nothing but characters
    // the cleaning drops (U+00A0, which `trim` keeps) falls back to the
    // header's, as an empty one does.
    let request_id = doc
        .get("ResponseMetadata/RequestId")
        .map(|id| error::clean_request_id(trim(id)))
        .filter(|id| !id.is_empty())
        .or_else(|| header_id().map(error::clean_request_id));
    let request_id = request_id.as_deref();
    if doc.root.strip_prefix(action) != Some("Response") {
        return Err(error::malformed(
            action,
            status,
            request_id,
            MalformedReason::UnexpectedDocument {
                expected: action,
                root: cut(&doc.root),
            },
        ));
    }
    let result = doc
        .leaves
        .scope(Scope::Root, |name| is_result(action, name));
    if result == Scope::Nothing {
        // Without it every member of an output whose members are all
        // optional (GetCallerIdentity's) would read as absent: a broken
        // proxy's answer would pass for a success that says nothing.
        return Err(no_result(action, status, request_id));
    }
    let reader = ResultReader {
        doc,
        action,
        result,
        request_id,
    };
    read(&reader).map_err(|reason| error::malformed(action, status, request_id, reason))
}

/// The error for a read that reported success but left no output, which
/// [`read_response`] never does; an error rather than a panic all the same.
fn no_output(action: &'static str, status: u16) -> ResponseError {
    no_result(action, status, None)
}

/// The error for a response without its `{action}Result` element.
fn no_result(action: &'static str, status: u16, request_id: Option<&str>) -> ResponseError {
    error::malformed(
        action,
        status,
        request_id,
        OutputError::missing(format!("{action}Result")),
    )
}

/// The request id headers STS and its look-alikes send.
pub fn header_request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    use crate::endpoint::{self, EndpointConfig};
    use crate::ops::GetCallerIdentity;

    #[test]
    fn trim_cuts_xml_whitespace_only() {
        // Every string of up to four characters from ASCII graphic and
        // control characters, ASCII and Unicode whitespace, and non-ASCII
        // letters, whichever end they are at.
        let alphabet = [
            ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', 'a', '~', '!', '\u{7f}', '\u{0}', '\u{85}',
            '\u{a0}', '\u{2028}', '\u{3000}', 'é', '語',
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.chars().count() == texts.last().map_or(0, |l| l.chars().count()))
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        assert!(texts.len() > 80_000);
        for text in &texts {
            assert_eq!(
                trim(text),
                text.trim_matches([' ', '\t', '\n', '\r']),
                "{text:?}"
            );
        }
    }

    fn endpoint(region: &str) -> ResolvedEndpoint {
        endpoint::resolve(&EndpointConfig::new().with_region(region)).unwrap()
    }

    fn shown(request: &http::Request<Vec<u8>>) -> String {
        format!(
            "{} {} {:?} {:?}",
            request.method(),
            request.uri(),
            request.headers(),
            request.body()
        )
    }

    /// The output read through the scopes found once, and each member
    /// read on its own through the whole path, as lookups did before.
    fn read_both_ways(body: &str) -> (Result<Credentials, OutputError>, [Option<String>; 4]) {
        let doc = xml::parse(body.as_bytes(), &XmlLimits::default()).unwrap();
        let scoped = from_result(&doc, |result| result.credentials("Credentials"));
        let by_path = [
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration",
        ]
        .map(|m| {
            doc.get(&format!("GetSessionTokenResult/Credentials/{m}"))
                .map(str::to_owned)
        });
        (scoped, by_path)
    }

    /// What `read` makes of the `GetSessionToken` result of `doc`.
    fn from_result<T>(doc: &Document, read: impl FnOnce(&ResultReader<'_>) -> T) -> T {
        let mut read = Some(read);
        let mut made = None;
        read_document(
            "GetSessionToken",
            doc,
            200,
            &HeaderMap::new(),
            &mut |result| {
                made = read.take().map(|read| read(result));
                Ok(())
            },
        )
        .unwrap();
        made.expect("the result was read")
    }

    #[test]
    fn a_required_member_is_there_and_not_empty() {
        let body = "<GetSessionTokenResponse><GetSessionTokenResult>\
                    <A> x </A><E>  </E></GetSessionTokenResult></GetSessionTokenResponse>";
        let doc = xml::parse(body.as_bytes(), &XmlLimits::default()).unwrap();
        let got = from_result(&doc, |result| {
            ["A", "E", "M"].map(|path| {
                result
                    .required(path)
                    .map(str::to_owned)
                    .map_err(|e| e.to_string())
            })
        });
        assert_eq!(got[0], Ok("x".to_owned()));
        assert!(got[1].as_ref().is_err_and(|e| e.contains('E')), "{got:?}");
        assert!(got[2].as_ref().is_err_and(|e| e.contains('M')), "{got:?}");
    }

    #[test]
    fn a_success_without_credentials_names_the_structure_not_a_member() {
        let body = "<AssumeRoleResponse><AssumeRoleResult><PackedPolicySize>1</PackedPolicySize>\
                    </AssumeRoleResult></AssumeRoleResponse>";
        let e = parse::<crate::ops::AssumeRole>(200, &HeaderMap::new(), body.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("missing Credentials") && !e.contains("Expiration"),
            "{e}"
        );
        // An empty structure is there: its first member is what is missing.
        let body = "<AssumeRoleResponse><AssumeRoleResult><Credentials/>\
                    </AssumeRoleResult></AssumeRoleResponse>";
        let e = parse::<crate::ops::AssumeRole>(200, &HeaderMap::new(), body.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("Credentials/Expiration"), "{e}");
    }

    #[test]
    fn members_read_in_a_scope_are_the_first_at_their_path_when_elements_repeat() {
        let creds = |members: &str| format!("<Credentials>{members}</Credentials>");
        let all = "<AccessKeyId>A2</AccessKeyId><SecretAccessKey>S2</SecretAccessKey>\
                   <SessionToken>T2</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>";
        for body in [
            // One result, one structure: the scopes are found once.
            format!(
                "<GetSessionTokenResponse><GetSessionTokenResult>{}</GetSessionTokenResult></GetSessionTokenResponse>",
                creds(all)
            ),
            // A second structure: its members count where the first lacks them.
            format!(
                "<GetSessionTokenResponse><GetSessionTokenResult>{}{}</GetSessionTokenResult></GetSessionTokenResponse>",
                creds("<AccessKeyId>A1</AccessKeyId>"),
                creds(all)
            ),
            // A second result element, likewise.
            format!(
                "<GetSessionTokenResponse><GetSessionTokenResult>{}</GetSessionTokenResult>\
                 <GetSessionTokenResult>{}</GetSessionTokenResult></GetSessionTokenResponse>",
                creds("<SessionToken>T1</SessionToken>"),
                creds(all)
            ),
        ] {
            let (scoped, by_path) = read_both_ways(&body);
            let scoped = scoped.unwrap();
            let [key, secret, token, _] = by_path;
            assert_eq!(Some(scoped.access_key_id().to_owned()), key, "{body}");
            assert_eq!(Some(scoped.secret_access_key().expose().to_owned()), secret);
            assert_eq!(scoped.session_token().map(|t| t.expose().to_owned()), token);
        }
        // No structure in the result: missing, as before.
        let body = "<GetSessionTokenResponse><GetSessionTokenResult/></GetSessionTokenResponse>";
        let (scoped, by_path) = read_both_ways(body);
        assert!(scoped.is_err() && by_path.iter().all(Option::is_none));
    }

    #[test]
    fn a_success_without_its_result_element_is_malformed_not_empty() {
        let id = "<ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata>";
        for body in [
            format!("<GetCallerIdentityResponse>{id}</GetCallerIdentityResponse>"),
            // One level too deep is not the result either.
            format!(
                "<GetCallerIdentityResponse><Wrap><GetCallerIdentityResult><Account>1</Account>\
                 </GetCallerIdentityResult></Wrap>{id}</GetCallerIdentityResponse>"
            ),
        ] {
            match parse::<GetCallerIdentity>(200, &HeaderMap::new(), body.as_bytes()) {
                Err(ResponseError::Malformed {
                    request_id, reason, ..
                }) => {
                    assert_eq!(request_id.as_deref(), Some("rid-1"));
                    assert!(
                        reason.to_string().contains("GetCallerIdentityResult"),
                        "{reason}"
                    );
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        // An empty result is a result: every member is optional.
        let body = format!(
            "<GetCallerIdentityResponse><GetCallerIdentityResult/>{id}</GetCallerIdentityResponse>"
        );
        assert!(parse::<GetCallerIdentity>(200, &HeaderMap::new(), body.as_bytes()).is_ok());
    }

    #[test]
    fn a_wrong_document_keeps_the_request_id_of_its_body() {
        let body = "<OtherResponse><ResponseMetadata><RequestId>rid-2</RequestId>\
                    </ResponseMetadata></OtherResponse>";
        let e = parse::<GetCallerIdentity>(200, &HeaderMap::new(), body.as_bytes()).unwrap_err();
        assert_eq!(e.request_id(), Some("rid-2"), "{e:?}");
    }

    /// A presigned URL goes where `build` posts: to the endpoint's own
    /// path as given when it has one (`/sts`, not `/sts/`), else to `/`.
    #[test]
    fn a_presigned_url_keeps_the_endpoint_s_path() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut at = endpoint("eu-west-1");
        for (url, path) in [
            (at.url.clone(), "/"),
            ("http://localhost:5000/sts".to_owned(), "/sts"),
            ("http://localhost:5000/sts/".to_owned(), "/sts/"),
            ("http://localhost:5000/".to_owned(), "/"),
        ] {
            at.url = url;
            let ctx = RequestContext::new(&at, time).credentials(&credentials);
            let op = GetCallerIdentity::new();
            let presigned = presign(&op, &ctx, Duration::from_secs(60), &[]).unwrap();
            assert_eq!(presigned.uri().path(), path, "{}", at.url);
            assert!(
                presigned
                    .uri()
                    .query()
                    .is_some_and(|q| q.starts_with("Action=GetCallerIdentity&")),
                "{}",
                presigned.uri()
            );
            if path != "/" {
                assert_eq!(build(&op, &ctx).unwrap().uri().path(), path);
            }
        }
    }

    /// Found by comparing with botocore 1.44.8: `build` sent and signed the
    /// endpoint's authority as written (`STS.amazonaws.com:443`), where
    /// botocore and this crate's own presigned URLs (`host_to_add`) sign
    /// the lower-case host without its default port; and an endpoint made
    /// by hand with user information put the password in `Host`.
    #[test]
    fn the_host_header_is_the_host_botocore_signs() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let op = GetCallerIdentity::new();
        for (url, host) in [
            ("https://STS.amazonaws.com:443", "sts.amazonaws.com"),
            ("http://LocalHost:80/", "localhost"),
            ("http://[::1]:8080/", "[::1]:8080"),
        ] {
            let mut at = endpoint("us-east-1");
            at.url = url.to_owned();
            let ctx = RequestContext::new(&at, time).credentials(&credentials);
            let request = build(&op, &ctx).unwrap();
            assert_eq!(request.headers()[http::header::HOST], host, "{url}");
            let auth = request.headers()[http::header::AUTHORIZATION]
                .to_str()
                .unwrap();
            assert!(auth.contains("SignedHeaders=content-type;host;"), "{auth}");
        }
        let mut at = endpoint("us-east-1");
        at.url = "http://user:pass@localhost:5000/".to_owned();
        let ctx = RequestContext::new(&at, time).credentials(&credentials);
        let err = build(&op, &ctx).unwrap_err().to_string();
        assert!(err.contains("credentials in the endpoint URL"), "{err}");
        assert!(!err.contains("pass"), "{err}");
        at.url = "https://example.com/a/b/..".to_owned();
        let ctx = RequestContext::new(&at, time).credentials(&credentials);
        let err = build(&op, &ctx).unwrap_err().to_string();
        assert!(err.contains("`..` segments"), "{err}");
    }

    /// An endpoint URL's own query stays in the URL `build` posts to, so
    /// it stays in a presigned URL too, before the operation's
    /// parameters and signed with them (as botocore presigns).
    #[test]
    fn a_presigned_url_keeps_the_endpoint_s_query() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut at = endpoint("eu-west-1");
        at.url = "http://localhost:5000/sts?tenant=a%2Fb".to_owned();
        let ctx = RequestContext::new(&at, time).credentials(&credentials);
        let op = GetCallerIdentity::new();
        assert_eq!(
            build(&op, &ctx).unwrap().uri().query(),
            Some("tenant=a%2Fb")
        );
        let presigned = presign(&op, &ctx, Duration::from_secs(60), &[]).unwrap();
        let query = presigned.uri().query().unwrap_or_default();
        assert!(
            query.starts_with("tenant=a%2Fb&Action=GetCallerIdentity&Version=2011-06-15&X-Amz-"),
            "{query}"
        );
        // The signature covers it: the same URL without it signs differently.
        at.url = "http://localhost:5000/sts".to_owned();
        let ctx = RequestContext::new(&at, time).credentials(&credentials);
        let without = presign(&op, &ctx, Duration::from_secs(60), &[]).unwrap();
        let signature = |uri: &http::Uri| {
            uri.query()
                .and_then(|q| q.split("X-Amz-Signature=").nth(1))
                .map(str::to_owned)
        };
        assert!(signature(presigned.uri()).is_some());
        assert_ne!(signature(presigned.uri()), signature(without.uri()));
        // An empty query (`/sts?`) adds nothing.
        at.url = "http://localhost:5000/sts?".to_owned();
        let ctx = RequestContext::new(&at, time).credentials(&credentials);
        let empty = presign(&op, &ctx, Duration::from_secs(60), &[]).unwrap();
        assert!(
            empty
                .uri()
                .query()
                .is_some_and(|q| q.starts_with("Action=")),
            "{}",
            empty.uri()
        );
    }

    #[test]
    fn a_target_builds_the_request_a_fresh_parse_builds() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", Some("token".into()));
        let here = endpoint("eu-west-1");
        let elsewhere = endpoint("eu-west-2");
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ctx = RequestContext::new(&here, time)
            .credentials(&credentials)
            .user_agent("agent/1");
        let plain = shown(&build(&GetCallerIdentity::new(), &ctx).unwrap());
        assert!(plain.contains("\"user-agent\": \"agent/1\""), "{plain}");
        let target = RequestTarget::new(&here, Some("agent/1")).unwrap();
        let with = |target: &RequestTarget| {
            shown(&build(&GetCallerIdentity::new(), &ctx.target(target)).unwrap())
        };
        assert_eq!(with(&target), plain);
        // Made for another URL or user agent, it is not used.
        assert_eq!(
            with(&RequestTarget::new(&elsewhere, Some("agent/1")).unwrap()),
            plain
        );
        assert_eq!(with(&RequestTarget::new(&here, None).unwrap()), plain);
        // A URL no request can have is refused by both.
        let mut bad = here.clone();
        bad.url = "https://bad host".into();
        assert!(RequestTarget::new(&bad, None).is_err());
        let ctx = RequestContext::new(&bad, time).credentials(&credentials);
        assert!(matches!(
            build(&GetCallerIdentity::new(), &ctx.target(&target)),
            Err(BuildError::InvalidRequest { .. })
        ));
    }

    #[test]
    fn a_cached_key_that_does_not_fit_is_not_used() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
        let here = endpoint("eu-west-1");
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ctx = RequestContext::new(&here, time).credentials(&credentials);
        let fresh = shown(&build(&GetCallerIdentity::new(), &ctx).unwrap());
        let key_for = |credentials: &Credentials, region: &str, time| {
            SigningKey::derive(&SigningParams::new(credentials, region, "sts", time)).unwrap()
        };
        let other_secret = Credentials::new("AKIDEXAMPLE", "other", None);
        for stale in [
            // The day before, another region, another secret of the same id.
            key_for(
                &credentials,
                "eu-west-1",
                time - Duration::from_secs(86_400),
            ),
            key_for(&credentials, "eu-west-2", time),
            key_for(&other_secret, "eu-west-1", time),
        ] {
            let signed = build(&GetCallerIdentity::new(), &ctx.signing_key(&stale)).unwrap();
            assert_eq!(shown(&signed), fresh);
        }
        // One that fits is used, and signs the same.
        let fitting = key_for(&credentials, "eu-west-1", time);
        let signed = build(&GetCallerIdentity::new(), &ctx.signing_key(&fitting)).unwrap();
        assert_eq!(shown(&signed), fresh);
    }
}
