//! Staff signing in to the issuer side, refreshing and signing out.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use portal_store::entities::{organization, staff_user};
use portal_store::events::{self, Actor, NewEvent};
use portal_store::throttle;
use portal_types::{
    IssuerLoginRequest, Problem, SetPassword, SetupRequest, SetupStatus, SignupAccepted,
    SignupConfirm, SignupRequest, SignupStatus, TokenResponse,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::app;
use crate::auth::signin::{
    MAX_LOGIN, MAX_PASSWORD, grant_response, logout_for, refresh_for, required, staff_session,
    throttle_keys,
};
use crate::auth::{Realm, client_info};
use crate::error::{ApiError, INVALID_CREDENTIALS};
use crate::json::ApiJson;
use crate::state::AppState;

/// Mounted at `/api/v1/issuer/auth`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(issuer_login)
        .service(issuer_refresh)
        .service(issuer_logout)
        .service(issuer_set_password)
        .service(setup_status)
        .service(setup)
        .service(signup_status)
        .service(signup)
        .service(signup_confirm);
}

/// Whether the instance waits for its first-run setup: no organisation exists, and the server
/// printed a one-time setup code in its log when it started.
#[utoipa::path(
    tag = "issuer: auth",
    responses((status = 200, description = "Whether setup is open", body = SetupStatus))
)]
#[get("/setup")]
async fn setup_status(state: web::Data<AppState>) -> Result<web::Json<SetupStatus>, ApiError> {
    use sea_orm::PaginatorTrait;
    let open = state.setup.is_open() && organization::Entity::find().count(&state.db).await? == 0;
    Ok(web::Json(SetupStatus { open }))
}

/// First-run setup: creates the first organisation and its owner with the setup code from the
/// server's log, and signs the owner in. Closed (404) once an organisation exists; five wrong
/// codes replace the code with a new one in the log.
#[utoipa::path(
    tag = "issuer: auth",
    request_body = SetupRequest,
    responses(
        (status = 200, description = "Set up and signed in; the refresh cookie is set", body = TokenResponse),
        (status = 404, description = "Setup is closed: an organisation exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or the code is wrong (`code`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/setup")]
async fn setup(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SetupRequest>,
) -> Result<HttpResponse, ApiError> {
    let grant = app::setup::run(&state, body.0, &client_info(&req)).await?;
    grant_response(&state, grant)
}

/// Whether anyone may create an organisation here (`PORTAL_SIGNUP=open`).
#[utoipa::path(
    tag = "issuer: auth",
    responses((status = 200, description = "Whether sign-up is open", body = SignupStatus))
)]
#[get("/signup")]
async fn signup_status(state: web::Data<AppState>) -> web::Json<SignupStatus> {
    web::Json(SignupStatus {
        open: app::signup::is_open(&state),
    })
}

/// Sign up a new organisation: the fields are checked and a confirmation link is mailed to the
/// owner's address; nothing is created until it is followed (within 24 hours). The answer is the
/// same whether or not the address already signs in (that address gets a mail saying so).
/// Counted against the sign-in throttle of the address and the client.
#[utoipa::path(
    tag = "issuer: auth",
    request_body = SignupRequest,
    responses(
        (status = 202, description = "The confirmation link is on its way", body = SignupAccepted),
        (status = 404, description = "Sign-up is closed on this server", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An organisation with this slug exists (`slug`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups or sign-ins; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/signup")]
async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let accepted = app::signup::request(&state, body.0, &client_info(&req)).await?;
    Ok(HttpResponse::Accepted().json(accepted))
}

/// Confirm a sign-up from its mailed link: creates the organisation and its owner, and signs the
/// owner in. The link works once.
#[utoipa::path(
    tag = "issuer: auth",
    request_body = SignupConfirm,
    responses(
        (status = 200, description = "Created and signed in; the refresh cookie is set", body = TokenResponse),
        (status = 404, description = "Sign-up is closed on this server", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug or the address was taken since the sign-up", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The link is invalid, used or expired (`token`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/signup/confirm")]
async fn signup_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SignupConfirm>,
) -> Result<HttpResponse, ApiError> {
    let grant = app::signup::confirm(&state, &body.0.token, &client_info(&req)).await?;
    grant_response(&state, grant)
}

/// Sign in as a member of the issuer's staff.
#[utoipa::path(
    tag = "issuer: auth",
    request_body = IssuerLoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh cookie is set", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/login")]
async fn issuer_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<IssuerLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    required(&[
        ("email", &body.email, MAX_LOGIN),
        ("password", &body.password, MAX_PASSWORD),
    ])?;
    let client = client_info(&req);
    let now = portal_store::now();
    let email = body.email.trim().to_lowercase();
    let keys = throttle_keys(&state, Realm::Issuer, "-", &email, &client);
    crate::auth::check_throttle(&state.db, &keys, now).await?;

    let user = staff_user::Entity::find()
        .filter(staff_user::Column::EmailLower.eq(&email))
        .one(&state.db)
        .await?
        .filter(|u| u.active);
    let valid = state
        .passwords
        .verify(
            &body.password,
            user.as_ref().map(|u| u.password_hash.as_str()),
        )
        .await?;
    let org = match &user {
        Some(u) if valid => {
            organization::Entity::find_by_id(u.organization_id)
                .one(&state.db)
                .await?
        }
        _ => None,
    };
    let (Some(user), Some(org)) = (user, org) else {
        throttle::record_failure(&state.db, &keys, &state.settings.throttle, now).await?;
        return Err(INVALID_CREDENTIALS);
    };
    throttle::reset(&state.db, &keys[0]).await?;

    let grant = staff_session(&state.db, &state, &user, &org, &client, now).await?;
    let mut active = user.clone().into_active_model();
    active.last_login_at = Set(Some(now));
    active.update(&state.db).await?;
    events::record(
        &state.db,
        NewEvent {
            organization_id: org.id,
            contractor_id: None,
            document_id: None,
            actor: Actor::StaffUser(user.id),
            kind: "logged_in",
            client: &client,
            details: None,
        },
    )
    .await?;
    grant_response(&state, grant)
}

/// Exchange the refresh cookie for a new access token (and a new refresh cookie).
#[utoipa::path(
    tag = "issuer: auth",
    responses(
        (status = 200, description = "New access token; the refresh cookie is rotated", body = TokenResponse),
        (status = 401, description = "No valid refresh cookie, or it was reused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/refresh")]
async fn issuer_refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    refresh_for(&state, &req, Realm::Issuer).await
}

/// Sign out: ends the session and clears the refresh cookie.
#[utoipa::path(tag = "issuer: auth", responses((status = 204, description = "Signed out")))]
#[post("/logout")]
async fn issuer_logout(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    logout_for(&state, &req, Realm::Issuer).await
}

/// Set a password from an invitation link (or a reset link) and sign in. The link works once
/// and for 7 days; the member's other sessions end.
#[utoipa::path(
    tag = "issuer: auth",
    request_body = SetPassword,
    responses(
        (status = 200, description = "Password set and signed in; the refresh cookie is set", body = TokenResponse),
        (status = 422, description = "The link is invalid or expired (`token`), or the password too weak (`password`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/set-password")]
async fn issuer_set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SetPassword>,
) -> Result<HttpResponse, ApiError> {
    let grant = app::passwords::set_staff_password(
        &state,
        &body.0.token,
        &body.0.password,
        &client_info(&req),
    )
    .await?;
    grant_response(&state, grant)
}
