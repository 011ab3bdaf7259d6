//! Turning the global options into a client.
//!
//! The settings resolve as in the AWS CLI: the command line, then the
//! environment, then the profile, then [`FALLBACK_REGION`]. The profile is
//! `--profile`, else `AWS_PROFILE`, else `default`; a profile named either
//! way must exist. Credentials: a `--profile` profile's own, whatever the
//! environment holds; otherwise the default chain (environment keys first,
//! then the profile), as botocore orders them.

use std::sync::OnceLock;
use std::time::Duration;

use clap::ValueEnum;
use sts_blocking::credentials::{MAX_PROFILE_FILE_BYTES, ProviderConfig};
use sts_blocking::profile::{FileKind, Platform, locate, parse_sources};
use sts_blocking::settings::RetryMode;
use sts_blocking::{Client, Error};

use crate::Failure;
use crate::args::{Global, Output};
use crate::attempts::{self, Counting};

mod mfa;
use crate::debug::DebugTransport;
use crate::failure::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT};

/// `--cli-connect-timeout` and `--cli-read-timeout` with their defaults;
/// `None` for a flag given as 0 (no limit).
pub(crate) fn connect_and_read(global: &Global) -> (Option<Duration>, Option<Duration>) {
    let seconds = |flag: Option<u64>, default: Duration| {
        flag.map_or(Some(default), |s| (s > 0).then(|| Duration::from_secs(s)))
    };
    (
        seconds(global.cli_connect_timeout, DEFAULT_CONNECT_TIMEOUT),
        seconds(global.cli_read_timeout, DEFAULT_READ_TIMEOUT),
    )
}

/// The limit of one attempt: the connect and read limits together; none
/// when either is off, since a limit of the whole attempt would then cut
/// short the wait the user asked not to limit.
pub(crate) fn attempt_limit(connect: Option<Duration>, read: Option<Duration>) -> Option<Duration> {
    Some(connect?.saturating_add(read?))
}

/// The region when neither the options, the environment nor the profile name one.
const FALLBACK_REGION: &str = "us-east-1";

pub(crate) fn client(global: &Global, operation: &'static str) -> Result<Client, Failure> {
    client_and_region(global, operation).map(|(client, _)| client)
}

/// The client and the region it resolved (for a child's environment).
pub(crate) fn client_and_region(
    global: &Global,
    operation: &'static str,
) -> Result<(Client, String), Failure> {
    let fail = |error: Error| Failure::call(operation, error);
    let mut builder = Client::builder();
    if let Some(name) = &global.profile {
        builder = builder.profile_name(name);
    }
    if let Some(region) = &global.region {
        builder = builder.region(region);
    }
    if let Some(url) = &global.endpoint_url {
        builder = builder.endpoint_url(url);
    }
    if let Some(bundle) = &global.ca_bundle {
        builder = builder.ca_bundle_file(bundle);
    }
    if global.no_verify_ssl {
        eprintln!(
            "sts: WARNING: --no-verify-ssl turns off TLS certificate checks. Anyone on the \
             network path can read and change this traffic, credentials included."
        );
    }
    // The AWS CLI's two limits: opening a connection, and how long the
    // connection may stay silent. Each attempt as a whole gets both, which
    // also bounds what neither covers (a name lookup that hangs, an answer
    // trickled a byte at a time): the connect limit is then never cut
    // short by the read limit, as it was when the read limit was the
    // attempt's.
    let (connect, read) = connect_and_read(global);
    builder = builder
        .connect_timeout(connect)
        .read_timeout(read)
        .attempt_timeout(attempt_limit(connect, read))
        .danger_accept_invalid_certs(global.no_verify_ssl);
    // The environment and the profile files, resolved once for the
    // transport (CA bundle, proxies) and again for everything else; the
    // transport is set first, so that the roles a profile assumes go
    // through it too (and so are shown by --debug).
    // A profile with `mfa_serial` asks for the device's code, and the
    // credentials of a role a profile assumes (or a web identity or SSO role) are
    // kept in the AWS CLI's cache (`~/.aws/cli/cache`), as the AWS CLI
    // does: the two share it, and the code is asked once per role
    // session, not once per run.
    let config = ProviderConfig::new()
        .with_mfa_token_provider(mfa::ask)
        .with_role_cache(true);
    let transport = builder
        .default_transport(&config)
        .map_err(|e| fail(e.into()))?;
    // Counted, for the AWS CLI's "reached max retries" (see `attempts`).
    builder = if global.debug {
        builder.transport(Counting(DebugTransport(transport)))
    } else {
        builder.transport(Counting(transport))
    };
    let builder = builder
        .from_config(&config)
        .map_err(|e| fail(e.into()))?
        .default_region(FALLBACK_REGION);
    let settings = builder.settings();
    let region = settings
        .and_then(|s| s.region.as_ref())
        .map_or_else(|| FALLBACK_REGION.to_owned(), |r| r.value.clone());
    if let Some(s) = settings {
        attempts::set_limit(attempts::Limit {
            max_attempts: s.max_attempts.value,
            legacy: s.retry_mode.value == RetryMode::Legacy,
        });
    }
    let client = builder.build().map_err(|e| fail(e.into()))?;
    Ok((client, region))
}

