//! The AWS Security Token Service protocol, without I/O.
//!
//! `sts-proto` turns typed STS requests into signed [`http::Request`] values
//! and response bytes into typed results or typed errors. It opens no
//! sockets, reads no files, environment or clock, and starts no threads:
//! time, credentials, endpoint settings and randomness are all inputs. Drive
//! it with any HTTP stack; `sts-blocking` is one such driver.
//!
//! One call, signed and read without I/O (the driver would send `request`
//! and hand back the bytes it got):
//!
//! ```
//! use http::HeaderMap;
//! use sts_proto::endpoint::{EndpointConfig, resolve};
//! use sts_proto::ops::AssumeRole;
//! use sts_proto::{Credentials, RequestContext, build, parse};
//!
//! let endpoint = resolve(&EndpointConfig::new().with_region("eu-west-1"))?;
//! let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let time = sts_proto::time::from_unix(1_440_938_160, 0).expect("a valid time");
//! let ctx = RequestContext::new(&endpoint, time).credentials(&credentials);
//!
//! let op = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "docs").duration_seconds(900);
//! let request = build(&op, &ctx)?;
//! assert_eq!(request.uri(), "https://sts.eu-west-1.amazonaws.com/");
//! assert!(request.headers()["authorization"].to_str()?.starts_with("AWS4-HMAC-SHA256 "));
//!
//! let answer = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//!   <AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>
//!   <SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
//!   <Expiration>2015-08-30T13:36:00Z</Expiration></Credentials></AssumeRoleResult>
//!   <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>"#;
//! let output = parse::<AssumeRole>(200, &HeaderMap::new(), answer)?;
//! assert_eq!(output.credentials.access_key_id(), "ASIAEXAMPLE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pieces, bottom up:
//! - [`secret`] and [`credentials`]: secrets that never print and are wiped on drop;
//! - [`sigv4`]: Signature Version 4, header signing and presigned URLs;
//! - [`form`]: the awsQuery form body every STS request carries;
//! - [`endpoint`]: which URL and signing region a configuration means;
//! - [`time`]: the timestamp formats on the wire;
//! - [`xml`] and [`error`]: reading responses and the errors they carry;
//! - [`ops`]: the twelve operations, and [`operation`]: building and parsing them;
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
mod short_eq;
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
