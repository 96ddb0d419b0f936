//! `portal-bench`: measures the customer portal against references run on the same machine in
//! the same run, and writes markdown sections that `just bench` assembles into
//! `bench/RESULTS.md`.

mod generate;
mod grid;
mod pdfbench;
mod soak;
mod sqlite;
mod writes;

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::Utc;
use clap::{Parser, Subcommand};
use generate::Scale;
use grid::Load;
use portal_store::entities::organization;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement,
};

/// Password of every generated portal user.
pub const PASSWORD: &str = "bench-password";

#[derive(Parser)]
#[command(name = "portal-bench")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

/// A load on a server on PostgreSQL: where the database is, the server binary, how long each
/// run lasts.
#[derive(clap::Args)]
struct PgLoad {
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pg_admin_url: String,
    #[arg(long, default_value = "target/release/portal")]
    portal_binary: PathBuf,
    #[arg(long, default_value_t = 4)]
    seconds: u32,
}

#[derive(Subcommand)]
enum Cmd {
    /// The grid on PostgreSQL at scales S and M: API (wrk) against pgbench on the same SQL.
    GridPg {
        #[command(flatten)]
        pg: PgLoad,
        #[arg(long, value_delimiter = ',', default_value = "s,m")]
        scales: Vec<Scale>,
        #[arg(long)]
        out: PathBuf,
    },
    /// The grid on SQLite at scale S: API (wrk) against a plain rusqlite loop on the same SQL.
    GridSqlite {
        #[arg(long, default_value = "target/release/portal")]
        portal_binary: PathBuf,
        #[arg(long, default_value_t = 4)]
        seconds: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes: issuing a document and recording a payment through the API against plain SQL
    /// transactions doing the same writes, on SQLite and PostgreSQL.
    Writes {
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        pg_admin_url: String,
        #[arg(long, default_value = "target/release/portal")]
        portal_binary: PathBuf,
        /// Documents issued and paid on each side.
        #[arg(long, default_value_t = 300)]
        documents: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// A sign-in storm (argon2 at the hashing pool's limit and beyond) beside grid reads on
    /// PostgreSQL at scale S: the grid's p99 with the storm against without.
    LoginStorm {
        #[command(flatten)]
        pg: PgLoad,
        #[arg(long)]
        out: PathBuf,
    },
    /// A steady mixed load for minutes (customers reading, staff issuing and recording
    /// payments, webhooks delivered): errors, latency per request kind, the server's memory at
    /// the start and the end, duplicate deliveries; beside pgbench on the grid's statements.
    Soak {
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        pg_admin_url: String,
        #[arg(long, default_value = "target/release/portal")]
        portal_binary: PathBuf,
        #[arg(long, default_value_t = 600)]
        seconds: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// PDF rendering: genpdf in-process against wkhtmltopdf and headless Chromium.
    Pdf {
        #[arg(long, default_value_t = 30)]
        runs: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (out, (text, figures)) = match Cli::parse().command {
        Cmd::GridPg { pg, scales, out } => (
            out,
            grid_pg(&pg.pg_admin_url, &pg.portal_binary, pg.seconds, &scales).await?,
        ),
        Cmd::GridSqlite {
            portal_binary,
            seconds,
            out,
        } => (out, grid_sqlite(&portal_binary, seconds).await?),
        Cmd::LoginStorm { pg, out } => (
            out,
            login_storm(&pg.pg_admin_url, &pg.portal_binary, pg.seconds).await?,
        ),
        Cmd::Pdf { runs, out } => (out, pdf(runs)?),
        Cmd::Soak {
            pg_admin_url,
            portal_binary,
            seconds,
            out,
        } => (
            out,
            soak::soak(&pg_admin_url, &portal_binary, seconds).await?,
        ),
        Cmd::Writes {
            pg_admin_url,
            portal_binary,
            documents,
            out,
        } => (
            out,
            writes_section(&pg_admin_url, &portal_binary, documents).await?,
        ),
    };
    std::fs::write(&out, text)?;
    write_figures(&out, &figures)?;
    Ok(())
}

/// A section's headline figures.
type Figures = Vec<(&'static str, f64)>;

/// Writes a section's headline figures beside its markdown (`bench/<section>.json`), with the
/// day and the machine they were measured on; `scripts/bench` gathers every section's into
/// `bench/headline.json`.
fn write_figures(out: &std::path::Path, figures: &Figures) -> anyhow::Result<()> {
    let values: serde_json::Map<String, serde_json::Value> = figures
        .iter()
        .map(|(key, value)| ((*key).to_string(), serde_json::json!(value)))
        .collect();
    let doc = serde_json::json!({
        "measured_on": Utc::now().date_naive().to_string(),
        "machine": machine(),
        "figures": values,
    });
    std::fs::write(
        out.with_extension("json"),
        serde_json::to_string_pretty(&doc)? + "\n",
    )?;
    Ok(())
}

/// This machine, as the reports name it: cores, processor, memory.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown processor", |(_, m)| m.trim())
        .to_string();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024 / 1024);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // Whether the kernel shared the processor between sessions first (scripts/bench turns
    // this off where it may: it made the API's latency tails swing).
    let autogroup = match std::fs::read_to_string("/proc/sys/kernel/sched_autogroup_enabled")
        .map(|v| v.trim().to_string())
        .as_deref()
    {
        Ok("0") => ", autogroup scheduling off",
        Ok(_) => ", autogroup scheduling on",
        Err(_) => "",
    };
    format!("{cores} cores, {model}, {memory} GiB{autogroup}")
}

/// The writes section: a fresh SQLite file and a fresh PostgreSQL database, the demo data in each.
async fn writes_section(
    pg_admin: &str,
    binary: &std::path::Path,
    documents: usize,
) -> anyhow::Result<(String, Figures)> {
    let file = std::env::current_dir()?.join("target/bench/writes.sqlite3");
    std::fs::create_dir_all(file.parent().unwrap_or(&std::env::current_dir()?))?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let admin = sea_orm::Database::connect(pg_admin).await?;
    admin
        .execute_unprepared("DROP DATABASE IF EXISTS portal_bench_writes")
        .await?;
    admin.close().await?;
    let pg = pg_database(pg_admin, "portal_bench_writes").await?;
    let mut text = String::from("## Writes\n\n");
    let _ = writeln!(
        text,
        "{documents} invoices of three lines issued, then one payment recorded on each, from 4 concurrent clients, through the API (`POST …/issue`: \
checks, the next number, totals, the PDF rendered, the event, the customer's mail in the outbox; `POST …/payments` with an `Idempotency-Key`: \
the key, paid and remaining, the payment, the event, the stored answer) against plain SQL transactions writing the same rows on the same database \
from 4 tasks (no checks, no PDF, no HTTP).\n"
    );
    let (sqlite, sqlite_ratio) = writes::measure(
        "SQLite",
        &portal_store::sqlite_url(&file),
        binary,
        documents,
    )
    .await?;
    text.push_str(&sqlite);
    let (postgres, postgres_ratio) = writes::measure("PostgreSQL", &pg, binary, documents).await?;
    text.push_str(&postgres);
    Ok((
        text,
        vec![(
            "writes_issue_api_over_sql",
            sqlite_ratio.min(postgres_ratio),
        )],
    ))
}

/// How many times each API run and its reference run alternate.
const ROUNDS: usize = 5;

/// What [`interleaved`] measured for one row.
struct Rounds {
    /// The API run of the round whose ratio is the median.
    api: grid::Load,
    /// The reference run of that round.
    reference: grid::Load,
    /// The median of the API's p99 over all rounds: a stall of the shared machine (seen here:
    /// one 4-second run with a p99 five times its neighbours') moves one round's p99, not this.
    api_p99_median: f64,
}

/// Runs the API and its reference in turn, [`ROUNDS`] times, so that a slow spell of the shared
/// machine falls on both rather than on one, and keeps the round whose ratio is the median.
fn interleaved(
    mut api: impl FnMut() -> anyhow::Result<grid::Load>,
    mut reference: impl FnMut() -> anyhow::Result<grid::Load>,
) -> anyhow::Result<Rounds> {
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let a = api()?;
        let r = reference()?;
        rounds.push((a, r));
    }
    let mut p99: Vec<f64> = rounds.iter().map(|(a, _)| a.p99_ms).collect();
    p99.sort_by(f64::total_cmp);
    rounds.sort_by(|x, y| (x.0.rps / x.1.rps).total_cmp(&(y.0.rps / y.1.rps)));
    let ratios: Vec<String> = rounds
        .iter()
        .map(|(a, r)| format!("{:.2}", a.rps / r.rps))
        .collect();
    eprintln!("  ratios of the {ROUNDS} rounds: {}", ratios.join(", "));
    let (api, reference) = rounds[rounds.len() / 2];
    Ok(Rounds {
        api,
        reference,
        api_p99_median: p99[p99.len() / 2],
    })
}

/// Connects to (creating if needed) a benchmark database and fills it once.
async fn prepared_database(url: &str, scale: Scale) -> anyhow::Result<DatabaseConnection> {
    let db = portal_store::connect(url).await?;
    portal_store::migrate(&db).await?;
    if !generate::present(&db, scale).await? {
        let started = std::time::Instant::now();
        eprintln!(
            "generating scale {} ({} documents)…",
            scale.name(),
            scale.documents()
        );
        let hash = portal_store::passwords::hash(PASSWORD.as_bytes())?;
        generate::generate(&db, scale, &hash, Utc::now().date_naive()).await?;
        eprintln!("generated in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(db)
}

async fn pg_database(admin: &str, name: &str) -> anyhow::Result<String> {
    let conn = sea_orm::Database::connect(admin).await?;
    let exists = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"),
        ))
        .await?
        .is_some();
    if !exists {
        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
    }
    conn.close().await?;
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    // Loopback: no TLS for either side (both would otherwise negotiate it by default).
    Ok(format!("{base}/{name}?sslmode=disable"))
}

/// The benchmark organisation and its customers, with visible document counts.
async fn customers(
    db: &DatabaseConnection,
    scale: Scale,
) -> anyhow::Result<(organization::Model, Vec<(i64, i64)>)> {
    let org = organization::Entity::find()
        .filter(organization::Column::Slug.eq(format!(
            "bench-generator-v1-{}",
            scale.name().to_lowercase()
        )))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no benchmark organisation"))?;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT contractor_id, COUNT(*) AS n FROM documents WHERE organization_id = {} AND state <> 'draft' \
                 GROUP BY contractor_id ORDER BY n DESC, contractor_id",
                org.id
            ),
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push((
            r.try_get::<i64>("", "contractor_id")?,
            r.try_get::<i64>("", "n")?,
        ));
    }
    Ok((org, out))
}

