//! Checks of every constraint the STS model states, run before a request is built.
//!
//! The model's patterns are all single character classes (`^[…]*$`), so
//! each is a predicate on one `char` here; no regex engine is needed.
//! Lengths count Unicode scalar values, as Smithy's `@length` does.

use std::fmt;

/// A request member that breaks a constraint of the STS model.
///
/// It names the operation, the member (with its list position, as
/// `Tags[2].Key`), the rule, and the value given, except for secret members
/// whose value is never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    /// The operation being built, as `AssumeRole`.
    pub operation: &'static str,
    /// The member, as `RoleSessionName` or `Tags[2].Key`.
    pub member: String,
    /// The rule the value breaks.
    pub rule: Rule,
    /// The value given, cut to 128 characters (an access key id to its
    /// first four, then `…`); `None` for secret members (a context
    /// assertion is one: it is signed, and vouches for whoever holds it)
    /// and for absent ones.
    pub value: Option<String>,
}

/// One constraint of the STS model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The member is required and was not given.
    Required,
    /// A string's length in characters is outside `min..=max`.
    Length {
        /// Smallest length allowed.
        min: usize,
        /// Largest length allowed, if bounded.
        max: Option<usize>,
        /// Length given.
        actual: usize,
    },
    /// A character the member's pattern does not allow.
    Pattern {
        /// The allowed characters, in the model's words.
        allowed: &'static str,
        /// The first character not allowed; `None` for a secret member
        /// (an MFA code), whose characters are part of the secret.
        found: Option<char>,
        /// Position of `found`, counting characters from 0.
        position: usize,
    },
    /// An integer outside `min..=max`.
    Range {
        /// Smallest value allowed.
        min: i64,
        /// Largest value allowed.
        max: i64,
        /// Value given.
        actual: i64,
    },
    /// A list with too few or too many entries.
    ListLength {
        /// Fewest entries allowed.
        min: usize,
        /// Most entries allowed.
        max: usize,
        /// Entries given.
        actual: usize,
    },
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ", self.operation, self.member)?;
        match &self.rule {
            Rule::Required => f.write_str("is required")?,
            Rule::Length { min, max, actual } => match max {
                Some(max) if min == max => {
                    write!(f, "must be {min} characters long, got {actual}")?
                }
                Some(max) => write!(f, "must be {min} to {max} characters long, got {actual}")?,
                None => write!(f, "must be at least {min} characters long, got {actual}")?,
            },
            Rule::Pattern {
                allowed,
                found,
                position,
            } => match found {
                Some(found) => write!(
                    f,
                    "may only contain {allowed}; found {found:?} (U+{:04X}) at character {position}",
                    u32::from(*found)
                )?,
                None => write!(
                    f,
                    "may only contain {allowed}; found another character at character {position}"
                )?,
            },
            Rule::Range { min, max, actual } => {
                write!(f, "must be between {min} and {max}, got {actual}")?
            }
            Rule::ListLength { min, max, actual } => {
                write!(f, "must have {min} to {max} entries, got {actual}")?
            }
        }
        if let Some(value) = &self.value {
            write!(f, " (value {value:?})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// A set of allowed characters, one per pattern in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chars {
    /// No pattern.
    Any,
    /// `arnType` and friends: `[\t\n\r\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]`.
    /// The last range is written with five hex digits, which ECMA-262 and
    /// Java read as `\u1000`, the range `0`-`\u10FF`, `F`, `F`. So the
    /// class is really `[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]`: the C1
    /// controls are in, characters outside the Basic Multilingual Plane are
    /// out. That is what the service enforces, and what we enforce.
    Arn,
    /// Policy documents: `[\t\n\r\u0020-\u00FF]`.
    Policy,
    /// `[\w+=,.@-]`: session names, source identity, federated user names.
    Name,
    /// `[\w+=,.@:/-]`: external ids.
    ExternalId,
    /// `[\w+=/:,.@-]`: MFA serial numbers.
    SerialNumber,
    /// `[\d]`: MFA codes.
    Digits,
    /// `[\w]`: access key ids.
    Word,
    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: tag keys and values.
    Tag,
    /// `[\t\n\r\u0020-\u007E\u00A1-\u00FF]`: scoped session descriptions.
    Description,
    /// `[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+( [\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+)*`:
    /// OAuth scopes, words of printable ASCII but `"`, `,` and `\`, one
    /// space between words. The class here is the words' characters and
    /// the space; [`misplaced_space`] checks where spaces are.
    ScopeWords,
}

impl Chars {
    fn describe(self) -> &'static str {
        match self {
            Chars::Any => "any character",
            Chars::Arn => {
                "tab, newline, carriage return, and characters U+0020 to U+FFFD of the Basic Multilingual Plane"
            }
            Chars::Policy => "tab, newline, carriage return, and characters U+0020 to U+00FF",
            Chars::Name => "letters, digits and _+=,.@-",
            Chars::ExternalId => "letters, digits and _+=,.@:/-",
            Chars::SerialNumber => "letters, digits and _+=/:,.@-",
            Chars::Digits => "the digits 0-9",
            Chars::Word => "letters, digits and _",
            Chars::Tag => "letters, numbers, spaces and _.:/=+-@",
            Chars::Description => {
                "tab, newline, carriage return, printable ASCII and characters U+00A1 to U+00FF"
            }
            Chars::ScopeWords => {
                "words of printable ASCII other than \", comma and backslash, one space between \
                 words and none at either end"
            }
        }
    }

    /// Whether the pattern allows the byte `b` as a character of its own:
    /// `true` only for the ASCII characters it allows. The common case
    /// (ASCII names, ARNs, policies) is decided by one lookup a byte, and
    /// only strings with other characters pay for the general rules of
    /// [`allows`](Self::allows) (for tags, Unicode general categories).
    fn byte_table(self) -> &'static [bool; 256] {
        // Each table is computed once, at compile time.
        match self {
            Chars::Any => const { &Chars::Any.build_byte_table() },
            Chars::Arn => const { &Chars::Arn.build_byte_table() },
            Chars::Policy => const { &Chars::Policy.build_byte_table() },
            Chars::Name => const { &Chars::Name.build_byte_table() },
            Chars::ExternalId => const { &Chars::ExternalId.build_byte_table() },
            Chars::SerialNumber => const { &Chars::SerialNumber.build_byte_table() },
            Chars::Digits => const { &Chars::Digits.build_byte_table() },
            Chars::Word => const { &Chars::Word.build_byte_table() },
            Chars::Tag => const { &Chars::Tag.build_byte_table() },
            Chars::Description => const { &Chars::Description.build_byte_table() },
            Chars::ScopeWords => const { &Chars::ScopeWords.build_byte_table() },
        }
    }

    const fn build_byte_table(self) -> [bool; 256] {
        let mut table = [false; 256];
        let mut b = 0u8;
        while b < 128 {
            table[b as usize] = self.allows_ascii(b);
            b += 1;
        }
        table
    }

    /// [`allows`](Self::allows) for an ASCII byte, as a `const fn`.
    const fn allows_ascii(self, b: u8) -> bool {
        let word = b.is_ascii_alphanumeric() || b == b'_';
        match self {
            Chars::Any => true,
            Chars::Arn | Chars::Policy => {
                matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e) || b == 0x7f
            }
            Chars::Name => word || matches!(b, b'+' | b'=' | b',' | b'.' | b'@' | b'-'),
            Chars::ExternalId => {
                word || matches!(b, b'+' | b'=' | b',' | b'.' | b'@' | b':' | b'/' | b'-')
            }
            Chars::SerialNumber => {
                word || matches!(b, b'+' | b'=' | b'/' | b':' | b',' | b'.' | b'@' | b'-')
            }
            Chars::Digits => b.is_ascii_digit(),
            Chars::Word => word,
            Chars::Tag => {
                b.is_ascii_alphanumeric()
                    || matches!(
                        b,
                        b' ' | b'_' | b'.' | b':' | b'/' | b'=' | b'+' | b'-' | b'@'
                    )
            }
            Chars::Description => matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e),
            Chars::ScopeWords => matches!(b, 0x20..=0x7e) && !matches!(b, b'"' | b',' | b'\\'),
        }
    }

    pub(crate) fn allows(self, c: char) -> bool {
        let word = c.is_ascii_alphanumeric() || c == '_';
        match self {
            Chars::Any => true,
            Chars::Arn => matches!(c,
                '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}'),
            Chars::Policy => matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'),
            Chars::Name => word || "+=,.@-".contains(c),
            Chars::ExternalId => word || "+=,.@:/-".contains(c),
            Chars::SerialNumber => word || "+=/:,.@-".contains(c),
            Chars::Digits => c.is_ascii_digit(),
            Chars::Word => word,
            Chars::Tag => {
                is_letter(c) || is_separator(c) || c.is_numeric() || "_.:/=+-@".contains(c)
            }
            Chars::Description => {
                matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}')
            }
            Chars::ScopeWords => c.is_ascii() && Chars::ScopeWords.allows_ascii(c as u8),
        }
    }
}

