//! Writes: issuing a document (number, totals, PDF, event, outbox mail) and recording a payment
//! (idempotency key, paid and remaining, event) through the API, each set against a plain SQL
//! transaction doing the same inserts and updates on the same database, from the same number of
//! concurrent clients.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use portal_store::sql::Sql;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

use crate::grid::{self, percentiles};

/// Concurrent clients on each side.
const CLIENTS: usize = 4;

/// One side's figures.
struct Timing {
    p50_ms: f64,
    p99_ms: f64,
    per_second: f64,
}

fn timing(mut latencies: Vec<f64>, elapsed: f64) -> Timing {
    let n = latencies.len() as f64;
    let (p50_ms, p99_ms) = percentiles(&mut latencies);
    Timing {
        p50_ms,
        p99_ms,
        per_second: n / elapsed,
    }
}

/// Runs `job(i)` for `0..n` on [`CLIENTS`] concurrent tasks; the latency of each and the
/// elapsed time of all.
async fn run<F, Fut>(n: usize, job: F) -> anyhow::Result<(Vec<f64>, f64)>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let job = job.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= n {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let t = Instant::now();
                job(i).await?;
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok((all, started.elapsed().as_secs_f64()))
}

async fn checked(response: reqwest::Response) -> anyhow::Result<serde_json::Value> {
    let status = response.status();
    let body: serde_json::Value = response.json().await?;
    anyhow::ensure!(status.is_success(), "{status}: {body}");
    Ok(body)
}

