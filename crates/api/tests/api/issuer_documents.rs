//! Documents and payments on the issuer side: totals computed on the server (checked against
//! an independent computation here), drafts changed and deleted, issuing with gap-free numbers
//! under concurrency, the customer seeing and being mailed about the document, payments exactly
//! once per idempotency key and never more than what remains, the portal settings applied at
//! the next request; roles and other organisations kept out.

use std::collections::BTreeMap;

use portal_client::Client;
use portal_types::{
    DocumentState, DocumentType, DocumentUpdate, LineInput, NewDocument, NewPayment,
    OrganizationUpdate, PaymentMethod, PaymentStatus, PortalActionsUpdate, PortalSettingsUpdate,
    SettingsUpdate,
};

use sea_orm::ConnectionTrait;

use crate::helpers::{TestApp, api_error as error, shared, spawn_app, spawn_app_with_mail};

pub(crate) fn line(
    description: &str,
    quantity: &str,
    price: &str,
    discount: Option<&str>,
    vat: &str,
) -> LineInput {
    LineInput {
        description: description.into(),
        quantity: quantity.into(),
        unit: "pcs".into(),
        unit_price: price.into(),
        discount_percent: discount.map(str::to_string),
        vat_rate: vat.into(),
    }
}

pub(crate) fn invoice(contractor_id: i64, lines: Vec<LineInput>) -> NewDocument {
    NewDocument {
        contractor_id,
        doc_type: DocumentType::Invoice,
        currency: Some("EUR".into()),
        issue_date: None,
        due_date: None,
        lines,
        notes: None,
        related_document_id: None,
    }
}

fn pay(amount: &str) -> NewPayment {
    NewPayment {
        amount: amount.into(),
        date: None,
        method: PaymentMethod::BankTransfer,
        reference: Some("SEPA 4711".into()),
    }
}

async fn kunde(app: &TestApp) -> (Client, i64) {
    let client = app.portal_client("kunde").await;
    let id = client.portal_me().await.expect("me").contractor_id;
    (client, id)
}

/// Cents from a decimal string with two places, independently of the server's parser.
fn cents(text: &str) -> i64 {
    let negative = text.starts_with('-');
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let value: i64 = digits.parse().expect("digits");
    if negative { -value } else { value }
}

/// `a / b` rounded half away from zero, in plain integers.
fn round_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b.abs() {
        q + a.signum() * b.signum()
    } else {
        q
    }
}

#[tokio::test]
async fn totals_are_computed_on_the_server_per_line_and_once_per_vat_rate() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (_, kunde) = kunde(&app).await;
    // the line as typed, and (quantity in thousandths, price in cents, discount and VAT in
    // basis points) as this test reads it
    type Spec<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a str,
        i128,
        i128,
        i128,
        i128,
    );
    let spec: [Spec; 4] = [
        ("3", "19.99", None, "19", 3000, 1999, 0, 1900),
        ("1.5", "80.00", Some("12.5"), "19", 1500, 8000, 1250, 1900),
        ("7", "0.33", None, "7", 7000, 33, 0, 700),
        ("2.125", "10.01", Some("3"), "0", 2125, 1001, 300, 0),
    ];
    let lines = spec
        .iter()
        .map(|(q, p, d, v, ..)| line("Work", q, p, *d, v))
        .collect();
    let draft = owner
        .create_document(&invoice(kunde, lines))
        .await
        .expect("draft");
    let mut bases: BTreeMap<i128, i128> = BTreeMap::new();
    for (i, (.., q, p, d, v)) in spec.iter().enumerate() {
        let net = round_div(q * p * (10_000 - d), 1000 * 10_000);
        assert_eq!(i128::from(cents(&draft.lines[i].net)), net, "line {i}");
        *bases.entry(*v).or_default() += net;
    }
    let base: i128 = bases.values().sum();
    let vat: i128 = bases
        .iter()
        .map(|(rate, b)| round_div(b * rate, 10_000))
        .sum();
    assert_eq!(i128::from(cents(&draft.row.tax_base)), base);
    assert_eq!(i128::from(cents(&draft.row.vat)), vat);
    assert_eq!(i128::from(cents(&draft.row.total)), base + vat);
    assert_eq!(draft.vat_breakdown.len(), 3);
    assert_eq!(draft.row.state, DocumentState::Draft);
    assert_eq!(draft.row.number, None, "a draft has no number yet");
    assert_eq!(draft.row.paid, None, "nothing to pay on a draft");
}

