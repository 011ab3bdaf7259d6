//! The `sts` binary's failures as a user meets them: refused arguments,
//! one-line errors with the documented exit statuses, loud warnings, and
//! `--debug` and trace logs that show the exchange without a secret.

mod cli_support;

use std::process::Output;

use cli_support::*;
use sts_tests::{FaultServer, Step, canned};

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
    let err = usage_error(&out);
    assert!(err.contains("--query"), "{err}");
    let mut env = KEYS.to_vec();
    env.push(("AWS_DEFAULT_OUTPUT", "nope"));
    let out = sts(&["--endpoint-url", &url, "get-caller-identity"], &env);
    assert_eq!(out.status.code(), Some(253));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AWS_DEFAULT_OUTPUT"));
    assert_eq!(server.requests_seen(), 0, "nothing may be sent");
}

/// A structure member that is not text (a JSON null, a YAML value left
/// blank, a number) is refused with the usage status before anything is
/// sent, as the AWS CLI refuses it ("Invalid type for parameter"), from
/// the flag and from `--cli-input-json` and `--cli-input-yaml` alike; it
/// used to be sent as the words `null` or `7`.
#[test]
fn a_structure_member_that_is_not_text_is_refused_before_anything_is_sent() {
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let role = ["--role-arn", "arn:aws:iam::123456789012:role/r"];
    let session = ["--role-session-name", "s"];
    let cases: [Vec<&str>; 4] = [
        vec!["--tags", r#"[{"Key":"a","Value":null}]"#],
        vec!["--tags", r#"{"Key":"a","Value":7}"#],
        vec![
            "--cli-input-json",
            r#"{"Tags":[{"Key":"env","Value":null}]}"#,
        ],
        vec!["--cli-input-yaml", "Tags:\n- Key: env\n  Value:\n"],
    ];
    for extra in &cases {
        let mut args = vec!["--endpoint-url", url.as_str(), "assume-role"];
        args.extend(role);
        args.extend(session);
        args.extend(extra.iter().copied());
        let out = sts(&args, &KEYS);
        let err = usage_error(&out);
        // A document's value is named as the document names it.
        let named = match extra[0] {
            "--tags" => "--tags: invalid type for [0].",
            _ => "Tags in the parameters document: invalid type for [0].",
        };
        assert!(
            err.contains(named) && err.contains("it takes a string"),
            "{extra:?}: {err}"
        );
    }
    assert_eq!(server.requests_seen(), 0, "nothing may be sent");
}

/// A bad `--region`, `--endpoint-url` or `--ca-bundle` is named by its
/// flag (the library calls the tool's flags "the program's settings"),
/// after the AWS CLI's own sentence for the first two, and nothing is sent.
/// A variable's bad value keeps the variable's name.
#[test]
fn a_bad_setting_from_a_flag_names_the_flag() {
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let last_line = |args: &[&str], env: &[(&str, &str)]| {
        let out = sts(args, env);
        assert_eq!(out.status.code(), Some(253), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("program's settings"), "{err}");
        err.trim_end().lines().last().unwrap_or_default().to_owned()
    };
    let err = last_line(
        &[
            "--endpoint-url",
            &url,
            "--region",
            "bad/region",
            "get-caller-identity",
        ],
        &KEYS,
    );
    assert!(
        err.starts_with(
            "Provided region_name 'bad/region' doesn't match a supported format. \
             (region \"bad/region\" from --region is invalid"
        ),
        "{err}"
    );
    let err = last_line(
        &["--endpoint-url", "localhost:8080", "get-caller-identity"],
        &KEYS,
    );
    assert!(
        err.starts_with(
            "Invalid endpoint: localhost:8080 (the endpoint URL from --endpoint-url is invalid"
        ),
        "{err}"
    );
    // A password in it is not repeated.
    let err = last_line(
        &[
            "--endpoint-url",
            "https://user:pw@sts.example.com",
            "get-caller-identity",
        ],
        &KEYS,
    );
    assert!(
        err.starts_with("Invalid endpoint: https://***@sts.example.com"),
        "{err}"
    );
    assert!(!err.contains("pw"), "{err}");
    let err = last_line(
        &[
            "--endpoint-url",
            &url,
            "--ca-bundle",
            "/nonexistent/ca.pem",
            "get-caller-identity",
        ],
        &KEYS,
    );
    assert!(
        err.starts_with("the CA bundle from --ca-bundle cannot be used"),
        "{err}"
    );
    let mut env = KEYS.to_vec();
    env.push(("AWS_REGION", "bad/r"));
    let err = last_line(&["--endpoint-url", &url, "get-caller-identity"], &env);
    assert!(
        err.contains("from environment variable AWS_REGION"),
        "{err}"
    );
    assert_eq!(server.requests_seen(), 0, "nothing may be sent");
}

/// A query nested too deep to evaluate, or long enough to overflow the
/// parser, is a usage error before anything is sent, never a crash (the
/// AWS CLI prints `null` for the first; `sts` aborted on a stack
/// overflow after the call).
#[test]
fn a_query_too_deep_is_refused_before_anything_is_sent() {
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let chain = format!("{}a", "a.".repeat(1000));
    let nots = format!("{}a", "!".repeat(100_000));
    for (query, why) in [
        (&chain, "nests 1001 levels deep"),
        (&nots, "100000 operators"),
    ] {
        let out = sts(
            &[
                "--endpoint-url",
                &url,
                "--query",
                query,
                "get-caller-identity",
            ],
            &KEYS,
        );
        let err = usage_error(&out);
        assert!(err.contains("--query") && err.contains(why), "{err}");
    }
    assert_eq!(server.requests_seen(), 0, "nothing may be sent");
}

/// Each `[@,@]` stage doubles the data: 22 of them, 131 bytes, took 45 s
/// and 7 GiB, and passed the depth and length checks. Evaluation now stops
/// at its budget with the AWS CLI's kind of query error (exit 255), in
/// well under the 1 GiB of address space this run is given.
#[cfg(unix)]
#[test]
fn a_query_that_doubles_its_data_stops_at_its_budget() {
    let answer = || Step::xml(200, canned::caller_identity("arn:x"));
    let server = FaultServer::start(vec![answer(), answer()]);
    let url = server.url();
    let query = vec!["[@,@]"; 40].join("|");
    let started = std::time::Instant::now();
    let out = sts_within_memory(
        &[
            "--endpoint-url",
            &url,
            "--query",
            &query,
            "get-caller-identity",
        ],
        &KEYS,
        1024,
    );
    let took = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{out:?}");
    assert!(err.contains("more than 64 MiB"), "{err}");
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
    // A real query on the same answer still works under the same cap.
    let out = sts_within_memory(
        &[
            "--endpoint-url",
            &url,
            "--query",
            "Arn",
            "get-caller-identity",
        ],
        &KEYS,
        1024,
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "\"arn:x\"",
        "{out:?}"
    );
}

/// `--cli-input-yaml` nests as deep as JSON input may, and no deeper: 17,000
/// `[` (34 KB) overflowed the stack and aborted the tool. Past 10,000 the
/// count of values refuses the document before the nesting is read.
#[test]
fn yaml_input_nested_too_deep_is_refused_not_a_crash() {
    let server = FaultServer::start(vec![Step::xml(200, canned::caller_identity("arn:x"))]);
    let url = server.url();
    let dir = sts_tests::ScratchDir::new("deep-yaml");
    let deep = "nested more than 127 levels deep";
    let many = "more than 10000 commas, brackets and lines";
    // The largest in a file: an argument is capped at 128 KiB.
    for (levels, in_file, why) in [
        (127, false, deep),
        (9_999, false, deep),
        (17_000, false, many),
        (500_000, true, many),
    ] {
        let yaml = format!("RoleArn: {}x{}", "[".repeat(levels), "]".repeat(levels));
        let input = match in_file {
            true => {
                let path = dir.join("deep.yaml");
                std::fs::write(&path, &yaml).unwrap();
                format!("file://{}", path.display())
            }
            false => yaml,
        };
        let out = sts(
            &[
                "--endpoint-url",
                &url,
                "get-caller-identity",
                "--cli-input-yaml",
                &input,
            ],
            &KEYS,
        );
        let err = usage_error(&out);
        assert!(err.contains(why), "{levels} levels: {err}");
    }
    assert_eq!(server.requests_seen(), 0, "nothing may be sent");
}

/// A parameters document or JSON value of more values than any STS call
/// takes is refused before it is parsed: a megabyte of small values cost
/// 40 times its size once parsed, written again for clap and parsed again.
#[test]
fn documents_of_too_many_values_are_refused_before_parsing() {
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let dir = sts_tests::ScratchDir::new("many-values");
    let tags: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"Key":"k{i}","Value":"v"}}"#))
        .collect();
    let document = dir.join("tags.json");
    std::fs::write(&document, format!(r#"{{"Tags":[{}]}}"#, tags.join(","))).unwrap();
    let list = dir.join("list.json");
    std::fs::write(&list, format!("[{}]", tags.join(","))).unwrap();
    let yaml = dir.join("tags.yaml");
    std::fs::write(&yaml, "Tags:\n- Key: k\n  Value: v\n".repeat(4_000)).unwrap();
    let role = [
        "--endpoint-url",
        &url,
        "assume-role",
        "--role-arn",
        "arn:aws:iam::123456789012:role/r",
        "--role-session-name",
        "s",
    ];
    let runs = [
        ("--cli-input-json", format!("file://{}", document.display())),
        ("--cli-input-yaml", format!("file://{}", yaml.display())),
        ("--tags", format!("file://{}", list.display())),
    ];
    for (flag, value) in runs {
        let mut args = role.to_vec();
        args.extend([flag, value.as_str()]);
        let err = usage_error(&sts(&args, &KEYS));
        assert!(
            err.contains(flag) && err.contains("more than 10000"),
            "{err}"
        );
    }
    // The budget is the flag's, not each argument's: an object within it,
    // given three times, is over it (300 copies took 958 MB).
    let members: Vec<String> = (0..4_000).map(|i| format!(r#""m{i}":"v""#)).collect();
    let object = dir.join("object.json");
    std::fs::write(&object, format!("{{{}}}", members.join(","))).unwrap();
    let object = format!("file://{}", object.display());
    let mut args = role.to_vec();
    args.extend(["--tags", &object, &object, &object]);
    let err = usage_error(&sts(&args, &KEYS));
    assert!(
        err.contains("--tags") && err.contains("more than 10000"),
        "{err}"
    );
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
    let err = usage_error(&o);
    assert!(
        err.starts_with("Parameter validation failed") && err.contains("RoleSessionName"),
        "{err}"
    );
    assert_eq!(server.requests_seen(), 0);

    // Usage error from the parser: exit 252; help is not an error.
    let o = sts(&["get-caller-identity", "--no-such-flag"], &KEYS);
    usage_error(&o);
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
            "Read timeout on endpoint URL: \"{url}/\": the connection was silent for 1 s \
             when calling the GetCallerIdentity operation; --cli-read-timeout changes the \
             limit\n"
        )
    );

    // No credentials anywhere: the environment is invalid, exit 253.
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &[]);
    assert_eq!(o.status.code(), Some(253), "{o:?}");
    assert_eq!(server.requests_seen(), 0);
    // The AWS CLI's sentence first, which scripts look for, then what
    // each source said, on one line.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(
            "Unable to locate credentials. You can configure credentials by running \
             \"aws configure\". (no credentials from credentials chain"
        ) && err.contains("AWS_ACCESS_KEY_ID")
            && err.lines().count() == 1,
        "{err}"
    );

    // A profile that is not defined: exit 253, the AWS CLI's sentence.
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "--profile",
            "nope",
            "get-caller-identity",
        ],
        &KEYS,
    );
    assert_eq!(o.status.code(), Some(253), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("The config profile (nope) could not be found (")
            && err.lines().count() == 1,
        "{err}"
    );
    assert_eq!(server.requests_seen(), 0);

    // env output of an operation without credentials is a usage error,
    // found before anything is sent.
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
    assert!(usage_error(&o).contains("--output"));
    assert_eq!(server.requests_seen(), 0);

    // So is --query with env output: the MFA code is not used up on a
    // call whose answer could not be printed.
    let server = FaultServer::start(vec![Step::xml(
        200,
        canned::success("GetSessionToken", canned::credentials()),
    )]);
    let url = server.url();
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "get-session-token",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/u",
            "--token-code",
            "123456",
            "--output",
            "env",
            "--query",
            "Credentials",
        ],
        &KEYS,
    );
    assert!(usage_error(&o).contains("--query"));
    assert_eq!(server.requests_seen(), 0);
}

