//! Which requests go through an HTTP proxy, and through which one.
//!
//! The rules are curl's, which the AWS SDKs mostly share; where botocore
//! (through Python's `urllib`) differs, curl is followed (botocore reads
//! no `ALL_PROXY`, and matches `NO_PROXY` entries by suffix):
//!
//! - An `https://` URL goes through `https_proxy` (or `HTTPS_PROXY`); an
//!   `http://` URL through `http_proxy` (or `HTTP_PROXY`). Each falls back
//!   to `all_proxy` (or `ALL_PROXY`). `HTTP_PROXY` is never used for an
//!   `https://` URL. The lowercase name wins when both are set; a blank
//!   variable counts as unset.
//! - `HTTP_PROXY` in capitals is ignored when `REQUEST_METHOD` is set: a
//!   CGI program finds the request's `Proxy:` header there ("httpoxy"), so
//!   anyone sending a request could choose where this one goes. Lowercase
//!   `http_proxy` is still read, as curl and Python read it.
//! - `NO_PROXY` (or `no_proxy`) lists hosts reached directly; see
//!   [`ProxyConfig::no_proxy`] for its syntax.
//!
//! The decision is [`ProxyConfig::proxy_for`], a pure function of the
//! configuration and the URL. The default transport
//! ([`UreqTransport`](crate::ureq_transport::UreqTransport)) asks it for
//! every request.
//!
//! Every proxy is an HTTP proxy that the client asks to open a tunnel
//! (`CONNECT host:port`), for `http://` URLs as for `https://` ones; an
//! `https://` proxy URL means the client speaks TLS to the proxy too.
//! SOCKS proxies are not supported. A variable that cannot be used (a
//! `socks5://` URL, a bad port) fails the requests that would go through
//! it, naming it, and no others: the default transport never sends around
//! a proxy the user set.
//!
//! A proxy URL may carry a user name and password
//! (`http://user:pa%40ss@proxy:3128`), percent-encoded. They are sent in a
//! `Proxy-Authorization` header and never shown: [`ProxyUrl`]'s `Debug` and
//! `Display`, [`ProxyError`] and the transport's errors write `***` in
//! their place.
//!
//! ```
//! use sts_blocking::proxy::{ProxyConfig, ProxyUrl};
//!
//! let proxy: ProxyUrl = "http://user:secret@proxy.corp.example:3128".parse()?;
//! let config = ProxyConfig::new()
//!     .https(proxy.clone())
//!     .http(proxy)
//!     .no_proxy("localhost, 169.254.169.254, .internal.example");
//!
//! let sts: http::Uri = "https://sts.eu-west-1.amazonaws.com/".parse()?;
//! let shown = config.proxy_for(&sts).map(|p| p.to_string());
//! assert_eq!(shown.as_deref(), Some("http://***@proxy.corp.example:3128"));
//!
//! let internal: http::Uri = "https://sts.internal.example/".parse()?;
//! assert!(config.proxy_for(&internal).is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::env::Env;

/// How many characters of a rejected proxy URL an error quotes.
const QUOTE_LIMIT: usize = 64;

/// A proxy to send requests through: `http://` or `https://`, a host, a
/// port (default 80 or 443), perhaps a user name and password.
///
/// A URL without a scheme (`proxy:3128`) is taken as `http://`, as curl
/// takes it. A path, if any, is ignored.
///
/// `Display` and `Debug` show the URL with any user name and password
/// replaced by `***`.
#[derive(Clone)]
pub struct ProxyUrl {
    proxy: ureq::Proxy,
    /// The URL as it may be shown: credentials masked, port explicit.
    shown: String,
    /// Text that must not appear in anything shown: the user information
    /// and the password, as given and decoded. Wiped when dropped (ureq's
    /// copy in `proxy` is not ours to wipe).
    secrets: Vec<Zeroizing<String>>,
}

impl ProxyUrl {
    /// Parses `url`; an error names it as a builder option.
    pub fn new(url: &str) -> Result<ProxyUrl, ProxyError> {
        Self::parse(url, "a builder option")
    }

