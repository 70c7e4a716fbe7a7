//! The admin routes of API.md's "The map": clusters, the network policy, a
//! cluster's admins, members and sites, a site's closures and its inbox, and
//! a member's own name and language.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use deskvisa_rules::{ClusterId, ClusterStatus, FirmId, MemberId, SiteId, StayId, StayStatus, WeekdaySet};
use deskvisa_service::{ClusterPatch, InboxFilter, Service, SitePatch};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::dto::{
    self, Closure, ClosureList, Cluster, Member, MemberList, NetworkPolicy, ProblemBody, Site, Stay, StayList,
};
use crate::api::paging::{Paging, shown};
use crate::api::responses::{Forbidden, Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, id};
use crate::input::{
    AdminRequest, ClusterRequest, FieldError, MAX_ADDRESS_CHARS, MAX_NAME_CHARS, MAX_RULES_CHARS, MeRequest,
    MemberRequest, SiteRequest, country, date, desks, email, latitude, longitude, optional_text, text, zone,
};
use crate::problem::Problem;
use crate::query::ApiQuery;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(update_me))
        .routes(routes!(create_cluster))
        .routes(routes!(update_cluster))
        .routes(routes!(network_policy, save_network_policy))
        .routes(routes!(add_admin))
        .routes(routes!(remove_admin))
        .routes(routes!(invite_member, members))
        .routes(routes!(update_member, revoke_member))
        .routes(routes!(restore_member))
        .routes(routes!(create_site))
        .routes(routes!(update_site))
        .routes(routes!(closures, close_day))
        .routes(routes!(reopen_day))
        .routes(routes!(site_stays))
}

pub(crate) fn bad(field: &str, e: impl std::fmt::Display) -> Problem {
    Problem::malformed(format!("{field}: {e}"))
}

/// Change one's own name, language, or `open_to_meet` (may the host's
/// firms see me while I visit).
#[utoipa::path(
    patch, path = "/api/v1/me", tag = "members", security(("bearer" = [])),
    request_body = MeRequest,
    responses(
        (status = 200, description = "The caller", body = Member),
        Unauthenticated,
        Malformed,
    )
)]
async fn update_me(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<MeRequest>,
) -> Result<Response, Problem> {
    let open_to_meet = body.open_to_meet;
    let (name, locale) = body.parse()?;
    let member = service.update_me(&caller, name, locale, open_to_meet).await?;
    Ok(Json(Member::new(&member, Member::roles_of(&caller))).into_response())
}

/// A network admin adds a cluster to the map.
#[utoipa::path(
    post, path = "/api/v1/clusters", tag = "map", security(("bearer" = [])),
    request_body = ClusterRequest,
    responses(
        (status = 201, description = "The cluster", body = Cluster),
        Unauthenticated,
        Malformed,
        Forbidden,
        (status = 409, description = "`cluster_name_taken`: a cluster is called so already (ignoring case)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`date_out_of_range`: `joined_on` from 1990 to a year ahead", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn create_cluster(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<ClusterRequest>,
) -> Result<Response, Problem> {
    let new = body.parse(service.now().date_naive())?;
    let cluster = service.create_cluster(&caller, new).await?;
    Ok((StatusCode::CREATED, Json(Cluster::new(&cluster, &[]))).into_response())
}

/// What changes of a cluster: each field given is checked as a new cluster's is.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ClusterPatchBody {
    name: Option<String>,
    city: Option<String>,
    country: Option<String>,
    timezone: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    #[schema(value_type = Option<String>, pattern = "^(active|suspended|left)$")]
    status: Option<ClusterStatus>,
}

/// A network admin changes a cluster, its status included.
#[utoipa::path(
    patch, path = "/api/v1/clusters/{id}", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    request_body = ClusterPatchBody,
    responses(
        (status = 200, description = "The cluster", body = Cluster),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
        (status = 409, description = "`cluster_name_taken`: a cluster is called so already (ignoring case)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_cluster(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<ClusterPatchBody>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let patch = ClusterPatch {
        name: body.name.as_deref().map(|v| text("name", v, MAX_NAME_CHARS)).transpose()?,
        city: body.city.as_deref().map(|v| text("city", v, MAX_NAME_CHARS)).transpose()?,
        country: body.country.as_deref().map(country).transpose()?,
        timezone: body.timezone.as_deref().map(zone).transpose()?,
        latitude: body.latitude.map(latitude).transpose()?,
        longitude: body.longitude.map(longitude).transpose()?,
        status: body.status,
    };
    let updated = service.update_cluster(&caller, cluster, patch).await?;
    let (_, sites) = service.cluster_with_sites(updated.id).await?;
    Ok(Json(Cluster::new(&updated, &sites)).into_response())
}

/// The network policy.
#[utoipa::path(
    get, path = "/api/v1/network/policy", tag = "map", security(("bearer" = [])),
    responses(
        (status = 200, description = "The policy", body = NetworkPolicy),
        Unauthenticated,
    )
)]
async fn network_policy(State(service): State<Service>, Authenticated(_): Authenticated) -> Result<Response, Problem> {
    let p = service.network_policy().await?;
    Ok(Json(NetworkPolicy { guaranteed_days: p.guaranteed_days(), reciprocity_grace_days: p.reciprocity_grace_days() })
        .into_response())
}

