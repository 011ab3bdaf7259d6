//! Files the providers read that are not plain files: a FIFO as the web
//! identity token file or a profile file must fail at once instead of
//! blocking for ever, devices are refused, `/dev/null` still reads as
//! empty, and oversized files are refused.
#![cfg(unix)]

mod scratch;

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use scratch::ScratchDir;
use sts_blocking::credentials::{
    CredentialsError, CredentialsErrorKind, ProfileProvider, ProvideCredentials, ProviderConfig,
    SharedCredentials, WebIdentityProvider,
};
use sts_blocking::env::MapEnv;

/// Longest a refused read may take; a blocked one would take for ever.
const DEADLINE: Duration = Duration::from_secs(5);

const ROLE: &str = "arn:aws:iam::123456789012:role/r";

/// A fresh scratch folder for one test, removed when dropped.
fn scratch(name: &str) -> ScratchDir {
    ScratchDir::new(&format!("special-{name}"))
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Runs `provider` on a thread and waits for it at most [`DEADLINE`]; on
/// today's code a FIFO leaves that thread blocked in `open`.
fn within_deadline(
    provider: impl ProvideCredentials + 'static,
) -> (Result<SharedCredentials, CredentialsError>, Duration) {
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    thread::spawn(move || {
        let _ = tx.send(provider.provide_credentials());
    });
    let result = rx
        .recv_timeout(DEADLINE)
        .expect("the provider blocked on a special file");
    (result, started.elapsed())
}

fn env(vars: &[(&str, &str)]) -> ProviderConfig {
    ProviderConfig::new().with_env(MapEnv::new(
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
    ))
}

#[test]
fn a_fifo_token_file_fails_at_once() {
    let dir = scratch("token-fifo");
    let fifo = dir.join("token");
    mkfifo(&fifo);
    let config = env(&[]);
    let (result, took) = within_deadline(WebIdentityProvider::new(&config, ROLE, &fifo));
    let err = result.unwrap_err();
    eprintln!("refused after {took:?}: {err}");
    assert_eq!(err.kind(), CredentialsErrorKind::Failed, "{err}");
    assert!(err.to_string().contains("FIFO"), "{err}");

    // Through the environment (EKS) too.
    let config = env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", fifo.to_str().unwrap()),
        ("AWS_ROLE_ARN", ROLE),
    ]);
    let (result, _) = within_deadline(WebIdentityProvider::from_env(&config));
    assert!(result.unwrap_err().to_string().contains("FIFO"));
}

#[test]
fn a_fifo_profile_file_fails_at_once() {
    let dir = scratch("profile-fifo");
    let fifo = dir.join("config");
    mkfifo(&fifo);
    let config = env(&[
        ("AWS_CONFIG_FILE", fifo.to_str().unwrap()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("missing").to_str().unwrap(),
        ),
    ]);
    let (result, took) = within_deadline(ProfileProvider::new(&config));
    let err = result.unwrap_err();
    eprintln!("refused after {took:?}: {err}");
    assert!(err.to_string().contains("FIFO"), "{err}");
}

#[test]
fn devices_and_directories_are_refused() {
    let dir = scratch("devices");
    for (path, what) in [
        (Path::new("/dev/zero"), "character device"),
        (dir.path(), "directory"),
    ] {
        let config = env(&[]);
        let (result, _) = within_deadline(WebIdentityProvider::new(&config, ROLE, path));
        let err = result.unwrap_err();
        assert!(err.to_string().contains(what), "{err}");
    }
}

/// A profile file that is a directory (or that the process may not read,
/// which root cannot be shown) is passed over, as the AWS SDKs pass it
/// over: the client is still made, and signs with the environment's keys.
#[test]
fn a_directory_as_the_config_file_is_passed_over() {
    let dir = scratch("config-dir");
    let config = env(&[
        ("AWS_CONFIG_FILE", dir.to_str().unwrap()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("missing").to_str().unwrap(),
        ),
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
        ("AWS_REGION", "eu-west-1"),
    ]);
    let client = sts_blocking::Client::builder()
        .from_config(&config)
        .expect("a client in spite of the directory")
        .build()
        .unwrap();
    assert_eq!(client.credentials().unwrap().access_key_id(), "AKIDENV");
    // The profile provider alone finds nothing, and says why.
    let (result, _) = within_deadline(ProfileProvider::new(&config));
    let err = result.unwrap_err();
    assert!(err.is_not_configured(), "{err}");
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn dev_null_reads_as_an_empty_file() {
    let dir = scratch("dev-null");
    std::fs::write(
        dir.join("credentials"),
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n",
    )
    .unwrap();
    let config = env(&[
        ("AWS_CONFIG_FILE", "/dev/null"),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("credentials").to_str().unwrap(),
        ),
    ]);
    let (result, _) = within_deadline(ProfileProvider::new(&config));
    assert_eq!(result.unwrap().access_key_id(), "AKIDFILE");

    let config = env(&[
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ]);
    let (result, _) = within_deadline(ProfileProvider::new(&config));
    let err = result.unwrap_err();
    assert!(err.is_not_configured(), "{err}");

    // A token file that is /dev/null is read, and is empty.
    let (result, _) = within_deadline(WebIdentityProvider::new(&env(&[]), ROLE, "/dev/null"));
    assert!(result.unwrap_err().to_string().contains("empty"));
}

#[test]
fn an_oversized_token_file_is_refused() {
    let dir = scratch("big-token");
    let token = dir.join("token");
    std::fs::write(&token, vec![b'a'; 64 * 1024 + 1]).unwrap();
    let (result, _) = within_deadline(WebIdentityProvider::new(&env(&[]), ROLE, &token));
    let err = result.unwrap_err();
    assert!(err.to_string().contains("larger than 65536 bytes"), "{err}");
}
