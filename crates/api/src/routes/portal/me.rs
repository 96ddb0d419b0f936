//! The signed-in portal user's own account: who it is, names and e-mail, password.

use actix_web::{HttpResponse, get, patch, post, web};
use portal_types::{
    FieldError, PasswordChange, PortalMe, PortalMeUpdate, PortalPermissions, Problem,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

use crate::auth::session_ended;
use crate::auth::{PortalSession, Realm};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;
use portal_store::entities::{contractor, organization, portal_user};
use portal_store::portal::released_types;
use portal_store::sessions::revoke_user_sessions;
use portal_store::throttle::{self, ThrottleKey};
use portal_store::{events, stmt};

/// The portal's release settings of an organisation, as the customer sees them.
pub fn permissions(org: &organization::Model) -> PortalPermissions {
    PortalPermissions {
        document_types: released_types(org)
            .into_iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        download: org.portal_allow_download,
        comment: org.portal_allow_comments,
        accept_offers: org.portal_allow_offer_decisions,
        rejection_reason_required: org.portal_rejection_reason_required,
        pay: org.portal_allow_payments,
        pay_partial_minimum: None,
    }
}

/// Loads the portal user of a session with its contractor and organisation, all checked to
/// belong together.
pub async fn load_portal_me(
    state: &AppState,
    session: &PortalSession,
) -> Result<PortalMe, ApiError> {
    let user = portal_user::Entity::find_by_id(session.portal_user_id)
        .one(&state.db)
        .await?
        .filter(|u| {
            u.organization_id == session.organization_id && u.contractor_id == session.contractor_id
        })
        .ok_or_else(session_ended)?;
    let contractor = contractor::Entity::find_by_id(session.contractor_id)
        .one(&state.db)
        .await?
        .filter(|c| c.organization_id == session.organization_id)
        .ok_or_else(session_ended)?;
    let org = &session.organization;
    Ok(PortalMe {
        id: user.id,
        username: user.username,
        first_name: user.first_name,
        last_name: user.last_name,
        email: user.email,
        contractor_id: contractor.id,
        contractor_name: contractor.name,
        locale: contractor.locale,
        permissions: {
            // Online payment needs a connected provider and, where the issuer says so, a
            // customer selected for it.
            let online = crate::app::online_payments::online_allowed(state, session).await?;
            PortalPermissions {
                pay: online.is_some(),
                pay_partial_minimum: online
                    .filter(|(settings, _)| settings.allow_partial)
                    .map(|(settings, _)| settings.partial_minimum),
                ..permissions(org)
            }
        },
        organization: org.slug.clone(),
        organization_name: org.legal_name.clone(),
        last_login_at: previous_sign_in(state, session).await?,
    })
}

/// When the user signed in before this session: the latest `logged_in` event of the user that
/// precedes the session's first refresh token.
async fn previous_sign_in(
    state: &AppState,
    session: &PortalSession,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    let row = state
        .db
        .query_one_raw(stmt(
            &state.db,
            "SELECT MAX(e.created_at) AS at FROM events e
             WHERE e.organization_id = $1 AND e.kind = 'logged_in' AND e.actor_type = 'portal_user'
               AND e.actor_id = $2
               AND e.created_at < (SELECT MIN(t.created_at) FROM refresh_tokens t WHERE t.family_id = $3)",
            vec![
                session.organization_id.into(),
                session.portal_user_id.into(),
                session.session_id.clone().into(),
            ],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "at")?,
        None => None,
    })
}

/// The signed-in portal user, the customer it acts for and what the portal allows.
#[utoipa::path(
    tag = "portal: account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in portal user", body = PortalMe),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn portal_me(
    state: web::Data<AppState>,
    session: PortalSession,
) -> Result<web::Json<PortalMe>, ApiError> {
    Ok(web::Json(load_portal_me(&state, &session).await?))
}

/// A person's name: trimmed, 1–100 characters, no control characters.
fn valid_name(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = value.trim();
    let length = value.chars().count();
    if length == 0 {
        errors.push(FieldError::new(
            field,
            "required",
            format!("`{field}` must not be empty"),
        ));
        None
    } else if length > 100 {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("`{field}` must have at most 100 characters"),
        ));
        None
    } else if value.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            "invalid_characters",
            format!("`{field}` contains control characters"),
        ));
        None
    } else {
        Some(value.to_string())
    }
}

/// An e-mail address, loosely: one `@`, something before it, a dotted domain after it.
fn valid_email(value: &str, errors: &mut Vec<FieldError>) -> Option<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        return Some(None);
    }
    let ok = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Some(Some(value.to_string()))
    } else {
        errors.push(FieldError::new(
            "email",
            "invalid_email",
            "not an e-mail address",
        ));
        None
    }
}

