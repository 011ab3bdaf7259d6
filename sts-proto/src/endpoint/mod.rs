//! Endpoint resolution: which URL a request goes to, and which region and
//! service name sign it.
//!
//! This is the STS endpoint rule set of the Smithy model
//! (`endpoint-rule-set-1.json`) written out as Rust, so that every setting
//! the AWS SDKs accept gives the same endpoint here, including the same
//! errors with the same messages. The inputs are the rule set's parameters:
//!
//! | rule-set parameter  | [`EndpointConfig`] field | SDK setting                            |
//! |---------------------|--------------------------|----------------------------------------|
//! | `Region`            | `region`                 | `AWS_REGION`, profile `region`         |
//! | `UseFIPS`           | `use_fips`               | `AWS_USE_FIPS_ENDPOINT`                |
//! | `UseDualStack`      | `use_dual_stack`         | `AWS_USE_DUALSTACK_ENDPOINT`           |
//! | `UseGlobalEndpoint` | `use_global_endpoint`    | `AWS_STS_REGIONAL_ENDPOINTS=legacy`    |
//! | `Endpoint`          | `endpoint`               | `AWS_ENDPOINT_URL_STS`, `endpoint_url` |
//!
//! Reading those settings is the driver's job; this module only decides.
//!
//! On top of the rule set, the inputs are checked before they are used,
//! because they are untrusted text that ends up in a URL and in the SigV4
//! credential scope: a region must be a single DNS label
//! (`isValidHostLabel`), and an explicit endpoint must be an absolute
//! `http` or `https` URL without credentials, query or fragment. The rule
//! set itself would happily build `https://sts.us-east-1/evil.amazonaws.com`.
//!
//! ```
//! use sts_proto::endpoint::{EndpointConfig, resolve};
//!
//! let regional = resolve(&EndpointConfig::new().with_region("eu-west-1"))?;
//! assert_eq!(regional.url, "https://sts.eu-west-1.amazonaws.com");
//! assert_eq!(regional.signing_region, "eu-west-1");
//!
//! // The legacy global endpoint, signed for us-east-1.
//! let global = resolve(
//!     &EndpointConfig::new().with_region("eu-west-1").with_global_endpoint(true),
//! )?;
//! assert_eq!(global.url, "https://sts.amazonaws.com");
//! assert_eq!(global.signing_region, "us-east-1");
//!
//! // A local test server.
//! let local = resolve(&EndpointConfig::new().with_endpoint("http://localhost:5000"))?;
//! assert_eq!(local.url, "http://localhost:5000");
//! # Ok::<(), sts_proto::endpoint::EndpointError>(())
//! ```

use std::fmt;

pub mod partitions;

use partitions::{Partition, partition_for_region};

/// The service name STS requests are signed with.
pub const SIGNING_NAME: &str = "sts";

/// The legacy global endpoint, served from us-east-1.
pub const GLOBAL_ENDPOINT: &str = "https://sts.amazonaws.com";

/// The region requests to [`GLOBAL_ENDPOINT`] are signed for.
pub const GLOBAL_SIGNING_REGION: &str = "us-east-1";

/// The region a request to an explicit endpoint is signed for when no region
/// is configured.
///
/// The rule set gives no signing region for an explicit endpoint (the SDKs
/// then sign with the configured region). Without one, STS's home region is
/// the choice that works with both AWS's global endpoint and local test
/// servers such as moto, which accept any region.
pub const DEFAULT_SIGNING_REGION: &str = "us-east-1";

/// The regions whose requests went to the global endpoint before STS had
/// regional endpoints, in the order of the rule set.
///
/// With [`EndpointConfig::use_global_endpoint`] (the SDKs'
/// `sts_regional_endpoints = legacy`) these, and only these, are sent to
/// [`GLOBAL_ENDPOINT`]; every other region keeps its regional endpoint.
pub const LEGACY_GLOBAL_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// The longest region or endpoint text quoted back in an error message;
/// longer input is cut, so that a hostile megabyte does not become a
/// megabyte of log line. The error's field keeps the whole input.
const QUOTE_LIMIT: usize = 100;

