//! The blocking client's retry, timeout and clock-skew behaviour against a
//! scripted fault-injecting server, with an injected random source and a
//! sleeper that records instead of sleeping.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sts_blocking::timing::{Clock, Random, Sleep};
use sts_blocking::transport::{Transport, TransportFailure};
use sts_blocking::ureq_transport::{UreqSettings, UreqTransport};
use sts_blocking::{Client, ClientBuilder, Error};
use sts_proto::Credentials;
use sts_proto::ops::*;
use sts_proto::retry::RetryConfig;
use sts_proto::time::{format_timestamp, from_unix};
use sts_tests::canned;
use sts_tests::{FaultServer, Response, Script, Step, WhenDone};

#[derive(Debug, Default, Clone)]
struct RecordingSleep(Arc<Mutex<Vec<Duration>>>);

impl Sleep for RecordingSleep {
    fn sleep(&self, d: Duration) {
        self.0.lock().unwrap().push(d);
    }
}

impl RecordingSleep {
    fn delays(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

#[derive(Debug)]
struct Half;

impl Random for Half {
    fn next_f64(&self) -> f64 {
        0.5
    }
}

/// 2015-08-30T12:36:00Z, whatever the machine's clock says.
#[derive(Debug)]
struct FixedClock;

const FIXED_SECS: i64 = 1_440_938_160;

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        from_unix(FIXED_SECS, 0).unwrap()
    }
}

fn builder(server: &FaultServer, sleep: &RecordingSleep) -> ClientBuilder {
    Client::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .sleep(sleep.clone())
        .random(Half)
}

fn ok() -> Step {
    Step::xml(
        200,
        canned::caller_identity("arn:aws:iam::123456789012:user/ok"),
    )
}

fn err(status: u16, code: &str) -> Step {
    Step::xml(status, canned::error(code, "scripted"))
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn server_errors_and_throttling_are_retried_until_success() {
    let server = FaultServer::start(vec![
        Step::respond(503, ""),
        err(500, "InternalError"),
        err(400, "Throttling"),
        ok(),
    ]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).max_attempts(4).build().unwrap();
    let me = client.get_caller_identity().unwrap();
    assert_eq!(me.arn.as_deref(), Some("arn:aws:iam::123456789012:user/ok"));
    assert_eq!(server.requests_seen(), 4);
    // rand 0.5 × min(2^(n-1) s, 20 s)
    assert_eq!(sleep.delays(), vec![ms(500), ms(1000), ms(2000)]);
    // Two retries after server errors cost 10 tokens each, one after
    // throttling 5; the success gives the last cost back.
    assert_eq!(client.retry_quota_available(), 500 - 25 + 5);
}

#[test]
fn throttling_until_the_attempts_run_out() {
    let server = FaultServer::start(
        Script::new(vec![err(400, "ThrottlingException")]).then(WhenDone::RepeatLast),
    );
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).build().unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.code(), Some("ThrottlingException"));
    assert!(e.is_retryable());
    assert_eq!(e.request_id(), Some("err-ThrottlingException"));
    assert_eq!(server.requests_seen(), 3);
    assert_eq!(sleep.delays(), vec![ms(500), ms(1000)]);
}

/// A failure that is not an STS error document (a load balancer's page)
/// still names its request through the error, from the header.
#[test]
fn a_page_from_in_front_of_sts_keeps_its_request_id() {
    let server = FaultServer::start(vec![Step::Respond(
        Response::new(503)
            .header("Content-Type", "text/html")
            .header("x-amzn-RequestId", "lb-7f2e")
            .body("<html><body>Service Unavailable</body></html>"),
    )]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).max_attempts(1).build().unwrap();
    let e = client.get_caller_identity().unwrap_err();
    let Error::Response(unexpected) = &e else {
        panic!("not a service error document: {e:?}")
    };
    assert_eq!(e.status(), Some(503));
    assert_eq!(e.request_id(), Some("lb-7f2e"));
    assert_eq!(unexpected.request_id(), Some("lb-7f2e"));
}

