//! Sign-ups waiting for their e-mail confirmation (`PORTAL_SIGNUP=open`). The link's token is
//! 256 random bits; the database keeps its SHA-256, and the owner's password only as its
//! argon2id hash. A sign-up is used up by its confirmation (exactly one of concurrent
//! confirmations gets it) and is gone after it expires.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::sessions::{random_token, token_hash};
use crate::{StoreError, stmt};

/// What was signed up, as checked when it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignup {
    /// The portal's address: `/p/{slug}`.
    pub slug: String,
    /// The organisation's legal name.
    pub name: String,
    /// The owner's name.
    pub owner_name: String,
    /// The owner's e-mail address, the one the link was sent to.
    pub email: String,
    /// The organisation's language, and the owner's mails'.
    pub locale: String,
    /// The owner's password, hashed.
    pub password_hash: String,
}

/// Stores a sign-up for `valid_for` and returns the raw token for the link. Expired sign-ups
/// are deleted on the way.
pub async fn create(
    db: &impl ConnectionTrait,
    signup: &PendingSignup,
    valid_for: Duration,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    db.execute_raw(stmt(
        db,
        "DELETE FROM signups WHERE expires_at <= $1",
        vec![now.into()],
    ))
    .await?;
    let token = random_token();
    db.execute_raw(stmt(
        db,
        "INSERT INTO signups (token_hash, slug, name, owner_name, email, locale, password_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        vec![
            token_hash(&token).into(),
            signup.slug.clone().into(),
            signup.name.clone().into(),
            signup.owner_name.clone().into(),
            signup.email.clone().into(),
            signup.locale.clone().into(),
            signup.password_hash.clone().into(),
            now.into(),
            (now + valid_for).into(),
        ],
    ))
    .await?;
    Ok(token)
}

/// Takes the sign-up of `token` out of the table: `None` when it is unknown, already confirmed
/// or expired. Inside a transaction that fails later, the sign-up stays.
pub async fn redeem(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<PendingSignup>, StoreError> {
    let row = db
        .query_one_raw(stmt(
            db,
            "DELETE FROM signups WHERE token_hash = $1 AND expires_at > $2
             RETURNING slug, name, owner_name, email, locale, password_hash",
            vec![token_hash(token).into(), now.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(PendingSignup {
        slug: row.try_get("", "slug")?,
        name: row.try_get("", "name")?,
        owner_name: row.try_get("", "owner_name")?,
        email: row.try_get("", "email")?,
        locale: row.try_get("", "locale")?,
        password_hash: row.try_get("", "password_hash")?,
    }))
}
