//! A member's personal calendar feed (issue 22), on both databases: made
//! once with a secret URL, read without signing in by a calendar program
//! (both calendar parsers read every entry), updated as stays and
//! registrations change, and dead once revoked or replaced.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDateTime;
use deskvisa_service::EventDraft;
use deskvisa_testing::ics::parse_ics;
use deskvisa_testing::on_both_backends;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::api::Api;

/// The feed at `url` as a calendar program reads it: no cookie, no token.
async fn read(api: &Api, url: &str) -> (StatusCode, String, String) {
    let path = url.strip_prefix("http://127.0.0.1:8080").unwrap_or(url);
    let response = api.app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, kind, body)
}

#[tokio::test]
async fn a_calendar_program_reads_my_stays_and_registrations_until_i_revoke_the_feed() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (status, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-10"))).await;
        assert_eq!(status, StatusCode::CREATED);
        let stay_id = stay["id"].as_str().unwrap().to_owned();
        api.call("POST", &format!("/api/v1/stays/{stay_id}/approve"), Some(&api.admin), None).await;
        let at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").unwrap();
        let draft = EventDraft {
            title: "Harbour breakfast".into(),
            description: String::new(),
            starts_at: at("2026-03-05T08:30"),
            ends_at: at("2026-03-05T10:00"),
            capacity: 10,
            open_to_visitors: true,
        };
        let event = api.service.publish_event(&api.world.host_admin, api.world.site, draft).await.unwrap();
        api.call("POST", &format!("/api/v1/events/{}/registrations", event.id), Some(&api.member), None).await;

        let (status, feed) = api.call("POST", "/api/v1/me/calendar-feed", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::CREATED, "{feed}");
        let url = feed["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("http://127.0.0.1:8080/feeds/dvf_") && url.ends_with(".ics"), "{url}");
        let (status, kind, ics) = read(&api, &url).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/calendar; charset=utf-8"));
        for reading in [parse_ics(&ics).icalendar, parse_ics(&ics).vobject] {
            assert_eq!(reading.method.as_deref(), Some("PUBLISH"));
            let uids: Vec<_> = reading.events.iter().filter_map(|e| e.uid.clone()).collect();
            assert_eq!(uids, [format!("stay-{stay_id}@deskvisa"), format!("event-{}@deskvisa", event.id)]);
            assert_eq!(reading.events[0].dtstart.as_deref(), Some("2026-03-04"));
            assert_eq!(reading.events[1].dtstart.as_deref(), Some("2026-03-05T07:30:00Z"));
        }
        // The stay called off shows so at the next refresh; the registration it allowed is gone.
        api.call("POST", &format!("/api/v1/stays/{stay_id}/cancel"), Some(&api.member), Some(json!({}))).await;
        let (_, _, ics) = read(&api, &url).await;
        let reading = parse_ics(&ics).icalendar;
        assert_eq!(reading.events.len(), 1);
        assert_eq!(reading.events[0].status.as_deref(), Some("CANCELLED"));

        // A new feed replaces the old; revoked, none works; nobody else's secret is guessed.
        let (_, again) = api.call("POST", "/api/v1/me/calendar-feed", Some(&api.member), None).await;
        let second = again["url"].as_str().unwrap().to_owned();
        assert_eq!(read(&api, &url).await.0, StatusCode::NOT_FOUND);
        assert_eq!(read(&api, &second).await.0, StatusCode::OK);
        let (status, _) = api.call("DELETE", "/api/v1/me/calendar-feed", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(read(&api, &second).await.0, StatusCode::NOT_FOUND);
        let (status, _) = api.call("DELETE", "/api/v1/me/calendar-feed", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for bogus in ["/feeds/dvf_nothing.ics", "/feeds/dv_token.ics", "/feeds/x"] {
            assert_eq!(read(&api, bogus).await.0, StatusCode::NOT_FOUND, "{bogus}");
        }
        // The page makes one too, and shows its address this once.
        let cookie = crate::support::session(&api.app, &api.service, "anna@hubclub.example").await;
        let me = crate::support::send(&api.app, crate::support::get("/me", &cookie)).await;
        let body = format!("csrf={}", crate::support::field(&me.body, "csrf"));
        let made = crate::support::send(&api.app, crate::support::post("/me/calendar-feed", &cookie, &body)).await;
        assert_eq!(made.status, StatusCode::OK);
        let page = crate::support::unescape(&made.body);
        let at = page.find("/feeds/dvf_").expect("the feed's address on the page");
        let path: String = page[at..].chars().take_while(|c| *c != '"').collect();
        assert_eq!(read(&api, &path).await.0, StatusCode::OK, "{path}");

        // Only its hash is kept.
        let secret = second.rsplit('/').next().unwrap().trim_end_matches(".ics");
        let kept = api
            .test_db
            .scalar(&format!("SELECT COUNT(*) FROM calendar_feeds WHERE token_hash LIKE '%{secret}%'"))
            .await;
        assert_eq!(kept, 0);
    })
    .await;
}
