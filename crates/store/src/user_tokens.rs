//! One-time links for invitations and password resets. The token is 256 random bits, sent only
//! in the link; the database keeps its SHA-256. It works once and until it expires, and a new
//! token for the same user and purpose ends the earlier ones (a resent invitation kills the old
//! link).

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::sessions::{Realm, random_token, token_hash};
use crate::{StoreError, stmt};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Set the first password of an invited user.
    Invitation,
    /// Replace a forgotten password.
    PasswordReset,
}

impl Purpose {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }

    fn parse(s: &str) -> Option<Purpose> {
        match s {
            "invitation" => Some(Purpose::Invitation),
            "password_reset" => Some(Purpose::PasswordReset),
            _ => None,
        }
    }
}

/// A redeemed token: whose it was and what for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redeemed {
    /// The user's organisation.
    pub organization_id: i64,
    /// The user.
    pub user_id: i64,
    /// What the link was for.
    pub purpose: Purpose,
}

/// Makes a new token for a user, ending its earlier unused tokens of the same purpose. Returns
/// the raw token for the link.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &impl ConnectionTrait,
    organization_id: i64,
    realm: Realm,
    user_id: i64,
    purpose: Purpose,
    valid_for: Duration,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    db.execute_raw(stmt(
        db,
        "UPDATE user_tokens SET used_at = $4
         WHERE realm = $1 AND user_id = $2 AND purpose = $3 AND used_at IS NULL",
        vec![
            realm.as_str().into(),
            user_id.into(),
            purpose.as_str().into(),
            now.into(),
        ],
    ))
    .await?;
    let token = random_token();
    db.execute_raw(stmt(
        db,
        "INSERT INTO user_tokens (organization_id, realm, user_id, purpose, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            organization_id.into(),
            realm.as_str().into(),
            user_id.into(),
            purpose.as_str().into(),
            token_hash(&token).into(),
            now.into(),
            (now + valid_for).into(),
        ],
    ))
    .await?;
    Ok(token)
}

/// Uses up a token of `realm`: `None` when it is unknown, used, superseded or expired. Of
/// several concurrent redemptions exactly one succeeds (the conditional UPDATE decides).
pub async fn redeem(
    db: &impl ConnectionTrait,
    realm: Realm,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Redeemed>, StoreError> {
    let row = db
        .query_one_raw(stmt(
            db,
            "UPDATE user_tokens SET used_at = $3
             WHERE token_hash = $1 AND realm = $2 AND used_at IS NULL AND expires_at > $3
             RETURNING organization_id, user_id, purpose",
            vec![token_hash(token).into(), realm.as_str().into(), now.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let purpose: String = row.try_get("", "purpose")?;
    Ok(Some(Redeemed {
        organization_id: row.try_get("", "organization_id")?,
        user_id: row.try_get("", "user_id")?,
        purpose: Purpose::parse(&purpose)
            .ok_or_else(|| StoreError::internal(format!("unknown token purpose {purpose}")))?,
    }))
}
