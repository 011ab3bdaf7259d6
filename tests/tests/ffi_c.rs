//! The C ABI as C and C++ programs use it: `tests/c/sts_ffi_test.c`,
//! compiled by the system C compiler against `libsts_ffi.a`, run against
//! moto (signature checks on) and the fault server, as C11 and as C++17,
//! plainly, under valgrind memcheck and with AddressSanitizer.
//!
//! The program checks what it gets back (results, error objects, every rule
//! of the boundary) and exits non-zero on any failure; this side checks
//! what reached the servers: that each operation was sent once with the
//! parameters the C structs held, signed or unsigned as it should be, that
//! the 503 was retried, and that 8 threads on one client made every call.
//!
//! The same program is also built as a user outside this workspace builds
//! theirs: `scripts/install-ffi.sh` into a scratch prefix, then
//! `cc $(pkg-config --cflags --libs sts)`, the README's CMake example
//! (cmake and pkg-config come from PyPI into the moto venv), and a static
//! link, each against the installed files.
//!
//! A tool this machine lacks (C++ compiler, valgrind, AddressSanitizer's
//! runtime, cmake) skips its check, except under CI (`CI` set), where it
//! fails it: see `sts_tests::tools::skip`.
//!
//! Build steps print their commands; set `STS_FFI_C_VERBOSE=1` to see the
//! program's own output on success too.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use sts_tests::{
    FaultServer, Moto, RecordedRequest, Response, ScratchDir, Script, Step, WhenDone, canned,
};

// ---- values the C program expects (see the top of sts_ffi_test.c) --------

const FAULT_ACCESS_KEY: &str = "AKIDFAULTCTEST";
const FAULT_SECRET: &str = "c-fault-secret-key";
/// The secret half of the IAM console CSV line the boundary section gives
/// as an access key id, which `sts_client_new` must refuse without quoting.
const CSV_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCSVSECRET";
const FAULT_CALLER_ARN: &str = "arn:aws:iam::123456789012:user/fault-c";
const RETRY_CALLER_ARN: &str = "arn:aws:iam::123456789012:user/retried";
const EXCHANGE_CALLER_ARN: &str = "arn:aws:iam::123456789012:user/exchanged";
/// How far ahead of the local clock the exchange server's skew answer is.
const EXCHANGE_SKEW: Duration = Duration::from_secs(20 * 60);
const PROFILE: &str = "c-test";

/// Calls the thread section makes: 1 000 through the built-in
/// transport, and 200 more through the callback. Under valgrind too: it
/// runs the threads one at a time, but the whole run still takes about 20 s.
const THREAD_CALLS: usize = 1000;
const CALLBACK_THREAD_CALLS: usize = 200;

/// Longest any one run of the program may take before it is killed.
const RUN_TIMEOUT: Duration = Duration::from_secs(300);

// ---- building ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    C,
    Cpp,
}

/// The system compiler for `lang`, or `None` if there is none.
fn compiler(lang: Lang) -> Option<String> {
    let (var, default) = match lang {
        Lang::C => ("CC", "cc"),
        Lang::Cpp => ("CXX", "c++"),
    };
    let cc = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    let works = Command::new(&cc)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(cc)
}

/// The test program for `lang`, with or without AddressSanitizer, built
/// once per run (several tests share the plain C build); `None` (with the
/// reason printed) only if this machine cannot build that variant at all.
fn build(lang: Lang, asan: bool) -> Option<PathBuf> {
    static BUILT: [OnceLock<Option<PathBuf>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let slot = &BUILT[usize::from(lang == Lang::Cpp) * 2 + usize::from(asan)];
    slot.get_or_init(|| compile(lang, asan)).clone()
}

fn compile(lang: Lang, asan: bool) -> Option<PathBuf> {
    let name = format!(
        "sts_ffi_test-{}{}",
        if lang == Lang::C { "c" } else { "cpp" },
        if asan { "-asan" } else { "" }
    );
    let Some(cc) = compiler(lang) else {
        assert!(
            lang == Lang::Cpp,
            "no C compiler (set CC): the C ABI tests need one"
        );
        sts_tests::tools::skip(&format!("{name}: no C++ compiler (set CXX)"));
        return None;
    };
    if asan && !sanitizer_works(&cc, lang) {
        sts_tests::tools::skip(&format!(
            "{name}: {cc} -fsanitize=address cannot build and run a program here \
             (install libasan, e.g. `apt-get install libasan8`)"
        ));
        return None;
    }
    let out_dir = sts_tests::cargo::profile_dir().join("ffi-c");
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(&name);
    let root = sts_tests::moto::workspace_root();
    let mut cmd = Command::new(&cc);
    match lang {
        Lang::C => cmd.args(["-x", "c", "-std=c11"]),
        Lang::Cpp => cmd.args(["-x", "c++", "-std=c++17"]),
    };
    cmd.args([
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
        "-O1",
        "-pthread",
    ]);
    if asan {
        cmd.args(["-fsanitize=address", "-fno-omit-frame-pointer"]);
    }
    cmd.arg("-I")
        .arg(root.join("sts-ffi/include"))
        .arg(root.join("tests/c/sts_ffi_test.c"))
        // What follows is not C: let the driver pick by file name again.
        .args(["-x", "none"])
        .arg(sts_tests::ffi::staticlib())
        .args(sts_tests::ffi::NATIVE_LIBS)
        .arg("-o")
        .arg(&exe);
    let started = Instant::now();
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "compiling the C test program failed: {cmd:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("built {} in {:?}", exe.display(), started.elapsed());
    Some(exe)
}

/// Whether `cc -fsanitize=address` builds a program that runs.
fn sanitizer_works(cc: &str, lang: Lang) -> bool {
    let dir = ScratchDir::new("ffi-asan-probe");
    let exe = dir.join(if lang == Lang::C { "c" } else { "cpp" });
    let built = Command::new(cc)
        .args(["-x", if lang == Lang::C { "c" } else { "c++" }])
        .arg("-fsanitize=address")
        .arg("-")
        .arg("-o")
        .arg(&exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"int main(void) { return 0; }\n")?;
            child.wait()
        })
        .is_ok_and(|s| s.success());
    built && Command::new(&exe).status().is_ok_and(|s| s.success())
}

