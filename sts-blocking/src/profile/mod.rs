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
//! - comment lines start with `#` or `;`, after any indentation (botocore's
//!   reading: the SDKs' rules make an indented one a continuation); on a
//!   property line a comment starts
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
//!   Two differences, on purpose, so that the names the AWS CLI writes are
//!   read as it reads them: a config-file profile or SSO session name may be
//!   quoted (`[profile 'my team']`), and a credentials-file section name may
//!   hold spaces (`[my team]`), though not start with the word `profile`.
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

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

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

/// Property names whose values are never shown by `Debug`: the secret
/// key, the session token under both its names (botocore still reads the
/// legacy `aws_security_token`, and tools such as saml2aws write it), and
/// `credential_process`, whose command line often carries a token.
const SECRET_KEYS: &[&str] = &[
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "credential_process",
];

/// What a section is. The order is the order of a [`ProfileSet`]'s
/// sections, so that the kinds a set keeps come first and the two that
/// exist only while a file is read sort last, where they are cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Profile,
    SsoSession,
    Services,
    /// A config file's plain `[default]`, which a `[profile default]`
    /// anywhere in the same file hides; a [`Kind::Profile`] or a
    /// [`Kind::Dropped`] once the file is read.
    PlainDefault,
    /// A section that is not kept.
    Dropped,
}

/// A section in a [`ProfileSet`]: 16 bytes, whatever its name.
#[derive(Debug, Clone, Copy)]
struct SectionRecord {
    /// The name's place in [`ProfileSet::text`].
    name_at: u32,
    name_len: u32,
    /// While a set is built, how many properties it has (set by
    /// [`ProfileSet::finish`]); after, the end of its properties in
    /// [`ProfileSet::properties`], which start where the previous
    /// section's end.
    properties: u32,
    kind: Kind,
}

/// A property in a [`ProfileSet`]: 16 bytes. Its value follows its name in
/// the text, so one offset serves both; the offset also orders the
/// definitions, the later one winning.
#[derive(Debug, Clone, Copy)]
struct PropertyRecord {
    /// Its section's index in [`ProfileSet::sections`].
    section: u32,
    key_at: u32,
    key_len: u32,
    value_len: u32,
}

impl PropertyRecord {
    fn value_at(&self) -> usize {
        self.key_at as usize + self.key_len as usize
    }
}

/// `text[at..at + len]`, or `""` for a range outside it (which the set
/// never records).
fn text_at(text: &str, at: usize, len: usize) -> &str {
    text.get(at..at.saturating_add(len)).unwrap_or_default()
}

/// `stored` (lower-cased) against `key` lower-cased, without allocating.
fn cmp_lowered(stored: &str, key: &str) -> Ordering {
    stored
        .bytes()
        .cmp(key.bytes().map(|b| b.to_ascii_lowercase()))
}

/// One section of a profile file: a profile, an `sso-session` or a
/// `services` section, borrowed from its [`ProfileSet`].
///
/// It is a view, two slices and a name: the set keeps every name and value
/// in one buffer, as a section of one short property would otherwise cost
/// some thirty times the bytes of its lines. Property names are
/// lower-cased; [`Section::get`] lower-cases the name it is given. `Debug`
/// shows the values of all but the secret properties
/// (`aws_secret_access_key`, `aws_session_token`).
#[derive(Clone, Copy)]
pub struct Section<'a> {
    text: &'a str,
    name: &'a str,
    properties: &'a [PropertyRecord],
}

impl<'a> Section<'a> {
    fn key_of(&self, p: &PropertyRecord) -> &'a str {
        text_at(self.text, p.key_at as usize, p.key_len as usize)
    }

    fn value_of(&self, p: &PropertyRecord) -> &'a str {
        text_at(self.text, p.value_at(), p.value_len as usize)
    }

    /// The section's name, without any `profile ` prefix.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// A property's value, whatever the case of `key`.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        let i = self
            .properties
            .binary_search_by(|p| cmp_lowered(self.key_of(p), key))
            .ok()?;
        self.properties.get(i).map(|p| self.value_of(p))
    }

    /// A property's value, or `None` if it is missing or blank.
    pub fn get_nonempty(&self, key: &str) -> Option<&'a str> {
        self.get(key).filter(|v| !v.trim().is_empty())
    }

    /// Whether the section has the property.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The property names, lower-cased, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> + 'a {
        let this = *self;
        self.properties.iter().map(move |p| this.key_of(p))
    }

    /// Names and values, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let this = *self;
        self.properties
            .iter()
            .map(move |p| (this.key_of(p), this.value_of(p)))
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
}

