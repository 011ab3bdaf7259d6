//! The `sts` binary's profiles: settings that reach the tool, the keys and
//! region a profile chooses, role profiles, and unknown profile names.

mod cli_support;

use cli_support::*;
use sts_tests::{FaultServer, Step, canned};

/// The key id and region a recorded request was signed with, from its
/// `Authorization` header's credential scope.
fn signed_as(request: &sts_tests::RecordedRequest) -> (String, String) {
    let auth = request.header("authorization").expect("a signed request");
    let scope = auth
        .split("Credential=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap_or_else(|| panic!("no credential scope in {auth}"));
    let parts: Vec<&str> = scope.split('/').collect();
    (parts[0].to_owned(), parts[2].to_owned())
}

const PROFILES: &str = "[default]\n\
    aws_access_key_id = AKIDDEFAULT\n\
    aws_secret_access_key = default-secret\n\
    [profile prod]\n\
    region = eu-west-2\n\
    aws_access_key_id = AKIDPROD\n\
    aws_secret_access_key = prod-secret\n\
    [profile chained]\n\
    role_arn = arn:aws:iam::123456789012:role/chained\n\
    role_session_name = chained-session\n\
    source_profile = prod\n";

/// Environment naming a config file with [`PROFILES`] (and no credentials file).
fn profile_env(dir: &std::path::Path) -> Vec<(String, String)> {
    let config = dir.join("config");
    std::fs::write(&config, PROFILES).unwrap();
    vec![
        ("AWS_CONFIG_FILE".into(), config.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            dir.join("no-credentials").display().to_string(),
        ),
    ]
}

#[test]
fn the_profile_settings_reach_the_tool_and_bad_ones_stop_it() {
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, canned::caller_identity("arn:x"))])
            .then(sts_tests::WhenDone::RepeatLast),
    );
    let dir = own_dir("profile-settings");
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile prod]\nregion = eu-north-1\nendpoint_url = {}\nmax_attempts = 1\n\
             aws_access_key_id = AKIDPROD\naws_secret_access_key = prod-secret\n\
             [profile slash]\nregion = eu/north-1\n\
             aws_access_key_id = AKIDSLASH\naws_secret_access_key = slash-secret\n",
            server.url()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let missing = dir.join("none").display().to_string();
    let files = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", missing.as_str()),
    ];
    // --profile and AWS_PROFILE: the prod keys, region and endpoint, with
    // no flag naming the endpoint.
    stdout(&sts(&["--profile", "prod", "get-caller-identity"], &files));
    let mut with_env = files.to_vec();
    with_env.push(("AWS_PROFILE", "prod"));
    stdout(&sts(&["get-caller-identity"], &with_env));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(
            signed_as(r),
            ("AKIDPROD".to_owned(), "eu-north-1".to_owned())
        );
    }
    // A bad value in the profile stops the tool before anything is sent,
    // naming the setting and where it is.
    let out = sts(&["--profile", "slash", "get-caller-identity"], &files);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("region") && err.contains("profile \"slash\"") && err.contains(&config),
        "{err}"
    );
    let out = sts(
        &["get-caller-identity"],
        &[("AWS_MAX_ATTEMPTS", "0"), ("AWS_REGION", "us-east-1")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("AWS_MAX_ATTEMPTS"),
        "{err}"
    );
    assert_eq!(server.requests_seen(), 2);
}

#[test]
fn profile_chooses_the_signing_keys_and_region() {
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, canned::caller_identity("arn:x"))])
            .then(sts_tests::WhenDone::RepeatLast),
    );
    let url = server.url();
    let dir = own_dir("profile-keys");
    let files = profile_env(&dir);
    let run = |args: &[&str], extra: &[(&str, &str)]| {
        let mut env: Vec<(&str, &str)> = files
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        env.extend_from_slice(extra);
        let mut full = vec!["--endpoint-url", url.as_str()];
        full.extend_from_slice(args);
        full.push("get-caller-identity");
        stdout(&sts(&full, &env));
        let requests = server.requests();
        signed_as(requests.last().unwrap())
    };
    let pair = |k: &str, r: &str| (k.to_owned(), r.to_owned());
    // --profile: that profile's keys and region.
    assert_eq!(
        run(&["--profile", "prod"], &[]),
        pair("AKIDPROD", "eu-west-2")
    );
    // Without it: the default profile, and the fallback region.
    assert_eq!(run(&[], &[]), pair("AKIDDEFAULT", "us-east-1"));
    // An explicit --profile wins over keys in the environment...
    assert_eq!(
        run(&["--profile", "prod"], &KEYS),
        pair("AKIDPROD", "eu-west-2")
    );
    // ...while AWS_PROFILE alone loses to them, but still gives the region.
    let mut keys_and_profile = KEYS.to_vec();
    keys_and_profile.push(("AWS_PROFILE", "prod"));
    assert_eq!(
        run(&[], &keys_and_profile),
        pair("AKIDEXAMPLE", "eu-west-2")
    );
    assert_eq!(
        run(&[], &[("AWS_PROFILE", "prod")]),
        pair("AKIDPROD", "eu-west-2")
    );
    // --region and AWS_REGION win over the profile's region.
    assert_eq!(
        run(&["--profile", "prod", "--region", "ap-east-1"], &[]),
        pair("AKIDPROD", "ap-east-1")
    );
    assert_eq!(
        run(&["--profile", "prod"], &[("AWS_REGION", "sa-east-1")]),
        pair("AKIDPROD", "sa-east-1")
    );
}

