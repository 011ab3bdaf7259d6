//! Credentials from an external command (`credential_process`).

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use sts_proto::time::parse_timestamp;
use sts_proto::{Credentials, SecretString};

use super::config::wipe;
use super::{CredentialsError, ProvideCredentials, SharedCredentials};

/// Characters that mean the command needs a shell to run as written.
const SHELL_CHARS: &[char] = &[
    '|', '&', ';', '<', '>', '(', ')', '$', '`', '\\', '\n', '\r', '*', '?', '[', ']', '{', '}',
    '~', '!', '#',
];

/// How much of the command's stderr an error quotes.
const STDERR_QUOTE_BYTES: usize = 2048;

/// Credentials printed by an external command, as `credential_process` in a
/// profile runs it.
///
/// The command must print one JSON object on stdout:
///
/// ```json
/// { "Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
///   "SessionToken": "...", "Expiration": "2030-01-01T00:00:00Z" }
/// ```
///
/// `SessionToken` and `Expiration` (ISO 8601) are optional. The command
/// runs without a shell when it is a plain program with arguments (single
/// and double quotes group words); when it uses shell syntax (pipes,
/// redirections, variables, `;`, globs, ...) it runs under `sh -c` (`cmd.exe
/// /C` on Windows). Its stdin is empty, its environment is this process's,
/// its stdout is capped (64 KiB by default) and its run time too (60 s).
/// On failure the error quotes the start of its stderr, never its stdout.
#[derive(Debug, Clone)]
pub struct CredentialProcessProvider {
    command: String,
    source: String,
    timeout: Duration,
    max_output_bytes: usize,
}

impl CredentialProcessProvider {
    /// Runs `command` for each request for credentials.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            source: "credential_process".to_owned(),
            timeout: Duration::from_secs(60),
            max_output_bytes: 64 * 1024,
        }
    }

    /// Kills the command if it runs longer than `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Fails if the command prints more than `bytes` on stdout.
    pub fn with_max_output_bytes(mut self, bytes: usize) -> Self {
        self.max_output_bytes = bytes;
        self
    }

    /// Names the source in errors (as `profile "dev"`).
    pub(crate) fn with_source_name(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    fn error(&self, reason: impl Into<String>) -> CredentialsError {
        CredentialsError::failed(self.source.clone(), reason)
    }

    /// The first word of the command: what errors name (arguments may be
    /// secrets).
    fn program(&self) -> String {
        let first = self.command.split_whitespace().next().unwrap_or("");
        let mut name: String = first.chars().take(64).collect();
        if first.chars().count() > 64 {
            name.push('…');
        }
        name
    }

    fn build_command(&self) -> Result<Command, CredentialsError> {
        let text = self.command.trim();
        if text.is_empty() {
            return Err(CredentialsError::invalid_configuration(
                self.source.clone(),
                "credential_process is empty",
            ));
        }
        let direct = if needs_shell(text) {
            None
        } else {
            split_words(text)
        };
        let cmd = match direct {
            Some(words) => {
                let mut words = words.into_iter();
                let Some(program) = words.next() else {
                    return Err(CredentialsError::invalid_configuration(
                        self.source.clone(),
                        "credential_process is empty",
                    ));
                };
                let mut cmd = Command::new(program);
                cmd.args(words);
                cmd
            }
            None if cfg!(windows) => {
                let mut cmd = Command::new("cmd.exe");
                cmd.arg("/C").arg(text);
                cmd
            }
            None => {
                let mut cmd = Command::new("sh");
                cmd.arg("-c").arg(text);
                cmd
            }
        };
        Ok(cmd)
    }

    /// Runs the command; its stdout if it exits with success.
    fn run(&self) -> Result<Vec<u8>, CredentialsError> {
        let program = self.program();
        let mut cmd = self.build_command()?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| self.error(format!("cannot start `{program}`: {e}")))?;

        let overflow = Arc::new(AtomicBool::new(false));
        let (out_tx, out_rx) = mpsc::channel();
        if let Some(mut stdout) = child.stdout.take() {
            let overflow = Arc::clone(&overflow);
            let cap = self.max_output_bytes;
            thread::spawn(move || {
                let mut bytes = Vec::new();
                let limited = (&mut stdout).take(cap as u64 + 1).read_to_end(&mut bytes);
                if bytes.len() > cap {
                    overflow.store(true, Ordering::SeqCst);
                    wipe(bytes);
                    bytes = Vec::new();
                }
                let _ = out_tx.send(limited.map(|_| bytes));
            });
        }
        let (err_tx, err_rx) = mpsc::channel();
        if let Some(mut stderr) = child.stderr.take() {
            thread::spawn(move || {
                let mut kept = Vec::new();
                let _ = (&mut stderr)
                    .take(STDERR_QUOTE_BYTES as u64)
                    .read_to_end(&mut kept);
                // Drain the rest so the command never blocks on a full pipe.
                let _ = std::io::copy(&mut stderr, &mut std::io::sink());
                let _ = err_tx.send(kept);
            });
        }

        let deadline = started + self.timeout;
        let mut pause = Duration::from_millis(1);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(self.error(format!("cannot wait for `{program}`: {e}")));
                }
            }
            if overflow.load(Ordering::SeqCst) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(self.error(format!(
                    "`{program}` printed more than {} bytes",
                    self.max_output_bytes
                )));
            }
            let now = Instant::now();
            if now >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(self.error(format!(
                    "`{program}` did not finish within {:?} and was killed",
                    self.timeout
                )));
            }
            thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(50));
        };
        // The output ends when every holder of the pipes exits; a
        // background grandchild could hold them, so wait no longer than
        // the time left (and at least a moment).
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(200));
        let stderr = err_rx
            .recv_timeout(left.min(Duration::from_secs(1)))
            .unwrap_or_default();
        if overflow.load(Ordering::SeqCst) {
            return Err(self.error(format!(
                "`{program}` printed more than {} bytes",
                self.max_output_bytes
            )));
        }
        if !status.success() {
            let code = match status.code() {
                Some(code) => format!("code {code}"),
                None => "no exit code (killed by a signal)".to_owned(),
            };
            let text = String::from_utf8_lossy(&stderr);
            let text = text.trim();
            return Err(self.error(if text.is_empty() {
                format!("`{program}` exited with {code}; stderr was empty")
            } else {
                format!("`{program}` exited with {code}; stderr: {text}")
            }));
        }
        match out_rx.recv_timeout(left) {
            Ok(Ok(bytes)) if overflow.load(Ordering::SeqCst) => {
                wipe(bytes);
                Err(self.error(format!(
                    "`{program}` printed more than {} bytes",
                    self.max_output_bytes
                )))
            }
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(e)) => Err(self.error(format!("cannot read the output of `{program}`: {e}"))),
            Err(_) => Err(self.error(format!(
                "the output of `{program}` did not end within {:?} (a background process \
                 may hold it open)",
                self.timeout
            ))),
        }
    }
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let output = self.run()?;
        let len = output.len();
        let parsed = parse_output(&output);
        wipe(output);
        parsed.map(Arc::new).map_err(|reason| {
            self.error(format!(
                "could not parse the output of `{}` ({len} bytes): {reason}",
                self.program()
            ))
        })
    }
}

