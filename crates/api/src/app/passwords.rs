//! Setting a password from a one-time link (an invitation or a reset), for staff and for
//! portal users: the token is used up, the password set, the user's other sessions ended and
//! the event written in one transaction; then the user is signed in.

use portal_store::entities::{contractor, organization, portal_user, staff_user};
use portal_store::events::{self, Actor, NewEvent};
use portal_store::sessions::{self, ClientInfo, Realm};
use portal_store::user_tokens::{self, Purpose};
use portal_types::FieldError;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::auth::signin::{Grant, staff_session};
use crate::error::ApiError;
use crate::state::AppState;

/// The 422 for a link that is unknown, used, superseded or expired.
fn invalid_link() -> ApiError {
    ApiError::field(
        "token",
        "invalid_token",
        "the link is invalid or has expired; ask for a new one",
    )
}

fn policy(password: &str, login: &str) -> Result<(), ApiError> {
    portal_domain::password::check(password, login).map_err(|e| {
        ApiError::Validation(vec![FieldError::new("password", e.code(), e.to_string())])
    })
}

/// Sets a staff member's password from its link and signs it in.
pub async fn set_staff_password(
    state: &AppState,
    token: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<Grant, ApiError> {
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let redeemed = user_tokens::redeem(&txn, Realm::Issuer, token, now)
        .await?
        .ok_or_else(invalid_link)?;
    let member = staff_user::Entity::find_by_id(redeemed.user_id)
        .one(&txn)
        .await?
        .filter(|m| m.active && m.organization_id == redeemed.organization_id)
        .ok_or_else(invalid_link)?;
    policy(password, &member.email)?;
    let org = organization::Entity::find_by_id(member.organization_id)
        .one(&txn)
        .await?
        .ok_or_else(invalid_link)?;
    let hash = state.passwords.hash(password).await?;
    let member = portal_store::issuer::staff::set_password(&txn, member, hash, now).await?;
    sessions::revoke_user_sessions(&txn, Realm::Issuer, member.id, None).await?;
    record(
        &txn,
        org.id,
        None,
        Actor::StaffUser(member.id),
        redeemed.purpose,
        client,
    )
    .await?;
    let grant = staff_session(&txn, state, &member, &org, client, now).await?;
    txn.commit().await?;
    Ok(grant)
}

/// Sets a portal user's password from its link and signs it in (an invited user becomes
/// active). A user whose customer lost portal access, or who was disabled, gets the invalid-link
/// answer.
pub async fn set_portal_password(
    state: &AppState,
    token: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<Grant, ApiError> {
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let redeemed = user_tokens::redeem(&txn, Realm::Portal, token, now)
        .await?
        .ok_or_else(invalid_link)?;
    let user = portal_user::Entity::find_by_id(redeemed.user_id)
        .one(&txn)
        .await?
        .filter(|u| u.organization_id == redeemed.organization_id && u.state != "disabled")
        .ok_or_else(invalid_link)?;
    let customer = contractor::Entity::find_by_id(user.contractor_id)
        .one(&txn)
        .await?
        .filter(|c| c.portal_access && c.archived_at.is_none())
        .ok_or_else(invalid_link)?;
    policy(password, &user.username)?;
    let org = organization::Entity::find_by_id(user.organization_id)
        .one(&txn)
        .await?
        .ok_or_else(invalid_link)?;
    let hash = state.passwords.hash(password).await?;
    let mut active: portal_user::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.password_changed_at = Set(now);
    active.must_change_password = Set(false);
    active.state = Set("active".to_string());
    active.updated_at = Set(now);
    let user = active.update(&txn).await?;
    sessions::revoke_user_sessions(&txn, Realm::Portal, user.id, None).await?;
    record(
        &txn,
        org.id,
        Some(customer.id),
        Actor::PortalUser(user.id),
        redeemed.purpose,
        client,
    )
    .await?;
    let refresh = sessions::issue(
        &txn,
        Realm::Portal,
        user.id,
        org.id,
        None,
        state.settings.refresh_token_ttl,
        client,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Grant {
        realm: Realm::Portal,
        refresh,
        contractor_id: Some(customer.id),
        role: None,
        organization: org.slug,
        locale: customer.locale,
        must_change_password: false,
    })
}

async fn record(
    txn: &impl sea_orm::ConnectionTrait,
    organization_id: i64,
    contractor_id: Option<i64>,
    actor: Actor,
    purpose: Purpose,
    client: &ClientInfo,
) -> Result<(), ApiError> {
    let kind = match purpose {
        Purpose::Invitation => "invitation_accepted",
        Purpose::PasswordReset => "password_reset",
    };
    events::record(
        txn,
        NewEvent {
            organization_id,
            contractor_id,
            document_id: None,
            actor,
            kind,
            client,
            details: None,
        },
    )
    .await?;
    Ok(())
}
