//! Free text that people type and the rules require: the reason for a
//! decline or a host's cancellation.

use serde::Serialize;

use crate::text_form::text_form;

/// A reason: trimmed, not empty, at most [`Reason::MAX_CHARS`] characters,
/// with no control characters other than line breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Reason(String);

/// Why a text is not a usable reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    /// Empty, or only white space.
    #[error("a reason is required")]
    Empty,
    /// Longer than the limit.
    #[error("the reason is longer than {} characters", Reason::MAX_CHARS)]
    TooLong,
    /// Holds a control character.
    #[error("the reason holds a control character")]
    ControlCharacter,
}

impl Reason {
    /// The longest reason accepted, in characters.
    pub const MAX_CHARS: usize = 1000;

    /// Parses a reason typed by a person.
    pub fn parse(input: &str) -> Result<Self, ReasonError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(ReasonError::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ReasonError::TooLong);
        }
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
            return Err(ReasonError::ControlCharacter);
        }
        Ok(Reason(text.replace("\r\n", "\n").replace('\r', "\n")))
    }

    /// The reason as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_form!(Reason as as_str => Display, FromStr(ReasonError), Deserialize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_keeps_its_line_breaks() {
        let r = Reason::parse("  The building is closed\r\nfor repairs. ").unwrap();
        assert_eq!(r.as_str(), "The building is closed\nfor repairs.");
    }

    #[test]
    fn an_empty_reason_is_no_reason() {
        assert_eq!(Reason::parse(" \n\t "), Err(ReasonError::Empty));
    }

    #[test]
    fn a_reason_at_the_limit_is_kept_and_one_past_it_refused() {
        assert!(Reason::parse(&"ż".repeat(Reason::MAX_CHARS)).is_ok());
        assert_eq!(Reason::parse(&"ż".repeat(Reason::MAX_CHARS + 1)), Err(ReasonError::TooLong));
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(Reason::parse("a\u{0}b"), Err(ReasonError::ControlCharacter));
        assert_eq!(Reason::parse("a\u{1b}[31mb"), Err(ReasonError::ControlCharacter));
    }
}
