//! The document grid under load: the real `portal serve` hit by wrk over loopback, and in the
//! same run pgbench replaying the identical SQL (the statements the API runs for that request,
//! built by the API's own code, with the same parameters).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use chrono::NaiveDate;
use portal_domain::filter::DocumentQuery;
use portal_store::entities::organization;
use portal_store::portal::{PortalScope, grid_sql};
use portal_store::sessions::SESSION_ORGANIZATION_SQL;
use portal_types::DocumentType;
use sea_orm::{DbBackend, Statement, Value};

/// Latency and throughput of one load run, and what it cost in CPU.
#[derive(Debug, Clone, Copy, Default)]
pub struct Load {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// CPU time of the whole machine per request (server, database, load generator), ms.
    pub cpu_ms: f64,
    /// Of that, the `portal` process's own, ms (API runs only).
    pub server_cpu_ms: Option<f64>,
    /// Of that, PostgreSQL's (its server processes), ms (PostgreSQL runs only).
    pub db_cpu_ms: Option<f64>,
}

/// Busy CPU time of the whole machine so far, in clock ticks (`/proc/stat`).
pub fn machine_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    stat.lines()
        .find_map(|l| l.strip_prefix("cpu "))
        .map(|rest| {
            // user nice system idle iowait irq softirq steal: all but idle and iowait
            rest.split_whitespace()
                .filter_map(|v| v.parse::<u64>().ok())
                .enumerate()
                .filter(|(i, _)| !matches!(i, 3 | 4) && *i < 8)
                .map(|(_, v)| v)
                .sum()
        })
        .unwrap_or(0)
}

/// CPU time of one process so far (user + system), in clock ticks.
pub fn process_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // the command name may hold spaces: fields count from after its closing parenthesis
    stat.rsplit_once(')')
        .map(|(_, rest)| {
            let f: Vec<&str> = rest.split_whitespace().collect();
            let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            n(11) + n(12)
        })
        .unwrap_or(0)
}

/// CPU time of every PostgreSQL server process so far, in clock ticks: the live ones' own
/// time, and through the postmaster's count of its reaped children, that of backends which
/// have exited (pgbench's, at the end of its run).
pub fn postgres_ticks() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter_map(|stat| {
            let (name, rest) = stat.split_once(" (")?.1.rsplit_once(')')?;
            (name == "postgres").then(|| {
                let f: Vec<&str> = rest.split_whitespace().collect();
                let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                // utime, stime, cutime, cstime
                n(11) + n(12) + n(13) + n(14)
            })
        })
        .sum()
}

/// Resident memory of one process now (`VmRSS`), in bytes; 0 when it cannot be read.
pub fn rss_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Milliseconds per clock tick (USER_HZ is 100 on Linux).
pub const MS_PER_TICK: f64 = 10.0;

/// A running `portal serve`.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Starts the release server on `database_url` and waits until it answers.
pub async fn start_server(
    binary: &Path,
    database_url: &str,
    data_dir: &Path,
) -> anyhow::Result<Server> {
    start_server_with(binary, database_url, data_dir, &[]).await
}

/// [`start_server`] with more settings in its environment.
pub async fn start_server_with(
    binary: &Path,
    database_url: &str,
    data_dir: &Path,
    env: &[(&str, &str)],
) -> anyhow::Result<Server> {
    let port = free_port()?;
    std::fs::create_dir_all(data_dir)?;
    let child = Command::new(binary)
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .args(["--database-url", database_url])
        .env(
            "PORTAL_JWT_SECRET",
            "bench-secret-bench-secret-bench-secret-0123",
        )
        .env("PORTAL_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..300 {
        if reqwest::get(format!("{}/ready", server.base))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the server did not become ready")
}

/// Signs in as a generated portal user; returns the access token and its session id.
pub async fn login(
    base: &str,
    org_slug: &str,
    contractor_id: i64,
) -> anyhow::Result<(String, String)> {
    let body = serde_json::json!({"organization": org_slug, "username": format!("c{contractor_id}"), "password": crate::PASSWORD});
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/portal/auth/login"))
        .json(&body)
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "login failed: {}",
        response.status()
    );
    let token: serde_json::Value = response.json().await?;
    let access = token["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let sid = session_of(&access)?;
    Ok((access, sid))
}

/// The session id (`sid` claim) of an access token, bare or as `Bearer …`.
pub fn session_of(access: &str) -> anyhow::Result<String> {
    let payload = access.split('.').nth(1).unwrap_or_default();
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload)?)?;
    Ok(claims["sid"].as_str().unwrap_or_default().to_string())
}

