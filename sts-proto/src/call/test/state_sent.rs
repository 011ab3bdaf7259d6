//! Sent: one answer in, one decision out.

use std::cell::Cell;
use std::sync::Arc;
use std::time::Duration;

use super::scenario::{Answer, Scenario, answer, ms, secs, send};
use crate::call::{CallError, Decision, Failure, GiveUp, Resign};
use crate::error::ResponseError;
use crate::retry::{QUOTA_CAPACITY, RetryKind, TransportFailure};

/// The decision's wait, or a panic naming what came instead.
fn delay<T: std::fmt::Debug>(decision: Decision<T>) -> Duration {
    match decision {
        Decision::Wait(retry) => retry.delay,
        other => panic!("expected a retry, got {other:?}"),
    }
}

fn gave_up<T: std::fmt::Debug>(decision: Decision<T>) -> (GiveUp, Failure) {
    match decision {
        Decision::Failed(g) => (g.reason, g.failure),
        other => panic!("expected the end, got {other:?}"),
    }
}

#[test]
fn success_is_done_and_gives_the_quota_a_token() {
    let s = Scenario::new().quota(QUOTA_CAPACITY);
    s.quota.acquire(RetryKind::Throttling);
    let mut call = s.to_sent();
    let Decision::Done(out) = answer(&mut call, ms(30), Answer::ok()) else {
        panic!("not done")
    };
    assert_eq!(
        out.arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/ok")
    );
    assert_eq!(s.quota.available(), QUOTA_CAPACITY - 5 + 1);
    assert!(call.is_finished());
}

#[test]
fn each_retryable_kind_waits_the_jittered_back_off() {
    // Throttling costs the quota 5, a transient failure 10.
    for (status, code, cost) in [
        (400, "Throttling", 5),
        (400, "ThrottlingException", 5),
        (429, "SlowDown", 5),
        (500, "InternalError", 10),
        (503, "ServiceUnavailable", 10),
        (400, "IDPCommunicationError", 10),
        (400, "RequestTimeout", 10),
    ] {
        let s = Scenario::new();
        let mut call = s.to_sent();
        let decision = answer(&mut call, ms(1), Answer::error(status, code));
        let Decision::Wait(retry) = decision else {
            panic!("{code}: {decision:?}")
        };
        assert_eq!(retry.delay, ms(500), "{code}");
        assert!(matches!(
            retry.failure,
            Failure::Response(ResponseError::Service(_))
        ));
        assert_eq!(s.quota.available(), QUOTA_CAPACITY - cost, "{code}");
    }
    // A 502 page without an error document is retried too.
    let s = Scenario::new();
    let mut call = s.to_sent();
    let page = Answer {
        status: 502,
        headers: http::HeaderMap::new(),
        body: b"<html>Bad Gateway</html>".to_vec(),
    };
    assert_eq!(delay(answer(&mut call, ms(1), page)), ms(500));
}

#[test]
fn transport_failures_are_retried_except_an_oversized_body() {
    for (failure, cost) in [
        (TransportFailure::Connect, 10),
        (TransportFailure::Io, 10),
        (TransportFailure::Timeout, 10),
    ] {
        let s = Scenario::new();
        let mut call = s.to_sent();
        let d = call.transport_failure(ms(1), failure, || 0.5).unwrap();
        assert_eq!(delay(d), ms(500), "{failure:?}");
        assert_eq!(s.quota.available(), QUOTA_CAPACITY - cost);
        // The retry's cost comes back with the success.
        send(&mut call, &s, ms(600), 0);
        assert!(matches!(
            answer(&mut call, ms(700), Answer::ok()),
            Decision::Done(_)
        ));
        assert_eq!(s.quota.available(), QUOTA_CAPACITY);
    }
    let s = Scenario::new();
    let mut call = s.to_sent();
    let d = call
        .transport_failure(ms(1), TransportFailure::BodyTooLarge, || 0.5)
        .unwrap();
    let (reason, failure) = gave_up(d);
    assert_eq!(reason, GiveUp::NotRetryable);
    assert!(matches!(
        failure,
        Failure::Transport(TransportFailure::BodyTooLarge)
    ));
}

