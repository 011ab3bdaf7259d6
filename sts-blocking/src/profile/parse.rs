//! The line-level grammar of one profile file, then the section rules of
//! its kind (config or credentials).
//!
//! Names and values go straight into the [`ProfileSet`]'s text and records
//! as their lines are read; repeated sections and properties are merged
//! once all files are read ([`ProfileSet::finish`]). A section or property
//! whose name is invalid, or a section of an unknown kind, costs nothing
//! after the line that said so.

use super::{
    FileKind, Kind, ParseError, ParseErrorKind, ProfileSet, is_valid_name, is_valid_quoted_name,
};

/// The only characters the profile-file rules count as whitespace.
pub(crate) const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];

/// What a file adds to a set: a dry run of the parser's line rules, so
/// that the set's text and records can be allocated once, at their final
/// size. Lines the parser drops (comments, blank lines, invalid names,
/// sections of unknown kinds, a section repeated right after itself, a
/// property set again right after itself) count nothing. It stops at the
/// first malformed line, where the parse will fail.
#[derive(Debug, Default)]
pub(super) struct Room {
    pub(super) text: usize,
    pub(super) sections: usize,
    pub(super) properties: usize,
}

pub(super) fn room(file: FileKind, text: &str) -> Room {
    let mut room = Room::default();
    // The last section recorded, whether the current one is kept, the
    // last property recorded in it, whether the last property line was.
    let mut last_section: Option<(Kind, &str)> = None;
    let mut kept = false;
    let mut last_key: Option<&str> = None;
    let mut counting = false;
    // The bytes of the last property's value so far, which a property set
    // again right after it replaces.
    let mut value_len = 0;
    for line in text.lines() {
        if is_blank_or_comment(line) {
            continue;
        }
        if line.starts_with('[') {
            let Some(header) = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
            else {
                break;
            };
            counting = false;
            let section = section_of(file, header.trim_matches(WHITESPACE));
            kept = section.is_some();
            if section.is_some() && section != last_section {
                last_section = section;
                last_key = None;
                room.sections += 1;
                room.text += section.map_or(0, |(_, name)| name.len());
            }
        } else if line.starts_with(WHITESPACE) {
            if counting {
                let added = line.trim_matches(WHITESPACE).len() + 1;
                room.text += added;
                value_len += added;
            }
        } else {
            let Ok((key, value)) = split_property(line) else {
                break;
            };
            counting = kept && is_valid_name(key);
            if !counting {
                continue;
            }
            if last_key.is_some_and(|last| last.eq_ignore_ascii_case(key)) {
                room.text = room.text.saturating_sub(value_len);
            } else {
                room.properties += 1;
                room.text += key.len();
                last_key = Some(key);
            }
            room.text += value.len();
            value_len = value.len();
        }
    }
    room
}

/// The property whose continuation lines may follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// None: no property line yet in this section.
    None,
    /// One that is not kept (an invalid name, a section not kept): its
    /// continuation lines are checked only.
    Skipped,
    /// The last property record of the set.
    Kept,
}

struct Parser<'s> {
    set: &'s mut ProfileSet,
    file: FileKind,
    /// The set's section records before this file's.
    first_section: usize,
    /// Whether a section line has been read, kept or not.
    in_section: bool,
    /// The record the current section's properties point at; `None` when
    /// it is not kept (an invalid name, an unknown kind), but still checked.
    current: Option<u32>,
    pending: Pending,
    /// Whether that property declared an empty value, so its continuation
    /// lines are sub-properties.
    is_sub: bool,
    /// Whether the file has a `[profile default]` section.
    prefixed_default: bool,
}

/// Reads one file into `set`, whose [`ProfileSet::finish`] merges it with
/// what is there.
pub(super) fn parse_file(
    set: &mut ProfileSet,
    file: FileKind,
    text: &str,
) -> Result<(), ParseError> {
    let mut parser = Parser {
        first_section: set.sections.len(),
        set,
        file,
        in_section: false,
        current: None,
        pending: Pending::None,
        is_sub: false,
        prefixed_default: false,
    };
    for (index, line) in text.lines().enumerate() {
        parser.line(index + 1, line)?;
    }
    // A config file's plain `[default]` counts only if the file has no
    // `[profile default]`.
    let plain_default = if parser.prefixed_default {
        Kind::Dropped
    } else {
        Kind::Profile
    };
    let first = parser.first_section;
    for s in parser.set.sections.get_mut(first..).unwrap_or_default() {
        if s.kind == Kind::PlainDefault {
            s.kind = plain_default;
        }
    }
    Ok(())
}

