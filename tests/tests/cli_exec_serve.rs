//! `sts exec` and `sts serve` against moto: the child's credentials and
//! exit status, the endpoint's token check and refresh, botocore's own
//! container provider fetching from it, and bad input.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sts_tests::{Moto, ScratchDir};

/// A command line of `sts` and the empty HOME it runs with, which is
/// removed when this is dropped: held until the tool has ended.
struct Sts {
    command: Command,
    home: ScratchDir,
}

impl Deref for Sts {
    type Target = Command;

    fn deref(&self) -> &Command {
        &self.command
    }
}

impl DerefMut for Sts {
    fn deref_mut(&mut self) -> &mut Command {
        &mut self.command
    }
}

/// `sts` with moto's keys and endpoint, and `args` after them.
fn sts(moto: &Moto, args: &[&str]) -> Sts {
    sts_at(
        &moto.endpoint,
        (&moto.access_key_id, &moto.secret_access_key),
        args,
    )
}

/// `sts` with these keys and STS endpoint, and `args` after them.
fn sts_at(endpoint: &str, (key_id, secret): (&str, &str), args: &[&str]) -> Sts {
    let home = ScratchDir::new("exec-serve-home");
    let mut c = Command::new(sts_tests::cargo::sts_binary());
    c.args(["--endpoint-url", endpoint, "--region", "eu-west-1"])
        .args(args)
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", key_id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"));
    Sts { command: c, home }
}

fn run(c: &mut Command) -> Output {
    sts_tests::process::run_bounded(c, Duration::from_secs(60)).unwrap()
}

#[test]
fn exec_gives_the_child_temporary_credentials_and_passes_its_status_through() {
    let moto = Moto::shared_auth();
    // The child shows which variables it got, and the lengths of the
    // secret ones only; then exits 7.
    let script = "echo key=$AWS_ACCESS_KEY_ID region=$AWS_REGION/$AWS_DEFAULT_REGION \
                  secret=${#AWS_SECRET_ACCESS_KEY} token=${#AWS_SESSION_TOKEN} \
                  same_legacy_token=$([ \"$AWS_SECURITY_TOKEN\" = \"$AWS_SESSION_TOKEN\" ] && echo yes) \
                  expires=$AWS_CREDENTIAL_EXPIRATION \
                  container=${AWS_CONTAINER_CREDENTIALS_FULL_URI:-none} \
                  other_names=${AWS_ACCESS_KEY:-}${AWS_SECRET_KEY:-}${AMAZON_ACCESS_KEY_ID:-}\
                  ${AMAZON_SECRET_ACCESS_KEY:-}${AMAZON_SESSION_TOKEN:-}; exit 7";
    let mut c = sts(
        moto,
        &[
            "exec",
            "--role-arn",
            &moto.role_arn,
            "--role-session-name",
            "exec-test",
            "--",
            "sh",
            "-c",
            script,
        ],
    );
    // Another source of credentials in the tool's environment (after the
    // keys, so the tool never asks it) must not reach the child.
    c.env("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/x");
    // Nor may long-term keys under the other names SDKs read before a
    // container endpoint (aws-sdk-go-v2's fallback, the JavaScript SDK
    // v2's `AMAZON_` prefix).
    for name in [
        "AWS_ACCESS_KEY",
        "AWS_SECRET_KEY",
        "AMAZON_ACCESS_KEY_ID",
        "AMAZON_SECRET_ACCESS_KEY",
        "AMAZON_SESSION_TOKEN",
    ] {
        c.env(name, "LONG-TERM");
    }
    let o = run(&mut c);
    assert_eq!(o.status.code(), Some(7), "{o:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("key=ASIA"), "{out}");
    assert!(out.contains("region=eu-west-1/eu-west-1"), "{out}");
    assert!(out.contains("secret=40 "), "{out}");
    assert!(!out.contains("token=0 "), "{out}");
    // The boto2-era name too, as aws-vault sets it.
    assert!(out.contains("same_legacy_token=yes "), "{out}");
    assert!(out.contains("expires=20"), "{out}");
    assert!(out.contains("container=none"), "{out}");
    assert!(
        out.contains("other_names=\n") || out.ends_with("other_names="),
        "{out}"
    );
    assert!(!out.contains("LONG-TERM"), "{out}");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // Without a role: the long-term keys are traded for a session token.
    let o = run(&mut sts(
        moto,
        &["exec", "--", "sh", "-c", "echo ${#AWS_SESSION_TOKEN}"],
    ));
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let length: usize = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
    assert!(length > 0);

    // A command that does not exist: 127, as `env` and shells say it,
    // naming it, so that a script tells it from the command's own
    // failures and from the tool's usage errors (252).
    let o = run(&mut sts(moto, &["exec", "--", "no-such-command-for-sts"]));
    assert_eq!(o.status.code(), Some(127), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("COMMAND") && err.contains("no-such-command-for-sts"),
        "{err}"
    );
    // One that exists but cannot be run (a directory): 126.
    let o = run(&mut sts(moto, &["exec", "--", "/"]));
    assert_eq!(o.status.code(), Some(126), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot run \"/\""), "{err}");
}

