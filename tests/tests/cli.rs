//! The `sts` binary, run as a user runs it, against the fault server's
//! canned responses (every subcommand, every output form) and against moto.

use std::path::PathBuf;
use std::process::{Command, Output};

use sts_tests::{FaultServer, Moto, Step, canned};

fn scratch_home() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sts-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `sts` with only the given environment (and a scratch HOME, so no
/// developer's ~/.aws leaks in).
fn sts(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(sts_tests::cargo::sts_binary());
    cmd.args(args).env_clear().env("HOME", scratch_home());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

const KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    ),
];

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}; stderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// One subcommand against one canned response, in one output form.
fn canned_run(response: String, args: &[&str]) -> (String, FaultServer) {
    let server = FaultServer::start(vec![Step::xml(200, response)]);
    let url = server.url();
    let mut full = vec!["--endpoint-url", url.as_str(), "--region", "us-east-1"];
    full.extend_from_slice(args);
    let out = stdout(&sts(&full, &KEYS));
    (out, server)
}

const CREDS_JSON: &str = r#"    "Credentials": {
        "AccessKeyId": "ASIAFAULTSERVER",
        "SecretAccessKey": "fault/secret",
        "SessionToken": "fault-token",
        "Expiration": "2030-01-01T00:00:00+00:00"
    }"#;

const CREDS_TEXT: &str =
    "CREDENTIALS\tASIAFAULTSERVER\t2030-01-01T00:00:00+00:00\tfault/secret\tfault-token\n";

const ROLE_USER: &str = "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\
    <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>";

#[test]
fn assume_role_in_every_output_form() {
    let body = canned::success(
        "AssumeRole",
        &format!(
            "{}{ROLE_USER}<PackedPolicySize>6</PackedPolicySize><SourceIdentity>alice</SourceIdentity>",
            canned::credentials()
        ),
    );
    let args = [
        "assume-role",
        "--role-arn",
        "arn:aws:iam::123456789012:role/r",
        "--role-session-name",
        "ss",
        "--duration-seconds",
        "900",
        "--tags",
        "Key=Project,Value=Unicorn",
        "Key=Team,Value=Blue Sky",
        "--transitive-tag-keys",
        "Project",
        "--policy-arns",
        "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
        "--policy",
        r#"{"Version":"2012-10-17"}"#,
        "--external-id",
        "ext-1",
        "--serial-number",
        "arn:aws:iam::123456789012:mfa/u",
        "--token-code",
        "123456",
        "--source-identity",
        "alice",
        "--provided-contexts",
        "ProviderArn=arn:aws:iam::aws:contextProvider/IdentityCenter,ContextAssertion=abcd",
    ];
    let (json, server) = canned_run(body.clone(), &args);
    assert_eq!(
        json,
        format!(
            "{{\n{CREDS_JSON},\n    \"AssumedRoleUser\": {{\n        \"AssumedRoleId\": \"AROAEXAMPLE:s\",\n        \
             \"Arn\": \"arn:aws:sts::123456789012:assumed-role/r/s\"\n    }},\n    \"PackedPolicySize\": 6,\n    \
             \"SourceIdentity\": \"alice\"\n}}\n"
        )
    );
    // Every flag reached the wire.
    let sent = server.requests()[0].body_text();
    for part in [
        "Action=AssumeRole",
        "RoleSessionName=ss",
        "DurationSeconds=900",
        "Tags.member.2.Value=Blue+Sky",
        "TransitiveTagKeys.member.1=Project",
        "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
        "Policy=%7B%22Version%22%3A%222012-10-17%22%7D",
        "ExternalId=ext-1",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fu",
        "TokenCode=123456",
        "SourceIdentity=alice",
        "ProvidedContexts.member.1.ContextAssertion=abcd",
    ] {
        assert!(sent.contains(part), "{part} not in {sent}");
    }

    let mut text_args = args.to_vec();
    text_args.extend(["--output", "text"]);
    let (text, _) = canned_run(body.clone(), &text_args);
    assert_eq!(
        text,
        format!(
            "6\talice\nASSUMEDROLEUSER\tarn:aws:sts::123456789012:assumed-role/r/s\tAROAEXAMPLE:s\n{CREDS_TEXT}"
        )
    );

    let mut env_args = args.to_vec();
    env_args.extend(["--output", "env"]);
    let (env, _) = canned_run(body.clone(), &env_args);
    assert_eq!(
        env,
        "export AWS_ACCESS_KEY_ID=ASIAFAULTSERVER\nexport AWS_SECRET_ACCESS_KEY=fault/secret\n\
         export AWS_SESSION_TOKEN=fault-token\nexport AWS_CREDENTIAL_EXPIRATION=2030-01-01T00:00:00Z\n"
    );

    let mut cp_args = args.to_vec();
    cp_args.extend(["--output", "credential-process"]);
    let (cp, _) = canned_run(body, &cp_args);
    assert_eq!(
        cp,
        "{\"Version\": 1, \"AccessKeyId\": \"ASIAFAULTSERVER\", \"SecretAccessKey\": \"fault/secret\", \
         \"SessionToken\": \"fault-token\", \"Expiration\": \"2030-01-01T00:00:00Z\"}\n"
    );
}

