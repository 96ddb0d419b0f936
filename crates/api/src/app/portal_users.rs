//! Portal users: created with a password the issuer types (Prim) or invited by mail (a one-time
//! link to set a password, 7 days), changed, disabled, deleted; and the customer's own "forgot
//! password", which mails a reset link where such a user exists and says the same either way.

use chrono::Duration;
use portal_domain::access::Permission;
use portal_domain::fields;
use portal_domain::locale::Locale;
use portal_store::entities::{contractor, organization, portal_user};
use portal_store::events::{self, Actor, NewEvent};
use portal_store::issuer::{contractors, portal_users};
use portal_store::outbox;
use portal_store::sessions::{ClientInfo, Realm};
use portal_store::user_tokens::{self, Purpose};
use portal_types::{FieldError, NewPortalUser, PortalUserUpdate};
use sea_orm::{ConnectionTrait, Set};

use super::links;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::mail::templates;
use crate::state::AppState;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 2;

fn username(value: &str) -> Result<String, FieldError> {
    fields::required_text("username", value, 100)
}

fn taken() -> ApiError {
    ApiError::conflict_field(
        "username",
        "taken",
        "another portal user of this organisation has this username",
    )
}

/// Queues the mail with a set-password link for `user`, in its contractor's language.
#[allow(clippy::too_many_arguments)]
async fn mail_link(
    state: &AppState,
    db: &impl ConnectionTrait,
    org: &organization::Model,
    customer: &contractor::Model,
    user: &portal_user::Model,
    purpose: Purpose,
    email: &str,
) -> Result<(), ApiError> {
    let now = portal_store::now();
    let valid_for = match purpose {
        Purpose::Invitation => Duration::days(INVITATION_DAYS),
        Purpose::PasswordReset => Duration::hours(RESET_HOURS),
    };
    let token =
        user_tokens::create(db, org.id, Realm::Portal, user.id, purpose, valid_for, now).await?;
    let locale = Locale::parse(&customer.locale).unwrap_or_default();
    let words = match purpose {
        Purpose::Invitation => templates::portal_invitation(
            locale,
            &org.legal_name,
            Some(&user.first_name),
            &user.username,
            INVITATION_DAYS,
        ),
        Purpose::PasswordReset => {
            templates::password_reset(locale, &org.legal_name, Some(&user.first_name), RESET_HOURS)
        }
    };
    let link = links::portal(
        &state.settings,
        &org.slug,
        &format!("/set-password?token={token}"),
    );
    let name = format!("{} {}", user.first_name, user.last_name);
    let mail = templates::compose(locale, email, Some(name.trim()), words, &link);
    outbox::enqueue_email(db, Some(org.id), &mail, now).await?;
    Ok(())
}

async fn record(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    contractor_id: i64,
    kind: &'static str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    events::record(
        db,
        NewEvent {
            organization_id: session.organization_id,
            contractor_id: Some(contractor_id),
            document_id: None,
            actor: session.actor(),
            kind,
            client: &session.client,
            details: Some(details),
        },
    )
    .await?;
    Ok(())
}

