//! Every parameter of every operation subcommand reaches the wire, given
//! plainly or as `file://path` (the AWS CLI reads any parameter from a
//! file that way): each case gives each of its flags from a file, and the
//! request must carry each file's value.

mod cli_support;

use std::path::PathBuf;

use cli_support::*;
use sts_tests::{FaultServer, Step, canned};

/// One subcommand: its flags (each value is written to a file and given
/// as `file://`), and what the form body must then hold.
struct Case {
    subcommand: &'static str,
    flags: &'static [(&'static str, &'static str)],
    sent: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        subcommand: "assume-role",
        flags: &[
            ("--role-arn", "arn:aws:iam::123456789012:role/r"),
            ("--role-session-name", "from-file"),
            ("--serial-number", "arn:aws:iam::123456789012:mfa/u"),
            ("--token-code", "123456"),
            ("--source-identity", "alice"),
            ("--external-id", "ext-1"),
            ("--policy", r#"{"Version":"2012-10-17"}"#),
            ("--transitive-tag-keys", "Project"),
            ("--tags", "Key=Project,Value=Unicorn"),
            (
                "--policy-arns",
                "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
            ),
            ("--minimum-session-token-size", "4096"),
        ],
        sent: &[
            "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr",
            "RoleSessionName=from-file",
            "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fu",
            "TokenCode=123456",
            "SourceIdentity=alice",
            "ExternalId=ext-1",
            "Policy=%7B%22Version%22%3A%222012-10-17%22%7D",
            "TransitiveTagKeys.member.1=Project",
            "Tags.member.1.Value=Unicorn",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            "MinimumSessionTokenSize=4096",
        ],
    },
    Case {
        subcommand: "assume-role-with-saml",
        flags: &[
            ("--role-arn", "arn:aws:iam::123456789012:role/r"),
            (
                "--principal-arn",
                "arn:aws:iam::123456789012:saml-provider/p",
            ),
            ("--saml-assertion", "PHNhbWw+"),
            ("--policy", r#"{"Version":"2012-10-17"}"#),
            ("--duration-seconds", "1800"),
            ("--minimum-session-token-size", "0"),
        ],
        sent: &[
            "PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fp",
            "SAMLAssertion=PHNhbWw%2B",
            "Policy=%7B%22Version%22%3A%222012-10-17%22%7D",
            "DurationSeconds=1800",
            "MinimumSessionTokenSize=0",
        ],
    },
    Case {
        subcommand: "assume-role-with-web-identity",
        flags: &[
            ("--role-arn", "arn:aws:iam::123456789012:role/r"),
            ("--role-session-name", "web-file"),
            ("--web-identity-token", "eyJ0.eyJ1.c2ln"),
            ("--provider-id", "www.amazon.com"),
            (
                "--policy-arns",
                "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
            ),
            ("--duration-seconds", "1800"),
            ("--minimum-session-token-size", "1"),
        ],
        sent: &[
            "RoleSessionName=web-file",
            "WebIdentityToken=eyJ0.eyJ1.c2ln",
            "ProviderId=www.amazon.com",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            "DurationSeconds=1800",
            "MinimumSessionTokenSize=1",
        ],
    },
    Case {
        subcommand: "assume-root",
        flags: &[
            ("--target-principal", "111122223333"),
            (
                "--task-policy-arn",
                "arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
            ),
            ("--duration-seconds", "600"),
            ("--minimum-session-token-size", "512"),
        ],
        sent: &[
            "TargetPrincipal=111122223333",
            "TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials",
            "DurationSeconds=600",
            "MinimumSessionTokenSize=512",
        ],
    },
    Case {
        subcommand: "get-federation-token",
        flags: &[
            ("--name", "fed-file"),
            ("--policy", r#"{"Version":"2012-10-17"}"#),
            ("--tags", "Key=Team,Value=Blue"),
            ("--duration-seconds", "1800"),
            ("--minimum-session-token-size", "2048"),
        ],
        sent: &[
            "Name=fed-file",
            "Policy=%7B%22Version%22%3A%222012-10-17%22%7D",
            "Tags.member.1.Key=Team",
            "DurationSeconds=1800",
            "MinimumSessionTokenSize=2048",
        ],
    },
    Case {
        subcommand: "get-session-token",
        flags: &[
            ("--serial-number", "arn:aws:iam::123456789012:mfa/u"),
            ("--token-code", "654321"),
            ("--duration-seconds", "1800"),
            ("--minimum-session-token-size", "100"),
        ],
        sent: &[
            "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fu",
            "TokenCode=654321",
            "DurationSeconds=1800",
            "MinimumSessionTokenSize=100",
        ],
    },
    Case {
        subcommand: "get-web-identity-token",
        flags: &[
            ("--audience", "https://api.example.com"),
            ("--signing-algorithm", "ES384"),
            ("--tags", "Key=Team,Value=Blue"),
            ("--duration-seconds", "300"),
            ("--scope", "read write:all"),
            ("--subject-mode", "OriginIdentity"),
        ],
        sent: &[
            "Audience.member.1=https%3A%2F%2Fapi.example.com",
            "SigningAlgorithm=ES384",
            "Tags.member.1.Value=Blue",
            "DurationSeconds=300",
            "Scope=read+write%3Aall",
            "SubjectMode=OriginIdentity",
        ],
    },
    Case {
        subcommand: "get-scoped-credentials",
        flags: &[
            ("--policy", r#"{"Version":"2012-10-17"}"#),
            ("--duration-seconds", "900"),
            ("--minimum-session-token-size", "3000"),
            ("--scoped-session-description", "nightly export"),
        ],
        sent: &[
            "Policy=%7B%22Version%22%3A%222012-10-17%22%7D",
            "DurationSeconds=900",
            "MinimumSessionTokenSize=3000",
            "ScopedSessionDescription=nightly+export",
        ],
    },
    Case {
        subcommand: "get-access-key-info",
        flags: &[("--access-key-id", "AKIAIOSFODNN7EXAMPLE")],
        sent: &["AccessKeyId=AKIAIOSFODNN7EXAMPLE"],
    },
    Case {
        subcommand: "decode-authorization-message",
        flags: &[("--encoded-message", "encoded-from-file")],
        sent: &["EncodedMessage=encoded-from-file"],
    },
    Case {
        subcommand: "get-delegated-access-token",
        flags: &[("--trade-in-token", "trade-in-from-file")],
        sent: &["TradeInToken=trade-in-from-file"],
    },
];

/// `value` in a file of its own under `dir`, named after `flag`, with a
/// trailing newline as an editor leaves it.
fn in_file(dir: &std::path::Path, flag: &str, value: &str) -> String {
    let path: PathBuf = dir.join(flag.trim_start_matches('-'));
    std::fs::write(&path, format!("{value}\n")).unwrap();
    format!("file://{}", path.display())
}

#[test]
fn every_parameter_is_sent_and_may_come_from_a_file() {
    for case in CASES {
        let dir = own_dir(&format!("file-values-{}", case.subcommand));
        // Integers are typed (clap parses them), so they go plainly.
        let mut args: Vec<String> = vec![case.subcommand.to_owned()];
        for (flag, value) in case.flags {
            args.push((*flag).to_owned());
            if ["--duration-seconds", "--minimum-session-token-size"].contains(flag) {
                args.push((*value).to_owned());
            } else {
                args.push(in_file(&dir, flag, value));
            }
        }
        // Any answer: what is checked is what was sent.
        let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
        let url = server.url();
        let mut full = vec!["--endpoint-url", url.as_str(), "--region", "us-east-1"];
        full.extend(args.iter().map(String::as_str));
        let o = sts(&full, &KEYS);
        let requests = server.requests();
        assert_eq!(
            requests.len(),
            1,
            "{}: {}",
            case.subcommand,
            String::from_utf8_lossy(&o.stderr)
        );
        let sent = requests[0].body_text();
        assert_sent(&sent, case.sent);
        assert!(!sent.contains("file%3A"), "{}: {sent}", case.subcommand);
    }
}

/// A `file://` value is read up to a bound, so a wrong path (a device, a
/// log) cannot make the tool read without end.
#[test]
fn a_file_value_is_bounded() {
    let dir = own_dir("file-values-bound");
    let big = dir.join("big");
    std::fs::write(&big, vec![b'a'; (1 << 20) + 1]).unwrap();
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let arg = format!("file://{}", big.display());
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "decode-authorization-message",
            "--encoded-message",
            &arg,
        ],
        &KEYS,
    );
    let err = usage_error(&o);
    assert!(
        err.contains("--encoded-message") && err.contains("longer than"),
        "{err}"
    );
    assert_eq!(server.requests_seen(), 0);
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "decode-authorization-message",
            "--encoded-message",
            "file:///dev/zero",
        ],
        &KEYS,
    );
    assert!(usage_error(&o).contains("longer than"));
}

