//! The document grid, checked against an independent computation: the rows are read straight
//! from the database with SeaORM and every filter, sort and sum is recomputed here in plain Rust.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use portal_client::{Client, ClientError};
use portal_store::entities::{contractor, document, document_line, portal_user};
use portal_types::{CurrencySums, DocumentPage, DocumentRow};
use reqwest::Method;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::helpers::{TestApp, spawn_app};

/// Parses a decimal string the API sent into minor units (2 decimals: the demo uses EUR and BGN).
fn minor(s: &str) -> i64 {
    let negative = s.starts_with('-');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    assert!(
        s.contains('.') && s.split('.').nth(1).is_some_and(|f| f.len() == 2),
        "two decimals: {s}"
    );
    let v: i64 = digits.parse().expect("digits");
    if negative { -v } else { v }
}

fn fmt(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", v.abs() / 100, v.abs() % 100)
}

pub async fn contractor_of(app: &TestApp, username: &str) -> i64 {
    portal_user::Entity::find()
        .filter(portal_user::Column::Username.eq(username))
        .one(&app.db)
        .await
        .expect("query")
        .expect("user")
        .contractor_id
}

/// What a customer may see, straight from the table: own, not draft (the demo releases all types).
pub async fn visible(app: &TestApp, username: &str) -> Vec<document::Model> {
    let contractor_id = contractor_of(app, username).await;
    document::Entity::find()
        .filter(document::Column::ContractorId.eq(contractor_id))
        .all(&app.db)
        .await
        .expect("query")
        .into_iter()
        .filter(|d| d.state != "draft")
        .collect()
}

/// Every page of a query, fetched with a small page size to exercise paging.
pub async fn all_pages(client: &Client, query: &str) -> (Vec<DocumentRow>, u64, Vec<CurrencySums>) {
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let sep = if query.is_empty() { "" } else { "&" };
        let p: DocumentPage = get(
            client,
            &format!("/api/v1/portal/documents?{query}{sep}per_page=7&page={page}"),
        )
        .await;
        assert_eq!((p.page, p.per_page), (page, 7));
        let done = p.items.len() < 7;
        rows.extend(p.items);
        if done {
            assert_eq!(
                rows.len() as u64,
                p.total,
                "{query}: rows over all pages = total"
            );
            return (rows, p.total, p.sums);
        }
        page += 1;
    }
}

pub async fn get<T: serde::de::DeserializeOwned>(client: &Client, path: &str) -> T {
    let response = client
        .request(Method::GET, path)
        .send()
        .await
        .expect("send");
    let response = portal_client::check(response)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    response.json().await.expect("json")
}