/// Where a space breaks the one-space-between-words rule of
/// [`Chars::ScopeWords`]: at the start, at the end, or after another
/// space (the position counts characters; the value is ASCII by then).
fn misplaced_space(value: &str) -> Option<usize> {
    let bytes = value.as_bytes();
    if bytes.first() == Some(&b' ') {
        return Some(0);
    }
    if let Some(i) = bytes.windows(2).position(|w| w == b"  ") {
        return Some(i + 1);
    }
    (bytes.last() == Some(&b' ')).then(|| bytes.len() - 1)
}

/// `\p{L}`, by general category. The standard library's `is_alphabetic`
/// is the wider Alphabetic property (it takes combining marks and circled
/// letters), which the service rejects.
fn is_letter(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Letter
}

/// `\p{Z}`: the space, line and paragraph separators, listed in full.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '\u{20}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// The constraints of one string shape of the model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StrShape {
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    pub(crate) chars: Chars,
    /// How much of a value an error may quote (see [`Quoted`]).
    pub(crate) quoted: Quoted,
}

/// How much of a value an error may quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoted {
    /// Its first 128 characters, and the character found wrong.
    Whole,
    /// Its first four characters, and the character found wrong: an
    /// access key id is no secret, but what fails its check is often not
    /// an id alone (a line of the IAM console's CSV, `AKIA…,wJalr…`, or
    /// the secret key given as the id), as the signer's own check of an
    /// id quotes it.
    Start,
    /// Nothing: a secret's characters, the one found wrong included, are
    /// part of the secret.
    Nothing,
}