/// A listener whose queue of connections waiting to be accepted is full,
/// and the connections that fill it: a new connection to it hangs (the
/// kernel drops its SYN), as to a host that does not answer.
fn unanswering_listener() -> (std::net::TcpListener, Vec<std::net::TcpStream>, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    // Full once three connections in a row time out (one might just be
    // slow on a busy machine).
    let mut timed_out = 0;
    for _ in 0..2000 {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(300)) {
            Ok(stream) => {
                timed_out = 0;
                held.push(stream);
            }
            Err(_) => {
                timed_out += 1;
                if timed_out == 3 {
                    return (listener, held, format!("http://{addr}"));
                }
            }
        }
    }
    panic!("the listener's queue never filled");
}

/// `--cli-connect-timeout` is the limit on opening a connection, whatever
/// the read limit: a connection that cannot be opened times out after the
/// connect limit, even when it is longer than the read limit (the read
/// limit used to cut it short).
#[test]
fn the_connect_limit_is_its_own() {
    let (_listener, _held, url) = unanswering_listener();
    let started = std::time::Instant::now();
    let o = sts(
        &[
            "--endpoint-url",
            &url,
            "--cli-connect-timeout",
            "4",
            "--cli-read-timeout",
            "1",
            "get-caller-identity",
        ],
        &[KEYS[0], KEYS[1], ("AWS_MAX_ATTEMPTS", "1")],
    );
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(255));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        format!(
            "Connect timeout on endpoint URL: \"{url}/\": no connection within 4 s when \
             calling the GetCallerIdentity operation; --cli-connect-timeout changes the limit\n"
        )
    );
    // It waited for the connect limit, not the read limit, and no longer.
    assert!(
        took >= std::time::Duration::from_millis(3800) && took < std::time::Duration::from_secs(15),
        "{took:?}"
    );
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

