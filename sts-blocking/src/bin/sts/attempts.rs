//! How many attempts the failed call made, for the AWS CLI's
//! ` (reached max retries: N)` after its operation's name.
//!
//! The client's error does not carry its attempt count, so the transport
//! counts: every request the client sends passes through [`Counting`].
//! Requests for the credentials (instance metadata, SSO, a profile's
//! role) go through it too, before the call's own attempts; so what is
//! counted is the last run of identical requests (same method, URI and
//! body: a retry sends the same request, signed again), started afresh
//! by [`start_call`] before each call, since `sts serve` may make the
//! same request again on a later refresh.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use sts_blocking::Error;
use sts_blocking::transport::{Transport, TransportError};

/// The run of identical requests last sent.
struct Run {
    /// A hash of the request (its body may hold a secret: only the hash
    /// is kept).
    key: u64,
    sends: u32,
}

static RUN: Mutex<Run> = Mutex::new(Run { key: 0, sends: 0 });

/// The attempts a call may make, and whether retries are botocore's
/// legacy mode, as the client resolved them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    pub(crate) max_attempts: u32,
    pub(crate) legacy: bool,
}

static LIMIT: OnceLock<Limit> = OnceLock::new();

/// Records the client's attempt limit (the first client's: the tool
/// builds one per run).
pub(crate) fn set_limit(limit: Limit) {
    let _ = LIMIT.set(limit);
}

/// Forgets the requests sent so far: a call starts.
pub(crate) fn start_call() {
    let mut run = RUN.lock().unwrap_or_else(PoisonError::into_inner);
    run.sends = 0;
}

/// The retries the failed call made (attempts − 1) when it stopped
/// because its attempts ran out, as botocore reports `MaxAttemptsReached`:
/// in standard and adaptive mode whenever the last attempt was the last
/// allowed; in legacy mode only when that attempt's error was one to
/// retry.
pub(crate) fn retries_when_exhausted(error: &Error) -> Option<u32> {
    let limit = LIMIT.get()?;
    let sends = RUN.lock().unwrap_or_else(PoisonError::into_inner).sends;
    let exhausted = sends >= limit.max_attempts && (!limit.legacy || error.is_retryable());
    exhausted.then(|| sends.saturating_sub(1))
}

fn note(request: &http::Request<Vec<u8>>) {
    let mut hasher = DefaultHasher::new();
    request.method().as_str().hash(&mut hasher);
    request.uri().to_string().hash(&mut hasher);
    request.body().hash(&mut hasher);
    let key = hasher.finish();
    let mut run = RUN.lock().unwrap_or_else(PoisonError::into_inner);
    if run.sends > 0 && run.key == key {
        run.sends = run.sends.saturating_add(1);
    } else {
        *run = Run { key, sends: 1 };
    }
}

/// Counts what passes through the wrapped transport.
#[derive(Debug)]
pub(crate) struct Counting<T>(pub(crate) T);

impl<T: Transport> Transport for Counting<T> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        note(&request);
        self.0.send(request, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> http::Request<Vec<u8>> {
        http::Request::post("https://sts.amazonaws.com/")
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    /// Only the last run of identical requests counts, and a call starts
    /// its own count.
    #[test]
    fn the_last_run_of_identical_requests_is_counted() {
        start_call();
        note(
            &http::Request::get("http://169.254.169.254/latest/api/token")
                .body(Vec::new())
                .unwrap(),
        );
        note(&request("Action=AssumeRole&RoleArn=a"));
        for _ in 0..3 {
            note(&request("Action=GetCallerIdentity&Version=2011-06-15"));
        }
        assert_eq!(RUN.lock().unwrap().sends, 3);
        start_call();
        note(&request("Action=GetCallerIdentity&Version=2011-06-15"));
        assert_eq!(RUN.lock().unwrap().sends, 1);
    }
}
