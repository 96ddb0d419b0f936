use sea_orm::entity::prelude::*;

/// An integrator's API key; the secret is kept only as a keyed hash.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    /// The public part of the key (`cpk_live_<key_id>_…`), unique.
    pub key_id: String,
    /// HMAC-SHA256 of the secret part.
    pub secret_hash: Vec<u8>,
    pub name: String,
    /// Comma-separated `resource:read` / `resource:write`.
    pub scopes: String,
    pub rate_limit_per_minute: i32,
    pub created_by_staff_id: Option<i64>,
    pub created_by_key_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub last_used_ip: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
