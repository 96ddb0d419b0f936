//! Login, refresh and logout for both realms: portal users (customers) and staff (issuer).

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, post, web};
use portal_types::{IssuerLoginRequest, PortalLoginRequest, Problem, TokenResponse};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::auth::refresh::{self, ClientInfo, IssuedRefresh};
use crate::auth::throttle::{self, ThrottleKey};
use crate::auth::{Realm, client_info};
use crate::db::entities::{contractor, organization, portal_user, staff_user};
use crate::db::events::{self, Actor, NewEvent};
use crate::error::{ApiError, INVALID_CREDENTIALS};
use crate::json::ApiJson;
use crate::state::AppState;

/// Mounted at `/api/v1/portal/auth`.
pub fn portal_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(portal_login)
        .service(portal_refresh)
        .service(portal_logout);
}

/// Mounted at `/api/v1/issuer/auth`.
pub fn issuer_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(issuer_login)
        .service(issuer_refresh)
        .service(issuer_logout);
}

/// The refresh cookie's name and path for a realm.
pub fn cookie_name(realm: Realm, tls: bool) -> &'static str {
    match (realm, tls) {
        (Realm::Portal, false) => "portal_refresh",
        (Realm::Portal, true) => "__Secure-portal_refresh",
        (Realm::Issuer, false) => "issuer_refresh",
        (Realm::Issuer, true) => "__Secure-issuer_refresh",
    }
}

fn cookie_path(realm: Realm) -> &'static str {
    match realm {
        Realm::Portal => "/api/v1/portal/auth",
        Realm::Issuer => "/api/v1/issuer/auth",
    }
}

/// The refresh cookie: HttpOnly so scripts never see it, SameSite=Strict so other sites cannot
/// make the browser send it, and scoped to the auth path so no other request carries it.
/// (`__Host-` would demand Path=/; the narrower path is worth more, so TLS gets `__Secure-`.)
fn refresh_cookie(
    state: &AppState,
    realm: Realm,
    value: &str,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build(cookie_name(realm, state.settings.tls), value.to_string())
        .path(cookie_path(realm))
        .http_only(true)
        .secure(state.settings.tls)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(max_age_secs))
        .finish()
}

struct Grant {
    realm: Realm,
    refresh: IssuedRefresh,
    contractor_id: Option<i64>,
    role: Option<String>,
    organization: String,
    locale: String,
    must_change_password: bool,
}

fn grant_response(state: &AppState, grant: Grant) -> Result<HttpResponse, ApiError> {
    let access_token = state.tokens.issue(
        grant.realm,
        grant.refresh.user_id,
        grant.refresh.organization_id,
        grant.contractor_id,
        grant.role,
        &grant.refresh.family,
    )?;
    let max_age = i64::try_from(state.settings.refresh_token_ttl.as_secs()).unwrap_or(i64::MAX);
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .cookie(refresh_cookie(
            state,
            grant.realm,
            &grant.refresh.token,
            max_age,
        ))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer".to_string(),
            expires_in: state.tokens.ttl_secs(),
            realm: grant.realm.as_str().to_string(),
            organization: grant.organization,
            locale: grant.locale,
            must_change_password: grant.must_change_password,
        }))
}

/// Longest organisation slug, username, e-mail and password a sign-in accepts. Longer values
/// cannot belong to an account; refusing them keeps them out of the throttle's keys.
const MAX_SLUG: usize = 100;
const MAX_LOGIN: usize = 254;
const MAX_PASSWORD: usize = 1024;