// ---- the fault servers --------------------------------------------------------

/// The value of `name` in a form body, still percent-encoded.
fn form_value<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    body.split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

fn action(r: &RecordedRequest) -> String {
    form_value(&r.body_text(), "Action")
        .unwrap_or_default()
        .to_owned()
}

/// Answers each operation with a canned result the C program knows.
fn route(req: &RecordedRequest) -> Step {
    let body = req.body_text();
    let action = action(req);
    let credentials = canned::credentials();
    let result = match action.as_str() {
        "GetCallerIdentity" => return Step::xml(200, canned::caller_identity(FAULT_CALLER_ARN)),
        "AssumeRole" => format!(
            "{credentials}<AssumedRoleUser><AssumedRoleId>AROASANSIO:c-sansio</AssumedRoleId>\
             <Arn>arn:aws:sts::123456789012:assumed-role/sansio/c-sansio</Arn></AssumedRoleUser>"
        ),
        "AssumeRoleWithSAML" => format!(
            "{credentials}<AssumedRoleUser><AssumedRoleId>AROASAML:c-saml</AssumedRoleId>\
             <Arn>arn:aws:sts::123456789012:assumed-role/saml-role/c-saml</Arn>\
             </AssumedRoleUser><PackedPolicySize>6</PackedPolicySize>\
             <Subject>c-subject</Subject><SubjectType>persistent</SubjectType>\
             <Issuer>https://idp.example.com/</Issuer>\
             <Audience>https://signin.aws.amazon.com/saml</Audience>\
             <NameQualifier>c-qualifier</NameQualifier>\
             <SessionTokenUtilization>73</SessionTokenUtilization>\
             <SessionTokenSize>2048</SessionTokenSize>\
             <TrustedIdentityPropagationContext><OriginIdentity>\
             <Subject>c-origin-user</Subject><SubjectType>User</SubjectType>\
             <Issuer>https://origin.example.com</Issuer></OriginIdentity>\
             <TransactionContext><IdentityProvider>\
             <entry><key>tenant</key><value>blue</value></entry>\
             <entry><key>c-key</key><value>c-value</value></entry>\
             </IdentityProvider></TransactionContext></TrustedIdentityPropagationContext>"
        ),
        "AssumeRoleWithWebIdentity" => format!(
            "{credentials}<SubjectFromWebIdentityToken>c-web-subject\
             </SubjectFromWebIdentityToken><AssumedRoleUser>\
             <AssumedRoleId>AROAWEB:c-web</AssumedRoleId>\
             <Arn>arn:aws:sts::123456789012:assumed-role/web-role/c-web</Arn>\
             </AssumedRoleUser><Provider>www.amazon.com</Provider>\
             <Audience>c-client-id</Audience><SourceIdentity>c-web-source</SourceIdentity>"
        ),
        "AssumeRoot" => format!("{credentials}<SourceIdentity>c-root-source</SourceIdentity>"),
        "DecodeAuthorizationMessage" if form_value(&body, "EncodedMessage") == Some("bad") => {
            return Step::xml(
                400,
                canned::error("InvalidAuthorizationMessageException", "scripted"),
            );
        }
        "DecodeAuthorizationMessage" => {
            "<DecodedMessage>{\"allowed\":false,\"context\":\"c\"}</DecodedMessage>".to_owned()
        }
        "GetAccessKeyInfo" => "<Account>111122223333</Account>".to_owned(),
        "GetDelegatedAccessToken" => format!(
            "{credentials}<PackedPolicySize>12</PackedPolicySize>\
             <AssumedPrincipal>arn:aws:iam::123456789012:user/delegated</AssumedPrincipal>"
        ),
        "GetFederationToken" => format!(
            "{credentials}<FederatedUser><FederatedUserId>123456789012:c-fed</FederatedUserId>\
             <Arn>arn:aws:sts::123456789012:federated-user/c-fed</Arn></FederatedUser>\
             <PackedPolicySize>3</PackedPolicySize>"
        ),
        "GetSessionToken" => credentials.to_owned(),
        "GetScopedCredentials" => format!(
            "{credentials}<SessionInfo><ScopedSessionId>AROASCOPED:c-scoped</ScopedSessionId>\
             <Arn>arn:aws:sts::123456789012:assumed-role/scoped/c-scoped</Arn></SessionInfo>\
             <SessionTokenUtilization>41</SessionTokenUtilization>\
             <SessionTokenSize>1024</SessionTokenSize>\
             <ScopedPoliciesCount>2</ScopedPoliciesCount>\
             <SourceIdentity>c-scoped-source</SourceIdentity>"
        ),
        "GetWebIdentityToken" => "<WebIdentityToken>eyJ.c-jwt.sig</WebIdentityToken>\
                                  <Expiration>2030-01-01T00:00:00Z</Expiration>"
            .to_owned(),
        other => return Step::xml(400, canned::error("InvalidAction", other)),
    };
    Step::xml(200, canned::success(&action, &result))
}