/// A network admin changes the network policy.
#[utoipa::path(
    put, path = "/api/v1/network/policy", tag = "map", security(("bearer" = [])),
    request_body = NetworkPolicy,
    responses(
        (status = 200, description = "The policy", body = NetworkPolicy),
        Unauthenticated,
        Malformed,
        Forbidden,
        (status = 422, description = "`policy_below_guarantee`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn save_network_policy(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<NetworkPolicy>,
) -> Result<Response, Problem> {
    let p = service.save_network_policy(&caller, body.guaranteed_days, body.reciprocity_grace_days).await?;
    Ok(Json(NetworkPolicy { guaranteed_days: p.guaranteed_days(), reciprocity_grace_days: p.reciprocity_grace_days() })
        .into_response())
}

/// Make a person one of the cluster's admins, inviting them as its member first if needed.
#[utoipa::path(
    post, path = "/api/v1/clusters/{id}/admins", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    request_body = AdminRequest,
    responses(
        (status = 201, description = "The admin", body = Member),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
        (status = 409, description = "`email_taken`: a member of another cluster", body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: the admin's invitations this hour are used up (with `Retry-After`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn add_admin(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<AdminRequest>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let (email, name) = body.parse()?;
    let member = service.add_cluster_admin(&caller, cluster, email, name).await?;
    Ok((StatusCode::CREATED, Json(Member::new(&member, admin_roles(&member, true)))).into_response())
}

/// Take the admin role away (never from the last admin).
#[utoipa::path(
    delete, path = "/api/v1/clusters/{id}/admins/{member_id}", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id"), ("member_id" = String, Path, description = "The member's id")),
    responses(
        (status = 204, description = "Done"),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`last_admin`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn remove_admin(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((cluster, member)): Path<(String, String)>,
) -> Result<Response, Problem> {
    service.remove_cluster_admin(&caller, id(&cluster, ClusterId::parse)?, id(&member, MemberId::parse)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Invite a member of this home cluster.
#[utoipa::path(
    post, path = "/api/v1/clusters/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    request_body = MemberRequest,
    responses(
        (status = 201, description = "The member", body = Member),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
        (status = 409, description = "`email_taken`", body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: the admin's invitations this hour are used up (with `Retry-After`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn invite_member(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<MemberRequest>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let new = body.parse()?;
    let member = service.invite_member(&caller, cluster, new).await?;
    Ok((StatusCode::CREATED, Json(Member::new(&member, admin_roles(&member, false)))).into_response())
}

/// The cluster's members, by email address, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/clusters/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id"), Paging),
    responses(
        (status = 200, description = "A page of members", body = MemberList),
        Malformed,
        Unauthenticated,
        Forbidden,
        NotFound,
    )
)]
async fn members(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Response, Problem> {
    let page = paging.request(MemberId::parse)?;
    let page = service.members_page(&caller, id(&cluster, ClusterId::parse)?, page).await?;
    let (items, next_cursor) =
        shown(page, |(m, roles)| Member::new(m, admin_roles(m, roles.contains(&deskvisa_service::Role::ClusterAdmin))));
    Ok(Json(MemberList { items, next_cursor }).into_response())
}

/// Change a member of the cluster: how long the cluster vouches for them
/// (`vouched_until`, null: no end; the cluster's admins and network admins)
/// and the firm of the cluster they work for (`firm_id`, null: none; also
/// the member themselves). At least one of the two.
#[utoipa::path(
    patch, path = "/api/v1/clusters/{id}/members/{member_id}", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id"), ("member_id" = String, Path, description = "The member's id")),
    request_body = VouchedUntilBody,
    responses(
        (status = 200, description = "The member", body = Member),
        Unauthenticated,
        (status = 400, description = "`malformed_request`: neither field, an unknown field, or `firm_id` not a firm of the cluster", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not this cluster's admin (nor, for `firm_id`, the member), or the member is a network admin or the caller", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 422, description = "`date_out_of_range`: `vouched_until` up to ten years back or ahead", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_member(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((cluster, member)): Path<(String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, Problem> {
    let (cluster, member) = (id(&cluster, ClusterId::parse)?, id(&member, MemberId::parse)?);
    if let Some(field) =
        body.as_object().and_then(|o| o.keys().find(|k| !["vouched_until", "firm_id"].contains(&k.as_str())))
    {
        return Err(Problem::malformed(format!("`{field}`: no such field in this body")));
    }
    let vouched_until = match body.get("vouched_until") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(d)) => Some(Some(date("vouched_until", d)?)),
        Some(_) => return Err(Problem::malformed("vouched_until: a date written as YYYY-MM-DD, or null")),
    };
    let firm = match body.get("firm_id") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(f)) => Some(Some(id(f, FirmId::parse)?)),
        Some(_) => return Err(Problem::malformed("firm_id: a firm's id, or null")),
    };
    let mut updated = None;
    // The stricter change first: when it is refused, nothing has changed.
    if let Some(until) = vouched_until {
        updated = Some(service.set_vouched_until(&caller, cluster, member, until).await?);
    }
    if let Some(firm) = firm {
        updated = Some(service.set_member_firm(&caller, cluster, member, firm).await?);
    }
    let updated = updated.ok_or_else(|| Problem::malformed("vouched_until or firm_id: required (a value, or null)"))?;
    Ok(Json(Member::new(&updated, Vec::new())).into_response())
}

/// Revoke a member: their tokens stop working at once. A cluster's admin
/// may not revoke a network admin or themselves (403); the cluster's last
/// admin who is not revoked stays (409 `last_admin`).
#[utoipa::path(
    delete, path = "/api/v1/clusters/{id}/members/{member_id}", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id"), ("member_id" = String, Path, description = "The member's id")),
    responses(
        (status = 200, description = "The member, revoked", body = Member),
        Unauthenticated,
        (status = 403, description = "`forbidden`: not this cluster's admin, or the member is a network admin or the caller", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`last_admin`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn revoke_member(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((cluster, member)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let revoked =
        service.revoke_member(&caller, id(&cluster, ClusterId::parse)?, id(&member, MemberId::parse)?).await?;
    Ok(Json(Member::new(&revoked, Vec::new())).into_response())
}

/// Give a revoked member their membership back (`active` if they ever
/// signed in, else `invited`); a member who is not revoked is answered as
/// they are.
#[utoipa::path(
    post, path = "/api/v1/clusters/{id}/members/{member_id}/restore", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id"), ("member_id" = String, Path, description = "The member's id")),
    responses(
        (status = 200, description = "The member", body = Member),
        Unauthenticated,
        (status = 403, description = "`forbidden`: not this cluster's admin, or the member is a network admin or the caller", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
    )
)]
async fn restore_member(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((cluster, member)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let restored =
        service.restore_member(&caller, id(&cluster, ClusterId::parse)?, id(&member, MemberId::parse)?).await?;
    Ok(Json(Member::new(&restored, Vec::new())).into_response())
}

fn rules_text(value: &str) -> Result<String, FieldError> {
    optional_text("house_rules", value, MAX_RULES_CHARS)
}

/// The cluster's admins, or a network admin, add a site.
#[utoipa::path(
    post, path = "/api/v1/clusters/{id}/sites", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    request_body = SiteRequest,
    responses(
        (status = 201, description = "The site", body = Site),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
    )
)]
async fn create_site(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<SiteRequest>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let new = body.parse()?;
    let site = service.create_site(&caller, cluster, new).await?;
    Ok((StatusCode::CREATED, Json(Site::new(&site))).into_response())
}

/// What changes of a site: each field given is checked as a new site's is.
#[derive(Deserialize, ToSchema)]
pub(crate) struct SitePatchBody {
    name: Option<String>,
    address: Option<String>,
    timezone: Option<String>,
    desks: Option<u32>,
    #[schema(value_type = Option<Vec<String>>)]
    open_weekdays: Option<WeekdaySet>,
    contact_email: Option<String>,
    house_rules: Option<String>,
}

/// Its cluster's admins, or a network admin, change a site, unless held days would be lost.
#[utoipa::path(
    patch, path = "/api/v1/sites/{id}", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    request_body = SitePatchBody,
    responses(
        (status = 200, description = "The site", body = Site),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
        (status = 409, description = "`dates_hold_stays`: the change would take held days (with `dates`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_site(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiJson(body): ApiJson<SitePatchBody>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let patch = SitePatch {
        name: body.name.as_deref().map(|v| text("name", v, MAX_NAME_CHARS)).transpose()?,
        address: body.address.as_deref().map(|v| text("address", v, MAX_ADDRESS_CHARS)).transpose()?,
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
    Ok(Json(Site::new(&updated)).into_response())
}

/// The site's closed days.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}/closures", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The closures", body = ClosureList),
        Unauthenticated,
        NotFound,
    )
)]
async fn closures(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let items = service.closures(site).await?.into_iter().map(|(date, reason)| Closure { date, reason }).collect();
    Ok(Json(ClosureList { site_id: site.as_uuid(), items }).into_response())
}

/// A day the site is closed, and why.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ClosureBody {
    date: String,
    reason: String,
}