    fn parse(url: &str, origin: &str) -> Result<ProxyUrl, ProxyError> {
        let fail = |reason| ProxyError {
            origin: origin.to_owned(),
            shown: quote_redacted(url),
            reason,
        };
        let text = url.trim();
        // `//host:port`, a URL without its scheme: botocore reads it as
        // `http://host:port` (`_fix_proxy_url`), as a bare `host:port` is.
        let text = text.strip_prefix("//").unwrap_or(text);
        let (scheme, with_scheme) = match text.split_once("://") {
            Some((scheme, _)) if is_scheme(scheme) => {
                (scheme.to_ascii_lowercase(), Zeroizing::new(text.to_owned()))
            }
            Some(_) => return Err(fail(ProxyErrorReason::NotAUrl)),
            None => ("http".to_owned(), Zeroizing::new(format!("http://{text}"))),
        };
        if scheme != "http" && scheme != "https" {
            return Err(fail(ProxyErrorReason::UnsupportedScheme(
                scheme.chars().take(QUOTE_LIMIT).collect(),
            )));
        }
        let uri: http::Uri = with_scheme
            .parse()
            .map_err(|_| fail(ProxyErrorReason::NotAUrl))?;
        let authority = uri
            .authority()
            .ok_or_else(|| fail(ProxyErrorReason::NoHost))?;
        // An unencoded `/`, `?` or `#` in a password ends the authority
        // early: `http://u:1234/x@h` would otherwise be host `u`, port 1234.
        let after_scheme = with_scheme.split_once("://").map_or("", |(_, rest)| rest);
        if after_scheme.contains('@') && !authority.as_str().contains('@') {
            return Err(fail(ProxyErrorReason::NotAUrl));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(fail(ProxyErrorReason::NoHost));
        }
        // `http::Uri` takes `host:99999` and `host:abc` with no port at all;
        // a proxy on the wrong port is better refused than guessed.
        let host_and_port = authority
            .as_str()
            .rsplit_once('@')
            .map_or(authority.as_str(), |(_, rest)| rest);
        let port = match host_and_port.get(host.len()..).unwrap_or_default() {
            "" | ":" => None,
            rest => match rest.strip_prefix(':').map(str::parse::<u16>) {
                Some(Ok(port)) if port > 0 => Some(port),
                _ => return Err(fail(ProxyErrorReason::BadPort)),
            },
        };
        let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
        let userinfo = authority.as_str().rsplit_once('@').map(|(info, _)| info);
        let mut secrets: Vec<Zeroizing<String>> = Vec::new();
        if let Some(info) = userinfo {
            for part in [Some(info), info.split_once(':').map(|(_, pass)| pass)]
                .into_iter()
                .flatten()
            {
                let decoded =
                    percent_decode(part).ok_or_else(|| fail(ProxyErrorReason::BadCredentials))?;
                secrets.extend([Zeroizing::new(part.to_owned()), Zeroizing::new(decoded)]);
            }
            secrets.retain(|s| !s.is_empty());
            secrets.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            secrets.dedup_by(|a, b| a.as_str() == b.as_str());
        }
        let shown = format!(
            "{scheme}://{}{host}:{port}",
            if userinfo.is_some() { "***@" } else { "" }
        );
        let mut normalized = Zeroizing::new(format!("{scheme}://"));
        if let Some(info) = userinfo {
            normalized.push_str(info);
            normalized.push('@');
        }
        normalized.push_str(&format!("{host}:{port}"));
        let proxy = ureq::Proxy::new(&normalized).map_err(|_| fail(ProxyErrorReason::NotAUrl))?;
        Ok(ProxyUrl {
            proxy,
            shown,
            secrets,
        })
    }

    /// The proxy's host (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        self.proxy.host()
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.proxy.port()
    }

    /// The proxy as ureq takes it, credentials included.
    pub(crate) fn ureq_proxy(&self) -> &ureq::Proxy {
        &self.proxy
    }

    /// `text` with every credential of this URL replaced by `***`, and
    /// whether there was any.
    pub(crate) fn scrub(&self, text: &str) -> (String, bool) {
        let mut out = text.to_owned();
        let mut found = false;
        // Longest first, so that a password that contains the user name
        // is masked whole.
        let mut secrets: Vec<&str> = self.secrets.iter().map(|s| s.as_str()).collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for secret in secrets {
            if out.contains(secret) {
                found = true;
                out = out.replace(secret, "***");
            }
        }
        (out, found)
    }
}

impl FromStr for ProxyUrl {
    type Err = ProxyError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Self::new(url)
    }
}

impl PartialEq for ProxyUrl {
    fn eq(&self, other: &Self) -> bool {
        self.proxy == other.proxy
    }
}

impl Eq for ProxyUrl {}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ProxyUrl").field(&self.shown).finish()
    }
}

/// `%XX` sequences decoded; `None` for a broken one or bytes that are not
/// UTF-8, which ureq would refuse too.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A rejected URL as an error may show it: everything up to the last `@`
/// after the scheme masked (the user name and password, even when the URL
/// is too broken to parse), escaped, and cut after [`QUOTE_LIMIT`]
/// characters.
fn quote_redacted(url: &str) -> String {
    let text = url.trim();
    // After the scheme, if there is one: a "://" inside a password is not
    // the end of a scheme.
    let start = match text.find("://") {
        Some(i) if is_scheme(text.get(..i).unwrap_or_default()) => i + 3,
        _ => 0,
    };
    let rest = text.get(start..).unwrap_or_default();
    let masked = match rest.rfind('@') {
        Some(at) => format!(
            "{}***{}",
            text.get(..start).unwrap_or_default(),
            rest.get(at..).unwrap_or_default()
        ),
        None => text.to_owned(),
    };
    let mut shown: String = masked.chars().take(QUOTE_LIMIT).collect();
    if masked.chars().nth(QUOTE_LIMIT).is_some() {
        shown.push('…');
    }
    format!("\"{}\"", shown.escape_debug())
}

