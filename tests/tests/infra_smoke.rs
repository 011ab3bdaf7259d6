//! Tests of the test infrastructure itself: the fault server (driven by a tiny
//! std::net client) and the moto harness (driven by hand-made, unsigned or
//! deliberately mis-signed requests, so that no signer is involved).

use std::io::{BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use sts_tests::fault::{Config, FaultServer, Response, Script, Step, WhenDone};
use sts_tests::http::{self, read_response, read_response_head, write_request};
use sts_tests::moto::{self, Moto};

const GCI: &str = "Action=GetCallerIdentity&Version=2011-06-15";

fn connect(server: &FaultServer) -> TcpStream {
    let s = TcpStream::connect(server.addr()).expect("connect to the fault server");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

fn send(s: &TcpStream, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut w = s;
    write_request(&mut w, method, target, "127.0.0.1", headers, body).expect("write request");
}

/// Reads until the peer closes; returns the bytes, or the error that ended it.
fn read_to_close(s: &TcpStream) -> Result<Vec<u8>, std::io::Error> {
    let mut v = Vec::new();
    let mut r = s;
    r.read_to_end(&mut v).map(|_| v)
}

// ---------------------------------------------------------------- fault server

#[test]
fn keep_alive_two_requests_on_one_connection() {
    let server = FaultServer::start(vec![
        Step::respond(200, "first"),
        Step::Respond(
            Response::xml(400, "<x/>")
                .header("x-amzn-RequestId", "r-2")
                .header("Content-Type", "text/xml"),
        ),
    ]);
    let s = connect(&server);
    let mut r = BufReader::new(&s);

    send(
        &s,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        GCI.as_bytes(),
    );
    let first = read_response(&mut r, false).unwrap();
    assert_eq!(first.status, 200);
    assert_eq!(first.body, b"first");
    assert_eq!(first.header("content-length"), Some("5"));

    send(&s, "GET", "/path?x=1&y=%20", &[("X-Custom", "v")], b"");
    let second = read_response(&mut r, false).unwrap();
    assert_eq!(second.status, 400);
    assert_eq!(second.header("x-amzn-requestid"), Some("r-2"));
    assert_eq!(second.body, b"<x/>");

    assert_eq!(server.connections_accepted(), 1);
    assert_eq!(server.requests_seen(), 2);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].index, 0);
    assert_eq!(reqs[0].connection, 0);
    assert_eq!(reqs[0].seq_on_connection, 0);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].target, "/");
    assert_eq!(reqs[0].version, "HTTP/1.1");
    assert_eq!(reqs[0].body_text(), GCI);
    assert_eq!(
        reqs[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(reqs[0].header("Content-Length"), Some("43"));
    assert_eq!(reqs[0].header("host"), Some("127.0.0.1"));
    assert_eq!(reqs[1].index, 1);
    assert_eq!(reqs[1].connection, 0);
    assert_eq!(reqs[1].seq_on_connection, 1);
    assert_eq!(reqs[1].method, "GET");
    assert_eq!(reqs[1].path(), "/path");
    assert_eq!(reqs[1].query(), Some("x=1&y=%20"));
    assert_eq!(reqs[1].header("x-custom"), Some("v"));
    assert!(reqs[1].body.is_empty());
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = FaultServer::start(vec![Step::respond(200, "a"), Step::respond(201, "b")]);
    let s = connect(&server);
    // Both requests in a single write.
    let mut bytes = Vec::new();
    write_request(&mut bytes, "POST", "/1", "h", &[], b"one").unwrap();
    write_request(&mut bytes, "POST", "/2", "h", &[], b"two!").unwrap();
    (&s).write_all(&bytes).unwrap();
    let mut r = BufReader::new(&s);
    let a = read_response(&mut r, false).unwrap();
    let b = read_response(&mut r, false).unwrap();
    assert_eq!((a.status, a.body.as_slice()), (200, &b"a"[..]));
    assert_eq!((b.status, b.body.as_slice()), (201, &b"b"[..]));
    let reqs = server.requests();
    assert_eq!(reqs[0].body, b"one");
    assert_eq!(reqs[1].body, b"two!");
    assert_eq!(server.connections_accepted(), 1);
}

#[test]
fn connection_close_is_honoured() {
    let server =
        FaultServer::start(Script::new(vec![]).then(WhenDone::Fixed(Step::respond(200, "ok"))));
    let s = connect(&server);
    send(&s, "GET", "/", &[("Connection", "close")], b"");
    let rest = read_to_close(&s).expect("clean close");
    let text = String::from_utf8_lossy(&rest);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.ends_with("\r\n\r\nok"), "{text}");

    // A scripted `Connection: close` closes too.
    let server = FaultServer::start(vec![Step::Respond(
        Response::new(503).header("Connection", "close"),
    )]);
    let s = connect(&server);
    send(&s, "GET", "/", &[], b"");
    let rest = read_to_close(&s).expect("clean close");
    assert!(String::from_utf8_lossy(&rest).starts_with("HTTP/1.1 503 "));

    // And the one-shot client gets a fresh connection each time.
    let server =
        FaultServer::start(Script::new(vec![]).then(WhenDone::Fixed(Step::respond(200, ""))));
    for _ in 0..3 {
        let r = http::request("GET", &format!("{}/x", server.url()), &[], b"").unwrap();
        assert_eq!(r.status, 200);
    }
    assert_eq!(server.connections_accepted(), 3);
    assert_eq!(server.requests_seen(), 3);
}

