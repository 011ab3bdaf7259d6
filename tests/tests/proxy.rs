//! The default transport and `ProxyConfig` against a loopback CONNECT
//! proxy that records what reaches it: which requests go through a proxy
//! (`HTTPS_PROXY` for https, `HTTP_PROXY` for http only, `NO_PROXY`,
//! httpoxy), that the proxy's credentials are sent to it, and that they
//! appear in no error.
//!
//! ureq asks every proxy for a tunnel (`CONNECT host:port`), for `http://`
//! URLs too, so the proxy here tunnels both: to the TLS server of
//! `tls_support` for https, to a fault server for http. Environments are
//! `MapEnv`s; the process environment is never changed.

mod tls_support;

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sts_blocking::Error;
use sts_blocking::env::MapEnv;
use sts_blocking::proxy::{ProxyConfig, ProxyUrl};
use sts_blocking::tls::CaBundle;
use sts_blocking::transport::TransportFailure;
use sts_blocking::ureq_transport::{UreqSettings, UreqTransport};
use sts_tests::{FaultServer, Step, canned};
use tls_support::{ARN, TestPki, TlsServer, client};

/// How long a tunnel may sit idle, and a proxied connection may last.
const IDLE: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(10);

/// What reached the proxy: one entry per request it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    method: String,
    target: String,
    proxy_authorization: Option<String>,
}

