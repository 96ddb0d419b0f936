//! HTTP routes, one module per resource. `api` registers them through utoipa-actix-web, so the
//! router and the OpenAPI document come from the same list.

pub mod auth;
pub mod documents;
pub mod fallback;
pub mod grid_body;
pub mod health;
pub mod me;
pub mod params;
pub mod pdf;
pub mod spa;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every API route.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.service(health::health).service(health::ready).service(
        scope::scope("/api/v1")
            .service(scope::scope("/portal/auth").configure(auth::portal_routes))
            .service(scope::scope("/issuer/auth").configure(auth::issuer_routes))
            .service(
                scope::scope("/portal")
                    .service(me::portal_me)
                    .service(me::update_portal_me)
                    .service(me::change_password)
                    .service(documents::list_documents)
                    .service(documents::get_document)
                    .service(documents::summary)
                    .service(pdf::document_pdf),
            )
            .service(scope::scope("/issuer").service(me::issuer_me)),
    );
}
