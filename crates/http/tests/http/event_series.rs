//! Repeating events (issue 22), on both databases: a monthly series ("every
//! first Tuesday") until a last date becomes one event per occurrence, each
//! registered for on its own; the series' calendar carries one VEVENT per
//! occurrence, read right by both calendar parsers; one occurrence is
//! cancelled alone, or it and the rest; series that cannot be are refused.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_testing::ics::parse_ics;
use deskvisa_testing::on_both_backends;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::api::Api;

fn series(starts_at: &str, ends_at: &str, repeat: &str, until: &str) -> Value {
    json!({"title": "Business breakfast", "description": "Every first Tuesday", "starts_at": starts_at,
           "ends_at": ends_at, "capacity": 12, "repeat": repeat, "until": until})
}

async fn calendar(api: &Api, series: &str) -> String {
    let request = Request::get(format!("/api/v1/event-series/{series}/calendar.ics"))
        .header("authorization", format!("Bearer {}", api.member))
        .body(Body::empty())
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

#[tokio::test]
async fn every_first_tuesday_is_an_event_of_its_own_in_one_calendar() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let path = format!("/api/v1/sites/{}/event-series", api.site);
        let body = series("2026-04-07T08:30", "2026-04-07T10:00", "monthly", "2026-07-31");
        let (status, _) = api.call("POST", &path, Some(&api.member), Some(body.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a visitor publishes nothing at the host's site");
        let (status, made) = api.call("POST", &path, Some(&api.admin), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let starts: Vec<&str> =
            made["events"].as_array().unwrap().iter().map(|e| e["starts_at"].as_str().unwrap()).collect();
        assert_eq!(starts, ["2026-04-07T08:30", "2026-05-05T08:30", "2026-06-02T08:30", "2026-07-07T08:30"]);
        let series_id = made["id"].as_str().unwrap().to_owned();
        let ids: Vec<String> =
            made["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
        assert!(made["events"].as_array().unwrap().iter().all(|e| e["series_id"] == series_id.as_str()));

        // One registers for one occurrence, as for any event.
        let (status, _) =
            api.call("POST", &format!("/api/v1/events/{}/registrations", ids[1]), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, listed) = api.call("GET", &format!("/api/v1/event-series/{series_id}"), Some(&api.member), None).await;
        let seats: Vec<u64> =
            listed["events"].as_array().unwrap().iter().map(|e| e["seats_left"].as_u64().unwrap()).collect();
        assert_eq!(seats, [12, 11, 12, 12]);

        // The series' calendar: one VEVENT per occurrence, in UTC (Copenhagen is UTC+2 from April).
        let ics = calendar(&api, &series_id).await;
        for reading in [parse_ics(&ics).icalendar, parse_ics(&ics).vobject] {
            let uids: Vec<String> = reading.events.iter().filter_map(|e| e.uid.clone()).collect();
            assert_eq!(uids, ids.iter().map(|id| format!("event-{id}@deskvisa")).collect::<Vec<_>>());
            let starts: Vec<&str> = reading.events.iter().filter_map(|e| e.dtstart.as_deref()).collect();
            assert_eq!(
                starts,
                ["2026-04-07T06:30:00Z", "2026-05-05T06:30:00Z", "2026-06-02T06:30:00Z", "2026-07-07T06:30:00Z"]
            );
        }

        // Cancel one occurrence alone, then the third and the rest.
        let (status, _) = api.call("DELETE", &format!("/api/v1/events/{}", ids[0]), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, rest) = api
            .call(
                "POST",
                &format!("/api/v1/events/{}/cancel-rest", ids[1]),
                Some(&api.admin),
                Some(json!({"reason": "The café closes"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{rest}");
        assert_eq!(rest["cancelled"], json!([ids[1], ids[2], ids[3]]));
        let (_, listed) = api.call("GET", &format!("/api/v1/event-series/{series_id}"), Some(&api.member), None).await;
        assert!(listed["events"].as_array().unwrap().iter().all(|e| e["cancelled"] == true), "{listed}");
        let reading = parse_ics(&calendar(&api, &series_id).await).icalendar;
        assert!(reading.events.iter().all(|e| e.status.as_deref() == Some("CANCELLED")));
        // The one registered for May was told, with the reason.
        let told = api.world.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'event_cancelled'").await;
        assert_eq!(told, 1);
        let (status, problem) =
            api.call("POST", &format!("/api/v1/events/{}/cancel-rest", ids[3]), Some(&api.admin), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("event_cancelled")));
    })
    .await;
}

#[tokio::test]
async fn series_that_cannot_be_are_refused_whole() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let path = format!("/api/v1/sites/{}/event-series", api.site);
        for (body, status, says) in [
            (series("2026-04-07T08:30", "2026-04-07T10:00", "yearly", "2026-07-31"), 400, "repeat"),
            (series("2026-04-07T08:30", "2026-04-07T10:00", "weekly", "2026-04-01"), 400, "before its first"),
            (series("2026-04-07T08:30", "2026-04-07T10:00", "weekly", "2027-06-30"), 400, "at most 53"),
            (series("2026-03-01T08:30", "2026-03-01T10:00", "weekly", "2026-04-30"), 422, "event_in_the_past"),
            (series("2027-10-05T08:30", "2027-10-05T10:00", "monthly", "2028-09-30"), 422, "event_too_far"),
        ] {
            let (got, problem) = api.call("POST", &path, Some(&api.admin), Some(body)).await;
            assert_eq!(got.as_u16(), status, "{problem}");
            assert!(problem.to_string().contains(says), "{says}: {problem}");
        }
        let events = api.world.test_db.scalar("SELECT COUNT(*) FROM events").await;
        assert_eq!(events, 0, "nothing of a refused series is kept");
    })
    .await;
}

#[tokio::test]
async fn the_host_publishes_a_weekly_series_on_the_events_page_and_cancels_the_rest() {
    use crate::support::*;
    use deskvisa_testing::world::{Setup, World};
    on_both_backends(|db| async move {
        let setup = Setup { host_admin: person("lars@cph.example", deskvisa_rules::Locale::En), ..Setup::desks(3) };
        let w = Web::new(World::with(db, setup).await);
        let (app, service) = (&w.app, &w.service);
        let lars = session(app, service, "lars@cph.example").await;
        let page = send(app, get("/host/events", &lars)).await;
        assert!(page.body.contains("name=\"repeat\" value=\"weekly\""), "{}", page.body);
        let body = form(&[
            ("csrf", &field(&page.body, "csrf")),
            ("site", &w.site.to_string()),
            ("title", "Harbour breakfast"),
            ("starts_at", "2026-03-10T08:30"),
            ("ends_at", "2026-03-10T10:00"),
            ("capacity", "15"),
            ("open_to_visitors", "yes"),
            ("repeat", "weekly"),
            ("until", "2026-03-31"),
        ]);
        let published = send(app, post("/host/events", &lars, &body)).await;
        assert_eq!((published.status, published.location()), (StatusCode::SEE_OTHER, "/host/events?done=saved"));
        let page = send(app, get("/host/events", &lars)).await;
        assert_eq!(
            page.body.matches("Harbour breakfast <span class=\"muted\">(repeats)</span>").count(),
            4,
            "{}",
            page.body
        );
        // From the second occurrence on, the rest are cancelled; the first stays.
        let second = page.body.match_indices("/cancel-rest\"").nth(1).map(|(at, _)| at).unwrap();
        let start = page.body[..second].rfind("/host/events/").unwrap();
        let action = &page.body[start..second + "/cancel-rest".len()];
        // One more step first: the page says what will happen, and nothing has yet.
        let asked = send(app, post(action, &lars, &form(&[("csrf", &field(&page.body, "csrf"))]))).await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
        assert!(asked.body.contains("every later event of its series will be cancelled"), "{}", asked.body);
        assert_eq!(send(app, get("/host/events", &lars)).await.body.matches("/cancel-rest\"").count(), 4);
        let confirmed = form(&[("csrf", &field(&page.body, "csrf")), ("confirm", "yes")]);
        let cancelled = send(app, post(action, &lars, &confirmed)).await;
        assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
        let page = send(app, get("/host/events", &lars)).await;
        assert_eq!(page.body.matches("/cancel-rest\"").count(), 1, "only the first is still on");

        // A series that cannot be: said on the form, the input kept.
        let body = form(&[
            ("csrf", &field(&page.body, "csrf")),
            ("site", &w.site.to_string()),
            ("title", "Forever breakfast"),
            ("starts_at", "2026-03-10T08:30"),
            ("ends_at", "2026-03-10T10:00"),
            ("capacity", "15"),
            ("repeat", "weekly"),
            ("until", "2027-12-31"),
        ]);
        let refused = send(app, post("/host/events", &lars, &body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("A series has at most 53 events") && refused.body.contains("Forever breakfast"));
    })
    .await;
}
