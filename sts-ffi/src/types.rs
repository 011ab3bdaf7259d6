//! Plain structs shared by several operations: optional integers, tags,
//! policy lists, and the credentials and principals results carry.

use std::ffi::c_char;
use std::ptr;
use std::time::SystemTime;

use sts_proto::Credentials;
use sts_proto::SecretString;
use sts_proto::ops::{Mfa, SessionPolicy, SessionTags};
use sts_proto::time::unix_seconds;
use sts_proto::types::{
    AssumedRoleUser, FederatedUser, OriginIdentity, PolicyDescriptor, ProvidedContext,
    ScopedSession, Tag, TrustedIdentityPropagationContext,
};

use crate::boundary::{Strings, array, optional_str, required_str};
use crate::error::Failure;

/// An `int32_t` that may be absent.
///
/// `present` is 0 for absent (then `value` is ignored) and 1 for present:
/// a zero-filled struct means "not given", distinct from a given 0 (which
/// STS may reject, as it rejects a `DurationSeconds` of 0).
///
/// Layout: `uint8_t present` at offset 0, three bytes of padding,
/// `int32_t value` at offset 4; 8 bytes, 4-byte aligned.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct StsOptionalI32 {
    /// 0: absent; any other value: present.
    pub present: u8,
    /// The value, when present.
    pub value: i32,
}

/// A `uint32_t` that may be absent; the same rules as `StsOptionalI32`.
///
/// Layout: `uint8_t present` at offset 0, padding, `uint32_t value` at
/// offset 4; 8 bytes, 4-byte aligned.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct StsOptionalU32 {
    /// 0: absent; any other value: present.
    pub present: u8,
    /// The value, when present.
    pub value: u32,
}

/// An `int64_t` that may be absent; the same rules as `StsOptionalI32`.
/// Used for times, in whole seconds since 1970-01-01T00:00:00Z (Unix time,
/// as `time_t`).
///
/// Layout: `uint8_t present` at offset 0, padding, `int64_t value` at
/// offset 8; 16 bytes, 8-byte aligned.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct StsOptionalI64 {
    /// 0: absent; any other value: present.
    pub present: u8,
    /// The value, when present.
    pub value: i64,
}

impl StsOptionalI32 {
    pub(crate) fn get(self) -> Option<i32> {
        (self.present != 0).then_some(self.value)
    }
}

impl StsOptionalU32 {
    pub(crate) fn get(self) -> Option<u32> {
        (self.present != 0).then_some(self.value)
    }

    pub(crate) fn from_option(v: Option<u32>) -> Self {
        Self {
            present: u8::from(v.is_some()),
            value: v.unwrap_or(0),
        }
    }
}

impl StsOptionalI64 {
    pub(crate) fn from_time(t: Option<SystemTime>) -> Self {
        Self {
            present: u8::from(t.is_some()),
            value: t.map_or(0, unix_seconds),
        }
    }
}

/// A session tag, `key = value`.
///
/// Layout: two pointers, `key` then `value`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsTag {
    /// The key, 1 to 128 characters. Must not be NULL.
    pub key: *const c_char,
    /// The value, 0 to 256 characters (use `""` for an empty value). Must
    /// not be NULL.
    pub value: *const c_char,
}

/// A context assertion from a trusted context provider (`AssumeRole`'s
/// `ProvidedContexts`).
///
/// Layout: two pointers, `provider_arn` then `context_assertion`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsProvidedContext {
    /// The context provider's ARN, or NULL to leave it out.
    pub provider_arn: *const c_char,
    /// The signed assertion, or NULL to leave it out.
    pub context_assertion: *const c_char,
}

/// Credentials in a result.
///
/// Layout: three pointers, then an `StsOptionalI64`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsCredentials {
    /// The access key id (`ASIA…` for temporary credentials). Never NULL.
    pub access_key_id: *const c_char,
    /// The secret access key. Never NULL. Secret: do not log it.
    pub secret_access_key: *const c_char,
    /// The session token; NULL for long-term credentials. Secret.
    pub session_token: *const c_char,
    /// When the credentials stop working, in Unix seconds.
    pub expiration: StsOptionalI64,
}

/// The role session an assume-role call created. Both members are NULL
/// when the response did not include one.
///
/// Layout: two pointers.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsAssumedRoleUser {
    /// `AROA…:session-name`, the id in `aws:userid` policy conditions.
    pub assumed_role_id: *const c_char,
    /// `arn:aws:sts::123456789012:assumed-role/role-name/session-name`.
    pub arn: *const c_char,
}

