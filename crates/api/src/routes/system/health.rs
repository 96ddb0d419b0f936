//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use portal_types::{HealthStatus, Problem};
use sea_orm::ConnectionTrait;

use crate::error::ApiError;
use crate::state::AppState;
use portal_store::{backend_name, stmt};

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
    let probe = state
        .db
        .query_one_raw(stmt(&state.db, "SELECT 1 AS one", vec![]))
        .await;
    if let Err(err) = probe {
        tracing::warn!(error = %err, "readiness probe failed");
        return Err(ApiError::Unavailable {
            retry_after_secs: 5,
        });
    }
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(HealthStatus {
            status: "ok".to_string(),
            database: Some(backend_name(&state.db).to_string()),
        }))
}
