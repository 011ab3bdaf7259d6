//! Signature Version 4: header signing and presigned URLs.
//!
//! Every STS call except `AssumeRoleWithSAML` and `AssumeRoleWithWebIdentity`
//! is signed, and a presigned `GetCallerIdentity` URL is how EKS tokens and
//! Vault's AWS auth prove who the caller is. This module signs any
//! [`http::Request<Vec<u8>>`] the way AWS signs requests to services other
//! than S3: the path is normalized and encoded a second time, and the query
//! is decoded and re-encoded before it is sorted.
//!
//! Time, credentials, region and service are all inputs ([`SigningParams`]);
//! nothing here reads the clock. The signing key depends only on the secret,
//! the UTC date, the region and the service, so a caller that signs many
//! requests keeps a [`SigningKey`] and re-derives it only when the day (or
//! the credentials) change:
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use sts_proto::Credentials;
//! use sts_proto::sigv4::{self, SigningKey, SigningParams};
//!
//! let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let now = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
//! let params = SigningParams::new(&credentials, "us-east-1", "sts", now);
//!
//! let mut request = http::Request::post("https://sts.us-east-1.amazonaws.com/")
//!     .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
//!     .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())?;
//!
//! let mut cached: Option<SigningKey> = None; // lives as long as the client
//! let key = SigningKey::get_or_derive(&mut cached, &params)?;
//! let output = sigv4::sign(&mut request, &params, key)?;
//!
//! assert!(request.headers()["authorization"].to_str()?.ends_with(output.signature()));
//! assert_eq!(request.headers()["x-amz-date"], "20150830T123600Z");
//! assert_eq!(request.headers()["host"], "sts.us-east-1.amazonaws.com");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The implementation is checked against the AWS SigV4 test suite (both the
//! botocore and the aws-c-auth copies) in `tests/sigv4_suite.rs`.

mod canonical;
mod date;
mod digest_hex;
mod encode;
mod error;
mod headers;
mod host;
pub(crate) use host::host_to_add;
mod key;
mod output;
mod path;
mod presign;
mod query;
mod settings;
mod sign;

#[cfg(test)]
mod tests;

pub use error::SigningError;
pub use headers::UNSIGNED_HEADERS;
pub use key::{SigningKey, check_access_key_id, check_credentials};
pub use output::SigningOutput;
pub use presign::{MAX_EXPIRES_IN, MIN_EXPIRES_IN, presign};
pub use settings::{PayloadHash, SessionTokenMode, SigningParams, SigningSettings};
pub use sign::sign;
pub(crate) use sign::sign_in_place;

/// The algorithm name that starts every string to sign and `Authorization`.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The payload hash that tells the service the body was not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
