//! Turning the global options into a client.
//!
//! The settings resolve as in the AWS CLI: the command line, then the
//! environment, then the profile, then [`FALLBACK_REGION`]. The profile is
//! `--profile`, else `AWS_PROFILE`, else `default`; a profile named either
//! way must exist. Credentials: a `--profile` profile's own, whatever the
//! environment holds; otherwise the default chain (environment keys first,
//! then the profile), as botocore orders them.

use std::time::Duration;

use sts_blocking::credentials::ProviderConfig;
use sts_blocking::{Client, Error};

use crate::Failure;
use crate::args::Global;
use crate::debug::DebugTransport;
use crate::failure::DEFAULT_CONNECT_TIMEOUT;

/// The region when neither the options, the environment nor the profile name one.
const FALLBACK_REGION: &str = "us-east-1";

pub(crate) fn client(global: &Global, operation: &'static str) -> Result<Client, Failure> {
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
    let seconds = |s: u64| (s > 0).then(|| Duration::from_secs(s));
    if global.no_verify_ssl {
        eprintln!(
            "sts: WARNING: --no-verify-ssl turns off TLS certificate checks. Anyone on the \
             network path can read and change this traffic, credentials included."
        );
    }
    builder = builder
        .connect_timeout(
            global
                .cli_connect_timeout
                .map_or(Some(DEFAULT_CONNECT_TIMEOUT), seconds),
        )
        .danger_accept_invalid_certs(global.no_verify_ssl);
    if let Some(read) = global.cli_read_timeout {
        builder = builder.attempt_timeout(seconds(read));
    }
    // The environment and the profile files, resolved once for the
    // transport (CA bundle, proxies) and again for everything else; the
    // transport is set first, so that the roles a profile assumes go
    // through it too (and so are shown by --debug).
    let config = ProviderConfig::new();
    let transport = builder
        .default_transport(&config)
        .map_err(|e| fail(e.into()))?;
    builder = if global.debug {
        builder.transport(DebugTransport(transport))
    } else {
        builder.transport(transport)
    };
    builder
        .from_config(&config)
        .map_err(|e| fail(e.into()))?
        .default_region(FALLBACK_REGION)
        .build()
        .map_err(|e| fail(e.into()))
}
