//! Pages of a network too large to list whole, written with the store's
//! bulk loader: the map lists a crowded continent's countries, each a link
//! to that country's map listing its sites; the availability search, in the
//! API and on the map, pages through the sites it finds; the ledger pages
//! through the clusters' figures, the network page through the clusters
//! (and finds one); the delegation form asks for the site's country first.

use axum::http::StatusCode;
use deskvisa_rules::{DeskCount, HostPolicy, SiteId, TimeZone, WeekdaySet};
use deskvisa_store::{NetworkBlock, SiteRecord};
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{World, helsinki_cluster};

use crate::support::{Web, get, send, session, unescape};

/// Seventy sites of a Finnish cluster, written in bulk: Europe then has 72.
async fn finland(w: &Web) -> Vec<SiteId> {
    lofts(&w.service, 70).await
}

/// `n` sites of a Finnish cluster ("Loft 00", …, four desks each), written in bulk.
pub(crate) async fn lofts(service: &deskvisa_service::Service, n: usize) -> Vec<SiteId> {
    let cluster = helsinki_cluster("Helsinki Lofts");
    let sites: Vec<SiteRecord> = (0..n)
        .map(|n| SiteRecord {
            id: SiteId::from_uuid(uuid::Uuid::now_v7()),
            cluster_id: cluster.id,
            name: format!("Loft {n:03}"),
            address: format!("Mannerheimintie {n}"),
            timezone: TimeZone::parse("Europe/Helsinki").unwrap(),
            desks: DeskCount::new(4).unwrap(),
            open_weekdays: WeekdaySet::MON_TO_FRI,
            contact_email: format!("loft{n}@helsinki.example"),
            house_rules: String::new(),
        })
        .collect();
    let ids = sites.iter().map(|s| s.id).collect();
    let block = NetworkBlock { clusters: vec![(cluster, HostPolicy::default())], sites, ..NetworkBlock::default() };
    service.store().load_network(&block, service.now()).await.unwrap();
    ids
}

