//! The audit trail: what happened, who did it, when and from where.

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::entities::event;
use crate::error::StoreError;
use crate::sessions::ClientInfo;

/// Who did something.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    /// A customer's portal user.
    PortalUser(i64),
    /// A staff user.
    StaffUser(i64),
    /// An integrator's API key (`api_keys.id`).
    ApiKey(i64),
    /// The system itself.
    System,
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// Organisation the event belongs to.
    pub organization_id: i64,
    /// The customer concerned, if any.
    pub contractor_id: Option<i64>,
    /// The document concerned, if any.
    pub document_id: Option<i64>,
    /// Who did it.
    pub actor: Actor,
    /// What happened: `logged_in`, `login_failed`, `logged_out`, `viewed`, `downloaded`, …
    pub kind: &'static str,
    /// Where from.
    pub client: &'a ClientInfo,
    /// Extra facts as JSON.
    pub details: Option<serde_json::Value>,
}

/// Appends an event, and publishes it to the organisation's webhook endpoints that
/// subscribe to it (in the same transaction, so the message exists exactly when the change
/// does).
pub async fn record(db: &impl ConnectionTrait, e: NewEvent<'_>) -> Result<(), StoreError> {
    crate::webhooks::publish_event(db, &e).await?;
    model(e).insert(db).await?;
    Ok(())
}

/// Appends events, a thousand to a statement (an import's).
pub async fn record_all(
    db: &impl ConnectionTrait,
    events: Vec<NewEvent<'_>>,
) -> Result<(), StoreError> {
    // One look per organisation for endpoints at all: an import without any writes no more.
    let mut orgs: Vec<i64> = events.iter().map(|e| e.organization_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    for org in orgs {
        if crate::webhooks::has_endpoints(db, org).await? {
            for e in events.iter().filter(|e| e.organization_id == org) {
                crate::webhooks::publish_event(db, e).await?;
            }
        }
    }
    let mut models = events.into_iter().map(model).peekable();
    while models.peek().is_some() {
        let chunk: Vec<event::ActiveModel> = models.by_ref().take(1000).collect();
        event::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

fn model(e: NewEvent<'_>) -> event::ActiveModel {
    let (actor_type, actor_id) = match e.actor {
        Actor::PortalUser(id) => ("portal_user", Some(id)),
        Actor::StaffUser(id) => ("staff_user", Some(id)),
        Actor::ApiKey(id) => ("api_key", Some(id)),
        Actor::System => ("system", None),
    };
    event::ActiveModel {
        organization_id: Set(e.organization_id),
        contractor_id: Set(e.contractor_id),
        document_id: Set(e.document_id),
        actor_type: Set(actor_type.to_string()),
        actor_id: Set(actor_id),
        kind: Set(e.kind.to_string()),
        ip: Set(e.client.ip.clone()),
        user_agent: Set(e.client.user_agent.clone()),
        details: Set(e.details.map(|d| d.to_string())),
        created_at: Set(crate::now()),
        ..Default::default()
    }
}

/// A signed-in portal user, as the audit trail records what it does.
#[derive(Debug, Clone, Copy)]
pub struct PortalActor<'a> {
    /// The user's organisation.
    pub organization_id: i64,
    /// The customer it acts for.
    pub contractor_id: i64,
    /// The portal user.
    pub portal_user_id: i64,
    /// Where the request came from.
    pub client: &'a ClientInfo,
}

/// Records something a signed-in portal user did, in the user's organisation and customer.
pub async fn record_portal(
    db: &impl ConnectionTrait,
    actor: PortalActor<'_>,
    kind: &'static str,
    document_id: Option<i64>,
    details: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    record(
        db,
        NewEvent {
            organization_id: actor.organization_id,
            contractor_id: Some(actor.contractor_id),
            document_id,
            actor: Actor::PortalUser(actor.portal_user_id),
            kind,
            client: actor.client,
            details,
        },
    )
    .await
}
