//! A small world for the rules' tests: a member of the Silesian cluster asks
//! for a desk at the Copenhagen cluster's site. Every test changes only what
//! it is about.
#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::*;
use uuid::Uuid;

pub fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub const SILESIA: u128 = 1;
pub const COPENHAGEN: u128 = 2;
pub const STOCKHOLM: u128 = 3;

pub fn cluster(n: u128) -> ClusterId {
    ClusterId::from_uuid(uuid(n))
}

pub fn site(n: u128) -> SiteId {
    SiteId::from_uuid(uuid(1000 + n))
}

pub fn stay_id(n: u128) -> StayId {
    StayId::from_uuid(uuid(2000 + n))
}

/// Monday 2 March 2026, 10:00 in Copenhagen.
pub fn monday_morning() -> DateTime<Utc> {
    t("2026-03-02T09:00:00Z")
}

/// The default world: an active member of an active, reciprocating Silesian
/// cluster; the Copenhagen cluster's site with 3 desks, Monday to Friday, the
/// default host policy; nothing held.
pub fn world() -> Snapshot {
    Snapshot {
        network: NetworkPolicy::default(),
        member: MemberFacts { id: MemberId::from_uuid(uuid(500)), status: MemberStatus::Active, vouched_until: None },
        home: HomeCluster {
            id: cluster(SILESIA),
            status: ClusterStatus::Active,
            zone: TimeZone::parse("Europe/Warsaw").unwrap(),
            hosting: hosting_all_along(),
        },
        host: HostCluster { id: cluster(COPENHAGEN), status: ClusterStatus::Active, policy: HostPolicy::default() },
        site: SiteFacts {
            id: site(1),
            zone: TimeZone::parse("Europe/Copenhagen").unwrap(),
            desks: 3,
            calendar: SiteCalendar::default(),
        },
        member_stays: Vec::new(),
        held: DeskLoad::default(),
    }
}

pub fn request(start: &str, end: &str) -> StayRequest {
    StayRequest { start_date: d(start), end_date: d(end) }
}

pub fn policy(draft: PolicyDraft) -> HostPolicy {
    HostPolicy::new(draft, &NetworkPolicy::default()).unwrap()
}

/// An existing stay of the member.
pub fn member_stay(n: u128, host: u128, start: &str, end: &str, status: StayStatus) -> MemberStay {
    MemberStay {
        id: stay_id(n),
        site: site(host * 10),
        host_cluster: cluster(host),
        start_date: d(start),
        end_date: d(end),
        status,
        no_show: false,
    }
}

pub fn codes(decision: &Decision) -> Vec<&'static str> {
    match decision {
        Decision::Accepted(_) => Vec::new(),
        Decision::Refused(refusal) => refusal.codes().iter().map(|c| c.as_str()).collect(),
    }
}

#[track_caller]
pub fn accepted(decision: Decision) -> Acceptance {
    match decision {
        Decision::Accepted(a) => a,
        Decision::Refused(r) => panic!("expected acceptance, got {:?}", r.codes()),
    }
}

#[track_caller]
pub fn refused_with(decision: &Decision, expected: &[&str]) {
    assert_eq!(codes(decision), expected, "{decision:?}");
}

/// The violations of a decision refused with exactly the codes `expected`.
#[track_caller]
pub fn violations(decision: Decision, expected: &[&str]) -> Vec<Violation> {
    refused_with(&decision, expected);
    let Decision::Refused(refusal) = decision else { unreachable!() };
    refusal.violations
}

/// A host policy draft from its numbers, in the order of its fields (the
/// two booleans: auto approval, expire on no answer).
pub fn policy_draft(
    (max, per_year, notice, horizon, auto, window, expire): (u32, u32, u32, u32, bool, u32, bool),
) -> PolicyDraft {
    PolicyDraft {
        max_days_per_stay: max,
        stays_per_year: per_year,
        min_notice_days: notice,
        horizon_days: horizon,
        approval_mode: if auto { ApprovalMode::Auto } else { ApprovalMode::Manual },
        answer_window_days: window,
        on_no_answer: if expire { OnNoAnswer::Expire } else { OnNoAnswer::Approve },
        ..PolicyDraft::default()
    }
}

/// Any date chrono can hold, with the ends of the calendar made likely.
pub fn any_date() -> impl proptest::strategy::Strategy<Value = NaiveDate> {
    use proptest::prelude::*;
    let days = |d: NaiveDate| chrono::Datelike::num_days_from_ce(&d);
    let (lo, hi) = (days(NaiveDate::MIN), days(NaiveDate::MAX));
    prop_oneof![
        1 => Just(NaiveDate::MIN),
        1 => Just(NaiveDate::MAX),
        8 => (lo..=hi).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap()),
    ]
}

/// A home cluster that has hosted all along: one site in Warsaw with four
/// desks, open Monday to Friday since 2020, no closures, no refusals.
pub fn hosting_all_along() -> Hosting {
    Hosting {
        joined_on: d("2020-01-01"),
        sites: vec![site_offer("Europe/Warsaw", &[("2020-01-01T00:00:00Z", 4, WeekdaySet::MON_TO_FRI)], &[])],
        answers: Answers::default(),
    }
}

/// A site in `zone` with its changes `(at, desks, open)` and closed dates.
pub fn site_offer(zone: &str, changes: &[(&str, u32, WeekdaySet)], closed: &[&str]) -> SiteOffer {
    SiteOffer::new(
        TimeZone::parse(zone).unwrap(),
        changes.iter().map(|&(at, desks, open)| OfferChange { at: t(at), desks, open }),
        closed.iter().map(|c| d(c)),
    )
}
