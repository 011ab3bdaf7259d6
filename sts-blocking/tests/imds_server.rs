//! `ImdsProvider` end to end, through the default transport, against an
//! instance metadata stand-in on 127.0.0.1 that checks session tokens as
//! the service does: tokens asked for with a lifetime, refused once
//! revoked, required on every GET unless the stand-in plays an IMDSv1-only
//! service.

mod loopback;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant, SystemTime};

use loopback::{Request, Response, Server, Silent};
use sts_blocking::ClientBuilder;
use sts_blocking::credentials::{
    CredentialsErrorKind, ImdsProvider, MapFs, ProvideCredentials, ProviderConfig, default_chain,
};
use sts_blocking::env::MapEnv;
use sts_blocking::proxy::ProxyConfig;
use sts_blocking::timing::{Clock, Sleep};
use sts_proto::time::format_timestamp;

const TOKEN_PATH: &str = "/latest/api/token";
const LIST_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const ROLE: &str = "stand-in-role";

/// The stand-in's state, shared with the test.
struct Imds {
    /// Tokens handed out and still accepted.
    tokens: Vec<String>,
    issued: usize,
    /// An IMDSv1-only service: no token API (404), GETs without tokens.
    v1_only: bool,
    /// The token API refuses (403), as when IMDS is turned off.
    token_forbidden: bool,
    /// The token request gets no answer, as in a container on an instance
    /// whose metadata hop limit is 1 (the answer's packets die on the way).
    token_unanswered: bool,
    /// The token request is answered with this status (a 5xx, a 401).
    token_status: Option<u16>,
    role: Option<&'static str>,
    /// Answers for the credentials path before `document`.
    script: VecDeque<Response>,
    document: String,
}

impl Imds {
    fn new(document: String) -> Arc<Mutex<Self>> {
        Arc::new(Mutex::new(Self {
            tokens: Vec::new(),
            issued: 0,
            v1_only: false,
            token_forbidden: false,
            token_unanswered: false,
            token_status: None,
            role: Some(ROLE),
            script: VecDeque::new(),
            document,
        }))
    }

    fn answer(&mut self, request: &Request) -> Response {
        if request.path == TOKEN_PATH {
            if request.method != "PUT" {
                return Response::new(405, "");
            }
            if self.token_unanswered {
                return Response::none();
            }
            if let Some(status) = self.token_status {
                return Response::new(status, "");
            }
            if self.v1_only {
                return Response::new(404, "");
            }
            if self.token_forbidden {
                return Response::new(403, "");
            }
            let Some(ttl) = request
                .header("x-aws-ec2-metadata-token-ttl-seconds")
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|t| (1..=21_600).contains(t))
            else {
                return Response::new(400, "missing or invalid TTL");
            };
            self.issued += 1;
            let token = format!("token-{}", self.issued);
            self.tokens.push(token.clone());
            return Response::new(200, token)
                .header("x-aws-ec2-metadata-token-ttl-seconds", &ttl.to_string());
        }
        if request.method != "GET" {
            return Response::new(405, "");
        }
        if !self.v1_only {
            match request.header("x-aws-ec2-metadata-token") {
                Some(t) if self.tokens.iter().any(|k| k == t) => {}
                _ => return Response::new(401, ""),
            }
        }
        let Some(role) = self.role else {
            return Response::new(404, "<html>Not Found</html>");
        };
        if request.path == LIST_PATH {
            return Response::new(200, role);
        }
        if request.path == format!("{LIST_PATH}{role}") {
            return self
                .script
                .pop_front()
                .unwrap_or_else(|| Response::new(200, self.document.clone()));
        }
        Response::new(404, "")
    }
}

fn serve(state: &Arc<Mutex<Imds>>) -> Server {
    let state = Arc::clone(state);
    Server::start(move |r| state.lock().unwrap().answer(r))
}

/// A credentials document for `key_id`, expiring at `at`.
fn document(key_id: &str, at: SystemTime) -> String {
    format!(
        r#"{{"Code":"Success","LastUpdated":"2021-09-20T21:42:26Z","Type":"AWS-HMAC",
"AccessKeyId":"{key_id}","SecretAccessKey":"SECRET-{key_id}","Token":"SESSION-{key_id}",
"Expiration":"{}"}}"#,
        format_timestamp(at)
    )
}

