//! `sts exec`: a command run with fresh temporary credentials.
//!
//! On Unix the tool replaces itself with the command (as aws-vault
//! does), so the command's exit status and signals are its own with
//! nothing in between; elsewhere it waits for the command and exits
//! with its status.

use std::ffi::{OsStr, OsString};
use std::process::{Command, ExitStatus};

use sts_blocking::sts_proto::Operation;
use sts_blocking::sts_proto::ops::AssumeRole;
use sts_blocking::sts_proto::time::format_timestamp;

use crate::args::{ExecArgs, Global};
use crate::failure::EXIT_OTHER;
use crate::{Failure, session, setup};

/// Variables that would give a child other credentials than those set
/// here, or make an SDK look for them elsewhere.
pub(crate) const CREDENTIAL_VARIABLES: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    // SDKs pair it with the environment's keys (account-based endpoints):
    // another account's id must not go with these credentials.
    "AWS_ACCOUNT_ID",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    // Other names for the same keys, which SDKs read before a container
    // endpoint: aws-sdk-go-v2 falls back to these two, and the JavaScript
    // SDK v2 reads the `AMAZON_` prefix.
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AMAZON_ACCESS_KEY_ID",
    "AMAZON_SECRET_ACCESS_KEY",
    "AMAZON_SESSION_TOKEN",
];

/// Runs the command; returns its exit status (only where the tool cannot
/// become the command).
pub(crate) fn run(global: &Global, args: &ExecArgs) -> Result<u8, Failure> {
    let (client, region) = setup::client_and_region(global, AssumeRole::ACTION)?;
    let credentials = session::fresh(&client, &args.source)?;
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Failure::Usage("argument COMMAND: a command to run is required".into()))?;
    let mut command = child(program, rest, &region);
    command
        .env("AWS_ACCESS_KEY_ID", credentials.access_key_id())
        .env(
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().expose(),
        );
    if let Some(token) = credentials.session_token() {
        // And under its boto2-era name, which older tools read, as
        // aws-vault sets it (a stale one is removed with the others).
        command
            .env("AWS_SESSION_TOKEN", token.expose())
            .env("AWS_SECURITY_TOKEN", token.expose());
    }
    if let Some(expiration) = credentials.expiration() {
        command.env("AWS_CREDENTIAL_EXPIRATION", format_timestamp(expiration));
    }
    if let Some(account) = credentials.account_id() {
        command.env("AWS_ACCOUNT_ID", account);
    }
    drop(credentials);
    let not_run = |error| Failure::NotRun {
        flag: "COMMAND",
        program: program.to_string_lossy().into_owned(),
        error,
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Returns only if the command could not be started.
        Err(not_run(command.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(not_run)?;
        Ok(exit_code(status))
    }
}

/// The command `sts exec` and `sts serve --exec` run: none of the
/// environment's other credentials (nor its profile, which may be where
/// the region came from), and the region the tool resolved, so that the
/// child calls where the tool did.
pub(crate) fn child(program: &OsStr, rest: &[OsString], region: &str) -> Command {
    let mut command = Command::new(program);
    command.args(rest);
    for name in CREDENTIAL_VARIABLES {
        command.env_remove(name);
    }
    command
        .env("AWS_REGION", region)
        .env("AWS_DEFAULT_REGION", region);
    command
}

/// A child's exit status as the tool's: its code, or 128 + the signal
/// that ended it, as a shell reports it.
pub(crate) fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(EXIT_OTHER);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(EXIT_OTHER);
        }
    }
    EXIT_OTHER
}
