//! `sts`: the AWS STS operations from the command line, without an async
//! runtime, named and flagged as the AWS CLI names them.

#![forbid(unsafe_code)]

mod args;
mod attempts;
mod auto_prompt;
mod child_files;
#[cfg(unix)]
mod child_signals;
mod debug;
mod eks;
mod exec;
mod failure;
mod file_read;
mod help;
mod help_word;
mod input;
mod logging;
mod model_help;
mod ops;
mod query;
mod registry;
mod render;
#[cfg(test)]
mod scratch;
mod serve;
mod session;
mod setup;
mod shorthand;
mod shorthand_syntax;
mod skeleton;
mod table;
mod value_bound;
mod yaml;
mod yaml_in;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;
use clap::error::ErrorKind;

use crate::args::{Cli, Global, Output};
pub(crate) use crate::failure::Failure;
use crate::failure::{EXIT_OTHER, EXIT_SYNTAX};
use crate::query::Query;
use crate::render::Rendered;
use crate::shorthand::UsageError;

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e.0)
    }
}

fn main() -> ExitCode {
    let command = help::command();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Err(failure) = auto_prompt::check(&args) {
        return failed(&failure, None);
    }
    // `sts assume-role help` is `sts assume-role --help`, taken before a
    // skeleton or parameters document on the same line is looked at.
    let (argv, values) = match help_word::as_help_flag(&args, &command) {
        Some(argv) => (argv, shorthand::Values::default()),
        None => {
            if let Some(skeleton) = skeleton::input(&args, &command) {
                return match skeleton {
                    Ok(text) => printed(&text),
                    Err(failure) => failed(&failure, None),
                };
            }
            let args = skeleton::with_stand_ins(args, &command);
            match input::expand(args, &command) {
                Ok(input::Expanded { args, values }) => (args, values),
                Err(failure) => return failed(&failure, None),
            }
        }
    };
    let parsed = command
        .try_get_matches_from(argv)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are answers, not failures; everything else
            // clap rejects is command syntax, 252 as in the AWS CLI.
            // A missing subcommand is an error too (`sts "$OP"` with an
            // empty `$OP` must not succeed), as in the AWS CLI.
            let status = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => EXIT_SYNTAX,
            };
            if e.print().is_err() {
                return ExitCode::from(EXIT_OTHER);
            }
            return ExitCode::from(status);
        }
    };
    logging::init(cli.global.debug);
    if let Err(failure) = check_printing_flags(&cli) {
        return failed(&failure, Some(&cli.global));
    }
    let status = match &cli.command {
        args::Command::Exec(a) => Some(exec::run(&cli.global, a)),
        args::Command::Serve(a) => Some(serve::run(&cli.global, a)),
        _ => None,
    };
    if let Some(status) = status {
        return match status {
            Ok(code) => ExitCode::from(code),
            Err(failure) => failed(&failure, Some(&cli.global)),
        };
    }
    // A bad --query or output format is refused before anything is sent,
    // as the AWS CLI does, not after the call has been made.
    if let Err(failure) = check_output_options(&cli.global) {
        return failed(&failure, Some(&cli.global));
    }
    let result = if cli.global.generate_cli_skeleton.as_deref() == Some("output") {
        skeleton::output(&cli)
    } else {
        ops::dispatch(&cli, &values)
    };
    match result {
        Ok(text) => printed(&text),
        Err(failure) => failed(&failure, Some(&cli.global)),
    }
}

/// Writes `text` on stdout: success, unless stdout is gone.
fn printed(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(EXIT_OTHER),
    }
}

/// Says on stderr why the run failed and ends it with the failure's
/// status: in the AWS CLI's words once the command line is parsed
/// (`global`), else without the flags that word a call's failure.
fn failed(failure: &Failure, global: Option<&Global>) -> ExitCode {
    eprintln!("{}", failure.message(global));
    ExitCode::from(failure.exit_status())
}

