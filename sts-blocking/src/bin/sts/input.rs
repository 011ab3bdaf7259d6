//! `--cli-input-json`: an operation's parameters as one JSON object
//! (inline or `file://path`), keyed by the model's member names, as the
//! AWS CLI takes them. Flags given on the command line win over the
//! document's values, as in the AWS CLI.
//!
//! The document becomes flags before the command line is parsed, so that
//! a required flag may come from it and every value goes through the same
//! checks as a typed one.

use std::ffi::OsString;

use serde_json::Value;

use crate::Failure;

const FLAG: &str = "--cli-input-json";
/// A parameters document longer than this is not one.
const MAX_DOCUMENT: u64 = 1 << 20;

fn bad(why: impl std::fmt::Display) -> Failure {
    Failure::Usage(format!("argument {FLAG}: {why}"))
}

/// `name` without separators or case, as [`crate::help`] compares names.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// `args` with `--cli-input-json` replaced by the flags its document
/// stands for, placed right after the subcommand.
pub(crate) fn expand(
    mut args: Vec<OsString>,
    cmd: &clap::Command,
) -> Result<Vec<OsString>, Failure> {
    let Some(at) = args.iter().position(|a| {
        a.to_str()
            .is_some_and(|a| a == FLAG || a.starts_with(&format!("{FLAG}=")))
    }) else {
        return Ok(args);
    };
    let flag = args.remove(at).to_string_lossy().into_owned();
    let raw = match flag.split_once('=') {
        Some((_, v)) => v.to_owned(),
        None if at < args.len() => args.remove(at).to_string_lossy().into_owned(),
        None => return Err(bad("expected a JSON document or file://path")),
    };
    let text = match raw.strip_prefix("file://") {
        Some(path) => read(path)?,
        None => raw,
    };
    let doc: Value = serde_json::from_str(&text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let Value::Object(members) = doc else {
        return Err(bad("expected a JSON object of the operation's parameters"));
    };
    let Some((sub_at, sub)) = args.iter().enumerate().skip(1).find_map(|(i, a)| {
        let a = a.to_str()?;
        cmd.find_subcommand(a).map(|s| (i, s))
    }) else {
        return Err(bad("needs a subcommand"));
    };
    let given = |long: &str| {
        args.iter().any(|a| {
            a.to_str().is_some_and(|a| {
                a.strip_prefix("--")
                    .is_some_and(|rest| rest == long || rest.starts_with(&format!("{long}=")))
            })
        })
    };
    let mut extra: Vec<OsString> = Vec::new();
    for (key, value) in members {
        let long = sub
            .get_arguments()
            .filter(|a| !a.is_global_set())
            .find(|a| squash(a.get_id().as_str()) == squash(&key))
            .and_then(|a| a.get_long())
            .ok_or_else(|| {
                bad(format!(
                    "unknown parameter \"{key}\" for {}",
                    sub.get_name()
                ))
            })?;
        if given(long) || value.is_null() {
            continue;
        }
        extra.push(format!("--{long}").into());
        match value {
            Value::String(s) => extra.push(s.into()),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                extra.extend(items.into_iter().filter_map(|i| match i {
                    Value::String(s) => Some(OsString::from(s)),
                    _ => None,
                }));
            }
            // Structures (and lists of them) as the one JSON argument the
            // shorthand reader takes.
            other @ (Value::Array(_) | Value::Object(_)) => extra.push(other.to_string().into()),
            other => extra.push(other.to_string().into()),
        }
    }
    let tail = args.split_off(sub_at + 1);
    args.extend(extra);
    args.extend(tail);
    Ok(args)
}

fn read(path: &str) -> Result<String, Failure> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| bad(format!("cannot read {path}: {e}")))?;
    let mut text = String::new();
    file.take(MAX_DOCUMENT)
        .read_to_string(&mut text)
        .map_err(|e| bad(format!("cannot read {path}: {e}")))?;
    Ok(text)
}