/// A pipe is read as the AWS CLI reads it (a FIFO here; a shell's process
/// substitution, `file://<(…)`, is one too): what its writer writes is
/// sent. A pipe nobody writes to is an error at a deadline, not a hang
/// (`file_read`'s unit tests).
#[cfg(unix)]
#[test]
fn a_file_value_from_a_pipe_is_read() {
    let dir = own_dir("file-values-fifo");
    let fifo = dir.join("message");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(&fifo, "written-through-a-pipe"))
    };
    let arg = format!("file://{}", fifo.display());
    let body = body_of(
        &["decode-authorization-message", "--encoded-message", &arg],
        &[],
    );
    writer.join().unwrap().unwrap();
    assert!(
        body.contains("EncodedMessage=written-through-a-pipe"),
        "{body}"
    );
}

/// Runs `args` (after the endpoint and region) against a server that
/// answers once, with `env` beside the keys; the exit status and the form
/// body sent, if any.
fn sent_by(args: &[&str], env: &[(&str, &str)]) -> (std::process::Output, Option<String>) {
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let mut full = vec!["--endpoint-url", url.as_str(), "--region", "us-east-1"];
    full.extend_from_slice(args);
    let mut all_env = KEYS.to_vec();
    all_env.extend_from_slice(env);
    let o = sts(&full, &all_env);
    let sent = server.requests().first().map(|r| r.body_text());
    (o, sent)
}

