//! `AssumeRoleWithSAML`: temporary credentials for a role, proven by a SAML assertion
//! from a trusted identity provider. Sent unsigned.

use std::ffi::c_char;

use sts_proto::SecretString;
use sts_proto::ops::{AssumeRoleWithSaml, AssumeRoleWithSamlOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::{Strings, required_str};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;
use crate::types::{
    StsAssumedRoleUser, StsCredentials, StsOptionalI32, StsOptionalU32,
    StsTrustedIdentityPropagationContext, session_policy,
};

/// The input of `AssumeRoleWithSAML`. Zero-fill it, then set the members
/// you need.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRoleWithSamlInput {
    /// The role to assume. Required.
    pub role_arn: *const c_char,
    /// The ARN of the SAML provider in IAM. Required.
    pub principal_arn: *const c_char,
    /// The base64-encoded SAML response from the identity provider.
    /// Required. Secret.
    pub saml_assertion: *const c_char,
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

/// The result of `AssumeRoleWithSAML`.
///
/// Ownership: the caller's, freed with
/// `sts_assume_role_with_saml_output_free`; every string is valid until
/// then. Optional strings are NULL when absent.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRoleWithSamlOutput {
    /// The role session's credentials.
    pub credentials: StsCredentials,
    /// The role session's id and ARN.
    pub assumed_role_user: StsAssumedRoleUser,
    /// How full the packed session policies are, in percent.
    /// Deprecated by the model (since 2026-06-17) in favour of
    /// `session_token_utilization`, which says the same of the whole session token.
    pub packed_policy_size: StsOptionalU32,
    /// The `NameID` of the assertion's subject.
    pub subject: *const c_char,
    /// The format of the `NameID` (`persistent`, `transient`, or a URI).
    pub subject_type: *const c_char,
    /// The issuer of the assertion.
    pub issuer: *const c_char,
    /// The assertion's `Recipient`.
    pub audience: *const c_char,
    /// A hash identifying the provider and account, for policy conditions.
    pub name_qualifier: *const c_char,
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

/// Ties `AssumeRoleWithSaml` to the shared call, prepare and parse steps.
impl FfiOp for CSide<AssumeRoleWithSaml> {
    type Input = StsAssumeRoleWithSamlInput;
    type Op = AssumeRoleWithSaml;
    type Output = StsAssumeRoleWithSamlOutput;

    unsafe fn request(i: &StsAssumeRoleWithSamlInput) -> Result<AssumeRoleWithSaml, Failure> {
        // SAFETY (every block): the caller's promise about `i`'s pointers.
        let mut r = AssumeRoleWithSaml::new(
            unsafe { required_str(i.role_arn, "input->role_arn") }?,
            unsafe { required_str(i.principal_arn, "input->principal_arn") }?,
            SecretString::from(unsafe { required_str(i.saml_assertion, "input->saml_assertion") }?),
        );
        r.session_policy = unsafe { session_policy(i.policy_arns, i.policy_arns_len, i.policy) }?;
        r.duration_seconds = i.duration_seconds.get();
        r.minimum_session_token_size = i.minimum_session_token_size.get();
        Ok(r)
    }

    fn output(o: &AssumeRoleWithSamlOutput, s: &mut Strings) -> StsAssumeRoleWithSamlOutput {
        StsAssumeRoleWithSamlOutput {
            credentials: StsCredentials::store(&o.credentials, s),
            assumed_role_user: StsAssumedRoleUser::store(o.assumed_role_user.as_ref(), s),
            packed_policy_size: StsOptionalU32::from_option(o.packed_policy_size),
            subject: s.opt(o.subject.as_deref()),
            subject_type: s.opt(o.subject_type.as_deref()),
            issuer: s.opt(o.issuer.as_deref()),
            audience: s.opt(o.audience.as_deref()),
            name_qualifier: s.opt(o.name_qualifier.as_deref()),
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

/// `AssumeRoleWithSAML`: temporary credentials for a role, proven by
/// a SAML assertion.
///
/// Sent unsigned (the assertion or token is the proof), so the client
/// needs no credentials; retried as the client's retry policy allows.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_assume_role_with_saml_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_role_with_saml(
    client: *const StsClient,
    input: *const StsAssumeRoleWithSamlInput,
    out: *mut *mut StsAssumeRoleWithSamlOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<AssumeRoleWithSaml>>(client, input, out, err) }
}

/// Prepares `AssumeRoleWithSAML` for the caller's own HTTP stack: validates
/// `input`, and builds the request with the client's endpoint and clock,
/// unsigned. Nothing is sent, and no credentials are fetched. Send the
/// request, then read the answer with `sts_parse_assume_role_with_saml`.
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
pub unsafe extern "C" fn sts_prepare_assume_role_with_saml(
    client: *const StsClient,
    input: *const StsAssumeRoleWithSamlInput,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<AssumeRoleWithSaml>>(client, input, out, err) }
}

/// Reads a response to `AssumeRoleWithSAML` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_assume_role_with_saml_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_assume_role_with_saml(
    response: *const StsHttpResponse,
    out: *mut *mut StsAssumeRoleWithSamlOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<AssumeRoleWithSaml>>(response, out, err) }
}

/// Starts `AssumeRoleWithSAML` as an exchange the caller drives with its own HTTP
/// stack: validates the input now. The operation is sent unsigned, so no
/// credentials are needed: this does no I/O and never sleeps. Loop on
/// `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_assume_role_with_saml_output`.
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
pub unsafe extern "C" fn sts_exchange_assume_role_with_saml_new(
    client: *const StsClient,
    input: *const StsAssumeRoleWithSamlInput,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<AssumeRoleWithSaml>>(client, input, out, err) }
}

/// The result of an `AssumeRoleWithSAML` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_assume_role_with_saml_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_assume_role_with_saml_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsAssumeRoleWithSamlOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<AssumeRoleWithSaml>>(exchange, out, err) }
}

/// Frees a `StsAssumeRoleWithSamlOutput`, wiping its strings first (the secret key and session token in particular).
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_assume_role_with_saml`, `sts_parse_assume_role_with_saml` or
/// `sts_exchange_assume_role_with_saml_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_role_with_saml_output_free(
    output: *mut StsAssumeRoleWithSamlOutput,
) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<AssumeRoleWithSaml>>(output) }
}
