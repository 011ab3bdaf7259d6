//! `AssumeRoleWithWebIdentity`: temporary credentials for a role, proven by an OpenID
//! Connect or OAuth 2.0 token. Sent unsigned.

use std::ffi::c_char;

use sts_proto::SecretString;
use sts_proto::ops::{AssumeRoleWithWebIdentity, AssumeRoleWithWebIdentityOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::{Strings, optional_str, required_str};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;
use crate::types::{
    StsAssumedRoleUser, StsCredentials, StsOptionalI32, StsOptionalU32,
    StsTrustedIdentityPropagationContext, session_policy,
};

/// The input of `AssumeRoleWithWebIdentity`. Zero-fill it, then set the
/// members you need.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRoleWithWebIdentityInput {
    /// The role to assume. Required.
    pub role_arn: *const c_char,
    /// A name for the session. Required.
    pub role_session_name: *const c_char,
    /// The token from the identity provider. Required. Secret.
    pub web_identity_token: *const c_char,
    /// The OAuth 2.0 provider's domain (only for access tokens from
    /// providers such as `www.amazon.com`), or NULL.
    pub provider_id: *const c_char,
    /// ARNs of managed policies that further limit the session.
    pub policy_arns: *const *const c_char,
    /// Number of entries in `policy_arns`.
    pub policy_arns_len: usize,
    /// An inline JSON policy that further limits the session, or NULL.
    pub policy: *const c_char,
    /// Session length in seconds, 900 to 43200.
    pub duration_seconds: StsOptionalI32,
    /// Pads the session token to at least this many bytes, 0 to 4096.
    pub minimum_session_token_size: StsOptionalI32,
}

/// The result of `AssumeRoleWithWebIdentity`.
///
/// Ownership: the caller's, freed with
/// `sts_assume_role_with_web_identity_output_free`; every string is valid
/// until then. Optional strings are NULL when absent.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRoleWithWebIdentityOutput {
    /// The role session's credentials.
    pub credentials: StsCredentials,
    /// The token's subject (`sub` claim).
    pub subject_from_web_identity_token: *const c_char,
    /// The role session's id and ARN.
    pub assumed_role_user: StsAssumedRoleUser,
    /// How full the packed session policies are, in percent.
    /// Deprecated by the model (since 2026-06-17) in favour of
    /// `session_token_utilization`, which says the same of the whole session token.
    pub packed_policy_size: StsOptionalU32,
    /// The issuer of the token.
    pub provider: *const c_char,
    /// The token's audience (client id).
    pub audience: *const c_char,
    /// The source identity set on the session.
    pub source_identity: *const c_char,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: StsOptionalU32,
    /// The session token's size in bytes.
    pub session_token_size: StsOptionalU32,
    /// Who the end user is, as STS propagates it in the session (all
    /// NULL when the response had none). Do not log it.
    pub trusted_identity_propagation_context: StsTrustedIdentityPropagationContext,
    /// The request id.
    pub request_id: *const c_char,
}

/// Ties `AssumeRoleWithWebIdentity` to the shared call, prepare and parse steps.
impl FfiOp for CSide<AssumeRoleWithWebIdentity> {
    type Input = StsAssumeRoleWithWebIdentityInput;
    type Op = AssumeRoleWithWebIdentity;
    type Output = StsAssumeRoleWithWebIdentityOutput;

    unsafe fn request(
        i: &StsAssumeRoleWithWebIdentityInput,
    ) -> Result<AssumeRoleWithWebIdentity, Failure> {
        // SAFETY (every block): the caller's promise about `i`'s pointers.
        let mut r = AssumeRoleWithWebIdentity::new(
            unsafe { required_str(i.role_arn, "input->role_arn") }?,
            unsafe { required_str(i.role_session_name, "input->role_session_name") }?,
            SecretString::from(unsafe {
                required_str(i.web_identity_token, "input->web_identity_token")
            }?),
        );
        r.provider_id =
            unsafe { optional_str(i.provider_id, "input->provider_id") }?.map(str::to_owned);
        r.session_policy = unsafe { session_policy(i.policy_arns, i.policy_arns_len, i.policy) }?;
        r.duration_seconds = i.duration_seconds.get();
        r.minimum_session_token_size = i.minimum_session_token_size.get();
        Ok(r)
    }

