//! What signing costs, next to the cryptography it cannot avoid.
//!
//! `baseline_sha256_hmac` is the floor: SHA-256 of the canonical request,
//! SHA-256 of the body and one HMAC-SHA256 (key setup included) of the
//! string to sign, on the very bytes a real signature of the same request
//! produces. `sign_cached_key` should stay within twice that; the rest of
//! its time is building the canonical request and setting the headers.
//!
//! The request is an `AssumeRole`-sized POST: a form body of about 300
//! bytes, `host` and `content-type` headers, and a 1 KiB session token that
//! the signer adds (with `x-amz-date`). Requests are built in the setup of
//! `iter_batched`, outside the timed part, and the signed ones are dropped
//! outside it too, so the figures are for signing alone.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use http::Request;
use sha2::{Digest, Sha256};
use sts_proto::Credentials;
use sts_proto::form::FormWriter;
use sts_proto::sigv4::{self, SigningKey, SigningParams};

/// Requests built per batch. Few enough that they stay in cache and in
/// pages already mapped: with `BatchSize::SmallInput` criterion builds a
/// tenth of all iterations at once (tens of megabytes here), and the timed
/// part then pays for page faults the signer does not cause.
const BATCH: u64 = 32;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

/// A session token shaped like STS's: 1 KiB of base64.
fn session_token() -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut token = String::from("IQoJb3JpZ2luX2VjE");
    let mut x: u32 = 0x9e37_79b9;
    while token.len() < 1024 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        token.push(char::from(B64[(x % 64) as usize]));
    }
    token
}

fn assume_role_body() -> Vec<u8> {
    let mut form = FormWriter::new("AssumeRole");
    form.param(
        "RoleArn",
        "arn:aws:iam::123456789012:role/service-role/benchmark-role",
    );
    form.param("RoleSessionName", "benchmark-session-0001");
    form.param("DurationSeconds", "3600");
    form.param("ExternalId", "0f9c1a7e-3b5d-4c2a-9e8f-1d2c3b4a5f6e");
    form.param("Tags.member.1.Key", "Project");
    form.param("Tags.member.1.Value", "Blue Unicorn");
    form.param("Tags.member.2.Key", "CostCenter");
    form.param("Tags.member.2.Value", "12345");
    form.param("SourceIdentity", "benchmark@example.com");
    form.finish().into_bytes()
}

/// Built the way a client builds each request, so that the header map has
/// the capacity a fresh map has (a clone's is exactly full).
fn assume_role(body: &[u8]) -> Request<Vec<u8>> {
    Request::post("https://sts.us-east-1.amazonaws.com/")
        .header("host", "sts.us-east-1.amazonaws.com")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(body.to_vec())
        .unwrap_or_default()
}

fn get_caller_identity() -> Request<Vec<u8>> {
    Request::get("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15")
        .body(Vec::new())
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let credentials = Credentials::new(
        "ASIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Some(session_token().into()),
    );
    let params = SigningParams::new(&credentials, "us-east-1", "sts", now());
    let key = SigningKey::derive(&params).expect("valid parameters");
    let body = assume_role_body();

    // The exact bytes one signature of this request hashes.
    let output = sigv4::sign(&mut assume_role(&body), &params, &key).expect("signable");
    let canonical_request = output.canonical_request().as_bytes().to_vec();
    let string_to_sign = output.string_to_sign().as_bytes().to_vec();
    println!(
        "request: body {} B, canonical request {} B, string to sign {} B",
        body.len(),
        canonical_request.len(),
        string_to_sign.len()
    );
    let hmac_key = [0x5au8; 32];
    let baseline = || {
        let creq_hash = Sha256::digest(black_box(&canonical_request));
        let body_hash = Sha256::digest(black_box(&body));
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(black_box(&hmac_key))
            .expect("HMAC takes any key length");
        mac.update(black_box(&string_to_sign));
        black_box((creq_hash, body_hash, mac.finalize().into_bytes()))
    };

    let (base_ns, sign_ns) = interleaved_minimums(
        baseline,
        || assume_role(&body),
        |request| sigv4::sign(request, &params, &key),
    );
    println!(
        "interleaved minimum: baseline {base_ns:.0} ns, sign_cached_key {sign_ns:.0} ns, ratio {:.2}",
        sign_ns / base_ns
    );

    let mut group = c.benchmark_group("sign");
    group.bench_function("baseline_sha256_hmac", |b| b.iter(baseline));
    group.bench_function("sign_cached_key", |b| {
        b.iter_batched(
            || assume_role(&body),
            |mut request| {
                let output = sigv4::sign(&mut request, &params, &key);
                (request, output)
            },
            BatchSize::NumIterations(BATCH),
        )
    });
    group.bench_function("sign_derive_key", |b| {
        b.iter_batched(
            || assume_role(&body),
            |mut request| {
                let output = SigningKey::derive(&params)
                    .and_then(|key| sigv4::sign(&mut request, &params, &key));
                (request, output)
            },
            BatchSize::NumIterations(BATCH),
        )
    });
    group.bench_function("presign", |b| {
        b.iter_batched(
            get_caller_identity,
            |mut request| {
                let output = sigv4::presign(&mut request, &params, Duration::from_secs(900), &key);
                (request, output)
            },
            BatchSize::NumIterations(BATCH),
        )
    });
    group.finish();
}

/// Nanoseconds per call of `baseline` and of `sign`, each the fastest of
/// many short batches run turn about; requests are built before and
/// dropped after each timed batch.
///
/// The machine this runs on is shared, and other work slows whole
/// criterion runs by half and more; batches taken alternately see the same
/// conditions, and the fastest batch of each is the one least disturbed,
/// so their ratio is steadier than the ratio of two separate runs.
fn interleaved_minimums<T, U>(
    baseline: impl Fn() -> T,
    build: impl Fn() -> Request<Vec<u8>>,
    sign: impl Fn(&mut Request<Vec<u8>>) -> U,
) -> (f64, f64) {
    const ROUNDS: usize = 300;
    const PER_BATCH: usize = 32;
    let (mut best_base, mut best_sign) = (f64::MAX, f64::MAX);
    let mut outputs = Vec::with_capacity(PER_BATCH);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..PER_BATCH {
            black_box(baseline());
        }
        best_base = best_base.min(start.elapsed().as_nanos() as f64 / PER_BATCH as f64);

        let mut requests: Vec<_> = (0..PER_BATCH).map(|_| build()).collect();
        let start = Instant::now();
        for request in &mut requests {
            outputs.push(black_box(sign(request)));
        }
        best_sign = best_sign.min(start.elapsed().as_nanos() as f64 / PER_BATCH as f64);
        outputs.clear();
    }
    (best_base, best_sign)
}

criterion_group!(benches, bench);
criterion_main!(benches);