impl Quoted {
    /// What an error about `value` may show of it.
    fn excerpt(self, value: &str) -> Option<String> {
        match self {
            Quoted::Whole => Some(value.chars().take(VALUE_CUT).collect()),
            Quoted::Start => {
                let mut start: String = value.chars().take(4).collect();
                if start.len() < value.len() {
                    start.push('…');
                }
                Some(start)
            }
            Quoted::Nothing => None,
        }
    }

    /// The character found wrong, if an error may show it.
    fn found(self, c: char) -> Option<char> {
        (self != Quoted::Nothing).then_some(c)
    }
}

const fn shape(min: usize, max: usize, chars: Chars) -> StrShape {
    StrShape {
        min,
        max: Some(max),
        chars,
        quoted: Quoted::Whole,
    }
}

const fn secret(min: usize, max: Option<usize>) -> StrShape {
    StrShape {
        min,
        max,
        chars: Chars::Any,
        quoted: Quoted::Nothing,
    }
}

// The string shapes of the STS model, named as the model names them.
pub(crate) const ARN: StrShape = shape(20, 2048, Chars::Arn);
pub(crate) const ROLE_SESSION_NAME: StrShape = shape(2, 64, Chars::Name);
pub(crate) const UNRESTRICTED_SESSION_POLICY: StrShape = StrShape {
    min: 1,
    max: None,
    chars: Chars::Policy,
    quoted: Quoted::Whole,
};
pub(crate) const SESSION_POLICY: StrShape = shape(1, 2048, Chars::Policy);
pub(crate) const TAG_KEY: StrShape = shape(1, 128, Chars::Tag);
pub(crate) const TAG_VALUE: StrShape = shape(0, 256, Chars::Tag);
pub(crate) const EXTERNAL_ID: StrShape = shape(2, 1224, Chars::ExternalId);
pub(crate) const SERIAL_NUMBER: StrShape = shape(9, 256, Chars::SerialNumber);
pub(crate) const TOKEN_CODE: StrShape = StrShape {
    min: 6,
    max: Some(6),
    chars: Chars::Digits,
    quoted: Quoted::Nothing,
};
pub(crate) const SOURCE_IDENTITY: StrShape = shape(2, 256, Chars::Name);
pub(crate) const CONTEXT_ASSERTION: StrShape = secret(4, Some(3072));
pub(crate) const SAML_ASSERTION: StrShape = secret(4, Some(100_000));
pub(crate) const WEB_IDENTITY_TOKEN: StrShape = secret(4, Some(20_000));
pub(crate) const PROVIDER_URL: StrShape = shape(4, 2048, Chars::Any);
pub(crate) const TARGET_PRINCIPAL: StrShape = shape(12, 2048, Chars::Any);
pub(crate) const ENCODED_MESSAGE: StrShape = shape(1, 10240, Chars::Any);
pub(crate) const ACCESS_KEY_ID: StrShape = StrShape {
    quoted: Quoted::Start,
    ..shape(16, 128, Chars::Word)
};
pub(crate) const TRADE_IN_TOKEN: StrShape = secret(0, None);
pub(crate) const USER_NAME: StrShape = shape(2, 32, Chars::Name);
pub(crate) const AUDIENCE: StrShape = shape(1, 1000, Chars::Any);
pub(crate) const JWT_ALGORITHM: StrShape = shape(5, 5, Chars::Any);
pub(crate) const SCOPED_SESSION_DESCRIPTION: StrShape = shape(2, 256, Chars::Description);
pub(crate) const WEB_IDENTITY_TOKEN_SCOPE: StrShape = shape(1, 256, Chars::ScopeWords);

