//! The profile files a `sts serve --exec` child reads: the user's, unless
//! their default profile could give credentials of its own.
//!
//! The child's SDK finds the served credentials through
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`, but every SDK's default chain
//! reads the shared files' `default` profile (static keys, a role, SSO,
//! `credential_process`, a console login) before the container endpoint:
//! the child would run as that profile instead. So a file whose default
//! profile holds such a key is copied without those lines (owner-only, in a
//! directory of its own) and the child is pointed at the copy with
//! `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`; the rest of the file
//! (the region, other profiles, `sso-session` sections, services) is the
//! child's as it was. The copies are removed when [`ChildFiles`] is
//! dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use sts_blocking::credentials::{MAX_PROFILE_FILE_BYTES, ProviderConfig};
use sts_blocking::profile::{Platform, locate};

use crate::Failure;

/// The default profile's keys that give it credentials of its own (or say
/// whose they are): static keys, a role, web identity, a credential
/// process, SSO, a console login. Lower case: the SDKs' readers fold the
/// case of property names.
const CREDENTIAL_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "aws_account_id",
    "role_arn",
    "source_profile",
    "credential_source",
    "credential_process",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "sso_role_name",
    "login_session",
];

/// Which of the two files.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Config,
    Credentials,
}

/// Copies of the profile files made for a child, removed when dropped.
#[derive(Default)]
pub(crate) struct ChildFiles {
    /// The directory holding the copies, if any were made.
    dir: Option<PathBuf>,
    /// The variables that point the child at them.
    vars: Vec<(&'static str, PathBuf)>,
}

impl ChildFiles {
    /// Copies, where needed, of the files the tool's environment names
    /// (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/config` / `~/.aws/credentials`), as the SDKs find them. A
    /// file that cannot be read is left alone: the child could not read it
    /// either.
    pub(crate) fn prepare() -> Result<ChildFiles, Failure> {
        let config = ProviderConfig::new();
        let files = locate(config.env(), Platform::current());
        let mut made = ChildFiles::default();
        for (kind, path, var) in [
            (Kind::Config, files.config, "AWS_CONFIG_FILE"),
            (
                Kind::Credentials,
                files.credentials,
                "AWS_SHARED_CREDENTIALS_FILE",
            ),
        ] {
            let Some(path) = path else { continue };
            let Ok(bytes) = config.fs().read(&path, MAX_PROFILE_FILE_BYTES) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let Some(scrubbed) = without_default_credentials(kind, &text) else {
                continue;
            };
            let copy = made.write(
                match kind {
                    Kind::Config => "config",
                    Kind::Credentials => "credentials",
                },
                &scrubbed,
            )?;
            made.vars.push((var, copy));
        }
        Ok(made)
    }

    /// Points `command` at the copies.
    pub(crate) fn apply(&self, command: &mut Command) {
        for (var, path) in &self.vars {
            command.env(var, path);
        }
    }

    /// Writes `text` to an owner-only file `name` in the copies' directory,
    /// made (owner-only too) on first use.
    fn write(&mut self, name: &str, text: &str) -> Result<PathBuf, Failure> {
        let failed = |e: std::io::Error| {
            Failure::Config(format!(
                "cannot write a copy of the profile files for the command: {e}"
            ))
        };
        let dir = match &self.dir {
            Some(dir) => dir.clone(),
            None => {
                let dir = new_private_dir().map_err(failed)?;
                self.dir = Some(dir.clone());
                dir
            }
        };
        let path = dir.join(name);
        write_private(&path, text.as_bytes()).map_err(failed)?;
        Ok(path)
    }
}

impl Drop for ChildFiles {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Where the copies go: `$XDG_RUNTIME_DIR` when it is a directory of
/// ours that only we can enter, else the temporary directory. The runtime
/// directory is a per-user tmpfs emptied at logout, so copies left by a
/// `sts` that could not remove them (killed, or a panic in the release
/// build, which aborts) do not stay on disk with the other profiles' keys.
fn copies_base() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)
        && dir.is_absolute()
        && is_ours_alone(&dir)
    {
        return dir;
    }
    std::env::temp_dir()
}

