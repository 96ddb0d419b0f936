//! Running totals per customer, so that the largest customers' grids and summaries read a few
//! rows instead of summing all of their documents. One row per organisation, customer, type,
//! state, currency, payment state (`bucket`) and — for documents with something left to pay —
//! due date (`due_key`; `9999-12-31` otherwise, which is never past): the count and the sums of
//! tax base, VAT, total, paid and remaining.
//!
//! Kept by triggers on `documents`, in the statement (so the transaction) of every write,
//! whichever code path makes it — issuing, payments, credit notes, imports, an operator's SQL.
//! A row whose count reaches zero is removed. Overdue, which moves with the calendar, is read
//! as `due_key < today` over the rows, so nothing needs updating when a day passes.
//!
//! `bucket` partitions what the grid sums (`paid_minor IS NOT NULL`): `paid` (nothing remains),
//! `unpaid` (something remains, nothing paid), `partial` (both); `none` for documents without a
//! payment state (offers).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261210_000001_contractor_totals"
    }
}

const TABLE: &str = "CREATE TABLE contractor_totals (
    organization_id BIGINT NOT NULL,
    contractor_id BIGINT NOT NULL,
    doc_type TEXT NOT NULL,
    state TEXT NOT NULL,
    currency TEXT NOT NULL,
    bucket TEXT NOT NULL CHECK (bucket IN ('none', 'paid', 'unpaid', 'partial')),
    due_key {date} NOT NULL,
    n BIGINT NOT NULL,
    tax_base_minor BIGINT NOT NULL,
    vat_minor BIGINT NOT NULL,
    total_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL,
    remaining_minor BIGINT NOT NULL,
    PRIMARY KEY (organization_id, contractor_id, doc_type, state, currency, bucket, due_key)
)";

/// The key of a document row (`r` = `NEW`, `OLD` or a table alias).
fn key_of(r: &str, never: &str) -> String {
    format!(
        "{r}.organization_id, {r}.contractor_id, {r}.doc_type, {r}.state, {r}.currency,
         CASE WHEN {r}.paid_minor IS NULL THEN 'none' WHEN {r}.remaining_minor = 0 THEN 'paid'
              WHEN {r}.paid_minor = 0 THEN 'unpaid' ELSE 'partial' END,
         CASE WHEN {r}.remaining_minor > 0 AND {r}.due_date IS NOT NULL THEN {r}.due_date
              ELSE {never} END"
    )
}

/// The key and the values a document row adds (`sign` 1) or takes away (-1).
fn key_and_values(r: &str, sign: &str, never: &str) -> String {
    format!(
        "{},
         {sign}, {sign} * {r}.tax_base_minor, {sign} * {r}.vat_minor, {sign} * {r}.total_minor,
         {sign} * COALESCE({r}.paid_minor, 0), {sign} * COALESCE({r}.remaining_minor, 0)",
        key_of(r, never)
    )
}

const COLUMNS: &str = "organization_id, contractor_id, doc_type, state, currency, bucket, due_key,
    n, tax_base_minor, vat_minor, total_minor, paid_minor, remaining_minor";
const KEY: &str = "organization_id, contractor_id, doc_type, state, currency, bucket, due_key";
const ADD: &str = "n = contractor_totals.n + excluded.n,
    tax_base_minor = contractor_totals.tax_base_minor + excluded.tax_base_minor,
    vat_minor = contractor_totals.vat_minor + excluded.vat_minor,
    total_minor = contractor_totals.total_minor + excluded.total_minor,
    paid_minor = contractor_totals.paid_minor + excluded.paid_minor,
    remaining_minor = contractor_totals.remaining_minor + excluded.remaining_minor";
/// The columns whose change moves a document between rows or changes its sums.
const TRACKED: [&str; 11] = [
    "organization_id",
    "contractor_id",
    "doc_type",
    "state",
    "currency",
    "due_date",
    "tax_base_minor",
    "vat_minor",
    "total_minor",
    "paid_minor",
    "remaining_minor",
];

/// One statement adding (`sign` 1) or taking away (-1) row `r` of a trigger.
fn upsert(r: &str, sign: &str, never: &str) -> String {
    format!(
        "INSERT INTO contractor_totals ({COLUMNS}) VALUES ({})
         ON CONFLICT ({KEY}) DO UPDATE SET {ADD}",
        key_and_values(r, sign, never)
    )
}

fn backfill(never: &str) -> String {
    format!(
        "INSERT INTO contractor_totals ({COLUMNS})
         SELECT {}, COUNT(*), SUM(d.tax_base_minor), SUM(d.vat_minor), SUM(d.total_minor),
                SUM(COALESCE(d.paid_minor, 0)), SUM(COALESCE(d.remaining_minor, 0))
         FROM documents d
         GROUP BY 1, 2, 3, 4, 5, 6, 7",
        key_of("d", never)
    )
}

const EMPTIED: &str = "DELETE FROM contractor_totals WHERE n = 0";

fn postgres() -> Vec<String> {
    let never = "DATE '9999-12-31'";
    let changed = TRACKED
        .iter()
        .map(|c| format!("OLD.{c} IS DISTINCT FROM NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    vec![
        crate::ddl(sea_orm::DbBackend::Postgres, TABLE),
        // Taking away before adding, except when the new row's key sorts first: two
        // transactions that move documents between the same two rows lock them in one order.
        format!(
            "CREATE FUNCTION contractor_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF TG_OP = 'INSERT' THEN
                     {add_new};
                 ELSIF TG_OP = 'DELETE' THEN
                     {take_old};
                     {emptied};
                 ELSIF ROW({new_key}) < ROW({old_key}) THEN
                     {add_new};
                     {take_old};
                     {emptied};
                 ELSE
                     {take_old};
                     {add_new};
                     {emptied};
                 END IF;
                 RETURN NULL;
             END $$",
            new_key = key_of("NEW", never),
            old_key = key_of("OLD", never),
            add_new = upsert("NEW", "1", never),
            take_old = upsert("OLD", "-1", never),
            emptied = EMPTIED,
        ),
        "CREATE TRIGGER documents_totals_insert_delete AFTER INSERT OR DELETE ON documents
         FOR EACH ROW EXECUTE FUNCTION contractor_totals_track()"
            .to_string(),
        format!(
            "CREATE TRIGGER documents_totals_update AFTER UPDATE ON documents
             FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION contractor_totals_track()"
        ),
        backfill(never),
    ]
}

fn sqlite() -> Vec<String> {
    let never = "'9999-12-31'";
    let changed = TRACKED
        .iter()
        .map(|c| format!("OLD.{c} IS NOT NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    vec![
        crate::ddl(sea_orm::DbBackend::Sqlite, TABLE),
        format!(
            "CREATE TRIGGER documents_totals_insert AFTER INSERT ON documents
             BEGIN {}; END",
            upsert("NEW", "1", never)
        ),
        format!(
            "CREATE TRIGGER documents_totals_delete AFTER DELETE ON documents
             BEGIN {}; {EMPTIED}; END",
            upsert("OLD", "-1", never)
        ),
        format!(
            "CREATE TRIGGER documents_totals_update AFTER UPDATE ON documents
             WHEN {changed}
             BEGIN {}; {}; {EMPTIED}; END",
            upsert("OLD", "-1", never),
            upsert("NEW", "1", never)
        ),
        backfill(never),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => postgres(),
            _ => sqlite(),
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
