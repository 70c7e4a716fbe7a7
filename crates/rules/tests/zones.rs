//! "Today" and the answer deadline against cases written out by hand (and
//! checked against Python's zoneinfo, an independent tz implementation): DST
//! days in Europe and North America, the southern hemisphere, the zones
//! furthest from UTC on both sides, and half- and quarter-hour offsets.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use deskvisa_rules::*;
use support::*;

fn zone(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

/// (instant, zone, the date it is there)
const TODAY: &[(&str, &str, &str)] = &[
    // The example: one instant, two dates.
    ("2026-11-28T23:30:00Z", "Pacific/Auckland", "2026-11-29"),
    ("2026-11-28T23:30:00Z", "America/Los_Angeles", "2026-11-28"),
    // Warsaw springs forward on 29 March (02:00 CET -> 03:00 CEST).
    ("2026-03-28T22:59:59Z", "Europe/Warsaw", "2026-03-28"),
    ("2026-03-28T23:00:00Z", "Europe/Warsaw", "2026-03-29"),
    ("2026-03-29T21:59:59Z", "Europe/Warsaw", "2026-03-29"),
    ("2026-03-29T22:00:00Z", "Europe/Warsaw", "2026-03-30"),
    // ... and falls back on 25 October.
    ("2026-10-24T21:59:59Z", "Europe/Warsaw", "2026-10-24"),
    ("2026-10-24T22:00:00Z", "Europe/Warsaw", "2026-10-25"),
    ("2026-10-25T22:59:59Z", "Europe/Warsaw", "2026-10-25"),
    ("2026-10-25T23:00:00Z", "Europe/Warsaw", "2026-10-26"),
    // New York springs forward on 8 March, falls back on 1 November.
    ("2026-03-08T04:59:59Z", "America/New_York", "2026-03-07"),
    ("2026-03-08T05:00:00Z", "America/New_York", "2026-03-08"),
    ("2026-03-09T03:59:59Z", "America/New_York", "2026-03-08"),
    ("2026-03-09T04:00:00Z", "America/New_York", "2026-03-09"),
    ("2026-11-01T03:59:59Z", "America/New_York", "2026-10-31"),
    ("2026-11-01T04:00:00Z", "America/New_York", "2026-11-01"),
    ("2026-11-02T04:59:59Z", "America/New_York", "2026-11-01"),
    ("2026-11-02T05:00:00Z", "America/New_York", "2026-11-02"),
    // Auckland leaves summer time on 5 April (+13 -> +12), enters it on 27 September.
    ("2026-04-04T10:59:59Z", "Pacific/Auckland", "2026-04-04"),
    ("2026-04-04T11:00:00Z", "Pacific/Auckland", "2026-04-05"),
    ("2026-04-05T11:59:59Z", "Pacific/Auckland", "2026-04-05"),
    ("2026-04-05T12:00:00Z", "Pacific/Auckland", "2026-04-06"),
    ("2026-09-26T11:59:59Z", "Pacific/Auckland", "2026-09-26"),
    ("2026-09-26T12:00:00Z", "Pacific/Auckland", "2026-09-27"),
    ("2026-09-27T10:59:59Z", "Pacific/Auckland", "2026-09-27"),
    ("2026-09-27T11:00:00Z", "Pacific/Auckland", "2026-09-28"),
    // +14 and -10, -11.
    ("2026-11-28T09:59:59Z", "Pacific/Kiritimati", "2026-11-28"),
    ("2026-11-28T10:00:00Z", "Pacific/Kiritimati", "2026-11-29"),
    ("2026-11-29T09:59:59Z", "Pacific/Honolulu", "2026-11-28"),
    ("2026-11-29T10:00:00Z", "Pacific/Honolulu", "2026-11-29"),
    ("2026-11-29T10:59:59Z", "Pacific/Pago_Pago", "2026-11-28"),
    ("2026-11-29T11:00:00Z", "Pacific/Pago_Pago", "2026-11-29"),
    // One instant, 25 hours apart: two dates apart.
    ("2026-11-28T10:30:00Z", "Pacific/Kiritimati", "2026-11-29"),
    ("2026-11-28T10:30:00Z", "Pacific/Pago_Pago", "2026-11-27"),
    // +5:30 and +5:45.
    ("2026-11-28T18:29:59Z", "Asia/Kolkata", "2026-11-28"),
    ("2026-11-28T18:30:00Z", "Asia/Kolkata", "2026-11-29"),
    ("2026-11-28T18:14:59Z", "Asia/Kathmandu", "2026-11-28"),
    ("2026-11-28T18:15:00Z", "Asia/Kathmandu", "2026-11-29"),
];

#[test]
fn today_is_the_date_in_the_host_zone() {
    for (instant, name, expected) in TODAY {
        assert_eq!(zone(name).date_at(t(instant)), d(expected), "{instant} in {name}");
    }
}

/// (requested at, answer window in days, stay start, zone, deadline)
const DEADLINES: &[(&str, u32, &str, &str, &str)] = &[
    // Across the spring change: midnight of the 30th is CEST (+2).
    ("2026-03-27T12:00:00Z", 3, "2026-03-30", "Europe/Warsaw", "2026-03-29T22:00:00Z"),
    // The day of the change begins in CET (+1).
    ("2026-03-27T12:00:00Z", 3, "2026-03-29", "Europe/Warsaw", "2026-03-28T23:00:00Z"),
    // The window is 3 × 24 hours, not three local days.
    ("2026-03-20T09:00:00Z", 3, "2026-04-01", "Europe/Warsaw", "2026-03-23T09:00:00Z"),
    // The day after the autumn change begins in CET again.
    ("2026-10-23T12:00:00Z", 3, "2026-10-26", "Europe/Warsaw", "2026-10-25T23:00:00Z"),
    ("2026-11-01T00:00:00Z", 1, "2026-11-02", "America/New_York", "2026-11-02T00:00:00Z"),
    ("2026-10-31T12:00:00Z", 3, "2026-11-01", "America/New_York", "2026-11-01T04:00:00Z"),
    ("2026-03-06T12:00:00Z", 3, "2026-03-08", "America/New_York", "2026-03-08T05:00:00Z"),
    ("2026-03-06T12:00:00Z", 3, "2026-03-09", "America/New_York", "2026-03-09T04:00:00Z"),
    ("2026-11-27T00:00:00Z", 3, "2026-11-29", "Pacific/Auckland", "2026-11-28T11:00:00Z"),
    ("2026-04-01T00:00:00Z", 14, "2026-04-05", "Pacific/Auckland", "2026-04-04T11:00:00Z"),
    ("2026-04-01T00:00:00Z", 14, "2026-04-06", "Pacific/Auckland", "2026-04-05T12:00:00Z"),
    ("2026-11-28T00:00:00Z", 14, "2026-12-01", "Pacific/Kiritimati", "2026-11-30T10:00:00Z"),
    ("2026-11-28T00:00:00Z", 14, "2026-12-01", "Pacific/Honolulu", "2026-12-01T10:00:00Z"),
    ("2026-11-28T00:00:00Z", 14, "2026-12-01", "Pacific/Pago_Pago", "2026-12-01T11:00:00Z"),
    ("2026-11-28T00:00:00Z", 14, "2026-12-01", "Asia/Kolkata", "2026-11-30T18:30:00Z"),
    ("2026-11-28T00:00:00Z", 14, "2026-12-01", "Asia/Kathmandu", "2026-11-30T18:15:00Z"),
    ("2026-11-28T00:00:00Z", 1, "2026-12-01", "Asia/Kathmandu", "2026-11-29T00:00:00Z"),
    // Requested on the first day itself: the deadline is already behind.
    ("2026-12-01T12:00:00Z", 3, "2026-12-01", "Europe/Warsaw", "2026-11-30T23:00:00Z"),
    // Zones whose clocks jump over midnight: the day begins at 01:00.
    ("2026-09-01T00:00:00Z", 14, "2026-09-06", "America/Santiago", "2026-09-06T04:00:00Z"),
    ("2026-03-20T00:00:00Z", 14, "2026-03-29", "Asia/Beirut", "2026-03-28T22:00:00Z"),
    ("2026-03-20T00:00:00Z", 14, "2026-03-28", "Asia/Beirut", "2026-03-27T22:00:00Z"),
];

#[test]
fn the_answer_deadline_is_the_window_or_the_first_instant_of_the_stay() {
    for (requested, window, start, name, expected) in DEADLINES {
        assert_eq!(
            answer_deadline(t(requested), *window, d(start), zone(name)),
            t(expected),
            "requested {requested}, window {window}, start {start} in {name}"
        );
    }
}

#[test]
fn a_day_that_begins_after_a_jump_begins_on_the_new_offset() {
    let santiago = zone("America/Santiago");
    let start = santiago.start_of_day(d("2026-09-06"));
    assert_eq!(santiago.date_at(start), d("2026-09-06"));
    assert_eq!(santiago.date_at(start - chrono::TimeDelta::seconds(1)), d("2026-09-05"));
}

#[test]
fn decide_uses_the_host_zone_for_today_at_the_ends_of_the_earth() {
    // 10:30 UTC on 28 November: already the 29th at Kiritimati (+14), still
    // the 27th at Pago Pago (-11). With one day of notice, a stay on the 29th
    // is too soon at the first and fine at the second.
    let now = t("2026-11-28T10:30:00Z");
    let stay = request("2026-11-30", "2026-11-30"); // a Monday
    let mut w = world();
    w.site.zone = zone("Pacific/Kiritimati");
    accepted(decide(&w, &stay, now));
    let tomorrow_there = request("2026-11-29", "2026-11-30");
    refused_with(&decide(&w, &tomorrow_there, now), &["too_soon"]);
    w.site.zone = zone("Pacific/Pago_Pago");
    w.site.calendar = SiteCalendar::new(WeekdaySet::ALL, []);
    accepted(decide(&w, &request("2026-11-28", "2026-11-29"), now));
    refused_with(&decide(&w, &request("2026-11-27", "2026-11-28"), now), &["too_soon"]);
}
