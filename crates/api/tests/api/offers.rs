//! Offers decided in the portal: a customer accepts or rejects an open offer once, with a
//! reason if it likes; the decision shows on both sides, in the trail and in a mail to the
//! salesperson (or the owners and admins); an offer past its validity cannot be decided;
//! concurrent decisions record exactly one. The issuer turns an accepted offer into a draft.

use chrono::{Days, Utc};
use portal_client::Client;
use portal_types::{
    DocumentState, DocumentType, LineInput, NewDocument, PortalSettingsUpdate, SettingsUpdate,
};
use sea_orm::ConnectionTrait;

use crate::helpers::{TestApp, api_error, spawn_app, spawn_app_with_mail};

/// An issued offer for `contractor`, valid until `valid_days` from today (negative: past).
async fn offer(owner: &Client, contractor: i64, valid_days: i64) -> i64 {
    let today = Utc::now().date_naive();
    let doc = owner
        .create_document(&NewDocument {
            contractor_id: contractor,
            doc_type: DocumentType::Offer,
            currency: Some("EUR".into()),
            issue_date: Some(today - Days::new(30)),
            due_date: Some(if valid_days >= 0 {
                today + Days::new(valid_days.unsigned_abs())
            } else {
                today - Days::new(valid_days.unsigned_abs())
            }),
            lines: vec![
                LineInput {
                    description: "Shelving, oak".into(),
                    quantity: "3".into(),
                    unit: "pcs".into(),
                    unit_price: "120.50".into(),
                    discount_percent: Some("10".into()),
                    vat_rate: "19".into(),
                },
                LineInput {
                    description: "Assembly".into(),
                    quantity: "2.5".into(),
                    unit: "h".into(),
                    unit_price: "40".into(),
                    discount_percent: None,
                    vat_rate: "19".into(),
                },
            ],
            notes: Some("Delivery within two weeks".into()),
            related_document_id: None,
        })
        .await
        .expect("draft offer");
    owner
        .document_action(doc.row.id, "issue")
        .await
        .expect("issue")
        .row
        .id
}

async fn customer_of(client: &Client) -> i64 {
    client.portal_me().await.expect("me").contractor_id
}

async fn state_of(app: &TestApp, id: i64) -> String {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT state FROM documents WHERE id = {id}"),
        ))
        .await
        .expect("query")
        .expect("row");
    row.try_get("", "state").expect("state")
}

#[tokio::test]
async fn a_customer_accepts_an_offer_once_and_the_salesperson_is_mailed() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let id = offer(&owner, customer_of(&kunde).await, 14).await;
    // Issuing it mailed the customer; the decision's mail comes after.
    let before = sink.wait_for(1).await.len();

    let detail = kunde
        .decide_offer(id, "accept", Some("  Passt so.\nBitte liefern.  "))
        .await
        .expect("accepted");
    assert_eq!(detail.row.state, DocumentState::Accepted);
    let decision = detail.decision.expect("the decision");
    assert_eq!(decision.state, DocumentState::Accepted);
    assert_eq!(
        decision.reason.as_deref(),
        Some("Passt so.\nBitte liefern.")
    );
    assert!(!decision.decided_by.is_empty());
    assert!((Utc::now() - decision.decided_at).num_seconds().abs() < 60);

    // The issuer sees the same decision, and the trail names it.
    let issued = owner.issuer_document(id).await.expect("issuer view");
    assert_eq!(issued.decision.as_ref(), Some(&decision));
    assert!(issued.events.iter().any(|e| e.kind == "offer_accepted"));

    // The salesperson (the demo's owner) is mailed, with the reason quoted as text.
    let mails = sink.wait_for(before + 1).await;
    let mail = &mails[before];
    assert_eq!(mail.to, ["owner@demo.example"]);
    assert!(
        mail.subject()
            .contains(issued.row.number.as_deref().expect("number")),
        "{}",
        mail.subject()
    );
    assert!(mail.text().contains("Bitte liefern."), "{}", mail.text());
    assert!(mail.html().contains(&format!("/admin/documents/{id}")));

    // Final: a second accept, and a reject after it, are refused and change nothing.
    for decision in ["accept", "reject"] {
        let (status, code, _) = api_error(kunde.decide_offer(id, decision, None).await);
        assert_eq!((status, code.as_str()), (409, "already_decided"));
    }
    let again = kunde.portal_document(id).await.expect("view");
    assert_eq!(
        again.decision.and_then(|d| d.reason).as_deref(),
        Some("Passt so.\nBitte liefern.")
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), before + 1, "no second mail");
}

