//! Every way a success response's result can be unreadable comes back as a
//! typed error naming the element, never quoting a secret.

use http::HeaderMap;
use sts_proto::error::{MalformedReason, OutputError, OutputProblem};
use sts_proto::operation::Operation;
use sts_proto::ops::{
    AssumeRole, AssumeRoleWithWebIdentity, GetFederationToken, GetSessionToken, GetWebIdentityToken,
};
use sts_proto::{ResponseError, parse};

const KEY_ID: &str = "ASIAKEYIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI-SECRET-ACCESS-KEY";
const TOKEN: &str = "FwoGZXIvYXdz-SESSION-TOKEN";
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.WEB-IDENTITY-TOKEN.sig";
const EXPIRATION: &str = "2015-08-30T13:36:00Z";

/// A `{action}Response` whose result holds `result`.
fn response(action: &str, result: &str) -> Vec<u8> {
    format!(
        "<{action}Response><{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{action}Response>"
    )
    .into_bytes()
}

/// A `Credentials` element with the given member texts (`None`: absent).
fn credentials(
    key: Option<&str>,
    secret: Option<&str>,
    token: Option<&str>,
    expiration: Option<&str>,
) -> String {
    let member = |name: &str, text: Option<&str>| {
        text.map(|t| format!("<{name}>{t}</{name}>"))
            .unwrap_or_default()
    };
    format!(
        "<Credentials>{}{}{}{}</Credentials>",
        member("AccessKeyId", key),
        member("SecretAccessKey", secret),
        member("SessionToken", token),
        member("Expiration", expiration)
    )
}

fn good_credentials() -> String {
    credentials(Some(KEY_ID), Some(SECRET), Some(TOKEN), Some(EXPIRATION))
}

/// The output error `Op`'s parser gives for `result`, checked to be a
/// `Malformed` error whose text and debug form hold no secret.
fn output_error<Op: Operation>(result: &str) -> OutputError {
    let body = response(Op::ACTION, result);
    let err = parse::<Op>(200, &HeaderMap::new(), &body).expect_err(result);
    let shown = format!("{err} {err:?}");
    for secret in [SECRET, TOKEN, JWT] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert_eq!(err.request_id(), Some("r-1"));
    match err {
        ResponseError::Malformed {
            operation,
            reason: MalformedReason::Output(e),
            ..
        } => {
            assert_eq!(operation, Op::ACTION);
            assert!(shown.contains(&e.element), "{shown}");
            e
        }
        other => panic!("{result}: {other:?}"),
    }
}

#[test]
fn a_missing_credentials_member_is_named() {
    for (i, name) in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ]
    .into_iter()
    .enumerate()
    {
        let mut members = [Some(KEY_ID), Some(SECRET), Some(TOKEN), Some(EXPIRATION)];
        members[i] = None;
        let [key, secret, token, expiration] = members;
        let e = output_error::<AssumeRole>(&credentials(key, secret, token, expiration));
        assert_eq!(e.element, format!("Credentials/{name}"));
        assert_eq!(e.problem, OutputProblem::Missing);
        assert_eq!(e.to_string(), format!("missing Credentials/{name}"));
    }
    // No Credentials at all: the structure is what is named, not the
    // first member looked for in it.
    let e = output_error::<GetSessionToken>("");
    assert_eq!(e, OutputError::missing("Credentials"));
    assert_eq!(e.to_string(), "missing Credentials");
}

#[test]
fn an_empty_credentials_member_is_named() {
    for (i, name) in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ]
    .into_iter()
    .enumerate()
    {
        let mut members = [Some(KEY_ID), Some(SECRET), Some(TOKEN), Some(EXPIRATION)];
        members[i] = Some(" \n ");
        let [key, secret, token, expiration] = members;
        let e = output_error::<AssumeRole>(&credentials(key, secret, token, expiration));
        assert_eq!(e.element, format!("Credentials/{name}"));
        assert_eq!(e.problem, OutputProblem::Empty);
        assert_eq!(e.to_string(), format!("Credentials/{name} is empty"));
    }
}

#[test]
fn a_bad_expiration_is_not_a_timestamp_and_quotes_its_text() {
    let e = output_error::<AssumeRole>(&credentials(
        Some(KEY_ID),
        Some(SECRET),
        Some(TOKEN),
        Some("next tuesday"),
    ));
    assert_eq!(e.element, "Credentials/Expiration");
    let OutputProblem::NotATimestamp { reason, found } = &e.problem else {
        panic!("{e:?}");
    };
    assert!(!reason.is_empty());
    assert_eq!(found.as_deref(), Some("next tuesday"));
    assert!(
        e.to_string()
            .starts_with("Credentials/Expiration: invalid timestamp \"next tuesday\": "),
        "{e}"
    );

    // GetWebIdentityToken's own Expiration, next to the token it must not quote.
    let e = output_error::<GetWebIdentityToken>(&format!(
        "<WebIdentityToken>{JWT}</WebIdentityToken><Expiration>2015-13-40T00:00:00Z</Expiration>"
    ));
    assert_eq!(e.element, "Expiration");
    assert!(
        matches!(e.problem, OutputProblem::NotATimestamp { .. }),
        "{e:?}"
    );
}

