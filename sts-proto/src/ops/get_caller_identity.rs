//! `GetCallerIdentity`: who the signing credentials belong to. Needs no
//! permission, so it is the standard way to check credentials work.

use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::validate::ValidationError;

/// A `GetCallerIdentity` request. It has no parameters (yet: not `Copy`,
/// so that one added by the model is not a breaking change).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetCallerIdentity {}

impl GetCallerIdentity {
    /// The request.
    pub fn new() -> Self {
        Self {}
    }
}

/// What `GetCallerIdentity` returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetCallerIdentityOutput {
    /// The unique id of the calling entity (`AIDA…`, or `AROA…:session`).
    pub user_id: Option<String>,
    /// The account id.
    pub account: Option<String>,
    /// The caller's ARN.
    pub arn: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Operation for GetCallerIdentity {
    const ACTION: &'static str = "GetCallerIdentity";
    type Output = GetCallerIdentityOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_form(&self, _form: &mut FormWriter) {}

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetCallerIdentityOutput {
            user_id: result.string("UserId"),
            account: result.string("Account"),
            arn: result.string("Arn"),
            request_id: result.request_id(),
        })
    }
}
