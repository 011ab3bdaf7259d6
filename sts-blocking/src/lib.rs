//! A synchronous AWS STS client built on `sts-proto`.
//!
//! [`Client`] has one method per STS operation. Under them, one send loop
//! signs each attempt, hands it to a [`Transport`](transport::Transport)
//! (by default one shared `ureq` agent), retries what the AWS "standard"
//! retry mode retries, and corrects the signing clock when STS says it is
//! off. Everything that reads the environment, files or the clock lives
//! here, so `sts-proto` stays pure.
//!
//! **Logging at `Trace`**: this crate's own log lines never carry a secret,
//! but the default transport's HTTP stack hexdumps raw requests and
//! responses at `Trace`, signatures, session tokens and secret keys
//! included. Wrap your logger in [`log_safety::SecretSafeLog`] (or turn the
//! `ureq`, `ureq_proto` and `rustls` targets down to `debug`) before you
//! turn `Trace` on.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod client;
pub mod config;
pub mod credentials;
pub mod env;
mod error;
pub mod log_safety;
pub mod profile;
pub mod proxy;
mod resolver;
pub mod settings;
pub mod timing;
pub mod tls;
pub mod transport;
pub mod ureq_transport;
mod wipe;

pub use client::Client;
pub use config::{ClientBuilder, ConfigError};
pub use error::Error;
pub use sts_proto;