#[tokio::test]
async fn a_rejection_keeps_its_reason_as_plain_text_and_bad_reasons_change_nothing() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let id = offer(&owner, customer_of(&kunde).await, 0).await;
    // Nobody is the customer's salesperson: the owners and admins hear of it.
    app.db
        .execute_unprepared("UPDATE contractors SET salesperson_id = NULL")
        .await
        .expect("no salesperson");
    // An admin is told, an accountant is not.
    app.staff_client("admin").await;
    app.staff_client("accountant").await;

    let long = "x".repeat(2001);
    for bad in [long.as_str(), "bell\u{7}"] {
        let (status, _, fields) = api_error(kunde.decide_offer(id, "reject", Some(bad)).await);
        assert_eq!((status, fields), (422, vec!["reason".to_string()]));
    }
    assert_eq!(state_of(&app, id).await, "issued");

    let before = sink.wait_for(1).await.len();
    let script = "<script>alert(1)</script> zu teuer & zu spät";
    let detail = kunde
        .decide_offer(id, "reject", Some(script))
        .await
        .expect("rejected on its last valid day");
    assert_eq!(detail.row.state, DocumentState::Rejected);
    assert_eq!(
        detail.decision.and_then(|d| d.reason).as_deref(),
        Some(script)
    );
    let mails = sink.wait_for(before + 2).await;
    let mut to: Vec<String> = mails[before..].iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["admin@demo.example", "owner@demo.example"]);
    let html = mails[before].html();
    assert!(!html.contains("<script>"), "the reason is escaped: {html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; zu teuer &amp; zu spät"));
}

#[tokio::test]
async fn an_offer_past_its_validity_expires_instead_of_being_decided() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let id = offer(&owner, customer_of(&kunde).await, -1).await;
    let (status, code, _) = api_error(kunde.decide_offer(id, "accept", None).await);
    assert_eq!((status, code.as_str()), (409, "offer_expired"));
    assert_eq!(state_of(&app, id).await, "expired");
    let (status, code, _) = api_error(kunde.decide_offer(id, "reject", None).await);
    assert_eq!((status, code.as_str()), (409, "offer_expired"));
    assert_eq!(
        kunde.portal_document(id).await.expect("view").decision,
        None
    );
}

#[tokio::test]
async fn concurrent_accept_and_reject_record_exactly_one_decision() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let first = app.portal_client("kunde").await;
    let second = app.portal_client("kunde").await;
    let customer = customer_of(&first).await;
    for _ in 0..3 {
        let id = offer(&owner, customer, 5).await;
        let (a, b) = tokio::join!(
            first.decide_offer(id, "accept", None),
            second.decide_offer(id, "reject", None)
        );
        let won: Vec<DocumentState> = [&a, &b]
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|d| d.row.state))
            .collect();
        assert_eq!(won.len(), 1, "{a:?} {b:?}");
        let lost = if a.is_ok() { b } else { a };
        assert_eq!(api_error(lost).1, "already_decided");
        assert_eq!(state_of(&app, id).await, won[0].as_str());
        let events = app
            .scalar(&format!(
                "SELECT COUNT(*) AS n FROM events WHERE document_id = {id} AND kind IN ('offer_accepted', 'offer_rejected')"
            ))
            .await;
        assert_eq!(events, 1);
    }
}

#[tokio::test]
async fn only_the_customers_own_open_offers_are_decided_where_the_issuer_allows_it() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let acme = app.portal_client("acme").await;
    let id = offer(&owner, customer_of(&kunde).await, 5).await;

    // Another customer of the same issuer, and anybody without a portal token: not found.
    assert_eq!(
        api_error(acme.decide_offer(id, "accept", None).await).0,
        404
    );
    assert_eq!(
        api_error(app.client().decide_offer(id, "accept", None).await).0,
        401
    );
    // A staff token is not a portal token.
    assert_eq!(
        api_error(owner.decide_offer(id, "accept", None).await).0,
        401
    );
    // An invoice is not an offer.
    let invoices = kunde
        .portal_documents(&[("type", "invoice"), ("per_page", "1")])
        .await
        .expect("invoices");
    let invoice = invoices.items[0].id;
    let (status, code, _) = api_error(kunde.decide_offer(invoice, "accept", None).await);
    assert_eq!((status, code.as_str()), (409, "not_an_offer"));
    // A cancelled offer is not open.
    let cancelled = offer(&owner, customer_of(&kunde).await, 5).await;
    owner
        .document_action(cancelled, "cancel")
        .await
        .expect("cancel");
    let (status, code, _) = api_error(kunde.decide_offer(cancelled, "accept", None).await);
    assert_eq!((status, code.as_str()), (409, "not_open"));

    // The issuer takes no decisions in the portal: refused, nothing changes.
    app.db
        .execute_unprepared("UPDATE organizations SET portal_allow_offer_decisions = false")
        .await
        .expect("switch off");
    let (status, code, _) = api_error(kunde.decide_offer(id, "accept", None).await);
    assert_eq!((status, code.as_str()), (403, "decisions_not_allowed"));
    assert_eq!(state_of(&app, id).await, "issued");
}

