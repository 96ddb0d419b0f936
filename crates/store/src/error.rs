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
    /// The database cannot serve the statement now, on a connection outside SeaORM's pool:
    /// unreachable (refused, gone, shutting down) or out of capacity (no connection slot,
    /// busy past the wait).
    #[error("database {}: {cause}", match outage { Outage::Unreachable => "unreachable", Outage::Busy => "busy" })]
    Unavailable {
        /// Which kind of outage.
        outage: Outage,
        /// What the driver said.
        cause: String,
    },
}

/// Why the database cannot serve a statement now, although the statement itself is fine: the
/// same request may succeed later, unchanged (the HTTP layer answers 503 with `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// No connection could be had at all, or it broke, or the server is shutting down or
    /// starting: likely to last, so the requests after it are turned away at once until the
    /// database answers again (the HTTP layer's gate).
    Unreachable,
    /// The database is up but out of capacity this moment: every pooled connection taken past
    /// the wait, no connection slot left on the server (SQLSTATE class 53), or SQLite's write
    /// lock held past the busy timeout. Only this request is answered 503.
    Busy,
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

    /// Whether the database could not serve the statement now, as opposed to refusing it, and
    /// why: the request may succeed later, unchanged (the HTTP layer answers 503).
    pub fn outage(&self) -> Option<Outage> {
        match self {
            StoreError::Db(e) => outage(e),
            StoreError::Unavailable { outage, .. } => Some(*outage),
            StoreError::Internal(_) => None,
        }
    }

    /// A failure of sqlx itself (the read connections outside the pool).
    pub fn sqlx(err: sea_orm::sqlx::Error) -> Self {
        match sqlx_outage(&err) {
            Some(outage) => StoreError::Unavailable {
                outage,
                cause: err.to_string(),
            },
            None => StoreError::Internal(err.to_string()),
        }
    }

    /// A failure of rusqlite (the SQLite read connections): busy past the busy timeout is an
    /// outage, anything else is not.
    pub fn rusqlite(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Unavailable {
                outage: Outage::Busy,
                cause: err.to_string(),
            },
            _ => StoreError::Internal(err.to_string()),
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

/// Whether SeaORM failed because the database could not serve the statement now, and why.
pub fn outage(err: &sea_orm::DbErr) -> Option<Outage> {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => Some(Outage::Busy),
        DbErr::ConnectionAcquire(_) => Some(Outage::Unreachable),
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => sqlx_outage(e),
        DbErr::Conn(RuntimeErr::Internal(_)) => Some(Outage::Unreachable),
        _ => None,
    }
}

fn sqlx_outage(err: &sea_orm::sqlx::Error) -> Option<Outage> {
    use sea_orm::sqlx::Error;
    match err {
        Error::PoolTimedOut => Some(Outage::Busy),
        Error::Io(_)
        | Error::Tls(_)
        | Error::PoolClosed
        | Error::WorkerCrashed
        | Error::Protocol(_) => Some(Outage::Unreachable),
        Error::Database(e) => {
            let code = e.code()?;
            if e.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some()
            {
                // SQLite's extended result code: SQLITE_BUSY (5) and SQLITE_LOCKED (6) in its
                // low byte, once the busy timeout has run out.
                let primary = code.parse::<i32>().ok()? & 0xff;
                return matches!(primary, 5 | 6).then_some(Outage::Busy);
            }
            if code.starts_with("08") || code.starts_with("57P") {
                // SQLSTATE class 08 (connection exception) and 57P (operator intervention:
                // the server shutting down, crashed, or not yet accepting connections).
                Some(Outage::Unreachable)
            } else if code.starts_with("53") {
                // Class 53, insufficient resources: 53300 too many connections (every slot
                // taken, by this process's pools or others'), 53100 disk full, 53200 out of
                // memory.
                Some(Outage::Busy)
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sqlx::{Connection, sqlite::SqliteConnectOptions, sqlite::SqliteConnection};
    use std::str::FromStr;
    use std::time::Duration;

    /// A SQLite file whose write lock another connection holds.
    fn locked_file() -> (std::path::PathBuf, rusqlite::Connection) {
        let path = std::env::temp_dir().join(format!(
            "portal-busy-{}-{}.sqlite3",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        let holder = rusqlite::Connection::open(&path).expect("open");
        holder
            .execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (x); BEGIN IMMEDIATE;")
            .expect("hold the write lock");
        (path, holder)
    }

    #[tokio::test]
    async fn sqlite_busy_past_the_wait_is_an_outage_of_capacity_and_a_bad_statement_none() {
        let (path, holder) = locked_file();
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .expect("options")
            .busy_timeout(Duration::from_millis(50));
        let mut sqlx = SqliteConnection::connect_with(&options)
            .await
            .expect("connect");
        let busy = sea_orm::sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut sqlx)
            .await
            .expect_err("the lock is held");
        assert_eq!(StoreError::sqlx(busy).outage(), Some(Outage::Busy));
        let bad = sea_orm::sqlx::query("SELECT nope FROM t")
            .execute(&mut sqlx)
            .await
            .expect_err("no such column");
        assert_eq!(StoreError::sqlx(bad).outage(), None);

        let reader = rusqlite::Connection::open(&path).expect("open");
        reader
            .busy_timeout(Duration::from_millis(50))
            .expect("timeout");
        let busy = reader
            .execute_batch("BEGIN IMMEDIATE")
            .expect_err("the lock is held");
        assert_eq!(StoreError::rusqlite(busy).outage(), Some(Outage::Busy));
        let bad = reader
            .execute_batch("SELECT nope FROM t")
            .expect_err("no such column");
        assert_eq!(StoreError::rusqlite(bad).outage(), None);
        drop((holder, reader));
        let _ = std::fs::remove_file(&path);
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
