//! The admin's pages.

pub mod contractors;
pub mod document;
pub mod documents;
pub mod login;
pub mod not_found;
