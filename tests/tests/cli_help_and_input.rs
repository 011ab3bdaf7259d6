//! The `sts` binary's help, completions and skeletons, all derived from
//! the STS model, and parameters given as `--cli-input-json` or `-yaml`.

mod cli_support;

use std::process::Command;

use cli_support::*;
use sts_tests::{FaultServer, Step};

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
    usage_error(&o);
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
            let target = &shapes[m["shape"].as_str().unwrap_or_default()];
            // A member without documentation of its own has its shape's
            // (`MinimumSessionTokenSize`'s is on `minimumSessionTokenSizeType`).
            let doc = m["documentation"]
                .as_str()
                .or_else(|| target["documentation"].as_str())
                .unwrap_or_default();
            let mut line = first_sentence(doc);
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
            let members: Vec<(String, String)> = members_in_order(model, text, shape)
                .into_iter()
                .map(|(k, m)| {
                    let member = m["shape"].as_str().unwrap_or_default();
                    let inner = skeleton(model, text, member, &k, output, depth + 1, stack);
                    (k, inner)
                })
                .collect();
            if output {
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, inner)| format!("({k:?}, {inner})"))
                    .collect();
                format!("o(vec![{}])", parts.join(", "))
            } else if members.is_empty() {
                "{}".to_owned()
            } else {
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, inner)| format!("{}\"{k}\": {inner}", pad(depth + 1)))
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
        // As botocore's `_generate_type_map`: one `KeyName` member whose
        // value is the value shape's skeleton, with no member name.
        "map" => {
            let value = s["value"]["shape"].as_str().unwrap_or_default();
            let inner = skeleton(model, text, value, "", output, depth + 1, stack);
            if output {
                format!("o(vec![(\"KeyName\", {inner})])")
            } else {
                format!(
                    "{{\n{}\"KeyName\": {inner}\n{}}}",
                    pad(depth + 1),
                    pad(depth)
                )
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
         fn n(value: i64) -> Doc {\n    Doc::Int(i128::from(value))\n}\n\n\
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
    let body = assume_role_answer();
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
    assert_sent(
        &sent,
        &[
            "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ffrom-json",
            "RoleSessionName=from-flag",
            "DurationSeconds=1800",
            "Tags.member.1.Key=Project",
            "Tags.member.1.Value=Unicorn",
            "TransitiveTagKeys.member.1=Project",
        ],
    );

    // Bad documents: command syntax, naming the flag and the fault.
    for (document, fault) in [
        ("{\"RoleArn\": ", "invalid JSON"),
        ("[1, 2]", "an object"),
        ("{\"NoSuchMember\": 1}", "NoSuchMember"),
        ("file:///no/such/file.json", "cannot read"),
    ] {
        let o = sts(&["assume-role", "--cli-input-json", document], &KEYS);
        let err = usage_error(&o);
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
    // Operations with required flags print it without them too, as the
    // AWS CLI does, and a flag that is given is not read.
    for args in [
        &["assume-role"][..],
        &["assume-root"],
        &[
            "assume-role-with-saml",
            "--saml-assertion",
            "file:///no/such/file",
        ],
    ] {
        let mut full = vec!["--endpoint-url", url.as_str()];
        full.extend_from_slice(args);
        full.extend([
            "--generate-cli-skeleton",
            "output",
            "--query",
            "Credentials.AccessKeyId",
        ]);
        assert_eq!(stdout(&sts(&full, &KEYS)), "\"AccessKeyId\"\n", "{args:?}");
    }
    assert_eq!(server.requests_seen(), 0);
    let o = sts(
        &["get-caller-identity", "--generate-cli-skeleton", "bogus"],
        &KEYS,
    );
    assert!(usage_error(&o).contains("--generate-cli-skeleton"));
}

#[test]
fn cli_input_yaml_gives_the_parameters() {
    let body = assume_role_answer();
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
    assert_sent(
        &sent,
        &[
            "RoleSessionName=from-yaml",
            "Tags.member.1.Key=Project",
            "Tags.member.1.Value=Uni%3A+corn",
        ],
    );
    let o = sts(
        &["assume-role", "--cli-input-yaml", "RoleArn: 'unterminated"],
        &KEYS,
    );
    let err = usage_error(&o);
    assert!(
        err.contains("--cli-input-yaml") && err.contains("line 1"),
        "{err}"
    );
}

/// Runs `args` (after the endpoint) against a server that answers once;
/// the exit status and the form body sent, if any.
fn sent_by(args: &[&str]) -> (std::process::Output, Option<String>) {
    let server = FaultServer::start(vec![Step::xml(200, assume_role_answer())]);
    let url = server.url();
    let mut full = vec!["--endpoint-url", url.as_str()];
    full.extend_from_slice(args);
    let o = sts(&full, &KEYS);
    let sent = server.requests().first().map(|r| r.body_text());
    (o, sent)
}

/// A document's values reach the wire as they are, even when they start
/// with `-` (they used to be taken for flags), and an empty list is no
/// list (it used to be refused as a flag without a value).
#[test]
fn cli_input_values_may_start_with_a_dash_and_lists_may_be_empty() {
    for (flag, document) in [
        (
            "--cli-input-json",
            r#"{"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "-dash",
                "ExternalId": "-x1", "TransitiveTagKeys": ["-k", "--k2"], "PolicyArns": [],
                "Tags": [], "DurationSeconds": 900}"#,
        ),
        (
            "--cli-input-yaml",
            "RoleArn: arn:aws:iam::123456789012:role/r\nRoleSessionName: -dash\n\
             ExternalId: '-x1'\nTransitiveTagKeys:\n- -k\n- --k2\nPolicyArns: []\n\
             Tags: []\nDurationSeconds: 900\n",
        ),
    ] {
        let (o, sent) = sent_by(&["assume-role", flag, document]);
        let Some(sent) = sent else {
            panic!(
                "{flag}: nothing sent: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        };
        assert_sent(
            &sent,
            &[
                "RoleSessionName=-dash",
                "ExternalId=-x1",
                "TransitiveTagKeys.member.1=-k&",
                "TransitiveTagKeys.member.2=--k2",
                "DurationSeconds=900",
            ],
        );
        // The AWS CLI sends `PolicyArns=` for the empty list; the
        // library writes no empty list, which STS reads the same.
        assert!(
            !sent.contains("PolicyArns") && !sent.contains("Tags"),
            "{flag}: {sent}"
        );
    }
    let (o, sent) = sent_by(&[
        "get-web-identity-token",
        "--cli-input-json",
        r#"{"Audience": ["-a1", "[a2]"], "SigningAlgorithm": "RS256"}"#,
    ]);
    assert_sent(
        &sent.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&o.stderr))),
        &["Audience.member.1=-a1&", "Audience.member.2=%5Ba2%5D&"],
    );
    // A list for a parameter that takes one value is refused by name.
    let (o, sent) = sent_by(&[
        "assume-role",
        "--cli-input-json",
        r#"{"RoleArn": ["a", "b"], "RoleSessionName": "ss"}"#,
    ]);
    let err = usage_error(&o);
    assert!(
        err.contains("--cli-input-json") && err.contains("RoleArn"),
        "{err}"
    );
    assert_eq!(sent, None);
}

