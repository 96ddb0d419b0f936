//! Application state, handed to handlers as `web::Data<AppState>`: one per HTTP worker, sharing
//! everything but the hot readers (see [`HotReads::for_worker`]).

use sea_orm::DatabaseConnection;

use crate::auth::{PasswordPool, TokenKeys};
use crate::config::Settings;
use crate::mail::worker::OutboxSignal;
use portal_store::HotReads;

/// What every handler may reach.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Configuration.
    pub settings: Settings,
    /// Access-token signing.
    pub tokens: TokenKeys,
    /// Bounded password hashing.
    pub passwords: PasswordPool,
    /// The session check and the grid; on PostgreSQL the worker's own connections.
    pub reads: HotReads,
    /// Wakes the outbox worker after a transaction queued mail.
    pub outbox: OutboxSignal,
    /// The first-run setup's one-time code, while no organisation exists.
    pub setup: std::sync::Arc<crate::app::setup::SetupGate>,
    /// Where attachments are kept.
    pub storage: crate::storage::Storage,
    /// Outgoing HTTP (the payment provider).
    pub http: reqwest::Client,
    /// API keys' requests this minute.
    pub rate_limits: std::sync::Arc<crate::auth::api_key::RateLimits>,
    /// Outgoing webhooks: the guarded client and the worker's wake-up.
    pub webhooks: crate::webhooks::Webhooks,
    /// Closed while the database is unreachable (503 at once, `/ready` not ready).
    pub database: std::sync::Arc<crate::db_gate::DatabaseGate>,
}
