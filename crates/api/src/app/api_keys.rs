//! Integrators' API keys: made by owners and admins (or by a key with `api_keys:write`, which
//! can give no scope it lacks), shown once, kept as a keyed hash, listed, renamed and revoked.
//! A key signs in as its organisation on `/api/v1/issuer/…` within its scopes and its limit of
//! requests per minute; every action it takes is recorded as that key.

use chrono::{DateTime, Duration, Utc};
use portal_domain::access::Permission;
use portal_domain::api_key::{self as format, KeyError};
use portal_store::entities::{api_key, organization, staff_user};
use portal_store::events::Actor;
use portal_store::issuer::IssuerScope;
use portal_types::{ApiKey, ApiKeyUpdate, CreatedApiKey, FieldError, NewApiKey};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::checked::Checked;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::state::AppState;
use portal_store::sessions::ClientInfo;

/// Requests per minute of a key made without a limit.
pub const DEFAULT_RATE_LIMIT: u32 = 600;
/// The highest limit a key may have.
pub const MAX_RATE_LIMIT: u32 = 10_000;
/// Keys an organisation may have that are not revoked.
const MAX_LIVE_KEYS: usize = 50;
/// How stale `last_used_at` may get before a request writes it again: a write per minute at
/// most, not one per request.
const LAST_USED_EVERY: Duration = Duration::seconds(60);

/// The keyed hash a secret is kept as: HMAC-SHA256 under a key derived from the server's
/// secrets key, so that a copy of the database alone cannot test a guessed secret.
fn hash_key(secrets_key: &[u8; 32]) -> hmac::Key {
    let derive = hmac::Key::new(hmac::HMAC_SHA256, secrets_key);
    let tag = hmac::sign(&derive, b"portal api key secrets v1");
    hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref())
}

fn unauthorized(code: &'static str, detail: &'static str) -> ApiError {
    ApiError::Unauthorized { code, detail }
}

/// The key behind `token`, alive, with its organisation; a 401 naming why not. A token whose
/// checksum fails is refused before any database read.
pub async fn authenticate(
    state: &AppState,
    token: &str,
    client: &ClientInfo,
) -> Result<(api_key::Model, organization::Model), ApiError> {
    let parts = format::parse(token).map_err(|e| match e {
        KeyError::Shape => unauthorized("api_key_invalid", "this is not an API key"),
        KeyError::Checksum => unauthorized(
            "api_key_invalid",
            "the API key's checksum does not match: it was mistyped or cut short",
        ),
    })?;
    let unknown = || unauthorized("api_key_invalid", "no such API key");
    let key = api_key::Entity::find()
        .filter(api_key::Column::KeyId.eq(parts.id))
        .one(&state.db)
        .await?
        .ok_or_else(unknown)?;
    // Constant-time comparison of the secret's hash with the stored one.
    hmac::verify(
        &hash_key(&state.settings.secrets_key),
        parts.secret.as_bytes(),
        &key.secret_hash,
    )
    .map_err(|_| unknown())?;
    let now = portal_store::now();
    if key.revoked_at.is_some() {
        return Err(unauthorized(
            "api_key_revoked",
            "this API key has been revoked",
        ));
    }
    if key.expires_at.is_some_and(|at| at <= now) {
        return Err(unauthorized("api_key_expired", "this API key has expired"));
    }
    let org = organization::Entity::find_by_id(key.organization_id)
        .one(&state.db)
        .await?
        .ok_or_else(unknown)?;
    if key
        .last_used_at
        .is_none_or(|at| now - at >= LAST_USED_EVERY)
    {
        // Conditional, so that concurrent requests write it once.
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .col_expr(api_key::Column::LastUsedIp, Expr::value(client.ip.clone()))
            .filter(api_key::Column::Id.eq(key.id))
            .filter(
                api_key::Column::LastUsedAt
                    .is_null()
                    .or(api_key::Column::LastUsedAt.lte(now - LAST_USED_EVERY)),
            )
            .exec(&state.db)
            .await?;
    }
    Ok((key, org))
}

/// The scopes a key row holds.
pub fn scopes_of(key: &api_key::Model) -> Vec<String> {
    key.scopes
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn status(key: &api_key::Model, now: DateTime<Utc>) -> &'static str {
    if key.revoked_at.is_some() {
        "revoked"
    } else if key.expires_at.is_some_and(|at| at <= now) {
        "expired"
    } else {
        "active"
    }
}

