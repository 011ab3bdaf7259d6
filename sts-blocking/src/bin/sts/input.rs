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

/// `name` without separators or case, as [`crate::help`] compares names.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
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
    let mut extra: Vec<OsString> = Vec::new();
    let mut from_document = Vec::new();
    for (key, value) in members {
        let arg = sub
            .get_arguments()
            .filter(|a| !a.is_global_set())
            .find(|a| squash(a.get_id().as_str()) == squash(&key));
        let (Some(arg), Some(long)) = (arg, arg.and_then(|a| a.get_long())) else {
            return Err(bad(format!(
                "unknown parameter \"{key}\" for {}",
                sub.get_name()
            )));
        };
        if given(long) || value.is_null() {
            continue;
        }
        let list = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        // Each value as one `--flag=value` word, so that clap takes a
        // value starting with `-` as the value, not as a flag.
        let text = match value {
            Value::String(s) => s,
            Value::Array(_) if !list => {
                return Err(bad(format!("\"{key}\" takes one value, not a list")));
            }
            // Lists (of strings or structures, empty ones too) and
            // structures as the one JSON argument that the list and
            // shorthand readers take.
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
