//! Dates and instants written the way each locale writes them in running
//! text: "Monday, 9 March 2026" / "poniedziałek, 9 marca 2026", a span of
//! wall-clock time at a site, and an instant in a site's time zone with the
//! zone named.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc, Weekday};
use deskvisa_rules::{Locale, TimeZone};

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Polish month names in the genitive, as used after a day number.
const PL_MONTHS: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// Polish month names in the nominative, as a calendar's caption names them.
const PL_MONTHS_NOMINATIVE: [&str; 12] = [
    "styczeń",
    "luty",
    "marzec",
    "kwiecień",
    "maj",
    "czerwiec",
    "lipiec",
    "sierpień",
    "wrzesień",
    "październik",
    "listopad",
    "grudzień",
];

/// A month as a calendar's caption names it: "March 2026" / "marzec 2026".
pub fn month_and_year(locale: Locale, date: NaiveDate) -> String {
    let name = match locale {
        Locale::En => EN_MONTHS.get(date.month0() as usize),
        Locale::Pl => PL_MONTHS_NOMINATIVE.get(date.month0() as usize),
    };
    format!("{} {}", name.copied().unwrap_or(""), date.year())
}

const WEEKDAYS_EN: [(&str, &str); 7] = [
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
];

const WEEKDAYS_PL: [(&str, &str); 7] = [
    ("pon.", "poniedziałek"),
    ("wt.", "wtorek"),
    ("śr.", "środa"),
    ("czw.", "czwartek"),
    ("pt.", "piątek"),
    ("sob.", "sobota"),
    ("niedz.", "niedziela"),
];

/// A weekday's short and full names: ("Mon", "Monday") / ("pon.", "poniedziałek").
pub fn weekday(locale: Locale, day: Weekday) -> (&'static str, &'static str) {
    let names = match locale {
        Locale::En => &WEEKDAYS_EN,
        Locale::Pl => &WEEKDAYS_PL,
    };
    names[day.num_days_from_monday() as usize]
}

fn weekday_name(locale: Locale, day: Weekday) -> &'static str {
    weekday(locale, day).1
}

fn month_name(locale: Locale, month0: u32) -> &'static str {
    let months = match locale {
        Locale::En => &EN_MONTHS,
        Locale::Pl => &PL_MONTHS,
    };
    months.get(month0 as usize).copied().unwrap_or("")
}

/// "9 March 2026" / "9 marca 2026".
pub fn day_month_year(locale: Locale, date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_name(locale, date.month0()), date.year())
}

/// "Monday, 9 March 2026" / "poniedziałek, 9 marca 2026".
pub fn long_date(locale: Locale, date: NaiveDate) -> String {
    format!("{}, {}", weekday_name(locale, date.weekday()), day_month_year(locale, date))
}

/// A compact range of days: "9–13 March 2026", "30 March – 3 April 2026",
/// "28 December 2026 – 2 January 2027" (and so in Polish); one day alone
/// when the range is a single day.
pub fn date_range(locale: Locale, start: NaiveDate, end: NaiveDate) -> String {
    if start >= end {
        day_month_year(locale, start)
    } else if start.year() != end.year() {
        format!("{} – {}", day_month_year(locale, start), day_month_year(locale, end))
    } else if start.month() != end.month() {
        format!("{} {} – {}", start.day(), month_name(locale, start.month0()), day_month_year(locale, end))
    } else {
        format!("{}–{}", start.day(), day_month_year(locale, end))
    }
}

/// A span of wall-clock time, as an event's times are given: "Tuesday,
/// 10 March 2026, 17:00–19:00" / "wtorek, 10 marca 2026, 17:00–19:00"; both
/// ends written out in full when it ends on a later day ("Friday, 13 March
/// 2026, 22:00 – Saturday, 14 March 2026, 02:00"). No zone: the caller names
/// it once for the whole text.
pub fn time_span(locale: Locale, start: NaiveDateTime, end: NaiveDateTime) -> String {
    let end = end.max(start);
    let clock = |t: NaiveDateTime| format!("{:02}:{:02}", t.hour(), t.minute());
    if start.date() == end.date() {
        format!("{}, {}–{}", long_date(locale, start.date()), clock(start), clock(end))
    } else {
        format!(
            "{}, {} – {}, {}",
            long_date(locale, start.date()),
            clock(start),
            long_date(locale, end.date()),
            clock(end)
        )
    }
}

