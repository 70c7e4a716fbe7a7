//! Introductions through the JSON API and a real SMTP server, on both
//! databases: a visitor with an approved stay asks to meet a host's firm,
//! its contact answers, each learns the other's address only on
//! acceptance; requests lapse with the stay; two answers at once give one
//! winner; the host's members see who is visiting.

use std::time::Duration;

use axum::http::StatusCode;
use deskvisa_service::DeliveryConfig;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::smtp_sink;
use serde_json::{Value, json};

use crate::api::{Api, person};

/// An approved stay of the visitor (anna) at the host's site; its id.
async fn approved_stay(api: &Api, start: &str, end: &str) -> String {
    let (status, stay) = api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body(start, end))).await;
    assert_eq!(status, StatusCode::CREATED, "{stay}");
    let id = stay["id"].as_str().unwrap().to_owned();
    let (status, approved) = api.call("POST", &format!("/api/v1/stays/{id}/approve"), Some(&api.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    id
}

/// A firm of the host with a contact of its own (open to visitors if
/// `open`): the firm's id and the contact's token.
async fn host_firm(api: &Api, name: &str, contact_email: &str, open: bool, offers: &[&str]) -> (String, String) {
    let contact = person(&api.service, api.world_host(), contact_email, false).await;
    let (_, me) = api.call("GET", "/api/v1/me", Some(&contact), None).await;
    let body = json!({"name": name, "open_to_visitors": open, "offers": offers, "contact_member_id": me["id"]});
    let (status, firm) =
        api.call("POST", &format!("/api/v1/clusters/{}/firms", api.host), Some(&api.admin), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{firm}");
    (firm["id"].as_str().unwrap().to_owned(), contact)
}

async fn ask(api: &Api, stay: &str, firm: &str, note: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/stays/{stay}/introductions");
    api.call("POST", &path, Some(&api.member), Some(json!({"firm_id": firm, "note": note}))).await
}

#[tokio::test]
async fn a_visitor_is_introduced_to_a_host_firm_and_each_learns_the_other_only_on_acceptance() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (sink, mailer) = smtp_sink(DeliveryConfig::default());
        // The visitor works for a firm that seeks security.
        let home_admin = api.home_admin().await;
        let (_, firm) = api
            .call(
                "POST",
                &format!("/api/v1/clusters/{}/firms", api.home),
                Some(&home_admin),
                Some(json!({"name": "Hub Club Software", "seeks": ["cybersecurity"], "offers": ["cloud"]})),
            )
            .await;
        let (_, me) = api.call("GET", "/api/v1/me", Some(&api.member), None).await;
        let path = format!("/api/v1/clusters/{}/members/{}", api.home, me["id"].as_str().unwrap());
        api.call("PATCH", &path, Some(&api.member), Some(json!({"firm_id": firm["id"]}))).await;
        let (bastion, mette) =
            host_firm(&api, "Bastion Security", "mette@bastion.example", true, &["cybersecurity"]).await;
        let (harbour, jens) = host_firm(&api, "Harbour Labs", "jens@harbour.example", true, &["games"]).await;
        let (closed, _) = host_firm(&api, "Closed Doors", "karl@closed.example", false, &["cybersecurity"]).await;
        let stay = approved_stay(&api, "2026-03-04", "2026-03-10").await;

        // Suggested: the host's open firms, the best met first.
        let (status, suggested) =
            api.call("GET", &format!("/api/v1/stays/{stay}/suggested-firms"), Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "{suggested}");
        let names: Vec<&str> =
            suggested["items"].as_array().unwrap().iter().map(|s| s["firm"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Bastion Security", "Harbour Labs"]);
        assert_eq!(
            (suggested["items"][0]["affinity"].as_u64(), suggested["items"][0]["asked"].as_bool()),
            (Some(1), Some(false))
        );

        // Asked; nothing of the contact in any answer to the visitor.
        let (status, intro) = ask(&api, &stay, &bastion, "We build SOC tooling in Rust.\nCoffee?").await;
        assert_eq!(status, StatusCode::CREATED, "{intro}");
        assert_eq!(
            (intro["status"].as_str(), intro["role"].as_str(), &intro["contact"]),
            (Some("pending"), Some("sent"), &Value::Null)
        );
        let id = intro["id"].as_str().unwrap().to_owned();
        let (_, mine) = api.call("GET", "/api/v1/me/introductions", Some(&api.member), None).await;
        let (_, firm_seen) = api.call("GET", &format!("/api/v1/firms/{bastion}"), Some(&api.member), None).await;
        for answer in [&intro, &mine, &firm_seen, &suggested] {
            assert!(!answer.to_string().contains("mette"), "{answer}");
        }
        // Once a firm a stay; only open firms of the host.
        let (status, again) = ask(&api, &stay, &bastion, "").await;
        assert_eq!((status, again["code"].as_str()), (StatusCode::CONFLICT, Some("introduction_already_asked")));
        let (status, refused) = ask(&api, &stay, &closed, "").await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("firm_not_open_to_visitors"))
        );
        let (status, refused) = ask(&api, &stay, firm["id"].as_str().unwrap(), "").await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("firm_not_of_host")));
        let (status, _) = ask(&api, &stay, &bastion, &"x".repeat(501)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // The contact sees who asks, not their address yet; only the contact answers.
        let (_, received) = api.call("GET", "/api/v1/me/introductions", Some(&mette), None).await;
        let item = &received["items"][0];
        assert_eq!(
            (item["role"].as_str(), item["visitor"]["firm"].as_str()),
            (Some("received"), Some("Hub Club Software"))
        );
        assert_eq!(item["visitor"]["email"], Value::Null);
        let (status, _) =
            api.call("POST", &format!("/api/v1/introductions/{id}/accept"), Some(&api.member), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api.call("POST", &format!("/api/v1/introductions/{id}/accept"), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, accepted) =
            api.call("POST", &format!("/api/v1/introductions/{id}/accept"), Some(&mette), None).await;
        assert_eq!((status, accepted["status"].as_str()), (StatusCode::OK, Some("accepted")), "{accepted}");
        assert_eq!(accepted["visitor"]["email"], "anna@hubclub.example");
        let (status, again) =
            api.call("POST", &format!("/api/v1/introductions/{id}/decline"), Some(&mette), None).await;
        assert_eq!((status, again["code"].as_str()), (StatusCode::CONFLICT, Some("introduction_answered")));
        let (_, mine) = api.call("GET", "/api/v1/me/introductions", Some(&api.member), None).await;
        assert_eq!(mine["items"][0]["contact"]["email"], "mette@bastion.example");

        // Declined: the visitor is told, with no reason; the rest lapse with the stay.
        let (_, declined) = ask(&api, &stay, &harbour, "").await;
        let declined_id = declined["id"].as_str().unwrap().to_owned();
        let (lapsing_firm, _) = host_firm(&api, "Lapse Ltd", "lina@lapse.example", true, &[]).await;
        let (_, lapsing) = ask(&api, &stay, &lapsing_firm, "").await;
        let lapsing_id = lapsing["id"].as_str().unwrap().to_owned();
        let (status, _) =
            api.call("POST", &format!("/api/v1/introductions/{declined_id}/decline"), Some(&jens), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) =
            api.call("POST", &format!("/api/v1/stays/{stay}/cancel"), Some(&api.member), Some(json!({}))).await;
        assert_eq!(status, StatusCode::OK);
        let (_, mine) = api.call("GET", "/api/v1/me/introductions", Some(&api.member), None).await;
        let status_of =
            |id: &str| mine["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()["status"].clone();
        assert_eq!((status_of(&declined_id), status_of(&lapsing_id)), (json!("declined"), json!("lapsed")));
        let (status, refused) = ask(&api, &stay, &lapsing_firm, "").await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::CONFLICT, Some("stay_not_approved")));

        // The ledger counts them per host and home, as JSON and CSV.
        let (_, ledger) = api
            .call("GET", "/api/v1/reports/reciprocity?from=2026-03-01&to=2026-03-31", Some(&api.network), None)
            .await;
        let figures =
            |id: &str| ledger["clusters"].as_array().unwrap().iter().find(|c| c["cluster_id"] == id).unwrap().clone();
        let (host, home) = (figures(&api.host), figures(&api.home));
        assert_eq!(
            (host["introductions_hosted"].as_u64(), host["introductions_hosted_accepted"].as_u64()),
            (Some(3), Some(1))
        );
        assert_eq!(
            (home["introductions_asked"].as_u64(), home["introductions_asked_accepted"].as_u64()),
            (Some(3), Some(1))
        );
        assert_eq!(ledger["introductions"][0]["asked"], 3, "{ledger}");
        let path = "/api/v1/reports/reciprocity?from=2026-03-01&to=2026-03-31&table=introductions";
        let (_, _, csv) = crate::api::get_csv(&api.app, path, &api.network).await;
        assert!(csv.starts_with("host_cluster_id,host_name,home_cluster_id,home_name,asked,accepted\r\n"), "{csv}");
        assert!(csv.contains(",3,1\r\n"), "{csv}");

        // The emails, through the real SMTP server.
        api.service.deliver_mail(&mailer).await.unwrap();
        let messages = sink.wait_for(5, Duration::from_secs(20)).await;
        let to = |who: &str, subject_has: &str| {
            messages.iter().find(|m| m.rcpt_tos[0] == who && m.subject().contains(subject_has)).unwrap_or_else(|| {
                panic!(
                    "no `{subject_has}` to {who}: {:?}",
                    messages.iter().map(|m| (m.rcpt_tos[0].clone(), m.subject().to_owned())).collect::<Vec<_>>()
                )
            })
        };
        let asked = to("mette@bastion.example", "Bastion Security");
        assert!(asked.text().contains(&format!("/introductions/{id}")), "{}", asked.text());
        assert!(asked.text().contains("SOC tooling"), "the note goes to the contact");
        let to_anna: Vec<_> = messages.iter().filter(|m| m.rcpt_tos[0] == "anna@hubclub.example").collect();
        assert!(to_anna.iter().any(|m| m.text().contains("mette@bastion.example")), "the visitor learns the address");
        let for_mette: Vec<_> = messages.iter().filter(|m| m.rcpt_tos[0] == "mette@bastion.example").collect();
        assert!(for_mette.iter().any(|m| m.text().contains("anna@hubclub.example")), "so does the contact");
        assert!(to_anna.iter().any(|m| m.text().contains("Harbour Labs")), "the decline is told");
        assert!(messages.iter().any(|m| m.rcpt_tos[0] == "lina@lapse.example"), "the lapse is told");
        assert!(
            !to_anna.iter().any(|m| m.text().contains("jens@harbour.example")),
            "a decline gives away nobody's address"
        );
    })
    .await;
}

