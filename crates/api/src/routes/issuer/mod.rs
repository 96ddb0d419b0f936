//! The issuer side, `/api/v1/issuer`: the issuing organisation's staff.

pub mod auth;
pub mod contractors;
pub mod me;
pub mod portal_users;
pub mod query;
pub mod staff;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every issuer route, mounted at `/api/v1/issuer`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope::scope("/auth").configure(auth::routes))
        .service(me::issuer_me)
        .service(staff::list_staff)
        .service(staff::invite_staff)
        .service(staff::update_staff)
        .service(contractors::list_contractors)
        .service(contractors::create_contractor)
        .service(contractors::get_contractor)
        .service(contractors::update_contractor)
        .service(contractors::archive_contractor)
        .service(contractors::restore_contractor)
        .service(portal_users::list_portal_users)
        .service(portal_users::create_portal_user)
        .service(portal_users::get_portal_user)
        .service(portal_users::update_portal_user)
        .service(portal_users::resend_invitation)
        .service(portal_users::delete_portal_user);
}
