//! Behaviour at the edges: bad input, key caching, presign bounds.
//! The AWS test suite itself runs in `tests/sigv4_suite.rs`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderValue, Request};

use super::key::tests::DERIVATIONS;
use super::*;
use crate::Credentials;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtoken+/=";

fn day(n: u64) -> SystemTime {
    // 2015-08-30T12:36:00Z, then whole days after it.
    UNIX_EPOCH + Duration::from_secs(1_440_938_160 + n * 86_400)
}

fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.into()))
}

fn request() -> Request<Vec<u8>> {
    Request::post("https://sts.us-east-1.amazonaws.com/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())
        .unwrap()
}

fn key_for(params: &SigningParams<'_>) -> SigningKey {
    SigningKey::derive(params).unwrap()
}

// ---- bad input, one test per error variant ----

#[test]
fn empty_region_or_service() {
    let c = credentials();
    assert_eq!(
        SigningKey::derive(&SigningParams::new(&c, "", "sts", day(0))).err(),
        Some(SigningError::EmptyRegion)
    );
    assert_eq!(
        SigningKey::derive(&SigningParams::new(&c, "us-east-1", "", day(0))).err(),
        Some(SigningError::EmptyService)
    );
    let mut slot = None;
    assert_eq!(
        SigningKey::get_or_derive(&mut slot, &SigningParams::new(&c, "", "sts", day(0))).err(),
        Some(SigningError::EmptyRegion)
    );
    assert!(slot.is_none());
}

#[test]
fn scope_parts_that_would_change_the_scope() {
    let c = credentials();
    for (region, service, field) in [
        ("us-east-1/x", "sts", "region"),
        ("us east 1", "sts", "region"),
        ("us-east-1", "sts,x", "service"),
        ("us-east-1", "stś", "service"),
        ("us-east-1", "sts\n", "service"),
    ] {
        let err = SigningKey::derive(&SigningParams::new(&c, region, service, day(0))).err();
        match err {
            Some(SigningError::InvalidScope { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{region:?}/{service:?}: {other:?}"),
        }
    }
}

/// What fails the id check is often more than an id: a line of the IAM
/// console's CSV, or the secret key given as the id. The error, which may
/// be logged whole, quotes the id's first four characters only.
#[test]
fn a_bad_access_key_id_is_not_quoted_whole() {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    for (id, expected) in [
        (
            format!("AKIAIOSFODNN7EXAMPLE,{secret}"),
            "the access key id (61 characters, starting \"AKIA\") holds ',' at character 21; \
             an id has no '/', ',', whitespace, control or non-ASCII characters",
        ),
        (
            secret.to_owned(),
            "the access key id (40 characters, starting \"wJal\") holds '/' at character 14; \
             an id has no '/', ',', whitespace, control or non-ASCII characters",
        ),
        (
            "AKID\nSECRETSECRET".to_owned(),
            "the access key id (17 characters, starting \"AKID\") holds '\\n' at character 5; \
             an id has no '/', ',', whitespace, control or non-ASCII characters",
        ),
        (String::new(), "the access key id is empty"),
    ] {
        let c = Credentials::new(id.as_str(), SECRET, None);
        let e = SigningKey::derive(&SigningParams::new(&c, "us-east-1", "sts", day(0)))
            .err()
            .unwrap_or_else(|| panic!("{id:?} was taken"));
        assert_eq!(e.to_string(), expected);
        assert!(!format!("{e:?}").contains("SECRET") && !format!("{e:?}").contains("XUtn"));
    }
}

#[test]
fn access_key_ids_that_would_break_the_credential_field() {
    for id in ["", "AKID/X", "AKID X", "AKID,X", "AKIDÉ", "AKID\t"] {
        let c = Credentials::new(id, SECRET, None);
        assert!(
            matches!(
                SigningKey::derive(&SigningParams::new(&c, "us-east-1", "sts", day(0))),
                Err(SigningError::InvalidAccessKeyId { .. })
            ),
            "{id:?}"
        );
    }
}

/// An empty secret key makes wrong signatures only: refused, naming it
/// (found by a review of the C ABI, which took one and signed with it).
#[test]
fn an_empty_secret_access_key_is_refused() {
    let c = Credentials::new("AKIDEXAMPLE", "", None);
    let e = SigningKey::derive(&SigningParams::new(&c, "us-east-1", "sts", day(0))).unwrap_err();
    assert_eq!(e, SigningError::EmptySecretAccessKey);
    assert_eq!(e.to_string(), "the secret access key is empty");
    let c = Credentials::new("AKIDEXAMPLE", " ", None);
    assert!(SigningKey::derive(&SigningParams::new(&c, "us-east-1", "sts", day(0))).is_ok());
}

#[test]
fn session_token_that_cannot_be_a_header() {
    let c = Credentials::new("AKIDEXAMPLE", SECRET, Some("line1\nline2-SECRET".into()));
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let mut req = request();
    let before = req.headers().clone();
    let err = sign(&mut req, &params, &key_for(&params)).unwrap_err();
    assert_eq!(err, SigningError::InvalidSessionToken);
    assert!(!err.to_string().contains("SECRET"));
    assert!(!format!("{err:?}").contains("SECRET"));
    assert_eq!(
        req.headers(),
        &before,
        "a failed signing must not touch the request"
    );
    // In a URL the token is percent-encoded, so any token will do.
    let mut req = request();
    presign(
        &mut req,
        &params,
        Duration::from_secs(60),
        &key_for(&params),
    )
    .unwrap();
    assert!(
        req.uri()
            .query()
            .unwrap()
            .contains("X-Amz-Security-Token=line1%0Aline2-SECRET")
    );
}

#[test]
fn header_value_that_is_not_utf8() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let mut req = request();
    req.headers_mut().insert(
        "x-custom",
        HeaderValue::from_bytes(b"caf\xe9-SECRET").unwrap(),
    );
    let err = sign(&mut req, &params, &key_for(&params)).unwrap_err();
    assert_eq!(
        err,
        SigningError::InvalidHeaderValue {
            name: "x-custom".into()
        }
    );
    assert!(!err.to_string().contains("SECRET"));
    // UTF-8 beyond ASCII is fine, and signed as is.
    req.headers_mut().insert(
        "x-custom",
        HeaderValue::from_bytes("café".as_bytes()).unwrap(),
    );
    let out = sign(&mut req, &params, &key_for(&params)).unwrap();
    assert!(out.canonical_request().contains("\nx-custom:café\n"));
}

#[test]
fn missing_host() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let key = key_for(&params);
    let mut req = Request::post("/").body(Vec::new()).unwrap();
    assert_eq!(
        sign(&mut req, &params, &key),
        Err(SigningError::MissingHost)
    );
    assert_eq!(
        presign(&mut req, &params, Duration::from_secs(60), &key),
        Err(SigningError::MissingHost)
    );
    req.headers_mut()
        .insert("host", HeaderValue::from_static(" "));
    assert_eq!(
        sign(&mut req, &params, &key),
        Err(SigningError::MissingHost)
    );
    req.headers_mut()
        .insert("host", HeaderValue::from_static("example.com"));
    assert!(sign(&mut req, &params, &key).is_ok());
}

#[test]
fn time_out_of_range() {
    let c = credentials();
    let year_10000 = crate::time::from_unix(253_402_300_800, 0).unwrap();
    let params = SigningParams::new(&c, "us-east-1", "sts", year_10000);
    assert_eq!(
        SigningKey::derive(&params).err(),
        Some(SigningError::TimeOutOfRange)
    );
    let key = key_for(&SigningParams::new(&c, "us-east-1", "sts", day(0)));
    assert_eq!(
        sign(&mut request(), &params, &key),
        Err(SigningError::TimeOutOfRange)
    );
    assert!(!key.matches(&params));
}

#[test]
fn key_mismatch() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let key = key_for(&params);
    let tomorrow = SigningParams::new(&c, "us-east-1", "sts", day(1));
    match sign(&mut request(), &tomorrow, &key) {
        Err(SigningError::KeyMismatch {
            key_scope,
            wanted_scope,
        }) => {
            assert_eq!(key_scope, "AKIDEXAMPLE/20150830/us-east-1/sts");
            assert_eq!(wanted_scope, "AKIDEXAMPLE/20150831/us-east-1/sts");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        presign(&mut request(), &tomorrow, Duration::from_secs(60), &key),
        Err(SigningError::KeyMismatch { .. })
    ));
}

