//! Properties of `decide` over thousands of generated worlds: the guarantee,
//! capacity, determinism and freedom from panics, and indifference to the
//! member's own time zone.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use deskvisa_rules::*;
use proptest::prelude::*;
use support::{cluster, site, stay_id};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn any_zone() -> impl Strategy<Value = TimeZone> {
    prop::sample::select(chrono_tz::TZ_VARIANTS.to_vec()).prop_map(TimeZone::from_tz)
}

/// Instants between 1990 and 2100.
fn plausible_now() -> impl Strategy<Value = DateTime<Utc>> {
    (631_152_000i64..4_102_444_800).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

/// Any instant chrono can hold.
fn any_now() -> impl Strategy<Value = DateTime<Utc>> {
    let (lo, hi) = (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp());
    prop_oneof![
        1 => Just(DateTime::<Utc>::MIN_UTC),
        1 => Just(DateTime::<Utc>::MAX_UTC),
        8 => (lo..=hi).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
        8 => plausible_now(),
    ]
}

fn add(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs())).unwrap_or(NaiveDate::MAX)
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(NaiveDate::MIN)
    }
}

/// A network policy and a host policy that passed its floors under it.
fn policies() -> impl Strategy<Value = (NetworkPolicy, HostPolicy)> {
    (5u32..=30, 0u32..=365).prop_flat_map(|(guaranteed, grace)| {
        let network = NetworkPolicy::new(guaranteed, grace).unwrap();
        (guaranteed..=365u32, 1u32..=365, 0u32..=7, 30u32..=730, any::<bool>(), 1u32..=14, any::<bool>())
            .prop_map(move |numbers| (network, HostPolicy::new(support::policy_draft(numbers), &network).unwrap()))
    })
}

const HOME: u128 = 1;
const HOST: u128 = 2;

/// A stay of the member, with dates as offsets from an anchor date.
#[derive(Debug, Clone)]
struct StaySeed {
    host: u128,
    start: i64,
    len: i64,
    status: StayStatus,
    no_show: bool,
}

fn stay_seeds() -> impl Strategy<Value = Vec<StaySeed>> {
    prop::collection::vec(
        (1u128..=4, -500i64..500, 0i64..15, prop::sample::select(StayStatus::ALL.to_vec()), prop::bool::weighted(0.1))
            .prop_map(|(host, start, len, status, no_show)| StaySeed { host, start, len, status, no_show }),
        0..60,
    )
}

fn member_stays(seeds: &[StaySeed], anchor: NaiveDate) -> Vec<MemberStay> {
    seeds
        .iter()
        .enumerate()
        .map(|(i, s)| MemberStay {
            id: stay_id(i as u128),
            site: site(s.host * 10),
            host_cluster: cluster(s.host),
            start_date: add(anchor, s.start),
            end_date: add(anchor, s.start + s.len),
            status: s.status,
            no_show: s.no_show,
        })
        .collect()
}

fn snapshot(
    network: NetworkPolicy,
    policy: HostPolicy,
    zone: TimeZone,
    desks: u32,
    calendar: SiteCalendar,
) -> Snapshot {
    Snapshot {
        network,
        member: MemberFacts {
            id: MemberId::from_uuid(support::uuid(500)),
            status: MemberStatus::Active,
            vouched_until: None,
        },
        home: HomeCluster {
            id: cluster(HOME),
            status: ClusterStatus::Active,
            zone: TimeZone::UTC,
            hosting: support::hosting_all_along(),
        },
        host: HostCluster { id: cluster(HOST), status: ClusterStatus::Active, policy },
        site: SiteFacts { id: site(HOST * 10), zone, desks, calendar },
        member_stays: Vec::new(),
        held: DeskLoad::default(),
    }
}