#[test]
fn every_other_subcommand_in_json_and_text() {
    struct Case {
        args: Vec<&'static str>,
        result: String,
        op: &'static str,
        json: String,
        text: String,
    }
    let creds = canned::credentials();
    let cases = vec![
        Case {
            op: "AssumeRoleWithSAML",
            args: vec![
                "assume-role-with-saml",
                "--role-arn",
                "arn:aws:iam::123456789012:role/r",
                "--principal-arn",
                "arn:aws:iam::123456789012:saml-provider/p",
                "--saml-assertion",
                "PHNhbWw+",
            ],
            result: format!(
                "{creds}{ROLE_USER}<Subject>jane</Subject><SubjectType>transient</SubjectType>\
                 <Issuer>https://idp</Issuer><Audience>https://signin.aws.amazon.com/saml</Audience>\
                 <NameQualifier>nq=</NameQualifier>"
            ),
            json: format!(
                "{{\n{CREDS_JSON},\n    \"AssumedRoleUser\": {{\n        \"AssumedRoleId\": \"AROAEXAMPLE:s\",\n        \
                 \"Arn\": \"arn:aws:sts::123456789012:assumed-role/r/s\"\n    }},\n    \"Subject\": \"jane\",\n    \
                 \"SubjectType\": \"transient\",\n    \"Issuer\": \"https://idp\",\n    \
                 \"Audience\": \"https://signin.aws.amazon.com/saml\",\n    \"NameQualifier\": \"nq=\"\n}}\n"
            ),
            text: format!(
                "https://signin.aws.amazon.com/saml\thttps://idp\tnq=\tjane\ttransient\n\
                 ASSUMEDROLEUSER\tarn:aws:sts::123456789012:assumed-role/r/s\tAROAEXAMPLE:s\n{CREDS_TEXT}"
            ),
        },
        Case {
            op: "AssumeRoleWithWebIdentity",
            args: vec![
                "assume-role-with-web-identity",
                "--role-arn",
                "arn:aws:iam::123456789012:role/r",
                "--role-session-name",
                "web",
                "--web-identity-token",
                "eyJ0.eyJ1.c2ln",
                "--provider-id",
                "www.amazon.com",
            ],
            result: format!(
                "{creds}<SubjectFromWebIdentityToken>sub-1</SubjectFromWebIdentityToken>\
                 <Provider>www.amazon.com</Provider><Audience>client.app</Audience>"
            ),
            json: format!(
                "{{\n{CREDS_JSON},\n    \"SubjectFromWebIdentityToken\": \"sub-1\",\n    \
                 \"Provider\": \"www.amazon.com\",\n    \"Audience\": \"client.app\"\n}}\n"
            ),
            text: format!("client.app\twww.amazon.com\tsub-1\n{CREDS_TEXT}"),
        },
        Case {
            op: "AssumeRoot",
            args: vec![
                "assume-root",
                "--target-principal",
                "111122223333",
                "--task-policy-arn",
                "arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                "--duration-seconds",
                "900",
            ],
            result: creds.to_owned(),
            json: format!("{{\n{CREDS_JSON}\n}}\n"),
            text: CREDS_TEXT.to_owned(),
        },
        Case {
            op: "DecodeAuthorizationMessage",
            args: vec!["decode-authorization-message", "--encoded-message", "abc"],
            result: "<DecodedMessage>{\"allowed\":\"false\"}</DecodedMessage>".into(),
            json: "{\n    \"DecodedMessage\": \"{\\\"allowed\\\":\\\"false\\\"}\"\n}\n".into(),
            text: "{\"allowed\":\"false\"}\n".into(),
        },
        Case {
            op: "GetAccessKeyInfo",
            args: vec![
                "get-access-key-info",
                "--access-key-id",
                "AKIAI44QH8DHBEXAMPLE",
            ],
            result: "<Account>111122223333</Account>".into(),
            json: "{\n    \"Account\": \"111122223333\"\n}\n".into(),
            text: "111122223333\n".into(),
        },
        Case {
            op: "GetCallerIdentity",
            args: vec!["get-caller-identity"],
            result: "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
                     <Arn>arn:aws:iam::123456789012:user/u</Arn>"
                .into(),
            json: "{\n    \"UserId\": \"AIDAEXAMPLE\",\n    \"Account\": \"123456789012\",\n    \
                   \"Arn\": \"arn:aws:iam::123456789012:user/u\"\n}\n"
                .into(),
            text: "123456789012\tarn:aws:iam::123456789012:user/u\tAIDAEXAMPLE\n".into(),
        },
        Case {
            op: "GetDelegatedAccessToken",
            args: vec!["get-delegated-access-token", "--trade-in-token", "trade"],
            result: format!(
                "{creds}<PackedPolicySize>3</PackedPolicySize>\
                 <AssumedPrincipal>arn:aws:iam::123456789012:user/x</AssumedPrincipal>"
            ),
            json: format!(
                "{{\n{CREDS_JSON},\n    \"PackedPolicySize\": 3,\n    \
                 \"AssumedPrincipal\": \"arn:aws:iam::123456789012:user/x\"\n}}\n"
            ),
            text: format!("arn:aws:iam::123456789012:user/x\t3\n{CREDS_TEXT}"),
        },
        Case {
            op: "GetFederationToken",
            args: vec![
                "get-federation-token",
                "--name",
                "bob",
                "--policy",
                "{}",
                "--tags",
                r#"[{"Key":"team","Value":"blue"}]"#,
            ],
            result: format!(
                "{creds}<FederatedUser><FederatedUserId>123456789012:bob</FederatedUserId>\
                 <Arn>arn:aws:sts::123456789012:federated-user/bob</Arn></FederatedUser>\
                 <PackedPolicySize>1</PackedPolicySize>"
            ),
            json: format!(
                "{{\n{CREDS_JSON},\n    \"FederatedUser\": {{\n        \"FederatedUserId\": \"123456789012:bob\",\n        \
                 \"Arn\": \"arn:aws:sts::123456789012:federated-user/bob\"\n    }},\n    \"PackedPolicySize\": 1\n}}\n"
            ),
            text: format!(
                "1\n{CREDS_TEXT}FEDERATEDUSER\tarn:aws:sts::123456789012:federated-user/bob\t123456789012:bob\n"
            ),
        },
        Case {
            op: "GetSessionToken",
            args: vec!["get-session-token", "--duration-seconds", "900"],
            result: creds.to_owned(),
            json: format!("{{\n{CREDS_JSON}\n}}\n"),
            text: CREDS_TEXT.to_owned(),
        },
        Case {
            op: "GetWebIdentityToken",
            args: vec![
                "get-web-identity-token",
                "--audience",
                "https://a.example",
                "https://b.example",
                "--signing-algorithm",
                "RS256",
                "--duration-seconds",
                "300",
            ],
            result: "<WebIdentityToken>eyJ.eyJ.sig</WebIdentityToken>\
                     <Expiration>2030-01-01T00:05:00Z</Expiration>"
                .into(),
            json: "{\n    \"WebIdentityToken\": \"eyJ.eyJ.sig\",\n    \
                   \"Expiration\": \"2030-01-01T00:05:00+00:00\"\n}\n"
                .into(),
            text: "2030-01-01T00:05:00+00:00\teyJ.eyJ.sig\n".into(),
        },
    ];
    for case in cases {
        let body = canned::success(case.op, &case.result);
        let (json, server) = canned_run(body.clone(), &case.args);
        assert_eq!(json, case.json, "{} json", case.op);
        assert!(
            server.requests()[0]
                .body_text()
                .starts_with(&format!("Action={}&", case.op)),
            "{}",
            case.op
        );
        let mut text_args = case.args.clone();
        text_args.extend(["--output", "text"]);
        let (text, _) = canned_run(body, &text_args);
        assert_eq!(text, case.text, "{} text", case.op);
    }
}