/// The child's command line is its own: flags the tool reads before
/// parsing its own (a parameters document, an input skeleton) are left
/// alone after `--`, so `sts exec -- aws sts …` hands them to the child.
#[test]
fn exec_leaves_the_childs_flags_alone() {
    let moto = Moto::shared_auth();
    let o = run(&mut sts(
        moto,
        &[
            "exec",
            "--role-arn",
            &moto.role_arn,
            "--",
            "sh",
            "-c",
            "echo \"$*\"",
            "child",
            "assume-role",
            "--cli-input-json",
            "{\"RoleArn\":\"arn:aws:iam::123456789012:role/child\"}",
            "--generate-cli-skeleton",
        ],
    ));
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "assume-role --cli-input-json {\"RoleArn\":\"arn:aws:iam::123456789012:role/child\"} \
         --generate-cli-skeleton\n"
    );
}

/// Flags `exec` and `serve` cannot honour are refused (exit 252, the
/// flag named), never ignored: nothing runs and nothing is served.
#[test]
fn exec_and_serve_refuse_what_they_would_ignore() {
    let moto = Moto::shared_auth();
    let refused = |mut c: Sts, flag: &str| {
        let o = run(&mut c);
        assert_eq!(o.status.code(), Some(252), "{flag}: {o:?}");
        assert!(o.stdout.is_empty(), "{flag}: the child ran: {o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(flag), "{flag}: {err}");
    };
    let child = ["--", "sh", "-c", "echo ran"];
    for flags in [
        &["--generate-cli-skeleton", "output"][..],
        &["--query", "Account"],
        &["--output", "json"],
    ] {
        let mut args = vec!["exec"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&child);
        refused(sts(moto, &args), flags[0]);
    }
    refused(
        sts(
            moto,
            &["presign", "get-caller-identity", "--output", "text"],
        ),
        "--output",
    );
    // A command without `--` before it: its flags could be taken for
    // the tool's own (a parameters document, a skeleton).
    refused(sts(moto, &["exec", "sh", "-c", "echo ran"]), "-- <COMMAND>");
    // A session name without a role to name the session of.
    let mut args = vec!["exec", "--role-session-name", "named"];
    args.extend_from_slice(&child);
    refused(sts(moto, &args), "--role-arn");
    // A lifetime for credentials that are temporary already.
    let mut args = vec!["exec", "--duration-seconds", "900"];
    args.extend_from_slice(&child);
    let mut c = sts(moto, &args);
    c.env("AWS_SESSION_TOKEN", "a-session-token");
    refused(c, "--duration-seconds");
    // A command for serve without --exec to run it.
    refused(
        sts(moto, &["serve", "--", "sh", "-c", "echo ran"]),
        "--exec",
    );
    // Temporary credentials near their end are served as they are: the
    // margin applies to credentials issued now.
    let soon =
        sts_proto::time::format_timestamp(std::time::SystemTime::now() + Duration::from_secs(240));
    let mut c = sts(moto, &["serve", "--exec", "--", "sh", "-c", "exit 3"]);
    c.env("AWS_SESSION_TOKEN", "a-session-token")
        .env("AWS_CREDENTIAL_EXPIRATION", &soon);
    let o = run(&mut c);
    assert_eq!(o.status.code(), Some(3), "{o:?}");
    // A command that does not exist: 127, as for `sts exec`.
    let o = run(&mut sts(
        moto,
        &["serve", "--exec", "--", "no-such-command-for-sts"],
    ));
    assert_eq!(o.status.code(), Some(127), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--exec") && err.contains("no-such-command-for-sts"),
        "{err}"
    );
    // Credentials issued now that would be issued again for every request.
    refused(
        sts(
            moto,
            &[
                "serve",
                "--role-arn",
                &moto.role_arn,
                "--duration-seconds",
                "900",
                "--refresh-before",
                "900",
            ],
        ),
        "--refresh-before",
    );
}

/// A running `sts serve`, the HOME it runs with, and what it printed.
struct Served {
    child: Child,
    _home: ScratchDir,
    port: u16,
    token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(moto: &Moto, args: &[&str]) -> Served {
    let mut all = vec!["serve"];
    all.extend_from_slice(args);
    let mut command = sts(moto, &all);
    command.stderr(Stdio::inherit());
    start_serving(command)
}

/// Starts `command` (an `sts serve` without `--exec`, its stderr set up
/// by the caller) and reads the two variables it prints.
fn start_serving(mut command: Sts) -> Served {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    // Held from here, so that a failed check below still stops the server
    // (`Served` kills it when dropped).
    let mut served = Served {
        child,
        _home: command.home,
        port: 0,
        token: String::new(),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let lines: Vec<String> = BufReader::new(stdout)
            .lines()
            .take(2)
            .map_while(Result::ok)
            .collect();
        let _ = tx.send(lines);
    });
    let lines = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("sts serve printed its variables");
    let uri = lines[0]
        .strip_prefix("export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:")
        .expect("a loopback URI");
    served.port = uri.split('/').next().unwrap().parse().unwrap();
    assert!(uri.ends_with("/credentials"));
    served.token = lines[1]
        .strip_prefix("export AWS_CONTAINER_AUTHORIZATION_TOKEN=")
        .unwrap()
        .to_owned();
    assert_eq!(served.token.len(), 64);
    served
}

/// One GET; the status and the body.
fn get(port: u16, path: &str, auth: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let auth = auth.map_or_else(String::new, |a| format!("Authorization: {a}\r\n"));
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\n").unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

#[test]
fn serve_refuses_without_the_token_and_refreshes_before_expiry() {
    let moto = Moto::shared_auth();
    let served = serve(
        moto,
        &[
            "--role-arn",
            &moto.role_arn,
            "--duration-seconds",
            "900",
            // Fresh for the first 7 seconds only: room for the checks
            // below on a busy machine, and a short wait for the refresh.
            "--refresh-before",
            "893",
        ],
    );
    let port = served.port;
    assert_eq!(get(port, "/credentials", None).0, 401);
    assert_eq!(get(port, "/credentials", Some("wrong")).0, 403);
    let wrong_same_length = "0".repeat(64);
    assert_eq!(get(port, "/credentials", Some(&wrong_same_length)).0, 403);
    assert_eq!(get(port, "/elsewhere", Some(&served.token)).0, 404);
    let (status, body) = get(port, "/credentials", Some(&served.token));
    assert_eq!(status, 200, "{body}");
    let first: serde_json::Value = serde_json::from_str(&body).unwrap();
    for key in ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"] {
        assert!(first[key].is_string(), "{key} in {body}");
    }
    let (_, again) = get(port, "/credentials", Some(&served.token));
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(
        first["AccessKeyId"], again["AccessKeyId"],
        "cached while fresh"
    );
    std::thread::sleep(Duration::from_secs(8));
    let (_, later) = get(port, "/credentials", Some(&served.token));
    let later: serde_json::Value = serde_json::from_str(&later).unwrap();
    assert_ne!(
        first["AccessKeyId"], later["AccessKeyId"],
        "refreshed before expiry"
    );
}

#[test]
fn botocore_fetches_from_serve_and_calls_moto_and_a_busy_port_is_refused() {
    let moto = Moto::shared_auth();
    let venv = match sts_tests::moto::ensure_venv() {
        Ok(v) => v,
        Err(e) => {
            sts_tests::tools::skip(&format!("no Python venv with botocore: {e}"));
            return;
        }
    };
    let script = format!(
        "import botocore.session, sys\n\
         s = botocore.session.get_session()\n\
         c = s.create_client('sts', region_name='us-east-1', endpoint_url='{}')\n\
         print(s.get_credentials().method, c.get_caller_identity()['Arn'])\n\
         sys.exit(3)\n",
        moto.endpoint
    );
    let python = venv.join("bin/python");
    let o = run(&mut sts(
        moto,
        &[
            "serve",
            "--role-arn",
            &moto.role_arn,
            "--role-session-name",
            "served",
            "--exec",
            "--",
            python.to_str().unwrap(),
            "-c",
            &script,
        ],
    ));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{o:?}");
    assert!(
        out.starts_with("container-role arn:aws:sts::") && out.trim_end().ends_with("/served"),
        "{out}"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let o = run(&mut sts(moto, &["serve", "--port", &port]));
    assert_eq!(o.status.code(), Some(253), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--port") && err.contains(&port), "{err}");
}

/// Interrupted, the tool ends by SIGINT, which a shell reports as 130,
/// the AWS CLI's status for an interrupted command.
#[cfg(unix)]
#[test]
fn an_interrupted_serve_ends_by_sigint() {
    use std::os::unix::process::ExitStatusExt;
    let moto = Moto::shared_auth();
    let mut served = serve(moto, &[]);
    let pid = served.child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "sts serve ignored SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.signal(), Some(2), "{status:?}");
}

/// `sts serve` handing on temporary credentials from its environment as
/// they are: it never asks STS (nothing listens at its endpoint).
fn serve_without_sts() -> Served {
    let mut command = sts_at(
        "http://127.0.0.1:9",
        ("ASIAHANDEDON", "handed/on/secret"),
        &["serve"],
    );
    command
        .env("AWS_SESSION_TOKEN", "a-session-token")
        .stderr(Stdio::inherit());
    start_serving(command)
}

/// Sends the start of a request head one byte a second, never its end,
/// until `stop` is set, a write fails (the endpoint gave up on it) or
/// `longest` has passed.
fn trickle(
    mut stream: TcpStream,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    longest: Duration,
) {
    let deadline = Instant::now() + longest;
    let head = b"GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    let mut bytes = head.iter().chain(std::iter::repeat(&b'a'));
    while !stop.load(std::sync::atomic::Ordering::SeqCst) && Instant::now() < deadline {
        let Some(byte) = bytes.next() else { return };
        if stream.write_all(std::slice::from_ref(byte)).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The endpoint answers one connection at a time, so a client that sends
/// its request a byte at a time (each read well within the 5 s per read)
/// used to hold it for as long as it kept sending: a client with the
/// token waited all that while. The whole request head must now come
/// within 5 s of the connection's accept.
#[test]
fn a_client_sending_slowly_holds_serve_for_seconds_at_most() {
    let served = serve_without_sts();
    let port = served.port;
    let slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Longer than the legitimate client below waits, so that without the
    // deadline it times out rather than being answered once this ends.
    let trickler = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || trickle(slow, stop, Duration::from_secs(60)))
    };
    // Connected after the slow client, so accepted after it (the accept
    // queue is first in, first out).
    let started = Instant::now();
    let answered = get_within(port, &served.token, Duration::from_secs(40));
    let waited = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    trickler.join().unwrap();
    let (status, body) = answered.unwrap_or_else(|e| {
        panic!("the client with the token was not answered in {waited:?}: {e}")
    });
    assert_eq!(status, 200, "{body}");
    // 5 s for the slow client's head, and plenty of room for a busy
    // machine; without the deadline the wait was the trickle's 60 s.
    assert!(
        waited < Duration::from_secs(30),
        "the client with the token waited {waited:?} behind a slow one"
    );
}

/// [`get`] of `/credentials` with `token`, waiting at most `limit` for the
/// answer; the error says what failed.
fn get_within(port: u16, token: &str, limit: Duration) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(limit)).map_err(|e| e.to_string())?;
    write!(
        s,
        "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut response = String::new();
    s.read_to_string(&mut response)
        .map_err(|e| format!("reading the answer: {e}"))?;
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {response:?}"))?;
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    Ok((status, body))
}

/// A mock STS whose `AssumeRole` issues numbered credentials (`ASIAISSUED0`,
/// `ASIAISSUED1`, …) that expire `lifetime` after issue, and answers with
/// `failure` while the returned flag is set.
fn issuing_sts(
    lifetime: Duration,
    failure: sts_tests::Step,
) -> (
    sts_tests::FaultServer,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let failing = std::sync::Arc::new(AtomicBool::new(false));
    let issued = AtomicUsize::new(0);
    let refuse = std::sync::Arc::clone(&failing);
    let server = sts_tests::FaultServer::with_handler(move |_| {
        if refuse.load(Ordering::SeqCst) {
            return failure.clone();
        }
        let n = issued.fetch_add(1, Ordering::SeqCst);
        let expiration = sts_proto::time::format_timestamp(std::time::SystemTime::now() + lifetime);
        sts_tests::Step::xml(
            200,
            sts_tests::canned::success(
                "AssumeRole",
                &format!(
                    "<Credentials><AccessKeyId>ASIAISSUED{n}</AccessKeyId>\
                     <SecretAccessKey>issued/secret/{n}</SecretAccessKey>\
                     <SessionToken>issued-token-{n}</SessionToken>\
                     <Expiration>{expiration}</Expiration></Credentials>\
                     <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\
                     <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>"
                ),
            ),
        )
    });
    (server, failing)
}

/// `sts serve` of `arn:aws:iam::123456789012:role/r` from `sts`, with
/// `--refresh-before` `refresh_before` seconds.
fn serve_from(sts: &sts_tests::FaultServer, refresh_before: &str) -> Sts {
    sts_at(
        &sts.url(),
        ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        &[
            "serve",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--refresh-before",
            refresh_before,
        ],
    )
}

/// The served credentials' key id and expiry, from a 200 answer's body.
fn served_credentials((status, body): (u16, String)) -> (String, std::time::SystemTime) {
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let expiration = json["Expiration"].as_str().unwrap();
    (
        json["AccessKeyId"].as_str().unwrap().to_owned(),
        sts_proto::time::parse_timestamp(expiration).unwrap(),
    )
}

/// Sleeps until the wall clock reaches `at`.
fn sleep_until(at: std::time::SystemTime) {
    if let Ok(left) = at.duration_since(std::time::SystemTime::now()) {
        std::thread::sleep(left);
    }
}

/// A refresh that fails while the credentials held are still valid used
/// to answer 500; the held credentials are served, the failure is logged
/// (without a secret), and the next refresh waits (here, until expiry);
/// once they have expired, the error is the answer.
#[test]
fn serve_keeps_serving_valid_credentials_when_a_refresh_fails() {
    use std::sync::atomic::Ordering;
    let refused = sts_tests::Step::xml(
        403,
        sts_tests::canned::error("AccessDenied", "refused for the test"),
    );
    let (sts, failing) = issuing_sts(Duration::from_secs(30), refused);
    // Fresh for about 8 s after issue (room for serve's check that they
    // outlive this margin, on a busy machine), then 22 s in the window
    // before expiry for the checks below.
    let mut command = serve_from(&sts, "22");
    command.stderr(Stdio::piped());
    let mut served = start_serving(command);
    let mut stderr = served.child.stderr.take().unwrap();
    let port = served.port;
    let token = served.token.clone();
    // The first issued, or (on a machine slow enough to reach the window
    // already) the next: either way, held from here on.
    let (first, expires) = served_credentials(get(port, "/credentials", Some(&token)));
    failing.store(true, Ordering::SeqCst);
    let window = expires - Duration::from_secs(22);
    // Checks in the window need the credentials valid a while longer.
    let in_window = || std::time::SystemTime::now() + Duration::from_secs(5) < expires;

    sleep_until(window + Duration::from_secs(1));
    assert!(in_window(), "the machine is too slow for this test");
    let asked = sts.requests_seen();
    let (held, _) = served_credentials(get(port, "/credentials", Some(&token)));
    assert_eq!(held, first, "the held credentials are served");
    let tried = sts.requests_seen();
    assert!(tried > asked, "no refresh was tried in the window");
    // Not tried again on every request: the next try waits 30 s, or
    // until expiry when that comes first (here it does).
    for _ in 0..3 {
        if !in_window() {
            break;
        }
        let (held, _) = served_credentials(get(port, "/credentials", Some(&token)));
        assert_eq!(held, first);
    }
    assert_eq!(sts.requests_seen(), tried, "refreshed on every request");

    // Expired: the refresh is tried again, and its failure is the answer.
    sleep_until(expires + Duration::from_secs(1));
    let (status, body) = get(port, "/credentials", Some(&token));
    assert_eq!(status, 500, "{body}");
    assert!(sts.requests_seen() > tried, "no refresh after expiry");
    // And STS answering again ends it.
    failing.store(false, Ordering::SeqCst);
    let (next, _) = served_credentials(get(port, "/credentials", Some(&token)));
    assert_ne!(next, first);

    let _ = served.child.kill();
    let _ = served.child.wait();
    let mut log = String::new();
    stderr.read_to_string(&mut log).unwrap();
    assert!(log.contains("AccessDenied"), "the failure is logged: {log}");
    for secret in ["issued/secret", "issued-token", "EXAMPLEKEY", &token] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}

/// A refresh used to ask STS with the held credentials locked: while STS
/// was slow to answer, every request waited on it, even though the
/// credentials held were good for minutes more, and botocore's container
/// provider gave up. One request asks STS now; the others are answered
/// with what is held.
#[test]
fn a_slow_refresh_does_not_hold_up_requests_the_held_credentials_answer() {
    use std::sync::atomic::Ordering;
    let stall = sts_tests::Step::Stall(Duration::from_secs(30));
    let (sts, stalling) = issuing_sts(Duration::from_secs(60), stall);
    // In the refresh window about 8 s after issue, with 52 s of validity
    // left there.
    let command = serve_from(&sts, "52");
    let mut served = start_serving(command);
    let (port, token) = (served.port, served.token.clone());
    let (first, expires) = served_credentials(get(port, "/credentials", Some(&token)));
    stalling.store(true, Ordering::SeqCst);
    sleep_until(expires - Duration::from_secs(51));
    let asked = sts.requests_seen();
    // This request finds the credentials due and asks STS, which stalls.
    let refreshing = std::thread::spawn(move || get_within(port, &token, Duration::from_secs(60)));
    let started = Instant::now();
    while sts.requests_seen() == asked {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no refresh was tried"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Meanwhile another is answered at once, with what is held.
    let started = Instant::now();
    let answered = get_within(port, &served.token, Duration::from_secs(20));
    let waited = started.elapsed();
    let (held, _) = served_credentials(answered.expect("answered"));
    assert_eq!(held, first);
    assert!(
        waited < Duration::from_secs(3),
        "a request waited {waited:?} on the refresh"
    );
    let _ = served.child.kill();
    let _ = served.child.wait();
    let _ = refreshing.join();
}

/// `sts serve --exec` used to give its child no region (and took
/// `AWS_PROFILE`, where the region may be, out of its environment), so
/// that `aws` in it failed for want of one; like `sts exec`, it now sets
/// `AWS_REGION` and `AWS_DEFAULT_REGION` to the region the tool resolved:
/// the `AWS_PROFILE` profile's, or `--region`'s. Temporary credentials
/// from the environment are handed on as they are, so STS is not asked.
#[test]
fn exec_and_serve_exec_give_the_child_the_resolved_region() {
    let dir = ScratchDir::new("exec-serve-region-profile");
    let config = dir.join("config");
    std::fs::write(&config, "[profile prod]\nregion = ap-southeast-2\n").unwrap();
    let script = "echo region=$AWS_REGION/$AWS_DEFAULT_REGION profile=${AWS_PROFILE:-none}";
    for subcommand in [&["exec"][..], &["serve", "--exec"]] {
        for (flags, expected) in [
            (&[][..], "ap-southeast-2"),
            (&["--region", "eu-north-1"][..], "eu-north-1"),
        ] {
            let mut c = Command::new(sts_tests::cargo::sts_binary());
            c.args(["--endpoint-url", "http://127.0.0.1:9"])
                .args(flags)
                .args(subcommand)
                .args(["--", "sh", "-c", script])
                .env_clear()
                .env("HOME", &dir)
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("AWS_PROFILE", "prod")
                .env("AWS_ACCESS_KEY_ID", "ASIAHANDEDON")
                .env("AWS_SECRET_ACCESS_KEY", "handed/on/secret")
                .env("AWS_SESSION_TOKEN", "a-session-token")
                .env("AWS_CONFIG_FILE", &config)
                .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"));
            let o = run(&mut c);
            assert_eq!(o.status.code(), Some(0), "{subcommand:?} {flags:?}: {o:?}");
            assert_eq!(
                String::from_utf8_lossy(&o.stdout),
                format!("region={expected}/{expected} profile=none\n"),
                "{subcommand:?} {flags:?}"
            );
        }
    }
}

/// `sts serve --exec` used to leave the child the user's profile files as
/// they were, so that its SDK took the `[default]` profile's own keys
/// (which every default chain reads before the container endpoint) and
/// ran as that user, not the served role. The child now gets copies
/// without the default profile's credential lines (owner-only, removed
/// when it ends); the rest of the files is kept.
#[test]
fn serve_exec_child_is_not_given_the_default_profiles_own_credentials() {
    let moto = Moto::shared_auth();
    let dir = ScratchDir::new("exec-serve-default-profile");
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        "[default]\nregion = eu-west-1\ncli_timestamp_format = iso8601\n\
         credential_process = false\n[profile other]\noutput = text\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = AKIDDEFAULTUSER\n\
         aws_secret_access_key = default/secret\n[other]\naws_access_key_id = AKIDOTHER\n\
         aws_secret_access_key = other/secret\n",
    )
    .unwrap();
    // The child shows the files it was given, their mode, then calls
    // STS as its SDK would (the tool itself: its default chain).
    let script = format!(
        "cat \"$AWS_CONFIG_FILE\" \"$AWS_SHARED_CREDENTIALS_FILE\"; \
         echo files=\"$AWS_CONFIG_FILE\" \"$AWS_SHARED_CREDENTIALS_FILE\"; \
         ls -l \"$AWS_SHARED_CREDENTIALS_FILE\" | cut -c1-10; \
         \"{}\" --endpoint-url {} get-caller-identity --query Arn --output text",
        sts_tests::cargo::sts_binary().display(),
        moto.endpoint
    );
    let mut c = sts(
        moto,
        &[
            "serve",
            "--role-arn",
            &moto.role_arn,
            "--role-session-name",
            "served",
            "--exec",
            "--",
            "sh",
            "-c",
            &script,
        ],
    );
    // The copies go to the user's runtime directory (a tmpfs emptied at
    // logout) when it is theirs alone.
    let runtime = config.with_file_name("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    c.env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("XDG_RUNTIME_DIR", &runtime);
    let o = run(&mut c);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(out.trim_end().ends_with("/served"), "not the role: {out}");
    assert!(out.contains(":assumed-role/"), "{out}");
    for gone in ["AKIDDEFAULTUSER", "default/secret", "credential_process"] {
        assert!(!out.contains(gone), "{gone} reached the child: {out}");
    }
    for kept in [
        "region = eu-west-1",
        "cli_timestamp_format = iso8601",
        "[profile other]\noutput = text",
        "[other]\naws_access_key_id = AKIDOTHER",
    ] {
        assert!(out.contains(kept), "{kept} was lost: {out}");
    }
    assert!(out.contains("\n-rw-------\n"), "not owner-only: {out}");
    // The copies are gone once the child has ended; the originals stay.
    let files = out.lines().find_map(|l| l.strip_prefix("files=")).unwrap();
    for copy in files.split(' ') {
        assert!(!std::path::Path::new(copy).exists(), "{copy} left behind");
        assert_ne!(copy, config.to_str().unwrap());
        assert!(std::path::Path::new(copy).starts_with(&runtime), "{copy}");
    }
    assert!(
        std::fs::read_to_string(&credentials)
            .unwrap()
            .contains("AKIDDEFAULTUSER")
    );
}

/// Temporary credentials without an expiry (here `AWS_SESSION_TOKEN`
/// without `AWS_CREDENTIAL_EXPIRATION`) used to be served without
/// `Expiration`, which SDKs refuse (botocore with a KeyError): an SDK's
/// container provider (this project's) now takes them, with a rolling
/// expiry about an hour ahead.
#[test]
fn serve_gives_credentials_without_an_expiry_one_that_sdks_accept() {
    use sts_blocking::credentials::{ContainerProvider, ProvideCredentials, ProviderConfig};
    let served = serve_without_sts();
    let env = sts_blocking::env::MapEnv::new([
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("http://127.0.0.1:{}/credentials", served.port),
        ),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", served.token.clone()),
    ]);
    let provider = ContainerProvider::new(&ProviderConfig::new().with_env(env));
    let credentials = provider
        .provide_credentials()
        .expect("the container provider takes the served document");
    assert_eq!(credentials.access_key_id(), "ASIAHANDEDON");
    let left = credentials
        .expiration()
        .unwrap()
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(
        left > Duration::from_secs(50 * 60) && left <= Duration::from_secs(3600),
        "{left:?}"
    );
}

/// `sts exec` used to leave `AWS_ACCOUNT_ID` in the child's environment,
/// where SDKs pair it with the environment's keys (account-based
/// endpoints): another account's id went with the role's credentials. It
/// is now the role's account, as `AccountId` is in `sts serve`'s document.
#[test]
fn exec_and_serve_give_the_roles_account_not_the_environments() {
    let moto = Moto::shared_auth();
    let account = moto.role_arn.split(':').nth(4).unwrap();
    assert_ne!(account, "999999999999");
    let mut c = sts(
        moto,
        &[
            "exec",
            "--role-arn",
            &moto.role_arn,
            "--",
            "sh",
            "-c",
            "echo account=${AWS_ACCOUNT_ID:-none}",
        ],
    );
    c.env("AWS_ACCOUNT_ID", "999999999999");
    let o = run(&mut c);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("account={account}\n")
    );

    let served = serve(moto, &["--role-arn", &moto.role_arn]);
    let (status, body) = get(served.port, "/credentials", Some(&served.token));
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["AccountId"], account, "{body}");
}

