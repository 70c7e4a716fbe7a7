//! Properties of every parser of user input in the rules (text from HTTP
//! bodies, query strings and the command line, and the numbers of policies,
//! periods and searches): none panics on any input; what each accepts comes
//! back in its canonical form and parses again to the same value; what a
//! generator builds well-formed is accepted; near misses are refused, with
//! the right error; bounds hold exactly at their edges; and an error never
//! echoes more than a short prefix of what was sent.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use std::fmt::Display;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};
use deskvisa_rules::*;
use proptest::prelude::*;
use proptest::sample::{Index, select};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// Whatever a user may send: printable unicode, any unicode (control
/// characters and line breaks too), bytes read as lossy UTF-8, and ASCII
/// with white space.
fn user_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,80}",
        "(?s:.{0,80})",
        prop::collection::vec(any::<u8>(), 0..60).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[ -~\t\r\n]{0,40}",
    ]
}

/// Like [`user_text`], long enough to pass every limit on what an error echoes.
fn long_user_text() -> impl Strategy<Value = String> {
    prop_oneof![
        user_text(),
        "\\PC{60,200}",
        prop::collection::vec(any::<u8>(), 60..300).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// White space a person or a client may put around a value, Unicode's included.
fn white_space() -> impl Strategy<Value = String> {
    prop::collection::vec(select(vec![' ', '\t', '\n', '\r', '\u{a0}', '\u{2003}', '\u{3000}']), 0..4)
        .prop_map(|v| v.into_iter().collect())
}

/// One white-space character that `str::trim` removes.
fn one_space() -> impl Strategy<Value = char> {
    select(vec![' ', '\t', '\n', '\r', '\u{a0}', '\u{2003}', '\u{3000}'])
}

/// Any date whose year has four digits (0000 to 9999): every date the API can write.
fn four_digit_year_date() -> impl Strategy<Value = NaiveDate> {
    let lo = NaiveDate::from_ymd_opt(0, 1, 1).unwrap().num_days_from_ce();
    let hi = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap().num_days_from_ce();
    (lo..=hi).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
}

/// Any date chrono can hold, with the ends of the calendar made likely,
/// half of them with four-digit years.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![10 => support::any_date(), 8 => four_digit_year_date()]
}

/// A whole-minute local time in a four-digit year.
fn whole_minute_local_time() -> impl Strategy<Value = NaiveDateTime> {
    (four_digit_year_date(), 0u32..24, 0u32..60).prop_map(|(d, h, m)| d.and_hms_opt(h, m, 0).unwrap())
}

/// Instants between 1990 and 2100.
fn plausible_now() -> impl Strategy<Value = DateTime<Utc>> {
    (631_152_000i64..4_102_444_800).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn any_zone() -> impl Strategy<Value = TimeZone> {
    select(chrono_tz::TZ_VARIANTS.to_vec()).prop_map(TimeZone::from_tz)
}

/// A number near one of the two bounds `lo..=hi`, inside them, or anything at all.
fn around(lo: u32, hi: u32) -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => lo.saturating_sub(2)..=lo.saturating_add(2),
        3 => hi.saturating_sub(2)..=hi.saturating_add(2),
        3 => lo..=hi,
        1 => any::<u32>(),
    ]
}

/// Gregorian leap years, by the rule and not by chrono.
fn leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The days of a month, by the rule and not by chrono.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The local part of a well-formed address (RFC 5322 dot-atom).
const LOCAL: &str = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,20}(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}){0,2}";
/// A well-formed domain: labels of letters, digits and inner hyphens, a TLD of letters.
const DOMAIN: &str =
    "[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,6}[A-Za-z0-9])?){0,2}\\.[A-Za-z]{2,8}";

/// `text` with `piece` inserted before byte `at` (of an ASCII text, where every byte is a boundary).
fn insert(text: &str, at: usize, piece: &str) -> String {
    format!("{}{piece}{}", &text[..at], &text[at..])
}

/// The message of an error made from an empty input, with `input`'s first
/// `keep` characters where the empty input was echoed: what the message for
/// `input` must be.
fn echoed(empty_message: &str, input: &str, keep: usize) -> String {
    let prefix: String = input.chars().take(keep).collect();
    empty_message.replacen("``", &format!("`{prefix}`"), 1)
}

