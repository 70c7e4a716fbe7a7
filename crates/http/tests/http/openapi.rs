//! The served OpenAPI document: OpenAPI 3.1, every route of API.md's
//! implemented sections with its method, every operation answering problem
//! details on error, and the interactive docs served with no network.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_service::{Service, SystemClock};
use deskvisa_testing::{Backend, TestDatabase};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// Routes anyone may call: signing in.
const ANONYMOUS: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/magic-link"),
    ("get", "/auth/verify"),
    ("post", "/auth/verify"),
    ("post", "/api/v1/auth/token"),
];

/// Routes opened by a secret in the URL, without signing in: anything but
/// a secret that was given is 404, as problem details, or as a page where
/// a person reads the answer (a letter's check, opened from its QR code).
const BY_SECRET: &[(&str, &str, &str)] =
    &[("get", "/feeds/{file}", "application/problem+json"), ("get", "/verify/{code}", "text/html")];

/// API.md's routes of "Sign-in", "The map", "Stays" (with the stay's calendar file), "Reports" and "Operations", and `/api/v1/me`.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/api/v1/me"),
    ("get", "/api/v1/me/registrations"),
    ("get", "/api/v1/sites/{id}/events"),
    ("post", "/api/v1/sites/{id}/events"),
    ("patch", "/api/v1/events/{id}"),
    ("delete", "/api/v1/events/{id}"),
    ("get", "/api/v1/events/{id}/registrations"),
    ("post", "/api/v1/events/{id}/registrations"),
    ("delete", "/api/v1/events/{id}/registrations/me"),
    ("get", "/api/v1/events/{id}/calendar.ics"),
    ("patch", "/api/v1/me"),
    ("get", "/api/v1/clusters"),
    ("post", "/api/v1/clusters"),
    ("get", "/api/v1/clusters/{id}"),
    ("patch", "/api/v1/clusters/{id}"),
    ("get", "/api/v1/network/policy"),
    ("put", "/api/v1/network/policy"),
    ("get", "/api/v1/firms/tags"),
    ("get", "/api/v1/firms"),
    ("get", "/api/v1/firms/{id}"),
    ("patch", "/api/v1/firms/{id}"),
    ("post", "/api/v1/clusters/{id}/firms"),
    ("post", "/api/v1/stays/{id}/introductions"),
    ("post", "/api/v1/introductions/{id}/accept"),
    ("post", "/api/v1/introductions/{id}/decline"),
    ("get", "/api/v1/me/introductions"),
    ("get", "/api/v1/stays/{id}/suggested-firms"),
    ("get", "/api/v1/clusters/{id}/visitors"),
    ("get", "/api/v1/events"),
    ("post", "/api/v1/me/calendar-feed"),
    ("delete", "/api/v1/me/calendar-feed"),
    ("get", "/feeds/{file}"),
    ("post", "/api/v1/stays/{id}/letter"),
    ("get", "/api/v1/stays/{id}/letter.pdf"),
    ("get", "/api/v1/clusters/{id}/letterhead"),
    ("put", "/api/v1/clusters/{id}/letterhead"),
    ("get", "/verify/{code}"),
    ("post", "/api/v1/sites/{id}/event-series"),
    ("get", "/api/v1/event-series/{id}"),
    ("get", "/api/v1/event-series/{id}/calendar.ics"),
    ("post", "/api/v1/events/{id}/cancel-rest"),
    ("get", "/api/v1/sites/{id}/arrival"),
    ("put", "/api/v1/sites/{id}/arrival"),
    ("put", "/api/v1/sites/{id}/photo"),
    ("delete", "/api/v1/sites/{id}/photo"),
    ("get", "/api/v1/sites/{id}/photo.jpg"),
    ("get", "/api/v1/sites/{id}/thumbnail.jpg"),
    ("post", "/api/v1/clusters/{id}/admins"),
    ("delete", "/api/v1/clusters/{id}/admins/{member_id}"),
    ("get", "/api/v1/clusters/{id}/policy"),
    ("put", "/api/v1/clusters/{id}/policy"),
    ("post", "/api/v1/clusters/{id}/members"),
    ("get", "/api/v1/clusters/{id}/members"),
    ("patch", "/api/v1/clusters/{id}/members/{member_id}"),
    ("delete", "/api/v1/clusters/{id}/members/{member_id}"),
    ("post", "/api/v1/clusters/{id}/members/{member_id}/restore"),
    ("post", "/api/v1/clusters/{id}/sites"),
    ("get", "/api/v1/sites/{id}"),
    ("patch", "/api/v1/sites/{id}"),
    ("get", "/api/v1/sites/{id}/closures"),
    ("post", "/api/v1/sites/{id}/closures"),
    ("delete", "/api/v1/sites/{id}/closures/{date}"),
    ("get", "/api/v1/sites/{id}/availability"),
    ("get", "/api/v1/availability/search"),
    ("post", "/api/v1/stays"),
    ("get", "/api/v1/stays"),
    ("get", "/api/v1/sites/{id}/stays"),
    ("get", "/api/v1/stays/{id}"),
    ("patch", "/api/v1/stays/{id}"),
    ("post", "/api/v1/sites/{id}/waitlist"),
    ("get", "/api/v1/me/waitlist"),
    ("get", "/api/v1/waitlist/{id}"),
    ("delete", "/api/v1/waitlist/{id}"),
    ("post", "/api/v1/waitlist/{id}/accept"),
    ("post", "/api/v1/delegations"),
    ("get", "/api/v1/delegations/{id}"),
    ("post", "/api/v1/delegations/{id}/approve"),
    ("post", "/api/v1/delegations/{id}/decline"),
    ("post", "/api/v1/stays/{id}/approve"),
    ("post", "/api/v1/stays/{id}/decline"),
    ("post", "/api/v1/stays/{id}/cancel"),
    ("post", "/api/v1/stays/{id}/check-in"),
    ("post", "/api/v1/stays/{id}/no-show"),
    ("get", "/api/v1/stays/{id}/calendar.ics"),
    ("get", "/api/v1/reports/reciprocity"),
    ("post", "/api/v1/auth/magic-link"),
    ("get", "/auth/verify"),
    ("post", "/auth/verify"),
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

