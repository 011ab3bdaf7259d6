//! One GetCallerIdentity call driven by hand through `sts_proto::call::Call`,
//! the state machine every driver of this crate steps: the "server" here is
//! a list of canned answers, a 503 and then the result, so the whole
//! exchange (signing, the retry decision, the back-off, the parse) runs
//! without a socket or a clock. A real driver does the same with its HTTP
//! stack in place of `answers` and its clocks in place of the fixed times.
//!
//! Run with `cargo run -p sts-proto --example retry_without_io`.

use std::time::Duration;

use http::HeaderMap;
use sts_proto::Credentials;
use sts_proto::call::{Call, CallOptions, Decision, Next, Signing};
use sts_proto::endpoint::{EndpointConfig, resolve};
use sts_proto::ops::GetCallerIdentity;
use sts_proto::retry::{RetryConfig, RetryQuota};

const RESULT: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>
  <UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = resolve(&EndpointConfig::new().with_region("eu-west-1"))?;
    let retry = RetryConfig::default();
    let quota = RetryQuota::default();
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let wall = sts_proto::time::from_unix(1_440_938_160, 0).ok_or("a valid time")?;

    let op = GetCallerIdentity::new();
    let mut call = Call::new(&op, CallOptions::new(&endpoint, &retry, &quota))?;
    // What the server answers, in order: busy, then the result.
    let mut answers = [(503, "<html>busy</html>"), (200, RESULT)].into_iter();
    // The driver's monotonic clock, advanced by the waits it is told to make.
    let mut now = Duration::ZERO;
    // Jitter for the back-off: a real driver passes a random number in [0, 1).
    let random = || 0.5;

    loop {
        let signing = Signing::new(wall).credentials(&credentials);
        let outgoing = match call.next_request(now, &signing)? {
            Next::Send(outgoing) => outgoing,
            Next::Wait(pause) => {
                now += pause;
                continue;
            }
        };
        println!(
            "attempt {}: {} {} ({} body bytes)",
            outgoing.attempt,
            outgoing.request.method(),
            outgoing.request.uri(),
            outgoing.request.body().len()
        );
        let (status, body) = answers.next().ok_or("the server has no more answers")?;
        match call.response(now, status, &HeaderMap::new(), body.as_bytes(), random)? {
            Decision::Done(identity) => {
                println!("status {status}: done, signed in as {:?}", identity.arn);
                return Ok(());
            }
            Decision::Wait(retry) => {
                println!("status {status}: retrying in {:?}", retry.delay);
                now += retry.delay;
            }
            Decision::SendNow(resign) => {
                println!(
                    "status {status}: clock off by {} ms, signing again",
                    resign.measured
                );
            }
            Decision::Failed(gave_up) => {
                return Err(format!("status {status}: gave up: {:?}", gave_up.reason).into());
            }
        }
    }
}
