//! `sts-ffi/examples/exchange_curl.c`, the C exchange over libcurl, built
//! as its comment says (C11, every warning an error) against
//! `libsts_ffi.a` and libcurl, and run against the fault server on
//! loopback: a 503 with `x-amz-retry-after`, then a clock-skew answer,
//! then the role (plainly and under valgrind memcheck); a dropped
//! connection and a stalled answer, each retried; a refused connection and
//! an oversized body, each the end of the call.
//!
//! The program reports each step on stderr; these tests check those lines
//! against what the server recorded: how many requests, when they came,
//! how they were signed.
//!
//! libcurl's headers come from the system (`libcurl4-openssl-dev`, which
//! `scripts/test.sh` installs when it runs as root); without them the
//! tests skip, except under CI, where they fail (`sts_tests::tools::skip`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use sts_tests::{FaultServer, RecordedRequest, Response, Step, canned};

const ACCESS_KEY: &str = "AKIDCURLEXAMPLE";
const SECRET: &str = "curl-example-secret-key";
const REGION: &str = "us-west-2";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/curl-role";
const SESSION: &str = "curl-test";
const SESSION_ARN: &str = "arn:aws:sts::123456789012:assumed-role/curl-role/curl-test";
/// What the first answer asks the client to wait, in milliseconds.
const RETRY_AFTER_MS: u64 = 250;
/// How far ahead of the local clock the clock-skew answer is dated.
const SKEW: Duration = Duration::from_secs(20 * 60);

/// Longest a build or one run of the program may take.
const TIMEOUT: Duration = Duration::from_secs(120);

// ---- building -----------------------------------------------------------------

/// The C compiler, as `ffi_c.rs` finds it.
fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_owned())
}

/// Whether a program including `<curl/curl.h>` compiles and links with
/// `-lcurl` here.
fn libcurl_builds(dir: &Path) -> bool {
    let exe = dir.join("libcurl-probe");
    let mut cmd = Command::new(cc());
    cmd.args(["-x", "c", "-", "-x", "none", "-lcurl", "-o"])
        .arg(&exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let built = cmd
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("piped stdin").write_all(
                b"#include <curl/curl.h>\n\
                  int main(void) { curl_global_cleanup(); return 0; }\n",
            )?;
            child.wait()
        })
        .is_ok_and(|s| s.success());
    let _ = std::fs::remove_file(&exe);
    built
}