#[tokio::test]
async fn a_request_left_unanswered_lapses_when_the_stay_ends_and_the_contact_is_told_once() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (firm, contact) = host_firm(&api, "Bastion Security", "mette@bastion.example", true, &[]).await;
        let stay = approved_stay(&api, "2026-03-04", "2026-03-06").await;
        let (_, intro) = ask(&api, &stay, &firm, "").await;
        let id = intro["id"].as_str().unwrap().to_owned();
        // On its last day at the site it is still open.
        api.clock.set("2026-03-06T20:00:00Z".parse().unwrap());
        assert_eq!(api.service.lapse_introductions().await.unwrap(), 0);
        // The day after, two workers at once lapse it once.
        api.clock.set("2026-03-07T08:00:00Z".parse().unwrap());
        let (a, b) = tokio::join!(api.service.lapse_introductions(), api.service.lapse_introductions());
        assert_eq!(a.unwrap() + b.unwrap(), 1);
        let (_, received) = api.call("GET", "/api/v1/me/introductions", Some(&contact), None).await;
        assert_eq!(received["items"][0]["status"], "lapsed");
        let lapsed = api.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'introduction_lapsed'").await;
        assert_eq!(lapsed, 1);
        let (status, answer) =
            api.call("POST", &format!("/api/v1/introductions/{id}/accept"), Some(&contact), None).await;
        assert_eq!((status, answer["code"].as_str()), (StatusCode::CONFLICT, Some("introduction_answered")));
    })
    .await;
}

