//! Which URL the container credentials come from, and whether it may be
//! asked over plain `http`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::credentials::metadata_http::without_userinfo;
use crate::env::Env;

/// The ECS agent's address, which `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// is relative to.
const ECS_HOST: &str = "http://169.254.170.2";

/// The addresses besides loopback that may be asked over `http`: the ECS
/// agent, and the EKS Pod Identity agent (IPv4 and IPv6). They are
/// link-local, on the host itself: nothing on a network sees the traffic.
const HTTP_HOSTS: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2)),
    IpAddr::V4(Ipv4Addr::new(169, 254, 170, 23)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23)),
];

pub(crate) const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
pub(crate) const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

/// Why the environment gives no usable URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UriError {
    /// Neither variable is set.
    NotSet,
    /// The variable's value is not a usable URL (the reason).
    Invalid(String),
}

/// The credentials URL the environment names: the relative URI on the ECS
/// agent if set, else the full URI, which must be `https`, or `http` to a
/// loopback address, `localhost` or one of the agents' addresses.
pub(crate) fn credentials_uri(env: &dyn Env) -> Result<http::Uri, UriError> {
    if let Some(relative) = env.get_nonempty(RELATIVE_URI) {
        let relative = relative.trim();
        let slash = if relative.starts_with('/') { "" } else { "/" };
        return format!("{ECS_HOST}{slash}{relative}").parse().map_err(|e| {
            UriError::Invalid(format!("{RELATIVE_URI} is not a valid URI path: {e}"))
        });
    }
    let Some(full) = env.get_nonempty(FULL_URI) else {
        return Err(UriError::NotSet);
    };
    let uri: http::Uri = full
        .trim()
        .parse()
        .map_err(|e| UriError::Invalid(format!("{FULL_URI} is not a valid URI: {e}")))?;
    if uri.host().is_none() {
        return Err(UriError::Invalid(format!(
            "{FULL_URI}: the URI did not specify a host"
        )));
    }
    // The agents take `AWS_CONTAINER_AUTHORIZATION_TOKEN` only.
    let uri = without_userinfo(uri)
        .map_err(|e| UriError::Invalid(format!("{FULL_URI} is not a valid URI: {e}")))?;
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") if http_allowed(host_of(&uri)) => Ok(uri),
        Some("http") => Err(UriError::Invalid(format!(
            "{FULL_URI}: plain http is allowed only to loopback addresses, localhost, \
             169.254.170.2, 169.254.170.23 and [fd00:ec2::23], not to {}; use https",
            shown(host_of(&uri))
        ))),
        _ => Err(UriError::Invalid(format!(
            "{FULL_URI} must be an http:// or https:// URL"
        ))),
    }
}

fn host_of(uri: &http::Uri) -> &str {
    uri.host().unwrap_or_default()
}

/// Whether `host` (as a URI writes it, IPv6 in brackets) may be asked
/// over plain `http`. Names other than `localhost` are not resolved: what
/// a name resolves to can change between the check and the request.
fn http_allowed(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(ip) => {
            let ip = ip.to_canonical();
            ip.is_loopback() || HTTP_HOSTS.contains(&ip)
        }
        Err(_) => false,
    }
}

/// A host name for an error message: shortened, control characters escaped.
fn shown(host: &str) -> String {
    host.chars()
        .take(253)
        .flat_map(char::escape_default)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_allowed_over_http() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "169.254.170.2",
            "169.254.170.23",
            "[fd00:ec2::23]",
        ] {
            assert!(http_allowed(host), "{host}");
        }
        for host in [
            "169.254.169.254",
            "169.254.170.3",
            "[fd00:ec2::254]",
            "localhost.example.com",
            "example.com",
            "10.0.0.1",
            "127.0.0.1.nip.io",
        ] {
            assert!(!http_allowed(host), "{host}");
        }
    }
}
