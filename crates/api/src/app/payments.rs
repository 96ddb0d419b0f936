//! Payments recorded by hand: exactly once per `Idempotency-Key`, never more than what
//! remains, paid and remaining kept in step with the payments in the same transaction.

use portal_domain::access::Permission;
use portal_domain::money::parse_minor;
use portal_store::entities::payment;
use portal_store::events::{self, NewEvent};
use portal_store::idempotency::{self, Claim};
use portal_store::issuer::documents as stored;
use portal_store::portal::exponent;
use portal_types::{NewPayment, Payment};
use sea_orm::{ActiveModelTrait, ConnectionTrait, ModelTrait, Set};
use sha2::{Digest, Sha256};

use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::state::AppState;

/// The payment as the API shows it.
pub fn view(p: &payment::Model, currency: &str) -> Payment {
    Payment {
        id: p.id,
        document_id: p.document_id,
        amount: portal_domain::money::format_minor(p.amount_minor, exponent(currency)),
        date: p.paid_on,
        method: p.method.clone(),
        reference: p.reference.clone(),
        recorded_by_staff_id: p.created_by_staff_id,
        created_at: p.created_at,
    }
}

/// An `Idempotency-Key` header's value: 1–255 visible ASCII characters.
pub fn idempotency_key(value: &str) -> Result<String, ApiError> {
    if (1..=255).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(value.to_string())
    } else {
        Err(ApiError::field(
            "Idempotency-Key",
            "invalid_value",
            "1–255 visible ASCII characters",
        ))
    }
}

/// What recording a payment answered: a new payment (201) or the replay of the first answer
/// to the same key.
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
}

/// Records a payment on a document. With a key: the same key and body replay the first
/// answer and record nothing; the same key with another body is refused.
pub async fn record(
    state: &AppState,
    session: &IssuerSession,
    document_id: i64,
    key: Option<String>,
    input: NewPayment,
) -> Result<Answer, ApiError> {
    session.require(Permission::ManagePayments)?;
    let scope = session.scope();
    let operation = format!("payment:{document_id}");
    let fingerprint = {
        let canonical = serde_json::to_vec(&input).map_err(ApiError::internal)?;
        let mut hash = Sha256::new();
        hash.update(operation.as_bytes());
        hash.update([0]);
        hash.update(canonical);
        hash.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    if let Some(key) = &key {
        match idempotency::claim(
            &txn,
            scope.organization_id(),
            key,
            &operation,
            &fingerprint,
            now,
        )
        .await?
        {
            Claim::New => {}
            Claim::Used {
                request_hash,
                status,
                body,
                ..
            } if request_hash == fingerprint => return Ok(Answer { status, body }),
            Claim::Used { .. } => {
                return Err(ApiError::field(
                    "Idempotency-Key",
                    "idempotency_key_reused",
                    "this key was used for another request; use a new key for a new payment",
                ));
            }
        }
    }
    let doc = stored::find(&txn, scope, document_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if doc.paid_minor.is_none() {
        return Err(ApiError::Conflict {
            code: "not_payable",
            detail: format!("a document of type {} is not paid", doc.doc_type),
        });
    }
    if matches!(doc.state.as_str(), "draft" | "cancelled") {
        return Err(ApiError::Conflict {
            code: "not_payable",
            detail: format!("a {} document is not paid", doc.state),
        });
    }
    let amount = match parse_minor(&input.amount, exponent(&doc.currency)) {
        Ok(a) if a > 0 => a,
        Ok(_) => {
            return Err(ApiError::field(
                "amount",
                "not_positive",
                "the amount must be more than 0",
            ));
        }
        Err(e) => {
            return Err(ApiError::field(
                "amount",
                e.code(),
                format!("not an amount in {} ({e})", doc.currency),
            ));
        }
    };
    let reference = match input.reference.as_deref() {
        Some(r) => portal_domain::fields::optional_text("reference", r, 200)
            .map_err(|e| ApiError::Validation(vec![e]))?,
        None => None,
    };
    // A credit note owes the customer: what is recorded on it is a refund, taken off.
    let signed = if doc.remaining_minor.is_some_and(|r| r < 0) || doc.total_minor < 0 {
        -amount
    } else {
        amount
    };
    if !stored::add_paid(&txn, doc.id, signed, now).await? {
        let remaining = doc.remaining_minor.unwrap_or(0).abs();
        return Err(ApiError::field(
            "amount",
            "exceeds_remaining",
            format!(
                "the amount is more than what remains ({} {})",
                portal_domain::money::format_minor(remaining, exponent(&doc.currency)),
                doc.currency
            ),
        ));
    }
    let saved = payment::ActiveModel {
        organization_id: Set(scope.organization_id()),
        document_id: Set(doc.id),
        amount_minor: Set(signed),
        paid_on: Set(input.date.unwrap_or_else(|| now.date_naive())),
        method: Set(input.method.as_str().to_string()),
        provider_reference: Set(None),
        idempotency_key: Set(key.clone()),
        reference: Set(reference),
        created_by_staff_id: Set(session.staff_user_id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let body = serde_json::to_string(&view(&saved, &doc.currency)).map_err(ApiError::internal)?;
    event(
        &txn,
        session,
        doc.contractor_id,
        doc.id,
        "payment_recorded",
        &saved,
    )
    .await?;
    if let Some(key) = &key {
        idempotency::complete(&txn, scope.organization_id(), key, 201, &body).await?;
    }
    txn.commit().await?;
    Ok(Answer { status: 201, body })
}

/// Removes a wrongly recorded payment; what was paid and what remains change back.
pub async fn delete(state: &AppState, session: &IssuerSession, id: i64) -> Result<(), ApiError> {
    session.require(Permission::ManagePayments)?;
    let scope = session.scope();
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let found = stored::find_payment(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let doc = stored::find(&txn, scope, found.document_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    stored::remove_paid(&txn, doc.id, found.amount_minor, now).await?;
    event(
        &txn,
        session,
        doc.contractor_id,
        doc.id,
        "payment_deleted",
        &found,
    )
    .await?;
    found.delete(&txn).await?;
    txn.commit().await?;
    Ok(())
}

async fn event(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    contractor_id: i64,
    document_id: i64,
    kind: &'static str,
    p: &payment::Model,
) -> Result<(), ApiError> {
    events::record(
        db,
        NewEvent {
            organization_id: session.organization_id,
            contractor_id: Some(contractor_id),
            document_id: Some(document_id),
            actor: session.actor(),
            kind,
            client: &session.client,
            details: Some(serde_json::json!({
                "payment_id": p.id,
                "amount_minor": p.amount_minor,
                "method": p.method,
            })),
        },
    )
    .await?;
    Ok(())
}
