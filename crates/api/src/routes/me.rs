//! The signed-in user's own identity, on both sides.

use actix_web::{get, web};
use portal_types::{PortalMe, PortalPermissions, Problem, StaffMe};
use sea_orm::EntityTrait;

use crate::auth::{IssuerSession, PortalSession};
use crate::db::entities::{contractor, organization, portal_user, staff_user};
use crate::error::ApiError;
use crate::state::AppState;

/// The portal's release settings of an organisation, as the customer sees them.
pub fn permissions(org: &organization::Model) -> PortalPermissions {
    PortalPermissions {
        document_types: org
            .portal_document_types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        download: org.portal_allow_download,
        comment: org.portal_allow_comments,
        accept_offers: org.portal_allow_offer_decisions,
        pay: org.portal_allow_payments,
    }
}

/// Loads the portal user of a session with its contractor and organisation, all checked to
/// belong together.
pub async fn load_portal_me(
    state: &AppState,
    session: &PortalSession,
) -> Result<PortalMe, ApiError> {
    let user = portal_user::Entity::find_by_id(session.portal_user_id)
        .one(&state.db)
        .await?
        .filter(|u| {
            u.organization_id == session.organization_id && u.contractor_id == session.contractor_id
        })
        .ok_or(ApiError::NotFound)?;
    let contractor = contractor::Entity::find_by_id(session.contractor_id)
        .one(&state.db)
        .await?
        .filter(|c| c.organization_id == session.organization_id)
        .ok_or(ApiError::NotFound)?;
    let org = organization::Entity::find_by_id(session.organization_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(PortalMe {
        id: user.id,
        username: user.username,
        first_name: user.first_name,
        last_name: user.last_name,
        email: user.email,
        contractor_id: contractor.id,
        contractor_name: contractor.name,
        locale: contractor.locale,
        permissions: permissions(&org),
        organization: org.slug,
        organization_name: org.legal_name,
        last_login_at: user.last_login_at.map(|t| t.to_rfc3339()),
    })
}

/// The signed-in portal user, the customer it acts for and what the portal allows.
#[utoipa::path(
    tag = "portal: account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in portal user", body = PortalMe),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn portal_me(
    state: web::Data<AppState>,
    session: PortalSession,
) -> Result<web::Json<PortalMe>, ApiError> {
    Ok(web::Json(load_portal_me(&state, &session).await?))
}

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
    let user = staff_user::Entity::find_by_id(session.staff_user_id)
        .one(&state.db)
        .await?
        .filter(|u| u.organization_id == session.organization_id)
        .ok_or(ApiError::NotFound)?;
    let org = organization::Entity::find_by_id(session.organization_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(StaffMe {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organization: org.slug,
        organization_name: org.legal_name,
    }))
}