/// Checks the members of one request, stopping at the first error.
#[derive(Debug)]
pub(crate) struct Validator {
    operation: &'static str,
}

const VALUE_CUT: usize = 128;

impl Validator {
    pub(crate) fn new(operation: &'static str) -> Self {
        Self { operation }
    }

    fn error(
        &self,
        member: impl fmt::Display,
        rule: Rule,
        value: Option<String>,
    ) -> ValidationError {
        ValidationError {
            operation: self.operation,
            member: member.to_string(),
            rule,
            value,
        }
    }

    /// `member` (or a choice of members, as `"A or B"`) is missing.
    pub(crate) fn required(&self, member: impl fmt::Display) -> ValidationError {
        self.error(member, Rule::Required, None)
    }

    /// An optional string member.
    pub(crate) fn optional(
        &self,
        member: impl fmt::Display,
        value: Option<&str>,
        shape: &StrShape,
    ) -> Result<(), ValidationError> {
        match value {
            Some(v) => self.string(member, v, shape),
            None => Ok(()),
        }
    }

    /// A present string member.
    pub(crate) fn string(
        &self,
        member: impl fmt::Display,
        value: &str,
        shape: &StrShape,
    ) -> Result<(), ValidationError> {
        let shown = || shape.quoted.excerpt(value);
        let counted = checked_len(value, shape.chars);
        let counted = counted.and_then(|len| match shape.chars {
            Chars::ScopeWords => misplaced_space(value).map_or(Ok(len), |at| Err((' ', at))),
            _ => Ok(len),
        });
        let len = match counted {
            Ok(len) => len,
            Err((found, position)) => {
                return Err(self.error(
                    member,
                    Rule::Pattern {
                        allowed: shape.chars.describe(),
                        found: shape.quoted.found(found),
                        position,
                    },
                    shown(),
                ));
            }
        };
        if len < shape.min || shape.max.is_some_and(|max| len > max) {
            return Err(self.error(
                member,
                Rule::Length {
                    min: shape.min,
                    max: shape.max,
                    actual: len,
                },
                shown(),
            ));
        }
        Ok(())
    }

