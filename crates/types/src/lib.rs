//! The JSON contract of the customer portal: request and response bodies shared by the
//! server (`portal-api`), the typed client (`portal-client`) and the WASM front end.
//!
//! Nothing in here knows about HTTP or the database. Money travels as decimal strings
//! (`"1234.50"`), calendar dates as `YYYY-MM-DD`, instants as RFC 3339 UTC.
//! With the `openapi` feature every type also derives `utoipa::ToSchema`.

#[macro_use]
mod macros;

pub mod api_keys;
pub mod auth;
pub mod comments;
pub mod company;
pub mod contractor_import;
pub mod documents;
pub mod issuer;
pub mod issuer_documents;
pub mod organization;
pub mod payments;
pub mod problem;
pub mod system;
pub mod webhooks;
pub mod wire;

pub use api_keys::*;
pub use auth::*;
pub use comments::*;
pub use company::*;
pub use contractor_import::*;
pub use documents::*;
pub use issuer::*;
pub use issuer_documents::*;
pub use organization::*;
pub use payments::*;
pub use problem::*;
pub use system::*;
pub use webhooks::{
    CreatedWebhookEndpoint, NewWebhookEndpoint, RotatedWebhookSecret, WebhookAttempt,
    WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryList, WebhookEndpoint,
    WebhookEndpointList, WebhookEndpointUpdate, WebhookEvent,
};
pub use webhooks::{
    WebhookActor, WebhookContractor, WebhookDocument, WebhookEventData, WebhookPayment,
};
