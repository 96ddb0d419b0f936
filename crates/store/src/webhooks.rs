//! Outgoing webhooks in the database: a trail event an endpoint subscribes to becomes a
//! message (written in the transaction that recorded the event, so it exists exactly when the
//! change does) and one delivery per subscribed endpoint; workers claim due deliveries with a
//! lease, log every attempt and schedule the next.

use chrono::{DateTime, Duration, Utc};
use portal_domain::money::Currency;
use portal_types::webhooks::{
    WebhookActor, WebhookAttempt, WebhookContractor, WebhookDelivery, WebhookDocument,
    WebhookEvent, WebhookEventData, WebhookPayment,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::entities::{contractor, document, payment};
use crate::events::{Actor, NewEvent};
use crate::{StoreError, stmt};

/// How long a claim keeps other workers off a delivery: longer than an attempt may take.
pub const LEASE: Duration = Duration::minutes(2);

/// The version of the payloads' shape; it changes only with a new `/api/v2`.
pub const PAYLOAD_VERSION: i64 = 1;

/// The enabled endpoints of an organisation that subscribe to `event_type`.
pub async fn subscribers(
    db: &impl ConnectionTrait,
    organization_id: i64,
    event_type: &str,
) -> Result<Vec<i64>, StoreError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT id, event_types FROM webhook_endpoints
             WHERE organization_id = $1 AND status = 'enabled' ORDER BY id",
            vec![organization_id.into()],
        ))
        .await?;
    let mut ids = Vec::new();
    for row in rows {
        let types: String = row.try_get("", "event_types")?;
        if types.split(',').any(|t| t == event_type) {
            ids.push(row.try_get("", "id")?);
        }
    }
    Ok(ids)
}

