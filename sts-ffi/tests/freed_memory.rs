//! Secrets do not outlive their use in freed memory: a global allocator
//! looks into every block as it is freed, and the test fails when one still
//! holds a secret (the session token the client signs with, a web identity
//! token, SAML assertion, trade-in token or MFA code it sends, the secret
//! key and session token it receives, a credential_process secret).
//!
//! It lives in `sts-ffi` because looking into freed blocks needs `unsafe`,
//! which only this crate may have; it checks the Rust crates under it. The
//! transport is in memory and wipes what it is handed, as the default
//! transport's caller cannot reach `ureq`'s own buffers (see the crate docs
//! of `sts-blocking::log_safety` and `UreqTransport`).

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use sts_blocking::Client;
use sts_blocking::credentials::{
    ContainerProvider, ImdsProvider, LoginProvider, ProfileProvider, ProvideCredentials,
    ProviderConfig, SsoSession,
};
use sts_blocking::env::MapEnv;
use sts_blocking::transport::{Transport, TransportError};
use sts_proto::Credentials;
use sts_proto::ops::*;
use sts_proto::xml::XmlLimits;

const SIGNING_SECRET: &[u8] = b"FREEDSIGNINGSECRETd81f";
const SIGNING_TOKEN: &[u8] = b"FREEDSIGNINGTOKEN4e2a";
const WEB_IDENTITY_TOKEN: &[u8] = b"FREEDWEBIDTOKEN77c3";
const SAML_ASSERTION: &[u8] = b"FREEDSAMLASSERTION90b1";
const TRADE_IN_TOKEN: &[u8] = b"FREEDTRADEINTOKEN3d5e";
const TOKEN_CODE: &[u8] = b"918273";
const ANSWER_SECRET: &[u8] = b"FREEDANSWERSECRETa6b4";
const ANSWER_TOKEN: &[u8] = b"FREEDANSWERTOKENf00d";
const ANSWER_JWT: &[u8] = b"FREEDANSWERJWT2c8d";
const CONTAINER_TOKEN: &[u8] = b"FREEDCONTAINERTOKEN5a1e";
const IMDS_TOKEN: &[u8] = b"FREEDIMDSTOKEN0b7f";

const NEEDLES: &[&[u8]] = &[
    SIGNING_SECRET,
    SIGNING_TOKEN,
    WEB_IDENTITY_TOKEN,
    SAML_ASSERTION,
    TRADE_IN_TOKEN,
    ANSWER_SECRET,
    ANSWER_TOKEN,
    ANSWER_JWT,
    CONTAINER_TOKEN,
    IMDS_TOKEN,
    TOKEN_CODE,
];

/// Whether freed blocks are looked into now.
static ARMED: AtomicBool = AtomicBool::new(false);
/// Freed blocks that still held a needle, by needle.
static HITS: [AtomicUsize; NEEDLES.len()] = [const { AtomicUsize::new(0) }; NEEDLES.len()];
/// The size of the last such block, for the failure message.
static LAST_HIT_SIZE: AtomicUsize = AtomicUsize::new(0);
/// A signing key's two HMAC states (see [`signing_key_states`]), once a
/// test has worked them out, and the freed blocks that still held one.
static KEY_STATES: OnceLock<[[u8; 32]; 2]> = OnceLock::new();
static KEY_STATE_HITS: AtomicUsize = AtomicUsize::new(0);
/// Blocks looked into (a check of the check).
static SCANNED: AtomicUsize = AtomicUsize::new(0);

/// Which operations the in-memory transport answered, by their index in
/// the registry (`sts_proto::ops::ACTIONS`): the check covers them all.
static SERVED: [AtomicBool; ACTIONS.len()] = [const { AtomicBool::new(false) }; ACTIONS.len()];

struct Scanning;

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

