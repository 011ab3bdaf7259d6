//! `--cli-input-json` and `--cli-input-yaml`: an operation's parameters
//! as one JSON object or YAML mapping (inline or `file://path`, `~` and
//! `$VAR` expanded in the path), keyed by the model's member names, as the
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
    let text = match raw.strip_prefix("file://") {
        Some(path) => crate::shorthand::read_file(path, MAX_DOCUMENT).map_err(bad)?,
        None => raw,
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
        if given(long) || value.is_null() {
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
/// rather than send what the user did not write: an object's JSON text as
/// a role ARN, `1000.0` for `1e3`, `true` for a boolean, one word for a
/// list.
///
/// Two exceptions, where what is sent is what was written: a whole number
/// for a text parameter (YAML's `ExternalId: 12345`, which the YAML reader
/// makes a number only when its digits write back the same) and text for
/// an integer parameter (YAML's `DurationSeconds: 0900`; the flag's reader
/// then takes or refuses it as it would the flag).
///
/// Only the types are named, not the value: a document can hold a token
/// or an MFA code.
fn type_fault(empty: &Value, value: &Value) -> Option<String> {
    let whole = value.is_i64() || value.is_u64();
    let takes = match empty {
        Value::String(_) if value.is_string() || whole => return None,
        Value::Number(_) if value.is_string() || whole => return None,
        Value::Array(_) if value.is_array() => return None,
        Value::Object(_) if value.is_object() => return None,
        Value::Bool(_) if value.is_boolean() => return None,
        Value::String(_) => "text (a string)",
        Value::Number(_) => "an integer",
        Value::Array(_) => "a list",
        Value::Object(_) => "a structure (an object)",
        Value::Bool(_) => "a boolean",
        // No skeleton value is null; a null value is skipped before.
        Value::Null => return None,
    };
    let is = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number with a fraction or exponent",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    let hint = if empty.is_string() && (value.is_number() || value.is_boolean()) {
        "; quote it to give it as text"
    } else {
        ""
    };
    Some(format!("{is}, and it takes {takes}{hint}"))
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

    /// Every pairing of a parameter's type with a value's: the same JSON
    /// type passes, and so do the two exceptions; everything else is
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
        ];
        let passes = |empty: &Value, value: &Value| type_fault(empty, value).is_none();
        let passing: Vec<Vec<bool>> = [&text, &integer, &list, &structure]
            .iter()
            .map(|empty| values.iter().map(|v| passes(empty, v)).collect())
            .collect();
        assert_eq!(
            passing,
            [
                // text: strings and whole numbers only
                vec![true, true, true, false, false, false, false, false],
                // integer: whole numbers, and strings for the flag's reader
                vec![true, true, true, false, false, false, false, false],
                // list: lists only
                vec![false, false, false, false, false, false, true, false],
                // structure: objects only
                vec![false, false, false, false, false, false, false, true],
            ]
        );
        assert_eq!(
            type_fault(&text, &json!({"k": "v"})).as_deref(),
            Some("an object, and it takes text (a string)")
        );
        assert_eq!(
            type_fault(&text, &json!(1e3)).as_deref(),
            Some(
                "a number with a fraction or exponent, and it takes text (a string); quote it to give it as text"
            )
        );
        assert_eq!(
            type_fault(&list, &json!("k")).as_deref(),
            Some("a string, and it takes a list")
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