/// The body `args` sent, after checking it was sent.
fn body_of(args: &[&str], env: &[(&str, &str)]) -> String {
    let (o, sent) = sent_by(args, env);
    sent.unwrap_or_else(|| {
        panic!(
            "{args:?} sent nothing: exit {:?}, {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

const ROLE: [&str; 5] = [
    "assume-role",
    "--role-arn",
    "arn:aws:iam::123456789012:role/r",
    "--role-session-name",
    "ss",
];

/// A list of strings (`--audience`, `--transitive-tag-keys`, the only
/// two of the twelve operations) given as one argument starting with `[`
/// is a JSON list, inline or from a file, as the AWS CLI reads it; it
/// used to be sent as one value, brackets and quotes included.
#[test]
fn a_list_of_strings_may_be_one_json_list() {
    let sent = body_of(
        &[
            "get-web-identity-token",
            "--audience",
            r#"["a1","a2"]"#,
            "--signing-algorithm",
            "RS256",
        ],
        &[],
    );
    assert_sent(&sent, &["Audience.member.1=a1&", "Audience.member.2=a2&"]);
    assert!(!sent.contains("%5B"), "{sent}");

    let dir = own_dir("json-string-lists");
    let keys = dir.join("keys.json");
    std::fs::write(&keys, "  [\"Project\", \"Team\"]\n").unwrap();
    let keys = format!("file://{}", keys.display());
    let mut args = ROLE.to_vec();
    args.extend(["--transitive-tag-keys", &keys]);
    let sent = body_of(&args, &[]);
    assert_sent(
        &sent,
        &[
            "TransitiveTagKeys.member.1=Project&",
            "TransitiveTagKeys.member.2=Team",
        ],
    );
    assert!(!sent.contains("%5B"), "{sent}");
    // Words are still words.
    let mut args = ROLE.to_vec();
    args.extend(["--transitive-tag-keys", "Project", "Team"]);
    assert_sent(
        &body_of(&args, &[]),
        &[
            "TransitiveTagKeys.member.1=Project&",
            "TransitiveTagKeys.member.2=Team",
        ],
    );

    // Anything but a JSON list of strings: command syntax, nothing sent.
    for (flag, bad, fault) in [
        ("--transitive-tag-keys", "[1]", "list of strings"),
        ("--transitive-tag-keys", "[\"a\",", "invalid JSON"),
        (
            "--transitive-tag-keys",
            "[{\"Key\": \"a\"}]",
            "list of strings",
        ),
    ] {
        let mut args = ROLE.to_vec();
        args.extend([flag, bad]);
        let (o, sent) = sent_by(&args, &[]);
        let err = usage_error(&o);
        assert!(err.contains(flag) && err.contains(fault), "{bad}: {err}");
        assert_eq!(sent, None, "{bad}");
    }
    let (o, sent) = sent_by(
        &[
            "get-web-identity-token",
            "--audience",
            "[\"a1\", null]",
            "--signing-algorithm",
            "RS256",
        ],
        &[],
    );
    assert!(usage_error(&o).contains("--audience"));
    assert_eq!(sent, None);
}

/// Shorthand as the AWS CLI reads it: quoted values (the quotes are not
/// sent), `\,` for a comma, whitespace around keys and values dropped.
#[test]
fn shorthand_values_may_be_quoted_escaped_and_spaced() {
    let mut args = ROLE.to_vec();
    args.extend(sts_tests::cli_inputs::QUOTED_SHORTHAND);
    let sent = body_of(&args, &[]);
    assert_sent(
        &sent,
        &[
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&",
            "PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fa%2Cb&",
            "Tags.member.1.Key=a&",
            "Tags.member.1.Value=b&",
            "Tags.member.2.Key=c&",
            "Tags.member.2.Value=x+y&",
            "Tags.member.3.Key=d&",
            "Tags.member.3.Value=e+f",
        ],
    );
    assert!(!sent.contains("%22") && !sent.contains("%27"), "{sent}");

    // What the AWS CLI cannot read either: command syntax, nothing sent.
    for bad in ["Key=a,Value=it's", "Key=a,Value='x", "Key=a,Value='x'y"] {
        let mut args = ROLE.to_vec();
        args.extend(["--tags", bad]);
        let (o, sent) = sent_by(&args, &[]);
        let err = usage_error(&o);
        assert!(err.contains("--tags") && err.contains(bad), "{bad}: {err}");
        assert_eq!(sent, None, "{bad}");
    }
}

/// `file://~/…`, `file://$VAR/…` and `file://${VAR}/…`, in values and
/// for parameter documents, name the files the AWS CLI reads
/// (`expanduser`, then `expandvars`); a variable that is not set stays as
/// written.
#[test]
fn file_paths_expand_home_and_environment_variables() {
    // `sts` runs with HOME set to a home that holds this test's folder.
    let home = own_dir("file-values-expand-home");
    let name = "file-values-expand";
    let dir = home.join(name);
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("ext"), "ext-from-home\n").unwrap();
    std::fs::write(dir.join("source"), "from-var\n").unwrap();
    std::fs::write(dir.join("serial"), "arn:aws:iam::123456789012:mfa/braced\n").unwrap();
    std::fs::write(dir.join("doc.json"), r#"{"Policy": "{}"}"#).unwrap();
    std::fs::write(dir.join("doc.yaml"), "TokenCode: '123456'\n").unwrap();
    let at = dir.display().to_string();
    let home_at = home.display().to_string();
    let env = [("STS_TEST_DIR", at.as_str()), ("HOME", home_at.as_str())];
    let home_ext = format!("file://~/{name}/ext");
    let mut args = ROLE.to_vec();
    args.extend([
        "--external-id",
        &home_ext,
        "--source-identity",
        "file://$STS_TEST_DIR/source",
        "--serial-number",
        "file://${STS_TEST_DIR}/serial",
        "--cli-input-json",
        "file://${STS_TEST_DIR}/doc.json",
    ]);
    assert_sent(
        &body_of(&args, &env),
        &[
            "ExternalId=ext-from-home",
            "SourceIdentity=from-var",
            "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fbraced",
            "Policy=%7B%7D",
        ],
    );
    let home_doc = format!("file://~/{name}/doc.yaml");
    let sent = body_of(
        &[
            "get-session-token",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/u",
            "--cli-input-yaml",
            &home_doc,
        ],
        &env,
    );
    assert_sent(&sent, &["TokenCode=123456"]);

    // Not set: the path as written, which names no file.
    let (o, sent) = sent_by(
        &[
            "decode-authorization-message",
            "--encoded-message",
            "file://$STS_TEST_UNSET/x",
        ],
        &env,
    );
    let err = usage_error(&o);
    assert!(err.contains("cannot read $STS_TEST_UNSET/x"), "{err}");
    assert_eq!(sent, None);
}

/// A YAML document's plain scalars that look like numbers but are not
/// written as one (a leading zero, a `+`) reach a text parameter as
/// written: an MFA code `012345` was sent as `12345` and refused for its
/// length, an external id `0012345` silently became `12345`. An integer
/// parameter still reads them as numbers.
#[test]
fn yaml_numbers_with_leading_zeros_or_a_sign_are_sent_as_written() {
    let dir = own_dir("yaml-leading-zeros");
    std::fs::write(
        dir.join("doc.yaml"),
        "ExternalId: 0012345\nSerialNumber: arn:aws:iam::123456789012:mfa/u\n\
         TokenCode: 012345\nSourceIdentity: +5\nDurationSeconds: 0900\n",
    )
    .unwrap();
    let doc = format!("file://{}", dir.join("doc.yaml").display());
    let mut args = ROLE.to_vec();
    args.extend(["--cli-input-yaml", &doc]);
    let sent = body_of(&args, &[]);
    let params: Vec<&str> = sent.split('&').collect();
    for expected in [
        "ExternalId=0012345",
        "TokenCode=012345",
        "SourceIdentity=%2B5",
        "DurationSeconds=900",
    ] {
        assert!(params.contains(&expected), "{expected} not in {sent}");
    }
}
