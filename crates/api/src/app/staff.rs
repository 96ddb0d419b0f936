//! Inviting staff, changing their roles, deactivating them, and their first password.

use chrono::Duration;
use portal_domain::access::{self, Permission};
use portal_domain::locale::Locale;
use portal_store::entities::staff_user;
use portal_store::issuer::staff;
use portal_store::outbox;
use portal_store::sessions::Realm;
use portal_store::user_tokens::{self, Purpose};
use portal_types::{Role, StaffInvite, StaffUpdate};
use sea_orm::Set;

use super::links;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::mail::templates;
use crate::state::AppState;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// Invites a colleague: the member (invited, no password yet), the one-time link, the mail and
/// the event, in one transaction.
pub async fn invite(
    state: &AppState,
    session: &IssuerSession,
    invite: StaffInvite,
) -> Result<staff_user::Model, ApiError> {
    session.require(Permission::ManageStaff)?;
    let mut errors = Vec::new();
    let email = portal_domain::fields::email("email", &invite.email).map_err(|e| errors.push(e));
    let name = portal_domain::fields::person_name("name", &invite.name).map_err(|e| errors.push(e));
    let (Ok(email), Ok(name)) = (email, name) else {
        return Err(ApiError::Validation(errors));
    };
    if !access::may_grant(session.role, None, invite.role) {
        return Err(ApiError::Forbidden {
            code: "insufficient_role",
            detail: "only an owner may make an owner",
        });
    }
    let scope = session.scope();
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    if staff::email_taken(&txn, &email).await? {
        return Err(ApiError::conflict_field(
            "email",
            "taken",
            "a staff member with this e-mail address exists",
        ));
    }
    let member = staff::insert_invited(
        &txn,
        scope,
        &email,
        &name,
        invite.role,
        &state.passwords.unusable_hash(),
        now,
    )
    .await?;
    let token = user_tokens::create(
        &txn,
        scope.organization_id(),
        Realm::Issuer,
        member.id,
        Purpose::Invitation,
        Duration::days(INVITATION_DAYS),
        now,
    )
    .await?;
    let org = &session.organization;
    let locale = Locale::parse(&org.default_locale).unwrap_or_default();
    let inviter_id = session
        .staff_user_id()
        .ok_or_else(|| ApiError::internal("a key got past the staff permission"))?;
    let inviter = staff::find(&txn, scope, inviter_id)
        .await?
        .map_or_else(|| org.legal_name.clone(), |m| m.name);
    let words = templates::staff_invitation(
        locale,
        &org.legal_name,
        Some(&member.name),
        &inviter,
        INVITATION_DAYS,
    );
    let link = links::admin(&state.settings, &format!("/set-password?token={token}"));
    let mail = templates::compose(locale, &member.email, Some(&member.name), words, &link);
    outbox::enqueue_email(&txn, Some(scope.organization_id()), &mail, now).await?;
    session
        .record(
            &txn,
            "staff_invited",
            serde_json::json!({ "staff_user_id": member.id, "role": invite.role }),
        )
        .await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(member)
}

/// Changes a member's name, role or whether it may sign in. Ownership is given and taken by
/// owners only, and the organisation always keeps an active owner.
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    update: StaffUpdate,
) -> Result<staff_user::Model, ApiError> {
    session.require(Permission::ManageStaff)?;
    let name = update
        .name
        .as_deref()
        .map(|n| portal_domain::fields::person_name("name", n))
        .transpose()
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let scope = session.scope();
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    staff::lock_owners(&txn, scope).await?;
    let member = staff::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let current = Role::parse(&member.role)
        .ok_or_else(|| ApiError::internal(format!("unknown role {}", member.role)))?;
    let touches_owner = current == Role::Owner || update.role == Some(Role::Owner);
    let changes_role = update.role.is_some_and(|r| r != current);
    let changes_access = update.active.is_some_and(|a| a != member.active);
    if (changes_role || (changes_access && touches_owner))
        && !access::may_grant(session.role, Some(current), update.role.unwrap_or(current))
    {
        return Err(ApiError::Forbidden {
            code: "insufficient_role",
            detail: "only an owner may make, unmake or deactivate an owner",
        });
    }
    let mut changed = Vec::new();
    let mut active: staff_user::ActiveModel = member.clone().into();
    if let Some(name) = name.filter(|n| *n != member.name) {
        active.name = Set(name);
        changed.push("name");
    }
    if let Some(role) = update.role.filter(|_| changes_role) {
        active.role = Set(role.as_str().to_string());
        changed.push("role");
    }
    if let Some(flag) = update.active.filter(|_| changes_access) {
        active.active = Set(flag);
        changed.push("active");
    }
    if changed.is_empty() {
        return Ok(member);
    }
    active.updated_at = Set(now);
    let saved = staff::update(&txn, active).await?;
    if staff::active_owners(&txn, scope).await? == 0 {
        return Err(ApiError::Conflict {
            code: "last_owner",
            detail: "the organisation must keep an active owner".to_string(),
        });
    }
    session
        .record(
            &txn,
            "staff_changed",
            serde_json::json!({ "staff_user_id": id, "fields": changed }),
        )
        .await?;
    txn.commit().await?;
    Ok(saved)
}