/// Everything endpoint resolution depends on: the rule set's parameters.
///
/// Build it from [`Default`] (all flags off, nothing set) or
/// [`EndpointConfig::new`] and the `with_*` methods, or assign the public
/// fields. It is `#[non_exhaustive]` so that parameters the rule set may
/// gain later (an account ID, say) can be added without breaking callers.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointConfig {
    /// The AWS region, e.g. `us-east-1`. Required unless [`endpoint`] is
    /// set; with an explicit endpoint it is still the signing region.
    ///
    /// [`endpoint`]: EndpointConfig::endpoint
    pub region: Option<String>,
    /// Use the FIPS 140 validated endpoint (`sts-fips.…`).
    pub use_fips: bool,
    /// Use the dual-stack (IPv4 and IPv6) endpoint (`….api.aws`).
    pub use_dual_stack: bool,
    /// Send the legacy global regions to [`GLOBAL_ENDPOINT`] instead of
    /// their regional endpoints; see [`LEGACY_GLOBAL_REGIONS`]. The SDKs'
    /// `sts_regional_endpoints = legacy`.
    pub use_global_endpoint: bool,
    /// An explicit endpoint URL that overrides everything the region would
    /// choose, e.g. `http://localhost:5000` for a local test server.
    pub endpoint: Option<String>,
}

/// The endpoint URL as [`redact_for_errors`] shows it: a URL given with a
/// password in it does not put the password into logs.
impl fmt::Debug for EndpointConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            region,
            use_fips,
            use_dual_stack,
            use_global_endpoint,
            endpoint,
        } = self;
        f.debug_struct("EndpointConfig")
            .field("region", region)
            .field("use_fips", use_fips)
            .field("use_dual_stack", use_dual_stack)
            .field("use_global_endpoint", use_global_endpoint)
            .field("endpoint", &endpoint.as_deref().map(redact_for_errors))
            .finish()
    }
}

/// The URL as [`redact_for_errors`] shows it.
impl fmt::Debug for ResolvedEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            url,
            signing_region,
            signing_name,
        } = self;
        f.debug_struct("ResolvedEndpoint")
            .field("url", &redact_for_errors(url))
            .field("signing_region", signing_region)
            .field("signing_name", signing_name)
            .finish()
    }
}

impl EndpointConfig {
    /// A configuration with nothing set and every flag off; the same as
    /// [`Default::default`]. Resolving it fails with
    /// [`EndpointError::MissingRegion`] until a region or endpoint is set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the region.
    #[must_use]
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Turns the FIPS endpoint on or off.
    #[must_use]
    pub fn with_fips(mut self, use_fips: bool) -> Self {
        self.use_fips = use_fips;
        self
    }

    /// Turns the dual-stack endpoint on or off.
    #[must_use]
    pub fn with_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.use_dual_stack = use_dual_stack;
        self
    }

    /// Turns the legacy global endpoint on or off for the regions that
    /// used it ([`LEGACY_GLOBAL_REGIONS`]).
    #[must_use]
    pub fn with_global_endpoint(mut self, use_global_endpoint: bool) -> Self {
        self.use_global_endpoint = use_global_endpoint;
        self
    }

    /// Sets an explicit endpoint URL.
    #[must_use]
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Resolves this configuration; the same as [`resolve`].
    ///
    /// # Errors
    ///
    /// As [`resolve`].
    pub fn resolve(&self) -> Result<ResolvedEndpoint, EndpointError> {
        resolve(self)
    }
}

/// Where to send a request and how to sign it: from [`resolve`], or made
/// with [`ResolvedEndpoint::new`] for an endpoint of one's own.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolvedEndpoint {
    /// The endpoint's base URL: `scheme://authority[/path]`, without a
    /// query or fragment, and without a slash after the authority alone (e.g.
    /// `https://sts.us-east-1.amazonaws.com`). A request's path is appended
    /// to it, `/` for every STS operation.
    pub url: String,
    /// The region for the SigV4 credential scope. Not always the configured
    /// region: the global endpoint is signed for `us-east-1`.
    pub signing_region: String,
    /// The service name for the SigV4 credential scope: always
    /// [`SIGNING_NAME`] for STS, carried here so signing code need not know.
    pub signing_name: String,
}

impl ResolvedEndpoint {
    /// The endpoint at `url` (as [`url`](Self::url) describes it), signed
    /// for `signing_region` and the [`SIGNING_NAME`] `sts`.
    pub fn new(url: impl Into<String>, signing_region: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            signing_region: signing_region.into(),
            signing_name: SIGNING_NAME.to_owned(),
        }
    }
}

