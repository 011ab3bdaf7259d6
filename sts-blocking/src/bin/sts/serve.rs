//! `sts serve`: the ECS container credentials endpoint, on loopback.
//!
//! AWS SDKs read `AWS_CONTAINER_CREDENTIALS_FULL_URI` and send
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header; the
//! answer is `{AccessKeyId, SecretAccessKey, Token, Expiration}`. The
//! listener binds 127.0.0.1 only, and a request without the token (made
//! up here from the OS's random source, so no other local user can guess
//! it) is refused: anything else on the machine could otherwise take the
//! credentials. Each connection is read and answered on a thread of its
//! own, so a client that never sends its request delays no other; its
//! whole request head must come within 5 s of its accept, and each write
//! of the answer within 5 s, so a stalled or trickling client holds a
//! thread for seconds at most. Connecting needs no token, so any local
//! user can open connections and send nothing: at most
//! [`MAX_WAITING`] wait for their head at once, and each connection
//! beyond that closes the one that has waited longest. SDKs send their
//! request as soon as they connect, so an idle crowd, however often it is
//! reopened, cannot keep them out (a test holds it to that); only one that
//! opens connections faster than a thread starts and reads a head could.
//!
//! A refresh that fails while the credentials held are still valid does
//! not fail the request: they are served, the failure is logged, and the
//! next refresh waits [`RETRY_AFTER_FAILURE`] (or until expiry, if sooner).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use sts_blocking::Client;
use sts_blocking::sts_proto::Credentials;
use sts_blocking::sts_proto::Operation;
use sts_blocking::sts_proto::ops::AssumeRole;
use sts_blocking::sts_proto::time::format_timestamp;

use crate::args::{Global, ServeArgs, SessionSource};
use crate::child_files::ChildFiles;
use crate::exec::{self, exit_code};
use crate::render::json_string;
use crate::{Failure, session, setup};

/// The path credentials are served at.
const PATH: &str = "/credentials";
/// How long one client may take to send its whole request head, from its
/// accept, and each write of the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// After a failed refresh, how long the still-valid credentials are served
/// before the next try: a refresh is an STS call, every request waits on
/// the one endpoint meanwhile, and an STS that refuses or is down would
/// otherwise be asked on every request. The library waits as long after a
/// failed SSO token or console login refresh. The next try comes at their
/// expiry when that is sooner: they are served with their expiry, so the
/// SDKs asking here apply their own margin before it.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// The expiry served with credentials that have none (temporary ones
/// handed on from the environment or a profile without an expiry): this
/// long after each request. SDKs fetch container credentials again when
/// they are near their expiry (botocore within 15 minutes, the Rust and
/// Java SDKs within 5 to 10), so an hour lets them be used for about 45
/// minutes before the SDK asks again, which then costs only a loopback
/// request (credentials without an expiry are never refreshed here).
const UNKNOWN_EXPIRY_LEFT: Duration = Duration::from_secs(3600);
/// A request longer than this is not an SDK's.
const MAX_REQUEST: usize = 16 * 1024;
/// How long a request without valid credentials to hand waits for a
/// refresh that another request started. The refresh is an STS call that
/// its own timeouts and retries end, but a wait of this thread must not
/// hang on that alone: the SDKs asking give up after a few seconds
/// (botocore after 2 s per attempt), and a thread kept waiting past that
/// only holds on to a connection nobody reads. The default attempt
/// timeout, so that one slow STS answer is still waited for.
const REFRESH_WAIT: Duration = Duration::from_secs(10);

/// The credentials being served, and how to get the next ones.
struct Source<'a> {
    client: &'a Client,
    from: &'a SessionSource,
    refresh_before: Duration,
    /// [`REFRESH_WAIT`], but for the tests.
    refresh_wait: Duration,
    held: Mutex<Held>,
    /// Told when a refresh ends, for the requests that wait on it because
    /// nothing valid is held.
    refreshed: Condvar,
}

