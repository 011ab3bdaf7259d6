//! `AssumeRole`: temporary credentials for a role, with optional session policies,
//! tags, MFA, external id, source identity and provided contexts.

use std::ffi::c_char;

use sts_proto::ops::{AssumeRole, AssumeRoleOutput};

use super::{CSide, FfiOp, call, free, parse, prepare};
use crate::boundary::{Strings, optional_str, required_str};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::exchange::{self, StsExchange};
use crate::http::{StsHttpRequest, StsHttpResponse};
use crate::status::StsStatus;
use crate::types::{
    StsAssumedRoleUser, StsCredentials, StsOptionalI32, StsOptionalU32, StsProvidedContext, StsTag,
    mfa, provided_contexts, session_policy, session_tags,
};

/// The input of `AssumeRole`. Zero-fill it, then set the members you need:
/// NULL strings, empty arrays and absent integers are left out of the
/// request.
///
/// Layout: the members below in this order, pointers, `size_t` lengths and
/// `StsOptionalI32` with the usual C padding.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRoleInput {
    /// The role to assume. Required.
    pub role_arn: *const c_char,
    /// A name for the session (2 to 64 of `[\w+=,.@-]`), visible in
    /// CloudTrail and in the assumed-role ARN. Required.
    pub role_session_name: *const c_char,
    /// ARNs of managed policies that further limit the session.
    pub policy_arns: *const *const c_char,
    /// Number of entries in `policy_arns`.
    pub policy_arns_len: usize,
    /// An inline JSON policy that further limits the session, or NULL.
    pub policy: *const c_char,
    /// Session length in seconds, 900 to 43200 (limited by the role).
    pub duration_seconds: StsOptionalI32,
    /// Session tags.
    pub tags: *const StsTag,
    /// Number of entries in `tags`.
    pub tags_len: usize,
    /// Keys of `tags` that pass on to sessions this one assumes.
    pub transitive_tag_keys: *const *const c_char,
    /// Number of entries in `transitive_tag_keys`.
    pub transitive_tag_keys_len: usize,
    /// The external id a third party's trust policy requires, or NULL.
    pub external_id: *const c_char,
    /// The MFA device's serial number or ARN, or NULL.
    pub serial_number: *const c_char,
    /// The current code of the MFA device, or NULL. Secret.
    pub token_code: *const c_char,
    /// A source identity that stays with the session, or NULL.
    pub source_identity: *const c_char,
    /// Context assertions from trusted context providers.
    pub provided_contexts: *const StsProvidedContext,
    /// Number of entries in `provided_contexts`.
    pub provided_contexts_len: usize,
    /// Pads the session token to at least this many bytes, 0 to 4096.
    pub minimum_session_token_size: StsOptionalI32,
}

/// The result of `AssumeRole`.
///
/// Ownership: the caller's, freed with `sts_assume_role_output_free`; every
/// string is valid until then. Optional strings are NULL when absent.
///
/// Layout: the members below in this order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumeRoleOutput {
    /// The role session's credentials.
    pub credentials: StsCredentials,
    /// The role session's id and ARN.
    pub assumed_role_user: StsAssumedRoleUser,
    /// How full the packed session policies and tags are, in percent.
    /// Deprecated by the model (since 2026-06-17) in favour of
    /// `session_token_utilization`, which says the same of the whole session token.
    pub packed_policy_size: StsOptionalU32,
    /// The source identity set on the session.
    pub source_identity: *const c_char,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: StsOptionalU32,
    /// The session token's size in bytes.
    pub session_token_size: StsOptionalU32,
    /// The request id.
    pub request_id: *const c_char,
}

/// Ties `AssumeRole` to the shared call, prepare and parse steps.
impl FfiOp for CSide<AssumeRole> {
    type Input = StsAssumeRoleInput;
    type Op = AssumeRole;
    type Output = StsAssumeRoleOutput;

    unsafe fn request(i: &StsAssumeRoleInput) -> Result<AssumeRole, Failure> {
        // SAFETY (every block): the caller's promise about `i`'s pointers.
        let mut r = AssumeRole::new(
            unsafe { required_str(i.role_arn, "input->role_arn") }?,
            unsafe { required_str(i.role_session_name, "input->role_session_name") }?,
        );
        r.session_policy = unsafe { session_policy(i.policy_arns, i.policy_arns_len, i.policy) }?;
        r.duration_seconds = i.duration_seconds.get();
        r.session_tags = unsafe {
            session_tags(
                i.tags,
                i.tags_len,
                i.transitive_tag_keys,
                i.transitive_tag_keys_len,
            )
        }?;
        r.external_id =
            unsafe { optional_str(i.external_id, "input->external_id") }?.map(str::to_owned);
        r.mfa = unsafe { mfa(i.serial_number, i.token_code) }?;
        r.source_identity = unsafe { optional_str(i.source_identity, "input->source_identity") }?
            .map(str::to_owned);
        r.provided_contexts = unsafe {
            provided_contexts(
                i.provided_contexts,
                i.provided_contexts_len,
                "input->provided_contexts",
            )
        }?;
        r.minimum_session_token_size = i.minimum_session_token_size.get();
        Ok(r)
    }

