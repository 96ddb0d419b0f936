//! Paying online from the portal.

use actix_web::{get, post, web};
use portal_types::{CheckoutRequest, CheckoutStarted, PaymentAttempt, Problem};

use crate::app::online_payments;
use crate::auth::PortalSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// Pay open invoices and debit notes online: one or several of one currency, in one payment.
/// The amount is what remains unless the issuer allows partial payments and a smaller `amount`
/// is asked for. Answers Stripe Checkout's hosted page; send the customer there. A newer
/// payment of the same documents closes the older pages.
#[utoipa::path(
    tag = "portal: payments",
    security(("bearer" = [])),
    request_body = CheckoutRequest,
    responses(
        (status = 201, description = "The payment page", body = CheckoutStarted),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "This portal takes no payments online (`online_payment_disabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A document is not this customer's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A document has nothing open, currencies differ, or the amount is not allowed (`document_ids`, `amount`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider could not be reached (`payment_provider_error`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payments/checkout")]
async fn checkout(
    state: web::Data<AppState>,
    session: PortalSession,
    body: ApiJson<CheckoutRequest>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let started = online_payments::checkout(&state, &session, body.0).await?;
    Ok(actix_web::HttpResponse::Created().json(started))
}

/// What became of a payment: the portal asks on the customer's return from the payment page
/// (and Stripe is asked in turn while it is open, so a return before the webhook is settled
/// all the same).
#[utoipa::path(
    tag = "portal: payments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The attempt's id (`pa_…`)")),
    responses(
        (status = 200, description = "The payment", body = PaymentAttempt),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such payment for this customer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/payments/{id}")]
async fn payment_attempt(
    state: web::Data<AppState>,
    session: PortalSession,
    id: web::Path<String>,
) -> Result<web::Json<PaymentAttempt>, ApiError> {
    Ok(web::Json(
        online_payments::attempt_of(&state, &session, &id).await?,
    ))
}