// SAFETY: every call is passed on to `System`; `dealloc` only reads the
// block it is handed, which is still allocated at that point.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` points to `layout.size()` live bytes until the
        // `System.dealloc` below, and nothing else refers to them now.
        let block = unsafe { std::slice::from_raw_parts_mut(ptr, layout.size()) };
        if ARMED.load(Ordering::Relaxed) {
            SCANNED.fetch_add(1, Ordering::Relaxed);
            for (i, needle) in NEEDLES.iter().enumerate() {
                if block.windows(needle.len()).any(|w| w == *needle) {
                    HITS[i].fetch_add(1, Ordering::Relaxed);
                    LAST_HIT_SIZE.store(layout.size(), Ordering::Relaxed);
                }
            }
            for state in KEY_STATES.get().into_iter().flatten() {
                if block.windows(state.len()).any(|w| w == state) {
                    KEY_STATE_HITS.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        // Every freed block is zeroed, so that a block handed out again
        // never carries old bytes in its unwritten capacity: a secret left
        // by the test's own set-up must not count against the code under
        // test, and one found once must not be found again.
        block.fill(0);
        unsafe { System.dealloc(ptr, layout) }
    }
    // `realloc` is left to the default, which allocates, copies and calls
    // `dealloc` on the old block: a buffer that grew is looked into too.
}

/// The answers a server would give, keyed by action; the transport wipes
/// the request it is handed, as a careful transport should.
/// The answers are made before the check starts, so that the only copy
/// of an answer made during it is the one handed to the client.
#[derive(Debug)]
struct InMemory {
    answers: Vec<(&'static str, Vec<u8>)>,
}

impl InMemory {
    fn new() -> Self {
        Self {
            answers: ACTIONS
                .iter()
                .map(|a| (*a, answer_for(a).into_bytes()))
                .collect(),
        }
    }
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

fn credentials_xml() -> String {
    format!(
        "<Credentials><AccessKeyId>ASIAANSWER</AccessKeyId>\
         <SecretAccessKey>{}</SecretAccessKey><SessionToken>{}</SessionToken>\
         <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>",
        text(ANSWER_SECRET),
        text(ANSWER_TOKEN)
    )
}

fn answer_for(action: &str) -> String {
    let user = "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
                <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>";
    let result = match action {
        "GetCallerIdentity" => "<Arn>arn:aws:iam::1:user/u</Arn><UserId>AIDA</UserId>\
                                <Account>123456789012</Account>"
            .to_owned(),
        "AssumeRole" | "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity" => {
            format!("{}{user}", credentials_xml())
        }
        "GetAccessKeyInfo" => "<Account>123456789012</Account>".to_owned(),
        "DecodeAuthorizationMessage" => "<DecodedMessage>{}</DecodedMessage>".to_owned(),
        "GetWebIdentityToken" => format!(
            "<WebIdentityToken>{}</WebIdentityToken><Expiration>2030-01-01T00:00:00Z</Expiration>",
            text(ANSWER_JWT)
        ),
        "GetFederationToken" => format!(
            "{}<FederatedUser><FederatedUserId>1:f</FederatedUserId>\
             <Arn>arn:aws:sts::1:federated-user/f</Arn></FederatedUser>",
            credentials_xml()
        ),
        _ => credentials_xml(),
    };
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
    )
}

impl Drop for InMemory {
    fn drop(&mut self) {
        for (_, answer) in &mut self.answers {
            zeroize::Zeroize::zeroize(answer);
        }
    }
}

impl Transport for InMemory {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        // The credential endpoints: a container's and instance metadata.
        let path = request.uri().path().to_owned();
        let endpoint_answer = match path.as_str() {
            "/creds" => Some(metadata_document()),
            "/latest/api/token" => Some(text(IMDS_TOKEN).to_owned()),
            "/latest/meta-data/iam/security-credentials/" => Some("role".to_owned()),
            "/latest/meta-data/iam/security-credentials/role" => Some(metadata_document()),
            _ => None,
        };
        if let Some(answer) = endpoint_answer {
            drop(request);
            return Ok(http::Response::builder()
                .status(200)
                .body(answer.into_bytes())
                .unwrap());
        }
        let (parts, mut body) = request.into_parts();
        let answer = {
            let form = std::str::from_utf8(&body).unwrap_or_default();
            let action = form
                .split('&')
                .find_map(|p| p.strip_prefix("Action="))
                .unwrap_or("GetCallerIdentity");
            if let Some(index) = ACTIONS.iter().position(|a| *a == action) {
                SERVED[index].store(true, Ordering::Relaxed);
            }
            self.answers
                .iter()
                .find(|(a, _)| *a == action)
                .map(|(_, answer)| answer.clone())
                .unwrap_or_default()
        };
        zeroize::Zeroize::zeroize(&mut body);
        drop(parts);
        Ok(http::Response::builder().status(200).body(answer).unwrap())
    }
}

/// The JSON credentials document of a container endpoint and of instance
/// metadata, with the answer's secrets.
fn metadata_document() -> String {
    format!(
        "{{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAENDPOINT\",\"SecretAccessKey\":\"{}\",\
         \"Token\":\"{}\",\"Expiration\":\"2030-01-01T00:00:00Z\"}}",
        text(ANSWER_SECRET),
        text(ANSWER_TOKEN)
    )
}

fn every_operation(client: &Client) {
    let code = text(TOKEN_CODE);
    let mfa = "arn:aws:iam::123456789012:mfa/me";
    client.get_caller_identity().unwrap();
    drop(
        client
            .get_session_token(&GetSessionToken::new().mfa(mfa, code))
            .unwrap(),
    );
    drop(
        client
            .assume_role(
                &AssumeRole::new("arn:aws:iam::123456789012:role/r", "session").mfa(mfa, code),
            )
            .unwrap(),
    );
    drop(
        client
            // A long policy after the token: the form body grows after
            // the token is in it.
            .assume_role_with_web_identity(
                &AssumeRoleWithWebIdentity::new(
                    "arn:aws:iam::123456789012:role/r",
                    "session",
                    text(WEB_IDENTITY_TOKEN),
                )
                .policy(format!(
                    "{{\"Version\":\"2012-10-17\",\"x\":\"{}\"}}",
                    "y".repeat(1500)
                )),
            )
            .unwrap(),
    );
    drop(
        client
            .assume_role_with_saml(&AssumeRoleWithSaml::new(
                "arn:aws:iam::123456789012:role/r",
                "arn:aws:iam::123456789012:saml-provider/p",
                text(SAML_ASSERTION),
            ))
            .unwrap(),
    );
    drop(
        client
            .get_delegated_access_token(&GetDelegatedAccessToken::new(text(TRADE_IN_TOKEN)))
            .unwrap(),
    );
    drop(
        client
            .get_access_key_info(&GetAccessKeyInfo::new("AKIAIOSFODNN7EXAMPLE"))
            .unwrap(),
    );
    drop(
        client
            .decode_authorization_message(&DecodeAuthorizationMessage::new("encoded"))
            .unwrap(),
    );
    drop(
        client
            .get_web_identity_token(&GetWebIdentityToken::new("https://aud", "RS256"))
            .unwrap(),
    );
    drop(
        client
            .get_federation_token(&GetFederationToken::new("fed"))
            .unwrap(),
    );
    drop(
        client
            .get_scoped_credentials(&GetScopedCredentials::with_duration(900))
            .unwrap(),
    );
    drop(
        client
            .assume_root(&AssumeRoot::new(
                "111122223333",
                "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
            ))
            .unwrap(),
    );
}

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn hits() -> Vec<(String, usize)> {
    NEEDLES
        .iter()
        .zip(&HITS)
        .map(|(n, h)| (text(n).to_owned(), h.load(Ordering::Relaxed)))
        .filter(|(_, h)| *h > 0)
        .collect()
}

/// Runs `run` with the counts reset and freed blocks looked into, and
/// gives what it gave.
fn scanning<R>(run: impl FnOnce() -> R) -> R {
    reset();
    ARMED.store(true, Ordering::SeqCst);
    let result = run();
    ARMED.store(false, Ordering::SeqCst);
    result
}

fn reset() {
    for h in &HITS {
        h.store(0, Ordering::Relaxed);
    }
    SCANNED.store(0, Ordering::Relaxed);
    KEY_STATE_HITS.store(0, Ordering::Relaxed);
    for served in &SERVED {
        served.store(false, Ordering::Relaxed);
    }
}

#[test]
fn no_secret_is_left_in_freed_memory_by_a_call() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let client = Client::builder()
        .region("us-east-1")
        .transport(InMemory::new())
        .credentials(Credentials::new(
            "AKIDCLIENT",
            text(SIGNING_SECRET),
            Some(text(SIGNING_TOKEN).into()),
        ))
        .build()
        .unwrap();
    // A first call outside the check: one-time set-up (the signing key, the
    // logger) is not what this test is about.
    client.get_caller_identity().unwrap();
    scanning(|| {
        every_operation(&client);
        drop(client);
    });
    let hits = hits();
    assert!(
        SCANNED.load(Ordering::Relaxed) > 100,
        "the allocator looked"
    );
    let missed: Vec<&str> = ACTIONS
        .iter()
        .zip(&SERVED)
        .filter(|(_, served)| !served.load(Ordering::Relaxed))
        .map(|(action, _)| *action)
        .collect();
    assert!(
        missed.is_empty(),
        "every_operation does not call {missed:?}"
    );
    assert!(
        hits.is_empty(),
        "freed blocks still held secrets (needle, blocks): {hits:?}; last block {} bytes",
        LAST_HIT_SIZE.load(Ordering::Relaxed)
    );
}

