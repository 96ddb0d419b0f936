//! The contractors' portal users: list and create under a contractor; read, change, re-invite
//! and delete one.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portal_store::entities::portal_user;
use portal_store::issuer::{contractors, portal_users};
use portal_types::{
    NewPortalUser, PortalUser, PortalUserList, PortalUserState, PortalUserUpdate, Problem,
};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

fn view(u: portal_user::Model) -> Result<PortalUser, ApiError> {
    Ok(PortalUser {
        state: PortalUserState::parse(&u.state)
            .ok_or_else(|| ApiError::internal(format!("unknown portal user state {}", u.state)))?,
        id: u.id,
        contractor_id: u.contractor_id,
        username: u.username,
        first_name: u.first_name,
        last_name: u.last_name,
        email: u.email,
        must_change_password: u.must_change_password,
        last_login_at: u.last_login_at,
        created_at: u.created_at,
        updated_at: u.updated_at,
    })
}

/// A contractor's portal users.
#[utoipa::path(
    tag = "issuer: portal users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contractor id")),
    responses(
        (status = 200, description = "The contractor's portal users", body = PortalUserList),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contractor in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contractors/{id}/portal-users")]
async fn list_portal_users(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<PortalUserList>, ApiError> {
    let scope = session.scope();
    let customer = contractors::find(&state.db, scope, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let items = portal_users::of_contractor(&state.db, scope, customer.id)
        .await?
        .into_iter()
        .map(view)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(PortalUserList {
        total: items.len() as u64,
        items,
    }))
}

/// Create a portal user for a contractor (owner, admin, sales): with a `password` it may sign
/// in at once; without one it is invited by mail, in the contractor's language, to set a
/// password through a link valid for 7 days. Usernames are unique within the organisation.
#[utoipa::path(
    tag = "issuer: portal users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contractor id")),
    request_body = NewPortalUser,
    responses(
        (status = 201, description = "Created (and invited when no password was given)", body = PortalUser),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage portal users", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contractor in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken (`errors` names `username`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contractors/{id}/portal-users")]
async fn create_portal_user(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<NewPortalUser>,
) -> Result<HttpResponse, ApiError> {
    let user = app::portal_users::create(&state, &session, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(view(user)?))
}

/// One portal user.
#[utoipa::path(
    tag = "issuer: portal users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Portal user id")),
    responses(
        (status = 200, description = "The portal user", body = PortalUser),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/portal-users/{id}")]
async fn get_portal_user(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<PortalUser>, ApiError> {
    let user = portal_users::find(&state.db, session.scope(), id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(view(user)?))
}

/// Change a portal user (owner, admin, sales). Disabling ends its sessions at once.
#[utoipa::path(
    tag = "issuer: portal users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Portal user id")),
    request_body = PortalUserUpdate,
    responses(
        (status = 200, description = "Saved", body = PortalUser),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage portal users", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/portal-users/{id}")]
async fn update_portal_user(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<PortalUserUpdate>,
) -> Result<web::Json<PortalUser>, ApiError> {
    let user = app::portal_users::update(&state, &session, id.into_inner(), body.0).await?;
    Ok(web::Json(view(user)?))
}

/// Send the invitation again (owner, admin, sales): a new link, valid for 7 days; the earlier
/// link stops working.
#[utoipa::path(
    tag = "issuer: portal users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Portal user id")),
    responses(
        (status = 200, description = "The invitation mail is on its way", body = PortalUser),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage portal users", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The user has no e-mail address, or is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/portal-users/{id}/invitation")]
async fn resend_invitation(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<PortalUser>, ApiError> {
    let user = app::portal_users::resend_invitation(&state, &session, id.into_inner()).await?;
    Ok(web::Json(view(user)?))
}

/// Delete a portal user (owner, admin, sales); its sessions end at once.
#[utoipa::path(
    tag = "issuer: portal users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Portal user id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage portal users", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/portal-users/{id}")]
async fn delete_portal_user(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    app::portal_users::delete(&state, &session, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
