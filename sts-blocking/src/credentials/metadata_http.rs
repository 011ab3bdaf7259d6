//! Sending one request to a metadata endpoint (instance metadata, the
//! container endpoint) with a time limit per attempt and a few attempts.

use std::time::Duration;

use sts_proto::retry::{classify_status, classify_transport};

use crate::timing::{Random, Sleep};
use crate::transport::{Transport, TransportError, TransportFailure};

/// Attempts in all for a request the endpoint answers with a server error
/// (5xx), at the least. An endpoint that answers is there; trying it again
/// costs little, unlike waiting again for one that does not answer, which
/// only the configured number of attempts allows.
const MIN_ANSWERED_ATTEMPTS: u32 = 4;

/// The back-off before the second attempt; it doubles after each.
const BASE_BACKOFF: Duration = Duration::from_millis(100);

/// The longest back-off between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// How one request is tried.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempts {
    /// The time limit of each attempt.
    pub(crate) timeout: Duration,
    /// Attempts in all when the endpoint does not answer.
    pub(crate) attempts: u32,
}

/// What lets requests reach an endpoint.
pub(crate) struct Sender<'a> {
    pub(crate) transport: &'a dyn Transport,
    pub(crate) sleep: &'a dyn Sleep,
    pub(crate) random: &'a dyn Random,
}

impl Sender<'_> {
    /// Sends the request `make` builds, again after a failure to connect,
    /// a timeout or a broken connection while `how.attempts` allows, and
    /// after a server error (5xx) while at least
    /// [`MIN_ANSWERED_ATTEMPTS`] allow, with a short jittered back-off in
    /// between. The last response (whatever its status) or the last
    /// transport error is the result.
    pub(crate) fn send(
        &self,
        how: Attempts,
        make: &dyn Fn() -> http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let unanswered = how.attempts.max(1);
        let answered = unanswered.max(MIN_ANSWERED_ATTEMPTS);
        let mut attempt = 1u32;
        loop {
            let result = self.transport.send(make(), Some(how.timeout));
            let again = match &result {
                Ok(response) => response.status().is_server_error() && attempt < answered,
                Err(e) => {
                    !matches!(
                        e.kind(),
                        TransportFailure::BodyTooLarge | TransportFailure::Unusable
                    ) && attempt < unanswered
                }
            };
            if !again {
                return result;
            }
            self.sleep.sleep(self.backoff(attempt));
            attempt += 1;
        }
    }

    /// A random wait up to `BASE_BACKOFF × 2^(attempt - 1)`, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = BASE_BACKOFF
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(MAX_BACKOFF);
        crate::timing::jittered(ceiling, self.random)
    }
}

/// Whether an answer with `status` may be followed by a good one if the
/// caller tries again later: a server error or throttling, classed as the
/// STS client classes a status without an error code.
pub(crate) fn is_transient_status(status: u16) -> bool {
    classify_status(status).is_retryable()
}

/// Whether a request that got no usable answer may get one later: a
/// refused connection, a time-out, a broken connection; not a body over
/// the limit or a transport that cannot send at all.
pub(crate) fn is_transient_failure(e: &TransportError) -> bool {
    classify_transport(e.kind()).is_retryable()
}

/// `uri` as errors name it: scheme, host and port, without any user
/// information, path or query.
pub(crate) fn origin_of(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or_default();
    match uri.port_u16() {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }
}

/// `uri` without a `user:password@`, which botocore does not send to the
/// metadata services and the transport would turn into a `Basic`
/// authorization header, in clear over plain http. `Err` says why the
/// rest is no URI (it does not quote it).
pub(crate) fn without_userinfo(uri: http::Uri) -> Result<http::Uri, String> {
    let Some((_, host_port)) = uri.authority().and_then(|a| a.as_str().rsplit_once('@')) else {
        return Ok(uri);
    };
    let authority = host_port.parse().map_err(|e| format!("{e}"))?;
    let mut parts = uri.into_parts();
    parts.authority = Some(authority);
    http::Uri::from_parts(parts).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Debug)]
    struct Script(Mutex<Vec<Result<u16, TransportFailure>>>);

    impl Transport for Script {
        fn send(
            &self,
            _: http::Request<Vec<u8>>,
            _: Option<Duration>,
        ) -> Result<http::Response<Vec<u8>>, TransportError> {
            match self.0.lock().unwrap().remove(0) {
                Ok(status) => Ok(http::Response::builder()
                    .status(status)
                    .body(Vec::new())
                    .unwrap()),
                Err(kind) => Err(TransportError::new(kind, "scripted")),
            }
        }
    }

    #[derive(Debug, Default)]
    struct Waits(Mutex<Vec<Duration>>);

    impl Sleep for Waits {
        fn sleep(&self, d: Duration) {
            self.0.lock().unwrap().push(d);
        }
    }

    #[derive(Debug)]
    struct Top;

    impl Random for Top {
        fn next_f64(&self) -> f64 {
            0.999
        }
    }

    fn run(
        script: Vec<Result<u16, TransportFailure>>,
        attempts: u32,
    ) -> (Result<u16, TransportFailure>, usize, Vec<Duration>) {
        let transport = Script(Mutex::new(script));
        let waits = Waits::default();
        let sender = Sender {
            transport: &transport,
            sleep: &waits,
            random: &Top,
        };
        let how = Attempts {
            timeout: Duration::from_secs(1),
            attempts,
        };
        let result = sender
            .send(how, &|| http::Request::new(Vec::new()))
            .map(|r| r.status().as_u16())
            .map_err(|e| e.kind());
        let left = transport.0.lock().unwrap().len();
        (result, left, waits.0.into_inner().unwrap())
    }

    #[test]
    fn unanswered_requests_are_tried_as_configured() {
        let (r, left, waits) = run(vec![Err(TransportFailure::Timeout), Ok(200)], 1);
        assert_eq!((r, left), (Err(TransportFailure::Timeout), 1));
        assert!(waits.is_empty());
        let (r, left, waits) = run(vec![Err(TransportFailure::Connect), Ok(200)], 2);
        assert_eq!((r, left), (Ok(200), 0));
        assert_eq!(waits.len(), 1);
        assert!(waits[0] < BASE_BACKOFF, "{waits:?}");
        let (r, left, _) = run(vec![Err(TransportFailure::BodyTooLarge), Ok(200)], 3);
        assert_eq!((r, left), (Err(TransportFailure::BodyTooLarge), 1));
    }

    #[test]
    fn server_errors_are_tried_four_times_at_least() {
        let (r, left, waits) = run(vec![Ok(503), Ok(500), Ok(502), Ok(503), Ok(200)], 1);
        assert_eq!((r, left), (Ok(503), 1));
        assert_eq!(waits.len(), 3);
        assert!(waits[2] > waits[1] && waits[1] > waits[0], "{waits:?}");
        let (r, _, _) = run(vec![Ok(503), Ok(200)], 1);
        assert_eq!(r, Ok(200));
        let (r, left, _) = run(vec![Ok(404), Ok(200)], 3);
        assert_eq!((r, left), (Ok(404), 1));
    }

    #[test]
    fn origins_hide_user_information_and_paths() {
        let uri: http::Uri = "http://user:pw@[fd00:ec2::23]:81/v1/credentials?x=1"
            .parse()
            .unwrap();
        assert_eq!(origin_of(&uri), "http://[fd00:ec2::23]:81");
    }
}