#[test]
fn delay_step_waits_before_answering() {
    let server = FaultServer::start(vec![Step::delayed(
        Duration::from_millis(300),
        Response::new(200).body("late"),
    )]);
    let t = Instant::now();
    let r = http::request("GET", &format!("{}/", server.url()), &[], b"").unwrap();
    let took = t.elapsed();
    assert_eq!(r.body, b"late");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn truncated_step_closes_mid_body() {
    let server = FaultServer::start(vec![Step::truncated(200, "0123456789", 100)]);
    let s = connect(&server);
    send(&s, "POST", "/", &[], GCI.as_bytes());
    let mut r = BufReader::new(&s);
    let head = read_response_head(&mut r).unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("100"));
    let mut body = Vec::new();
    r.read_to_end(&mut body).expect("EOF, not an error");
    assert_eq!(body, b"0123456789");

    // The tiny client reports it as an unexpected EOF.
    let server = FaultServer::start(vec![Step::truncated(200, "abc", 10)]);
    let err = http::request("GET", &format!("{}/", server.url()), &[], b"").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

#[test]
fn close_step_closes_without_answer() {
    let server = FaultServer::start(vec![Step::Close]);
    let s = connect(&server);
    send(&s, "POST", "/", &[], GCI.as_bytes());
    let rest = read_to_close(&s).expect("FIN, not RST");
    assert!(rest.is_empty());
    assert!(server.wait_for_requests(1, Duration::from_secs(5)));
    assert_eq!(server.requests()[0].body_text(), GCI);
}

#[test]
fn reset_step_resets_the_connection() {
    for body in [&b""[..], GCI.as_bytes()] {
        let server = FaultServer::start(vec![Step::Reset]);
        let s = connect(&server);
        send(&s, "POST", "/", &[], body);
        let err = read_to_close(&s).expect_err("a reset, not a clean close");
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
        assert_eq!(server.requests_seen(), 1);
        assert_eq!(server.requests()[0].body, body);
    }
}

#[test]
fn huge_step_streams_the_whole_body() {
    const LEN: u64 = 32 * 1024 * 1024 + 7;
    let server = FaultServer::start(vec![
        Step::Huge {
            status: 200,
            headers: vec![("Content-Type".into(), "text/xml".into())],
            len: LEN,
        },
        Step::respond(200, "after"),
    ]);
    let s = connect(&server);
    send(&s, "GET", "/", &[], b"");
    let mut r = BufReader::new(&s);
    let head = read_response_head(&mut r).unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(LEN.to_string().as_str())
    );
    assert_eq!(head.header("content-type"), Some("text/xml"));
    let mut buf = vec![0u8; 1 << 16];
    let mut got = 0u64;
    let mut first = Vec::new();
    while got < LEN {
        let n = r
            .read(&mut buf[..(LEN - got).min(1 << 16) as usize])
            .unwrap();
        assert!(n > 0, "EOF after {got} bytes");
        if first.is_empty() {
            first = buf[..n.min(4)].to_vec();
        }
        got += n as u64;
    }
    assert_eq!(got, LEN);
    assert_eq!(first, b"abcd");
    // Still keep-alive afterwards.
    send(&s, "GET", "/", &[], b"");
    let after = read_response(&mut r, false).unwrap();
    assert_eq!(after.body, b"after");
    assert_eq!(server.connections_accepted(), 1);
}

