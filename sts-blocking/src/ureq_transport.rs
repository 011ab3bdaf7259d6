//! The default transport: one shared `ureq` agent.

use std::io::{self, Read};
use std::time::Duration;

use ureq::config::AutoHeaderValue;
use ureq::tls::TlsConfig;
use ureq::unversioned::transport::DefaultConnector;
use zeroize::Zeroizing;

use crate::resolver::CachingResolver;
use crate::timing::bounded_timeout;
use crate::transport::{Transport, TransportError, TransportFailure};

/// The default cap on a response body. STS answers are a few KiB; the cap
/// keeps a hostile or broken server from filling memory.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1024 * 1024;

/// Settings of the default transport.
#[derive(Debug, Clone)]
pub struct UreqSettings {
    /// Time allowed to open a connection (DNS, TCP and TLS).
    pub connect_timeout: Option<Duration>,
    /// Largest response body read.
    pub max_body_bytes: u64,
    /// Whether `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY` apply.
    pub proxy_from_env: bool,
    /// Turns off TLS certificate checks. Only for testing against a server
    /// with a self-signed certificate: anyone on the path can then read
    /// and change the traffic, credentials included.
    pub danger_accept_invalid_certs: bool,
}

impl Default for UreqSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Some(Duration::from_secs(3)),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            proxy_from_env: true,
            danger_accept_invalid_certs: false,
        }
    }
}

/// A [`Transport`] over one `ureq` agent, which keeps connections alive
/// and reuses them across calls and threads, resolves each host at most
/// every 30 seconds, speaks TLS with rustls and
/// the Mozilla root certificates, and follows no redirects (STS sends none,
/// and a redirect would carry a signed request somewhere else).
///
/// **Logging**: `ureq` logs every byte it sends and receives at `Trace`
/// level, secrets included, and cannot be told not to. A program that logs
/// at `Trace` must hold those records back; see [`crate::log_safety`].
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
    max_body_bytes: u64,
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new(UreqSettings::default())
    }
}

impl UreqTransport {
    /// A transport with `settings`.
    pub fn new(settings: UreqSettings) -> Self {
        let proxy = if settings.proxy_from_env {
            ureq::Proxy::try_from_env()
        } else {
            None
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(AutoHeaderValue::None)
            .timeout_connect(bounded_timeout(settings.connect_timeout))
            .proxy(proxy)
            .max_idle_connections_per_host(32)
            .tls_config(
                TlsConfig::builder()
                    .disable_verification(settings.danger_accept_invalid_certs)
                    .build(),
            )
            .build();
        Self {
            agent: ureq::Agent::with_parts(
                config,
                DefaultConnector::default(),
                CachingResolver::default(),
            ),
            max_body_bytes: settings.max_body_bytes,
        }
    }
}

impl Transport for UreqTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        // The form body can hold a web identity token, a SAML assertion or
        // an MFA code: lend it to ureq and wipe it after.
        let (parts, body) = request.into_parts();
        let body = Zeroizing::new(body);
        let request = http::Request::from_parts(parts, body.as_slice());
        // A per-request configuration copies the agent's; skip it when
        // there is nothing to set.
        let response = match bounded_timeout(timeout) {
            None => self.agent.run(request),
            Some(t) => {
                let request = self
                    .agent
                    .configure_request(request)
                    .timeout_global(Some(t))
                    .build();
                self.agent.run(request)
            }
        }
        .map_err(transport_error)?;
        let (parts, mut body) = response.into_parts();
        let expected = body.content_length().unwrap_or(0).min(self.max_body_bytes);
        let reader = body.with_config().limit(self.max_body_bytes).reader();
        let bytes = read_wiping(reader, usize::try_from(expected).unwrap_or(0))
            .map_err(|e| transport_error(ureq::Error::from(e)))?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}

/// Reads to the end into one buffer of `expected` bytes, growing it (when
/// the length was not announced, or was wrong) by copying into a larger
/// buffer and wiping the old one, so that no copy of the answer's secrets
/// is left behind in freed memory, on success or on error.
fn read_wiping(mut reader: impl Read, expected: usize) -> io::Result<Vec<u8>> {
    // One spare byte: the read that finds the end needs room to return 0.
    let mut buf = Zeroizing::new(vec![0u8; expected.saturating_add(1)]);
    let mut len = 0;
    loop {
        if len == buf.len() {
            let mut bigger = Zeroizing::new(vec![0u8; len.saturating_mul(2).max(4096)]);
            bigger[..len].copy_from_slice(&buf[..len]);
            buf = bigger;
        }
        match reader.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut out = std::mem::take(&mut *buf);
    out.truncate(len);
    Ok(out)
}

fn transport_error(e: ureq::Error) -> TransportError {
    let kind = match &e {
        ureq::Error::Timeout(_) => TransportFailure::Timeout,
        ureq::Error::BodyExceedsLimit(_) => TransportFailure::BodyTooLarge,
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_) => TransportFailure::Connect,
        ureq::Error::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::NotFound => TransportFailure::Connect,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportFailure::Timeout,
            _ => TransportFailure::Io,
        },
        _ => TransportFailure::Io,
    };
    TransportError::new(kind, e.to_string()).with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `step` bytes a read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn read_wiping_reads_everything_whatever_the_length_hint() {
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        for expected in [0, 1, 99, 9_999, 10_000, 20_000] {
            for step in [1, 7, 4096, 100_000] {
                let got = read_wiping(Trickle { data: &data, step }, expected).unwrap();
                assert_eq!(got, data, "expected {expected}, step {step}");
            }
        }
    }
}
