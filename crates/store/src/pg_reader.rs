//! The hot reads on PostgreSQL (the session check every request starts with, and the grid),
//! on connections of their own.
//!
//! Why not SeaORM's pool, as everywhere else: sqlx pings every connection it takes back
//! (`PoolConnection::return_to_pool`, unconditionally), an extra Sync round trip after every
//! query, which on a grid request of two queries was a tenth of the server's CPU and made the
//! database wake twice more per request (bench/PROFILE.md). The ping exists to catch a
//! connection left mid-query by a cancelled future. Here that case cannot arise: a connection
//! goes back only after its query has run to completion; one whose query failed or whose future
//! was dropped is closed instead. An idle connection is pinged before reuse only after 30 s, as
//! the main pool does, in case a server or proxy dropped it meanwhile.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::Value;
use sea_orm::sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection};
use sea_orm::sqlx::{self, Arguments, Connection};
use tokio::sync::Semaphore;

use crate::PING_IDLE_AFTER;
use crate::columns::Columns;
use crate::error::{Outage, StoreError};
use crate::sql::Sql;

/// A bounded pool of PostgreSQL connections for reads that run to completion.
///
/// Each HTTP worker has a pool of its own ([`PgReader::for_worker`]): a tokio socket is bound
/// to the runtime that opened it, and actix runs one runtime per worker, so a connection
/// shared between workers had its replies noticed by the other worker's event loop, which then
/// woke this one — two thread wake-ups per query, and a reply left waiting while that other
/// loop was busy.
#[derive(Clone)]
pub struct PgReader {
    options: Arc<PgConnectOptions>,
    size: usize,
    idle: Arc<Mutex<Vec<(PgConnection, Instant)>>>,
    permits: Arc<Semaphore>,
    /// Until when a new connection is not tried: the server refused one for want of slots
    /// (see [`REFUSED_BACK_OFF`]).
    refused_until: Arc<Mutex<Option<Instant>>>,
}

/// After PostgreSQL refused a connection for want of slots, the reader opens none for this
/// long: the reads in between go to the main pool at once (see `HotReads::query`) instead of
/// each paying a refused connection attempt, and the server is not asked again and again.
pub const REFUSED_BACK_OFF: Duration = Duration::from_secs(1);

impl PgReader {
    /// At most `size` connections, opened on demand with `options` (the main pool's).
    pub fn new(options: Arc<PgConnectOptions>, size: usize) -> PgReader {
        let size = size.max(1);
        PgReader {
            options,
            size,
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(Semaphore::new(size)),
            refused_until: Arc::new(Mutex::new(None)),
        }
    }

    /// An empty pool of the same size and options, for another worker.
    pub fn for_worker(&self) -> PgReader {
        PgReader::new(self.options.clone(), self.size)
    }

    /// Runs `sql` and reads every row with `read`.
    pub async fn query<T>(
        &self,
        sql: &Sql,
        read: fn(&dyn Columns) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let _permit = self.permits.acquire().await.map_err(StoreError::internal)?;
        let mut arguments = PgArguments::default();
        for value in sql.values() {
            bind(&mut arguments, value)?;
        }
        let mut conn = self.lease().await?;
        // If this future is dropped while the query runs, `conn` is dropped with it: closed,
        // never returned half-read.
        let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql.text()), arguments)
            .fetch_all(&mut conn)
            .await
            .map_err(StoreError::sqlx)?;
        self.give_back(conn);
        rows.iter().map(|row| read(row)).collect()
    }

    /// An idle connection (pinged first if it has idled long), or a new one.
    async fn lease(&self) -> Result<PgConnection, StoreError> {
        loop {
            let next = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            match next {
                None => break,
                Some((conn, since)) if since.elapsed() < PING_IDLE_AFTER => return Ok(conn),
                Some((mut conn, _)) => {
                    if conn.ping().await.is_ok() {
                        return Ok(conn);
                    }
                }
            }
        }
        let backing_off = self
            .refused_until
            .lock()
            .ok()
            .and_then(|until| *until)
            .is_some_and(|until| Instant::now() < until);
        if backing_off {
            return Err(StoreError::Unavailable {
                outage: Outage::Busy,
                cause: "a read connection was refused for want of slots just now".into(),
            });
        }
        let connected = PgConnection::connect_with(&self.options)
            .await
            .map_err(StoreError::sqlx);
        if let Err(e) = &connected
            && e.outage() == Some(Outage::Busy)
            && let Ok(mut until) = self.refused_until.lock()
        {
            *until = Some(Instant::now() + REFUSED_BACK_OFF);
        }
        connected
    }

    fn give_back(&self, conn: PgConnection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push((conn, Instant::now()));
        }
    }
}

/// Binds a value with the Rust type SeaORM's own binding gives it, so a statement is planned
/// the same whichever pool runs it.
fn bind(arguments: &mut PgArguments, value: &Value) -> Result<(), StoreError> {
    let added = match value {
        Value::Bool(v) => arguments.add(*v),
        Value::Int(v) => arguments.add(*v),
        Value::BigInt(v) => arguments.add(*v),
        Value::String(v) => arguments.add(v.as_deref()),
        Value::ChronoDate(v) => arguments.add(*v),
        Value::ChronoDateTimeUtc(v) => arguments.add(*v),
        other => {
            return Err(StoreError::internal(format!(
                "no binding for {other:?} on the read connections"
            )));
        }
    };
    added.map_err(StoreError::internal)
}
