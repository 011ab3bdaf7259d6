//! GetCallerIdentity through the client against an in-process keep-alive
//! loopback server, with a baseline in the same run: a bare `ureq` POST of
//! the same signed bytes to the same server. The difference is the
//! client's own overhead (signing, building, parsing, the retry loop).
//!
//! Two pairs: with the client's default 10 s attempt timeout (given to
//! the baseline too), and with no timeout. ureq enforces a request
//! timeout by setting the socket's timeout before every read and write,
//! which costs a system call each; the pairs keep that cost, which is
//! ureq's and the same for any ureq user, apart from the client's own.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sts_blocking::Client;
use sts_proto::Credentials;
use sts_tests::{FaultServer, Step, canned};

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

fn bench(c: &mut Criterion) {
    let body = canned::caller_identity("arn:aws:iam::123456789012:user/bench");
    let server = FaultServer::with_handler(move |_| Step::xml(200, body.clone()));
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("a-session-token".into()),
    );
    let client_with = |timeout: Option<Duration>| {
        Client::builder()
            .endpoint_url(server.url())
            .region("us-east-1")
            .credentials(credentials.clone())
            .attempt_timeout(timeout)
            .build()
            .unwrap()
    };
    let client = client_with(Some(ATTEMPT_TIMEOUT));
    let client_no_timeout = client_with(None);
    client.get_caller_identity().unwrap();

    // The baseline sends the very bytes the client sends.
    let recorded = server.requests().pop().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/", server.url());
    let headers: Vec<(String, String)> = recorded
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("content-length"))
        .cloned()
        .collect();
    let signed_body = recorded.body.clone();

    let bare_post = |timeout: Option<Duration>| {
        let mut req = agent.post(&url);
        for (n, v) in &headers {
            req = req.header(n, v);
        }
        let mut resp = req
            .config()
            .timeout_global(timeout)
            .build()
            .send(black_box(&signed_body[..]))
            .unwrap();
        black_box(resp.body_mut().read_to_vec().unwrap())
    };

    let mut group = c.benchmark_group("roundtrip");
    group.bench_function("baseline_bare_ureq_post", |b| {
        b.iter(|| bare_post(Some(ATTEMPT_TIMEOUT)))
    });
    group.bench_function("client_get_caller_identity", |b| {
        b.iter(|| black_box(client.get_caller_identity().unwrap()))
    });
    group.bench_function("baseline_bare_ureq_post_no_timeout", |b| {
        b.iter(|| bare_post(None))
    });
    group.bench_function("client_get_caller_identity_no_timeout", |b| {
        b.iter(|| black_box(client_no_timeout.get_caller_identity().unwrap()))
    });
    group.finish();
    // Every call above went over a handful of kept-alive connections.
    assert!(
        server.connections_accepted() <= 4,
        "{}",
        server.connections_accepted()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
