//! `GetWebIdentityToken`: a signed JWT that proves the caller's AWS
//! identity to an outside service (outbound web identity federation).

use std::time::SystemTime;

use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::secret::SecretString;
use crate::types::{self, Tag};
use crate::validate::{self, ValidationError, Validator};

/// A `GetWebIdentityToken` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetWebIdentityToken {
    /// The `aud` claims, 1 to 10.
    pub audience: Vec<String>,
    /// Token lifetime, 60 to 3600 seconds.
    pub duration_seconds: Option<i32>,
    /// The JWT signing algorithm, `RS256` or `ES384`.
    pub signing_algorithm: String,
    /// OAuth 2.0 scope values for the token's `scope` claim, separated by
    /// single spaces (1 to 256 characters). Only with `subject_mode`
    /// `OriginIdentity` and exactly one audience; the caller also needs
    /// `sts:SetWebIdentityTokenScope`.
    pub scope: Option<String>,
    /// Who the token's `sub` claim names: `AWSIdentity` (the calling
    /// principal's ARN, the service's default) or `OriginIdentity` (the end
    /// user of the session's trusted identity propagation context). Text,
    /// not an enum, so that a mode newer than this crate can be sent.
    pub subject_mode: Option<String>,
    /// Extra claims.
    pub tags: Vec<Tag>,
}

impl GetWebIdentityToken {
    /// A token for `audience`, signed with `signing_algorithm`.
    pub fn new(audience: impl Into<String>, signing_algorithm: impl Into<String>) -> Self {
        Self {
            audience: vec![audience.into()],
            duration_seconds: None,
            signing_algorithm: signing_algorithm.into(),
            scope: None,
            subject_mode: None,
            tags: Vec::new(),
        }
    }

    /// Adds another audience.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience.push(audience.into());
        self
    }

    /// Sets the token lifetime in seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the `scope` claim's values, separated by single spaces.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sets the subject mode: `AWSIdentity` or `OriginIdentity`.
    pub fn subject_mode(mut self, subject_mode: impl Into<String>) -> Self {
        self.subject_mode = Some(subject_mode.into());
        self
    }

    /// Adds a tag claim.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push(Tag::new(key, value));
        self
    }
}

/// What `GetWebIdentityToken` returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetWebIdentityTokenOutput {
    /// The signed JWT. It is a bearer credential, so it is kept secret.
    pub web_identity_token: Option<SecretString>,
    /// When the token expires.
    pub expiration: Option<SystemTime>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetWebIdentityToken {
    const ACTION: &'static str = "GetWebIdentityToken";
    type Output = GetWebIdentityTokenOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.list_len("Audience", self.audience.len(), 1, 10)?;
        for (i, audience) in self.audience.iter().enumerate() {
            v.string(format_args!("Audience[{i}]"), audience, &validate::AUDIENCE)?;
        }
        v.range("DurationSeconds", self.duration_seconds, 60, 3600)?;
        v.string(
            "SigningAlgorithm",
            &self.signing_algorithm,
            &validate::JWT_ALGORITHM,
        )?;
        v.optional(
            "Scope",
            self.scope.as_deref(),
            &validate::WEB_IDENTITY_TOKEN_SCOPE,
        )?;
        types::validate_tags(&v, "Tags", &self.tags)
    }

    fn write_form(&self, form: &mut FormWriter) {
        types::write_strings(form, "Audience", &self.audience);
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        form.field("SigningAlgorithm", &self.signing_algorithm);
        types::write_opt(form, "Scope", self.scope.as_deref());
        types::write_opt(form, "SubjectMode", self.subject_mode.as_deref());
        types::write_tags(form, "Tags", &self.tags);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetWebIdentityTokenOutput {
            web_identity_token: result
                .text("WebIdentityToken")
                .map(|t| crate::operation::trim(t).into()),
            expiration: result.timestamp("Expiration")?,
            request_id: result.request_id(),
        })
    }
}
