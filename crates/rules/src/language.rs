//! The languages a firm works in, as ISO 639-1 codes (`en`, `pl`, `ja`):
//! a visitor looks for a firm they can talk to. These are not the languages
//! deskvisa speaks ([`crate::Locale`]); any language of the standard is one
//! a firm may speak.

use serde::Serialize;

/// Every ISO 639-1 code (the 183 of the standard, `sh` left out as withdrawn).
const CODES: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo",
    "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo",
    "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng",
    "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn",
    "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur",
    "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// One language, by its ISO 639-1 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Language(&'static str);

/// Why a language, or a list of them, is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    /// Not a code of ISO 639-1.
    #[error("`{0}` is not an ISO 639-1 language code (such as en, pl, ja)")]
    Unknown(String),
    /// More than [`Languages::MAX`].
    #[error("at most {} languages", Languages::MAX)]
    TooMany,
}

impl Language {
    /// The language a code names, in any case.
    pub fn parse(input: &str) -> Result<Language, LanguageError> {
        let code = input.trim().to_ascii_lowercase();
        CODES
            .binary_search(&code.as_str())
            .map(|i| Language(CODES[i]))
            .map_err(|_| LanguageError::Unknown(input.chars().take(16).collect()))
    }

    /// The code.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

/// The languages a firm works in: each once, in the order given, at most
/// [`Languages::MAX`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Languages(Vec<Language>);

impl Languages {
    /// The most languages a firm lists.
    pub const MAX: usize = 10;

    /// Reads a list of codes.
    pub fn parse<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<Languages, LanguageError> {
        let mut kept: Vec<Language> = Vec::new();
        for code in codes {
            let language = Language::parse(code)?;
            if !kept.contains(&language) {
                kept.push(language);
            }
        }
        if kept.len() > Self::MAX {
            return Err(LanguageError::TooMany);
        }
        Ok(Languages(kept))
    }

    /// The languages, in order.
    pub fn iter(&self) -> impl Iterator<Item = Language> + '_ {
        self.0.iter().copied()
    }

    /// The codes joined by commas, as the database keeps them.
    pub fn joined(&self) -> String {
        self.0.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_are_sorted_so_that_the_search_is_right() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn codes_of_the_standard_are_languages_in_any_case() {
        assert_eq!(Language::parse(" PL ").map(Language::as_str), Ok("pl"));
        assert_eq!(Language::parse("ja").map(Language::as_str), Ok("ja"));
        assert_eq!(Language::parse("xx"), Err(LanguageError::Unknown("xx".to_owned())));
        assert_eq!(Language::parse("eng"), Err(LanguageError::Unknown("eng".to_owned())));
    }

    #[test]
    fn a_list_keeps_each_once_in_order_and_has_a_bound() {
        let list = Languages::parse(["pl", "en", "PL"]).unwrap();
        assert_eq!(list.joined(), "pl,en");
        assert_eq!(Languages::parse(CODES.iter().copied().take(11)), Err(LanguageError::TooMany));
        assert_eq!(Languages::parse("".split(',').filter(|c| !c.is_empty())).unwrap().joined(), "");
    }
}
