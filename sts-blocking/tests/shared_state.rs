//! A client's blocking calls and the exchanges it hands out share one retry
//! quota, one adaptive rate limiter and one clock correction: what one side
//! learns or spends, the other sees at once. Scenarios over a scripted
//! in-memory transport and a fixed clock; nothing reaches a socket.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use sts_blocking::timing::{Clock, Random, Sleep};
use sts_blocking::transport::{Transport, TransportError};
use sts_blocking::{Client, ClientBuilder, Error};
use sts_proto::Credentials;
use sts_proto::call::{Decision, GiveUp, Next};
use sts_proto::ops::GetCallerIdentity;
use sts_proto::retry::{QUOTA_CAPACITY, TIMEOUT_RETRY_COST};

/// 2026-01-01T00:00:00Z, the client's (wrong) wall clock.
const LOCAL: u64 = 1_767_225_600;
/// The server is ten minutes ahead of it.
const SKEW_SECS: u64 = 600;
const LOCAL_AMZ_DATE: &str = "20260101T000000Z";
const SERVER_AMZ_DATE: &str = "20260101T001000Z";
const SERVER_HTTP_DATE: &str = "Thu, 01 Jan 2026 00:10:00 GMT";

const OK: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
    <Arn>arn:aws:iam::123456789012:user/shared</Arn></GetCallerIdentityResult>\
    </GetCallerIdentityResponse>";

fn error_body(code: &str) -> String {
    format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code></Error></ErrorResponse>")
}

/// An answer the scripted server gives.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Ok,
    /// 403 `RequestTimeTooSkewed`, dated by the server's clock.
    Skewed,
    /// 400 `Throttling`.
    Throttled,
    /// 503 with no body.
    Unavailable,
}

impl Answer {
    fn status(self) -> u16 {
        match self {
            Answer::Ok => 200,
            Answer::Skewed => 403,
            Answer::Throttled => 400,
            Answer::Unavailable => 503,
        }
    }

    fn headers(self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Answer::Skewed = self {
            headers.insert(http::header::DATE, SERVER_HTTP_DATE.parse().unwrap());
        }
        headers
    }

    fn body(self) -> String {
        match self {
            Answer::Ok => OK.to_owned(),
            Answer::Skewed => error_body("RequestTimeTooSkewed"),
            Answer::Throttled => error_body("Throttling"),
            Answer::Unavailable => String::new(),
        }
    }
}

/// Answers the blocking calls from a script, the last answer repeated;
/// keeps the `X-Amz-Date` of every request it gets.
#[derive(Debug, Clone)]
struct Script {
    answers: Arc<Mutex<VecDeque<Answer>>>,
    dates: Arc<Mutex<Vec<String>>>,
}

impl Script {
    fn dates(&self) -> Vec<String> {
        self.dates.lock().unwrap().clone()
    }
}

impl Transport for Script {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        self.dates.lock().unwrap().push(amz_date(&request));
        let mut answers = self.answers.lock().unwrap();
        let answer = if answers.len() > 1 {
            answers.pop_front().unwrap()
        } else {
            answers[0]
        };
        let mut response = http::Response::new(answer.body().into_bytes());
        *response.status_mut() = http::StatusCode::from_u16(answer.status()).unwrap();
        *response.headers_mut() = answer.headers();
        Ok(response)
    }
}

fn amz_date(request: &http::Request<Vec<u8>>) -> String {
    request.headers()["x-amz-date"].to_str().unwrap().to_owned()
}

#[derive(Debug)]
struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(LOCAL)
    }
}

/// Keeps the pauses instead of sleeping.
#[derive(Debug, Clone, Default)]
struct Pauses(Arc<Mutex<Vec<Duration>>>);

impl Sleep for Pauses {
    fn sleep(&self, duration: Duration) {
        self.0.lock().unwrap().push(duration);
    }
}

#[derive(Debug)]
struct Half;

impl Random for Half {
    fn next_f64(&self) -> f64 {
        0.5
    }
}

struct Setup {
    client: Client,
    script: Script,
    pauses: Pauses,
}

