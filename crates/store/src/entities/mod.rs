//! SeaORM entities: one per table, used for inserts and simple look-ups. The document grid
//! and other hot paths use hand-written SQL in `db::documents`.

pub mod api_key;
pub mod attachment;
pub mod bank_account;
pub mod comment;
pub mod contractor;
pub mod contractor_change;
pub mod document;
pub mod document_line;
pub mod event;
pub mod logo;
pub mod organization;
pub mod payment;
pub mod payment_attempt;
pub mod payment_attempt_document;
pub mod payment_setting;
pub mod portal_user;
pub mod provider_event;
pub mod staff_user;
pub mod webhook_endpoint;