/// `--output`, `--query` and `--generate-cli-skeleton output` given to a
/// subcommand that prints no call's result (`exec`, `serve`, `presign`,
/// `eks-token`, `completions`): refused, rather than ignored (`sts exec
/// --generate-cli-skeleton output -- cmd` would otherwise run `cmd`).
/// `AWS_DEFAULT_OUTPUT` and a profile's `output` are settings for the
/// subcommands that print, and do not count. `eks-token` takes `--output
/// json`, as `aws eks get-token` does, and only that.
fn check_printing_flags(cli: &Cli) -> Result<(), Failure> {
    check_no_sign_request(cli)?;
    let name = match &cli.command {
        args::Command::Exec(_) => "exec",
        args::Command::Serve(_) => "serve",
        args::Command::Presign(_) => "presign",
        args::Command::EksToken(_) | args::Command::Eks(args::EksCommand::GetToken(_)) => {
            "eks-token"
        }
        args::Command::Completions { .. } => "completions",
        _ => return Ok(()),
    };
    let g = &cli.global;
    // The ExecCredential is JSON, and kubeconfigs written by `aws eks
    // update-kubeconfig` ask for it with `--output json`.
    if name == "eks-token" && g.output.is_some_and(|o| o != Output::Json) {
        return Err(Failure::Usage(
            "argument --output: `sts eks-token` prints the ExecCredential kubectl reads, \
             which is json only"
                .into(),
        ));
    }
    let output_given = g.output.is_some() && name != "eks-token";
    let flag = if output_given {
        "--output"
    } else if g.query.is_some() {
        "--query"
    } else if g.generate_cli_skeleton.is_some() {
        "--generate-cli-skeleton"
    } else {
        return Ok(());
    };
    Err(Failure::Usage(format!(
        "argument {flag}: does not apply to `sts {name}`, which prints no call's result"
    )))
}

/// `--no-sign-request` where STS takes unsigned requests, or with
/// nothing to sign; refused elsewhere rather than ignored: the request
/// would be signed after all, or be refused by STS once sent.
fn check_no_sign_request(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        _ if !cli.global.no_sign_request => Ok(()),
        args::Command::AssumeRoleWithSaml(_)
        | args::Command::AssumeRoleWithWebIdentity(_)
        | args::Command::Completions { .. } => Ok(()),
        _ => Err(Failure::Usage(
            "argument --no-sign-request: STS takes unsigned requests only for \
             assume-role-with-saml and assume-role-with-web-identity"
                .to_owned(),
        )),
    }
}

/// The output format and `--query`, checked as [`print()`] will use them.
fn check_output_options(global: &Global) -> Result<(), Failure> {
    let output = setup::output(global)?;
    render::print_wire_timestamps(setup::wire_timestamps(global)?);
    global.query.as_deref().map(Query::compile).transpose()?;
    if matches!(output, Output::Env | Output::CredentialProcess) && global.query.is_some() {
        return Err(Failure::Usage(
            "argument --query: env and credential-process output print credentials \
             only; --query applies to json, text, table, yaml and yaml-stream"
                .into(),
        ));
    }
    Ok(())
}

fn no_credentials_to_print() -> Failure {
    Failure::Usage(
        "argument --output: env and credential-process need an operation that returns \
         credentials"
            .into(),
    )
}

/// `--output env` and `credential-process` for an operation, refused
/// before the call when its output holds no credentials.
pub(crate) fn check_credentials_output(
    global: &Global,
    gives_credentials: bool,
) -> Result<(), Failure> {
    let output = setup::output(global)?;
    if matches!(output, Output::Env | Output::CredentialProcess) && !gives_credentials {
        return Err(no_credentials_to_print());
    }
    Ok(())
}

/// The result in the chosen output form, `--query` applied first.
pub(crate) fn print(
    global: &Global,
    operation: &str,
    rendered: Rendered,
) -> Result<String, Failure> {
    let output = setup::output(global)?;
    let query = global.query.as_deref().map(Query::compile).transpose()?;
    let doc = match &query {
        Some(q) => q.apply(&rendered.doc)?,
        None => rendered.doc,
    };
    match output {
        Output::Json => Ok(render::json(&doc)),
        Output::Text => Ok(render::text(&doc)),
        Output::Table => Ok(table::table(operation, &doc)),
        Output::Yaml => Ok(yaml::yaml(&doc)),
        Output::YamlStream => Ok(yaml::yaml_stream(&doc)),
        Output::Env | Output::CredentialProcess => {
            // A call gets here only with credentials and without a query
            // (both refused before it); the output skeleton has none.
            check_output_options(global)?;
            let Some(c) = rendered.credentials else {
                return Err(no_credentials_to_print());
            };
            Ok(if output == Output::Env {
                render::env(&c)
            } else {
                render::credential_process(&c)
            })
        }
    }
}
