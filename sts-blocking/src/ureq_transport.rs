//! The default transport: `ureq` agents, one for direct requests and one
//! per proxy.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use ureq::config::AutoHeaderValue;
use ureq::tls::TlsConfig;
use ureq::unversioned::transport::DefaultConnector;
use zeroize::Zeroizing;

use crate::env::ProcessEnv;
use crate::proxy::{ProxyConfig, ProxyUrl};
use crate::resolver::{CachingResolver, ResolveFailed};
use crate::timing::bounded_timeout;
use crate::tls::CaBundle;
use crate::transport::{Transport, TransportError, TransportFailure};

/// The default cap on a response body. STS answers are a few KiB; the cap
/// keeps a hostile or broken server from filling memory.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1024 * 1024;

/// The largest buffer made for a response body before its bytes arrive;
/// STS answers are a few KiB.
const MAX_PREALLOCATED_BODY: u64 = 64 * 1024;

/// Settings of the default transport.
///
/// Made from [`UreqSettings::default`] and changed with its `with_*`
/// methods or its fields: it is `#[non_exhaustive]`, so that settings the
/// HTTP stack gains (connection pooling, a local address) can be added.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UreqSettings {
    /// Time allowed to open a connection (TCP, and TLS on it). Looking the
    /// name up is not counted: the attempt's own limit bounds it.
    pub connect_timeout: Option<Duration>,
    /// Time a connection may stay silent: each read (and each write) of
    /// the exchange, TLS handshake included, must finish within it, as
    /// botocore's `read_timeout` has it. `None` (the default): only the
    /// attempt's own limit applies, which also bounds a server that
    /// trickles its answer a byte at a time.
    pub read_timeout: Option<Duration>,
    /// Largest response body read.
    pub max_body_bytes: u64,
    /// Which requests go through which proxy. The default reads the
    /// process environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
    /// `NO_PROXY`; see [`ProxyConfig::from_env`]); if a variable there
    /// cannot be used, every request fails with that error instead of going
    /// around the proxy. [`ProxyConfig::new`] turns proxies off.
    pub proxy: ProxyConfig,
    /// Root certificates to trust instead of the built-in Mozilla set, as
    /// `AWS_CA_BUNDLE` does for the AWS SDKs: with a bundle, a server
    /// certificate must chain to one of its certificates, and a public
    /// root no longer suffices. It applies to an `https://` proxy's own
    /// certificate too.
    pub ca_bundle: Option<CaBundle>,
    /// Turns off TLS certificate checks. Only for testing against a server
    /// with a self-signed certificate: anyone on the path can then read
    /// and change the traffic, credentials included.
    pub danger_accept_invalid_certs: bool,
}

impl Default for UreqSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Some(Duration::from_secs(3)),
            read_timeout: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            proxy: ProxyConfig::from_env_or_refuse(&ProcessEnv),
            ca_bundle: None,
            danger_accept_invalid_certs: false,
        }
    }
}

impl UreqSettings {
    /// With [`connect_timeout`](Self::connect_timeout).
    pub fn with_connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// With [`read_timeout`](Self::read_timeout).
    pub fn with_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// With [`max_body_bytes`](Self::max_body_bytes).
    pub fn with_max_body_bytes(mut self, max: u64) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// With [`proxy`](Self::proxy).
    pub fn with_proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = proxy;
        self
    }

    /// With [`ca_bundle`](Self::ca_bundle).
    pub fn with_ca_bundle(mut self, bundle: Option<CaBundle>) -> Self {
        self.ca_bundle = bundle;
        self
    }

    /// With [`danger_accept_invalid_certs`](Self::danger_accept_invalid_certs):
    /// for testing only.
    pub fn with_danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }
}

/// A [`Transport`] over `ureq` agents, which keep connections alive and
/// reuse them across calls and threads, resolve each host at most every 30
/// seconds, speak TLS with rustls and the Mozilla root certificates (or
/// [`UreqSettings::ca_bundle`]), and follow no redirects (STS sends none,
/// and a redirect would carry a signed request somewhere else).
///
/// A `ureq` agent has one proxy and applies it to every request, so there
/// is one agent for direct requests and one for each distinct proxy of
/// [`UreqSettings::proxy`] (at most two: one for `https://` URLs, one for
/// `http://`), and [`ProxyConfig::proxy_for`] picks one per request. They
/// are all made up front: an agent holds no connection until it is used,
/// and a fixed set needs no lock on the way to every request.
///
/// Errors name the proxy a request went through, with its password
/// masked; nothing the HTTP stack says is passed on if it quotes the
/// proxy's credentials.
///
/// **Logging**: `ureq` logs every byte it sends and receives at `Trace`
/// level, secrets (a proxy's `Proxy-Authorization` header among them)
/// included, and cannot be told not to. A program that logs at `Trace`
/// must hold those records back; see [`crate::log_safety`].
#[derive(Clone)]
pub struct UreqTransport {
    direct: ureq::Agent,
    proxied: Arc<[(ProxyUrl, ureq::Agent)]>,
    proxy: ProxyConfig,
    max_body_bytes: u64,
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UreqTransport")
            .field("proxy", &self.proxy)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new(UreqSettings::default())
    }
}

