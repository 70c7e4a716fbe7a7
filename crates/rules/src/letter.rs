//! Invitation letters: a visitor with an approved stay asks the host for a
//! letter (for a visa, or a border officer) naming them as in their
//! passport. Who may have one, what a verification says of it later, and
//! the typed parts (the passport name, the code) are decided here.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{Country, Locale, SiteId, StayStatus};

/// The visitor's full name as in their passport: trimmed, single spaces,
/// 2 to [`PassportName::MAX_CHARS`] characters of letters (any script),
/// spaces, hyphens, apostrophes and full stops, at least two letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PassportName(String);

/// A passport name that cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "passport_name: the full name as in the passport, {min} to {max} characters: letters, spaces, hyphens, apostrophes and full stops",
    min = PassportName::MIN_LETTERS,
    max = PassportName::MAX_CHARS
)]
pub struct PassportNameError;

impl PassportName {
    /// The longest name, in characters (passports print fewer).
    pub const MAX_CHARS: usize = 100;
    /// The fewest letters.
    pub const MIN_LETTERS: usize = 2;

    /// Reads a name as typed.
    pub fn parse(input: &str) -> Result<PassportName, PassportNameError> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.');
        let letters = name.chars().filter(|c| c.is_alphabetic()).count();
        if letters < Self::MIN_LETTERS || name.chars().count() > Self::MAX_CHARS || !name.chars().all(allowed) {
            return Err(PassportNameError);
        }
        Ok(PassportName(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The initials a verification shows instead of the name: the first
    /// letter of each word, "Ærø Ðorđević-Ŧŀő" giving "Æ. Ð.".
    pub fn initials(&self) -> String {
        self.0
            .split(' ')
            .filter_map(|word| word.chars().find(|c| c.is_alphabetic()))
            .map(|c| format!("{}.", c.to_uppercase()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A letter's verification code: 128 random bits, written as 32 hex
/// digits (lower case; read in any case, with or without spaces and dashes,
/// as someone types it off paper).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct LetterCode(String);

/// Text that is no letter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a letter's code is 32 hexadecimal digits")]
pub struct LetterCodeError;

impl LetterCode {
    /// The code of 16 random bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> LetterCode {
        LetterCode(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Reads a code as typed or as a URL carries it.
    pub fn parse(input: &str) -> Result<LetterCode, LetterCodeError> {
        let code: String =
            input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
        if code.len() != 32 || !code.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(LetterCodeError);
        }
        Ok(LetterCode(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code in groups of four, as the letter prints it.
    pub fn grouped(&self) -> String {
        self.0.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }
}

/// Why a letter is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum LetterRefusal {
    /// 409 `stay_not_approved`: only an approved stay has a letter.
    #[error("only an approved stay has an invitation letter")]
    StayNotApproved,
    /// 409 `stay_over`: the stay has ended.
    #[error("the stay has ended")]
    StayOver,
}

impl LetterRefusal {
    /// The stable code.
    pub const fn code(self) -> &'static str {
        match self {
            LetterRefusal::StayNotApproved => "stay_not_approved",
            LetterRefusal::StayOver => "stay_over",
        }
    }
}

/// Whether the stay's member may have a letter today: approved (not
/// pending, not called off, not marked no-show) and not yet over.
pub fn may_have_letter(
    status: StayStatus,
    no_show: bool,
    end_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), LetterRefusal> {
    if status != StayStatus::Approved || no_show {
        return Err(LetterRefusal::StayNotApproved);
    }
    if end_date < today {
        return Err(LetterRefusal::StayOver);
    }
    Ok(())
}

/// What a verification of a letter finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterValidity {
    /// The stay stands as the letter says.
    Valid,
    /// The stay was cancelled, declined, or the visitor did not come.
    Cancelled,
    /// The stay's dates or site are no longer the letter's.
    Changed,
    /// A newer letter was made for the stay; this one no longer counts.
    Replaced,
}

impl LetterValidity {
    /// The shown name.
    pub const fn as_str(self) -> &'static str {
        match self {
            LetterValidity::Valid => "valid",
            LetterValidity::Cancelled => "cancelled",
            LetterValidity::Changed => "changed",
            LetterValidity::Replaced => "replaced",
        }
    }
}

/// The stay as the letter wrote it, or as it stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LetterStay {
    /// The site.
    pub site: SiteId,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
}

/// What a letter is worth now: `written` is the stay as the letter says,
/// `now` as it stands with its status; `replaced` when a newer letter of
/// the stay exists. A stay called off outweighs any change of its dates.
pub fn letter_validity(
    written: LetterStay,
    now: LetterStay,
    status: StayStatus,
    no_show: bool,
    replaced: bool,
) -> LetterValidity {
    if status != StayStatus::Approved || no_show {
        LetterValidity::Cancelled
    } else if written != now {
        LetterValidity::Changed
    } else if replaced {
        LetterValidity::Replaced
    } else {
        LetterValidity::Valid
    }
}

/// The languages of a letter from a host in `country`: English always,
/// and the country's own where deskvisa speaks it.
pub fn letter_languages(country: &Country) -> Vec<Locale> {
    match country.as_str() {
        "PL" => vec![Locale::En, Locale::Pl],
        _ => vec![Locale::En],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, d).unwrap()
    }

    #[test]
    fn passport_names_of_any_script_are_kept_with_single_spaces() {
        let name = PassportName::parse("  Ærøskøbing   Ðorđević-Ŧŀő ").unwrap();
        assert_eq!(name.as_str(), "Ærøskøbing Ðorđević-Ŧŀő");
        assert_eq!(name.initials(), "Æ. Ð.");
        assert_eq!(PassportName::parse("O'Brien, Seán").map(|n| n.0), Err(PassportNameError));
        assert_eq!(PassportName::parse("Seán O’Brien Jr.").unwrap().initials(), "S. O. J.");
        assert_eq!(PassportName::parse("山田 太郎").unwrap().initials(), "山. 太.");
    }

    #[test]
    fn names_with_digits_controls_or_too_few_letters_are_refused() {
        for bad in ["", " ", "A", "R2D2 Unit", "Anna\u{0}Nowak", "--", &"a".repeat(101)] {
            assert_eq!(PassportName::parse(bad), Err(PassportNameError), "{bad:?}");
        }
    }

    #[test]
    fn a_code_is_read_as_typed_off_paper() {
        let code = LetterCode::from_bytes([0xab; 16]);
        assert_eq!(code.as_str().len(), 32);
        assert_eq!(LetterCode::parse(&code.grouped().to_uppercase()), Ok(code.clone()));
        assert_eq!(LetterCode::parse(" abab abab-abab abab abababababababab "), Ok(code));
        assert_eq!(LetterCode::parse("abab"), Err(LetterCodeError));
        assert_eq!(LetterCode::parse(&"g".repeat(32)), Err(LetterCodeError));
    }

    #[test]
    fn only_an_approved_stay_not_over_has_a_letter() {
        assert_eq!(may_have_letter(StayStatus::Approved, false, day(8), day(8)), Ok(()));
        assert_eq!(may_have_letter(StayStatus::Pending, false, day(8), day(1)), Err(LetterRefusal::StayNotApproved));
        assert_eq!(may_have_letter(StayStatus::Cancelled, false, day(8), day(1)), Err(LetterRefusal::StayNotApproved));
        assert_eq!(may_have_letter(StayStatus::Approved, true, day(8), day(1)), Err(LetterRefusal::StayNotApproved));
        assert_eq!(may_have_letter(StayStatus::Approved, false, day(8), day(9)), Err(LetterRefusal::StayOver));
    }

    #[test]
    fn a_verification_says_what_became_of_the_stay() {
        let site = SiteId::from_uuid(Uuid::from_u128(1));
        let written = LetterStay { site, start_date: day(4), end_date: day(8) };
        let moved = LetterStay { end_date: day(9), ..written };
        let valid = |now, status, no_show, replaced| letter_validity(written, now, status, no_show, replaced);
        assert_eq!(valid(written, StayStatus::Approved, false, false), LetterValidity::Valid);
        assert_eq!(valid(moved, StayStatus::Approved, false, false), LetterValidity::Changed);
        assert_eq!(valid(written, StayStatus::Approved, false, true), LetterValidity::Replaced);
        assert_eq!(valid(moved, StayStatus::Cancelled, false, true), LetterValidity::Cancelled);
        assert_eq!(valid(written, StayStatus::Approved, true, false), LetterValidity::Cancelled);
    }

    #[test]
    fn a_polish_host_writes_in_polish_too() {
        assert_eq!(letter_languages(&Country::parse("PL").unwrap()), vec![Locale::En, Locale::Pl]);
        assert_eq!(letter_languages(&Country::parse("DK").unwrap()), vec![Locale::En]);
    }
}
