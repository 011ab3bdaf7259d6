//! Which URL the container credentials are asked at, for every case of
//! smithy-rs's `ecs-tests.json` (see `testdata/SOURCES.md`): the relative
//! and full URIs, the hosts plain http may reach, and the errors.
//!
//! Nothing is sent: the transport records the request and answers none.

mod fixtures;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fixtures::{Failures, read_json, smithy_rs_test_data};
use serde_json::Value;
use sts_blocking::credentials::{
    ContainerProvider, CredentialsErrorKind, MapFs, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_blocking::transport::{Transport, TransportError, TransportFailure};

/// Records each request's URL, and answers none.
#[derive(Debug, Default)]
struct Capture(Mutex<Vec<String>>);

impl Transport for Capture {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        assert_eq!(request.method(), http::Method::GET);
        self.0.lock().unwrap().push(request.uri().to_string());
        Err(TransportError::new(
            TransportFailure::Connect,
            "the test transport sends nothing",
        ))
    }
}

#[test]
fn every_uri_case() {
    let suite = read_json(&smithy_rs_test_data().join("ecs-tests.json"));
    let cases = suite["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 11);
    let mut failures = Failures::new();
    for case in cases {
        let docs = case["docs"].as_str().unwrap();
        let env = MapEnv::new(
            case["env"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())),
        );
        let capture = Arc::new(Capture::default());
        let config = ProviderConfig::new()
            .with_env(env)
            .with_fs(MapFs::new())
            .with_transport(Arc::clone(&capture));
        let err = ContainerProvider::builder(&config)
            .attempts(1)
            .build()
            .provide_credentials()
            .unwrap_err();
        let sent = capture.0.lock().unwrap().clone();
        let text = err.to_string();
        let result = &case["result"];
        if let Some(want) = result.get("Ok").and_then(Value::as_str) {
            if sent != [want] {
                failures.push(docs, format!("sent {sent:?}, want {want}"));
            }
            if err.kind() != CredentialsErrorKind::Failed || !text.contains("no credentials") {
                failures.push(docs, text);
            }
            continue;
        }
        let want = result["ErrorContains"].as_str().unwrap();
        if !sent.is_empty() {
            failures.push(docs, format!("sent {sent:?} despite the error"));
        }
        // The recordings' texts are smithy-rs's: map them to this crate's.
        let (kind, words) = if want.contains("No environment variables were set") {
            (
                CredentialsErrorKind::NotConfigured,
                "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
            )
        } else {
            (CredentialsErrorKind::InvalidConfiguration, want)
        };
        if err.kind() != kind || !text.contains(words) {
            failures.push(docs, format!("{text}, want {kind} with {words:?}"));
        }
    }
    failures.assert_none();
}
