//! An integrator's sync, with an API key: invoices from a CSV file into the portal, and the
//! payments recorded since a date back out.
//!
//! ```sh
//! PORTAL_API_KEY=cpk_live_… cargo run -p portal-client --example sync -- \
//!     http://127.0.0.1:8080 orders.csv 2026-12-01
//! ```
//!
//! The CSV has a header and one invoice line per row:
//! `order,customer,email,description,quantity,unit_price,vat_rate,currency` (fields may be
//! quoted with `"`). Rows of the same `order` make one invoice, issued at once. A customer is
//! found by its exact name, or made; an order already in the portal (its number is in the
//! lines' descriptions) is skipped, so running the sync twice issues nothing twice. The key
//! needs `contractors:write`, `documents:write`, `payments:read` and `events:read`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use portal_client::{Client, ClientError};
use portal_types::{DocumentType, LineInput, NewContractor, NewDocument};

type Failure = Box<dyn std::error::Error>;

/// One CSV line: its fields, `"…"` quoting with `""` for a quote.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field).trim().to_owned()),
            (c, _) => field.push(c),
        }
    }
    out.push(field.trim().to_owned());
    out
}

struct Row {
    customer: String,
    email: String,
    line: LineInput,
    currency: String,
}

fn read(path: &str) -> Result<BTreeMap<String, Vec<Row>>, Failure> {
    let text = std::fs::read_to_string(path)?;
    let mut orders: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f = fields(line);
        let [
            order,
            customer,
            email,
            description,
            quantity,
            unit_price,
            vat_rate,
            currency,
        ] = <[String; 8]>::try_from(f).map_err(|_| format!("line {}: eight fields", n + 1))?;
        orders.entry(order.clone()).or_default().push(Row {
            customer,
            email,
            line: LineInput {
                description: format!("{description} (order {order})"),
                quantity,
                unit: "pcs".into(),
                unit_price,
                discount_percent: None,
                vat_rate,
            },
            currency,
        });
    }
    Ok(orders)
}

/// The customer named `name` exactly, made when there is none.
async fn customer(client: &Client, name: &str, email: &str) -> Result<i64, ClientError> {
    let found = client
        .contractors(&[("q", name), ("per_page", "200")])
        .await?;
    if let Some(c) = found.items.iter().find(|c| c.name == name) {
        return Ok(c.id);
    }
    let made = client
        .create_contractor(&NewContractor {
            name: name.to_owned(),
            kind: None,
            tax_id: None,
            vat_number: None,
            address: None,
            email: (!email.is_empty()).then(|| email.to_owned()),
            phone: None,
            iban: None,
            bic: None,
            locale: None,
            salesperson_id: None,
            payment_terms_days: None,
            portal_access: None,
        })
        .await?;
    Ok(made.id)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, csv, since] = <[String; 4]>::try_from(args)
        .map_err(|_| "usage: sync <base url> <orders.csv> <payments since YYYY-MM-DD>")?;
    let since: NaiveDate = since.parse()?;
    let key = std::env::var("PORTAL_API_KEY").map_err(|_| "PORTAL_API_KEY is not set")?;
    let client = Client::new(&base);
    client.set_access_token(Some(key));

    for (order, rows) in read(&csv)? {
        let needle = format!("(order {order})");
        let existing = client
            .issuer_documents(&[("q", needle.as_str()), ("type", "invoice")])
            .await?;
        if existing.total > 0 {
            println!("order {order}: already in the portal");
            continue;
        }
        let first = &rows[0];
        let contractor_id = customer(&client, &first.customer, &first.email).await?;
        let draft = client
            .create_document(&NewDocument {
                contractor_id,
                doc_type: DocumentType::Invoice,
                currency: Some(first.currency.clone()),
                issue_date: None,
                due_date: None,
                lines: rows.iter().map(|r| r.line.clone()).collect(),
                notes: None,
                related_document_id: None,
            })
            .await?;
        let issued = client.document_action(draft.row.id, "issue").await?;
        println!(
            "order {order}: invoice {} for {} {}",
            issued.row.number.unwrap_or_default(),
            issued.row.total,
            issued.row.currency
        );
    }

    // Payments recorded since the date: the trail says which documents, the documents say what.
    let from = format!("{since}T00:00:00Z");
    let mut documents = Vec::new();
    let mut page: u32 = 1;
    loop {
        let page_text = page.to_string();
        let events = client
            .events(&[
                ("kind", "payment_recorded"),
                ("from", from.as_str()),
                ("per_page", "200"),
                ("page", page_text.as_str()),
            ])
            .await?;
        for e in &events.items {
            if let Some(id) = e.document_id.filter(|id| !documents.contains(id)) {
                documents.push(id);
            }
        }
        if u64::from(page) * 200 >= events.total {
            break;
        }
        page += 1;
    }
    documents.sort_unstable();
    for id in documents {
        let doc = client.issuer_document(id).await?;
        for p in client.payments(id).await?.items {
            if p.date >= since {
                println!(
                    "payment {} {} {} on {} for {}",
                    p.date,
                    p.amount,
                    doc.row.currency,
                    doc.row.number.clone().unwrap_or_default(),
                    doc.row.contractor_name
                );
            }
        }
    }
    Ok(())
}
