//! The database gate: once a request finds the database unreachable, the requests after it are
//! answered 503 at once instead of each waiting out the pool's connection timeout, and `/ready`
//! says not ready; a prober asks the database every half second and opens the gate when it
//! answers. The process is never restarted for it: what was waiting goes on as before.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};

/// How often the prober asks while the database is unreachable.
const PROBE_EVERY: Duration = Duration::from_millis(500);
/// How long one probe may take.
const PROBE_LIMIT: Duration = Duration::from_secs(2);

/// Whether the database was last found reachable. Shared by every worker of a process.
#[derive(Debug, Default)]
pub struct DatabaseGate {
    down: AtomicBool,
    probing: AtomicBool,
}

impl DatabaseGate {
    /// A gate that is open.
    pub fn new() -> Arc<DatabaseGate> {
        Arc::new(DatabaseGate::default())
    }

    /// Whether requests that need the database are turned away now.
    pub fn is_closed(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// A request found the database unreachable: close the gate, and start the prober that
    /// opens it again (one per process).
    pub fn report_unreachable(self: &Arc<Self>, db: &DatabaseConnection) {
        self.down.store(true, Ordering::Release);
        if self.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("database unreachable: answering 503 until it answers again");
        let gate = Arc::clone(self);
        let db = db.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                if answers(&db).await {
                    break;
                }
            }
            gate.down.store(false, Ordering::Release);
            gate.probing.store(false, Ordering::Release);
            tracing::info!("database reachable again");
        });
    }
}

/// Whether the database answers `SELECT 1` within [`PROBE_LIMIT`].
pub async fn answers(db: &DatabaseConnection) -> bool {
    let probe = db.query_one_raw(portal_store::stmt(db, "SELECT 1 AS one", vec![]));
    matches!(tokio::time::timeout(PROBE_LIMIT, probe).await, Ok(Ok(_)))
}

/// Whether a request to `path` needs the database (everything under `/api/v1/` but the OpenAPI
/// document, and `/ready`); `/health`, the API reference and the apps' files do not.
pub fn needs_database(path: &str) -> bool {
    (path.starts_with("/api/v1/") && path != "/api/v1/openapi.json") || path == "/ready"
}