#[test]
fn profile_with_a_role_assumes_it_with_the_source_profile_keys() {
    let server = FaultServer::start(vec![
        Step::xml(200, assume_role_answer()),
        Step::xml(200, canned::caller_identity("arn:chained")),
    ]);
    let url = server.url();
    let dir = own_dir("profile-role");
    let files = profile_env(&dir);
    let mut env: Vec<(&str, &str)> = files
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    env.extend_from_slice(&KEYS);
    let out = stdout(&sts(
        &[
            "--endpoint-url",
            &url,
            "--profile",
            "chained",
            "get-caller-identity",
        ],
        &env,
    ));
    assert!(out.contains("arn:chained"), "{out}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let assume = requests[0].body_text();
    assert!(
        assume.starts_with("Action=AssumeRole&")
            && assume.contains("RoleSessionName=chained-session"),
        "{assume}"
    );
    assert_eq!(signed_as(&requests[0]).0, "AKIDPROD");
    assert_eq!(signed_as(&requests[1]).0, "ASIAFAULTSERVER");
    assert_eq!(
        requests[1].header("x-amz-security-token"),
        Some("fault-token")
    );
}

/// A role profile whose `AssumeRole` STS refuses fails as that call, in
/// the AWS CLI's words and with its exit status for a service error (254),
/// not as a credentials failure (253): scripts look for `An error occurred
/// (AccessDenied) when calling the AssumeRole operation`. Under --debug
/// the profile and role it was for come first.
#[test]
fn a_refused_role_of_a_profile_fails_as_the_assume_role_call() {
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(
            403,
            canned::error("AccessDenied", "not authorized to assume"),
        )])
        .then(sts_tests::WhenDone::RepeatLast),
    );
    let url = server.url();
    let dir = own_dir("profile-role-refused");
    let files = profile_env(&dir);
    let env: Vec<(&str, &str)> = files
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let args = [
        "--endpoint-url",
        &url,
        "--profile",
        "chained",
        "get-caller-identity",
    ];
    let o = sts(&args, &env);
    assert_eq!(o.status.code(), Some(254), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.trim_end().lines().last(),
        Some(
            "An error occurred (AccessDenied) when calling the AssumeRole operation: \
             not authorized to assume"
        ),
        "{err}"
    );
    // Only the role was asked for: the call itself was never sent.
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.body_text().starts_with("Action=AssumeRole&"))
    );

    let mut debug = vec!["--debug"];
    debug.extend_from_slice(&args);
    let err = String::from_utf8_lossy(&sts(&debug, &env).stderr).into_owned();
    assert!(
        err.contains("sts: debug: no credentials from profile \"chained\"")
            && err.contains("arn:aws:iam::123456789012:role/chained"),
        "{err}"
    );
}

#[test]
fn an_unknown_profile_is_an_error_and_nothing_is_sent() {
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let dir = own_dir("profile-unknown");
    let files = profile_env(&dir);
    let config = dir.join("config").display().to_string();
    let mut env: Vec<(&str, &str)> = files
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // Keys in the environment must not rescue a mistyped profile.
    env.extend_from_slice(&KEYS);
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "--profile",
            "prdo",
            "get-caller-identity",
        ],
        &env,
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("\"prdo\"") && err.contains("not defined") && err.contains(&config),
        "{err}"
    );
    assert!(o.stdout.is_empty());

    env.push(("AWS_PROFILE", "prdo"));
    let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &env);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("\"prdo\""),
        "{o:?}"
    );
    assert_eq!(server.requests_seen(), 0);
}

