//! The customer's documents: the grid, one document, the summary.

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use portal_domain::document::format_percent;
use portal_domain::filter::DocumentQuery;
use portal_domain::money::format_minor;
use portal_types::{
    DecisionRequest, DocumentDetail, DocumentLine, DocumentPage, PaymentView, PortalSummary,
    Problem, VatBreakdown,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::app;
use crate::auth::PortalSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;
use portal_store::entities::{document, document_line, payment};
use portal_store::events;
use portal_store::portal::{
    self as documents, Decision, PortalScope, exponent, find_visible, record_of,
};

/// List the customer's documents: filter on any column, sort on several keys, page, with
/// per-currency sums of the whole filtered set.
///
/// Only issued documents of the types the organisation releases are listed, never drafts;
/// cancelled ones are listed and left out of the sums, as are offers, delivery notes and order
/// confirmations (not payable). Credit notes count negative.
#[utoipa::path(
    tag = "portal: documents",
    security(("bearer" = [])),
    params(crate::routes::params::GridParams),
    responses(
        (status = 200, description = "A page of documents", body = DocumentPage),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents")]
async fn list_documents(
    state: web::Data<AppState>,
    session: PortalSession,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let q = DocumentQuery::parse(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::Validation)?;
    let scope = session.scope();
    let today = Utc::now().date_naive();
    let grid = documents::grid(&state.db, &state.reads, &scope, &q, today).await?;
    let body = super::grid_body::page_json(&grid, q.page, q.per_page, today)?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body))
}

/// Loads a visible document with its lines and payments and records the first view.
pub async fn load_detail(
    state: &AppState,
    session: &PortalSession,
    scope: &PortalScope,
    id: i64,
) -> Result<(document::Model, DocumentDetail), ApiError> {
    let doc = find_visible(&state.db, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = portal_store::now();
    let today = now.date_naive();
    let lines = document_line::Entity::find()
        .filter(document_line::Column::DocumentId.eq(doc.id))
        .order_by_asc(document_line::Column::Position)
        .all(&state.db)
        .await?;
    let payments = payment::Entity::find()
        .filter(payment::Column::DocumentId.eq(doc.id))
        .order_by_asc(payment::Column::PaidOn)
        .order_by_asc(payment::Column::Id)
        .all(&state.db)
        .await?;
    let related = documents::related_of(&state.db, &doc).await?;
    // related_of keeps only an issued document of the same customer: it can be opened from
    // here when its type is released too (what find_visible would check, without a query)
    let related_visible = related
        .as_ref()
        .is_some_and(|r| scope.releases(&r.doc_type));
    let exp = exponent(&doc.currency);
    let breakdown: Vec<VatBreakdown> =
        portal_domain::document::by_rate(lines.iter().map(|l| (l.vat_rate_bp, l.net_minor)))
            .into_iter()
            .map(|r| VatBreakdown {
                rate: format_percent(r.rate_bp),
                tax_base: format_minor(r.base, exp),
                vat: format_minor(r.vat, exp),
            })
            .collect();

    // The first view and its event together: were the event lost, the view could never be
    // recorded again, as the next one is no longer the first.
    let txn = portal_store::begin_write(&state.db).await?;
    if documents::mark_viewed(&txn, doc.id, now).await? {
        events::record_portal(&txn, session.actor(), "viewed", Some(doc.id), None).await?;
    }
    txn.commit().await?;
    let first_viewed_at = doc.first_viewed_at.or(Some(now));
    let detail = DocumentDetail {
        row: record_of(&doc)?.into_row(today),
        lines: lines
            .iter()
            .map(|l| DocumentLine {
                position: l.position,
                description: l.description.clone(),
                quantity: portal_domain::document::format_quantity(l.quantity_milli),
                unit: l.unit.clone(),
                unit_price: format_minor(l.unit_price_minor, exp),
                discount_percent: format_percent(l.discount_bp),
                vat_rate: format_percent(l.vat_rate_bp),
                net: format_minor(l.net_minor, exp),
                vat: format_minor(l.vat_minor, exp),
            })
            .collect(),
        vat_breakdown: breakdown,
        payments: payments
            .iter()
            .map(|p| PaymentView {
                id: p.id,
                amount: format_minor(p.amount_minor, exp),
                date: p.paid_on,
                method: p.method.clone(),
            })
            .collect(),
        notes: doc.notes.clone(),
        related_document_number: related.as_ref().map(|r| r.number.clone()),
        related_document_id: related.filter(|_| related_visible).map(|r| r.id),
        first_viewed_at,
        first_downloaded_at: doc.first_downloaded_at,
        decision: portal_store::portal::decision_of(&doc),
        payment_code: crate::app::pdf::payment_code_of(&state.db, &doc).await?,
        payment_processing: crate::app::online_payments::processing_share(&state.db, doc.id)
            .await?
            .map(|minor| format_minor(minor, exp)),
    };
    Ok((doc, detail))
}

/// One document with its lines, VAT breakdown per rate and payments. The first view is
/// recorded for the issuer. Another customer's document is a 404.
#[utoipa::path(
    tag = "portal: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = DocumentDetail),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document for this customer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}")]