#[test]
fn the_check_sees_an_unwiped_secret() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    scanning(|| drop(std::hint::black_box(ANSWER_SECRET.to_vec())));
    assert_eq!(hits(), [(text(ANSWER_SECRET).to_owned(), 1)]);
}

/// A document read with `sts_proto::xml::parse` holds the texts of its
/// leaves in two buffers: the body's text, and the texts written out (here
/// the secret key, which an entity follows). Dropping the document wipes
/// both. The client's calls read into the thread's kept buffers and wipe
/// them without a drop, so only this test sees the drop's wipe.
#[test]
fn no_secret_is_left_in_freed_memory_by_a_dropped_document() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let body = format!(
        "<R><Key>{}&amp;</Key><Token>{}</Token></R>",
        text(ANSWER_SECRET),
        text(ANSWER_TOKEN)
    );
    let read = scanning(|| {
        let doc = sts_proto::xml::parse(body.as_bytes(), &XmlLimits::default()).unwrap();
        (doc.get("Key").map(str::len), doc.get("Token").map(str::len))
    });
    assert_eq!(
        read,
        (Some(ANSWER_SECRET.len() + 1), Some(ANSWER_TOKEN.len()))
    );
    let hits = hits();
    assert!(
        hits.is_empty(),
        "freed blocks still held secrets (needle, blocks): {hits:?}; last block {} bytes",
        LAST_HIT_SIZE.load(Ordering::Relaxed)
    );
}