// ---------------------------------------------------------------------------
// Every parser at once
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2000))]

    /// No parser panics on anything a user could send, and what one accepts
    /// is already in its canonical form or parses back to itself from it:
    /// a date or local time is exactly its own written form, an address, a
    /// reason, a zone, an id, a set of days, a continent or a status
    /// parses again to the same value.
    #[test]
    fn parsers_never_panic_and_are_idempotent(text in user_text(), bytes in prop::collection::vec(any::<u8>(), 0..40)) {
        let raw = String::from_utf8_lossy(&bytes).into_owned();
        for input in [text.as_str(), raw.as_str()] {
            if let Ok(email) = Email::parse(input) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert!(!email.as_str().chars().any(|c| c.is_whitespace() || c.is_control()));
            }
            if let Ok(date) = parse_date(input) {
                prop_assert_eq!(date.format("%Y-%m-%d").to_string(), input);
            }
            if let Ok(time) = parse_local_time(input) {
                prop_assert_eq!(format_local_time(time), input);
            }
            if let Ok(reason) = Reason::parse(input) {
                prop_assert_eq!(Reason::parse(reason.as_str()), Ok(reason.clone()));
            }
            if let Ok(locale) = Locale::parse(input) {
                prop_assert_eq!(Locale::parse(locale.as_str()), Ok(locale));
                prop_assert!(input.trim().eq_ignore_ascii_case(locale.as_str()));
            }
            if let Ok(zone) = TimeZone::parse(input) {
                prop_assert_eq!(TimeZone::parse(zone.name()), Ok(zone));
            }
            if let Ok(site) = SiteId::parse(input) {
                prop_assert_eq!(SiteId::parse(&site.to_string()), Ok(site));
            }
            if let Ok(stay) = StayId::parse(input) {
                prop_assert_eq!(StayId::parse(&stay.to_string()), Ok(stay));
            }
            if let Ok(days) = WeekdaySet::parse(input.split(',')) {
                prop_assert_eq!(WeekdaySet::parse(days.names()), Ok(days));
            }
            if let Ok(continent) = Continent::parse(input) {
                prop_assert_eq!(Continent::parse(continent.as_str()), Ok(continent));
            }
            if let Some(continent) = Continent::of_country(input) {
                let code = input.trim();
                prop_assert!(code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()), "{code:?}");
                prop_assert_eq!(Continent::of_country(&code.to_ascii_lowercase()), Some(continent));
            }
            if let Ok(status) = input.parse::<StayStatus>() {
                prop_assert_eq!(status.as_str(), input);
            }
            if let Ok(status) = input.parse::<ClusterStatus>() {
                prop_assert_eq!(status.as_str(), input);
            }
            if let Ok(status) = input.parse::<MemberStatus>() {
                prop_assert_eq!(status.as_str(), input);
            }
        }
    }

    /// A JSON body is judged exactly as the parser judges the same text: an
    /// address, a reason, a zone or a list of weekday names in JSON is
    /// accepted when, and as, the parser accepts it, and a status spelled
    /// in JSON is the status its text form names.
    #[test]
    fn json_bodies_are_judged_exactly_as_the_parsers_judge_text(text in user_text(), names in prop::collection::vec(user_text(), 0..4)) {
        let json = serde_json::Value::String(text.clone());
        prop_assert_eq!(serde_json::from_value::<Email>(json.clone()).ok(), Email::parse(&text).ok());
        prop_assert_eq!(serde_json::from_value::<Reason>(json.clone()).ok(), Reason::parse(&text).ok());
        prop_assert_eq!(serde_json::from_value::<TimeZone>(json.clone()).ok(), TimeZone::parse(&text).ok());
        prop_assert_eq!(serde_json::from_value::<StayStatus>(json.clone()).ok(), text.parse::<StayStatus>().ok());
        prop_assert_eq!(serde_json::from_value::<ClusterStatus>(json.clone()).ok(), text.parse::<ClusterStatus>().ok());
        prop_assert_eq!(serde_json::from_value::<MemberStatus>(json).ok(), text.parse::<MemberStatus>().ok());
        let list = serde_json::to_value(&names).unwrap();
        prop_assert_eq!(
            serde_json::from_value::<WeekdaySet>(list).ok(),
            WeekdaySet::parse(names.iter().map(String::as_str)).ok()
        );
    }

    /// An error quotes at most a short prefix of what was sent (so a huge
    /// value is never echoed whole into a response or a log line): 32
    /// characters of a date, a local time, a locale or a status, 40 of a
    /// continent, 64 of a zone or an id, 16 of a weekday name.
    #[test]
    fn errors_echo_at_most_a_short_prefix_of_the_input(input in long_user_text()) {
        fn check<E: Display>(result: Result<impl Sized, E>, empty: E, input: &str, keep: usize) -> Result<(), TestCaseError> {
            if let Err(e) = result {
                prop_assert_eq!(e.to_string(), echoed(&empty.to_string(), input, keep));
            }
            Ok(())
        }
        check(parse_date(&input), parse_date("").unwrap_err(), &input, 32)?;
        check(parse_local_time(&input), parse_local_time("").unwrap_err(), &input, 32)?;
        check(Locale::parse(&input), Locale::parse("").unwrap_err(), &input, 32)?;
        check(input.parse::<StayStatus>(), "".parse::<StayStatus>().unwrap_err(), &input, 32)?;
        check(input.parse::<ClusterStatus>(), "".parse::<ClusterStatus>().unwrap_err(), &input, 32)?;
        check(input.parse::<MemberStatus>(), "".parse::<MemberStatus>().unwrap_err(), &input, 32)?;
        check(Continent::parse(&input), Continent::parse("").unwrap_err(), &input, 40)?;
        check(TimeZone::parse(&input), TimeZone::parse("").unwrap_err(), &input, 64)?;
        check(ClusterId::parse(&input), ClusterId::parse("").unwrap_err(), &input, 64)?;
        check(SiteId::parse(&input), SiteId::parse("").unwrap_err(), &input, 64)?;
        check(MemberId::parse(&input), MemberId::parse("").unwrap_err(), &input, 64)?;
        check(StayId::parse(&input), StayId::parse("").unwrap_err(), &input, 64)?;
        check(EventId::parse(&input), EventId::parse("").unwrap_err(), &input, 64)?;
        check(WeekdaySet::parse([input.as_str()]), WeekdaySet::parse([""]).unwrap_err(), &input, 16)?;
    }
}

// ---------------------------------------------------------------------------
// Dates: parse_date
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2000))]

    /// Every real date of a four-digit year, written YYYY-MM-DD, parses back
    /// to itself (year 0000 included).
    #[test]
    fn every_four_digit_year_date_round_trips(date in four_digit_year_date()) {
        prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
    }

    /// Text in the shape YYYY-MM-DD is accepted exactly when its numbers
    /// name a day the calendar has (month 1 to 12, day 1 to the month's
    /// last, 29 February in leap years only), and it is that day.
    #[test]
    fn parse_date_accepts_exactly_the_days_the_calendar_has(year in 0i32..=9999, month in 0u32..=14, day in 0u32..=33) {
        let text = format!("{year:04}-{month:02}-{day:02}");
        let real = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
        match parse_date(&text) {
            Ok(date) => {
                prop_assert!(real, "{text} accepted");
                prop_assert_eq!((date.year(), date.month(), date.day()), (year, month, day));
            }
            Err(_) => prop_assert!(!real, "{text} refused"),
        }
    }

    /// The last day of every month parses and the day after it does not:
    /// 2026-02-28 yes, 2026-02-29 no, 2024-02-29 yes, 2026-04-31 no.
    #[test]
    fn the_last_day_of_a_month_parses_and_the_day_after_it_does_not(year in 0i32..=9999, month in 1u32..=12) {
        let last = days_in_month(year, month);
        let (last_day, day_after) = (format!("{year:04}-{month:02}-{last:02}"), format!("{year:04}-{month:02}-{:02}", last + 1));
        prop_assert!(parse_date(&last_day).is_ok(), "{} refused", last_day);
        prop_assert!(parse_date(&day_after).is_err(), "{} accepted", day_after);
        prop_assert_eq!(parse_date(&format!("{year:04}-02-29")).is_ok(), leap(year));
    }

    /// Dates written almost right are refused: one-digit or three-digit
    /// months and days, two- or five-digit years, white space around, other
    /// separators, a sign, a time or zone after, non-ASCII digits, an ordinal
    /// date, month 00 or 13 and up, day 00 or past the month's end.
    #[test]
    fn near_miss_dates_are_refused(
        date in four_digit_year_date(),
        miss in 0usize..14,
        space in one_space(),
        pick in any::<Index>(),
    ) {
        let (y, m, d) = (date.year(), date.month(), date.day());
        let good = format!("{y:04}-{m:02}-{d:02}");
        let unpadded = |n: u32| if n < 10 { n.to_string() } else { format!("0{n}") };
        let text = match miss {
            0 => format!("{y:04}-{}-{d:02}", unpadded(m)),
            1 => format!("{y:04}-{m:02}-{}", unpadded(d)),
            2 => format!("{:02}-{m:02}-{d:02}", y % 100),
            3 => format!("{y:05}-{m:02}-{d:02}"),
            4 => format!("{space}{good}"),
            5 => format!("{good}{space}"),
            6 => good.replace('-', pick.get::<&str>(&["/", ".", " ", "_", "\u{2013}", "\u{2010}", "--", ""])),
            7 => format!("{}{good}", pick.get(&["+", "-", "\u{feff}", "0"])),
            8 => format!("{good}{}", pick.get(&["T00:00", "Z", "T00:00:00Z", "\0", "0"])),
            9 => {
                // One ASCII digit swapped for a digit of another script.
                let positions = [0, 1, 2, 3, 5, 6, 8, 9];
                let at = *pick.get(&positions);
                let other = pick.get(&['\u{663}', '\u{ff13}', '\u{969}', '\u{7c3}', '\u{1d7d1}']);
                good.chars().enumerate().map(|(i, c)| if i == at { *other } else { c }).collect()
            }
            10 => format!("{y:04}-{:03}", date.ordinal()),
            11 => format!("{y:04}-{:02}-{d:02}", pick.get(&[0, 13, 14, 20, 99])),
            12 => format!("{y:04}-{m:02}-00"),
            _ => {
                let past: Vec<u32> = (days_in_month(y, m) + 1..=99).collect();
                format!("{y:04}-{m:02}-{:02}", pick.get(&past))
            }
        };
        prop_assert!(parse_date(&text).is_err(), "{text:?} accepted");
    }
}

