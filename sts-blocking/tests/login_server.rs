//! Console login sessions end to end: the real file system (a temporary
//! home directory with a real cache file), the real default transport,
//! and a stand-in sign-in service on a loopback port (`AWS_ENDPOINT_URL_SIGNIN`).
//!
//! The stand-in answers each connection with the next scripted answer and
//! records the request; it stops when told, and on its own after 20 s, so
//! a test that goes wrong cannot hang.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sts_blocking::credentials::{
    CredentialsErrorKind, ProfileProvider, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_blocking::proxy::ProxyConfig;
use sts_blocking::timing::Clock;
use sts_proto::time::format_timestamp;

const SESSION: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
const CACHE_NAME: &str = "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json";
const NOW: u64 = 1_800_000_000;
const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";
/// A P-384 key: a key, but not for ES256.
const P384_KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMIGkAgEBBDBHg0Qwu99be0LMIOvenZq56HJSaU6kKKNtcx+kQiT3Wx05+zMD/9IV\nxI01xyuXxHegBwYFK4EEACKhZANiAATyBHOiHtSZnDwr3H+194p5tXZ/x+GVKYVF\nHU3VZ8Wv9I7RT/8119LmjodKLzIUFiQ3Up2hoBfG3XUNlidTR484E3tpemhAfwJZ\nCavkHT7f1cuy2HdeSsAVhM5kOYm6GEA=\n-----END EC PRIVATE KEY-----\n";

#[derive(Debug)]
struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }
}

/// One request as the stand-in read it.
#[derive(Debug)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct SignIn {
    url: String,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Seen>>,
}

impl SignIn {
    /// A stand-in giving `answers` (status, body) in turn, then 599.
    fn start(answers: Vec<(u16, Vec<u8>)>) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut answers = answers.into_iter();
            let mut seen = Vec::new();
            while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let answer = answers.next().unwrap_or((599, b"unexpected".to_vec()));
                        if let Some(request) = serve(stream, answer) {
                            seen.push(request);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            seen
        });
        Self { url, stop, thread }
    }

    /// Stops the stand-in; what it was asked.
    fn finish(self) -> Vec<Seen> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap()
    }
}

/// Reads one request (at most 64 KiB of head and of body) and answers it.
fn serve(mut stream: TcpStream, (status, body): (u16, Vec<u8>)) -> Option<Seen> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
        .min(64 * 1024);
    let mut request_body = buf[head_end + 4..].to_vec();
    while request_body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        request_body.extend_from_slice(&chunk[..n]);
    }
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(&body).ok()?;
    stream.flush().ok()?;
    Some(Seen {
        request_line,
        headers,
        body: request_body,
    })
}

/// A temporary home directory with a profile `console` for the session and
/// a cache file whose credentials expire at `expires_at` (Unix seconds).
struct Home {
    dir: PathBuf,
}