/// 503 with an empty body, then a success, twice (built-in transport, then
/// the callback), then one more 503 for the client that may not retry.
fn retry_script() -> Vec<Step> {
    let ok = || Step::xml(200, canned::caller_identity(RETRY_CALLER_ARN));
    vec![
        Step::respond(503, ""),
        ok(),
        Step::respond(503, ""),
        ok(),
        Step::respond(503, ""),
    ]
}

/// For the exchange section: a 503 asking for a retry after 200 ms, a
/// clock-skew answer dated [`EXCHANGE_SKEW`] ahead of the time it is sent
/// (so that a slow run, under valgrind, measures the same skew), then the
/// result; then, for a second client's blocking call, the same skew answer
/// and results; then, for a third client's exchange, the same again.
fn exchange_server() -> FaultServer {
    let seen = std::sync::atomic::AtomicUsize::new(0);
    FaultServer::with_handler(move |_| {
        match seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => Step::Respond(Response::new(503).header("x-amz-retry-after", "200")),
            1 | 3 | 6 => Step::Respond(
                Response::xml(403, canned::error("RequestTimeTooSkewed", "too skewed")).header(
                    "Date",
                    sts_tests::dates::http_date(SystemTime::now() + EXCHANGE_SKEW),
                ),
            ),
            _ => Step::xml(200, canned::caller_identity(EXCHANGE_CALLER_ARN)),
        }
    })
}

// ---- running ------------------------------------------------------------------

/// A scratch HOME with a shared credentials file holding profile `c-test`
/// (moto's user keys); removed on drop.
struct Home(ScratchDir);

impl Home {
    fn new(tag: &str, moto: &Moto) -> Home {
        let dir = ScratchDir::new(&format!("ffi-c-{tag}"));
        std::fs::write(
            dir.join("credentials"),
            format!(
                "[{PROFILE}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                moto.access_key_id, moto.secret_access_key
            ),
        )
        .unwrap();
        // The profile's region, for the options that read it.
        std::fs::write(
            dir.join("config"),
            format!("[profile {PROFILE}]\nregion = ap-southeast-2\n"),
        )
        .unwrap();
        Home(dir)
    }
}

/// How a run is wrapped.
enum Mode {
    Plain,
    Valgrind(String),
    Asan,
}

/// The sanitizer settings a run in `mode` gets (the runs clear the rest of
/// the environment).
fn asan_options(mode: &Mode) -> Vec<(&'static str, &'static str)> {
    match mode {
        Mode::Asan => vec![("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1")],
        _ => Vec::new(),
    }
}

/// Runs `cmd` to completion, killing it after `timeout`.
fn run_bounded(mut cmd: Command, timeout: Duration) -> Output {
    sts_tests::process::run_bounded(&mut cmd, timeout).unwrap_or_else(|e| panic!("{e}"))
}

/// The program at `exe`, wrapped as `mode` says.
fn command(exe: &Path, mode: &Mode) -> Command {
    match mode {
        Mode::Valgrind(valgrind) => {
            let mut c = Command::new(valgrind);
            c.args(sts_tests::ffi::MEMCHECK_ARGS).arg(exe);
            c
        }
        Mode::Asan | Mode::Plain => Command::new(exe),
    }
}

