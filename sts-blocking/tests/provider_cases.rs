//! The credential providers against smithy-rs's recorded cases
//! (`testdata/credentials/smithy-rs/aws-config/test-data/`, see
//! `testdata/SOURCES.md`): `profile-provider/` runs the profile provider,
//! `default-credential-provider-chain/` the whole default chain.
//!
//! Each case is a fake world: `env.json` is the whole environment, `fs/`
//! the whole file system (mounted at `/`), and `http-traffic.json` the
//! traffic (STS, instance metadata, container endpoints, the SSO portal),
//! answered in order by a replaying [`Transport`] that also checks each
//! request: its method and URL, and for STS its content type and `Action`;
//! for the others the query, an empty body, and the IMDS session-token,
//! `Authorization` and SSO bearer-token headers as recorded. The result is
//! compared with `test-case.json`: the keys, the session token, the expiry
//! and the account id, or an error (for SSO, with the SDKs' words).

mod fixtures;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fixtures::{Failures, read_json, recorded_world, smithy_rs_test_data};
use serde_json::Value;
use sts_blocking::ClientBuilder;
use sts_blocking::credentials::{
    CredentialsErrorKind, ProfileProvider, ProvideCredentials, ProviderConfig, default_chain,
};
use sts_blocking::timing::{Clock, Sleep};
use sts_blocking::transport::{Transport, TransportError, TransportFailure};

fn root() -> PathBuf {
    smithy_rs_test_data()
}