/// Whether an organisation has an enabled endpoint.
pub async fn has_endpoints(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<bool, StoreError> {
    Ok(db
        .query_one_raw(stmt(
            db,
            "SELECT id FROM webhook_endpoints WHERE organization_id = $1 AND status = 'enabled' LIMIT 1",
            vec![organization_id.into()],
        ))
        .await?
        .is_some())
}

/// Publishes a trail event to the endpoints that subscribe to it (nothing when none does).
/// Called by [`crate::events::record`] in the event's own transaction.
pub async fn publish_event(db: &impl ConnectionTrait, e: &NewEvent<'_>) -> Result<(), StoreError> {
    let Some(event_type) = portal_domain::webhooks::event_type_of(e.kind) else {
        return Ok(());
    };
    let endpoints = subscribers(db, e.organization_id, event_type).await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let data = event_data(db, e).await?;
    enqueue(
        db,
        e.organization_id,
        event_type,
        data,
        &endpoints,
        crate::now(),
    )
    .await?;
    Ok(())
}

/// Writes a message and a delivery of it to each of `endpoints`, due now; answers its row's
/// id and its `webhook-id`.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    organization_id: i64,
    event_type: &str,
    data: WebhookEventData,
    endpoints: &[i64],
    now: DateTime<Utc>,
) -> Result<(i64, String), StoreError> {
    let msg_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let payload = serde_json::to_string(&WebhookEvent {
        event_type: event_type.to_owned(),
        timestamp: now,
        version: PAYLOAD_VERSION,
        data,
    })
    .map_err(StoreError::internal)?;
    let row = db
        .query_one_raw(stmt(
            db,
            "INSERT INTO webhook_messages (organization_id, msg_id, event_type, payload, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            vec![
                organization_id.into(),
                msg_id.clone().into(),
                event_type.into(),
                payload.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or_else(|| StoreError::internal("the message insert returned no id"))?;
    let message_id: i64 = row.try_get("", "id")?;
    for endpoint in endpoints {
        db.execute_raw(stmt(
            db,
            "INSERT INTO webhook_deliveries (organization_id, message_id, endpoint_id, status,
                 attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
            vec![
                organization_id.into(),
                message_id.into(),
                (*endpoint).into(),
                now.into(),
            ],
        ))
        .await?;
    }
    Ok((message_id, msg_id))
}

/// What a published event says: the ids it concerns, who did it, the trail's details, and
/// the object it changed as it is now (the document, the payment, the customer).
async fn event_data(
    db: &impl ConnectionTrait,
    e: &NewEvent<'_>,
) -> Result<WebhookEventData, StoreError> {
    let (actor_type, id) = match e.actor {
        Actor::PortalUser(id) => ("portal_user", Some(id)),
        Actor::StaffUser(id) => ("staff_user", Some(id)),
        Actor::ApiKey(id) => ("api_key", Some(id)),
        Actor::System => ("system", None),
    };
    let mut data = WebhookEventData {
        organization_id: e.organization_id,
        contractor_id: e.contractor_id,
        document_id: e.document_id,
        actor: WebhookActor {
            actor_type: actor_type.to_owned(),
            id,
        },
        details: e.details.clone().unwrap_or_else(|| json!({})),
        document: None,
        payment: None,
        contractor: None,
    };
    let mut currency = None;
    if let Some(id) = e.document_id
        && let Some(doc) = document::Entity::find_by_id(id)
            .filter(document::Column::OrganizationId.eq(e.organization_id))
            .one(db)
            .await?
        && let Some(c) = Currency::from_code(&doc.currency)
    {
        data.document = Some(WebhookDocument {
            id: doc.id,
            doc_type: doc.doc_type,
            number: Some(doc.number).filter(|n| !n.is_empty() && doc.state != "draft"),
            state: doc.state,
            contractor_id: doc.contractor_id,
            issue_date: doc.issue_date,
            due_date: doc.due_date,
            currency: doc.currency,
            tax_base: c.format(doc.tax_base_minor),
            vat: c.format(doc.vat_minor),
            total: c.format(doc.total_minor),
            paid: doc.paid_minor.map(|m| c.format(m)),
            remaining: doc.remaining_minor.map(|m| c.format(m)),
        });
        currency = Some(c);
    }
    if let Some(payment_id) = data.details.get("payment_id").and_then(Value::as_i64)
        && let Some(c) = currency
        && let Some(p) = payment::Entity::find_by_id(payment_id)
            .filter(payment::Column::OrganizationId.eq(e.organization_id))
            .one(db)
            .await?
    {
        data.payment = Some(WebhookPayment {
            id: p.id,
            document_id: p.document_id,
            amount: c.format(p.amount_minor),
            currency: c.code().to_owned(),
            paid_on: p.paid_on,
            method: p.method,
            reference: p.reference,
        });
    }
    // Amounts are decimal strings, in `payment`; the trail's minor units are not repeated.
    if let Some(details) = data.details.as_object_mut() {
        details.remove("amount_minor");
    }
    if (e.kind.starts_with("contractor_") || e.kind == "company_data_changed")
        && let Some(id) = e.contractor_id
        && let Some(c) = contractor::Entity::find_by_id(id)
            .filter(contractor::Column::OrganizationId.eq(e.organization_id))
            .one(db)
            .await?
    {
        data.contractor = Some(WebhookContractor {
            id: c.id,
            name: c.name,
            kind: c.kind,
            tax_id: c.tax_id,
            vat_number: c.vat_number,
            street: c.street,
            city: c.city,
            postal_code: c.postal_code,
            country: c.country,
            email: c.email,
            phone: c.phone,
            locale: c.locale,
            portal_access: c.portal_access,
        });
    }
    Ok(data)
}

/// One delivery a worker holds.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery.
    pub id: i64,
    /// Its organisation.
    pub organization_id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// The message's `webhook-id`.
    pub msg_id: String,
    /// The exact body to send.
    pub payload: String,
    /// Where to.
    pub url: String,
    /// The sealed secret.
    pub secret: Vec<u8>,
    /// The sealed previous secret, while it still signs.
    pub previous_secret: Option<Vec<u8>>,
}

/// Claims the oldest due delivery to an enabled endpoint, if any, for [`LEASE`].
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, StoreError> {
    let lock = match db.get_database_backend() {
        DbBackend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
        _ => "",
    };
    let sql = format!(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $2
         WHERE id = (SELECT d.id FROM webhook_deliveries d
                     JOIN webhook_endpoints e ON e.id = d.endpoint_id
                     WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND e.status = 'enabled'
                     ORDER BY d.next_attempt_at, d.id LIMIT 1{lock})
         RETURNING id, organization_id, endpoint_id, message_id, attempts"
    );
    let Some(row) = db
        .query_one_raw(stmt(db, &sql, vec![now.into(), (now + LEASE).into()]))
        .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("", "id")?;
    let message_id: i64 = row.try_get("", "message_id")?;
    let endpoint_id: i64 = row.try_get("", "endpoint_id")?;
    let found = db
        .query_one_raw(stmt(
            db,
            "SELECT m.msg_id, m.payload, e.url, e.secret, e.previous_secret, e.previous_secret_until
             FROM webhook_messages m, webhook_endpoints e WHERE m.id = $1 AND e.id = $2",
            vec![message_id.into(), endpoint_id.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::internal("a claimed delivery lost its message"))?;
    let until: Option<DateTime<Utc>> = found.try_get("", "previous_secret_until")?;
    let previous: Option<Vec<u8>> = found.try_get("", "previous_secret")?;
    Ok(Some(Claimed {
        id,
        organization_id: row.try_get("", "organization_id")?,
        endpoint_id,
        attempts: row.try_get("", "attempts")?,
        msg_id: found.try_get("", "msg_id")?,
        payload: found.try_get("", "payload")?,
        url: found.try_get("", "url")?,
        secret: found.try_get("", "secret")?,
        previous_secret: previous.filter(|_| until.is_some_and(|u| u > now)),
    }))
}

/// What one attempt came to.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: i64,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// The start of its answer (at most 2 KiB).
    pub body: Option<String>,
    /// Why it failed, when it did not get a 2xx.
    pub error: Option<String>,
}

/// Where a delivery stands after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Accepted by the receiver.
    Succeeded,
    /// Tried again at this instant.
    RetryAt(DateTime<Utc>),
    /// Given up.
    Failed,
}

/// Logs an attempt and moves its delivery on, in one transaction; an endpoint's
/// `failing_since` is cleared by a success and set by its first failure after one. Answers
/// when the endpoint began failing (none after a success).
pub async fn finish(
    db: &impl ConnectionTrait,
    claimed: &Claimed,
    attempt: &Attempt,
    next: Next,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    db.execute_raw(stmt(
        db,
        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms,
             response_status, response_body, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            claimed.id.into(),
            claimed.attempts.into(),
            attempt.started_at.into(),
            i32::try_from(attempt.duration_ms)
                .unwrap_or(i32::MAX)
                .into(),
            attempt.status.map(i32::from).into(),
            attempt.body.clone().into(),
            attempt.error.clone().into(),
        ],
    ))
    .await?;
    let (status, next_at, delivered) = match next {
        Next::Succeeded => ("succeeded", now, Some(now)),
        Next::RetryAt(at) => ("pending", at, None),
        Next::Failed => ("failed", now, None),
    };
    db.execute_raw(stmt(
        db,
        "UPDATE webhook_deliveries SET status = $2, next_attempt_at = $3, last_status = $4,
             last_error = $5, delivered_at = $6
         WHERE id = $1",
        vec![
            claimed.id.into(),
            status.into(),
            next_at.into(),
            attempt.status.map(i32::from).into(),
            attempt.error.clone().into(),
            delivered.into(),
        ],
    ))
    .await?;
    if next == Next::Succeeded {
        db.execute_raw(stmt(
            db,
            "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1",
            vec![claimed.endpoint_id.into()],
        ))
        .await?;
        return Ok(None);
    }
    let row = db
        .query_one_raw(stmt(
            db,
            "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2)
             WHERE id = $1 RETURNING failing_since",
            vec![claimed.endpoint_id.into(), now.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "failing_since")?,
        None => None,
    })
}

