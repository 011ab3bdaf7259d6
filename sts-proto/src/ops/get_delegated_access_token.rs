//! `GetDelegatedAccessToken`: trades a delegation token for credentials
//! that act for the principal that granted it.

use crate::credentials::Credentials;
use crate::form::FormWriter;
use crate::operation::{Operation, ResultReader};
use crate::secret::SecretString;
use crate::validate::{self, ValidationError, Validator};

/// A `GetDelegatedAccessToken` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetDelegatedAccessToken {
    /// The token to trade in.
    pub trade_in_token: SecretString,
}

impl GetDelegatedAccessToken {
    /// Trades in `trade_in_token`.
    pub fn new(trade_in_token: impl Into<SecretString>) -> Self {
        Self {
            trade_in_token: trade_in_token.into(),
        }
    }
}

/// What `GetDelegatedAccessToken` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetDelegatedAccessTokenOutput {
    /// The delegated credentials.
    pub credentials: Credentials,
    /// How full the packed session policies are, in percent of the limit.
    /// Deprecated by the model (since 2026-06-17), which says it is not
    /// populated for this operation.
    pub packed_policy_size: Option<u32>,
    /// The ARN of the principal the credentials act for.
    pub assumed_principal: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl GetDelegatedAccessTokenOutput {
    /// An output holding `credentials` and nothing else, for a program's
    /// own tests: a real one comes from [`parse`](crate::parse), and the
    /// other members are public to set (the type is `#[non_exhaustive]`,
    /// so it cannot be written as a literal outside this crate).
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            packed_policy_size: None,
            assumed_principal: None,
            request_id: None,
        }
    }
}

impl Operation for GetDelegatedAccessToken {
    const ACTION: &'static str = "GetDelegatedAccessToken";
    type Output = GetDelegatedAccessTokenOutput;

    fn validate(&self) -> Result<(), ValidationError> {
        Validator::new(Self::ACTION).string(
            "TradeInToken",
            self.trade_in_token.expose(),
            &validate::TRADE_IN_TOKEN,
        )
    }

    fn write_form(&self, form: &mut FormWriter) {
        form.field("TradeInToken", self.trade_in_token.expose());
    }

    fn read_output(result: &ResultReader<'_>) -> Result<Self::Output, crate::error::OutputError> {
        Ok(GetDelegatedAccessTokenOutput {
            credentials: result.credentials("Credentials")?,
            packed_policy_size: result.u32("PackedPolicySize")?,
            assumed_principal: result.string("AssumedPrincipal"),
            request_id: result.request_id(),
        })
    }
}
