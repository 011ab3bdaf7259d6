//! How a failed run ends: the AWS CLI v2's exit statuses and its wording,
//! so that scripts written against `aws sts` read our failures unchanged.
//!
//! The statuses are those of the AWS CLI v2's "return codes" page; 130
//! (interrupted) comes from the shell itself, because the tool leaves
//! SIGINT at its default and is killed by it (and so is a command that
//! `sts exec` runs, which gets the same signal from the terminal).

use std::time::Duration;

use sts_blocking::credentials::CredentialsErrorKind;
use sts_blocking::settings::Origin;
use sts_blocking::sts_proto::endpoint::EndpointError;
use sts_blocking::transport::TransportFailure;
use sts_blocking::{ConfigError, Error};

use crate::args::Global;
use crate::attempts;

/// The command line is wrong: an unknown flag, a missing argument, a
/// value that does not parse or breaks the STS model's constraints.
pub(crate) const EXIT_SYNTAX: u8 = 252;
/// The configuration or environment is invalid: a profile that is not
/// defined, a bad setting, no credentials.
pub(crate) const EXIT_CONFIG: u8 = 253;
/// STS (or something in front of it) answered with an error.
pub(crate) const EXIT_SERVICE: u8 = 254;
/// Anything else: the network, a local file, writing the output.
pub(crate) const EXIT_OTHER: u8 = 255;
/// The command of `sts exec` or `serve --exec` was not found, as `env`,
/// `nohup` and POSIX shells report it.
pub(crate) const EXIT_COMMAND_NOT_FOUND: u8 = 127;
/// The command was found but could not be started (not executable, a
/// directory, a bad interpreter line), as `env` and shells report it.
pub(crate) const EXIT_COMMAND_NOT_RUN: u8 = 126;

/// The connect timeout when `--cli-connect-timeout` is not given, as the
/// AWS CLI's.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the connection may stay silent when `--cli-read-timeout` is
/// not given: the client's own default attempt limit. The AWS CLI waits
/// 60 s; STS answers in well under a second, so a connection silent for
/// 10 s is a failure to retry, and the README lists the difference.
pub(crate) const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What a run of the tool can fail with.
pub(crate) enum Failure {
    /// The command line is wrong (exit 252); the text names the flag.
    Usage(String),
    /// The configuration or environment is wrong (exit 253).
    Config(String),
    /// The command to run could not be started: `flag` names where it was
    /// given, and the status is the shell's (127 not found, else 126), so
    /// that a wrapper script tells it from the command's own failures.
    NotRun {
        flag: &'static str,
        program: String,
        error: std::io::Error,
    },
    /// `--query` failed on the answer (a function given the wrong type,
    /// an unknown function): exit 255 with the JMESPath message alone, as
    /// the AWS CLI reports it.
    Query(String),
    /// A call (or getting ready for it) failed.
    Call {
        operation: &'static str,
        error: Box<Error>,
        /// The endpoint the call went to, once a client was built.
        endpoint: Option<String>,
        /// The retries the call made, when it stopped because its
        /// attempts ran out: the AWS CLI then says so.
        retries: Option<u32>,
    },
}

impl Failure {
    pub(crate) fn call(operation: &'static str, error: impl Into<Error>) -> Self {
        Failure::Call {
            operation,
            error: Box::new(error.into()),
            endpoint: None,
            retries: None,
        }
    }

    /// The same failure, as the call sent to `endpoint` ended (just now:
    /// its attempts are counted by the transport, see [`attempts`]).
    pub(crate) fn at(self, endpoint: &str) -> Self {
        match self {
            Failure::Call {
                operation, error, ..
            } => Failure::Call {
                operation,
                retries: attempts::retries_when_exhausted(&error),
                error,
                endpoint: Some(endpoint.to_owned()),
            },
            other => other,
        }
    }

