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
    let dir = own_dir("completion");
    let script = dir.join("sts-completion.bash");
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
         //! constraints. Generated; `tests/tests/cli_help_and_input.rs`\n\
         //! (`help_text_comes_from_the_sts_model`) checks it against the model, and\n\
         //! with `STS_REGENERATE_HELP=1` rewrites it. Also the\n\
         //! `--generate-cli-skeleton` skeletons, as botocore's `ArgumentGenerator`\n\
         //! makes them from the same model, and the `yaml-input` ones as the AWS\n\
         //! CLI v2's `YAMLArgumentGenerator` prints them.\n\n\
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

/// One value of a skeleton, as botocore's `ArgumentGenerator` walks the
/// model: every skeleton (`input`, `yaml-input`, `output`) is one of
/// these, written out its own way.
enum Skeleton {
    /// A string, or any other type botocore fills in as one: the member's
    /// name (for `output`), the model's type and the enum's first value.
    Text {
        name: String,
        model_type: String,
        first_enum: Option<String>,
    },
    Integer,
    Boolean,
    Timestamp,
    /// A structure's members in the model's order, each with its
    /// `yaml-input` comment; empty for a structure already being walked.
    Structure(Vec<(String, Skeleton, Option<String>)>),
    /// A list, with the skeleton of its member.
    List(Box<Skeleton>),
    /// A map, as botocore's `_generate_type_map` makes it: one `KeyName`
    /// member whose value is the value shape's skeleton.
    Map(Box<Skeleton>),
}

/// The skeleton of `shape`, reached as `name` (a structure member's name,
/// a list member's shape, or "").
fn skeleton(
    model: &serde_json::Value,
    text: &str,
    shape: &str,
    name: &str,
    stack: &mut Vec<String>,
) -> Skeleton {
    let s = &model["shapes"][shape];
    stack.push(shape.to_owned());
    let node = match s["type"].as_str().unwrap_or_default() {
        "structure" if stack.iter().filter(|x| *x == shape).count() > 1 => {
            Skeleton::Structure(Vec::new())
        }
        "structure" => {
            let required: Vec<&str> = s["required"]
                .as_array()
                .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let members = members_in_order(model, text, shape)
                .into_iter()
                .map(|(k, m)| {
                    let target_name = m["shape"].as_str().unwrap_or_default();
                    let value = skeleton(model, text, target_name, &k, stack);
                    let comment = yaml_comment(model, m, required.contains(&k.as_str()));
                    (k, value, comment)
                })
                .collect();
            Skeleton::Structure(members)
        }
        "list" => {
            let member = s["member"]["shape"].as_str().unwrap_or_default();
            Skeleton::List(Box::new(skeleton(model, text, member, member, stack)))
        }
        "map" => {
            let value = s["value"]["shape"].as_str().unwrap_or_default();
            Skeleton::Map(Box::new(skeleton(model, text, value, "", stack)))
        }
        "integer" | "long" => Skeleton::Integer,
        "boolean" => Skeleton::Boolean,
        "timestamp" => Skeleton::Timestamp,
        other => Skeleton::Text {
            name: name.to_owned(),
            model_type: other.to_owned(),
            first_enum: s["enum"]
                .as_array()
                .and_then(|e| e.first())
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        },
    };
    stack.pop();
    node
}

/// The AWS CLI v2's comment on member `m` in a `yaml-input` skeleton:
/// `[REQUIRED]`, the first sentence of its documentation (else its
/// shape's) and its valid values; `None` when that says nothing.
fn yaml_comment(
    model: &serde_json::Value,
    m: &serde_json::Value,
    required: bool,
) -> Option<String> {
    let target = &model["shapes"][m["shape"].as_str().unwrap_or_default()];
    let doc = m["documentation"]
        .as_str()
        .or_else(|| target["documentation"].as_str())
        .unwrap_or_default();
    let mut parts = Vec::new();
    if required {
        parts.push("[REQUIRED]".to_owned());
    }
    parts.push(doc_overview(doc));
    if let Some(values) = target["enum"].as_array() {
        let values: Vec<&str> = values.iter().filter_map(|v| v.as_str()).collect();
        parts.push(format!("Valid values are: {}.", values.join(", ")));
    }
    let comment = parts.join(" ");
    (!comment.trim().is_empty()).then_some(comment)
}

