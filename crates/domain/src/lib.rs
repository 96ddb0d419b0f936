//! The rules of the customer portal, free of HTTP and SQL: exact money and VAT arithmetic,
//! document states and payment status, password policy, and parsing of grid filters.
//! Everything here is a pure function and is unit-tested next to the code.

pub mod access;
pub mod api_key;
pub mod document;
pub mod epc;
pub mod fields;
pub mod files;
pub mod filter;
pub mod format;
pub mod identifiers;
pub mod locale;
pub mod money;
pub mod password;
pub mod webhooks;

pub use money::{Currency, MoneyError};
