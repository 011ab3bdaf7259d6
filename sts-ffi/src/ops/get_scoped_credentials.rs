//! `GetScopedCredentials`: credentials scoped down from the caller's own
//! temporary credentials.

use std::ffi::c_char;

use sts_proto::ops::{GetScopedCredentials, GetScopedCredentialsOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::{Strings, optional_str};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;
use crate::types::{StsCredentials, StsOptionalI32, StsOptionalU32, StsScopedSession};

/// The input of `GetScopedCredentials`. Zero-fill it, then set the members you
/// need: `policy`, `duration_seconds` or both (one of them is required).
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsGetScopedCredentialsInput {
    /// The scope-down policy (JSON, 1 to 2048 characters), or NULL: the new
    /// session may do what both it and the calling session allow.
    pub policy: *const c_char,
    /// Lifetime of the new credentials in seconds, 1 to 129600; absent,
    /// they expire with the calling session.
    pub duration_seconds: StsOptionalI32,
    /// Pads the session token to at least this many bytes, 0 to 4096.
    pub minimum_session_token_size: StsOptionalI32,
    /// A description of the scoped session for CloudTrail (2 to 256
    /// characters), or NULL.
    pub scoped_session_description: *const c_char,
}

/// The result of `GetScopedCredentials`.
///
/// Ownership: the caller's, freed with `sts_get_scoped_credentials_output_free`.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsGetScopedCredentialsOutput {
    /// The scoped-down credentials.
    pub credentials: StsCredentials,
    /// The scoped session's id and ARN (the calling session's principal).
    pub session_info: StsScopedSession,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: StsOptionalU32,
    /// The session token's size in bytes.
    pub session_token_size: StsOptionalU32,
    /// How many scope-down policies the session now has: at most 3, as
    /// each call that supplies a policy adds one.
    pub scoped_policies_count: StsOptionalU32,
    /// The calling session's source identity, carried forward, or NULL.
    pub source_identity: *const c_char,
    /// The request id, or NULL.
    pub request_id: *const c_char,
}

/// Ties `GetScopedCredentials` to the shared call, prepare and parse steps.
impl FfiOp for CSide<GetScopedCredentials> {
    type Input = StsGetScopedCredentialsInput;
    type Op = GetScopedCredentials;
    type Output = StsGetScopedCredentialsOutput;

    unsafe fn request(i: &StsGetScopedCredentialsInput) -> Result<GetScopedCredentials, Failure> {
        // SAFETY (every block): the caller's promise about `i`'s pointers.
        let mut r = GetScopedCredentials::default();
        r.policy = unsafe { optional_str(i.policy, "input->policy") }?.map(str::to_owned);
        r.duration_seconds = i.duration_seconds.get();
        r.minimum_session_token_size = i.minimum_session_token_size.get();
        r.scoped_session_description = unsafe {
            optional_str(
                i.scoped_session_description,
                "input->scoped_session_description",
            )
        }?
        .map(str::to_owned);
        Ok(r)
    }

    fn output(o: &GetScopedCredentialsOutput, s: &mut Strings) -> StsGetScopedCredentialsOutput {
        StsGetScopedCredentialsOutput {
            credentials: StsCredentials::store(&o.credentials, s),
            session_info: StsScopedSession::store(o.session_info.as_ref(), s),
            session_token_utilization: StsOptionalU32::from_option(o.session_token_utilization),
            session_token_size: StsOptionalU32::from_option(o.session_token_size),
            scoped_policies_count: StsOptionalU32::from_option(o.scoped_policies_count),
            source_identity: s.opt(o.source_identity.as_deref()),
            request_id: s.opt(o.request_id.as_deref()),
        }
    }
}

/// `GetScopedCredentials`: credentials scoped down from the client's own
/// temporary credentials, keeping their identity with a narrower policy or
/// a shorter life. Long-term keys (an IAM user's, root's) cannot be scoped
/// down: get a session first. The global endpoint `sts.amazonaws.com` does
/// not serve it.
///
/// Signed with the client's credentials; retried as the client's retry
/// policy allows.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_get_scoped_credentials_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_scoped_credentials(
    client: *const StsClient,
    input: *const StsGetScopedCredentialsInput,
    out: *mut *mut StsGetScopedCredentialsOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<GetScopedCredentials>>(client, input, out, err) }
}

/// Prepares `GetScopedCredentials` for the caller's own HTTP stack: validates
/// `input`, and signs the request with the client's endpoint,
/// credentials and clock. The request is not sent; getting the
/// credentials may send requests of their own: with
/// `STS_CREDENTIALS_DEFAULT_CHAIN` or `STS_CREDENTIALS_PROFILE` they can
/// come from STS (a role), the SSO portal, a container endpoint or
/// instance metadata, through the client's transport callback if it has
/// one, with their retries. Static keys never do. Send the request, then read
/// the answer with `sts_parse_get_scoped_credentials`.
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
pub unsafe extern "C" fn sts_prepare_get_scoped_credentials(
    client: *const StsClient,
    input: *const StsGetScopedCredentialsInput,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<GetScopedCredentials>>(client, input, out, err) }
}

/// Reads a response to `GetScopedCredentials` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_get_scoped_credentials_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_get_scoped_credentials(
    response: *const StsHttpResponse,
    out: *mut *mut StsGetScopedCredentialsOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<GetScopedCredentials>>(response, out, err) }
}

/// Starts `GetScopedCredentials` as an exchange the caller drives with its own HTTP
/// stack: validates the input now and gets the client's credentials (see below);
/// the operation's request is not sent here. Loop on `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_get_scoped_credentials_output`.
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
pub unsafe extern "C" fn sts_exchange_get_scoped_credentials_new(
    client: *const StsClient,
    input: *const StsGetScopedCredentialsInput,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<GetScopedCredentials>>(client, input, out, err) }
}

/// The result of a `GetScopedCredentials` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_get_scoped_credentials_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_get_scoped_credentials_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsGetScopedCredentialsOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<GetScopedCredentials>>(exchange, out, err) }
}

/// Frees a `StsGetScopedCredentialsOutput`, wiping its strings first (the secret key and session token in particular).
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_get_scoped_credentials`, `sts_parse_get_scoped_credentials` or
/// `sts_exchange_get_scoped_credentials_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_scoped_credentials_output_free(
    output: *mut StsGetScopedCredentialsOutput,
) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<GetScopedCredentials>>(output) }
}
