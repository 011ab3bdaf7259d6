//! `--cli-auto-prompt` and `--no-cli-auto-prompt`, the AWS CLI v2's
//! global flags that turn its prompting for a command's parameters on
//! and off. This tool never prompts: `--no-cli-auto-prompt` is the no-op
//! it is here, and `--cli-auto-prompt` is refused where the AWS CLI v2
//! would prompt, since whoever gives it expects to be asked.
//!
//! As the AWS CLI v2 (`resolve_auto_prompt_mode` in
//! `awscli/clidriver.py`), this looks at the words as given, before
//! anything is parsed: both flags together are an error, and with `help`
//! or `--version` anywhere on the line (or clap's `--help`, `-h`, `-V`)
//! nothing would be prompted for. `AWS_CLI_AUTO_PROMPT` and a profile's
//! `cli_auto_prompt` are not read: a setting, unlike a flag given for
//! this one command, must not make a script's `sts` fail.

use std::ffi::OsString;

use crate::Failure;

const ON: &str = "--cli-auto-prompt";
const OFF: &str = "--no-cli-auto-prompt";
/// The words with which nothing is prompted for.
const ANSWERS: &[&str] = &["help", "--version", "--help", "-h", "-V"];

/// `Err` when the command line asks for prompting, which this tool does
/// not do, or gives both flags.
pub(crate) fn check(args: &[OsString]) -> Result<(), Failure> {
    let words = crate::args::own(args).get(1..).unwrap_or_default();
    let has = |word: &str| words.iter().any(|w| w == word);
    if has(ON) && has(OFF) {
        return Err(Failure::Usage(format!(
            "Both {ON} and {OFF} cannot be specified at the same time."
        )));
    }
    if has(ON) && !ANSWERS.iter().any(|w| has(w)) {
        return Err(Failure::Usage(format!(
            "argument {ON}: this tool does not prompt for parameters; give them as \
             flags, or in a document with --cli-input-json or --cli-input-yaml \
             (--generate-cli-skeleton input or yaml-input prints one to fill in)"
        )));
    }
    Ok(())
}
