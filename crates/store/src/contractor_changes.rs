//! The history of a contractor's data: one row per changed field, by the customer in the
//! portal or by the issuer's staff. Callers reach the contractor through a scoped look-up first.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::StoreError;
use crate::comments::Author;
use crate::entities::contractor_change;

/// One field's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// `email`, `address.city`, …
    pub field: &'static str,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Writes the changes of one save.
pub async fn record(
    db: &impl ConnectionTrait,
    organization_id: i64,
    contractor_id: i64,
    author: &Author,
    changes: &[FieldChange],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (portal_user, staff_user) = match author {
        Author::PortalUser { id, .. } => (Some(*id), None),
        Author::Staff { id, .. } => (None, Some(*id)),
        Author::Integration { .. } => (None, None),
    };
    for change in changes {
        contractor_change::ActiveModel {
            organization_id: Set(organization_id),
            contractor_id: Set(contractor_id),
            changed_at: Set(now),
            side: Set(author.side().to_string()),
            portal_user_id: Set(portal_user),
            staff_user_id: Set(staff_user),
            changed_by: Set(author.name().to_string()),
            field: Set(change.field.to_string()),
            old_value: Set(change.old_value.clone()),
            new_value: Set(change.new_value.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The latest `limit` changes of a contractor, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    organization_id: i64,
    contractor_id: i64,
    limit: u64,
) -> Result<Vec<contractor_change::Model>, StoreError> {
    Ok(contractor_change::Entity::find()
        .filter(contractor_change::Column::OrganizationId.eq(organization_id))
        .filter(contractor_change::Column::ContractorId.eq(contractor_id))
        .order_by_desc(contractor_change::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