#[test]
fn access_denied_is_not_retried() {
    let server = FaultServer::start(vec![err(403, "AccessDenied"), ok()]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).build().unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
    assert_eq!(e.status(), Some(403));
    assert!(!e.is_retryable());
    assert_eq!(server.requests_seen(), 1);
    assert!(sleep.delays().is_empty());
}

#[test]
fn retry_after_header_is_honoured_within_the_cap() {
    let server = FaultServer::start(vec![
        Step::Respond(
            Response::xml(503, canned::error("ServiceUnavailable", "busy"))
                .header("x-amz-retry-after", "1500"),
        ),
        Step::Respond(
            Response::xml(503, canned::error("ServiceUnavailable", "busy"))
                .header("x-amz-retry-after", "900000"),
        ),
        ok(),
    ]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).build().unwrap();
    client.get_caller_identity().unwrap();
    assert_eq!(sleep.delays(), vec![ms(1500), Duration::from_secs(20)]);
}

/// A 503 whose `x-amz-retry-after` asks for the longest wait there is.
fn busy_for_ever() -> Step {
    Step::Respond(
        Response::xml(503, canned::error("ServiceUnavailable", "busy"))
            .header("x-amz-retry-after", "18446744073709551615"),
    )
}

#[test]
fn huge_timeouts_mean_no_timeout() {
    let server = FaultServer::start(vec![busy_for_ever(), ok(), ok()]);
    let sleep = RecordingSleep::default();
    let retry = RetryConfig::default().with_max_backoff(Duration::MAX);
    let client = builder(&server, &sleep)
        .connect_timeout(Some(Duration::MAX))
        .attempt_timeout(Some(Duration::MAX))
        .call_timeout(Some(Duration::MAX))
        .retry_config(retry)
        .build()
        .unwrap();
    client.get_caller_identity().unwrap();
    assert_eq!(sleep.delays(), vec![Duration::from_millis(u64::MAX)]);
    // The default transport on its own, with the largest timeouts.
    let transport =
        UreqTransport::new(UreqSettings::default().with_connect_timeout(Some(Duration::MAX)));
    let request = http::Request::post(server.url())
        .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())
        .unwrap();
    let response = transport.send(request, Some(Duration::MAX)).unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn a_server_wait_past_the_call_timeout_gives_up_at_once() {
    let server = FaultServer::start(vec![busy_for_ever(), ok()]);
    let sleep = RecordingSleep::default();
    let retry = RetryConfig::default().with_max_backoff(Duration::MAX);
    let client = builder(&server, &sleep)
        .call_timeout(Some(Duration::from_secs(60)))
        .retry_config(retry)
        .build()
        .unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert!(sleep.delays().is_empty());
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sleep = RecordingSleep::default();
    let client = Client::builder()
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .sleep(sleep.clone())
        .random(Half)
        .build()
        .unwrap();
    let e = client.get_caller_identity().unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportFailure::Connect, "{t}");
    assert!(e.is_retryable());
    assert_eq!(sleep.delays(), vec![ms(500), ms(1000)]);
}

#[test]
fn a_connection_reset_mid_body_is_retried() {
    let body = canned::caller_identity("arn:aws:iam::123456789012:user/ok");
    let server = FaultServer::start(vec![
        Step::truncated(200, &body.as_bytes()[..40], body.len() as u64),
        Step::Reset,
        ok(),
    ]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).build().unwrap();
    client.get_caller_identity().unwrap();
    assert_eq!(server.requests_seen(), 3);
    assert_eq!(sleep.delays(), vec![ms(500), ms(1000)]);
}

