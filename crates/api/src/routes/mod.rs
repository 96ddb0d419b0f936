//! HTTP routes, grouped by realm: `portal/` (customers), `issuer/` (staff), `system/` (probes,
//! web apps, fallback). `api` registers them through utoipa-actix-web, so the router and the
//! OpenAPI document come from the same list.

pub mod comments;
pub mod issuer;
pub mod params;
pub mod payments;
pub mod portal;
pub mod system;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every API route.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.service(system::health::health)
        .service(system::health::ready)
        .service(
            scope::scope("/api/v1")
                .service(scope::scope("/portal").configure(portal::routes))
                .service(scope::scope("/issuer").configure(issuer::routes))
                .service(scope::scope("/payments").configure(payments::routes)),
        );
}
