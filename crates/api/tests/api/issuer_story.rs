//! A staff member runs the portal over REST alone, start to finish: invites a colleague,
//! creates a contractor and gives it portal access, creates a portal user with a typed password
//! and invites another by mail, issues an invoice the customer sees at once and is mailed
//! about, records a partial payment the customer's grid shows, and switches a document type off
//! so it leaves the portal. Mail is received by a real SMTP server.

use portal_types::{
    ContractorUpdate, DocumentType, LineInput, NewContractor, NewDocument, NewPayment,
    NewPortalUser, PaymentMethod, PaymentStatus, PortalSettingsUpdate, Role, SettingsUpdate,
    StaffInvite,
};

use crate::helpers::spawn_app_with_mail;

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_string()
}

#[tokio::test]
async fn a_staff_member_runs_the_portal_over_rest_alone() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;

    // 1. a colleague, invited by mail, signs in as an accountant
    owner
        .invite_staff(&StaffInvite {
            email: "anna@demo.example".into(),
            name: "Anna Accountant".into(),
            role: Role::Accountant,
        })
        .await
        .expect("invite colleague");
    let link = sink.wait_for(1).await[0]
        .link("/admin/set-password")
        .expect("link");
    let anna = app.client();
    anna.issuer_set_password(&token_of(&link), "ledger-and-balance")
        .await
        .expect("colleague signs in");

    // 2. a contractor, then portal access for it
    let contractor = owner
        .create_contractor(&NewContractor {
            name: "Nordlicht AG".into(),
            kind: None,
            tax_id: None,
            vat_number: Some("DE 811 907 980".into()),
            address: None,
            email: Some("einkauf@nordlicht.example".into()),
            phone: None,
            iban: None,
            bic: None,
            locale: Some("de".into()),
            salesperson_id: None,
            payment_terms_days: None,
            portal_access: Some(false),
        })
        .await
        .expect("contractor");
    owner
        .update_contractor(
            contractor.id,
            &ContractorUpdate {
                portal_access: Some(true),
                ..ContractorUpdate::default()
            },
        )
        .await
        .expect("portal access");

    // 3. a portal user with a typed password, and one invited by mail
    owner
        .create_portal_user(
            contractor.id,
            &NewPortalUser {
                username: "nordlicht".into(),
                first_name: "Nina".into(),
                last_name: "Nord".into(),
                email: Some("nina@nordlicht.example".into()),
                password: Some("typed-by-the-issuer".into()),
                must_change_password: Some(false),
            },
        )
        .await
        .expect("typed password");
    owner
        .create_portal_user(
            contractor.id,
            &NewPortalUser {
                username: "olaf".into(),
                first_name: "Olaf".into(),
                last_name: "Licht".into(),
                email: Some("olaf@nordlicht.example".into()),
                password: None,
                must_change_password: None,
            },
        )
        .await
        .expect("invited");
    sink.wait_for(2).await;
    let invitation = sink.to("olaf@nordlicht.example").remove(0);
    assert_eq!(invitation.header("Content-Language").as_deref(), Some("de"));
    let olaf = app.client();
    olaf.portal_set_password(
        &token_of(&invitation.link("/p/demo/set-password").expect("link")),
        "northern-lights-42",
    )
    .await
    .expect("olaf signs in");
    let nina = app.client();
    nina.portal_login("demo", "nordlicht", "typed-by-the-issuer")
        .await
        .expect("nina signs in");

    // 4. an invoice, issued by the accountant: the customer sees it at once and is mailed
    let draft = anna
        .create_document(&NewDocument {
            contractor_id: contractor.id,
            doc_type: DocumentType::Invoice,
            currency: Some("EUR".into()),
            issue_date: None,
            due_date: None,
            lines: vec![LineInput {
                description: "Wartungsvertrag Q1".into(),
                quantity: "3".into(),
                unit: "Monat".into(),
                unit_price: "400.00".into(),
                discount_percent: None,
                vat_rate: "19".into(),
            }],
            notes: None,
            related_document_id: None,
        })
        .await
        .expect("draft");
    let invoice = anna
        .document_action(draft.row.id, "issue")
        .await
        .expect("issue");
    assert_eq!(invoice.row.total, "1428.00");
    let grid = nina.portal_documents(&[]).await.expect("grid");
    assert_eq!(grid.items.len(), 1);
    assert_eq!(
        grid.items[0].number,
        invoice.row.number.clone().expect("number")
    );
    sink.wait_for(4).await;
    for address in ["nina@nordlicht.example", "olaf@nordlicht.example"] {
        let mails = sink.to(address);
        let mail = mails.last().expect("mailed");
        assert!(
            mail.subject().starts_with("Rechnung Nr."),
            "{}",
            mail.subject()
        );
    }

    // 5. a partial payment shows in the customer's grid
    anna.record_payment(
        invoice.row.id,
        &NewPayment {
            amount: "428.00".into(),
            date: None,
            method: PaymentMethod::BankTransfer,
            reference: Some("RF18 5390 0754 7034".into()),
        },
        Some("bank-statement-2026-12-02-7"),
    )
    .await
    .expect("payment");
    let row = nina
        .portal_documents(&[])
        .await
        .expect("grid")
        .items
        .remove(0);
    assert_eq!(
        (row.paid.as_deref(), row.remaining.as_deref()),
        (Some("428.00"), Some("1000.00"))
    );
    assert_eq!(row.payment_status, Some(PaymentStatus::PartiallyPaid));

    // 6. invoices switched off: they leave the portal
    let mut types = owner
        .settings()
        .await
        .expect("settings")
        .portal
        .document_types;
    types.retain(|t| *t != DocumentType::Invoice);
    owner
        .update_settings(&SettingsUpdate {
            portal: Some(PortalSettingsUpdate {
                document_types: Some(types),
                ..PortalSettingsUpdate::default()
            }),
        })
        .await
        .expect("settings");
    assert_eq!(nina.portal_documents(&[]).await.expect("grid").total, 0);
    assert_eq!(
        nina.portal_document(invoice.row.id)
            .await
            .err()
            .and_then(|e| e.status()),
        Some(404)
    );

    // and the trail has it all, with who did it
    let trail = owner.events(&[("per_page", "200")]).await.expect("events");
    for kind in [
        "staff_invited",
        "invitation_accepted",
        "contractor_created",
        "contractor_changed",
        "portal_user_created",
        "portal_user_invited",
        "issued",
        "payment_recorded",
        "settings_changed",
    ] {
        assert!(trail.items.iter().any(|e| e.kind == kind), "{kind}");
    }
    let anna_id = anna.issuer_me().await.expect("me").id;
    let by_anna = owner
        .events(&[("actor", &format!("staff_user:{anna_id}"))])
        .await
        .expect("events");
    let kinds: Vec<&str> = by_anna.items.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains(&"issued") && kinds.contains(&"payment_recorded"),
        "{kinds:?}"
    );
}