/// Runs `sts` as [`sts`] does, with `stdin` as its input and no
/// controlling terminal (`setsid`), so that a prompt falls back to stdin
/// even when the tests run in a terminal.
fn sts_without_terminal(args: &[&str], env: &[(&str, &str)], stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let home = scratch_home();
    let mut cmd = Command::new("setsid");
    cmd.arg("-w")
        .arg(sts_tests::cargo::sts_binary())
        .args(args)
        .env_clear()
        .env("HOME", &home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("setsid (util-linux) runs sts");
    let mut input = child.stdin.take().expect("a piped stdin");
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// A role profile with `mfa_serial`: the tool asks for the device's code,
/// as the AWS CLI does, and sends it with the serial; with no code given,
/// nothing is sent.
#[test]
fn a_profile_with_an_mfa_device_asks_for_its_code_and_sends_it() {
    let server = FaultServer::start(vec![
        Step::xml(200, assume_role_answer()),
        Step::xml(200, canned::caller_identity("arn:mfa")),
    ]);
    let url = server.url();
    let dir = own_dir("profile-mfa");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\
         [profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/admin\n\
         source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
    )
    .unwrap();
    let config = config.display().to_string();
    let missing = dir.join("none").display().to_string();
    let env = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", missing.as_str()),
        ("AWS_REGION", "us-east-1"),
    ];
    let args = [
        "--endpoint-url",
        &url,
        "--profile",
        "mfa",
        "get-caller-identity",
    ];

    let out = sts_without_terminal(&args, &env, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(253), "{stderr}");
    assert!(stderr.contains("no MFA code was entered"), "{stderr}");
    assert!(server.requests().is_empty());

    let out = sts_without_terminal(&args, &env, " 123456\n");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.contains("Enter MFA code for arn:aws:iam::123456789012:mfa/alice: "),
        "{stderr}"
    );
    assert!(stdout(&out).contains("arn:mfa"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let assume = requests[0].body_text();
    assert_sent(
        &assume,
        &[
            "Action=AssumeRole",
            "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice",
            "TokenCode=123456",
        ],
    );
    assert_eq!(signed_as(&requests[0]).0, "AKIDBASE");
    // The code is the user's secret for its thirty seconds: not echoed.
    assert!(!stderr.contains("123456\n"), "{stderr}");
}

/// The profile's `cli_timestamp_format` chooses how result timestamps are
/// printed, as in the AWS CLI: `iso8601` (the default), `wire` or `none`
/// as STS sends them; another value is refused before anything is sent.
#[test]
fn the_profiles_timestamp_format_is_followed() {
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, assume_role_answer())])
            .then(sts_tests::WhenDone::RepeatLast),
    );
    let url = server.url();
    let dir = own_dir("profile-timestamp-format");
    let run = |format: &str| {
        let config = dir.join(format!("config-{format}"));
        std::fs::write(
            &config,
            format!(
                "[profile p]\naws_access_key_id = AKIDP\naws_secret_access_key = p-secret\n\
                 cli_timestamp_format = {format}\n"
            ),
        )
        .unwrap();
        let config = config.display().to_string();
        let missing = dir.join("none").display().to_string();
        sts(
            &[
                "--endpoint-url",
                &url,
                "--region",
                "us-east-1",
                "--profile",
                "p",
                "--output",
                "text",
                "--query",
                "Credentials.Expiration",
                "assume-role",
                "--role-arn",
                "arn:aws:iam::123456789012:role/r",
                "--role-session-name",
                "ss",
            ],
            &[
                ("AWS_CONFIG_FILE", config.as_str()),
                ("AWS_SHARED_CREDENTIALS_FILE", missing.as_str()),
            ],
        )
    };
    assert_eq!(stdout(&run("iso8601")), "2030-01-01T00:00:00+00:00\n");
    assert_eq!(stdout(&run("wire")), "2030-01-01T00:00:00Z\n");
    assert_eq!(stdout(&run("none")), "2030-01-01T00:00:00Z\n");
    let sent = server.requests().len();
    let out = run("epoch");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(253), "{err}");
    assert!(
        err.contains("cli_timestamp_format") && err.contains("epoch"),
        "{err}"
    );
    assert_eq!(server.requests().len(), sent, "nothing sent");
}