// ---------------------------------------------------------------------------
// Local times of events: parse_local_time, format_local_time, EventTimes
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2000))]

    /// Every whole-minute local time of a four-digit year comes back from
    /// format_local_time as text that parses to the same time.
    #[test]
    fn local_times_round_trip_through_their_written_form(time in whole_minute_local_time()) {
        let text = format_local_time(time);
        prop_assert_eq!(text.len(), 16);
        prop_assert_eq!(parse_local_time(&text), Ok(time));
    }

    /// Text in the shape YYYY-MM-DDTHH:MM is accepted exactly when it names a
    /// real day and a real minute (hours 00 to 23, minutes 00 to 59), and it
    /// is that minute, with no seconds.
    #[test]
    fn parse_local_time_accepts_exactly_real_minutes(
        year in 0i32..=9999, month in 0u32..=13, day in 0u32..=32, hour in 0u32..=26, minute in 0u32..=62,
    ) {
        let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}");
        let real = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day) && hour < 24 && minute < 60;
        match parse_local_time(&text) {
            Ok(t) => {
                prop_assert!(real, "{text} accepted");
                prop_assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()), (year, month, day, hour, minute, 0));
            }
            Err(e) => {
                prop_assert!(!real, "{text} refused");
                prop_assert!(matches!(e, EventTimeError::Malformed(_)));
            }
        }
    }

    /// Local times written almost right are refused: 24:00, minute 60, with
    /// seconds or fractions, with a zone or offset, a space or a small `t`
    /// for the `T`, a one-digit hour, no colon, white space around, or on a
    /// day the calendar lacks.
    #[test]
    fn near_miss_local_times_are_refused(time in whole_minute_local_time(), miss in 0usize..12, space in one_space(), pick in any::<Index>()) {
        let good = format_local_time(time);
        let (date, h, m) = (time.date().format("%Y-%m-%d").to_string(), time.hour(), time.minute());
        let text = match miss {
            0 => format!("{date}T{:02}:{m:02}", pick.get(&[24, 25, 30, 99])),
            1 => format!("{date}T{h:02}:{:02}", pick.get(&[60, 61, 99])),
            2 => format!("{good}{}", pick.get(&[":00", ":00.000", ".5", ":60"])),
            3 => format!("{good}{}", pick.get(&["Z", "+01:00", "-05:00", "[Europe/Warsaw]", " CET"])),
            4 => good.replacen('T', pick.get::<&str>(&[" ", "t", "_", "", "TT"]), 1),
            5 => format!("{date}T{}:{m:02}", if h < 10 { h.to_string() } else { format!("0{h}") }),
            6 => format!("{date}T{h:02}{m:02}"),
            7 => format!("{space}{good}"),
            8 => format!("{good}{space}"),
            9 => format!("{}-02-30T{h:02}:{m:02}", &date[..4]),
            10 => date.clone(),
            _ => format!("{date}T{h:02}:{m:02}").replace(':', pick.get::<&str>(&[".", "h", "\u{2236}", "::"])),
        };
        prop_assert!(parse_local_time(&text).is_err(), "{text:?} accepted");
    }

    /// In UTC the bounds are exact: an event ending at or before its start is
    /// `EndsBeforeStart`, one lasting up to MAX_EVENT_DAYS to the minute is
    /// accepted, one a minute longer is `TooLong`; a start at or before now
    /// is `InThePast`, a start a minute after now is in time.
    #[test]
    fn event_times_hold_their_bounds_to_the_minute(
        start in (four_digit_year_date(), 0u32..24, 0u32..60)
            .prop_filter("a year 1 to 9998 keeps the end representable", |(d, _, _)| (1..9999).contains(&d.year()))
            .prop_map(|(d, h, m)| d.and_hms_opt(h, m, 0).unwrap()),
        minutes in prop_oneof![-3i64..=3, MAX_EVENT_DAYS * 1440 - 3..=MAX_EVENT_DAYS * 1440 + 3, -40_000i64..=40_000],
        now_before_start in -3i64..=3,
    ) {
        let end = start + TimeDelta::minutes(minutes);
        let start_utc = start.and_utc();
        let now = start_utc - TimeDelta::minutes(now_before_start);
        let got = EventTimes::check(start, end, TimeZone::UTC, now);
        let expected = if minutes <= 0 {
            Err(EventTimeError::EndsBeforeStart)
        } else if minutes > MAX_EVENT_DAYS * 1440 {
            Err(EventTimeError::TooLong)
        } else if now_before_start <= 0 {
            Err(EventTimeError::InThePast)
        } else {
            Ok(EventTimes { starts_at: start, ends_at: end, starts_utc: start_utc, ends_utc: end.and_utc() })
        };
        prop_assert_eq!(got, expected);
    }

    /// In every zone of the tz database, accepted event times keep the local
    /// times given, name the instants the zone gives them, end after they
    /// start, last at most MAX_EVENT_DAYS of real time and start after now;
    /// and every refusal is one of those conditions failing.
    #[test]
    fn accepted_event_times_hold_their_bounds_in_every_zone(
        zone in any_zone(),
        start in (four_digit_year_date(), 0u32..24, 0u32..60)
            .prop_filter("a year 1 to 9998 keeps the end representable", |(d, _, _)| (1..9999).contains(&d.year()))
            .prop_map(|(d, h, m)| d.and_hms_opt(h, m, 0).unwrap()),
        minutes in prop_oneof![-200i64..=200, MAX_EVENT_DAYS * 1440 - 200..=MAX_EVENT_DAYS * 1440 + 200, -30_000i64..=30_000],
        now in plausible_now(),
    ) {
        let end = start + TimeDelta::minutes(minutes);
        let (s, e) = (zone.instant_of(start), zone.instant_of(end));
        match EventTimes::check(start, end, zone, now) {
            Ok(t) => {
                prop_assert_eq!((t.starts_at, t.ends_at, t.starts_utc, t.ends_utc), (start, end, s, e));
                prop_assert!(s < e && e - s <= TimeDelta::days(MAX_EVENT_DAYS) && s > now);
            }
            Err(EventTimeError::EndsBeforeStart) => prop_assert!(e <= s),
            Err(EventTimeError::TooLong) => prop_assert!(s < e && e - s > TimeDelta::days(MAX_EVENT_DAYS)),
            Err(EventTimeError::InThePast) => prop_assert!(s < e && e - s <= TimeDelta::days(MAX_EVENT_DAYS) && s <= now),
            Err(other) => return Err(TestCaseError::fail(format!("checked times refused as {other:?}"))),
        }
    }
}