/// The customer closest to 500 visible documents, and the largest.
fn chosen(customers: &[(i64, i64)]) -> Vec<(&'static str, i64, i64)> {
    let mid = customers
        .iter()
        .min_by_key(|(id, n)| ((n - 500).abs(), *id))
        .copied();
    let big = customers.first().copied();
    let mut out = Vec::new();
    if let Some((id, n)) = mid {
        out.push(("~500 documents", id, n));
    }
    if let Some((id, n)) = big
        && Some(id) != mid.map(|m| m.0)
    {
        out.push(("largest customer", id, n));
    }
    out
}

/// The request mix: the default grid, what is owed by due date, a date range in one currency,
/// a deep page, and the three quick filters (the default grid and the quick filters read the
/// running totals for their count and sums; the others scan).
fn mix(documents: i64) -> Vec<(&'static str, String)> {
    let today = Utc::now().date_naive();
    let from = today - chrono::Duration::days(365);
    let to = today - chrono::Duration::days(180);
    let last_page = ((documents + 49) / 50).max(1);
    vec![
        ("default (-date)", String::new()),
        (
            "remaining > 0 by due date",
            "remaining_min=0.01&sort=due_date".to_string(),
        ),
        (
            "date range + currency",
            format!("date_from={from}&date_to={to}&currency=EUR"),
        ),
        ("deep page", format!("page={last_page}")),
        ("quick filter: unpaid", "status=unpaid".to_string()),
        ("quick filter: paid", "status=paid".to_string()),
        ("quick filter: overdue", "status=overdue".to_string()),
    ]
}

