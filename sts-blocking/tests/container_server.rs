//! `ContainerProvider` end to end, through the default transport, against a
//! container credentials endpoint stand-in on 127.0.0.1 that requires an
//! authorization token, as the EKS Pod Identity agent does.

mod loopback;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use loopback::{Response, Server};
use sts_blocking::ClientBuilder;
use sts_blocking::credentials::{
    ContainerProvider, CredentialsErrorKind, MapFs, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_blocking::proxy::{ProxyConfig, ProxyUrl};
use sts_blocking::timing::Sleep;
use sts_proto::time::format_timestamp;

/// A credentials document for `key_id`, expiring at `at`.
fn document(key_id: &str, at: SystemTime) -> String {
    format!(
        r#"{{"RoleArn":"arn:aws:iam::123456789012:role/pod","AccessKeyId":"{key_id}",
"SecretAccessKey":"SECRET-{key_id}","Token":"SESSION-{key_id}","AccountId":"123456789012",
"Expiration":"{}"}}"#,
        format_timestamp(at)
    )
}

fn in_an_hour() -> SystemTime {
    SystemTime::now() + Duration::from_secs(3600)
}

#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _: Duration) {}
}

/// The default transport (without proxies, whatever this process's
/// environment says), `env` as the whole environment, `fs` as the files.
fn config(env: &[(&str, &str)], fs: MapFs) -> ProviderConfig {
    ProviderConfig::from_client_builder(&ClientBuilder::default().proxy(ProxyConfig::new()))
        .with_env(MapEnv::new(env.iter().copied()))
        .with_fs(fs)
        .with_sleep(NoSleep)
}

/// Answers `/creds` with `body` when the `Authorization` header is one of
/// `tokens`, 401 otherwise.
fn endpoint(tokens: &'static [&'static str], body: Arc<Mutex<String>>) -> Server {
    Server::start(move |r| {
        if r.method != "GET" || r.path != "/creds" {
            return Response::new(404, "");
        }
        if r.header("accept") != Some("application/json") {
            return Response::new(406, "");
        }
        match r.header("authorization") {
            Some(t) if tokens.contains(&t) => Response::new(200, body.lock().unwrap().clone())
                .header("content-type", "application/json"),
            _ => Response::new(401, ""),
        }
    })
}

/// An endpoint that accepts the connection and never answers costs the
/// attempts' time and no more: the wait is bounded by the provider's
/// settings (2 s and 3 attempts by default; shorter here).
#[test]
fn a_silent_endpoint_costs_the_attempts_time_and_no_more() {
    let silent = loopback::Silent::start();
    let url = format!("{}/creds", silent.url());
    let config = config(
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)],
        MapFs::new(),
    );
    let provider = ContainerProvider::builder(&config)
        .timeout(Duration::from_millis(300))
        .attempts(2)
        .build();
    let started = std::time::Instant::now();
    let err = provider.provide_credentials().unwrap_err();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(600), "{took:?}: {err}");
    assert!(took < Duration::from_secs(3), "{took:?}: {err}");
}

#[test]
fn the_endpoint_is_asked_directly_whatever_the_proxies() {
    // A proxy that answers everything with credentials of its own host.
    let proxy = Server::start(|_| {
        Response::new(200, document("AKIDPROXY", in_an_hour()))
            .header("content-type", "application/json")
    });
    let body = Arc::new(Mutex::new(document("AKIDTASK", in_an_hour())));
    let server = endpoint(&["task-token"], Arc::clone(&body));
    let url = format!("{}/creds", server.url());
    let via = ProxyUrl::new(&proxy.url()).unwrap();
    let builder = ClientBuilder::default().proxy(ProxyConfig::new().http(via.clone()).https(via));
    let config = ProviderConfig::from_client_builder(&builder)
        .with_env(MapEnv::new([
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "task-token"),
        ]))
        .with_fs(MapFs::new())
        .with_sleep(NoSleep);
    let creds = ContainerProvider::new(&config)
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "AKIDTASK");
    assert_eq!(server.requests().len(), 1);
    assert!(proxy.requests().is_empty(), "the token went to the proxy");
}

