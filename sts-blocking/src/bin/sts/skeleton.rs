//! `--generate-cli-skeleton [input|output]`, as the AWS CLI prints them:
//! `input` is the operation's parameters with empty values, for
//! `--cli-input-json`, printed before (and instead of) parsing the
//! command line, since its required flags are what the user wants to
//! fill in; `output` is a result with each value its member's name, put
//! through `--query` and `--output` like a real one, nothing sent.

use std::ffi::OsString;

use crate::Failure;
use crate::model_help::INPUT_SKELETONS;

const FLAG: &str = "--generate-cli-skeleton";

fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The input skeleton, if the command line asks for one.
pub(crate) fn input(args: &[OsString], cmd: &clap::Command) -> Option<Result<String, Failure>> {
    let args = crate::args::own(args);
    let at = args.iter().position(|a| {
        a.to_str()
            .is_some_and(|a| a == FLAG || a.starts_with(&format!("{FLAG}=")))
    })?;
    let flag = args[at].to_str().unwrap_or_default();
    let mode = match flag.split_once('=') {
        Some((_, v)) => Some(v),
        None => args.get(at + 1).and_then(|a| a.to_str()),
    };
    match mode {
        Some("output") => return None,
        Some("input") | None => {}
        Some(m) if m.starts_with('-') || cmd.find_subcommand(m).is_some() => {}
        Some(m) => {
            return Some(Err(Failure::Usage(format!(
                "argument {FLAG}: invalid choice: '{m}' (choose from 'input', 'output')"
            ))));
        }
    }
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
        INPUT_SKELETONS
            .iter()
            .find(|(op, _)| squash(op) == squash(sub))
            .map(|(_, text)| format!("{text}\n"))
            .ok_or_else(|| {
                Failure::Usage(format!("argument {FLAG}: {sub} is not an STS operation"))
            }),
    )
}
