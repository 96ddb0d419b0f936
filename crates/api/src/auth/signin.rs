//! Signing in, refreshing and signing out, shared by both realms: the refresh cookie, the
//! access-token grant, the throttle keys and the checks a sign-in repeats on every refresh.
//! The endpoints are in `routes/portal/auth.rs` and `routes/issuer/auth.rs`.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse};
use portal_store::entities::{contractor, organization, portal_user, staff_user};
use portal_store::events::{self, Actor, NewEvent};
use portal_store::sessions::{self, ClientInfo, IssuedRefresh, Rotation};
use portal_store::throttle::ThrottleKey;
use portal_types::TokenResponse;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::{Realm, client_info, invalid_refresh, refresh_token_reused};
use crate::error::ApiError;
use crate::state::AppState;

/// The refresh cookie's name and path for a realm.
pub fn cookie_name(realm: Realm, tls: bool) -> &'static str {
    match (realm, tls) {
        (Realm::Portal, false) => "portal_refresh",
        (Realm::Portal, true) => "__Secure-portal_refresh",
        (Realm::Issuer, false) => "issuer_refresh",
        (Realm::Issuer, true) => "__Secure-issuer_refresh",
    }
}

pub(crate) fn cookie_path(realm: Realm) -> &'static str {
    match realm {
        Realm::Portal => "/api/v1/portal/auth",
        Realm::Issuer => "/api/v1/issuer/auth",
    }
}

/// The refresh cookie: HttpOnly so scripts never see it, SameSite=Strict so other sites cannot
/// make the browser send it, and scoped to the auth path so no other request carries it.
/// (`__Host-` would demand Path=/; the narrower path is worth more, so TLS gets `__Secure-`.)
pub(crate) fn refresh_cookie(
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

pub struct Grant {
    pub realm: Realm,
    pub refresh: IssuedRefresh,
    pub contractor_id: Option<i64>,
    pub role: Option<String>,
    pub organization: String,
    pub locale: String,
    pub must_change_password: bool,
}

/// Starts a session for a staff member of `org`, in `db` (the caller's transaction where it
/// has one): the grant to answer with once that commits.
pub(crate) async fn staff_session(
    db: &impl sea_orm::ConnectionTrait,
    state: &AppState,
    member: &staff_user::Model,
    org: &organization::Model,
    client: &ClientInfo,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Grant, ApiError> {
    let refresh = sessions::issue(
        db,
        Realm::Issuer,
        member.id,
        org.id,
        None,
        state.settings.refresh_token_ttl,
        client,
        now,
    )
    .await?;
    Ok(Grant {
        realm: Realm::Issuer,
        refresh,
        contractor_id: None,
        role: Some(member.role.clone()),
        organization: org.slug.clone(),
        locale: org.default_locale.clone(),
        must_change_password: false,
    })
}

pub(crate) fn grant_response(state: &AppState, grant: Grant) -> Result<HttpResponse, ApiError> {
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
pub(crate) const MAX_SLUG: usize = 100;
pub(crate) const MAX_LOGIN: usize = 254;
pub(crate) const MAX_PASSWORD: usize = 1024;

/// Each field must be non-empty and at most its length in characters.
pub(crate) fn required(fields: &[(&str, &str, usize)]) -> Result<(), ApiError> {
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

pub(crate) fn throttle_keys(
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
pub(crate) async fn portal_account(
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
        .filter(|c| {
            c.portal_access
                && c.archived_at.is_none()
                && c.organization_id == org.id
                && user.state != "disabled"
        })
        .map(|c| (user, c)))
}

pub(crate) fn presented_cookie(
    state: &AppState,
    req: &HttpRequest,
    realm: Realm,
) -> Option<String> {
    req.cookie(cookie_name(realm, state.settings.tls))
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

/// Rotates the refresh cookie and answers a new access token, provided the user may still
/// sign in; otherwise the session is ended.
pub(crate) async fn refresh_for(
    state: &AppState,
    req: &HttpRequest,
    realm: Realm,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_cookie(state, req, realm).ok_or_else(invalid_refresh)?;
    let client = client_info(req);
    let rotation = sessions::rotate(
        &state.db,
        realm,
        &presented,
        state.settings.refresh_token_ttl,
        &client,
    )
    .await?;
    let issued = match rotation {
        Rotation::Rotated(issued) => issued,
        Rotation::Reused => return Err(refresh_token_reused()),
        Rotation::Invalid => return Err(invalid_refresh()),
    };
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
            sessions::revoke_family(&state.db, &issued.family).await?;
            Err(invalid_refresh())
        }
    }
}

/// Ends the session of the presented refresh cookie (if any) and clears the cookie.
pub(crate) async fn logout_for(
    state: &AppState,
    req: &HttpRequest,
    realm: Realm,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_cookie(state, req, realm);
    let known = match presented {
        Some(token) => sessions::family_of(&state.db, realm, &token).await?,
        None => None,
    };
    if let Some((family, user_id, organization_id)) = known {
        sessions::revoke_family(&state.db, &family).await?;
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
