//! The thread-safety the crate promises, checked by the compiler: a
//! field that is not `Send` or `Sync` added to any of these types fails
//! this test's build, instead of breaking users who move requests, calls
//! or errors between threads.

use sts_proto::call::{CallError, OwnedCall, SharedOptions};
use sts_proto::endpoint::{EndpointError, ResolvedEndpoint};
use sts_proto::ops::{AssumeRole, AssumeRoleOutput};
use sts_proto::retry::{RetryConfig, RetryQuota};
use sts_proto::sigv4::{SigningError, SigningKey};
use sts_proto::xml::XmlError;
use sts_proto::{BuildError, Credentials, ResponseError, SecretString, ValidationError};

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
    shareable::<Credentials>();
    shareable::<SecretString>();
    shareable::<SigningKey>();
    shareable::<AssumeRole>();
    shareable::<AssumeRoleOutput>();
    shareable::<OwnedCall<AssumeRole>>();
    shareable::<SharedOptions>();
    shareable::<ResolvedEndpoint>();
    shareable::<RetryConfig>();
    shareable::<RetryQuota>();

    portable_error::<BuildError>();
    portable_error::<ResponseError>();
    portable_error::<ValidationError>();
    portable_error::<CallError>();
    portable_error::<SigningError>();
    portable_error::<EndpointError>();
    portable_error::<XmlError>();
};

/// The checks above are made when this file compiles; this test only
/// gives the file a test to run.
#[test]
fn requests_calls_and_errors_are_send_sync_and_static() {}