/// Why a configuration has no endpoint.
///
/// The variants the rule set defines display the rule set's own message, so
/// users see what every AWS SDK would tell them; the input checks this
/// module adds name the input they reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// Neither a region nor an explicit endpoint is configured.
    #[error("Invalid Configuration: Missing Region")]
    MissingRegion,
    /// The region is set but empty, which usually means an empty
    /// `AWS_REGION` or `region =` setting rather than a deliberate choice.
    #[error("invalid region \"\": the region is set but empty; set one such as us-east-1")]
    EmptyRegion,
    /// The region is not a single DNS label (letters, digits and `-`, at
    /// most 63 characters, not starting with `-`), so it cannot be put in a
    /// host name or a credential scope.
    #[error("invalid region {}: {reason}", Quoted(.region))]
    InvalidRegion {
        /// The region as given.
        region: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The explicit endpoint is not an absolute `http`/`https` URL this
    /// client can send to.
    #[error("invalid endpoint {}: {reason}", Quoted(.endpoint))]
    InvalidEndpoint {
        /// The endpoint as given, with any `user:password@` replaced by
        /// `***@` so that credentials never reach an error message.
        endpoint: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// FIPS was asked for together with an explicit endpoint, whose FIPS
    /// status this client cannot know.
    #[error("Invalid Configuration: FIPS and custom endpoint are not supported")]
    FipsWithCustomEndpoint,
    /// Dual-stack was asked for together with an explicit endpoint.
    #[error("Invalid Configuration: Dualstack and custom endpoint are not supported")]
    DualStackWithCustomEndpoint,
    /// FIPS and dual-stack together, in a partition lacking one of them.
    #[error("FIPS and DualStack are enabled, but this partition does not support one or both")]
    FipsDualStackUnsupported {
        /// The region's partition.
        partition: &'static str,
    },
    /// FIPS in a partition without FIPS endpoints.
    #[error("FIPS is enabled but this partition does not support FIPS")]
    FipsUnsupported {
        /// The region's partition.
        partition: &'static str,
    },
    /// Dual-stack in a partition without dual-stack endpoints.
    #[error("DualStack is enabled but this partition does not support DualStack")]
    DualStackUnsupported {
        /// The region's partition.
        partition: &'static str,
    },
}

/// Resolves a configuration to an endpoint, following the STS endpoint rule
/// set.
///
/// In order:
/// 1. the inputs are checked: a set region must be a valid host label, a set
///    endpoint a valid absolute `http(s)` URL;
/// 2. with [`use_global_endpoint`](EndpointConfig::use_global_endpoint), no
///    explicit endpoint, FIPS and dual-stack off, a region in
///    [`LEGACY_GLOBAL_REGIONS`] goes to [`GLOBAL_ENDPOINT`] signed for
///    `us-east-1`; any other region to its regional endpoint;
/// 3. an explicit endpoint is used as given (FIPS or dual-stack with it are
///    errors), signed for the region or [`DEFAULT_SIGNING_REGION`];
/// 4. otherwise the region's partition decides: FIPS and/or dual-stack
///    variants (`sts-fips.{region}.{suffix}`, `sts.{region}.{dual-stack
///    suffix}`; GovCloud's FIPS endpoint is its regional one), the region
///    `aws-global` the global endpoint, anything else
///    `https://sts.{region}.{dnsSuffix}`;
/// 5. no region and no endpoint: [`EndpointError::MissingRegion`].
///
/// It never panics, and never builds a URL from text it has not checked.
///
/// # Errors
///
/// Any [`EndpointError`]: a missing, empty or malformed region, a malformed
/// explicit endpoint, or a FIPS/dual-stack combination the rule set refuses.
pub fn resolve(config: &EndpointConfig) -> Result<ResolvedEndpoint, EndpointError> {
    let region = config.region.as_deref().map(check_region).transpose()?;
    let endpoint = config.endpoint.as_deref().map(check_endpoint).transpose()?;

    // Step 2: the legacy global endpoint (the rule set's first rule).
    if config.use_global_endpoint
        && endpoint.is_none()
        && !config.use_fips
        && !config.use_dual_stack
        && let Some(region) = region
    {
        if LEGACY_GLOBAL_REGIONS.contains(&region) {
            return Ok(global());
        }
        let partition = partition_for_region(region);
        return Ok(regional(
            format!("https://sts.{region}.{}", partition.dns_suffix),
            region,
        ));
    }

    // Step 3: an explicit endpoint.
    if let Some(url) = endpoint {
        if config.use_fips {
            return Err(EndpointError::FipsWithCustomEndpoint);
        }
        if config.use_dual_stack {
            return Err(EndpointError::DualStackWithCustomEndpoint);
        }
        return Ok(regional(url, region.unwrap_or(DEFAULT_SIGNING_REGION)));
    }

    // Steps 4 and 5: the region's partition, or no region at all.
    let Some(region) = region else {
        return Err(EndpointError::MissingRegion);
    };
    let partition = partition_for_region(region);
    let url = partition_url(partition, region, config.use_fips, config.use_dual_stack)?;
    match url {
        Some(url) => Ok(regional(url, region)),
        None => Ok(global()),
    }
}

/// The URL the partition rules give, or `None` for the global endpoint.
fn partition_url(
    partition: &Partition,
    region: &str,
    use_fips: bool,
    use_dual_stack: bool,
) -> Result<Option<String>, EndpointError> {
    let Partition {
        name,
        dns_suffix,
        dual_stack_dns_suffix,
        supports_fips,
        supports_dual_stack,
        ..
    } = *partition;
    let url = match (use_fips, use_dual_stack) {
        (true, true) => {
            if !(supports_fips && supports_dual_stack) {
                return Err(EndpointError::FipsDualStackUnsupported { partition: name });
            }
            format!("https://sts-fips.{region}.{dual_stack_dns_suffix}")
        }
        (true, false) => {
            if !supports_fips {
                return Err(EndpointError::FipsUnsupported { partition: name });
            }
            if name == "aws-us-gov" {
                // GovCloud's regional endpoints are FIPS endpoints already.
                format!("https://sts.{region}.amazonaws.com")
            } else {
                format!("https://sts-fips.{region}.{dns_suffix}")
            }
        }
        (false, true) => {
            if !supports_dual_stack {
                return Err(EndpointError::DualStackUnsupported { partition: name });
            }
            format!("https://sts.{region}.{dual_stack_dns_suffix}")
        }
        (false, false) if region == "aws-global" => return Ok(None),
        (false, false) => format!("https://sts.{region}.{dns_suffix}"),
    };
    Ok(Some(url))
}

/// The global endpoint, signed for us-east-1.
fn global() -> ResolvedEndpoint {
    ResolvedEndpoint {
        url: GLOBAL_ENDPOINT.to_owned(),
        signing_region: GLOBAL_SIGNING_REGION.to_owned(),
        signing_name: SIGNING_NAME.to_owned(),
    }
}

/// An endpoint signed for `signing_region`.
fn regional(url: String, signing_region: &str) -> ResolvedEndpoint {
    ResolvedEndpoint {
        url,
        signing_region: signing_region.to_owned(),
        signing_name: SIGNING_NAME.to_owned(),
    }
}

/// Checks a configured region: the rules language's `isValidHostLabel`
/// (without dots), ASCII only.
fn check_region(region: &str) -> Result<&str, EndpointError> {
    let invalid = |reason| EndpointError::InvalidRegion {
        region: region.to_owned(),
        reason,
    };
    if region.is_empty() {
        return Err(EndpointError::EmptyRegion);
    }
    if region.len() > 63 {
        return Err(invalid("a region is at most 63 characters long"));
    }
    if !region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(invalid(
            "a region may contain only ASCII letters, digits and '-'",
        ));
    }
    if region.starts_with('-') {
        return Err(invalid("a region may not start with '-'"));
    }
    Ok(region)
}

