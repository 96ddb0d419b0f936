//! Integrators' API keys: create (shown once), list, rename, revoke.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portal_types::{ApiKey, ApiKeyList, ApiKeyUpdate, CreatedApiKey, NewApiKey, Problem};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The organisation's API keys, newest first, revoked and expired ones too; never a secret
/// (owner, admin; a key with `api_keys:read`).
#[utoipa::path(
    tag = "issuer: api keys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The keys", body = ApiKeyList),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage keys, or the key lacks `api_keys:read`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys")]
async fn list_api_keys(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<ApiKeyList>, ApiError> {
    let items = app::api_keys::list(&state, &session).await?;
    Ok(web::Json(ApiKeyList {
        total: items.len() as u64,
        items,
    }))
}

/// Make a key (owner, admin; a key with `api_keys:write` can give only scopes it holds). The
/// answer's `token` is the whole key, shown this once: send it as `Authorization: Bearer`.
#[utoipa::path(
    tag = "issuer: api keys",
    security(("bearer" = [])),
    request_body = NewApiKey,
    responses(
        (status = 201, description = "Made; `token` is not shown again", body = CreatedApiKey),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage keys, or the key lacks `api_keys:write`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organisation has 50 active keys (`too_many_keys`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (a scope that does not exist or that a key may not give, an expiry in the past)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
async fn create_api_key(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<NewApiKey>,
) -> Result<HttpResponse, ApiError> {
    let created = app::api_keys::create(&state, &session, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Rename a key or change its requests per minute.
#[utoipa::path(
    tag = "issuer: api keys",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "API key id")),
    request_body = ApiKeyUpdate,
    responses(
        (status = 200, description = "Saved", body = ApiKey),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage keys, or the key lacks `api_keys:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api-keys/{id}")]
async fn update_api_key(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<ApiKeyUpdate>,
) -> Result<web::Json<ApiKey>, ApiError> {
    Ok(web::Json(
        app::api_keys::update(&state, &session, id.into_inner(), body.0).await?,
    ))
}

/// Revoke a key: its next request is refused (401 `api_key_revoked`). It stays in the list,
/// so the activity trail still names it.
#[utoipa::path(
    tag = "issuer: api keys",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "API key id")),
    responses(
        (status = 204, description = "Revoked (or was already)"),
        (status = 401, description = "No valid issuer access token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage keys, or the key lacks `api_keys:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api-keys/{id}")]
async fn revoke_api_key(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    app::api_keys::revoke(&state, &session, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
