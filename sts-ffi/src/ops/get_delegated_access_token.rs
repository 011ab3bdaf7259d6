//! `GetDelegatedAccessToken`: credentials for a delegated principal, in exchange for a
//! trade-in token.

use std::ffi::c_char;

use sts_proto::SecretString;
use sts_proto::ops::{GetDelegatedAccessToken, GetDelegatedAccessTokenOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::{Strings, required_str};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;
use crate::types::{StsCredentials, StsOptionalU32};

/// The input of `GetDelegatedAccessToken`.
///
/// Layout: one pointer.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsGetDelegatedAccessTokenInput {
    /// The trade-in token. Required. Secret.
    pub trade_in_token: *const c_char,
}

/// The result of `GetDelegatedAccessToken`.
///
/// Ownership: the caller's, freed with
/// `sts_get_delegated_access_token_output_free`.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsGetDelegatedAccessTokenOutput {
    /// The delegated credentials.
    pub credentials: StsCredentials,
    /// How full the packed policies are, in percent.
    /// Deprecated by the model (since 2026-06-17), which says it is not
    /// populated for this operation.
    pub packed_policy_size: StsOptionalU32,
    /// The ARN of the principal the credentials act as, or NULL.
    pub assumed_principal: *const c_char,
    /// The request id, or NULL.
    pub request_id: *const c_char,
}

/// Ties `GetDelegatedAccessToken` to the shared call, prepare and parse steps.
impl FfiOp for CSide<GetDelegatedAccessToken> {
    type Input = StsGetDelegatedAccessTokenInput;
    type Op = GetDelegatedAccessToken;
    type Output = StsGetDelegatedAccessTokenOutput;

    unsafe fn request(
        i: &StsGetDelegatedAccessTokenInput,
    ) -> Result<GetDelegatedAccessToken, Failure> {
        // SAFETY: the caller's promise about `i`'s pointers.
        Ok(GetDelegatedAccessToken::new(SecretString::from(unsafe {
            required_str(i.trade_in_token, "input->trade_in_token")
        }?)))
    }

    fn output(
        o: &GetDelegatedAccessTokenOutput,
        s: &mut Strings,
    ) -> StsGetDelegatedAccessTokenOutput {
        StsGetDelegatedAccessTokenOutput {
            credentials: StsCredentials::store(&o.credentials, s),
            packed_policy_size: StsOptionalU32::from_option(o.packed_policy_size),
            assumed_principal: s.opt(o.assumed_principal.as_deref()),
            request_id: s.opt(o.request_id.as_deref()),
        }
    }
}

/// `GetDelegatedAccessToken`: credentials in exchange for a trade-in
/// token.
///
/// Signed with the client's credentials; retried as the client's retry
/// policy allows.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_get_delegated_access_token_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_delegated_access_token(
    client: *const StsClient,
    input: *const StsGetDelegatedAccessTokenInput,
    out: *mut *mut StsGetDelegatedAccessTokenOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<GetDelegatedAccessToken>>(client, input, out, err) }
}

/// Prepares `GetDelegatedAccessToken` for the caller's own HTTP stack: validates
/// `input`, and signs the request with the client's endpoint,
/// credentials and clock. The request is not sent; getting the
/// credentials may send requests of their own: with
/// `STS_CREDENTIALS_DEFAULT_CHAIN` or `STS_CREDENTIALS_PROFILE` they can
/// come from STS (a role), the SSO portal, a container endpoint or
/// instance metadata, through the client's transport callback if it has
/// one, with their retries. Static keys never do. Send the request, then read
/// the answer with `sts_parse_get_delegated_access_token`.
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
pub unsafe extern "C" fn sts_prepare_get_delegated_access_token(
    client: *const StsClient,
    input: *const StsGetDelegatedAccessTokenInput,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<GetDelegatedAccessToken>>(client, input, out, err) }
}

/// Reads a response to `GetDelegatedAccessToken` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_get_delegated_access_token_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_get_delegated_access_token(
    response: *const StsHttpResponse,
    out: *mut *mut StsGetDelegatedAccessTokenOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<GetDelegatedAccessToken>>(response, out, err) }
}

/// Starts `GetDelegatedAccessToken` as an exchange the caller drives with its own HTTP
/// stack: validates the input now and gets the client's credentials (see below);
/// the operation's request is not sent here. Loop on `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_get_delegated_access_token_output`.
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
pub unsafe extern "C" fn sts_exchange_get_delegated_access_token_new(
    client: *const StsClient,
    input: *const StsGetDelegatedAccessTokenInput,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<GetDelegatedAccessToken>>(client, input, out, err) }
}

/// The result of a `GetDelegatedAccessToken` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_get_delegated_access_token_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_get_delegated_access_token_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsGetDelegatedAccessTokenOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<GetDelegatedAccessToken>>(exchange, out, err) }
}

/// Frees a `StsGetDelegatedAccessTokenOutput`, wiping its strings first (the secret key and session token in particular).
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_get_delegated_access_token`, `sts_parse_get_delegated_access_token` or
/// `sts_exchange_get_delegated_access_token_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_delegated_access_token_output_free(
    output: *mut StsGetDelegatedAccessTokenOutput,
) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<GetDelegatedAccessToken>>(output) }
}