/// `aws configure set … --profile "my team"` writes `[my team]` in the
/// credentials file (and `[profile 'my team']` in the config file). The
/// credentials-file section used to be dropped as an invalid name, so
/// `--profile "my team"` found no keys and went on down the chain: with a
/// container endpoint about, the call was signed as the container's role.
/// The files here are written by the AWS CLI itself.
#[test]
fn a_profile_name_with_a_space_as_the_aws_cli_writes_it_signs_with_its_keys() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let dir = own_dir("profile-with-a-space");
    let files = [
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("credentials").display().to_string(),
        ),
    ];
    for (key, value) in [
        ("aws_access_key_id", "AKIDTEAM"),
        ("aws_secret_access_key", "team-secret"),
        ("region", "eu-west-1"),
    ] {
        let set = std::process::Command::new(&aws)
            .args(["configure", "set", key, value, "--profile", "my team"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &dir)
            .envs(files.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap();
        assert!(set.status.success(), "{set:?}");
    }
    let credentials = std::fs::read_to_string(dir.join("credentials")).unwrap();
    assert!(credentials.contains("[my team]"), "{credentials}");

    let container = FaultServer::start(
        sts_tests::Script::new(vec![Step::respond(
            200,
            r#"{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"container-secret","Token":"container-token","Expiration":"2099-01-01T00:00:00Z"}"#,
        )])
        .then(sts_tests::WhenDone::RepeatLast),
    );
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, canned::caller_identity("arn:x"))])
            .then(sts_tests::WhenDone::RepeatLast),
    );
    let container_url = format!("{}/creds", container.url());
    let mut env: Vec<(&str, &str)> = files.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("AWS_CONTAINER_CREDENTIALS_FULL_URI", &container_url));
    let url = server.url();
    stdout(&sts(
        &[
            "--endpoint-url",
            &url,
            "--profile",
            "my team",
            "get-caller-identity",
        ],
        &env,
    ));
    let requests = server.requests();
    assert_eq!(
        signed_as(requests.last().unwrap()),
        ("AKIDTEAM".to_owned(), "eu-west-1".to_owned())
    );
    assert_eq!(container.requests_seen(), 0, "the container was asked");
}

/// Runs the AWS CLI with only `env` (and `PATH`); it must succeed.
fn run_aws_cli(aws: &std::path::Path, args: &[&str], env: &[(&str, String)]) {
    let out = std::process::Command::new(aws)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

/// The one file in the cache directory `dir`, which must be owner-only.
fn the_one_owner_only_file(dir: &std::path::Path) -> std::path::PathBuf {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    files[0].clone()
}

/// The AWS CLI keeps the credentials of a role a profile assumes in
/// `~/.aws/cli/cache` and uses them until 15 minutes before they expire,
/// so a role with `mfa_serial` asks for its code once per session. `sts`
/// assumed the role (and asked for the code) on every run. It now shares
/// that cache with the AWS CLI, both ways: each uses what the other wrote.
#[test]
fn role_credentials_are_shared_with_the_aws_clis_cache() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let home = own_dir("role-cache-home");
    let config = home.join("config");
    std::fs::write(
        &config,
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\
         [profile role]\nrole_arn = arn:aws:iam::123456789012:role/cached\n\
         source_profile = base\nexternal_id = ext-1\nrole_session_name = cached-session\n\
         duration_seconds = 3600\nregion = eu-west-1\n",
    )
    .unwrap();
    let server = FaultServer::with_handler(|r: &sts_tests::RecordedRequest| {
        if r.body_text().contains("Action=AssumeRole") {
            Step::xml(200, assume_role_answer())
        } else {
            Step::xml(200, canned::caller_identity("arn:x"))
        }
    });
    let url = server.url();
    let env = [
        ("HOME", home.display().to_string()),
        ("AWS_CONFIG_FILE", config.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-credentials").display().to_string(),
        ),
        ("AWS_ENDPOINT_URL_STS", url.clone()),
    ];
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let assumed = || {
        server
            .requests()
            .iter()
            .filter(|r| r.body_text().contains("Action=AssumeRole"))
            .count()
    };
    let last_signer = || signed_as(server.requests().last().unwrap()).0;
    let run_aws = || {
        run_aws_cli(
            &aws,
            &["sts", "get-caller-identity", "--profile", "role"],
            &env,
        )
    };
    let run_sts = || {
        stdout(&sts(
            &["--profile", "role", "get-caller-identity"],
            &env_refs,
        ))
    };
    let cache = home.join(".aws/cli/cache");

    // The AWS CLI assumes the role and caches it; sts uses its file.
    run_aws();
    assert_eq!(assumed(), 1);
    run_sts();
    assert_eq!(assumed(), 1, "sts assumed the role the AWS CLI had cached");
    assert_eq!(last_signer(), "ASIAFAULTSERVER");

    // sts assumes it and caches it, owner-only; the AWS CLI uses its file.
    std::fs::remove_dir_all(&cache).unwrap();
    run_sts();
    assert_eq!(assumed(), 2);
    let files = [the_one_owner_only_file(&cache)];
    run_aws();
    assert_eq!(assumed(), 2, "the AWS CLI assumed the role sts had cached");
    assert_eq!(last_signer(), "ASIAFAULTSERVER");

    // Credentials within 15 minutes of their expiry are not used (written
    // as the AWS CLI writes a time, `…UTC`).
    let soon = std::time::SystemTime::now() + std::time::Duration::from_secs(600);
    let soon = sts_blocking::sts_proto::time::format_timestamp(soon).replace('Z', "UTC");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let expiring = text.replace("2030-01-01T00:00:00Z", &soon);
    assert_ne!(text, expiring);
    std::fs::write(&files[0], expiring).unwrap();
    run_sts();
    assert_eq!(assumed(), 3, "credentials about to expire were used");
}

