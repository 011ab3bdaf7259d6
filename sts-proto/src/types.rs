//! Structures shared by several operations, written once.

use crate::form::FormWriter;
use crate::operation::trim;
use crate::secret::SecretString;
use crate::validate::{self, ValidationError, Validator};

/// A session tag: a key-value pair attached to the session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tag {
    /// Tag key, 1 to 128 characters.
    pub key: String,
    /// Tag value, 0 to 256 characters.
    pub value: String,
}

impl Tag {
    /// A tag `key = value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// A managed policy used as a session policy, by ARN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PolicyDescriptor {
    /// The policy's ARN. The model lets it be absent; STS then rejects it.
    pub arn: Option<String>,
}

impl PolicyDescriptor {
    /// The managed policy `arn`.
    pub fn new(arn: impl Into<String>) -> Self {
        Self {
            arn: Some(arn.into()),
        }
    }
}

/// A context assertion from a trusted context provider (such as IAM
/// Identity Center's identity context).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ProvidedContext {
    /// The context provider's ARN.
    pub provider_arn: Option<String>,
    /// The signed assertion from the provider: a secret, as the SAML
    /// assertion and web identity token are, since it vouches for whoever
    /// holds it (redacted in `Debug`, wiped when dropped).
    pub context_assertion: Option<SecretString>,
}

impl ProvidedContext {
    /// An assertion from `provider_arn`.
    pub fn new(provider_arn: impl Into<String>, context_assertion: impl Into<String>) -> Self {
        Self {
            provider_arn: Some(provider_arn.into()),
            context_assertion: Some(SecretString::from(context_assertion.into())),
        }
    }
}

/// The role session an assume-role call created.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AssumedRoleUser {
    /// `AROA…:session-name`, the id in `aws:userid` policy conditions.
    pub assumed_role_id: String,
    /// `arn:aws:sts::123456789012:assumed-role/role-name/session-name`.
    pub arn: String,
}

/// The federated user a GetFederationToken call created.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FederatedUser {
    /// `123456789012:name`.
    pub federated_user_id: String,
    /// `arn:aws:sts::123456789012:federated-user/name`.
    pub arn: String,
}

/// The session a GetScopedCredentials call scoped down.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ScopedSession {
    /// The scoped session's id: the calling session's principal.
    pub scoped_session_id: String,
    /// The scoped session's ARN.
    pub arn: String,
}

/// The trusted identity propagation context STS set in a session from a
/// SAML assertion or web identity token, through the identity provider's
/// context provider: who the end user is, as the session carries it.
///
/// The model marks its values sensitive ("information about the end user;
/// do not log it"): they are [`SecretString`]s, which `Debug` does not
/// show and which are wiped when dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TrustedIdentityPropagationContext {
    /// `aws:OriginIdentity/*`: the end user.
    pub origin_identity: Option<OriginIdentity>,
    /// `aws:TransactionContext/*`.
    pub transaction_context: Option<TransactionContext>,
}

/// The end user of a [`TrustedIdentityPropagationContext`]. Its members
/// share names with members of the assume-role outputs but carry the
/// propagated values, which differ from the assertion's or token's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OriginIdentity {
    /// `aws:OriginIdentity/Subject`.
    pub subject: Option<SecretString>,
    /// `aws:OriginIdentity/SubjectType`.
    pub subject_type: Option<SecretString>,
    /// `aws:OriginIdentity/Issuer`.
    pub issuer: Option<SecretString>,
    /// `aws:OriginIdentity/FederatedProviderArn`.
    pub federated_provider_arn: Option<SecretString>,
}

/// The transaction context of a [`TrustedIdentityPropagationContext`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TransactionContext {
    /// `aws:TransactionContext/IdentityProvider/{key}`: key and value, in
    /// the order the answer lists them. The keys name what the provider
    /// set; the values are the user's.
    pub identity_provider: Vec<(String, SecretString)>,
}

// ---- validation of the shared structures ----

