//! `sts serve`: the ECS container credentials endpoint, on loopback.
//!
//! AWS SDKs read `AWS_CONTAINER_CREDENTIALS_FULL_URI` and send
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header; the
//! answer is `{AccessKeyId, SecretAccessKey, Token, Expiration}`. The
//! listener binds 127.0.0.1 only, and a request without the token (made
//! up here from the OS's random source, so no other local user can guess
//! it) is refused: anything else on the machine could otherwise take the
//! credentials. One connection at a time, each with bounded reads and
//! writes, so a stalled client holds the endpoint for seconds at most.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use sts_blocking::Client;
use sts_blocking::sts_proto::Credentials;
use sts_blocking::sts_proto::Operation;
use sts_blocking::sts_proto::ops::AssumeRole;
use sts_blocking::sts_proto::time::format_timestamp;

use crate::args::{Global, ServeArgs, SessionSource};
use crate::exec::{CREDENTIAL_VARIABLES, exit_code};
use crate::render::json_string;
use crate::{Failure, session, setup};

/// The path credentials are served at.
const PATH: &str = "/credentials";
/// How long one client may take to send its request or read the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// A request longer than this is not an SDK's.
const MAX_REQUEST: usize = 16 * 1024;

/// The credentials being served, and how to get the next ones.
struct Source<'a> {
    client: &'a Client,
    from: &'a SessionSource,
    refresh_before: Duration,
    current: Mutex<Option<Credentials>>,
}

impl Source<'_> {
    /// The current credentials, fetched again when they are within
    /// `refresh_before` of expiring, so that no client is handed
    /// credentials about to lapse.
    fn get(&self) -> Result<Credentials, Failure> {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh_enough = current.as_ref().is_some_and(|c| match c.expiration() {
            None => true,
            Some(expiration) => SystemTime::now()
                .checked_add(self.refresh_before)
                .is_some_and(|soon| soon < expiration),
        });
        if !fresh_enough {
            *current = Some(session::fresh(self.client, self.from)?);
        }
        current
            .clone()
            .ok_or_else(|| Failure::Usage("no credentials".into()))
    }
}

