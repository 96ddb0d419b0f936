//! The customer's own company data, as the issuer keeps it.

use actix_web::{get, patch, web};
use portal_types::{CompanyUpdate, PortalCompany, Problem};

use crate::app::company;
use crate::auth::PortalSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The customer's company data, and which groups of it (`contact`, `bank`, `tax`) the issuer
/// lets it change here.
#[utoipa::path(
    tag = "portal: account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The company data", body = PortalCompany),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/company")]
async fn portal_company(
    state: web::Data<AppState>,
    session: PortalSession,
) -> Result<web::Json<PortalCompany>, ApiError> {
    Ok(web::Json(company::get(&state, &session).await?))
}

/// Change the customer's company data: the fields given, of the groups the issuer releases
/// (an IBAN is checked by its checksum, a VAT number by its country's format). Each change is
/// kept with its old and new value, and the customer's salesperson (else the owners and
/// admins) is mailed the list.
#[utoipa::path(
    tag = "portal: account",
    security(("bearer" = [])),
    request_body = CompanyUpdate,
    responses(
        (status = 200, description = "Saved; the company data now", body = PortalCompany),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or locked by the issuer (`locked`); `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/company")]
async fn update_portal_company(
    state: web::Data<AppState>,
    session: PortalSession,
    body: ApiJson<CompanyUpdate>,
) -> Result<web::Json<PortalCompany>, ApiError> {
    Ok(web::Json(company::update(&state, &session, body.0).await?))
}