/// Runs wrk against one URL with the bearer token for `seconds`.
pub fn wrk(
    url: &str,
    token: &str,
    seconds: u32,
    connections: u32,
    work: &Path,
    server_pid: u32,
) -> anyhow::Result<Load> {
    let script = work.join("auth.lua");
    std::fs::write(
        &script,
        format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"),
    )?;
    let (machine0, server0, db0) = (machine_ticks(), process_ticks(server_pid), postgres_ticks());
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(url)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    anyhow::ensure!(out.status.success(), "wrk failed: {text}");
    anyhow::ensure!(
        !text.contains("Non-2xx"),
        "wrk saw errors for {url}: {text}"
    );
    let (machine1, server1, db1) = (machine_ticks(), process_ticks(server_pid), postgres_ticks());
    let requests: f64 = text
        .lines()
        .find_map(|l| {
            l.trim()
                .split_once(" requests in ")
                .map(|(n, _)| n.to_string())
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(f64::NAN);
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no Requests/sec in {text}"))?;
    let pct = |p: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(p).map(|v| v.trim().to_string()))
            .and_then(|v| parse_duration_ms(&v))
            .unwrap_or(f64::NAN)
    };
    Ok(Load {
        rps,
        p50_ms: pct("50%"),
        p99_ms: pct("99%"),
        cpu_ms: (machine1 - machine0) as f64 * MS_PER_TICK / requests,
        server_cpu_ms: Some((server1 - server0) as f64 * MS_PER_TICK / requests),
        // zero on SQLite, where no PostgreSQL process works for the server
        db_cpu_ms: Some(db1.saturating_sub(db0) as f64 * MS_PER_TICK / requests)
            .filter(|ms| *ms > 0.0),
    })
}

fn parse_duration_ms(v: &str) -> Option<f64> {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => return None,
    })
}

/// One statement the API runs: its text with `$n` placeholders and the bound values.
#[derive(Debug, Clone)]
pub struct BoundSql {
    pub text: String,
    pub values: Vec<Value>,
}

impl BoundSql {
    /// The text with `$n` written as pgbench variables `:v{prefix}_{n}`, and the variables'
    /// values for `-D` — so pgbench sends the same parameterised statement the API sends,
    /// planned the same way (a literal in the text would get a plan of its own).
    pub fn pgbench_text(&self, prefix: usize) -> (String, Vec<String>) {
        let mut text = String::with_capacity(self.text.len());
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                text.push_str(&format!(":v{prefix}_"));
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    text.push(d);
                }
            } else {
                text.push(c);
            }
        }
        let defines = self
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("v{prefix}_{}={}", i + 1, value_text(v)))
            .collect();
        (text, defines)
    }

    /// The text with the values inlined as literals (for EXPLAIN). sea-orm inlines by the
    /// placeholder style of the backend it is told; ours is `$n` on both databases.
    pub fn inlined(&self) -> String {
        Statement::from_sql_and_values(DbBackend::Postgres, &self.text, self.values.clone())
            .to_string()
    }
}

