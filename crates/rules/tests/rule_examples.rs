//! One example test for every rule code of DOMAIN.md: a request just over the
//! line is refused with that code, and one just inside it is accepted.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use deskvisa_rules::*;
use support::*;

/// Wednesday 4 to Friday 6 March: three open days, inside every default rule.
fn ordinary() -> StayRequest {
    request("2026-03-04", "2026-03-06")
}

/// The decision on the ordinary request in `w` on Monday morning.
fn decide_ordinary(w: &Snapshot) -> Decision {
    decide(w, &ordinary(), monday_morning())
}

/// On the default world on Monday morning: a request of the dates `over`
/// the line is refused with `violation` alone, and one of the dates `inside`
/// it is accepted.
#[track_caller]
fn at_the_line(over: (&str, &str), code: &str, violation: Violation, inside: (&str, &str)) -> Acceptance {
    let decision = |(start, end)| decide(&world(), &request(start, end), monday_morning());
    assert_eq!(violations(decision(over), &[code]), [violation]);
    accepted(decision(inside))
}

/// The default world, where the member holds `stays`.
fn with_stays(stays: Vec<MemberStay>) -> Snapshot {
    Snapshot { member_stays: stays, ..world() }
}

#[test]
fn the_ordinary_request_is_accepted_and_waits_for_the_host() {
    let acceptance = accepted(decide(&world(), &ordinary(), monday_morning()));
    assert_eq!(acceptance.days, [d("2026-03-04"), d("2026-03-05"), d("2026-03-06")]);
    assert_eq!(acceptance.outcome, Outcome::Pending);
    assert!(acceptance.within_guarantee);
    assert!(acceptance.holds_desks());
}

#[test]
fn member_inactive_when_revoked_but_not_when_only_invited() {
    let mut w = world();
    w.member.status = MemberStatus::Revoked;
    refused_with(&decide_ordinary(&w), &["member_inactive"]);
    w.member.status = MemberStatus::Invited;
    accepted(decide_ordinary(&w));
}

#[test]
fn member_inactive_when_the_stay_ends_after_the_vouched_until_date() {
    let mut w = world();
    w.member.vouched_until = Some(d("2026-03-05"));
    let decision = decide_ordinary(&w);
    refused_with(&decision, &["member_inactive"]);
    w.member.vouched_until = Some(d("2026-03-06"));
    accepted(decide_ordinary(&w));
}

#[test]
fn own_cluster_when_the_site_belongs_to_the_home_cluster() {
    let mut w = world();
    w.host.id = w.home.id;
    refused_with(&decide_ordinary(&w), &["own_cluster"]);
}

#[test]
fn home_cluster_inactive_when_suspended_or_left() {
    for status in [ClusterStatus::Suspended, ClusterStatus::Left] {
        let mut w = world();
        w.home.status = status;
        refused_with(&decide_ordinary(&w), &["home_cluster_inactive"]);
    }
}

#[test]
fn host_cluster_inactive_when_suspended_or_left() {
    for status in [ClusterStatus::Suspended, ClusterStatus::Left] {
        let mut w = world();
        w.host.status = status;
        refused_with(&decide_ordinary(&w), &["host_cluster_inactive"]);
    }
}

/// The home site is open every day; its desks go to zero at noon UTC of `last_day`.
fn desks_gone_after(last_day: &str) -> Hosting {
    Hosting {
        joined_on: d("2020-01-01"),
        sites: vec![site_offer(
            "UTC",
            &[("2020-01-01T00:00:00Z", 4, WeekdaySet::ALL), (&format!("{last_day}T12:00:00Z"), 0, WeekdaySet::ALL)],
            &[],
        )],
        answers: Answers::default(),
    }
}

#[test]
fn home_not_reciprocating_when_no_day_of_the_last_thirty_offered_a_desk_but_not_a_day_earlier() {
    // Today is Monday 2 March; the last thirty days are 1 February to 2 March.
    let mut w = world();
    w.home.hosting = desks_gone_after("2026-01-31");
    refused_with(&decide_ordinary(&w), &["home_not_reciprocating"]);
    w.home.hosting = desks_gone_after("2026-02-01");
    accepted(decide_ordinary(&w));
}

#[test]
fn home_not_reciprocating_when_its_sites_keep_desks_but_never_open() {
    let mut w = world();
    w.home.hosting.sites = vec![site_offer("Europe/Warsaw", &[("2020-01-01T00:00:00Z", 12, WeekdaySet::EMPTY)], &[])];
    refused_with(&decide_ordinary(&w), &["home_not_reciprocating"]);
    // One opening day a week is enough.
    w.home.hosting.sites = vec![site_offer(
        "Europe/Warsaw",
        &[("2020-01-01T00:00:00Z", 12, WeekdaySet::EMPTY.with(chrono::Weekday::Wed))],
        &[],
    )];
    accepted(decide_ordinary(&w));
}