#[test]
fn a_bad_packed_policy_size_is_not_a_number_or_out_of_range() {
    let with_size = |size: &str| {
        format!(
            "{}<PackedPolicySize>{size}</PackedPolicySize>",
            good_credentials()
        )
    };
    let e = output_error::<AssumeRole>(&with_size("six"));
    assert_eq!(e, OutputError::not_a_number("PackedPolicySize", "six"));
    assert_eq!(
        e.to_string(),
        "PackedPolicySize is not a non-negative integer: \"six\""
    );
    let huge = "9".repeat(60);
    for big in ["-1", "4294967296", &huge] {
        let e = output_error::<AssumeRoleWithWebIdentity>(&with_size(big));
        assert_eq!(
            e,
            OutputError::out_of_range("PackedPolicySize", big),
            "{big}"
        );
    }
    let e = output_error::<AssumeRole>(&with_size("  "));
    assert_eq!(e, OutputError::empty("PackedPolicySize"));
    // The largest size is read.
    let body = response("AssumeRole", &with_size("4294967295"));
    let output = parse::<AssumeRole>(200, &HeaderMap::new(), &body).unwrap();
    assert_eq!(output.packed_policy_size, Some(u32::MAX));
}

/// A structure that only describes the session is read with what it has,
/// as botocore reads it: MinIO's answer (`<AssumeRoleId>` for
/// `<AssumedRoleId>`, an empty `<Arn>`) keeps its good credentials.
#[test]
fn an_incomplete_user_structure_is_read_with_what_it_has() {
    let read = |xml: &str| {
        let body = response("AssumeRole", &format!("{}{xml}", good_credentials()));
        let output = parse::<AssumeRole>(200, &HeaderMap::new(), &body).unwrap();
        assert_eq!(output.credentials.access_key_id(), KEY_ID, "{xml}");
        output.assumed_role_user.map(|u| (u.assumed_role_id, u.arn))
    };
    let pair = |id: &str, arn: &str| Some((id.to_owned(), arn.to_owned()));
    assert_eq!(
        read("<AssumedRoleUser><Arn></Arn><AssumeRoleId></AssumeRoleId></AssumedRoleUser>"),
        pair("", "")
    );
    assert_eq!(
        read("<AssumedRoleUser><Arn> arn:aws:sts::1:assumed-role/r/s </Arn></AssumedRoleUser>"),
        pair("", "arn:aws:sts::1:assumed-role/r/s")
    );
    assert_eq!(
        read("<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"),
        pair("AROA:s", "")
    );
    assert_eq!(read("<AssumedRoleUser/>"), pair("", ""));
    assert_eq!(read(""), None);

    let body = response(
        "GetFederationToken",
        &format!(
            "{}<FederatedUser><Arn>arn:aws:sts::1:federated-user/b</Arn></FederatedUser>",
            good_credentials()
        ),
    );
    let user = parse::<GetFederationToken>(200, &HeaderMap::new(), &body)
        .unwrap()
        .federated_user
        .unwrap();
    assert_eq!(
        (user.federated_user_id.as_str(), user.arn.as_str()),
        ("", "arn:aws:sts::1:federated-user/b")
    );
}

#[test]
fn another_document_and_unreadable_xml_have_their_own_reasons() {
    let body = response("GetSessionToken", &good_credentials());
    let err = parse::<AssumeRole>(200, &HeaderMap::new(), &body).unwrap_err();
    assert_eq!(
        err,
        ResponseError::Malformed {
            operation: "AssumeRole",
            status: 200,
            // The body's id, which a wrong document still carries.
            request_id: Some("r-1".into()),
            reason: MalformedReason::UnexpectedDocument {
                expected: "AssumeRole",
                root: "GetSessionTokenResponse".into(),
            },
        }
    );
    assert_eq!(
        err.to_string(),
        "unreadable AssumeRole response: expected a AssumeRoleResponse document, \
         got GetSessionTokenResponse [request id r-1]"
    );
    let err = parse::<AssumeRole>(200, &HeaderMap::new(), b"<AssumeRoleResponse>").unwrap_err();
    assert!(
        matches!(
            err,
            ResponseError::Malformed {
                reason: MalformedReason::Xml(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_complete_result_still_reads() {
    let body = response(
        "AssumeRole",
        &format!(
            "{}<AssumedRoleUser><AssumedRoleId> AROA:s </AssumedRoleId><Arn>arn</Arn></AssumedRoleUser>",
            good_credentials()
        ),
    );
    let output = parse::<AssumeRole>(200, &HeaderMap::new(), &body).unwrap();
    assert_eq!(output.credentials.access_key_id(), KEY_ID);
    let user = output.assumed_role_user.unwrap();
    assert_eq!(user.assumed_role_id, "AROA:s");
    assert_eq!(output.packed_policy_size, None);
}
