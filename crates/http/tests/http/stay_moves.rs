//! New dates for a stay (issue 23), through the API on both databases: days
//! in both ranges keep their desk, the new ones are taken, the rest
//! released; approval kept or asked again; a refusal changes nothing and
//! lists every rule with the nearest dates that fit; the member and the
//! host hear of it by email, the invitation updated in place; registrations
//! the new dates no longer cover are withdrawn.

use std::time::Duration;

use axum::http::StatusCode;
use deskvisa_service::DeliveryConfig;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{smtp_sink, t};
use serde_json::{Value, json};

use crate::api::Api;

/// The free desks of the host's site on each day of `from..=to`.
async fn free(api: &Api, from: &str, to: &str) -> Vec<u64> {
    let path = format!("/api/v1/sites/{}/availability?from={from}&to={to}", api.site);
    let (_, days) = api.call("GET", &path, Some(&api.member), None).await;
    days["days"].as_array().unwrap().iter().map(|d| d["free"].as_u64().unwrap()).collect()
}

async fn request(api: &Api, token: &str, start: &str, end: &str) -> String {
    let (status, stay) = api.call("POST", "/api/v1/stays", Some(token), Some(api.stay_body(start, end))).await;
    assert_eq!(status, StatusCode::CREATED, "{stay}");
    stay["id"].as_str().unwrap().to_owned()
}

async fn move_to(api: &Api, token: &str, stay: &str, start: &str, end: &str) -> (StatusCode, Value) {
    let body = json!({"start_date": start, "end_date": end});
    api.call("PATCH", &format!("/api/v1/stays/{stay}"), Some(token), Some(body)).await
}

fn dates(stay: &Value) -> Vec<&str> {
    stay["days"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect()
}

/// The calendar of a message, with its METHOD and its body.
fn calendar(m: &deskvisa_testing::smtp::Received) -> (&str, &str) {
    let part = m.part("text/calendar").expect("a calendar file");
    (part.params.get("method").map_or("", String::as_str), part.content.as_str())
}

fn field<'a>(ics: &'a str, name: &str) -> &'a str {
    ics.lines().find_map(|l| l.strip_prefix(name)).unwrap_or_default().trim_end()
}

