use sea_orm::entity::prelude::*;

/// A comment on a document, by the customer's side or the issuer's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub document_id: i64,
    pub author_portal_user_id: Option<i64>,
    pub author_staff_user_id: Option<i64>,
    pub body: String,
    pub created_at: DateTimeUtc,
    /// `customer` or `issuer`.
    pub side: String,
    /// The author's name when writing.
    pub author_name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
