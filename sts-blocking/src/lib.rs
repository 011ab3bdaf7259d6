//! A synchronous AWS STS client built on `sts-proto`.
//!
//! [`Client`] has one method per STS operation. Under them, one send loop
//! signs each attempt, hands it to a [`Transport`](transport::Transport)
//! (by default one shared `ureq` agent), retries what the AWS "standard"
//! retry mode retries, and corrects the signing clock when STS says it is
//! off. Everything that reads the environment, files or the clock lives
//! here, so `sts-proto` stays pure.
//!
//! The whole flow, with a stand-in for the network (a real program uses
//! `Client::from_env()` and the default transport):
//!
//! ```
//! use std::time::Duration;
//! use sts_blocking::Client;
//! use sts_blocking::transport::{Transport, TransportError};
//! use sts_proto::Credentials;
//! use sts_proto::ops::AssumeRole;
//!
//! /// Answers every request as STS would answer an AssumeRole.
//! #[derive(Debug)]
//! struct Canned;
//!
//! impl Transport for Canned {
//!     fn send(
//!         &self,
//!         request: http::Request<Vec<u8>>,
//!         _timeout: Option<Duration>,
//!     ) -> Result<http::Response<Vec<u8>>, TransportError> {
//!         assert!(request.headers().contains_key("authorization"));
//!         let body = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//!           <AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>
//!           <SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
//!           <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>
//!           </AssumeRoleResponse>"#;
//!         Ok(http::Response::new(body.to_vec()))
//!     }
//! }
//!
//! let client = Client::builder()
//!     .region("eu-west-1")
//!     .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
//!     .transport(Canned)
//!     .build()?;
//! let session = client.assume_role(&AssumeRole::new("arn:aws:iam::123456789012:role/demo", "docs"))?;
//! assert_eq!(session.credentials.access_key_id(), "ASIAEXAMPLE");
//! # Ok::<(), sts_blocking::Error>(())
//! ```
//!
//! A program that moves the bytes itself (an async runtime, another HTTP
//! stack) steps a call with [`Client::exchange`]: the same decisions,
//! sharing the client's retry quota, rate limiter and clock correction.
//!
//! More in `examples/`: assuming a role and using its credentials, and a
//! transport of your own over `std::net`.
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
mod exchange;
pub mod log_safety;
mod operations;
pub mod profile;
pub mod proxy;
pub mod python_json;
mod resolver;
pub mod settings;
pub mod timing;
pub mod tls;
pub mod transport;
pub mod ureq_transport;
mod wipe;

pub use client::Client;
pub use config::{ClientBuilder, ConfigError};
pub use error::{Error, UnexpectedResponse};
pub use exchange::Exchange;
pub use sts_proto;
