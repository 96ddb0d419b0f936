//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use portal_types::{HealthStatus, Problem};

use crate::error::ApiError;
use crate::state::AppState;
use portal_store::backend_name;

/// Liveness: the process answers.
#[utoipa::path(tag = "system", responses((status = 200, description = "Alive", body = HealthStatus)))]
#[get("/health")]
async fn health() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(HealthStatus {
            status: "ok".to_string(),
            database: None,
        })
}

/// Readiness: the database answers a query.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, description = "Ready", body = HealthStatus),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // (While the database gate is closed, the middleware answers 503 before this runs.)
    if !crate::db_gate::answers(&state.db).await {
        return Err(ApiError::DatabaseUnavailable(
            "the readiness probe had no answer".into(),
        ));
    }
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(HealthStatus {
            status: "ok".to_string(),
            database: Some(backend_name(&state.db).to_string()),
        }))
}