#[test]
fn home_not_reciprocating_when_every_day_of_the_grace_period_is_closed_but_not_with_one_left_open() {
    let mut w = world();
    let closed: Vec<String> = (0..30).map(|back| (d("2026-03-02") - chrono::Days::new(back)).to_string()).collect();
    let closed: Vec<&str> = closed.iter().map(String::as_str).collect();
    w.home.hosting.sites = vec![site_offer("UTC", &[("2020-01-01T00:00:00Z", 4, WeekdaySet::ALL)], &closed)];
    refused_with(&decide_ordinary(&w), &["home_not_reciprocating"]);
    let one_open: Vec<&str> = closed.iter().copied().filter(|c| *c != "2026-02-10").collect();
    w.home.hosting.sites = vec![site_offer("UTC", &[("2020-01-01T00:00:00Z", 4, WeekdaySet::ALL)], &one_open)];
    accepted(decide_ordinary(&w));
}

#[test]
fn home_not_reciprocating_without_sites_once_the_grace_after_joining_has_run() {
    let mut w = world();
    // A member of the network for all of the last thirty days, 1 February to 2 March.
    w.home.hosting = Hosting { joined_on: d("2026-02-01"), sites: Vec::new(), answers: Answers::default() };
    refused_with(&decide_ordinary(&w), &["home_not_reciprocating"]);
    w.home.hosting.joined_on = d("2026-02-02");
    accepted(decide_ordinary(&w));
}

#[test]
fn home_not_reciprocating_when_it_approved_none_of_three_requests_within_the_guarantee() {
    let mut w = world();
    let first = t("2026-01-05T10:00:00Z");
    w.home.hosting.answers = Answers { approved: 0, refused: 3, first_refused_at: Some(first) };
    let violations = violations(decide_ordinary(&w), &["home_not_reciprocating"]);
    assert_eq!(
        violations[0],
        Violation::HomeNotReciprocating {
            lapse: Lapse {
                nothing_offered_since: None,
                none_approved: Some(NoneApproved { since: first, refused: 3 })
            }
        }
    );
    // Two refusals are not yet a pattern, and one approval breaks it.
    w.home.hosting.answers = Answers { approved: 0, refused: 2, first_refused_at: Some(first) };
    accepted(decide_ordinary(&w));
    w.home.hosting.answers = Answers { approved: 1, refused: 9, first_refused_at: Some(first) };
    accepted(decide_ordinary(&w));
}

#[test]
fn bad_range_when_the_end_is_the_day_before_the_start() {
    let decision = decide(&world(), &request("2026-03-04", "2026-03-03"), monday_morning());
    refused_with(&decision, &["bad_range"]);
    accepted(decide(&world(), &request("2026-03-04", "2026-03-04"), monday_morning()));
}

#[test]
fn no_open_days_for_a_weekend_but_a_weekend_and_a_monday_is_one_day() {
    refused_with(&decide(&world(), &request("2026-03-07", "2026-03-08"), monday_morning()), &["no_open_days"]);
    let a = accepted(decide(&world(), &request("2026-03-07", "2026-03-09"), monday_morning()));
    assert_eq!(a.days, [d("2026-03-09")]);
}

#[test]
fn no_open_days_when_the_only_open_day_is_closed() {
    let mut w = world();
    w.site.calendar = SiteCalendar::default().with_closure(d("2026-03-04"));
    refused_with(&decide(&w, &request("2026-03-04", "2026-03-04"), monday_morning()), &["no_open_days"]);
}

#[test]
fn too_long_at_six_open_days_but_five_across_a_weekend_are_fine() {
    // Wednesday to the next Tuesday: five open days.
    let too_long = Violation::TooLong { days: 6, max: 5 };
    let a = at_the_line(("2026-03-04", "2026-03-11"), "too_long", too_long, ("2026-03-04", "2026-03-10"));
    assert_eq!(a.days.len(), 5);
}

#[test]
fn too_long_follows_the_host_maximum_above_the_guarantee() {
    let mut w = world();
    w.host.policy = policy(PolicyDraft { max_days_per_stay: 6, ..PolicyDraft::default() });
    let a = accepted(decide(&w, &request("2026-03-04", "2026-03-11"), monday_morning()));
    assert_eq!(a.days.len(), 6);
    assert!(!a.within_guarantee, "six days are more than the guarantee's five");
    refused_with(&decide(&w, &request("2026-03-04", "2026-03-12"), monday_morning()), &["too_long"]);
}

