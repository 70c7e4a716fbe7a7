//! Moving a stay (issue 23's reference rules): the new range is judged as a
//! new request, the stay never counting against itself; days are kept,
//! taken or released; approval kept or asked again; a stay under way keeps
//! its first day. Examples, then properties: a move never puts more stays
//! on a day than the site has desks, and the days partition exactly.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use chrono::NaiveDate;
use deskvisa_rules::*;
use proptest::prelude::*;
use support::*;

const STAY: u128 = 7;

/// The member's stay at the world's site, with its open days held there.
fn with_stay(
    mut snapshot: Snapshot,
    start: &str,
    end: &str,
    status: StayStatus,
) -> (Snapshot, MemberStay, Vec<NaiveDate>) {
    let stay = MemberStay {
        id: stay_id(STAY),
        site: snapshot.site.id,
        host_cluster: snapshot.host.id,
        start_date: d(start),
        end_date: d(end),
        status,
        no_show: false,
    };
    let range = DateRange::new(stay.start_date, stay.end_date).unwrap();
    let days: Vec<NaiveDate> = snapshot.site.calendar.open_days(range).collect();
    snapshot.member_stays.push(stay.clone());
    snapshot.held = snapshot.held.clone().with_held(&days);
    (snapshot, stay, days)
}

#[track_caller]
fn moved(decision: MoveDecision) -> Move {
    match decision {
        MoveDecision::Moved(m) => m,
        other => panic!("expected a move, got {other:?}"),
    }
}

#[test]
fn days_in_both_ranges_are_kept_the_rest_taken_or_released() {
    let (world, stay, held) = with_stay(world(), "2026-03-09", "2026-03-13", StayStatus::Approved);
    let m = moved(decide_move(&world, &stay, &held, &request("2026-03-11", "2026-03-17"), monday_morning()));
    assert_eq!(m.kept, [d("2026-03-11"), d("2026-03-12"), d("2026-03-13")]);
    assert_eq!(m.taken, [d("2026-03-16"), d("2026-03-17")]);
    assert_eq!(m.released, [d("2026-03-09"), d("2026-03-10")]);
    // The default host approves by hand: new days are asked for again.
    assert_eq!((m.status, m.approval_kept), (StayStatus::Pending, false));
    let deadline = m.answer_deadline.unwrap();
    assert!(deadline > monday_morning() && deadline <= t("2026-03-15T23:00:00Z"), "{deadline}");
}

#[test]
fn shortening_keeps_the_approval_and_takes_nothing() {
    let (world, stay, held) = with_stay(world(), "2026-03-09", "2026-03-13", StayStatus::Approved);
    let m = moved(decide_move(&world, &stay, &held, &request("2026-03-09", "2026-03-11"), monday_morning()));
    assert!(m.taken.is_empty());
    assert_eq!(m.released, [d("2026-03-12"), d("2026-03-13")]);
    assert_eq!((m.status, m.approval_kept, m.answer_deadline), (StayStatus::Approved, true, None));
}

#[test]
fn an_automatic_host_keeps_an_approval_within_the_guarantee() {
    let mut snapshot = world();
    snapshot.host.policy = policy(policy_draft((10, 4, 1, 120, true, 3, false)));
    let (world, stay, held) = with_stay(snapshot, "2026-03-09", "2026-03-13", StayStatus::Approved);
    let m = moved(decide_move(&world, &stay, &held, &request("2026-03-10", "2026-03-16"), monday_morning()));
    assert_eq!((m.status, m.approval_kept), (StayStatus::Approved, true));
    // Beyond the guarantee (more open days than it promises): asked again.
    let m = moved(decide_move(&world, &stay, &held, &request("2026-03-09", "2026-03-17"), monday_morning()));
    assert!(!m.within_guarantee);
    assert_eq!(m.status, StayStatus::Pending);
}

#[test]
fn the_stay_never_counts_against_itself() {
    // One desk, the stay's; a quota of one stay a year, the stay itself.
    let mut snapshot = world();
    snapshot.site.desks = 1;
    snapshot.host.policy = policy(policy_draft((10, 1, 1, 120, false, 3, false)));
    let (world, stay, held) = with_stay(snapshot, "2026-03-09", "2026-03-13", StayStatus::Approved);
    let m = moved(decide_move(&world, &stay, &held, &request("2026-03-10", "2026-03-16"), monday_morning()));
    assert_eq!(m.kept.len(), 4);
    // Another stay's desk is still another's: the 16th full, refused as a request is.
    let mut full = world.clone();
    full.held = full.held.with_held(&[d("2026-03-16")]);
    let decision = decide_move(&full, &stay, &held, &request("2026-03-10", "2026-03-16"), monday_morning());
    let MoveDecision::Refused(refusal) = decision else { panic!("{decision:?}") };
    assert_eq!(refusal.full_dates(), Some(&[d("2026-03-16")][..]));
    // And another stay of the member's still overlaps.
    let mut other = world.clone();
    other.member_stays.push(member_stay(8, STOCKHOLM, "2026-03-16", "2026-03-18", StayStatus::Approved));
    let decision = decide_move(&other, &stay, &held, &request("2026-03-12", "2026-03-17"), monday_morning());
    let MoveDecision::Refused(refusal) = decision else { panic!("{decision:?}") };
    assert_eq!(refusal.codes(), [ViolationCode::OverlapsOwnStay]);
}

