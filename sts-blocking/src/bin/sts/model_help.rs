//! Help for each subcommand and flag, from the STS model's documentation
//! (`testdata/sts-model/service-2.json`): the first sentence and the
//! constraints. Generated; `tests/tests/cli_help_and_input.rs`
//! (`help_text_comes_from_the_sts_model`) checks it against the model, and
//! with `STS_REGENERATE_HELP=1` rewrites it. Also the
//! `--generate-cli-skeleton` skeletons, as botocore's `ArgumentGenerator`
//! makes them from the same model, and the `yaml-input` ones as the AWS
//! CLI v2's `YAMLArgumentGenerator` prints them.

use crate::render::Doc;

/// (operation, member or "" for the operation, help line).
#[rustfmt::skip]
pub(crate) const HELP: &[(&str, &str, &str)] = &[
    ("AssumeRole", "", "Returns a set of temporary security credentials that you can use to access Amazon Web Services resources."),
    ("AssumeRole", "DurationSeconds", "The duration, in seconds, of the role session. [900 to 43200]"),
    ("AssumeRole", "ExternalId", "A unique identifier that might be required when you assume a role in another account. [2 to 1224 characters; pattern [\\w+=,.@:\\/-]*]"),
    ("AssumeRole", "MinimumSessionTokenSize", "The minimum size, in bytes, of the session token that STS issues for the request. [0 to 4096]"),
    ("AssumeRole", "Policy", "An IAM policy in JSON format that you want to use as an inline session policy. [not empty; pattern [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+]"),
    ("AssumeRole", "PolicyArns", "The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as managed session policies."),
    ("AssumeRole", "ProvidedContexts", "A list of previously acquired trusted context assertions in the format of a JSON array. [at most 5 items]"),
    ("AssumeRole", "RoleArn", "The Amazon Resource Name (ARN) of the role to assume. [required; 20 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+]"),
    ("AssumeRole", "RoleSessionName", "An identifier for the assumed role session. [required; 2 to 64 characters; pattern [\\w+=,.@-]*]"),
    ("AssumeRole", "SerialNumber", "The identification number of the MFA device that is associated with the user who is making the AssumeRole call. [9 to 256 characters; pattern [\\w+=/:,.@-]*]"),
    ("AssumeRole", "SourceIdentity", "The source identity specified by the principal that is calling the AssumeRole operation. [2 to 256 characters; pattern [\\w+=,.@-]*]"),
    ("AssumeRole", "Tags", "A list of session tags that you want to pass. [at most 50 items]"),
    ("AssumeRole", "TokenCode", "The value provided by the MFA device, if the trust policy of the role being assumed requires MFA. [exactly 6 characters; pattern [\\d]*]"),
    ("AssumeRole", "TransitiveTagKeys", "A list of keys for session tags that you want to set as transitive. [at most 50 items]"),
    ("AssumeRoleWithSAML", "", "Returns a set of temporary security credentials for users who have been authenticated via a SAML authentication response."),
    ("AssumeRoleWithSAML", "DurationSeconds", "The duration, in seconds, of the role session. [900 to 43200]"),
    ("AssumeRoleWithSAML", "MinimumSessionTokenSize", "The minimum size, in bytes, of the session token that STS issues for the request. [0 to 4096]"),
    ("AssumeRoleWithSAML", "Policy", "An IAM policy in JSON format that you want to use as an inline session policy. [1 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+]"),
    ("AssumeRoleWithSAML", "PolicyArns", "The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as managed session policies."),
    ("AssumeRoleWithSAML", "PrincipalArn", "The Amazon Resource Name (ARN) of the SAML provider in IAM that describes the IdP. [required; 20 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+]"),
    ("AssumeRoleWithSAML", "RoleArn", "The Amazon Resource Name (ARN) of the role that the caller is assuming. [required; 20 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+]"),
    ("AssumeRoleWithSAML", "SAMLAssertion", "The base64 encoded SAML authentication response provided by the IdP. [required; 4 to 100000 characters]"),
    ("AssumeRoleWithWebIdentity", "", "Returns a set of temporary security credentials for users who have been authenticated in a mobile or web application with a web identity provider."),
    ("AssumeRoleWithWebIdentity", "DurationSeconds", "The duration, in seconds, of the role session. [900 to 43200]"),
    ("AssumeRoleWithWebIdentity", "MinimumSessionTokenSize", "The minimum size, in bytes, of the session token that STS issues for the request. [0 to 4096]"),
    ("AssumeRoleWithWebIdentity", "Policy", "An IAM policy in JSON format that you want to use as an inline session policy. [1 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+]"),
    ("AssumeRoleWithWebIdentity", "PolicyArns", "The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as managed session policies."),
    ("AssumeRoleWithWebIdentity", "ProviderId", "The fully qualified host component of the domain name of the OAuth 2.0 identity provider. [4 to 2048 characters]"),
    ("AssumeRoleWithWebIdentity", "RoleArn", "The Amazon Resource Name (ARN) of the role that the caller is assuming. [required; 20 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+]"),
    ("AssumeRoleWithWebIdentity", "RoleSessionName", "An identifier for the assumed role session. [required; 2 to 64 characters; pattern [\\w+=,.@-]*]"),
    ("AssumeRoleWithWebIdentity", "WebIdentityToken", "The OAuth 2.0 access token or OpenID Connect ID token that is provided by the identity provider. [required; 4 to 20000 characters]"),
    ("AssumeRoot", "", "Returns a set of short term credentials you can use to perform privileged tasks on a member account in your organization."),
    ("AssumeRoot", "DurationSeconds", "The duration, in seconds, of the privileged session. [0 to 900]"),
    ("AssumeRoot", "MinimumSessionTokenSize", "The minimum size, in bytes, of the session token that STS issues for the request. [0 to 4096]"),
    ("AssumeRoot", "TargetPrincipal", "The member account principal ARN or account ID. [required; 12 to 2048 characters]"),
    ("AssumeRoot", "TaskPolicyArn", "The identity based policy that scopes the session to the privileged tasks that can be performed. [required]"),
    ("DecodeAuthorizationMessage", "", "Decodes additional information about the authorization status of a request from an encoded message returned in response to an Amazon Web Services request."),
    ("DecodeAuthorizationMessage", "EncodedMessage", "The encoded message that was returned with the response. [required; 1 to 10240 characters]"),
    ("GetAccessKeyInfo", "", "Returns the account identifier for the specified access key ID."),
    ("GetAccessKeyInfo", "AccessKeyId", "The identifier of an access key. [required; 16 to 128 characters; pattern [\\w]*]"),
    ("GetCallerIdentity", "", "Returns details about the IAM user or role whose credentials are used to call the operation."),
    ("GetDelegatedAccessToken", "", "Exchanges a trade-in token for temporary Amazon Web Services credentials with the permissions associated with the assumed principal."),
    ("GetDelegatedAccessToken", "TradeInToken", "The token to exchange for temporary Amazon Web Services credentials. [required]"),
    ("GetFederationToken", "", "Returns a set of temporary security credentials (consisting of an access key ID, a secret access key, and a security token) for a user."),
    ("GetFederationToken", "DurationSeconds", "The duration, in seconds, that the session should last. [900 to 129600]"),
    ("GetFederationToken", "MinimumSessionTokenSize", "The minimum size, in bytes, of the session token that STS issues for the request. [0 to 4096]"),
    ("GetFederationToken", "Name", "The name of the federated user. [required; 2 to 32 characters; pattern [\\w+=,.@-]*]"),
    ("GetFederationToken", "Policy", "An IAM policy in JSON format that you want to use as an inline session policy. [1 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+]"),
    ("GetFederationToken", "PolicyArns", "The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as a managed session policy."),
    ("GetFederationToken", "Tags", "A list of session tags. [at most 50 items]"),
    ("GetScopedCredentials", "", "Returns a set of temporary security credentials that are scoped down from the caller's existing temporary security credentials."),
    ("GetScopedCredentials", "DurationSeconds", "The duration, in seconds, of the resulting scoped down credentials. [1 to 129600]"),
    ("GetScopedCredentials", "MinimumSessionTokenSize", "The minimum size, in bytes, of the session token that STS issues for the request. [0 to 4096]"),
    ("GetScopedCredentials", "Policy", "An IAM policy in JSON format that you want to use as a scope down policy. [1 to 2048 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+]"),
    ("GetScopedCredentials", "ScopedSessionDescription", "A caller-supplied description of the scoped session. [2 to 256 characters; pattern [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*]"),
    ("GetSessionToken", "", "Returns a set of temporary credentials for an Amazon Web Services account or IAM user."),
    ("GetSessionToken", "DurationSeconds", "The duration, in seconds, that the credentials should remain valid. [900 to 129600]"),
    ("GetSessionToken", "MinimumSessionTokenSize", "The minimum size, in bytes, of the session token that STS issues for the request. [0 to 4096]"),
    ("GetSessionToken", "SerialNumber", "The identification number of the MFA device that is associated with the IAM user who is making the GetSessionToken call. [9 to 256 characters; pattern [\\w+=/:,.@-]*]"),
    ("GetSessionToken", "TokenCode", "The value provided by the MFA device, if MFA is required. [exactly 6 characters; pattern [\\d]*]"),
    ("GetWebIdentityToken", "", "Returns a signed JSON Web Token (JWT) that represents the calling Amazon Web Services identity or, if you set SubjectMode to OriginIdentity, the human user or workload on whose behalf the calling session acts."),
    ("GetWebIdentityToken", "Audience", "The intended recipient of the web identity token. [required; at most 10 items]"),
    ("GetWebIdentityToken", "DurationSeconds", "The duration, in seconds, for which the JSON Web Token (JWT) will remain valid. [60 to 3600]"),
    ("GetWebIdentityToken", "Scope", "One or more OAuth 2.0 scope values to include in the JSON Web Token (JWT). [1 to 256 characters; pattern [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+)*]"),
    ("GetWebIdentityToken", "SigningAlgorithm", "The cryptographic algorithm to use for signing the JSON Web Token (JWT). [required; exactly 5 characters]"),
    ("GetWebIdentityToken", "SubjectMode", "Specifies which identity STS puts in the sub (subject) claim of the JSON Web Token (JWT)."),
    ("GetWebIdentityToken", "Tags", "An optional list of tags to include in the JSON Web Token (JWT). [at most 50 items]"),
];

