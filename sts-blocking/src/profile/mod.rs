//! The shared config and credentials files (`~/.aws/config`,
//! `~/.aws/credentials`): text in, profiles out.
//!
//! This module does no I/O. [`parse`] turns the text of the two files into a
//! [`ProfileSet`], following the AWS SDKs' profile-file rules:
//!
//! - `[profile name]` sections in the config file, `[name]` sections in the
//!   credentials file; `[default]` in either, where a config file's
//!   `[profile default]` hides its plain `[default]`;
//! - `[sso-session name]` and `[services name]` sections in the config file;
//! - comment lines start with `#` or `;`; on a property line a comment starts
//!   at a `#` or `;` that follows whitespace, on a section line at any `#`
//!   or `;`;
//! - a line that starts with a space or tab continues the previous
//!   property's value; if that property was declared with an empty value,
//!   its continuation lines are `key = value` sub-properties;
//! - property names are case-insensitive (stored lower-cased), the last
//!   definition wins, duplicate sections merge, and the credentials file
//!   wins over the config file;
//! - section and property names are made of ASCII letters, digits and
//!   `- / . % @ _ : +`; others are ignored, as are sections of unknown kinds.
//!
//! [`locate`] (in [`location`]) says which files to read and which profile
//! to select, from the environment.
//!
//! ```
//! use sts_blocking::profile;
//!
//! let set = profile::parse(
//!     "[profile dev]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 20\n",
//!     "[dev]\naws_access_key_id = AKIDEXAMPLE\n",
//! )?;
//! let dev = set.profile("dev").unwrap();
//! assert_eq!(dev.get("region"), Some("eu-west-1"));
//! assert_eq!(dev.get("AWS_ACCESS_KEY_ID"), Some("AKIDEXAMPLE"));
//! assert_eq!(dev.sub_property("s3", "max_concurrent_requests").as_deref(), Some("20"));
//! # Ok::<(), profile::ParseError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use sts_proto::SecretString;

pub mod location;
mod parse;

pub use location::{FileLocations, Platform, locate};

/// Which of the two files a text came from; the section rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `~/.aws/config`: `[profile name]`, `[default]`, `[sso-session name]`,
    /// `[services name]`.
    Config,
    /// `~/.aws/credentials`: `[name]`.
    Credentials,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Config => "config file",
            FileKind::Credentials => "credentials file",
        })
    }
}

/// Property names whose values are never shown by `Debug`.
const SECRET_KEYS: &[&str] = &["aws_secret_access_key", "aws_session_token"];

/// One section of a profile file: a profile, an `sso-session` or a
/// `services` section.
///
/// Property names are lower-cased; [`Section::get`] lower-cases the name
/// it is given. Values are kept in [`SecretString`]s so that they are wiped
/// when the section is dropped; `Debug` shows the values of all but the
/// secret properties (`aws_secret_access_key`, `aws_session_token`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Section {
    name: String,
    properties: BTreeMap<String, SecretString>,
}

impl Section {
    /// An empty section called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            properties: BTreeMap::new(),
        }
    }

    /// The same section with `key` (lower-cased) set to `value`.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// Sets `key` (lower-cased) to `value`.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.properties
            .insert(key.to_ascii_lowercase(), SecretString::new(value.into()));
    }

    /// The section's name, without any `profile ` prefix.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A property's value, whatever the case of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        match self.properties.get(key) {
            Some(v) => Some(v.expose()),
            None if key.bytes().any(|b| b.is_ascii_uppercase()) => self
                .properties
                .get(&key.to_ascii_lowercase())
                .map(SecretString::expose),
            None => None,
        }
    }

    /// A property's value, or `None` if it is missing or blank.
    pub fn get_nonempty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.trim().is_empty())
    }

    /// Whether the section has the property.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The property names, lower-cased, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.properties.keys().map(String::as_str)
    }

    /// Names and values, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
    }

    /// Number of properties.
    pub fn len(&self) -> usize {
        self.properties.len()
    }

    /// Whether the section has no properties.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }

    /// The sub-properties of `key` (a property declared as `key =` followed
    /// by indented `name = value` lines), with lower-cased names.
    pub fn sub_properties(&self, key: &str) -> BTreeMap<String, String> {
        self.get(key).map(parse_sub_properties).unwrap_or_default()
    }

    /// One sub-property of `key`.
    pub fn sub_property(&self, key: &str, sub: &str) -> Option<String> {
        self.sub_properties(key).remove(&sub.to_ascii_lowercase())
    }

    fn merge_from(&mut self, other: &Section) {
        for (k, v) in &other.properties {
            self.properties.insert(k.clone(), v.clone());
        }
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Props<'a>(&'a BTreeMap<String, SecretString>);
        impl fmt::Debug for Props<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (k, v) in self.0 {
                    if SECRET_KEYS.contains(&k.as_str()) {
                        m.entry(k, v);
                    } else {
                        m.entry(k, &v.expose());
                    }
                }
                m.finish()
            }
        }
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("properties", &Props(&self.properties))
            .finish()
    }
}