    /// The exit status, by the AWS CLI v2's classes.
    pub(crate) fn exit_status(&self) -> u8 {
        match self {
            Failure::Usage(_) => EXIT_SYNTAX,
            Failure::Config(_) => EXIT_CONFIG,
            Failure::NotRun { error, .. } => match error.kind() {
                std::io::ErrorKind::NotFound => EXIT_COMMAND_NOT_FOUND,
                _ => EXIT_COMMAND_NOT_RUN,
            },
            Failure::Query(_) => EXIT_OTHER,
            Failure::Call { error, .. } => {
                match credentials_call(error).map_or(&**error, |c| c.1) {
                    Error::Service(_) | Error::Response(_) => EXIT_SERVICE,
                    Error::Validation(_) => EXIT_SYNTAX,
                    Error::Config(_) | Error::Credentials(_) => EXIT_CONFIG,
                    _ => EXIT_OTHER,
                }
            }
        }
    }

    /// The message for stderr, worded as the AWS CLI words its own, one
    /// line (so that a script can keep the last line of stderr). Without
    /// the command line's `global` flags (a failure found before it is
    /// parsed, or one `serve` logs), a call's failure is the error's own
    /// text.
    pub(crate) fn message(&self, global: Option<&Global>) -> String {
        match self {
            Failure::Usage(m) => format!("sts: error: {m}"),
            Failure::Config(m) => format!("sts: {m}"),
            Failure::NotRun {
                flag,
                program,
                error,
            } => format!("sts: error: argument {flag}: cannot run \"{program}\": {error}"),
            Failure::Query(m) => m.clone(),
            Failure::Call {
                operation,
                error,
                endpoint,
                retries,
            } => match global {
                Some(global) => describe(operation, error, endpoint.as_deref(), *retries, global),
                None => error.to_string(),
            },
        }
    }
}

/// Where a setting came from, with the tool's `flag` for what the library
/// calls the program's own settings (the tool sets only its flags so).
fn flag_or(origin: &Origin, flag: &str) -> String {
    match origin {
        Origin::Explicit => flag.to_owned(),
        other => other.to_string(),
    }
}

/// The STS call behind a credentials failure, when STS answered it with
/// an error (not when it got no answer), and its operation.
fn credentials_call(error: &Error) -> Option<(&'static str, &Error)> {
    error
        .failed_call()
        .filter(|(_, inner)| matches!(inner, Error::Service(_) | Error::Response(_)))
}

/// A service error's message as botocore shows it: `Unknown` when the
/// error document has no `<Message>`, and `None` (Python's, the text of an
/// empty element) when it has an empty one.
fn service_message(message: Option<&str>) -> &str {
    match message {
        None => "Unknown",
        Some("") => "None",
        Some(message) => message,
    }
}