#[test]
fn too_soon_today_but_tomorrow_is_fine_with_one_day_of_notice() {
    let too_soon = Violation::TooSoon { earliest_start: d("2026-03-03") };
    at_the_line(("2026-03-02", "2026-03-03"), "too_soon", too_soon, ("2026-03-03", "2026-03-03"));
}

#[test]
fn too_soon_counts_from_today_in_the_host_zone() {
    // 23:30 UTC on Sunday 1 March is already Monday 2 March in Copenhagen:
    // a stay starting Monday is too soon there, whatever the member's zone.
    let late_sunday = t("2026-03-01T23:30:00Z");
    refused_with(&decide(&world(), &request("2026-03-02", "2026-03-02"), late_sunday), &["too_soon"]);
    accepted(decide(&world(), &request("2026-03-02", "2026-03-02"), t("2026-03-01T22:30:00Z")));
}

#[test]
fn too_far_one_day_past_the_horizon_but_not_on_it() {
    // 2 March + 120 days = Tuesday 30 June.
    let too_far = Violation::TooFar { latest_start: d("2026-06-30") };
    at_the_line(("2026-07-01", "2026-07-01"), "too_far", too_far, ("2026-06-30", "2026-06-30"));
}

#[test]
fn overlaps_own_stay_sharing_one_date_but_not_when_adjacent() {
    let mut w = world();
    w.member_stays = vec![member_stay(1, STOCKHOLM, "2026-03-02", "2026-03-04", StayStatus::Approved)];
    assert_eq!(
        violations(decide_ordinary(&w), &["overlaps_own_stay"]),
        [Violation::OverlapsOwnStay { stays: vec![stay_id(1)] }]
    );
    w.member_stays = vec![member_stay(1, STOCKHOLM, "2026-03-02", "2026-03-03", StayStatus::Pending)];
    accepted(decide_ordinary(&w));
}

#[test]
fn overlaps_own_stay_ignores_stays_that_no_longer_hold_their_dates() {
    let mut w = world();
    for status in [StayStatus::Declined, StayStatus::Cancelled, StayStatus::Expired] {
        w.member_stays = vec![member_stay(1, STOCKHOLM, "2026-03-04", "2026-03-06", status)];
        accepted(decide_ordinary(&w));
    }
    let no_show =
        MemberStay { no_show: true, ..member_stay(1, STOCKHOLM, "2026-03-04", "2026-03-06", StayStatus::Approved) };
    w.member_stays = vec![no_show];
    accepted(decide_ordinary(&w));
}

#[test]
fn quota_exceeded_with_two_stays_at_the_host_in_the_window_but_not_when_one_is_365_days_away() {
    // Two earlier stays at the host cluster (at another of its sites): one
    // starting 364 days before the new one (4 March 2026), so inside a window.
    let mut w = with_stays(vec![
        member_stay(1, COPENHAGEN, "2025-03-05", "2025-03-06", StayStatus::Approved),
        member_stay(2, COPENHAGEN, "2025-09-01", "2025-09-02", StayStatus::Approved),
    ]);
    let violations = violations(decide_ordinary(&w), &["quota_exceeded"]);
    let Violation::QuotaExceeded { max, window } = &violations[0] else { unreachable!() };
    assert_eq!(*max, 2);
    assert_eq!((window.start(), window.end()), (d("2025-03-05"), d("2026-03-04")));

    w.member_stays[0] = member_stay(1, COPENHAGEN, "2025-03-04", "2025-03-06", StayStatus::Approved);
    accepted(decide_ordinary(&w));
}

#[test]
fn quota_counts_pending_stays_ahead_but_not_other_hosts_or_dead_stays() {
    let mut w = with_stays(vec![
        member_stay(1, COPENHAGEN, "2026-04-06", "2026-04-07", StayStatus::Pending),
        member_stay(2, STOCKHOLM, "2026-05-04", "2026-05-05", StayStatus::Approved),
        member_stay(3, COPENHAGEN, "2026-05-11", "2026-05-12", StayStatus::Declined),
    ]);
    accepted(decide_ordinary(&w));
    w.member_stays.push(member_stay(4, COPENHAGEN, "2026-06-01", "2026-06-02", StayStatus::Approved));
    refused_with(&decide_ordinary(&w), &["quota_exceeded"]);
}

#[test]
fn no_capacity_names_the_full_dates_and_one_free_desk_is_enough() {
    let mut w = world();
    w.held = [(d("2026-03-04"), 2), (d("2026-03-05"), 3), (d("2026-03-06"), 3)].into_iter().collect();
    let decision = decide_ordinary(&w);
    refused_with(&decision, &["no_capacity"]);
    let Decision::Refused(refusal) = &decision else { unreachable!() };
    assert_eq!(refusal.full_dates(), Some(&[d("2026-03-05"), d("2026-03-06")][..]));

    w.held = [(d("2026-03-04"), 2), (d("2026-03-05"), 2), (d("2026-03-06"), 2)].into_iter().collect();
    accepted(decide_ordinary(&w));
}

