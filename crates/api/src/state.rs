//! Shared application state, one per process, handed to handlers as `web::Data<AppState>`.

use sea_orm::DatabaseConnection;

use crate::auth::{PasswordPool, TokenKeys};
use crate::config::Settings;
use crate::db::HotReads;

/// What every handler may reach.
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Configuration.
    pub settings: Settings,
    /// Access-token signing.
    pub tokens: TokenKeys,
    /// Bounded password hashing.
    pub passwords: PasswordPool,
    /// The session check and the grid.
    pub reads: HotReads,
}
