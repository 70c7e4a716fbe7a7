//! How fast the rules decide: a member with 50 past stays asks for 5 days at
//! a site with 90 days of occupancy. Target: under 1 µs a decision on one core.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

use std::hint::black_box;

use chrono::{DateTime, Days, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use deskvisa_rules::*;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn world() -> (Snapshot, StayRequest, DateTime<Utc>) {
    let now: DateTime<Utc> = "2026-03-02T09:00:00Z".parse().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let host = ClusterId::from_uuid(id(2));
    // 50 past stays over the last four years at five other hosts, and one at
    // this host last year (so the quota has a stay to count).
    let member_stays = (0..50u64)
        .map(|i| {
            let start = today.checked_sub_days(Days::new(20 + i * 29)).unwrap();
            MemberStay {
                id: StayId::from_uuid(id(1000 + u128::from(i))),
                site: SiteId::from_uuid(id(100 + u128::from(i % 5))),
                host_cluster: ClusterId::from_uuid(id(if i == 3 { 2 } else { 3 + u128::from(i % 5) })),
                start_date: start,
                end_date: start.checked_add_days(Days::new(4)).unwrap(),
                status: if i % 7 == 0 { StayStatus::Cancelled } else { StayStatus::Approved },
                no_show: false,
            }
        })
        .collect();
    // 90 days of occupancy: every day from today on holds some desks.
    let held = (0..90u64).map(|i| (today.checked_add_days(Days::new(i)).unwrap(), (i % 7) as u32)).collect();
    let snapshot = Snapshot {
        network: NetworkPolicy::default(),
        member: MemberFacts { id: MemberId::from_uuid(id(500)), status: MemberStatus::Active, vouched_until: None },
        home: HomeCluster {
            id: ClusterId::from_uuid(id(1)),
            status: ClusterStatus::Active,
            zone: TimeZone::parse("Europe/Warsaw").unwrap(),
            hosting: Hosting {
                joined_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                sites: vec![SiteOffer::new(
                    TimeZone::parse("Europe/Warsaw").unwrap(),
                    [OfferChange {
                        at: "2020-01-01T00:00:00Z".parse().unwrap(),
                        desks: 4,
                        open: WeekdaySet::MON_TO_FRI,
                    }],
                    [],
                )],
                answers: Answers::default(),
            },
        },
        host: HostCluster { id: host, status: ClusterStatus::Active, policy: HostPolicy::default() },
        site: SiteFacts {
            id: SiteId::from_uuid(id(100)),
            zone: TimeZone::parse("Europe/Copenhagen").unwrap(),
            desks: 8,
            calendar: SiteCalendar::new(WeekdaySet::MON_TO_FRI, [NaiveDate::from_ymd_opt(2026, 4, 6).unwrap()]),
        },
        member_stays,
        held,
    };
    // Monday 16 to Friday 20 March: five open days.
    let request = StayRequest {
        start_date: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
        end_date: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
    };
    (snapshot, request, now)
}

fn bench(c: &mut Criterion) {
    let (snapshot, request, now) = world();
    assert!(
        matches!(decide(&snapshot, &request, now), Decision::Accepted(_)),
        "the benchmark request must be accepted"
    );
    c.bench_function("decide: 50 past stays, 5 days, 90 days of occupancy", |b| {
        b.iter(|| decide(black_box(&snapshot), black_box(&request), black_box(now)))
    });
    let refused = StayRequest { start_date: request.end_date, end_date: request.start_date };
    c.bench_function("decide: refused (bad range)", |b| {
        b.iter(|| decide(black_box(&snapshot), black_box(&refused), black_box(now)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
