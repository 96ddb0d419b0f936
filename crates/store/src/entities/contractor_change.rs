use sea_orm::entity::prelude::*;

/// One changed field of a contractor's data, by the customer in the portal or by staff.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contractor_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub contractor_id: i64,
    pub changed_at: DateTimeUtc,
    /// `customer` or `issuer`.
    pub side: String,
    pub portal_user_id: Option<i64>,
    pub staff_user_id: Option<i64>,
    /// The person's name as it was.
    pub changed_by: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
