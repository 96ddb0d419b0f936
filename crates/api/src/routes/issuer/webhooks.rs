//! Outgoing webhooks: endpoints, their secrets, the delivery log, resends and test events.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portal_types::{
    CreatedWebhookEndpoint, NewWebhookEndpoint, Problem, RotatedWebhookSecret, WebhookDelivery,
    WebhookDeliveryDetail, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointList,
    WebhookEndpointUpdate,
};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The organisation's webhook endpoints, oldest first; never a secret (owner, admin; a key
/// with `webhooks:read`). Every delivery's body is a `WebhookEvent`.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoints", body = WebhookEndpointList),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:read`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks")]
async fn list_webhooks(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<WebhookEndpointList>, ApiError> {
    let items = app::webhooks::list(&state, &session).await?;
    Ok(web::Json(WebhookEndpointList {
        total: items.len() as u64,
        items,
    }))
}

/// Register an endpoint. Each event is POSTed to it as JSON (`WebhookEvent`) with the
/// Standard Webhooks headers `webhook-id`, `webhook-timestamp` and `webhook-signature`
/// (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the base64-decoded part of
/// the secret); a 2xx answer within 15 s accepts it, anything else is retried after 5 s,
/// 5 min, 30 min, 2 h, 5 h and six times 10 h (about three days). The URL must be https and
/// resolve to public addresses only. The answer's `secret` is not shown again.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    request_body = NewWebhookEndpoint,
    responses(
        (status = 201, description = "Registered; `secret` is not shown again", body = CreatedWebhookEndpoint),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:write`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organisation has 20 endpoints (`too_many_endpoints`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`url`: `invalid_url`, `forbidden_address`, `unresolvable`; an unknown event)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
async fn create_webhook(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<NewWebhookEndpoint>,
) -> Result<HttpResponse, ApiError> {
    let created: CreatedWebhookEndpoint = app::webhooks::create(&state, &session, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// One endpoint.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookEndpoint),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
async fn get_webhook(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<WebhookEndpoint>, ApiError> {
    Ok(web::Json(
        app::webhooks::get(&state, &session, id.into_inner()).await?,
    ))
}

/// Change an endpoint's URL, events or description, or disable and enable it (deliveries
/// wait while it is disabled and go at once when it is enabled again).
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    request_body = WebhookEndpointUpdate,
    responses(
        (status = 200, description = "Saved", body = WebhookEndpoint),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
async fn update_webhook(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<WebhookEndpointUpdate>,
) -> Result<web::Json<WebhookEndpoint>, ApiError> {
    Ok(web::Json(
        app::webhooks::update(&state, &session, id.into_inner(), body.0).await?,
    ))
}

/// Delete an endpoint and its delivery log.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
async fn delete_webhook(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    app::webhooks::delete(&state, &session, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new signing secret, shown once. For 24 hours every delivery carries two signatures, by
/// the new secret and the old, so the receiver can switch without missing one.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "The new secret", body = RotatedWebhookSecret),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/rotate-secret")]
async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<RotatedWebhookSecret>, ApiError> {
    Ok(web::Json(
        app::webhooks::rotate(&state, &session, id.into_inner()).await?,
    ))
}

/// Query parameters of the delivery log (documentation; the handler parses the raw query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct LogParams {
    /// Page number from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Rows per page (at most 200).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// An endpoint's deliveries, newest first: status, attempts, the receiver's last answer.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id"), crate::routes::params::OrEmpty<LogParams>),
    responses(
        (status = 200, description = "One page of the log", body = WebhookDeliveryList),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<web::Json<WebhookDeliveryList>, ApiError> {
    let mut q = super::query::Query::new(&query, &["page", "per_page"]);
    let (page, per_page) = q.paging();
    q.finish()?;
    Ok(web::Json(
        app::webhooks::deliveries(&state, &session, id.into_inner(), page, per_page).await?,
    ))
}

/// One delivery: the exact body sent and every attempt with the receiver's answer.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Endpoint id"),
        ("delivery_id" = i64, Path, description = "Delivery id"),
    ),
    responses(
        (status = 200, description = "The delivery", body = WebhookDeliveryDetail),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery of this endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries/{delivery_id}")]
async fn get_webhook_delivery(
    state: web::Data<AppState>,
    session: IssuerSession,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<WebhookDeliveryDetail>, ApiError> {
    let (id, delivery_id) = path.into_inner();
    Ok(web::Json(
        app::webhooks::delivery(&state, &session, id, delivery_id).await?,
    ))
}

/// Send a delivery's message again, with the same `webhook-id`, as a new delivery.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Endpoint id"),
        ("delivery_id" = i64, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued", body = WebhookDelivery),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery of this endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/resend")]
async fn resend_webhook_delivery(
    state: web::Data<AppState>,
    session: IssuerSession,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let queued = app::webhooks::resend(&state, &session, id, delivery_id).await?;
    Ok(HttpResponse::Accepted().json(queued))
}

/// Send the endpoint a `webhook.test` event, whatever it subscribes to.
#[utoipa::path(
    tag = "issuer: webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 202, description = "Queued", body = WebhookDelivery),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage webhooks, or the key lacks `webhooks:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/test")]
async fn test_webhook(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let queued = app::webhooks::test(&state, &session, id.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(queued))
}
