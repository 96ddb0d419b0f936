//! The outbox: side effects that must not be lost (mails now, webhooks later) are rows written
//! in the same transaction as the change that causes them, and delivered afterwards by a worker
//! inside `portal serve`.
//!
//! A worker claims one due row at a time by pushing its next attempt past a lease, in one
//! statement: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so workers of several processes
//! never claim the same row; SQLite has one writer at a time, which serialises the claims. A
//! delivered row is marked sent; a failed one is scheduled again with back-off, and given up
//! (`failed`) after [`MAX_ATTEMPTS`]. A process that dies holding a claim leaves the row to be
//! claimed again when its lease runs out.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend};
use serde::{Deserialize, Serialize};

use crate::{StoreError, stmt};

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;

/// How long a claim keeps other workers off a row (longer than any delivery may take).
pub const LEASE: Duration = Duration::minutes(5);

/// A mail, rendered when it was decided: what the recipient gets does not change afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// Recipient address.
    pub to: String,
    /// Recipient's name, if known.
    pub to_name: Option<String>,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// `Content-Language` of the mail (`bg`, `en`, `de`, `es`).
    pub language: String,
    /// The document the mail tells about: its delivery is recorded in the document's trail
    /// (`mailed`, with the recipient), in the transaction that marks the message sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<MailAbout>,
    /// The organisation's logo when the mail was decided, shown at its top (an inline part,
    /// filled in at delivery where the HTML holds [`LOGO_MARK`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<MailLogo>,
}

/// Where a mail's HTML shows the logo, if there is one.
pub const LOGO_MARK: &str = "<!--logo-->";

/// The logo a mail shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailLogo {
    /// Its organisation.
    pub organization_id: i64,
    /// The logo (`logos.id`).
    pub logo_id: i64,
}

/// The document a mail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAbout {
    /// Its organisation.
    pub organization_id: i64,
    /// The customer.
    pub contractor_id: i64,
    /// The document.
    pub document_id: i64,
}

/// One claimed message.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The outbox row.
    pub id: i64,
    /// `email` (later `webhook`).
    pub kind: String,
    /// The message as JSON.
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
}

/// Queues a mail. Call it with the transaction of the change that causes it. A mail of an
/// organisation with a logo shows that logo.
pub async fn enqueue_email(
    db: &impl ConnectionTrait,
    organization_id: Option<i64>,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let mut email = email.clone();
    if let Some(org) = organization_id {
        let row = db
            .query_one_raw(stmt(
                db,
                "SELECT logo_id FROM organizations WHERE id = $1",
                vec![org.into()],
            ))
            .await?;
        let logo_id: Option<i64> = match row {
            Some(row) => row.try_get("", "logo_id")?,
            None => None,
        };
        email.logo = logo_id.map(|logo_id| MailLogo {
            organization_id: org,
            logo_id,
        });
    }
    let payload = serde_json::to_string(&email).map_err(StoreError::internal)?;
    let row = db
        .query_one_raw(stmt(
            db,
            "INSERT INTO outbox (organization_id, kind, payload, status, attempts, next_attempt_at, created_at)
             VALUES ($1, 'email', $2, 'pending', 0, $3, $3) RETURNING id",
            vec![organization_id.into(), payload.into(), now.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::internal("the outbox insert returned no id"))?;
    Ok(row.try_get("", "id")?)
}

/// Claims the oldest due message, if any, for [`LEASE`].
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, StoreError> {
    let lock = match db.get_database_backend() {
        DbBackend::Postgres => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let sql = format!(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2
         WHERE id = (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT 1{lock})
         RETURNING id, kind, payload, attempts"
    );
    let row = db
        .query_one_raw(stmt(db, &sql, vec![now.into(), (now + LEASE).into()]))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Claimed {
        id: row.try_get("", "id")?,
        kind: row.try_get("", "kind")?,
        payload: row.try_get("", "payload")?,
        attempts: row.try_get("", "attempts")?,
    }))
}

/// Marks a claimed message delivered.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.execute_raw(stmt(
        db,
        "UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1",
        vec![id.into(), now.into()],
    ))
    .await?;
    Ok(())
}

/// Records a failed attempt: tried again after a back-off that doubles from 30 seconds up to an
/// hour, or given up after [`MAX_ATTEMPTS`].
pub async fn mark_failed_attempt(
    db: &impl ConnectionTrait,
    claimed: &Claimed,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let error: String = error.chars().take(1000).collect();
    if claimed.attempts >= MAX_ATTEMPTS {
        db.execute_raw(stmt(
            db,
            "UPDATE outbox SET status = 'failed', last_error = $2 WHERE id = $1",
            vec![claimed.id.into(), error.into()],
        ))
        .await?;
        return Ok(());
    }
    db.execute_raw(stmt(
        db,
        "UPDATE outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1",
        vec![
            claimed.id.into(),
            (now + backoff(claimed.attempts)).into(),
            error.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, … at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    Duration::seconds(30 * 2i64.pow(exponent)).min(Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_thirty_seconds_to_at_most_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }
}
