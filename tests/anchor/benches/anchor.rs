//! This project against the anchor, in one run: the same `AssumeRole`
//! request answered from memory with the same 1,168-byte response, through
//! aws-sdk-sts and through `sts_blocking::Client`, next to `sts_proto`'s
//! build and parse alone and the cryptography no client can avoid.
//!
//! Criterion measures each; the table at the end reads its medians back
//! and sets them side by side with allocations per call, which a counting
//! global allocator gives. Ratios between two separate runs on a shared
//! machine drift with its load; ratios within one run are what the
//! performance targets (README, "Against aws-sdk-sts") are stated in.
//!
//! Every timed call builds its request value from the same constants, as a
//! caller writing the call would (the SDK's fluent builder cannot be
//! reused, and a fair comparison makes both sides pay for their input).
//!
//! `scripts/anchor-bench.sh` runs it; `--quick` there shortens the
//! measurement.

use std::alloc::System;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use criterion::Criterion;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use sts_anchor::{
    ACCESS_KEY_ID, CannedHttpClient, CannedTransport, RESPONSE_HEADERS, SECRET_ACCESS_KEY,
    current_thread_runtime, ours_client, ours_request, response_body, sdk_client, sdk_request,
};
use sts_blocking::transport::Transport;
use sts_proto::operation::{self, RequestContext};
use sts_proto::sigv4::{self, SigningKey, SigningParams};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Calls between the two allocator snapshots. Every call allocates the
/// same way once the caches are warm, so a thousand give an exact mean.
const ALLOC_CALLS: usize = 1000;

const GROUP: &str = "anchor";
const SDK: &str = "aws_sdk_sts_assume_role";
const OURS: &str = "sts_blocking_assume_role";
const PROTO: &str = "sts_proto_build_parse";
const FLOOR: &str = "crypto_floor";

/// Heap traffic per call of `f`, averaged over [`ALLOC_CALLS`] calls.
#[derive(Debug, Clone, Copy)]
struct Allocs {
    allocations: f64,
    reallocations: f64,
    bytes: f64,
}

fn allocs_per_call<T>(mut f: impl FnMut() -> T) -> Allocs {
    // Warm-up: one-time caches (signing key, identity cache, endpoint
    // resolution) are not per-call costs.
    for _ in 0..10 {
        black_box(f());
    }
    let region = Region::new(GLOBAL);
    for _ in 0..ALLOC_CALLS {
        black_box(f());
    }
    let stats = region.change();
    let n = ALLOC_CALLS as f64;
    Allocs {
        allocations: stats.allocations as f64 / n,
        reallocations: stats.reallocations as f64 / n,
        bytes: stats.bytes_allocated as f64 / n,
    }
}

