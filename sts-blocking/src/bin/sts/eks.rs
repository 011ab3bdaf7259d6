//! Presigned `GetCallerIdentity` URLs, and the EKS token built from one.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sts_blocking::sts_proto::Operation;
use sts_blocking::sts_proto::operation::{self, RequestContext};
use sts_blocking::sts_proto::ops::GetCallerIdentity;
use sts_blocking::sts_proto::time::format_timestamp;
use sts_blocking::{Client, Error};

use crate::Failure;
use crate::render::json_string;

/// How long an EKS token's URL is valid; the EKS authenticator accepts
/// tokens up to 15 minutes old and the AWS CLI signs for 60 seconds.
const EKS_URL_EXPIRY: Duration = Duration::from_secs(60);
/// When kubectl should ask again, as `aws eks get-token` says.
const EKS_TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 60);

pub(crate) fn presigned_get_caller_identity(
    client: &Client,
    expires_in: u64,
    headers: &[(&str, &str)],
) -> Result<String, Failure> {
    let fail = |error: Error| Failure::call(GetCallerIdentity::ACTION, error);
    let credentials = client.credentials().map_err(fail)?;
    let ctx = RequestContext::new(client.endpoint(), client.now()).credentials(&credentials);
    let request = operation::presign(
        &GetCallerIdentity::new(),
        &ctx,
        Duration::from_secs(expires_in),
        headers,
    )
    .map_err(|e| fail(e.into()))?;
    Ok(request.uri().to_string())
}

/// The `ExecCredential` document `kubectl` reads from an exec plugin.
pub(crate) fn exec_credential(client: &Client, cluster: &str) -> Result<String, Failure> {
    let url = presigned_get_caller_identity(
        client,
        EKS_URL_EXPIRY.as_secs(),
        &[("x-k8s-aws-id", cluster)],
    )?;
    let token = format!("k8s-aws-v1.{}", URL_SAFE_NO_PAD.encode(url.as_bytes()));
    let expires = client
        .now()
        .checked_add(EKS_TOKEN_LIFETIME)
        .unwrap_or_else(|| client.now());
    let expires = sts_blocking::sts_proto::time::from_unix(
        sts_blocking::sts_proto::time::unix_seconds(expires),
        0,
    )
    .unwrap_or(expires);
    // Laid out as `aws eks get-token` prints it (Python's json.dumps).
    let doc = format!(
        "{{\"kind\": \"ExecCredential\", \"apiVersion\": \"client.authentication.k8s.io/v1beta1\", \
         \"spec\": {{}}, \"status\": {{\"expirationTimestamp\": {}, \"token\": {}}}}}",
        json_string(&format_timestamp(expires)),
        json_string(&token)
    );
    Ok(format!("{doc}\n"))
}