impl UreqTransport {
    /// A transport with `settings`.
    pub fn new(settings: UreqSettings) -> Self {
        let mut tls =
            TlsConfig::builder().disable_verification(settings.danger_accept_invalid_certs);
        if let Some(bundle) = &settings.ca_bundle {
            tls = tls.root_certs(bundle.root_certs());
        }
        let tls = tls.build();
        let agent = |proxy: Option<ureq::Proxy>| {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .user_agent(AutoHeaderValue::None)
                .timeout_connect(bounded_timeout(settings.connect_timeout))
                .timeout_per_read(bounded_timeout(settings.read_timeout))
                .timeout_per_write(bounded_timeout(settings.read_timeout))
                .proxy(proxy)
                .max_idle_connections_per_host(32)
                .tls_config(tls.clone())
                .build();
            ureq::Agent::with_parts(
                config,
                DefaultConnector::default(),
                CachingResolver::default(),
            )
        };
        let proxied = settings
            .proxy
            .proxies()
            .into_iter()
            .map(|p| (p.clone(), agent(Some(p.ureq_proxy().clone()))))
            .collect();
        Self {
            direct: agent(None),
            proxied,
            proxy: settings.proxy,
            max_body_bytes: settings.max_body_bytes,
        }
    }

    /// The agent for a request to `uri`, and the proxy it goes through.
    fn route(&self, uri: &http::Uri) -> Result<(&ureq::Agent, Option<&ProxyUrl>), TransportError> {
        if let Some(e) = self.proxy.refused_for(uri) {
            return Err(TransportError::new(
                TransportFailure::Unusable,
                e.to_string(),
            ));
        }
        let Some(proxy) = self.proxy.proxy_for(uri) else {
            return Ok((&self.direct, None));
        };
        // Every proxy of the configuration has its agent; not finding one
        // must not mean going around the proxy.
        self.proxied
            .iter()
            .find(|(p, _)| p == proxy)
            .map(|(p, agent)| (agent, Some(p)))
            .ok_or_else(|| {
                TransportError::new(
                    TransportFailure::Connect,
                    format!("no connection set up for proxy {proxy}"),
                )
            })
    }
}

impl Transport for UreqTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let (agent, via) = self.route(request.uri())?;
        // The form body can hold a web identity token, a SAML assertion or
        // an MFA code: lend it to ureq and wipe it after.
        let (parts, body) = request.into_parts();
        let body = crate::wipe::Wiped(body);
        let request = http::Request::from_parts(parts, &*body);
        // A per-request configuration copies the agent's; skip it when
        // there is nothing to set.
        let response = match bounded_timeout(timeout) {
            None => agent.run(request),
            Some(t) => {
                let request = agent
                    .configure_request(request)
                    .timeout_global(Some(t))
                    .build();
                agent.run(request)
            }
        }
        .map_err(|e| transport_error(e, via))?;
        let (parts, mut body) = response.into_parts();
        // The announced length sizes the buffer only up to a point: the
        // server's word is not bytes received, and with a large limit a
        // lying `Content-Length` would commit (or overflow) that much
        // memory before the first byte. Past it, the buffer grows as the
        // bytes come.
        let expected = body
            .content_length()
            .unwrap_or(0)
            .min(self.max_body_bytes)
            .min(MAX_PREALLOCATED_BODY);
        let reader = body.with_config().limit(self.max_body_bytes).reader();
        let bytes = crate::wipe::read_to_end(reader, usize::try_from(expected).unwrap_or(0))
            .map_err(|e| transport_error(ureq::Error::from(e), via))?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}

