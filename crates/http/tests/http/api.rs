//! The JSON API end to end, through the real router over a real database
//! (SQLite and PostgreSQL), with bearer tokens made as `deskvisa token
//! create` makes them and a fixed clock: Monday 2 March 2026, 10:00 in
//! Copenhagen.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use deskvisa_http::{Limits, router};
use deskvisa_rules::{Actor, ClusterId, Email, HistoryAction, Locale, StayId, StayStatus};
use deskvisa_service::*;
use deskvisa_store::{HistoryEntry, LoadedStay, NewStay};
use deskvisa_testing::world::{Setup, World, add_person, cluster, d, member_named, t};
use deskvisa_testing::{Backend, TestDatabase, on_both_backends, races};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// A member of `cluster` (its admin if `admin`), called P and reading
/// Polish, and their API token.
pub(crate) async fn person(service: &Service, cluster: ClusterId, email: &str, admin: bool) -> String {
    let new = member_named(email, "P", Locale::Pl);
    add_person(service, cluster, new, admin.then_some(Role::ClusterAdmin)).await;
    service.create_token(&Email::parse(email).unwrap(), "test").await.unwrap()
}

pub(crate) struct Api {
    pub(crate) app: Router,
    pub(crate) world: World,
    pub(crate) member: String,
    pub(crate) admin: String,
    pub(crate) stranger_admin: String,
    pub(crate) site: String,
    pub(crate) host: String,
    pub(crate) home: String,
    pub(crate) network: String,
}

impl std::ops::Deref for Api {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl Api {
    /// The shared world (every site of `desks` desks but HubClub's) with a
    /// third cluster, Cluster 55, and its admin; a network admin at HubClub;
    /// everyone reads Polish and is called P.
    pub(crate) async fn new(test_db: TestDatabase, desks: u32) -> Api {
        let setup = Setup {
            house_rules: String::new(),
            member: member_named("anna@hubclub.example", "P", Locale::Pl),
            host_admin: member_named("lars@cph.example", "P", Locale::Pl),
            ..Setup::desks(desks)
        };
        let world = World::with(test_db, setup).await;
        let (third, _) = world.add_cluster(cluster("Cluster 55", "Cluster 55", "DK", "Europe/Stockholm"), desks).await;
        let network = member_named("network@deskvisa.example", "P", Locale::Pl);
        world.add_network_admin(world.home, network).await;
        let token =
            async |email: &str| world.service.create_token(&Email::parse(email).unwrap(), "test").await.unwrap();
        Api {
            app: router(world.service.clone(), Limits::default()),
            member: token("anna@hubclub.example").await,
            admin: token("lars@cph.example").await,
            stranger_admin: person(&world.service, third, "erik@c55.example", true).await,
            network: token("network@deskvisa.example").await,
            site: world.site.to_string(),
            host: world.host.to_string(),
            home: world.home.to_string(),
            world,
        }
    }

    /// The host cluster's id.
    pub(crate) fn world_host(&self) -> ClusterId {
        self.world.host
    }

    /// An admin of HubClub, with their token.
    pub(crate) async fn home_admin(&self) -> String {
        self.home_member("admin@hubclub.example", true).await
    }

    /// Another member of HubClub, with their token.
    pub(crate) async fn home_member(&self, email: &str, admin: bool) -> String {
        person(&self.service, self.world.home, email, admin).await
    }

    pub(crate) async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        call(&self.app, method, path, token, body.map(|b| b.to_string())).await
    }

    pub(crate) fn stay_body(&self, start: &str, end: &str) -> Value {
        json!({"site_id": self.site, "start_date": start, "end_date": end, "purpose": "Business breakfast"})
    }
}

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (StatusCode, Value) {
    call_with(app, method, path, token, body, &[]).await
}

async fn call_with(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request.header("content-type", "application/json").body(Body::from(body)),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let problem = response.headers().get("content-type").is_some_and(|v| v == "application/problem+json");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value: Value =
        if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    if !status.is_success() {
        assert!(problem, "{status}: every error is problem+json: {value}");
        assert_eq!(value["status"], status.as_u16(), "{value}");
        assert!(value["code"].is_string() && value["detail"].is_string(), "{value}");
    }
    (status, value)
}

#[tokio::test]
async fn a_stay_is_requested_approved_and_cancelled_through_the_api() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (status, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-10"))).await;
        assert_eq!(status, StatusCode::CREATED, "{stay}");
        assert_eq!(stay["status"], "pending");
        assert_eq!(stay["days"], json!(["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10"]));
        assert_eq!(stay["answer_deadline"], "2026-03-03T23:00:00Z");
        let id = stay["id"].as_str().unwrap().to_owned();
        let (_, read_back) = api.call("GET", &format!("/api/v1/stays/{id}"), Some(&api.member), None).await;
        assert_eq!(read_back, stay, "the answer to the request is the stay as stored");

        let (status, listed) = api.call("GET", "/api/v1/stays", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed["items"][0]["id"], id.as_str());
        assert_eq!(listed["next_cursor"], Value::Null);

        let (status, approved) = api.call("POST", &format!("/api/v1/stays/{id}/approve"), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!(approved["status"], "approved");
        assert_eq!(approved["history"].as_array().unwrap().len(), 2);
        let (status, again) = api.call("POST", &format!("/api/v1/stays/{id}/approve"), Some(&api.admin), None).await;
        assert_eq!((status, again["code"].as_str()), (StatusCode::CONFLICT, Some("stay_not_pending")));

        let (status, cancelled) =
            api.call("POST", &format!("/api/v1/stays/{id}/cancel"), Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "{cancelled}");
        assert_eq!(cancelled["status"], "cancelled");
        let (status, over) = api.call("POST", &format!("/api/v1/stays/{id}/cancel"), Some(&api.member), None).await;
        assert_eq!((status, over["code"].as_str()), (StatusCode::CONFLICT, Some("stay_over")));
    })
    .await;
}

