//! Credentials from an external command (`credential_process`).

use std::fmt;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use sts_proto::time::parse_timestamp;
use sts_proto::{Credentials, SecretString};

use super::json_limits::json_value_bound;
use super::provider_config::wipe;
use super::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, SharedCredentials, refuse_expired,
};
use crate::timing::{Clock, SystemClock, bounded_timeout};

/// Characters that mean the command needs a shell to run as written.
const SHELL_CHARS: &[char] = &[
    '|', '&', ';', '<', '>', '(', ')', '$', '`', '\\', '\n', '\r', '*', '?', '[', ']', '{', '}',
    '~', '!', '#',
];

/// How much of the command's stderr an error quotes.
const STDERR_QUOTE_BYTES: usize = 2048;

/// The longest program name an error quotes.
const PROGRAM_NAME_CHARS: usize = 64;

/// How long ending a timed-out command's process group may take.
#[cfg(unix)]
const KILL_WAIT: Duration = Duration::from_secs(2);

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
/// `SessionToken` and `Expiration` (ISO 8601) are optional; credentials
/// whose `Expiration` has passed are refused
/// ([`Expired`](super::CredentialsErrorKind::Expired)), as botocore does. The
/// command runs without a shell when it is a plain program with arguments
/// (single and double quotes group words); when it uses shell syntax
/// (pipes, redirections, variables, `;`, globs, ...) it runs under `sh -c`
/// (`cmd.exe /C` on Windows). Its stdin is empty, its environment is this
/// process's, and so is every descriptor of this process that is not
/// close-on-exec (as with the Rust and Go SDKs; botocore closes them):
/// the crate opens its own close-on-exec, and a program that embeds it
/// should open its own so too. Its stdout is capped (64 KiB by default)
/// and its run time too ([`TimedOut`](super::CredentialsErrorKind::TimedOut) after that): 60 s,
/// or 10 minutes when this process has a controlling terminal, where a
/// person may be finishing a browser login or a prompt the command started
/// (botocore sets no limit at all; a helper waiting on an SSO device
/// login was killed after a minute).
///
/// On Unix, when this process has no controlling terminal (a service, a
/// container, CI), the command runs in a process group of its own, and on
/// every failure (timeout, too much output, an unsuccessful exit) the
/// whole group is killed, so that nothing it started in the background
/// outlives the error. With a terminal, the command stays in this
/// process's group, as botocore and the AWS SDKs run it, so that a helper
/// that asks for an MFA code or a password on `/dev/tty` can read it (in a
/// group of its own it would be a background job there, stopped by the
/// terminal); on failure only the command itself is killed.
///
/// On failure the error quotes the start of its stderr, never its stdout,
/// and names the program only when that is safe: never the arguments, never
/// `NAME=value` assignments in front of it (which often carry tokens).
#[derive(Clone)]
pub struct CredentialProcessProvider {
    /// Wiped when the provider goes: a command line may hold a secret
    /// (`API_TOKEN=… helper`, `helper --password …`).
    command: SecretString,
    source: String,
    /// `None`: [`default_limit`], decided when the command runs.
    timeout: Option<Duration>,
    max_output_bytes: usize,
    clock: Arc<dyn Clock>,
}

/// The run time allowed without [`CredentialProcessProvider::with_timeout`].
const UNATTENDED_LIMIT: Duration = Duration::from_secs(60);
/// The same with a controlling terminal: a person may be at it.
const ATTENDED_LIMIT: Duration = Duration::from_secs(600);

/// The run time allowed by default, with or without a controlling terminal.
fn default_limit(terminal: bool) -> Duration {
    if terminal {
        ATTENDED_LIMIT
    } else {
        UNATTENDED_LIMIT
    }
}

/// The program only, on the terms of the errors: the command line's
/// arguments and assignments often carry tokens.
impl fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialProcessProvider")
            .field(
                "program",
                &program_name(self.command.expose()).unwrap_or_else(|| "<not shown>".to_owned()),
            )
            .field("source", &self.source)
            .field("timeout", &self.timeout)
            .field("max_output_bytes", &self.max_output_bytes)
            .finish_non_exhaustive()
    }
}