// ---------------------------------------------------------------------------
// Email addresses
// ---------------------------------------------------------------------------

/// How an address is spoiled, and the error that must say so.
#[derive(Debug, Clone, Copy)]
enum AddressMiss {
    SecondAt,
    NoAt,
    SpaceInLocal,
    SpaceInDomain,
    CharInLocal,
    CharInDomain,
    DotsInLocal,
    LocalTooLong,
    EmptyLocal,
    OneLabel,
    NumericTld,
    HyphenAtLabelEdge,
    LabelTooLong,
    EmptyLabel,
    EmptyDomain,
    IpLiteral,
    Quoted,
}

const ADDRESS_MISSES: [AddressMiss; 17] = [
    AddressMiss::SecondAt,
    AddressMiss::NoAt,
    AddressMiss::SpaceInLocal,
    AddressMiss::SpaceInDomain,
    AddressMiss::CharInLocal,
    AddressMiss::CharInDomain,
    AddressMiss::DotsInLocal,
    AddressMiss::LocalTooLong,
    AddressMiss::EmptyLocal,
    AddressMiss::OneLabel,
    AddressMiss::NumericTld,
    AddressMiss::HyphenAtLabelEdge,
    AddressMiss::LabelTooLong,
    AddressMiss::EmptyLabel,
    AddressMiss::EmptyDomain,
    AddressMiss::IpLiteral,
    AddressMiss::Quoted,
];

/// A domain of exactly `len` characters: labels of 50 letters and a last one of 1 to 51.
fn domain_of_length(len: usize) -> String {
    let mut labels = Vec::new();
    let mut left = len;
    while left > 51 {
        labels.push("d".repeat(50));
        left -= 51;
    }
    labels.push("e".repeat(left));
    labels.join(".")
}

proptest! {
    #![proptest_config(config(2000))]

    /// Every address built from the allowed alphabet parses, surrounded by
    /// any white space, as its lower-cased self, with the domain after the `@`.
    #[test]
    fn well_formed_addresses_parse(local in LOCAL, domain in DOMAIN, before in white_space(), after in white_space()) {
        let address = format!("{local}@{domain}");
        let email = Email::parse(&format!("{before}{address}{after}")).unwrap();
        prop_assert_eq!(email.as_str(), address.to_ascii_lowercase());
        prop_assert_eq!(email.domain(), domain.to_ascii_lowercase());
        prop_assert_eq!(email.to_string(), address.to_ascii_lowercase());
    }

    /// Whatever the text, an accepted address is the text trimmed and
    /// lower-cased, pure ASCII, at most 254 characters, with one `@` and
    /// nothing a mail header could trip on (white space, controls, commas,
    /// angle brackets, quotes); case and surrounding white space never
    /// change the answer.
    #[test]
    fn an_accepted_address_is_its_trimmed_lower_cased_text(text in user_text(), before in white_space(), after in white_space()) {
        let parsed = Email::parse(&text);
        prop_assert_eq!(Email::parse(&text.to_ascii_uppercase()), parsed.clone());
        prop_assert_eq!(Email::parse(&format!("{before}{text}{after}")), parsed.clone());
        if let Ok(email) = parsed {
            let s = email.as_str();
            prop_assert_eq!(s, text.trim().to_ascii_lowercase());
            prop_assert!(s.is_ascii() && s.len() <= 254);
            prop_assert_eq!(s.matches('@').count(), 1);
            prop_assert!(!s.chars().any(|c| c.is_ascii_whitespace() || c.is_control() || ",<>\"()[]:;\\".contains(c) || c.is_ascii_uppercase()));
        }
    }

    /// Addresses spoiled in one way are refused, each for its own reason: a
    /// second `@` or none (`NoSingleAt`); white space, a non-ASCII or control
    /// character, a special, dots at the ends or twice, 65 characters or
    /// none before the `@` (`BadLocalPart`); white space or a bad character
    /// in the domain, one label, an all-digit TLD, a hyphen at a label's
    /// edge, a label of 64, an empty label or domain, an IP literal
    /// (`BadDomain`).
    #[test]
    fn near_miss_addresses_are_refused_for_their_reason(
        local in LOCAL,
        domain in DOMAIN,
        miss in select(ADDRESS_MISSES.to_vec()),
        at in any::<Index>(),
        space in select(vec![" ", "\t", "\u{a0}", "\u{2003}", "\r\n"]),
        bad in select(vec!["ż", "é", "İ", "\u{0}", "\u{1b}", "\u{7f}", "\u{200b}", "\u{202e}", "\u{feff}", ",", "<", ">", "\"", "(", ")", "[", "]", ":", ";", "\\", "@@"]),
        tld in "[0-9]{1,4}",
    ) {
        let address = format!("{local}@{domain}");
        let split = local.len();
        let (text, expected) = match miss {
            AddressMiss::SecondAt => (insert(&address, at.index(address.len() + 1), "@"), EmailError::NoSingleAt),
            AddressMiss::NoAt => (address.replacen('@', "", 1), EmailError::NoSingleAt),
            // Strictly inside, where trimming cannot remove it: from after the first character to just before the `@`.
            AddressMiss::SpaceInLocal => (insert(&address, 1 + at.index(split), space), EmailError::BadLocalPart),
            AddressMiss::SpaceInDomain => (insert(&address, split + 1 + at.index(domain.len()), space), EmailError::BadDomain),
            AddressMiss::CharInLocal if bad == "@@" => (insert(&address, at.index(split + 1), bad), EmailError::NoSingleAt),
            AddressMiss::CharInLocal => (insert(&address, at.index(split + 1), bad), EmailError::BadLocalPart),
            AddressMiss::CharInDomain if bad == "@@" => (insert(&address, split + 1 + at.index(domain.len() + 1), bad), EmailError::NoSingleAt),
            AddressMiss::CharInDomain => (insert(&address, split + 1 + at.index(domain.len() + 1), bad), EmailError::BadDomain),
            AddressMiss::DotsInLocal => {
                let dots = *at.get(&[".", ".."]);
                let place = if dots == "." { *at.get(&[0, split]) } else { at.index(split + 1) };
                (insert(&address, place, dots), EmailError::BadLocalPart)
            }
            AddressMiss::LocalTooLong => (format!("{}@{domain}", "l".repeat(65 + at.index(60))), EmailError::BadLocalPart),
            AddressMiss::EmptyLocal => (format!("@{domain}"), EmailError::BadLocalPart),
            AddressMiss::OneLabel => (format!("{local}@{}", domain.split('.').next().unwrap()), EmailError::BadDomain),
            AddressMiss::NumericTld => (format!("{address}.{tld}"), EmailError::BadDomain),
            AddressMiss::HyphenAtLabelEdge => {
                let text = if at.index(2) == 0 { format!("{local}@-{domain}") } else { format!("{local}@{}", domain.replacen('.', "-.", 1)) };
                (text, EmailError::BadDomain)
            }
            AddressMiss::LabelTooLong => (format!("{local}@{}.{domain}", "x".repeat(64)), EmailError::BadDomain),
            AddressMiss::EmptyLabel => {
                let text = match at.index(3) {
                    0 => format!("{local}@.{domain}"),
                    1 => format!("{address}."),
                    _ => format!("{local}@{}", domain.replacen('.', "..", 1)),
                };
                (text, EmailError::BadDomain)
            }
            AddressMiss::EmptyDomain => (format!("{local}@"), EmailError::BadDomain),
            AddressMiss::IpLiteral => (format!("{local}@[192.0.2.{}]", at.index(256)), EmailError::BadDomain),
            AddressMiss::Quoted => (format!("\"{local} x\"@{domain}"), EmailError::BadLocalPart),
        };
        prop_assert_eq!(Email::parse(&text), Err(expected), "{:?}", text);
    }

    /// The SMTP limits hold at their edges: 64 characters before the `@`
    /// and 254 in all are accepted, 65 before the `@` is `BadLocalPart`,
    /// 255 in all is `TooLong`.
    #[test]
    fn the_length_limits_hold_at_their_edges(local_len in 1usize..=64) {
        let local = "a".repeat(local_len);
        let exactly = format!("{local}@{}", domain_of_length(254 - local_len - 1));
        prop_assert_eq!(exactly.len(), 254);
        prop_assert!(Email::parse(&exactly).is_ok(), "{}", exactly);
        let over = format!("{local}@{}", domain_of_length(255 - local_len - 1));
        prop_assert_eq!(Email::parse(&over), Err(EmailError::TooLong));
        prop_assert_eq!(Email::parse(&format!("{}@example.com", "a".repeat(64))).map(|e| e.as_str().len()), Ok(76));
        prop_assert_eq!(Email::parse(&format!("{}@example.com", "a".repeat(65))), Err(EmailError::BadLocalPart));
    }
}

