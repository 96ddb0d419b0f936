//! The issuer's brand in its customer portal: the portal's page links `/p/{slug}/brand.css`,
//! which puts the organisation's logo where the portal's header and sign-in page show their
//! mark — styling only, so the customer's app carries no code for it. The logo itself is
//! public at `/p/{slug}/logo`, as it is on every document the organisation sends.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use portal_store::entities::organization;
use portal_store::issuer::{IssuerScope, profile};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::error::ApiError;
use crate::state::AppState;

/// Height of the portal's mark in CSS pixels (`.brand-mark` in portal.css), and the widest a
/// logo may make it.
const MARK_HEIGHT: u32 = 34;
const MARK_MAX_WIDTH: u32 = 150;

async fn organization_of(
    state: &AppState,
    slug: &str,
) -> Result<Option<organization::Model>, ApiError> {
    if portal_domain::fields::slug("organization", slug).is_err() {
        return Ok(None);
    }
    Ok(organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&state.db)
        .await?)
}

/// `GET /p/{organization}/brand.css`: the logo in place of the portal's mark (empty without
/// one).
pub async fn brand_css(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let mut css = String::from("/* the organisation's brand */\n");
    if let Some(org) = organization_of(&state, &slug).await?
        && let Some(logo) =
            profile::current_logo(&state.db, IssuerScope::new(org.id), org.logo_id).await?
    {
        let (w, h) = (
            u32::try_from(logo.width).unwrap_or(1).max(1),
            u32::try_from(logo.height).unwrap_or(1).max(1),
        );
        let width = (MARK_HEIGHT * w / h).clamp(MARK_HEIGHT, MARK_MAX_WIDTH);
        // The slug passed the slug check (letters, digits, hyphens): safe inside the URL.
        css.push_str(&format!(
            ".brand-mark{{width:{width}px;background:#fff url(\"/p/{slug}/logo?v={}\") center/contain no-repeat;\
             box-shadow:inset 0 0 0 1px var(--border)}}\n.brand-mark>*{{visibility:hidden}}\n",
            logo.id
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(css))
}

/// `GET /p/{organization}/logo`: the organisation's current logo (404 without one).
pub async fn logo(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org = organization_of(&state, &slug.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let id = org.logo_id.ok_or(ApiError::NotFound)?;
    let found = profile::logo(&state.db, IssuerScope::new(org.id), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(found.media_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(found.bytes))
}