#[test]
fn no_capacity_ignores_closed_days_inside_the_range() {
    let mut w = world();
    // The weekend is full of nothing: the site is closed then.
    w.held = [(d("2026-03-07"), 3), (d("2026-03-08"), 3)].into_iter().collect();
    accepted(decide(&w, &request("2026-03-06", "2026-03-09"), monday_morning()));
}

#[test]
fn no_capacity_is_judged_only_when_nothing_else_is_wrong() {
    let mut w = world();
    w.held = [(d("2026-03-04"), 3)].into_iter().collect();
    w.member.status = MemberStatus::Revoked;
    refused_with(&decide_ordinary(&w), &["member_inactive"]);
}

#[test]
fn every_violation_is_reported_together_in_domain_order() {
    let mut w = world();
    w.member.status = MemberStatus::Revoked;
    w.home.status = ClusterStatus::Suspended;
    w.host.status = ClusterStatus::Left;
    w.home.hosting.sites = Vec::new();
    w.member_stays = vec![
        member_stay(1, COPENHAGEN, "2026-02-02", "2026-02-03", StayStatus::Approved),
        member_stay(2, COPENHAGEN, "2026-02-09", "2026-02-10", StayStatus::Approved),
        member_stay(3, STOCKHOLM, "2026-03-02", "2026-03-03", StayStatus::Approved),
    ];
    // Today, eight open days long, overlapping stay 3, third stay at the host.
    let decision = decide(&w, &request("2026-03-02", "2026-03-11"), monday_morning());
    refused_with(
        &decision,
        &[
            "member_inactive",
            "home_cluster_inactive",
            "host_cluster_inactive",
            "home_not_reciprocating",
            "too_long",
            "too_soon",
            "overlaps_own_stay",
            "quota_exceeded",
        ],
    );
}

#[test]
fn a_bad_range_still_reports_what_the_start_date_alone_breaks() {
    let decision = decide(&world(), &request("2026-07-08", "2026-07-01"), monday_morning());
    refused_with(&decision, &["bad_range", "too_far"]);
}

#[test]
fn automatic_approval_approves_at_once_with_no_deadline() {
    let mut w = world();
    w.host.policy = policy(PolicyDraft { approval_mode: ApprovalMode::Auto, ..PolicyDraft::default() });
    let a = accepted(decide_ordinary(&w));
    assert_eq!(a.outcome, Outcome::Approved { by: ApprovedBy::AutoApprovalPolicy });
    assert_eq!(a.answer_deadline, None);
    assert_eq!(a.status(), StayStatus::Approved);
}

#[test]
fn a_pending_stay_is_due_an_answer_within_the_window_or_before_it_starts() {
    // Requested Monday 09:00 UTC; the stay starts Wednesday, whose midnight in
    // Copenhagen (23:00 UTC Tuesday) comes before Monday + 3 × 24 hours.
    let a = accepted(decide(&world(), &ordinary(), monday_morning()));
    assert_eq!(a.answer_deadline, Some(t("2026-03-03T23:00:00Z")));
    // A stay a month ahead: three days of 24 hours.
    let a = accepted(decide(&world(), &request("2026-04-06", "2026-04-07"), monday_morning()));
    assert_eq!(a.answer_deadline, Some(t("2026-03-05T09:00:00Z")));
}

#[test]
fn a_deadline_already_passed_is_applied_at_once() {
    let mut w = world();
    w.host.policy = policy(PolicyDraft { min_notice_days: 0, ..PolicyDraft::default() });
    let today = request("2026-03-02", "2026-03-02");
    let a = accepted(decide(&w, &today, monday_morning()));
    assert_eq!(a.outcome, Outcome::Approved { by: ApprovedBy::AnswerDeadline });
    assert!(a.holds_desks());

    w.host.policy =
        policy(PolicyDraft { min_notice_days: 0, on_no_answer: OnNoAnswer::Expire, ..PolicyDraft::default() });
    let a = accepted(decide(&w, &today, monday_morning()));
    assert_eq!(a.outcome, Outcome::Expired);
    assert_eq!(a.status(), StayStatus::Expired);
    assert!(!a.holds_desks());
}

#[test]
fn a_raised_guarantee_overrides_an_older_host_maximum() {
    let mut w = world();
    w.network = NetworkPolicy::new(7, 30).unwrap();
    w.host.policy = HostPolicy::from_saved(PolicyDraft::default()).unwrap();
    let a = accepted(decide(&w, &request("2026-03-04", "2026-03-12"), monday_morning()));
    assert_eq!(a.days.len(), 7);
    assert!(a.within_guarantee);
}
