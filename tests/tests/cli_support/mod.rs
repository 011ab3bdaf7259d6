//! What the `sts` command-line tests share: running the binary as a user
//! runs it (a scratch HOME, only the given environment), reading its
//! output, and the canned answers most of them send.

#![allow(dead_code)]

use std::process::{Command, Output};

use sts_tests::{FaultServer, ScratchDir, Step};

/// An empty HOME for one run of `sts`, so that no developer's ~/.aws leaks
/// in and no run sees what another left; removed when dropped.
pub(crate) fn scratch_home() -> ScratchDir {
    ScratchDir::new("cli-home")
}

/// Runs `sts` with only the given environment (and a scratch HOME of its
/// own, unless `env` sets HOME).
pub(crate) fn sts(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = scratch_home();
    let mut cmd = Command::new(sts_tests::cargo::sts_binary());
    cmd.args(args).env_clear().env("HOME", &home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// [`sts`] with its address space capped at `mib` MiB (`ulimit -v`): a
/// run that would take more fails to allocate and aborts, so a test can
/// show what a hostile input costs at most.
#[cfg(unix)]
pub(crate) fn sts_within_memory(args: &[&str], env: &[(&str, &str)], mib: u64) -> Output {
    let home = scratch_home();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", mib * 1024))
        .arg(sts_tests::cargo::sts_binary())
        .args(args)
        .env_clear()
        .env("HOME", &home);
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

pub(crate) const KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    ),
];

pub(crate) fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}; stderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// One subcommand against one canned response, in one output form.
pub(crate) fn canned_run(response: String, args: &[&str]) -> (String, FaultServer) {
    let server = FaultServer::start(vec![Step::xml(200, response)]);
    let url = server.url();
    let mut full = vec!["--endpoint-url", url.as_str(), "--region", "us-east-1"];
    full.extend_from_slice(args);
    let out = stdout(&sts(&full, &KEYS));
    (out, server)
}

pub(crate) const CREDS_JSON: &str = r#"    "Credentials": {
        "AccessKeyId": "ASIAFAULTSERVER",
        "SecretAccessKey": "fault/secret",
        "SessionToken": "fault-token",
        "Expiration": "2030-01-01T00:00:00+00:00"
    }"#;

pub(crate) const CREDS_TEXT: &str =
    "CREDENTIALS\tASIAFAULTSERVER\t2030-01-01T00:00:00+00:00\tfault/secret\tfault-token\n";

pub(crate) const ROLE_USER: &str = "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\
    <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>";

/// A successful `AssumeRole` answer: the canned credentials and [`ROLE_USER`].
pub(crate) fn assume_role_answer() -> String {
    sts_tests::canned::success(
        "AssumeRole",
        &format!("{}{ROLE_USER}", sts_tests::canned::credentials()),
    )
}

/// A folder of this test's own for the files it gives `sts`; removed when
/// dropped, so it is held for as long as they are used.
pub(crate) fn own_dir(name: &str) -> ScratchDir {
    ScratchDir::new(&format!("cli-{name}"))
}

/// The standard error of a command line the tool refused, after checking
/// it exited with the documented 252.
pub(crate) fn usage_error(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(252), "stderr: {err}");
    err
}

/// Fails unless the form body `sent` carries every one of `parts`.
pub(crate) fn assert_sent(sent: &str, parts: &[&str]) {
    for part in parts {
        assert!(sent.contains(part), "{part} not in {sent}");
    }
}