// ---------------------------------------------------------------------------
// Reasons (free text)
// ---------------------------------------------------------------------------

/// Every character that is neither white space nor a control, in ranges.
static VISIBLE: [std::ops::RangeInclusive<char>; 8] = [
    '!'..='~',
    '\u{a1}'..='\u{167f}',
    '\u{1681}'..='\u{1fff}',
    '\u{2010}'..='\u{2027}',
    '\u{2030}'..='\u{205e}',
    '\u{2060}'..='\u{2fff}',
    '\u{3001}'..='\u{d7ff}',
    '\u{e000}'..='\u{10ffff}',
];

/// A character a person may type that is neither white space nor a control.
fn visible_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::ranges(std::borrow::Cow::Borrowed(&VISIBLE)),
        1 => select(vec!['a', 'ż', 'Ł', '€', '😀', '中', '\u{301}', '\u{200b}']),
    ]
}

/// A reason's text: visible characters with spaces, tabs and line breaks
/// (LF, CRLF, CR) between them, `len` characters before line breaks are unified.
fn reason_text(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![8 => visible_char().prop_map(String::from), 1 => select(vec![" ", "\t", "\n", "\r\n", "\r"]).prop_map(String::from)],
        len,
    )
    .prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(config(1000))]

    /// Whatever the text, a reason is accepted exactly when, trimmed, it is
    /// not empty, at most Reason::MAX_CHARS characters and free of control
    /// characters other than tab and line breaks; it is then the trimmed
    /// text with every CRLF and CR made LF; and each refusal names its cause.
    #[test]
    fn a_reason_is_its_trimmed_text_with_line_breaks_unified(text in prop_oneof![user_text(), reason_text(0..=40)]) {
        let trimmed = text.trim();
        let forbidden = trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
        match Reason::parse(&text) {
            Ok(reason) => {
                prop_assert!(!trimmed.is_empty() && trimmed.chars().count() <= Reason::MAX_CHARS && !forbidden);
                prop_assert_eq!(reason.as_str(), trimmed.replace("\r\n", "\n").replace('\r', "\n"));
                prop_assert!(!reason.as_str().contains('\r'));
                prop_assert_eq!(reason.as_str().trim(), reason.as_str());
            }
            Err(ReasonError::Empty) => prop_assert!(trimmed.is_empty()),
            Err(ReasonError::TooLong) => prop_assert!(trimmed.chars().count() > Reason::MAX_CHARS),
            Err(ReasonError::ControlCharacter) => prop_assert!(forbidden),
        }
    }

    /// A reason of up to Reason::MAX_CHARS characters (counted in
    /// characters, not bytes, and not counting the white space around it)
    /// is kept; one character more is `TooLong`.
    #[test]
    fn a_reason_up_to_the_limit_is_kept_and_longer_is_refused(
        first in visible_char(),
        pattern in prop::collection::vec(prop_oneof![6 => visible_char(), 1 => select(vec![' ', '\t', '\n'])], 1..60),
        len in Reason::MAX_CHARS - 6..=Reason::MAX_CHARS + 6,
        last in visible_char(),
        before in white_space(),
        after in white_space(),
    ) {
        let middle = pattern.iter().cycle().take(len - 2);
        let body: String = std::iter::once(first).chain(middle.copied()).chain(std::iter::once(last)).collect();
        let chars = body.chars().count();
        let got = Reason::parse(&format!("{before}{body}{after}"));
        if chars <= Reason::MAX_CHARS {
            prop_assert_eq!(got.map(|r| r.as_str().to_owned()), Ok(body));
        } else {
            prop_assert_eq!(got, Err(ReasonError::TooLong));
        }
    }

    /// A control character other than tab, LF and CR anywhere inside a
    /// reason (escape sequences, NUL, DEL, the C1 controls) is refused.
    #[test]
    fn a_control_character_inside_a_reason_is_refused(
        head in reason_text(1..=20),
        control in prop_oneof![0u32..0x20, 0x7fu32..0xa0].prop_filter_map("not tab or a line break", |n| char::from_u32(n).filter(|c| !matches!(c, '\t' | '\n' | '\r'))),
        tail in reason_text(1..=20),
    ) {
        let text = format!("a{head}{control}{tail}b");
        prop_assert_eq!(Reason::parse(&text), Err(ReasonError::ControlCharacter));
    }
}

// ---------------------------------------------------------------------------
// Locales, zones, ids, weekdays, continents, statuses
// ---------------------------------------------------------------------------

/// `word` with the ASCII letters whose bit is set in `mask` upper-cased.
fn with_case(word: &str, mask: u64) -> String {
    word.chars()
        .enumerate()
        .map(|(i, c)| if (mask >> (i % 64)) & 1 == 1 { c.to_ascii_uppercase() } else { c })
        .collect()
}

/// One of `all`, and its `name` in any case with white space around.
fn dressed<T: Copy + std::fmt::Debug + 'static>(
    all: &[T],
    name: fn(T) -> &'static str,
) -> impl Strategy<Value = (T, String)> {
    (select(all.to_vec()), any::<u64>(), white_space(), white_space()).prop_map(move |(value, mask, before, after)| {
        (value, format!("{before}{}{after}", with_case(name(value), mask)))
    })
}

