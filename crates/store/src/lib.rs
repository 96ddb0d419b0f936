//! `portal-store`: the customer portal's database, with no HTTP in it. Connecting and
//! migrating; SeaORM entities; the scopes every query starts from ([`portal::PortalScope`]);
//! the hand-tuned hot reads ([`HotReads`]); login sessions, throttling, the audit trail; the
//! demo data. Errors are [`StoreError`]; the HTTP layer decides what a client is told.

pub mod columns;
pub mod comments;
pub mod contractor_changes;
pub mod demo;
pub mod entities;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod issuer;
pub mod outbox;
pub mod passwords;
pub mod pg_reader;
pub mod portal;
pub mod sessions;
pub mod signups;
pub mod sql;
pub mod sqlite_reader;
pub mod throttle;
pub mod user_tokens;
pub mod webhooks;

pub use error::StoreError;

use std::time::Duration;

use portal_migrations::MigratorTrait;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};

use columns::Columns;
use pg_reader::PgReader;
use sql::Sql;
use sqlite_reader::SqliteReader;

/// Where the hot reads run: the session check every request starts with, and the grid. Both
/// skip machinery of SeaORM's pool that costs more than the queries themselves (see
/// [`PgReader`] and [`SqliteReader`]); everything else, writes included, stays on SeaORM.
#[derive(Clone)]
pub enum HotReads {
    /// PostgreSQL: connections of their own, without sqlx's ping after every query.
    Postgres(PgReader),
    /// A SQLite file: rusqlite connections, rows read in place.
    Sqlite(SqliteReader),
    /// An in-memory SQLite database, which only the pool that created it can reach.
    Pool,
}

impl HotReads {
    /// The readers for `db`, at most `size` connections (on PostgreSQL, per worker).
    pub fn new(db: &DatabaseConnection, url: &str, size: usize) -> HotReads {
        match db.get_database_backend() {
            DbBackend::Postgres => HotReads::Postgres(PgReader::new(
                db.get_postgres_connection_pool().connect_options(),
                size,
            )),
            _ => SqliteReader::for_url(url, size).map_or(HotReads::Pool, HotReads::Sqlite),
        }
    }

    /// The readers for a server with `workers` HTTP workers (0: one per core): four
    /// connections per core (why four: see bench/PROFILE.md). On SQLite they are shared by the
    /// workers; on PostgreSQL each HTTP worker gets its share (see [`PgReader`]), so the total
    /// stays the same whatever the number of workers.
    /// `total` overrides the four per core.
    pub fn sized_for(
        db: &DatabaseConnection,
        url: &str,
        workers: usize,
        total: Option<usize>,
    ) -> HotReads {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let total = total.unwrap_or(4 * cores).max(1);
        let workers = if workers > 0 { workers } else { cores };
        let size = match db.get_database_backend() {
            DbBackend::Postgres => total.div_ceil(workers),
            _ => total,
        };
        HotReads::new(db, url, size)
    }

    /// The readers one HTTP worker uses: on PostgreSQL a pool of its own, opened on the
    /// worker's runtime (see [`PgReader`]); the SQLite readers run on the blocking pool and are
    /// shared.
    pub fn for_worker(&self) -> HotReads {
        match self {
            HotReads::Postgres(reader) => HotReads::Postgres(reader.for_worker()),
            other => other.clone(),
        }
    }

    /// Runs `sql`, reading each row with `read` (columns by position).
    pub async fn query<T: Send + 'static>(
        &self,
        db: &impl ConnectionTrait,
        sql: &Sql,
        read: fn(&dyn Columns) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let pool = || async {
            db.query_all_raw(sql.statement(db))
                .await?
                .iter()
                .map(|r| read(r))
                .collect()
        };
        match self {
            HotReads::Postgres(reader) => match reader.query(sql, read).await {
                // No slot for another connection on the server (or none to be had): the main
                // pool's connections are open already, so the read goes there (waiting its
                // turn) rather than being turned away.
                Err(e) if e.outage() == Some(error::Outage::Busy) => pool().await,
                answer => answer,
            },
            HotReads::Sqlite(reader) => reader.query(sql, read).await,
            HotReads::Pool => pool().await,
        }
    }
}

/// How long a connection may sit idle before it is pinged on reuse, in case a server or proxy
/// dropped it meanwhile (both the main pool and [`PgReader`]).
pub(crate) const PING_IDLE_AFTER: Duration = Duration::from_secs(30);

/// Opens a pool of the default size. SQLite files are created when missing and switched to
/// WAL so that readers do not wait for the writer; writers wait up to five seconds for each
/// other.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, None).await
}

/// Opens a pool of at most `max_connections` (default 16 on PostgreSQL, 8 on SQLite), as
/// [`connect`] does.
pub async fn connect_with(
    url: &str,
    max_connections: Option<u32>,
) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings every connection it hands out by default: a round trip per query. Ping
        // only those idle long enough to have been dropped by a server or proxy.
        .test_before_acquire_if_idle_for(PING_IDLE_AFTER);
    if url.starts_with("sqlite:") {
        options
            .max_connections(max_connections.unwrap_or(8).max(1))
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
            });
    } else {
        options
            .max_connections(max_connections.unwrap_or(16).max(1))
            .min_connections(1);
    }
    Ok(Database::connect(options).await?)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`, waiting up to the busy timeout for another writer): a deferred
/// transaction that reads first and writes later fails outright when another connection wrote
/// in between, whatever the busy timeout. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, StoreError> {
    Ok(db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?)
}

/// The SQLite URL of a file, created when missing.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    portal_migrations::Migrator::up(db, None).await?;
    Ok(())
}

/// A raw statement in the connection's dialect. Placeholders are `$1, $2, …` on both
/// PostgreSQL and SQLite.
pub fn stmt(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// The current instant at microsecond precision, which both databases store exactly, so a
/// value read back equals the value written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// `sqlite` or `postgres`.
pub fn backend_name(db: &impl ConnectionTrait) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}
