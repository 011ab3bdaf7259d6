//! Turning the global options into a client.
//!
//! The settings resolve as in the AWS CLI: the command line, then the
//! environment, then the profile, then [`FALLBACK_REGION`]. The profile is
//! `--profile`, else `AWS_PROFILE`, else `default`; a profile named either
//! way must exist. Credentials: a `--profile` profile's own, whatever the
//! environment holds; otherwise the default chain (environment keys first,
//! then the profile), as botocore orders them.

use std::time::Duration;

use sts_blocking::ureq_transport::{UreqSettings, UreqTransport};
use sts_blocking::{Client, Error};

use crate::Failure;
use crate::args::Global;
use crate::debug::DebugTransport;

/// The region when neither the options, the environment nor the profile name one.
const FALLBACK_REGION: &str = "us-east-1";

pub(crate) fn client(global: &Global, operation: &'static str) -> Result<Client, Failure> {
    let fail = |error: Error| Failure::call(operation, error);
    let mut builder = Client::builder().from_env().map_err(|e| fail(e.into()))?;
    if let Some(region) = &global.region {
        builder = builder.region(region);
    }
    if let Some(url) = &global.endpoint_url {
        builder = builder.endpoint_url(url);
    }
    let seconds = |s: u64| (s > 0).then(|| Duration::from_secs(s));
    if global.no_verify_ssl {
        eprintln!(
            "sts: WARNING: --no-verify-ssl turns off TLS certificate checks. Anyone on the \
             network path can read and change this traffic, credentials included."
        );
    }
    let settings = UreqSettings {
        connect_timeout: global
            .cli_connect_timeout
            .map_or(Some(Duration::from_secs(60)), seconds),
        danger_accept_invalid_certs: global.no_verify_ssl,
        ..UreqSettings::default()
    };
    if let Some(read) = global.cli_read_timeout {
        builder = builder.attempt_timeout(seconds(read));
    }
    let transport = UreqTransport::new(settings);
    builder = if global.debug {
        builder.transport(DebugTransport(transport))
    } else {
        builder.transport(transport)
    };
    // Last but the fallback: the roles a profile assumes are assumed with
    // the settings above (and so shown by --debug), and its region counts
    // only when neither the options nor the environment set one.
    builder = match &global.profile {
        Some(name) => builder.profile(name),
        None => builder.from_profile(),
    }
    .map_err(|e| fail(e.into()))?;
    builder
        .default_region(FALLBACK_REGION)
        .build()
        .map_err(|e| fail(e.into()))
}