/// A proxy URL that cannot be used. The message names where the URL came
/// from (a variable, or a builder option) and shows it with any user name
/// and password masked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the proxy URL from {origin} ({shown}) cannot be used: {reason}")]
pub struct ProxyError {
    origin: String,
    shown: String,
    reason: ProxyErrorReason,
}

impl ProxyError {
    /// Where the URL came from: a variable's name (`HTTPS_PROXY`), or
    /// "a builder option".
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// What is wrong with it.
    pub fn reason(&self) -> &ProxyErrorReason {
        &self.reason
    }
}

/// What is wrong with a proxy URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyErrorReason {
    /// It does not parse as a URL: a space, a stray character, an
    /// unencoded `/` or `#` in the password.
    #[error("it is not a URL (percent-encode special characters in the user name and password)")]
    NotAUrl,
    /// It names no host.
    #[error("it names no host")]
    NoHost,
    /// Its port is not a number from 1 to 65535.
    #[error("its port is not a number from 1 to 65535")]
    BadPort,
    /// Its user name or password has a broken `%XX` sequence, or decodes
    /// to bytes that are not UTF-8.
    #[error("its user name or password is not valid percent-encoded UTF-8")]
    BadCredentials,
    /// Its scheme is neither `http` nor `https` (`socks5`, say).
    #[error("scheme \"{}\" is not supported; only http:// and https:// proxies are", .0.escape_debug())]
    UnsupportedScheme(String),
}

/// Where requests go: through which proxy, or directly.
///
/// Built explicitly ([`ProxyConfig::new`] and the builder methods) or from
/// the environment ([`ProxyConfig::from_env`]); see the [module
/// documentation](self) for the rules. The default is no proxy at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    https: Option<ProxyUrl>,
    http: Option<ProxyUrl>,
    no_proxy: NoProxy,
    /// Set only by [`ProxyConfig::from_env_or_refuse`]: the proxy variable
    /// for `https://` URLs that could not be used, which the transport then
    /// reports for every such request rather than send it around the proxy.
    refused_https: Option<ProxyError>,
    /// The same for `http://` URLs.
    refused_http: Option<ProxyError>,
}

impl ProxyConfig {
    /// No proxy: every request goes directly.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `https://` URLs through `proxy`.
    pub fn https(mut self, proxy: ProxyUrl) -> Self {
        self.https = Some(proxy);
        self
    }

    /// Sends `http://` URLs through `proxy`.
    pub fn http(mut self, proxy: ProxyUrl) -> Self {
        self.http = Some(proxy);
        self
    }

