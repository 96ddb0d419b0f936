//! The company profile: what every document the organisation issues prints about it.

use actix_web::{get, patch, web};
use portal_types::{OrganizationProfile, OrganizationUpdate, Problem};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The company profile: legal data, contact, defaults, bank accounts and number series.
#[utoipa::path(
    tag = "issuer: organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = OrganizationProfile),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organization")]
async fn get_organization(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<OrganizationProfile>, ApiError> {
    Ok(web::Json(
        app::profile::view(&state.db, &session.organization).await?,
    ))
}

/// Change the company profile (owner, admin). Documents issued afterwards print the new data;
/// documents issued before keep what they were issued with. Bank accounts given replace the
/// list; a number series' next number only goes up. All or nothing: any error changes nothing.
#[utoipa::path(
    tag = "issuer: organisation",
    security(("bearer" = [])),
    request_body = OrganizationUpdate,
    responses(
        (status = 200, description = "Saved; the profile as it now is", body = OrganizationProfile),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change the profile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/organization")]
async fn update_organization(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<OrganizationUpdate>,
) -> Result<web::Json<OrganizationProfile>, ApiError> {
    Ok(web::Json(
        app::profile::update(&state, &session, body.0).await?,
    ))
}
