//! `GetScopedCredentials`: credentials scoped down from the caller's own
//! temporary credentials, keeping its identity while narrowing what it may
//! do or how long.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::ops::members;
use crate::types::{self, ScopedSession};
use crate::validate::{self, ValidationError, Validator};

/// A `GetScopedCredentials` request: at least one of a scope-down policy
/// and a duration.
///
/// Only temporary credentials (an assumed role's, a federated session's,
/// `GetSessionToken`'s) can be scoped down, not an IAM user's or root's
/// long-term keys: get a session first. The operation is not served by the
/// global endpoint `sts.amazonaws.com`: use a regional one.
///
/// ```
/// use sts_proto::ops::GetScopedCredentials;
///
/// let request = GetScopedCredentials::with_policy(
///     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
/// )
/// .duration_seconds(900)
/// .scoped_session_description("nightly export");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetScopedCredentials {
    /// The scope-down policy: the new session may do what both it and the
    /// calling session allow (1 to 2048 characters).
    pub policy: Option<String>,
    /// Lifetime of the new credentials, 1 to 129600 seconds; without it
    /// they expire with the calling session.
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes (0 to 4096).
    pub minimum_session_token_size: Option<i32>,
    /// A description of the scoped session for CloudTrail (2 to 256
    /// characters).
    pub scoped_session_description: Option<String>,
}

impl GetScopedCredentials {
    /// A request scoped down by the policy document `policy`.
    pub fn with_policy(policy: impl Into<String>) -> Self {
        Self {
            policy: Some(policy.into()),
            ..Self::default()
        }
    }

    /// A request that only shortens the session, to `seconds`.
    pub fn with_duration(seconds: i32) -> Self {
        Self {
            duration_seconds: Some(seconds),
            ..Self::default()
        }
    }

    /// Sets the scope-down policy.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Sets the lifetime in seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    members::minimum_session_token_size_setter!();

    /// Sets the description CloudTrail records.
    pub fn scoped_session_description(mut self, description: impl Into<String>) -> Self {
        self.scoped_session_description = Some(description.into());
        self
    }
}

/// What `GetScopedCredentials` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetScopedCredentialsOutput {
    /// The scoped-down credentials.
    pub credentials: Credentials,
    /// The scoped session's id and ARN: the same principal and session
    /// name as the calling session's.
    pub session_info: Option<ScopedSession>,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: Option<u32>,
    /// The session token's size in bytes.
    pub session_token_size: Option<u32>,
    /// How many scope-down policies the session now has: at most 3, as
    /// each call that supplies a policy adds one.
    pub scoped_policies_count: Option<u32>,
    /// The calling session's source identity, carried forward unchanged.
    pub source_identity: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl GetScopedCredentialsOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            session_info: None,
            session_token_utilization: None,
            session_token_size: None,
            scoped_policies_count: None,
            source_identity: None,
            request_id: None,
        }
    }
}

impl Operation for GetScopedCredentials {
    const ACTION: &'static str = "GetScopedCredentials";
    type Output = GetScopedCredentialsOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        if self.policy.is_none() && self.duration_seconds.is_none() {
            // The model's documentation: "A request must provide at least
            // one of Policy or DurationSeconds."
            return Err(v.required("Policy or DurationSeconds"));
        }
        v.optional("Policy", self.policy.as_deref(), &validate::SESSION_POLICY)?;
        v.range("DurationSeconds", self.duration_seconds, 1, 129_600)?;
        members::validate_minimum_session_token_size(&v, self.minimum_session_token_size)?;
        v.optional(
            "ScopedSessionDescription",
            self.scoped_session_description.as_deref(),
            &validate::SCOPED_SESSION_DESCRIPTION,
        )
    }

    fn write_form(&self, form: &mut FormWriter) {
        types::write_opt(form, "Policy", self.policy.as_deref());
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        members::write_minimum_session_token_size(form, self.minimum_session_token_size);
        types::write_opt(
            form,
            "ScopedSessionDescription",
            self.scoped_session_description.as_deref(),
        );
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetScopedCredentialsOutput {
            credentials: result.credentials("Credentials")?,
            session_info: types::read_pair(result, "SessionInfo", "ScopedSessionId", "Arn")?.map(
                |(id, arn)| ScopedSession {
                    scoped_session_id: id.to_owned(),
                    arn: arn.to_owned(),
                },
            ),
            session_token_utilization: result.u32("SessionTokenUtilization")?,
            session_token_size: result.u32("SessionTokenSize")?,
            scoped_policies_count: result.u32("ScopedPoliciesCount")?,
            source_identity: result.string("SourceIdentity"),
            request_id: result.request_id(),
        })
    }
}