/// `sigv4::sign` hands back the canonical request it signed, which names
/// the session token; dropping the output wipes it. The client signs in
/// place, into the thread's kept buffer, so only this test sees the wipe.
#[test]
fn no_secret_is_left_in_freed_memory_by_a_dropped_signing_output() {
    use sts_proto::sigv4::{self, SigningKey, SigningParams};
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let credentials = Credentials::new(
        "AKIDFREED",
        text(SIGNING_SECRET),
        Some(text(SIGNING_TOKEN).into()),
    );
    let now = std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let params = SigningParams::new(&credentials, "us-east-1", "sts", now);
    let key = SigningKey::derive(&params).unwrap();
    let mut request = request_for_sts();
    let named = scanning(|| {
        let output = sigv4::sign(&mut request, &params, &key).unwrap();
        let named = output.canonical_request().contains(text(SIGNING_TOKEN));
        drop(output);
        drop(request);
        named
    });
    assert!(named, "the canonical request names the session token");
    let hits = hits();
    assert!(
        hits.is_empty(),
        "freed blocks still held secrets (needle, blocks): {hits:?}; last block {} bytes",
        LAST_HIT_SIZE.load(Ordering::Relaxed)
    );

    // A token that cannot be a header value fails the signing after the
    // canonical request naming it was written: that text is wiped too.
    let broken = Credentials::new(
        "AKIDFREED",
        text(SIGNING_SECRET),
        Some(format!("{}\n", text(SIGNING_TOKEN)).into()),
    );
    let params = SigningParams::new(&broken, "us-east-1", "sts", now);
    let failed = scanning(|| sigv4::sign(&mut request_for_sts(), &params, &key).is_err());
    assert!(failed, "a token with a line break cannot be sent");
    let left = self::hits();
    assert!(
        left.is_empty(),
        "a failed signing left secrets in freed blocks (needle, blocks): {left:?}"
    );
}