    /// An optional integer member with an inclusive range.
    pub(crate) fn range(
        &self,
        member: &str,
        value: Option<i32>,
        min: i64,
        max: i64,
    ) -> Result<(), ValidationError> {
        match value {
            Some(v) if !(min..=max).contains(&i64::from(v)) => Err(self.error(
                member,
                Rule::Range {
                    min,
                    max,
                    actual: i64::from(v),
                },
                Some(v.to_string()),
            )),
            _ => Ok(()),
        }
    }

    /// A list's number of entries.
    pub(crate) fn list_len(
        &self,
        member: &str,
        actual: usize,
        min: usize,
        max: usize,
    ) -> Result<(), ValidationError> {
        if (min..=max).contains(&actual) {
            Ok(())
        } else {
            Err(self.error(member, Rule::ListLength { min, max, actual }, None))
        }
    }
}

/// The length of `value` in characters if `chars` allows all of it, else
/// the first character it does not allow and its position.
///
/// One branch-free pass of table lookups decides the usual string, ASCII
/// and allowed; any other goes through [`char_len`], which finds the
/// character to report.
fn checked_len(value: &str, chars: Chars) -> Result<usize, (char, usize)> {
    if chars == Chars::Any {
        return Ok(if value.is_ascii() {
            value.len()
        } else {
            value.chars().count()
        });
    }
    let plain = match chars {
        // ARNs and policies, the longest strings a request carries, allow
        // all printable ASCII with tab, LF and CR: range tests, which the
        // compiler makes 32 bytes at a time, instead of a table lookup a
        // byte (the table says the same for every byte, as a test checks).
        Chars::Arn | Chars::Policy => value.bytes().fold(true, |ok, b| ok & arn_or_policy_byte(b)),
        _ => {
            let table = chars.byte_table();
            value.bytes().fold(true, |ok, b| ok & table[usize::from(b)])
        }
    };
    if plain {
        return Ok(value.len());
    }
    char_len(value, chars)
}

/// Whether ARNs and policies allow the byte `b` as a character of its
/// own: [`checked_len`]'s fast path, written as range tests the compiler
/// vectorizes.
#[inline(always)]
fn arn_or_policy_byte(b: u8) -> bool {
    (0x20..0x80).contains(&b) | (b == b'\t') | (b == b'\n') | (b == b'\r')
}

