//! A customer's own company data in the portal: read as the issuer keeps it, changed where the
//! issuer releases it (an IBAN by its checksum, a VAT number by its country's format, a locked
//! group refused), each change kept with its old and new value, who and when, and mailed to the
//! issuer; staff edits land in the same history; nothing crosses to another customer or
//! organisation.

use portal_types::{
    Address, CommentSide, CompanyFields, CompanyUpdate, ContractorUpdate, PortalSettingsUpdate,
    SettingsUpdate,
};
use sea_orm::ConnectionTrait;

use crate::helpers::{api_error, spawn_app, spawn_app_with_mail};

#[tokio::test]
async fn a_customer_changes_its_address_and_bank_account_and_the_issuer_sees_the_history() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    // Nobody is the customer's salesperson: the owners and admins hear of it.
    app.db
        .execute_unprepared("UPDATE contractors SET salesperson_id = NULL")
        .await
        .expect("no salesperson");
    let before = kunde.portal_company().await.expect("company");
    assert_eq!(
        before.editable,
        [CompanyFields::Bank, CompanyFields::Contact]
    );
    let me = kunde.portal_me().await.expect("me");
    let as_issuer = owner
        .contractor(me.contractor_id)
        .await
        .expect("contractor");
    assert_eq!(before.name, as_issuer.name);
    assert_eq!(before.iban, as_issuer.iban);
    assert_eq!(before.address, as_issuer.address);

    let mails = sink.messages().len();
    let after = kunde
        .update_portal_company(&CompanyUpdate {
            address: Some(Address {
                street: Some("Neue Straße 5".into()),
                city: Some("Köln".into()),
                ..Address::default()
            }),
            phone: Some("+49 221 555 0100".into()),
            iban: Some("de89 3704 0044 0532 0130 00".into()),
            ..CompanyUpdate::default()
        })
        .await
        .expect("saved");
    // The IBAN is kept in its compact form; the fields not sent stay.
    assert_eq!(after.iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(after.address.street.as_deref(), Some("Neue Straße 5"));
    assert_eq!(after.address.city.as_deref(), Some("Köln"));
    assert_eq!(after.address.postal_code, before.address.postal_code);
    assert_eq!(after.email, before.email);
    assert_eq!(after.vat_number, before.vat_number);
    assert_eq!(kunde.portal_company().await.expect("read again"), after);
    let as_issuer = owner
        .contractor(me.contractor_id)
        .await
        .expect("contractor");
    assert_eq!(as_issuer.iban, after.iban);
    assert_eq!(as_issuer.phone, after.phone);

    // The history: one row per changed field, old and new, the customer's person, newest first.
    let history = owner
        .contractor_changes(me.contractor_id)
        .await
        .expect("history");
    let mut fields: Vec<(&str, Option<&str>, Option<&str>)> = history
        .items
        .iter()
        .map(|c| {
            (
                c.field.as_str(),
                c.old_value.as_deref(),
                c.new_value.as_deref(),
            )
        })
        .collect();
    fields.sort();
    let mut expected = vec![
        ("address.city", before.address.city.as_deref(), Some("Köln")),
        (
            "address.street",
            before.address.street.as_deref(),
            Some("Neue Straße 5"),
        ),
        (
            "iban",
            before.iban.as_deref(),
            Some("DE89370400440532013000"),
        ),
        ("phone", before.phone.as_deref(), Some("+49 221 555 0100")),
    ];
    expected.retain(|(_, old, new)| old != new);
    expected.sort();
    assert_eq!(fields, expected);
    let person = format!("{} {}", me.first_name, me.last_name);
    assert!(
        history
            .items
            .iter()
            .all(|c| c.side == CommentSide::Customer && c.changed_by == person.trim())
    );

    // The owner is mailed the list, with the bank account's warning.
    let received = sink.wait_for(mails + 1).await;
    let mail = &received[mails];
    assert_eq!(mail.to, ["owner@demo.example"]);
    let text = mail.text().replace("\r\n", "\n");
    assert!(text.contains("Street: "), "{text}");
    assert!(text.contains("→ Neue Straße 5"), "{text}");
    assert!(text.contains("IBAN: "), "{text}");
    assert!(text.contains("The bank account was changed."), "{text}");
    assert!(
        mail.html()
            .contains(&format!("/admin/contractors/{}", me.contractor_id))
    );

    // The same values again change nothing: no history, no mail.
    kunde
        .update_portal_company(&CompanyUpdate {
            phone: Some("+49 221 555 0100".into()),
            ..CompanyUpdate::default()
        })
        .await
        .expect("unchanged");
    assert_eq!(
        owner
            .contractor_changes(me.contractor_id)
            .await
            .expect("history")
            .items
            .len(),
        history.items.len()
    );

    // Staff edits of the same data land in the same history, as the issuer's (and mail nobody).
    let queued = app.scalar("SELECT count(*) AS n FROM outbox").await;
    owner
        .update_contractor(
            me.contractor_id,
            &ContractorUpdate {
                email: Some("rechnungen@kunde.example".into()),
                locale: Some("de".into()),
                ..ContractorUpdate::default()
            },
        )
        .await
        .expect("staff edit");
    let latest = owner
        .contractor_changes(me.contractor_id)
        .await
        .expect("history");
    let newest = &latest.items[0];
    assert_eq!(
        (
            newest.side,
            newest.field.as_str(),
            newest.new_value.as_deref()
        ),
        (
            CommentSide::Issuer,
            "email",
            Some("rechnungen@kunde.example")
        )
    );
    assert_eq!(latest.items.len(), history.items.len() + 1);
    assert_eq!(app.scalar("SELECT count(*) AS n FROM outbox").await, queued);
}

