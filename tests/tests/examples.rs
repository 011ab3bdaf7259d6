//! The examples users copy run as their docs say: `std_net_transport`
//! against the fault server, signing with keys from the environment, and
//! sts-proto's `retry_without_io` through a canned 503 and a result.

use std::process::Command;

use sts_tests::{FaultServer, ScratchDir, Step, canned};

#[test]
fn std_net_transport_calls_the_server_with_its_own_http() {
    let server = FaultServer::start(vec![Step::xml(
        200,
        canned::caller_identity("arn:aws:iam::123456789012:user/example"),
    )]);
    let dir = sts_tests::cargo::build(&["-p", "sts-blocking", "--example", "std_net_transport"]);
    let home = ScratchDir::new("example");
    let out = Command::new(dir.join("examples").join("std_net_transport"))
        .arg(server.url())
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "arn:aws:iam::123456789012:user/example"
    );
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    let auth = sent[0].header("authorization").unwrap_or_default();
    assert!(auth.contains("Credential=AKIDEXAMPLE/"), "{auth}");
    assert!(sent[0].body_text().contains("Action=GetCallerIdentity"));
}

#[test]
fn sts_proto_retry_example_steps_a_call_through_a_503_without_io() {
    let dir = sts_tests::cargo::build(&["-p", "sts-proto", "--example", "retry_without_io"]);
    let out = Command::new(dir.join("examples").join("retry_without_io"))
        .env_clear()
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("attempt 1: POST https://sts.eu-west-1.amazonaws.com/"));
    assert!(lines[1].starts_with("status 503: retrying in "), "{text}");
    assert!(lines[2].starts_with("attempt 2: POST "), "{text}");
    assert_eq!(
        lines[3],
        "status 200: done, signed in as Some(\"arn:aws:iam::123456789012:user/alice\")"
    );
}