#[tokio::test]
async fn every_bad_line_is_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (_, kunde) = kunde(&app).await;
    let before = app.scalar("SELECT count(*) AS n FROM documents").await;
    let bad = owner
        .create_document(&invoice(
            kunde,
            vec![
                line("", "1", "10", None, "20"),
                line("Ok", "abc", "10.001", Some("120"), "20"),
                line("Ok", "0", "10", None, "-5"),
            ],
        ))
        .await;
    let (status, _, mut fields) = error(bad);
    assert_eq!(status, 422);
    fields.sort();
    assert_eq!(
        fields,
        [
            "lines[0].description",
            "lines[1].discount_percent",
            "lines[1].quantity",
            "lines[1].unit_price",
            "lines[2].quantity",
            "lines[2].vat_rate"
        ]
    );
    let mut no_lines = invoice(kunde, vec![]);
    no_lines.currency = Some("XYZ".into());
    no_lines.contractor_id = 999_999;
    let (_, _, mut fields) = error(owner.create_document(&no_lines).await);
    fields.sort();
    assert_eq!(fields, ["contractor_id", "currency", "lines"]);
    let mut positive_credit = invoice(kunde, vec![line("Refund", "1", "10", None, "20")]);
    positive_credit.doc_type = DocumentType::CreditNote;
    assert_eq!(
        error(owner.create_document(&positive_credit).await).2,
        ["lines"]
    );
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM documents").await,
        before
    );
}

#[tokio::test]
async fn an_issued_invoice_is_in_the_customers_portal_at_once_and_mailed_in_its_language() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let (customer, kunde) = kunde(&app).await;
    let mut new = invoice(kunde, vec![line("Beratung", "2", "150.00", None, "19")]);
    new.due_date = Some(chrono::Utc::now().date_naive() + chrono::Duration::days(14));
    let draft = owner.create_document(&new).await.expect("draft");
    let hidden = customer.portal_document(draft.row.id).await;
    assert_eq!(
        hidden.err().and_then(|e| e.status()),
        Some(404),
        "drafts stay hidden"
    );

    let issued = owner
        .document_action(draft.row.id, "issue")
        .await
        .expect("issue");
    let number = issued.row.number.clone().expect("a number");
    assert_eq!(number.len(), 10);
    assert_eq!(issued.row.state, DocumentState::Issued);
    assert_eq!(issued.row.payment_status, Some(PaymentStatus::Unpaid));
    assert_eq!(issued.row.remaining.as_deref(), Some("357.00"));
    let seen = customer
        .portal_document(issued.row.id)
        .await
        .expect("visible at once");
    assert_eq!(seen.row.number, number);
    assert_eq!(seen.row.total, "357.00");

    let mail = sink.wait_for(1).await.remove(0);
    let address = customer
        .portal_me()
        .await
        .expect("me")
        .email
        .expect("an address");
    assert_eq!(mail.to, std::slice::from_ref(&address));
    assert_eq!(mail.header("Content-Language").as_deref(), Some("de"));
    assert_eq!(
        mail.subject(),
        format!("Rechnung Nr. {number} von Demo Trading Ltd")
    );
    assert!(mail.text().contains("357,00\u{a0}€"), "{}", mail.text());
    let link = mail.link("/p/demo/documents/").expect("link");
    assert!(
        link.ends_with(&format!("/p/demo/documents/{}", issued.row.id)),
        "{link}"
    );

    // the PDF renders, for the issuer and the customer alike
    let pdf = owner.issuer_document_pdf(issued.row.id).await.expect("pdf");
    assert!(pdf.starts_with(b"%PDF"));
    assert!(crate::pdf::pdf_text(&pdf).contains(&number));
    // issued documents are not edited, deleted or issued again
    let edit = DocumentUpdate {
        notes: Some("changed".into()),
        ..DocumentUpdate::default()
    };
    assert_eq!(
        error(owner.update_document(issued.row.id, &edit).await).1,
        "not_a_draft"
    );
    assert_eq!(
        error(owner.delete_document(issued.row.id).await).1,
        "not_a_draft"
    );
    assert_eq!(
        error(owner.document_action(issued.row.id, "issue").await).1,
        "already_issued"
    );
    // The delivery is in the trail once the worker has marked the mail sent (just after the
    // sink took it): by the system, naming the recipient.
    let mut events = Vec::new();
    for _ in 0..50 {
        events = owner
            .issuer_document(issued.row.id)
            .await
            .expect("get")
            .events;
        if events.iter().any(|e| e.kind == "mailed") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["document_created", "issued", "mailed", "viewed"]);
    let mailed = events.iter().find(|e| e.kind == "mailed").expect("mailed");
    assert_eq!(mailed.actor_type, "system");
    assert_eq!(mailed.contractor_id, Some(kunde));
    assert_eq!(
        mailed.details.as_ref().and_then(|d| d["to"].as_str()),
        Some(address.as_str())
    );
}

