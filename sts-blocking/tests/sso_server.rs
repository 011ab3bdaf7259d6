//! SSO credentials end to end: the real default transport, the real file
//! system (a temporary home directory with a config file and a token
//! cache the way `aws sso login` leaves them), and a loopback stand-in for
//! the SSO portal and the OIDC service, reached through
//! `AWS_ENDPOINT_URL_SSO` and `AWS_ENDPOINT_URL_SSO_OIDC` as the AWS SDKs
//! allow.
//!
//! The stand-in checks what it is sent (the bearer token, the refresh
//! grant) and answers as each test says; the tests check the credentials,
//! the errors (which name the source and never quote a token), and the
//! cache file the refresh leaves.

mod loopback;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use loopback::{Request, Response, Server};
use serde_json::{Value, json};
use sts_blocking::credentials::{
    CredentialsError, ProfileProvider, ProvideCredentials, ProviderConfig, SharedCredentials,
};
use sts_blocking::env::MapEnv;
use sts_blocking::timing::Sleep;
use sts_proto::time::{format_timestamp, parse_timestamp};

/// Back-offs between tries, kept rather than slept.
#[derive(Debug, Default, Clone)]
struct Backoffs(std::sync::Arc<std::sync::Mutex<Vec<Duration>>>);

impl Sleep for Backoffs {
    fn sleep(&self, duration: Duration) {
        self.0.lock().unwrap().push(duration);
    }
}

/// A stand-in for the portal and the OIDC service: `handler` gives each
/// answer's status and JSON body.
fn json_server(handler: impl Fn(&Request) -> (u16, String) + Send + 'static) -> Server {
    Server::start(move |request| {
        let (status, body) = handler(request);
        Response::new(status, body).header("content-type", "application/json")
    })
}

/// A temporary home directory with `~/.aws/config` and one token cache
/// file; removed when dropped.
struct Home {
    dir: PathBuf,
}

/// The SHA-1 of `dev`, the session name: the cache file's name.
const DEV_CACHE: &str = "34c6fceca75e456f25e7e99531e2425c6c1de443.json";
const START_URL: &str = "https://d-abc123.awsapps.com/start";
const ACCESS_TOKEN: &str = "cached-access-token-VALUE";
const REFRESH_TOKEN: &str = "cached-refresh-token-VALUE";
const CLIENT_SECRET: &str = "cached-client-secret-VALUE";
const SECRETS: &[&str] = &[
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    CLIENT_SECRET,
    "new-access-token-VALUE",
    "new-refresh-token-VALUE",
    "portal-secret-key-VALUE",
    "portal-session-token-VALUE",
];

const CONFIG: &str = "[profile default]\nsso_session = dev\nsso_account_id = 012345678901\n\
                      sso_role_name = SampleRole\nregion = eu-west-1\n\n\
                      [sso-session dev]\nsso_region = us-east-1\n\
                      sso_start_url = https://d-abc123.awsapps.com/start\n\
                      sso_registration_scopes = sso:account:access\n";

impl Home {
    fn new(test: &str, cache: Option<&str>) -> Self {
        let dir = std::env::temp_dir().join(format!("sts-sso-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
        std::fs::write(dir.join(".aws/config"), CONFIG).unwrap();
        if let Some(text) = cache {
            std::fs::write(dir.join(".aws/sso/cache").join(DEV_CACHE), text).unwrap();
        }
        Self { dir }
    }

    fn cache_path(&self) -> PathBuf {
        self.dir.join(".aws/sso/cache").join(DEV_CACHE)
    }

    fn cache(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.cache_path()).unwrap()).unwrap()
    }

    /// The profile provider of this home, with both services at `server`.
    fn provider(&self, server: &Server) -> ProfileProvider {
        self.provider_sleeping(server, Backoffs::default())
    }

    fn provider_sleeping(&self, server: &Server, sleep: Backoffs) -> ProfileProvider {
        ProfileProvider::new(&self.config(server).with_sleep(sleep))
    }

