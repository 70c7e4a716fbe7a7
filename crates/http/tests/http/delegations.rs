//! Delegations (issue 23), through the API on both databases: a home
//! admin asks for a group; all or nothing, each refused member named with
//! their reasons; the host's admins get one email and answer once; each
//! member has their own stay and cancels only their own place; the ledger
//! counts each member's days.

use std::time::Duration;

use axum::http::StatusCode;
use deskvisa_service::DeliveryConfig;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::smtp_sink;
use serde_json::{Value, json};

use crate::api::Api;

async fn member_id(api: &Api, token: &str) -> String {
    let (_, me) = api.call("GET", "/api/v1/me", Some(token), None).await;
    me["id"].as_str().unwrap().to_owned()
}

fn body(api: &Api, start: &str, end: &str, members: &[&str]) -> Value {
    json!({"site_id": api.site, "start_date": start, "end_date": end, "purpose": "Study visit: fintech",
           "member_ids": members})
}

#[tokio::test]
async fn a_home_admin_sends_a_group_the_host_answers_once_and_each_member_keeps_their_own_stay() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 3).await;
        let (sink, mailer) = smtp_sink(DeliveryConfig::default());
        let admin = api.home_admin().await;
        let ola = api.home_member("ola@hubclub.example", false).await;
        let piotr = api.home_member("piotr@hubclub.example", false).await;
        let kasia = api.home_member("kasia@hubclub.example", false).await;
        let (anna_id, ola_id, piotr_id, kasia_id) = (
            member_id(&api, &api.member).await,
            member_id(&api, &ola).await,
            member_id(&api, &piotr).await,
            member_id(&api, &kasia).await,
        );
        // Anna already holds Tuesday at another site: her own rules refuse her.
        let annex = api.world.another_site("Harbour Annex", 2).await.to_string();
        let elsewhere = json!({"site_id": annex, "start_date": "2026-03-10", "end_date": "2026-03-10"});
        let (status, _) = api.call("POST", "/api/v1/stays", Some(&api.member), Some(elsewhere)).await;
        assert_eq!(status, StatusCode::CREATED);

        // Only a home admin sends a group, of 2 to 20 of its own members.
        let group = [ola_id.as_str(), piotr_id.as_str()];
        let (status, _) = api
            .call("POST", "/api/v1/delegations", Some(&ola), Some(body(&api, "2026-03-09", "2026-03-11", &group)))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api
            .call("POST", "/api/v1/delegations", Some(&admin), Some(body(&api, "2026-03-09", "2026-03-11", &[&ola_id])))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let lars = api.world.host_admin.member.as_uuid().to_string();
        let (status, _) = api
            .call(
                "POST",
                "/api/v1/delegations",
                Some(&admin),
                Some(body(&api, "2026-03-09", "2026-03-11", &[&ola_id, &lars])),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "not a member of the cluster");

        // Five where three desks are, Anna overlapping herself: refused whole,
        // each refused member named.
        let admin_id = member_id(&api, &admin).await;
        let five = [ola_id.as_str(), piotr_id.as_str(), anna_id.as_str(), kasia_id.as_str(), admin_id.as_str()];
        let (status, problem) = api
            .call("POST", "/api/v1/delegations", Some(&admin), Some(body(&api, "2026-03-09", "2026-03-11", &five)))
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("delegation_refused")),
            "{problem}"
        );
        let refused: Vec<(&str, Vec<&str>)> = problem["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let codes = m["violations"].as_array().unwrap().iter().map(|v| v["code"].as_str().unwrap()).collect();
                (m["member_id"].as_str().unwrap(), codes)
            })
            .collect();
        assert!(refused.contains(&(anna_id.as_str(), vec!["overlaps_own_stay"])), "{problem}");
        assert!(refused.iter().any(|(m, codes)| *m == admin_id && codes.contains(&"no_capacity")), "{problem}");
        assert_eq!(refused.len(), 2, "the three first fit: {problem}");
        let (_, ola_stays) = api.call("GET", "/api/v1/stays", Some(&ola), None).await;
        assert_eq!(ola_stays["items"].as_array().unwrap().len(), 0, "nothing written");

        // Three fit: one request, a stay each, pending for the host.
        let three = [ola_id.as_str(), piotr_id.as_str(), kasia_id.as_str()];
        let (status, delegation) = api
            .call("POST", "/api/v1/delegations", Some(&admin), Some(body(&api, "2026-03-09", "2026-03-11", &three)))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{delegation}");
        let id = delegation["id"].as_str().unwrap().to_owned();
        let stays = delegation["stays"].as_array().unwrap();
        assert_eq!(stays.len(), 3);
        assert!(stays.iter().all(|s| s["status"] == "pending" && s["delegation_id"] == json!(id)), "{delegation}");
        let (_, ola_stays) = api.call("GET", "/api/v1/stays", Some(&ola), None).await;
        assert_eq!(ola_stays["items"][0]["delegation_id"], json!(id));
        let path = format!("/api/v1/sites/{}/availability?from=2026-03-09&to=2026-03-11", api.site);
        let (_, days) = api.call("GET", &path, Some(&api.member), None).await;
        assert_eq!(days["days"][0]["free"], 0, "{days}");

        // Each member sees the group; a stranger does not; the home admin may not answer it.
        let (status, _) = api.call("GET", &format!("/api/v1/delegations/{id}"), Some(&piotr), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = api.call("GET", &format!("/api/v1/delegations/{id}"), Some(&api.stranger_admin), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api.call("POST", &format!("/api/v1/delegations/{id}/approve"), Some(&admin), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // One email to the host, naming every member; each member their own.
        api.service.deliver_mail(&mailer).await.unwrap();
        let messages = sink.wait_for(6, Duration::from_secs(20)).await;
        let to_host: Vec<_> =
            messages.iter().filter(|m| m.rcpt_tos[0] == "lars@cph.example" && m.subject().contains("Nyhavn")).collect();
        assert_eq!(to_host.len(), 1, "{:?}", to_host.iter().map(|m| m.subject()).collect::<Vec<_>>());
        assert!(
            to_host[0].subject().starts_with("Prośba o decyzję: delegacja z HubClub (osoby: 3)"),
            "{}",
            to_host[0].subject()
        );
        assert!(to_host[0].text().contains(&format!("/delegations/{id}")), "{}", to_host[0].text());

        // Kasia drops out herself; the host approves the rest at once.
        let kasia_stay =
            stays.iter().find(|s| s["member_id"] == json!(kasia_id)).unwrap()["id"].as_str().unwrap().to_owned();
        let (status, _) = api.call("POST", &format!("/api/v1/stays/{kasia_stay}/cancel"), Some(&kasia), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, answered) =
            api.call("POST", &format!("/api/v1/delegations/{id}/approve"), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK, "{answered}");
        let statuses: Vec<&str> =
            answered["stays"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == "approved").count(), 2, "{answered}");
        assert_eq!(statuses.iter().filter(|s| **s == "cancelled").count(), 1, "{answered}");
        let (status, problem) = api
            .call(
                "POST",
                &format!("/api/v1/delegations/{id}/decline"),
                Some(&api.admin),
                Some(json!({"reason": "Too late"})),
            )
            .await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("stay_not_pending")));
        api.service.deliver_mail(&mailer).await.unwrap();
        let messages = sink.wait_for(10, Duration::from_secs(20)).await;
        for who in ["ola@hubclub.example", "piotr@hubclub.example"] {
            let approved =
                messages.iter().find(|m| m.rcpt_tos[0] == who && m.subject().starts_with("Pobyt zatwierdzony"));
            assert!(approved.is_some_and(|m| m.part("text/calendar").is_some()), "{who} gets their own invitation");
        }
    })
    .await;
}
