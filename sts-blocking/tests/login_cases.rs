//! Console login sessions against smithy-rs's cases
//! (`testdata/credentials/smithy-rs/aws-config/test-data/login-provider-test-cases.json`,
//! see `testdata/SOURCES.md`), every one of them, each run twice: through
//! the profile provider (the profile `signin` has `login_session`) and
//! through a [`LoginProvider`] made from the session itself.
//!
//! The world is smithy-rs's harness's: `HOME=/home/user`, the cache files
//! in `/home/user/.aws/login/cache/`, the clock at 2025-11-19T00:00:00Z,
//! the region `us-east-2`. The sign-in service is a [`Transport`] that
//! answers the case's `mockApiCalls` in order and checks each request: the
//! URL, the JSON body against `tokenInput`, and the DPoP proof (its
//! header, its claims, and its ES256 signature, verified with the public
//! key of the cache's `dpopKey`).

mod fixtures;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fixtures::{Failures, read_json, smithy_rs_test_data};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use rustls::pki_types::PrivateSec1KeyDer;
use rustls::pki_types::pem::PemObject as _;
use serde_json::{Map, Value};
use sts_blocking::credentials::{
    CredentialsErrorKind, LoginProvider, MapFs, ProfileProvider, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_blocking::timing::{Clock, Jitter};
use sts_blocking::transport::{Transport, TransportError};
use sts_proto::time::format_timestamp;

const SESSION: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
const CACHE_DIR: &str = "/home/user/.aws/login/cache";
const NOW: u64 = 1_763_510_400;
const TOKEN_URL: &str = "https://us-east-2.signin.aws.amazon.com/v1/token";

fn cases() -> Vec<Value> {
    let cases = read_json(&smithy_rs_test_data().join("login-provider-test-cases.json"));
    cases.as_array().expect("a list of cases").clone()
}

#[derive(Debug)]
struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }
}

/// The sign-in service of one case: answers the recorded calls in order,
/// after checking the request; records what it found wrong.
#[derive(Debug)]
struct SignIn {
    calls: Mutex<VecDeque<Value>>,
    /// The public point of the cache's key, uncompressed (`04 || x || y`).
    key: Option<Vec<u8>>,
    problems: Mutex<Vec<String>>,
    jtis: Mutex<Vec<String>>,
}

impl SignIn {
    fn new(case: &Value, key: Option<Vec<u8>>) -> Self {
        let calls = case["mockApiCalls"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into();
        Self {
            calls: Mutex::new(calls),
            key,
            problems: Mutex::new(Vec::new()),
            jtis: Mutex::new(Vec::new()),
        }
    }

    fn problem(&self, what: String) {
        self.problems.lock().unwrap().push(what);
    }

    /// Checks the DPoP proof of a request to `url`.
    fn check_proof(&self, proof: &str, url: &str) {
        let parts: Vec<&str> = proof.split('.').collect();
        let [header, claims, signature] = parts[..] else {
            return self.problem(format!("the proof has {} parts, not 3", parts.len()));
        };
        let decode = |part: &str| -> Option<Map<String, Value>> {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
        };
        let (Some(h), Some(c)) = (decode(header), decode(claims)) else {
            return self.problem("the proof's header or claims are not base64url JSON".into());
        };
        let Some(key) = &self.key else {
            return self.problem("a proof, but the cache had no key".into());
        };
        let expected_jwk = serde_json::json!({
            "kty": "EC",
            "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&key[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&key[33..65]),
        });
        let expected_header = serde_json::json!({
            "typ": "dpop+jwt", "alg": "ES256", "jwk": expected_jwk,
        });
        if Value::Object(h) != expected_header {
            self.problem(format!("proof header {header}"));
        }
        let mut keys: Vec<&str> = c.keys().map(String::as_str).collect();
        keys.sort_unstable();
        if keys != ["htm", "htu", "iat", "jti"] {
            self.problem(format!("proof claims {keys:?}"));
        }
        if c["htm"] != "POST" || c["htu"] != url || c["iat"] != NOW {
            self.problem(format!("proof claims {c:?}"));
        }
        match c["jti"].as_str() {
            Some(j) if j.len() == 36 => self.jtis.lock().unwrap().push(j.to_owned()),
            other => self.problem(format!("proof jti {other:?}")),
        }
        let verified = URL_SAFE_NO_PAD.decode(signature).is_ok_and(|sig| {
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key)
                .verify(format!("{header}.{claims}").as_bytes(), &sig)
                .is_ok()
        });
        if !verified {
            self.problem("the proof's ES256 signature does not verify with the cache's key".into());
        }
    }
}

