//! A transport of your own: plain HTTP/1.1 over `std::net`, for an
//! `http://` endpoint such as a local test server (for `https://`, wrap the
//! stream in your TLS library of choice).
//!
//! `cargo run --example std_net_transport -- http://127.0.0.1:5000`
//! with credentials in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.
//!
//! The client keeps everything else: signing, retries, clock-skew
//! correction, parsing. A transport only moves bytes, and must bound every
//! wait and every read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use sts_blocking::Client;
use sts_blocking::transport::{Transport, TransportError, TransportFailure};

/// Largest answer read; STS answers are a few KiB.
const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug)]
struct StdNet;

impl Transport for StdNet {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let fail = |kind, what: String| TransportError::new(kind, what);
        let uri = request.uri();
        let host = uri.host().unwrap_or("localhost");
        let port = uri.port_u16().unwrap_or(80);
        let timeout = timeout.unwrap_or(Duration::from_secs(30));
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(|e| fail(TransportFailure::Connect, format!("resolving {host}: {e}")))?
            .next()
            .ok_or_else(|| fail(TransportFailure::Connect, format!("no address for {host}")))?;
        let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| {
            fail(
                TransportFailure::Connect,
                format!("connecting to {addr}: {e}"),
            )
        })?;
        let io = |e: std::io::Error| {
            let kind = match e.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    TransportFailure::Timeout
                }
                _ => TransportFailure::Io,
            };
            fail(kind, e.to_string())
        };
        stream.set_read_timeout(Some(timeout)).map_err(io)?;
        stream.set_write_timeout(Some(timeout)).map_err(io)?;

        // The request: line, headers (the signed ones, exactly), body.
        let mut head = format!(
            "{} {} HTTP/1.1\r\n",
            request.method(),
            uri.path_and_query().map_or("/", |p| p.as_str())
        );
        for (name, value) in request.headers() {
            let value = value
                .to_str()
                .map_err(|_| fail(TransportFailure::Io, format!("header {name} is not text")))?;
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            request.body().len()
        ));
        stream.write_all(head.as_bytes()).map_err(io)?;
        stream.write_all(request.body()).map_err(io)?;

        // The answer: status line, headers, then the body to the end.
        let mut reader = BufReader::new(stream.take(MAX_BODY as u64 + 64 * 1024));
        let mut line = String::new();
        reader.read_line(&mut line).map_err(io)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| fail(TransportFailure::Io, "no HTTP status line".to_owned()))?;
        let mut response = http::Response::builder().status(status);
        loop {
            line.clear();
            reader.read_line(&mut line).map_err(io)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                response = response.header(name.trim(), value.trim());
            }
        }
        let mut body = Vec::new();
        reader.read_to_end(&mut body).map_err(io)?;
        if body.len() > MAX_BODY {
            return Err(fail(
                TransportFailure::BodyTooLarge,
                format!("the answer is over {MAX_BODY} bytes"),
            ));
        }
        response
            .body(body)
            .map_err(|e| fail(TransportFailure::Io, e.to_string()))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:5000".to_owned());
    let client = Client::builder()
        .transport(StdNet)
        .endpoint_url(endpoint)
        .from_env()?
        .default_region("us-east-1")
        .build()?;
    let me = client.get_caller_identity()?;
    println!("{}", me.arn.as_deref().unwrap_or("?"));
    Ok(())
}