#[test]
fn presign_expiry_bounds() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let key = key_for(&params);
    for (seconds, ok) in [(0, false), (1, true), (604_800, true), (604_801, false)] {
        let mut req = request();
        let result = presign(&mut req, &params, Duration::from_secs(seconds), &key);
        if ok {
            result.unwrap();
            let expires = format!("X-Amz-Expires={seconds}&");
            assert!(req.uri().query().unwrap().contains(&expires));
        } else {
            assert_eq!(result, Err(SigningError::ExpiresOutOfRange { seconds }));
            assert_eq!(req.uri(), request().uri());
        }
    }
    // Fractions of a second are dropped, so half a second is zero.
    assert_eq!(
        presign(&mut request(), &params, Duration::from_millis(500), &key),
        Err(SigningError::ExpiresOutOfRange { seconds: 0 })
    );
    assert_eq!(MIN_EXPIRES_IN, Duration::from_secs(1));
    assert_eq!(MAX_EXPIRES_IN, Duration::from_secs(7 * 24 * 3600));
}

#[test]
fn presigning_twice_is_refused() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let key = key_for(&params);
    let mut req = request();
    presign(&mut req, &params, Duration::from_secs(60), &key).unwrap();
    let once = req.uri().clone();
    assert_eq!(
        presign(&mut req, &params, Duration::from_secs(60), &key),
        Err(SigningError::AlreadyPresigned {
            parameter: "X-Amz-Algorithm"
        })
    );
    assert_eq!(req.uri(), &once);
    let mut req = Request::get("https://h/?x-amz-signature=1")
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        presign(&mut req, &params, Duration::from_secs(60), &key),
        Err(SigningError::AlreadyPresigned {
            parameter: "X-Amz-Signature"
        })
    );
}

