//! `GetSessionToken`: temporary credentials for the calling IAM user,
//! usually to satisfy an MFA condition.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::secret::SecretString;
use crate::types;
use crate::validate::{self, ValidationError, Validator};

/// A `GetSessionToken` request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetSessionToken {
    /// Session length, 900 to 129600 seconds.
    pub duration_seconds: Option<i32>,
    /// The MFA device's serial number or ARN.
    pub serial_number: Option<String>,
    /// The current code from the MFA device.
    pub token_code: Option<SecretString>,
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
        v.optional(
            "SerialNumber",
            self.serial_number.as_deref(),
            &validate::SERIAL_NUMBER,
        )?;
        v.optional(
            "TokenCode",
            self.token_code.as_ref().map(SecretString::expose),
            &validate::TOKEN_CODE,
        )
    }

    fn write_form(&self, form: &mut FormWriter) {
        types::write_int(form, "DurationSeconds", self.duration_seconds);
        types::write_opt(form, "SerialNumber", self.serial_number.as_deref());
        types::write_opt(
            form,
            "TokenCode",
            self.token_code.as_ref().map(SecretString::expose),
        );
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetSessionTokenOutput {
            credentials: result.credentials("Credentials")?,
            request_id: result.request_id(),
        })
    }
}