/// A clock the test moves.
#[derive(Debug, Clone)]
struct TestClock(Arc<Mutex<SystemTime>>);

impl TestClock {
    /// Now, in whole seconds (as the documents write times).
    fn new() -> Self {
        let secs = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        Self(Arc::new(Mutex::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
        )))
    }

    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }

    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        TestClock::now(self)
    }
}

#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _: Duration) {}
}

/// The default transport (without proxies, whatever this process's
/// environment says), `env` as the whole environment, no files unless
/// `files` has some.
fn config(env: &[(&str, &str)], files: &[(&str, &str)], clock: &TestClock) -> ProviderConfig {
    let mut fs = MapFs::new();
    for (path, text) in files {
        fs.insert(*path, *text);
    }
    ProviderConfig::from_client_builder(&ClientBuilder::default().proxy(ProxyConfig::new()))
        .with_env(MapEnv::new(env.iter().copied()))
        .with_fs(fs)
        .with_clock(clock.clone())
        .with_sleep(NoSleep)
}

/// `(method, path, token header)` of each request.
fn traffic(server: &Server) -> Vec<(String, String, Option<String>)> {
    server
        .requests()
        .into_iter()
        .map(|r| {
            let token = r.header("x-aws-ec2-metadata-token").map(str::to_owned);
            (r.method, r.path, token)
        })
        .collect()
}

fn get(path: &str, token: Option<&str>) -> (String, String, Option<String>) {
    ("GET".into(), path.into(), token.map(str::to_owned))
}

fn put() -> (String, String, Option<String>) {
    ("PUT".into(), TOKEN_PATH.into(), None)
}

fn role_path() -> String {
    format!("{LIST_PATH}{ROLE}")
}

/// Log records, for the static-stability warnings.
static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            LOGS.lock()
                .unwrap()
                .push(format!("{} {}", record.level(), record.args()));
        }
    }

    fn flush(&self) {}
}

fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&Capture).unwrap();
        log::set_max_level(log::LevelFilter::Warn);
    });
}

#[test]
fn tokens_are_checked_kept_and_replaced() {
    let clock = TestClock::new();
    let state = Imds::new(document(
        "AKIDTOKENS",
        clock.now() + Duration::from_secs(6 * 3600),
    ));
    let server = serve(&state);
    let config = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url())],
        &[],
        &clock,
    );
    // A 60 s token is replaced 30 s (half its lifetime) before it expires.
    let imds = ImdsProvider::builder(&config)
        .token_ttl(Duration::from_secs(60))
        .build();
    let role = role_path();

    let creds = imds.provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "AKIDTOKENS");
    assert_eq!(creds.secret_access_key().expose(), "SECRET-AKIDTOKENS");
    assert_eq!(
        creds.session_token().unwrap().expose(),
        "SESSION-AKIDTOKENS"
    );
    assert_eq!(
        server.requests()[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("60")
    );

    clock.advance(Duration::from_secs(20));
    imds.provide_credentials().unwrap();
    clock.advance(Duration::from_secs(20));
    imds.provide_credentials().unwrap();
    // The stand-in forgets its tokens: the next GET gets 401, and the
    // provider asks for a new token once.
    state.lock().unwrap().tokens.clear();
    imds.provide_credentials().unwrap();

    let t1 = Some("token-1");
    let t2 = Some("token-2");
    let t3 = Some("token-3");
    assert_eq!(
        traffic(&server),
        [
            put(),
            get(LIST_PATH, t1),
            get(&role, t1),
            // 20 s later: the token is kept.
            get(LIST_PATH, t1),
            get(&role, t1),
            // 40 s: past the replacement time.
            put(),
            get(LIST_PATH, t2),
            get(&role, t2),
            // Revoked.
            get(LIST_PATH, t2),
            put(),
            get(LIST_PATH, t3),
            get(&role, t3),
        ]
    );
}

