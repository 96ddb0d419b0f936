use sea_orm::entity::prelude::*;

/// One line of a document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub document_id: i64,
    pub position: i32,
    pub description: String,
    pub quantity_milli: i64,
    pub unit: String,
    pub unit_price_minor: i64,
    pub discount_bp: i64,
    pub vat_rate_bp: i64,
    pub net_minor: i64,
    pub vat_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
