//! Documents from draft to issued: drafts written with every line checked and the totals
//! computed here (never taken from the client), changed and deleted while drafts; issuing
//! takes the next number, renders the PDF, shows the document in the portal and mails the
//! customer's portal users, all in one transaction; cancelling; a credit note drafted from an
//! invoice.

use chrono::NaiveDate;
use portal_domain::access::Permission;
use portal_domain::document::{LineInput as Line, is_payable, line_net, totals};
use portal_domain::fields;
use portal_domain::locale::Locale;
use portal_domain::money::{Currency, parse_scaled};
use portal_store::entities::{contractor, document, portal_user};
use portal_store::events::{self, NewEvent};
use portal_store::issuer::documents::{self as stored, Content, LineRow};
use portal_store::issuer::{IssuerScope, contractors, profile};
use portal_store::outbox;
use portal_store::portal::released_types;
use portal_types::{DocumentType, DocumentUpdate, FieldError, LineInput, NewDocument};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{links, pdf};
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::mail::templates;
use crate::state::AppState;

/// Most lines a document may have.
pub const MAX_LINES: usize = 500;
/// Largest amount (in minor units) a line, or a document, may come to.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Collects the errors of one request.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    /// A decimal scaled by `10^decimals`, between `min` and `max` (in scaled units).
    fn decimal(
        &mut self,
        field: &str,
        text: &str,
        decimals: u32,
        (min, max): (i64, i64),
    ) -> Option<i64> {
        match parse_scaled(text, decimals, min < 0) {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            Ok(_) => {
                self.push(field, "out_of_range", "the value is out of range");
                None
            }
            Err(e) => {
                let message = match e.code() {
                    "too_many_decimals" => format!("at most {decimals} decimals"),
                    _ => "not a decimal number".to_string(),
                };
                self.push(field, e.code(), message);
                None
            }
        }
    }
}

/// The lines of a request, checked: each error names `lines[i].field`.
fn lines(input: &[LineInput], exponent: u32, errors: &mut Errors) -> Vec<LineRow> {
    if input.is_empty() {
        errors.push("lines", "required", "a document needs at least one line");
    }
    if input.len() > MAX_LINES {
        errors.push("lines", "too_many", format!("at most {MAX_LINES} lines"));
        return Vec::new();
    }
    let mut rows = Vec::new();
    for (i, line) in input.iter().enumerate() {
        let at = |f: &str| format!("lines[{i}].{f}");
        let description = errors.take(fields::required_text(
            &at("description"),
            &line.description,
            1000,
        ));
        let unit = errors.take(fields::optional_text(&at("unit"), &line.unit, 20));
        let quantity = errors.decimal(
            &at("quantity"),
            &line.quantity,
            3,
            (-1_000_000_000_000, 1_000_000_000_000),
        );
        if quantity == Some(0) {
            errors.push(at("quantity"), "zero", "the quantity must not be zero");
        }
        let price = errors.decimal(
            &at("unit_price"),
            &line.unit_price,
            exponent,
            (-MAX_AMOUNT, MAX_AMOUNT),
        );
        let discount = match &line.discount_percent {
            Some(d) if !d.trim().is_empty() => {
                errors.decimal(&at("discount_percent"), d, 2, (0, 10_000))
            }
            _ => Some(0),
        };
        let vat = errors.decimal(&at("vat_rate"), &line.vat_rate, 2, (0, 10_000));
        if let (Some(description), Some(unit), Some(q), Some(p), Some(d), Some(v)) =
            (description, unit, quantity, price, discount, vat)
        {
            let input = Line {
                quantity_milli: q,
                unit_price_minor: p,
                discount_bp: d,
                vat_rate_bp: v,
            };
            if line_net(&input).abs() > MAX_AMOUNT {
                errors.push(
                    at("quantity"),
                    "too_large",
                    "the line comes to more than any document may",
                );
                continue;
            }
            rows.push(LineRow {
                description,
                unit: unit.unwrap_or_default(),
                input,
            });
        }
    }
    rows
}