/// The credentials served now.
struct Held {
    credentials: Credentials,
    /// After a refresh failed while they were valid: no new try before
    /// this, so that a refusing STS is not asked on every request.
    retry_at: Option<SystemTime>,
    /// Whether a request is asking STS now. The lock is not held over
    /// that call: a slow STS would otherwise hold up every request,
    /// including those the held credentials can still answer.
    refreshing: bool,
}

impl Source<'_> {
    /// Serving `first`, which STS has just issued or the environment gave.
    fn new<'a>(
        client: &'a Client,
        from: &'a SessionSource,
        refresh_before: Duration,
        first: Credentials,
    ) -> Source<'a> {
        Source {
            client,
            from,
            refresh_before,
            refresh_wait: REFRESH_WAIT,
            held: Mutex::new(Held {
                credentials: first,
                retry_at: None,
                refreshing: false,
            }),
            refreshed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current credentials, fetched again when they are within
    /// `refresh_before` of expiring, so that no client is handed
    /// credentials about to lapse. A failed refresh is not the answer
    /// while the held credentials are still valid: a passing STS fault
    /// then costs nothing, and they are what a client would get anyway.
    ///
    /// One request asks STS at a time, without the lock; the others are
    /// answered with the held credentials while those are valid, and
    /// wait for the refresh's outcome only when they are not.
    ///
    /// A wait ends after `refresh_wait` with a failure: the request is
    /// answered, and its SDK asks again.
    fn get(&self) -> Result<Credentials, Failure> {
        let mut held = self.lock();
        let mut waiting_since = None;
        loop {
            let now = SystemTime::now();
            if !self.due(&held, now) {
                return Ok(held.credentials.clone());
            }
            if !held.refreshing {
                break;
            }
            if is_valid(&held.credentials, now) {
                return Ok(held.credentials.clone());
            }
            let since = *waiting_since.get_or_insert_with(Instant::now);
            let left = self.refresh_wait.saturating_sub(since.elapsed());
            if left.is_zero() {
                return Err(Failure::Config(format!(
                    "no valid credentials to serve: waited {} ms for a refresh that another \
                     request started, which has not finished (STS may be slow to answer)",
                    self.refresh_wait.as_millis()
                )));
            }
            held = self
                .refreshed
                .wait_timeout(held, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        held.refreshing = true;
        drop(held);
        // Ends the refresh however this returns, so that no request waits
        // on one that is over.
        let _ending = EndRefresh(self);
        let fetched = session::fresh(self.client, self.from);
        let mut held = self.lock();
        match fetched {
            Ok(credentials) => {
                held.credentials = credentials;
                held.retry_at = None;
                Ok(held.credentials.clone())
            }
            Err(failure) => keep_after_failure(&mut held, failure),
        }
    }

    /// Whether `held` should be refreshed at `now`: in the window before
    /// expiry, and not waiting after a failed refresh.
    fn due(&self, held: &Held, now: SystemTime) -> bool {
        let Some(expiration) = held.credentials.expiration() else {
            return false;
        };
        let fresh_enough = now
            .checked_add(self.refresh_before)
            .is_some_and(|soon| soon < expiration);
        let waiting = held.retry_at.is_some_and(|at| now < at);
        !fresh_enough && !waiting
    }
}

/// Marks the refresh over and wakes the requests waiting on it, when the
/// refreshing request is done with the lock.
struct EndRefresh<'s, 'a>(&'s Source<'a>);

impl Drop for EndRefresh<'_, '_> {
    fn drop(&mut self) {
        self.0.lock().refreshing = false;
        self.0.refreshed.notify_all();
    }
}

/// Whether `credentials` may still be used at `now`: they do not expire,
/// or not yet.
fn is_valid(credentials: &Credentials, now: SystemTime) -> bool {
    credentials
        .expiration()
        .is_none_or(|expiration| now < expiration)
}

/// After a failed refresh: the held credentials while they are valid, with
/// the next try put off (see [`RETRY_AFTER_FAILURE`]); else the failure, as
/// nothing valid is held (credentials without an expiry are never
/// refreshed, so do not come here).
fn keep_after_failure(held: &mut Held, failure: Failure) -> Result<Credentials, Failure> {
    let now = SystemTime::now();
    let Some(expiration) = held
        .credentials
        .expiration()
        .filter(|&expiration| now < expiration)
    else {
        return Err(failure);
    };
    let retry_at = now
        .checked_add(RETRY_AFTER_FAILURE)
        .map_or(expiration, |at| at.min(expiration));
    log_kept(&failure, expiration, retry_at, now);
    held.retry_at = Some(retry_at);
    Ok(held.credentials.clone())
}

/// Says on stderr that a refresh failed and the held credentials are
/// served meanwhile. The failure's text names the call and the code,
/// never a secret; the times are not secret either.
fn log_kept(failure: &Failure, expiration: SystemTime, retry_at: SystemTime, now: SystemTime) {
    let retry_in = retry_at.duration_since(now).unwrap_or_default().as_secs();
    eprintln!(
        "sts serve: the credentials could not be refreshed: {}; serving the ones held \
         (valid until {}) and trying again in {retry_in} s",
        failure.message(None),
        format_timestamp(expiration),
    );
}

/// Serves until stopped, or (with `--exec`) until the command ends;
/// returns the command's exit status.
pub(crate) fn run(global: &Global, args: &ServeArgs) -> Result<u8, Failure> {
    let (client, region) = setup::client_and_region(global, AssumeRole::ACTION)?;
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
    let source = Source::new(
        &client,
        &args.source,
        Duration::from_secs(args.refresh_before),
        first,
    );
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
        // Nothing more is printed: stdout is let go, so that a shell
        // reading it (`eval "$(sts serve &)"`) sees its end and goes on.
        #[cfg(unix)]
        release_stdout();
        serve(&listener, &source, &token, || false);
        return Ok(0);
    }
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Failure::Usage("argument --exec: a command to run is required".into()))?;
    let mut command = exec::child(program, rest, &region);
    command
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", &token);
    // The default profile's own credentials would come before the
    // endpoint in the child's SDK; the copies live until this returns.
    let files = ChildFiles::prepare()?;
    files.apply(&mut command);
    #[cfg(unix)]
    let signals = crate::child_signals::ChildSignals::catch()
        .map_err(|e| Failure::Config(format!("argument --exec: cannot catch signals: {e}")))?;
    let mut child = command.spawn().map_err(|error| Failure::NotRun {
        flag: "--exec",
        program: program.to_string_lossy().into_owned(),
        error,
    })?;
    // The accept loop checks between connections whether the child has
    // ended; a poll interval bounds how long an idle endpoint outlives it.
    listener
        .set_nonblocking(true)
        .map_err(|e| Failure::Config(format!("argument --port: {e}")))?;
    // The command's end: its status, or `None` if it could not be waited for.
    let ended = std::cell::Cell::new(None);
    serve(&listener, &source, &token, || {
        #[cfg(unix)]
        signals.forward(&child);
        match child.try_wait() {
            Ok(Some(status)) => ended.set(Some(Some(status))),
            Ok(None) => {}
            Err(_) => ended.set(Some(None)),
        }
        ended.get().is_some()
    });
    #[cfg(unix)]
    drop(signals);
    drop(files);
    let status = ended.get().flatten();
    #[cfg(unix)]
    if let Some(signal) = status.and_then(|s| {
        use std::os::unix::process::ExitStatusExt;
        s.signal()
    }) {
        crate::child_signals::end_as(signal);
    }
    Ok(status.map_or(crate::failure::EXIT_OTHER, exit_code))
}

