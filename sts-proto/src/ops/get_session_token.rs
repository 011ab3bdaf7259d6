//! `GetSessionToken`: temporary credentials for the calling IAM user,
//! usually to satisfy an MFA condition.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::ops::members::{self, Mfa};
use crate::types;
use crate::validate::{ValidationError, Validator};

/// A `GetSessionToken` request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetSessionToken {
    /// Session length, 900 to 129600 seconds.
    pub duration_seconds: Option<i32>,
    /// The MFA device and its current code.
    pub mfa: Mfa,
    /// Pads the session token to at least this many bytes (0 to 4096).
    pub minimum_session_token_size: Option<i32>,
}

impl GetSessionToken {
    /// A request with the service's default duration and no MFA.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the session length in seconds.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    members::minimum_session_token_size_setter!();

    members::mfa_setter!(mfa);
}

/// What `GetSessionToken` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetSessionTokenOutput {
    /// The session's credentials.
    pub credentials: Credentials,
    /// How much of the allowed size the session token takes, in percent.
    pub session_token_utilization: Option<u32>,
    /// The session token's size in bytes.
    pub session_token_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

impl GetSessionTokenOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            session_token_utilization: None,
            session_token_size: None,
            request_id: None,
        }
    }
}

impl Operation for GetSessionToken {
    const ACTION: &'static str = "GetSessionToken";
    type Output = GetSessionTokenOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.range("DurationSeconds", self.duration_seconds, 900, 129_600)?;
        self.mfa.validate(&v)?;
        members::validate_minimum_session_token_size(&v, self.minimum_session_token_size)
    }

    fn write_form(&self, form: &mut FormWriter) {
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        self.mfa.write_form(form);
        members::write_minimum_session_token_size(form, self.minimum_session_token_size);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetSessionTokenOutput {
            credentials: result.credentials("Credentials")?,
            session_token_utilization: result.u32("SessionTokenUtilization")?,
            session_token_size: result.u32("SessionTokenSize")?,
            request_id: result.request_id(),
        })
    }
}