impl Parser<'_> {
    fn error(&self, line: usize, kind: ParseErrorKind) -> ParseError {
        ParseError {
            file: self.file,
            line,
            kind,
        }
    }

    fn line(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        if is_blank_or_comment(line) {
            return Ok(());
        }
        if line.starts_with('[') {
            let header = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .ok_or_else(|| self.error(number, ParseErrorKind::UnterminatedSection))?;
            return self.start_section(number, header);
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
        self.is_sub = value.is_empty();
        self.pending = Pending::Skipped;
        if let Some(section) = self.current
            && is_valid_name(key)
        {
            self.set
                .push_property(section, key, value)
                .map_err(|_| self.error(number, ParseErrorKind::TooLarge))?;
            self.pending = Pending::Kept;
        }
        Ok(())
    }

    fn continuation(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        if !self.in_section {
            return Err(self.error(number, ParseErrorKind::PropertyOutsideSection));
        }
        if self.pending == Pending::None {
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
        if self.pending == Pending::Kept {
            self.set
                .extend_last_value(line.trim_matches(WHITESPACE))
                .map_err(|_| self.error(number, ParseErrorKind::TooLarge))?;
        }
        Ok(())
    }

    /// Starts the section of a `[header]` line: a new record, unless it
    /// repeats the section just read, which goes on.
    fn start_section(&mut self, number: usize, header: &str) -> Result<(), ParseError> {
        self.in_section = true;
        self.pending = Pending::None;
        self.current = None;
        if let Some((kind, name)) = self.section_of(header.trim_matches(WHITESPACE)) {
            let reuse = self.set.sections.len() > self.first_section;
            let index = self
                .set
                .push_section_record(kind, name, reuse)
                .map_err(|_| self.error(number, ParseErrorKind::TooLarge))?;
            self.current = Some(index);
        }
        Ok(())
    }

    /// The kind and name a section header declares under the rules of the
    /// file's kind, or `None` if the section is not kept.
    fn section_of<'h>(&mut self, header: &'h str) -> Option<(Kind, &'h str)> {
        let section = section_of(self.file, header);
        self.prefixed_default |=
            self.file == FileKind::Config && section == Some((Kind::Profile, "default"));
        section
    }
}

/// The kind and name a section header declares under the rules of
/// `file`'s kind, or `None` if the section is not kept.
fn section_of(file: FileKind, header: &str) -> Option<(Kind, &str)> {
    let (kind, name) = match file {
        // The AWS CLI writes a name with a space here as it stands
        // (`aws configure set … --profile "my team"` writes `[my team]`,
        // and `[profile 'my team']` in the config file), and botocore reads
        // it: dropped, the profile's keys were lost, and the chain went on
        // to other credentials (a container's, an instance's) in their
        // place. The SDKs' shared rules ignore such a section (the
        // smithy-rs fixture "Invalid profile names are ignored"); this one
        // difference from them is on purpose. `[profile foo]` stays
        // ignored, as they have it: the AWS CLI never writes it there, and
        // botocore would read it as a profile nobody asks for, `profile foo`.
        FileKind::Credentials => {
            let kept = is_valid_quoted_name(header) && strip_keyword(header, "profile").is_none();
            return kept.then_some((Kind::Profile, header));
        }
        FileKind::Config if header == "default" => (Kind::PlainDefault, header),
        FileKind::Config => {
            if let Some(name) = strip_keyword(header, "profile") {
                return quoted_or_valid(Kind::Profile, name);
            } else if let Some(name) = strip_keyword(header, "sso-session") {
                return quoted_or_valid(Kind::SsoSession, name);
            } else {
                (Kind::Services, strip_keyword(header, "services")?)
            }
        }
    };
    is_valid_name(name).then_some((kind, name))
}

