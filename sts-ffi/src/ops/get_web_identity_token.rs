//! `GetWebIdentityToken`: a signed JWT that proves the caller's AWS identity to an
//! outside service (outbound web identity federation).

use std::ffi::c_char;

use sts_proto::ops::{GetWebIdentityToken, GetWebIdentityTokenOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::{Strings, optional_str, required_str};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;
use crate::types::{StsOptionalI32, StsOptionalI64, StsTag, strings, tags};

/// The input of `GetWebIdentityToken`. Zero-fill it, then set the members.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsGetWebIdentityTokenInput {
    /// The audiences (`aud` claim) of the token, 1 to 10. Required.
    pub audiences: *const *const c_char,
    /// Number of entries in `audiences`.
    pub audiences_len: usize,
    /// Token lifetime in seconds, 60 to 3600.
    pub duration_seconds: StsOptionalI32,
    /// The signing algorithm, `RS256` or `ES384`. Required.
    pub signing_algorithm: *const c_char,
    /// Tags added to the token as claims.
    pub tags: *const StsTag,
    /// Number of entries in `tags`.
    pub tags_len: usize,
    /// OAuth 2.0 scope values for the token's `scope` claim, separated by
    /// single spaces (1 to 256 characters), or NULL. Only with
    /// `subject_mode` `OriginIdentity` and exactly one audience.
    pub scope: *const c_char,
    /// Who the `sub` claim names: `AWSIdentity` (the default) or
    /// `OriginIdentity`, or NULL.
    pub subject_mode: *const c_char,
}

/// The result of `GetWebIdentityToken`.
///
/// Ownership: the caller's, freed with
/// `sts_get_web_identity_token_output_free`.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsGetWebIdentityTokenOutput {
    /// The signed JWT, or NULL. Secret: it proves the caller's identity.
    pub web_identity_token: *const c_char,
    /// When the token expires, in Unix seconds.
    pub expiration: StsOptionalI64,
    /// The request id, or NULL.
    pub request_id: *const c_char,
}

/// Ties `GetWebIdentityToken` to the shared call, prepare and parse steps.
impl FfiOp for CSide<GetWebIdentityToken> {
    type Input = StsGetWebIdentityTokenInput;
    type Op = GetWebIdentityToken;
    type Output = StsGetWebIdentityTokenOutput;

    unsafe fn request(i: &StsGetWebIdentityTokenInput) -> Result<GetWebIdentityToken, Failure> {
        // SAFETY (every block): the caller's promise about `i`'s pointers.
        let audiences = unsafe { strings(i.audiences, i.audiences_len, "input->audiences") }?;
        let algorithm = unsafe { required_str(i.signing_algorithm, "input->signing_algorithm") }?;
        let mut r = GetWebIdentityToken::new(String::new(), algorithm);
        // The list replaces the one `new` starts with; an empty list is
        // reported by validation, naming the member.
        r.audience = audiences;
        r.duration_seconds = i.duration_seconds.get();
        r.tags = unsafe { tags(i.tags, i.tags_len, "input->tags") }?;
        r.scope = unsafe { optional_str(i.scope, "input->scope") }?.map(str::to_owned);
        r.subject_mode =
            unsafe { optional_str(i.subject_mode, "input->subject_mode") }?.map(str::to_owned);
        Ok(r)
    }

    fn output(o: &GetWebIdentityTokenOutput, s: &mut Strings) -> StsGetWebIdentityTokenOutput {
        StsGetWebIdentityTokenOutput {
            web_identity_token: s.opt(o.web_identity_token.as_ref().map(|t| t.expose())),
            expiration: StsOptionalI64::from_time(o.expiration),
            request_id: s.opt(o.request_id.as_deref()),
        }
    }
}

/// `GetWebIdentityToken`: a signed JWT that proves the caller's
/// identity to an outside service.
///
/// Signed with the client's credentials; retried as the client's retry
/// policy allows.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_get_web_identity_token_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_web_identity_token(
    client: *const StsClient,
    input: *const StsGetWebIdentityTokenInput,
    out: *mut *mut StsGetWebIdentityTokenOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<GetWebIdentityToken>>(client, input, out, err) }
}

/// Prepares `GetWebIdentityToken` for the caller's own HTTP stack: validates
/// `input`, and signs the request with the client's endpoint,
/// credentials and clock. The request is not sent; getting the
/// credentials may send requests of their own: with
/// `STS_CREDENTIALS_DEFAULT_CHAIN` or `STS_CREDENTIALS_PROFILE` they can
/// come from STS (a role), the SSO portal, a container endpoint or
/// instance metadata, through the client's transport callback if it has
/// one, with their retries. Static keys never do. Send the request, then read
/// the answer with `sts_parse_get_web_identity_token`.
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
pub unsafe extern "C" fn sts_prepare_get_web_identity_token(
    client: *const StsClient,
    input: *const StsGetWebIdentityTokenInput,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<GetWebIdentityToken>>(client, input, out, err) }
}

/// Reads a response to `GetWebIdentityToken` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_get_web_identity_token_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_get_web_identity_token(
    response: *const StsHttpResponse,
    out: *mut *mut StsGetWebIdentityTokenOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<GetWebIdentityToken>>(response, out, err) }
}

/// Starts `GetWebIdentityToken` as an exchange the caller drives with its own HTTP
/// stack: validates the input now and gets the client's credentials (see below);
/// the operation's request is not sent here. Loop on `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_get_web_identity_token_output`.
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
pub unsafe extern "C" fn sts_exchange_get_web_identity_token_new(
    client: *const StsClient,
    input: *const StsGetWebIdentityTokenInput,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<GetWebIdentityToken>>(client, input, out, err) }
}

/// The result of a `GetWebIdentityToken` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_get_web_identity_token_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_get_web_identity_token_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsGetWebIdentityTokenOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<GetWebIdentityToken>>(exchange, out, err) }
}

/// Frees a `StsGetWebIdentityTokenOutput`, wiping its strings first (the token in particular).
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_get_web_identity_token`, `sts_parse_get_web_identity_token` or
/// `sts_exchange_get_web_identity_token_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_get_web_identity_token_output_free(
    output: *mut StsGetWebIdentityTokenOutput,
) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<GetWebIdentityToken>>(output) }
}
