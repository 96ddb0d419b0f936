//! Serves the built single-page apps from `--static-dir`: content-hashed assets under
//! `/assets/` with a year of caching, and each app's `index.html` for every URL of the app, so
//! deep links and reloads work.
//!
//! Layout of the directory (made by `frontend/build.sh`): `portal.html`, `assets/<name>-<hash>.<ext>`.

use std::path::PathBuf;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::state::AppState;

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "wasm" => "application/wasm",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

fn static_dir(state: &AppState) -> Result<PathBuf, ApiError> {
    state.settings.static_dir.clone().ok_or(ApiError::NotFound)
}

/// `GET /assets/{file}`: an immutable, content-hashed asset.
pub async fn asset(
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = file.into_inner();
    let safe = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !safe {
        return Err(ApiError::NotFound);
    }
    let bytes = tokio::fs::read(static_dir(&state)?.join("assets").join(&name))
        .await
        .map_err(|_| ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type(&name))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(bytes))
}

/// `GET /p/{organization}/…`: the customer portal's page, whatever the route inside it.
pub async fn portal_page(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let html = tokio::fs::read(static_dir(&state)?.join("portal.html"))
        .await
        .map_err(|_| ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}

/// Registers the SPA routes (plain actix routes: they are not part of the API document).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/{file}", web::get().to(asset))
        .route("/p/{organization}", web::get().to(portal_page))
        .route("/p/{organization}/{tail:.*}", web::get().to(portal_page));
}
