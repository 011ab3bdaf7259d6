//! The client's log lines: one per attempt, saying what happened and what
//! comes next, and never a secret, a token or a signature.

use std::sync::Mutex;
use std::time::Duration;

use sts_blocking::Client;
use sts_blocking::timing::{Random, Sleep};
use sts_proto::{Credentials, SecretString};
use sts_tests::{FaultServer, Step, canned};

/// Collects every record, as text.
struct Collect(Mutex<Vec<String>>);

impl log::Log for Collect {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.target().starts_with("sts_blocking") {
            self.0
                .lock()
                .unwrap()
                .push(format!("{} {}", record.level(), record.args()));
        }
    }
    fn flush(&self) {}
}

static LOGS: Collect = Collect(Mutex::new(Vec::new()));

#[derive(Debug)]
struct NoSleep;
impl Sleep for NoSleep {
    fn sleep(&self, _: Duration) {}
}

#[derive(Debug)]
struct Half;
impl Random for Half {
    fn next_f64(&self) -> f64 {
        0.5
    }
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-that-must-not-be-logged";

#[test]
fn one_line_per_attempt_without_secrets() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let server = FaultServer::start(vec![
        Step::Reset,
        Step::xml(503, canned::error("ServiceUnavailable", "try later")),
        Step::xml(400, canned::error("Throttling", "slow down")),
        Step::xml(
            200,
            canned::caller_identity("arn:aws:iam::123456789012:user/logged"),
        ),
    ]);
    let client = Client::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDLOGGING",
            SECRET,
            Some(SecretString::new(TOKEN)),
        ))
        .sleep(NoSleep)
        .random(Half)
        .max_attempts(4)
        .build()
        .unwrap();
    client.get_caller_identity().unwrap();

    let lines = LOGS.0.lock().unwrap().clone();
    let url = server.url();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(
        lines[0],
        format!(
            "INFO GetCallerIdentity attempt 1 to {url}: no response, transport failure \
             Io, request id -: retrying in 500ms"
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "INFO GetCallerIdentity attempt 2 to {url}: status 503, error ServiceUnavailable, \
             request id err-ServiceUnavailable: retrying in 1s"
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "INFO GetCallerIdentity attempt 3 to {url}: status 400, error Throttling, \
             request id err-Throttling: retrying in 2s"
        )
    );
    assert_eq!(
        lines[3],
        format!(
            "DEBUG GetCallerIdentity attempt 4 to {url}: status 200, request id \
             req-GetCallerIdentity: done"
        )
    );
    let signature = server.requests()[1]
        .header("authorization")
        .unwrap()
        .rsplit("Signature=")
        .next()
        .unwrap()
        .to_owned();
    for line in &lines {
        for secret in [SECRET, TOKEN, signature.as_str()] {
            assert!(!line.contains(secret), "{line}");
        }
    }

    // A success status whose body is not STS's (a captive portal's page)
    // is an answer, logged with its status: it read "no response", as a
    // network failure would.
    LOGS.0.lock().unwrap().clear();
    let portal = FaultServer::start(vec![Step::xml(200, "<html>sign in</html>".to_owned())]);
    let client = Client::builder()
        .endpoint_url(portal.url())
        .region("us-east-1")
        .credentials(Credentials::new("AKIDLOGGING", SECRET, None))
        .max_attempts(1)
        .build()
        .unwrap();
    assert!(client.get_caller_identity().is_err());
    let lines = LOGS.0.lock().unwrap().clone();
    let url = portal.url();
    assert_eq!(
        lines,
        [format!(
            "INFO GetCallerIdentity attempt 1 to {url}: status 200, unreadable, error -, \
             request id -: not retryable"
        )]
    );
}