/// Reads the `name = value` lines of a sub-property block (the raw value of
/// a property declared with an empty value). Lines without `=` are skipped;
/// names are lower-cased.
pub fn parse_sub_properties(raw: &str) -> BTreeMap<String, String> {
    raw.lines()
        .filter_map(|line| {
            let (k, v) = line.split_once('=')?;
            let k = k.trim_matches(parse::WHITESPACE);
            if k.is_empty() {
                return None;
            }
            Some((
                k.to_ascii_lowercase(),
                v.trim_matches(parse::WHITESPACE).to_owned(),
            ))
        })
        .collect()
}

/// The profiles, `sso-session` sections and `services` sections of a pair
/// of profile files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Section>,
    sso_sessions: BTreeMap<String, Section>,
    services: BTreeMap<String, Section>,
}

impl ProfileSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set of already-parsed profiles (test fixtures, programmatic
    /// configuration). Property names are lower-cased.
    pub fn from_profiles<N, K, V, P>(profiles: impl IntoIterator<Item = (N, P)>) -> Self
    where
        N: Into<String>,
        K: AsRef<str>,
        V: Into<String>,
        P: IntoIterator<Item = (K, V)>,
    {
        let mut set = Self::new();
        for (name, props) in profiles {
            let name = name.into();
            let mut section = Section::new(name.clone());
            for (k, v) in props {
                section.set(k.as_ref(), v);
            }
            set.profiles.insert(name, section);
        }
        set
    }

    /// Adds (or replaces) a profile.
    pub fn insert_profile(&mut self, section: Section) {
        self.profiles.insert(section.name.clone(), section);
    }

    /// Adds (or replaces) an `sso-session` section.
    pub fn insert_sso_session(&mut self, section: Section) {
        self.sso_sessions.insert(section.name.clone(), section);
    }

    /// Adds (or replaces) a `services` section.
    pub fn insert_services(&mut self, section: Section) {
        self.services.insert(section.name.clone(), section);
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// All profiles, in name order.
    pub fn profiles(&self) -> impl Iterator<Item = &Section> {
        self.profiles.values()
    }

    /// The profile names, in order.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// All `sso-session` sections.
    pub fn sso_sessions(&self) -> impl Iterator<Item = &Section> {
        self.sso_sessions.values()
    }

    /// The `[services name]` section.
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }

    /// All `services` sections.
    pub fn all_services(&self) -> impl Iterator<Item = &Section> {
        self.services.values()
    }

    /// Whether the files defined no profile at all.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    fn merge_into(target: &mut BTreeMap<String, Section>, section: &Section) {
        target
            .entry(section.name.clone())
            .or_insert_with(|| Section::new(section.name.clone()))
            .merge_from(section);
    }
}

