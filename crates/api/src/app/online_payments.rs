//! Paying online through Stripe Checkout.
//!
//! A "Pay" in the portal becomes a payment attempt (stored before Stripe is called, its public
//! id the Idempotency-Key) and a Checkout Session. Money is recorded by one function,
//! [`settle_in`], whichever way the news arrives — a signed webhook, the customer's return to
//! the portal, or the reconciliation of attempts left open — and it flips the attempt from open
//! to succeeded with a conditional update before writing anything, in the same transaction as
//! the payments: a replayed, duplicated or racing notice records nothing more.

use chrono::{DateTime, Utc};
use portal_domain::money::{format_minor, parse_minor};
use portal_store::entities::{
    contractor, document, payment, payment_attempt, payment_attempt_document, payment_setting,
    provider_event,
};
use portal_store::events::{self, Actor, NewEvent};
use portal_store::issuer::documents as stored;
use portal_store::portal::exponent;
use portal_store::sessions::ClientInfo;
use portal_types::{
    AttemptDocument, AttemptStatus, CheckoutRequest, CheckoutStarted, OnlineFor, PaymentAttempt,
    PaymentSettings, PaymentSettingsUpdate, StripeConnection,
};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::auth::{IssuerSession, PortalSession};
use crate::error::ApiError;
use crate::secrets;
use crate::state::AppState;
use crate::stripe::{self, Session};
use portal_domain::access::Permission;

/// The most documents one payment may settle.
pub const MAX_DOCUMENTS: usize = 50;

/// How long a Checkout Session takes payments (Stripe allows 30 minutes to 24 hours).
const SESSION_LIFETIME_SECS: i64 = 60 * 60;

/// The organisation's Stripe secrets, opened.
pub struct StripeKeys {
    /// `sk_…` / `rk_…`.
    pub secret_key: String,
    /// `whsec_…`.
    pub webhook_secret: String,
}

fn purpose(organization_id: i64, field: &str) -> String {
    format!("org:{organization_id}:{field}")
}

/// What payments the bank has yet to confirm pay of a document, in minor units (`None`: none):
/// its shares of attempts that are `processing`, in one query.
pub async fn processing_share(
    db: &impl ConnectionTrait,
    document_id: i64,
) -> Result<Option<i64>, ApiError> {
    let processing = sea_orm::sea_query::Query::select()
        .column(payment_attempt::Column::Id)
        .from(payment_attempt::Entity)
        .and_where(payment_attempt::Column::Status.eq("processing"))
        .to_owned();
    let total: i64 = payment_attempt_document::Entity::find()
        .filter(payment_attempt_document::Column::DocumentId.eq(document_id))
        .filter(payment_attempt_document::Column::AttemptId.in_subquery(processing))
        .all(db)
        .await?
        .iter()
        .map(|s| s.amount_minor)
        .sum();
    Ok((total > 0).then_some(total))
}

