//! moto's STS (and IAM) server on loopback, for tests against a real
//! third-party STS implementation.
//!
//! [`Moto::start`] installs moto into `<workspace>/target/moto-venv` if needed
//! (`tests/moto/ensure-venv.sh`), starts `tests/moto/serve.py` (moto's server
//! on `127.0.0.1`, on a port the server picks itself), waits until it answers,
//! creates the IAM fixtures with `tests/moto/setup_iam.py`, and, if asked,
//! turns on moto's request authentication (SigV4 signature + IAM policy
//! checks). See `tests/moto/README.md` for what moto then checks.
//!
//! The server never outlives the test process: `serve.py` exits as soon as
//! its standard input reaches end of file, and only this process holds the
//! pipe's write end, so it closes on drop, on exit, on panic and on SIGKILL
//! alike. [`Drop`] also kills the process outright. That is what makes the
//! shared instances ([`Moto::shared_auth`], [`Moto::shared_no_auth`]) safe:
//! statics are never dropped, but the pipe still closes when the test binary
//! exits. Server logs go to `<workspace>/target/moto-logs/`.

use std::fmt;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crate::http::{self, HttpResponse};

/// How long the server may take to come up (environment variable
/// `STS_TESTS_MOTO_START_TIMEOUT_SECS` overrides).
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(90);

/// How long `setup_iam.py` may take.
const SETUP_TIMEOUT: Duration = Duration::from_secs(120);

/// A running moto server with its IAM fixtures. Stops on drop.
pub struct Moto {
    /// `http://127.0.0.1:PORT` (no trailing slash). STS and IAM both live at
    /// `/`; moto routes by the SigV4 credential scope (see the README).
    pub endpoint: String,
    /// The port.
    pub port: u16,
    /// The signing region the fixtures were made with: `us-east-1`.
    pub region: String,
    /// moto's account: `123456789012`.
    pub account_id: String,
    /// `sts-test-user`.
    pub user_name: String,
    /// `arn:aws:iam::123456789012:user/sts-test-user`.
    pub user_arn: String,
    /// The user's id as moto reports it in `GetCallerIdentity`.
    pub user_id: String,
    /// The user's access key id (`AKIA...`).
    pub access_key_id: String,
    /// The user's secret access key.
    pub secret_access_key: String,
    /// `sts-test-role`, assumable by the user.
    pub role_arn: String,
    /// `sts-test-role-2`, assumable from `sts-test-role` (role chaining). With
    /// auth on, moto only accepts the second hop from a first-hop session
    /// named [`Moto::chain_session_name`].
    pub role2_arn: String,
    /// `RoleSessionName` to use on `role_arn` before chaining to `role2_arn`.
    pub chain_session_name: String,
    /// `sts-test-role-external`: assumable by the user with
    /// `ExternalId` = [`Moto::external_id`] (a wrong one is AccessDenied).
    pub external_id_role_arn: String,
    /// The external id `external_id_role_arn` requires.
    pub external_id: String,
    /// The OIDC provider the web-identity role trusts.
    pub oidc_provider_arn: String,
    /// `sts-test-role-web-identity` (Federated: the OIDC provider).
    pub web_identity_role_arn: String,
    /// The SAML provider the SAML role trusts.
    pub saml_provider_arn: String,
    /// `sts-test-role-saml` (Federated: the SAML provider).
    pub saml_role_arn: String,
    /// This server's log (moto's stderr).
    pub log_path: PathBuf,
    /// The server's process id.
    pub pid: u32,
    auth: AtomicBool,
    child: Child,
    /// Held only to be closed: its end of file is the server's signal to exit.
    stdin: Option<ChildStdin>,
}

impl fmt::Debug for Moto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Moto")
            .field("endpoint", &self.endpoint)
            .field("pid", &self.pid)
            .field("auth", &self.auth_enabled())
            .field("user_arn", &self.user_arn)
            .field("access_key_id", &self.access_key_id)
            .field("log_path", &self.log_path)
            .finish_non_exhaustive()
    }
}

