//! `--cli-input-json` and `--cli-input-yaml`: an operation's parameters
//! as one JSON object or YAML mapping (inline, `file://path` or
//! `fileb://path`, `~` and `$VAR` expanded in the path), keyed by the model's member names, as the
//! AWS CLI takes them. Flags given on the command line win over the
//! document's values, as in the AWS CLI. One document only: a second is
//! refused (the AWS CLI v1 has no `--cli-input-yaml`, and takes the last
//! of two `--cli-input-json`).
//!
//! The document becomes flags before the command line is parsed, so that
//! a required flag may come from it and every value goes through the same
//! checks as a typed one; but a value of the document is taken as it is
//! (a `file://` in it is not read), as the AWS CLI takes it: with the
//! command line comes the [`Values`] that knows which flags the document
//! gave.

use std::ffi::OsString;

use serde_json::Value;

use crate::Failure;
use crate::help::squash;
use crate::shorthand::Values;

/// The command line with a parameters document's values put on it as
/// flags, and how to read each flag's value: as typed, or as the
/// document's.
pub(crate) struct Expanded {
    pub(crate) args: Vec<OsString>,
    pub(crate) values: Values,
}

const JSON: &str = "--cli-input-json";
const YAML: &str = "--cli-input-yaml";
/// A parameters document longer than this is not one.
const MAX_DOCUMENT: u64 = 1 << 20;

fn bad(flag: &str, why: impl std::fmt::Display) -> Failure {
    Failure::Usage(format!("argument {flag}: {why}"))
}

/// `args` with `--cli-input-json` replaced by the flags its document
/// stands for, placed right after the subcommand.
pub(crate) fn expand(mut args: Vec<OsString>, cmd: &clap::Command) -> Result<Expanded, Failure> {
    let Some((at, flag)) = document_flag(&args) else {
        return Ok(Expanded {
            args,
            values: Values::default(),
        });
    };
    let bad = |why: String| bad(flag, why);
    let given_flag = args.remove(at).to_string_lossy().into_owned();
    let raw = match given_flag.split_once('=') {
        Some((_, v)) => v.to_owned(),
        None if at < args.len() => args.remove(at).to_string_lossy().into_owned(),
        None => return Err(bad("expected a document or file://path".into())),
    };
    // One document only: a second one would otherwise reach clap, which
    // takes it and nothing reads it.
    if let Some((_, second)) = document_flag(&args) {
        return Err(Failure::Usage(format!(
            "argument {second}: {flag} already gives the parameters; give one document only"
        )));
    }
    let text = if let Some(path) = raw.strip_prefix("file://") {
        crate::shorthand::read_file(path, MAX_DOCUMENT).map_err(bad)?
    } else if let Some(path) = raw.strip_prefix("fileb://") {
        // The AWS CLI hands the bytes to its JSON or YAML reader, which
        // decodes them itself: UTF-8 with its byte-order mark too, which
        // `file://` (read as text) keeps and the readers refuse.
        let text = crate::shorthand::read_file(path, MAX_DOCUMENT).map_err(bad)?;
        match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        }
    } else {
        raw
    };
    crate::value_bound::check(&text).map_err(bad)?;
    let doc: Value = if flag == JSON {
        serde_json::from_str(&text).map_err(|e| bad(format!("invalid JSON: {e}")))?
    } else {
        crate::yaml_in::parse(&text).map_err(|e| bad(format!("invalid YAML: {e}")))?
    };
    let Value::Object(members) = doc else {
        return Err(bad(
            "expected an object (mapping) of the operation's parameters".into(),
        ));
    };
    let Some((sub_at, sub)) =
        crate::args::own(&args)
            .iter()
            .enumerate()
            .skip(1)
            .find_map(|(i, a)| {
                let a = a.to_str()?;
                cmd.find_subcommand(a).map(|s| (i, s))
            })
    else {
        return Err(bad("needs a subcommand".into()));
    };
    let given = |long: &str| {
        crate::args::own(&args).iter().any(|a| {
            a.to_str().is_some_and(|a| {
                a.strip_prefix("--")
                    .is_some_and(|rest| rest == long || rest.starts_with(&format!("{long}=")))
            })
        })
    };
    let Some(parameters) = crate::skeleton::input_members(sub.get_name()) else {
        return Err(bad(format!(
            "{} is not an STS operation and takes no parameters document",
            sub.get_name()
        )));
    };
    let mut extra: Vec<OsString> = Vec::new();
    let mut from_document = Vec::new();
    for (key, value) in members {
        let unknown = || {
            bad(format!(
                "unknown parameter \"{key}\" for {}",
                sub.get_name()
            ))
        };
        // The member's own spelling: the AWS CLI matches keys exactly.
        let Some(empty) = parameters.get(&key) else {
            return Err(unknown());
        };
        let long = sub
            .get_arguments()
            .filter(|a| !a.is_global_set())
            .find(|a| squash(a.get_id().as_str()) == squash(&key))
            .and_then(|a| a.get_long());
        let Some(long) = long else {
            return Err(unknown());
        };
        // A flag on the command line wins, whatever the document holds
        // for it, as in the AWS CLI.
        if given(long) {
            continue;
        }
        if let Some(fault) = type_fault(empty, &value) {
            return Err(bad(format!("invalid type for parameter {key}: {fault}")));
        }
        // Each value as one `--flag=value` word, so that clap takes a
        // value starting with `-` as the value, not as a flag.
        let text = match value {
            Value::String(s) => s,
            // Integers as their digits; lists (of strings or structures,
            // empty ones too) and structures as the one JSON argument that
            // the list and shorthand readers take.
            other => other.to_string(),
        };
        extra.push(format!("--{long}={text}").into());
        from_document.push(long.to_owned());
    }
    let tail = args.split_off(sub_at + 1);
    args.extend(extra);
    args.extend(tail);
    Ok(Expanded {
        args,
        values: Values::with_document_flags(from_document),
    })
}