proptest! {
    #![proptest_config(config(1000))]

    /// `en` and `pl` parse in any case with any white space around, and
    /// come back as their lower-case codes; any other text is refused.
    #[test]
    fn locales_are_en_and_pl_in_any_case_and_nothing_else(
        (locale, text) in dressed(&Locale::ALL, Locale::as_str),
        other in user_text(),
    ) {
        prop_assert_eq!(Locale::parse(&text), Ok(locale));
        prop_assert_eq!(Locale::parse(&locale.to_string()), Ok(locale));
        let known = ["en", "pl"].contains(&other.trim().to_ascii_lowercase().as_str());
        prop_assert_eq!(Locale::parse(&other).is_ok(), known);
    }

    /// Every zone of the tz database parses by its name, with white space
    /// around, to a zone of that name that JSON writes and reads back; the
    /// name with one letter's case changed is refused unless it is itself a
    /// zone's name.
    #[test]
    fn every_zone_parses_by_its_exact_name(tz in select(chrono_tz::TZ_VARIANTS.to_vec()), before in white_space(), after in white_space(), flip in any::<Index>()) {
        let name = tz.name();
        let zone = TimeZone::parse(&format!("{before}{name}{after}")).unwrap();
        prop_assert_eq!(zone.name(), name);
        prop_assert_eq!(zone, TimeZone::from_tz(tz));
        prop_assert_eq!(serde_json::from_str::<TimeZone>(&serde_json::to_string(&zone).unwrap()).unwrap(), zone);
        let letters: Vec<usize> = name.char_indices().filter(|(_, c)| c.is_ascii_alphabetic()).map(|(i, _)| i).collect();
        let at = *flip.get(&letters);
        let flipped: String = name.char_indices().map(|(i, c)| if i == at { if c.is_ascii_uppercase() { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() } } else { c }).collect();
        let is_a_zone = chrono_tz::TZ_VARIANTS.iter().any(|t| t.name() == flipped);
        prop_assert_eq!(TimeZone::parse(&flipped).is_ok(), is_a_zone, "{}", flipped);
    }

    /// Every id of every kind comes back from its text form (lower-case,
    /// hyphenated, 36 characters) as itself, and its other usual spellings
    /// (upper case, no hyphens, braces, `urn:uuid:`, white space around)
    /// parse to the same id.
    #[test]
    fn ids_round_trip_through_every_usual_spelling(n in any::<u128>(), before in white_space(), after in white_space()) {
        fn check<T: Display + PartialEq + std::fmt::Debug + Copy>(
            from: fn(uuid::Uuid) -> T,
            parse: fn(&str) -> Result<T, IdError>,
            n: u128,
            pad: (&str, &str),
        ) -> Result<(), TestCaseError> {
            let uuid = uuid::Uuid::from_u128(n);
            let id = from(uuid);
            let text = id.to_string();
            prop_assert_eq!(text.len(), 36);
            prop_assert_eq!(&text, &uuid.hyphenated().to_string());
            for spelling in [
                text.clone(),
                text.to_ascii_uppercase(),
                uuid.simple().to_string(),
                uuid.simple().to_string().to_ascii_uppercase(),
                uuid.braced().to_string(),
                uuid.urn().to_string(),
                format!("{}{text}{}", pad.0, pad.1),
            ] {
                let parsed = parse(&spelling);
                prop_assert_eq!(parsed.as_ref().ok(), Some(&id), "{}", spelling);
                prop_assert_eq!(parsed.map(|p| p.to_string()).ok(), Some(text.clone()));
            }
            Ok(())
        }
        let pad = (before.as_str(), after.as_str());
        check(ClusterId::from_uuid, ClusterId::parse, n, pad)?;
        check(SiteId::from_uuid, SiteId::parse, n, pad)?;
        check(MemberId::from_uuid, MemberId::parse, n, pad)?;
        check(StayId::from_uuid, StayId::parse, n, pad)?;
        check(EventId::from_uuid, EventId::parse, n, pad)?;
    }

    /// An id spoiled by one character (one dropped, one added, a hex digit
    /// replaced by something else, a hyphen moved or replaced) is refused.
    #[test]
    fn near_miss_ids_are_refused(n in any::<u128>(), miss in 0usize..5, at in any::<Index>(), with in select(vec!["g", "G", "z", "-", "_", "ä", "\u{ff10}", ".", "x", " "])) {
        let text = uuid::Uuid::from_u128(n).hyphenated().to_string();
        let hyphens = [8, 13, 18, 23];
        let digits: Vec<usize> = (0..36).filter(|i| !hyphens.contains(i)).collect();
        let spoiled = match miss {
            0 => { let i = at.index(36); format!("{}{}", &text[..i], &text[i + 1..]) }
            1 => insert(&text, at.index(37), at.get::<&str>(&["0", "a", "F", "-"])),
            2 => { let i = *at.get(&digits); format!("{}{with}{}", &text[..i], &text[i + 1..]) }
            3 => { let i = *at.get(&hyphens); format!("{}{}{}", &text[..i], *at.get(&["0", "_", ":", " "]), &text[i + 1..]) }
            _ => { let i = *at.get(&hyphens); let moved = format!("{}{}", &text[..i], &text[i + 1..]); insert(&moved, i + 1, "-") }
        };
        prop_assert!(SiteId::parse(&spoiled).is_err(), "{:?}", spoiled);
        prop_assert!(StayId::parse(&spoiled).is_err(), "{:?}", spoiled);
    }

    /// Every set of weekdays comes back from its names, in week order, and
    /// from its JSON, as itself.
    #[test]
    fn every_set_of_weekdays_round_trips_through_its_names_and_json(bits in 0u8..128) {
        let set = WeekdaySet::from_bits(bits);
        let names: Vec<&str> = set.names().collect();
        prop_assert_eq!(names.len() as u32, set.len());
        prop_assert_eq!(WeekdaySet::parse(names.iter().copied()), Ok(set));
        let order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        prop_assert!(names.windows(2).all(|w| order.iter().position(|n| *n == w[0]) < order.iter().position(|n| *n == w[1])));
        let json = serde_json::to_string(&set).unwrap();
        prop_assert_eq!(serde_json::from_str::<WeekdaySet>(&json).unwrap(), set);
    }

    /// Weekday names parse to the set of their days whatever their case,
    /// the white space around them, their order or how often each comes.
    #[test]
    fn weekday_names_parse_whatever_their_case_order_or_repeats(picks in prop::collection::vec((0usize..7, any::<u64>(), white_space(), white_space()), 0..15)) {
        let order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let texts: Vec<String> = picks.iter().map(|(day, mask, before, after)| format!("{before}{}{after}", with_case(order[*day], *mask))).collect();
        let days = picks.iter().map(|(day, ..)| chrono::Weekday::try_from(*day as u8).unwrap());
        prop_assert_eq!(WeekdaySet::parse(texts.iter().map(String::as_str)), Ok(WeekdaySet::of(days)));
    }

    /// One name that is no weekday (a full name, another language's, an
    /// abbreviation, empty, or any text) refuses the whole list, and the
    /// error names it.
    #[test]
    fn one_unknown_weekday_name_refuses_the_whole_list(
        valid in prop::collection::vec(select(vec!["mon", "Tue", "WED", " thu ", "fri", "sat", "sun"]), 0..6),
        unknown in prop_oneof![
            select(vec!["monday", "mo", "pon", "", " ", "m0n", "mon,tue", "mön", "\u{ff4d}on", "lun", "montag", "1"]).prop_map(String::from),
            user_text(),
        ].prop_filter("not a weekday", |t| !["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&t.trim().to_ascii_lowercase().as_str())),
        at in any::<Index>(),
    ) {
        let mut list: Vec<&str> = valid.clone();
        list.insert(at.index(valid.len() + 1), &unknown);
        let err = WeekdaySet::parse(list.iter().copied()).unwrap_err();
        prop_assert_eq!(err.to_string(), echoed(&WeekdaySet::parse([""]).unwrap_err().to_string(), &unknown, 16));
    }

    /// The six continents parse by their API names in any case with white
    /// space around; any other text is refused.
    #[test]
    fn continents_parse_by_their_names_and_nothing_else(
        (continent, text) in dressed(&Continent::ALL, Continent::as_str),
        other in user_text(),
    ) {
        prop_assert_eq!(Continent::parse(&text), Ok(continent));
        let known = Continent::ALL.iter().any(|c| c.as_str() == other.trim().to_ascii_lowercase());
        prop_assert_eq!(Continent::parse(&other).is_ok(), known);
    }

    /// A country code finds its continent in any case with white space
    /// around, and only a code of two ASCII letters finds one at all.
    #[test]
    fn country_codes_find_their_continent_in_any_case(a in b'A'..=b'Z', b in b'A'..=b'Z', mask in 0u64..4, before in white_space(), after in white_space(), other in user_text()) {
        let code = String::from_utf8(vec![a, b]).unwrap();
        let found = Continent::of_country(&code);
        prop_assert_eq!(Continent::of_country(&format!("{before}{}{after}", with_case(&code.to_ascii_lowercase(), mask))), found);
        if Continent::of_country(&other).is_some() {
            let trimmed = other.trim();
            prop_assert!(trimmed.len() == 2 && trimmed.chars().all(|c| c.is_ascii_alphabetic()), "{:?}", other);
        }
    }

    /// A status parses only from its exact API spelling (lower case, no
    /// white space); anything else, its upper-case or padded spelling
    /// included, is refused.
    #[test]
    fn statuses_parse_only_from_their_exact_spelling(pick in any::<Index>(), mask in 1u64..u64::MAX, space in one_space(), other in user_text()) {
        let stay = *pick.get(StayStatus::ALL);
        prop_assert_eq!(stay.as_str().parse::<StayStatus>(), Ok(stay));
        prop_assert!(with_case(stay.as_str(), mask).parse::<StayStatus>().is_err() || with_case(stay.as_str(), mask) == stay.as_str());
        let (padded_before, padded_after) = (format!("{space}{stay}"), format!("{stay}{space}"));
        prop_assert!(padded_before.parse::<StayStatus>().is_err(), "{:?}", padded_before);
        prop_assert!(padded_after.parse::<StayStatus>().is_err(), "{:?}", padded_after);
        let cluster = *pick.get(ClusterStatus::ALL);
        prop_assert_eq!(cluster.as_str().parse::<ClusterStatus>(), Ok(cluster));
        let member = *pick.get(MemberStatus::ALL);
        prop_assert_eq!(member.as_str().parse::<MemberStatus>(), Ok(member));
        prop_assert_eq!(other.parse::<StayStatus>().is_ok(), StayStatus::ALL.iter().any(|s| s.as_str() == other));
        prop_assert_eq!(other.parse::<ClusterStatus>().is_ok(), ClusterStatus::ALL.iter().any(|s| s.as_str() == other));
        prop_assert_eq!(other.parse::<MemberStatus>().is_ok(), MemberStatus::ALL.iter().any(|s| s.as_str() == other));
    }
}

// ---------------------------------------------------------------------------
// Numbers and dates users choose: periods, ranges, policies, calendars, searches
// ---------------------------------------------------------------------------

/// The breaches a field's value makes: none inside `min..=max`.
fn breach(field: PolicyField, given: u32, min: u32, max: u32) -> Option<PolicyBreach> {
    if given < min {
        Some(PolicyBreach { field, limit: Limit::AtLeast(min), given })
    } else if given > max {
        Some(PolicyBreach { field, limit: Limit::AtMost(max), given })
    } else {
        None
    }
}

/// A host policy as an admin could type it, its numbers near their bounds.
fn any_draft() -> impl Strategy<Value = PolicyDraft> {
    (around(5, 365), around(1, 365), around(0, 7), around(30, 730), any::<bool>(), around(1, 14), any::<bool>())
        .prop_map(support::policy_draft)
}

/// The breaches of a host policy under a guarantee, in field order.
fn host_breaches(d: &PolicyDraft, guaranteed: u32) -> Vec<PolicyBreach> {
    [
        breach(PolicyField::MaxDaysPerStay, d.max_days_per_stay, guaranteed, 365),
        breach(PolicyField::StaysPerYear, d.stays_per_year, 1, 365),
        breach(PolicyField::MinNoticeDays, d.min_notice_days, 0, 7),
        breach(PolicyField::HorizonDays, d.horizon_days, 30, 730),
        breach(PolicyField::AnswerWindowDays, d.answer_window_days, 1, 14),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The ranges of `days` open days with a free desk on each, the slow way:
/// for each open day, the next `days` open days.
fn brute_force_fits(
    calendar: &SiteCalendar,
    held: &DeskLoad,
    desks: u32,
    window: DateRange,
    days: u32,
    starts: Starts,
) -> Vec<DateRange> {
    let open: Vec<NaiveDate> = window.dates().filter(|d| calendar.is_open(*d)).collect();
    let days = days as usize;
    if days == 0 {
        return Vec::new();
    }
    (0..open.len())
        .filter(|i| i + days <= open.len())
        .filter(|i| open[*i..*i + days].iter().all(|d| held.held_on(*d) < desks))
        .filter(|i| starts.earliest <= open[*i] && open[*i] <= starts.latest)
        .filter_map(|i| DateRange::new(open[i], open[i + days - 1]))
        .collect()
}

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + TimeDelta::days(offset)
}

proptest! {
    #![proptest_config(config(1000))]

    /// A report's period is refused as `Backwards` when it ends before it
    /// starts and as `TooLong` past MAX_PERIOD_DAYS days (both ends
    /// counted); up to MAX_PERIOD_DAYS days it is accepted, and its UTC
    /// bounds span exactly its days from midnight to midnight.
    #[test]
    fn a_period_holds_at_most_max_period_days(
        from in four_digit_year_date(),
        offset in prop_oneof![-3i64..=3, MAX_PERIOD_DAYS as i64 - 4..=MAX_PERIOD_DAYS as i64 + 2, -100_000i64..=100_000],
        a in any_date(),
        b in any_date(),
    ) {
        let to = from + TimeDelta::days(offset);
        match Period::new(from, to) {
            Ok(period) => {
                prop_assert!((0..MAX_PERIOD_DAYS as i64).contains(&offset), "{offset} days accepted");
                prop_assert_eq!((period.from(), period.to()), (from, to));
                let (start, end) = period.utc_bounds();
                prop_assert_eq!(start, from.and_hms_opt(0, 0, 0).unwrap().and_utc());
                prop_assert_eq!(end - start, TimeDelta::days(offset + 1));
            }
            Err(PeriodError::Backwards) => prop_assert!(offset < 0),
            Err(PeriodError::TooLong) => prop_assert!(offset >= MAX_PERIOD_DAYS as i64),
        }
        // Never a panic, at the ends of the calendar too.
        let _ = Period::new(a, b).map(|p| p.utc_bounds());
    }

    /// A date range exists exactly when its end is not before its start; it
    /// then holds both ends and every day between, and no other.
    #[test]
    fn a_date_range_exists_exactly_when_the_end_is_not_before_the_start(a in any_date(), b in any_date(), start in four_digit_year_date(), len in -3i64..400) {
        prop_assert_eq!(DateRange::new(a, b).is_some(), a <= b);
        let end = start + TimeDelta::days(len);
        match DateRange::new(start, end) {
            None => prop_assert!(len < 0),
            Some(range) => {
                prop_assert_eq!(range.len() as i64, len + 1);
                prop_assert!(range.contains(start) && range.contains(end));
                prop_assert!(!range.contains(start - TimeDelta::days(1)) && !range.contains(end + TimeDelta::days(1)));
                prop_assert_eq!(range.dates().count() as i64, len + 1);
            }
        }
    }

    /// A network policy is accepted exactly inside its bounds (guarantee 5 to
    /// 30 days, grace 0 to 365); otherwise every field out of bounds is
    /// reported, in field order, with the bound it broke and the value given.
    #[test]
    fn a_network_policy_is_accepted_exactly_inside_its_bounds(guaranteed in around(5, 30), grace in around(0, 365)) {
        let expected: Vec<PolicyBreach> = [
            breach(PolicyField::GuaranteedDays, guaranteed, 5, 30),
            breach(PolicyField::ReciprocityGraceDays, grace, 0, 365),
        ].into_iter().flatten().collect();
        match NetworkPolicy::new(guaranteed, grace) {
            Ok(p) => {
                prop_assert!(expected.is_empty());
                prop_assert_eq!((p.guaranteed_days(), p.reciprocity_grace_days()), (guaranteed, grace));
            }
            Err(e) => prop_assert_eq!(e.breaches, expected),
        }
    }

    /// A host policy is accepted exactly when every field is inside its
    /// floors (the longest stay at least the network's guarantee and at
    /// most 365, 1 to 365 stays a year, 0 to 7 days' notice, a horizon of 30
    /// to 730 days, 1 to 14 days to answer) and is then the draft given;
    /// otherwise every breach is reported, in field order. A saved policy is
    /// judged the same under the lowest guarantee, 5 days.
    #[test]
    fn a_host_policy_is_accepted_exactly_inside_its_floors(draft in any_draft(), guaranteed in 5u32..=30) {
        let network = NetworkPolicy::new(guaranteed, 30).unwrap();
        match HostPolicy::new(draft, &network) {
            Ok(policy) => {
                prop_assert!(host_breaches(&draft, guaranteed).is_empty());
                prop_assert_eq!(*policy.draft(), draft);
            }
            Err(e) => {
                prop_assert_eq!(&e.breaches, &host_breaches(&draft, guaranteed));
                prop_assert!(e.to_string().starts_with("the policy is below the network's guarantee: "));
            }
        }
        let saved = HostPolicy::from_saved(draft).map_err(|e| e.breaches);
        prop_assert_eq!(saved.map(|p| *p.draft()), if host_breaches(&draft, 5).is_empty() { Ok(draft) } else { Err(host_breaches(&draft, 5)) });
    }

    /// However a site's opening weekdays and closures are set, counting the
    /// open days of a range agrees with listing them, and a range of any
    /// length, to the ends of the calendar, is counted without a panic.
    #[test]
    fn counting_open_days_agrees_with_listing_them(
        bits in any::<u8>(),
        closures in prop::collection::vec(-50i64..450, 0..30),
        start in 0i64..30,
        len in 0i64..400,
        a in any_date(),
        b in any_date(),
    ) {
        let calendar = SiteCalendar::new(WeekdaySet::from_bits(bits), closures.iter().map(|c| day(*c)));
        let range = DateRange::new(day(start), day(start + len)).unwrap();
        prop_assert_eq!(calendar.count_open_days(range), calendar.open_days(range).count() as u64);
        let huge = DateRange::new(a.min(b), a.max(b)).unwrap();
        prop_assert!(calendar.count_open_days(huge) <= huge.len());
    }

    /// For any number of days asked (0, a few, or any u32), any window, any
    /// load and any limit, the availability search offers at most `limit`
    /// ranges, none overlapping another, each of exactly the days asked
    /// with a free desk on every one and a start the host accepts; the first
    /// fits are the earliest such ranges, the nearest fits begin nearest to
    /// the wanted date, and when fewer than `limit` are offered no fitting
    /// range was left out.
    #[test]
    fn every_fit_offered_has_the_days_asked_each_with_a_free_desk(
        bits in any::<u8>(),
        closures in prop::collection::vec(0i64..60, 0..8),
        held in prop::collection::vec((0i64..60, 0u32..4), 0..40),
        desks in 0u32..4,
        days in prop_oneof![4 => 0u32..6, 1 => any::<u32>(), 1 => Just(u32::MAX)],
        window_start in 0i64..10,
        window_len in 0i64..50,
        earliest in -5i64..40,
        latest in 0i64..70,
        wanted in -10i64..70,
        limit in 0usize..5,
    ) {
        let calendar = SiteCalendar::new(WeekdaySet::from_bits(bits), closures.iter().map(|c| day(*c)));
        let held: DeskLoad = held.iter().map(|(d, n)| (day(*d), *n)).collect();
        let site = SiteLoad { calendar: &calendar, held: &held, desks };
        let window = DateRange::new(day(window_start), day(window_start + window_len)).unwrap();
        let starts = Starts { earliest: day(earliest), latest: day(latest) };
        let all = brute_force_fits(&calendar, &held, desks, window, days, starts);
        for fits in [first_fits(site, window, days, starts, limit), nearest_fits(site, window, days, starts, day(wanted), limit)] {
            prop_assert!(fits.len() <= limit);
            for (i, fit) in fits.iter().enumerate() {
                prop_assert!(all.contains(fit), "{fit:?} does not fit");
                prop_assert_eq!(calendar.count_open_days(*fit), u64::from(days));
                prop_assert!(fits[..i].iter().all(|other| !other.overlaps(*fit)));
            }
            if fits.len() < limit {
                prop_assert!(all.iter().all(|f| fits.iter().any(|c| c.overlaps(*f))), "a fitting range was left out");
            }
        }
        let first = first_fits(site, window, days, starts, limit);
        prop_assert!(first.windows(2).all(|w| w[0].end() < w[1].start()));
        if let Some(f) = first.first() {
            prop_assert_eq!(Some(f), all.first());
        }
        let nearest = nearest_fits(site, window, days, starts, day(wanted), limit);
        if let Some(n) = nearest.first() {
            let key = |r: &DateRange| ((r.start() - day(wanted)).num_days().abs(), r.start());
            prop_assert_eq!(Some(key(n)), all.iter().map(key).min());
        }
    }
}
