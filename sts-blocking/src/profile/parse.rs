//! The line-level grammar of one profile file, then the section rules of
//! its kind (config or credentials).
//!
//! Sections are merged as they are read: a section repeated, a property
//! set again, a section or property whose name is invalid, cost nothing
//! after the line that said so. Keeping every line's copy until the end
//! made a file of one short section repeated cost 42 times its size.

use std::collections::BTreeMap;

use super::{FileKind, ParseError, ParseErrorKind, Section, is_valid_name};

/// The only characters the profile-file rules count as whitespace.
pub(crate) const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];

/// The sections of one file, after the rules of its kind.
#[derive(Debug, Default)]
pub(super) struct ParsedFile {
    pub(super) profiles: Vec<Section>,
    pub(super) sso_sessions: Vec<Section>,
    pub(super) services: Vec<Section>,
}

/// What a section line declares, so that sections of the same kind and
/// name merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Profile,
    /// A config file's plain `[default]`, which a `[profile default]`
    /// anywhere in the same file hides.
    PlainDefault,
    SsoSession,
    Services,
}

struct Parser {
    file: FileKind,
    /// The sections kept so far, each merged from all its section lines.
    sections: BTreeMap<(Kind, String), Section>,
    /// Whether a section line has been read, kept or not.
    in_section: bool,
    /// Where the current section's properties go; `None` when it is not
    /// kept (an invalid name, an unknown kind), but still checked.
    current: Option<(Kind, String)>,
    /// The last property line of the current section, with the
    /// continuation lines read since: name (`None` when the name is
    /// invalid, so the property is not kept) and value. It is stored when
    /// the next property or section starts, or the file ends.
    property: Option<(Option<String>, String)>,
    /// Whether that property declared an empty value, so its continuation
    /// lines are sub-properties.
    is_sub: bool,
    /// Whether the file has a `[profile default]` section.
    prefixed_default: bool,
}

pub(super) fn parse_file(file: FileKind, text: &str) -> Result<ParsedFile, ParseError> {
    let mut parser = Parser {
        file,
        sections: BTreeMap::new(),
        in_section: false,
        current: None,
        property: None,
        is_sub: false,
        prefixed_default: false,
    };
    for (index, line) in text.lines().enumerate() {
        parser.line(index + 1, line)?;
    }
    parser.store_property();
    Ok(parser.finish())
}

impl Parser {
    fn error(&self, line: usize, kind: ParseErrorKind) -> ParseError {
        ParseError {
            file: self.file,
            line,
            kind,
        }
    }

    fn line(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(COMMENT) {
            return Ok(());
        }
        if line.starts_with('[') {
            let header = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .ok_or_else(|| self.error(number, ParseErrorKind::UnterminatedSection))?;
            self.store_property();
            self.start_section(header);
            return Ok(());
        }
        if line.starts_with(WHITESPACE) {
            return self.continuation(number, line);
        }
        if !self.in_section {
            return Err(self.error(number, ParseErrorKind::PropertyOutsideSection));
        }
        let (key, value) = split_property(line).map_err(|missing_name| {
            self.error(
                number,
                if missing_name {
                    ParseErrorKind::PropertyWithoutName
                } else {
                    ParseErrorKind::PropertyWithoutEquals
                },
            )
        })?;
        self.store_property();
        let key = key.to_ascii_lowercase();
        let key = (self.current.is_some() && is_valid_name(&key)).then_some(key);
        self.property = Some((key, value.to_owned()));
        self.is_sub = value.is_empty();
        Ok(())
    }

    fn continuation(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        if !self.in_section {
            return Err(self.error(number, ParseErrorKind::PropertyOutsideSection));
        }
        if self.property.is_none() {
            return Err(self.error(number, ParseErrorKind::ContinuationWithoutProperty));
        }
        if self.is_sub {
            split_property(line).map_err(|missing_name| {
                self.error(
                    number,
                    if missing_name {
                        ParseErrorKind::SubPropertyWithoutName
                    } else {
                        ParseErrorKind::SubPropertyWithoutEquals
                    },
                )
            })?;
        }
        if let Some((Some(_), value)) = &mut self.property {
            value.push('\n');
            value.push_str(line.trim_matches(WHITESPACE));
        }
        Ok(())
    }

