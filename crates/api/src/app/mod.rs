//! Use cases: operations that change several tables own their transaction here, and queue the
//! mail they cause in it (the outbox), so that either all of it happens or none. Handlers parse
//! the request, call one use case, and map its answer to a DTO.

pub mod api_keys;
pub mod checked;
pub mod comments;
pub mod company;
pub mod contractors;
pub mod documents;
pub mod import;
pub mod links;
pub mod offers;
pub mod online_payments;
pub mod organizations;
pub mod passwords;
pub mod payments;
pub mod pdf;
pub mod portal_users;
pub mod profile;
pub mod settings;
pub mod setup;
pub mod signup;
pub mod staff;
pub mod webhooks;
