//! The company profile: what every document the organisation issues prints about it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, put, web};
use portal_types::{OrganizationProfile, OrganizationUpdate, Problem};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::{ApiJson, BodyHead, read_limited};
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

/// Upload the logo (owner, admin), printed at the top of documents issued from now on
/// (documents issued before keep theirs): the picture itself as the body, a PNG or JPEG of at
/// most 512 KiB and 16 to 4,000 pixels a side. Its type is read from its content; a file that
/// is not a picture is refused whatever it is called.
#[utoipa::path(
    tag = "issuer: organisation",
    security(("bearer" = [])),
    request_body(content((crate::routes::params::FileBody = "image/png"), (crate::routes::params::FileBody = "image/jpeg"), (crate::routes::params::FileBody = "application/octet-stream")), description = "The picture (PNG or JPEG)"),
    responses(
        (status = 200, description = "Saved; the profile as it now is", body = OrganizationProfile),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change the profile", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 512 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as image/png, image/jpeg or application/octet-stream, or compressed (`Content-Encoding`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a PNG or JPEG picture, damaged, or too small or large", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/organization/logo")]
async fn put_logo(
    state: web::Data<AppState>,
    session: IssuerSession,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<OrganizationProfile>, ApiError> {
    let declared = crate::json::media_type(&request);
    if !["image/png", "image/jpeg", "application/octet-stream"].contains(&declared.as_str()) {
        return Err(ApiError::UnsupportedMediaType {
            expected: "image/png or image/jpeg",
        });
    }
    let body = read_limited(
        BodyHead::of(&request),
        payload.into_inner(),
        portal_pdf::logo::MAX_BYTES,
    )
    .await?;
    Ok(web::Json(
        app::profile::set_logo(&state, &session, body.to_vec()).await?,
    ))
}

/// Remove the logo from documents issued from now on (owner, admin).
#[utoipa::path(
    tag = "issuer: organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Removed; the profile as it now is", body = OrganizationProfile),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change the profile", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/organization/logo")]
async fn delete_logo(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<OrganizationProfile>, ApiError> {
    Ok(web::Json(
        app::profile::remove_logo(&state, &session).await?,
    ))
}

/// The logo, as uploaded.
#[utoipa::path(
    tag = "issuer: organisation",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The picture", content_type = "image/png"),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The organisation has no logo", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organization/logo")]
async fn get_logo(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<HttpResponse, ApiError> {
    let (media_type, bytes) = app::profile::logo(&state, &session).await?;
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}