    /// Reaches the hosts in `list` directly, replacing any list before.
    ///
    /// The list is read as curl reads `NO_PROXY`:
    ///
    /// - entries are separated by commas and/or white space, and compared
    ///   without regard to case;
    /// - `*` matches every host;
    /// - a domain matches itself and every name under it, with or without
    ///   a leading dot (or `*.`): `amazonaws.com` and `.amazonaws.com` both
    ///   match `sts.us-east-1.amazonaws.com`, and `zonaws.com` does not;
    /// - an IP address matches that address only, written as it may be
    ///   (`::1`, `[::1]`, `0:0::1`); a range in CIDR notation
    ///   (`10.0.0.0/8`, `fd00::/8`) matches the addresses in it;
    /// - `host:port` (`[v6]:port`) matches that port only.
    ///
    /// A host is compared as written in the URL: a name is not resolved to
    /// match an address, nor an address to match a name. Entries that fit
    /// none of these forms are skipped, as curl skips them.
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.no_proxy = NoProxy::parse(list);
        self
    }

    /// The proxies that the environment names, as curl and the AWS SDKs
    /// read it (see the [module documentation](self)).
    ///
    /// Only the variables that apply are read and checked: with both
    /// `https_proxy` and `HTTPS_PROXY` set, `HTTPS_PROXY` is not looked
    /// at. An error names the variable.
    pub fn from_env(env: &dyn Env) -> Result<Self, ProxyError> {
        let (https, http, no_proxy) = Self::read_env(env);
        Ok(Self {
            https: https?,
            http: http?,
            no_proxy,
            refused_https: None,
            refused_http: None,
        })
    }

    /// The proxies for `https://` and `http://` URLs, each read (or
    /// refused) on its own, and the `NO_PROXY` list.
    #[allow(clippy::type_complexity)]
    fn read_env(
        env: &dyn Env,
    ) -> (
        Result<Option<ProxyUrl>, ProxyError>,
        Result<Option<ProxyUrl>, ProxyError>,
        NoProxy,
    ) {
        // Under CGI, `HTTP_PROXY` is the request's `Proxy:` header.
        let cgi = env.get("REQUEST_METHOD").is_some();
        let http_names: &[&str] = if cgi {
            &["http_proxy", "all_proxy", "ALL_PROXY"]
        } else {
            &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        };
        let first = |names: &[&str]| -> Result<Option<ProxyUrl>, ProxyError> {
            names
                .iter()
                .find_map(|name| env.get_nonempty(name).map(|v| (name, Zeroizing::new(v))))
                .map(|(name, value)| ProxyUrl::parse(&value, name))
                .transpose()
        };
        let https = first(&["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]);
        let http = first(http_names);
        let no_proxy = ["no_proxy", "NO_PROXY"]
            .iter()
            .find_map(|name| env.get_nonempty(name))
            .map(|list| NoProxy::parse(&list))
            .unwrap_or_default();
        (https, http, no_proxy)
    }

    /// [`ProxyConfig::from_env`], refusing late: a variable that cannot be
    /// used makes the transport fail every request that would go through
    /// it (of its URL scheme, and not matched by `NO_PROXY`) with its
    /// error, and no other. Sending around a proxy the user set, even a
    /// mistyped one, could send credentials where the network's rules say
    /// they must not go; but `ALL_PROXY=socks5://…`, set for other tools,
    /// failed every call, `https://` ones and `NO_PROXY=*` too, where
    /// botocore (which reads neither `ALL_PROXY` nor `HTTP_PROXY` for
    /// https) goes on.
    pub(crate) fn from_env_or_refuse(env: &dyn Env) -> Self {
        let (https, http, no_proxy) = Self::read_env(env);
        let (https, refused_https) = match https {
            Ok(proxy) => (proxy, None),
            Err(e) => (None, Some(e)),
        };
        let (http, refused_http) = match http {
            Ok(proxy) => (proxy, None),
            Err(e) => (None, Some(e)),
        };
        Self {
            https,
            http,
            no_proxy,
            refused_https,
            refused_http,
        }
    }

    /// The error a request to `url` fails with, if the proxy variable it
    /// would go through could not be used; see [`Self::from_env_or_refuse`].
    pub(crate) fn refused_for(&self, url: &http::Uri) -> Option<&ProxyError> {
        let (refused, default_port) = match url.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => (self.refused_https.as_ref()?, 443),
            Some(s) if s.eq_ignore_ascii_case("http") => (self.refused_http.as_ref()?, 80),
            _ => return None,
        };
        let bypassed = url.host().is_some_and(|host| {
            self.no_proxy
                .matches(host, url.port_u16().unwrap_or(default_port))
        });
        (!bypassed).then_some(refused)
    }

    /// The proxy for `https://` URLs, if any.
    pub fn https_proxy(&self) -> Option<&ProxyUrl> {
        self.https.as_ref()
    }

    /// The proxy for `http://` URLs, if any.
    pub fn http_proxy(&self) -> Option<&ProxyUrl> {
        self.http.as_ref()
    }

    /// The proxy that a request to `url` goes through, or `None` when it
    /// goes directly: no proxy for its scheme, no host, or a host that the
    /// [`no_proxy`](Self::no_proxy) list matches. Only `http` and `https`
    /// URLs are ever proxied.
    pub fn proxy_for(&self, url: &http::Uri) -> Option<&ProxyUrl> {
        let (proxy, default_port) = match url.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => (self.https.as_ref()?, 443),
            Some(s) if s.eq_ignore_ascii_case("http") => (self.http.as_ref()?, 80),
            _ => return None,
        };
        let host = url.host().filter(|h| !h.is_empty())?;
        let port = url.port_u16().unwrap_or(default_port);
        (!self.no_proxy.matches(host, port)).then_some(proxy)
    }

    /// The distinct proxies of this configuration (none, one or two).
    pub(crate) fn proxies(&self) -> Vec<&ProxyUrl> {
        let mut all: Vec<&ProxyUrl> = Vec::new();
        for proxy in [&self.https, &self.http].into_iter().flatten() {
            if !all.contains(&proxy) {
                all.push(proxy);
            }
        }
        all
    }
}

/// The parsed `NO_PROXY` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct NoProxy {
    all: bool,
    entries: Vec<NoProxyEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NoProxyEntry {
    /// Lowercase, without leading or trailing dots.
    Domain {
        name: String,
        port: Option<u16>,
    },
    Address {
        addr: IpAddr,
        port: Option<u16>,
    },
    Range {
        net: IpAddr,
        prefix: u8,
    },
}

impl NoProxy {
    fn parse(list: &str) -> NoProxy {
        let mut no_proxy = NoProxy::default();
        for entry in list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|e| !e.is_empty())
        {
            if entry == "*" {
                no_proxy.all = true;
            } else if let Some(parsed) = NoProxyEntry::parse(entry) {
                no_proxy.entries.push(parsed);
            }
        }
        no_proxy
    }

    /// Whether a request to `host` (as `http::Uri` gives it: an IPv6
    /// address in brackets) on `port` goes directly.
    fn matches(&self, host: &str, port: u16) -> bool {
        if self.all {
            return true;
        }
        if self.entries.is_empty() {
            return false;
        }
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return self.entries.iter().any(|entry| match entry {
                NoProxyEntry::Address { addr, port: p } => {
                    *addr == ip && p.is_none_or(|p| p == port)
                }
                NoProxyEntry::Range { net, prefix } => in_range(ip, *net, *prefix),
                NoProxyEntry::Domain { .. } => false,
            });
        }
        let host = bare.trim_end_matches('.').to_ascii_lowercase();
        self.entries.iter().any(|entry| match entry {
            NoProxyEntry::Domain { name, port: p } => {
                p.is_none_or(|p| p == port)
                    && (host == *name
                        || host
                            .strip_suffix(name.as_str())
                            .is_some_and(|sub| sub.ends_with('.')))
            }
            _ => false,
        })
    }
}