/// An `input` skeleton as Python's `json.dumps(indent=4)` writes it:
/// empty strings, except an enum's first value, as the AWS CLI v2 writes
/// it (v1 picks one at random).
fn json_input(node: &Skeleton, depth: usize) -> String {
    let pad = |d: usize| "    ".repeat(d);
    let object = |members: Vec<(&str, &Skeleton)>| {
        if members.is_empty() {
            return "{}".to_owned();
        }
        let parts: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{}\"{k}\": {}", pad(depth + 1), json_input(v, depth + 1)))
            .collect();
        format!("{{\n{}\n{}}}", parts.join(",\n"), pad(depth))
    };
    match node {
        Skeleton::Text { first_enum, .. } => first_enum.as_ref().map_or_else(
            || "\"\"".to_owned(),
            |v| serde_json::Value::from(v.as_str()).to_string(),
        ),
        Skeleton::Integer => "0".to_owned(),
        Skeleton::Boolean => "true".to_owned(),
        Skeleton::Timestamp => "\"1970-01-01T00:00:00\"".to_owned(),
        Skeleton::Structure(members) => {
            object(members.iter().map(|(k, v, _)| (k.as_str(), v)).collect())
        }
        Skeleton::List(member) => format!(
            "[\n{}{}\n{}]",
            pad(depth + 1),
            json_input(member, depth + 1),
            pad(depth)
        ),
        Skeleton::Map(value) => object(vec![("KeyName", value)]),
    }
}

/// An `output` skeleton as Rust code building the tool's result tree:
/// each string its member's name.
fn output_code(node: &Skeleton) -> String {
    match node {
        Skeleton::Text { name, .. } => format!("t({name:?})"),
        Skeleton::Integer => "n(0)".to_owned(),
        Skeleton::Boolean => "b(true)".to_owned(),
        Skeleton::Timestamp => "t(\"1970-01-01T00:00:00\")".to_owned(),
        Skeleton::Structure(members) => {
            let parts: Vec<String> = members
                .iter()
                .map(|(k, v, _)| format!("({k:?}, {})", output_code(v)))
                .collect();
            format!("o(vec![{}])", parts.join(", "))
        }
        Skeleton::List(member) => format!("l(vec![{}])", output_code(member)),
        Skeleton::Map(value) => format!("o(vec![(\"KeyName\", {})])", output_code(value)),
    }
}

/// The AWS CLI v2's `--generate-cli-skeleton yaml-input` of `shape`
/// (awscli/customizations/generatecliskeleton.py, `YAMLArgumentGenerator`,
/// dumped by ruamel.yaml), without its final line end: botocore's
/// skeleton, with a comment after each member saying `[REQUIRED]`, the
/// first sentence of its documentation and its valid values.
fn yaml_skeleton(model: &serde_json::Value, text: &str, shape: &str) -> String {
    let mut out = String::new();
    match skeleton(model, text, shape, "", &mut Vec::new()) {
        Skeleton::Structure(members) if !members.is_empty() => {
            yaml_map(&mut out, &members, 0, false);
        }
        // No parameters: ruamel prints the empty mapping as `{}`.
        _ => out.push_str("{}\n"),
    }
    out.pop();
    out
}

/// A scalar as ruamel.yaml prints it in a `yaml-input` skeleton; `None`
/// for a structure or a list. Types no STS input has yet stop the
/// generator, to be checked against the AWS CLI v2 first.
fn yaml_scalar(node: &Skeleton) -> Option<String> {
    match node {
        Skeleton::Structure(_) | Skeleton::List(_) => None,
        Skeleton::Integer => Some("0".to_owned()),
        Skeleton::Boolean => Some("true".to_owned()),
        Skeleton::Text {
            model_type,
            first_enum,
            ..
        } if model_type == "string" => Some(match first_enum {
            // ruamel prints these plain; anything it would quote has not
            // been checked against it.
            Some(first) => {
                assert!(
                    first.starts_with(|c: char| c.is_ascii_alphabetic())
                        && first.chars().all(|c| c.is_ascii_alphanumeric())
                        && !["true", "false", "yes", "no", "on", "off", "null"]
                            .contains(&first.to_ascii_lowercase().as_str()),
                    "how ruamel prints the enum value {first:?} is unchecked"
                );
                first.clone()
            }
            None => "''".to_owned(),
        }),
        Skeleton::Text { model_type, .. } => panic!(
            "a {model_type} parameter; check how the AWS CLI v2 prints it in a yaml-input \
             skeleton before teaching this generator"
        ),
        Skeleton::Timestamp | Skeleton::Map(_) => panic!(
            "a timestamp or map parameter; check how the AWS CLI v2 prints it in a \
             yaml-input skeleton before teaching this generator"
        ),
    }
}