/// A profile or SSO session name of the config file, which may be quoted:
/// `[profile "my team"]` names `my team`, as the AWS CLI reads it (botocore
/// splits the header as a shell would) and as `aws configure --profile`
/// writes a name with a space. Inside the quotes a space is allowed too;
/// an unquoted name follows [`is_valid_name`].
fn quoted_or_valid(kind: Kind, name: &str) -> Option<(Kind, &str)> {
    let unquoted = ['"', '\''].into_iter().find_map(|q| {
        name.strip_prefix(q)?
            .strip_suffix(q)
            .filter(|inner| !inner.contains(q))
    });
    match unquoted {
        Some(inner) => is_valid_quoted_name(inner).then_some((kind, inner)),
        None => is_valid_name(name).then_some((kind, name)),
    }
}

/// Whether the parser skips `line`. A comment may be indented: botocore
/// (configparser) skips such a line wherever it stands, while the SDKs'
/// shared rules (and aws-sdk-rust) read it as a continuation of the
/// property above, so that `  # rotated monthly` under
/// `aws_secret_access_key` became part of the key, and under `region` a
/// region that was refused. A continuation whose text starts with `#` or
/// `;` is no use in any setting these files hold.
fn is_blank_or_comment(line: &str) -> bool {
    let text = line.trim_matches(WHITESPACE);
    text.is_empty() || text.starts_with(COMMENT)
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

    /// Found by comparing with botocore 1.44.8: an indented comment line
    /// was read as a continuation, so it became part of the secret key (a
    /// wrong signature), of the region (refused), or a sub-property line
    /// without `=` (every profile refused).
    #[test]
    fn indented_comment_lines_are_comments() {
        let set = crate::profile::parse(
            "  # managed by a tool\n[profile a]\nregion = eu-west-1\n  # a note\n\
             s3 =\n  ; about s3\n  max_concurrent_requests = 20\n\t# tabbed\n",
            "[a]\naws_secret_access_key = SECRET\n    # rotated monthly\n\
             aws_session_token = TOKEN\n  ;\n",
        )
        .unwrap();
        let a = set.profile("a").unwrap();
        assert_eq!(a.get("region"), Some("eu-west-1"));
        assert_eq!(a.get("aws_secret_access_key"), Some("SECRET"));
        assert_eq!(a.get("aws_session_token"), Some("TOKEN"));
        assert_eq!(
            a.sub_property("s3", "max_concurrent_requests").as_deref(),
            Some("20")
        );
        // A continuation that does not start with a comment character
        // still continues, comment characters and all.
        let set = crate::profile::parse("[profile a]\nx = 1\n  2 # two\n", "").unwrap();
        assert_eq!(set.profile("a").unwrap().get("x"), Some("1\n2 # two"));
    }

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

    /// Quoted names, as botocore's own `aws_config` fixture writes one
    /// (testdata/credentials/botocore/tests/unit/cfg/aws_config) and as
    /// the AWS CLI writes a name with a space.
    #[test]
    fn config_names_may_be_quoted() {
        let config = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../testdata/credentials/botocore/tests/unit/cfg/aws_config"
        ))
        .unwrap();
        let set = crate::profile::parse(
            &format!(
                "{config}\n[profile 'my team']\naws_access_key_id = AKIDTEAM\n\
                 [sso-session \"corp sso\"]\nsso_region = eu-west-1\n\
                 [profile \"\"]\nregion = none\n[profile \" \"]\nregion = none\n\
                 [profile \"a\"b\"]\nregion = none\n[profile \"x]\nregion = none\n\
                 [profile \"t\tab\"]\nregion = none\n"
            ),
            "",
        )
        .unwrap();
        let personal = set.profile("personal").unwrap();
        assert_eq!(personal.get("aws_access_key_id"), Some("fie"));
        assert_eq!(
            set.profile("my team").unwrap().get("aws_access_key_id"),
            Some("AKIDTEAM")
        );
        assert_eq!(
            set.sso_session("corp sso").unwrap().get("sso_region"),
            Some("eu-west-1")
        );
        // Empty, unbalanced and tab-holding names stay refused.
        let names: Vec<&str> = set.profiles().map(|p| p.name()).collect();
        assert_eq!(names, ["default", "my team", "personal"], "{names:?}");
    }
}
