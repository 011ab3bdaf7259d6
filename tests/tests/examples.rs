//! The examples users copy run as their docs say: `std_net_transport`
//! against the fault server, signing with keys from the environment.

use std::process::Command;

use sts_tests::{FaultServer, Step, canned};

#[test]
fn std_net_transport_calls_the_server_with_its_own_http() {
    let server = FaultServer::start(vec![Step::xml(
        200,
        canned::caller_identity("arn:aws:iam::123456789012:user/example"),
    )]);
    let dir = sts_tests::cargo::build(&["-p", "sts-blocking", "--example", "std_net_transport"]);
    let home = std::env::temp_dir().join(format!("sts-example-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
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
    std::fs::remove_dir_all(&home).ok();
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
