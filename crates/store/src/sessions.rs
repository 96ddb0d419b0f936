//! Refresh tokens: opaque random values, stored only as SHA-256, rotated on every use.
//! Presenting a token that was already used means it leaked (or was raced): the whole family,
//! i.e. that login session, is revoked.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sha2::{Digest, Sha256};

use crate::HotReads;
use crate::columns::{Columns, required};
use crate::entities::organization;
use crate::error::StoreError;
use crate::sql::Sql;
use crate::stmt;

/// Which side of the product a session is for: `portal` (customers' portal users) or `issuer`
/// (the issuer's staff). Also the access token's audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    /// Customers' portal users.
    Portal,
    /// The issuer's staff.
    Issuer,
}

impl Realm {
    /// The audience string and the database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Realm::Portal => "portal",
            Realm::Issuer => "issuer",
        }
    }
}

/// What presenting a refresh token came to.
#[derive(Debug, Clone)]
pub enum Rotation {
    /// A new token in the same family; the presented one is used up.
    Rotated(IssuedRefresh),
    /// The token had been used before: it leaked (or was raced), and its whole family has
    /// just been revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

/// A token to hand to the client, and the session it belongs to.
#[derive(Debug, Clone)]
pub struct IssuedRefresh {
    /// The raw token, sent once in the cookie and never stored.
    pub token: String,
    /// The family (login session) id.
    pub family: String,
    /// The user the session belongs to.
    pub user_id: i64,
    /// The user's organisation.
    pub organization_id: i64,
}

/// Where a request came from, recorded with tokens and events.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// Client address.
    pub ip: Option<String>,
    /// `User-Agent` header, truncated.
    pub user_agent: Option<String>,
}

/// 256 random bits, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token, hex. Tokens have 256 bits of entropy, so no salt or slow hash is needed.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Issues a token in a new family (a login) or in `family` (a rotation).
#[allow(clippy::too_many_arguments)]
pub async fn issue(
    db: &impl ConnectionTrait,
    realm: Realm,
    user_id: i64,
    organization_id: i64,
    family: Option<String>,
    ttl: std::time::Duration,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<IssuedRefresh, StoreError> {
    let token = random_token();
    let family = family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let expires = now + chrono::Duration::from_std(ttl).map_err(StoreError::internal)?;
    db.execute_raw(stmt(
        db,
        "INSERT INTO refresh_tokens (token_hash, family_id, realm, user_id, organization_id, created_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        vec![
            token_hash(&token).into(),
            family.clone().into(),
            realm.as_str().into(),
            user_id.into(),
            organization_id.into(),
            now.into(),
            expires.into(),
            client.ip.clone().into(),
            client.user_agent.clone().into(),
        ],
    ))
    .await?;
    Ok(IssuedRefresh {
        token,
        family,
        user_id,
        organization_id,
    })
}

/// Exchanges a refresh token for a new one in the same family. Exactly one of several
/// concurrent exchanges of the same token succeeds: the conditional UPDATE is the arbiter.
pub async fn rotate(
    db: &DatabaseConnection,
    realm: Realm,
    presented: &str,
    ttl: std::time::Duration,
    client: &ClientInfo,
) -> Result<Rotation, StoreError> {
    let now = crate::now();
    let hash = token_hash(presented);
    let txn = crate::begin_write(db).await?;
    let claimed = txn
        .query_one_raw(stmt(
            &txn,
            "UPDATE refresh_tokens SET used_at = $1
             WHERE token_hash = $2 AND realm = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1
             RETURNING family_id, user_id, organization_id",
            vec![now.into(), hash.clone().into(), realm.as_str().into()],
        ))
        .await?;
    if let Some(row) = claimed {
        let family: String = row.try_get("", "family_id")?;
        let user_id: i64 = row.try_get("", "user_id")?;
        let organization_id: i64 = row.try_get("", "organization_id")?;
        let issued = issue(
            &txn,
            realm,
            user_id,
            organization_id,
            Some(family),
            ttl,
            client,
            now,
        )
        .await?;
        txn.commit().await?;
        return Ok(Rotation::Rotated(issued));
    }
    txn.rollback().await?;

    let known = db
        .query_one_raw(stmt(
            db,
            "SELECT family_id, used_at FROM refresh_tokens WHERE token_hash = $1 AND realm = $2",
            vec![hash.into(), realm.as_str().into()],
        ))
        .await?;
    if let Some(row) = known {
        let used: Option<DateTime<Utc>> = row.try_get("", "used_at")?;
        if used.is_some() {
            let family: String = row.try_get("", "family_id")?;
            tracing::warn!(%family, "refresh token reused: revoking its session");
            revoke_family(db, &family).await?;
            return Ok(Rotation::Reused);
        }
    }
    Ok(Rotation::Invalid)
}

/// Ends one login session.
pub async fn revoke_family(db: &impl ConnectionTrait, family: &str) -> Result<(), StoreError> {
    db.execute_raw(stmt(
        db,
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
        vec![crate::now().into(), family.into()],
    ))
    .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change).
