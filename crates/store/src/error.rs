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

    /// Wraps an unexpected failure.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        StoreError::Internal(err.to_string())
    }
}

impl<E: std::error::Error> From<sea_orm::TransactionError<E>> for StoreError {
    fn from(err: sea_orm::TransactionError<E>) -> Self {
        StoreError::Internal(format!("transaction: {err}"))
    }
}
