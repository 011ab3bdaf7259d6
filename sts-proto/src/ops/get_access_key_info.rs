//! `GetAccessKeyInfo`: the account an access key id belongs to.

use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::validate::{self, ValidationError, Validator};

/// A `GetAccessKeyInfo` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetAccessKeyInfo {
    /// The access key id to look up (`AKIA…` or `ASIA…`).
    pub access_key_id: String,
}

impl GetAccessKeyInfo {
    /// Looks up `access_key_id`.
    pub fn new(access_key_id: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
        }
    }
}

/// What `GetAccessKeyInfo` returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetAccessKeyInfoOutput {
    /// The account id that owns the key.
    pub account: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetAccessKeyInfo {
    const ACTION: &'static str = "GetAccessKeyInfo";
    type Output = GetAccessKeyInfoOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        Validator::new(Self::ACTION).string(
            "AccessKeyId",
            &self.access_key_id,
            &validate::ACCESS_KEY_ID,
        )
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("AccessKeyId", &self.access_key_id);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetAccessKeyInfoOutput {
            account: result.string("Account"),
            request_id: result.request_id(),
        })
    }
}
