//! `sts`: the AWS STS operations from the command line, without an async
//! runtime, named and flagged as the AWS CLI names them.

#![forbid(unsafe_code)]

mod args;
mod debug;
mod eks;
mod logging;
mod ops;
mod render;
mod setup;
mod shorthand;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use sts_blocking::Error;

use crate::args::{Cli, Output};
use crate::render::Rendered;
use crate::shorthand::UsageError;

/// Exit statuses, as the issue and the AWS CLI's conventions set them.
const EXIT_SERVICE: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_OTHER: u8 = 255;

/// What a run of the tool can fail with.
pub(crate) enum Failure {
    Usage(String),
    Call {
        operation: &'static str,
        error: Box<Error>,
    },
}

impl Failure {
    pub(crate) fn call(operation: &'static str, error: impl Into<Error>) -> Self {
        Failure::Call {
            operation,
            error: Box::new(error.into()),
        }
    }
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e.0)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.global.debug);
    match run(&cli) {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::from(EXIT_OTHER);
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(message)) => {
            eprintln!("sts: {message}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Call { operation, error }) => {
            eprintln!("sts: {}", describe(operation, &error));
            ExitCode::from(exit_status(&error))
        }
    }
}

fn run(cli: &Cli) -> Result<String, Failure> {
    ops::dispatch(cli)
}

pub(crate) fn print(output: Output, rendered: Rendered) -> Result<String, Failure> {
    match output {
        Output::Json => Ok(render::json(&rendered.doc)),
        Output::Text => Ok(render::text(&rendered.doc)),
        Output::Env | Output::CredentialProcess => {
            let Some(c) = rendered.credentials else {
                return Err(Failure::Usage(
                    "--output env and credential-process need an operation that returns credentials"
                        .into(),
                ));
            };
            Ok(if output == Output::Env {
                render::env(&c)
            } else {
                render::credential_process(&c)
            })
        }
    }
}

/// One line: the operation, the code, the message and the request id.
fn describe(operation: &str, error: &Error) -> String {
    match error {
        Error::Service(e) => {
            let mut line = format!("{operation} failed: {}", e.code);
            if let Some(m) = &e.message {
                line.push_str(&format!(": {m}"));
            }
            line.push_str(&format!(
                " (HTTP {}, request id {})",
                e.status,
                e.request_id.as_deref().unwrap_or("none")
            ));
            line
        }
        other => {
            let mut line = format!("{operation} failed: {other}");
            if let Some(id) = other.request_id() {
                line.push_str(&format!(" (request id {id})"));
            }
            line
        }
    }
}

fn exit_status(error: &Error) -> u8 {
    match error {
        Error::Service(_) | Error::Response(_) => EXIT_SERVICE,
        Error::Validation(_) | Error::Config(_) => EXIT_USAGE,
        _ => EXIT_OTHER,
    }
}