#[test]
fn a_bad_query_or_output_is_refused_before_anything_is_sent() {
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let out = sts(
        &[
            "--endpoint-url",
            &url,
            "--query",
            "Arn[",
            "get-caller-identity",
        ],
        &KEYS,
    );
    assert_eq!(out.status.code(), Some(252));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--query"), "{err}");
    let mut env = KEYS.to_vec();
    env.push(("AWS_DEFAULT_OUTPUT", "nope"));
    let out = sts(&["--endpoint-url", &url, "get-caller-identity"], &env);
    assert_eq!(out.status.code(), Some(253));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AWS_DEFAULT_OUTPUT"));
    assert_eq!(server.requests_seen(), 0, "nothing may be sent");
}

#[test]
fn errors_give_one_line_and_the_documented_exit_status() {
    // Service error: exit 254, the AWS CLI's sentence.
    let server = FaultServer::start(vec![Step::xml(
        403,
        canned::error("AccessDenied", "User is not authorized"),
    )]);
    let url = server.url();
    let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &KEYS);
    assert_eq!(o.status.code(), Some(254));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(
        err,
        "An error occurred (AccessDenied) when calling the GetCallerIdentity operation: \
         User is not authorized\n"
    );
    assert!(o.stdout.is_empty());

    // Validation error: exit 252 (command syntax), and nothing was sent.
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--role-session-name",
            "x",
        ],
        &KEYS,
    );
    assert_eq!(o.status.code(), Some(252));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("Parameter validation failed") && err.contains("RoleSessionName"),
        "{err}"
    );
    assert_eq!(server.requests_seen(), 0);

    // Usage error from the parser: exit 252; help is not an error.
    let o = sts(&["get-caller-identity", "--no-such-flag"], &KEYS);
    assert_eq!(o.status.code(), Some(252));
    let o = sts(&["assume-role", "--help"], &KEYS);
    assert_eq!(o.status.code(), Some(0));

    // Connection refused: exit 255, naming the endpoint and the flag.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    let o = sts(
        &["--endpoint-url", &dead, "get-caller-identity"],
        &[KEYS[0], KEYS[1], ("AWS_MAX_ATTEMPTS", "1")],
    );
    assert_eq!(o.status.code(), Some(255));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "Could not connect to the endpoint URL: \"{dead}/\""
        )) && err.contains("--endpoint-url"),
        "{err}"
    );

    // A slow answer: what timed out, after how long, where, which flag.
    let server = FaultServer::start(vec![Step::delayed(
        std::time::Duration::from_secs(5),
        sts_tests::fault::Response::xml(200, canned::caller_identity("arn:x")),
    )]);
    let url = server.url();
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "--cli-read-timeout",
            "1",
            "get-caller-identity",
        ],
        &[KEYS[0], KEYS[1], ("AWS_MAX_ATTEMPTS", "1")],
    );
    assert_eq!(o.status.code(), Some(255));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        format!(
            "Read timeout on endpoint URL: \"{url}/\": no complete response within 1 s \
             (each attempt) when calling the GetCallerIdentity operation; \
             --cli-read-timeout changes the limit\n"
        )
    );

    // No credentials anywhere: the environment is invalid, exit 253.
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &[]);
    assert_eq!(o.status.code(), Some(253), "{o:?}");
    assert_eq!(server.requests_seen(), 0);

    // env output of an operation without credentials is a usage error.
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "get-caller-identity",
            "--output",
            "env",
        ],
        &KEYS,
    );
    assert_eq!(o.status.code(), Some(252));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--output"));
}

#[test]
fn no_verify_ssl_warns_loudly() {
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let o = sts(
        &[
            "--no-verify-ssl",
            "--endpoint-url",
            &url,
            "get-caller-identity",
        ],
        &KEYS,
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("WARNING"));
}

#[test]
fn debug_shows_the_exchange_without_secrets() {
    let body = canned::success("GetSessionToken", canned::credentials());
    let server = FaultServer::start(vec![Step::xml(200, body)]);
    let url = server.url();
    let mut env = KEYS.to_vec();
    env.push(("AWS_SESSION_TOKEN", "SESSION-TOKEN-SECRET"));
    let o = sts(
        &[
            "--debug",
            "--endpoint-url",
            &url,
            "get-session-token",
            "--serial-number",
            "GAHT12345678",
            "--token-code",
            "654321",
        ],
        &env,
    );
    assert!(o.status.success());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains(">>> POST") && err.contains("<<< HTTP 200"),
        "{err}"
    );
    assert!(err.contains("Action=GetSessionToken"));
    for secret in [
        "654321",
        "SESSION-TOKEN-SECRET",
        "fault/secret",
        "fault-token",
        "wJalrXUtnFEMI",
    ] {
        assert!(!err.contains(secret), "{secret} leaked into --debug output");
    }
}

