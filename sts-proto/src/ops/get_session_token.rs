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

    members::mfa_setter!(mfa);
}

/// What `GetSessionToken` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetSessionTokenOutput {
    /// The session's credentials.
    pub credentials: Credentials,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetSessionToken {
    const ACTION: &'static str = "GetSessionToken";
    type Output = GetSessionTokenOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        let v = Validator::new(Self::ACTION);
        v.range("DurationSeconds", self.duration_seconds, 900, 129_600)?;
        self.mfa.validate(&v)
    }

    fn write_form(&self, form: &mut FormWriter) {
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        self.mfa.write_form(form);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetSessionTokenOutput {
            credentials: result.credentials("Credentials")?,
            request_id: result.request_id(),
        })
    }
}
