//! The company profile: every field checked (all errors at once, nothing changed by a refused
//! request), bank accounts with one default per currency, what documents print taken when they
//! are issued (an earlier document's PDF never changes), number series continuing from a
//! configured number under concurrent issuing and restarting in a new year; roles and other
//! organisations kept out.

use portal_client::Client;
use portal_types::{
    Address, BankAccountInput, DocumentType, LineInput, NewDocument, NumberSeriesUpdate,
    OrganizationUpdate,
};

use crate::helpers::{TestApp, api_error, shared, spawn_app};
use crate::pdf::pdf_text;

async fn kunde(app: &TestApp) -> i64 {
    app.portal_client("kunde")
        .await
        .portal_me()
        .await
        .expect("me")
        .contractor_id
}

async fn draft(owner: &Client, contractor: i64, doc_type: DocumentType) -> i64 {
    owner
        .create_document(&NewDocument {
            contractor_id: contractor,
            doc_type,
            currency: Some("EUR".into()),
            issue_date: None,
            due_date: None,
            lines: vec![LineInput {
                description: "Consulting".into(),
                quantity: "1".into(),
                unit: "h".into(),
                unit_price: "100".into(),
                discount_percent: None,
                vat_rate: "20".into(),
            }],
            notes: None,
            related_document_id: None,
        })
        .await
        .expect("draft")
        .row
        .id
}

async fn issue(owner: &Client, id: i64) -> String {
    owner
        .document_action(id, "issue")
        .await
        .expect("issue")
        .row
        .number
        .expect("number")
}

fn account(iban: &str, currency: &str, is_default: bool) -> BankAccountInput {
    BankAccountInput {
        bank_name: Some("Test Bank".into()),
        iban: iban.into(),
        bic: None,
        currency: currency.into(),
        is_default,
    }
}

fn series(doc_type: DocumentType) -> NumberSeriesUpdate {
    NumberSeriesUpdate {
        doc_type,
        prefix: None,
        padding: None,
        next_number: None,
        yearly_reset: None,
    }
}