#[test]
fn every_error_message_names_its_input() {
    let messages = [
        SigningError::EmptyRegion.to_string(),
        SigningError::EmptyService.to_string(),
        SigningError::InvalidScope {
            field: "region",
            value: "a/b".into(),
        }
        .to_string(),
        SigningError::InvalidAccessKeyId {
            start: "A/B".into(),
            length: 3,
            bad: Some((2, '/')),
        }
        .to_string(),
        SigningError::InvalidSessionToken.to_string(),
        SigningError::InvalidHeaderValue { name: "x-h".into() }.to_string(),
        SigningError::MissingHost.to_string(),
        SigningError::TimeOutOfRange.to_string(),
        SigningError::ExpiresOutOfRange { seconds: 0 }.to_string(),
        SigningError::AlreadyPresigned {
            parameter: "X-Amz-Date",
        }
        .to_string(),
        SigningError::InvalidUri {
            reason: "bad".into(),
        }
        .to_string(),
    ];
    let wanted = [
        "region",
        "service",
        "\"a/b\"",
        "\"A/B\"",
        "session token",
        "\"x-h\"",
        "host",
        "signing time",
        "not 0",
        "X-Amz-Date",
        "bad",
    ];
    for (message, word) in messages.iter().zip(wanted) {
        assert!(
            message.contains(word),
            "{message:?} should mention {word:?}"
        );
    }
}

// ---- key caching ----

#[test]
fn a_cached_key_signs_like_a_fresh_one_without_deriving() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let mut slot = None;
    let derived_before = DERIVATIONS.with(|n| n.get());
    let first = sign(
        &mut request(),
        &params,
        SigningKey::get_or_derive(&mut slot, &params).unwrap(),
    )
    .unwrap();
    let later = params.time + Duration::from_secs(3600);
    let params_later = SigningParams {
        time: later,
        ..params
    };
    let cached = sign(
        &mut request(),
        &params_later,
        SigningKey::get_or_derive(&mut slot, &params_later).unwrap(),
    )
    .unwrap();
    assert_eq!(
        DERIVATIONS.with(|n| n.get()) - derived_before,
        1,
        "the second signing re-derived"
    );
    let fresh = sign(&mut request(), &params_later, &key_for(&params_later)).unwrap();
    assert_eq!(cached.signature(), fresh.signature());
    assert_ne!(
        first.signature(),
        cached.signature(),
        "x-amz-date differs, so must the signature"
    );
}

