"""Create the IAM fixtures the STS tests use in a running moto server.

Usage: python setup_iam.py ENDPOINT_URL [--auth]

Talks to moto's IAM API with boto3 (dummy credentials, region us-east-1),
creates the principals below, prints one JSON document on stdout, and with
--auth finally turns on moto's request authentication (SigV4 signature and
IAM policy checks) by POSTing 0 to /moto-api/reset-auth.

Created (account 123456789012, moto's default):
  user  sts-test-user           with an access key and an inline policy
                                allowing "*" on "*"
  role  sts-test-role           trusted by the user (sts:AssumeRole,
                                sts:TagSession, sts:SetSourceIdentity); inline
                                policy allowing "*" so its sessions can call on
  role  sts-test-role-2         for role chaining: trusted by sts-test-role and
                                by its session named CHAIN_SESSION_NAME (moto
                                compares the caller's session ARN literally)
  role  sts-test-role-external  trusted by the user on condition
                                sts:ExternalId == EXTERNAL_ID
  OIDC provider + role sts-test-role-web-identity (Federated principal)
  SAML provider + role sts-test-role-saml (Federated principal)

Setup must run while authentication is off: the calls here are signed with
dummy credentials that moto's IAM does not know.
"""

import argparse
import json
import sys
import urllib.request

import boto3

REGION = "us-east-1"
USER_NAME = "sts-test-user"
ROLE_NAME = "sts-test-role"
ROLE2_NAME = "sts-test-role-2"
EXTERNAL_ROLE_NAME = "sts-test-role-external"
WEB_IDENTITY_ROLE_NAME = "sts-test-role-web-identity"
SAML_ROLE_NAME = "sts-test-role-saml"
CHAIN_SESSION_NAME = "sts-test-chain"
EXTERNAL_ID = "sts-test-external-id"
OIDC_URL = "https://oidc.sts-test.example"
OIDC_CLIENT_ID = "sts-test-client"
SAML_PROVIDER_NAME = "sts-test-saml"

ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}

SAML_METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    entityID="https://idp.sts-test.example/saml">
  <md:IDPSSODescriptor
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.sts-test.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
""".format(
    # IAM wants at least 1000 characters of metadata; moto checks nothing
    # else, so a placeholder certificate body is enough.
    cert="MIIC" + "A" * 900
)


def trust(principal, actions, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": actions}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create_role(iam, name, trust_policy, allow_all=True):
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy)
    if allow_all:
        iam.put_role_policy(
            RoleName=name,
            PolicyName="allow-all",
            PolicyDocument=json.dumps(ALLOW_ALL),
        )
    return role["Role"]["Arn"]


def set_auth(endpoint, initial_no_auth_action_count):
    # The body is a bare number, parsed with float(); it must not be sent as
    # a form (Flask would swallow a form body and moto would see "").
    request = urllib.request.Request(
        endpoint.rstrip("/") + "/moto-api/reset-auth",
        data=str(initial_no_auth_action_count).encode(),
        headers={"Content-Type": "text/plain"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("endpoint")
    parser.add_argument(
        "--auth",
        action="store_true",
        help="turn on signature and IAM policy checks once set up",
    )
    args = parser.parse_args()

    session = boto3.session.Session(
        aws_access_key_id="AKIAMOTOSETUPDUMMY00",
        aws_secret_access_key="moto-setup-dummy-secret",
        region_name=REGION,
    )
    iam = session.client("iam", endpoint_url=args.endpoint)

    user = iam.create_user(UserName=USER_NAME)["User"]
    user_arn = user["Arn"]
    account_id = user_arn.split(":")[4]
    iam.put_user_policy(
        UserName=USER_NAME,
        PolicyName="allow-all",
        PolicyDocument=json.dumps(ALLOW_ALL),
    )
    key = iam.create_access_key(UserName=USER_NAME)["AccessKey"]

    assume_actions = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
    role_arn = create_role(iam, ROLE_NAME, trust({"AWS": user_arn}, assume_actions))
    session_arn = (
        f"arn:aws:sts::{account_id}:assumed-role/{ROLE_NAME}/{CHAIN_SESSION_NAME}"
    )
    role2_arn = create_role(
        iam,
        ROLE2_NAME,
        trust({"AWS": [role_arn, session_arn]}, assume_actions),
    )
    external_role_arn = create_role(
        iam,
        EXTERNAL_ROLE_NAME,
        trust(
            {"AWS": user_arn},
            assume_actions,
            {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
        ),
    )

    oidc_arn = iam.create_open_id_connect_provider(
        Url=OIDC_URL,
        ClientIDList=[OIDC_CLIENT_ID],
        ThumbprintList=["0" * 40],
    )["OpenIDConnectProviderArn"]
    web_identity_role_arn = create_role(
        iam,
        WEB_IDENTITY_ROLE_NAME,
        trust(
            {"Federated": oidc_arn},
            ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        ),
    )
    saml_provider_arn = iam.create_saml_provider(
        SAMLMetadataDocument=SAML_METADATA, Name=SAML_PROVIDER_NAME
    )["SAMLProviderArn"]
    saml_role_arn = create_role(
        iam,
        SAML_ROLE_NAME,
        trust(
            {"Federated": saml_provider_arn},
            ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        ),
    )

    auth = None
    if args.auth:
        auth = set_auth(args.endpoint, 0)

    json.dump(
        {
            "account_id": account_id,
            "region": REGION,
            "user_name": USER_NAME,
            "user_arn": user_arn,
            "user_id": user["UserId"],
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
            "role_arn": role_arn,
            "role2_arn": role2_arn,
            "chain_session_name": CHAIN_SESSION_NAME,
            "external_id_role_arn": external_role_arn,
            "external_id": EXTERNAL_ID,
            "oidc_provider_arn": oidc_arn,
            "web_identity_role_arn": web_identity_role_arn,
            "saml_provider_arn": saml_provider_arn,
            "saml_role_arn": saml_role_arn,
            "auth": bool(args.auth),
            "reset_auth_response": auth,
        },
        sys.stdout,
        indent=2,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