/// A profile file that breaks the syntax rules.
///
/// It names the file kind and the line; the line's text is never included
/// (it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Which file.
    pub file: FileKind,
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a profile file line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A `[` section line without the closing `]` (comments aside).
    UnterminatedSection,
    /// A property or continuation line before any section line.
    PropertyOutsideSection,
    /// A continuation line (starting with whitespace) with no property
    /// above it in its section.
    ContinuationWithoutProperty,
    /// A property line without `=`.
    PropertyWithoutEquals,
    /// A property line with nothing before `=`.
    PropertyWithoutName,
    /// A sub-property line without `=`.
    SubPropertyWithoutEquals,
    /// A sub-property line with nothing before `=`.
    SubPropertyWithoutName,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseErrorKind::UnterminatedSection => "Profile definition must end with ']'",
            ParseErrorKind::PropertyOutsideSection => {
                "Expected a profile definition, found a property or continuation line"
            }
            ParseErrorKind::ContinuationWithoutProperty => {
                "Expected a property definition, found continuation"
            }
            ParseErrorKind::PropertyWithoutEquals => "Expected an '=' sign defining a property",
            ParseErrorKind::PropertyWithoutName => "Property did not have a name",
            ParseErrorKind::SubPropertyWithoutEquals => {
                "Expected an '=' sign defining a sub-property"
            }
            ParseErrorKind::SubPropertyWithoutName => "Sub-property did not have a name",
        })
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not parse profile file: {}, line {}: {}",
            self.file, self.line, self.kind
        )
    }
}

impl std::error::Error for ParseError {}

/// Parses the config file's and the credentials file's text (either may be
/// empty) into one set; the credentials file's properties win.
pub fn parse(config: &str, credentials: &str) -> Result<ProfileSet, ParseError> {
    parse_sources(&[
        (FileKind::Config, config),
        (FileKind::Credentials, credentials),
    ])
}

/// Parses any number of files, merged in order: a later file's property
/// wins over an earlier one's.
pub fn parse_sources(sources: &[(FileKind, &str)]) -> Result<ProfileSet, ParseError> {
    let mut set = ProfileSet::new();
    for (kind, text) in sources {
        let file = parse::parse_file(*kind, text)?;
        for profile in &file.profiles {
            ProfileSet::merge_into(&mut set.profiles, profile);
        }
        for s in &file.sso_sessions {
            ProfileSet::merge_into(&mut set.sso_sessions, s);
        }
        for s in &file.services {
            ProfileSet::merge_into(&mut set.services, s);
        }
    }
    Ok(set)
}

/// Whether `name` is a valid profile, section or property name: ASCII
/// letters, digits and `- / . % @ _ : +`, at least one character.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/.%@_:+".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_values() {
        let set = parse(
            "[profile a]\nregion = eu-west-1\n",
            "[a]\naws_secret_access_key = VERYSECRET\naws_session_token = TOKENVALUE\n",
        )
        .unwrap();
        let text = format!("{set:?}");
        assert!(text.contains("eu-west-1"), "{text}");
        assert!(!text.contains("VERYSECRET"), "{text}");
        assert!(!text.contains("TOKENVALUE"), "{text}");
    }

    #[test]
    fn errors_name_the_line_but_not_its_text() {
        let err = parse("[profile a]\nregion = x\nSECRETLINE\n", "").unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.kind, ParseErrorKind::PropertyWithoutEquals);
        let text = err.to_string();
        assert!(text.contains("config file, line 3"), "{text}");
        assert!(!text.contains("SECRETLINE"), "{text}");
    }

    #[test]
    fn services_sections_and_sub_properties() {
        let set = parse(
            "[profile a]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://localhost:5000\n  Region = x\n",
            "",
        )
        .unwrap();
        let s = set.services("local").unwrap();
        assert_eq!(
            s.sub_property("sts", "endpoint_url").as_deref(),
            Some("http://localhost:5000")
        );
        assert_eq!(s.sub_property("STS", "region").as_deref(), Some("x"));
    }

    #[test]
    fn later_sources_win() {
        let set = parse_sources(&[
            (FileKind::Config, "[default]\na = 1\nb = 1"),
            (FileKind::Config, "[default]\nb = 2"),
        ])
        .unwrap();
        let d = set.profile("default").unwrap();
        assert_eq!((d.get("a"), d.get("b")), (Some("1"), Some("2")));
    }
}
