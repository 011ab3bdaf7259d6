//! Profile settings that moto cannot check, on the fault server, which
//! records exactly what was sent: `mfa_serial` with and without a token
//! callback, `external_id`, `duration_seconds`, `credential_source =
//! Environment`, and an STS failure inside a chain. And secrets put where
//! a user may put them (endpoint URLs, `credential_process` commands and
//! their output), which no error may repeat.

use sts_blocking::credentials::{
    CachingProvider, ProfileProvider, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_proto::SecretString;
use sts_tests::{FaultServer, ScratchDir, Step, canned};

fn assume_role_ok() -> Step {
    Step::xml(
        200,
        canned::success(
            "AssumeRole",
            &format!(
                "{}<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>",
                canned::credentials()
            ),
        ),
    )
}

/// Profile files in a scratch folder, which is also HOME, and an
/// environment that sees only them; the folder is removed when dropped, so
/// it is held while the configuration is used.
fn config(name: &str, config: &str, vars: &[(&str, &str)]) -> (ScratchDir, ProviderConfig) {
    let dir = ScratchDir::new(&format!("creds-faults-{name}"));
    std::fs::write(dir.join("config"), config).unwrap();
    std::fs::write(
        dir.join("credentials"),
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    let mut env = vec![
        ("HOME".to_owned(), dir.display().to_string()),
        (
            "AWS_CONFIG_FILE".to_owned(),
            dir.join("config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".to_owned(),
            dir.join("credentials").display().to_string(),
        ),
    ];
    env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    (dir, ProviderConfig::new().with_env(MapEnv::new(env)))
}

fn role_profile(server: &FaultServer, extra: &str) -> String {
    format!(
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n\
         region = us-east-1\nendpoint_url = {}\n{extra}",
        server.url()
    )
}

#[test]
fn mfa_serial_asks_the_callback_and_sends_the_code() {
    let server = FaultServer::start(vec![assume_role_ok()]);
    let (_dir, cfg) = config(
        "mfa",
        &role_profile(
            &server,
            "mfa_serial = arn:aws:iam::123456789012:mfa/me\nexternal_id = ext-123\n\
             duration_seconds = 1800\nrole_session_name = mfa-session\n",
        ),
        &[],
    );
    let cfg = cfg.with_mfa_token_provider(|serial: &str| {
        assert_eq!(serial, "arn:aws:iam::123456789012:mfa/me");
        Ok::<_, String>(SecretString::new("123456"))
    });
    let creds = ProfileProvider::new(&cfg).provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "ASIAFAULTSERVER");
    // The account, from the assumed role's ARN.
    assert_eq!(creds.account_id(), Some("123456789012"));

    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    let body = sent[0].body_text();
    for part in [
        "Action=AssumeRole",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr",
        "RoleSessionName=mfa-session",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme",
        "TokenCode=123456",
        "ExternalId=ext-123",
        "DurationSeconds=1800",
    ] {
        assert!(body.contains(part), "{part} missing from {body}");
    }
    let auth = sent[0].header("authorization").unwrap();
    assert!(auth.contains("Credential=AKIDBASE/"), "{auth}");
}

#[test]
fn mfa_serial_without_a_callback_is_a_clear_error_and_sends_nothing() {
    let server = FaultServer::start(vec![assume_role_ok()]);
    let (_dir, cfg) = config(
        "no-mfa",
        &role_profile(&server, "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"),
        &[],
    );
    let err = ProfileProvider::new(&cfg)
        .provide_credentials()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("mfa_serial"), "{text}");
    assert!(text.contains("with_mfa_token_provider"), "{text}");
    assert_eq!(server.requests_seen(), 0);
}

#[test]
fn credential_source_environment_signs_with_the_environment_keys() {
    let server = FaultServer::start(vec![assume_role_ok()]);
    let profile = format!(
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n\
         region = us-east-1\nendpoint_url = {}\n",
        server.url()
    );
    let (_dir, cfg) = config(
        "env-source",
        &profile,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDFROMENV"),
            ("AWS_SECRET_ACCESS_KEY", "env-secret"),
        ],
    );
    ProfileProvider::new(&cfg).provide_credentials().unwrap();
    let auth = server.requests()[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    assert!(auth.contains("Credential=AKIDFROMENV/"), "{auth}");

    // Chosen by the profile, an empty environment is the profile's failure.
    let (_dir, cfg) = config("env-source-missing", &profile, &[]);
    let err = ProfileProvider::new(&cfg)
        .provide_credentials()
        .unwrap_err();
    assert!(!err.is_not_configured(), "{err}");
    assert!(err.to_string().contains("credential_source"), "{err}");
}

#[test]
fn an_sts_refusal_inside_a_chain_names_the_profile_and_keeps_the_cause() {
    let server = FaultServer::start(vec![Step::xml(
        403,
        canned::error("AccessDenied", "not allowed to assume r"),
    )]);
    let (_dir, cfg) = config("refused", &role_profile(&server, ""), &[]);
    let err = ProfileProvider::new(&cfg)
        .provide_credentials()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("profile \"default\""), "{text}");
    assert!(text.contains("AccessDenied"), "{text}");
    assert!(!text.contains("base-secret"), "{text}");
    let cause = err.cause().expect("the STS error is kept as the cause");
    assert!(cause.to_string().contains("AccessDenied"), "{cause}");
}

