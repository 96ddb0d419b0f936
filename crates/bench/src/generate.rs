//! A deterministic data generator: organisations of Zipf-skewed sizes, each with
//! Zipf-skewed customers, documents of every type and payment state over three years.
//!
//! Scale S: one organisation, 10,000 documents. Scale M: 100 organisations, 1,000,000
//! documents; the largest customer of the largest organisation has more than 50,000.

use chrono::{Duration, NaiveDate};
use portal_domain::document::search_text;
use portal_domain::filter::fold;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait, Value};

/// SplitMix64: fixed output for a fixed seed, forever.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// How much data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// 10,000 documents in one organisation.
    S,
    /// 1,000,000 documents in 100 organisations.
    M,
}

impl Scale {
    pub fn documents(self) -> u64 {
        match self {
            Scale::S => 10_000,
            Scale::M => 1_000_000,
        }
    }

    pub fn organizations(self) -> u64 {
        match self {
            Scale::S => 1,
            Scale::M => 100,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scale::S => "S",
            Scale::M => "M",
        }
    }
}

/// Splits `total` into `n` Zipf(s)-weighted integer parts, largest first, summing to `total`.
pub fn zipf_split(total: u64, n: u64, s: f64) -> Vec<u64> {
    let weights: Vec<f64> = (1..=n).map(|k| 1.0 / (k as f64).powf(s)).collect();
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|w| (total as f64 * w / sum).floor() as u64)
        .collect();
    let assigned: u64 = parts.iter().sum();
    for part in parts.iter_mut().take((total - assigned) as usize) {
        *part += 1;
    }
    parts
}

/// The marker row that says a database holds this generator's data at this scale.
const MARKER: &str = "bench-generator-v1";

fn stmt(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// Whether the database already holds the generated data for `scale`.
pub async fn present(db: &DatabaseConnection, scale: Scale) -> anyhow::Result<bool> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT count(*) AS n FROM organizations WHERE slug = $1",
            vec![format!("{MARKER}-{}", scale.name().to_lowercase()).into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0)
        > 0)
}

const TYPES: [(&str, u64); 7] = [
    ("invoice", 60),
    ("credit_note", 5),
    ("debit_note", 3),
    ("offer", 12),
    ("reminder", 5),
    ("delivery_note", 8),
    ("order_confirmation", 7),
];

fn pick_type(rng: &mut Rng) -> &'static str {
    let mut roll = rng.below(100);
    for (t, weight) in TYPES {
        if roll < weight {
            return t;
        }
        roll -= weight;
    }
    "invoice"
}