/// [`checked_len`] character by character: ASCII from the table, any other
/// character by the general rules.
fn char_len(value: &str, chars: Chars) -> Result<usize, (char, usize)> {
    let table = chars.byte_table();
    let mut len = 0;
    for (position, c) in value.chars().enumerate() {
        let allowed = if c.is_ascii() {
            table[c as usize]
        } else {
            chars.allows(c)
        };
        if !allowed {
            return Err((c, position));
        }
        len += 1;
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The range tests of ARNs' and policies' fast path say for every byte
    /// what their table says: a range test too strict would only cost
    /// speed, and no other test would notice it.
    #[test]
    fn the_arn_and_policy_range_tests_are_their_table() {
        for chars in [Chars::Arn, Chars::Policy] {
            let table = chars.byte_table();
            for b in 0..=u8::MAX {
                assert_eq!(
                    arn_or_policy_byte(b),
                    table[usize::from(b)],
                    "{chars:?} and {b:#04x}"
                );
            }
        }
    }

    #[test]
    fn the_ascii_tables_agree_with_the_general_rules() {
        for chars in [
            Chars::Any,
            Chars::Arn,
            Chars::Policy,
            Chars::Name,
            Chars::ExternalId,
            Chars::SerialNumber,
            Chars::Digits,
            Chars::Word,
            Chars::Tag,
            Chars::Description,
            Chars::ScopeWords,
        ] {
            let table = chars.byte_table();
            for b in 0u8..128 {
                assert_eq!(
                    table[usize::from(b)],
                    chars.allows(char::from(b)),
                    "{chars:?} and {b:#04x}"
                );
            }
            // A byte of a longer UTF-8 sequence is never a character of
            // its own, so the table refuses it and the general rules decide.
            assert!(table[128..].iter().all(|allowed| !allowed), "{chars:?}");
        }
    }

    /// Every shape of the model, by name.
    const SHAPES: &[(&str, StrShape)] = &[
        ("ARN", ARN),
        ("ROLE_SESSION_NAME", ROLE_SESSION_NAME),
        ("UNRESTRICTED_SESSION_POLICY", UNRESTRICTED_SESSION_POLICY),
        ("SESSION_POLICY", SESSION_POLICY),
        ("TAG_KEY", TAG_KEY),
        ("TAG_VALUE", TAG_VALUE),
        ("EXTERNAL_ID", EXTERNAL_ID),
        ("SERIAL_NUMBER", SERIAL_NUMBER),
        ("TOKEN_CODE", TOKEN_CODE),
        ("SOURCE_IDENTITY", SOURCE_IDENTITY),
        ("CONTEXT_ASSERTION", CONTEXT_ASSERTION),
        ("SAML_ASSERTION", SAML_ASSERTION),
        ("WEB_IDENTITY_TOKEN", WEB_IDENTITY_TOKEN),
        ("PROVIDER_URL", PROVIDER_URL),
        ("TARGET_PRINCIPAL", TARGET_PRINCIPAL),
        ("ENCODED_MESSAGE", ENCODED_MESSAGE),
        ("ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("TRADE_IN_TOKEN", TRADE_IN_TOKEN),
        ("USER_NAME", USER_NAME),
        ("AUDIENCE", AUDIENCE),
        ("JWT_ALGORITHM", JWT_ALGORITHM),
        ("SCOPED_SESSION_DESCRIPTION", SCOPED_SESSION_DESCRIPTION),
        ("WEB_IDENTITY_TOKEN_SCOPE", WEB_IDENTITY_TOKEN_SCOPE),
    ];

    /// What [`Validator::string`] must answer, by the general rules alone:
    /// every character through [`Chars::allows`], no table, no fast path.
    fn slow_path(shape: &StrShape, value: &str) -> Result<(), ValidationError> {
        let shown = || shape.quoted.excerpt(value);
        let error = |rule| ValidationError {
            operation: "Test",
            member: "M".to_owned(),
            rule,
            value: shown(),
        };
        let mut len = 0;
        for (position, c) in value.chars().enumerate() {
            if !shape.chars.allows(c) {
                return Err(error(Rule::Pattern {
                    allowed: shape.chars.describe(),
                    found: shape.quoted.found(c),
                    position,
                }));
            }
            len += 1;
        }
        if shape.chars == Chars::ScopeWords {
            // Words between single spaces: an empty word is a misplaced
            // space, at the start of the word after it, or the last
            // character when the empty word ends the value.
            let mut start = 0;
            for word in value.split(' ') {
                if word.is_empty() && !value.is_empty() {
                    return Err(error(Rule::Pattern {
                        allowed: shape.chars.describe(),
                        found: Some(' '),
                        position: start.min(len - 1),
                    }));
                }
                start += word.len() + 1;
            }
        }
        if len < shape.min || shape.max.is_some_and(|max| len > max) {
            return Err(error(Rule::Length {
                min: shape.min,
                max: shape.max,
                actual: len,
            }));
        }
        Ok(())
    }

    /// A xorshift generator: the same strings on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// A character: mostly ASCII, else one of the class edges and
        /// categories the rules single out, else any scalar value.
        fn char(&mut self) -> char {
            const EDGES: &[char] = &[
                '\u{80}',
                '\u{85}',
                '\u{9f}',
                '\u{a0}',
                '\u{a1}',
                '\u{ff}',
                '\u{100}',
                'é',
                'ß',
                '日',
                '٣',
                '\u{345}',
                '\u{24b6}',
                '\u{1680}',
                '\u{2000}',
                '\u{200a}',
                '\u{200b}',
                '\u{2028}',
                '\u{2029}',
                '\u{202f}',
                '\u{205f}',
                '\u{3000}',
                '\u{d7ff}',
                '\u{e000}',
                '\u{fffd}',
                '\u{fffe}',
                '\u{ffff}',
                '\u{10000}',
                '😀',
                '\u{10ffff}',
            ];
            match self.below(10) {
                0..=6 => char::from(self.below(128) as u8),
                7 => EDGES[self.below(EDGES.len())],
                _ => loop {
                    let limit = if self.below(2) == 0 { 0x800 } else { 0x11_0000 };
                    if let Some(c) = char::from_u32(self.below(limit) as u32) {
                        break c;
                    }
                },
            }
        }

        /// A string: all allowed ASCII, all ASCII, or anything, of a
        /// length around the shapes' bounds.
        fn string(&mut self, chars: Chars) -> String {
            let len = [0, 1, 2, 5, 6, 9, 20, 33, 64, 65, 129, 300][self.below(12)];
            let kind = self.below(3);
            let mut s = String::new();
            let mut draws = 0;
            while s.chars().count() < len {
                // Only a class that allows no ASCII character at all (a
                // broken `allows`) runs out of draws: fail then, not hang.
                draws += 1;
                assert!(draws < 1_000_000, "{chars:?} allows no ASCII character");
                let c = self.char();
                let keep = match kind {
                    0 => c.is_ascii() && chars.allows(c),
                    1 => c.is_ascii(),
                    _ => true,
                };
                if keep {
                    s.push(c);
                }
            }
            s
        }
    }

    #[test]
    fn the_fast_path_answers_as_the_slow_path_on_random_strings() {
        let v = Validator::new("Test");
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut accepted, mut non_ascii) = (0, 0);
        for (name, shape) in SHAPES {
            for _ in 0..3000 {
                let value = rng.string(shape.chars);
                let fast = v.string("M", &value, shape);
                assert_eq!(fast, slow_path(shape, &value), "{name} on {value:?}");
                accepted += usize::from(fast.is_ok());
                non_ascii += usize::from(!value.is_ascii());
            }
        }
        // Both answers, and both kinds of text, were met often.
        assert!(accepted > 10_000 && accepted < 50_000, "{accepted}");
        assert!(non_ascii > 10_000, "{non_ascii}");
    }

    #[test]
    fn arn_class_excludes_the_supplementary_planes() {
        assert!(Chars::Arn.allows('a'));
        assert!(Chars::Arn.allows('\u{85}'));
        assert!(Chars::Arn.allows('\u{fffd}'));
        // In through the `0`-`\u10FF` range the five-digit escape makes.
        assert!(Chars::Arn.allows('\u{7f}'));
        assert!(Chars::Arn.allows('\u{9f}'));
        assert!(!Chars::Arn.allows('\u{1f600}'));
        assert!(!Chars::Arn.allows('\u{ffff}'));
        assert!(!Chars::Arn.allows('\u{0}'));
    }

    #[test]
    fn tag_class_takes_unicode_letters_numbers_and_separators() {
        for c in ['é', '日', '٣', ' ', '\u{3000}', '@', '+'] {
            assert!(Chars::Tag.allows(c), "{c:?}");
        }
        for c in ['#', '\t', '\n', '!', '*', '😀', '\u{345}', '\u{24b6}'] {
            assert!(!Chars::Tag.allows(c), "{c:?}");
        }
    }

    #[test]
    fn word_classes_are_ascii() {
        assert!(!Chars::Name.allows('é'));
        assert!(!Chars::Digits.allows('٣'));
        assert!(Chars::ExternalId.allows(':'));
        assert!(!Chars::Name.allows(':'));
    }

    #[test]
    fn secret_values_never_reach_the_error() {
        let v = Validator::new("AssumeRoleWithSAML");
        let err = v
            .string("SAMLAssertion", "ab", &SAML_ASSERTION)
            .unwrap_err();
        assert_eq!(err.value, None);
        assert!(!err.to_string().contains("ab\""));
        let err = v.string("TokenCode", "12345x", &TOKEN_CODE).unwrap_err();
        assert!(!err.to_string().contains('x'), "{err}");
        // Nor does a character stand in for the one found: a `?` would
        // read as the character the code held.
        let err = v.string("TokenCode", "١٢٣٤٥٦", &TOKEN_CODE).unwrap_err();
        assert!(matches!(
            err.rule,
            Rule::Pattern {
                found: None,
                position: 0,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "AssumeRoleWithSAML: TokenCode may only contain the digits 0-9; found another character \
             at character 0"
        );
    }

    #[test]
    fn errors_read_well() {
        let v = Validator::new("AssumeRole");
        let err = v
            .string("RoleSessionName", "a", &ROLE_SESSION_NAME)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "AssumeRole: RoleSessionName must be 2 to 64 characters long, got 1 (value \"a\")"
        );
        let err = v
            .range("DurationSeconds", Some(60), 900, 43200)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "AssumeRole: DurationSeconds must be between 900 and 43200, got 60 (value \"60\")"
        );
    }

    /// An access key id that fails its check is quoted by its first four
    /// characters: what fails is often a line of the IAM console's CSV, or
    /// the secret key given as the id (found by a review of the C ABI).
    /// A context assertion is not quoted at all.
    #[test]
    fn an_access_key_id_is_quoted_by_its_start_only() {
        let v = Validator::new("GetAccessKeyInfo");
        let csv_line = "AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let err = v
            .string("AccessKeyId", csv_line, &ACCESS_KEY_ID)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "GetAccessKeyInfo: AccessKeyId may only contain letters, digits and _; found ',' \
             (U+002C) at character 20 (value \"AKIA…\")"
        );
        assert!(!format!("{err:?}").contains("wJalr"));
        let err = v.string("AccessKeyId", "AKIA", &ACCESS_KEY_ID).unwrap_err();
        assert_eq!(err.value.as_deref(), Some("AKIA"));
        let v = Validator::new("AssumeRole");
        let err = v
            .string("ContextAssertion", "ab\u{0}", &CONTEXT_ASSERTION)
            .unwrap_err();
        assert_eq!(err.value, None);
        assert!(!err.to_string().contains("ab"), "{err}");
    }

    /// Each rule's message, exactly: what a caller reads is what the rule
    /// and the shape say (the random test above cannot see the wording, as
    /// its oracle describes the classes with the same function).
    #[test]
    fn every_rule_reads_as_its_shape_says() {
        let v = Validator::new("AssumeRole");
        let err = v
            .string("RoleSessionName", "a b", &ROLE_SESSION_NAME)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "AssumeRole: RoleSessionName may only contain letters, digits and _+=,.@-; \
             found ' ' (U+0020) at character 1 (value \"a b\")"
        );
        // A fixed length is one number, not a range of one.
        let err = v.string("Algorithm", "RS25", &JWT_ALGORITHM).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AssumeRole: Algorithm must be 5 characters long, got 4 (value \"RS25\")"
        );
        let err = v.list_len("Tags", 51, 0, 50).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AssumeRole: Tags must have 0 to 50 entries, got 51"
        );
    }
}