/// A home cluster whose only site, open every day, lost its desks at `at`.
fn desks_gone_at(at: DateTime<Utc>) -> Hosting {
    let long_ago = DateTime::<Utc>::MIN_UTC;
    Hosting {
        joined_on: NaiveDate::MIN,
        sites: vec![SiteOffer::new(
            TimeZone::UTC,
            [
                OfferChange { at: long_ago, desks: 4, open: WeekdaySet::ALL },
                OfferChange { at, desks: 0, open: WeekdaySet::ALL },
            ],
            [],
        )],
        answers: Answers::default(),
    }
}

/// Counts, the slow and obvious way, whether a new stay starting on `start`
/// keeps the member within the host's quota: every window d..=d+364 that
/// holds `start` is tried.
fn within_quota_brute_force(stays: &[MemberStay], host: ClusterId, start: NaiveDate, max: u32) -> bool {
    (0..=364).all(|back| {
        let from = add(start, -back);
        let to = add(from, 364);
        let others = stays
            .iter()
            .filter(|s| s.host_cluster == host && s.status.is_live())
            .filter(|s| from <= s.start_date && s.start_date <= to)
            .count();
        (others as u32) < max
    })
}

/// The calendar of a site: at least one opening weekday, some closures near `today`.
fn calendar_near(today: NaiveDate, bits: u8, closures: &[i64]) -> SiteCalendar {
    SiteCalendar::new(WeekdaySet::from_bits(bits), closures.iter().map(|c| add(today, *c)))
}

/// A host and the moment it is asked: its network and policy (any that
/// passed its floors), its zone, the instant, that instant's date there, and
/// its site's calendar around that date (the weekdays of `bits` open, closed
/// on some of the next `span` days).
#[derive(Debug)]
struct Host {
    network: NetworkPolicy,
    policy: HostPolicy,
    zone: TimeZone,
    now: DateTime<Utc>,
    today: NaiveDate,
    calendar: SiteCalendar,
}

fn hosts(bits: std::ops::Range<u8>, span: i64, closures: usize) -> impl Strategy<Value = Host> {
    (policies(), any_zone(), plausible_now(), bits, prop::collection::vec(0..span, 0..closures)).prop_map(
        |((network, policy), zone, now, bits, closures)| {
            let today = zone.date_at(now);
            Host { network, policy, zone, now, today, calendar: calendar_near(today, bits, &closures) }
        },
    )
}

