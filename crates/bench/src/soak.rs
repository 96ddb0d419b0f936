//! The soak: one `portal serve` on PostgreSQL under a steady mixed load for minutes — customers
//! reading the grid, documents and PDFs, staff issuing documents and recording payments, every
//! issue and payment delivered to a webhook receiver — counting every answer that is not a
//! success, the latency of each kind of request, the server's memory over the run and the
//! deliveries the receiver saw twice. Beside it, pgbench on the same database replays the grid's
//! statements (built by the API's own code) with as many clients as there are readers: the rate
//! of the database alone.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use portal_store::demo;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::Figures;
use crate::grid::{self, percentiles};

/// Customers reading, one loop each (the demo's three portal users).
const READERS: [&str; 3] = ["acme", "kunde", "cliente"];
/// Staff loops issuing documents and recording payments.
const WRITERS: usize = 2;
/// A reader's pause between requests and a writer's between documents: a steady rate the
/// machine holds, not the most it can do.
const READER_PAUSE: Duration = Duration::from_millis(50);
const WRITER_PAUSE: Duration = Duration::from_millis(200);
/// Sessions sign in again this often (access tokens live 10 minutes).
const SIGN_IN_AGAIN: Duration = Duration::from_secs(240);
/// The server's memory is sampled this often; the first sample counts after the warm-up.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);
const WARM_UP: Duration = Duration::from_secs(30);

/// What the load saw: latencies per kind of request, and the failures with what they were.
#[derive(Default)]
struct Seen {
    latencies: HashMap<&'static str, Vec<f64>>,
    errors: Vec<String>,
    issued: u64,
    paid: u64,
}

type Shared = Arc<Mutex<Seen>>;

/// Sends one request and files its latency under `kind`; a failure is filed as an error and
/// answers `None`.
async fn timed(
    seen: &Shared,
    kind: &'static str,
    request: reqwest::RequestBuilder,
) -> Option<Value> {
    let started = Instant::now();
    let result = async {
        let response = request.send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        anyhow::ensure!(
            status.is_success(),
            "{status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        );
        Ok::<_, anyhow::Error>(serde_json::from_slice(&body).unwrap_or(Value::Null))
    }
    .await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(body) => {
            seen.latencies.entry(kind).or_default().push(ms);
            Some(body)
        }
        Err(e) => {
            seen.errors.push(format!("{kind}: {e}"));
            None
        }
    }
}

async fn sign_in(http: &reqwest::Client, base: &str, who: Option<&str>) -> anyhow::Result<String> {
    let (path, body) = match who {
        Some(user) => (
            "portal",
            json!({"organization": demo::ORG_SLUG, "username": user, "password": demo::PORTAL_PASSWORD}),
        ),
        None => (
            "issuer",
            json!({"email": demo::OWNER_EMAIL, "password": demo::OWNER_PASSWORD}),
        ),
    };
    let response = http
        .post(format!("{base}/api/v1/{path}/auth/login"))
        .json(&body)
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "sign-in: {}",
        response.status()
    );
    let token: Value = response.json().await?;
    Ok(format!(
        "Bearer {}",
        token["access_token"].as_str().unwrap_or_default()
    ))
}

/// A customer: the default grid, the unpaid ones, a document of the page, and every fourth
/// time its PDF.
async fn reader(
    http: reqwest::Client,
    base: String,
    user: &'static str,
    seen: Shared,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let mut auth = sign_in(&http, &base, Some(user)).await?;
    let mut signed_in = Instant::now();
    let mut round = 0u64;
    while !stop.load(Ordering::Relaxed) {
        if signed_in.elapsed() > SIGN_IN_AGAIN {
            auth = sign_in(&http, &base, Some(user)).await?;
            signed_in = Instant::now();
        }
        let docs = format!("{base}/api/v1/portal/documents");
        // one request, then the reader's pause
        let read = |kind: &'static str, url: String| {
            let request = http.get(url).header("authorization", &auth);
            let seen = seen.clone();
            async move {
                let answer = timed(&seen, kind, request).await;
                tokio::time::sleep(READER_PAUSE).await;
                answer
            }
        };
        let page = read("customer: grid", docs.clone()).await;
        read(
            "customer: grid, unpaid",
            format!("{docs}?status=unpaid,partially_paid"),
        )
        .await;
        let items = page
            .as_ref()
            .and_then(|p| p["items"].as_array())
            .cloned()
            .unwrap_or_default();
        if let Some(id) = items
            .get(round as usize % items.len().max(1))
            .and_then(|d| d["id"].as_i64())
        {
            read("customer: document", format!("{docs}/{id}")).await;
            if round.is_multiple_of(4) {
                read("customer: PDF", format!("{docs}/{id}/pdf")).await;
            }
        }
        round += 1;
    }
    Ok(())
}