#[test]
fn against_moto_assume_role_then_use_the_env_output() {
    let moto = Moto::shared_auth();
    let keys = [
        ("AWS_ACCESS_KEY_ID", moto.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", moto.secret_access_key.as_str()),
    ];
    let endpoint = moto.endpoint.as_str();
    let me = stdout(&sts(
        &["--endpoint-url", endpoint, "get-caller-identity"],
        &keys,
    ));
    assert!(
        me.contains(&format!("\"Arn\": \"{}\"", moto.user_arn)),
        "{me}"
    );

    let env_out = stdout(&sts(
        &[
            "--endpoint-url",
            endpoint,
            "assume-role",
            "--role-arn",
            &moto.role_arn,
            "--role-session-name",
            "cli-session",
            "--tags",
            "Key=Project,Value=Unicorn",
            "--output",
            "env",
        ],
        &keys,
    ));
    // What `eval` would do with the lines.
    let assumed: Vec<(String, String)> = env_out
        .lines()
        .map(|l| {
            let (k, v) = l.strip_prefix("export ").unwrap().split_once('=').unwrap();
            (k.to_owned(), v.trim_matches('\'').to_owned())
        })
        .collect();
    assert_eq!(assumed.len(), 4);
    let assumed_env: Vec<(&str, &str)> = assumed
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let as_role = stdout(&sts(
        &[
            "--endpoint-url",
            endpoint,
            "get-caller-identity",
            "--output",
            "text",
        ],
        &assumed_env,
    ));
    assert!(
        as_role.contains("assumed-role/sts-test-role/cli-session"),
        "{as_role}"
    );
}

/// A SigV4 check written independently of the project's signer, in
/// Python's standard library, straight from the AWS documentation.
const VERIFY_PRESIGNED: &str = r#"
import hashlib, hmac, sys, urllib.parse
url, secret, headers = sys.argv[1], sys.argv[2], sys.argv[3:]
parts = urllib.parse.urlsplit(url)
query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
given = dict(query)["X-Amz-Signature"]
q = lambda s: urllib.parse.quote(s, safe="-_.~")
canonical_query = "&".join(f"{q(k)}={q(v)}" for k, v in sorted(query) if k != "X-Amz-Signature")
hdrs = {"host": parts.netloc}
for h in headers:
    k, v = h.split(":", 1)
    hdrs[k.lower()] = v.strip()
signed = dict(query)["X-Amz-SignedHeaders"]
assert signed == ";".join(sorted(hdrs)), (signed, sorted(hdrs))
canonical_headers = "".join(f"{k}:{hdrs[k]}\n" for k in sorted(hdrs))
creq = "\n".join(["GET", parts.path or "/", canonical_query, canonical_headers, signed,
                  hashlib.sha256(b"").hexdigest()])
amz_date = dict(query)["X-Amz-Date"]
scope = dict(query)["X-Amz-Credential"].split("/", 1)[1]
sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
key = ("AWS4" + secret).encode()
for part in scope.split("/"):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()
expected = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
print("ok" if hmac.compare_digest(expected, given) else f"mismatch: {expected} != {given}")
"#;

fn python() -> &'static str {
    "python3"
}

#[test]
fn presign_and_eks_token_verify_with_the_same_credentials() {
    let secret = KEYS[1].1;
    let url = stdout(&sts(
        &[
            "--region",
            "eu-west-1",
            "presign",
            "get-caller-identity",
            "--expires-in",
            "300",
        ],
        &KEYS,
    ));
    let url = url.trim();
    assert!(
        url.starts_with(
            "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
        ),
        "{url}"
    );
    assert!(url.contains("X-Amz-Expires=300"));
    let check = Command::new(python())
        .args(["-c", VERIFY_PRESIGNED, url, secret])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&check.stdout).trim(),
        "ok",
        "{check:?}"
    );

    let doc = stdout(&sts(
        &[
            "--region",
            "us-west-2",
            "eks-token",
            "--cluster-name",
            "my-cluster",
        ],
        &KEYS,
    ));
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(v["kind"], "ExecCredential");
    assert_eq!(v["apiVersion"], "client.authentication.k8s.io/v1beta1");
    assert_eq!(v["spec"], serde_json::json!({}));
    let stamp = v["status"]["expirationTimestamp"].as_str().unwrap();
    assert!(sts_proto::time::parse_timestamp(stamp).is_ok() && stamp.ends_with('Z'));
    let token = v["status"]["token"].as_str().unwrap();
    let encoded = token.strip_prefix("k8s-aws-v1.").unwrap();
    assert!(!encoded.contains('=') && !encoded.contains('+') && !encoded.contains('/'));
    // base64url without padding, decoded with Python's standard library.
    let decoded = Command::new(python())
        .args([
            "-c",
            "import base64,sys; s=sys.argv[1]; print(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)).decode())",
            encoded,
        ])
        .output()
        .unwrap();
    let url = String::from_utf8(decoded.stdout).unwrap();
    let url = url.trim();
    assert!(
        url.starts_with(
            "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
        ),
        "{url}"
    );
    assert!(url.contains("X-Amz-Expires=60"));
    assert!(url.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"));
    let check = Command::new(python())
        .args([
            "-c",
            VERIFY_PRESIGNED,
            url,
            secret,
            "x-k8s-aws-id:my-cluster",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&check.stdout).trim(),
        "ok",
        "{check:?}"
    );
    // A different cluster name does not verify: the header is signed.
    let check = Command::new(python())
        .args(["-c", VERIFY_PRESIGNED, url, secret, "x-k8s-aws-id:other"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("mismatch"));
}

#[test]
fn botocore_accepts_the_credential_process_output() {
    let venv = match sts_tests::moto::ensure_venv() {
        Ok(v) => v,
        Err(e) if std::env::var_os("CI").is_none() => {
            println!("skipped: no Python venv with botocore ({e})");
            return;
        }
        Err(e) => panic!("CI needs the venv with botocore: {e}"),
    };
    let body = canned::success(
        "AssumeRole",
        &format!("{}{ROLE_USER}", canned::credentials()),
    );
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, body)]).then(sts_tests::WhenDone::RepeatLast),
    );
    let home = scratch_home();
    let config = home.join("botocore-config");
    let command = format!(
        "/usr/bin/env AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} {} --endpoint-url {} \
         assume-role --role-arn arn:aws:iam::123456789012:role/r --role-session-name cp \
         --output credential-process",
        KEYS[0].1,
        KEYS[1].1,
        sts_tests::cargo::sts_binary().display(),
        server.url()
    );
    std::fs::write(
        &config,
        format!("[profile cp]\ncredential_process = {command}\n"),
    )
    .unwrap();
    let script = "import botocore.session\n\
                  s = botocore.session.Session(profile='cp')\n\
                  c = s.get_credentials().get_frozen_credentials()\n\
                  print(c.access_key, c.secret_key, c.token)\n";
    let out = Command::new(venv.join("bin/python"))
        .args(["-c", script])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "ASIAFAULTSERVER fault/secret fault-token",
        "botocore said: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(server.requests_seen() >= 1);
}

