//! The waitlist for full days (issue 23), through the API on both
//! databases: a member refused for want of desks waits for those dates and
//! sees their place; every other rule must pass; when desks free up the
//! first in line is offered them (held, so nobody else takes them) and
//! emailed; an offer not taken lapses to the next in line, who accepts it
//! into a stay request judged as usual.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::TimeDelta;
use deskvisa_service::DeliveryConfig;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::smtp_sink;
use serde_json::{Value, json};

use crate::api::Api;

async fn wait(api: &Api, token: &str, start: &str, end: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/sites/{}/waitlist", api.site);
    api.call("POST", &path, Some(token), Some(json!({"start_date": start, "end_date": end}))).await
}

async fn free(api: &Api, day: &str) -> u64 {
    let path = format!("/api/v1/sites/{}/availability?from={day}&to={day}", api.site);
    let (_, days) = api.call("GET", &path, Some(&api.member), None).await;
    days["days"][0]["free"].as_u64().unwrap()
}

#[tokio::test]
async fn freed_desks_go_to_the_first_in_line_who_takes_them_or_lets_them_lapse() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 1).await;
        let (sink, mailer) = smtp_sink(DeliveryConfig::default());
        let ola = api.home_member("ola@hubclub.example", false).await;
        let piotr = api.home_member("piotr@hubclub.example", false).await;
        let (_, taken) =
            api.call("POST", "/api/v1/stays", Some(&ola), Some(api.stay_body("2026-03-09", "2026-03-10"))).await;
        let (status, problem) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-09", "2026-03-10"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_capacity")));

        // Anna waits for exactly those dates; Piotr for Monday after her.
        let (status, anna) = wait(&api, &api.member, "2026-03-09", "2026-03-10").await;
        assert_eq!(status, StatusCode::CREATED, "{anna}");
        assert_eq!((anna["status"].as_str(), anna["place"].as_u64()), (Some("waiting"), Some(1)));
        let (_, piotr_wait) = wait(&api, &piotr, "2026-03-09", "2026-03-09").await;
        assert_eq!(piotr_wait["place"], 2, "{piotr_wait}");
        // Not twice, not for free dates, not against the other rules.
        let (status, problem) = wait(&api, &api.member, "2026-03-10", "2026-03-10").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("already_waiting")));
        let (status, problem) = wait(&api, &api.member, "2026-03-16", "2026-03-17").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("desks_free")));
        let (status, problem) = wait(&api, &api.member, "2026-03-02", "2026-03-02").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("rule_violation")));
        assert!(problem["violations"].as_array().unwrap().iter().all(|v| v["code"] != "no_capacity"), "{problem}");
        let (status, _) = wait(&api, &api.member, "2026-03-10", "2026-03-09").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Nothing freed, nothing offered.
        assert_eq!(api.service.waitlist_pass().await.unwrap(), (0, 0));
        // Ola cancels: both days go to Anna, held, so nobody else gets them.
        api.call("POST", &format!("/api/v1/stays/{}/cancel", taken["id"].as_str().unwrap()), Some(&ola), None).await;
        assert_eq!(free(&api, "2026-03-09").await, 1);
        assert_eq!(api.service.waitlist_pass().await.unwrap(), (1, 0), "Piotr's Monday is Anna's offer's");
        let anna_id = anna["id"].as_str().unwrap().to_owned();
        let (_, offer) = api.call("GET", &format!("/api/v1/waitlist/{anna_id}"), Some(&api.member), None).await;
        assert_eq!(offer["status"], "offered", "{offer}");
        assert_eq!(offer["held_days"], json!(["2026-03-09", "2026-03-10"]));
        assert_eq!(free(&api, "2026-03-09").await, 0);
        let (status, problem) =
            api.call("POST", "/api/v1/stays", Some(&ola), Some(api.stay_body("2026-03-10", "2026-03-10"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_capacity")));
        // Someone else's offer is nobody else's to take.
        let (status, _) = api.call("POST", &format!("/api/v1/waitlist/{anna_id}/accept"), Some(&piotr), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The email links to the offer.
        api.service.deliver_mail(&mailer).await.unwrap();
        let messages = sink.wait_for(1, Duration::from_secs(20)).await;
        let offered = messages
            .iter()
            .find(|m| m.rcpt_tos[0] == "anna@hubclub.example" && m.subject().starts_with("Biurko czeka na Ciebie"))
            .expect("the offer is emailed");
        assert!(offered.text().contains(&format!("/waitlist/{anna_id}")), "{}", offered.text());

        // Anna lets it lapse; Piotr is next for Monday.
        api.clock.advance(TimeDelta::hours(25));
        assert_eq!(api.service.waitlist_pass().await.unwrap(), (1, 1));
        let (status, problem) =
            api.call("POST", &format!("/api/v1/waitlist/{anna_id}/accept"), Some(&api.member), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("offer_not_open")));
        let (_, mine) = api.call("GET", "/api/v1/me/waitlist", Some(&api.member), None).await;
        assert_eq!(mine["items"][0]["status"], "lapsed", "{mine}");
        let piotr_id = piotr_wait["id"].as_str().unwrap().to_owned();
        let (status, stay) = api.call("POST", &format!("/api/v1/waitlist/{piotr_id}/accept"), Some(&piotr), None).await;
        assert_eq!(status, StatusCode::CREATED, "{stay}");
        assert_eq!((stay["status"].as_str(), &stay["days"]), (Some("pending"), &json!(["2026-03-09"])));
        assert_eq!((free(&api, "2026-03-09").await, free(&api, "2026-03-10").await), (0, 1));
        let (_, accepted) = api.call("GET", &format!("/api/v1/waitlist/{piotr_id}"), Some(&piotr), None).await;
        assert_eq!((accepted["status"].as_str(), &accepted["stay_id"]), (Some("accepted"), &stay["id"]));
        let (status, problem) = api.call("DELETE", &format!("/api/v1/waitlist/{piotr_id}"), Some(&piotr), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("wait_over")));
        api.service.deliver_mail(&mailer).await.unwrap();
        let messages = sink.wait_for(3, Duration::from_secs(20)).await;
        assert!(
            messages
                .iter()
                .any(|m| m.rcpt_tos[0] == "anna@hubclub.example" && m.subject().starts_with("Oferta wygasła")),
            "the lapse is told"
        );

        // Leaving the line: a place ends, the rest move up.
        let (_, again) = wait(&api, &api.member, "2026-03-09", "2026-03-09").await;
        let (_, later) = wait(&api, &ola, "2026-03-09", "2026-03-09").await;
        assert_eq!(later["place"], 2);
        let again_id = again["id"].as_str().unwrap();
        let (status, left) = api.call("DELETE", &format!("/api/v1/waitlist/{again_id}"), Some(&api.member), None).await;
        assert_eq!((status, left["status"].as_str()), (StatusCode::OK, Some("left")));
        let (_, later) =
            api.call("GET", &format!("/api/v1/waitlist/{}", later["id"].as_str().unwrap()), Some(&ola), None).await;
        assert_eq!(later["place"], 1);
    })
    .await;
}