#[tokio::test]
async fn an_approved_stay_moves_keeping_its_shared_days_and_its_invitation_is_updated() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (sink, mailer) = smtp_sink(DeliveryConfig::default());
        // Approved Wednesday to Friday; registered for Thursday's meetup.
        let stay = request(&api, &api.member, "2026-03-04", "2026-03-06").await;
        api.call("POST", &format!("/api/v1/stays/{stay}/approve"), Some(&api.admin), None).await;
        let event = json!({"title": "Meetup", "starts_at": "2026-03-05T17:00", "ends_at": "2026-03-05T19:00",
            "capacity": 20, "open_to_visitors": true});
        let (status, event) =
            api.call("POST", &format!("/api/v1/sites/{}/events", api.site), Some(&api.admin), Some(event)).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        let event = event["id"].as_str().unwrap().to_owned();
        let registrations = format!("/api/v1/events/{event}/registrations");
        let (status, _) = api.call("POST", &registrations, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::CREATED);
        api.service.deliver_mail(&mailer).await.unwrap();
        let approval = sink.wait_for(4, Duration::from_secs(20)).await;
        let invitation = approval
            .iter()
            .find(|m| {
                m.rcpt_tos[0] == "anna@hubclub.example"
                    && m.part("text/calendar").is_some()
                    && m.subject().contains("zatwierdzony")
            })
            .expect("the approval's invitation")
            .clone();
        assert_eq!(free(&api, "2026-03-04", "2026-03-06").await, [1, 1, 1]);

        // Shortened from the start: no day added, so it stays approved;
        // Wednesday's desk is free again, Thursday's and Friday's kept.
        let (status, moved) = move_to(&api, &api.member, &stay, "2026-03-05", "2026-03-06").await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!((moved["status"].as_str(), dates(&moved)), (Some("approved"), vec!["2026-03-05", "2026-03-06"]));
        let last = moved["history"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (last["action"].as_str(), last["from"].as_str(), last["to"].as_str(), last["actor"].as_str()),
            (Some("move"), Some("approved"), Some("approved"), Some("member"))
        );
        assert_eq!(last["moved_from"], json!({"start_date": "2026-03-04", "end_date": "2026-03-06"}));
        assert_eq!(last["moved_to"], json!({"start_date": "2026-03-05", "end_date": "2026-03-06"}));
        assert_eq!(free(&api, "2026-03-04", "2026-03-06").await, [2, 1, 1]);

        // The member's email carries the invitation, moved in place.
        api.service.deliver_mail(&mailer).await.unwrap();
        let all = sink.wait_for(approval.len() + 2, Duration::from_secs(20)).await;
        let to = |who: &str, subject: &str| {
            all.iter().find(|m| m.rcpt_tos[0] == who && m.subject().starts_with(subject)).unwrap_or_else(|| {
                panic!("no `{subject}` to {who}: {:?}", all.iter().map(|m| m.subject().to_owned()).collect::<Vec<_>>())
            })
        };
        let moved_mail = to("anna@hubclub.example", "Nowe terminy: Twój pobyt");
        assert!(moved_mail.text().contains("zamiast 4–6 marca 2026 teraz 5–6 marca 2026"), "{}", moved_mail.text());
        let (method, kept) = calendar(moved_mail);
        let (_, old) = calendar(&invitation);
        assert_eq!((method, field(kept, "STATUS:")), ("REQUEST", "CONFIRMED"));
        assert_eq!(field(kept, "UID:"), field(old, "UID:"), "the same event in the calendar");
        assert!(field(kept, "SEQUENCE:").parse::<u32>().unwrap() > field(old, "SEQUENCE:").parse::<u32>().unwrap());
        assert_eq!(field(kept, "DTSTART;VALUE=DATE:"), "20260305");
        let told = to("lars@cph.example", "Nowe terminy: P");
        assert!(told.text().contains("Pobyt pozostaje zatwierdzony"), "{}", told.text());

        // Moved off Thursday: its meetup is no longer the visitor's.
        let (status, moved) = move_to(&api, &api.member, &stay, "2026-03-06", "2026-03-06").await;
        assert_eq!((status, moved["status"].as_str()), (StatusCode::OK, Some("approved")), "{moved}");
        let (_, mine) = api.call("GET", "/api/v1/me/registrations", Some(&api.member), None).await;
        let live = mine["items"].as_array().unwrap().iter().filter(|r| r["registration"]["status"] == "registered");
        assert_eq!(live.count(), 0, "{mine}");
        api.service.deliver_mail(&mailer).await.unwrap();
        let all = sink.wait_for(approval.len() + 5, Duration::from_secs(20)).await;
        let withdrawn = all.iter().any(|m| m.rcpt_tos[0] == "anna@hubclub.example" && m.subject().contains("Meetup"));
        assert!(withdrawn, "the withdrawn registration is told");

        // Extended over the weekend into Monday and Tuesday, days the host
        // never approved: it waits for the host again, before Monday.
        let (status, moved) = move_to(&api, &api.member, &stay, "2026-03-06", "2026-03-10").await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["status"], "pending");
        assert_eq!(dates(&moved), ["2026-03-06", "2026-03-09", "2026-03-10"]);
        let deadline = moved["answer_deadline"].as_str().unwrap();
        assert!(deadline < "2026-03-09", "answered before the first new day: {deadline}");
        assert_eq!(free(&api, "2026-03-04", "2026-03-10").await, [2, 2, 1, 0, 0, 1, 1]);
        api.service.deliver_mail(&mailer).await.unwrap();
        let all = sink.wait_for(approval.len() + 7, Duration::from_secs(20)).await;
        let waiting = all
            .iter()
            .find(|m| m.subject().starts_with("Nowe terminy: Twój pobyt") && m.text().contains("teraz 6–10 marca"))
            .expect("the member hears of the extension");
        let (method, tentative) = calendar(waiting);
        assert_eq!((method, field(tentative, "STATUS:")), ("REQUEST", "TENTATIVE"));
        assert_eq!(field(tentative, "DTEND;VALUE=DATE:"), "20260311");
        let ask = all
            .iter()
            .find(|m| {
                m.rcpt_tos[0] == "lars@cph.example"
                    && m.subject().starts_with("Prośba o decyzję: P prosi o nowe terminy")
            })
            .expect("the host is asked to decide");
        assert!(ask.text().contains(&format!("/stays/{stay}")), "{}", ask.text());

        // The host approves the new dates; the ledger's request counts stay whole.
        let (status, approved) =
            api.call("POST", &format!("/api/v1/stays/{stay}/approve"), Some(&api.admin), None).await;
        assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("approved")));
    })
    .await;
}