/// Runs every section of the program at `exe`, then checks the output and
/// what the servers received.
fn run_all(exe: &Path, mode: Mode, tag: &str) {
    let moto = Moto::shared_auth();
    let router = FaultServer::with_handler(route);
    let retry = FaultServer::start(retry_script());
    let exchange = exchange_server();
    let skew = FaultServer::start(
        Script::new(vec![Step::Respond(
            Response::xml(403, canned::error("RequestTimeTooSkewed", "too skewed"))
                .header("Date", "Fri, 31 Dec 9999 23:59:59 GMT"),
        )])
        .then(WhenDone::RepeatLast),
    );
    let home = Home::new(tag, moto);

    let mut cmd = command(exe, &mode);
    cmd.args([
        "boundary", "moto", "fault", "retry", "skew", "sansio", "exchange", "threads",
    ])
    // Nothing of the developer's environment (proxies, AWS_* settings,
    // ~/.aws) may reach the program.
    .env_clear()
    .envs(asan_options(&mode))
    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
    .env("HOME", &home.0)
    .env("AWS_CONFIG_FILE", home.0.join("config"))
    .env("AWS_SHARED_CREDENTIALS_FILE", home.0.join("credentials"))
    // For STS_CREDENTIALS_DEFAULT_CHAIN.
    .env("AWS_ACCESS_KEY_ID", &moto.access_key_id)
    .env("AWS_SECRET_ACCESS_KEY", &moto.secret_access_key)
    .env("STS_TEST_EXPECT_VERSION", env!("CARGO_PKG_VERSION"))
    .env("STS_TEST_MOTO_URL", &moto.endpoint)
    .env("STS_TEST_MOTO_REGION", &moto.region)
    .env("STS_TEST_MOTO_ACCESS_KEY_ID", &moto.access_key_id)
    .env("STS_TEST_MOTO_SECRET_ACCESS_KEY", &moto.secret_access_key)
    .env("STS_TEST_MOTO_USER_ARN", &moto.user_arn)
    .env("STS_TEST_MOTO_ROLE_ARN", &moto.role_arn)
    .env("STS_TEST_MOTO_ACCOUNT", &moto.account_id)
    .env("STS_TEST_PROFILE", PROFILE)
    .env("STS_TEST_FAULT_URL", router.url())
    .env("STS_TEST_RETRY_URL", retry.url())
    .env("STS_TEST_SKEW_URL", skew.url())
    .env("STS_TEST_EXCHANGE_URL", exchange.url())
    .env("STS_TEST_THREAD_CALLS", THREAD_CALLS.to_string())
    .env(
        "STS_TEST_CALLBACK_THREAD_CALLS",
        CALLBACK_THREAD_CALLS.to_string(),
    );

    let started = Instant::now();
    let out = run_bounded(cmd, RUN_TIMEOUT);
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = format!(
        "{tag}: exit {:?} after {elapsed:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    eprintln!("{tag}: ran in {elapsed:?}");
    if std::env::var_os("STS_FFI_C_VERBOSE").is_some() {
        eprintln!("{report}");
    }

    // The program's own verdict, section by section.
    assert!(out.status.success(), "{report}");
    for section in [
        "boundary", "moto", "fault", "retry", "skew", "sansio", "exchange", "threads",
    ] {
        assert!(
            stdout.lines().any(|l| l == format!("ok {section}")),
            "section {section} did not pass\n{report}"
        );
    }
    assert!(stdout.contains(", 0 failed"), "{report}");
    assert!(
        stderr.trim().is_empty(),
        "the run wrote to stderr\n{report}"
    );
    for secret in [
        moto.secret_access_key.as_str(),
        FAULT_SECRET,
        CSV_SECRET,
        "fault/secret",
        "fault-token",
    ] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "a secret was printed\n{report}"
        );
    }

    check_fault_requests(&router.requests(), THREAD_CALLS, CALLBACK_THREAD_CALLS);
    check_exchange_requests(&exchange.requests(), &stdout, &report);
    // 503, ok (built-in); 503, ok (callback); 503 (one attempt): nothing more.
    assert_eq!(retry.requests_seen(), 5, "{:#?}", retry.requests());
    // A date in 9999 moves no clock: one attempt per client, each signed
    // with the local time.
    let year = sts_proto::time::format_timestamp(std::time::SystemTime::now());
    let skewed = skew.requests();
    assert_eq!(skewed.len(), 3, "{skewed:#?}");
    for r in &skewed {
        let date = r.header("x-amz-date").unwrap_or_default();
        assert!(date.starts_with(&year[..4]), "signed for {date}");
    }
}

/// What reached the exchange server: the wrong-state checks' request went
/// nowhere (it was freed unsent); the driven call made two attempts, the
/// second sent twice, re-signed 20 minutes ahead after the skew answer.
/// Then a second client's blocking call, re-signed after the same answer,
/// and that client's exchange, whose only request is signed with the
/// correction the blocking call learned. Then the reverse on a third
/// client: its exchange re-signed after the answer, and its blocking call's
/// only request signed with the correction the exchange learned.
fn check_exchange_requests(requests: &[RecordedRequest], stdout: &str, report: &str) {
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("exchange:"))
        .collect();
    eprintln!("{}", lines.join("\n"));
    assert_eq!(requests.len(), 9, "{requests:#?}\n{report}");
    let dates: Vec<i64> = requests
        .iter()
        .map(|r| {
            assert_eq!(action(r), "GetCallerIdentity");
            assert!(
                r.header("user-agent")
                    .unwrap_or_default()
                    .ends_with(" c-exchange")
            );
            sts_tests::dates::amz_date_seconds(r.header("x-amz-date").unwrap_or_default())
        })
        .collect();
    let skew = EXCHANGE_SKEW.as_secs() as i64;
    // The first two are signed with the local clock a moment apart, the
    // last with the clock moved by the skew the answer showed.
    assert!((0..30).contains(&(dates[1] - dates[0])), "{dates:?}");
    let moved = dates[2] - dates[1];
    assert!(
        (skew - 30..=skew + 30).contains(&moved),
        "re-signed {moved} s later: {dates:?}"
    );
    // The second client's blocking call: signed with the local clock, then
    // re-signed with the correction; its exchange's first request has it.
    assert!((0..120).contains(&(dates[3] - dates[0])), "{dates:?}");
    for later in [dates[4], dates[5]] {
        let moved = later - dates[3];
        assert!(
            (skew - 30..=skew + 30).contains(&moved),
            "signed {moved} s after the blocking call's first attempt: {dates:?}"
        );
    }
    assert!((0..120).contains(&(dates[6] - dates[0])), "{dates:?}");
    for later in [dates[7], dates[8]] {
        let moved = later - dates[6];
        assert!(
            (skew - 30..=skew + 30).contains(&moved),
            "signed {moved} s after the exchange's first attempt: {dates:?}"
        );
    }
}