/// What this crate's error must say for a default-chain case that expects
/// an error, beyond being one: its kind and words of its text. The
/// recordings' own texts are smithy-rs's, which this crate does not copy.
const CHAIN_ERRORS: &[(&str, CredentialsErrorKind, &[&str])] = &[
    (
        "imds_default_chain_error",
        CredentialsErrorKind::NotConfigured,
        &[
            "not enabled",
            "instance metadata: the instance has no IAM role",
        ],
    ),
    (
        "imds_disabled",
        CredentialsErrorKind::NotConfigured,
        &[
            "not enabled",
            "instance metadata: turned off by AWS_EC2_METADATA_DISABLED",
        ],
    ),
    (
        "imds_no_iam_role",
        CredentialsErrorKind::Failed,
        &["credential_source = Ec2InstanceMetadata", "no IAM role"],
    ),
    (
        "imds_token_fail",
        CredentialsErrorKind::Failed,
        &["request forbidden: IMDS is disabled", "status 403"],
    ),
    (
        "eks_pod_identity_no_token_file",
        CredentialsErrorKind::Failed,
        &["/token.jwt", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"],
    ),
];

/// The request headers checked on requests other than STS's: when recorded,
/// they must be sent with the recorded value; the IMDS token must also not
/// be sent when the recording has none (IMDSv1 is not IMDSv2).
const CHECKED_HEADERS: &[&str] = &[
    "x-aws-ec2-metadata-token",
    "x-aws-ec2-metadata-token-ttl-seconds",
    "authorization",
    "x-amz-sso_bearer_token",
];

/// One recorded exchange.
#[derive(Debug, Clone)]
struct Exchange {
    method: String,
    uri: String,
    request_headers: Vec<(String, String)>,
    request_body: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn exchanges(traffic: &Value) -> Vec<Exchange> {
    let mut by_connection: std::collections::BTreeMap<u64, Exchange> = Default::default();
    for event in traffic["events"].as_array().unwrap() {
        let id = event["connection_id"].as_u64().unwrap();
        let x = by_connection.entry(id).or_insert_with(|| Exchange {
            method: String::new(),
            uri: String::new(),
            request_headers: Vec::new(),
            request_body: String::new(),
            status: 0,
            headers: Vec::new(),
            body: String::new(),
        });
        let action = &event["action"];
        if let Some(r) = action.get("Request") {
            x.uri = r["request"]["uri"].as_str().unwrap().to_owned();
            x.method = r["request"]["method"].as_str().unwrap().to_owned();
            for (name, values) in r["request"]["headers"].as_object().unwrap() {
                for v in values.as_array().unwrap() {
                    x.request_headers
                        .push((name.to_ascii_lowercase(), v.as_str().unwrap().to_owned()));
                }
            }
        } else if let Some(d) = action.get("Data") {
            let text = d["data"]["Utf8"].as_str().unwrap_or_default();
            match d["direction"].as_str() {
                Some("Request") => x.request_body.push_str(text),
                _ => x.body.push_str(text),
            }
        } else if let Some(r) = action.get("Response") {
            let ok = &r["response"]["Ok"];
            x.status = ok["status"].as_u64().unwrap() as u16;
            for (name, values) in ok["headers"].as_object().unwrap() {
                // Stale in some recordings; the body is what it is.
                if name == "content-length" {
                    continue;
                }
                for v in values.as_array().unwrap() {
                    x.headers
                        .push((name.clone(), v.as_str().unwrap().to_owned()));
                }
            }
        }
    }
    by_connection.into_values().collect()
}

/// Answers each request with the next recorded response, after checking
/// that the request goes where the recording's did and asks the same.
///
/// The recordings hold one try of each request. After a recorded server
/// error or throttling answer from the SSO portal or OIDC service, which
/// this crate tries up to three times as botocore does (aws-sdk-rust's
/// recording shows one), a repeat of that request to the same place gets
/// the same answer again.
#[derive(Debug)]
struct Replay {
    queue: Mutex<VecDeque<Exchange>>,
    mismatches: Mutex<Vec<String>>,
    /// The last answer, while a repeat of its request may be a retry.
    repeatable: Mutex<Option<Exchange>>,
}

impl Exchange {
    /// Whether the recorded request is an STS call (a form POST).
    fn is_sts(&self) -> bool {
        self.request_headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.starts_with("application/x-www-form-urlencoded"))
    }

    fn request_header(&self, name: &str) -> Option<&str> {
        self.request_headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An STS request asks for the recorded `Action`, as a form.
fn check_sts(request: &http::Request<Vec<u8>>, x: &Exchange, problems: &mut Vec<String>) {
    let body = String::from_utf8_lossy(request.body()).into_owned();
    if action_of(&body) != action_of(&x.request_body) {
        problems.push(format!(
            "action {:?}, recorded {:?}",
            action_of(&body),
            action_of(&x.request_body)
        ));
    }
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        problems.push(format!("content-type {content_type:?}"));
    }
}

/// The query's name-value pairs, in order of name (the recordings do not
/// agree on an order).
fn query_pairs(uri: &str) -> Vec<String> {
    let uri: http::Uri = uri.parse().unwrap();
    let mut pairs: Vec<String> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    pairs.sort();
    pairs
}

/// A request that is not STS's carries the [`CHECKED_HEADERS`] as
/// recorded, the recorded query and no body.
fn check_headers(request: &http::Request<Vec<u8>>, x: &Exchange, problems: &mut Vec<String>) {
    let have = request.uri().to_string();
    if query_pairs(&have) != query_pairs(&x.uri) {
        problems.push(format!("query of {have}, recorded {}", x.uri));
    }
    if !request.body().is_empty() {
        problems.push(format!("{} {have} with a body", request.method()));
    }
    for name in CHECKED_HEADERS {
        let sent = request
            .headers()
            .get(*name)
            .map(|v| v.to_str().unwrap_or("(not text)"));
        let recorded = x.request_header(name);
        let must_match = recorded.is_some() || *name == "x-aws-ec2-metadata-token";
        if must_match && sent != recorded {
            problems.push(format!(
                "{} {}: header {name} {sent:?}, recorded {recorded:?}",
                request.method(),
                request.uri()
            ));
        }
    }
}

fn action_of(form: &str) -> Option<&str> {
    form.split('&').find_map(|p| p.strip_prefix("Action="))
}

fn normalized_uri(uri: &str) -> String {
    let uri: http::Uri = uri.parse().unwrap();
    format!(
        "{}://{}{}",
        uri.scheme_str().unwrap_or("https"),
        uri.authority().map(|a| a.as_str()).unwrap_or_default(),
        if uri.path().is_empty() {
            "/"
        } else {
            uri.path()
        }
    )
}

impl Transport for Replay {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let next = self.queue.lock().unwrap().pop_front();
        let repeated = self.repeatable.lock().unwrap().clone().filter(|x| {
            next.is_none()
                && normalized_uri(&x.uri) == normalized_uri(&request.uri().to_string())
                && x.method == request.method().as_str()
        });
        if let Some(x) = repeated {
            let mut response = http::Response::builder().status(x.status);
            for (k, v) in &x.headers {
                response = response.header(k, v);
            }
            return Ok(response.body(x.body.into_bytes()).unwrap());
        }
        let Some(x) = next else {
            self.mismatches
                .lock()
                .unwrap()
                .push(format!("unexpected request to {}", request.uri()));
            return Err(TransportError::new(
                TransportFailure::Connect,
                "no more recorded traffic",
            ));
        };
        let mut problems = Vec::new();
        let want = normalized_uri(&x.uri);
        let have = normalized_uri(&request.uri().to_string());
        if want != have {
            problems.push(format!("request to {have}, recorded {want}"));
        }
        if request.method().as_str() != x.method {
            problems.push(format!(
                "{} {have}, recorded {}",
                request.method(),
                x.method
            ));
        }
        if x.is_sts() {
            check_sts(&request, &x, &mut problems);
        } else {
            check_headers(&request, &x, &mut problems);
        }
        self.mismatches.lock().unwrap().extend(problems);
        let retried = !x.is_sts() && (x.status == 429 || x.status >= 500);
        *self.repeatable.lock().unwrap() = retried.then(|| x.clone());
        let mut response = http::Response::builder().status(x.status);
        for (k, v) in &x.headers {
            response = response.header(k, v);
        }
        Ok(response.body(x.body.into_bytes()).unwrap())
    }
}

#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _: Duration) {}
}