/// The section for one database (`label`), `n` documents a side.
pub async fn measure(
    label: &str,
    url: &str,
    binary: &std::path::Path,
    n: usize,
) -> anyhow::Result<(String, f64)> {
    let db = portal_store::connect(url).await?;
    portal_store::migrate(&db).await?;
    if portal_store::demo::is_empty(&db).await? {
        portal_store::demo::seed(&db).await?;
    }
    let work = grid::work_dir(&format!("writes-{label}"))?;
    let server = grid::start_server(binary, url, &work.join("data")).await?;
    let http = reqwest::Client::new();
    let token = checked(
        http.post(format!("{}/api/v1/issuer/auth/login", server.base))
            .json(&json!({"email": portal_store::demo::OWNER_EMAIL, "password": portal_store::demo::OWNER_PASSWORD}))
            .send()
            .await?,
    )
    .await?["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let auth = format!("Bearer {token}");
    let lines = json!([
        {"description": "Consulting", "quantity": "3", "unit": "h", "unit_price": "90.00", "vat_rate": "20"},
        {"description": "Travel", "quantity": "1", "unit": "", "unit_price": "45.50", "discount_percent": "10", "vat_rate": "20"},
        {"description": "Books", "quantity": "2", "unit": "pcs", "unit_price": "12.00", "vat_rate": "9"}
    ]);
    // drafts for both sides, made through the API (not timed): the API's half for Kunde GmbH
    // (German: its PDF prints with the standard fonts) and for Акме ООД (Bulgarian: the fonts are
    // embedded, which costs printpdf tens of milliseconds a document, bench/PROFILE.md)
    let mut drafts = Vec::new();
    for i in 0..2 * n {
        let contractor = if i < n / 2 { 3 } else { 2 };
        let body = checked(
            http.post(format!("{}/api/v1/issuer/documents", server.base))
                .header("authorization", &auth)
                .json(&json!({"contractor_id": contractor, "type": "invoice", "lines": lines}))
                .send()
                .await?,
        )
        .await?;
        drafts.push(body["id"].as_i64().unwrap_or_default());
    }
    let (api_drafts, sql_drafts) = drafts.split_at(n);
    let (api_drafts, sql_drafts) = (Arc::new(api_drafts.to_vec()), Arc::new(sql_drafts.to_vec()));
    let (german, bulgarian) = api_drafts.split_at(n / 2);
    let api_issue_de = issue_api(&http, &server.base, &auth, german.to_vec()).await?;
    let api_issue_bg = issue_api(&http, &server.base, &auth, bulgarian.to_vec()).await?;

    // issuing: the same writes as plain SQL in one transaction each
    let db = Arc::new(db);
    let (lat, elapsed) = {
        let db = db.clone();
        let drafts = sql_drafts.clone();
        run(n, move |i| {
            let (db, id) = (db.clone(), drafts[i]);
            async move { sql_issue(&db, id).await }
        })
        .await?
    };
    let sql_issue_t = timing(lat, elapsed);

    // payments: the API, one per issued document, each with its key
    let (lat, elapsed) = {
        let http = http.clone();
        let auth = auth.clone();
        let base = server.base.clone();
        let drafts = api_drafts.clone();
        run(n, move |i| {
            let (http, auth, base, id) = (http.clone(), auth.clone(), base.clone(), drafts[i]);
            async move {
                checked(
                    http.post(format!("{base}/api/v1/issuer/documents/{id}/payments"))
                        .header("authorization", auth)
                        .header("idempotency-key", format!("bench-{id}"))
                        .json(&json!({"amount": "100.00", "method": "bank_transfer"}))
                        .send()
                        .await?,
                )
                .await?;
                Ok(())
            }
        })
        .await?
    };
    let api_pay = timing(lat, elapsed);
    let (lat, elapsed) = {
        let db = db.clone();
        let drafts = sql_drafts.clone();
        run(n, move |i| {
            let (db, id) = (db.clone(), drafts[i]);
            async move { sql_payment(&db, id).await }
        })
        .await?
    };
    let sql_pay = timing(lat, elapsed);
    let import = import_figures(&http, &server.base, &auth, &db).await?;
    drop(server);

    let mut text = format!("### {label}\n\n");
    text.push_str("| operation | API p50 / p99 ms | API per s | SQL p50 / p99 ms | SQL per s | API ÷ SQL per s |\n|---|---|---|---|---|---|\n");
    for (name, api, sql) in [
        (
            "issue a document (German customer)",
            &api_issue_de,
            &sql_issue_t,
        ),
        (
            "issue a document (Bulgarian customer)",
            &api_issue_bg,
            &sql_issue_t,
        ),
        ("record a payment", &api_pay, &sql_pay),
    ] {
        let _ = writeln!(
            text,
            "| {name} | {:.1} / {:.1} | {:.0} | {:.1} / {:.1} | {:.0} | {:.2} |",
            api.p50_ms,
            api.p99_ms,
            api.per_second,
            sql.p50_ms,
            sql.p99_ms,
            sql.per_second,
            api.per_second / sql.per_second
        );
    }
    text.push('\n');
    text.push_str(&import);
    let issue_ratio = (api_issue_de.per_second / sql_issue_t.per_second)
        .min(api_issue_bg.per_second / sql_issue_t.per_second);
    Ok((text, issue_ratio))
}

/// Contractors a CSV import brings in.
const IMPORT_ROWS: usize = 10_000;

/// Importing [`IMPORT_ROWS`] contractors from a CSV file through the API — a dry run, the
/// import, the same file again (every row matched and unchanged) — against the same rows and
/// their events inserted by bare SQL in one transaction.
async fn import_figures(
    http: &reqwest::Client,
    base: &str,
    auth: &str,
    db: &DatabaseConnection,
) -> anyhow::Result<String> {
    let mut csv = String::from("\u{feff}Name;Tax id;E-mail;City;Country;Payment terms\r\n");
    for i in 0..IMPORT_ROWS {
        let _ = write!(
            csv,
            "\"Import Customer {i}; Ltd\";IMP{i:07};buyer{i}@import.example;Sofia;BG;30\r\n"
        );
    }
    let mut figures = Vec::new();
    for (what, query, expect) in [
        ("check the file (dry run)", "dry_run=true", "created"),
        ("import it", "dry_run=false", "created"),
        (
            "import it again (all unchanged)",
            "dry_run=false",
            "unchanged",
        ),
    ] {
        let started = Instant::now();
        let report = checked(
            http.post(format!("{base}/api/v1/issuer/contractors/import?{query}"))
                .header("authorization", auth)
                .header("content-type", "text/csv")
                .body(csv.clone())
                .send()
                .await?,
        )
        .await?;
        let seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(
            report[expect].as_u64() == Some(IMPORT_ROWS as u64),
            "{what}: {report}"
        );
        figures.push((what, seconds));
    }
    let started = Instant::now();
    let txn = portal_store::begin_write(db).await?;
    let now = portal_store::now();
    for i in 0..IMPORT_ROWS {
        let name = format!("SQL Customer {i}; Ltd");
        let mut insert = Sql::new(
            "INSERT INTO contractors (organization_id, kind, name, tax_id, email, city, country, \
             locale, payment_terms_days, portal_access, search_text, created_at, updated_at) \
             VALUES (1, 'client', ",
        );
        insert
            .bind(name.clone())
            .push(", ")
            .bind(format!("SQL{i:07}"))
            .push(", ")
            .bind(format!("sql{i}@import.example"))
            .push(", 'Sofia', 'BG', 'en', 30, false, ")
            .bind(name.to_lowercase())
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") RETURNING id");
        let row = txn
            .query_one_raw(insert.statement(&txn))
            .await?
            .ok_or_else(|| anyhow::anyhow!("no id"))?;
        let id: i64 = row.try_get("", "id")?;
        let mut event = Sql::new(
            "INSERT INTO events (organization_id, contractor_id, actor_type, actor_id, kind, created_at) VALUES (1, ",
        );
        event
            .bind(id)
            .push(", 'staff_user', 1, 'contractor_created', ")
            .bind(now)
            .push(")");
        txn.execute_raw(event.statement(&txn)).await?;
    }
    txn.commit().await?;
    let sql_seconds = started.elapsed().as_secs_f64();
    let mut text = format!(
        "Importing {IMPORT_ROWS} contractors from one CSV file (semicolons, quoted cells, a \
         byte-order mark), one request each; the reference inserts the same rows and their events \
         with bare SQL in one transaction ({sql_seconds:.2} s).\n\n\
         | step | API s | API ÷ SQL |\n|---|---|---|\n"
    );
    for (what, seconds) in figures {
        let _ = writeln!(
            text,
            "| {what} | {seconds:.2} | {:.2} |",
            seconds / sql_seconds
        );
    }
    text.push('\n');
    Ok(text)
}

