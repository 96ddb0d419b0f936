//! Serves the built single-page apps: content-hashed assets under `/assets/` with a year of
//! caching, and each app's page for every URL of the app, so deep links and reloads work.
//!
//! Two apps, two bundles: the customer portal (`portal.html`, at `/p/{organization}/…`) and the
//! issuer's admin (`admin.html`, at `/admin/…`), so a customer never downloads the issuer's
//! screens. The files are those embedded in the binary when it was built (`build.rs` takes
//! `frontend/dist`, made by `frontend/build.sh`: `{app}.html`, `assets/<name>-<hash>.<ext>`),
//! or, with `--static-dir`, a directory of the same layout read from disk (for development).
//! A binary built before the apps were says at the app's URL how to build them.

use std::path::Path;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::state::AppState;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/spa.rs"));
}

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
        "html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A file of the apps by its path inside the build output (`portal.html`,
/// `assets/portal-1a2b….wasm`): from `--static-dir` when given, else from the binary.
async fn file(state: &AppState, path: &str) -> Option<Vec<u8>> {
    match &state.settings.static_dir {
        Some(dir) => tokio::fs::read(dir.join(Path::new(path))).await.ok(),
        None => embedded::FILES
            .binary_search_by(|(name, _)| (*name).cmp(path))
            .ok()
            .map(|i| embedded::FILES[i].1.to_vec()),
    }
}

/// Whether the binary carries the apps.
pub fn embedded() -> bool {
    embedded::FILES
        .iter()
        .any(|(name, _)| name.ends_with(".html"))
}

/// `GET /assets/{file}`: an immutable, content-hashed asset.
pub async fn asset(
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let safe = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !safe {
        return Err(ApiError::NotFound);
    }
    let bytes = file(&state, &format!("assets/{name}"))
        .await
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type(&name))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(bytes))
}

/// `GET /p/{organization}/…`: the customer portal's page, whatever the route inside it, with
/// the organisation's brand stylesheet linked (see [`super::brand`]).
async fn portal_page(state: &AppState, slug: &str) -> HttpResponse {
    let Some(html) = file(state, "portal.html").await else {
        return not_built(
            state.settings.static_dir.as_deref(),
            "portal",
            "customer portal",
        );
    };
    let html = if portal_domain::fields::slug("organization", slug).is_ok() {
        // The slug passed the slug check (letters, digits, hyphens): safe in the attribute.
        let link = format!("<link rel=\"stylesheet\" href=\"/p/{slug}/brand.css\"></head>");
        String::from_utf8_lossy(&html)
            .replacen("</head>", &link, 1)
            .into_bytes()
    } else {
        html
    };
    page(html)
}

async fn portal_page_root(state: web::Data<AppState>, path: web::Path<String>) -> HttpResponse {
    portal_page(&state, &path.into_inner()).await
}

async fn portal_page_tail(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    portal_page(&state, &path.into_inner().0).await
}

/// `GET /admin/…`: the admin app's page, whatever the route inside it. The page holds no data:
/// every screen behind it asks the issuer API, which wants a staff session.
pub async fn admin_page(state: web::Data<AppState>) -> HttpResponse {
    app_page(&state, "admin", "admin").await
}

async fn app_page(state: &AppState, app: &str, title: &str) -> HttpResponse {
    match file(state, &format!("{app}.html")).await {
        Some(html) => page(html),
        None => not_built(state.settings.static_dir.as_deref(), app, title),
    }
}

fn page(html: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html)
}

/// The page a server without the app answers with: what is missing and how to get it.
fn not_built(static_dir: Option<&Path>, app: &str, title: &str) -> HttpResponse {
    let why = match static_dir {
        Some(dir) => format!(
            "<p><code>--static-dir {}</code> holds no <code>{app}.html</code>.</p>",
            html_escape(&dir.display().to_string())
        ),
        None => format!(
            "<p>This <code>portal</code> binary was built before the {title}'s web app, so it \
             serves the API only.</p>"
        ),
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>The {title} app is not built</title></head><body>\
         <h1>The {title} app is not built</h1>{why}\
         <p>Build the apps, then the server, which embeds them:</p>\
         <pre>just build-spa\ncargo build --release -p portal-api</pre>\
         <p>(<code>just run</code> does both.) Or serve built apps from disk with \
         <code>portal serve --static-dir frontend/dist</code>.</p>\
         <p>The API is available: <a href=\"/api/docs/\">/api/docs/</a>.</p></body></html>"
    );
    HttpResponse::NotFound()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Registers the SPA routes (plain actix routes: they are not part of the API document).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/{file}", web::get().to(asset))
        .route(
            "/p/{organization}/brand.css",
            web::get().to(super::brand::brand_css),
        )
        .route("/p/{organization}/logo", web::get().to(super::brand::logo))
        .route("/p/{organization}", web::get().to(portal_page_root))
        .route(
            "/p/{organization}/{tail:.*}",
            web::get().to(portal_page_tail),
        )
        .route("/admin", web::get().to(admin_page))
        .route("/admin/{tail:.*}", web::get().to(admin_page));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_are_sorted_for_lookup() {
        let names: Vec<&str> = embedded::FILES.iter().map(|(name, _)| *name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
