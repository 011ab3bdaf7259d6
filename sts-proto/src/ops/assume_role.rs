//! `AssumeRole`: temporary credentials for a role, with optional session
//! policies, tags, MFA, external id, source identity and provided contexts.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::ops::members::{self, Mfa, PolicyOrder, SessionPolicy, SessionTags};
use crate::types::{self, AssumedRoleUser, ProvidedContext};
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
    /// Session policies that further limit the session.
    pub session_policy: SessionPolicy,
    /// Session length, 900 to 43200 seconds (limited by the role's maximum).
    pub duration_seconds: Option<i32>,
    /// Session tags, some of them transitive.
    pub session_tags: SessionTags,
    /// The external id a third party's trust policy requires.
    pub external_id: Option<String>,
    /// The MFA device and its current code.
    pub mfa: Mfa,
    /// A source identity that stays with the session and its successors.
    pub source_identity: Option<String>,
    /// Context assertions from trusted context providers.
    pub provided_contexts: Vec<ProvidedContext>,
    /// Pads the session token to at least this many bytes (0 to 4096).
    pub minimum_session_token_size: Option<i32>,
}

impl AssumeRole {
    /// Assumes `role_arn` in a session named `role_session_name`.
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            session_policy: SessionPolicy::default(),
            duration_seconds: None,
            session_tags: SessionTags::default(),
            external_id: None,
            mfa: Mfa::default(),
            source_identity: None,
            provided_contexts: Vec::new(),
            minimum_session_token_size: None,
        }
    }

    members::session_policy_setters!(session_policy);

    /// Sets the session length in seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    members::minimum_session_token_size_setter!();

    members::session_tags_setters!(session_tags);

    /// Sets the external id.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    members::mfa_setter!(mfa);

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
    /// Deprecated by the model (since 2026-06-17) in favour of
    /// `session_token_utilization`, which says the same of the whole session token.
    pub packed_policy_size: Option<u32>,
    /// The source identity set on the session.
    pub source_identity: Option<String>,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: Option<u32>,
    /// The session token's size in bytes.
    pub session_token_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

impl AssumeRoleOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            assumed_role_user: None,
            packed_policy_size: None,
            source_identity: None,
            session_token_utilization: None,
            session_token_size: None,
            request_id: None,
        }
    }
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
        self.session_policy.validate(
            &v,
            &validate::UNRESTRICTED_SESSION_POLICY,
            PolicyOrder::ArnsFirst,
        )?;
        v.range("DurationSeconds", self.duration_seconds, 900, 43200)?;
        self.session_tags.validate(&v)?;
        v.optional(
            "ExternalId",
            self.external_id.as_deref(),
            &validate::EXTERNAL_ID,
        )?;
        self.mfa.validate(&v)?;
        v.optional(
            "SourceIdentity",
            self.source_identity.as_deref(),
            &validate::SOURCE_IDENTITY,
        )?;
        types::validate_provided_contexts(&v, "ProvidedContexts", &self.provided_contexts)?;
        members::validate_minimum_session_token_size(&v, self.minimum_session_token_size)
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("RoleArn", &self.role_arn);
        form.field("RoleSessionName", &self.role_session_name);
        self.session_policy.write_form(form, PolicyOrder::ArnsFirst);
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        self.session_tags.write_form(form);
        types::write_opt(form, "ExternalId", self.external_id.as_deref());
        self.mfa.write_form(form);
        types::write_opt(form, "SourceIdentity", self.source_identity.as_deref());
        types::write_provided_contexts(form, "ProvidedContexts", &self.provided_contexts);
        members::write_minimum_session_token_size(form, self.minimum_session_token_size);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(AssumeRoleOutput {
            credentials: result.credentials("Credentials")?,
            assumed_role_user: types::read_assumed_role_user(result)?,
            packed_policy_size: result.u32("PackedPolicySize")?,
            source_identity: result.string("SourceIdentity"),
            session_token_utilization: result.u32("SessionTokenUtilization")?,
            session_token_size: result.u32("SessionTokenSize")?,
            request_id: result.request_id(),
        })
    }
}