/// What reached the router: every operation, as the C structs said.
fn check_fault_requests(requests: &[RecordedRequest], thread_calls: usize, callback_calls: usize) {
    let ua = |r: &RecordedRequest| r.header("user-agent").unwrap_or_default().to_owned();
    let of = |name: &str| -> Vec<&RecordedRequest> {
        requests.iter().filter(|r| action(r) == name).collect()
    };
    let only = |name: &str| -> String {
        let list: Vec<&RecordedRequest> = of(name)
            .into_iter()
            .filter(|r| ua(r).contains("c-fault"))
            .collect();
        assert_eq!(list.len(), 1, "{name} from the fault section: {list:#?}");
        list[0].body_text()
    };

    for r in requests {
        let auth = r.header("authorization");
        match action(r).as_str() {
            "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity" => {
                assert_eq!(auth, None, "an unsigned operation was signed: {r:#?}")
            }
            _ => assert!(
                auth.is_some_and(
                    |a| a.starts_with(&format!("AWS4-HMAC-SHA256 Credential={FAULT_ACCESS_KEY}/"))
                ),
                "not signed with the C client's key: {r:#?}"
            ),
        }
        assert!(
            !r.body_text().contains(FAULT_SECRET),
            "the secret key was sent"
        );
    }

    let saml = only("AssumeRoleWithSAML");
    assert!(
        saml.contains("PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fextra"),
        "{saml}"
    );
    assert!(
        saml.contains("SAMLAssertion=PHNhbWxwOlJlc3BvbnNlPg%3D%3D"),
        "{saml}"
    );
    let web = only("AssumeRoleWithWebIdentity");
    assert_eq!(form_value(&web, "ProviderId"), Some("www.amazon.com"));
    assert_eq!(form_value(&web, "DurationSeconds"), Some("3600"));
    let root = only("AssumeRoot");
    // A present 0 is sent; it is not the same as absent.
    assert_eq!(form_value(&root, "DurationSeconds"), Some("0"), "{root}");
    assert_eq!(form_value(&root, "TargetPrincipal"), Some("111122223333"));
    assert_eq!(
        form_value(&root, "TaskPolicyArn.arn"),
        Some("arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials")
    );
    let decodes = of("DecodeAuthorizationMessage");
    assert!(
        decodes
            .iter()
            .any(|r| form_value(&r.body_text(), "EncodedMessage") == Some("c-encoded-message"))
    );
    let key_info = only("GetAccessKeyInfo");
    assert_eq!(
        form_value(&key_info, "AccessKeyId"),
        Some("AKIAI44QH8DHBEXAMPLE")
    );
    let delegated = only("GetDelegatedAccessToken");
    assert_eq!(
        form_value(&delegated, "TradeInToken"),
        Some("c-trade-in-token")
    );
    let fed = only("GetFederationToken");
    assert_eq!(form_value(&fed, "Name"), Some("c-fed"));
    assert_eq!(form_value(&fed, "DurationSeconds"), Some("3600"));
    assert_eq!(form_value(&fed, "Tags.member.1.Key"), Some("team"));
    assert!(
        matches!(
            form_value(&fed, "Tags.member.1.Value"),
            Some("c+ffi" | "c%20ffi")
        ),
        "{fed}"
    );
    assert_eq!(
        form_value(&fed, "PolicyArns.member.1.arn"),
        Some("arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess")
    );
    assert_eq!(form_value(&fed, "PolicyArns.member.2.arn"), None);
    // Every member absent: nothing but the action and version.
    let session = only("GetSessionToken");
    assert_eq!(session, "Action=GetSessionToken&Version=2011-06-15");
    let jwt = only("GetWebIdentityToken");
    assert_eq!(
        form_value(&jwt, "Audience.member.1"),
        Some("https%3A%2F%2Fapi.example.com")
    );
    assert_eq!(form_value(&jwt, "Audience.member.2"), Some("c-audience"));
    assert_eq!(form_value(&jwt, "SigningAlgorithm"), Some("ES384"));
    assert_eq!(form_value(&jwt, "DurationSeconds"), Some("300"));
    assert_eq!(form_value(&jwt, "Scope"), Some("read+write%3Aall"));
    assert_eq!(form_value(&jwt, "SubjectMode"), Some("OriginIdentity"));
    assert_eq!(
        form_value(&fed, "MinimumSessionTokenSize"),
        Some("1024"),
        "{fed}"
    );
    let scoped = only("GetScopedCredentials");
    assert_eq!(form_value(&scoped, "DurationSeconds"), Some("900"));
    assert_eq!(form_value(&scoped, "MinimumSessionTokenSize"), Some("0"));
    assert_eq!(
        form_value(&scoped, "ScopedSessionDescription"),
        Some("c+nightly+export")
    );
    assert!(
        form_value(&scoped, "Policy").is_some_and(|p| p.starts_with("%7B")),
        "{scoped}"
    );

    // The sans-IO requests, sent by the program's own HTTP code, which
    // marks them; prepare gives them the client's User-Agent, as its own
    // sends have.
    let sans_io: Vec<String> = requests
        .iter()
        .filter(|r| r.header("x-sent-by") == Some("sans-io"))
        .map(action)
        .collect();
    assert_eq!(
        sans_io,
        [
            "GetCallerIdentity",
            "AssumeRole",
            "AssumeRoleWithSAML",
            "DecodeAuthorizationMessage"
        ],
        "sans-IO requests"
    );
    let sans_io_role = of("AssumeRole");
    assert_eq!(sans_io_role.len(), 1);
    let body = sans_io_role[0].body_text();
    assert_eq!(form_value(&body, "ExternalId"), Some("c-external"));
    assert_eq!(form_value(&body, "Tags.member.1.Key"), Some("via"));
    assert_eq!(
        sans_io_role[0].header("connection"),
        Some("close"),
        "not sent by the test's own HTTP code"
    );

    // The thread section: every call reached the server, and only once.
    let threads = requests
        .iter()
        .filter(|r| ua(r).ends_with(" c-threads"))
        .count();
    let callback = requests
        .iter()
        .filter(|r| ua(r).ends_with(" c-threads-callback"))
        .count();
    assert_eq!(threads, thread_calls, "calls from the 8 threads");
    assert_eq!(
        callback, callback_calls,
        "callback calls from the 8 threads"
    );
}