pub(crate) fn validate_tags(
    v: &Validator,
    member: &str,
    tags: &[Tag],
) -> Result<(), ValidationError> {
    v.list_len(member, tags.len(), 0, 50)?;
    for (i, tag) in tags.iter().enumerate() {
        v.string(
            format_args!("{member}[{i}].Key"),
            &tag.key,
            &validate::TAG_KEY,
        )?;
        v.string(
            format_args!("{member}[{i}].Value"),
            &tag.value,
            &validate::TAG_VALUE,
        )?;
    }
    Ok(())
}

pub(crate) fn validate_policy_arns(
    v: &Validator,
    member: &str,
    arns: &[PolicyDescriptor],
) -> Result<(), ValidationError> {
    // The model sets no bound on the list; the service allows ten, and says so.
    for (i, p) in arns.iter().enumerate() {
        validate_policy_descriptor(v, format_args!("{member}[{i}]"), p)?;
    }
    Ok(())
}

pub(crate) fn validate_policy_descriptor(
    v: &Validator,
    member: impl std::fmt::Display,
    p: &PolicyDescriptor,
) -> Result<(), ValidationError> {
    v.optional(
        format_args!("{member}.arn"),
        p.arn.as_deref(),
        &validate::ARN,
    )
}

pub(crate) fn validate_provided_contexts(
    v: &Validator,
    member: &str,
    contexts: &[ProvidedContext],
) -> Result<(), ValidationError> {
    // An empty list is the same as none: nothing is sent for it.
    if contexts.is_empty() {
        return Ok(());
    }
    v.list_len(member, contexts.len(), 1, 5)?;
    for (i, c) in contexts.iter().enumerate() {
        v.optional(
            format_args!("{member}[{i}].ProviderArn"),
            c.provider_arn.as_deref(),
            &validate::ARN,
        )?;
        v.optional(
            format_args!("{member}[{i}].ContextAssertion"),
            c.context_assertion.as_ref().map(SecretString::expose),
            &validate::CONTEXT_ASSERTION,
        )?;
    }
    Ok(())
}

// ---- form serialization of the shared structures ----

pub(crate) fn write_tags(form: &mut FormWriter, member: &str, tags: &[Tag]) {
    for (i, tag) in tags.iter().enumerate() {
        form.member(member, i + 1, "Key", &tag.key);
        form.member(member, i + 1, "Value", &tag.value);
    }
}

pub(crate) fn write_strings(form: &mut FormWriter, member: &str, values: &[String]) {
    for (i, value) in values.iter().enumerate() {
        form.member(member, i + 1, "", value);
    }
}

pub(crate) fn write_policy_arns(form: &mut FormWriter, member: &str, arns: &[PolicyDescriptor]) {
    for (i, p) in arns.iter().enumerate() {
        if let Some(arn) = &p.arn {
            form.member(member, i + 1, "arn", arn);
        }
    }
}

pub(crate) fn write_provided_contexts(
    form: &mut FormWriter,
    member: &str,
    contexts: &[ProvidedContext],
) {
    for (i, c) in contexts.iter().enumerate() {
        if let Some(arn) = &c.provider_arn {
            form.member(member, i + 1, "ProviderArn", arn);
        }
        if let Some(assertion) = &c.context_assertion {
            form.member(member, i + 1, "ContextAssertion", assertion.expose());
        }
    }
}

pub(crate) fn write_opt(form: &mut FormWriter, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        form.field(name, value);
    }
}

pub(crate) fn write_int(form: &mut FormWriter, name: &str, value: Option<i32>) {
    if let Some(value) = value {
        let mut digits = itoa_buffer();
        form.field(name, format_i32(&mut digits, value));
    }
}

/// Room for any `i32` in decimal.
fn itoa_buffer() -> [u8; 11] {
    [0; 11]
}