#[tokio::test]
async fn a_decline_needs_a_reason() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (_, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-04"))).await;
        let path = format!("/api/v1/stays/{}/decline", stay["id"].as_str().unwrap());
        let (status, problem) = api.call("POST", &path, Some(&api.admin), Some(json!({}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required")));
        let (status, declined) =
            api.call("POST", &path, Some(&api.admin), Some(json!({"reason": "A delegation has every desk"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(declined["decline_reason"], "A delegation has every desk");
    })
    .await;
}

#[tokio::test]
async fn refusals_name_every_rule_and_capacity_names_the_full_dates() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 1).await;
        let (status, problem) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-02", "2026-03-13"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("rule_violation")));
        let codes: Vec<_> =
            problem["violations"].as_array().unwrap().iter().map(|v| v["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["too_long", "too_soon"]);
        assert!(problem["violations"][0]["message"].as_str().unwrap().contains("at most 5"));

        let (status, _) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-05"))).await;
        assert_eq!(status, StatusCode::CREATED);
        let other = api.home_member("piotr@hubclub.example", false).await;
        let (status, problem) =
            api.call("POST", "/api/v1/stays", Some(&other), Some(api.stay_body("2026-03-05", "2026-03-06"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_capacity")));
        assert_eq!(problem["full_dates"], json!(["2026-03-05"]));
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_writes_nothing() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let post = |body: String| {
            let app = api.app.clone();
            let token = api.member.clone();
            async move { call(&app, "POST", "/api/v1/stays", Some(&token), Some(body)).await }
        };
        let cases = [
            ("{not json".to_owned(), StatusCode::BAD_REQUEST, "malformed_request"),
            (json!({"site_id": api.site, "start_date": 20260304, "end_date": "2026-03-05"}).to_string(), StatusCode::BAD_REQUEST, "malformed_request"),
            (json!({"site_id": api.site, "end_date": "2026-03-05"}).to_string(), StatusCode::BAD_REQUEST, "malformed_request"),
            (api.stay_body("2026-02-30", "2026-03-05").to_string(), StatusCode::BAD_REQUEST, "malformed_request"),
            (json!({"site_id": "nope", "start_date": "2026-03-04", "end_date": "2026-03-05"}).to_string(), StatusCode::BAD_REQUEST, "malformed_request"),
            (
                json!({"site_id": "6f1c1f57-8f7a-4b8e-9c63-0f4a1d2b3c4d", "start_date": "2026-03-04", "end_date": "2026-03-05"}).to_string(),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (api.stay_body("2026-03-04", "2053-07-20").to_string(), StatusCode::UNPROCESSABLE_ENTITY, "rule_violation"),
            (format!("{{\"purpose\": \"{}\"}}", "x".repeat(70 * 1024)), StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        ];
        for (body, status, code) in cases {
            let (got, problem) = post(body).await;
            assert_eq!((got, problem["code"].as_str()), (status, Some(code)), "{problem}");
        }
        let (status, _) = api.call("GET", "/api/v1/sites/x/availability?from=2026-03-01&to=2027-03-03", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let path = format!("/api/v1/sites/{}/availability?from=2026-03-01&to=2027-03-03", api.site);
        let (status, problem) = api.call("GET", &path, Some(&api.member), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")), "367 days is too many");
        assert_eq!(api.test_db.scalar("SELECT COUNT(*) FROM stays").await, 0, "nothing written");
    })
    .await;
}

#[tokio::test]
async fn roles_and_clusters_wall_each_other_off() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (status, problem) = api.call("GET", "/api/v1/stays", None, None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
        let (status, _) = api.call("GET", "/api/v1/stays", Some("dv_not-a-token"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (_, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-04"))).await;
        let id = stay["id"].as_str().unwrap();
        let (status, problem) = api.call("POST", &format!("/api/v1/stays/{id}/approve"), Some(&api.member), None).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "a member cannot decide"
        );
        let (status, _) = api.call("GET", &format!("/api/v1/stays/{id}"), Some(&api.stranger_admin), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another cluster's stay is invisible");
        let (status, _) =
            api.call("POST", &format!("/api/v1/stays/{id}/approve"), Some(&api.stranger_admin), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let policy = format!("/api/v1/clusters/{}/policy", api.host);
        let (status, problem) = api
            .call(
                "PUT",
                &policy,
                Some(&api.stranger_admin),
                Some(json!({
                    "max_days_per_stay": 5, "stays_per_year": 2, "min_notice_days": 1, "horizon_days": 120,
                    "approval_mode": "auto", "answer_window_days": 3, "on_no_answer": "approve"
                })),
            )
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "another cluster's policy is 403"
        );
        let (status, problem) = api
            .call(
                "PUT",
                &policy,
                Some(&api.admin),
                Some(json!({
                    "max_days_per_stay": 4, "stays_per_year": 2, "min_notice_days": 1, "horizon_days": 120,
                    "approval_mode": "auto", "answer_window_days": 3, "on_no_answer": "approve"
                })),
            )
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("policy_below_guarantee"))
        );
        let (status, me) = api.call("GET", "/api/v1/me", Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["roles"][1]["role"], "cluster_admin");
    })
    .await;
}

async fn last_desk_over_http(backend: Backend, requests: usize) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let api = Api::new(db, 1).await;
    // A second application instance on its own pool.
    let second = router(api.another_instance(6).await, Limits::default());
    let mut tokens = Vec::new();
    for i in 0..requests {
        tokens.push(api.home_member(&format!("v{i}@hubclub.example"), false).await);
    }
    for round in 0..3u64 {
        let monday = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap() + chrono::Days::new(7 * round);
        let body = api.stay_body(&monday.to_string(), &(monday + chrono::Days::new(4)).to_string()).to_string();
        let mut tasks = tokio::task::JoinSet::new();
        for (i, token) in tokens.iter().enumerate() {
            let app = if i % 2 == 0 { api.app.clone() } else { second.clone() };
            let (token, body) = (token.clone(), body.clone());
            tasks.spawn(async move { (i, call(&app, "POST", "/api/v1/stays", Some(&token), Some(body)).await) });
        }
        let results = tasks.join_all().await;
        let answers: Vec<_> = results.iter().map(|(_, a)| a.clone()).collect();
        let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        let full = answers.iter().filter(|(s, p)| *s == StatusCode::CONFLICT && p["code"] == "no_capacity").count();
        assert_eq!(
            (created, full),
            (1, requests - 1),
            "{backend:?} round {round}: {:?}",
            answers.iter().map(|a| a.0).collect::<Vec<_>>()
        );
        // The winner cancels, so that the quota never decides a later round.
        for (i, (_, stay)) in results.iter().filter(|(_, a)| a.0 == StatusCode::CREATED) {
            let path = format!("/api/v1/stays/{}/cancel", stay["id"].as_str().unwrap());
            assert_eq!(call(&api.app, "POST", &path, Some(&tokens[*i]), None).await.0, StatusCode::OK);
        }
        assert_eq!(api.test_db.scalar("SELECT COUNT(*) FROM site_days WHERE held > desks").await, 0);
    }
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer_and_creates_nothing_more() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let body = api.stay_body("2026-03-04", "2026-03-05").to_string();
        let key = [("idempotency-key", "trip-2026-03-cph")];
        let mut answers = Vec::new();
        for _ in 0..10 {
            answers.push(call_with(&api.app, "POST", "/api/v1/stays", Some(&api.member), Some(body.clone()), &key).await);
        }
        assert_eq!(answers[0].0, StatusCode::CREATED);
        assert!(answers.iter().all(|a| *a == answers[0]), "ten equal answers");
        assert_eq!(api.test_db.scalar("SELECT COUNT(*) FROM stays").await, 1);

        // The same body with keys in another order and other spacing is the same body.
        let reordered = format!(
            "{{ \"purpose\": \"Business breakfast\", \"end_date\": \"2026-03-05\", \"start_date\": \"2026-03-04\", \"site_id\": \"{}\" }}",
            api.site
        );
        let again = call_with(&api.app, "POST", "/api/v1/stays", Some(&api.member), Some(reordered), &key).await;
        assert_eq!(again, answers[0]);

        let other = api.stay_body("2026-03-11", "2026-03-12").to_string();
        let (status, problem) = call_with(&api.app, "POST", "/api/v1/stays", Some(&api.member), Some(other.clone()), &key).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused")));
        // Keys belong to their member: another member's same key is theirs alone.
        let (_, problem) = call_with(&api.app, "POST", "/api/v1/stays", Some(&api.stranger_admin), Some(other), &key).await;
        assert_ne!(problem["code"], "idempotency_key_reused");

        // A refused request's answer is replayed too.
        let refused = api.stay_body("2026-03-02", "2026-03-02").to_string();
        let first = call_with(&api.app, "POST", "/api/v1/stays", Some(&api.member), Some(refused.clone()), &[("idempotency-key", "k2")]).await;
        let second = call_with(&api.app, "POST", "/api/v1/stays", Some(&api.member), Some(refused), &[("idempotency-key", "k2")]).await;
        assert_eq!(first.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(first, second);
    })
    .await;
}

async fn concurrent_key(backend: Backend) {
    let Some(db) = TestDatabase::new(backend).await else {
        return;
    };
    let api = Api::new(db, 2).await;
    let body = api.stay_body("2026-03-04", "2026-03-05").to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, token, body) = (api.app.clone(), api.member.clone(), body.clone());
        tasks.spawn(async move {
            call_with(&app, "POST", "/api/v1/stays", Some(&token), Some(body), &[("idempotency-key", "same")]).await
        });
    }
    let answers = tasks.join_all().await;
    let created: Vec<_> = answers.iter().filter(|a| a.0 == StatusCode::CREATED).collect();
    assert!(
        !created.is_empty() && created.iter().all(|a| a.1 == created[0].1),
        "{backend:?}: every 201 is the same answer"
    );
    for (status, problem) in answers.iter().filter(|a| a.0 != StatusCode::CREATED) {
        assert_eq!(
            (*status, problem["code"].as_str()),
            (StatusCode::CONFLICT, Some("idempotency_key_in_flight")),
            "{backend:?}"
        );
    }
    assert_eq!(api.test_db.scalar("SELECT COUNT(*) FROM stays").await, 1, "{backend:?}: one stay");
}

#[tokio::test]
async fn every_eligibility_code_is_reachable_through_the_api() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let request = |token: String| {
            let app = api.app.clone();
            let body = api.stay_body("2026-03-04", "2026-03-06").to_string();
            async move { call(&app, "POST", "/api/v1/stays", Some(&token), Some(body)).await }
        };
        let codes = |v: &Value| -> Vec<String> {
            v["violations"]
                .as_array()
                .map(|a| a.iter().map(|x| x["code"].as_str().unwrap().to_owned()).collect())
                .unwrap_or_default()
        };
        let (_, me) = api.call("GET", "/api/v1/me", Some(&api.member), None).await;
        let member_path = format!("/api/v1/clusters/{}/members/{}", api.home, me["id"].as_str().unwrap());

        // member_inactive through vouched_until, set by the home cluster's admin.
        let home_admin = api.home_member("boss@hubclub.example", true).await;
        let (status, _) =
            api.call("PATCH", &member_path, Some(&home_admin), Some(json!({"vouched_until": "2026-03-05"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(codes(&request(api.member.clone()).await.1), ["member_inactive"]);
        api.call("PATCH", &member_path, Some(&home_admin), Some(json!({"vouched_until": null}))).await;

        // own_cluster: the host's own admin asks at the host's site.
        assert_eq!(codes(&request(api.admin.clone()).await.1), ["own_cluster"]);

        // home_cluster_inactive and host_cluster_inactive, set by the network admin.
        let home_path = format!("/api/v1/clusters/{}", api.home);
        let (status, _) = api.call("PATCH", &home_path, Some(&api.network), Some(json!({"status": "suspended"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(codes(&request(api.member.clone()).await.1), ["home_cluster_inactive"]);
        api.call("PATCH", &home_path, Some(&api.network), Some(json!({"status": "active"}))).await;
        let host_path = format!("/api/v1/clusters/{}", api.host);
        api.call("PATCH", &host_path, Some(&api.network), Some(json!({"status": "left"}))).await;
        assert_eq!(codes(&request(api.member.clone()).await.1), ["host_cluster_inactive"]);
        api.call("PATCH", &host_path, Some(&api.network), Some(json!({"status": "active"}))).await;
        let (status, _) = api.call("PATCH", &host_path, Some(&api.admin), Some(json!({"status": "left"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the network changes a cluster's status");

        // home_not_reciprocating: the home cluster's only site goes to zero desks,
        // and the clock moves past the 30 days of grace.
        let (_, home_cluster) = api.call("GET", &home_path, Some(&api.member), None).await;
        let home_site = home_cluster["sites"][0]["id"].as_str().unwrap().to_owned();
        let (status, _) = api
            .call("PATCH", &format!("/api/v1/sites/{home_site}"), Some(&home_admin), Some(json!({"desks": 0})))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(codes(&request(api.member.clone()).await.1).is_empty(), "still in grace");
        api.clock.set(t("2026-04-02T09:00:01Z"));
        let late = {
            let app = api.app.clone();
            let body = api.stay_body("2026-04-08", "2026-04-09").to_string();
            call(&app, "POST", "/api/v1/stays", Some(&api.member), Some(body)).await
        };
        assert_eq!(codes(&late.1), ["home_not_reciprocating"]);

        // member_inactive by revocation: the member's tokens stop working at once.
        let (status, _) = api.call("DELETE", &member_path, Some(&home_admin), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = api.call("GET", "/api/v1/me", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn a_site_change_or_closure_never_strands_a_held_day() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (status, _) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-05"))).await;
        assert_eq!(status, StatusCode::CREATED);
        let site = format!("/api/v1/sites/{}", api.site);
        let (status, problem) = api.call("PATCH", &site, Some(&api.admin), Some(json!({"desks": 0}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("dates_hold_stays")));
        assert!(problem["detail"].as_str().unwrap().contains("2026-03-04"));
        let (status, problem) = api
            .call("PATCH", &site, Some(&api.admin), Some(json!({"open_weekdays": ["mon", "tue", "thu", "fri"]})))
            .await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("dates_hold_stays")));
        let (status, _) = api.call("PATCH", &site, Some(&api.admin), Some(json!({"timezone": "Europe/Oslo"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, updated) = api
            .call("PATCH", &site, Some(&api.admin), Some(json!({"desks": 1, "house_rules": "Badge at the door"})))
            .await;
        assert_eq!(status, StatusCode::OK, "one desk still covers the one held");
        assert_eq!(updated["desks"], 1);
        let (_, days) = api
            .call("GET", &format!("{site}/availability?from=2026-03-04&to=2026-03-05"), Some(&api.member), None)
            .await;
        assert_eq!(days["days"][0], json!({"date": "2026-03-04", "open": true, "desks": 1, "held": 1, "free": 0}));

        let closures = format!("{site}/closures");
        let (status, problem) = api
            .call("POST", &closures, Some(&api.admin), Some(json!({"date": "2026-03-05", "reason": "Fire drill"})))
            .await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("dates_hold_stays")));
        let (status, _) = api
            .call("POST", &closures, Some(&api.admin), Some(json!({"date": "2026-03-06", "reason": "Fire drill"})))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, days) = api
            .call("GET", &format!("{site}/availability?from=2026-03-04&to=2026-03-06"), Some(&api.member), None)
            .await;
        assert_eq!(
            days["days"],
            json!([
                {"date": "2026-03-04", "open": true, "desks": 1, "held": 1, "free": 0},
                {"date": "2026-03-05", "open": true, "desks": 1, "held": 1, "free": 0},
                {"date": "2026-03-06", "open": false, "desks": 0, "held": 0, "free": 0},
            ]),
            "held days, free days and the closed day, read together"
        );
        let (_, listed) = api.call("GET", &closures, Some(&api.member), None).await;
        assert_eq!(listed["items"], json!([{"date": "2026-03-06", "reason": "Fire drill"}]));
        let (status, _) =
            api.call("POST", &closures, Some(&api.member), Some(json!({"date": "2026-03-09", "reason": "x"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api.call("DELETE", &format!("{closures}/2026-03-06"), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);

        let (status, inbox) = api.call("GET", &format!("{site}/stays?status=pending"), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
        let (status, _) = api.call("GET", &format!("{site}/stays"), Some(&api.stranger_admin), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "sites are public; another host's inbox is not theirs");
    })
    .await;
}

#[tokio::test]
async fn clusters_admins_and_members_are_run_by_the_right_people() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let new_cluster = json!({"name": "Tokyo Creative Tech", "city": "Tokyo", "country": "JP", "timezone": "Asia/Tokyo", "latitude": 35.68, "longitude": 139.69});
        let (status, _) = api.call("POST", "/api/v1/clusters", Some(&api.admin), Some(new_cluster.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, tokyo) = api.call("POST", "/api/v1/clusters", Some(&api.network), Some(new_cluster)).await;
        assert_eq!(status, StatusCode::CREATED, "{tokyo}");
        let tokyo_id = tokyo["id"].as_str().unwrap();
        let (status, bad) = api.call("POST", "/api/v1/clusters", Some(&api.network), Some(json!({"name": "X", "city": "Y", "country": "jp", "timezone": "Asia/Tokyo", "latitude": 95.0, "longitude": 0.0}))).await;
        assert_eq!((status, bad["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        // Every refused field is named at once, in the body's order; the
        // detail tells the first, as it always has.
        let fields: Vec<_> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["country", "latitude"], "{bad}");
        assert_eq!(bad["detail"], "country: an ISO 3166-1 alpha-2 code, such as PL");
        assert_eq!(bad["errors"][1]["detail"], "between -90 and 90");

        // The network admin makes the new cluster's first admin.
        let admins = format!("/api/v1/clusters/{tokyo_id}/admins");
        let (status, first) = api.call("POST", &admins, Some(&api.network), Some(json!({"email": "Kenji@Tokyo.example", "name": "Kenji Tanaka"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        assert_eq!(first["email"], "kenji@tokyo.example");
        assert_eq!(first["status"], "invited");
        let (status, problem) = api.call("DELETE", &format!("{admins}/{}", first["id"].as_str().unwrap()), Some(&api.network), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("last_admin")));

        // Members: invited by their cluster's admin; an address is one member.
        let members = format!("/api/v1/clusters/{}/members", api.host);
        let (status, _) = api.call("POST", &members, Some(&api.admin), Some(json!({"email": "mette@cph.example", "name": "Mette", "company": "Novo", "locale": "en"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, taken) = api.call("POST", &members, Some(&api.admin), Some(json!({"email": "METTE@cph.example", "name": "Mette"}))).await;
        assert_eq!((status, taken["code"].as_str()), (StatusCode::CONFLICT, Some("email_taken")));
        let (status, _) = api.call("POST", &members, Some(&api.stranger_admin), Some(json!({"email": "x@cph.example", "name": "X"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, listed) = api.call("GET", &members, Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed["items"].as_array().unwrap().len(), 2);

        // Network policy: everyone reads it, only the network changes it.
        let (_, policy) = api.call("GET", "/api/v1/network/policy", Some(&api.member), None).await;
        assert_eq!(policy, json!({"guaranteed_days": 5, "reciprocity_grace_days": 30}));
        let (status, _) = api.call("PUT", "/api/v1/network/policy", Some(&api.admin), Some(json!({"guaranteed_days": 6, "reciprocity_grace_days": 30}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, problem) = api.call("PUT", "/api/v1/network/policy", Some(&api.network), Some(json!({"guaranteed_days": 4, "reciprocity_grace_days": 30}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy_below_guarantee")));

        let (status, me) = api.call("PATCH", "/api/v1/me", Some(&api.member), Some(json!({"name": "Anna Nowak", "locale": "pl"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((me["name"].as_str(), me["locale"].as_str()), (Some("Anna Nowak"), Some("pl")));
    })
    .await;
}

/// `/metrics` as a scraper reads it.
async fn scrape(app: &Router) -> String {
    let response = app.clone().oneshot(Request::get("/metrics").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

#[tokio::test]
async fn metrics_show_requests_by_route_stays_and_the_outbox() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let api = Api::new(db, 2).await;
    let (status, stay) =
        api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-05"))).await;
    assert_eq!(status, StatusCode::CREATED);
    let text = scrape(&api.app).await;
    assert!(
        text.contains(r#"deskvisa_http_requests_total{method="POST",route="/api/v1/stays",status="201"}"#),
        "{text}"
    );
    assert!(text.contains("deskvisa_http_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains(r#"deskvisa_stays_requested_total{outcome="pending"}"#), "{text}");
    assert!(text.contains(r#"deskvisa_stays{status="pending"} 1"#), "{text}");
    // The request queued its emails in its own transaction: one to the
    // member, one to the host's admins.
    assert!(text.contains("deskvisa_outbox_depth 2"), "{text}");
    assert!(text.contains("deskvisa_outbox_dead 0"), "{text}");

    // Every series is deskvisa's and says what it is; the process and the
    // build report themselves.
    for line in text.lines().filter(|l| !l.is_empty()) {
        let name = line.trim_start_matches("# HELP ").trim_start_matches("# TYPE ");
        assert!(name.starts_with("deskvisa_"), "not prefixed: {line}");
    }
    for series in ["deskvisa_http_requests_total", "deskvisa_stays", "deskvisa_outbox_depth", "deskvisa_build_info"] {
        assert!(text.contains(&format!("# HELP {series} ")), "no HELP for {series}: {text}");
    }
    assert!(text.contains(&format!(r#"deskvisa_build_info{{version="{}"}} 1"#, env!("CARGO_PKG_VERSION"))), "{text}");
    for process in
        ["deskvisa_process_resident_memory_bytes", "deskvisa_process_cpu_seconds_total", "deskvisa_process_open_fds"]
    {
        assert!(text.lines().any(|l| l.starts_with(process)), "no {process}: {text}");
    }

    // The last pending stay is cancelled: pending falls to 0 (the GROUP BY
    // has no row for it any more), it does not keep its last value.
    let id = stay["id"].as_str().unwrap();
    let (status, _) = api
        .call(
            "POST",
            &format!("/api/v1/stays/{id}/cancel"),
            Some(&api.member),
            Some(json!({"reason": "plans changed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = scrape(&api.app).await;
    assert!(text.contains(r#"deskvisa_stays{status="pending"} 0"#), "{text}");
    assert!(text.contains(r#"deskvisa_stays{status="cancelled"} 1"#), "{text}");
}

async fn get_raw(app: &Router, path: &str, token: &str) -> (StatusCode, String, String) {
    let request = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type =
        response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, content_type, body)
}

#[tokio::test]
async fn a_stay_downloads_as_a_calendar_file_for_its_member_and_the_host() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (_, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-10"))).await;
        let id = stay["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/stays/{id}/calendar.ics");
        let (status, content_type, pending) = get_raw(&api.app, &path, &api.member).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "text/calendar; charset=utf-8; method=PUBLISH");
        assert!(pending.contains("METHOD:PUBLISH\r\n") && pending.contains("STATUS:TENTATIVE\r\n"), "{pending}");
        assert!(pending.contains(&format!("UID:stay-{id}@deskvisa\r\n")));
        assert!(pending.contains("DTSTART;VALUE=DATE:20260304\r\nDTEND;VALUE=DATE:20260311\r\n"));
        assert!(pending.contains("SEQUENCE:0\r\n"));

        api.call("POST", &format!("/api/v1/stays/{id}/approve"), Some(&api.admin), None).await;
        let (status, _, approved) = get_raw(&api.app, &path, &api.admin).await;
        assert_eq!(status, StatusCode::OK, "the host's admin may download it");
        assert!(approved.contains("STATUS:CONFIRMED\r\n") && approved.contains("SEQUENCE:1\r\n"), "{approved}");
        assert!(!approved.contains("ATTENDEE"), "a published copy invites nobody");

        // The home cluster's network admin may read the stay, not take its calendar;
        // another cluster's admin does not learn it exists.
        let (status, _, _) = get_raw(&api.app, &path, &api.network).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, body) = get_raw(&api.app, &path, &api.stranger_admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, _, _) = get_raw(&api.app, "/api/v1/stays/not-a-uuid/calendar.ics", &api.member).await;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST, "{status}");

        api.call("POST", &format!("/api/v1/stays/{id}/cancel"), Some(&api.member), None).await;
        let (_, _, cancelled) = get_raw(&api.app, &path, &api.member).await;
        assert!(cancelled.contains("STATUS:CANCELLED\r\n") && cancelled.contains("SEQUENCE:2\r\n"), "{cancelled}");
    })
    .await;
}

#[tokio::test]
async fn check_in_no_show_and_the_answer_deadline_through_the_api() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 3).await;
        let (_, first) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-05"))).await;
        let first = first["id"].as_str().unwrap().to_owned();
        api.call("POST", &format!("/api/v1/stays/{first}/approve"), Some(&api.admin), None).await;
        let (status, problem) =
            api.call("POST", &format!("/api/v1/stays/{first}/check-in"), Some(&api.admin), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("not_a_stay_day")));
        api.clock.set(t("2026-03-04T08:00:00Z"));
        let (status, checked) =
            api.call("POST", &format!("/api/v1/stays/{first}/check-in"), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(checked["checked_in"], true);
        let (status, problem) =
            api.call("POST", &format!("/api/v1/stays/{first}/no-show"), Some(&api.admin), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("already_marked")));

        // Another member's approved stay, marked no-show on its second day.
        let other = api.home_member("piotr@hubclub.example", false).await;
        api.clock.set(t("2026-03-02T09:00:00Z"));
        let (_, second) =
            api.call("POST", "/api/v1/stays", Some(&other), Some(api.stay_body("2026-03-04", "2026-03-06"))).await;
        let second = second["id"].as_str().unwrap().to_owned();
        api.call("POST", &format!("/api/v1/stays/{second}/approve"), Some(&api.admin), None).await;
        api.clock.set(t("2026-03-05T08:00:00Z"));
        let (status, marked) =
            api.call("POST", &format!("/api/v1/stays/{second}/no-show"), Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((marked["no_show"].as_bool(), marked["days"].clone()), (Some(true), json!(["2026-03-04"])));

        // Unanswered requests: approved at the deadline, or expired where the host says so.
        api.clock.set(t("2026-03-09T09:00:00Z"));
        let (_, pending) =
            api.call("POST", "/api/v1/stays", Some(&other), Some(api.stay_body("2026-03-23", "2026-03-24"))).await;
        let pending = pending["id"].as_str().unwrap().to_owned();
        api.clock.set(t("2026-03-12T09:00:00Z"));
        assert_eq!(api.service.settle_due_stays().await.unwrap(), 1);
        let (_, settled) = api.call("GET", &format!("/api/v1/stays/{pending}"), Some(&other), None).await;
        assert_eq!(settled["status"], "approved");
        assert_eq!(settled["history"][1]["action"], "auto_approve");
        assert_eq!(settled["history"][1]["actor"], "worker");

        let policy = json!({"max_days_per_stay": 5, "stays_per_year": 5, "min_notice_days": 1, "horizon_days": 120,
                            "approval_mode": "manual", "answer_window_days": 1, "on_no_answer": "expire"});
        let (status, _) =
            api.call("PUT", &format!("/api/v1/clusters/{}/policy", api.host), Some(&api.admin), Some(policy)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, doomed) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-30", "2026-03-31"))).await;
        let doomed = doomed["id"].as_str().unwrap().to_owned();
        api.clock.set(t("2026-03-13T09:00:00Z"));
        assert_eq!(api.service.settle_due_stays().await.unwrap(), 1);
        let (_, expired) = api.call("GET", &format!("/api/v1/stays/{doomed}"), Some(&api.member), None).await;
        assert_eq!((expired["status"].as_str(), expired["days"].clone()), (Some("expired"), json!([])));
    })
    .await;
}

#[tokio::test]
async fn a_member_asking_for_stays_too_often_gets_429_on_every_instance() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 3).await;
        let limits = RateLimits { stay_requests_per_member_per_hour: 4, ..RateLimits::default() };
        let first = router(api.service.clone().with_rate_limits(limits), Limits::default());
        let second = router(api.another_instance(2).await.with_rate_limits(limits), Limits::default());
        let instances = [&first, &second];
        // Refused requests count too: two refusals, two stays, then the limit.
        let asks = [
            ("2026-03-10", "2026-03-09", StatusCode::UNPROCESSABLE_ENTITY),
            ("2026-03-16", "2026-03-20", StatusCode::CREATED),
            ("2026-03-17", "2026-03-18", StatusCode::UNPROCESSABLE_ENTITY),
            ("2026-03-23", "2026-03-27", StatusCode::CREATED),
        ];
        for (i, (start, end, expected)) in asks.iter().enumerate() {
            let body = api.stay_body(start, end).to_string();
            let (status, answer) = call(instances[i % 2], "POST", "/api/v1/stays", Some(&api.member), Some(body)).await;
            assert_eq!(status, *expected, "request {i}: {answer}");
        }
        let over = Request::post("/api/v1/stays")
            .header("authorization", format!("Bearer {}", api.member))
            .header("content-type", "application/json")
            .body(Body::from(api.stay_body("2026-03-30", "2026-04-03").to_string()))
            .unwrap();
        let response = second.clone().oneshot(over).await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=3600).contains(&retry_after), "{retry_after}");
        let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert_eq!(body["code"], "rate_limited");
        assert_eq!(api.test_db.scalar("SELECT COUNT(*) FROM stays").await, 2, "nothing more was written");

        // Other members are not held back.
        let (status, _) = call(
            &first,
            "POST",
            "/api/v1/stays",
            Some(&api.admin),
            Some(api.stay_body("2026-03-30", "2026-04-03").to_string()),
        )
        .await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
        // The member is heard again an hour on (and the rules speak: two stays
        // a year at this host is its policy).
        api.clock.advance(chrono::TimeDelta::hours(1));
        let body = api.stay_body("2026-03-30", "2026-04-03").to_string();
        let (status, answer) = call(&first, "POST", "/api/v1/stays", Some(&api.member), Some(body)).await;
        assert_eq!(
            (status, answer["violations"][0]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("quota_exceeded"))
        );
    })
    .await;
}

#[tokio::test]
async fn the_reciprocity_ledger_comes_as_json_and_as_csv_to_those_who_may_see_it() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (_, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-06"))).await;
        let id = stay["id"].as_str().unwrap().to_owned();
        api.call("POST", &format!("/api/v1/stays/{id}/approve"), Some(&api.admin), None).await;
        api.clock.set(t("2026-04-01T09:00:00Z"));
        let path = "/api/v1/reports/reciprocity?from=2026-03-01&to=2026-03-31";

        let (status, ledger) = api.call("GET", path, Some(&api.network), None).await;
        assert_eq!(status, StatusCode::OK, "{ledger}");
        assert_eq!((ledger["from"].as_str(), ledger["to"].as_str()), (Some("2026-03-01"), Some("2026-03-31")));
        assert_eq!(ledger["clusters"].as_array().unwrap().len(), 3, "every cluster, with or without stays");
        assert_eq!(
            ledger["matrix"],
            json!([{"host_cluster_id": api.host, "host_name": "Copenhagen Digital", "home_cluster_id": api.home,
                    "home_name": "HubClub", "visitor_days": 3}])
        );
        let host = ledger["clusters"].as_array().unwrap().iter().find(|c| c["cluster_id"] == api.host.as_str()).unwrap();
        assert_eq!((host["days_hosted"].as_u64(), host["balance"].as_i64()), (Some(3), Some(3)));
        assert_eq!((host["requests_received"].as_u64(), host["requests_approved"].as_u64()), (Some(1), Some(1)));
        assert_eq!(host["standing"], "reciprocating");

        // A cluster admin sees their own cluster only; a member nothing.
        let (status, own) = api.call("GET", path, Some(&api.stranger_admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(own["clusters"].as_array().unwrap().len(), 1);
        assert_eq!(own["matrix"], json!([]), "the stay was between two other clusters");
        assert_eq!(api.call("GET", path, Some(&api.member), None).await.0, StatusCode::FORBIDDEN);

        // CSV for spreadsheets: the clusters, or the matrix.
        let (status, kind, csv) = get_csv(&api.app, path, &api.network).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("cluster_id,name,country,standing,days_hosted,days_used,balance,"), "{csv}");
        assert_eq!(lines.len(), 4, "a header and three clusters: {csv}");
        assert!(lines.iter().any(|l| l.starts_with(&format!("{},Copenhagen Digital,DK,reciprocating,3,0,3,1,1,0,0,0,", api.host))), "{csv}");
        let (_, _, matrix) = get_csv(&api.app, &format!("{path}&table=matrix"), &api.network).await;
        assert_eq!(
            matrix,
            format!("host_cluster_id,host_name,home_cluster_id,home_name,visitor_days\r\n{},Copenhagen Digital,{},HubClub,3\r\n", api.host, api.home)
        );

        for bad in [
            "/api/v1/reports/reciprocity?from=2026-03-31&to=2026-03-01",
            "/api/v1/reports/reciprocity?from=2026-03-01&to=2032-03-01",
            "/api/v1/reports/reciprocity?from=March&to=2026-03-01",
        ] {
            let (status, problem) = api.call("GET", bad, Some(&api.network), None).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")), "{bad}");
        }
        let (status, _, _) = get_csv(&api.app, &format!("{path}&table=everything"), &api.network).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    })
    .await;
}

/// A busy host's year: 1,050 requests declined inside the guarantee,
/// written in bulk. The JSON lists them a thousand a page and links the
/// next; the figures and the CSV count every one.
#[tokio::test]
async fn the_search_lists_two_hundred_sites_a_page_with_the_next_pages_address() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let lofts = crate::large_network::lofts(&api.service, 450).await;
        let path = "/api/v1/availability/search?from=2026-03-09&to=2026-03-27&days=3&continent=europe";
        let (status, first) = api.call("GET", path, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let total = first["total"].as_u64().unwrap();
        assert!(total > 450, "every loft and the host's site: {total}");
        assert_eq!((first["page"].as_u64(), first["sites"].as_array().unwrap().len()), (Some(1), 200));

        // The links, followed: every site once, soonest first across pages.
        let mut seen = Vec::new();
        let mut answer = first;
        let mut pages = 1;
        loop {
            for site in answer["sites"].as_array().unwrap() {
                seen.push((site["fits"][0]["start_date"].as_str().unwrap().to_owned(), site["site_id"].clone()));
            }
            let Some(next) = answer["next"].as_str().map(str::to_owned) else { break };
            pages += 1;
            assert_eq!(next, format!("{path}&page={pages}"));
            let (status, page) = api.call("GET", &next, Some(&api.member), None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_eq!(page["total"].as_u64(), Some(total));
            answer = page;
        }
        assert_eq!((pages, seen.len() as u64), (3, total), "200 + 200 + the rest");
        assert!(seen.is_sorted_by(|a, b| a.0 <= b.0), "soonest first");
        let ids: std::collections::HashSet<String> =
            seen.iter().map(|(_, id)| id.as_str().unwrap().to_owned()).collect();
        assert_eq!(ids.len() as u64, total, "none twice");
        assert!(lofts.iter().all(|l| ids.contains(&l.as_uuid().to_string())), "every loft");

        // Past the last page: nothing more; page 0 and words are refused.
        let (status, past) = api.call("GET", &format!("{path}&page=9"), Some(&api.member), None).await;
        assert_eq!(
            (status, past["sites"].as_array().map(Vec::len), past["next"].is_null()),
            (StatusCode::OK, Some(0), true)
        );
        for bad in ["0", "-1", "two"] {
            let (status, problem) = api.call("GET", &format!("{path}&page={bad}"), Some(&api.member), None).await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("malformed_request")),
                "{bad}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn the_ledger_pages_its_guarantee_exceptions_and_counts_them_all() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let asked = t("2026-02-02T09:00:00Z");
        let declined: Vec<LoadedStay> = (0..1_050)
            .map(|n| {
                let at = asked + chrono::TimeDelta::minutes(n);
                let refused = at + chrono::TimeDelta::hours(1);
                LoadedStay {
                    stay: NewStay {
                        id: StayId::from_uuid(uuid::Uuid::now_v7()),
                        member: api.world.member.member,
                        site: api.world.site,
                        host_cluster: api.world.host,
                        home_cluster: api.world.home,
                        start_date: d("2026-03-02"),
                        end_date: d("2026-03-06"),
                        status: StayStatus::Declined,
                        purpose: "Meeting the host's firms".to_owned(),
                        answer_deadline: None,
                        within_guarantee: true,
                        held_days: Vec::new(),
                        created_at: at,
                    },
                    approved_at: None,
                    answered_at: Some(refused),
                    checked_in: false,
                    no_show: false,
                    history: vec![
                        HistoryEntry::change(at, Actor::Member, None, StayStatus::Pending, HistoryAction::Request),
                        HistoryEntry::change(
                            refused,
                            Actor::HostAdmin,
                            Some(StayStatus::Pending),
                            StayStatus::Declined,
                            HistoryAction::Decline,
                        )
                        .exception(true),
                    ],
                }
            })
            .collect();
        api.service.store().load_stays(&declined).await.unwrap();
        let path = "/api/v1/reports/reciprocity?from=2026-02-01&to=2026-02-28";

        let (status, first) = api.call("GET", path, Some(&api.network), None).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_eq!(first["exceptions"].as_array().unwrap().len(), 1_000, "a page");
        assert_eq!((first["exceptions_total"].as_u64(), first["exceptions_page"].as_u64()), (Some(1_050), Some(1)));
        assert_eq!(first["exceptions"][0]["stay_id"], declined[0].stay.id.as_uuid().to_string(), "oldest first");
        let host = first["clusters"].as_array().unwrap().iter().find(|c| c["cluster_id"] == api.host.as_str()).unwrap();
        assert_eq!(host["guarantee_exceptions"].as_u64(), Some(1_050), "the figures count every one");

        // The link: the last fifty, and no further page.
        let next = first["exceptions_next"].as_str().unwrap().to_owned();
        assert_eq!(next, format!("{path}&exceptions_page=2"));
        let (status, second) = api.call("GET", &next, Some(&api.network), None).await;
        assert_eq!(status, StatusCode::OK);
        let listed = second["exceptions"].as_array().unwrap();
        assert_eq!(listed.len(), 50);
        assert_eq!(listed[49]["stay_id"], declined[1_049].stay.id.as_uuid().to_string());
        assert_eq!(second["exceptions_next"], Value::Null);

        // The host's admin took part in every one; the third cluster's in none.
        let (_, own) = api.call("GET", path, Some(&api.admin), None).await;
        assert_eq!(
            (own["exceptions_total"].as_u64(), own["exceptions"].as_array().unwrap().len()),
            (Some(1_050), 1_000)
        );
        let (_, other) = api.call("GET", path, Some(&api.stranger_admin), None).await;
        assert_eq!((other["exceptions_total"].as_u64(), other["exceptions_next"].is_null()), (Some(0), true));

        // The CSV is the whole list, for a spreadsheet.
        let (status, _, csv) = get_csv(&api.app, &format!("{path}&table=exceptions"), &api.network).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(csv.lines().count(), 1 + 1_050, "a header and every exception");

        for bad in ["0", "-1", "two"] {
            let (status, problem) =
                api.call("GET", &format!("{path}&exceptions_page={bad}"), Some(&api.network), None).await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("malformed_request")),
                "{bad}"
            );
        }
    })
    .await;
}

pub(crate) async fn get_csv(app: &Router, path: &str, token: &str) -> (StatusCode, String, String) {
    let request = Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .header("accept", "text/csv")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response.headers()["content-type"].to_str().unwrap().to_owned();
    if status == StatusCode::OK {
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"reciprocity-")
        );
    }
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, kind, body)
}

#[tokio::test]
async fn a_request_refused_for_capacity_is_offered_the_nearest_dates_that_fit() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 1).await;
        let first = api.home_member("first@hubclub.example", false).await;
        let body = api.stay_body("2026-03-09", "2026-03-13");
        assert_eq!(api.call("POST", "/api/v1/stays", Some(&first), Some(body.clone())).await.0, StatusCode::CREATED);
        let (status, problem) = api.call("POST", "/api/v1/stays", Some(&api.member), Some(body)).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_capacity")));
        // Five open days like the request, none holding 9–13 March, none
        // starting before tomorrow (the host's notice): after, after, after.
        assert_eq!(
            problem["alternatives"],
            json!([
                {"start_date": "2026-03-16", "end_date": "2026-03-20"},
                {"start_date": "2026-03-23", "end_date": "2026-03-27"},
                {"start_date": "2026-03-30", "end_date": "2026-04-03"},
            ])
        );
        let (status, _) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-16", "2026-03-20"))).await;
        assert_eq!(status, StatusCode::CREATED, "the first alternative is one click away");

        // The search says the same, and leaves out the caller's own cluster.
        let path = "/api/v1/availability/search?from=2026-03-09&to=2026-03-27&days=5";
        let (status, found) = api.call("GET", path, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        let names: Vec<&str> =
            found["sites"].as_array().unwrap().iter().map(|s| s["cluster_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Cluster 55", "Copenhagen Digital"], "{found}");
        let host = &found["sites"][1];
        assert_eq!(host["site_id"], api.site.as_str());
        assert_eq!(host["fits"], json!([{"start_date": "2026-03-23", "end_date": "2026-03-27"}]));
        assert_eq!(host["continent"], "europe");
        // A code in any case is the country; one no country has finds nothing.
        for (country, sites) in [("dk", 2), ("DK", 2), ("XX", 0)] {
            let path = format!("/api/v1/availability/search?from=2026-03-09&to=2026-03-27&days=5&country={country}");
            let (status, found) = api.call("GET", &path, Some(&api.member), None).await;
            assert_eq!((status, found["sites"].as_array().map(Vec::len)), (StatusCode::OK, Some(sites)), "{country}");
        }
        for bad in [
            "/api/v1/availability/search?from=2026-03-09&to=2026-03-27&days=five",
            "/api/v1/availability/search?from=2026-03-09&to=2026-03-27&days=0",
            "/api/v1/availability/search?from=2026-03-09&to=2026-03-27&days=3&continent=atlantis",
            "/api/v1/availability/search?from=2026-03-09&to=2026-03-27&days=3&country=Denmark",
            "/api/v1/availability/search?from=2026-03-27&to=2026-03-09&days=3",
            "/api/v1/availability/search?from=2026-03-09&to=2028-03-27&days=3",
        ] {
            let (status, problem) = api.call("GET", bad, Some(&api.member), None).await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("malformed_request")),
                "{bad}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn events_are_published_joined_downloaded_and_withdrawn_through_the_api() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let events = format!("/api/v1/sites/{}/events", api.site);
        let body = json!({"title": "Fintech meetup", "description": "Talks.", "starts_at": "2026-03-10T17:00",
                          "ends_at": "2026-03-10T19:00", "capacity": 1});
        let (status, event) = api.call("POST", &events, Some(&api.admin), Some(body.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        assert_eq!(
            (&event["starts_at"], &event["ends_at"], &event["starts_utc"]),
            (&json!("2026-03-10T17:00"), &json!("2026-03-10T19:00"), &json!("2026-03-10T16:00:00Z"))
        );
        assert_eq!(
            (&event["capacity"], &event["seats_left"], &event["open_to_visitors"]),
            (&json!(1), &json!(1), &json!(true))
        );
        let id = event["id"].as_str().unwrap().to_owned();

        // Bad input is 400 and names the field; another cluster's admin is refused.
        for (field, value) in [("starts_at", json!("2026-03-10 17:00")), ("capacity", json!(0)), ("title", json!(" "))]
        {
            let mut bad = body.clone();
            bad[field] = value;
            let (status, problem) = api.call("POST", &events, Some(&api.admin), Some(bad)).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
            assert!(problem["detail"].as_str().unwrap().contains(field), "{problem}");
        }
        let mut past = body.clone();
        past["starts_at"] = json!("2026-03-01T17:00");
        let (status, problem) = api.call("POST", &events, Some(&api.admin), Some(past)).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("event_in_the_past")));
        let (status, _) = api.call("POST", &events, Some(&api.stranger_admin), Some(body.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Listed with its seats; the member has no stay yet.
        let (status, list) =
            api.call("GET", &format!("{events}?from=2026-03-09&to=2026-03-13"), Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["items"][0]["id"], id.as_str());
        let join = format!("/api/v1/events/{id}/registrations");
        let (status, problem) = api.call("POST", &join, Some(&api.member), None).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("no_stay_covering_event"))
        );

        // With an approved stay covering Tuesday the member joins, once.
        let (_, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-09", "2026-03-13"))).await;
        let stay = stay["id"].as_str().unwrap().to_owned();
        api.call("POST", &format!("/api/v1/stays/{stay}/approve"), Some(&api.admin), None).await;
        let (status, registration) = api.call("POST", &join, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::CREATED, "{registration}");
        assert_eq!((&registration["as"], &registration["stay_id"]), (&json!("visitor"), &json!(stay)));
        let (status, again) = api.call("POST", &join, Some(&api.member), None).await;
        assert_eq!((status, &again["id"]), (StatusCode::OK, &registration["id"]));
        let (_, mine) = api.call("GET", "/api/v1/me/registrations", Some(&api.member), None).await;
        assert_eq!(mine["items"][0]["event"]["seats_left"], 0);

        // The one seat is taken: a host member who may come finds it full.
        let (status, problem) = api.call("POST", &join, Some(&api.admin), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("event_full")));
        let (status, coming) = api.call("GET", &join, Some(&api.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(coming["items"][0]["email"], "anna@hubclub.example");
        let (status, _) = api.call("GET", &join, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The calendar file names the moment in UTC and the event's UID.
        let (status, content_type, ics) =
            get_raw(&api.app, &format!("/api/v1/events/{id}/calendar.ics"), &api.member).await;
        assert_eq!((status, content_type.as_str()), (StatusCode::OK, "text/calendar; charset=utf-8; method=PUBLISH"));
        assert!(ics.contains(&format!("UID:event-{id}@deskvisa\r\n")), "{ics}");
        assert!(ics.contains("DTSTART:20260310T160000Z\r\nDTEND:20260310T180000Z\r\n"), "{ics}");

        // Changing and cancelling: seats not below those registered.
        let (status, problem) =
            api.call("PATCH", &format!("/api/v1/events/{id}"), Some(&api.admin), Some(json!({"capacity": 0}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        let (status, changed) = api
            .call(
                "PATCH",
                &format!("/api/v1/events/{id}"),
                Some(&api.admin),
                Some(json!({"capacity": 3, "title": "Fintech evening"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!((&changed["title"], &changed["seats_left"]), (&json!("Fintech evening"), &json!(2)));

        // Withdrawing frees the seat; withdrawing twice finds nothing.
        let me = format!("/api/v1/events/{id}/registrations/me");
        let (status, _) = api.call("DELETE", &me, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = api.call("DELETE", &me, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, cancelled) = api
            .call("DELETE", &format!("/api/v1/events/{id}"), Some(&api.admin), Some(json!({"reason": "Speaker ill"})))
            .await;
        assert_eq!(status, StatusCode::OK, "{cancelled}");
        assert_eq!((&cancelled["cancelled"], &cancelled["cancel_reason"]), (&json!(true), &json!("Speaker ill")));
        let (status, problem) = api.call("POST", &join, Some(&api.member), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("event_cancelled")));
        let (status, _) = api.call("GET", "/api/v1/events/not-a-uuid/calendar.ics", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// A cluster's admin runs its members, not the network's admins and not
/// themselves; its last admin who is not revoked stays; a revoked member is
/// restored by the same admins.
#[tokio::test]
async fn a_cluster_admin_cannot_lock_out_the_network_or_themselves() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        // HubClub's admin, and the network admin is a member of HubClub.
        let (status, ewa) = api
            .call(
                "POST",
                &format!("/api/v1/clusters/{}/admins", api.home),
                Some(&api.network),
                Some(json!({"email": "ewa@hubclub.example", "name": "Ewa"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let ewa_token = api.service.create_token(&Email::parse("ewa@hubclub.example").unwrap(), "t").await.unwrap();
        let network_id = api.service.authenticate(&api.network).await.unwrap().member.as_uuid();
        let ewa_id = ewa["id"].as_str().unwrap();
        let member = |id: &str| format!("/api/v1/clusters/{}/members/{id}", api.home);

        // Not the network's admin: neither revoked nor changed.
        let (status, _) = api.call("DELETE", &member(&network_id.to_string()), Some(&ewa_token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api
            .call(
                "PATCH",
                &member(&network_id.to_string()),
                Some(&ewa_token),
                Some(json!({"vouched_until": "2026-03-03"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = api.call("GET", "/api/v1/me", Some(&api.network), None).await;
        assert_eq!(status, StatusCode::OK, "the network admin still signs in");
        // Not themselves.
        let (status, _) = api.call("DELETE", &member(ewa_id), Some(&ewa_token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) =
            api.call("PATCH", &member(ewa_id), Some(&ewa_token), Some(json!({"vouched_until": null}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The network admin may not revoke the last admin either.
        let (status, problem) = api.call("DELETE", &member(ewa_id), Some(&api.network), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("last_admin")));

        // A plain member: revoked, then restored by the same admin.
        let anna = api.service.authenticate(&api.member).await.unwrap().member.as_uuid().to_string();
        let (status, revoked) = api.call("DELETE", &member(&anna), Some(&ewa_token), None).await;
        assert_eq!((status, revoked["status"].as_str()), (StatusCode::OK, Some("revoked")));
        let (status, _) = api.call("GET", "/api/v1/me", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked member's token stops at once");
        let restore = format!("{}/restore", member(&anna));
        let (status, _) = api.call("POST", &restore, Some(&api.stranger_admin), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another cluster's admin");
        let (status, restored) = api.call("POST", &restore, Some(&ewa_token), None).await;
        assert_eq!(
            (status, restored["status"].as_str()),
            (StatusCode::OK, Some("invited")),
            "never signed in: invited"
        );
        let (status, _) = api.call("GET", "/api/v1/me", Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "the token works again");
        let (status, again) = api.call("POST", &restore, Some(&ewa_token), None).await;
        assert_eq!(
            (status, again["status"].as_str()),
            (StatusCode::OK, Some("invited")),
            "restoring twice changes nothing"
        );
    })
    .await;
}

/// Far-off dates are refused with a clear code: an event past the events'
/// horizon (two years; one on 9999-12-31 once came out as the instant
/// `+10000-01-01T07:00:00Z`, which no calendar can read), a closure, the
/// date a cluster joined or the last date a member is vouched for in year
/// 9999 or 0001.
#[tokio::test]
async fn far_off_dates_are_refused_with_a_clear_code() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let events = format!("/api/v1/sites/{}/events", api.site);
        let event = |day: &str| json!({"title": "Far", "starts_at": format!("{day}T17:00"), "ends_at": format!("{day}T19:00"), "capacity": 5});
        let (status, problem) = api.call("POST", &events, Some(&api.admin), Some(event("9999-12-31"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("event_too_far")), "{problem}");
        let (status, problem) = api.call("POST", &events, Some(&api.admin), Some(event("2028-03-03"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("event_too_far")));
        let (status, near) = api.call("POST", &events, Some(&api.admin), Some(event("2027-03-02"))).await;
        assert_eq!(status, StatusCode::CREATED, "{near}");
        assert!(near["starts_at"].as_str().unwrap().starts_with("2027-03-02"));

        let closures = format!("/api/v1/sites/{}/closures", api.site);
        for day in ["9999-12-31", "0001-01-01"] {
            let (status, problem) = api.call("POST", &closures, Some(&api.admin), Some(json!({"date": day, "reason": "x"}))).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("date_out_of_range")), "{day}: {problem}");
        }
        let new_cluster = json!({"name": "Old", "city": "Rome", "country": "IT", "timezone": "Europe/Rome", "latitude": 41.9, "longitude": 12.5, "joined_on": "0001-01-01"});
        let (status, problem) = api.call("POST", "/api/v1/clusters", Some(&api.network), Some(new_cluster)).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("date_out_of_range")));
        let anna = api.service.authenticate(&api.member).await.unwrap().member.as_uuid();
        let member = format!("/api/v1/clusters/{}/members/{anna}", api.home);
        let (status, problem) = api.call("PATCH", &member, Some(&api.network), Some(json!({"vouched_until": "9999-12-31"}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("date_out_of_range")));
        let (status, _) = api.call("PATCH", &member, Some(&api.network), Some(json!({"vouched_until": "2027-12-31"}))).await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

/// Refusals that axum makes before any handler runs come in deskvisa's
/// shape too: problem+json with a stable code (405 keeps its `Allow`), and
/// an error page for a browser.
#[tokio::test]
async fn every_error_is_problem_json_or_a_page_even_before_a_handler() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        // `call` itself checks every error is problem+json with its status and a code.
        let (status, problem) = api.call("PUT", "/api/v1/me", Some(&api.member), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));
        let (status, problem) = api.call("GET", "/api/v1/stays/%ff", Some(&api.member), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        let (status, problem) = api.call("OPTIONS", "/api/v1/clusters", Some(&api.member), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));
        let (status, _) = api.call("FROB", "/api/v1/clusters", None, None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

        let request = |method: &str, path: &str, accept: &str| {
            Request::builder().method(method).uri(path).header("accept", accept).body(Body::empty()).unwrap()
        };
        let answer = api.app.clone().oneshot(request("PUT", "/api/v1/me", "application/json")).await.unwrap();
        let allow = answer.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allow.contains("GET") && allow.contains("PATCH"), "{allow}");
        // A browser gets a page, in its language.
        let page = api.app.clone().oneshot(request("GET", "/stays/%ff", "text/html")).await.unwrap();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST);
        assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = api.app.clone().oneshot(request("DELETE", "/sign-in", "text/html")).await.unwrap();
        assert_eq!(page.status(), StatusCode::METHOD_NOT_ALLOWED);
        let body = String::from_utf8(page.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(body.contains("cannot be read"), "{body}");
    })
    .await;
}

/// A typo or a key given twice changes nothing silently: the body is
/// refused, naming the field.
#[tokio::test]
async fn unknown_fields_and_keys_given_twice_are_refused_by_name() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let anna = api.service.authenticate(&api.member).await.unwrap().member.as_uuid();
        let member = format!("/api/v1/clusters/{}/members/{anna}", api.home);
        let (status, problem) =
            api.call("PATCH", &member, Some(&api.network), Some(json!({"vouched_untill": "2027-01-01"}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        assert!(problem["detail"].as_str().unwrap().contains("vouched_untill"), "{problem}");
        let (status, problem) = api.call("PATCH", "/api/v1/me", Some(&api.member), Some(json!({"nmae": "Anna"}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(problem["detail"].as_str().unwrap().contains("nmae"), "{problem}");
        let mut stay = api.stay_body("2026-03-09", "2026-03-10");
        stay["purpose_of_visit"] = json!("typo");
        let (status, problem) = api.call("POST", "/api/v1/stays", Some(&api.member), Some(stay)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(problem["detail"].as_str().unwrap().contains("purpose_of_visit"), "{problem}");
        let twice = r#"{"name": "Anna", "name": "Mallory"}"#.to_owned();
        let (status, problem) = call(&api.app, "PATCH", "/api/v1/me", Some(&api.member), Some(twice)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(problem["detail"].as_str().unwrap().contains("`name` is given twice"), "{problem}");
        let (_, me) = api.call("GET", "/api/v1/me", Some(&api.member), None).await;
        assert_eq!(me["name"], "P", "nothing changed");
        assert_eq!(api.test_db.scalar("SELECT COUNT(*) FROM stays").await, 0);
    })
    .await;
}

/// Text that would read as something else, a country that is none, and a
/// second cluster of the same name are refused with clear codes.
#[tokio::test]
async fn free_text_that_lies_is_refused() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let cluster = |name: &str, country: &str| json!({"name": name, "city": "Oslo", "country": country, "timezone": "Europe/Oslo", "latitude": 59.9, "longitude": 10.7});
        let (status, problem) = api.call("POST", "/api/v1/clusters", Some(&api.network), Some(cluster("Oslo Tech", "ZZ"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        assert!(problem["detail"].as_str().unwrap().starts_with("country:"), "{problem}");
        for spoof in ["Oslo \u{202E}hceT", "\u{FEFF}Oslo Tech", "Oslo \u{2066}Tech\u{2069}"] {
            let (status, problem) = api.call("POST", "/api/v1/clusters", Some(&api.network), Some(cluster(spoof, "NO"))).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{spoof:?}");
            assert_eq!(problem["detail"], "name: no direction controls or byte-order marks");
        }
        let (status, problem) = api.call("PATCH", "/api/v1/me", Some(&api.member), Some(json!({"name": "Anna\u{202E}nimdA"}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        let (status, _) = api.call("POST", "/api/v1/clusters", Some(&api.network), Some(cluster("Oslo Tech", "NO"))).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, problem) = api.call("POST", "/api/v1/clusters", Some(&api.network), Some(cluster("OSLO TECH", "NO"))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("cluster_name_taken")));
        let renamed = format!("/api/v1/clusters/{}", api.host);
        let (status, problem) = api.call("PATCH", &renamed, Some(&api.network), Some(json!({"name": "oslo tech"}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("cluster_name_taken")));
    })
    .await;
}

/// Personal answers are kept by no cache: JSON, a calendar file, the
/// ledger's CSV.
#[tokio::test]
async fn personal_answers_are_not_cached() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (status, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-09", "2026-03-10"))).await;
        assert_eq!(status, StatusCode::CREATED);
        let stay_id = stay["id"].as_str().unwrap();
        for (path, accept, token) in [
            ("/api/v1/me".to_owned(), "application/json", &api.member),
            (format!("/api/v1/stays/{stay_id}"), "application/json", &api.member),
            (format!("/api/v1/stays/{stay_id}/calendar.ics"), "text/calendar", &api.member),
            ("/api/v1/reports/reciprocity?from=2026-01-01&to=2026-03-31".to_owned(), "text/csv", &api.network),
            ("/api/v1/no-such-route".to_owned(), "application/json", &api.member),
        ] {
            let request = Request::get(&path)
                .header("authorization", format!("Bearer {token}"))
                .header("accept", accept)
                .body(Body::empty())
                .unwrap();
            let answer = api.app.clone().oneshot(request).await.unwrap();
            assert_eq!(answer.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
        }
    })
    .await;
}

/// Invitations are no spam relay: an admin sends so many an hour (past
/// it, 429 and nobody added), and one address gets so many welcomes a day
/// (past it, the member is added but not mailed, and nothing says so).
#[tokio::test]
async fn invitations_are_limited_per_admin_and_per_address() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let limits = RateLimits {
            invitations_per_admin_per_hour: 2,
            invitations_per_address_per_day: 1,
            ..RateLimits::default()
        };
        let app = router(api.service.clone().with_rate_limits(limits), Limits::default());
        let members = format!("/api/v1/clusters/{}/members", api.host);
        let invite = |email: &str| json!({"email": email, "name": "Someone"});
        for email in ["one@cph.example", "two@cph.example"] {
            let (status, _) = call(&app, "POST", &members, Some(&api.admin), Some(invite(email).to_string())).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (status, problem) =
            call(&app, "POST", &members, Some(&api.admin), Some(invite("three@cph.example").to_string())).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")));
        assert!(
            api.service.member_by_email(&Email::parse("three@cph.example").unwrap()).await.is_err(),
            "nobody added"
        );

        // One address, invited again the same day after its erasure.
        let welcomes = || api.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'member_invited'");
        let before = welcomes().await;
        let (status, _) =
            call(&app, "POST", &members, Some(&api.network), Some(invite("again@cph.example").to_string())).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(welcomes().await, before + 1);
        api.service.erase_member(&Email::parse("again@cph.example").unwrap()).await.unwrap();
        let (status, _) =
            call(&app, "POST", &members, Some(&api.network), Some(invite("again@cph.example").to_string())).await;
        assert_eq!(status, StatusCode::CREATED, "the same answer");
        assert_eq!(welcomes().await, before + 1, "not mailed a second time today");
    })
    .await;
}

/// Ground (b) of `home_not_reciprocating`: HubClub declines three visitors
/// inside the guarantee; its own member is refused with the reason, the
/// ledger names the ground (JSON and CSV), and one approval ends it.
#[tokio::test]
async fn a_cluster_that_declines_every_visitor_stops_sending_and_the_ledger_says_why() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let map = api.service.map().await.unwrap();
        let (hubclub, hub_sites) = map.clusters.iter().find(|(c, _)| c.name == "HubClub").unwrap();
        let (copenhagen, _) = map.clusters.iter().find(|(c, _)| c.name == "Copenhagen Digital").unwrap();
        let hub_admin = person(&api.service, hubclub.id, "boss@hubclub.example", true).await;
        let hub_site = hub_sites[0].id.to_string();
        let mut asked = Vec::new();
        for (n, start) in ["2026-03-04", "2026-03-11", "2026-03-18", "2026-03-25"].into_iter().enumerate() {
            let visitor = person(&api.service, copenhagen.id, &format!("visitor{n}@cph.example"), false).await;
            let body = json!({"site_id": hub_site, "start_date": start, "end_date": start, "purpose": "Partners"});
            let (status, stay) = api.call("POST", "/api/v1/stays", Some(&visitor), Some(body)).await;
            assert_eq!(status, StatusCode::CREATED, "{stay}");
            assert_eq!(stay["within_guarantee"], true, "{stay}");
            asked.push(stay["id"].as_str().unwrap().to_owned());
        }
        for id in &asked[..3] {
            let (status, _) = api
                .call("POST", &format!("/api/v1/stays/{id}/decline"), Some(&hub_admin), Some(json!({"reason": "Full"})))
                .await;
            assert_eq!(status, StatusCode::OK);
        }

        let (status, problem) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-09", "2026-03-10"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let violation = &problem["violations"][0];
        assert_eq!(violation["code"], "home_not_reciprocating");
        assert!(
            violation["message"]
                .as_str()
                .unwrap()
                .contains("declined or let expire all 3 requests within the guarantee"),
            "{violation}"
        );
        assert_eq!(violation["none_approved"]["refused"], 3, "{violation}");

        let path = "/api/v1/reports/reciprocity?from=2026-03-01&to=2026-03-31";
        let (_, ledger) = api.call("GET", path, Some(&api.network), None).await;
        let hub = ledger["clusters"].as_array().unwrap().iter().find(|c| c["name"] == "HubClub").unwrap();
        assert_eq!(hub["standing"], "not_reciprocating", "{hub}");
        assert_eq!(hub["grounds"], json!(["none_approved"]), "{hub}");
        assert_eq!(hub["refused_requests"], 3, "{hub}");
        assert_eq!(hub["none_approved_since"], "2026-03-02T09:00:00Z", "{hub}");
        assert_eq!(hub["nothing_offered_since"], Value::Null, "HubClub offers desks: {hub}");
        let (_, _, csv) = get_csv(&api.app, path, &api.network).await;
        let row = csv.lines().find(|l| l.contains(",HubClub,")).unwrap();
        assert!(row.ends_with(",none_approved,,2026-03-02T09:00:00Z,0,0,0,0"), "{row}");

        // One approval, and HubClub's members may travel again.
        let (status, _) =
            api.call("POST", &format!("/api/v1/stays/{}/approve", asked[3]), Some(&hub_admin), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, problem) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-09", "2026-03-10"))).await;
        assert_eq!(status, StatusCode::CREATED, "{problem}");
        let (_, ledger) = api.call("GET", path, Some(&api.network), None).await;
        let hub = ledger["clusters"].as_array().unwrap().iter().find(|c| c["name"] == "HubClub").unwrap();
        assert_eq!((&hub["standing"], &hub["grounds"]), (&json!("reciprocating"), &json!([])));
    })
    .await;
}

// The races, each as a test on SQLite and one on PostgreSQL.
races! {
    fifty_requests_for_the_last_desk_through_http_on_sqlite => last_desk_over_http(Backend::Sqlite, 50),
    two_hundred_requests_for_the_last_desk_over_two_instances_through_http_on_postgres => last_desk_over_http(Backend::Postgres, 200),
    twenty_concurrent_requests_with_one_key_make_one_stay_on_sqlite => concurrent_key(Backend::Sqlite),
    twenty_concurrent_requests_with_one_key_make_one_stay_on_postgres => concurrent_key(Backend::Postgres),
}

/// A server error names the request's id, for a person to quote: in the
/// problem for programs, as a reference on the page for people, the same
/// id the answer's `x-request-id` carries. An id the client chose is not
/// taken (only a trusted proxy's is; none here).
#[tokio::test]
async fn a_server_error_names_the_request_id_to_quote() {
    use sea_orm::ConnectionTrait;
    let api = Api::new(TestDatabase::new(Backend::Sqlite).await.unwrap(), 2).await;
    let cookie = crate::support::session(&api.app, &api.service, "anna@hubclub.example").await;
    // Something breaks underneath: the stays are not where deskvisa looks.
    api.test_db.db.execute_unprepared("ALTER TABLE stays RENAME TO stays_elsewhere").await.unwrap();

    let request = Request::get("/api/v1/stays")
        .header("authorization", format!("Bearer {}", api.member))
        .header("x-request-id", "chosen-by-the-client")
        .body(Body::empty())
        .unwrap();
    let answer = crate::support::send(&api.app, request).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", answer.body);
    let id = answer.headers["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let problem: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!((problem["code"].as_str(), problem["request_id"].as_str()), (Some("internal"), Some(id.as_str())));
    assert!(!answer.body.contains("stays_elsewhere") && !answer.body.contains("SQL"), "{}", answer.body);

    // The page asks nothing of a database that may be failing: its language
    // is the browser's.
    let mut request = crate::support::get("/stays", &cookie);
    request.headers_mut().insert("accept-language", "pl".parse().unwrap());
    let page = crate::support::send(&api.app, request).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", page.body);
    let id = page.headers["x-request-id"].to_str().unwrap();
    assert!(page.body.contains(&format!("<code id=\"reference\">{id}</code>")), "{}", page.body);
    assert!(
        page.body.contains("podaj ten numer"),
        "the reference is asked for in the viewer's language: {}",
        page.body
    );

    // A client error names none: there is nothing to look up.
    let (status, problem) = api.call("GET", "/api/v1/stays/not-an-id", Some(&api.member), None).await;
    assert!(status.is_client_error());
    assert!(problem.get("request_id").is_none(), "{problem}");
}

/// Every page of a list, following `next_cursor` from `first` to the end.
async fn every_page(api: &Api, first: &str, token: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut path = first.to_owned();
    loop {
        let (status, page) = api.call("GET", &path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        pages.push(page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect());
        assert!(pages.len() < 100, "the cursors go round in a circle: {path}");
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("{first}&cursor={cursor}"),
            None => return pages,
        }
    }
}

/// The cluster's members, the host's inbox and a site's events hold more
/// rows than a page: each comes in pages of `limit`, the cursor of one page
/// leads to the next, the last has none, and nothing is listed twice or
/// left out; a limit out of range or a made-up cursor is 400.
#[tokio::test]
async fn members_the_inbox_and_events_come_a_page_at_a_time() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 4).await;
        let mut tokens = Vec::new();
        for n in 0..4 {
            tokens.push(api.home_member(&format!("paged{n}@hubclub.example"), false).await);
        }
        let members = format!("/api/v1/clusters/{}/members?limit=2", api.home);
        let pages = every_page(&api, &members, &api.network).await;
        let (status, all) = api.call("GET", &format!("/api/v1/clusters/{}/members?limit=200", api.home), Some(&api.network), None).await;
        assert_eq!(status, StatusCode::OK);
        let all: Vec<String> = all["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
        assert!(all.len() >= 6, "{all:?}");
        assert!(pages.iter().all(|p| p.len() <= 2) && pages.len() == all.len().div_ceil(2), "{pages:?}");
        assert_eq!(pages.concat(), all, "the pages, in order, are the whole list once");

        // Four stays from the same day, asked for at the same instant (the
        // clock stands still): the order's last tie-breaker, the id, decides.
        let same_day = [&api.member, &tokens[0], &tokens[1], &tokens[2]];
        for who in same_day {
            let (status, stay) =
                api.call("POST", "/api/v1/stays", Some(who), Some(api.stay_body("2026-03-04", "2026-03-05"))).await;
            assert_eq!(status, StatusCode::CREATED, "{stay}");
        }
        let body = api.stay_body("2026-03-11", "2026-03-12");
        assert_eq!(api.call("POST", "/api/v1/stays", Some(&api.member), Some(body)).await.0, StatusCode::CREATED);
        let inbox = format!("/api/v1/sites/{}/stays?limit=2", api.site);
        let pages = every_page(&api, &inbox, &api.admin).await;
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 2, 1], "{pages:?}");
        let whole = every_page(&api, &format!("/api/v1/sites/{}/stays?limit=200", api.site), &api.admin).await;
        assert_eq!(pages.concat(), whole.concat(), "the pages, in order, are the whole inbox once");

        // Three events at the same instant and one later.
        let events = format!("/api/v1/sites/{}/events", api.site);
        for day in ["2026-03-10", "2026-03-10", "2026-03-10", "2026-03-12"] {
            let body = json!({"title": "Business breakfast", "starts_at": format!("{day}T08:00"), "ends_at": format!("{day}T09:30"), "capacity": 5});
            let (status, event) = api.call("POST", &events, Some(&api.admin), Some(body)).await;
            assert_eq!(status, StatusCode::CREATED, "{event}");
        }
        let window = format!("{events}?from=2026-03-01&to=2026-03-31");
        let pages = every_page(&api, &format!("{window}&limit=2"), &api.member).await;
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 2], "{pages:?}");
        let whole = every_page(&api, &format!("{window}&limit=200"), &api.member).await;
        assert_eq!(pages.concat(), whole.concat(), "the pages, in order, are the whole list once");

        let bad = [
            (format!("{inbox}&cursor=not-one-of-ours"), &api.admin),
            (format!("/api/v1/sites/{}/stays?limit=0", api.site), &api.admin),
            (format!("/api/v1/clusters/{}/members?limit=201", api.home), &api.network),
            // Ids of something else: well formed, but no item of the list.
            (format!("{inbox}&cursor={}", api.site), &api.admin),
            (format!("{members}&cursor={}", api.site), &api.network),
            (format!("{window}&cursor={}", api.site), &api.member),
        ];
        for (bad, who) in bad {
            let (status, problem) = api.call("GET", &bad, Some(who), None).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")), "{bad}: {problem}");
        }
    })
    .await;
}

/// The fields firms offer and seek, as a client builds a tag picker from
/// them: every tag once, each named in English and Polish.
#[tokio::test]
async fn the_vocabulary_of_fields_names_each_in_both_languages() {
    let api = Api::new(TestDatabase::new(Backend::Sqlite).await.unwrap(), 2).await;
    let (status, list) = api.call("GET", "/api/v1/firms/tags", Some(&api.member), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), deskvisa_rules::FieldTag::ALL.len());
    let tags: std::collections::BTreeSet<&str> = items.iter().map(|i| i["tag"].as_str().unwrap()).collect();
    assert_eq!(tags.len(), items.len(), "each tag once");
    let security = items.iter().find(|i| i["tag"] == "cybersecurity").unwrap();
    assert_eq!(security["names"], json!({"en": "Cybersecurity", "pl": "Cyberbezpieczeństwo"}));
    assert_eq!(list["max_free_tags"], 5);
}