/// A folder of this test's own (the scratch HOME is shared by every test
/// of the run, so profile files must not go there).
fn own_dir(name: &str) -> PathBuf {
    let dir = scratch_home().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

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
    let files = profile_env(&own_dir("profile-keys"));
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
        Step::xml(
            200,
            canned::success(
                "AssumeRole",
                &format!("{}{ROLE_USER}", canned::credentials()),
            ),
        ),
        Step::xml(200, canned::caller_identity("arn:chained")),
    ]);
    let url = server.url();
    let files = profile_env(&own_dir("profile-role"));
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

#[test]
fn debug_with_rust_log_trace_shows_no_secret() {
    // A retry first, so the client's own log lines have something to say;
    // then credentials written the ways a text search misses.
    let result = "<Credentials><AccessKeyId>ASIAFAULTSERVER</AccessKeyId>\
                  <SecretAccessKey><![CDATA[cdata/secret]]></SecretAccessKey>\
                  <SessionToken xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">attr<!-- -->token</SessionToken>\
                  <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>";
    let server = FaultServer::start(vec![
        Step::xml(503, canned::error("ServiceUnavailable", "try later")),
        Step::xml(200, canned::success("GetSessionToken", result)),
    ]);
    let url = server.url();
    let mut env = KEYS.to_vec();
    env.push(("AWS_SESSION_TOKEN", "SESSION-TOKEN-SECRET"));
    env.push(("RUST_LOG", "trace"));
    let o = sts(
        &[
            "--debug",
            "--endpoint-url",
            &url,
            "get-session-token",
            "--serial-number",
            "GAHT12345678",
            "--token-code",
            "654321",
        ],
        &env,
    );
    let err = String::from_utf8(o.stderr.clone()).unwrap();
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(o.status.success(), "{err}");
    // The exchange and the client's decisions are there...
    assert!(
        err.contains("<<< HTTP 503") && err.contains("<<< HTTP 200"),
        "{err}"
    );
    assert!(err.contains("GetSessionToken attempt 1"), "{err}");
    assert!(err.contains("<SecretAccessKey>** redacted **</SecretAccessKey>"));
    // ...and no secret, in either stream: not the keys signed with, not the
    // signatures, not the MFA code. The answer's credentials are the
    // command's result, so stdout is where they belong, and only there.
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let mut secrets = vec![
        KEYS[1].1.to_owned(),
        "SESSION-TOKEN-SECRET".to_owned(),
        "654321".to_owned(),
    ];
    for r in &requests {
        let auth = r.header("authorization").unwrap();
        secrets.push(auth.split("Signature=").nth(1).unwrap().to_owned());
    }
    for secret in &secrets {
        assert!(!err.contains(secret.as_str()), "{secret} on stderr:\n{err}");
        assert!(!out.contains(secret.as_str()), "{secret} on stdout:\n{out}");
    }
    for answer in ["cdata/secret", "attrtoken", "attr<!--"] {
        assert!(!err.contains(answer), "{answer} on stderr:\n{err}");
    }
    assert!(out.contains("cdata/secret") && out.contains("attrtoken"));
}

/// One GetCallerIdentity against a canned answer, with `args` after it
/// and `env` besides the keys.
fn caller_identity_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let server = FaultServer::start(vec![Step::xml(
        200,
        canned::caller_identity("arn:aws:iam::123456789012:user/alice"),
    )]);
    let url = server.url();
    let mut full = vec!["--endpoint-url", url.as_str(), "get-caller-identity"];
    full.extend_from_slice(args);
    let mut all = KEYS.to_vec();
    all.extend_from_slice(env);
    sts(&full, &all)
}