/// Fifty drafts issued at once get fifty consecutive numbers, none twice, none skipped.
/// Issues every draft at once, each through the next of `clients` in turn: the numbers given,
/// in order.
pub(crate) async fn issue_all(
    clients: &[std::sync::Arc<portal_client::Client>],
    drafts: &[i64],
) -> Vec<i64> {
    let tasks: Vec<_> = drafts
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let client = clients[i % clients.len()].clone();
            let id = *id;
            tokio::spawn(async move { client.document_action(id, "issue").await })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        let issued = task.await.expect("join").expect("issued");
        numbers.push(
            issued
                .row
                .number
                .expect("number")
                .parse::<i64>()
                .expect("digits"),
        );
    }
    numbers.sort_unstable();
    numbers
}

#[tokio::test]
async fn fifty_concurrent_issues_take_fifty_consecutive_numbers() {
    let app = spawn_app().await;
    let owner = shared(app.issuer_client().await);
    let (_, kunde) = kunde(&app).await;
    let mut drafts = Vec::new();
    for i in 0..50 {
        let d = owner
            .create_document(&invoice(
                kunde,
                vec![line(&format!("Item {i}"), "1", "1.00", None, "20")],
            ))
            .await
            .expect("draft");
        drafts.push(d.row.id);
    }
    let numbers = issue_all(&[owner], &drafts).await;
    let first = numbers[0];
    assert_eq!(numbers, (first..first + 50).collect::<Vec<_>>());
    // and the sequence continues after the demo's own invoices
    let demo_highest = app
        .scalar(
            "SELECT count(*) AS n FROM documents WHERE doc_type = 'invoice' AND state <> 'draft'",
        )
        .await;
    assert!(demo_highest >= 50);
}

