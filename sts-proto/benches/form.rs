//! Writing an AssumeRole form body (role, session name, a 190-character
//! policy, three tags), against a baseline in the same run: the same values
//! percent-encoded by the `percent-encoding` crate into one `String`, which
//! is what a writer built on that crate would do.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sts_proto::Operation;
use sts_proto::ops::AssumeRole;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/anchor-bench";
const SESSION_NAME: &str = "bench-session-01";
const POLICY: &str = concat!(
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#,
    r#""Action":["s3:GetObject","s3:ListBucket"],"#,
    r#""Resource":["arn:aws:s3:::anchor-bench-bucket-01","#,
    r#""arn:aws:s3:::anchor-bench-bucket-01/*"]}]}"#
);
const TAGS: [(&str, &str); 3] = [
    ("Project", "Blue Unicorn"),
    ("CostCenter", "12345"),
    ("Team", "identity"),
];

/// Everything but A–Z a–z 0–9 `-` `_` `.` `~` (a space becomes `%20`
/// here, not `+`: the baseline needs the cost, not the exact bytes).
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn request() -> AssumeRole {
    TAGS.iter().fold(
        AssumeRole::new(ROLE_ARN, SESSION_NAME).policy(POLICY),
        |request, (key, value)| request.tag(*key, *value),
    )
}

/// The same parameters through `percent-encoding`.
fn baseline() -> String {
    let mut body = String::with_capacity(640);
    body.push_str("Action=AssumeRole&Version=2011-06-15");
    let mut param = |name: &str, value: &str| {
        body.push('&');
        body.extend(utf8_percent_encode(name, FORM));
        body.push('=');
        body.extend(utf8_percent_encode(value, FORM));
    };
    param("RoleArn", ROLE_ARN);
    param("RoleSessionName", SESSION_NAME);
    param("Policy", POLICY);
    for (i, (key, value)) in TAGS.iter().enumerate() {
        param(&format!("Tags.member.{}.Key", i + 1), key);
        param(&format!("Tags.member.{}.Value", i + 1), value);
    }
    body
}

fn bench(c: &mut Criterion) {
    let request = request();
    let body = request.form_body();
    assert_eq!(body.len(), baseline().len() - 2, "the same values, bar `+`");
    let mut group = c.benchmark_group("form");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("baseline_percent_encoding", |b| b.iter(baseline));
    group.bench_function("assume_role_body", |b| {
        b.iter(|| black_box(&request).form_body())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
