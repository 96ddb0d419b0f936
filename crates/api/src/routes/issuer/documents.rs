//! The organisation's documents: the grid (every column filtered and sorted, per-currency
//! sums, who has not opened what), drafts created, changed and deleted, issued, cancelled,
//! credited; one document with its lines, payments and trail; its PDF.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use portal_domain::document::{by_rate, format_percent, format_quantity};
use portal_domain::filter::{Audience, DocumentQuery};
use portal_domain::money::format_minor;
use portal_store::entities::{document, event};
use portal_store::issuer::documents::{self as stored, CurrencyTotals, GridRow};
use portal_store::issuer::events as trail;
use portal_store::portal::{exponent, record_of};
use portal_types::{
    ConvertOffer, CurrencySums, DocumentLine, DocumentUpdate, Event, IssuerDocument,
    IssuerDocumentPage, IssuerDocumentRow, MarkSent, MarkedSent, NewDocument, Problem,
    VatBreakdown,
};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::routes::portal::pdf::{Disposition, PdfParams};
use crate::state::AppState;

/// A document's row as the issuer sees it.
pub fn row(
    doc: &document::Model,
    contractor_name: String,
    today: NaiveDate,
) -> Result<IssuerDocumentRow, ApiError> {
    let record = record_of(doc)?;
    let status = record.status(today);
    let exp = exponent(&doc.currency);
    let amount = |v: Option<i64>| status.payable.then(|| format_minor(v.unwrap_or(0), exp));
    Ok(IssuerDocumentRow {
        id: doc.id,
        number: (doc.state != "draft").then(|| doc.number.clone()),
        doc_type: record.doc_type,
        state: record.state,
        contractor_id: doc.contractor_id,
        contractor_name,
        date: doc.issue_date,
        due_date: doc.due_date,
        currency: doc.currency.clone(),
        tax_base: format_minor(doc.tax_base_minor, exp),
        vat: format_minor(doc.vat_minor, exp),
        total: format_minor(doc.total_minor, exp),
        paid: amount(doc.paid_minor),
        remaining: amount(doc.remaining_minor),
        payment_status: status.payment_status,
        overdue: status.overdue,
        viewed_at: doc.first_viewed_at,
        first_downloaded_at: doc.first_downloaded_at,
        last_downloaded_at: doc.last_downloaded_at,
        sent_at: doc.sent_at,
    })
}

/// Events as the API shows them, with the names behind their ids.
pub async fn event_views(
    state: &AppState,
    session: &IssuerSession,
    events: Vec<event::Model>,
) -> Result<Vec<Event>, ApiError> {
    let names = trail::names(&state.db, session.scope(), &events).await?;
    Ok(events.into_iter().map(|e| event_view(e, &names)).collect())
}

/// An event as the API shows it.
fn event_view(e: event::Model, names: &trail::Names) -> Event {
    let actor_name = e.actor_id.and_then(|id| match e.actor_type.as_str() {
        "staff_user" => names.staff.get(&id).cloned(),
        "portal_user" => names.portal_users.get(&id).cloned(),
        "api_key" => names.api_keys.get(&id).cloned(),
        _ => None,
    });
    let document = e.document_id.and_then(|id| names.documents.get(&id));
    Event {
        id: e.id,
        kind: e.kind,
        actor_type: e.actor_type,
        actor_id: e.actor_id,
        contractor_id: e.contractor_id,
        document_id: e.document_id,
        actor_name,
        contractor_name: e
            .contractor_id
            .and_then(|id| names.contractors.get(&id).cloned()),
        document_number: document.and_then(|(_, number)| number.clone()),
        document_type: document.and_then(|(t, _)| portal_types::DocumentType::parse(t)),
        ip: e.ip,
        user_agent: e.user_agent,
        details: e.details.and_then(|d| serde_json::from_str(&d).ok()),
        created_at: e.created_at,
    }
}

fn sums(totals: &[CurrencyTotals]) -> Vec<CurrencySums> {
    totals
        .iter()
        .filter(|t| t.summed > 0)
        .map(|t| {
            let exp = exponent(&t.currency);
            let f = |v: Option<i64>| format_minor(v.unwrap_or(0), exp);
            CurrencySums {
                currency: t.currency.clone(),
                count: u64::try_from(t.summed).unwrap_or(0),
                tax_base: f(t.tax_base),
                vat: f(t.vat),
                total: f(t.total),
                paid: f(t.paid),
                remaining: f(t.remaining),
            }
        })
        .collect()
}

