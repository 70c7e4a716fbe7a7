//! The map routes of API.md: the caller, clusters with their sites, host
//! policies, a site and its free desks.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use deskvisa_rules::{ClusterId, Continent, Country, DateRange, SiteId, parse_date};
use deskvisa_service::{SearchQuery, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::dto::{Availability, Cluster, ClusterList, DateSpan, Day, Me, Member, Policy, ProblemBody, Site};
use crate::api::responses::{Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, id};
use crate::problem::Problem;
use crate::query::ApiQuery;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(clusters))
        .routes(routes!(cluster))
        .routes(routes!(policy, save_policy))
        .routes(routes!(site))
        .routes(routes!(availability))
        .routes(routes!(search))
}

/// The caller: member, home cluster, roles (a network staff account has no home cluster: `cluster` and `cluster_id` are null, `network_staff` is true).
#[utoipa::path(
    get, path = "/api/v1/me", tag = "members", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        Unauthenticated,
    )
)]
async fn me(State(service): State<Service>, Authenticated(caller): Authenticated) -> Result<Json<Me>, Problem> {
    let member = service.member(caller.member).await?;
    let cluster = match caller.cluster {
        Some(home) => {
            let (cluster, sites) = service.cluster_with_sites(home).await?;
            Some(Cluster::new(&cluster, &sites))
        }
        None => None,
    };
    Ok(Json(Me { member: Member::new(&member, Member::roles_of(&caller)), cluster }))
}

/// Every cluster on the map with its sites.
#[utoipa::path(
    get, path = "/api/v1/clusters", tag = "map", security(("bearer" = [])),
    responses(
        (status = 200, description = "The map", body = ClusterList),
        Unauthenticated,
    )
)]
async fn clusters(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
) -> Result<Json<ClusterList>, Problem> {
    let map = service.map().await?;
    Ok(Json(ClusterList {
        items: map.clusters.iter().map(|(c, sites)| Cluster::new(c, sites)).collect(),
        next_cursor: None,
    }))
}

/// One cluster with its sites.
#[utoipa::path(
    get, path = "/api/v1/clusters/{id}", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    responses(
        (status = 200, description = "The cluster", body = Cluster),
        Unauthenticated,
        NotFound,
    )
)]
async fn cluster(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(cluster): Path<String>,
) -> Result<Json<Cluster>, Problem> {
    let (c, sites) = service.cluster_with_sites(id(&cluster, ClusterId::parse)?).await?;
    Ok(Json(Cluster::new(&c, &sites)))
}

/// A cluster's host policy (DOMAIN.md's defaults until one is saved).
#[utoipa::path(
    get, path = "/api/v1/clusters/{id}/policy", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    responses(
        (status = 200, description = "The policy", body = Policy),
        Unauthenticated,
        NotFound,
    )
)]
async fn policy(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(cluster): Path<String>,
) -> Result<Json<Policy>, Problem> {
    Ok(Json(Policy::new(&service.policy(id(&cluster, ClusterId::parse)?).await?)))
}

/// The cluster's admins save its host policy, if it passes its floors.
#[utoipa::path(
    put, path = "/api/v1/clusters/{id}/policy", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    request_body = Policy,
    responses(
        (status = 200, description = "The saved policy", body = Policy),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: another cluster's policy", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 422, description = "`policy_below_guarantee` with every field out of bounds", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn save_policy(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<Policy>,
) -> Result<Json<Policy>, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    // An unknown cluster is 404 before it is 403.
    service.policy(cluster).await?;
    Ok(Json(Policy::new(&service.save_policy(&caller, cluster, body.draft()).await?)))
}

/// One site.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The site", body = Site),
        Unauthenticated,
        NotFound,
    )
)]
async fn site(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
) -> Result<Json<Site>, Problem> {
    Ok(Json(Site::new(&service.site(id(&site, SiteId::parse)?).await?)))
}

/// A window of dates.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Window {
    /// First date, `YYYY-MM-DD`.
    from: String,
    /// Last date, included (at most 366 days a call).
    to: String,
}

/// Free desks at a site, day by day.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}/availability", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id"), Window),
    responses(
        (status = 200, description = "Every day of the window", body = Availability),
        (status = 400, description = "`malformed_request`: bad dates, or more than 366 days", body = ProblemBody, content_type = "application/problem+json"),
        Unauthenticated,
        NotFound,
    )
)]
async fn availability(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
    ApiQuery(window): ApiQuery<Window>,
) -> Result<Json<Availability>, Problem> {
    let site = id(&site, SiteId::parse)?;
    let from = parse_date(&window.from).map_err(|e| Problem::malformed(format!("from: {e}")))?;
    let to = parse_date(&window.to).map_err(|e| Problem::malformed(format!("to: {e}")))?;
    let range = DateRange::new(from, to).ok_or_else(|| Problem::malformed("to is before from"))?;
    let days = service.availability(site, range).await?;
    Ok(Json(Availability { site_id: site.as_uuid(), days: days.iter().map(Day::new).collect() }))
}

