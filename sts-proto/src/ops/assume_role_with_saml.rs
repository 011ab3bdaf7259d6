//! `AssumeRoleWithSAML`: credentials for a role, proven by a SAML assertion
//! from an identity provider. Sent unsigned: the assertion is the proof.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::ops::members::{self, PolicyOrder, SessionPolicy};
use crate::secret::SecretString;
use crate::types::{self, AssumedRoleUser, TrustedIdentityPropagationContext};
use crate::validate::{self, ValidationError, Validator};

/// An `AssumeRoleWithSAML` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleWithSaml {
    /// The role to assume.
    pub role_arn: String,
    /// The ARN of the SAML provider in IAM.
    pub principal_arn: String,
    /// The base64-encoded SAML response from the identity provider.
    pub saml_assertion: SecretString,
    /// Session policies that further limit the session.
    pub session_policy: SessionPolicy,
    /// Session length, 900 to 43200 seconds.
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes (0 to 4096).
    pub minimum_session_token_size: Option<i32>,
}

impl AssumeRoleWithSaml {
    /// Assumes `role_arn` with an assertion from the provider `principal_arn`.
    pub fn new(
        role_arn: impl Into<String>,
        principal_arn: impl Into<String>,
        saml_assertion: impl Into<SecretString>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            principal_arn: principal_arn.into(),
            saml_assertion: saml_assertion.into(),
            session_policy: SessionPolicy::default(),
            duration_seconds: None,
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
}

/// What `AssumeRoleWithSAML` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleWithSamlOutput {
    /// The role session's credentials.
    pub credentials: Credentials,
    /// The role session's id and ARN.
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// How full the packed session policies are, in percent of the limit.
    /// Deprecated by the model (since 2026-06-17) in favour of
    /// `session_token_utilization`, which says the same of the whole session token.
    pub packed_policy_size: Option<u32>,
    /// The `NameID` of the assertion's subject.
    pub subject: Option<String>,
    /// The format of the `NameID` (`persistent`, `transient`, or a URI).
    pub subject_type: Option<String>,
    /// The assertion's issuer.
    pub issuer: Option<String>,
    /// The assertion's `Recipient` (the SAML audience).
    pub audience: Option<String>,
    /// A hash that, with the subject, identifies the federated user.
    pub name_qualifier: Option<String>,
    /// The source identity set on the session.
    pub source_identity: Option<String>,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: Option<u32>,
    /// The session token's size in bytes.
    pub session_token_size: Option<u32>,
    /// Who the end user is, as STS propagates it in the session, when the
    /// identity provider's context provider set it (never logged: see the type).
    pub trusted_identity_propagation_context: Option<TrustedIdentityPropagationContext>,
    /// The request id.
    pub request_id: Option<String>,
}

impl AssumeRoleWithSamlOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            assumed_role_user: None,
            packed_policy_size: None,
            subject: None,
            subject_type: None,
            issuer: None,
            audience: None,
            name_qualifier: None,
            source_identity: None,
            session_token_utilization: None,
            session_token_size: None,
            trusted_identity_propagation_context: None,
            request_id: None,
        }
    }
}

impl Operation for AssumeRoleWithSaml {
    const ACTION: &'static str = "AssumeRoleWithSAML";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithSamlOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.string("RoleArn", &self.role_arn, &validate::ARN)?;
        v.string("PrincipalArn", &self.principal_arn, &validate::ARN)?;
        v.string(
            "SAMLAssertion",
            self.saml_assertion.expose(),
            &validate::SAML_ASSERTION,
        )?;
        self.session_policy
            .validate(&v, &validate::SESSION_POLICY, PolicyOrder::ArnsFirst)?;
        v.range("DurationSeconds", self.duration_seconds, 900, 43200)?;
        members::validate_minimum_session_token_size(&v, self.minimum_session_token_size)
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("RoleArn", &self.role_arn);
        form.field("PrincipalArn", &self.principal_arn);
        form.field("SAMLAssertion", self.saml_assertion.expose());
        self.session_policy.write_form(form, PolicyOrder::ArnsFirst);
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        members::write_minimum_session_token_size(form, self.minimum_session_token_size);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(AssumeRoleWithSamlOutput {
            credentials: result.credentials("Credentials")?,
            assumed_role_user: types::read_assumed_role_user(result)?,
            packed_policy_size: result.u32("PackedPolicySize")?,
            subject: result.string("Subject"),
            subject_type: result.string("SubjectType"),
            issuer: result.string("Issuer"),
            audience: result.string("Audience"),
            name_qualifier: result.string("NameQualifier"),
            source_identity: result.string("SourceIdentity"),
            session_token_utilization: result.u32("SessionTokenUtilization")?,
            session_token_size: result.u32("SessionTokenSize")?,
            trusted_identity_propagation_context: types::read_trusted_context(result)?,
            request_id: result.request_id(),
        })
    }
}
