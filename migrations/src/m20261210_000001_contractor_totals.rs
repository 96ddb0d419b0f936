//! Running totals per customer, so that the largest customers' grids and summaries read a few
//! rows instead of summing all of their documents.
//!
//! `contractor_totals`: one row per organisation, customer, type, state, currency, payment state
//! (`bucket`) and whether the document has something left to pay by a due date (`dued`: its
//! remaining amount is positive and it has a due date) — the count and the sums of tax base,
//! VAT, total, paid and remaining. A customer has a few dozen of these rows however many
//! documents it has.
//!
//! `contractor_dues`: the same for the `dued` documents, by due date as well. Overdue moves with
//! the calendar; it is read as the `dued` totals less the dues not yet past
//! (`due_date >= today`), which are the few rows of the coming weeks — so nothing needs
//! updating when a day passes, and no query walks every past due date.
//!
//! Kept by triggers on `documents`, in the statement (so the transaction) of every write,
//! whichever code path makes it — issuing, payments, credit notes, imports, an operator's SQL.
//! A row whose count reaches zero is removed. `bucket` partitions what the grid sums
//! (`paid_minor IS NOT NULL`): `paid` (nothing remains), `unpaid` (something remains, nothing
//! paid), `partial` (both); `none` for documents without a payment state (offers).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261210_000001_contractor_totals"
    }
}

const SUMS: &str = "n BIGINT NOT NULL,
    tax_base_minor BIGINT NOT NULL,
    vat_minor BIGINT NOT NULL,
    total_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL,
    remaining_minor BIGINT NOT NULL";

fn tables() -> [String; 3] {
    [
        format!(
            "CREATE TABLE contractor_totals (
                organization_id BIGINT NOT NULL,
                contractor_id BIGINT NOT NULL,
                doc_type TEXT NOT NULL,
                state TEXT NOT NULL,
                currency TEXT NOT NULL,
                bucket TEXT NOT NULL CHECK (bucket IN ('none', 'paid', 'unpaid', 'partial')),
                dued INTEGER NOT NULL CHECK (dued IN (0, 1)),
                {SUMS},
                PRIMARY KEY (organization_id, contractor_id, doc_type, state, currency, bucket, dued)
            )"
        ),
        format!(
            "CREATE TABLE contractor_dues (
                organization_id BIGINT NOT NULL,
                contractor_id BIGINT NOT NULL,
                doc_type TEXT NOT NULL,
                state TEXT NOT NULL,
                currency TEXT NOT NULL,
                bucket TEXT NOT NULL,
                due_date {{date}} NOT NULL,
                {SUMS},
                PRIMARY KEY (organization_id, contractor_id, doc_type, state, currency, bucket, due_date)
            )"
        ),
        "CREATE INDEX contractor_dues_by_date ON contractor_dues (organization_id, contractor_id, due_date)"
            .to_string(),
    ]
}

fn bucket(r: &str) -> String {
    format!(
        "CASE WHEN {r}.paid_minor IS NULL THEN 'none' WHEN {r}.remaining_minor = 0 THEN 'paid'
              WHEN {r}.paid_minor = 0 THEN 'unpaid' ELSE 'partial' END"
    )
}

/// Whether row `r` counts by its due date.
fn dued(r: &str) -> String {
    format!("({r}.remaining_minor > 0 AND {r}.due_date IS NOT NULL)")
}

fn common_key(r: &str) -> String {
    format!(
        "{r}.organization_id, {r}.contractor_id, {r}.doc_type, {r}.state, {r}.currency, {}",
        bucket(r)
    )
}

fn values(r: &str, sign: &str) -> String {
    format!(
        "{sign}, {sign} * {r}.tax_base_minor, {sign} * {r}.vat_minor, {sign} * {r}.total_minor,
         {sign} * COALESCE({r}.paid_minor, 0), {sign} * COALESCE({r}.remaining_minor, 0)"
    )
}

const KEY: &str = "organization_id, contractor_id, doc_type, state, currency, bucket";
const SUM_COLUMNS: &str = "n, tax_base_minor, vat_minor, total_minor, paid_minor, remaining_minor";

fn add(table: &str) -> String {
    format!(
        "n = {table}.n + excluded.n,
         tax_base_minor = {table}.tax_base_minor + excluded.tax_base_minor,
         vat_minor = {table}.vat_minor + excluded.vat_minor,
         total_minor = {table}.total_minor + excluded.total_minor,
         paid_minor = {table}.paid_minor + excluded.paid_minor,
         remaining_minor = {table}.remaining_minor + excluded.remaining_minor"
    )
}

/// Adds (`sign` 1) or takes away (-1) row `r` in `contractor_totals`, removing the row it
/// leaves empty.
fn totals(r: &str, sign: &str) -> Vec<String> {
    let mut out = vec![format!(
        "INSERT INTO contractor_totals ({KEY}, dued, {SUM_COLUMNS})
         VALUES ({}, CASE WHEN {} THEN 1 ELSE 0 END, {})
         ON CONFLICT ({KEY}, dued) DO UPDATE SET {}",
        common_key(r),
        dued(r),
        values(r, sign),
        add("contractor_totals")
    )];
    if sign.starts_with('-') {
        out.push(format!(
            "DELETE FROM contractor_totals WHERE n = 0
             AND (organization_id, contractor_id, doc_type, state, currency, bucket, dued)
               = ({}, CASE WHEN {} THEN 1 ELSE 0 END)",
            common_key(r),
            dued(r)
        ));
    }
    out
}