/// With certificate checks off no CA bundle is used, but a stale one
/// (`AWS_CA_BUNDLE`, `--ca-bundle`, the profile's `ca_bundle` naming a
/// file that is gone) still failed the call; botocore's `verify=False`
/// wins over every bundle, and now here too.
#[test]
fn no_verify_ssl_reads_no_ca_bundle() {
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, canned::caller_identity("arn:x"))])
            .then(sts_tests::WhenDone::RepeatLast),
    );
    let url = server.url();
    let dir = own_dir("no-verify-stale-bundle");
    let config = dir.join("config");
    std::fs::write(&config, "[default]\nca_bundle = /nonexistent/profile.pem\n").unwrap();
    let config = config.display().to_string();
    let base = [
        "--no-verify-ssl",
        "--endpoint-url",
        &url,
        "get-caller-identity",
    ];
    let mut env = KEYS.to_vec();
    env.push(("AWS_CA_BUNDLE", "/nonexistent/env.pem"));
    assert!(sts(&base, &env).status.success());
    let with_flag: Vec<&str> = ["--ca-bundle", "/nonexistent/flag.pem"]
        .into_iter()
        .chain(base)
        .collect();
    assert!(sts(&with_flag, &KEYS).status.success());
    let mut env = KEYS.to_vec();
    env.push(("AWS_CONFIG_FILE", &config));
    assert!(sts(&base, &env).status.success());
    // With the checks on, the stale bundle is an error, as it was.
    let o = sts(&base[1..], &env);
    assert_eq!(o.status.code(), Some(253), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/profile.pem"));
}