#[test]
fn imdsv1_is_used_only_when_allowed() {
    let clock = TestClock::new();
    let state = Imds::new(document("AKIDV1", clock.now() + Duration::from_secs(3600)));
    state.lock().unwrap().v1_only = true;
    let server = serve(&state);
    let endpoint = server.url();

    let allowed = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint)],
        &[],
        &clock,
    );
    let creds = ImdsProvider::new(&allowed).provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "AKIDV1");
    assert_eq!(
        traffic(&server),
        [put(), get(LIST_PATH, None), get(&role_path(), None)]
    );

    let by_env = config(
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint),
            ("AWS_EC2_METADATA_V1_DISABLED", "true"),
        ],
        &[],
        &clock,
    );
    let by_profile = config(
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint),
            ("HOME", "/home"),
        ],
        &[(
            "/home/.aws/config",
            "[default]\nec2_metadata_v1_disabled = true\n",
        )],
        &clock,
    );
    let by_builder = ImdsProvider::builder(&allowed).v1_fallback(false).build();
    for imds in [
        ImdsProvider::new(&by_env),
        ImdsProvider::new(&by_profile),
        by_builder,
    ] {
        let before = server.requests().len();
        let err = imds.provide_credentials().unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Failed, "{err}");
        assert!(
            err.reason.contains("IMDSv1 fallback is turned off")
                && err.reason.contains("status 404"),
            "{err}"
        );
        // Only the token request: nothing was asked without a token.
        let after = traffic(&server);
        assert_eq!(after[before..], [put()]);
    }
}

/// A token request that gets no answer used to end the fetch (the service
/// taken as unreachable), where botocore, and so the AWS CLI, tries IMDSv1:
/// a container on an instance whose metadata hop limit is 1 never gets the
/// answer to its `PUT`, and found no instance credentials. IMDSv1 is tried
/// now, unless turned off; where the instance requires IMDSv2, its 401
/// comes with the likely cause and the fix.
#[test]
fn a_token_request_without_an_answer_falls_back_to_imdsv1() {
    let clock = TestClock::new();
    let state = Imds::new(document("AKIDHOP", clock.now() + Duration::from_secs(3600)));
    {
        let mut imds = state.lock().unwrap();
        imds.token_unanswered = true;
        // IMDSv1 still allowed by the instance.
        imds.v1_only = true;
    }
    let server = serve(&state);
    let endpoint = server.url();
    let allowed = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint)],
        &[],
        &clock,
    );
    let started = Instant::now();
    let creds = ImdsProvider::new(&allowed).provide_credentials().unwrap();
    let took = started.elapsed();
    assert_eq!(creds.access_key_id(), "AKIDHOP");
    assert_eq!(
        traffic(&server),
        [put(), get(LIST_PATH, None), get(&role_path(), None)]
    );
    // One attempt's limit (1 s) for the token, then the answers.
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");

    // An instance that requires IMDSv2: its 401 says why, and what to do.
    state.lock().unwrap().v1_only = false;
    let err = ImdsProvider::new(&allowed)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Failed, "{err}");
    assert!(
        err.reason.contains("401")
            && err.reason.contains("hop limit")
            && err.reason.contains("--http-put-response-hop-limit 2"),
        "{err}"
    );

    // The fallback turned off: no GET without a token, the service taken
    // as unreachable, as before.
    let before = server.requests().len();
    let off = ImdsProvider::builder(&allowed).v1_fallback(false).build();
    let err = off.provide_credentials().unwrap_err();
    assert!(err.is_not_configured(), "{err}");
    assert!(
        err.reason.contains("no instance metadata service answered"),
        "{err}"
    );
    assert_eq!(traffic(&server)[before..], [put()]);
}

