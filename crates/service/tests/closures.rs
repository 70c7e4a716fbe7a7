//! Closing a site's days, on SQLite and PostgreSQL: a range closes every
//! open day in it in one transaction, or none of them when a stay holds a
//! desk on one (and the answer names that day).
#![allow(clippy::unwrap_used, missing_docs)]

use deskvisa_rules::DateRange;
use deskvisa_service::*;
use deskvisa_testing::world::{World, d};

fn range(from: &str, to: &str) -> DateRange {
    DateRange::new(d(from), d(to)).unwrap()
}

#[tokio::test]
async fn a_range_closes_its_open_days_all_or_none() {
    World::on_both_backends(1, async |w| {
        // The clock is Monday 2 March 2026; the site opens Monday to Friday.
        let s = &w.service;
        s.close_days(&w.host_admin, w.site, range("2026-03-09", "2026-03-15"), "Trade fair").await.unwrap();
        let closed: Vec<String> = s.closures(w.site).await.unwrap().iter().map(|(day, _)| day.to_string()).collect();
        assert_eq!(
            closed,
            ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"],
            "the open days only"
        );

        // A stay holds Wednesday 18th: the week's closing is refused whole.
        s.request_stay(&w.member, &w.input("2026-03-18", "2026-03-18")).await.unwrap();
        let refused = s.close_days(&w.host_admin, w.site, range("2026-03-16", "2026-03-20"), "Fair").await;
        match refused {
            Err(ServiceError::DatesHoldStays { dates }) => assert_eq!(dates, [d("2026-03-18")]),
            other => panic!("expected dates_hold_stays, got {other:?}"),
        }
        assert_eq!(s.closures(w.site).await.unwrap().len(), 5, "nothing of the refused range was closed");

        // Closing again what is closed is no error; a range of over a year is refused.
        s.close_days(&w.host_admin, w.site, range("2026-03-09", "2026-03-10"), "Again").await.unwrap();
        let long = s.close_days(&w.host_admin, w.site, range("2026-03-23", "2027-04-30"), "Long").await;
        assert!(matches!(long, Err(ServiceError::Invalid(_))), "{long:?}");
        // Only the host's admins close.
        let member = s.close_days(&w.member, w.site, range("2026-03-23", "2026-03-24"), "No").await;
        assert!(matches!(member, Err(ServiceError::Forbidden)), "{member:?}");
    })
    .await;
}
