//! The arrival pack (issue 22): what a visitor needs to find the door and
//! settle in, as structured facts of a site: opening hours per weekday,
//! how to get in, an on-site contact, a Wi-Fi note, the nearest public
//! transport, accessibility, and amenities from a fixed list. Each part is
//! parsed here once, for the API and the pages alike.

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// Something a site offers, from the network's fixed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Amenity {
    /// Phone booths for calls.
    PhoneBooths,
    /// A meeting room visitors may book.
    MeetingRoom,
    /// A kitchen.
    Kitchen,
    /// Coffee and tea.
    Coffee,
    /// Showers.
    Showers,
    /// Bike parking.
    BikeParking,
    /// Car parking.
    CarParking,
    /// Step-free access from the street to the desks.
    StepFreeAccess,
    /// An accessible toilet.
    AccessibleToilet,
    /// Lockers.
    Lockers,
    /// A printer.
    Printer,
    /// A quiet zone.
    QuietZone,
}

impl Amenity {
    /// Every amenity, in the order forms list them.
    pub const ALL: [Amenity; 12] = [
        Amenity::PhoneBooths,
        Amenity::MeetingRoom,
        Amenity::Kitchen,
        Amenity::Coffee,
        Amenity::Showers,
        Amenity::BikeParking,
        Amenity::CarParking,
        Amenity::StepFreeAccess,
        Amenity::AccessibleToilet,
        Amenity::Lockers,
        Amenity::Printer,
        Amenity::QuietZone,
    ];

    /// The API's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Amenity::PhoneBooths => "phone_booths",
            Amenity::MeetingRoom => "meeting_room",
            Amenity::Kitchen => "kitchen",
            Amenity::Coffee => "coffee",
            Amenity::Showers => "showers",
            Amenity::BikeParking => "bike_parking",
            Amenity::CarParking => "car_parking",
            Amenity::StepFreeAccess => "step_free_access",
            Amenity::AccessibleToilet => "accessible_toilet",
            Amenity::Lockers => "lockers",
            Amenity::Printer => "printer",
            Amenity::QuietZone => "quiet_zone",
        }
    }

    /// The amenity of an API name.
    pub fn parse(text: &str) -> Option<Amenity> {
        Amenity::ALL.into_iter().find(|a| a.as_str() == text.trim())
    }
}

/// One day's opening hours: from one time to a later one the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    /// Opens.
    pub opens: NaiveTime,
    /// Closes (after it opens).
    pub closes: NaiveTime,
}

impl Hours {
    /// "08:00–18:00".
    pub fn text(&self) -> String {
        format!("{}–{}", self.opens.format("%H:%M"), self.closes.format("%H:%M"))
    }
}

/// Opening hours for each weekday, Monday first; `None` is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpeningHours(pub [Option<Hours>; 7]);

impl OpeningHours {
    /// The hours of `day`.
    pub fn on(&self, day: Weekday) -> Option<Hours> {
        self.0[day.num_days_from_monday() as usize]
    }

    /// Whether no day has hours.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }

    /// Runs of consecutive weekdays with the same hours, Monday first,
    /// closed days left out: `[(Mon, Fri, 08:00–18:00), (Sat, Sat, 10:00–14:00)]`.
    pub fn runs(&self) -> Vec<(Weekday, Weekday, Hours)> {
        let mut runs: Vec<(Weekday, Weekday, Hours)> = Vec::new();
        for (i, hours) in self.0.iter().enumerate() {
            let day = Weekday::try_from(u8::try_from(i).unwrap_or(0)).unwrap_or(Weekday::Mon);
            match (hours, runs.last_mut()) {
                (Some(h), Some(last)) if last.2 == *h && last.1.succ() == day => last.1 = day,
                (Some(h), _) => runs.push((day, day, *h)),
                (None, _) => {}
            }
        }
        runs
    }
}

/// Reads one day's hours as typed: empty or `closed` is closed;
/// `08:00-18:00`, `8:00–18:00` or `08.00 - 18.00` are hours.
pub fn parse_hours(text: &str) -> Result<Option<Hours>, ArrivalError> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("closed") || text == "-" {
        return Ok(None);
    }
    let refused = || ArrivalError::Hours(text.chars().take(20).collect());
    let (opens, closes) = text.split_once(['-', '–', '—']).ok_or_else(refused)?;
    let time = |t: &str| NaiveTime::parse_from_str(&t.trim().replace('.', ":"), "%H:%M").map_err(|_| refused());
    let hours = Hours { opens: time(opens)?, closes: time(closes)? };
    if hours.closes <= hours.opens {
        return Err(refused());
    }
    Ok(Some(hours))
}

/// An on-site phone number: digits with the usual separators (`+`,
/// spaces, `-`, `.`, parentheses), 6 to 15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Reads a number as typed; empty is none.
    pub fn parse(text: &str) -> Result<Option<Phone>, ArrivalError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Ok(None);
        }
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')');
        if !(6..=15).contains(&digits) || text.chars().count() > 30 || !text.chars().all(allowed) {
            return Err(ArrivalError::Phone);
        }
        Ok(Some(Phone(text)))
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number for a `tel:` link: its digits and a leading `+`.
    pub fn dial(&self) -> String {
        self.0.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
    }
}

