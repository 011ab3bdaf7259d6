//! `DecodeAuthorizationMessage`: the readable form of the encoded reason an
//! AWS call was denied.

use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::validate::{self, ValidationError, Validator};

/// A `DecodeAuthorizationMessage` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeAuthorizationMessage {
    /// The encoded message from the denied call's error.
    pub encoded_message: String,
}

impl DecodeAuthorizationMessage {
    /// Decodes `encoded_message`.
    pub fn new(encoded_message: impl Into<String>) -> Self {
        Self {
            encoded_message: encoded_message.into(),
        }
    }
}

/// What `DecodeAuthorizationMessage` returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DecodeAuthorizationMessageOutput {
    /// The decoded message, a JSON document.
    pub decoded_message: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for DecodeAuthorizationMessage {
    const ACTION: &'static str = "DecodeAuthorizationMessage";
    type Output = DecodeAuthorizationMessageOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        Validator::new(Self::ACTION).string(
            "EncodedMessage",
            &self.encoded_message,
            &validate::ENCODED_MESSAGE,
        )
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("EncodedMessage", &self.encoded_message);
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(DecodeAuthorizationMessageOutput {
            // The JSON document is kept as sent, whitespace included.
            decoded_message: result.text("DecodedMessage").map(str::to_owned),
            request_id: result.request_id(),
        })
    }
}