/// The stored settings row, if any.
pub async fn settings_row(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Option<payment_setting::Model>, ApiError> {
    Ok(payment_setting::Entity::find_by_id(organization_id)
        .one(db)
        .await?)
}

/// Opens the stored keys; `None` when Stripe is not set up.
pub fn keys_of(
    state: &AppState,
    row: &payment_setting::Model,
) -> Result<Option<StripeKeys>, ApiError> {
    let (Some(key), Some(hook)) = (&row.stripe_secret_key, &row.stripe_webhook_secret) else {
        return Ok(None);
    };
    let k = &state.settings.secrets_key;
    let open = |field: &str, sealed: &[u8]| {
        secrets::open(k, &purpose(row.organization_id, field), sealed).map_err(ApiError::internal)
    };
    Ok(Some(StripeKeys {
        secret_key: open("stripe_secret_key", key)?,
        webhook_secret: open("stripe_webhook_secret", hook)?,
    }))
}

/// Where Stripe should send the organisation's events.
pub fn webhook_url(state: &AppState, organization_id: i64) -> String {
    format!(
        "{}/api/v1/payments/stripe/webhook/{organization_id}",
        state.settings.mail.public_url
    )
}

/// The settings as the API shows them (never the secrets).
pub fn view(
    state: &AppState,
    organization_id: i64,
    row: Option<&payment_setting::Model>,
) -> PaymentSettings {
    let hint = row.and_then(|r| r.stripe_key_hint.clone());
    PaymentSettings {
        stripe: StripeConnection {
            configured: row.is_some_and(|r| {
                r.stripe_secret_key.is_some() && r.stripe_webhook_secret.is_some()
            }),
            test_mode: hint.as_deref().is_some_and(|h| h.contains("_test_")),
            key_hint: hint,
            webhook_url: webhook_url(state, organization_id),
        },
        allow_partial: row.is_some_and(|r| r.allow_partial),
        partial_minimum: row.map_or(0, |r| r.partial_minimum),
        online_for: match row.map(|r| r.online_for.as_str()) {
            Some("selected") => OnlineFor::Selected,
            _ => OnlineFor::All,
        },
    }
}

fn key_hint(key: &str) -> String {
    let prefix_end = key
        .match_indices('_')
        .nth(1)
        .map_or(3, |(i, _)| i + 1)
        .min(key.len());
    let tail = &key[key.len().saturating_sub(4)..];
    format!("{}…{tail}", &key[..prefix_end])
}

fn valid_token(text: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| {
        text.strip_prefix(p)
            .is_some_and(|rest| rest.len() >= 8 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
    }) && text.len() <= 255
}

/// Changes the online payment settings (owner, admin). The secrets are sealed before they are
/// stored, and never shown again.
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    input: PaymentSettingsUpdate,
) -> Result<PaymentSettings, ApiError> {
    session.require(Permission::ManageSettings)?;
    let org_id = session.organization_id;
    let mut errors = Vec::new();
    if let Some(key) = &input.stripe_secret_key
        && !valid_token(key, &["sk_test_", "sk_live_", "rk_test_", "rk_live_"])
    {
        errors.push(portal_types::FieldError::new(
            "stripe_secret_key",
            "invalid_format",
            "a Stripe secret key: sk_live_…, sk_test_… or a restricted key rk_…",
        ));
    }
    if let Some(secret) = &input.stripe_webhook_secret
        && !valid_token(secret, &["whsec_"])
    {
        errors.push(portal_types::FieldError::new(
            "stripe_webhook_secret",
            "invalid_format",
            "the endpoint's signing secret from Stripe's dashboard: whsec_…",
        ));
    }
    if let Some(min) = input.partial_minimum
        && !(0..=1_000_000_000).contains(&min)
    {
        errors.push(portal_types::FieldError::new(
            "partial_minimum",
            "out_of_range",
            "whole units from 0 to 1000000000",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let existing = settings_row(&txn, org_id).await?;
    let k = &state.settings.secrets_key;
    let seal = |field: &str, plain: &str| {
        secrets::seal(k, &purpose(org_id, field), plain).map_err(ApiError::internal)
    };
    let has_key = input.stripe_secret_key.is_some()
        || existing
            .as_ref()
            .is_some_and(|r| r.stripe_secret_key.is_some());
    let has_hook = input.stripe_webhook_secret.is_some()
        || existing
            .as_ref()
            .is_some_and(|r| r.stripe_webhook_secret.is_some());
    if has_key != has_hook {
        let missing = if has_key {
            "stripe_webhook_secret"
        } else {
            "stripe_secret_key"
        };
        return Err(ApiError::field(
            missing,
            "required",
            "Stripe needs both the secret key and the webhook signing secret",
        ));
    }
    let mut model: payment_setting::ActiveModel = match &existing {
        Some(row) => row.clone().into(),
        None => payment_setting::ActiveModel {
            organization_id: Set(org_id),
            stripe_secret_key: Set(None),
            stripe_webhook_secret: Set(None),
            stripe_key_hint: Set(None),
            allow_partial: Set(false),
            partial_minimum: Set(0),
            online_for: Set("all".to_string()),
            updated_at: Set(now),
        },
    };
    let mut changed = Vec::new();
    if let Some(key) = &input.stripe_secret_key {
        model.stripe_secret_key = Set(Some(seal("stripe_secret_key", key)?));
        model.stripe_key_hint = Set(Some(key_hint(key)));
        changed.push("stripe_secret_key");
    }
    if let Some(secret) = &input.stripe_webhook_secret {
        model.stripe_webhook_secret = Set(Some(seal("stripe_webhook_secret", secret)?));
        changed.push("stripe_webhook_secret");
    }
    if let Some(v) = input.allow_partial {
        model.allow_partial = Set(v);
        changed.push("allow_partial");
    }
    if let Some(v) = input.partial_minimum {
        model.partial_minimum = Set(v);
        changed.push("partial_minimum");
    }
    if let Some(v) = input.online_for {
        model.online_for = Set(v.as_str().to_string());
        changed.push("online_for");
    }
    model.updated_at = Set(now);
    let saved = if existing.is_some() {
        model.update(&txn).await?
    } else {
        model.insert(&txn).await?
    };
    if !changed.is_empty() {
        settings_changed(&txn, session, &changed).await?;
    }
    txn.commit().await?;
    Ok(view(state, org_id, Some(&saved)))
}

/// Forgets the Stripe keys (owner, admin): the portal stops offering to pay online. Payments
/// already made stay.
pub async fn disconnect(
    state: &AppState,
    session: &IssuerSession,
) -> Result<PaymentSettings, ApiError> {
    session.require(Permission::ManageSettings)?;
    let org_id = session.organization_id;
    let txn = portal_store::begin_write(&state.db).await?;
    let Some(row) = settings_row(&txn, org_id).await? else {
        return Ok(view(state, org_id, None));
    };
    let mut model: payment_setting::ActiveModel = row.into();
    model.stripe_secret_key = Set(None);
    model.stripe_webhook_secret = Set(None);
    model.stripe_key_hint = Set(None);
    model.updated_at = Set(portal_store::now());
    let saved = model.update(&txn).await?;
    settings_changed(&txn, session, &["stripe_disconnected"]).await?;
    txn.commit().await?;
    Ok(view(state, org_id, Some(&saved)))
}

/// The trail's record of a change of the payment settings (which fields, never their values).
async fn settings_changed(
    txn: &DatabaseTransaction,
    session: &IssuerSession,
    changed: &[&str],
) -> Result<(), ApiError> {
    events::record(
        txn,
        NewEvent {
            organization_id: session.organization_id,
            contractor_id: None,
            document_id: None,
            actor: session.actor(),
            kind: "payment_settings_changed",
            client: &session.client,
            details: Some(serde_json::json!({ "changed": changed })),
        },
    )
    .await?;
    Ok(())
}

/// Asks Stripe whether it takes the stored key (owner, admin): 409 when none is stored, 502
/// naming Stripe's answer when it refuses it or cannot be reached.
pub async fn check_connection(
    state: &AppState,
    session: &IssuerSession,
) -> Result<portal_types::StripeCheck, ApiError> {
    session.require(Permission::ManageSettings)?;
    let keys = match settings_row(&state.db, session.organization_id).await? {
        Some(row) => keys_of(state, &row)?,
        None => None,
    };
    let Some(keys) = keys else {
        return Err(ApiError::Conflict {
            code: "not_configured",
            detail: "no Stripe key is stored".to_string(),
        });
    };
    let client = stripe::Client::new(
        &state.http,
        &state.settings.stripe_api_base,
        &keys.secret_key,
    );
    match client.check_key().await {
        Ok(livemode) => Ok(portal_types::StripeCheck { livemode }),
        Err(stripe::StripeError::Api {
            status, message, ..
        }) => Err(ApiError::Upstream {
            code: "stripe_refused",
            detail: format!("Stripe answered {status}: {message}"),
        }),
        Err(e) => Err(ApiError::Upstream {
            code: "payment_provider_error",
            detail: e.to_string(),
        }),
    }
}

/// May this customer pay online now? (The portal's `pay` action.)
pub async fn online_allowed(
    state: &AppState,
    session: &PortalSession,
) -> Result<Option<(payment_setting::Model, StripeKeys)>, ApiError> {
    if !session.organization.portal_allow_payments {
        return Ok(None);
    }
    let Some(row) = settings_row(&state.db, session.organization_id).await? else {
        return Ok(None);
    };
    let Some(keys) = keys_of(state, &row)? else {
        return Ok(None);
    };
    if row.online_for == "selected" {
        let customer = contractor::Entity::find_by_id(session.contractor_id)
            .one(&state.db)
            .await?;
        if !customer.is_some_and(|c| c.pay_online) {
            return Ok(None);
        }
    }
    Ok(Some((row, keys)))
}

/// An open invoice or debit note: what may be paid online.
fn payable(doc: &document::Model) -> bool {
    matches!(doc.doc_type.as_str(), "invoice" | "debit_note") && super::pdf::owes(doc)
}

fn new_public_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("pa_{hex}")
}

/// Starts paying `input.document_ids` (all of the customer's, open, of one currency): stores
/// the attempt, creates the Checkout Session and answers its page. The amount is computed here
/// from what remains; the browser only may ask for less, where partial payments are allowed.
pub async fn checkout(
    state: &AppState,
    session: &PortalSession,
    input: CheckoutRequest,
) -> Result<CheckoutStarted, ApiError> {
    let Some((config, keys)) = online_allowed(state, session).await? else {
        return Err(ApiError::Forbidden {
            code: "online_payment_disabled",
            detail: "this portal does not take payments online",
        });
    };
    if input.document_ids.is_empty() || input.document_ids.len() > MAX_DOCUMENTS {
        return Err(ApiError::field(
            "document_ids",
            "invalid_length",
            format!("1 to {MAX_DOCUMENTS} documents"),
        ));
    }
    let mut ids = input.document_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != input.document_ids.len() {
        return Err(ApiError::field(
            "document_ids",
            "duplicate",
            "each document at most once",
        ));
    }
    let scope = session.scope();
    let mut docs = Vec::with_capacity(ids.len());
    for (i, id) in input.document_ids.iter().enumerate() {
        let doc = portal_store::portal::find_visible(&state.db, &scope, *id)
            .await?
            .ok_or(ApiError::NotFound)?;
        if !payable(&doc) {
            return Err(ApiError::field(
                format!("document_ids[{i}]"),
                "not_payable",
                format!("{} has nothing open to pay", doc.number),
            ));
        }
        if processing_share(&state.db, doc.id).await?.is_some() {
            return Err(ApiError::field(
                format!("document_ids[{i}]"),
                "payment_processing",
                format!(
                    "a payment of {} is being confirmed by the bank; wait for it",
                    doc.number
                ),
            ));
        }
        docs.push(doc);
    }
    let currency = docs[0].currency.clone();
    if docs.iter().any(|d| d.currency != currency) {
        return Err(ApiError::field(
            "document_ids",
            "mixed_currencies",
            "documents paid together must be in one currency",
        ));
    }
    let exp = exponent(&currency);
    // Oldest due first: a partial payment settles what is most overdue.
    docs.sort_by(|a, b| {
        (a.due_date.is_none(), a.due_date, a.issue_date, a.id).cmp(&(
            b.due_date.is_none(),
            b.due_date,
            b.issue_date,
            b.id,
        ))
    });
    let open: i64 = docs.iter().filter_map(|d| d.remaining_minor).sum();
    let amount = match input.amount.as_deref() {
        None => open,
        Some(text) => {
            let amount = parse_minor(text, exp).map_err(|e| {
                ApiError::field(
                    "amount",
                    e.code(),
                    format!("not an amount in {currency} ({e})"),
                )
            })?;
            if amount <= 0 {
                return Err(ApiError::field("amount", "not_positive", "more than 0"));
            }
            if amount > open {
                return Err(ApiError::field(
                    "amount",
                    "exceeds_remaining",
                    format!(
                        "at most what remains: {} {currency}",
                        format_minor(open, exp)
                    ),
                ));
            }
            if amount < open {
                if !config.allow_partial {
                    return Err(ApiError::field(
                        "amount",
                        "partial_not_allowed",
                        format!("pay what remains: {} {currency}", format_minor(open, exp)),
                    ));
                }
                let minimum = config.partial_minimum.saturating_mul(10i64.pow(exp));
                if amount < minimum {
                    return Err(ApiError::field(
                        "amount",
                        "below_minimum",
                        format!("at least {} {currency}", format_minor(minimum, exp)),
                    ));
                }
            }
            amount
        }
    };
    let charged = stripe::to_stripe(amount, &currency, exp).map_err(|e| {
        ApiError::field("amount", "unpayable_precision", format!("{e}: {currency}"))
    })?;
    // Allocate oldest due first.
    let mut left = amount;
    let mut shares = Vec::new();
    for doc in &docs {
        let share = left.min(doc.remaining_minor.unwrap_or(0));
        if share > 0 {
            shares.push((doc, share));
            left -= share;
        }
    }
    let now = portal_store::now();
    let public_id = new_public_id();
    let expires_at = now + chrono::Duration::seconds(SESSION_LIFETIME_SECS);
    let txn = portal_store::begin_write(&state.db).await?;
    let attempt = payment_attempt::ActiveModel {
        public_id: Set(public_id.clone()),
        organization_id: Set(session.organization_id),
        contractor_id: Set(session.contractor_id),
        portal_user_id: Set(Some(session.portal_user_id)),
        provider: Set("stripe".to_string()),
        currency: Set(currency.clone()),
        amount_minor: Set(amount),
        status: Set("open".to_string()),
        session_id: Set(None),
        checkout_url: Set(None),
        expires_at: Set(Some(expires_at)),
        received_minor: Set(None),
        unallocated_minor: Set(0),
        detail: Set(None),
        created_at: Set(now),
        completed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (position, (doc, share)) in shares.iter().enumerate() {
        payment_attempt_document::ActiveModel {
            attempt_id: Set(attempt.id),
            document_id: Set(doc.id),
            amount_minor: Set(*share),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    events::record_portal(
        &txn,
        session.actor(),
        "payment_started",
        (shares.len() == 1).then(|| shares[0].0.id),
        Some(serde_json::json!({
            "attempt": public_id,
            "amount_minor": amount,
            "currency": currency,
            "documents": shares.iter().map(|(d, _)| d.id).collect::<Vec<_>>(),
        })),
    )
    .await?;
    txn.commit().await?;

    // The Checkout Session. One line per document when each share can be charged as it is;
    // else one line naming them all.
    let slug = &session.organization.slug;
    // Back to the document paid (of several, the one due first: its page shows what became of
    // the whole payment).
    let back = format!("/documents/{}", shares[0].0.id);
    let return_url = crate::app::links::portal(
        &state.settings,
        slug,
        &format!("{back}?payment={public_id}"),
    );
    let lower = currency.to_ascii_lowercase();
    let mut params: Vec<(String, String)> = vec![
        ("mode".into(), "payment".into()),
        ("success_url".into(), return_url.clone()),
        ("cancel_url".into(), format!("{return_url}&cancelled=1")),
        ("client_reference_id".into(), public_id.clone()),
        ("metadata[payment_attempt_id]".into(), public_id.clone()),
        (
            "metadata[organization_id]".into(),
            session.organization_id.to_string(),
        ),
        (
            "payment_intent_data[metadata][payment_attempt_id]".into(),
            public_id.clone(),
        ),
        ("expires_at".into(), expires_at.timestamp().to_string()),
    ];
    let numbers: Vec<&str> = shares.iter().map(|(d, _)| d.number.as_str()).collect();
    params.push((
        "payment_intent_data[description]".into(),
        numbers.join(", "),
    ));
    let per_document: Option<Vec<i64>> = shares
        .iter()
        .map(|(_, share)| stripe::to_stripe(*share, &currency, exp).ok())
        .collect();
    let full = amount == open;
    match per_document {
        Some(units) if full => {
            for (i, ((doc, _), unit)) in shares.iter().zip(units).enumerate() {
                params.extend(line(
                    i,
                    &lower,
                    unit,
                    &format!("{} {}", kind_label(doc), doc.number),
                ));
            }
        }
        _ => params.extend(line(
            0,
            &lower,
            charged,
            &format!("Payment towards {}", numbers.join(", ")),
        )),
    }
    let client = stripe::Client::new(
        &state.http,
        &state.settings.stripe_api_base,
        &keys.secret_key,
    );
    let created = match client.create_session(&public_id, &params).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(attempt = %public_id, error = %e, "Stripe did not create the session");
            // Not failed for good: had Stripe created it after all, its webhook still settles.
            mark(&state.db, attempt.id, "failed", Some(e.to_string())).await?;
            return Err(ApiError::Upstream {
                code: "payment_provider_error",
                detail: "the payment provider could not be reached; try again in a moment".into(),
            });
        }
    };
    let Some(url) = created.url.clone() else {
        mark(
            &state.db,
            attempt.id,
            "failed",
            Some("no checkout url".into()),
        )
        .await?;
        return Err(ApiError::Upstream {
            code: "payment_provider_error",
            detail: "the payment provider answered without a payment page".into(),
        });
    };
    payment_attempt::Entity::update_many()
        .col_expr(
            payment_attempt::Column::SessionId,
            Expr::value(created.id.clone()),
        )
        .col_expr(
            payment_attempt::Column::CheckoutUrl,
            Expr::value(url.clone()),
        )
        .filter(payment_attempt::Column::Id.eq(attempt.id))
        .exec(&state.db)
        .await?;
    supersede(
        state,
        &client,
        &attempt,
        shares.iter().map(|(d, _)| d.id).collect(),
    )
    .await?;
    Ok(CheckoutStarted {
        attempt_id: public_id,
        checkout_url: url,
        amount: format_minor(amount, exp),
        currency,
    })
}

fn kind_label(doc: &document::Model) -> &'static str {
    match doc.doc_type.as_str() {
        "debit_note" => "Debit note",
        _ => "Invoice",
    }
}

fn line(i: usize, currency: &str, unit_amount: i64, name: &str) -> Vec<(String, String)> {
    vec![
        (format!("line_items[{i}][quantity]"), "1".into()),
        (
            format!("line_items[{i}][price_data][currency]"),
            currency.to_string(),
        ),
        (
            format!("line_items[{i}][price_data][unit_amount]"),
            unit_amount.to_string(),
        ),
        (
            format!("line_items[{i}][price_data][product_data][name]"),
            name.chars().take(250).collect(),
        ),
    ]
}

/// Older open attempts on any of `documents` stop taking payments (a second tab, a second
/// click): each Checkout Session is expired at Stripe first, and marked expired only when
/// Stripe confirms — a session paid meanwhile is left for its webhook to settle.
async fn supersede(
    state: &AppState,
    client: &stripe::Client<'_>,
    newer: &payment_attempt::Model,
    documents: Vec<i64>,
) -> Result<(), ApiError> {
    let links = payment_attempt_document::Entity::find()
        .filter(payment_attempt_document::Column::DocumentId.is_in(documents))
        .filter(payment_attempt_document::Column::AttemptId.ne(newer.id))
        .all(&state.db)
        .await?;
    let mut ids: Vec<i64> = links.iter().map(|l| l.attempt_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let older = payment_attempt::Entity::find()
        .filter(payment_attempt::Column::Id.is_in(ids))
        .filter(payment_attempt::Column::OrganizationId.eq(newer.organization_id))
        .filter(payment_attempt::Column::Status.eq("open"))
        .all(&state.db)
        .await?;
    for attempt in older {
        let Some(session_id) = &attempt.session_id else {
            continue;
        };
        match client.expire_session(session_id).await {
            Ok(s) if s.status.as_deref() == Some("expired") => {
                transition(
                    &state.db,
                    attempt.id,
                    &["open"],
                    "expired",
                    Some("replaced by a newer payment".into()),
                )
                .await?;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::info!(attempt = %attempt.public_id, error = %e, "an older session was not expired");
            }
        }
    }
    Ok(())
}

async fn mark(
    db: &impl ConnectionTrait,
    id: i64,
    status: &str,
    detail: Option<String>,
) -> Result<u64, ApiError> {
    transition(db, id, &["open"], status, detail).await
}

/// `from` → `to`, only where the attempt is still in one of `from`; the rows changed.
async fn transition(
    db: &impl ConnectionTrait,
    id: i64,
    from: &[&str],
    to: &str,
    detail: Option<String>,
) -> Result<u64, ApiError> {
    let mut update = payment_attempt::Entity::update_many()
        .col_expr(payment_attempt::Column::Status, Expr::value(to))
        .col_expr(
            payment_attempt::Column::CompletedAt,
            Expr::value(Some(portal_store::now())),
        );
    if let Some(detail) = detail {
        update = update.col_expr(payment_attempt::Column::Detail, Expr::value(detail));
    }
    let done = update
        .filter(payment_attempt::Column::Id.eq(id))
        .filter(payment_attempt::Column::Status.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// What a notice about a session did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The payments were recorded now.
    Fulfilled,
    /// They had been recorded before (a duplicate, a replay, the other path won).
    AlreadySettled,
    /// Paid, but not what was asked: kept for the issuer, nothing recorded.
    Mismatch,
    /// Not paid yet (an asynchronous method is under way).
    Pending,
    /// The payment failed.
    Failed,
    /// The session expired.
    Expired,
    /// A refund made in Stripe, recorded for the issuer to see (payments stay as they are).
    Refunded,
    /// Nothing to do with us (another event type, an unknown attempt).
    Ignored,
}

impl Outcome {
    /// As the webhook's answer names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fulfilled => "fulfilled",
            Outcome::AlreadySettled => "already_settled",
            Outcome::Mismatch => "mismatch",
            Outcome::Pending => "pending",
            Outcome::Failed => "failed",
            Outcome::Expired => "expired",
            Outcome::Refunded => "refunded",
            Outcome::Ignored => "ignored",
        }
    }
}

/// Records the payments of a paid session: the attempt goes from open (or failed or expired: a
/// session Stripe says is paid was paid) to succeeded under a conditional update, and only the
/// caller that made that change writes the payments, in the same transaction. The session's
/// amount and currency must be the attempt's; else the attempt is marked `mismatch` for the
/// issuer and nothing is recorded. A document that meanwhile owes less takes what it owes; the
/// rest stays on the attempt as unallocated, for the issuer.
pub async fn settle_in(
    state: &AppState,
    txn: &DatabaseTransaction,
    attempt: &payment_attempt::Model,
    paid: &Session,
) -> Result<Outcome, ApiError> {
    let exp = exponent(&attempt.currency);
    let received = paid
        .amount_total
        .and_then(|a| stripe::from_stripe(a, &attempt.currency, exp));
    let same_currency = paid
        .currency
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case(&attempt.currency));
    let now = portal_store::now();
    if received != Some(attempt.amount_minor) || !same_currency {
        let detail = format!(
            "Stripe reported {} {} for an attempt of {} {}",
            paid.amount_total
                .map_or("no amount".to_string(), |a| a.to_string()),
            paid.currency.as_deref().unwrap_or("?"),
            format_minor(attempt.amount_minor, exp),
            attempt.currency
        );
        let changed = payment_attempt::Entity::update_many()
            .col_expr(payment_attempt::Column::Status, Expr::value("mismatch"))
            .col_expr(
                payment_attempt::Column::ReceivedMinor,
                Expr::value(received),
            )
            .col_expr(payment_attempt::Column::Detail, Expr::value(detail.clone()))
            .col_expr(payment_attempt::Column::CompletedAt, Expr::value(Some(now)))
            .filter(payment_attempt::Column::Id.eq(attempt.id))
            .filter(payment_attempt::Column::Status.is_in([
                "open",
                "processing",
                "failed",
                "expired",
            ]))
            .exec(txn)
            .await?;
        if changed.rows_affected == 0 {
            return Ok(Outcome::AlreadySettled);
        }
        system_event(
            txn,
            attempt,
            None,
            "payment_mismatch",
            serde_json::json!({
                "attempt": attempt.public_id,
                "session": paid.id,
                "detail": detail,
            }),
        )
        .await?;
        let currency = paid.currency.as_deref().unwrap_or("?").to_ascii_uppercase();
        let reported = match (paid.amount_total, received) {
            (_, Some(minor)) => format!("{} {currency}", format_minor(minor, exp)),
            (Some(units), None) => format!("{units} ({currency})"),
            (None, None) => "?".to_string(),
        };
        let problem = Some(Problem::Mismatch(reported));
        notify(
            state,
            txn,
            attempt,
            &reference_of(paid),
            false,
            problem,
            now,
        )
        .await?;
        return Ok(Outcome::Mismatch);
    }
    let changed = payment_attempt::Entity::update_many()
        .col_expr(payment_attempt::Column::Status, Expr::value("succeeded"))
        .col_expr(
            payment_attempt::Column::ReceivedMinor,
            Expr::value(received),
        )
        .col_expr(payment_attempt::Column::CompletedAt, Expr::value(Some(now)))
        .filter(payment_attempt::Column::Id.eq(attempt.id))
        .filter(payment_attempt::Column::Status.is_in(["open", "processing", "failed", "expired"]))
        .exec(txn)
        .await?;
    if changed.rows_affected == 0 {
        return Ok(Outcome::AlreadySettled);
    }
    let shares = payment_attempt_document::Entity::find()
        .filter(payment_attempt_document::Column::AttemptId.eq(attempt.id))
        .order_by_asc(payment_attempt_document::Column::Position)
        .all(txn)
        .await?;
    let reference = reference_of(paid);
    let mut unallocated = 0;
    for share in shares {
        let Some(doc) = document::Entity::find_by_id(share.document_id)
            .one(txn)
            .await?
        else {
            unallocated += share.amount_minor;
            continue;
        };
        let owes = if payable(&doc) {
            doc.remaining_minor.unwrap_or(0)
        } else {
            0
        };
        let take = share.amount_minor.min(owes);
        unallocated += share.amount_minor - take;
        if take == 0 {
            continue;
        }
        if !stored::add_paid(txn, doc.id, take, now).await? {
            // The bound was read in this transaction; failing it means a concurrent change.
            return Err(ApiError::internal(
                "document changed while settling a payment",
            ));
        }
        let saved = payment::ActiveModel {
            organization_id: Set(attempt.organization_id),
            document_id: Set(doc.id),
            amount_minor: Set(take),
            paid_on: Set(now.date_naive()),
            method: Set("provider".to_string()),
            provider_reference: Set(Some(paid.id.clone())),
            idempotency_key: Set(None),
            reference: Set(Some(format!("Stripe {reference}"))),
            created_by_staff_id: Set(None),
            attempt_id: Set(Some(attempt.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        system_event(
            txn,
            attempt,
            Some(doc.id),
            "payment_recorded",
            serde_json::json!({
                "payment_id": saved.id,
                "amount_minor": take,
                "method": "provider",
                "provider": "stripe",
                "attempt": attempt.public_id,
            }),
        )
        .await?;
    }
    if unallocated > 0 {
        payment_attempt::Entity::update_many()
            .col_expr(
                payment_attempt::Column::UnallocatedMinor,
                Expr::value(unallocated),
            )
            .filter(payment_attempt::Column::Id.eq(attempt.id))
            .exec(txn)
            .await?;
        system_event(
            txn,
            attempt,
            None,
            "payment_unallocated",
            serde_json::json!({
                "attempt": attempt.public_id,
                "amount_minor": unallocated,
            }),
        )
        .await?;
    }
    let problem = (unallocated > 0).then_some(Problem::Unallocated(unallocated));
    notify(state, txn, attempt, &reference, true, problem, now).await?;
    Ok(Outcome::Fulfilled)
}
fn reference_of(paid: &Session) -> String {
    paid.payment_intent
        .clone()
        .unwrap_or_else(|| paid.id.clone())
}

/// What the issuer is told to look at.
enum Problem {
    /// What the provider reported instead, as text.
    Mismatch(String),
    /// Minor units paid beyond what was open.
    Unallocated(i64),
}

/// Queues the mails of a settled attempt in its transaction: a receipt to the customer's user
/// who paid (when recorded and the user has an address), and a notice to the customer's
/// salesperson, else the owners and admins.
async fn notify(
    state: &AppState,
    txn: &DatabaseTransaction,
    attempt: &payment_attempt::Model,
    reference: &str,
    recorded: bool,
    problem: Option<Problem>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use crate::mail::templates::{self, PaymentProblem};
    use portal_domain::format::format_money;
    use portal_domain::locale::Locale;
    use portal_store::entities::{organization, portal_user};
    let Some(org) = organization::Entity::find_by_id(attempt.organization_id)
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let Some(customer) = contractor::Entity::find_by_id(attempt.contractor_id)
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let shares = payment_attempt_document::Entity::find()
        .filter(payment_attempt_document::Column::AttemptId.eq(attempt.id))
        .order_by_asc(payment_attempt_document::Column::Position)
        .all(txn)
        .await?;
    let mut docs = Vec::with_capacity(shares.len());
    for share in &shares {
        if let Some(d) = document::Entity::find_by_id(share.document_id)
            .one(txn)
            .await?
        {
            docs.push(d);
        }
    }
    let exp = exponent(&attempt.currency);
    let numbers = |locale: Locale| {
        docs.iter()
            .map(|d| {
                let kind = portal_types::DocumentType::parse(&d.doc_type)
                    .map_or("", |t| portal_pdf::title(t, locale));
                format!("{kind} {}", d.number).trim().to_string()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let first = docs.first().map(|d| d.id);
    // The receipt.
    if recorded
        && let Some(user_id) = attempt.portal_user_id
        && let Some(user) = portal_user::Entity::find_by_id(user_id).one(txn).await?
        && let Some(email) = user.email.as_deref().filter(|e| !e.is_empty())
    {
        let locale = Locale::parse(&customer.locale).unwrap_or(Locale::En);
        let name = format!("{} {}", user.first_name, user.last_name);
        let amount = format_money(locale, attempt.amount_minor, exp, &attempt.currency);
        let words = templates::payment_receipt(
            locale,
            &org.legal_name,
            Some(name.trim()),
            &amount,
            &numbers(locale),
            reference,
        );
        let path = match (docs.len(), first) {
            (1, Some(id)) => format!("/documents/{id}"),
            _ => "/documents".to_string(),
        };
        let link = super::links::portal(&state.settings, &org.slug, &path);
        let mail = templates::compose(locale, email, Some(name.trim()), words, &link);
        portal_store::outbox::enqueue_email(txn, Some(org.id), &mail, now).await?;
    }
    // The issuer's notice.
    let locale = Locale::parse(&org.default_locale).unwrap_or(Locale::En);
    let amount = format_money(locale, attempt.amount_minor, exp, &attempt.currency);
    let excess = match &problem {
        Some(Problem::Unallocated(minor)) => format_money(locale, *minor, exp, &attempt.currency),
        _ => String::new(),
    };
    let link = super::links::admin(
        &state.settings,
        &first.map_or("/documents".to_string(), |id| format!("/documents/{id}")),
    );
    let issuer = portal_store::issuer::IssuerScope::new(org.id);
    let staff =
        portal_store::issuer::staff::responsible_for(txn, issuer, customer.salesperson_id).await?;
    for member in staff {
        let problem = match &problem {
            Some(Problem::Mismatch(reported)) => Some(PaymentProblem::Mismatch {
                reported,
                asked: &amount,
            }),
            Some(Problem::Unallocated(_)) => Some(PaymentProblem::Unallocated { amount: &excess }),
            None => None,
        };
        let words = templates::payment_received_staff(
            locale,
            &org.legal_name,
            Some(&member.name),
            &customer.name,
            &amount,
            &numbers(locale),
            recorded,
            problem,
        );
        let mail = templates::compose(locale, &member.email, Some(&member.name), words, &link);
        portal_store::outbox::enqueue_email(txn, Some(org.id), &mail, now).await?;
    }
    Ok(())
}

async fn system_event(
    txn: &DatabaseTransaction,
    attempt: &payment_attempt::Model,
    document_id: Option<i64>,
    kind: &'static str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    events::record(
        txn,
        NewEvent {
            organization_id: attempt.organization_id,
            contractor_id: Some(attempt.contractor_id),
            document_id,
            actor: Actor::System,
            kind,
            client: &ClientInfo::default(),
            details: Some(details),
        },
    )
    .await?;
    Ok(())
}

/// Acts on what a session says in the same transaction: paid → settle; expired → expired;
/// failed → failed; else nothing yet.
async fn apply(
    state: &AppState,
    txn: &DatabaseTransaction,
    attempt: &payment_attempt::Model,
    event_type: &str,
    s: &Session,
) -> Result<Outcome, ApiError> {
    let (to, outcome, detail) = match event_type {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" | "session"
            if s.payment_status == "paid" =>
        {
            return settle_in(state, txn, attempt, s).await;
        }
        "checkout.session.async_payment_failed" => {
            ("failed", Outcome::Failed, Some("the payment failed"))
        }
        "checkout.session.expired" => ("expired", Outcome::Expired, None),
        "session" if s.status.as_deref() == Some("expired") => ("expired", Outcome::Expired, None),
        // Paid by a method the bank confirms later: no new payment of it meanwhile.
        "checkout.session.completed" => ("processing", Outcome::Pending, None),
        "session" if s.status.as_deref() == Some("complete") => {
            ("processing", Outcome::Pending, None)
        }
        "session" => return Ok(Outcome::Pending),
        _ => return Ok(Outcome::Ignored),
    };
    let from: &[&str] = if to == "failed" {
        &["open", "processing"]
    } else {
        &["open"]
    };
    let n = transition(txn, attempt.id, from, to, detail.map(str::to_string)).await?;
    if to == "processing" {
        return Ok(Outcome::Pending);
    }
    Ok(if n > 0 {
        outcome
    } else {
        Outcome::AlreadySettled
    })
}

/// `POST /api/v1/payments/stripe/webhook/{organization}`: the signature is checked on the raw
/// bytes before anything is parsed; each event id is acted on once, in the transaction that
/// acts on it.
pub async fn webhook(
    state: &AppState,
    organization_id: i64,
    signature: Option<&str>,
    body: &[u8],
) -> Result<Outcome, ApiError> {
    let Some(row) = settings_row(&state.db, organization_id).await? else {
        return Err(ApiError::NotFound);
    };
    let Some(keys) = keys_of(state, &row)? else {
        return Err(ApiError::NotFound);
    };
    let now = portal_store::now();
    stripe::verify_signature(
        signature.unwrap_or(""),
        body,
        &keys.webhook_secret,
        now.timestamp(),
    )
    .map_err(|e| ApiError::BadRequest {
        code: "invalid_signature",
        detail: e.to_string(),
    })?;
    #[derive(serde::Deserialize)]
    struct Event {
        id: String,
        #[serde(rename = "type")]
        kind: String,
        data: EventData,
    }
    #[derive(serde::Deserialize)]
    struct EventData {
        object: serde_json::Value,
    }
    let event: Event = serde_json::from_slice(body).map_err(|e| ApiError::BadRequest {
        code: "invalid_event",
        detail: format!("not a Stripe event: {e}"),
    })?;
    let txn = portal_store::begin_write(&state.db).await?;
    let mut attempt_id = None;
    let outcome = if event.kind.starts_with("checkout.session.") {
        let session: Session =
            serde_json::from_value(event.data.object).map_err(|e| ApiError::BadRequest {
                code: "invalid_event",
                detail: format!("not a Checkout Session: {e}"),
            })?;
        match find_attempt(&txn, organization_id, &session).await? {
            Some(attempt) => {
                attempt_id = Some(attempt.id);
                apply(state, &txn, &attempt, &event.kind, &session).await?
            }
            None => Outcome::Ignored,
        }
    } else if event.kind == "charge.refunded" {
        let (outcome, attempt) = refunded(&txn, organization_id, &event.data.object).await?;
        attempt_id = attempt;
        outcome
    } else {
        Outcome::Ignored
    };
    let inserted = provider_event::Entity::insert(provider_event::ActiveModel {
        organization_id: Set(organization_id),
        provider: Set("stripe".to_string()),
        event_id: Set(event.id.chars().take(255).collect()),
        event_type: Set(event.kind.chars().take(100).collect()),
        attempt_id: Set(attempt_id),
        outcome: Set(outcome.as_str().to_string()),
        received_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            provider_event::Column::OrganizationId,
            provider_event::Column::Provider,
            provider_event::Column::EventId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        // Seen before: whatever this delivery did is undone.
        txn.rollback().await?;
        return Ok(Outcome::AlreadySettled);
    }
    txn.commit().await?;
    state.outbox.wake();
    Ok(outcome)
}

/// A `charge.refunded` of one of our payments: an event on each document it paid, for the
/// issuer to see and settle (refunds are made and booked by the issuer; nothing changes here).
async fn refunded(
    txn: &DatabaseTransaction,
    organization_id: i64,
    charge: &serde_json::Value,
) -> Result<(Outcome, Option<i64>), ApiError> {
    let Some(intent) = charge["payment_intent"].as_str() else {
        return Ok((Outcome::Ignored, None));
    };
    let paid = payment::Entity::find()
        .filter(payment::Column::OrganizationId.eq(organization_id))
        .filter(payment::Column::Reference.eq(format!("Stripe {intent}")))
        .filter(payment::Column::AttemptId.is_not_null())
        .all(txn)
        .await?;
    let Some(attempt_id) = paid.first().and_then(|p| p.attempt_id) else {
        return Ok((Outcome::Ignored, None));
    };
    let Some(attempt) = payment_attempt::Entity::find_by_id(attempt_id)
        .one(txn)
        .await?
    else {
        return Ok((Outcome::Ignored, None));
    };
    let exp = exponent(&attempt.currency);
    let refunded = charge["amount_refunded"]
        .as_i64()
        .and_then(|a| stripe::from_stripe(a, &attempt.currency, exp));
    for p in &paid {
        system_event(
            txn,
            &attempt,
            Some(p.document_id),
            "payment_refunded",
            serde_json::json!({
                "attempt": attempt.public_id,
                "payment_id": p.id,
                "charge": charge["id"],
                "refunded_minor": refunded,
                "currency": attempt.currency,
            }),
        )
        .await?;
    }
    Ok((Outcome::Refunded, Some(attempt.id)))
}

async fn find_attempt(
    db: &impl ConnectionTrait,
    organization_id: i64,
    session: &Session,
) -> Result<Option<payment_attempt::Model>, ApiError> {
    let by_ref = match session.attempt_public_id() {
        Some(public_id) => {
            payment_attempt::Entity::find()
                .filter(payment_attempt::Column::PublicId.eq(public_id))
                .filter(payment_attempt::Column::OrganizationId.eq(organization_id))
                .one(db)
                .await?
        }
        None => None,
    };
    if by_ref.is_some() {
        return Ok(by_ref);
    }
    Ok(payment_attempt::Entity::find()
        .filter(payment_attempt::Column::SessionId.eq(session.id.clone()))
        .filter(payment_attempt::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?)
}

/// Asks Stripe about an open attempt and acts on the answer through the same path as the
/// webhook (the customer's return, the reconciliation of attempts left open).
pub async fn refresh(
    state: &AppState,
    attempt: &payment_attempt::Model,
) -> Result<Outcome, ApiError> {
    let Some(session_id) = &attempt.session_id else {
        return Ok(Outcome::Ignored);
    };
    let Some(row) = settings_row(&state.db, attempt.organization_id).await? else {
        return Ok(Outcome::Ignored);
    };
    let Some(keys) = keys_of(state, &row)? else {
        return Ok(Outcome::Ignored);
    };
    let client = stripe::Client::new(
        &state.http,
        &state.settings.stripe_api_base,
        &keys.secret_key,
    );
    let session = match client.get_session(session_id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::info!(attempt = %attempt.public_id, error = %e, "could not ask Stripe about a session");
            return Ok(Outcome::Pending);
        }
    };
    if session.id != *session_id {
        return Ok(Outcome::Ignored);
    }
    let txn = portal_store::begin_write(&state.db).await?;
    let outcome = apply(state, &txn, attempt, "session", &session).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(outcome)
}

/// `GET /api/v1/portal/payments/{id}`: the customer's own attempt; while it is open, Stripe is
/// asked (the customer may be back before the webhook).
pub async fn attempt_of(
    state: &AppState,
    session: &PortalSession,
    public_id: &str,
) -> Result<PaymentAttempt, ApiError> {
    let find = || async {
        payment_attempt::Entity::find()
            .filter(payment_attempt::Column::PublicId.eq(public_id))
            .filter(payment_attempt::Column::OrganizationId.eq(session.organization_id))
            .filter(payment_attempt::Column::ContractorId.eq(session.contractor_id))
            .one(&state.db)
            .await
    };
    let mut attempt = find().await?.ok_or(ApiError::NotFound)?;
    if matches!(attempt.status.as_str(), "open" | "processing") {
        refresh(state, &attempt).await?;
        attempt = find().await?.ok_or(ApiError::NotFound)?;
    }
    let shares = payment_attempt_document::Entity::find()
        .filter(payment_attempt_document::Column::AttemptId.eq(attempt.id))
        .order_by_asc(payment_attempt_document::Column::Position)
        .all(&state.db)
        .await?;
    let exp = exponent(&attempt.currency);
    let numbers: std::collections::HashMap<i64, String> = document::Entity::find()
        .filter(document::Column::Id.is_in(shares.iter().map(|s| s.document_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.number))
        .collect();
    let documents = shares
        .iter()
        .map(|share| AttemptDocument {
            document_id: share.document_id,
            number: numbers.get(&share.document_id).cloned().unwrap_or_default(),
            amount: format_minor(share.amount_minor, exp),
        })
        .collect();
    Ok(PaymentAttempt {
        id: attempt.public_id,
        status: AttemptStatus::parse(&attempt.status).unwrap_or(AttemptStatus::Open),
        amount: format_minor(attempt.amount_minor, exp),
        currency: attempt.currency,
        documents,
        created_at: attempt.created_at,
        completed_at: attempt.completed_at,
    })
}

/// Open attempts whose payment page expired before `stale_before` (all open ones with `None`):
/// Stripe is asked what became of them (a webhook lost or never configured). Returns how many
/// were settled or closed.
pub async fn reconcile(
    state: &AppState,
    stale_before: Option<DateTime<Utc>>,
) -> Result<usize, ApiError> {
    let mut open = payment_attempt::Entity::find()
        .filter(payment_attempt::Column::Status.eq("open"))
        .filter(payment_attempt::Column::SessionId.is_not_null());
    if let Some(before) = stale_before {
        open = open.filter(payment_attempt::Column::ExpiresAt.lt(before));
    }
    let stale = open
        .order_by_asc(payment_attempt::Column::Id)
        .all(&state.db)
        .await?;
    let mut done = 0;
    for attempt in stale {
        match refresh(state, &attempt).await? {
            Outcome::Pending | Outcome::Ignored => {}
            _ => done += 1,
        }
    }
    Ok(done)
}

/// Every minute, [`reconcile`]; a failure is logged and tried again the next minute.
pub async fn reconcile_forever(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let expired_a_while_ago = portal_store::now() - chrono::Duration::minutes(5);
        match reconcile(&state, Some(expired_a_while_ago)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(attempts = n, "online payments reconciled with Stripe"),
            Err(e) => tracing::warn!(error = %e, "reconciling online payments failed"),
        }
    }
}

/// The demo's Stripe account: the fake's key and signing secret.
pub const DEMO_SECRET_KEY: &str = "sk_test_DemoFakeStripeKey0001";
/// The demo's webhook signing secret.
pub const DEMO_WEBHOOK_SECRET: &str = "whsec_DemoFakeStripeSigningSecret0001";

/// Connects the demo organisation to the fake Stripe unless it has keys of its own; answers
/// its id.
pub async fn connect_demo(
    db: &impl ConnectionTrait,
    secrets_key: &[u8; 32],
) -> Result<Option<i64>, ApiError> {
    use portal_store::entities::organization;
    let Some(org) = organization::Entity::find()
        .filter(organization::Column::Slug.eq(portal_store::demo::ORG_SLUG))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let existing = settings_row(db, org.id).await?;
    if existing
        .as_ref()
        .is_some_and(|r| r.stripe_secret_key.is_some())
    {
        let demo_hint = key_hint(DEMO_SECRET_KEY);
        return Ok(existing
            .and_then(|r| r.stripe_key_hint)
            .filter(|h| *h == demo_hint)
            .map(|_| org.id));
    }
    let seal = |field: &str, plain: &str| {
        secrets::seal(secrets_key, &purpose(org.id, field), plain).map_err(ApiError::internal)
    };
    let model = payment_setting::ActiveModel {
        organization_id: Set(org.id),
        stripe_secret_key: Set(Some(seal("stripe_secret_key", DEMO_SECRET_KEY)?)),
        stripe_webhook_secret: Set(Some(seal("stripe_webhook_secret", DEMO_WEBHOOK_SECRET)?)),
        stripe_key_hint: Set(Some(key_hint(DEMO_SECRET_KEY))),
        allow_partial: Set(true),
        partial_minimum: Set(10),
        online_for: Set("all".to_string()),
        updated_at: Set(portal_store::now()),
    };
    if existing.is_some() {
        model.update(db).await?;
    } else {
        model.insert(db).await?;
    }
    Ok(Some(org.id))
}

/// The organisation's online payments, newest first, optionally of one status or customer
/// (`GET /api/v1/issuer/payments/online`).
pub async fn list(
    state: &AppState,
    session: &IssuerSession,
    status: Option<&str>,
    contractor_id: Option<i64>,
    page: u32,
    per_page: u32,
) -> Result<portal_types::OnlinePaymentPage, ApiError> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut query = payment_attempt::Entity::find()
        .filter(payment_attempt::Column::OrganizationId.eq(session.organization_id));
    if let Some(status) = status {
        query = query.filter(payment_attempt::Column::Status.eq(status));
    }
    if let Some(id) = contractor_id {
        query = query.filter(payment_attempt::Column::ContractorId.eq(id));
    }
    let total = query.clone().count(&state.db).await?;
    let rows = query
        .order_by_desc(payment_attempt::Column::Id)
        .offset(u64::from(page.saturating_sub(1)) * u64::from(per_page))
        .limit(u64::from(per_page))
        .all(&state.db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let shares = payment_attempt_document::Entity::find()
        .filter(payment_attempt_document::Column::AttemptId.is_in(ids.clone()))
        .order_by_asc(payment_attempt_document::Column::Position)
        .all(&state.db)
        .await?;
    let doc_ids: Vec<i64> = shares.iter().map(|s| s.document_id).collect();
    let numbers: std::collections::HashMap<i64, String> = document::Entity::find()
        .filter(document::Column::Id.is_in(doc_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.number))
        .collect();
    let customer_ids: Vec<i64> = rows.iter().map(|a| a.contractor_id).collect();
    let names: std::collections::HashMap<i64, String> = contractor::Entity::find()
        .filter(contractor::Column::Id.is_in(customer_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|a| {
            let exp = exponent(&a.currency);
            portal_types::OnlinePayment {
                documents: shares
                    .iter()
                    .filter(|s| s.attempt_id == a.id)
                    .map(|s| AttemptDocument {
                        document_id: s.document_id,
                        number: numbers.get(&s.document_id).cloned().unwrap_or_default(),
                        amount: format_minor(s.amount_minor, exp),
                    })
                    .collect(),
                id: a.public_id,
                contractor_id: a.contractor_id,
                contractor_name: names.get(&a.contractor_id).cloned().unwrap_or_default(),
                status: AttemptStatus::parse(&a.status).unwrap_or(AttemptStatus::Open),
                amount: format_minor(a.amount_minor, exp),
                received: a.received_minor.map(|m| format_minor(m, exp)),
                unallocated: (a.unallocated_minor != 0)
                    .then(|| format_minor(a.unallocated_minor, exp)),
                detail: a.detail,
                session_id: a.session_id,
                currency: a.currency,
                created_at: a.created_at,
                completed_at: a.completed_at,
            }
        })
        .collect();
    Ok(portal_types::OnlinePaymentPage {
        items,
        total,
        page,
        per_page,
    })
}
