//! `AssumeRoot`: short-term root credentials for a member account of an
//! organization, limited to one task policy.

use std::ffi::c_char;

use sts_proto::ops::{AssumeRoot, AssumeRootOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::{Strings, required_str};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;
use crate::types::{StsCredentials, StsOptionalI32, StsOptionalU32};

/// The input of `AssumeRoot`. Zero-fill it, then set the members.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRootInput {
    /// The member account, as its 12-digit id. Required.
    pub target_principal: *const c_char,
    /// The ARN of the task policy that scopes the session. Required.
    pub task_policy_arn: *const c_char,
    /// Session length in seconds, 0 to 900.
    pub duration_seconds: StsOptionalI32,
    /// Pads the session token to at least this many bytes, 0 to 4096.
    pub minimum_session_token_size: StsOptionalI32,
}

/// The result of `AssumeRoot`.
///
/// Ownership: the caller's, freed with `sts_assume_root_output_free`.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRootOutput {
    /// The root session's credentials.
    pub credentials: StsCredentials,
    /// The source identity set on the session, or NULL.
    pub source_identity: *const c_char,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: StsOptionalU32,
    /// The session token's size in bytes.
    pub session_token_size: StsOptionalU32,
    /// The request id, or NULL.
    pub request_id: *const c_char,
}

/// Ties `AssumeRoot` to the shared call, prepare and parse steps.
impl FfiOp for CSide<AssumeRoot> {
    type Input = StsAssumeRootInput;
    type Op = AssumeRoot;
    type Output = StsAssumeRootOutput;

    unsafe fn request(i: &StsAssumeRootInput) -> Result<AssumeRoot, Failure> {
        // SAFETY (every block): the caller's promise about `i`'s pointers.
        let mut r = AssumeRoot::new(
            unsafe { required_str(i.target_principal, "input->target_principal") }?,
            unsafe { required_str(i.task_policy_arn, "input->task_policy_arn") }?,
        );
        r.duration_seconds = i.duration_seconds.get();
        r.minimum_session_token_size = i.minimum_session_token_size.get();
        Ok(r)
    }

    fn output(o: &AssumeRootOutput, s: &mut Strings) -> StsAssumeRootOutput {
        StsAssumeRootOutput {
            credentials: StsCredentials::store(&o.credentials, s),
            source_identity: s.opt(o.source_identity.as_deref()),
            session_token_utilization: StsOptionalU32::from_option(o.session_token_utilization),
            session_token_size: StsOptionalU32::from_option(o.session_token_size),
            request_id: s.opt(o.request_id.as_deref()),
        }
    }
}

/// `AssumeRoot`: short-term credentials for the root user of a member
/// account, limited to one task policy.
///
/// Signed with the client's credentials; retried as the client's retry
/// policy allows.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_assume_root_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_root(
    client: *const StsClient,
    input: *const StsAssumeRootInput,
    out: *mut *mut StsAssumeRootOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<AssumeRoot>>(client, input, out, err) }
}

/// Prepares `AssumeRoot` for the caller's own HTTP stack: validates
/// `input`, and signs the request with the client's endpoint,
/// credentials and clock. The request is not sent; getting the
/// credentials may send requests of their own: with
/// `STS_CREDENTIALS_DEFAULT_CHAIN` or `STS_CREDENTIALS_PROFILE` they can
/// come from STS (a role), the SSO portal, a container endpoint or
/// instance metadata, through the client's transport callback if it has
/// one, with their retries. Static keys never do. Send the request, then read
/// the answer with `sts_parse_assume_root`.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a request the caller owns: free it with
/// `sts_http_request_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_prepare_assume_root(
    client: *const StsClient,
    input: *const StsAssumeRootInput,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<AssumeRoot>>(client, input, out, err) }
}

/// Reads a response to `AssumeRoot` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_assume_root_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_assume_root(
    response: *const StsHttpResponse,
    out: *mut *mut StsAssumeRootOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<AssumeRoot>>(response, out, err) }
}

/// Starts `AssumeRoot` as an exchange the caller drives with its own HTTP
/// stack: validates the input now and gets the client's credentials (see below);
/// the operation's request is not sent here. Loop on `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_assume_root_output`.
///
/// Getting the credentials can block, as it can in a blocking
/// `sts_<operation>`. It never does with `STS_CREDENTIALS_STATIC`, nor
/// while the client holds credentials (from an earlier call or exchange)
/// that expire in more than five to six minutes. Otherwise the source of
/// `STS_CREDENTIALS_DEFAULT_CHAIN` or `STS_CREDENTIALS_PROFILE` is asked
/// now, before this returns (once the held credentials are that close to
/// expiry, by one caller while the others keep using them), and a failure
/// with nothing valid to fall back on is returned here
/// (`STS_ERR_CREDENTIALS`). Keys from the environment or a profile's
/// `aws_access_key_id` only read the environment and files. A
/// `credential_process` runs its program and waits for it. A role profile
/// (`role_arn`: an STS `AssumeRole`), web identity, IAM Identity Center
/// (SSO), the container endpoint, EC2 instance metadata and a console
/// login session due for a refresh send HTTP requests, with their own
/// retries, timeouts and back-off sleeps, over the built-in HTTP stack or
/// the client's transport callback, not through this exchange. There is no
/// credentials callback: a program that must never block here builds the
/// client with `STS_CREDENTIALS_STATIC` keys it got itself (temporary ones
/// with their session token: for instance from an `AssumeRole` exchange on
/// a client with static keys), or accepts that the first signed call and
/// the one that refreshes may wait.
///
/// Ownership: `client` and `input` are borrowed for the call (the input is
/// copied). On success `*out` is set to an exchange the caller owns: free
/// it with `sts_exchange_free`. On failure `*out` is left NULL and `*err`
/// (if `err` is not NULL) gets an error to free with `sts_error_free`.
/// `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings
/// NUL-terminated and its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_assume_root_new(
    client: *const StsClient,
    input: *const StsAssumeRootInput,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<AssumeRoot>>(client, input, out, err) }
}

/// The result of a `AssumeRoot` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_assume_root_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_assume_root_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsAssumeRootOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<AssumeRoot>>(exchange, out, err) }
}

/// Frees a `StsAssumeRootOutput`, wiping its strings first (the secret key and session token in particular).
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_assume_root`, `sts_parse_assume_root` or
/// `sts_exchange_assume_root_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_root_output_free(output: *mut StsAssumeRootOutput) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<AssumeRoot>>(output) }
}