/// A signing key is kept as HMAC-SHA256 already keyed with it: the
/// compressed states of its two padded blocks, which stand for the key
/// (anyone holding them can sign). They are worked out here from the
/// key's derivation, as SHA-256's state words in memory order, and a
/// dropped key must leave neither in freed memory.
#[test]
fn no_signing_key_is_left_in_freed_memory_by_a_dropped_key() {
    use sts_proto::sigv4::{SigningKey, SigningParams};
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let credentials = Credentials::new("AKIDFREED", text(SIGNING_SECRET), None);
    let params = SigningParams::new(&credentials, "us-east-1", "sts", key_time());
    key_states();
    let key = Box::new(SigningKey::derive(&params).unwrap());
    // A signature clones the keyed states; the clone is dropped too.
    let signed = scanning(|| {
        let signed = sts_proto::sigv4::sign(&mut request_for_sts(), &params, &key).is_ok();
        drop(key);
        signed
    });
    assert!(signed, "the key signs");
    assert!(SCANNED.load(Ordering::Relaxed) > 0, "the allocator looked");
    assert_eq!(
        KEY_STATE_HITS.load(Ordering::Relaxed),
        0,
        "freed blocks still held the signing key's HMAC states"
    );
}

/// The check above finds the states where they are: a block holding one,
/// freed unwiped, counts.
#[test]
fn the_check_sees_an_unwiped_signing_key_state() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut block = vec![7u8; 100];
    block[10..42].copy_from_slice(&key_states()[1]);
    scanning(|| drop(std::hint::black_box(block)));
    assert_eq!(KEY_STATE_HITS.load(Ordering::Relaxed), 1);
}

/// When the key tests sign: 2027-01-15.
fn key_time() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

/// The HMAC states of the key those tests derive (from `SIGNING_SECRET`
/// for `us-east-1`, `sts` and the day of [`key_time`]), worked out once
/// and looked for in every freed block from then on.
fn key_states() -> &'static [[u8; 32]; 2] {
    KEY_STATES.get_or_init(|| {
        let day = sts_proto::time::format_timestamp(key_time());
        let date: String = day.chars().take(10).filter(|c| *c != '-').collect();
        signing_key_states(SIGNING_SECRET, &date, "us-east-1", "sts")
    })
}

/// The SHA-256 states after the inner (`0x36`) and outer (`0x5c`) padded
/// blocks of the SigV4 signing key for `secret`, `date`, `region` and
/// `service`, each as its eight words lie in memory.
fn signing_key_states(secret: &[u8], date: &str, region: &str, service: &str) -> [[u8; 32]; 2] {
    use hmac::{Hmac, KeyInit, Mac};
    let hmac = |key: &[u8], message: &str| -> Vec<u8> {
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let mut key = hmac(&[b"AWS4", secret].concat(), date);
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part);
    }
    [0x36u8, 0x5c].map(|pad| {
        let mut block = [pad; 64];
        for (b, k) in block.iter_mut().zip(&key) {
            *b ^= k;
        }
        // SHA-256's initial state (FIPS 180-4, 5.3.3).
        let mut state: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        sha2::block_api::compress256(&mut state, &[block]);
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_ne_bytes());
        }
        bytes
    })
}

fn request_for_sts() -> http::Request<Vec<u8>> {
    let mut request = http::Request::new(b"Action=GetCallerIdentity".to_vec());
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = "https://sts.us-east-1.amazonaws.com/".parse().unwrap();
    request
}

/// The console login session of the `login-bad` profile.
const LOGIN_SESSION: &str = "arn:aws:sts::123456789012:assumed-role/Admin/admin";

