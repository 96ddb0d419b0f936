//! One module per page of the portal.

pub mod account;
pub mod company;
pub mod document;
pub mod documents;
pub mod login;
pub mod not_found;
pub mod password;
pub mod summary;
