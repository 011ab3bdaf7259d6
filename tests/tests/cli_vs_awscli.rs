//! The `sts` tool against the AWS CLI v1 itself: the same commands, run
//! against the same moto, through `aws sts …` and `sts …`, in json, text
//! and table output, with and without `--query`, compared byte for byte.
//!
//! What legitimately differs between two calls (fresh credentials, the
//! role id moto makes up, times) is masked: each such value is replaced by
//! `#`s of the same length, so that table layouts still compare. Every
//! other difference fails unless [`DELIBERATE`] lists it with its reason.

use std::process::{Command, Output};

use sts_tests::Moto;

/// Differences kept on purpose: (command, output, query, why).
const DELIBERATE: &[(&str, &str, &str, &str)] = &[];

/// Operations whose `--generate-cli-skeleton input` is compared.
const SKELETON_OPERATIONS: &[&str] = &[
    "assume-role",
    "assume-role-with-saml",
    "assume-role-with-web-identity",
    "assume-root",
    "decode-authorization-message",
    "get-access-key-info",
    "get-caller-identity",
    "get-delegated-access-token",
    "get-federation-token",
    "get-session-token",
    "get-web-identity-token",
];

/// The commands both tools run, with three queries each: a field, a
/// multi-select hash and a filter.
fn commands(moto: &Moto) -> Vec<(Vec<String>, [&'static str; 3])> {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    vec![
        (
            s(&["get-caller-identity"]),
            [
                "Account",
                "{User: Arn, Id: UserId}",
                "[@][?Account == '123456789012'].Arn",
            ],
        ),
        (
            s(&[
                "assume-role",
                "--role-arn",
                &moto.role_arn,
                "--role-session-name",
                "diff-session",
                "--tags",
                "Key=Project,Value=Unicorn",
                "Key=Team,Value=Blue",
                "--policy",
                policy,
            ]),
            [
                "AssumedRoleUser.Arn",
                "{Key: Credentials.AccessKeyId, Size: PackedPolicySize}",
                "[AssumedRoleUser][?starts_with(Arn, 'arn:aws:sts')]",
            ],
        ),
        (
            s(&["get-session-token", "--duration-seconds", "900"]),
            [
                "Credentials.Expiration",
                "{Id: Credentials.AccessKeyId, Expires: Credentials.Expiration}",
                "[Credentials][?AccessKeyId != null].SessionToken",
            ],
        ),
        (
            s(&[
                "get-federation-token",
                "--name",
                "diffuser",
                "--policy",
                policy,
            ]),
            [
                "FederatedUser",
                "{User: FederatedUser.Arn, Size: PackedPolicySize}",
                "[FederatedUser][?contains(Arn, 'diffuser')].FederatedUserId",
            ],
        ),
        (
            s(&[
                "get-access-key-info",
                "--access-key-id",
                &moto.access_key_id,
            ]),
            [
                "Account",
                "{Owner: Account}",
                "[@][?Account != null].Account",
            ],
        ),
    ]
}

/// Runs one tool with moto's keys and region, no profile files but
/// `config`.
fn run(program: &mut Command, moto: &Moto, home: &std::path::Path, config: &str) -> Output {
    program
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", &moto.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &moto.secret_access_key)
        .env("AWS_DEFAULT_REGION", &moto.region)
        .env("AWS_CONFIG_FILE", home.join(config))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"));
    sts_tests::process::run_bounded(program, std::time::Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("{program:?}: {e}"))
}

/// Characters a masked value is made of (and that end it).
fn in_token(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/+=:._-".contains(c)
}

/// Whether `t` changes from one call to the next: an access key id, a
/// secret key, a session token, a role id or a time.
fn volatile(t: &str) -> bool {
    let b64 = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/+=".contains(c))
    };
    let time = t.len() >= 19
        && t.as_bytes()[4] == b'-'
        && t.as_bytes()[10] == b'T'
        && t[..4].chars().all(|c| c.is_ascii_digit());
    (t.starts_with("ASIA") && t.len() == 20)
        || (t.starts_with("AROA") && t.contains(':'))
        || (t.len() == 40 && b64(t))
        || (t.len() >= 60 && b64(t))
        || time
}

