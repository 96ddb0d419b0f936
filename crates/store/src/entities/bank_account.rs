use sea_orm::entity::prelude::*;

/// One of an organisation's bank accounts; at most one per currency is the default, printed on
/// documents in that currency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bank_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    /// Order in the profile.
    pub position: i32,
    pub bank_name: Option<String>,
    pub iban: String,
    pub bic: Option<String>,
    /// ISO 4217 code of the account.
    pub currency: String,
    pub is_default: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