#[tokio::test]
async fn every_field_is_checked_at_once_and_a_refused_change_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let before = owner.organization().await.expect("profile");
    assert_eq!(before.legal_name, "Demo Trading Ltd");
    assert_eq!(before.tax_id.as_deref(), Some("123456786"));
    assert_eq!(before.default_payment_terms_days, Some(14));
    assert_eq!(before.bank_accounts.len(), 2);
    assert_eq!(before.number_series.len(), DocumentType::ALL.len());
    let (status, _, fields) = api_error(
        owner
            .update_organization(&OrganizationUpdate {
                legal_name: Some("  ".into()),
                // the demo organisation is Bulgarian: its ЕИК has a check digit
                tax_id: Some("123456789".into()),
                vat_number: Some("BG12".into()),
                email: Some("not-an-address".into()),
                website: Some("demo example".into()),
                default_currency: Some("EURO".into()),
                default_locale: Some("fr".into()),
                default_payment_terms_days: Some(Some(400)),
                document_footer: Some("bell\u{7}".into()),
                bank_accounts: Some(vec![
                    // one character wrong in a valid IBAN
                    account("BG80BNBG96611020345679", "EUR", false),
                    account("DE89370400440532013000", "EUR", true),
                    account("GB82WEST12345698765432", "EUR", true),
                    BankAccountInput {
                        bic: Some("NOTABIC".into()),
                        ..account("ES9121000418450200051332", "EUR", false)
                    },
                ]),
                number_series: Some(vec![
                    NumberSeriesUpdate {
                        yearly_reset: Some(true),
                        ..series(DocumentType::Invoice)
                    },
                    NumberSeriesUpdate {
                        prefix: Some("<b>".into()),
                        padding: Some(0),
                        ..series(DocumentType::Offer)
                    },
                ]),
                ..OrganizationUpdate::default()
            })
            .await,
    );
    assert_eq!(status, 422);
    let mut fields = fields;
    fields.sort();
    assert_eq!(
        fields,
        [
            "bank_accounts[0].iban",
            "bank_accounts[2].is_default",
            "bank_accounts[3].bic",
            "default_currency",
            "default_locale",
            "default_payment_terms_days",
            "document_footer",
            "email",
            "legal_name",
            "number_series[0].yearly_reset",
            "number_series[1].padding",
            "number_series[1].prefix",
            "tax_id",
            "vat_number",
            "website",
        ]
    );
    assert_eq!(owner.organization().await.expect("profile"), before);
    // The country cannot be cleared; a tax id is checked by the country given with it.
    let (status, _, fields) = api_error(
        owner
            .update_organization(&OrganizationUpdate {
                address: Some(Address {
                    country: Some(String::new()),
                    ..Address::default()
                }),
                ..OrganizationUpdate::default()
            })
            .await,
    );
    assert_eq!((status, fields), (422, vec!["address.country".to_string()]));
    let spanish = owner
        .update_organization(&OrganizationUpdate {
            tax_id: Some("b-12345674".into()),
            address: Some(Address {
                country: Some("es".into()),
                ..Address::default()
            }),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("a Spanish CIF with a Spanish address");
    assert_eq!(spanish.tax_id.as_deref(), Some("B12345674"));
    assert_eq!(spanish.address.country.as_deref(), Some("ES"));
}

#[tokio::test]
async fn a_valid_change_is_saved_normalised_recorded_and_accounts_get_one_default_per_currency() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let saved = owner
        .update_organization(&OrganizationUpdate {
            legal_name: Some(" Zornitsa Trade EOOD ".into()),
            trading_name: Some("Zornitsa".into()),
            vat_number: Some("bg 123 456 786".into()),
            email: Some("Office@Zornitsa.example".into()),
            default_currency: Some("bgn".into()),
            default_locale: Some("bg".into()),
            default_payment_terms_days: Some(None),
            document_footer: Some("Line one\r\nLine two".into()),
            bank_accounts: Some(vec![
                account("de89 3704 0044 0532 0130 00", "eur", false),
                account("BG80BNBG96611020345678", "EUR", true),
                account("BG18RZBB91550123456789", "BGN", false),
            ]),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("saved");
    assert_eq!(saved.legal_name, "Zornitsa Trade EOOD");
    assert_eq!(saved.vat_number.as_deref(), Some("BG123456786"));
    assert_eq!(saved.default_currency, "BGN");
    assert_eq!(saved.default_payment_terms_days, None);
    assert_eq!(saved.document_footer.as_deref(), Some("Line one\nLine two"));
    let accounts: Vec<(&str, &str, bool)> = saved
        .bank_accounts
        .iter()
        .map(|a| (a.iban.as_str(), a.currency.as_str(), a.is_default))
        .collect();
    assert_eq!(
        accounts,
        [
            ("DE89370400440532013000", "EUR", false),
            ("BG80BNBG96611020345678", "EUR", true),
            // the only BGN account becomes that currency's default
            ("BG18RZBB91550123456789", "BGN", true),
        ]
    );
    assert_eq!(owner.organization().await.expect("read back"), saved);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'profile_changed'")
            .await,
        1
    );
    // The same change again changes nothing and records nothing.
    owner
        .update_organization(&OrganizationUpdate {
            legal_name: Some("Zornitsa Trade EOOD".into()),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("same");
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'profile_changed'")
            .await,
        1
    );
}

#[tokio::test]
async fn only_owners_and_admins_change_the_profile_and_each_organisation_sees_its_own() {
    let app = spawn_app().await;
    let sales = app.staff_client("sales").await;
    assert_eq!(
        sales.organization().await.expect("sales reads").legal_name,
        "Demo Trading Ltd"
    );
    let change = OrganizationUpdate {
        legal_name: Some("Taken Over Ltd".into()),
        ..OrganizationUpdate::default()
    };
    assert_eq!(api_error(sales.update_organization(&change).await).0, 403);
    let admin = app.staff_client("admin").await;
    admin
        .update_organization(&OrganizationUpdate {
            trading_name: Some("Demo".into()),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("an admin may");
    let rival = app.rival_owner().await;
    let theirs = rival
        .update_organization(&change)
        .await
        .expect("its own profile");
    assert_eq!(theirs.slug, "rival");
    let ours = app
        .issuer_client()
        .await
        .organization()
        .await
        .expect("ours");
    assert_eq!(ours.legal_name, "Demo Trading Ltd");
    assert_eq!(ours.trading_name.as_deref(), Some("Demo"));
}

#[tokio::test]
async fn a_profile_change_shows_on_documents_issued_after_it_and_never_on_earlier_ones() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = kunde(&app).await;
    let first = draft(&owner, kunde, DocumentType::Invoice).await;
    issue(&owner, first).await;
    let before = pdf_text(&owner.issuer_document_pdf(first).await.expect("pdf"));
    assert!(before.contains("Demo Trading Ltd"), "{before}");
    assert!(before.contains("BG80BNBG96611020345678"), "{before}");
    assert!(before.contains("UIC 123456786"), "the footer: {before}");

    owner
        .update_organization(&OrganizationUpdate {
            legal_name: Some("Renamed Trading EOOD".into()),
            address: Some(Address {
                street: Some("bul. Vitosha 99".into()),
                ..Address::default()
            }),
            document_footer: Some("Managing director: Olivia Owner".into()),
            bank_accounts: Some(vec![account("DE89370400440532013000", "EUR", true)]),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("changed");
    // A draft shows the profile as it is now.
    let second = draft(&owner, kunde, DocumentType::Invoice).await;
    let preview = pdf_text(&owner.issuer_document_pdf(second).await.expect("pdf"));
    assert!(preview.contains("Renamed Trading EOOD"), "{preview}");
    issue(&owner, second).await;
    let after = pdf_text(&owner.issuer_document_pdf(second).await.expect("pdf"));
    for new in [
        "Renamed Trading EOOD",
        "bul. Vitosha 99",
        "DE89370400440532013000",
        "Managing director: Olivia Owner",
    ] {
        assert!(after.contains(new), "{new} on the new invoice: {after}");
    }
    assert!(!after.contains("BG80BNBG96611020345678"), "{after}");
    // The earlier invoice prints as it was issued, to the issuer and to the customer.
    let reprint = pdf_text(&owner.issuer_document_pdf(first).await.expect("pdf"));
    assert_eq!(reprint, before);
    let customer = app.portal_client("kunde").await;
    let theirs = pdf_text(
        &customer
            .portal_document_pdf(first, false)
            .await
            .expect("portal pdf"),
    );
    assert!(theirs.contains("Demo Trading Ltd") && !theirs.contains("Renamed"));
    // Another change later still leaves both as issued.
    owner
        .update_organization(&OrganizationUpdate {
            legal_name: Some("Third Name Ltd".into()),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("changed again");
    assert_eq!(
        pdf_text(&owner.issuer_document_pdf(second).await.expect("pdf")),
        after
    );
}

#[tokio::test]
async fn numbering_continues_from_a_configured_number_under_concurrent_issuing() {
    let app = spawn_app().await;
    let owner = shared(app.issuer_client().await);
    let kunde = kunde(&app).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    let profile = owner
        .update_organization(&OrganizationUpdate {
            number_series: Some(vec![NumberSeriesUpdate {
                prefix: Some("RE-{YYYY}-".into()),
                padding: Some(5),
                next_number: Some(5000),
                ..series(DocumentType::Invoice)
            }]),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("series");
    let invoices = profile
        .number_series
        .iter()
        .find(|s| s.doc_type == DocumentType::Invoice)
        .expect("invoice series");
    assert_eq!(invoices.next_printed, format!("RE-{year}-05000"));
    let mut drafts = Vec::new();
    for _ in 0..12 {
        drafts.push(draft(&owner, kunde, DocumentType::Invoice).await);
    }
    let tasks: Vec<_> = drafts
        .iter()
        .map(|&id| {
            let owner = owner.clone();
            tokio::spawn(async move { issue(&owner, id).await })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.expect("join"));
    }
    numbers.sort();
    let expected: Vec<String> = (5000..5012).map(|n| format!("RE-{year}-0{n}")).collect();
    assert_eq!(numbers, expected);
    // Other types keep their own numbering (ten digits).
    let offer = draft(&owner, kunde, DocumentType::Offer).await;
    let number = issue(&owner, offer).await;
    assert!(
        number.len() == 10 && number.bytes().all(|b| b.is_ascii_digit()),
        "{number}"
    );
    // The next number only goes up …
    let (status, _, fields) = api_error(
        owner
            .update_organization(&OrganizationUpdate {
                number_series: Some(vec![NumberSeriesUpdate {
                    next_number: Some(5011),
                    ..series(DocumentType::Invoice)
                }]),
                ..OrganizationUpdate::default()
            })
            .await,
    );
    assert_eq!(
        (status, fields),
        (422, vec!["number_series[0].next_number".to_string()])
    );
    let next = owner.organization().await.expect("profile");
    let invoices = next
        .number_series
        .iter()
        .find(|s| s.doc_type == DocumentType::Invoice)
        .expect("invoice series");
    assert_eq!(invoices.next_number, 5012);
    assert_eq!(invoices.next_printed, format!("RE-{year}-05012"));
}

#[tokio::test]
async fn a_number_a_document_has_is_refused_as_the_next_one() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    // An invoice kept under the business's earlier numbering (as an import brings it).
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(
            "UPDATE documents SET number = 'F-0000002000' WHERE id = (SELECT min(id) FROM documents WHERE doc_type = 'invoice' AND state <> 'draft')",
        )
        .await
        .expect("old number");
    let change = |next: u64| OrganizationUpdate {
        number_series: Some(vec![NumberSeriesUpdate {
            prefix: Some("F-".into()),
            next_number: Some(next),
            ..series(DocumentType::Invoice)
        }]),
        ..OrganizationUpdate::default()
    };
    let (status, _, fields) = api_error(owner.update_organization(&change(2000)).await);
    assert_eq!(
        (status, fields),
        (422, vec!["number_series[0].next_number".to_string()])
    );
    let saved = owner
        .update_organization(&change(2001))
        .await
        .expect("the number after it");
    let invoices = saved
        .number_series
        .iter()
        .find(|s| s.doc_type == DocumentType::Invoice)
        .expect("series");
    assert_eq!(invoices.next_printed, "F-0000002001");
}

#[tokio::test]
async fn a_yearly_series_starts_again_at_one_in_a_new_year() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = kunde(&app).await;
    let year: i32 = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse()
        .expect("year");
    owner
        .update_organization(&OrganizationUpdate {
            number_series: Some(vec![NumberSeriesUpdate {
                prefix: Some("{YY}/".into()),
                padding: Some(4),
                // above the demo's debit notes (7001…): a series only goes up
                next_number: Some(7100),
                yearly_reset: Some(true),
                ..series(DocumentType::DebitNote)
            }]),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("series");
    let yy = year % 100;
    let id = draft(&owner, kunde, DocumentType::DebitNote).await;
    assert_eq!(issue(&owner, id).await, format!("{yy:02}/7100"));
    // The series was last used a year ago: the first number of this year is 1.
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(
            "UPDATE document_sequences SET year = year - 1 WHERE doc_type = 'debit_note'",
        )
        .await
        .expect("a year ago");
    let profile = owner.organization().await.expect("profile");
    let debit = profile
        .number_series
        .iter()
        .find(|s| s.doc_type == DocumentType::DebitNote)
        .expect("series");
    assert_eq!(debit.next_number, 1);
    assert_eq!(debit.next_printed, format!("{yy:02}/0001"));
    let id = draft(&owner, kunde, DocumentType::DebitNote).await;
    assert_eq!(issue(&owner, id).await, format!("{yy:02}/0001"));
    let id = draft(&owner, kunde, DocumentType::DebitNote).await;
    assert_eq!(issue(&owner, id).await, format!("{yy:02}/0002"));
}

#[tokio::test]
async fn the_organisations_default_terms_give_a_due_date_when_the_contractor_has_none() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = kunde(&app).await;
    let id = draft(&owner, kunde, DocumentType::Invoice).await;
    let doc = owner.issuer_document(id).await.expect("doc");
    // the demo organisation's terms are 14 days; Kunde GmbH has none of its own
    assert_eq!(
        doc.row.due_date,
        doc.row.date.checked_add_days(chrono::Days::new(14))
    );
}
