//! Contractors on the issuer side: created and changed with every field checked, searched and
//! paged (checked against the rows read straight from the database), archived and restored,
//! with portal access following; roles and other organisations kept out.

use portal_client::{Client, ClientError};
use portal_store::entities::contractor;
use portal_types::{Address, ContractorKind, ContractorUpdate, NewContractor};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{TestApp, spawn_app};

fn error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, Vec<(String, String)>) {
    match result {
        Err(ClientError::Api {
            status, problem, ..
        }) => (
            status,
            problem
                .errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect(),
        ),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn new(name: &str) -> NewContractor {
    NewContractor {
        name: name.into(),
        kind: None,
        tax_id: None,
        vat_number: None,
        address: None,
        email: None,
        phone: None,
        iban: None,
        bic: None,
        locale: None,
        salesperson_id: None,
        payment_terms_days: None,
        portal_access: None,
    }
}

async fn rows(app: &TestApp) -> Vec<contractor::Model> {
    contractor::Entity::find()
        .filter(contractor::Column::OrganizationId.eq(1))
        .all(&app.db)
        .await
        .expect("rows")
}

#[tokio::test]
async fn a_contractor_is_created_with_every_field_normalised_and_read_back() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let me = owner.issuer_me().await.expect("me");
    let created = owner
        .create_contractor(&NewContractor {
            kind: Some(ContractorKind::Both),
            tax_id: Some(" 831234567 ".into()),
            vat_number: Some("bg 831 234 567".into()),
            address: Some(Address {
                street: Some("бул. „Витоша“ 1".into()),
                city: Some("София".into()),
                postal_code: Some("1000".into()),
                country: Some("bg".into()),
            }),
            email: Some("office@zornitsa.example".into()),
            phone: Some("+359 2 987 6543".into()),
            iban: Some("bg80 bnbg 9661 1020 3456 78".into()),
            bic: Some("bnbgbgsd".into()),
            locale: Some("bg".into()),
            salesperson_id: Some(me.id),
            portal_access: Some(false),
            ..new("  Зорница ЕООД ")
        })
        .await
        .expect("create");
    assert_eq!(created.name, "Зорница ЕООД");
    assert_eq!(created.vat_number.as_deref(), Some("BG831234567"));
    assert_eq!(created.iban.as_deref(), Some("BG80BNBG96611020345678"));
    assert_eq!(created.bic.as_deref(), Some("BNBGBGSD"));
    assert_eq!(created.address.country.as_deref(), Some("BG"));
    assert_eq!(created.tax_id.as_deref(), Some("831234567"));
    assert_eq!(
        (created.kind, created.portal_access),
        (ContractorKind::Both, false)
    );
    assert!(
        created.portal_url.ends_with("/p/demo"),
        "{}",
        created.portal_url
    );
    assert_eq!(owner.contractor(created.id).await.expect("get"), created);

    // Defaults: the organisation's language and its portal-access setting.
    let plain = owner
        .create_contractor(&new("Plain Ltd"))
        .await
        .expect("create");
    assert_eq!((plain.locale.as_str(), plain.portal_access), ("en", true));
    assert_eq!(plain.kind, ContractorKind::Client);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'contractor_created'")
            .await,
        2
    );
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_created() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let before = rows(&app).await.len();
    let bad = owner
        .create_contractor(&NewContractor {
            vat_number: Some("DE12345678".into()),
            iban: Some("DE89370400440532013001".into()),
            bic: Some("DEUT".into()),
            email: Some("not-an-address".into()),
            locale: Some("fr".into()),
            address: Some(Address {
                country: Some("Germany".into()),
                ..Address::default()
            }),
            ..new(" ")
        })
        .await;
    let (status, fields) = error(bad);
    assert_eq!(status, 422);
    let mut names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "address.country",
            "bic",
            "email",
            "iban",
            "locale",
            "name",
            "vat_number"
        ]
    );
    assert!(fields.contains(&("iban".into(), "invalid_iban_checksum".into())));
    let unknown_salesperson = owner
        .create_contractor(&NewContractor {
            salesperson_id: Some(999_999),
            ..new("Someone")
        })
        .await;
    assert_eq!(
        error(unknown_salesperson),
        (
            422,
            vec![("salesperson_id".into(), "unknown_staff_user".into())]
        )
    );
    assert_eq!(rows(&app).await.len(), before);
}

