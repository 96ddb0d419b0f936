//! The grid's reads on SQLite, through rusqlite on a small pool of connections to the same file.
//!
//! Why not sqlx, as everywhere else: sqlx-sqlite runs each connection on a thread of its own and
//! hands every row to the async side through a channel, copying every value
//! (`sqlite3_value_dup`); in perf profiles of the document grid that machinery outweighed
//! SQLite's own work (figures in bench/PROFILE.md). Here a query runs start to finish on the
//! blocking pool with the rows read in place. Writes, migrations and everything not on the hot
//! path stay on SeaORM. The connections are opened read-write and switched to `query_only`, so
//! they cannot write by mistake (a `READ_ONLY` open of a WAL database has extra conditions on
//! its `-wal` and `-shm` files, which this avoids).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::Value as SqliteValue;
use rusqlite::{Connection, OpenFlags};
use sea_orm::Value;
use tokio::sync::Semaphore;

use crate::columns::Columns;
use crate::error::StoreError;
use crate::sql::Sql;

/// A pool of read-only rusqlite connections to the portal's SQLite file.
#[derive(Clone)]
pub struct SqliteReader {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
}

impl SqliteReader {
    /// A reader for a `sqlite:` database URL of a file; `None` for PostgreSQL and for
    /// in-memory databases (which another driver cannot open).
    pub fn for_url(url: &str, size: usize) -> Option<SqliteReader> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") || rest.contains("mode=memory") {
            return None;
        }
        Some(SqliteReader {
            path: PathBuf::from(path),
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(Semaphore::new(size.max(1))),
        })
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "query_only", true)?;
        Ok(conn)
    }

    /// Runs `sql` and reads every row with `read` (columns by position).
    pub async fn query<T: Send + 'static>(
        &self,
        sql: &Sql,
        read: fn(&dyn Columns) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(StoreError::internal)?;
        let text = sql.text().to_string();
        let values = sql
            .values()
            .iter()
            .map(to_sqlite)
            .collect::<Result<Vec<_>, _>>()?;
        let reader = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let pooled = reader.idle.lock().ok().and_then(|mut idle| idle.pop());
            let conn = match pooled {
                Some(conn) => conn,
                None => reader.open().map_err(StoreError::rusqlite)?,
            };
            let rows = run(&conn, &text, values, read);
            // A connection whose query failed is dropped rather than reused.
            if rows.is_ok()
                && let Ok(mut idle) = reader.idle.lock()
            {
                idle.push(conn);
            }
            rows
        })
        .await
        .map_err(StoreError::internal)?
    }
}

fn run<T>(
    conn: &Connection,
    text: &str,
    values: Vec<SqliteValue>,
    read: fn(&dyn Columns) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(text).map_err(StoreError::rusqlite)?;
    bind_by_number(&mut statement, &values).map_err(StoreError::rusqlite)?;
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(StoreError::rusqlite)? {
        out.push(read(row)?);
    }
    Ok(out)
}

/// Binds `values[n - 1]` to each `$n`. SQLite numbers `$n` parameters in their order of first
/// appearance, not by n (`… $2 … $1` would swap them), so each is bound by its name, as sqlx does.
pub fn bind_by_number(
    statement: &mut rusqlite::Statement<'_>,
    values: &[SqliteValue],
) -> rusqlite::Result<()> {
    for index in 1..=statement.parameter_count() {
        let n = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or(rusqlite::Error::InvalidParameterName(format!(
                "parameter {index}"
            )))?;
        let value = values
            .get(n.wrapping_sub(1))
            .ok_or(rusqlite::Error::InvalidParameterCount(n, values.len()))?;
        statement.raw_bind_parameter(index, value)?;
    }
    Ok(())
}

/// A bound value as sqlx stores it in SQLite (dates `YYYY-MM-DD`, instants RFC 3339), so the
/// two drivers compare against the same text. A NULL stays NULL; a kind of value the hot paths
/// never bind is an error, as on PostgreSQL, never a silent NULL.
pub fn to_sqlite(v: &Value) -> Result<SqliteValue, StoreError> {
    Ok(match v {
        Value::BigInt(Some(i)) => SqliteValue::Integer(*i),
        Value::Int(Some(i)) => SqliteValue::Integer(i64::from(*i)),
        Value::Bool(Some(b)) => SqliteValue::Integer(i64::from(*b)),
        Value::String(Some(s)) => SqliteValue::Text(s.to_string()),
        Value::ChronoDate(Some(d)) => SqliteValue::Text(d.format("%F").to_string()),
        Value::ChronoDateTimeUtc(Some(t)) => {
            SqliteValue::Text(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
        }
        Value::BigInt(None)
        | Value::Int(None)
        | Value::Bool(None)
        | Value::String(None)
        | Value::ChronoDate(None)
        | Value::ChronoDateTimeUtc(None) => SqliteValue::Null,
        other => {
            return Err(StoreError::internal(format!(
                "the SQLite reader cannot bind {other:?}"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_bind_by_number_whatever_their_order_in_the_text() {
        let conn = Connection::open_in_memory().expect("memory");
        let mut sql = Sql::new("SELECT $2 || '-' || $1 || '-' || $2");
        sql.bind_placeholder_value("a").bind_placeholder_value("b");
        let values = sql
            .values()
            .iter()
            .map(to_sqlite)
            .collect::<Result<Vec<_>, _>>()
            .expect("bindable");
        let rows = run(&conn, sql.text(), values, |r| {
            r.text(0)?
                .map(|t| t.into_owned())
                .ok_or_else(|| StoreError::internal("NULL"))
        })
        .expect("run");
        assert_eq!(rows, ["b-a-b"]);
    }

    #[test]
    fn a_value_it_cannot_bind_is_an_error_not_a_null() {
        assert!(to_sqlite(&Value::Double(Some(1.5))).is_err());
        assert!(to_sqlite(&Value::Unsigned(Some(7))).is_err());
        assert_eq!(
            to_sqlite(&Value::String(None)).expect("NULL"),
            SqliteValue::Null
        );
        assert_eq!(
            to_sqlite(&Value::BigInt(Some(7))).expect("7"),
            SqliteValue::Integer(7)
        );
    }

    #[test]
    fn only_sqlite_files_get_a_reader() {
        assert!(SqliteReader::for_url("postgres://u@h/db", 2).is_none());
        assert!(SqliteReader::for_url("sqlite::memory:", 2).is_none());
        assert!(SqliteReader::for_url("sqlite://file:x?mode=memory", 2).is_none());
        let r = SqliteReader::for_url("sqlite:///tmp/p.sqlite3?mode=rwc", 2).expect("file");
        assert_eq!(r.path, PathBuf::from("/tmp/p.sqlite3"));
        let r = SqliteReader::for_url("sqlite:data/p.sqlite3", 2).expect("file");
        assert_eq!(r.path, PathBuf::from("data/p.sqlite3"));
    }
}