impl CredentialProcessProvider {
    /// Runs `command` for each request for credentials.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: SecretString::new(command),
            source: "credential_process".to_owned(),
            timeout: None,
            max_output_bytes: 64 * 1024,
            clock: Arc::new(SystemClock),
        }
    }

    /// Kills the command if it runs longer than `timeout`; a huge one
    /// (such as [`Duration::MAX`]) means no limit.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Fails if the command prints more than `bytes` on stdout.
    pub fn with_max_output_bytes(mut self, bytes: usize) -> Self {
        self.max_output_bytes = bytes;
        self
    }

    /// Judges the `Expiration` the command prints by `clock` instead of the
    /// system clock.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Names the source in errors (as `profile "dev"`).
    pub(crate) fn with_source_name(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    /// Judges the expiration by the same clock as `clock`.
    pub(crate) fn with_shared_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn error(&self, reason: impl Into<String>) -> CredentialsError {
        CredentialsError::failed(self.source.clone(), reason)
    }

    fn timed_out(&self, reason: impl Into<String>) -> CredentialsError {
        CredentialsError::with_kind(CredentialsErrorKind::TimedOut, self.source.clone(), reason)
    }

    /// How errors name the command: `` `program` `` when that is safe to
    /// show, else just "the command".
    fn label(&self) -> String {
        match program_name(self.command.expose()) {
            Some(name) => format!("`{name}`"),
            None => "the command".to_owned(),
        }
    }

    fn build_command(&self) -> Result<Command, CredentialsError> {
        let text = self.command.expose().trim();
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
        let program = self.label();
        let mut cmd = self.build_command()?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let terminal = has_controlling_terminal();
        let own_group = cfg!(unix) && !terminal;
        let limit = self.timeout.unwrap_or_else(|| default_limit(terminal));
        #[cfg(unix)]
        if own_group {
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        }
        let started = Instant::now();
        // `None`: no time limit.
        let deadline = bounded_timeout(Some(limit)).and_then(|t| started.checked_add(t));
        let mut child = Group::new(
            cmd.spawn()
                .map_err(|e| self.error(format!("cannot start {program}: {e}")))?,
            own_group,
        );

        let overflow = Arc::new(AtomicBool::new(false));
        let (out_tx, out_rx) = mpsc::channel();
        if let Some(mut stdout) = child.leader.stdout.take() {
            let overflow = Arc::clone(&overflow);
            let cap = self.max_output_bytes;
            reader("stdout", move || {
                // Room for the usual document at once; more grows by
                // copy-and-wipe, so the secret is left in no freed buffer.
                let limited = crate::wipe::read_to_end(
                    (&mut stdout).take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1)),
                    cap.min(16 * 1024),
                );
                let mut bytes = match limited {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        let _ = out_tx.send(Err(e));
                        return;
                    }
                };
                if bytes.len() > cap {
                    overflow.store(true, Ordering::SeqCst);
                    wipe(bytes);
                    bytes = Vec::new();
                }
                let _ = out_tx.send(Ok(bytes));
            })
            .map_err(|e| self.error(format!("cannot start a thread to read {program}: {e}")))?;
        }
        let (err_tx, err_rx) = mpsc::channel();
        if let Some(mut stderr) = child.leader.stderr.take() {
            reader("stderr", move || {
                let mut kept = Vec::new();
                let _ = (&mut stderr)
                    .take(STDERR_QUOTE_BYTES as u64)
                    .read_to_end(&mut kept);
                // Drain the rest so the command never blocks on a full pipe.
                let _ = std::io::copy(&mut stderr, &mut std::io::sink());
                let _ = err_tx.send(kept);
            })
            .map_err(|e| self.error(format!("cannot start a thread to read {program}: {e}")))?;
        }

        let too_much = || {
            self.error(format!(
                "{program} printed more than {} bytes",
                self.max_output_bytes
            ))
        };
        // Every early return below drops `child`, which kills the group.
        let mut pause = Duration::from_millis(1);
        let status = loop {
            match child.leader.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => return Err(self.error(format!("cannot wait for {program}: {e}"))),
            }
            if overflow.load(Ordering::SeqCst) {
                return Err(too_much());
            }
            let now = Instant::now();
            let nap = match deadline {
                Some(deadline) if now >= deadline => {
                    return Err(self.timed_out(format!(
                        "{program} did not finish within {limit:?} and was killed"
                    )));
                }
                Some(deadline) => pause.min(deadline - now),
                None => pause,
            };
            thread::sleep(nap);
            pause = (pause * 2).min(Duration::from_millis(50));
        };
        // The output ends when every holder of the pipes exits; a
        // background grandchild could hold them, so wait no longer than
        // the time left (and at least a moment after the exit). Each wait
        // takes what is left when it starts: the limit holds for all of
        // them together.
        let drain_until = deadline.map(|d| d.max(Instant::now() + Duration::from_millis(200)));
        let left = || {
            drain_until.map_or(Duration::MAX, |d| {
                d.saturating_duration_since(Instant::now())
            })
        };
        if overflow.load(Ordering::SeqCst) {
            return Err(too_much());
        }
        if !status.success() {
            // Only a failure quotes stderr: a success does not wait for it.
            let stderr = err_rx
                .recv_timeout(left().min(Duration::from_secs(1)))
                .unwrap_or_default();
            if overflow.load(Ordering::SeqCst) {
                return Err(too_much());
            }
            let code = match status.code() {
                Some(code) => format!("code {code}"),
                None => "no exit code (killed by a signal)".to_owned(),
            };
            let text = quote_stderr(&stderr);
            return Err(self.error(if text.is_empty() {
                format!("{program} exited with {code}; stderr was empty")
            } else {
                format!("{program} exited with {code}; stderr: {text}")
            }));
        }
        match out_rx.recv_timeout(left()) {
            Ok(Ok(bytes)) if overflow.load(Ordering::SeqCst) => {
                wipe(bytes);
                Err(too_much())
            }
            Ok(Ok(bytes)) => {
                // Exited with success and its output is complete: whatever
                // it left running on purpose stays.
                child.release();
                Ok(bytes)
            }
            Ok(Err(e)) => Err(self.error(format!("cannot read the output of {program}: {e}"))),
            Err(_) => Err(self.timed_out(format!(
                "the output of {program} did not end within {limit:?} (a background process \
                 may hold it open)"
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
        let creds = parsed.map_err(|reason| {
            self.error(format!(
                "could not parse the output of {} ({len} bytes): {reason}",
                self.label()
            ))
        })?;
        refuse_expired(&creds, self.clock.now(), &self.source)?;
        Ok(Arc::new(creds))
    }
}

/// Starts a thread that reads one of the command's pipes; an error (not
/// a panic, as `thread::spawn` would) when the system has no thread left.
fn reader(pipe: &str, read: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    thread::Builder::new()
        .name(format!("credential_process {pipe}"))
        .spawn(read)
        .map(drop)
}

/// Whether this process has a controlling terminal, where a command may
/// ask its user something: opening `/dev/tty` succeeds only then, and
/// neither blocks nor changes anything.
fn has_controlling_terminal() -> bool {
    std::fs::File::open("/dev/tty").is_ok()
}

/// The running command and, on Unix, its process group when it has one of
/// its own. Dropped without [`Group::release`], it kills that group and
/// reaps the command.
struct Group {
    leader: Child,
    /// Whether the command leads a process group of its own (and nothing
    /// else is in it but what it started).
    own_group: bool,
    armed: bool,
}

impl Group {
    fn new(leader: Child, own_group: bool) -> Self {
        Self {
            leader,
            own_group,
            armed: true,
        }
    }

    /// Leaves the command and anything it started alone.
    fn release(mut self) {
        self.armed = false;
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        // The group first, while the leader (if not yet reaped) still
        // holds the group id; then the leader itself in case that failed.
        // Never set off Unix, where there is no group to kill.
        if self.own_group {
            #[cfg(unix)]
            kill_group(self.leader.id());
        }
        let _ = self.leader.kill();
        let _ = self.leader.wait();
    }
}

/// Sends SIGKILL to process group `pgid`.
///
/// std has no `killpg` and this crate has no `unsafe`, so this runs the
/// POSIX `kill` utility (`kill -s KILL -- -pgid`), then, if that could not
/// run or failed, the shell's built-in `kill`. Each gets at most
/// [`KILL_WAIT`].
#[cfg(unix)]
fn kill_group(pgid: u32) {
    let target = format!("-{pgid}");
    let builtin = format!("kill -s KILL -- {target}");
    let attempts: [&[&str]; 2] = [
        &["kill", "-s", "KILL", "--", &target],
        &["sh", "-c", &builtin],
    ];
    for argv in attempts {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let Ok(mut killer) = cmd.spawn() else {
            continue;
        };
        let until = Instant::now() + KILL_WAIT;
        loop {
            match killer.try_wait() {
                Ok(Some(status)) if status.success() => return,
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = killer.kill();
                    let _ = killer.wait();
                    break;
                }
            }
        }
    }
    // Also the usual outcome when the group has already gone (the
    // command exited and left nothing behind), hence not a warning.
    log::debug!("kill found no credential_process process group {pgid} to end");
}

/// The program an error may name: the first word after any `NAME=value`
/// assignments, if it is a plain name or path (letters, digits, `._/+-,%~`,
/// at most [`PROGRAM_NAME_CHARS`] of them). `None` when that cannot be
/// told for sure (an assignment with `$`, backquotes or backslashes, a
/// quoted or unusual program word), so that a value is never mistaken for
/// the program.
fn program_name(command: &str) -> Option<String> {
    let words = split_words_raw(command)?;
    let mut words = words.iter();
    let program = loop {
        let word = words.next()?;
        if is_assignment(word) {
            // Where a value with expansions or escapes ends is the shell's
            // business; do not guess.
            if word.contains(['$', '`', '\\']) {
                return None;
            }
            continue;
        }
        break word;
    };
    let plain = program.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '+' | '-' | ',' | '%' | '~')
    });
    if !plain || program.is_empty() {
        return None;
    }
    let mut name: String = program.chars().take(PROGRAM_NAME_CHARS).collect();
    if program.chars().count() > PROGRAM_NAME_CHARS {
        name.push('…');
    }
    Some(name)
}