    fn config(&self, server: &Server) -> ProviderConfig {
        let env = MapEnv::new([
            ("HOME", self.dir.to_str().unwrap().to_owned()),
            ("AWS_ENDPOINT_URL_SSO", server.url()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", server.url()),
        ]);
        ProviderConfig::new().with_env(env)
    }

    /// The AWS CLI's cache file of the profile's role, named as botocore
    /// names it (the SHA-1 of
    /// `{"accountId":"012345678901","roleName":"SampleRole","sessionName":"dev"}`).
    fn role_cache_path(&self) -> PathBuf {
        self.dir
            .join(".aws/cli/cache/4f0072b03f86a95e613340c2868ab49e9cc60d6e.json")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `now` plus (or minus) `secs`, as the cache writes times.
fn at(secs: i64) -> String {
    let now = SystemTime::now();
    let t = if secs >= 0 {
        now + Duration::from_secs(secs.unsigned_abs())
    } else {
        now - Duration::from_secs(secs.unsigned_abs())
    };
    format_timestamp(t)
}

/// A cache file whose token expires `expires_in` seconds from now;
/// refreshable when `refreshable`.
fn cache_file(expires_in: i64, refreshable: bool) -> String {
    let mut doc = json!({
        "startUrl": START_URL,
        "region": "us-east-1",
        "accessToken": ACCESS_TOKEN,
        "expiresAt": at(expires_in),
        "somethingNew": {"kept": [1, 2, 3]},
    });
    if refreshable {
        doc["refreshToken"] = json!(REFRESH_TOKEN);
        doc["clientId"] = json!("the-client-id");
        doc["clientSecret"] = json!(CLIENT_SECRET);
        doc["registrationExpiresAt"] = json!(at(90 * 24 * 3600));
    }
    doc.to_string()
}

/// `cache` with `key` set to `value`.
fn with_member(cache: String, key: &str, value: Value) -> String {
    let mut doc: Value = serde_json::from_str(&cache).unwrap();
    doc[key] = value;
    doc.to_string()
}

const EXPIRATION_MILLIS: i64 = 4_102_444_800_000; // 2100-01-01

fn role_credentials() -> String {
    json!({"roleCredentials": {
        "accessKeyId": "ASIAPORTAL",
        "secretAccessKey": "portal-secret-key-VALUE",
        "sessionToken": "portal-session-token-VALUE",
        "expiration": EXPIRATION_MILLIS,
    }})
    .to_string()
}

/// The portal, answering `GetRoleCredentials` for `token` only; the OIDC
/// service, answering the refresh grant with `oidc`.
fn services(token: &'static str, oidc: (u16, String)) -> Server {
    json_server(move |r| {
        if r.path.starts_with("/federation/credentials?") {
            let query_ok = r.path.contains("account_id=012345678901")
                && r.path.contains("role_name=SampleRole");
            if r.method != "GET" || !query_ok {
                return (400, r#"{"message":"bad request"}"#.to_owned());
            }
            if r.header("x-amz-sso_bearer_token") != Some(token) {
                return (
                    401,
                    r#"{"message":"Session token not found or invalid"}"#.to_owned(),
                );
            }
            (200, role_credentials())
        } else if r.path == "/token" && r.method == "POST" {
            oidc.clone()
        } else {
            (404, "{}".to_owned())
        }
    })
}

fn assert_portal_credentials(creds: &SharedCredentials) {
    assert_eq!(creds.access_key_id(), "ASIAPORTAL");
    assert_eq!(
        creds.secret_access_key().expose(),
        "portal-secret-key-VALUE"
    );
    assert_eq!(
        creds.session_token().map(|t| t.expose()),
        Some("portal-session-token-VALUE")
    );
    assert_eq!(creds.account_id(), Some("012345678901"));
    assert_eq!(
        creds.expiration(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_millis(EXPIRATION_MILLIS as u64))
    );
}

/// Fails unless the file at `path` is readable by its owner only (on
/// Unix; elsewhere there are no such modes to check).
fn assert_owner_only(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", path.display());
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The error's text, checked to quote no secret.
fn error_text(e: &CredentialsError) -> String {
    let text = format!("{e} {e:?}");
    for secret in SECRETS {
        assert!(!text.contains(secret), "a secret in {text}");
    }
    e.to_string()
}

fn new_token_answer() -> (u16, String) {
    (
        200,
        json!({
            "accessToken": "new-access-token-VALUE",
            "expiresIn": 3600,
            "refreshToken": "new-refresh-token-VALUE",
            "tokenType": "Bearer",
        })
        .to_string(),
    )
}

/// With the role cache on (the `sts` tool turns it on), the role's
/// credentials are kept where the AWS CLI keeps them, as it writes them; a
/// later provider takes them from there without asking the portal, and
/// without the token, which may have expired meanwhile (botocore looks in
/// the cache first too). Off, nothing is written.
#[test]
fn role_credentials_are_kept_in_the_aws_cli_cache() {
    let home = Home::new("role-cache", Some(&cache_file(3600, false)));
    let server = services(ACCESS_TOKEN, (500, "{}".to_owned()));
    let uncached = ProfileProvider::new(&home.config(&server));
    assert_portal_credentials(&uncached.provide_credentials().unwrap());
    assert!(
        !home.role_cache_path().exists(),
        "written with the cache off"
    );

    let cached = ProfileProvider::new(&home.config(&server).with_role_cache(true));
    assert_portal_credentials(&cached.provide_credentials().unwrap());
    assert_eq!(server.requests().len(), 2, "one GetRoleCredentials each");
    let written: Value =
        serde_json::from_slice(&std::fs::read(home.role_cache_path()).unwrap()).unwrap();
    assert_eq!(
        written,
        json!({
            "ProviderType": "sso",
            "Credentials": {
                "AccessKeyId": "ASIAPORTAL",
                "SecretAccessKey": "portal-secret-key-VALUE",
                "SessionToken": "portal-session-token-VALUE",
                "Expiration": "2100-01-01T00:00:00Z",
                "AccountId": "012345678901",
            },
        })
    );
    assert_owner_only(&home.role_cache_path());

    // The sign-in has expired since: the cached credentials still serve.
    std::fs::write(home.cache_path(), cache_file(-60, false)).unwrap();
    let later = ProfileProvider::new(&home.config(&server).with_role_cache(true));
    assert_portal_credentials(&later.provide_credentials().unwrap());
    assert_eq!(server.requests().len(), 2, "the portal was asked again");

    // Credentials the cache holds within 15 minutes of their expiry are
    // fetched again, which the expired token cannot do.
    let mut near = written.clone();
    near["Credentials"]["Expiration"] = json!(at(600));
    std::fs::write(home.role_cache_path(), near.to_string()).unwrap();
    let e = later.provide_credentials().unwrap_err();
    assert!(error_text(&e).contains("aws sso login"), "{e}");
}

/// A portal that accepts the connection and never answers costs the
/// client's attempt timeout for each of its attempts, and no more.
#[test]
fn a_silent_portal_costs_the_attempts_time_and_no_more() {
    let home = Home::new("silent-portal", Some(&cache_file(3600, false)));
    let silent = loopback::Silent::start();
    let env = MapEnv::new([
        ("HOME", home.dir.to_str().unwrap().to_owned()),
        ("AWS_ENDPOINT_URL_SSO", silent.url()),
    ]);
    let builder = sts_blocking::ClientBuilder::default()
        .proxy(sts_blocking::proxy::ProxyConfig::new())
        .attempt_timeout(Some(Duration::from_millis(300)))
        .max_attempts(2);
    let config = ProviderConfig::from_client_builder(&builder)
        .with_env(env)
        .with_sleep(Backoffs::default());
    let started = std::time::Instant::now();
    let err = ProfileProvider::new(&config)
        .provide_credentials()
        .unwrap_err();
    let took = started.elapsed();
    assert!(error_text(&err).contains("SSO portal"), "{err}");
    assert!(took >= Duration::from_millis(600), "{took:?}: {err}");
    assert!(took < Duration::from_secs(3), "{took:?}: {err}");
}

#[test]
fn a_valid_token_gets_the_role_credentials() {
    let home = Home::new("valid", Some(&cache_file(3600, true)));
    let server = services(ACCESS_TOKEN, (500, "{}".to_owned()));
    let creds = home.provider(&server).provide_credentials().unwrap();
    assert_portal_credentials(&creds);
    let got = server.requests();
    assert_eq!(got.len(), 1, "no refresh for a token an hour from expiry");
    assert!(got[0].body.is_empty());
}

#[test]
fn an_expiring_token_is_refreshed_and_the_cache_rewritten() {
    let home = Home::new("refresh", Some(&cache_file(120, true)));
    let server = services("new-access-token-VALUE", new_token_answer());
    let before = SystemTime::now();
    let creds = home.provider(&server).provide_credentials().unwrap();
    assert_portal_credentials(&creds);

    let got = server.requests();
    assert_eq!(got.len(), 2, "{got:?}");
    let grant: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(got[0].path, "/token");
    assert!(
        got[0]
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json"))
    );
    assert_eq!(
        grant,
        json!({
            "clientId": "the-client-id",
            "clientSecret": CLIENT_SECRET,
            "grantType": "refresh_token",
            "refreshToken": REFRESH_TOKEN,
        })
    );

    let cache = home.cache();
    assert_eq!(cache["accessToken"], "new-access-token-VALUE");
    assert_eq!(cache["refreshToken"], "new-refresh-token-VALUE");
    assert_eq!(cache["somethingNew"], json!({"kept": [1, 2, 3]}));
    assert_eq!(cache["startUrl"], START_URL);
    assert_eq!(cache["clientId"], "the-client-id");
    let expires = parse_timestamp(cache["expiresAt"].as_str().unwrap()).unwrap();
    let lifetime = expires.duration_since(before).unwrap();
    assert!(
        lifetime > Duration::from_secs(3590) && lifetime <= Duration::from_secs(3601),
        "{lifetime:?}"
    );
    assert_owner_only(&home.cache_path());
    let names: Vec<_> = std::fs::read_dir(home.cache_path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [DEV_CACHE], "no temporary file is left");

    // The rewritten cache serves the next call without a refresh.
    let again = home.provider(&server).provide_credentials().unwrap();
    assert_portal_credentials(&again);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn an_expired_token_is_refreshed_too() {
    let home = Home::new("expired-refresh", Some(&cache_file(-600, true)));
    let server = services("new-access-token-VALUE", new_token_answer());
    let creds = home.provider(&server).provide_credentials().unwrap();
    assert_portal_credentials(&creds);
    assert_eq!(home.cache()["accessToken"], "new-access-token-VALUE");
}

#[test]
fn a_failed_refresh_falls_back_to_the_still_valid_token() {
    let cache = cache_file(120, true);
    let home = Home::new("refresh-fails", Some(&cache));
    let refused = (
        400,
        r#"{"error":"invalid_grant","error_description":"no"}"#.to_owned(),
    );
    let server = services(ACCESS_TOKEN, refused);
    let provider = home.provider(&server);
    let creds = provider.provide_credentials().unwrap();
    assert_portal_credentials(&creds);
    let got = server.requests();
    assert_eq!(
        got.len(),
        2,
        "a refresh was tried, then the portal: {got:?}"
    );
    assert_eq!(got[0].path, "/token");
    // The profile provider reads the profile again on its next fetch, but
    // the failed refresh is not tried again so soon.
    assert_portal_credentials(&provider.provide_credentials().unwrap());
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(
        paths[2].starts_with("/federation/credentials?"),
        "{paths:?}"
    );
    let unchanged: Value = serde_json::from_str(&cache).unwrap();
    assert_eq!(home.cache(), unchanged);
}

#[test]
fn an_expired_token_that_cannot_be_refreshed_says_to_sign_in() {
    let home = Home::new("expired", Some(&cache_file(-60, false)));
    let server = services(ACCESS_TOKEN, new_token_answer());
    let e = home.provider(&server).provide_credentials().unwrap_err();
    let text = error_text(&e);
    assert!(text.contains("aws sso login --profile default"), "{text}");
    assert!(text.contains("expired"), "{text}");
    assert!(text.contains(DEV_CACHE), "names the cache file: {text}");
    assert!(server.requests().is_empty());

    // Refreshable, but the OIDC service refuses: the same advice, and why.
    let home = Home::new("expired-refused", Some(&cache_file(-60, true)));
    let server = services(
        ACCESS_TOKEN,
        (400, r#"{"error":"invalid_grant"}"#.to_owned()),
    );
    let e = home.provider(&server).provide_credentials().unwrap_err();
    let text = error_text(&e);
    assert!(
        text.contains("aws sso login") && text.contains("invalid_grant") && text.contains("400"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 1, "no portal call without a token");
}

#[test]
fn portal_failures_are_reported_without_secrets() {
    let huge: &'static str = Box::leak(
        with_member(role_credentials(), "pad", json!("x".repeat(70_000))).into_boxed_str(),
    );
    // (test, status, body, words of the error, tries: a server error is
    // tried three times, as botocore tries it)
    for (test, status, body, want, tries) in [
        (
            "portal-500",
            500,
            r#"{"message":"internal"}"#,
            "HTTP 500",
            3,
        ),
        ("portal-huge", 200, huge, "larger than 65536 bytes", 1),
        (
            "portal-html",
            200,
            "<html>portal-secret-key-VALUE</html>",
            "not valid JSON",
            1,
        ),
        (
            "portal-missing",
            200,
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"portal-secret-key-VALUE"}}"#,
            "`sessionToken` is missing",
            1,
        ),
        (
            "portal-refused",
            403,
            r#"{"__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}"#,
            "aws sso login",
            1,
        ),
    ] {
        let home = Home::new(test, Some(&cache_file(3600, true)));
        let server = json_server(move |_| (status, body.to_owned()));
        let e = home.provider(&server).provide_credentials().unwrap_err();
        let text = error_text(&e);
        assert!(text.contains(want), "{test}: {text}");
        assert!(
            text.contains("SampleRole") && text.contains("012345678901"),
            "{test}: {text}"
        );
        assert_eq!(server.requests().len(), tries, "{test}");
    }
}

/// Found by comparing with botocore 1.44.8, which retries both services
/// (standard mode, three tries): a throttled portal, or a token service
/// with a passing fault, failed the call at once, and the latter sent the
/// user to `aws sso login`.
#[test]
fn throttling_and_server_errors_are_tried_again() {
    let home = Home::new("portal-throttled", Some(&cache_file(3600, true)));
    let tries = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&tries);
    let server =
        json_server(
            move |_| match counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => (429, r#"{"message":"slow down"}"#.to_owned()),
                1 => (503, "<html>unavailable</html>".to_owned()),
                _ => (200, role_credentials()),
            },
        );
    let backoffs = Backoffs::default();
    let creds = home
        .provider_sleeping(&server, backoffs.clone())
        .provide_credentials()
        .unwrap();
    assert_portal_credentials(&creds);
    assert_eq!(server.requests().len(), 3);
    let slept = backoffs.0.lock().unwrap().clone();
    assert_eq!(slept.len(), 2, "{slept:?}");
    assert!(slept[0] <= Duration::from_secs(1) && slept[1] <= Duration::from_secs(2));

    // The token service: one fault, then the refresh.
    let home = Home::new("oidc-fault", Some(&cache_file(-600, true)));
    let faults = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&faults);
    let server = json_server(move |r| {
        if r.path == "/token" && counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            return (500, r#"{"error":"server_error"}"#.to_owned());
        }
        if r.path == "/token" {
            return new_token_answer();
        }
        (200, role_credentials())
    });
    assert_portal_credentials(&home.provider(&server).provide_credentials().unwrap());
    assert_eq!(home.cache()["accessToken"], "new-access-token-VALUE");
}

/// The portal answers a role the user has no access to with a 403 that
/// names `ForbiddenException` in its `x-amzn-ErrorType` header only; it
/// was reported as a refused token, with `aws sso login` (which cannot
/// help) as the remedy. Found by comparing with botocore 1.44.8.
#[test]
fn a_role_without_access_is_not_sent_to_sign_in_again() {
    let home = Home::new("portal-forbidden", Some(&cache_file(3600, true)));
    let server = loopback::Server::start(|_| {
        loopback::Response::new(403, r#"{"message":"No access"}"#).header(
            "x-amzn-ErrorType",
            "ForbiddenException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/",
        )
    });
    let e = home.provider(&server).provide_credentials().unwrap_err();
    let text = error_text(&e);
    assert!(text.contains("ForbiddenException"), "{text}");
    assert!(text.contains("no access to role SampleRole"), "{text}");
    assert!(!text.contains("sso login"), "{text}");
    assert_eq!(server.requests().len(), 1);
}

/// An endpoint with user information is refused before anything is sent,
/// and the refusal does not quote it.
#[test]
fn an_endpoint_with_user_information_is_refused_without_quoting_it() {
    let home = Home::new("portal-userinfo", Some(&cache_file(3600, true)));
    let server = json_server(|_| (500, r#"{"message":"internal"}"#.to_owned()));
    let url = server
        .url()
        .replacen("://", "://sso-user:ENDPOINT-PASSWORD@", 1);
    let env = MapEnv::new([
        ("HOME", home.dir.to_str().unwrap().to_owned()),
        ("AWS_ENDPOINT_URL_SSO", url.clone()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", url),
    ]);
    let e = ProfileProvider::new(&ProviderConfig::new().with_env(env))
        .provide_credentials()
        .unwrap_err();
    let text = error_text(&e);
    assert_eq!(server.requests().len(), 0, "{text}");
    assert!(
        text.contains("credentials in the URL are not supported") && text.contains("***@127.0.0.1"),
        "{text}"
    );
    assert!(!text.contains("ENDPOINT-PASSWORD"), "{text}");
}

#[test]
fn bad_cache_files_name_the_file_and_say_why() {
    // (A named session's file whose `startUrl` differs is used, as botocore
    // uses it: `a_named_sessions_token_is_not_checked_against_its_start_url`.)
    for (test, cache, want) in [
        (
            "malformed",
            Some("{\"accessToken\": cached-access-token-VALUE".to_owned()),
            "not valid JSON",
        ),
        (
            "no-token",
            Some(r#"{"expiresAt":"2100-01-01T00:00:00Z"}"#.to_owned()),
            "`accessToken` is missing",
        ),
        (
            "bad-time",
            Some(with_member(
                cache_file(3600, false),
                "expiresAt",
                json!("next week"),
            )),
            "`expiresAt` is not",
        ),
        ("missing", None, "failed to read"),
        (
            "huge",
            Some(with_member(
                cache_file(3600, true),
                "pad",
                json!("x".repeat(70_000)),
            )),
            "larger than 65536 bytes",
        ),
    ] {
        let home = Home::new(test, cache.as_deref());
        let server = services(ACCESS_TOKEN, new_token_answer());
        let e = home.provider(&server).provide_credentials().unwrap_err();
        let text = error_text(&e);
        assert!(text.contains(want), "{test}: {text}");
        assert!(text.contains(DEV_CACHE), "{test}: names the file: {text}");
        assert!(text.contains("aws sso login"), "{test}: {text}");
        assert!(server.requests().is_empty(), "{test}");
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_cache_file_is_an_error_not_a_hang() {
    let home = Home::new("fifo", None);
    let made = std::process::Command::new("mkfifo")
        .arg(home.cache_path())
        .status()
        .unwrap();
    assert!(made.success());
    let server = services(ACCESS_TOKEN, new_token_answer());
    let e = home.provider(&server).provide_credentials().unwrap_err();
    let text = error_text(&e);
    assert!(
        text.contains("failed to read") && text.contains("FIFO"),
        "{text}"
    );
}

#[test]
fn the_token_provider_reads_the_same_cache() {
    let home = Home::new("token", Some(&cache_file(3600, true)));
    let env = MapEnv::new([("HOME", home.dir.to_str().unwrap())]);
    let config = ProviderConfig::new().with_env(env);
    let token = sts_blocking::credentials::SsoTokenProvider::new(&config)
        .token()
        .unwrap();
    assert_eq!(token.token().expose(), ACCESS_TOKEN);
    assert!(!format!("{token:?}").contains(ACCESS_TOKEN));
    let path: &Path = &home.cache_path();
    assert!(path.exists());
}

#[test]
fn an_sso_profile_is_the_source_of_a_role() {
    let home = Home::new("role", Some(&cache_file(3600, true)));
    let config = format!(
        "{CONFIG}\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n\
         source_profile = default\nrole_session_name = from-sso\nregion = eu-west-1\n"
    );
    std::fs::write(home.dir.join(".aws/config"), config).unwrap();
    let portal = services(ACCESS_TOKEN, (500, "{}".to_owned()));
    let portal_url = portal.url();
    let sts = json_server(|r| {
        let form = String::from_utf8_lossy(&r.body);
        let signed_by_portal_keys = r
            .header("authorization")
            .is_some_and(|a| a.contains("Credential=ASIAPORTAL/"));
        if r.method == "POST" && form.contains("Action=AssumeRole") && signed_by_portal_keys {
            (200, ASSUMED.to_owned())
        } else {
            (403, "<ErrorResponse/>".to_owned())
        }
    });
    let env = MapEnv::new([
        ("HOME", home.dir.to_str().unwrap().to_owned()),
        ("AWS_PROFILE", "admin".to_owned()),
        ("AWS_ENDPOINT_URL_SSO", portal_url),
        ("AWS_ENDPOINT_URL_STS", sts.url()),
    ]);
    let creds = ProfileProvider::new(&ProviderConfig::new().with_env(env))
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(portal.requests().len(), 1);
    assert_eq!(sts.requests().len(), 1);
}

const ASSUMED: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:from-sso</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/Admin/from-sso</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAROLE</AccessKeyId>
      <SecretAccessKey>role-secret</SecretAccessKey>
      <SessionToken>role-token</SessionToken>
      <Expiration>2100-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;