fn setup(answers: &[Answer], change: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Setup {
    let script = Script {
        answers: Arc::new(Mutex::new(answers.iter().copied().collect())),
        dates: Arc::default(),
    };
    let pauses = Pauses::default();
    let builder = Client::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "shared-state-secret", None))
        .transport(script.clone())
        .clock(Fixed)
        .sleep(pauses.clone())
        .random(Half);
    Setup {
        client: change(builder).build().unwrap(),
        script,
        pauses,
    }
}

/// Hands out the exchange's next request, which must come at once.
fn send_now(exchange: &mut sts_blocking::Exchange<GetCallerIdentity>) -> http::Request<Vec<u8>> {
    match exchange.next_request(exchange.client().elapsed()) {
        Ok(Next::Send(outgoing)) => outgoing.request,
        other => panic!("expected a request, got {other:?}"),
    }
}

/// Gives the exchange `answer` to the request it handed out last.
fn answer(
    exchange: &mut sts_blocking::Exchange<GetCallerIdentity>,
    answer: Answer,
) -> Decision<sts_proto::ops::GetCallerIdentityOutput> {
    let now = exchange.client().elapsed();
    let body = answer.body();
    exchange
        .response(now, answer.status(), &answer.headers(), body.as_bytes())
        .unwrap()
}

#[test]
fn a_correction_learned_by_a_blocking_call_signs_an_exchange_s_first_request() {
    let s = setup(&[Answer::Skewed, Answer::Ok], |b| b);
    let mut before = s.client.exchange(GetCallerIdentity::new()).unwrap();
    assert_eq!(amz_date(&send_now(&mut before)), LOCAL_AMZ_DATE);

    s.client.get_caller_identity().unwrap();
    assert_eq!(s.script.dates(), [LOCAL_AMZ_DATE, SERVER_AMZ_DATE]);
    assert_eq!(s.client.clock_offset_millis(), (SKEW_SECS * 1000) as i64);

    let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
    let request = send_now(&mut exchange);
    assert_eq!(
        amz_date(&request),
        SERVER_AMZ_DATE,
        "signed with the correction"
    );
    assert_eq!(exchange.attempt(), 1);
    assert!(matches!(
        answer(&mut exchange, Answer::Ok),
        Decision::Done(_)
    ));
}

#[test]
fn a_correction_learned_by_an_exchange_signs_a_blocking_call_s_first_request() {
    let s = setup(&[Answer::Ok], |b| b);
    let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
    assert_eq!(amz_date(&send_now(&mut exchange)), LOCAL_AMZ_DATE);
    let Decision::SendNow(resign) = answer(&mut exchange, Answer::Skewed) else {
        panic!("a believable skew answer re-signs");
    };
    assert_eq!(resign.measured, (SKEW_SECS * 1000) as i64);
    assert_eq!(s.client.clock_offset_millis(), resign.clock_offset);
    assert_eq!(amz_date(&send_now(&mut exchange)), SERVER_AMZ_DATE);

    s.client.get_caller_identity().unwrap();
    assert_eq!(
        s.script.dates(),
        [SERVER_AMZ_DATE],
        "one request, corrected"
    );
}

#[test]
fn retries_paid_by_exchanges_are_missing_for_blocking_calls() {
    let s = setup(&[Answer::Unavailable], |b| b);
    assert_eq!(s.client.retry_quota_available(), QUOTA_CAPACITY);
    let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
    send_now(&mut exchange);
    let Decision::Wait(retry) = answer(&mut exchange, Answer::Unavailable) else {
        panic!("a 503 is retried after a wait");
    };
    // The first back-off, 1 s, jittered by the client's own random
    // source (0.5 here), as its blocking calls are.
    assert_eq!(retry.delay, Duration::from_millis(500));
    assert_eq!(
        s.client.retry_quota_available(),
        QUOTA_CAPACITY - TIMEOUT_RETRY_COST,
        "the exchange's retry is paid from the client's quota"
    );
    // Failed exchanges never give their retries back: drain the rest.
    while s.client.retry_quota_available() >= TIMEOUT_RETRY_COST {
        let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
        loop {
            send_now(&mut exchange);
            match answer(&mut exchange, Answer::Unavailable) {
                Decision::Wait(_) => continue,
                Decision::Failed(_) => break,
                other => panic!("{other:?}"),
            }
        }
    }

    let e = s.client.get_caller_identity().unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(s.script.dates().len(), 1, "no retry without quota");
    assert!(s.pauses.0.lock().unwrap().is_empty());
}