#[test]
fn query_table_and_yaml_outputs_and_where_the_default_output_comes_from() {
    // Expected bytes: what the AWS CLI v1's own formatter prints for the
    // same result (see tests/cli_vs_awscli.rs for the live comparison).
    let table = "\
-------------------------------------------------------------------------
|                           GetCallerIdentity                           |
+--------------+----------------------------------------+---------------+
|    Account   |                  Arn                   |    UserId     |
+--------------+----------------------------------------+---------------+
|  123456789012|  arn:aws:iam::123456789012:user/alice  |  AIDAEXAMPLE  |
+--------------+----------------------------------------+---------------+
";
    assert_eq!(
        stdout(&caller_identity_with(&["--output", "table"], &[])),
        table
    );
    assert_eq!(
        stdout(&caller_identity_with(
            &["--output", "table", "--query", "[Account, Arn]"],
            &[]
        )),
        "\
------------------------------------------
|            GetCallerIdentity           |
+----------------------------------------+
|  123456789012                          |
|  arn:aws:iam::123456789012:user/alice  |
+----------------------------------------+
"
    );
    assert_eq!(
        stdout(&caller_identity_with(
            &["--query", "{A: Account, U: UserId}"],
            &[]
        )),
        "{\n    \"A\": \"123456789012\",\n    \"U\": \"AIDAEXAMPLE\"\n}\n"
    );
    assert_eq!(
        stdout(&caller_identity_with(
            &["--output", "text", "--query", "[Account, UserId]"],
            &[]
        )),
        "123456789012\tAIDAEXAMPLE\n"
    );
    let yaml =
        "UserId: AIDAEXAMPLE\nAccount: '123456789012'\nArn: arn:aws:iam::123456789012:user/alice\n";
    assert_eq!(
        stdout(&caller_identity_with(&["--output", "yaml"], &[])),
        yaml
    );
    assert_eq!(
        stdout(&caller_identity_with(&["--output", "yaml-stream"], &[])),
        "- UserId: AIDAEXAMPLE\n  Account: '123456789012'\n  Arn: arn:aws:iam::123456789012:user/alice\n"
    );

    // The default: AWS_DEFAULT_OUTPUT, else the profile's `output`;
    // --output wins over both.
    let dir = own_dir("output-default");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[default]\noutput = table\n[profile y]\noutput = yaml\n\
         aws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = not-a-secret\n",
    )
    .unwrap();
    let config = config.display().to_string();
    let files = [("AWS_CONFIG_FILE", config.as_str())];
    assert_eq!(stdout(&caller_identity_with(&[], &files)), table);
    assert_eq!(
        stdout(&caller_identity_with(&["--profile", "y"], &files)),
        yaml
    );
    let env_text = [files[0], ("AWS_DEFAULT_OUTPUT", "text")];
    assert_eq!(
        stdout(&caller_identity_with(&[], &env_text)),
        "123456789012\tarn:aws:iam::123456789012:user/alice\tAIDAEXAMPLE\n"
    );
    assert!(stdout(&caller_identity_with(&["--output", "json"], &env_text)).starts_with('{'));

    // Bad input: the AWS CLI's class and a message naming the flag.
    let o = caller_identity_with(&["--query", "Account[?"], &[]);
    assert_eq!(o.status.code(), Some(252));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--query") && err.contains("Account[?"),
        "{err}"
    );
    let o = caller_identity_with(&["--output", "xml"], &[]);
    assert_eq!(o.status.code(), Some(252));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--output"));
    let o = caller_identity_with(&[], &[("AWS_DEFAULT_OUTPUT", "xml")]);
    assert_eq!(o.status.code(), Some(253));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("AWS_DEFAULT_OUTPUT") && err.contains("xml"),
        "{err}"
    );
    let o = caller_identity_with(&["--output", "env", "--query", "Account"], &[]);
    assert_eq!(o.status.code(), Some(252));
}

#[test]
fn completions_for_each_shell_know_the_subcommands_and_flags() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout(&sts(&["completions", shell], &[]));
        for word in [
            "assume-role",
            "get-caller-identity",
            "query",
            "output",
            "serve",
        ] {
            assert!(
                script.contains(word),
                "{word} not in the {shell} completions"
            );
        }
    }
    // bash itself accepts the script and registers it.
    let script = scratch_home().join("sts-completion.bash");
    std::fs::write(&script, stdout(&sts(&["completions", "bash"], &[]))).unwrap();
    if let Ok(o) = Command::new("bash")
        .arg("-c")
        .arg(format!("source {} && complete -p sts", script.display()))
        .output()
    {
        assert!(o.status.success(), "{o:?}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("sts"));
    }
    let o = sts(&["completions", "tcsh"], &[]);
    assert_eq!(o.status.code(), Some(252));
}

/// The help lines `sts` shows for each operation and member, derived
/// from the STS model: the documentation's first sentence, without its
/// markup, then the constraints (required, lengths, ranges, pattern).
fn help_from_the_model() -> String {
    let root = sts_tests::moto::workspace_root();
    let text = std::fs::read_to_string(root.join("testdata/sts-model/service-2.json")).unwrap();
    let model: serde_json::Value = serde_json::from_str(&text).unwrap();
    let shapes = &model["shapes"];
    let mut out = String::from(
        "//! Help for each subcommand and flag, from the STS model's documentation\n\
         //! (`testdata/sts-model/service-2.json`): the first sentence and the\n\
         //! constraints. Generated; `tests/tests/cli.rs`\n\
         //! (`help_text_comes_from_the_sts_model`) checks it against the model, and\n\
         //! with `STS_REGENERATE_HELP=1` rewrites it. Also the\n\
         //! `--generate-cli-skeleton` skeletons, as botocore's `ArgumentGenerator`\n\
         //! makes them from the same model.\n\n\
         use crate::render::Doc;\n\n\
         /// (operation, member or \"\" for the operation, help line).\n\
         #[rustfmt::skip]\n\
         pub(crate) const HELP: &[(&str, &str, &str)] = &[\n",
    );
    let ops = model["operations"].as_object().unwrap();
    for (name, op) in ops {
        let line = first_sentence(op["documentation"].as_str().unwrap_or_default());
        out.push_str(&format!("    ({name:?}, \"\", {line:?}),\n"));
        let input = &shapes[op["input"]["shape"].as_str().unwrap_or_default()];
        let required: Vec<&str> = input["required"]
            .as_array()
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let Some(members) = input["members"].as_object() else {
            continue;
        };
        for (member, m) in members {
            let mut line = first_sentence(m["documentation"].as_str().unwrap_or_default());
            let target = &shapes[m["shape"].as_str().unwrap_or_default()];
            let mut limits = Vec::new();
            if required.contains(&member.as_str()) {
                limits.push("required".to_owned());
            }
            let (min, max) = (target["min"].as_i64(), target["max"].as_i64());
            match (target["type"].as_str().unwrap_or_default(), min, max) {
                ("integer", Some(a), Some(b)) => limits.push(format!("{a} to {b}")),
                ("integer", Some(a), None) => limits.push(format!("at least {a}")),
                ("integer", None, Some(b)) => limits.push(format!("at most {b}")),
                ("list", _, Some(b)) => limits.push(format!("at most {b} items")),
                ("string", Some(a), Some(b)) if a == b => {
                    limits.push(format!("exactly {a} characters"));
                }
                ("string", Some(a), Some(b)) => limits.push(format!("{a} to {b} characters")),
                ("string", Some(1), None) => limits.push("not empty".to_owned()),
                ("string", Some(a), None) => limits.push(format!("at least {a} characters")),
                ("string", None, Some(b)) => limits.push(format!("at most {b} characters")),
                _ => {}
            }
            if let Some(p) = target["pattern"].as_str() {
                limits.push(format!("pattern {p}"));
            }
            if !limits.is_empty() {
                line = format!("{line} [{}]", limits.join("; "));
            }
            out.push_str(&format!("    ({name:?}, {member:?}, {line:?}),\n"));
        }
    }
    out.push_str("];\n");
    out.push_str(&skeletons(&model, &text));
    out
}

