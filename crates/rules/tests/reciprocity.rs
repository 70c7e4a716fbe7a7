//! Reciprocity standing (DOMAIN.md's `home_not_reciprocating`) against a
//! slow, obvious reading of its definition over generated clusters: sites
//! whose desks and opening days change at any instant in zones with and
//! without daylight saving, closures, a joining date, and tallies of answers.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use deskvisa_rules::*;
use proptest::prelude::*;
use support::{d, site_offer};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// One generated site: its zone, its changes and its closed dates.
#[derive(Debug, Clone)]
struct GenSite {
    zone: TimeZone,
    changes: Vec<OfferChange>,
    closed: Vec<NaiveDate>,
}

/// Zones with midnights that jump (Havana, Santiago), half hours (Kolkata)
/// and both hemispheres.
fn zone() -> impl Strategy<Value = TimeZone> {
    prop::sample::select(vec![
        "UTC",
        "Europe/Warsaw",
        "Asia/Tokyo",
        "Asia/Kolkata",
        "America/Sao_Paulo",
        "America/Havana",
        "America/Santiago",
        "Pacific/Auckland",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
    ])
    .prop_map(|name| TimeZone::parse(name).unwrap())
}

fn gen_site(now: DateTime<Utc>, today: NaiveDate) -> impl Strategy<Value = GenSite> {
    (
        zone(),
        prop::collection::vec((-200i64 * 86_400..10 * 86_400, 0u32..3, 0u8..128), 0..5),
        prop::collection::vec(-70i64..50, 0..40),
    )
        .prop_map(move |(zone, changes, closed)| GenSite {
            zone,
            changes: changes
                .into_iter()
                .map(|(offset, desks, bits)| OfferChange {
                    at: now + chrono::TimeDelta::seconds(offset),
                    desks,
                    open: WeekdaySet::from_bits(bits),
                })
                .collect(),
            closed: closed.into_iter().map(|c| add(today, c)).collect(),
        })
}

fn add(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 { date + Days::new(days as u64) } else { date - Days::new(days.unsigned_abs()) }
}

/// The definition read literally: a shape offers a day when it was in force
/// at some instant of that local day, with a desk, on an open weekday, and
/// the day is not closed.
fn offered(site: &GenSite, day: NaiveDate) -> bool {
    if site.closed.contains(&day) {
        return false;
    }
    let (day_starts, day_ends) = (site.zone.start_of_day(day), site.zone.start_of_day(day.succ_opt().unwrap()));
    let mut changes = site.changes.clone();
    changes.sort_by_key(|c| c.at);
    changes.iter().enumerate().any(|(i, c)| {
        let ends = changes.get(i + 1).map(|n| n.at);
        c.desks > 0 && c.open.contains(day.weekday()) && c.at < day_ends && ends.is_none_or(|ends| ends > day_starts)
    })
}

fn hosting(sites: &[GenSite], joined_on: NaiveDate, answers: Answers) -> Hosting {
    Hosting {
        joined_on,
        sites: sites.iter().map(|s| SiteOffer::new(s.zone, s.changes.clone(), s.closed.clone())).collect(),
        answers,
    }
}

fn world() -> impl Strategy<Value = (DateTime<Utc>, Vec<GenSite>, i64, u32, Answers)> {
    (1_767_225_600i64..1_830_297_600).prop_flat_map(|secs| {
        let now = DateTime::from_timestamp(secs, 0).unwrap();
        let today = TimeZone::UTC.date_at(now);
        (
            Just(now),
            prop::collection::vec(gen_site(now, today), 0..4),
            -300i64..5,
            0u32..=60,
            (0u32..3, 0u32..6, any::<bool>()).prop_map(move |(approved, refused, dated)| Answers {
                approved,
                refused,
                first_refused_at: (dated && refused > 0).then_some(now - chrono::TimeDelta::days(40)),
            }),
        )
    })
}

