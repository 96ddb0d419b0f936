//! The customer side, `/api/v1/portal`: portal users signed in for one customer.

pub mod auth;
pub mod comments;
pub mod company;
pub mod documents;
pub mod grid_body;
pub mod me;
pub mod payments;
pub mod pdf;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every portal route, mounted at `/api/v1/portal`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope::scope("/auth").configure(auth::routes))
        .service(me::portal_me)
        .service(me::update_portal_me)
        .service(me::change_password)
        .service(company::portal_company)
        .service(company::update_portal_company)
        .service(documents::list_documents)
        .service(documents::get_document)
        .service(documents::accept_offer)
        .service(documents::reject_offer)
        .service(comments::portal_unread_comments)
        .service(comments::portal_comments)
        .service(comments::portal_comment)
        .service(comments::portal_attachment)
        .service(payments::checkout)
        .service(payments::payment_attempt)
        .service(documents::summary)
        .service(pdf::document_pdf);
}
