//! `Idempotency-Key` for writes that move money. The key is claimed in the transaction that
//! does the work and the answer stored in it too: a retry of a committed request finds the key
//! and replays the answer; concurrent requests with one key wait for the first one's
//! transaction (the primary key), then replay its answer; a request that failed left no key, so
//! its retry does the work.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::{StoreError, stmt};

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: do the work, then [`complete`] in the same transaction.
    New,
    /// The key was used before, by a request with this fingerprint, answered so.
    Used {
        /// The operation it was used for.
        operation: String,
        /// Fingerprint of that request.
        request_hash: String,
        /// Its HTTP status.
        status: u16,
        /// Its JSON body.
        body: String,
    },
}

/// Claims `key` for a request (`operation` and the request's fingerprint).
pub async fn claim(
    db: &impl ConnectionTrait,
    organization_id: i64,
    key: &str,
    operation: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, StoreError> {
    let inserted = db
        .query_one_raw(stmt(
            db,
            "INSERT INTO idempotency_keys (organization_id, idempotency_key, operation, request_hash, response_status, response_body, created_at)
             VALUES ($1, $2, $3, $4, 0, '', $5)
             ON CONFLICT (organization_id, idempotency_key) DO NOTHING RETURNING 1 AS claimed",
            vec![
                organization_id.into(),
                key.into(),
                operation.into(),
                request_hash.into(),
                now.into(),
            ],
        ))
        .await?;
    if inserted.is_some() {
        return Ok(Claim::New);
    }
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT operation, request_hash, response_status, response_body FROM idempotency_keys
             WHERE organization_id = $1 AND idempotency_key = $2",
            vec![organization_id.into(), key.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::internal("an idempotency key vanished"))?;
    let status: i32 = row.try_get("", "response_status")?;
    Ok(Claim::Used {
        operation: row.try_get("", "operation")?,
        request_hash: row.try_get("", "request_hash")?,
        status: u16::try_from(status).map_err(StoreError::internal)?,
        body: row.try_get("", "response_body")?,
    })
}

/// Stores the answer of the request that claimed `key`.
pub async fn complete(
    db: &impl ConnectionTrait,
    organization_id: i64,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), StoreError> {
    db.execute_raw(stmt(
        db,
        "UPDATE idempotency_keys SET response_status = $3, response_body = $4
         WHERE organization_id = $1 AND idempotency_key = $2",
        vec![
            organization_id.into(),
            key.into(),
            i32::from(status).into(),
            body.into(),
        ],
    ))
    .await?;
    Ok(())
}