impl Transport for SignIn {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let Some(call) = self.calls.lock().unwrap().pop_front() else {
            self.problem(format!("an unexpected request to {}", request.uri()));
            return Ok(http::Response::builder()
                .status(500)
                .body(Vec::new())
                .unwrap());
        };
        if timeout.is_none() {
            self.problem("a request without a timeout".into());
        }
        let url = request.uri().to_string();
        if request.method() != http::Method::POST || url != TOKEN_URL {
            self.problem(format!("{} {url}", request.method()));
        }
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        if header("content-type") != "application/json" {
            self.problem(format!("content-type {:?}", header("content-type")));
        }
        self.check_proof(&header("dpop"), &url);
        let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        if body != call["request"]["tokenInput"] {
            self.problem(format!("body {body} for {}", call["request"]["tokenInput"]));
        }
        let (status, answer) = match (call.get("response"), call.get("responseCode")) {
            (Some(r), _) => (200, r["tokenOutput"].to_string()),
            (None, Some(code)) => (
                code.as_u64().unwrap() as u16,
                r#"{"error":"refresh_failed"}"#.to_owned(),
            ),
            _ => panic!("a call without an answer: {call}"),
        };
        Ok(http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(answer.into_bytes())
            .unwrap())
    }
}

/// The public key of the `dpopKey` in a case's cache, if any.
fn cache_key(case: &Value) -> Option<Vec<u8>> {
    let file = case["cacheContents"].as_object()?.values().next()?;
    public_point(file["dpopKey"].as_str()?)
}

/// The public point of a SEC 1 P-256 key as OpenSSL writes it: the DER
/// ends with the point's bit string, `03 42 00` and 65 bytes.
fn public_point(pem: &str) -> Option<Vec<u8>> {
    let der = PrivateSec1KeyDer::from_pem_slice(pem.as_bytes()).ok()?;
    let der = der.secret_sec1_der();
    let (head, point) = der.split_at(der.len().checked_sub(65)?);
    (head.ends_with(&[0x03, 0x42, 0x00]) && point[0] == 4).then(|| point.to_vec())
}

/// The world of `case`: its config and cache files.
fn world(case: &Value) -> MapFs {
    let mut fs = MapFs::new().with_file(
        "/home/user/.aws/config",
        case["configContents"].as_str().unwrap(),
    );
    for (name, contents) in case["cacheContents"].as_object().unwrap() {
        fs.insert(format!("{CACHE_DIR}/{name}"), contents.to_string());
    }
    fs
}

/// Everything secret in a case's cache, which no error may quote.
fn secrets(case: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for file in case["cacheContents"].as_object().unwrap().values() {
        for key in ["refreshToken", "idToken"] {
            out.extend(file[key].as_str().map(str::to_owned));
        }
        if let Some(pem) = file["dpopKey"].as_str() {
            out.extend(
                pem.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .map(str::to_owned),
            );
        }
        for key in ["secretAccessKey", "sessionToken"] {
            out.extend(file["accessToken"][key].as_str().map(str::to_owned));
        }
    }
    out
}