/// Profile files with static keys, a web identity token file and a
/// `credential_process`, in a scratch folder (removed when dropped).
fn credential_sources() -> (sts_tests::ScratchDir, ProviderConfig) {
    let dir = sts_tests::ScratchDir::new("freed-memory");
    std::fs::write(dir.join("token"), WEB_IDENTITY_TOKEN).unwrap();
    let config = format!(
        "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/w\n\
         web_identity_token_file = {token}\nregion = us-east-1\n\
         [profile process]\ncredential_process = cat {output}\n\
         [profile process-v2]\ncredential_process = cat {output_v2}\n\
         [profile process-bad]\ncredential_process = cat {output_bad}\n\
         [profile process-nested]\ncredential_process = cat {output_nested}\n\
         [profile process-dupkey]\ncredential_process = cat {output_dupkey}\n\
         [profile sso-bad]\nsso_session = bad\nsso_account_id = 123456789012\n\
         sso_role_name = r\n\
         [sso-session bad]\nsso_start_url = https://d-1.awsapps.com/start\n\
         sso_region = us-east-1\n\
         [profile login-bad]\nlogin_session = {LOGIN_SESSION}\nregion = us-east-1\n",
        token = dir.join("token").display(),
        output = dir.join("output.json").display(),
        output_v2 = dir.join("output-v2.json").display(),
        output_bad = dir.join("output-bad.json").display(),
        output_nested = dir.join("output-nested.json").display(),
        output_dupkey = dir.join("output-dupkey.json").display(),
    );
    // Malformed after the secret: serde_json would drop the map it had
    // built so far, secret and all, unwiped.
    std::fs::write(
        dir.join("output-bad.json"),
        format!(
            "{{\"Version\":1,\"SecretAccessKey\":\"{}\",\"AccessKeyId\":\"AKIDPROC\",}}",
            text(ANSWER_SECRET)
        ),
    )
    .unwrap();
    // An SSO token cache and a console login cache, each malformed after
    // its secret in a way a first pass of serde's `IgnoredAny` does not
    // see (a lone surrogate escape, a number too large for a float).
    let sso_cache = dir.join(".aws/sso/cache");
    std::fs::create_dir_all(&sso_cache).unwrap();
    let session = SsoSession::named("bad", "https://d-1.awsapps.com/start", "us-east-1");
    std::fs::write(
        sso_cache.join(session.cache_file_name()),
        format!(
            "{{\"accessToken\":\"{}\",\"expiresAt\":\"2099-01-01T00:00:00Z\",\"x\":\"\\uDEAD\"}}",
            text(ANSWER_TOKEN)
        ),
    )
    .unwrap();
    let login_cache = LoginProvider::new(
        &ProviderConfig::new().with_env(MapEnv::new([("HOME", dir.display().to_string())])),
        LOGIN_SESSION,
    )
    .cache_path()
    .unwrap();
    std::fs::create_dir_all(login_cache.parent().unwrap()).unwrap();
    std::fs::write(
        login_cache,
        format!(
            "{{\"accessToken\":{{\"accessKeyId\":\"AKIDLOGIN\",\"secretAccessKey\":\"{}\",\
             \"sessionToken\":\"T\",\"accountId\":\"123456789012\",\
             \"expiresAt\":\"2099-01-01T00:00:00Z\"}},\"x\":1e400}}",
            text(ANSWER_SECRET)
        ),
    )
    .unwrap();
    // Members given twice: the first value (a secret) and the second
    // copy of a name (secret-looking) are dropped while reading.
    std::fs::write(
        dir.join("output-dupkey.json"),
        format!(
            "{{\"Version\":1,\"SecretAccessKey\":\"{}\",\"SecretAccessKey\":\"S2\",\
             \"{}\":1,\"{}\":2,\"AccessKeyId\":\"AKIDPROC\"}}",
            text(ANSWER_SECRET),
            text(ANSWER_TOKEN),
            text(ANSWER_TOKEN)
        ),
    )
    .unwrap();
    // A secret nested in a member this reader does not use.
    std::fs::write(
        dir.join("output-nested.json"),
        format!(
            "{{\"Version\":1,\"SecretAccessKey\":\"{}\",\"AccessKeyId\":\"AKIDPROC\",\
             \"Extra\":{{\"Token\":[\"{}\"]}}}}",
            text(ANSWER_SECRET),
            text(ANSWER_TOKEN)
        ),
    )
    .unwrap();
    // Output the reader refuses after parsing it: its secret is dropped
    // on the error's path.
    std::fs::write(
        dir.join("output-v2.json"),
        format!(
            "{{\"SecretAccessKey\":\"{}\",\"Version\":2,\"AccessKeyId\":\"AKIDPROC\"}}",
            text(ANSWER_SECRET)
        ),
    )
    .unwrap();
    // The helper prints a secret it reads from a file: a secret written in
    // the command line itself is out of reach (the OS and std's `Command`
    // keep copies of the arguments).
    std::fs::write(
        dir.join("output.json"),
        format!(
            // The secret first and padding after: a reader whose buffer
            // grows while reading leaves it in each buffer it outgrows.
            "{{\"SecretAccessKey\":\"{}\",\"Version\":1,\"AccessKeyId\":\"AKIDPROC\"}}{}",
            text(ANSWER_SECRET),
            " ".repeat(20_000)
        ),
    )
    .unwrap();
    std::fs::write(dir.join("config"), config).unwrap();
    std::fs::write(
        dir.join("credentials"),
        format!(
            "[static]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = {}\n\
             aws_session_token = {}\n",
            text(SIGNING_SECRET),
            text(SIGNING_TOKEN)
        ),
    )
    .unwrap();
    let env = MapEnv::new([
        ("HOME", dir.display().to_string()),
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("credentials").display().to_string(),
        ),
    ]);
    let cfg = ProviderConfig::new()
        .with_env(env)
        .with_transport(InMemory::new());
    (dir, cfg)
}