/// A token request answered with a server error (after its attempts) or a
/// 401 failed the fetch, where botocore, and so the AWS CLI, tries IMDSv1
/// (found by a review). IMDSv1 is tried now, unless turned off; a 400 is
/// still an error.
#[test]
fn a_token_request_answered_with_an_error_falls_back_to_imdsv1() {
    let clock = TestClock::new();
    let state = Imds::new(document("AKIDV1", clock.now() + Duration::from_secs(3600)));
    let server = serve(&state);
    let endpoint = server.url();
    let allowed = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint)],
        &[],
        &clock,
    );
    for (status, puts) in [(500, 4), (503, 4), (401, 1)] {
        {
            let mut imds = state.lock().unwrap();
            imds.token_status = Some(status);
            imds.v1_only = false;
        }
        let before = server.requests().len();
        // An instance that requires IMDSv2: the 401 names the token's status.
        let err = ImdsProvider::new(&allowed)
            .provide_credentials()
            .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Failed, "{err}");
        assert!(
            err.reason.contains("401")
                && err
                    .reason
                    .contains(&format!("answered with status {status}")),
            "{err}"
        );
        // A server error stays one to try again later (found by a review).
        assert_eq!(err.is_retryable(), status >= 500, "{status}: {err}");
        let mut want = vec![put(); puts];
        want.push(get(LIST_PATH, None));
        assert_eq!(traffic(&server)[before..], want, "{status}");

        // IMDSv1 allowed by the instance: its credentials.
        state.lock().unwrap().v1_only = true;
        let before = server.requests().len();
        let creds = ImdsProvider::new(&allowed).provide_credentials().unwrap();
        assert_eq!(creds.access_key_id(), "AKIDV1");
        want.push(get(&role_path(), None));
        assert_eq!(traffic(&server)[before..], want, "{status}");

        // The fallback turned off: the token's status is the error.
        let before = server.requests().len();
        let off = ImdsProvider::builder(&allowed).v1_fallback(false).build();
        let err = off.provide_credentials().unwrap_err();
        assert!(
            err.reason
                .contains(&format!("PUT /latest/api/token with status {status}")),
            "{err}"
        );
        assert_eq!(traffic(&server)[before..], vec![put(); puts], "{status}");
    }
    // A 400 is a bad request: no IMDSv1.
    state.lock().unwrap().token_status = Some(400);
    let before = server.requests().len();
    let err = ImdsProvider::new(&allowed)
        .provide_credentials()
        .unwrap_err();
    assert!(err.reason.contains("status 400"), "{err}");
    assert_eq!(traffic(&server)[before..], [put()]);
}

#[test]
fn static_stability_serves_the_last_credentials() {
    capture_logs();
    let clock = TestClock::new();
    let expires = clock.now() + Duration::from_secs(3600);
    let state = Imds::new(document("AKIDSTABLE", expires));
    let server = serve(&state);
    let endpoint = server.url();
    let config = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint)],
        &[],
        &clock,
    );
    let imds = ImdsProvider::new(&config);
    assert_eq!(
        imds.provide_credentials().unwrap().expiration(),
        Some(expires)
    );

    let check = |what: &str, key: &str| {
        let now = clock.now();
        let creds = imds
            .provide_credentials()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(creds.access_key_id(), key, "{what}");
        assert_eq!(
            creds.secret_access_key().expose(),
            format!("SECRET-{key}"),
            "{what}"
        );
        let until = creds.expiration().unwrap();
        assert!(
            until >= now + Duration::from_secs(15 * 60)
                && until <= now + Duration::from_secs(20 * 60),
            "{what}: extended to {}",
            format_timestamp(until)
        );
    };

    // The service errs (every attempt), after the credentials expired.
    clock.advance(Duration::from_secs(2 * 3600));
    state
        .lock()
        .unwrap()
        .script
        .extend((0..4).map(|_| Response::new(500, "")));
    check("server errors", "AKIDSTABLE");
    // It serves credentials that have already expired: those, as the
    // SDKs take them.
    state.lock().unwrap().document =
        document("AKIDNEWBUTOLD", clock.now() - Duration::from_secs(1));
    check("expired credentials", "AKIDNEWBUTOLD");
    // It is gone.
    drop(server);
    clock.advance(Duration::from_secs(3600));
    check("unreachable", "AKIDNEWBUTOLD");

    let logs = LOGS.lock().unwrap().clone();
    let ours: Vec<&String> = logs
        .iter()
        .filter(|l| l.contains(&endpoint) || l.contains("serving the credentials fetched before"))
        .collect();
    assert!(
        ours.iter().any(|l| l.starts_with("WARN")
            && l.contains("no instance metadata service answered")
            && l.contains("serving the credentials fetched before")),
        "{logs:?}"
    );
    for line in &logs {
        assert!(
            !line.contains("SECRET-") && !line.contains("SESSION-") && !line.contains("token-"),
            "{line}"
        );
    }

    // A provider that never had credentials: not configured here.
    let fresh = ImdsProvider::new(&config)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(fresh.kind(), CredentialsErrorKind::NotConfigured, "{fresh}");
    assert!(
        fresh.reason.contains(&format!(
            "no instance metadata service answered at {endpoint}"
        )),
        "{fresh}"
    );
}