#[tokio::test]
async fn of_two_answers_at_once_one_wins_and_each_party_is_emailed_once() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (firm, contact) = host_firm(&api, "Bastion Security", "mette@bastion.example", true, &[]).await;
        let stay = approved_stay(&api, "2026-03-04", "2026-03-10").await;
        let (_, intro) = ask(&api, &stay, &firm, "").await;
        let id = intro["id"].as_str().unwrap().to_owned();
        let accept = format!("/api/v1/introductions/{id}/accept");
        let decline = format!("/api/v1/introductions/{id}/decline");
        let (a, b) = tokio::join!(
            api.call("POST", &accept, Some(&contact), None),
            api.call("POST", &decline, Some(&contact), None)
        );
        let mut statuses = [a.0.as_u16(), b.0.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
        let emails = api
            .test_db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind IN ('introduction_accepted', 'introduction_declined')")
            .await;
        assert!(emails == 2 || emails == 1, "the winner's emails only: {emails}");
    })
    .await;
}

#[tokio::test]
async fn a_stay_asks_ten_firms_at_most_and_the_host_sees_who_is_visiting() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let stay = approved_stay(&api, "2026-03-04", "2026-03-10").await;
        for n in 0..11 {
            let (firm, _) = host_firm(&api, &format!("Firm {n:02}"), &format!("c{n}@firms.example"), true, &[]).await;
            let (status, answer) = ask(&api, &stay, &firm, "").await;
            if n < 10 {
                assert_eq!(status, StatusCode::CREATED, "{n}: {answer}");
            } else {
                assert_eq!(
                    (status, answer["code"].as_str()),
                    (StatusCode::CONFLICT, Some("introductions_limit_reached"))
                );
            }
        }
        // The host's members see visitors who agreed to be seen; its admins see all.
        let host_member = person(&api.service, api.world_host(), "pia@cph.example", false).await;
        let visitors = format!("/api/v1/clusters/{}/visitors?from=2026-03-02&to=2026-03-08", api.host);
        let (status, seen) = api.call("GET", &visitors, Some(&host_member), None).await;
        assert_eq!((status, seen["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{seen}");
        let (_, all) = api.call("GET", &visitors, Some(&api.admin), None).await;
        assert_eq!(all["items"][0]["name"], "P");
        api.call("PATCH", "/api/v1/me", Some(&api.member), Some(json!({"open_to_meet": true}))).await;
        let (_, seen) = api.call("GET", &visitors, Some(&host_member), None).await;
        assert_eq!(seen["items"].as_array().map(Vec::len), Some(1), "{seen}");
        // Not the visitors of another cluster.
        let (status, _) = api.call("GET", &visitors, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api
            .call(
                "GET",
                &format!("/api/v1/clusters/{}/visitors?from=2026-03-02&to=2026-06-01", api.host),
                Some(&api.admin),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    })
    .await;
}