/// The recordings' time (2009-02-13, before any expiration they hold; the
/// container cases' credentials expire at 2009-02-13T23:31:30Z): expired
/// credentials are refused, and these expired long ago.
#[derive(Debug)]
struct RecordingTime;

impl Clock for RecordingTime {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_234_483_200)
    }
}

/// What one case produced, for the summary.
enum Outcome {
    Passed,
    Failed(String),
}

fn run_case(dir: &Path, whole_chain: bool) -> Outcome {
    let (env, fs) = recorded_world(dir);
    let traffic = read_json(&dir.join("http-traffic.json"));
    let replay = std::sync::Arc::new(Replay {
        queue: Mutex::new(exchanges(&traffic).into()),
        mismatches: Mutex::new(Vec::new()),
        repeatable: Mutex::new(None),
    });
    let config = ProviderConfig::new()
        .with_sts_client_builder(ClientBuilder::default().sleep(NoSleep))
        .with_env(env)
        .with_fs(fs)
        .with_transport(std::sync::Arc::clone(&replay))
        .with_clock(RecordingTime);
    let result = if whole_chain {
        default_chain(&config).provide_credentials()
    } else {
        ProfileProvider::new(&config).provide_credentials()
    };

    let case = read_json(&dir.join("test-case.json"));
    let expected = &case["result"];
    let mut problems: Vec<String> = replay.mismatches.lock().unwrap().clone();
    let left = replay.queue.lock().unwrap().len();
    let id = format!(
        "{}/{}",
        dir.parent().unwrap().file_name().unwrap().to_string_lossy(),
        dir.file_name().unwrap().to_string_lossy()
    );
    match (expected.get("Ok"), result) {
        (Some(want), Ok(creds)) => {
            if left != 0 {
                problems.push(format!("{left} recorded exchanges were not used"));
            }
            let s = |k: &str| want.get(k).and_then(Value::as_str);
            if Some(creds.access_key_id()) != s("access_key_id") {
                problems.push(format!("access key id {}", creds.access_key_id()));
            }
            if Some(creds.secret_access_key().expose()) != s("secret_access_key") {
                problems.push("secret access key differs".into());
            }
            if creds.session_token().map(|t| t.expose()) != s("session_token") {
                problems.push("session token differs".into());
            }
            if creds.account_id() != s("account_id") {
                problems.push(format!(
                    "account id {:?}, want {:?}",
                    creds.account_id(),
                    s("account_id")
                ));
            }
            let expiry = creds
                .expiration()
                .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
            if expiry != want.get("expiry").and_then(Value::as_u64) {
                problems.push(format!("expiry {expiry:?}, want {}", want["expiry"]));
            }
        }
        (None, Err(e)) => {
            let text = e.to_string();
            println!("     {id}: {text}");
            // The SSO errors keep the SDKs' words (up to the I/O error's
            // own, which is the file system's).
            if id.contains("sso") {
                let want = expected["ErrorContains"].as_str().unwrap_or_default();
                let want = want.split(": No such file").next().unwrap_or(want);
                if !text.contains(want) {
                    problems.push(format!("the error does not say {want:?}: {text}"));
                }
            }
            assert!(!text.contains("TESTSECRETKEY"), "{id}: a secret in {text}");
            let name = dir.file_name().unwrap().to_string_lossy();
            if let Some((_, kind, words)) = CHAIN_ERRORS.iter().find(|(n, ..)| *n == name) {
                if e.kind() != *kind {
                    problems.push(format!("error of kind {}, want {kind}: {text}", e.kind()));
                }
                for word in *words {
                    if !text.contains(word) {
                        problems.push(format!("error without {word:?}: {text}"));
                    }
                }
                if left != 0 {
                    problems.push(format!("{left} recorded exchanges were not used"));
                }
            }
            if e.kind() == CredentialsErrorKind::NotConfigured && !whole_chain {
                // Only a provider upstream calls "not enabled" (no files at
                // all) may be reported as not configured.
                let ok = expected["ErrorContains"]
                    .as_str()
                    .is_some_and(|w| w.contains("not enabled"));
                if !ok {
                    problems.push(format!("not configured: {text}"));
                }
            }
        }
        (Some(_), Err(e)) => problems.push(format!("unexpected error: {e}")),
        (None, Ok(c)) => problems.push(format!(
            "expected an error containing {}, got credentials {}",
            expected["ErrorContains"],
            c.access_key_id()
        )),
    }
    if problems.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(problems.join("; "))
    }
}

fn run_folder(folder: &str, whole_chain: bool, expected_cases: usize) {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("test-case.json").exists())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), expected_cases, "{folder}");
    let mut failures = Failures::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        match run_case(dir, whole_chain) {
            Outcome::Passed => println!("ok   {folder}/{name}"),
            Outcome::Failed(why) => {
                println!("FAIL {folder}/{name}: {why}");
                failures.push(&format!("{folder}/{name}"), why);
            }
        }
    }
    failures.assert_none();
}

#[test]
fn profile_provider_cases() {
    run_folder("profile-provider", false, 18);
}

#[test]
fn default_chain_cases() {
    run_folder("default-credential-provider-chain", true, 29);
}
