//! The `sts` binary, run as a user runs it, against the fault server's
//! canned responses: every subcommand in every output form, `--query`,
//! and where the default output comes from.

mod cli_support;

use std::process::Output;

use cli_support::*;
use sts_tests::{FaultServer, Step, canned};

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
    assert_sent(
        &sent,
        &[
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
        ],
    );

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
                "{creds}<Subject>jane</Subject><SessionTokenUtilization>73</SessionTokenUtilization>\
                 <TrustedIdentityPropagationContext><OriginIdentity><Subject>u-1</Subject>\
                 <SubjectType>User</SubjectType><Issuer>https://idp</Issuer></OriginIdentity>\
                 <TransactionContext><IdentityProvider>\
                 <entry><key>tenant</key><value>blue</value></entry>\
                 <entry><key>zone</key><value>z1</value></entry>\
                 <entry><key>tenant</key><value>red</value></entry>\
                 </IdentityProvider></TransactionContext></TrustedIdentityPropagationContext>"
            ),
            json: format!(
                "{{\n{CREDS_JSON},\n    \"Subject\": \"jane\",\n    \"SessionTokenUtilization\": 73,\n    \
                 \"TrustedIdentityPropagationContext\": {{\n        \"OriginIdentity\": {{\n            \
                 \"Subject\": \"u-1\",\n            \"SubjectType\": \"User\",\n            \
                 \"Issuer\": \"https://idp\"\n        }},\n        \"TransactionContext\": {{\n            \
                 \"IdentityProvider\": {{\n                \"tenant\": \"red\",\n                \
                 \"zone\": \"z1\"\n            }}\n        }}\n    }}\n}}\n"
            ),
            // As awscli.formatter.TextFormatter writes the same document;
            // a repeated key keeps its first place and its last value, as
            // botocore's dict of the entries does.
            text: format!(
                "73\tjane\n{CREDS_TEXT}ORIGINIDENTITY\thttps://idp\tu-1\tUser\n\
                 IDENTITYPROVIDER\tred\tz1\n"
            ),
        },
        Case {
            op: "GetScopedCredentials",
            args: vec!["get-scoped-credentials", "--duration-seconds", "900"],
            result: format!(
                "{creds}<SessionInfo><ScopedSessionId>AROAEXAMPLE:s</ScopedSessionId>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></SessionInfo>\
                 <SessionTokenUtilization>41</SessionTokenUtilization>\
                 <SessionTokenSize>1024</SessionTokenSize>\
                 <ScopedPoliciesCount>2</ScopedPoliciesCount><SourceIdentity>alice</SourceIdentity>"
            ),
            json: format!(
                "{{\n{CREDS_JSON},\n    \"SessionInfo\": {{\n        \"ScopedSessionId\": \"AROAEXAMPLE:s\",\n        \
                 \"Arn\": \"arn:aws:sts::123456789012:assumed-role/r/s\"\n    }},\n    \
                 \"SessionTokenUtilization\": 41,\n    \"SessionTokenSize\": 1024,\n    \
                 \"ScopedPoliciesCount\": 2,\n    \"SourceIdentity\": \"alice\"\n}}\n"
            ),
            // As awscli.formatter.TextFormatter writes the same document.
            text: format!(
                "2\t1024\t41\talice\n{CREDS_TEXT}\
                 SESSIONINFO\tarn:aws:sts::123456789012:assumed-role/r/s\tAROAEXAMPLE:s\n"
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
        "Account: '123456789012'\nArn: arn:aws:iam::123456789012:user/alice\nUserId: AIDAEXAMPLE\n";
    assert_eq!(
        stdout(&caller_identity_with(&["--output", "yaml"], &[])),
        yaml
    );
    assert_eq!(
        stdout(&caller_identity_with(&["--output", "yaml-stream"], &[])),
        "- Account: '123456789012'\n  Arn: arn:aws:iam::123456789012:user/alice\n  UserId: AIDAEXAMPLE\n"
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
    let err = usage_error(&o);
    assert!(
        err.contains("--query") && err.contains("Account[?"),
        "{err}"
    );
    let o = caller_identity_with(&["--output", "xml"], &[]);
    assert!(usage_error(&o).contains("--output"));
    let o = caller_identity_with(&[], &[("AWS_DEFAULT_OUTPUT", "xml")]);
    assert_eq!(o.status.code(), Some(253));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("AWS_DEFAULT_OUTPUT") && err.contains("xml"),
        "{err}"
    );
    let o = caller_identity_with(&["--output", "env", "--query", "Account"], &[]);
    usage_error(&o);
}

/// `Credentials.*`, `values()` and `keys()` list the members in the
/// response's order, as the AWS CLI does: scripts read them into
/// variables by position (the key, the secret, the token, the expiry).
#[test]
fn query_lists_an_objects_members_in_the_response_order() {
    let run = |query: &str| {
        canned_run(
            assume_role_answer(),
            &[
                "--output",
                "text",
                "--query",
                query,
                "assume-role",
                "--role-arn",
                "arn:aws:iam::123456789012:role/r",
                "--role-session-name",
                "ss",
            ],
        )
        .0
    };
    let values = "ASIAFAULTSERVER\tfault/secret\tfault-token\t2030-01-01T00:00:00+00:00\n";
    assert_eq!(run("Credentials.*"), values);
    assert_eq!(run("values(Credentials)"), values);
    assert_eq!(
        run("keys(Credentials)"),
        "AccessKeyId\tSecretAccessKey\tSessionToken\tExpiration\n"
    );
    assert_eq!(run("*.Arn"), "arn:aws:sts::123456789012:assumed-role/r/s\n");
}

/// An endpoint URL's path is where requests go, as given: `/sts/` with its
/// slash (as the AWS CLI posts, and as a proxy routing `/sts/` expects),
/// `/sts` without, and `/` for none.
#[test]
fn requests_go_to_the_endpoint_url_s_path_as_given() {
    for (path, target) in [("/sts/", "/sts/"), ("/sts", "/sts"), ("/", "/"), ("", "/")] {
        let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
        let url = format!("{}{path}", server.url().trim_end_matches('/'));
        let out = sts(&["--endpoint-url", &url, "get-caller-identity"], &KEYS);
        assert!(
            out.status.success(),
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{url}");
        assert_eq!(requests[0].target, target, "{url}");
    }
}