/// `members` as ruamel.yaml prints a block mapping at `indent`, its first
/// member on the current line when `inline` (after a sequence's `- `).
fn yaml_map(
    out: &mut String,
    members: &[(String, Skeleton, Option<String>)],
    indent: usize,
    inline: bool,
) {
    for (i, (key, value, comment)) in members.iter().enumerate() {
        if i > 0 || !inline {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(key);
        out.push(':');
        match value {
            Skeleton::Structure(m) if m.is_empty() => out.push_str(" {}"),
            value => {
                if let Some(scalar) = yaml_scalar(value) {
                    out.push(' ');
                    out.push_str(&scalar);
                }
            }
        }
        if let Some(comment) = comment {
            out.push_str(if comment_column_known(members, i) {
                " # "
            } else {
                "  # "
            });
            out.push_str(comment);
        }
        out.push('\n');
        match value {
            Skeleton::Structure(m) if !m.is_empty() => yaml_map(out, m, indent + 2, false),
            Skeleton::List(item) => yaml_seq(out, item, indent),
            _ => {}
        }
    }
}

/// Whether ruamel.yaml's `yaml_add_eol_comment` finds a column for the
/// comment of member `i` from the members before it (the previous one's
/// comment, else any earlier one's, looking no further than the first key
/// not below `i`'s in string order): then the comment is printed one space
/// after the value, else as `" # …"` at column 0, which comes out two
/// spaces after it.
fn comment_column_known(members: &[(String, Skeleton, Option<String>)], i: usize) -> bool {
    if i > 0 && members[i - 1].2.is_some() {
        return true;
    }
    let key = &members[i].0;
    members
        .iter()
        .take_while(|(k, _, _)| k < key)
        .any(|(_, _, c)| c.is_some())
}

/// A list's one `item` as ruamel.yaml prints a block sequence under a key
/// at `indent`: its `- ` at the key's indentation.
fn yaml_seq(out: &mut String, item: &Skeleton, indent: usize) {
    out.push_str(&" ".repeat(indent));
    out.push_str("- ");
    match item {
        Skeleton::Structure(m) if m.is_empty() => out.push_str("{}\n"),
        Skeleton::Structure(m) => yaml_map(out, m, indent + 2, true),
        Skeleton::List(_) => panic!("a list of lists: unchecked against the AWS CLI v2"),
        scalar => {
            out.push_str(&yaml_scalar(scalar).unwrap_or_default());
            out.push('\n');
        }
    }
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
        let text = json_input(&skeleton(model, text, input, "", &mut Vec::new()), 0);
        out.push_str(&format!("    ({name:?}, {text:?}),\n"));
    }
    out.push_str(
        "];\n\n/// (operation, `--generate-cli-skeleton yaml-input`).\n\
         #[rustfmt::skip]\n\
         pub(crate) const YAML_INPUT_SKELETONS: &[(&str, &str)] = &[\n",
    );
    for (name, op) in ops {
        let input = op["input"]["shape"].as_str().unwrap_or_default();
        let yaml = yaml_skeleton(model, text, input);
        out.push_str(&format!("    ({name:?}, {yaml:?}),\n"));
    }
    out.push_str(
        "];\n\n/// The `--generate-cli-skeleton output` result of `operation`.\n\
         #[rustfmt::skip]\n\
         pub(crate) fn output_skeleton(operation: &str) -> Option<Doc> {\n    \
         Some(match operation {\n",
    );
    for (name, op) in ops {
        let output = op["output"]["shape"].as_str().unwrap_or_default();
        let code = output_code(&skeleton(model, text, output, "", &mut Vec::new()));
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

/// The AWS CLI's `get_shape_doc_overview`: the documentation's text (its
/// markup dropped, entities decoded; the markup kept when it is not well
/// formed), up to its first `.` or `:`, with a `.` put back, and line
/// breaks made spaces. No other whitespace is touched.
fn doc_overview(html: &str) -> String {
    let text = xml_text(html).unwrap_or_else(|| html.to_owned());
    let mut first = text.split(['.', ':']).next().unwrap_or_default().to_owned();
    if !first.is_empty() {
        first.push('.');
    }
    first.replace(['\n', '\u{2028}'], " ")
}

/// The text of `<doc>{html}</doc>` as an XML parser gives it (line ends
/// made `\n`, the five named entities and character references decoded),
/// or `None` if it is not well formed.
fn xml_text(html: &str) -> Option<String> {
    let html = html.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html.as_str();
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest.find('>')?;
                let tag = &rest[1..end];
                if tag.starts_with(['!', '?']) {
                    return None;
                }
                if let Some(name) = tag.strip_prefix('/') {
                    if open.pop()? != name.trim_end() {
                        return None;
                    }
                } else if !tag.ends_with('/') {
                    open.push(tag.split_whitespace().next()?.to_owned());
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest.find(';')?;
                let entity = &rest[1..end];
                let decoded = match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => {
                        let code = match entity.strip_prefix("#x") {
                            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                            None => entity.strip_prefix('#')?.parse().ok()?,
                        };
                        char::from_u32(code)?
                    }
                };
                out.push(decoded);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    open.is_empty().then_some(out)
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
    let dir = own_dir("cli-input");
    let doc = dir.join("params.json");
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

    // `fileb://` reads the same document, as the AWS CLI reads it (its
    // JSON reader decodes the bytes, a UTF-8 byte-order mark included).
    let with_mark = dir.join("params-with-mark.json");
    let mut marked = "\u{feff}".as_bytes().to_vec();
    marked.extend(std::fs::read(&doc).unwrap());
    std::fs::write(&with_mark, marked).unwrap();
    let server = FaultServer::start(vec![Step::xml(200, assume_role_answer())]);
    let binary = format!("fileb://{}", with_mark.display());
    stdout(&sts(
        &[
            "--endpoint-url",
            &server.url(),
            "assume-role",
            "--cli-input-json",
            &binary,
            "--role-session-name",
            "from-flag",
        ],
        &KEYS,
    ));
    assert_eq!(server.requests()[0].body_text(), sent);
    // As text, the mark is the JSON reader's to refuse, as in the AWS CLI.
    let text = format!("file://{}", with_mark.display());
    let err = usage_error(&sts(&["assume-role", "--cli-input-json", &text], &KEYS));
    assert!(err.contains("invalid JSON"), "{err}");

    // Bad documents: command syntax, naming the flag and the fault.
    for (document, fault) in [
        ("{\"RoleArn\": ", "invalid JSON"),
        ("[1, 2]", "an object"),
        ("{\"NoSuchMember\": 1}", "NoSuchMember"),
        ("file:///no/such/file.json", "cannot read"),
        ("fileb:///no/such/file.json", "cannot read"),
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
    let dir = own_dir("cli-input-yaml");
    let doc = dir.join("params.yaml");
    std::fs::write(
        &doc,
        "RoleArn: arn:aws:iam::123456789012:role/from-yaml\n\
         RoleSessionName: from-yaml # a comment\n\
         Tags:\n- Key: Project\n  Value: 'Uni: corn'\n\
         - {Key: Team, Value: blue}\n\
         Policy: |\n  {\"Version\": \"2012-10-17\",\n   \"Statement\": []}\n",
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
            // A one-line flow mapping, and a policy as a literal block.
            "Tags.member.2.Key=Team&Tags.member.2.Value=blue",
            "Policy=%7B%22Version%22%3A+%222012-10-17%22%2C%0A+%22Statement%22%3A+%5B%5D%7D%0A&",
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

/// The `yaml-input` skeleton of `sts assume-role`, as the AWS CLI v2 prints
/// it for the same model: its `YAMLArgumentGenerator` run on
/// `testdata/sts-model/service-2.json` through ruamel.yaml 0.19.1 (the
/// version its lock files pin), the first comment of each mapping two
/// spaces after its value and the others one, as ruamel places them.
const ASSUME_ROLE_YAML_SKELETON: &str = r"RoleArn: ''  # [REQUIRED] The Amazon Resource Name (ARN) of the role to assume.
RoleSessionName: '' # [REQUIRED] An identifier for the assumed role session.
PolicyArns: # The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as managed session policies.
- arn: ''  # The Amazon Resource Name (ARN) of the IAM managed policy to use as a session policy for the role.
Policy: '' # An IAM policy in JSON format that you want to use as an inline session policy.
DurationSeconds: 0 # The duration, in seconds, of the role session.
Tags: # A list of session tags that you want to pass.
- Key: ''  # [REQUIRED] The key for a session tag.
  Value: '' # [REQUIRED] The value for a session tag.
TransitiveTagKeys: # A list of keys for session tags that you want to set as transitive.
- ''
ExternalId: '' # A unique identifier that might be required when you assume a role in another account.
SerialNumber: '' # The identification number of the MFA device that is associated with the user who is making the AssumeRole call.
TokenCode: '' # The value provided by the MFA device, if the trust policy of the role being assumed requires MFA.
SourceIdentity: '' # The source identity specified by the principal that is calling the AssumeRole operation.
ProvidedContexts: # A list of previously acquired trusted context assertions in the format of a JSON array.
- ProviderArn: ''  # The context provider ARN from which the trusted context assertion was generated.
  ContextAssertion: '' # The signed and encrypted trusted context assertion generated by the context provider.
MinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request.
";

/// `template` with its placeholders filled in, comments kept: each
/// `(key, value)` replaces the first `key: ''` or `key: 0` left, and a
/// key of `-` the first list item `- ''`.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (key, value) in values {
        let (from, to) = if *key == "-" {
            ("- ''".to_owned(), format!("- {value}"))
        } else {
            let blank = [format!("{key}: ''"), format!("{key}: 0")]
                .into_iter()
                .find(|b| text.contains(b.as_str()))
                .unwrap_or_else(|| panic!("no blank {key} in\n{text}"));
            (blank, format!("{key}: {value}"))
        };
        assert!(text.contains(&from), "no {from} in\n{text}");
        text = text.replacen(&from, &to, 1);
    }
    text
}

/// `sts <operation> --cli-input-yaml file://document` against a server
/// giving `answer`: the form body sent.
fn sent_from_yaml(operation: &str, document: &str, answer: String) -> String {
    let server = FaultServer::start(vec![Step::xml(200, answer)]);
    let url = server.url();
    let dir = own_dir("yaml-skeleton");
    let file = dir.join(format!("{operation}.yaml"));
    std::fs::write(&file, document).unwrap();
    let input = format!("file://{}", file.display());
    stdout(&sts(
        &[
            "--endpoint-url",
            &url,
            operation,
            "--cli-input-yaml",
            &input,
        ],
        &KEYS,
    ));
    server.requests()[0].body_text()
}

/// `--generate-cli-skeleton yaml-input` prints what the AWS CLI v2 prints
/// (it was refused as an invalid choice), needs no flags, sends nothing,
/// and the template it prints, filled in with its comments left, is read
/// back by `--cli-input-yaml`: lists of structures and of strings, a
/// nested structure, an enum's default and the empty mapping.
#[test]
fn yaml_input_skeleton_is_the_aws_cli_v2s_and_reads_back() {
    let server = FaultServer::start(vec![]);
    let url = server.url();
    let skeleton = |operation: &str| {
        stdout(&sts(
            &[
                "--endpoint-url",
                &url,
                operation,
                "--generate-cli-skeleton",
                "yaml-input",
            ],
            &KEYS,
        ))
    };
    let assume_role = skeleton("assume-role");
    assert_eq!(assume_role, ASSUME_ROLE_YAML_SKELETON);
    let assume_root = skeleton("assume-root");
    assert!(
        assume_root.contains("\nTaskPolicyArn: # [REQUIRED] The identity based policy")
            && assume_root.contains("\n  arn: ''  # The Amazon Resource Name"),
        "{assume_root}"
    );
    let web_identity_token = skeleton("get-web-identity-token");
    assert!(
        web_identity_token.starts_with(
            "Audience:  # [REQUIRED] The intended recipient of the web identity token.\n- ''\n"
        ) && web_identity_token.contains(
            "\nSubjectMode: AWSIdentity # Specifies which identity STS puts in the sub \
             (subject) claim of the JSON Web Token (JWT). Valid values are: AWSIdentity, \
             OriginIdentity.\n"
        ),
        "{web_identity_token}"
    );
    let caller_identity = skeleton("get-caller-identity");
    assert_eq!(caller_identity, "{}\n");
    assert_eq!(server.requests_seen(), 0);

    let document = fill(
        &assume_role,
        &[
            ("RoleArn", "arn:aws:iam::123456789012:role/from-skeleton"),
            ("RoleSessionName", "from-skeleton"),
            ("arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            ("Policy", r#"'{"Version": "2012-10-17"}'"#),
            ("DurationSeconds", "1800"),
            ("Key", "Project"),
            ("Value", "'Uni: corn'"),
            ("-", "Project"),
            ("ExternalId", "ext-1"),
            ("SerialNumber", "arn:aws:iam::123456789012:mfa/me"),
            ("TokenCode", "'123456'"),
            ("SourceIdentity", "me"),
            (
                "ProviderArn",
                "arn:aws:iam::aws:contextProvider/IdentityCenter",
            ),
            ("ContextAssertion", "assertion"),
            ("MinimumSessionTokenSize", "512"),
        ],
    );
    let sent = sent_from_yaml("assume-role", &document, assume_role_answer());
    assert_sent(
        &sent,
        &[
            "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ffrom-skeleton",
            "RoleSessionName=from-skeleton",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            "Policy=%7B%22Version%22%3A+%222012-10-17%22%7D",
            "DurationSeconds=1800",
            "Tags.member.1.Key=Project",
            "Tags.member.1.Value=Uni%3A+corn",
            "TransitiveTagKeys.member.1=Project",
            "ExternalId=ext-1",
            "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme",
            "TokenCode=123456",
            "SourceIdentity=me",
            "ProvidedContexts.member.1.ProviderArn=",
            "ProvidedContexts.member.1.ContextAssertion=assertion",
            "MinimumSessionTokenSize=512",
        ],
    );

    let document = fill(
        &assume_root,
        &[
            ("TargetPrincipal", "'123456789012'"),
            (
                "arn",
                "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
            ),
            ("DurationSeconds", "900"),
        ],
    );
    // MinimumSessionTokenSize stays 0, which is in its range.
    let answer = sts_tests::canned::success("AssumeRoot", sts_tests::canned::credentials());
    let sent = sent_from_yaml("assume-root", &document, answer);
    assert_sent(
        &sent,
        &[
            "TargetPrincipal=123456789012",
            "TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2F",
            "DurationSeconds=900",
            "MinimumSessionTokenSize=0",
        ],
    );

    // The optional Scope and Tags left out, as a user drops what they do
    // not need; SubjectMode left at the skeleton's value.
    let document = fill(
        &web_identity_token,
        &[
            ("-", "sts.example.com"),
            ("DurationSeconds", "300"),
            ("SigningAlgorithm", "RS256"),
        ],
    );
    let document: String = document
        .lines()
        .take_while(|l| !l.starts_with("Tags:"))
        .filter(|l| !l.starts_with("Scope:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let answer = sts_tests::canned::success(
        "GetWebIdentityToken",
        "<WebIdentityToken>header.payload.signature</WebIdentityToken>\
         <Expiration>2030-01-01T00:00:00Z</Expiration>",
    );
    let sent = sent_from_yaml("get-web-identity-token", &document, answer);
    assert_sent(
        &sent,
        &[
            "Audience.member.1=sts.example.com",
            "DurationSeconds=300",
            "SigningAlgorithm=RS256",
            "SubjectMode=AWSIdentity",
        ],
    );
}

/// The `yaml-input` skeleton of an operation without parameters is `{}`,
/// which the AWS CLI v2 reads back as no parameters.
#[test]
fn an_empty_yaml_input_skeleton_reads_back() {
    let caller_identity = stdout(&sts(
        &[
            "get-caller-identity",
            "--generate-cli-skeleton",
            "yaml-input",
        ],
        &KEYS,
    ));
    let answer = sts_tests::canned::caller_identity("arn:aws:iam::123456789012:user/me");
    let sent = sent_from_yaml("get-caller-identity", &caller_identity, answer);
    assert_sent(&sent, &["Action=GetCallerIdentity"]);
}

/// `sts <operation> help` and `sts help` print what `--help` prints and
/// exit 0, as `aws sts <operation> help` shows its help page (they were
/// refused, 252). As in the AWS CLI, `help` is the operation's first
/// bare word: a flag's value stays a value, and with required flags
/// missing the line is an error unless `help` is the operation's only
/// word.
#[test]
fn a_help_word_shows_the_help_as_in_the_aws_cli() {
    let server = FaultServer::start(vec![Step::xml(200, assume_role_answer())]);
    let url = server.url();
    let assume_role_help = stdout(&sts(&["assume-role", "--help"], &[]));
    for args in [
        &["assume-role", "help"][..],
        &["--output", "json", "assume-role", "help", "--debug"],
        &["help", "assume-role"],
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--role-session-name",
            "ss",
            "help",
        ],
        &[
            "assume-role",
            "--cli-input-json",
            "file:///no/such/file.json",
            "help",
        ],
        &["assume-role", "help", "--generate-cli-skeleton"],
    ] {
        let mut full = vec!["--endpoint-url", url.as_str()];
        full.extend_from_slice(args);
        assert_eq!(stdout(&sts(&full, &KEYS)), assume_role_help, "{args:?}");
    }
    let top_help = stdout(&sts(&["--help"], &[]));
    for args in [&["help"][..], &["help", "--region", "us-east-1"]] {
        assert_eq!(stdout(&sts(args, &[])), top_help, "{args:?}");
    }
    assert_eq!(
        stdout(&sts(&["get-caller-identity", "help"], &[])),
        stdout(&sts(&["get-caller-identity", "--help"], &[]))
    );
    assert_eq!(server.requests_seen(), 0, "help sends nothing");

    // Not help: a required flag missing, another bare word first, or the
    // value of a flag (or a list's item).
    for args in [
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "help",
        ][..],
        &["assume-role", "extra", "help"],
        &["assume-role", "help", "extra"],
        &["assume-role", "--generate-cli-skeleton", "help"],
    ] {
        usage_error(&sts(args, &KEYS));
    }
    let (o, sent) = sent_by(&[
        "assume-role",
        "--role-arn",
        "arn:aws:iam::123456789012:role/r",
        "--role-session-name",
        "help",
        "--transitive-tag-keys",
        "k",
        "help",
    ]);
    let sent = sent.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    assert_sent(
        &sent,
        &[
            "RoleSessionName=help&",
            "TransitiveTagKeys.member.1=k&",
            "TransitiveTagKeys.member.2=help",
        ],
    );
}

/// The AWS CLI v2's `--no-cli-auto-prompt` is taken (this tool never
/// prompts) and `--cli-auto-prompt` refused by name, where both were
/// refused as unknown flags; as in the AWS CLI v2, the two together are an
/// error, and `help` on the line asks for nothing to be prompted for.
/// `AWS_CLI_AUTO_PROMPT` and a profile's `cli_auto_prompt` change nothing.
#[test]
fn auto_prompt_flags_are_taken_or_refused_as_the_aws_cli_v2_takes_them() {
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, canned_caller_identity())])
            .then(sts_tests::WhenDone::RepeatLast),
    );
    let url = server.url();
    let dir = own_dir("auto-prompt");
    let config = dir.join("config");
    std::fs::write(&config, "[default]\ncli_auto_prompt = on\n").unwrap();
    let config = config.display().to_string();
    let run = |flags: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["--endpoint-url", url.as_str(), "--region", "us-east-1"];
        args.extend_from_slice(flags);
        args.push("get-caller-identity");
        let mut full_env = KEYS.to_vec();
        full_env.extend_from_slice(env);
        sts(&args, &full_env)
    };
    assert!(stdout(&run(&["--no-cli-auto-prompt"], &[])).contains("arn:x"));
    for env in [
        &[("AWS_CLI_AUTO_PROMPT", "on")][..],
        &[("AWS_CLI_AUTO_PROMPT", "on-partial")],
        &[("AWS_CONFIG_FILE", config.as_str())],
    ] {
        assert!(stdout(&run(&[], env)).contains("arn:x"), "{env:?}");
    }
    assert_eq!(server.requests().len(), 4);

    let err = usage_error(&run(&["--cli-auto-prompt"], &[]));
    assert!(
        err.contains("--cli-auto-prompt") && err.contains("does not prompt"),
        "{err}"
    );
    let err = usage_error(&run(&["--cli-auto-prompt", "--no-cli-auto-prompt"], &[]));
    assert!(
        err.contains("Both --cli-auto-prompt and --no-cli-auto-prompt"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 4, "nothing sent");
    assert_eq!(
        stdout(&sts(
            &["--cli-auto-prompt", "get-caller-identity", "help"],
            &[]
        )),
        stdout(&sts(&["get-caller-identity", "--help"], &[]))
    );
}