#[tokio::test]
async fn drafts_are_changed_and_deleted_cancelled_documents_leave_the_sums_credit_notes_refer() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (customer, kunde) = kunde(&app).await;
    let draft = owner
        .create_document(&invoice(kunde, vec![line("A", "1", "100", None, "20")]))
        .await
        .expect("draft");
    let changed = owner
        .update_document(
            draft.row.id,
            &DocumentUpdate {
                lines: Some(vec![line("B", "2", "50.5", None, "10")]),
                notes: Some("Thanks".into()),
                ..DocumentUpdate::default()
            },
        )
        .await
        .expect("change");
    assert_eq!(changed.row.total, "111.10");
    assert_eq!(changed.lines.len(), 1);
    assert_eq!(changed.notes.as_deref(), Some("Thanks"));
    owner.delete_document(draft.row.id).await.expect("delete");
    assert_eq!(error(owner.issuer_document(draft.row.id).await).0, 404);

    let issued = owner
        .create_document(&invoice(kunde, vec![line("C", "1", "40", None, "0")]))
        .await
        .expect("draft");
    let issued = owner
        .document_action(issued.row.id, "issue")
        .await
        .expect("issue");
    let credit = owner
        .document_action(issued.row.id, "credit-note")
        .await
        .expect("credit note");
    assert_eq!(credit.row.doc_type, DocumentType::CreditNote);
    assert_eq!(credit.row.total, "-40.00");
    assert_eq!(credit.related_document_id, Some(issued.row.id));
    let credit = owner
        .document_action(credit.row.id, "issue")
        .await
        .expect("issue");
    let seen = customer
        .portal_document(credit.row.id)
        .await
        .expect("visible");
    assert_eq!(seen.related_document_number, issued.row.number);

    let cancelled = owner
        .document_action(issued.row.id, "cancel")
        .await
        .expect("cancel");
    assert_eq!(cancelled.row.state, DocumentState::Cancelled);
    assert_eq!(cancelled.row.payment_status, None);
    assert_eq!(
        error(owner.document_action(issued.row.id, "cancel").await).1,
        "already_cancelled"
    );
}

#[tokio::test]
async fn a_partial_payment_shows_in_the_portal_and_overpaying_is_refused() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (customer, kunde) = kunde(&app).await;
    let doc = owner
        .create_document(&invoice(
            kunde,
            vec![line("Service", "1", "1000.00", None, "20")],
        ))
        .await
        .expect("draft");
    let doc = owner
        .document_action(doc.row.id, "issue")
        .await
        .expect("issue");
    let payment = owner
        .record_payment(doc.row.id, &pay("450.50"), Some("pay-1"))
        .await
        .expect("pay");
    assert_eq!(payment.amount, "450.50");
    let seen = customer.portal_document(doc.row.id).await.expect("portal");
    assert_eq!(
        (seen.row.paid.as_deref(), seen.row.remaining.as_deref()),
        (Some("450.50"), Some("749.50"))
    );
    assert_eq!(seen.row.payment_status, Some(PaymentStatus::PartiallyPaid));
    let grid = customer
        .portal_documents(&[("number", &doc.row.number.clone().expect("n"))])
        .await
        .expect("grid");
    assert_eq!(grid.items[0].remaining.as_deref(), Some("749.50"));

    let (status, _, fields) = error(owner.record_payment(doc.row.id, &pay("749.51"), None).await);
    assert_eq!((status, fields), (422, vec!["amount".to_string()]));
    for bad in ["0", "-5", "12.345", "lots"] {
        assert_eq!(
            error(owner.record_payment(doc.row.id, &pay(bad), None).await).2,
            ["amount"],
            "{bad}"
        );
    }
    owner
        .record_payment(doc.row.id, &pay("749.50"), None)
        .await
        .expect("the rest");
    let paid = owner.issuer_document(doc.row.id).await.expect("get");
    assert_eq!(paid.row.payment_status, Some(PaymentStatus::Paid));
    assert_eq!(paid.payments.len(), 2);

    // a wrong entry is removed, and the document owes it again
    owner.delete_payment(payment.id).await.expect("remove");
    let after = owner.issuer_document(doc.row.id).await.expect("get");
    assert_eq!(after.row.remaining.as_deref(), Some("450.50"));
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'payment_deleted'")
            .await,
        1
    );
    // offers are not paid, drafts neither
    let offer = owner
        .create_document(&NewDocument {
            doc_type: DocumentType::Offer,
            ..invoice(kunde, vec![line("Quote", "1", "10", None, "20")])
        })
        .await
        .expect("offer");
    assert_eq!(
        error(owner.record_payment(offer.row.id, &pay("1"), None).await).1,
        "not_payable"
    );
}

