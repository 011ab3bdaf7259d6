//! `AssumeRoot`: short-lived root credentials for a member account of an
//! organization, limited to one privileged task by a task policy.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::ops::members;
use crate::types::{self, PolicyDescriptor};
use crate::validate::{self, ValidationError, Validator};

/// An `AssumeRoot` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoot {
    /// The member account id.
    pub target_principal: String,
    /// The AWS managed task policy, as
    /// `arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials`.
    pub task_policy_arn: PolicyDescriptor,
    /// Session length, 0 to 900 seconds.
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes (0 to 4096).
    pub minimum_session_token_size: Option<i32>,
}

impl AssumeRoot {
    /// Root credentials for `target_principal`, limited by `task_policy_arn`.
    pub fn new(target_principal: impl Into<String>, task_policy_arn: impl Into<String>) -> Self {
        Self {
            target_principal: target_principal.into(),
            task_policy_arn: PolicyDescriptor::new(task_policy_arn),
            duration_seconds: None,
            minimum_session_token_size: None,
        }
    }

    /// Sets the session length in seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    members::minimum_session_token_size_setter!();
}

/// What `AssumeRoot` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRootOutput {
    /// The root session's credentials.
    pub credentials: Credentials,
    /// The source identity set on the session.
    pub source_identity: Option<String>,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: Option<u32>,
    /// The session token's size in bytes.
    pub session_token_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

impl AssumeRootOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            source_identity: None,
            session_token_utilization: None,
            session_token_size: None,
            request_id: None,
        }
    }
}

impl Operation for AssumeRoot {
    const ACTION: &'static str = "AssumeRoot";
    type Output = AssumeRootOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.string(
            "TargetPrincipal",
            &self.target_principal,
            &validate::TARGET_PRINCIPAL,
        )?;
        types::validate_policy_descriptor(&v, "TaskPolicyArn", &self.task_policy_arn)?;
        v.range("DurationSeconds", self.duration_seconds, 0, 900)?;
        members::validate_minimum_session_token_size(&v, self.minimum_session_token_size)
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("TargetPrincipal", &self.target_principal);
        types::write_opt(
            form,
            "TaskPolicyArn.arn",
            self.task_policy_arn.arn.as_deref(),
        );
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        members::write_minimum_session_token_size(form, self.minimum_session_token_size);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(AssumeRootOutput {
            credentials: result.credentials("Credentials")?,
            source_identity: result.string("SourceIdentity"),
            session_token_utilization: result.u32("SessionTokenUtilization")?,
            session_token_size: result.u32("SessionTokenSize")?,
            request_id: result.request_id(),
        })
    }
}