/// A key and its value, in a result.
///
/// Layout: two pointers, `key` then `value`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsKeyValue {
    /// The key.
    pub key: *const c_char,
    /// The value.
    pub value: *const c_char,
}

/// The trusted identity propagation context STS set in a session from a
/// SAML assertion or web identity token: who the end user is. Every member
/// is NULL (and the array empty) when the response had none. It describes
/// the end user: do not log it.
///
/// Layout: four pointers, then a pointer and a `size_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsTrustedIdentityPropagationContext {
    /// `aws:OriginIdentity/Subject`, or NULL.
    pub origin_subject: *const c_char,
    /// `aws:OriginIdentity/SubjectType`, or NULL.
    pub origin_subject_type: *const c_char,
    /// `aws:OriginIdentity/Issuer`, or NULL.
    pub origin_issuer: *const c_char,
    /// `aws:OriginIdentity/FederatedProviderArn`, or NULL.
    pub origin_federated_provider_arn: *const c_char,
    /// `aws:TransactionContext/IdentityProvider/{key}`: keys and values in
    /// the response's order, or NULL.
    pub transaction_identity_provider: *const StsKeyValue,
    /// Number of entries in `transaction_identity_provider`.
    pub transaction_identity_provider_len: usize,
}

/// The session `GetScopedCredentials` scoped down. Both members are NULL
/// when the response did not include it.
///
/// Layout: two pointers.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsScopedSession {
    /// The scoped session's id: the calling session's principal.
    pub scoped_session_id: *const c_char,
    /// The scoped session's ARN.
    pub arn: *const c_char,
}

/// The federated user `GetFederationToken` created. Both members are NULL
/// when the response did not include one.
///
/// Layout: two pointers.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsFederatedUser {
    /// `123456789012:name`.
    pub federated_user_id: *const c_char,
    /// `arn:aws:sts::123456789012:federated-user/name`.
    pub arn: *const c_char,
}

// ---- C to Rust ----

/// Tags from a C array.
///
/// # Safety
/// `p` is NULL or valid for `len` tags, each holding NULL or valid strings.
pub(crate) unsafe fn tags(p: *const StsTag, len: usize, name: &str) -> Result<Vec<Tag>, Failure> {
    // SAFETY: forwarded.
    let items = unsafe { array(p, len, name) }?;
    items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            // SAFETY: forwarded.
            unsafe {
                Ok(Tag::new(
                    required_str(t.key, &format!("{name}[{i}].key"))?,
                    required_str(t.value, &format!("{name}[{i}].value"))?,
                ))
            }
        })
        .collect()
}

/// Strings from a C array of `const char *`.
///
/// # Safety
/// `p` is NULL or valid for `len` pointers, each NULL or a valid string.
pub(crate) unsafe fn strings(
    p: *const *const c_char,
    len: usize,
    name: &str,
) -> Result<Vec<String>, Failure> {
    // SAFETY: forwarded.
    let items = unsafe { array(p, len, name) }?;
    items
        .iter()
        .enumerate()
        // SAFETY: forwarded.
        .map(|(i, s)| unsafe { required_str(*s, &format!("{name}[{i}]")) }.map(str::to_owned))
        .collect()
}

/// Managed policy ARNs from a C array of `const char *`.
///
/// # Safety
/// As for [`strings`].
pub(crate) unsafe fn policy_arns(
    p: *const *const c_char,
    len: usize,
    name: &str,
) -> Result<Vec<PolicyDescriptor>, Failure> {
    // SAFETY: forwarded.
    Ok(unsafe { strings(p, len, name) }?
        .into_iter()
        .map(PolicyDescriptor::new)
        .collect())
}

/// The session policy members every input that has them names alike:
/// `policy_arns`, `policy_arns_len` and `policy`.
///
/// # Safety
/// As for [`strings`], and `policy` is NULL or a valid C string.
pub(crate) unsafe fn session_policy(
    arns: *const *const c_char,
    arns_len: usize,
    policy: *const c_char,
) -> Result<SessionPolicy, Failure> {
    let mut group = SessionPolicy::default();
    // SAFETY: forwarded.
    group.arns = unsafe { policy_arns(arns, arns_len, "input->policy_arns") }?;
    // SAFETY: forwarded.
    group.inline = unsafe { optional_str(policy, "input->policy") }?.map(str::to_owned);
    Ok(group)
}

