//! Where the profile files are and which profile is selected, as the AWS
//! SDKs decide it from the environment.
//!
//! | what | from |
//! |---|---|
//! | config file | `AWS_CONFIG_FILE`, else `~/.aws/config` |
//! | credentials file | `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials` |
//! | profile | `AWS_PROFILE`, else `default` |
//! | home (`~`) | `HOME`; on Windows `HOME`, then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH` |
//!
//! In `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, `$NAME` and
//! `${NAME}` are replaced by the variables' values ([`expand_vars`]), then
//! a leading `~` stands for the home directory, as botocore reads them.
//! Blank variables count as unset.

use std::path::PathBuf;

use crate::env::Env;

/// Whose path rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux, macOS and other Unix systems.
    Unix,
    /// Windows.
    Windows,
}

impl Platform {
    /// The platform this program was built for.
    pub fn current() -> Self {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    pub(crate) fn separator(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

/// The files to read and the profile to select.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileLocations {
    /// The config file, unless neither `AWS_CONFIG_FILE` nor a home
    /// directory is known.
    pub config: Option<PathBuf>,
    /// The credentials file, on the same terms.
    pub credentials: Option<PathBuf>,
    /// The selected profile's name.
    pub profile: String,
    /// Whether the profile was chosen explicitly (`AWS_PROFILE`), not by default.
    pub profile_explicit: bool,
}

/// The home directory according to `env`.
pub fn home_dir(env: &dyn Env, platform: Platform) -> Option<String> {
    if let Some(home) = env.get_nonempty("HOME") {
        return Some(home);
    }
    if platform == Platform::Windows {
        if let Some(profile) = env.get_nonempty("USERPROFILE") {
            return Some(profile);
        }
        if let (Some(drive), Some(path)) =
            (env.get_nonempty("HOMEDRIVE"), env.get_nonempty("HOMEPATH"))
        {
            return Some(format!("{drive}{path}"));
        }
    }
    None
}

/// Where the files are, and which profile, according to `env`.
///
/// ```
/// use sts_blocking::env::MapEnv;
/// use sts_blocking::profile::{Platform, locate};
///
/// let env = MapEnv::new([("HOME", "/home/me"), ("AWS_PROFILE", "dev")]);
/// let where_ = locate(&env, Platform::Unix);
/// assert_eq!(where_.config.unwrap().to_str(), Some("/home/me/.aws/config"));
/// assert_eq!(where_.profile, "dev");
/// ```
pub fn locate(env: &dyn Env, platform: Platform) -> FileLocations {
    let home = home_dir(env, platform);
    let sep = platform.separator();
    let file = |var: &str, name: &str| -> Option<PathBuf> {
        match env.get_nonempty(var) {
            Some(path) => Some(PathBuf::from(expand_home(
                &expand_vars(path.trim(), env),
                home.as_deref(),
                platform,
            ))),
            None => home
                .as_deref()
                .map(|h| PathBuf::from(format!("{}{sep}.aws{sep}{name}", h.trim_end_matches(sep)))),
        }
    };
    let explicit = env.get_nonempty("AWS_PROFILE");
    FileLocations {
        config: file("AWS_CONFIG_FILE", "config"),
        credentials: file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        profile_explicit: explicit.is_some(),
        profile: explicit.map_or_else(|| "default".to_owned(), |p| p.trim().to_owned()),
    }
}

/// `path` with `$NAME` and `${NAME}` replaced by the values `env` has for
/// them, as Python's `os.path.expandvars` replaces them: botocore applies
/// it to `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` before `~`,
/// and a variable set by systemd's `Environment=`, a Docker env file or an
/// IDE's run configuration reaches the program unexpanded. A name is ASCII
/// letters, digits and `_`; a variable that is not set stays as written,
/// and a value put in is not read again.
///
/// ```
/// use sts_blocking::env::MapEnv;
/// use sts_blocking::profile::location::expand_vars;
///
/// let env = MapEnv::new([("HOME", "/home/me")]);
/// assert_eq!(expand_vars("$HOME/a/${HOME}/$NOPE", &env), "/home/me/a//home/me/$NOPE");
/// ```
pub fn expand_vars(path: &str, env: &dyn Env) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    // Past the last `}`, a `${` closes nowhere: known without reading the
    // rest again for each one (`${${${…` was quadratic).
    let mut closes_left = path.contains('}');
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // The name, and how many bytes after the `$` the reference takes.
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) if closes_left => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => {
                    closes_left = false;
                    ("", 0)
                }
            },
            Some(_) => ("", 0),
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match env.get(name) {
            Some(value) if !name.is_empty() => out.push_str(&value),
            _ => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &rest[at + 1 + len..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn expand_home(path: &str, home: Option<&str>, platform: Platform) -> String {
    let rest = match path.strip_prefix('~') {
        Some(rest)
            if rest.is_empty()
                || rest.starts_with('/')
                || (platform == Platform::Windows && rest.starts_with('\\')) =>
        {
            rest
        }
        _ => return path.to_owned(),
    };
    match home {
        Some(home) => format!("{}{rest}", home.trim_end_matches(platform.separator())),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    /// Unclosed `${` are read once, not once each (120 KB of them took
    /// 0.9 s; this megabyte would take minutes), and what follows them
    /// expands as Python's `expandvars` has it.
    #[test]
    fn unclosed_braces_cost_one_reading() {
        let env = MapEnv::new([("HOME", "/h")]);
        assert_eq!(expand_vars("${open $HOME", &env), "${open /h");
        assert_eq!(expand_vars("${a ${HOME}x ${", &env), "${a ${HOME}x ${");
        let many = "${".repeat(500_000);
        let started = std::time::Instant::now();
        assert_eq!(
            expand_vars(&format!("{many}$HOME"), &env),
            format!("{many}/h")
        );
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    }

    /// Found by comparing with botocore 1.44.8, which expands variables in
    /// both paths (`os.path.expandvars`, then `expanduser`): they were
    /// taken as written, and the files not found.
    #[test]
    fn variables_expand_before_the_tilde() {
        let env = MapEnv::new([
            ("HOME", "/home/me"),
            ("CFG", "~/cfg"),
            ("dir_2", "d"),
            ("AWS_CONFIG_FILE", "$CFG/config"),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "${HOME}/$dir_2/creds-$UNSET-${}-$-${open",
            ),
        ]);
        let l = locate(&env, Platform::Unix);
        assert_eq!(l.config, Some(PathBuf::from("/home/me/cfg/config")));
        assert_eq!(
            l.credentials,
            Some(PathBuf::from("/home/me/d/creds-$UNSET-${}-$-${open"))
        );
        // A value put in is not read again.
        let env = MapEnv::new([("A", "$B"), ("B", "no")]);
        assert_eq!(expand_vars("$A${A}$", &env), "$B$B$");
        // Multi-byte text around a reference is kept whole.
        let env = MapEnv::new([("É", "no"), ("X", "x")]);
        assert_eq!(expand_vars("é$É/$X€", &env), "é$É/x€");
    }

    #[test]
    fn tilde_expands_to_home() {
        let env = MapEnv::new([
            ("HOME", "/home/me/"),
            ("AWS_CONFIG_FILE", "~/cfg/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "~other/creds"),
        ]);
        let l = locate(&env, Platform::Unix);
        assert_eq!(l.config, Some(PathBuf::from("/home/me/cfg/config")));
        assert_eq!(l.credentials, Some(PathBuf::from("~other/creds")));
        assert_eq!(l.profile, "default");
        assert!(!l.profile_explicit);
    }

    #[test]
    fn no_home_no_default_files() {
        let l = locate(&MapEnv::default(), Platform::Unix);
        assert_eq!((l.config, l.credentials), (None, None));
    }
}