/// Whether `path` has a `.` or `..` segment, which no endpoint may have:
/// HTTP clients send `/a/..` as it stands, and signers disagree on its
/// canonical form (botocore signs `/a`, aws-sigv4 and this crate `/a/`, as
/// RFC 3986 has it), so the server may not agree with either.
pub(crate) fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| matches!(segment, "." | ".."))
}

/// Checks an explicit endpoint and returns its normalized form:
/// `scheme://authority` plus its path as given (a trailing slash too, so
/// that a request goes to `/sts/` for `https://proxy/sts/`, as the AWS CLI
/// sends it, and a proxy that routes `/sts/` gets it), nothing for a lone
/// `/`.
fn check_endpoint(endpoint: &str) -> Result<String, EndpointError> {
    let invalid = |reason| EndpointError::InvalidEndpoint {
        endpoint: redact_for_errors(endpoint),
        reason,
    };
    if endpoint.is_empty() {
        return Err(invalid("the endpoint is an empty string"));
    }
    // Before parsing: a password with `#`, `/` or `?` in it makes the
    // parser see a bad port or path instead, and the message would mislead.
    if endpoint.contains('@') {
        return Err(invalid(
            "credentials in the URL are not supported (an `@` elsewhere must be written %40)",
        ));
    }
    if !endpoint.bytes().all(|b| b.is_ascii_graphic()) {
        // `http::Uri` lets raw non-ASCII bytes through in the path.
        return Err(invalid(
            "a URL may contain only printable ASCII without spaces; percent-encode the rest",
        ));
    }
    let uri: http::Uri = endpoint.parse().map_err(|_| invalid("not a valid URL"))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(invalid(
            "not an absolute URL; give scheme and host, e.g. https://sts.example.com",
        ));
    };
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else {
        return Err(invalid("the scheme must be http or https"));
    };
    if authority.as_str().contains('@') {
        return Err(invalid("credentials in the URL are not supported"));
    }
    if authority.host().is_empty() {
        return Err(invalid("the URL has no host"));
    }
    // Without userinfo the authority is `host[:port]`; `http::Uri` accepts
    // any text as the port.
    let after_host = authority
        .as_str()
        .get(authority.host().len()..)
        .unwrap_or_default();
    if !after_host.is_empty() && !matches!(authority.port_u16(), Some(port) if port != 0) {
        return Err(invalid("the port must be a number from 1 to 65535"));
    }
    // `http::Uri` silently drops a `#` fragment, so look for it in the input.
    if uri.query().is_some() || endpoint.contains('#') {
        return Err(invalid(
            "an endpoint may not have a query or fragment; requests carry their own",
        ));
    }
    if has_dot_segment(uri.path()) {
        return Err(invalid(
            "the path may not have `.` or `..` segments; give the path they lead to",
        ));
    }
    let path = match uri.path() {
        "/" => "",
        path => path,
    };
    Ok(format!("{scheme}://{authority}{path}"))
}