/// The search and filters, checked against the rows read from the database with the rule
/// restated here: a case-insensitive substring of name, tax id, VAT number or e-mail.
#[tokio::test]
async fn search_filters_and_pages_match_an_independent_reading_of_the_rows() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    for (name, email) in [
        ("Ärzte Öffentlich GmbH", "praxis@aerzte.example"),
        ("АКМЕ Трейд ЕАД", "trade@akme.example"),
        ("Zeta Supplies", "zeta@supplies.example"),
    ] {
        owner
            .create_contractor(&NewContractor {
                email: Some(email.into()),
                ..new(name)
            })
            .await
            .expect("create");
    }
    let all = rows(&app).await;
    for q in ["акме", "ärzte", "ÖFFENTLICH", "example", "BG", "zeta@"] {
        let page = owner
            .contractors(&[("q", q), ("per_page", "200")])
            .await
            .expect("list");
        let needle = q.to_lowercase();
        let mut expected: Vec<i64> = all
            .iter()
            .filter(|c| c.archived_at.is_none())
            .filter(|c| {
                [
                    Some(&c.name),
                    c.tax_id.as_ref(),
                    c.vat_number.as_ref(),
                    c.email.as_ref(),
                ]
                .into_iter()
                .flatten()
                .any(|v| v.to_lowercase().contains(&needle))
            })
            .map(|c| c.id)
            .collect();
        expected.sort_unstable();
        let mut got: Vec<i64> = page.items.iter().map(|c| c.id).collect();
        got.sort_unstable();
        assert_eq!(got, expected, "q={q}");
        assert_eq!(page.total, expected.len() as u64, "q={q}");
    }
    let suppliers = owner
        .contractors(&[("kind", "supplier")])
        .await
        .expect("list");
    assert!(!suppliers.items.is_empty());
    assert!(
        suppliers
            .items
            .iter()
            .all(|c| matches!(c.kind, ContractorKind::Supplier | ContractorKind::Both))
    );
    let without = owner
        .contractors(&[("portal_access", "false")])
        .await
        .expect("list");
    assert!(without.items.iter().all(|c| !c.portal_access));

    // Pages of two cover the list exactly once.
    let total = owner.contractors(&[]).await.expect("list").total;
    let mut seen = Vec::new();
    for page in 1..=total.div_ceil(2) {
        let p = page.to_string();
        let got = owner
            .contractors(&[("per_page", "2"), ("page", &p)])
            .await
            .expect("page");
        seen.extend(got.items.into_iter().map(|c| c.name));
    }
    // (the order is the database's collation of names; each name comes exactly once)
    let mut by_name: Vec<String> = all
        .iter()
        .filter(|c| c.archived_at.is_none())
        .map(|c| c.name.clone())
        .collect();
    by_name.sort();
    seen.sort();
    assert_eq!(seen, by_name);

    let (status, fields) = error(
        owner
            .contractors(&[("kind", "friend"), ("colour", "red")])
            .await,
    );
    assert_eq!(status, 422);
    assert_eq!(
        fields,
        [
            ("colour".to_string(), "unknown_parameter".to_string()),
            ("kind".to_string(), "invalid_value".to_string())
        ]
    );
}

#[tokio::test]
async fn withdrawn_access_and_archiving_shut_the_customer_out() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let acme = app.portal_client("acme").await;
    let acme_id = acme.portal_me().await.expect("me").contractor_id;

    owner
        .update_contractor(
            acme_id,
            &ContractorUpdate {
                portal_access: Some(false),
                ..ContractorUpdate::default()
            },
        )
        .await
        .expect("withdraw");
    assert_eq!(
        acme.portal_me().await.err().and_then(|e| e.status()),
        Some(401)
    );
    owner
        .update_contractor(
            acme_id,
            &ContractorUpdate {
                portal_access: Some(true),
                ..ContractorUpdate::default()
            },
        )
        .await
        .expect("give back");
    let acme = app.portal_client("acme").await;

    let archived = owner
        .archive_contractor(acme_id, true)
        .await
        .expect("archive");
    assert!(archived.archived_at.is_some() && !archived.portal_access);
    assert_eq!(
        acme.portal_me().await.err().and_then(|e| e.status()),
        Some(401)
    );
    let listed = owner
        .contractors(&[("per_page", "200")])
        .await
        .expect("list");
    assert!(
        listed.items.iter().all(|c| c.id != acme_id),
        "left out of the list"
    );
    let only_archived = owner
        .contractors(&[("archived", "true")])
        .await
        .expect("list");
    assert_eq!(
        only_archived.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [acme_id]
    );
    // Giving access to an archived contractor still does not let its users in.
    owner
        .update_contractor(
            acme_id,
            &ContractorUpdate {
                portal_access: Some(true),
                ..ContractorUpdate::default()
            },
        )
        .await
        .expect("access");
    assert!(
        app.client()
            .portal_login("demo", "acme", portal_store::demo::PORTAL_PASSWORD)
            .await
            .is_err()
    );
    let restored = owner
        .archive_contractor(acme_id, false)
        .await
        .expect("restore");
    assert!(restored.archived_at.is_none());
    app.portal_client("acme").await;
    assert_eq!(
        app.scalar(
            "SELECT count(*) AS n FROM events WHERE kind IN ('contractor_archived', 'contractor_restored')"
        )
        .await,
        2
    );
}

