//! Why a success response's result could not become the operation's output.

use std::fmt;

/// The members whose text is a secret: an [`OutputError`] for one of them
/// never holds its text, whatever the problem.
const SECRET_MEMBERS: [&str; 3] = ["SecretAccessKey", "SessionToken", "WebIdentityToken"];

/// How much of a non-secret element's text an error keeps.
const FOUND_CHARS: usize = 64;

/// An element of the `<{Operation}Result>` that could not be read: which
/// one, and what was wrong with it.
///
/// Made with [`OutputError::missing`] and its siblings, which an
/// [`Operation`](crate::Operation) implemented outside this crate uses too:
/// they keep a secret member's text out of the error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutputError {
    /// The element's path below the result element, such as
    /// `Credentials/Expiration`.
    pub element: String,
    /// What was wrong with it.
    pub problem: OutputProblem,
}

/// What was wrong with an element of the result.
///
/// The text found is kept (cut to 64 characters) to help diagnose the
/// server, except for secret members (`SecretAccessKey`, `SessionToken`,
/// `WebIdentityToken`), whose text is never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputProblem {
    /// A required element is absent.
    Missing,
    /// A required element is present with no text (or only whitespace).
    Empty,
    /// The text is not an ISO 8601 timestamp.
    NotATimestamp {
        /// What is wrong with it, in the timestamp reader's words.
        reason: &'static str,
        /// The text found; `None` for secret members.
        found: Option<String>,
    },
    /// The text is not an integer.
    NotANumber {
        /// The text found; `None` for secret members.
        found: Option<String>,
    },
    /// The text is an integer outside the member's range (negative, or
    /// larger than a `u32` for a size).
    OutOfRange {
        /// The text found; `None` for secret members.
        found: Option<String>,
    },
}

impl OutputError {
    /// `element` is absent.
    pub fn missing(element: impl Into<String>) -> Self {
        Self::new(element, OutputProblem::Missing)
    }

    /// `element` has no text.
    pub fn empty(element: impl Into<String>) -> Self {
        Self::new(element, OutputProblem::Empty)
    }

    /// `element`'s text `found` is not a timestamp, for `reason`.
    pub fn not_a_timestamp(element: impl Into<String>, reason: &'static str, found: &str) -> Self {
        let element = element.into();
        let found = shown(&element, found);
        Self::new(element, OutputProblem::NotATimestamp { reason, found })
    }

    /// `element`'s text `found` is not an integer.
    pub fn not_a_number(element: impl Into<String>, found: &str) -> Self {
        let element = element.into();
        let found = shown(&element, found);
        Self::new(element, OutputProblem::NotANumber { found })
    }

    /// `element`'s text `found` is an integer out of the member's range.
    pub fn out_of_range(element: impl Into<String>, found: &str) -> Self {
        let element = element.into();
        let found = shown(&element, found);
        Self::new(element, OutputProblem::OutOfRange { found })
    }

    fn new(element: impl Into<String>, problem: OutputProblem) -> Self {
        Self {
            element: element.into(),
            problem,
        }
    }
}

/// Whether `element` (a path or a bare member name) ends in a secret member.
fn is_secret(element: &str) -> bool {
    let member = element.rsplit('/').next().unwrap_or(element);
    SECRET_MEMBERS.contains(&member)
}

/// The start of `text` to show in an error about `element`: nothing for a
/// secret, else at most [`FOUND_CHARS`] characters without control ones.
fn shown(element: &str, text: &str) -> Option<String> {
    if is_secret(element) {
        return None;
    }
    Some(super::printable_start(text, FOUND_CHARS))
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let element = &self.element;
        let found = |f: &mut fmt::Formatter<'_>, found: &Option<String>| match found {
            Some(text) => write!(f, ": {text:?}"),
            None => Ok(()),
        };
        match &self.problem {
            OutputProblem::Missing => write!(f, "missing {element}"),
            OutputProblem::Empty => write!(f, "{element} is empty"),
            OutputProblem::NotATimestamp {
                reason,
                found: text,
            } => {
                write!(f, "{element}: invalid timestamp")?;
                if let Some(text) = text {
                    write!(f, " {text:?}")?;
                }
                write!(f, ": {reason}")
            }
            OutputProblem::NotANumber { found: text } => {
                write!(f, "{element} is not a non-negative integer")?;
                found(f, text)
            }
            OutputProblem::OutOfRange { found: text } => {
                write!(f, "{element} is not a non-negative integer below 2^32")?;
                found(f, text)
            }
        }
    }
}

impl std::error::Error for OutputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_members_never_keep_their_text() {
        for element in [
            "Credentials/SecretAccessKey",
            "Credentials/SessionToken",
            "WebIdentityToken",
        ] {
            let e = OutputError::not_a_timestamp(element, "bad", "SECRET-TEXT");
            assert_eq!(
                e.problem,
                OutputProblem::NotATimestamp {
                    reason: "bad",
                    found: None
                }
            );
            for e in [
                e,
                OutputError::not_a_number(element, "SECRET-TEXT"),
                OutputError::out_of_range(element, "SECRET-TEXT"),
            ] {
                let shown = format!("{e} {e:?}");
                assert!(!shown.contains("SECRET"), "{shown}");
                assert!(shown.contains(element), "{shown}");
            }
        }
    }

    #[test]
    fn other_members_keep_a_short_printable_start_of_their_text() {
        let long = format!("1\u{7}{}", "9".repeat(100));
        let e = OutputError::not_a_number("PackedPolicySize", &long);
        let OutputProblem::NotANumber { found: Some(found) } = &e.problem else {
            panic!("{e:?}");
        };
        assert_eq!(found.chars().count(), FOUND_CHARS);
        assert!(found.starts_with("1 9"), "{found}");
        assert_eq!(
            OutputError::out_of_range("PackedPolicySize", " -1 ").to_string(),
            "PackedPolicySize is not a non-negative integer below 2^32: \"-1\""
        );
        assert_eq!(
            OutputError::not_a_timestamp("Credentials/Expiration", "expected a date", "x")
                .to_string(),
            "Credentials/Expiration: invalid timestamp \"x\": expected a date"
        );
        assert_eq!(
            OutputError::missing("Credentials/AccessKeyId").to_string(),
            "missing Credentials/AccessKeyId"
        );
        assert_eq!(
            OutputError::empty("Credentials/AccessKeyId").to_string(),
            "Credentials/AccessKeyId is empty"
        );
    }
}