/// Why `value` cannot be given for a parameter whose skeleton value is
/// `empty`, as the AWS CLI refuses it ("Invalid type for parameter"),
/// rather than send what the user did not write or mean: an object's JSON
/// text as a role ARN, `1000.0` for `1e3`, one word as a list, nothing
/// for a null (a YAML value left blank). The JSON types must be the same,
/// and an integer must be one: YAML's `TokenCode: 123456` is a number, to
/// be quoted as it is in the AWS CLI.
///
/// One exception: an integer parameter takes text that is an integer as
/// YAML writes one (`[-+]?[0-9]+`), since the YAML reader leaves such
/// text a string when its digits do not write back the same (`0900`, so
/// that `ExternalId: 0012345` keeps its zeros), and YAML reads it as the
/// number. The flag's reader then takes it as typed.
///
/// Only the types are named, not the value: a document can hold a token
/// or an MFA code.
fn type_fault(empty: &Value, value: &Value) -> Option<String> {
    let takes = match empty {
        Value::String(_) if value.is_string() => return None,
        Value::Number(_) if value.is_i64() || value.is_u64() || yaml_integer(value) => {
            return None;
        }
        Value::Array(_) if value.is_array() => return None,
        Value::Object(_) if value.is_object() => return None,
        Value::Bool(_) if value.is_boolean() => return None,
        Value::String(_) => "text (a string)",
        Value::Number(_) => "an integer",
        Value::Array(_) => "a list",
        Value::Object(_) => "a structure (an object)",
        Value::Bool(_) => "a boolean",
        // No skeleton value is null.
        Value::Null => return None,
    };
    let hint = if empty.is_string() && (value.is_number() || value.is_boolean()) {
        "; quote it to give it as text"
    } else {
        ""
    };
    Some(format!(
        "{}, and it takes {takes}{hint}",
        crate::shorthand::json_kind(value)
    ))
}

