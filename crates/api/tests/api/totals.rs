//! The running totals per customer (`contractor_totals` and `contractor_dues`, kept by triggers
//! on `documents`) after
//! thousands of random writes — through the API (drafts, issuing, payments recorded and
//! deleted, cancellations, credit notes) and straight in SQL (due dates, currencies, amounts
//! paid, states, types, customers changed; documents deleted) — equal totals computed here in
//! Rust from the rows; and the portal's grid and summary, which read the totals, answer what
//! the same questions answer when they must scan (a filter the totals cannot answer).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, Utc};
use portal_client::Client;
use portal_store::entities::document;
use portal_types::{DocumentType, LineInput, NewDocument};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};

use crate::helpers::{TestApp, spawn_app};

/// A small deterministic generator (xorshift64*), so a failure repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A row's key: organisation, customer, type, state, currency, payment state, and `dued`
/// (for `contractor_totals`) or the due date (for `contractor_dues`).
type Key = (i64, i64, String, String, String, &'static str, String);
type Sums = [i64; 6];
type Totals = BTreeMap<Key, Sums>;

/// Both tables' rows from the documents' rows, computed apart from the triggers' SQL.
fn expected(rows: &[document::Model]) -> (Totals, Totals) {
    let (mut totals, mut dues) = (Totals::new(), Totals::new());
    for d in rows {
        let bucket = match (d.paid_minor, d.remaining_minor) {
            (None, _) => "none",
            (_, Some(0)) => "paid",
            (Some(0), _) => "unpaid",
            _ => "partial",
        };
        let due = d
            .due_date
            .filter(|_| d.remaining_minor.is_some_and(|r| r > 0));
        let key = |last: String| {
            (
                d.organization_id,
                d.contractor_id,
                d.doc_type.clone(),
                d.state.clone(),
                d.currency.clone(),
                bucket,
                last,
            )
        };
        let values = [
            1,
            d.tax_base_minor,
            d.vat_minor,
            d.total_minor,
            d.paid_minor.unwrap_or(0),
            d.remaining_minor.unwrap_or(0),
        ];
        let add = |table: &mut Totals, k: Key| {
            let sums = table.entry(k).or_default();
            for (i, v) in values.iter().enumerate() {
                sums[i] += v;
            }
        };
        add(&mut totals, key(u8::from(due.is_some()).to_string()));
        if let Some(due) = due {
            add(&mut dues, key(due.to_string()));
        }
    }
    (totals, dues)
}

/// One table as the triggers keep it; `last` is its last key column.
async fn kept(app: &TestApp, table: &str, last: &str) -> Totals {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "SELECT organization_id, contractor_id, doc_type, state, currency, bucket, {last},
                        n, tax_base_minor, vat_minor, total_minor, paid_minor, remaining_minor
                 FROM {table}"
            ),
        ))
        .await
        .expect("totals");
    rows.iter()
        .map(|r| {
            let bucket: String = r.try_get("", "bucket").expect("bucket");
            let last = match r.try_get::<NaiveDate>("", last) {
                Ok(date) => date.to_string(),
                Err(_) => r.try_get::<i32>("", last).expect("dued").to_string(),
            };
            let key = (
                r.try_get("", "organization_id").expect("org"),
                r.try_get("", "contractor_id").expect("contractor"),
                r.try_get("", "doc_type").expect("type"),
                r.try_get("", "state").expect("state"),
                r.try_get("", "currency").expect("currency"),
                match bucket.as_str() {
                    "none" => "none",
                    "paid" => "paid",
                    "unpaid" => "unpaid",
                    "partial" => "partial",
                    other => panic!("bucket {other}"),
                },
                last,
            );
            let sums = [
                "n",
                "tax_base_minor",
                "vat_minor",
                "total_minor",
                "paid_minor",
                "remaining_minor",
            ]
            .map(|c| r.try_get::<i64>("", c).expect("a sum"));
            (key, sums)
        })
        .collect()
}