/// Serves until stopped, or (with `--exec`) until the command ends;
/// returns the command's exit status.
pub(crate) fn run(global: &Global, args: &ServeArgs) -> Result<u8, Failure> {
    let (client, _) = setup::client_and_region(global, AssumeRole::ACTION)?;
    // Fails now, before anyone is told where to ask, if the credentials
    // cannot be had.
    let (first, issued) = session::issue(&client, &args.source)?;
    // Credentials STS has just issued that are never fresh enough would be
    // issued again for every request. (Temporary ones handed on as they
    // are may simply be near their end; asking again costs no call.)
    let lifetime = first
        .expiration()
        .and_then(|e| e.duration_since(SystemTime::now()).ok())
        .filter(|_| issued);
    let source = Source {
        client: &client,
        from: &args.source,
        refresh_before: Duration::from_secs(args.refresh_before),
        current: Mutex::new(Some(first)),
    };
    if let Some(lifetime) = lifetime
        && lifetime <= source.refresh_before
    {
        return Err(Failure::Usage(format!(
            "argument --refresh-before: {} s is not less than the credentials' lifetime \
             ({} s), so every request would fetch new ones; lower it, or give a longer \
             --duration-seconds",
            args.refresh_before,
            lifetime.as_secs()
        )));
    }
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, args.port)).map_err(|e| {
        Failure::Config(format!(
            "argument --port: cannot listen on 127.0.0.1:{}: {e}",
            args.port
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Failure::Config(format!("argument --port: {e}")))?
        .port();
    let uri = format!("http://127.0.0.1:{port}{PATH}");
    let token = new_token()?;
    if !args.exec {
        // The tool's output: where to ask and with what, for `eval`.
        let mut out = std::io::stdout().lock();
        let printed = writeln!(
            out,
            "export AWS_CONTAINER_CREDENTIALS_FULL_URI={uri}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN={token}"
        )
        .and_then(|()| out.flush());
        if printed.is_err() {
            return Err(Failure::Config("cannot write to stdout".into()));
        }
        drop(out);
        serve(&listener, &source, &token, || false);
        return Ok(0);
    }
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Failure::Usage("argument --exec: a command to run is required".into()))?;
    let mut command = Command::new(program);
    command.args(rest);
    for name in CREDENTIAL_VARIABLES {
        command.env_remove(name);
    }
    command
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", &token);
    let mut child = command
        .spawn()
        .map_err(|e| Failure::Usage(format!("argument --exec: cannot run \"{program}\": {e}")))?;
    // The accept loop checks between connections whether the child has
    // ended; a poll interval bounds how long an idle endpoint outlives it.
    listener
        .set_nonblocking(true)
        .map_err(|e| Failure::Config(format!("argument --port: {e}")))?;
    let done = std::cell::Cell::new(None);
    serve(&listener, &source, &token, || {
        match child.try_wait() {
            Ok(Some(status)) => done.set(Some(exit_code(status))),
            Ok(None) => {}
            Err(_) => done.set(Some(crate::failure::EXIT_OTHER)),
        }
        done.get().is_some()
    });
    Ok(done.get().unwrap_or(crate::failure::EXIT_OTHER))
}

/// How often a non-blocking accept loop checks whether to stop.
const POLL: Duration = Duration::from_millis(50);

/// Accepts and answers connections one at a time until `stop` says so.
fn serve(listener: &TcpListener, source: &Source<'_>, token: &str, mut stop: impl FnMut() -> bool) {
    loop {
        if stop() {
            return;
        }
        match listener.accept() {
            Ok((stream, _)) => answer(stream, source, token),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

fn answer(mut stream: TcpStream, source: &Source<'_>, token: &str) {
    // An accepted socket may inherit non-blocking mode.
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let (status, body) = match read_request(&mut stream) {
        None => (400, error_body("Bad Request", "not an HTTP request")),
        Some(request) => respond(&request, source, token),
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .and_then(|()| stream.flush());
}

/// The request head, up to the blank line.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8(buf).ok()
}

fn respond(request: &str, source: &Source<'_>, token: &str) -> (u16, String) {
    let mut lines = request.split("\r\n");
    let mut start = lines.next().unwrap_or_default().split(' ');
    let (method, target) = (
        start.next().unwrap_or_default(),
        start.next().unwrap_or_default(),
    );
    let given = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.trim());
    match given {
        None => {
            return (
                401,
                error_body("Unauthorized", "the Authorization header is missing"),
            );
        }
        Some(given) if !same(given.as_bytes(), token.as_bytes()) => {
            return (
                403,
                error_body("Forbidden", "the Authorization token is wrong"),
            );
        }
        Some(_) => {}
    }
    if method != "GET" {
        return (405, error_body("Method Not Allowed", "only GET is served"));
    }
    if target.split('?').next() != Some(PATH) {
        return (
            404,
            error_body("Not Found", "credentials are served at /credentials"),
        );
    }
    match source.get() {
        Ok(c) => (200, credentials_body(&c)),
        Err(failure) => {
            // The failure's text names the call and the code, never a secret.
            eprintln!("sts serve: {}", failure.message_without_context());
            (
                500,
                error_body(
                    "Internal Server Error",
                    "the credentials could not be had; see sts's stderr",
                ),
            )
        }
    }
}

/// Compares without stopping at the first difference, so the time taken
/// does not tell how much of a guessed token was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn error_body(code: &str, message: &str) -> String {
    format!(
        "{{\"code\": {}, \"message\": {}}}",
        json_string(code),
        json_string(message)
    )
}

fn credentials_body(c: &Credentials) -> String {
    let mut fields = vec![
        format!("\"AccessKeyId\": {}", json_string(c.access_key_id())),
        format!(
            "\"SecretAccessKey\": {}",
            json_string(c.secret_access_key().expose())
        ),
    ];
    if let Some(t) = c.session_token() {
        fields.push(format!("\"Token\": {}", json_string(t.expose())));
    }
    if let Some(e) = c.expiration() {
        fields.push(format!(
            "\"Expiration\": {}",
            json_string(&format_timestamp(e))
        ));
    }
    format!("{{{}}}", fields.join(", "))
}

/// 32 bytes from the OS's random source, as hex.
fn new_token() -> Result<String, Failure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::Config(format!("no random source for the token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