/// The requests whose largest-customer ÷ 500-document-customer p50 has a target (≤ 5).
const TOTALS_TARGET: [&str; 4] = [
    "default (-date)",
    "quick filter: unpaid",
    "quick filter: paid",
    "quick filter: overdue",
];

struct Row {
    scale: &'static str,
    who: &'static str,
    documents: i64,
    query: &'static str,
    api: Load,
    reference: Load,
    api_p99_median: f64,
}

fn table(rows: &[Row], reference: &str) -> String {
    let database = rows.iter().any(|r| r.api.db_cpu_ms.is_some());
    let (api_cpu, reference_cpu) = if database {
        (
            "CPU ms per API request (of it `portal` / PostgreSQL)",
            format!("CPU ms per {reference} tx (of it PostgreSQL)"),
        )
    } else {
        (
            "CPU ms per API request (of it `portal`)",
            format!("CPU ms per {reference} tx"),
        )
    };
    let mut t = format!(
        "| scale | customer | docs | request | API req/s | API p50 ms | API p99 ms | {reference} tx/s | {reference} p50 ms | {reference} p99 ms | API ÷ {reference} | {api_cpu} | {reference_cpu} |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    );
    let of = |v: Option<f64>| v.map_or_else(String::new, |v| format!(" / {v:.2}"));
    for r in rows {
        let reference_cpu = match r.reference.db_cpu_ms {
            Some(db) => format!("{:.2} ({db:.2})", r.reference.cpu_ms),
            None => format!("{:.2}", r.reference.cpu_ms),
        };
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | **{:.2}** | {:.2} ({:.2}{}) | {} |",
            r.scale,
            r.who,
            r.documents,
            r.query,
            r.api.rps,
            r.api.p50_ms,
            r.api.p99_ms,
            r.reference.rps,
            r.reference.p50_ms,
            r.reference.p99_ms,
            r.api.rps / r.reference.rps,
            r.api.cpu_ms,
            r.api.server_cpu_ms.unwrap_or(f64::NAN),
            of(r.api.db_cpu_ms),
            reference_cpu,
        );
    }
    t
}