/// Query parameters of the issuer's grid: the portal grid's (see
/// `GET /api/v1/portal/documents`) and these.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct IssuerGridParams {
    /// Contractor ids, any of them.
    #[param(style = Form, explode = false, inline)]
    contractor: Option<Vec<PositiveId>>,
    /// States, any of them.
    #[param(style = Form, explode = false, inline)]
    state: Option<Vec<portal_types::DocumentState>>,
    /// `false`: the customer has not opened it yet; `true`: it has.
    viewed: Option<bool>,
    /// `true`: marked as sent by the staff; `false`: not yet.
    sent: Option<bool>,
    /// `true`: the last comment is the customer's, waiting for an answer; `false`: not.
    unanswered: Option<bool>,
}

/// An id (from 1).
struct PositiveId;

impl utoipa::PartialSchema for PositiveId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int64,
            )))
            .minimum(Some(1))
            .into()
    }
}

impl utoipa::ToSchema for PositiveId {}

/// The issuer's document grid: the portal grid's filters, sort keys, paging and per-currency
/// sums over the whole organisation, drafts included, plus `contractor`, `state` and `viewed`
/// filters and `contractor` and `viewed_at` sort keys. Who has not opened an invoice yet:
/// `?type=invoice&state=issued&viewed=false`.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(
        crate::routes::params::GridParams,
        crate::routes::params::OrEmpty<IssuerGridParams>
    ),
    responses(
        (status = 200, description = "A page of documents", body = IssuerDocumentPage),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents")]
async fn list_documents(
    state: web::Data<AppState>,
    session: IssuerSession,
    query: web::Query<Vec<(String, String)>>,
) -> Result<web::Json<IssuerDocumentPage>, ApiError> {
    let q = DocumentQuery::parse_for(
        Audience::Issuer,
        query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .map_err(ApiError::Validation)?;
    let today = Utc::now().date_naive();
    let (rows, totals) = stored::grid(&state.db, session.scope(), &q, today).await?;
    Ok(web::Json(IssuerDocumentPage {
        items: rows
            .into_iter()
            .map(
                |GridRow {
                     document,
                     contractor_name,
                 }| row(&document, contractor_name, today),
            )
            .collect::<Result<_, _>>()?,
        total: totals
            .iter()
            .map(|t| u64::try_from(t.matched).unwrap_or(0))
            .sum(),
        page: q.page,
        per_page: q.per_page,
        sums: sums(&totals),
    }))
}

/// One document with its lines, VAT per rate, payments and trail.
pub async fn detail(
    state: &AppState,
    session: &IssuerSession,
    doc: document::Model,
) -> Result<IssuerDocument, ApiError> {
    let scope = session.scope();
    let today = Utc::now().date_naive();
    let exp = exponent(&doc.currency);
    let lines = stored::lines(&state.db, doc.id).await?;
    let customer = portal_store::issuer::contractors::find(&state.db, scope, doc.contractor_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let related = match doc.related_document_id {
        Some(id) => stored::find(&state.db, scope, id).await?,
        None => None,
    };
    let payments = stored::payments(&state.db, doc.id).await?;
    let events = trail::of_document(&state.db, scope, doc.id).await?;
    Ok(IssuerDocument {
        decision: portal_store::portal::decision_of(&doc),
        row: row(&doc, customer.name, today)?,
        vat_breakdown: by_rate(lines.iter().map(|l| (l.vat_rate_bp, l.net_minor)))
            .into_iter()
            .map(|r| VatBreakdown {
                rate: format_percent(r.rate_bp),
                tax_base: format_minor(r.base, exp),
                vat: format_minor(r.vat, exp),
            })
            .collect(),
        lines: lines
            .iter()
            .map(|l| DocumentLine {
                position: l.position,
                description: l.description.clone(),
                quantity: format_quantity(l.quantity_milli),
                unit: l.unit.clone(),
                unit_price: format_minor(l.unit_price_minor, exp),
                discount_percent: format_percent(l.discount_bp),
                vat_rate: format_percent(l.vat_rate_bp),
                net: format_minor(l.net_minor, exp),
                vat: format_minor(l.vat_minor, exp),
            })
            .collect(),
        payments: payments
            .iter()
            .map(|p| app::payments::view(p, &doc.currency))
            .collect(),
        notes: doc.notes.clone(),
        related_document_id: related.as_ref().map(|r| r.id),
        related_document_number: related.filter(|r| r.state != "draft").map(|r| r.number),
        portal_url: app::links::portal(
            &state.settings,
            &session.organization.slug,
            &format!("/documents/{}", doc.id),
        ),
        events: event_views(state, session, events).await?,
        created_at: doc.created_at,
        updated_at: doc.updated_at,
    })
}

/// Create a draft (owner, admin, accountant). Totals are computed on the server from the lines:
/// per line, then VAT once per rate.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    request_body = NewDocument,
    responses(
        (status = 201, description = "The draft", body = IssuerDocument),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each (`lines[0].quantity`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents")]
async fn create_document(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<NewDocument>,
) -> Result<HttpResponse, ApiError> {
    let doc = app::documents::create(&state, &session, body.0).await?;
    Ok(HttpResponse::Created().json(detail(&state, &session, doc).await?))
}

/// One document.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = IssuerDocument),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}")]
async fn get_document(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<IssuerDocument>, ApiError> {
    let doc = stored::find(&state.db, session.scope(), id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(detail(&state, &session, doc).await?))
}

/// Change a draft (owner, admin, accountant); `lines` replaces every line.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    request_body = DocumentUpdate,
    responses(
        (status = 200, description = "Saved", body = IssuerDocument),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It is not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/documents/{id}")]
async fn update_document(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<DocumentUpdate>,
) -> Result<web::Json<IssuerDocument>, ApiError> {
    let doc = app::documents::update(&state, &session, id.into_inner(), body.0).await?;
    Ok(web::Json(detail(&state, &session, doc).await?))
}

/// Delete a draft (owner, admin, accountant).
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It is not a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/documents/{id}")]
async fn delete_document(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    app::documents::delete(&state, &session, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Issue a draft (owner, admin, accountant): it takes the next number of its organisation and
/// type (gap-free), its PDF is rendered, the customer sees it in the portal at once, and —
/// where the organisation mails new documents and the portal shows the type — the customer's
/// portal users are mailed a link in their language.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 200, description = "Issued", body = IssuerDocument),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Issued already, or its contractor is archived", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/issue")]
async fn issue_document(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<IssuerDocument>, ApiError> {
    let doc = app::documents::issue(&state, &session, id.into_inner()).await?;
    Ok(web::Json(detail(&state, &session, doc).await?))
}

/// Cancel an issued document (owner, admin, accountant): it stays visible, marked cancelled
/// and out of the sums. A document with payments is not cancelled.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 200, description = "Cancelled", body = IssuerDocument),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft, cancelled already, or payments are recorded on it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/cancel")]
async fn cancel_document(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<IssuerDocument>, ApiError> {
    let doc = app::documents::cancel(&state, &session, id.into_inner()).await?;
    Ok(web::Json(detail(&state, &session, doc).await?))
}

/// Draft a credit note for an issued invoice or debit note (owner, admin, accountant): the
/// same lines with the quantities negated, referring to it.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The invoice's id")),
    responses(
        (status = 201, description = "The credit note's draft", body = IssuerDocument),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an issued invoice or debit note", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/credit-note")]
async fn credit_note(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let doc = app::documents::credit_note(&state, &session, id.into_inner()).await?;
    Ok(HttpResponse::Created().json(detail(&state, &session, doc).await?))
}

/// Turns an offer the customer accepted into a draft invoice or order confirmation with the
/// same customer, currency, lines and notes, dated today (an invoice due by the customer's
/// payment terms). The offer's trail names the draft.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The offer's id")),
    request_body = ConvertOffer,
    responses(
        (status = 201, description = "The draft", body = IssuerDocument),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an offer the customer accepted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a type an offer becomes (`type`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/convert")]
async fn convert_offer(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<ConvertOffer>,
) -> Result<HttpResponse, ApiError> {
    let doc = app::offers::convert(&state, &session, id.into_inner(), body.0.doc_type).await?;
    Ok(HttpResponse::Created().json(detail(&state, &session, doc).await?))
}

/// The document as PDF, drafts included (a preview: the customer's receipt is not recorded).
/// `?disposition=inline` shows it in the admin's own frame.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id"), crate::routes::portal::pdf::PdfParams),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/pdf")]
async fn document_pdf(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = PdfParams::parse(&query)?;
    let doc = stored::find(&state.db, session.scope(), id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = pdf_of(&state, &session, &doc).await?;
    let disposition = if params.disposition == Some(Disposition::Inline) {
        "inline"
    } else {
        "attachment"
    };
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{}\"", pdf_name(&doc)),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        // The admin shows the preview in a frame of its own origin.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'self'",
        ))
        .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"))
        .body(bytes))
}

async fn pdf_of(
    state: &AppState,
    session: &IssuerSession,
    doc: &document::Model,
) -> Result<Vec<u8>, ApiError> {
    let model = app::pdf::pdf_model(&state.db, &session.organization, doc).await?;
    app::pdf::rendered(state, model, doc.organization_id, doc.id).await
}

/// `invoice-0000000123.pdf`; a draft is `invoice-draft-{id}.pdf`.
fn pdf_name(doc: &document::Model) -> String {
    let number = if doc.state == "draft" {
        format!("draft-{}", doc.id)
    } else {
        doc.number.clone()
    };
    crate::routes::portal::pdf::filename(&doc.doc_type, &number)
}

/// Query of the PDF archive.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ArchiveParams {
    /// Document ids, 1 to 100, comma-separated.
    #[param(style = Form, explode = false, inline, min_items = 1, max_items = 100)]
    ids: Vec<PositiveId>,
}

/// Several documents' PDFs in one ZIP file, in the order named (drafts included, as previews:
/// the customer's receipt is not recorded). Each file is named as its single download is; a
/// name met twice gets the document id added.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(ArchiveParams),
    responses(
        (status = 200, description = "A ZIP file of PDFs", content_type = "application/zip", body = Vec<u8>),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A named document is not one of this organisation's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`ids` is missing, malformed or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/pdf-archive")]
async fn pdf_archive(
    state: web::Data<AppState>,
    session: IssuerSession,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for (key, value) in query.iter() {
        if key != "ids" {
            errors.push(portal_types::FieldError::new(
                key.as_str(),
                "unknown_parameter",
                format!("`{key}` is not a parameter of this endpoint"),
            ));
            continue;
        }
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.parse::<i64>() {
                Ok(id) if id > 0 => ids.push(id),
                _ => errors.push(portal_types::FieldError::new(
                    "ids",
                    "invalid_value",
                    format!("`{part}` is not a document id"),
                )),
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let docs = app::documents::bulk(&state.db, session.scope(), "ids", &ids).await?;
    let mut files = Vec::with_capacity(docs.len());
    for doc in &docs {
        let mut name = pdf_name(doc);
        if files.iter().any(|(n, _): &(String, Vec<u8>)| *n == name) {
            name = format!("{}-{}.pdf", name.trim_end_matches(".pdf"), doc.id);
        }
        files.push((name, pdf_of(&state, &session, doc).await?));
    }
    let archive = app::pdf::zip_of(&files)?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"documents.zip\"",
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(archive))
}

/// Marks issued documents as sent to the customer by other means (post, the staff's own
/// e-mail), all or none (owner, admin, accountant). A document keeps the first date it was
/// marked; the documents list filters by it (`sent=true|false`).
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    request_body = MarkSent,
    responses(
        (status = 200, description = "How many were marked now", body = MarkedSent),
        (status = 400, description = "The body is not valid JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage documents", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft is among them; nothing was marked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A named document is not one of this organisation's; nothing was marked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`ids` is empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/mark-sent")]
async fn mark_sent(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<MarkSent>,
) -> Result<web::Json<MarkedSent>, ApiError> {
    let marked = app::documents::mark_sent(&state, &session, &body.0.ids).await?;
    Ok(web::Json(MarkedSent { marked }))
}
