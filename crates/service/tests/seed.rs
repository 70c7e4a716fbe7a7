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