/// Points stdout at `/dev/null`, closing the tool's hold on what it was
/// (a pipe's reader then sees its end). Failing, stdout stays as it was.
#[cfg(unix)]
fn release_stdout() {
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        let _ = rustix::stdio::dup2_stdout(&null);
    }
}

/// How often a non-blocking accept loop checks whether to stop.
const POLL: Duration = Duration::from_millis(50);

/// The most connections waiting for their request head at once. One more
/// closes the one that has waited longest: SDKs send their request as
/// soon as they connect, so a crowd of idle connections (which any local
/// user may open, without the token) loses its oldest member to each new
/// one rather than keeping newcomers out.
const MAX_WAITING: usize = 32;

/// The most connections read or answered at once, those being closed to
/// make room included; more are closed at once. Only a client with the
/// token is answered at any length (it may wait on a refresh), so this
/// bounds threads, not clients.
const MAX_CONNECTIONS: usize = 2 * MAX_WAITING;

/// Accepts connections until `stop` says so, each read and answered on a
/// thread of its own, so that a client slow to send its request (up to
/// [`IO_TIMEOUT`]) holds up no other; only the credentials source is
/// taken in turn. Returns once the connections being answered are done.
fn serve(listener: &TcpListener, source: &Source<'_>, token: &str, mut stop: impl FnMut() -> bool) {
    let active = AtomicUsize::new(0);
    let waiting = Waiting::default();
    std::thread::scope(|scope| {
        loop {
            if stop() {
                return;
            }
            match listener.accept() {
                Ok((stream, _)) => {
                    if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                        active.fetch_sub(1, Ordering::SeqCst);
                        drop(stream);
                        continue;
                    }
                    let Some(ticket) = waiting.enter(&stream) else {
                        active.fetch_sub(1, Ordering::SeqCst);
                        continue;
                    };
                    let (active, waiting) = (&active, &waiting);
                    let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                        let _done = Done(active);
                        answer(stream, source, token, || waiting.leave(ticket));
                    });
                    if spawned.is_err() {
                        // The closure (and its stream) went with the error.
                        waiting.leave(ticket);
                        active.fetch_sub(1, Ordering::SeqCst);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
                Err(_) => std::thread::sleep(POLL),
            }
        }
    });
}