/// Runs `case` through the profile provider or a [`LoginProvider`] and
/// returns what was wrong.
fn run(case: &Value, through_profile: bool) -> Vec<String> {
    let name = case["documentation"].as_str().unwrap();
    let fs = world(case);
    let before = fs.clone();
    let service = std::sync::Arc::new(SignIn::new(case, cache_key(case)));
    let config = ProviderConfig::new()
        .with_env(MapEnv::new([
            ("HOME", "/home/user"),
            ("AWS_PROFILE", "signin"),
        ]))
        .with_fs(fs.clone())
        .with_clock(Fixed)
        .with_random(Jitter::with_seed(15))
        .with_region("us-east-2")
        .with_transport(std::sync::Arc::clone(&service));
    let result = if through_profile {
        ProfileProvider::new(&config).provide_credentials()
    } else {
        LoginProvider::new(&config, SESSION).provide_credentials()
    };
    let mut wrong: Vec<String> = service.problems.lock().unwrap().clone();
    let left = service.calls.lock().unwrap().len();
    if left > 0 {
        wrong.push(format!("{left} recorded calls were not made"));
    }
    for outcome in case["outcomes"].as_array().unwrap() {
        match outcome["result"].as_str().unwrap() {
            "credentials" => match &result {
                Ok(creds) => {
                    let expires = creds.expiration().map(format_timestamp);
                    let got = (
                        creds.access_key_id(),
                        creds.secret_access_key().expose(),
                        creds.session_token().map(|t| t.expose()),
                        creds.account_id(),
                        expires.as_deref(),
                    );
                    let expected = (
                        outcome["accessKeyId"].as_str().unwrap(),
                        outcome["secretAccessKey"].as_str().unwrap(),
                        outcome["sessionToken"].as_str(),
                        outcome["accountId"].as_str(),
                        outcome["expiresAt"].as_str(),
                    );
                    if got != expected {
                        wrong.push(format!("got {creds:?}, expected {outcome}"));
                    }
                }
                Err(e) => wrong.push(format!("expected credentials, got {e}")),
            },
            "error" => match &result {
                Ok(creds) => wrong.push(format!("expected an error, got {creds:?}")),
                Err(e) => {
                    let text = format!("{e} {e:?}");
                    for secret in secrets(case) {
                        if text.contains(&secret) {
                            wrong.push(format!("the error quotes a secret: {text}"));
                        }
                    }
                    let source = if through_profile {
                        "profile \"signin\" (login_session)"
                    } else {
                        "login session"
                    };
                    if e.provider != source {
                        wrong.push(format!("the error's source is {:?}", e.provider));
                    }
                    if !e.reason.contains(CACHE_DIR) {
                        wrong.push(format!("the error names no cache file: {e}"));
                    }
                    let login = if through_profile {
                        "run `aws login --profile signin`"
                    } else {
                        "run `aws login`"
                    };
                    if !e.reason.contains(login) {
                        wrong.push(format!("the error does not say to {login}: {e}"));
                    }
                    let kind = if name.contains("Missing") {
                        CredentialsErrorKind::InvalidConfiguration
                    } else {
                        CredentialsErrorKind::Failed
                    };
                    if e.kind() != kind {
                        wrong.push(format!("the error is {:?}, not {kind:?}: {e}", e.kind()));
                    }
                    // Nothing is written back after a failure.
                    for file in case["cacheContents"].as_object().unwrap().keys() {
                        let path = format!("{CACHE_DIR}/{file}");
                        if fs.get(&path) != before.get(&path) {
                            wrong.push(format!("{file} changed after a failure"));
                        }
                    }
                }
            },
            "cacheContents" => {
                for (file, expected) in outcome.as_object().unwrap() {
                    if file == "result" {
                        continue;
                    }
                    let written = fs
                        .get(format!("{CACHE_DIR}/{file}"))
                        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
                    if written.as_ref() != Some(expected) {
                        wrong.push(format!("cache {file}: wrote {written:?}"));
                    }
                }
            }
            other => wrong.push(format!("unknown outcome {other}")),
        }
    }
    wrong
}

#[test]
fn every_login_case_passes() {
    let cases = cases();
    assert_eq!(cases.len(), 8, "the fixture changed: look at the new cases");
    let mut failures = Failures::new();
    for case in &cases {
        for through_profile in [true, false] {
            let wrong = run(case, through_profile);
            if !wrong.is_empty() {
                let via = if through_profile {
                    "profile"
                } else {
                    "session"
                };
                let name = format!("{} ({via})", case["documentation"]);
                failures.push(&name, wrong.join("; "));
            }
        }
    }
    failures.assert_none();
}

/// The checking service is itself checked: a case run against a service
/// that expects another body, or with a proof from another key, fails.
#[test]
fn the_checks_can_fail() {
    let cases = cases();
    let refresh = cases
        .iter()
        .find(|c| c["mockApiCalls"].is_array() && c["outcomes"][0]["result"] == "credentials")
        .expect("a successful refresh case");
    let mut other_body = refresh.clone();
    other_body["mockApiCalls"][0]["request"]["tokenInput"]["refreshToken"] = "another".into();
    let wrong = run(&other_body, true);
    assert!(wrong.iter().any(|w| w.starts_with("body")), "{wrong:?}");

    let service = SignIn::new(refresh, cache_key(refresh));
    let other_key = public_point(
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBMB/RwQERsVoqWRQG4zK8CnaAa5dfrpbm+9tFdBh3z4oAoGCCqGSM49\nAwEHoUQDQgAEWb1VLi1EA2hJaTz4yYuxSELvY+1GAfL+8rUTCAdiFid87Bf6GY+s\n2+1RpqDv0RpZiDIMCrZrsAh+RK9S3QCaGA==\n-----END EC PRIVATE KEY-----\n",
    );
    assert!(other_key.is_some());
    let forged = SignIn {
        key: other_key,
        ..service
    };
    let header = URL_SAFE_NO_PAD.encode(r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{}}"#);
    let claims = URL_SAFE_NO_PAD.encode(r#"{"htm":"POST","htu":"x","iat":1,"jti":"j"}"#);
    forged.check_proof(&format!("{header}.{claims}.AAAA"), TOKEN_URL);
    let problems = forged.problems.lock().unwrap().clone();
    for expected in [
        "proof header",
        "proof claims",
        "proof jti",
        "does not verify",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected}: {problems:?}"
        );
    }
}