/// (operation, `--generate-cli-skeleton input`).
#[rustfmt::skip]
pub(crate) const INPUT_SKELETONS: &[(&str, &str)] = &[
    ("AssumeRole", "{\n    \"RoleArn\": \"\",\n    \"RoleSessionName\": \"\",\n    \"PolicyArns\": [\n        {\n            \"arn\": \"\"\n        }\n    ],\n    \"Policy\": \"\",\n    \"DurationSeconds\": 0,\n    \"Tags\": [\n        {\n            \"Key\": \"\",\n            \"Value\": \"\"\n        }\n    ],\n    \"TransitiveTagKeys\": [\n        \"\"\n    ],\n    \"ExternalId\": \"\",\n    \"SerialNumber\": \"\",\n    \"TokenCode\": \"\",\n    \"SourceIdentity\": \"\",\n    \"ProvidedContexts\": [\n        {\n            \"ProviderArn\": \"\",\n            \"ContextAssertion\": \"\"\n        }\n    ],\n    \"MinimumSessionTokenSize\": 0\n}"),
    ("AssumeRoleWithSAML", "{\n    \"RoleArn\": \"\",\n    \"PrincipalArn\": \"\",\n    \"SAMLAssertion\": \"\",\n    \"PolicyArns\": [\n        {\n            \"arn\": \"\"\n        }\n    ],\n    \"Policy\": \"\",\n    \"DurationSeconds\": 0,\n    \"MinimumSessionTokenSize\": 0\n}"),
    ("AssumeRoleWithWebIdentity", "{\n    \"RoleArn\": \"\",\n    \"RoleSessionName\": \"\",\n    \"WebIdentityToken\": \"\",\n    \"ProviderId\": \"\",\n    \"PolicyArns\": [\n        {\n            \"arn\": \"\"\n        }\n    ],\n    \"Policy\": \"\",\n    \"DurationSeconds\": 0,\n    \"MinimumSessionTokenSize\": 0\n}"),
    ("AssumeRoot", "{\n    \"TargetPrincipal\": \"\",\n    \"TaskPolicyArn\": {\n        \"arn\": \"\"\n    },\n    \"DurationSeconds\": 0,\n    \"MinimumSessionTokenSize\": 0\n}"),
    ("DecodeAuthorizationMessage", "{\n    \"EncodedMessage\": \"\"\n}"),
    ("GetAccessKeyInfo", "{\n    \"AccessKeyId\": \"\"\n}"),
    ("GetCallerIdentity", "{}"),
    ("GetDelegatedAccessToken", "{\n    \"TradeInToken\": \"\"\n}"),
    ("GetFederationToken", "{\n    \"Name\": \"\",\n    \"Policy\": \"\",\n    \"PolicyArns\": [\n        {\n            \"arn\": \"\"\n        }\n    ],\n    \"DurationSeconds\": 0,\n    \"Tags\": [\n        {\n            \"Key\": \"\",\n            \"Value\": \"\"\n        }\n    ],\n    \"MinimumSessionTokenSize\": 0\n}"),
    ("GetScopedCredentials", "{\n    \"Policy\": \"\",\n    \"DurationSeconds\": 0,\n    \"MinimumSessionTokenSize\": 0,\n    \"ScopedSessionDescription\": \"\"\n}"),
    ("GetSessionToken", "{\n    \"DurationSeconds\": 0,\n    \"SerialNumber\": \"\",\n    \"TokenCode\": \"\",\n    \"MinimumSessionTokenSize\": 0\n}"),
    ("GetWebIdentityToken", "{\n    \"Audience\": [\n        \"\"\n    ],\n    \"DurationSeconds\": 0,\n    \"SigningAlgorithm\": \"\",\n    \"Scope\": \"\",\n    \"SubjectMode\": \"AWSIdentity\",\n    \"Tags\": [\n        {\n            \"Key\": \"\",\n            \"Value\": \"\"\n        }\n    ]\n}"),
];