impl PartialEq for Section<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.iter().eq(other.iter())
    }
}

impl Eq for Section<'_> {}

/// What `Debug` shows for a secret value.
struct Hidden;

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"** redacted **\"")
    }
}

impl fmt::Debug for Section<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Props<'a>(Section<'a>);
        impl fmt::Debug for Props<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (k, v) in self.0.iter() {
                    if SECRET_KEYS.contains(&k) {
                        m.entry(&k, &Hidden);
                    } else {
                        m.entry(&k, &v);
                    }
                }
                m.finish()
            }
        }
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("properties", &Props(*self))
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

/// The text of a set would pass the 4 GiB its `u32` offsets reach.
#[derive(Debug)]
struct TooLarge;

/// The profiles, `sso-session` sections and `services` sections of a pair
/// of profile files.
///
/// One buffer holds every section name, property name and value, wiped
/// when the set is dropped (values may be secrets), and two lists of
/// 16-byte records point into it, sorted by kind, section name and property
/// name, so that lookups are binary searches. A file of tiny distinct
/// entries (`[p1]` lines, `k1=v` lines) then costs a few times its size
/// instead of dozens, with no allocation per entry. Sections are
/// [`Section`] views into the set.
#[derive(Clone)]
pub struct ProfileSet {
    text: Zeroizing<String>,
    sections: Vec<SectionRecord>,
    properties: Vec<PropertyRecord>,
}

impl Default for ProfileSet {
    fn default() -> Self {
        Self::new()
    }
}

