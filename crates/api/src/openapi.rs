//! The OpenAPI document, collected from the same route list the server runs.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Customer portal API",
        version = "1",
        description = "Customers see every document issued to them, know what is paid and what is open, \
download PDFs, comment and pay; the issuer sees that each document was received.\n\n\
Customer endpoints live under `/api/v1/portal` and take portal-user access tokens; issuer endpoints \
under `/api/v1/issuer` take staff access tokens. Errors are RFC 9457 `application/problem+json` with a \
stable `code`. Money travels as decimal strings, dates as `YYYY-MM-DD`, instants as RFC 3339 UTC.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    components(schemas(portal_types::Problem, portal_types::FieldError))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .build(),
                ),
            );
        }
    }
}

/// The whole document.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::api)
        .split_for_parts();
    api
}

/// The document as the committed `openapi/openapi.json` holds it (pretty, trailing newline).
pub fn spec_json() -> String {
    let mut text = spec()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
