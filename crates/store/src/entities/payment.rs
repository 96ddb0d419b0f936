use sea_orm::entity::prelude::*;

/// A payment against a document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub document_id: i64,
    pub amount_minor: i64,
    pub paid_on: Date,
    pub method: String,
    pub provider_reference: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub reference: Option<String>,
    pub created_by_staff_id: Option<i64>,
    /// The online payment attempt it came from.
    pub attempt_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