async fn get_document(
    state: web::Data<AppState>,
    session: PortalSession,
    id: web::Path<i64>,
) -> Result<web::Json<DocumentDetail>, ApiError> {
    let scope = session.scope();
    let (_, detail) = load_detail(&state, &session, &scope, id.into_inner()).await?;
    Ok(web::Json(detail))
}

/// Accept an open offer, with a reason if wanted. Final: a second decision is a 409, as is an
/// offer past its validity date (it is then expired). The customer's salesperson (else the
/// owners and admins) is mailed.
#[utoipa::path(
    tag = "portal: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The offer's id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The offer, accepted", body = DocumentDetail),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The issuer takes no decisions in the portal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document for this customer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an open offer: `not_an_offer`, `already_decided`, `offer_expired`, `not_open`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is too long or holds control characters (`reason`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/accept")]
async fn accept_offer(
    state: web::Data<AppState>,
    session: PortalSession,
    id: web::Path<i64>,
    body: ApiJson<DecisionRequest>,
) -> Result<web::Json<DocumentDetail>, ApiError> {
    decided(&state, &session, id.into_inner(), Decision::Accept, body.0).await
}

/// Reject an open offer, with a reason (required where the issuer says so). Final, like
/// accepting.
#[utoipa::path(
    tag = "portal: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The offer's id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The offer, rejected", body = DocumentDetail),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The issuer takes no decisions in the portal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document for this customer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an open offer: `not_an_offer`, `already_decided`, `offer_expired`, `not_open`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is missing where the issuer requires one, too long or holds control characters (`reason`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/reject")]
async fn reject_offer(
    state: web::Data<AppState>,
    session: PortalSession,
    id: web::Path<i64>,
    body: ApiJson<DecisionRequest>,
) -> Result<web::Json<DocumentDetail>, ApiError> {
    decided(&state, &session, id.into_inner(), Decision::Reject, body.0).await
}

async fn decided(
    state: &AppState,
    session: &PortalSession,
    id: i64,
    decision: Decision,
    input: DecisionRequest,
) -> Result<web::Json<DocumentDetail>, ApiError> {
    app::offers::decide(state, session, id, decision, input).await?;
    let (_, detail) = load_detail(state, session, &session.scope(), id).await?;
    Ok(web::Json(detail))
}

/// What the customer owes: open and overdue per currency, payments of the last twelve months,
/// counts by type and the five most recent documents.
#[utoipa::path(
    tag = "portal: documents",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The summary", body = PortalSummary),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/summary")]
async fn summary(
    state: web::Data<AppState>,
    session: PortalSession,
) -> Result<HttpResponse, ApiError> {
    let scope = session.scope();
    let summary = documents::summary(&state.db, &scope, Utc::now().date_naive()).await?;
    Ok(HttpResponse::Ok().json(summary))
}