/// Disables an endpoint (its deliveries wait until it is enabled again); answers whether it
/// was enabled.
pub async fn disable(
    db: &impl ConnectionTrait,
    endpoint_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = db
        .execute_raw(stmt(
            db,
            "UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $2, updated_at = $3
             WHERE id = $1 AND status = 'enabled'",
            vec![endpoint_id.into(), reason.into(), now.into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

const DELIVERY_COLUMNS: &str = "d.id, d.endpoint_id, d.message_id, m.msg_id, m.event_type, \
     d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.delivered_at, \
     d.created_at";

fn delivery_of(row: &sea_orm::QueryResult) -> Result<(i64, WebhookDelivery), StoreError> {
    let status: String = row.try_get("", "status")?;
    let next: DateTime<Utc> = row.try_get("", "next_attempt_at")?;
    Ok((
        row.try_get("", "message_id")?,
        WebhookDelivery {
            id: row.try_get("", "id")?,
            endpoint_id: row.try_get("", "endpoint_id")?,
            message_id: row.try_get("", "msg_id")?,
            event_type: row.try_get("", "event_type")?,
            next_attempt_at: (status == "pending").then_some(next),
            status,
            attempts: row.try_get("", "attempts")?,
            last_status: row.try_get("", "last_status")?,
            last_error: row.try_get("", "last_error")?,
            delivered_at: row.try_get("", "delivered_at")?,
            created_at: row.try_get("", "created_at")?,
        },
    ))
}

/// One page of an endpoint's deliveries, newest first, and how many there are.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    organization_id: i64,
    endpoint_id: i64,
    limit: u64,
    offset: u64,
) -> Result<(Vec<WebhookDelivery>, u64), StoreError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
                 JOIN webhook_messages m ON m.id = d.message_id
                 WHERE d.organization_id = $1 AND d.endpoint_id = $2
                 ORDER BY d.id DESC LIMIT $3 OFFSET $4"
            ),
            vec![
                organization_id.into(),
                endpoint_id.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ],
        ))
        .await?;
    let items = rows
        .iter()
        .map(|r| delivery_of(r).map(|(_, d)| d))
        .collect::<Result<Vec<_>, _>>()?;
    let total: i64 = db
        .query_one_raw(stmt(
            db,
            "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE organization_id = $1 AND endpoint_id = $2",
            vec![organization_id.into(), endpoint_id.into()],
        ))
        .await?
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok((items, u64::try_from(total).unwrap_or(0)))
}

