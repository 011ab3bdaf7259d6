//! Ready (and Paced): what the call hands out before an attempt.

use std::time::Duration;

use super::scenario::{Answer, Scenario, answer, ms, secs, send};
use crate::call::{Call, CallError, CallOptions, Decision, Next};
use crate::operation::BuildError;
use crate::ops::{AssumeRole, GetCallerIdentity};
use crate::retry::{QUOTA_CAPACITY, RETRY_COST, RetryMode, TIMEOUT_RETRY_COST};

#[test]
fn the_first_request_is_signed_at_the_corrected_time_and_counts_as_attempt_one() {
    let s = Scenario::new();
    let mut call = s.to_ready();
    assert_eq!(call.attempt(), 0);
    let out = send(&mut call, &s, secs(7), 60_000);
    assert_eq!(out.attempt, 1);
    assert_eq!(out.timeout, None);
    let date = out.request.headers()["x-amz-date"].to_str().unwrap();
    assert_eq!(date, "20150830T123700Z");
    assert!(out.request.headers().contains_key("authorization"));
}

#[test]
fn a_signed_operation_without_credentials_finishes_the_call() {
    let s = Scenario::new();
    let mut call = s.to_ready();
    let signing = crate::call::Signing::new(super::scenario::wall());
    let e = call.next_request(Duration::ZERO, &signing).unwrap_err();
    assert!(
        matches!(e, CallError::Build(BuildError::MissingCredentials { .. })),
        "{e:?}"
    );
    assert!(call.is_finished());
}

#[test]
fn validation_refuses_a_bad_request_before_anything_is_signed_unless_turned_off() {
    let s = Scenario::new();
    let bad = AssumeRole::new("x", "demo");
    let e = Call::new(&bad, s.options()).unwrap_err();
    assert!(
        matches!(e, CallError::Build(BuildError::Validation(_))),
        "{e:?}"
    );
    let options = CallOptions {
        validation: false,
        ..s.options()
    };
    let mut call = Call::new(&bad, options).unwrap();
    let Next::Send(out) = call.next_request(Duration::ZERO, &s.signing(0)).unwrap() else {
        panic!("paced")
    };
    let body = String::from_utf8(out.request.body().clone()).unwrap();
    assert!(body.contains("RoleArn=x&"), "{body}");
}

#[test]
fn the_attempt_budget_is_the_attempt_timeout_cut_to_the_call_timeout() {
    let s = Scenario::new().timeouts(Some(secs(5)), Some(secs(7)));
    let mut call = s.to_ready();
    // The call timeout runs from the first request, whenever that is.
    let out = send(&mut call, &s, secs(100), 0);
    assert_eq!(out.timeout, Some(secs(5)));
    let Decision::Wait(retry) = answer(&mut call, secs(104), Answer::error(503, "Busy")) else {
        panic!("not retried")
    };
    assert_eq!(retry.delay, ms(500));
    let out = send(&mut call, &s, secs(104) + retry.delay, 0);
    assert_eq!(out.timeout, Some(ms(2500)));
}

#[test]
fn no_time_left_for_an_attempt_is_the_deadline() {
    let s = Scenario::new().timeouts(None, Some(secs(10)));
    let mut call = s.to_sent();
    let Decision::Wait(retry) = answer(&mut call, secs(9), Answer::error(500, "InternalError"))
    else {
        panic!("not retried")
    };
    assert_eq!(retry.delay, ms(500));
    assert_eq!(s.quota.available(), QUOTA_CAPACITY - TIMEOUT_RETRY_COST);
    // The driver overslept.
    let e = call.next_request(secs(10), &s.signing(0)).unwrap_err();
    assert_eq!(e, CallError::DeadlineReached { limit: secs(10) });
    assert_eq!(e.to_string(), "call timeout of 10s reached");
    assert!(call.is_finished());
    // The retry it paid for was never sent: the shared quota gets it back.
    assert_eq!(s.quota.available(), QUOTA_CAPACITY);
}