async fn assert_totals_match(app: &TestApp, after: &str) {
    let rows = document::Entity::find()
        .all(&app.db)
        .await
        .expect("documents");
    let (totals, dues) = expected(&rows);
    for (table, last, want) in [
        ("contractor_totals", "dued", totals),
        ("contractor_dues", "due_date", dues),
    ] {
        let got = kept(app, table, last).await;
        if want != got {
            let missing: Vec<_> = want
                .iter()
                .filter(|(k, v)| got.get(*k) != Some(v))
                .collect();
            let extra: Vec<_> = got
                .iter()
                .filter(|(k, v)| want.get(*k) != Some(v))
                .collect();
            panic!("after {after}: {table} differs\nfrom the rows: {missing:#?}\nkept: {extra:#?}");
        }
    }
}

fn draft(rng: &mut Rng, contractor: i64, today: NaiveDate) -> NewDocument {
    let doc_type = *rng.pick(&[
        DocumentType::Invoice,
        DocumentType::Invoice,
        DocumentType::Invoice,
        DocumentType::DebitNote,
        DocumentType::Offer,
    ]);
    let due = today - Days::new(30) + Days::new(rng.below(60));
    NewDocument {
        contractor_id: contractor,
        doc_type,
        currency: Some((*rng.pick(&["EUR", "EUR", "BGN", "USD"])).into()),
        issue_date: Some(today - Days::new(40)),
        due_date: Some(due),
        lines: vec![LineInput {
            description: "Work".into(),
            quantity: format!("{}", 1 + rng.below(5)),
            unit: "h".into(),
            unit_price: format!("{}.{:02}", 1 + rng.below(300), rng.below(100)),
            discount_percent: None,
            vat_rate: (*rng.pick(&["0", "9", "20"])).into(),
        }],
        notes: None,
        related_document_id: None,
    }
}

/// One random change through the API.
async fn api_write(rng: &mut Rng, owner: &Client, contractors: &[i64], docs: &mut Vec<i64>) {
    let today = Utc::now().date_naive();
    match rng.below(10) {
        0..=3 => {
            let contractor = *rng.pick(contractors);
            let Ok(d) = owner.create_document(&draft(rng, contractor, today)).await else {
                return;
            };
            if rng.below(5) > 0 && owner.document_action(d.row.id, "issue").await.is_ok() {
                docs.push(d.row.id);
            }
        }
        4..=6 if !docs.is_empty() => {
            let id = *rng.pick(docs);
            let amount = format!("{}.{:02}", 1 + rng.below(200), rng.below(100));
            let payment = serde_json::from_value(serde_json::json!({
                "amount": amount,
                "method": "bank_transfer",
            }))
            .expect("payment");
            let _ = owner.record_payment(id, &payment, None).await;
        }
        7 if !docs.is_empty() => {
            let id = *rng.pick(docs);
            if let Ok(list) = owner.payments(id).await
                && let Some(p) = list.items.first()
            {
                let _ = owner.delete_payment(p.id).await;
            }
        }
        8 if !docs.is_empty() => {
            let id = *rng.pick(docs);
            let _ = owner.document_action(id, "cancel").await;
        }
        9 if !docs.is_empty() => {
            let id = *rng.pick(docs);
            let _ = owner.document_action(id, "credit-note").await;
        }
        _ => {}
    }
}

/// One random change straight in SQL, as an operator or an import might make it.
async fn sql_write(rng: &mut Rng, app: &TestApp, contractors: &[i64], ids: &[i64]) {
    let id = *rng.pick(ids);
    let today = Utc::now().date_naive();
    let day = today - Days::new(20) + Days::new(rng.below(40));
    let sql = match rng.below(9) {
        0 => format!("UPDATE documents SET due_date = '{day}' WHERE id = {id}"),
        1 => format!("UPDATE documents SET due_date = NULL WHERE id = {id}"),
        2 => format!(
            "UPDATE documents SET currency = '{}' WHERE id = {id}",
            rng.pick(&["EUR", "BGN", "USD", "JPY"])
        ),
        3 => {
            // Something paid, the rest remaining, as the columns' check wants it.
            let share = rng.below(4);
            format!(
                "UPDATE documents SET paid_minor = total_minor * {share} / 3,
                     remaining_minor = total_minor - total_minor * {share} / 3
                 WHERE id = {id} AND paid_minor IS NOT NULL"
            )
        }
        4 => format!(
            "UPDATE documents SET state = '{}' WHERE id = {id} AND state <> 'draft'",
            rng.pick(&["issued", "cancelled"])
        ),
        5 => format!(
            "UPDATE documents SET contractor_id = {} WHERE id = {id}",
            rng.pick(contractors)
        ),
        6 => format!("UPDATE documents SET first_viewed_at = NULL, notes = 'seen' WHERE id = {id}"),
        7 => format!(
            "UPDATE documents SET tax_base_minor = tax_base_minor + 100, total_minor = total_minor + 100,
                 remaining_minor = remaining_minor + CASE WHEN paid_minor IS NULL THEN NULL ELSE 100 END
             WHERE id = {id}"
        ),
        _ => format!(
            "DELETE FROM documents WHERE id = {id} AND state = 'draft'
             AND NOT EXISTS (SELECT 1 FROM documents r WHERE r.related_document_id = {id})"
        ),
    };
    // A change the schema refuses (a foreign key, a check) changes nothing: the totals must
    // not have moved either.
    let _ = app
        .db
        .execute_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await;
}

