//! Operations endpoints: `/healthz` (the process is up) and `/readyz` (the
//! database answers), for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use deskvisa_service::Service;
use serde_json::json;

pub(crate) fn routes() -> Router<Service> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The process is up and answering.
async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// The database answers.
async fn readyz(State(service): State<Service>) -> impl IntoResponse {
    match service.ready().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Err(err) => {
            tracing::warn!(error = %err, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"})))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use deskvisa_service::{Service, SystemClock};
    use deskvisa_store::{DatabaseConfig, connect};
    use tower::ServiceExt;

    async fn app() -> axum::Router {
        let db = connect(&DatabaseConfig::new("sqlite::memory:")).await.unwrap();
        crate::router(Service::new(db, Arc::new(SystemClock)), crate::Limits::default())
    }

    #[tokio::test]
    async fn the_process_answers_healthz() {
        let response = app().await.oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200);
    }

    #[tokio::test]
    async fn readyz_answers_when_the_database_does() {
        let response = app().await.oneshot(Request::get("/readyz").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200);
    }
}
