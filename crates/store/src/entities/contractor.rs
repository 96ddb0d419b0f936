use sea_orm::entity::prelude::*;

/// A customer (or supplier) of an organisation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contractors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub kind: String,
    pub name: String,
    pub tax_id: Option<String>,
    pub vat_number: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub locale: String,
    pub salesperson_id: Option<i64>,
    /// Days from issue to due date of its invoices and debit notes.
    pub payment_terms_days: Option<i32>,
    pub portal_access: bool,
    /// May pay online when the organisation allows it for selected customers only.
    pub pay_online: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