#[test]
fn a_stay_under_way_keeps_its_first_day() {
    // Monday 2 March is its first day, and today.
    let (world, stay, held) = with_stay(world(), "2026-03-02", "2026-03-04", StayStatus::Approved);
    let now = monday_morning();
    assert_eq!(
        decide_move(&world, &stay, &held, &request("2026-03-03", "2026-03-05"), now),
        MoveDecision::NotMovable(MoveRefusal::Started { start_date: d("2026-03-02") })
    );
    // Extended by a day: no notice is asked of a first day already passed.
    let m = moved(decide_move(&world, &stay, &held, &request("2026-03-02", "2026-03-05"), now));
    assert_eq!(m.taken, [d("2026-03-05")]);
    assert_eq!(m.status, StayStatus::Pending, "the added day is asked for");
    // Shortened to today: fine; to yesterday: the end has passed.
    let m = moved(decide_move(&world, &stay, &held, &request("2026-03-02", "2026-03-02"), now));
    assert_eq!((m.status, m.released.len()), (StayStatus::Approved, 2));
}

#[test]
fn only_a_live_stay_not_over_moves() {
    for (status, no_show, end) in [
        (StayStatus::Cancelled, false, "2026-03-13"),
        (StayStatus::Declined, false, "2026-03-13"),
        (StayStatus::Approved, true, "2026-03-13"),
        (StayStatus::Approved, false, "2026-03-01"),
    ] {
        let (world, mut stay, held) = with_stay(world(), "2026-02-23", end, StayStatus::Approved);
        stay.status = status;
        stay.no_show = no_show;
        assert_eq!(
            decide_move(&world, &stay, &held, &request("2026-03-09", "2026-03-10"), monday_morning()),
            MoveDecision::NotMovable(MoveRefusal::NotMovable),
            "{status:?} {no_show} {end}"
        );
    }
    assert_eq!(MoveRefusal::NotMovable.code(), "stay_not_movable");
}

prop_compose! {
    /// A site of 1 to 3 desks with others' stays on the coming weeks, the
    /// member's stay on some of them, and a move somewhere near.
    fn a_move()(
        desks in 1u32..4,
        load in prop::collection::vec(0u32..4, 28),
        start in 7i64..20, length in 0i64..5, status in prop::bool::ANY,
        to_start in 5i64..26, to_length in 0i64..7,
    ) -> (Snapshot, MemberStay, Vec<NaiveDate>, StayRequest) {
        let first = d("2026-03-02");
        let day = |n: i64| first + chrono::Days::new(u64::try_from(n).unwrap());
        let mut snapshot = world();
        snapshot.site.desks = desks;
        snapshot.held = load.iter().enumerate().map(|(i, n)| (day(i as i64), (*n).min(desks))).collect();
        let status = if status { StayStatus::Approved } else { StayStatus::Pending };
        let (s, e) = (day(start).to_string(), day(start + length).to_string());
        // The stay's own desks are among the held ones, capped by the desks.
        let (mut snapshot, stay, held) = with_stay(snapshot, &s, &e, status);
        snapshot.held = snapshot.held.iter().map(|(d, n)| (d, n.min(desks))).collect();
        let request = StayRequest { start_date: day(to_start), end_date: day(to_start + to_length) };
        (snapshot, stay, held, request)
    }
}

proptest! {
    #[test]
    fn a_move_never_overfills_a_day_and_partitions_the_days((snapshot, stay, held, request) in a_move()) {
        let others = snapshot.held.clone().without(&held);
        if let MoveDecision::Moved(m) = decide_move(&snapshot, &stay, &held, &request, monday_morning()) {
            for day in &m.days {
                prop_assert!(others.held_on(*day) < snapshot.site.desks, "{day} overfilled");
            }
            let mut new: Vec<NaiveDate> = m.kept.iter().chain(&m.taken).copied().collect();
            new.sort();
            prop_assert_eq!(new, m.days.clone());
            let mut old: Vec<NaiveDate> = m.kept.iter().chain(&m.released).copied().collect();
            old.sort();
            prop_assert_eq!(old, held.clone());
            if stay.status == StayStatus::Approved && m.taken.is_empty() {
                prop_assert_eq!(m.status, StayStatus::Approved);
            }
        }
    }
}

proptest! {
    /// Quota: with `others` more stays of the member at the host this year
    /// (none overlapping), a move of the stay is refused for the quota
    /// exactly when a new request would be by the others alone: the stay
    /// itself never counts against its move.
    #[test]
    fn a_move_counts_the_quota_without_the_stay_itself(per_year in 1u32..4, others in 0u32..4, shift in 0i64..4) {
        let mut snapshot = world();
        snapshot.host.policy = policy(policy_draft((10, per_year, 1, 120, false, 3, false)));
        for n in 0..others {
            // Weeks later in the year, at the same host.
            let start = d("2026-04-06") + chrono::Days::new(u64::from(n) * 7);
            let (s, e) = (start.to_string(), (start + chrono::Days::new(1)).to_string());
            snapshot.member_stays.push(member_stay(100 + u128::from(n), COPENHAGEN, &s, &e, StayStatus::Approved));
        }
        let (world, stay, held) = with_stay(snapshot, "2026-03-09", "2026-03-10", StayStatus::Approved);
        let to = d("2026-03-09") + chrono::Days::new(u64::try_from(shift).unwrap());
        let request = StayRequest { start_date: to, end_date: to };
        let decision = decide_move(&world, &stay, &held, &request, monday_morning());
        let over_quota = matches!(&decision, MoveDecision::Refused(r) if r.codes().contains(&ViolationCode::QuotaExceeded));
        prop_assert_eq!(over_quota, others >= per_year, "{:?}", decision);
    }
}