/// Fills an empty, migrated database. Every portal user's password is `password`.
pub async fn generate(
    db: &DatabaseConnection,
    scale: Scale,
    password_hash: &str,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let mut rng = Rng(0xBE7C_4000 + scale.documents());
    let org_sizes = zipf_split(scale.documents(), scale.organizations(), 1.0);
    let payable = ["invoice", "credit_note", "debit_note", "reminder"];
    for (o, org_docs) in org_sizes.iter().enumerate() {
        let slug = if o == 0 {
            format!("{MARKER}-{}", scale.name().to_lowercase())
        } else {
            format!("bench-org-{o:03}")
        };
        let txn = db.begin().await?;
        let row = txn
            .query_one_raw(stmt(
                &txn,
                "INSERT INTO organizations (slug, legal_name, country, default_currency, default_locale, portal_document_types,
                   portal_allow_download, portal_allow_comments, portal_allow_offer_decisions, portal_allow_payments,
                   portal_access_default, portal_email_on_new_document, created_at, updated_at)
                 VALUES ($1, $2, 'BG', 'EUR', 'en', $3, true, true, true, true, true, false, $4, $4) RETURNING id",
                vec![
                    slug.clone().into(),
                    format!("Bench Organisation {o}").into(),
                    TYPES.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(",").into(),
                    now.into(),
                ],
            ))
            .await?
            .ok_or_else(|| anyhow::anyhow!("no id"))?;
        let org_id: i64 = row.try_get("", "id")?;
        let contractor_count = (org_docs / 40).max(20);
        let sizes = zipf_split(*org_docs, contractor_count, 1.3);
        let mut contractor_ids = Vec::with_capacity(sizes.len());
        for chunk in (0..contractor_count).collect::<Vec<_>>().chunks(500) {
            let mut sql = String::from(
                "INSERT INTO contractors (organization_id, kind, name, locale, portal_access, created_at, updated_at) VALUES ",
            );
            let mut values: Vec<Value> = Vec::new();
            for (i, c) in chunk.iter().enumerate() {
                let b = values.len();
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${}, 'client', ${}, 'en', true, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 3
                ));
                values.extend([
                    org_id.into(),
                    format!("Customer {o}-{c}").into(),
                    now.into(),
                ]);
            }
            sql.push_str(" RETURNING id");
            for r in txn.query_all_raw(stmt(&txn, &sql, values)).await? {
                contractor_ids.push(r.try_get::<i64>("", "id")?);
            }
        }
        contractor_ids.sort_unstable();
        for chunk in contractor_ids.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO portal_users (organization_id, contractor_id, username, username_lower, first_name, last_name,
                   password_hash, state, must_change_password, password_changed_at, created_at, updated_at) VALUES ",
            );
            let mut values: Vec<Value> = Vec::new();
            for (i, cid) in chunk.iter().enumerate() {
                let b = values.len();
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, 'Bench', 'User', ${}, 'active', false, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 5,
                    b + 5
                ));
                values.extend([
                    org_id.into(),
                    (*cid).into(),
                    format!("c{cid}").into(),
                    password_hash.into(),
                    now.into(),
                ]);
            }
            txn.execute_raw(stmt(&txn, &sql, values)).await?;
        }

        // Documents, in batches, customers interleaved as real issuing would.
        let mut remaining: Vec<(i64, u64)> = contractor_ids
            .iter()
            .copied()
            .zip(sizes.iter().copied())
            .collect();
        let mut counters = std::collections::HashMap::new();
        let mut batch: Vec<Vec<Value>> = Vec::new();
        let total = *org_docs;
        for n in 0..total {
            // walk the customers round-robin weighted by what they still need
            let mut pick = rng.below(total - n);
            let mut slot = 0;
            for (i, (_, left)) in remaining.iter().enumerate() {
                if pick < *left {
                    slot = i;
                    break;
                }
                pick -= left;
            }
            remaining[slot].1 -= 1;
            let contractor_id = remaining[slot].0;
            let doc_type = pick_type(&mut rng);
            let counter = counters.entry(doc_type).or_insert(0u64);
            *counter += 1;
            let number = format!("{:010}", *counter);
            let issue = today - Duration::days(i64::try_from(rng.below(3 * 365))?);
            let due = match doc_type {
                "delivery_note" | "order_confirmation" => None,
                _ => Some(issue + Duration::days(if rng.below(2) == 0 { 14 } else { 30 })),
            };
            let currency = match rng.below(20) {
                0..=15 => "EUR",
                16..=18 => "BGN",
                _ => "USD",
            };
            let sign = if doc_type == "credit_note" { -1 } else { 1 };
            let tax_base = sign * i64::try_from(1_000 + rng.below(2_000_000))?;
            let vat = tax_base / 5;
            let total_minor = tax_base + vat;
            let state = match rng.below(100) {
                0 | 1 => "draft",
                2 | 3 => "cancelled",
                _ => "issued",
            };
            let (paid, remaining_minor) = if payable.contains(&doc_type) {
                let paid = match rng.below(10) {
                    0..=5 => total_minor,
                    6 => total_minor / 2,
                    _ => 0,
                };
                (Some(paid), Some(total_minor - paid))
            } else {
                (None, None)
            };
            let description = [
                "Consulting services",
                "Software maintenance",
                "Office supplies",
                "Delivery",
                "Training",
            ][usize::try_from(rng.below(5))?];
            batch.push(vec![
                org_id.into(),
                contractor_id.into(),
                doc_type.into(),
                number.clone().into(),
                fold(&number).into(),
                search_text(&number, &[description]).into(),
                issue.into(),
                due.into(),
                currency.into(),
                tax_base.into(),
                vat.into(),
                total_minor.into(),
                paid.into(),
                remaining_minor.into(),
                state.into(),
                now.into(),
            ]);
            if batch.len() == 1000 || n + 1 == total {
                insert_documents(&txn, &batch).await?;
                batch.clear();
            }
        }
        txn.commit().await?;
        if (o + 1) % 10 == 0 || o + 1 == org_sizes.len() {
            eprintln!("  generated {} of {} organisations", o + 1, org_sizes.len());
        }
    }
    // What autovacuum does in production: statistics, and the visibility map that lets the
    // grid's covering indexes answer without visiting the table.
    let maintenance = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    db.execute_unprepared(maintenance).await?;
    Ok(())
}

async fn insert_documents(db: &impl ConnectionTrait, rows: &[Vec<Value>]) -> anyhow::Result<()> {
    let mut sql = String::from(
        "INSERT INTO documents (organization_id, contractor_id, doc_type, number, number_folded, search_text, issue_date,
           due_date, currency, tax_base_minor, vat_minor, total_minor, paid_minor, remaining_minor, state, version,
           created_at, updated_at) VALUES ",
    );
    let mut values = Vec::with_capacity(rows.len() * 16);
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        let b = values.len();
        let p: Vec<String> = (1..=15).map(|k| format!("${}", b + k)).collect();
        sql.push_str(&format!("({}, 1, ${}, ${})", p.join(", "), b + 16, b + 16));
        values.extend(row.iter().cloned());
    }
    db.execute_raw(stmt(db, &sql, values)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_parts_add_up_and_the_largest_customer_is_large() {
        let orgs = zipf_split(1_000_000, 100, 1.0);
        assert_eq!(orgs.iter().sum::<u64>(), 1_000_000);
        let customers = zipf_split(orgs[0], orgs[0] / 40, 1.3);
        assert_eq!(customers.iter().sum::<u64>(), orgs[0]);
        assert!(customers[0] >= 50_000, "{}", customers[0]);
        let s = zipf_split(10_000, 250, 1.3);
        assert!(
            s.iter().any(|&n| (450..=550).contains(&n)),
            "a ~500-document customer at scale S"
        );
    }
}