#[test]
fn a_retry_the_rate_limiter_holds_past_the_deadline_costs_the_quota_nothing() {
    let s = Scenario::new()
        .retry(|r| r.mode = RetryMode::Adaptive)
        .timeouts(None, Some(secs(2)));
    let mut call = s.to_sent();
    let Decision::Wait(retry) = answer(&mut call, ms(5), Answer::error(400, "Throttling")) else {
        panic!("not retried")
    };
    assert_eq!(s.quota.available(), QUOTA_CAPACITY - RETRY_COST);
    // The throttle emptied the limiter's bucket: its wait passes the deadline.
    let e = call
        .next_request(ms(5) + retry.delay, &s.signing(0))
        .unwrap_err();
    assert_eq!(e, CallError::DeadlineReached { limit: secs(2) });
    assert_eq!(s.quota.available(), QUOTA_CAPACITY);
    // A first attempt paid nothing, so a deadline before it gives nothing.
    let s = Scenario::new().quota(100).timeouts(None, Some(secs(1)));
    let mut call = s.to_ready();
    send(&mut call, &s, Duration::ZERO, 0);
    let mut call = s.to_ready();
    let _ = call.next_request(Duration::ZERO, &s.signing(0));
    assert_eq!(s.quota.available(), 100);
}

#[test]
fn a_request_while_one_is_out_or_after_the_end_is_the_wrong_state() {
    let s = Scenario::new();
    let mut call = s.to_sent();
    let e = call.next_request(ms(1), &s.signing(0)).unwrap_err();
    assert!(matches!(e, CallError::WrongState { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "GetCallerIdentity call: cannot take a request while waiting for an answer"
    );
    // Still waiting for that answer.
    assert!(matches!(
        answer(&mut call, ms(2), Answer::ok()),
        Decision::Done(_)
    ));
    let e = call.next_request(ms(3), &s.signing(0)).unwrap_err();
    assert!(e.to_string().ends_with("while finished"), "{e}");
}

#[test]
fn an_unsigned_operation_needs_no_credentials() {
    let s = Scenario::new();
    let op = crate::ops::AssumeRoleWithWebIdentity::new(
        "arn:aws:iam::123456789012:role/demo",
        "demo",
        "token-0123456789",
    );
    let mut call = Call::new(&op, s.options()).unwrap();
    let signing = crate::call::Signing::new(super::scenario::wall());
    let Next::Send(out) = call.next_request(Duration::ZERO, &signing).unwrap() else {
        panic!("paced")
    };
    assert!(!out.request.headers().contains_key("authorization"));
}

#[test]
fn standard_mode_never_asks_the_rate_limiter() {
    let s = Scenario::new();
    // A limiter that throttling has turned on, with an empty bucket.
    s.limiter.update(Duration::ZERO, true);
    assert!(!s.limiter.acquire(Duration::ZERO).is_zero());
    let mut call: Call<'_, GetCallerIdentity> = s.to_ready();
    assert_eq!(send(&mut call, &s, Duration::ZERO, 0).attempt, 1);
    let adaptive = Scenario::new().retry(|r| r.mode = RetryMode::Adaptive);
    adaptive.limiter.update(Duration::ZERO, true);
    let mut call = adaptive.to_ready();
    assert!(matches!(
        call.next_request(Duration::ZERO, &adaptive.signing(0))
            .unwrap(),
        Next::Wait(_)
    ));
}

#[test]
fn an_outgoing_request_prints_no_secret() {
    let s = Scenario::new();
    let op = crate::ops::AssumeRoleWithWebIdentity::new(
        "arn:aws:iam::123456789012:role/demo",
        "demo",
        "web-identity-token-4e1f",
    );
    let mut call = Call::new(&op, s.options()).unwrap();
    let signing = crate::call::Signing::new(super::scenario::wall()).credentials(&s.credentials);
    let next = call.next_request(Duration::ZERO, &signing).unwrap();
    let shown = format!("{next:?} {call:?} {signing:?}");
    for secret in ["web-identity-token-4e1f", "scenario-secret"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("body_len"), "{shown}");
}
