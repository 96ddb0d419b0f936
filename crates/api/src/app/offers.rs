//! A customer's decision on an offer, and the issuer turning an accepted offer into a draft.
//!
//! The customer accepts or rejects an open offer in the portal, with a reason if it likes
//! (plain text, up to 2,000 characters; on a rejection required when the organisation says so). The decision is one conditional update: of
//! concurrent decisions exactly one is recorded, and every later one is a 409. An offer past
//! its validity date (its due date is the last day) cannot be decided: it is marked expired.
//! The decision, its event and the mail to the customer's salesperson (else the owners and
//! admins) are written in one transaction.

use chrono::Days;
use portal_domain::access::Permission;
use portal_domain::fields;
use portal_domain::locale::Locale;
use portal_store::entities::{contractor, document, portal_user};
use portal_store::events;
use portal_store::issuer::documents::{self as stored};
use portal_store::issuer::staff;
use portal_store::outbox;
use portal_store::portal::{self, Decision};
use portal_types::{DecisionRequest, DocumentType};
use sea_orm::EntityTrait;

use super::links;
use crate::auth::{IssuerSession, PortalSession};
use crate::error::ApiError;
use crate::mail::templates;
use crate::state::AppState;

/// The longest reason, in characters.
pub const MAX_REASON: usize = 2000;

/// Records the customer's decision on offer `id`; the caller answers with the document.
pub async fn decide(
    state: &AppState,
    session: &PortalSession,
    id: i64,
    decision: Decision,
    input: DecisionRequest,
) -> Result<(), ApiError> {
    let scope = session.scope();
    if !scope.organization.portal_allow_offer_decisions {
        return Err(ApiError::Forbidden {
            code: "decisions_not_allowed",
            detail: "the issuer does not take decisions on offers in the portal",
        });
    }
    let reason =
        fields::optional_paragraphs("reason", input.reason.as_deref().unwrap_or(""), MAX_REASON)
            .map_err(|e| ApiError::Validation(vec![e]))?;
    let now = portal_store::now();
    let today = now.date_naive();
    let txn = portal_store::begin_write(&state.db).await?;
    let doc = portal::find_visible(&txn, &scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if doc.doc_type != DocumentType::Offer.as_str() {
        return Err(ApiError::Conflict {
            code: "not_an_offer",
            detail: "only an offer is accepted or rejected".to_string(),
        });
    }
    // A reason the issuer asks for is asked for only while the offer is open to a decision.
    if reason.is_none()
        && decision == Decision::Reject
        && scope.organization.portal_rejection_reason_required
    {
        if doc.state != "issued" || doc.due_date.is_some_and(|d| d < today) {
            return Err(refusal(state, doc, today, now, txn).await);
        }
        return Err(ApiError::field(
            "reason",
            "required",
            "say why the offer is rejected",
        ));
    }
    let user = portal_user::Entity::find_by_id(session.portal_user_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let person = super::comments::person(&user);
    if !portal::decide_offer(
        &txn,
        doc.id,
        decision,
        user.id,
        &person,
        reason.as_deref(),
        today,
        now,
    )
    .await?
    {
        return Err(refusal(state, doc, today, now, txn).await);
    }
    let kind = match decision {
        Decision::Accept => "offer_accepted",
        Decision::Reject => "offer_rejected",
    };
    events::record_portal(
        &txn,
        session.actor(),
        kind,
        Some(doc.id),
        reason.as_ref().map(|r| serde_json::json!({ "reason": r })),
    )
    .await?;
    let customer = contractor::Entity::find_by_id(doc.contractor_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let org = &scope.organization;
    let locale = Locale::parse(&org.default_locale).unwrap_or(Locale::En);
    let link = links::admin(&state.settings, &format!("/documents/{}", doc.id));
    let issuer = portal_store::issuer::IssuerScope::new(org.id);
    for member in staff::responsible_for(&txn, issuer, customer.salesperson_id).await? {
        let words = templates::offer_decided(
            locale,
            &org.legal_name,
            Some(&member.name),
            &customer.name,
            &person,
            &doc.number,
            decision == Decision::Accept,
            reason.as_deref(),
        );
        let mail = templates::compose(locale, &member.email, Some(&member.name), words, &link);
        outbox::enqueue_email(&txn, Some(org.id), &mail, now).await?;
    }
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// Why a decision was not recorded: the offer was decided, cancelled or expired before, or its
/// validity has just ended (then it is marked expired, in its own transaction).
async fn refusal(
    state: &AppState,
    doc: document::Model,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    txn: sea_orm::DatabaseTransaction,
) -> ApiError {
    // Read again: a concurrent decision may have changed it since it was found.
    let current = match document::Entity::find_by_id(doc.id).one(&txn).await {
        Ok(Some(current)) => current,
        Ok(None) => return ApiError::NotFound,
        Err(e) => return e.into(),
    };
    drop(txn);
    let expired = || ApiError::Conflict {
        code: "offer_expired",
        detail: "the offer's validity has ended; ask for a new one".to_string(),
    };
    match current.state.as_str() {
        "accepted" | "rejected" => ApiError::Conflict {
            code: "already_decided",
            detail: format!("the offer was {} already", current.state),
        },
        "expired" => expired(),
        "issued" if current.due_date.is_some_and(|d| d < today) => {
            match portal::expire_offer(&state.db, current.id, today, now).await {
                Ok(_) => expired(),
                Err(e) => e.into(),
            }
        }
        _ => ApiError::Conflict {
            code: "not_open",
            detail: "the offer is not open for a decision".to_string(),
        },
    }
}

/// Drafts an invoice or order confirmation from an accepted offer: the same customer, currency,
/// lines and notes, dated today; an invoice's due date from the customer's payment terms.
pub async fn convert(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    into: DocumentType,
) -> Result<document::Model, ApiError> {
    session.require(Permission::ManageDocuments)?;
    if !matches!(
        into,
        DocumentType::Invoice | DocumentType::OrderConfirmation
    ) {
        return Err(ApiError::field(
            "type",
            "invalid_value",
            "an offer becomes an `invoice` or an `order_confirmation`",
        ));
    }
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let offer = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if offer.doc_type != DocumentType::Offer.as_str() || offer.state != "accepted" {
        return Err(ApiError::Conflict {
            code: "not_accepted",
            detail: "only an offer the customer accepted is converted".to_string(),
        });
    }
    let mut content = stored::content_of(&offer, &stored::lines(&txn, offer.id).await?)?;
    let customer = portal_store::issuer::contractors::find(&txn, scope, offer.contractor_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    content.doc_type = into;
    content.issue_date = chrono::Utc::now().date_naive();
    content.due_date = (into == DocumentType::Invoice)
        .then(|| {
            let days = customer
                .payment_terms_days
                .or(session.organization.default_payment_terms_days)?;
            content
                .issue_date
                .checked_add_days(Days::new(u64::try_from(days).ok()?))
        })
        .flatten();
    content.related_document_id = None;
    let draft = stored::insert_draft(&txn, scope, &content, portal_store::now()).await?;
    for (doc, details) in [
        (&draft, serde_json::json!({ "from_offer": offer.id })),
        (
            &offer,
            serde_json::json!({ "into": draft.id, "type": into.as_str() }),
        ),
    ] {
        events::record(
            &txn,
            events::NewEvent {
                organization_id: session.organization_id,
                contractor_id: Some(doc.contractor_id),
                document_id: Some(doc.id),
                actor: session.actor(),
                kind: if doc.id == draft.id {
                    "document_created"
                } else {
                    "offer_converted"
                },
                client: &session.client,
                details: Some(details),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(draft)
}
