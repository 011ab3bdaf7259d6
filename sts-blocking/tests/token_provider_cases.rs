//! The SSO token provider against smithy-rs's recorded cases
//! (`testdata/credentials/smithy-rs/aws-config/test-data/default-token-provider-chain/`,
//! see `testdata/SOURCES.md`), all of them.
//!
//! Each case is a fake world, as in `provider_cases.rs`: `env.json` is the
//! whole environment, `fs/` the whole file system (mounted at `/`), and
//! `http-traffic.json` the traffic, which here is none: the cached tokens
//! are far from expiry, so nothing is refreshed. The token and its
//! expiration are compared with `test-case.json`.

mod fixtures;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fixtures::{Failures, read_json, recorded_world, smithy_rs_test_data};
use sts_blocking::credentials::{ProviderConfig, SsoTokenProvider};
use sts_blocking::timing::Clock;
use sts_blocking::transport::{Transport, TransportError, TransportFailure};
use sts_proto::time::parse_timestamp;

fn root() -> PathBuf {
    smithy_rs_test_data().join("default-token-provider-chain")
}

/// Refuses every request, and remembers it: the recordings have none.
#[derive(Debug, Default)]
struct NoTraffic(Mutex<Vec<String>>);

impl Transport for &'static NoTraffic {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        self.0.lock().unwrap().push(request.uri().to_string());
        Err(TransportError::new(
            TransportFailure::Connect,
            "no traffic was recorded",
        ))
    }
}

/// The recordings' time (2021-08-05).
#[derive(Debug)]
struct RecordingTime;

impl Clock for RecordingTime {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_628_121_600)
    }
}

#[test]
fn default_token_provider_cases() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("test-case.json").exists())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 3, "every case runs");
    let mut failures = Failures::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (env, fs) = recorded_world(dir);
        let traffic = read_json(&dir.join("http-traffic.json"));
        assert_eq!(
            traffic["events"].as_array().map(Vec::len),
            Some(0),
            "{name}"
        );
        let requests: &'static NoTraffic = Box::leak(Box::default());
        let config = ProviderConfig::new()
            .with_env(env)
            .with_fs(fs)
            .with_transport(requests)
            .with_clock(RecordingTime);
        let want = &read_json(&dir.join("test-case.json"))["result"]["Ok"];
        match SsoTokenProvider::new(&config).token() {
            Ok(token) => {
                if Some(token.token().expose()) != want["token"].as_str() {
                    failures.push(&name, "another token");
                }
                let expiration = parse_timestamp(want["expiration"].as_str().unwrap()).unwrap();
                if token.expiration() != expiration {
                    failures.push(
                        &name,
                        format!("expiration {:?}, want {expiration:?}", token.expiration()),
                    );
                }
            }
            Err(e) => failures.push(&name, e),
        }
        let sent = requests.0.lock().unwrap();
        if !sent.is_empty() {
            failures.push(&name, format!("unrecorded requests {sent:?}"));
        }
        println!("ran  {name}");
    }
    failures.assert_none();
}
