//! `AssumeRoleWithWebIdentity`: credentials for a role, proven by an OIDC
//! token (EKS service accounts, GitHub Actions, Cognito, …). Sent unsigned:
//! the token is the proof.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::ops::members::{self, PolicyOrder, SessionPolicy};
use crate::secret::SecretString;
use crate::types::{self, AssumedRoleUser, TrustedIdentityPropagationContext};
use crate::validate::{self, ValidationError, Validator};

/// An `AssumeRoleWithWebIdentity` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleWithWebIdentity {
    /// The role to assume.
    pub role_arn: String,
    /// A name for the session.
    pub role_session_name: String,
    /// The OIDC ID token or OAuth 2.0 access token.
    pub web_identity_token: SecretString,
    /// For OAuth 2.0 access tokens only: the provider's domain.
    pub provider_id: Option<String>,
    /// Session policies that further limit the session.
    pub session_policy: SessionPolicy,
    /// Session length, 900 to 43200 seconds.
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes (0 to 4096).
    pub minimum_session_token_size: Option<i32>,
}

impl AssumeRoleWithWebIdentity {
    /// Assumes `role_arn` as `role_session_name`, proven by `web_identity_token`.
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: impl Into<SecretString>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token: web_identity_token.into(),
            provider_id: None,
            session_policy: SessionPolicy::default(),
            duration_seconds: None,
            minimum_session_token_size: None,
        }
    }

    /// Sets the OAuth 2.0 provider id.
    pub fn provider_id(mut self, provider_id: impl Into<String>) -> Self {
        self.provider_id = Some(provider_id.into());
        self
    }

    members::session_policy_setters!(session_policy);

    /// Sets the session length in seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    members::minimum_session_token_size_setter!();
}

/// What `AssumeRoleWithWebIdentity` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleWithWebIdentityOutput {
    /// The role session's credentials.
    pub credentials: Credentials,
    /// The token's subject (`sub` claim).
    pub subject_from_web_identity_token: Option<String>,
    /// The role session's id and ARN.
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// How full the packed session policies are, in percent of the limit.
    /// Deprecated by the model (since 2026-06-17) in favour of
    /// `session_token_utilization`, which says the same of the whole session token.
    pub packed_policy_size: Option<u32>,
    /// The issuer of the token (`iss` claim) or the provider id.
    pub provider: Option<String>,
    /// The token's intended audience (`aud` claim).
    pub audience: Option<String>,
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

impl AssumeRoleWithWebIdentityOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            subject_from_web_identity_token: None,
            assumed_role_user: None,
            packed_policy_size: None,
            provider: None,
            audience: None,
            source_identity: None,
            session_token_utilization: None,
            session_token_size: None,
            trusted_identity_propagation_context: None,
            request_id: None,
        }
    }
}

impl Operation for AssumeRoleWithWebIdentity {
    const ACTION: &'static str = "AssumeRoleWithWebIdentity";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithWebIdentityOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.string("RoleArn", &self.role_arn, &validate::ARN)?;
        v.string(
            "RoleSessionName",
            &self.role_session_name,
            &validate::ROLE_SESSION_NAME,
        )?;
        v.string(
            "WebIdentityToken",
            self.web_identity_token.expose(),
            &validate::WEB_IDENTITY_TOKEN,
        )?;
        v.optional(
            "ProviderId",
            self.provider_id.as_deref(),
            &validate::PROVIDER_URL,
        )?;
        self.session_policy
            .validate(&v, &validate::SESSION_POLICY, PolicyOrder::ArnsFirst)?;
        v.range("DurationSeconds", self.duration_seconds, 900, 43200)?;
        members::validate_minimum_session_token_size(&v, self.minimum_session_token_size)
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("RoleArn", &self.role_arn);
        form.field("RoleSessionName", &self.role_session_name);
        form.field("WebIdentityToken", self.web_identity_token.expose());
        types::write_opt(form, "ProviderId", self.provider_id.as_deref());
        self.session_policy.write_form(form, PolicyOrder::ArnsFirst);
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        members::write_minimum_session_token_size(form, self.minimum_session_token_size);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(AssumeRoleWithWebIdentityOutput {
            credentials: result.credentials("Credentials")?,
            subject_from_web_identity_token: result.string("SubjectFromWebIdentityToken"),
            assumed_role_user: types::read_assumed_role_user(result)?,
            packed_policy_size: result.u32("PackedPolicySize")?,
            provider: result.string("Provider"),
            audience: result.string("Audience"),
            source_identity: result.string("SourceIdentity"),
            session_token_utilization: result.u32("SessionTokenUtilization")?,
            session_token_size: result.u32("SessionTokenSize")?,
            trusted_identity_propagation_context: types::read_trusted_context(result)?,
            request_id: result.request_id(),
        })
    }
}