/// `sts --debug get-session-token` with an MFA code, signed with keys and
/// a session token, against `url`, with `more` in the environment: every
/// secret the `--debug` tests look for.
fn debug_get_session_token(url: &str, more: &[(&str, &str)]) -> Output {
    let mut env = KEYS.to_vec();
    env.push(("AWS_SESSION_TOKEN", "SESSION-TOKEN-SECRET"));
    env.extend_from_slice(more);
    sts(
        &[
            "--debug",
            "--endpoint-url",
            url,
            "get-session-token",
            "--serial-number",
            "GAHT12345678",
            "--token-code",
            "654321",
        ],
        &env,
    )
}

#[test]
fn debug_shows_the_exchange_without_secrets() {
    let body = canned::success("GetSessionToken", canned::credentials());
    let server = FaultServer::start(vec![Step::xml(200, body)]);
    let url = server.url();
    let o = debug_get_session_token(&url, &[]);
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
    let o = debug_get_session_token(&url, &[("RUST_LOG", "trace")]);
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

/// The AWS CLI's global flags that change nothing here are accepted, so
/// its scripts run unchanged; `--no-sign-request` is honoured where STS
/// takes unsigned requests and refused elsewhere; and a missing
/// subcommand is an error, not a success.
#[test]
fn the_aws_clis_other_global_flags_are_taken_or_refused() {
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, canned::caller_identity("arn:x"))])
            .then(sts_tests::WhenDone::RepeatLast),
    );
    let url = server.url();
    let base = ["--endpoint-url", url.as_str(), "--region", "us-east-1"];
    let with = |more: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(more);
        args.push("get-caller-identity");
        sts(&args, &KEYS)
    };
    for flags in [
        &["--no-cli-pager"][..],
        &["--no-paginate"],
        &["--color", "off"],
        &["--cli-binary-format", "raw-in-base64-out"],
    ] {
        assert!(stdout(&with(flags)).contains("arn:x"), "{flags:?}");
    }
    assert_eq!(server.requests().len(), 4);
    let err = usage_error(&with(&["--color", "purple"]));
    assert!(err.contains("--color"), "{err}");

    let err = usage_error(&with(&["--no-sign-request"]));
    assert!(err.contains("--no-sign-request"), "{err}");
    assert_eq!(server.requests().len(), 4, "nothing sent");
    // Unsigned anyway: the flag is taken, and no credentials are needed.
    let dir = own_dir("no-sign-request");
    let token_file = dir.join("token");
    std::fs::write(&token_file, "header.payload.signature").unwrap();
    let token = format!("file://{}", token_file.display());
    let out = sts(
        &[
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
            "--no-sign-request",
            "assume-role-with-web-identity",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--role-session-name",
            "ss",
            "--web-identity-token",
            &token,
        ],
        &[],
    );
    // The canned answer is not this operation's: what matters is that the
    // request went out unsigned.
    let _ = out;
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    assert!(requests[4].header("authorization").is_none());
    assert!(
        requests[4]
            .body_text()
            .starts_with("Action=AssumeRoleWithWebIdentity&")
    );

    for args in [&[][..], &["presign"]] {
        let out = sts(args, &[]);
        assert_eq!(out.status.code(), Some(252), "{args:?}");
    }
}

