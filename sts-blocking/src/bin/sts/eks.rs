//! Presigned `GetCallerIdentity` URLs, and the EKS token built from one.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sts_blocking::sts_proto::operation::{self, RequestContext};
use sts_blocking::sts_proto::ops::GetCallerIdentity;
use sts_blocking::sts_proto::time::format_timestamp;
use sts_blocking::sts_proto::{Credentials, Operation};
use sts_blocking::{Client, Error};

use crate::args::SessionSource;
use crate::render::{self, Doc};
use crate::{Failure, session};

/// How long an EKS token's URL is valid; the EKS authenticator accepts
/// tokens up to 15 minutes old and the AWS CLI signs for 60 seconds.
const EKS_URL_EXPIRY: Duration = Duration::from_secs(60);
/// When kubectl should ask again, as `aws eks get-token` says.
const EKS_TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 60);

/// The `ExecCredential` versions `aws eks get-token` answers with when
/// `KUBERNETES_EXEC_INFO` names them (its `FULLY_SUPPORTED_API_VERSIONS`).
const SUPPORTED_API_VERSIONS: &[&str] = &[
    "client.authentication.k8s.io/v1",
    "client.authentication.k8s.io/v1beta1",
];
/// Answered with too, after a warning (its `DEPRECATED_API_VERSIONS`).
const DEPRECATED_API_VERSION: &str = "client.authentication.k8s.io/v1alpha1";
/// Without `KUBERNETES_EXEC_INFO`, or with one not understood.
const DEFAULT_API_VERSION: &str = "client.authentication.k8s.io/v1beta1";

pub(crate) fn presigned_get_caller_identity(
    client: &Client,
    expires_in: u64,
    headers: &[(&str, &str)],
) -> Result<String, Failure> {
    let credentials = client
        .credentials()
        .map_err(|e| Failure::call(GetCallerIdentity::ACTION, e))?;
    presign_with(client, &credentials, expires_in, headers)
}

/// A presigned `GetCallerIdentity` URL for `client`'s endpoint, signed
/// with `credentials`.
fn presign_with(
    client: &Client,
    credentials: &Credentials,
    expires_in: u64,
    headers: &[(&str, &str)],
) -> Result<String, Failure> {
    let fail = |error: Error| Failure::call(GetCallerIdentity::ACTION, error);
    let ctx = RequestContext::new(client.endpoint(), client.now()).credentials(credentials);
    let request = operation::presign(
        &GetCallerIdentity::new(),
        &ctx,
        Duration::from_secs(expires_in),
        headers,
    )
    .map_err(|e| fail(e.into()))?;
    Ok(request.uri().to_string())
}

/// The `ExecCredential` version to answer with, from the value of
/// `KUBERNETES_EXEC_INFO` (which kubectl sets for an exec plugin: the
/// kubeconfig's `exec.apiVersion`, which the answer must match), as `aws
/// eks get-token` chooses it: the version named if it is one it knows,
/// else v1beta1 with a warning; never an error. With the warning, if any.
pub(crate) fn api_version(exec_info: Option<&std::ffi::OsStr>) -> (&'static str, Option<String>) {
    let raw = match exec_info {
        None => return (DEFAULT_API_VERSION, None),
        Some(raw) if raw.is_empty() => return (DEFAULT_API_VERSION, None),
        Some(raw) => raw,
    };
    let parsed = raw
        .to_str()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
    let Some(info) = parsed else {
        return (
            DEFAULT_API_VERSION,
            Some(format!(
                "Error parsing KUBERNETES_EXEC_INFO, defaulting to {DEFAULT_API_VERSION}. \
                 This is likely a bug in your Kubernetes client. Please update your \
                 Kubernetes client."
            )),
        );
    };
    let named = info.get("apiVersion").and_then(serde_json::Value::as_str);
    if let Some(known) = SUPPORTED_API_VERSIONS.iter().find(|v| Some(**v) == named) {
        return (known, None);
    }
    if named == Some(DEPRECATED_API_VERSION) {
        return (
            DEPRECATED_API_VERSION,
            Some(format!(
                "Kubeconfig user entry is using deprecated API version \
                 {DEPRECATED_API_VERSION}. Run 'aws eks update-kubeconfig' to update."
            )),
        );
    }
    (
        DEFAULT_API_VERSION,
        Some(format!(
            "Unrecognized API version in KUBERNETES_EXEC_INFO, defaulting to \
             {DEFAULT_API_VERSION}. This is likely due to an outdated sts. Please update sts."
        )),
    )
}

/// The session name `aws eks get-token --role-arn` assumes the role with.
const ROLE_SESSION_NAME: &str = "EKSGetTokenAuth";

/// The `ExecCredential` document `kubectl` reads from an exec plugin, for
/// the cluster of that name (or id), signed with the credentials of
/// `role_arn` if given.
pub(crate) fn exec_credential(
    client: &Client,
    cluster: &str,
    role_arn: Option<&str>,
) -> Result<String, Failure> {
    let (api_version, warning) = api_version(std::env::var_os("KUBERNETES_EXEC_INFO").as_deref());
    if let Some(warning) = warning {
        eprintln!("sts: WARNING: {warning}");
    }
    let credentials = match role_arn {
        Some(role) => Arc::new(session::fresh(
            client,
            &SessionSource {
                role_arn: Some(role.to_owned()),
                role_session_name: Some(ROLE_SESSION_NAME.to_owned()),
                duration_seconds: None,
            },
        )?),
        None => client
            .credentials()
            .map_err(|e| Failure::call(GetCallerIdentity::ACTION, e))?,
    };
    let url = presign_with(
        client,
        &credentials,
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
    let text = |s: &str| Doc::Str(s.to_owned());
    let field = |k: &str, v: Doc| (k.to_owned(), v);
    let doc = Doc::Object(vec![
        field("kind", text("ExecCredential")),
        field("apiVersion", text(api_version)),
        field("spec", Doc::Object(Vec::new())),
        field(
            "status",
            Doc::Object(vec![
                field("expirationTimestamp", text(&format_timestamp(expires))),
                field("token", text(&token)),
            ]),
        ),
    ]);
    // Laid out as `aws eks get-token` prints it: its JSON output, then
    // the empty line it adds.
    Ok(format!("{}\n", render::json(&doc)))
}