impl NoProxyEntry {
    fn parse(entry: &str) -> Option<NoProxyEntry> {
        let entry = entry.to_ascii_lowercase();
        if let Some((net, prefix)) = entry.split_once('/') {
            let net = strip_brackets(net).parse::<IpAddr>().ok()?;
            let prefix = prefix.parse::<u8>().ok()?;
            let bits = if net.is_ipv4() { 32 } else { 128 };
            return (prefix <= bits).then_some(NoProxyEntry::Range { net, prefix });
        }
        if let Ok(addr) = strip_brackets(&entry).parse::<IpAddr>() {
            return Some(NoProxyEntry::Address { addr, port: None });
        }
        // `[v6]:port`, or `name:port` / `v4:port` (one colon only: more
        // would be an IPv6 address, which did not parse above).
        let (host, port) = match entry.rsplit_once(':') {
            Some((host, port)) if host.starts_with('[') || !host.contains(':') => {
                (host, Some(port.parse::<u16>().ok()?))
            }
            Some(_) => return None,
            None => (entry.as_str(), None),
        };
        if let Ok(addr) = strip_brackets(host).parse::<IpAddr>() {
            return Some(NoProxyEntry::Address { addr, port });
        }
        let name = host
            .trim_start_matches('*')
            .trim_start_matches('.')
            .trim_end_matches('.');
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
        valid.then(|| NoProxyEntry::Domain {
            name: name.to_owned(),
            port,
        })
    }
}

/// RFC 3986's `scheme`: a letter, then letters, digits, `+`, `-`, `.`.
fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

fn strip_brackets(text: &str) -> &str {
    text.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text)
}

