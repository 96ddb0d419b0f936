//! Payments recorded by hand: listed per document, recorded exactly once per
//! `Idempotency-Key`, removed when wrong.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use portal_store::issuer::documents as stored;
use portal_types::{NewPayment, Payment, PaymentList, Problem};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// A document's payments, oldest first.
#[utoipa::path(
    tag = "issuer: payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 200, description = "The payments", body = PaymentList),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/payments")]
async fn list_payments(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<PaymentList>, ApiError> {
    let doc = stored::find(&state.db, session.scope(), id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let items: Vec<Payment> = stored::payments(&state.db, doc.id)
        .await?
        .iter()
        .map(|p| app::payments::view(p, &doc.currency))
        .collect();
    Ok(web::Json(PaymentList {
        total: items.len() as u64,
        items,
    }))
}

/// Record a payment (owner, admin, accountant): partial payments welcome, never more than what
/// remains, on issued documents of a payable type. Send an `Idempotency-Key` header: the same
/// key and body replay the first answer and record nothing more; the same key with another body
/// is refused.
#[utoipa::path(
    tag = "issuer: payments",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Document id"),
        ("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters; one per payment"),
    ),
    request_body = NewPayment,
    responses(
        (status = 201, description = "Recorded (or the replay of the first answer to this key)", body = Payment),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage payments", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The document is not payable (its type, a draft, cancelled)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The amount is invalid or more than what remains, or the key was used for another request", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/payments")]
async fn record_payment(
    state: web::Data<AppState>,
    session: IssuerSession,
    req: HttpRequest,
    id: web::Path<i64>,
    body: ApiJson<NewPayment>,
) -> Result<HttpResponse, ApiError> {
    let key = match req.headers().get("idempotency-key") {
        Some(v) => Some(app::payments::idempotency_key(v.to_str().map_err(
            |_| {
                ApiError::field(
                    "Idempotency-Key",
                    "invalid_value",
                    "1–255 visible ASCII characters",
                )
            },
        )?)?),
        None => None,
    };
    let answer = app::payments::record(&state, &session, id.into_inner(), key, body.0).await?;
    let status =
        actix_web::http::StatusCode::from_u16(answer.status).map_err(ApiError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("application/json")
        .body(answer.body))
}

/// Remove a wrongly recorded payment (owner, admin, accountant); paid and remaining change
/// back, and the trail records who removed it.
#[utoipa::path(
    tag = "issuer: payments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage payments", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such payment in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/payments/{id}")]
async fn delete_payment(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    app::payments::delete(&state, &session, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Query parameters of the online payments (documentation; the handler parses the raw query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct OnlineParams {
    /// Only of this status (`processing`: the bank has yet to confirm; `mismatch`: an amount
    /// to check).
    status: Option<portal_types::AttemptStatus>,
    /// The customer.
    #[param(minimum = 1)]
    contractor: Option<i64>,
    /// Page number from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Rows per page (at most 200).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// The customers' online payments, newest first: what each asked and what the provider
/// reported, the documents it paid, and what needs the issuer's attention (`mismatch`: another
/// amount than asked, nothing recorded; `unallocated`: paid beyond what was open).
#[utoipa::path(
    tag = "issuer: payments",
    security(("bearer" = [])),
    params(crate::routes::params::OrEmpty<OnlineParams>),
    responses(
        (status = 200, description = "The online payments", body = portal_types::OnlinePaymentPage),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/payments/online")]
async fn list_online_payments(
    state: web::Data<AppState>,
    session: IssuerSession,
    query: web::Query<Vec<(String, String)>>,
) -> Result<web::Json<portal_types::OnlinePaymentPage>, ApiError> {
    let mut q = super::query::Query::new(&query, &["status", "contractor", "page", "per_page"]);
    let status = q.one_of(
        "status",
        &[
            "open",
            "processing",
            "succeeded",
            "failed",
            "expired",
            "mismatch",
        ],
    );
    let contractor = q.id("contractor");
    let (page, per_page) = q.paging();
    q.finish()?;
    Ok(web::Json(
        app::online_payments::list(&state, &session, status, contractor, page, per_page).await?,
    ))
}
