//! `AssumeRole`: temporary credentials for a role, with optional session
//! policies, tags, MFA, external id, source identity and provided contexts.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::secret::SecretString;
use crate::types::{self, AssumedRoleUser, PolicyDescriptor, ProvidedContext, Tag};
use crate::validate::{self, ValidationError, Validator};

/// An `AssumeRole` request.
///
/// ```
/// use sts_proto::ops::AssumeRole;
///
/// let request = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "my-session")
///     .duration_seconds(3600)
///     .tag("Project", "Unicorn")
///     .external_id("partner-42");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRole {
    /// The role to assume.
    pub role_arn: String,
    /// A name for the session, visible in CloudTrail and the assumed-role ARN.
    pub role_session_name: String,
    /// Managed policies that further limit the session.
    pub policy_arns: Vec<PolicyDescriptor>,
    /// An inline JSON policy that further limits the session.
    pub policy: Option<String>,
    /// Session length, 900 to 43200 seconds (limited by the role's maximum).
    pub duration_seconds: Option<i32>,
    /// Session tags.
    pub tags: Vec<Tag>,
    /// Keys of `tags` that pass on to sessions this one assumes.
    pub transitive_tag_keys: Vec<String>,
    /// The external id a third party's trust policy requires.
    pub external_id: Option<String>,
    /// The MFA device's serial number or ARN.
    pub serial_number: Option<String>,
    /// The current code from the MFA device.
    pub token_code: Option<SecretString>,
    /// A source identity that stays with the session and its successors.
    pub source_identity: Option<String>,
    /// Context assertions from trusted context providers.
    pub provided_contexts: Vec<ProvidedContext>,
}

impl AssumeRole {
    /// Assumes `role_arn` in a session named `role_session_name`.
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            policy_arns: Vec::new(),
            policy: None,
            duration_seconds: None,
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            external_id: None,
            serial_number: None,
            token_code: None,
            source_identity: None,
            provided_contexts: Vec::new(),
        }
    }

    /// Adds a managed session policy.
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.policy_arns.push(PolicyDescriptor::new(arn));
        self
    }

    /// Sets the inline session policy.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Sets the session length in seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Adds a session tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push(Tag::new(key, value));
        self
    }

    /// Marks a tag key as transitive.
    pub fn transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.transitive_tag_keys.push(key.into());
        self
    }

    /// Sets the external id.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// Sets the MFA device and its current code.
    pub fn mfa(
        mut self,
        serial_number: impl Into<String>,
        token_code: impl Into<SecretString>,
    ) -> Self {
        self.serial_number = Some(serial_number.into());
        self.token_code = Some(token_code.into());
        self
    }

    /// Sets the source identity.
    pub fn source_identity(mut self, source_identity: impl Into<String>) -> Self {
        self.source_identity = Some(source_identity.into());
        self
    }

    /// Adds a provided context.
    pub fn provided_context(
        mut self,
        provider_arn: impl Into<String>,
        context_assertion: impl Into<String>,
    ) -> Self {
        self.provided_contexts
            .push(ProvidedContext::new(provider_arn, context_assertion));
        self
    }
}

/// What `AssumeRole` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleOutput {
    /// The role session's credentials.
    pub credentials: Credentials,
    /// The role session's id and ARN.
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// How full the packed session policies and tags are, in percent of the limit.
    pub packed_policy_size: Option<u32>,
    /// The source identity set on the session.
    pub source_identity: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for AssumeRole {
    const ACTION: &'static str = "AssumeRole";
    type Output = AssumeRoleOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.string("RoleArn", &self.role_arn, &validate::ARN)?;
        v.string(
            "RoleSessionName",
            &self.role_session_name,
            &validate::ROLE_SESSION_NAME,
        )?;
        types::validate_policy_arns(&v, "PolicyArns", &self.policy_arns)?;
        v.optional(
            "Policy",
            self.policy.as_deref(),
            &validate::UNRESTRICTED_SESSION_POLICY,
        )?;
        v.range("DurationSeconds", self.duration_seconds, 900, 43200)?;
        types::validate_tags(&v, "Tags", &self.tags)?;
        v.list_len("TransitiveTagKeys", self.transitive_tag_keys.len(), 0, 50)?;
        for (i, key) in self.transitive_tag_keys.iter().enumerate() {
            v.string(
                format_args!("TransitiveTagKeys[{i}]"),
                key,
                &validate::TAG_KEY,
            )?;
        }
        v.optional(
            "ExternalId",
            self.external_id.as_deref(),
            &validate::EXTERNAL_ID,
        )?;
        v.optional(
            "SerialNumber",
            self.serial_number.as_deref(),
            &validate::SERIAL_NUMBER,
        )?;
        v.optional(
            "TokenCode",
            self.token_code.as_ref().map(SecretString::expose),
            &validate::TOKEN_CODE,
        )?;
        v.optional(
            "SourceIdentity",
            self.source_identity.as_deref(),
            &validate::SOURCE_IDENTITY,
        )?;
        types::validate_provided_contexts(&v, "ProvidedContexts", &self.provided_contexts)
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("RoleArn", &self.role_arn);
        form.field("RoleSessionName", &self.role_session_name);
        types::write_policy_arns(form, "PolicyArns", &self.policy_arns);
        types::write_opt(form, "Policy", self.policy.as_deref());
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        types::write_tags(form, "Tags", &self.tags);
        types::write_strings(form, "TransitiveTagKeys", &self.transitive_tag_keys);
        types::write_opt(form, "ExternalId", self.external_id.as_deref());
        types::write_opt(form, "SerialNumber", self.serial_number.as_deref());
        types::write_opt(
            form,
            "TokenCode",
            self.token_code.as_ref().map(SecretString::expose),
        );
        types::write_opt(form, "SourceIdentity", self.source_identity.as_deref());
        types::write_provided_contexts(form, "ProvidedContexts", &self.provided_contexts);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(AssumeRoleOutput {
            credentials: result.credentials("Credentials")?,
            assumed_role_user: types::read_assumed_role_user(result)?,
            packed_policy_size: result.u32("PackedPolicySize")?,
            source_identity: result.string("SourceIdentity"),
            request_id: result.request_id(),
        })
    }
}
