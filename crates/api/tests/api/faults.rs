//! Faults. PostgreSQL stops for ten seconds while staff issue documents and record payments and
//! customers read their grids, then starts again: while it is down every request that needs it
//! gets a quick 503 problem+json (never a 500, never a hang), `/ready` says not ready and
//! `/health` stays up; afterwards the same server process serves again, and every write it
//! answered 2xx is in the database.
//!
//! The test runs its own PostgreSQL cluster (initdb into a temporary directory, on a port of its
//! own), so that stopping it touches nothing else; it needs PostgreSQL's server binaries, which
//! the PostgreSQL pass needs anyway, whichever database the run is for.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use portal_client::{Client, ClientError};
use portal_types::{DocumentType, LineInput, NewDocument};
use tokio::sync::Mutex;

use crate::helpers::{spawn_app_on, spawn_app_on_with};

/// How long the database stays down.
const OUTAGE: Duration = Duration::from_secs(10);

/// A PostgreSQL cluster of the test's own.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    max_connections: u32,
}

impl Cluster {
    /// Creates and starts a cluster (blocking: call it off the runtime's thread).
    fn create() -> Cluster {
        Cluster::create_with(100)
    }

    /// A cluster that takes at most `max_connections` at once.
    fn create_with(max_connections: u32) -> Cluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server binaries in /usr/lib/postgresql")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .max()
            .expect("initdb");
        let dir = std::env::temp_dir().join(format!("portal-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("cluster directory");
        if is_root() {
            // PostgreSQL will not run as root: its files belong to `postgres`.
            run(Command::new("chown").args(["postgres:postgres"]).arg(&dir));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            max_connections,
        };
        run(cluster
            .pg("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(cluster.data()));
        cluster.start();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn pg(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections={}",
            self.port,
            self.dir.display(),
            self.max_connections,
        );
        run(self
            .pg("pg_ctl")
            .args(["-w", "-l"])
            .arg(self.dir.join("log"))
            .arg("-D")
            .arg(self.data())
            .args(["-o", &options, "start"]));
    }

    /// Stops the server as an operator would (`pg_ctl stop`, fast mode: sessions are ended).
    fn stop(&self) {
        run(self
            .pg("pg_ctl")
            .args(["-w", "-m", "fast", "-D"])
            .arg(self.data())
            .arg("stop"));
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn run(command: &mut Command) {
    let out = command.output().expect("runs");
    assert!(
        out.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking task")
}

/// `SELECT count(*) AS n …`'s `n`.
async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql.to_string(),
    ))
    .await
    .expect("query")
    .expect("a row")
    .try_get::<i64>("", "n")
    .expect("n")
}

/// Every row of `table` a client was answered 2xx for (`ids`) is there, as `condition` says.
async fn all_there(db: &sea_orm::DatabaseConnection, table: &str, condition: &str, ids: &[i64]) {
    crate::helpers::record_figure("acknowledged_writes", ids.len() as u64);
    if ids.is_empty() {
        // nothing acknowledged (all turned away): nothing can be missing
        return;
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let found = count(
        db,
        &format!("SELECT count(*) AS n FROM {table} WHERE {condition} AND id IN ({list})"),
    )
    .await;
    crate::helpers::record_figure(
        "lost_writes",
        ids.len().saturating_sub(found as usize) as u64,
    );
    assert_eq!(
        found as usize,
        ids.len(),
        "{table}: acknowledged but missing"
    );
}

/// One answer the load generator got.
#[derive(Debug, Clone)]
struct Answer {
    what: &'static str,
    at: Instant,
    took: Duration,
    /// 200..=299, or the error's status (0 when no HTTP answer came).
    status: u16,
    /// The problem's code, for errors.
    code: String,
    /// `Retry-After`, for errors.
    retry_after: Option<u64>,
}

#[derive(Default)]
struct Log {
    answers: Vec<Answer>,
    /// Documents whose issuing was answered 2xx.
    issued: Vec<i64>,
    /// Payments whose recording was answered 2xx.
    payments: Vec<i64>,
}

type Shared = Arc<Mutex<Log>>;

/// Times `call` and logs its answer; answers the value on success.
async fn logged<T>(
    log: &Shared,
    what: &'static str,
    call: impl std::future::Future<Output = Result<T, ClientError>>,
) -> Option<T> {
    let at = Instant::now();
    let result = call.await;
    let took = at.elapsed();
    let (status, code, retry_after, value) = match result {
        Ok(value) => (200, String::new(), None, Some(value)),
        Err(ClientError::Api {
            status,
            problem,
            retry_after,
            ..
        }) => (status, problem.code.clone(), retry_after, None),
        Err(other) => (0, other.to_string(), None, None),
    };
    log.lock().await.answers.push(Answer {
        what,
        at,
        took,
        status,
        code,
        retry_after,
    });
    value
}

fn draft(contractor: i64) -> NewDocument {
    let today = Utc::now().date_naive();
    NewDocument {
        contractor_id: contractor,
        doc_type: DocumentType::Invoice,
        currency: Some("EUR".into()),
        issue_date: Some(today),
        due_date: Some(today + Days::new(14)),
        lines: vec![LineInput {
            description: "Maintenance".into(),
            quantity: "2".into(),
            unit: "h".into(),
            unit_price: "45.00".into(),
            discount_percent: None,
            vat_rate: "20".into(),
        }],
        notes: None,
        related_document_id: None,
    }
}

/// Issues documents and records a payment on each, until `stop`.
async fn staff_writes(owner: Arc<Client>, contractor: i64, log: Shared, stop: Arc<AtomicBool>) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let Some(doc) = logged(
            &log,
            "create draft",
            owner.create_document(&draft(contractor)),
        )
        .await
        else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Some(issued) = logged(&log, "issue", owner.document_action(doc.row.id, "issue")).await
        else {
            continue;
        };
        log.lock().await.issued.push(issued.row.id);
        let payment = serde_json::from_value(serde_json::json!({
            "amount": "10.00",
            "method": "bank_transfer",
            "reference": format!("load {n}"),
        }))
        .expect("a payment");
        let key = format!("load-{}-{n}", issued.row.id);
        if let Some(p) = logged(
            &log,
            "record payment",
            owner.record_payment(issued.row.id, &payment, Some(&key)),
        )
        .await
        {
            log.lock().await.payments.push(p.id);
        }
    }
}

/// Reads the grids, staff's and a customer's, until `stop`.
async fn reads(owner: Arc<Client>, customer: Arc<Client>, log: Shared, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        logged(
            &log,
            "issuer grid",
            owner.issuer_documents(&[("per_page", "25")]),
        )
        .await;
        logged(
            &log,
            "portal grid",
            customer.portal_documents(&[("per_page", "25")]),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Asks `/health` and `/ready` every 100 ms until `stop`.
async fn probes(app: Arc<Client>, log: Shared, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        logged(&log, "health", app.health()).await;
        logged(&log, "ready", app.ready()).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn within(a: &Answer, from: Instant, to: Instant) -> bool {
    a.at >= from && a.at <= to
}

/// A load on a server: staff writers, grid readers, and optionally `/health` and `/ready`
/// probes, all logging their answers until `stop`.
struct Load {
    owner: Arc<Client>,
    customer: Arc<Client>,
    /// The customer's contractor id.
    contractor: i64,
    log: Shared,
    stop: Arc<AtomicBool>,
    tasks: tokio::task::JoinSet<()>,
}

impl Load {
    async fn start(
        app: &crate::helpers::TestApp,
        writers: usize,
        readers: usize,
        probed: bool,
    ) -> Load {
        let owner = Arc::new(app.issuer_client().await);
        let customer = Arc::new(app.portal_client("acme").await);
        let contractor = customer.portal_me().await.expect("me").contractor_id;
        let log: Shared = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..writers {
            tasks.spawn(staff_writes(
                owner.clone(),
                contractor,
                log.clone(),
                stop.clone(),
            ));
        }
        for _ in 0..readers {
            tasks.spawn(reads(
                owner.clone(),
                customer.clone(),
                log.clone(),
                stop.clone(),
            ));
        }
        if probed {
            tasks.spawn(probes(Arc::new(app.client()), log.clone(), stop.clone()));
        }
        Load {
            owner,
            customer,
            contractor,
            log,
            stop,
            tasks,
        }
    }

    /// Stops the load and waits for its requests to end.
    async fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        while self.tasks.join_next().await.is_some() {}
    }
}

#[tokio::test]
async fn the_database_stops_under_load_and_the_same_server_serves_again_losing_nothing() {
    let cluster = Arc::new(blocking(Cluster::create).await);
    let app = spawn_app_on(cluster.url("postgres")).await;
    let mut load = Load::start(&app, 2, 1, true).await;
    let (owner, customer) = (load.owner.clone(), load.customer.clone());

    tokio::time::sleep(Duration::from_secs(3)).await;
    let stopping = Instant::now();
    let c = cluster.clone();
    blocking(move || c.stop()).await;
    let down = Instant::now();
    tokio::time::sleep(OUTAGE).await;
    let starting = Instant::now();
    let c = cluster.clone();
    blocking(move || c.start()).await;
    let up = Instant::now();
    // The same process serves again: a grid read succeeds within a few seconds.
    let mut served_again = None;
    for _ in 0..100 {
        if owner.issuer_documents(&[("per_page", "1")]).await.is_ok()
            && customer
                .portal_documents(&[("per_page", "1")])
                .await
                .is_ok()
        {
            served_again = Some(up.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let served_again = served_again.expect("served again within 10 s of the database's return");
    tokio::time::sleep(Duration::from_secs(3)).await;
    load.stop().await;

    let log = load.log.lock().await;
    let answers = &log.answers;
    // Nothing but successes and 503s; every 503 a problem that says when to come back.
    let odd: Vec<&Answer> = answers
        .iter()
        .filter(|a| !(a.status == 200 || a.status == 503 && a.code == "service_unavailable"))
        .collect();
    assert!(odd.is_empty(), "answers neither 2xx nor 503: {odd:#?}");
    assert!(
        answers
            .iter()
            .filter(|a| a.status == 503)
            .all(|a| a.retry_after.is_some()),
        "a 503 without Retry-After"
    );
    // While it was down: /health up throughout, /ready not ready, the rest 503 — quickly.
    let outage: Vec<&Answer> = answers
        .iter()
        .filter(|a| within(a, down, starting))
        .collect();
    assert!(
        outage
            .iter()
            .filter(|a| a.what == "health")
            .all(|a| a.status == 200)
    );
    let ready: Vec<u16> = outage
        .iter()
        .filter(|a| a.what == "ready")
        .map(|a| a.status)
        .collect();
    assert!(
        ready.len() >= 20 && ready.iter().all(|s| *s == 503),
        "{ready:?}"
    );
    let needing = outage
        .iter()
        .filter(|a| a.what != "health" && a.what != "ready");
    let (mut refused, mut slowest) = (0, Duration::ZERO);
    for a in needing {
        assert_eq!(a.status, 503, "{a:?}");
        refused += 1;
        slowest = slowest.max(a.took);
    }
    assert!(refused >= 20, "only {refused} requests during the outage");
    // Requests sent after the gate closed do not wait for the pool's timeout.
    let gate_closed = outage
        .iter()
        .filter(|a| a.at >= down + Duration::from_secs(2) && a.what != "health");
    let slow_after: Vec<_> = gate_closed
        .filter(|a| a.took > Duration::from_millis(500))
        .collect();
    assert!(slow_after.is_empty(), "slow 503s: {slow_after:#?}");
    // Before and after, the load was served.
    let served = |from: Instant, to: Instant, what: &str| {
        answers
            .iter()
            .filter(|a| within(a, from, to) && a.what == what && a.status == 200)
            .count()
    };
    let before = stopping;
    let end = Instant::now();
    let start = before - Duration::from_secs(3);
    for what in [
        "issue",
        "record payment",
        "issuer grid",
        "portal grid",
        "ready",
    ] {
        assert!(served(start, before, what) > 0, "{what} before the outage");
        assert!(served(up, end, what) > 0, "{what} after the outage");
    }

    // Every write answered 2xx is there (read over a new connection: the test's own were
    // ended with the server).
    let db = portal_store::connect(&cluster.url("postgres"))
        .await
        .expect("connect");
    all_there(&db, "documents", "state <> 'draft'", &log.issued).await;
    all_there(&db, "payments", "true", &log.payments).await;
    eprintln!(
        "outage {:?}: {refused} requests refused (slowest {slowest:?}); served again {served_again:?} after the start; {} documents issued and {} payments recorded in all",
        starting - down,
        log.issued.len(),
        log.payments.len()
    );
    db.close().await.ok();
    drop(app);
    blocking(move || drop(cluster)).await;
}

/// PostgreSQL with fewer connection slots than the server's pools want (10 against 12 + 8):
/// the server opens connections as the load grows and PostgreSQL refuses some ("too many
/// clients", SQLSTATE 53300). A read whose read connection was refused runs on the main pool
/// instead; a request that cannot get a pool connection within the pool's wait is answered a
/// 503 that says to come back in a second (busy) — never a 500, which is what the read
/// connections answered before (CI's PostgreSQL ran out of slots under the tests' own load).
/// The gate stays open (its 503s say five seconds), and every write answered 2xx is there.
#[tokio::test]
async fn a_database_out_of_connection_slots_turns_away_only_the_requests_that_met_it() {
    let cluster = Arc::new(blocking(|| Cluster::create_with(10)).await);
    let app = spawn_app_on_with(cluster.url("postgres"), |s| {
        s.database_connections = Some(12);
        s.read_connections = Some(8);
    })
    .await;
    let mut load = Load::start(&app, 4, 3, false).await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    load.stop().await;

    let log = load.log.lock().await;
    let answers = &log.answers;
    let odd: Vec<&Answer> = answers
        .iter()
        .filter(|a| {
            !(a.status == 200
                || a.status == 503 && a.code == "service_unavailable" && a.retry_after == Some(1))
        })
        .collect();
    assert!(
        odd.is_empty(),
        "answers neither 2xx nor a busy 503: {odd:#?}"
    );
    let refusals = std::fs::read_to_string(cluster.dir.join("log"))
        .expect("the cluster's log")
        .matches("too many clients already")
        .count();
    let busy = answers.iter().filter(|a| a.status == 503).count();
    assert!(
        refusals > 0,
        "PostgreSQL never ran out of slots: the test tested nothing"
    );
    // The same server serves: a client that comes back when told (busy 503s) gets a document
    // issued and a grid read. (During the load itself a request may wait out the pool's ten
    // seconds while its connection is refused, so on a busy machine the 8 s may hold none.)
    let mut served = false;
    for _ in 0..40 {
        let issued = match load.owner.create_document(&draft(load.contractor)).await {
            Ok(doc) => load
                .owner
                .document_action(doc.row.id, "issue")
                .await
                .is_ok(),
            Err(_) => false,
        };
        if issued
            && load
                .customer
                .portal_documents(&[("per_page", "5")])
                .await
                .is_ok()
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        served,
        "no document issued and grid read within 20 s after the load"
    );
    // (Read through the test's own connection: the server may hold every other slot.)
    all_there(&app.db, "documents", "state <> 'draft'", &log.issued).await;
    all_there(&app.db, "payments", "true", &log.payments).await;
    eprintln!(
        "{} answers, {busy} of them busy 503s; PostgreSQL refused {refusals} connections",
        answers.len()
    );
    drop(app);
    blocking(move || drop(cluster)).await;
}

/// A `portal serve` process on `database_url` and `data_dir`, mailing to `smtp`.
struct Serve {
    child: std::process::Child,
    address: String,
}

impl Serve {
    async fn start(database_url: &str, data_dir: &std::path::Path, smtp: &str) -> Serve {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_portal"))
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(data_dir)
            .env("DATABASE_URL", database_url)
            .env("PORTAL_SMTP_URL", smtp)
            .envs(crate::helpers::test_pool_env())
            .env("PORTAL_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("portal serve starts");
        // (Dropped, it is killed and reaped: also when it never becomes ready.)
        let serve = Serve {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        let client = Client::new(&serve.address);
        for _ in 0..200 {
            if client.ready().await.is_ok() {
                return serve;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("portal serve did not become ready");
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Default)]
struct Acknowledged {
    issued: Vec<i64>,
    payments: Vec<i64>,
    attachments: Vec<(i64, i64)>,
}

/// `kill -9` of a `portal serve` process while staff issue and record payments, a customer
/// uploads files and the outbox mails: a new process on the same database and directory finds
/// nothing half done — every issued document has its number (the series without a gap), its
/// trail event, its PDF and its mails; every payment its event; every attachment row its file;
/// every write answered 2xx is there; and every queued mail goes out, a mail sent twice (sent
/// just before the kill, not yet marked) carrying the same Message-ID both times.
#[tokio::test]
async fn a_server_killed_mid_writes_leaves_nothing_half_done() {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let (database_url, db, dir) = crate::helpers::seeded_database().await;
    let first = Serve::start(&database_url, &dir, &sink.url).await;
    let owner = Arc::new(Client::new(&first.address));
    owner
        .issuer_login(
            portal_store::demo::OWNER_EMAIL,
            portal_store::demo::OWNER_PASSWORD,
        )
        .await
        .expect("owner");
    let customer = Arc::new(Client::new(&first.address));
    customer
        .portal_login("demo", "kunde", portal_store::demo::PORTAL_PASSWORD)
        .await
        .expect("customer");
    let contractor = customer.portal_me().await.expect("me").contractor_id;
    let document = customer
        .portal_documents(&[("per_page", "1")])
        .await
        .expect("grid")
        .items[0]
        .id;

    // What the demo data holds already; the checks below are about what the load adds.
    let seeded: i64 = {
        use sea_orm::ConnectionTrait;
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT max(id) AS n FROM documents".to_string(),
        ))
        .await
        .expect("query")
        .expect("a row")
        .try_get("", "n")
        .expect("n")
    };
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = tokio::task::JoinSet::new();
    for w in 0..2 {
        let (owner, acked, stop) = (owner.clone(), acked.clone(), stop.clone());
        load.spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let Ok(doc) = owner.create_document(&draft(contractor)).await else {
                    continue;
                };
                let Ok(issued) = owner.document_action(doc.row.id, "issue").await else {
                    continue;
                };
                acked.lock().await.issued.push(issued.row.id);
                let payment = serde_json::from_value(serde_json::json!({
                    "amount": "1.00",
                    "method": "cash",
                }))
                .expect("payment");
                let key = format!("crash-{w}-{n}");
                if let Ok(p) = owner
                    .record_payment(issued.row.id, &payment, Some(&key))
                    .await
                {
                    acked.lock().await.payments.push(p.id);
                }
            }
        });
    }
    {
        let (customer, acked, stop) = (customer.clone(), acked.clone(), stop.clone());
        load.spawn(async move {
            let png = portal_client::FileUpload {
                name: "transfer.png".into(),
                bytes: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec(),
            };
            while !stop.load(Ordering::Relaxed) {
                if let Ok(c) = customer
                    .post_comment(
                        portal_client::Realm::Portal,
                        document,
                        "paid",
                        std::slice::from_ref(&png),
                    )
                    .await
                {
                    acked.lock().await.attachments.push((document, c.attachments[0].id));
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut first = first;
    first.child.kill().expect("kill -9");
    first.child.wait().expect("reaped");
    stop.store(true, Ordering::Relaxed);
    while load.join_next().await.is_some() {}

    // A new process on the same database and directory. Mail claimed by the dead process
    // waits out its five-minute lease; the test does not wait: it moves those to now.
    let second = Serve::start(&database_url, &dir, &sink.url).await;
    {
        use sea_orm::ConnectionTrait;
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            "UPDATE outbox SET next_attempt_at = $1 WHERE status = 'pending'",
            [Utc::now().into()],
        ))
        .await
        .expect("leases ended");
    }
    let mut pending = -1;
    for _ in 0..300 {
        pending = count(
            &db,
            "SELECT count(*) AS n FROM outbox WHERE status <> 'sent'",
        )
        .await;
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending, 0, "mail left unsent after the restart");

    let acked = acked.lock().await;
    assert!(
        acked.issued.len() >= 5 && !acked.payments.is_empty() && !acked.attachments.is_empty(),
        "too little load before the kill: {} issued",
        acked.issued.len()
    );
    // Every acknowledged write is there.
    all_there(&db, "documents", "state <> 'draft'", &acked.issued).await;
    all_there(&db, "payments", "true", &acked.payments).await;
    // Nothing half issued: every issued document has a number and one `issued` event, and
    // the invoices' numbers run without a gap.
    assert_eq!(
        count(&db, &format!("SELECT count(*) AS n FROM documents WHERE id > {seeded} AND state <> 'draft' AND (number IS NULL OR number = '')")).await,
        0
    );
    assert_eq!(
        count(&db, &format!("SELECT count(*) AS n FROM documents d WHERE d.id > {seeded} AND d.state <> 'draft' AND (SELECT count(*) FROM events e WHERE e.document_id = d.id AND e.kind = 'issued') <> 1")).await,
        0,
        "an issued document without exactly one `issued` event"
    );
    let numbers: Vec<i64> = {
        use portal_store::entities::document;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        document::Entity::find()
            .filter(document::Column::Id.gt(seeded))
            .filter(document::Column::DocType.eq("invoice"))
            .filter(document::Column::State.ne("draft"))
            .all(&db)
            .await
            .expect("invoices")
            .iter()
            .map(|d| d.number.parse::<i64>().expect("digits"))
            .collect()
    };
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        (sorted[0]..sorted[0] + sorted.len() as i64).collect::<Vec<_>>(),
        "a gap or a repeat in the numbers of the invoices issued under load"
    );
    // Every payment has its event; every attachment row its file.
    assert_eq!(
        count(&db, &format!("SELECT count(*) AS n FROM documents d WHERE d.id > {seeded} AND (SELECT count(*) FROM payments p WHERE p.document_id = d.id) <> (SELECT count(*) FROM events e WHERE e.document_id = d.id AND e.kind = 'payment_recorded')")).await,
        0,
        "a payment without its event, or an event without its payment"
    );
    let staff = Client::new(&second.address);
    staff
        .issuer_login(
            portal_store::demo::OWNER_EMAIL,
            portal_store::demo::OWNER_PASSWORD,
        )
        .await
        .expect("owner on the new process");
    let rows: Vec<i64> = {
        use sea_orm::EntityTrait;
        portal_store::entities::attachment::Entity::find()
            .all(&db)
            .await
            .expect("attachments")
            .iter()
            .map(|a| a.id)
            .collect()
    };
    for (doc, id) in acked.attachments.iter() {
        assert!(
            rows.contains(id),
            "attachment {id} acknowledged but missing"
        );
        let bytes = staff
            .attachment(portal_client::Realm::Issuer, *doc, *id)
            .await
            .unwrap_or_else(|e| panic!("attachment {id}: {e}"));
        assert!(bytes.starts_with(b"\x89PNG"));
    }
    for id in &rows {
        let doc = count(&db, &format!(
            "SELECT c.document_id AS n FROM attachments a JOIN comments c ON c.id = a.comment_id WHERE a.id = {id}"
        ))
        .await;
        staff
            .attachment(portal_client::Realm::Issuer, doc, *id)
            .await
            .unwrap_or_else(|e| panic!("attachment row {id} without its file: {e}"));
    }
    // Every issued document's PDF, and its mail to the customer.
    for id in &acked.issued {
        let pdf = staff.issuer_document_pdf(*id).await.expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
    }
    // Every queued mail went out; one sent twice is the same message both times.
    let rows = count(&db, "SELECT count(*) AS n FROM outbox").await;
    let mails = sink.messages();
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").expect("a Message-ID"))
        .collect();
    ids.sort();
    let total = ids.len();
    ids.dedup();
    // A mail sent again after the kill carries the same Message-ID (the receiver's to drop);
    // one row sent as two different messages is a duplicate delivery.
    crate::helpers::record_figure("deliveries_checked", total as u64);
    crate::helpers::record_figure(
        "duplicate_deliveries",
        (ids.len() as i64 - rows).max(0) as u64,
    );
    assert_eq!(ids.len() as i64, rows, "distinct messages ≠ outbox rows");
    let resent = count(&db, "SELECT count(*) AS n FROM outbox WHERE attempts > 1").await;
    assert!(
        (total - ids.len()) as i64 <= resent,
        "{} mails sent twice, {resent} rows tried more than once",
        total - ids.len()
    );
    eprintln!(
        "killed after {} issued, {} payments, {} uploads; {} mails, {} sent again",
        acked.issued.len(),
        acked.payments.len(),
        acked.attachments.len(),
        total,
        total - ids.len()
    );
    drop(second);
    db.close().await.ok();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server that takes connections and never says a word: a mail server, a store or a webhook
/// receiver that has hung.
struct Tarpit {
    port: u16,
    held: Arc<std::sync::atomic::AtomicUsize>,
}

impl Tarpit {
    async fn start() -> Tarpit {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let held = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = held.clone();
        tokio::spawn(async move {
            let mut sockets = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                sockets.push(socket);
            }
        });
        Tarpit { port, held }
    }

    fn connections(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }
}

/// Times a call, failing it past `limit` (the hung service's own timeouts are 15 to 30 s).
async fn quick<T>(
    what: &str,
    limit: Duration,
    call: impl std::future::Future<Output = Result<T, ClientError>>,
) -> (T, Duration) {
    let at = Instant::now();
    match tokio::time::timeout(limit, call).await {
        Ok(Ok(value)) => (value, at.elapsed()),
        Ok(Err(e)) => panic!("{what}: {e}"),
        Err(_) => panic!("{what} waited on a hung service for more than {limit:?}"),
    }
}

/// A mail server, an attachment store and a webhook receiver that have all hung: mail and
/// webhook deliveries wait (in the background, on their own timeouts) and an upload waits, but
/// issuing, paying, reading the grids and commenting without a file answer as they always do.
#[tokio::test]
async fn hung_mail_storage_and_webhook_receiver_hold_up_only_their_own_work() {
    let (smtp, store, receiver) = (
        Tarpit::start().await,
        Tarpit::start().await,
        Tarpit::start().await,
    );
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let store_url = format!("http://127.0.0.1:{}", store.port);
    let app = crate::helpers::spawn_app_with(move |s| {
        s.mail.smtp_url = Some(smtp_url);
        s.webhooks_allow_private = true;
        crate::s3_server::point_at(s, &store_url, "hung");
    })
    .await;
    let owner = app.issuer_client().await;
    let customer = Arc::new(app.portal_client("kunde").await);
    let contractor = customer.portal_me().await.expect("me").contractor_id;
    owner
        .create_webhook(&portal_types::NewWebhookEndpoint {
            url: format!("http://127.0.0.1:{}/hook", receiver.port),
            events: vec!["document.issued".into(), "payment.recorded".into()],
            description: None,
        })
        .await
        .expect("endpoint");
    let document = customer
        .portal_documents(&[("per_page", "1")])
        .await
        .expect("grid")
        .items[0]
        .id;

    // An upload hangs on the store.
    let uploader = customer.clone();
    let upload = tokio::spawn(async move {
        uploader
            .post_comment(
                portal_client::Realm::Portal,
                document,
                "receipt attached",
                &[portal_client::FileUpload {
                    name: "receipt.pdf".into(),
                    bytes: b"%PDF-1.4\n%%EOF\n".to_vec(),
                }],
            )
            .await
    });

    let limit = Duration::from_secs(3);
    let mut slowest = Duration::ZERO;
    for n in 0..10 {
        let (doc, a) = quick("draft", limit, owner.create_document(&draft(contractor))).await;
        let (issued, b) = quick("issue", limit, owner.document_action(doc.row.id, "issue")).await;
        let payment = serde_json::from_value(serde_json::json!({
            "amount": "5.00",
            "method": "cash",
        }))
        .expect("payment");
        let (_, c) = quick(
            "payment",
            limit,
            owner.record_payment(issued.row.id, &payment, None),
        )
        .await;
        let (_, d) = quick("issuer grid", limit, owner.issuer_documents(&[])).await;
        let (_, e) = quick("portal grid", limit, customer.portal_documents(&[])).await;
        let (_, f) = quick(
            "comment",
            limit,
            customer.post_comment(
                portal_client::Realm::Portal,
                document,
                &format!("note {n}"),
                &[],
            ),
        )
        .await;
        slowest = slowest.max(a).max(b).max(c).max(d).max(e).max(f);
    }
    // The hung services were really being waited on: each holds a connection (the workers
    // poll every second), the upload has not been answered, and the mail and deliveries are
    // still pending.
    for _ in 0..50 {
        if smtp.connections() > 0 && receiver.connections() > 0 && store.connections() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        smtp.connections() >= 1,
        "the outbox never reached the mail server"
    );
    assert!(
        receiver.connections() >= 1,
        "no webhook delivery reached the receiver"
    );
    assert!(
        store.connections() >= 1,
        "the upload never reached the store"
    );
    assert!(
        !upload.is_finished(),
        "the upload was answered while the store hung"
    );
    let unsent = app
        .scalar("SELECT count(*) AS n FROM outbox WHERE status <> 'sent'")
        .await;
    assert!(unsent >= 10, "{unsent} mails waiting");
    let undelivered = app
        .scalar("SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'")
        .await;
    assert!(undelivered >= 20, "{undelivered} deliveries waiting");
    upload.abort();
    eprintln!(
        "60 requests beside three hung services, the slowest {slowest:?}; {unsent} mails and {undelivered} deliveries waiting"
    );
}