/// A bound value as PostgreSQL reads it from text.
fn value_text(v: &Value) -> String {
    match v {
        Value::BigInt(Some(i)) => i.to_string(),
        Value::Int(Some(i)) => i.to_string(),
        Value::Bool(Some(b)) => b.to_string(),
        Value::String(Some(s)) => s.to_string(),
        Value::ChronoDate(Some(d)) => d.format("%F").to_string(),
        Value::ChronoDateTimeUtc(Some(t)) => t.to_rfc3339(),
        other => format!("{other:?}"),
    }
}

/// The SQL statements the API runs for one grid request, built by the API's own code.
pub fn request_sql(
    org: &organization::Model,
    contractor_id: i64,
    session: &str,
    query: &str,
    today: NaiveDate,
) -> anyhow::Result<Vec<BoundSql>> {
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .collect();
    let q = DocumentQuery::parse(pairs).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let scope = PortalScope {
        organization_id: org.id,
        contractor_id,
        types: org
            .portal_document_types
            .split(',')
            .filter_map(DocumentType::parse)
            .collect(),
        organization: org.clone(),
    };
    let grid = grid_sql(&scope, &q, today);
    Ok(vec![
        BoundSql {
            text: SESSION_ORGANIZATION_SQL.to_string(),
            values: vec![Value::from(org.id), Value::from(session)],
        },
        BoundSql {
            text: grid.text().to_string(),
            values: grid.values().to_vec(),
        },
    ])
}

/// Runs pgbench with the statements as one transaction script; latency percentiles come from
/// its per-transaction log.
pub fn pgbench(
    database_url: &str,
    statements: &[BoundSql],
    seconds: u32,
    clients: u32,
    work: &Path,
) -> anyhow::Result<Load> {
    let script = work.join("grid.sql");
    let mut body = String::new();
    let mut defines = Vec::new();
    for (i, statement) in statements.iter().enumerate() {
        let (text, values) = statement.pgbench_text(i);
        body.push_str(&format!("{};\n", text.replace('\n', " ")));
        defines.extend(values);
    }
    std::fs::write(&script, body)?;
    let logs = work.join("pgbench-log");
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs)?;
    let (machine0, db0) = (machine_ticks(), postgres_ticks());
    let out = Command::new("pgbench")
        .args([
            "-n",
            "-M",
            "prepared",
            &format!("-c{clients}"),
            "-j2",
            &format!("-T{seconds}"),
            "-l",
            "--log-prefix",
        ])
        .arg(logs.join("tx"))
        .args(defines.iter().flat_map(|d| ["-D", d.as_str()]))
        .arg("-f")
        .arg(&script)
        .arg(database_url)
        .output()?;
    // the postmaster counts an exited backend's time once it has reaped it
    std::thread::sleep(Duration::from_millis(200));
    let (machine1, db1) = (machine_ticks(), postgres_ticks());
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    anyhow::ensure!(
        out.status.success(),
        "pgbench failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("tps = "))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no tps in {text}"))?;
    let mut latencies: Vec<f64> = Vec::new();
    for entry in std::fs::read_dir(&logs)? {
        for line in std::fs::read_to_string(entry?.path())?.lines() {
            if let Some(us) = line
                .split_whitespace()
                .nth(2)
                .and_then(|v| v.parse::<f64>().ok())
            {
                latencies.push(us / 1000.0);
            }
        }
    }
    let transactions = latencies.len() as f64;
    let (p50, p99) = percentiles(&mut latencies);
    Ok(Load {
        rps: tps,
        p50_ms: p50,
        p99_ms: p99,
        cpu_ms: (machine1 - machine0) as f64 * MS_PER_TICK / transactions,
        server_cpu_ms: None,
        db_cpu_ms: Some(db1.saturating_sub(db0) as f64 * MS_PER_TICK / transactions),
    })
}

/// p50 and p99 of a sample.
pub fn percentiles(v: &mut [f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.99))
}

/// A scratch directory for scripts and logs.
pub fn work_dir(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("portal-bench-{name}"));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