/// The example, built once per test process; `None` (after
/// `sts_tests::tools::skip`) when libcurl's development files are missing.
fn example() -> Option<PathBuf> {
    static BUILT: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

fn build() -> Option<PathBuf> {
    let out_dir = sts_tests::cargo::profile_dir().join("ffi-c");
    std::fs::create_dir_all(&out_dir).unwrap();
    if !libcurl_builds(&out_dir) {
        sts_tests::tools::skip(
            "libcurl's development files are missing: apt-get install libcurl4-openssl-dev \
             (scripts/test.sh does when it runs as root)",
        );
        return None;
    }
    let root = sts_tests::moto::workspace_root();
    let exe = out_dir.join("exchange_curl");
    let mut cmd = Command::new(cc());
    cmd.args([
        "-x",
        "c",
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
        "-O1",
    ])
    .arg("-I")
    .arg(root.join("sts-ffi/include"))
    .arg(root.join("sts-ffi/examples/exchange_curl.c"))
    .args(["-x", "none"])
    .arg(sts_tests::ffi::staticlib())
    .arg("-lcurl")
    .args(sts_tests::ffi::NATIVE_LIBS)
    .arg("-o")
    .arg(&exe);
    let started = Instant::now();
    let out = run_bounded(&mut cmd);
    assert!(
        out.status.success(),
        "compiling the example failed: {cmd:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("built {} in {:?}", exe.display(), started.elapsed());
    Some(exe)
}

// ---- running --------------------------------------------------------------------

fn run_bounded(cmd: &mut Command) -> Output {
    sts_tests::process::run_bounded(cmd, TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
}

/// What one run printed.
struct Run {
    status: std::process::ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn report(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }

    /// The stderr lines of attempt `n`, without the `attempt n: ` prefix.
    fn attempt(&self, n: u32) -> Vec<&str> {
        let prefix = format!("attempt {n}: ");
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect()
    }

    /// The attempt numbers of the requests sent, in order.
    fn sent(&self) -> Vec<u32> {
        self.stderr
            .lines()
            .filter_map(|l| {
                let (n, rest) = l.strip_prefix("attempt ")?.split_once(": ")?;
                rest.starts_with("POST ").then(|| n.parse().unwrap())
            })
            .collect()
    }

    /// No secret reached the output: neither the signing key nor the
    /// role's secret key and session token from the answer.
    fn assert_no_secret(&self) {
        for secret in [SECRET, "fault/secret", "fault-token"] {
            assert!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "a secret was printed\n{}",
                self.report()
            );
        }
    }
}

/// Runs the example with `args` and the role, in an environment that holds
/// nothing of the developer's: the signing keys and the region come from
/// the variables the AWS SDKs read, the endpoint from `--endpoint-url`.
fn run(
    exe: &Path,
    valgrind: Option<&str>,
    endpoint: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let home = sts_tests::ScratchDir::new("curl-example");
    let mut cmd = match valgrind {
        Some(valgrind) => {
            let mut c = Command::new(valgrind);
            c.args(sts_tests::ffi::MEMCHECK_ARGS).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    cmd.arg("--endpoint-url")
        .arg(endpoint)
        .args(args)
        .args([ROLE_ARN, SESSION])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied());
    let started = Instant::now();
    let out = run_bounded(&mut cmd);
    let run = Run {
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    eprintln!("ran in {:?}\n{}", started.elapsed(), run.report());
    run.assert_no_secret();
    run
}

// ---- the server ---------------------------------------------------------------

/// The role the server hands out.
fn assumed_role() -> Step {
    let result = format!(
        "{}<AssumedRoleUser><AssumedRoleId>AROACURL:{SESSION}</AssumedRoleId>\
         <Arn>{SESSION_ARN}</Arn></AssumedRoleUser>",
        canned::credentials()
    );
    Step::xml(200, canned::success("AssumeRole", &result))
}

/// A 503 asking for a retry after [`RETRY_AFTER_MS`], a clock-skew answer
/// dated [`SKEW`] ahead of the moment it is sent (so that a slow run under
/// valgrind measures the same skew), then the role. Records when each
/// request arrived.
fn retry_then_skew_server() -> (FaultServer, Arc<Mutex<Vec<Instant>>>) {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&arrivals);
    let server = FaultServer::with_handler(move |_| {
        let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.push(Instant::now());
        match seen.len() {
            1 => Step::Respond(
                Response::new(503).header("x-amz-retry-after", RETRY_AFTER_MS.to_string()),
            ),
            2 => Step::Respond(
                Response::xml(403, canned::error("RequestTimeTooSkewed", "too skewed")).header(
                    "Date",
                    sts_tests::dates::http_date(SystemTime::now() + SKEW),
                ),
            ),
            _ => assumed_role(),
        }
    });
    (server, arrivals)
}

/// The value of `name` in a form body, still percent-encoded.
fn form_value(body: &str, name: &str) -> Option<String> {
    body.split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}

/// Every request is the AssumeRole the command line asked for, sent as the
/// exchange handed it out and signed with the environment's key for its
/// region.
fn assert_assume_role_requests(requests: &[RecordedRequest]) {
    for r in requests {
        let body = r.body_text();
        assert_eq!(r.method, "POST");
        assert_eq!(form_value(&body, "Action").as_deref(), Some("AssumeRole"));
        assert_eq!(
            form_value(&body, "RoleArn").as_deref(),
            Some("arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fcurl-role")
        );
        assert_eq!(
            form_value(&body, "RoleSessionName").as_deref(),
            Some(SESSION)
        );
        let auth = r.header("authorization").unwrap_or_default();
        assert!(
            auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/"))
                && auth.contains(&format!("/{REGION}/sts/aws4_request")),
            "{auth}"
        );
        assert!(
            r.header("user-agent")
                .is_some_and(|ua| ua.contains("exchange_curl")),
            "{r:#?}"
        );
        // Sent at once, without waiting for a 100 Continue.
        assert_eq!(r.header("expect"), None, "{r:#?}");
    }
}

/// The program assumed the role and printed the session, not its secrets.
fn assert_printed_the_session(run: &Run) {
    assert!(run.status.success(), "{}", run.report());
    assert_eq!(
        run.stdout,
        format!(
            "role session {SESSION_ARN}\naccess key id ASIAFAULTSERVER\n\
             expires 2030-01-01T00:00:00Z\nrequest id req-AssumeRole\n"
        ),
        "{}",
        run.report()
    );
}

/// The whole scenario of [`retry_then_skew_server`], seen from the
/// program's output and from the server.
fn retry_and_resign(exe: &Path, valgrind: Option<&str>) {
    let (server, arrivals) = retry_then_skew_server();
    let run = run(exe, valgrind, &server.url(), &[], &[]);
    assert_printed_the_session(&run);

    // From C: three requests, the third a re-signed second attempt; the
    // wait the server asked for; the skew the answer showed.
    assert_eq!(run.sent(), [1, 2, 2], "{}", run.report());
    let first = run.attempt(1);
    assert!(first.contains(&"HTTP 503, 0 body bytes"), "{first:?}");
    assert!(
        first.contains(&format!("retrying in {RETRY_AFTER_MS} ms").as_str()),
        "{first:?}"
    );
    let second = run.attempt(2);
    assert!(
        second.iter().any(|l| l.starts_with("HTTP 403, ")),
        "{second:?}"
    );
    let skew_ms: i64 = second
        .iter()
        .find_map(|l| {
            l.strip_prefix("the server's clock is ")?
                .strip_suffix(" ms ahead of ours, signing again")
        })
        .unwrap_or_else(|| panic!("no re-sign reported: {second:?}"))
        .parse()
        .unwrap();
    let skew = SKEW.as_millis() as i64;
    assert!(
        (skew - 30_000..=skew + 1_000).contains(&skew_ms),
        "skew {skew_ms} ms"
    );
    assert!(
        second.iter().any(|l| l.starts_with("HTTP 200, ")),
        "{second:?}"
    );
    assert!(
        run.stderr.lines().any(|l| l == "done after 3 requests"),
        "{}",
        run.report()
    );

    // From the server: the same three requests, the second no sooner than
    // the wait allowed, the third signed with the clock moved by the skew.
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_assume_role_requests(&requests);
    let arrivals = arrivals.lock().unwrap_or_else(PoisonError::into_inner);
    let waited = arrivals[1] - arrivals[0];
    assert!(
        waited >= Duration::from_millis(RETRY_AFTER_MS),
        "the second attempt came {waited:?} after the first"
    );
    let dates: Vec<i64> = requests
        .iter()
        .map(|r| sts_tests::dates::amz_date_seconds(r.header("x-amz-date").unwrap_or_default()))
        .collect();
    assert!((0..30).contains(&(dates[1] - dates[0])), "{dates:?}");
    let moved = dates[2] - dates[1];
    let skew = SKEW.as_secs() as i64;
    assert!(
        (skew - 30..=skew + 30).contains(&moved),
        "re-signed {moved} s later: {dates:?}"
    );
    // The first two may share a second, and then a signature; the
    // re-signed request has its own.
    let signature = |r: &RecordedRequest| r.header("authorization").unwrap_or_default().to_owned();
    assert_ne!(signature(&requests[1]), signature(&requests[2]));
    // One libcurl handle for the whole call: the kept-alive connection
    // served every attempt.
    assert!(requests.iter().all(|r| r.connection == 0), "{requests:#?}");
}

/// A port on loopback where nothing listens (it did a moment ago).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---- the tests ------------------------------------------------------------------

#[test]
fn retries_a_503_and_signs_again_after_a_clock_skew_answer() {
    if let Some(exe) = example() {
        retry_and_resign(&exe, None);
    }
}

#[test]
fn the_same_under_valgrind_memcheck() {
    let Some(exe) = example() else { return };
    let Some(valgrind) = sts_tests::ffi::valgrind() else {
        sts_tests::tools::skip(sts_tests::ffi::VALGRIND_MISSING);
        return;
    };
    retry_and_resign(&exe, Some(&valgrind));
}

#[test]
fn a_dropped_connection_and_a_timeout_are_retried() {
    let Some(exe) = example() else { return };
    let server = FaultServer::start(vec![
        Step::Close,
        Step::Stall(Duration::from_secs(3)),
        assumed_role(),
    ]);
    let run = run(
        &exe,
        None,
        &server.url(),
        &["--attempt-timeout-ms", "500"],
        &[],
    );
    assert_printed_the_session(&run);
    assert_eq!(run.sent(), [1, 2, 3], "{}", run.report());
    assert!(
        run.attempt(1)
            .iter()
            .any(|l| l.starts_with("no answer (i/o error): ")),
        "{}",
        run.report()
    );
    assert!(
        run.attempt(2)
            .iter()
            .any(|l| l.starts_with("no answer (timed out): ")),
        "{}",
        run.report()
    );
    // The attempt's limit reached libcurl from the exchange.
    assert!(
        run.attempt(2).iter().any(|l| l.ends_with("limit 500 ms")),
        "{}",
        run.report()
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_assume_role_requests(&requests);
}

#[test]
fn a_refused_connection_fails_after_every_attempt() {
    let Some(exe) = example() else { return };
    let url = format!("http://127.0.0.1:{}", closed_port());
    let run = run(&exe, None, &url, &[], &[("AWS_MAX_ATTEMPTS", "2")]);
    assert_eq!(run.status.code(), Some(1), "{}", run.report());
    assert_eq!(run.sent(), [1, 2], "{}", run.report());
    for n in [1, 2] {
        assert!(
            run.attempt(n)
                .iter()
                .any(|l| l.starts_with("no answer (connect failed): ")),
            "{}",
            run.report()
        );
    }
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("AssumeRole failed: ")
                && l.contains("no complete HTTP response was received")),
        "{}",
        run.report()
    );
    assert_eq!(run.stdout, "", "{}", run.report());
}

#[test]
fn a_body_over_the_limit_ends_the_call() {
    let Some(exe) = example() else { return };
    let server = FaultServer::start(vec![Step::huge(200, 2 * 1024 * 1024), assumed_role()]);
    let run = run(&exe, None, &server.url(), &[], &[]);
    assert_eq!(run.status.code(), Some(1), "{}", run.report());
    assert_eq!(run.sent(), [1], "{}", run.report());
    assert!(
        run.attempt(1)
            .iter()
            .any(|l| l.starts_with("no answer (body too large): ")),
        "{}",
        run.report()
    );
    assert_eq!(server.requests_seen(), 1);
}

#[test]
fn usage_errors_exit_2_and_send_nothing() {
    let Some(exe) = example() else { return };
    for args in [
        &[][..],
        &["--region"][..],
        &["--attempt-timeout-ms", "soon", ROLE_ARN][..],
    ] {
        let out = run_bounded(Command::new(&exe).args(args).env_clear());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("usage: "),
            "{args:?}"
        );
    }
}

/// The README's sans-IO program and its exchange snippet, which says it is
/// appended to it, compile together under the README's own flags (C11,
/// every warning an error): the snippet uses POSIX clocks, whose
/// declarations depend on a define that must come before every include.
#[test]
fn the_readme_sans_io_and_exchange_snippets_compile_together() {
    let Some(_) = example() else { return };
    let root = sts_tests::moto::workspace_root();
    let readme = std::fs::read_to_string(root.join("sts-ffi/README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```c\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block))
        .collect();
    let find = |needle: &str| {
        *blocks
            .iter()
            .find(|b| b.contains(needle))
            .unwrap_or_else(|| panic!("no C block of the README contains {needle:?}"))
    };
    let program = format!(
        "{}\n{}",
        find("#include <curl/curl.h>"),
        find("whoami_with_retries")
    );
    let dir = sts_tests::cargo::profile_dir().join("ffi-c");
    let source = dir.join("readme_exchange.c");
    std::fs::write(&source, program).unwrap();
    let mut cmd = Command::new(cc());
    cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c"])
        .arg("-I")
        .arg(root.join("sts-ffi/include"))
        .arg(&source)
        .arg("-o")
        .arg(dir.join("readme_exchange.o"));
    let out = run_bounded(&mut cmd);
    assert!(
        out.status.success(),
        "the README's snippets do not compile: {cmd:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