/// Each field must be non-empty and at most its length in characters.
fn required(fields: &[(&str, &str, usize)]) -> Result<(), ApiError> {
    let errors: Vec<_> = fields
        .iter()
        .filter_map(|&(f, v, max)| {
            if v.trim().is_empty() {
                Some(portal_types::FieldError::new(
                    f,
                    "required",
                    format!("`{f}` must not be empty"),
                ))
            } else if v.chars().count() > max {
                Some(portal_types::FieldError::new(
                    f,
                    "too_long",
                    format!("`{f}` must have at most {max} characters"),
                ))
            } else {
                None
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn throttle_keys(
    state: &AppState,
    realm: Realm,
    scope: &str,
    login: &str,
    client: &ClientInfo,
) -> Vec<ThrottleKey> {
    let policy = &state.settings.throttle;
    let mut keys = vec![ThrottleKey::account(realm.as_str(), scope, login, policy)];
    if let Some(ip) = &client.ip {
        keys.push(ThrottleKey::address(ip, policy));
    }
    keys
}

/// A portal user, its customer and organisation, if all allow signing in.
async fn portal_account(
    state: &AppState,
    org: &organization::Model,
    username: &str,
) -> Result<Option<(portal_user::Model, contractor::Model)>, ApiError> {
    let Some(user) = portal_user::Entity::find()
        .filter(portal_user::Column::OrganizationId.eq(org.id))
        .filter(portal_user::Column::UsernameLower.eq(username.trim().to_lowercase()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let contractor = contractor::Entity::find_by_id(user.contractor_id)
        .one(&state.db)
        .await?;
    Ok(contractor
        .filter(|c| c.portal_access && c.organization_id == org.id && user.state != "disabled")
        .map(|c| (user, c)))
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
    let now = crate::db::now();
    let slug = body.organization.trim().to_lowercase();
    let keys = throttle_keys(&state, Realm::Portal, &slug, &body.username, &client);
    throttle::check(&state.db, &keys, now).await?;

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

    let refresh = refresh::issue(
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
    let now = crate::db::now();
    let email = body.email.trim().to_lowercase();
    let keys = throttle_keys(&state, Realm::Issuer, "-", &email, &client);
    throttle::check(&state.db, &keys, now).await?;

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

    let refresh = refresh::issue(
        &state.db,
        Realm::Issuer,
        user.id,
        org.id,
        None,
        state.settings.refresh_token_ttl,
        &client,
        now,
    )
    .await?;
    let role = user.role.clone();
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
    grant_response(
        &state,
        Grant {
            realm: Realm::Issuer,
            refresh,
            contractor_id: None,
            role: Some(role),
            organization: org.slug,
            locale: org.default_locale,
            must_change_password: false,
        },
    )
}

fn presented_cookie(state: &AppState, req: &HttpRequest, realm: Realm) -> Option<String> {
    req.cookie(cookie_name(realm, state.settings.tls))
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

/// Rotates the refresh cookie and answers a new access token, provided the user may still
/// sign in; otherwise the session is ended.
async fn refresh_for(
    state: &AppState,
    req: &HttpRequest,
    realm: Realm,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_cookie(state, req, realm).ok_or_else(refresh::invalid_refresh)?;
    let client = client_info(req);
    let issued = refresh::rotate(
        &state.db,
        realm,
        &presented,
        state.settings.refresh_token_ttl,
        &client,
    )
    .await?;
    let org = organization::Entity::find_by_id(issued.organization_id)
        .one(&state.db)
        .await?;
    let grant =
        match (realm, org) {
            (Realm::Portal, Some(org)) => {
                let user = portal_user::Entity::find_by_id(issued.user_id)
                    .one(&state.db)
                    .await?;
                match user {
                    Some(user) => portal_account(state, &org, &user.username).await?.map(
                        |(user, contractor)| Grant {
                            realm,
                            refresh: issued.clone(),
                            contractor_id: Some(contractor.id),
                            role: None,
                            organization: org.slug.clone(),
                            locale: contractor.locale,
                            must_change_password: user.must_change_password,
                        },
                    ),
                    None => None,
                }
            }
            (Realm::Issuer, Some(org)) => staff_user::Entity::find_by_id(issued.user_id)
                .one(&state.db)
                .await?
                .filter(|u| u.active && u.organization_id == org.id)
                .map(|user| Grant {
                    realm,
                    refresh: issued.clone(),
                    contractor_id: None,
                    role: Some(user.role),
                    organization: org.slug.clone(),
                    locale: org.default_locale.clone(),
                    must_change_password: false,
                }),
            (_, None) => None,
        };
    match grant {
        Some(grant) => grant_response(state, grant),
        None => {
            refresh::revoke_family(&state.db, &issued.family).await?;
            Err(refresh::invalid_refresh())
        }
    }
}

/// Ends the session of the presented refresh cookie (if any) and clears the cookie.
async fn logout_for(
    state: &AppState,
    req: &HttpRequest,
    realm: Realm,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_cookie(state, req, realm);
    let known = match presented {
        Some(token) => refresh::family_of(&state.db, realm, &token).await?,
        None => None,
    };
    if let Some((family, user_id, organization_id)) = known {
        refresh::revoke_family(&state.db, &family).await?;
        let actor = match realm {
            Realm::Portal => Actor::PortalUser(user_id),
            Realm::Issuer => Actor::StaffUser(user_id),
        };
        events::record(
            &state.db,
            NewEvent {
                organization_id,
                contractor_id: None,
                document_id: None,
                actor,
                kind: "logged_out",
                client: &client_info(req),
                details: None,
            },
        )
        .await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(refresh_cookie(state, realm, "", 0))
        .finish())
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