/// The output form: `--output`, else `AWS_DEFAULT_OUTPUT`, else the
/// profile's `output` in the config file, else json, as the AWS CLI
/// chooses it. A value the tool does not know, from the environment or
/// the profile, is invalid configuration (the flag's own value is checked
/// by the parser), named with where it came from.
pub(crate) fn output(global: &Global) -> Result<Output, Failure> {
    if let Some(o) = global.output {
        return Ok(o);
    }
    let config = ProviderConfig::new();
    let parse = |value: &str, origin: &str| {
        Output::from_str(value.trim(), true).map_err(|_| {
            Failure::Config(format!(
                "Unknown output type: {value} (from {origin}); valid: json, text, table, yaml, \
                 yaml-stream, env, credential-process"
            ))
        })
    };
    if let Some(v) = config.env().get_nonempty("AWS_DEFAULT_OUTPUT") {
        return parse(&v, "AWS_DEFAULT_OUTPUT");
    }
    let printing = printing_settings(global);
    match &printing.output {
        Some(value) => parse(value, &printing.origin),
        None => Ok(Output::Json),
    }
}

/// How result timestamps are printed: the profile's
/// `cli_timestamp_format`, as the AWS CLI reads it: `iso8601` (the AWS CLI
/// v2's default, `2030-01-02T03:04:05+00:00`) or `wire` (v2) / `none` (v1),
/// the form STS sends (`2030-01-02T03:04:05Z`). Another value is invalid
/// configuration, named with where it came from.
pub(crate) fn wire_timestamps(global: &Global) -> Result<bool, Failure> {
    let printing = printing_settings(global);
    let Some(value) = &printing.timestamp_format else {
        return Ok(false);
    };
    let origin = &printing.origin;
    match value.trim() {
        "iso8601" => Ok(false),
        "wire" | "none" => Ok(true),
        other => Err(Failure::Config(format!(
            "Unknown cli_timestamp_format value: {other} (from {origin}); valid: iso8601, \
             wire, none"
        ))),
    }
}

/// The selected profile's settings for printing, from the config file.
#[derive(Debug, Default)]
struct PrintingSettings {
    /// `output`.
    output: Option<String>,
    /// `cli_timestamp_format`.
    timestamp_format: Option<String>,
    /// Where they came from, for errors.
    origin: String,
}

/// The printing settings of the selected profile (`--profile`, else
/// `AWS_PROFILE`, else `default`), read once per run: the tool asks for
/// them several times, and the config file may be megabytes. A file that
/// cannot be parsed is reported by the client's own resolution, with its
/// line, and one that cannot be read is passed over there as here (and
/// named when the profile asked for is then not found); here either just
/// holds nothing.
fn printing_settings(global: &Global) -> &'static PrintingSettings {
    static READ: OnceLock<PrintingSettings> = OnceLock::new();
    READ.get_or_init(|| {
        let config = ProviderConfig::new();
        let files = locate(config.env(), Platform::current());
        let name = global.profile.clone().unwrap_or(files.profile);
        let Some(path) = files.config else {
            return PrintingSettings::default();
        };
        let Ok(bytes) = config.fs().read(&path, MAX_PROFILE_FILE_BYTES) else {
            return PrintingSettings::default();
        };
        let text = String::from_utf8_lossy(&bytes);
        let Ok(set) = parse_sources(&[(FileKind::Config, &text)]) else {
            return PrintingSettings::default();
        };
        let Some(profile) = set.profile(&name) else {
            return PrintingSettings::default();
        };
        PrintingSettings {
            output: profile.get_nonempty("output").map(str::to_owned),
            timestamp_format: profile
                .get_nonempty("cli_timestamp_format")
                .map(str::to_owned),
            origin: format!("profile \"{name}\" in {}", path.display()),
        }
    })
}