/// Staff: a draft for one of the customers, issued, then paid in full with an idempotency key.
async fn writer(
    http: reqwest::Client,
    base: String,
    n: usize,
    contractors: Vec<i64>,
    seen: Shared,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let mut auth = sign_in(&http, &base, None).await?;
    let mut signed_in = Instant::now();
    let mut round = 0usize;
    let lines = json!([
        {"description": "Consulting", "quantity": "3", "unit": "h", "unit_price": "90.00", "vat_rate": "20"},
        {"description": "Travel", "quantity": "1", "unit": "", "unit_price": "45.50", "discount_percent": "10", "vat_rate": "20"}
    ]);
    while !stop.load(Ordering::Relaxed) {
        if signed_in.elapsed() > SIGN_IN_AGAIN {
            auth = sign_in(&http, &base, None).await?;
            signed_in = Instant::now();
        }
        let contractor = contractors[(round * WRITERS + n) % contractors.len()];
        round += 1;
        let docs = format!("{base}/api/v1/issuer/documents");
        let Some(draft) = timed(
            &seen,
            "staff: draft",
            http.post(&docs)
                .header("authorization", &auth)
                .json(&json!({"contractor_id": contractor, "type": "invoice", "lines": lines})),
        )
        .await
        else {
            continue;
        };
        let id = draft["id"].as_i64().unwrap_or_default();
        let Some(issued) = timed(
            &seen,
            "staff: issue",
            http.post(format!("{docs}/{id}/issue"))
                .header("authorization", &auth),
        )
        .await
        else {
            continue;
        };
        seen.lock().unwrap_or_else(|e| e.into_inner()).issued += 1;
        let total = issued["total"].as_str().unwrap_or("1.00").to_string();
        if timed(
            &seen,
            "staff: payment",
            http.post(format!("{docs}/{id}/payments"))
                .header("authorization", &auth)
                .header("idempotency-key", format!("soak-{id}"))
                .json(&json!({"amount": total, "method": "bank_transfer"})),
        )
        .await
        .is_some()
        {
            seen.lock().unwrap_or_else(|e| e.into_inner()).paid += 1;
        }
        tokio::time::sleep(WRITER_PAUSE).await;
    }
    Ok(())
}