// ---- the tests ----------------------------------------------------------------

#[test]
fn c11_program_against_moto_and_the_fault_server() {
    let exe = build(Lang::C, false).unwrap();
    run_all(&exe, Mode::Plain, "c");
}

#[test]
fn cpp17_build_of_the_same_program() {
    if let Some(exe) = build(Lang::Cpp, false) {
        run_all(&exe, Mode::Plain, "cpp");
    }
}

#[test]
fn c11_program_under_valgrind_memcheck() {
    let Some(valgrind) = sts_tests::ffi::valgrind() else {
        sts_tests::tools::skip(sts_tests::ffi::VALGRIND_MISSING);
        return;
    };
    let exe = build(Lang::C, false).unwrap();
    run_all(&exe, Mode::Valgrind(valgrind), "c-valgrind");
}

#[test]
fn c11_program_under_address_sanitizer() {
    if let Some(exe) = build(Lang::C, true) {
        run_all(&exe, Mode::Asan, "c-asan");
    }
}

#[test]
fn cpp17_program_under_address_sanitizer() {
    if let Some(exe) = build(Lang::Cpp, true) {
        run_all(&exe, Mode::Asan, "cpp-asan");
    }
}

/// The checks above could pass vacuously if the tools did not see the
/// library's allocations (Rust's allocator is the system malloc, so they
/// should): a program that leaks one error object must fail both.
#[test]
fn the_leak_checkers_see_a_leaked_error_object() {
    if let Some(valgrind) = sts_tests::ffi::valgrind() {
        let exe = build(Lang::C, false).unwrap();
        let mut cmd = command(&exe, &Mode::Valgrind(valgrind));
        cmd.arg("leak");
        let out = run_bounded(cmd, RUN_TIMEOUT);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "valgrind missed the leak:\n{stderr}"
        );
        assert!(stderr.contains("definitely lost"), "{stderr}");
        assert!(stderr.contains("sts_client_new"), "{stderr}");
    } else {
        sts_tests::tools::skip(sts_tests::ffi::VALGRIND_MISSING);
    }
    if let Some(exe) = build(Lang::C, true) {
        let mut cmd = command(&exe, &Mode::Asan);
        cmd.arg("leak").envs(asan_options(&Mode::Asan));
        let out = run_bounded(cmd, RUN_TIMEOUT);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "AddressSanitizer missed the leak:\n{stderr}"
        );
        // Its fast unwinder stops in the Rust frames (no frame pointers),
        // so the report names the allocations (the error, and its strings
        // as indirect leaks), not the C caller.
        assert!(
            stderr.contains("LeakSanitizer: detected memory leaks"),
            "{stderr}"
        );
        assert!(stderr.contains("Direct leak of"), "{stderr}");
        assert!(stderr.contains("CString"), "{stderr}");
    }
}

// ---- the installed library ------------------------------------------------------

/// Longest `scripts/install-ffi.sh` may take: a release build of sts-ffi and
/// its dependencies from nothing, on two busy cores.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(1800);

