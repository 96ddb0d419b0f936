//! Shared application state, one per process, handed to handlers as `web::Data<AppState>`.

use sea_orm::DatabaseConnection;

use crate::auth::{PasswordPool, TokenKeys};
use crate::config::Settings;
use crate::db::sqlite_reader::SqliteReader;

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
    /// The hot reads on SQLite (`None` on PostgreSQL).
    pub sqlite_reader: Option<SqliteReader>,
}