#[test]
fn a_refusal_is_not_retried_and_draws_no_jitter() {
    let s = Scenario::new();
    let drawn = Cell::new(0);
    for a in [
        Answer::error(403, "AccessDenied"),
        Answer::error(403, "SignatureDoesNotMatch"),
        Answer {
            body: b"<html>not xml".to_vec(),
            ..Answer::ok()
        },
    ] {
        let mut call = s.to_sent();
        let d = call
            .response(ms(1), a.status, &a.headers, &a.body, || {
                drawn.set(drawn.get() + 1);
                0.5
            })
            .unwrap();
        assert_eq!(gave_up(d).0, GiveUp::NotRetryable);
        assert!(call.is_finished());
    }
    assert_eq!(drawn.get(), 0);
    assert_eq!(s.quota.available(), QUOTA_CAPACITY);
    assert_eq!(GiveUp::NotRetryable.to_string(), "not retryable");
}

#[test]
fn attempts_run_out_after_max_attempts_with_growing_waits() {
    let s = Scenario::new();
    let mut call = s.to_sent();
    let mut now = ms(10);
    let mut waits = Vec::new();
    loop {
        match answer(&mut call, now, Answer::error(503, "ServiceUnavailable")) {
            Decision::Wait(retry) => {
                waits.push(retry.delay);
                now += retry.delay;
                let out = send(&mut call, &s, now, 0);
                assert_eq!(out.attempt as usize, waits.len() + 1);
            }
            other => {
                assert_eq!(gave_up(other).0, GiveUp::NoAttemptsLeft);
                break;
            }
        }
    }
    assert_eq!(waits, [ms(500), ms(1000)]);
    assert_eq!(call.attempt(), 3);
    assert_eq!(GiveUp::NoAttemptsLeft.to_string(), "no attempts left");
}

#[test]
fn an_empty_quota_ends_the_call_and_use_quota_off_ignores_it() {
    let s = Scenario::new().quota(4);
    let mut call = s.to_sent();
    let (reason, _) = gave_up(answer(
        &mut call,
        ms(1),
        Answer::error(500, "InternalError"),
    ));
    assert_eq!(reason, GiveUp::QuotaExhausted);
    assert_eq!(reason.to_string(), "the retry quota is used up");
    let s = Scenario::new().quota(4).retry(|r| r.use_quota = false);
    let mut call = s.to_sent();
    assert_eq!(
        delay(answer(
            &mut call,
            ms(1),
            Answer::error(500, "InternalError")
        )),
        ms(500)
    );
    assert_eq!(s.quota.available(), 4);
}

#[test]
fn retry_after_is_honoured_within_the_cap() {
    let s = Scenario::new();
    let mut call = s.to_sent();
    let busy = || Answer::error(503, "ServiceUnavailable");
    let d = answer(&mut call, ms(1), busy().header("x-amz-retry-after", "1500"));
    assert_eq!(delay(d), ms(1500));
    send(&mut call, &s, secs(2), 0);
    let d = answer(
        &mut call,
        secs(3),
        busy().header("x-amz-retry-after", "60000"),
    );
    assert_eq!(delay(d), secs(20));
}

#[test]
fn base_delay_and_custom_backoff_set_the_wait() {
    let s = Scenario::new().retry(|r| r.base_delay = ms(100));
    let mut call = s.to_sent();
    assert_eq!(
        delay(answer(
            &mut call,
            ms(1),
            Answer::error(500, "InternalError")
        )),
        ms(50)
    );
    let s = Scenario::new().retry(|r| {
        r.max_attempts = 4;
        r.max_backoff = secs(5);
        r.custom_backoff = Some(Arc::new(|attempt, rand| {
            assert_eq!(rand, 0.5);
            secs(3 * u64::from(attempt))
        }));
    });
    let mut call = s.to_sent();
    let mut now = Duration::ZERO;
    let mut waits = Vec::new();
    for _ in 0..3 {
        let d = delay(answer(&mut call, now, Answer::error(500, "InternalError")));
        waits.push(d);
        now += d;
        send(&mut call, &s, now, 0);
    }
    assert_eq!(waits, [secs(3), secs(5), secs(5)]);
}

/// A clock-skew answer dated `date` (the scenario signs at 12:36:00).
fn skewed(date: &str) -> Answer {
    Answer::error(403, "RequestTimeTooSkewed").header("date", date)
}

#[test]
fn a_skewed_clock_is_re_signed_once_then_given_up() {
    let s = Scenario::new();
    let mut call = s.to_sent();
    let d = answer(&mut call, ms(5), skewed("Sun, 30 Aug 2015 12:56:00 GMT"));
    let Decision::SendNow(resign) = d else {
        panic!("{d:?}")
    };
    let twenty_minutes = 20 * 60 * 1000;
    assert_eq!(
        resign,
        Resign {
            status: 403,
            measured: twenty_minutes,
            clock_offset: twenty_minutes,
        }
    );
    // The driver stores the offset and signs again at once: same attempt.
    let out = send(&mut call, &s, ms(6), resign.clock_offset);
    assert_eq!(out.attempt, 1);
    assert_eq!(out.request.headers()["x-amz-date"], "20150830T125600Z");
    let (reason, _) = gave_up(answer(
        &mut call,
        ms(7),
        skewed("Sun, 30 Aug 2015 13:16:00 GMT"),
    ));
    assert_eq!(reason, GiveUp::NotRetryable);
    assert_eq!(s.quota.available(), QUOTA_CAPACITY);
}

