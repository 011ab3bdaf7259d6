//! The code of a profile's MFA device (`mfa_serial`), asked of the user as
//! the AWS CLI asks it: `Enter MFA code for {serial}: ` on the terminal,
//! read with echo off; without a terminal (a pipe, a CI job), the prompt
//! goes to stderr and the code is read from stdin, with the warning
//! Python's `getpass` gives then.

use std::io::{BufRead, Read, Write};

use sts_proto::SecretString;

/// The longest line read from stdin: a code is six digits, and a stdin
/// that never ends a line must not be read without end.
const MAX_LINE: u64 = 1024;

/// [`sts_blocking::credentials::MfaTokenProvider`] for the tool.
pub(crate) fn ask(serial: &str) -> Result<SecretString, String> {
    let prompt = format!("Enter MFA code for {serial}: ");
    let code = match rpassword::prompt_password(&prompt) {
        Ok(code) => code,
        Err(_) => from_stdin(&prompt)?,
    };
    let code = code.trim();
    if code.is_empty() {
        return Err("no MFA code was entered".to_owned());
    }
    Ok(SecretString::new(code))
}

/// The code from the first line of stdin, when there is no terminal.
fn from_stdin(prompt: &str) -> Result<String, String> {
    let mut err = std::io::stderr().lock();
    // The prompt is a courtesy; a closed stderr must not stop the call.
    let _ = write!(
        err,
        "Warning: the MFA code is read from stdin, which may echo it.\n{prompt}"
    );
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .take(MAX_LINE)
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the MFA code from stdin: {e}"))?;
    if !line.ends_with('\n') && line.len() as u64 == MAX_LINE {
        return Err(format!(
            "the MFA code read from stdin is longer than {MAX_LINE} bytes"
        ));
    }
    Ok(line)
}
