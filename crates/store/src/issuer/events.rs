//! The organisation's audit trail, newest first.

use std::collections::HashMap;

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

/// What the trail's ids stand for, as people know them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// Staff id → name (or e-mail when the name is empty).
    pub staff: HashMap<i64, String>,
    /// Portal user id → full name (or the username when empty).
    pub portal_users: HashMap<i64, String>,
    /// API key id → the key's name.
    pub api_keys: HashMap<i64, String>,
    /// Contractor id → name.
    pub contractors: HashMap<i64, String>,
    /// Document id → (type, number; `None` for a draft).
    pub documents: HashMap<i64, (String, Option<String>)>,
}

/// The names behind the ids of `events`, in five queries whatever their number, all within
/// the organisation (an id of another organisation is never looked up).
pub async fn names(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    events: &[event::Model],
) -> Result<Names, StoreError> {
    use crate::entities::{api_key, contractor, document, portal_user, staff_user};
    let org = scope.organization_id();
    let ids = |actor: Option<&str>, pick: fn(&event::Model) -> Option<i64>| {
        let mut ids: Vec<i64> = events
            .iter()
            .filter(|e| actor.is_none_or(|a| e.actor_type == a))
            .filter_map(pick)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut names = Names::default();
    let staff = ids(Some("staff_user"), |e| e.actor_id);
    if !staff.is_empty() {
        for s in staff_user::Entity::find()
            .filter(staff_user::Column::OrganizationId.eq(org))
            .filter(staff_user::Column::Id.is_in(staff))
            .all(db)
            .await?
        {
            let name = if s.name.trim().is_empty() {
                s.email
            } else {
                s.name
            };
            names.staff.insert(s.id, name);
        }
    }
    let keys = ids(Some("api_key"), |e| e.actor_id);
    if !keys.is_empty() {
        for k in api_key::Entity::find()
            .filter(api_key::Column::OrganizationId.eq(org))
            .filter(api_key::Column::Id.is_in(keys))
            .all(db)
            .await?
        {
            names.api_keys.insert(k.id, k.name);
        }
    }
    let users = ids(Some("portal_user"), |e| e.actor_id);
    if !users.is_empty() {
        for u in portal_user::Entity::find()
            .filter(portal_user::Column::OrganizationId.eq(org))
            .filter(portal_user::Column::Id.is_in(users))
            .all(db)
            .await?
        {
            let full = format!("{} {}", u.first_name.trim(), u.last_name.trim());
            let name = if full.trim().is_empty() {
                u.username
            } else {
                full.trim().to_owned()
            };
            names.portal_users.insert(u.id, name);
        }
    }
    let contractors = ids(None, |e| e.contractor_id);
    if !contractors.is_empty() {
        for c in contractor::Entity::find()
            .filter(contractor::Column::OrganizationId.eq(org))
            .filter(contractor::Column::Id.is_in(contractors))
            .all(db)
            .await?
        {
            names.contractors.insert(c.id, c.name);
        }
    }
    let documents = ids(None, |e| e.document_id);
    if !documents.is_empty() {
        for d in document::Entity::find()
            .filter(document::Column::OrganizationId.eq(org))
            .filter(document::Column::Id.is_in(documents))
            .all(db)
            .await?
        {
            let number = (d.state != "draft").then_some(d.number);
            names.documents.insert(d.id, (d.doc_type, number));
        }
    }
    Ok(names)
}
