//! The organisation's staff.

use chrono::{DateTime, Utc};
use portal_types::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::IssuerScope;
use crate::entities::staff_user;
use crate::{StoreError, stmt};

/// Every member, owners first, then by name.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
) -> Result<Vec<staff_user::Model>, StoreError> {
    let mut members = staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(scope.organization_id()))
        .order_by_asc(staff_user::Column::Name)
        .order_by_asc(staff_user::Column::Id)
        .all(db)
        .await?;
    members.sort_by_key(|m| m.role != Role::Owner.as_str());
    Ok(members)
}

/// One member of the organisation.
pub async fn find(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: i64,
) -> Result<Option<staff_user::Model>, StoreError> {
    Ok(staff_user::Entity::find_by_id(id)
        .filter(staff_user::Column::OrganizationId.eq(scope.organization_id()))
        .one(db)
        .await?)
}

/// Whether any staff member (of any organisation: the e-mail is the sign-in name) has this
/// address.
pub async fn email_taken(db: &impl ConnectionTrait, email: &str) -> Result<bool, StoreError> {
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::EmailLower.eq(email.to_lowercase()))
        .one(db)
        .await?
        .is_some())
}

/// A new member who has been invited and has no password yet (`unusable_hash` verifies no
/// password anybody knows).
pub async fn insert_invited(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    email: &str,
    name: &str,
    role: Role,
    unusable_hash: &str,
    now: DateTime<Utc>,
) -> Result<staff_user::Model, StoreError> {
    Ok(staff_user::ActiveModel {
        organization_id: Set(scope.organization_id()),
        email: Set(email.to_string()),
        email_lower: Set(email.to_lowercase()),
        name: Set(name.to_string()),
        password_hash: Set(unusable_hash.to_string()),
        role: Set(role.as_str().to_string()),
        active: Set(true),
        invited: Set(true),
        last_login_at: Set(None),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Locks the organisation's active owners until the transaction ends (PostgreSQL; SQLite's
/// single writer needs no lock), so that two concurrent changes cannot both remove "the other"
/// owner.
pub async fn lock_owners(db: &impl ConnectionTrait, scope: IssuerScope) -> Result<(), StoreError> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.query_all_raw(stmt(
            db,
            "SELECT id FROM staff_users WHERE organization_id = $1 AND role = 'owner' AND active FOR UPDATE",
            vec![scope.organization_id().into()],
        ))
        .await?;
    }
    Ok(())
}

/// How many active owners the organisation has.
pub async fn active_owners(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(scope.organization_id()))
        .filter(staff_user::Column::Role.eq(Role::Owner.as_str()))
        .filter(staff_user::Column::Active.eq(true))
        .count(db)
        .await?)
}

/// Writes a member's changed fields.
pub async fn update(
    db: &impl ConnectionTrait,
    member: staff_user::ActiveModel,
) -> Result<staff_user::Model, StoreError> {
    Ok(member.update(db).await?)
}

/// Sets a member's password (ending the invitation) at `now`.
pub async fn set_password(
    db: &impl ConnectionTrait,
    member: staff_user::Model,
    hash: String,
    now: DateTime<Utc>,
) -> Result<staff_user::Model, StoreError> {
    let mut active: staff_user::ActiveModel = member.into();
    active.password_hash = Set(hash);
    active.password_changed_at = Set(now);
    active.invited = Set(false);
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// Who hears about a customer's action: the customer's salesperson when it is an active member
/// who has chosen a password, else every such owner and admin.
pub async fn responsible_for(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    salesperson_id: Option<i64>,
) -> Result<Vec<staff_user::Model>, StoreError> {
    if let Some(id) = salesperson_id
        && let Some(member) = find(db, scope, id)
            .await?
            .filter(|m| m.active && !m.invited)
    {
        return Ok(vec![member]);
    }
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::OrganizationId.eq(scope.organization_id()))
        .filter(staff_user::Column::Role.is_in([Role::Owner.as_str(), Role::Admin.as_str()]))
        .filter(staff_user::Column::Active.eq(true))
        .filter(staff_user::Column::Invited.eq(false))
        .order_by_asc(staff_user::Column::Id)
        .all(db)
        .await?)
}