fn main() {
    RUN_START.get_or_init(SystemTime::now);
    let rt = current_thread_runtime();
    let sdk = sdk_client(CannedHttpClient::new());
    let ours = ours_client(CannedTransport::new());
    let sdk_call = || {
        rt.block_on(sdk_request(&sdk).send())
            .expect("the canned response parses")
    };
    let ours_call = || {
        ours.assume_role(&ours_request())
            .expect("the canned response parses")
    };

    // `sts_proto` alone: the same build and parse the client drives, with
    // the client's endpoint and a signing key derived once, as the client
    // caches it.
    let credentials = sts_proto::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None);
    let endpoint = ours.endpoint().clone();
    let now = SystemTime::now();
    let params = SigningParams::new(
        &credentials,
        &endpoint.signing_region,
        &endpoint.signing_name,
        now,
    );
    let key = SigningKey::derive(&params).expect("valid signing parameters");
    let response = response_body();
    let mut response_headers = http::HeaderMap::new();
    for (name, value) in RESPONSE_HEADERS {
        response_headers.insert(name, http::HeaderValue::from_static(value));
    }
    let proto_call = || {
        let ctx = RequestContext::new(&endpoint, now)
            .credentials(&credentials)
            .signing_key(&key);
        let request = operation::build(&ours_request(), &ctx).expect("a valid request");
        let output = operation::parse::<sts_proto::ops::AssumeRole>(
            200,
            &response_headers,
            black_box(&response),
        )
        .expect("the canned response parses");
        (request, output)
    };

    // The floor hashes the very bytes a signature of this request hashes:
    // the client's own body, and the canonical request the signer makes
    // for the client's own request (re-signed without its signature).
    let mut prepared = ours.prepare(&ours_request()).expect("a valid request");
    let body = prepared.body().clone();
    prepared.headers_mut().remove(http::header::AUTHORIZATION);
    let output = sigv4::sign(&mut prepared, &params, &key).expect("signable");
    let canonical_request = output.canonical_request().as_bytes().to_vec();
    let string_to_sign = output.string_to_sign().as_bytes().to_vec();
    let hmac_key = [0x5au8; 32];
    let floor_call = || {
        let creq_hash = Sha256::digest(black_box(&canonical_request));
        let body_hash = Sha256::digest(black_box(&body));
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(black_box(&hmac_key))
            .expect("HMAC takes any key length");
        mac.update(black_box(&string_to_sign));
        black_box((creq_hash, body_hash, mac.finalize().into_bytes()))
    };

    // Allocation counts first, each client alone on the heap: criterion
    // allocates too, so its loop is no place to count.
    let request_allocs = allocs_per_call(ours_request);
    // The transport's own share: answering a signed request (less what
    // cloning that request costs, which only this measurement pays).
    let transport = CannedTransport::new();
    let signed = ours.prepare(&ours_request()).expect("a valid request");
    let clone_allocs = allocs_per_call(|| signed.clone());
    let answer_allocs = allocs_per_call(|| transport.send(signed.clone(), None));
    let transport_allocs = answer_allocs.allocations - clone_allocs.allocations;
    let allocs = [
        allocs_per_call(sdk_call),
        allocs_per_call(ours_call),
        allocs_per_call(proto_call),
        allocs_per_call(floor_call),
    ];

    // A second view of the same ratios, steadier under outside load than
    // medians of groups run one after another (see `interleaved_fastest`).
    // With them, the parts of our call that are not the client's: making
    // the request value, and the transport answering (less cloning the
    // signed request it is given, which only this measurement pays).
    let fastest = interleaved_fastest(&mut [
        &mut || drop(black_box(sdk_call())),
        &mut || drop(black_box(ours_call())),
        &mut || {
            black_box(floor_call());
        },
        &mut || drop(black_box(ours_request())),
        &mut || drop(black_box(transport.send(signed.clone(), None))),
        &mut || drop(black_box(signed.clone())),
    ]);

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group(GROUP);
        group.bench_function(SDK, |b| b.iter(sdk_call));
        group.bench_function(OURS, |b| b.iter(ours_call));
        group.bench_function(PROTO, |b| b.iter(proto_call));
        group.bench_function(FLOOR, |b| b.iter(floor_call));
        group.finish();
    }
    c.final_summary();

    println!();
    println!(
        "AssumeRole: form body {} B, canonical request {} B, string to sign {} B; response {} B",
        body.len(),
        canonical_request.len(),
        string_to_sign.len(),
        response.len(),
    );
    let medians = [SDK, OURS, PROTO, FLOOR].map(median_ns);
    let rows = [
        "aws-sdk-sts `assume_role().send()` (tokio current-thread, canned HTTP client)",
        "`sts_blocking::Client::assume_role` (in-memory `Transport`)",
        "`sts_proto::operation::build` + `parse` (free functions, not the client's `Call` path)",
        "crypto floor (SHA-256 of body and canonical request, one HMAC)",
    ];
    println!();
    println!("| what | median per call | allocations per call | reallocations | bytes allocated |");
    println!("|---|---|---|---|---|");
    for ((row, median), a) in rows.iter().zip(medians).zip(allocs) {
        println!(
            "| {row} | {} | {:.1} | {:.1} | {:.0} |",
            median.map_or("not measured".to_owned(), format_ns),
            a.allocations,
            a.reallocations,
            a.bytes,
        );
    }
    println!(
        "\nof which building the request value (`AssumeRole` with policy and 3 tags): {:.1} allocations",
        request_allocs.allocations
    );
    match (medians[0], medians[1], medians[3]) {
        (Some(sdk), Some(ours), Some(floor)) => {
            println!(
                "aws-sdk-sts / sts_blocking: {:.2}x (target >= 20x)",
                sdk / ours
            );
            println!(
                "sts_blocking / crypto floor: {:.2}x (target <= 3x)",
                ours / floor
            );
        }
        _ => println!("ratios: not every function was measured (a filter, or --test)"),
    }
    let [sdk, ours, floor, request_value, answer, clone] = fastest;
    let transport_time = (answer - clone).max(0.0);
    println!(
        "fastest of {ROUNDS} interleaved batches: aws-sdk-sts {}, sts_blocking {}, floor {}; \
         ratios {:.2}x and {:.2}x",
        format_ns(sdk),
        format_ns(ours),
        format_ns(floor),
        sdk / ours,
        ours / floor,
    );
    println!(
        "of sts_blocking's {}: the request value {}, the in-memory transport's answer {}, \
         the client itself {} ({:.2}x less than aws-sdk-sts's whole call, {:.2}x the floor)",
        format_ns(ours),
        format_ns(request_value),
        format_ns(transport_time),
        format_ns(ours - request_value - transport_time),
        sdk / (ours - request_value - transport_time),
        (ours - request_value - transport_time) / floor,
    );
    println!(
        "allocations per call, aws-sdk-sts / sts_blocking: {:.0} / {:.0}",
        allocs[0].allocations, allocs[1].allocations
    );
    println!(
        "of sts_blocking's {:.0}: the request value {:.0}, the in-memory transport's answer {:.0}, \
         the client itself {:.0} (target <= 15)",
        allocs[1].allocations,
        request_allocs.allocations,
        transport_allocs,
        allocs[1].allocations - request_allocs.allocations - transport_allocs,
    );
}