async fn grid(customer: &Client, query: &[(&str, &str)]) -> (u64, String) {
    let page = customer.portal_documents(query).await.expect("grid");
    (page.total, format!("{:?}", page.sums))
}

#[tokio::test]
async fn running_totals_equal_the_rows_after_thousands_of_random_writes() {
    let app = spawn_app().await;
    assert_totals_match(&app, "the demo data").await;
    let owner = app.issuer_client().await;
    let customers = [
        app.portal_client("acme").await,
        app.portal_client("kunde").await,
        app.portal_client("cliente").await,
    ];
    let mut contractors = Vec::new();
    for c in &customers {
        contractors.push(c.portal_me().await.expect("me").contractor_id);
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut docs = Vec::new();
    for round in 0..4 {
        for _ in 0..150 {
            api_write(&mut rng, &owner, &contractors, &mut docs).await;
        }
        let ids: Vec<i64> = document::Entity::find()
            .all(&app.db)
            .await
            .expect("documents")
            .iter()
            .map(|d| d.id)
            .collect();
        for _ in 0..600 {
            sql_write(&mut rng, &app, &contractors, &ids).await;
        }
        assert_totals_match(&app, &format!("round {round}")).await;
    }

    // The grid and the summary read the totals; with `date_from` set far back (which selects
    // every document but is a filter the totals cannot answer) the grid scans. Both agree.
    let statuses = ["", "paid", "unpaid", "partially_paid", "open", "overdue"];
    for customer in &customers {
        for status in statuses {
            for doc_type in ["", "invoice"] {
                let mut q: Vec<(&str, &str)> = vec![("per_page", "5")];
                if !status.is_empty() {
                    q.push(("status", status));
                }
                if !doc_type.is_empty() {
                    q.push(("type", doc_type));
                }
                let from_totals = grid(customer, &q).await;
                q.push(("date_from", "1900-01-01"));
                let scanned = grid(customer, &q).await;
                assert_eq!(from_totals, scanned, "{q:?}");
            }
        }
        // The summary's open and overdue, computed here from the customer's visible rows.
        let me = customer.portal_me().await.expect("me");
        let summary = customer.portal_summary().await.expect("summary");
        let today = Utc::now().date_naive();
        let rows = document::Entity::find()
            .all(&app.db)
            .await
            .expect("documents");
        let visible: Vec<_> = rows
            .iter()
            .filter(|d| {
                d.contractor_id == me.contractor_id
                    && d.state != "draft"
                    && d.state != "cancelled"
                    && d.paid_minor.is_some()
            })
            .collect();
        for c in &summary.currencies {
            let mine: Vec<_> = visible
                .iter()
                .filter(|d| d.currency == c.currency)
                .collect();
            let open = mine.iter().filter(|d| d.remaining_minor != Some(0)).count() as u64;
            let overdue = mine
                .iter()
                .filter(|d| {
                    d.remaining_minor.is_some_and(|r| r > 0)
                        && d.due_date.is_some_and(|due| due < today)
                })
                .count() as u64;
            assert_eq!(
                (c.open_count, c.overdue_count),
                (open, overdue),
                "{}",
                c.currency
            );
        }
    }
}