/// Close the site on a day, unless stays hold it.
#[utoipa::path(
    post, path = "/api/v1/sites/{id}/closures", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    request_body = ClosureBody,
    responses(
        (status = 201, description = "The closure", body = Closure),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
        (status = 409, description = "`dates_hold_stays` (with `dates`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`date_out_of_range`: a closure from a year back to five years ahead", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
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
    Ok((StatusCode::CREATED, Json(Closure { date, reason })).into_response())
}

/// Reopen a closed day.
#[utoipa::path(
    delete, path = "/api/v1/sites/{id}/closures/{date}", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id"), ("date" = String, Path, description = "YYYY-MM-DD")),
    responses(
        (status = 204, description = "Done"),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
    )
)]
async fn reopen_day(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path((site, day)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    service.reopen_day(&caller, site, date("date", &day)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Filters of the inbox, and its page.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct InboxQuery {
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// 1 to 200 (default 50).
    limit: Option<u64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// The stays at a site, by start date: the host's inbox, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}/stays", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id"), InboxQuery),
    responses(
        (status = 200, description = "The stays", body = StayList),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
    )
)]
async fn site_stays(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiQuery(query): ApiQuery<InboxQuery>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let status = query.status.as_deref().map(|s| s.parse::<StayStatus>().map_err(|e| bad("status", e))).transpose()?;
    let from = query.from.as_deref().map(|d| date("from", d)).transpose()?;
    let to = query.to.as_deref().map(|d| date("to", d)).transpose()?;
    let page = Paging { limit: query.limit, cursor: query.cursor }.request(StayId::parse)?;
    let filter = InboxFilter { status, from, to };
    let page = service.site_stays_page(&caller, site, filter, page).await?;
    let (items, next_cursor) = shown(page, |s| Stay::new(s, false));
    Ok(Json(StayList { items, next_cursor }).into_response())
}

/// A change to a member of a cluster: at least one field.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code, reason = "read as JSON to tell null from absent; this describes it")]
pub(crate) struct VouchedUntilBody {
    /// The last date vouched for, `YYYY-MM-DD`, or null for no end.
    vouched_until: Option<String>,
    /// The firm of the cluster the member works for, or null for none.
    #[schema(format = Uuid)]
    firm_id: Option<String>,
}

/// The roles of a member shown to their admins.
fn admin_roles(m: &deskvisa_service::MemberRecord, cluster_admin: bool) -> Vec<dto::RoleGrant> {
    let mut roles = vec![dto::RoleGrant { role: "member".into(), cluster_id: None }];
    if let Some(home) = m.cluster_id.filter(|_| cluster_admin) {
        roles.push(dto::RoleGrant { role: "cluster_admin".into(), cluster_id: Some(home.as_uuid()) });
    }
    roles
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use axum::http::StatusCode;
    use proptest::prelude::*;

    use super::*;
    use crate::input::MAX_DESKS;
    use deskvisa_rules::{Latitude, Longitude};

    fn config(cases: u32) -> ProptestConfig {
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
    }

    fn malformed<T: std::fmt::Debug>(result: Result<T, Problem>) -> bool {
        result.is_err_and(|p| p.status() == StatusCode::BAD_REQUEST)
    }

    proptest! {
        #![proptest_config(config(1000))]

        /// A line of text (a name, a city, an address, house rules) is
        /// accepted exactly when, trimmed, it has 1 to `max` characters
        /// (counted as characters, not bytes) and no control character but
        /// LF; it is then the trimmed text; anything else is 400.
        #[test]
        fn a_line_of_text_is_trimmed_and_bounded(
            value in prop_oneof![
                "(?s:.{0,60})",
                prop::collection::vec(any::<u8>(), 0..60).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
                "[ \t\n]{0,3}[a-zż\u{1f600} \n]{0,40}[ \t\r\n]{0,3}",
            ],
            max in 1usize..50,
        ) {
            let trimmed = value.trim();
            let invisible = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}');
            let fits = !trimmed.is_empty()
                && trimmed.chars().count() <= max
                && !trimmed.chars().any(|c| (c.is_control() && c != '\n') || invisible(c));
            match text("name", &value, max) {
                Ok(kept) => {
                    prop_assert!(fits);
                    prop_assert_eq!(kept, trimmed);
                }
                Err(p) => {
                    prop_assert!(!fits);
                    prop_assert_eq!(Problem::from(p).status(), StatusCode::BAD_REQUEST);
                }
            }
        }

        /// A country is exactly two ASCII capital letters; lower case, one
        /// or three letters, digits, white space or other scripts are 400.
        #[test]
        fn a_country_is_two_ascii_capital_letters(a in b'A'..=b'Z', b in b'A'..=b'Z', other in "(?s:.{0,4})") {
            let code = String::from_utf8(vec![a, b]).unwrap();
            let assigned = |c: &str| deskvisa_rules::Continent::of_country(c).is_some();
            prop_assert_eq!(country(&code).ok().map(|c| c.to_string()), assigned(&code).then(|| code.clone()), "only assigned codes");
            for spoiled in [code.to_ascii_lowercase(), format!("{code} "), format!(" {code}"), code[..1].to_owned(), format!("{code}{}", code.as_bytes()[0] as char)] {
                prop_assert!(malformed(country(&spoiled).map_err(Problem::from)), "{:?}", spoiled);
            }
            let two_capitals = other.len() == 2 && other.chars().all(|c| c.is_ascii_uppercase());
            prop_assert_eq!(country(&other).is_ok(), two_capitals && assigned(&other));
        }

        /// A latitude or longitude is accepted, unchanged, exactly when it is
        /// a finite number within ±90 or ±180; NaN, infinities and anything
        /// beyond are 400.
        #[test]
        fn a_coordinate_is_finite_and_within_its_limit(
            value in prop_oneof![any::<f64>(), -200.0f64..200.0, Just(90.0), Just(-90.0), Just(180.0), Just(-180.0), Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(90.000_000_1)],
        ) {
            for (limit, parsed) in [(90.0, latitude(value).map(Latitude::degrees)), (180.0, longitude(value).map(Longitude::degrees))] {
                match parsed {
                    Ok(kept) => {
                        prop_assert!(value.is_finite() && value.abs() <= limit);
                        prop_assert_eq!(kept.to_bits(), value.to_bits());
                    }
                    Err(p) => {
                        prop_assert!(!(value.is_finite() && value.abs() <= limit));
                        prop_assert_eq!(Problem::from(p).status(), StatusCode::BAD_REQUEST);
                    }
                }
            }
        }

        /// A site offers 0 to MAX_DESKS desks; more is 400. House rules that
        /// are only white space are none, others are a text of up to 5000
        /// characters.
        #[test]
        fn desks_and_house_rules_hold_their_bounds(desks_given in prop_oneof![0u32..=20, MAX_DESKS - 2..=MAX_DESKS + 2, any::<u32>()], blank in "[ \t\r\n]{0,5}", len in 4990usize..5010) {
            prop_assert_eq!(desks(desks_given).is_ok(), desks_given <= MAX_DESKS);
            prop_assert_eq!(rules_text(&blank).unwrap(), "");
            let rules = "ż".repeat(len);
            prop_assert_eq!(rules_text(&rules).ok(), (len <= 5000).then(|| rules.clone()));
        }
    }
}
