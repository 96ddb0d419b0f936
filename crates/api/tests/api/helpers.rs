//! `spawn_app()`: the real server on port 0 with its own database and the demo data.

use std::sync::Arc;

use portal_api::auth::PasswordPool;
use portal_api::config::{Settings, ThrottlePolicy, sqlite_url};
use portal_api::startup::Application;
use portal_client::{Client, ClientError};

use crate::smtp_sink::SmtpSink;
use portal_store::{self as db, demo};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The signing secret of test servers, so tests can forge tokens with it.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// A running server and a way into its database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The database URL, so a second server can share it.
    pub database_url: String,
    /// A direct connection for checking side effects.
    pub db: DatabaseConnection,
    /// The settings the server was started with.
    pub settings: Settings,
    /// The server's password pool, to count the argon2 verifications it ran.
    pub passwords: PasswordPool,
    /// The S3-compatible server attachments go to, when the run asks for one (held for its
    /// `Drop`: it stops with the test).
    #[allow(dead_code)]
    pub s3: Option<crate::s3_server::S3Server>,
}

impl TestApp {
    /// A fresh client of this server.
    pub fn client(&self) -> Client {
        Client::new(&self.address)
    }

    /// A client signed in as a demo portal user.
    pub async fn portal_client(&self, username: &str) -> Client {
        let client = self.client();
        client
            .portal_login("demo", username, demo::PORTAL_PASSWORD)
            .await
            .expect("demo portal login");
        client
    }

    /// A client signed in as the demo owner.
    pub async fn issuer_client(&self) -> Client {
        let client = self.client();
        client
            .issuer_login(demo::OWNER_EMAIL, demo::OWNER_PASSWORD)
            .await
            .expect("demo owner login");
        client
    }

    /// A client signed in as a new member of the demo organisation's staff with `role`
    /// (`{role}@demo.example`, the demo owner's password).
    pub async fn staff_client(&self, role: &str) -> Client {
        let email = format!("{role}@demo.example");
        self.db
            .execute_unprepared(&format!(
                "INSERT INTO staff_users (organization_id, email, email_lower, name, password_hash, role, active, invited, password_changed_at, created_at, updated_at)
                 SELECT organization_id, '{email}', '{email}', 'The {role}', password_hash, '{role}', true, false, created_at, created_at, created_at
                 FROM staff_users WHERE email_lower = '{owner}'",
                owner = demo::OWNER_EMAIL
            ))
            .await
            .expect("insert staff");
        let client = self.client();
        client
            .issuer_login(&email, demo::OWNER_PASSWORD)
            .await
            .expect("staff login");
        client
    }

    /// A second organisation (`rival`, the demo data under another name) and a client signed in
    /// as its owner: what it may reach of the demo organisation is nothing.
    pub async fn rival_owner(&self) -> Client {
        demo::seed_organization(
            &self.db,
            "rival",
            "Rival Trading Ltd",
            "owner@rival.example",
        )
        .await
        .expect("seed rival");
        let client = self.client();
        client
            .issuer_login("owner@rival.example", demo::OWNER_PASSWORD)
            .await
            .expect("rival login");
        client
    }

