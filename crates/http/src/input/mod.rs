//! One parser per input, for both faces: the JSON API and the web pages
//! read a cluster, a site, a member or an admin through the same functions
//! here, with the same limits. A refusal is a [`FieldError`] naming the
//! field and the rule it broke; the API answers it as 400
//! `malformed_request` (in English, as clients have always read it), the
//! pages tell it in the viewer's language (`Words::field_error`) and keep
//! what was typed.

mod firm;
mod forms;
mod requests;

use chrono::NaiveDate;
use deskvisa_rules::{Country, DeskCount, Email, Latitude, Locale, Longitude, TimeZone, WeekdaySet, parse_date};

pub(crate) use firm::{FirmPatchRequest, FirmRequest};
pub(crate) use forms::{ClusterForm, EventForm, FirmForm, SiteForm};
pub(crate) use requests::{
    AdminRequest, ClusterRequest, EventRequest, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, MeRequest, MemberRequest,
    SiteRequest,
};

use crate::problem::Problem;

/// The longest name, city or company.
pub(crate) const MAX_NAME_CHARS: usize = 200;
/// The longest address.
pub(crate) const MAX_ADDRESS_CHARS: usize = 500;
/// The longest house rules.
pub(crate) const MAX_RULES_CHARS: usize = 5000;
/// The most desks one site may offer (a sanity bound).
pub(crate) const MAX_DESKS: u32 = DeskCount::MAX;

/// The rule a field's value broke.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rule {
    /// 1 to `max` characters, no control characters.
    Text {
        /// The most characters.
        max: usize,
    },
    /// An email address.
    Email,
    /// An ISO 3166-1 alpha-2 code.
    Country,
    /// Degrees, between `-limit` and `limit`.
    Coordinate {
        /// 90 or 180.
        limit: f64,
    },
    /// A zone of the IANA database.
    Zone,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A whole number from 0 to `max`.
    WholeNumber {
        /// The largest.
        max: u32,
    },
    /// At least one of the seven weekdays.
    Weekdays,
    /// `en` or `pl`.
    Locale,
    /// A time at a site, `YYYY-MM-DDTHH:MM`.
    LocalTime,
    /// Seats, from 1 to `max`.
    Seats {
        /// The most.
        max: u32,
    },
    /// Tags of the vocabulary, and at most five free tags.
    Tags,
    /// An `http` or `https` address.
    Website,
    /// At most 2,000 characters.
    About,
    /// ISO 639-1 codes, at most ten.
    Languages,
    /// An id (a UUID).
    Id,
}

/// A field whose value broke a rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldError {
    /// The field's name, as the API spells it.
    pub(crate) field: &'static str,
    /// The rule.
    pub(crate) rule: Rule,
    /// What the API has always said of it, in English.
    english: String,
}

impl Rule {
    /// What the API says of a value that breaks it, in English.
    pub(crate) fn english(&self) -> String {
        match self {
            Rule::Text { max } => format!("1 to {max} characters, no control characters"),
            Rule::Email => "an email address".to_owned(),
            Rule::Country => "an ISO 3166-1 alpha-2 code, such as PL".to_owned(),
            Rule::Coordinate { limit } => format!("between -{limit} and {limit}"),
            Rule::Zone => "a zone of the IANA database, such as Europe/Warsaw".to_owned(),
            Rule::Date => "a date written as YYYY-MM-DD".to_owned(),
            Rule::WholeNumber { max } => format!("a whole number up to {max}"),
            Rule::Weekdays => "weekdays written mon … sun".to_owned(),
            Rule::Locale => "en or pl".to_owned(),
            Rule::LocalTime => "a local time written as YYYY-MM-DDTHH:MM".to_owned(),
            Rule::Seats { max } => format!("from 1 to {max}"),
            Rule::Tags => "tags of the vocabulary (GET /api/v1/firms/tags) and at most five of 2 to 40 letters, digits, spaces or hyphens".to_owned(),
            Rule::Website => "an http or https address".to_owned(),
            Rule::About => "at most 2,000 characters".to_owned(),
            Rule::Languages => "ISO 639-1 codes such as en or pl, at most ten".to_owned(),
            Rule::Id => "an id (a UUID)".to_owned(),
        }
    }
}

impl FieldError {
    pub(super) fn new(field: &'static str, rule: Rule, english: impl Into<String>) -> FieldError {
        FieldError { field, rule, english: english.into() }
    }

    /// The first of a request's refusals (a request refused has one).
    pub(crate) fn first(refused: Vec<FieldError>) -> FieldError {
        refused.into_iter().next().unwrap_or_else(|| FieldError::new("", Rule::Text { max: 0 }, "not valid"))
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.english)
    }
}

impl From<FieldError> for Problem {
    fn from(e: FieldError) -> Self {
        Problem::from(vec![e])
    }
}

/// 400 `malformed_request`: the detail tells the first refused field as
/// clients have always read it, and `errors` lists every one
/// (`{"field", "detail"}`).
impl From<Vec<FieldError>> for Problem {
    fn from(refused: Vec<FieldError>) -> Self {
        let detail = refused.first().map_or_else(|| "the request is not valid".to_owned(), ToString::to_string);
        let errors =
            refused.iter().map(|e| serde_json::json!({ "field": e.field, "detail": e.english })).collect::<Vec<_>>();
        Problem::malformed(detail).with("errors", serde_json::Value::Array(errors))
    }
}

/// Characters that change how the text around them reads without being
/// seen: the bidirectional embeddings, overrides and isolates (a name
/// could show as another's in a page or an email) and the byte-order mark.
fn invisible_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}')
}