#[test]
fn a_response_slower_than_the_attempt_timeout_is_a_retried_timeout() {
    let server = FaultServer::start(vec![
        Step::delayed(
            Duration::from_millis(1500),
            Response::xml(200, canned::caller_identity("arn:slow")),
        ),
        ok(),
    ]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep)
        .attempt_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let me = client.get_caller_identity().unwrap();
    assert_eq!(me.arn.as_deref(), Some("arn:aws:iam::123456789012:user/ok"));
    assert_eq!(sleep.delays(), vec![ms(500)]);
    // A retry after a timeout costs 10 tokens, given back on success.
    assert_eq!(client.retry_quota_available(), 500);

    let server = FaultServer::start(
        Script::new(vec![Step::Stall(Duration::from_secs(3))]).then(WhenDone::RepeatLast),
    );
    let client = builder(&server, &sleep)
        .attempt_timeout(Some(Duration::from_millis(200)))
        .max_attempts(2)
        .build()
        .unwrap();
    let e = client.get_caller_identity().unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportFailure::Timeout);
    assert_eq!(client.retry_quota_available(), 490);
}

/// A `Content-Length` is the server's word, not bytes received: with no
/// limit on the body, an announced 2^64 - 1 bytes over a body that stops
/// short is a broken connection, not an allocation of that size.
#[test]
fn an_announced_length_is_not_an_allocation() {
    let server = FaultServer::start(vec![Step::Truncate {
        response: Response::xml(200, canned::caller_identity("arn:x")),
        advertised_len: u64::MAX,
    }]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep)
        .max_response_bytes(u64::MAX)
        .max_attempts(1)
        .build()
        .unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
}

/// The default transport's read limit: a connection silent for longer
/// fails the attempt as a timeout, well before the attempt's own limit.
#[test]
fn a_silent_connection_fails_at_the_read_timeout() {
    let server = FaultServer::start(vec![Step::Stall(Duration::from_secs(5))]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep)
        .read_timeout(Some(Duration::from_millis(300)))
        .attempt_timeout(Some(Duration::from_secs(20)))
        .max_attempts(1)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = client.get_caller_identity().unwrap_err();
    let took = started.elapsed();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportFailure::Timeout);
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[test]
fn an_html_502_page_is_retried_and_reported_with_its_start() {
    let html =
        "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
    let server = FaultServer::start(
        Script::new(vec![Step::Respond(
            Response::new(502)
                .header("Content-Type", "text/html")
                .body(html),
        )])
        .then(WhenDone::RepeatLast),
    );
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).build().unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.status(), Some(502));
    assert!(e.is_retryable());
    assert!(e.to_string().contains("502 Bad Gateway"), "{e}");
    assert_eq!(server.requests_seen(), 3);
}

#[test]
fn a_body_over_the_cap_is_refused_and_not_retried() {
    let server = FaultServer::start(vec![Step::huge(200, 50 * 1024 * 1024), ok()]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let e = client.get_caller_identity().unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), TransportFailure::BodyTooLarge);
    assert_eq!(server.requests_seen(), 1);
}

#[test]
fn a_skewed_clock_is_corrected_from_the_date_header() {
    // The server's clock is 20 minutes ahead of ours.
    let server_date = "Sun, 30 Aug 2015 12:56:00 GMT";
    let server = FaultServer::start(vec![
        Step::Respond(
            Response::xml(403, canned::error("RequestTimeTooSkewed", "too skewed"))
                .header("Date", server_date),
        ),
        ok(),
        ok(),
    ]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).clock(FixedClock).build().unwrap();
    client.get_caller_identity().unwrap();
    assert!(
        sleep.delays().is_empty(),
        "the re-signed retry does not wait"
    );
    assert_eq!(client.clock_offset_millis(), 20 * 60 * 1000);
    client.get_caller_identity().unwrap();
    let dates: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("x-amz-date").unwrap().to_owned())
        .collect();
    assert_eq!(
        dates,
        ["20150830T123600Z", "20150830T125600Z", "20150830T125600Z"]
    );
    assert_eq!(format_timestamp(client.now()), "2015-08-30T12:56:00Z");
}

#[test]
fn the_skew_retry_happens_once() {
    let skewed = Step::Respond(
        Response::xml(403, canned::error("RequestExpired", "expired"))
            .header("Date", "Sun, 30 Aug 2015 12:56:00 GMT"),
    );
    let server = FaultServer::start(Script::new(vec![skewed]).then(WhenDone::RepeatLast));
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).clock(FixedClock).build().unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.code(), Some("RequestExpired"));
    assert_eq!(server.requests_seen(), 2);
}