/// The same key and body replay the first answer; another body with the key is refused; fifty
/// requests at once with one key record one payment.
#[tokio::test]
async fn a_payment_is_recorded_once_per_idempotency_key() {
    let app = spawn_app().await;
    let owner = shared(app.issuer_client().await);
    let (_, kunde) = kunde(&app).await;
    let doc = owner
        .create_document(&invoice(
            kunde,
            vec![line("Service", "1", "5000.00", None, "0")],
        ))
        .await
        .expect("draft");
    let id = owner
        .document_action(doc.row.id, "issue")
        .await
        .expect("issue")
        .row
        .id;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let owner = owner.clone();
            tokio::spawn(async move {
                owner
                    .record_payment(id, &pay("10.00"), Some("same-key"))
                    .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.expect("join").expect("201 for each").id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer is the first payment's");
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) AS n FROM payments WHERE document_id = {id}"
        ))
        .await,
        1
    );
    let other_body = owner
        .record_payment(id, &pay("11.00"), Some("same-key"))
        .await;
    let (status, _, fields) = error(other_body);
    assert_eq!((status, fields), (422, vec!["Idempotency-Key".to_string()]));
    let doc = owner.issuer_document(id).await.expect("get");
    assert_eq!(doc.row.paid.as_deref(), Some("10.00"));
}

#[tokio::test]
async fn a_document_type_switched_off_leaves_the_portal_at_the_next_request() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (customer, _) = kunde(&app).await;
    let before = customer
        .portal_documents(&[("type", "invoice")])
        .await
        .expect("grid");
    assert!(before.total > 0);
    let mut types = owner
        .settings()
        .await
        .expect("settings")
        .portal
        .document_types;
    types.retain(|t| *t != DocumentType::Invoice);
    let saved = owner
        .update_settings(&SettingsUpdate {
            portal: Some(PortalSettingsUpdate {
                document_types: Some(types),
                actions: Some(PortalActionsUpdate {
                    download: Some(false),
                    ..PortalActionsUpdate::default()
                }),
                ..PortalSettingsUpdate::default()
            }),
        })
        .await
        .expect("save");
    assert!(!saved.portal.document_types.contains(&DocumentType::Invoice));
    assert!(!saved.portal.actions.download);
    let after = customer
        .portal_documents(&[("type", "invoice")])
        .await
        .expect("grid");
    assert_eq!(after.total, 0);
    let me = customer.portal_me().await.expect("me");
    assert!(
        !me.permissions
            .document_types
            .contains(&"invoice".to_string())
    );
    assert!(!me.permissions.download);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'settings_changed'")
            .await,
        1
    );

    // apply-to-all gives every non-archived contractor access
    app.db
        .execute_unprepared("UPDATE contractors SET portal_access = false")
        .await
        .expect("withdraw");
    let applied = owner.apply_portal_access_to_all().await.expect("apply");
    assert!(applied.updated >= 3);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM contractors WHERE NOT portal_access")
            .await,
        0
    );
}

/// The issuer's grid: drafts too, contractor, state and viewed filters, checked against the
/// rows read from the database; who has not opened an invoice yet is one filter.
#[tokio::test]
async fn the_issuer_grid_finds_who_has_not_opened_an_invoice() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (customer, kunde) = kunde(&app).await;
    let draft = owner
        .create_document(&invoice(kunde, vec![line("D", "1", "1", None, "0")]))
        .await
        .expect("draft");
    let all = owner
        .issuer_documents(&[("per_page", "200")])
        .await
        .expect("grid");
    let rows = app
        .scalar("SELECT count(*) AS n FROM documents WHERE organization_id = 1")
        .await;
    assert_eq!(all.total, u64::try_from(rows).expect("count"));
    assert!(
        all.items
            .iter()
            .any(|r| r.id == draft.row.id && r.number.is_none())
    );

    let unopened = format!(
        "SELECT count(*) AS n FROM documents WHERE organization_id = 1 AND contractor_id = {kunde} \
         AND doc_type = 'invoice' AND state = 'issued' AND first_viewed_at IS NULL"
    );
    let k = kunde.to_string();
    let query = [
        ("contractor", k.as_str()),
        ("type", "invoice"),
        ("state", "issued"),
        ("viewed", "false"),
        ("per_page", "200"),
    ];
    let page = owner.issuer_documents(&query).await.expect("grid");
    assert_eq!(
        page.total,
        u64::try_from(app.scalar(&unopened).await).expect("n")
    );
    assert!(page.total > 0);
    assert!(
        page.items
            .iter()
            .all(|r| r.contractor_id == kunde && r.viewed_at.is_none())
    );
    // the customer opens one: it leaves the list
    customer
        .portal_document(page.items[0].id)
        .await
        .expect("view");
    let after = owner.issuer_documents(&query).await.expect("grid");
    assert_eq!(after.total, page.total - 1);
    let sorted = owner
        .issuer_documents(&[("sort", "contractor,-date"), ("per_page", "200")])
        .await
        .expect("grid");
    let names: Vec<&str> = sorted
        .items
        .iter()
        .map(|r| r.contractor_name.as_str())
        .collect();
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(names, expected);
}

