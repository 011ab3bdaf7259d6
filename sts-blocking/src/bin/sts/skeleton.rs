//! `--generate-cli-skeleton [input|output|yaml-input]`, as the AWS CLI
//! prints them (`yaml-input` as the AWS CLI v2 does): `input` is the
//! operation's parameters with empty values, for `--cli-input-json`, and
//! `yaml-input` the same as YAML for `--cli-input-yaml`, each member
//! commented with `[REQUIRED]` and the first sentence of its
//! documentation; both are printed before (and instead of) parsing the
//! command line, since its required flags are what the user wants to fill
//! in. `output` is a result with each value its member's name, put through
//! `--query` and `--output` like a real one, nothing sent.

use std::ffi::OsString;

use crate::args::Cli;
use crate::help::squash;
use crate::model_help::{INPUT_SKELETONS, YAML_INPUT_SKELETONS};
use crate::render::Rendered;
use crate::{Failure, ops, print};

const FLAG: &str = "--generate-cli-skeleton";

/// The mode `--generate-cli-skeleton` asks for in `args`, with the flag's
/// place: `None` without the flag, else `input` (the default) or what was
/// given.
fn mode<'a>(args: &'a [OsString], cmd: &clap::Command) -> Option<(usize, Option<&'a str>)> {
    let at = args.iter().position(|a| {
        a.to_str()
            .is_some_and(|a| a == FLAG || a.starts_with(&format!("{FLAG}=")))
    })?;
    let flag = args.get(at)?.to_str().unwrap_or_default();
    let given = match flag.split_once('=') {
        Some((_, v)) => Some(v),
        None => args.get(at + 1).and_then(|a| a.to_str()),
    };
    // A next word that is a flag or the subcommand is not the mode.
    let given = given.filter(|m| !m.starts_with('-') && cmd.find_subcommand(m).is_none());
    Some((at, given))
}

/// For `--generate-cli-skeleton output`, `args` with a stand-in value for
/// each required flag of the subcommand that is not given, so that the
/// command line parses: the AWS CLI prints the output skeleton without
/// them. The stand-ins are never read: [`output`] prints the skeleton
/// before any value is.
pub(crate) fn with_stand_ins(mut args: Vec<OsString>, cmd: &clap::Command) -> Vec<OsString> {
    let own = crate::args::own(&args);
    if !matches!(mode(own, cmd), Some((_, Some("output")))) {
        return args;
    }
    let Some((sub_at, sub)) = own.iter().enumerate().skip(1).find_map(|(i, a)| {
        let a = a.to_str()?;
        cmd.find_subcommand(a).map(|s| (i, s))
    }) else {
        return args;
    };
    let given = |long: &str| {
        own.iter().any(|a| {
            a.to_str().is_some_and(|a| {
                a.strip_prefix("--")
                    .is_some_and(|rest| rest == long || rest.starts_with(&format!("{long}=")))
            })
        })
    };
    let stand_ins: Vec<OsString> = sub
        .get_arguments()
        .filter(|a| a.is_required_set())
        .filter_map(|a| a.get_long())
        .filter(|long| !given(long))
        .flat_map(|long| [OsString::from(format!("--{long}")), "skeleton".into()])
        .collect();
    let tail = args.split_off(sub_at + 1);
    args.extend(stand_ins);
    args.extend(tail);
    args
}

/// `--generate-cli-skeleton output`: a result with each value its member's
/// name, through `--query` and `--output` like a real one, nothing sent
/// and no parameter read.
pub(crate) fn output(cli: &Cli) -> Result<String, Failure> {
    let action = ops::action(&cli.command)
        .ok_or_else(|| Failure::Usage(format!("argument {FLAG}: needs an operation")))?;
    let doc = crate::model_help::output_skeleton(action)
        .ok_or_else(|| Failure::Usage(format!("argument {FLAG}: no output skeleton")))?;
    print(
        &cli.global,
        action,
        Rendered {
            doc,
            credentials: None,
        },
    )
}

/// The parameters of `subcommand`'s operation, each with the empty value
/// of its type (`""`, `0`, `[…]`, `{…}`), read from its input skeleton:
/// the members a parameters document may hold, and the JSON type of each.
/// `None` for a subcommand that is not an STS operation.
pub(crate) fn input_members(
    subcommand: &str,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let (_, text) = INPUT_SKELETONS
        .iter()
        .find(|(op, _)| squash(op) == squash(subcommand))?;
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(members)) => Some(members),
        // The skeletons are the tool's own text, which a test parses.
        _ => None,
    }
}

/// The input skeleton (`input` or `yaml-input`), if the command line asks
/// for one.
pub(crate) fn input(args: &[OsString], cmd: &clap::Command) -> Option<Result<String, Failure>> {
    let args = crate::args::own(args);
    let (_, mode) = mode(args, cmd)?;
    let skeletons = match mode {
        Some("output") => return None,
        Some("input") | None => INPUT_SKELETONS,
        Some("yaml-input") => YAML_INPUT_SKELETONS,
        Some(m) => {
            return Some(Err(Failure::Usage(format!(
                "argument {FLAG}: invalid choice: '{m}' (choose from 'input', 'output', \
                 'yaml-input')"
            ))));
        }
    };
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| cmd.find_subcommand(a).is_some());
    let Some(sub) = sub else {
        return Some(Err(Failure::Usage(format!(
            "argument {FLAG}: needs a subcommand"
        ))));
    };
    Some(
        skeletons
            .iter()
            .find(|(op, _)| squash(op) == squash(sub))
            .map(|(_, text)| format!("{text}\n"))
            .ok_or_else(|| {
                Failure::Usage(format!("argument {FLAG}: {sub} is not an STS operation"))
            }),
    )
}