/// An answer without an STS error document used to read "HTTP 503
/// without an STS error document; body starts …", and a call that ran out
/// of attempts did not say so. As botocore words them: the status's reason
/// phrase, and ` (reached max retries: N)` when the attempts ran out
/// (3 by default, so 2 retries).
#[test]
fn answers_without_an_error_document_and_exhausted_retries_read_as_the_aws_clis() {
    let html = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";
    let server = FaultServer::start(vec![
        Step::respond(503, html),
        Step::respond(503, html),
        Step::respond(503, html),
    ]);
    let url = server.url();
    let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &KEYS);
    assert_eq!(o.status.code(), Some(254), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "An error occurred (503) when calling the GetCallerIdentity operation (reached max \
         retries: 2): Service Unavailable\n"
    );
    assert_eq!(server.requests_seen(), 3);

    // Not retried: no retries to tell of.
    let server = FaultServer::start(vec![Step::respond(403, "<html>Forbidden</html>")]);
    let url = server.url();
    let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &KEYS);
    assert_eq!(o.status.code(), Some(254), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "An error occurred (403) when calling the GetCallerIdentity operation: Forbidden\n"
    );
    assert_eq!(server.requests_seen(), 1);

    // An empty body; one attempt allowed, so the attempts ran out at once.
    let server = FaultServer::start(vec![Step::respond(502, "")]);
    let url = server.url();
    let o = sts(
        &["--endpoint-url", &url, "get-caller-identity"],
        &[KEYS[0], KEYS[1], ("AWS_MAX_ATTEMPTS", "1")],
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "An error occurred (502) when calling the GetCallerIdentity operation (reached max \
         retries: 0): Bad Gateway\n"
    );

    // A service error retried until the attempts ran out.
    let throttled = || Step::xml(400, canned::error("Throttling", "Rate exceeded"));
    let server = FaultServer::start(vec![throttled(), throttled(), throttled()]);
    let url = server.url();
    let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &KEYS);
    assert_eq!(o.status.code(), Some(254), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "An error occurred (Throttling) when calling the GetCallerIdentity operation \
         (reached max retries: 2): Rate exceeded\n"
    );
    assert_eq!(server.requests_seen(), 3);

    // Under --debug the body's start is shown too, on a line before the
    // AWS CLI's, which stays the last.
    let server = FaultServer::start(vec![Step::respond(403, "<html>Forbidden</html>")]);
    let url = server.url();
    let o = sts(
        &["--endpoint-url", &url, "--debug", "get-caller-identity"],
        &KEYS,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("body starts \"<html>Forbidden"), "{err}");
    assert!(
        err.ends_with(
            "\nAn error occurred (403) when calling the GetCallerIdentity operation: Forbidden\n"
        ),
        "{err}"
    );
}

