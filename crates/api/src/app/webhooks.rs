//! Webhook endpoints of an organisation (owners and admins; keys with `webhooks:*`): register
//! (the signing secret shown once), list, change, enable and disable, delete, rotate the
//! secret with a day's overlap; the delivery log with every attempt; resend a delivery; send
//! a test event.

use chrono::{DateTime, Duration, Utc};
use portal_domain::access::Permission;
use portal_domain::webhooks::{TEST_EVENT, is_event_type};
use portal_store::entities::webhook_endpoint;
use portal_store::events;
use portal_store::webhooks as store;
use portal_types::{
    CreatedWebhookEndpoint, FieldError, NewWebhookEndpoint, RotatedWebhookSecret, WebhookDelivery,
    WebhookDeliveryDetail, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointUpdate,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::checked::Checked;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::{guard, new_secret, purpose};

/// Endpoints an organisation may have.
const MAX_ENDPOINTS: u64 = 20;
/// How long the secret before a rotation keeps signing.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

fn view(e: &webhook_endpoint::Model, now: DateTime<Utc>) -> WebhookEndpoint {
    WebhookEndpoint {
        id: e.id,
        url: e.url.clone(),
        description: e.description.clone(),
        events: e
            .event_types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        status: e.status.clone(),
        disabled_reason: e.disabled_reason.clone(),
        failing_since: e.failing_since,
        previous_secret_expires_at: e.previous_secret_until.filter(|u| *u > now),
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

async fn find(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    id: i64,
) -> Result<webhook_endpoint::Model, ApiError> {
    webhook_endpoint::Entity::find_by_id(id)
        .filter(webhook_endpoint::Column::OrganizationId.eq(session.organization_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

async fn record(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    kind: &'static str,
    endpoint: &webhook_endpoint::Model,
    fields: Option<Vec<&str>>,
) -> Result<(), ApiError> {
    let mut details = serde_json::json!({ "webhook_id": endpoint.id, "url": endpoint.url });
    if let Some(fields) = fields {
        details["fields"] = serde_json::json!(fields);
    }
    session.record(db, kind, details).await?;
    Ok(())
}

/// Checks the URL's form and where its host resolves to.
async fn check_url(state: &AppState, checked: &mut Checked, url: &str) -> Option<String> {
    if url.chars().count() > 2000 {
        checked.push(FieldError::new(
            "url",
            "too_long",
            "at most 2000 characters",
        ));
        return None;
    }
    match guard::check(url.trim(), state.webhooks.allow_private).await {
        Ok(url) => Some(url.to_string()),
        Err(refused) => {
            checked.push(FieldError::new("url", refused.code(), refused.to_string()));
            None
        }
    }
}

fn check_events(checked: &mut Checked, events: &[String]) -> Vec<String> {
    let mut kept = Vec::new();
    if events.is_empty() {
        checked.push(FieldError::new("events", "required", "at least one event"));
    }
    for (i, event) in events.iter().enumerate() {
        if !is_event_type(event) {
            checked.push(FieldError::new(
                format!("events[{i}]"),
                "invalid_value",
                "not an event type",
            ));
        } else if !kept.contains(event) {
            kept.push(event.clone());
        }
    }
    kept
}

fn seal(state: &AppState, org: i64, id: i64, secret: &str) -> Result<Vec<u8>, ApiError> {
    crate::secrets::seal(&state.settings.secrets_key, &purpose(org, id), secret)
        .map_err(ApiError::internal)
}

fn fresh_secret() -> Result<String, ApiError> {
    new_secret().map_err(|_| ApiError::internal("the system's random source failed"))
}

/// The organisation's endpoints, oldest first.
pub async fn list(
    state: &AppState,
    session: &IssuerSession,
) -> Result<Vec<WebhookEndpoint>, ApiError> {
    session.require(Permission::ManageSettings)?;
    let now = portal_store::now();
    Ok(webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganizationId.eq(session.organization_id))
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(&state.db)
        .await?
        .iter()
        .map(|e| view(e, now))
        .collect())
}

/// One endpoint.
pub async fn get(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
) -> Result<WebhookEndpoint, ApiError> {
    session.require(Permission::ManageSettings)?;
    Ok(view(
        &find(&state.db, session, id).await?,
        portal_store::now(),
    ))
}

/// Registers an endpoint; its secret is in the answer and, sealed, in the database.
pub async fn create(
    state: &AppState,
    session: &IssuerSession,
    input: NewWebhookEndpoint,
) -> Result<CreatedWebhookEndpoint, ApiError> {
    session.require(Permission::ManageSettings)?;
    let mut checked = Checked::default();
    let url = check_url(state, &mut checked, &input.url).await;
    let events = check_events(&mut checked, &input.events);
    let description = checked
        .text("description", input.description.as_deref(), 200)
        .flatten()
        .unwrap_or_default();
    checked.finish()?;
    let url = url.ok_or_else(|| ApiError::internal("checked url missing"))?;
    let secret = fresh_secret()?;
    let now = portal_store::now();
    let org = session.organization_id;
    let txn = portal_store::begin_write(&state.db).await?;
    let count = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganizationId.eq(org))
        .count(&txn)
        .await?;
    if count >= MAX_ENDPOINTS {
        return Err(ApiError::Conflict {
            code: "too_many_endpoints",
            detail: format!("at most {MAX_ENDPOINTS} endpoints; delete one first"),
        });
    }
    let (staff, key) = match session.actor() {
        events::Actor::StaffUser(id) => (Some(id), None),
        events::Actor::ApiKey(id) => (None, Some(id)),
        _ => (None, None),
    };
    // The secret is sealed for the row's id, which exists only after the insert.
    let endpoint = webhook_endpoint::ActiveModel {
        organization_id: Set(org),
        url: Set(url),
        description: Set(description),
        event_types: Set(events.join(",")),
        secret: Set(Vec::new()),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        status: Set("enabled".to_owned()),
        disabled_reason: Set(None),
        failing_since: Set(None),
        created_by_staff_id: Set(staff),
        created_by_key_id: Set(key),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut model: webhook_endpoint::ActiveModel = endpoint.clone().into();
    model.secret = Set(seal(state, org, endpoint.id, &secret)?);
    let endpoint = model.update(&txn).await?;
    record(&txn, session, "webhook_created", &endpoint, None).await?;
    txn.commit().await?;
    Ok(CreatedWebhookEndpoint {
        endpoint: view(&endpoint, now),
        secret,
    })
}

/// Changes an endpoint; enabling it again sends what waited at once.
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    input: WebhookEndpointUpdate,
) -> Result<WebhookEndpoint, ApiError> {
    session.require(Permission::ManageSettings)?;
    let mut checked = Checked::default();
    let url = match &input.url {
        Some(url) => check_url(state, &mut checked, url).await,
        None => None,
    };
    let events = input
        .events
        .as_deref()
        .map(|e| check_events(&mut checked, e));
    let description = checked.text("description", input.description.as_deref(), 200);
    checked.finish()?;
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let current = find(&txn, session, id).await?;
    let mut model: webhook_endpoint::ActiveModel = current.clone().into();
    let mut changed = Vec::new();
    if let Some(url) = url.filter(|u| *u != current.url) {
        model.url = Set(url);
        changed.push("url");
    }
    if let Some(events) = events
        .map(|e| e.join(","))
        .filter(|e| *e != current.event_types)
    {
        model.event_types = Set(events);
        changed.push("events");
    }
    if let Some(description) = description
        .map(Option::unwrap_or_default)
        .filter(|d| *d != current.description)
    {
        model.description = Set(description);
        changed.push("description");
    }
    match (input.enabled, current.status.as_str()) {
        (Some(true), "disabled") => {
            model.status = Set("enabled".to_owned());
            model.disabled_reason = Set(None);
            model.failing_since = Set(None);
            changed.push("enabled");
        }
        (Some(false), "enabled") => {
            model.status = Set("disabled".to_owned());
            model.disabled_reason = Set(Some("by_user".to_owned()));
            changed.push("enabled");
        }
        _ => {}
    }
    let saved = if changed.is_empty() {
        current
    } else {
        model.updated_at = Set(now);
        let saved = model.update(&txn).await?;
        record(&txn, session, "webhook_changed", &saved, Some(changed)).await?;
        saved
    };
    txn.commit().await?;
    state.webhooks.wake();
    Ok(view(&saved, now))
}

/// Deletes an endpoint with its deliveries.
pub async fn delete(state: &AppState, session: &IssuerSession, id: i64) -> Result<(), ApiError> {
    session.require(Permission::ManageSettings)?;
    let txn = portal_store::begin_write(&state.db).await?;
    let endpoint = find(&txn, session, id).await?;
    record(&txn, session, "webhook_deleted", &endpoint, None).await?;
    webhook_endpoint::Entity::delete_by_id(endpoint.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// A new secret; the old one signs too for [`ROTATION_OVERLAP`], so receivers can switch
/// without losing a delivery.
pub async fn rotate(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
) -> Result<RotatedWebhookSecret, ApiError> {
    session.require(Permission::ManageSettings)?;
    let secret = fresh_secret()?;
    let now = portal_store::now();
    let until = now + ROTATION_OVERLAP;
    let txn = portal_store::begin_write(&state.db).await?;
    let current = find(&txn, session, id).await?;
    let mut model: webhook_endpoint::ActiveModel = current.clone().into();
    model.previous_secret = Set(Some(current.secret.clone()));
    model.previous_secret_until = Set(Some(until));
    model.secret = Set(seal(state, current.organization_id, current.id, &secret)?);
    model.updated_at = Set(now);
    let saved = model.update(&txn).await?;
    record(&txn, session, "webhook_secret_rotated", &saved, None).await?;
    txn.commit().await?;
    Ok(RotatedWebhookSecret {
        secret,
        previous_secret_expires_at: until,
    })
}

/// One page of an endpoint's deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    page: u32,
    per_page: u32,
) -> Result<WebhookDeliveryList, ApiError> {
    session.require(Permission::ManageSettings)?;
    let endpoint = find(&state.db, session, id).await?;
    let (items, total) = store::deliveries(
        &state.db,
        session.organization_id,
        endpoint.id,
        u64::from(per_page),
        u64::from(page.saturating_sub(1)) * u64::from(per_page),
    )
    .await?;
    Ok(WebhookDeliveryList {
        items,
        total,
        page,
        per_page,
    })
}

/// A delivery with its body and attempts.
pub async fn delivery(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    delivery_id: i64,
) -> Result<WebhookDeliveryDetail, ApiError> {
    session.require(Permission::ManageSettings)?;
    // Attempts first: an attempt row is committed with its delivery's new state, so the
    // delivery read after it is at least that new. The other order could show an attempt
    // that answered 410 beside a delivery still "pending" (seen in CI).
    let attempt_log = store::attempts(&state.db, delivery_id).await?;
    let (_, delivery, payload) =
        store::delivery(&state.db, session.organization_id, id, delivery_id)
            .await?
            .ok_or(ApiError::NotFound)?;
    Ok(WebhookDeliveryDetail {
        delivery,
        payload,
        attempt_log,
    })
}

async fn queued(
    state: &AppState,
    session: &IssuerSession,
    endpoint_id: i64,
    delivery_id: i64,
) -> Result<WebhookDelivery, ApiError> {
    state.webhooks.wake();
    store::delivery(&state.db, session.organization_id, endpoint_id, delivery_id)
        .await?
        .map(|(_, d, _)| d)
        .ok_or_else(|| ApiError::internal("a queued delivery vanished"))
}

/// Sends a delivery's message again (the same `webhook-id`) as a new delivery.
pub async fn resend(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    delivery_id: i64,
) -> Result<WebhookDelivery, ApiError> {
    session.require(Permission::ManageSettings)?;
    let txn = portal_store::begin_write(&state.db).await?;
    let (message_id, _, _) = store::delivery(&txn, session.organization_id, id, delivery_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let new = store::redeliver(
        &txn,
        session.organization_id,
        id,
        message_id,
        portal_store::now(),
    )
    .await?;
    txn.commit().await?;
    queued(state, session, id, new).await
}

/// Queues a `webhook.test` event for one endpoint, whatever it subscribes to.
pub async fn test(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
) -> Result<WebhookDelivery, ApiError> {
    session.require(Permission::ManageSettings)?;
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let endpoint = find(&txn, session, id).await?;
    let (actor_type, actor_id) = match session.actor() {
        events::Actor::StaffUser(id) => ("staff_user", Some(id)),
        events::Actor::ApiKey(id) => ("api_key", Some(id)),
        _ => ("system", None),
    };
    let data = portal_types::WebhookEventData {
        organization_id: session.organization_id,
        contractor_id: None,
        document_id: None,
        actor: portal_types::WebhookActor {
            actor_type: actor_type.to_owned(),
            id: actor_id,
        },
        details: serde_json::json!({
            "webhook_id": endpoint.id,
            "message": "A test event: your endpoint receives and verifies webhooks.",
        }),
        document: None,
        payment: None,
        contractor: None,
    };
    let (message_id, _) =
        store::enqueue(&txn, session.organization_id, TEST_EVENT, data, &[], now).await?;
    let new = store::redeliver(&txn, session.organization_id, endpoint.id, message_id, now).await?;
    txn.commit().await?;
    queued(state, session, endpoint.id, new).await
}
