//! The organisation's audit trail, newest first.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::IssuerScope;
use crate::StoreError;
use crate::entities::event;

/// What the trail is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// The contractor concerned.
    pub contractor_id: Option<i64>,
    /// The document concerned.
    pub document_id: Option<i64>,
    /// Any of these kinds.
    pub kinds: Vec<String>,
    /// Who: `portal_user`, `staff_user`, `api_key` or `system`, with an id or not.
    pub actor: Option<(String, Option<i64>)>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// A page of events (newest first) and how many match.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    filter: &EventFilter,
    page: u32,
    per_page: u32,
) -> Result<(Vec<event::Model>, u64), StoreError> {
    let mut c = Condition::all().add(event::Column::OrganizationId.eq(scope.organization_id()));
    if let Some(id) = filter.contractor_id {
        c = c.add(event::Column::ContractorId.eq(id));
    }
    if let Some(id) = filter.document_id {
        c = c.add(event::Column::DocumentId.eq(id));
    }
    if !filter.kinds.is_empty() {
        c = c.add(event::Column::Kind.is_in(filter.kinds.clone()));
    }
    if let Some((actor_type, actor_id)) = &filter.actor {
        c = c.add(event::Column::ActorType.eq(actor_type.clone()));
        if let Some(id) = actor_id {
            c = c.add(event::Column::ActorId.eq(*id));
        }
    }
    if let Some(from) = filter.from {
        c = c.add(event::Column::CreatedAt.gte(from));
    }
    if let Some(until) = filter.until {
        c = c.add(event::Column::CreatedAt.lt(until));
    }
    let query = event::Entity::find().filter(c);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(event::Column::CreatedAt)
        .order_by_desc(event::Column::Id)
        .offset(u64::from(page - 1) * u64::from(per_page))
        .limit(u64::from(per_page))
        .all(db)
        .await?;
    Ok((rows, total))
}

/// A document's events, oldest first.
pub async fn of_document(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    document_id: i64,
) -> Result<Vec<event::Model>, StoreError> {
    Ok(event::Entity::find()
        .filter(event::Column::OrganizationId.eq(scope.organization_id()))
        .filter(event::Column::DocumentId.eq(document_id))
        .order_by_asc(event::Column::CreatedAt)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}
