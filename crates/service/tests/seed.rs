//! `deskvisa seed demo` loads a whole network once, and makes tokens that work.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

use std::sync::Arc;

use deskvisa_service::{Service, SystemClock, seed};
use deskvisa_testing::{Backend, TestDatabase};

#[tokio::test]
async fn the_demo_network_loads_once_with_working_tokens() {
    let t = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let service = Service::with_store(t.store().await, Arc::new(SystemClock));
    let first = service.seed_demo().await.unwrap();
    assert!(first.loaded);
    assert_eq!(first.clusters, 43);
    assert!(t.scalar("SELECT COUNT(*) FROM sites").await >= 43);
    assert!(t.scalar("SELECT COUNT(*) FROM stays").await >= 5, "some stays to look at");
    assert_eq!(t.scalar("SELECT COUNT(*) FROM delegations").await, 1, "a group waits for Copenhagen");
    assert_eq!(t.scalar("SELECT COUNT(*) FROM stays WHERE delegation_id IS NOT NULL").await, 2);
    assert!(t.scalar("SELECT COUNT(*) FROM closures").await >= 5);
    // Three firms a cluster, every member in one and its contact; introductions in every state.
    // (and the network admin's incubator, named by her company text).
    assert_eq!(t.scalar("SELECT COUNT(*) FROM firms").await, 43 * 3 + 1);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM members WHERE cluster_id IS NOT NULL AND firm_id IS NULL").await, 0);
    for status in ["pending", "accepted", "declined", "lapsed"] {
        let sql = format!("SELECT COUNT(*) FROM introductions WHERE status = '{status}'");
        assert!(t.scalar(&sql).await >= 1, "an introduction {status}");
    }
    let member = service.authenticate(&first.member_token).await.unwrap();
    assert!(!member.cluster_admin);
    let host = service.authenticate(&first.host_admin_token).await.unwrap();
    assert!(host.cluster_admin);
    assert!(service.authenticate(&first.network_admin_token).await.unwrap().network_admin);
    assert_eq!(service.member(member.member).await.unwrap().email.as_str(), seed::DEMO_MEMBER);

    let second = service.seed_demo().await.unwrap();
    assert!(!second.loaded, "a second run loads nothing");
    assert_eq!(second.clusters, 43);
    assert_ne!(second.member_token, first.member_token, "fresh tokens every time");
    assert!(service.authenticate(&first.member_token).await.is_ok(), "older tokens keep working");
}

/// The ledger reads every cluster's record as a host in one go; the stay
/// rules read one cluster's. Both say the same of every demo cluster. In the
/// demo, Athens (its only site under renovation, no desks) has stopped
/// hosting by ground (a) and Dublin (which declined every visitor) by ground
/// (b); after HubClub closes the desks of its three sites it may still send
/// today, and is in grace from tomorrow.
#[tokio::test]
async fn every_clusters_hosting_reads_the_same_at_once_and_one_by_one() {
    use deskvisa_rules::{NetworkPolicy, Standing, standing};
    let t = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let service = Service::with_store(t.store().await, Arc::new(SystemClock));
    service.seed_demo().await.unwrap();
    let admin = deskvisa_rules::Email::parse("admin@hubclub.example").unwrap();
    let host = service.caller(service.member_by_email(&admin).await.unwrap().id).await.unwrap();
    let map = service.map().await.unwrap();
    let (hubclub, sites) = map.clusters.iter().find(|(c, _)| Some(c.id) == host.cluster).unwrap();
    assert_eq!(sites.len(), 3, "HubClub has three sites");
    for site in sites {
        let patch =
            deskvisa_service::SitePatch { desks: Some(deskvisa_rules::DeskCount::default()), ..Default::default() };
        service.update_site(&host, site.id, patch).await.unwrap();
    }
    let now = chrono::Utc::now();
    let tx = service.store().begin_read().await.unwrap();
    let at_once = tx.hostings(now).await.unwrap();
    assert_eq!(at_once.len(), map.clusters.len());
    let network = NetworkPolicy::default();
    for (cluster, _) in &map.clusters {
        let (all, one) = (&at_once[&cluster.id], tx.hosting(cluster.id, now).await.unwrap());
        assert_eq!((all.joined_on, &all.sites), (one.joined_on, &one.sites), "cluster {}", cluster.name);
        // One by one, the store stops counting approvals at the first.
        assert_eq!(all.answers.refused, one.answers.refused, "cluster {}", cluster.name);
        let today = cluster.timezone.date_at(now);
        assert_eq!(standing(all, &network, today), standing(&one, &network, today), "cluster {}", cluster.name);
    }
    let standing_of = |name: &str, days_ahead: u64| {
        let (cluster, _) = map.clusters.iter().find(|(c, _)| c.name == name).unwrap();
        let today = cluster.timezone.date_at(now) + chrono::Days::new(days_ahead);
        standing(&at_once[&cluster.id], &network, today)
    };
    match standing_of("Athens Tech Cluster", 0) {
        Standing::NotReciprocating(lapse) => {
            assert!(lapse.nothing_offered_since.is_some(), "{lapse:?}");
            assert!(lapse.none_approved.is_none(), "{lapse:?}");
        }
        other => panic!("Athens offers no desk, yet {other:?}"),
    }
    match standing_of(deskvisa_service::seed::DEMO_REFUSING_HOST, 0) {
        Standing::NotReciprocating(lapse) => {
            assert_eq!(lapse.nothing_offered_since, None, "Dublin offers desks");
            assert_eq!(lapse.none_approved.map(|n| n.refused), Some(3), "{lapse:?}");
        }
        other => panic!("Dublin declined every visitor, yet {other:?}"),
    }
    // Today it hosts (its desks were there this morning) or, on a day its
    // sites are shut, is in grace; from tomorrow, in grace whatever the day.
    assert!(standing_of(&hubclub.name, 0).may_send(), "{:?}", standing_of(&hubclub.name, 0));
    assert!(matches!(standing_of(&hubclub.name, 1), Standing::InGrace { .. }), "{:?}", standing_of(&hubclub.name, 1));
    let lapsed = at_once
        .iter()
        .filter(|(id, h)| {
            let c = &map.clusters.iter().find(|(c, _)| c.id == **id).unwrap().0;
            !standing(h, &network, c.timezone.date_at(now)).may_send()
        })
        .count();
    assert_eq!(lapsed, 2, "Athens and Dublin, and nobody else");
}