/// A hostile server's escape sequences never reach the terminal as such:
/// the XML reader refuses a document with a character XML does not allow
/// (ESC, BEL), and says so under `--debug`; what is shown of the body is
/// cleaned, and a right-to-left override does not reach it either.
#[test]
fn a_server_s_escape_sequences_do_not_reach_the_terminal() {
    let error = "<ErrorResponse><Error><Type>Sender</Type>\
                 <Code>Access\x1b[31mDenied\x1b]0;pwned\x07</Code>\
                 <Message>evil \x1b[2J\x1b[H cleared\r\nfake: line \u{202e}desrever</Message>\
                 </Error><RequestId>rid</RequestId></ErrorResponse>";
    let entity = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
                  <Arn>a&ev\x1b[31mil;</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>";
    for (status, body) in [(403, error), (200, entity)] {
        let server = FaultServer::start(vec![Step::xml(status, body)]);
        let url = server.url();
        let o = sts(
            &["--endpoint-url", &url, "--debug", "get-caller-identity"],
            &[KEYS[0], KEYS[1], ("AWS_MAX_ATTEMPTS", "1")],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{err}");
        for acting in ['\x1b', '\x07', '\r', '\u{202e}'] {
            assert!(!err.contains(acting), "{acting:?} reached stderr: {err}");
        }
        // The reader's reason, so a reader knows why the answer was not read.
        assert!(err.contains("a character XML does not allow"), "{err}");
    }
}

/// An error document whose `<Message>` is empty reads `None`, and one
/// without a `<Message>` reads `Unknown`, as the AWS CLI v1 prints them
/// (botocore's `Message` is Python's `None` for an empty element, and its
/// default `Unknown` for a missing one); both used to read `Unknown`.
#[test]
fn an_empty_or_missing_error_message_reads_as_the_aws_clis() {
    for (message, shown) in [
        ("<Message/>", "None"),
        ("<Message></Message>", "None"),
        ("", "Unknown"),
    ] {
        let body = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <Error><Type>Sender</Type><Code>AccessDenied</Code>{message}</Error>\
             <RequestId>err-rid</RequestId></ErrorResponse>"
        );
        let server = FaultServer::start(vec![Step::xml(403, body)]);
        let url = server.url();
        let o = sts(&["--endpoint-url", &url, "get-caller-identity"], &KEYS);
        assert_eq!(o.status.code(), Some(254), "{message}: {o:?}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!(
                "An error occurred (AccessDenied) when calling the GetCallerIdentity \
                 operation: {shown}\n"
            ),
            "{message}"
        );
    }
}