#[test]
fn stall_step_answers_nothing_then_closes() {
    let server = FaultServer::start(vec![Step::Stall(Duration::from_millis(800))]);
    let s = connect(&server);
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    send(&s, "GET", "/", &[], b"");
    let mut byte = [0u8; 1];
    let err = (&s).read(&mut byte).expect_err("nothing within 200ms");
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let t = Instant::now();
    assert_eq!((&s).read(&mut byte).unwrap(), 0, "closed after the stall");
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[test]
fn script_exhaustion_policies() {
    // Default: a marked 500.
    let server = FaultServer::start(vec![Step::respond(200, "only")]);
    let url = format!("{}/", server.url());
    assert_eq!(http::request("GET", &url, &[], b"").unwrap().status, 200);
    let r = http::request("GET", &url, &[], b"").unwrap();
    assert_eq!(r.status, 500);
    assert_eq!(r.header("x-fault-server"), Some("script-exhausted"));

    // Repeat last.
    let server = FaultServer::start(
        Script::new(vec![Step::respond(503, ""), Step::respond(200, "last")])
            .then(WhenDone::RepeatLast),
    );
    let url = format!("{}/", server.url());
    let statuses: Vec<u16> = (0..4)
        .map(|_| http::request("GET", &url, &[], b"").unwrap().status)
        .collect();
    assert_eq!(statuses, [503, 200, 200, 200]);

    // Fixed.
    let server =
        FaultServer::start(Script::new(vec![]).then(WhenDone::Fixed(Step::respond(429, ""))));
    let url = format!("{}/", server.url());
    assert_eq!(http::request("GET", &url, &[], b"").unwrap().status, 429);

    // Close.
    let server =
        FaultServer::start(Script::new(vec![Step::respond(200, "")]).then(WhenDone::Close));
    let url = format!("{}/", server.url());
    assert_eq!(http::request("GET", &url, &[], b"").unwrap().status, 200);
    let err = http::request("GET", &url, &[], b"").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    assert_eq!(server.requests_seen(), 2);
}

#[test]
fn handler_answers_dynamically_on_one_connection() {
    let server = FaultServer::with_handler(|req| {
        Step::respond(200, format!("{}#{}", req.target, req.seq_on_connection))
    });
    let s = connect(&server);
    let mut r = BufReader::new(&s);
    for i in 0..200 {
        send(&s, "POST", &format!("/n{i}"), &[], GCI.as_bytes());
        let resp = read_response(&mut r, false).unwrap();
        assert_eq!(resp.body_text(), format!("/n{i}#{i}"));
    }
    assert_eq!(server.connections_accepted(), 1);
    assert_eq!(server.requests_seen(), 200);
}

#[test]
fn connections_are_counted_and_recorded_separately() {
    let server = FaultServer::with_handler(|req| Step::respond(200, req.connection.to_string()));
    let a = connect(&server);
    let b = connect(&server);
    send(&b, "GET", "/b", &[], b"");
    let rb = read_response(&mut BufReader::new(&b), false).unwrap();
    send(&a, "GET", "/a", &[], b"");
    let ra = read_response(&mut BufReader::new(&a), false).unwrap();
    assert_ne!(ra.body, rb.body);
    assert_eq!(server.connections_accepted(), 2);
    assert_eq!(server.open_connections(), 2);
    let reqs = server.requests();
    assert_eq!(reqs[0].path(), "/b");
    assert_eq!(reqs[1].path(), "/a");
    assert_ne!(reqs[0].connection, reqs[1].connection);
}

#[test]
fn idle_and_partial_requests_time_out() {
    let server = FaultServer::start_with_config(
        vec![Step::respond(200, "")],
        Config {
            read_timeout: Duration::from_millis(300),
            ..Config::default()
        },
    );
    // Half a request, then silence: the server gives up and closes.
    let s = connect(&server);
    (&s).write_all(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        .unwrap();
    let t = Instant::now();
    let rest = read_to_close(&s).unwrap_or_default();
    assert!(rest.is_empty());
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests_seen(), 0);
}

#[test]
fn bad_and_oversized_requests_are_rejected() {
    let server = FaultServer::start_with_config(
        vec![],
        Config {
            max_body_bytes: 10,
            ..Config::default()
        },
    );
    let s = connect(&server);
    (&s).write_all(b"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n")
        .unwrap();
    let r = read_response(&mut BufReader::new(&s), false).unwrap();
    assert_eq!(r.status, 413);

    let s = connect(&server);
    (&s).write_all(b"NONSENSE\r\n\r\n").unwrap();
    let r = read_response(&mut BufReader::new(&s), false).unwrap();
    assert_eq!(r.status, 400);

    let s = connect(&server);
    (&s).write_all(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        .unwrap();
    let r = read_response(&mut BufReader::new(&s), false).unwrap();
    assert_eq!(r.status, 501);
}

#[test]
fn expect_continue_gets_100_first() {
    let server = FaultServer::start(vec![Step::respond(200, "done")]);
    let s = connect(&server);
    (&s).write_all(b"POST / HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(&s);
    let cont = read_response(&mut r, false).unwrap();
    assert_eq!(cont.status, 100);
    (&s).write_all(b"abc").unwrap();
    let done = read_response(&mut r, false).unwrap();
    assert_eq!(done.body, b"done");
    assert_eq!(server.requests()[0].body, b"abc");
}

#[test]
fn drop_stops_the_server() {
    let server = FaultServer::start(vec![Step::Stall(Duration::from_secs(60))]);
    let addr = server.addr();
    let s = connect(&server);
    send(&s, "GET", "/", &[], b"");
    assert!(server.wait_for_requests(1, Duration::from_secs(5)));
    let t = Instant::now();
    drop(server);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "drop took {:?}",
        t.elapsed()
    );
    // The stalled connection is shut down and the port no longer accepts.
    let rest = read_to_close(&s).unwrap_or_default();
    assert!(rest.is_empty());
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
}

// ------------------------------------------------------------------------ moto

/// A SigV4-shaped `Authorization` header for `access_key_id` with a made-up
/// signature. Its credential scope names `sts`, which is how moto's server
/// routes a request to STS.
fn forged_authorization(access_key_id: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key_id}/20260101/us-east-1/sts/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature={}",
        "0".repeat(64)
    )
}

