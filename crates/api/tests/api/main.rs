//! Integration tests: each starts the real server on a free port with a fresh database
//! (SQLite by default, PostgreSQL when `PORTAL_TEST_DB=postgres`) and talks HTTP to it through
//! `portal-client`.

mod account;
mod api_keys;
mod auth;
mod client_example;
mod comments;
mod company;
mod documents;
mod errors;
mod helpers;
mod import;
mod isolation;
mod issuer_bulk;
mod issuer_contractors;
mod issuer_documents;
mod issuer_portal_users;
mod issuer_roles;
mod issuer_staff;
mod issuer_story;
mod logo;
mod offers;
mod online_payments;
mod organizations;
mod outbox;
mod pdf;
mod probes;
mod profile;
mod reads;
mod s3_server;
mod setup;
mod signup;
mod smtp_sink;
mod system;
mod tokens;
mod webhooks;
