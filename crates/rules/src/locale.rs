//! The languages deskvisa speaks to its members.

use serde::{Deserialize, Serialize};

use crate::text_form::text_form;

/// A member's language: every email and page goes out in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English, the default.
    #[default]
    En,
    /// Polish.
    Pl,
}

/// The text given is not a language deskvisa speaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a supported locale (use `en` or `pl`)")]
pub struct LocaleError(String);

impl Locale {
    /// Every locale, in the order a language switcher shows them.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Pl];

    /// Parses `en` or `pl` (any case).
    pub fn parse(input: &str) -> Result<Self, LocaleError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Locale::En),
            "pl" => Ok(Locale::Pl),
            _ => Err(LocaleError(input.chars().take(32).collect())),
        }
    }

    /// The code: `en` or `pl`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Pl => "pl",
        }
    }
}

text_form!(Locale as as_str => Display);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_languages_parse_in_any_case() {
        assert_eq!(Locale::parse("en"), Ok(Locale::En));
        assert_eq!(Locale::parse("PL"), Ok(Locale::Pl));
    }

    #[test]
    fn other_languages_are_refused() {
        assert!(Locale::parse("de").is_err());
        assert!(Locale::parse("").is_err());
        assert!(Locale::parse("en-GB").is_err());
    }
}
