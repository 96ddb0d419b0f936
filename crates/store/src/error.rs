//! The store's one error type. It says what went wrong without deciding what a client is told:
//! the HTTP layer maps it (to a 500 today, or a 503 when the database is unreachable).

/// A database operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or could not run a statement.
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A value read back is not what the schema promises, or cannot be bound.
    #[error("{0}")]
    Internal(String),
    /// The database cannot be reached (refused, gone, shutting down) on a connection outside
    /// SeaORM's pool.
    #[error("database unreachable: {0}")]
    Unreachable(String),
}

impl StoreError {
    /// Whether a unique constraint refused the write (another request got there first).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(
                sea_orm::DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
                | sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)),
            ) => e
                .as_database_error()
                .is_some_and(|d| d.is_unique_violation()),
            _ => false,
        }
    }

    /// Whether the database could not be reached, as opposed to refusing a statement: the
    /// request may succeed later, unchanged (the HTTP layer answers 503).
    pub fn is_unreachable(&self) -> bool {
        match self {
            StoreError::Db(e) => unreachable(e),
            StoreError::Unreachable(_) => true,
            StoreError::Internal(_) => false,
        }
    }

    /// A failure of sqlx itself (the read connections outside the pool).
    pub fn sqlx(err: sea_orm::sqlx::Error) -> Self {
        if sqlx_unreachable(&err) {
            StoreError::Unreachable(err.to_string())
        } else {
            StoreError::Internal(err.to_string())
        }
    }

    /// Wraps an unexpected failure.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        StoreError::Internal(err.to_string())
    }
}

impl<E: std::error::Error> From<sea_orm::TransactionError<E>> for StoreError {
    fn from(err: sea_orm::TransactionError<E>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => StoreError::Db(e),
            other => StoreError::Internal(format!("transaction: {other}")),
        }
    }
}

/// Whether SeaORM failed because the database could not be reached: no connection could be
/// had, the connection broke, or the server is shutting down or starting.
pub fn unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => sqlx_unreachable(e),
        DbErr::Conn(RuntimeErr::Internal(_)) => true,
        _ => false,
    }
}

fn sqlx_unreachable(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Tls(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed
        | Error::Protocol(_) => true,
        // SQLSTATE class 08 (connection exception) and 57P (operator intervention: the
        // server shutting down, crashed, or not yet accepting connections).
        Error::Database(e) => e
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}
