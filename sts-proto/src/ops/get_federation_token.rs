//! `GetFederationToken`: credentials for a federated user, issued by an IAM
//! user (typically a proxy that hands them to its own users).

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::ops::members::{self, PolicyOrder, SessionPolicy};
use crate::types::{self, FederatedUser, Tag};
use crate::validate::{self, ValidationError, Validator};

/// A `GetFederationToken` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetFederationToken {
    /// The federated user's name, part of its ARN.
    pub name: String,
    /// Session policies; without one the session can do nothing.
    pub session_policy: SessionPolicy,
    /// Session length, 900 to 129600 seconds.
    pub duration_seconds: Option<i32>,
    /// Session tags.
    pub tags: Vec<Tag>,
    /// Pads the session token to at least this many bytes (0 to 4096).
    pub minimum_session_token_size: Option<i32>,
}

impl GetFederationToken {
    /// Credentials for the federated user `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            session_policy: SessionPolicy::default(),
            duration_seconds: None,
            tags: Vec::new(),
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

    members::tag_setter!(tags);
}

/// What `GetFederationToken` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetFederationTokenOutput {
    /// The federated user's credentials.
    pub credentials: Credentials,
    /// The federated user's id and ARN.
    pub federated_user: Option<FederatedUser>,
    /// How full the packed session policies and tags are, in percent of the limit.
    /// Deprecated by the model (since 2026-06-17) in favour of
    /// `session_token_utilization`, which says the same of the whole session token.
    pub packed_policy_size: Option<u32>,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: Option<u32>,
    /// The session token's size in bytes.
    pub session_token_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

impl GetFederationTokenOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            federated_user: None,
            packed_policy_size: None,
            session_token_utilization: None,
            session_token_size: None,
            request_id: None,
        }
    }
}

impl Operation for GetFederationToken {
    const ACTION: &'static str = "GetFederationToken";
    type Output = GetFederationTokenOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.string("Name", &self.name, &validate::USER_NAME)?;
        self.session_policy
            .validate(&v, &validate::SESSION_POLICY, PolicyOrder::InlineFirst)?;
        v.range("DurationSeconds", self.duration_seconds, 900, 129_600)?;
        types::validate_tags(&v, "Tags", &self.tags)?;
        members::validate_minimum_session_token_size(&v, self.minimum_session_token_size)
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("Name", &self.name);
        self.session_policy
            .write_form(form, PolicyOrder::InlineFirst);
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        types::write_tags(form, "Tags", &self.tags);
        members::write_minimum_session_token_size(form, self.minimum_session_token_size);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        let federated_user = types::read_pair(result, "FederatedUser", "FederatedUserId", "Arn")?
            .map(|(id, arn)| FederatedUser {
                federated_user_id: id.to_owned(),
                arn: arn.to_owned(),
            });
        Ok(GetFederationTokenOutput {
            credentials: result.credentials("Credentials")?,
            federated_user,
            packed_policy_size: result.u32("PackedPolicySize")?,
            session_token_utilization: result.u32("SessionTokenUtilization")?,
            session_token_size: result.u32("SessionTokenSize")?,
            request_id: result.request_id(),
        })
    }
}