/// During an outage of its own the service hands out the credentials it
/// last had, expired. botocore and aws-sdk-rust use them, taken as valid
/// for 15 to 20 minutes, so that a program started during the outage
/// (with nothing fetched before) still gets credentials.
#[test]
fn expired_credentials_on_a_first_fetch_are_used_a_while_longer() {
    capture_logs();
    let clock = TestClock::new();
    let expired = clock.now() - Duration::from_secs(600);
    let state = Imds::new(document("AKIDFIRSTEXPIRED", expired));
    let server = serve(&state);
    let endpoint = server.url();
    let config = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint)],
        &[],
        &clock,
    );
    let now = clock.now();
    let creds = ImdsProvider::new(&config)
        .provide_credentials()
        .expect("expired credentials from the service are used");
    assert_eq!(creds.access_key_id(), "AKIDFIRSTEXPIRED");
    assert_eq!(
        creds.session_token().map(|t| t.expose()),
        Some("SESSION-AKIDFIRSTEXPIRED")
    );
    let until = creds.expiration().unwrap();
    assert!(
        until >= now + Duration::from_secs(15 * 60) && until <= now + Duration::from_secs(20 * 60),
        "extended to {}",
        format_timestamp(until)
    );

    let logs = LOGS.lock().unwrap().clone();
    let expected = format!("expired at {}", format_timestamp(expired));
    assert!(
        logs.iter().any(|l| l.starts_with("WARN")
            && l.contains(&endpoint)
            && l.contains(&expected)
            && l.contains("using them, now taken as valid until")),
        "{logs:?}"
    );
    for line in &logs {
        assert!(
            !line.contains("SECRET-") && !line.contains("SESSION-"),
            "{line}"
        );
    }
}

#[test]
fn a_server_error_then_success() {
    let clock = TestClock::new();
    let state = Imds::new(document(
        "AKIDRETRY",
        clock.now() + Duration::from_secs(3600),
    ));
    state
        .lock()
        .unwrap()
        .script
        .push_back(Response::new(500, ""));
    let server = serve(&state);
    let config = config(
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url()),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"),
        ],
        &[],
        &clock,
    );
    let creds = ImdsProvider::new(&config).provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "AKIDRETRY");
    let t = Some("token-1");
    assert_eq!(
        traffic(&server),
        [
            put(),
            get(LIST_PATH, t),
            get(&role_path(), t),
            get(&role_path(), t)
        ]
    );
}

#[test]
fn bad_answers_are_clear_errors() {
    let clock = TestClock::new();
    let later = clock.now() + Duration::from_secs(3600);
    let good = document("AKIDBAD", later);
    let cases: Vec<(&str, Response, CredentialsErrorKind, &str)> = vec![
        (
            "not JSON",
            Response::new(200, "SECRET-AKIDBAD is not JSON"),
            CredentialsErrorKind::Failed,
            "is not a JSON object (syntax error",
        ),
        (
            "missing field",
            Response::new(200, good.replace("\"Token\"", "\"Other\"")),
            CredentialsErrorKind::Failed,
            "the credentials document has no Token",
        ),
        (
            "unparsable expiration",
            Response::new(
                200,
                good.replace(&format_timestamp(later), "SECRET-soon-enough"),
            ),
            CredentialsErrorKind::Failed,
            "Expiration in the credentials document is not an ISO 8601 time",
        ),
        (
            "oversized",
            Response::new(
                200,
                good.replace(
                    "\"Code\"",
                    &format!("\"Pad\":\"{}\",\"Code\"", "x".repeat(100_000)),
                ),
            ),
            CredentialsErrorKind::Failed,
            "more than the 65536 bytes allowed",
        ),
        (
            "not Success",
            Response::new(
                200,
                good.replace("\"Success\"", "\"AssumeRoleUnauthorizedAccess\""),
            ),
            CredentialsErrorKind::Failed,
            "Code \"AssumeRoleUnauthorizedAccess\"",
        ),
        (
            "client error",
            Response::new(400, ""),
            CredentialsErrorKind::Failed,
            "answered with status 400",
        ),
    ];
    for (what, response, kind, words) in cases {
        let state = Imds::new(good.clone());
        state.lock().unwrap().script.push_back(response);
        let server = serve(&state);
        let config = config(
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url())],
            &[],
            &clock,
        );
        let err = ImdsProvider::new(&config)
            .provide_credentials()
            .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.kind(), kind, "{what}: {text}");
        assert!(text.contains(words), "{what}: {text}");
        assert!(text.contains("instance metadata"), "{what}: {text}");
        assert!(
            !text.contains("SECRET-") && !text.contains("SESSION-") && !text.contains("token-"),
            "{what}: {text}"
        );
    }
}