async fn fetch(app: &axum::Router, path: &str) -> (StatusCode, String, String) {
    let response = app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, kind, body)
}

/// What `path` serves, which must be served (200) as `kind`.
async fn served(app: &axum::Router, path: &str, kind: &str) -> String {
    let (status, served_kind, body) = fetch(app, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert!(served_kind.starts_with(kind), "{path}: {served_kind}");
    body
}

/// The served OpenAPI document.
async fn document(app: &axum::Router) -> Value {
    serde_json::from_str(&served(app, "/openapi.json", "application/json").await).unwrap()
}

async fn app() -> (axum::Router, TestDatabase) {
    let t = TestDatabase::new(Backend::Sqlite).await.unwrap();
    (
        deskvisa_http::router(
            Service::with_store(t.store().await, Arc::new(SystemClock)),
            deskvisa_http::Limits::default(),
        ),
        t,
    )
}

#[tokio::test]
async fn the_served_document_is_openapi_3_1_with_every_contract_route() {
    let (app, _db) = app().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");

    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .collect();
    let contract: BTreeSet<(String, String)> =
        CONTRACT.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    let missing: Vec<_> = contract.difference(&documented).collect();
    assert!(missing.is_empty(), "routes of the contract missing from the document: {missing:?}");
    let unknown: Vec<_> = documented.difference(&contract).collect();
    assert!(unknown.is_empty(), "documented routes this test does not know (add them to CONTRACT): {unknown:?}");

    for (method, path) in &documented {
        let operation = &doc["paths"][path][method];
        let responses = operation["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2') || s.starts_with('3')),
            "{method} {path} documents a success"
        );
        let anonymous = ANONYMOUS.iter().any(|(m, p)| m == method && p == path);
        if path.starts_with("/api/") {
            if !anonymous {
                assert!(responses.contains_key("401"), "{method} {path} documents 401");
                assert_eq!(operation["security"][0]["bearer"], serde_json::json!([]), "{method} {path} needs a token");
            }
            for (code, response) in responses.iter().filter(|(s, _)| s.starts_with('4')) {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{method} {path} {code} is problem+json"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let (app, _db) = app().await;
    for (method, path) in CONTRACT {
        let concrete = path
            .replace("{id}", "6f1c1f57-8f7a-4b8e-9c63-0f4a1d2b3c4d")
            .replace("{member_id}", "6f1c1f57-8f7a-4b8e-9c63-0f4a1d2b3c4d")
            .replace("{date}", "2026-03-04");
        let request =
            Request::builder().method(method.to_uppercase().as_str()).uri(&concrete).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        if let Some((_, _, kind)) = BY_SECRET.iter().find(|(m, p, _)| (*m, *p) == (*method, *path)) {
            let refused_so =
                response.headers().get("content-type").is_some_and(|v| v.to_str().unwrap_or("").starts_with(kind));
            assert!(status == StatusCode::NOT_FOUND && refused_so, "{method} {path}: {status}, routed and refused");
        } else if ANONYMOUS.contains(&(method, path)) {
            assert!(
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}: {status}"
            );
        } else if path.starts_with("/api/") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: routed, and guarded");
        } else {
            assert_eq!(status, StatusCode::OK, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn the_interactive_docs_are_served_from_deskvisa_itself() {
    let (app, _db) = app().await;
    let body = served(&app, "/docs/", "text/html").await;
    assert!(body.contains("swagger"), "the page is Swagger UI");
    assert!(!body.contains("https://"), "no asset from elsewhere");
    let script = served(&app, "/docs/swagger-ui-bundle.js", "").await;
    assert!(script.len() > 100_000, "the bundle is served locally");
}

#[tokio::test]
async fn every_operation_has_an_id_of_its_own() {
    let (app, _db) = app().await;
    let doc = document(&app).await;
    let mut seen = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no operationId"));
            assert!(seen.insert(id.to_owned()), "{method} {path}: operationId `{id}` is taken already");
        }
    }
}

/// Every parameter is where it is sent: path parameters are the path
/// template's own and required; the rest are headers or in the query (a client
/// generated from the document builds the right URL).
#[tokio::test]
async fn parameters_are_documented_where_they_are_sent() {
    let (app, _db) = app().await;
    let doc = document(&app).await;
    let mut queries = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let templated = path.contains(&format!("{{{name}}}"));
                let place = parameter["in"].as_str().unwrap();
                if templated {
                    assert_eq!(place, "path", "{method} {path}: `{name}`");
                    assert_eq!(parameter["required"], true, "{method} {path}: `{name}`");
                } else if place != "header" {
                    assert_eq!(place, "query", "{method} {path}: `{name}`");
                    queries += 1;
                }
            }
        }
    }
    assert!(queries >= 18, "{queries} query parameters");
}