/// The MFA members, `serial_number` and `token_code`.
///
/// # Safety
/// Each pointer is NULL or a valid C string.
pub(crate) unsafe fn mfa(
    serial_number: *const c_char,
    token_code: *const c_char,
) -> Result<Mfa, Failure> {
    let mut group = Mfa::default();
    // SAFETY: forwarded.
    group.serial_number =
        unsafe { optional_str(serial_number, "input->serial_number") }?.map(str::to_owned);
    // SAFETY: forwarded.
    group.token_code =
        unsafe { optional_str(token_code, "input->token_code") }?.map(SecretString::from);
    Ok(group)
}

/// The session tag members, `tags` and `transitive_tag_keys` with their
/// lengths.
///
/// # Safety
/// As for [`tags`] and [`strings`].
pub(crate) unsafe fn session_tags(
    tag_list: *const StsTag,
    tags_len: usize,
    keys: *const *const c_char,
    keys_len: usize,
) -> Result<SessionTags, Failure> {
    let mut group = SessionTags::default();
    // SAFETY: forwarded.
    group.tags = unsafe { tags(tag_list, tags_len, "input->tags") }?;
    // SAFETY: forwarded.
    group.transitive_tag_keys = unsafe { strings(keys, keys_len, "input->transitive_tag_keys") }?;
    Ok(group)
}

/// Provided contexts from a C array.
///
/// # Safety
/// `p` is NULL or valid for `len` entries, each holding NULL or valid strings.
pub(crate) unsafe fn provided_contexts(
    p: *const StsProvidedContext,
    len: usize,
    name: &str,
) -> Result<Vec<ProvidedContext>, Failure> {
    use crate::boundary::optional_str;
    // SAFETY: forwarded.
    let items = unsafe { array(p, len, name) }?;
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut context = ProvidedContext::default();
            // SAFETY: forwarded.
            unsafe {
                context.provider_arn =
                    optional_str(c.provider_arn, &format!("{name}[{i}].provider_arn"))?
                        .map(str::to_owned);
                context.context_assertion = optional_str(
                    c.context_assertion,
                    &format!("{name}[{i}].context_assertion"),
                )?
                .map(SecretString::from);
            }
            Ok(context)
        })
        .collect()
}

// ---- Rust to C ----

impl StsCredentials {
    pub(crate) fn store(c: &Credentials, s: &mut Strings) -> Self {
        Self {
            access_key_id: s.add(c.access_key_id()),
            secret_access_key: s.add(c.secret_access_key().expose()),
            session_token: s.opt(c.session_token().map(|t| t.expose())),
            expiration: StsOptionalI64::from_time(c.expiration()),
        }
    }
}

impl StsAssumedRoleUser {
    pub(crate) fn store(u: Option<&AssumedRoleUser>, s: &mut Strings) -> Self {
        match u {
            Some(u) => Self {
                assumed_role_id: s.add(&u.assumed_role_id),
                arn: s.add(&u.arn),
            },
            None => Self {
                assumed_role_id: ptr::null(),
                arn: ptr::null(),
            },
        }
    }
}

impl StsTrustedIdentityPropagationContext {
    pub(crate) fn store(c: Option<&TrustedIdentityPropagationContext>, s: &mut Strings) -> Self {
        let origin = c.and_then(|c| c.origin_identity.as_ref());
        let field = |s: &mut Strings, f: fn(&OriginIdentity) -> &Option<SecretString>| {
            s.opt(origin.and_then(|o| f(o).as_ref()).map(SecretString::expose))
        };
        let (transaction_identity_provider, transaction_identity_provider_len) = s.pairs(
            c.and_then(|c| c.transaction_context.as_ref())
                .map_or(&[][..], |t| &t.identity_provider),
        );
        Self {
            origin_subject: field(s, |o| &o.subject),
            origin_subject_type: field(s, |o| &o.subject_type),
            origin_issuer: field(s, |o| &o.issuer),
            origin_federated_provider_arn: field(s, |o| &o.federated_provider_arn),
            transaction_identity_provider,
            transaction_identity_provider_len,
        }
    }
}

impl StsScopedSession {
    pub(crate) fn store(u: Option<&ScopedSession>, s: &mut Strings) -> Self {
        match u {
            Some(u) => Self {
                scoped_session_id: s.add(&u.scoped_session_id),
                arn: s.add(&u.arn),
            },
            None => Self {
                scoped_session_id: ptr::null(),
                arn: ptr::null(),
            },
        }
    }
}

impl StsFederatedUser {
    pub(crate) fn store(u: Option<&FederatedUser>, s: &mut Strings) -> Self {
        match u {
            Some(u) => Self {
                federated_user_id: s.add(&u.federated_user_id),
                arn: s.add(&u.arn),
            },
            None => Self {
                federated_user_id: ptr::null(),
                arn: ptr::null(),
            },
        }
    }
}