/// `NAME=...` with a shell variable name before the `=`.
fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits a command into words as written, quotes kept: whitespace outside
/// quotes separates. `None` if a quote is not closed.
fn split_words_raw(command: &str) -> Option<Vec<&str>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    for (i, c) in command.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(command.get(s..i)?);
                }
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                start.get_or_insert(i);
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if let Some(s) = start {
        words.push(command.get(s..)?);
    }
    Some(words)
}

/// The start of the command's stderr for an error message: trimmed, with
/// control characters escaped, line breaks too, so that it cannot rewrite
/// the terminal or forge log lines, and the error stays one line.
fn quote_stderr(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
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
/// Output with more than 4096 JSON values is refused before it is read: a
/// value in memory costs tens of bytes however short its text, so
/// `[1,1,1,…]` would cost 24 times its size, and real output is one flat
/// object of a few strings.
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
    const MAX_VALUES: usize = 4096;
    if json_value_bound(bytes) > MAX_VALUES {
        return Err(format!(
            "too many JSON values in response (more than {MAX_VALUES})"
        ));
    }
    let doc = super::metadata_document::parse_wholly(bytes).map_err(|e| {
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
    // Wiped when dropped, on the error paths below too.
    let mut doc = super::metadata_document::Wiped(doc);
    match doc.0.get("Version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(Value::Number(n)) => return Err(format!("unsupported Version {n}; expected 1")),
        Some(_) => return Err("Version is not a number; expected 1".to_owned()),
        None => return Err("Version is missing; expected 1".to_owned()),
    }
    let mut take = |key: &str, required: bool| -> Result<Option<String>, String> {
        match doc.0.remove(key) {
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
    let account_id = take("AccountId", false)?;
    if access_key_id.is_empty() || secret.is_empty() {
        return Err("AccessKeyId or SecretAccessKey is empty".to_owned());
    }
    let mut creds = Credentials::new(access_key_id, secret, token);
    if let Some(text) = expiration {
        let at = parse_timestamp(&text)
            .map_err(|e| format!("Expiration is not an ISO 8601 time: {}", e.reason))?;
        creds = creds.with_expiration(at);
    }
    if let Some(account_id) = account_id {
        creds = creds.with_account_id(account_id);
    }
    // Whatever else the document held is wiped as `doc` is dropped.
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by comparing with botocore 1.44.8, which sets no limit: a
    /// helper waiting on a browser login was killed after 60 s even with a
    /// person at the terminal. Unattended, the minute stays.
    #[test]
    fn a_person_at_a_terminal_gets_ten_minutes() {
        assert_eq!(default_limit(true), Duration::from_secs(600));
        assert_eq!(default_limit(false), Duration::from_secs(60));
        let set = CredentialProcessProvider::new("x").with_timeout(Duration::from_secs(5));
        assert_eq!(set.timeout, Some(Duration::from_secs(5)));
        assert_eq!(CredentialProcessProvider::new("x").timeout, None);
    }

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
    fn debug_names_only_the_program() {
        let provider = CredentialProcessProvider::new("HELPER_TOKEN=T0KEN helper --key S3CRET");
        let text = format!("{provider:?}");
        assert!(text.contains("\"helper\""), "{text}");
        assert!(
            !text.contains("T0KEN") && !text.contains("S3CRET"),
            "{text}"
        );
        let provider = CredentialProcessProvider::new("TOKEN=\"$(cat t)\" helper");
        let text = format!("{provider:?}");
        assert!(
            text.contains("<not shown>") && !text.contains("cat t"),
            "{text}"
        );
    }

    #[test]
    fn errors_name_only_a_plain_program_never_assignments() {
        for (command, want) in [
            ("helper --secret-arg x", Some("helper")),
            (
                "/usr/local/bin/aws-vault export dev",
                Some("/usr/local/bin/aws-vault"),
            ),
            ("API_TOKEN=s3cr3t helper", Some("helper")),
            ("A=1 B=s3cr3t=more helper", Some("helper")),
            ("API_TOKEN=\"s3 cr3t\" helper", Some("helper")),
            ("API_TOKEN='s3 cr3t' helper", Some("helper")),
            ("API_TOKEN=s3\\ cr3t helper", None),
            ("API_TOKEN=$(echo s3 cr3t) helper", None),
            ("API_TOKEN=`echo s3 cr3t` helper", None),
            ("API_TOKEN='s3 cr3t", None),
            ("API_TOKEN=s3cr3t", None),
            ("'quoted helper' x", None),
            ("https://user:s3cr3t@host/helper", None),
            ("--token=s3cr3t helper", None),
            ("(sleep 2; touch M); true", None),
            ("", None),
        ] {
            assert_eq!(program_name(command).as_deref(), want, "{command}");
        }
        let long = "a".repeat(100);
        assert_eq!(
            program_name(&long).unwrap(),
            format!("{}…", "a".repeat(PROGRAM_NAME_CHARS))
        );
    }

    #[test]
    fn stderr_quotes_escape_control_characters() {
        assert_eq!(
            quote_stderr(b"  bad\x1b[2J thing\r\nFAKE: next\n"),
            "bad\\u{1b}[2J thing\\r\\nFAKE: next"
        );
    }

    #[test]
    fn parses_version_1() {
        let c = parse_output(
            br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"S","SessionToken":"T","Expiration":"2022-05-02T18:36:00+00:00","AccountId":"123"}"#,
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.session_token().unwrap().expose(), "T");
        assert_eq!(c.account_id(), Some("123"));
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
