//! The admin's pages.

pub mod activity;
pub mod api_keys;
pub mod company;
pub mod contractor;
pub mod contractors;
pub mod document;
pub mod documents;
pub mod editor;
pub mod home;
pub mod import;
pub mod login;
pub mod not_found;
pub mod settings;
pub mod setup;
pub mod webhooks;