impl Home {
    fn new(name: &str, expires_at: u64, key: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("sts-login-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".aws/login/cache")).unwrap();
        std::fs::write(
            dir.join(".aws/config"),
            format!("[profile console]\nlogin_session = {SESSION}\nregion = eu-west-3\n"),
        )
        .unwrap();
        let expires = format_timestamp(UNIX_EPOCH + Duration::from_secs(expires_at));
        let cache = serde_json::json!({
            "accessToken": {
                "accessKeyId": "ASIAOLD", "secretAccessKey": "oldSecret",
                "sessionToken": "oldToken", "accountId": "012345678901",
                "expiresAt": expires, "extra": "kept",
            },
            "clientId": "arn:aws:signin:::devtools/same-device",
            "refreshToken": "oldRefresh",
            "idToken": "header.claims.signature",
            "dpopKey": key,
            "futureField": {"nested": [1, 2, 3]},
        });
        let home = Self { dir };
        std::fs::write(home.cache(), cache.to_string()).unwrap();
        home
    }

    fn cache(&self) -> PathBuf {
        self.dir.join(".aws/login/cache").join(CACHE_NAME)
    }

    fn cache_json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.cache()).unwrap()).unwrap()
    }

    /// The profile provider for `console`, with the sign-in service at `url`.
    fn provider(&self, url: &str) -> ProfileProvider {
        let builder = sts_blocking::Client::builder().proxy(ProxyConfig::new());
        let config = ProviderConfig::from_client_builder(&builder)
            .with_env(MapEnv::new([
                ("HOME", self.dir.to_str().unwrap()),
                ("AWS_PROFILE", "console"),
                ("AWS_ENDPOINT_URL_SIGNIN", url),
            ]))
            .with_clock(Fixed);
        ProfileProvider::new(&config)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn answer(expires_in: u64) -> (u16, Vec<u8>) {
    let body = serde_json::json!({
        "accessToken": {
            "accessKeyId": "ASIANEW", "secretAccessKey": "newSecret", "sessionToken": "newToken",
        },
        "tokenType": "aws_sigv4",
        "refreshToken": "newRefresh",
        "expiresIn": expires_in,
    });
    (200, body.to_string().into_bytes())
}

fn claims(proof: &str) -> Value {
    let part = proof.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[test]
fn valid_cached_credentials_are_used_without_a_call() {
    let home = Home::new("valid", NOW + 3600, KEY);
    let server = SignIn::start(vec![]);
    let creds = home.provider(&server.url).provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "ASIAOLD");
    assert_eq!(creds.account_id(), Some("012345678901"));
    assert_eq!(
        creds.expiration(),
        Some(UNIX_EPOCH + Duration::from_secs(NOW + 3600))
    );
    assert!(server.finish().is_empty(), "the sign-in service was called");
}

#[test]
fn expiring_credentials_are_refreshed_and_written_back() {
    let home = Home::new("refresh", NOW + 120, KEY);
    let before = home.cache_json();
    let server = SignIn::start(vec![answer(900)]);
    let provider = home.provider(&server.url);
    let creds = provider.provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(creds.secret_access_key().expose(), "newSecret");
    assert_eq!(creds.account_id(), Some("012345678901"));
    assert_eq!(
        creds.expiration(),
        Some(UNIX_EPOCH + Duration::from_secs(NOW + 900))
    );
    // Fresh now: the second call reads the rewritten cache, no request.
    let again = provider.provide_credentials().unwrap();
    assert_eq!(again.access_key_id(), "ASIANEW");

    let seen = server.finish();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let request = &seen[0];
    assert_eq!(request.request_line, "POST /v1/token HTTP/1.1");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "clientId": "arn:aws:signin:::devtools/same-device",
            "grantType": "refresh_token",
            "refreshToken": "oldRefresh",
        })
    );
    let proof = claims(request.header("dpop").expect("a DPoP proof"));
    assert_eq!(
        proof["htu"],
        format!("{}/v1/token", home_url(&request.headers))
    );
    assert_eq!(proof["iat"], NOW);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.cache())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
    let mut expected = before;
    expected["accessToken"]["accessKeyId"] = "ASIANEW".into();
    expected["accessToken"]["secretAccessKey"] = "newSecret".into();
    expected["accessToken"]["sessionToken"] = "newToken".into();
    expected["accessToken"]["expiresAt"] =
        format_timestamp(UNIX_EPOCH + Duration::from_secs(NOW + 900)).into();
    expected["refreshToken"] = "newRefresh".into();
    assert_eq!(home.cache_json(), expected);
    let names: Vec<_> = std::fs::read_dir(home.cache().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [CACHE_NAME], "a temporary file was left behind");
}

/// `http://{host}` of a request, from its `Host` header.
fn home_url(headers: &[(String, String)]) -> String {
    let host = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone())
        .unwrap();
    format!("http://{host}")
}

#[test]
fn a_server_error_fails_then_the_next_call_refreshes() {
    let home = Home::new("500", NOW - 60, KEY);
    let before = std::fs::read(home.cache()).unwrap();
    let server = SignIn::start(vec![
        (
            500,
            br#"{"error":"server_error","message":"Internal failure"}"#.to_vec(),
        ),
        answer(3600),
    ]);
    let provider = home.provider(&server.url);
    let err = provider.provide_credentials().unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Failed);
    let text = err.to_string();
    assert!(
        text.contains("profile \"console\" (login_session)"),
        "{text}"
    );
    assert!(
        text.contains("HTTP 500") && text.contains("server_error"),
        "{text}"
    );
    assert!(
        text.contains("try again later") && text.contains("expired at"),
        "{text}"
    );
    assert!(text.contains(&home.cache().display().to_string()), "{text}");
    assert!(
        !text.contains("oldRefresh") && !text.contains("oldSecret"),
        "{text}"
    );
    assert_eq!(std::fs::read(home.cache()).unwrap(), before);

    let creds = provider.provide_credentials().unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(server.finish().len(), 2);
}

