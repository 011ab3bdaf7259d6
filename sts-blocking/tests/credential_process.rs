//! `credential_process` helpers that misbehave: they outlive their
//! timeout through a background subshell, print expired credentials, carry
//! secrets on their command line, or are given a timeout too large to add
//! to a clock.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use sts_blocking::credentials::{
    CachingProvider, CredentialProcessProvider, CredentialsError, CredentialsErrorKind,
    ProvideCredentials,
};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sts-credproc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Waits past the moment a background `sleep 2; touch` would have fired
/// and says whether the marker file appeared.
fn appears_within(marker: &Path, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    while Instant::now() < until {
        if marker.exists() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    marker.exists()
}

#[test]
fn a_timeout_ends_the_whole_process_group() {
    let dir = scratch("group");
    let marker = dir.join("M");
    let started = Instant::now();
    let err =
        CredentialProcessProvider::new(format!("(sleep 2; touch {}); true", marker.display()))
            .with_timeout(Duration::from_millis(300))
            .provide_credentials()
            .unwrap_err();
    let took = started.elapsed();
    eprintln!("timed out after {took:?}: {err}");
    assert_eq!(err.kind(), CredentialsErrorKind::TimedOut, "{err}");
    assert!(err.to_string().contains("did not finish"), "{err}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(
        !appears_within(&marker, Duration::from_secs(3)),
        "the background subshell outlived the timeout"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn too_much_output_ends_the_whole_process_group() {
    let dir = scratch("overflow");
    let marker = dir.join("M");
    let err = CredentialProcessProvider::new(format!(
        "(sleep 2; touch {}) & head -c 100000 /dev/zero; wait",
        marker.display()
    ))
    .with_max_output_bytes(1000)
    .provide_credentials()
    .unwrap_err();
    assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
    assert!(!appears_within(&marker, Duration::from_secs(3)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_exit_ends_what_the_command_left_in_the_background() {
    let dir = scratch("exit");
    let marker = dir.join("M");
    let err = CredentialProcessProvider::new(format!(
        "(sleep 2; touch {}) >/dev/null 2>&1 & exit 3",
        marker.display()
    ))
    .provide_credentials()
    .unwrap_err();
    assert!(err.to_string().contains("code 3"), "{err}");
    assert!(!appears_within(&marker, Duration::from_secs(3)));
    std::fs::remove_dir_all(&dir).unwrap();
}

const EXPIRED: &str = r#"printf '{"Version": 1, "AccessKeyId": "AKIDOLD", "SecretAccessKey": "old-secret-key", "SessionToken": "old-session-token", "Expiration": "2001-02-03T04:05:06Z"}'"#;

fn assert_expired(err: &CredentialsError) {
    assert_eq!(err.kind(), CredentialsErrorKind::Expired, "{err}");
    let text = format!("{err} / {err:?}");
    assert!(text.contains("2001-02-03T04:05:06Z"), "{text}");
    for secret in ["old-secret-key", "old-session-token"] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn an_expiration_in_the_past_is_refused() {
    let err = CredentialProcessProvider::new(EXPIRED)
        .provide_credentials()
        .unwrap_err();
    assert_expired(&err);

    // Cached, it is an error every time, not credentials fetched anew on
    // every call and used anyway.
    let cache = CachingProvider::new(CredentialProcessProvider::new(EXPIRED));
    for _ in 0..2 {
        assert_expired(&cache.provide_credentials().unwrap_err());
    }
}

#[test]
fn secrets_on_the_command_line_stay_out_of_errors() {
    for command in [
        "API_TOKEN=s3cr3t sh -c 'exit 3'",
        "API_TOKEN=\"s3cr3t with spaces\" sh -c 'exit 3'",
        "API_TOKEN=s3cr3t\\ escaped sh -c 'exit 3'",
        "API_TOKEN=$(echo s3cr3t) sh -c 'exit 3'",
        "API_TOKEN=s3cr3t /nonexistent/helper",
        "API_TOKEN=s3cr3t printf 'not json'",
        "/nonexistent/helper --token s3cr3t",
        "sh -c 'exit 3' --password=s3cr3t",
    ] {
        let err = CredentialProcessProvider::new(command)
            .provide_credentials()
            .unwrap_err();
        let text = format!("{err} / {err:?}");
        for part in ["s3cr3t", "escaped", "with spaces"] {
            assert!(!text.contains(part), "{command}: {text}");
        }
    }
    // What is safe to name still is.
    let err = CredentialProcessProvider::new("API_TOKEN=s3cr3t sh -c 'exit 3'")
        .provide_credentials()
        .unwrap_err();
    assert!(err.to_string().contains("`sh` exited with code 3"), "{err}");
}

#[test]
fn a_huge_timeout_means_no_timeout() {
    let creds = CredentialProcessProvider::new(
        r#"printf '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "S"}'"#,
    )
    .with_timeout(Duration::MAX)
    .provide_credentials()
    .unwrap();
    assert_eq!(creds.access_key_id(), "AKID");

    let err = CredentialProcessProvider::new("sh -c 'exit 4'")
        .with_timeout(Duration::MAX)
        .provide_credentials()
        .unwrap_err();
    assert!(err.to_string().contains("code 4"), "{err}");
}
