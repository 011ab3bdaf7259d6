//! Which endpoint instance metadata is asked at, for every case of
//! smithy-rs's `imds-config/imds-endpoint-tests.json` (see
//! `testdata/SOURCES.md`): the environment, the profile file and the
//! program's overrides, and the errors for bad modes and URIs.
//!
//! Nothing is sent: the transport records the first request (the token
//! request) and answers none.

mod fixtures;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fixtures::{Failures, read_json, smithy_rs_test_data};
use serde_json::Value;
use sts_blocking::credentials::{
    CredentialsErrorKind, ImdsEndpointMode, ImdsProvider, MapFs, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_blocking::transport::{Transport, TransportError, TransportFailure};

/// Records each request's method and URL, and answers none.
#[derive(Debug, Default)]
struct Capture(Mutex<Vec<(String, String)>>);

impl Transport for Capture {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        self.0
            .lock()
            .unwrap()
            .push((request.method().to_string(), request.uri().to_string()));
        Err(TransportError::new(
            TransportFailure::Connect,
            "the test transport sends nothing",
        ))
    }
}

fn mode(text: &str) -> ImdsEndpointMode {
    match text {
        "IPv4" => ImdsEndpointMode::Ipv4,
        "IPv6" => ImdsEndpointMode::Ipv6,
        other => panic!("mode {other}"),
    }
}

#[test]
fn every_endpoint_case() {
    let suite = read_json(&smithy_rs_test_data().join("imds-config/imds-endpoint-tests.json"));
    let cases = suite["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 14);
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
        let mut fs = MapFs::new();
        for (file, text) in case["fs"].as_object().unwrap() {
            fs.insert(file.as_str(), text.as_str().unwrap());
        }
        let capture = Arc::new(Capture::default());
        let config = ProviderConfig::new()
            .with_env(env)
            .with_fs(fs)
            .with_transport(Arc::clone(&capture));
        let mut builder = ImdsProvider::builder(&config);
        if let Some(url) = case.get("endpoint_override").and_then(Value::as_str) {
            builder = builder.endpoint(url);
        }
        if let Some(m) = case.get("mode_override").and_then(Value::as_str) {
            builder = builder.endpoint_mode(mode(m));
        }
        let err = builder.build().provide_credentials().unwrap_err();
        let sent = capture.0.lock().unwrap().clone();
        let result = &case["result"];
        if let Some(want) = result.get("Ok").and_then(Value::as_str) {
            // No service answered: the source is not configured here.
            if err.kind() != CredentialsErrorKind::NotConfigured {
                failures.push(docs, err);
            }
            match sent.first() {
                Some((method, url)) if method == "PUT" && url == want => {}
                other => failures.push(docs, format!("first request {other:?}, want PUT {want}")),
            }
        } else {
            let want = result["Err"].as_str().unwrap();
            if err.kind() != CredentialsErrorKind::InvalidConfiguration
                || !err.to_string().contains(want)
            {
                failures.push(docs, format!("{err}, want an error with {want:?}"));
            }
            if !sent.is_empty() {
                failures.push(docs, format!("sent {sent:?} despite the error"));
            }
        }
    }
    failures.assert_none();
}