/// `endpoint` with everything from after `scheme://` (or from the start,
/// without a scheme) up to its last `@` replaced by `***`.
///
/// A URL parser ends the authority at the first `/`, `?` or `#`, but a
/// password typed into a URL can hold any of them (AWS secret keys hold
/// `/`), and a URL that does not parse is exactly what an error quotes.
/// So every `@` counts: `https://AKID:wJalr/XUtn@host` and
/// `https://admin:hun#ter2@host` both become `https://***@host`. An `@`
/// that was really in the path or query hides the host as well, which
/// costs a less helpful message and never a leaked secret.
fn redact_userinfo(endpoint: &str) -> String {
    let start = match endpoint.find("://") {
        Some(i) if is_scheme(endpoint.get(..i).unwrap_or_default()) => i + 3,
        _ => 0,
    };
    let rest = endpoint.get(start..).unwrap_or_default();
    match rest.rfind('@') {
        Some(at) => format!(
            "{}***{}",
            endpoint.get(..start).unwrap_or_default(),
            rest.get(at..).unwrap_or_default()
        ),
        None => endpoint.to_owned(),
    }
}

/// `endpoint` as an error or a log line may quote it: userinfo hidden
/// (everything between `scheme://` and the last `@`, since a password can
/// hold `/`, `?` or `#`), and any query or fragment too, since either can
/// carry a token (`?X-Amz-Security-Token=…`, `#access_token=…`). For the
/// URLs of other services a driver calls (instance metadata, an SSO
/// portal), so that their errors follow the same rule as this module's.
///
/// ```
/// use sts_proto::endpoint::redact_for_errors;
///
/// assert_eq!(
///     redact_for_errors("http://user:pa/ss@169.254.169.254/latest?t=1"),
///     "http://***@169.254.169.254/latest?***"
/// );
/// ```
pub fn redact_for_errors(endpoint: &str) -> String {
    let mut text = redact_userinfo(endpoint);
    if let Some(cut) = text.find(['?', '#']) {
        text.truncate(cut);
        text.push_str("?***");
    }
    text
}

/// RFC 3986's `scheme`: a letter, then letters, digits, `+`, `-`, `.`.
fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Untrusted text in an error message: quoted, with quotes, backslashes,
/// control and non-ASCII characters escaped (no terminal tricks, no
/// look-alike letters), and cut after [`QUOTE_LIMIT`] characters.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        f.write_str("\"")?;
        for c in chars.by_ref().take(QUOTE_LIMIT) {
            write!(f, "{}", c.escape_default())?;
        }
        f.write_str("\"")?;
        let rest = chars.count();
        if rest > 0 {
            write!(f, " (and {rest} more characters)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
