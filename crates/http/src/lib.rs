//! # deskvisa-http: deskvisa on the web
//!
//! The JSON API of API.md, the operations endpoints, and (later) the web
//! pages. Handlers parse input into rules types, call the service, and map
//! its results to responses; they never touch the database themselves.
//! The router is built by a function and tested in-process; `run` takes its
//! listener and shutdown signal from the caller.

mod operations;

use std::future::Future;

use axum::Router;
use deskvisa_service::Service;
use tokio::net::TcpListener;

/// The application: every route, over one service.
pub fn router(service: Service) -> Router {
    Router::new()
        .merge(operations::routes())
        .with_state(service)
}

/// Serves `router` on `listener` until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn run(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