/// Change the portal user's own first name, last name or e-mail. The customer (contractor)
/// and the username are read-only here.
#[utoipa::path(
    tag = "portal: account",
    security(("bearer" = [])),
    request_body = PortalMeUpdate,
    responses(
        (status = 200, description = "Saved; the updated account", body = PortalMe),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (unknown fields such as `username` included)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
async fn update_portal_me(
    state: web::Data<AppState>,
    session: PortalSession,
    body: ApiJson<PortalMeUpdate>,
) -> Result<web::Json<PortalMe>, ApiError> {
    let body = body.0;
    let mut errors = Vec::new();
    let first_name = body
        .first_name
        .as_deref()
        .map(|v| valid_name("first_name", v, &mut errors));
    let last_name = body
        .last_name
        .as_deref()
        .map(|v| valid_name("last_name", v, &mut errors));
    let email = body.email.as_deref().map(|v| valid_email(v, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = portal_user::Entity::find_by_id(session.portal_user_id)
        .one(&state.db)
        .await?
        .filter(|u| {
            u.organization_id == session.organization_id && u.contractor_id == session.contractor_id
        })
        .ok_or_else(session_ended)?;
    let mut changed = Vec::new();
    let mut active = user.clone().into_active_model();
    if let Some(Some(v)) = first_name
        && v != user.first_name
    {
        active.first_name = Set(v);
        changed.push("first_name");
    }
    if let Some(Some(v)) = last_name
        && v != user.last_name
    {
        active.last_name = Set(v);
        changed.push("last_name");
    }
    if let Some(Some(v)) = email
        && v != user.email
    {
        active.email = Set(v);
        changed.push("email");
    }
    if !changed.is_empty() {
        active.updated_at = Set(portal_store::now());
        active.update(&state.db).await?;
        events::record_portal(
            &state.db,
            session.actor(),
            "changed_data",
            None,
            Some(serde_json::json!({ "fields": changed })),
        )
        .await?;
    }
    Ok(web::Json(load_portal_me(&state, &session).await?))
}

/// Change the portal user's password. The new password is typed twice; it needs at least
/// ten characters and must not be a common one. Other sessions of the user end.
#[utoipa::path(
    tag = "portal: account",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; the user's other sessions have ended"),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Mismatch (`new_password_repeat`), wrong current password (`current_password`) or too weak (`new_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    session: PortalSession,
    body: ApiJson<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let user = portal_user::Entity::find_by_id(session.portal_user_id)
        .one(&state.db)
        .await?
        .filter(|u| {
            u.organization_id == session.organization_id && u.contractor_id == session.contractor_id
        })
        .ok_or_else(session_ended)?;
    let mut errors = Vec::new();
    if body.new_password != body.new_password_repeat {
        errors.push(FieldError::new(
            "new_password_repeat",
            "mismatch",
            "the two new passwords differ",
        ));
    }
    if let Err(e) = portal_domain::password::check(&body.new_password, &user.username) {
        errors.push(FieldError::new("new_password", e.code(), e.to_string()));
    }
    if body.new_password == body.current_password && errors.is_empty() {
        errors.push(FieldError::new(
            "new_password",
            "unchanged",
            "the new password is the current one",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let org = &session.organization;
    let key = ThrottleKey::account(
        Realm::Portal.as_str(),
        &org.slug,
        &user.username,
        &state.settings.throttle,
    );
    let now = portal_store::now();
    crate::auth::check_throttle(&state.db, std::slice::from_ref(&key), now).await?;
    if !state
        .passwords
        .verify(&body.current_password, Some(&user.password_hash))
        .await?
    {
        throttle::record_failure(
            &state.db,
            std::slice::from_ref(&key),
            &state.settings.throttle,
            now,
        )
        .await?;
        return Err(ApiError::field(
            "current_password",
            "invalid_password",
            "the current password is wrong",
        ));
    }
    let hash = state.passwords.hash(&body.new_password).await?;
    let mut active = user.into_active_model();
    active.password_hash = Set(hash);
    active.password_changed_at = Set(now);
    active.must_change_password = Set(false);
    active.updated_at = Set(now);
    // The new password, the end of the other sessions and the event, all or nothing: a
    // password changed because it leaked must not leave the thief's session alive.
    let txn = portal_store::begin_write(&state.db).await?;
    active.update(&txn).await?;
    revoke_user_sessions(
        &txn,
        Realm::Portal,
        session.portal_user_id,
        Some(&session.session_id),
    )
    .await?;
    events::record_portal(&txn, session.actor(), "password_changed", None, None).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
