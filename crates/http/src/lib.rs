//! # deskvisa-http: deskvisa on the web
//!
//! The JSON API of API.md and the operations endpoints. Handlers parse input
//! into rules types, call the service, and map its results to responses;
//! they never touch the database. Every error is problem+json with a stable
//! code. The router is built by a function and tested in-process; `run`
//! takes its listener and shutdown signal from the caller.

mod admin;
mod dto;
mod extract;
mod map;
mod metrics;
mod operations;
mod problem;
mod stays;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use deskvisa_service::Service;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

pub use problem::Problem;

/// Limits on requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest body accepted (413 `body_too_large` above).
    pub max_body_bytes: usize,
    /// How long a request may take before 408.
    pub request_timeout: Duration,
}

impl Default for Limits {
    /// 64 KiB, 30 seconds.
    fn default() -> Self {
        Limits { max_body_bytes: 64 * 1024, request_timeout: Duration::from_secs(30) }
    }
}

/// The application: every route, over one service.
pub fn router(service: Service, limits: Limits) -> Router {
    metrics::init();
    Router::new()
        .route("/metrics", axum::routing::get(metrics::render))
        .merge(operations::routes())
        .merge(stays::routes())
        .merge(map::routes())
        .merge(admin::routes())
        .fallback(|| async { Problem::not_found() })
        .route_layer(axum::middleware::from_fn(metrics::track))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout))
        .with_state(service)
}

/// Serves `router` on `listener` until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn run(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}
