//! `/api/v1/payments`: what payment providers call.

use actix_web::{HttpRequest, HttpResponse, post, web};
use portal_types::Problem;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::online_payments;
use crate::error::ApiError;
use crate::json::{BodyHead, read_limited};
use crate::state::AppState;

/// The largest event body read (Stripe's are a few kilobytes).
const EVENT_LIMIT: usize = 256 * 1024;

/// Every provider route, mounted at `/api/v1/payments`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(stripe_webhook);
}

/// Stripe's events for one organisation (register this address in Stripe's dashboard; the
/// admin's payment settings show it). The `Stripe-Signature` is checked on the raw body with
/// the organisation's signing secret; each event is acted on once.
#[utoipa::path(
    tag = "payments: providers",
    params(
        ("organization" = i64, Path, description = "The organisation's id"),
        ("Stripe-Signature" = String, Header, description = "`t=…,v1=…`"),
    ),
    request_body(content = serde_json::Value, description = "A Stripe event", content_type = "application/json"),
    responses(
        (status = 200, description = "Received (acted on, or seen before, or not ours)"),
        (status = 400, description = "The signature does not verify (`invalid_signature`) or the body is not an event (`invalid_event`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No Stripe account set up for this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stripe/webhook/{organization}")]
async fn stripe_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    organization: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Ok(organization) = organization.parse::<i64>() else {
        return Err(ApiError::NotFound);
    };
    let body = read_limited(BodyHead::of(&req), payload.into_inner(), EVENT_LIMIT).await?;
    let signature = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok());
    let outcome = online_payments::webhook(&state, organization, signature, &body).await?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "received": true, "outcome": outcome.as_str() })))
}
