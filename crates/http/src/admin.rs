//! The admin routes of API.md's "The map": clusters, the network policy, a
//! cluster's admins, members and sites, a site's closures and its inbox, and
//! a member's own name and language.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use chrono::NaiveDate;
use deskvisa_rules::{
    ClusterId, ClusterStatus, Email, Locale, MemberId, SiteId, StayStatus, TimeZone, WeekdaySet, parse_date,
};
use deskvisa_service::{ClusterPatch, NewCluster, NewMember, NewSite, Service, SitePatch};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::dto;
use crate::extract::{ApiJson, Authenticated, id};
use crate::problem::Problem;

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/api/v1/me", patch(update_me))
        .route("/api/v1/clusters", post(create_cluster))
        .route("/api/v1/clusters/{id}", patch(update_cluster))
        .route("/api/v1/network/policy", get(network_policy).put(save_network_policy))
        .route("/api/v1/clusters/{id}/admins", post(add_admin))
        .route("/api/v1/clusters/{id}/admins/{member_id}", delete(remove_admin))
        .route("/api/v1/clusters/{id}/members", post(invite_member).get(members))
        .route("/api/v1/clusters/{id}/members/{member_id}", patch(update_member).delete(revoke_member))
        .route("/api/v1/clusters/{id}/sites", post(create_site))
        .route("/api/v1/sites/{id}", patch(update_site))
        .route("/api/v1/sites/{id}/closures", get(closures).post(close_day))
        .route("/api/v1/sites/{id}/closures/{date}", delete(reopen_day))
        .route("/api/v1/sites/{id}/stays", get(site_stays))
}

fn bad(field: &str, e: impl std::fmt::Display) -> Problem {
    Problem::malformed(format!("{field}: {e}"))
}

/// A required or optional line of text: trimmed, 1 to `max` characters, no control characters.
fn text(field: &str, value: &str, max: usize) -> Result<String, Problem> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(bad(field, format!("1 to {max} characters, no control characters")));
    }
    Ok(value.to_owned())
}

fn country(value: &str) -> Result<String, Problem> {
    if value.len() == 2 && value.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(value.to_owned())
    } else {
        Err(bad("country", "an ISO 3166-1 alpha-2 code, such as PL"))
    }
}

fn coordinate(field: &str, value: f64, limit: f64) -> Result<f64, Problem> {
    if value.is_finite() && value.abs() <= limit {
        Ok(value)
    } else {
        Err(bad(field, format!("between -{limit} and {limit}")))
    }
}

fn zone(value: &str) -> Result<TimeZone, Problem> {
    TimeZone::parse(value).map_err(|e| bad("timezone", e))
}

fn email(field: &str, value: &str) -> Result<Email, Problem> {
    Email::parse(value).map_err(|e| bad(field, e))
}

fn date(field: &str, value: &str) -> Result<NaiveDate, Problem> {
    parse_date(value).map_err(|e| bad(field, e))
}

#[derive(Deserialize)]
struct MePatch {
    name: Option<String>,
    locale: Option<String>,
}

async fn update_me(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<MePatch>,
) -> Result<Response, Problem> {
    let name = body.name.as_deref().map(|n| text("name", n, 200)).transpose()?;
    let locale = body.locale.as_deref().map(|l| Locale::parse(l).map_err(|e| bad("locale", e))).transpose()?;
    let member = service.update_me(&caller, name, locale).await?;
    Ok(axum::Json(dto::member(&member, Some(&caller))).into_response())
}

#[derive(Deserialize)]
struct ClusterBody {
    name: String,
    city: String,
    country: String,
    timezone: String,
    latitude: f64,
    longitude: f64,
    joined_on: Option<String>,
}

async fn create_cluster(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<ClusterBody>,
) -> Result<Response, Problem> {
    let new = NewCluster {
        name: text("name", &body.name, 200)?,
        city: text("city", &body.city, 200)?,
        country: country(&body.country)?,
        timezone: zone(&body.timezone)?,
        latitude: coordinate("latitude", body.latitude, 90.0)?,
        longitude: coordinate("longitude", body.longitude, 180.0)?,
        joined_on: match body.joined_on.as_deref() {
            Some(d) => date("joined_on", d)?,
            None => service.now().date_naive(),
        },
    };
    let cluster = service.create_cluster(&caller, new).await?;
    Ok((StatusCode::CREATED, axum::Json(dto::cluster(&cluster, &[]))).into_response())
}