#[test]
fn a_stale_key_is_detected_and_replaced() {
    let c = credentials();
    let other = Credentials::new("AKIDOTHER", SECRET, None);
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let key = key_for(&params);
    assert!(key.matches(&params));
    // Any time of the same UTC day is fine.
    let end_of_day = UNIX_EPOCH + Duration::from_secs(1_440_979_199);
    assert!(key.matches(&SigningParams {
        time: end_of_day,
        ..params
    }));
    for stale in [
        SigningParams {
            time: end_of_day + Duration::from_secs(1),
            ..params
        },
        SigningParams {
            region: "eu-west-1",
            ..params
        },
        SigningParams {
            service: "iam",
            ..params
        },
        SigningParams {
            credentials: &other,
            ..params
        },
    ] {
        assert!(!key.matches(&stale), "{stale:?}");
        let mut slot = Some(key.clone());
        let before = DERIVATIONS.with(|n| n.get());
        let refreshed = SigningKey::get_or_derive(&mut slot, &stale).unwrap();
        assert!(refreshed.matches(&stale));
        assert_eq!(DERIVATIONS.with(|n| n.get()) - before, 1);
    }
}

// ---- what signing does to the request ----

#[test]
fn sign_sets_the_headers_and_can_sign_again() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let key = key_for(&params);
    let mut req = request();
    req.headers_mut()
        .insert("user-agent", HeaderValue::from_static("sts-rs/0.1"));
    let first = sign(&mut req, &params, &key).unwrap();
    let h = req.headers();
    assert_eq!(h["host"], "sts.us-east-1.amazonaws.com");
    assert_eq!(h["x-amz-date"], "20150830T123600Z");
    assert_eq!(h["x-amz-security-token"], TOKEN);
    assert!(h["x-amz-security-token"].is_sensitive());
    assert!(h["authorization"].is_sensitive());
    assert!(h.get("x-amz-content-sha256").is_none());
    let authorization = h["authorization"].to_str().unwrap();
    assert_eq!(
        authorization,
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature={}",
            first.signature()
        )
    );
    // user-agent is on the unsigned list.
    assert!(!first.canonical_request().contains("user-agent"));
    // Signing again (a retry) replaces rather than duplicates.
    let second = sign(&mut req, &params, &key).unwrap();
    assert_eq!(first, second);
    assert_eq!(req.headers().get_all("authorization").iter().count(), 1);
    assert_eq!(req.headers().len(), 6);
}

#[test]
fn content_sha256_and_unsigned_payload() {
    let c = Credentials::new("AKIDEXAMPLE", SECRET, None);
    let settings = SigningSettings {
        content_sha256_header: true,
        payload: PayloadHash::Unsigned,
        ..SigningSettings::default()
    };
    let params = SigningParams::new(&c, "us-east-1", "s3", day(0)).with_settings(settings);
    let mut req = request();
    let out = sign(&mut req, &params, &key_for(&params)).unwrap();
    assert_eq!(req.headers()["x-amz-content-sha256"], UNSIGNED_PAYLOAD);
    assert!(
        out.canonical_request()
            .ends_with("\ncontent-type;host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD")
    );
    let mut req = request();
    let out = presign(&mut req, &params, Duration::from_secs(5), &key_for(&params)).unwrap();
    assert!(
        out.canonical_request()
            .ends_with("\ncontent-type;host\nUNSIGNED-PAYLOAD"),
        "{out:?}"
    );
    assert!(req.headers().get("x-amz-content-sha256").is_none());
}