/// The fields of a draft as a request gives them (a PATCH fills the rest from the draft).
struct Draft<'a> {
    contractor_id: i64,
    doc_type: DocumentType,
    currency: String,
    issue_date: NaiveDate,
    due_date: Option<NaiveDate>,
    /// Without a due date, an invoice or debit note gets one from the contractor's payment
    /// terms, else from these (the organisation's default terms) — a new draft only: `None`
    /// leaves the due date as given.
    due_from_terms: Option<Option<i32>>,
    lines: Result<&'a [LineInput], Vec<LineRow>>,
    notes: Option<String>,
    related_document_id: Option<i64>,
}

/// Checks a draft against the rules and the organisation's data: every error at once.
async fn check(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    draft: Draft<'_>,
) -> Result<Content, ApiError> {
    let mut errors = Errors::default();
    let currency = Currency::from_code(&draft.currency.trim().to_ascii_uppercase());
    if currency.is_none() {
        errors.push("currency", "invalid_value", "not an ISO 4217 currency code");
    }
    let exponent = currency.map_or(2, |c| c.exponent());
    let rows = match draft.lines {
        Ok(input) => lines(input, exponent, &mut errors),
        Err(rows) => rows,
    };
    if let Some(due) = draft.due_date
        && due < draft.issue_date
    {
        errors.push(
            "due_date",
            "before_issue_date",
            "the due date is before the issue date",
        );
    }
    let notes = draft
        .notes
        .as_deref()
        .and_then(|n| errors.take(fields::optional_paragraphs("notes", n, 4000)))
        .flatten();
    let t = totals(&rows.iter().map(|r| r.input.clone()).collect::<Vec<_>>());
    if t.total.abs() > MAX_AMOUNT {
        errors.push(
            "lines",
            "too_large",
            "the document comes to more than any document may",
        );
    }
    match draft.doc_type {
        DocumentType::CreditNote if t.total > 0 => errors.push(
            "lines",
            "credit_note_positive",
            "a credit note takes money off: its total must not be above zero (negative quantities)",
        ),
        DocumentType::CreditNote => {}
        _ if t.total < 0 => errors.push(
            "lines",
            "negative_total",
            "only a credit note may come to less than zero",
        ),
        _ => {}
    }
    let mut due_date = draft.due_date;
    match contractors::find(db, scope, draft.contractor_id).await? {
        Some(c) if c.archived_at.is_none() => {
            if due_date.is_none()
                && let Some(default_terms) = draft.due_from_terms
                && is_payable(draft.doc_type)
            {
                due_date = c.payment_terms_days.or(default_terms).and_then(|days| {
                    draft
                        .issue_date
                        .checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))
                });
            }
        }
        Some(_) => errors.push("contractor_id", "archived", "the contractor is archived"),
        None => errors.push(
            "contractor_id",
            "not_found",
            "no contractor of this organisation has this id",
        ),
    }
    if let Some(related) = draft.related_document_id {
        match stored::find(db, scope, related).await? {
            Some(r)
                if r.contractor_id == draft.contractor_id
                    && !matches!(r.state.as_str(), "draft" | "cancelled") => {}
            _ => errors.push(
                "related_document_id",
                "not_found",
                "no issued document of this contractor has this id",
            ),
        }
    }
    if !errors.0.is_empty() {
        return Err(ApiError::Validation(errors.0));
    }
    Ok(Content {
        contractor_id: draft.contractor_id,
        doc_type: draft.doc_type,
        currency: currency.map(|c| c.code().to_string()).unwrap_or_default(),
        issue_date: draft.issue_date,
        due_date,
        notes,
        related_document_id: draft.related_document_id,
        lines: rows,
    })
}