/// Every document and payment endpoint against every role, a portal token and another
/// organisation.
#[tokio::test]
async fn documents_and_payments_are_managed_by_owners_admins_and_accountants_only() {
    let app = spawn_app().await;
    let (portal, kunde) = kunde(&app).await;
    let owner = app.issuer_client().await;
    let issued = owner
        .create_document(&invoice(kunde, vec![line("X", "1", "100", None, "0")]))
        .await
        .expect("draft");
    let issued = owner
        .document_action(issued.row.id, "issue")
        .await
        .expect("issue")
        .row
        .id;
    let mut callers: Vec<(&str, Client)> = vec![("owner", owner)];
    for role in ["admin", "accountant", "sales"] {
        callers.push((role, app.staff_client(role).await));
    }
    for (role, client) in &callers {
        client
            .issuer_documents(&[])
            .await
            .expect("every role reads");
        client
            .issuer_document(issued)
            .await
            .expect("every role reads one");
        client
            .payments(issued)
            .await
            .expect("every role reads payments");
        client
            .events(&[])
            .await
            .expect("every role reads the trail");
        client.settings().await.expect("every role reads settings");
        let created = client
            .create_document(&invoice(kunde, vec![line("Y", "1", "1", None, "0")]))
            .await;
        let paid = client.record_payment(issued, &pay("1.00"), None).await;
        let settings = client.update_settings(&SettingsUpdate::default()).await;
        if *role == "sales" {
            assert_eq!(error(created).0, 403, "{role}");
            assert_eq!(error(paid).0, 403, "{role}");
        } else {
            let draft = created.expect("create");
            paid.expect("pay");
            client
                .document_action(draft.row.id, "issue")
                .await
                .expect("issue");
        }
        if matches!(*role, "owner" | "admin") {
            settings.expect("settings");
        } else {
            assert_eq!(error(settings).0, 403, "{role}");
            assert_eq!(error(client.apply_portal_access_to_all().await).0, 403);
        }
    }
    assert_eq!(error(portal.issuer_documents(&[]).await).0, 401);
    assert_eq!(
        error(portal.record_payment(issued, &pay("1"), None).await).0,
        401
    );

    let rival = app.rival_owner().await;
    assert!(
        rival
            .issuer_documents(&[("per_page", "200")])
            .await
            .expect("own")
            .items
            .iter()
            .all(|r| r.id != issued)
    );
    assert_eq!(error(rival.issuer_document(issued).await).0, 404);
    assert_eq!(error(rival.issuer_document_pdf(issued).await).0, 404);
    assert_eq!(error(rival.payments(issued).await).0, 404);
    assert_eq!(
        error(rival.record_payment(issued, &pay("1"), None).await).0,
        404
    );
    assert_eq!(error(rival.document_action(issued, "cancel").await).0, 404);
    assert_eq!(
        error(rival.document_action(issued, "credit-note").await).0,
        404
    );
    let theirs = rival
        .create_document(&invoice(kunde, vec![line("Z", "1", "1", None, "0")]))
        .await;
    assert_eq!(
        error(theirs).2,
        ["contractor_id"],
        "another organisation's contractor"
    );
    let payment = app
        .scalar(&format!(
            "SELECT min(id) AS n FROM payments WHERE document_id = {issued}"
        ))
        .await;
    assert_eq!(error(rival.delete_payment(payment).await).0, 404);
    let events = rival
        .events(&[("document", &issued.to_string())])
        .await
        .expect("events");
    assert_eq!(events.total, 0);
}