/// Whether `ip` is in `net/prefix` (never across address families).
fn in_range(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    fn uri(text: &str) -> http::Uri {
        text.parse().unwrap()
    }

    fn env(vars: &[(&str, &str)]) -> MapEnv {
        MapEnv::new(vars.iter().copied())
    }

    /// The proxy (as shown) that `url` goes through under `vars`.
    fn via(vars: &[(&str, &str)], url: &str) -> Option<String> {
        let config = ProxyConfig::from_env(&env(vars)).unwrap();
        config.proxy_for(&uri(url)).map(|p| p.to_string())
    }

    /// An environment's variables, as `(name, value)`.
    type Vars<'a> = &'a [(&'a str, &'a str)];

    const STS: &str = "https://sts.us-east-1.amazonaws.com/";
    const MOTO: &str = "http://127.0.0.1:5000/";

    #[test]
    fn each_scheme_reads_its_own_variables() {
        let s = Some("http://s:80".to_owned());
        let h = Some("http://h:80".to_owned());
        let a = Some("http://a:80".to_owned());
        let cases: &[(Vars<'_>, &str, &Option<String>)] = &[
            (&[("HTTPS_PROXY", "s")], STS, &s),
            (&[("https_proxy", "s")], STS, &s),
            (&[("HTTPS_PROXY", "s")], MOTO, &None),
            // HTTP_PROXY is for http:// URLs only.
            (&[("HTTP_PROXY", "h")], STS, &None),
            (&[("http_proxy", "h")], STS, &None),
            (&[("HTTP_PROXY", "h")], MOTO, &h),
            (&[("http_proxy", "h")], MOTO, &h),
            // ALL_PROXY is the fallback of both, in either case.
            (&[("ALL_PROXY", "a")], STS, &a),
            (&[("all_proxy", "a")], MOTO, &a),
            (&[("ALL_PROXY", "a"), ("HTTPS_PROXY", "s")], STS, &s),
            (&[("ALL_PROXY", "a"), ("HTTPS_PROXY", "s")], MOTO, &a),
            (&[("all_proxy", "a"), ("HTTP_PROXY", "h")], MOTO, &h),
            // Lowercase wins.
            (&[("HTTPS_PROXY", "a"), ("https_proxy", "s")], STS, &s),
            (&[("HTTP_PROXY", "a"), ("http_proxy", "h")], MOTO, &h),
            (&[("ALL_PROXY", "s"), ("all_proxy", "a")], STS, &a),
            // Blank is unset.
            (&[("https_proxy", " "), ("HTTPS_PROXY", "s")], STS, &s),
            (&[("HTTPS_PROXY", "")], STS, &None),
            (&[], STS, &None),
            (&[], MOTO, &None),
        ];
        for (vars, url, expected) in cases {
            assert_eq!(&via(vars, url), *expected, "{vars:?} {url}");
        }
    }

    #[test]
    fn httpoxy_uppercase_http_proxy_is_ignored_under_cgi() {
        let cgi = ("REQUEST_METHOD", "GET");
        assert_eq!(via(&[cgi, ("HTTP_PROXY", "h")], MOTO), None);
        assert_eq!(
            via(&[cgi, ("http_proxy", "h")], MOTO).as_deref(),
            Some("http://h:80")
        );
        assert_eq!(
            via(&[cgi, ("HTTP_PROXY", "h"), ("ALL_PROXY", "a")], MOTO).as_deref(),
            Some("http://a:80")
        );
        // Only HTTP_PROXY is the header's name; HTTPS_PROXY still counts.
        assert_eq!(
            via(&[cgi, ("HTTPS_PROXY", "s")], STS).as_deref(),
            Some("http://s:80")
        );
        // An invalid HTTP_PROXY under CGI is not even read.
        assert!(ProxyConfig::from_env(&env(&[cgi, ("HTTP_PROXY", "socks5://x")])).is_ok());
    }

    #[test]
    fn only_the_variables_used_are_checked_and_errors_name_them() {
        let config = ProxyConfig::from_env(&env(&[("https_proxy", "s"), ("HTTPS_PROXY", "::bad")]));
        assert!(config.is_ok());
        let e = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", "http://alice:hunter2@proxy:99999")]))
            .unwrap_err();
        assert_eq!(e.origin(), "HTTPS_PROXY");
        assert_eq!(e.reason(), &ProxyErrorReason::BadPort);
        assert_eq!(
            e.to_string(),
            "the proxy URL from HTTPS_PROXY (\"http://***@proxy:99999\") cannot be used: \
             its port is not a number from 1 to 65535"
        );
        let e = ProxyConfig::from_env(&env(&[("ALL_PROXY", "socks5://p:1080")])).unwrap_err();
        assert_eq!(e.origin(), "ALL_PROXY");
        let e = ProxyConfig::from_env(&env(&[("http_proxy", "http://a b@h")])).unwrap_err();
        assert_eq!(e.origin(), "http_proxy");
    }

    #[test]
    fn proxy_urls_parse_as_curl_reads_them() {
        let cases = [
            ("proxy", "http://proxy:80"),
            ("proxy:3128", "http://proxy:3128"),
            ("  http://proxy:3128/  ", "http://proxy:3128"),
            ("HTTP://Proxy:3128", "http://Proxy:3128"),
            ("https://proxy", "https://proxy:443"),
            ("http://proxy:", "http://proxy:80"),
            ("http://[::1]:3128", "http://[::1]:3128"),
            ("http://10.0.0.1", "http://10.0.0.1:80"),
            ("http://user:pass@proxy:3128", "http://***@proxy:3128"),
            ("user:pass@proxy:3128", "http://***@proxy:3128"),
            ("http://user@proxy:3128", "http://***@proxy:3128"),
            ("http://us%40er:p@ss@proxy:3128", "http://***@proxy:3128"),
            ("http://proxy:3128/some/path", "http://proxy:3128"),
            // Found by comparing with botocore 1.44.8, which reads it as
            // http: it was refused as not a URL.
            ("//proxy:3128", "http://proxy:3128"),
        ];
        for (given, shown) in cases {
            let url = ProxyUrl::new(given).unwrap_or_else(|e| panic!("{given}: {e}"));
            assert_eq!(url.to_string(), shown, "{given}");
            assert_eq!(format!("{url:?}"), format!("ProxyUrl({shown:?})"));
        }
        let url: ProxyUrl = "http://u:p%40ss@[::1]:8".parse().unwrap();
        assert_eq!((url.host(), url.port()), ("[::1]", 8));
        assert_eq!(url.ureq_proxy().password(), Some("p@ss"));
        assert_eq!(url.ureq_proxy().username(), Some("u"));
    }

    #[test]
    fn bad_proxy_urls_are_refused_without_their_password() {
        let cases = [
            ("socks5://user:hunter2@p:1080", "UnsupportedScheme"),
            ("ftp://p", "UnsupportedScheme"),
            ("http://user:hun ter2@p", "NotAUrl"),
            ("http://user:hunter2#@p", "NotAUrl"),
            ("http://user:1234/x@p", "NotAUrl"),
            ("http://user:1234?@p", "NotAUrl"),
            ("user:pa://hunter2@p", "NotAUrl"),
            ("http://", "NotAUrl"),
            ("http://user:hunter2@:80", "NoHost"),
            ("http://user:hunter2@p:0", "BadPort"),
            ("http://user:hunter2@p:99999", "BadPort"),
            ("http://user:hunter2@p:abc", "BadPort"),
            ("http://user:hunter2@p:80:80", "NotAUrl"),
            ("http://user:hunter2%zz@p", "BadCredentials"),
            ("http://user:hunter2%ff@p", "BadCredentials"),
        ];
        for (given, reason) in cases {
            let e = ProxyUrl::new(given).unwrap_err();
            assert_eq!(e.origin(), "a builder option");
            assert!(
                format!("{:?}", e.reason()).starts_with(reason),
                "{given}: {e:?}"
            );
            for shown in [e.to_string(), format!("{e:?}")] {
                assert!(!shown.contains("hun"), "{given}: {shown}");
            }
        }
        let long = format!("http://{}", "x".repeat(500));
        let e = ProxyUrl::new(&format!("{long}:0")).unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
        let e = ProxyUrl::new("http://p:1\n\u{1b}[31m").unwrap_err();
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }

    #[test]
    fn scrub_masks_every_form_of_the_credentials() {
        let url = ProxyUrl::new("http://alice:p%40ss%2Fword@proxy:3128").unwrap();
        let (text, found) = url.scrub("a p@ss/word b p%40ss%2Fword c alice:p%40ss%2Fword");
        assert!(found);
        assert_eq!(text, "a *** b *** c ***");
        let (text, found) = url.scrub("connection refused");
        assert!(!found);
        assert_eq!(text, "connection refused");
        let bare = ProxyUrl::new("http://proxy:3128").unwrap();
        assert_eq!(bare.scrub("proxy:3128"), ("proxy:3128".to_owned(), false));
    }

    /// `(NO_PROXY, URL, whether the URL goes directly)`.
    const NO_PROXY_CASES: &[(&str, &str, bool)] = &[
        ("", STS, false),
        ("*", STS, true),
        ("*", MOTO, true),
        ("localhost, *", STS, true),
        // Domains: themselves and below, leading dot or `*.` optional.
        ("amazonaws.com", STS, true),
        (".amazonaws.com", STS, true),
        ("*.amazonaws.com", STS, true),
        ("amazonaws.com.", STS, true),
        ("zonaws.com", STS, false),
        ("us-east-1.amazonaws.com", STS, true),
        ("sts.us-east-1.amazonaws.com", STS, true),
        ("sts.us-east-1.amazonaws.com.cn", STS, false),
        ("east-1.amazonaws.com", STS, false),
        (".amazonaws.com", "https://amazonaws.com/", true),
        (
            "AmazonAWS.COM",
            "https://STS.us-east-1.amazonaws.com/",
            true,
        ),
        (
            "amazonaws.com",
            "https://sts.us-east-1.amazonaws.com./",
            true,
        ),
        ("example.com", STS, false),
        // Separators: commas, white space, both; empty entries.
        ("example.com,amazonaws.com", STS, true),
        ("example.com amazonaws.com", STS, true),
        (" example.com ,\tamazonaws.com ,, ", STS, true),
        // Ports.
        ("amazonaws.com:443", STS, true),
        ("amazonaws.com:8443", STS, false),
        (
            "amazonaws.com:443",
            "https://sts.us-east-1.amazonaws.com:8443/",
            false,
        ),
        ("127.0.0.1:5000", MOTO, true),
        ("127.0.0.1:5001", MOTO, false),
        ("localhost:80", "http://localhost/", true),
        ("localhost:bad", "http://localhost/", false),
        // Addresses: exactly, never as suffixes, never against names.
        ("127.0.0.1", MOTO, true),
        ("0.0.1", MOTO, false),
        ("127.0.0.2", MOTO, false),
        ("127.0.0.1", "http://localhost:5000/", false),
        ("localhost", MOTO, false),
        ("::1", "http://[::1]:5000/", true),
        ("[::1]", "http://[::1]:5000/", true),
        ("0:0::1", "http://[::1]:5000/", true),
        ("[::1]:5000", "http://[::1]:5000/", true),
        ("[::1]:5001", "http://[::1]:5000/", false),
        ("::2", "http://[::1]:5000/", false),
        // Ranges.
        ("127.0.0.0/8", MOTO, true),
        ("127.0.0.0/32", MOTO, false),
        ("127.0.0.1/32", MOTO, true),
        ("0.0.0.0/0", MOTO, true),
        ("10.0.0.0/8", MOTO, false),
        ("10.0.0.0/8", "https://10.255.1.2/", true),
        ("172.16.0.0/12", "https://172.31.255.255/", true),
        ("172.16.0.0/12", "https://172.32.0.0/", false),
        ("::1/128", "http://[::1]:5000/", true),
        ("fd00::/8", "https://[fd12:3456::1]/", true),
        ("fd00::/8", "https://[fe80::1]/", false),
        ("[fd00::]/8", "https://[fd12:3456::1]/", true),
        ("::/0", MOTO, false),
        ("127.0.0.0/33", MOTO, false),
        ("127.0.0.0/x", MOTO, false),
        ("127.0.0.0/8", "http://localhost/", false),
        // Nonsense is skipped, the rest still applies.
        ("a/b, ***, :, [::1, amazonaws.com", STS, true),
    ];

    #[test]
    fn no_proxy_reads_as_curl_reads_it() {
        for (list, url, direct) in NO_PROXY_CASES {
            let proxy = ProxyUrl::new("http://proxy:3128").unwrap();
            let config = ProxyConfig::new()
                .https(proxy.clone())
                .http(proxy)
                .no_proxy(list);
            assert_eq!(
                config.proxy_for(&uri(url)).is_none(),
                *direct,
                "NO_PROXY={list:?} {url}"
            );
            let from_env = ProxyConfig::from_env(&env(&[
                ("ALL_PROXY", "http://proxy:3128"),
                ("NO_PROXY", list),
            ]))
            .unwrap();
            assert_eq!(from_env, config, "NO_PROXY={list:?}");
        }
    }

    #[test]
    fn lowercase_no_proxy_wins() {
        let vars = [
            ("HTTPS_PROXY", "p"),
            ("no_proxy", "amazonaws.com"),
            ("NO_PROXY", "example.com"),
        ];
        assert_eq!(via(&vars, STS), None);
        assert!(via(&vars, "https://example.com/").is_some());
    }

    #[test]
    fn what_is_never_proxied() {
        let p = ProxyUrl::new("http://proxy:3128").unwrap();
        let config = ProxyConfig::new().https(p.clone()).http(p);
        for url in ["ftp://example.com/", "/relative", "example.com:443"] {
            assert!(config.proxy_for(&uri(url)).is_none(), "{url}");
        }
        assert!(
            config
                .proxy_for(&uri("HTTPS://sts.amazonaws.com/"))
                .is_some()
        );
        assert!(ProxyConfig::new().proxy_for(&uri(STS)).is_none());
    }

    #[test]
    fn builder_sets_each_scheme_and_distinct_proxies_are_counted_once() {
        let a = ProxyUrl::new("http://a:1").unwrap();
        let b = ProxyUrl::new("http://b:1").unwrap();
        let config = ProxyConfig::new().https(a.clone());
        assert_eq!(config.https_proxy(), Some(&a));
        assert_eq!(config.http_proxy(), None);
        assert_eq!(config.proxies(), vec![&a]);
        let both = config.clone().http(a.clone());
        assert_eq!(both.proxies(), vec![&a]);
        let two = config.http(b.clone());
        assert_eq!(two.proxies(), vec![&a, &b]);
        assert_eq!(two.proxy_for(&uri(MOTO)), Some(&b));
    }

    #[test]
    fn a_refusing_config_keeps_the_error_and_proxies_nothing() {
        let config =
            ProxyConfig::from_env_or_refuse(&env(&[("HTTPS_PROXY", "http://u:hunter2@p:0")]));
        assert_eq!(
            config.refused_for(&uri(STS)).map(ProxyError::origin),
            Some("HTTPS_PROXY")
        );
        assert!(config.proxy_for(&uri(STS)).is_none());
        assert!(config.refused_for(&uri(MOTO)).is_none());
        assert!(!format!("{config:?}").contains("hunter2"));
        let fine = ProxyConfig::from_env_or_refuse(&env(&[("HTTPS_PROXY", "p")]));
        assert!(fine.refused_for(&uri(STS)).is_none());
    }

    /// Found by comparing with botocore 1.44.8: `ALL_PROXY=socks5://…`
    /// (set for other tools) failed every call, https ones and
    /// `NO_PROXY=*` too. A variable that cannot be used now fails only the
    /// requests that would go through it.
    #[test]
    fn an_unusable_variable_refuses_only_the_requests_it_would_carry() {
        let socks = [("ALL_PROXY", "socks5://127.0.0.1:1080")];
        let config = ProxyConfig::from_env_or_refuse(&env(&socks));
        assert_eq!(
            config.refused_for(&uri(STS)).map(ProxyError::origin),
            Some("ALL_PROXY")
        );
        // With HTTPS_PROXY set, https requests never look at ALL_PROXY.
        let config = ProxyConfig::from_env_or_refuse(&env(&[
            ("ALL_PROXY", "socks5://127.0.0.1:1080"),
            ("HTTPS_PROXY", "http://p:3128"),
        ]));
        assert!(config.refused_for(&uri(STS)).is_none());
        assert!(config.proxy_for(&uri(STS)).is_some());
        assert_eq!(
            config.refused_for(&uri(MOTO)).map(ProxyError::origin),
            Some("ALL_PROXY")
        );
        // NO_PROXY bypasses an unusable proxy as it bypasses a usable one.
        let config = ProxyConfig::from_env_or_refuse(&env(&[
            ("ALL_PROXY", "socks5://127.0.0.1:1080"),
            ("NO_PROXY", "*"),
        ]));
        assert!(config.refused_for(&uri(STS)).is_none());
        assert!(config.refused_for(&uri(MOTO)).is_none());
        // The strict reading still refuses the whole environment.
        assert!(ProxyConfig::from_env(&env(&socks)).is_err());
    }

    #[test]
    fn debug_never_shows_a_password() {
        let config = ProxyConfig::from_env(&env(&[
            ("HTTPS_PROXY", "http://alice:hunter2@proxy:3128"),
            ("http_proxy", "http://bob:hunter3@proxy:3129"),
        ]))
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter"), "{shown}");
        assert!(!shown.contains("alice"), "{shown}");
        assert!(shown.contains("proxy:3128"), "{shown}");
    }
}