/// Whether `value` is text that YAML 1.2 reads as an integer.
fn yaml_integer(value: &Value) -> bool {
    value.as_str().is_some_and(|t| {
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Where the first `--cli-input-json` or `--cli-input-yaml` is among the
/// tool's own arguments, and which.
fn document_flag(args: &[OsString]) -> Option<(usize, &'static str)> {
    crate::args::own(args)
        .iter()
        .enumerate()
        .find_map(|(i, a)| {
            let a = a.to_str()?;
            [JSON, YAML]
                .into_iter()
                .find(|f| a == *f || a.starts_with(&format!("{f}=")))
                .map(|f| (i, f))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every pairing of a parameter's type with a value's: only the same
    /// JSON type passes (for an integer parameter, a whole number of 64
    /// bits at most, or text YAML reads as an integer); everything else is
    /// refused, naming both types.
    #[test]
    fn a_value_must_have_its_parameters_type() {
        let text = json!("");
        let integer = json!(0);
        let list = json!([""]);
        let structure = json!({"arn": ""});
        let values = [
            json!("x"),
            json!(12345),
            json!(-7),
            json!(1.5),
            json!(1e3),
            json!(true),
            json!(["a"]),
            json!({"k": "v"}),
            Value::Null,
            json!(u64::MAX),
            json!("0900"),
            json!("+5"),
            json!("1e3"),
            json!("0x10"),
            json!("-"),
        ];
        let passes = |empty: &Value, value: &Value| type_fault(empty, value).is_none();
        let passing: Vec<Vec<bool>> = [&text, &integer, &list, &structure]
            .iter()
            .map(|empty| values.iter().map(|v| passes(empty, v)).collect())
            .collect();
        let (t, f) = (true, false);
        assert_eq!(
            passing,
            [
                [t, f, f, f, f, f, f, f, f, f, t, t, t, t, t],
                [f, t, t, f, f, f, f, f, f, t, t, t, f, f, f],
                [f, f, f, f, f, f, t, f, f, f, f, f, f, f, f],
                [f, f, f, f, f, f, f, t, f, f, f, f, f, f, f],
            ]
        );
        let fault = |empty: &Value, value: Value| type_fault(empty, &value).unwrap_or_default();
        assert_eq!(
            fault(&text, json!({"k": "v"})),
            "an object, and it takes text (a string)"
        );
        assert_eq!(
            fault(&text, json!(123456)),
            "an integer, and it takes text (a string); quote it to give it as text"
        );
        assert_eq!(fault(&list, json!("k")), "a string, and it takes a list");
        assert_eq!(
            fault(&text, Value::Null),
            "null, and it takes text (a string)"
        );
        assert_eq!(
            fault(&integer, json!(1e30)),
            "a number that is not an integer of 64 bits at most, and it takes an integer"
        );
        assert_eq!(
            fault(&integer, json!("9 00")),
            "a string, and it takes an integer"
        );
    }

    /// The value is never shown: it can be a secret.
    #[test]
    fn a_type_fault_does_not_show_the_value() {
        for value in [
            json!({"secret": "s3cr3t"}),
            json!(["s3cr3t"]),
            json!(2.5e-3),
        ] {
            let fault = type_fault(&json!(""), &value).unwrap_or_default();
            assert!(!fault.is_empty(), "{value}");
            assert!(
                !fault.contains("s3cr3t") && !fault.contains("2.5"),
                "{fault}"
            );
        }
    }

    /// Every operation's parameters document lists its members with a
    /// value whose type can be checked (not null), under the model's
    /// member names.
    #[test]
    fn every_operation_has_typed_parameters() {
        let command = crate::help::command();
        for sub in command.get_subcommands() {
            let Some(members) = crate::skeleton::input_members(sub.get_name()) else {
                continue;
            };
            for (member, empty) in &members {
                assert!(!empty.is_null(), "{}: {member}", sub.get_name());
                assert!(
                    sub.get_arguments()
                        .any(|a| squash(a.get_id().as_str()) == squash(member)),
                    "{}: no flag for {member}",
                    sub.get_name()
                );
            }
        }
        assert!(crate::skeleton::input_members("assume-role").is_some());
        assert!(crate::skeleton::input_members("get-caller-identity").is_some());
        assert!(crate::skeleton::input_members("serve").is_none());
    }
}