async fn record(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    doc: &document::Model,
    kind: &'static str,
    details: Option<serde_json::Value>,
) -> Result<(), ApiError> {
    events::record(
        db,
        NewEvent {
            organization_id: session.organization_id,
            contractor_id: Some(doc.contractor_id),
            document_id: Some(doc.id),
            actor: session.actor(),
            kind,
            client: &session.client,
            details,
        },
    )
    .await?;
    Ok(())
}

fn not_a_draft() -> ApiError {
    ApiError::Conflict {
        code: "not_a_draft",
        detail: "only a draft can be changed or deleted; cancel an issued document instead"
            .to_string(),
    }
}

/// Creates a draft.
pub async fn create(
    state: &AppState,
    session: &IssuerSession,
    input: NewDocument,
) -> Result<document::Model, ApiError> {
    session.require(Permission::ManageDocuments)?;
    let scope = session.scope();
    let today = chrono::Utc::now().date_naive();
    let txn = portal_store::begin_write(&state.db).await?;
    let content = check(
        &txn,
        scope,
        Draft {
            contractor_id: input.contractor_id,
            doc_type: input.doc_type,
            currency: input
                .currency
                .clone()
                .unwrap_or_else(|| session.organization.default_currency.clone()),
            issue_date: input.issue_date.unwrap_or(today),
            due_date: input.due_date,
            due_from_terms: Some(session.organization.default_payment_terms_days),
            lines: Ok(&input.lines),
            notes: input.notes.clone(),
            related_document_id: input.related_document_id,
        },
    )
    .await?;
    let doc = stored::insert_draft(&txn, scope, &content, portal_store::now()).await?;
    record(&txn, session, &doc, "document_created", None).await?;
    txn.commit().await?;
    Ok(doc)
}

