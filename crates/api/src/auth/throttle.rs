//! Login throttling per account and per client address, kept in the database so that the
//! limit holds across every server process. A locked key answers 429 with `Retry-After`,
//! whether or not the password would have been right.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::config::ThrottlePolicy;
use crate::db::stmt;
use crate::error::ApiError;

/// A counter: an account (`acct:portal:7:acme`) or an address (`addr:203.0.113.9`).
#[derive(Debug, Clone)]
pub struct ThrottleKey {
    key: String,
    limit: u32,
}

impl ThrottleKey {
    /// The account counter of a login name within a realm and organisation.
    pub fn account(realm: &str, scope: &str, login: &str, policy: &ThrottlePolicy) -> Self {
        ThrottleKey {
            key: format!("acct:{realm}:{scope}:{}", login.trim().to_lowercase()),
            limit: policy.account_failures,
        }
    }

    /// The counter of a client address.
    pub fn address(ip: &str, policy: &ThrottlePolicy) -> Self {
        ThrottleKey {
            key: format!("addr:{ip}"),
            limit: policy.address_failures,
        }
    }
}

/// Refuses with 429 when any of `keys` is locked.
pub async fn check(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for key in keys {
        let row = db
            .query_one_raw(stmt(
                db,
                "SELECT locked_until FROM login_throttle WHERE key = $1 AND locked_until > $2",
                vec![key.key.clone().into(), now.into()],
            ))
            .await?;
        if let Some(row) = row {
            let until: DateTime<Utc> = row.try_get("", "locked_until")?;
            let secs = (until - now).num_seconds().max(1);
            return Err(ApiError::TooManyRequests {
                retry_after_secs: secs.unsigned_abs(),
            });
        }
    }
    Ok(())
}

/// Counts a failure against each key, locking those that reach their limit.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let window_start =
        now - chrono::Duration::from_std(policy.window).map_err(ApiError::internal)?;
    let lock_until =
        now + chrono::Duration::from_std(policy.lockout).map_err(ApiError::internal)?;
    for key in keys {
        // One statement: concurrent failures from several processes all count.
        db.execute_raw(stmt(
            db,
            "INSERT INTO login_throttle (key, failures, window_started_at, locked_until)
             VALUES ($1, 1, $2, CASE WHEN $4 <= 1 THEN $5 ELSE NULL END)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
               window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2 ELSE login_throttle.window_started_at END,
               locked_until = CASE
                 WHEN (CASE WHEN login_throttle.window_started_at < $3 THEN 1 ELSE login_throttle.failures + 1 END) >= $4 THEN $5
                 ELSE login_throttle.locked_until END",
            vec![
                key.key.clone().into(),
                now.into(),
                window_start.into(),
                i64::from(key.limit).into(),
                lock_until.into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Forgets the failures of a key (after a successful login).
pub async fn reset(db: &impl ConnectionTrait, key: &ThrottleKey) -> Result<(), ApiError> {
    db.execute_raw(stmt(
        db,
        "DELETE FROM login_throttle WHERE key = $1",
        vec![key.key.clone().into()],
    ))
    .await?;
    Ok(())
}