#[test]
fn content_sha256_is_replaced_rather_than_duplicated() {
    // No session token, so x-amz-date and x-amz-content-sha256 are the
    // only headers the signer replaces.
    let c = Credentials::new("AKIDEXAMPLE", SECRET, None);
    let settings = SigningSettings {
        content_sha256_header: true,
        payload: PayloadHash::Unsigned,
        ..SigningSettings::default()
    };
    let params = SigningParams::new(&c, "us-east-1", "s3", day(0)).with_settings(settings);
    let key = key_for(&params);
    let content_sha256_lines = |out: &SigningOutput| {
        out.canonical_request()
            .lines()
            .filter(|l| l.starts_with("x-amz-content-sha256:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // Signing again (a retry) gives the same canonical request and
    // signature: the header the first signature set is not signed twice.
    let mut req = request();
    let first = sign(&mut req, &params, &key).unwrap();
    let second = sign(&mut req, &params, &key).unwrap();
    assert_eq!(first, second);
    assert_eq!(
        content_sha256_lines(&second),
        ["x-amz-content-sha256:UNSIGNED-PAYLOAD"]
    );
    // A value the caller set is replaced too, in the signature and in the
    // request.
    let mut req = request();
    req.headers_mut()
        .insert("x-amz-content-sha256", HeaderValue::from_static("bogus"));
    let out = sign(&mut req, &params, &key).unwrap();
    assert_eq!(out, first);
    assert!(!out.canonical_request().contains("bogus"), "{out:?}");
    assert_eq!(
        content_sha256_lines(&out),
        ["x-amz-content-sha256:UNSIGNED-PAYLOAD"]
    );
    let values: Vec<_> = req
        .headers()
        .get_all("x-amz-content-sha256")
        .iter()
        .collect();
    assert_eq!(values, [UNSIGNED_PAYLOAD]);
}

#[test]
fn token_signed_or_added_after() {
    let c = credentials();
    let signed = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let after = signed.with_settings(SigningSettings {
        session_token: SessionTokenMode::AddedAfterSigning,
        ..SigningSettings::default()
    });
    let key = key_for(&signed);
    let mut req = request();
    let out = sign(&mut req, &after, &key).unwrap();
    assert!(!out.canonical_request().contains("x-amz-security-token"));
    assert_eq!(req.headers()["x-amz-security-token"], TOKEN);
    let mut req = request();
    let out = presign(&mut req, &after, Duration::from_secs(5), &key).unwrap();
    assert!(!out.canonical_request().contains("X-Amz-Security-Token"));
    assert!(
        req.uri()
            .query()
            .unwrap()
            .contains("&X-Amz-Security-Token=")
    );
    let mut req = request();
    let out = presign(&mut req, &signed, Duration::from_secs(5), &key).unwrap();
    assert!(out.canonical_request().contains("&X-Amz-Security-Token="));
    assert!(!format!("{out:?}").contains("EXAMPLEtoken"));
}

#[test]
fn odd_uris_sign_without_panicking() {
    let c = credentials();
    let params = SigningParams::new(&c, "us-east-1", "sts", day(0));
    let key = key_for(&params);
    for uri in [
        "https://h/%",
        "https://h/%%41/%zz/..%2F../",
        "https://h/a/../../..",
        "https://h/?",
        "https://h/?&&=&=x&%&%G0=%",
        "https://h/?a=1&a=1&a",
        "https://h/ሴ/%E1%88?ሴ=%ff%FE",
        "https://h:65535/x",
        "https://h:/x",
        "https://user@h/",
        "http://[::1]:8080/",
        "h:443",
        "*",
    ] {
        let settings_variants = [
            SigningSettings::default(),
            SigningSettings {
                normalize_path: false,
                double_encode: false,
                ..SigningSettings::default()
            },
        ];
        for settings in settings_variants {
            let params = params.with_settings(settings);
            let mut req = Request::get(uri).body(Vec::new()).unwrap();
            let _ = sign(&mut req, &params, &key);
            let mut req = Request::get(uri).body(Vec::new()).unwrap();
            let _ = presign(&mut req, &params, Duration::from_secs(5), &key);
        }
    }
}

#[test]
fn the_texts_are_written_where_they_were_first_placed() {
    use super::canonical::{append_string_to_sign, string_to_sign_len};
    // The canonical request holds the session token: its buffer must not
    // move (a moved `String` leaves the old buffer unwiped).
    let mut text = String::with_capacity(8);
    text.push_str("GET\n/\n");
    let (stamp, scope) = ("20150830T123600Z", "20150830/us-east-1/sts/aws4_request");
    let start = append_string_to_sign(&mut text, stamp, scope);
    assert_eq!(text.len(), start + string_to_sign_len(stamp, scope));
    let mut text = String::with_capacity(6 + string_to_sign_len(stamp, scope));
    text.push_str("GET\n/\n");
    let at = text.as_ptr();
    append_string_to_sign(&mut text, stamp, scope);
    assert_eq!(text.as_ptr(), at);
    assert!(
        text.starts_with("GET\n/\nAWS4-HMAC-SHA256\n20150830T123600Z\n"),
        "{text}"
    );
}

#[test]
fn the_canonical_request_is_written_into_one_block_with_room_for_the_rest() {
    use super::canonical::{
        RequestParts, append_string_to_sign, max_len, string_to_sign_len, write,
    };
    use super::headers::SignedHeaders;
    // The canonical request holds the session token: the block reserved
    // for it must not grow while it is written (the old block would be
    // freed unwiped), and must leave room for the string to sign.
    let (stamp, scope) = ("20150830T123600Z", "20150830/us-east-1/sts/aws4_request");
    let then = string_to_sign_len(stamp, scope);
    let token = TOKEN.repeat(28);
    assert!(token.len() > 1024);
    // The SHA-256 of nothing.
    let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    // Every byte of `ሴ` is encoded (`%E1%88%B4`): three times the path.
    let long_path = format!("/{}", "ሴ".repeat(100));
    // Every `!` is encoded (`%21`), and the name without value gets an `=`.
    let long_query = "!".repeat(200);
    // Presigning's parameters; and short ones, each with its `=` and `&`.
    let presign_query = [
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Date", stamp),
    ];
    let short_query = [("a", ""); 20];
    let mut sts_headers = http::HeaderMap::new();
    sts_headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
    );
    let sts_added = [
        ("host", "sts.us-east-1.amazonaws.com"),
        ("x-amz-date", stamp),
        ("x-amz-security-token", token.as_str()),
    ];
    let no_headers = http::HeaderMap::new();
    // (method, path, query, added query, headers, added headers, payload)
    type Case<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a [(&'a str, &'a str)],
        &'a http::HeaderMap,
        &'a [(&'a str, &'a str)],
        &'a str,
    );
    let cases: [Case<'_>; 6] = [
        // Nothing at all: five newlines and the `/` of the empty path.
        ("", "", None, &[], &no_headers, &[], ""),
        // A signed STS request with a kilobyte-long session token.
        ("POST", "/", None, &[], &sts_headers, &sts_added, hex),
        // A long path to encode, and no headers.
        ("GET", &long_path, None, &[], &no_headers, &[], ""),
        // A long raw query to encode, and an empty path.
        ("GET", "", Some(&long_query), &[], &no_headers, &[], hex),
        // A presigned URL's added parameters only.
        (
            "GET",
            "/",
            None,
            &presign_query,
            &sts_headers,
            &sts_added[..1],
            UNSIGNED_PAYLOAD,
        ),
        // Many short added parameters: `a=&a=&…`.
        ("GET", "/", None, &short_query, &no_headers, &[], hex),
    ];
    for (i, (method, path, query, added_query, headers, added, payload_hash)) in
        cases.into_iter().enumerate()
    {
        let headers = SignedHeaders::collect(headers, &[], added).unwrap();
        let parts = RequestParts {
            method,
            path,
            query,
            added_query,
            headers: &headers,
            payload_hash,
        };
        let mut text = String::new();
        write(&parts, &SigningSettings::default(), &mut text, then);
        if i == 0 {
            assert_eq!(text, "\n/\n\n\n\n");
        }
        // Written within the bound that was reserved: no growth.
        let bound = max_len(&parts);
        assert!(text.len() <= bound, "case {i}: {} > {bound}", text.len());
        // One block, sized by the bound rather than a multiple of it.
        let (at, capacity) = (text.as_ptr(), text.capacity());
        assert!(capacity < 2 * (bound + then), "case {i}: {capacity}");
        // The string to sign goes into the same block.
        append_string_to_sign(&mut text, stamp, scope);
        assert_eq!(text.as_ptr(), at, "case {i}");
        assert_eq!(text.capacity(), capacity, "case {i}");
    }
}

#[test]
fn a_too_small_buffer_is_moved_once_into_one_of_the_right_size() {
    use super::canonical::{append_string_to_sign, string_to_sign_len};
    let (stamp, scope) = ("20150830T123600Z", "20150830/us-east-1/sts/aws4_request");
    let needed = string_to_sign_len(stamp, scope);
    // 20 bytes to spare: fewer than the string to sign's 134 (16 for the
    // algorithm, 16 for the stamp, 35 for the scope, 3 newlines and 64 hex
    // digits), though capacity plus length, 220, is more.
    assert_eq!(needed, 134);
    let mut text = String::with_capacity(120);
    text.push_str(&"x".repeat(100));
    let start = append_string_to_sign(&mut text, stamp, scope);
    assert_eq!(start, 100);
    assert_eq!(text.len(), 100 + needed);
    // Moved once into `String::with_capacity(start + needed)`, not grown
    // push by push (which leaves the old blocks unwiped, and ends at 240,
    // doubling 120). std allocates exactly the capacity asked for; the
    // docs allow more, but the signer's `authorization` relies on it too.
    assert_eq!(text.capacity(), text.len());
    // The hash is `sha256sum` of the hundred `x`s.
    assert_eq!(
        &text[100..],
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sts/aws4_request\n\
         09ecb6ebc8bcefc733f6f2ec44f791abeed6a99edf0cc31519637898aebd52d8"
    );
}