/// One delivery of an endpoint with its message's id (`webhook_messages.id`) and body.
pub async fn delivery(
    db: &impl ConnectionTrait,
    organization_id: i64,
    endpoint_id: i64,
    delivery_id: i64,
) -> Result<Option<(i64, WebhookDelivery, String)>, StoreError> {
    let row = db
        .query_one_raw(stmt(
            db,
            &format!(
                "SELECT {DELIVERY_COLUMNS}, m.payload FROM webhook_deliveries d
                 JOIN webhook_messages m ON m.id = d.message_id
                 WHERE d.organization_id = $1 AND d.endpoint_id = $2 AND d.id = $3"
            ),
            vec![
                organization_id.into(),
                endpoint_id.into(),
                delivery_id.into(),
            ],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (message_id, delivery) = delivery_of(&row)?;
    Ok(Some((message_id, delivery, row.try_get("", "payload")?)))
}

/// A delivery's attempts, oldest first.
pub async fn attempts(
    db: &impl ConnectionTrait,
    delivery_id: i64,
) -> Result<Vec<WebhookAttempt>, StoreError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT attempt, started_at, duration_ms, response_status, response_body, error
             FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id",
            vec![delivery_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(WebhookAttempt {
                attempt: r.try_get("", "attempt")?,
                started_at: r.try_get("", "started_at")?,
                duration_ms: r.try_get::<i32>("", "duration_ms").map(i64::from)?,
                response_status: r.try_get("", "response_status")?,
                response_body: r.try_get("", "response_body")?,
                error: r.try_get("", "error")?,
            })
        })
        .collect()
}

/// Queues a message again for one endpoint (a resend: the same `webhook-id`, a new
/// delivery with attempts of its own); answers the new delivery's id.
pub async fn redeliver(
    db: &impl ConnectionTrait,
    organization_id: i64,
    endpoint_id: i64,
    message_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let row = db
        .query_one_raw(stmt(
            db,
            "INSERT INTO webhook_deliveries (organization_id, message_id, endpoint_id, status,
                 attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, 'pending', 0, $4, $4) RETURNING id",
            vec![
                organization_id.into(),
                message_id.into(),
                endpoint_id.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or_else(|| StoreError::internal("the delivery insert returned no id"))?;
    Ok(row.try_get("", "id")?)
}
