//! The `sts` tool against the AWS CLI v1 itself: the same commands, run
//! against the same moto, through `aws sts …` and `sts …`, in json, text
//! and table output, with and without `--query`, compared byte for byte.
//!
//! What legitimately differs between two calls (fresh credentials, the
//! role id moto makes up, times) is masked: each such value is replaced by
//! `#`s of the same length, so that table layouts still compare. Every
//! other difference fails unless [`DELIBERATE`] lists it with its reason.

use std::process::{Command, Output};

use sts_tests::{Moto, ScratchDir};

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

/// Members of the STS model (botocore 1.44.8, `testdata/sts-model`) that
/// the AWS CLI v1's own copy (awscli 1.46.3 carries botocore 1.43.62) does
/// not have yet, so its skeletons lack them: they are taken out of ours
/// before the two are compared. `get-scoped-credentials` is missing from
/// [`SKELETON_OPERATIONS`] for the same reason. The comparison checks that
/// the AWS CLI still lacks each, so that this list goes once it catches up.
const NEWER_THAN_THE_AWS_CLI: &[&str] = &["MinimumSessionTokenSize", "Scope", "SubjectMode"];

/// `skeleton` (a JSON object, one member per line at four spaces) without
/// its top-level members named in [`NEWER_THAN_THE_AWS_CLI`].
fn without_newer_members(skeleton: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in skeleton.lines() {
        let newer = NEWER_THAN_THE_AWS_CLI
            .iter()
            .any(|m| line.starts_with(&format!("    \"{m}\": ")));
        if !newer {
            lines.push(line.to_owned());
        } else if !line.ends_with(',') {
            // The last member went: the one before it is the last now.
            if let Some(previous) = lines.last_mut()
                && let Some(stripped) = previous.strip_suffix(',')
            {
                *previous = stripped.to_owned();
            }
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

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
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let moto = Moto::shared_auth();
    let home = ScratchDir::new("vs-awscli");
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
        let theirs_text = String::from_utf8_lossy(&theirs.stdout);
        for member in NEWER_THAN_THE_AWS_CLI {
            assert!(
                !theirs_text.contains(&format!("\"{member}\"")),
                "the AWS CLI knows {member} now: take it out of NEWER_THAN_THE_AWS_CLI"
            );
        }
        let ours_text = without_newer_members(&String::from_utf8_lossy(&ours.stdout));
        if theirs_text != ours_text || theirs.status.code() != ours.status.code() {
            failures.push(format!(
                "sts {op} --generate-cli-skeleton input:\n--- aws\n{}{}--- sts\n{}{}",
                theirs_text,
                String::from_utf8_lossy(&theirs.stderr),
                ours_text,
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

/// The form body's parameters, sorted: the order is the only freedom.
fn parameters(body: &str) -> Vec<String> {
    let mut params: Vec<String> = body.split('&').map(str::to_owned).collect();
    params.sort();
    params
}

/// Runs `program` with `args` against a server of its own that answers
/// once with `answer`, with `home` as HOME and `env` beside the keys, one
/// attempt allowed; its output and the server.
fn against_canned(
    program: &mut Command,
    args: &[String],
    home: &std::path::Path,
    env: &[(&str, String)],
    answer: sts_tests::Step,
) -> Result<(Output, sts_tests::FaultServer), String> {
    let server = sts_tests::FaultServer::start(vec![answer]);
    program
        .args(args)
        .args(["--endpoint-url", &server.url(), "--region", "us-east-1"])
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .env("AWS_MAX_ATTEMPTS", "1");
    for (k, v) in env {
        program.env(k, v);
    }
    let out = sts_tests::process::run_bounded(program, std::time::Duration::from_secs(60))?;
    Ok((out, server))
}

/// Runs `program` against a server of its own that answers once, with
/// `home` as HOME and `env` beside the keys; the body it sent.
fn body_sent(
    program: &mut Command,
    args: &[String],
    home: &std::path::Path,
    env: &[(&str, String)],
) -> Result<String, String> {
    let answer = sts_tests::canned::caller_identity("arn:aws:iam::123456789012:user/x");
    let (out, server) =
        against_canned(program, args, home, env, sts_tests::Step::xml(200, answer))?;
    server
        .requests()
        .first()
        .map(|r| r.body_text())
        .ok_or_else(|| {
            format!(
                "nothing sent (exit {:?}): {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).trim()
            )
        })
}

/// An STS error document with an empty `<Message>`, or none, or one with
/// text: both tools print the same sentence (the AWS CLI puts a blank line
/// before it, which is not compared). Both in standard retry mode, which
/// the tool takes by default and the AWS CLI v1 does not: with one attempt
/// allowed, both then add ` (reached max retries: 0)`.
#[test]
fn sts_reports_service_errors_as_the_aws_cli_does() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let home = ScratchDir::new("vs-awscli-errors");
    let args = vec!["get-caller-identity".to_owned()];
    let mut failures = Vec::new();
    for message in [
        "<Message/>",
        "<Message></Message>",
        "",
        "<Message>User is not authorized</Message>",
    ] {
        let body = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <Error><Type>Sender</Type><Code>AccessDenied</Code>{message}</Error>\
             <RequestId>err-rid</RequestId></ErrorResponse>"
        );
        let stderr = |program: &mut Command| {
            let answer = sts_tests::Step::xml(403, body.clone());
            let env = [("AWS_RETRY_MODE", "standard".to_owned())];
            against_canned(program, &args, &home, &env, answer)
                .map(|(out, _)| String::from_utf8_lossy(&out.stderr).trim().to_owned())
        };
        let theirs = stderr(Command::new(&aws).arg("sts"));
        let ours = stderr(&mut Command::new(sts_tests::cargo::sts_binary()));
        if theirs != ours || ours.is_err() {
            failures.push(format!("{message:?}:\n  aws: {theirs:?}\n  sts: {ours:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Values as the AWS CLI reads them, compared on the wire: JSON lists of
/// strings, shorthand with quotes, escapes and spaces, `file://` paths
/// with `~` and variables, parameter documents with values starting with
/// `-` and empty lists. Each request must carry the same parameters,
/// but for what a case lists as sent by the AWS CLI alone.
#[test]
fn sts_sends_what_the_aws_cli_sends() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let home = ScratchDir::new("vs-awscli-wire");
    let files = home.join("files");
    std::fs::create_dir_all(&files).unwrap();
    // No trailing newline: the AWS CLI sends it, `sts` drops it.
    std::fs::write(files.join("keys.json"), r#"["Project", "Team"]"#).unwrap();
    std::fs::write(files.join("ext"), "ext-from-file").unwrap();
    std::fs::write(files.join("doc.json"), r#"{"SourceIdentity": "-from-doc"}"#).unwrap();
    // Written on Windows: both read it as Python's text mode does.
    std::fs::write(
        files.join("policy.json"),
        "{\"Version\":\r\n\"2012-10-17\",\r\"Statement\":[]}",
    )
    .unwrap();
    let env = [("STS_TEST_FILES", files.display().to_string())];
    let role = [
        "assume-role",
        "--role-arn",
        "arn:aws:iam::123456789012:role/r",
        "--role-session-name",
        "ss",
    ];
    let with_role = |more: &[&str]| -> Vec<String> {
        role.iter().chain(more).map(|a| (*a).to_owned()).collect()
    };
    // (arguments, parameters only the AWS CLI sends).
    let cases: Vec<(Vec<String>, &[&str])> = vec![
        (
            [
                "get-web-identity-token",
                "--audience",
                r#"["a1","a2"]"#,
                "--signing-algorithm",
                "RS256",
            ]
            .map(str::to_owned)
            .to_vec(),
            &[],
        ),
        (
            with_role(&["--transitive-tag-keys", "file://~/files/keys.json"]),
            &[],
        ),
        (
            with_role(&["--policy", "file://$STS_TEST_FILES/policy.json"]),
            &[],
        ),
        // Negative numbers are values, as argparse takes them.
        (
            with_role(&[
                "--external-id",
                "-12345",
                "--transitive-tag-keys",
                "a",
                "-1",
            ]),
            &[],
        ),
        (with_role(&sts_tests::cli_inputs::QUOTED_SHORTHAND), &[]),
        (
            with_role(&[
                "--external-id",
                "file://$STS_TEST_FILES/ext",
                "--cli-input-json",
                "file://${STS_TEST_FILES}/doc.json",
            ]),
            &[],
        ),
        (
            with_role(&[
                "--cli-input-json",
                r#"{"ExternalId": "-x1", "TransitiveTagKeys": ["-k"], "PolicyArns": []}"#,
            ]),
            // An empty list: the AWS CLI sends `PolicyArns=`, the library
            // writes no empty list (STS reads both as none).
            &["PolicyArns="],
        ),
    ];
    let mut failures = Vec::new();
    for (args, aws_only) in &cases {
        let theirs = body_sent(Command::new(&aws).arg("sts"), args, &home, &env);
        let ours = body_sent(
            &mut Command::new(sts_tests::cargo::sts_binary()),
            args,
            &home,
            &env,
        );
        match (theirs, ours) {
            (Ok(theirs), Ok(ours)) => {
                let mut theirs = parameters(&theirs);
                theirs.retain(|p| !aws_only.contains(&p.as_str()));
                if theirs != parameters(&ours) {
                    failures.push(format!(
                        "{args:?}:\n  aws sent {theirs:?}\n  sts sent {:?}",
                        parameters(&ours)
                    ));
                }
            }
            (theirs, ours) => {
                failures.push(format!("{args:?}:\n  aws: {theirs:?}\n  sts: {ours:?}"))
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A parameters document whose value has the wrong JSON type for its
/// parameter is refused by both tools, and neither sends anything: the
/// tool used to send an object's JSON text as a role ARN, a fraction's
/// digits as a duration, one word as a list, nothing for a null, and a
/// structure's member spelled `ARN` beside `arn` in its place. Both name the
/// parameter; the tool shows no value. (The tool also takes digits in a
/// string for an integer parameter, as its YAML reader leaves `0900`;
/// that is not compared.)
#[test]
fn sts_refuses_a_document_value_of_the_wrong_type_as_the_aws_cli_does() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let home = ScratchDir::new("vs-awscli-types");
    let mut failures = Vec::new();
    for (document, parameter) in [
        (
            r#"{"RoleArn": {"k": "arn:aws:iam::123456789012:role/r"}}"#,
            "RoleArn",
        ),
        (r#"{"ExternalId": ["x1"]}"#, "ExternalId"),
        (r#"{"ExternalId": true}"#, "ExternalId"),
        (r#"{"ExternalId": 1.5}"#, "ExternalId"),
        (r#"{"DurationSeconds": 900.5}"#, "DurationSeconds"),
        (r#"{"DurationSeconds": [900]}"#, "DurationSeconds"),
        (r#"{"TransitiveTagKeys": "Project"}"#, "TransitiveTagKeys"),
        (
            r#"{"PolicyArns": {"arn": "arn:aws:iam::aws:policy/x"}}"#,
            "PolicyArns",
        ),
        (r#"{"Tags": "Key=a,Value=b"}"#, "Tags"),
        (
            r#"{"roleArn": "arn:aws:iam::123456789012:role/r"}"#,
            "roleArn",
        ),
        (r#"{"ExternalId": null}"#, "ExternalId"),
        (r#"{"ExternalId": 123456789012345678901234}"#, "ExternalId"),
        (
            r#"{"TokenCode": 123456, "SerialNumber": "arn:aws:iam::1:mfa/u"}"#,
            "TokenCode",
        ),
        (r#"{"DurationSeconds": "s3cr3t"}"#, "DurationSeconds"),
        (
            r#"{"PolicyArns": [{"arn": "arn:aws:iam::aws:policy/A", "ARN": "arn:aws:iam::aws:policy/B"}]}"#,
            "PolicyArns",
        ),
        (r#"{"Tags": [{"key": "a", "value": "b"}]}"#, "Tags"),
        (
            r#"{"Tags": [{"Key": "a", "Value": {"s3cr3t": 1}}]}"#,
            "Tags",
        ),
        (
            r#"{"TransitiveTagKeys": ["a", ["s3cr3t"]]}"#,
            "TransitiveTagKeys",
        ),
        (
            r#"{"ProvidedContexts": [{"ProviderArn": "arn:aws:iam::aws:contextProvider/IdentityCenter", "ContextAssertion": 12345}]}"#,
            "ProvidedContexts",
        ),
    ] {
        let args: Vec<String> = [
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--role-session-name",
            "ss",
            "--cli-input-json",
            document,
        ]
        .map(str::to_owned)
        .to_vec();
        // The role ARN flag wins over the document's: drop it for the
        // case that puts the wrong type there.
        let args: Vec<String> = if parameter == "RoleArn" {
            args.into_iter()
                .filter(|a| a != "--role-arn" && a != "arn:aws:iam::123456789012:role/r")
                .collect()
        } else {
            args
        };
        let answer = || sts_tests::Step::xml(200, sts_tests::canned::caller_identity("arn:x"));
        for name in ["aws", "sts"] {
            let mut program = match name {
                "aws" => Command::new(&aws),
                _ => Command::new(sts_tests::cargo::sts_binary()),
            };
            if name == "aws" {
                program.arg("sts");
            }
            match against_canned(&mut program, &args, &home, &[], answer()) {
                Ok((out, server)) => {
                    let err = String::from_utf8_lossy(&out.stderr);
                    // The tool names types, not values, which can be
                    // secrets (the AWS CLI shows them).
                    let shows_value = name == "sts" && err.contains("s3cr3t");
                    if out.status.success()
                        || server.requests_seen() != 0
                        || !err.contains(parameter)
                        || shows_value
                    {
                        failures.push(format!(
                            "{name} {document}: exit {:?}, {} sent: {}",
                            out.status.code(),
                            server.requests_seen(),
                            err.trim()
                        ));
                    }
                }
                Err(e) => failures.push(format!("{name} {document}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The URL inside an EKS token (`k8s-aws-v1.` and the URL in base64url
/// without padding).
fn token_url(token: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let encoded = token.strip_prefix("k8s-aws-v1.").expect(token);
    let (mut bits, mut count, mut out) = (0u32, 0, Vec::new());
    for c in encoded.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).expect(token);
        bits = (bits << 6) | u32::try_from(v).unwrap();
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).unwrap());
        }
    }
    String::from_utf8(out).unwrap()
}

/// What must be the same in two presigned URLs made at different times:
/// everything but the signature and the time (in X-Amz-Date and in the
/// credential's scope), the parameters sorted.
fn timeless(url: &str) -> (String, Vec<String>) {
    let (base, query) = url.split_once('?').expect(url);
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.starts_with("X-Amz-Date=") && !p.starts_with("X-Amz-Signature="))
        .map(|p| match p.strip_prefix("X-Amz-Credential=") {
            Some(c) => {
                let mut parts: Vec<&str> = c.split("%2F").collect();
                parts[1] = "DATE";
                format!("X-Amz-Credential={}", parts.join("%2F"))
            }
            None => p.to_owned(),
        })
        .collect();
    params.sort();
    (base.to_owned(), params)
}

/// `sts eks-token` against `aws eks get-token`, with the flags kubeconfigs
/// carry (`--cluster-id` for Outposts, `--role-arn`, `--output json`) and
/// the `KUBERNETES_EXEC_INFO` kubectl sets: the same document, laid out
/// alike, and the same presigned URL in the token but for its time and
/// signature. `--role-arn` assumes the role (as `EKSGetTokenAuth`) at a
/// server of the test's that answers with the same credentials for both,
/// so that both tokens carry them.
#[test]
fn sts_eks_token_matches_aws_eks_get_token() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let home = ScratchDir::new("vs-awscli-eks");
    let role = "arn:aws:iam::123456789012:role/eks-admin";
    let v1 = r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#;
    // (arguments, KUBERNETES_EXEC_INFO).
    let cases: &[(&[&str], Option<&str>)] = &[
        (&["--cluster-name", "my-cluster"], None),
        (
            &["--cluster-name", "my-cluster", "--output", "json"],
            Some(v1),
        ),
        (
            &["--cluster-id", "0123abcd-ef45-6789-abcd-ef0123456789"],
            Some(v1),
        ),
        (&["--cluster-name", "my-cluster", "--role-arn", role], None),
        (
            &[
                "--cluster-id",
                "0123abcd",
                "--role-arn",
                role,
                "--output",
                "json",
            ],
            Some(v1),
        ),
        (&["--cluster-name", "my-cluster"], Some("{not json")),
    ];
    let mut failures = Vec::new();
    for (args, exec_info) in cases {
        let answer = sts_tests::canned::success(
            "AssumeRole",
            &format!(
                "{}<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:EKSGetTokenAuth</AssumedRoleId>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/eks-admin/EKSGetTokenAuth</Arn>\
                 </AssumedRoleUser>",
                sts_tests::canned::credentials()
            ),
        );
        let server = sts_tests::FaultServer::start(
            sts_tests::Script::new(vec![sts_tests::Step::xml(200, answer)])
                .then(sts_tests::WhenDone::RepeatLast),
        );
        let run = |program: &mut Command| {
            program
                .args(*args)
                .env_clear()
                .env("HOME", &home)
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                .env(
                    "AWS_SECRET_ACCESS_KEY",
                    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                )
                .env("AWS_DEFAULT_REGION", "us-west-2")
                .env("AWS_ENDPOINT_URL_STS", server.url())
                .env("AWS_CONFIG_FILE", home.join("none"))
                .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
                .env("AWS_MAX_ATTEMPTS", "1");
            if let Some(info) = exec_info {
                program.env("KUBERNETES_EXEC_INFO", info);
            }
            sts_tests::process::run_bounded(program, std::time::Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("{program:?}: {e}"))
        };
        let theirs = run(Command::new(&aws).args(["eks", "get-token"]));
        let ours = run(Command::new(sts_tests::cargo::sts_binary()).arg("eks-token"));
        let said = |o: &Output| {
            format!(
                "exit {:?}, stderr {}",
                o.status.code(),
                String::from_utf8_lossy(&o.stderr).trim()
            )
        };
        if !theirs.status.success() || !ours.status.success() {
            failures.push(format!(
                "{args:?}: aws {}; sts {}",
                said(&theirs),
                said(&ours)
            ));
            continue;
        }
        // Both warn about a value they cannot read, in their own words.
        if theirs.stderr.is_empty() != ours.stderr.is_empty() {
            failures.push(format!(
                "{args:?}: aws {}; sts {}",
                said(&theirs),
                said(&ours)
            ));
        }
        let docs = [&theirs, &ours].map(|o| {
            let text = String::from_utf8(o.stdout.clone()).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let token = v["status"]["token"].as_str().unwrap().to_owned();
            let stamp = v["status"]["expirationTimestamp"]
                .as_str()
                .unwrap()
                .to_owned();
            let layout = text.replace(&token, "TOKEN").replace(&stamp, "STAMP");
            (layout, timeless(&token_url(&token)))
        });
        let [(their_layout, their_url), (our_layout, our_url)] = docs;
        if their_layout != our_layout {
            failures.push(format!(
                "{args:?}: aws printed\n{their_layout}\nsts printed\n{our_layout}"
            ));
        }
        if their_url != our_url {
            failures.push(format!(
                "{args:?}: aws signed {their_url:?}\nsts signed {our_url:?}"
            ));
        }
        // The role's credentials signed both, and both assumed it alike.
        let assumed = args.contains(&"--role-arn");
        let with_role = our_url
            .1
            .iter()
            .any(|p| p.starts_with("X-Amz-Credential=ASIAFAULTSERVER"))
            && our_url
                .1
                .contains(&"X-Amz-Security-Token=fault-token".to_owned());
        if assumed != with_role {
            failures.push(format!("{args:?}: signed with {our_url:?}"));
        }
        let sent: Vec<Vec<String>> = server
            .requests()
            .iter()
            .map(|r| parameters(&r.body_text()))
            .collect();
        let expected = if assumed {
            let p = parameters(&format!(
                "Action=AssumeRole&RoleArn={}&RoleSessionName=EKSGetTokenAuth&Version=2011-06-15",
                role.replace(':', "%3A").replace('/', "%2F")
            ));
            vec![p.clone(), p]
        } else {
            Vec::new()
        };
        if sent != expected {
            failures.push(format!("{args:?}: sent {sent:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `--query` expressions whose answer depends on what Python's
/// `jmespath` does beyond picking fields, each run by both tools on the
/// same assume-role answer (or caller identity) and compared: key names
/// from `keys()` compared, searched, measured, sorted and joined; objects
/// compared, merged and written by `to_string()`; the order of objects a
/// query builds, takes from the response or writes as a literal; and
/// numbers that Python keeps as integers (`floor()`, a literal past
/// `i64`, `-0`) or writes in its own float notation.
const QUERIES: &[(&str, &str, &str)] = &[
    ("assume-role", "json", "keys(@)[0] == 'Credentials'"),
    (
        "assume-role",
        "json",
        "contains(keys(Credentials), 'AccessKeyId')",
    ),
    ("assume-role", "json", "starts_with(keys(@)[0], 'C')"),
    ("assume-role", "json", "length(keys(@)[0])"),
    ("assume-role", "json", "sort(keys(Credentials))"),
    ("assume-role", "json", "join(',', keys(Credentials))"),
    ("assume-role", "text", "join(',', keys(Credentials))"),
    ("get-caller-identity", "text", "keys(@)[?@ != 'Arn']"),
    ("assume-role", "json", "keys(@)[?contains(@, 'User')]"),
    ("assume-role", "json", "to_string(AssumedRoleUser)"),
    (
        "assume-role",
        "json",
        "merge(AssumedRoleUser, `{\"Z\":1,\"A\":2}`)",
    ),
    (
        "assume-role",
        "json",
        "merge(`{\"Z\":1,\"Arn\":2}`, AssumedRoleUser)",
    ),
    (
        "assume-role",
        "json",
        "AssumedRoleUser == {Arn: AssumedRoleUser.Arn, AssumedRoleId: AssumedRoleUser.AssumedRoleId}",
    ),
    (
        "assume-role",
        "json",
        "contains([AssumedRoleUser], {Arn: AssumedRoleUser.Arn, AssumedRoleId: AssumedRoleUser.AssumedRoleId})",
    ),
    (
        "assume-role",
        "json",
        "sort_by(keys(Credentials)[*].{k: @}, &k)",
    ),
    ("assume-role", "json", "max_by(keys(@)[*].{k: @}, &k).k"),
    ("assume-role", "json", "min_by(keys(@)[*].{k: @}, &k).k"),
    ("assume-role", "json", "max(keys(@))"),
    ("assume-role", "json", "sort_by(keys(@), &length(@))"),
    ("assume-role", "json", "values(AssumedRoleUser)"),
    ("assume-role", "json", "to_array(AssumedRoleUser)"),
    ("assume-role", "json", "type(keys(@)[0])"),
    ("assume-role", "json", "not_null(Missing, AssumedRoleUser)"),
    ("assume-role", "json", "map(&length(@), keys(@))"),
    (
        "assume-role",
        "json",
        "[{a: PackedPolicySize, b: AssumedRoleUser.Arn}, {b: PackedPolicySize, a: AssumedRoleUser.Arn}]",
    ),
    (
        "assume-role",
        "json",
        "[AssumedRoleUser, {Arn: AssumedRoleUser.Arn, AssumedRoleId: AssumedRoleUser.AssumedRoleId}]",
    ),
    ("assume-role", "json", "`{\"b\":1,\"a\":{\"d\":2,\"c\":3}}`"),
    ("assume-role", "text", "`{\"b\":1,\"a\":2}`"),
    (
        "assume-role",
        "json",
        "[floor(`1.5`), ceil(`1.2`), `12345678901234567890`, `-0`, `-0.0`, abs(`-3`), sum(`[1, 2]`), sum(`[1, 2.5]`), avg(`[1, 2]`), length('é')]",
    ),
    (
        "assume-role",
        "json",
        "[`1e20`, `1.5e-5`, `0.0001`, `1e16`, `123.0`, to_number('12'), to_number('1.5'), to_number(' 7 ')]",
    ),
    ("assume-role", "text", "[floor(`1.5`), `-0`, `1e20`]"),
    (
        "assume-role",
        "json",
        "to_string(`[1.0, 1e20, -0, \"é\", {\"b\": null, \"a\": true}]`)",
    ),
    ("assume-role", "json", "AssumedRoleUser.*"),
    ("assume-role", "json", "min(`[3, 1.0, 1]`)"),
    (
        "assume-role",
        "json",
        "[to_number('1e3'), to_number('abc'), to_number('0x10'), to_number('-5')]",
    ),
    (
        "assume-role",
        "json",
        "[`0.1`, `100000000000000000000.0`, `1.5e300`, `-1e-7`]",
    ),
    ("assume-role", "json", r#"to_string(`"\u0001"`)"#),
    ("assume-role", "json", "map(&[@], `[1, [2]]`)"),
    (
        "assume-role",
        "json",
        "[keys(@)[0] < 'D', 'a' < 'b', `1` < `true`]",
    ),
    (
        "assume-role",
        "json",
        "[`2` == `2.0`, `1` == `true`, `[1]` == `[true]`, !`0`]",
    ),
    (
        "assume-role",
        "json",
        "[`[1,2,3,4,5]`[::-2], `[1,2,3]`[-5:2], `[1,2,3]`[5:0:-1]]",
    ),
];

/// Queries that fail on the answer (a type error, an unknown function,
/// a wrong count of arguments, a zero slice step): the same message on
/// stderr and the same exit status (255) from both tools, nothing on
/// stdout.
const FAILING_QUERIES: &[&str] = &[
    "keys(PackedPolicySize)",
    "starts_with(`1`, 'a')",
    "unknown_fn(@)",
    "not_null()",
    "merge()",
    "`[1,2,3]`[::0]",
    "keys(AssumedRoleUser.Arn)",
    r#"abs(`[1, "x", true, null, 1.5, {"k": "v'"}]`)"#,
    r#"sort(`[1, "a"]`)"#,
    "sum(`[1, true]`)",
    r#"sort_by(`[{"a": {}}]`, &a)"#,
    r#"max_by(`[{"a": 1}, {"a": "x"}]`, &a)"#,
    "contains('abc', `1`)",
    "`1` < 'a'",
];

/// Both tools' output for `operation` with `--output output --query
/// query`, against the same moto.
fn both_with_query(
    aws: &std::path::Path,
    moto: &Moto,
    home: &std::path::Path,
    (operation, output, query): (&str, &str, &str),
) -> (Output, Output) {
    let mut args: Vec<String> = vec![operation.to_owned()];
    if operation == "assume-role" {
        args.extend(
            ["--role-arn", &moto.role_arn, "--role-session-name", "query"].map(str::to_owned),
        );
    }
    args.extend(
        [
            "--endpoint-url",
            &moto.endpoint,
            "--output",
            output,
            "--query",
            query,
        ]
        .map(str::to_owned),
    );
    let theirs = run(
        Command::new(aws).arg("sts").args(&args),
        moto,
        home,
        "aws-v1-config",
    );
    let ours = run(
        Command::new(sts_tests::cargo::sts_binary()).args(&args),
        moto,
        home,
        "none",
    );
    (theirs, ours)
}

#[test]
fn sts_queries_what_the_aws_cli_queries() {
    let Some(aws) = sts_tests::tools::awscli_or_skip() else {
        return;
    };
    let moto = Moto::shared_auth();
    let home = ScratchDir::new("query-vs-awscli");
    std::fs::write(
        home.join("aws-v1-config"),
        "[default]\ncli_timestamp_format = iso8601\n",
    )
    .unwrap();
    let mut failures = Vec::new();
    let failing = FAILING_QUERIES.iter().map(|q| ("assume-role", "json", *q));
    for (operation, output, query) in QUERIES.iter().copied().chain(failing) {
        let (theirs, ours) = both_with_query(&aws, moto, &home, (operation, output, query));
        let (t, o) = (
            mask(&String::from_utf8_lossy(&theirs.stdout)),
            mask(&String::from_utf8_lossy(&ours.stdout)),
        );
        let (te, oe) = (
            String::from_utf8_lossy(&theirs.stderr).trim().to_owned(),
            String::from_utf8_lossy(&ours.stderr).trim().to_owned(),
        );
        let should_fail = FAILING_QUERIES.contains(&query);
        let wrong = if should_fail {
            te.is_empty() || te != oe
        } else {
            t.is_empty()
        };
        if wrong || t != o || theirs.status.code() != ours.status.code() {
            failures.push(format!(
                "--output {output} --query {query:?}:\n--- aws (exit {:?}, stderr {te})\n{t}--- sts (exit {:?}, stderr {oe})\n{o}",
                theirs.status.code(),
                ours.status.code(),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