/// A skew answer dated `date`, for a client whose clock says 12:36:00.
fn skewed_at(date: &str) -> Step {
    Step::Respond(
        Response::xml(403, canned::error("RequestTimeTooSkewed", "too skewed"))
            .header("Date", date),
    )
}

#[test]
fn a_date_in_9999_does_not_move_the_clock() {
    let server = FaultServer::start(
        Script::new(vec![skewed_at("Fri, 31 Dec 9999 23:59:59 GMT")]).then(WhenDone::RepeatLast),
    );
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).clock(FixedClock).build().unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.code(), Some("RequestTimeTooSkewed"));
    assert_eq!(client.clock_offset_millis(), 0);
    assert_eq!(
        server.requests_seen(),
        1,
        "a refused correction is not retried"
    );
    assert!(sleep.delays().is_empty());
    // Later calls still sign with the local clock.
    client.get_caller_identity().unwrap_err();
    let dates: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("x-amz-date").unwrap().to_owned())
        .collect();
    assert_eq!(dates, ["20150830T123600Z", "20150830T123600Z"]);
}

#[test]
fn clock_correction_stays_within_the_configured_bound() {
    // Two hours ahead: beyond the default bound of one hour.
    let two_hours = "Sun, 30 Aug 2015 14:36:00 GMT";
    let server = FaultServer::start(vec![skewed_at(two_hours), skewed_at(two_hours), ok()]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).clock(FixedClock).build().unwrap();
    client.get_caller_identity().unwrap_err();
    assert_eq!(client.clock_offset_millis(), 0);
    // A client that allows three hours believes it.
    let retry = RetryConfig::default().with_max_clock_skew(Duration::from_secs(3 * 3600));
    let client = builder(&server, &sleep)
        .clock(FixedClock)
        .retry_config(retry)
        .build()
        .unwrap();
    client.get_caller_identity().unwrap();
    assert_eq!(client.clock_offset_millis(), 2 * 3600 * 1000);
    assert_eq!(server.requests_seen(), 3);
}

#[test]
fn answers_cannot_walk_the_clock_past_the_bound() {
    // Each answer claims 40 minutes more than the request's time: the
    // first is believed, the second would make 80 minutes in all.
    let server = FaultServer::start(vec![
        skewed_at("Sun, 30 Aug 2015 13:16:00 GMT"),
        ok(),
        skewed_at("Sun, 30 Aug 2015 13:56:00 GMT"),
    ]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).clock(FixedClock).build().unwrap();
    client.get_caller_identity().unwrap();
    assert_eq!(client.clock_offset_millis(), 40 * 60 * 1000);
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.code(), Some("RequestTimeTooSkewed"));
    assert_eq!(client.clock_offset_millis(), 40 * 60 * 1000);
}

#[test]
fn clock_correction_can_be_turned_off() {
    let server = FaultServer::start(vec![skewed_at("Sun, 30 Aug 2015 12:56:00 GMT"), ok()]);
    let sleep = RecordingSleep::default();
    let retry = RetryConfig::default().with_max_clock_skew(Duration::ZERO);
    let client = builder(&server, &sleep)
        .clock(FixedClock)
        .retry_config(retry)
        .build()
        .unwrap();
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.code(), Some("RequestTimeTooSkewed"));
    assert_eq!(server.requests_seen(), 1);
}

#[test]
fn the_retry_quota_runs_dry_under_a_burst() {
    let server =
        FaultServer::start(Script::new(vec![Step::respond(503, "")]).then(WhenDone::RepeatLast));
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).build().unwrap();
    // Each failing call spends two retries after a 503 (20 tokens): 25
    // calls drain 500.
    for _ in 0..25 {
        client.get_caller_identity().unwrap_err();
    }
    assert_eq!(client.retry_quota_available(), 0);
    assert_eq!(server.requests_seen(), 75);
    // With the bucket empty a call gets one attempt only.
    let e = client.get_caller_identity().unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(server.requests_seen(), 76);
    assert_eq!(sleep.delays().len(), 50);
}