fn canned_caller_identity() -> String {
    sts_tests::canned::caller_identity("arn:x")
}

/// A parameters document's value of the wrong type is refused before
/// anything is sent, from YAML as from JSON and for every kind of
/// parameter, naming the parameter and not the value; the same values
/// written with their types are sent as written.
#[test]
fn document_values_of_the_wrong_type_are_refused_and_right_ones_sent() {
    let role = "RoleArn: arn:aws:iam::123456789012:role/r\nRoleSessionName: ss\n";
    for (args, parameter) in [
        (
            vec![
                "assume-role",
                "--cli-input-yaml",
                &format!("{role}SerialNumber: arn:aws:iam::1:mfa/u\nTokenCode: 123456\n"),
            ],
            "TokenCode",
        ),
        (
            vec![
                "assume-role",
                "--cli-input-yaml",
                &format!("{role}ExternalId:\n"),
            ],
            "ExternalId",
        ),
        (
            vec![
                "assume-role",
                "--cli-input-yaml",
                &format!("{role}Policy: {{s3cr3t: 1}}\n"),
            ],
            "Policy",
        ),
        (
            vec![
                "assume-role",
                "--cli-input-yaml",
                &format!("{role}DurationSeconds: s3cr3t\n"),
            ],
            "DurationSeconds",
        ),
        (
            vec![
                "assume-role",
                "--cli-input-yaml",
                &format!("{role}Tags:\n- Key: year\n  Value: 2024\n"),
            ],
            "Tags",
        ),
        (
            vec![
                "assume-root",
                "--cli-input-json",
                r#"{"TargetPrincipal": "123456789012", "TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}"#,
            ],
            "TaskPolicyArn",
        ),
        (
            vec![
                "get-web-identity-token",
                "--cli-input-json",
                r#"{"Audience": "https://api.example.com", "SigningAlgorithm": "RS256"}"#,
            ],
            "Audience",
        ),
    ] {
        let (o, sent) = sent_by(&args);
        let err = usage_error(&o);
        assert!(
            err.contains(parameter) && !err.contains("s3cr3t"),
            "{args:?}: {err}"
        );
        assert_eq!(sent, None, "{args:?}");
    }
    let (o, sent) = sent_by(&[
        "assume-role",
        "--cli-input-yaml",
        &format!(
            "{role}SerialNumber: arn:aws:iam::1:mfa/u\nTokenCode: '123456'\n\
             DurationSeconds: 0900\nTags:\n- Key: year\n  Value: '2024'\n"
        ),
    ]);
    assert_sent(
        &sent.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&o.stderr))),
        &[
            "TokenCode=123456",
            "DurationSeconds=900",
            "Tags.member.1.Value=2024",
        ],
    );
}