/// The workspace root (parent of the `tests` crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Runs `tests/moto/ensure-venv.sh` once per process; returns the venv path.
pub fn ensure_venv() -> Result<PathBuf, String> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    VENV.get_or_init(|| {
        let script = workspace_root().join("tests/moto/ensure-venv.sh");
        let started = Instant::now();
        let out = Command::new("bash")
            .arg(&script)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} failed ({}) after {:?}; see its messages above",
                script.display(),
                out.status,
                started.elapsed()
            ));
        }
        let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let path = path.lines().last().unwrap_or_default().to_owned();
        Ok(PathBuf::from(path))
    })
    .clone()
}

fn start_timeout() -> Duration {
    std::env::var("STS_TESTS_MOTO_START_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_START_TIMEOUT)
}

/// The last `lines` lines of a file, for error messages.
fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|e| format!("<cannot read {}: {e}>", path.display()));
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Environment every Python process of ours gets: no proxy for loopback, and
/// no inherited setting that would change moto's behaviour.
fn python_command(python: &Path) -> Command {
    let mut cmd = Command::new(python);
    cmd.env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env_remove("INITIAL_NO_AUTH_ACTION_COUNT")
        .env_remove("MOTO_ACCOUNT_ID")
        .env_remove("MOTO_PORT")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_IAM")
        .env_remove("AWS_ENDPOINT_URL_STS");
    cmd
}