fn needs_shell(command: &str) -> bool {
    if command.contains(SHELL_CHARS) {
        return true;
    }
    // `NAME=value program`: a variable assignment.
    command
        .split_whitespace()
        .next()
        .is_some_and(|first| first.contains('=') && !first.starts_with(['"', '\'']))
}

/// Splits a command into words: whitespace separates, `'...'` and `"..."`
/// group. `None` if a quote is not closed.
fn split_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            None => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// Reads the `Version: 1` JSON document a `credential_process` command
/// prints, as [`CredentialProcessProvider`] does with its output.
///
/// Public so that the fuzz targets can reach it without running a process.
/// The error is a reason meant for a [`CredentialsError`]; it never quotes
/// the output, which holds secrets.
///
/// ```
/// use sts_blocking::credentials::parse_process_output;
///
/// let creds = parse_process_output(
///     br#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "S"}"#,
/// )?;
/// assert_eq!(creds.access_key_id(), "AKID");
/// assert!(parse_process_output(br#"{"Version": 2}"#).is_err());
/// # Ok::<(), String>(())
/// ```
pub fn parse_output(bytes: &[u8]) -> Result<Credentials, String> {
    let mut doc: Map<String, Value> = serde_json::from_slice(bytes).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "not a JSON object",
            serde_json::error::Category::Eof => "unexpected end",
        };
        format!(
            "invalid JSON in response ({what} at line {} column {})",
            e.line(),
            e.column()
        )
    })?;
    match doc.get("Version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(Value::Number(n)) => return Err(format!("unsupported Version {n}; expected 1")),
        Some(_) => return Err("Version is not a number; expected 1".to_owned()),
        None => return Err("Version is missing; expected 1".to_owned()),
    }
    let mut take = |key: &str, required: bool| -> Result<Option<String>, String> {
        match doc.remove(key) {
            Some(Value::String(s)) => Ok(Some(s)),
            None | Some(Value::Null) if !required => Ok(None),
            None | Some(Value::Null) => Err(format!("{key} is missing")),
            Some(_) => Err(format!("{key} is not a string")),
        }
    };
    let access_key_id = take("AccessKeyId", true)?.unwrap_or_default();
    let secret = SecretString::new(take("SecretAccessKey", true)?.unwrap_or_default());
    let token = take("SessionToken", false)?.map(SecretString::new);
    let expiration = take("Expiration", false)?;
    if access_key_id.is_empty() || secret.is_empty() {
        return Err("AccessKeyId or SecretAccessKey is empty".to_owned());
    }
    let mut creds = Credentials::new(access_key_id, secret, token);
    if let Some(text) = expiration {
        let at = parse_timestamp(&text)
            .map_err(|e| format!("Expiration is not an ISO 8601 time: {}", e.reason))?;
        creds = creds.with_expiration(at);
    }
    // Whatever else the document held (AccountId, ...) is dropped here;
    // overwrite the strings first in case they were secrets too.
    for (_, value) in doc {
        if let Value::String(s) = value {
            wipe(s.into_bytes());
        }
    }
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_and_shell_detection() {
        assert_eq!(
            split_words(r#"aws-vault export --format=json "my profile" 'a b'"#).unwrap(),
            ["aws-vault", "export", "--format=json", "my profile", "a b"]
        );
        assert_eq!(split_words("a 'b"), None);
        assert!(needs_shell("echo x | base64 --decode"));
        assert!(needs_shell("FOO=1 cmd"));
        assert!(needs_shell("cmd $HOME"));
        assert!(!needs_shell("echo 'invalid json'"));
        assert!(!needs_shell("tool --opt=1"));
    }

    #[test]
    fn parses_version_1() {
        let c = parse_output(
            br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"S","SessionToken":"T","Expiration":"2022-05-02T18:36:00+00:00","AccountId":"123"}"#,
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.session_token().unwrap().expose(), "T");
        assert_eq!(
            c.expiration().map(sts_proto::time::unix_seconds),
            Some(1_651_516_560)
        );
    }

    #[test]
    fn parse_errors_do_not_quote_the_output() {
        for (doc, want) in [
            (&br#"not json SECRETSTUFF"#[..], "invalid JSON"),
            (br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"SECRETSTUFF"}"#, "Version 2"),
            (br#"{"Version":1,"SecretAccessKey":"SECRETSTUFF"}"#, "AccessKeyId is missing"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":7}"#, "not a string"),
            (
                br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"SECRETSTUFF","Expiration":"SECRETSTUFF"}"#,
                "Expiration",
            ),
            (br#"["SECRETSTUFF"]"#, "invalid JSON"),
        ] {
            let err = parse_output(doc).unwrap_err();
            assert!(err.contains(want), "{err}");
            assert!(!err.contains("SECRETSTUFF"), "{err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn runs_commands_and_reports_failures() {
        let ok = CredentialProcessProvider::new(
            r#"printf '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "S"}'"#,
        )
        .provide_credentials()
        .unwrap();
        assert_eq!(ok.access_key_id(), "AKID");

        let failed = CredentialProcessProvider::new(
            "sh -c 'echo STDOUTSECRET; echo something broke >&2; exit 3'",
        )
        .provide_credentials()
        .unwrap_err();
        let text = failed.to_string();
        assert!(
            text.contains("code 3") && text.contains("something broke"),
            "{text}"
        );
        assert!(!text.contains("STDOUTSECRET"), "{text}");

        let missing = CredentialProcessProvider::new("/nonexistent/credential-helper --x")
            .provide_credentials()
            .unwrap_err();
        assert!(missing.to_string().contains("cannot start"), "{missing}");
    }

    #[cfg(unix)]
    #[test]
    fn caps_time_and_output() {
        let slow = CredentialProcessProvider::new("sleep 5")
            .with_timeout(Duration::from_millis(200))
            .provide_credentials()
            .unwrap_err();
        assert!(slow.to_string().contains("did not finish"), "{slow}");

        let big = CredentialProcessProvider::new("head -c 100000 /dev/zero")
            .with_max_output_bytes(1000)
            .provide_credentials()
            .unwrap_err();
        assert!(big.to_string().contains("more than 1000 bytes"), "{big}");
    }
}