async fn grid_pg(
    admin: &str,
    binary: &std::path::Path,
    seconds: u32,
    scales: &[Scale],
) -> anyhow::Result<(String, Figures)> {
    let today = Utc::now().date_naive();
    let mut rows = Vec::new();
    let mut plans = String::new();
    // The server's resident memory after each run at scale M, the most of them.
    let mut rss_m: u64 = 0;
    for &scale in scales {
        let url = pg_database(
            admin,
            &format!("portal_bench_{}", scale.name().to_lowercase()),
        )
        .await?;
        let db = prepared_database(&url, scale).await?;
        let (org, list) = customers(&db, scale).await?;
        let work = grid::work_dir(&format!("pg-{}", scale.name()))?;
        let server = grid::start_server(binary, &url, &work.join("data")).await?;
        for (who, contractor_id, documents) in chosen(&list) {
            for (query, qs) in mix(documents) {
                // a fresh token per run: access tokens live ten minutes
                let (token, sid) = grid::login(&server.base, &org.slug, contractor_id).await?;
                let url_q = format!("{}/api/v1/portal/documents?{qs}", server.base);
                let statements = grid::request_sql(&org, contractor_id, &sid, &qs, today)?;
                let Rounds {
                    api,
                    reference,
                    api_p99_median,
                } = interleaved(
                    || grid::wrk(&url_q, &token, seconds, 16, &work, server.pid()),
                    || grid::pgbench(&url, &statements, seconds, 16, &work),
                )?;
                eprintln!(
                    "{} {who} {query}: API {:.0}/s, pgbench {:.0}/s",
                    scale.name(),
                    api.rps,
                    reference.rps
                );
                if scale == Scale::M {
                    rss_m = rss_m.max(grid::rss_bytes(server.pid()));
                }
                rows.push(Row {
                    scale: scale.name(),
                    who,
                    documents,
                    query,
                    api,
                    reference,
                    api_p99_median,
                });
                if scale == Scale::M && who == "largest customer" && query != "deep page" {
                    for sql in &statements[1..] {
                        let plan = db
                            .query_all_raw(Statement::from_string(
                                db.get_database_backend(),
                                format!("EXPLAIN (ANALYZE, BUFFERS) {}", sql.inlined()),
                            ))
                            .await?;
                        let lines: Vec<String> = plan
                            .iter()
                            .filter_map(|r| r.try_get::<String>("", "QUERY PLAN").ok())
                            .collect();
                        let _ = writeln!(plans, "\n`{query}`\n```\n{}\n```", lines.join("\n"));
                    }
                }
            }
        }
        drop(server);
    }
    let mut text = String::from("## Document grid on PostgreSQL\n\n");
    let _ = writeln!(
        text,
        "Loopback without TLS (`sslmode=disable` for both), release build, `portal serve` with its default two workers; wrk `-t2 -c16 -d{seconds}s`; \
pgbench `-M prepared -c16 -j2 -T{seconds}` replaying, per transaction, the two statements the API runs for that request \
(the organisation with the session check; the grid: page rows with count and per-currency sums in one statement), built by the API's own query code \
and sent as the same parameterised statements with the same parameter values (pgbench variables, `-D`). \
The CPU columns are the whole machine's busy time per request or transaction (`/proc/stat`), and in brackets the `portal` process's and PostgreSQL's \
(its server processes, `/proc/<pid>/stat`) shares of it: server, database and load generator share the two cores, \
so the ratio is bounded by what the database alone costs per request, and what the API adds is the `portal` column. \
API and pgbench runs alternate {ROUNDS} times per row; the row shows the round with the median ratio.\n"
    );
    text.push_str(&table(&rows, "pgbench"));
    // M ÷ S for the ~500-document customer
    let mut ratio_lines = String::new();
    let mut worst: f64 = 0.0;
    for (query, _) in mix(1) {
        let find = |scale| {
            rows.iter()
                .find(|r| r.scale == scale && r.who == "~500 documents" && r.query == query)
        };
        if let (Some(s), Some(m)) = (find("S"), find("M")) {
            let r = m.api_p99_median / s.api_p99_median;
            worst = worst.max(r);
            let _ = writeln!(
                ratio_lines,
                "| {query} | {} | {:.2} | {} | {:.2} | **{:.2}** |",
                s.documents, s.api_p99_median, m.documents, m.api_p99_median, r
            );
        }
    }
    if !ratio_lines.is_empty() {
        let _ = writeln!(
            text,
            "\n### Does a request cost more because other tenants have data?\n\np99 of a customer with about 500 documents at scale M (1,000,000 documents, 100 organisations) ÷ at scale S (10,000), each the median of the {ROUNDS} rounds' p99. Target ≤ 1.5; worst here **{worst:.2}**.\n\n| request | docs at S | p99 S ms | docs at M | p99 M ms | M ÷ S |\n|---|---|---|---|---|---|\n{ratio_lines}"
        );
    }
    let min_ratio = rows
        .iter()
        .map(|r| r.api.rps / r.reference.rps)
        .fold(f64::INFINITY, f64::min);
    let _ = writeln!(
        text,
        "\nAPI ÷ pgbench on the same SQL: target ≥ 0.7; lowest here **{min_ratio:.2}**."
    );
    let mut figures: Figures = vec![("grid_pg_api_over_pgbench_min", min_ratio)];
    if !ratio_lines.is_empty() {
        figures.push(("grid_m_over_s_p99_max", worst));
    }
    if rss_m > 0 {
        let _ = writeln!(
            text,
            "\nThe server's resident memory (`VmRSS`) under this load at scale M (1,000,000 documents), the most after any run: **{:.1} MB** (target ≤ 100 MB).",
            rss_m as f64 / 1_000_000.0
        );
        figures.push(("rss_bytes_under_load_m", rss_m as f64));
    }
    let big: Vec<&Row> = rows
        .iter()
        .filter(|r| r.scale == "M" && r.who == "largest customer")
        .collect();
    if !big.is_empty() {
        let _ = writeln!(
            text,
            "\n### The largest customer (scale M)\n\n| request | docs | p50 ms | p99 ms | p50 ÷ the ~500-document customer's | p99 ÷ |\n|---|---|---|---|---|---|"
        );
        let mut worst: f64 = 0.0;
        for r in big {
            if let Some(small) = rows
                .iter()
                .find(|x| x.scale == "M" && x.who == "~500 documents" && x.query == r.query)
            {
                if TOTALS_TARGET.contains(&r.query) {
                    worst = worst.max(r.api.p50_ms / small.api.p50_ms);
                }
                let _ = writeln!(
                    text,
                    "| {} | {} | {:.2} | {:.2} | {:.1} | {:.1} |",
                    r.query,
                    r.documents,
                    r.api.p50_ms,
                    r.api.p99_ms,
                    r.api.p50_ms / small.api.p50_ms,
                    r.api.p99_ms / small.api.p99_ms
                );
            }
        }
        figures.push(("grid_largest_over_500_p50_max", worst));
        let _ = writeln!(
            text,
            "\nThe default grid and the quick filters read their count and sums from the running totals (`contractor_totals`); the other requests' filters scan the customer's matching rows for the sums. Target for the default grid and each quick filter: largest ÷ ~500-document customer p50 ≤ 5; worst here **{worst:.1}**."
        );
    }
    if !plans.is_empty() {
        let _ = writeln!(
            text,
            "\n<details><summary>EXPLAIN ANALYZE at scale M, largest customer</summary>\n{plans}\n</details>"
        );
    }
    Ok((text, figures))
}