/// A webhook receiver: answers 204 to every POST and counts each `webhook-id` it is sent.
async fn receiver() -> anyhow::Result<(u16, Arc<Mutex<HashMap<String, u32>>>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let ids = Arc::new(Mutex::new(HashMap::<String, u32>::new()));
    let counted = ids.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let ids = counted.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut read = BufReader::new(read);
                // one request after another on the connection, until it closes
                loop {
                    let (mut length, mut id) = (0usize, None);
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let header = line.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':') {
                            match name.trim().to_ascii_lowercase().as_str() {
                                "content-length" => length = value.trim().parse().unwrap_or(0),
                                "webhook-id" => id = Some(value.trim().to_string()),
                                _ => {}
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    if read.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    if let Some(id) = id {
                        *ids.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .entry(id)
                            .or_default() += 1;
                    }
                    if write
                        .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Ok((port, ids))
}

/// The soak section: `seconds` of the mixed load on a fresh database with the demo data.
pub async fn soak(admin: &str, binary: &Path, seconds: u32) -> anyhow::Result<(String, Figures)> {
    let name = "portal_bench_soak";
    let conn = sea_orm::Database::connect(admin).await?;
    use sea_orm::ConnectionTrait;
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    conn.close().await?;
    let url = crate::pg_database(admin, name).await?;
    let db = portal_store::connect(&url).await?;
    portal_store::migrate(&db).await?;
    demo::seed(&db).await?;

    let (hook_port, deliveries) = receiver().await?;
    let work = grid::work_dir("soak")?;
    let server = grid::start_server_with(
        binary,
        &url,
        &work.join("data"),
        &[("PORTAL_WEBHOOK_ALLOW_PRIVATE", "true")],
    )
    .await?;
    let http = reqwest::Client::new();
    let staff = sign_in(&http, &server.base, None).await?;
    let created = http
        .post(format!("{}/api/v1/issuer/webhooks", server.base))
        .header("authorization", &staff)
        .json(&json!({"url": format!("http://127.0.0.1:{hook_port}/hook"), "events": ["document.issued", "payment.recorded"], "description": "soak"}))
        .send()
        .await?;
    anyhow::ensure!(
        created.status().is_success(),
        "webhook endpoint: {}",
        created.status()
    );
    let contractors: Vec<i64> = http
        .get(format!(
            "{}/api/v1/issuer/contractors?per_page=50",
            server.base
        ))
        .header("authorization", &staff)
        .send()
        .await?
        .json::<Value>()
        .await?["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_i64()).collect())
        .unwrap_or_default();
    anyhow::ensure!(!contractors.is_empty(), "no contractors in the demo data");

    let seen: Shared = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = tokio::task::JoinSet::new();
    for user in READERS {
        tasks.spawn(reader(
            http.clone(),
            server.base.clone(),
            user,
            seen.clone(),
            stop.clone(),
        ));
    }
    for n in 0..WRITERS {
        tasks.spawn(writer(
            http.clone(),
            server.base.clone(),
            n,
            contractors.clone(),
            seen.clone(),
            stop.clone(),
        ));
    }
    let started = Instant::now();
    let pid = server.pid();
    let mut rss = Vec::new();
    while started.elapsed() < Duration::from_secs(u64::from(seconds)) {
        tokio::time::sleep(SAMPLE_EVERY).await;
        if started.elapsed() >= WARM_UP.min(Duration::from_secs(u64::from(seconds) / 4)) {
            rss.push(grid::rss_bytes(pid));
        }
    }
    stop.store(true, Ordering::Relaxed);
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (issued, paid) = {
        let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
        (seen.issued, seen.paid)
    };
    // Every issue and payment is one event to deliver: wait for the last ones.
    let expected = (issued + paid) as usize;
    let drain = Instant::now();
    while deliveries.lock().unwrap_or_else(|e| e.into_inner()).len() < expected
        && drain.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let drained_s = drain.elapsed().as_secs_f64();
    let (delivered, duplicates) = {
        let d = deliveries.lock().unwrap_or_else(|e| e.into_inner());
        (d.len(), d.values().map(|n| u64::from(n - 1)).sum::<u64>())
    };
    let sid = grid::session_of(&sign_in(&http, &server.base, Some(READERS[0])).await?)?;
    drop(server);

    // The reference: the database alone, the grid's statements of the first reader.
    let reference = grid_reference(&db, &url, &work, &sid).await?;

    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    let requests: usize = seen.latencies.values().map(Vec::len).sum::<usize>() + seen.errors.len();
    let errors = seen.errors.len();
    let mut text = String::from("## Soak: a steady mixed load\n\n");
    let _ = writeln!(
        text,
        "PostgreSQL, release build, `portal serve` with its defaults, a fresh database with the demo data. For {:.0} s: {} customers each reading their grid, the unpaid ones, a document and every fourth time its PDF ({} ms apart); {WRITERS} staff loops each making a draft, issuing it and recording its payment ({} ms apart); a webhook endpoint on loopback subscribed to `document.issued` and `payment.recorded`, answering 204.\n",
        elapsed,
        READERS.len(),
        READER_PAUSE.as_millis(),
        WRITER_PAUSE.as_millis()
    );
    text.push_str("| request | answered | per s | p50 ms | p99 ms |\n|---|---|---|---|---|\n");
    let mut kinds: Vec<_> = seen.latencies.iter().collect();
    kinds.sort_by_key(|(k, _)| **k);
    for (kind, lat) in kinds {
        let mut lat = lat.clone();
        let (p50, p99) = percentiles(&mut lat);
        let _ = writeln!(
            text,
            "| {kind} | {} | {:.1} | {p50:.1} | {p99:.1} |",
            lat.len(),
            lat.len() as f64 / elapsed
        );
    }
    let (first, middle, last, most) = (
        rss.first().copied().unwrap_or_default(),
        rss.get(rss.len() / 2).copied().unwrap_or_default(),
        rss.last().copied().unwrap_or_default(),
        rss.iter().copied().max().unwrap_or_default(),
    );
    let mb = |b: u64| b as f64 / 1e6;
    let _ = writeln!(
        text,
        "\n**{requests} requests, {errors} errors** ({:.1} requests/s).{}\n\nServer memory (RSS, sampled every {} s after a {} s warm-up): {:.1} MB at the start, {:.1} MB half-way, {:.1} MB at the end, {:.1} MB at most — the end ÷ the start is **{:.2}**, the end ÷ half-way {:.2}.\n\nWebhooks: {issued} documents issued and {paid} payments recorded, so {expected} events; the receiver got {delivered} distinct deliveries ({:.0} s after the load stopped, the last ones), **{duplicates} of them more than once**.\n\nThe database alone (pgbench, `-M prepared`, {} clients, {} s, the session check and the grid query the API runs for `{}`'s default grid): {:.0} transactions/s, p50 {:.2} ms, p99 {:.2} ms. Under the soak the readers asked {:.1} grids/s of the server, paced: the database alone could serve {:.0}× that.",
        requests as f64 / elapsed,
        if errors > 0 {
            format!(
                " The errors:\n\n```\n{}\n```",
                seen.errors
                    .iter()
                    .take(20)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        } else {
            String::new()
        },
        SAMPLE_EVERY.as_secs(),
        WARM_UP.as_secs(),
        mb(first),
        mb(middle),
        mb(last),
        mb(most),
        last as f64 / first.max(1) as f64,
        last as f64 / middle.max(1) as f64,
        drained_s,
        READERS.len(),
        REFERENCE_SECONDS,
        READERS[0],
        reference.rps,
        reference.p50_ms,
        reference.p99_ms,
        grids_per_second(&seen, elapsed),
        reference.rps / grids_per_second(&seen, elapsed).max(f64::MIN_POSITIVE),
    );
    Ok((
        text,
        vec![
            ("soak_errors", errors as f64),
            ("soak_requests", requests as f64),
            ("soak_seconds", elapsed.round()),
            ("soak_rss_start_bytes", first as f64),
            ("soak_rss_end_bytes", last as f64),
            ("soak_rss_end_over_start", last as f64 / first.max(1) as f64),
            (
                "soak_rss_end_over_middle",
                last as f64 / middle.max(1) as f64,
            ),
            ("soak_duplicate_deliveries", duplicates as f64),
            (
                "soak_undelivered_events",
                expected.saturating_sub(delivered) as f64,
            ),
        ],
    ))
}

/// Seconds pgbench runs for the reference.
const REFERENCE_SECONDS: u32 = 30;

fn grids_per_second(seen: &Seen, elapsed: f64) -> f64 {
    seen.latencies
        .iter()
        .filter(|(k, _)| k.contains("grid"))
        .map(|(_, v)| v.len())
        .sum::<usize>() as f64
        / elapsed
}

/// pgbench on the statements of the first reader's default grid (`sid`: a session of theirs),
/// one client per reader.
async fn grid_reference(
    db: &sea_orm::DatabaseConnection,
    url: &str,
    work: &Path,
    sid: &str,
) -> anyhow::Result<grid::Load> {
    use portal_store::entities::{organization, portal_user};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let org = organization::Entity::find()
        .filter(organization::Column::Slug.eq(demo::ORG_SLUG))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo organisation"))?;
    let user = portal_user::Entity::find()
        .filter(portal_user::Column::OrganizationId.eq(org.id))
        .filter(portal_user::Column::UsernameLower.eq(READERS[0]))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no portal user {}", READERS[0]))?;
    let statements = grid::request_sql(&org, user.contractor_id, sid, "", Utc::now().date_naive())?;
    let (url, work) = (url.to_string(), work.to_path_buf());
    tokio::task::spawn_blocking(move || {
        grid::pgbench(
            &url,
            &statements,
            REFERENCE_SECONDS,
            READERS.len() as u32,
            &work,
        )
    })
    .await?
}