#[test]
fn a_failed_refresh_of_valid_credentials_serves_them_and_waits_30_s_to_try_again() {
    // Four minutes left: inside the five-minute refresh window, still valid.
    let home = Home::new("still-valid", NOW + 240, KEY);
    let server = SignIn::start(vec![
        (503, br#"{"error":"server_error"}"#.to_vec()),
        answer(3600),
    ]);
    let provider = home.provider(&server.url);
    for _ in 0..3 {
        let creds = provider.provide_credentials().unwrap();
        assert_eq!(creds.access_key_id(), "ASIAOLD");
    }
    // One refresh tried; the clock has not moved the 30 s on.
    assert_eq!(server.finish().len(), 1);
}

#[test]
fn an_answer_that_is_not_json_is_an_error() {
    let home = Home::new("notjson", NOW - 60, KEY);
    let before = std::fs::read(home.cache()).unwrap();
    let server = SignIn::start(vec![(200, b"<html>newSecret</html>".to_vec())]);
    let err = home
        .provider(&server.url)
        .provide_credentials()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("not usable") && text.contains("not valid JSON"),
        "{text}"
    );
    assert!(
        !text.contains("newSecret") && !text.contains("html"),
        "{text}"
    );
    assert_eq!(std::fs::read(home.cache()).unwrap(), before);
    assert_eq!(server.finish().len(), 1);
}

#[test]
fn an_oversized_answer_is_an_error() {
    let home = Home::new("oversized", NOW - 60, KEY);
    let mut big = answer(900).1;
    big.truncate(big.len() - 1);
    big.extend(format!(",\"pad\":\"{}\"}}", "x".repeat(100 * 1024)).into_bytes());
    let server = SignIn::start(vec![(200, big)]);
    let err = home
        .provider(&server.url)
        .provide_credentials()
        .unwrap_err();
    assert!(err.to_string().contains("larger than 64 KiB"), "{err}");
    server.finish();
}

#[test]
fn a_bad_key_is_an_error_without_a_call() {
    for (name, key) in [("p384", P384_KEY), ("garbage", "not a key at all")] {
        let home = Home::new(name, NOW - 60, key);
        let server = SignIn::start(vec![]);
        let err = home
            .provider(&server.url)
            .provide_credentials()
            .unwrap_err();
        assert_eq!(
            err.kind(),
            CredentialsErrorKind::InvalidConfiguration,
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("dpopKey") && text.contains("P-256"), "{text}");
        assert!(text.contains("run `aws login --profile console`"), "{text}");
        assert!(text.contains(&home.cache().display().to_string()), "{text}");
        assert!(
            !text.contains("MIGkAgEB") && !text.contains("at all"),
            "{text}"
        );
        assert!(server.finish().is_empty());
    }
}

#[test]
fn a_damaged_or_unreadable_cache_is_an_error() {
    let home = Home::new("damaged", NOW + 3600, KEY);
    std::fs::write(
        home.cache(),
        b"{\"accessToken\": {\"secretAccessKey\": \"oldSecret\"",
    )
    .unwrap();
    let server = SignIn::start(vec![]);
    let err = home
        .provider(&server.url)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
    let text = err.to_string();
    assert!(
        text.contains("not valid JSON") && text.contains("aws login"),
        "{text}"
    );
    assert!(!text.contains("oldSecret"), "{text}");

    std::fs::remove_file(home.cache()).unwrap();
    std::fs::create_dir(home.cache()).unwrap();
    let err = home
        .provider(&server.url)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Failed);
    assert!(err.to_string().contains("cannot read"), "{err}");

    std::fs::remove_dir(home.cache()).unwrap();
    let err = home
        .provider(&server.url)
        .provide_credentials()
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(
        err.to_string().contains("aws login --profile console"),
        "{err}"
    );
    assert!(server.finish().is_empty());
}

/// Callers at once spend the refresh token once: the others wait and read
/// what the first wrote, and credentials just refreshed are not refreshed
/// again at once, even when they are short-lived.
#[test]
fn concurrent_callers_refresh_once() {
    let home = Home::new("concurrent", NOW - 60, KEY);
    let server = SignIn::start(vec![answer(120)]);
    let provider = home.provider(&server.url);
    let keys: Vec<String> = std::thread::scope(|scope| {
        let calls: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| provider.provide_credentials()))
            .collect();
        calls
            .into_iter()
            .map(|c| c.join().unwrap().unwrap().access_key_id().to_owned())
            .collect()
    });
    assert_eq!(keys, ["ASIANEW"; 4]);
    assert_eq!(server.finish().len(), 1);
}
