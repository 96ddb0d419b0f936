//! Delivers webhooks inside `portal serve`: a few loops claim due deliveries
//! (`portal_store::webhooks::claim`, one process gets each), send them signed, log the
//! attempt and schedule the next one on the Standard Webhooks schedule. A receiver that
//! answers 410 Gone is disabled at once; one whose deliveries have all failed for two days is
//! disabled when a delivery is given up. A slow receiver holds one loop, not the API.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use portal_domain::webhooks::retry_after;
use portal_store::webhooks::{self as store, Attempt, Claimed, Next};
use ring::rand::{SecureRandom, SystemRandom};

use crate::state::AppState;

/// Deliveries in flight at once in one process, unless `PORTAL_WEBHOOK_WORKERS` says otherwise.
pub const CONCURRENCY: usize = 4;
/// How much of an answer is kept in the log.
const BODY_KEPT: usize = 2048;
/// How long an endpoint must have failed, with nothing delivered, before a given-up delivery
/// disables it.
pub const DISABLE_AFTER: Duration = Duration::days(2);
/// How often an idle loop looks for due deliveries queued by other processes.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs the delivery loops until the process ends (or this future is dropped, which stops
/// them: they live in its `JoinSet`).
pub async fn run(state: AppState) {
    let mut loops = tokio::task::JoinSet::new();
    for _ in 0..state.settings.webhook_workers {
        loops.spawn(run_one(state.clone()));
    }
    while loops.join_next().await.is_some() {}
    // With no loops (`PORTAL_WEBHOOK_WORKERS=0`), nothing to wait for: stay, as the others do.
    std::future::pending::<()>().await;
}

async fn run_one(state: AppState) {
    loop {
        if let Err(e) = deliver_due(&state).await {
            tracing::warn!(error = %e, "webhooks: cannot reach the database");
        }
        tokio::select! {
            () = state.webhooks.woken() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Delivers every delivery that is due now.
pub async fn deliver_due(state: &AppState) -> Result<(), crate::error::ApiError> {
    while let Some(claimed) = store::claim(&state.db, portal_store::now()).await? {
        let attempt = send(state, &claimed).await;
        let now = portal_store::now();
        let next = decide(&claimed, &attempt, now);
        let txn = portal_store::begin_write(&state.db).await?;
        let failing_since = store::finish(&txn, &claimed, &attempt, next, now).await?;
        let reason = if attempt.status == Some(410) {
            Some("gone")
        } else if next == Next::Failed && failing_since.is_some_and(|s| now - s >= DISABLE_AFTER) {
            Some("failing")
        } else {
            None
        };
        let mut mailed = false;
        if let Some(reason) = reason
            && store::disable(&txn, claimed.endpoint_id, reason, now).await?
        {
            tell_admins(state, &txn, &claimed, reason == "gone", now).await?;
            mailed = true;
        }
        txn.commit().await?;
        if mailed {
            state.outbox.wake();
        }
        if let Some(error) = &attempt.error {
            tracing::info!(delivery = claimed.id, attempts = claimed.attempts, %error, "webhooks: attempt failed");
        }
    }
    Ok(())
}

/// Mails the organisation's active owners and admins that an endpoint was disabled (in the
/// transaction that disabled it).
async fn tell_admins(
    state: &AppState,
    txn: &sea_orm::DatabaseTransaction,
    claimed: &Claimed,
    gone: bool,
    now: DateTime<Utc>,
) -> Result<(), crate::error::ApiError> {
    use portal_domain::locale::Locale;
    use sea_orm::EntityTrait;
    let Some(org) =
        portal_store::entities::organization::Entity::find_by_id(claimed.organization_id)
            .one(txn)
            .await?
    else {
        return Ok(());
    };
    let locale = Locale::parse(&org.default_locale).unwrap_or(Locale::En);
    let link = crate::app::links::admin(&state.settings, "/settings");
    let scope = portal_store::issuer::IssuerScope::new(org.id);
    for member in portal_store::issuer::staff::list(txn, scope).await? {
        if !member.active || !matches!(member.role.as_str(), "owner" | "admin") {
            continue;
        }
        let words = crate::mail::templates::webhook_disabled(
            locale,
            &org.legal_name,
            Some(&member.name),
            &claimed.url,
            gone,
        );
        let mail = crate::mail::templates::compose(
            locale,
            &member.email,
            Some(&member.name),
            words,
            &link,
        );
        portal_store::outbox::enqueue_email(txn, Some(org.id), &mail, now).await?;
    }
    Ok(())
}

fn decide(claimed: &Claimed, attempt: &Attempt, now: DateTime<Utc>) -> Next {
    if attempt.error.is_none() {
        return Next::Succeeded;
    }
    if attempt.status == Some(410) {
        return Next::Failed;
    }
    match retry_after(claimed.attempts, jitter()) {
        Some(secs) => Next::RetryAt(now + Duration::seconds(secs)),
        None => Next::Failed,
    }
}

/// A number in −1.0..=1.0 from the system's random source (0 if it fails).
fn jitter() -> f64 {
    let mut b = [0u8; 2];
    match SystemRandom::new().fill(&mut b) {
        Ok(()) => f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX) * 2.0 - 1.0,
        Err(_) => 0.0,
    }
}

/// One attempt: sign, send, read the start of the answer.
async fn send(state: &AppState, claimed: &Claimed) -> Attempt {
    let started_at = portal_store::now();
    let clock = Instant::now();
    let mut attempt = Attempt {
        started_at,
        ..Attempt::default()
    };
    let result = try_send(state, claimed, started_at.timestamp()).await;
    attempt.duration_ms = i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX);
    match result {
        Ok((status, body)) => {
            attempt.status = Some(status);
            attempt.body = Some(body);
            if !(200..300).contains(&status) {
                attempt.error = Some(if (300..400).contains(&status) {
                    format!("answered {status}: redirects are not followed")
                } else {
                    format!("answered {status}")
                });
            }
        }
        Err(error) => attempt.error = Some(error),
    }
    attempt
}

async fn try_send(
    state: &AppState,
    claimed: &Claimed,
    timestamp: i64,
) -> Result<(u16, String), String> {
    let key = &state.settings.secrets_key;
    let purpose = super::purpose(claimed.organization_id, claimed.endpoint_id);
    let open = |sealed: &[u8]| {
        crate::secrets::open(key, &purpose, sealed).map_err(|e| format!("the secret: {e}"))
    };
    let body = claimed.payload.as_bytes();
    let mut signatures = vec![
        super::sign(&open(&claimed.secret)?, &claimed.msg_id, timestamp, body)
            .map_err(|e| e.to_string())?,
    ];
    if let Some(previous) = &claimed.previous_secret {
        signatures.push(
            super::sign(&open(previous)?, &claimed.msg_id, timestamp, body)
                .map_err(|e| e.to_string())?,
        );
    }
    // The form is checked again (a stored URL predates no rule); the host's addresses are
    // checked by the client's resolver as it connects.
    let url = super::guard::check_url(&claimed.url, state.webhooks.allow_private)
        .map_err(|e| format!("refused: {e}"))?;
    let response = state
        .webhooks
        .client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &claimed.msg_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(claimed.payload.clone())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status().as_u16();
    Ok((status, read_start(response).await))
}

/// Up to [`BODY_KEPT`] bytes of an answer, as text; the rest is not read.
async fn read_start(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < BODY_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(BODY_KEPT);
    String::from_utf8_lossy(&kept).into_owned()
}

/// What went wrong and its causes; not reqwest's own text, which names the URL (its query
/// may hold a token).
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