fn post_forged(m: &Moto, access_key_id: &str) -> http::HttpResponse {
    let auth = forged_authorization(access_key_id);
    http::request(
        "POST",
        &format!("{}/", m.endpoint),
        &[
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("X-Amz-Date", "20260101T000000Z"),
            ("Authorization", &auth),
        ],
        GCI.as_bytes(),
    )
    .unwrap()
}

#[test]
fn moto_with_auth_rejects_unsigned_and_badly_signed_requests() {
    let t = Instant::now();
    let m = Moto::start(true);
    eprintln!("moto (auth on) up and set up in {:?}: {m:?}", t.elapsed());
    assert!(m.auth_enabled());
    assert_eq!(m.account_id, "123456789012");
    assert_eq!(m.user_arn, "arn:aws:iam::123456789012:user/sts-test-user");
    assert!(m.access_key_id.starts_with("AKIA"), "{}", m.access_key_id);
    assert_eq!(m.access_key_id.len(), 20);
    assert!(m.secret_access_key.len() >= 40);
    assert_eq!(m.role_arn, "arn:aws:iam::123456789012:role/sts-test-role");
    assert_eq!(
        m.role2_arn,
        "arn:aws:iam::123456789012:role/sts-test-role-2"
    );
    assert!(m.saml_provider_arn.contains(":saml-provider/"));
    assert!(m.oidc_provider_arn.contains(":oidc-provider/"));

    // No Authorization header at all: moto (5.2) routes an unsigned
    // GetCallerIdentity to its S3 backend, whose auth check then fails with
    // a 500. Either way: rejected, and no identity.
    let r = m.post_form_unsigned(GCI);
    assert_eq!(r.status, 500, "{}", r.body_text());
    assert!(!r.body_text().contains("arn:aws"), "{}", r.body_text());

    // A known key with a wrong signature: the signature really is checked.
    let r = post_forged(&m, &m.access_key_id);
    assert_eq!(r.status, 403, "{}", r.body_text());
    assert!(
        r.body_text().contains("<Code>SignatureDoesNotMatch</Code>"),
        "{}",
        r.body_text()
    );

    // An unknown key.
    let r = post_forged(&m, "AKIAUNKNOWNKEY000000");
    assert_eq!(r.status, 403, "{}", r.body_text());
    assert!(
        r.body_text().contains("<Code>InvalidClientTokenId</Code>"),
        "{}",
        r.body_text()
    );

    // Unsigned AssumeRoleWithWebIdentity is routed to STS but cannot pass
    // moto's auth check either (it wants an Authorization header): 500.
    let form = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName=web&WebIdentityToken=a.b.c",
        m.web_identity_role_arn
            .replace(':', "%3A")
            .replace('/', "%2F")
    );
    assert_eq!(m.post_form_unsigned(&form).status, 500);

    // Auth off again on this private server: the same forged request passes.
    m.set_auth(false);
    let r = post_forged(&m, &m.access_key_id);
    assert_eq!(r.status, 200, "{}", r.body_text());
    assert!(r.body_text().contains(&m.user_arn));
    m.set_auth(true);
    assert_eq!(post_forged(&m, &m.access_key_id).status, 403);

    // The server goes away with the handle.
    let endpoint = m.endpoint.clone();
    let log = m.log_path.clone();
    drop(m);
    let gone = http::request_with_timeout(
        "GET",
        &format!("{endpoint}/moto-api/reset-auth"),
        &[],
        b"",
        Duration::from_secs(2),
    );
    assert!(gone.is_err(), "server still answers after drop");
    assert!(log.exists());
}

