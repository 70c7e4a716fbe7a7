//! `deskvisa seed demo` loads a whole network once, and makes tokens that work.
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;

use deskvisa_service::{Service, SystemClock, seed};
use deskvisa_testing::{Backend, TestDatabase};

#[tokio::test]
async fn the_demo_network_loads_once_with_working_tokens() {
    let t = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let service = Service::new(t.db.clone(), Arc::new(SystemClock));
    let first = service.seed_demo().await.unwrap();
    assert!(first.loaded);
    assert_eq!(first.clusters, 43);
    assert!(t.scalar("SELECT COUNT(*) FROM sites").await >= 43);
    assert!(t.scalar("SELECT COUNT(*) FROM stays").await >= 5, "some stays to look at");
    assert!(t.scalar("SELECT COUNT(*) FROM closures").await >= 5);
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

/// The ledger reads every cluster's desk history in one go; the stay rules
/// read one cluster's. Both say the same of every demo cluster, after
/// HubClub closed the desks of its three sites one by one: it has offered
/// none since the last (and a cluster that never had desks, none since it
/// joined).
#[tokio::test]
async fn every_clusters_desk_history_reads_the_same_at_once_and_one_by_one() {
    use deskvisa_rules::DeskOffering;
    let t = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let service = Service::new(t.db.clone(), Arc::new(SystemClock));
    service.seed_demo().await.unwrap();
    let admin = deskvisa_rules::Email::parse("admin@hubclub.example").unwrap();
    let host = service.caller(service.member_by_email(&admin).await.unwrap().id).await.unwrap();
    assert!(host.cluster_admin);
    let map = service.map().await.unwrap();
    let (_, sites) = map.iter().find(|(c, _)| Some(c.id) == host.cluster).unwrap();
    assert_eq!(sites.len(), 3, "HubClub has three sites");
    let mut closed_at = None;
    for site in sites {
        let patch = deskvisa_service::SitePatch { desks: Some(0), ..Default::default() };
        service.update_site(&host, site.id, patch).await.unwrap();
        closed_at = Some(chrono::Utc::now());
    }
    let clusters: Vec<_> = map.iter().map(|(c, _)| (c.id, c.joined_on)).collect();
    let tx = service.store().begin_read().await.unwrap();
    let at_once = tx.desk_offerings(&clusters).await.unwrap();
    assert_eq!(at_once.len(), clusters.len());
    for (id, joined_on) in &clusters {
        assert_eq!(at_once[id], tx.desk_offering(*id, *joined_on).await.unwrap(), "cluster {id}");
    }
    match at_once[&host.cluster.unwrap()] {
        DeskOffering::NoDesksSince { since } => assert!(since <= closed_at.unwrap()),
        offering => panic!("HubClub closed every desk, yet {offering:?}"),
    }
    let never = at_once.values().filter(|o| matches!(o, DeskOffering::NoDesksSince { .. })).count();
    assert!(never >= 2, "HubClub, and the demo's cluster without desks");
}
