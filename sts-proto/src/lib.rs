//! The AWS Security Token Service protocol, without I/O.
//!
//! `sts-proto` turns typed STS requests into signed [`http::Request`] values
//! and response bytes into typed results or typed errors. It opens no
//! sockets, reads no files, environment or clock, and starts no threads:
//! time, credentials, endpoint settings and randomness are all inputs. Drive
//! it with any HTTP stack; `sts-blocking` is one such driver.
//!
//! The pieces, bottom up:
//! - [`secret`] and [`credentials`]: secrets that never print and are wiped on drop;
//! - [`sigv4`]: Signature Version 4, header signing and presigned URLs;
//! - [`form`]: the awsQuery form body every STS request carries;
//! - [`endpoint`]: which URL and signing region a configuration means;
//! - [`time`]: the timestamp formats on the wire;
//! - [`xml`] and [`error`]: reading responses and the errors they carry;
//! - [`ops`]: the eleven operations, and [`operation`]: building and parsing them;
//! - [`retry`] and [`call`]: the retry policy, and one operation's whole
//!   exchange (retries, back-off, clock-skew re-signing, deadline) as a state
//!   machine that every driver steps through.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod call;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod form;
pub mod operation;
pub mod ops;
pub mod retry;
pub mod secret;
pub mod sigv4;
pub mod time;
pub mod types;
mod validate;
pub mod xml;

pub use credentials::Credentials;
pub use error::{ErrorCode, ResponseError, ServiceError};
pub use operation::{BuildError, Operation, RequestContext, build, parse};
pub use secret::SecretString;
pub use validate::{Rule, ValidationError};