    fn output(o: &AssumeRoleOutput, s: &mut Strings) -> StsAssumeRoleOutput {
        StsAssumeRoleOutput {
            credentials: StsCredentials::store(&o.credentials, s),
            assumed_role_user: StsAssumedRoleUser::store(o.assumed_role_user.as_ref(), s),
            packed_policy_size: StsOptionalU32::from_option(o.packed_policy_size),
            source_identity: s.opt(o.source_identity.as_deref()),
            session_token_utilization: StsOptionalU32::from_option(o.session_token_utilization),
            session_token_size: StsOptionalU32::from_option(o.session_token_size),
            request_id: s.opt(o.request_id.as_deref()),
        }
    }
}

/// `AssumeRole`: temporary credentials for the role `input->role_arn`.
///
/// Signed with the client's credentials; retried as the client's retry
/// policy allows.
///
/// Ownership: `client` and `input` are borrowed for the call. On success `*out`
/// is set to a result the caller owns: free it with
/// `sts_assume_role_output_free`. On failure `*out` is left NULL and, if `err`
/// is not NULL, `*err` is set to an error the caller owns: free it with
/// `sts_error_free`. `*out` and `*err` must be NULL on entry.
///
/// # Safety
/// `client` is NULL or a live client; `input` is NULL or valid, its strings NUL-terminated and
/// its arrays valid for their lengths; `out` and `err` are NULL or
/// valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_role(
    client: *const StsClient,
    input: *const StsAssumeRoleInput,
    out: *mut *mut StsAssumeRoleOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { call::<CSide<AssumeRole>>(client, input, out, err) }
}

/// Prepares `AssumeRole` for the caller's own HTTP stack: validates
/// `input`, and signs the request with the client's endpoint,
/// credentials and clock. The request is not sent; getting the
/// credentials may send requests of their own: with
/// `STS_CREDENTIALS_DEFAULT_CHAIN` or `STS_CREDENTIALS_PROFILE` they can
/// come from STS (a role), the SSO portal, a container endpoint or
/// instance metadata, through the client's transport callback if it has
/// one, with their retries. Static keys never do. Send the request, then read
/// the answer with `sts_parse_assume_role`.
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
pub unsafe extern "C" fn sts_prepare_assume_role(
    client: *const StsClient,
    input: *const StsAssumeRoleInput,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { prepare::<CSide<AssumeRole>>(client, input, out, err) }
}

/// Reads a response to `AssumeRole` that the caller received: the
/// result on a 2xx status, else the STS error (`STS_ERR_SERVICE`) or
/// `STS_ERR_RESPONSE` for anything unreadable. Never sends anything.
///
/// Ownership: `response` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with `sts_assume_role_output_free`.
/// On failure `*out` is left NULL and `*err` (if `err` is not NULL) gets an
/// error to free with `sts_error_free`. `*out` and `*err` must be NULL on
/// entry.
///
/// # Safety
/// `response` is NULL or valid, its arrays valid for their lengths; `out`
/// and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_parse_assume_role(
    response: *const StsHttpResponse,
    out: *mut *mut StsAssumeRoleOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { parse::<CSide<AssumeRole>>(response, out, err) }
}

/// Starts `AssumeRole` as an exchange the caller drives with its own HTTP
/// stack: validates the input now and gets the client's credentials (see below);
/// the operation's request is not sent here. Loop on `sts_exchange_next` and
/// `sts_exchange_response`, then read the result with
/// `sts_exchange_assume_role_output`.
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
pub unsafe extern "C" fn sts_exchange_assume_role_new(
    client: *const StsClient,
    input: *const StsAssumeRoleInput,
    out: *mut *mut StsExchange,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::new::<CSide<AssumeRole>>(client, input, out, err) }
}

/// The result of an `AssumeRole` exchange that answered `STS_DECISION_DONE`,
/// once: the exchange gives it up.
///
/// Returns `STS_ERR_WRONG_STATE` before the exchange is done or when the
/// result was taken already, `STS_ERR_INVALID_ARGUMENT` for an exchange of
/// another operation.
///
/// Ownership: `exchange` is borrowed for the call. On success `*out` is
/// set to a result the caller owns: free it with
/// `sts_assume_role_output_free`. On failure `*out` is left NULL and `*err` (if
/// `err` is not NULL) gets an error to free with `sts_error_free`. `*out`
/// and `*err` must be NULL on entry.
///
/// # Safety
/// `exchange` is NULL or a live exchange no other thread uses during the
/// call; `out` and `err` are NULL or valid for one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_exchange_assume_role_output(
    exchange: *mut StsExchange,
    out: *mut *mut StsAssumeRoleOutput,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe { exchange::output::<CSide<AssumeRole>>(exchange, out, err) }
}

/// Frees a `StsAssumeRoleOutput`, wiping its strings first (the secret key and session token in particular).
/// NULL is a no-op.
///
/// Ownership: takes `output` back; it and every string in it are invalid
/// afterwards.
///
/// # Safety
/// `output` is NULL or a result from `sts_assume_role`, `sts_parse_assume_role` or
/// `sts_exchange_assume_role_output`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_assume_role_output_free(output: *mut StsAssumeRoleOutput) {
    // SAFETY: forwarded from the caller.
    unsafe { free::<CSide<AssumeRole>>(output) }
}