/// The same in `contractor_dues`, for a `dued` row only (`guard` says how to make a statement
/// conditional: a `WHERE` of SQLite's `INSERT … SELECT`, or nothing inside plpgsql's `IF`).
fn dues(r: &str, sign: &str, sqlite: bool) -> Vec<String> {
    let (select, guard) = if sqlite {
        ("SELECT", format!("WHERE {}", dued(r)))
    } else {
        ("VALUES (", String::new())
    };
    let close = if sqlite { "" } else { ")" };
    let mut out = vec![format!(
        "INSERT INTO contractor_dues ({KEY}, due_date, {SUM_COLUMNS})
         {select} {}, {r}.due_date, {}{close} {guard}
         ON CONFLICT ({KEY}, due_date) DO UPDATE SET {}",
        common_key(r),
        values(r, sign),
        add("contractor_dues")
    )];
    if sign.starts_with('-') {
        out.push(format!(
            "DELETE FROM contractor_dues WHERE n = 0
             AND (organization_id, contractor_id, doc_type, state, currency, bucket, due_date)
               = ({}, {r}.due_date)",
            common_key(r)
        ));
    }
    out
}

fn backfill() -> [String; 2] {
    [
        format!(
            "INSERT INTO contractor_totals ({KEY}, dued, {SUM_COLUMNS})
             SELECT {}, CASE WHEN {} THEN 1 ELSE 0 END, COUNT(*), SUM(d.tax_base_minor),
                    SUM(d.vat_minor), SUM(d.total_minor), SUM(COALESCE(d.paid_minor, 0)),
                    SUM(COALESCE(d.remaining_minor, 0))
             FROM documents d GROUP BY 1, 2, 3, 4, 5, 6, 7",
            common_key("d"),
            dued("d")
        ),
        format!(
            "INSERT INTO contractor_dues ({KEY}, due_date, {SUM_COLUMNS})
             SELECT {}, d.due_date, COUNT(*), SUM(d.tax_base_minor), SUM(d.vat_minor),
                    SUM(d.total_minor), SUM(COALESCE(d.paid_minor, 0)),
                    SUM(COALESCE(d.remaining_minor, 0))
             FROM documents d WHERE {} GROUP BY 1, 2, 3, 4, 5, 6, 7",
            common_key("d"),
            dued("d")
        ),
    ]
}

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

fn postgres() -> Vec<String> {
    let backend = sea_orm::DbBackend::Postgres;
    let changed = TRACKED
        .iter()
        .map(|c| format!("OLD.{c} IS DISTINCT FROM NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let t = |r: &str, sign: &str| totals(r, sign).join(";\n");
    let d = |r: &str, sign: &str| {
        format!(
            "IF {} THEN {}; END IF",
            dued(r),
            dues(r, sign, false).join(";\n")
        )
    };
    let t_key = |r: &str| {
        format!(
            "ROW({}, CASE WHEN {} THEN 1 ELSE 0 END)",
            common_key(r),
            dued(r)
        )
    };
    let d_key = |r: &str| {
        format!(
            "ROW({}, COALESCE({r}.due_date, DATE '9999-12-31'))",
            common_key(r)
        )
    };
    let mut out: Vec<String> = tables().iter().map(|t| crate::ddl(backend, t)).collect();
    // Every transaction takes the totals' rows before the dues' rows, and within a table the
    // lower key first: two transactions moving documents between the same rows cannot wait
    // for each other in a circle.
    out.push(format!(
        "CREATE FUNCTION contractor_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF TG_OP = 'INSERT' THEN
                 {t_new}; {d_new};
             ELSIF TG_OP = 'DELETE' THEN
                 {t_old}; {d_old};
             ELSE
                 IF {t_key_new} < {t_key_old} THEN {t_new}; {t_old}; ELSE {t_old}; {t_new}; END IF;
                 IF {d_key_new} < {d_key_old} THEN {d_new}; {d_old}; ELSE {d_old}; {d_new}; END IF;
             END IF;
             RETURN NULL;
         END $$",
        t_new = t("NEW", "1"),
        t_old = t("OLD", "-1"),
        d_new = d("NEW", "1"),
        d_old = d("OLD", "-1"),
        t_key_new = t_key("NEW"),
        t_key_old = t_key("OLD"),
        d_key_new = d_key("NEW"),
        d_key_old = d_key("OLD"),
    ));
    out.push(
        "CREATE TRIGGER documents_totals_insert_delete AFTER INSERT OR DELETE ON documents
         FOR EACH ROW EXECUTE FUNCTION contractor_totals_track()"
            .to_string(),
    );
    out.push(format!(
        "CREATE TRIGGER documents_totals_update AFTER UPDATE ON documents
         FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION contractor_totals_track()"
    ));
    out.extend(backfill());
    out
}

fn sqlite() -> Vec<String> {
    let backend = sea_orm::DbBackend::Sqlite;
    let changed = TRACKED
        .iter()
        .map(|c| format!("OLD.{c} IS NOT NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let block = |r: &str, sign: &str| {
        let mut out = totals(r, sign);
        out.extend(dues(r, sign, true));
        out.join(";\n")
    };
    let mut out: Vec<String> = tables().iter().map(|t| crate::ddl(backend, t)).collect();
    out.push(format!(
        "CREATE TRIGGER documents_totals_insert AFTER INSERT ON documents BEGIN {}; END",
        block("NEW", "1")
    ));
    out.push(format!(
        "CREATE TRIGGER documents_totals_delete AFTER DELETE ON documents BEGIN {}; END",
        block("OLD", "-1")
    ));
    out.push(format!(
        "CREATE TRIGGER documents_totals_update AFTER UPDATE ON documents WHEN {changed}
         BEGIN {}; {}; END",
        block("OLD", "-1"),
        block("NEW", "1")
    ));
    out.extend(backfill());
    out
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
