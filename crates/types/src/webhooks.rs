//! Outgoing webhooks (`/api/v1/issuer/webhooks`), signed per Standard Webhooks 1.0.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Every event type an endpoint can subscribe to.
pub const EVENT_TYPES: [&str; 14] = [
    "document.issued",
    "document.cancelled",
    "document.viewed",
    "document.downloaded",
    "payment.recorded",
    "payment.deleted",
    "comment.created",
    "offer.accepted",
    "offer.rejected",
    "contractor.created",
    "contractor.updated",
    "company_data.changed",
    "portal_user.invited",
    "portal_user.activated",
];

/// An event type: `document.issued`, `document.cancelled`, `document.viewed`,
/// `document.downloaded`, `payment.recorded`, `payment.deleted`, `comment.created`,
/// `offer.accepted`, `offer.rejected`, `contractor.created`, `contractor.updated`,
/// `company_data.changed`, `portal_user.invited`, `portal_user.activated`.
pub struct EventTypeName;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for EventTypeName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(EVENT_TYPES.to_vec()))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for EventTypeName {}

/// `POST /api/v1/issuer/webhooks`: where to send which events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhookEndpoint {
    /// An `https://` URL (at most 2,000 characters) that resolves to public addresses only.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub url: String,
    /// The events to send, at least one.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<EventTypeName>, min_items = 1, max_items = 14))]
    pub events: Vec<String>,
    /// What it is for, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub description: Option<String>,
}

/// `PATCH /api/v1/issuer/webhooks/{id}`: change where, which events, the description, or
/// enable / disable it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointUpdate {
    /// A new URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub url: Option<String>,
    /// The events to send from now on, at least one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<EventTypeName>>, min_items = 1, max_items = 14))]
    pub events: Option<Vec<String>>,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub description: Option<String>,
    /// `false` stops deliveries (they wait); `true` resumes them, the waiting ones at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// An endpoint as lists show it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpoint {
    /// Id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The events it receives.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<EventTypeName>))]
    pub events: Vec<String>,
    /// `enabled` or `disabled`.
    pub status: String,
    /// Why it was disabled: `by_user`, `gone` (it answered 410), `failing` (every delivery
    /// failed for days).
    pub disabled_reason: Option<String>,
    /// Since when its deliveries fail (none while they succeed).
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the secret before the last rotation signs too.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The answer to registering an endpoint: the endpoint and its signing secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhookEndpoint {
    /// The endpoint as stored.
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// The signing secret, `whsec_` and base64 of 24 random bytes: verify each delivery's
    /// `webhook-signature` with it. It is not shown again.
    pub secret: String,
}

/// `GET /api/v1/issuer/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpointList {
    /// The endpoints, oldest first.
    pub items: Vec<WebhookEndpoint>,
    /// How many.
    pub total: u64,
}

/// The answer to rotating a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotatedWebhookSecret {
    /// The new secret, shown this once.
    pub secret: String,
    /// Until when deliveries are signed with the old secret too (a second `v1,` signature).
    pub previous_secret_expires_at: DateTime<Utc>,
}

/// One message to one endpoint, with its retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Id.
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// The message's `webhook-id` (the same on every attempt and resend: deduplicate on it).
    pub message_id: String,
    /// Its event type (`webhook.test` for a test).
    pub event_type: String,
    /// `pending` (waiting for its next attempt), `succeeded` or `failed` (given up).
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// When the next attempt is due (while pending).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last status code.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the receiver accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/issuer/webhooks/{id}/deliveries`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryList {
    /// One page.
    pub items: Vec<WebhookDelivery>,
    /// How many there are.
    pub total: u64,
    /// The page (from 1).
    pub page: u32,
    /// Per page.
    pub per_page: u32,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookAttempt {
    /// 1 for the first.
    pub attempt: i32,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: i64,
    /// The receiver's status, if it answered.
    pub response_status: Option<i32>,
    /// The start of its answer (at most 2 KiB).
    pub response_body: Option<String>,
    /// Why it failed (a timeout, a refused address, a non-2xx status).
    pub error: Option<String>,
}

/// `GET /api/v1/issuer/webhooks/{id}/deliveries/{delivery_id}`: the delivery, what it sends
/// and every attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryDetail {
    /// The delivery.
    #[serde(flatten)]
    pub delivery: WebhookDelivery,
    /// The body sent, exactly.
    pub payload: String,
    /// Its attempts, oldest first.
    pub attempt_log: Vec<WebhookAttempt>,
}

/// What every delivery's body is (JSON): `{"type", "timestamp", "version", "data"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEvent {
    /// The event type (or `webhook.test`).
    #[cfg_attr(feature = "openapi", schema(value_type = EventTypeName))]
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// The payload's version (1 for `/api/v1`).
    pub version: i64,
    /// What happened to what.
    pub data: WebhookEventData,
}

/// An event's `data`: the ids it concerns, who did it, what the trail recorded, and the
/// changed object as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEventData {
    /// The organisation.
    pub organization_id: i64,
    /// The customer concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contractor_id: Option<i64>,
    /// The document concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<i64>,
    /// Who did it.
    pub actor: WebhookActor,
    /// What the activity trail recorded with the event (e.g. `payment_id`, `comment_id`,
    /// `portal_user_id`, `fields`, `reason`); for `webhook.test`, `webhook_id` and `message`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
    /// The document, for events about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<WebhookDocument>,
    /// The payment, for `payment.recorded` and `payment.deleted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<WebhookPayment>,
    /// The customer, for `contractor.*` and `company_data.changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contractor: Option<WebhookContractor>,
}

/// Who did what an event tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookActor {
    /// `staff_user`, `portal_user`, `api_key` or `system`.
    #[serde(rename = "type")]
    pub actor_type: String,
    /// Its id (none for `system`).
    pub id: Option<i64>,
}

/// A document as an event carries it. Amounts are decimal strings in its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDocument {
    /// Id.
    pub id: i64,
    /// `invoice`, `credit_note`, `debit_note`, `offer`, `reminder`, `delivery_note`,
    /// `order_confirmation`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Its number (none while a draft).
    pub number: Option<String>,
    /// `draft`, `issued`, `cancelled`, `accepted`, `rejected` or `expired`.
    pub state: String,
    /// The customer.
    pub contractor_id: i64,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// ISO 4217 code.
    pub currency: String,
    /// Tax base.
    pub tax_base: String,
    /// VAT.
    pub vat: String,
    /// Total.
    pub total: String,
    /// Paid so far (payable types).
    pub paid: Option<String>,
    /// What remains (payable types).
    pub remaining: Option<String>,
}

/// A payment as an event carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookPayment {
    /// Id.
    pub id: i64,
    /// The document paid.
    pub document_id: i64,
    /// The amount, a decimal string.
    pub amount: String,
    /// The document's currency.
    pub currency: String,
    /// When it was paid.
    pub paid_on: NaiveDate,
    /// `bank_transfer`, `card`, `cash` or `provider`.
    pub method: String,
    /// Its reference, if any.
    pub reference: Option<String>,
}

/// A customer as an event carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookContractor {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `client`, `supplier` or `both`.
    pub kind: String,
    /// Tax id.
    pub tax_id: Option<String>,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Street.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Language of its mails and PDFs.
    pub locale: String,
    /// Whether it has portal access.
    pub portal_access: bool,
}
