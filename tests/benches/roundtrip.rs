//! GetCallerIdentity through the client against an in-process keep-alive
//! loopback server, with a baseline in the same run: a bare `ureq` POST of
//! the same signed bytes to the same server. The difference is the
//! client's own overhead (signing, building, parsing, the retry loop).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sts_blocking::Client;
use sts_proto::Credentials;
use sts_tests::{FaultServer, Step, canned};

fn bench(c: &mut Criterion) {
    let body = canned::caller_identity("arn:aws:iam::123456789012:user/bench");
    let server = FaultServer::with_handler(move |_| Step::xml(200, body.clone()));
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("a-session-token".into()),
    );
    let client = Client::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .credentials(credentials)
        .build()
        .unwrap();
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

    let mut group = c.benchmark_group("roundtrip");
    group.bench_function("baseline_bare_ureq_post", |b| {
        b.iter(|| {
            let mut req = agent.post(&url);
            for (n, v) in &headers {
                req = req.header(n, v);
            }
            let mut resp = req.send(black_box(&signed_body[..])).unwrap();
            black_box(resp.body_mut().read_to_vec().unwrap())
        })
    });
    group.bench_function("client_get_caller_identity", |b| {
        b.iter(|| black_box(client.get_caller_identity().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
