//! `GetCallerIdentity`: who the caller's credentials belong to. It takes no input,
//! so its functions have no `input` parameter.

use std::ffi::c_char;

use sts_proto::ops::{GetCallerIdentity, GetCallerIdentityOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::Strings;
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;

/// The result of `GetCallerIdentity`.
///
/// Ownership: the caller's, freed with `sts_get_caller_identity_output_free`.
///
/// Layout: four pointers.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsGetCallerIdentityOutput {
    /// The unique id of the calling entity, or NULL.
    pub user_id: *const c_char,
    /// The 12-digit account id, or NULL.
    pub account: *const c_char,
    /// The ARN of the calling entity, or NULL.
    pub arn: *const c_char,
    /// The request id, or NULL.
    pub request_id: *const c_char,
}

/// Ties `GetCallerIdentity` to the shared call, prepare and parse steps.
impl FfiOp for CSide<GetCallerIdentity> {
    type Input = ();
    type Op = GetCallerIdentity;
    type Output = StsGetCallerIdentityOutput;

    unsafe fn request(_: &()) -> Result<GetCallerIdentity, Failure> {
        Ok(GetCallerIdentity::new())
    }

    fn output(o: &GetCallerIdentityOutput, s: &mut Strings) -> StsGetCallerIdentityOutput {
        StsGetCallerIdentityOutput {
            user_id: s.opt(o.user_id.as_deref()),
            account: s.opt(o.account.as_deref()),
            arn: s.opt(o.arn.as_deref()),
            request_id: s.opt(o.request_id.as_deref()),
        }
    }
}

/// `GetCallerIdentity`: the account, user id and ARN of the client's
/// credentials.
///
/// Signed with the client's credentials; retried as the client's retry
/// policy allows.
///
/// Ownership: `client` is borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_get_caller_identity_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_caller_identity(
    client: *const StsClient,
    out: *mut *mut StsGetCallerIdentityOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<GetCallerIdentity>>(client, &(), out, err) }
}

/// Prepares `GetCallerIdentity` for the caller's own HTTP stack: validates
/// nothing (there is no input), and signs the request with the client's endpoint,
/// credentials and clock. The request is not sent; getting the
/// credentials may send requests of their own: with
/// `STS_CREDENTIALS_DEFAULT_CHAIN` or `STS_CREDENTIALS_PROFILE` they can
/// come from STS (a role), the SSO portal, a container endpoint or
/// instance metadata, through the client's transport callback if it has
/// one, with their retries. Static keys never do. Send the request, then read
/// the answer with `sts_parse_get_caller_identity`.
///
/// Ownership: `client` is borrowed for the call. On success `*out`
/// is set to a request the caller owns: free it with
/// `sts_http_request_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_prepare_get_caller_identity(
    client: *const StsClient,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<GetCallerIdentity>>(client, &(), out, err) }
}

/// Reads a response to `GetCallerIdentity` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_get_caller_identity_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_get_caller_identity(
    response: *const StsHttpResponse,
    out: *mut *mut StsGetCallerIdentityOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<GetCallerIdentity>>(response, out, err) }
}

/// Starts `GetCallerIdentity` as an exchange the caller drives with its own HTTP
/// stack: validates the input now and gets the client's credentials (see below);
/// the operation's request is not sent here. Loop on `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_get_caller_identity_output`.
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
/// Ownership: `client` is borrowed for the call. On success `*out` is set to an exchange the caller owns: free
/// it with `sts_exchange_free`. On failure `*out` is left NULL and `*err`
/// (if `err` is not NULL) gets an error to free with `sts_error_free`.
/// `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_get_caller_identity_new(
    client: *const StsClient,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<GetCallerIdentity>>(client, &(), out, err) }
}

/// The result of a `GetCallerIdentity` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_get_caller_identity_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_get_caller_identity_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsGetCallerIdentityOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<GetCallerIdentity>>(exchange, out, err) }
}

/// Frees a `StsGetCallerIdentityOutput`, wiping its strings first.
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_get_caller_identity`, `sts_parse_get_caller_identity` or
/// `sts_exchange_get_caller_identity_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_caller_identity_output_free(
    output: *mut StsGetCallerIdentityOutput,
) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<GetCallerIdentity>>(output) }
}