#[test]
fn retries_paid_by_blocking_calls_are_missing_for_exchanges() {
    let s = setup(&[Answer::Unavailable], |b| b);
    assert!(matches!(
        s.client.get_caller_identity(),
        Err(Error::Response(_))
    ));
    assert_eq!(s.script.dates().len(), 3, "three attempts");
    assert_eq!(
        s.client.retry_quota_available(),
        QUOTA_CAPACITY - 2 * TIMEOUT_RETRY_COST
    );
    let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
    send_now(&mut exchange);
    assert!(matches!(
        answer(&mut exchange, Answer::Unavailable),
        Decision::Wait(_)
    ));
    assert_eq!(
        s.client.retry_quota_available(),
        QUOTA_CAPACITY - 3 * TIMEOUT_RETRY_COST
    );

    while s.client.retry_quota_available() >= TIMEOUT_RETRY_COST {
        let _ = s.client.get_caller_identity();
    }
    let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
    send_now(&mut exchange);
    match answer(&mut exchange, Answer::Unavailable) {
        Decision::Failed(gave_up) => {
            assert_eq!(gave_up.reason, GiveUp::QuotaExhausted);
            // A driver returns it as the client's own calls would.
            let e = Error::from(gave_up);
            assert!(matches!(e, Error::Response(_)), "{e:?}");
            assert_eq!(e.status(), Some(503));
            assert!(e.is_retryable());
        }
        other => panic!("{other:?}"),
    }
    // A step out of order, after the end, is an error naming the call.
    let e = Error::from(exchange.next_request(s.client.elapsed()).unwrap_err());
    assert!(matches!(e, Error::Build(_)), "{e:?}");
    assert!(e.to_string().contains("GetCallerIdentity"), "{e}");
}

/// The `now` an exchange is stepped with is the client's monotonic clock,
/// which moves with real time (not the injected wall clock).
#[test]
fn the_client_s_elapsed_time_moves_with_real_time() {
    let s = setup(&[], |b| b);
    let before = s.client.elapsed();
    let waited = std::time::Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    let passed = waited.elapsed();
    assert!(
        s.client.elapsed() >= before + passed,
        "{before:?} {passed:?}"
    );
}

fn adaptive_once(b: ClientBuilder) -> ClientBuilder {
    b.retry_mode(sts_blocking::settings::RetryMode::Adaptive)
        .max_attempts(1)
}

#[test]
fn a_throttle_seen_by_a_blocking_call_paces_an_exchange() {
    let s = setup(&[Answer::Throttled], adaptive_once);
    let mut unthrottled = s.client.exchange(GetCallerIdentity::new()).unwrap();
    send_now(&mut unthrottled);

    assert_eq!(
        s.client.get_caller_identity().unwrap_err().status(),
        Some(400)
    );
    let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
    let now = s.client.elapsed();
    match exchange.next_request(now) {
        // The limiter's floor rate: one request in two seconds.
        Ok(Next::Wait(pause)) => assert!(pause > Duration::from_secs(1), "{pause:?}"),
        other => panic!("expected a wait, got {other:?}"),
    }
    let after = now + Duration::from_secs(2);
    assert!(matches!(exchange.next_request(after), Ok(Next::Send(_))));
}

#[test]
fn a_throttle_seen_by_an_exchange_paces_a_blocking_call() {
    let s = setup(&[Answer::Ok], adaptive_once);
    s.client.get_caller_identity().unwrap();
    assert!(s.pauses.0.lock().unwrap().is_empty(), "nothing paced yet");

    let mut exchange = s.client.exchange(GetCallerIdentity::new()).unwrap();
    send_now(&mut exchange);
    assert!(matches!(
        answer(&mut exchange, Answer::Throttled),
        Decision::Failed(_)
    ));
    s.client.get_caller_identity().unwrap();
    // The limiter's floor rate, one request in two seconds, slept in
    // slices of at most half a second.
    let pauses = s.pauses.0.lock().unwrap().clone();
    assert!(!pauses.is_empty(), "{pauses:?}");
    assert!(
        pauses.iter().all(|p| *p <= Duration::from_millis(500)),
        "{pauses:?}"
    );
    let total: Duration = pauses.iter().sum();
    assert!(total > Duration::from_secs(1), "{pauses:?}");
}
