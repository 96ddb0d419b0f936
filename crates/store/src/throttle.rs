//! Login throttling per account and per client address, kept in the database so that the
//! limit holds across every server process. The HTTP layer answers a locked key with 429 and
//! `Retry-After`, whether or not the password would have been right.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::error::StoreError;
use crate::stmt;

/// When failed logins lock an account or an address out.
#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    /// Failures per account within `window` before it is locked.
    pub account_failures: u32,
    /// Failures per client address within `window` before it is locked.
    pub address_failures: u32,
    /// The counting window.
    pub window: Duration,
    /// How long a lock lasts.
    pub lockout: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_failures: 5,
            address_failures: 50,
            window: Duration::from_secs(15 * 60),
            lockout: Duration::from_secs(15 * 60),
        }
    }
}

/// A counter: an account (`acct:portal:demo:acme`) or an address (`addr:203.0.113.9`).
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

/// Whether any of `keys` is locked: `Some(seconds until it opens)` if so.
pub async fn locked(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    now: DateTime<Utc>,
) -> Result<Option<u64>, StoreError> {
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
            return Ok(Some(secs.unsigned_abs()));
        }
    }
    Ok(None)
}

/// Counts a failure against each key, locking those that reach their limit.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let window_start =
        now - chrono::Duration::from_std(policy.window).map_err(StoreError::internal)?;
    let lock_until =
        now + chrono::Duration::from_std(policy.lockout).map_err(StoreError::internal)?;
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
pub async fn reset(db: &impl ConnectionTrait, key: &ThrottleKey) -> Result<(), StoreError> {
    db.execute_raw(stmt(
        db,
        "DELETE FROM login_throttle WHERE key = $1",
        vec![key.key.clone().into()],
    ))
    .await?;
    Ok(())
}