async fn status(client: &Client, path: &str) -> (u16, serde_json::Value) {
    let response = client
        .request(Method::GET, path)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

fn payable(d: &document::Model) -> bool {
    d.paid_minor.is_some()
}

fn summable(d: &document::Model) -> bool {
    payable(d) && d.state != "cancelled"
}

fn overdue(d: &document::Model, today: NaiveDate) -> bool {
    summable(d) && d.remaining_minor.unwrap_or(0) > 0 && d.due_date.is_some_and(|due| due < today)
}

fn ids(rows: &[DocumentRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

/// Expected order for `-date` (the default): newest first, then higher id first.
fn by_date_desc(mut docs: Vec<&document::Model>) -> Vec<i64> {
    docs.sort_by(|a, b| b.issue_date.cmp(&a.issue_date).then(b.id.cmp(&a.id)));
    docs.iter().map(|d| d.id).collect()
}

/// Checks one filter: the ids over all pages equal those of the predicate, in default order,
/// and the footer sums equal sums recomputed from the table.
async fn check_filter(
    client: &Client,
    docs: &[document::Model],
    query: &str,
    keep: impl Fn(&document::Model) -> bool,
) {
    let expected: Vec<&document::Model> = docs.iter().filter(|d| keep(d)).collect();
    let (rows, total, sums) = all_pages(client, query).await;
    assert_eq!(ids(&rows), by_date_desc(expected.clone()), "{query}");
    assert_eq!(total as usize, expected.len(), "{query}");
    let mut want: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for d in expected.iter().filter(|d| summable(d)) {
        let e = want.entry(d.currency.clone()).or_default();
        e[0] += 1;
        e[1] += d.tax_base_minor;
        e[2] += d.vat_minor;
        e[3] += d.total_minor;
        e[4] += d.paid_minor.unwrap_or(0);
        e[5] += d.remaining_minor.unwrap_or(0);
    }
    let got: BTreeMap<String, [i64; 6]> = sums
        .iter()
        .map(|s| {
            (
                s.currency.clone(),
                [
                    s.count as i64,
                    minor(&s.tax_base),
                    minor(&s.vat),
                    minor(&s.total),
                    minor(&s.paid),
                    minor(&s.remaining),
                ],
            )
        })
        .collect();
    assert_eq!(got, want, "{query}: sums");
    // The footer also equals the sum over the rows of all pages.
    let mut from_rows: BTreeMap<String, i64> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.paid.is_some() && r.state.as_str() != "cancelled")
    {
        *from_rows.entry(r.currency.clone()).or_default() +=
            minor(r.remaining.as_deref().unwrap_or("0.00"));
    }
    let footer: BTreeMap<String, i64> = sums
        .iter()
        .map(|s| (s.currency.clone(), minor(&s.remaining)))
        .collect();
    assert_eq!(from_rows, footer, "{query}: footer = sum over pages");
}

#[tokio::test]
async fn every_filter_matches_an_independent_computation() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    let docs = visible(&app, "acme").await;
    let today = Utc::now().date_naive();
    assert!(docs.len() >= 18, "demo data: {}", docs.len());

    // Download two documents so the downloaded filters have something to find.
    let downloaded: Vec<i64> = docs.iter().take(2).map(|d| d.id).collect();
    for id in &downloaded {
        let response = client
            .request(Method::GET, &format!("/api/v1/portal/documents/{id}/pdf"))
            .send()
            .await
            .expect("pdf");
        assert_eq!(response.status(), 200);
    }
    let docs = visible(&app, "acme").await;

    check_filter(&client, &docs, "", |_| true).await;
    check_filter(&client, &docs, "number=00010", |d| {
        d.number.contains("00010")
    })
    .await;
    check_filter(&client, &docs, "type=invoice,credit_note", |d| {
        d.doc_type == "invoice" || d.doc_type == "credit_note"
    })
    .await;
    check_filter(&client, &docs, "type=offer&type=delivery_note", |d| {
        d.doc_type == "offer" || d.doc_type == "delivery_note"
    })
    .await;
    check_filter(&client, &docs, "currency=BGN", |d| d.currency == "BGN").await;
    check_filter(&client, &docs, "currency=eur", |d| d.currency == "EUR").await;

    let mut dates: Vec<NaiveDate> = docs.iter().map(|d| d.issue_date).collect();
    dates.sort();
    let (from, to) = (dates[dates.len() / 4], dates[dates.len() * 3 / 4]);
    check_filter(
        &client,
        &docs,
        &format!("date_from={from}&date_to={to}"),
        |d| d.issue_date >= from && d.issue_date <= to,
    )
    .await;
    check_filter(
        &client,
        &docs,
        &format!("date_from={from}&currency=EUR"),
        |d| d.issue_date >= from && d.currency == "EUR",
    )
    .await;
    check_filter(
        &client,
        &docs,
        &format!("due_from={from}&due_to={to}"),
        |d| d.due_date.is_some_and(|x| x >= from && x <= to),
    )
    .await;

    let mut totals: Vec<i64> = docs.iter().map(|d| d.total_minor).collect();
    totals.sort();
    let median = totals[totals.len() / 2];
    check_filter(&client, &docs, &format!("total_min={}", fmt(median)), |d| {
        d.total_minor >= median
    })
    .await;
    check_filter(&client, &docs, &format!("total_max={}", fmt(median)), |d| {
        d.total_minor <= median
    })
    .await;
    check_filter(
        &client,
        &docs,
        &format!("tax_base_min=100&tax_base_max={}", fmt(median)),
        |d| d.tax_base_minor >= 10000 && d.tax_base_minor <= median,
    )
    .await;
    check_filter(&client, &docs, "vat_min=50.5", |d| d.vat_minor >= 5050).await;
    check_filter(&client, &docs, "vat_max=0", |d| d.vat_minor <= 0).await;
    check_filter(&client, &docs, "paid_min=0.01", |d| {
        d.paid_minor.is_some_and(|p| p >= 1)
    })
    .await;
    check_filter(&client, &docs, "paid_max=0", |d| {
        d.paid_minor.is_some_and(|p| p <= 0)
    })
    .await;
    check_filter(&client, &docs, "remaining_min=0.01", |d| {
        d.remaining_minor.is_some_and(|r| r >= 1)
    })
    .await;
    check_filter(&client, &docs, "remaining_max=-0.01", |d| {
        d.remaining_minor.is_some_and(|r| r <= -1)
    })
    .await;

    check_filter(&client, &docs, "status=paid", |d| {
        summable(d) && d.remaining_minor == Some(0)
    })
    .await;
    check_filter(&client, &docs, "status=unpaid", |d| {
        summable(d) && d.remaining_minor != Some(0) && d.paid_minor == Some(0)
    })
    .await;
    check_filter(&client, &docs, "status=partially_paid", |d| {
        summable(d) && d.remaining_minor != Some(0) && d.paid_minor != Some(0)
    })
    .await;
    check_filter(&client, &docs, "status=open", |d| {
        summable(d) && d.remaining_minor != Some(0)
    })
    .await;
    check_filter(&client, &docs, "status=overdue", |d| overdue(d, today)).await;
    check_filter(&client, &docs, "status=paid,overdue", |d| {
        (summable(d) && d.remaining_minor == Some(0)) || overdue(d, today)
    })
    .await;

    check_filter(&client, &docs, "downloaded=true", |d| {
        downloaded.contains(&d.id)
    })
    .await;
    check_filter(&client, &docs, "downloaded=false", |d| {
        !downloaded.contains(&d.id)
    })
    .await;
    check_filter(
        &client,
        &docs,
        &format!("downloaded_from={today}&downloaded_to={today}"),
        |d| downloaded.contains(&d.id),
    )
    .await;
    let tomorrow = today.succ_opt().expect("date");
    check_filter(
        &client,
        &docs,
        &format!("downloaded_from={tomorrow}"),
        |_| false,
    )
    .await;

    // Free text: line descriptions, in any case, Cyrillic included, and numbers.
    let lines = document_line::Entity::find()
        .all(&app.db)
        .await
        .expect("lines");
    let word = "КОНСУЛТАНТСКИ";
    let with_word: Vec<i64> = lines
        .iter()
        .filter(|l| l.description.to_lowercase().contains(&word.to_lowercase()))
        .map(|l| l.document_id)
        .collect();
    assert!(!with_word.is_empty(), "demo data has consulting lines");
    check_filter(&client, &docs, &format!("q={word}"), |d| {
        with_word.contains(&d.id)
    })
    .await;
    let number = docs[3].number.clone();
    check_filter(&client, &docs, &format!("q={number}"), |d| {
        d.number == number
    })
    .await;
    check_filter(&client, &docs, "q=100%25", |_| false).await;
    check_filter(&client, &docs, "number=_", |_| false).await;
}

/// A sort key of a row: (is NULL, comparable text).
type SortKeyFn = Box<dyn Fn(&document::Model) -> (bool, String)>;

#[tokio::test]
async fn every_sort_key_orders_like_an_independent_sort() {
    let app = spawn_app().await;
    let client = app.portal_client("kunde").await;
    let docs = visible(&app, "kunde").await;
    let today = Utc::now().date_naive();
    // (sort parameter, key: (is null, comparable string))
    let pad = |v: i64| format!("{:020}", v + 1_000_000_000_000);
    let keys: Vec<(&str, SortKeyFn)> = vec![
        ("number", Box::new(|d| (false, d.number.clone()))),
        ("date", Box::new(|d| (false, d.issue_date.to_string()))),
        (
            "due_date",
            Box::new(|d| {
                (
                    d.due_date.is_none(),
                    d.due_date.map(|x| x.to_string()).unwrap_or_default(),
                )
            }),
        ),
        ("type", Box::new(|d| (false, d.doc_type.clone()))),
        ("total", Box::new(move |d| (false, pad(d.total_minor)))),
        (
            "tax_base",
            Box::new(move |d| (false, pad(d.tax_base_minor))),
        ),
        ("vat", Box::new(move |d| (false, pad(d.vat_minor)))),
        (
            "paid",
            Box::new(move |d| {
                (
                    d.paid_minor.is_none(),
                    d.paid_minor.map(pad).unwrap_or_default(),
                )
            }),
        ),
        (
            "remaining",
            Box::new(move |d| {
                (
                    d.remaining_minor.is_none(),
                    d.remaining_minor.map(pad).unwrap_or_default(),
                )
            }),
        ),
        ("state", Box::new(|d| (false, d.state.clone()))),
        (
            "payment_status",
            Box::new(|d| {
                let rank = if !summable(d) {
                    None
                } else if d.remaining_minor != Some(0) && d.paid_minor == Some(0) {
                    Some("0")
                } else if d.remaining_minor != Some(0) {
                    Some("1")
                } else {
                    Some("2")
                };
                (rank.is_none(), rank.unwrap_or_default().to_string())
            }),
        ),
        (
            "overdue",
            Box::new(move |d| (false, if overdue(d, today) { "1" } else { "0" }.to_string())),
        ),
    ];
    for (name, key) in &keys {
        for descending in [false, true] {
            let param = if descending {
                format!("-{name}")
            } else {
                name.to_string()
            };
            let mut expected: Vec<&document::Model> = docs.iter().collect();
            expected.sort_by(|a, b| {
                let (ka, kb) = (key(a), key(b));
                // NULLs last in both directions
                ka.0.cmp(&kb.0)
                    .then_with(|| {
                        if descending {
                            kb.1.cmp(&ka.1)
                        } else {
                            ka.1.cmp(&kb.1)
                        }
                    })
                    .then_with(|| {
                        if descending {
                            b.id.cmp(&a.id)
                        } else {
                            a.id.cmp(&b.id)
                        }
                    })
            });
            let (rows, _, _) = all_pages(&client, &format!("sort={param}")).await;
            assert_eq!(
                ids(&rows),
                expected.iter().map(|d| d.id).collect::<Vec<_>>(),
                "sort={param}"
            );
        }
    }
    // Several keys: type ascending, then newest first.
    let mut expected: Vec<&document::Model> = docs.iter().collect();
    expected.sort_by(|a, b| {
        a.doc_type
            .cmp(&b.doc_type)
            .then(b.issue_date.cmp(&a.issue_date))
            .then(b.id.cmp(&a.id))
    });
    let (rows, _, _) = all_pages(&client, "sort=type,-date").await;
    assert_eq!(
        ids(&rows),
        expected.iter().map(|d| d.id).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn rows_carry_exact_money_and_status() {
    let app = spawn_app().await;
    let client = app.portal_client("cliente").await;
    let docs = visible(&app, "cliente").await;
    let today = Utc::now().date_naive();
    let (rows, _, _) = all_pages(&client, "").await;
    for row in &rows {
        let d = docs
            .iter()
            .find(|d| d.id == row.id)
            .expect("row is visible");
        assert_eq!(minor(&row.total), d.total_minor);
        assert_eq!(
            minor(&row.tax_base) + minor(&row.vat),
            minor(&row.total),
            "total = tax base + VAT"
        );
        assert_eq!(row.paid.as_deref().map(minor), d.paid_minor);
        assert_eq!(row.remaining.as_deref().map(minor), d.remaining_minor);
        if let (Some(p), Some(r)) = (&row.paid, &row.remaining) {
            assert_eq!(
                minor(p) + minor(r),
                minor(&row.total),
                "remaining = total - paid"
            );
        }
        let not_payable = matches!(
            d.doc_type.as_str(),
            "offer" | "delivery_note" | "order_confirmation"
        );
        assert_eq!(row.paid.is_none(), not_payable, "{}", d.doc_type);
        assert_eq!(row.overdue, overdue(d, today));
        if d.doc_type == "credit_note" {
            assert!(minor(&row.total) < 0, "credit notes carry negative amounts");
        }
    }
    // The demo covers every payment state.
    let statuses: std::collections::HashSet<_> =
        rows.iter().filter_map(|r| r.payment_status).collect();
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    assert!(rows.iter().any(|r| r.overdue));
}

#[tokio::test]
async fn cancelled_documents_are_listed_but_not_summed_and_drafts_never_appear() {
    let app = spawn_app().await;
    let client = app.portal_client("kunde").await;
    let contractor_id = contractor_of(&app, "kunde").await;
    let invoice = visible(&app, "kunde")
        .await
        .into_iter()
        .find(|d| d.doc_type == "invoice" && d.remaining_minor != Some(0))
        .expect("open invoice");
    app.db
        .execute_unprepared(&format!(
            "UPDATE documents SET state = 'cancelled' WHERE id = {}",
            invoice.id
        ))
        .await
        .expect("cancel");
    let docs = visible(&app, "kunde").await;
    check_filter(&client, &docs, "", |_| true).await;
    let (rows, _, _) = all_pages(&client, "").await;
    let row = rows
        .iter()
        .find(|r| r.id == invoice.id)
        .expect("cancelled is listed");
    assert_eq!(row.state.as_str(), "cancelled");
    assert_eq!((row.payment_status, row.overdue), (None, false));
    let (open, _, _) = all_pages(&client, "status=open").await;
    assert!(!ids(&open).contains(&invoice.id));

    let drafts: Vec<i64> = document::Entity::find()
        .filter(document::Column::ContractorId.eq(contractor_id))
        .filter(document::Column::State.eq("draft"))
        .all(&app.db)
        .await
        .expect("drafts")
        .iter()
        .map(|d| d.id)
        .collect();
    assert!(!drafts.is_empty());
    for id in drafts {
        assert!(!ids(&rows).contains(&id));
        assert_eq!(
            status(&client, &format!("/api/v1/portal/documents/{id}"))
                .await
                .0,
            404
        );
        assert_eq!(
            status(&client, &format!("/api/v1/portal/documents/{id}/pdf"))
                .await
                .0,
            404
        );
    }
}

#[tokio::test]
async fn only_released_document_types_are_visible() {
    let app = spawn_app().await;
    app.db
        .execute_unprepared(
            "UPDATE organizations SET portal_document_types = 'invoice,credit_note'",
        )
        .await
        .expect("update");
    let client = app.portal_client("acme").await;
    let docs = visible(&app, "acme").await;
    check_filter(&client, &docs, "", |d| {
        d.doc_type == "invoice" || d.doc_type == "credit_note"
    })
    .await;
    let offer = docs
        .iter()
        .find(|d| d.doc_type == "offer")
        .expect("an offer");
    assert_eq!(
        status(&client, &format!("/api/v1/portal/documents/{}", offer.id))
            .await
            .0,
        404
    );
    let (rows, _, _) = all_pages(&client, "type=offer").await;
    assert!(rows.is_empty());
}

/// What the SPA is told the portal releases is what the grid shows: both read the stored list
/// through one parser, so an entry it does not know is in neither.
#[tokio::test]
async fn the_released_types_the_spa_is_told_are_the_ones_the_grid_shows() {
    let app = spawn_app().await;
    app.db
        .execute_unprepared(
            "UPDATE organizations SET portal_document_types = 'invoice,bogus,,credit_note'",
        )
        .await
        .expect("update");
    let client = app.portal_client("acme").await;
    let me = client.portal_me().await.expect("me");
    assert_eq!(me.permissions.document_types, ["invoice", "credit_note"]);
    let (rows, _, _) = all_pages(&client, "").await;
    let mut shown: Vec<String> = rows
        .iter()
        .map(|r| r.doc_type.as_str().to_string())
        .collect();
    shown.sort();
    shown.dedup();
    assert_eq!(shown, ["credit_note", "invoice"]);
}

#[tokio::test]
async fn a_customer_never_sees_another_customers_documents() {
    let app = spawn_app().await;
    let users = ["acme", "kunde", "cliente"];
    let mut clients = Vec::new();
    for user in users {
        clients.push((
            user,
            app.portal_client(user).await,
            visible(&app, user).await,
        ));
    }
    for (user, client, own) in &clients {
        let (rows, _, _) = all_pages(client, "").await;
        let own_ids: Vec<i64> = own.iter().map(|d| d.id).collect();
        assert!(
            ids(&rows).iter().all(|id| own_ids.contains(id)),
            "{user} sees only own rows"
        );
        for (other, _, theirs) in clients.iter().filter(|(o, _, _)| o != user) {
            for doc in theirs {
                for path in [
                    format!("/api/v1/portal/documents/{}", doc.id),
                    format!("/api/v1/portal/documents/{}/pdf", doc.id),
                    format!("/api/v1/portal/documents/{}/pdf?disposition=inline", doc.id),
                ] {
                    let (code, body) = status(client, &path).await;
                    assert_eq!(
                        (code, body["code"].as_str()),
                        (404, Some("not_found")),
                        "{user} → {other}: {path}"
                    );
                }
                let (rows, total, _) = all_pages(client, &format!("number={}", doc.number)).await;
                assert!(
                    rows.iter().all(|r| own_ids.contains(&r.id)),
                    "{user} filtering by {other}'s number"
                );
                assert!(
                    total as usize
                        <= own
                            .iter()
                            .filter(|d| d.number.contains(&doc.number))
                            .count()
                );
            }
        }
    }
    // Nothing the intruders did counted as a view or download of someone else's document.
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind IN ('viewed', 'downloaded')")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM documents WHERE first_viewed_at IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn bad_filter_values_are_422_naming_the_parameter() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    for (query, field) in [
        ("date_from=2024-13-01", "date_from"),
        ("due_to=yesterday", "due_to"),
        ("total_min=abc", "total_min"),
        ("remaining_max=1e5", "remaining_max"),
        ("sort=colour", "sort"),
        ("sort=-", "sort"),
        ("type=bill", "type"),
        ("currency=XYZ", "currency"),
        ("status=late", "status"),
        ("per_page=100000", "per_page"),
        ("page=0", "page"),
        ("downloaded=maybe", "downloaded"),
        ("tenant=2", "tenant"),
        ("contractor_id=1", "contractor_id"),
    ] {
        let (code, body) = status(&client, &format!("/api/v1/portal/documents?{query}")).await;
        assert_eq!(code, 422, "{query}");
        assert_eq!(body["code"], "validation_failed", "{query}");
        assert_eq!(body["errors"][0]["field"], field, "{query}");
    }
    assert_eq!(status(&client, "/api/v1/portal/documents/abc").await.0, 404);
    assert_eq!(
        status(&client, "/api/v1/portal/documents/99999999999999999999")
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn page_size_defaults_to_50_and_is_capped_at_200() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    let page: DocumentPage = get(&client, "/api/v1/portal/documents").await;
    assert_eq!((page.page, page.per_page), (1, 50));
    let page: DocumentPage = get(&client, "/api/v1/portal/documents?per_page=200&page=99").await;
    assert!(page.items.is_empty());
    assert!(page.total > 0, "total counts all pages even past the end");
}

#[tokio::test]
async fn the_document_view_has_lines_vat_breakdown_and_payments_and_records_the_first_view() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    let docs = visible(&app, "acme").await;
    let doc = docs
        .iter()
        .find(|d| d.doc_type == "invoice" && d.paid_minor.is_some_and(|p| p > 0))
        .expect("paid invoice");
    let detail: portal_types::DocumentDetail =
        get(&client, &format!("/api/v1/portal/documents/{}", doc.id)).await;
    assert_eq!(detail.row.number, doc.number);
    let lines = document_line::Entity::find()
        .filter(document_line::Column::DocumentId.eq(doc.id))
        .all(&app.db)
        .await
        .expect("lines");
    assert_eq!(detail.lines.len(), lines.len());
    let net: i64 = detail.lines.iter().map(|l| minor(&l.net)).sum();
    assert_eq!(net, doc.tax_base_minor, "lines add up to the tax base");
    let base: i64 = detail
        .vat_breakdown
        .iter()
        .map(|b| minor(&b.tax_base))
        .sum();
    let vat: i64 = detail.vat_breakdown.iter().map(|b| minor(&b.vat)).sum();
    assert_eq!(
        (base, vat),
        (doc.tax_base_minor, doc.vat_minor),
        "breakdown adds up to the totals"
    );
    let paid: i64 = detail.payments.iter().map(|p| minor(&p.amount)).sum();
    assert_eq!(Some(paid), doc.paid_minor, "payments add up to paid");
    assert!(detail.first_viewed_at.is_some());

    let again: portal_types::DocumentDetail =
        get(&client, &format!("/api/v1/portal/documents/{}", doc.id)).await;
    assert_eq!(
        again.first_viewed_at, detail.first_viewed_at,
        "the first view stays the first"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) AS n FROM events WHERE kind = 'viewed' AND document_id = {}",
            doc.id
        ))
        .await,
        1
    );

    let credit = docs
        .iter()
        .find(|d| d.doc_type == "credit_note")
        .expect("credit note");
    let detail: portal_types::DocumentDetail =
        get(&client, &format!("/api/v1/portal/documents/{}", credit.id)).await;
    let related = credit
        .related_document_id
        .expect("credit note corrects an invoice");
    assert_eq!(detail.related_document_id, Some(related));
    let invoice = docs.iter().find(|d| d.id == related).expect("invoice");
    assert_eq!(
        detail.related_document_number.as_deref(),
        Some(invoice.number.as_str())
    );
}