/// The names of the staff who made `keys` (keys made by keys are named from `keys`).
async fn makers(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    keys: &[api_key::Model],
) -> Result<std::collections::HashMap<i64, String>, ApiError> {
    let staff_ids: Vec<i64> = keys.iter().filter_map(|k| k.created_by_staff_id).collect();
    let mut names = std::collections::HashMap::new();
    if !staff_ids.is_empty() {
        for s in staff_user::Entity::find()
            .filter(staff_user::Column::OrganizationId.eq(scope.organization_id()))
            .filter(staff_user::Column::Id.is_in(staff_ids))
            .all(db)
            .await?
        {
            names.insert(
                s.id,
                if s.name.trim().is_empty() {
                    s.email
                } else {
                    s.name
                },
            );
        }
    }
    Ok(names)
}

fn view(
    key: &api_key::Model,
    all: &[api_key::Model],
    staff: &std::collections::HashMap<i64, String>,
) -> ApiKey {
    let created_by = match (key.created_by_staff_id, key.created_by_key_id) {
        (Some(id), _) => staff.get(&id).cloned(),
        (None, Some(id)) => all.iter().find(|k| k.id == id).map(|k| k.name.clone()),
        (None, None) => None,
    };
    ApiKey {
        id: key.id,
        name: key.name.clone(),
        hint: format::hint(&key.key_id),
        scopes: scopes_of(key),
        rate_limit_per_minute: u32::try_from(key.rate_limit_per_minute).unwrap_or(0),
        created_by,
        created_at: key.created_at,
        expires_at: key.expires_at,
        revoked_at: key.revoked_at,
        last_used_at: key.last_used_at,
        last_used_ip: key.last_used_ip.clone(),
        status: status(key, portal_store::now()).to_owned(),
    }
}

async fn all_keys(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
) -> Result<Vec<api_key::Model>, ApiError> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::OrganizationId.eq(scope.organization_id()))
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?)
}

/// The organisation's keys, newest first, revoked ones too (so the trail's names resolve).
pub async fn list(state: &AppState, session: &IssuerSession) -> Result<Vec<ApiKey>, ApiError> {
    session.require(Permission::ManageSettings)?;
    let keys = all_keys(&state.db, session.scope()).await?;
    let staff = makers(&state.db, session.scope(), &keys).await?;
    Ok(keys.iter().map(|k| view(k, &keys, &staff)).collect())
}

fn rate_limit(checked: &mut Checked, value: Option<u32>) -> Option<u32> {
    let limit = value?;
    if (1..=MAX_RATE_LIMIT).contains(&limit) {
        Some(limit)
    } else {
        checked.push(FieldError::new(
            "rate_limit_per_minute",
            "out_of_range",
            format!("from 1 to {MAX_RATE_LIMIT} requests per minute"),
        ));
        None
    }
}

