//! The STS endpoint rule set's own test cases, run against
//! `sts_proto::endpoint::resolve`.
//!
//! `endpoint-tests.json` is the flattened form of the Smithy model's
//! `endpointTests` (69 cases); `endpoint-tests-1.json` is the same suite as
//! the SDKs ship it, with the signing properties nested in `authSchemes`.
//! Both are read, so a mistake in either copy shows up as a disagreement.

use serde_json::Value;
use sts_proto::endpoint::{EndpointConfig, EndpointError, ResolvedEndpoint, resolve};

/// The number of cases in the STS model's endpoint test suite.
const EXPECTED_CASES: usize = 69;

const FLAT_CASES: &str = include_str!("../../testdata/sts-model/endpoint-tests.json");
const SMITHY_CASES: &str = include_str!("../../testdata/sts-model/endpoint-tests-1.json");

/// What a case expects.
#[derive(Debug)]
enum Expect {
    Endpoint {
        url: String,
        signing_region: Option<String>,
        signing_name: Option<String>,
    },
    Error(String),
}

/// A case's parameters as an `EndpointConfig`; absent or null values are
/// the rule set's defaults (flags false, strings unset).
fn config(params: &Value) -> EndpointConfig {
    let flag = |name: &str| params.get(name).and_then(Value::as_bool).unwrap_or(false);
    let text = |name: &str| params.get(name).and_then(Value::as_str).map(str::to_owned);
    let known = [
        "Region",
        "UseFIPS",
        "UseDualStack",
        "UseGlobalEndpoint",
        "Endpoint",
    ];
    for key in params.as_object().expect("params is an object").keys() {
        assert!(known.contains(&key.as_str()), "unknown parameter {key}");
    }
    let mut cfg = EndpointConfig::new()
        .with_fips(flag("UseFIPS"))
        .with_dual_stack(flag("UseDualStack"))
        .with_global_endpoint(flag("UseGlobalEndpoint"));
    cfg.region = text("Region");
    cfg.endpoint = text("Endpoint");
    cfg
}

fn opt_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

fn flat_expect(expect: &Value) -> Expect {
    if let Some(error) = expect.get("error") {
        return Expect::Error(error.as_str().expect("error is a string").to_owned());
    }
    Expect::Endpoint {
        url: opt_str(expect.get("url")).expect("url"),
        signing_region: opt_str(expect.get("signingRegion")),
        signing_name: opt_str(expect.get("signingName")),
    }
}

fn smithy_expect(expect: &Value) -> Expect {
    if let Some(error) = expect.get("error") {
        return Expect::Error(error.as_str().expect("error is a string").to_owned());
    }
    let endpoint = expect.get("endpoint").expect("endpoint or error");
    let scheme = endpoint
        .pointer("/properties/authSchemes")
        .and_then(Value::as_array)
        .and_then(|schemes| schemes.first());
    if let Some(scheme) = scheme {
        assert_eq!(scheme.get("name").and_then(Value::as_str), Some("sigv4"));
    }
    Expect::Endpoint {
        url: opt_str(endpoint.get("url")).expect("url"),
        signing_region: scheme.and_then(|s| opt_str(s.get("signingRegion"))),
        signing_name: scheme.and_then(|s| opt_str(s.get("signingName"))),
    }
}

/// Runs every case of `cases`; returns how many ran. Failures are collected
/// so one run reports all of them.
fn run(name: &str, cases: &[Value], expect: fn(&Value) -> Expect) -> usize {
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let doc = case
            .get("documentation")
            .and_then(Value::as_str)
            .unwrap_or("(undocumented)");
        // The Smithy suite omits `params` when all are defaults.
        let cfg = config(
            case.get("params")
                .unwrap_or(&Value::Object(Default::default())),
        );
        let expected = expect(case.get("expect").expect("expect"));
        let got = resolve(&cfg);
        let ok = match (&expected, &got) {
            (
                Expect::Endpoint {
                    url,
                    signing_region,
                    signing_name,
                },
                Ok(ResolvedEndpoint {
                    url: got_url,
                    signing_region: got_region,
                    signing_name: got_name,
                    ..
                }),
            ) => {
                url == got_url
                    && signing_region.as_ref().is_none_or(|r| r == got_region)
                    && signing_name.as_ref().is_none_or(|n| n == got_name)
                    // Not asserted by the case, but always true for STS.
                    && got_name == "sts"
            }
            (Expect::Error(message), Err(err)) => *message == err.to_string(),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{name} case {i} ({doc}):\n  config:   {cfg:?}\n  expected: {expected:?}\n  got:      {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn all_flat_endpoint_test_cases() {
    let cases: Vec<Value> = serde_json::from_str(FLAT_CASES).expect("endpoint-tests.json parses");
    let ran = run("endpoint-tests.json", &cases, flat_expect);
    println!("endpoint-tests.json: {ran} cases passed");
    assert!(
        ran >= EXPECTED_CASES,
        "only {ran} cases read from endpoint-tests.json, expected {EXPECTED_CASES}"
    );
}

#[test]
fn all_smithy_endpoint_test_cases() {
    let doc: Value = serde_json::from_str(SMITHY_CASES).expect("endpoint-tests-1.json parses");
    let cases = doc
        .get("testCases")
        .and_then(Value::as_array)
        .expect("testCases array");
    let ran = run("endpoint-tests-1.json", cases, smithy_expect);
    println!("endpoint-tests-1.json: {ran} cases passed");
    assert!(
        ran >= EXPECTED_CASES,
        "only {ran} cases read from endpoint-tests-1.json, expected {EXPECTED_CASES}"
    );
}

/// The suite must exercise every error the rule set can raise for STS's
/// real partitions, so a change that silently stops raising one is caught.
#[test]
fn the_suite_covers_each_reachable_rule_set_error() {
    let cases: Vec<Value> = serde_json::from_str(FLAT_CASES).expect("endpoint-tests.json parses");
    let messages: Vec<&str> = cases
        .iter()
        .filter_map(|c| c.pointer("/expect/error").and_then(Value::as_str))
        .collect();
    for err in [
        EndpointError::MissingRegion,
        EndpointError::FipsWithCustomEndpoint,
        EndpointError::DualStackWithCustomEndpoint,
    ] {
        let text = err.to_string();
        assert!(messages.contains(&text.as_str()), "no case for {text:?}");
    }
}
