//! The store's bulk loader, on SQLite and PostgreSQL: a network and stays
//! written in bulk read, book and count exactly as ones the service wrote
//! request by request, and a block that breaks a rule is refused whole.
#![allow(clippy::unwrap_used, missing_docs)]

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use deskvisa_rules::{
    Actor, ClusterId, DeskCount, Email, HistoryAction, HostPolicy, Locale, MemberId, MemberStatus, Period, SiteId,
    StayId, StayStatus, TimeZone, ViolationCode, WeekdaySet,
};
use deskvisa_service::*;
use deskvisa_store::{HistoryEntry, LoadedStay, MemberRecord, NetworkBlock, NewStay, SiteRecord, StoreError};
use deskvisa_testing::world::{World, d, helsinki_cluster, t};

/// A stay of `member` (of `home`) at `site` (of `host`), asked at `asked`,
/// approved an hour later and holding `days`.
fn approved(member: &Caller, site: SiteId, host: ClusterId, days: &[NaiveDate], asked: DateTime<Utc>) -> LoadedStay {
    let answered = asked + TimeDelta::hours(1);
    LoadedStay {
        stay: NewStay {
            id: StayId::from_uuid(uuid::Uuid::now_v7()),
            member: member.member,
            site,
            host_cluster: host,
            home_cluster: member.cluster.unwrap(),
            start_date: days[0],
            end_date: days[days.len() - 1],
            status: StayStatus::Approved,
            purpose: "Meeting the host's firms".to_owned(),
            answer_deadline: None,
            within_guarantee: true,
            held_days: days.to_vec(),
            created_at: asked,
        },
        approved_at: Some(answered),
        answered_at: Some(answered),
        checked_in: false,
        no_show: false,
        history: vec![
            HistoryEntry::change(asked, Actor::Member, None, StayStatus::Pending, HistoryAction::Request),
            HistoryEntry::change(
                answered,
                Actor::HostAdmin,
                Some(StayStatus::Pending),
                StayStatus::Approved,
                HistoryAction::Approve,
            ),
        ],
    }
}

/// A cluster in Helsinki with one site of `desks` desks and one member.
fn helsinki(desks: u32) -> (NetworkBlock, SiteId, MemberId, ClusterId) {
    let record = helsinki_cluster("Helsinki Loaded");
    let cluster = record.id;
    let site = SiteId::from_uuid(uuid::Uuid::now_v7());
    let member = MemberId::from_uuid(uuid::Uuid::now_v7());
    let block = NetworkBlock {
        clusters: vec![(record, HostPolicy::default())],
        sites: vec![SiteRecord {
            id: site,
            cluster_id: cluster,
            name: "Loaded Loft".to_owned(),
            address: "Mannerheimintie 1".to_owned(),
            timezone: TimeZone::parse("Europe/Helsinki").unwrap(),
            desks: DeskCount::new(desks).unwrap(),
            open_weekdays: WeekdaySet::MON_TO_FRI,
            contact_email: "loft@helsinki.example".to_owned(),
            house_rules: String::new(),
        }],
        members: vec![MemberRecord {
            id: member,
            email: Email::parse("aino@helsinki.example").unwrap(),
            name: "Aino".to_owned(),
            company: "Loaded Oy".to_owned(),
            locale: Locale::En,
            cluster_id: Some(cluster),
            status: MemberStatus::Active,
            vouched_until: None,
            firm: None,
            open_to_meet: false,
        }],
        firms: Vec::new(),
        events: Vec::new(),
    };
    (block, site, member, cluster)
}

#[tokio::test]
async fn a_loaded_network_books_and_counts_as_one_grown_by_requests() {
    World::on_both_backends(3, async |w: World| {
        let store = w.service.store();
        let (block, loft, aino, helsinki_id) = helsinki(1);
        store.load_network(&block, w.service.now()).await.unwrap();
        let aino = w.service.caller(aino).await.unwrap();

        // Anna's stay at the one-desk loft next week, loaded: the loft is full
        // on those days for anyone who asks through the service.
        let next_week = [d("2026-03-09"), d("2026-03-10")];
        let anna = approved(&w.member, loft, helsinki_id, &next_week, t("2026-03-01T09:00:00Z"));
        store.load_stays(std::slice::from_ref(&anna)).await.unwrap();
        let read = w.service.stay(&w.member, anna.stay.id).await.unwrap();
        assert_eq!(read.status, StayStatus::Approved);
        assert_eq!(read.days, next_week.to_vec());
        assert_eq!(read.history.len(), 2, "the request and its approval");
        let days = w.service.availability(loft, deskvisa_rules::DateRange::new(next_week[0], next_week[1]).unwrap());
        assert!(days.await.unwrap().iter().all(|d| d.held == 1 && d.free == 0));
        let refused = w
            .service
            .request_stay(
                &w.another_member("piotr@hubclub.example").await,
                &StayRequestInput {
                    site: loft,
                    start_date: next_week[0],
                    end_date: next_week[0],
                    purpose: "Same day".to_owned(),
                },
            )
            .await;
        assert!(
            matches!(&refused, Err(ServiceError::Refused(r)) if r.codes() == [ViolationCode::NoCapacity]),
            "{refused:?}"
        );

        // Aino's visit to Nyhavn House last month counts in the ledger as
        // the service would have counted it: two visitor-days, one request
        // received and approved.
        let last_month = [d("2026-02-02"), d("2026-02-03")];
        let visit = approved(&aino, w.site, w.host, &last_month, t("2026-01-20T09:00:00Z"));
        store.load_stays(&[visit]).await.unwrap();
        let ledger = w.service.ledger(Period::new(d("2026-01-01"), d("2026-02-28")).unwrap()).await.unwrap().ledger;
        let cell = ledger.matrix.iter().find(|c| c.host_cluster_id == w.host).unwrap();
        assert_eq!((cell.home_cluster_id, cell.visitor_days), (helsinki_id, 2));
        let host = ledger.clusters.iter().find(|c| c.cluster_id == w.host).unwrap();
        assert_eq!((host.requests_received, host.requests_approved, host.days_hosted), (1, 1, 2));
    })
    .await;
}

#[tokio::test]
async fn a_block_that_would_hold_more_desks_than_a_site_has_is_refused_whole() {
    World::on_both_backends(1, async |w: World| {
        let store = w.service.store();
        let piotr = w.another_member("piotr@hubclub.example").await;
        let day = [d("2026-03-11")];
        let asked = t("2026-03-01T09:00:00Z");
        let both = [approved(&w.member, w.site, w.host, &day, asked), approved(&piotr, w.site, w.host, &day, asked)];
        let err = store.load_stays(&both).await.unwrap_err();
        assert!(matches!(err, StoreError::Check(_)), "the counters' check refuses it: {err:?}");
        // Nothing of the block is left: the one desk is still free.
        let days = w.service.availability(w.site, deskvisa_rules::DateRange::new(day[0], day[0]).unwrap());
        assert_eq!(days.await.unwrap()[0].free, 1);
        assert!(w.service.stay(&w.member, both[0].stay.id).await.is_err());
    })
    .await;
}