pub async fn revoke_user_sessions(
    db: &impl ConnectionTrait,
    realm: Realm,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    db.execute_raw(stmt(
        db,
        "UPDATE refresh_tokens SET revoked_at = $1
         WHERE realm = $2 AND user_id = $3 AND revoked_at IS NULL AND family_id <> $4",
        vec![
            crate::now().into(),
            realm.as_str().into(),
            user_id.into(),
            keep.unwrap_or("").into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The query every authenticated request starts with: the caller's organisation, and whether
/// the login session (refresh family) is still alive — so that logout, a password change or a
/// detected token theft end access tokens at once rather than at their expiry. One round trip.
///
/// A family is revoked by logout, a password change, token reuse — and, by triggers in the
/// database, when its user is disabled, loses portal access or is deactivated; so this stays a
/// single index lookup and access still ends at the next request.
pub const SESSION_ORGANIZATION_SQL: &str = "SELECT o.id, o.slug, o.legal_name, o.tax_id, \
o.vat_number, o.street, o.city, o.postal_code, o.country, o.email, o.phone, o.website, o.trading_name, \
o.document_footer, o.default_payment_terms_days, o.default_currency, o.default_locale, o.brand_color, \
o.portal_document_types, o.portal_allow_download, o.portal_allow_comments, \
o.portal_allow_offer_decisions, o.portal_allow_payments, o.portal_access_default, \
o.portal_email_on_new_document, o.created_at, o.updated_at, o.logo_id, \
o.portal_rejection_reason_required, o.portal_company_fields, o.creditor_reference, EXISTS (SELECT 1 FROM \
refresh_tokens t WHERE t.family_id = $2 AND t.revoked_at IS NULL) AS session_alive \
FROM organizations o WHERE o.id = $1";

/// What the session check found.
// Returned once per request and unpacked at once: boxing the organisation would only add an
// allocation to every request.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SessionCheck {
    /// The session is alive; the caller's organisation.
    Alive(organization::Model),
    /// The session has ended (logout, password change, token reuse, the user disabled,
    /// deleted or moved).
    Ended,
    /// The organisation is gone.
    NoOrganization,
}

/// The caller's organisation, if the login session is still alive. Through the hot readers:
/// every request starts here.
pub async fn organization_of_live_session(
    db: &impl ConnectionTrait,
    reads: &HotReads,
    organization_id: i64,
    family: &str,
) -> Result<SessionCheck, StoreError> {
    let mut sql = Sql::new(SESSION_ORGANIZATION_SQL);
    sql.bind_placeholder_value(organization_id)
        .bind_placeholder_value(family);
    let found = reads
        .query(db, &sql, organization_from_row)
        .await?
        .into_iter()
        .next();
    Ok(match found {
        None => SessionCheck::NoOrganization,
        Some((_, false)) => SessionCheck::Ended,
        Some((org, true)) => SessionCheck::Alive(org),
    })
}

/// A row of [`SESSION_ORGANIZATION_SQL`], in its column order: the organisation and whether
/// the session is alive. The struct literal names every field, so a new column cannot be missed.
fn organization_from_row(row: &dyn Columns) -> Result<(organization::Model, bool), StoreError> {
    let text =
        |i| -> Result<Option<String>, StoreError> { Ok(row.text(i)?.map(|t| t.into_owned())) };
    let flag = |i| required(i, row.boolean(i)?);
    let org = organization::Model {
        id: required(0, row.int(0)?)?,
        slug: required(1, text(1)?)?,
        legal_name: required(2, text(2)?)?,
        tax_id: text(3)?,
        vat_number: text(4)?,
        street: text(5)?,
        city: text(6)?,
        postal_code: text(7)?,
        country: required(8, text(8)?)?,
        email: text(9)?,
        phone: text(10)?,
        website: text(11)?,
        trading_name: text(12)?,
        document_footer: text(13)?,
        default_payment_terms_days: row
            .int(14)?
            .map(|d| {
                i32::try_from(d).map_err(|_| StoreError::internal("payment terms out of range"))
            })
            .transpose()?,
        default_currency: required(15, text(15)?)?,
        default_locale: required(16, text(16)?)?,
        brand_color: text(17)?,
        portal_document_types: required(18, text(18)?)?,
        portal_allow_download: flag(19)?,
        portal_allow_comments: flag(20)?,
        portal_allow_offer_decisions: flag(21)?,
        portal_allow_payments: flag(22)?,
        portal_access_default: flag(23)?,
        portal_email_on_new_document: flag(24)?,
        created_at: required(25, row.instant(25)?)?,
        updated_at: required(26, row.instant(26)?)?,
        logo_id: row.int(27)?,
        portal_rejection_reason_required: flag(28)?,
        portal_company_fields: required(29, text(29)?)?,
        creditor_reference: flag(30)?,
    };
    Ok((org, flag(31)?))
}

/// The family, user and organisation of a presented token, if it is known.
pub async fn family_of(
    db: &impl ConnectionTrait,
    realm: Realm,
    presented: &str,
) -> Result<Option<(String, i64, i64)>, StoreError> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT family_id, user_id, organization_id FROM refresh_tokens WHERE token_hash = $1 AND realm = $2",
            vec![token_hash(presented).into(), realm.as_str().into()],
        ))
        .await?;
    match row {
        Some(r) => Ok(Some((
            r.try_get("", "family_id")?,
            r.try_get("", "user_id")?,
            r.try_get("", "organization_id")?,
        ))),
        None => Ok(None),
    }
}