/// (operation, `--generate-cli-skeleton yaml-input`).
#[rustfmt::skip]
pub(crate) const YAML_INPUT_SKELETONS: &[(&str, &str)] = &[
    ("AssumeRole", "RoleArn: ''  # [REQUIRED] The Amazon Resource Name (ARN) of the role to assume.\nRoleSessionName: '' # [REQUIRED] An identifier for the assumed role session.\nPolicyArns: # The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as managed session policies.\n- arn: ''  # The Amazon Resource Name (ARN) of the IAM managed policy to use as a session policy for the role.\nPolicy: '' # An IAM policy in JSON format that you want to use as an inline session policy.\nDurationSeconds: 0 # The duration, in seconds, of the role session.\nTags: # A list of session tags that you want to pass.\n- Key: ''  # [REQUIRED] The key for a session tag.\n  Value: '' # [REQUIRED] The value for a session tag.\nTransitiveTagKeys: # A list of keys for session tags that you want to set as transitive.\n- ''\nExternalId: '' # A unique identifier that might be required when you assume a role in another account.\nSerialNumber: '' # The identification number of the MFA device that is associated with the user who is making the AssumeRole call.\nTokenCode: '' # The value provided by the MFA device, if the trust policy of the role being assumed requires MFA.\nSourceIdentity: '' # The source identity specified by the principal that is calling the AssumeRole operation.\nProvidedContexts: # A list of previously acquired trusted context assertions in the format of a JSON array.\n- ProviderArn: ''  # The context provider ARN from which the trusted context assertion was generated.\n  ContextAssertion: '' # The signed and encrypted trusted context assertion generated by the context provider.\nMinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request."),
    ("AssumeRoleWithSAML", "RoleArn: ''  # [REQUIRED] The Amazon Resource Name (ARN) of the role that the caller is assuming.\nPrincipalArn: '' # [REQUIRED] The Amazon Resource Name (ARN) of the SAML provider in IAM that describes the IdP.\nSAMLAssertion: '' # [REQUIRED] The base64 encoded SAML authentication response provided by the IdP.\nPolicyArns: # The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as managed session policies.\n- arn: ''  # The Amazon Resource Name (ARN) of the IAM managed policy to use as a session policy for the role.\nPolicy: '' # An IAM policy in JSON format that you want to use as an inline session policy.\nDurationSeconds: 0 # The duration, in seconds, of the role session.\nMinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request."),
    ("AssumeRoleWithWebIdentity", "RoleArn: ''  # [REQUIRED] The Amazon Resource Name (ARN) of the role that the caller is assuming.\nRoleSessionName: '' # [REQUIRED] An identifier for the assumed role session.\nWebIdentityToken: '' # [REQUIRED] The OAuth 2.\nProviderId: '' # The fully qualified host component of the domain name of the OAuth 2.\nPolicyArns: # The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as managed session policies.\n- arn: ''  # The Amazon Resource Name (ARN) of the IAM managed policy to use as a session policy for the role.\nPolicy: '' # An IAM policy in JSON format that you want to use as an inline session policy.\nDurationSeconds: 0 # The duration, in seconds, of the role session.\nMinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request."),
    ("AssumeRoot", "TargetPrincipal: ''  # [REQUIRED] The member account principal ARN or account ID.\nTaskPolicyArn: # [REQUIRED] The identity based policy that scopes the session to the privileged tasks that can be performed.\n  arn: ''  # The Amazon Resource Name (ARN) of the IAM managed policy to use as a session policy for the role.\nDurationSeconds: 0 # The duration, in seconds, of the privileged session.\nMinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request."),
    ("DecodeAuthorizationMessage", "EncodedMessage: ''  # [REQUIRED] The encoded message that was returned with the response."),
    ("GetAccessKeyInfo", "AccessKeyId: ''  # [REQUIRED] The identifier of an access key."),
    ("GetCallerIdentity", "{}"),
    ("GetDelegatedAccessToken", "TradeInToken: ''  # [REQUIRED] The token to exchange for temporary Amazon Web Services credentials."),
    ("GetFederationToken", "Name: ''  # [REQUIRED] The name of the federated user.\nPolicy: '' # An IAM policy in JSON format that you want to use as an inline session policy.\nPolicyArns: # The Amazon Resource Names (ARNs) of the IAM managed policies that you want to use as a managed session policy.\n- arn: ''  # The Amazon Resource Name (ARN) of the IAM managed policy to use as a session policy for the role.\nDurationSeconds: 0 # The duration, in seconds, that the session should last.\nTags: # A list of session tags.\n- Key: ''  # [REQUIRED] The key for a session tag.\n  Value: '' # [REQUIRED] The value for a session tag.\nMinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request."),
    ("GetScopedCredentials", "Policy: ''  # An IAM policy in JSON format that you want to use as a scope down policy.\nDurationSeconds: 0 # The duration, in seconds, of the resulting scoped down credentials.\nMinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request.\nScopedSessionDescription: '' # A caller-supplied description of the scoped session."),
    ("GetSessionToken", "DurationSeconds: 0  # The duration, in seconds, that the credentials should remain valid.\nSerialNumber: '' # The identification number of the MFA device that is associated with the IAM user who is making the GetSessionToken call.\nTokenCode: '' # The value provided by the MFA device, if MFA is required.\nMinimumSessionTokenSize: 0 # The minimum size, in bytes, of the session token that STS issues for the request."),
    ("GetWebIdentityToken", "Audience:  # [REQUIRED] The intended recipient of the web identity token.\n- ''\nDurationSeconds: 0 # The duration, in seconds, for which the JSON Web Token (JWT) will remain valid.\nSigningAlgorithm: '' # [REQUIRED] The cryptographic algorithm to use for signing the JSON Web Token (JWT).\nScope: '' # One or more OAuth 2.\nSubjectMode: AWSIdentity # Specifies which identity STS puts in the sub (subject) claim of the JSON Web Token (JWT). Valid values are: AWSIdentity, OriginIdentity.\nTags: # An optional list of tags to include in the JSON Web Token (JWT).\n- Key: ''  # [REQUIRED] The key for a session tag.\n  Value: '' # [REQUIRED] The value for a session tag."),
];