/// Longest one compile, cmake configure or cmake build may take.
const BUILD_TIMEOUT: Duration = Duration::from_secs(300);

/// Flags every build of the test program gets (it is written to pass them).
const CFLAGS: &str = "-std=c11 -Wall -Wextra -Werror -pedantic -g -O1 -pthread";

/// Runs `scripts/install-ffi.sh PREFIX` as a user would, building into this
/// test's target folder, so that a second run only relinks.
fn install(prefix: &Path) {
    let script = sts_tests::moto::workspace_root().join("scripts/install-ffi.sh");
    let profile = sts_tests::cargo::profile_dir();
    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .arg(prefix)
        .env("CARGO", env!("CARGO"))
        .env("CARGO_TARGET_DIR", profile.parent().expect("target folder"))
        .env_remove("DESTDIR");
    sts_tests::cargo::remove_cargo_env(&mut cmd);
    let started = Instant::now();
    let out = run_bounded(cmd, INSTALL_TIMEOUT);
    assert!(
        out.status.success(),
        "{} failed ({}):\n{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("install-ffi.sh ran in {:?}", started.elapsed());
    // Every file its summary names is there (it named `libsts_ffi.so.0`,
    // which it never made; found by a review).
    let stderr = String::from_utf8_lossy(&out.stderr);
    let listed: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| l.starts_with(&*prefix.to_string_lossy()))
        .collect();
    assert_eq!(listed.len(), 6, "{stderr}");
    for file in listed {
        assert!(Path::new(file).exists(), "listed, not installed: {file}");
    }
}

/// The values of the `tag` entries (`NEEDED`, `SONAME`, `RUNPATH`) of an ELF
/// file's dynamic section, as `readelf -d` prints them. readelf comes with
/// binutils, which the C compiler needs to link.
fn dynamic_entries(file: &Path, tag: &str) -> Vec<String> {
    let out = Command::new("readelf")
        .arg("-d")
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run readelf (binutils): {e}"));
    assert!(out.status.success(), "readelf -d {}", file.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&format!("({tag})")))
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_owned()))
        .collect()
}

/// The shared library's SONAME: `libsts_ffi.so.` and the ABI version, the
/// major version or, while it is 0, `0.` and the minor version (0.1 to 0.2
/// may break, as Cargo reads semantic versions).
fn soname() -> String {
    match (
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
    ) {
        ("0", minor) => format!("libsts_ffi.so.0.{minor}"),
        (major, _) => format!("libsts_ffi.so.{major}"),
    }
}

/// The files and names the install script promises (see its first lines).
fn check_layout(prefix: &Path) {
    let version = env!("CARGO_PKG_VERSION");
    let lib = prefix.join("lib");
    let header = std::fs::read(prefix.join("include/sts.h")).unwrap();
    let committed =
        std::fs::read(sts_tests::moto::workspace_root().join("sts-ffi/include/sts.h")).unwrap();
    assert!(
        header == committed,
        "the installed sts.h is not the committed one"
    );
    assert!(lib.join("libsts_ffi.a").is_file());
    let real = format!("libsts_ffi.so.{version}");
    let soname = soname();
    assert!(
        std::fs::symlink_metadata(lib.join(&real)).is_ok_and(|m| m.is_file()),
        "{real} is not a file"
    );
    let link = |name: &str| std::fs::read_link(lib.join(name)).unwrap_or_default();
    assert_eq!(link(&soname), Path::new(&real), "{soname}");
    assert_eq!(link("libsts_ffi.so"), Path::new(&soname), "libsts_ffi.so");
    assert_eq!(dynamic_entries(&lib.join(&real), "SONAME"), [soname]);
    let pc = std::fs::read_to_string(lib.join("pkgconfig/sts.pc")).unwrap();
    assert!(
        pc.contains(&format!("prefix={}\n", prefix.display())),
        "{pc}"
    );
}

