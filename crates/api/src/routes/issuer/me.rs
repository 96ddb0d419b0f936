//! The signed-in staff user's own identity.

use actix_web::{get, web};
use portal_store::entities::staff_user;
use portal_types::{Problem, StaffMe};
use sea_orm::EntityTrait;

use crate::auth::{IssuerSession, session_ended};
use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in staff user and organisation.
#[utoipa::path(
    tag = "issuer: account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in staff user", body = StaffMe),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn issuer_me(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<StaffMe>, ApiError> {
    // Only for people: an API key never reaches this path (see `auth::api_key::resource_of`).
    let staff_user_id = session
        .staff_user_id()
        .ok_or_else(|| ApiError::internal("a key got past the route check"))?;
    let user = staff_user::Entity::find_by_id(staff_user_id)
        .one(&state.db)
        .await?
        .filter(|u| u.organization_id == session.organization_id)
        .ok_or_else(session_ended)?;
    let org = &session.organization;
    Ok(web::Json(StaffMe {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organization: org.slug.clone(),
        organization_name: org.legal_name.clone(),
    }))
}
