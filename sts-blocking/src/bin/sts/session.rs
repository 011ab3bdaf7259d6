//! Fresh temporary credentials for `sts exec` and `sts serve`: a role's
//! (`--role-arn`), else the profile's or environment's own when they are
//! already temporary, else a session token for them, so that a child
//! never gets long-term keys.

use sts_blocking::Client;
use sts_blocking::sts_proto::Credentials;
use sts_blocking::sts_proto::Operation;
use sts_blocking::sts_proto::ops::{AssumeRole, GetSessionToken};

use crate::Failure;
use crate::args::SessionSource;

/// The session name of `--role-arn` without `--role-session-name`.
const SESSION_NAME: &str = "sts-cli";

/// Temporary credentials from `source`, through `client`.
pub(crate) fn fresh(client: &Client, source: &SessionSource) -> Result<Credentials, Failure> {
    issue(client, source).map(|(credentials, _)| credentials)
}

/// [`fresh`], and whether STS issued them now (a role's, or a session
/// token for long-term keys) rather than their being handed on as they
/// were: only then is their whole lifetime ahead of them.
pub(crate) fn issue(
    client: &Client,
    source: &SessionSource,
) -> Result<(Credentials, bool), Failure> {
    let at = |f: Failure| f.at(&client.endpoint().url);
    if let Some(role) = &source.role_arn {
        let name = source.role_session_name.as_deref().unwrap_or(SESSION_NAME);
        let mut op = AssumeRole::new(role, name);
        op.duration_seconds = source.duration_seconds;
        op.validate()
            .map_err(|e| Failure::call(AssumeRole::ACTION, e))?;
        crate::attempts::start_call();
        return client
            .assume_role(&op)
            .map(|o| {
                let account = o
                    .assumed_role_user
                    .as_ref()
                    .and_then(|u| account_of(&u.arn))
                    .map(str::to_owned);
                (with_account(o.credentials, account), true)
            })
            .map_err(|e| at(Failure::call(AssumeRole::ACTION, e)));
    }
    let own = client
        .credentials()
        .map_err(|e| Failure::call(GetSessionToken::ACTION, e))?;
    if own.session_token().is_some() {
        // Handed on as they are: nothing could give them another lifetime.
        if source.duration_seconds.is_some() {
            return Err(Failure::Usage(
                "argument --duration-seconds: the credentials are temporary already (they \
                 have a session token), so their lifetime cannot be chosen; give --role-arn \
                 to assume a role for that long"
                    .into(),
            ));
        }
        return Ok(((*own).clone(), false));
    }
    let mut op = GetSessionToken::new();
    op.duration_seconds = source.duration_seconds;
    crate::attempts::start_call();
    // A session token is for the same account as the keys it came from.
    let account = own.account_id().map(str::to_owned);
    client
        .get_session_token(&op)
        .map(|o| (with_account(o.credentials, account), true))
        .map_err(|e| at(Failure::call(GetSessionToken::ACTION, e)))
}

/// The account id in an ARN (`arn:aws:sts::123456789012:assumed-role/…`),
/// as the AWS SDKs' role providers read it.
fn account_of(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

fn with_account(credentials: Credentials, account: Option<String>) -> Credentials {
    match account {
        Some(account) => credentials.with_account_id(account),
        None => credentials,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_account_is_read_from_an_assumed_roles_arn() {
        assert_eq!(
            super::account_of("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("123456789012")
        );
        assert_eq!(
            super::account_of("arn:aws:sts::12345:assumed-role/r/s"),
            None
        );
        assert_eq!(super::account_of("not an arn"), None);
    }
}
