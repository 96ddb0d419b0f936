use sea_orm::entity::prelude::*;

/// An uploaded logo of an organisation (never changed in place; the organisation's `logo_id`
/// names the current one).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "logos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    /// `image/png` or `image/jpeg`, from the content.
    pub media_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