    /// Runs a scalar query (`SELECT count(*) AS n ...`) and returns column `n`.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                sql.to_string(),
            ))
            .await
            .expect("query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("column n")
    }

    /// Makes the database refuse to record events of `kind` (a fault in the middle of a write),
    /// until [`TestApp::accept_events`].
    pub async fn refuse_events(&self, kind: &str) {
        let statements = match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => vec![
                format!(
                    "CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                         IF NEW.kind = '{kind}' THEN RAISE EXCEPTION 'event refused by the test'; END IF;
                         RETURN NEW;
                     END $$"
                ),
                "CREATE TRIGGER refuse_event BEFORE INSERT ON events
                 FOR EACH ROW EXECUTE FUNCTION refuse_event()"
                    .to_string(),
            ],
            _ => vec![format!(
                "CREATE TRIGGER refuse_event BEFORE INSERT ON events WHEN NEW.kind = '{kind}'
                 BEGIN SELECT RAISE(ABORT, 'event refused by the test'); END"
            )],
        };
        for sql in statements {
            self.db
                .execute_unprepared(&sql)
                .await
                .expect("refuse events");
        }
    }

    /// Undoes [`TestApp::refuse_events`].
    pub async fn accept_events(&self) {
        let statements: &[&str] = match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => &[
                "DROP TRIGGER refuse_event ON events",
                "DROP FUNCTION refuse_event()",
            ],
            _ => &["DROP TRIGGER refuse_event"],
        };
        for sql in statements {
            self.db
                .execute_unprepared(sql)
                .await
                .expect("accept events");
        }
    }

    /// Starts another server process-equivalent on the same database.
    pub async fn second_server(&self) -> String {
        self.second_server_with(|_| {}).await
    }

    /// Starts another server on the same database and data directory, with adjusted settings
    /// (another release of the server, say).
    pub async fn second_server_with(&self, adjust: impl FnOnce(&mut Settings)) -> String {
        let mut settings = self.settings.clone();
        settings.addr = "127.0.0.1:0".into();
        adjust(&mut settings);
        start(settings).await.0
    }
}

