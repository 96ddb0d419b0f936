use sea_orm::entity::prelude::*;

/// An event a payment provider sent, recorded once by its id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub provider: String,
    pub event_id: String,
    pub event_type: String,
    pub attempt_id: Option<i64>,
    /// What it did: `fulfilled`, `failed`, `expired`, `pending`, `mismatch`, `ignored`.
    pub outcome: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
