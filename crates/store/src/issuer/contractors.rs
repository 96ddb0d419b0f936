//! The organisation's contractors (customers and suppliers).

use chrono::{DateTime, Utc};
use portal_domain::filter::fold;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::IssuerScope;
use crate::StoreError;
use crate::entities::contractor;

/// What the contractor search matches: name, tax id, VAT number and e-mail, case-folded in Rust
/// so that it behaves alike on both databases. Every writer of a contractor sets it from here.
pub fn search_text(
    name: &str,
    tax_id: Option<&str>,
    vat_number: Option<&str>,
    email: Option<&str>,
) -> String {
    let mut text = fold(name);
    for part in [tax_id, vat_number, email].into_iter().flatten() {
        text.push('\u{1f}');
        text.push_str(&fold(part));
    }
    text
}

/// Sets `search_text` from the model's fields (after any change to them).
pub fn refresh_search_text(model: &mut contractor::ActiveModel) {
    let text = |v: &sea_orm::ActiveValue<Option<String>>| match v {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.clone(),
        sea_orm::ActiveValue::NotSet => None,
    };
    let name = match &model.name {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.clone(),
        sea_orm::ActiveValue::NotSet => String::new(),
    };
    model.search_text = Set(search_text(
        &name,
        text(&model.tax_id).as_deref(),
        text(&model.vat_number).as_deref(),
        text(&model.email).as_deref(),
    ));
}

/// The order of a contractor list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractorSort {
    /// By name (then id).
    Name,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

/// What a contractor list is filtered by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractorFilter {
    /// Case-insensitive substring of name, tax id, VAT number or e-mail.
    pub q: Option<String>,
    /// `client`, `supplier` or `both`; a customer filter (`client`) also finds `both`.
    pub kind: Option<String>,
    /// With or without portal access.
    pub portal_access: Option<bool>,
    /// Archived ones only (`Some(true)`), active ones only (`Some(false)`), or all.
    pub archived: Option<bool>,
    /// Order.
    pub sort: ContractorSort,
    /// Page from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// A page of contractors and the number matching.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    filter: &ContractorFilter,
) -> Result<(Vec<contractor::Model>, u64), StoreError> {
    let mut condition =
        Condition::all().add(contractor::Column::OrganizationId.eq(scope.organization_id()));
    if let Some(q) = &filter.q {
        condition = condition.add(contractor::Column::SearchText.contains(fold(q)));
    }
    if let Some(kind) = &filter.kind {
        condition = match kind.as_str() {
            "client" | "supplier" => {
                condition.add(contractor::Column::Kind.is_in([kind.as_str(), "both"]))
            }
            other => condition.add(contractor::Column::Kind.eq(other)),
        };
    }
    if let Some(access) = filter.portal_access {
        condition = condition.add(contractor::Column::PortalAccess.eq(access));
    }
    match filter.archived {
        Some(true) => condition = condition.add(contractor::Column::ArchivedAt.is_not_null()),
        Some(false) => condition = condition.add(contractor::Column::ArchivedAt.is_null()),
        None => {}
    }
    let query = contractor::Entity::find().filter(condition);
    let total = query.clone().count(db).await?;
    let query = match filter.sort {
        ContractorSort::Name => query
            .order_by_asc(contractor::Column::Name)
            .order_by_asc(contractor::Column::Id),
        ContractorSort::Newest => query
            .order_by_desc(contractor::Column::CreatedAt)
            .order_by_desc(contractor::Column::Id),
        ContractorSort::Oldest => query
            .order_by_asc(contractor::Column::CreatedAt)
            .order_by_asc(contractor::Column::Id),
    };
    let rows = query
        .offset(u64::from(filter.page - 1) * u64::from(filter.per_page))
        .limit(u64::from(filter.per_page))
        .all(db)
        .await?;
    Ok((rows, total))
}

/// One contractor of the organisation.
pub async fn find(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: i64,
) -> Result<Option<contractor::Model>, StoreError> {
    Ok(contractor::Entity::find_by_id(id)
        .filter(contractor::Column::OrganizationId.eq(scope.organization_id()))
        .one(db)
        .await?)
}

/// [`find`] for a change: on PostgreSQL the row stays locked until the transaction ends, so two
/// saves at once (staff here, the customer in the portal) each see the other's values and the
/// history records what really was before. SQLite's write transactions hold the whole database
/// already.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: i64,
) -> Result<Option<contractor::Model>, StoreError> {
    let query = contractor::Entity::find_by_id(id)
        .filter(contractor::Column::OrganizationId.eq(scope.organization_id()));
    let query = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => query.lock_exclusive(),
        _ => query,
    };
    Ok(query.one(db).await?)
}

/// Every contractor of the organisation, archived ones too, by id.
pub async fn all(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
) -> Result<Vec<contractor::Model>, StoreError> {
    Ok(contractor::Entity::find()
        .filter(contractor::Column::OrganizationId.eq(scope.organization_id()))
        .order_by_asc(contractor::Column::Id)
        .all(db)
        .await?)
}

/// Inserts a contractor of the organisation (its search text set here).
pub async fn insert(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    mut model: contractor::ActiveModel,
    now: DateTime<Utc>,
) -> Result<contractor::Model, StoreError> {
    model.organization_id = Set(scope.organization_id());
    model.created_at = Set(now);
    model.updated_at = Set(now);
    refresh_search_text(&mut model);
    Ok(model.insert(db).await?)
}

/// Writes changed fields of a contractor (its search text kept in step).
pub async fn update(
    db: &impl ConnectionTrait,
    mut model: contractor::ActiveModel,
    now: DateTime<Utc>,
) -> Result<contractor::Model, StoreError> {
    model.updated_at = Set(now);
    refresh_search_text(&mut model);
    Ok(model.update(db).await?)
}