/// Every rendering of `err` and of its causes.
fn renderings(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        out.push(e.to_string());
        out.push(format!("{e:?}"));
        next = e.source();
    }
    out
}

#[test]
fn secrets_in_settings_are_absent_from_errors() {
    const ROLE: &str = "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\n\
                        source_profile = base\nregion = us-east-1\n";
    let expired = r#"printf '{"Version": 1, "AccessKeyId": "AKIDOLD", "SecretAccessKey": "SECRET7", "SessionToken": "SECRET7b", "Expiration": "2001-01-01T00:00:00Z"}'"#;
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("{ROLE}endpoint_url = https://admin:hun#SECRET1@sts.example.com\n"),
            vec![],
        ),
        (
            format!("{ROLE}endpoint_url = https://AKID:wJalr/SECRET2@sts.example.com\n"),
            vec![],
        ),
        (
            format!("{ROLE}endpoint_url = https://admin:SECRET3?x@sts.example.com:99999\n"),
            vec![],
        ),
        (
            ROLE.to_owned(),
            vec![("AWS_ENDPOINT_URL_STS", "https://u:SECRET4#@sts.example.com")],
        ),
        (
            format!(
                "{ROLE}services = s\n[services s]\nsts =\n  endpoint_url = \
                 https://u:SECRET5/x@sts.example.com?q\n"
            ),
            vec![],
        ),
        (
            "[default]\ncredential_process = API_TOKEN=SECRET6 sh -c 'exit 3'\n".to_owned(),
            vec![],
        ),
        (
            "[default]\ncredential_process = API_TOKEN=\"SECRET6 x\" sh -c 'exit 3'\n".to_owned(),
            vec![],
        ),
        (
            format!("[default]\ncredential_process = {expired}\n"),
            vec![],
        ),
    ];
    for (i, (profile, vars)) in cases.iter().enumerate() {
        let (_dir, cfg) = config(&format!("secrets-{i}"), profile, vars);
        for err in [
            ProfileProvider::new(&cfg)
                .provide_credentials()
                .unwrap_err(),
            CachingProvider::new(ProfileProvider::new(&cfg))
                .provide_credentials()
                .unwrap_err(),
        ] {
            for text in renderings(&err) {
                assert!(!text.contains("SECRET"), "case {i}: {text}");
                assert!(!text.contains("base-secret"), "case {i}: {text}");
            }
        }
    }
}