#[test]
fn a_token_from_the_environment() {
    let body = Arc::new(Mutex::new(document("AKIDENV", in_an_hour())));
    let server = endpoint(&["Bearer env-token"], Arc::clone(&body));
    let url = format!("{}/creds", server.url());
    let config = config(
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer env-token"),
        ],
        MapFs::new(),
    );
    let creds = ContainerProvider::new(&config)
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "AKIDENV");
    assert_eq!(creds.secret_access_key().expose(), "SECRET-AKIDENV");
    assert_eq!(creds.session_token().unwrap().expose(), "SESSION-AKIDENV");
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(server.requests().len(), 1);

    // Without the token, the endpoint refuses; the error says so and
    // quotes nothing of the answer.
    let config = self::config(
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)],
        MapFs::new(),
    );
    let err = ContainerProvider::new(&config)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Failed, "{err}");
    assert!(
        err.reason.contains("status 401") && err.reason.contains(&server.url()),
        "{err}"
    );
}

#[test]
fn the_token_file_is_read_on_every_fetch_and_beats_the_variable() {
    let body = Arc::new(Mutex::new(document("AKIDFILE", in_an_hour())));
    let server = endpoint(&["file-token-1", "file-token-2"], Arc::clone(&body));
    let url = format!("{}/creds", server.url());
    let mut files = MapFs::new();
    files.insert("/var/run/token", "file-token-1\n");
    let config = config(
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/token"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer env-token"),
        ],
        files.clone(),
    );
    let provider = ContainerProvider::new(&config);
    provider.provide_credentials().unwrap();
    files.insert("/var/run/token", "file-token-2");
    *body.lock().unwrap() = document("AKIDFILE2", in_an_hour());
    assert_eq!(
        provider.provide_credentials().unwrap().access_key_id(),
        "AKIDFILE2"
    );
    let sent: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [
            Some("file-token-1".to_owned()),
            Some("file-token-2".to_owned())
        ]
    );

    // A token file that is gone: an error naming it, nothing sent.
    let config = self::config(
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/missing"),
        ],
        MapFs::new(),
    );
    let err = ContainerProvider::new(&config)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Failed, "{err}");
    assert!(err.reason.contains("/var/run/missing"), "{err}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn refused_before_any_connection() {
    let body = Arc::new(Mutex::new(document("AKIDNEVER", in_an_hour())));
    let server = endpoint(&["t"], body);
    let port = server.port();
    let mut files = MapFs::new();
    files.insert("/token-with-break", "abc\r\nX-Injected: 1\n");
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        // 0.0.0.0 reaches this machine, but it is not a loopback address:
        // plain http there is refused by the host rules.
        (
            vec![(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("http://0.0.0.0:{port}/creds"),
            )],
            "plain http is allowed only to",
        ),
        (
            vec![(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("http://example.com:{port}/creds"),
            )],
            "not to example.com; use https",
        ),
        (
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    format!("http://127.0.0.1:{port}/creds"),
                ),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                    "t\r\nX-Injected: 1".into(),
                ),
            ],
            "AWS_CONTAINER_AUTHORIZATION_TOKEN holds a line break",
        ),
        (
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    format!("http://127.0.0.1:{port}/creds"),
                ),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    "/token-with-break".into(),
                ),
            ],
            "the token file /token-with-break holds a line break",
        ),
    ];
    for (env, words) in cases {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let config = config(&env, files.clone());
        let err = ContainerProvider::new(&config)
            .provide_credentials()
            .unwrap_err();
        assert_eq!(
            err.kind(),
            CredentialsErrorKind::InvalidConfiguration,
            "{err}"
        );
        assert!(err.reason.contains(words), "{err}");
        assert!(!err.reason.contains("X-Injected"), "{err}");
    }
    assert_eq!(server.connections(), 0);
}

