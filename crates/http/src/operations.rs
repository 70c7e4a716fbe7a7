//! Operations endpoints: `/healthz` (the process is up) and `/readyz` (the
//! database answers), for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use deskvisa_service::Service;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::dto::Health;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz))
}

/// The process is up and answering.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Up", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok".into(), reason: None })
}

/// The database answers and has every migration this version knows.
#[utoipa::path(
    get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database does not answer, or migrations are pending (the reason says which)", body = Health),
    )
)]
async fn readyz(State(service): State<Service>) -> (StatusCode, Json<Health>) {
    match service.ready().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ready".into(), reason: None })),
        Err(err) => {
            tracing::warn!(reason = %err, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health { status: "unavailable".into(), reason: Some(err.to_string()) }),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use deskvisa_service::{Service, SystemClock};
    use deskvisa_store::{DatabaseConfig, Store};
    use tower::ServiceExt;

    async fn app_migrated(migrated: bool) -> axum::Router {
        let store = Store::open(&DatabaseConfig::new("sqlite::memory:")).await.unwrap();
        if migrated {
            store.migrate().await.unwrap();
        }
        crate::router(Service::with_store(store, Arc::new(SystemClock)), crate::Limits::default())
    }

    async fn app() -> axum::Router {
        app_migrated(true).await
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

    #[tokio::test]
    async fn readyz_names_the_pending_migrations() {
        let response =
            app_migrated(false).await.oneshot(Request::get("/readyz").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 503);
        let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["status"], "unavailable");
        assert!(body["reason"].as_str().unwrap().ends_with("migrations pending: run `deskvisa migrate`"), "{body}");
    }
}