/// The AWS CLI caches web identity roles (`AWS_WEB_IDENTITY_TOKEN_FILE`
/// and `AWS_ROLE_ARN`, as EKS sets them) in the same cache; `sts` called
/// `AssumeRoleWithWebIdentity` on every run. The two now share those files
/// too, both ways.
#[test]
fn web_identity_credentials_are_shared_with_the_aws_clis_cache() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let home = own_dir("web-identity-cache-home");
    let token = home.join("token");
    std::fs::write(&token, "eyJ.web-identity.token").unwrap();
    let server = FaultServer::with_handler(|r: &sts_tests::RecordedRequest| {
        if r.body_text().contains("Action=AssumeRoleWithWebIdentity") {
            Step::xml(
                200,
                canned::success(
                    "AssumeRoleWithWebIdentity",
                    &format!(
                        "{}<AssumedRoleUser><AssumedRoleId>AROA:pod</AssumedRoleId>\
                         <Arn>arn:aws:sts::123456789012:assumed-role/web/pod</Arn>\
                         </AssumedRoleUser>",
                        canned::credentials()
                    ),
                ),
            )
        } else {
            Step::xml(200, canned::caller_identity("arn:x"))
        }
    });
    let url = server.url();
    let env = [
        ("HOME", home.display().to_string()),
        (
            "AWS_CONFIG_FILE",
            home.join("no-config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-credentials").display().to_string(),
        ),
        ("AWS_ENDPOINT_URL_STS", url.clone()),
        ("AWS_DEFAULT_REGION", "eu-west-1".to_owned()),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.display().to_string()),
        (
            "AWS_ROLE_ARN",
            "arn:aws:iam::123456789012:role/web".to_owned(),
        ),
        ("AWS_ROLE_SESSION_NAME", "pod-1".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ];
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let assumed = || {
        server
            .requests()
            .iter()
            .filter(|r| r.body_text().contains("Action=AssumeRoleWithWebIdentity"))
            .count()
    };
    let last_signer = || signed_as(server.requests().last().unwrap()).0;
    let run_aws = || run_aws_cli(&aws, &["sts", "get-caller-identity"], &env);
    let run_sts = || stdout(&sts(&["get-caller-identity"], &env_refs));
    let cache = home.join(".aws/cli/cache");

    // The AWS CLI assumes the role and caches it; sts uses its file.
    run_aws();
    assert_eq!(assumed(), 1);
    run_sts();
    assert_eq!(assumed(), 1, "sts assumed the role the AWS CLI had cached");
    assert_eq!(last_signer(), "ASIAFAULTSERVER");

    // sts assumes it and caches it, owner-only; the AWS CLI uses its file.
    std::fs::remove_dir_all(&cache).unwrap();
    run_sts();
    assert_eq!(assumed(), 2);
    let files = [the_one_owner_only_file(&cache)];
    run_aws();
    assert_eq!(assumed(), 2, "the AWS CLI assumed the role sts had cached");
    assert_eq!(last_signer(), "ASIAFAULTSERVER");
    // Neither the token nor the key reached the file's name or the tool's
    // output; the token is not in the file at all.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains("web-identity.token"), "{text}");
}