#[test]
fn bad_answers_are_clear_errors() {
    let good = document("AKIDBAD", in_an_hour());
    let cases: Vec<(String, CredentialsErrorKind, &str)> = vec![
        (
            "SECRET-x not json".into(),
            CredentialsErrorKind::Failed,
            "is not a JSON object",
        ),
        (
            good.replace("\"SecretAccessKey\"", "\"Other\""),
            CredentialsErrorKind::Failed,
            "the credentials document has no SecretAccessKey",
        ),
        (
            document("AKIDBAD", SystemTime::now() - Duration::from_secs(60)),
            CredentialsErrorKind::Expired,
            "expired at",
        ),
        (
            good.replace(
                "\"RoleArn\"",
                &format!("\"Pad\":\"{}\",\"RoleArn\"", "x".repeat(70_000)),
            ),
            CredentialsErrorKind::Failed,
            "more than the 65536 bytes allowed",
        ),
    ];
    for (answer, kind, words) in cases {
        let server = endpoint(&["t"], Arc::new(Mutex::new(answer)));
        let url = format!("{}/creds", server.url());
        let config = config(
            &[
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t"),
            ],
            MapFs::new(),
        );
        let err = ContainerProvider::new(&config)
            .provide_credentials()
            .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.kind(), kind, "{text}");
        assert!(text.contains(words) && text.contains("container"), "{text}");
        assert!(
            !text.contains("SECRET-") && !text.contains("SESSION-"),
            "{text}"
        );
        // Nor the path, whose ECS id lets a caller fetch the task's
        // credentials (found by a review).
        assert!(!text.contains("/creds"), "{text}");
    }
}

/// `user:password@` in the full URI was sent as a `Basic` authorization
/// header, which botocore does not send (found by a review); the agents
/// take the authorization token only.
#[test]
fn user_information_in_the_full_uri_is_not_sent() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&seen);
    let body = document("AKIDUSER", in_an_hour());
    let server = Server::start(move |r: &loopback::Request| {
        kept.lock()
            .unwrap()
            .push(r.header("authorization").map(str::to_owned));
        Response::new(200, body.clone())
    });
    let url = format!("{}/creds", server.url()).replacen("://", "://user:pw@", 1);
    let without = config(
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)],
        MapFs::new(),
    );
    let creds = ContainerProvider::new(&without)
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "AKIDUSER");
    let with = config(
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "the-token"),
        ],
        MapFs::new(),
    );
    ContainerProvider::new(&with).provide_credentials().unwrap();
    assert_eq!(*seen.lock().unwrap(), [None, Some("the-token".to_owned())]);
}

#[test]
fn a_server_error_then_success() {
    let count = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&count);
    let body = document("AKIDAGAIN", in_an_hour());
    let server = Server::start(move |_| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        if *n == 1 {
            Response::new(500, "")
        } else {
            Response::new(200, body.clone())
        }
    });
    let url = format!("{}/creds", server.url());
    let config = config(
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)],
        MapFs::new(),
    );
    let creds = ContainerProvider::builder(&config)
        .attempts(2)
        .build()
        .provide_credentials()
        .unwrap();
    assert_eq!(creds.access_key_id(), "AKIDAGAIN");
    assert_eq!(*count.lock().unwrap(), 2);
}

/// A profile named by the program that holds no credentials (only a
/// region) goes on to the container endpoint, as botocore does for an
/// explicit profile; the environment's keys never sign for it, and a
/// profile that is not defined stops the chain.
#[test]
fn a_named_profile_without_credentials_goes_on_to_the_container() {
    let body = Arc::new(Mutex::new(document("AKIDCONTAINER", in_an_hour())));
    let server = endpoint(&["Bearer t"], Arc::clone(&body));
    let url = format!("{}/creds", server.url());
    let files = MapFs::new().with_file(
        "/home/.aws/config",
        "[profile dev]\nregion = eu-west-1\n\
         [profile keys]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
    );
    let config = config(
        &[
            ("HOME", "/home"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer t"),
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", "e"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
        files,
    );
    let chain = sts_blocking::credentials::named_profile_chain;
    let creds = chain(&config, "dev").provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "AKIDCONTAINER");
    let creds = chain(&config, "keys").provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "AKIDPROFILE");
    let err = chain(&config, "dve").provide_credentials().unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert_eq!(server.requests().len(), 1);
}