/// One parameters document: a second (`--cli-input-json` twice, or with
/// `--cli-input-yaml`) is refused, where it used to be dropped unread.
#[test]
fn a_second_parameters_document_is_refused() {
    let json = r#"{"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "ss"}"#;
    for (first, second) in [
        (
            ["--cli-input-json", json],
            ["--cli-input-yaml", "ExternalId: x1"],
        ),
        (
            ["--cli-input-yaml", "ExternalId: x1"],
            ["--cli-input-json", json],
        ),
        (
            ["--cli-input-json", json],
            ["--cli-input-json", r#"{"ExternalId": "x1"}"#],
        ),
    ] {
        let joined = format!("{}={}", second[0], second[1]);
        for second in [second.to_vec(), vec![joined.as_str()]] {
            let mut args = vec!["assume-role"];
            args.extend(first);
            args.extend(&second);
            let (o, sent) = sent_by(&args);
            let err = usage_error(&o);
            assert!(
                err.contains(second[0].split('=').next().unwrap_or_default())
                    && err.contains("one document"),
                "{args:?}: {err}"
            );
            assert_eq!(sent, None, "{args:?}");
        }
    }
}

/// A document's `file://` value is sent as it is, as the AWS CLI sends
/// it, while the same on the command line is read: a parameters document
/// from elsewhere used to make the tool send a local file's contents.
#[test]
fn a_documents_file_values_are_not_read() {
    let dir = own_dir("document-file-values");
    let secret = dir.join("secret.txt");
    std::fs::write(&secret, "local-file-contents\n").unwrap();
    let url = format!("file://{}", secret.display());
    let document = format!(
        r#"{{"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "ss",
            "ExternalId": "{url}", "TransitiveTagKeys": ["{url}"]}}"#
    );
    let (o, sent) = sent_by(&["assume-role", "--cli-input-json", &document]);
    let sent = sent.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    assert!(!sent.contains("local-file-contents"), "{sent}");
    let encoded = url.replace(':', "%3A").replace('/', "%2F");
    assert_sent(
        &sent,
        &[
            &format!("ExternalId={encoded}"),
            &format!("TransitiveTagKeys.member.1={encoded}"),
        ],
    );
    // The command line's own value is still read from the file.
    let (o, sent) = sent_by(&[
        "assume-role",
        "--cli-input-json",
        &document,
        "--external-id",
        &url,
    ]);
    let sent = sent.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    assert!(sent.ends_with("&ExternalId=local-file-contents"), "{sent}");
}