/// A part of an arrival pack that cannot be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArrivalError {
    /// Hours that are not `HH:MM-HH:MM` with the end later.
    #[error("opening_hours: `{0}` is not hours such as 08:00-18:00 (or empty, closed)")]
    Hours(String),
    /// A phone number that is not one.
    #[error("contact_phone: a phone number of 6 to 15 digits, with + ( ) - . or spaces")]
    Phone,
    /// A text too long or with control characters.
    #[error("{field}: at most {max} characters, no control characters but line breaks")]
    Text {
        /// The field.
        field: &'static str,
        /// Its longest.
        max: usize,
    },
    /// An amenity not on the list.
    #[error("amenities: `{0}` is not one of the list")]
    Amenity(String),
}

/// A free-text part of the pack: trimmed, at most `max` characters, line
/// breaks kept, no other control characters.
pub fn arrival_text(field: &'static str, text: &str, max: usize) -> Result<String, ArrivalError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ArrivalError::Text { field, max });
    }
    Ok(text)
}

/// The amenities named, each once, in the list's order.
pub fn parse_amenities<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Vec<Amenity>, ArrivalError> {
    let mut amenities = names
        .into_iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| Amenity::parse(n).ok_or_else(|| ArrivalError::Amenity(n.chars().take(32).collect())))
        .collect::<Result<Vec<_>, _>>()?;
    amenities.sort();
    amenities.dedup();
    Ok(amenities)
}

/// What a visitor needs on arriving at a site.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ArrivalPack {
    /// Opening hours per weekday.
    #[serde(default)]
    pub hours: OpeningHours,
    /// How to get in: the entrance, the reception, a door code's whereabouts.
    #[serde(default)]
    pub access: String,
    /// Whom to ask on site.
    #[serde(default)]
    pub contact_name: String,
    /// Their phone.
    #[serde(default)]
    pub contact_phone: Option<Phone>,
    /// How to get on the Wi-Fi (never a password in plain sight: where to find it).
    #[serde(default)]
    pub wifi: String,
    /// The nearest public transport.
    #[serde(default)]
    pub transport: String,
    /// Accessibility: steps, lifts, toilets.
    #[serde(default)]
    pub accessibility: String,
    /// Amenities from the list.
    #[serde(default)]
    pub amenities: Vec<Amenity>,
}

impl ArrivalPack {
    /// The longest access text.
    pub const MAX_ACCESS: usize = 1000;
    /// The longest contact name.
    pub const MAX_CONTACT_NAME: usize = 100;
    /// The longest Wi-Fi note.
    pub const MAX_WIFI: usize = 200;
    /// The longest transport note.
    pub const MAX_TRANSPORT: usize = 500;
    /// The longest accessibility note.
    pub const MAX_ACCESSIBILITY: usize = 500;

    /// Whether the host wrote nothing of it.
    pub fn is_empty(&self) -> bool {
        *self == ArrivalPack::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn hours_are_read_as_people_type_them() {
        let h = Some(Hours { opens: t(8, 0), closes: t(18, 0) });
        for typed in ["08:00-18:00", "8:00–18:00", " 08.00 - 18.00 "] {
            assert_eq!(parse_hours(typed), Ok(h), "{typed}");
        }
        for closed in ["", "closed", "Closed", "-"] {
            assert_eq!(parse_hours(closed), Ok(None));
        }
        for bad in ["18:00-08:00", "9-17", "08:00", "08:00-08:00", "25:00-26:00"] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn runs_group_weekdays_with_the_same_hours() {
        let (long, brief) = (Hours { opens: t(8, 0), closes: t(18, 0) }, Hours { opens: t(10, 0), closes: t(14, 0) });
        let (day, short) = (Some(long), Some(brief));
        let hours = OpeningHours([day, day, day, day, short, short, None]);
        assert_eq!(hours.runs(), [(Weekday::Mon, Weekday::Thu, long), (Weekday::Fri, Weekday::Sat, brief)]);
        let gap = OpeningHours([day, None, day, None, None, None, None]);
        assert_eq!(gap.runs().len(), 2);
    }

    #[test]
    fn phones_need_enough_digits_and_nothing_else() {
        assert_eq!(Phone::parse(" +45  33 12 34 56 ").unwrap().unwrap().as_str(), "+45 33 12 34 56");
        assert_eq!(Phone::parse("+45 (33) 12-34.56").unwrap().unwrap().dial(), "+4533123456");
        assert_eq!(Phone::parse(""), Ok(None));
        for bad in ["12345", "call me", "+45 33 12 34 56 ext 7", "1234567890123456"] {
            assert_eq!(Phone::parse(bad), Err(ArrivalError::Phone), "{bad}");
        }
    }

    #[test]
    fn amenities_come_from_the_list_once_each() {
        assert_eq!(
            parse_amenities(["showers", "kitchen", "showers", ""]),
            Ok(vec![Amenity::Kitchen, Amenity::Showers])
        );
        assert_eq!(parse_amenities(["jacuzzi"]), Err(ArrivalError::Amenity("jacuzzi".into())));
        assert!(Amenity::ALL.iter().all(|a| Amenity::parse(a.as_str()) == Some(*a)));
    }

    #[test]
    fn texts_are_bounded_and_plain() {
        assert_eq!(arrival_text("access", "  Ring twice\r\nThen wait ", 100), Ok("Ring twice\nThen wait".into()));
        assert!(arrival_text("access", &"x".repeat(101), 100).is_err());
        assert!(arrival_text("wifi", "a\u{7}b", 100).is_err());
    }
}