/// The instant in the zone named `zone` (UTC when the name is unknown), with
/// the zone named: "4 March 2026, 00:00 (Europe/Copenhagen)".
pub fn instant_in_zone(locale: Locale, instant: DateTime<Utc>, zone: &str) -> String {
    let zone = TimeZone::parse(zone).unwrap_or(TimeZone::UTC);
    let local = instant.with_timezone(&zone.tz());
    format!(
        "{}, {:02}:{:02} ({})",
        day_month_year(locale, local.date_naive()),
        local.hour(),
        local.minute(),
        zone.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn english_and_polish_long_dates() {
        assert_eq!(long_date(Locale::En, date(2026, 3, 9)), "Monday, 9 March 2026");
        assert_eq!(long_date(Locale::Pl, date(2026, 3, 9)), "poniedziałek, 9 marca 2026");
        assert_eq!(long_date(Locale::Pl, date(2026, 9, 30)), "środa, 30 września 2026");
        assert_eq!(long_date(Locale::Pl, date(2026, 10, 4)), "niedziela, 4 października 2026");
        assert_eq!(long_date(Locale::En, date(2027, 1, 1)), "Friday, 1 January 2027");
    }

    #[test]
    fn compact_ranges() {
        let d = |m, day| date(2026, m, day);
        assert_eq!(date_range(Locale::En, d(3, 9), d(3, 13)), "9–13 March 2026");
        assert_eq!(date_range(Locale::Pl, d(3, 9), d(3, 13)), "9–13 marca 2026");
        assert_eq!(date_range(Locale::Pl, d(3, 30), d(4, 3)), "30 marca – 3 kwietnia 2026");
        assert_eq!(date_range(Locale::En, d(12, 28), date(2027, 1, 2)), "28 December 2026 – 2 January 2027");
        assert_eq!(date_range(Locale::En, d(5, 4), d(5, 4)), "4 May 2026");
    }

    #[test]
    fn a_calendar_caption_names_the_month_in_the_nominative() {
        assert_eq!(month_and_year(Locale::En, date(2027, 3, 1)), "March 2027");
        assert_eq!(month_and_year(Locale::Pl, date(2027, 3, 1)), "marzec 2027");
        assert_eq!(month_and_year(Locale::Pl, date(2026, 12, 31)), "grudzień 2026");
    }

    #[test]
    fn every_polish_month_is_genitive() {
        let names: Vec<String> = (1..=12).map(|m| day_month_year(Locale::Pl, date(2026, m, 1))).collect();
        assert_eq!(names[0], "1 stycznia 2026");
        assert_eq!(names[1], "1 lutego 2026");
        assert_eq!(names[5], "1 czerwca 2026");
        assert_eq!(names[11], "1 grudnia 2026");
    }

    #[test]
    fn time_spans_on_one_day_and_across_midnight() {
        let at = |d: u32, h: u32, m: u32| date(2026, 3, d).and_hms_opt(h, m, 0).unwrap();
        assert_eq!(time_span(Locale::En, at(10, 17, 0), at(10, 19, 30)), "Tuesday, 10 March 2026, 17:00–19:30");
        assert_eq!(time_span(Locale::Pl, at(10, 8, 5), at(10, 9, 0)), "wtorek, 10 marca 2026, 08:05–09:00");
        assert_eq!(
            time_span(Locale::En, at(13, 22, 0), at(14, 2, 0)),
            "Friday, 13 March 2026, 22:00 – Saturday, 14 March 2026, 02:00"
        );
        // An end before the start is read as no length at all.
        assert_eq!(time_span(Locale::En, at(10, 17, 0), at(10, 16, 0)), "Tuesday, 10 March 2026, 17:00–17:00");
    }

    #[test]
    fn an_instant_is_shown_in_the_site_zone_with_the_zone_named() {
        let instant = date(2026, 3, 3).and_hms_opt(23, 0, 0).unwrap().and_utc();
        assert_eq!(
            instant_in_zone(Locale::En, instant, "Europe/Copenhagen"),
            "4 March 2026, 00:00 (Europe/Copenhagen)"
        );
        assert_eq!(instant_in_zone(Locale::Pl, instant, "Europe/Warsaw"), "4 marca 2026, 00:00 (Europe/Warsaw)");
        // Summer time: UTC+2.
        let summer = date(2026, 7, 1).and_hms_opt(10, 30, 0).unwrap().and_utc();
        assert_eq!(instant_in_zone(Locale::En, summer, "Europe/Warsaw"), "1 July 2026, 12:30 (Europe/Warsaw)");
        assert_eq!(instant_in_zone(Locale::En, instant, "Mars/Olympus"), "3 March 2026, 23:00 (UTC)");
    }
}