/// Creates a portal user of a contractor: active at once with a typed password, or invited by
/// mail without one.
pub async fn create(
    state: &AppState,
    session: &IssuerSession,
    contractor_id: i64,
    input: NewPortalUser,
) -> Result<portal_user::Model, ApiError> {
    session.require(Permission::ManagePortalUsers)?;
    let mut errors = Vec::new();
    let mut take = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();
    let name = take(username(&input.username));
    let first = take(fields::person_name("first_name", &input.first_name));
    let last = take(fields::person_name("last_name", &input.last_name));
    let email = match input.email.as_deref() {
        Some(e) => fields::optional_email("email", e)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten(),
        None => None,
    };
    if input.password.is_none() && email.is_none() && !errors.iter().any(|e| e.field == "email") {
        errors.push(FieldError::new(
            "email",
            "required",
            "an invitation needs an e-mail address (or give a password)",
        ));
    }
    if let (Some(password), Some(name)) = (&input.password, &name)
        && let Err(e) = portal_domain::password::check(password, name)
    {
        errors.push(FieldError::new("password", e.code(), e.to_string()));
    }
    let (Some(name), Some(first), Some(last), true) = (name, first, last, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let scope = session.scope();
    let customer = contractors::find(&state.db, scope, contractor_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (hash, user_state) = match &input.password {
        Some(password) => (state.passwords.hash(password).await?, "active"),
        None => (state.passwords.unusable_hash(), "invited"),
    };
    let must_change = input
        .must_change_password
        .unwrap_or(input.password.is_some());
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    if portal_users::username_taken(&txn, scope, &name).await? {
        return Err(taken());
    }
    let user = portal_users::insert(
        &txn,
        scope,
        customer.id,
        &name,
        &first,
        &last,
        email.clone(),
        hash,
        user_state,
        must_change,
        now,
    )
    .await
    .map_err(|e| {
        if e.is_unique_violation() {
            taken()
        } else {
            e.into()
        }
    })?;
    if input.password.is_none()
        && let Some(email) = &email
    {
        mail_link(
            state,
            &txn,
            &session.organization,
            &customer,
            &user,
            Purpose::Invitation,
            email,
        )
        .await?;
    }
    let kind = if input.password.is_some() {
        "portal_user_created"
    } else {
        "portal_user_invited"
    };
    record(
        &txn,
        session,
        customer.id,
        kind,
        serde_json::json!({ "portal_user_id": user.id }),
    )
    .await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(user)
}

/// Sends a new invitation link (the earlier one stops working).
pub async fn resend_invitation(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
) -> Result<portal_user::Model, ApiError> {
    session.require(Permission::ManagePortalUsers)?;
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let user = portal_users::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if user.state == "disabled" {
        return Err(ApiError::Conflict {
            code: "portal_user_disabled",
            detail: "enable the portal user before inviting it".to_string(),
        });
    }
    let Some(email) = user.email.clone() else {
        return Err(ApiError::Conflict {
            code: "no_email",
            detail: "the portal user has no e-mail address to send the invitation to".to_string(),
        });
    };
    let customer = contractors::find(&txn, scope, user.contractor_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    mail_link(
        state,
        &txn,
        &session.organization,
        &customer,
        &user,
        Purpose::Invitation,
        &email,
    )
    .await?;
    record(
        &txn,
        session,
        customer.id,
        "portal_user_invited",
        serde_json::json!({ "portal_user_id": user.id, "resent": true }),
    )
    .await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(user)
}

/// Changes a portal user's names, e-mail, whether it may sign in, or whether it must choose a
/// new password. Disabling ends its sessions at once (a trigger does it).
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    input: PortalUserUpdate,
) -> Result<portal_user::Model, ApiError> {
    session.require(Permission::ManagePortalUsers)?;
    let mut errors = Vec::new();
    let first = input.first_name.as_deref().and_then(|v| {
        fields::person_name("first_name", v)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let last = input.last_name.as_deref().and_then(|v| {
        fields::person_name("last_name", v)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let email = input.email.as_deref().and_then(|v| {
        fields::optional_email("email", v)
            .map_err(|e| errors.push(e))
            .ok()
    });
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let scope = session.scope();
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let current = portal_users::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut model: portal_user::ActiveModel = current.clone().into();
    let mut changed = Vec::new();
    if let Some(v) = first.filter(|v| *v != current.first_name) {
        model.first_name = Set(v);
        changed.push("first_name");
    }
    if let Some(v) = last.filter(|v| *v != current.last_name) {
        model.last_name = Set(v);
        changed.push("last_name");
    }
    if let Some(v) = email.filter(|v| *v != current.email) {
        model.email = Set(v);
        changed.push("email");
    }
    if let Some(v) = input
        .must_change_password
        .filter(|v| *v != current.must_change_password)
    {
        model.must_change_password = Set(v);
        changed.push("must_change_password");
    }
    if let Some(enabled) = input.enabled {
        let new_state = match (enabled, current.state.as_str()) {
            (false, _) => "disabled",
            (true, "disabled") if current.last_login_at.is_some() => "active",
            (true, "disabled") => "invited",
            (true, other) => other,
        };
        if new_state != current.state {
            model.state = Set(new_state.to_string());
            changed.push("enabled");
        }
    }
    if changed.is_empty() {
        return Ok(current);
    }
    let saved = portal_users::update(&txn, model, now).await?;
    record(
        &txn,
        session,
        saved.contractor_id,
        "portal_user_changed",
        serde_json::json!({ "portal_user_id": id, "fields": changed }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Deletes a portal user; its sessions end at once.
pub async fn delete(state: &AppState, session: &IssuerSession, id: i64) -> Result<(), ApiError> {
    session.require(Permission::ManagePortalUsers)?;
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let user = portal_users::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let contractor_id = user.contractor_id;
    let username = user.username.clone();
    portal_users::delete(&txn, user).await?;
    record(
        &txn,
        session,
        contractor_id,
        "portal_user_deleted",
        serde_json::json!({ "portal_user_id": id, "username": username }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// "Forgot password": mails a reset link to every enabled portal user of the organisation whose
/// username or e-mail is `login`, and nothing otherwise. The caller answers the same either way
/// without waiting for this.
pub async fn request_reset(
    state: &AppState,
    slug: &str,
    login: &str,
    client: &ClientInfo,
) -> Result<(), ApiError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let Some(org) = organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(&state.db)
        .await?
    else {
        return Ok(());
    };
    let txn = portal_store::begin_write(&state.db).await?;
    let users = portal_users::by_login(&txn, org.id, login).await?;
    for user in &users {
        let Some(email) = user.email.clone() else {
            continue;
        };
        let customer = contractor::Entity::find_by_id(user.contractor_id)
            .one(&txn)
            .await?
            .ok_or(ApiError::NotFound)?;
        mail_link(
            state,
            &txn,
            &org,
            &customer,
            user,
            Purpose::PasswordReset,
            &email,
        )
        .await?;
        events::record(
            &txn,
            NewEvent {
                organization_id: org.id,
                contractor_id: Some(customer.id),
                document_id: None,
                actor: Actor::PortalUser(user.id),
                kind: "password_reset_requested",
                client,
                details: None,
            },
        )
        .await?;
    }
    txn.commit().await?;
    if !users.is_empty() {
        state.outbox.wake();
    }
    Ok(())
}