/// The payment QR codes a banking app finds on a PDF (poppler's `pdftoppm` at 150 dpi, zbar's
/// `zbarimg`), each as its payload's lines.
fn scanned_codes(pdf: &[u8]) -> Vec<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("epc-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("doc.pdf"), pdf).expect("write");
    let rendered = std::process::Command::new("pdftoppm")
        .args([
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "doc.pdf",
            "page",
        ])
        .current_dir(&dir)
        .status()
        .expect("pdftoppm must be installed (apt-get install -y poppler-utils)");
    assert!(rendered.success());
    let out = std::process::Command::new("zbarimg")
        .args(["--raw", "-q", "-Sbinary", "page.png"])
        .current_dir(&dir)
        .output()
        .expect("zbarimg must be installed (apt-get install -y zbar-tools)");
    let _ = std::fs::remove_dir_all(&dir);
    // Exit status 4: no code on the page.
    if out.status.code() == Some(4) {
        return Vec::new();
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    vec![
        text.trim_end_matches('\n')
            .split('\n')
            .map(str::to_owned)
            .collect(),
    ]
}

#[tokio::test]
async fn an_open_eur_invoice_carries_a_transfer_code_for_what_remains_and_nothing_else_does() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (customer, kunde) = kunde(&app).await;
    // The organisation's EUR account and name, from the rows (not from the code's builder).
    let org = app
        .scalar("SELECT organization_id AS n FROM contractors WHERE name = 'Kunde GmbH'")
        .await;
    let bank: Vec<(String, Option<String>)> = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT iban, bic FROM bank_accounts WHERE organization_id = {org} AND currency = 'EUR'"),
        ))
        .await
        .expect("accounts")
        .into_iter()
        .map(|r| (r.try_get("", "iban").expect("iban"), r.try_get("", "bic").expect("bic")))
        .collect();
    let (iban, bic) = bank.first().cloned().expect("an EUR account");
    let name: String = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT legal_name FROM organizations WHERE id = {org}"),
        ))
        .await
        .expect("q")
        .expect("org")
        .try_get("", "legal_name")
        .expect("name");

    let draft = owner
        .create_document(&invoice(
            kunde,
            vec![line("Service", "3", "333.33", None, "19")],
        ))
        .await
        .expect("draft");
    // A draft is not payable yet: its preview has no code.
    let preview = owner
        .issuer_document_pdf(draft.row.id)
        .await
        .expect("preview");
    assert_eq!(scanned_codes(&preview), Vec::<Vec<String>>::new(), "draft");

    let doc = owner
        .document_action(draft.row.id, "issue")
        .await
        .expect("issue");
    let number = doc.row.number.clone().expect("number");
    let expect = |remaining: &str| {
        vec![vec![
            "BCD".to_owned(),
            "002".into(),
            "1".into(),
            "SCT".into(),
            bic.clone().unwrap_or_default(),
            name.clone(),
            iban.replace(' ', ""),
            format!("EUR{remaining}"),
            String::new(),
            String::new(),
            number.clone(),
        ]]
    };
    // The codes on the PDF the customer downloads.
    let codes =
        async |id: i64| scanned_codes(&customer.portal_document_pdf(id, true).await.expect("pdf"));
    let none = Vec::<Vec<String>>::new();
    // 3 × 333.33 = 999.99 net, 19 % VAT = 190.00 (rounded half up), 1,189.99 in all.
    assert_eq!(doc.row.total, "1189.99");
    assert_eq!(codes(doc.row.id).await, expect("1189.99"));
    // The staff's copy is the same document.
    let staff = owner.issuer_document_pdf(doc.row.id).await.expect("pdf");
    assert_eq!(scanned_codes(&staff), expect("1189.99"));

    // Part paid: the code asks for the rest; paid: no code.
    for (amount, key, left) in [
        ("1000.09", "epc-1", expect("189.90")),
        ("189.90", "epc-2", none.clone()),
    ] {
        owner
            .record_payment(doc.row.id, &pay(amount), Some(key))
            .await
            .expect("pay");
        assert_eq!(codes(doc.row.id).await, left, "after paying {amount}");
    }

    // Another currency (EPC codes are for euro transfers only), and an offer: no code.
    let mut bgn = invoice(kunde, vec![line("Service", "1", "100.00", None, "19")]);
    bgn.currency = Some("BGN".into());
    let mut offer = invoice(kunde, vec![line("Service", "1", "100.00", None, "19")]);
    offer.doc_type = DocumentType::Offer;
    for draft in [bgn, offer] {
        let draft = owner.create_document(&draft).await.expect("draft");
        owner
            .document_action(draft.row.id, "issue")
            .await
            .expect("issue");
        assert_eq!(codes(draft.row.id).await, none, "{:?}", draft.row.doc_type);
    }
}