impl ProfileSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::with_capacity(0, 0, 0)
    }

    /// An empty set with room for so much text and so many records, so
    /// that none of them grows by doubling (which costs up to three times
    /// the final size on the way, and leaves an unwiped copy of the text).
    fn with_capacity(text: usize, sections: usize, properties: usize) -> Self {
        Self {
            text: Zeroizing::new(String::with_capacity(text)),
            sections: Vec::with_capacity(sections),
            properties: Vec::with_capacity(properties),
        }
    }

    /// A set of already-parsed profiles (test fixtures, programmatic
    /// configuration). Property names are lower-cased; a name given twice
    /// keeps its last value.
    pub fn from_profiles<N, K, V, P>(profiles: impl IntoIterator<Item = (N, P)>) -> Self
    where
        N: AsRef<str>,
        K: AsRef<str>,
        V: AsRef<str>,
        P: IntoIterator<Item = (K, V)>,
    {
        let mut set = Self::new();
        for (name, props) in profiles {
            set.push_section(Kind::Profile, name.as_ref(), props);
        }
        set.finish();
        set
    }

    /// Adds (or replaces) the profile `name` with `properties` (names
    /// lower-cased, the last value of a name kept).
    ///
    /// A set holds at most 4 GiB of text; what would not fit is left out.
    pub fn insert_profile<K, V>(&mut self, name: &str, properties: impl IntoIterator<Item = (K, V)>)
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.insert(Kind::Profile, name, properties);
    }

    /// Adds (or replaces) an `sso-session` section, as
    /// [`ProfileSet::insert_profile`] does a profile.
    pub fn insert_sso_session<K, V>(
        &mut self,
        name: &str,
        properties: impl IntoIterator<Item = (K, V)>,
    ) where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.insert(Kind::SsoSession, name, properties);
    }

    /// Adds (or replaces) a `services` section, as
    /// [`ProfileSet::insert_profile`] does a profile.
    pub fn insert_services<K, V>(
        &mut self,
        name: &str,
        properties: impl IntoIterator<Item = (K, V)>,
    ) where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.insert(Kind::Services, name, properties);
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<Section<'_>> {
        self.find(Kind::Profile, name)
    }

    /// All profiles, in name order.
    pub fn profiles(&self) -> impl Iterator<Item = Section<'_>> {
        self.of_kind(Kind::Profile)
    }

    /// The profile names, in order.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles().map(|s| s.name())
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<Section<'_>> {
        self.find(Kind::SsoSession, name)
    }

    /// All `sso-session` sections.
    pub fn sso_sessions(&self) -> impl Iterator<Item = Section<'_>> {
        self.of_kind(Kind::SsoSession)
    }

    /// The `[services name]` section.
    pub fn services(&self, name: &str) -> Option<Section<'_>> {
        self.find(Kind::Services, name)
    }

    /// All `services` sections.
    pub fn all_services(&self) -> impl Iterator<Item = Section<'_>> {
        self.of_kind(Kind::Services)
    }

    /// Whether the files defined no profile at all.
    pub fn is_empty(&self) -> bool {
        self.profiles().next().is_none()
    }

    fn name_of(&self, s: &SectionRecord) -> &str {
        text_at(&self.text, s.name_at as usize, s.name_len as usize)
    }

    /// The section at `index` of a finished set.
    fn section_at(&self, index: usize) -> Option<Section<'_>> {
        let record = self.sections.get(index)?;
        let start = match index.checked_sub(1) {
            Some(before) => self.sections.get(before)?.properties as usize,
            None => 0,
        };
        Some(Section {
            text: &self.text,
            name: self.name_of(record),
            properties: self
                .properties
                .get(start..record.properties as usize)
                .unwrap_or_default(),
        })
    }

    fn find_index(&self, kind: Kind, name: &str) -> Option<usize> {
        self.sections
            .binary_search_by(|s| s.kind.cmp(&kind).then_with(|| self.name_of(s).cmp(name)))
            .ok()
    }

    fn find(&self, kind: Kind, name: &str) -> Option<Section<'_>> {
        self.section_at(self.find_index(kind, name)?)
    }

    fn of_kind(&self, kind: Kind) -> impl Iterator<Item = Section<'_>> {
        let start = self.sections.partition_point(|s| s.kind < kind);
        let end = self.sections.partition_point(|s| s.kind <= kind);
        (start..end).filter_map(move |i| self.section_at(i))
    }

    /// Appends `s` to the text, where it stays until the set is dropped,
    /// and returns its offset. Growing copies into a new buffer and wipes
    /// the old one.
    fn push_text(&mut self, s: &str) -> Result<u32, TooLarge> {
        let at = self.text.len();
        let end = at.checked_add(s.len()).ok_or(TooLarge)?;
        if u32::try_from(end).is_err() {
            return Err(TooLarge);
        }
        if end > self.text.capacity() {
            let mut grown = String::with_capacity(end.max(self.text.capacity().saturating_mul(2)));
            grown.push_str(&self.text);
            self.text = Zeroizing::new(grown);
        }
        self.text.push_str(s);
        u32::try_from(at).map_err(|_| TooLarge)
    }

    /// Appends a section record of `kind` called `name`, unless `reuse` is
    /// true and the last record is the same section, and returns its
    /// index.
    fn push_section_record(
        &mut self,
        kind: Kind,
        name: &str,
        reuse: bool,
    ) -> Result<u32, TooLarge> {
        if reuse
            && let Some(last) = self.sections.last()
            && last.kind == kind
            && self.name_of(last) == name
        {
            return u32::try_from(self.sections.len() - 1).map_err(|_| TooLarge);
        }
        let index = u32::try_from(self.sections.len()).map_err(|_| TooLarge)?;
        let name_at = self.push_text(name)?;
        self.sections.push(SectionRecord {
            name_at,
            name_len: u32::try_from(name.len()).map_err(|_| TooLarge)?,
            properties: 0,
            kind,
        });
        Ok(index)
    }

    /// Appends a property of section `section`: its name lower-cased,
    /// then its value. A property set again right after itself (the same
    /// file line repeated, say) takes the place of the last one instead.
    fn push_property(&mut self, section: u32, key: &str, value: &str) -> Result<(), TooLarge> {
        if let Some(last) = self.properties.last()
            && last.section == section
            && last.value_at() + last.value_len as usize == self.text.len()
            && text_at(&self.text, last.key_at as usize, last.key_len as usize)
                .eq_ignore_ascii_case(key)
        {
            // The old value's bytes past the new one are wiped with the
            // buffer's spare room when the set is dropped.
            let value_at = last.value_at();
            self.text.truncate(value_at);
            self.push_text(value)?;
            if let Some(last) = self.properties.last_mut() {
                last.value_len = u32::try_from(value.len()).map_err(|_| TooLarge)?;
            }
            return Ok(());
        }
        let key_at = self.push_text(key)?;
        if let Some(stored) = self.text.get_mut(key_at as usize..) {
            stored.make_ascii_lowercase();
        }
        self.push_text(value)?;
        self.properties.push(PropertyRecord {
            section,
            key_at,
            key_len: u32::try_from(key.len()).map_err(|_| TooLarge)?,
            value_len: u32::try_from(value.len()).map_err(|_| TooLarge)?,
        });
        Ok(())
    }

    /// Appends a line to the value of the last property pushed (its text
    /// ends the buffer): a newline, then `line`.
    fn extend_last_value(&mut self, line: &str) -> Result<(), TooLarge> {
        self.push_text("\n")?;
        self.push_text(line)?;
        let added = u32::try_from(line.len() + 1).map_err(|_| TooLarge)?;
        if let Some(last) = self.properties.last_mut() {
            last.value_len = last.value_len.checked_add(added).ok_or(TooLarge)?;
        }
        Ok(())
    }

    /// Appends a section and its properties, leaving out what does not
    /// fit; [`ProfileSet::finish`] then merges it.
    fn push_section<K, V>(
        &mut self,
        kind: Kind,
        name: &str,
        properties: impl IntoIterator<Item = (K, V)>,
    ) where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let Ok(section) = self.push_section_record(kind, name, false) else {
            return;
        };
        for (k, v) in properties {
            if self.push_property(section, k.as_ref(), v.as_ref()).is_err() {
                return;
            }
        }
    }

    fn insert<K, V>(&mut self, kind: Kind, name: &str, properties: impl IntoIterator<Item = (K, V)>)
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        if let Some(index) = self.find_index(kind, name) {
            // A finished set has one record per section; its properties
            // are the ones that point at it.
            let gone = u32::try_from(index).unwrap_or(u32::MAX);
            self.properties.retain(|p| p.section != gone);
            for p in &mut self.properties {
                if p.section > gone {
                    p.section -= 1;
                }
            }
            self.sections.remove(index);
        }
        self.push_section(kind, name, properties);
        self.finish();
    }

    /// Merges the records pushed since the set was last finished into the
    /// sorted, one-record-per-name form the lookups read: properties
    /// sorted by (section kind, section name, property name, latest
    /// definition first) keep the first of each run, the later definition
    /// winning; sections of a kind not kept, and their properties, go; the
    /// sections are sorted the same way, one per name.
    ///
    /// Sections are ranked by kind and name first, once each, and the
    /// properties sorted by rank: comparing their sections' names on each
    /// comparison made the sort cost the name's length times the number
    /// of properties (a 3.7 MB file of one long-named section with many
    /// properties took two minutes; found by a review).
    fn finish(&mut self) {
        let Self {
            text,
            sections,
            properties,
        } = self;
        let text: &str = text;
        let rank = section_ranks(sections, text);
        let rank_of =
            |p: &PropertyRecord| rank.get(p.section as usize).copied().unwrap_or(u32::MAX);
        let kind_of = |p: &PropertyRecord| {
            sections
                .get(p.section as usize)
                .map_or(Kind::Dropped, |s| s.kind)
        };
        let key_of = |p: &PropertyRecord| text_at(text, p.key_at as usize, p.key_len as usize);
        properties.sort_unstable_by(|a, b| {
            rank_of(a)
                .cmp(&rank_of(b))
                .then_with(|| key_of(a).cmp(key_of(b)))
                .then_with(|| b.key_at.cmp(&a.key_at))
        });
        properties.dedup_by(|later, kept| {
            rank_of(later) == rank_of(kept) && key_of(later) == key_of(kept)
        });
        let kept = properties.partition_point(|p| kind_of(p) < Kind::PlainDefault);
        properties.truncate(kept);
        for s in sections.iter_mut() {
            s.properties = 0;
        }

        // Each run of properties counts for the section record its first
        // one points at, which sorts first of its name below.
        let mut start = 0;
        while let Some(first) = properties.get(start) {
            let len = properties
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|p| rank_of(p) == rank_of(first))
                .count();
            if let Some(s) = sections.get_mut(first.section as usize) {
                s.properties = u32::try_from(len).unwrap_or(u32::MAX);
            }
            start += len.max(1);
        }
        let name_of = |s: &SectionRecord| text_at(text, s.name_at as usize, s.name_len as usize);
        sections.sort_unstable_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then_with(|| name_of(a).cmp(name_of(b)))
                .then_with(|| b.properties.cmp(&a.properties))
        });
        sections.dedup_by(|later, kept| later.kind == kept.kind && name_of(later) == name_of(kept));
        let kept = sections.partition_point(|s| s.kind < Kind::PlainDefault);
        sections.truncate(kept);

        // Counts become ends, and properties point at their section's new
        // place.
        let mut end = 0u32;
        for (index, s) in sections.iter_mut().enumerate() {
            let start = end as usize;
            end = end.saturating_add(s.properties);
            s.properties = end;
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            for p in properties.get_mut(start..end as usize).unwrap_or_default() {
                p.section = index;
            }
        }
    }
}