proptest! {
    #![proptest_config(config(3000))]

    /// Standing is exactly the definition: (a) no day of the last grace
    /// period (and none since joining) offered a bookable desk-day, or (b)
    /// at least three refusals within the guarantee and no approval.
    #[test]
    fn standing_is_the_definition((now, sites, joined_back, grace, answers) in world()) {
        let today = TimeZone::UTC.date_at(now);
        let joined_on = add(today, joined_back);
        let network = NetworkPolicy::new(5, grace).unwrap();
        let g = i64::from(grace.max(MIN_WINDOW_DAYS));
        let any_offer = |day: NaiveDate| sites.iter().any(|s| offered(s, day));
        let window_offers = (0..g).any(|back| any_offer(add(today, -back)));
        let ground_a = joined_on <= add(today, 1 - g) && !window_offers;
        let ground_b = answers.approved == 0 && answers.refused >= 3 && answers.first_refused_at.is_some();

        let got = standing(&hosting(&sites, joined_on, answers), &network, today);
        prop_assert_eq!(got.may_send(), !(ground_a || ground_b), "{:?}", got);
        match got {
            Standing::NotReciprocating(lapse) => {
                prop_assert_eq!(lapse.nothing_offered_since.is_some(), ground_a);
                prop_assert_eq!(lapse.none_approved.is_some(), ground_b);
                if let Some(since) = lapse.nothing_offered_since {
                    // Nothing from `since` to today, and the day before offered
                    // (or the cluster joined that day).
                    let mut day = since;
                    while day <= today { prop_assert!(!any_offer(day), "{} offered", day); day = day.succ_opt().unwrap(); }
                    prop_assert!(since == joined_on || any_offer(since.pred_opt().unwrap()), "since {}", since);
                }
                if let Some(n) = lapse.none_approved {
                    prop_assert_eq!(n.refused, answers.refused);
                }
            }
            Standing::InGrace { nothing_offered_since, lapses_on } => {
                prop_assert!(lapses_on > today);
                prop_assert_eq!(lapses_on, add(nothing_offered_since, g - 1));
                let mut day = nothing_offered_since;
                while day <= lapses_on { prop_assert!(!any_offer(day), "{} offered", day); day = day.succ_opt().unwrap(); }
            }
            Standing::Reciprocating => {
                // Offered today, or before the grace that began after the last
                // offered day (or on joining, which may lie ahead) runs out.
                let horizon = add(today.max(joined_on), g - 1);
                let mut day = today;
                let mut offered = false;
                while day <= horizon && !offered { offered = any_offer(day); day = day.succ_opt().unwrap(); }
                prop_assert!(offered, "nothing offered from {} to {}", today, horizon);
            }
        }
    }

    /// A further site, open every day with a desk since before the window,
    /// never makes a cluster lose ground (a).
    #[test]
    fn another_open_site_never_hurts((now, mut sites, joined_back, grace, _) in world()) {
        let today = TimeZone::UTC.date_at(now);
        let joined_on = add(today, joined_back);
        let network = NetworkPolicy::new(5, grace).unwrap();
        let before = standing(&hosting(&sites, joined_on, Answers::default()), &network, today);
        sites.push(GenSite {
            zone: TimeZone::UTC,
            changes: vec![OfferChange { at: now - chrono::TimeDelta::days(400), desks: 1, open: WeekdaySet::ALL }],
            closed: Vec::new(),
        });
        let after = standing(&hosting(&sites, joined_on, Answers::default()), &network, today);
        prop_assert_eq!(after, Standing::Reciprocating, "was {:?}", before);
    }
}

#[test]
fn a_weekend_is_no_warning_but_desks_gone_for_good_are() {
    let network = NetworkPolicy::default();
    let open = |changes: &[(&str, u32, WeekdaySet)]| Hosting {
        joined_on: d("2020-01-01"),
        sites: vec![site_offer("Europe/Warsaw", changes, &[])],
        answers: Answers::default(),
    };
    let weekdays = open(&[("2020-01-01T00:00:00Z", 3, WeekdaySet::MON_TO_FRI)]);
    // Saturday 7 March 2026.
    assert_eq!(standing(&weekdays, &network, d("2026-03-07")), Standing::Reciprocating);

    // The desks went on Friday 6 March at 17:00 Warsaw time: in grace from
    // Saturday, no longer reciprocating from 4 April, thirty days later.
    let gone = open(&[
        ("2020-01-01T00:00:00Z", 3, WeekdaySet::MON_TO_FRI),
        ("2026-03-06T16:00:00Z", 0, WeekdaySet::MON_TO_FRI),
    ]);
    assert_eq!(
        standing(&gone, &network, d("2026-03-07")),
        Standing::InGrace { nothing_offered_since: d("2026-03-07"), lapses_on: d("2026-04-05") }
    );
    assert!(standing(&gone, &network, d("2026-04-04")).may_send());
    assert_eq!(
        standing(&gone, &network, d("2026-04-05")),
        Standing::NotReciprocating(Lapse { nothing_offered_since: Some(d("2026-03-07")), none_approved: None })
    );
}

#[test]
fn a_closure_of_the_next_weeks_warns_only_when_it_outlasts_the_grace() {
    let network = NetworkPolicy::default();
    let closed_for = |days: u64| -> Hosting {
        let closed: Vec<String> = (0..days).map(|n| (d("2026-03-09") + Days::new(n)).to_string()).collect();
        let closed: Vec<&str> = closed.iter().map(String::as_str).collect();
        Hosting {
            joined_on: d("2020-01-01"),
            sites: vec![site_offer("UTC", &[("2020-01-01T00:00:00Z", 2, WeekdaySet::ALL)], &closed)],
            answers: Answers::default(),
        }
    };
    // Closed from Monday 9 March: on the 10th, the last offered day was the 8th.
    assert_eq!(standing(&closed_for(14), &network, d("2026-03-10")), Standing::Reciprocating);
    assert_eq!(
        standing(&closed_for(60), &network, d("2026-03-10")),
        Standing::InGrace { nothing_offered_since: d("2026-03-09"), lapses_on: d("2026-04-07") }
    );
}
