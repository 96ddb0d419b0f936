//! The organisation's staff: list, invite, change role or access.

use actix_web::{HttpResponse, get, patch, post, web};
use portal_store::entities::staff_user;
use portal_store::issuer::staff;
use portal_types::{Problem, Role, StaffInvite, StaffList, StaffMember, StaffUpdate};

use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

fn member(m: staff_user::Model) -> Result<StaffMember, ApiError> {
    Ok(StaffMember {
        role: Role::parse(&m.role)
            .ok_or_else(|| ApiError::internal(format!("unknown role {}", m.role)))?,
        id: m.id,
        email: m.email,
        name: m.name,
        active: m.active,
        invited: m.invited,
        last_login_at: m.last_login_at,
        created_at: m.created_at,
    })
}

/// Every member of the staff, owners first.
#[utoipa::path(
    tag = "issuer: staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The staff", body = StaffList),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff")]
async fn list_staff(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<StaffList>, ApiError> {
    let items = staff::list(&state.db, session.scope())
        .await?
        .into_iter()
        .map(member)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(StaffList {
        total: items.len() as u64,
        items,
    }))
}

/// Invite a colleague by e-mail (owner or admin; only an owner invites an owner). The mail, in
/// the organisation's language, carries a link to set a password, valid for 7 days.
#[utoipa::path(
    tag = "issuer: staff",
    security(("bearer" = [])),
    request_body = StaffInvite,
    responses(
        (status = 201, description = "Invited; the invitation mail is on its way", body = StaffMember),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage staff, or not make owners", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A staff member with this e-mail exists (`errors` names `email`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff")]
async fn invite_staff(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<StaffInvite>,
) -> Result<HttpResponse, ApiError> {
    let invited = app::staff::invite(&state, &session, body.0).await?;
    Ok(HttpResponse::Created().json(member(invited)?))
}

/// Change a member's name, role or access (owner or admin). Ownership is given and taken by
/// owners only; the last active owner can be neither demoted nor deactivated. A deactivated
/// member's sessions end at once; a new role applies from the member's next request.
#[utoipa::path(
    tag = "issuer: staff",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Staff user id")),
    request_body = StaffUpdate,
    responses(
        (status = 200, description = "Saved", body = StaffMember),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not make this change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave the organisation without an active owner", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/staff/{id}")]
async fn update_staff(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<StaffUpdate>,
) -> Result<web::Json<StaffMember>, ApiError> {
    let saved = app::staff::update(&state, &session, id.into_inner(), body.0).await?;
    Ok(web::Json(member(saved)?))
}
