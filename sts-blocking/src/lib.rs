//! A synchronous AWS STS client built on `sts-proto`.
//!
//! It will hold the `Client` with one method per STS operation, the
//! `Transport` trait and its default `ureq` implementation, the retry loop
//! and clock-skew correction, the credential providers and their cache, and
//! (behind the `cli` feature) the `sts` command-line tool.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