#[test]
fn no_role_and_a_forbidden_token_api() {
    let clock = TestClock::new();
    let state = Imds::new(String::new());
    state.lock().unwrap().role = None;
    let server = serve(&state);
    let config = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url())],
        &[],
        &clock,
    );
    let err = ImdsProvider::new(&config)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::NotConfigured, "{err}");
    assert!(err.reason.contains("the instance has no IAM role"), "{err}");

    state.lock().unwrap().token_forbidden = true;
    let before = server.requests().len();
    let err = ImdsProvider::new(&config)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Failed, "{err}");
    assert!(
        err.reason.contains("status 403") && err.reason.contains("NO_PROXY"),
        "{err}"
    );
    assert_eq!(traffic(&server)[before..], [put()]);
}

/// An endpoint may carry user information (a proxy's, say): it is not
/// sent (it went out as a `Basic` authorization header, which botocore
/// does not send; found by a review), and errors that name a URL on it
/// leave it out.
#[test]
fn errors_do_not_quote_the_endpoints_user_information() {
    let clock = TestClock::new();
    let state = Imds::new(String::new());
    state.lock().unwrap().role = None;
    let server = serve(&state);
    let url = server
        .url()
        .replacen("://", "://imds-user:IMDS-PASSWORD@", 1);
    let config = config(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)], &[], &clock);
    let err = ImdsProvider::new(&config)
        .provide_credentials()
        .unwrap_err();
    assert!(err.reason.contains("the instance has no IAM role"), "{err}");
    assert!(err.reason.contains("http://127.0.0.1:"), "{err}");
    assert!(!err.to_string().contains("IMDS-PASSWORD"), "{err}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    for r in &requests {
        assert_eq!(r.header("authorization"), None, "{r:?}");
    }

    // Nor does `Debug` (found by a review): of the provider given the URL,
    // of a client builder given one as its endpoint (which building
    // refuses), of the settings and of the endpoint configuration.
    let provider = ImdsProvider::builder(&config).endpoint(url.clone()).build();
    let builder = sts_blocking::Client::builder().endpoint_url(url.clone());
    let mut settings = sts_blocking::settings::Overrides::default();
    settings.endpoint_url = Some(url.clone());
    let endpoint = sts_proto::endpoint::EndpointConfig::new().with_endpoint(url.clone());
    let resolved_endpoint = sts_proto::endpoint::ResolvedEndpoint::new(url.clone(), "us-east-1");
    for shown in [
        format!("{provider:?}"),
        format!("{builder:?}"),
        format!("{settings:?}"),
        format!("{endpoint:?}"),
        format!("{resolved_endpoint:?}"),
    ] {
        assert!(shown.contains("***@127.0.0.1"), "{shown}");
        assert!(!shown.contains("IMDS-PASSWORD"), "{shown}");
    }
}

/// A service that never answers (an address that swallows packets, off
/// EC2) costs two attempts of 1 s: the token request, then the IMDSv1
/// request tried after it, as botocore tries it.
#[test]
fn the_default_chain_gives_up_on_a_silent_service_in_about_two_seconds() {
    let silent = Silent::start();
    let clock = TestClock::new();
    let config = config(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &silent.url())],
        &[],
        &clock,
    );
    let chain = default_chain(&config);
    let started = Instant::now();
    let err = chain.provide_credentials().unwrap_err();
    let took = started.elapsed();
    println!("the default chain gave up after {took:?} on a service that never answers");
    assert!(err.is_not_configured(), "{err}");
    assert!(
        err.reason
            .contains("instance metadata: no instance metadata service answered"),
        "{err}"
    );
    assert!(took < Duration::from_millis(3500), "{took:?}");
}