/// The AWS CLI's sentence for each class of failure; a timeout or a
/// connection failure also says after how long, against which endpoint,
/// and which flag changes the limit, since "timed out" alone leaves the
/// user guessing which of the two limits to raise.
fn describe(
    operation: &str,
    error: &Error,
    endpoint: Option<&str>,
    retries: Option<u32>,
    global: &Global,
) -> String {
    // A role's `AssumeRole` (or a web identity's call) that STS refused is
    // that call's error, as botocore raises it: scripts look for `An error
    // occurred (AccessDenied) when calling the AssumeRole operation`. The
    // profile and role it was for are shown under --debug.
    if let Some((action, inner)) = credentials_call(error) {
        let detail = if global.debug {
            format!("sts: debug: {error}\n")
        } else {
            String::new()
        };
        return format!("{detail}{}", describe(action, inner, None, None, global));
    }
    let url = endpoint.map_or_else(String::new, |e| format!("{}/", e.trim_end_matches('/')));
    // botocore's `ClientError`: the retries, when the attempts ran out.
    let retried = retries.map_or_else(String::new, |n| format!(" (reached max retries: {n})"));
    match error {
        Error::Service(e) => format!(
            "An error occurred ({}) when calling the {operation} operation{retried}: {}",
            e.code,
            service_message(e.message.as_deref())
        ),
        Error::Response(e) => match e.status() {
            // No STS error document: botocore's message is the status's
            // reason phrase (`Service Unavailable`); what the body held is
            // shown on a line of its own under --debug (the last line
            // stays the AWS CLI's).
            Some(status) => {
                let reason = http::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map_or_else(|| e.to_string(), str::to_owned);
                let detail = if global.debug {
                    format!("sts: debug: {e}\n")
                } else {
                    String::new()
                };
                format!(
                    "{detail}An error occurred ({status}) when calling the {operation} \
                     operation{retried}: {reason}"
                )
            }
            None => format!("An error occurred when calling the {operation} operation: {e}"),
        },
        Error::Validation(e) => format!("Parameter validation failed: {e}"),
        // The AWS CLI's sentences first, which scripts look for; then what
        // each source said, which the AWS CLI leaves out.
        Error::Credentials(c) if c.kind() == CredentialsErrorKind::NotConfigured => format!(
            "Unable to locate credentials. You can configure credentials by running \
             \"aws configure\". ({c})"
        ),
        // A flag's bad value: named by its flag, not as "the program's
        // settings" (which the tool's flags are, to the library), after
        // the AWS CLI's own sentence.
        Error::Config(ConfigError::InvalidValue {
            setting: "region",
            value,
            origin,
            expected,
        }) => format!(
            "Provided region_name '{value}' doesn't match a supported format. (region {value:?} \
             from {} is invalid: expected {expected})",
            flag_or(origin, "--region")
        ),
        Error::Config(ConfigError::InvalidEndpointSetting { origin, error: e }) => {
            let detail = format!(
                "the endpoint URL from {} is invalid: {e}",
                flag_or(origin, "--endpoint-url")
            );
            match &**e {
                // The URL as the library quotes it, any password hidden.
                EndpointError::InvalidEndpoint { endpoint, .. } => {
                    format!("Invalid endpoint: {endpoint} ({detail})")
                }
                _ => detail,
            }
        }
        Error::Config(ConfigError::CaBundle { origin, error: e }) => format!(
            "the CA bundle from {} cannot be used: {e}",
            flag_or(origin, "--ca-bundle")
        ),
        Error::Config(ConfigError::ProfileNotFound { profile, .. }) => {
            format!("The config profile ({profile}) could not be found ({error})")
        }
        Error::Transport(t) if t.kind() == TransportFailure::Timeout => {
            let (connect, read) = crate::setup::connect_and_read(global);
            match timer(error) {
                Some(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
                    let limit = shown(connect);
                    format!(
                        "Connect timeout on endpoint URL: \"{url}\": no connection within {limit} \
                     when calling the {operation} operation; --cli-connect-timeout changes the limit"
                    )
                }
                Some(ureq::Timeout::PerRead | ureq::Timeout::PerWrite) => {
                    let limit = shown(read);
                    format!(
                        "Read timeout on endpoint URL: \"{url}\": the connection was silent for \
                     {limit} when calling the {operation} operation; --cli-read-timeout \
                     changes the limit"
                    )
                }
                _ => {
                    let attempt = shown(crate::setup::attempt_limit(connect, read));
                    format!(
                        "Read timeout on endpoint URL: \"{url}\": no complete response within \
                     {attempt} (each attempt: the connect and read limits together) when \
                     calling the {operation} operation; --cli-read-timeout and \
                     --cli-connect-timeout change the limit"
                    )
                }
            }
        }
        Error::Transport(t) if t.kind() == TransportFailure::Connect => format!(
            "Could not connect to the endpoint URL: \"{url}\" when calling the {operation} \
             operation: {t}; --endpoint-url or --region chooses the endpoint"
        ),
        Error::Transport(t) => format!(
            "Connection to the endpoint URL \"{url}\" failed when calling the {operation} \
             operation: {t}"
        ),
        other => other.to_string(),
    }
}

/// `60 s`, or `no limit`.
fn shown(limit: Option<Duration>) -> String {
    limit.map_or_else(|| "no limit".to_owned(), |d| format!("{} s", d.as_secs()))
}

/// Which of ureq's timers fired, read from its typed error in the chain
/// rather than from its text.
fn timer(error: &Error) -> Option<ureq::Timeout> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(s) = source {
        if let Some(ureq::Error::Timeout(t)) = s.downcast_ref::<ureq::Error>() {
            return Some(*t);
        }
        source = s.source();
    }
    None
}
