//! A certificate authority made at run time, and a loopback TLS server
//! with a certificate from it that answers every request with a canned
//! GetCallerIdentity; shared by `tls_ca_bundle.rs` and `proxy.rs`.
//!
//! Every wait is bounded: the server polls its listener and stops within
//! [`POLL`] of being dropped, and each connection has read and write
//! timeouts and a deadline.

#![allow(dead_code, unreachable_pub)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sts_blocking::Client;
use sts_blocking::ureq_transport::UreqTransport;
use sts_proto::Credentials;
use sts_tests::canned;

/// How often the accept loop looks at its stop flag.
const POLL: Duration = Duration::from_millis(10);
/// The longest a connection may take, from accept to the last byte.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(10);
/// The ARN the canned answer names.
pub const ARN: &str = "arn:aws:iam::123456789012:user/tls-test";

/// A CA and a server certificate it signed, for `localhost` and
/// `127.0.0.1`.
pub struct TestPki {
    /// The CA's certificate, as a CA bundle holds it.
    pub ca_pem: String,
    /// The same certificate in DER.
    pub ca_der: Vec<u8>,
    server_cert: CertificateDer<'static>,
    server_key: Vec<u8>,
}

impl TestPki {
    /// A new CA named `name`, and a server certificate from it.
    pub fn new(name: &str) -> TestPki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, name);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);

        let server_key = KeyPair::generate().unwrap();
        let mut server =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        server
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let server_cert = server.signed_by(&server_key, &issuer).unwrap();
        TestPki {
            ca_pem: ca_cert.pem(),
            ca_der: ca_cert.der().to_vec(),
            server_cert: server_cert.der().clone(),
            server_key: server_key.serialize_der(),
        }
    }

    /// One self-signed certificate for `localhost` and `127.0.0.1` that is
    /// both the CA and the server's, marked `CA:TRUE` as
    /// `openssl req -x509` marks it by default.
    pub fn self_signed_ca(name: &str) -> TestPki {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).unwrap();
        TestPki {
            ca_pem: cert.pem(),
            ca_der: cert.der().to_vec(),
            server_cert: cert.der().clone(),
            server_key: key.serialize_der(),
        }
    }

    /// Writes the CA certificate to a fresh file and returns its path.
    pub fn write_ca(&self, dir: &std::path::Path, name: &str) -> std::path::PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, &self.ca_pem).unwrap();
        path
    }

    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![self.server_cert.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone())),
            )
            .unwrap();
        Arc::new(config)
    }
}

/// A loopback HTTPS server answering every request with a canned
/// GetCallerIdentity and `Connection: close`.
pub struct TlsServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
    accepted: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl TlsServer {
    /// Starts a server with `pki`'s server certificate on 127.0.0.1.
    pub fn start(pki: &TestPki) -> TlsServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let accepted = Arc::new(AtomicUsize::new(0));
        let config = pki.server_config();
        let thread = {
            let (stop, requests, accepted) = (stop.clone(), requests.clone(), accepted.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            accepted.fetch_add(1, Ordering::SeqCst);
                            let (config, requests) = (config.clone(), requests.clone());
                            std::thread::spawn(move || {
                                if serve(stream, config).is_ok() {
                                    requests.fetch_add(1, Ordering::SeqCst);
                                }
                            });
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
                        Err(_) => std::thread::sleep(POLL),
                    }
                }
            })
        };
        TlsServer {
            addr,
            stop,
            requests,
            accepted,
            thread: Some(thread),
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests answered (over a completed handshake).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Connections accepted, handshake or not.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Waits up to `limit` for `n` answered requests.
    pub fn wait_for_requests(&self, n: usize, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        while self.requests() < n {
            if Instant::now() > end {
                return false;
            }
            std::thread::sleep(POLL);
        }
        true
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

/// One connection: handshake, one request, the canned answer.
fn serve(tcp: TcpStream, config: Arc<rustls::ServerConfig>) -> io::Result<()> {
    let deadline = Instant::now() + CONNECTION_DEADLINE;
    tcp.set_nonblocking(false)?;
    tcp.set_read_timeout(Some(Duration::from_secs(5)))?;
    tcp.set_write_timeout(Some(Duration::from_secs(5)))?;
    let connection = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    read_request(&mut tls, deadline)?;
    let body = canned::caller_identity(ARN);
    write!(
        tls,
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )?;
    tls.conn.send_close_notify();
    tls.flush()
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body) and
/// returns its head.
pub fn read_request(stream: &mut impl Read, deadline: Instant) -> io::Result<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if Instant::now() > deadline || buf.len() > 64 * 1024 {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "no request head"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed early"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        if Instant::now() > deadline {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "body too slow"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body cut"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(head)
}

/// A client for `endpoint` over `transport`, one attempt per call.
pub fn client(endpoint: &str, transport: UreqTransport) -> Client {
    Client::builder()
        .endpoint_url(endpoint)
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .max_attempts(1)
        .attempt_timeout(Some(Duration::from_secs(10)))
        .transport(transport)
        .build()
        .unwrap()
}