/// `e` as a [`TransportError`]. For a request `via` a proxy, the message
/// names the proxy (password masked), and if any of `e`'s text quotes the
/// proxy's credentials, they are masked in the message and `e` is not
/// kept as the source, where a caller printing the chain would find them.
fn transport_error(e: ureq::Error, via: Option<&ProxyUrl>) -> TransportError {
    let kind = match &e {
        ureq::Error::Timeout(_) => TransportFailure::Timeout,
        ureq::Error::BodyExceedsLimit(_) => TransportFailure::BodyTooLarge,
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_) => TransportFailure::Connect,
        // rustls's verdict on the server's certificate: a connection that
        // could not be set up.
        ureq::Error::Io(_) if rustls_error(&e).is_some() => TransportFailure::Connect,
        // A name that did not resolve: no connection could be made.
        ureq::Error::Io(io)
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<ResolveFailed>()) =>
        {
            TransportFailure::Connect
        }
        ureq::Error::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::NotFound => TransportFailure::Connect,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportFailure::Timeout,
            _ => TransportFailure::Io,
        },
        _ => TransportFailure::Io,
    };
    let text = format!("{e}{}", certificate_hint(&e));
    let Some(proxy) = via else {
        return TransportError::new(kind, text).with_source(e);
    };
    let (message, _) = proxy.scrub(&text);
    let message = format!("{message} (through proxy {proxy})");
    let mut everything = Zeroizing::new(format!("{e:?}"));
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = source {
        everything.push_str(&s.to_string());
        source = s.source();
    }
    if proxy.scrub(&everything).1 {
        TransportError::new(kind, message)
    } else {
        TransportError::new(kind, message).with_source(e)
    }
}

/// rustls's error behind `e`: ureq's own, or one that reached it as an
/// I/O error (rustls's verdict on the server's certificate does).
fn rustls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(r) => Some(r),
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref(),
        _ => None,
    }
}

/// What to do about a refusal whose words do not say it: rustls (through
/// webpki) refuses a server certificate that is a CA certificate
/// (`basicConstraints CA:TRUE`), which is what `openssl req -x509` makes
/// by default, even when the CA bundle holds that very certificate
/// (OpenSSL, and so the AWS CLI, accept it). Empty for other errors.
fn certificate_hint(e: &ureq::Error) -> &'static str {
    match rustls_error(e) {
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)))
            if other.0.to_string() == "CaUsedAsEndEntity" =>
        {
            "; the server's certificate is a CA certificate (basicConstraints CA:TRUE), \
             which is not accepted as a server's, even from the CA bundle: make it with \
             CA:FALSE (openssl req -x509 … -addext basicConstraints=critical,CA:FALSE) or \
             sign it with a CA in the bundle"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    /// A host that does not resolve (a typo'd region's endpoint; in the
    /// tests' network namespace, any name) is a connection that could not
    /// be made, as `TransportFailure::Connect` promises, not a connection
    /// that broke; the system resolver's words stay in the message.
    #[test]
    fn a_name_that_does_not_resolve_is_a_connect_failure() {
        let transport = UreqTransport::new(UreqSettings {
            proxy: ProxyConfig::new(),
            ..UreqSettings::default()
        });
        for timeout in [None, Some(Duration::from_secs(10))] {
            let request = http::Request::post("http://no-such-host.invalid/")
                .body(Vec::new())
                .unwrap();
            let e = transport.send(request, timeout).unwrap_err();
            assert_eq!(e.kind(), TransportFailure::Connect, "{e} ({timeout:?})");
            assert!(
                e.to_string()
                    .contains("cannot resolve no-such-host.invalid: "),
                "{e}"
            );
            // The same retry kind as before: another attempt may resolve.
            assert_eq!(
                sts_proto::retry::classify_transport(e.kind()),
                sts_proto::retry::RetryKind::Transient
            );
        }
    }

    /// A proxy variable the transport cannot use (a scheme it does not
    /// speak) fails every request, as a failure no retry can mend: one
    /// attempt, nothing taken from the retry quota (a retry would be paid
    /// for before its back-off), and an error a caller's own loop does not
    /// retry either.
    #[test]
    fn an_unusable_proxy_setting_is_not_retried() {
        let proxy = ProxyConfig::from_env_or_refuse(&MapEnv::new([(
            "HTTPS_PROXY",
            "socks5://127.0.0.1:1080",
        )]));
        assert!(
            proxy
                .refused_for(&"https://sts.amazonaws.com/".parse().unwrap())
                .is_some()
        );
        let transport = UreqTransport::new(UreqSettings {
            proxy,
            ..UreqSettings::default()
        });
        let sleeps = crate::timing::RecordedSleeps::default();
        let client = crate::Client::builder()
            .region("us-east-1")
            .credentials(sts_proto::Credentials::new("AKIDEXAMPLE", "secret", None))
            .transport(transport)
            .max_attempts(3)
            .sleep(sleeps.clone())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let quota = std::sync::Arc::clone(&client.shared_options().quota);
        let before = quota.available();
        for _ in 0..3 {
            let e = client.get_caller_identity().unwrap_err();
            assert!(!e.is_retryable(), "{e}");
            let crate::Error::Transport(t) = &e else {
                panic!("a transport error: {e}")
            };
            assert_eq!(t.kind(), TransportFailure::Unusable);
            assert!(e.to_string().contains("socks5"), "{e}");
        }
        assert_eq!(quota.available(), before, "no retry was paid for");
        assert!(sleeps.taken().is_empty(), "no back-off: nothing is retried");
    }
}
