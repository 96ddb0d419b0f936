//! Tenant isolation across organisations and the moment access is withdrawn: a customer of one
//! issuer never sees another issuer's documents, and a disabled user is shut out at the next
//! request rather than when the access token expires.

use portal_client::ClientError;
use portal_store::demo;
use portal_store::entities::{document, organization};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::documents::visible;
use crate::helpers::{TestApp, spawn_app};
use crate::pdf::pdf_text;

fn status_and_code<T: std::fmt::Debug>(result: Result<T, ClientError>) -> (u16, String) {
    match result {
        Err(ClientError::Api {
            status, problem, ..
        }) => (status, problem.code.clone()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn organization_id(app: &TestApp, slug: &str) -> i64 {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .expect("query")
        .expect("organisation")
        .id
}

#[tokio::test]
async fn a_customer_of_another_organisation_sees_none_of_its_documents() {
    let app = spawn_app().await;
    let demo_docs = visible(&app, "acme").await;
    demo::seed_organization(&app.db, "rival", "Rival Trading SA", "owner@rival.example")
        .await
        .expect("second organisation");
    let rival = organization_id(&app, "rival").await;
    let rival_ids: Vec<i64> = document::Entity::find()
        .filter(document::Column::OrganizationId.eq(rival))
        .all(&app.db)
        .await
        .expect("query")
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert!(!rival_ids.is_empty());

    // The same username in another organisation is another person.
    let client = app.client();
    client
        .portal_login("rival", "acme", demo::PORTAL_PASSWORD)
        .await
        .expect("rival's acme signs in");
    assert_eq!(client.portal_me().await.expect("me").organization, "rival");

    for doc in &demo_docs {
        assert_eq!(
            status_and_code(client.portal_document(doc.id).await),
            (404, "not_found".to_string()),
            "document {}",
            doc.id
        );
        assert_eq!(
            status_and_code(client.portal_document_pdf(doc.id, true).await).0,
            404
        );
    }
    let page = client
        .portal_documents(&[("per_page", "200")])
        .await
        .expect("grid");
    assert!(page.total > 0);
    assert!(
        page.items.iter().all(|r| rival_ids.contains(&r.id)),
        "only rival's documents are listed"
    );
    // Filters cannot reach across either: a number that exists in both organisations
    // finds rival's document only.
    let number = &demo_docs[0].number;
    let found = client
        .portal_documents(&[("number", number.as_str())])
        .await
        .expect("grid");
    assert!(found.items.iter().all(|r| rival_ids.contains(&r.id)));
    let summary = client.portal_summary().await.expect("summary");
    assert!(summary.recent.iter().all(|r| rival_ids.contains(&r.id)));

    // And the other way round, for staff: each owner belongs to their own organisation.
    let staff = app.client();
    staff
        .issuer_login("owner@rival.example", demo::OWNER_PASSWORD)
        .await
        .expect("rival's owner");
    assert_eq!(staff.issuer_me().await.expect("me").organization, "rival");
    let demo_owner = app.issuer_client().await;
    assert_eq!(
        demo_owner.issuer_me().await.expect("me").organization,
        "demo"
    );
}

#[tokio::test]
async fn disabling_a_portal_user_or_withdrawing_portal_access_ends_access_at_the_next_request() {
    for (withdraw, restore) in [
        (
            "UPDATE portal_users SET state = 'disabled' WHERE username = 'acme'",
            "UPDATE portal_users SET state = 'active' WHERE username = 'acme'",
        ),
        (
            "UPDATE contractors SET portal_access = false WHERE id = (SELECT contractor_id FROM portal_users WHERE username = 'acme')",
            "UPDATE contractors SET portal_access = true WHERE id = (SELECT contractor_id FROM portal_users WHERE username = 'acme')",
        ),
    ] {
        let app = spawn_app().await;
        let acme = app.portal_client("acme").await;
        let kunde = app.portal_client("kunde").await;
        acme.portal_documents(&[]).await.expect("before");
        app.db.execute_unprepared(withdraw).await.expect("withdraw");
        assert_eq!(
            status_and_code(acme.portal_documents(&[]).await),
            (401, "session_ended".to_string()),
            "{withdraw}"
        );
        assert_eq!(status_and_code(acme.portal_me().await).0, 401);
        kunde
            .portal_documents(&[])
            .await
            .expect("others keep access");
        app.db.execute_unprepared(restore).await.expect("restore");
    }
}

/// Deleting a portal user (directly or with its customer) or moving it to another customer
/// ends its sessions as disabling does: the token, which names the old customer, gets 401 —
/// not a 404 for a user that is gone, and never another customer's documents.
#[tokio::test]
async fn a_deleted_or_moved_portal_user_is_shut_out_at_the_next_request() {
    let acme_contractor = "(SELECT contractor_id FROM portal_users WHERE username = 'acme')";
    for change in [
        vec!["DELETE FROM portal_users WHERE username = 'acme'".to_string()],
        vec![format!(
            "UPDATE portal_users SET contractor_id = (SELECT contractor_id FROM portal_users WHERE username = 'kunde') WHERE username = 'acme'"
        )],
        vec![
            format!("DELETE FROM documents WHERE contractor_id = {acme_contractor}"),
            format!("DELETE FROM contractors WHERE id = {acme_contractor}"),
        ],
    ] {
        let app = spawn_app().await;
        let acme = app.portal_client("acme").await;
        let kunde = app.portal_client("kunde").await;
        acme.portal_me().await.expect("before");
        for sql in &change {
            app.db.execute_unprepared(sql).await.expect(sql);
        }
        assert_eq!(
            status_and_code(acme.portal_documents(&[]).await),
            (401, "session_ended".to_string()),
            "{change:?}"
        );
        assert_eq!(status_and_code(acme.portal_me().await).0, 401, "{change:?}");
        assert_eq!(status_and_code(acme.refresh().await).0, 401, "{change:?}");
        kunde
            .portal_documents(&[])
            .await
            .expect("others keep access");
    }
}

#[tokio::test]
async fn a_deleted_staff_user_is_shut_out_at_the_next_request() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    owner.issuer_me().await.expect("before");
    app.db
        .execute_unprepared("DELETE FROM staff_users")
        .await
        .expect("delete");
    assert_eq!(
        status_and_code(owner.issuer_me().await),
        (401, "session_ended".to_string())
    );
    assert_eq!(status_and_code(owner.refresh().await).0, 401);
}

#[tokio::test]
async fn a_deactivated_staff_user_is_shut_out_at_the_next_request() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    owner.issuer_me().await.expect("before");
    app.db
        .execute_unprepared("UPDATE staff_users SET active = false")
        .await
        .expect("deactivate");
    assert_eq!(
        status_and_code(owner.issuer_me().await),
        (401, "session_ended".to_string())
    );
}

#[tokio::test]
async fn a_credit_note_never_names_another_customers_invoice() {
    let app = spawn_app().await;
    let acme_docs = visible(&app, "acme").await;
    let kunde_invoice = visible(&app, "kunde")
        .await
        .into_iter()
        .find(|d| d.doc_type == "invoice")
        .expect("kunde's invoice");
    let credit = acme_docs
        .iter()
        .find(|d| d.doc_type == "credit_note")
        .expect("acme's credit note");
    // Bad data from an integration: the credit note points at another customer's invoice.
    app.db
        .execute_unprepared(&format!(
            "UPDATE documents SET related_document_id = {} WHERE id = {}",
            kunde_invoice.id, credit.id
        ))
        .await
        .expect("relink");
    let client = app.portal_client("acme").await;
    let detail = client.portal_document(credit.id).await.expect("detail");
    assert_eq!(detail.related_document_number, None);
    assert_eq!(detail.related_document_id, None);
    let text = pdf_text(
        &client
            .portal_document_pdf(credit.id, true)
            .await
            .expect("pdf"),
    );
    assert!(
        !text.contains(&kunde_invoice.number),
        "kunde's invoice number on acme's credit note:\n{text}"
    );
}