#[tokio::test]
async fn the_summary_matches_an_independent_computation() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    let docs = visible(&app, "acme").await;
    let today = Utc::now().date_naive();
    let summary: portal_types::PortalSummary = get(&client, "/api/v1/portal/summary").await;
    for c in &summary.currencies {
        let mine: Vec<&document::Model> = docs
            .iter()
            .filter(|d| d.currency == c.currency && summable(d))
            .collect();
        let open: Vec<_> = mine
            .iter()
            .filter(|d| d.remaining_minor != Some(0))
            .collect();
        let late: Vec<_> = mine.iter().filter(|d| overdue(d, today)).collect();
        assert_eq!(
            minor(&c.open),
            open.iter()
                .map(|d| d.remaining_minor.unwrap_or(0))
                .sum::<i64>(),
            "{}",
            c.currency
        );
        assert_eq!(c.open_count as usize, open.len());
        assert_eq!(
            minor(&c.overdue),
            late.iter()
                .map(|d| d.remaining_minor.unwrap_or(0))
                .sum::<i64>()
        );
        assert_eq!(c.overdue_count as usize, late.len());
    }
    let eur = summary
        .currencies
        .iter()
        .find(|c| c.currency == "EUR")
        .expect("EUR");
    assert!(eur.overdue_count > 0 && eur.open_count > eur.overdue_count);
    let year_ago = today
        .checked_sub_months(chrono::Months::new(12))
        .expect("date");
    let payments = portal_store::entities::payment::Entity::find()
        .all(&app.db)
        .await
        .expect("payments");
    let paid_eur: i64 = payments
        .iter()
        .filter(|p| {
            p.paid_on > year_ago
                && docs
                    .iter()
                    .any(|d| d.id == p.document_id && d.currency == "EUR" && summable(d))
        })
        .map(|p| p.amount_minor)
        .sum();
    assert_eq!(minor(&eur.paid_last_12_months), paid_eur);
    let counted: u64 = summary.counts.iter().map(|c| c.count).sum();
    assert_eq!(counted as usize, docs.len());
    assert_eq!(summary.counts.len(), 7, "every type is in the demo data");
    assert_eq!(
        ids(&summary.recent),
        by_date_desc(docs.iter().collect())
            .into_iter()
            .take(5)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_customer_without_portal_rights_over_a_document_gets_404_not_403() {
    let app = spawn_app().await;
    let client = app.portal_client("cliente").await;
    let (code, _) = status(&client, "/api/v1/portal/documents/1").await;
    let owner = document::Entity::find_by_id(1)
        .one(&app.db)
        .await
        .expect("q")
        .expect("doc 1");
    let cliente = contractor::Entity::find_by_id(contractor_of(&app, "cliente").await)
        .one(&app.db)
        .await
        .expect("q")
        .expect("c");
    assert_ne!(owner.contractor_id, cliente.id);
    assert_eq!(code, 404);
    let err = Client::new(&app.address)
        .portal_me()
        .await
        .expect_err("no token");
    assert!(matches!(err, ClientError::Api { status: 401, .. }));
}

/// The first view and its `viewed` event are written together: when the event cannot be
/// recorded, the view is not either, so the next view still counts as the first.
#[tokio::test]
async fn a_first_view_whose_event_fails_is_recorded_by_the_next_view() {
    let app = spawn_app().await;
    let client = app.portal_client("kunde").await;
    let doc = visible(&app, "kunde")
        .await
        .into_iter()
        .next()
        .expect("a document");
    assert!(doc.first_viewed_at.is_none());
    let viewed = |id| {
        format!("SELECT count(*) AS n FROM events WHERE kind = 'viewed' AND document_id = {id}")
    };
    app.refuse_events("viewed").await;
    let failed = client.portal_document(doc.id).await;
    assert_eq!(
        failed.as_ref().err().and_then(|e| e.status()),
        Some(500),
        "{failed:?}"
    );
    let first_viewed = format!(
        "SELECT count(*) AS n FROM documents WHERE id = {} AND first_viewed_at IS NOT NULL",
        doc.id
    );
    assert_eq!(app.scalar(&first_viewed).await, 0);

    app.accept_events().await;
    client.portal_document(doc.id).await.expect("view");
    assert_eq!(app.scalar(&first_viewed).await, 1);
    assert_eq!(app.scalar(&viewed(doc.id)).await, 1);
    client.portal_document(doc.id).await.expect("view again");
    assert_eq!(
        app.scalar(&viewed(doc.id)).await,
        1,
        "only the first view is an event"
    );
}
