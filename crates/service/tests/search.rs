//! The availability search across the network, on SQLite and PostgreSQL:
//! around closures and full days, by country and continent, with each host's
//! longest stay, notice and horizon, and never at the member's own cluster or
//! a suspended one.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

use deskvisa_rules::{ClusterStatus, Continent, DateRange, PolicyDraft};
use deskvisa_service::*;
use deskvisa_testing::world::{World, cluster, d, member, site};

fn window(from: &str, to: &str) -> DateRange {
    DateRange::new(d(from), d(to)).unwrap()
}

fn query(from: &str, to: &str, days: u32) -> SearchQuery {
    SearchQuery { window: window(from, to), days, exact: false, country: None, continent: None }
}

fn found(results: &[SiteFits]) -> Vec<(String, Vec<(String, String)>)> {
    results
        .iter()
        .map(|f| {
            let fits = f.fits.iter().map(|r| (r.start().to_string(), r.end().to_string())).collect();
            (f.site.name.clone(), fits)
        })
        .collect()
}

fn fits(ranges: &[(&str, &str)]) -> Vec<(String, String)> {
    ranges.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

#[tokio::test]
async fn the_search_answers_around_closures_full_days_filters_and_policies() {
    World::on_both_backends(1, async |w| {
        // Copenhagen's Nyhavn House has one desk; the clock is Monday 2 March 2026.
        let s = &w.service;
        let tokyo = s.add_cluster(cluster("Tokyo Creative Tech", "Tokyo", "JP", "Asia/Tokyo")).await.unwrap();
        s.add_site(tokyo.id, site("Shibuya Loft", 2)).await.unwrap();
        let oslo = s.add_cluster(cluster("Oslo Tech", "Oslo", "NO", "Europe/Oslo")).await.unwrap();
        s.add_site(oslo.id, site("Fjord Desk", 5)).await.unwrap();
        let network = w.add_network_admin(oslo.id, member("network@deskvisa.example")).await;
        let patch = ClusterPatch { status: Some(ClusterStatus::Suspended), ..ClusterPatch::default() };
        s.update_cluster(&network, oslo.id, patch).await.unwrap();
        // Nyhavn is closed on Wednesday 11 March and full on Monday 16 March.
        s.close_day(&w.host_admin, w.site, d("2026-03-11"), "Fire drill").await.unwrap();
        let other = w.another_member("other@hubclub.example").await;
        s.request_stay(&other, &w.input("2026-03-16", "2026-03-16")).await.unwrap();

        let europe = SearchQuery { continent: Some(Continent::Europe), ..query("2026-03-09", "2026-03-20", 3) };
        let answer = s.search_availability(&w.member, &europe).await.unwrap();
        assert_eq!(
            found(&answer),
            [("Nyhavn House".to_owned(), fits(&[("2026-03-09", "2026-03-12"), ("2026-03-17", "2026-03-19")]))],
            "three open days around the closed 11th and the full 16th; not HubClub's own site, not suspended Oslo"
        );

        let everywhere = s.search_availability(&w.member, &query("2026-03-09", "2026-03-20", 3)).await.unwrap();
        assert_eq!(
            found(&everywhere),
            [
                ("Nyhavn House".to_owned(), fits(&[("2026-03-09", "2026-03-12"), ("2026-03-17", "2026-03-19")])),
                (
                    "Shibuya Loft".to_owned(),
                    fits(&[("2026-03-09", "2026-03-11"), ("2026-03-12", "2026-03-16"), ("2026-03-17", "2026-03-19")])
                ),
            ],
            "both from the 9th, by cluster name"
        );
        let japan = SearchQuery {
            country: Some(deskvisa_rules::Country::parse("JP").unwrap()),
            ..query("2026-03-09", "2026-03-20", 3)
        };
        assert_eq!(found(&s.search_availability(&w.member, &japan).await.unwrap())[0].0, "Shibuya Loft");
        assert_eq!(s.search_availability(&w.member, &japan).await.unwrap().len(), 1);

        // Exact dates: every open day of the window, or the site is not
        // offered. Monday 9 to Thursday 12 March at Nyhavn skips the closed
        // 11th; the week of the full 16th is not offered there at all.
        let exact = SearchQuery { exact: true, ..query("2026-03-09", "2026-03-12", 0) };
        let shown = s.search_availability(&w.member, &exact).await.unwrap();
        let nyhavn = shown.iter().find(|f| f.site.name == "Nyhavn House").unwrap();
        assert_eq!(found(std::slice::from_ref(nyhavn))[0].1, fits(&[("2026-03-09", "2026-03-12")]));
        let facts = s.first_fit_facts(std::slice::from_ref(nyhavn)).await.unwrap();
        assert_eq!((facts[&nyhavn.site.id].free, nyhavn.approval), (1, deskvisa_rules::ApprovalMode::Manual));
        let full_week = SearchQuery { exact: true, ..query("2026-03-16", "2026-03-18", 0) };
        let shown = s.search_availability(&w.member, &full_week).await.unwrap();
        assert!(shown.iter().all(|f| f.site.name != "Nyhavn House"), "the full 16th is in the way");

        // Longer than a host's longest stay: not offered. Tokyo takes ten days.
        let long = query("2026-03-09", "2026-03-31", 6);
        assert!(s.search_availability(&w.member, &long).await.unwrap().is_empty());
        let tokyo_admin = w.add_admin(tokyo.id, member("admin@tokyo.example")).await;
        s.save_policy(&tokyo_admin, tokyo.id, PolicyDraft { max_days_per_stay: 10, ..PolicyDraft::default() })
            .await
            .unwrap();
        let answer = s.search_availability(&w.member, &long).await.unwrap();
        assert_eq!(
            found(&answer),
            [("Shibuya Loft".to_owned(), fits(&[("2026-03-09", "2026-03-16"), ("2026-03-17", "2026-03-24")]))]
        );

        // Notice: nothing starts today; horizon: nothing starts 120 days on.
        let today = s.search_availability(&w.member, &query("2026-03-02", "2026-03-06", 1)).await.unwrap();
        assert!(today.iter().all(|f| f.fits[0].start() == d("2026-03-03")), "{:?}", found(&today));
        let far = s.search_availability(&w.member, &query("2026-07-01", "2026-07-31", 2)).await.unwrap();
        assert!(far.iter().all(|f| f.fits.iter().all(|r| r.start() <= d("2026-06-30"))), "{:?}", found(&far));
        assert!(far.is_empty(), "July starts lie past every host's 120-day horizon: {:?}", found(&far));

        // Bad questions get clear errors.
        for bad in [
            query("2026-03-09", "2026-03-10", 3),
            query("2026-03-09", "2026-03-10", 0),
            query("2026-01-01", "2027-06-01", 3),
        ] {
            assert!(matches!(s.search_availability(&w.member, &bad).await, Err(ServiceError::Invalid(_))));
        }
    })
    .await;
}

/// The search reads the service's copy of the map: a suspension made
/// through this service is seen by its next search; one made by another
/// instance on the same database, within `FRESH_FOR` (polled, never slept).
#[tokio::test]
async fn a_change_of_the_map_is_seen_at_once_here_and_soon_by_another_instance() {
    World::on_both_backends(1, async |w| {
        let here = &w.service;
        let other = Service::with_store(w.test_db.store().await, std::sync::Arc::new(w.clock.clone()));
        let week = query("2026-03-09", "2026-03-13", 3);
        let names = async |s: &Service| found(&s.search_availability(&w.member, &week).await.unwrap());
        assert_eq!(names(here).await.len(), 1, "Nyhavn House");
        assert_eq!(names(&other).await.len(), 1, "the other instance reads its copy");

        // Through this service: its next search no longer offers the site.
        let network = w.add_network_admin(w.home, member("network@deskvisa.example")).await;
        let patch = ClusterPatch { status: Some(ClusterStatus::Suspended), ..ClusterPatch::default() };
        here.update_cluster(&network, w.host, patch).await.unwrap();
        assert!(names(here).await.is_empty(), "seen at once where it was made");

        // The other instance: within its copy's freshness and one read.
        let deadline = std::time::Instant::now() + FRESH_FOR * 5;
        while !names(&other).await.is_empty() {
            assert!(std::time::Instant::now() < deadline, "the other instance never saw the suspension");
            tokio::task::yield_now().await;
        }
    })
    .await;
}