#[test]
fn moto_without_auth_answers_sts() {
    let m = Moto::shared_no_auth();
    assert!(!m.auth_enabled());

    // Routed to STS by the credential scope; with auth off moto reports the
    // identity of the named key without checking the signature.
    let r = post_forged(m, &m.access_key_id);
    assert_eq!(r.status, 200, "{}", r.body_text());
    let body = r.body_text();
    assert!(body.contains("<GetCallerIdentityResponse"), "{body}");
    assert!(
        body.contains(&format!("<Arn>{}</Arn>", m.user_arn)),
        "{body}"
    );
    assert!(body.contains("<Account>123456789012</Account>"), "{body}");

    // Unsigned web identity and SAML: routed to STS by their Action.
    let enc = |s: &str| s.replace(':', "%3A").replace('/', "%2F");
    let form = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName=web-session&WebIdentityToken=a.b.c",
        enc(&m.web_identity_role_arn)
    );
    let r = m.post_form_unsigned(&form);
    assert_eq!(r.status, 200, "{}", r.body_text());
    assert!(
        r.body_text().contains(
            "arn:aws:sts::123456789012:assumed-role/sts-test-role-web-identity/web-session"
        ),
        "{}",
        r.body_text()
    );

    let assertion = m
        .saml_assertion("saml-session")
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let form = format!(
        "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn={}&PrincipalArn={}&SAMLAssertion={assertion}",
        enc(&m.saml_role_arn),
        enc(&m.saml_provider_arn)
    );
    let r = m.post_form_unsigned(&form);
    assert_eq!(r.status, 200, "{}", r.body_text());
    assert!(
        r.body_text()
            .contains("arn:aws:sts::123456789012:assumed-role/sts-test-role-saml/saml-session"),
        "{}",
        r.body_text()
    );
}

#[test]
fn moto_shared_instance_is_started_once() {
    let a = Moto::shared_auth();
    let b = Moto::shared_auth();
    assert!(std::ptr::eq(a, b));
    assert!(a.auth_enabled());
    assert_eq!(post_forged(a, &a.access_key_id).status, 403);
}

#[test]
fn base64_matches_rfc_4648_vectors() {
    let cases = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, encoded) in cases {
        assert_eq!(moto::base64(plain.as_bytes()), encoded);
    }
}