/// `value` in decimal, written into `buf` rather than a new string.
fn format_i32(buf: &mut [u8; 11], value: i32) -> &str {
    let mut at = buf.len();
    let mut n = value.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    // Digits and `-` are ASCII.
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

// ---- output structures ----

pub(crate) fn read_assumed_role_user(
    result: &crate::operation::ResultReader<'_>,
) -> Result<Option<AssumedRoleUser>, crate::error::OutputError> {
    Ok(
        read_pair(result, "AssumedRoleUser", "AssumedRoleId", "Arn")?.map(|(id, arn)| {
            AssumedRoleUser {
                assumed_role_id: id.to_owned(),
                arn: arn.to_owned(),
            }
        }),
    )
}

/// `TrustedIdentityPropagationContext`, if the answer has one.
pub(crate) fn read_trusted_context(
    result: &crate::operation::ResultReader<'_>,
) -> Result<Option<TrustedIdentityPropagationContext>, crate::error::OutputError> {
    const TOP: &str = "TrustedIdentityPropagationContext";
    const ORIGIN: &str = "OriginIdentity";
    // Present even when empty (`<TrustedIdentityPropagationContext/>`,
    // `<OriginIdentity/>`), as botocore reads an empty structure.
    if !result.has(&[TOP]) {
        return Ok(None);
    }
    let member = |name: &str| {
        result
            .text_at(&[TOP, ORIGIN, name])
            .map(|t| SecretString::new(trim(t)))
    };
    let origin_identity = result.has(&[TOP, ORIGIN]).then(|| OriginIdentity {
        subject: member("Subject"),
        subject_type: member("SubjectType"),
        issuer: member("Issuer"),
        federated_provider_arn: member("FederatedProviderArn"),
    });
    let transaction_context = result
        .map(&[TOP, "TransactionContext", "IdentityProvider"])?
        .map(|entries| TransactionContext {
            identity_provider: entries
                .into_iter()
                .map(|(key, value)| (key, SecretString::new(value)))
                .collect(),
        });
    Ok(Some(TrustedIdentityPropagationContext {
        origin_identity,
        transaction_context,
    }))
}

/// The two members `first` and `second` of the optional structure
/// `parent`, trimmed; present when the element is (`<Parent/>` too, as
/// botocore reads an empty structure), with a member it lacks read as
/// empty.
///
/// These structures only describe the session (a user's id and ARN); the
/// credentials beside them are checked strictly. Servers other than AWS
/// STS write them incompletely (MinIO writes `<AssumeRoleId>` and an empty
/// `<Arn>`), and botocore reads what is there, so refusing the whole
/// answer would throw away good credentials for want of a label.
pub(crate) fn read_pair<'a>(
    result: &crate::operation::ResultReader<'a>,
    parent: &str,
    first: &str,
    second: &str,
) -> Result<Option<(&'a str, &'a str)>, crate::error::OutputError> {
    let a = result.text_at(&[parent, first]);
    let b = result.text_at(&[parent, second]);
    // Looking for the element itself only when neither member is there
    // keeps the usual answer to its two lookups.
    if a.is_none() && b.is_none() && !result.has(&[parent]) {
        return Ok(None);
    }
    Ok(Some((a.map_or("", trim), b.map_or("", trim))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_assertion_is_redacted_in_debug() {
        let c = ProvidedContext::new(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "SIGNED-x",
        );
        let shown = format!("{c:?}");
        assert!(!shown.contains("SIGNED"), "{shown}");
        assert!(
            shown.contains("redacted") && shown.contains("IdentityCenter"),
            "{shown}"
        );
        let request = crate::ops::AssumeRole::new("arn:aws:iam::1:role/r", "s").provided_context(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "SIGNED-y",
        );
        assert!(!format!("{request:?}").contains("SIGNED"));
    }

    #[test]
    fn integers_are_written_as_to_string_writes_them() {
        for value in [0, 1, -1, 9, 10, 900, 43_200, -43_200, i32::MAX, i32::MIN] {
            let mut buf = itoa_buffer();
            assert_eq!(format_i32(&mut buf, value), value.to_string());
        }
    }
}
