use sea_orm::entity::prelude::*;

/// Where an organisation's webhooks go; the signing secret is sealed (it must be recoverable
/// to sign, so it cannot be a hash).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub url: String,
    pub description: String,
    /// Comma-separated event types (`document.issued,payment.recorded`).
    pub event_types: String,
    /// The signing secret (`whsec_…`), sealed under the server's secrets key.
    pub secret: Vec<u8>,
    /// The secret before the last rotation, sealed; it signs too until `previous_secret_until`.
    pub previous_secret: Option<Vec<u8>>,
    pub previous_secret_until: Option<DateTimeUtc>,
    /// `enabled` or `disabled`.
    pub status: String,
    pub disabled_reason: Option<String>,
    /// When the endpoint began failing (its first failure since its last success).
    pub failing_since: Option<DateTimeUtc>,
    pub created_by_staff_id: Option<i64>,
    pub created_by_key_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