fn mask(text: &str) -> String {
    let mut out = String::new();
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if volatile(token) {
            out.push_str(&"#".repeat(token.chars().count()));
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in text.chars() {
        if in_token(c) {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

#[test]
fn sts_prints_what_the_aws_cli_prints() {
    let aws = match sts_tests::tools::awscli() {
        Ok(aws) => aws,
        Err(e) => {
            sts_tests::tools::skip(&format!("the AWS CLI v1 cannot be installed: {e}"));
            return;
        }
    };
    let moto = Moto::shared_auth();
    let home = std::env::temp_dir().join(format!("sts-vs-awscli-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    // The AWS CLI v1 prints a time as the service wrote it unless told
    // to print it as v2 does by default (`iso8601`), which `sts` follows.
    std::fs::write(
        home.join("aws-v1-config"),
        "[default]\ncli_timestamp_format = iso8601\n",
    )
    .unwrap();
    let mut compared = 0;
    let mut deliberate = 0;
    let mut failures = Vec::new();
    for (args, queries) in commands(moto) {
        for output in ["json", "text", "table"] {
            for query in std::iter::once(None).chain(queries.iter().map(Some)) {
                let mut common: Vec<String> = vec![
                    "--endpoint-url".into(),
                    moto.endpoint.clone(),
                    "--output".into(),
                    output.into(),
                ];
                if let Some(q) = query {
                    common.extend(["--query".into(), (*q).to_owned()]);
                }
                let theirs = run(
                    Command::new(&aws).arg("sts").args(&args).args(&common),
                    moto,
                    &home,
                    "aws-v1-config",
                );
                let ours = run(
                    Command::new(sts_tests::cargo::sts_binary())
                        .args(&args)
                        .args(&common),
                    moto,
                    &home,
                    "none",
                );
                compared += 1;
                let (t, o) = (
                    mask(&String::from_utf8_lossy(&theirs.stdout)),
                    mask(&String::from_utf8_lossy(&ours.stdout)),
                );
                let same = t == o && theirs.status.code() == ours.status.code();
                let q = query.copied().unwrap_or("");
                let listed = DELIBERATE
                    .iter()
                    .any(|(c, out, dq, _)| *c == args[0] && *out == output && *dq == q);
                let what = format!("sts {} --output {output} --query {q:?}", args[0]);
                match (same, listed) {
                    (true, false) => {}
                    (false, true) => deliberate += 1,
                    (true, true) => failures.push(format!(
                        "{what}: listed as a deliberate difference but prints the same"
                    )),
                    (false, false) => failures.push(format!(
                        "{what}:\n--- aws (exit {:?}, stderr {})\n{t}--- sts (exit {:?}, stderr {})\n{o}",
                        theirs.status.code(),
                        String::from_utf8_lossy(&theirs.stderr).trim(),
                        ours.status.code(),
                        String::from_utf8_lossy(&ours.stderr).trim(),
                    )),
                }
            }
        }
    }
    // Input skeletons: every operation of the model that both know.
    for op in SKELETON_OPERATIONS {
        let args = [*op, "--generate-cli-skeleton", "input"];
        let theirs = run(
            Command::new(&aws).arg("sts").args(args),
            moto,
            &home,
            "aws-v1-config",
        );
        let ours = run(
            Command::new(sts_tests::cargo::sts_binary()).args(args),
            moto,
            &home,
            "none",
        );
        compared += 1;
        if theirs.stdout != ours.stdout || theirs.status.code() != ours.status.code() {
            failures.push(format!(
                "sts {op} --generate-cli-skeleton input:\n--- aws\n{}{}--- sts\n{}{}",
                String::from_utf8_lossy(&theirs.stdout),
                String::from_utf8_lossy(&theirs.stderr),
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&ours.stderr),
            ));
        }
    }
    println!(
        "compared {compared} commands with the AWS CLI v1: {} identical, {deliberate} deliberate differences, {} undocumented",
        compared - deliberate - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