/// The operations moto cannot answer, on canned responses.
#[test]
fn operations_moto_lacks_on_canned_responses() {
    let server = FaultServer::start(vec![
        Step::xml(
            200,
            canned::success(
                "AssumeRoot",
                &format!(
                    "{}<SourceIdentity>root-task</SourceIdentity>",
                    canned::credentials()
                ),
            ),
        ),
        Step::xml(
            200,
            canned::success(
                "DecodeAuthorizationMessage",
                "<DecodedMessage>{\"allowed\":false}</DecodedMessage>",
            ),
        ),
        Step::xml(
            200,
            canned::success(
                "GetDelegatedAccessToken",
                &format!(
                    "{}<PackedPolicySize>3</PackedPolicySize><AssumedPrincipal>arn:aws:iam::123456789012:user/x</AssumedPrincipal>",
                    canned::credentials()
                ),
            ),
        ),
        Step::xml(
            200,
            canned::success(
                "GetWebIdentityToken",
                "<WebIdentityToken>eyJ.eyJ.sig</WebIdentityToken><Expiration>2030-01-01T00:00:00Z</Expiration>",
            ),
        ),
    ]);
    let sleep = RecordingSleep::default();
    let client = builder(&server, &sleep).build().unwrap();

    let root = client
        .assume_root(
            &AssumeRoot::new(
                "111122223333",
                "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
            )
            .duration_seconds(900),
        )
        .unwrap();
    assert_eq!(root.credentials.access_key_id(), "ASIAFAULTSERVER");
    assert_eq!(root.source_identity.as_deref(), Some("root-task"));

    let decoded = client
        .decode_authorization_message(&DecodeAuthorizationMessage::new("encoded"))
        .unwrap();
    assert_eq!(
        decoded.decoded_message.as_deref(),
        Some("{\"allowed\":false}")
    );

    let delegated = client
        .get_delegated_access_token(&GetDelegatedAccessToken::new("trade-in"))
        .unwrap();
    assert_eq!(delegated.packed_policy_size, Some(3));
    assert_eq!(
        delegated.assumed_principal.as_deref(),
        Some("arn:aws:iam::123456789012:user/x")
    );

    let jwt = client
        .get_web_identity_token(&GetWebIdentityToken::new("https://example.com", "RS256"))
        .unwrap();
    assert_eq!(jwt.web_identity_token.unwrap().expose(), "eyJ.eyJ.sig");

    let actions: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.body_text().split('&').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        [
            "Action=AssumeRoot",
            "Action=DecodeAuthorizationMessage",
            "Action=GetDelegatedAccessToken",
            "Action=GetWebIdentityToken"
        ]
    );
    for r in server.requests() {
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded; charset=utf-8")
        );
        assert!(
            r.header("authorization")
                .unwrap()
                .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        );
        assert!(r.header("user-agent").unwrap().starts_with("sts-rs/"));
    }
}

#[test]
fn eight_threads_share_one_client_over_kept_alive_connections() {
    let body = canned::caller_identity("arn:aws:iam::123456789012:user/shared");
    let server = FaultServer::with_handler(move |_| Step::xml(200, body.clone()));
    let client = Client::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            Some("token".into()),
        ))
        .build()
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                for _ in 0..250 {
                    let me = client.get_caller_identity().unwrap();
                    assert_eq!(
                        me.arn.as_deref(),
                        Some("arn:aws:iam::123456789012:user/shared")
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(server.requests_seen(), 2000);
    let connections = server.connections_accepted();
    assert!(
        connections <= 16,
        "{connections} connections for 2000 calls: keep-alive is not working"
    );
    drop(client);
    // Dropping the last client closes its pooled connections.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.open_connections() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.open_connections(), 0, "connections leaked");
}
