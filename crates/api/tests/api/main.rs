//! Integration tests: each starts the real server on a free port with a fresh database
//! (SQLite by default, PostgreSQL when `PORTAL_TEST_DB=postgres`) and talks HTTP to it through
//! `portal-client`.

mod account;
mod auth;
mod documents;
mod errors;
mod helpers;
mod isolation;
mod pdf;
mod reads;
mod system;
mod tokens;