/// ISO 11649's check digits for `reference`, computed apart from the server's code: Python's
/// big integers over the digits of the reference followed by `RF00` (A = 10 … Z = 35).
fn rf_by_python(reference: &str) -> String {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; r = sys.argv[1]; d = ''.join(str(int(c, 36)) for c in r + 'RF00'); print('RF%02d%s' % (98 - int(d) % 97, r))",
            reference,
        ])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn an_organisation_using_rf_references_gets_them_in_the_code_and_issued_documents_keep_theirs()
 {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let (customer, kunde) = kunde(&app).await;
    let issue = async |price: &str| {
        let draft = owner
            .create_document(&invoice(
                kunde,
                vec![line("Service", "1", price, None, "0")],
            ))
            .await
            .expect("draft");
        owner
            .document_action(draft.row.id, "issue")
            .await
            .expect("issue")
            .row
    };
    let reference_on_pdf = async |id: i64| {
        let codes = scanned_codes(&customer.portal_document_pdf(id, true).await.expect("pdf"));
        assert_eq!(codes.len(), 1, "one code");
        (codes[0][9].clone(), codes[0].get(10).cloned())
    };

    let before = issue("10.00").await;
    let profile = owner
        .update_organization(&OrganizationUpdate {
            creditor_reference: Some(true),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("rf on");
    assert!(profile.creditor_reference);

    let after = issue("20.00").await;
    let number = after.number.clone().expect("number");
    let compact: String = number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let rf = rf_by_python(&compact);
    // The structured element carries the reference; no text element follows it.
    assert_eq!(reference_on_pdf(after.id).await, (rf.clone(), None));
    // The portal's page shows the same code.
    let detail = customer.portal_document(after.id).await.expect("detail");
    assert_eq!(
        detail
            .payment_code
            .as_deref()
            .map(portal_domain::epc::reference_of),
        Some(rf.as_str())
    );
    // Issued before the change: the number as text, as it was.
    let old_number = before.number.clone().expect("number");
    assert_eq!(
        reference_on_pdf(before.id).await,
        (String::new(), Some(old_number))
    );

    // Turned off again: the document issued with a reference keeps it.
    owner
        .update_organization(&OrganizationUpdate {
            creditor_reference: Some(false),
            ..OrganizationUpdate::default()
        })
        .await
        .expect("rf off");
    assert_eq!(reference_on_pdf(after.id).await, (rf, None));
    let last = issue("30.00").await;
    assert_eq!(
        reference_on_pdf(last.id).await.1,
        last.number.clone(),
        "the number as text again"
    );
}
