//! The customer portal's HTTP server: actix-web routes over SeaORM, JWT auth, OpenAPI.
//!
//! Start at `startup::Application::build`; routes are in `routes/`, one module per resource,
//! and reach the database through `portal-store`.

pub mod app;
pub mod auth;
pub mod config;
pub mod db_gate;
pub mod error;
pub mod json;
pub mod mail;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod state;
pub mod storage;
pub mod stripe;
pub mod webhooks;