/// The connections still waiting for their request head, oldest first,
/// each with a handle that can close it from another thread.
#[derive(Default)]
struct Waiting {
    queue: Mutex<WaitingQueue>,
}

#[derive(Default)]
struct WaitingQueue {
    next_ticket: u64,
    connections: std::collections::VecDeque<(u64, TcpStream)>,
}

impl Waiting {
    /// Counts `stream` in, closing the connection that has waited longest
    /// for its head if [`MAX_WAITING`] already wait. `None` if no handle
    /// to it could be made (no file descriptor left): it is not served.
    fn enter(&self, stream: &TcpStream) -> Option<u64> {
        let handle = stream.try_clone().ok()?;
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        while queue.connections.len() >= MAX_WAITING {
            if let Some((_, oldest)) = queue.connections.pop_front() {
                // Its thread's read returns at once: the end of the stream
                // for an idle connection, but a head that has already come
                // (into the socket's buffer, or read and not yet counted
                // out) is still read and answered, the write side being
                // left open.
                let _ = oldest.shutdown(std::net::Shutdown::Read);
            }
        }
        let ticket = queue.next_ticket;
        queue.next_ticket += 1;
        queue.connections.push_back((ticket, handle));
        Some(ticket)
    }

    /// Counts the connection of `ticket` out: its head has come, or it is
    /// done with. Closed already to make room, it is not there.
    fn leave(&self, ticket: u64) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = queue.connections.iter().position(|(t, _)| *t == ticket) {
            queue.connections.remove(at);
        }
    }
}

