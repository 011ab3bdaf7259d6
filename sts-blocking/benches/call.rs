//! One whole call as users make it: `Client::assume_role` over an
//! in-memory transport, from the typed request to the typed output
//! (validate, form, sign, parse, the retry loop), against the crypto
//! floor every SigV4 client pays for the same request (SHA-256 of the body
//! and of the canonical request, the signature's HMAC).
//!
//! It also counts heap allocations per call. The request is the one the
//! anchor bench (`tests/anchor`) measures aws-sdk-sts with: role ARN,
//! session name, a 190-character policy and three tags; the answer a
//! 1,168-byte AssumeRoleResponse.
//!
//! With `STS_CALL_BENCH_CALLS=N` in the environment it makes N calls and
//! N floors and stops, without criterion: a fixed amount of work for an
//! instruction-counting profiler (`valgrind --tool=callgrind`), whose
//! counts, unlike times, do not move with the machine's other load.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use sts_blocking::Client;
use sts_blocking::transport::{Transport, TransportError};
use sts_proto::Credentials;
use sts_proto::ops::AssumeRole;

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Answers every request with the same bytes.
#[derive(Debug)]
struct Canned(Vec<u8>);

impl Transport for Canned {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        black_box(&request);
        Ok(http::Response::new(self.0.clone()))
    }
}

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::example-bucket","arn:aws:s3:::example-bucket/*"]}]}"#;

fn request() -> AssumeRole {
    AssumeRole::new("arn:aws:iam::123456789012:role/demo-role", "bench-session")
        .policy(POLICY)
        .tag("Project", "Unicorn")
        .tag("Team", "Platform")
        .tag("CostCenter", "12345")
}

/// An AssumeRoleResponse of 1,168 bytes.
fn response() -> Vec<u8> {
    let token = "FQoGZXIvYXdzEBYaD".repeat(30);
    let body = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleResult><SourceIdentity>bench</SourceIdentity><AssumedRoleUser>\
         <Arn>arn:aws:sts::123456789012:assumed-role/demo-role/bench-session</Arn>\
         <AssumedRoleId>ARO123EXAMPLE123:bench-session</AssumedRoleId></AssumedRoleUser>\
         <Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\
         <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\
         <SessionToken>{token}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>\
         </Credentials><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>\
         <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\
         </ResponseMetadata></AssumeRoleResponse>"
    );
    body.into_bytes()
}

fn client(body: Vec<u8>) -> Client {
    Client::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        ))
        .transport(Canned(body))
        .build()
        .unwrap()
}

/// What any SigV4 signer must compute for this request: the body's hash,
/// the canonical request's hash (about as long as the body plus the
/// headers), and the signature's HMAC with a derived key.
fn crypto_floor(body: &[u8], canonical: &[u8], key: &[u8; 32]) -> [u8; 32] {
    let body_hash = Sha256::digest(body);
    let mut canonical_hasher = Sha256::new();
    canonical_hasher.update(canonical);
    canonical_hasher.update(body_hash);
    let string_to_sign = canonical_hasher.finalize();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(&string_to_sign);
    mac.finalize().into_bytes().into()
}

/// The crypto floor's inputs: a body and a canonical request of the
/// request's sizes, and a key.
fn floor_inputs() -> (Vec<u8>, Vec<u8>, [u8; 32]) {
    (vec![b'a'; 603], vec![b'c'; 603 + 250], [7u8; 32])
}

/// `calls` calls and floors, for a profiler; see the module documentation.
fn profile(calls: usize) {
    let request = request();
    let client = client(response());
    for _ in 0..calls {
        black_box(client.assume_role(black_box(&request)).unwrap());
    }
    let (body, canonical, key) = floor_inputs();
    for _ in 0..calls {
        black_box(crypto_floor(black_box(&body), black_box(&canonical), &key));
    }
}

fn bench(c: &mut Criterion) {
    if let Some(calls) = std::env::var("STS_CALL_BENCH_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        profile(calls);
        std::process::exit(0);
    }
    let request = request();
    let client = client(response());
    // Check it works, and count what one call allocates.
    client.assume_role(&request).unwrap();
    let region = Region::new(GLOBAL);
    const CALLS: usize = 1000;
    for _ in 0..CALLS {
        black_box(client.assume_role(&request).unwrap());
    }
    let stats = region.change();
    eprintln!(
        "Client::assume_role: {:.1} allocations and {:.0} bytes allocated per call",
        stats.allocations as f64 / CALLS as f64,
        stats.bytes_allocated as f64 / CALLS as f64,
    );

    let (body, canonical, key) = floor_inputs();
    let mut group = c.benchmark_group("call");
    group.bench_function("crypto_floor", |b| {
        b.iter(|| black_box(crypto_floor(black_box(&body), black_box(&canonical), &key)))
    });
    group.bench_function("client_assume_role", |b| {
        b.iter(|| black_box(client.assume_role(black_box(&request)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