#[tokio::test]
async fn a_continent_of_many_sites_lists_its_countries_and_each_country_its_sites() {
    on_both_backends(async |db| {
        let w = Web::new(World::new(db, 2).await);
        let lofts = finland(&w).await;
        let cookie = session(&w.app, &w.service, "anna@hubclub.example").await;

        let map = send(&w.app, get("/", &cookie)).await;
        assert_eq!(map.status, StatusCode::OK);
        let all = unescape(&map.body[map.body.find("id=\"all-sites\"").unwrap()..]);
        assert!(all.contains("(72)"), "Europe counts every site: {all}");
        assert!(all.contains(">Finland</a> <span class=\"muted\">(70)</span>"), "{all}");
        assert!(!all.contains("Loft 007"), "seventy lofts are not listed on the world map");
        let link = "/?area=country%3AFI#all-sites";
        assert!(all.contains(&format!("href=\"{link}\"")));

        // The link: Finland's map lists every loft, each a link to its page.
        let finland = send(&w.app, get(link.trim_end_matches("#all-sites"), &cookie)).await;
        assert_eq!(finland.status, StatusCode::OK);
        let listed = unescape(&finland.body[finland.body.find("id=\"all-sites\"").unwrap()..]);
        for (n, loft) in lofts.iter().enumerate() {
            assert!(listed.contains(&format!("href=\"/sites/{}\">Loft {n:03}</a>", loft.as_uuid())), "Loft {n:03}");
        }
        let page = send(&w.app, get(&format!("/sites/{}", lofts[7].as_uuid()), &cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(unescape(&page.body).contains("Loft 007"));
    })
    .await;
}

#[tokio::test]
async fn the_map_search_shows_a_screenful_and_pages_through_every_site_found() {
    on_both_backends(async |db| {
        let w = Web::new(World::new(db, 2).await);
        let lofts = lofts(&w.service, 230).await;
        let cookie = session(&w.app, &w.service, "anna@hubclub.example").await;
        let cards = |body: &str| body.matches("<li class=\"card fit\">").count();
        // A breakfast at the host's site during its first fit, the first card.
        let time = |t: &str| deskvisa_rules::parse_local_time(t).unwrap();
        let breakfast = deskvisa_service::EventDraft {
            title: "Harbour business breakfast".into(),
            description: String::new(),
            starts_at: time("2026-03-10T08:00"),
            ends_at: time("2026-03-10T10:00"),
            capacity: 20,
            open_to_visitors: true,
        };
        w.service.publish_event(&w.host_admin, w.site, breakfast).await.unwrap();

        let search = "/?from=2026-03-09&to=2026-03-27&days=3";
        let first = send(&w.app, get(search, &cookie)).await;
        assert_eq!(first.status, StatusCode::OK);
        let body = unescape(&first.body);
        let found: usize =
            body.split("Sites that can take your stay (").nth(1).unwrap().split(')').next().unwrap().parse().unwrap();
        assert!(found > 230, "every loft and the host's site: {found}");
        assert_eq!(cards(&first.body), 12, "a screenful");
        assert!(body.contains("4 desks free"), "the cards shown count their free desks: {body}");
        let first = &body[body.find("<li class=\"card fit\">").unwrap()..];
        let first = &first[..first.find("</li>").unwrap()];
        assert!(first.contains("1 event during your stay"), "{first}");
        assert_eq!(body.matches("event during your stay").count(), 1, "at the host's site only");
        // Every site that fits is marked on the map, not only those listed:
        // the lofts' pins, one group on the world's map.
        assert!(body.contains("class=\"pin group fits\""), "{body}");

        let every = body.split("href=\"").find(|h| h.contains("all=1")).unwrap().split('"').next().unwrap().to_owned();
        let mut page = send(&w.app, get(&every, &cookie)).await;
        let mut seen: std::collections::HashSet<&SiteId> = std::collections::HashSet::new();
        let mut pages = 0;
        loop {
            assert_eq!(page.status, StatusCode::OK);
            pages += 1;
            let body = unescape(&page.body);
            let listed = &body[body.find("id=\"results\"").unwrap()..body.find("id=\"all-sites\"").unwrap()];
            let shown = cards(listed);
            assert_eq!(shown, if pages < 3 { 100 } else { found - 200 }, "page {pages}");
            let place = listed.split("id=\"results-pages\">").nth(1).unwrap();
            let (first, last) = (100 * (pages - 1) + 1, (100 * pages).min(found));
            assert!(place.starts_with(&format!("{first}–{last} / {found}")), "{place}");
            assert_eq!(place.contains("Previous sites"), pages > 1);
            seen.extend(lofts.iter().filter(|l| listed.contains(&format!("href=\"/sites/{}\"", l.as_uuid()))));
            let Some(next) = place
                .split("href=\"")
                .skip(1)
                .map(|h| h.split('"').next().unwrap())
                .find(|h| h.contains(&format!("page={}", pages + 1)))
            else {
                break;
            };
            let next = next.to_owned();
            page = send(&w.app, get(&next, &cookie)).await;
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len(), 230, "every loft listed over the pages");
    })
    .await;
}

/// 110 Finnish clusters ("Finnish cluster 000", …), written in bulk beside
/// the world's two; the session cookie of a network admin.
async fn finnish_clusters(w: &Web) -> String {
    let block = NetworkBlock {
        clusters: (0..110)
            .map(|n| (helsinki_cluster(&format!("Finnish cluster {n:03}")), HostPolicy::default()))
            .collect(),
        ..NetworkBlock::default()
    };
    w.service.store().load_network(&block, w.service.now()).await.unwrap();
    w.add_network_admin(w.home, deskvisa_testing::world::member("net@hubclub.example")).await;
    session(&w.app, &w.service, "net@hubclub.example").await
}

#[tokio::test]
async fn the_ledger_of_many_clusters_pages_through_their_figures_by_name() {
    on_both_backends(async |db| {
        let w = Web::new(World::new(db, 2).await);
        let cookie = finnish_clusters(&w).await;

        let first = send(&w.app, get("/network/ledger", &cookie)).await;
        assert_eq!(first.status, StatusCode::OK);
        let rows = |body: &str| body.matches("<tr data-cluster=").count();
        assert_eq!(rows(&first.body), 100, "a page of figures");
        let pages = unescape(&first.body[first.body.find("id=\"figures-pages\"").unwrap()..]);
        assert!(pages.starts_with("id=\"figures-pages\">1–100 / 112"), "{pages}");
        let next = pages.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert!(pages.contains("Next clusters"));

        // The link: the last twelve, by name, and the way back.
        let second = send(&w.app, get(&next, &cookie)).await;
        assert_eq!(second.status, StatusCode::OK);
        assert_eq!(rows(&second.body), 12);
        let body = unescape(&second.body);
        assert!(body.contains("Finnish cluster 109"));
        assert!(!body.contains("Finnish cluster 000<"), "the first page's clusters are not repeated");
        assert!(body.contains("101–112 / 112") && body.contains("Previous clusters"));
    })
    .await;
}

#[tokio::test]
async fn the_network_page_pages_through_the_clusters_and_finds_one_by_name_city_or_country() {
    on_both_backends(async |db| {
        let w = Web::new(World::new(db, 2).await);
        let cookie = finnish_clusters(&w).await;
        let rows = |body: &str| body.matches("<tr id=\"cluster-").count();

        let first = send(&w.app, get("/network", &cookie)).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(rows(&first.body), 100, "a page of clusters");
        let body = unescape(&first.body);
        assert!(body.contains("Clusters (112)"), "every cluster counted");
        let pages = &body[body.find("id=\"clusters-pages\"").unwrap()..];
        assert!(pages.starts_with("id=\"clusters-pages\">1–100 / 112"), "{pages}");
        assert!(pages.contains("Next clusters"));
        let next = pages.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();

        // The link: the last twelve, by name, each with its status form.
        let second = send(&w.app, get(&next, &cookie)).await;
        assert_eq!(second.status, StatusCode::OK);
        assert_eq!(rows(&second.body), 12);
        let body = unescape(&second.body);
        assert!(body.contains("101–112 / 112") && body.contains("Previous clusters"));
        assert!(body.contains(">Finnish cluster 109</a>") && !body.contains(">Finnish cluster 000</a>"));
        assert!(body.contains("action=\"/network/clusters/"), "the status forms are on every page");

        // The find box: by name, by city, by country; nothing found is said.
        let found = send(&w.app, get("/network?find=cluster+10", &cookie)).await;
        assert_eq!(found.status, StatusCode::OK);
        assert_eq!(rows(&found.body), 10, "Finnish cluster 100 to 109");
        let body = unescape(&found.body);
        assert!(body.contains("Clusters (10 / 112)") && !body.contains("id=\"clusters-pages\""), "one page");
        assert!(body.contains("value=\"cluster 10\""), "the box keeps what was typed");
        assert!(body.contains("href=\"/network\">Every cluster</a>"));
        let home = w.service.cluster_with_sites(w.home).await.unwrap().0;
        let city: String = form_urlencoded::byte_serialize(home.city.to_uppercase().as_bytes()).collect();
        let by_city = send(&w.app, get(&format!("/network?find={city}"), &cookie)).await;
        assert!(unescape(&by_city.body).contains(&format!(">{}</a>", home.name)), "found by its city");
        assert_eq!(rows(&send(&w.app, get("/network?find=fi", &cookie)).await.body), 100, "found by country, paged");
        let none = send(&w.app, get("/network?find=Atlantis", &cookie)).await;
        assert_eq!(none.status, StatusCode::OK);
        assert!(none.body.contains("id=\"no-cluster-found\"") && rows(&none.body) == 0);
    })
    .await;
}

#[tokio::test]
async fn a_delegation_to_a_network_of_many_sites_is_sent_from_the_site_or_its_country() {
    on_both_backends(async |db| {
        let w = Web::new(World::new(db, 2).await);
        let lofts = lofts(&w.service, 230).await;
        w.add_admin(w.home, deskvisa_testing::world::member("boss@hubclub.example")).await;
        let boss = session(&w.app, &w.service, "boss@hubclub.example").await;
        let options = |body: &str| {
            let menu = &body[body.find("id=\"site_id\"").unwrap()..];
            menu[..menu.find("</select>").unwrap()].matches("<option value=\"").count() - 1
        };

        // Too many sites for one menu: the country first, none listed yet.
        let page = send(&w.app, get("/host/delegations", &boss)).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = unescape(&page.body);
        assert!(body.contains("id=\"delegation-country-first\""), "{body}");
        assert!(body.contains("<option value=\"FI\">Finland (230)</option>"), "each country with its sites counted");
        assert_eq!(options(&page.body), 0, "no site listed before the country");

        // Finland: its 230 lofts in the menu, the country kept for the post.
        let finland = send(&w.app, get("/host/delegations?country=FI", &boss)).await;
        assert_eq!(finland.status, StatusCode::OK);
        assert_eq!(options(&finland.body), 230);
        assert!(finland.body.contains("<input type=\"hidden\" name=\"country\" value=\"FI\">"));
        assert!(unescape(&finland.body).contains("Loft 007 (Helsinki Lofts, Helsinki)"));

        // From a loft's page: the form with that loft chosen.
        let site = send(&w.app, get(&format!("/sites/{}", lofts[7].as_uuid()), &boss)).await;
        assert_eq!(site.status, StatusCode::OK);
        let link = site.body.split("id=\"send-delegation-here\" href=\"").nth(1).unwrap().split('"').next().unwrap();
        let form = send(&w.app, get(&unescape(link), &boss)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains(&format!("<option value=\"{}\" selected>", lofts[7].as_uuid())), "{}", form.body);
        let member = session(&w.app, &w.service, "anna@hubclub.example").await;
        let as_member = send(&w.app, get(&format!("/sites/{}", lofts[7].as_uuid()), &member)).await;
        assert!(!as_member.body.contains("send-delegation-here"), "a member sends no delegation");
    })
    .await;
}