/// Changes a draft (409 once issued).
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    input: DocumentUpdate,
) -> Result<document::Model, ApiError> {
    session.require(Permission::ManageDocuments)?;
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let doc = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if doc.state != "draft" {
        return Err(not_a_draft());
    }
    let current = stored::content_of(&doc, &stored::lines(&txn, doc.id).await?)?;
    let related = match input.related_document_id {
        Some(0) => None,
        Some(id) => Some(id),
        None => current.related_document_id,
    };
    let content = check(
        &txn,
        scope,
        Draft {
            contractor_id: input.contractor_id.unwrap_or(current.contractor_id),
            doc_type: input.doc_type.unwrap_or(current.doc_type),
            currency: input.currency.clone().unwrap_or(current.currency.clone()),
            issue_date: input.issue_date.unwrap_or(current.issue_date),
            due_date: input.due_date.or(current.due_date),
            due_from_terms: None,
            lines: match &input.lines {
                Some(lines) => Ok(lines),
                None => Err(current.lines.clone()),
            },
            notes: input.notes.clone().or(current.notes.clone()),
            related_document_id: related,
        },
    )
    .await?;
    if content == current {
        return Ok(doc);
    }
    let saved = stored::replace_draft(&txn, doc, &content, portal_store::now()).await?;
    record(&txn, session, &saved, "document_changed", None).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Deletes a draft (409 once issued).
pub async fn delete(state: &AppState, session: &IssuerSession, id: i64) -> Result<(), ApiError> {
    session.require(Permission::ManageDocuments)?;
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let doc = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if doc.state != "draft" {
        return Err(not_a_draft());
    }
    // The event outlives the draft: it names no document row.
    events::record(
        &txn,
        NewEvent {
            organization_id: session.organization_id,
            contractor_id: Some(doc.contractor_id),
            document_id: None,
            actor: session.actor(),
            kind: "document_deleted",
            client: &session.client,
            details: Some(serde_json::json!({ "document_id": doc.id, "type": doc.doc_type })),
        },
    )
    .await?;
    stored::delete(&txn, doc).await?;
    txn.commit().await?;
    Ok(())
}

/// Issues a draft: its number, the portal shows it, and — where the organisation wants it and
/// the portal shows that type to the customer — its portal users are mailed a link in their
/// language, all in one transaction. The PDF is rendered into the cache right after the commit:
/// rendering inside the transaction held the numbering lock for the whole render (a Cyrillic
/// invoice takes tens of milliseconds) and made every issue of the organisation wait for it
/// (bench/RESULTS.md, "Writes"). The PDF is drawn from the stored rows alone, so a download
/// renders it again should this render fail.
pub async fn issue(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
) -> Result<document::Model, ApiError> {
    session.require(Permission::ManageDocuments)?;
    let scope = session.scope();
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let doc = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if doc.state != "draft" {
        return Err(ApiError::Conflict {
            code: "already_issued",
            detail: "the document is issued already".to_string(),
        });
    }
    let doc_type = DocumentType::parse(&doc.doc_type)
        .ok_or_else(|| ApiError::internal(format!("unknown type {}", doc.doc_type)))?;
    let customer = contractor::Entity::find_by_id(doc.contractor_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    if customer.archived_at.is_some() {
        return Err(ApiError::Conflict {
            code: "contractor_archived",
            detail: "the contractor is archived; restore it first".to_string(),
        });
    }
    // What the document prints about both parties, read before the number is taken: taking it
    // locks the organisation's numbering until the commit.
    let org = &session.organization;
    let accounts = profile::bank_accounts(&txn, scope).await?;
    let parties = profile::parties_now(org, &accounts, &customer, &doc.currency);
    let number = profile::take_number(&txn, scope, doc_type, now).await?;
    if !stored::issue(&txn, &doc, &number, &parties, now).await? {
        return Err(ApiError::Conflict {
            code: "already_issued",
            detail: "the document is issued already".to_string(),
        });
    }
    let issued = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    record(
        &txn,
        session,
        &issued,
        "issued",
        Some(serde_json::json!({ "number": number })),
    )
    .await?;
    let mut mailed = false;
    if org.portal_email_on_new_document
        && customer.portal_access
        && released_types(org).contains(&doc_type)
    {
        let recipients = portal_user::Entity::find()
            .filter(portal_user::Column::ContractorId.eq(customer.id))
            .filter(portal_user::Column::State.ne("disabled"))
            .all(&txn)
            .await?;
        let locale = Locale::parse(&customer.locale).unwrap_or_default();
        let link = links::portal(
            &state.settings,
            &org.slug,
            &format!("/documents/{}", issued.id),
        );
        for user in recipients {
            let Some(email) = &user.email else { continue };
            let words = templates::new_document(
                locale,
                &org.legal_name,
                Some(&user.first_name),
                doc_type,
                &number,
                issued.total_minor,
                portal_store::portal::exponent(&issued.currency),
                &issued.currency,
                issued.due_date,
            );
            let name = format!("{} {}", user.first_name, user.last_name);
            let mut mail = templates::compose(locale, email, Some(name.trim()), words, &link);
            mail.about = Some(outbox::MailAbout {
                organization_id: org.id,
                contractor_id: issued.contractor_id,
                document_id: issued.id,
            });
            outbox::enqueue_email(&txn, Some(org.id), &mail, now).await?;
            mailed = true;
        }
    }
    txn.commit().await?;
    if mailed {
        state.outbox.wake();
    }
    let model = pdf::pdf_model(&state.db, org, &issued).await?;
    if let Err(e) = pdf::rendered(state, model, org.id, issued.id).await {
        tracing::error!(document = issued.id, error = %e, "the PDF of an issued document could not be rendered");
    }
    Ok(issued)
}

/// Cancels an issued document (it stays in the portal, marked cancelled and out of the sums).
/// One with payments on it is not cancelled: remove them, or issue a credit note.
pub async fn cancel(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
) -> Result<document::Model, ApiError> {
    session.require(Permission::ManageDocuments)?;
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let doc = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if doc.state == "draft" {
        return Err(ApiError::Conflict {
            code: "draft",
            detail: "a draft is deleted, not cancelled".to_string(),
        });
    }
    if doc.paid_minor.is_some_and(|p| p != 0) {
        return Err(ApiError::Conflict {
            code: "has_payments",
            detail: "payments are recorded on it: remove them or issue a credit note".to_string(),
        });
    }
    if !stored::set_state(
        &txn,
        id,
        &["issued", "accepted", "rejected", "expired"],
        "cancelled",
        portal_store::now(),
    )
    .await?
    {
        return Err(ApiError::Conflict {
            code: "already_cancelled",
            detail: "the document is cancelled already".to_string(),
        });
    }
    let saved = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    record(&txn, session, &saved, "cancelled", None).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Drafts a credit note for an issued invoice (or debit note): the same contractor, currency and
/// lines with the quantities negated, referring to the invoice.
pub async fn credit_note(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
) -> Result<document::Model, ApiError> {
    session.require(Permission::ManageDocuments)?;
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let source = stored::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !matches!(source.doc_type.as_str(), "invoice" | "debit_note")
        || matches!(source.state.as_str(), "draft" | "cancelled")
    {
        return Err(ApiError::Conflict {
            code: "not_creditable",
            detail: "a credit note is drafted for an issued invoice or debit note".to_string(),
        });
    }
    let mut content = stored::content_of(&source, &stored::lines(&txn, source.id).await?)?;
    content.doc_type = DocumentType::CreditNote;
    content.related_document_id = Some(source.id);
    content.issue_date = chrono::Utc::now().date_naive();
    content.due_date = None;
    for line in &mut content.lines {
        line.input.quantity_milli = -line.input.quantity_milli;
    }
    let draft = stored::insert_draft(&txn, scope, &content, portal_store::now()).await?;
    record(
        &txn,
        session,
        &draft,
        "document_created",
        Some(serde_json::json!({ "credit_note_for": source.id })),
    )
    .await?;
    txn.commit().await?;
    Ok(draft)
}

/// Most documents one bulk request may name.
pub const MAX_BULK: usize = 100;

/// The organisation's documents named by `ids` (1 to [`MAX_BULK`] of them), in the order
/// given; repeated ids count once (but count towards the limit). Too few or too many is a 422 on `field`; a missing id, or
/// one of another organisation, a 404 (as for a single document).
pub async fn bulk(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    field: &str,
    ids: &[i64],
) -> Result<Vec<document::Model>, ApiError> {
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            "out_of_range",
            format!("name 1 to {MAX_BULK} documents"),
        )]));
    }
    let mut unique: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    let mut found = stored::find_many(db, scope, &unique).await?;
    if found.len() != unique.len() {
        return Err(ApiError::NotFound);
    }
    found.sort_by_key(|d| unique.iter().position(|id| *id == d.id));
    Ok(found)
}

/// Marks issued documents as sent to the customer by other means, all or none: a draft among
/// them is a 409 and nothing changes. Each document keeps the first instant it was marked;
/// the trail records each newly marked one. Answers how many were marked now.
pub async fn mark_sent(
    state: &AppState,
    session: &IssuerSession,
    ids: &[i64],
) -> Result<u64, ApiError> {
    session.require(Permission::ManageDocuments)?;
    let txn = portal_store::begin_write(&state.db).await?;
    let docs = bulk(&txn, session.scope(), "ids", ids).await?;
    let drafts: Vec<String> = docs
        .iter()
        .filter(|d| d.state == "draft")
        .map(|d| d.id.to_string())
        .collect();
    if !drafts.is_empty() {
        return Err(ApiError::Conflict {
            code: "draft",
            detail: format!(
                "drafts are issued, not marked as sent: {}",
                drafts.join(", ")
            ),
        });
    }
    let now = portal_store::now();
    let mut marked = 0;
    for doc in &docs {
        if stored::mark_sent(&txn, doc.id, now).await? {
            record(&txn, session, doc, "marked_sent", None).await?;
            marked += 1;
        }
    }
    txn.commit().await?;
    Ok(marked)
}
