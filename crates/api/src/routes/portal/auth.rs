//! Signing in to the customer portal, refreshing and signing out.

use actix_web::{HttpRequest, HttpResponse, post, web};
use portal_store::entities::organization;
use portal_store::events::{self, Actor, NewEvent};
use portal_store::sessions;
use portal_store::throttle;
use portal_store::throttle::ThrottleKey;
use portal_types::{PasswordResetRequest, PortalLoginRequest, Problem, SetPassword, TokenResponse};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::app;
use crate::auth::signin::{
    Grant, MAX_LOGIN, MAX_PASSWORD, MAX_SLUG, grant_response, logout_for, portal_account,
    refresh_for, required, throttle_keys,
};
use crate::auth::{Realm, client_info};
use crate::error::{ApiError, INVALID_CREDENTIALS};
use crate::json::ApiJson;
use crate::state::AppState;

/// Mounted at `/api/v1/portal/auth`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(portal_login)
        .service(portal_refresh)
        .service(portal_logout)
        .service(password_reset)
        .service(portal_set_password);
}

/// Sign in to the customer portal.
///
/// Answers a short-lived access token and sets the refresh token as an HttpOnly,
/// SameSite=Strict cookie. Unknown organisation, unknown username and wrong password all get
/// the same 401 in the same time; repeated failures get 429 with `Retry-After`.
#[utoipa::path(
    tag = "portal: auth",
    request_body = PortalLoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh cookie is set", body = TokenResponse),
        (status = 401, description = "Wrong organisation, username or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/login")]
async fn portal_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<PortalLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    required(&[
        ("organization", &body.organization, MAX_SLUG),
        ("username", &body.username, MAX_LOGIN),
        ("password", &body.password, MAX_PASSWORD),
    ])?;
    let client = client_info(&req);
    let now = portal_store::now();
    let slug = body.organization.trim().to_lowercase();
    let keys = throttle_keys(&state, Realm::Portal, &slug, &body.username, &client);
    crate::auth::check_throttle(&state.db, &keys, now).await?;

    let org = organization::Entity::find()
        .filter(organization::Column::Slug.eq(&slug))
        .one(&state.db)
        .await?;
    let account = match &org {
        Some(org) => portal_account(&state, org, &body.username).await?,
        None => None,
    };
    let stored_hash = account.as_ref().map(|(u, _)| u.password_hash.as_str());
    let valid = state.passwords.verify(&body.password, stored_hash).await?;

    let (Some(org), Some((user, contractor)), true) = (org, account, valid) else {
        throttle::record_failure(&state.db, &keys, &state.settings.throttle, now).await?;
        return Err(INVALID_CREDENTIALS);
    };
    throttle::reset(&state.db, &keys[0]).await?;

    let refresh = sessions::issue(
        &state.db,
        Realm::Portal,
        user.id,
        org.id,
        None,
        state.settings.refresh_token_ttl,
        &client,
        now,
    )
    .await?;
    let must_change_password = user.must_change_password;
    let mut active = user.clone().into_active_model();
    active.last_login_at = Set(Some(now));
    if user.state == "invited" {
        active.state = Set("active".to_string());
    }
    active.update(&state.db).await?;
    events::record(
        &state.db,
        NewEvent {
            organization_id: org.id,
            contractor_id: Some(contractor.id),
            document_id: None,
            actor: Actor::PortalUser(user.id),
            kind: "logged_in",
            client: &client,
            details: None,
        },
    )
    .await?;
    grant_response(
        &state,
        Grant {
            realm: Realm::Portal,
            refresh,
            contractor_id: Some(contractor.id),
            role: None,
            organization: org.slug,
            locale: contractor.locale,
            must_change_password,
        },
    )
}

/// Exchange the refresh cookie for a new access token (and a new refresh cookie).
///
/// Each refresh token works once. Presenting one that was already used ends the whole
/// session: it means the token was copied.
#[utoipa::path(
    tag = "portal: auth",
    responses(
        (status = 200, description = "New access token; the refresh cookie is rotated", body = TokenResponse),
        (status = 401, description = "No valid refresh cookie, or it was reused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/refresh")]
async fn portal_refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    refresh_for(&state, &req, Realm::Portal).await
}

/// Sign out: ends the session and clears the refresh cookie.
#[utoipa::path(tag = "portal: auth", responses((status = 204, description = "Signed out")))]
#[post("/logout")]
async fn portal_logout(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    logout_for(&state, &req, Realm::Portal).await
}

/// Forgot password: mails a reset link (valid for 2 hours, in the customer's language) to every
/// portal user of the organisation whose username or e-mail is `login`. Always answers 202 the
/// same way, without waiting for the lookup, whether or not such a user exists; repeated
/// requests for one login or from one address get 429.
#[utoipa::path(
    tag = "portal: auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If such a user exists, a reset link is on its way"),
        (status = 422, description = "A field is missing or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/password-reset")]
async fn password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    required(&[
        ("organization", &body.organization, MAX_SLUG),
        ("login", &body.login, MAX_LOGIN),
    ])?;
    let client = client_info(&req);
    let now = portal_store::now();
    let slug = body.organization.trim().to_lowercase();
    let policy = &state.settings.throttle;
    let mut keys = vec![ThrottleKey::account("reset", &slug, &body.login, policy)];
    if let Some(ip) = &client.ip {
        keys.push(ThrottleKey::address(ip, policy));
    }
    crate::auth::check_throttle(&state.db, &keys, now).await?;
    // Every request counts, for a login that exists or not: the limit says nothing either.
    throttle::record_failure(&state.db, &keys, policy, now).await?;
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        if let Err(e) = app::portal_users::request_reset(&state, &slug, &body.login, &client).await
        {
            tracing::error!(error = %e, "password reset request failed");
        }
    });
    Ok(HttpResponse::Accepted().finish())
}

/// Set a password from an invitation or reset link and sign in. The link works once and until
/// it expires; the user's other sessions end.
#[utoipa::path(
    tag = "portal: auth",
    request_body = SetPassword,
    responses(
        (status = 200, description = "Password set and signed in; the refresh cookie is set", body = TokenResponse),
        (status = 422, description = "The link is invalid or expired (`token`), or the password too weak (`password`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/set-password")]
async fn portal_set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SetPassword>,
) -> Result<HttpResponse, ApiError> {
    let grant = app::passwords::set_portal_password(
        &state,
        &body.0.token,
        &body.0.password,
        &client_info(&req),
    )
    .await?;
    grant_response(&state, grant)
}