/// The re-signed request carries the offset the call decided on, even
/// from a driver that passes its old one (the module's example once did):
/// the call's one re-sign is not spent on the same wrong time. Later
/// attempts take the driver's offset again.
#[test]
fn the_re_signed_request_takes_the_calls_offset_whatever_the_driver_passes() {
    let s = Scenario::new();
    let mut call = s.to_sent();
    let d = answer(&mut call, ms(5), skewed("Sun, 30 Aug 2015 12:56:00 GMT"));
    assert!(matches!(d, Decision::SendNow(_)), "{d:?}");
    let out = send(&mut call, &s, ms(6), 0);
    assert_eq!(out.request.headers()["x-amz-date"], "20150830T125600Z");
    let d = answer(&mut call, ms(7), Answer::error(500, "InternalError"));
    let now = ms(7) + delay(d);
    let out = send(&mut call, &s, now, 0);
    assert_eq!(out.request.headers()["x-amz-date"], "20150830T123600Z");
    assert!(matches!(
        answer(&mut call, now + ms(1), Answer::ok()),
        Decision::Done(_)
    ));
}

#[test]
fn a_skew_beyond_the_bound_is_refused_and_not_retried() {
    let s = Scenario::new();
    let mut call = s.to_sent();
    let (reason, _) = gave_up(answer(
        &mut call,
        ms(5),
        skewed("Fri, 31 Dec 9999 23:59:59 GMT"),
    ));
    let GiveUp::SkewRefused { measured, bound } = reason else {
        panic!("{reason:?}")
    };
    assert!(measured > 250_000_000_000_000);
    assert_eq!(bound, secs(3600));
    assert_eq!(reason.to_string(), "clock correction refused");
    // Two answers together may not pass the bound: 40 minutes already
    // applied, 40 more claimed.
    let mut call = s.to_ready();
    send(&mut call, &s, Duration::ZERO, 40 * 60 * 1000);
    let d = answer(&mut call, ms(5), skewed("Sun, 30 Aug 2015 13:56:00 GMT"));
    assert!(matches!(gave_up(d).0, GiveUp::SkewRefused { .. }));
    // Correction off: the smallest skew is refused.
    let s = Scenario::new().retry(|r| r.max_clock_skew = Duration::ZERO);
    let mut call = s.to_sent();
    let d = answer(&mut call, ms(5), skewed("Sun, 30 Aug 2015 12:56:00 GMT"));
    assert!(matches!(gave_up(d).0, GiveUp::SkewRefused { .. }));
    // Even a skew answer that measures no offset at all: nothing is
    // re-signed while correction is off.
    let mut call = s.to_sent();
    let d = answer(&mut call, ms(5), skewed("Sun, 30 Aug 2015 12:36:00 GMT"));
    assert_eq!(
        gave_up(d).0,
        GiveUp::SkewRefused {
            measured: 0,
            bound: Duration::ZERO
        }
    );
}

/// A call is finished only once it is done or has given up: not while it
/// is ready to send, nor while it waits to retry.
#[test]
fn a_call_waiting_or_ready_is_not_finished() {
    let s = Scenario::new();
    assert!(!s.to_ready().is_finished());
    let mut call = s.to_sent();
    assert!(!call.is_finished());
    let d = answer(&mut call, ms(5), Answer::error(500, "InternalError"));
    assert_eq!(delay(d), ms(500));
    assert!(!call.is_finished());
}

