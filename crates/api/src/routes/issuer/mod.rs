//! The issuer side, `/api/v1/issuer`: the issuing organisation's staff.

pub mod api_keys;
pub mod auth;
pub mod comments;
pub mod contractors;
pub mod documents;
pub mod me;
pub mod organization;
pub mod payments;
pub mod portal_users;
pub mod query;
pub mod settings;
pub mod staff;
pub mod webhooks;

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
        .service(contractors::import_contractors)
        .service(contractors::get_contractor)
        .service(contractors::contractor_changes)
        .service(contractors::update_contractor)
        .service(contractors::archive_contractor)
        .service(contractors::restore_contractor)
        .service(portal_users::list_portal_users)
        .service(portal_users::create_portal_user)
        .service(portal_users::get_portal_user)
        .service(portal_users::update_portal_user)
        .service(portal_users::resend_invitation)
        .service(portal_users::delete_portal_user)
        .service(documents::list_documents)
        // Before `/documents/{id}`, which would take these names for an id.
        .service(documents::pdf_archive)
        .service(documents::mark_sent)
        .service(documents::create_document)
        .service(documents::get_document)
        .service(documents::update_document)
        .service(documents::delete_document)
        .service(documents::issue_document)
        .service(documents::cancel_document)
        .service(documents::credit_note)
        .service(documents::convert_offer)
        .service(comments::issuer_unread_comments)
        .service(comments::issuer_comments)
        .service(comments::issuer_comment)
        .service(comments::issuer_attachment)
        .service(documents::document_pdf)
        .service(payments::list_online_payments)
        .service(payments::list_payments)
        .service(payments::record_payment)
        .service(payments::delete_payment)
        .service(organization::get_organization)
        .service(organization::update_organization)
        .service(organization::get_logo)
        .service(organization::put_logo)
        .service(organization::delete_logo)
        .service(settings::get_settings)
        .service(settings::update_settings)
        .service(settings::apply_to_all)
        .service(settings::get_payment_settings)
        .service(settings::update_payment_settings)
        .service(settings::disconnect_stripe)
        .service(settings::test_stripe)
        .service(settings::list_events)
        .service(api_keys::list_api_keys)
        .service(api_keys::create_api_key)
        .service(api_keys::update_api_key)
        .service(api_keys::revoke_api_key)
        .service(webhooks::list_webhooks)
        .service(webhooks::create_webhook)
        .service(webhooks::get_webhook)
        .service(webhooks::update_webhook)
        .service(webhooks::delete_webhook)
        .service(webhooks::rotate_webhook_secret)
        .service(webhooks::list_webhook_deliveries)
        .service(webhooks::get_webhook_delivery)
        .service(webhooks::resend_webhook_delivery)
        .service(webhooks::test_webhook);
}
