use sea_orm::entity::prelude::*;

/// An organisation's online payment settings; the provider's secrets are sealed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
    /// The Stripe secret key, sealed with the server's secrets key.
    pub stripe_secret_key: Option<Vec<u8>>,
    /// The webhook endpoint's signing secret (`whsec_…`), sealed.
    pub stripe_webhook_secret: Option<Vec<u8>>,
    /// What the admin sees of the key: `sk_test_…4242`.
    pub stripe_key_hint: Option<String>,
    /// Customers may pay less than what remains (not less than `partial_minimum`).
    pub allow_partial: bool,
    /// The smallest partial payment, in whole units of the payment's currency.
    pub partial_minimum: i64,
    /// `all` customers may pay online, or the `selected` ones (`contractors.pay_online`).
    pub online_for: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