/// A flag given twice takes its last value, lists included, as the AWS
/// CLI takes it (wrappers such as `aws sts … --output json "$@"` rely on
/// it); the tool used to refuse a repeated flag and add up lists.
#[test]
fn a_flag_given_twice_takes_its_last_value() {
    let (o, sent) = sent_by(&[
        "assume-role",
        "--role-arn",
        "arn:aws:iam::123456789012:role/r",
        "--role-session-name",
        "first",
        "--role-session-name",
        "second",
        "--tags",
        "Key=a,Value=1",
        "Key=b,Value=2",
        "--tags",
        "Key=c,Value=3",
        "--transitive-tag-keys",
        "a",
        "--transitive-tag-keys",
        "c",
        "--output",
        "text",
        "--output",
        "json",
    ]);
    let sent = sent.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    assert_sent(
        &sent,
        &[
            "RoleSessionName=second&",
            "Tags.member.1.Key=c&",
            "Tags.member.1.Value=3",
            "TransitiveTagKeys.member.1=c",
        ],
    );
    assert!(
        !sent.contains("first") && !sent.contains("Tags.member.2") && !sent.contains("Key=a"),
        "{sent}"
    );
    assert!(!sent.contains("TransitiveTagKeys.member.2"), "{sent}");
    assert!(stdout(&o).starts_with("{\n"), "{}", stdout(&o));
}

/// `fileb://` (bytes) is refused before anything is sent: no STS
/// parameter takes bytes, and the AWS CLI refuses it too. It used to be
/// sent as the words `fileb://…`.
#[test]
fn fileb_values_are_refused() {
    for args in [
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--role-session-name",
            "ss",
            "--external-id",
            "fileb://ext.txt",
        ][..],
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--role-session-name",
            "ss",
            "--transitive-tag-keys",
            "fileb://keys.txt",
        ][..],
    ] {
        let (o, sent) = sent_by(args);
        let err = usage_error(&o);
        assert!(err.contains("fileb://") && err.contains("file://"), "{err}");
        assert_eq!(sent, None, "{args:?}");
    }
}
