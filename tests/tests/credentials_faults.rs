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
use sts_tests::{FaultServer, Step, canned};

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

/// Profile files in a scratch folder and an environment that sees only them.
fn config(name: &str, config: &str, vars: &[(&str, &str)]) -> ProviderConfig {
    let dir = std::env::temp_dir().join(format!("sts-creds-faults-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    ProviderConfig::new().with_env(MapEnv::new(env))
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
    let cfg = config(
        "mfa",
        &role_profile(
            &server,
            "mfa_serial = arn:aws:iam::123456789012:mfa/me\nexternal_id = ext-123\n\
             duration_seconds = 1800\nrole_session_name = mfa-session\n",
        ),
        &[],
    )
    .with_mfa_token_provider(|serial: &str| {
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
    let cfg = config(
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
    let cfg = config(
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
    let cfg = config("env-source-missing", &profile, &[]);
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
    let cfg = config("refused", &role_profile(&server, ""), &[]);
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
        let cfg = config(&format!("secrets-{i}"), profile, vars);
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