/// Every contractor endpoint against every role, a portal token and another organisation.
#[tokio::test]
async fn contractors_are_managed_by_owners_admins_and_sales_only_and_never_across_organisations() {
    let app = spawn_app().await;
    let acme_id = app
        .portal_client("acme")
        .await
        .portal_me()
        .await
        .expect("me")
        .contractor_id;
    let mut callers: Vec<(&str, Client)> = vec![("owner", app.issuer_client().await)];
    for role in ["admin", "accountant", "sales"] {
        callers.push((role, app.staff_client(role).await));
    }
    for (role, client) in &callers {
        client.contractors(&[]).await.expect("every role reads");
        client
            .contractor(acme_id)
            .await
            .expect("every role reads one");
        let created = client.create_contractor(&new(&format!("By {role}"))).await;
        let changed = client
            .update_contractor(
                acme_id,
                &ContractorUpdate {
                    phone: Some(format!("+1 {role}")),
                    ..ContractorUpdate::default()
                },
            )
            .await;
        let archived = client.archive_contractor(acme_id, false).await;
        if *role == "accountant" {
            assert_eq!(error(created).0, 403);
            assert_eq!(error(changed).0, 403);
            assert_eq!(error(archived).0, 403);
        } else {
            created.expect("create");
            changed.expect("change");
            archived.expect("restore is idempotent");
        }
    }
    let portal = app.portal_client("kunde").await;
    assert_eq!(error(portal.contractors(&[]).await).0, 401);
    assert_eq!(error(portal.contractor(acme_id).await).0, 401);

    let rival = app.rival_owner().await;
    assert!(
        rival
            .contractors(&[("per_page", "200")])
            .await
            .expect("own")
            .items
            .iter()
            .all(|c| c.id != acme_id)
    );
    assert_eq!(error(rival.contractor(acme_id).await).0, 404);
    let hijack = ContractorUpdate {
        name: Some("Taken over".into()),
        ..ContractorUpdate::default()
    };
    assert_eq!(
        error(rival.update_contractor(acme_id, &hijack).await).0,
        404
    );
    assert_eq!(error(rival.archive_contractor(acme_id, true).await).0, 404);
    let acme = contractor::Entity::find_by_id(acme_id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("acme");
    assert_eq!(acme.name, "Акме ООД");
    assert!(acme.archived_at.is_none());
}

/// Payment terms give a new invoice or debit note its due date (issue date + days) unless one
/// is given; an offer gets none; `null` clears the terms, more than a year is refused.
#[tokio::test]
async fn payment_terms_give_new_invoices_their_due_date() {
    use portal_types::{DocumentType, LineInput, NewDocument};
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let mut input = new("Terms Ltd");
    input.payment_terms_days = Some(366);
    assert_eq!(
        error(owner.create_contractor(&input).await),
        (
            422,
            vec![("payment_terms_days".into(), "out_of_range".into())]
        )
    );
    input.payment_terms_days = Some(14);
    let c = owner.create_contractor(&input).await.expect("contractor");
    assert_eq!(c.payment_terms_days, Some(14));
    let doc = |doc_type, due_date| NewDocument {
        contractor_id: c.id,
        doc_type,
        currency: Some("EUR".into()),
        issue_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        due_date,
        lines: vec![LineInput {
            description: "Work".into(),
            quantity: "1".into(),
            unit: "h".into(),
            unit_price: "10".into(),
            discount_percent: None,
            vat_rate: "20".into(),
        }],
        notes: None,
        related_document_id: None,
    };
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d);
    let invoice = owner
        .create_document(&doc(DocumentType::Invoice, None))
        .await
        .expect("invoice");
    assert_eq!(invoice.row.due_date, day(12, 4), "20 November + 14 days");
    let given = owner
        .create_document(&doc(DocumentType::Invoice, day(11, 30)))
        .await
        .expect("invoice");
    assert_eq!(given.row.due_date, day(11, 30), "a given due date stays");
    let offer = owner
        .create_document(&doc(DocumentType::Offer, None))
        .await
        .expect("offer");
    assert_eq!(offer.row.due_date, None);

    // a change of another field keeps the terms; null clears them; too many days are refused
    let renamed = owner
        .update_contractor(
            c.id,
            &ContractorUpdate {
                phone: Some("+49 30 123".into()),
                ..ContractorUpdate::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(renamed.payment_terms_days, Some(14));
    let refused = owner
        .update_contractor(
            c.id,
            &ContractorUpdate {
                payment_terms_days: Some(Some(400)),
                ..ContractorUpdate::default()
            },
        )
        .await;
    assert_eq!(
        error(refused),
        (
            422,
            vec![("payment_terms_days".into(), "out_of_range".into())]
        )
    );
    let cleared: serde_json::Value = reqwest::Client::new()
        .patch(format!(
            "{}/api/v1/issuer/contractors/{}",
            app.address, c.id
        ))
        .bearer_auth(owner.access_token().expect("token"))
        .json(&serde_json::json!({ "payment_terms_days": null }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(cleared["payment_terms_days"], serde_json::Value::Null);
    let without = owner
        .create_document(&doc(DocumentType::Invoice, None))
        .await
        .expect("invoice");
    // Without terms of its own, the organisation's default terms apply (14 days in the demo).
    assert_eq!(
        without.row.due_date,
        without.row.date.checked_add_days(chrono::Days::new(14))
    );
}
