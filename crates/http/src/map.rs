//! The map routes of API.md: the caller, clusters with their sites, host
//! policies, a site and its free desks.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use deskvisa_rules::{ClusterId, DateRange, PolicyDraft, SiteId, parse_date};
use deskvisa_service::Service;
use serde::Deserialize;
use serde_json::json;

use crate::dto;
use crate::extract::{ApiJson, Authenticated, id};
use crate::problem::Problem;

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/clusters", get(clusters))
        .route("/api/v1/clusters/{id}", get(cluster))
        .route("/api/v1/clusters/{id}/policy", get(policy).put(save_policy))
        .route("/api/v1/sites/{id}", get(site))
        .route("/api/v1/sites/{id}/availability", get(availability))
}

async fn me(State(service): State<Service>, Authenticated(caller): Authenticated) -> Result<Response, Problem> {
    let member = service.member(caller.member).await?;
    let (cluster, sites) = service.cluster_with_sites(caller.cluster).await?;
    let mut body = dto::member(&member, Some(&caller));
    if let serde_json::Value::Object(map) = &mut body {
        map.insert("cluster".into(), dto::cluster(&cluster, &sites));
    }
    Ok(axum::Json(body).into_response())
}

async fn clusters(State(service): State<Service>, Authenticated(_): Authenticated) -> Result<Response, Problem> {
    let map = service.map().await?;
    let items: Vec<_> = map.iter().map(|(c, sites)| dto::cluster(c, sites)).collect();
    Ok(axum::Json(json!({"items": items, "next_cursor": null})).into_response())
}

async fn cluster(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(cluster): Path<String>,
) -> Result<Response, Problem> {
    let (c, sites) = service.cluster_with_sites(id(&cluster, ClusterId::parse)?).await?;
    Ok(axum::Json(dto::cluster(&c, &sites)).into_response())
}

async fn policy(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(cluster): Path<String>,
) -> Result<Response, Problem> {
    let policy = service.policy(id(&cluster, ClusterId::parse)?).await?;
    Ok(axum::Json(dto::policy(&policy)).into_response())
}

async fn save_policy(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(draft): ApiJson<PolicyDraft>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    // An unknown cluster is 404 before it is 403.
    service.policy(cluster).await?;
    let policy = service.save_policy(&caller, cluster, draft).await?;
    Ok(axum::Json(dto::policy(&policy)).into_response())
}

async fn site(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
) -> Result<Response, Problem> {
    let site = service.site(id(&site, SiteId::parse)?).await?;
    Ok(axum::Json(dto::site(&site)).into_response())
}

#[derive(Deserialize)]
struct Window {
    from: String,
    to: String,
}

async fn availability(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
    Query(window): Query<Window>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let from = parse_date(&window.from).map_err(|e| Problem::malformed(format!("from: {e}")))?;
    let to = parse_date(&window.to).map_err(|e| Problem::malformed(format!("to: {e}")))?;
    let range = DateRange::new(from, to).ok_or_else(|| Problem::malformed("to is before from"))?;
    let days = service.availability(site, range).await?;
    Ok(axum::Json(json!({"site_id": site, "days": days.iter().map(dto::day).collect::<Vec<_>>()})).into_response())
}