/// The `--generate-cli-skeleton output` result of `operation`.
#[rustfmt::skip]
pub(crate) fn output_skeleton(operation: &str) -> Option<Doc> {
    Some(match operation {
        "AssumeRole" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("AssumedRoleUser", o(vec![("AssumedRoleId", t("AssumedRoleId")), ("Arn", t("Arn"))])), ("PackedPolicySize", n(0)), ("SourceIdentity", t("SourceIdentity")), ("SessionTokenUtilization", n(0)), ("SessionTokenSize", n(0))]),
        "AssumeRoleWithSAML" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("AssumedRoleUser", o(vec![("AssumedRoleId", t("AssumedRoleId")), ("Arn", t("Arn"))])), ("PackedPolicySize", n(0)), ("Subject", t("Subject")), ("SubjectType", t("SubjectType")), ("Issuer", t("Issuer")), ("Audience", t("Audience")), ("NameQualifier", t("NameQualifier")), ("SourceIdentity", t("SourceIdentity")), ("SessionTokenUtilization", n(0)), ("SessionTokenSize", n(0)), ("TrustedIdentityPropagationContext", o(vec![("OriginIdentity", o(vec![("Subject", t("Subject")), ("SubjectType", t("SubjectType")), ("Issuer", t("Issuer")), ("FederatedProviderArn", t("FederatedProviderArn"))])), ("TransactionContext", o(vec![("IdentityProvider", o(vec![("KeyName", t(""))]))]))]))]),
        "AssumeRoleWithWebIdentity" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("SubjectFromWebIdentityToken", t("SubjectFromWebIdentityToken")), ("AssumedRoleUser", o(vec![("AssumedRoleId", t("AssumedRoleId")), ("Arn", t("Arn"))])), ("PackedPolicySize", n(0)), ("Provider", t("Provider")), ("Audience", t("Audience")), ("SourceIdentity", t("SourceIdentity")), ("SessionTokenUtilization", n(0)), ("SessionTokenSize", n(0)), ("TrustedIdentityPropagationContext", o(vec![("OriginIdentity", o(vec![("Subject", t("Subject")), ("SubjectType", t("SubjectType")), ("Issuer", t("Issuer")), ("FederatedProviderArn", t("FederatedProviderArn"))])), ("TransactionContext", o(vec![("IdentityProvider", o(vec![("KeyName", t(""))]))]))]))]),
        "AssumeRoot" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("SourceIdentity", t("SourceIdentity")), ("SessionTokenUtilization", n(0)), ("SessionTokenSize", n(0))]),
        "DecodeAuthorizationMessage" => o(vec![("DecodedMessage", t("DecodedMessage"))]),
        "GetAccessKeyInfo" => o(vec![("Account", t("Account"))]),
        "GetCallerIdentity" => o(vec![("UserId", t("UserId")), ("Account", t("Account")), ("Arn", t("Arn"))]),
        "GetDelegatedAccessToken" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("PackedPolicySize", n(0)), ("AssumedPrincipal", t("AssumedPrincipal"))]),
        "GetFederationToken" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("FederatedUser", o(vec![("FederatedUserId", t("FederatedUserId")), ("Arn", t("Arn"))])), ("PackedPolicySize", n(0)), ("SessionTokenUtilization", n(0)), ("SessionTokenSize", n(0))]),
        "GetScopedCredentials" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("SessionInfo", o(vec![("ScopedSessionId", t("ScopedSessionId")), ("Arn", t("Arn"))])), ("SessionTokenUtilization", n(0)), ("SessionTokenSize", n(0)), ("ScopedPoliciesCount", n(0)), ("SourceIdentity", t("SourceIdentity"))]),
        "GetSessionToken" => o(vec![("Credentials", o(vec![("AccessKeyId", t("AccessKeyId")), ("SecretAccessKey", t("SecretAccessKey")), ("SessionToken", t("SessionToken")), ("Expiration", t("1970-01-01T00:00:00"))])), ("SessionTokenUtilization", n(0)), ("SessionTokenSize", n(0))]),
        "GetWebIdentityToken" => o(vec![("WebIdentityToken", t("WebIdentityToken")), ("Expiration", t("1970-01-01T00:00:00"))]),
        _ => return None,
    })
}

fn o(fields: Vec<(&str, Doc)>) -> Doc {
    Doc::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[allow(dead_code, reason = "no STS output has a list today")]
fn l(items: Vec<Doc>) -> Doc {
    Doc::Array(items)
}

fn t(text: &str) -> Doc {
    Doc::Str(text.to_owned())
}

fn n(value: i64) -> Doc {
    Doc::Int(i128::from(value))
}

#[allow(dead_code, reason = "STS outputs have no booleans today")]
fn b(value: bool) -> Doc {
    Doc::Bool(value)
}