/// A shape's members in the model's order: `serde_json` sorts an object's
/// keys, so the order is read from where each member's name stands in
/// the shape's text.
fn members_in_order<'a>(
    model: &'a serde_json::Value,
    text: &str,
    shape: &str,
) -> Vec<(String, &'a serde_json::Value)> {
    let Some(members) = model["shapes"][shape]["members"].as_object() else {
        return Vec::new();
    };
    let start = text.find(&format!("\n    \"{shape}\":{{")).unwrap_or(0);
    let end = text[start + 1..]
        .find("\n    }")
        .map_or(text.len(), |e| start + 1 + e);
    let span = &text[start..end];
    let mut ordered: Vec<(usize, String, &serde_json::Value)> = members
        .iter()
        .map(|(k, v)| {
            let at = span
                .find(&format!("\n        \"{k}\":"))
                .unwrap_or(usize::MAX);
            (at, k.clone(), v)
        })
        .collect();
    ordered.sort_by_key(|(at, _, _)| *at);
    ordered.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// botocore's `ArgumentGenerator` skeleton of `shape` (input: empty
/// strings; output: each string its member's name), as Python's
/// `json.dumps(indent=4)` writes it, or as Rust code building the
/// tool's result tree.
fn skeleton(
    model: &serde_json::Value,
    text: &str,
    shape: &str,
    name: &str,
    output: bool,
    depth: usize,
    stack: &mut Vec<String>,
) -> String {
    let s = &model["shapes"][shape];
    let pad = |d: usize| "    ".repeat(d);
    stack.push(shape.to_owned());
    let result = match s["type"].as_str().unwrap_or_default() {
        "structure" if stack.iter().filter(|x| *x == shape).count() > 1 => {
            if output {
                "o(vec![])".to_owned()
            } else {
                "{}".to_owned()
            }
        }
        "structure" => {
            let members = members_in_order(model, text, shape);
            if output {
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, m)| {
                        let inner = skeleton(
                            model,
                            text,
                            m["shape"].as_str().unwrap_or_default(),
                            k,
                            output,
                            depth + 1,
                            stack,
                        );
                        format!("({k:?}, {inner})")
                    })
                    .collect();
                format!("o(vec![{}])", parts.join(", "))
            } else if members.is_empty() {
                "{}".to_owned()
            } else {
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, m)| {
                        let inner = skeleton(
                            model,
                            text,
                            m["shape"].as_str().unwrap_or_default(),
                            k,
                            output,
                            depth + 1,
                            stack,
                        );
                        format!("{}\"{k}\": {inner}", pad(depth + 1))
                    })
                    .collect();
                format!("{{\n{}\n{}}}", parts.join(",\n"), pad(depth))
            }
        }
        "list" => {
            let member = s["member"]["shape"].as_str().unwrap_or_default();
            let inner = skeleton(model, text, member, member, output, depth + 1, stack);
            if output {
                format!("l(vec![{inner}])")
            } else {
                format!("[\n{}{inner}\n{}]", pad(depth + 1), pad(depth))
            }
        }
        "integer" | "long" => {
            if output {
                "n(0)".to_owned()
            } else {
                "0".to_owned()
            }
        }
        "boolean" => {
            if output {
                "b(true)".to_owned()
            } else {
                "true".to_owned()
            }
        }
        "timestamp" => {
            if output {
                "t(\"1970-01-01T00:00:00\")".to_owned()
            } else {
                "\"1970-01-01T00:00:00\"".to_owned()
            }
        }
        _ => {
            if output {
                format!("t({name:?})")
            } else {
                "\"\"".to_owned()
            }
        }
    };
    stack.pop();
    result
}

/// The input skeletons (text) and output skeletons (code) of every
/// operation.
fn skeletons(model: &serde_json::Value, text: &str) -> String {
    let ops = model["operations"].as_object().unwrap();
    let mut out = String::from(
        "\n/// (operation, `--generate-cli-skeleton input`).\n\
         #[rustfmt::skip]\n\
         pub(crate) const INPUT_SKELETONS: &[(&str, &str)] = &[\n",
    );
    for (name, op) in ops {
        let input = op["input"]["shape"].as_str().unwrap_or_default();
        let text = skeleton(model, text, input, "", false, 0, &mut Vec::new());
        out.push_str(&format!("    ({name:?}, {text:?}),\n"));
    }
    out.push_str(
        "];\n\n/// The `--generate-cli-skeleton output` result of `operation`.\n\
         #[rustfmt::skip]\n\
         pub(crate) fn output_skeleton(operation: &str) -> Option<Doc> {\n    \
         Some(match operation {\n",
    );
    for (name, op) in ops {
        let output = op["output"]["shape"].as_str().unwrap_or_default();
        let code = skeleton(model, text, output, "", true, 0, &mut Vec::new());
        out.push_str(&format!("        {name:?} => {code},\n"));
    }
    out.push_str(
        "        _ => return None,\n    })\n}\n\n\
         fn o(fields: Vec<(&str, Doc)>) -> Doc {\n    \
         Doc::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())\n}\n\n\
         #[allow(dead_code, reason = \"no STS output has a list today\")]\n\
         fn l(items: Vec<Doc>) -> Doc {\n    Doc::Array(items)\n}\n\n\
         fn t(text: &str) -> Doc {\n    Doc::Str(text.to_owned())\n}\n\n\
         fn n(value: i64) -> Doc {\n    Doc::Int(value)\n}\n\n\
         #[allow(dead_code, reason = \"STS outputs have no booleans today\")]\n\
         fn b(value: bool) -> Doc {\n    Doc::Bool(value)\n}\n",
    );
    out
}

