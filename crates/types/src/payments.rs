//! Paying online: the organisation's provider settings, the portal's checkout and what became
//! of an attempt.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which customers may pay online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnlineFor {
    /// Every customer with portal access.
    All,
    /// Only contractors marked `pay_online`.
    Selected,
}

impl OnlineFor {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineFor::All => "all",
            OnlineFor::Selected => "selected",
        }
    }
}

/// The Stripe account the organisation is paid through. Its secrets are never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StripeConnection {
    /// A secret key and a webhook signing secret are stored.
    pub configured: bool,
    /// What identifies the stored key: `sk_test_…4242`.
    pub key_hint: Option<String>,
    /// The key is a test-mode key.
    pub test_mode: bool,
    /// The address to register as the webhook endpoint in Stripe's dashboard (events
    /// `checkout.session.completed`, `checkout.session.async_payment_succeeded`,
    /// `checkout.session.async_payment_failed`, `checkout.session.expired`).
    pub webhook_url: String,
}

/// `GET /api/v1/issuer/settings/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentSettings {
    /// Stripe Checkout.
    pub stripe: StripeConnection,
    /// Customers may pay less than what remains.
    pub allow_partial: bool,
    /// The smallest partial payment, in whole units of the payment's currency (0: any).
    pub partial_minimum: i64,
    /// Which customers may pay online.
    pub online_for: OnlineFor,
}

/// `PATCH /api/v1/issuer/settings/payments` (owner, admin). The secrets are write-only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentSettingsUpdate {
    /// A Stripe secret or restricted key (`sk_live_…`, `sk_test_…`, `rk_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_secret_key: Option<String>,
    /// The webhook endpoint's signing secret (`whsec_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_webhook_secret: Option<String>,
    /// Customers may pay less than what remains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_partial: Option<bool>,
    /// The smallest partial payment, in whole units of the payment's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub partial_minimum: Option<i64>,
    /// Which customers may pay online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_for: Option<OnlineFor>,
}

/// `POST /api/v1/issuer/settings/payments/test`: Stripe took the stored key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StripeCheck {
    /// The key is a live-mode key (payments are real).
    pub livemode: bool,
}

/// `POST /api/v1/portal/payments/checkout`: pay one or several open documents of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    /// The documents to pay (invoices, debit notes), 1–50.
    pub document_ids: Vec<i64>,
    /// Less than what remains, when the organisation allows partial payments (`"250.00"`);
    /// the whole remaining amount when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
}

/// The hosted payment page to send the customer to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutStarted {
    /// The attempt (`pa_…`), for `GET /api/v1/portal/payments/{id}`.
    pub attempt_id: String,
    /// The provider's hosted payment page.
    pub checkout_url: String,
    /// What is being paid.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// Where an online payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Waiting for the customer on the payment page.
    Open,
    /// The customer paid by a method the bank confirms later (SEPA debit): no new payment of
    /// these documents until it succeeds or fails.
    Processing,
    /// Paid and recorded on the documents.
    Succeeded,
    /// The payment failed.
    Failed,
    /// The payment page expired or was replaced by a newer one.
    Expired,
    /// The provider reported another amount or currency; the issuer resolves it.
    Mismatch,
}

impl AttemptStatus {
    /// From the stored value.
    pub fn parse(s: &str) -> Option<AttemptStatus> {
        Some(match s {
            "open" => AttemptStatus::Open,
            "processing" => AttemptStatus::Processing,
            "succeeded" => AttemptStatus::Succeeded,
            "failed" => AttemptStatus::Failed,
            "expired" => AttemptStatus::Expired,
            "mismatch" => AttemptStatus::Mismatch,
            _ => return None,
        })
    }
}

/// One document of an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptDocument {
    /// The document.
    pub document_id: i64,
    /// Its number.
    pub number: String,
    /// What this attempt pays of it.
    pub amount: String,
}

/// `GET /api/v1/portal/payments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentAttempt {
    /// `pa_…`.
    pub id: String,
    /// Where it stands.
    pub status: AttemptStatus,
    /// What is paid.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The documents, oldest due first.
    pub documents: Vec<AttemptDocument>,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// When it succeeded, failed or expired.
    pub completed_at: Option<DateTime<Utc>>,
}

/// An online payment as the issuer sees it (`GET /api/v1/issuer/payments/online`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnlinePayment {
    /// `pa_…`.
    pub id: String,
    /// The customer.
    pub contractor_id: i64,
    /// Its name.
    pub contractor_name: String,
    /// Where it stands.
    pub status: AttemptStatus,
    /// What was asked.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// What the provider reported as paid, when it did.
    pub received: Option<String>,
    /// Paid beyond what the documents still owed when it arrived (for the issuer to settle).
    pub unallocated: Option<String>,
    /// What went wrong, when something did.
    pub detail: Option<String>,
    /// The provider's Checkout Session (`cs_…`).
    pub session_id: Option<String>,
    /// The documents, oldest due first.
    pub documents: Vec<AttemptDocument>,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Succeeded, failed or expired.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A page of online payments, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnlinePaymentPage {
    /// This page.
    pub items: Vec<OnlinePayment>,
    /// Matching over all pages.
    pub total: u64,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}