impl Moto {
    /// Starts a private server with the IAM fixtures; `auth` turns on
    /// signature and policy checks once the fixtures exist. Panics (with the
    /// server log's tail) if anything fails.
    pub fn start(auth: bool) -> Moto {
        Moto::try_start(auth).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Moto::start`] returning the failure instead of panicking.
    pub fn try_start(auth: bool) -> Result<Moto, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let venv = ensure_venv()?;
        let python = venv.join("bin/python");
        let root = workspace_root();
        let logs = root.join("target/moto-logs");
        fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let log_path = logs.join(format!("moto-{}-{n}.log", std::process::id()));
        let log = File::create(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;

        let mut cmd = python_command(&python);
        cmd.arg(root.join("tests/moto/serve.py"))
            .args(["--host", "127.0.0.1", "--port", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        // Its own process group: a terminal's Ctrl-C goes to the test binary
        // only, and the server then exits through its stdin watchdog.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
        let stdin = child.stdin.take();
        let pid = child.id();

        // From here on, `guard` kills the server if we bail out.
        let mut guard = StartGuard {
            child: Some(child),
            stdin,
        };
        let fail = |what: String, log_path: &Path| {
            format!(
                "moto did not start: {what}\n--- last lines of {} ---\n{}",
                log_path.display(),
                tail(log_path, 40)
            )
        };

        let stdout = guard
            .child
            .as_mut()
            .and_then(|c| c.stdout.take())
            .expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let r = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(r);
        });
        let timeout = start_timeout();
        let line = match rx.recv_timeout(timeout) {
            Ok(Ok(line)) if !line.trim().is_empty() => line,
            Ok(Ok(_)) => {
                return Err(fail(
                    "the server exited before it was ready".into(),
                    &log_path,
                ));
            }
            Ok(Err(e)) => return Err(fail(format!("reading its ready line: {e}"), &log_path)),
            Err(_) => return Err(fail(format!("no ready line within {timeout:?}"), &log_path)),
        };
        let ready: serde_json::Value = serde_json::from_str(line.trim())
            .map_err(|e| fail(format!("bad ready line {line:?}: {e}"), &log_path))?;
        let port = ready["port"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| fail(format!("no port in ready line {line:?}"), &log_path))?;
        let endpoint = format!("http://127.0.0.1:{port}");

        // The socket listens before the ready line is printed; still, prove
        // that HTTP gets answered. GET on reset-auth is a harmless 400.
        let deadline = started + timeout;
        loop {
            let probe = http::request_with_timeout(
                "GET",
                &format!("{endpoint}/moto-api/reset-auth"),
                &[],
                b"",
                Duration::from_secs(5),
            );
            match probe {
                Ok(_) => break,
                Err(e) if Instant::now() >= deadline => {
                    return Err(fail(
                        format!("no HTTP answer on {endpoint} within {timeout:?}: {e}"),
                        &log_path,
                    ));
                }
                Err(_) => thread::sleep(Duration::from_millis(50)),
            }
        }

        let mut setup = python_command(&python);
        setup
            .arg(root.join("tests/moto/setup_iam.py"))
            .arg(&endpoint);
        if auth {
            setup.arg("--auth");
        }
        let out = crate::process::run_bounded(&mut setup, SETUP_TIMEOUT)
            .map_err(|e| fail(e, &log_path))?;
        if !out.status.success() {
            return Err(fail(
                format!(
                    "setup_iam.py failed ({}):\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                ),
                &log_path,
            ));
        }
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
            fail(
                format!(
                    "setup_iam.py printed no JSON ({e}): {}",
                    String::from_utf8_lossy(&out.stdout)
                ),
                &log_path,
            )
        })?;
        let field = |name: &str| -> Result<String, String> {
            doc[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("setup_iam.py output lacks {name:?}: {doc}"))
        };
        let fixtures = Fixtures {
            region: field("region")?,
            account_id: field("account_id")?,
            user_name: field("user_name")?,
            user_arn: field("user_arn")?,
            user_id: field("user_id")?,
            access_key_id: field("access_key_id")?,
            secret_access_key: field("secret_access_key")?,
            role_arn: field("role_arn")?,
            role2_arn: field("role2_arn")?,
            chain_session_name: field("chain_session_name")?,
            external_id_role_arn: field("external_id_role_arn")?,
            external_id: field("external_id")?,
            oidc_provider_arn: field("oidc_provider_arn")?,
            web_identity_role_arn: field("web_identity_role_arn")?,
            saml_provider_arn: field("saml_provider_arn")?,
            saml_role_arn: field("saml_role_arn")?,
        };

        let Some(child) = guard.child.take() else {
            return Err(fail("lost the server process".into(), &log_path));
        };
        let stdin = guard.stdin.take();
        let Fixtures {
            region,
            account_id,
            user_name,
            user_arn,
            user_id,
            access_key_id,
            secret_access_key,
            role_arn,
            role2_arn,
            chain_session_name,
            external_id_role_arn,
            external_id,
            oidc_provider_arn,
            web_identity_role_arn,
            saml_provider_arn,
            saml_role_arn,
        } = fixtures;
        Ok(Moto {
            endpoint,
            port,
            region,
            account_id,
            user_name,
            user_arn,
            user_id,
            access_key_id,
            secret_access_key,
            role_arn,
            role2_arn,
            chain_session_name,
            external_id_role_arn,
            external_id,
            oidc_provider_arn,
            web_identity_role_arn,
            saml_provider_arn,
            saml_role_arn,
            log_path,
            pid,
            auth: AtomicBool::new(auth),
            child,
            stdin,
        })
    }

    /// A server with auth ON, shared by every test of this test binary
    /// (started on first use). Do not call [`Moto::set_auth`] on it.
    pub fn shared_auth() -> &'static Moto {
        static SHARED: OnceLock<Result<Moto, String>> = OnceLock::new();
        match SHARED.get_or_init(|| Moto::try_start(true)) {
            Ok(m) => m,
            Err(e) => panic!("shared moto server (auth on): {e}"),
        }
    }

    /// A server with auth OFF (for the unsigned `AssumeRoleWithSAML` and
    /// `AssumeRoleWithWebIdentity`, which moto cannot serve with auth on),
    /// shared by every test of this test binary.
    pub fn shared_no_auth() -> &'static Moto {
        static SHARED: OnceLock<Result<Moto, String>> = OnceLock::new();
        match SHARED.get_or_init(|| Moto::try_start(false)) {
            Ok(m) => m,
            Err(e) => panic!("shared moto server (auth off): {e}"),
        }
    }

    /// Whether request authentication is on.
    pub fn auth_enabled(&self) -> bool {
        self.auth.load(Ordering::SeqCst)
    }

    /// Turns request authentication on or off (POST
    /// `/moto-api/reset-auth` with body `0` or `inf`). Server-wide: use it on
    /// private instances only.
    pub fn set_auth(&self, on: bool) {
        let body: &[u8] = if on { b"0" } else { b"inf" };
        let r = http::request(
            "POST",
            &format!("{}/moto-api/reset-auth", self.endpoint),
            &[("Content-Type", "text/plain")],
            body,
        )
        .unwrap_or_else(|e| panic!("moto reset-auth on {}: {e}", self.endpoint));
        assert_eq!(
            r.status,
            200,
            "moto reset-auth answered {}: {}",
            r.status,
            r.body_text()
        );
        self.auth.store(on, Ordering::SeqCst);
    }

    /// `host:port`, e.g. for a `Host` header.
    pub fn authority(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// POSTs an unsigned `application/x-www-form-urlencoded` body to `/`.
    /// Note moto routes an unsigned request to STS only for
    /// `AssumeRoleWithSAML` and `AssumeRoleWithWebIdentity`; anything else
    /// unsigned goes to its S3 backend.
    pub fn post_form_unsigned(&self, form: &str) -> HttpResponse {
        http::post_form(&format!("{}/", self.endpoint), form)
            .unwrap_or_else(|e| panic!("POST to moto at {}: {e}", self.endpoint))
    }

    /// A base64 SAML response that moto's `AssumeRoleWithSAML` accepts for
    /// [`Moto::saml_role_arn`] (moto checks no signature; it reads the role,
    /// session name and duration attributes).
    pub fn saml_assertion(&self, session_name: &str) -> String {
        saml_assertion_b64(
            &self.saml_role_arn,
            &self.saml_provider_arn,
            session_name,
            None,
        )
    }

    /// The last `lines` lines of this server's log.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(&self.log_path, lines)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `setup_iam.py` reports.
struct Fixtures {
    region: String,
    account_id: String,
    user_name: String,
    user_arn: String,
    user_id: String,
    access_key_id: String,
    secret_access_key: String,
    role_arn: String,
    role2_arn: String,
    chain_session_name: String,
    external_id_role_arn: String,
    external_id: String,
    oidc_provider_arn: String,
    web_identity_role_arn: String,
    saml_provider_arn: String,
    saml_role_arn: String,
}

/// Kills a server that failed to start.
struct StartGuard {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
}

impl Drop for StartGuard {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A base64 SAML 2.0 response naming `role_arn,provider_arn` in the
/// `https://aws.amazon.com/SAML/Attributes/Role` attribute, as moto's
/// `AssumeRoleWithSAML` parses it (unsigned: moto checks no signature).
pub fn saml_assertion_b64(
    role_arn: &str,
    provider_arn: &str,
    session_name: &str,
    duration_seconds: Option<u32>,
) -> String {
    let duration = duration_seconds
        .map(|d| {
            format!(
                r#"<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><saml:AttributeValue>{d}</saml:AttributeValue></saml:Attribute>"#
            )
        })
        .unwrap_or_default();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_sts_test_response" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" Destination="https://signin.aws.amazon.com/saml">
<saml:Issuer>https://idp.sts-test.example/saml</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
<saml:Assertion ID="_sts_test_assertion" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">
<saml:Issuer>https://idp.sts-test.example/saml</saml:Issuer>
<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{session_name}</saml:NameID></saml:Subject>
<saml:AttributeStatement>
<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>{role_arn},{provider_arn}</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>{session_name}</saml:AttributeValue></saml:Attribute>
{duration}</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>
"#
    );
    base64(xml.as_bytes())
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ALPHABET[(n >> 18) as usize & 63] as char);
        out.push(ALPHABET[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            ALPHABET[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            ALPHABET[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}
