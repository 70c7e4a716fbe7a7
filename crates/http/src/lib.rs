//! # deskvisa-http: deskvisa on the web
//!
//! The JSON API of API.md and the operations endpoints. Handlers parse input
//! into rules types, call the service, and map its results to responses;
//! they never touch the database. Every error is problem+json with a stable
//! code. The router is built by a function and tested in-process; `run`
//! takes its listener and shutdown signal from the caller.

mod api;
mod auth;
mod cookies;
mod csrf;
mod extract;
mod input;
mod labels;
mod metrics;
mod operations;
mod pages;
mod problem;
mod query;
mod request_id;
mod security;
mod serve;
mod uniform;
mod verify;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use deskvisa_service::Service;
use tower_http::timeout::TimeoutLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

pub use extract::Authenticated;
pub use problem::Problem;
pub use serve::{ConnectionLimits, run};

/// Limits on requests.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest body accepted (413 `body_too_large` above).
    pub max_body_bytes: usize,
    /// How long a request may take before 408.
    pub request_timeout: Duration,
    /// Proxies whose `X-Forwarded-For` names the client (rate limits count
    /// by client address); from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Limits {
    /// 64 KiB, 30 seconds.
    fn default() -> Self {
        Limits { max_body_bytes: 64 * 1024, request_timeout: Duration::from_secs(30), trusted_proxies: Vec::new() }
    }
}

/// The OpenAPI document's frame: title, tags, the bearer scheme.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "deskvisa",
        description = "Free desks for members of a network of ICT business clusters, wherever they travel in it. \
Every error is `application/problem+json` (RFC 9457) with a stable `code`."
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "stays", description = "Requesting stays, and their whole life"),
        (name = "map", description = "Clusters, sites, policies, closures, free desks"),
        (name = "members", description = "Members, admins, the caller"),
        (name = "operations", description = "Health, readiness, metrics"),
        (name = "sign-in", description = "Sign-in by email link, sessions, API tokens"),
        (name = "events", description = "The host's events during a visit: publishing, registering, calendars"),
        (name = "reports", description = "The reciprocity ledger"),
        (name = "firms", description = "Firms of the clusters: what they offer and seek, the directory"),
        (name = "introductions", description = "Meeting the host's firms during a visit: introductions, suggestions, who is visiting"),
        (name = "waitlist", description = "Waiting for desks on full days: the line, offers of freed desks, accepting them"),
    )
)]
struct ApiDoc;

/// `Authorization: Bearer <token>`, tokens made by `deskvisa token create`.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every route with its documentation, before state and layers.
fn documented() -> (Router<Service>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(operations::routes())
        .routes(utoipa_axum::routes!(metrics::render))
        .merge(api::routes())
        .merge(auth::routes())
        .merge(verify::routes())
        .split_for_parts()
}

/// The OpenAPI 3.1 document of every route (served at `/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().1
}

/// The application: every route, over one service.
pub fn router(service: Service, limits: Limits) -> Router {
    router_with(service, limits, Router::new())
}

/// The application with `extra` routes beside its own, behind the same
/// middleware (the benchmarks serve their baseline this way).
pub fn router_with(service: Service, limits: Limits, extra: Router<Service>) -> Router {
    metrics::init();
    let (routes, api) = documented();
    let trusted = std::sync::Arc::new(limits.trusted_proxies.clone());
    let application = routes
        .merge(extra)
        .merge(pages::routes(service.clone()))
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api))
        .fallback(pages::not_found)
        .route_layer(axum::middleware::from_fn(metrics::track))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(axum::Extension(extract::TrustedProxies(trusted.clone())))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout))
        .layer(axum::middleware::from_fn_with_state(service.clone(), uniform::errors))
        .layer(axum::middleware::from_fn_with_state(service.clone(), security::headers))
        .with_state(service);
    request_id::layers(application, trusted)
}

/// What `deskvisa worker` serves on its operations port: `/healthz`,
/// `/readyz` and `/metrics`, and nothing else.
pub fn operations_router(service: Service) -> Router {
    metrics::init();
    let (routes, _) = OpenApiRouter::new()
        .merge(operations::routes())
        .routes(utoipa_axum::routes!(metrics::render))
        .split_for_parts();
    let application = routes
        .route_layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn_with_state(service.clone(), uniform::errors))
        .with_state(service);
    request_id::layers(application, std::sync::Arc::default())
}
