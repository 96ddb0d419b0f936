use sea_orm::entity::prelude::*;

/// One "Pay" in the portal: a Checkout Session for one or several documents.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `pa_…`: the provider's idempotency key, `client_reference_id` and metadata.
    pub public_id: String,
    pub organization_id: i64,
    pub contractor_id: i64,
    pub portal_user_id: Option<i64>,
    pub provider: String,
    pub currency: String,
    /// What the customer pays, in the currency's minor units.
    pub amount_minor: i64,
    /// `open`, `processing` (paid by a method that confirms later), `succeeded`, `failed`,
    /// `expired`, or `mismatch` (the provider reported another
    /// amount or currency: for the issuer to resolve).
    pub status: String,
    /// The provider's Checkout Session id.
    pub session_id: Option<String>,
    pub checkout_url: Option<String>,
    pub expires_at: Option<DateTimeUtc>,
    /// What the provider reported as paid, in minor units.
    pub received_minor: Option<i64>,
    /// Paid but more than the documents still owed when it arrived (for the issuer to settle).
    pub unallocated_minor: i64,
    pub detail: Option<String>,
    pub created_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