#[test]
fn no_secret_is_left_in_freed_memory_by_a_credential_source() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (dir, cfg) = credential_sources();
    let mut found = Vec::new();
    for profile in [
        "static",
        "web",
        "process",
        "process-v2",
        "process-bad",
        "process-nested",
        "process-dupkey",
        "sso-bad",
        "login-bad",
    ] {
        // The outcome, and the error's text (which holds no secret).
        let result = scanning(|| {
            ProfileProvider::for_profile(&cfg, profile)
                .provide_credentials()
                .map(drop)
        });
        let refused = matches!(
            profile,
            "process-v2" | "process-bad" | "sso-bad" | "login-bad"
        );
        assert_eq!(result.is_ok(), !refused, "{profile}: {result:?}");
        let hits = hits();
        if !hits.is_empty() {
            found.push((profile, hits));
        }
    }
    // A container endpoint with its authorization token, and instance
    // metadata with its session token: both go out in headers.
    let endpoints = cfg.clone().with_env(MapEnv::new([
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://127.0.0.1/creds".to_owned(),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            text(CONTAINER_TOKEN).to_owned(),
        ),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "http://169.254.169.254".to_owned(),
        ),
    ]));
    for source in ["container", "instance metadata"] {
        let key_id = scanning(|| {
            let provider: Box<dyn ProvideCredentials> = match source {
                "container" => Box::new(ContainerProvider::new(&endpoints)),
                _ => Box::new(ImdsProvider::new(&endpoints)),
            };
            let credentials = provider.provide_credentials().unwrap();
            credentials.access_key_id().to_owned()
        });
        assert_eq!(key_id, "ASIAENDPOINT");
        let hits = hits();
        if !hits.is_empty() {
            found.push((source, hits));
        }
    }
    drop(endpoints);
    drop(cfg);
    drop(dir);
    assert!(
        found.is_empty(),
        "freed blocks still held secrets (source, [(needle, blocks)]): {found:?}"
    );
}

/// The C exchange: the request it hands out (signed with the session
/// token, carrying an MFA code), the answer it parses, the output it hands
/// out and the exchange itself wipe what they held.
#[test]
fn no_secret_is_left_in_freed_memory_by_a_c_exchange() {
    use std::ffi::CString;
    use std::ptr;

    use sts_ffi::*;

    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let secret = CString::new(SIGNING_SECRET).unwrap();
    let token = CString::new(SIGNING_TOKEN).unwrap();
    let code = CString::new(TOKEN_CODE).unwrap();
    let mut answer = answer_for("AssumeRole").into_bytes();
    // SAFETY: every pointer is valid or NULL as the functions ask; the
    // strings outlive the calls that read them.
    unsafe {
        let mut o: StsClientOptions = std::mem::zeroed();
        o.region = c"us-east-1".as_ptr();
        o.endpoint_url = c"http://127.0.0.1:9".as_ptr();
        o.credentials_source = STS_CREDENTIALS_STATIC;
        o.access_key_id = c"AKIDEXCHANGE".as_ptr();
        o.secret_access_key = secret.as_ptr();
        o.session_token = token.as_ptr();
        let mut client = ptr::null_mut();
        let mut err = ptr::null_mut();
        scanning(|| {
            assert_eq!(sts_client_new(&o, &mut client, &mut err), STS_OK);
            let mut input: StsAssumeRoleInput = std::mem::zeroed();
            input.role_arn = c"arn:aws:iam::123456789012:role/r".as_ptr();
            input.role_session_name = c"session".as_ptr();
            input.serial_number = c"arn:aws:iam::123456789012:mfa/u".as_ptr();
            input.token_code = code.as_ptr();
            let mut ex = ptr::null_mut();
            assert_eq!(
                sts_exchange_assume_role_new(client, &input, &mut ex, &mut err),
                STS_OK
            );
            let mut next: StsExchangeNext = std::mem::zeroed();
            assert_eq!(sts_exchange_next(ex, 0, &mut next, &mut err), STS_OK);
            sts_http_request_free(next.request);
            let response = StsHttpResponse {
                status: 200,
                headers: ptr::null(),
                headers_len: 0,
                body: answer.as_ptr(),
                body_len: answer.len(),
            };
            let mut decision: StsExchangeDecision = std::mem::zeroed();
            assert_eq!(
                sts_exchange_response(ex, 1, &response, &mut decision, &mut err),
                STS_OK
            );
            assert_eq!(decision.kind, STS_DECISION_DONE);
            let mut out = ptr::null_mut();
            assert_eq!(
                sts_exchange_assume_role_output(ex, &mut out, &mut err),
                STS_OK
            );
            sts_assume_role_output_free(out);
            sts_exchange_free(ex);
            sts_client_free(client);
        });
    }
    zeroize::Zeroize::zeroize(&mut answer);
    drop((secret, token, code));
    let hits = hits();
    assert!(SCANNED.load(Ordering::Relaxed) > 20, "the allocator looked");
    assert!(
        hits.is_empty(),
        "freed blocks still held secrets (needle, blocks): {hits:?}; last block {} bytes",
        LAST_HIT_SIZE.load(Ordering::Relaxed)
    );
}