/// A client that learned +40 minutes, whose local clock then jumped an
/// hour and ten minutes ahead: the server is 30 minutes behind the local
/// clock, and the answer measures -70 minutes against the signing time
/// (local + 40). The total, -30 minutes, is within the bound and is taken.
#[test]
fn a_stale_offset_is_corrected_when_the_total_is_within_the_bound() {
    let s = Scenario::new();
    let mut call = s.to_ready();
    let forty_minutes = 40 * 60 * 1000;
    let out = send(&mut call, &s, Duration::ZERO, forty_minutes);
    assert_eq!(out.request.headers()["x-amz-date"], "20150830T131600Z");
    let d = answer(&mut call, ms(5), skewed("Sun, 30 Aug 2015 12:06:00 GMT"));
    let Decision::SendNow(resign) = d else {
        panic!("{d:?}")
    };
    assert_eq!(resign.measured, -70 * 60 * 1000);
    assert_eq!(resign.clock_offset, -30 * 60 * 1000);
    let out = send(&mut call, &s, ms(6), resign.clock_offset);
    assert_eq!(out.request.headers()["x-amz-date"], "20150830T120600Z");
    assert!(matches!(
        answer(&mut call, ms(7), Answer::ok()),
        Decision::Done(_)
    ));
    // A total past the bound is still refused: -40 learned, -21 more.
    let mut call = s.to_ready();
    send(&mut call, &s, Duration::ZERO, -forty_minutes);
    let d = answer(&mut call, ms(5), skewed("Sun, 30 Aug 2015 11:35:00 GMT"));
    assert!(matches!(gave_up(d).0, GiveUp::SkewRefused { .. }));
}

/// Without a `Date` to correct by, the next attempt would be signed with
/// the same clock and meet the same answer: the call gives up at once,
/// with no back-off and nothing taken from the quota.
#[test]
fn a_skew_code_without_a_usable_date_is_not_retried() {
    let s = Scenario::new();
    let drawn = Cell::new(0);
    for a in [
        Answer::error(403, "RequestExpired"),
        Answer::error(400, "RequestInTheFuture"),
        skewed("yesterday"),
    ] {
        let mut call = s.to_sent();
        let d = call
            .response(ms(5), a.status, &a.headers, &a.body, || {
                drawn.set(drawn.get() + 1);
                0.5
            })
            .unwrap();
        assert_eq!(gave_up(d).0, GiveUp::NotRetryable);
        assert!(call.is_finished());
        assert_eq!(call.attempt(), 1);
    }
    assert_eq!(drawn.get(), 0);
    assert_eq!(s.quota.available(), QUOTA_CAPACITY);
}

#[test]
fn a_wait_that_would_pass_the_call_timeout_ends_the_call() {
    let s = Scenario::new().timeouts(None, Some(secs(10)));
    let mut call = s.to_sent();
    let d = answer(&mut call, ms(9400), Answer::error(500, "InternalError"));
    assert_eq!(delay(d), ms(500));
    send(&mut call, &s, ms(9450), 0);
    let before = s.quota.available();
    let (reason, _) = gave_up(answer(
        &mut call,
        ms(9500),
        Answer::error(500, "InternalError"),
    ));
    assert_eq!(reason, GiveUp::CallTimeout);
    assert_eq!(reason.to_string(), "the call timeout would pass");
    // The retry that was not made costs the shared quota nothing.
    assert_eq!(s.quota.available(), before);
    // The server's own wait counts the same.
    let mut call = s.to_sent();
    let long = Answer::error(503, "ServiceUnavailable").header("x-amz-retry-after", "10000");
    assert_eq!(
        gave_up(answer(&mut call, ms(1), long)).0,
        GiveUp::CallTimeout
    );
}

#[test]
fn an_answer_in_the_wrong_state_is_an_error_not_a_panic() {
    let s = Scenario::new();
    let ok = Answer::ok();
    // Before any request.
    let mut call = s.to_ready();
    let e = call
        .response(ms(1), ok.status, &ok.headers, &ok.body, || 0.5)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "GetCallerIdentity call: cannot take a response while ready to send"
    );
    let e = call
        .transport_failure(ms(1), TransportFailure::Io, || 0.5)
        .unwrap_err();
    assert!(matches!(e, CallError::WrongState { .. }));
    // The call is untouched: it still sends and succeeds.
    send(&mut call, &s, ms(2), 0);
    assert!(matches!(
        answer(&mut call, ms(3), Answer::ok()),
        Decision::Done(_)
    ));
    // After it is done; and after it failed.
    for state in [0, 1] {
        let mut call = s.to_sent();
        if state == 0 {
            assert!(matches!(
                answer(&mut call, ms(1), Answer::ok()),
                Decision::Done(_)
            ));
        } else {
            gave_up(answer(&mut call, ms(1), Answer::error(403, "AccessDenied")));
        }
        let e = call
            .response(ms(2), ok.status, &ok.headers, &ok.body, || 0.5)
            .unwrap_err();
        assert!(e.to_string().ends_with("while finished"), "{e}");
        assert!(
            call.transport_failure(ms(2), TransportFailure::Io, || 0.5)
                .is_err()
        );
    }
}