#[derive(Deserialize)]
struct ClusterPatchBody {
    name: Option<String>,
    city: Option<String>,
    country: Option<String>,
    timezone: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    status: Option<ClusterStatus>,
}

async fn update_cluster(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<ClusterPatchBody>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let patch = ClusterPatch {
        name: body.name.as_deref().map(|v| text("name", v, 200)).transpose()?,
        city: body.city.as_deref().map(|v| text("city", v, 200)).transpose()?,
        country: body.country.as_deref().map(country).transpose()?,
        timezone: body.timezone.as_deref().map(zone).transpose()?,
        latitude: body.latitude.map(|v| coordinate("latitude", v, 90.0)).transpose()?,
        longitude: body.longitude.map(|v| coordinate("longitude", v, 180.0)).transpose()?,
        status: body.status,
    };
    let updated = service.update_cluster(&caller, cluster, patch).await?;
    let (_, sites) = service.cluster_with_sites(updated.id).await?;
    Ok(axum::Json(dto::cluster(&updated, &sites)).into_response())
}

async fn network_policy(State(service): State<Service>, Authenticated(_): Authenticated) -> Result<Response, Problem> {
    let p = service.network_policy().await?;
    Ok(axum::Json(json!(p)).into_response())
}

#[derive(Deserialize)]
struct NetworkPolicyBody {
    guaranteed_days: u32,
    reciprocity_grace_days: u32,
}

async fn save_network_policy(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<NetworkPolicyBody>,
) -> Result<Response, Problem> {
    let p = service.save_network_policy(&caller, body.guaranteed_days, body.reciprocity_grace_days).await?;
    Ok(axum::Json(json!(p)).into_response())
}

#[derive(Deserialize)]
struct AdminBody {
    email: String,
    name: String,
}

async fn add_admin(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<AdminBody>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let member = service
        .add_cluster_admin(&caller, cluster, email("email", &body.email)?, text("name", &body.name, 200)?)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(dto::member(&member, None))).into_response())
}

