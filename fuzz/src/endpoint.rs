//! `endpoint`: endpoint resolution from any region, endpoint and flags.

use std::time::{Duration, UNIX_EPOCH};

use sts_proto::endpoint::{self, EndpointConfig, EndpointError, ResolvedEndpoint};
use sts_proto::operation::{self, RequestContext};
use sts_proto::ops::GetCallerIdentity;
use sts_proto::{BuildError, Credentials};

/// Flag bits of the input's first byte.
const FLAG_FIPS: u8 = 1;
const FLAG_DUAL_STACK: u8 = 2;
const FLAG_GLOBAL: u8 = 4;
const FLAG_REGION: u8 = 8;
const FLAG_ENDPOINT: u8 = 16;

/// Input: `[flags, region length, region…, endpoint…]`: the region is the
/// next `region length` bytes, the endpoint the rest, both read as UTF-8
/// with invalid sequences replaced; each is set only if its flag is.
///
/// A resolved endpoint must be usable as it stands: an `http(s)` URL
/// without trailing slash, query, fragment or credentials, signed for a
/// valid region under the name `sts`, from which a signed request can be
/// built. An error must quote the input only briefly.
pub fn endpoint(data: &[u8]) {
    let [flags, region_len, rest @ ..] = data else {
        return;
    };
    let (region, url) = rest.split_at(usize::from(*region_len).min(rest.len()));
    let mut config = EndpointConfig::new()
        .with_fips(flags & FLAG_FIPS != 0)
        .with_dual_stack(flags & FLAG_DUAL_STACK != 0)
        .with_global_endpoint(flags & FLAG_GLOBAL != 0);
    if flags & FLAG_REGION != 0 {
        config = config.with_region(String::from_utf8_lossy(region));
    }
    if flags & FLAG_ENDPOINT != 0 {
        config = config.with_endpoint(String::from_utf8_lossy(url));
    }
    let resolved = endpoint::resolve(&config);
    assert_eq!(
        resolved,
        config.resolve(),
        "resolution is not deterministic"
    );
    match resolved {
        Ok(resolved) => check_resolved(&config, &resolved),
        Err(error) => check_error(&config, &error),
    }
}

fn check_resolved(config: &EndpointConfig, resolved: &ResolvedEndpoint) {
    let url = resolved.url.as_str();
    assert_eq!(resolved.signing_name, endpoint::SIGNING_NAME);
    let region = resolved.signing_region.as_bytes();
    assert!(
        !region.is_empty()
            && region.len() <= 63
            && region[0] != b'-'
            && region
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-'),
        "signing region {:?}",
        resolved.signing_region
    );
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("{url:?} is not an http(s) URL"));
    assert!(!rest.is_empty(), "{url:?} has no host");
    assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url:?}");
    // An explicit endpoint's path is kept as given, a trailing slash too
    // (the AWS CLI posts to `/sts/`); only a lone `/` after the host goes.
    let (_, path) = rest.split_once('/').unwrap_or((rest, ""));
    assert!(
        !(rest.ends_with('/') && path.is_empty()),
        "{url:?} ends with a / after the host"
    );
    assert!(!url.contains(['?', '#']), "{url:?} has a query or fragment");
    let authority = rest.split('/').next().unwrap_or_default();
    assert!(!authority.contains('@'), "{url:?} carries credentials");
    if config.endpoint.is_none() {
        assert!(url.starts_with("https://sts"), "{url:?}");
    }
    // Usable: a signed request can be built on it.
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", Some("token".into()));
    let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let ctx = RequestContext::new(resolved, time).credentials(&credentials);
    match operation::build(&GetCallerIdentity::new(), &ctx) {
        Ok(request) => {
            let host = request.headers().get(http::header::HOST);
            assert!(host.is_some_and(|h| !h.is_empty()), "{url:?} gave no host");
            // The request goes to the endpoint's path as given, `/` for none.
            let wanted = match path {
                "" => "/".to_owned(),
                path => format!("/{path}"),
            };
            assert_eq!(request.uri().path(), wanted, "{url:?}");
        }
        Err(e @ (BuildError::InvalidRequest { .. } | BuildError::Signing(_))) => {
            panic!("resolved {url:?} cannot be used: {e}")
        }
        Err(e) => panic!("unexpected {e}"),
    }
}

fn check_error(config: &EndpointConfig, error: &EndpointError) {
    let shown = error.to_string();
    // A quote is at most 100 characters, each escaped to at most 10.
    assert!(shown.len() <= 1_400, "a {}-byte error message", shown.len());
    assert!(
        !shown.chars().any(char::is_control),
        "control character in {shown:?}"
    );
    if config.region.is_none() && config.endpoint.is_none() {
        assert_eq!(*error, EndpointError::MissingRegion);
    }
    if let EndpointError::InvalidEndpoint { endpoint, .. } = error {
        // Redaction replaces any userinfo with `***` (three more characters
        // at most, for an empty one) and any query or fragment with `?***`
        // (four more at most, for a lone `?` or `#`); it never adds more.
        let given = config.endpoint.as_deref().unwrap_or_default();
        assert!(endpoint.len() <= given.len() + 3 + 4);
    }
}