/// Issues `drafts` through the API from [`CLIENTS`] clients.
async fn issue_api(
    http: &reqwest::Client,
    base: &str,
    auth: &str,
    drafts: Vec<i64>,
) -> anyhow::Result<Timing> {
    let n = drafts.len();
    let (http, base, auth, drafts) = (
        http.clone(),
        base.to_string(),
        auth.to_string(),
        Arc::new(drafts),
    );
    let (lat, elapsed) = run(n, move |i| {
        let (http, auth, base, id) = (http.clone(), auth.clone(), base.clone(), drafts[i]);
        async move {
            checked(
                http.post(format!("{base}/api/v1/issuer/documents/{id}/issue"))
                    .header("authorization", auth)
                    .send()
                    .await?,
            )
            .await?;
            Ok(())
        }
    })
    .await?;
    Ok(timing(lat, elapsed))
}

/// What issuing writes, as bare SQL: the next number, the document's state and columns, the
/// event and the outbox mail — no checks, no PDF, no HTTP.
async fn sql_issue(db: &DatabaseConnection, id: i64) -> anyhow::Result<()> {
    let txn = portal_store::begin_write(db).await?;
    let next = Sql::new(
        "INSERT INTO document_sequences (organization_id, doc_type, next_number) VALUES (1, 'bench', 1) \
         ON CONFLICT (organization_id, doc_type) DO UPDATE SET next_number = document_sequences.next_number + 1 \
         RETURNING next_number",
    );
    let row = txn
        .query_one_raw(next.statement(&txn))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no number"))?;
    let number: i64 = row.try_get("", "next_number")?;
    let number = format!("B{number:09}");
    let now = portal_store::now();
    let mut update = Sql::new("UPDATE documents SET state = 'issued', number = ");
    update
        .bind(number.clone())
        .push(", number_folded = ")
        .bind(number.to_lowercase())
        .push(", search_text = ")
        .bind(number.to_lowercase())
        .push(
            ", paid_minor = 0, remaining_minor = total_minor, version = version + 1, updated_at = ",
        )
        .bind(now)
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND state = 'draft'");
    txn.execute_raw(update.statement(&txn)).await?;
    let mut event = Sql::new(
        "INSERT INTO events (organization_id, contractor_id, document_id, actor_type, actor_id, kind, created_at) VALUES (1, 2, ",
    );
    event
        .bind(id)
        .push(", 'staff_user', 1, 'issued', ")
        .bind(now)
        .push(")");
    txn.execute_raw(event.statement(&txn)).await?;
    let mut mail = Sql::new(
        "INSERT INTO outbox (organization_id, kind, payload, status, attempts, next_attempt_at, created_at, sent_at) \
         VALUES (1, 'email', '{}', 'sent', 0, ",
    );
    mail.bind(now)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(")");
    txn.execute_raw(mail.statement(&txn)).await?;
    txn.commit().await?;
    Ok(())
}