#[tokio::test]
async fn a_refused_move_changes_nothing_and_says_every_reason() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 1).await;
        let stay = request(&api, &api.member, "2026-03-04", "2026-03-06").await;
        let other = api.home_member("ola@hubclub.example", false).await;
        request(&api, &other, "2026-03-09", "2026-03-10").await;
        let (_, before) = api.call("GET", &format!("/api/v1/stays/{stay}"), Some(&api.member), None).await;

        // Monday and Tuesday are full: the nearest dates that fit are offered,
        // the stay's own days counted free.
        let (status, problem) = move_to(&api, &api.member, &stay, "2026-03-05", "2026-03-10").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_capacity")), "{problem}");
        assert_eq!(problem["full_dates"], json!(["2026-03-09", "2026-03-10"]));
        let alternatives = problem["alternatives"].as_array().unwrap();
        assert!(!alternatives.is_empty(), "{problem}");
        // Tuesday to Friday: its own days (Wednesday to Friday) are free to it.
        assert_eq!(alternatives[0], json!({"start_date": "2026-03-03", "end_date": "2026-03-06"}), "{problem}");
        // Too long and too far: every rule at once.
        let (status, problem) = move_to(&api, &api.member, &stay, "2026-03-04", "2026-03-13").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("rule_violation")));
        let codes: Vec<&str> =
            problem["violations"].as_array().unwrap().iter().map(|v| v["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"too_long"), "{problem}");
        let (status, _) = move_to(&api, &api.member, &stay, "2026-03-06", "2026-03-04").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "end before start");
        let (status, _) = move_to(&api, &api.member, &stay, "2026-02-30", "2026-03-04").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // Only its member moves it.
        let (status, _) = move_to(&api, &api.admin, &stay, "2026-03-05", "2026-03-06").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = move_to(&api, &other, &stay, "2026-03-05", "2026-03-06").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (_, after) = api.call("GET", &format!("/api/v1/stays/{stay}"), Some(&api.member), None).await;
        assert_eq!(before, after, "nothing changed");
        assert_eq!(free(&api, "2026-03-04", "2026-03-10").await, [0, 0, 0, 0, 0, 0, 0]);

        // Under way (Thursday): it keeps its first day, but may end later.
        api.call("POST", &format!("/api/v1/stays/{stay}/approve"), Some(&api.admin), None).await;
        api.clock.set(t("2026-03-05T09:00:00Z"));
        let (status, problem) = move_to(&api, &api.member, &stay, "2026-03-05", "2026-03-06").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("stay_started")), "{problem}");
        let (status, problem) = move_to(&api, &api.member, &stay, "2026-03-04", "2026-03-04").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("end_before_today")), "{problem}");
        let (status, moved) = move_to(&api, &api.member, &stay, "2026-03-04", "2026-03-05").await;
        assert_eq!((status, moved["status"].as_str()), (StatusCode::OK, Some("approved")), "{moved}");
        assert_eq!(free(&api, "2026-03-04", "2026-03-06").await, [0, 0, 1]);

        // A cancelled stay does not move.
        api.call("POST", &format!("/api/v1/stays/{stay}/cancel"), Some(&api.member), None).await;
        let (status, problem) = move_to(&api, &api.member, &stay, "2026-03-04", "2026-03-06").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("stay_not_movable")));
    })
    .await;
}