#[tokio::test]
async fn an_accepted_offer_becomes_a_draft_invoice_with_the_same_lines() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let id = offer(&owner, customer_of(&kunde).await, 5).await;

    // Not accepted yet: refused.
    let (status, code, _) = api_error(owner.convert_offer(id, DocumentType::Invoice).await);
    assert_eq!((status, code.as_str()), (409, "not_accepted"));
    kunde
        .decide_offer(id, "accept", None)
        .await
        .expect("accept");

    // Another organisation, and a role without documents, cannot.
    let rival = app.rival_owner().await;
    assert_eq!(
        api_error(rival.convert_offer(id, DocumentType::Invoice).await).0,
        404
    );
    let sales = app.staff_client("sales").await;
    assert_eq!(
        api_error(sales.convert_offer(id, DocumentType::Invoice).await).0,
        403
    );
    // An offer becomes an invoice or an order confirmation only.
    let (status, _, fields) = api_error(owner.convert_offer(id, DocumentType::CreditNote).await);
    assert_eq!((status, fields), (422, vec!["type".to_string()]));

    let source = owner.issuer_document(id).await.expect("offer");
    let draft = owner
        .convert_offer(id, DocumentType::Invoice)
        .await
        .expect("converted");
    assert_eq!(draft.row.state, DocumentState::Draft);
    assert_eq!(draft.row.doc_type, DocumentType::Invoice);
    assert_eq!(draft.row.contractor_id, source.row.contractor_id);
    assert_eq!(draft.row.date, Utc::now().date_naive());
    assert_eq!(draft.notes.as_deref(), Some("Delivery within two weeks"));
    // The lines as the offer had them; the totals computed independently:
    // 3 × 120.50 − 10 % = 325.35; 2.5 × 40 = 100.00; net 425.35; VAT 19 % = 80.8165 → 80.82.
    let lines = |d: &portal_types::IssuerDocument| {
        d.lines
            .iter()
            .map(|l| {
                (
                    l.description.clone(),
                    l.quantity.clone(),
                    l.unit_price.clone(),
                    l.net.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(&draft), lines(&source));
    assert_eq!(
        (
            draft.row.tax_base.as_str(),
            draft.row.vat.as_str(),
            draft.row.total.as_str()
        ),
        ("425.35", "80.82", "506.17")
    );
    let trail = owner.issuer_document(id).await.expect("offer again");
    assert!(trail.events.iter().any(|e| e.kind == "offer_converted"));
    // The draft issues like any other invoice.
    let issued = owner
        .document_action(draft.row.id, "issue")
        .await
        .expect("issue the invoice");
    assert_eq!(issued.row.state, DocumentState::Issued);
}

#[tokio::test]
async fn a_rejection_needs_a_reason_where_the_issuer_asks_for_one() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let id = offer(&owner, customer_of(&kunde).await, 5).await;
    let me = kunde.portal_me().await.expect("me");
    assert!(!me.permissions.rejection_reason_required);
    // Off by default: an accountant may not change it, an owner may.
    let ask = SettingsUpdate {
        portal: Some(PortalSettingsUpdate {
            rejection_reason_required: Some(true),
            ..PortalSettingsUpdate::default()
        }),
    };
    let accountant = app.staff_client("accountant").await;
    assert_eq!(api_error(accountant.update_settings(&ask).await).0, 403);
    let saved = owner.update_settings(&ask).await.expect("settings");
    assert!(saved.portal.rejection_reason_required);
    // The portal is told at once, and a rejection without a reason (or a blank one) is refused.
    let me = kunde.portal_me().await.expect("me");
    assert!(me.permissions.rejection_reason_required);
    for reason in [None, Some("  \n ")] {
        let (status, code, fields) = api_error(kunde.decide_offer(id, "reject", reason).await);
        assert_eq!(
            (status, code.as_str(), fields),
            (422, "validation_failed", vec!["reason".to_string()])
        );
    }
    assert_eq!(state_of(&app, id).await, "issued");
    // Accepting needs none; the decision is taken once.
    let detail = kunde
        .decide_offer(id, "accept", None)
        .await
        .expect("accept");
    assert_eq!(detail.row.state, DocumentState::Accepted);
    // A later rejection, with or without a reason, hears that it was decided.
    for reason in [None, Some("too late")] {
        let (status, code, _) = api_error(kunde.decide_offer(id, "reject", reason).await);
        assert_eq!((status, code.as_str()), (409, "already_decided"));
    }
    let other = offer(&owner, customer_of(&kunde).await, 5).await;
    let detail = kunde
        .decide_offer(other, "reject", Some("Too late for this season"))
        .await
        .expect("reject with a reason");
    assert_eq!(detail.row.state, DocumentState::Rejected);
}