/// What recording a payment writes, as bare SQL: the key, paid and remaining, the payment, the
/// event, the stored answer.
async fn sql_payment(db: &DatabaseConnection, id: i64) -> anyhow::Result<()> {
    let txn = portal_store::begin_write(db).await?;
    let now = portal_store::now();
    let key = format!("sql-{id}");
    let mut claim = Sql::new(
        "INSERT INTO idempotency_keys (organization_id, idempotency_key, operation, request_hash, response_status, response_body, created_at) VALUES (1, ",
    );
    claim
        .bind(key.clone())
        .push(", 'payment', 'x', 0, '', ")
        .bind(now)
        .push(")");
    txn.execute_raw(claim.statement(&txn)).await?;
    let mut paid = Sql::new(
        "UPDATE documents SET paid_minor = paid_minor + 10000, remaining_minor = remaining_minor - 10000, version = version + 1, updated_at = ",
    );
    paid.bind(now).push(" WHERE id = ").bind(id);
    txn.execute_raw(paid.statement(&txn)).await?;
    let mut payment = Sql::new(
        "INSERT INTO payments (organization_id, document_id, amount_minor, paid_on, method, idempotency_key, created_at) VALUES (1, ",
    );
    payment
        .bind(id)
        .push(", 10000, ")
        .bind(now.date_naive())
        .push(", 'bank_transfer', ")
        .bind(key.clone())
        .push(", ")
        .bind(now)
        .push(")");
    txn.execute_raw(payment.statement(&txn)).await?;
    let mut event = Sql::new(
        "INSERT INTO events (organization_id, contractor_id, document_id, actor_type, actor_id, kind, created_at) VALUES (1, 2, ",
    );
    event
        .bind(id)
        .push(", 'staff_user', 1, 'payment_recorded', ")
        .bind(now)
        .push(")");
    txn.execute_raw(event.statement(&txn)).await?;
    let mut answer = Sql::new(
        "UPDATE idempotency_keys SET response_status = 201, response_body = '{}' WHERE organization_id = 1 AND idempotency_key = ",
    );
    answer.bind(key);
    txn.execute_raw(answer.statement(&txn)).await?;
    txn.commit().await?;
    Ok(())
}