/// A loopback HTTP proxy: `CONNECT` opens a tunnel to the target (or is
/// answered with `refuse`, when set); any other request is answered with a
/// canned GetCallerIdentity.
struct LoopbackProxy {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Every socket opened, so that dropping the proxy closes the tunnels.
    sockets: Arc<Mutex<Vec<TcpStream>>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackProxy {
    fn start() -> LoopbackProxy {
        Self::start_with(None)
    }

    /// A proxy that answers every CONNECT with `status`.
    fn refusing(status: &'static str) -> LoopbackProxy {
        Self::start_with(Some(status))
    }

    fn start_with(refuse: Option<&'static str>) -> LoopbackProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sockets = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, seen, sockets) = (stop.clone(), seen.clone(), sockets.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (seen, sockets) = (seen.clone(), sockets.clone());
                            std::thread::spawn(move || {
                                handle(stream, refuse, &seen, &sockets).ok();
                            });
                        }
                        Err(_) => std::thread::sleep(POLL),
                    }
                }
            })
        };
        LoopbackProxy {
            addr,
            stop,
            seen,
            sockets,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, with `userinfo@` if given.
    fn url(&self, userinfo: Option<&str>) -> String {
        match userinfo {
            Some(info) => format!("http://{info}@{}", self.addr),
            None => format!("http://{}", self.addr),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for LoopbackProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for socket in self
            .sockets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            socket.shutdown(Shutdown::Both).ok();
        }
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

fn handle(
    mut client: TcpStream,
    refuse: Option<&str>,
    seen: &Mutex<Vec<Seen>>,
    sockets: &Mutex<Vec<TcpStream>>,
) -> io::Result<()> {
    client.set_nonblocking(false)?;
    client.set_read_timeout(Some(IDLE))?;
    client.set_write_timeout(Some(IDLE))?;
    sockets
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(client.try_clone()?);
    let head = tls_support::read_request(&mut client, Instant::now() + IDLE)?;
    let mut words = head.split_whitespace();
    let (method, target) = (
        words.next().unwrap_or_default().to_owned(),
        words.next().unwrap_or_default().to_owned(),
    );
    let proxy_authorization = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("proxy-authorization")
            .then(|| value.trim().to_owned())
    });
    seen.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Seen {
            method: method.clone(),
            target: target.clone(),
            proxy_authorization,
        });
    if method != "CONNECT" {
        let body = canned::caller_identity("arn:aws:iam::123456789012:user/from-proxy");
        return write!(
            client,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
    if let Some(status) = refuse {
        return write!(
            client,
            "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
    let upstream = connect_to(&target)?;
    upstream.set_read_timeout(Some(IDLE))?;
    upstream.set_write_timeout(Some(IDLE))?;
    sockets
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(upstream.try_clone()?);
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (client_in, upstream_out) = (client.try_clone()?, upstream.try_clone()?);
    let up = std::thread::spawn(move || splice(client_in, upstream_out));
    splice(upstream, client);
    up.join().ok();
    Ok(())
}

/// A connection to `target` (`host:port`), trying each of its addresses.
fn connect_to(target: &str) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in target.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, IDLE) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Copies `from` to `to` until either side closes or `from` is idle for
/// [`IDLE`]; then closes both.
fn splice(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    from.shutdown(Shutdown::Both).ok();
    to.shutdown(Shutdown::Both).ok();
}

fn env(vars: &[(&str, &str)]) -> MapEnv {
    MapEnv::new(vars.iter().copied())
}

fn transport(proxy: ProxyConfig, bundle: Option<&TestPki>) -> UreqTransport {
    UreqTransport::new(
        UreqSettings::default()
            .with_proxy(proxy)
            .with_ca_bundle(
                bundle.map(|pki| CaBundle::from_pem(pki.ca_pem.as_bytes(), "test CA").unwrap()),
            )
            .with_connect_timeout(Some(Duration::from_secs(5))),
    )
}

fn fault_server() -> FaultServer {
    let body = canned::caller_identity(ARN);
    FaultServer::with_handler(move |_| Step::xml(200, body.clone()))
}

fn connect(method: &str, addr: SocketAddr) -> Seen {
    Seen {
        method: method.to_owned(),
        target: addr.to_string(),
        proxy_authorization: None,
    }
}

#[test]
fn https_goes_through_https_proxy() {
    let pki = TestPki::new("sts proxy test CA");
    let server = TlsServer::start(&pki);
    let proxy = LoopbackProxy::start();
    let config = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", &proxy.url(None))])).unwrap();
    let client = client(&server.url(), transport(config, Some(&pki)));
    let identity = client.get_caller_identity().unwrap();
    assert_eq!(identity.arn.as_deref(), Some(ARN));
    assert_eq!(proxy.seen(), vec![connect("CONNECT", server.addr())]);
    assert!(server.wait_for_requests(1, Duration::from_secs(5)));
}

#[test]
fn the_proxy_gets_its_credentials_and_nothing_shows_them() {
    let pki = TestPki::new("sts proxy test CA");
    let server = TlsServer::start(&pki);
    let proxy = LoopbackProxy::start();
    // `%40` is an `@` in the password.
    let url = proxy.url(Some("alice:s3cr%40t"));
    let config = ProxyConfig::from_env(&env(&[("https_proxy", &url)])).unwrap();
    let transport = transport(config, Some(&pki));
    let shown = format!("{transport:?}");
    assert!(!shown.contains("s3cr"), "{shown}");
    assert!(
        shown.contains(&format!("http://***@{}", proxy.addr)),
        "{shown}"
    );
    client(&server.url(), transport)
        .get_caller_identity()
        .unwrap();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    // base64("alice:s3cr@t")
    assert_eq!(
        seen[0].proxy_authorization.as_deref(),
        Some("Basic YWxpY2U6czNjckB0")
    );
}

#[test]
fn http_proxy_alone_is_not_used_for_https() {
    let pki = TestPki::new("sts proxy test CA");
    let server = TlsServer::start(&pki);
    let proxy = LoopbackProxy::start();
    for name in ["HTTP_PROXY", "http_proxy"] {
        let config = ProxyConfig::from_env(&env(&[(name, &proxy.url(None))])).unwrap();
        let client = client(&server.url(), transport(config, Some(&pki)));
        client.get_caller_identity().unwrap();
    }
    assert_eq!(proxy.seen(), vec![]);
    assert!(server.wait_for_requests(2, Duration::from_secs(5)));
}

#[test]
fn http_goes_through_http_proxy() {
    let server = fault_server();
    let proxy = LoopbackProxy::start();
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let config = ProxyConfig::from_env(&env(&[(name, &proxy.url(None))])).unwrap();
        let identity = client(&server.url(), transport(config, None))
            .get_caller_identity()
            .unwrap();
        assert_eq!(identity.arn.as_deref(), Some(ARN));
    }
    assert_eq!(proxy.seen(), vec![connect("CONNECT", server.addr()); 3]);
    assert_eq!(server.requests_seen(), 3);

    // HTTPS_PROXY is for https only.
    let config = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", &proxy.url(None))])).unwrap();
    client(&server.url(), transport(config, None))
        .get_caller_identity()
        .unwrap();
    assert_eq!(proxy.seen().len(), 3);
    assert_eq!(server.requests_seen(), 4);
}

#[test]
fn no_proxy_keeps_a_host_off_the_proxy() {
    let server = fault_server();
    let proxy = LoopbackProxy::start();
    let port = server.addr().port();
    let localhost = format!("http://localhost:{port}");
    // (NO_PROXY, URL, whether the proxy is used)
    let cases = [
        ("localhost", &localhost, false),
        (".localhost", &localhost, false),
        ("*.localhost", &localhost, false),
        ("LOCALHOST", &localhost, false),
        ("example.com, localhost", &localhost, false),
        (&format!("localhost:{port}") as &str, &localhost, false),
        ("localhost:1", &localhost, true),
        ("calhost", &localhost, true),
        ("sub.localhost", &localhost, true),
        ("127.0.0.1", &server.url(), false),
        ("127.0.0.0/8", &server.url(), false),
        ("*", &server.url(), false),
        ("127.0.0.2", &server.url(), true),
        ("10.0.0.0/8", &server.url(), true),
        ("localhost", &server.url(), true),
    ];
    let mut through_proxy = 0;
    for (no_proxy, url, proxied) in cases {
        let config = ProxyConfig::from_env(&env(&[
            ("HTTP_PROXY", &proxy.url(None)),
            ("NO_PROXY", no_proxy),
        ]))
        .unwrap();
        client(url, transport(config, None))
            .get_caller_identity()
            .unwrap();
        through_proxy += usize::from(proxied);
        assert_eq!(
            proxy.seen().len(),
            through_proxy,
            "NO_PROXY={no_proxy} {url}"
        );
    }
    assert_eq!(server.requests_seen(), cases.len());
}

#[test]
fn httpoxy_uppercase_http_proxy_is_ignored_when_request_method_is_set() {
    let server = fault_server();
    let proxy = LoopbackProxy::start();
    let url = proxy.url(None);
    let cgi = ("REQUEST_METHOD", "POST");
    let config = ProxyConfig::from_env(&env(&[cgi, ("HTTP_PROXY", &url)])).unwrap();
    client(&server.url(), transport(config, None))
        .get_caller_identity()
        .unwrap();
    assert_eq!(proxy.seen(), vec![]);
    // Lowercase `http_proxy` cannot come from a request header: it counts.
    let config = ProxyConfig::from_env(&env(&[cgi, ("http_proxy", &url)])).unwrap();
    client(&server.url(), transport(config, None))
        .get_caller_identity()
        .unwrap();
    assert_eq!(proxy.seen(), vec![connect("CONNECT", server.addr())]);
    assert_eq!(server.requests_seen(), 2);
}

/// Every message in `e`'s chain, and its `Debug`.
fn everything(e: &Error) -> String {
    let mut text = format!("{e:?}");
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        text.push('\n');
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[test]
fn proxy_failures_name_the_proxy_and_never_its_password() {
    let server = fault_server();
    let refusing = LoopbackProxy::refusing("407 Proxy Authentication Required");
    let url = refusing.url(Some("alice:hunter2"));
    let config = ProxyConfig::new().http(ProxyUrl::new(&url).unwrap());
    let e = client(&server.url(), transport(config, None))
        .get_caller_identity()
        .unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportFailure::Connect);
    let text = everything(&e);
    assert!(text.contains("407"), "{text}");
    assert!(
        text.contains(&format!("through proxy http://***@{}", refusing.addr)),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(refusing.seen().len(), 1);
    assert_eq!(server.requests_seen(), 0);

    // Nothing listens: the connection to the proxy itself fails.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let url = format!("http://alice:hunter2@{closed}");
    let config = ProxyConfig::new().http(ProxyUrl::new(&url).unwrap());
    let e = client(&server.url(), transport(config, None))
        .get_caller_identity()
        .unwrap_err();
    let text = everything(&e);
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportFailure::Connect),
        "{text}"
    );
    assert!(
        text.contains(&format!("through proxy http://***@{closed}")),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(server.requests_seen(), 0);
}

#[test]
fn an_invalid_proxy_variable_is_an_error_naming_it() {
    let e = ProxyConfig::from_env(&env(&[("HTTPS_PROXY", "http://alice:hunter2@proxy:99999")]))
        .unwrap_err();
    assert_eq!(e.origin(), "HTTPS_PROXY");
    let text = e.to_string();
    assert!(text.contains("HTTPS_PROXY"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let e = ProxyUrl::new("socks5://alice:hunter2@proxy:1080").unwrap_err();
    assert!(e.to_string().contains("builder option"), "{e}");
    assert!(!format!("{e} {e:?}").contains("hunter2"), "{e:?}");
}