/// Batches per function in [`interleaved_fastest`].
const ROUNDS: usize = 200;

/// Nanoseconds per call of each function, each the fastest of [`ROUNDS`]
/// short batches run turn about.
///
/// A check on the medians: the machine this runs on is shared, and load
/// from elsewhere can slow one criterion group and not the next; batches
/// taken alternately see the same conditions, and the fastest batch of
/// each is the least disturbed, so their ratio moves less between runs.
fn interleaved_fastest<const N: usize>(functions: &mut [&mut dyn FnMut(); N]) -> [f64; N] {
    const PER_BATCH: u32 = 16;
    let mut best = [f64::MAX; N];
    for _ in 0..ROUNDS {
        for (f, best) in functions.iter_mut().zip(&mut best) {
            let start = Instant::now();
            for _ in 0..PER_BATCH {
                f();
            }
            *best = best.min(start.elapsed().as_nanos() as f64 / f64::from(PER_BATCH));
        }
    }
    best
}

/// Criterion's median for `function` in this run, in nanoseconds, read
/// from where criterion writes it: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else this crate's `target/criterion` (the
/// order criterion itself uses; this crate is its own workspace, so the
/// last is cargo's target directory). `None` when it was not measured in
/// this run (filtered out, or `--test`), so a stale figure from an
/// earlier run is never shown.
fn median_ns(function: &str) -> Option<f64> {
    let dir = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|d| PathBuf::from(d).join("criterion"))
        })
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/criterion"));
    let path = dir.join(GROUP).join(function).join("new/estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < *RUN_START.get_or_init(SystemTime::now) {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// When this process started measuring; set in `main` before criterion
/// runs, so files older than it belong to another run.
static RUN_START: std::sync::OnceLock<SystemTime> = std::sync::OnceLock::new();

fn format_ns(ns: f64) -> String {
    if ns >= 1000.0 {
        format!("{:.2} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}
