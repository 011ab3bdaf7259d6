//! The thread-safety the crate promises, checked by the compiler: a
//! field that is not `Send` or `Sync` (an `Rc`, a `RefCell`, a boxed
//! trait object without the bounds) added to any of these types fails
//! this test's build, instead of breaking users who share a client or a
//! provider between threads, or return its errors through `anyhow` or
//! `Box<dyn Error + Send + Sync>`. Also: the traits users implement hold
//! for boxed and shared implementations.

use sts_blocking::credentials::{
    AssumeRoleProvider, CachingProvider, ChainProvider, ContainerProvider,
    CredentialProcessProvider, CredentialsError, EnvironmentProvider, ImdsProvider, LoginProvider,
    NoCredentials, ProfileProvider, ProviderConfig, SsoProvider, SsoTokenProvider, StaticProvider,
    WebIdentityProvider,
};
use sts_blocking::proxy::{ProxyConfig, ProxyError};
use sts_blocking::sts_proto::ops::AssumeRole;
use sts_blocking::tls::{CaBundle, CaBundleError};
use sts_blocking::transport::TransportError;
use sts_blocking::ureq_transport::UreqTransport;
use sts_blocking::{Client, ClientBuilder, ConfigError, Error, Exchange, UnexpectedResponse};

/// Shared between threads and kept for as long as the program likes.
#[allow(
    dead_code,
    reason = "used only in `const _` checks, which rustc 1.88 does not count as uses"
)]
const fn shareable<T: Send + Sync + 'static>() {}

/// Returned through `?` into `Box<dyn Error + Send + Sync>`.
#[allow(
    dead_code,
    reason = "used only in `const _` checks, which rustc 1.88 does not count as uses"
)]
const fn portable_error<T: std::error::Error + Send + Sync + 'static>() {}

const _: () = {
    shareable::<Client>();
    shareable::<ClientBuilder>();
    shareable::<Exchange<AssumeRole>>();
    shareable::<UreqTransport>();
    shareable::<ProviderConfig>();
    shareable::<CaBundle>();
    shareable::<ProxyConfig>();
    shareable::<AssumeRoleProvider>();
    shareable::<CachingProvider>();
    shareable::<ChainProvider>();
    shareable::<ContainerProvider>();
    shareable::<CredentialProcessProvider>();
    shareable::<EnvironmentProvider>();
    shareable::<ImdsProvider>();
    shareable::<LoginProvider>();
    shareable::<NoCredentials>();
    shareable::<ProfileProvider>();
    shareable::<SsoProvider>();
    shareable::<SsoTokenProvider>();
    shareable::<StaticProvider>();
    shareable::<WebIdentityProvider>();

    portable_error::<Error>();
    portable_error::<ConfigError>();
    portable_error::<CredentialsError>();
    portable_error::<TransportError>();
    portable_error::<UnexpectedResponse>();
    portable_error::<CaBundleError>();
    portable_error::<ProxyError>();
    portable_error::<sts_blocking::profile::ParseError>();
    portable_error::<sts_blocking::credentials::profile_chain::ProfileChainError>();
};

/// The traits users implement hold for their boxed and shared
/// implementations too, so a `Box<dyn Transport>` (say) can be handed on
/// as it is.
const _: () = {
    use std::sync::Arc;
    use sts_blocking::credentials::{Fs, ProvideCredentials};
    use sts_blocking::env::Env;
    use sts_blocking::timing::{Clock, Random, Sleep};
    use sts_blocking::transport::Transport;
    const fn transport<T: Transport>() {}
    const fn provider<T: ProvideCredentials>() {}
    const fn clock<T: Clock>() {}
    const fn sleep<T: Sleep>() {}
    const fn random<T: Random>() {}
    const fn env<T: Env>() {}
    const fn fs<T: Fs>() {}
    transport::<Box<dyn Transport>>();
    transport::<Arc<dyn Transport>>();
    provider::<Box<dyn ProvideCredentials>>();
    provider::<Arc<dyn ProvideCredentials>>();
    clock::<Box<dyn Clock>>();
    clock::<Arc<dyn Clock>>();
    sleep::<Box<dyn Sleep>>();
    sleep::<Arc<dyn Sleep>>();
    random::<Box<dyn Random>>();
    random::<Arc<dyn Random>>();
    env::<Box<dyn Env>>();
    env::<Arc<dyn Env>>();
    fs::<Box<dyn Fs>>();
    fs::<Arc<dyn Fs>>();
};

/// The checks above are made when this file compiles; this test only
/// gives the file a test to run.
#[test]
fn clients_providers_and_errors_are_send_sync_and_static() {}