/// The data directory (SQLite file, PDF cache) goes with the test. (PostgreSQL test databases
/// are dropped together after the run, by `scripts/drop-test-databases`.)
impl Drop for TestApp {
    fn drop(&mut self) {
        // The server runs on until the test's runtime ends, and its SQLite pool may create the
        // WAL's files again while the directory is being removed: try again until it is gone.
        for _ in 0..10 {
            let _ = std::fs::remove_dir_all(&self.settings.data_dir);
            if !self.settings.data_dir.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

fn which_database() -> String {
    std::env::var("PORTAL_TEST_DB").unwrap_or_else(|_| "sqlite".into())
}

/// A fresh, empty database URL for one test.
async fn fresh_database(data_dir: &std::path::Path) -> String {
    match which_database().as_str() {
        "sqlite" => sqlite_url(&data_dir.join("portal.sqlite3")),
        "postgres" => {
            let admin = std::env::var("PORTAL_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("portal_test_{}", uuid::Uuid::new_v4().simple());
            let conn = sea_orm::Database::connect(&admin)
                .await
                .unwrap_or_else(|e| {
                    panic!("PostgreSQL is required for PORTAL_TEST_DB=postgres ({admin}): {e}")
                });
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            conn.close().await.ok();
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(b, _)| b)
                .to_string();
            format!("{base}/{name}")
        }
        other => panic!("PORTAL_TEST_DB must be sqlite or postgres, not {other}"),
    }
}

/// The database pool of every test server (in process or `portal serve`). Two test threads,
/// each with up to three servers, share one PostgreSQL of 100 connection slots; at the
/// defaults (16 + 4 per core each) they took them all, and requests were refused.
pub const TEST_DATABASE_CONNECTIONS: u32 = 5;
/// The read connections of every test server.
pub const TEST_READ_CONNECTIONS: usize = 2;

/// The environment that gives a `portal serve` the test servers' pool sizes.
pub fn test_pool_env() -> [(&'static str, String); 2] {
    [
        (
            "PORTAL_DATABASE_CONNECTIONS",
            TEST_DATABASE_CONNECTIONS.to_string(),
        ),
        ("PORTAL_READ_CONNECTIONS", TEST_READ_CONNECTIONS.to_string()),
    ]
}

/// Files a figure a test measured (acknowledged writes missing, deliveries made twice) for
/// `just bench faults`, which runs the fault tests with `PORTAL_TEST_FIGURES` naming a file and
/// sums what they filed into `bench/headline.json`. Call it before asserting on the figure, so
/// that a failing run files what it saw. Without the variable, nothing is filed.
pub fn record_figure(name: &str, value: u64) {
    use std::io::Write as _;
    let Ok(path) = std::env::var("PORTAL_TEST_FIGURES") else {
        return;
    };
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .replace(char::is_whitespace, "_");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    writeln!(file, "{name} {value} {test}").unwrap_or_else(|e| panic!("{path}: {e}"));
}

async fn start(settings: Settings) -> (String, PasswordPool) {
    // The servers' warnings and errors go to the test's output, which the test runner shows
    // when the test fails: a 500 or 503 a test trips over comes with its cause (CI's report
    // of a failed run holds nothing else). PORTAL_TEST_LOG=debug (any filter) shows more.
    let filter = std::env::var("PORTAL_TEST_LOG").unwrap_or_else(|_| "warn".to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_test_writer()
        .try_init();
    let app = Application::build(settings).await.expect("server builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let passwords = app.passwords();
    tokio::spawn(app.run());
    (address, passwords)
}

/// Starts a server with demo data and default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server with demo data, letting the test adjust the settings first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(adjust, true, None).await
}

/// Starts a server with demo data on the given (empty) database.
pub async fn spawn_app_on(database_url: String) -> TestApp {
    spawn(|_| {}, true, Some(database_url)).await
}

/// Starts a server with demo data on the given (empty) database, letting the test adjust the
/// settings first.
pub async fn spawn_app_on_with(
    database_url: String,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    spawn(adjust, true, Some(database_url)).await
}

/// Starts a server on an empty database (no organisation: the first-run setup is open).
pub async fn spawn_empty_app() -> TestApp {
    spawn(|_| {}, false, None).await
}

async fn spawn(
    adjust: impl FnOnce(&mut Settings),
    seed: bool,
    database_url: Option<String>,
) -> TestApp {
    let dir = std::env::temp_dir().join(format!("portal-test-{}", uuid::Uuid::new_v4().simple()));
    let database_url = match database_url {
        Some(url) => url,
        None => fresh_database(&dir).await,
    };
    let mut settings = Settings::new(
        "127.0.0.1:0".into(),
        Some(database_url.clone()),
        dir,
        Some(TEST_SECRET.into()),
    )
    .expect("settings");
    settings.workers = 2;
    settings.database_connections = Some(TEST_DATABASE_CONNECTIONS);
    settings.read_connections = Some(TEST_READ_CONNECTIONS);
    settings.hashing_concurrency = 2;
    settings.throttle = ThrottlePolicy::default();
    let s3 = if crate::s3_server::wanted() {
        let server = crate::s3_server::S3Server::start().await;
        server.configure(&mut settings);
        Some(server)
    } else {
        None
    };
    adjust(&mut settings);

    let conn = db::connect(&database_url).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    if seed {
        demo::seed(&conn).await.expect("seed demo data");
    }
    let (address, passwords) = start(settings.clone()).await;
    TestApp {
        address,
        database_url,
        db: conn,
        settings,
        passwords,
        s3,
    }
}

/// A fresh database of the run's kind with the demo data and no server on it (for tests that
/// run `portal serve` processes themselves), and a data directory beside it.
pub async fn seeded_database() -> (String, DatabaseConnection, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("portal-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("data directory");
    let database_url = fresh_database(&dir).await;
    let conn = db::connect(&database_url).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    demo::seed(&conn).await.expect("seed demo data");
    (database_url, conn, dir)
}

/// Starts a server with demo data whose mail goes to a real SMTP server on loopback.
pub async fn spawn_app_with_mail() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url.clone();
    let app = spawn_app_with(move |s| {
        s.mail.smtp_url = Some(url);
        s.mail.public_url = "https://portal.test".into();
    })
    .await;
    (app, sink)
}

/// Shared handle for concurrent tasks.
pub fn shared(client: Client) -> Arc<Client> {
    Arc::new(client)
}

/// An API error's status, problem code and the fields it names; panics on success.
pub fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String, Vec<String>) {
    match result {
        Err(ClientError::Api {
            status, problem, ..
        }) => (
            status,
            problem.code,
            problem.errors.into_iter().map(|e| e.field).collect(),
        ),
        other => panic!("expected an API error, got {other:?}"),
    }
}
