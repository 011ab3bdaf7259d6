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
            .map(|o| (o.credentials, true))
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
    client
        .get_session_token(&op)
        .map(|o| (o.credentials, true))
        .map_err(|e| at(Failure::call(GetSessionToken::ACTION, e)))
}