/// Makes a key; its whole token is in the answer and nowhere else.
pub async fn create(
    state: &AppState,
    session: &IssuerSession,
    input: NewApiKey,
) -> Result<CreatedApiKey, ApiError> {
    session.require(Permission::ManageSettings)?;
    let mut checked = Checked::default();
    let name = checked.take(portal_domain::fields::required_text(
        "name",
        &input.name,
        100,
    ));
    let mut scopes: Vec<String> = Vec::new();
    if input.scopes.is_empty() {
        checked.push(FieldError::new("scopes", "required", "at least one scope"));
    }
    for (i, scope) in input.scopes.iter().enumerate() {
        if !portal_types::api_keys::is_scope(scope) {
            checked.push(FieldError::new(
                format!("scopes[{i}]"),
                "invalid_value",
                "not a scope: `resource:read` or `resource:write`",
            ));
        } else if !session.may_give(scope) {
            checked.push(FieldError::new(
                format!("scopes[{i}]"),
                "not_held",
                "a key cannot give a scope it does not hold",
            ));
        } else if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    let now = portal_store::now();
    if input.expires_at.is_some_and(|at| at <= now) {
        checked.push(FieldError::new(
            "expires_at",
            "in_the_past",
            "the expiry must be in the future",
        ));
    }
    let limit = rate_limit(&mut checked, input.rate_limit_per_minute).unwrap_or(DEFAULT_RATE_LIMIT);
    checked.finish()?;
    let name = name.ok_or_else(|| ApiError::internal("checked name missing"))?;

    let random = SystemRandom::new();
    let mut failed = false;
    let mut draw = |buf: &mut [u8]| failed |= random.fill(buf).is_err();
    let key_id = format::base62_from(format::ID_LEN, &mut draw);
    let secret = format::base62_from(format::SECRET_LEN, &mut draw);
    if failed {
        return Err(ApiError::internal("the system's random source failed"));
    }
    let hash = hmac::sign(&hash_key(&state.settings.secrets_key), secret.as_bytes());

    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let live = all_keys(&txn, scope)
        .await?
        .iter()
        .filter(|k| status(k, now) == "active")
        .count();
    if live >= MAX_LIVE_KEYS {
        return Err(ApiError::Conflict {
            code: "too_many_keys",
            detail: format!("at most {MAX_LIVE_KEYS} active keys; revoke one first"),
        });
    }
    let (staff, key_maker) = match session.actor() {
        Actor::StaffUser(id) => (Some(id), None),
        Actor::ApiKey(id) => (None, Some(id)),
        _ => (None, None),
    };
    let key = api_key::ActiveModel {
        organization_id: Set(scope.organization_id()),
        key_id: Set(key_id.clone()),
        secret_hash: Set(hash.as_ref().to_vec()),
        name: Set(name),
        scopes: Set(scopes.join(",")),
        rate_limit_per_minute: Set(i32::try_from(limit).unwrap_or(i32::MAX)),
        created_by_staff_id: Set(staff),
        created_by_key_id: Set(key_maker),
        created_at: Set(now),
        expires_at: Set(input.expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        last_used_ip: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(&txn, session, "api_key_created", &key, None).await?;
    txn.commit().await?;
    let keys = all_keys(&state.db, scope).await?;
    let staff = makers(&state.db, scope, &keys).await?;
    Ok(CreatedApiKey {
        key: view(&key, &keys, &staff),
        token: format::compose(&key_id, &secret),
    })
}

async fn record(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    kind: &'static str,
    key: &api_key::Model,
    fields: Option<Vec<&str>>,
) -> Result<(), ApiError> {
    let mut details = serde_json::json!({
        "api_key_id": key.id,
        "name": key.name,
        "hint": format::hint(&key.key_id),
    });
    if kind == "api_key_created" {
        details["scopes"] = serde_json::json!(scopes_of(key));
    }
    if let Some(fields) = fields {
        details["fields"] = serde_json::json!(fields);
    }
    session.record(db, kind, details).await?;
    Ok(())
}

async fn find(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    id: i64,
) -> Result<api_key::Model, ApiError> {
    api_key::Entity::find_by_id(id)
        .filter(api_key::Column::OrganizationId.eq(session.organization_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Renames a key or changes its limit.
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    input: ApiKeyUpdate,
) -> Result<ApiKey, ApiError> {
    session.require(Permission::ManageSettings)?;
    let mut checked = Checked::default();
    let name = input
        .name
        .as_deref()
        .and_then(|n| checked.take(portal_domain::fields::required_text("name", n, 100)));
    let limit = rate_limit(&mut checked, input.rate_limit_per_minute);
    checked.finish()?;
    let txn = portal_store::begin_write(&state.db).await?;
    let key = find(&txn, session, id).await?;
    let mut model: api_key::ActiveModel = key.clone().into();
    let mut changed = Vec::new();
    if let Some(name) = name.filter(|n| *n != key.name) {
        model.name = Set(name);
        changed.push("name");
    }
    if let Some(limit) = limit.filter(|l| i64::from(*l) != i64::from(key.rate_limit_per_minute)) {
        model.rate_limit_per_minute = Set(i32::try_from(limit).unwrap_or(i32::MAX));
        changed.push("rate_limit_per_minute");
    }
    let key = if changed.is_empty() {
        key
    } else {
        let key = model.update(&txn).await?;
        record(&txn, session, "api_key_updated", &key, Some(changed)).await?;
        key
    };
    txn.commit().await?;
    let keys = all_keys(&state.db, session.scope()).await?;
    let staff = makers(&state.db, session.scope(), &keys).await?;
    Ok(view(&key, &keys, &staff))
}

/// Revokes a key: its next request is refused. Revoking a revoked key changes nothing.
pub async fn revoke(state: &AppState, session: &IssuerSession, id: i64) -> Result<(), ApiError> {
    session.require(Permission::ManageSettings)?;
    let txn = portal_store::begin_write(&state.db).await?;
    let key = find(&txn, session, id).await?;
    if key.revoked_at.is_none() {
        let mut model: api_key::ActiveModel = key.into();
        model.revoked_at = Set(Some(portal_store::now()));
        let key = model.update(&txn).await?;
        record(&txn, session, "api_key_revoked", &key, None).await?;
    }
    txn.commit().await?;
    Ok(())
}
