//! Test support shared by the integration tests: starting and stopping
//! moto's STS server, and a scripted fault-injecting HTTP server.
//!
//! - [`moto`]: moto's server with IAM fixtures, auth on or off.
//! - [`fault`]: a loopback HTTP/1.1 server that answers from a script of
//!   normal and faulty steps, recording every request.
//! - [`cargo`]: building the `sts` binary and the `sts-ffi` library from a test.
//! - [`ffi`]: linking C programs against `sts-ffi`, and valgrind memcheck.
//! - [`dates`]: HTTP `Date` and `x-amz-date` values.
//! - [`process`]: running a child process with a time limit.
//! - [`scratch`]: directories in the temporary directory, removed when the
//!   test that made them ends, pass or fail.
//! - [`tools`]: cmake and pkg-config from PyPI, and [`tools::skip`], which
//!   fails under CI where a missing tool would otherwise skip a check.
//! - [`http`]: a minimal std-only HTTP/1.1 client used by both and by tests
//!   that need to send exactly the bytes they mean.

#![forbid(unsafe_code)]

pub mod canned;
pub mod cargo;
pub mod cli_inputs;
pub mod dates;
pub mod fault;
pub mod ffi;
pub mod http;
pub mod moto;
pub mod process;
pub mod scratch;
pub mod tools;

pub use fault::{Config, FaultServer, RecordedRequest, Response, Script, Step, WhenDone};
pub use moto::Moto;
pub use scratch::ScratchDir;