async fn remove_admin(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((cluster, member)): Path<(String, String)>,
) -> Result<Response, Problem> {
    service.remove_cluster_admin(&caller, id(&cluster, ClusterId::parse)?, id(&member, MemberId::parse)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct MemberBody {
    email: String,
    name: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    locale: Option<String>,
}

async fn invite_member(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<MemberBody>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let new = NewMember {
        email: email("email", &body.email)?,
        name: text("name", &body.name, 200)?,
        company: if body.company.trim().is_empty() { String::new() } else { text("company", &body.company, 200)? },
        locale: body
            .locale
            .as_deref()
            .map(|l| Locale::parse(l).map_err(|e| bad("locale", e)))
            .transpose()?
            .unwrap_or_default(),
    };
    let member = service.invite_member(&caller, cluster, new).await?;
    Ok((StatusCode::CREATED, axum::Json(dto::member(&member, None))).into_response())
}

async fn members(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
) -> Result<Response, Problem> {
    let list = service.members_of(&caller, id(&cluster, ClusterId::parse)?).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|(m, roles)| {
            let mut body = dto::member(m, None);
            body["roles"] = json!(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>());
            body
        })
        .collect();
    Ok(axum::Json(json!({"items": items, "next_cursor": null})).into_response())
}

async fn update_member(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((cluster, member)): Path<(String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, Problem> {
    let (cluster, member) = (id(&cluster, ClusterId::parse)?, id(&member, MemberId::parse)?);
    let vouched_until = match body.get("vouched_until") {
        None => return Err(Problem::malformed("vouched_until: required (a date, or null for no end)")),
        Some(Value::Null) => None,
        Some(Value::String(d)) => Some(date("vouched_until", d)?),
        Some(_) => return Err(Problem::malformed("vouched_until: a date written as YYYY-MM-DD, or null")),
    };
    let updated = service.set_vouched_until(&caller, cluster, member, vouched_until).await?;
    Ok(axum::Json(dto::member(&updated, None)).into_response())
}

async fn revoke_member(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((cluster, member)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let revoked =
        service.revoke_member(&caller, id(&cluster, ClusterId::parse)?, id(&member, MemberId::parse)?).await?;
    Ok(axum::Json(dto::member(&revoked, None)).into_response())
}

#[derive(Deserialize)]
struct SiteBody {
    name: String,
    address: String,
    timezone: Option<String>,
    desks: u32,
    open_weekdays: Option<WeekdaySet>,
    contact_email: String,
    #[serde(default)]
    house_rules: String,
}

/// The most desks one site may offer (a sanity bound).
const MAX_DESKS: u32 = 10_000;

fn desks(value: u32) -> Result<u32, Problem> {
    if value <= MAX_DESKS { Ok(value) } else { Err(bad("desks", format!("at most {MAX_DESKS}"))) }
}

fn rules_text(value: &str) -> Result<String, Problem> {
    if value.trim().is_empty() { Ok(String::new()) } else { text("house_rules", value, 5000) }
}

async fn create_site(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<SiteBody>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let new = NewSite {
        name: text("name", &body.name, 200)?,
        address: text("address", &body.address, 500)?,
        timezone: body.timezone.as_deref().map(zone).transpose()?,
        desks: desks(body.desks)?,
        open_weekdays: body.open_weekdays.unwrap_or(WeekdaySet::MON_TO_FRI),
        contact_email: email("contact_email", &body.contact_email)?,
        house_rules: rules_text(&body.house_rules)?,
    };
    let site = service.create_site(&caller, cluster, new).await?;
    Ok((StatusCode::CREATED, axum::Json(dto::site(&site))).into_response())
}

#[derive(Deserialize)]
struct SitePatchBody {
    name: Option<String>,
    address: Option<String>,
    timezone: Option<String>,
    desks: Option<u32>,
    open_weekdays: Option<WeekdaySet>,
    contact_email: Option<String>,
    house_rules: Option<String>,
}

async fn update_site(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiJson(body): ApiJson<SitePatchBody>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let patch = SitePatch {
        name: body.name.as_deref().map(|v| text("name", v, 200)).transpose()?,
        address: body.address.as_deref().map(|v| text("address", v, 500)).transpose()?,
        timezone: body.timezone.as_deref().map(zone).transpose()?,
        desks: body.desks.map(desks).transpose()?,
        open_weekdays: body.open_weekdays,
        contact_email: body
            .contact_email
            .as_deref()
            .map(|v| email("contact_email", v).map(|e| e.to_string()))
            .transpose()?,
        house_rules: body.house_rules.as_deref().map(rules_text).transpose()?,
    };
    let updated = service.update_site(&caller, site, patch).await?;
    Ok(axum::Json(dto::site(&updated)).into_response())
}

async fn closures(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let items: Vec<Value> = service
        .closures(site)
        .await?
        .into_iter()
        .map(|(date, reason)| json!({"date": date, "reason": reason}))
        .collect();
    Ok(axum::Json(json!({"site_id": site, "items": items})).into_response())
}

#[derive(Deserialize)]
struct ClosureBody {
    date: String,
    reason: String,
}

async fn close_day(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiJson(body): ApiJson<ClosureBody>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let date = date("date", &body.date)?;
    let reason = text("reason", &body.reason, 500)?;
    service.close_day(&caller, site, date, &reason).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({"date": date, "reason": reason}))).into_response())
}

async fn reopen_day(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((site, day)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    service.reopen_day(&caller, site, date("date", &day)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct InboxQuery {
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

async fn site_stays(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    Query(query): Query<InboxQuery>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let status = query.status.as_deref().map(|s| s.parse::<StayStatus>().map_err(|e| bad("status", e))).transpose()?;
    let from = query.from.as_deref().map(|d| date("from", d)).transpose()?;
    let to = query.to.as_deref().map(|d| date("to", d)).transpose()?;
    let stays = service.site_stays(&caller, site, status, from, to).await?;
    let items: Vec<Value> = stays.iter().map(|s| dto::stay(s, false)).collect();
    Ok(axum::Json(json!({"items": items, "next_cursor": null})).into_response())
}