#[tokio::test]
async fn bad_or_locked_fields_are_named_and_change_nothing() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let before = kunde.portal_company().await.expect("company");
    let mails = sink.messages().len();

    // A typo in the IBAN (its checksum fails), a bad e-mail, and the locked tax data: all named.
    let (status, _, mut fields) = api_error(
        kunde
            .update_portal_company(&CompanyUpdate {
                iban: Some("DE89370400440532013001".into()),
                email: Some("not an address".into()),
                vat_number: Some("DE123456789".into()),
                ..CompanyUpdate::default()
            })
            .await,
    );
    fields.sort();
    assert_eq!(
        (status, fields),
        (
            422,
            vec!["email".to_string(), "iban".into(), "vat_number".into()]
        )
    );
    let locked = kunde
        .request(reqwest::Method::PATCH, "/api/v1/portal/company")
        .json(&serde_json::json!({ "tax_id": "123" }))
        .send()
        .await
        .expect("send");
    assert_eq!(locked.status(), 422);
    let problem: portal_types::Problem = locked.json().await.expect("problem");
    assert_eq!(
        (
            problem.errors[0].field.as_str(),
            problem.errors[0].code.as_str()
        ),
        ("tax_id", "locked")
    );
    // Locked and malformed: refused as locked, once.
    let locked = kunde
        .request(reqwest::Method::PATCH, "/api/v1/portal/company")
        .json(&serde_json::json!({ "vat_number": "nonsense" }))
        .send()
        .await
        .expect("send");
    assert_eq!(locked.status(), 422);
    let problem: portal_types::Problem = locked.json().await.expect("problem");
    let errors: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(errors, [("vat_number", "locked")]);
    // The name is the issuer's to change; an unknown field is refused.
    let response = kunde
        .request(reqwest::Method::PATCH, "/api/v1/portal/company")
        .json(&serde_json::json!({ "name": "Someone Else GmbH" }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    assert_eq!(kunde.portal_company().await.expect("company"), before);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM contractor_changes")
            .await,
        0
    );

    // The issuer releases the tax data, and a VAT number of the right format is taken; with
    // nothing released everything is read-only.
    let release = |groups: Vec<CompanyFields>| SettingsUpdate {
        portal: Some(PortalSettingsUpdate {
            company_fields: Some(groups),
            ..PortalSettingsUpdate::default()
        }),
    };
    let saved = owner
        .update_settings(&release(vec![CompanyFields::Tax]))
        .await
        .expect("settings");
    assert_eq!(saved.portal.company_fields, [CompanyFields::Tax]);
    let (status, _, fields) = api_error(
        kunde
            .update_portal_company(&CompanyUpdate {
                vat_number: Some("DE12345678".into()),
                ..CompanyUpdate::default()
            })
            .await,
    );
    assert_eq!((status, fields), (422, vec!["vat_number".to_string()]));
    let after = kunde
        .update_portal_company(&CompanyUpdate {
            vat_number: Some("de 987 654 321".into()),
            ..CompanyUpdate::default()
        })
        .await
        .expect("VAT number");
    assert_ne!(before.vat_number.as_deref(), Some("DE987654321"));
    assert_eq!(after.vat_number.as_deref(), Some("DE987654321"));
    assert_eq!(after.editable, [CompanyFields::Tax]);
    owner
        .update_settings(&release(vec![]))
        .await
        .expect("settings");
    let (status, _, fields) = api_error(
        kunde
            .update_portal_company(&CompanyUpdate {
                phone: Some("123".into()),
                ..CompanyUpdate::default()
            })
            .await,
    );
    assert_eq!((status, fields), (422, vec!["phone".to_string()]));
    // A locked address is named by the parts sent, as the form shows them.
    let (status, _, fields) = api_error(
        kunde
            .update_portal_company(&CompanyUpdate {
                address: Some(Address {
                    city: Some("Bonn".into()),
                    ..Address::default()
                }),
                ..CompanyUpdate::default()
            })
            .await,
    );
    assert_eq!((status, fields), (422, vec!["address.city".to_string()]));
    assert!(
        kunde
            .portal_company()
            .await
            .expect("company")
            .editable
            .is_empty()
    );
    sink.wait_for(mails + 1).await;
}

#[tokio::test]
async fn each_customer_sees_only_its_own_company_and_history_stays_in_the_organisation() {
    let app = spawn_app().await;
    let kunde = app.portal_client("kunde").await;
    let acme = app.portal_client("acme").await;
    let kunde_me = kunde.portal_me().await.expect("me");
    let acme_me = acme.portal_me().await.expect("me");
    assert_ne!(kunde_me.contractor_id, acme_me.contractor_id);
    assert_eq!(
        kunde.portal_company().await.expect("company").name,
        kunde_me.contractor_name
    );
    assert_eq!(
        acme.portal_company().await.expect("company").name,
        acme_me.contractor_name
    );
    // A change by one customer touches its own data only.
    let acme_before = app
        .issuer_client()
        .await
        .contractor(acme_me.contractor_id)
        .await
        .expect("acme");
    kunde
        .update_portal_company(&CompanyUpdate {
            phone: Some("+49 30 1234567".into()),
            ..CompanyUpdate::default()
        })
        .await
        .expect("saved");
    let owner = app.issuer_client().await;
    assert_eq!(
        owner.contractor(acme_me.contractor_id).await.expect("acme"),
        acme_before
    );
    // Another organisation's staff cannot read the history; staff tokens never reach the portal.
    let rival = app.rival_owner().await;
    assert_eq!(
        api_error(rival.contractor_changes(kunde_me.contractor_id).await).0,
        404
    );
    assert_eq!(api_error(owner.portal_company().await).0, 401);
    assert_eq!(
        api_error(kunde.contractor_changes(kunde_me.contractor_id).await).0,
        401
    );
}
