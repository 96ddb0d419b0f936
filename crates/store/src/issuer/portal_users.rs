//! The portal users of the organisation's contractors.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, Set,
};

use super::IssuerScope;
use crate::StoreError;
use crate::entities::portal_user;

/// A contractor's portal users, by username.
pub async fn of_contractor(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    contractor_id: i64,
) -> Result<Vec<portal_user::Model>, StoreError> {
    Ok(portal_user::Entity::find()
        .filter(portal_user::Column::OrganizationId.eq(scope.organization_id()))
        .filter(portal_user::Column::ContractorId.eq(contractor_id))
        .order_by_asc(portal_user::Column::UsernameLower)
        .order_by_asc(portal_user::Column::Id)
        .all(db)
        .await?)
}

/// One portal user of the organisation.
pub async fn find(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: i64,
) -> Result<Option<portal_user::Model>, StoreError> {
    Ok(portal_user::Entity::find_by_id(id)
        .filter(portal_user::Column::OrganizationId.eq(scope.organization_id()))
        .one(db)
        .await?)
}

/// Whether the organisation has a portal user with this username (case-insensitive).
pub async fn username_taken(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    username: &str,
) -> Result<bool, StoreError> {
    Ok(portal_user::Entity::find()
        .filter(portal_user::Column::OrganizationId.eq(scope.organization_id()))
        .filter(portal_user::Column::UsernameLower.eq(username.to_lowercase()))
        .one(db)
        .await?
        .is_some())
}

/// A new portal user of `contractor_id`.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    contractor_id: i64,
    username: &str,
    first_name: &str,
    last_name: &str,
    email: Option<String>,
    password_hash: String,
    state: &str,
    must_change_password: bool,
    now: DateTime<Utc>,
) -> Result<portal_user::Model, StoreError> {
    Ok(portal_user::ActiveModel {
        organization_id: Set(scope.organization_id()),
        contractor_id: Set(contractor_id),
        username: Set(username.to_string()),
        username_lower: Set(username.to_lowercase()),
        first_name: Set(first_name.to_string()),
        last_name: Set(last_name.to_string()),
        email: Set(email),
        password_hash: Set(password_hash),
        state: Set(state.to_string()),
        must_change_password: Set(must_change_password),
        last_login_at: Set(None),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Writes changed fields.
pub async fn update(
    db: &impl ConnectionTrait,
    mut model: portal_user::ActiveModel,
    now: DateTime<Utc>,
) -> Result<portal_user::Model, StoreError> {
    model.updated_at = Set(now);
    Ok(model.update(db).await?)
}

/// Deletes a portal user (a trigger ends its sessions).
pub async fn delete(db: &impl ConnectionTrait, user: portal_user::Model) -> Result<(), StoreError> {
    user.delete(db).await?;
    Ok(())
}

/// Every enabled portal user of the organisation whose username or e-mail is `login`
/// (case-insensitive), with a contractor that has portal access and is not archived: whom a
/// password reset may go to.
pub async fn by_login(
    db: &impl ConnectionTrait,
    organization_id: i64,
    login: &str,
) -> Result<Vec<portal_user::Model>, StoreError> {
    let login = login.trim().to_lowercase();
    let rows = db
        .query_all_raw(crate::stmt(
            db,
            "SELECT u.id FROM portal_users u JOIN contractors c ON c.id = u.contractor_id
             WHERE u.organization_id = $1 AND u.state <> 'disabled' AND c.portal_access
               AND c.archived_at IS NULL AND (u.username_lower = $2 OR LOWER(u.email) = $2)",
            vec![organization_id.into(), login.into()],
        ))
        .await?;
    let ids = rows
        .iter()
        .map(|r| r.try_get::<i64>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(portal_user::Entity::find()
        .filter(portal_user::Column::Id.is_in(ids))
        .all(db)
        .await?)
}