/// Sign-in clients of the storm: twice the server's hashing pool (one per core), so that the
/// pool is always full and as many again wait for it.
fn storm_clients() -> usize {
    2 * std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// What the storm's sign-ins were answered.
#[derive(Default, Debug, Clone, Copy)]
struct Signins {
    ok: u64,
    busy: u64,
    other: u64,
}

/// Signs customers in, in `clients` loops, until `stop`.
async fn storm(
    base: String,
    org_slug: String,
    usernames: Vec<String>,
    clients: usize,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Signins {
    use std::sync::atomic::Ordering;
    let http = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..clients {
        let (http, base, org_slug, usernames, stop) = (
            http.clone(),
            base.clone(),
            org_slug.clone(),
            usernames.clone(),
            stop.clone(),
        );
        tasks.spawn(async move {
            let mut seen = Signins::default();
            let mut i = c;
            while !stop.load(Ordering::Relaxed) {
                let body = serde_json::json!({
                    "organization": org_slug,
                    "username": usernames[i % usernames.len()],
                    "password": PASSWORD,
                });
                i += clients;
                match http
                    .post(format!("{base}/api/v1/portal/auth/login"))
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                {
                    Ok(200) => seen.ok += 1,
                    Ok(503) => seen.busy += 1,
                    _ => seen.other += 1,
                }
            }
            seen
        });
    }
    let mut all = Signins::default();
    while let Some(Ok(seen)) = tasks.join_next().await {
        all.ok += seen.ok;
        all.busy += seen.busy;
        all.other += seen.other;
    }
    all
}

async fn login_storm(
    admin: &str,
    binary: &std::path::Path,
    seconds: u32,
) -> anyhow::Result<(String, Figures)> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let url = pg_database(admin, "portal_bench_s").await?;
    let db = prepared_database(&url, Scale::S).await?;
    let (org, list) = customers(&db, Scale::S).await?;
    let (_, contractor_id, documents) = *chosen(&list)
        .first()
        .ok_or_else(|| anyhow::anyhow!("no customer"))?;
    // Others sign in: the grid reader's session is not theirs.
    let usernames: Vec<String> = list
        .iter()
        .filter(|(id, _)| *id != contractor_id)
        .take(200)
        .map(|(id, _)| format!("c{id}"))
        .collect();
    let work = grid::work_dir("login-storm")?;
    let server = grid::start_server(binary, &url, &work.join("data")).await?;
    let clients = storm_clients();
    let mut rounds = Vec::new();
    let mut signins = Signins::default();
    for _ in 0..ROUNDS {
        let (token, _) = grid::login(&server.base, &org.slug, contractor_id).await?;
        let url_q = format!("{}/api/v1/portal/documents", server.base);
        let quiet = tokio::task::block_in_place(|| {
            grid::wrk(&url_q, &token, seconds, 16, &work, server.pid())
        })?;
        let stop = Arc::new(AtomicBool::new(false));
        let storming = tokio::spawn(storm(
            server.base.clone(),
            org.slug.clone(),
            usernames.clone(),
            clients,
            stop.clone(),
        ));
        // the pool fills before the grid is measured
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let stormy = tokio::task::block_in_place(|| {
            grid::wrk(&url_q, &token, seconds, 16, &work, server.pid())
        })?;
        stop.store(true, Ordering::Relaxed);
        let seen = storming.await?;
        eprintln!(
            "login storm: grid p99 {:.2} ms quiet, {:.2} ms in the storm; sign-ins {seen:?}",
            quiet.p99_ms, stormy.p99_ms
        );
        signins.ok += seen.ok;
        signins.busy += seen.busy;
        signins.other += seen.other;
        rounds.push((quiet, stormy));
    }
    drop(server);
    rounds.sort_by(|a, b| (a.1.p99_ms / a.0.p99_ms).total_cmp(&(b.1.p99_ms / b.0.p99_ms)));
    let (quiet, stormy) = rounds[rounds.len() / 2];
    let ratio = stormy.p99_ms / quiet.p99_ms;
    let mut text = String::from(
        "## Sign-in storm beside the grid

",
    );
    let _ = writeln!(
        text,
        "PostgreSQL at scale S, release build, `portal serve` with its defaults (hashing pool: one argon2id verification per core at once, on threads at nice 10; a sign-in waits up to 10 s for a slot, then gets a 503). The grid of the ~500-document customer ({documents} documents) read by wrk `-t2 -c16 -d{seconds}s` alone, then again while {clients} clients sign other customers in back to back (argon2id, m=19 MiB, t=2), {ROUNDS} rounds alternating; the row shows the round with the median ratio.\n\n| | grid req/s | grid p50 ms | grid p99 ms |\n|---|---|---|---|\n| alone | {:.0} | {:.2} | {:.2} |\n| beside the storm | {:.0} | {:.2} | {:.2} |\n\nGrid p99 in the storm ÷ alone: **{ratio:.2}** (target ≤ 1.2). Sign-ins over all rounds: {} answered 200, {} answered 503 (waited past the queue's limit), {} anything else.",
        quiet.rps,
        quiet.p50_ms,
        quiet.p99_ms,
        stormy.rps,
        stormy.p50_ms,
        stormy.p99_ms,
        signins.ok,
        signins.busy,
        signins.other,
    );
    Ok((text, vec![("login_storm_grid_p99_ratio", ratio)]))
}

async fn grid_sqlite(binary: &std::path::Path, seconds: u32) -> anyhow::Result<(String, Figures)> {
    let today = Utc::now().date_naive();
    let work = grid::work_dir("sqlite")?;
    let file = std::env::current_dir()?.join("target/bench/portal_bench_s.sqlite3");
    std::fs::create_dir_all(file.parent().unwrap_or(&work))?;
    let url = portal_store::sqlite_url(&file);
    let db = prepared_database(&url, Scale::S).await?;
    let (org, list) = customers(&db, Scale::S).await?;
    let server = grid::start_server(binary, &url, &work.join("data")).await?;
    let mut rows = Vec::new();
    for (who, contractor_id, documents) in chosen(&list) {
        for (query, qs) in mix(documents) {
            let (token, sid) = grid::login(&server.base, &org.slug, contractor_id).await?;
            let url_q = format!("{}/api/v1/portal/documents?{qs}", server.base);
            let statements = grid::request_sql(&org, contractor_id, &sid, &qs, today)?;
            let Rounds {
                api,
                reference,
                api_p99_median,
            } = interleaved(
                || grid::wrk(&url_q, &token, seconds, 16, &work, server.pid()),
                || sqlite::rusqlite_loop(&file, &statements, 2, u64::from(seconds)),
            )?;
            eprintln!(
                "SQLite {who} {query}: API {:.0}/s, rusqlite {:.0}/s",
                api.rps, reference.rps
            );
            rows.push(Row {
                scale: "S",
                who,
                documents,
                query,
                api,
                reference,
                api_p99_median,
            });
        }
    }
    drop(server);
    let min_ratio = rows
        .iter()
        .map(|r| r.api.rps / r.reference.rps)
        .fold(f64::INFINITY, f64::min);
    let mut text = String::from("## Document grid on SQLite\n\n");
    let _ = writeln!(
        text,
        "Scale S in a SQLite file (WAL). The API with wrk `-t2 -c16 -d{seconds}s` against a plain rusqlite loop on two threads, alternating {ROUNDS} times per row (the row shows the round with the median ratio) \
(one connection each, statements prepared once and cached) running the same two statements (session check with organisation, grid) with the same bound parameters on the same file. \
Target API ÷ rusqlite ≥ 0.5; lowest here **{min_ratio:.2}**.\n"
    );
    text.push_str(&table(&rows, "rusqlite"));
    Ok((text, vec![("grid_sqlite_api_over_rusqlite_min", min_ratio)]))
}

fn pdf(runs: usize) -> anyhow::Result<(String, Figures)> {
    let work = grid::work_dir("pdf")?;
    let external_runs = 5.min(runs).max(1);
    let mut text = String::from("## PDF rendering\n\n");
    let _ = writeln!(
        text,
        "The same one-page invoice (`portal_pdf::sample::invoice`) in German, whose text is all \
Windows-1252 and so prints with PDF's standard Helvetica (nothing embedded), and in Bulgarian, which \
embeds the regular and bold faces. genpdf in-process ({runs} runs, median); the HTML engines \
started as one process per document, as Odoo (wkhtmltopdf) and Invoice Ninja (headless Chromium) \
do ({external_runs} runs, median), from Debian's packages, on the same HTML rendition.\n\n\
| invoice | renderer | median ms | size KB | genpdf is faster by |\n|---|---|---|---|---|"
    );
    let mut worst = (f64::INFINITY, f64::INFINITY);
    let mut bytes_bg = 0.0;
    for (locale, name) in [
        (portal_pdf::Locale::De, "German (standard fonts)"),
        (portal_pdf::Locale::Bg, "Bulgarian (embedded fonts)"),
    ] {
        let doc = portal_pdf::sample::invoice(locale);
        let (uncached, cached) = pdfbench::in_process(&doc, runs, &work)?;
        let html = work.join("invoice.html");
        std::fs::write(&html, pdfbench::html(&doc))?;
        let wk = pdfbench::external(
            "wkhtmltopdf",
            &["--quiet", "{in}", "{out}"],
            &html,
            &work.join("wk.pdf"),
            external_runs,
        )?;
        let profile = work.join("chromium-profile");
        let profile_arg = format!("--user-data-dir={}", profile.display());
        let chromium = pdfbench::external(
            "chromium",
            &[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
                &profile_arg,
                "{out_flag}",
                "{in}",
            ],
            &html,
            &work.join("chromium.pdf"),
            external_runs,
        )?;
        let kb = |r: &pdfbench::Render| r.bytes as f64 / 1024.0;
        let wk_by = wk.median_ms / uncached.median_ms;
        let chromium_by = chromium.median_ms / uncached.median_ms;
        worst = (worst.0.min(wk_by), worst.1.min(chromium_by));
        if locale == portal_pdf::Locale::Bg {
            bytes_bg = uncached.bytes as f64;
        }
        let _ = writeln!(
            text,
            "| {name} | genpdf in-process, uncached | {:.1} | {:.0} | — |\n\
| {name} | genpdf, served from the cache | {:.3} | {:.0} | — |\n\
| {name} | wkhtmltopdf process | {:.1} | {:.0} | **{wk_by:.1}×** (target ≥ 3×) |\n\
| {name} | headless Chromium print-to-PDF process | {:.1} | {:.0} | **{chromium_by:.1}×** (target ≥ 10×) |",
            uncached.median_ms,
            kb(&uncached),
            cached.median_ms,
            kb(&cached),
            wk.median_ms,
            kb(&wk),
            chromium.median_ms,
            kb(&chromium),
        );
    }
    let _ = writeln!(
        text,
        "\nLowest here: **{:.1}×** wkhtmltopdf, **{:.1}×** Chromium.",
        worst.0, worst.1
    );
    Ok((
        text,
        vec![
            ("pdf_speedup_vs_wkhtmltopdf_min", worst.0),
            ("pdf_speedup_vs_chromium_min", worst.1),
            ("pdf_bytes_bg", bytes_bg),
        ],
    ))
}