/// Hands the `AssumeRole` answer at `user_data` (a `Vec<u8>`) to the
/// builder in 16-byte pieces, as a libcurl write callback would.
unsafe extern "C" fn answer_in_pieces(
    user_data: *mut std::ffi::c_void,
    _request: *const sts_ffi::StsHttpRequest,
    _timeout_ms: u32,
    response: *mut sts_ffi::StsResponseBuilder,
) -> sts_ffi::StsTransportResult {
    // SAFETY: the test passes a live `Vec<u8>` as `user_data`, and the
    // library a live builder.
    unsafe {
        let answer = &*(user_data as *const Vec<u8>);
        sts_ffi::sts_response_builder_set_status(response, 200);
        for piece in answer.chunks(16) {
            let status =
                sts_ffi::sts_response_builder_append_body(response, piece.as_ptr(), piece.len());
            if status != sts_ffi::STS_OK {
                return sts_ffi::STS_TRANSPORT_IO_ERROR;
            }
        }
    }
    sts_ffi::STS_TRANSPORT_OK
}

/// A C transport callback that delivers the answer in pieces: the body
/// grows piece by piece, and no buffer it outgrows keeps the secret key or
/// session token of the answer's first part.
#[test]
fn no_secret_is_left_in_freed_memory_by_a_callback_transport() {
    use std::ptr;

    use sts_ffi::*;

    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut answer = answer_for("AssumeRole").into_bytes();
    // SAFETY: every pointer is valid or NULL as the functions ask; the
    // answer outlives the client whose callback reads it.
    unsafe {
        let mut o: StsClientOptions = std::mem::zeroed();
        o.region = c"us-east-1".as_ptr();
        o.credentials_source = STS_CREDENTIALS_STATIC;
        o.access_key_id = c"AKIDCALLBACK".as_ptr();
        o.secret_access_key = c"callback-signing-secret".as_ptr();
        o.transport = Some(answer_in_pieces);
        o.transport_user_data = (&raw mut answer).cast();
        let mut client = ptr::null_mut();
        let mut err = ptr::null_mut();
        assert_eq!(sts_client_new(&o, &mut client, &mut err), STS_OK);
        let mut input: StsAssumeRoleInput = std::mem::zeroed();
        input.role_arn = c"arn:aws:iam::123456789012:role/r".as_ptr();
        input.role_session_name = c"session".as_ptr();
        scanning(|| {
            let mut out = ptr::null_mut();
            assert_eq!(sts_assume_role(client, &input, &mut out, &mut err), STS_OK);
            sts_assume_role_output_free(out);
            sts_client_free(client);
        });
    }
    zeroize::Zeroize::zeroize(&mut answer);
    let hits = hits();
    assert!(SCANNED.load(Ordering::Relaxed) > 5, "the allocator looked");
    assert!(
        hits.is_empty(),
        "freed blocks still held secrets (needle, blocks): {hits:?}; last block {} bytes",
        LAST_HIT_SIZE.load(Ordering::Relaxed)
    );
}
