//! The `host` header every SigV4 signature covers.

use http::Uri;
use http::header::{HOST, HeaderMap};

use super::SigningError;

/// The value to add as `host`, or `None` when the request already has a
/// usable `Host` header (which is then signed as it stands, because that
/// is what the HTTP client will send).
///
/// Without one, the host comes from the URI's authority, minus any user
/// information, in lower case, and minus the port when it is the scheme's
/// default, since HTTP clients leave a default port out of the `Host` they
/// send; a port is written as a number (`:08080` as `:8080`). This is the
/// host botocore signs (`urlsplit(url).hostname` and `.port`).
pub(crate) fn host_to_add(uri: &Uri, headers: &HeaderMap) -> Result<Option<String>, SigningError> {
    if let Some(value) = headers.get(HOST) {
        return if value.as_bytes().iter().all(u8::is_ascii_whitespace) {
            Err(SigningError::MissingHost)
        } else {
            Ok(None)
        };
    }
    let authority = uri.authority().ok_or(SigningError::MissingHost)?.as_str();
    // Parsed here rather than with `Authority::host`, which indexes into
    // the text and must not be trusted with every authority `http` accepts.
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, rest)| rest);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((_, rest)) => (
                &host_port[..host_port.len() - rest.len()],
                rest.strip_prefix(':'),
            ),
            None => (host_port, None),
        },
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    if host.is_empty() {
        return Err(SigningError::MissingHost);
    }
    let default_port = match uri.scheme_str() {
        Some(scheme) if scheme.eq_ignore_ascii_case("https") => Some(443),
        Some(scheme) if scheme.eq_ignore_ascii_case("http") => Some(80),
        _ => None,
    };
    let host = host.to_ascii_lowercase();
    let port = port.filter(|port| !port.is_empty());
    Ok(Some(match port.map(|p| (p, p.parse::<u16>().ok())) {
        None => host,
        Some((_, Some(number))) if Some(number) == default_port => host,
        Some((_, Some(number))) => format!("{host}:{number}"),
        // Not a port number: as written, for the server to refuse.
        Some((text, None)) => format!("{host}:{text}"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added(uri: &str) -> Result<Option<String>, SigningError> {
        host_to_add(&uri.parse().unwrap(), &HeaderMap::new())
    }

    #[test]
    fn default_ports_and_user_info_are_dropped() {
        assert_eq!(
            added("https://sts.amazonaws.com/").unwrap().unwrap(),
            "sts.amazonaws.com"
        );
        assert_eq!(
            added("https://sts.amazonaws.com:443/").unwrap().unwrap(),
            "sts.amazonaws.com"
        );
        assert_eq!(added("http://localhost:80/").unwrap().unwrap(), "localhost");
        assert_eq!(
            added("http://localhost:5000/").unwrap().unwrap(),
            "localhost:5000"
        );
        assert_eq!(
            added("https://localhost:80/").unwrap().unwrap(),
            "localhost:80"
        );
        assert_eq!(added("http://u:p@h:8080/").unwrap().unwrap(), "h:8080");
        assert_eq!(added("http://[::1]:8080/").unwrap().unwrap(), "[::1]:8080");
        assert_eq!(added("http://[::1]/").unwrap().unwrap(), "[::1]");
        assert_eq!(added("http://[::1]:80/").unwrap().unwrap(), "[::1]");
        // Only http's and https's own ports are defaults: with another
        // scheme, or none (an authority-form target), the port is kept.
        assert_eq!(
            added("ws://localhost:80/").unwrap().unwrap(),
            "localhost:80"
        );
        assert_eq!(added("localhost:80").unwrap().unwrap(), "localhost:80");
    }

    /// Found by comparing with botocore 1.44.8, which signs
    /// `urlsplit(url).hostname` (lower case) and the port as a number.
    #[test]
    fn the_host_is_lower_case_and_the_port_a_number() {
        assert_eq!(
            added("https://STS.US-East-1.AmazonAWS.com/")
                .unwrap()
                .unwrap(),
            "sts.us-east-1.amazonaws.com"
        );
        assert_eq!(
            added("https://LocalHost:0443/").unwrap().unwrap(),
            "localhost"
        );
        assert_eq!(added("http://h:08080/").unwrap().unwrap(), "h:8080");
        assert_eq!(
            added("http://[::AB]:8080/").unwrap().unwrap(),
            "[::ab]:8080"
        );
    }

    #[test]
    fn an_existing_host_header_wins() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, "example.com".parse().unwrap());
        assert_eq!(
            host_to_add(&"https://other/".parse().unwrap(), &headers),
            Ok(None)
        );
        headers.insert(HOST, "".parse().unwrap());
        assert_eq!(
            host_to_add(&"https://other/".parse().unwrap(), &headers),
            Err(SigningError::MissingHost)
        );
    }

    #[test]
    fn no_host_anywhere_is_an_error() {
        assert_eq!(added("/just/a/path"), Err(SigningError::MissingHost));
    }
}