/// A line of text: trimmed, 1 to `max` characters, no control characters
/// (a line break is allowed), no direction controls or byte-order mark.
pub(crate) fn text(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.chars().any(invisible_control) {
        return Err(FieldError::new(field, Rule::Text { max }, "no direction controls or byte-order marks"));
    }
    if value.is_empty() || value.chars().count() > max || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new(
            field,
            Rule::Text { max },
            format!("1 to {max} characters, no control characters"),
        ));
    }
    Ok(value.to_owned())
}

/// A text that may be left empty.
pub(crate) fn optional_text(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    if value.trim().is_empty() { Ok(String::new()) } else { text(field, value, max) }
}

/// An assigned ISO 3166-1 alpha-2 code (one with a continent), upper case.
pub(crate) fn country(value: &str) -> Result<Country, FieldError> {
    Country::parse(value)
        .map_err(|_| FieldError::new("country", Rule::Country, "an ISO 3166-1 alpha-2 code, such as PL"))
}

/// Degrees north.
pub(crate) fn latitude(value: f64) -> Result<Latitude, FieldError> {
    Latitude::new(value).map_err(|e| FieldError::new("latitude", Rule::Coordinate { limit: 90.0 }, e.to_string()))
}

/// Degrees east.
pub(crate) fn longitude(value: f64) -> Result<Longitude, FieldError> {
    Longitude::new(value).map_err(|e| FieldError::new("longitude", Rule::Coordinate { limit: 180.0 }, e.to_string()))
}

/// A zone of the IANA database.
pub(crate) fn zone(value: &str) -> Result<TimeZone, FieldError> {
    TimeZone::parse(value.trim()).map_err(|e| FieldError::new("timezone", Rule::Zone, e.to_string()))
}

/// An email address.
pub(crate) fn email(field: &'static str, value: &str) -> Result<Email, FieldError> {
    Email::parse(value).map_err(|e| FieldError::new(field, Rule::Email, e.to_string()))
}

/// A date, `YYYY-MM-DD`.
pub(crate) fn date(field: &'static str, value: &str) -> Result<NaiveDate, FieldError> {
    parse_date(value.trim()).map_err(|e| FieldError::new(field, Rule::Date, e.to_string()))
}

/// A time at a site, `YYYY-MM-DDTHH:MM`.
pub(crate) fn local_time(field: &'static str, value: &str) -> Result<chrono::NaiveDateTime, FieldError> {
    deskvisa_rules::parse_local_time(value).map_err(|e| FieldError::new(field, Rule::LocalTime, e.to_string()))
}

/// `en` or `pl`; left empty, English.
pub(crate) fn locale(value: Option<&str>) -> Result<Locale, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(Locale::default()),
        Some(v) => Locale::parse(v).map_err(|e| FieldError::new("locale", Rule::Locale, e.to_string())),
    }
}

/// A site's visitor desks.
pub(crate) fn desks(value: u32) -> Result<DeskCount, FieldError> {
    DeskCount::new(value).map_err(|e| FieldError::new("desks", Rule::WholeNumber { max: MAX_DESKS }, e.to_string()))
}

/// The opening weekdays ticked in a form (none is allowed, as in the API:
/// such a site offers nothing).
pub(crate) fn weekdays<'a>(ticked: impl IntoIterator<Item = &'a str>) -> Result<WeekdaySet, FieldError> {
    WeekdaySet::parse(ticked).map_err(|e| FieldError::new("open_weekdays", Rule::Weekdays, e.to_string()))
}

/// A letterhead's address as typed: trimmed, lines kept, at most
/// [`deskvisa_service::MAX_LETTERHEAD_ADDRESS_CHARS`], no control characters but line breaks.
pub(crate) fn letterhead_address(input: &str) -> Result<String, String> {
    let address = input.trim().replace("\r\n", "\n");
    if address.chars().count() > deskvisa_service::MAX_LETTERHEAD_ADDRESS_CHARS {
        return Err(format!("at most {} characters", deskvisa_service::MAX_LETTERHEAD_ADDRESS_CHARS));
    }
    if address.chars().any(|c| c.is_control() && c != '\n') {
        return Err("no control characters but line breaks".to_owned());
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_reads_the_same_words_as_before() {
        assert_eq!(text("name", " ", 200).unwrap_err().to_string(), "name: 1 to 200 characters, no control characters");
        assert_eq!(country("pl").unwrap_err().to_string(), "country: an ISO 3166-1 alpha-2 code, such as PL");
        assert_eq!(latitude(91.0).unwrap_err().to_string(), "latitude: between -90 and 90");
        assert_eq!(desks(10_001).unwrap_err().to_string(), "desks: at most 10000");
    }

    #[test]
    fn text_that_would_read_as_something_else_is_refused() {
        for spoof in ["Anna\u{202E}moc.live", "\u{FEFF}HubClub", "Lars \u{2066}Admin\u{2069}", "a\u{200F}b"] {
            assert_eq!(
                text("name", spoof, 200).unwrap_err().to_string(),
                "name: no direction controls or byte-order marks"
            );
        }
        assert_eq!(text("name", "Zoë Ørsted-Łukasik", 200), Ok("Zoë Ørsted-Łukasik".to_owned()));
        assert!(country("ZZ").is_err() && country("XX").is_err());
        assert_eq!(country("DK").map(|c| c.to_string()), Ok("DK".to_owned()));
    }

    #[test]
    fn weekdays_and_languages_are_refused_with_their_rule() {
        assert_eq!(weekdays(["sun", "xyz"]).unwrap_err().rule, Rule::Weekdays);
        assert_eq!(locale(Some("")), Ok(Locale::En));
        assert_eq!(locale(Some("de")).unwrap_err().rule, Rule::Locale);
    }
}