/// Whether `dir` is a directory of this user that no one else can enter.
#[cfg(unix)]
fn is_ours_alone(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).is_ok_and(|m| {
        m.is_dir() && m.mode() & 0o077 == 0 && m.uid() == rustix::process::getuid().as_raw()
    })
}

#[cfg(not(unix))]
fn is_ours_alone(_dir: &Path) -> bool {
    false
}

/// A new directory in [`copies_base`] that only the owner can enter,
/// under a name no other user can guess or take first.
fn new_private_dir() -> std::io::Result<PathBuf> {
    #[cfg_attr(not(unix), allow(unused_mut, reason = "the mode is set on Unix only"))]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let base = copies_base();
    let mut last = None;
    for _ in 0..8 {
        let mut bytes = [0u8; 12];
        getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let dir = base.join(format!("sts-serve-{name}"));
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
}

/// Creates `path` (which must not exist) readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `text` without the default profile's credential keys (and their
/// continuation lines), or `None` if it has none. Line-based, as the
/// SDKs' readers see the file: a `[header]` line starts a section, an
/// indented line continues the property before it (blank and comment
/// lines between do not end it), any other line is a property.
fn without_default_credentials(kind: Kind, text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut in_default = false;
    let mut dropping = false;
    let mut dropped_any = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        let blank = bare.trim_matches([' ', '\t']).is_empty();
        let comment = bare.starts_with(['#', ';']);
        if bare.starts_with('[') {
            in_default = is_default_header(kind, bare);
            dropping = false;
        } else if bare.starts_with([' ', '\t']) && !blank {
            // A continuation: goes with its property.
        } else if blank || comment {
            // Neither ends a property's continuation lines.
        } else {
            dropping = in_default
                && bare.split_once('=').is_some_and(|(key, _)| {
                    let key = key.trim_matches([' ', '\t']);
                    CREDENTIAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
                });
        }
        if dropping && !blank && !comment {
            dropped_any = true;
            continue;
        }
        out.push_str(line);
    }
    dropped_any.then_some(out)
}

/// Whether a `[header]` line names the default profile: `[default]`, and
/// in the config file also `[profile default]` (quoted or not).
fn is_default_header(kind: Kind, line: &str) -> bool {
    let end = line.find(['#', ';']).unwrap_or(line.len());
    let Some(name) = line[..end]
        .trim_matches([' ', '\t'])
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .map(|n| n.trim_matches([' ', '\t']))
    else {
        return false;
    };
    if name == "default" {
        return true;
    }
    if kind == Kind::Credentials {
        return false;
    }
    name.strip_prefix("profile")
        .filter(|rest| rest.starts_with([' ', '\t']))
        .map(|rest| rest.trim_matches([' ', '\t']))
        .is_some_and(|n| matches!(n, "default" | "\"default\"" | "'default'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_default_profiles_credential_lines_go() {
        let config = "# top\n[default]\nregion = eu-west-1\naws_access_key_id = AKID\n\
                      credential_process = a\n  continued\n\n  more\ns3 =\n  max_concurrent_requests = 2\n\
                      [profile dev]\naws_access_key_id = DEV\n[profile default] ; c\nROLE_ARN=x\noutput = json\n\
                      [sso-session s]\nsso_start_url = u\n";
        let scrubbed = without_default_credentials(Kind::Config, config).unwrap();
        assert_eq!(
            scrubbed,
            "# top\n[default]\nregion = eu-west-1\n\ns3 =\n  max_concurrent_requests = 2\n\
             [profile dev]\naws_access_key_id = DEV\n[profile default] ; c\noutput = json\n\
             [sso-session s]\nsso_start_url = u\n"
        );
        // In the credentials file, `[profile default]` is another profile.
        let credentials = "[profile default]\naws_access_key_id = A\r\n[ default ]\r\naws_secret_access_key=B\r\nx = y\r\n";
        assert_eq!(
            without_default_credentials(Kind::Credentials, credentials).unwrap(),
            "[profile default]\naws_access_key_id = A\r\n[ default ]\r\nx = y\r\n"
        );
        assert_eq!(
            without_default_credentials(Kind::Config, "[default]\nregion = x\n"),
            None
        );
    }
}
