//! The heap allocations of one signed request and one parsed answer,
//! counted exactly: the allocation target of the whole call (at most 15,
//! 12 today through the client) rests on these, and a fast path that
//! quietly stops applying (a header list that spills to the heap, a
//! buffer no longer reused) shows here as a changed count, in the test
//! run, rather than only in a benchmark nobody runs.
//!
//! This file is its own test binary, so the counting allocator sees only
//! its one test.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use sts_proto::Credentials;
use sts_proto::endpoint::{self, EndpointConfig};
use sts_proto::operation::{self, RequestContext, RequestTarget};
use sts_proto::ops::AssumeRole;
use sts_proto::sigv4::{SigningKey, SigningParams};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}"#;

fn response() -> Vec<u8> {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <SourceIdentity>alice</SourceIdentity><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
         <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser><Credentials>\
         <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret/key+1</SecretAccessKey>\
         <SessionToken>{}</SessionToken><Expiration>2030-01-01T01:00:00Z</Expiration></Credentials>\
         <PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata>\
         <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>\
         </AssumeRoleResponse>",
        "FwoGZXIvYXdzEBYaD".repeat(30)
    )
    .into_bytes()
}

/// Allocations of `f`'s last run of four (the first ones fill the
/// thread's reused buffers).
fn allocations<T>(mut f: impl FnMut() -> T) -> usize {
    for _ in 0..3 {
        drop(f());
    }
    let region = Region::new(GLOBAL);
    drop(f());
    region.change().allocations
}

#[test]
fn one_request_and_one_answer_allocate_what_they_must() {
    let endpoint = endpoint::resolve(&EndpointConfig::new().with_region("us-east-1")).unwrap();
    let target = RequestTarget::new(&endpoint, Some("sts-rs/test")).unwrap();
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let params = SigningParams::new(
        &credentials,
        &endpoint.signing_region,
        &endpoint.signing_name,
        now,
    );
    let key = SigningKey::derive(&params).unwrap();
    let request = AssumeRole::new("arn:aws:iam::123456789012:role/r", "session-1")
        .policy(POLICY)
        .tag("Project", "Unicorn")
        .tag("Team", "Platform");
    let signed = RequestContext::new(&endpoint, now)
        .credentials(&credentials)
        .signing_key(&key);
    let ctx = signed.target(&target).user_agent("sts-rs/test");

    // What the signed request owns: its form body, its header map (two
    // blocks) and the signer's date and authorization values. The
    // signer's texts and the form's scratch space are the thread's, reused.
    let build = allocations(|| operation::build(&request, &ctx).unwrap());
    // Without the endpoint's parsed target (or with one made for another
    // user agent) the URI and the `Host` and `User-Agent` values are made
    // again for every request.
    let untargeted_ctx = signed.user_agent("sts-rs/test");
    let untargeted = allocations(|| operation::build(&request, &untargeted_ctx).unwrap());
    let other_agent_ctx = signed.target(&target).user_agent("sts-rs/other");
    let other_agent = allocations(|| operation::build(&request, &other_agent_ctx).unwrap());
    // The output's strings: the credentials' three, the assumed role
    // user's two, the source identity and the request id.
    let body = response();
    let headers = HeaderMap::new();
    let parse = allocations(|| operation::parse::<AssumeRole>(200, &headers, &body).unwrap());
    // A change here is a change of the call's cost: explain it, or find
    // the fast path that stopped applying.
    assert_eq!((build, parse), (5, 7), "allocations of build and parse");
    assert_eq!(
        (untargeted, other_agent),
        (11, 11),
        "allocations of a build that cannot use the target"
    );
    // The user agent the target was made for is the one sent.
    let sent = operation::build(&request, &ctx).unwrap();
    assert_eq!(sent.headers()["user-agent"], "sts-rs/test");
    let sent = operation::build(&request, &other_agent_ctx).unwrap();
    assert_eq!(sent.headers()["user-agent"], "sts-rs/other");
}
