//! Outputs can be made outside this crate, as a program's own tests need
//! them (to stand in for a call it makes): with `new(credentials)` where
//! an operation returns credentials, `Default` where it does not, and the
//! public members set after. The types are `#[non_exhaustive]`, so a
//! literal cannot make them here; this file is the user's view.

use std::time::{Duration, UNIX_EPOCH};

use sts_proto::Credentials;
use sts_proto::operation::OperationOutput;
use sts_proto::ops::{
    AssumeRoleOutput, AssumeRoleWithSamlOutput, AssumeRoleWithWebIdentityOutput, AssumeRootOutput,
    DecodeAuthorizationMessageOutput, GetAccessKeyInfoOutput, GetCallerIdentityOutput,
    GetDelegatedAccessTokenOutput, GetFederationTokenOutput, GetScopedCredentialsOutput,
    GetSessionTokenOutput, GetWebIdentityTokenOutput,
};
use sts_proto::types::AssumedRoleUser;

fn credentials() -> Credentials {
    Credentials::new("ASIAEXAMPLE", "secret", Some("token".into()))
        .with_expiration(UNIX_EPOCH + Duration::from_secs(4_102_444_800))
}

#[test]
fn outputs_with_credentials_are_made_from_them() {
    let mut output = AssumeRoleOutput::new(credentials());
    let mut user = AssumedRoleUser::default();
    user.arn = "arn:aws:sts::123456789012:assumed-role/r/s".to_owned();
    user.assumed_role_id = "AROAEXAMPLE:s".to_owned();
    output.assumed_role_user = Some(user);
    output.request_id = Some("req-1".to_owned());
    assert_eq!(output.credentials.access_key_id(), "ASIAEXAMPLE");
    assert_eq!(output.request_id(), Some("req-1"));
    assert_eq!(output.packed_policy_size, None);

    let with_credentials = [
        AssumeRoleWithSamlOutput::new(credentials()).credentials,
        AssumeRoleWithWebIdentityOutput::new(credentials()).credentials,
        AssumeRootOutput::new(credentials()).credentials,
        GetDelegatedAccessTokenOutput::new(credentials()).credentials,
        GetFederationTokenOutput::new(credentials()).credentials,
        GetScopedCredentialsOutput::new(credentials()).credentials,
        GetSessionTokenOutput::new(credentials()).credentials,
    ];
    for creds in with_credentials {
        assert_eq!(creds, credentials());
    }
}

#[test]
fn outputs_without_credentials_start_empty() {
    let mut identity = GetCallerIdentityOutput::default();
    identity.account = Some("123456789012".to_owned());
    assert_eq!(identity.account.as_deref(), Some("123456789012"));
    assert_eq!(identity.request_id(), None);
    assert_eq!(GetAccessKeyInfoOutput::default().account, None);
    assert_eq!(
        DecodeAuthorizationMessageOutput::default().decoded_message,
        None
    );
    assert!(
        GetWebIdentityTokenOutput::default()
            .web_identity_token
            .is_none()
    );
}