/// What a member looks for across the network.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// First date of the window, `YYYY-MM-DD`.
    from: String,
    /// Last date of the window, included (at most 366 days).
    to: String,
    /// How many open days the stay has.
    days: String,
    /// Only clusters in this country (ISO 3166-1 alpha-2).
    country: Option<String>,
    /// Only clusters on this continent: `europe`, `africa`, `asia`, `oceania`, `north_america`, `south_america`.
    continent: Option<String>,
    /// Which page of the sites found, from 1 (the default), 200 a page.
    page: Option<u32>,
}

/// How many sites a page of the search lists: a network of thousands of
/// sites finds thousands for a week next month.
const SITES_A_PAGE: usize = 200;

/// The sites that can take a stay of `days` open days inside a window, each
/// with the first dates that fit (the host's longest stay, notice and
/// horizon applied; the caller's own cluster left out), soonest first.
#[utoipa::path(
    get, path = "/api/v1/availability/search", tag = "map", security(("bearer" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "The sites that fit", body = SearchAnswer),
        (status = 400, description = "`malformed_request`: bad dates, days, country, continent or page", body = ProblemBody, content_type = "application/problem+json"),
        Unauthenticated,
    )
)]
async fn search(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchAnswer>, Problem> {
    let from = parse_date(&params.from).map_err(|e| Problem::malformed(format!("from: {e}")))?;
    let to = parse_date(&params.to).map_err(|e| Problem::malformed(format!("to: {e}")))?;
    let window = DateRange::new(from, to).ok_or_else(|| Problem::malformed("to is before from"))?;
    let days: u32 = params.days.trim().parse().map_err(|_| Problem::malformed("days: a whole number of open days"))?;
    // Any case is read as the code; two letters that no country has are a
    // place with no site, not a malformed search.
    let (country, nowhere) = match params.country.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
            Country::parse(&c.to_ascii_uppercase()).map_or((None, true), |code| (Some(code), false))
        }
        Some(c) => return Err(Problem::malformed(format!("country: `{c}` is no ISO 3166-1 alpha-2 code"))),
        None => (None, false),
    };
    let continent = match params.continent.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(Continent::parse(c).map_err(|e| Problem::malformed(format!("continent: {e}")))?),
        None => None,
    };
    let page = match params.page {
        None => 1,
        Some(0) => return Err(Problem::malformed("page: pages are counted from 1")),
        Some(n) => n,
    };
    let query = SearchQuery { window, days, exact: false, country, continent };
    let found = service.search_availability(&caller, &query).await?;
    let found = if nowhere { Vec::new() } else { found };
    let skipped = usize::try_from(page.saturating_sub(1)).unwrap_or(usize::MAX).saturating_mul(SITES_A_PAGE);
    let next = (skipped.saturating_add(SITES_A_PAGE) < found.len()).then(|| {
        let mut next = form_urlencoded::Serializer::new(String::new());
        next.append_pair("from", &from.to_string()).append_pair("to", &to.to_string());
        next.append_pair("days", &days.to_string());
        if let Some(country) = &params.country {
            next.append_pair("country", country);
        }
        if let Some(continent) = &params.continent {
            next.append_pair("continent", continent);
        }
        next.append_pair("page", &page.saturating_add(1).to_string());
        format!("/api/v1/availability/search?{}", next.finish())
    });
    Ok(Json(SearchAnswer {
        from,
        to,
        days,
        total: found.len(),
        page,
        next,
        sites: found
            .iter()
            .skip(skipped)
            .take(SITES_A_PAGE)
            .map(|f| SiteFit {
                site_id: f.site.id.as_uuid(),
                site_name: f.site.name.clone(),
                address: f.site.address.clone(),
                timezone: f.site.timezone.name().to_owned(),
                cluster_id: f.cluster.id.as_uuid(),
                cluster_name: f.cluster.name.clone(),
                city: f.cluster.city.clone(),
                country: f.cluster.country.to_string(),
                continent: Some(f.cluster.country.continent().as_str()),
                latitude: f.cluster.latitude.degrees(),
                longitude: f.cluster.longitude.degrees(),
                fits: f.fits.iter().map(|r| DateSpan { start_date: r.start(), end_date: r.end() }).collect(),
            })
            .collect(),
    }))
}

/// A site that can take the stay.
#[derive(Serialize, ToSchema)]
struct SiteFit {
    site_id: uuid::Uuid,
    site_name: String,
    address: String,
    timezone: String,
    cluster_id: uuid::Uuid,
    cluster_name: String,
    city: String,
    country: String,
    continent: Option<&'static str>,
    latitude: f64,
    longitude: f64,
    /// The first ranges that fit, earliest first, none overlapping.
    fits: Vec<DateSpan>,
}

/// The answer to an availability search.
#[derive(Serialize, ToSchema)]
struct SearchAnswer {
    from: NaiveDate,
    to: NaiveDate,
    days: u32,
    /// How many sites fit, on every page.
    total: usize,
    /// This page, from 1.
    page: u32,
    /// The next page's address, while there are more sites.
    next: Option<String>,
    /// Soonest first fit first, 200 a page.
    sites: Vec<SiteFit>,
}
