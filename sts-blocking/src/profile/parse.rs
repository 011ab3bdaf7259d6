//! The line-level grammar of one profile file, then the section rules of
//! its kind (config or credentials).

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

/// A section as written: the text between the brackets and its properties
/// in order (names lower-cased, not yet validated).
struct RawSection {
    header: String,
    properties: Vec<(String, String)>,
}

struct Parser {
    file: FileKind,
    sections: Vec<RawSection>,
    /// Whether the last property line of the current section declared an
    /// empty value (its continuation lines are then sub-properties); `None`
    /// when the section has no property yet.
    property: Option<bool>,
}

pub(super) fn parse_file(file: FileKind, text: &str) -> Result<ParsedFile, ParseError> {
    let mut parser = Parser {
        file,
        sections: Vec::new(),
        property: None,
    };
    for (index, line) in text.lines().enumerate() {
        parser.line(index + 1, line)?;
    }
    Ok(normalize(file, parser.sections))
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
            self.sections.push(RawSection {
                header: header.to_owned(),
                properties: Vec::new(),
            });
            self.property = None;
            return Ok(());
        }
        if line.starts_with(WHITESPACE) {
            return self.continuation(number, line);
        }
        if self.sections.is_empty() {
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
        self.property = Some(value.is_empty());
        if let Some(section) = self.sections.last_mut() {
            section
                .properties
                .push((key.to_ascii_lowercase(), value.to_owned()));
        }
        Ok(())
    }

    fn continuation(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        if self.sections.is_empty() {
            return Err(self.error(number, ParseErrorKind::PropertyOutsideSection));
        }
        let Some(is_sub) = self.property else {
            return Err(self.error(number, ParseErrorKind::ContinuationWithoutProperty));
        };
        if is_sub {
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
        if let Some((_, value)) = self
            .sections
            .last_mut()
            .and_then(|s| s.properties.last_mut())
        {
            value.push('\n');
            value.push_str(line.trim_matches(WHITESPACE));
        }
        Ok(())
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

fn to_section(name: &str, raw: &RawSection) -> Section {
    let mut section = Section::new(name);
    for (k, v) in &raw.properties {
        if is_valid_name(k) {
            section.set(k, v.as_str());
        }
    }
    section
}

/// Applies the section rules of `file`'s kind.
fn normalize(file: FileKind, sections: Vec<RawSection>) -> ParsedFile {
    let mut out = ParsedFile::default();
    match file {
        FileKind::Credentials => {
            for raw in &sections {
                let name = raw.header.trim_matches(WHITESPACE);
                if is_valid_name(name) {
                    out.profiles.push(to_section(name, raw));
                }
            }
        }
        FileKind::Config => {
            // A `[profile default]` anywhere in the file hides every plain
            // `[default]` of the same file.
            let prefixed_default = sections.iter().any(|raw| {
                strip_keyword(raw.header.trim_matches(WHITESPACE), "profile") == Some("default")
            });
            for raw in &sections {
                let header = raw.header.trim_matches(WHITESPACE);
                if header == "default" {
                    if !prefixed_default {
                        out.profiles.push(to_section("default", raw));
                    }
                } else if let Some(name) = strip_keyword(header, "profile") {
                    if is_valid_name(name) {
                        out.profiles.push(to_section(name, raw));
                    }
                } else if let Some(name) = strip_keyword(header, "sso-session") {
                    if is_valid_name(name) {
                        out.sso_sessions.push(to_section(name, raw));
                    }
                } else if let Some(name) = strip_keyword(header, "services")
                    && is_valid_name(name)
                {
                    out.services.push(to_section(name, raw));
                }
            }
        }
    }
    out
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