    /// Starts the section of a `[header]` line, merged with any earlier one
    /// of the same kind and name.
    fn start_section(&mut self, header: &str) {
        self.in_section = true;
        self.current = self.section_of(header.trim_matches(WHITESPACE));
        if let Some(key) = &self.current
            && !self.sections.contains_key(key)
        {
            let section = Section::new(key.1.clone());
            self.sections.insert(key.clone(), section);
        }
    }

    /// The kind and name a section header declares under the rules of the
    /// file's kind, or `None` if the section is not kept.
    fn section_of(&mut self, header: &str) -> Option<(Kind, String)> {
        let (kind, name) = match self.file {
            FileKind::Credentials => (Kind::Profile, header),
            FileKind::Config if header == "default" => (Kind::PlainDefault, header),
            FileKind::Config => {
                if let Some(name) = strip_keyword(header, "profile") {
                    self.prefixed_default |= name == "default";
                    (Kind::Profile, name)
                } else if let Some(name) = strip_keyword(header, "sso-session") {
                    (Kind::SsoSession, name)
                } else {
                    (Kind::Services, strip_keyword(header, "services")?)
                }
            }
        };
        is_valid_name(name).then(|| (kind, name.to_owned()))
    }

    /// Stores the pending property in its section: the last definition
    /// of a name wins.
    fn store_property(&mut self) {
        let Some((Some(key), value)) = self.property.take() else {
            return;
        };
        if let Some(section) = self.current.as_ref().and_then(|k| self.sections.get_mut(k)) {
            section.set(&key, value);
        }
    }

    /// The sections by kind; a config file's plain `[default]` only if it
    /// has no `[profile default]`.
    fn finish(self) -> ParsedFile {
        // Lists of their final length at once: growing them by doubling
        // would cost up to three times that on the way.
        let count = |of: Kind| self.sections.keys().filter(|(k, _)| *k == of).count();
        let defaults = if self.prefixed_default {
            0
        } else {
            count(Kind::PlainDefault)
        };
        let mut out = ParsedFile {
            profiles: Vec::with_capacity(count(Kind::Profile) + defaults),
            sso_sessions: Vec::with_capacity(count(Kind::SsoSession)),
            services: Vec::with_capacity(count(Kind::Services)),
        };
        // Drained one by one, so the map's memory goes as the lists fill.
        for ((kind, _), section) in self.sections {
            match kind {
                Kind::Profile => out.profiles.push(section),
                Kind::PlainDefault if !self.prefixed_default => out.profiles.push(section),
                Kind::PlainDefault => {}
                Kind::SsoSession => out.sso_sessions.push(section),
                Kind::Services => out.services.push(section),
            }
        }
        out
    }
}

/// Trims the line and cuts a trailing comment. On property lines a comment
/// must follow whitespace (`a = b#c` keeps `#c`); on section lines it need not.
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut after_whitespace = false;
    for (i, c) in line.char_indices() {
        if COMMENT.contains(&c) && (after_whitespace || !needs_whitespace) {
            return line[..i].trim_matches(WHITESPACE);
        }
        after_whitespace = c.is_whitespace();
    }
    line
}

/// `key = value`, both trimmed; `Err(true)` for a missing name,
/// `Err(false)` for a missing `=`.
fn split_property(line: &str) -> Result<(&str, &str), bool> {
    let line = strip_comment(line, true);
    let (key, value) = line.split_once('=').ok_or(false)?;
    let key = key.trim_matches(WHITESPACE);
    if key.is_empty() {
        return Err(true);
    }
    Ok((key, value.trim_matches(WHITESPACE)))
}

/// `prefix`, then at least one whitespace character, then the rest (trimmed).
fn strip_keyword<'a>(name: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(keyword)?;
    if rest.starts_with(WHITESPACE) {
        Some(rest.trim_matches(WHITESPACE))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_on_property_lines_need_whitespace() {
        assert_eq!(
            strip_comment("name = value # Comment with # sign", true),
            "name = value"
        );
        assert_eq!(
            strip_comment("name = value#Comment # sign", true),
            "name = value#Comment"
        );
        assert_eq!(strip_comment("[profile a]# c", false), "[profile a]");
    }

    #[test]
    fn keywords_need_whitespace() {
        assert_eq!(strip_keyword("profile \t foo", "profile"), Some("foo"));
        assert_eq!(strip_keyword("profilefoo", "profile"), None);
        assert_eq!(strip_keyword("profile", "profile"), None);
    }
}
