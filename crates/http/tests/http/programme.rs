//! The network's programme (issue 22), on both databases: every event open
//! to visitors across the network over a window, earliest first, by country
//! or continent, a page at a time; the page lists them by day and leads to
//! the site's request form with the event's date filled in.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use deskvisa_service::EventDraft;
use deskvisa_testing::on_both_backends;
use serde_json::{Value, json};

use crate::api::Api;
use crate::support::{get, send, session};

fn time(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
}

fn draft(title: &str, day: &str, open: bool) -> EventDraft {
    EventDraft {
        title: title.to_owned(),
        description: String::new(),
        starts_at: time(&format!("{day}T08:30")),
        ends_at: time(&format!("{day}T10:00")),
        capacity: 20,
        open_to_visitors: open,
    }
}

fn titles(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_programme_lists_every_open_event_of_the_network_by_place_and_window() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let host = api.world.host_admin;
        for (title, day, open) in [
            ("Harbour breakfast", "2026-03-10", true),
            ("Members' assembly", "2026-03-11", false),
            ("AI meetup", "2026-03-04", true),
            ("Study visit", "2026-04-20", true),
            ("Far future", "2026-09-01", true),
        ] {
            api.service.publish_event(&host, api.world.site, draft(title, day, open)).await.unwrap();
        }
        let cancelled =
            api.service.publish_event(&host, api.world.site, draft("Called off", "2026-03-05", true)).await.unwrap();
        api.service.cancel_event(&host, cancelled.id, None).await.unwrap();

        // Open, not cancelled, in the window (90 days from today by default), earliest first.
        let (status, page) = api.call("GET", "/api/v1/events", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(titles(&page), ["AI meetup", "Harbour breakfast", "Study visit"]);
        assert_eq!(page["items"][0]["site_name"], "Nyhavn House");
        assert_eq!(
            (page["items"][0]["country"].as_str(), page["items"][0]["cluster_name"].as_str()),
            (Some("DK"), Some("Copenhagen Digital"))
        );
        // A window, a page at a time; by country and by continent.
        let (_, first) =
            api.call("GET", "/api/v1/events?from=2026-03-01&to=2026-12-31&limit=2", Some(&api.member), None).await;
        assert_eq!(titles(&first), ["AI meetup", "Harbour breakfast"]);
        let cursor = first["next_cursor"].as_str().unwrap();
        let (_, rest) = api
            .call(
                "GET",
                &format!("/api/v1/events?from=2026-03-01&to=2026-12-31&limit=2&cursor={cursor}"),
                Some(&api.member),
                None,
            )
            .await;
        assert_eq!(titles(&rest), ["Study visit", "Far future"]);
        let (_, danish) = api.call("GET", "/api/v1/events?country=DK", Some(&api.member), None).await;
        assert_eq!(titles(&danish).len(), 3);
        for (query, count) in [("country=PL", 0), ("continent=asia", 0), ("continent=europe", 3)] {
            let (_, found) = api.call("GET", &format!("/api/v1/events?{query}"), Some(&api.member), None).await;
            assert_eq!(titles(&found).len(), count, "{query}");
        }
        for bad in
            ["from=2026-03-10&to=2026-03-01", "from=2026-01-01&to=2027-06-01", "continent=atlantis", "country=ZZ"]
        {
            let (status, problem) = api.call("GET", &format!("/api/v1/events?{bad}"), Some(&api.member), None).await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("malformed_request")),
                "{bad}"
            );
        }

        // The page: by day, each event one click from a request for its day.
        let cookie = session(&api.app, &api.service, "anna@hubclub.example").await;
        let page = send(&api.app, get("/programme", &cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = crate::support::unescape(&page.body);
        assert!(body.contains("Harbour breakfast") && !body.contains("Members' assembly"), "{body}");
        let request = format!("/sites/{}?start=2026-03-10&end=2026-03-10", api.site);
        assert!(body.contains(&request), "{body}");
        let site = send(&api.app, get(&request, &cookie)).await;
        assert!(site.body.contains("value=\"2026-03-10\""), "the request form has the event's date");

        // The month view (Anna reads Polish): a calendar of March with the event on its day, a
        // link to the month after, and April's calendar without it.
        let month = send(&api.app, get("/programme?view=month&month=2026-03", &cookie)).await;
        assert_eq!(month.status, StatusCode::OK);
        let body = crate::support::unescape(&month.body);
        assert!(body.contains("<caption id=\"month-caption\">marzec 2026</caption>"), "{body}");
        let tenth = body.find("wtorek, 10 marca 2026").expect("the 10th's cell");
        let cell = &body[tenth..tenth + body[tenth..].find("</td>").unwrap()];
        assert!(cell.contains("08:30 Harbour breakfast"), "{cell}");
        assert!(body.contains("aria-current=\"date\""), "today is marked");
        assert!(body.contains("/programme?view=month&month=2026-04&continent="), "{body}");
        let april = send(&api.app, get("/programme?view=month&month=2026-04", &cookie)).await;
        assert!(april.body.contains("kwiecień 2026") && !april.body.contains("Harbour breakfast"));
        let nonsense = send(&api.app, get("/programme?view=month&month=1999-99", &cookie)).await;
        assert!(nonsense.body.contains("marzec 2026"), "a month that is none shows this month");

        // A suspended host's events leave the programme; its members do not see it.
        let suspend = json!({"status": "suspended"});
        api.call("PATCH", &format!("/api/v1/clusters/{}", api.host), Some(&api.network), Some(suspend)).await;
        let (_, page) = api.call("GET", "/api/v1/events", Some(&api.member), None).await;
        assert_eq!(titles(&page), Vec::<&str>::new());
        let (status, _) = api.call("GET", "/api/v1/events", Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