proptest! {
    #![proptest_config(config(5000))]

    /// The guarantee: a request of at most the guaranteed open days that
    /// satisfies every eligibility, timing, history and capacity condition is
    /// accepted, under any host policy that passed its floors.
    #[test]
    fn the_guarantee_holds_under_every_policy_that_passed_its_floors(
        host in hosts(1..128, 400, 30),
        desks in 1u32..50,
        start_pick in any::<prop::sample::Index>(),
        want_days in 1usize..=30,
        trailing_closed in 0i64..4,
        invited in any::<bool>(),
        vouched_extra in prop::option::of(0i64..400),
        offering_gap in prop::option::of(0.0f64..1.0),
        seeds in stay_seeds(),
        held_fill in prop::collection::vec(0.0f64..1.0, 30),
    ) {
        let Host { network, policy, zone, now, today, calendar } = host;
        let notice = i64::from(policy.min_notice_days());
        let horizon = i64::from(policy.horizon_days());
        let start = add(today, notice + start_pick.index((horizon - notice + 1) as usize) as i64);

        // Walk forward from the start to the chosen number of open days.
        let want = want_days.min(network.guaranteed_days() as usize);
        let mut days = Vec::new();
        let mut end = start;
        for offset in 0..400 {
            let date = add(start, offset);
            if calendar.is_open(date) {
                days.push(date);
                end = date;
                if days.len() == want { break; }
            }
        }
        prop_assume!(days.len() == want);
        // The range may end on closed days after its last open one.
        for _ in 0..trailing_closed {
            let next = add(end, 1);
            if calendar.is_open(next) { break; }
            end = next;
        }

        let mut w = snapshot(network, policy, zone, desks, calendar);
        if invited { w.member.status = MemberStatus::Invited; }
        w.member.vouched_until = vouched_extra.map(|x| add(end, x));
        if let Some(fraction) = offering_gap {
            // The home cluster stopped offering desks within the grace period:
            // it is warned, not refused.
            let grace = network.reciprocity_grace_days().max(MIN_WINDOW_DAYS);
            let last_day = add(today, -((f64::from(grace) * fraction) as i64));
            w.home.hosting = desks_gone_at(TimeZone::UTC.start_of_day(last_day) + TimeDelta::hours(12));
        }
        // Keep the member's stays that neither overlap nor break the quota.
        let range = DateRange::new(start, end).unwrap();
        let mut stays: Vec<MemberStay> = member_stays(&seeds, today)
            .into_iter()
            .filter(|s| !(s.status.is_live() && !s.no_show && DateRange::new(s.start_date, s.end_date).is_some_and(|r| r.overlaps(range))))
            .collect();
        while !within_quota_brute_force(&stays, w.host.id, start, policy.stays_per_year()) {
            let i = stays.iter().rposition(|s| s.host_cluster == w.host.id && s.status.is_live()).unwrap();
            stays.remove(i);
        }
        w.member_stays = stays;
        // Every open day of the request has at least one free desk.
        w.held = days.iter().zip(&held_fill).map(|(d, f)| (*d, (f * desks as f64) as u32 % desks)).collect();

        let decision = decide(&w, &StayRequest { start_date: start, end_date: end }, now);
        let Decision::Accepted(acceptance) = decision else {
            return Err(TestCaseError::fail(format!("refused: {decision:?}")));
        };
        prop_assert_eq!(&acceptance.days, &days);
        prop_assert!(acceptance.within_guarantee);
    }

    /// Accepted requests never make any day's held desks exceed the site's desks.
    #[test]
    fn an_accepted_request_never_holds_more_desks_than_the_site_has(
        host in hosts(0..128, 60, 10),
        desks in 0u32..4,
        start in 0i64..60,
        len in -2i64..12,
        held in prop::collection::vec((0i64..80, 0u32..5), 0..80),
    ) {
        let Host { network, policy, zone, now, today, calendar } = host;
        let mut w = snapshot(network, policy, zone, desks, calendar);
        w.held = held.iter().map(|(offset, n)| (add(today, *offset), (*n).min(desks))).collect();
        let request = StayRequest { start_date: add(today, start), end_date: add(today, start + len) };
        if let Decision::Accepted(acceptance) = decide(&w, &request, now) {
            let range = DateRange::new(request.start_date, request.end_date).unwrap();
            prop_assert!(!acceptance.days.is_empty());
            let after = w.held.clone().with_held(&acceptance.days);
            for day in &acceptance.days {
                prop_assert!(range.contains(*day) && w.site.calendar.is_open(*day));
                prop_assert!(after.held_on(*day) <= desks, "{day} would hold {} of {desks}", after.held_on(*day));
            }
        }
    }

    /// `decide` is deterministic and never panics, for any input at all.
    #[test]
    fn decide_is_deterministic_and_never_panics(
        (network, policy) in policies(),
        zone in any_zone(),
        home_zone in any_zone(),
        now in any_now(),
        desks in any::<u32>(),
        bits in any::<u8>(),
        closures in prop::collection::vec(support::any_date(), 0..5),
        start in support::any_date(),
        end in support::any_date(),
        statuses in (prop::sample::select(MemberStatus::ALL.to_vec()), prop::sample::select(ClusterStatus::ALL.to_vec()), prop::sample::select(ClusterStatus::ALL.to_vec())),
        vouched_until in prop::option::of(support::any_date()),
        since in prop::option::of(any_now()),
        seeds in stay_seeds(),
        anchor in support::any_date(),
        held in prop::collection::vec((support::any_date(), any::<u32>()), 0..10),
        same_cluster in prop::bool::weighted(0.1),
    ) {
        let mut w = snapshot(network, policy, zone, desks, SiteCalendar::new(WeekdaySet::from_bits(bits), closures));
        w.home.zone = home_zone;
        (w.member.status, w.home.status, w.host.status) = statuses;
        w.member.vouched_until = vouched_until;
        w.home.hosting = since.map_or_else(support::hosting_all_along, desks_gone_at);
        if same_cluster { w.host.id = w.home.id; }
        w.member_stays = member_stays(&seeds, anchor);
        w.held = held.into_iter().collect();
        let request = StayRequest { start_date: start, end_date: end };
        let first = decide(&w, &request, now);
        prop_assert_eq!(&first, &decide(&w, &request, now));
        if let Decision::Refused(refusal) = &first {
            prop_assert!(!refusal.violations.is_empty());
            let capacity = refusal.full_dates().is_some();
            prop_assert!(!capacity || refusal.violations.len() == 1, "no_capacity comes alone");
        }
    }

    /// The member's own zone never changes the answer: "today" is the host's.
    #[test]
    fn the_member_zone_never_changes_the_decision(
        (network, policy) in policies(),
        zone in any_zone(),
        home_zones in prop::collection::vec(any_zone(), 3),
        now in plausible_now(),
        desks in 0u32..4,
        bits in 0u8..128,
        start in -3i64..140,
        len in -1i64..10,
        seeds in stay_seeds(),
    ) {
        let today = zone.date_at(now);
        let mut w = snapshot(network, policy, zone, desks, SiteCalendar::new(WeekdaySet::from_bits(bits), []));
        w.member_stays = member_stays(&seeds, today);
        let request = StayRequest { start_date: add(today, start), end_date: add(today, start + len) };
        let reference = decide(&w, &request, now);
        for home_zone in home_zones {
            w.home.zone = home_zone;
            prop_assert_eq!(&decide(&w, &request, now), &reference);
        }
    }

    /// The quota finds a busy window exactly when a brute-force search over
    /// all 365 windows does.
    #[test]
    fn the_quota_agrees_with_a_brute_force_search_of_every_window(
        max in 1u32..=4,
        seeds in prop::collection::vec((-400i64..400, prop::sample::select(StayStatus::ALL.to_vec()), 1u128..=3), 0..12),
        start in 0i64..100,
    ) {
        let network = NetworkPolicy::default();
        let policy = HostPolicy::new(PolicyDraft { stays_per_year: max, horizon_days: 730, ..PolicyDraft::default() }, &network).unwrap();
        let now = support::t("2026-03-02T09:00:00Z");
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut w = snapshot(network, policy, TimeZone::UTC, 3, SiteCalendar::new(WeekdaySet::ALL, []));
        w.member_stays = seeds.iter().enumerate().map(|(i, (offset, status, host))| MemberStay {
            id: stay_id(i as u128),
            site: site(host * 10),
            host_cluster: cluster(*host),
            start_date: add(today, *offset),
            end_date: add(today, *offset),
            status: *status,
            no_show: false,
        }).collect();
        let start_date = add(today, 1 + start);
        let decision = decide(&w, &StayRequest { start_date, end_date: start_date }, now);
        let flagged = support::codes(&decision).contains(&"quota_exceeded");
        prop_assert_eq!(flagged, !within_quota_brute_force(&w.member_stays, w.host.id, start_date, max));
    }
}

/// `decide` answers in every zone chrono-tz knows, for the member and for the
/// site, at instants around DST seasons and the ends of time.
#[test]
fn decide_answers_in_every_zone_the_tz_database_knows() {
    let instants = [
        support::t("2026-03-29T00:59:59Z"),
        support::t("2026-10-25T01:30:00Z"),
        support::t("2026-11-28T23:30:00Z"),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
    ];
    let network = NetworkPolicy::default();
    for tz in chrono_tz::TZ_VARIANTS {
        let zone = TimeZone::from_tz(tz);
        let mut w = snapshot(network, HostPolicy::default(), zone, 2, SiteCalendar::default());
        w.home.zone = zone;
        for now in instants {
            let today = zone.date_at(now);
            let request = StayRequest { start_date: add(today, 2), end_date: add(today, 8) };
            let _ = decide(&w, &request, now);
            let _ = answer_deadline(now, 14, add(today, 2), zone);
        }
    }
}