/// Each section's rank among the distinct (kind, name) pairs, in their
/// sorted order: sections of the same kind and name share one.
fn section_ranks(sections: &[SectionRecord], text: &str) -> Vec<u32> {
    let name_of = |i: u32| {
        sections.get(i as usize).map_or((Kind::Dropped, ""), |s| {
            (
                s.kind,
                text_at(text, s.name_at as usize, s.name_len as usize),
            )
        })
    };
    let count = u32::try_from(sections.len()).unwrap_or(u32::MAX);
    let mut order: Vec<u32> = (0..count).collect();
    order.sort_unstable_by(|&a, &b| name_of(a).cmp(&name_of(b)));
    let mut rank = vec![0u32; sections.len()];
    let mut current = 0u32;
    for (n, pair) in order.iter().enumerate() {
        if n > 0
            && order
                .get(n - 1)
                .is_some_and(|&before| name_of(before) != name_of(*pair))
        {
            current += 1;
        }
        if let Some(r) = rank.get_mut(*pair as usize) {
            *r = current;
        }
    }
    rank
}

impl PartialEq for ProfileSet {
    /// Sets are equal when they define the same sections with the same
    /// properties, however their text is laid out.
    fn eq(&self, other: &Self) -> bool {
        self.sections.len() == other.sections.len()
            && self
                .sections
                .iter()
                .zip(&other.sections)
                .enumerate()
                .all(|(i, (a, b))| a.kind == b.kind && self.section_at(i) == other.section_at(i))
    }
}