/// Runs `script` with `sh -c`, its arguments `$1`, `$2`, …, with the venv's
/// pkg-config first on `PATH`, the installed `sts.pc` on `PKG_CONFIG_PATH`
/// and the C compiler in `$CC`.
fn shell(script: &str, args: &[&Path], tools: &sts_tests::tools::BuildTools, prefix: &Path) {
    let mut path = std::ffi::OsString::from(&tools.bin);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("set -e; {script}"))
        .arg("sh")
        .args(args)
        .env("PATH", path)
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .env_remove("PKG_CONFIG_SYSROOT_DIR")
        .env("CC", compiler(Lang::C).expect("a C compiler"))
        .env("CFLAGS", CFLAGS);
    let out = run_bounded(cmd, BUILD_TIMEOUT);
    assert!(
        out.status.success(),
        "sh -c '{script}' {args:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The README's CMake example for an installed library: its first `cmake`
/// block, which builds `app.c` into `app` through pkg-config.
fn readme_cmake_example() -> String {
    let path = sts_tests::moto::workspace_root().join("sts-ffi/README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find("```cmake\n")
        .unwrap_or_else(|| panic!("no ```cmake block in {}", path.display()))
        + "```cmake\n".len();
    let len = readme[start..].find("```").expect("the block's end");
    let example = readme[start..start + len].to_owned();
    assert!(
        example.contains("pkg_check_modules(") && example.contains("add_executable(app app.c)"),
        "the README's first CMake example is no longer the pkg-config one:\n{example}"
    );
    example
}

/// Configures and builds the README's CMake example, with `app.c` the test
/// program, against the installed prefix; returns the program. CMake finds
/// `sts.pc` through `CMAKE_PREFIX_PATH`, as the README says.
fn cmake_build(dir: &Path, prefix: &Path, tools: &sts_tests::tools::BuildTools) -> PathBuf {
    let root = sts_tests::moto::workspace_root();
    let (src, build) = (dir.join("src"), dir.join("build"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("CMakeLists.txt"), readme_cmake_example()).unwrap();
    std::fs::copy(root.join("tests/c/sts_ffi_test.c"), src.join("app.c")).unwrap();
    let cmake = |args: &[&std::ffi::OsStr]| {
        let mut cmd = Command::new(&tools.cmake);
        cmd.args(args)
            .env("CC", compiler(Lang::C).expect("a C compiler"))
            .env("CFLAGS", CFLAGS)
            .env_remove("PKG_CONFIG_PATH");
        let started = Instant::now();
        let out = run_bounded(cmd, BUILD_TIMEOUT);
        assert!(
            out.status.success(),
            "cmake {args:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("cmake {:?} in {:?}", args[0], started.elapsed());
    };
    let mut prefix_path = std::ffi::OsString::from("-DCMAKE_PREFIX_PATH=");
    prefix_path.push(prefix);
    let mut pkg_config = std::ffi::OsString::from("-DPKG_CONFIG_EXECUTABLE=");
    pkg_config.push(&tools.pkg_config);
    cmake(&[
        "-S".as_ref(),
        src.as_os_str(),
        "-B".as_ref(),
        build.as_os_str(),
        &prefix_path,
        &pkg_config,
    ]);
    cmake(&["--build".as_ref(), build.as_os_str()]);
    build.join("app")
}

/// `scripts/install-ffi.sh` into a scratch prefix, then the test program
/// built as the README tells users to build theirs: with `cc $(pkg-config
/// --cflags --libs sts)` against the shared library, with the README's
/// CMake example, and statically. The first two run every section against
/// moto and the fault server, through the installed shared library, which
/// they must name by its SONAME.
#[test]
fn installed_library_through_pkg_config_and_cmake() {
    let tools = match sts_tests::tools::build_tools() {
        Ok(tools) => tools,
        Err(e) => {
            sts_tests::tools::skip(&format!("no cmake and pkg-config from PyPI: {e}"));
            return;
        }
    };
    let scratch = ScratchDir::new("ffi-install");
    let prefix = scratch.join("prefix");
    install(&prefix);
    check_layout(&prefix);
    let source = sts_tests::moto::workspace_root().join("tests/c/sts_ffi_test.c");
    let soname = soname();
    let names_the_soname = |exe: &Path| {
        let needed = dynamic_entries(exe, "NEEDED");
        assert!(
            needed.contains(&soname),
            "{} needs {needed:?}, not {soname}",
            exe.display()
        );
    };

    // Shared, through pkg-config; the rpath because the scratch prefix is
    // not where the loader looks.
    let shared = scratch.join("app-pkg-config");
    shell(
        "pkg-config --print-errors --exists sts
         \"$CC\" $CFLAGS \"$1\" $(pkg-config --cflags --libs sts) \
             -Wl,-rpath,\"$(pkg-config --variable=libdir sts)\" -o \"$2\"",
        &[&source, &shared],
        &tools,
        &prefix,
    );
    names_the_soname(&shared);
    run_all(&shared, Mode::Plain, "c-pkg-config");

    // The README's CMake example.
    let cmake_app = cmake_build(&scratch.join("cmake"), &prefix, &tools);
    names_the_soname(&cmake_app);
    run_all(&cmake_app, Mode::Plain, "c-cmake");

    // Static, as the README shows it: the archive by its path, since
    // `-lsts_ffi` would pick the shared library beside it.
    let fixed = scratch.join("app-static");
    shell(
        "\"$CC\" $CFLAGS \"$1\" $(pkg-config --cflags sts) \
             \"$(pkg-config --variable=libdir sts)/libsts_ffi.a\" \
             -lpthread -ldl -lm -lrt -lutil -o \"$2\"",
        &[&source, &fixed],
        &tools,
        &prefix,
    );
    let needed = dynamic_entries(&fixed, "NEEDED");
    assert!(
        !needed.iter().any(|n| n.starts_with("libsts_ffi")),
        "the static build needs {needed:?}"
    );
    let mut cmd = Command::new(&fixed);
    cmd.arg("boundary")
        .env_clear()
        .env("STS_TEST_EXPECT_VERSION", env!("CARGO_PKG_VERSION"));
    let out = run_bounded(cmd, RUN_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.lines().any(|l| l == "ok boundary"),
        "the static build's boundary section ({}):\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