/// A call whose credentials source failed, through a client: the error
/// the caller's retry logic looks at.
fn call_with(provider: impl ProvideCredentials + 'static) -> sts_blocking::Error {
    let sts = FaultServer::start(vec![]);
    sts_blocking::Client::builder()
        .region("us-east-1")
        .endpoint_url(sts.url())
        .credentials_provider(provider)
        .build()
        .unwrap()
        .get_caller_identity()
        .unwrap_err()
}

#[test]
fn a_source_whose_service_failed_for_now_is_retryable_and_one_that_refused_is_not() {
    use sts_blocking::credentials::{ContainerProvider, CredentialsErrorKind, ImdsProvider};
    use sts_tests::{Script, WhenDone};
    let always = |step: Step| Script::new(vec![]).then(WhenDone::Fixed(step));
    let cases: [(Step, bool); 4] = [
        (Step::respond(503, "slow down"), true),
        (Step::respond(429, "slow down"), true),
        (Step::respond(403, "forbidden"), false),
        (Step::respond(404, "no such path"), false),
    ];
    for (step, retryable) in cases {
        let status = format!("{step:?}");

        // The container endpoint.
        let server = FaultServer::start(always(step.clone()));
        let (_dir, cfg) = config(
            "container",
            "",
            &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &server.url())],
        );
        let err = call_with(ContainerProvider::new(&cfg));
        let sts_blocking::Error::Credentials(inner) = &err else {
            panic!("{status}: {err}");
        };
        assert_eq!(
            inner.kind(),
            CredentialsErrorKind::Failed,
            "{status}: {err}"
        );
        assert_eq!(err.is_retryable(), retryable, "container, {status}: {err}");

        // Instance metadata, answering the role listing so (the token
        // first: a 404 there would turn IMDSv1 on, and 403 refuses).
        let server = FaultServer::start(
            Script::new(vec![Step::respond(200, "imds-token")]).then(WhenDone::Fixed(step.clone())),
        );
        let (_dir, cfg) = config(
            "imds",
            "",
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url())],
        );
        let err = call_with(ImdsProvider::new(&cfg));
        assert!(
            matches!(&err, sts_blocking::Error::Credentials(_)),
            "{status}: {err}"
        );
        assert_eq!(err.is_retryable(), retryable, "imds, {status}: {err}");

        // The SSO portal, with a cached token.
        let server = FaultServer::start(always(step));
        let (home, cfg) = config(
            "sso",
            "[default]\nsso_session = s\nsso_account_id = 123456789012\n\
             sso_role_name = Developer\n[sso-session s]\n\
             sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
            &[("AWS_ENDPOINT_URL_SSO", &server.url())],
        );
        let session = sts_blocking::credentials::SsoSession::named(
            "s",
            "https://example.awsapps.com/start",
            "us-east-1",
        );
        let cache = home.join(".aws/sso/cache");
        std::fs::create_dir_all(&cache).unwrap();
        let in_an_hour = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
        std::fs::write(
            cache.join(session.cache_file_name()),
            format!(
                r#"{{"startUrl":"https://example.awsapps.com/start","region":"us-east-1",
                   "accessToken":"cached","expiresAt":"{}"}}"#,
                sts_proto::time::format_timestamp(in_an_hour)
            ),
        )
        .unwrap();
        let err = call_with(ProfileProvider::new(&cfg));
        assert!(err.to_string().contains("GetRoleCredentials"), "{err}");
        assert_eq!(err.is_retryable(), retryable, "sso, {status}: {err}");
    }

    // A role profile: the STS error it got decides, through the cause.
    for (step, retryable) in [
        (
            Step::xml(503, canned::error("ServiceUnavailable", "try later")),
            true,
        ),
        (
            Step::xml(403, canned::error("AccessDenied", "not allowed")),
            false,
        ),
    ] {
        let server = FaultServer::start(always(step));
        let (_dir, cfg) = config(
            "role-retryable",
            &role_profile(&server, "max_attempts = 1\n"),
            &[],
        );
        let err = call_with(ProfileProvider::new(&cfg));
        assert_eq!(err.is_retryable(), retryable, "{err}");
    }
}