impl Eq for ProfileSet {}

impl fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct ByName<'a>(&'a ProfileSet, Kind);
        impl fmt::Debug for ByName<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.of_kind(self.1).map(|s| (s.name(), s)))
                    .finish()
            }
        }
        f.debug_struct("ProfileSet")
            .field("profiles", &ByName(self, Kind::Profile))
            .field("sso_sessions", &ByName(self, Kind::SsoSession))
            .field("services", &ByName(self, Kind::Services))
            .finish()
    }
}

/// A profile file that breaks the syntax rules.
///
/// It names the file kind and the line; the line's text is never included
/// (it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// The files together hold more than the 4 GiB of text a
    /// [`ProfileSet`] can index; the line is the first that does not fit.
    TooLarge,
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
            ParseErrorKind::TooLarge => "The profile files hold more than 4 GiB of text",
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
///
/// Every file is read straight into one set, its records pre-sized from a
/// count of its lines; the merge happens once, at the end, in place.
pub fn parse_sources(sources: &[(FileKind, &str)]) -> Result<ProfileSet, ParseError> {
    let (mut text, mut sections, mut properties) = (0usize, 0usize, 0usize);
    for (kind, source) in sources {
        let room = parse::room(*kind, source);
        text = text.saturating_add(room.text);
        sections = sections.saturating_add(room.sections);
        properties = properties.saturating_add(room.properties);
    }
    // More than the offsets reach fails on the line that passes them.
    let text = text.min(u32::MAX as usize);
    let mut set = ProfileSet::with_capacity(text, sections, properties);
    for (kind, source) in sources {
        parse::parse_file(&mut set, *kind, source)?;
    }
    set.finish();
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

/// Whether `name` may name a config-file profile or SSO session written
/// in quotes (`[profile "my team"]`), or a credentials-file section
/// (`[my team]`, as the AWS CLI writes it): valid names
/// ([`is_valid_name`]) separated by spaces, not all spaces. Every section
/// name a parsed set holds passes it.
pub fn is_valid_quoted_name(name: &str) -> bool {
    !name.trim_matches(' ').is_empty() && name.split(' ').all(|w| w.is_empty() || is_valid_name(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Long section names cost their length once, not once per property
    /// comparison: a 1 MiB name with 150,000 properties, in one section
    /// and in two sections of the same name (whose properties merge), is
    /// parsed in well under a second in a release build. It took minutes
    /// when the sort compared section names (found by a review: 3.7 MB,
    /// 114 s). The limit allows for a debug build on a loaded machine.
    #[test]
    fn long_section_names_are_compared_once() {
        let name = "a".repeat(1 << 20);
        let body: String = (0..150_000).map(|i| format!("k{i}=1\n")).collect();
        let (half, rest) = body.split_at(body.len() / 2);
        let rest = rest.split_once('\n').map_or("", |(_, r)| r);
        let one = format!("[profile {name}]\n{body}");
        let two = format!("[profile {name}]\n{half}\n[profile {name}]\n{rest}");
        for text in [one, two] {
            let start = std::time::Instant::now();
            let set = parse(&text, "").unwrap();
            let took = start.elapsed();
            assert!(took < std::time::Duration::from_secs(10), "{took:?}");
            let profile = set.profile(&name).unwrap();
            assert!(profile.len() >= 149_999, "{}", profile.len());
            assert_eq!(profile.get("k0"), Some("1"));
            assert_eq!(profile.get("k149999"), Some("1"));
        }
    }

    #[test]
    fn debug_hides_secret_values() {
        let set = parse(
            "[profile a]\nregion = eu-west-1\n",
            "[a]\naws_secret_access_key = VERYSECRET\naws_session_token = TOKENVALUE\n\
             [b]\naws_security_token = LEGACYTOKEN\n\
             credential_process = env HELPER_TOKEN=PROCESSTOKEN helper\n",
        )
        .unwrap();
        let text = format!("{set:?}");
        assert!(text.contains("eu-west-1"), "{text}");
        for secret in ["VERYSECRET", "TOKENVALUE", "LEGACYTOKEN", "PROCESSTOKEN"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
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
    fn later_definitions_win_and_sections_merge() {
        let set = parse(
            "[default]\nplain = 1\n[profile default]\na = 1\n[profile x]\na = 1\nb = 1\n\
             [profile !bad]\na = 2\n[profile x]\na = 2\na = 3\n[profile x]\na = 4\n\
             [sso-session x]\nS = 1\n[unknown x]\nu = 1\n",
            "[x]\nb = 2\nc =\n  k = v\n[y]\n",
        )
        .unwrap();
        let d = set.profile("default").unwrap();
        assert_eq!(d.iter().collect::<Vec<_>>(), [("a", "1")]);
        let x = set.profile("x").unwrap();
        assert_eq!(
            x.iter().collect::<Vec<_>>(),
            [("a", "4"), ("b", "2"), ("c", "\nk = v")]
        );
        assert_eq!(set.sso_session("x").unwrap().get("s"), Some("1"));
        assert!(set.profile("y").unwrap().is_empty());
        assert_eq!(
            set.profile_names().collect::<Vec<_>>(),
            ["default", "x", "y"]
        );
        assert!(set.services("x").is_none());
    }

    #[test]
    fn a_plain_default_counts_without_a_prefixed_one_in_its_file() {
        let set = parse("[default]\na = 1\n", "[default]\nb = 2\n").unwrap();
        let d = set.profile("default").unwrap();
        assert_eq!((d.get("a"), d.get("B")), (Some("1"), Some("2")));
    }

    #[test]
    fn inserting_replaces_a_section_and_built_sets_compare_by_content() {
        let mut set = ProfileSet::from_profiles([("a", [("K", "1"), ("k", "2")])]);
        assert_eq!(set.profile("a").unwrap().get("k"), Some("2"));
        set.insert_profile("b", [("x", "1")]);
        set.insert_profile("a", [("y", "1")]);
        set.insert_services("s", [("sts", "\nendpoint_url = e")]);
        let a = set.profile("a").unwrap();
        assert_eq!(a.iter().collect::<Vec<_>>(), [("y", "1")]);
        assert_eq!(set.profile("b").unwrap().get("x"), Some("1"));
        let parsed = parse(
            "[profile b]\nx = 1\n[profile a]\ny = 1\n[services s]\nsts =\n  endpoint_url = e\n",
            "",
        )
        .unwrap();
        assert_eq!(set, parsed);
        assert_ne!(set, ProfileSet::new());
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