/// The first sentence of HTML documentation, as plain text.
fn first_sentence(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ").replace(" .", ".").replace(" ,", ",");
    match joined.find(". ") {
        Some(end) => joined[..=end].to_owned(),
        None => joined,
    }
}

#[test]
fn help_text_comes_from_the_sts_model() {
    let path = sts_tests::moto::workspace_root().join("sts-blocking/src/bin/sts/model_help.rs");
    let want = help_from_the_model();
    if std::env::var_os("STS_REGENERATE_HELP").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not what the model gives; run with STS_REGENERATE_HELP=1",
        path.display()
    );
    // The lines reach `--help`, for the operation and its flags.
    let help = stdout(&sts(&["assume-role", "--help"], &[]));
    assert!(
        help.contains("Returns a set of temporary security credentials"),
        "{help}"
    );
    assert!(help.contains("900 to 43200"), "{help}");
    assert!(
        help.contains("2 to 64 characters; pattern [\\w+=,.@-]*"),
        "{help}"
    );
    for sub in [
        "assume-role-with-saml",
        "assume-role-with-web-identity",
        "get-session-token",
        "get-federation-token",
        "get-access-key-info",
        "decode-authorization-message",
    ] {
        let help = stdout(&sts(&[sub, "--help"], &[]));
        // Every flag has a line of help under it (the long form puts it
        // on the next line), and the model's constraints show.
        let lines: Vec<&str> = help.lines().collect();
        let bare: Vec<&str> = lines
            .windows(2)
            .filter(|w| w[0].trim_start().starts_with("--") && w[1].trim().is_empty())
            .map(|w| w[0])
            .collect();
        assert!(bare.is_empty(), "{sub}: flags without help: {bare:?}");
        assert!(
            help.lines().any(|l| l.contains("characters")),
            "{sub}:\n{help}"
        );
    }
}

#[test]
fn cli_input_json_gives_the_parameters_and_the_command_line_wins() {
    let body = canned::success(
        "AssumeRole",
        &format!("{}{ROLE_USER}", canned::credentials()),
    );
    let server = FaultServer::start(vec![Step::xml(200, body)]);
    let url = server.url();
    let doc = own_dir("cli-input").join("params.json");
    std::fs::write(
        &doc,
        r#"{"RoleArn": "arn:aws:iam::123456789012:role/from-json",
            "RoleSessionName": "from-json",
            "DurationSeconds": 1800,
            "Tags": [{"Key": "Project", "Value": "Unicorn"}],
            "TransitiveTagKeys": ["Project"]}"#,
    )
    .unwrap();
    let input = format!("file://{}", doc.display());
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "assume-role",
            "--cli-input-json",
            &input,
            "--role-session-name",
            "from-flag",
        ],
        &KEYS,
    );
    stdout(&o);
    let sent = server.requests()[0].body_text();
    for part in [
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ffrom-json",
        "RoleSessionName=from-flag",
        "DurationSeconds=1800",
        "Tags.member.1.Key=Project",
        "Tags.member.1.Value=Unicorn",
        "TransitiveTagKeys.member.1=Project",
    ] {
        assert!(sent.contains(part), "{part} not in {sent}");
    }

    // Bad documents: command syntax, naming the flag and the fault.
    for (document, fault) in [
        ("{\"RoleArn\": ", "invalid JSON"),
        ("[1, 2]", "an object"),
        ("{\"NoSuchMember\": 1}", "NoSuchMember"),
        ("file:///no/such/file.json", "cannot read"),
    ] {
        let o = sts(&["assume-role", "--cli-input-json", document], &KEYS);
        assert_eq!(o.status.code(), Some(252), "{document}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("--cli-input-json") && err.contains(fault),
            "{document}: {err}"
        );
    }
}

#[test]
fn skeletons_need_no_flags_and_send_nothing() {
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let input = stdout(&sts(
        &[
            "--endpoint-url",
            &url,
            "assume-role",
            "--generate-cli-skeleton",
        ],
        &KEYS,
    ));
    assert!(input.starts_with("{\n    \"RoleArn\": \"\",\n"), "{input}");
    let output = stdout(&sts(
        &[
            "--endpoint-url",
            &url,
            "get-caller-identity",
            "--generate-cli-skeleton",
            "output",
            "--output",
            "text",
        ],
        &KEYS,
    ));
    assert_eq!(output, "Account\tArn\tUserId\n");
    assert_eq!(server.requests_seen(), 0);
    let o = sts(
        &["get-caller-identity", "--generate-cli-skeleton", "bogus"],
        &KEYS,
    );
    assert_eq!(o.status.code(), Some(252));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--generate-cli-skeleton"));
}

#[test]
fn cli_input_yaml_gives_the_parameters() {
    let body = canned::success(
        "AssumeRole",
        &format!("{}{ROLE_USER}", canned::credentials()),
    );
    let server = FaultServer::start(vec![Step::xml(200, body)]);
    let url = server.url();
    let doc = own_dir("cli-input-yaml").join("params.yaml");
    std::fs::write(
        &doc,
        "RoleArn: arn:aws:iam::123456789012:role/from-yaml\n\
         RoleSessionName: from-yaml # a comment\n\
         Tags:\n- Key: Project\n  Value: 'Uni: corn'\n",
    )
    .unwrap();
    let input = format!("file://{}", doc.display());
    stdout(&sts(
        &[
            "--endpoint-url",
            &url,
            "assume-role",
            "--cli-input-yaml",
            &input,
        ],
        &KEYS,
    ));
    let sent = server.requests()[0].body_text();
    for part in [
        "RoleSessionName=from-yaml",
        "Tags.member.1.Key=Project",
        "Tags.member.1.Value=Uni%3A+corn",
    ] {
        assert!(sent.contains(part), "{part} not in {sent}");
    }
    let o = sts(
        &["assume-role", "--cli-input-yaml", "RoleArn: 'unterminated"],
        &KEYS,
    );
    assert_eq!(o.status.code(), Some(252));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--cli-input-yaml") && err.contains("line 1"),
        "{err}"
    );
}