/// Connections used to be read one at a time, each allowed 5 s for its
/// request: a few idle ones (any local user may open them, without the
/// token) kept a client with the token waiting 5 s each, past botocore's
/// container provider's tries. Each connection is now read on its own.
#[test]
fn idle_connections_do_not_delay_a_client_with_the_token() {
    let served = serve_without_sts();
    // Connected first, so accepted first; they send nothing.
    let idle: Vec<TcpStream> = (0..6)
        .map(|_| TcpStream::connect(("127.0.0.1", served.port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let answered = get_within(served.port, &served.token, Duration::from_secs(40));
    let waited = started.elapsed();
    let (status, body) = answered.unwrap_or_else(|e| panic!("not answered in {waited:?}: {e}"));
    assert_eq!(status, 200, "{body}");
    assert!(
        waited < Duration::from_secs(2),
        "the client with the token waited {waited:?} behind idle connections"
    );
    drop(idle);
}

/// Any local user may connect without the token: 32 connections sending
/// nothing used to fill the endpoint, and every connection after them,
/// a client with the token among them, was closed unread for as long as
/// the crowd was held open (reopened as each was dropped after 5 s). Each
/// new connection now closes the idle one that has waited longest.
#[test]
fn a_crowd_of_idle_connections_cannot_keep_a_client_with_the_token_out() {
    let served = serve_without_sts();
    let connect = || TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    // More than the endpoint lets wait, and each reopened as soon as the
    // endpoint closes it, while the client with the token asks.
    let mut crowd: std::collections::VecDeque<TcpStream> = (0..40).map(|_| connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    // Closed to make room: its answer (a 400, as it sent no request)
    // ends at once, where an idle connection still waiting would not.
    let first_closed = crowd.front().map(|s| {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        (&*s).read_to_end(&mut Vec::new()).is_ok()
    });
    assert_eq!(
        first_closed,
        Some(true),
        "the connection waiting longest was not closed to make room"
    );
    let started = Instant::now();
    for _ in 0..20 {
        crowd.pop_front();
        crowd.push_back(connect());
    }
    let answered = get_within(served.port, &served.token, Duration::from_secs(20));
    let waited = started.elapsed();
    let (status, body) = answered.unwrap_or_else(|e| panic!("not answered in {waited:?}: {e}"));
    assert_eq!(status, 200, "{body}");
    assert!(
        waited < Duration::from_secs(3),
        "the client with the token waited {waited:?} behind the idle crowd"
    );
    drop(crowd);
    // A request that has come is answered even when a burst of new
    // connections closes it to make room before its head is read (found
    // by a review: closing both ways lost a few answers in a hundred).
    for _ in 0..200 {
        let mut asking = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
        write!(
            asking,
            "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\r\n",
            served.token
        )
        .unwrap();
        let burst: Vec<TcpStream> = (0..33).map(|_| connect()).collect();
        asking
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut answer = String::new();
        asking.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 "), "{answer:?}");
        drop(burst);
    }
}

/// Waits up to 60 s for `child` to end.
#[cfg(unix)]
fn wait_bounded(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "did not end");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Ctrl-C (SIGINT to the terminal's process group) used to end `sts serve
/// --exec` at once, while its command (which may catch it and clean up,
/// as terraform does) went on without its endpoint, its status lost. The
/// tool now outlives it: the command's cleanup still gets credentials,
/// and its status is the tool's.
#[cfg(unix)]
#[test]
fn serve_exec_outlives_ctrl_c_and_passes_on_the_commands_status() {
    use std::os::unix::process::CommandExt;
    let moto = Moto::shared_auth();
    let script = format!(
        "trap '\"{}\" --endpoint-url {} get-caller-identity --query Arn --output text; exit 5' INT; \
         echo ready; while :; do sleep 0.1; done",
        sts_tests::cargo::sts_binary().display(),
        moto.endpoint
    );
    let mut c = sts(
        moto,
        &[
            "serve",
            "--role-arn",
            &moto.role_arn,
            "--role-session-name",
            "cleanup",
            "--exec",
            "--",
            "sh",
            "-c",
            &script,
        ],
    );
    c.process_group(0).stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    let group = format!("-{}", child.id());
    let sent = Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = wait_bounded(&mut child);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(status.code(), Some(5), "{status:?}: {rest}");
    assert!(
        rest.contains(":assumed-role/") && rest.trim_end().ends_with("/cleanup"),
        "the cleanup got no credentials: {rest}"
    );
}

/// SIGTERM to `sts serve --exec` used to end it and leave its command
/// running without an endpoint; it is passed on to the command, and the
/// tool exits with the command's status once it has ended.
#[cfg(unix)]
#[test]
fn serve_exec_passes_sigterm_on_to_the_command() {
    let mut c = sts_at(
        "http://127.0.0.1:9",
        ("ASIAHANDEDON", "handed/on/secret"),
        &[
            "serve",
            "--exec",
            "--",
            "sh",
            "-c",
            "echo $$; exec sleep 60",
        ],
    );
    c.env("AWS_SESSION_TOKEN", "a-session-token")
        .stdout(Stdio::piped());
    let mut served = Served {
        child: c.spawn().unwrap(),
        _home: c.home,
        port: 0,
        token: String::new(),
    };
    let mut stdout = BufReader::new(served.child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let command_pid = line.trim().to_owned();
    let alive = |pid: &str| {
        Command::new("kill")
            .args(["-0", pid])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    assert!(alive(&command_pid));
    let sent = Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = wait_bounded(&mut served.child);
    let orphaned = alive(&command_pid);
    if orphaned {
        let _ = Command::new("kill").args(["-KILL", &command_pid]).status();
    }
    assert!(!orphaned, "the command was left running");
    // Ended by the signal that ended the command, as `sts exec` (which
    // becomes the command) is.
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(15), "{status:?}");
}

/// `sts serve --exec` with handed-on credentials (no STS needed) running
/// `sh -c script`, its output and status.
#[cfg(unix)]
fn serve_exec_sh(script: &str, wrap: Option<&str>) -> Output {
    let mut c = sts_at(
        "http://127.0.0.1:9",
        ("ASIAHANDEDON", "handed/on/secret"),
        &["serve", "--exec", "--", "sh", "-c", script],
    );
    c.env("AWS_SESSION_TOKEN", "a-session-token");
    if let Some(wrap) = wrap {
        // The tool started by a shell that set dispositions first.
        let program = c.get_program().to_owned();
        let args: Vec<_> = c.get_args().map(|a| a.to_owned()).collect();
        let envs: Vec<_> = c
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
            .collect();
        let mut shell = Command::new("sh");
        shell
            .arg("-c")
            .arg(format!("{wrap}; exec \"$0\" \"$@\""))
            .arg(program)
            .args(args)
            .env_clear()
            .envs(envs);
        c.command = shell;
    }
    run(&mut c)
}

/// A command that dies of SIGINT (Ctrl-C) ends `sts serve --exec` by
/// SIGINT too: it exited with 130, and a shell script running it went on
/// after Ctrl-C, since bash stops a script only when its child died of
/// the signal itself.
#[cfg(unix)]
#[test]
fn serve_exec_ends_by_the_signal_that_ended_its_command() {
    use std::os::unix::process::ExitStatusExt;
    let o = serve_exec_sh("kill -INT $$", None);
    assert_eq!(o.status.signal(), Some(2), "{o:?}");
    // Another signal: 128 + its number, as a shell reports it.
    let o = serve_exec_sh("kill -USR1 $$", None);
    assert_eq!(o.status.code(), Some(128 + 10), "{o:?}");
    let o = serve_exec_sh("exit 7", None);
    assert_eq!(o.status.code(), Some(7), "{o:?}");
}

/// Signals the tool was started with ignored (`nohup`, a script's
/// background job) stay ignored for its command, as a shell or `nohup`
/// leaves them: catching them reset them to the default in the command,
/// so that a hangup killed a command run under `nohup sts serve --exec`.
#[cfg(target_os = "linux")]
#[test]
fn serve_exec_leaves_ignored_signals_ignored_for_its_command() {
    let mask_in = |text: &str| {
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("SigIgn:"))
            .unwrap_or_else(|| panic!("no SigIgn in {text}"));
        u64::from_str_radix(line.trim(), 16).unwrap()
    };
    let mask = |o: &Output| mask_in(&String::from_utf8_lossy(&o.stdout));
    // SIGHUP is bit 0, SIGINT bit 1, SIGQUIT bit 2, SIGTERM bit 14: the
    // ones the tool catches.
    let caught = 0b111 | 1 << 14;
    let status = "grep SigIgn /proc/self/status";
    let both = mask(&serve_exec_sh(status, Some("trap '' HUP INT")));
    assert_eq!(both & 0b11, 0b11, "{both:x}");
    // Otherwise what the tool got, which is this test's own (a run under
    // `nohup` ignores SIGHUP): the tool's catching neither resets nor adds.
    let own = mask_in(&std::fs::read_to_string("/proc/self/status").unwrap());
    let inherited = mask(&serve_exec_sh(status, None));
    assert_eq!(inherited & caught, own & caught, "{inherited:x} {own:x}");
}

/// A command's arguments need not be UTF-8 (a file name in another
/// encoding): they reach the command byte for byte; they were refused.
#[cfg(unix)]
#[test]
fn exec_and_serve_exec_pass_arguments_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    let mut c = sts_at(
        "http://127.0.0.1:9",
        ("ASIAHANDEDON", "handed/on/secret"),
        &["serve", "--exec", "--", "printf", "%s"],
    );
    c.arg(latin1).env("AWS_SESSION_TOKEN", "a-session-token");
    let o = run(&mut c);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(o.stdout, b"caf\xe9.txt");
    let moto = Moto::shared_auth();
    let mut c = sts(moto, &["exec", "--", "printf", "%s"]);
    c.arg(latin1);
    let o = run(&mut c);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(o.stdout, b"caf\xe9.txt");
}

/// `eval "$(sts serve &)"` used to hang for as long as the tool served:
/// it kept stdout, the shell's pipe, open. It lets it go once the
/// variables are printed, and goes on serving.
#[cfg(unix)]
#[test]
fn eval_of_a_background_serve_returns_and_the_endpoint_serves() {
    let script = format!(
        "eval \"$(\"{}\" --endpoint-url http://127.0.0.1:9 --region eu-west-1 serve 2>/dev/null & \
         echo sts_pid=$!)\"; \
         echo \"$sts_pid $AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN\"",
        sts_tests::cargo::sts_binary().display()
    );
    // The tool's environment as `sts_at` sets it, for a shell that runs
    // it (its stderr elsewhere: the background tool would hold this one).
    let tool = sts_at(
        "http://127.0.0.1:9",
        ("ASIAHANDEDON", "handed/on/secret"),
        &[],
    );
    let mut c = Command::new("sh");
    c.args(["-c", &script]).env_clear();
    for (name, value) in tool.get_envs() {
        if let Some(value) = value {
            c.env(name, value);
        }
    }
    c.env("AWS_SESSION_TOKEN", "a-session-token");
    let o = sts_tests::process::run_bounded(&mut c, Duration::from_secs(20))
        .expect("eval returned while sts serves");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut fields = out.split_whitespace();
    let (pid, uri, token) = (
        fields.next().unwrap_or_default().to_owned(),
        fields.next().unwrap_or_default(),
        fields.next().unwrap_or_default(),
    );
    let port: u16 = uri
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no URI: {out}"));
    let answered = get_within(port, token, Duration::from_secs(20));
    let _ = Command::new("kill").arg(&pid).status();
    let (status, body) = answered.unwrap();
    assert_eq!(status, 200, "{body}");
}