    fn output(
        o: &AssumeRoleWithWebIdentityOutput,
        s: &mut Strings,
    ) -> StsAssumeRoleWithWebIdentityOutput {
        StsAssumeRoleWithWebIdentityOutput {
            credentials: StsCredentials::store(&o.credentials, s),
            subject_from_web_identity_token: s.opt(o.subject_from_web_identity_token.as_deref()),
            assumed_role_user: StsAssumedRoleUser::store(o.assumed_role_user.as_ref(), s),
            packed_policy_size: StsOptionalU32::from_option(o.packed_policy_size),
            provider: s.opt(o.provider.as_deref()),
            audience: s.opt(o.audience.as_deref()),
            source_identity: s.opt(o.source_identity.as_deref()),
            session_token_utilization: StsOptionalU32::from_option(o.session_token_utilization),
            session_token_size: StsOptionalU32::from_option(o.session_token_size),
            trusted_identity_propagation_context: StsTrustedIdentityPropagationContext::store(
                o.trusted_identity_propagation_context.as_ref(),
                s,
            ),
            request_id: s.opt(o.request_id.as_deref()),
        }
    }
}

/// `AssumeRoleWithWebIdentity`: temporary credentials for a role,
/// proven by an OIDC or OAuth 2.0 token.
///
/// Sent unsigned (the assertion or token is the proof), so the client
/// needs no credentials; retried as the client's retry policy allows.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_assume_role_with_web_identity_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_role_with_web_identity(
    client: *const StsClient,
    input: *const StsAssumeRoleWithWebIdentityInput,
    out: *mut *mut StsAssumeRoleWithWebIdentityOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<AssumeRoleWithWebIdentity>>(client, input, out, err) }
}

/// Prepares `AssumeRoleWithWebIdentity` for the caller's own HTTP stack: validates
/// `input`, and builds the request with the client's endpoint and clock,
/// unsigned. Nothing is sent, and no credentials are fetched. Send the
/// request, then read the answer with `sts_parse_assume_role_with_web_identity`.
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
pub unsafe extern "C" fn sts_prepare_assume_role_with_web_identity(
    client: *const StsClient,
    input: *const StsAssumeRoleWithWebIdentityInput,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<AssumeRoleWithWebIdentity>>(client, input, out, err) }
}

/// Reads a response to `AssumeRoleWithWebIdentity` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_assume_role_with_web_identity_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_assume_role_with_web_identity(
    response: *const StsHttpResponse,
    out: *mut *mut StsAssumeRoleWithWebIdentityOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<AssumeRoleWithWebIdentity>>(response, out, err) }
}

/// Starts `AssumeRoleWithWebIdentity` as an exchange the caller drives with its own HTTP
/// stack: validates the input now. The operation is sent unsigned, so no
/// credentials are needed: this does no I/O and never sleeps. Loop on
/// `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_assume_role_with_web_identity_output`.
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
pub unsafe extern "C" fn sts_exchange_assume_role_with_web_identity_new(
    client: *const StsClient,
    input: *const StsAssumeRoleWithWebIdentityInput,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<AssumeRoleWithWebIdentity>>(client, input, out, err) }
}

/// The result of an `AssumeRoleWithWebIdentity` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_assume_role_with_web_identity_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_assume_role_with_web_identity_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsAssumeRoleWithWebIdentityOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<AssumeRoleWithWebIdentity>>(exchange, out, err) }
}

/// Frees a `StsAssumeRoleWithWebIdentityOutput`, wiping its strings first (the secret key and session token in particular).
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_assume_role_with_web_identity`, `sts_parse_assume_role_with_web_identity` or
/// `sts_exchange_assume_role_with_web_identity_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_role_with_web_identity_output_free(
    output: *mut StsAssumeRoleWithWebIdentityOutput,
) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<AssumeRoleWithWebIdentity>>(output) }
}