/// Counts a connection's thread out when it ends, however it ends.
struct Done<'a>(&'a AtomicUsize);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Reads the request on `stream` and answers it; `head_read` is called
/// once the head has come (or will not).
fn answer(mut stream: TcpStream, source: &Source<'_>, token: &str, head_read: impl FnOnce()) {
    // The head's time counts from the accept: a client sending a byte at
    // a time would otherwise hold the endpoint for as long as it liked.
    let accepted = Instant::now();
    // An accepted socket may inherit non-blocking mode.
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let request = read_request(&mut stream, accepted);
    head_read();
    let (status, body) = match request {
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

/// The request head, up to the blank line, if it has all come within
/// [`IO_TIMEOUT`] of `accepted`: each read may wait only for what is left
/// of that time, so no pace of sending holds the endpoint longer.
fn read_request(stream: &mut TcpStream, accepted: Instant) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        // A zero timeout is refused (it would mean none), so the time
        // used up ends the loop here.
        let left = IO_TIMEOUT
            .checked_sub(accepted.elapsed())
            .filter(|left| !left.is_zero())?;
        stream.set_read_timeout(Some(left)).ok()?;
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
            eprintln!("sts serve: {}", failure.message(None));
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
    if let Some(account) = c.account_id() {
        fields.push(format!("\"AccountId\": {}", json_string(account)));
    }
    // SDKs refuse a document without an expiry (botocore with a KeyError,
    // this project's container provider as malformed); credentials handed
    // on without one get a rolling one.
    let expiration = c
        .expiration()
        .unwrap_or_else(|| SystemTime::now() + UNKNOWN_EXPIRY_LEFT);
    fields.push(format!(
        "\"Expiration\": {}",
        json_string(&format_timestamp(expiration))
    ));
    format!("{{{}}}", fields.join(", "))
}

/// 32 bytes from the OS's random source, as hex.
fn new_token() -> Result<String, Failure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::Config(format!("no random source for the token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use sts_blocking::transport::{Transport, TransportError, TransportFailure};

    use super::*;

    /// Holds every request until released, then fails it: a refresh that
    /// hangs for as long as a test wants.
    #[derive(Debug, Default)]
    struct Stalled {
        released: AtomicBool,
        sent: AtomicUsize,
    }

    impl Transport for Stalled {
        fn send(
            &self,
            _request: http::Request<Vec<u8>>,
            _timeout: Option<Duration>,
        ) -> Result<http::Response<Vec<u8>>, TransportError> {
            self.sent.fetch_add(1, Ordering::SeqCst);
            while !self.released.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(TransportError::new(TransportFailure::Connect, "released"))
        }
    }

    #[test]
    fn a_request_waits_for_a_hanging_refresh_no_longer_than_refresh_wait() {
        let stalled = Arc::new(Stalled::default());
        let client = Client::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
            .max_attempts(1)
            .transport(Arc::clone(&stalled))
            .build()
            .expect("a valid client");
        let from = SessionSource {
            role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
            role_session_name: None,
            duration_seconds: None,
        };
        // Expired: every request must refresh them, or wait for a refresh.
        let expired = Credentials::new("ASIAEXAMPLE", "secret", Some("token".into()))
            .with_expiration(SystemTime::now() - Duration::from_secs(1));
        let mut source = Source::new(&client, &from, Duration::from_secs(60), expired);
        source.refresh_wait = Duration::from_millis(300);
        let source = &source;
        std::thread::scope(|s| {
            let refreshing = s.spawn(|| source.get());
            while stalled.sent.load(Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_millis(5));
            }
            let start = Instant::now();
            let waiting = s.spawn(move || (source.get(), start.elapsed()));
            // Without a bound the wait ends only when the refresh does:
            // released after 5 s, the refresh's own failure is the answer.
            while !waiting.is_finished() && start.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(5));
            }
            stalled.released.store(true, Ordering::SeqCst);
            let (waited, took) = waiting.join().expect("no panic");
            let why = match waited {
                Err(Failure::Config(why)) => why,
                Err(other) => panic!("another failure: {}", other.message(None)),
                Ok(_) => panic!("the waiting request must fail"),
            };
            assert!(why.contains("waited 300 ms"), "{why}");
            // It waited, but not for the refresh, which was still held.
            assert!(took >= Duration::from_millis(300), "{took:?}");
            assert!(took < Duration::from_secs(3), "{took:?}");
            assert!(refreshing.join().expect("no panic").is_err());
        });
        assert_eq!(
            stalled.sent.load(Ordering::SeqCst),
            1,
            "one refresh at a time"
        );
    }
}
